// Links and codes work once, for their lifetime, for their client and
// callback only: parallel use, replay (and the revocation it causes),
// expiry, and every way of presenting a code wrongly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon } from './lib/daemon.mjs';
import { records } from './lib/audit.mjs';
import { CALLBACK, follow, impersonationToken, newCode, newLink, redeem, userinfo } from './lib/flow.mjs';

let d, token;
before(async () => {
  d = await startDaemon({ active: 'es256' });
  token = await impersonationToken(d);
  // storefront proves itself once, as an application that has logged
  // someone in has: the limiter then lets its exchanges run at once.
  const { code } = await newCode(d, token, { additional: { state: 'proof' } });
  if ((await redeem(d, code)).status !== 200) throw new Error('storefront cannot redeem a code');
});
after(async () => { await d?.stop(); });

// Wait until just after the wall clock enters a new second.
async function nextSecond() {
  await new Promise((r) => setTimeout(r, 1020 - (Date.now() % 1000)));
}

function assertLinkRefused(r, why) {
  assert.equal(r.status, 400, `${why}: ${r.status} ${r.text}`);
  assert.equal(r.json?.error, 'access_denied', why);
  assert.equal(typeof r.json.error_description, 'string');
  assert.equal(r.headers.location, undefined, `${why}: no redirect`);
}

test('30 parallel GETs of one link: exactly one 302, every other one 400 access_denied without a Location', async () => {
  const link = await newLink(d, token, { additional: { state: 'race' } });
  const all = await Promise.all(Array.from({ length: 30 }, () => follow(d, link)));
  const won = all.filter((r) => r.status === 302);
  assert.equal(won.length, 1, `statuses: ${all.map((r) => r.status).join(' ')}`);
  assert.ok(new URL(won[0].headers.location).searchParams.get('code'));
  for (const r of all.filter((x) => x.status !== 302)) assertLinkRefused(r, 'a losing GET');
});

test('30 parallel redemptions of one code: exactly one 200, every other one invalid_grant; the replays revoke the winner', async () => {
  const { code } = await newCode(d, token, { additional: { state: 'race' } });
  const all = await Promise.all(Array.from({ length: 30 }, () => redeem(d, code)));
  const won = all.filter((r) => r.status === 200);
  assert.equal(won.length, 1, `statuses: ${all.map((r) => r.status).join(' ')}`);
  for (const r of all.filter((x) => x.status !== 200)) {
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error, 'invalid_grant');
    assert.equal(r.json.access_token, undefined);
  }
  // The other 29 were replays of a used code: what it issued is revoked.
  const ui = await userinfo(d, won[0].json.access_token);
  assert.equal(ui.status, 401, ui.text);
});

test('replay then revocation: the token works, the code is replayed (invalid_grant), the token is then refused with a Bearer challenge', async () => {
  const { code } = await newCode(d, token, { additional: { state: 'replay', scope: 'openid email' } });
  const first = await redeem(d, code);
  assert.equal(first.status, 200, first.text);
  const before = await userinfo(d, first.json.access_token);
  assert.equal(before.status, 200, before.text);
  assert.equal(before.json.email, 'alice@example.com');

  const again = await redeem(d, code);
  assert.equal(again.status, 400, again.text);
  assert.equal(again.json.error, 'invalid_grant');
  assert.equal(again.json.access_token, undefined);

  for (const method of ['GET', 'POST']) {
    const after = await d.request('userinfo', { method, headers: { authorization: `Bearer ${first.json.access_token}` } });
    assert.equal(after.status, 401, `${method}: ${after.text}`);
    assert.match(after.headers['www-authenticate'] ?? '', /^Bearer error="invalid_token"/);
  }
  // Another login's token is untouched by this revocation.
  const other = await newCode(d, token, { additional: { state: 'other' } });
  const t = await redeem(d, other.code);
  assert.equal((await userinfo(d, t.json.access_token)).status, 200);
});

// RFC 6749 section 4.1.3: the client is authenticated before the code is
// looked at.  A spent code travels in URLs (history, logs): whoever holds
// one without the client's secret must not be able to revoke the client's
// tokens with it, nor learn that it was used.
test('a replay by a caller without the client secret is 401 invalid_client and revokes nothing', async () => {
  const { code } = await newCode(d, token, { additional: { state: 'u' } });
  const first = await redeem(d, code);
  assert.equal(first.status, 200, first.text);
  const forged = await redeem(d, code, { secret: 'not-the-secret-0123456789abcdef' });
  assert.equal(forged.status, 401, `a replay with a wrong secret: ${forged.text}`);
  assert.equal(forged.json.error, 'invalid_client');
  const ui = await userinfo(d, first.json.access_token);
  assert.equal(ui.status, 200, `the client's token after an unauthenticated replay: ${ui.text}`);
  // The client itself replaying it does revoke.
  assert.equal((await redeem(d, code)).json.error, 'invalid_grant');
  assert.equal((await userinfo(d, first.json.access_token)).status, 401);
});

test('a code goes to its own client only: another client presenting it gets invalid_grant, the right one still redeems it', async () => {
  const { code } = await newCode(d, token, { additional: { state: 'c' } });
  // backoffice authenticates correctly but the code is storefront's.
  const wrong = await redeem(d, code, { client: 'backoffice' });
  assert.equal(wrong.status, 400, wrong.text);
  assert.equal(wrong.json.error, 'invalid_grant');
  const right = await redeem(d, code);
  assert.equal(right.status, 200, right.text);
});

