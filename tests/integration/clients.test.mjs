// The whole flow with real client libraries, unchanged, pointed at the
// daemon: the Auth0 Node SDK v3 (ManagementClient.getUsers,
// AuthenticationClient.users.impersonate, oauth.authorizationCodeGrant,
// users.getInfo) and openid-client v6 (discovery, authorizationCodeGrant,
// fetchUserInfo).  Neither takes a CA option: tests/run exports
// NODE_EXTRA_CA_CERTS for the certificate that every test daemon uses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtectedHeader } from 'jose';
import auth0 from 'auth0';
import * as client from 'openid-client';
import { startDaemon } from './lib/daemon.mjs';
import { CALLBACK, SUPPORT, CUSTOMER, assertSessionLife, atHash, verifyIdToken, verifyAccessToken } from './lib/flow.mjs';

const { AuthenticationClient, ManagementClient } = auth0;

let rs, es;
before(async () => {
  // The Auth0 SDK validates only RS256 (or HS256) id_tokens.
  rs = await startDaemon({ active: 'rs256' });
  es = await startDaemon({ active: 'es256' });
});
after(async () => { await rs?.stop(); await es?.stop(); });

const domainOf = (d) => `127.0.0.1:${d.port}`;

async function sdkManagementToken(d) {
  const backoffice = new AuthenticationClient({ domain: domainOf(d), clientId: 'backoffice', clientSecret: d.secrets.backoffice });
  const t = await backoffice.clientCredentialsGrant({ audience: `${d.url}api/v2/` });
  assert.equal(t.token_type, 'Bearer');
  assert.match(t.scope, /\bimpersonate:users\b/);
  return t.access_token;
}

// The link's redirect, as the browser of the back-office user would get it.
async function followWithFetch(link) {
  const r = await fetch(link, { redirect: 'manual' });
  assert.equal(r.status, 302, await r.text());
  assert.equal(r.headers.get('cache-control'), 'no-store');
  return new URL(r.headers.get('location'));
}

test('Auth0 SDK v3: ManagementClient.getUsers finds the user with a v3 search, getUser reads it by id', async () => {
  const mgmt = new ManagementClient({ domain: domainOf(rs), token: await sdkManagementToken(rs) });
  const found = await mgmt.getUsers({ q: 'email:"alice@example.com"', search_engine: 'v3' });
  assert.ok(Array.isArray(found), JSON.stringify(found));
  assert.deepEqual(found.map((u) => u.user_id), [CUSTOMER]);
  assert.equal(found[0].email, 'alice@example.com');
  const one = await mgmt.getUser({ id: CUSTOMER });
  assert.equal(one.user_id, CUSTOMER);
  assert.equal(one.name, 'Alice Customer');
});

test('Auth0 SDK v3: users.impersonate, the link, oauth.authorizationCodeGrant (id_token validated by the SDK), users.getInfo', async () => {
  const d = rs;
  const token = await sdkManagementToken(d);
  const auth = new AuthenticationClient({ domain: domainOf(d), clientId: 'storefront', clientSecret: d.secrets.storefront });
  const state = 'sdk-state-1';
  const nonce = 'sdk-nonce-1';
  const link = await auth.users.impersonate(CUSTOMER, {
    impersonator_id: SUPPORT,
    protocol: 'oauth2',
    token,
    reason: 'support ticket 12',
    additionalParameters: { response_type: 'code', state, callback_url: CALLBACK, scope: 'openid email name', nonce },
  });
  assert.equal(typeof link, 'string');
  assert.ok(link.startsWith(`${d.url}users/`), link);

  const location = await followWithFetch(link.trim());
  assert.equal(`${location.origin}${location.pathname}`, CALLBACK);
  assert.equal(location.searchParams.get('state'), state);
  const code = location.searchParams.get('code');

  // The SDK checks signature (through the JWKS), iss, aud, exp, iat, and the nonce.
  const tokens = await auth.oauth.authorizationCodeGrant({ code, redirect_uri: CALLBACK, nonce });
  assert.equal(tokens.token_type, 'Bearer');
  assertSessionLife(tokens.expires_in, tokens.access_token, 3600);
  assert.equal(decodeProtectedHeader(tokens.id_token).alg, 'RS256');
  const { payload: id } = await verifyIdToken(d, tokens.id_token);
  assert.equal(id.sub, CUSTOMER);
  assert.equal(id.nonce, nonce);
  assert.equal(id.at_hash, atHash(tokens.access_token));
  assert.deepEqual(id.act, { sub: SUPPORT });
  await verifyAccessToken(d, tokens.access_token);

  const info = await auth.users.getInfo(tokens.access_token);
  assert.equal(info.sub, CUSTOMER);
  assert.equal(info.email, 'alice@example.com');
  assert.equal(info.impersonated, true);
  assert.deepEqual(info.impersonator, { user_id: SUPPORT, email: 'sam@example.com' });
});

