// The Management API's users endpoints against a real guised: the search
// language (each operator, quoting, wildcards, booleans, metadata,
// identities.connection), paging with include_totals, sort, fields,
// search_engine, the errors in Auth0's shape, /users/{id} with a raw '|'
// or %7C, users-by-email, and the read:users scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, clientToken } from './lib/daemon.mjs';

const USERS = [
  {
    user_id: 'auth0|alice', email: 'Alice@Example.com', email_verified: true,
    name: 'Alice Liddell', nickname: 'alice', given_name: 'Alice', family_name: 'Liddell',
    picture: 'https://example.com/alice.png',
    identities: [{ connection: 'Username-Password-Authentication', provider: 'auth0', user_id: 'alice', isSocial: false }],
    app_metadata: { roles: ['support'], plan: 'gold', level: 3, org: { name: 'Wonder' } },
    user_metadata: { lang: 'en' },
    created_at: '2024-01-02T03:04:05.000Z', logins_count: 42,
  },
  {
    user_id: 'google-oauth2|bob', email: 'bob@example.org', email_verified: false,
    name: 'Bob Builder', nickname: 'bob', blocked: true,
    identities: [{ connection: 'google-oauth2', provider: 'google-oauth2', user_id: '123', isSocial: true }],
    app_metadata: { plan: 'silver' }, created_at: '2023-05-06T00:00:00.000Z', logins_count: 7,
  },
  {
    user_id: 'auth0|carol', email: 'carol@example.com', name: 'Carol "CJ" Jones', nickname: 'carol',
    user_metadata: { lang: 'fr', prefs: { theme: 'dark' } }, created_at: '2025-01-01T00:00:00.000Z',
  },
  // Shares alice's email but for case, and has a '+' in its id.
  { user_id: 'auth0|dave+x', email: 'alice@example.com', name: 'Dave', nickname: 'dave' },
];

let d, reader, noScope;
before(async () => {
  d = await startDaemon({ users: USERS });
  reader = (await clientToken(d, 'reader')).access_token;
  noScope = (await clientToken(d, 'backoffice', { scope: 'impersonate:users' })).access_token;
});
after(async () => { await d?.stop(); });

const get = (path, token = reader) =>
  d.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

async function search(params) {
  const r = await get(`api/v2/users?${new URLSearchParams(params)}`);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers['content-type'], /^application\/json/);
  return r.json;
}

const ids = async (q, extra = {}) => (await search({ q, ...extra })).map((u) => u.user_id);

async function refused(path, status, errorCode, message) {
  const r = await get(path);
  assert.equal(r.status, status, `${path}: ${r.text}`);
  assert.equal(r.json.statusCode, status);
  assert.equal(typeof r.json.error, 'string');
  if (errorCode !== undefined) assert.equal(r.json.errorCode, errorCode, r.text);
  if (message) assert.match(r.json.message, message);
  return r.json;
}

test('no query: every user in file order, each object as the file has it', async () => {
  assert.deepEqual(await search({}), USERS);
  assert.deepEqual(await search({ q: '' }), USERS);
});

test('field:value on each searchable field', async () => {
  assert.deepEqual(await ids('email:bob@example.org'), ['google-oauth2|bob']);
  assert.deepEqual(await ids('email:ALICE@EXAMPLE.COM'), ['auth0|alice', 'auth0|dave+x']);
  assert.deepEqual(await ids('nickname:carol'), ['auth0|carol']);
  assert.deepEqual(await ids('given_name:alice'), ['auth0|alice']);
  assert.deepEqual(await ids('family_name:LIDDELL'), ['auth0|alice']);
  assert.deepEqual(await ids('user_id:google-oauth2|bob'), ['google-oauth2|bob']);
  assert.deepEqual(await ids('user_id:"auth0|dave+x"'), ['auth0|dave+x']);
  assert.deepEqual(await ids('logins_count:42'), ['auth0|alice']);
  assert.deepEqual(await ids('created_at:2023*'), ['google-oauth2|bob']);
  assert.deepEqual(await ids('name:alice'), [], 'a word is not the whole value');
});

