// The support console over HTTP (DESIGN.md section 7): sign-in with a real
// provider (examples/dev-idp, oidc-provider), authorization code with PKCE,
// state and nonce, the id_token checked by the signer; who may not sign in
// and why, on the record; the session's cookie, its CSRF token and Origin
// check on every POST, its idle end and its sign-out; a link asked for at
// the console and bound to the console session; the audit trail the signer
// serves.  The pages in a real browser: console_browser.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { records } from './lib/audit.mjs';
import { freePort } from './lib/daemon.mjs';
import { ALICE, Jar, SAM, api, browse, signIn, startConsoleDaemon, startIdp } from './lib/console.mjs';
import { ADMIN, CUSTOMER, SUPPORT, follow, impersonationToken, newLink } from './lib/flow.mjs';

let d, idp, dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'guise-console-'));
  const port = await freePort();
  idp = await startIdp({ dir, guisePort: port });
  // Ada, an admin, may impersonate too (through the API only: she has no
  // account at the provider): someone else's impersonation for Sam.
  d = await startConsoleDaemon({ port, idp, console: { idle_ttl: 5 },
    mutate: (c) => { c.impersonation.impersonators.users = [ADMIN]; } });
});

after(async () => {
  await d?.stop();
  await idp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

test('sign-in: authorization code with PKCE S256, state and nonce, all drawn by the signer', async () => {
  const jar = new Jar();
  const r = await browse(jar, `${d.url}console/login`);
  assert.equal(r.status, 302);
  const to = new URL(r.location);
  assert.equal(to.origin + '/', idp.issuer);
  const q = to.searchParams;
  assert.equal(q.get('response_type'), 'code');
  assert.equal(q.get('client_id'), 'guise-console');
  assert.equal(q.get('redirect_uri'), `${d.url}console/callback`);
  assert.equal(q.get('code_challenge_method'), 'S256');
  assert.match(q.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.get('state'), /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.get('nonce'), /^[A-Za-z0-9_-]{43}$/);
  const set = r.res.headers.getSetCookie().join('\n');
  // The browser keeps the sign-in: the signer's grant, not the state.
  assert.match(set, /__Host-guise-signin=[A-Za-z0-9_-]{200,}; Max-Age=600; Path=\/; Secure; HttpOnly; SameSite=Lax/);
  assert.notEqual(jar.get(d.url, '__Host-guise-signin'), q.get('state'));
});

test('support signs in: a 200 page that moves on, and a Strict session cookie', async () => {
  const jar = new Jar();
  const r = await signIn(d, jar, SAM);
  assert.equal(r.status, 200, r.text);
  assert.match(r.res.headers.get('content-security-policy'), /default-src 'none'/);
  assert.match(r.text, /<meta http-equiv="refresh" content="0; url=\/console\/">/);
  assert.match(r.text, /Signed in as sam@example\.com/);
  const set = r.res.headers.getSetCookie().join('\n');
  assert.match(set, /__Host-guise-console=[A-Za-z0-9_-]{43}; Max-Age=28800; Path=\/; Secure; HttpOnly; SameSite=Strict/);
  assert.match(set, /__Host-guise-signin=; Max-Age=0/);
  const s = await api(d, jar, 'session');
  assert.equal(s.status, 200);
  const who = JSON.parse(s.text);
  assert.equal(who.user_id, SUPPORT);
  assert.equal(who.email, 'sam@example.com');
  assert.equal(who.name, 'Sam Support');
  assert.match(who.csrf, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(who.idle_ttl, 5);
  const rec = records(d).filter((x) => x.event === 'console.signin' && x.outcome === 'ok');
  assert.equal(rec.length >= 1, true);
  assert.equal(rec.at(-1).impersonator_id, SUPPORT);
  assert.match(rec.at(-1).detail, /provider sub idp\|sam, email sam@example\.com/);
});

test('the provider\'s answer replayed, or brought to another browser, opens nothing', async () => {
  const jar = new Jar();
  const r = await signIn(d, jar, SAM);
  assert.equal(r.status, 200);
  const again = await browse(jar, r.callback);
  assert.equal(again.status, 400);
  assert.match(again.text, /not started in this browser, or it is over/);
  // The same, with the sign-in cookie kept and sent again: the signer
  // redeemed that sign-in.
  const before = records(d).length;
  const replay = new Jar();
  replay.set(d.url, '__Host-guise-signin', r.signin);
  const replayed = await browse(replay, r.callback);
  assert.equal(replayed.status, 400);
  assert.equal(replay.get(d.url, '__Host-guise-console'), undefined);
  assert.equal(records(d).length, before, 'no record, no session');
  // Someone else's browser, given the same callback URL, with its own cookie.
  const other = new Jar();
  await browse(other, `${d.url}console/login`);
  const stolen = await browse(other, r.callback);
  assert.equal(stolen.status, 400);
  assert.match(stolen.text, /not started in this browser/);
  assert.equal(other.get(d.url, '__Host-guise-console'), undefined);
});

test('a customer the provider proved is refused with a page that says why, and the refusal is audited', async () => {
  const jar = new Jar();
  const before = records(d).length;
  const r = await signIn(d, jar, ALICE);
  assert.equal(r.status, 403);
  assert.match(r.text, /Sign-in refused/);
  assert.match(r.text, /not allowed to impersonate|may not/);
  assert.equal(jar.get(d.url, '__Host-guise-console'), undefined);
  const rec = records(d).slice(before).filter((x) => x.event === 'console.signin');
  assert.equal(rec.length, 1);
  assert.equal(rec[0].outcome, 'denied');
  assert.ok(rec[0].rule);
  assert.match(rec[0].detail, /email alice@example\.com/);
});

test('every POST needs the console\'s Origin and the session\'s CSRF token', async () => {
  const jar = new Jar();
  await signIn(d, jar, SAM);
  const { csrf } = JSON.parse((await api(d, jar, 'session')).text);
  const form = { csrf, user_id: CUSTOMER, client_id: 'portal', reason: 'ticket 4711' };
  const before = records(d).length;
  let r = await api(d, jar, 'impersonate', { method: 'POST', form: { ...form, csrf: undefined } });
  assert.equal(r.status, 403);
  assert.match(r.text, /CSRF/);
  r = await api(d, jar, 'impersonate', { method: 'POST', form: { ...form, csrf: csrf.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) } });
  assert.equal(r.status, 403);
  r = await api(d, jar, 'impersonate', { method: 'POST', form, origin: 'https://evil.example' });
  assert.equal(r.status, 403);
  assert.match(r.text, /console's own pages/);
  r = await api(d, jar, 'impersonate', { method: 'POST', form, origin: null });
  assert.equal(r.status, 403);
  assert.equal(records(d).length, before, 'nothing was asked of the signer');
  r = await api(d, jar, 'impersonate', { method: 'POST', form });
  assert.equal(r.status, 200, r.text);
  assert.match(JSON.parse(r.text).link, /\/users\/auth0%7Csupport-1\/impersonate\?&bewit=/);
});

test('a link from the console works only in the browser session that asked for it', async () => {
  const jar = new Jar();
  await signIn(d, jar, SAM);
  const { csrf } = JSON.parse((await api(d, jar, 'session')).text);
  const ask = () => api(d, jar, 'impersonate', { method: 'POST', form: { csrf, user_id: CUSTOMER, client_id: 'storefront', reason: 'ticket 4711' } });

  // Another browser (no console session): refused, and audited.
  let link = JSON.parse((await ask()).text).link;
  let r = await browse(new Jar(), link);
  assert.equal(r.status, 403);
  assert.equal(JSON.parse(r.text).error, 'access_denied');
  const refused = records(d).filter((x) => x.event === 'impersonation.link_refused').at(-1);
  assert.equal(refused.rule, 'session_mismatch');
  assert.equal(refused.impersonator_id, SUPPORT);
  // Another console session of the same person: refused too.
  const other = new Jar();
  await signIn(d, other, SAM);
  link = JSON.parse((await ask()).text).link;
  r = await browse(other, link);
  assert.equal(r.status, 403);
  // Its own browser: on to the application's callback with a code.
  link = JSON.parse((await ask()).text).link;
  r = await browse(jar, link);
  assert.equal(r.status, 302);
  assert.match(r.location, /^http:\/\/127\.0\.0\.1:3000\/callback\?code=/);
  const asked = records(d).filter((x) => x.event === 'impersonation.requested').at(-1);
  assert.equal(asked.caller, 'console');
  assert.equal(asked.reason, 'ticket 4711');
});

test('the audit trail, served by the signer, filtered by impersonator, user and time', async () => {
  const jar = new Jar();
  await signIn(d, jar, SAM);
  const { csrf } = JSON.parse((await api(d, jar, 'session')).text);
  const start = Math.floor(Date.now() / 1000) - 1;
  const link = await api(d, jar, 'impersonate', { method: 'POST', form: { csrf, user_id: CUSTOMER, client_id: 'storefront', reason: 'audit trail' } });
  assert.equal(link.status, 200);
  let r = await api(d, jar, `audit?impersonator_id=${encodeURIComponent(SUPPORT)}&user_id=${encodeURIComponent(CUSTOMER)}&since=${start}`);
  assert.equal(r.status, 200);
  const trail = JSON.parse(r.text);
  assert.equal(trail.truncated, false);
  const mine = trail.records.find((x) => x.event === 'impersonation.requested' && x.reason === 'audit trail');
  assert.ok(mine, r.text);
  assert.equal(mine.outcome, 'allowed');
  assert.equal(mine.client_id, 'storefront');
  assert.ok(trail.records.every((x) => x.impersonator_id === SUPPORT && x.user_id === CUSTOMER));
  r = await api(d, jar, `audit?user_id=${encodeURIComponent('auth0|nobody')}`);
  assert.deepEqual(JSON.parse(r.text).records, []);
  r = await api(d, jar, `audit?until=${start - 3600}`);
  assert.ok(JSON.parse(r.text).records.every((x) => Date.parse(x.time) / 1000 <= start - 3600));
  r = await api(d, jar, 'audit?limit=1000');
  assert.equal(r.status, 400);
  r = await api(d, jar, 'audit?since=yesterday');
  assert.equal(r.status, 400);
});

test('no session, no API: 401 login_required', async () => {
  for (const name of ['session', 'users', 'users/auth0%7Ccustomer-1', 'applications', 'audit']) {
    const r = await api(d, new Jar(), name);
    assert.equal(r.status, 401, name);
    assert.equal(JSON.parse(r.text).error, 'login_required');
  }
  const forged = new Jar();
  forged.set(d.url, '__Host-guise-console', 'A'.repeat(43));
  assert.equal((await api(d, forged, 'session')).status, 401);
});

test('search, profile and applications for a signed-in session', async () => {
  const jar = new Jar();
  await signIn(d, jar, SAM);
  let r = await api(d, jar, `users?q=${encodeURIComponent('email:"alice@example.com"')}&include_totals=true`);
  assert.equal(r.status, 200, r.text);
  const found = JSON.parse(r.text);
  assert.equal(found.total, 1);
  assert.equal(found.users[0].user_id, CUSTOMER);
  r = await api(d, jar, `users/${encodeURIComponent(CUSTOMER)}`);
  assert.equal(JSON.parse(r.text).email, 'alice@example.com');
  r = await api(d, jar, 'users?q=email%3A');
  assert.equal(r.status, 400);
  r = await api(d, jar, 'applications');
  const apps = JSON.parse(r.text).map((a) => a.client_id);
  assert.ok(apps.includes('storefront') && apps.includes('portal'));
});

test('the session ends when idle, and at sign-out; both are refused afterwards', async () => {
  let jar = new Jar();
  await signIn(d, jar, SAM);
  assert.equal((await api(d, jar, 'session')).status, 200);
  await wait(6500);
  const idle = await api(d, jar, 'session');
  assert.equal(idle.status, 401);
  assert.match(JSON.parse(idle.text).error_description, /ended/);

  jar = new Jar();
  await signIn(d, jar, SAM);
  const { csrf } = JSON.parse((await api(d, jar, 'session')).text);
  const cookie = jar.get(d.url, '__Host-guise-console');
  assert.equal((await browse(jar, `${d.url}console/logout`, { method: 'POST', form: {}, headers: { origin: d.url.replace(/\/$/, '') } })).status, 403);
  const out = await browse(jar, `${d.url}console/logout`, { method: 'POST', form: { csrf }, headers: { origin: d.url.replace(/\/$/, '') } });
  assert.equal(out.status, 200);
  assert.match(out.res.headers.getSetCookie().join('\n'), /__Host-guise-console=; Max-Age=0/);
  jar.set(d.url, '__Host-guise-console', cookie);
  assert.equal((await api(d, jar, 'session')).status, 401);
  const rec = records(d).filter((x) => x.event === 'console.signout').at(-1);
  assert.equal(rec.impersonator_id, SUPPORT);
});

test('the pages: static, under a CSP of the console\'s own files', async () => {
  for (const [path, type] of [['console/', /text\/html/], ['console/console.js', /javascript/], ['console/console.css', /text\/css/]]) {
    const r = await browse(new Jar(), `${d.url}${path}`);
    assert.equal(r.status, 200, path);
    assert.match(r.res.headers.get('content-type'), type);
    assert.equal(r.res.headers.get('content-security-policy'), "default-src 'self'; frame-ancestors 'none'");
    assert.equal(r.res.headers.get('x-content-type-options'), 'nosniff');
  }
  const r = await browse(new Jar(), `${d.url}console/../guise.json`);
  assert.equal(r.status, 404);
  assert.equal((await browse(new Jar(), `${d.url}console/secrets.json`)).status, 404);
  assert.equal((await browse(new Jar(), `${d.url}console`)).location, `${d.url}console/`);
});

test('client_secret_basic: the secret, read only by the signer, authenticates the exchange', async () => {
  const secret = 'the-console-secret-at-its-provider';
  const port = await freePort();
  const basicIdp = await startIdp({ dir, guisePort: port, secret });
  const x = await startConsoleDaemon({ port, idp: basicIdp, auth: 'client_secret_basic', secret });
  try {
    const jar = new Jar();
    const r = await signIn(x, jar, SAM);
    assert.equal(r.status, 200, r.text);
    assert.equal(JSON.parse((await api(x, jar, 'session')).text).user_id, SUPPORT);
  } finally {
    await x.stop();
    await basicIdp.stop();
  }
});

test('a provider that does not answer: a page that says so, and nothing begun', async () => {
  const port = await freePort();
  const gone = { issuer: `http://127.0.0.1:${await freePort()}/` };
  const x = await startConsoleDaemon({ port, idp: gone, keys: await (await fetch(`${idp.issuer}jwks`)).text() });
  try {
    const r = await browse(new Jar(), `${x.url}console/login`);
    assert.equal(r.status, 503);
    assert.match(r.text, /cannot be reached/);
    assert.match(x.log, /console: discovery .*connect to 127\.0\.0\.1/);
  } finally {
    await x.stop();
  }
});

test('the provider\'s error is shown only for the sign-in its state names: forged words for a browser mid-sign-in are not', async () => {
  const jar = new Jar();
  const login = await browse(jar, `${d.url}console/login`);
  const state = new URL(login.location).searchParams.get('state');
  const words = 'Your account is locked. Call the helpdesk at +1 555 0100 now.';
  const forged = await browse(jar, `${d.url}console/callback?${new URLSearchParams({ error: 'access_denied', error_description: words, state: 'A'.repeat(43) })}`);
  assert.equal(forged.status, 400);
  assert.doesNotMatch(forged.text, /helpdesk/);
  assert.match(forged.text, /not started in this browser/);
  // The provider's own refusal, under this browser's state: shown, escaped.
  const other = new Jar();
  const login2 = await browse(other, `${d.url}console/login`);
  const state2 = new URL(login2.location).searchParams.get('state');
  const refused = await browse(other, `${d.url}console/callback?${new URLSearchParams({ error: 'access_denied', error_description: 'the <b>user</b> said no', state: state2 })}`);
  assert.equal(refused.status, 403);
  assert.match(refused.text, /the provider refused the sign-in \(access_denied\): the &lt;b&gt;user&lt;\/b&gt; said no/);
  assert.ok(state);
});

test('after a reload: a console turned on waits for a restart, and a staff member blocked since sign-in reads no audit trail', async () => {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const edit = (x, name, fn) => {
    const file = join(x.dir, name);
    const v = JSON.parse(readFileSync(file, 'utf8'));
    fn(v);
    writeFileSync(file, JSON.stringify(v, null, 1));
  };
  const hup = async (x) => {
    const mark = x.log.length;
    x.proc.kill('SIGHUP');
    const until = Date.now() + 10000;
    while (!/event=service\.reloaded outcome=ok/.test(x.log.slice(mark))) {
      assert.ok(Date.now() < until, x.log.slice(mark));
      await wait(20);
    }
  };

  // Blocked after signing in: the session's requests to the signer fail.
  const jar = new Jar();
  await signIn(d, jar, SAM);
  assert.equal((await api(d, jar, 'audit')).status, 200);
  edit(d, 'users.json', (users) => { users.find((u) => u.user_id === SUPPORT).blocked = true; });
  try {
    await hup(d);
    assert.equal((await api(d, jar, 'audit')).status, 401);
  } finally {
    edit(d, 'users.json', (users) => { delete users.find((u) => u.user_id === SUPPORT).blocked; });
    await hup(d);
  }

  // A daemon started without a console, given one by a reload.
  const { startDaemon } = await import('./lib/daemon.mjs');
  const x = await startDaemon();
  try {
    edit(x, 'guise.json', (c) => {
      c.console = { idp: { issuer: idp.issuer, client_id: 'guise-console', auth: 'private_key_jwt', match: 'email', jwks_file: 'idp.jwks' } };
    });
    writeFileSync(join(x.dir, 'idp.jwks'), await (await fetch(`${idp.issuer}jwks`)).text());
    await hup(x);
    const r = await browse(new Jar(), `${x.url}console/login`);
    assert.equal(r.status, 404);
    assert.match(x.log, /console: turned on by a reload; restart guised to serve it/);
    assert.equal(x.exited, null, 'still serving');
    assert.equal((await browse(new Jar(), `${x.url}.well-known/jwks.json`)).status, 200);
  } finally {
    await x.stop();
  }
});

test('active impersonations: listed at the console, ended there by their own impersonator only, and ended with the console session that began them', async () => {
  const jar = new Jar();
  await signIn(d, jar, SAM);
  const { csrf } = JSON.parse((await api(d, jar, 'session')).text);
  const begin = async (reason) => {
    const link = JSON.parse((await api(d, jar, 'impersonate', { method: 'POST', form: { csrf, user_id: CUSTOMER, client_id: 'storefront', reason } })).text).link;
    assert.equal((await browse(jar, link)).status, 302);
    const active = JSON.parse((await api(d, jar, 'impersonations')).text);
    const s = active.find((x) => x.reason === reason);
    assert.ok(s, `${reason}: listed at the console`);
    assert.equal(s.impersonator_id, SUPPORT);
    assert.equal(s.active, true);
    return s;
  };
  const one = await begin('console end');
  // Ada's, through the API: listed, but Sam cannot end it (the signer
  // reads who asks from the console grant).
  const adas = await follow(d, await newLink(d, await impersonationToken(d), { body: { impersonator_id: ADMIN, reason: 'ada' } }));
  assert.equal(adas.status, 302);
  const ada = JSON.parse((await api(d, jar, 'impersonations')).text).find((x) => x.reason === 'ada');
  assert.equal(ada?.impersonator_id, ADMIN);
  const theirs = await api(d, jar, 'impersonations/end', { method: 'POST', form: { csrf, sid: ada.sid } });
  assert.equal(theirs.status, 403, theirs.text);
  assert.ok(JSON.parse((await api(d, jar, 'impersonations')).text).some((x) => x.sid === ada.sid), 'still going on');
  assert.ok(!records(d).some((x) => x.event === 'impersonation.ended' && x.sid === ada.sid), 'nothing on the record');
  // Ending needs the CSRF token of the session that asks.
  assert.equal((await api(d, jar, 'impersonations/end', { method: 'POST', form: { sid: one.sid } })).status, 403);
  const end = await api(d, jar, 'impersonations/end', { method: 'POST', form: { csrf, sid: one.sid } });
  assert.equal(end.status, 200, end.text);
  assert.ok(!JSON.parse((await api(d, jar, 'impersonations')).text).some((x) => x.sid === one.sid));
  const rec = records(d).find((x) => x.event === 'impersonation.ended' && x.sid === one.sid);
  assert.equal(rec.cause, 'ended_at_console');
  assert.equal(rec.ended_by, SUPPORT);

  // The console session that began two more signs out: both end with it.
  const two = await begin('sign-out 1');
  const three = await begin('sign-out 2');
  const out = await browse(jar, `${d.url}console/logout`, { method: 'POST', form: { csrf }, headers: { origin: d.url.replace(/\/$/, '') } });
  assert.equal(out.status, 200);
  const until = Date.now() + 5000;
  const ends = () => records(d).filter((x) => x.event === 'impersonation.ended' && (x.sid === two.sid || x.sid === three.sid));
  while (ends().length < 2 && Date.now() < until) await wait(100);
  assert.deepEqual(ends().map((x) => x.cause), ['console_signed_out', 'console_signed_out']);
});
