// Running under systemd without systemd: the unit's hardening score, the
// keys and secrets as credentials ($CREDENTIALS_DIRECTORY), and the
// sd_notify datagrams of Type=notify, caught on a socket of our own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, clientToken, makeConfig, top } from './lib/daemon.mjs';

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

test('keys, secrets and the audit key read as systemd credentials', async () => {
  const cfg = await makeConfig({
    mutate: (c) => {
      c.signer.keys[0].file = 'credential:es256.pem';
      c.signer.keys[1].file = 'credential:rs256.pem';
      c.signer.secrets_file = 'credential:secrets.json';
      c.signer.audit_key_file = 'credential:audit.key';
    },
  });
  const creds = join(cfg.dir, 'credentials');
  mkdirSync(creds);
  copyFileSync(join(cfg.dir, 'keys/es256.pem'), join(creds, 'es256.pem'));
  copyFileSync(join(cfg.dir, 'keys/rs256.pem'), join(creds, 'rs256.pem'));
  copyFileSync(join(cfg.dir, 'secrets.json'), join(creds, 'secrets.json'));
  copyFileSync(join(cfg.dir, 'audit.key'), join(creds, 'audit.key'));
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
function notifySocket(path) {
  const py = spawn('python3', ['-c', `
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)  # the front end speaks as "nobody" here
print("bound", flush=True)
while True:
    print(s.recv(4096).decode().replace("\\n", "|"), flush=True)
`, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const got = [];
  let buf = '';
  py.stdout.setEncoding('utf8');
  py.stdout.on('data', (s) => {
    buf += s;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      got.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  return { got, stop: () => py.kill() };
}

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
