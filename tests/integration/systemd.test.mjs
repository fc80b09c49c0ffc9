// Running under systemd without systemd: the unit's hardening score, the
// keys and secrets as credentials ($CREDENTIALS_DIRECTORY), and the
// sd_notify datagrams of Type=notify, caught on a socket of our own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, children, clientToken, credentialConfig, freePort, makeConfig, top } from './lib/daemon.mjs';
import { notifySocket } from './lib/notify.mjs';

test('the unit scores 1.5 or less in systemd-analyze security', (t) => {
  const unit = readFileSync(join(top, 'systemd/guised.service.in'), 'utf8')
    .replaceAll('@SBINDIR@', '/usr/sbin').replaceAll('@SYSCONFDIR@', '/etc/guise');
  const dir = join(spawnSync('mktemp', ['-d'], { encoding: 'utf8' }).stdout.trim());
  const file = join(dir, 'guised.service');
  writeFileSync(file, unit);
  const r = spawnSync('systemd-analyze', ['security', '--offline=true', '--no-pager', file], { encoding: 'utf8' });
  if (r.error) {
    t.skip('systemd-analyze is not installed');
    return;
  }
  const m = r.stdout.match(/Overall exposure level for guised\.service: ([0-9.]+)/);
  assert.ok(m, r.stdout + r.stderr);
  assert.ok(Number(m[1]) <= 1.5, `exposure ${m[1]}`);
  assert.match(unit, /^Type=notify$/m);
  assert.match(unit, /^LoadCredential=secrets\.json:/m);
});

// systemd-analyze verify of unit, with files ({name: text}) beside it: no
// error and not a word of warning.
function verifyUnits(t, files, unit) {
  const dir = spawnSync('mktemp', ['-d'], { encoding: 'utf8' }).stdout.trim();
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', join(dir, unit)], { encoding: 'utf8' });
    if (r.error) {
      t.skip('systemd-analyze is not installed');
      return;
    }
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stdout + r.stderr, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('guised.socket and the service it starts pass systemd-analyze verify', (t) => {
  verifyUnits(t, {
    'guised.service': readFileSync(join(top, 'systemd/guised.service.in'), 'utf8')
      .replaceAll('@SBINDIR@', join(top, 'build')).replaceAll('@SYSCONFDIR@', '/etc/guise'),
    'guised.socket': readFileSync(join(top, 'systemd/guised.socket'), 'utf8'),
  }, 'guised.socket');
});

test('the timer that refreshes the console\'s provider keys, and its service, pass systemd-analyze verify', (t) => {
  const service = readFileSync(join(top, 'systemd/guise-idp-keys.service.in'), 'utf8')
    .replaceAll('@BINDIR@', join(top, 'build')).replaceAll('@SYSCONFDIR@', '/etc/guise');
  assert.match(service, /^ExecStart=\S+\/guisectl idp-keys -f \/etc\/guise\/guise\.json$/m);
  assert.match(service, /^ExecStartPost=\/bin\/systemctl try-reload-or-restart guised\.service$/m);
  verifyUnits(t, {
    'guise-idp-keys.service': service,
    'guise-idp-keys.timer': readFileSync(join(top, 'systemd/guise-idp-keys.timer'), 'utf8'),
  }, 'guise-idp-keys.timer');
});

test('keys, secrets and the audit key read as systemd credentials', async () => {
  const cfg = await credentialConfig();
  const { creds } = cfg;
  // Without the credentials the configuration does not check out...
  const bad = spawnSync(join(top, 'build/guised'), ['-n', '-f', join(cfg.dir, 'guise.json')], { encoding: 'utf8', env: { ...process.env, CREDENTIALS_DIRECTORY: '' } });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /credential:/);
  // ... with them it does, and serves.
  const d = await startDaemon({ reuse: cfg.dir, env: { CREDENTIALS_DIRECTORY: creds } });
  try {
    const t = await clientToken(d);
    assert.ok(t.access_token);
  } finally {
    await d.stop();
  }
});