test('quoted phrases, with escaped quotes', async () => {
  assert.deepEqual(await ids('name:"alice liddell"'), ['auth0|alice']);
  assert.deepEqual(await ids('name:"Carol \\"CJ\\" Jones"'), ['auth0|carol']);
  assert.deepEqual(await ids('name:Bob\\ Builder'), ['google-oauth2|bob']);
});

test('trailing wildcards', async () => {
  assert.deepEqual(await ids('email:ali*'), ['auth0|alice', 'auth0|dave+x']);
  assert.deepEqual(await ids('name:CAR*'), ['auth0|carol']);
  assert.deepEqual(await ids('user_id:auth0|*'), ['auth0|alice', 'auth0|carol', 'auth0|dave+x']);
  assert.deepEqual(await ids('logins_count:*'), ['auth0|alice', 'google-oauth2|bob']);
});

test('booleans: a missing blocked or email_verified is false', async () => {
  assert.deepEqual(await ids('email_verified:true'), ['auth0|alice']);
  assert.deepEqual(await ids('email_verified:false'), ['google-oauth2|bob', 'auth0|carol', 'auth0|dave+x']);
  assert.deepEqual(await ids('blocked:true'), ['google-oauth2|bob']);
  assert.deepEqual(await ids('blocked:false'), ['auth0|alice', 'auth0|carol', 'auth0|dave+x']);
});

test('app_metadata and user_metadata paths, identities.connection', async () => {
  assert.deepEqual(await ids('app_metadata.roles:support'), ['auth0|alice']);
  assert.deepEqual(await ids('app_metadata.plan:gold OR app_metadata.plan:silver'), ['auth0|alice', 'google-oauth2|bob']);
  assert.deepEqual(await ids('app_metadata.level:3'), ['auth0|alice']);
  assert.deepEqual(await ids('app_metadata.org.name:wonder'), ['auth0|alice']);
  assert.deepEqual(await ids('user_metadata.prefs.theme:dark'), ['auth0|carol']);
  assert.deepEqual(await ids('user_metadata.lang:*'), ['auth0|alice', 'auth0|carol']);
  assert.deepEqual(await ids('identities.connection:google-oauth2'), ['google-oauth2|bob']);
  assert.deepEqual(await ids('identities.connection:username*'), ['auth0|alice']);
});

test('AND, OR, NOT, parentheses, and adjacency meaning OR', async () => {
  assert.deepEqual(await ids('email:* AND blocked:false'), ['auth0|alice', 'auth0|carol', 'auth0|dave+x']);
  assert.deepEqual(await ids('nickname:alice OR nickname:bob'), ['auth0|alice', 'google-oauth2|bob']);
  assert.deepEqual(await ids('nickname:alice nickname:bob'), ['auth0|alice', 'google-oauth2|bob']);
  assert.deepEqual(await ids('NOT email:alice@example.com'), ['google-oauth2|bob', 'auth0|carol']);
  assert.deepEqual(await ids('nickname:alice OR nickname:bob AND blocked:false'), ['auth0|alice']);
  assert.deepEqual(await ids('(nickname:alice OR nickname:bob) AND blocked:true'), ['google-oauth2|bob']);
});

test('an exact email or user_id (the indexed case) agrees with a scan', async () => {
  assert.deepEqual(await ids('email:"alice@example.com"'), await ids('email:alice@example.com*'));
  assert.deepEqual(await ids('user_id:"auth0|carol"'), ['auth0|carol']);
  assert.deepEqual(await ids('user_id:auth0|nobody'), []);
});

test('paging with include_totals', async () => {
  const p = await search({ per_page: '2', page: '1', include_totals: 'true' });
  assert.deepEqual(Object.keys(p).sort(), ['length', 'limit', 'start', 'total', 'users']);
  assert.equal(p.start, 2);
  assert.equal(p.limit, 2);
  assert.equal(p.length, 2);
  assert.equal(p.total, 4);
  assert.deepEqual(p.users.map((u) => u.user_id), ['auth0|carol', 'auth0|dave+x']);
  const last = await search({ q: 'email:*', per_page: '3', page: '1', include_totals: 'true' });
  assert.deepEqual([last.start, last.limit, last.length, last.total], [3, 3, 1, 4]);
  assert.deepEqual(await search({ per_page: '2', page: '5' }), []);
  const plain = await search({ per_page: '1', include_totals: 'false' });
  assert.ok(Array.isArray(plain));
  assert.equal(plain.length, 1);
});

