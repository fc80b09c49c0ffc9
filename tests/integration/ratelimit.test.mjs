// Failed client authentications are limited per client_id and source
// address (DESIGN.md section 3): after 10 in a minute that client gets 429
// with Retry-After from that address, even with the right secret; from
// another address, and for every other client, nothing changes.  Attempts
// count when they arrive, not when the signer answers; an unknown client_id
// is limited like a known one; the failures are audited once per client
// and address per window, with a count.  The daemons trust 127.0.0.1 as a
// proxy, so that X-Forwarded-For makes one test process many addresses.
// Their own daemons: the limit lasts a minute and would disturb any test
// that shares them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { startDaemon, clientToken, send } from './lib/daemon.mjs';
import { records } from './lib/audit.mjs';
import { impersonationToken, newCode, redeem } from './lib/flow.mjs';

const proxied = { mutate: (c) => { c.trusted_proxies = ['127.0.0.1']; } };
const from = (ip) => ({ 'x-forwarded-for': ip });
const WRONG = (i) => `wrong-secret-${i}-0123456789abcdef`;

let d, token, codes;
before(async () => {
  d = await startDaemon({ active: 'es256', ...proxied });
  // storefront's codes, made while nothing is limited yet.
  token = await impersonationToken(d);
  codes = [];
  for (const state of ['a', 'b', 'c']) codes.push((await newCode(d, token, { additional: { state } })).code);
});
after(async () => { await d?.stop(); });

const cc = (daemon, client, secret, headers = {}) => daemon.request('oauth/token', {
  method: 'POST', headers, body: { grant_type: 'client_credentials', client_id: client, client_secret: secret },
});

// n requests sent at once: first n keep-alive connections are opened (and
// their TLS handshakes done, one at a time, by the front end), then every
// request goes out in the same turn, so that all of them reach the front
// end before the signer has answered any.
async function burst(daemon, n, path, { method = 'POST', headers = {}, body } = {}) {
  const agent = new Agent({ keepAlive: true, maxSockets: n, ca: daemon.ca });
  try {
    await Promise.all(Array.from({ length: n }, () => send(daemon, path, { agent })));
    return await Promise.all(Array.from({ length: n }, (_, i) => send(daemon, path, {
      method, headers, agent, body: typeof body === 'function' ? body(i) : body,
    })));
  } finally {
    agent.destroy();
  }
}

function assertLimited(r, why) {
  assert.equal(r.status, 429, `${why}: ${r.text}`);
  const wait = Number(r.headers['retry-after']);
  assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= 60, `${why}: Retry-After: ${r.headers['retry-after']}`);
  assert.equal(typeof r.json?.error, 'string');
  assert.equal(r.json.access_token, undefined);
}

test('10 failed authentications of one client: the 11th request gets 429 with Retry-After; other clients are not affected', async () => {
  for (let i = 0; i < 10; i++) {
    const r = await cc(d, 'backoffice', WRONG(i));
    assert.equal(r.status, 401, `failure ${i + 1}: ${r.text}`);
    assert.equal(r.json.error, 'invalid_client');
  }
  // The right secret now waits too: a guesser cannot tell a hit.
  assertLimited(await cc(d, 'backoffice', d.secrets.backoffice), 'the right secret after ten failures');
  // HTTP Basic for the same client_id is the same client.
  const basic = d.request('oauth/token', {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`backoffice:${d.secrets.backoffice}`).toString('base64')}` },
    body: { grant_type: 'client_credentials' },
  });
  assert.equal((await basic).status, 429);

  // Nobody else is slowed down: another client_credentials client, and storefront's code exchange.
  const t = await clientToken(d, 'reader');
  assert.equal(t.token_type, 'Bearer');
  const r = await redeem(d, codes[0]);
  assert.equal(r.status, 200, r.text);
});

test('failed authentications at the code exchange count against that client as well', async () => {
  for (let i = 0; i < 10; i++) {
    const x = await redeem(d, codes[1], { secret: WRONG(i) });
    assert.equal(x.status, 401, `failure ${i + 1}: ${x.text}`);
  }
  assertLimited(await redeem(d, codes[1]), 'the right secret after ten failures');
  // reader was never limited by storefront's failures.
  assert.equal((await clientToken(d, 'reader')).token_type, 'Bearer');
});

test('ten failures from one address never lock the real client out from another', async () => {
  const A = from('203.0.113.1');
  const B = from('203.0.113.2');
  for (let i = 0; i < 10; i++) assert.equal((await cc(d, 'reader', WRONG(i), A)).status, 401);
  assertLimited(await cc(d, 'reader', d.secrets.reader, A), 'the right secret from the guesser\'s address');
  const other = await cc(d, 'reader', d.secrets.reader, B);
  assert.equal(other.status, 200, `the right secret from another address: ${other.text}`);

  // The same at the code exchange: storefront guessed at from A, redeeming from B.
  for (let i = 0; i < 10; i++) {
    const x = await d.request('oauth/token', {
      method: 'POST', headers: A,
      body: { grant_type: 'authorization_code', code: codes[2], redirect_uri: 'http://127.0.0.1:3000/callback', client_id: 'storefront', client_secret: WRONG(i) },
    });
    assert.equal(x.status, 401, x.text);
  }
  const fromB = await d.request('oauth/token', {
    method: 'POST', headers: B,
    body: { grant_type: 'authorization_code', code: codes[2], redirect_uri: 'http://127.0.0.1:3000/callback', client_id: 'storefront', client_secret: d.secrets.storefront },
  });
  assert.equal(fromB.status, 200, `storefront's exchange from another address: ${fromB.text}`);
});

