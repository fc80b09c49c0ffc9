// Start and stop the relying parties of tests/integration/rp/: the Node
// applications as child processes (so that they trust guise's certificate
// through NODE_EXTRA_CA_CERTS, as a deployed application would), and Apache
// with mod_auth_openidc from a configuration of its own in a temporary
// folder.  Each returns { url, log(), stop() }; stop() is safe to call twice.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { top } from './daemon.mjs';

export const rpDir = join(import.meta.dirname, '../rp');
export const APACHE = process.env.APACHE ?? '/usr/sbin/apache2';

function waitExit(proc, ms) {
  return new Promise((ok) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return ok(true);
    const t = setTimeout(() => ok(false), ms);
    proc.once('exit', () => { clearTimeout(t); ok(true); });
  });
}

// Stop what a test file started (daemons, applications, a browser), the
// last first, whatever fails: for its after hook.
export async function stopAll(started) {
  for (const p of started.reverse()) await (p.close ?? p.stop).call(p).catch(() => {});
}

// Run node rp/SCRIPT (or SCRIPT, an absolute path) with args and env;
// resolves once it prints ready ("listening").
export async function startNodeApp(script, { port, env = {}, ca, args = [], ready = 'listening' }) {
  const proc = spawn(process.execPath, [resolve(rpDir, script), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...(ca ? { NODE_EXTRA_CA_CERTS: ca } : {}), PORT: String(port), ...env },
  });
  let out = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdout.on('data', (s) => { out += s; });
  proc.stderr.on('data', (s) => { out += s; });
  const app = {
    url: `http://127.0.0.1:${port}`,
    proc,
    log: () => out,
    async stop() {
      proc.kill('SIGTERM');
      if (!await waitExit(proc, 5000)) proc.kill('SIGKILL');
    },
  };
  const until = Date.now() + 15000;
  while (!out.includes(ready)) {
    if (proc.exitCode !== null) throw new Error(`${script} exited ${proc.exitCode}:\n${out}`);
    if (Date.now() > until) { await app.stop(); throw new Error(`${script} did not start:\n${out}`); }
    await new Promise((r) => setTimeout(r, 20));
  }
  return app;
}

// examples/storefront, the example application, as a test runs it:
// mkconfig.sh's client record for it (make demo's), moved to the shop's
// base URL by moveStorefront(conf, base) in a startDaemon mutate; then
// startStorefront(d, port) runs the shop there for guised d.
export const STOREFRONT = 'example-storefront';

export function moveStorefront(conf, base) {
  const sf = conf.clients.find((x) => x.client_id === STOREFRONT);
  sf.callbacks = [`${base}/callback`];
  sf.initiate_login_uri = `${base}/login`;
  sf.backchannel_logout_uri = `${base}/backchannel-logout`;
}

export function startStorefront(d, port) {
  return startNodeApp(join(top, 'examples/storefront/app.mjs'), {
    port,
    ca: join(d.dir, 'tls/cert.pem'),
    env: { GUISE_ISSUER: d.url, CLIENT_SECRET: d.secrets[STOREFRONT] },
  });
}

// Apache in the foreground with rp/apache.conf.in filled in; resolves once
// it answers on its port.
export async function startApache({ port, issuer, clientId, clientSecret }) {
  const dir = mkdtempSync(join(tmpdir(), 'guise-apache-'));
  chmodSync(dir, 0o755);		// the workers and the CGI run as nobody under root
  mkdirSync(join(dir, 'htdocs'));
  copyFileSync(join(rpDir, 'claims.cgi'), join(dir, 'claims.cgi'));
  chmodSync(join(dir, 'claims.cgi'), 0o755);
  const values = { DIR: dir, PORT: String(port), ISSUER: issuer, CLIENT_ID: clientId, CLIENT_SECRET: clientSecret, PASSPHRASE: randomBytes(24).toString('base64url') };
  const conf = readFileSync(join(rpDir, 'apache.conf.in'), 'utf8').replace(/@([A-Z_]+)@/g, (m, k) => values[k] ?? m);
  writeFileSync(join(dir, 'apache.conf'), conf, { mode: 0o600 });

  const proc = spawn(APACHE, ['-f', join(dir, 'apache.conf'), '-DFOREGROUND'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, APACHE_RUN_DIR: dir, APACHE_LOCK_DIR: dir, APACHE_LOG_DIR: dir, APACHE_PID_FILE: join(dir, 'httpd.pid') },
  });
  let out = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdout.on('data', (s) => { out += s; });
  proc.stderr.on('data', (s) => { out += s; });
  const log = () => {
    let e = '';
    try { e = readFileSync(join(dir, 'error.log'), 'utf8'); } catch { /* not yet */ }
    return `${out}${e}`;
  };
  let stopped = false;
  const app = {
    url: `http://127.0.0.1:${port}`,
    dir,
    proc,
    log,
    async stop() {
      if (stopped) return;
      stopped = true;
      // SIGTERM stops the parent and its workers and cgid daemon at once.
      proc.kill('SIGTERM');
      if (!await waitExit(proc, 10000)) proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const until = Date.now() + 15000;
  for (;;) {
    if (proc.exitCode !== null) {
      const l = log();
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`apache2 exited ${proc.exitCode}:\n${l}`);
    }
    const r = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '2', `${app.url}/`], { encoding: 'utf8' });
    if (r.stdout && r.stdout !== '000') break;
    if (Date.now() > until) { const l = log(); await app.stop(); throw new Error(`apache2 did not start:\n${l}`); }
    await new Promise((r2) => setTimeout(r2, 50));
  }
  return app;
}
