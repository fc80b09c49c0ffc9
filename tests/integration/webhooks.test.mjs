// Webhooks (DESIGN.md section 8): impersonation.started, .ended and
// .denied, built and signed by the signer, delivered by the front end per
// the Standard Webhooks specification, and verified here by an
// independent implementation (the standardwebhooks package); each webhook
// gets only the events it is sent; failures are retried with the same
// webhook-id and a fresh signature, and an outage of the receiver shorter
// than the retry window loses nothing; every delivery is on the record.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { Webhook } from 'standardwebhooks';
import { records } from './lib/audit.mjs';
import { clientToken, freePort, startDaemon } from './lib/daemon.mjs';
import { ADMIN, CUSTOMER, SUPPORT, askLink, impersonationToken, newCode, redeem } from './lib/flow.mjs';

const whsec = () => `whsec_${randomBytes(32).toString('base64')}`;

// A receiver: status(n, req) answers its n-th POST (from 1); every POST is
// kept with its raw body and headers.
function receiver(status = () => 204) {
  const got = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      got.push({ at: Date.now(), body: Buffer.concat(chunks), headers: req.headers });
      res.statusCode = status(got.length, req);
      res.end();
    });
  });
  const r = {
    got, server, port: 0, secret: whsec(),
    listen: () => new Promise((ok) => server.listen(r.port, '127.0.0.1', ok)),
    close: () => new Promise((ok) => { server.close(ok); server.closeAllConnections(); }),
    url: () => `http://127.0.0.1:${r.port}/hook`,
    // The events it took (a 2xx), verified; those it refused, as they came.
    verified: () => r.got.map((g) => ({ ...g, event: new Webhook(r.secret).verify(g.body, g.headers) })),
  };
  return r;
}

