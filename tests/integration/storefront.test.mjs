// examples/storefront, the example application of doc/integrating.md, as a
// support person meets it: the back office asks the Management API for a
// link into the storefront, Debian's Chromium follows it, and the shop,
// on express-openid-connect and guise's third-party initiated login,
// shows the customer signed in under a banner naming the impersonator.
// Deleting the account is refused while impersonated; the same link in a
// second browser gets nowhere; the session ends with its tokens, or when
// guise ends it (Back-Channel Logout, each rule of its section 2.6 shown
// to refuse).  The client record is mkconfig.sh's (make demo's), moved to
// a free port.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { join } from 'node:path';
import { records } from './lib/audit.mjs';
import { build, freePort, startDaemon } from './lib/daemon.mjs';
import { CUSTOMER, SUPPORT, impersonationToken, newLink } from './lib/flow.mjs';
import { STOREFRONT as CLIENT, moveStorefront, startStorefront, stopAll } from './lib/apps.mjs';
import { launchBrowser, newPage, pageText, waitForUrl } from './lib/browser.mjs';
import { impersonation } from '../../examples/storefront/impersonation.mjs';

const SHOTS = join(build, 'tests/screenshots');

let browser;
const running = [];	// the browser, daemons and storefronts, to stop after

// guised with mkconfig.sh's storefront client on a free port, the
// storefront for it, and a back-office token.  imp: more of guise.json's
// impersonation settings.
async function shop(imp = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const d = await startDaemon({
    mutate: (c) => {
      moveStorefront(c, base);
      Object.assign(c.impersonation, imp);
      c.clients.find((x) => x.client_id === 'backoffice').scopes.push('read:impersonations', 'end:impersonations');
    },
  });
  running.push(d);
  const app = await startStorefront(d, port);
  running.push(app);
  return { d, app, base, token: await impersonationToken(d) };
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  running.push(browser = await launchBrowser());
});

after(() => stopAll(running));

function why(page, s) {
  return `\n-- page ${page.url()}\n${page.text ?? ''}\n-- browser\n${page.messages.join('\n')}`
    + `\n-- storefront\n${s.app.log().slice(-2000)}\n-- guised\n${s.d.log.slice(-2000)}`;
}

async function show(page) {
  page.text = await pageText(page);
  return page.text;
}

// Follow a link for the storefront in a fresh browser; returns the page
// landed on, the shop's home, and its response.
async function land(s, link) {
  const page = await newPage(await browser.context());
  let home;
  page.on('response', (r) => { if (r.url() === `${s.base}/`) home = r; });
  await page.goto(link);
  await waitForUrl(page, `${s.base}/`);
  await show(page);
  return { page, home };
}

let s;
before(async () => { s = await shop(); });

test('a link from the Management API lands in the storefront as the customer, under the impersonator\'s banner', async () => {
  const link = await newLink(s.d, s.token, { body: { client_id: CLIENT, reason: 'ticket 4711' } });
  const { page, home } = await land(s, link);
  await page.screenshot({ path: join(SHOTS, 'storefront-impersonated.png'), fullPage: true });
  const w = why(page, s);

  assert.equal(await page.$eval('#impersonation-title', (e) => e.textContent), 'Impersonated by sam@example.com', w);
  assert.match(page.text, new RegExp(`${SUPPORT.replace('|', '\\|')} is using the shop as Alice Customer`), w);
  assert.equal(await page.$eval('#name', (e) => e.textContent), 'Alice Customer', w);
  assert.equal(await page.$eval('#email', (e) => e.textContent), 'alice@example.com (verified)', w);
  assert.equal(await page.$eval('#sub', (e) => e.textContent), CUSTOMER, w);
  assert.match(page.text, /Signed in as Alice Customer/, w);

  // Landmarks and labels, a strict CSP it runs under without a complaint.
  assert.equal(await page.$eval('html', (e) => e.lang), 'en');
  for (const sel of ['header', 'main', 'footer', 'nav[aria-label="Account"]', 'section[aria-labelledby="impersonation-title"]', 'form[aria-labelledby="delete-title"]']) {
    assert.ok(await page.$(sel), `no ${sel}${w}`);
  }
  assert.match(home.headers()['content-security-policy'], /default-src 'self'/);
  assert.deepEqual(page.messages.filter((m) => /error|violat/i.test(m)), [], w);

  // The sensitive action: refused, said why, and logged with who asked.
  const [refused] = await Promise.all([page.waitForNavigation(), page.click('form[action="/account/delete"] button')]);
  assert.equal(refused.status(), 403, why(page, s));
  assert.match(await show(page), /Not allowed while impersonated/, why(page, s));
  assert.match(page.text, /impersonated by sam@example\.com \(auth0\|support-1\)/, why(page, s));
  assert.match(page.text, /nothing was deleted/, why(page, s));
  assert.match(s.app.log(), /refused: delete account auth0\|customer-1, impersonated by auth0\|support-1 \(sam@example\.com\)/);

  // The same POST from another site, with this browser's session cookie.
  const cookie = (await page.cookies(s.base)).map((c) => `${c.name}=${c.value}`).join('; ');
  const forged = await fetch(`${s.base}/account/delete`, { method: 'POST', headers: { cookie, origin: 'http://evil.example' } });
  assert.equal(forged.status, 403);
  assert.match(await forged.text(), /did not come from this shop/);
});

