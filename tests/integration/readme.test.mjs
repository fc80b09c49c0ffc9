// The README's walk-through is a test: its shell blocks, in order, as one
// bash session against a fresh daemon, with what each step must show.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, top } from './lib/daemon.mjs';

let d;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.stop(); });

function walkThrough() {
  const readme = readFileSync(join(top, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Walk-through'), readme.indexOf('\n## ', readme.indexOf('## Walk-through') + 1));
  const blocks = [...section.matchAll(/^( *)```sh\n([\s\S]*?)^\1```/gm)];
  return blocks.map(([, indent, body]) => body.split('\n').map((l) => l.slice(indent.length)).join('\n'));
}

test('the README walk-through has the steps of the how-to', () => {
  const script = walkThrough().join('\n');
  for (const step of ['/oauth/token', '/api/v2/users', '/impersonate', 'grant_type=authorization_code', '/userinfo']) {
    assert.ok(script.includes(step), `the walk-through uses ${step}`);
  }
});

test('the README walk-through runs as written and ends with the impersonated profile', () => {
  const script = `set -e\n${walkThrough().join('\n')}`;
  const r = spawnSync('bash', ['-c', script], {
    cwd: top,
    env: { ...process.env, G: d.dir, URL: d.url.replace(/\/$/, '') },
    encoding: 'utf8',
    timeout: 30000,
  });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const out = r.stdout;
  assert.match(out, new RegExp(`"issuer":"${d.url}"`), 'discovery');
  assert.match(out, /\[\{"user_id":"auth0\|customer-1"/, 'the user search finds Alice');
  assert.match(out, new RegExp(`${d.url}users/auth0%7Csupport-1/impersonate\\?&bewit=[A-Za-z0-9_-]{43}$`, 'm'), 'the link');
  assert.match(out, /^http:\/\/127\.0\.0\.1:3000\/callback\?code=[A-Za-z0-9_-]{43}&state=s-123$/m, 'the callback');
  assert.match(out, /"impersonated": true/, 'the id_token says impersonated');
  assert.match(out, /"aud": "storefront"/, 'the id_token is for the application');
  const userinfo = JSON.parse(out.trim().split('\n').pop());
  assert.equal(userinfo.sub, 'auth0|customer-1');
  assert.equal(userinfo.impersonated, true);
  assert.deepEqual(userinfo.impersonator, { user_id: 'auth0|support-1', email: 'sam@example.com' });
  assert.equal(userinfo.email, 'alice@example.com');
});
