// Impersonation sessions (DESIGN.md section 8): every followed link begins
// one, listed by the Management API while it is active; ending it (DELETE,
// or its own expiry) revokes its tokens at once at /userinfo and in the
// bearer check, refuses its code, and is on the signer's record with the
// cause and who ended it; the application that registered a
// backchannel_logout_uri is told, with retries, each outcome on the record.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { records } from './lib/audit.mjs';
import { build, clientToken, freePort } from './lib/daemon.mjs';
import { CUSTOMER, SUPPORT, follow, impersonationToken, newCode, newLink, redeem, startWithClients, userinfo } from './lib/flow.mjs';

const OVERSEER = {
  client: {
    client_id: 'overseer', name: 'ops', app_type: 'non_interactive',
    grant_types: ['client_credentials'],
    scopes: ['read:impersonations', 'end:impersonations'],
  },
};
const WATCHER = {
  client: {
    client_id: 'watcher', name: 'read only', app_type: 'non_interactive',
    grant_types: ['client_credentials'], scopes: ['read:impersonations'],
  },
};

let d, token, overseer, watcher;
before(async () => {
  d = await startWithClients([OVERSEER, WATCHER], {
    mutate: (conf) => { conf.impersonation.token_ttl = 8; },
  });
  token = await impersonationToken(d);
  overseer = (await clientToken(d, 'overseer')).access_token;
  watcher = (await clientToken(d, 'watcher')).access_token;
});
after(async () => { await d?.stop(); });

const api = (path, bearer, method = 'GET') =>
  d.request(`api/v2/${path}`, { method, headers: { authorization: `Bearer ${bearer}` } });

// A code login of the customer by support-1: the tokens and their sid.
async function login(reason) {
  const { code } = await newCode(d, token, { body: { reason } });
  const r = await redeem(d, code);
  assert.equal(r.status, 200, r.text);
  const sid = decodeJwt(r.json.id_token).sid;
  return { ...r.json, sid };
}

test('a followed link begins a session: its sid is in both tokens, and the API lists it while active', async () => {
  const t = await login('ticket 1');
  assert.match(t.sid, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(decodeJwt(t.access_token).sid, t.sid);
  const one = await api(`impersonations/${t.sid}`, watcher);
  assert.equal(one.status, 200, one.text);
  assert.equal(one.json.sid, t.sid);
  assert.equal(one.json.user_id, CUSTOMER);
  assert.equal(one.json.impersonator_id, SUPPORT);
  assert.equal(one.json.client_id, 'storefront');
  assert.equal(one.json.reason, 'ticket 1');
  assert.equal(one.json.active, true);
  assert.equal(one.json.ended_at, null);
  assert.deepEqual(one.json.tokens, [decodeJwt(t.access_token).jti]);
  const list = await api('impersonations?active=true&include_totals=true', watcher);
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.impersonations.some((s) => s.sid === t.sid));
  assert.equal(list.json.total, list.json.impersonations.length);
});

test('DELETE ends a session: its token is refused at /userinfo and in the bearer check at once, and it leaves the active list', async () => {
  const t = await login('ticket 2');
  assert.equal((await userinfo(d, t.access_token)).status, 200);
  const del = await api(`impersonations/${t.sid}`, overseer, 'DELETE');
  assert.equal(del.status, 204, del.text);
  const u = await userinfo(d, t.access_token);
  assert.equal(u.status, 401, u.text);
  assert.match(u.headers['www-authenticate'], /revoked/);
  const one = await api(`impersonations/${t.sid}`, watcher);
  assert.equal(one.json.active, false);
  assert.equal(one.json.end_cause, 'ended');
  assert.ok(one.json.ended_at);
  const active = await api('impersonations?active=true', watcher);
  assert.ok(!active.json.some((s) => s.sid === t.sid), 'listed as active after its end');
  const all = await api('impersonations', watcher);
  assert.ok(all.json.some((s) => s.sid === t.sid && !s.active), 'an ended session stays listed');
  const ended = records(d).filter((r) => r.event === 'impersonation.ended' && r.sid === t.sid);
  assert.equal(ended.length, 1);
  assert.equal(ended[0].cause, 'ended');
  assert.equal(ended[0].ended_by, 'overseer');
  assert.equal(ended[0].user_id, CUSTOMER);
  assert.equal(ended[0].impersonator_id, SUPPORT);
  // A second DELETE changes nothing and records nothing.
  assert.equal((await api(`impersonations/${t.sid}`, overseer, 'DELETE')).status, 204);
  assert.equal(records(d).filter((r) => r.event === 'impersonation.ended' && r.sid === t.sid).length, 1);
});

