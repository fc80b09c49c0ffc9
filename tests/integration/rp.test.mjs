// Real, unmodified applications signed in through guise by an impersonation
// link (DESIGN.md 1b), in a real browser (Debian's Chromium, driven by
// puppeteer-core): an Express app with Auth0's express-openid-connect, a
// node:http app with openid-client v6, a single-page app with oidc-client-ts
// (a public client on another origin: CORS), and Apache with
// mod_auth_openidc.  Each application starts its own login from its
// initiate_login_uri with its own state, nonce and PKCE, exactly as it would
// with any other provider; nothing is handed to it by the test.  Then the
// ways it must fail: the link's cookie does not travel to another browser,
// a link works once, and a silent login without one is login_required.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, makeConfig, startDaemon } from './lib/daemon.mjs';
import { CUSTOMER, SUPPORT, impersonationToken, newLink } from './lib/flow.mjs';
import { startApache, startNodeApp } from './lib/apps.mjs';
import { launchBrowser, newPage, pageText, waitForUrl } from './lib/browser.mjs';

const SUPPORT_EMAIL = 'sam@example.com';
const loop = (port) => `http://127.0.0.1:${port}`;

// The four applications: their client records in guise.json, how to start
// them, where an impersonated login lands, and how to read the user there.
const rp = {
  express: { client_id: 'rp-express', confidential: true },
  oidc: { client_id: 'rp-openid-client', confidential: true },
  spa: { client_id: 'rp-spa', confidential: false },
  apache: { client_id: 'rp-apache', confidential: true },
};

let cfg, d, browser, token;

before(async () => {
  for (const app of Object.values(rp)) app.port = await freePort();
  const e = loop(rp.express.port), o = loop(rp.oidc.port), s = loop(rp.spa.port), a = loop(rp.apache.port);
  const clients = [
    { client_id: rp.express.client_id, name: 'express-openid-connect', app_type: 'regular_web',
      callbacks: [`${e}/callback`], grant_types: ['authorization_code'], allow_impersonation: true,
      initiate_login_uri: `${e}/login` },
    { client_id: rp.oidc.client_id, name: 'openid-client', app_type: 'regular_web',
      callbacks: [`${o}/callback`], grant_types: ['authorization_code'], allow_impersonation: true,
      initiate_login_uri: `${o}/login`, target_link_uri: `${o}/profile` },
    { client_id: rp.spa.client_id, name: 'oidc-client-ts', app_type: 'spa',
      callbacks: [`${s}/callback.html`], grant_types: ['authorization_code'], allow_impersonation: true,
      token_endpoint_auth_method: 'none', web_origins: [s], initiate_login_uri: `${s}/login.html` },
    // mod_auth_openidc takes third-party initiated logins at its redirect
    // URI, and goes on to target_link_uri, which must be on its own host.
    { client_id: rp.apache.client_id, name: 'mod_auth_openidc', app_type: 'regular_web',
      callbacks: [`${a}/protected/redirect_uri`], grant_types: ['authorization_code'], allow_impersonation: true,
      initiate_login_uri: `${a}/protected/redirect_uri`, target_link_uri: `${a}/protected/claims` },
  ];
  // RS256: the default of express-openid-connect (and of most libraries).
  cfg = await makeConfig({ active: 'rs256', mutate: (c) => { c.clients.push(...clients); } });
  const file = join(cfg.dir, 'secrets.json');
  const secrets = JSON.parse(readFileSync(file, 'utf8'));
  for (const app of Object.values(rp)) {
    if (app.confidential) secrets[app.client_id] = app.secret = randomBytes(32).toString('base64url');
  }
  writeFileSync(file, JSON.stringify(secrets, null, 1), { mode: 0o600 });
  d = await startDaemon({ reuse: cfg.dir });
  token = await impersonationToken(d);

  // Every Node application trusts guise's certificate as a deployed one
  // would: through NODE_EXTRA_CA_CERTS (the daemon's own under tests/run too).
  const ca = join(d.dir, 'tls/cert.pem');
  const node = (app, script, env) => startNodeApp(script, { port: app.port, ca, env: { ISSUER: d.url, CLIENT_ID: app.client_id, ...env } });
  const started = await Promise.allSettled([
    node(rp.express, 'express_app.mjs', { CLIENT_SECRET: rp.express.secret }),
    node(rp.oidc, 'openid_client_app.mjs', { CLIENT_SECRET: rp.oidc.secret }),
    node(rp.spa, 'spa_server.mjs', {}),
    startApache({ port: rp.apache.port, issuer: d.url, clientId: rp.apache.client_id, clientSecret: rp.apache.secret }),
    launchBrowser(),
  ]);
  [rp.express.proc, rp.oidc.proc, rp.spa.proc, rp.apache.proc, browser] = started.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
  const failed = started.filter((r) => r.status === 'rejected');
  if (failed.length) throw failed[0].reason;
});

after(async () => {
  await browser?.close();
  for (const app of Object.values(rp)) {
    await app.proc?.stop().catch(() => {});
  }
  if (d) await d.stop();
  else if (cfg) rmSync(cfg.dir, { recursive: true, force: true });
});

