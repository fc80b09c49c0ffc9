// The front end holds no secret: after it has served a token request, its
// whole memory (/proc/PID/mem) holds neither private key, nor the audit
// key, nor the secret of a client that no request used; nor does the
// parent's.  A positive control shows the scan finds what is there (the
// public JWKS, and the secret of the client that did make a request).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import { startDaemon, clientToken } from './lib/daemon.mjs';

// The sanitizer build maps terabytes of shadow memory: no scan there.
const skip = process.env.GUISE_SANITIZED ? 'the sanitizer build maps terabytes of shadow memory' : false;
let d, mem, parentMem;

// Every readable mapping of pid, concatenated per region.
function readMemory(pid) {
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8').trim().split('\n');
  const fd = openSync(`/proc/${pid}/mem`, 'r');
  const regions = [];
  try {
    for (const line of maps) {
      const [range, perms, , , , name = ''] = line.split(/\s+/);
      if (perms[0] !== 'r' || name === '[vvar]' || name === '[vsyscall]') continue;
      const [lo, hi] = range.split('-').map((h) => BigInt(`0x${h}`));
      const buf = Buffer.alloc(Number(hi - lo));
      let off = 0;
      while (off < buf.length) {
        let n;
        try { n = readSync(fd, buf, off, buf.length - off, lo + BigInt(off)); } catch { break; }
        if (n <= 0) break;
        off += n;
      }
      regions.push(buf.subarray(0, off));
    }
  } finally {
    closeSync(fd);
  }
  return regions;
}

const found = (needle) => mem.some((r) => r.includes(needle)) || parentMem.some((r) => r.includes(needle));
const b64u = (s) => Buffer.from(s, 'base64url');

before(async () => {
  if (skip) return;
  d = await startDaemon();
  // A token request by backoffice only: storefront's and reader's secrets
  // are never sent to the daemon.
  await clientToken(d, 'backoffice');
  const fe = d.children().find((c) => c.name === 'guised');
  mem = readMemory(fe.pid);
  parentMem = readMemory(d.proc.pid);
});
after(async () => { await d?.stop(); });

test('the scan sees the front end memory (positive controls)', { skip }, () => {
  const total = mem.reduce((n, r) => n + r.length, 0);
  assert.ok(total > 1 << 20, `read ${total} bytes`);
  const pub = createPrivateKey(readFileSync(join(d.dir, 'keys/es256.pem'))).export({ format: 'jwk' });
  assert.ok(found(Buffer.from(pub.x)), 'the public JWKS is in memory');
  assert.ok(mem.some((r) => r.includes(Buffer.from(d.secrets.backoffice))), 'the secret that a request carried is in the front end');
  const parentTotal = parentMem.reduce((n, r) => n + r.length, 0);
  assert.ok(parentTotal > 1 << 20, `read ${parentTotal} bytes of the parent`);
  assert.ok(parentMem.some((r) => r.includes(Buffer.from(d.url))), 'the parent holds its configuration');
});

test('no private key is in the front end or parent memory, in PEM or raw form', { skip }, () => {
  for (const file of ['keys/es256.pem', 'keys/rs256.pem']) {
    const pem = readFileSync(join(d.dir, file), 'utf8');
    const body = pem.split('\n').filter((l) => l && !l.startsWith('-----'));
    for (const line of body) assert.ok(!found(Buffer.from(line)), `${file}: a PEM line is in memory`);
    const der = Buffer.from(body.join(''), 'base64');
    assert.ok(!found(der.subarray(der.length - 48, der.length - 16)), `${file}: DER bytes are in memory`);
    const jwk = createPrivateKey(pem).export({ format: 'jwk' });
    for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
      if (!jwk[part]) continue;
      const raw = b64u(jwk[part]);
      assert.ok(!found(raw.subarray(0, 24)), `${file}: private ${part} is in memory`);
      assert.ok(!found(Buffer.from(jwk[part].slice(0, 32))), `${file}: private ${part} (base64url) is in memory`);
    }
  }
});

test('the audit key is not in the front end or parent memory', { skip }, () => {
  const key = readFileSync(join(d.dir, 'audit.key'));
  assert.ok(key.length >= 32);
  assert.ok(!found(key.subarray(0, 24)));
  assert.ok(!found(key.subarray(key.length - 24)));
});

test('the grant key is not in the front end or parent memory', { skip }, () => {
  const [kid, text] = readFileSync(join(d.dir, 'grant.key'), 'utf8').trim().split(' ');
  const key = Buffer.from(text, 'base64url');
  assert.ok(kid && key.length === 32);
  assert.ok(!found(key.subarray(0, 24)), 'the raw key is in memory');
  assert.ok(!found(Buffer.from(text.slice(0, 32))), 'the key as the file writes it is in memory');
});

test('the secrets of clients that no request used are not in the front end or parent memory', { skip }, () => {
  for (const client of ['storefront', 'reader']) {
    assert.ok(!found(Buffer.from(d.secrets[client])), `${client}'s secret is in memory`);
    assert.ok(!found(Buffer.from(d.secrets[client].slice(0, 16))), `part of ${client}'s secret is in memory`);
  }
});
