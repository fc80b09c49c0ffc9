// The impersonation endpoint's refusals, each with its documented status
// (DESIGN.md section 3): 403 for every refusal by policy, 404 for an
// unknown target user, 400 for a malformed or unsupported request, 401 for
// a missing or bad bearer token.  Each case differs from a request that
// succeeds (the first test) in one thing only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { base64url } from 'jose';
import { startDaemon, clientToken } from './lib/daemon.mjs';
import { records } from './lib/audit.mjs';
import { CALLBACK, CUSTOMER, SUPPORT, askLink, follow, impersonationToken, newCode, newLink, policyUsers, redeem, startWithClients } from './lib/flow.mjs';

const sha256 = (s) => createHash('sha256').update(s).digest('hex');

let d, token;
before(async () => {
  d = await startWithClients([{
    client: {
      client_id: 'closedshop', name: 'no impersonation here', app_type: 'regular_web', callbacks: ['http://127.0.0.1:3003/cb'],
      grant_types: ['authorization_code'], allow_impersonation: false,
    },
  }, {
    client: {
      client_id: 'webonly', name: 'code flow only', app_type: 'regular_web', callbacks: ['http://127.0.0.1:3004/cb'],
      grant_types: ['authorization_code'], allow_impersonation: true,
    },
  }], { active: 'es256', users: policyUsers });
  token = await impersonationToken(d);
});
after(async () => { await d?.stop(); });

function assertNoLink(r) {
  assert.ok(!r.text.includes('bewit'), `a link in a refusal: ${r.text}`);
  assert.equal(typeof r.json?.error, 'string', `a JSON error body: ${r.text}`);
}

test('the request every case below departs from gets its link', async () => {
  const r = await askLink(d, token);
  assert.equal(r.status, 200, r.text);
  assert.match(r.text, /bewit=/);
  const form = await askLink(d, token, { form: true, additional: { callback_url: CALLBACK } });
  assert.equal(form.status, 200, form.text);
});

const forbidden = [
  ['a token without impersonate:users (reader)', async () => askLink(d, (await clientToken(d, 'reader')).access_token)],
  ['a backoffice token narrowed to read:users', async () => askLink(d, (await clientToken(d, 'backoffice', { scope: 'read:users' })).access_token)],
  ['an application that does not opt in', () => askLink(d, token, { body: { client_id: 'closedshop' } })],
  ['an impersonator who may not impersonate (a customer, on another customer)', () => askLink(d, token, { body: { impersonator_id: 'auth0|customer-1' }, userId: 'auth0|customer-2' })],
  ['an unknown impersonator', () => askLink(d, token, { body: { impersonator_id: 'auth0|ghost' } })],
  ['a blocked impersonator', () => askLink(d, token, { body: { impersonator_id: 'auth0|support-blocked' } })],
  ['a blocked target', () => askLink(d, token, { userId: 'auth0|customer-blocked' })],
  ['a protected target (admin role)', () => askLink(d, token, { userId: 'auth0|admin-1' })],
  ['a target who may impersonate (another support user)', () => askLink(d, token, { userId: 'auth0|support-2' })],
  ['the impersonator themselves', () => askLink(d, token, { userId: 'auth0|support-1' })],
];
for (const [name, fn] of forbidden) {
  test(`403: ${name}`, async () => {
    const r = await fn();
    assert.equal(r.status, 403, `${name}: ${r.status} ${r.text}`);
    assertNoLink(r);
  });
}

test('404: an unknown target user, with a raw | or %7C in the path alike', async () => {
  for (const raw of ['auth0|nobody', 'auth0%7Cnobody']) {
    const r = await askLink(d, token, { raw });
    assert.equal(r.status, 404, `${raw}: ${r.text}`);
    assertNoLink(r);
  }
});

