// The audit log as the flow writes it: the expected records for each step
// and each refusal, on disk before the response leaves, chained by HMAC,
// with no secret in it; a restart resumes the chain; a full disk refuses
// links with 503 and recovers by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { decodeJwt } from 'jose';
import { startDaemon, clientToken, build } from './lib/daemon.mjs';
import { auditText, records, verifyChain, auditKey } from './lib/audit.mjs';
import { askLink, follow, newLink, redeem, CUSTOMER, SUPPORT } from './lib/flow.mjs';

const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const since = (d, n) => records(d).slice(n);

test('every step of the flow and every refusal has its record, in a whole chain, with no secret', async () => {
  const d = await startDaemon();
  const secrets = [];
  try {
    const start = records(d);
    assert.deepEqual(start.map((r) => r.event), ['service.started', 'signer.started']);
    assert.deepEqual(start[1].keys.map((k) => k.kid).sort(), ['test-es256', 'test-rs256']);
    for (const k of start[1].keys) assert.match(k.fingerprint, /^sha256:[0-9a-f]{64}$/);

    const got = await d.request('oauth/token', {
      method: 'POST',
      headers: { 'user-agent': 'guise-audit-test/1.0' },
      body: { grant_type: 'client_credentials', client_id: 'backoffice', client_secret: d.secrets.backoffice },
    });
    const cc = got.json;
    secrets.push(cc.access_token, ...Object.values(d.secrets));
    let n = records(d).length;
    let r = since(d, n - 1)[0];
    assert.equal(r.event, 'token.issued');
    assert.equal(r.grant, 'client_credentials');
    assert.equal(r.client_id, 'backoffice');
    assert.equal(r.jti, decodeJwt(cc.access_token).jti);
    assert.equal(r.ip, '127.0.0.1');
    assert.equal(r.user_agent, 'guise-audit-test/1.0');

    // A link: its record is in the file when the link arrives.
    n = records(d).length;
    const ask = await askLink(d, cc.access_token, { body: { reason: 'ticket 4711' }, additional: { state: 's-1' } });
    assert.equal(ask.status, 200);
    const link = ask.text.trim();
    const ticket = new URL(link).searchParams.get('bewit');
    secrets.push(link, ticket);
    r = since(d, n);
    assert.equal(r.length, 1, 'the record is on disk before the link leaves');
    assert.deepEqual(
      { event: r[0].event, outcome: r[0].outcome, impersonator_id: r[0].impersonator_id, user_id: r[0].user_id, client_id: r[0].client_id, caller: r[0].caller, reason: r[0].reason, link_hash: r[0].link_hash },
      { event: 'impersonation.requested', outcome: 'allowed', impersonator_id: SUPPORT, user_id: CUSTOMER, client_id: 'storefront', caller: 'backoffice', reason: 'ticket 4711', link_hash: sha256(ticket) },
    );
    assert.equal(r[0].ip, '127.0.0.1');

    // Following it: redeemed, with the code named by its hash.
    n = records(d).length;
    const f = await follow(d, link);
    assert.equal(f.status, 302);
    const code = new URL(f.headers.location).searchParams.get('code');
    secrets.push(code, f.headers.location);
    r = since(d, n);
    assert.equal(r.length, 1);
    assert.equal(r[0].event, 'impersonation.link_redeemed');
    assert.equal(r[0].link_hash, sha256(ticket));
    assert.equal(r[0].code_hash, sha256(code));
    assert.equal(r[0].reason, 'ticket 4711');

    // The code exchange: token.issued for the login.
    n = records(d).length;
    const t = await redeem(d, code);
    assert.equal(t.status, 200, t.text);
    secrets.push(t.json.access_token, t.json.id_token);
    r = since(d, n);
    assert.equal(r.length, 1);
    assert.equal(r[0].event, 'token.issued');
    assert.equal(r[0].grant, 'authorization_code');
    assert.equal(r[0].impersonator_id, SUPPORT);
    assert.equal(r[0].user_id, CUSTOMER);
    assert.equal(r[0].client_id, 'storefront');
    assert.equal(r[0].code_hash, sha256(code));
    assert.equal(r[0].jti, decodeJwt(t.json.access_token).jti);
    assert.equal(r[0].ip, '127.0.0.1');

    // The replay: code_replayed, naming who impersonated whom and the
    // token it revoked, so that a review by impersonator or user finds it.
    n = records(d).length;
    assert.equal((await redeem(d, code)).status, 400);
    r = since(d, n);
    assert.equal(r.length, 1);
    assert.equal(r[0].event, 'impersonation.code_replayed');
    assert.equal(r[0].impersonator_id, SUPPORT);
    assert.equal(r[0].user_id, CUSTOMER);
    assert.equal(r[0].client_id, 'storefront');
    assert.equal(r[0].code_hash, sha256(code));
    assert.deepEqual(r[0].revoked, [decodeJwt(t.json.access_token).jti]);
    const shown = spawnSync(join(build, 'guisectl'), ['audit', 'show', '-f', d.file, '--impersonator', SUPPORT, '--json'], { encoding: 'utf8' });
    assert.equal(shown.status, 0, shown.stderr);
    assert.ok(shown.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l).event).includes('impersonation.code_replayed'),
      `guisectl audit show --impersonator finds the replay:\n${shown.stdout}`);

    // The link again: refused, and counted with the other refusals of
    // unknown links from this address, not written on its own (below).
    n = records(d).length;
    assert.equal((await follow(d, link)).status, 400);
    assert.deepEqual(since(d, n), []);

    // A refusal by policy: requested, denied, with the rule.
    n = records(d).length;
    const denied = await askLink(d, cc.access_token, { body: { impersonator_id: CUSTOMER }, userId: SUPPORT });
    assert.equal(denied.status, 403);
    r = since(d, n);
    assert.equal(r.length, 1);
    assert.equal(r[0].event, 'impersonation.requested');
    assert.equal(r[0].outcome, 'denied');
    assert.equal(r[0].rule, 'impersonator_allowed');
    assert.equal(r[0].link_hash, undefined);

    const text = auditText(d);
    const last = verifyChain(text, auditKey(d));
    assert.equal(last, records(d).length);
    for (const s of secrets) assert.ok(!text.includes(s), `a secret is in the audit log: ${s.slice(0, 12)}...`);
    assert.ok(!text.includes(auditKey(d).toString('hex')));

    // journald (stderr) tells the impersonation's story too, but not each
    // client_credentials token: those are in the audit log only.
    for (const line of [
      `event=impersonation.requested outcome=allowed impersonator_id=${SUPPORT} user_id=${CUSTOMER} client_id=storefront caller=backoffice`,
      'event=impersonation.link_redeemed outcome=ok',
      `event=token.issued outcome=ok grant=authorization_code impersonator_id=${SUPPORT} user_id=${CUSTOMER} client_id=storefront`,
      'event=impersonation.code_replayed outcome=denied',
      'event=impersonation.requested outcome=denied rule=impersonator_allowed',
    ]) {
      // stderr is a pipe read on its own: the line may come after the answer.
      const until = Date.now() + 5000;
      while (!d.log.includes(`signer: audit: ${line}`) && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
      assert.ok(d.log.includes(`signer: audit: ${line}`), `journald has: ${line}\n${d.log}`);
    }
    assert.ok(!d.log.includes('grant=client_credentials'), d.log);
    assert.ok(text.includes('"grant":"client_credentials"'));
    for (const s of secrets) assert.ok(!d.log.includes(s), `a secret is in the log: ${s.slice(0, 12)}...`);

    // Stopping writes what was counted: the spent link's refusal.
    n = records(d).length;
    d.proc.kill('SIGTERM');
    while (!d.exited) await new Promise((res) => setTimeout(res, 20));
    r = since(d, n).filter((x) => x.event === 'link.unknown');
    assert.deepEqual(r.map((x) => [x.outcome, x.rule, x.ip, x.count, x.source]),
      [['denied', 'link_unknown_used_or_expired', '127.0.0.1', 1, 'frontend']]);
    assert.equal(verifyChain(auditText(d), auditKey(d)), records(d).length);
  } finally {
    await d.stop();
  }
});

