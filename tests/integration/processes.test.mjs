// The three processes as DESIGN.md section 4 draws them: a sandboxed
// signer, an unprivileged front end, a parent that validates and supervises.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, makeConfig, build } from './lib/daemon.mjs';

const root = process.getuid() === 0;
const nobody = Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim());
// guised drops to the configured user only when started as root; run as
// anyone else it keeps that user, and there is nothing to check.
const asRoot = root ? false : 'not run as root: guised keeps the user that started it';

let d;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.stop(); });

test('the running signer is in its seccomp filter with no new privileges', () => {
  const signer = d.children().find((c) => c.name === 'guise-signer');
  assert.ok(signer, 'a guise-signer child');
  assert.equal(signer.seccomp, 2);
  assert.equal(signer.noNewPrivs, 1);
});

test('started as root, the signer runs as the configured user', { skip: asRoot }, () => {
  const signer = d.children().find((c) => c.name === 'guise-signer');
  assert.ok(signer, 'a guise-signer child');
  assert.equal(signer.uid, nobody, 'the signer dropped to the configured user');
});

test('the front end has no new privileges', () => {
  const fe = d.children().find((c) => c.name === 'guised');
  assert.ok(fe, 'a front-end child');
  assert.equal(fe.noNewPrivs, 1);
});

test('started as root, the front end runs as the configured user', { skip: asRoot }, () => {
  const fe = d.children().find((c) => c.name === 'guised');
  assert.ok(fe, 'a front-end child');
  assert.equal(fe.uid, nobody, 'the front end dropped to the configured user');
});

test('the parent opens no network socket: only the front end listens', () => {
  const inodes = (pid) => {
    const out = spawnSync('sh', ['-c', `ls -l /proc/${pid}/fd 2>/dev/null`], { encoding: 'utf8' }).stdout;
    return [...out.matchAll(/socket:\[(\d+)\]/g)].map((m) => m[1]);
  };
  const tcp = readFileSync('/proc/net/tcp', 'utf8') + readFileSync('/proc/net/tcp6', 'utf8');
  const listening = new Set([...tcp.matchAll(/^\s*\d+: \S+ \S+ 0A (?:\S+\s+){5}(\d+)/gm)].map((m) => m[1]));
  const fe = d.children().find((c) => c.name === 'guised');
  assert.ok(inodes(fe.pid).some((i) => listening.has(i)), 'the front end holds the listener');
  assert.ok(!inodes(d.proc.pid).some((i) => listening.has(i)), 'the parent holds no listener');
});

test('guisectl check is guised -n', () => {
  const ok = spawnSync(join(build, 'guisectl'), ['check', '-f', d.file], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /configuration OK/);
  const file = join(d.dir, 'empty.json');
  writeFileSync(file, '{}');
  const bad = spawnSync(join(build, 'guisectl'), ['check', '-f', file], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /empty\.json: issuer: missing/);
});

