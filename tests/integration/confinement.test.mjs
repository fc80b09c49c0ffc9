// A broken-into front end reaches no secret (DESIGN.md section 4), under
// the uid layout of the shipped unit: guised runs as one unprivileged uid
// that owns the keys, the secrets, the audit and grant keys, the TLS key,
// the audit log and the credentials, as systemd's DynamicUser= with
// LoadCredential= arranges.  The test build of the front end (build/tests/guised-test,
// daemon/testhooks.c) acts as code running inside it would: it tries to
// open each secret, to write the audit log, to read the parent's and the
// signer's memory, to signal them, and to make the calls its filter must
// kill it for.  Each layer is shown alone too (GUISE_TEST_SKIP, honoured by
// the test build only), and with both off, to show that the probe would
// see a secret if one were reachable.  The last tests run guised under the
// installed unit's own SystemCallFilter=, as systemd would apply it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, credentialConfig, startDaemon, top } from './lib/daemon.mjs';
import { impersonationToken, newCode, redeem, userinfo } from './lib/flow.mjs';
import { notifySocket } from './lib/notify.mjs';

const root = process.getuid() === 0;
const skip = root ? false : 'not run as root: the test runs guised as a uid of its own';
const UID = 61873;	// no account: systemd's dynamic users have none either
const guisedTest = join(build, 'tests/guised-test');
const asUid = ['setpriv', `--reuid=${UID}`, `--regid=${UID}`, '--clear-groups', '--'];
const CREDS = ['es256.pem', 'rs256.pem', 'secrets.json', 'audit.key', 'grant.key', 'tls.key'];

// A configuration whose every secret is a credential, all of it owned by UID.
async function unitLayout(mutate) {
  const cfg = await credentialConfig({ tlsKey: true, mutate });
  for (const name of CREDS) chmodSync(join(cfg.creds, name), 0o400);
  chmodSync(cfg.creds, 0o500);
  const r = spawnSync('chown', ['-R', `${UID}:${UID}`, cfg.dir]);
  assert.equal(r.status, 0, 'chown');
  return { cfg, creds: cfg.creds };
}

// files: more files to write into the configuration's folder first.
async function start({ mutate, env = {}, prefix = [], files = {} } = {}) {
  const { cfg, creds } = await unitLayout(mutate);
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(cfg.dir, name), text, { mode: 0o644 });
    spawnSync('chown', [`${UID}:${UID}`, join(cfg.dir, name)]);
  }
  return startDaemon({
    reuse: cfg.dir, exe: guisedTest, prefix: [...asUid, ...prefix],
    env: { CREDENTIALS_DIRECTORY: creds, ...env },
  });
}

// Every file a broken-into front end would want, and the processes.
function targets(d) {
  const dir = d.dir;
  const signer = d.children().find((c) => c.name === 'guise-signer');
  assert.ok(signer, 'a signer');
  return {
    open: [
      ...CREDS.map((n) => join(dir, 'credentials', n)),
      join(dir, 'keys/es256.pem'), join(dir, 'keys/rs256.pem'), join(dir, 'secrets.json'),
      join(dir, 'audit.key'), join(dir, 'grant.key'), join(dir, 'tls/key.pem'), join(dir, 'audit.log'),
      join(dir, 'guise.json'), join(dir, 'users.json'),
    ],
    open_write: [join(dir, 'audit.log'), join(dir, 'audit.log.anchor'), join(dir, 'users.json'), join(dir, 'guise.json')],
    pids: [d.proc.pid, signer.pid],
  };
}

