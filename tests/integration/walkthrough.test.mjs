// The Auth0 how-to "Impersonate Users Using the Impersonation API", step by
// step with curl as the README walks through it: a Management API token,
// the user search, a link (JSON and form bodies), the redirect, the code
// exchange, /userinfo, and the tokens verified with jose through the JWKS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import { startDaemon } from './lib/daemon.mjs';
import { CALLBACK, assertSessionLife, atHash, curl } from './lib/flow.mjs';

const TOKEN_TTL = 1800;		// not the 3600 of client_credentials tokens
const users = [
  { user_id: 'auth0|support-1', email: 'sam@example.com', email_verified: true, name: 'Sam Support', nickname: 'sam', app_metadata: { roles: ['support'] } },
  { user_id: 'auth0|customer-1', email: 'alice@example.com', email_verified: true, name: 'Alice Customer', nickname: 'alice', given_name: 'Alice', family_name: 'Customer', picture: 'https://example.com/alice.png', user_metadata: { theme: 'dark' }, app_metadata: { plan: 'gold' } },
  { user_id: 'auth0|admin-1', email: 'ada@example.com', email_verified: true, name: 'Ada Admin', nickname: 'ada', app_metadata: { roles: ['admin'] } },
];

let d, keys;
before(async () => {
  d = await startDaemon({ active: 'rs256', users, mutate: (c) => { c.impersonation.token_ttl = TOKEN_TTL; } });
  const r = await curl(d, [`${d.url}.well-known/jwks.json`]);
  assert.equal(r.status, 200);
  keys = createLocalJWKSet(r.json);
});
after(async () => { await d?.stop(); });

const bearer = (t) => ['-H', `Authorization: Bearer ${t}`];

// Step 1 and 2: the back office's token, with client_secret_basic as the README shows.
async function managementToken() {
  const r = await curl(d, ['-u', `backoffice:${d.secrets.backoffice}`, '-d', 'grant_type=client_credentials', `${d.url}oauth/token`]);
  assert.equal(r.status, 200, r.body);
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.match(r.json.scope, /\bimpersonate:users\b/);
  return r.json.access_token;
}

// Steps 5 to 7: follow the link, exchange the code, read the profile.
async function followAndExchange(link, state, { basic = false } = {}) {
  const l = await curl(d, [link]);
  assert.equal(l.status, 302, l.body);
  assert.equal(l.headers['cache-control'], 'no-store');
  const location = new URL(l.headers.location);
  assert.equal(`${location.origin}${location.pathname}`, CALLBACK);
  assert.deepEqual([...location.searchParams.keys()].sort(), ['code', 'state']);
  assert.equal(location.searchParams.get('state'), state);
  const code = location.searchParams.get('code');
  assert.match(code, /^[A-Za-z0-9_-]{43,}$/, 'a code of at least 256 bits, base64url');

  const auth = basic ? ['-u', `storefront:${d.secrets.storefront}`]
    : ['--data-urlencode', 'client_id=storefront', '--data-urlencode', `client_secret=${d.secrets.storefront}`];
  const t = await curl(d, [...auth, '--data-urlencode', 'grant_type=authorization_code', '--data-urlencode', `code=${code}`,
    '--data-urlencode', `redirect_uri=${CALLBACK}`, `${d.url}oauth/token`]);
  assert.equal(t.status, 200, t.body);
  assert.equal(t.headers['cache-control'], 'no-store');
  assert.equal(t.headers.pragma, 'no-cache');
  assert.match(t.headers['content-type'], /^application\/json/);
  assert.deepEqual(Object.keys(t.json).sort(), ['access_token', 'expires_in', 'id_token', 'token_type']);
  assert.equal(t.json.token_type, 'Bearer');
  assertSessionLife(t.json.expires_in, t.json.access_token, TOKEN_TTL);
  return t.json;
}