test('redirect_uri must equal the callback byte for byte; a near miss leaves the code good', async () => {
  const { code } = await newCode(d, token, { additional: { state: 'r' } });
  for (const uri of [`${CALLBACK}/`, CALLBACK.slice(0, -1), CALLBACK.replace('callback', 'Callback'),
    CALLBACK.replace('http:', 'https:'), `${CALLBACK}?x=1`, CALLBACK.replace('127.0.0.1', 'localhost'), `${CALLBACK}#`]) {
    const r = await redeem(d, code, { redirect_uri: uri });
    assert.equal(r.status, 400, `${uri}: ${r.text}`);
    assert.equal(r.json.error, 'invalid_grant', uri);
  }
  const r = await redeem(d, code);
  assert.equal(r.status, 200, r.text);
});

test('a missing code or redirect_uri is invalid_request', async () => {
  const noCode = await redeem(d, undefined);
  assert.equal(noCode.status, 400, noCode.text);
  assert.equal(noCode.json.error, 'invalid_request');
  const { code } = await newCode(d, token, { additional: { state: 'm' } });
  const noUri = await redeem(d, code, { redirect_uri: null });
  assert.equal(noUri.status, 400, noUri.text);
  assert.equal(noUri.json.error, 'invalid_request');
  const unknown = await redeem(d, 'A'.repeat(43));
  assert.equal(unknown.status, 400, unknown.text);
  assert.equal(unknown.json.error, 'invalid_grant');
  assert.equal((await redeem(d, code)).status, 200, 'the code survived the malformed request');
});

test('a wrong secret is 401 invalid_client (with a Basic challenge for Basic) and leaves the code good', async () => {
  const { code } = await newCode(d, token, { additional: { state: 'w' } });
  const post = await redeem(d, code, { secret: 'not-the-secret-0123456789abcdef' });
  assert.equal(post.status, 401, post.text);
  assert.equal(post.json.error, 'invalid_client');
  const basic = await redeem(d, code, { secret: 'not-the-secret-0123456789abcdef', basic: true });
  assert.equal(basic.status, 401, basic.text);
  assert.equal(basic.json.error, 'invalid_client');
  assert.match(basic.headers['www-authenticate'] ?? '', /^Basic /);
  const r = await redeem(d, code, { basic: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.equal(r.headers.pragma, 'no-cache');
});

test('a code is not a bearer token at /userinfo, and showing it there does not spend it', async () => {
  const { code } = await newCode(d, token, { additional: { state: 'z' } });
  const ui = await userinfo(d, code);
  assert.equal(ui.status, 401, ui.text);
  assert.equal((await redeem(d, code)).status, 200);
});

test('links and codes expire: link_ttl 1 and code_ttl 1, after 2.2 s the link is access_denied and the code invalid_grant', async () => {
  const short = await startDaemon({ active: 'es256', mutate: (c) => { c.impersonation.link_ttl = 1; c.impersonation.code_ttl = 1; } });
  try {
    const t = await impersonationToken(short);
    // Used at once, both work: what follows fails because of time alone.
    // (The daemon counts whole seconds: start just after one begins.)
    await nextSecond();
    const fresh = await newCode(short, t, { additional: { state: 'now' } });
    assert.equal((await redeem(short, fresh.code)).status, 200);

    const link = await newLink(short, t, { additional: { state: 'later' } });
    const { code } = await newCode(short, t, { additional: { state: 'later' } });
    await new Promise((r) => setTimeout(r, 2200));
    assertLinkRefused(await follow(short, link), 'an expired link');
    const r = await redeem(short, code);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error, 'invalid_grant');
  } finally {
    await short.stop();
  }
});

// A replayed code revokes only the tokens of that code, only when the
// client that replays it is the client it was issued to (DESIGN.md section
// 3), and only while the store still knows the code as spent: a code it no
// longer knows (expired, never issued, or spent longer ago than code_ttl)
// is just invalid_grant, revokes nothing and costs no audit record.
test('after code_ttl a replay revokes nothing, whoever presents the code; another client never revokes', async () => {
  const short = await startDaemon({ active: 'es256', mutate: (c) => { c.impersonation.code_ttl = 1; } });
  try {
    await nextSecond();
    const t = await impersonationToken(short);
    const { code } = await newCode(short, t, { additional: { state: 'late' } });
    const first = await redeem(short, code);
    assert.equal(first.status, 200, first.text);
    // Within its life, another client presenting the spent code revokes nothing.
    for (const client of ['backoffice', 'reader']) {
      const r = await redeem(short, code, { client });
      assert.equal(r.json?.error, 'invalid_grant', `${client}: ${r.text}`);
    }
    assert.equal((await userinfo(short, first.json.access_token)).status, 200, 'another client\'s early replay');
    await new Promise((r) => setTimeout(r, 2200));
    const n = records(short).length;
    for (const client of ['backoffice', 'reader', 'storefront']) {
      const r = await redeem(short, code, { client });
      assert.equal(r.status, 400, `${client}: ${r.text}`);
      assert.equal(r.json.error, 'invalid_grant', client);
      const ui = await userinfo(short, first.json.access_token);
      assert.equal(ui.status, 200, `the token after ${client} presented the forgotten code: ${ui.text}`);
    }
    assert.deepEqual(records(short).slice(n), [], 'a forgotten code costs no record');
  } finally {
    await short.stop();
  }
});

test('a code never issued is invalid_grant for its presenter, revokes nothing and writes no record', async () => {
  const n = records(d).length;
  const r = await redeem(d, 'B'.repeat(43));
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error, 'invalid_grant');
  assert.deepEqual(records(d).slice(n), []);
});
