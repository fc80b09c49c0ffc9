// make bench: guise beside its references, every figure measured in this
// run (issue 7).  This machine is shared and noisy, so the targets are
// ratios to a reference measured on the same cores right before (and for
// the hardware references, right after, the higher counting) the figure,
// and each figure and the peer's are the better of two runs:
//
//   openssl speed (ES256, RS256) ... one core, the hardware limit
//   bench_hello (tests/bench/hello.c) the HTTP ceiling of evhttp
//   oidc-provider (npm, pinned) ...... the peer, client_credentials JWTs
//
// Servers run on core 0 (taskset), the load on core 1, plain http on
// loopback; the whole-flow run uses both cores for guised and its load.
// Prints a table at the end and writes the raw figures to $B/bench.json.
// Asserts no time: it exits non-zero only when something does not work
// (a server that does not start, a request that fails).
//
//   environment: B (build folder), BENCH_SECONDS (per run, default 6)
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { build, freePort, makeConfig, top } from '../integration/lib/daemon.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const SERVER_CPU = '0';
const LOAD_CPU = '1';
const CONNS = 10;
const bench = (name) => join(build, 'tests', name);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const figures = { date: new Date().toISOString(), seconds: SECONDS, machine: machine() };

function machine() {
  const model = (readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m) ?? [])[1];
  return { cpus: cpus().length, model, kernel: spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim() };
}

function say(s) {
  process.stdout.write(`${s}\n`);
}

// Run a command to its end; its stdout, or throw.  A signer's or a
// daemon's log lines (one an audit record) go to the bench's log file, not
// into this process.
function run(cmd, args, env = {}) {
  const log = openSync(join(build, 'bench-run.log'), 'a');
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', log], maxBuffer: 1 << 26 });
  closeSync(log);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status} (see ${build}/bench-run.log)`);
  return r.stdout;
}

// openssl speed on the server core: signatures a second for one key type.
// Its last line: "256 bits ecdsa (nistp256) 0.0000s 0.0001s 52084.0 16976.0"
// or "rsa 2048 bits 0.000243s 0.000016s 4121.0 61268.0": sign/s is the
// second number from the end.
function opensslSpeed(what) {
  const out = run('taskset', ['-c', SERVER_CPU, 'openssl', 'speed', '-seconds', '2', what]);
  const last = out.trim().split('\n').pop().trim().split(/\s+/);
  const sign = Number(last[last.length - 2]);
  if (!(sign > 0)) throw new Error(`openssl speed ${what}: cannot read\n${out}`);
  return sign;
}

// Start a server on core 0 with its output in a file; resolves once the
// output shows ready (a string).  Returns { proc, log, stop }.
async function startServer(name, cmd, args, ready, { cwd = top, cpu = SERVER_CPU } = {}) {
  const log = join(build, `bench-${name}.log`);
  const fd = openSync(log, 'w');
  const proc = spawn('taskset', ['-c', cpu, cmd, ...args], { cwd, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited = null;
  proc.on('exit', (code, signal) => { exited = { code, signal }; });
  const deadline = Date.now() + 20000;
  while (!readFileSync(log, 'utf8').includes(ready)) {
    if (exited) throw new Error(`${name} exited ${JSON.stringify(exited)}:\n${readFileSync(log, 'utf8')}`);
    if (Date.now() > deadline) throw new Error(`${name} did not start:\n${readFileSync(log, 'utf8')}`);
    await sleep(50);
  }
  const stop = async () => {
    if (exited) return;
    proc.kill('SIGTERM');
    for (let i = 0; i < 200 && !exited; i++) await sleep(25);
    if (!exited) proc.kill('SIGKILL');
  };
  return { proc, log, stop };
}

// A guised with a throwaway plain-http configuration, on cpu.
async function startGuise(name, { active = 'es256', cpu = SERVER_CPU, mutate } = {}) {
  const cfg = await makeConfig({ active, tls: false, mutate });
  const srv = await startServer(name, join(build, 'guised'), ['-f', join(cfg.dir, 'guise.json')],
    'frontend: ready', { cpu });
  const secrets = JSON.parse(readFileSync(join(cfg.dir, 'secrets.json'), 'utf8'));
  const url = `http://127.0.0.1:${cfg.port}/`;
  return {
    ...srv,
    dir: cfg.dir,
    url,
    secrets,
    ccBody: form({ grant_type: 'client_credentials', client_id: 'backoffice',
      client_secret: secrets.backoffice, audience: `${url}api/v2/` }),
    stop: async () => { await srv.stop(); rmSync(cfg.dir, { recursive: true, force: true }); },
  };
}

