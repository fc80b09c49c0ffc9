// The support console in a real browser (DESIGN.md section 7, issue 15):
// Debian's Chromium through puppeteer-core, the real guised with a console,
// the organization's provider (examples/dev-idp, oidc-provider), and
// examples/storefront as the application.  Sam signs in at the provider,
// finds Alice, impersonates her with a reason and lands in the shop under
// the banner; the audit trail shows it; Victor, a VIP, waits for Lee's
// Approve before Sam's Open; the same link in another browser is refused; Alice may not sign in; an idle session ends; a forged POST
// gets nowhere; and the pages run under their CSP without one complaint.
// The cases run in order, the first five as one visit of Sam's.  Each
// saves build/tests/screenshots/console-*.png.  The same flows over HTTP,
// without a browser: console.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { STOREFRONT, moveStorefront, startStorefront, stopAll } from './lib/apps.mjs';
import { records } from './lib/audit.mjs';
import { launchBrowser, newPage, pageText, waitForUrl } from './lib/browser.mjs';
import { ALICE, APPROVAL_USERS, LEAD, LEE, SAM, VIP, startConsoleDaemon, startIdp, withApproval } from './lib/console.mjs';
import { build, freePort } from './lib/daemon.mjs';
import { CUSTOMER, SUPPORT } from './lib/flow.mjs';

const CSP = "default-src 'self'; frame-ancestors 'none'";
const SHOTS = join(build, 'tests/screenshots');

const running = [];	// the browser, providers, daemons and shop, to stop after
let browser;
let tmp;
let s;			// the console of every case but the idle one, with its shop
let idle;		// a console whose sessions end after 5 s idle
const said = [];	// what every watched page said: { label, text, url }
const answers = [];	// guise's answers for the console's own files
const refusals = new Set();	// "status url": the refusals the cases assert
let shown;		// { page, c }: what a case looks at, for its failure message

// ---- Helpers -------------------------------------------------------

// A console: a provider, guised with a console signing in there, and with
// shop, examples/storefront as the application.  more: more of the
// console section (idle_ttl); approval: four-eyes approval for Victor,
// Lee its approver.
async function startConsole({ more = {}, shop = false, approval = false } = {}) {
  const port = await freePort();
  const idp = await startIdp({ dir: mkdtempSync(join(tmp, 'idp-')), guisePort: port });
  running.push(idp);
  const shopPort = shop ? await freePort() : 0;
  const base = `http://127.0.0.1:${shopPort}`;
  const d = await startConsoleDaemon({
    port, idp, console: more, users: approval ? APPROVAL_USERS : undefined,
    mutate: (c) => {
      if (shop) moveStorefront(c, base);
      if (approval) withApproval(c);
    },
  });
  running.push(d);
  const app = shop ? await startStorefront(d, shopPort) : undefined;
  if (app) running.push(app);
  return { d, idp, app, base, url: `${d.url}console/` };
}