test('guised -n accepts a good configuration', () => {
  const r = spawnSync(join(build, 'guised'), ['-n', '-f', d.file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /configuration OK/);
});

// Each broken configuration: guised -n exits non-zero naming file, key and problem.
const broken = [
  ['an unknown key', (c) => { c.listen_port = 1; }, /listen_port/, /unknown/],
  ['a missing issuer', (c) => { delete c.issuer; }, /issuer/, /missing|required/],
  ['an issuer without its slash', (c) => { c.issuer = c.issuer.slice(0, -1); }, /issuer/, /slash|\//],
  ['a port out of range', (c) => { c.listen[0].port = 70000; }, /listen\[0\]\.port/, /range|65535/],
  ['plain http off loopback', (c) => { c.listen[0] = { address: '192.0.2.1', port: 80 }; }, /listen\[0\]/, /loopback/],
  ['an unknown active_kid', (c) => { c.signer.active_kid = 'nope'; }, /active_kid/, /nope/],
  ['no grant_key_file', (c) => { delete c.signer.grant_key_file; }, /signer\.grant_key_file/, /missing/],
  ['a wrong type', (c) => { c.impersonation.link_ttl = '120'; }, /link_ttl/, /integer|number/],
  ['a link_ttl over the cap', (c) => { c.impersonation.link_ttl = 601; }, /link_ttl/, /600/],
];

for (const [name, mutate, key, problem] of broken) {
  test(`guised -n refuses ${name}, naming the file and the key`, () => {
    const c = JSON.parse(readFileSync(d.file, 'utf8'));
    mutate(c);
    const file = join(d.dir, 'broken.json');
    writeFileSync(file, JSON.stringify(c));
    const r = spawnSync(join(build, 'guised'), ['-n', '-f', file], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /broken\.json/);
    assert.match(r.stderr, key);
    assert.match(r.stderr, problem);
  });
}

test('guised -n and guisectl check have the signer check the grant key file, naming it and the line', async () => {
  const cfg = await makeConfig();
  const file = join(cfg.dir, 'grant.key');
  const line = readFileSync(file, 'utf8');
  writeFileSync(file, `${line}${line}`);
  for (const argv of [[join(build, 'guised'), '-n'], [join(build, 'guisectl'), 'check']]) {
    const r = spawnSync(argv[0], [...argv.slice(1), '-f', join(cfg.dir, 'guise.json')], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /grant\.key: line 2: the kid of an earlier line/);
  }
  rmSync(file);
  const r = spawnSync(join(build, 'guised'), ['-n', '-f', join(cfg.dir, 'guise.json')], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /grant\.key: No such file/);
  rmSync(cfg.dir, { recursive: true, force: true });
});

test('guised -n has the signer check the secrets: a client without a secret is refused', async () => {
  const cfg = await makeConfig();
  const s = JSON.parse(readFileSync(join(cfg.dir, 'secrets.json'), 'utf8'));
  delete s.reader;
  writeFileSync(join(cfg.dir, 'secrets.json'), JSON.stringify(s));
  const r = spawnSync(join(build, 'guised'), ['-n', '-f', join(cfg.dir, 'guise.json')], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /secrets\.json/);
  assert.match(r.stderr, /reader/);
});

test('guised -n refuses a key file that is not what its alg says', async () => {
  const cfg = await makeConfig();
  const c = JSON.parse(readFileSync(join(cfg.dir, 'guise.json'), 'utf8'));
  c.signer.keys[0].file = 'keys/rs256.pem';   // an RSA key declared ES256
  writeFileSync(join(cfg.dir, 'guise.json'), JSON.stringify(c));
  const r = spawnSync(join(build, 'guised'), ['-n', '-f', join(cfg.dir, 'guise.json')], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /rs256\.pem/);
  assert.match(r.stderr, /ES256/);
});

test('kill -9 of the signer under load: a new one within a second, only 503s meanwhile, sandboxed again', async () => {
  const x = await startDaemon();
  try {
    const old = x.children().find((c) => c.name === 'guise-signer');
    const ask = () => x.request('oauth/token', {
      method: 'POST',
      body: { grant_type: 'client_credentials', client_id: 'reader', client_secret: x.secrets.reader },
    });
    // A proven client: the limiter holds a newcomer to 10 attempts at once.
    assert.equal((await ask()).status, 200);
    const load = Array.from({ length: 100 }, (_, i) => new Promise((res) => setTimeout(res, i)).then(ask));
    await new Promise((res) => setTimeout(res, 20));
    const killed = Date.now();
    process.kill(old.pid, 'SIGKILL');
    const answers = await Promise.all(load);
    for (const a of answers) {
      assert.ok(a.status === 200 || a.status === 503, `${a.status} ${a.text}`);
      if (a.status === 503) assert.equal(a.headers['retry-after'], '1');
    }
    // Back within a second of the kill.
    let back = null;
    while (Date.now() - killed < 3000) {
      if ((await ask()).status === 200) { back = Date.now() - killed; break; }
      await new Promise((res) => setTimeout(res, 20));
    }
    assert.ok(back !== null && back < 1000, `service back after ${back} ms`);
    assert.equal(x.exited, null, 'the service did not stop');
    const signer = x.children().find((c) => c.name === 'guise-signer');
    assert.notEqual(signer.pid, old.pid);
    assert.equal(signer.seccomp, 2);
    assert.equal(signer.noNewPrivs, 1);
    assert.match(x.log, /signer was killed by signal 9/);
  } finally {
    await x.stop();
  }
});

test('when the front end dies the whole service exits non-zero (systemd restarts it)', async () => {
  const x = await startDaemon();
  const fe = x.children().find((c) => c.name === 'guised');
  process.kill(fe.pid, 'SIGKILL');
  const until = Date.now() + 10000;
  while (!x.exited && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  const exited = await x.stop();
  assert.ok(exited, 'guised exited');
  assert.notEqual(exited.code, 0);
});

test('SIGTERM stops all three processes with status 0', async () => {
  const x = await startDaemon();
  const kids = x.children().map((c) => c.pid);
  assert.equal(kids.length, 2);
  const exited = await x.stop();
  assert.equal(exited.code, 0);
  for (const pid of kids) assert.throws(() => process.kill(pid, 0));
});

test('a hung signer gets 503 with Retry-After in bounded time, and service resumes', async () => {
  const x = await startDaemon();
  try {
    const signer = x.children().find((c) => c.name === 'guise-signer');
    process.kill(signer.pid, 'SIGSTOP');
    const t0 = Date.now();
    const r = await x.request('oauth/token', {
      method: 'POST',
      body: { grant_type: 'client_credentials', client_id: 'backoffice', client_secret: x.secrets.backoffice },
    });
    const took = Date.now() - t0;
    process.kill(signer.pid, 'SIGCONT');
    assert.equal(r.status, 503, r.text);
    assert.equal(r.json.error, 'temporarily_unavailable');
    assert.equal(r.headers['retry-after'], '1');
    assert.equal(r.json.access_token, undefined);
    assert.ok(took < 5000, `answered after ${took} ms`);
    // Discovery and the JWKS never wait for the signer.
    assert.equal((await x.request('.well-known/jwks.json')).status, 200);
    const again = await x.request('oauth/token', {
      method: 'POST',
      body: { grant_type: 'client_credentials', client_id: 'backoffice', client_secret: x.secrets.backoffice },
    });
    assert.equal(again.status, 200, again.text);
  } finally {
    await x.stop();
  }
});

test('SIGTERM under load: what is in flight is answered, nothing after, exit 0', async () => {
  const x = await startDaemon();
  const ask = () => x.request('oauth/token', {
    method: 'POST',
    body: { grant_type: 'client_credentials', client_id: 'reader', client_secret: x.secrets.reader },
  }).then((r) => r.status, (e) => e.code);
  // A proven client: the limiter holds a newcomer to 10 attempts at once.
  assert.equal(await ask(), 200);
  // Stop as soon as the first answer is back: the rest are in flight.
  let first;
  const started = new Promise((r) => { first = r; });
  const load = Array.from({ length: 60 }, () => ask().then((s) => { first(); return s; }));
  await started;
  x.proc.kill('SIGTERM');
  const statuses = await Promise.all(load);
  const until = Date.now() + 10000;
  while (!x.exited && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  assert.equal(x.exited?.code, 0, x.log);
  for (const s of statuses) assert.ok(s === 200 || s === 'ECONNREFUSED' || s === 'ECONNRESET', `got ${s}`);
  assert.ok(statuses.filter((s) => s === 200).length > 0, 'requests in flight were answered');
  assert.ok(!statuses.includes(503), 'no request in flight was dropped to 503');
  assert.match(x.log, /stopping on signal 15/);
  assert.equal(await ask(), 'ECONNREFUSED');
  await x.stop();
});