function form(o) {
  return new URLSearchParams(o).toString();
}

// wrk on the load core, c connections for SECONDS; the JSON line that
// tests/bench/wrk.lua prints, with requests a second.
function wrk(url, { c = CONNS, seconds = SECONDS, method = 'GET', body, contentType, authorization } = {}) {
  const env = { WRK_METHOD: method };
  if (body !== undefined) env.WRK_BODY = body;
  if (contentType) env.WRK_CONTENT_TYPE = contentType;
  if (authorization) env.WRK_AUTHORIZATION = authorization;
  const out = run('taskset', ['-c', LOAD_CPU, 'wrk', '-t1', `-c${c}`, `-d${seconds}s`,
    '-s', join(top, 'tests/bench/wrk.lua'), url], env);
  const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (!line) throw new Error(`wrk printed no result:\n${out}`);
  const r = JSON.parse(line.slice('WRK_JSON '.length));
  if (r.non_2xx > 0 || r.socket_errors > 0 || r.requests === 0) {
    throw new Error(`wrk ${url}: ${r.non_2xx} non-2xx answers, ${r.socket_errors} socket errors`);
  }
  return { ...r, per_s: Math.round(r.requests / (r.duration_us / 1e6)), c };
}

async function post(url, body, headers = {}) {
  const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`POST ${url}: ${r.status} ${text}`);
  return JSON.parse(text);
}

// ---- the references, and guise beside each ----
// The host's load drifts within a run, so a hardware reference (openssl
// speed, the hello server) is measured right before and right after the
// figure it is compared with, and the higher of the two is the reference:
// a slow minute never makes a target look met.

// The load drifts under a figure too: each figure of guise's, and
// oidc-provider's, is the better of RUNS runs, all of them kept in
// bench.json, so that both sides of a ratio get the same chance.
const RUNS = 2;
const perS = (r) => r.per_s;

function bestOf(name, measure, rate) {
  const runs = Array.from({ length: RUNS }, () => measure());
  figures[`${name}_runs`] = runs;
  return runs.reduce((a, b) => (rate(b) > rate(a) ? b : a));
}

function bracket(name, reference, measure) {
  const before = reference();
  const result = measure();
  const after = reference();
  figures[`${name}_runs`] = [before, after];
  return { result, reference: [before, after].reduce((a, b) => (b.per_s > a.per_s ? b : a)) };
}

async function helloOnce() {
  const port = await freePort();
  const hello = await startServer('hello', bench('bench_hello'), [String(port)], 'ready');
  try {
    return wrk(`http://127.0.0.1:${port}/`);
  } finally {
    await hello.stop();
  }
}

async function oidcProvider() {
  say('oidc-provider, client_credentials ES256 ...');
  const oport = await freePort();
  const oidc = await startServer('oidc-provider', 'node', [join(top, 'tests/bench/oidc_provider.mjs'), String(oport), 'ES256'], 'ready');
  try {
    const url = `http://127.0.0.1:${oport}/token`;
    const body = form({ grant_type: 'client_credentials', client_id: 'bench',
      client_secret: 'bench-secret-0123456789abcdef0123456789', resource: `http://127.0.0.1:${oport}/api/v2/`,
      scope: 'read:users impersonate:users' });
    const t = await post(url, body);
    if (JSON.parse(Buffer.from(t.access_token.split('.')[0], 'base64url')).alg !== 'ES256') {
      throw new Error('oidc-provider did not sign with ES256');
    }
    // Its first seconds are slower (the JIT): warm up, then measure.
    wrk(url, { method: 'POST', body, contentType: 'application/x-www-form-urlencoded', seconds: 3 });
    figures.oidc_provider = bestOf('oidc_provider',
      () => wrk(url, { method: 'POST', body, contentType: 'application/x-www-form-urlencoded' }), perS);
  } finally {
    await oidc.stop();
  }
}