// A new page in context whose console errors, uncaught exceptions and CSP
// violations go to sink (said, checked by the last case), each with where
// it happened; the console's own files are kept in answers.
async function open(context, label, sink = said) {
  const page = await newPage(context);
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} in ${e.sourceFile || e.documentURI}`);
    });
  });
  page.on('console', (m) => {
    if (m.type() === 'error') sink.push({ label, text: m.text(), url: m.location()?.url ?? page.url() });
  });
  page.on('pageerror', (e) => sink.push({ label, text: `uncaught: ${e.message}`, url: page.url() }));
  page.on('response', (r) => {
    if (/^\/console\/(console\.(js|css))?$/.test(new URL(r.url()).pathname)) answers.push(r);
  });
  return page;
}

// Chrome's own line for an answer of 4xx, where one is expected: the
// console's API before sign-in and after the session ended (401), a
// /favicon.ico a site does not have, and each refusal a case asserts
// (through refused(status, url)).  Nothing else.
function expected({ text, url }) {
  const m = /^Failed to load resource: the server responded with a status of (4\d\d) /.exec(text);
  if (!m) return false;
  const { pathname } = new URL(url);
  return (m[1] === '401' && pathname.startsWith('/console/api/')) || pathname === '/favicon.ico'
    || refusals.has(`${m[1]} ${url}`);
}

function refused(status, url) {
  refusals.add(`${status} ${url}`);
  return status;
}

// Show page (of console c) in the failure message of the case.
function look(page, c = s) {
  shown = { page, c };
  return page;
}

// A case whose failure message ends with the page it looked at, what the
// browser said there, and the ends of guised's and the shop's logs.
function explained(fn) {
  return async (t) => {
    shown = undefined;
    try {
      await fn(t);
    } catch (e) {
      if (shown) {
        const { page, c } = shown;
        const text = await pageText(page).catch((x) => `(no text: ${x.message})`);
        e.message += `\n-- page ${page.url()}\n${text.slice(0, 3000)}\n-- browser\n${page.messages.join('\n')}`
          + `\n-- guised\n${c.d.log.slice(-2500)}${c.app ? `\n-- storefront\n${c.app.log().slice(-1500)}` : ''}`;
      }
      throw e;
    }
  };
}

function shot(page, name) {
  return page.screenshot({ path: join(SHOTS, `console-${name}.png`), fullPage: true });
}

const textOf = (page, sel) => page.$eval(sel, (e) => e.textContent.trim());

// Open c's console in a new browser context, press "Sign in", and sign in
// at the provider's page as account.  Resolves with the page, left where
// guise's callback answered (a 200 page moves on to the console by
// itself), and that answer.
async function signIn(c, account, label) {
  const page = look(await open(await browser.context(), label), c);
  await page.goto(c.url);
  const button = await page.waitForSelector('a[href="/console/login"]');
  assert.equal(await button.evaluate((e) => e.textContent), 'Sign in');
  await Promise.all([page.waitForNavigation(), button.click()]);
  await page.waitForSelector('#email');
  await page.type('#email', account.email);
  await page.type('#password', account.password);
  const [callback] = await Promise.all([
    page.waitForResponse((r) => r.url().startsWith(`${c.url}callback`)),
    page.waitForNavigation(),
    page.click('form button[type="submit"]'),
  ]);
  return { page, callback };
}

// Wait until a signed-in console shows its header.
function signedIn(page) {
  return page.waitForSelector('#who:not([hidden]) #who-name');
}

// On a profile in the console: choose the shop and type reason.
async function fill(page, reason) {
  // The applications arrive after the profile: wait for the one wanted.
  await page.waitForSelector(`#impersonate-app:not([disabled]) option[value="${STOREFRONT}"]`);
  await page.select('#impersonate-app', STOREFRONT);
  await page.type('#impersonate-reason', reason);
}

// Press Impersonate.  Resolves with the console's POST and the link the
// page then sends the browser along.  hold: answer that navigation with a
// 204 in guise's place, so that the browser stays and the link unused.
async function press(page, { hold = false } = {}) {
  const held = (r) => {
    if (r.isInterceptResolutionHandled()) return;
    if (r.isNavigationRequest() && r.url().includes('/impersonate?')) r.respond({ status: 204 });
    else r.continue();
  };
  if (hold) {
    await page.setRequestInterception(true);
    page.on('request', held);
  }
  try {
    const [post, go] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/console/api/impersonate') && r.method() === 'POST'),
      page.waitForRequest((r) => r.isNavigationRequest() && /\/users\/[^/]+\/impersonate\?&bewit=/.test(r.url())),
      page.click('#impersonate-form button[type="submit"]'),
    ]);
    return { post, link: go.url() };
  } finally {
    if (hold) {
      page.off('request', held);
      await page.setRequestInterception(false);
    }
  }
}

