// /authorize and third-party initiated login (DESIGN.md section 1b), at
// the HTTP level, with a cookie jar for each browser: a followed link sets
// the login cookie and sends the browser to the application's
// initiate_login_uri; the application's own request with state, nonce and
// PKCE is answered once; everything else is refused without a redirect to
// anywhere unregistered.  The applications themselves (express, Apache,
// a single-page app in Chromium) sign in through this in rp.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { startDaemon } from './lib/daemon.mjs';
import { records } from './lib/audit.mjs';
import { impersonationToken, newLink, redeem, userinfo, verifyIdToken, CUSTOMER, SUPPORT } from './lib/flow.mjs';

const PORTAL = 'http://127.0.0.1:3001/callback';
const SPA = 'http://127.0.0.1:3002/callback.html';
const SPA_ORIGIN = 'http://127.0.0.1:3002';
const LINK_TTL = 90;

let d, token;
before(async () => {
  d = await startDaemon({ mutate: (c) => { c.impersonation.link_ttl = LINK_TTL; } });
  token = await impersonationToken(d);
});
after(async () => { await d?.stop(); });

// One browser: the cookies guise set in it, sent back as a browser would.
class Browser {
  constructor() { this.jar = new Map(); }
  take(r) {
    let set = r.headers['set-cookie'] ?? [];
    if (!Array.isArray(set)) set = [set];
    for (const line of set) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const maxAge = attrs.find((a) => /^max-age=/i.test(a));
      if (maxAge && Number(maxAge.split('=')[1]) <= 0) this.jar.delete(name);
      else this.jar.set(name, pair.slice(eq + 1));
    }
    return r;
  }
  headers() {
    return this.jar.size ? { cookie: [...this.jar].map(([n, v]) => `${n}=${v}`).join('; ') } : {};
  }
  async get(path) { return this.take(await d.request(path, { headers: this.headers() })); }
  async post(path, body) { return this.take(await d.request(path, { method: 'POST', headers: this.headers(), body })); }
}

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

// A followed link for client in browser b: the redirect to its
// initiate_login_uri.
async function followFor(b, client = 'portal', opts = {}) {
  const link = await newLink(d, token, { body: { client_id: client }, ...opts });
  const u = new URL(link);
  const r = await b.get(u.pathname + u.search);
  assert.equal(r.status, 302, r.text);
  return { r, link, location: new URL(r.headers.location) };
}

function authorizePath(params) {
  return `authorize?${new URLSearchParams(params)}`;
}

function portalRequest(extra = {}) {
  const p = pkce();
  return {
    p,
    params: {
      client_id: 'portal', redirect_uri: PORTAL, response_type: 'code', scope: 'openid profile email',
      state: randomBytes(8).toString('hex'), nonce: randomBytes(8).toString('hex'),
      code_challenge: p.challenge, code_challenge_method: 'S256', ...extra,
    },
  };
}

// The answer's parameters, from the query or the fragment of its Location.
function answerOf(r) {
  assert.equal(r.status, 302, r.text);
  const u = new URL(r.headers.location);
  return { url: u, q: u.searchParams, f: new URLSearchParams(u.hash.slice(1)) };
}

test('discovery: authorization_endpoint and the rest OpenID Connect Discovery requires, and openid-client accepts it with nothing turned off', async () => {
  const r = await d.request('.well-known/openid-configuration');
  const m = r.json;
  assert.equal(m.authorization_endpoint, `${d.url}authorize`);
  assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(m.response_modes_supported, ['query', 'fragment', 'form_post']);
  assert.deepEqual(m.response_types_supported, ['code', 'token', 'id_token token']);
  assert.ok(m.token_endpoint_auth_methods_supported.includes('none'));
  assert.equal(m.request_uri_parameter_supported, false, 'Discovery defaults it to true: it must be said');
  assert.equal(m.authorization_response_iss_parameter_supported, undefined, 'the how-to\'s redirect has no iss');
  for (const k of ['issuer', 'jwks_uri', 'subject_types_supported', 'id_token_signing_alg_values_supported', 'token_endpoint']) {
    assert.ok(m[k], `${k} is there`);
  }
  const config = await oidc.discovery(new URL(d.url), 'portal', d.secrets.portal);
  assert.equal(config.serverMetadata().authorization_endpoint, `${d.url}authorize`);
  assert.equal(config.serverMetadata().supportsPKCE(), true);
});