test('README walk-through with curl: search, JSON link, redirect, code, /userinfo, tokens verified through the JWKS', async () => {
  const disco = await curl(d, [`${d.url}.well-known/openid-configuration`]);
  assert.equal(disco.status, 200);
  assert.equal(disco.json.issuer, d.url);
  assert.equal(disco.json.userinfo_endpoint, `${d.url}userinfo`);

  const mgmt = await managementToken();

  // Find the user (Management API v2 user search, Auth0's Lucene syntax).
  const found = await curl(d, [...bearer(mgmt), '-G', '--data-urlencode', 'q=email:"alice@example.com"',
    '--data-urlencode', 'search_engine=v3', `${d.url}api/v2/users`]);
  assert.equal(found.status, 200, `user search: ${found.body}`);
  assert.ok(Array.isArray(found.json), found.body);
  assert.deepEqual(found.json.map((u) => u.user_id), ['auth0|customer-1']);
  const userId = found.json[0].user_id;

  // Ask for a link, the user id with its raw '|' in the path as the Auth0 SDK sends it.
  const state = 'af0ifjsldkj';
  const nonce = 'n-0S6_WzA2Mj';
  const body = JSON.stringify({
    protocol: 'oauth2', impersonator_id: 'auth0|support-1', client_id: 'storefront', reason: 'ticket #4711',
    additionalParameters: { response_type: 'code', state, callback_url: CALLBACK, scope: 'openid email name user_metadata', nonce },
  });
  const linkReply = await curl(d, [...bearer(mgmt), '-H', 'Content-Type: application/json', '-d', body,
    `${d.url}users/${userId}/impersonate`]);
  assert.equal(linkReply.status, 200, linkReply.body);
  assert.match(linkReply.headers['content-type'], /^text\/plain/);
  assert.equal(linkReply.headers['cache-control'], 'no-store');
  const link = linkReply.body.trim();
  const esc = d.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  assert.match(link, new RegExp(`^${esc}users/auth0(%7C|\\|)support-1/impersonate\\?&bewit=[A-Za-z0-9_-]{43,}$`));

  const tokens = await followAndExchange(link, state);
  const now = Math.floor(Date.now() / 1000);

  // /userinfo: the impersonated user, marked as such, with what the scope names.
  const ui = await curl(d, [...bearer(tokens.access_token), `${d.url}userinfo`]);
  assert.equal(ui.status, 200, ui.body);
  assert.equal(ui.headers['cache-control'], 'no-store');
  assert.equal(ui.json.sub, 'auth0|customer-1');
  assert.equal(ui.json.impersonated, true);
  assert.deepEqual(ui.json.impersonator, { user_id: 'auth0|support-1', email: 'sam@example.com' });
  assert.equal(ui.json.email, 'alice@example.com');
  assert.equal(ui.json.name, 'Alice Customer');
  assert.deepEqual(ui.json.user_metadata, { theme: 'dark' });
  assert.equal(ui.json.app_metadata, undefined, 'app_metadata only when named');
  assert.equal(ui.json.given_name, undefined, 'given_name was not asked for');

  // The id_token: RS256 with the active kid, every claim of the contract.
  const idHeader = decodeProtectedHeader(tokens.id_token);
  assert.equal(idHeader.alg, 'RS256');
  assert.equal(idHeader.kid, 'test-rs256');
  const { payload: id } = await jwtVerify(tokens.id_token, keys, { issuer: d.url, audience: 'storefront' });
  assert.equal(id.iss, d.url);
  assert.equal(id.aud, 'storefront');
  assert.equal(id.sub, 'auth0|customer-1');
  assert.equal(id.nonce, nonce);
  assert.equal(id.at_hash, atHash(tokens.access_token));
  assert.equal(id.impersonated, true);
  assert.deepEqual(id.impersonator, { user_id: 'auth0|support-1', email: 'sam@example.com' });
  assert.deepEqual(id.act, { sub: 'auth0|support-1' });
  assert.equal(typeof id.auth_time, 'number');
  assert.ok(id.auth_time <= id.iat && now - id.auth_time < 60, `auth_time ${id.auth_time}, iat ${id.iat}`);
  assert.equal(id.email, 'alice@example.com');
  assert.equal(id.name, 'Alice Customer');
  assert.deepEqual(id.user_metadata, { theme: 'dark' });
  assert.equal(id.app_metadata, undefined);

  // The access token: RFC 9068, for {issuer}userinfo, living token_ttl.
  const { payload: at, protectedHeader: ah } = await jwtVerify(tokens.access_token, keys,
    { issuer: d.url, audience: `${d.url}userinfo`, typ: 'at+jwt' });
  assert.equal(ah.typ, 'at+jwt');
  assert.equal(at.sub, 'auth0|customer-1');
  assert.equal(at.client_id, 'storefront');
  assert.equal(at.exp - at.iat, TOKEN_TTL);
  assert.deepEqual(at.act, { sub: 'auth0|support-1' });
  assert.ok(Math.abs(at.iat - now) < 60);
});

