// The support console over HTTP (DESIGN.md section 7): sign-in with a real
// provider (examples/dev-idp, oidc-provider), authorization code with PKCE,
// state and nonce, the id_token checked by the signer; who may not sign in
// and why, on the record; the session's cookie, its CSRF token and Origin
// check on every POST, its idle end and its sign-out; a link asked for at
// the console and bound to the console session; the audit trail the signer
// serves.  The pages in a real browser: console_browser.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { records } from './lib/audit.mjs';
import { freePort } from './lib/daemon.mjs';
import { ADA, ALICE, APPROVAL_USERS, Jar, LEAD, LEE, SAM, VIP, api, browse, signIn, startConsoleDaemon, startIdp, withApproval } from './lib/console.mjs';
import { ADMIN, CUSTOMER, SUPPORT, follow, impersonationToken, newLink } from './lib/flow.mjs';

let d, idp, dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'guise-console-'));
  const port = await freePort();
  idp = await startIdp({ dir, guisePort: port });
  // Ada, an admin, may impersonate too: someone else's impersonation for
  // Sam, and a person signed in who may not approve.  Victor, a VIP,
  // needs an approval; Lee, a support lead, gives it.
  d = await startConsoleDaemon({ port, idp, console: { idle_ttl: 5 }, users: APPROVAL_USERS,
    mutate: (c) => { c.impersonation.impersonators.users = [ADMIN]; withApproval(c); } });
});