test('a session ended before its code is exchanged: the code is refused by the signer', async () => {
  const link = await newLink(d, token, { body: { reason: 'ticket 3' } });
  const r = await follow(d, link);
  assert.equal(r.status, 302);
  const code = new URL(r.headers.location).searchParams.get('code');
  const list = await api('impersonations?active=true', watcher);
  const s = list.json.find((x) => x.reason === 'ticket 3');
  assert.ok(s, 'the session begun by the followed link is listed');
  assert.deepEqual((await api(`impersonations/${s.sid}`, watcher)).json.tokens, []);
  assert.equal((await api(`impersonations/${s.sid}`, overseer, 'DELETE')).status, 204);
  const x = await redeem(d, code);
  assert.equal(x.status, 400, x.text);
  assert.equal(x.json.error, 'invalid_grant');
  assert.ok(records(d).some((q) => q.event === 'impersonation.code_refused' && q.rule === 'session_ended' && q.sid === s.sid));
});

test('a signer that answers the DELETE too late: the tokens are refused at once all the same, and the end is asked for again until it is on the record, once', async () => {
  const t = await login('ticket late');
  const signer = d.children().find((c) => c.name === 'guise-signer');
  process.kill(signer.pid, 'SIGSTOP');
  let del;
  try {
    del = await api(`impersonations/${t.sid}`, overseer, 'DELETE');
    // The bearer check is the front end's own: no signer needed to refuse.
    const u = await userinfo(d, t.access_token);
    assert.equal(u.status, 401, `${u.status} ${u.text}`);
  } finally {
    process.kill(signer.pid, 'SIGCONT');
  }
  assert.equal(del.status, 503, del.text);
  const until = Date.now() + 10000;
  const ends = () => records(d).filter((r) => r.event === 'impersonation.ended' && r.sid === t.sid);
  while (ends().length === 0 && Date.now() < until) await new Promise((ok) => setTimeout(ok, 100));
  await new Promise((ok) => setTimeout(ok, 2500));	// the retries come and go
  assert.equal(ends().length, 1, 'on the record once');
  assert.equal(ends()[0].ended_by, 'overseer');
  assert.equal((await api(`impersonations/${t.sid}`, overseer, 'DELETE')).status, 204);
  assert.equal((await userinfo(d, t.access_token)).status, 401);
});

test('the scopes: reading needs read:impersonations, ending needs end:impersonations', async () => {
  const t = await login('ticket 4');
  assert.equal((await api('impersonations', token)).status, 403);
  assert.equal((await api(`impersonations/${t.sid}`, token)).status, 403);
  const del = await api(`impersonations/${t.sid}`, watcher, 'DELETE');
  assert.equal(del.status, 403, del.text);
  assert.equal(del.json.errorCode, 'insufficient_scope');
  assert.equal((await userinfo(d, t.access_token)).status, 200, 'a refused DELETE ends nothing');
  assert.equal((await api('impersonations/nope', watcher)).status, 404);
  assert.equal((await api('impersonations?page=x', watcher)).status, 400);
  assert.equal((await api('impersonations?colour=red', watcher)).status, 400);
  assert.equal((await d.request('api/v2/impersonations')).status, 401);
});