test('the same link in a second browser gets guise\'s refusal, and the shop there stays signed out', async () => {
  const link = await newLink(s.d, s.token, { body: { client_id: CLIENT } });
  await land(s, link);

  const two = await newPage(await browser.context());
  const again = await two.goto(link);
  assert.equal(again.status(), 400, why(two, s));
  assert.equal(JSON.parse(await show(two)).error, 'access_denied', why(two, s));

  await two.goto(`${s.base}/`);
  assert.match(await show(two), /You are not signed in/, why(two, s));
  // Its own sign-in has no link behind it: guise's login_required, said
  // in the shop's words.
  const failed = await two.goto(`${s.base}/login`);
  await waitForUrl(two, `${s.base}/callback`);
  assert.equal(failed.status(), 400, why(two, s));
  assert.match(await show(two), /only through an impersonation link/, why(two, s));
  assert.doesNotMatch(two.text, /Alice|customer-1/, why(two, s));
});

test('an impersonated session in the storefront ends when its tokens expire', async () => {
  const short = await shop({ token_ttl: 3 });
  const { page } = await land(short, await newLink(short.d, short.token, { body: { client_id: CLIENT } }));
  assert.match(page.text, /Impersonated by sam@example\.com/, why(page, short));
  // The tokens were issued before the landing: 3 s, and 1 s for the
  // whole seconds of their expiry.
  await new Promise((r) => setTimeout(r, 4000));
  await page.goto(`${short.base}/`);
  assert.match(await show(page), /The impersonated session ended: its tokens expired\./, why(page, short));
  assert.match(page.text, /You are not signed in/, why(page, short));
  await page.reload();
  assert.doesNotMatch(await show(page), /Alice|Impersonated/, 'the session cookie is gone');
});

test('impersonation(): any one of impersonated, impersonator and act makes a session impersonated', () => {
  const alice = { sub: CUSTOMER, email: 'alice@example.com' };
  assert.equal(impersonation(alice), null);
  assert.equal(impersonation({ ...alice, impersonated: false }), null);
  assert.deepEqual(impersonation({ ...alice, impersonated: true, impersonator: { user_id: SUPPORT, email: 'sam@example.com' }, act: { sub: SUPPORT } }),
    { id: SUPPORT, email: 'sam@example.com', label: 'sam@example.com' });
  assert.deepEqual(impersonation({ ...alice, act: { sub: SUPPORT } }), { id: SUPPORT, email: undefined, label: SUPPORT });
  assert.equal(impersonation({ ...alice, impersonated: 'yes' }).label, 'someone guise did not name');
});