// A datagram socket standing in for systemd's, collecting what guised says.
async function waitFor(list, re, ms = 5000) {
  const until = Date.now() + ms;
  while (!list.some((l) => re.test(l))) {
    assert.ok(Date.now() < until, `no ${re} in ${JSON.stringify(list)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('Type=notify: READY=1 when serving, RELOADING=1 then READY=1 on SIGHUP, STOPPING=1 on SIGTERM', async (t) => {
  if (spawnSync('python3', ['--version']).status !== 0) {
    t.skip('python3 is not installed');
    return;
  }
  const dir = spawnSync('mktemp', ['-d'], { encoding: 'utf8' }).stdout.trim();
  spawnSync('chmod', ['755', dir]);
  const path = join(dir, 'notify');
  const n = notifySocket(path);
  try {
    await waitFor(n.got, /^bound$/);
    const d = await startDaemon({ env: { NOTIFY_SOCKET: path } });
    try {
      await waitFor(n.got, /READY=1\|STATUS=serving/);
      d.proc.kill('SIGHUP');
      await waitFor(n.got, /^RELOADING=1$/);
      await waitFor(n.got, /READY=1\|STATUS=configuration and users reloaded/);
      assert.ok(n.got.indexOf('RELOADING=1') < n.got.findIndex((l) => /reloaded/.test(l)));
    } finally {
      await d.stop();
    }
    await waitFor(n.got, /^STOPPING=1$/);
  } finally {
    n.stop();
  }
});

// Socket activation, with systemd-socket-activate standing in for systemd:
// it listens, starts guised at the first connection, and passes the socket
// as descriptor 3 with LISTEN_PID and LISTEN_FDS.
function activated(port, cfgFile) {
  const proc = spawn('systemd-socket-activate', ['-l', `127.0.0.1:${port}`, join(top, 'build/guised'), '-f', cfgFile],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  const a = { proc, log: '', exited: null };
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (s) => { a.log += s; });
  proc.on('exit', (code, signal) => { a.exited = { code, signal }; });
  return a;
}

async function until(cond, what, ms = 10000) {
  const end = Date.now() + ms;
  while (!cond()) {
    assert.ok(Date.now() < end, what);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// The inode of the socket listening on 127.0.0.1:port (/proc/net/tcp).
function listeningInode(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const line = readFileSync('/proc/net/tcp', 'utf8').split('\n')
    .find((l) => l.trim().split(/\s+/)[1] === `0100007F:${hex}` && l.trim().split(/\s+/)[3] === '0A');
  return line ? line.trim().split(/\s+/)[9] : null;
}

function holdsSocket(pid, inode) {
  return readdirSync(`/proc/${pid}/fd`).some((fd) => {
    try { return readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`; } catch { return false; }
  });
}

