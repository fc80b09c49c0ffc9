// The id_token's algorithm per client: HS256 only for a client whose
// id_token_alg asks for it, keyed with the UTF-8 octets of its secret
// (OpenID Connect Core section 10.1), never by default; and an asymmetric
// id_token_alg named in a client's record is the one its id_tokens use.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { CALLBACK, atHash, impersonationToken, newCode, redeem, startWithClients, verifyAccessToken, verifyIdToken } from './lib/flow.mjs';

const LEGACY_CB = 'http://127.0.0.1:3001/legacy/callback';
// Non-ASCII on purpose: UTF-8 octets and Auth0's base64 reading differ.
const LEGACY_SECRET = 'sécret-légacy-€-ünïcødé-0123456789';

let d;
before(async () => {
  d = await startWithClients([
    {
      client: {
        client_id: 'legacy', name: 'legacy app', app_type: 'regular_web', callbacks: [LEGACY_CB],
        grant_types: ['authorization_code'], allow_impersonation: true, id_token_alg: 'HS256',
      },
      secret: LEGACY_SECRET,
    },
    {
      client: {
        client_id: 'rsapp', name: 'RS256 app', app_type: 'regular_web', callbacks: ['http://127.0.0.1:3002/cb'],
        grant_types: ['authorization_code'], allow_impersonation: true, id_token_alg: 'RS256',
      },
    },
  ], { active: 'es256' });
});
after(async () => { await d?.stop(); });

async function loginTo(clientId, callback) {
  const token = await impersonationToken(d);
  const { code } = await newCode(d, token, { body: { client_id: clientId }, additional: { callback_url: callback, state: 's', nonce: 'n', scope: 'openid email' } });
  const r = await redeem(d, code, { client: clientId, redirect_uri: callback });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

test('an HS256 client gets an id_token keyed with the UTF-8 octets of its secret', async () => {
  const t = await loginTo('legacy', LEGACY_CB);
  const h = decodeProtectedHeader(t.id_token);
  assert.equal(h.alg, 'HS256');
  const { payload } = await jwtVerify(t.id_token, new TextEncoder().encode(LEGACY_SECRET),
    { issuer: d.url, audience: 'legacy', algorithms: ['HS256'] });
  assert.equal(payload.sub, 'auth0|customer-1');
  assert.equal(payload.nonce, 'n');
  assert.equal(payload.impersonated, true);
  assert.deepEqual(payload.act, { sub: 'auth0|support-1' });
  assert.equal(payload.at_hash, atHash(t.access_token));
  await assert.rejects(jwtVerify(t.id_token, Buffer.from(LEGACY_SECRET, 'base64'), { algorithms: ['HS256'] }),
    'not keyed with the base64 reading of the secret');
  await assert.rejects(jwtVerify(t.id_token, new TextEncoder().encode(d.secrets.storefront), { algorithms: ['HS256'] }),
    'not keyed with another client\'s secret');
  // Its access token is still asymmetric, verified through the JWKS.
  const { protectedHeader } = await verifyAccessToken(d, t.access_token);
  assert.equal(protectedHeader.alg, 'ES256');
});

test('HS256 is never the default: storefront still gets an asymmetric id_token; discovery now lists HS256', async () => {
  const t = await loginTo('storefront', CALLBACK);
  assert.equal(decodeProtectedHeader(t.id_token).alg, 'ES256');
  await verifyIdToken(d, t.id_token);
  const disco = (await d.request('.well-known/openid-configuration')).json;
  assert.ok(disco.id_token_signing_alg_values_supported.includes('HS256'));
});

test('openid-client v6 with id_token_signed_response_alg HS256 and the UTF-8 secret accepts the HS256 id_token', async () => {
  const config = await client.discovery(new URL(d.url), 'legacy', { client_secret: LEGACY_SECRET, id_token_signed_response_alg: 'HS256' });
  const token = await impersonationToken(d);
  const { location } = await newCode(d, token, { body: { client_id: 'legacy' }, additional: { callback_url: LEGACY_CB, state: 'st', nonce: 'nn' } });
  const tokens = await client.authorizationCodeGrant(config, location, { expectedState: 'st', expectedNonce: 'nn' });
  assert.equal(tokens.claims().aud, 'legacy');
  const info = await client.fetchUserInfo(config, tokens.access_token, 'auth0|customer-1');
  assert.equal(info.impersonated, true);
});

// A client whose record says id_token_alg RS256 must get RS256 whatever the
// active key is: openid-client's default expectation is RS256, and a client
// registered with RS256 refuses anything else.
test('a client registered with id_token_alg RS256 gets RS256 id_tokens while the active key is ES256', async () => {
  const t = await loginTo('rsapp', 'http://127.0.0.1:3002/cb');
  const h = decodeProtectedHeader(t.id_token);
  assert.equal(h.alg, 'RS256', `id_token_alg RS256 configured, got ${h.alg}`);
  assert.equal(h.kid, 'test-rs256');
  await verifyIdToken(d, t.id_token, { audience: 'rsapp' });
});
