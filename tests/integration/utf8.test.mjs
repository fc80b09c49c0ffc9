// Text that is not UTF-8 is refused where it enters: form bodies, query
// strings and the user id in a path are %-decoded into bytes, and bytes
// that are not UTF-8 get a 400 there, before they reach the policy, the
// audit log or a token (a nonce of %FF once made a link whose code
// exchange failed with a 503).  Valid text of every length of sequence
// goes through to the id_token unchanged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, clientToken } from './lib/daemon.mjs';
import { auditText } from './lib/audit.mjs';
import { CUSTOMER, SUPPORT, follow, newCode, newLink, redeem, verifyIdToken } from './lib/flow.mjs';

let d, token, reader;
before(async () => {
  d = await startDaemon();
  token = (await clientToken(d)).access_token;
  reader = (await clientToken(d, 'reader')).access_token;
});
after(async () => { await d?.stop(); });

const FORM = 'application/x-www-form-urlencoded';

// A link request as a form, its parameters already %-encoded by hand.
function askRaw(extra, { type = FORM, body } = {}) {
  const raw = body ?? `protocol=oauth2&impersonator_id=${encodeURIComponent(SUPPORT)}` +
    `&client_id=storefront&additionalParameters%5Bresponse_type%5D=code${extra}`;
  return d.request(`users/${encodeURIComponent(CUSTOMER)}/impersonate`,
    { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, raw });
}

function assertInvalidRequest(r, what) {
  assert.equal(r.status, 400, `${what}: ${r.status} ${r.text}`);
  assert.equal(r.json?.error, 'invalid_request', `${what}: ${r.text}`);
  assert.match(r.json.error_description, /UTF-8/, what);
  assert.ok(!r.text.includes('bewit'), `${what}: no link`);
}

test('a form nonce of %FF%FE: 400 invalid_request and no link', async () => {
  assertInvalidRequest(await askRaw('&additionalParameters%5Bnonce%5D=%FF%FE'), 'nonce %FF%FE');
});

test('every class of invalid sequence in a form value is refused', async () => {
  const bad = {
    'a stray continuation byte': '%80',
    'a lead byte without its continuation': '%C3',
    'a lead byte then ASCII': '%C3%28',
    'a truncated three-byte sequence': '%E4%B8',
    'a truncated four-byte sequence': '%F0%9F%98',
    'an overlong "/" (C0 AF)': '%C0%AF',
    'an overlong NUL in three bytes': '%E0%80%80',
    'an overlong in four bytes': '%F0%80%80%80',
    'a surrogate, U+D800': '%ED%A0%80',
    'a surrogate, U+DFFF': '%ED%BF%BF',
    'beyond U+10FFFF': '%F4%90%80%80',
    'an F5 lead byte': '%F5%80%80%80',
    'an FF byte': '%FF',
  };
  for (const [what, v] of Object.entries(bad))
    assertInvalidRequest(await askRaw(`&additionalParameters%5Bnonce%5D=${v}`), what);
  // In a name, too.
  assertInvalidRequest(await askRaw('&x%FF=1'), 'a name of invalid UTF-8');
});

test('the same nonce as raw bytes in a JSON body: 400 invalid_request', async () => {
  const body = Buffer.concat([
    Buffer.from(`{"protocol":"oauth2","impersonator_id":"${SUPPORT}","client_id":"storefront",` +
      '"additionalParameters":{"response_type":"code","nonce":"'),
    Buffer.from([0xff, 0xfe]),
    Buffer.from('"}}'),
  ]);
  const r = await askRaw('', { type: 'application/json', body });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json?.error, 'invalid_request');
  assert.ok(!r.text.includes('bewit'));
});

test('invalid UTF-8 in a form reason: 400 invalid_request', async () => {
  assertInvalidRequest(await askRaw('&reason=ticket%20%C3%28'), 'reason');
});

