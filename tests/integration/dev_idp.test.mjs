// examples/dev-idp, the identity provider the support console signs staff
// in with in the tests and make demo, before the console relies on it: an
// authorization code login with PKCE by openid-client, the password typed
// into its sign-in page in Chromium (under its CSP), once with
// client_secret_basic and once with private_key_jwt, the assertion signed
// with guise's key and checked by the provider against the JWKS of a real
// guised over https (NODE_EXTRA_CA_CERTS).  The id_token carries email,
// email_verified and the nonce; consent is never asked of the person; a
// request without PKCE is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { decodeProtectedHeader } from 'jose';
import { freePort, startDaemon, top } from './lib/daemon.mjs';
import { startNodeApp, stopAll } from './lib/apps.mjs';
import { launchBrowser, newPage, pageText } from './lib/browser.mjs';

const IDP = join(top, 'examples/dev-idp/idp.mjs');
const SAM = { sub: 'idp|sam', email: 'sam@example.com', email_verified: true, name: 'Sam Support', password: 'correct horse' };
const tmp = mkdtempSync(join(tmpdir(), 'guise-dev-idp-'));
const accounts = join(tmp, 'accounts.json');
let browser;
const running = [];

before(async () => {
  writeFileSync(accounts, JSON.stringify([SAM, { sub: 'idp|bea', email: 'bea@example.com', password: 'other' }]));
  running.push(browser = await launchBrowser());
});

after(async () => {
  await stopAll(running);
  rmSync(tmp, { recursive: true, force: true });
});

// The provider, with args; returns { issuer, port, proc... }.
async function idp(args, ca) {
  const port = await freePort();
  const p = await startNodeApp(IDP, { port, ca, args: ['--accounts', accounts, '--port', String(port), ...args], ready: 'issuer ' });
  running.push(p);
  p.issuer = p.log().match(/^issuer (\S+)$/m)[1];
  assert.equal(p.issuer, `http://127.0.0.1:${port}/`);
  return p;
}

// A login by openid-client: the authorization request (extra: more of
// its parameters), the sign-in page in the browser (a wrong password
// first), the redirect to redirectUri caught, the code redeemed with PKCE,
// state and nonce checked.
async function login(config, redirectUri, p, extra = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri, scope: 'openid email profile', state, nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
  });
  const page = await newPage(await browser.context());
  let back;
  await page.setRequestInterception(true);
  page.on('request', (r) => {
    if (r.url().startsWith(redirectUri)) { back = r.url(); r.abort(); } else r.continue();
  });
  const shown = await page.goto(url.href);
  const why = () => `\n${p.log().slice(-2000)}\n${page.messages.join('\n')}`;
  assert.match(shown.headers()['content-security-policy'], /default-src 'self'/);
  assert.ok(await page.$('main form label[for="email"]') && await page.$('label[for="password"]'), `no labelled form${why()}`);

  await page.type('#email', SAM.email);
  await page.type('#password', 'wrong');
  const [refused] = await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  assert.equal(refused.status(), 401);
  assert.match(await pageText(page), /Wrong email or password/);

  await page.type('#password', SAM.password);
  await Promise.all([page.waitForNavigation().catch(() => {}), page.click('button[type="submit"]')]);
  for (const until = Date.now() + 5000; !back && Date.now() < until;) await new Promise((r) => setTimeout(r, 20));
  assert.ok(back, `no redirect to ${redirectUri}${why()}`);
  assert.deepEqual(page.messages.filter((m) => /violat|pageerror/i.test(m)), [], why());

  const tokens = await client.authorizationCodeGrant(config, new URL(back), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  const claims = tokens.claims();
  assert.equal(claims.sub, SAM.sub);
  assert.equal(claims.email, SAM.email);
  assert.equal(claims.email_verified, true);
  assert.equal(claims.name, SAM.name);
  assert.equal(claims.nonce, nonce);
  return { claims, header: decodeProtectedHeader(tokens.id_token) };
}

test('client_secret_basic: a login with PKCE through the sign-in page; the id_token has email, email_verified and the nonce; no PKCE, no login', async () => {
  const secret = randomBytes(32).toString('base64url');
  const redirectUri = `http://127.0.0.1:${await freePort()}/console/callback`;
  const p = await idp(['--client-id', 'guise-console', '--redirect-uri', redirectUri, '--client-secret', secret]);
  const config = await client.discovery(new URL(p.issuer), 'guise-console', secret, client.ClientSecretBasic(secret), { execute: [client.allowInsecureRequests] });
  // Consent asked for outright is given at once too (without, the grant
  // is made as the login ends: the other case).
  const { claims, header } = await login(config, redirectUri, p, { prompt: 'consent' });
  assert.equal(claims.iss, p.issuer);
  assert.equal(claims.aud, 'guise-console');
  assert.equal(header.alg, 'RS256');

  const bare = client.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid email', state: 's' });
  const r = await fetch(bare, { redirect: 'manual' });
  const to = new URL(r.headers.get('location'));
  assert.equal(`${to.origin}${to.pathname}`, redirectUri);
  assert.equal(to.searchParams.get('error'), 'invalid_request');
  assert.match(to.searchParams.get('error_description'), /requires PKCE/);

  await p.stop();
  assert.equal(p.proc.exitCode, 0, 'SIGTERM ends it cleanly');
});

test('private_key_jwt: the assertion signed with guise\'s key, checked against the JWKS guised serves over https; ES256 id_token', async () => {
  const d = await startDaemon();
  running.push(d);
  const p = await idp(['--guise', d.url, '--alg', 'ES256'], join(d.dir, 'tls/cert.pem'));
  const der = createPrivateKey(readFileSync(join(d.dir, 'keys/es256.pem'))).export({ format: 'der', type: 'pkcs8' });
  const key = await crypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const config = await client.discovery(new URL(p.issuer), 'guise-console', {}, client.PrivateKeyJwt({ key, kid: 'test-es256' }), { execute: [client.allowInsecureRequests] });
  const { header } = await login(config, `${d.url}console/callback`, p);
  assert.equal(header.alg, 'ES256');
});