// A signer, other than the one given, that the parent has started.
async function newSigner(d, old) {
  const until = Date.now() + 5000;
  for (;;) {
    const s = d.children().find((c) => c.name === 'guise-signer' && c.pid !== old);
    if (s) return s;
    assert.ok(Date.now() < until, 'a new signer within five seconds');
    await new Promise((res) => setTimeout(res, 20));
  }
}

test('a killed signer and a restarted service resume the chain with audit.resumed', async () => {
  let d = await startDaemon();
  const dir = d.dir;
  try {
    await clientToken(d);
    const signer = d.children().find((c) => c.name === 'guise-signer');
    const before = records(d);
    process.kill(signer.pid, 'SIGKILL');
    await newSigner(d, signer.pid);
    await clientToken(d);
    let after = records(d);
    assert.equal(after[before.length].event, 'audit.resumed');
    assert.equal(after[before.length].last_seq, before[before.length - 1].seq);
    // The whole service stopped and started again: the same.
    d.proc.kill('SIGTERM');
    while (!d.exited) await new Promise((res) => setTimeout(res, 20));
    const n = records(d).length;
    d = await startDaemon({ reuse: dir });
    after = records(d);
    assert.equal(after[n].event, 'audit.resumed');
    assert.equal(after[n].last_seq, after[n - 1].seq);
    assert.equal(after[n].torn, false);
    assert.equal(verifyChain(auditText(d), auditKey(d)), after.length);
  } finally {
    await d.stop();
  }
});

