// RFC 7662 introspection and RFC 7009 revocation: a client learns about
// its own tokens only, gives back its own tokens only, and a token given
// back is refused everywhere from then on; the signer records each
// revocation.  Raw HTTP for the exact answers, and openid-client v6 for a
// real OpenID Connect library using both endpoints through discovery.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { startDaemon, clientToken } from './lib/daemon.mjs';
import { records, verifyChain, auditText, auditKey } from './lib/audit.mjs';
import { newCode, redeem, userinfo, SUPPORT, CUSTOMER, impersonationToken } from './lib/flow.mjs';

let d, token;
before(async () => {
  d = await startDaemon({ active: 'es256' });
  token = await impersonationToken(d);
});
after(async () => { await d?.stop(); });

// An impersonated login of the customer by support-1 into storefront:
// its token response.
async function login(daemon = d, bearer = token) {
  const { code } = await newCode(daemon, bearer, { additional: { scope: 'openid email' } });
  const r = await redeem(daemon, code);
  if (r.status !== 200) throw new Error(`code exchange failed: ${r.status} ${r.text}`);
  return r.json;
}

// POST to an endpoint as client (client_secret_post, or Basic), a form;
// secret null: the client_id alone.
function post(path, form, { client, secret, basic = false, daemon = d, headers = {} } = {}) {
  const body = { ...form };
  const h = { ...headers };
  if (client !== undefined) {
    if (secret === undefined) secret = daemon.secrets[client];
    if (basic) {
      h.authorization = `Basic ${Buffer.from(`${client}:${secret}`).toString('base64')}`;
    } else {
      body.client_id = client;
      if (secret !== null) body.client_secret = secret;
    }
  }
  return daemon.request(path, { method: 'POST', headers: h, body });
}
const introspect = (t, o) => post('oauth/introspect', t === undefined ? {} : { token: t }, o);
const revoke = (t, o) => post('oauth/revoke', t === undefined ? {} : { token: t }, o);

function revokedRecords(jti) {
  return records(d).filter((r) => r.event === 'token.revoked' && (jti === undefined || r.jti === jti));
}

test('discovery advertises introspection and revocation, with their client authentication methods', async () => {
  const r = await d.request('.well-known/openid-configuration');
  assert.equal(r.status, 200);
  assert.equal(r.json.introspection_endpoint, `${d.url}oauth/introspect`);
  assert.equal(r.json.revocation_endpoint, `${d.url}oauth/revoke`);
  assert.deepEqual(r.json.introspection_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post']);
  assert.deepEqual(r.json.revocation_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'none']);
});

test('a live impersonation token introspected by its client: active, every member as the token says', async () => {
  const t = await login();
  const claims = decodeJwt(t.access_token);
  for (const basic of [false, true]) {
    const r = await introspect(t.access_token, { client: 'storefront', basic });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.match(r.headers['content-type'], /^application\/json/);
    const j = r.json;
    assert.equal(j.active, true);
    assert.equal(j.token_type, 'Bearer');
    assert.equal(j.sub, CUSTOMER);
    assert.deepEqual(j.act, { sub: SUPPORT });
    assert.equal(j.client_id, 'storefront');
    assert.equal(j.iss, d.url);
    assert.equal(j.aud, `${d.url}userinfo`);
    // Each member the token has, as the token has it.
    for (const k of ['sub', 'act', 'client_id', 'scope', 'exp', 'iat', 'iss', 'aud', 'jti', 'sid']) {
      assert.deepEqual(j[k], claims[k], `${k}: ${JSON.stringify(j[k])} against the token's ${JSON.stringify(claims[k])}`);
    }
    assert.ok(j.exp > Date.now() / 1000);
    // Nothing of the token the RFC does not name, and nothing missing.
    const want = ['active', 'token_type', ...['sub', 'act', 'client_id', 'scope', 'exp', 'iat', 'iss', 'aud', 'jti', 'sid'].filter((k) => claims[k] !== undefined)];
    assert.deepEqual(Object.keys(j).sort(), want.sort());
  }
});

