// The source address of a request (DESIGN.md section 3) as the audit log
// records it in ip: from a peer in trusted_proxies, the nearest untrusted
// hop of Forwarded or X-Forwarded-For; from anyone else, the peer, headers
// never read.  A trusted peer's malformed header is a 400 and issues
// nothing.  The client here is always 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startDaemon, makeConfig, build } from './lib/daemon.mjs';
import { records } from './lib/audit.mjs';
import { CALLBACK } from './lib/flow.mjs';

const PROXIES = ['127.0.0.1', '10.0.0.0/8', 'fd00::/8'];

let proxied;	// trusts 127.0.0.1 and two ranges
let direct;	// no trusted_proxies
let elsewhere;	// trusts a range the client is not in
before(async () => {
  [proxied, direct, elsewhere] = await Promise.all([
    startDaemon({ mutate: (c) => { c.trusted_proxies = PROXIES; } }),
    startDaemon(),
    startDaemon({ mutate: (c) => { c.trusted_proxies = ['10.0.0.0/8']; } }),
  ]);
});
after(async () => {
  await Promise.all([proxied?.stop(), direct?.stop(), elsewhere?.stop()]);
});

const cc = (d, headers = {}) => d.request('oauth/token', {
  method: 'POST', headers, body: { grant_type: 'client_credentials', client_id: 'backoffice', client_secret: d.secrets.backoffice },
});

// The records a request adds to d's audit log, and its response.
async function recorded(d, send) {
  const n = records(d).length;
  const response = await send();
  return { response, added: records(d).slice(n) };
}

// The ip of the token.issued record of a client_credentials request.
async function ipOf(d, headers) {
  const { response, added } = await recorded(d, () => cc(d, headers));
  assert.equal(response.status, 200, response.text);
  const issued = added.filter((r) => r.event === 'token.issued');
  assert.equal(issued.length, 1, JSON.stringify(added));
  return issued[0].ip;
}

test('from a trusted proxy: X-Forwarded-For and Forwarded name the source', async () => {
  assert.equal(await ipOf(proxied, { 'x-forwarded-for': '203.0.113.9' }), '203.0.113.9');
  assert.equal(await ipOf(proxied, { forwarded: 'for="[2001:db8::7]:4711"' }), '2001:db8::7');
  assert.equal(await ipOf(proxied, { forwarded: 'For=198.51.100.17;proto=https;by=10.0.0.2' }), '198.51.100.17');
  assert.equal(await ipOf(proxied, { 'x-forwarded-for': '[2001:DB8:0::9]:443' }), '2001:db8::9', 'normalised');
  assert.equal(await ipOf(proxied, {}), '127.0.0.1', 'no header: the peer');
});

test('chains: the nearest untrusted hop, trusted hops skipped, the leftmost when all are trusted', async () => {
  // 10.1.2.3 is a trusted proxy behind the one that connects.
  assert.equal(await ipOf(proxied, { 'x-forwarded-for': '198.51.100.1, 10.1.2.3' }), '198.51.100.1');
  // Whatever the client wrote on the left is not believed past an untrusted hop.
  assert.equal(await ipOf(proxied, { 'x-forwarded-for': '192.0.2.66, 203.0.113.5, 10.1.2.3' }), '203.0.113.5');
  assert.equal(await ipOf(proxied, { 'x-forwarded-for': '10.0.0.1, 127.0.0.1' }), '10.0.0.1');
  assert.equal(await ipOf(proxied, { forwarded: 'for=198.51.100.1, for="[fd00::1]:80", for=127.0.0.1' }), '198.51.100.1');
  assert.equal(await ipOf(proxied, { forwarded: 'for=_hidden, for=10.9.9.9' }), '_hidden');
  assert.equal(await ipOf(proxied, { forwarded: 'for=198.51.100.1, proto=https' }), 'unknown', 'an element without for=');
  // Each header sent twice: one list, in order.
  assert.equal(await ipOf(proxied, { 'x-forwarded-for': ['198.51.100.2', '10.1.2.3'] }), '198.51.100.2');
  assert.equal(await ipOf(proxied, { forwarded: ['for=198.51.100.3', 'for=10.1.2.3'] }), '198.51.100.3');
});