test('socket activation: the front end serves the socket systemd passes, and only it holds the socket', async (t) => {
  if (spawnSync('systemd-socket-activate', ['--help']).error) {
    t.skip('systemd-socket-activate is not installed');
    return;
  }
  const cfg = await makeConfig({ tls: false });
  const a = activated(cfg.port, join(cfg.dir, 'guise.json'));
  try {
    await until(() => listeningInode(cfg.port) !== null || a.exited, 'systemd-socket-activate listens');
    const inode = listeningInode(cfg.port);
    // The first connection starts guised; it is answered once guised serves.
    const r = await fetch(`http://127.0.0.1:${cfg.port}/.well-known/jwks.json`);
    assert.equal(r.status, 200);
    assert.ok((await r.json()).keys.length >= 1);
    await until(() => a.log.includes('frontend: ready'), 'guised says ready');
    assert.match(a.log, new RegExp(`listening on http://127\\.0\\.0\\.1:${cfg.port}/ \\(a socket from systemd\\)`));
    // The same socket, not one guised bound: the inode systemd-socket-activate made.
    assert.equal(listeningInode(cfg.port), inode);
    const kids = children(a.proc.pid);
    const signer = kids.find((c) => c.name === 'guise-signer');
    const front = kids.find((c) => c.name !== 'guise-signer');
    assert.ok(signer && front, JSON.stringify(kids));
    assert.ok(holdsSocket(front.pid, inode), 'the front end holds the socket');
    assert.ok(!holdsSocket(signer.pid, inode), 'the signer does not');
    assert.ok(!holdsSocket(a.proc.pid, inode), 'the parent does not');
    // And it serves tokens.
    const tok = await fetch(`http://127.0.0.1:${cfg.port}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'backoffice',
        client_secret: JSON.parse(readFileSync(join(cfg.dir, 'secrets.json'), 'utf8')).backoffice }),
    });
    assert.equal(tok.status, 200);
  } finally {
    a.proc.kill('SIGTERM');
    await until(() => a.exited, 'guised stops');
    rmSync(cfg.dir, { recursive: true, force: true });
  }
  assert.equal(a.exited.code, 0, a.log);
});

test('socket activation: a socket that no listener names is refused, and guised says which', async (t) => {
  if (spawnSync('systemd-socket-activate', ['--help']).error) {
    t.skip('systemd-socket-activate is not installed');
    return;
  }
  const cfg = await makeConfig({ tls: false });
  const other = await freePort();
  const a = activated(other, join(cfg.dir, 'guise.json'));
  try {
    await until(() => listeningInode(other) !== null || a.exited, 'systemd-socket-activate listens');
    await fetch(`http://127.0.0.1:${other}/`).catch(() => null);
    await until(() => a.exited, 'guised exits');
    assert.equal(a.exited.code, 1, a.log);
    assert.match(a.log, new RegExp(`systemd passed a socket on 127\\.0\\.0\\.1:${other}, which no listener of the configuration names`));
  } finally {
    if (!a.exited) a.proc.kill('SIGKILL');
    rmSync(cfg.dir, { recursive: true, force: true });
  }
});

test('socket activation variables: malformed ones and a descriptor that is not a listening socket are refused; another process\'s are ignored', async () => {
  const cfg = await makeConfig({ tls: false });
  const file = join(cfg.dir, 'guise.json');
  try {
    for (const [pid, fds] of [['abc', '1'], ['', '1'], ['$$', '0'], ['$$', '17'], ['$$', '1x']]) {
      const r = spawnSync('sh', ['-c', `LISTEN_PID=${pid} LISTEN_FDS=${fds} exec "$0" -f "$1"`, join(top, 'build/guised'), file],
        { encoding: 'utf8', timeout: 10000 });
      assert.equal(r.status, 1, `LISTEN_PID=${pid} LISTEN_FDS=${fds}: ${r.stderr}`);
      assert.match(r.stderr, /socket activation: LISTEN_PID=.* not a process id and a count of 1 to 16/);
    }
    const notSocket = spawnSync('sh', ['-c', 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" -f "$1" 3</dev/null', join(top, 'build/guised'), file],
      { encoding: 'utf8', timeout: 10000 });
    assert.equal(notSocket.status, 1, notSocket.stderr);
    assert.match(notSocket.stderr, /socket activation: descriptor 3 is not a listening TCP socket/);
    // LISTEN_PID of another process: not for guised, which binds its own.
    const d = await startDaemon({ reuse: cfg.dir, env: { LISTEN_PID: '1', LISTEN_FDS: '1' } });
    try {
      assert.match(d.log, new RegExp(`listening on http://127\\.0\\.0\\.1:${cfg.port}/\\n`));
      assert.equal((await d.request('.well-known/jwks.json')).status, 200);
    } finally {
      await d.stop();
    }
  } finally {
    rmSync(cfg.dir, { recursive: true, force: true });
  }
});
