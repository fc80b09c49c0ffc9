// SIGHUP: a new user, a new client and a new key, each visible without a
// restart; a broken configuration refused while the old one serves on; key
// rotation with the old tokens verifying until their key is removed; links
// in flight surviving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { startDaemon, clientToken, build } from './lib/daemon.mjs';
import { follow, newLink } from './lib/flow.mjs';

const edit = (d, name, fn) => {
  const file = join(d.dir, name);
  const v = JSON.parse(readFileSync(file, 'utf8'));
  fn(v);
  writeFileSync(file, JSON.stringify(v, null, 1));
};

async function hup(d, until) {
  const mark = d.log.length;
  d.proc.kill('SIGHUP');
  const t = Date.now() + 10000;
  while (!until(d.log.slice(mark))) {
    assert.ok(Date.now() < t, `no reload seen in:\n${d.log.slice(mark)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const reloaded = (log) => /audit: event=service\.reloaded outcome=ok/.test(log);

test('SIGHUP brings a new user, a new client and a new key without a restart; a link in flight survives', async () => {
  const d = await startDaemon();
  try {
    const before = d.proc.pid;
    const cc = await clientToken(d);
    const link = await newLink(d, cc.access_token);
    // A new key, a new client with its secret, a new user.
    spawnSync(join(build, 'guisectl'), ['keygen', '--alg', 'ES256', '--kid', 'next-es256', '-o', join(d.dir, 'keys/next.pem')]);
    edit(d, 'guise.json', (c) => {
      c.signer.keys.push({ kid: 'next-es256', alg: 'ES256', file: 'keys/next.pem' });
      c.clients.push({ client_id: 'newcomer', grant_types: ['client_credentials'], scopes: ['read:users'] });
    });
    edit(d, 'secrets.json', (s) => { s.newcomer = 'newcomer-secret-0123456789'; });
    edit(d, 'users.json', (u) => { u.push({ user_id: 'auth0|new-1', email: 'new@example.com' }); });
    await hup(d, reloaded);
    assert.equal(d.proc.pid, before);
    const kids = (await d.request('.well-known/jwks.json')).json.keys.map((k) => k.kid);
    assert.ok(kids.includes('next-es256'), `JWKS: ${kids}`);
    d.secrets.newcomer = 'newcomer-secret-0123456789';
    const t = await clientToken(d, 'newcomer');
    const u = await d.request('api/v2/users/auth0|new-1', { headers: { authorization: `Bearer ${t.access_token}` } });
    assert.equal(u.status, 200, u.text);
    // The link made before the reload still works, once.
    assert.equal((await follow(d, link)).status, 302);
  } finally {
    await d.stop();
  }
});

test('SIGHUP with a broken configuration is refused: the old one serves on', async () => {
  const d = await startDaemon();
  try {
    edit(d, 'guise.json', (c) => { c.no_such_key = 1; });
    await hup(d, (log) => /reload refused/.test(log));
    assert.match(d.log, /no_such_key/);
    assert.ok((await clientToken(d)).access_token);
    // A key file the signer cannot use: refused too, before any signer stops.
    edit(d, 'guise.json', (c) => { delete c.no_such_key; c.signer.keys[0].file = 'keys/missing.pem'; });
    await hup(d, (log) => /reload refused/.test(log));
    assert.ok((await clientToken(d)).access_token);
    assert.equal(d.children().filter((c) => c.name === 'guise-signer').length, 1);
  } finally {
    await d.stop();
  }
});

test('key rotation: a new active_kid signs; old tokens verify until their key is removed', async () => {
  const d = await startDaemon({ active: 'es256' });
  try {
    const old = (await clientToken(d, 'reader')).access_token;
    assert.equal(decodeProtectedHeader(old).kid, 'test-es256');
    edit(d, 'guise.json', (c) => { c.signer.active_kid = 'test-rs256'; });
    await hup(d, reloaded);
    const fresh = (await clientToken(d, 'reader')).access_token;
    assert.equal(decodeProtectedHeader(fresh).kid, 'test-rs256');
    const use = (tok) => d.request('api/v2/users', { headers: { authorization: `Bearer ${tok}` } });
    assert.equal((await use(old)).status, 200, 'the old key still verifies');
    assert.equal((await use(fresh)).status, 200);
    edit(d, 'guise.json', (c) => { c.signer.keys = c.signer.keys.filter((k) => k.kid !== 'test-es256'); });
    await hup(d, reloaded);
    // The JWKS change reaches the front end with the new signer's hello.
    const t = Date.now() + 5000;
    while ((await d.request('.well-known/jwks.json')).json.keys.some((k) => k.kid === 'test-es256')) {
      assert.ok(Date.now() < t, 'the removed key left the JWKS');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal((await use(old)).status, 401, 'a removed key verifies nothing');
    assert.equal((await use(fresh)).status, 200);
  } finally {
    await d.stop();
  }
});

test('a reload under load loses nothing: every request in flight or arriving meanwhile gets its token', async () => {
  const d = await startDaemon();
  try {
    // Each request with when it started and ended.
    const ask = async () => {
      const start = Date.now();
      const r = await d.request('oauth/token', {
        method: 'POST',
        body: { grant_type: 'client_credentials', client_id: 'reader', client_secret: d.secrets.reader },
      });
      return { status: r.status, start, end: Date.now() };
    };
    const done = [];
    let go = true;
    const workers = Array.from({ length: 8 }, async () => {
      while (go) done.push(await ask());
    });
    await new Promise((r) => setTimeout(r, 100));
    const mark = d.log.length;
    const hup = Date.now();
    d.proc.kill('SIGHUP');
    const until = Date.now() + 10000;
    while (!reloaded(d.log.slice(mark))) {
      assert.ok(Date.now() < until, 'reloaded');
      await new Promise((r) => setTimeout(r, 20));
    }
    const over = Date.now();
    await new Promise((r) => setTimeout(r, 100));
    go = false;
    await Promise.all(workers);
    // The load really spanned the reload, whatever this machine's speed.
    assert.ok(done.some((q) => q.start < hup && q.end > hup), 'requests in flight at SIGHUP');
    assert.ok(done.some((q) => q.start > hup && q.start < over), 'requests arriving during the reload');
    assert.ok(done.some((q) => q.start > over), 'requests after it');
    assert.deepEqual([...new Set(done.map((q) => q.status))], [200], 'only 200s');
    assert.doesNotMatch(d.log.slice(mark), /did not pause/);
  } finally {
    await d.stop();
  }
});

test('the users file replaced by garbage, then SIGHUP: the reload is refused (the signer decides on the users too), the old directory serves on, and the log says so', async () => {
  const d = await startDaemon();
  try {
    writeFileSync(join(d.dir, 'users.json'), '{"user_id": "auth0|x"\u0000 garbage');
    await hup(d, (log) => /reload refused: the running configuration stays/.test(log));
    assert.match(d.log, /users\.json: line 1/);
    const t = (await clientToken(d, 'reader')).access_token;
    const u = await d.request('api/v2/users/auth0|customer-1', { headers: { authorization: `Bearer ${t}` } });
    assert.equal(u.status, 200, 'the old directory still answers');
  } finally {
    await d.stop();
  }
});