async function guiseHttp() {
  say('guised ES256: client_credentials; the hello server, JWKS, the hello server ...');
  const helloBefore = await helloOnce();
  let g = await startGuise('guised-es256');
  try {
    const tokenUrl = `${g.url}oauth/token`;
    await post(tokenUrl, g.ccBody);
    figures.client_credentials_es256 = bestOf('client_credentials_es256',
      () => wrk(tokenUrl, { method: 'POST', body: g.ccBody, contentType: 'application/x-www-form-urlencoded' }), perS);
    figures.jwks = bestOf('jwks', () => wrk(`${g.url}.well-known/jwks.json`), perS);
  } finally {
    await g.stop();
  }
  const helloAfter = await helloOnce();
  figures.hello_runs = [helloBefore, helloAfter];
  figures.hello = helloBefore.per_s >= helloAfter.per_s ? helloBefore : helloAfter;

  say('openssl speed rsa2048; guised RS256: client_credentials; openssl speed rsa2048 ...');
  g = await startGuise('guised-rs256', { active: 'rs256' });
  try {
    const tokenUrl = `${g.url}oauth/token`;
    await post(tokenUrl, g.ccBody);
    const b = bracket('openssl_rs256', () => ({ per_s: opensslSpeed('rsa2048') }),
      () => bestOf('client_credentials_rs256',
        () => wrk(tokenUrl, { method: 'POST', body: g.ccBody, contentType: 'application/x-www-form-urlencoded' }), perS));
    figures.client_credentials_rs256 = b.result;
    figures.openssl.rs256_sign_per_s = b.reference.per_s;
  } finally {
    await g.stop();
  }
}

// The signer on core 0 fed by signer_bench on core 1, IN_FLIGHT requests
// always outstanding (the front end keeps up to 1,024): 256 for the target,
// 32 to show what a shallower pipeline gets.
async function signerAlone() {
  say('openssl speed ecdsap256; the signer alone, pipelined over the socketpair; openssl speed ecdsap256 ...');
  const cfg = await makeConfig({ active: 'es256', tls: false });
  try {
    const once = (inFlight) => {
      const out = run('taskset', ['-c', LOAD_CPU, bench('signer_bench'), join(build, 'guise-signer'),
        join(cfg.dir, 'guise.json'), String(inFlight), String(SECONDS)], { SIGNER_CPU: SERVER_CPU });
      const r = JSON.parse(out);
      if (r.errors > 0) throw new Error(`signer_bench: ${out}`);
      return r;
    };
    const b = bracket('openssl_es256', () => ({ per_s: opensslSpeed('ecdsap256') }),
      () => bestOf('signer_alone', () => once(256), (r) => r.tokens_per_s));
    figures.signer_alone = b.result;
    figures.openssl.es256_sign_per_s = b.reference.per_s;
    figures.signer_alone_32 = once(32);
  } finally {
    rmSync(cfg.dir, { recursive: true, force: true });
  }
}

async function wholeFlow() {
  say('the whole impersonation flow, both cores, durable audit ...');
  const g = await startGuise('guised-flow', { cpu: '0,1' });
  try {
    figures.flow = bestOf('flow', () => {
      const out = run('taskset', ['-c', '0,1', bench('flowload'), g.url, g.dir, '64', String(SECONDS)]);
      const r = JSON.parse(out);
      if (r.errors > 0) throw new Error(`flowload: ${out}`);
      return r;
    }, (r) => r.flows_per_s);
    figures.flow.audit_bytes = readFileSync(join(g.dir, 'audit.log')).length;
  } finally {
    await g.stop();
  }
}

async function usersSearch() {
  say('GET /api/v2/users over 100,000 users ...');
  const file = join(build, 'bench-users.json');
  run(bench('users_bench'), ['-o', file]);
  const g = await startGuise('guised-users', {
    mutate: (c) => { c.users_file = file; },
  });
  try {
    const token = (await post(`${g.url}oauth/token`, g.ccBody)).access_token;
    const authorization = `Bearer ${token}`;
    const search = (name, q, want) => {
      const url = `${g.url}api/v2/users?${q}&include_totals=true&search_engine=v3`;
      return fetch(url, { headers: { authorization } }).then(async (r) => {
        const j = await r.json();
        if (r.status !== 200 || j.total !== want) throw new Error(`${name}: ${r.status} total ${j.total}, not ${want}`);
        return { name, ...wrk(url, { c: 1, seconds: Math.min(SECONDS, 4), authorization }) };
      });
    };
    figures.users = {
      email: await search('indexed: email', 'q=email:%22user77777%40example.com%22', 1),
      user_id: await search('indexed: user_id', 'q=user_id:%22auth0%7C00077778%22', 1),
      scan: await search('full scan: name', 'q=name:%22user+99999%22', 1),
    };
  } finally {
    await g.stop();
    rmSync(file, { force: true });
  }
}

