// examples/storefront: a shop's account pages, signed in with guise through
// express-openid-connect (Auth0's SDK for Express), unmodified and
// configured as its README says.  guise sends a browser that followed an
// impersonation link to /login, the client's initiate_login_uri (OpenID
// Connect Core section 4); the SDK starts an ordinary code login there,
// with PKCE, state and nonce, and its /callback ends it.  The pages show
// who is signed in and, from the id_token's impersonated / impersonator /
// act claims, a banner naming who impersonates them; deleting the account
// is refused while impersonated, and an impersonated session ends with its
// tokens.
//
//   environment: GUISE_ISSUER (guise's issuer URL), CLIENT_SECRET,
//   CLIENT_ID (example-storefront), PORT (3005), BASE_URL
//   (http://127.0.0.1:PORT), HOST to listen on (127.0.0.1), SESSION_SECRET
//   (by default a random one each start: sessions end with the process);
//   NODE_EXTRA_CA_CERTS, the CA of guise's certificate when it is not a
//   public one (make demo's is self-signed: demo/tls/cert.pem).
// Prints "listening on BASE_URL" once it accepts connections.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import express from 'express';
import eoc from 'express-openid-connect';
import { securityHeaders } from '../lib/html.mjs';
import { serve } from '../lib/serve.mjs';
import { backchannelLogout } from './backchannel.mjs';
import { impersonation } from './impersonation.mjs';
import * as pages from './pages.mjs';

const { auth, requiresAuth } = eoc;

const env = process.env;
const port = Number(env.PORT ?? 3005);
const issuer = env.GUISE_ISSUER;
const baseURL = (env.BASE_URL ?? `http://127.0.0.1:${port}`).replace(/\/+$/, '');
if (!issuer || !env.CLIENT_SECRET || !Number.isInteger(port)) {
  console.error('storefront: set GUISE_ISSUER (guise\'s issuer URL) and CLIENT_SECRET '
    + '(and PORT, CLIENT_ID, BASE_URL as needed); see examples/storefront/README.md');
  process.exit(2);
}
const origin = new URL(baseURL).origin;

const app = express();
app.disable('x-powered-by');
app.set('query parser', 'simple');
const headers = securityHeaders();
app.use((req, res, next) => { res.set(headers); next(); });
app.use('/static', express.static(join(import.meta.dirname, 'public'), { index: false }));
app.get('/favicon.ico', (req, res) => res.status(204).end());	// no icon, no 404

// guise tells the shop when an impersonation session ends: before auth(),
// which would otherwise take the POST for a sign-in's.
const backchannel = backchannelLogout({ issuer, clientId: env.CLIENT_ID ?? 'example-storefront' });
app.use(backchannel.route);

app.use(auth({
  issuerBaseURL: issuer,
  baseURL,
  clientID: env.CLIENT_ID ?? 'example-storefront',
  clientSecret: env.CLIENT_SECRET,
  secret: env.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
  authRequired: false,
  authorizationParams: { response_type: 'code', scope: 'openid profile email' },
  // /login is ours, below: it reads what guise sends along.
  routes: { login: false },
}));

// What every page needs: the user of this session and who impersonates
// them.  An impersonated session lasts no longer than its tokens (guise's
// token_ttl), nor past guise's word that it ended (back-channel logout):
// the support person's browser keeps no way in after that.
app.use((req, res, next) => {
  if (req.oidc.isAuthenticated()) {
    req.user = req.oidc.user;
    req.imp = impersonation(req.user);
    if (req.imp && req.oidc.accessToken?.isExpired() !== false) {
      req.ended = 'expired';
    } else if (backchannel.isEnded(req.oidc.idTokenClaims?.sid)) {
      req.ended = 'ended';
    }
    if (req.ended) {
      req.appSession = undefined;
      req.user = req.imp = undefined;
    }
  }
  next();
});

// Where guise sends the browser: ?iss=...&target_link_uri=...&login_hint=....
// A login for another issuer is refused; the target is followed only on
// this site.
app.get('/login', (req, res) => {
  const { iss, target_link_uri: target, login_hint: hint } = req.query;
  if (iss !== undefined && iss !== issuer) {
    res.status(400).send(pages.problem({
      title: 'Unknown identity provider',
      text: `This shop signs in with ${issuer}, not with ${iss}.`,
    }));
    return;
  }
  res.oidc.login({
    returnTo: sameSite(target),
    authorizationParams: typeof hint === 'string' ? { login_hint: hint } : {},
  });
});

function sameSite(target) {
  try {
    const u = new URL(target);
    if (u.origin === origin) return `${u.pathname}${u.search}`;
  } catch { /* absent or not a URL */ }
  return '/';
}

app.get('/', (req, res) => {
  res.send(pages.home({ user: req.user, imp: req.imp, ended: req.ended }));
});

// The sensitive action.  A POST from this site's own page only (the
// session cookie is SameSite=Lax too), and never while impersonated.
app.post('/account/delete', requiresAuth(), (req, res) => {
  const { user, imp } = req;
  if (req.get('origin') !== origin) {
    res.status(403).send(pages.problem({
      user, imp, title: 'Refused', text: 'The request did not come from this shop\'s own page.',
    }));
    return;
  }
  if (imp) {
    console.log(`refused: delete account ${user.sub}, impersonated by ${imp.id ?? '?'} (${imp.email ?? '?'})`);
    res.status(403).send(pages.refused({ user, imp }));
    return;
  }
  console.log(`delete account ${user.sub} (an example: nothing to delete)`);
  res.send(pages.deleted({ user }));
});

// A failed sign-in (the SDK's errors carry the OAuth error): guise answers
// login_required to a login started without a link.
app.use((err, req, res, next) => {
  if (res.headersSent) return next(err);
  const why = reason(err);
  console.error(`storefront: ${err.error ?? err.name}: ${why}`);
  const text = err.error === 'login_required'
    ? 'guise signs people in to this shop only through an impersonation link, opened in this browser. There was none.'
    : `The sign-in failed: ${why}`;
  res.status(err.status ?? 500).send(pages.problem({ title: 'Not signed in', text }));
});

// What went wrong, with the cause of a failed fetch ("fetch failed" alone
// says nothing); a certificate Node does not trust, with the remedy.
function reason(err) {
  const { cause } = err;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(cause?.code ?? '')) {
    return `guise's certificate is not trusted (${cause.code}): start the shop with NODE_EXTRA_CA_CERTS naming its CA file.`;
  }
  return [err.error_description ?? err.message, cause?.message].filter(Boolean).join(': ');
}

serve(app, { port, host: env.HOST, name: 'storefront', ready: () => console.log(`listening on ${baseURL}`) });