test('a full disk refuses links and tokens with 503, then recovers by itself', async (t) => {
  const mnt = join('/tmp', `guise-full-${process.pid}`);
  spawnSync('mkdir', ['-p', mnt]);
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=128k,mode=755', 'tmpfs', mnt], { encoding: 'utf8' });
  if (process.getuid() !== 0 || m.status !== 0) {
    t.skip(`cannot mount a small tmpfs here: ${m.stderr}`);
    return;
  }
  const log = join(mnt, 'audit.log');
  let d;
  try {
    d = await startDaemon({ mutate: (c) => { c.audit.path = log; } });
    const cc = await clientToken(d);
    // Fill the file system to the last byte.
    spawnSync('sh', ['-c', `dd if=/dev/zero of=${mnt}/fill bs=1k 2>/dev/null; true`]);
    // The log's last page may still have room: ask until it has none.
    let refused;
    for (let i = 0; i < 100; i++) {
      refused = await askLink(d, cc.access_token);
      if (refused.status !== 200) break;
    }
    assert.equal(refused.status, 503, refused.text);
    assert.equal(refused.json.error, 'temporarily_unavailable');
    assert.doesNotMatch(refused.text, /bewit/);
    const tok = await d.request('oauth/token', { method: 'POST', body: { grant_type: 'client_credentials', client_id: 'reader', client_secret: d.secrets.reader } });
    assert.equal(tok.status, 503, tok.text);
    assert.equal(tok.json.access_token, undefined);
    // Room again: service resumes, and the chain says what happened.
    spawnSync('rm', ['-f', `${mnt}/fill`]);
    const again = await askLink(d, cc.access_token);
    assert.equal(again.status, 200, again.text);
    const text = auditText(d, log);
    const recs = text.split('\n').filter(Boolean).flatMap((l) => { try { return [JSON.parse(l)]; } catch { return []; } });
    const resumed = recs.find((r) => r.event === 'audit.resumed');
    assert.ok(resumed, 'an audit.resumed record after the failure');
    assert.equal(verifyChain(text, auditKey(d)), recs[recs.length - 1].seq);
  } finally {
    await d?.stop();
    spawnSync('umount', [mnt]);
    spawnSync('rmdir', [mnt]);
  }
});

