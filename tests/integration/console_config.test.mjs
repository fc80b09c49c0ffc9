// The console's configuration (DESIGN.md section 7), as far as it is
// built: guised -n checks the console section, and the signer the
// provider's keys in idp.jwks_file and the console's secret at its
// provider in secrets_file ("console:idp"), which only client_secret_basic
// uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { build, makeConfig } from './lib/daemon.mjs';

const idp = (auth) => ({
  idp: { issuer: 'http://127.0.0.1:4000/', client_id: 'guise-console', auth, match: 'email', jwks_file: 'idp.jwks' },
});

// The provider's keys, as guisectl idp-keys writes them.
async function providerJwks() {
  const { publicKey } = await generateKeyPair('RS256');
  return JSON.stringify({ keys: [{ ...await exportJWK(publicKey), kid: 'p-1', use: 'sig' }] });
}

// guised -n on a configuration with console, secrets changed by secrets,
// and jwks (null: none) in idp.jwks_file.
async function check(console, secrets = (s) => s, jwks) {
  const cfg = await makeConfig({ mutate: (c) => { c.console = console; } });
  try {
    const file = join(cfg.dir, 'secrets.json');
    writeFileSync(file, JSON.stringify(secrets(JSON.parse(readFileSync(file, 'utf8')))), { mode: 0o600 });
    jwks = jwks === undefined ? await providerJwks() : jwks;
    if (jwks !== null) writeFileSync(join(cfg.dir, 'idp.jwks'), jwks, { mode: 0o644 });
    return spawnSync(join(build, 'guised'), ['-n', '-f', join(cfg.dir, 'guise.json')], { encoding: 'utf8' });
  } finally {
    rmSync(cfg.dir, { recursive: true, force: true });
  }
}

test('a console with private_key_jwt needs no secret', async () => {
  const r = await check(idp('private_key_jwt'));
  assert.equal(r.status, 0, r.stderr);
});

test('client_secret_basic needs "console:idp" in secrets_file, and only then may it be there', async () => {
  const missing = await check(idp('client_secret_basic'));
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /no "console:idp"/);
  const given = await check(idp('client_secret_basic'), (s) => ({ ...s, 'console:idp': 'the-provider-secret' }));
  assert.equal(given.status, 0, given.stderr);
  const stray = await check(idp('private_key_jwt'), (s) => ({ ...s, 'console:idp': 'the-provider-secret' }));
  assert.notEqual(stray.status, 0);
  assert.match(stray.stderr, /"console:idp" is not a configured client/);
});

test('the provider\'s keys must be there and be public keys of RS256 or ES256', async () => {
  const none = await check(idp('private_key_jwt'), undefined, null);
  assert.notEqual(none.status, 0);
  assert.match(none.stderr, /idp\.jwks: No such file .*guisectl idp-keys -f/);
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const priv = await check(idp('private_key_jwt'), undefined, JSON.stringify({ keys: [{ ...await exportJWK(privateKey), kid: 'x' }] }));
  assert.notEqual(priv.status, 0);
  assert.match(priv.stderr, /not the identity provider's keys: a key has a private member/);
  const junk = await check(idp('private_key_jwt'), undefined, '{"keys": []}');
  assert.notEqual(junk.status, 0);
  assert.match(junk.stderr, /not the identity provider's keys/);
});

test('a bad console section is refused, naming the key', async () => {
  const r = await check({ idp: { ...idp('private_key_jwt').idp, issuer: 'http://login.example.com/' } });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /console\.idp\.issuer: .* must be https:\/\//);
});