// ---- the table ----

function table() {
  const f = figures;
  const rows = [];
  const row = (what, value, reference, ratio, target, holds) =>
    rows.push({ what, value, reference, ratio, target, holds });
  const n = (x) => Math.round(x).toLocaleString('en-US');
  const ms = (us) => `${(us / 1000).toFixed(2)} ms`;

  const cc = f.client_credentials_es256;
  const ccRatio = cc.per_s / f.oidc_provider.per_s;
  row('client_credentials ES256, c=10', `${n(cc.per_s)}/s p99 ${ms(cc.p99_us)}`,
    `oidc-provider ${n(f.oidc_provider.per_s)}/s p99 ${ms(f.oidc_provider.p99_us)}`,
    `${ccRatio.toFixed(1)}x`, '>= 5x, p99 <= 1 ms', ccRatio >= 5 && cc.p99_us <= 1000);

  const sg = f.signer_alone.tokens_per_s / f.openssl.es256_sign_per_s;
  row('signer alone, 256 in flight', `${n(f.signer_alone.tokens_per_s)} tokens/s`,
    `openssl ES256 ${n(f.openssl.es256_sign_per_s)} sign/s`, `${(sg * 100).toFixed(0)}%`, '>= 80%', sg >= 0.8);
  const sg32 = f.signer_alone_32.tokens_per_s / f.openssl.es256_sign_per_s;
  row('  signer alone, 32 in flight', `${n(f.signer_alone_32.tokens_per_s)} tokens/s`, '', `${(sg32 * 100).toFixed(0)}%`, '', null);

  const jw = f.jwks.per_s / f.hello.per_s;
  row('GET /.well-known/jwks.json, c=10', `${n(f.jwks.per_s)}/s`, `hello ${n(f.hello.per_s)}/s`,
    `${(jw * 100).toFixed(0)}%`, '>= 70%', jw >= 0.7);

  const rs = f.client_credentials_rs256.per_s / f.openssl.rs256_sign_per_s;
  row('client_credentials RS256, c=10', `${n(f.client_credentials_rs256.per_s)}/s`,
    `openssl RSA-2048 ${n(f.openssl.rs256_sign_per_s)} sign/s`, `${(rs * 100).toFixed(0)}%`, '>= 75%', rs >= 0.75);

  const fl = f.flow;
  row('whole flow, 64 in flight, both cores', `${n(fl.flows_per_s)} flows/s`, '-', '-', '>= 5,000/s',
    fl.flows_per_s >= 5000);
  for (const [step, s] of Object.entries(fl.steps)) {
    row(`  flow step ${step}`, `p50 ${ms(s.p50_us)} p99 ${ms(s.p99_us)} p99.9 ${ms(s.p999_us)}`, '', '', '', null);
  }
  for (const [key, limit] of [['email', 1000], ['user_id', 1000], ['scan', 20000]]) {
    const u = f.users[key];
    row(`users search, ${u.name}, c=1`, `p50 ${ms(u.p50_us)}`, '-', '-', `p50 < ${ms(limit)}`, u.p50_us < limit);
  }

  const w = [0, 0, 0, 0, 0];
  const cells = (r) => [r.what, r.value, r.reference, r.ratio, r.target];
  for (const r of rows) cells(r).forEach((c, i) => { w[i] = Math.max(w[i], c.length); });
  say('');
  say(`guise benchmark, ${f.machine.cpus} cores (${f.machine.model}), ${SECONDS} s a run, the better of ${RUNS}`);
  for (const r of rows) {
    const mark = r.holds === null ? '' : r.holds ? '  holds' : '  MISSED';
    say(cells(r).map((c, i) => c.padEnd(w[i])).join('  ') + mark);
  }
  figures.targets = rows.filter((r) => r.holds !== null).map(({ what, ratio, target, holds }) => ({ what, ratio, target, holds }));
}

writeFileSync(join(build, 'bench-run.log'), '');
figures.openssl = {};
await oidcProvider();
await guiseHttp();
await signerAlone();
await wholeFlow();
await usersSearch();
table();
const out = join(build, 'bench.json');
writeFileSync(out, `${JSON.stringify(figures, null, 1)}\n`);
say(`\nraw figures: ${out}`);