test('guisectl audit rotate, verify and show work on the daemon\'s own log', async () => {
  const d = await startDaemon();
  const ctl = (...args) => spawnSync(join(build, 'guisectl'), ['audit', ...args, '-f', d.file], { encoding: 'utf8', timeout: 15000 });
  try {
    const cc = await clientToken(d);
    const link = await newLink(d, cc.access_token, { body: { reason: 'rotation test' } });
    const rot = ctl('rotate');
    assert.equal(rot.status, 0, rot.stderr);
    assert.equal((await follow(d, link)).status, 302);
    const first = records(d)[0];
    assert.equal(first.event, 'audit.rotated', 'the new file starts with audit.rotated');
    assert.equal(first.prev_file, 'audit.log.1');

    const ok = ctl('verify');
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /chain whole/);

    const shown = ctl('show', '--impersonator', SUPPORT, '--json');
    assert.equal(shown.status, 0, shown.stderr);
    const events = shown.stdout.trim().split('\n').map((l) => JSON.parse(l).event);
    assert.deepEqual(events, ['impersonation.requested', 'impersonation.link_redeemed']);

    // An edited record in the rotated file is found and named.
    const old = join(d.dir, 'audit.log.1');
    writeFileSync(old, readFileSync(old, 'utf8').replace('rotation test', 'rotation jest'));
    const bad = ctl('verify');
    assert.equal(bad.status, 1);
    assert.match(bad.stdout + bad.stderr, /audit\.log\.1:\d+: seq \d+/);
  } finally {
    await d.stop();
  }
});

test('kill -9 of the signer under load, five times, never leaves a chain that verify cannot explain', async () => {
  const d = await startDaemon();
  const ctl = (...args) => spawnSync(join(build, 'guisectl'), ['audit', ...args, '-f', d.file], { encoding: 'utf8', timeout: 15000 });
  try {
    for (let round = 0; round < 5; round++) {
      const load = Array.from({ length: 150 }, () => d.request('oauth/token', {
        method: 'POST',
        body: { grant_type: 'client_credentials', client_id: 'reader', client_secret: d.secrets.reader },
      }).catch(() => null));
      await new Promise((res) => setTimeout(res, 5 + round * 7));
      const signer = d.children().find((c) => c.name === 'guise-signer');
      process.kill(signer.pid, 'SIGKILL');
      const answers = await Promise.all(load);
      await newSigner(d, signer.pid);
      // Every token that was answered is in the log.
      const jtis = new Set(records(d).map((r) => r.jti).filter(Boolean));
      for (const a of answers) {
        if (a?.status === 200) assert.ok(jtis.has(decodeJwt(a.json.access_token).jti), 'an issued token has its record');
      }
    }
    await clientToken(d, 'reader');	// the last signer has resumed the chain
    const v = ctl('verify');
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /chain whole/);
  } finally {
    await d.stop();
  }
});

test('a value cannot forge name=value pairs in the journald line; the audit log keeps it as it was', async () => {
  const d = await startDaemon();
  const forged = 'x outcome=ok event=impersonation.link_redeemed';
  try {
    const cc = await clientToken(d);
    const r = await askLink(d, cc.access_token, { body: { impersonator_id: forged } });
    assert.equal(r.status, 403, r.text);
    const rec = records(d).find((x) => x.event === 'impersonation.requested');
    assert.equal(rec.outcome, 'denied');
    assert.equal(rec.impersonator_id, forged, 'the JSON keeps the id as it was');
    const line = 'event=impersonation.requested outcome=denied';
    const until = Date.now() + 5000;
    while (!d.log.includes(line) && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
    assert.ok(d.log.includes(line), d.log);
    assert.ok(!d.log.includes(' outcome=ok event=impersonation.link_redeemed'), d.log);
    assert.ok(d.log.includes('impersonator_id=x\\x20outcome\\x3dok\\x20event\\x3dimpersonation.link_redeemed'), d.log);
  } finally {
    await d.stop();
  }
});
