// Who signs in to the console (DESIGN.md section 7), as the signer decides
// it (signer/console_signin.c, run by build/tests/console_signin_check on
// the signer's own loaders): the provider's id_token, signed here with
// jose, must hold, and the person it proves must be one directory user
// who may impersonate.  match "email" takes only a verified email; match
// "sub" takes the provider's sub as a user_id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { build, makeConfig } from './lib/daemon.mjs';

const ISSUER = 'https://login.example.com/';
const CLIENT = 'guise-console';
const NONCE = 'signin-nonce-1';
const NOW = Math.floor(Date.now() / 1000);

const users = [
  { user_id: 'auth0|support-1', email: 'sam@example.com', email_verified: true, name: 'Sam Support', app_metadata: { roles: ['support'] } },
  { user_id: 'auth0|support-2', email: 'blocked@example.com', email_verified: true, blocked: true, app_metadata: { roles: ['support'] } },
  { user_id: 'auth0|customer-1', email: 'alice@example.com', email_verified: true, name: 'Alice Customer' },
  { user_id: 'auth0|twin-1', email: 'twin@example.com', email_verified: true, app_metadata: { roles: ['support'] } },
  { user_id: 'auth0|twin-2', email: 'TWIN@example.com', email_verified: true, app_metadata: { roles: ['support'] } },
];

let key, cfgs = {};
before(async () => {
  key = await generateKeyPair('ES256');
  const jwks = JSON.stringify({ keys: [{ ...await exportJWK(key.publicKey), kid: 'idp-1', alg: 'ES256', use: 'sig' }] });
  for (const match of ['email', 'sub']) {
    const cfg = await makeConfig({
      users,
      mutate: (c) => {
        c.console = { idp: { issuer: ISSUER, client_id: CLIENT, auth: 'private_key_jwt', match, jwks_file: 'idp.jwks' } };
      },
    });
    writeFileSync(join(cfg.dir, 'idp.jwks'), jwks);
    cfgs[match] = cfg;
  }
});
after(() => { for (const c of Object.values(cfgs)) rmSync(c.dir, { recursive: true, force: true }); });

async function token(claims = {}, k = key.privateKey) {
  return new SignJWT({ iss: ISSUER, aud: CLIENT, nonce: NONCE, iat: NOW - 2, exp: NOW + 300, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' }).sign(k);
}

function signin(match, t, nonce = NONCE) {
  const r = spawnSync(join(build, 'tests/console_signin_check'), [join(cfgs[match].dir, 'guise.json'), nonce, String(NOW)],
    { input: t, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  return r.stdout.trim();
}

test('match email: the one directory user with the provider\'s verified email, who may impersonate', async () => {
  assert.equal(signin('email', await token({ sub: 'okta|00u1', email: 'sam@example.com', email_verified: true })),
    'ok user_id=auth0|support-1 sub=okta|00u1');
  assert.equal(signin('email', await token({ sub: 'okta|00u1', email: 'SAM@Example.com', email_verified: true })),
    'ok user_id=auth0|support-1 sub=okta|00u1', 'emails compare without case, as the directory\'s');
});

test('match email: refused for an unverified or absent email, nobody, a customer, a blocked user, two users', async () => {
  const cases = [
    [{ sub: 's', email: 'sam@example.com', email_verified: false }, 'staff_email_unverified'],
    [{ sub: 's', email: 'sam@example.com' }, 'staff_email_unverified'],
    [{ sub: 's' }, 'staff_email_unverified'],
    [{ sub: 's', email: 'nobody@example.com', email_verified: true }, 'staff_unknown'],
    [{ sub: 's', email: 'alice@example.com', email_verified: true }, 'staff_not_allowed'],
    [{ sub: 's', email: 'blocked@example.com', email_verified: true }, 'staff_blocked'],
    [{ sub: 's', email: 'twin@example.com', email_verified: true }, 'staff_ambiguous'],
  ];
  for (const [claims, rule] of cases) {
    assert.equal(signin('email', await token(claims)), `refused: ${rule}`, JSON.stringify(claims));
  }
});

test('match sub: the provider\'s sub is the user_id; its email does not matter', async () => {
  assert.equal(signin('sub', await token({ sub: 'auth0|support-1', email: 'someone@else.example' })),
    'ok user_id=auth0|support-1 sub=auth0|support-1');
  assert.equal(signin('sub', await token({ sub: 'sam@example.com', email: 'sam@example.com', email_verified: true })),
    'refused: staff_unknown');
  assert.equal(signin('sub', await token({ sub: 'auth0|customer-1' })), 'refused: staff_not_allowed');
  assert.equal(signin('sub', await token({ sub: 'auth0|support-2' })), 'refused: staff_blocked');
});

test('a token that does not hold proves nobody: another key, another sign-in\'s nonce, another client', async () => {
  const other = await generateKeyPair('ES256');
  assert.match(signin('email', await token({ sub: 's', email: 'sam@example.com', email_verified: true }, other.privateKey)),
    /^invalid: .*signature/);
  assert.match(signin('email', await token({ sub: 's', email: 'sam@example.com', email_verified: true }), 'another-nonce'),
    /^invalid: .*nonce/);
  assert.match(signin('email', await token({ sub: 's', email: 'sam@example.com', email_verified: true, aud: 'other' })),
    /^invalid: .*another client/);
});
