// The client_credentials grant end to end: guised on loopback, its tokens
// verified with an independent implementation (jose) through its JWKS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import { startDaemon, clientToken } from './lib/daemon.mjs';

let d;
before(async () => { d = await startDaemon({ active: 'es256' }); });
after(async () => { await d?.stop(); });

async function verify(token, daemon = d) {
  const jwks = (await daemon.request('.well-known/jwks.json')).json;
  return jwtVerify(token, createLocalJWKSet(jwks), {
    issuer: daemon.url,
    audience: `${daemon.url}api/v2/`,
    typ: 'at+jwt',
  });
}

test('discovery names this issuer and its endpoints', async () => {
  const r = await d.request('.well-known/openid-configuration');
  assert.equal(r.status, 200);
  assert.equal(r.json.issuer, d.url);
  assert.equal(r.json.token_endpoint, `${d.url}oauth/token`);
  assert.equal(r.json.jwks_uri, `${d.url}.well-known/jwks.json`);
  assert.deepEqual(r.json.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'none']);
  assert.ok(r.json.id_token_signing_alg_values_supported.includes('RS256'));
});

test('the JWKS publishes every configured key, public parts only', async () => {
  const r = await d.request('.well-known/jwks.json');
  assert.equal(r.status, 200);
  const kids = r.json.keys.map((k) => k.kid).sort();
  assert.deepEqual(kids, ['test-es256', 'test-rs256']);
  for (const k of r.json.keys) {
    for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.equal(k[priv], undefined, `${k.kid} has ${priv}`);
    assert.equal(k.use, 'sig');
  }
});

test('a form request with client_secret_post gets an RFC 9068 token that jose verifies', async () => {
  const t = await clientToken(d);
  assert.equal(t.token_type, 'Bearer');
  assert.equal(t.expires_in, 3600);
  assert.equal(t.scope, 'read:users impersonate:users');
  const { payload, protectedHeader } = await verify(t.access_token);
  assert.equal(protectedHeader.alg, 'ES256');
  assert.equal(protectedHeader.kid, 'test-es256');
  assert.equal(protectedHeader.typ, 'at+jwt');
  assert.equal(payload.iss, d.url);
  assert.equal(payload.aud, `${d.url}api/v2/`);
  assert.equal(payload.client_id, 'backoffice');
  assert.equal(payload.sub, 'backoffice@clients');
  assert.equal(payload.scope, 'read:users impersonate:users');
  assert.equal(payload.exp - payload.iat, 3600);
  assert.ok(Math.abs(payload.iat - Date.now() / 1000) < 60);
  assert.match(payload.jti, /^[A-Za-z0-9_-]{22}$/);
});

