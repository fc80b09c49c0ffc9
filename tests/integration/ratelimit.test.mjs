// Failed client authentications are limited per client_id: after 10 in a
// minute that client gets 429 with Retry-After, even with the right secret,
// and no other client is slowed down.  Its own daemon: the limit lasts a
// minute and would disturb any test that shares it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, clientToken } from './lib/daemon.mjs';
import { impersonationToken, newCode, redeem } from './lib/flow.mjs';

let d, codes;
before(async () => {
  d = await startDaemon({ active: 'es256' });
  // storefront's codes, made while nothing is limited yet.
  const token = await impersonationToken(d);
  codes = [(await newCode(d, token, { additional: { state: 'a' } })).code, (await newCode(d, token, { additional: { state: 'b' } })).code];
});
after(async () => { await d?.stop(); });

const cc = (client, secret, headers = {}) => d.request('oauth/token', {
  method: 'POST', headers, body: { grant_type: 'client_credentials', client_id: client, client_secret: secret },
});

test('10 failed authentications of one client: the 11th request gets 429 with Retry-After; other clients are not affected', async () => {
  for (let i = 0; i < 10; i++) {
    const r = await cc('backoffice', `wrong-secret-${i}-0123456789abcdef`);
    assert.equal(r.status, 401, `failure ${i + 1}: ${r.text}`);
    assert.equal(r.json.error, 'invalid_client');
  }
  // The right secret now waits too: a guesser cannot tell a hit.
  const limited = await cc('backoffice', d.secrets.backoffice);
  assert.equal(limited.status, 429, limited.text);
  const wait = Number(limited.headers['retry-after']);
  assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= 60, `Retry-After: ${limited.headers['retry-after']}`);
  assert.equal(typeof limited.json?.error, 'string');
  assert.equal(limited.json.access_token, undefined);
  // HTTP Basic for the same client_id is the same client.
  const basic = d.request('oauth/token', {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`backoffice:${d.secrets.backoffice}`).toString('base64')}` },
    body: { grant_type: 'client_credentials' },
  });
  assert.equal((await basic).status, 429);

  // Nobody else is slowed down: another client_credentials client, and storefront's code exchange.
  const t = await clientToken(d, 'reader');
  assert.equal(t.token_type, 'Bearer');
  const r = await redeem(d, codes[0]);
  assert.equal(r.status, 200, r.text);
});

test('failed authentications at the code exchange count against that client as well', async () => {
  for (let i = 0; i < 10; i++) {
    const x = await redeem(d, codes[1], { secret: `wrong-secret-${i}-0123456789abcdef` });
    assert.equal(x.status, 401, `failure ${i + 1}: ${x.text}`);
  }
  const limited = await redeem(d, codes[1]);
  assert.equal(limited.status, 429, `the right secret after ten failures: ${limited.text}`);
  assert.ok(Number(limited.headers['retry-after']) >= 1);
  // reader was never limited by storefront's failures.
  assert.equal((await clientToken(d, 'reader')).token_type, 'Bearer');
});