// What to print beside a failed assertion: the page, the application's and
// guise's logs.
function why(page, app) {
  return `\n-- page ${page?.url()}\n${page?.text ?? ''}\n-- browser\n${page?.messages?.join('\n') ?? ''}`
    + `\n-- ${app.client_id}\n${app.proc?.log().slice(-3000)}\n-- guised\n${d.log.slice(-3000)}`;
}

async function show(page) {
  page.text = await pageText(page);
  return page.text;
}

// A fresh browser (context) with one page.
async function freshPage() {
  return newPage(await browser.context());
}

// A link for clientId, as the back office gets it.
function linkFor(app) {
  return newLink(d, token, { body: { client_id: app.client_id } });
}

// Follow a link in page and wait for the application's page behind the
// login; returns the user as the application shows it.
const land = {
  // express-openid-connect's own /login goes back to baseURL ("Logged in"),
  // then its requiresAuth() /profile shows req.oidc.user and /userinfo.
  async express(page, link) {
    const app = rp.express;
    await page.goto(link);
    await waitForUrl(page, `${loop(app.port)}/`);
    assert.equal(await show(page), 'Logged in', why(page, app));
    await page.goto(`${loop(app.port)}/profile`);
    const p = JSON.parse(await show(page));
    return { idToken: p.user, userinfo: p.userinfo };
  },
  // openid-client's app goes to its /profile: the verified id_token claims
  // and /userinfo.
  async oidc(page, link) {
    const app = rp.oidc;
    await page.goto(link);
    await waitForUrl(page, `${loop(app.port)}/profile`);
    const p = JSON.parse(await show(page));
    return { idToken: p.claims, userinfo: p.userinfo };
  },
  // oidc-client-ts's callback page shows user.profile: the id_token's claims
  // completed from /userinfo.
  async spa(page, link) {
    const app = rp.spa;
    await page.goto(link);
    await waitForUrl(page, `${loop(app.port)}/callback.html`);
    await page.waitForSelector('#profile:not([hidden]), #error:not([hidden])');
    const err = await page.$eval('#error', (el) => el.textContent);
    assert.equal(err, '', why(page, app));
    const profile = JSON.parse(await page.$eval('#profile', (el) => el.textContent));
    return { idToken: profile, userinfo: profile };
  },
  // mod_auth_openidc lets the request through to the CGI, which prints the
  // variables the module sets.
  async apache(page, link) {
    const app = rp.apache;
    await page.goto(link);
    await waitForUrl(page, `${loop(app.port)}/protected/claims`);
    const vars = Object.fromEntries((await show(page)).split('\n').filter(Boolean).map((l) => {
      const i = l.indexOf('=');
      return [l.slice(0, i), l.slice(i + 1)];
    }));
    return { vars };
  },
};

// The impersonated user and who impersonates them, in a set of claims;
// act (RFC 8693) is the id_token's (DESIGN.md 1, step 6), not /userinfo's.
function assertImpersonated(claims, page, app, { act = true } = {}) {
  const w = `${JSON.stringify(claims)}${why(page, app)}`;
  assert.equal(claims.sub, CUSTOMER, w);
  assert.equal(claims.email, 'alice@example.com', w);
  assert.equal(claims.name, 'Alice Customer', w);
  assert.equal(claims.impersonated, true, w);
  assert.equal(claims.impersonator?.user_id, SUPPORT, w);
  assert.equal(claims.impersonator?.email, SUPPORT_EMAIL, w);
  if (act) assert.equal(claims.act?.sub, SUPPORT, w);
}

for (const name of ['express', 'oidc', 'spa']) {
  test(`${rp[name].client_id}: a link signs the application in as the user, through its own login`, async () => {
    const app = rp[name];
    const link = await linkFor(app);
    const page = await freshPage();
    const { idToken, userinfo } = await land[name](page, link);
    assertImpersonated(idToken, page, app);
    assertImpersonated(userinfo, page, app, { act: false });
    if (name === 'oidc') {
      // Claims only openid-client shows whole (the others drop them).
      assert.equal(idToken.iss, d.url);
      assert.equal(idToken.aud, app.client_id);
      assert.equal(typeof idToken.nonce, 'string');
    }

    // The same link, opened a second time: guise's 400, no redirect.
    const again = await page.goto(link);
    assert.equal(again.status(), 400, why(page, app));
    assert.equal(page.url(), link);
    const body = JSON.parse(await show(page));
    assert.equal(body.error, 'access_denied', why(page, app));
  });
}

