// Hostile clients: slowloris, oversized bodies and headers, bytes that are
// not text, CR/LF and NUL where values go, path tricks in user ids.  Each
// gets a 4xx or a closed connection, never a 5xx or a crash, and the daemon
// keeps serving everyone else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { readFileSync } from 'node:fs';
import { startDaemon, clientToken } from './lib/daemon.mjs';
import { askLink, follow, newLink } from './lib/flow.mjs';

let d;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.stop(); });

// One raw exchange over TLS: send bytes and wait for the answer.  It is
// the status line's code as soon as one arrives, null when the server
// closes (or resets) the connection without one, or 'timeout' when
// timeoutMs passes with neither: a hang, which no case accepts.  The clock
// is the wall's, not the socket's idle timer, so a server that trickles
// bytes cannot keep it from firing.
function raw(bytes, timeoutMs) {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port: d.port, ca: d.ca });
    let got = Buffer.alloc(0);
    const status = () => {
      const m = got.toString('latin1').match(/^HTTP\/1\.[01] (\d{3}) /);
      return m ? Number(m[1]) : null;
    };
    const done = (outcome) => {
      clearTimeout(timer);
      s.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done(status() ?? 'timeout'), timeoutMs);
    s.on('data', (b) => {
      got = Buffer.concat([got, b]);
      if (status() !== null) done(status());
    });
    s.on('end', () => done(status()));
    s.on('close', () => done(status()));
    s.on('error', () => done(status()));
    s.on('secureConnect', () => s.write(bytes));
  });
}

// The daemon refuses each malformed request below as soon as it has read
// it, in milliseconds.  Waiting 5 s for that, half its 10-second read
// timeout, means a daemon that waited for more input instead (and only
// closed at the timeout) shows as 'timeout', not as a closed connection.
const PROMPT_MS = 5000;

// code is a status or a closed connection, not a hang.
function assertAnswered(code, what) {
  assert.notEqual(code, 'timeout', `${what}: no answer and no close within the time allowed`);
}

const alive = async () => {
  const r = await d.request('.well-known/jwks.json');
  assert.equal(r.status, 200);
};

test('slowloris: 300 connections sending a byte at a time; others are still answered', async () => {
  const socks = [];
  for (let i = 0; i < 300; i++) {
    const s = connect({ host: '127.0.0.1', port: d.port, ca: d.ca });
    s.on('error', () => {});
    socks.push(s);
  }
  const drip = setInterval(() => { for (const s of socks) if (s.writable) s.write('G'); }, 200);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const t0 = Date.now();
    const tok = await clientToken(d);
    assert.ok(tok.access_token);
    await alive();
    assert.ok(Date.now() - t0 < 3000, `answered in ${Date.now() - t0} ms beside the slow ones`);
  } finally {
    clearInterval(drip);
    for (const s of socks) s.destroy();
  }
});

test('a body of megabytes is refused with 413 or a closed connection', async () => {
  const body = 'a='.padEnd(4 * 1024 * 1024, 'x');
  const code = await raw(`POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`, PROMPT_MS);
  assertAnswered(code, 'a body of 4 MiB');
  assert.ok(code === 413 || code === null, `got ${code}`);
  await alive();
});

test('headers of hundreds of kilobytes are refused with a 4xx or a closed connection', async () => {
  const big = 'X-Big: '.padEnd(300 * 1024, 'y');
  const code = await raw(`GET /.well-known/jwks.json HTTP/1.1\r\nHost: x\r\n${big}\r\n\r\n`, PROMPT_MS);
  assertAnswered(code, 'headers of 300 KiB');
  assert.ok(code === null || (code >= 400 && code < 500), `got ${code}`);
  await alive();
});