async function probe(d, body) {
  const r = await d.request('__test/probe', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

function landlockAbi(d) {
  const m = d.log.match(/confined by Landlock \(ABI (\d+)\)/);
  return m ? Number(m[1]) : 0;
}

let d;
before(async () => { if (root) d = await start(); });
after(async () => { await d?.stop(); });

test('under the unit\'s layout (one uid owning every secret) all three processes share the uid, and serve a whole flow', { skip }, async () => {
  const kids = d.children();
  assert.equal(kids.length, 2);
  for (const k of [...kids, { uid: Number(readFileSync(`/proc/${d.proc.pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m)[1]) }]) {
    assert.equal(k.uid, UID);
  }
  const fe = kids.find((c) => c.name === 'guised-test');
  assert.equal(fe.seccomp, 2, 'the front end is in its seccomp filter');
  assert.equal(fe.noNewPrivs, 1);
  assert.ok(landlockAbi(d) >= 1, `the front end says it is confined by Landlock: ${d.log}`);
  // The credentials reached the signer (and the TLS key the front end).
  const { code } = await newCode(d, await impersonationToken(d));
  const t = await redeem(d, code);
  assert.equal(t.status, 200, t.text);
  assert.equal((await userinfo(d, t.json.access_token)).status, 200);
});

test('from inside the confined front end: no secret, no credential, no audit log opens, and no memory of the others', { skip }, async () => {
  const t = targets(d);
  const got = await probe(d, { open: t.open, open_write: t.open_write, memory: t.pids, env: ['CREDENTIALS_DIRECTORY'] });
  for (const p of t.open) assert.equal(got.open[p], 'EACCES', `open ${p}`);
  for (const p of t.open_write) assert.equal(got.open_write[p], 'EACCES', `open ${p} for writing`);
  for (const pid of t.pids) assert.equal(got.memory[pid], 'EACCES EACCES', `/proc/${pid}/mem and environ`);
  assert.equal(got.env.CREDENTIALS_DIRECTORY, 'absent');
  // Still serving after the attempts.
  assert.equal((await d.request('.well-known/jwks.json')).status, 200);
});

test('started as root with "user", secrets left readable by everyone by mistake: the front end, dropped to that user, opens none', { skip }, async () => {
  const x = await startDaemon({ exe: guisedTest });
  try {
    const fe = x.children().find((c) => c.name === 'guised-test');
    assert.notEqual(fe.uid, 0);
    assert.equal(fe.seccomp, 2);
    const dir = x.dir;
    const open = [join(dir, 'keys/es256.pem'), join(dir, 'keys/rs256.pem'), join(dir, 'secrets.json'),
      join(dir, 'audit.key'), join(dir, 'grant.key'), join(dir, 'tls/key.pem'), join(dir, 'guise.json')];
    // Only the confinement stands between the front end's user and them.
    spawnSync('chmod', ['-R', 'a+rX', dir]);
    spawnSync('chmod', ['a+w', join(dir, 'audit.log'), join(dir, 'audit.log.anchor')]);
    const got = await probe(x, { open, open_write: [join(dir, 'audit.log'), join(dir, 'audit.log.anchor')] });
    for (const p of open) assert.equal(got.open[p], 'EACCES', `open ${p}`);
    for (const p of Object.keys(got.open_write)) assert.equal(got.open_write[p], 'EACCES', `open ${p} for writing`);
  } finally {
    await x.stop();
  }
});

test('Landlock alone (the filter skipped in the test build) stops the same opens, ptrace, memory reads and signals', { skip }, async () => {
  const x = await start({ env: { GUISE_TEST_SKIP: 'seccomp' } });
  try {
    assert.match(x.log, /test build: seccomp skipped/);
    const fe = x.children().find((c) => c.name === 'guised-test');
    assert.equal(fe.seccomp, 0);
    const t = targets(x);
    const got = await probe(x, { open: t.open, open_write: t.open_write, memory: t.pids, intrusive: t.pids });
    for (const p of [...t.open]) assert.equal(got.open[p], 'EACCES', `open ${p}`);
    for (const p of t.open_write) assert.equal(got.open_write[p], 'EACCES', `open ${p} for writing`);
    const abi = landlockAbi(x);
    for (const pid of t.pids) {
      assert.equal(got.memory[pid], 'EACCES EACCES');
      const [vm, ptrace, kill] = got.intrusive[pid].split(' ');
      assert.equal(vm, 'EPERM', `process_vm_readv of ${pid}`);
      assert.equal(ptrace, 'EPERM', `ptrace of ${pid}`);
      // Signal scoping came with Landlock ABI 6; below it the filter alone stops kill.
      if (abi >= 6) assert.equal(kill, 'EPERM', `kill(${pid}, 0) at ABI ${abi}`);
    }
  } finally {
    await x.stop();
  }
});

test('the seccomp filter alone (Landlock skipped in the test build) stops the same opens', { skip }, async () => {
  const x = await start({ env: { GUISE_TEST_SKIP: 'landlock' } });
  try {
    assert.match(x.log, /test build: landlock skipped/);
    const t = targets(x);
    const got = await probe(x, { open: t.open, open_write: t.open_write, memory: t.pids });
    for (const p of t.open) assert.equal(got.open[p], 'EACCES', `open ${p}`);
    for (const p of t.open_write) assert.equal(got.open_write[p], 'EACCES', `open ${p} for writing`);
    for (const pid of t.pids) assert.equal(got.memory[pid], 'EACCES EACCES');
  } finally {
    await x.stop();
  }
});

test('control: with both layers skipped the same probe opens every secret, so the tests above can fail', { skip }, async () => {
  const x = await start({ env: { GUISE_TEST_SKIP: 'landlock,seccomp' } });
  try {
    const t = targets(x);
    const got = await probe(x, { open: t.open, open_write: t.open_write, memory: t.pids, intrusive: t.pids });
    for (const p of t.open) assert.equal(got.open[p], 'ok', `open ${p} unconfined`);
    assert.equal(got.open_write[join(x.dir, 'audit.log')], 'ok');
    // Memory stays out of reach even so: the parent and the signer are
    // not dumpable, from before the signer reads a key.
    for (const pid of t.pids) {
      assert.equal(got.memory[pid], 'EACCES EACCES');
      assert.deepEqual(got.intrusive[pid].split(' ').slice(0, 2), ['EPERM', 'EPERM']);
      assert.equal(got.intrusive[pid].split(' ')[2], 'ok', 'unconfined, it could signal them');
    }
  } finally {
    await x.stop();
  }
});

// Each of these the front end's filter must kill it for: the call never
// returns, the parent says so, and the service stops (systemd restarts it).
const forbidden = ['ptrace', 'process_vm_readv', 'process_vm_writev', 'pidfd_open', 'pidfd_getfd', 'kill',
  'ftruncate', 'truncate', 'execve', 'socket', 'connect', 'mprotect', 'mmap_exec',
  // A datagram to a socket named by its path (journald's, any other), and
  // a stat of a path (glibc's fstat is a newfstatat, which takes one too).
  'sendto_address', 'stat'];

test('every forbidden call kills the front end before it returns: ' + forbidden.join(', '), { skip }, async () => {
  for (const call of forbidden) {
    const x = await start();
    try {
      const r = await x.request(`__test/syscall?call=${call}&pid=${x.proc.pid}`).catch((e) => ({ error: e.message }));
      assert.equal(r.status, undefined, `${call}: answered ${r.status} ${r.text}`);
      const until = Date.now() + 5000;
      while (!x.exited && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
      assert.match(x.log, /front end was killed by signal 31/, `${call}:\n${x.log}`);
      assert.notEqual(x.exited?.code, 0, `${call}: the service stops with an error`);
    } finally {
      await x.stop();
    }
  }
});

test('its lines are its own: forged signer lines come out as the front end\'s, a flood is cut, the signer\'s commit lines still go out whole', { skip }, async () => {
  const fdOf = (pid, n) => spawnSync('readlink', [`/proc/${pid}/fd/${n}`], { encoding: 'utf8' }).stdout.trim();
  const fe = d.children().find((c) => c.name === 'guised-test');
  const signer = d.children().find((c) => c.name === 'guise-signer');
  assert.match(fdOf(fe.pid, 1), /^pipe:/, 'its stdout is the relay\'s pipe');
  assert.equal(fdOf(fe.pid, 2), fdOf(fe.pid, 1));
  assert.notEqual(fdOf(fe.pid, 2), fdOf(signer.pid, 2), 'not the stream the signer writes to');
  const mark = d.log.length;
  const flood = await d.request('__test/log?lines=20000');
  assert.equal(flood.status, 200, flood.text);
  // All of them reached the parent's pipe (the hook waits while it is
  // full): far more than the burst and a few seconds' rate.
  assert.ok(JSON.parse(flood.text).written >= 5000, flood.text);
  // The signer goes on being heard: a login after the flood, and its lines.
  const { code } = await newCode(d, await impersonationToken(d));
  assert.equal((await redeem(d, code)).status, 200);
  const until = Date.now() + 5000;
  const after = () => d.log.slice(mark).split('\n');
  const dropSaid = /guised: warning: the front end wrote more than 200 lines a second: \d+ dropped/;
  // The answer to the exchange can come before the signer's lines reach
  // this process: wait for its event line too, not only for some commit.
  const eventLine = (l) => /^signer: audit: event=token\.issued .*grant=authorization_code/.test(l);
  while (!(after().some(eventLine) && after().some((l) => /^signer: audit: commit seq=\d+ /.test(l)) &&
    dropSaid.test(d.log.slice(mark))) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const lines = after();
  assert.ok(lines.some(eventLine), 'the signer\'s event line');
  assert.ok(lines.some((l) => /^signer: audit: commit seq=\d+ mac=[0-9a-f]{64} tag=[0-9a-f]{64}$/.test(l)), 'the signer\'s commit line');
  const forged = lines.filter((l) => l.includes('mac=0000000000000000'));
  assert.ok(forged.length > 0 && forged.length < 2000, `${forged.length} forged lines relayed, the rest cut`);
  for (const l of forged) assert.match(l, /^frontend: signer: audit: commit seq=1 /, 'relayed as the front end\'s');
  assert.match(d.log.slice(mark), dropSaid);
  // verify, given this journal: the signer's lines match, the relayed ones are not commit lines at all.
  const journal = join(d.dir, 'journal.txt');
  writeFileSync(journal, d.log);
  const v = spawnSync(join(build, 'guisectl'), ['audit', 'verify', '-f', d.file, '--journal', journal],
    { encoding: 'utf8', env: { ...process.env, CREDENTIALS_DIRECTORY: join(d.dir, 'credentials') } });
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /journal: \d+ commit lines, last seq \d+ matches/);
});

// A front end that keeps its pipe full (64 KB a write, again as soon as
// there is room, for 5 s) must not keep the parent from its signals: an
// audit rotation asked for during the flood is done at once, and the
// parent goes on turning its loop, saying the drops once a second.  A
// parent that read until the pipe was empty would hear nothing while the
// flood lasted, if the front end wrote faster than it read; on this
// machine it reads faster, and that parent passed too: relay.c's bound
// on a read is what makes this hold wherever the front end is faster.
test('a front end that keeps its pipe full does not keep the parent from its signals', { skip }, async () => {
  const x = await start();
  try {
    const flood = x.request('__test/log?lines=1000000000&block=1').catch((e) => ({ error: e.message }));
    const dropSaid = /guised: warning: the front end wrote more than 200 lines a second: \d+ dropped/g;
    const until = Date.now() + 5000;
    while (!x.log.match(dropSaid) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    process.kill(x.proc.pid, 'SIGUSR1');
    const r = await flood;
    assert.equal(r.status, 200, JSON.stringify(r));
    await new Promise((res) => setTimeout(res, 1500));
    const rotatedAt = x.log.search(/guised: audit: \S+ rotated to /);
    assert.ok(rotatedAt >= 0, x.log.slice(-2000));
    const saidAfter = x.log.slice(rotatedAt).match(dropSaid) ?? [];
    assert.ok(saidAfter.length >= 2, `rotated while the flood went on: ${saidAfter.length} drop lines after it ` +
      `(${r.text})\n${x.log.slice(-1500)}`);
  } finally {
    await x.stop();
  }
});

// The front end's control socket to the parent is its to write: junk
// queued there before a reload (bare words, as the old channel spoke) must
// neither be taken for the pause's answer nor become a line of the
// parent's each, which would flood journald past the relay's limit.
test('junk on its control socket: the parent says it once, waits for the real answer to its pause, and reloads', { skip }, async () => {
  const x = await start();
  try {
    const junk = await x.request('__test/ctl?junk=2000');
    assert.equal(junk.status, 200, junk.text);
    // As many as the kernel queues (a few hundred), more than enough lines.
  const { sent } = JSON.parse(junk.text);
  assert.ok(sent >= 100, junk.text);
    const mark = x.log.length;
    process.kill(x.proc.pid, 'SIGHUP');
    const until = Date.now() + 10000;
    while (!/audit: event=service\.reloaded outcome=ok/.test(x.log.slice(mark)) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const after = x.log.slice(mark);
    assert.match(after, /audit: event=service\.reloaded outcome=ok/, after.slice(-1500));
    assert.doesNotMatch(after, /did not pause/, 'the real answer was found behind the junk');
    const said = after.split('\n').filter((l) => /answer to a pause/.test(l));
    assert.equal(said.length, 1, `${said.length} lines about it:\n${said.slice(0, 3).join('\n')}`);
    assert.match(said[0], new RegExp(`: ${sent} messages that were not its answer`));
  } finally {
    await x.stop();
  }
});

// The installed unit's system call filter, as the set of calls it allows:
// SystemCallFilter= lines in order, @groups expanded by systemd-analyze,
// "~" lines taking away.
function unitSyscalls(text) {
  const groups = new Map();
  const expand = (name) => {
    if (!name.startsWith('@')) return [name];
    if (!groups.has(name)) {
      const r = spawnSync('systemd-analyze', ['syscall-filter', '--no-pager', name], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const members = r.stdout.split('\n').slice(1).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
      groups.set(name, members.flatMap(expand));
    }
    return groups.get(name);
  };
  const allowed = new Set();
  for (const m of text.matchAll(/^SystemCallFilter=(~?)(.*)$/gm)) {
    const names = m[2].trim().split(/\s+/).flatMap(expand);
    for (const n of names) {
      if (m[1] === '~') allowed.delete(n); else allowed.add(n);
    }
  }
  return allowed;
}

const hasAnalyze = !spawnSync('systemd-analyze', ['--version']).error;
const unitText = readFileSync(join(top, 'systemd/guised.service.in'), 'utf8');

function filterFile(calls) {
  const file = join(spawnSync('mktemp', ['-d'], { encoding: 'utf8' }).stdout.trim(), 'allowed');
  writeFileSync(file, [...calls].join('\n') + '\n');
  chmodSync(join(file, '..'), 0o755);
  return file;
}

test('under the unit\'s own SystemCallFilter= the three processes start, the front end enters Landlock, and a whole flow works', { skip: skip || (!hasAnalyze && 'systemd-analyze is not installed') }, async () => {
  const calls = unitSyscalls(unitText);
  assert.ok(calls.has('landlock_restrict_self'), 'the unit allows the Landlock calls');
  const prefix = [join(build, 'tests/syscall_filter'), filterFile(calls)];
  // Landlock alone, so that what refuses the opens is Landlock.
  const x = await start({ prefix, env: { GUISE_TEST_SKIP: 'seccomp' } });
  try {
    assert.ok(landlockAbi(x) >= 1, x.log);
    const t = targets(x);
    const got = await probe(x, { open: t.open });
    for (const p of t.open) assert.equal(got.open[p], 'EACCES', `open ${p}`);
  } finally {
    await x.stop();
  }
  const y = await start({ prefix });
  try {
    const { code } = await newCode(y, await impersonationToken(y));
    const r = await redeem(y, code);
    assert.equal(r.status, 200, r.text);
    assert.equal((await userinfo(y, r.json.access_token)).status, 200);
    assert.equal(y.children().find((c) => c.name === 'guised-test').seccomp, 2);
  } finally {
    await y.stop();
  }
});

test('a unit filter without the Landlock calls: guised refuses to start, unless the configuration says seccomp-only', { skip: skip || (!hasAnalyze && 'systemd-analyze is not installed') }, async () => {
  const calls = unitSyscalls(unitText.replace(/^(SystemCallFilter=seccomp) landlock.*$/m, '$1'));
  assert.ok(!calls.has('landlock_create_ruleset'));
  const prefix = [join(build, 'tests/syscall_filter'), filterFile(calls)];
  await assert.rejects(start({ prefix }), /refusing to serve unconfined/);
  const x = await start({ prefix, mutate: (c) => { c.frontend_confinement = 'seccomp-only'; } });
  try {
    assert.match(x.log, /frontend_confinement is seccomp-only: no Landlock \(a system call filter refuses it\)/);
    assert.equal(x.children().find((c) => c.name === 'guised-test').seccomp, 2);
    const t = targets(x);
    const got = await probe(x, { open: t.open });
    for (const p of t.open) assert.equal(got.open[p], 'EACCES', `open ${p}`);
  } finally {
    await x.stop();
  }
});

// Each call, made from inside a front end that startFn starts, kills it.
async function killedBy(startFn, calls) {
  for (const call of calls) {
    const y = await startFn();
    try {
      const r = await y.request(`__test/syscall?call=${call}&pid=${y.proc.pid}`).catch((e) => ({ error: e.message }));
      assert.equal(r.status, undefined, `${call}: answered ${r.status} ${r.text}`);
      const until = Date.now() + 5000;
      while (!y.exited && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
      assert.match(y.log, /front end was killed by signal 31/, `${call}:\n${y.log}`);
    } finally {
      await y.stop();
    }
  }
}

// The console (issue 15) gives the front end an outbound client: TCP
// sockets of its own, connect, and the resolver's datagram sockets.  The
// same attacker, with the console on, still opens no secret, makes no
// socket but a TCP one, reaches no local socket by its path (journald's,
// syslog's, by a new socket or by pointing the notify socket elsewhere),
// and under Landlock ABI 4 connects to no TCP port but the provider's.
test('with the console on: still no secret, no Unix or UDP socket, no notify socket pointed at syslog, no TCP port but the provider\'s', { skip }, async () => {
  const { generateKeyPair, exportJWK } = await import('jose');
  const { publicKey } = await generateKeyPair('RS256');
  const jwks = JSON.stringify({ keys: [{ ...await exportJWK(publicKey), kid: 'p-1', use: 'sig' }] });
  const provider = createServer((req, res) => res.end('{}'));
  const other = createServer((req, res) => res.end('{}'));
  await new Promise((ok) => provider.listen(0, '127.0.0.1', ok));
  await new Promise((ok) => other.listen(0, '127.0.0.1', ok));
  const notifyDir = mkdtempSync(join(tmpdir(), 'guise-notify-'));
  spawnSync('chmod', ['755', notifyDir]);
  const notify = notifySocket(join(notifyDir, 'notify'));
  const withConsole = (c) => {
    c.console = { idp: { issuer: `http://127.0.0.1:${provider.address().port}/`, client_id: 'guise-console',
      auth: 'private_key_jwt', match: 'email', jwks_file: 'idp.jwks' }, pages: join(top, 'daemon/console') };
  };
  const startConsole = () => start({ mutate: withConsole, files: { 'idp.jwks': jwks }, env: { NOTIFY_SOCKET: join(notifyDir, 'notify') } });
  try {
    while (!notify.got.includes('bound')) await new Promise((r) => setTimeout(r, 20));
    const x = await startConsole();
    try {
      assert.equal((await x.request('console/')).status, 200, 'the console is served');
      const t = targets(x);
      const got = await probe(x, { open: t.open, open_write: t.open_write, memory: t.pids,
        connect: [`127.0.0.1:${provider.address().port}`, `127.0.0.1:${other.address().port}`] });
      for (const p of t.open) assert.equal(got.open[p], 'EACCES', `open ${p}`);
      for (const p of t.open_write) assert.equal(got.open_write[p], 'EACCES', `open ${p} for writing`);
      for (const pid of t.pids) assert.equal(got.memory[pid], 'EACCES EACCES');
      assert.equal(got.connect[`127.0.0.1:${provider.address().port}`], 'ok', 'the provider\'s port');
      if (landlockAbi(x) >= 4) assert.equal(got.connect[`127.0.0.1:${other.address().port}`], 'EACCES', 'any other port');
    } finally {
      await x.stop();
    }
    await killedBy(startConsole, ['socket_unix', 'socket_udp', 'socket_mptcp', 'connect_notify', 'connect_notify_high', 'sendto_address', 'getsockopt', 'ptrace', 'kill', 'execve']);
  } finally {
    notify.stop();
    provider.close();
    other.close();
    rmSync(notifyDir, { recursive: true, force: true });
  }
});

// Back-Channel Logout (issue 16) gives the front end the same outbound
// client without a console: it reaches the applications'
// backchannel_logout_uri ports, and nothing more than with the console.
test('with a back-channel logout URI and no console: still no secret, no Unix or UDP socket, no TCP port but the URI\'s', { skip }, async () => {
  const app = createServer((req, res) => res.end());
  const other = createServer((req, res) => res.end());
  await new Promise((ok) => app.listen(0, '127.0.0.1', ok));
  await new Promise((ok) => other.listen(0, '127.0.0.1', ok));
  const withBackchannel = (c) => {
    c.clients.find((x) => x.client_id === 'storefront').backchannel_logout_uri =
      `http://127.0.0.1:${app.address().port}/backchannel-logout`;
  };
  try {
    const x = await start({ mutate: withBackchannel });
    try {
      const t = targets(x);
      const got = await probe(x, { open: t.open, open_write: t.open_write, memory: t.pids,
        connect: [`127.0.0.1:${app.address().port}`, `127.0.0.1:${other.address().port}`] });
      for (const p of t.open) assert.equal(got.open[p], 'EACCES', `open ${p}`);
      for (const p of t.open_write) assert.equal(got.open_write[p], 'EACCES', `open ${p} for writing`);
      for (const pid of t.pids) assert.equal(got.memory[pid], 'EACCES EACCES');
      assert.equal(got.connect[`127.0.0.1:${app.address().port}`], 'ok', 'the back-channel URI\'s port');
      if (landlockAbi(x) >= 4) assert.equal(got.connect[`127.0.0.1:${other.address().port}`], 'EACCES', 'any other port');
    } finally {
      await x.stop();
    }
    await killedBy(() => start({ mutate: withBackchannel }), ['socket_unix', 'socket_udp', 'socket_mptcp', 'sendto_address', 'execve']);
  } finally {
    app.close();
    other.close();
  }
});