const badRequests = [
  ['protocol samlp', { body: { protocol: 'samlp' } }, /oauth2/],
  ['protocol wsfed', { body: { protocol: 'wsfed' } }, /oauth2/],
  ['no protocol', { body: { protocol: undefined } }],
  ['response_type id_token', { additional: { response_type: 'id_token' } }],
  ['response_type "code token"', { additional: { response_type: 'code token' } }],
  ['response_type CODE', { additional: { response_type: 'CODE' } }],
  ['an unregistered callback_url', { additional: { callback_url: 'https://evil.example/callback' } }],
  ['a callback_url extending the registered one', { additional: { callback_url: `${CALLBACK}x` } }],
  ['a callback_url with a path added', { additional: { callback_url: `${CALLBACK}/../../evil` } }],
  ['a prefix of the registered callback_url', { additional: { callback_url: CALLBACK.slice(0, -1) } }],
  ['the registered callback_url with a trailing slash', { additional: { callback_url: `${CALLBACK}/` } }],
  ['the registered callback_url with a query', { additional: { callback_url: `${CALLBACK}?next=https://evil.example/` } }],
  ['the registered callback_url in another case', { additional: { callback_url: CALLBACK.replace('callback', 'CALLBACK') } }],
  ['the registered callback_url with an upper-case scheme', { additional: { callback_url: CALLBACK.replace('http', 'HTTP') } }],
  ['another application\'s callback_url', { body: { client_id: 'webonly' }, additional: { callback_url: CALLBACK } }],
  ['an unknown client_id', { body: { client_id: 'nosuchapp' } }],
  ['no client_id', { body: { client_id: undefined } }],
  ['no impersonator_id', { body: { impersonator_id: undefined } }],
  ['response_type token for a client without the implicit grant', { body: { client_id: 'webonly' }, additional: { response_type: 'token', callback_url: 'http://127.0.0.1:3004/cb' } }],
  ['additionalParameters[response_type] not a string', { additional: { response_type: ['code'] } }],
];
for (const [name, opts, message] of badRequests) {
  test(`400: ${name}`, async () => {
    const r = await askLink(d, token, opts);
    assert.equal(r.status, 400, `${name}: ${r.status} ${r.text}`);
    assertNoLink(r);
    assert.equal(typeof r.json.error_description, 'string');
    if (message) assert.match(r.json.error_description, message);
  });
  if (!Array.isArray(opts.additional?.response_type)) {
    test(`400 as a form too: ${name}`, async () => {
      const r = await askLink(d, token, { ...opts, form: true });
      assert.equal(r.status, 400, `${name}: ${r.status} ${r.text}`);
      assertNoLink(r);
    });
  }
}

test('400: malformed bodies (bad JSON, an array, additionalParameters not an object, an unsupported content type)', async () => {
  const path = 'users/auth0%7Ccustomer-1/impersonate';
  const auth = { authorization: `Bearer ${token}` };
  for (const [what, body, ctype] of [
    ['bad JSON', '{"protocol": "oauth2",', 'application/json'],
    ['an array', '[]', 'application/json'],
    ['additionalParameters a string', JSON.stringify({ protocol: 'oauth2', impersonator_id: 'auth0|support-1', client_id: 'storefront', additionalParameters: 'response_type=code' }), 'application/json'],
    ['text/plain', 'protocol=oauth2', 'text/plain'],
  ]) {
    const r = await d.request(path, { method: 'POST', headers: { ...auth, 'content-type': ctype }, body });
    assert.equal(r.status, 400, `${what}: ${r.status} ${r.text}`);
    assertNoLink(r);
  }
});

test('401: no bearer, a flipped signature, alg none, a re-encoded payload, garbage, client credentials instead of a bearer', async () => {
  const [h, p, s] = token.split('.');
  const flipped = `${h}.${p}.${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`;
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }))}.${p}.`;
  const widened = `${h}.${base64url.encode(JSON.stringify({ ...claims, scope: `${claims.scope} impersonate:users` }))}.${s}`;
  for (const [what, bearer] of [['no bearer', undefined], ['a flipped signature', flipped], ['alg none', none],
    ['a re-encoded payload', widened], ['garbage', 'not-a-jwt']]) {
    const r = await askLink(d, bearer);
    assert.equal(r.status, 401, `${what}: ${r.status} ${r.text}`);
    assert.match(r.headers['www-authenticate'] ?? '', /^Bearer/, what);
    assertNoLink(r);
  }
  const basic = await d.request('users/auth0%7Ccustomer-1/impersonate', {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`backoffice:${d.secrets.backoffice}`).toString('base64')}`, 'content-type': 'application/json' },
    body: { protocol: 'oauth2', impersonator_id: 'auth0|support-1', client_id: 'storefront' },
  });
  assert.equal(basic.status, 401, `client credentials instead of a bearer: ${basic.text}`);
});