test('a JSON request with client_secret_basic works the same, with no-store headers', async () => {
  const basic = Buffer.from(`backoffice:${d.secrets.backoffice}`).toString('base64');
  const r = await d.request('oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${basic}` },
    body: { grant_type: 'client_credentials', audience: `${d.url}api/v2/`, scope: 'read:users' },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.equal(r.headers.pragma, 'no-cache');
  assert.equal(r.json.scope, 'read:users');
  const { payload } = await verify(r.json.access_token);
  assert.equal(payload.scope, 'read:users');
});

test('every token has its own jti', async () => {
  const seen = new Set();
  for (let i = 0; i < 20; i++) seen.add((await verify((await clientToken(d)).access_token)).payload.jti);
  assert.equal(seen.size, 20);
});

test('with RS256 active, tokens are RS256 and verify through the JWKS', async () => {
  const rs = await startDaemon({ active: 'rs256' });
  try {
    const t = await clientToken(rs, 'reader');
    assert.equal(decodeProtectedHeader(t.access_token).alg, 'RS256');
    const { payload, protectedHeader } = await verify(t.access_token, rs);
    assert.equal(protectedHeader.kid, 'test-rs256');
    assert.equal(payload.scope, 'read:users');
  } finally {
    await rs.stop();
  }
});

// Each bad request: its status, its RFC 6749 error, and the daemon still serves.
const post = (body, headers = {}) => d.request('oauth/token', { method: 'POST', body, headers });
const form = (o) => ({ grant_type: 'client_credentials', client_id: 'backoffice', ...o });

const bad = [
  ['malformed JSON', () => post('{"grant_type": "client_credentials",', { 'content-type': 'application/json' }), 400, 'invalid_request'],
  ['a JSON array body', () => post('[]', { 'content-type': 'application/json' }), 400, 'invalid_request'],
  ['a non-string JSON member', () => post(JSON.stringify({ grant_type: 'client_credentials', client_id: 'backoffice', client_secret: 7 }), { 'content-type': 'application/json' }), 400, 'invalid_request'],
  ['a malformed form', () => post('grant_type=client_credentials&client_id=%zz', { 'content-type': 'application/x-www-form-urlencoded' }), 400, 'invalid_request'],
  ['a repeated form parameter', () => post('grant_type=client_credentials&grant_type=client_credentials', { 'content-type': 'application/x-www-form-urlencoded' }), 400, 'invalid_request'],
  ['an unsupported content type', () => post('grant_type=client_credentials', { 'content-type': 'text/plain' }), 400, 'invalid_request'],
  ['no grant_type', () => post({ client_id: 'backoffice', client_secret: d.secrets.backoffice }), 400, 'invalid_request'],
  ['an unknown grant_type', () => post(form({ grant_type: 'password', client_secret: d.secrets.backoffice })), 400, 'unsupported_grant_type'],
  ['a wrong secret', () => post(form({ client_secret: 'x'.repeat(43) })), 401, 'invalid_client'],
  ['an unknown client', () => post(form({ client_id: 'nobody', client_secret: d.secrets.backoffice })), 401, 'invalid_client'],
  ['no secret', () => post(form({})), 401, 'invalid_client'],
  ['Basic and client_secret both', () => post(form({ client_secret: d.secrets.backoffice }), { authorization: `Basic ${Buffer.from(`backoffice:${d.secrets.backoffice}`).toString('base64')}` }), 400, 'invalid_request'],
  ['a client without the grant', () => post(form({ client_id: 'storefront', client_secret: d.secrets.storefront })), 400, 'unauthorized_client'],
  ['a scope beyond the client', () => post(form({ client_secret: d.secrets.backoffice, scope: 'read:users delete:users' })), 400, 'invalid_scope'],
  ['an empty scope', () => post(form({ client_secret: d.secrets.backoffice, scope: ' ' })), 400, 'invalid_scope'],
  ['another audience', () => post(form({ client_secret: d.secrets.backoffice, audience: 'https://elsewhere.example/' })), 400, 'invalid_target'],
];

for (const [name, fn, status, error] of bad) {
  test(`refused: ${name} -> ${status} ${error}`, async () => {
    const r = await fn();
    assert.equal(r.status, status, r.text);
    assert.equal(r.json?.error, error, r.text);
    assert.equal(typeof r.json.error_description, 'string');
    assert.equal(r.json.access_token, undefined);
  });
}

test('an unknown client and a wrong secret get the same answer', async () => {
  const a = await post(form({ client_id: 'nobody', client_secret: d.secrets.backoffice }));
  const b = await post(form({ client_secret: d.secrets.reader }));
  assert.equal(a.status, b.status);
  assert.equal(a.text, b.text);
});

test('a failed Basic authentication answers with a Basic challenge', async () => {
  const r = await post({ grant_type: 'client_credentials' }, { authorization: `Basic ${Buffer.from('backoffice:wrong-secret-123456').toString('base64')}` });
  assert.equal(r.status, 401);
  assert.equal(r.json.error, 'invalid_client');
  assert.match(r.headers['www-authenticate'], /^Basic /);
  const m = await post({ grant_type: 'client_credentials' }, { authorization: 'Basic !!!' });
  assert.equal(m.status, 401);
  assert.match(m.headers['www-authenticate'], /^Basic /);
});

test('an oversized body is refused with 413', async () => {
  const r = await post(form({ client_secret: d.secrets.backoffice, pad: 'x'.repeat(200 * 1024) }));
  assert.equal(r.status, 413);
});

test('wrong method and unknown path get JSON errors', async () => {
  const g = await d.request('oauth/token');
  assert.equal(g.status, 405);
  assert.equal(g.json.error, 'invalid_request');
  const n = await d.request('no/such/thing');
  assert.equal(n.status, 404);
  assert.equal(typeof n.json.error, 'string');
});

test('after all of that the daemon still serves, with both children alive', async () => {
  const t = await clientToken(d);
  await verify(t.access_token);
  assert.equal(d.exited, null);
  assert.equal(d.children().length, 2);
});

// Its own daemon: the refusals above left failures of backoffice in this
// minute's window, and a client with failures in its window has fewer than
// 10 attempts at the signer at once (daemon/ratelimit.h).
test('many requests in flight at once are each answered with their own token', async () => {
  const e = await startDaemon({ active: 'es256' });
  try {
    // Each client proves itself once: then nothing holds it back.
    await clientToken(e, 'backoffice');
    await clientToken(e, 'reader');
    const n = 64;
    const rs = await Promise.all(Array.from({ length: n }, (_, i) => e.request('oauth/token', {
      method: 'POST',
      body: form({ client_id: i % 2 ? 'backoffice' : 'reader', client_secret: i % 2 ? e.secrets.backoffice : e.secrets.reader }),
    })));
    const jtis = new Set();
    for (const [i, r] of rs.entries()) {
      assert.equal(r.status, 200, r.text);
      const { payload } = await verify(r.json.access_token, e);
      assert.equal(payload.client_id, i % 2 ? 'backoffice' : 'reader');
      jtis.add(payload.jti);
    }
    assert.equal(jtis.size, n);
  } finally {
    await e.stop();
  }
});