// openid-client, from discovery to /userinfo.  metadata: the client's
// registration as openid-client knows it.
async function openidClientFlow(d, { clientId = 'storefront', metadata = {}, callback = CALLBACK } = {}) {
  // The back office's token through openid-client too (client_secret_basic).
  const bo = await client.discovery(new URL(d.url), 'backoffice', d.secrets.backoffice, client.ClientSecretBasic(d.secrets.backoffice));
  const mgmt = await client.clientCredentialsGrant(bo, { scope: 'impersonate:users' });
  assert.equal(mgmt.scope, 'impersonate:users');

  const config = await client.discovery(new URL(d.url), clientId, { client_secret: d.secrets[clientId], ...metadata });
  const server = config.serverMetadata();
  assert.equal(server.issuer, d.url);
  assert.equal(server.jwks_uri, `${d.url}.well-known/jwks.json`);
  assert.equal(server.userinfo_endpoint, `${d.url}userinfo`);

  const state = client.randomState();
  const nonce = client.randomNonce();
  const r = await fetch(`${d.url}users/${encodeURIComponent(CUSTOMER)}/impersonate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${mgmt.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      protocol: 'oauth2', impersonator_id: SUPPORT, client_id: clientId,
      additionalParameters: { response_type: 'code', state, nonce, callback_url: callback, scope: 'openid profile email' },
    }),
  });
  const link = await r.text();
  assert.equal(r.status, 200, link);
  const location = await followWithFetch(link.trim());

  const tokens = await client.authorizationCodeGrant(config, location, { expectedState: state, expectedNonce: nonce });
  const claims = tokens.claims();
  assert.equal(claims.iss, d.url);
  assert.equal(claims.aud, clientId);
  assert.equal(claims.sub, CUSTOMER);
  assert.equal(claims.nonce, nonce);
  assert.equal(claims.impersonated, true);
  assert.deepEqual(claims.impersonator, { user_id: SUPPORT, email: 'sam@example.com' });
  assert.deepEqual(claims.act, { sub: SUPPORT });
  assert.equal(claims.at_hash, atHash(tokens.access_token));

  const info = await client.fetchUserInfo(config, tokens.access_token, CUSTOMER);
  assert.equal(info.sub, CUSTOMER);
  assert.equal(info.impersonated, true);
  assert.equal(info.given_name, 'Alice');
  assert.equal(info.email, 'alice@example.com');
  assert.deepEqual(info.impersonator, { user_id: SUPPORT, email: 'sam@example.com' });
  return tokens;
}

test('openid-client v6 with its defaults (RS256): discovery, authorizationCodeGrant, fetchUserInfo', async () => {
  const tokens = await openidClientFlow(rs);
  assert.equal(decodeProtectedHeader(tokens.id_token).alg, 'RS256');
  await verifyIdToken(rs, tokens.id_token);
});

test('openid-client v6 against an ES256 issuer (id_token_signed_response_alg ES256)', async () => {
  const tokens = await openidClientFlow(es, { metadata: { id_token_signed_response_alg: 'ES256' } });
  const h = decodeProtectedHeader(tokens.id_token);
  assert.equal(h.alg, 'ES256');
  assert.equal(h.kid, 'test-es256');
  await verifyIdToken(es, tokens.id_token);
});

test('discovery names the issuer byte for byte, the endpoints of the flow, and the code, token and id_token token response types', async () => {
  for (const d of [rs, es]) {
    const r = await d.request('.well-known/openid-configuration');
    assert.equal(r.status, 200);
    assert.equal(r.json.issuer, d.url);
    assert.match(d.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(r.json.userinfo_endpoint, `${d.url}userinfo`);
    assert.deepEqual([...r.json.response_types_supported].sort(), ['code', 'id_token token', 'token']);
    assert.equal(r.json.authorization_endpoint, `${d.url}authorize`);
    assert.ok(r.json.grant_types_supported.includes('authorization_code'));
    assert.ok(!r.json.id_token_signing_alg_values_supported.includes('HS256'), 'HS256 is advertised only when a client asks for it');
    const keys = (await d.request('.well-known/jwks.json')).json.keys;
    assert.ok(keys.every((k) => typeof k.kid === 'string' && k.kid.length > 0));
  }
});
