// make demo, as the README gives it: a throwaway configuration, then guised
// serving discovery, the JWKS and a token that jose verifies; its support
// console signing in with the development identity provider
// (examples/dev-idp) as the printed text says, finding Alice and landing
// in the example storefront as her; and Ctrl-C, or SIGTERM to etc/demo.sh
// alone, leaving no server behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { top, freePort, send } from './lib/daemon.mjs';
import { Jar, api, browse, signIn } from './lib/console.mjs';
import { CUSTOMER, SUPPORT } from './lib/flow.mjs';

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

// Start argv (make demo, or sh etc/demo.sh) in a process group of its own
// on free ports; resolves once it has printed its instructions.
async function startDemo(argv) {
  const dir = mkdtempSync(join(tmpdir(), 'guise-demo-'));
  const ports = { DEMO_PORT: await freePort(), DEMO_IDP_PORT: await freePort(), DEMO_SHOP_PORT: await freePort() };
  const vars = { DEMO_DIR: dir, ...ports };
  const args = argv[0] === 'make' ? [...argv.slice(1), ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)] : argv.slice(1);
  const proc = spawn(argv[0], args, {
    cwd: top, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    env: { ...process.env, ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)])) },
  });
  const demo = {
    dir, proc, out: '',
    url: `https://127.0.0.1:${ports.DEMO_PORT}/`,
    idp: `http://127.0.0.1:${ports.DEMO_IDP_PORT}/`,
    shop: `http://127.0.0.1:${ports.DEMO_SHOP_PORT}/`,
    ports: Object.values(ports),
  };
  proc.stdout.on('data', (s) => { demo.out += s; });
  proc.stderr.on('data', (s) => { demo.out += s; });
  const until = Date.now() + 60000;
  while (!demo.out.includes('Stop it with Ctrl-C')) {
    if (Date.now() > until || proc.exitCode !== null) {
      try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* ended */ }
      assert.fail(`demo did not start:\n${demo.out}`);
    }
    await wait(50);
  }
  demo.ca = readFileSync(join(dir, 'tls/cert.pem'));
  return demo;
}

// Every process under pid (its children, theirs...), with its command
// line: { pid, cmd }.
function descendants(pid) {
  const parent = new Map();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      parent.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone */ }
  }
  const found = [];
  let level = [pid];
  while (level.length) {
    level = [...parent].filter(([, pp]) => level.includes(pp)).map(([p]) => p);
    for (const p of level) found.push({ pid: p, cmd: cmdline(p) });
  }
  return found;
}

function cmdline(pid) {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim(); } catch { return null; }
}

// Still running: there, not a zombie, and the same command (not a reused pid).
function alive({ pid, cmd }) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z' && cmdline(pid) === cmd;
  } catch {
    return false;
  }
}

function refused(port) {
  return new Promise((ok) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); ok(false); });
    s.on('error', () => ok(true));
  });
}

// Signal, then wait until none of procs is left and no port answers.
async function stopsCleanly(demo, procs, signal) {
  for (const name of ['guised', 'guise-signer', 'dev-idp/idp.mjs', 'storefront/app.mjs']) {
    assert.ok(procs.some((p) => p.cmd.includes(name)), `${name} runs under the demo: ${JSON.stringify(procs)}`);
  }
  signal();
  const until = Date.now() + 15000;
  while (procs.some(alive) && Date.now() < until) await wait(50);
  const left = procs.filter(alive);
  for (const p of left) process.kill(p.pid, 'SIGKILL');	// not to hang the run
  assert.deepEqual(left, [], `left running after the signal:\n${demo.out.slice(-3000)}`);
  for (const port of demo.ports) assert.ok(await refused(port), `port ${port} still answers`);
  rmSync(demo.dir, { recursive: true, force: true });
}

// Follow redirects from url with jar, as a browser does: the last answer.
async function follow(jar, url) {
  let r = await browse(jar, url);
  const hops = [url];
  while (r.status >= 300 && r.status < 400 && hops.length < 10) {
    hops.push(r.location);
    r = await browse(jar, r.location);
  }
  return { ...r, hops };
}