test('sort both ways, users without the field last', async () => {
  assert.deepEqual((await search({ sort: 'name:1' })).map((u) => u.nickname), ['alice', 'bob', 'carol', 'dave']);
  assert.deepEqual((await search({ sort: 'name:-1' })).map((u) => u.nickname), ['dave', 'carol', 'bob', 'alice']);
  assert.deepEqual((await search({ sort: 'created_at:-1' })).map((u) => u.nickname), ['carol', 'alice', 'bob', 'dave']);
  assert.deepEqual((await search({ sort: 'created_at:1' })).map((u) => u.nickname), ['bob', 'alice', 'carol', 'dave']);
  assert.deepEqual((await search({ sort: 'logins_count:-1', q: 'user_id:*' })).map((u) => u.nickname),
    ['alice', 'bob', 'carol', 'dave']);
  assert.deepEqual((await search({ sort: 'email:1', per_page: '2', page: '1' })).map((u) => u.nickname), ['bob', 'carol']);
});

test('fields and include_fields', async () => {
  assert.deepEqual(await search({ q: 'nickname:alice', fields: 'user_id,email' }),
    [{ user_id: 'auth0|alice', email: 'Alice@Example.com' }]);
  assert.deepEqual(await search({ q: 'nickname:dave', fields: 'email,name,nickname', include_fields: 'false' }),
    [{ user_id: 'auth0|dave+x' }]);
  assert.deepEqual(await search({ q: 'nickname:dave', fields: 'user_id', include_fields: 'true' }),
    [{ user_id: 'auth0|dave+x' }]);
});

test('search_engine: v3 or nothing', async () => {
  assert.deepEqual(await ids('nickname:bob', { search_engine: 'v3' }), ['google-oauth2|bob']);
  await refused('api/v2/users?search_engine=v2&q=nickname:bob', 400, 'invalid_query_string', /v2/);
  await refused('api/v2/users?search_engine=v1', 400, 'invalid_query_string', /v1/);
});

test('bad paging, sort and fields are 400s in Auth0\'s shape', async () => {
  await refused('api/v2/users?per_page=101', 400, 'invalid_query_string', /per_page/);
  await refused('api/v2/users?per_page=0', 400, 'invalid_query_string', /per_page/);
  await refused('api/v2/users?page=-1', 400, 'invalid_query_string', /page/);
  await refused('api/v2/users?include_totals=yes', 400, 'invalid_query_string', /include_totals/);
  await refused('api/v2/users?sort=picture:1', 400, 'invalid_query_string', /sort/);
  await refused('api/v2/users?sort=name', 400, 'invalid_query_string', /sort/);
  await refused('api/v2/users?fields=a,,b', 400, 'invalid_query_string', /fields/);
  await refused('api/v2/users?connection=x', 400, 'invalid_query_string', /connection/);
  await refused('api/v2/users?q=a&q=b', 400, 'invalid_query_string', /repeated/);
  await refused('api/v2/users?q=%ZZ', 400, 'invalid_query_string');
});

test('a query syntax error is a 400 that says where', async () => {
  const e = await refused(`api/v2/users?${new URLSearchParams({ q: 'name:a AND (email:b' })}`, 400, 'invalid_query_string');
  assert.match(e.message, /^query error at character 20: expected '\)'/);
  await refused(`api/v2/users?${new URLSearchParams({ q: 'nosuch:x' })}`, 400, 'invalid_query_string', /character 1: unknown field "nosuch"/);
  await refused(`api/v2/users?${new URLSearchParams({ q: 'email:*@example.com' })}`, 400, 'invalid_query_string', /character 7/);
  await refused(`api/v2/users?${new URLSearchParams({ q: 'alice' })}`, 400, 'invalid_query_string', /needs a field/);
  await refused(`api/v2/users?${new URLSearchParams({ q: 'name:x'.repeat(400) })}`, 400, 'invalid_query_string', /longer than 2048/);
  await refused('api/v2/users?q=name:%FF', 400, 'invalid_query_string', /UTF-8/);
});