test('the policy is checked again when the link is followed: a target blocked since (SIGHUP reload) gets 403 and no redirect', async () => {
  const link = await newLink(d, token, { additional: { state: 'later' } });
  const changed = policyUsers.map((u) => (u.user_id === 'auth0|customer-1' ? { ...u, blocked: true } : u));
  writeFileSync(join(d.dir, 'users.json'), JSON.stringify(changed), { mode: 0o644 });
  try {
    const logged = d.log.length;
    d.proc.kill('SIGHUP');
    const until = Date.now() + 5000;
    while (!/reloaded/.test(d.log.slice(logged)) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.match(d.log.slice(logged), /reloaded/, 'the users directory was reloaded');
    const r = await follow(d, link);
    assert.equal(r.status, 403, r.text);
    assert.equal(r.headers.location, undefined);
    assert.equal(r.json.error, 'access_denied');
  } finally {
    writeFileSync(join(d.dir, 'users.json'), JSON.stringify(policyUsers), { mode: 0o644 });
    const logged = d.log.length;
    d.proc.kill('SIGHUP');
    const until = Date.now() + 5000;
    while (!/reloaded/.test(d.log.slice(logged)) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }
});

test('400: GET /api/v2/users with per_page above 100, in Auth0\'s error shape', async () => {
  const r = await d.request('api/v2/users?per_page=101', { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.statusCode, 400);
  assert.equal(typeof r.json.message, 'string');
});

test('require_reason: without a reason 400, with an empty one 400, with one 200', async () => {
  const strict = await startDaemon({ active: 'es256', mutate: (c) => { c.impersonation.require_reason = true; } });
  try {
    const t = await impersonationToken(strict);
    const none = await askLink(strict, t);
    assert.equal(none.status, 400, none.text);
    assert.match(none.json.error_description, /reason/);
    assertNoLink(none);
    const empty = await askLink(strict, t, { body: { reason: '' } });
    assert.equal(empty.status, 400, empty.text);
    const ok = await askLink(strict, t, { body: { reason: 'ticket #99: the customer cannot see their invoice' } });
    assert.equal(ok.status, 200, ok.text);
    const form = await askLink(strict, t, { form: true, body: { reason: 'ticket #100' } });
    assert.equal(form.status, 200, form.text);
  } finally {
    await strict.stop();
  }
});

// A link is re-checked when it is followed, and a code when it is
// exchanged, against the configuration and the users as they are then
// (DESIGN.md section 3): a reload may have removed a callback, a grant or
// the application's opt-in, or blocked a user.  Their own daemon: they
// reload it.
test('re-checked at follow and at exchange, after a reload', async (t) => {
  const OTHER = 'http://127.0.0.1:3000/other';
  const e = await startDaemon({ active: 'es256', users: policyUsers, mutate: (c) => { c.clients[1].callbacks.push(OTHER); } });
  t.after(() => e.stop());
  const edit = (name, fn) => {
    const file = join(e.dir, name);
    const v = JSON.parse(readFileSync(file, 'utf8'));
    fn(v);
    writeFileSync(file, JSON.stringify(v, null, 1), { mode: 0o644 });
  };
  const reload = async () => {
    const mark = e.log.length;
    e.proc.kill('SIGHUP');
    const until = Date.now() + 10000;
    while (!/audit: event=service\.reloaded outcome=ok/.test(e.log.slice(mark))) {
      assert.ok(Date.now() < until, `no reload seen in:\n${e.log.slice(mark)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const bearer = await impersonationToken(e);
  const added = (n) => records(e).slice(n);

  await t.test('a callback removed between ask and follow: 403 access_denied, no redirect, the rule recorded', async () => {
    const link = await newLink(e, bearer, { additional: { callback_url: OTHER, state: 'cb' } });
    edit('guise.json', (c) => { c.clients[1].callbacks = c.clients[1].callbacks.filter((u) => u !== OTHER); });
    await reload();
    const n = records(e).length;
    const r = await follow(e, link);
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.error, 'access_denied');
    assert.equal(r.headers.location, undefined, 'never redirected to a callback that is no longer registered');
    assert.deepEqual(added(n).map((x) => [x.event, x.outcome, x.rule, x.impersonator_id, x.user_id, x.client_id]),
      [['impersonation.link_refused', 'denied', 'callback_unregistered', SUPPORT, CUSTOMER, 'storefront']]);
  });

  await t.test('the implicit grant taken away between ask and follow: a token link is refused', async () => {
    const link = await newLink(e, bearer, { additional: { response_type: 'token', state: 'spa' } });
    edit('guise.json', (c) => { c.clients[1].grant_types = ['authorization_code']; });
    await reload();
    try {
      const r = await follow(e, link);
      assert.equal(r.status, 403, r.text);
      assert.equal(r.json.error, 'access_denied');
      assert.equal(r.headers.location, undefined);
    } finally {
      edit('guise.json', (c) => { c.clients[1].grant_types = ['authorization_code', 'implicit']; });
      await reload();
    }
  });

  await t.test('the user blocked between follow and exchange: invalid_grant, no tokens, code_refused recorded, the code spent', async () => {
    const { code } = await newCode(e, bearer, { additional: { state: 'blocked' } });
    edit('users.json', (u) => { u.find((x) => x.user_id === CUSTOMER).blocked = true; });
    await reload();
    try {
      const n = records(e).length;
      const r = await redeem(e, code);
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.error, 'invalid_grant');
      assert.equal(r.json.access_token, undefined);
      assert.equal(r.json.id_token, undefined);
      assert.deepEqual(added(n).map((x) => [x.event, x.outcome, x.rule, x.impersonator_id, x.user_id, x.client_id, x.code_hash]),
        [['impersonation.code_refused', 'denied', 'target_blocked', SUPPORT, CUSTOMER, 'storefront', sha256(code)]]);
    } finally {
      edit('users.json', (u) => { delete u.find((x) => x.user_id === CUSTOMER).blocked; });
      await reload();
    }
    // Unblocked again, the code stays spent: no second try.
    const again = await redeem(e, code);
    assert.equal(again.status, 400, again.text);
    assert.equal(again.json.error, 'invalid_grant');
  });

  await t.test('a callback removed between follow and exchange: invalid_grant, code_refused', async () => {
    edit('guise.json', (c) => { c.clients[1].callbacks.push(OTHER); });
    await reload();
    const { code } = await newCode(e, bearer, { additional: { callback_url: OTHER, state: 'cb2' } });
    edit('guise.json', (c) => { c.clients[1].callbacks = c.clients[1].callbacks.filter((u) => u !== OTHER); });
    await reload();
    const n = records(e).length;
    const r = await redeem(e, code, { redirect_uri: OTHER });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error, 'invalid_grant');
    assert.equal(r.json.access_token, undefined);
    assert.deepEqual(added(n).map((x) => [x.event, x.rule]), [['impersonation.code_refused', 'callback_unregistered']]);
  });

  await t.test('a wrong secret on a code that is no longer allowed: 401, and no record', async () => {
    const { code } = await newCode(e, bearer, { additional: { state: 'w' } });
    edit('users.json', (u) => { u.find((x) => x.user_id === SUPPORT).blocked = true; });
    await reload();
    try {
      const n = records(e).length;
      const r = await redeem(e, code, { secret: 'not-the-secret-0123456789abcdef' });
      assert.equal(r.status, 401, r.text);
      assert.deepEqual(added(n), []);
    } finally {
      edit('users.json', (u) => { delete u.find((x) => x.user_id === SUPPORT).blocked; });
      await reload();
    }
  });
});