test('a session ends by itself at token_ttl: on the record as expired, its token never good past it, and its code refused once it is over', async () => {
  const { code: late } = await newCode(d, token, { body: { reason: 'ticket 5, a code kept' } });
  const t = await login('ticket 5');
  const claims = decodeJwt(t.access_token);
  assert.ok(claims.exp - claims.iat <= 8, 'the token lives no longer than its session');
  const until = Date.now() + 30000;
  let one;
  do {
    await new Promise((r) => setTimeout(r, 250));
    one = await api(`impersonations/${t.sid}`, watcher);
  } while (one.json.end_cause !== 'expired' && Date.now() < until);
  assert.equal(one.json.end_cause, 'expired', one.text);
  assert.equal(one.json.active, false);
  const ended = records(d).filter((r) => r.event === 'impersonation.ended' && r.sid === t.sid);
  assert.equal(ended.length, 1);
  assert.equal(ended[0].cause, 'expired');
  assert.equal(ended[0].ended_by, undefined);
  // The kept code's session began before t's: it is over too, by now.
  const x = await redeem(d, late);
  assert.equal(x.status, 400, x.text);
  assert.equal(x.json.error, 'invalid_grant');
  const refused = records(d).find((r) => r.event === 'impersonation.code_refused' && r.reason === 'ticket 5, a code kept');
  assert.ok(['session_expired', 'session_ended'].includes(refused?.rule), JSON.stringify(refused));
});

// A receiver for storefront's back-channel logout: answers with status(n)
// for the n-th POST (from 1), keeping each logout_token.
async function receiver(status) {
  const got = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (s) => { body += s; });
    req.on('end', () => {
      got.push({ at: Date.now(), type: req.headers['content-type'], token: new URLSearchParams(body).get('logout_token') });
      res.statusCode = status(got.length);
      res.end();
    });
  });
  return { got, server, listen: (port) => new Promise((ok) => server.listen(port, '127.0.0.1', ok)) };
}

async function waitFor(what, until = Date.now() + 45000) {
  for (;;) {
    const r = what();
    if (r) return r;
    if (Date.now() > until) return undefined;
    await new Promise((ok) => setTimeout(ok, 200));
  }
}

test('back-channel logout: refused twice, then taken; one logout token, retried, with exactly the claims of the specification; on the record', async () => {
  const port = await freePort();
  const rx = await receiver((n) => (n <= 2 ? 503 : 200));
  await rx.listen(port);
  const x = await startWithClients([OVERSEER], {
    mutate: (conf) => {
      conf.clients.find((c) => c.client_id === 'storefront').backchannel_logout_uri = `http://127.0.0.1:${port}/bcl`;
    },
  });
  try {
    const t = await (async () => {
      const { code } = await newCode(x, await impersonationToken(x), { body: { reason: 'bcl' } });
      const r = await redeem(x, code);
      return { ...r.json, sid: decodeJwt(r.json.id_token).sid };
    })();
    const ops = (await clientToken(x, 'overseer')).access_token;
    const del = await x.request(`api/v2/impersonations/${t.sid}`, { method: 'DELETE', headers: { authorization: `Bearer ${ops}` } });
    assert.equal(del.status, 204, del.text);
    const delivered = await waitFor(() => records(x).find((r) => r.event === 'logout.delivered' && r.sid === t.sid));
    assert.ok(delivered, `no delivery on the record:\n${x.log.slice(-2000)}`);
    assert.equal(delivered.outcome, 'ok');
    assert.equal(delivered.client_id, 'storefront');
    assert.equal(delivered.source, 'frontend');
    assert.equal(rx.got.length, 3, 'two refusals, then the one taken');
    assert.ok(rx.got[1].at - rx.got[0].at >= 450, 'the first retry waits half a second at least');
    assert.ok(rx.got[2].at - rx.got[1].at >= 950, 'the second waits longer');
    assert.equal(new Set(rx.got.map((g) => g.token)).size, 1, 'the same token each time');
    assert.equal(rx.got[0].type, 'application/x-www-form-urlencoded');
    // Section 2.4: exactly these claims, verified through the JWKS.
    const { payload, protectedHeader } = await jwtVerify(rx.got[0].token,
      createLocalJWKSet((await x.request('.well-known/jwks.json')).json), { issuer: x.url, audience: 'storefront' });
    assert.deepEqual(Object.keys(payload).sort(), ['aud', 'events', 'exp', 'iat', 'iss', 'jti', 'sid', 'sub']);
    assert.equal(payload.sub, CUSTOMER);
    assert.equal(payload.sid, t.sid);
    assert.deepEqual(payload.events, { 'http://schemas.openid.net/event/backchannel-logout': {} });
    assert.ok(payload.exp > payload.iat);
    assert.equal(protectedHeader.typ, 'logout+jwt');
    const issued = records(x).find((r) => r.event === 'token.issued' && r.grant === 'backchannel_logout');
    assert.equal(issued?.jti, payload.jti, 'the logout token is on the record as every token');
    // guisectl audit show --session: the session from its link's request
    // to the delivery of its logout token, and nothing else.
    const shown = spawnSync(join(build, 'guisectl'), ['audit', 'show', '-f', x.file, '--session', t.sid, '--json'], { encoding: 'utf8' });
    assert.equal(shown.status, 0, shown.stderr);
    const events = shown.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(events.map((r) => r.event), ['impersonation.requested', 'impersonation.link_redeemed', 'token.issued',
      'impersonation.ended', 'token.issued', 'logout.delivered']);
    assert.equal(events[0].reason, 'bcl');
    assert.equal(events[2].grant, 'authorization_code');
    assert.equal(events[4].grant, 'backchannel_logout');
    const table = spawnSync(join(build, 'guisectl'), ['audit', 'show', '-f', x.file, '--session', t.sid], { encoding: 'utf8' });
    assert.match(table.stdout, /impersonation\.ended .* ended by overseer/);
    assert.match(table.stdout, new RegExp(`token\\.issued .* jti ${payload.jti}`));
    const disc = (await x.request('.well-known/openid-configuration')).json;
    assert.equal(disc.backchannel_logout_supported, true);
    assert.equal(disc.backchannel_logout_session_supported, true);
  } finally {
    rx.server.close();
    await x.stop();
  }
});