test('a proven client keeps its concurrency: 40 tokens and 40 code exchanges at once, no 429', async () => {
  const S = from('198.51.100.40');
  const many = [];
  for (let i = 0; i < 40; i++) many.push((await newCode(d, token, { additional: { state: `m${i}` } })).code);
  // One good answer each proves the client from this address.
  assert.equal((await cc(d, 'backoffice', d.secrets.backoffice, S)).status, 200);
  const first = await d.request('oauth/token', {
    method: 'POST', headers: S,
    body: { grant_type: 'authorization_code', code: many.pop(), redirect_uri: 'http://127.0.0.1:3000/callback', client_id: 'storefront', client_secret: d.secrets.storefront },
  });
  assert.equal(first.status, 200, first.text);
  const tokens = await Promise.all(Array.from({ length: 40 }, () => cc(d, 'backoffice', d.secrets.backoffice, S)));
  assert.deepEqual([...new Set(tokens.map((r) => r.status))], [200], 'client_credentials at once');
  const exchanged = await Promise.all(many.map((code) => d.request('oauth/token', {
    method: 'POST', headers: S,
    body: { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:3000/callback', client_id: 'storefront', client_secret: d.secrets.storefront },
  })));
  assert.deepEqual([...new Set(exchanged.map((r) => r.status))], [200], 'code exchanges at once');
});

// What the signer answered is what the aggregate records count: read them
// once the daemon has stopped.
test('counted when they arrive, unknown ids alike, audited once per client and address with a count', async (t) => {
  const e = await startDaemon({ active: 'es256', ...proxied });
  let stopped = false;
  t.after(async () => { if (!stopped) await e.stop(); });
  const n0 = records(e).length;

  await t.test('30 wrong secrets sent at once from one address: 10 reach the signer, 20 get 429', async () => {
    const all = await burst(e, 30, 'oauth/token', {
      headers: from('192.0.2.30'),
      body: (i) => ({ grant_type: 'client_credentials', client_id: 'reader', client_secret: WRONG(i) }),
    });
    const statuses = all.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 401).length, 10, `statuses: ${statuses.join(' ')}`);
    assert.equal(statuses.filter((s) => s === 429).length, 20, `statuses: ${statuses.join(' ')}`);
    for (const r of all.filter((x) => x.status === 429)) assertLimited(r, 'a guess beyond the tenth');
  });

  await t.test('an unknown client_id is limited like a known one: the same answers, in the same order', async () => {
    const run = async (client, ip) => {
      const out = [];
      for (let i = 0; i < 12; i++) {
        const r = await cc(e, client, WRONG(i), from(ip));
        out.push({ status: r.status, error: r.json?.error, description: r.json?.error_description, wait: r.headers['retry-after'] !== undefined });
      }
      return out;
    };
    const known = await run('backoffice', '192.0.2.31');
    const unknown = await run('no-such-client', '192.0.2.32');
    assert.deepEqual(known.map((x) => x.status), [...Array(10).fill(401), 429, 429]);
    assert.deepEqual(unknown, known);
  });

  await t.test('no record for each guess', async () => {
    assert.deepEqual(records(e).slice(n0), [], 'nothing is written while the windows last');
  });

  await t.test('at stop, one client.authentication_failed per client and address, with the count the signer answered', async () => {
    e.proc.kill('SIGTERM');
    const until = Date.now() + 10000;
    while (!e.exited && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(e.exited?.code, 0, e.log);
    stopped = true;
    const failed = records(e).slice(n0).filter((r) => r.event === 'client.authentication_failed');
    const seen = failed.map((r) => [r.client_id, r.ip, r.count, r.outcome, r.source]).sort();
    assert.deepEqual(seen, [
      ['backoffice', '192.0.2.31', 10, 'denied', 'frontend'],
      ['no-such-client', '192.0.2.32', 10, 'denied', 'frontend'],
      ['reader', '192.0.2.30', 10, 'denied', 'frontend'],
    ]);
    await e.stop();
  });
});

