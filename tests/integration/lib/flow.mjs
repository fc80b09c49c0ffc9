// Helpers for the impersonation flow tests: ask for a link, follow it,
// redeem the code, verify what comes back, and run curl the way the README
// does.  Everything goes through a daemon started with lib/daemon.mjs.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { startDaemon, clientToken } from './daemon.mjs';

export const CALLBACK = 'http://127.0.0.1:3000/callback';
export const SUPPORT = 'auth0|support-1';
export const CUSTOMER = 'auth0|customer-1';
export const ADMIN = 'auth0|admin-1';

// A bearer token for the impersonation endpoint (backoffice, all its scopes).
export async function impersonationToken(d, client = 'backoffice', extra = {}) {
  return (await clientToken(d, client, extra)).access_token;
}

// POST /users/{userId}/impersonate.  body: the request as the Auth0 how-to
// writes it; its defaults are a code login of the customer by support-1
// into storefront.  form: send it as a form with additionalParameters[...].
export function askLink(d, token, { userId = CUSTOMER, form = false, body = {}, additional = {}, raw } = {}) {
  const b = {
    protocol: 'oauth2',
    impersonator_id: SUPPORT,
    client_id: 'storefront',
    ...body,
    additionalParameters: { response_type: 'code', ...additional },
  };
  for (const k of Object.keys(b)) if (b[k] === undefined) delete b[k];
  for (const k of Object.keys(b.additionalParameters)) if (b.additionalParameters[k] === undefined) delete b.additionalParameters[k];
  const headers = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const path = `users/${raw ?? encodeURIComponent(userId)}/impersonate`;
  if (!form) {
    return d.request(path, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: b });
  }
  return d.request(path, { method: 'POST', headers, body: formOf(b) });
}

// The Auth0 form spelling of a request: additionalParameters[name]=value.
export function formOf(b) {
  const f = {};
  for (const [k, v] of Object.entries(b)) {
    if (k === 'additionalParameters') {
      for (const [n, w] of Object.entries(v)) f[`additionalParameters[${n}]`] = w;
    } else {
      f[k] = v;
    }
  }
  return f;
}

// A link, asserting the endpoint's 200.
export async function newLink(d, token, opts) {
  const r = await askLink(d, token, opts);
  if (r.status !== 200) throw new Error(`impersonation request failed: ${r.status} ${r.text}`);
  return r.text.trim();
}

// GET a link (an absolute URL on d) without following the redirect.
export function follow(d, link) {
  const u = new URL(link);
  return d.request(u.pathname + u.search);
}

// A link followed: the code of its redirect, and the parsed Location.
export async function newCode(d, token, opts) {
  const r = await follow(d, await newLink(d, token, opts));
  if (r.status !== 302) throw new Error(`link refused: ${r.status} ${r.text}`);
  const location = new URL(r.headers.location);
  return { code: location.searchParams.get('code'), location, response: r };
}

// POST /oauth/token with grant_type=authorization_code (form,
// client_secret_post unless basic).
export function redeem(d, code, { client = 'storefront', secret, redirect_uri = CALLBACK, basic = false, extra = {} } = {}) {
  secret ??= d.secrets[client];
  const body = { grant_type: 'authorization_code', redirect_uri, ...extra };
  if (code !== undefined) body.code = code;
  for (const k of Object.keys(body)) if (body[k] == null) delete body[k];	// null: leave it out
  const headers = {};
  if (basic) {
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  } else {
    body.client_id = client;
    body.client_secret = secret;
  }
  return d.request('oauth/token', { method: 'POST', headers, body });
}

export function userinfo(d, accessToken) {
  return d.request('userinfo', { headers: { authorization: `Bearer ${accessToken}` } });
}

// The expires_in of an impersonated login's code exchange: its access
// token's own life, token_ttl at most and less the seconds since the link
// was followed (its session's end caps it).
export function assertSessionLife(expiresIn, accessToken, ttl) {
  const { iat, exp } = decodeJwt(accessToken);
  if (expiresIn !== exp - iat) throw new Error(`expires_in ${expiresIn}, the token lives ${exp - iat}`);
  if (!(expiresIn <= ttl && expiresIn >= ttl - 10)) throw new Error(`expires_in ${expiresIn}: not within 10 s under token_ttl ${ttl}`);
}

// OpenID Connect Core 3.1.3.6: the left half of SHA-256 of the ASCII token.
export function atHash(accessToken) {
  return Buffer.from(createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16)).toString('base64url');
}