// The review's reproduction.  nginx's $proxy_add_x_forwarded_for, HAProxy's
// option forwardfor and AWS ALB append the client's address to
// X-Forwarded-For and pass a Forwarded header through as the client sent
// it; when Forwarded was read first, each guess named a source of its own.
// Its own daemon: failures are recorded at the end of their window or at
// stop, which is when this test reads them.
test('a client\'s Forwarded behind a proxy\'s X-Forwarded-For: 400 every time, no guess reaches the signer, nothing recorded', async (t) => {
  const e = await startDaemon({ mutate: (c) => { c.trusted_proxies = ['127.0.0.1']; } });
  let stopped = false;
  t.after(async () => { if (!stopped) await e.stop(); });
  const n0 = records(e).length;
  const seen = [];
  for (let i = 0; i < 40; i++) {
    const r = await e.request('oauth/token', {
      method: 'POST',
      headers: { forwarded: `for=198.51.100.${i}`, 'x-forwarded-for': '203.0.113.50' },
      body: { grant_type: 'client_credentials', client_id: 'storefront', client_secret: `wrong-secret-${i}-0123456789abcdef` },
    });
    seen.push(`${r.status} ${r.json?.error_description}`);
  }
  assert.deepEqual(seen, Array(40).fill('400 both Forwarded and X-Forwarded-For: a trusted proxy must send one'));
  // Either one alone, as the proxy sends it, is read.
  assert.equal(await ipOf(e, { 'x-forwarded-for': '203.0.113.50' }), '203.0.113.50');
  assert.equal(await ipOf(e, { forwarded: 'for=203.0.113.51' }), '203.0.113.51');
  e.proc.kill('SIGTERM');
  const until = Date.now() + 10000;
  while (!e.exited && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  assert.equal(e.exited?.code, 0, e.log);
  stopped = true;
  const guesses = records(e).slice(n0).filter((r) => r.event === 'client.authentication_failed' || r.ip?.startsWith('198.51.100.'));
  assert.deepEqual(guesses.map((r) => [r.event, r.client_id, r.ip, r.count]), [], 'no guess was recorded, under no address');
  await e.stop();
});

test('the impersonation flow records the source at every step', async () => {
  const xff = { 'x-forwarded-for': '203.0.113.77, 10.0.0.5' };
  const token = (await cc(proxied)).json.access_token;
  const ask = await recorded(proxied, () => proxied.request('users/auth0%7Ccustomer-1/impersonate', {
    method: 'POST',
    headers: { ...xff, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: { protocol: 'oauth2', impersonator_id: 'auth0|support-1', client_id: 'storefront', additionalParameters: { response_type: 'code' } },
  }));
  assert.equal(ask.response.status, 200, ask.response.text);
  assert.deepEqual(ask.added.map((r) => [r.event, r.ip]), [['impersonation.requested', '203.0.113.77']]);

  const link = new URL(ask.response.text.trim());
  const followed = await recorded(proxied, () => proxied.request(link.pathname + link.search, { headers: xff }));
  assert.equal(followed.response.status, 302, followed.response.text);
  assert.deepEqual(followed.added.map((r) => [r.event, r.ip]), [['impersonation.link_redeemed', '203.0.113.77']]);

  const code = new URL(followed.response.headers.location).searchParams.get('code');
  const redeemed = await recorded(proxied, () => proxied.request('oauth/token', {
    method: 'POST',
    headers: { forwarded: 'for="[2001:db8::77]"' },
    body: { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, client_id: 'storefront', client_secret: proxied.secrets.storefront },
  }));
  assert.equal(redeemed.response.status, 200, redeemed.response.text);
  assert.deepEqual(redeemed.added.map((r) => [r.event, r.grant, r.ip]), [['token.issued', 'authorization_code', '2001:db8::77']]);
});

test('a malformed header from a trusted proxy: 400 invalid_request, nothing issued, the daemon serves on', async () => {
  const bad = [
    { 'x-forwarded-for': '203.0.113.9, garbage' },
    { 'x-forwarded-for': '203.0.113.9,' },
    { 'x-forwarded-for': '203.0.113.9:99999' },
    { 'x-forwarded-for': ['203.0.113.9', ''] },
    { forwarded: 'for="[2001:db8::7]' },
    { forwarded: 'for=203.0.113.9:80:80' },
    { forwarded: 'for=203.0.113.9;for=198.51.100.1' },
    { forwarded: Array(33).fill('for=10.0.0.1').join(', ') },
    { forwarded: `for=203.0.113.9;ext="${'a'.repeat(4100)}"` },
    // Each fits; joined they are over 4096 bytes.
    { forwarded: [`for=203.0.113.9;ext="${'a'.repeat(2100)}"`, `for=10.0.0.1;ext="${'a'.repeat(2100)}"`] },
  ];
  for (const headers of bad) {
    const { response, added } = await recorded(proxied, () => cc(proxied, headers));
    assert.equal(response.status, 400, `${JSON.stringify(headers)}: ${response.text}`);
    assert.equal(response.json.error, 'invalid_request');
    assert.match(response.json.error_description, /Forwarded/);
    assert.equal(response.json.access_token, undefined);
    assert.deepEqual(added, [], 'nothing is issued or recorded');
  }
  // Every endpoint is behind the same check.
  const jwks = await proxied.request('.well-known/jwks.json', { headers: { forwarded: 'for=' } });
  assert.equal(jwks.status, 400);
  assert.equal(await ipOf(proxied, { 'x-forwarded-for': '203.0.113.10' }), '203.0.113.10', 'still serving');
  // What proxies write, though RFC 7239 would have it quoted and tight.
  assert.equal(await ipOf(proxied, { forwarded: 'for=203.0.113.11:80; proto=https' }), '203.0.113.11');
  assert.equal(await ipOf(proxied, { 'x-forwarded-for': 'unknown, 127.0.0.1' }), 'unknown');
});

test('without trusted_proxies the headers are ignored: the peer is the source', async () => {
  assert.equal(await ipOf(direct, { 'x-forwarded-for': '203.0.113.9' }), '127.0.0.1');
  assert.equal(await ipOf(direct, { forwarded: 'for="[2001:db8::7]:4711"' }), '127.0.0.1');
  assert.equal(await ipOf(direct, { 'x-forwarded-for': 'garbage,,', forwarded: 'for="' }), '127.0.0.1', 'not even parsed');
});

test('a peer that is not a trusted proxy: its headers are ignored, malformed or not', async () => {
  assert.equal(await ipOf(elsewhere, { 'x-forwarded-for': '203.0.113.9' }), '127.0.0.1');
  assert.equal(await ipOf(elsewhere, { forwarded: 'for="[2001:db8::7]' }), '127.0.0.1');
});

test('guised -n names a bad trusted_proxies entry', async () => {
  for (const [entry, problem] of [['10.0.0.0/33', /trusted_proxies\[1\]: "10\.0\.0\.0\/33" is not an address or CIDR range/],
    ['10.0.0.1/8', /trusted_proxies\[1\]: "10\.0\.0\.1\/8" has host bits set/]]) {
    const cfg = await makeConfig({ mutate: (c) => { c.trusted_proxies = ['127.0.0.1', entry]; } });
    const r = spawnSync(join(build, 'guised'), ['-n', '-f', join(cfg.dir, 'guise.json')], { encoding: 'utf8' });
    rmSync(cfg.dir, { recursive: true, force: true });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, problem);
  }
});