// POST form to url from page's document with fetch, with whatever cookies
// the browser sends along; mode: the fetch's (no-cors: from another
// origin, an answer the page may not read).  Resolves with { status,
// text }, or the name of what fetch threw.
function post(page, url, form, mode = 'cors') {
  return page.evaluate(async (u, f, m) => {
    try {
      const r = await fetch(u, { method: 'POST', mode: m, credentials: 'include', body: new URLSearchParams(f) });
      return { status: r.status, text: await r.text() };
    } catch (e) {
      return { thrown: e.name };
    }
  }, url, form, mode);
}

const requested = (d) => records(d).filter((x) => x.event === 'impersonation.requested');

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'guise-console-browser-'));
  running.push(browser = await launchBrowser());
  s = await startConsole({ shop: true, approval: true });
  idle = await startConsole({ more: { idle_ttl: 5 } });
});

after(async () => {
  await stopAll(running);
  rmSync(tmp, { recursive: true, force: true });
});

// ---- One visit of Sam's ----------------------------------------------

let sam;	// Sam's page, signed in by the first case
let link;	// the link the console sent Sam's browser along

test('sign in: "Sign in", email and password at the provider, and back at the console as Sam', explained(async () => {
  const { page, callback } = await signIn(s, SAM, 'sam');
  sam = page;
  assert.equal(callback.status(), 200);
  await signedIn(page);
  await page.waitForSelector('#users-rows tr');
  await shot(page, 'signed-in');
  assert.equal(new URL(page.url()).pathname, '/console/');
  assert.equal(await textOf(page, '#who-name'), 'Sam Support');
  assert.match(await pageText(page), /Signed in as\s+Sam Support/);
  assert.equal(await textOf(page, '#sign-out'), 'Sign out');
  const cookie = (await page.cookies(s.d.url)).find((c) => c.name === '__Host-guise-console');
  assert.deepEqual([cookie?.secure, cookie?.httpOnly, cookie?.sameSite, cookie?.path], [true, true, 'Strict', '/']);
}));