test('invalid UTF-8 in client_id at /oauth/token: 400 invalid_request, before any client authentication', async () => {
  const r = await d.request('oauth/token', { method: 'POST', headers: { 'content-type': FORM },
    raw: 'grant_type=client_credentials&client_id=%C3%28&client_secret=x' });
  assertInvalidRequest(r, 'client_id');
});

test('Basic credentials that are not UTF-8 once decoded: 401 invalid_client, malformed', async () => {
  for (const creds of ['%C3%28:secret', 'backoffice:%ED%A0%80']) {
    const r = await d.request('oauth/token', { method: 'POST',
      headers: { 'content-type': FORM, authorization: `Basic ${Buffer.from(creds).toString('base64')}` },
      raw: 'grant_type=client_credentials' });
    assert.equal(r.status, 401, `${creds}: ${r.text}`);
    assert.equal(r.json?.error, 'invalid_client');
    assert.match(r.json.error_description, /malformed Basic/, creds);
    assert.match(r.headers['www-authenticate'], /^Basic /);
  }
});

test('invalid UTF-8 in the user id of a path: 4xx at both endpoints', async () => {
  const body = { protocol: 'oauth2', impersonator_id: SUPPORT, client_id: 'storefront' };
  for (const id of ['auth0%7C%FF', 'auth0%7C%C0%AF', 'auth0%7C%ED%A0%80']) {
    const i = await d.request(`users/${id}/impersonate`, { method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    assert.equal(i.status, 404, `impersonate ${id}: ${i.text}`);
    assert.equal(i.json?.error, 'not_found');
    const g = await d.request(`users/${id}/impersonate?&bewit=x`);
    assert.equal(g.status, 404, `follow ${id}: ${g.text}`);
    const u = await d.request(`api/v2/users/${id}`, { headers: { authorization: `Bearer ${reader}` } });
    assert.equal(u.status, 400, `api/v2/users/${id}: ${u.text}`);
    assert.equal(u.json?.errorCode, 'invalid_uri');
  }
});

test('invalid UTF-8 in the users API query strings: 400 invalid_query_string', async () => {
  for (const path of ['api/v2/users?q=%FF', 'api/v2/users?q=name:%C3%28', 'api/v2/users?x%FF=1',
    'api/v2/users-by-email?email=%FF%40example.com', `api/v2/users/${encodeURIComponent(CUSTOMER)}?fields=%ED%A0%80`]) {
    const r = await d.request(path, { headers: { authorization: `Bearer ${reader}` } });
    assert.equal(r.status, 400, `${path}: ${r.text}`);
    assert.equal(r.json?.errorCode, 'invalid_query_string', path);
    assert.match(r.json.message, /UTF-8/, path);
  }
});

test('invalid UTF-8 in a link: 400, and the link is not spent', async () => {
  const link = await newLink(d, token);
  const u = new URL(link);
  for (const q of [`${u.search}&x=%FF`, '?&bewit=%FF', `${u.search}%C3`]) {
    const r = await d.request(u.pathname + q);
    assert.equal(r.status, 400, `${q}: ${r.text}`);
    assert.equal(r.headers.location, undefined);
  }
  const r = await follow(d, link);
  assert.equal(r.status, 302, `the link still works: ${r.text}`);
});

test('a nonce of é中😀 in a form: 200, and the id_token\'s nonce is exactly that text', async () => {
  const nonce = '\u00e9\u4e2d\u{1f600}';
  const { code } = await newCode(d, token, { form: true, additional: { nonce } });
  const r = await redeem(d, code);
  assert.equal(r.status, 200, r.text);
  const { payload } = await verifyIdToken(d, r.json.id_token);
  assert.equal(payload.nonce, nonce);
});

test('nothing that was not UTF-8 reached the audit log', () => {
  assert.ok(!auditText(d).includes('\ufffd'), 'a U+FFFD in the audit log');
  assert.equal(d.exited, null);
});
