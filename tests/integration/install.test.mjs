// make install DESTDIR=... PREFIX=...: every file in its place, and the
// installed guised finds its installed signer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { top, makeConfig } from './lib/daemon.mjs';

test('make install lays out every file, and the installed daemon finds its signer', async () => {
  const dest = mkdtempSync(join(tmpdir(), 'guise-install-'));
  try {
    const r = spawnSync('make', ['--no-print-directory', 'install', `DESTDIR=${dest}`, 'PREFIX=/opt/guise'], { cwd: top, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const files = {
      'opt/guise/sbin/guised': 0o755,
      'opt/guise/bin/guisectl': 0o755,
      'opt/guise/libexec/guise/guise-signer': 0o755,
      'opt/guise/lib/systemd/system/guised.service': 0o644,
      'opt/guise/lib/systemd/system/guised.socket': 0o644,
      'etc/guise/guise.json.example': 0o644,
      'opt/guise/share/man/man8/guised.8': 0o644,
      'opt/guise/share/man/man8/guisectl.8': 0o644,
      'opt/guise/share/man/man5/guise.json.5': 0o644,
      'opt/guise/share/guise/console/index.html': 0o644,
      'opt/guise/share/guise/console/console.js': 0o644,
      'opt/guise/share/guise/console/console.css': 0o644,
    };
    for (const [f, mode] of Object.entries(files)) {
      assert.ok(existsSync(join(dest, f)), `${f} installed`);
      assert.equal(statSync(join(dest, f)).mode & 0o777, mode, `${f} mode`);
    }
    const unit = readFileSync(join(dest, 'opt/guise/lib/systemd/system/guised.service'), 'utf8');
    assert.match(unit, /^ExecStart=\/opt\/guise\/sbin\/guised -f \/etc\/guise\/guise\.json$/m);
    assert.doesNotMatch(unit, /@[A-Z]+@/);
    // The socket unit listens where the example configuration does.
    const socket = readFileSync(join(dest, 'opt/guise/lib/systemd/system/guised.socket'), 'utf8');
    const example = JSON.parse(readFileSync(join(dest, 'etc/guise/guise.json.example'), 'utf8'));
    assert.deepEqual([...socket.matchAll(/^ListenStream=(.*)$/gm)].map((m) => m[1]),
      example.listen.map((l) => `${l.address}:${l.port}`));

    const cfg = await makeConfig();
    const n = spawnSync(join(dest, 'opt/guise/sbin/guised'), ['-n', '-f', join(cfg.dir, 'guise.json')], { encoding: 'utf8' });
    assert.equal(n.status, 0, n.stderr);
    rmSync(cfg.dir, { recursive: true, force: true });

    const u = spawnSync('make', ['--no-print-directory', 'uninstall', `DESTDIR=${dest}`, 'PREFIX=/opt/guise'], { cwd: top, encoding: 'utf8' });
    assert.equal(u.status, 0, u.stderr);
    for (const f of Object.keys(files)) assert.ok(!existsSync(join(dest, f)), `${f} removed`);
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
});
