// A plain node:http web application that logs its users in with a certified
// OpenID Connect client, openid-client v6, used as its documentation shows
// and with every check on: discovery, a code flow with PKCE (S256), state
// and nonce, the code redeemed with client_secret_post, the id_token and
// the userinfo subject verified.  Its /login is the client's
// initiate_login_uri (OpenID Connect Core 4: it accepts iss, login_hint and
// target_link_uri, and refuses an iss that is not its issuer); /login?prompt=none
// asks for a silent login.  /profile shows the id_token's claims and
// /userinfo's answer as JSON.
//
//   environment: PORT, ISSUER, CLIENT_ID, CLIENT_SECRET (NODE_EXTRA_CA_CERTS
//   for guise's certificate).  Prints "listening" once it accepts connections.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';

const port = Number(process.env.PORT);
const base = `http://127.0.0.1:${port}`;
const redirectUri = `${base}/callback`;
const config = await client.discovery(new URL(process.env.ISSUER), process.env.CLIENT_ID, process.env.CLIENT_SECRET);
const issuer = config.serverMetadata().issuer;

// Sessions in memory, named by an HttpOnly cookie.
const sessions = new Map();
function session(req, res) {
  const sid = /(?:^|;\s*)sid=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '')?.[1];
  if (sid && sessions.has(sid)) return sessions.get(sid);
  const id = randomBytes(24).toString('base64url');
  const s = {};
  sessions.set(id, s);
  res.setHeader('set-cookie', `sid=${id}; Path=/; HttpOnly; SameSite=Lax`);
  return s;
}

function send(res, status, body, headers = {}) {
  const json = typeof body !== 'string';
  res.writeHead(status, { 'content-type': json ? 'application/json' : 'text/plain', 'cache-control': 'no-store', ...headers });
  res.end(json ? JSON.stringify(body, null, 1) : body);
}

async function login(req, res, url) {
  const iss = url.searchParams.get('iss');
  if (iss !== null && iss !== issuer) return send(res, 400, { error: 'unknown issuer', iss });
  const s = session(req, res);
  s.verifier = client.randomPKCECodeVerifier();
  s.state = client.randomState();
  s.nonce = client.randomNonce();
  const params = {
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(s.verifier),
    code_challenge_method: 'S256',
    state: s.state,
    nonce: s.nonce,
  };
  for (const p of ['login_hint', 'prompt']) {
    if (url.searchParams.has(p)) params[p] = url.searchParams.get(p);
  }
  send(res, 302, '', { location: client.buildAuthorizationUrl(config, params).href });
}

async function callback(req, res, url) {
  const s = session(req, res);
  const checks = { pkceCodeVerifier: s.verifier, expectedState: s.state, expectedNonce: s.nonce, idTokenExpected: true };
  delete s.verifier; delete s.state; delete s.nonce;
  try {
    const tokens = await client.authorizationCodeGrant(config, new URL(url.href, base), checks);
    const claims = tokens.claims();
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    s.user = { claims, userinfo };
    send(res, 302, '', { location: '/profile' });
  } catch (e) {
    send(res, 400, { error: e.error ?? e.code ?? e.name, error_description: e.error_description, message: e.message });
  }
}

createServer(async (req, res) => {
  const url = new URL(req.url, base);
  try {
    if (url.pathname === '/login') return await login(req, res, url);
    if (url.pathname === '/callback') return await callback(req, res, url);
    const s = session(req, res);
    if (url.pathname === '/') return send(res, 200, s.user ? 'Logged in' : 'Logged out');
    if (url.pathname === '/profile') return s.user ? send(res, 200, s.user) : send(res, 401, { error: 'not logged in' });
    send(res, 404, { error: 'not found' });
  } catch (e) {
    send(res, 500, { error: e.message });
  }
}).listen(port, '127.0.0.1', () => console.log('listening'));
