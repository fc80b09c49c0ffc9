// make demo, as the README gives it: a throwaway configuration, then the
// daemon serving discovery, the JWKS and a token that jose verifies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { top, freePort, send } from './lib/daemon.mjs';

test('make demo serves discovery, the JWKS and a verifiable client_credentials token', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'guise-demo-'));
  const port = await freePort();
  const proc = spawn('make', ['--no-print-directory', 'demo', `DEMO_DIR=${dir}`, `DEMO_PORT=${port}`], {
    cwd: top, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let out = '';
  proc.stdout.on('data', (s) => { out += s; });
  proc.stderr.on('data', (s) => { out += s; });
  try {
    const until = Date.now() + 30000;
    while (!out.includes('frontend: ready')) {
      assert.ok(Date.now() < until, `demo did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(out, /curl --cacert .*\/oauth\/token/s, 'prints the commands to try');
    const d = { url: `https://127.0.0.1:${port}/`, ca: readFileSync(join(dir, 'tls/cert.pem')) };
    const disc = await send(d, '.well-known/openid-configuration');
    assert.equal(disc.json.issuer, d.url);
    const jwks = (await send(d, '.well-known/jwks.json')).json;
    const secret = JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8')).backoffice;
    const t = await send(d, 'oauth/token', { method: 'POST', body: { grant_type: 'client_credentials', client_id: 'backoffice', client_secret: secret } });
    assert.equal(t.status, 200, t.text);
    const { payload } = await jwtVerify(t.json.access_token, createLocalJWKSet(jwks), { issuer: d.url, audience: `${d.url}api/v2/`, typ: 'at+jwt' });
    assert.equal(payload.client_id, 'backoffice');
  } finally {
    process.kill(-proc.pid, 'SIGTERM');
    await new Promise((r) => proc.on('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
});
