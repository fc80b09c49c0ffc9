// The console's configuration (DESIGN.md section 7), as far as it is
// built: guised -n checks the console section, and the signer checks the
// console's secret at its provider in secrets_file ("console:idp"), which
// only client_secret_basic uses.  The console itself is not served yet,
// and guised says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, makeConfig } from './lib/daemon.mjs';

const idp = (auth) => ({
  idp: { issuer: 'http://127.0.0.1:4000/', client_id: 'guise-console', auth, match: 'email', jwks_file: 'idp.jwks' },
});

// guised -n on a configuration with console, secrets changed by secrets.
async function check(console, secrets = (s) => s) {
  const cfg = await makeConfig({ mutate: (c) => { c.console = console; } });
  try {
    const file = join(cfg.dir, 'secrets.json');
    writeFileSync(file, JSON.stringify(secrets(JSON.parse(readFileSync(file, 'utf8')))), { mode: 0o600 });
    return spawnSync(join(build, 'guised'), ['-n', '-f', join(cfg.dir, 'guise.json')], { encoding: 'utf8' });
  } finally {
    rmSync(cfg.dir, { recursive: true, force: true });
  }
}

test('a console with private_key_jwt needs no secret, and says it is not served yet', async () => {
  const r = await check(idp('private_key_jwt'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /console: checked, but the support console is not served yet/);
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

test('a bad console section is refused, naming the key', async () => {
  const r = await check({ idp: { ...idp('private_key_jwt').idp, issuer: 'http://login.example.com/' } });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /console\.idp\.issuer: .* must be https:\/\//);
});
