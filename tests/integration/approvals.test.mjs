// Four-eyes approval (DESIGN.md section 8) through the Management API:
// asking to impersonate a user that approval.required matches answers 202
// with a pending approval; an approver, named by another client than the
// one that asked and never the requester, approves or rejects; only then
// does the client that asked get the link, once; an approval not used in
// time expires.  Every step is on the signer's record under the
// approval's id, and the login it allowed carries it to its end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { records } from './lib/audit.mjs';
import { build, clientToken } from './lib/daemon.mjs';
import { CUSTOMER, askLink, follow, policyUsers, redeem, startWithClients } from './lib/flow.mjs';

const VIP = 'auth0|customer-2';
const LEAD = 'auth0|lead-1';		// support and support-lead: asks, approves
const LEAD2 = 'auth0|lead-2';		// support-lead only
const SUPPORT2 = 'auth0|support-2';	// support only: no approver
const TTL = 6;

const users = policyUsers.map((u) => (u.user_id === VIP ?
  { ...u, app_metadata: { roles: ['vip'] } } : u)).concat([
  { user_id: LEAD, email: 'lee@example.com', email_verified: true, name: 'Lee Lead', app_metadata: { roles: ['support', 'support-lead'] } },
  { user_id: LEAD2, email: 'liz@example.com', email_verified: true, name: 'Liz Lead', app_metadata: { roles: ['support-lead'] } },
]);

const client = (client_id, scopes) => ({
  client: {
    client_id, name: client_id, app_type: 'non_interactive',
    grant_types: ['client_credentials'], scopes,
  },
});

let d, asker, approver, both, reader;
before(async () => {
  d = await startWithClients([
    client('approvals-desk', ['approve:impersonations']),
    client('both-desk', ['impersonate:users', 'approve:impersonations']),
  ], {
    users,
    mutate: (conf) => {
      conf.impersonation.approval = {
        required: { roles: ['vip'], users: [] },
        approvers: { roles: ['support-lead'], users: [] },
        ttl: TTL,
      };
    },
  });
  asker = (await clientToken(d, 'backoffice')).access_token;
  approver = (await clientToken(d, 'approvals-desk')).access_token;
  both = (await clientToken(d, 'both-desk')).access_token;
  reader = (await clientToken(d, 'reader')).access_token;
});
after(async () => { await d?.stop(); });

const api = (path, bearer, { method = 'GET', body } = {}) => d.request(`api/v2/impersonations/approvals${path}`, {
  method,
  headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
  body,
});
const decide = (id, approve, approverId, bearer = approver) =>
  api(`/${id}`, bearer, { method: 'POST', body: { approve, approver_id: approverId } });

// Ask for a link to the VIP: the 202 and its approval id.
async function ask(token = asker, impersonator = SUPPORT2, reason = 'ticket 9') {
  const r = await askLink(d, token, { userId: VIP, body: { impersonator_id: impersonator, reason } });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.status, 'pending');
  assert.match(r.json.approval_id, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(Object.keys(r.json).sort(), ['approval_id', 'status']);
  return r.json.approval_id;
}

const byApproval = (id) => records(d).filter((r) => r.approval_id === id);

test('a user who needs no approval gets the link at once, as before', async () => {
  const r = await askLink(d, asker, { userId: CUSTOMER });
  assert.equal(r.status, 200, r.text);
  assert.match(r.text, /bewit=/);
});

test('approved by another client and an approver, the asking client gets the link once, and the login carries the approval', async () => {
  const id = await ask();
  const pending = await api(`/${id}`, asker);
  assert.equal(pending.status, 200, pending.text);
  assert.equal(pending.json.status, 'pending');
  assert.equal(pending.json.link, undefined);
  assert.equal(pending.json.user_id, VIP);
  const listed = await api('', approver);
  assert.equal(listed.status, 200, listed.text);
  assert.ok(listed.json.some((a) => a.approval_id === id && a.reason === 'ticket 9'));

  const ok = await decide(id, true, LEAD2);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status, 'approved');
  assert.equal(ok.json.approver_id, LEAD2);
  // The approver's client sees the status, never the link.
  const seen = await api(`/${id}`, approver);
  assert.equal(seen.json.status, 'approved');
  assert.equal(seen.json.link, undefined);

  const first = await api(`/${id}`, asker);
  assert.equal(first.status, 200, first.text);
  assert.match(first.json.link, /bewit=/);
  const again = await api(`/${id}`, asker);
  assert.equal(again.json.status, 'approved');
  assert.equal(again.json.link, undefined, 'the link is given once');

  const followed = await follow(d, first.json.link);
  assert.equal(followed.status, 302, followed.text);
  const code = new URL(followed.headers.location).searchParams.get('code');
  const tokens = await redeem(d, code);
  assert.equal(tokens.status, 200, tokens.text);
  assert.equal(decodeJwt(tokens.json.id_token).sub, VIP);

  const trail = byApproval(id).map((r) => `${r.event}:${r.outcome}`);
  assert.deepEqual(trail, [
    'impersonation.requested:pending',
    'impersonation.approval_decided:approved',
    'impersonation.requested:allowed',
    'impersonation.link_redeemed:ok',
    'token.issued:ok',
  ]);
  const decided = byApproval(id)[1];
  assert.equal(decided.approver_id, LEAD2);
  assert.equal(decided.caller, 'approvals-desk');
  assert.equal(decided.impersonator_id, SUPPORT2);
});

