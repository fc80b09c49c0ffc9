// The console's check of its identity provider's id_tokens
// (common/idp_token.c, DESIGN.md section 7), against tokens that jose, an
// implementation of its own, signs: a good one of each algorithm, and one
// for each way a token from a provider, or from someone who is not the
// provider, can be wrong.  build/tests/idp_token_check runs the C check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { KeyObject, generateKeyPairSync, sign as rawSign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, base64url } from 'jose';
import { build } from './lib/daemon.mjs';

const ISSUER = 'https://login.example.com/';
const CLIENT = 'guise-console';
const NONCE = 'n-0S6_WzA2Mj';
const NOW = Math.floor(Date.now() / 1000);

let dir, jwksFile, rs, es, other, weak;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'guise-idp-'));
  rs = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  es = await generateKeyPair('ES256');
  other = await generateKeyPair('RS256', { modulusLength: 2048 });
  // jose will not make one this short: node:crypto will.
  weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
  // As providers publish them: the RSA key without alg.
  const keys = [
    { ...await exportJWK(rs.publicKey), kid: 'rs-1', use: 'sig' },
    { ...await exportJWK(es.publicKey), kid: 'es-1', alg: 'ES256', use: 'sig' },
  ];
  jwksFile = join(dir, 'idp.jwks');
  writeFileSync(jwksFile, JSON.stringify({ keys }));
});
after(() => { rmSync(dir, { recursive: true, force: true }); });

const claims = (extra = {}) => ({
  iss: ISSUER, aud: CLIENT, sub: 'provider|sam', email: 'sam@example.com',
  email_verified: true, nonce: NONCE, iat: NOW - 5, exp: NOW + 300, ...extra,
});

async function sign({ key = rs.privateKey, header = { alg: 'RS256', kid: 'rs-1' }, body = claims() } = {}) {
  return new SignJWT(body).setProtectedHeader(header).sign(key);
}

function check(token, { jwks = jwksFile, nonce = NONCE, now = NOW } = {}) {
  const r = spawnSync(join(build, 'tests/idp_token_check'), [jwks, ISSUER, CLIENT, nonce, String(now)], { input: token, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  return r.stdout.trim();
}

const refused = (out, why) => assert.match(out, new RegExp(`^refused: .*${why}`), out);

test('a good id_token of each algorithm proves its sub and verified email', async () => {
  assert.equal(check(await sign()), 'ok sub=provider|sam email=sam@example.com email_verified=1');
  assert.equal(check(await sign({ key: es.privateKey, header: { alg: 'ES256', kid: 'es-1', typ: 'JWT' } })),
    'ok sub=provider|sam email=sam@example.com email_verified=1');
  assert.equal(check(await sign({ body: claims({ aud: [CLIENT] }) })).slice(0, 2), 'ok');
  assert.equal(check(await sign({ body: claims({ aud: [CLIENT, 'other'], azp: CLIENT }) })).slice(0, 2), 'ok');
  assert.equal(check(await sign({ body: claims({ email_verified: false }) })),
    'ok sub=provider|sam email=sam@example.com email_verified=0', 'an unverified email is said, not taken');
});

test('a token not signed by the provider is refused', async () => {
  refused(check(await sign({ key: other.privateKey })), 'signature');
  refused(check(await sign({ header: { alg: 'RS256', kid: 'nope' } })), 'not one of the provider');
  refused(check(await sign({ header: { alg: 'RS256' } })), 'not one of the provider');
  refused(check(await sign({ key: es.privateKey, header: { alg: 'ES256', kid: 'rs-1' } })), 'algorithm');
  refused(check(await sign({ key: new TextEncoder().encode('x'.repeat(32)), header: { alg: 'HS256', kid: 'rs-1' } })), 'RS256 or ES256');
  const good = await sign();
  const [h, p, s] = good.split('.');
  const none = `${base64url.encode(JSON.stringify({ alg: 'none', kid: 'rs-1' }))}.${p}.`;
  refused(check(none), 'RS256 or ES256');
  const other_claims = base64url.encode(JSON.stringify(claims({ sub: 'provider|admin' })));
  refused(check(`${h}.${other_claims}.${s}`), 'signature');
  // jose will not sign a crit it does not know: signed here by hand.
  const critHeader = base64url.encode(JSON.stringify({ alg: 'RS256', kid: 'rs-1', crit: ['exp'], exp: 1 }));
  const critInput = `${critHeader}.${p}`;
  const critSig = base64url.encode(rawSign('sha256', Buffer.from(critInput), KeyObject.from(rs.privateKey)));
  refused(check(`${critInput}.${critSig}`), 'critical');
  refused(check(await sign({ header: { alg: 'RS256', kid: 'rs-1', typ: 'at+jwt' } })), 'typ');
});

test('a token of the provider for another purpose is refused', async () => {
  refused(check(await sign({ body: claims({ iss: 'https://evil.example.com/' }) })), 'another issuer');
  refused(check(await sign({ body: claims({ iss: 'https://login.example.com' }) })), 'another issuer');
  refused(check(await sign({ body: claims({ aud: 'other-app' }) })), 'another client');
  refused(check(await sign({ body: claims({ aud: [CLIENT, 'other'] }) })), 'another client');
  refused(check(await sign({ body: claims({ aud: [CLIENT], azp: 'other' }) })), 'another client');
  refused(check(await sign({ body: claims({ exp: NOW - 1 }) })), 'expired');
  refused(check(await sign({ body: claims({ exp: String(NOW + 300) }) })), 'expired');
  refused(check(await sign({ body: claims({ iat: NOW + 3600 }) })), 'iat');
  refused(check(await sign({ body: claims({ iat: undefined }) })), 'iat');
  refused(check(await sign({ body: claims({ nbf: NOW + 3600 }) })), 'not valid yet');
  refused(check(await sign({ body: claims({ nonce: 'another-sign-in' }) })), 'nonce');
  refused(check(await sign({ body: claims({ nonce: undefined }) })), 'nonce');
  refused(check(await sign(), { nonce: 'n-0S6_WzA2Mj-longer' }), 'nonce');
  refused(check(await sign({ body: claims({ sub: undefined }) })), 'sub or email');
  refused(check(await sign({ body: claims({ sub: 'x'.repeat(300) }) })), 'sub or email');
  refused(check(await sign({ body: claims({ email_verified: 'true' }) })), 'sub or email');
});

test('malformed tokens and a bad key file are refused', async () => {
  for (const t of ['', 'a.b', 'a.b.c.d', 'x'.repeat(20000), '..', `${base64url.encode('[]')}.e30.`]) {
    refused(check(t), '');
  }
  const weakFile = join(dir, 'weak.jwks');
  writeFileSync(weakFile, JSON.stringify({ keys: [{ ...weak.publicKey.export({ format: 'jwk' }), kid: 'w', alg: 'RS256' }] }));
  const r = spawnSync(join(build, 'tests/idp_token_check'), [weakFile, ISSUER, CLIENT, NONCE, String(NOW)], { input: 'a.b.c', encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^jwks: an RSA key is shorter than 2048 bits/);
  const privFile = join(dir, 'private.jwks');
  writeFileSync(privFile, JSON.stringify({ keys: [{ ...await exportJWK(rs.privateKey), kid: 'p', alg: 'RS256' }] }));
  const p = spawnSync(join(build, 'tests/idp_token_check'), [privFile, ISSUER, CLIENT, NONCE, String(NOW)], { input: 'a.b.c', encoding: 'utf8' });
  assert.equal(p.status, 1);
  assert.match(p.stdout, /^jwks: a key has a private member/);
});
