// The bearer-token check of the protected endpoints: a good token passes,
// and every forgery is refused with 401 and a Bearer challenge.  Tokens
// that only the daemon's own key could sign are made here from the
// throwaway key files, to show that each claim is checked on its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, base64url } from 'jose';
import { startDaemon, clientToken } from './lib/daemon.mjs';

let d, good, esKey, rsKey;
before(async () => {
  d = await startDaemon({ active: 'es256' });
  good = (await clientToken(d)).access_token;
  esKey = createPrivateKey(readFileSync(join(d.dir, 'keys/es256.pem')));
  rsKey = createPrivateKey(readFileSync(join(d.dir, 'keys/rs256.pem')));
});
after(async () => { await d?.stop(); });

const users = (token) => d.request('api/v2/users', { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

function claims(over = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: d.url, sub: 'backoffice@clients', aud: `${d.url}api/v2/`, iat: now, exp: now + 300,
    jti: 'forged-jti-0001', client_id: 'backoffice', scope: 'read:users', ...over,
  };
}

async function sign(payload, { key = esKey, alg = 'ES256', kid = 'test-es256', typ = 'at+jwt' } = {}) {
  const header = { alg, kid };
  if (typ) header.typ = typ;
  return new SignJWT(payload).setProtectedHeader(header).sign(key);
}

function unsigned(header, payload) {
  const enc = (o) => base64url.encode(JSON.stringify(o));
  return `${enc(header)}.${enc(payload)}.`;
}

async function refused(token, why) {
  const r = await users(token);
  assert.equal(r.status, 401, `${why}: ${r.text}`);
  assert.match(r.headers['www-authenticate'] ?? '', /^Bearer error="invalid_token"/, why);
  assert.equal(r.json.statusCode, 401);
  assert.equal(r.json.errorCode, 'invalid_token');
  assert.ok(!Array.isArray(r.json));
}

test('a token from the token endpoint is accepted', async () => {
  const r = await users(good);
  assert.equal(r.status, 200, r.text);
  assert.ok(Array.isArray(r.json) && r.json.length === 3, r.text);
});

test('a token signed here with the real key and honest claims is accepted (the forgeries below differ in one thing)', async () => {
  const r = await users(await sign(claims()));
  assert.equal(r.status, 200, r.text);
});

test('no token, or another scheme, is refused', async () => {
  const r = await users(undefined);
  assert.equal(r.status, 401);
  assert.match(r.headers['www-authenticate'], /^Bearer/);
  const b = await d.request('api/v2/users', { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
  assert.equal(b.status, 401);
});

test('alg none is refused', async () => {
  await refused(unsigned({ alg: 'none', typ: 'at+jwt', kid: 'test-es256' }, claims()), 'alg none');
  await refused(unsigned({ alg: 'none', typ: 'at+jwt' }, claims()), 'alg none without kid');
});

test('an unknown kid is refused', async () => {
  await refused(await sign(claims(), { kid: 'no-such-key' }), 'unknown kid');
});

test('algorithm confusion is refused: HS256 keyed with the public key', async () => {
  const pub = createPublicKey(esKey);
  for (const secret of [
    Buffer.from(pub.export({ type: 'spki', format: 'pem' })),
    Buffer.from(JSON.stringify(pub.export({ format: 'jwk' }))),
    Buffer.from(pub.export({ type: 'spki', format: 'der' })),
  ]) {
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: 'test-es256', typ: 'at+jwt' }).sign(secret);
    await refused(token, 'HS256 with the public key');
  }
});

test('a token whose alg does not match its key is refused (RS256 alg on the EC kid)', async () => {
  await refused(await sign(claims(), { key: rsKey, alg: 'RS256', kid: 'test-es256' }), 'RS256 on the EC kid');
});

test('a bad signature is refused', async () => {
  const [h, p, s] = good.split('.');
  const flipped = s[0] === 'A' ? `B${s.slice(1)}` : `A${s.slice(1)}`;
  await refused(`${h}.${p}.${flipped}`, 'flipped signature');
  await refused(`${h}.${p}.`, 'empty signature');
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  await refused(await sign(claims(), { key: other }), 'signed by another key with our kid');
  // The payload of another token under this token's signature.
  const evil = base64url.encode(JSON.stringify(claims({ scope: 'read:users impersonate:users delete:users' })));
  await refused(`${h}.${evil}.${s}`, 'swapped payload');
});

test('a wrong issuer is refused', async () => {
  await refused(await sign(claims({ iss: 'https://evil.example/' })), 'wrong iss');
  await refused(await sign(claims({ iss: d.url.slice(0, -1) })), 'iss without its trailing slash');
});

test('a wrong audience is refused', async () => {
  await refused(await sign(claims({ aud: 'https://elsewhere.example/' })), 'wrong aud');
  await refused(await sign(claims({ aud: `${d.url}userinfo` })), 'userinfo audience');
});

test('an expired token is refused', async () => {
  const now = Math.floor(Date.now() / 1000);
  await refused(await sign(claims({ iat: now - 7200, exp: now - 1 })), 'expired');
  await refused(await sign(claims({ exp: undefined })), 'no exp');
});

test('a token of another type is refused (an id_token is not an access token)', async () => {
  await refused(await sign(claims(), { typ: 'JWT' }), 'typ JWT');
  await refused(await sign(claims(), { typ: null }), 'no typ');
});

test('malformed tokens are refused', async () => {
  for (const t of ['x', 'a.b', 'a.b.c.d', '....', `${good}.`, 'é.é.é', 'x'.repeat(9000)]) await refused(t, `malformed ${t.slice(0, 12)}`);
});

test('a valid token without read:users gets 403 insufficient_scope', async () => {
  const t = (await clientToken(d, 'backoffice', { scope: 'impersonate:users' })).access_token;
  const r = await users(t);
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.errorCode, 'insufficient_scope');
});

test('the daemon still serves after every forgery', async () => {
  assert.equal((await users(good)).status, 200);
  assert.equal(d.exited, null);
});
