// Start a real guised on loopback with a throwaway configuration, and talk
// to it over real HTTPS.  Every integration test goes through here.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const top = resolve(import.meta.dirname, '../../..');
export const build = join(top, process.env.B ?? 'build');

export async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

// Write a configuration with tests/lib/mkconfig.sh; returns its folder.
// users: an array to write as users.json instead of the three samples;
// mutate: a function given the parsed guise.json to change before it is
// written back (short lifetimes, another policy...).
export async function makeConfig({ active = 'es256', tls = true, port, users, mutate } = {}) {
  port ??= await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'guise-test-'));
  const r = spawnSync('sh', [join(top, 'tests/lib/mkconfig.sh'), dir, String(port)], {
    cwd: top,
    env: { ...process.env, GUISECTL: join(build, 'guisectl'), GUISE_ACTIVE: active, GUISE_TLS: tls ? '1' : '0' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`mkconfig.sh failed: ${r.stderr}`);
  if (users) writeFileSync(join(dir, 'users.json'), JSON.stringify(users, null, 1), { mode: 0o644 });
  if (mutate) {
    const file = join(dir, 'guise.json');
    const conf = JSON.parse(readFileSync(file, 'utf8'));
    mutate(conf);
    writeFileSync(file, JSON.stringify(conf, null, 1), { mode: 0o644 });
  }
  return { dir, port, scheme: tls ? 'https' : 'http' };
}

// A configuration whose secrets are systemd credentials (LoadCredential=):
// copied into DIR/credentials, and named "credential:NAME" by guise.json;
// with tlsKey, the TLS key too.  Returns makeConfig's, and creds: that folder.
export async function credentialConfig({ tlsKey = false, mutate, ...opts } = {}) {
  const from = { 'es256.pem': 'keys/es256.pem', 'rs256.pem': 'keys/rs256.pem', 'secrets.json': 'secrets.json', 'audit.key': 'audit.key', 'grant.key': 'grant.key' };
  if (tlsKey) from['tls.key'] = 'tls/key.pem';
  const cfg = await makeConfig({
    ...opts,
    mutate: (c) => {
      c.signer.keys[0].file = 'credential:es256.pem';
      c.signer.keys[1].file = 'credential:rs256.pem';
      c.signer.secrets_file = 'credential:secrets.json';
      c.signer.audit_key_file = 'credential:audit.key';
      c.signer.grant_key_file = 'credential:grant.key';
      if (tlsKey) c.listen[0].tls.key = 'credential:tls.key';
      mutate?.(c);
    },
  });
  const creds = join(cfg.dir, 'credentials');
  mkdirSync(creds);
  for (const [name, file] of Object.entries(from)) copyFileSync(join(cfg.dir, file), join(creds, name));
  return { ...cfg, creds };
}

// The configuration already in dir, to start a daemon on it again.
function existingConfig(dir) {
  const conf = JSON.parse(readFileSync(join(dir, 'guise.json'), 'utf8'));
  return { dir, port: conf.listen[0].port, scheme: conf.listen[0].tls ? 'https' : 'http' };
}

// Start guised; resolves once the front end says it is ready.
// reuse: the folder of an earlier daemon, to start again on its files;
// env: more environment for guised (NOTIFY_SOCKET, CREDENTIALS_DIRECTORY);
// exe: another guised (build/tests/guised-test); prefix: a command that
// execs it (setpriv, a system call filter), so that its pid is guised's.
// beforeStart: a function given the configuration's folder, to run first.
export async function startDaemon(opts = {}) {
  const cfg = opts.reuse ? existingConfig(opts.reuse) : await makeConfig(opts);
  opts.beforeStart?.(cfg.dir);
  const file = join(cfg.dir, 'guise.json');
  const argv = [...(opts.prefix ?? []), opts.exe ?? join(build, 'guised'), '-f', file];
  const proc = spawn(argv[0], argv.slice(1), {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...(opts.env ?? {}) },
  });
  const d = {
    ...cfg,
    file,
    proc,
    log: '',
    url: `${cfg.scheme}://127.0.0.1:${cfg.port}/`,
    ca: cfg.scheme === 'https' ? readFileSync(join(cfg.dir, 'tls/cert.pem')) : undefined,
    secrets: JSON.parse(readFileSync(join(cfg.dir, 'secrets.json'), 'utf8')),
    exited: null,
  };
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (s) => { d.log += s; });
  proc.on('exit', (code, signal) => { d.exited = { code, signal }; });

  const deadline = Date.now() + 10000;
  while (!d.log.includes('frontend: ready')) {
    if (d.exited) throw new Error(`guised exited ${JSON.stringify(d.exited)}:\n${d.log}`);
    if (Date.now() > deadline) throw new Error(`guised did not start:\n${d.log}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  d.stop = async () => {
    if (!d.exited) {
      proc.kill('SIGTERM');
      const until = Date.now() + 10000;
      while (!d.exited && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      if (!d.exited) proc.kill('SIGKILL');
    }
    rmSync(cfg.dir, { recursive: true, force: true });
    return d.exited;
  };
  d.request = (path, o = {}) => send(d, path, o);
  d.children = () => children(proc.pid);
  return d;
}

// One HTTP request: { status, headers, text, json }.  agent: a keep-alive
// agent of the caller's (a new connection otherwise).
export function send(d, path, { method = 'GET', headers = {}, body, raw, agent = false } = {}) {
  const url = new URL(path, d.url);
  let payload = raw;
  if (body !== undefined && payload === undefined) {
    if (typeof body === 'string') {
      payload = body;
    } else if (headers['content-type'] === 'application/json') {
      payload = JSON.stringify(body);
    } else {
      payload = new URLSearchParams(body).toString();
      headers = { 'content-type': 'application/x-www-form-urlencoded', ...headers };
    }
  }
  const req = (url.protocol === 'https:' ? httpsRequest : httpRequest);
  return new Promise((ok, fail) => {
    const r = req(url, { method, headers, ca: d.ca, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (s) => { text += s; });
      res.on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        ok({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    r.on('error', fail);
    r.setTimeout(10000, () => r.destroy(new Error('request timed out')));
    if (payload !== undefined) r.write(payload);
    r.end();
  });
}

// A client_credentials token for client (form, client_secret_post).
export async function clientToken(d, client = 'backoffice', extra = {}) {
  const r = await d.request('oauth/token', {
    method: 'POST',
    body: { grant_type: 'client_credentials', client_id: client, client_secret: d.secrets[client], ...extra },
  });
  if (r.status !== 200) throw new Error(`token request failed: ${r.status} ${r.text}`);
  return r.json;
}

// The children of pid, with what /proc says of them.
export function children(pid) {
  const out = [];
  const list = spawnSync('sh', ['-c', `cat /proc/${pid}/task/*/children`], { encoding: 'utf8' }).stdout;
  for (const c of list.split(/\s+/).filter(Boolean)) {
    try {
      const status = readFileSync(`/proc/${c}/status`, 'utf8');
      const field = (n) => (status.match(new RegExp(`^${n}:\\s*(.*)$`, 'm')) ?? [])[1];
      out.push({
        pid: Number(c),
        name: field('Name'),
        uid: Number(field('Uid').split(/\s+/)[0]),
        seccomp: Number(field('Seccomp')),
        noNewPrivs: Number(field('NoNewPrivs')),
      });
    } catch { /* it went away */ }
  }
  return out;
}