test('a client_credentials token introspected by its client: its API audience and scope, no act', async () => {
  const t = await clientToken(d, 'reader');
  const claims = decodeJwt(t.access_token);
  const r = await introspect(t.access_token, { client: 'reader' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.active, true);
  assert.equal(r.json.aud, `${d.url}api/v2/`);
  assert.equal(r.json.sub, 'reader@clients');
  assert.equal(r.json.scope, 'read:users');
  assert.equal(r.json.jti, claims.jti);
  assert.equal(r.json.exp, claims.exp);
  assert.equal(r.json.act, undefined);
});

test('another client\'s token, garbage, a token of another issuer: exactly {"active": false}', async () => {
  const t = await login();
  const api = await clientToken(d, 'reader');
  // storefront's token asked by backoffice, reader's by storefront.
  for (const [tok, client] of [[t.access_token, 'backoffice'], [api.access_token, 'storefront'], [t.access_token, 'reader']]) {
    const r = await introspect(tok, { client });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.text, '{"active":false}');
  }
  // The id_token is no access token.
  let r = await introspect(t.id_token, { client: 'storefront' });
  assert.equal(r.text, '{"active":false}');
  r = await introspect('not.a.token', { client: 'storefront' });
  assert.equal(r.text, '{"active":false}');
  r = await introspect('x'.repeat(20000), { client: 'storefront' });
  assert.equal(r.text, '{"active":false}');
  // A token of the same shape from another daemon (other keys).
  const other = await startDaemon({ active: 'es256' });
  try {
    const foreign = (await clientToken(other, 'reader')).access_token;
    r = await introspect(foreign, { client: 'reader' });
    assert.equal(r.text, '{"active":false}');
  } finally {
    await other.stop();
  }
  // The owner still sees its token active: the others' questions changed nothing.
  r = await introspect(t.access_token, { client: 'storefront' });
  assert.equal(r.json.active, true);
});