after(async () => {
  await d?.stop();
  await idp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

// Change the JSON file name of guised x with fn; then reload x (SIGHUP)
// and wait until it says it has.
function edit(x, name, fn) {
  const file = join(x.dir, name);
  const v = JSON.parse(readFileSync(file, 'utf8'));
  fn(v);
  writeFileSync(file, JSON.stringify(v, null, 1));
}

async function hup(x) {
  const mark = x.log.length;
  x.proc.kill('SIGHUP');
  const until = Date.now() + 10000;
  while (!/event=service\.reloaded outcome=ok/.test(x.log.slice(mark))) {
    assert.ok(Date.now() < until, x.log.slice(mark));
    await wait(20);
  }
}

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

// ---- Four-eyes approval at the console (DESIGN.md sections 7 and 8) ----

// A person signed in at the console: their jar and CSRF token.
async function person(account) {
  const jar = new Jar();
  const r = await signIn(d, jar, account);
  assert.equal(r.status, 200, r.text);
  return { jar, csrf: JSON.parse((await api(d, jar, 'session')).text).csrf };
}

const askVip = (p, reason) => api(d, p.jar, 'impersonate', { method: 'POST', form: { csrf: p.csrf, user_id: VIP, client_id: 'storefront', reason } });
const decide = (p, id, approve) => api(d, p.jar, 'approvals/decide', { method: 'POST', form: { csrf: p.csrf, approval_id: id, approve: String(approve) } });
const open = (p, id) => api(d, p.jar, 'approvals/open', { method: 'POST', form: { csrf: p.csrf, approval_id: id } });
const listed = async (p, id) => JSON.parse((await api(d, p.jar, 'approvals')).text).find((x) => x.approval_id === id);
const decisions = (id) => records(d).filter((x) => x.event === 'impersonation.approval_decided' && x.approval_id === id);

// Sam asks to impersonate Victor: 202, pending, no link.
async function pending(sam, reason) {
  const r = await askVip(sam, reason);
  assert.equal(r.status, 202, r.text);
  const body = JSON.parse(r.text);
  assert.equal(body.status, 'pending');
  assert.equal(body.link, undefined);
  assert.match(body.approval_id, /^[\w-]{16,64}$/);
  return body.approval_id;
}

test('four-eyes approval: a VIP waits for an approver; not the requester, not a person who may not approve; Lee approves, and the session that asked opens it once', async () => {
  const sam = await person(SAM);
  const lee = await person(LEE);
  const ada = await person(ADA);
  const id = await pending(sam, 'vip ticket 1');
  const asked = records(d).filter((x) => x.event === 'impersonation.requested' && x.approval_id === id);
  assert.deepEqual(asked.map((x) => [x.outcome, x.caller, x.user_id]), [['pending', 'console', VIP]]);

  // Everyone signed in sees it; the requester's console sees it as theirs.
  const seen = await listed(lee, id);
  assert.deepEqual([seen.status, seen.impersonator_id, seen.user_id, seen.client_id, seen.reason, seen.asked_here],
    ['pending', SUPPORT, VIP, 'storefront', 'vip ticket 1', false]);
  assert.ok(seen.expires_at > Date.now() / 1000 + 800);
  assert.equal((await listed(sam, id)).asked_here, true);
  // Nothing to open yet.
  let r = await open(sam, id);
  assert.equal(r.status, 409, r.text);
  assert.equal(JSON.parse(r.text).error, 'approval_pending');

  // The requester may not approve their own request: 403, on the record,
  // still pending.
  r = await decide(sam, id, true);
  assert.equal(r.status, 403, r.text);
  assert.equal(JSON.parse(r.text).rule, 'approver_is_requester');
  assert.match(JSON.parse(r.text).error_description, /requester cannot approve/);
  assert.equal((await listed(lee, id)).status, 'pending');
  // Nor may Ada, who is no approver.
  r = await decide(ada, id, true);
  assert.equal(r.status, 403, r.text);
  assert.equal(JSON.parse(r.text).rule, 'approver_allowed');
  assert.equal((await listed(lee, id)).status, 'pending');
  assert.deepEqual(decisions(id).map((x) => [x.outcome, x.rule, x.approver_id]),
    [['denied', 'approver_is_requester', SUPPORT], ['denied', 'approver_allowed', ADMIN]]);

  // Lee approves, once.
  r = await decide(lee, id, true);
  assert.equal(r.status, 200, r.text);
  assert.equal(JSON.parse(r.text).status, 'approved');
  assert.deepEqual(decisions(id).at(-1).outcome, 'approved');
  assert.equal(decisions(id).at(-1).approver_id, LEAD);
  assert.equal(decisions(id).at(-1).caller, 'console');
  r = await decide(lee, id, false);
  assert.equal(r.status, 409, r.text);
  // No longer pending: off Lee's list, on Sam's as approved.
  assert.equal(await listed(lee, id), undefined);
  assert.deepEqual([(await listed(sam, id)).status, (await listed(sam, id)).opened], ['approved', false]);

  // Only the console session that asked opens it: not Lee, not Sam in
  // another browser.
  r = await open(lee, id);
  assert.equal(r.status, 403, r.text);
  const elsewhere = await person(SAM);
  r = await open(elsewhere, id);
  assert.equal(r.status, 403, r.text);
  assert.match(JSON.parse(r.text).error_description, /only the console session that asked/);
  // The session that asked: the link, once.
  r = await open(sam, id);
  assert.equal(r.status, 200, r.text);
  const { link } = JSON.parse(r.text);
  assert.match(link, /\/users\/auth0%7Csupport-1\/impersonate\?&bewit=/);
  r = await open(sam, id);
  assert.equal(r.status, 409, r.text);
  assert.equal(JSON.parse(r.text).link, undefined);
  assert.equal((await listed(sam, id)).opened, true);
  // That link is bound to Sam's console session too.
  r = await browse(elsewhere.jar, link);
  assert.equal(r.status, 403, r.text);
  assert.equal(records(d).filter((x) => x.event === 'impersonation.link_refused').at(-1).rule, 'session_mismatch');

  // Another one, followed in Sam's own browser: on to the application
  // with a code, the approval on the record.
  const id2 = await pending(sam, 'vip ticket 2');
  assert.equal((await decide(lee, id2, true)).status, 200);
  const link2 = JSON.parse((await open(sam, id2)).text).link;
  r = await browse(sam.jar, link2);
  assert.equal(r.status, 302, r.text);
  assert.match(r.location, /^http:\/\/127\.0\.0\.1:3000\/callback\?code=/);
  const followed = records(d).filter((x) => x.event === 'impersonation.requested' && x.approval_id === id2);
  assert.deepEqual(followed.map((x) => x.outcome), ['pending', 'allowed']);

  // Rejected: Sam sees it so, and has nothing to open.
  const id3 = await pending(sam, 'vip ticket 3');
  r = await decide(lee, id3, false);
  assert.equal(r.status, 200, r.text);
  assert.equal(JSON.parse(r.text).status, 'rejected');
  assert.equal((await listed(sam, id3)).status, 'rejected');
  r = await open(sam, id3);
  assert.equal(r.status, 409, r.text);
  assert.equal(decisions(id3).at(-1).outcome, 'rejected');
});

test('the approvals endpoints: bad input is a 4xx, never the signer\'s business', async () => {
  const sam = await person(SAM);
  const lee = await person(LEE);
  const id = await pending(sam, 'vip bad input');
  const before = records(d).length;
  const origin = d.url.replace(/\/$/, '');
  const raw = (name, body) => fetch(new URL(`console/api/${name}`, d.url), { method: 'POST', body,
    headers: { origin, cookie: lee.jar.header(d.url), 'content-type': 'application/x-www-form-urlencoded' } });

  for (const name of ['approvals/decide', 'approvals/open']) {
    let r = await api(d, lee.jar, name, { method: 'POST', form: { approval_id: id, approve: 'true' } });
    assert.equal(r.status, 403, `${name} without CSRF`);
    r = await api(d, lee.jar, name, { method: 'POST', form: { csrf: lee.csrf, approval_id: id, approve: 'true' }, origin: 'https://evil.example' });
    assert.equal(r.status, 403, `${name} from another origin`);
    r = await api(d, lee.jar, name, { method: 'POST', form: { csrf: lee.csrf, approve: 'true' } });
    assert.equal(r.status, 400, `${name} without approval_id`);
    for (const bad of ['A'.repeat(43), 'x'.repeat(5000 / 2), '../approvals', 'é']) {
      r = await api(d, lee.jar, name, { method: 'POST', form: { csrf: lee.csrf, approval_id: bad, approve: 'true' } });
      assert.ok([400, 404].includes(r.status), `${name} ${bad.slice(0, 10)}: ${r.status}`);
    }
    r = await api(d, lee.jar, name, { method: 'POST', form: { csrf: lee.csrf, approval_id: 'A'.repeat(43), approve: 'true' } });
    assert.equal(r.status, 404, `${name} unknown id`);
    assert.equal(JSON.parse(r.text).error, 'not_found');
    r = await raw(name, `csrf=${lee.csrf}&approval_id=%zz`);
    assert.equal(r.status, 400, `${name} malformed form`);
    r = await raw(name, `csrf=${lee.csrf}&approval_id=${id}&approval_id=${id}`);
    assert.equal(r.status, 400, `${name} repeated field`);
    r = await raw(name, `csrf=${lee.csrf}&approval_id=${'A'.repeat(5000)}`);
    assert.equal(r.status, 400, `${name} too long`);
    r = await api(d, lee.jar, name);
    assert.equal(r.status, 404, `GET ${name}`);
    r = await api(d, new Jar(), name, { method: 'POST', form: { approval_id: id } });
    assert.equal(r.status, 401, `${name} signed out`);
  }
  for (const approve of [undefined, '', 'yes', '1', 'TRUE']) {
    const r = await api(d, lee.jar, 'approvals/decide', { method: 'POST', form: { csrf: lee.csrf, approval_id: id, ...(approve === undefined ? {} : { approve }) } });
    assert.equal(r.status, 400, `approve=${approve}`);
    assert.match(JSON.parse(r.text).error_description, /approve must be true or false/);
  }
  assert.equal((await api(d, lee.jar, 'approvals', { method: 'POST', form: { csrf: lee.csrf } })).status, 404);
  assert.equal((await api(d, new Jar(), 'approvals')).status, 401);
  assert.equal(records(d).length, before, 'the signer was asked nothing');
  assert.equal((await listed(lee, id)).status, 'pending');
  assert.equal(d.exited, null);
});

test('an approver the signer no longer admits (blocked since sign-in) decides nothing: 401, and the request stays pending', async () => {
  const sam = await person(SAM);
  const lee = await person(LEE);
  const id = await pending(sam, 'vip blocked approver');
  edit(d, 'users.json', (users) => { users.find((u) => u.user_id === LEAD).blocked = true; });
  try {
    await hup(d);
    const r = await decide(lee, id, true);
    assert.equal(r.status, 401, r.text);
    assert.equal(JSON.parse(r.text).error, 'login_required');
  } finally {
    edit(d, 'users.json', (users) => { delete users.find((u) => u.user_id === LEAD).blocked; });
    await hup(d);
  }
  assert.equal((await listed(sam, id)).status, 'pending');
  assert.equal(decisions(id).length, 0);
});

test('an approval not decided within approval.ttl expires: deciding or opening it is 409, and the expiry is on the record', async () => {
  const port = await freePort();
  const quickIdp = await startIdp({ dir, guisePort: port });
  const x = await startConsoleDaemon({ port, idp: quickIdp, users: APPROVAL_USERS,
    mutate: (c) => { withApproval(c); c.impersonation.approval.ttl = 2; } }).catch(async (e) => { await quickIdp.stop(); throw e; });
  try {
    const at = (account) => (async () => {
      const jar = new Jar();
      assert.equal((await signIn(x, jar, account)).status, 200);
      return { jar, csrf: JSON.parse((await api(x, jar, 'session')).text).csrf };
    })();
    const sam = await at(SAM);
    const lee = await at(LEE);
    let r = await api(x, sam.jar, 'impersonate', { method: 'POST', form: { csrf: sam.csrf, user_id: VIP, client_id: 'storefront', reason: 'too late' } });
    assert.equal(r.status, 202, r.text);
    const id = JSON.parse(r.text).approval_id;
    await wait(3500);
    r = await api(x, lee.jar, 'approvals/decide', { method: 'POST', form: { csrf: lee.csrf, approval_id: id, approve: 'true' } });
    assert.equal(r.status, 409, r.text);
    assert.equal(JSON.parse(r.text).error, 'approval_expired');
    r = await api(x, sam.jar, 'approvals/open', { method: 'POST', form: { csrf: sam.csrf, approval_id: id } });
    assert.equal(r.status, 409, r.text);
    const mine = JSON.parse((await api(x, sam.jar, 'approvals')).text).find((a) => a.approval_id === id);
    assert.equal(mine.status, 'expired');
    const until = Date.now() + 5000;
    while (!records(x).some((a) => a.event === 'impersonation.approval_expired' && a.approval_id === id) && Date.now() < until) await wait(100);
    assert.ok(records(x).some((a) => a.event === 'impersonation.approval_expired' && a.approval_id === id));
    assert.ok(!records(x).some((a) => a.event === 'impersonation.approval_decided' && a.approval_id === id));
  } finally {
    await x.stop();
    await quickIdp.stop();
  }
});