export async function jwks(d) {
  return createLocalJWKSet((await d.request('.well-known/jwks.json')).json);
}

// The id_token of an impersonated login, verified through the JWKS.
export async function verifyIdToken(d, idToken, { audience = 'storefront', keys } = {}) {
  return jwtVerify(idToken, keys ?? await jwks(d), { issuer: d.url, audience });
}

// The access token of an impersonated login, verified through the JWKS.
export async function verifyAccessToken(d, accessToken, { keys } = {}) {
  return jwtVerify(accessToken, keys ?? await jwks(d), { issuer: d.url, audience: `${d.url}userinfo`, typ: 'at+jwt' });
}

// curl, as a user of the README would run it.  Returns { status, headers
// (lower-case names, last value wins), body, json }.
export function curl(d, args) {
  return new Promise((ok, fail) => {
    execFile('curl', ['-sS', '-i', '-g', '--max-time', '10', '--cacert', join(d.dir, 'tls/cert.pem'), ...args],
      { encoding: 'utf8', maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
        if (err) return fail(new Error(`curl ${args.join(' ')}: ${err.message} ${stderr}`));
        const cut = stdout.indexOf('\r\n\r\n');
        const head = stdout.slice(0, cut).split('\r\n');
        const body = stdout.slice(cut + 4);
        const status = Number(head[0].split(' ')[1]);
        const headers = {};
        for (const line of head.slice(1)) {
          const i = line.indexOf(':');
          headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
        }
        let json;
        try { json = JSON.parse(body); } catch { json = undefined; }
        ok({ status, headers, body, json, head });
      });
  });
}

// Start a daemon with extra clients, each with its own secret: the client
// records go into guise.json, and every client's secret into a secrets file
// of our own that guise.json names by its absolute path (lib/daemon.mjs
// cannot edit the secrets file before the daemon starts).  d.secrets is then
// this file's contents.  extra: [{client, secret}], client the record.
export async function startWithClients(extra, opts = {}) {
  const sdir = mkdtempSync(join(tmpdir(), 'guise-secrets-'));
  // mkconfig.sh's confidential clients.
  const secrets = Object.fromEntries(['backoffice', 'storefront', 'reader', 'portal', 'example-storefront']
    .map((id) => [id, randomBytes(32).toString('base64url')]));
  for (const { client, secret } of extra) secrets[client.client_id] = secret ?? randomBytes(32).toString('base64url');
  const file = join(sdir, 'secrets.json');
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  let d;
  try {
    d = await startDaemon({
      ...opts,
      mutate: (conf) => {
        conf.signer.secrets_file = file;
        for (const { client } of extra) conf.clients.push(client);
        opts.mutate?.(conf);
      },
    });
  } catch (e) {
    rmSync(sdir, { recursive: true, force: true });
    throw e;
  }
  d.secrets = secrets;
  const stop = d.stop;
  d.stop = async () => {
    const r = await stop();
    rmSync(sdir, { recursive: true, force: true });
    return r;
  };
  return d;
}

// The users of the policy tests: the three samples and their odd cousins.
export const policyUsers = [
  { user_id: 'auth0|support-1', email: 'sam@example.com', email_verified: true, name: 'Sam Support', nickname: 'sam', app_metadata: { roles: ['support'] } },
  { user_id: 'auth0|support-2', email: 'sue@example.com', email_verified: true, name: 'Sue Support', nickname: 'sue', app_metadata: { roles: ['support'] } },
  { user_id: 'auth0|support-blocked', email: 'bob@example.com', email_verified: true, name: 'Bob Blocked', nickname: 'bob', blocked: true, app_metadata: { roles: ['support'] } },
  { user_id: 'auth0|customer-1', email: 'alice@example.com', email_verified: true, name: 'Alice Customer', nickname: 'alice', given_name: 'Alice', family_name: 'Customer' },
  { user_id: 'auth0|customer-2', email: 'bea@example.com', email_verified: true, name: 'Bea Customer', nickname: 'bea' },
  { user_id: 'auth0|customer-blocked', email: 'carl@example.com', email_verified: true, name: 'Carl Blocked', nickname: 'carl', blocked: true },
  { user_id: 'auth0|admin-1', email: 'ada@example.com', email_verified: true, name: 'Ada Admin', nickname: 'ada', app_metadata: { roles: ['admin'] } },
];