test('a followed link for an application that starts its own login sets the login cookie and goes to its initiate_login_uri', async () => {
  const b = new Browser();
  const { r, location } = await followFor(b);
  assert.equal(`${location.origin}${location.pathname}`, 'http://127.0.0.1:3001/login');
  assert.equal(location.searchParams.get('iss'), d.url);
  assert.equal(location.searchParams.get('target_link_uri'), 'http://127.0.0.1:3001/', 'the origin of initiate_login_uri by default');
  assert.equal(location.searchParams.get('login_hint'), CUSTOMER);
  const set = [].concat(r.headers['set-cookie']);
  assert.equal(set.length, 1);
  const [pair, ...attrs] = set[0].split(';').map((s) => s.trim());
  assert.match(pair, /^__Host-guise-imp-portal=[A-Za-z0-9_-]{43}$/);
  const lower = attrs.map((a) => a.toLowerCase());
  for (const a of ['secure', 'httponly', 'samesite=lax', 'path=/']) assert.ok(lower.includes(a), `${a} in ${set[0]}`);
  assert.ok(!lower.some((a) => a.startsWith('domain')), '__Host- cookies have no Domain');
  const age = Number(lower.find((a) => a.startsWith('max-age=')).split('=')[1]);
  assert.ok(age > 0 && age <= LINK_TTL, `lives at most link_ttl: ${age}`);
  assert.equal(r.headers['cache-control'], 'no-store');
  // No code went anywhere: the grant waits for the application's request.
  assert.ok(!r.headers.location.includes('code='));
});

test('the application\'s own request, with the cookie, gets a code for its state, nonce and PKCE; the exchange checks code_verifier', async () => {
  const b = new Browser();
  await followFor(b);
  const { p, params } = portalRequest();
  const r = await b.get(authorizePath(params));
  const { url, q } = answerOf(r);
  assert.equal(`${url.origin}${url.pathname}`, PORTAL);
  assert.deepEqual([...q.keys()].sort(), ['code', 'iss', 'state']);
  assert.equal(q.get('state'), params.state);
  assert.equal(q.get('iss'), d.url);
  assert.ok(!b.jar.has('__Host-guise-imp-portal'), 'the cookie is cleared once it has done its work');

  const wrong = await redeem(d, q.get('code'), { client: 'portal', redirect_uri: PORTAL, extra: { code_verifier: pkce().verifier } });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.json.error, 'invalid_grant');

  // A wrong verifier spends the code: a second login for the right one.
  const b2 = new Browser();
  await followFor(b2);
  const again = portalRequest();
  const { q: q2 } = answerOf(await b2.get(authorizePath(again.params)));
  const missing = await redeem(d, q2.get('code'), { client: 'portal', redirect_uri: PORTAL });
  assert.equal(missing.status, 400, 'a code asked for with a challenge needs its verifier');
  assert.equal(missing.json.error, 'invalid_grant');

  const b3 = new Browser();
  await followFor(b3);
  const good = portalRequest();
  const { q: q3 } = answerOf(await b3.get(authorizePath(good.params)));
  const t = await redeem(d, q3.get('code'), { client: 'portal', redirect_uri: PORTAL, extra: { code_verifier: good.p.verifier } });
  assert.equal(t.status, 200, t.text);
  const { payload } = await verifyIdToken(d, t.json.id_token, { audience: 'portal' });
  assert.equal(payload.sub, CUSTOMER);
  assert.equal(payload.nonce, good.params.nonce, 'the application\'s nonce');
  assert.equal(payload.impersonated, true);
  assert.equal(payload.impersonator.user_id, SUPPORT);
  assert.deepEqual(payload.act, { sub: SUPPORT });
  assert.equal(payload.email, 'alice@example.com');
  const ui = await userinfo(d, t.json.access_token);
  assert.equal(ui.status, 200);
  assert.equal(ui.json.sub, CUSTOMER);
  assert.equal(ui.json.impersonated, true);
  void p;
});

