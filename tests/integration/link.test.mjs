// The link and its redirect: the single-page (response_type=token) case,
// tampered links, the headers that keep tokens out of caches and Referer,
// and a state that is echoed exactly and can add nothing to the redirect.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { jwtVerify } from 'jose';
import { startDaemon } from './lib/daemon.mjs';
import { records } from './lib/audit.mjs';
import { CALLBACK, atHash, askLink, follow, impersonationToken, jwks, newCode, newLink, redeem, userinfo, verifyAccessToken } from './lib/flow.mjs';

let d, token;
before(async () => {
  d = await startDaemon({ active: 'es256' });
  token = await impersonationToken(d);
});
after(async () => { await d?.stop(); });

function assertRefused(r, why) {
  assert.equal(r.status, 400, `${why}: ${r.status} ${r.text}`);
  assert.equal(r.json?.error, 'access_denied', why);
  assert.equal(typeof r.json.error_description, 'string', why);
  assert.equal(r.headers.location, undefined, `${why}: no redirect`);
}

// The Location header is one line of visible ASCII: nothing to split a
// header, nothing unencoded.
function assertCleanLocation(r) {
  assert.match(r.headers.location, /^[\x21-\x7e]+$/, `Location: ${JSON.stringify(r.headers.location)}`);
  for (const h of Object.keys(r.headers)) {
    assert.ok(['location', 'cache-control', 'pragma', 'referrer-policy', 'date', 'content-length', 'content-type',
      'connection', 'x-content-type-options'].includes(h), `unexpected header ${h}: ${r.headers[h]}`);
  }
}

test('response_type=token: 302 with the tokens, token_type, expires_in and state in the fragment only; at_hash matches', async () => {
  const state = 'spa-state';
  const link = await newLink(d, token, { additional: { response_type: 'token', state, nonce: 'spa-nonce', scope: 'openid email' } });
  const r = await follow(d, link);
  assert.equal(r.status, 302, r.text);
  assertCleanLocation(r);
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.equal(r.headers['referrer-policy'], 'no-referrer');
  const loc = new URL(r.headers.location);
  assert.equal(`${loc.origin}${loc.pathname}`, CALLBACK);
  assert.equal(loc.search, '', 'nothing in the query');
  const f = new URLSearchParams(loc.hash.slice(1));
  assert.deepEqual([...f.keys()].sort(), ['access_token', 'expires_in', 'id_token', 'state', 'token_type']);
  assert.equal(f.get('token_type'), 'Bearer');
  assert.equal(f.get('expires_in'), '3600');
  assert.equal(f.get('state'), state);

  const access = f.get('access_token');
  const { payload: id } = await jwtVerify(f.get('id_token'), await jwks(d), { issuer: d.url, audience: 'storefront' });
  assert.equal(id.at_hash, atHash(access));
  assert.equal(id.nonce, 'spa-nonce');
  assert.equal(id.sub, 'auth0|customer-1');
  assert.equal(id.impersonated, true);
  assert.deepEqual(id.act, { sub: 'auth0|support-1' });
  await verifyAccessToken(d, access);
  const ui = await userinfo(d, access);
  assert.equal(ui.status, 200, ui.text);
  assert.equal(ui.json.email, 'alice@example.com');
  assert.equal(ui.json.impersonated, true);

  assertRefused(await follow(d, link), 'the token link a second time');
});

test('a link with one character of its ticket changed is refused, and does not spend the real one', async () => {
  const link = await newLink(d, token, { additional: { state: 't' } });
  const u = new URL(link);
  const bewit = u.search.match(/bewit=([^&]*)/)[1];
  for (const [what, t] of [
    ['first character', `${bewit[0] === 'A' ? 'B' : 'A'}${bewit.slice(1)}`],
    ['last character', `${bewit.slice(0, -1)}${bewit.at(-1) === 'A' ? 'B' : 'A'}`],
    ['a character added', `${bewit}A`],
    ['a character dropped', bewit.slice(1)],
    ['empty', ''],
  ]) {
    assertRefused(await d.request(`${u.pathname}?&bewit=${t}`), `ticket with its ${what}`);
  }
  assertRefused(await d.request(u.pathname), 'no ticket at all');
  assertRefused(await d.request(`${u.pathname}?&bewit=${bewit}&bewit=${bewit}`), 'the ticket twice');
  const r = await follow(d, link);
  assert.equal(r.status, 302, `the genuine link after the forgeries: ${r.text}`);
});

test('a link presented under another impersonator\'s path is refused without a redirect', async () => {
  const link = await newLink(d, token, { additional: { state: 't' } });
  const u = new URL(link);
  for (const other of ['auth0%7Csupport-2', 'auth0%7Ccustomer-1', 'auth0%7Csupport-1x']) {
    const r = await d.request(`/users/${other}/impersonate${u.search}`);
    assertRefused(r, `the path of ${other}`);
  }
});

