// examples/dev-idp: a local OpenID Connect provider for development, the
// "organization's identity provider" that guise's support console signs
// its staff in with (DESIGN.md section 7), for the tests and make demo.
// It is panva's oidc-provider, certified, on plain http on 127.0.0.1 (guise
// accepts an http provider on a loopback address only), with one client,
// the console, and the accounts of a JSON file behind a sign-in page of its
// own.  Consent is given at once: the console is a first-party client.
//
//   node examples/dev-idp/idp.mjs --accounts FILE [options]
//
// Run with --help for the options.  Prints "issuer URL" on stdout once it
// listens, its warnings on stderr; SIGTERM or SIGINT stops it.
import { createHash, generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import express from 'express';
import Provider from 'oidc-provider';
import { securityHeaders } from '../lib/html.mjs';
import { serve } from '../lib/serve.mjs';
import * as pages from './pages.mjs';

const USAGE = `usage: node examples/dev-idp/idp.mjs --accounts FILE [options]

  --accounts FILE       a JSON array of accounts: {"sub", "email",
                        "email_verified", "name", "password", ...}; the
                        sign-in page checks the password
  --port N              where to listen on 127.0.0.1 (8400, or the issuer's)
  --issuer URL          http://127.0.0.1:PORT/ by default; http, path "/"
  --guise URL           guise's issuer (https://127.0.0.1:8443/): the
                        redirect URI and the JWKS below are under it
  --client-id ID        the console's client_id (guise-console)
  --redirect-uri URL    GUISE/console/callback
  --auth METHOD         private_key_jwt (guise signs its assertion with a key
                        of GUISE/.well-known/jwks.json) or client_secret_basic;
                        client_secret_basic when a secret is given
  --jwks-uri URL        GUISE/.well-known/jwks.json (private_key_jwt)
  --client-secret S     the secret of client_secret_basic, or in the
                        environment as DEV_IDP_CLIENT_SECRET
  --alg ALG             the id_token's algorithm: RS256 (default) or ES256
  --keys FILE           keep the signing keys in FILE (made on the first
                        start) so that they outlive a restart

guise's https certificate must be trusted to fetch its JWKS: set
NODE_EXTRA_CA_CERTS to its CA (make demo: demo/tls/cert.pem).`;

function usage(problem) {
  if (problem) console.error(`dev-idp: ${problem}`);
  console.error(USAGE);
  process.exit(2);
}

function options() {
  let v;
  try {
    ({ values: v } = parseArgs({
      options: {
        accounts: { type: 'string' }, port: { type: 'string' }, issuer: { type: 'string' },
        guise: { type: 'string' }, 'client-id': { type: 'string' }, 'redirect-uri': { type: 'string' },
        auth: { type: 'string' }, 'jwks-uri': { type: 'string' }, 'client-secret': { type: 'string' },
        alg: { type: 'string' }, keys: { type: 'string' }, help: { type: 'boolean' },
      },
    }));
  } catch (e) {
    usage(e.message);
  }
  if (v.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (!v.accounts) usage('--accounts is required');
  const secret = v['client-secret'] ?? process.env.DEV_IDP_CLIENT_SECRET;
  const auth = v.auth ?? (secret ? 'client_secret_basic' : 'private_key_jwt');
  if (!['private_key_jwt', 'client_secret_basic'].includes(auth)) usage(`--auth ${auth}: private_key_jwt or client_secret_basic`);
  if (auth === 'client_secret_basic' && !secret) usage('client_secret_basic needs --client-secret');
  const alg = v.alg ?? 'RS256';
  if (!['RS256', 'ES256'].includes(alg)) usage(`--alg ${alg}: RS256 or ES256`);

  const issuer = new URL(v.issuer ?? `http://127.0.0.1:${v.port ?? 8400}/`);
  if (issuer.protocol !== 'http:' || issuer.pathname !== '/' || issuer.search || issuer.hash) {
    usage(`--issuer ${v.issuer}: an http:// URL whose path is "/"`);
  }
  const port = Number(v.port ?? (issuer.port || 80));
  if (!Number.isInteger(port) || port < 1 || port > 65535) usage(`--port ${v.port}: a port number`);
  const guise = v.guise ?? 'https://127.0.0.1:8443/';
  return {
    accounts: v.accounts,
    port,
    issuer: issuer.href,
    alg,
    keys: v.keys,
    client: {
      id: v['client-id'] ?? 'guise-console',
      redirectUri: v['redirect-uri'] ?? new URL('console/callback', guise).href,
      auth,
      secret,
      jwksUri: auth === 'private_key_jwt' ? v['jwks-uri'] ?? new URL('.well-known/jwks.json', guise).href : undefined,
    },
  };
}

// The accounts file: each one with a sub, an email and a password, none
// twice.  Returns a Map by sub.
function loadAccounts(file) {
  let list;
  try {
    list = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    usage(`${file}: ${e.message}`);
  }
  if (!Array.isArray(list) || list.length === 0) usage(`${file}: not a JSON array of accounts`);
  const bySub = new Map();
  const emails = new Set();
  for (const a of list) {
    for (const k of ['sub', 'email', 'password']) {
      if (typeof a?.[k] !== 'string' || a[k] === '') usage(`${file}: an account without "${k}": ${JSON.stringify(a)}`);
    }
    const email = a.email.toLowerCase();
    if (bySub.has(a.sub) || emails.has(email)) usage(`${file}: ${a.sub} <${a.email}> is there twice`);
    bySub.set(a.sub, a);
    emails.add(email);
  }
  return bySub;
}

// The password of account, compared in constant time.
function passwordMatches(account, password) {
  const digest = (s) => createHash('sha256').update(String(s)).digest();
  return timingSafeEqual(digest(account.password), digest(password));
}

// An RSA and an EC key, for RS256 and ES256; from FILE when it exists, or
// new (and then written to FILE, mode 0600).
function signingKeys(file) {
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).keys;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const stamp = Date.now().toString(36);
  const keys = [{ ...rsa, kid: `dev-rs256-${stamp}`, alg: 'RS256', use: 'sig' },
    { ...ec, kid: `dev-es256-${stamp}`, alg: 'ES256', use: 'sig' }];
  if (file) writeFileSync(file, `${JSON.stringify({ keys })}\n`, { mode: 0o600, flag: 'wx' });
  return keys;
}

// The console's record: a confidential client of the code flow; PKCE is
// required of it below.
function clientRecord(c, alg) {
  const r = {
    client_id: c.id,
    redirect_uris: [c.redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: c.auth,
    id_token_signed_response_alg: alg,
  };
  if (c.auth === 'client_secret_basic') r.client_secret = c.secret;
  else r.jwks_uri = c.jwksUri;
  return r;
}

const PROFILE = ['name', 'given_name', 'family_name', 'nickname', 'preferred_username', 'picture', 'updated_at'];

function provider(o, accounts) {
  const p = new Provider(o.issuer, {
    clients: [clientRecord(o.client, o.alg)],
    jwks: { keys: signingKeys(o.keys) },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: PROFILE },
    // The claims of the scopes in the id_token too: guise's console reads
    // email and email_verified there.
    conformIdTokenClaims: false,
    findAccount(ctx, sub) {
      const a = accounts.get(sub);
      if (!a) return undefined;
      const claims = { ...a };
      delete claims.password;
      return { accountId: sub, claims: () => claims };
    },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    // Consent without asking: every client here is first-party.  The
    // session's grant, or a new one of the OpenID scopes and claims the
    // client asks for.
    async loadExistingGrant(ctx) {
      const id = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (id) return ctx.oidc.provider.Grant.find(id);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
      grant.addOIDCClaims([...ctx.oidc.requestParamClaims]);
      await grant.save();
      return grant;
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Grant: 28800, Session: 28800 },
    // oidc-provider will not fetch from a loopback address; guise's JWKS
    // in the tests and the demo is on one.  It fetches nothing else.
    fetch(url, opts) {
      if (String(url) !== o.client.jwksUri) return Promise.reject(new Error(`dev-idp fetches only ${o.client.jwksUri}`));
      const direct = { ...opts };
      delete direct.dispatcher;		// its check of the address
      return fetch(url, direct);
    },
  });
  p.on('server_error', (ctx, e) => console.error(`dev-idp: ${e.stack}`));
  p.on('grant.error', (ctx, e) => console.error(`dev-idp: ${e.error ?? e.name}: ${e.error_description ?? e.message}`));
  return p;
}

// A consent prompt (the client asked for one), answered yes at once: what
// it misses added to the session's grant, or to a new one.  Returns the
// grant's id.
async function consent(idp, grantId, session, params, prompt) {
  const grant = grantId ? await idp.Grant.find(grantId)
    : new idp.Grant({ accountId: session.accountId, clientId: params.client_id });
  const { missingOIDCScope = [], missingOIDCClaims = [] } = prompt.details;
  grant.addOIDCScope(missingOIDCScope.join(' '));
  grant.addOIDCClaims(missingOIDCClaims);
  return grant.save();
}

// The sign-in page of an interaction, and its POST; then oidc-provider's
// own routes.
function app(o, accounts, idp) {
  const a = express();
  a.disable('x-powered-by');
  const headers = securityHeaders([new URL(o.client.redirectUri).origin]);
  const ours = (req, res, next) => { res.set(headers); next(); };
  a.use('/dev-idp', ours, express.static(join(import.meta.dirname, 'public'), { index: false }));

  a.get('/interaction/:uid', ours, async (req, res, next) => {
    try {
      const { uid, prompt, params, grantId, session } = await idp.interactionDetails(req, res);
      if (prompt.name === 'consent') {		// asked for with prompt=consent
        await idp.interactionFinished(req, res, { consent: { grantId: await consent(idp, grantId, session, params, prompt) } },
          { mergeWithLastSubmission: true });
        return;
      }
      res.send(pages.login({ uid, client: params.client_id, email: params.login_hint }));
    } catch (e) {
      next(e);
    }
  });

  a.post('/interaction/:uid/login', ours, express.urlencoded({ extended: false, limit: '4kb' }), async (req, res, next) => {
    try {
      const { uid, prompt, params } = await idp.interactionDetails(req, res);
      if (prompt.name !== 'login') throw new Error(`this sign-in is at ${prompt.name}, not login`);
      const email = String(req.body.email ?? '').toLowerCase();
      const account = [...accounts.values()].find((x) => x.email.toLowerCase() === email);
      if (!account || !passwordMatches(account, req.body.password ?? '')) {
        res.status(401).send(pages.login({ uid, client: params.client_id, email: req.body.email, error: 'Wrong email or password.' }));
        return;
      }
      await idp.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
    } catch (e) {
      next(e);
    }
  });

  a.use('/interaction', ours, (err, req, res, next) => {
    console.error(`dev-idp: ${err.message}`);
    res.status(err.statusCode ?? err.status ?? 400).send(pages.problem({
      title: 'Sign-in failed',
      text: `${err.error_description ?? err.message} Start again from the application.`,
    }));
  });
  a.use(idp.callback());
  return a;
}

const o = options();
const accounts = loadAccounts(o.accounts);
serve(app(o, accounts, provider(o, accounts)), {
  port: o.port,
  name: 'dev-idp',
  ready() {
    console.log(`issuer ${o.issuer}`);
    console.error(`dev-idp: ${accounts.size} accounts; client ${o.client.id} (${o.client.auth}`
      + `${o.client.jwksUri ? `, keys at ${o.client.jwksUri}` : ''}), redirect URI ${o.client.redirectUri}, id_token ${o.alg}`);
  },
});
