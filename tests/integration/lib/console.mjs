// The support console's sign-in, driven over HTTP: guised with a console,
// the organization's provider (examples/dev-idp, oidc-provider), and a
// browser's cookies kept by hand, one jar per origin.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { build, freePort, startDaemon, top } from './daemon.mjs';

export const SAM = { sub: 'idp|sam', email: 'sam@example.com', email_verified: true, name: 'Sam Support', password: 'sam-password' };
export const ALICE = { sub: 'idp|alice', email: 'alice@example.com', email_verified: true, name: 'Alice Customer', password: 'alice-password' };
export const LEE = { sub: 'idp|lee', email: 'lee@example.com', email_verified: true, name: 'Lee Lead', password: 'lee-password' };
export const ADA = { sub: 'idp|ada', email: 'ada@example.com', email_verified: true, name: 'Ada Admin', password: 'ada-password' };
export const ACCOUNTS = [SAM, ALICE, LEE, ADA];

// Four-eyes approval (DESIGN.md section 8): Lee, a support lead, approves;
// Victor, a VIP customer, is impersonated only once someone has.
export const LEAD = 'auth0|lead-1';
export const VIP = 'auth0|vip-1';
export const APPROVAL_USERS = [
  { user_id: LEAD, email: LEE.email, email_verified: true, name: LEE.name, nickname: 'lee', app_metadata: { roles: ['support-lead'] } },
  { user_id: VIP, email: 'victor@example.com', email_verified: true, name: 'Victor Vip', nickname: 'victor', app_metadata: { roles: ['vip'] } },
];
export function withApproval(c) {
  c.impersonation.approval = { required: { roles: ['vip'], users: [] }, approvers: { roles: ['support-lead'], users: [] }, ttl: 900 };
}

// Start the development provider for a guise on guisePort; resolves with
// { issuer, stop }.
export async function startIdp({ dir, guisePort, secret, accounts = ACCOUNTS }) {
  const port = await freePort();
  const file = join(dir, 'idp-accounts.json');
  writeFileSync(file, JSON.stringify(accounts));
  const args = [join(top, 'examples/dev-idp/idp.mjs'), '--accounts', file, '--port', String(port),
    '--guise', `https://127.0.0.1:${guisePort}/`];
  if (secret) args.push('--client-secret', secret);
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (s) => { out += s; });
  proc.stderr.on('data', (s) => { err += s; });
  const deadline = Date.now() + 15000;
  while (!/issuer /.test(out)) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`dev-idp did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    issuer: `http://127.0.0.1:${port}/`,
    log: () => err,
    stop: () => new Promise((ok) => { if (proc.exitCode !== null) ok(); else { proc.once('exit', ok); proc.kill('SIGTERM'); } }),
  };
}

// guised with a console whose provider is idp, its keys fetched by
// guisectl idp-keys as an operator would (or keys, a JWKS, written as
// they are).  console: more of the section; users: more users, after
// the samples.
export async function startConsoleDaemon({ port, idp, auth = 'private_key_jwt', console: more = {}, secret, keys, mutate, users } = {}) {
  return startDaemon({
    port,
    mutate: (c) => {
      c.console = {
        idp: { issuer: idp.issuer, client_id: 'guise-console', auth, match: 'email', jwks_file: 'idp.jwks' },
        pages: join(top, 'daemon/console'),
        ...more,
      };
      mutate?.(c);
    },
    beforeStart: (dir) => {
      if (users) {
        const f = join(dir, 'users.json');
        writeFileSync(f, JSON.stringify([...JSON.parse(readFileSync(f, 'utf8')), ...users], null, 1), { mode: 0o644 });
      }
      if (secret) {
        const f = join(dir, 'secrets.json');
        const s = JSON.parse(readFileSync(f, 'utf8'));
        writeFileSync(f, JSON.stringify({ ...s, 'console:idp': secret }), { mode: 0o600 });
      }
      if (keys) {
        writeFileSync(join(dir, 'idp.jwks'), keys, { mode: 0o644 });
        return;
      }
      const r = spawnSync(join(build, 'guisectl'), ['idp-keys', '-f', join(dir, 'guise.json')], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`guisectl idp-keys: ${r.stderr}`);
    },
  });
}

// A browser's cookies: per origin, name -> value, as Set-Cookie says.
export class Jar {
  constructor() { this.byOrigin = new Map(); }
  take(url, res) {
    const origin = new URL(url).origin;
    const jar = this.byOrigin.get(origin) ?? new Map();
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (value === '' || attrs.some((a) => /^\s*max-age=0$/i.test(a))) jar.delete(name);
      else jar.set(name, value);
    }
    this.byOrigin.set(origin, jar);
  }
  header(url) {
    const jar = this.byOrigin.get(new URL(url).origin);
    return jar ? [...jar].map(([n, v]) => `${n}=${v}`).join('; ') : '';
  }
  get(url, name) { return this.byOrigin.get(new URL(url).origin)?.get(name); }
  set(url, name, value) {
    const origin = new URL(url).origin;
    const jar = this.byOrigin.get(origin) ?? new Map();
    if (value === undefined) jar.delete(name); else jar.set(name, value);
    this.byOrigin.set(origin, jar);
  }
}

// One request as a browser sends it, cookies from and into jar, no redirect
// followed: { status, location, text, res }.
export async function browse(jar, url, { method = 'GET', form, headers = {} } = {}) {
  const h = { ...headers };
  const cookie = jar.header(url);
  if (cookie) h.cookie = cookie;
  let body;
  if (form) {
    body = new URLSearchParams(form).toString();
    h['content-type'] = 'application/x-www-form-urlencoded';
  }
  const res = await fetch(url, { method, headers: h, body, redirect: 'manual' });
  jar.take(url, res);
  const text = await res.text();
  const location = res.headers.get('location');
  return { status: res.status, location: location ? new URL(location, url).href : null, text, res };
}

// Sign in at guise d's console as account: through /console/login, the
// provider's sign-in page, and back.  Returns the callback's answer, the
// provider's redirect to it (callback) and the sign-in cookie the browser
// held (signin), to replay.
export async function signIn(d, jar, account) {
  let r = await browse(jar, new URL('console/login', d.url).href);
  if (r.status !== 302) throw new Error(`/console/login: ${r.status} ${r.text}`);
  const signin = jar.get(d.url, '__Host-guise-signin');
  r = await browse(jar, r.location);				// /auth
  while (r.status >= 300 && r.status < 400 && !r.location.startsWith(d.url))
    r = await browse(jar, r.location);			// the sign-in page
  if (r.status === 200) {
    const action = /action="([^"]+)"/.exec(r.text)[1];
    r = await browse(jar, new URL(action, r.res.url).href, { method: 'POST', form: { email: account.email, password: account.password } });
    while (r.status >= 300 && r.status < 400 && !r.location.startsWith(d.url))
      r = await browse(jar, r.location);
  }
  if (!r.location?.startsWith(`${d.url}console/callback`)) throw new Error(`no way back to guise: ${r.status} ${r.location} ${r.text.slice(0, 300)}`);
  const callback = r.location;
  const answer = await browse(jar, callback);
  return { ...answer, callback, signin };
}

// The console's API as its pages call it: same origin, the session cookie.
export function api(d, jar, name, { method = 'GET', form, origin = d.url.replace(/\/$/, '') } = {}) {
  const headers = method === 'POST' && origin ? { origin } : {};
  return browse(jar, new URL(`console/api/${name}`, d.url).href, { method, form, headers });
}