test('back-channel logout: an application that never takes it gets every attempt, then a failure on the record', async () => {
  const port = await freePort();
  const rx = await receiver(() => 500);
  await rx.listen(port);
  const x = await startWithClients([OVERSEER], {
    mutate: (conf) => {
      conf.clients.find((c) => c.client_id === 'storefront').backchannel_logout_uri = `http://127.0.0.1:${port}/bcl`;
    },
  });
  try {
    const { code } = await newCode(x, await impersonationToken(x));
    const sid = decodeJwt((await redeem(x, code)).json.id_token).sid;
    const ops = (await clientToken(x, 'overseer')).access_token;
    assert.equal((await x.request(`api/v2/impersonations/${sid}`, { method: 'DELETE', headers: { authorization: `Bearer ${ops}` } })).status, 204);
    const failed = await waitFor(() => records(x).find((r) => r.event === 'logout.delivered' && r.sid === sid), Date.now() + 60000);
    assert.ok(failed, `no failure on the record:\n${x.log.slice(-2000)}`);
    assert.equal(failed.outcome, 'failed');
    assert.match(failed.detail, /^6 attempts; the last: status 500/);
    assert.equal(rx.got.length, 6);
  } finally {
    rx.server.close();
    await x.stop();
  }
});

test('three hundred sessions at once: listed newest first, paged, and the front end lives on (the expiry sweep sorts nothing)', async () => {
  const before = (await api('impersonations?include_totals=true', watcher)).json.total;
  const links = [];
  for (let i = 0; i < 300; i++) links.push(newLink(d, token, { body: { reason: `bulk ${i}` } }));
  for (const l of await Promise.all(links)) assert.equal((await follow(d, l)).status, 302);
  await new Promise((ok) => setTimeout(ok, 2500));	// sweeps run
  assert.equal(d.exited, null, d.log.slice(-800));
  const page = await api('impersonations?include_totals=true&per_page=100&page=0', watcher);
  assert.equal(page.status, 200, page.text);
  assert.ok(page.json.total >= before + 300 - 0, `total ${page.json.total}`);
  assert.equal(page.json.impersonations.length, 100);
  const starts = page.json.impersonations.map((s) => Date.parse(s.started_at));
  assert.deepEqual(starts, [...starts].sort((a, b) => b - a), 'newest first');
  const last = await api(`impersonations?per_page=100&page=${Math.floor((page.json.total - 1) / 100)}`, watcher);
  assert.equal(last.json.length, ((page.json.total - 1) % 100) + 1);
});