test('search a customer: a query in the search box finds Alice, with the count', explained(async () => {
  const page = look(sam);
  await page.click('#users-q');
  await page.type('#users-q', 'email:"alice@example.com"');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /of 1 user$/.test(document.getElementById('users-count').textContent));
  await shot(page, 'search');
  assert.equal(await textOf(page, '#users-count'), 'Showing 1–1 of 1 user');
  const rows = await page.$$eval('#users-rows tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.innerText.trim())));
  assert.deepEqual(rows, [['Alice Customer', 'alice@example.com', CUSTOMER, 'No']]);
  const { hash } = new URL(page.url());
  assert.equal(new URLSearchParams(hash.replace(/^#\/users\?/, '')).get('q'), 'email:"alice@example.com"');
}));

test('impersonate with a reason: her profile, the storefront, "ticket 4711", Impersonate', explained(async () => {
  const page = look(sam);
  await page.click(`#users-rows a[href="#/user/${encodeURIComponent(CUSTOMER)}"]`);
  await fill(page, 'ticket 4711');
  await shot(page, 'impersonate');
  assert.equal(await textOf(page, 'main h1'), 'Alice Customer');
  assert.equal(await textOf(page, '[data-field="user-id"]'), CUSTOMER);
  assert.match(await page.$eval('#impersonate-app', (e) => e.selectedOptions[0].textContent), /^Storefront .*\(example-storefront\)$/);

  const asked = await press(page);
  link = asked.link;
  const { csrf, ...sent } = Object.fromEntries(new URLSearchParams(asked.post.postData()));
  assert.match(csrf, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(sent, { user_id: CUSTOMER, client_id: STOREFRONT, reason: 'ticket 4711' });
  assert.equal(asked.post.headers().origin, s.d.url.replace(/\/$/, ''));
  assert.ok(link.startsWith(`${s.d.url}users/${encodeURIComponent(SUPPORT)}/impersonate?&bewit=`), link);
}));

test('land in the storefront as Alice, under the banner "Impersonated by sam@example.com"', explained(async () => {
  const page = look(sam);
  await waitForUrl(page, `${s.base}/`);
  await page.waitForSelector('#impersonation-title');
  await shot(page, 'storefront');
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal(await textOf(page, '#impersonation-title'), 'Impersonated by sam@example.com');
  assert.equal(await textOf(page, '#name'), 'Alice Customer');
  assert.equal(await textOf(page, '#email'), 'alice@example.com (verified)');
  assert.equal(await textOf(page, '#sub'), CUSTOMER);
  assert.match(await pageText(page), /Signed in as Alice Customer/);
}));

test('the audit trail shows it: the impersonation of Alice by Sam, for the storefront, "ticket 4711"', explained(async () => {
  const page = look(sam);
  await page.goto(s.url);
  await signedIn(page);
  await page.click('a[data-section="audit"]');
  await page.waitForSelector('#audit-form');
  await page.type('#audit-impersonator', SUPPORT);
  await page.type('#audit-user', CUSTOMER);
  await page.click('#audit-form button[type="submit"]');
  await page.waitForFunction(() => location.hash.includes('impersonator_id=')
    && document.getElementById('audit-results').getAttribute('aria-busy') === 'false'
    && !document.getElementById('audit-table-wrap').hidden);
  await shot(page, 'audit');
  const rows = await page.$$eval('#audit-rows tr', (trs) => trs.map((tr) =>
    Object.fromEntries([...tr.cells].map((td) => [td.dataset.label, td.innerText.replace(/\s+/g, ' ').trim()]))));
  assert.ok(rows.every((r) => r.Impersonator === SUPPORT && r.Customer === CUSTOMER), JSON.stringify(rows));
  const mine = rows.filter((r) => r.Event === 'impersonation.requested' && r.Reason === 'ticket 4711');
  assert.equal(mine.length, 1, JSON.stringify(rows));
  assert.match(mine[0].Outcome, /^allowed/);
  assert.match(mine[0].Application, /^Storefront .* example-storefront$/);
  assert.match(await textOf(page, '#audit-count'), /^\d+ records?$/);
}));

test('active impersonations: Sam\'s of Alice is listed with an End button; End ends it, and the storefront signs her out', explained(async () => {
  const page = look(sam);
  await page.click('a[data-section="active"]');
  await page.waitForFunction(() => document.getElementById('active-results')?.getAttribute('aria-busy') === 'false'
    && !document.getElementById('active-table-wrap').hidden);
  await shot(page, 'active');
  const rows = await page.$$eval('#active-rows tr', (trs) => trs.map((tr) =>
    Object.fromEntries([...tr.cells].map((td) => [td.dataset.label, td.innerText.replace(/\s+/g, ' ').trim()]))));
  const mine = rows.filter((r) => r.Customer === CUSTOMER && r.Reason === 'ticket 4711');
  assert.equal(mine.length, 1, JSON.stringify(rows));
  assert.equal(mine[0].Impersonator, SUPPORT);
  assert.match(mine[0].Application, /^Storefront .* example-storefront$/);
  assert.equal(mine[0].Action, 'End');
  assert.equal(await page.$eval('#active-rows button', (b) => b.getAttribute('aria-label')), `End the impersonation of ${CUSTOMER}`);
  await page.click('#active-rows button');
  await page.waitForFunction(() => !document.getElementById('active-empty').hidden);
  assert.match(await textOf(page, '#status'), /has ended/);
  const ended = records(s.d).find((x) => x.event === 'impersonation.ended' && x.reason === undefined && x.impersonator_id === SUPPORT);
  assert.equal(ended?.cause, 'ended_at_console');
  assert.equal(ended.ended_by, SUPPORT);
  const until = Date.now() + 10000;
  while (!records(s.d).some((x) => x.event === 'logout.delivered' && x.sid === ended.sid) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
  }
  await page.goto(`${s.base}/`);
  assert.match(await pageText(page), /The impersonated session ended: guise ended it\./);
  await page.goto(s.url);
  await signedIn(page);
}));

// ---- Four-eyes approval -----------------------------------------------

// The rows of a results table, each as { label: text }.
const rowsOf = (page, id) => page.$$eval(`#${id} tr`, (trs) => trs.map((tr) =>
  Object.fromEntries([...tr.cells].map((td) => [td.dataset.label, td.innerText.replace(/\s+/g, ' ').trim()]))));

// Show the approvals of page's console, loaded.
async function approvalsShown(page) {
  await page.waitForFunction(() => document.getElementById('approvals-results')?.getAttribute('aria-busy') === 'false');
}

test('four-eyes approval: Sam asks for Victor, a VIP, and waits; Lee, a support lead, clicks Approve; Sam clicks Open and lands in the storefront as Victor', explained(async () => {
  // Sam asks: guise answers 202, and the profile says the request waits.
  const page = look(sam);
  await page.goto(`${s.url}#/user/${encodeURIComponent(VIP)}`);
  await signedIn(page);
  await fill(page, 'vip ticket 42');
  const [asked] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/console/api/impersonate') && r.request().method() === 'POST'),
    page.click('#impersonate-form button[type="submit"]'),
  ]);
  assert.equal(asked.status(), 202);
  const { approval_id: id } = await asked.json();
  await page.waitForSelector('#impersonate-pending:not([hidden])');
  await shot(page, 'approval-asked');
  assert.equal(new URL(page.url()).pathname, '/console/', 'the browser stays at the console');
  assert.match(await textOf(page, '#status'), /An approver must agree before you can impersonate Victor Vip/);
  // Under Approvals: Sam's request waits, with nothing for Sam to press.
  await page.click('a[data-section="approvals"]');
  await approvalsShown(page);
  let rows = await rowsOf(page, 'approvals-rows');
  let mine = rows.filter((r) => r.Customer === VIP && r.Reason === 'vip ticket 42');
  assert.equal(mine.length, 1, JSON.stringify(rows));
  assert.deepEqual([mine[0]['Asked by'], mine[0].Status], [SUPPORT, 'Waiting for an approver']);
  assert.equal(await page.$('#approvals-rows button'), null);

  // Lee signs in, sees it and approves it.
  const { page: lee, callback } = await signIn(s, LEE, 'lee');
  assert.equal(callback.status(), 200);
  await signedIn(lee);
  assert.equal(await textOf(lee, '#who-name'), 'Lee Lead');
  await lee.click('a[data-section="approvals"]');
  await approvalsShown(lee);
  rows = await rowsOf(lee, 'approvals-rows');
  const theirs = rows.filter((r) => r.Customer === VIP && r.Reason === 'vip ticket 42');
  assert.equal(theirs.length, 1, JSON.stringify(rows));
  assert.equal(theirs[0]['Asked by'], SUPPORT);
  assert.match(theirs[0].Application, /^Storefront .* example-storefront$/);
  assert.equal(theirs[0].Status, 'Waiting for an approver');
  await shot(lee, 'approval-pending');
  const approve = `#approvals-rows button[aria-label="Approve the impersonation of ${VIP} by ${SUPPORT}"]`;
  assert.equal(await textOf(lee, approve), 'Approve');
  await lee.click(approve);
  await lee.waitForFunction(() => /You approved/.test(document.getElementById('status').textContent));
  await approvalsShown(lee);
  assert.ok(!(await rowsOf(lee, 'approvals-rows')).some((r) => r.Reason === 'vip ticket 42'), 'no longer waiting');
  const decided = records(s.d).filter((x) => x.event === 'impersonation.approval_decided' && x.approval_id === id);
  assert.deepEqual(decided.map((x) => [x.outcome, x.approver_id, x.impersonator_id, x.user_id]), [['approved', LEAD, SUPPORT, VIP]]);

  // Sam looks again: Open, and the browser goes along the link.
  look(page);
  await page.click('#approvals-refresh');
  const open = `#approvals-rows button[aria-label="Open the application as ${VIP}"]`;
  await page.waitForSelector(open);
  rows = await rowsOf(page, 'approvals-rows');
  mine = rows.filter((r) => r.Customer === VIP && r.Reason === 'vip ticket 42');
  assert.equal(mine[0].Status, 'Approved');
  await shot(page, 'approval-approved');
  const [go] = await Promise.all([
    page.waitForRequest((r) => r.isNavigationRequest() && /\/users\/[^/]+\/impersonate\?&bewit=/.test(r.url())),
    page.click(open),
  ]);
  assert.ok(go.url().startsWith(`${s.d.url}users/${encodeURIComponent(SUPPORT)}/impersonate?&bewit=`), go.url());
  await waitForUrl(page, `${s.base}/`);
  await page.waitForSelector('#impersonation-title');
  await shot(page, 'approval-storefront');
  assert.equal(await textOf(page, '#impersonation-title'), 'Impersonated by sam@example.com');
  assert.equal(await textOf(page, '#name'), 'Victor Vip');
  assert.equal(await textOf(page, '#sub'), VIP);
  const used = records(s.d).filter((x) => x.event === 'impersonation.requested' && x.approval_id === id);
  assert.deepEqual(used.map((x) => x.outcome), ['pending', 'allowed']);
}));

// ---- The console's defences ------------------------------------------

test('the same link opened in a second browser context is refused: access_denied, and link_refused session_mismatch on the record', explained(async () => {
  // A fresh link, asked for as before (the first one was used); the
  // browser is held back from following it.
  await look(sam).goto(`${s.url}#/user/${encodeURIComponent(CUSTOMER)}`);
  await fill(sam, 'ticket 4711');
  const fresh = await press(sam, { hold: true });
  assert.notEqual(fresh.link, link);

  const before = records(s.d).length;
  const two = look(await open(await browser.context(), 'second browser'));
  const answer = await two.goto(fresh.link);
  await shot(two, 'link-refused');
  assert.equal(refused(answer.status(), fresh.link), 403);
  assert.equal(JSON.parse(await pageText(two)).error, 'access_denied');
  const rec = records(s.d).slice(before).filter((x) => x.event === 'impersonation.link_refused');
  assert.equal(rec.length, 1);
  assert.equal(rec[0].rule, 'session_mismatch');
  assert.equal(rec[0].impersonator_id, SUPPORT);
  assert.equal(rec[0].user_id, CUSTOMER);
  assert.equal(rec[0].client_id, STOREFRONT);
}));

test('a person who may not impersonate is refused sign-in: a 403 page that says why, and console.signin denied on the record', explained(async () => {
  const before = records(s.d).length;
  const { page, callback } = await signIn(s, ALICE, 'alice');
  await shot(page, 'signin-refused');
  assert.equal(refused(callback.status(), callback.url()), 403);
  const text = await pageText(page);
  assert.match(text, /Sign-in refused/);
  assert.match(text, /may not impersonate/);
  assert.equal((await page.cookies(s.d.url)).find((c) => c.name === '__Host-guise-console'), undefined);
  const rec = records(s.d).slice(before).filter((x) => x.event === 'console.signin');
  assert.equal(rec.length, 1);
  assert.equal(rec[0].outcome, 'denied');
  assert.match(rec[0].detail, /email alice@example\.com/);
}));

test('the session ends when idle: after idle_ttl, the console says so by itself, and guise refuses the session', explained(async (t) => {
  const { page, callback } = await signIn(idle, SAM, 'idle');
  assert.equal(callback.status(), 200);
  await signedIn(page);
  const since = Date.now();
  // Untouched, the page looks again idle_ttl + 5 s after guise's last
  // answer, without a request (which would keep the session alive).
  await page.waitForFunction(() => document.getElementById('signed-out-title')?.textContent === 'Your console session has ended', { timeout: 20000 });
  await shot(page, 'session-ended');
  t.diagnostic(`the console said so ${Date.now() - since} ms after it showed Sam signed in`);
  assert.ok(Date.now() - since >= 5000);
  assert.equal(await page.$eval('#who', (e) => e.hidden), true);
  assert.match(await pageText(page), /Sign in again to continue/);
  const r = await page.evaluate(async () => {
    const a = await fetch('/console/api/session');
    return { status: a.status, body: await a.json() };
  });
  assert.equal(r.status, 401);
  assert.match(r.body.error_description, /ended/);
}));

test('a forged POST is refused: without the CSRF token, and from another origin even with it', explained(async (t) => {
  const page = look(sam);
  await page.goto(s.url);
  await signedIn(page);
  const before = requested(s.d).length;
  const form = { user_id: CUSTOMER, client_id: STOREFRONT, reason: 'forged' };
  const target = `${s.url}api/impersonate`;

  const bare = await post(page, target, form);
  assert.equal(refused(bare.status, target), 403, JSON.stringify(bare));
  assert.match(JSON.parse(bare.text).error_description, /CSRF/);

  // The session's token, leaked to a page of another origin in Sam's
  // browser: the shop's (another site: SameSite=Strict keeps the cookie
  // home) and another guise's on this host (the same site: the cookie goes
  // along, and the Origin check refuses).  An attacker's page has no CSP
  // against the fetch, and needs not read the answer (no-cors).  These
  // pages are not watched: the browser's complaints are the point.
  const { csrf } = await page.evaluate(() => fetch('/console/api/session').then((r) => r.json()));
  const got = {};
  for (const from of [`${s.base}/`, `${idle.d.url}.well-known/jwks.json`]) {
    const evil = look(await newPage(page.browserContext()));
    await evil.setBypassCSP(true);
    await evil.goto(from);
    const [answer, forged] = await Promise.all([
      evil.waitForResponse((r) => r.url() === target),
      post(evil, target, { ...form, csrf }, 'no-cors'),
    ]);
    assert.deepEqual(forged, { status: 0, text: '' });
    got[new URL(from).origin] = answer.status();
    t.diagnostic(`from ${new URL(from).origin}: ${answer.status()}`);
  }
  await shot(look(page), 'forged');
  assert.deepEqual(got, { [s.app.url]: 401, [idle.d.url.replace(/\/$/, '')]: 403 });
  assert.equal(requested(s.d).length, before, 'the signer was asked nothing');
}));

test('the CSP header is on every console page and enforced, and no page said a word against it in the cases above', explained(async () => {
  for (const path of ['/console/', '/console/console.js', '/console/console.css']) {
    const seen = answers.filter((r) => new URL(r.url()).pathname === path);
    assert.ok(seen.length > 0, `no answer for ${path}`);
    for (const r of seen) assert.equal(r.headers()['content-security-policy'], CSP, r.url());
  }
  // Enforced: a script the console did not ship is refused, and the
  // listener every page above had reports it.
  const probe = [];
  const page = look(await open(await browser.context(), 'probe', probe));
  await page.goto(s.url);
  await page.waitForSelector('a[href="/console/login"]');
  const ran = await page.evaluate(() => {
    const el = document.createElement('script');
    el.textContent = 'window.injected = true';
    document.head.append(el);
    return window.injected === true;
  });
  await shot(page, 'csp');
  assert.equal(ran, false);
  assert.ok(probe.some((m) => /^CSP violation: script-src-elem blocked inline/.test(m.text)), JSON.stringify(probe, null, 1));

  assert.deepEqual(said.filter((m) => !expected(m)), [], JSON.stringify(said, null, 1));
  assert.ok(said.some((m) => m.label === 'sam' && expected(m)), 'the 401 before sign-in is seen, and let pass');
}));