test('guisectl audit show prints the approval beside the impersonation it allowed', async () => {
  const id = await ask();
  assert.equal((await decide(id, true, LEAD2)).status, 200);
  const link = (await api(`/${id}`, asker)).json.link;
  const followed = await follow(d, link);
  const code = new URL(followed.headers.location).searchParams.get('code');
  const tokens = await redeem(d, code);
  const sid = decodeJwt(tokens.json.id_token).sid;
  const r = spawnSync(join(build, 'guisectl'), ['audit', 'show', '-f', join(d.dir, 'guise.json'), '--session', sid], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.split('\n').filter((l) => / impersonation\.| token\./.test(l));
  assert.match(rows[0], /impersonation\.requested +pending/);
  assert.match(rows[1], new RegExp(`impersonation\\.approval_decided approved .* by ${LEAD2.replace('|', '\\|')}, approval`));
  assert.match(rows[2], /impersonation\.requested +allowed/);
  const json = spawnSync(join(build, 'guisectl'), ['audit', 'show', '-f', join(d.dir, 'guise.json'), '--session', sid, '--json'], { encoding: 'utf8' });
  const shown = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(shown.map((x) => x.event), ['impersonation.requested', 'impersonation.approval_decided',
    'impersonation.requested', 'impersonation.link_redeemed', 'token.issued']);
  assert.ok(shown.every((x) => x.approval_id === id));
});

test('the requester cannot approve their own request, and it stays pending', async () => {
  const id = await ask(asker, LEAD);
  const r = await decide(id, true, LEAD);
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.errorCode, 'approver_is_requester');
  assert.equal((await api(`/${id}`, asker)).json.status, 'pending');
  const refused = byApproval(id).filter((x) => x.event === 'impersonation.approval_decided');
  assert.equal(refused.length, 1);
  assert.equal(refused[0].outcome, 'denied');
  assert.equal(refused[0].rule, 'approver_is_requester');
});

test('the client that asked cannot approve, whoever it names', async () => {
  const id = await ask(both);
  const r = await decide(id, true, LEAD2, both);
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.errorCode, 'approver_same_client');
  assert.equal((await api(`/${id}`, both)).json.status, 'pending');
});

test('an approver the policy does not name is refused', async () => {
  const id = await ask();
  for (const who of [SUPPORT2, 'auth0|nobody', VIP]) {
    const r = await decide(id, true, who);
    assert.equal(r.status, 403, r.text);
  }
  assert.equal((await api(`/${id}`, asker)).json.status, 'pending');
});

test('rejected (as a form), there is no link, and a second decision is refused', async () => {
  const id = await ask();
  const no = await d.request(`api/v2/impersonations/approvals/${id}`, {
    method: 'POST', headers: { authorization: `Bearer ${approver}` },
    body: { approve: 'false', approver_id: LEAD2 },
  });
  assert.equal(no.status, 200, no.text);
  assert.equal(no.json.status, 'rejected');
  const g = await api(`/${id}`, asker);
  assert.equal(g.json.status, 'rejected');
  assert.equal(g.json.link, undefined);
  const yes = await decide(id, true, LEAD);
  assert.equal(yes.status, 409, yes.text);
  assert.deepEqual(byApproval(id).map((r) => r.outcome), ['pending', 'rejected']);
});

test('bad requests get a clear 4xx and change nothing', async () => {
  const id = await ask();
  const cases = [
    [await api('/nope', approver), 404],
    [await api(`/${id}`, approver, { method: 'POST', body: { approve: 'yes', approver_id: LEAD2 } }), 400],
    [await api(`/${id}`, approver, { method: 'POST', body: { approve: true } }), 400],
    [await api(`/${id}`, approver, { method: 'POST', body: { approve: true, approver_id: 'a\u0001b' } }), 400],
    [await d.request(`api/v2/impersonations/approvals/${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"approve": true' }), 401],
    [await api(`/${id}`, approver, { method: 'POST', body: '{"approve": true' }), 400],
    [await api(`/${id}`, asker, { method: 'POST', body: { approve: true, approver_id: LEAD2 } }), 403],
    [await api(`/${id}`, reader), 403],
    [await api('', asker), 403],
    [await api(`/${id}`, approver, { method: 'DELETE' }), 405],
  ];
  for (const [r, status] of cases) assert.equal(r.status, status, r.text);
  assert.equal((await api(`/${id}`, asker)).json.status, 'pending');
  assert.deepEqual(byApproval(id).map((r) => r.outcome), ['pending']);
});

test('an approval not decided in time expires, on the record, and can no longer be decided', async () => {
  const id = await ask();
  const approved = await ask();
  assert.equal((await decide(approved, true, LEAD2)).status, 200);
  await new Promise((ok) => setTimeout(ok, (TTL + 2) * 1000));
  for (const one of [id, approved]) {
    const g = await api(`/${one}`, asker);
    assert.equal(g.json.status, 'expired', g.text);
    assert.equal(g.json.link, undefined);
  }
  assert.equal((await decide(id, true, LEAD2)).status, 409);
  let expired = [];
  for (let i = 0; i < 20 && expired.length < 2; i++) {
    expired = records(d).filter((r) => r.event === 'impersonation.approval_expired' &&
      [id, approved].includes(r.approval_id));
    if (expired.length < 2) await new Promise((ok) => setTimeout(ok, 250));
  }
  assert.equal(expired.length, 2, 'each expiry is recorded once');
});