test('the same with a form body (additionalParameters[...] keys, %7C in the path) and client_secret_basic at the token endpoint', async () => {
  const mgmt = await managementToken();
  const state = 'form-state-42';
  const r = await curl(d, [...bearer(mgmt),
    '--data-urlencode', 'protocol=oauth2',
    '--data-urlencode', 'impersonator_id=auth0|support-1',
    '--data-urlencode', 'client_id=storefront',
    '--data-urlencode', 'additionalParameters[response_type]=code',
    '--data-urlencode', `additionalParameters[state]=${state}`,
    '--data-urlencode', `additionalParameters[callback_url]=${CALLBACK}`,
    '--data-urlencode', 'additionalParameters[scope]=openid profile email',
    `${d.url}users/auth0%7Ccustomer-1/impersonate`]);
  assert.equal(r.status, 200, r.body);
  const tokens = await followAndExchange(r.body.trim(), state, { basic: true });

  const ui = await curl(d, [...bearer(tokens.access_token), '-X', 'POST', `${d.url}userinfo`]);
  assert.equal(ui.status, 200, ui.body);
  assert.equal(ui.json.sub, 'auth0|customer-1');
  assert.equal(ui.json.impersonated, true);
  assert.equal(ui.json.given_name, 'Alice');
  assert.equal(ui.json.family_name, 'Customer');
  assert.equal(ui.json.nickname, 'alice');
  assert.equal(ui.json.picture, 'https://example.com/alice.png');
  assert.equal(ui.json.email_verified, true);
  assert.equal(ui.json.user_metadata, undefined, 'user_metadata only when named');

  const { payload: id } = await jwtVerify(tokens.id_token, keys, { issuer: d.url, audience: 'storefront' });
  assert.equal(id.nonce, undefined, 'no nonce asked, none given');
  assert.equal(id.at_hash, atHash(tokens.access_token));
  assert.equal(id.given_name, 'Alice');
});

test('scope openid alone gives no profile claims; the default callback is the first registered one', async () => {
  const mgmt = await managementToken();
  const r = await curl(d, [...bearer(mgmt), '-H', 'Content-Type: application/json', '-d',
    JSON.stringify({ protocol: 'oauth2', impersonator_id: 'auth0|support-1', client_id: 'storefront', additionalParameters: { response_type: 'code', state: 's', scope: 'openid' } }),
    `${d.url}users/auth0%7Ccustomer-1/impersonate`]);
  assert.equal(r.status, 200, r.body);
  const tokens = await followAndExchange(r.body.trim(), 's');
  const ui = await curl(d, [...bearer(tokens.access_token), `${d.url}userinfo`]);
  assert.equal(ui.status, 200, ui.body);
  assert.deepEqual(Object.keys(ui.json).sort(), ['impersonated', 'impersonator', 'sub']);
  const { payload: id } = await jwtVerify(tokens.id_token, keys, { issuer: d.url, audience: 'storefront' });
  for (const c of ['email', 'name', 'nickname', 'email_verified', 'picture', 'user_metadata', 'app_metadata']) {
    assert.equal(id[c], undefined, `${c} in an openid-only id_token`);
  }
});

test('each token is good only where it belongs: userinfo token not at /api/v2, API token and id_token not at /userinfo', async () => {
  const mgmt = await managementToken();
  const r = await curl(d, [...bearer(mgmt), '-H', 'Content-Type: application/json', '-d',
    JSON.stringify({ protocol: 'oauth2', impersonator_id: 'auth0|support-1', client_id: 'storefront', additionalParameters: { response_type: 'code', state: 'x' } }),
    `${d.url}users/auth0|customer-1/impersonate`]);
  assert.equal(r.status, 200, r.body);
  const tokens = await followAndExchange(r.body.trim(), 'x');

  const api = await curl(d, [...bearer(tokens.access_token), `${d.url}api/v2/users`]);
  assert.equal(api.status, 401, api.body);
  assert.match(api.headers['www-authenticate'] ?? '', /^Bearer error="invalid_token"/);

  for (const [name, t] of [['the management token', mgmt], ['the id_token', tokens.id_token]]) {
    const u = await curl(d, [...bearer(t), `${d.url}userinfo`]);
    assert.equal(u.status, 401, `${name}: ${u.body}`);
    assert.match(u.headers['www-authenticate'] ?? '', /^Bearer error="invalid_token"/, name);
  }
  const imp = await curl(d, [...bearer(tokens.access_token), '-H', 'Content-Type: application/json', '-d',
    JSON.stringify({ protocol: 'oauth2', impersonator_id: 'auth0|support-1', client_id: 'storefront' }),
    `${d.url}users/auth0|customer-1/impersonate`]);
  assert.equal(imp.status, 401, `a userinfo token at the impersonation endpoint: ${imp.body}`);
});