test('no-store and no-referrer on the impersonation 200, the link 302 and 400, the token response and /userinfo', async () => {
  const asked = await askLink(d, token, { additional: { state: 'h' } });
  assert.equal(asked.status, 200);
  const link = asked.text.trim();
  const followed = await follow(d, link);
  const refused = await follow(d, link);
  const code = new URL(followed.headers.location).searchParams.get('code');
  const tokens = await redeem(d, code);
  const ui = await userinfo(d, tokens.json.access_token);
  for (const [what, r, status] of [['the impersonation answer', asked, 200], ['the link redirect', followed, 302],
    ['the spent link', refused, 400], ['the token response', tokens, 200], ['/userinfo', ui, 200]]) {
    assert.equal(r.status, status, `${what}: ${r.text}`);
    assert.equal(r.headers['cache-control'], 'no-store', what);
    assert.equal(r.headers['referrer-policy'], 'no-referrer', what);
  }
  assert.equal(tokens.headers.pragma, 'no-cache');
});

const states = [
  ['a parameter and a fragment', 'x&code=evil&state=evil#frag'],
  ['CR LF and a header', 'a\r\nSet-Cookie: pwned=1\r\nLocation: https://evil.example/'],
  ['spaces and plus signs', '  spaced  +state+  '],
  ['unicode', 'ünïcødé ☃ 日本語 😀'],
  ['percent escapes', '%41%26code%3Devil%23'],
  ['quotes, angle brackets, semicolons', '"><script>alert(1)</script>;a=b'],
  ['the empty string (the Auth0 how-to sends "state": "")', ''],
];
for (const [what, state] of states) {
  test(`state with ${what} is echoed exactly and adds nothing to the redirect`, async () => {
    const r = await follow(d, await newLink(d, token, { additional: { state } }));
    assert.equal(r.status, 302, r.text);
    assertCleanLocation(r);
    assert.equal(r.headers['set-cookie'], undefined);
    const loc = new URL(r.headers.location);
    assert.equal(`${loc.origin}${loc.pathname}`, CALLBACK);
    assert.equal(loc.hash, '', 'no fragment');
    assert.deepEqual([...loc.searchParams.keys()], ['code', 'state']);
    assert.equal(loc.searchParams.get('state'), state);
    assert.match(loc.searchParams.get('code'), /^[A-Za-z0-9_-]{43,}$/);
    assert.equal((await redeem(d, loc.searchParams.get('code'))).status, 200, 'the code is the real one');
  });
}

test('a state with a fragment and a parameter in the token flow stays inside the state', async () => {
  const state = 'y&access_token=evil#token_type=evil';
  const r = await follow(d, await newLink(d, token, { additional: { response_type: 'token', state } }));
  assert.equal(r.status, 302, r.text);
  assertCleanLocation(r);
  const loc = new URL(r.headers.location);
  assert.equal(loc.search, '');
  const f = new URLSearchParams(loc.hash.slice(1));
  assert.deepEqual([...f.keys()].sort(), ['access_token', 'expires_in', 'id_token', 'state', 'token_type']);
  assert.equal(f.get('state'), state);
  assert.equal(f.get('token_type'), 'Bearer');
});

test('without a state the redirect carries the code alone; a state as a form field is echoed the same', async () => {
  const { location } = await newCode(d, token, { additional: {} });
  assert.deepEqual([...location.searchParams.keys()], ['code']);
  const state = 'form & state #1';
  const r = await follow(d, await newLink(d, token, { form: true, additional: { state } }));
  assert.equal(r.status, 302, r.text);
  const loc = new URL(r.headers.location);
  assert.equal(loc.searchParams.get('state'), state);
  assert.deepEqual([...loc.searchParams.keys()], ['code', 'state']);
});

test('a state beyond the daemon\'s limit is a 400 at the impersonation endpoint, not a broken redirect', async () => {
  const r = await askLink(d, token, { additional: { state: 's'.repeat(5000) } });
  assert.equal(r.status, 400, r.text);
});

// Anyone can send made-up links: their refusals are counted per source
// address and written as one record when the window ends or the daemon
// stops, never one durable write each (DESIGN.md section 3).
test('200 GETs of made-up links: 400 access_denied each, no record until stop, then exactly one with count 200', async () => {
  const e = await startDaemon({ active: 'es256' });
  try {
    const n = records(e).length;
    for (let round = 0; round < 10; round++) {
      const all = await Promise.all(Array.from({ length: 20 }, (_, i) => e.request(
        `users/auth0%7Csupport-1/impersonate?&bewit=${randomBytes(32).toString('base64url')}${round}${i}`)));
      for (const r of all) assertRefused(r, 'a made-up link');
    }
    assert.deepEqual(records(e).slice(n), [], 'nothing written while the window lasts');
    // A link that exists, under another impersonator's path, keeps a record
    // of its own: it names a real impersonation.
    const u = new URL(await newLink(e, await impersonationToken(e), { additional: { state: 't' } }));
    const m = records(e).length;
    assertRefused(await e.request(`/users/auth0%7Csupport-2/impersonate${u.search}`), 'a tampered link');
    assert.deepEqual(records(e).slice(m).map((r) => [r.event, r.rule, r.count]), [['impersonation.link_refused', 'link_tampered', undefined]]);
    e.proc.kill('SIGTERM');
    while (!e.exited) await new Promise((r) => setTimeout(r, 20));
    assert.equal(e.exited.code, 0, e.log);
    const added = records(e).slice(m + 1).filter((r) => r.event !== 'service.stopped');
    assert.deepEqual(added.map((r) => [r.event, r.outcome, r.rule, r.ip, r.count, r.source]),
      [['link.unknown', 'denied', 'link_unknown_used_or_expired', '127.0.0.1', 200, 'frontend']]);
  } finally {
    await e.stop();
  }
});