test('ended at the Management API, the impersonation is signed out of the storefront at once (Back-Channel Logout)', async () => {
  const { page } = await land(s, await newLink(s.d, s.token, { body: { client_id: CLIENT, reason: 'ticket 4712' } }));
  assert.match(page.text, /Impersonated by sam@example\.com/, why(page, s));
  const api = (path, method = 'GET') => s.d.request(`api/v2/${path}`, { method, headers: { authorization: `Bearer ${s.token}` } });
  const mine = (await api('impersonations?active=true')).json.find((x) => x.reason === 'ticket 4712');
  assert.ok(mine, 'the session is listed');
  assert.equal((await api(`impersonations/${mine.sid}`, 'DELETE')).status, 204);
  const until = Date.now() + 10000;
  while (!records(s.d).some((r) => r.event === 'logout.delivered' && r.sid === mine.sid) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const delivered = records(s.d).find((r) => r.event === 'logout.delivered' && r.sid === mine.sid);
  assert.equal(delivered?.outcome, 'ok', why(page, s));
  assert.match(s.app.log(), new RegExp(`back-channel logout: session ${mine.sid} of auth0\\|customer-1 ended`));
  await page.goto(`${s.base}/`);
  assert.match(await show(page), /The impersonated session ended: guise ended it\./, why(page, s));
  assert.match(page.text, /You are not signed in/, why(page, s));
  await page.reload();
  assert.doesNotMatch(await show(page), /Alice|Impersonated/, 'the session cookie is gone');
});

test('the storefront refuses a logout token that breaks a rule of section 2.6, and takes a good one once', async () => {
  const key = await importPKCS8(readFileSync(join(s.d.dir, 'keys/rs256.pem'), 'utf8'), 'RS256');
  const kid = (await s.d.request('.well-known/jwks.json')).json.keys.find((k) => k.alg === 'RS256').kid;
  const EVENT = 'http://schemas.openid.net/event/backchannel-logout';
  const now = Math.floor(Date.now() / 1000);
  const good = { iss: s.d.url, aud: CLIENT, iat: now, exp: now + 120, sub: CUSTOMER, sid: 'a-sid', events: { [EVENT]: {} } };
  let n = 0;
  const sign = (claims, { k = key, header = {} } = {}) =>
    new SignJWT({ jti: `test-${n++}`, ...claims }).setProtectedHeader({ alg: 'RS256', kid, typ: 'logout+jwt', ...header }).sign(k);
  const post = (token) => fetch(`${s.base}/backchannel-logout`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ logout_token: token }),
  });
  const { privateKey: stranger } = await generateKeyPair('RS256');
  const { sub: _s, sid: _i, ...anonymous } = good;
  const { events: _e, ...noEvent } = good;
  const { iat: _t, ...noIat } = good;
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'logout+jwt' })).toString('base64url')}.${Buffer.from(JSON.stringify({ ...good, jti: 'none' })).toString('base64url')}.`;
  const bad = {
    'a key not in guise\'s JWKS (2.6 step 2)': await sign(good, { k: stranger }),
    'alg none (step 2)': none,
    'typ JWT, an id_token\'s': await sign(good, { header: { typ: 'JWT' } }),
    'another issuer (step 3)': await sign({ ...good, iss: 'https://evil.example/' }),
    'another audience (step 3)': await sign({ ...good, aud: 'storefront' }),
    'no iat (step 3)': await sign(noIat),
    'iat an hour ahead (step 3)': await sign({ ...good, iat: now + 3600, exp: now + 3700 }),
    'expired': await sign({ ...good, iat: now - 600, exp: now - 300 }),
    'neither sub nor sid (step 4)': await sign(anonymous),
    'no events (step 5)': await sign(noEvent),
    'another event (step 5)': await sign({ ...good, events: { 'urn:other': {} } }),
    'a nonce (step 6)': await sign({ ...good, nonce: 'n-1' }),
  };
  for (const [what, token] of Object.entries(bad)) {
    const r = await post(token);
    assert.equal(r.status, 400, what);
    assert.equal((await r.json()).error, 'invalid_request', what);
  }
  assert.equal((await post('not.a.jwt')).status, 400);
  const ok = await sign(good);
  const r = await post(ok);
  assert.equal(r.status, 200, 'a good token, as guise signs it');
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.equal((await post(ok)).status, 400, 'the same token again (step 7)');
});