test('make demo: the API path, and the console path from sign-in to the storefront as Alice; Ctrl-C stops every server', async () => {
  const demo = await startDemo(['make', '--no-print-directory', 'demo']);
  const procs = descendants(demo.proc.pid);
  try {
    const { out } = demo;
    const d = { url: demo.url, ca: demo.ca };

    // The API path, printed and served.
    assert.match(out, /curl --cacert .*\/oauth\/token/s, 'prints the commands to try');
    const disc = await send(d, '.well-known/openid-configuration');
    assert.equal(disc.json.issuer, d.url);
    const jwks = (await send(d, '.well-known/jwks.json')).json;
    const secret = JSON.parse(readFileSync(join(demo.dir, 'secrets.json'), 'utf8')).backoffice;
    const t = await send(d, 'oauth/token', { method: 'POST', body: { grant_type: 'client_credentials', client_id: 'backoffice', client_secret: secret } });
    assert.equal(t.status, 200, t.text);
    const { payload } = await jwtVerify(t.json.access_token, createLocalJWKSet(jwks), { issuer: d.url, audience: `${d.url}api/v2/`, typ: 'at+jwt' });
    assert.equal(payload.client_id, 'backoffice');

    // The console path, as printed: where, who, and the password.
    assert.ok(out.includes(`Open  ${d.url}console/  and accept the browser's certificate`), out);
    assert.ok(out.includes(`${demo.dir}/tls/cert.pem`), out);
    assert.ok(out.includes(demo.idp) && out.includes(demo.shop), out);
    const password = /^ +sam@example\.com +(\S+) +Sam, who does support$/m.exec(out)?.[1];
    assert.match(password ?? '', /^[a-z0-9]{10}$/, `the printed sign-in:\n${out}`);
    assert.match(out, /alice@example\.com, with the\s+same password, is a customer/);
    assert.match(out, /search +email:"alice@example\.com"/);
    assert.match(out, /"Storefront\s+\(examples\/storefront\)"/);
    assert.match(out, /"Impersonate Alice Customer"/);
    assert.match(out, /"Impersonated by sam@example\.com"/);
    assert.equal(JSON.parse(readFileSync(join(demo.dir, 'idp-accounts.json'), 'utf8'))[0].password, password);

    // Each server answers: the console's page, the provider's discovery,
    // the storefront.
    const page = await send(d, 'console/');
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'], /text\/html/);
    assert.match(page.text, /Support console/);
    const idp = await send({ url: demo.idp }, '.well-known/openid-configuration');
    assert.equal(idp.json.issuer, demo.idp);
    const shop = await send({ url: demo.shop }, '');
    assert.equal(shop.status, 200);

    // Alice, a customer, is refused by the console; Sam signs in.
    assert.equal((await signIn(d, new Jar(), { email: 'alice@example.com', password })).status, 403);
    const jar = new Jar();
    const r = await signIn(d, jar, { email: 'sam@example.com', password });
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /Signed in as sam@example\.com/);
    const { csrf, user_id: me } = JSON.parse((await api(d, jar, 'session')).text);
    assert.equal(me, SUPPORT);

    // Find Alice, impersonate her into the storefront with a reason.
    const found = JSON.parse((await api(d, jar, `users?q=${encodeURIComponent('email:"alice@example.com"')}&include_totals=true`)).text);
    assert.deepEqual(found.users.map((u) => u.user_id), [CUSTOMER]);
    const apps = JSON.parse((await api(d, jar, 'applications')).text);
    assert.ok(apps.some((a) => a.client_id === 'example-storefront' && a.name === 'Storefront (examples/storefront)'), JSON.stringify(apps));
    const asked = await api(d, jar, 'impersonate', { method: 'POST', form: { csrf, user_id: CUSTOMER, client_id: 'example-storefront', reason: 'ticket 4711' } });
    assert.equal(asked.status, 200, asked.text);
    const { link } = JSON.parse(asked.text);

    // The link, in this browser: the storefront's /login, guise's
    // /authorize, its callback, and home, as Alice under the banner.
    const landed = await follow(jar, new URL(link, d.url).href);
    assert.ok(landed.hops[1].startsWith(`${demo.shop}login?`), landed.hops.join('\n'));
    assert.equal(landed.hops.at(-1), demo.shop, landed.hops.join('\n'));
    assert.equal(landed.status, 200, landed.text);
    assert.match(landed.text, /Impersonated by sam@example\.com/);
    assert.match(landed.text, /Alice Customer/);
    assert.match(landed.text, /alice@example\.com/);

    // The audit trail shows it, with the reason.
    const trail = JSON.parse((await api(d, jar, `audit?user_id=${encodeURIComponent(CUSTOMER)}`)).text);
    const rec = trail.records.find((x) => x.event === 'impersonation.requested' && x.reason === 'ticket 4711');
    assert.ok(rec, JSON.stringify(trail));
    assert.equal(rec.impersonator_id, SUPPORT);
    assert.equal(rec.client_id, 'example-storefront');
  } finally {
    // Ctrl-C in a terminal: SIGINT to the whole foreground process group.
    await stopsCleanly(demo, procs, () => process.kill(-demo.proc.pid, 'SIGINT'));
  }
});

test('SIGTERM to etc/demo.sh alone stops guised, the provider and the storefront', async () => {
  const demo = await startDemo(['sh', 'etc/demo.sh']);
  const procs = descendants(demo.proc.pid);
  const exit = new Promise((r) => demo.proc.on('exit', (code, signal) => r({ code, signal })));
  await stopsCleanly(demo, procs, () => demo.proc.kill('SIGTERM'));
  assert.deepEqual(await exit, { code: 0, signal: null }, 'a stop asked for is a clean end');
});

test('one server ending ends the demo: the others are stopped', async () => {
  const demo = await startDemo(['sh', 'etc/demo.sh']);
  const procs = descendants(demo.proc.pid);
  const shop = procs.find((p) => p.cmd.includes('storefront/app.mjs'));
  await stopsCleanly(demo, procs, () => process.kill(shop.pid, 'SIGKILL'));
  assert.match(demo.out, /a server stopped .*stopping the others/);
});