test('invalid UTF-8, NUL bytes and CR/LF in parameters: 4xx, never 5xx', async () => {
  const cases = [
    ['form with invalid UTF-8', 'grant_type=client_credentials&client_id=%C3%28&client_secret=%FF%FE', 'application/x-www-form-urlencoded'],
    ['form with a NUL', 'grant_type=client_credentials&client_id=a%00b&client_secret=x', 'application/x-www-form-urlencoded'],
    ['form with CR/LF', 'grant_type=client_credentials&client_id=a%0D%0AX-Evil:%201&client_secret=x', 'application/x-www-form-urlencoded'],
    ['JSON with invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), 'application/json'],
    ['JSON with a NUL', '{"grant_type":"client_credentials","client_id":"a\\u0000b","client_secret":"x"}', 'application/json'],
    ['a raw NUL in the body', Buffer.from('grant_type=client_credentials\u0000&client_id=a'), 'application/x-www-form-urlencoded'],
  ];
  for (const [name, body, type] of cases) {
    const r = await d.request('oauth/token', { method: 'POST', headers: { 'content-type': type }, raw: body });
    assert.ok(r.status >= 400 && r.status < 500, `${name}: ${r.status} ${r.text}`);
    assert.equal(r.headers['x-evil'], undefined);
  }
  await alive();
});

test('CR/LF, NUL and unicode in every impersonation parameter: a 4xx or a clean 200, never a header or a 5xx', async () => {
  const cc = await clientToken(d);
  const evil = ['a\r\nSet-Cookie: x=1', 'a\u0000b', '\u00e9\u4e2d\ud83d\ude00', '%0d%0a', 'x'.repeat(5000)];
  for (const v of evil) {
    for (const field of ['reason', 'impersonator_id', 'client_id', 'protocol']) {
      const r = await askLink(d, cc.access_token, { body: { [field]: v } });
      assert.ok(r.status < 500, `${field}=${JSON.stringify(v).slice(0, 20)}: ${r.status}`);
      assert.equal(r.headers['set-cookie'], undefined);
    }
    for (const field of ['state', 'nonce', 'scope', 'callback_url', 'response_type']) {
      const r = await askLink(d, cc.access_token, { additional: { [field]: v } });
      assert.ok(r.status < 500, `${field}: ${r.status}`);
      if (r.status === 200 && field === 'state') {
        const f = await follow(d, r.text.trim());
        assert.equal(f.status, 302);
        assert.equal(f.headers['set-cookie'], undefined);
        const loc = new URL(f.headers.location);
        assert.equal(loc.searchParams.get('state'), v);
        assert.equal(loc.hash, '');
      }
    }
  }
  await alive();
});

test('..%2F, NUL and control characters in user ids: 4xx, never 5xx', async () => {
  const t = (await clientToken(d)).access_token;
  for (const id of ['..%2F..%2Fetc%2Fpasswd', 'a%00b', '%0D%0A', '..', '%2e%2e%2f', 'a%2Fb', '%', '%zz']) {
    const u = await d.request(`api/v2/users/${id}`, { headers: { authorization: `Bearer ${t}` } });
    assert.ok(u.status >= 400 && u.status < 500, `users/${id}: ${u.status}`);
    const i = await d.request(`users/${id}/impersonate`, { method: 'POST', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body: '{}' });
    assert.ok(i.status >= 400 && i.status < 500, `impersonate ${id}: ${i.status}`);
  }
  await alive();
});

test('raw garbage instead of HTTP: the connection is closed or refused with a 4xx', async () => {
  for (const junk of ['\u0000\u0001\u0002\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', 'GET /' + 'a'.repeat(70000) + ' HTTP/1.1\r\nHost: x\r\n\r\n', 'POST /oauth/token HTTP/1.1\r\nContent-Length: -5\r\n\r\n', 'POST /oauth/token HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n']) {
    const code = await raw(junk, PROMPT_MS);
    assertAnswered(code, JSON.stringify(junk).slice(0, 30));
    assert.ok(code === null || (code >= 400 && code < 500), `${JSON.stringify(junk).slice(0, 30)}: ${code}`);
  }
  await alive();
  assert.equal(d.exited, null);
});

test('a request that never ends is closed at the 10-second read timeout, not held open', async () => {
  const t0 = Date.now();
  const code = await raw('GET /.well-known/jwks.json HTTP/1.1\r\nHost: x\r\n', 15000);
  const took = Date.now() - t0;
  assertAnswered(code, `an unfinished request (${took} ms)`);
  assert.ok(code === null || (code >= 400 && code < 500), `got ${code}`);
  assert.ok(took >= 9000, `closed after ${took} ms, before the read timeout`);
  await alive();
});

test('thousands of connections at once against a cap of 100: refused or answered cleanly, no spin, still serving', async () => {
  const x = await startDaemon({ mutate: (c) => { c.max_connections = 100; } });
  const socks = [];
  try {
    for (let i = 0; i < 2000; i++) {
      const s = connect({ host: '127.0.0.1', port: x.port, ca: x.ca });
      s.on('error', () => {});
      socks.push(s);
    }
    await new Promise((r) => setTimeout(r, 2000));
    const fe = x.children().find((c) => c.name === 'guised');
    const stat = () => readFileSync(`/proc/${fe.pid}/stat`, 'utf8').split(' ');
    const ticks = () => { const f = stat(); return Number(f[13]) + Number(f[14]); };
    const t0 = ticks();
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(ticks() - t0 < 50, `the front end spins at the cap: ${ticks() - t0} ticks a second`);
    for (const s of socks) s.destroy();
    await new Promise((r) => setTimeout(r, 500));
    const tok = await clientToken(x);
    assert.ok(tok.access_token, 'serving again once they are gone');
    const lines = x.log.split('\n').filter((l) => /accept/.test(l)).length;
    assert.ok(lines < 20, `${lines} accept lines in the log`);
    assert.equal(x.exited, null);
  } finally {
    for (const s of socks) s.destroy();
    await x.stop();
  }
});