async function until(what, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = what();
    if (v) return v;
    if (Date.now() > end) return undefined;
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

let d, all, denials, flaky, token, ops;
const flakyFailures = new Map();	// webhook-id -> failures still to give

before(async () => {
  all = receiver();
  denials = receiver();
  // The first two attempts at each event fail: a 500, then a 503.
  flaky = receiver((n, req) => {
    const id = req.headers['webhook-id'];
    const left = flakyFailures.has(id) ? flakyFailures.get(id) : 2;
    flakyFailures.set(id, left - 1);
    return left === 2 ? 500 : left === 1 ? 503 : 200;
  });
  for (const r of [all, denials, flaky]) {
    r.port = await freePort();
    await r.listen();
  }
  d = await startDaemon({
    mutate: (c) => {
      c.webhooks = [
        { url: all.url(), events: ['impersonation.started', 'impersonation.ended', 'impersonation.denied'] },
        { url: denials.url(), events: ['impersonation.denied'] },
        { url: flaky.url(), events: ['impersonation.ended'] },
      ];
      c.clients.push({ client_id: 'overseer', name: 'ops', app_type: 'non_interactive',
        grant_types: ['client_credentials'], scopes: ['end:impersonations'] });
    },
    beforeStart: (dir) => {
      const f = join(dir, 'secrets.json');
      const s = JSON.parse(readFileSync(f, 'utf8'));
      for (const r of [all, denials, flaky]) s[`webhook:${r.url()}`] = r.secret;
      s.overseer = randomBytes(32).toString('base64url');
      writeFileSync(f, JSON.stringify(s), { mode: 0o600 });
    },
  });
  token = await impersonationToken(d);
  ops = (await clientToken(d, 'overseer')).access_token;
});

after(async () => {
  await d?.stop();
  for (const r of [all, denials, flaky]) await r?.close();
});

test('an impersonation started and ended: both events, signed by the signer, verified by standardwebhooks, with the session\'s facts', async () => {
  const { code } = await newCode(d, token, { body: { reason: 'ticket 9000' } });
  const sid = decodeJwt((await redeem(d, code)).json.id_token).sid;
  const del = await d.request(`api/v2/impersonations/${sid}`, { method: 'DELETE', headers: { authorization: `Bearer ${ops}` } });
  assert.equal(del.status, 204, del.text);
  const got = await until(() => {
    const v = all.verified().filter((g) => g.event.data?.sid === sid);
    return v.length === 2 && v;
  });
  assert.ok(got, `the receiver got: ${all.got.map((g) => g.body.toString()).join('\n')}\n${d.log.slice(-1500)}`);
  const [started, ended] = got.map((g) => g.event);
  assert.equal(started.type, 'impersonation.started');
  assert.deepEqual(started.data, { sid, user_id: CUSTOMER, impersonator_id: SUPPORT, client_id: 'storefront', caller: 'backoffice', reason: 'ticket 9000' });
  assert.equal(ended.type, 'impersonation.ended');
  assert.deepEqual(ended.data, { sid, user_id: CUSTOMER, impersonator_id: SUPPORT, client_id: 'storefront', cause: 'ended', ended_by: 'overseer' });
  for (const g of got) {
    assert.match(g.headers['webhook-id'], /^msg_[A-Za-z0-9_-]{22}$/);
    assert.match(g.headers['webhook-signature'], /^v1,[A-Za-z0-9+/]{43}=$/);
    assert.ok(Math.abs(Number(g.headers['webhook-timestamp']) - g.at / 1000) < 5, 'signed when it was sent');
    assert.equal(g.headers['content-type'], 'application/json');
    assert.ok(!Number.isNaN(Date.parse(g.event.timestamp)));
  }
  assert.notEqual(got[0].headers['webhook-id'], got[1].headers['webhook-id']);
  // The same signature does not hold for another body, nor under another
  // webhook's secret: the check above can fail.
  const tampered = Buffer.from(got[0].body.toString().replace('ticket 9000', 'ticket 9001'));
  assert.throws(() => new Webhook(all.secret).verify(tampered, got[0].headers));
  assert.throws(() => new Webhook(denials.secret).verify(got[0].body, got[0].headers));
  assert.ok(!denials.got.some((g) => g.body.includes(sid)), 'a webhook sent only denials got neither');
  const delivered = await until(() => records(d).filter((r) => r.event === 'webhook.delivered' && r.sid === sid && r.detail?.endsWith(all.url())).length === 2);
  assert.ok(delivered, 'both deliveries on the record');
});

test('a refused request: impersonation.denied to both webhooks sent it, with the rule', async () => {
  const r = await askLink(d, token, { userId: ADMIN, body: { reason: 'not allowed' } });
  assert.equal(r.status, 403, r.text);
  for (const rx of [all, denials]) {
    const got = await until(() => rx.verified().find((g) => g.event.type === 'impersonation.denied' && g.event.data.reason === 'not allowed'));
    assert.ok(got, `${rx.url()} got no denial`);
    assert.deepEqual(got.event.data, { user_id: ADMIN, impersonator_id: SUPPORT, client_id: 'storefront', caller: 'backoffice', reason: 'not allowed', rule: got.event.data.rule });
    assert.match(got.event.data.rule, /protected/);
  }
});

test('refused twice, then taken: the same webhook-id each time, a new timestamp and a signature that verifies each time', async () => {
  const { code } = await newCode(d, token);
  const sid = decodeJwt((await redeem(d, code)).json.id_token).sid;
  assert.equal((await d.request(`api/v2/impersonations/${sid}`, { method: 'DELETE', headers: { authorization: `Bearer ${ops}` } })).status, 204);
  const tries = await until(() => {
    const v = flaky.got.filter((g) => g.body.includes(sid));
    return v.length === 3 && v;
  });
  assert.ok(tries, `attempts: ${flaky.got.length}`);
  assert.equal(new Set(tries.map((g) => g.headers['webhook-id'])).size, 1, 'one event, one id');
  for (const g of tries) new Webhook(flaky.secret).verify(g.body, g.headers);	// throws if not
  assert.ok(tries[1].at - tries[0].at >= 450 && tries[2].at - tries[1].at >= 950, 'backing off');
  const rec = await until(() => records(d).find((r) => r.event === 'webhook.delivered' && r.sid === sid && r.detail?.includes(flaky.url())));
  assert.equal(rec?.outcome, 'ok');
});

test('a receiver down for a few seconds loses nothing: the event arrives when it is back, verified', async () => {
  await all.close();
  const before = all.got.length;
  const { code } = await newCode(d, token, { body: { reason: 'during the outage' } });
  const sid = decodeJwt((await redeem(d, code)).json.id_token).sid;
  await new Promise((ok) => setTimeout(ok, 4000));
  assert.equal(all.got.length, before, 'nothing arrived while it was down');
  await all.listen();
  const got = await until(() => all.verified().find((g) => g.event.data?.sid === sid), 60000);
  assert.ok(got, 'the started event arrived after the outage');
  assert.equal(got.event.type, 'impersonation.started');
  const rec = await until(() => records(d).find((r) => r.event === 'webhook.delivered' && r.sid === sid && r.detail?.endsWith(all.url())));
  assert.equal(rec?.outcome, 'ok');
});

test('a webhook without its secret, or with one that is not whsec_ and 24 to 64 bytes of base64: the daemon does not start, and says which', async () => {
  const url = 'http://127.0.0.1:9/hook';
  const cases = [
    [undefined, /no "webhook:http:\/\/127\.0\.0\.1:9\/hook"/],
    ['not-a-secret', /must be "whsec_" and the base64 of 24 to 64 bytes/],
    [`whsec_${randomBytes(16).toString('base64')}`, /must be "whsec_"/],
    [`whsec_${randomBytes(32).toString('base64url')}!`, /must be "whsec_"/],
  ];
  for (const [secret, said] of cases) {
    await assert.rejects(startDaemon({
      mutate: (c) => { c.webhooks = [{ url, events: ['impersonation.started'] }]; },
      beforeStart: (dir) => {
        const f = join(dir, 'secrets.json');
        const s = JSON.parse(readFileSync(f, 'utf8'));
        if (secret !== undefined) s[`webhook:${url}`] = secret;
        writeFileSync(f, JSON.stringify(s), { mode: 0o600 });
      },
    }), said, String(secret));
  }
});

test('an event still being retried when the daemon stops is on the record as still queued, not silently dropped', async () => {
  const port = await freePort();	// nothing listens there
  const url = `http://127.0.0.1:${port}/hook`;
  const x = await startDaemon({
    mutate: (c) => { c.webhooks = [{ url, events: ['impersonation.denied'] }]; },
    beforeStart: (dir) => {
      const f = join(dir, 'secrets.json');
      const s = JSON.parse(readFileSync(f, 'utf8'));
      s[`webhook:${url}`] = whsec();
      writeFileSync(f, JSON.stringify(s), { mode: 0o600 });
    },
  });
  try {
    assert.equal((await askLink(x, await impersonationToken(x), { userId: ADMIN })).status, 403);
    await new Promise((ok) => setTimeout(ok, 1500));	// an attempt or two refused
    x.proc.kill('SIGTERM');
    await until(() => x.exited);
    const rec = records(x).find((r) => r.event === 'webhook.delivered');
    assert.ok(rec, `no record:\n${x.log.slice(-1500)}`);
    assert.equal(rec.outcome, 'failed');
    assert.match(rec.detail, new RegExp(`^impersonation\\.denied to ${url.replace(/[.]/g, '\\.')}: \\d+ attempts; the last: the daemon stopped with it still queued`));
    assert.equal(rec.source, 'frontend');
  } finally {
    await x.stop();
  }
});