test('client authentication: a wrong secret or an unknown client is 401 invalid_client, Basic with a challenge; no token is 400; a public client cannot introspect', async () => {
  const t = await login();
  let r = await introspect(t.access_token, { client: 'storefront', secret: 'wrong-secret' });
  assert.equal(r.status, 401, r.text);
  assert.equal(r.json.error, 'invalid_client');
  assert.equal(r.json.active, undefined);
  r = await introspect(t.access_token, { client: 'storefront', secret: 'wrong-secret', basic: true });
  assert.equal(r.status, 401, r.text);
  assert.match(r.headers['www-authenticate'], /^Basic/);
  r = await introspect(t.access_token, { client: 'nobody', secret: 'whatever-secret' });
  assert.equal(r.status, 401, r.text);
  assert.equal(r.json.error, 'invalid_client');
  r = await introspect(t.access_token);
  assert.equal(r.status, 401, r.text);
  assert.equal(r.json.error, 'invalid_client');
  r = await introspect(t.access_token, { client: 'storefront', secret: null });
  assert.equal(r.status, 401, r.text);
  r = await introspect(t.access_token, { client: 'spa', secret: null });
  assert.equal(r.status, 401, 'a public client names itself only: no introspection');
  r = await introspect(undefined, { client: 'storefront' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error, 'invalid_request');
  r = await d.request('oauth/introspect', { method: 'GET' });
  assert.equal(r.status, 405);
  r = await revoke(t.access_token, { client: 'storefront', secret: 'wrong-secret' });
  assert.equal(r.status, 401, r.text);
  assert.equal(r.json.error, 'invalid_client');
  r = await revoke(undefined, { client: 'storefront' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error, 'invalid_request');
  // Nothing was revoked by the failures.
  assert.equal((await userinfo(d, t.access_token)).status, 200);
});

test('failed authentications at introspection and revocation count in the token endpoint\'s limiter', async () => {
  // A client_id of its own, so that no other test is held back.
  const guess = { client: 'guesser', secret: 'wrong-secret' };
  for (let i = 0; i < 5; i++) assert.equal((await introspect('garbage', guess)).status, 401);
  for (let i = 0; i < 5; i++) assert.equal((await revoke('garbage', guess)).status, 401);
  for (const r of [await revoke('garbage', guess), await introspect('garbage', guess),
    await d.request('oauth/token', { method: 'POST', body: { grant_type: 'client_credentials', client_id: 'guesser', client_secret: 'wrong-secret' } })]) {
    assert.equal(r.status, 429, r.text);
    assert.ok(Number(r.headers['retry-after']) > 0);
  }
});

test('revoked by its client: introspection says inactive, /userinfo refuses it, the signer recorded token.revoked', async () => {
  const t = await login();
  const claims = decodeJwt(t.access_token);
  assert.equal((await userinfo(d, t.access_token)).status, 200);
  const r = await revoke(t.access_token, { client: 'storefront', basic: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['cache-control'], 'no-store');
  const i = await introspect(t.access_token, { client: 'storefront' });
  assert.equal(i.text, '{"active":false}');
  const ui = await userinfo(d, t.access_token);
  assert.equal(ui.status, 401, ui.text);
  assert.match(ui.headers['www-authenticate'], /invalid_token/);

  const recs = revokedRecords(claims.jti);
  assert.equal(recs.length, 1, JSON.stringify(recs));
  const rec = recs[0];
  assert.equal(rec.outcome, 'ok');
  assert.equal(rec.client_id, 'storefront');
  assert.equal(rec.user_id, CUSTOMER);
  assert.equal(rec.impersonator_id, SUPPORT);
  assert.deepEqual(rec.revoked, [claims.jti]);
  assert.equal(rec.sid, claims.sid);		// when the token has one
  assert.equal(rec.source, undefined, 'a decision of the signer, not the front end\'s word');
  assert.equal(rec.ip, '127.0.0.1');
  verifyChain(auditText(d), auditKey(d));

  // Given back again: 200, and nothing more recorded.
  const again = await revoke(t.access_token, { client: 'storefront' });
  assert.equal(again.status, 200, again.text);
  assert.equal(revokedRecords(claims.jti).length, 1);
});

test('an API token revoked by its client: the Management API\'s bearer check refuses it', async () => {
  const t = await clientToken(d, 'reader');
  const h = { authorization: `Bearer ${t.access_token}` };
  assert.equal((await d.request('api/v2/users', { headers: h })).status, 200);
  const r = await revoke(t.access_token, { client: 'reader' });
  assert.equal(r.status, 200, r.text);
  const u = await d.request('api/v2/users', { headers: h });
  assert.equal(u.status, 401, u.text);
  assert.match(u.headers['www-authenticate'], /invalid_token/);
  assert.equal((await introspect(t.access_token, { client: 'reader' })).text, '{"active":false}');
  const rec = revokedRecords(decodeJwt(t.access_token).jti);
  assert.equal(rec.length, 1);
  assert.equal(rec[0].user_id, 'reader@clients');
  assert.equal(rec[0].impersonator_id, undefined);
});

test('another client\'s token is refused (400 unauthorized_client), recorded as denied, and keeps working', async () => {
  const t = await login();
  const jti = decodeJwt(t.access_token).jti;
  const r = await revoke(t.access_token, { client: 'backoffice' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error, 'unauthorized_client');
  assert.equal((await userinfo(d, t.access_token)).status, 200);
  assert.equal((await introspect(t.access_token, { client: 'storefront' })).json.active, true);
  const recs = revokedRecords(jti);
  assert.equal(recs.length, 1);
  assert.equal(recs[0].outcome, 'denied');
  assert.equal(recs[0].rule, 'token_of_another_client');
  assert.equal(recs[0].client_id, 'backoffice');
  assert.equal(recs[0].revoked, undefined);
  assert.match(recs[0].detail, /storefront/);
});

test('another client\'s token is refused the same once revoked or ended: the refusal says nothing of its state', async () => {
  const t = await login();
  assert.equal((await revoke(t.access_token, { client: 'storefront' })).status, 200);
  for (const [client, secret] of [['backoffice', undefined], ['spa', null]]) {
    const r = await revoke(t.access_token, { client, secret });
    assert.equal(r.status, 400, `${client}: ${r.text}`);
    assert.equal(r.json.error, 'unauthorized_client');
  }
});

test('an unknown, garbage or foreign token: 200, nothing revoked, nothing recorded', async () => {
  const before = records(d).length;
  const live = await login();
  const afterLogin = records(d).length;
  for (const tok of ['garbage', 'a.b.c', live.id_token, 'x'.repeat(9000)]) {
    const r = await revoke(tok, { client: 'storefront' });
    assert.equal(r.status, 200, `${tok.slice(0, 20)}: ${r.status} ${r.text}`);
  }
  assert.ok(afterLogin > before);
  assert.equal(records(d).length, afterLogin, 'no record for a token that does not verify');
  assert.equal((await userinfo(d, live.access_token)).status, 200);
  // Unauthenticated, a garbage token is still a 401: the client first.
  const r = await revoke('garbage', { client: 'storefront', secret: 'wrong-secret' });
  assert.equal(r.status, 401);
});

test('a public client revokes by its client_id alone; a confidential one cannot', async () => {
  const t = await login();
  let r = await revoke('garbage', { client: 'spa', secret: null, headers: { origin: 'http://127.0.0.1:3002' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['access-control-allow-origin'], 'http://127.0.0.1:3002');
  // Authenticated as spa, storefront's token is not its to give back;
  // a public client proves nothing by its name, so nothing is recorded
  // however often it asks.
  const before = records(d).length;
  for (let i = 0; i < 20; i++) {
    r = await revoke(t.access_token, { client: 'spa', secret: null });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error, 'unauthorized_client');
  }
  assert.equal(records(d).length, before, 'no record of a public client\'s refusals');
  r = await revoke(t.access_token, { client: 'storefront', secret: null });
  assert.equal(r.status, 401, r.text);
  assert.equal((await userinfo(d, t.access_token)).status, 200);
});

test('openid-client v6: tokenIntrospection and tokenRevocation through discovery', async () => {
  const t = await login();
  // A failed fetch says why (undici hides it in cause).
  const config = await oidc.discovery(new URL(d.url), 'storefront', d.secrets.storefront)
    .catch((e) => { throw new Error(`discovery: ${e.message}: ${e.cause?.message ?? e.cause}`); });
  const server = config.serverMetadata();
  assert.equal(server.introspection_endpoint, `${d.url}oauth/introspect`);
  assert.equal(server.revocation_endpoint, `${d.url}oauth/revoke`);
  const live = await oidc.tokenIntrospection(config, t.access_token);
  assert.equal(live.active, true);
  assert.equal(live.sub, CUSTOMER);
  assert.equal(live.client_id, 'storefront');
  assert.deepEqual(live.act, { sub: SUPPORT });
  await oidc.tokenRevocation(config, t.access_token, { token_type_hint: 'access_token' });
  const gone = await oidc.tokenIntrospection(config, t.access_token);
  assert.equal(gone.active, false);
  assert.equal((await userinfo(d, t.access_token)).status, 401);
  // With client_secret_basic too.
  const basic = await oidc.discovery(new URL(d.url), 'reader', d.secrets.reader, oidc.ClientSecretBasic(d.secrets.reader));
  const api = await clientToken(d, 'reader');
  assert.equal((await oidc.tokenIntrospection(basic, api.access_token)).active, true);
  assert.equal((await oidc.tokenIntrospection(basic, t.access_token)).active, false);
});

test('an expired token: inactive, and its revocation does nothing and records nothing', async () => {
  const short = await startDaemon({ active: 'es256', mutate: (c) => { c.impersonation.token_ttl = 2; } });
  try {
    const t = await login(short, await impersonationToken(short));
    const claims = decodeJwt(t.access_token);
    assert.equal(claims.exp - claims.iat, 2);
    let r = await introspect(t.access_token, { client: 'storefront', daemon: short });
    assert.equal(r.json.active, true, 'live before its exp');
    while (Date.now() / 1000 < claims.exp + 1) await new Promise((ok) => setTimeout(ok, 100));
    r = await introspect(t.access_token, { client: 'storefront', daemon: short });
    assert.equal(r.status, 200);
    assert.equal(r.text, '{"active":false}');
    r = await revoke(t.access_token, { client: 'storefront', daemon: short });
    assert.equal(r.status, 200, r.text);
    assert.equal(records(short).filter((x) => x.event === 'token.revoked').length, 0);
  } finally {
    await short.stop();
  }
});