test(`${rp.apache.client_id}: a link signs Apache's mod_auth_openidc in as the user, through its own login`, async (t) => {
  const app = rp.apache;
  const link = await linkFor(app);
  const page = await freshPage();
  const { vars } = await land.apache(page, link);
  t.diagnostic(`mod_auth_openidc set: ${Object.entries(vars).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  const w = `${JSON.stringify(vars, null, 1)}${why(page, app)}`;
  // The module flattens claims: a boolean is "1", an object its JSON.
  assert.equal(vars.OIDC_CLAIM_sub, CUSTOMER, w);
  assert.equal(vars.OIDC_CLAIM_email, 'alice@example.com', w);
  assert.equal(vars.OIDC_CLAIM_name, 'Alice Customer', w);
  assert.equal(vars.OIDC_CLAIM_impersonated, '1', w);
  assert.deepEqual(JSON.parse(vars.OIDC_CLAIM_impersonator ?? 'null'), { user_id: SUPPORT, email: SUPPORT_EMAIL }, w);
  assert.deepEqual(JSON.parse(vars.OIDC_CLAIM_act ?? 'null'), { sub: SUPPORT }, w);
  // Its default OIDCRemoteUserClaim, sub@ the issuer without its scheme.
  assert.equal(vars.REMOTE_USER, `${CUSTOMER}@${d.url.replace(/^https:\/\//, '')}`, w);

  const again = await page.goto(link);
  assert.equal(again.status(), 400, why(page, app));
  assert.equal(JSON.parse(await show(page)).error, 'access_denied', why(page, app));
});

// Where each application starts a login of its own, and how it shows that
// the login failed with login_required.
const start = {
  express: { path: '/login', done: '/callback', home: '/', out: 'Logged out' },
  oidc: { path: '/login', done: '/callback', home: '/', out: 'Logged out' },
  spa: { path: '/login.html', done: '/callback.html', home: '/', out: 'Logged out' },
  apache: { path: '/protected/claims', done: '/protected/redirect_uri' },
};

for (const name of ['express', 'oidc', 'spa', 'apache']) {
  test(`${rp[name].client_id}: the link's cookie is this browser's: the same login in another browser is login_required`, async () => {
    const app = rp[name];
    const origin = loop(app.port);
    const link = await linkFor(app);

    // Browser 1 follows the link, but is held at the application's door:
    // guise's cookie is set, the grant still unused.
    const one = await freshPage();
    let initiate;
    const hold = (r) => {
      if (!initiate && r.url().startsWith(origin)) {
        initiate = r.url();
        r.abort();
      } else {
        r.continue();
      }
    };
    await one.setRequestInterception(true);
    one.on('request', hold);
    await one.goto(link).catch(() => {});
    assert.ok(initiate, `no redirect to the application${why(one, app)}`);
    const iu = new URL(initiate);
    assert.equal(iu.searchParams.get('iss'), d.url);
    assert.equal(iu.searchParams.get('login_hint'), CUSTOMER);
    assert.ok(iu.searchParams.get('target_link_uri')?.startsWith(`${origin}/`), initiate);
    const cookie = (await one.cookies(d.url)).find((c) => c.name === `__Host-guise-imp-${app.client_id}`);
    assert.ok(cookie, `no cookie: ${JSON.stringify(await one.cookies(d.url))}`);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/');

    // Browser 2 starts the application's own login: no cookie, no login.
    const two = await freshPage();
    await two.goto(`${origin}${start[name].path}`);
    await waitForUrl(two, `${origin}${start[name].done}`);
    // guise's answer to the application's request, at its redirect URI.
    const back = new URL(two.url());
    assert.equal(back.searchParams.get('error'), 'login_required', why(two, app));
    assert.equal(back.searchParams.get('code'), null, why(two, app));
    // No iss on an error: mod_auth_openidc 2.4.12 would take it, without
    // a code, for a third-party initiated login and hide the error.
    assert.equal(back.searchParams.get('iss'), null, why(two, app));
    assert.ok(back.searchParams.get('state'), why(two, app));
    if (name === 'spa') await two.waitForSelector('#profile:not([hidden]), #error:not([hidden])');
    const text = await show(two);
    assert.match(text, /login_required/, why(two, app));
    assert.doesNotMatch(text, /customer-1|alice|OIDC_CLAIM/, why(two, app));
    if (start[name].home) {
      await two.goto(`${origin}${start[name].home}`);
      if (name === 'spa') await two.waitForFunction(() => document.getElementById('status').textContent !== '…');
      assert.equal(await show(two), start[name].out, why(two, app));
    }

    // Browser 1 goes on where it was held: the grant was live all along.
    one.off('request', hold);
    await one.setRequestInterception(false);
    const { idToken, vars } = await land[name](one, initiate);
    if (vars) assert.equal(vars.OIDC_CLAIM_sub, CUSTOMER, why(one, app));
    else assertImpersonated(idToken, one, app);
  });
}

test(`${rp.oidc.client_id}: a silent login (prompt=none) without a link is login_required`, async () => {
  const app = rp.oidc;
  const origin = loop(app.port);
  const page = await freshPage();
  await page.goto(`${origin}/login?prompt=none`);
  await waitForUrl(page, `${origin}/callback`);
  const cb = new URL(page.url());
  assert.equal(cb.searchParams.get('error'), 'login_required', why(page, app));
  assert.equal(cb.searchParams.get('iss'), null, why(page, app));
  assert.ok(cb.searchParams.get('state'), why(page, app));
  assert.equal(cb.searchParams.get('code'), null);
  const shown = JSON.parse(await show(page));
  assert.equal(shown.error, 'login_required', why(page, app));
  await page.goto(`${origin}/profile`);
  assert.deepEqual(JSON.parse(await show(page)), { error: 'not logged in' });
});