// One address cycling through made-up client_ids made a key each (an
// unknown client gets its 401 after one signer round trip) until the
// table was full; then every new client-and-address pair anywhere got 429.
// Now one source's failures across all client_ids are bounded (100 a
// window), counted on arrival, and an IPv6 source is its /64.
test('made-up client_ids from one address: 429 after 100, whatever the id; other addresses and /64s are not affected', async (t) => {
  const e = await startDaemon({ active: 'es256', ...proxied });
  let stopped = false;
  t.after(async () => { if (!stopped) await e.stop(); });
  const agent = new Agent({ keepAlive: true, maxSockets: 10, ca: e.ca });
  t.after(() => agent.destroy());
  // n guesses, ten at a time (never more than 100 at the signer at once,
  // so that every answer is a 401 until 100 failures); source(i) says from where.
  const guesses = async (n, first, source) => {
    const out = [];
    for (let i = 0; i < n; i += 10) {
      out.push(...await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, j) => send(e, 'oauth/token', {
        method: 'POST', agent, headers: from(source(i + j)),
        body: { grant_type: 'client_credentials', client_id: `made-up-${first + i + j}`, client_secret: WRONG(i + j) },
      }))));
    }
    for (const r of out.filter((x) => x.status === 429)) {
      assertLimited(r, 'a made-up id past 100');
      assert.ok(Number(r.headers['retry-after']) > 1, `until the window ends: Retry-After ${r.headers['retry-after']}`);
    }
    return out.map((r) => r.status);
  };
  const n0 = records(e).length;

  assert.deepEqual(await guesses(130, 0, () => '192.0.2.77'), [...Array(100).fill(401), ...Array(30).fill(429)]);
  const other = await cc(e, 'backoffice', e.secrets.backoffice, from('192.0.2.78'));
  assert.equal(other.status, 200, `backoffice from another address: ${other.text}`);

  // Every address of a /64 is one source.
  assert.deepEqual(await guesses(110, 1000, (i) => `2001:db8:1:2::${(i + 1).toString(16)}`), [...Array(100).fill(401), ...Array(10).fill(429)]);
  const next = await cc(e, 'backoffice', e.secrets.backoffice, from('2001:db8:1:3::abcd'));
  assert.equal(next.status, 200, `backoffice from the next /64: ${next.text}`);

  // The counts are recorded by /64; a record of one request has the whole address.
  e.proc.kill('SIGTERM');
  const until = Date.now() + 10000;
  while (!e.exited && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  assert.equal(e.exited?.code, 0, e.log);
  stopped = true;
  const added = records(e).slice(n0);
  const failed = added.filter((r) => r.event === 'client.authentication_failed');
  assert.equal(failed.length, 200, 'one record per made-up id that reached the signer');
  assert.deepEqual([...new Set(failed.map((r) => `${r.ip} ${r.count}`))].sort(), ['192.0.2.77 1', '2001:db8:1:2::/64 1']);
  assert.deepEqual(added.filter((r) => r.event === 'token.issued').map((r) => r.ip), ['192.0.2.78', '2001:db8:1:3::abcd']);
  await e.stop();
});