test('a verifier for a code asked for without a challenge is refused', async () => {
  const b = new Browser();
  await followFor(b);
  const { params } = portalRequest();
  delete params.code_challenge;
  delete params.code_challenge_method;
  const { q } = answerOf(await b.get(authorizePath(params)));
  const r = await redeem(d, q.get('code'), { client: 'portal', redirect_uri: PORTAL, extra: { code_verifier: pkce().verifier } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error, 'invalid_grant');
});

test('the login works once, from either path: the cookie again, the link again', async () => {
  const b = new Browser();
  const { r, link } = await followFor(b);
  const cookie = [].concat(r.headers['set-cookie'])[0].split(';')[0];
  const first = portalRequest();
  assert.ok(answerOf(await b.get(authorizePath(first.params))).q.get('code'));

  // The same cookie value once more, as a browser that kept it would send it.
  const second = portalRequest();
  const again = await d.request(authorizePath(second.params), { headers: { cookie } });
  const { q } = answerOf(again);
  assert.equal(q.get('error'), 'login_required');
  assert.equal(q.get('state'), second.params.state);
  assert.equal(q.get('code'), null);

  const u = new URL(link);
  const refollow = await d.request(u.pathname + u.search);
  assert.equal(refollow.status, 400);
  assert.equal(refollow.json.error, 'access_denied');
  assert.equal(refollow.headers.location, undefined);
});

test('the cookie of one browser does not work in another, and prompt=none without a login is login_required', async () => {
  const b1 = new Browser();
  await followFor(b1);
  const other = new Browser();
  for (const extra of [{}, { prompt: 'none' }]) {
    const { params } = portalRequest(extra);
    const { url, q } = answerOf(await other.get(authorizePath(params)));
    assert.equal(`${url.origin}${url.pathname}`, PORTAL);
    assert.equal(q.get('error'), 'login_required');
    assert.equal(q.get('iss'), null, 'mod_auth_openidc takes iss without a code for a login to start');
    assert.equal(q.get('state'), params.state);
  }
  // The first browser's login is still there for it.
  const { params } = portalRequest({ prompt: 'none' });
  // A HEAD (a link checker's) does not spend it either.
  const head = await d.request(authorizePath(params), { method: 'HEAD', headers: b1.headers() });
  assert.equal(head.status, 405);
  assert.ok(answerOf(await b1.get(authorizePath(params))).q.get('code'));
});

test('a link for one application cannot complete a login for another', async () => {
  const b = new Browser();
  const { r } = await followFor(b, 'portal');
  const value = [].concat(r.headers['set-cookie'])[0].split(';')[0].split('=')[1];
  // The spa's request, with portal's cookie, and with portal's value under the spa's name.
  const { p } = portalRequest();
  const spaParams = { client_id: 'spa', redirect_uri: SPA, response_type: 'code', scope: 'openid', state: 's', code_challenge: p.challenge, code_challenge_method: 'S256' };
  const plain = answerOf(await b.get(authorizePath(spaParams)));
  assert.equal(plain.q.get('error'), 'login_required');
  const renamed = answerOf(await d.request(authorizePath(spaParams), { headers: { cookie: `__Host-guise-imp-spa=${value}` } }));
  assert.equal(renamed.q.get('error'), 'login_required');
  assert.equal(renamed.q.get('code'), null);
  // Neither spent portal's login: its own request still gets its code.
  assert.ok(answerOf(await b.get(authorizePath(portalRequest().params))).q.get('code'));
});

test('an application without initiate_login_uri gets a page at /authorize, as its links lead to it directly', async () => {
  const r = await d.request(authorizePath({ client_id: 'storefront', redirect_uri: 'http://127.0.0.1:3000/callback', response_type: 'code', scope: 'openid', state: 'x' }));
  assert.equal(r.status, 400);
  assert.equal(r.headers.location, undefined);
  assert.match(r.text, /initiate_login_uri/);
});

test('a signer that dies with the request unread: the login stays for another try in the same browser', async () => {
  const b = new Browser();
  await followFor(b);
  const signer = d.children().find((c) => c.name === 'guise-signer');
  process.kill(signer.pid, 'SIGSTOP');
  const pending = b.get(authorizePath(portalRequest().params));
  await new Promise((res) => setTimeout(res, 300));
  process.kill(signer.pid, 'SIGKILL');
  const first = answerOf(await pending);
  assert.equal(first.q.get('error'), 'temporarily_unavailable');
  assert.ok(b.jar.has('__Host-guise-imp-portal'), 'the cookie stays');
  const until = Date.now() + 10000;
  let again;
  for (;;) {
    again = answerOf(await b.get(authorizePath(portalRequest().params)));
    if (again.q.get('error') !== 'temporarily_unavailable' || Date.now() > until) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.ok(again.q.get('code'), again.url.href);
  assert.ok(!b.jar.has('__Host-guise-imp-portal'));
});

test('nothing is redirected to an unregistered redirect_uri or for an unknown client: a page says why', async () => {
  const b = new Browser();
  await followFor(b);
  const cases = [
    portalRequest({ redirect_uri: 'http://127.0.0.1:3001/callback/evil' }).params,
    portalRequest({ redirect_uri: 'http://evil.example/callback' }).params,
    portalRequest({ client_id: 'nobody' }).params,
    (() => { const x = portalRequest().params; delete x.redirect_uri; return x; })(),
    (() => { const x = portalRequest().params; delete x.client_id; return x; })(),
  ];
  for (const params of cases) {
    const r = await b.get(authorizePath(params));
    assert.equal(r.status, 400, JSON.stringify(params));
    assert.equal(r.headers.location, undefined);
    assert.match(r.headers['content-type'], /^text\/html/);
    assert.match(r.text, /impersonation links/);
    assert.match(r.headers['content-security-policy'], /default-src 'none'/);
  }
  // Those refusals did not spend the login.
  assert.ok(answerOf(await b.get(authorizePath(portalRequest().params))).q.get('code'));
});

test('a bad request to a registered redirect_uri gets its error there, and the login stays', async () => {
  const b = new Browser();
  await followFor(b);
  const cases = [
    [{ response_type: 'id_token' }, 'unsupported_response_type'],
    [{ response_type: 'code id_token' }, 'unsupported_response_type'],
    [{ scope: 'profile' }, 'invalid_scope'],
    [{ code_challenge_method: 'plain' }, 'invalid_request'],
    [{ code_challenge: 'short' }, 'invalid_request'],
    [{ response_mode: 'jwt' }, 'invalid_request'],
    [{ prompt: 'none login' }, 'invalid_request'],
    [{ request_uri: 'https://evil.example/r' }, 'request_uri_not_supported'],
    [{ response_type: 'id_token token', response_mode: 'query' }, 'invalid_request'],
    [{ response_type: 'id_token token', nonce: undefined }, 'invalid_request'],
  ];
  for (const [extra, error] of cases) {
    const params = portalRequest(extra).params;
    for (const k of Object.keys(params)) if (params[k] === undefined) delete params[k];
    const r = await b.get(authorizePath(params));
    const u = new URL(r.headers.location);
    const got = new URLSearchParams(u.search || u.hash.slice(1));
    assert.equal(got.get('error'), error, JSON.stringify(extra));
    assert.equal(got.get('state'), params.state);
  }
  assert.ok(answerOf(await b.get(authorizePath(portalRequest().params))).q.get('code'), 'the login was not spent');
});

test('response_mode=form_post: a page that posts the answer, running only its own hashed script', async () => {
  const b = new Browser();
  await followFor(b);
  const { params } = portalRequest({ response_mode: 'form_post' });
  const r = await b.get(authorizePath(params));
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/html/);
  assert.match(r.text, new RegExp(`<form method="post" action="${PORTAL.replace(/[/.]/g, '\\$&')}">`));
  const inputs = Object.fromEntries([...r.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
  assert.deepEqual(Object.keys(inputs).sort(), ['code', 'iss', 'state']);
  assert.equal(inputs.state, params.state);
  const script = r.text.match(/<script>([^<]*)<\/script>/)[1];
  const hash = createHash('sha256').update(script).digest('base64');
  assert.ok(r.headers['content-security-policy'].includes(`script-src 'sha256-${hash}'`), r.headers['content-security-policy']);
  assert.equal(r.headers['cache-control'], 'no-store');
});

test('id_token token: the tokens in the fragment, with the application\'s nonce', async () => {
  const b = new Browser();
  await followFor(b);
  const { params } = portalRequest({ response_type: 'id_token token' });
  const { f, q } = answerOf(await b.get(authorizePath(params)));
  assert.equal(q.get('access_token'), null, 'never in the query');
  assert.equal(f.get('token_type'), 'Bearer');
  assert.equal(f.get('state'), params.state);
  const { payload } = await verifyIdToken(d, f.get('id_token'), { audience: 'portal' });
  assert.equal(payload.nonce, params.nonce);
  assert.equal(payload.sub, CUSTOMER);
  assert.equal((await userinfo(d, f.get('access_token'))).json.impersonated, true);
});

test('a public client: PKCE required, no secret, CORS for its web origin only', async () => {
  const b = new Browser();
  await followFor(b, 'spa');
  const base = { client_id: 'spa', redirect_uri: SPA, response_type: 'code', scope: 'openid profile', state: 'st', nonce: 'nn' };
  const nopkce = answerOf(await b.get(authorizePath(base)));
  assert.equal(nopkce.q.get('error'), 'invalid_request');
  const p = pkce();
  const { q } = answerOf(await b.get(authorizePath({ ...base, code_challenge: p.challenge, code_challenge_method: 'S256' })));
  const code = q.get('code');
  assert.ok(code, 'the login was not spent by the refused request');

  const withSecret = await d.request('oauth/token', { method: 'POST', body: { grant_type: 'authorization_code', client_id: 'spa', client_secret: 'x'.repeat(32), code, redirect_uri: SPA, code_verifier: p.verifier } });
  assert.equal(withSecret.status, 401);
  const t = await d.request('oauth/token', { method: 'POST', headers: { origin: SPA_ORIGIN }, body: { grant_type: 'authorization_code', client_id: 'spa', code, redirect_uri: SPA, code_verifier: p.verifier } });
  assert.equal(t.status, 200, t.text);
  assert.equal(t.headers['access-control-allow-origin'], SPA_ORIGIN);
  const { payload } = await verifyIdToken(d, t.json.id_token, { audience: 'spa' });
  assert.equal(payload.nonce, 'nn');
  assert.equal(payload.impersonated, true);

  // A replay of the spent code: the client's name alone proves nothing for
  // a public client, so it revokes nothing and writes nothing; with the
  // verifier it revokes, recorded once, and not again.
  const replay = (extra) => d.request('oauth/token', { method: 'POST', body: { grant_type: 'authorization_code', client_id: 'spa', code, redirect_uri: SPA, ...extra } });
  const n = records(d).length;
  for (let i = 0; i < 5; i++) assert.equal((await replay({})).json.error, 'invalid_grant');
  assert.equal((await replay({ code_verifier: pkce().verifier })).json.error, 'invalid_grant');
  assert.equal((await userinfo(d, t.json.access_token)).status, 200, 'not revoked by a name alone');
  assert.deepEqual(records(d).slice(n).map((x) => x.event), []);
  for (let i = 0; i < 3; i++) assert.equal((await replay({ code_verifier: p.verifier })).json.error, 'invalid_grant');
  assert.equal((await userinfo(d, t.json.access_token)).status, 401, 'revoked by its verifier');
  const replayed = records(d).slice(n).filter((x) => x.event === 'impersonation.code_replayed');
  assert.equal(replayed.length, 1, 'recorded once');
  assert.equal(replayed[0].client_id, 'spa');

  // A confidential client cannot leave its secret out.
  const bare = await d.request('oauth/token', { method: 'POST', body: { grant_type: 'authorization_code', client_id: 'portal', code: 'x', redirect_uri: PORTAL } });
  assert.equal(bare.status, 401);
  assert.equal(bare.json.error, 'invalid_client');

  for (const path of ['.well-known/openid-configuration', '.well-known/jwks.json', 'oauth/token', 'userinfo']) {
    const pre = await d.request(path, { method: 'OPTIONS', headers: { origin: SPA_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });
    assert.equal(pre.status, 204, path);
    assert.equal(pre.headers['access-control-allow-origin'], SPA_ORIGIN, path);
    assert.match(pre.headers['access-control-allow-headers'], /Authorization/);
    const evil = await d.request(path, { method: 'OPTIONS', headers: { origin: 'http://evil.example' } });
    assert.equal(evil.headers['access-control-allow-origin'], undefined, path);
  }
  const ui = await d.request('userinfo', { headers: { origin: SPA_ORIGIN, authorization: `Bearer ${t.json.access_token}` } });
  assert.equal(ui.headers['access-control-allow-origin'], SPA_ORIGIN);
  const none = await d.request('.well-known/jwks.json', { headers: { origin: 'http://evil.example' } });
  assert.equal(none.headers['access-control-allow-origin'], undefined);
  assert.match(none.headers.vary, /Origin/);
  // /authorize is a browser's navigation, never a script's.
  const authz = await d.request('authorize', { method: 'OPTIONS', headers: { origin: SPA_ORIGIN } });
  assert.equal(authz.headers['access-control-allow-origin'], undefined);
});

test('POST /authorize, as the specification allows, answers alike', async () => {
  const b = new Browser();
  await followFor(b);
  const { params } = portalRequest();
  const { q } = answerOf(await b.post('authorize', params));
  assert.ok(q.get('code'));
  assert.equal(q.get('state'), params.state);
});

// Reload guise with users changed by change (the daemon's own file kept).
async function reloadUsers(change) {
  const file = join(d.dir, 'users.json');
  const before = readFileSync(file, 'utf8');
  writeFileSync(file, JSON.stringify(change(JSON.parse(before))), { mode: 0o644 });
  const mark = d.log.length;
  d.proc.kill('SIGHUP');
  const until = Date.now() + 10000;
  while (!/audit: event=service\.reloaded outcome=ok/.test(d.log.slice(mark))) {
    assert.ok(Date.now() < until, `no reload seen in:\n${d.log.slice(mark)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return before;
}

test('a login refused by the policy as it is at /authorize: access_denied, recorded, and spent', async () => {
  const b = new Browser();
  await followFor(b);
  const before = await reloadUsers((users) => users.map((u) => (u.user_id === CUSTOMER ? { ...u, blocked: true } : u)));
  try {
    const n = records(d).length;
    const { params } = portalRequest();
    const { q } = answerOf(await b.get(authorizePath(params)));
    assert.equal(q.get('error'), 'access_denied');
    assert.equal(q.get('code'), null);
    const refused = records(d).slice(n).filter((x) => x.event === 'impersonation.authorize_refused');
    assert.equal(refused.length, 1);
    assert.equal(refused[0].outcome, 'denied');
    assert.equal(refused[0].user_id, CUSTOMER);
    assert.ok(refused[0].rule, 'names the rule');
    assert.match(refused[0].grant_id, /^[0-9a-f]{64}$/, 'the login is spent');
  } finally {
    await reloadUsers(() => JSON.parse(before));
  }
  assert.equal(answerOf(await b.get(authorizePath(portalRequest().params))).q.get('error'), 'login_required');
});

test('the audit log tells the login: link_redeemed with the cookie\'s hash, authorized with its code, token.issued; refusals counted', async () => {
  const b = new Browser();
  const n = records(d).length;
  const { r } = await followFor(b);
  const value = [].concat(r.headers['set-cookie'])[0].split(';')[0].split('=')[1];
  const { params, p } = portalRequest();
  const { q } = answerOf(await b.get(authorizePath(params)));
  const t = await redeem(d, q.get('code'), { client: 'portal', redirect_uri: PORTAL, extra: { code_verifier: p.verifier } });
  assert.equal(t.status, 200);
  const sha = (s) => createHash('sha256').update(s).digest('hex');
  const got = records(d).slice(n).filter((x) => x.client_id === 'portal');
  const events = got.map((x) => x.event);
  assert.deepEqual(events, ['impersonation.requested', 'impersonation.link_redeemed', 'impersonation.authorized', 'token.issued']);
  const [, followed, authorized] = got;
  assert.equal(followed.login_hash, sha(value));
  assert.equal(authorized.login_hash, sha(value));
  assert.equal(authorized.code_hash, sha(q.get('code')));
  assert.equal(authorized.impersonator_id, SUPPORT);
  assert.equal(authorized.user_id, CUSTOMER);
  assert.match(authorized.grant_id, /^[0-9a-f]{64}$/);
  assert.notEqual(authorized.grant_id, followed.grant_id, 'each redeems its own grant');

  // Without a cookie: counted per source, written when the daemon stops.
  for (let i = 0; i < 3; i++) await d.request(authorizePath(portalRequest().params));
  const m = records(d).length;
  d.proc.kill('SIGTERM');
  while (!d.exited) await new Promise((res) => setTimeout(res, 20));
  const counted = records(d).slice(m).filter((x) => x.event === 'authorize.no_login');
  assert.equal(counted.length, 1, JSON.stringify(records(d).slice(m)));
  assert.equal(counted[0].source, 'frontend');
  assert.ok(counted[0].count >= 3, `count ${counted[0].count}`);
  assert.equal(counted[0].ip, '127.0.0.1');
});