test('GET /api/v2/users/{id}: a raw | and %7C name the same user; a + stays a +', async () => {
  const raw = await get('api/v2/users/auth0|alice');
  assert.equal(raw.status, 200, raw.text);
  assert.deepEqual(raw.json, USERS[0]);
  const enc = await get('api/v2/users/auth0%7Calice');
  assert.equal(enc.status, 200, enc.text);
  assert.deepEqual(enc.json, USERS[0]);
  const lower = await get('api/v2/users/auth0%7ccarol');
  assert.equal(lower.status, 200);
  for (const p of ['api/v2/users/auth0|dave+x', 'api/v2/users/auth0%7Cdave%2Bx']) {
    const r = await get(p);
    assert.equal(r.status, 200, `${p}: ${r.text}`);
    assert.equal(r.json.user_id, 'auth0|dave+x');
  }
  const some = await get('api/v2/users/google-oauth2%7Cbob?fields=email');
  assert.deepEqual(some.json, { email: 'bob@example.org' });
});

test('GET /api/v2/users/{id}: unknown users and hostile ids', async () => {
  await refused('api/v2/users/auth0|nobody', 404, 'inexistent_user', /^The user does not exist\.$/);
  await refused('api/v2/users/auth0|dave%20x', 404, 'inexistent_user');
  await refused('api/v2/users/AUTH0|ALICE', 404, 'inexistent_user');
  await refused('api/v2/users/..%2F..%2Fetc%2Fpasswd', 400, 'invalid_uri');
  await refused('api/v2/users/auth0%7Calice%00', 400, 'invalid_uri');
  await refused('api/v2/users/auth0%0Aalice', 400, 'invalid_uri');
  await refused('api/v2/users/auth0%ZZ', 400, 'invalid_uri');
  await refused('api/v2/users/auth0%7', 400, 'invalid_uri');
  await refused(`api/v2/users/${'x'.repeat(257)}`, 400, 'invalid_uri', /too long/);
  await refused('api/v2/users/', 400, 'invalid_uri', /empty/);
  await refused('api/v2/users/auth0|alice/roles', 404);
  await refused('api/v2/users/auth0|alice?include_fields=maybe', 400, 'invalid_query_string');
  assert.equal(d.exited, null, 'the daemon is still running');
});

test('GET /api/v2/users-by-email: an array, case-insensitive, possibly empty', async () => {
  const r = await get(`api/v2/users-by-email?${new URLSearchParams({ email: 'ALICE@example.com' })}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.map((u) => u.user_id), ['auth0|alice', 'auth0|dave+x']);
  assert.deepEqual(r.json[0], USERS[0]);
  const none = await get('api/v2/users-by-email?email=nobody%40example.com');
  assert.equal(none.status, 200);
  assert.deepEqual(none.json, []);
  const some = await get('api/v2/users-by-email?email=carol@example.com&fields=user_id,name');
  assert.deepEqual(some.json, [{ user_id: 'auth0|carol', name: 'Carol "CJ" Jones' }]);
  await refused('api/v2/users-by-email', 400, 'invalid_query_string', /email/);
  await refused('api/v2/users-by-email?email=', 400, 'invalid_query_string', /email/);
  await refused('api/v2/users-by-email?email=a@b&q=x', 400, 'invalid_query_string', /"q"/);
});

test('every users endpoint: no token is 401, a token without read:users is 403', async () => {
  for (const p of ['api/v2/users', 'api/v2/users/auth0|alice', 'api/v2/users-by-email?email=bob@example.org',
    'api/v2/users?per_page=101', 'api/v2/users/auth0|nobody']) {
    const none = await get(p, null);
    assert.equal(none.status, 401, `${p}: ${none.text}`);
    assert.match(none.headers['www-authenticate'] ?? '', /^Bearer/);
    const bad = await get(p, noScope);
    assert.equal(bad.status, 403, `${p}: ${bad.text}`);
    assert.equal(bad.json.errorCode, 'insufficient_scope');
  }
});

test('POST is not served on the users endpoints', async () => {
  const r = await d.request('api/v2/users', { method: 'POST', headers: { authorization: `Bearer ${reader}` }, body: {} });
  assert.equal(r.status, 405);
  const one = await d.request('api/v2/users/auth0|alice', { method: 'POST', headers: { authorization: `Bearer ${reader}` }, body: {} });
  assert.equal(one.status, 405);
});
