// A cut tail of the audit log is seen (doc/audit.md, "Anchors: a cut tail
// is seen"): after every commit the signer rewrites the anchor file beside
// the log and tells journald the commit's seq and mac, tagged with the
// audit key.  A start on a log shorter than its anchor says so with
// audit.truncated and never reuses a seq; a start on a log with records
// and no anchor it can trust (emptied, deleted, damaged, forged) says so
// with audit.anchor_lost; a start on a log whose last record does not
// chain is refused.  Every tag is checked here with Node's
// own HMAC, and every verdict with the real guisectl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, clientToken, build } from './lib/daemon.mjs';
import { auditText, records, auditKey, verifyChain } from './lib/audit.mjs';
import { askLink, newCode, newLink, redeem } from './lib/flow.mjs';

const COMMIT = /^signer: audit: commit seq=(\d+) mac=([0-9a-f]{64}) tag=([0-9a-f]{64})$/gm;
const ANCHOR = /^\{"seq":(\d+),"mac":"([0-9a-f]{64})","tag":"([0-9a-f]{64})"\} *\n$/;

const tagOf = (key, seq, mac) => createHmac('sha256', key).update(`guise audit commit ${seq} ${mac}`).digest('hex');
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

function anchorOf(d) {
  const text = readFileSync(join(d.dir, 'audit.log.anchor'), 'latin1');
  assert.equal(text.length, 256, 'the anchor is one line of 256 bytes');
  const m = text.match(ANCHOR);
  assert.ok(m, `the anchor's form: ${JSON.stringify(text)}`);
  return { seq: Number(m[1]), mac: m[2], tag: m[3] };
}

function commitLines(log) {
  return [...log.matchAll(COMMIT)].map((m) => ({ seq: Number(m[1]), mac: m[2], tag: m[3] }));
}

// guisectl audit verify on d's log, its exit status and output; journal is
// the text `journalctl -u guised -o cat` would give (the daemon's stderr),
// or none for --no-journal.
function verify(d, journal) {
  const args = ['audit', 'verify', '-f', d.file];
  if (journal === undefined) {
    args.push('--no-journal');
  } else {
    const file = join(d.dir, 'journal.txt');
    writeFileSync(file, journal);
    args.push('--journal', file);
  }
  const r = spawnSync(join(build, 'guisectl'), args, { encoding: 'utf8', timeout: 15000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

// stderr is a pipe read on its own: wait until the log shows a commit line
// for seq (the lines are written before the replies they cover, but Node
// may read them after the reply).
async function waitCommit(d, seq) {
  const until = Date.now() + 5000;
  while (!commitLines(d.log).some((c) => c.seq === seq) && Date.now() < until) await sleep(20);
}

async function stopKeep(d) {
  d.proc.kill('SIGTERM');
  while (!d.exited) await sleep(20);
}

// A crash: the parent stopped so that it restarts nothing, then every
// process killed, so that no record is written on the way out.
async function crash(d) {
  const kids = d.children();
  process.kill(d.proc.pid, 'SIGSTOP');
  for (const k of kids) process.kill(k.pid, 'SIGKILL');
  process.kill(d.proc.pid, 'SIGKILL');
  while (!d.exited) await sleep(20);
}

// A full impersonation: a link asked for, followed, its code redeemed.
async function fullFlow(d, reason = 'ticket 4711') {
  const token = (await clientToken(d)).access_token;
  const { code } = await newCode(d, token, { body: { reason } });
  const t = await redeem(d, code);
  assert.equal(t.status, 200, t.text);
  return token;
}

test('the anchor file and the journal hold the last commit, tagged with the audit key', async () => {
  const d = await startDaemon();
  try {
    await fullFlow(d);
    const recs = records(d);
    const last = recs[recs.length - 1];
    const key = auditKey(d);

    assert.doesNotMatch(d.log, /no anchor file/, 'guised hands the signer its anchor');
    const a = anchorOf(d);
    assert.equal(a.seq, last.seq, 'the anchor holds the last record\'s seq');
    assert.equal(a.mac, last.mac, 'and its mac');
    assert.equal(a.tag, tagOf(key, a.seq, a.mac), 'tagged with the audit key');

    await waitCommit(d, last.seq);
    const lines = commitLines(d.log);
    assert.ok(lines.length >= 3, `commit lines on stderr:\n${d.log}`);
    const bySeq = new Map(recs.map((r) => [r.seq, r]));
    for (const c of lines) {
      assert.equal(c.tag, tagOf(key, c.seq, c.mac), `the tag of the line for seq ${c.seq}`);
      assert.equal(c.mac, bySeq.get(c.seq)?.mac, `the line for seq ${c.seq} holds its mac`);
    }
    assert.equal(lines[lines.length - 1].seq, last.seq, 'a line for the last commit');

    const v = verify(d, d.log);
    assert.equal(v.status, 0, v.out);
    assert.match(v.out, /chain whole/);
    assert.match(v.out, new RegExp(`anchor: seq ${last.seq} matches`));
    assert.match(v.out, new RegExp(`journal: \\d+ commit lines?, last seq ${last.seq} matches`));

    // A line that claims a far higher seq, with a tag not the key's: it is
    // forged, and stands for no cut.
    const forged = `${d.log}signer: audit: commit seq=${last.seq + 1000} mac=${'ab'.repeat(32)} tag=${'0'.repeat(64)}\n`;
    const f = verify(d, forged);
    assert.equal(f.status, 1, f.out);
    assert.match(f.out, /1 forged commit line/);
    assert.doesNotMatch(f.out, /cut/);
  } finally {
    await d.stop();
  }
});

test('client_credentials commits get at most about ten journald lines a second, and the last one is told', async () => {
  const d = await startDaemon();
  try {
    const t0 = Date.now();
    // Past seq 100: a commit line of three digits (and more) fits.
    for (let i = 0; i < 120; i++) await clientToken(d, 'reader');
    const secs = (Date.now() - t0) / 1000;
    const recs = records(d);
    const last = recs[recs.length - 1];
    assert.equal(last.grant, 'client_credentials');
    // The last commit's line comes within a tenth of a second, although
    // nothing else happens.
    await waitCommit(d, last.seq);
    const lines = commitLines(d.log).filter((c) => c.seq > recs[1].seq);
    assert.equal(lines[lines.length - 1].seq, last.seq, `the last commit is told:\n${d.log}`);
    assert.ok(lines.length <= 10 * secs + 3, `${lines.length} lines for 120 tokens in ${secs} s`);
    assert.equal(anchorOf(d).seq, last.seq);
  } finally {
    await d.stop();
  }
});

test('a cut tail is seen before a restart, and the restart says so with audit.truncated', async () => {
  let d = await startDaemon();
  const dir = d.dir;
  try {
    await fullFlow(d);
    await stopKeep(d);
    const file = join(dir, 'audit.log');
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const anchorSeq = JSON.parse(lines[lines.length - 1]).seq;
    const kept = lines.slice(0, -3);
    const lastSeq = JSON.parse(kept[kept.length - 1]).seq;
    writeFileSync(file, `${kept.join('\n')}\n`);

    let v = verify(d, d.log);
    assert.equal(v.status, 1, v.out);
    assert.match(v.out, /3 records were cut/);

    const before = d.log;
    d = await startDaemon({ reuse: dir });
    const recs = records(d);
    const t = recs[kept.length];
    assert.equal(t.event, 'audit.truncated', 'the first record of the start');
    assert.equal(t.outcome, 'detected');
    assert.equal(t.last_seq, lastSeq);
    assert.equal(t.anchor_seq, anchorSeq);
    assert.equal(t.seq, anchorSeq + 1);
    assert.equal(t.torn, false);
    assert.match(d.log, /warning: .*cut/, 'a warning journald shows');

    // More traffic, then the whole log: no seq twice, the gap still told.
    for (let i = 0; i < 3; i++) await clientToken(d, 'reader');
    await newLink(d, (await clientToken(d)).access_token);
    const all = records(d);
    assert.equal(new Set(all.map((r) => r.seq)).size, all.length, 'no seq is used twice');
    for (let i = kept.length + 1; i < all.length; i++) assert.equal(all[i].seq, all[i - 1].seq + 1);
    const last = all[all.length - 1];
    await waitCommit(d, last.seq);
    v = verify(d, before + d.log);
    assert.equal(v.status, 1, v.out);
    assert.match(v.out, new RegExp(`records ${lastSeq + 1}\\.\\.${anchorSeq} \\(3\\) were cut`));
    assert.equal(anchorOf(d).seq, last.seq);
  } finally {
    await d.stop();
  }
});

test('a whole log deleted while its anchor stays: the start writes audit.truncated from seq 0', async () => {
  let d = await startDaemon();
  const dir = d.dir;
  try {
    await clientToken(d);
    await stopKeep(d);
    const anchorSeq = anchorOf(d).seq;
    rmSync(join(dir, 'audit.log'));
    d = await startDaemon({ reuse: dir });
    const recs = records(d);
    assert.equal(recs[0].event, 'audit.truncated');
    assert.equal(recs[0].last_seq, 0);
    assert.equal(recs[0].anchor_seq, anchorSeq);
    assert.equal(recs[0].seq, anchorSeq + 1);
    // It chains from 64 zeros, as a first record does.
    const mac = createHmac('sha256', auditKey(d)).update('0'.repeat(64))
      .update(auditText(d).split('\n')[0].replace(/,"mac":"[0-9a-f]{64}"\}$/, '')).digest('hex');
    assert.equal(recs[0].mac, mac);
    const v = verify(d);
    assert.equal(v.status, 1, v.out);
    assert.match(v.out, new RegExp(`records 1\\.\\.${anchorSeq} \\(${anchorSeq}\\) were cut`));
  } finally {
    await d.stop();
  }
});

// The log cut by 4 records with the daemon stopped (and, with torn, a
// record cut short after them, as a crash leaves it), and its anchor lost
// as lose() does it; then a start, whose stderr shows log.  Neither the
// cut nor its size can be seen any more: the start says that the anchor
// was lost, numbers on from the last record there (a seq is used again,
// and the record says why), and verify reports it, however much traffic
// comes after.
async function cutAndLoseAnchor({ lose, detail, torn = false, log }) {
  let d = await startDaemon();
  const dir = d.dir;
  const anchor = join(dir, 'audit.log.anchor');
  try {
    await fullFlow(d);
    await stopKeep(d);
    const file = join(dir, 'audit.log');
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const kept = lines.slice(0, -4);
    const lastSeq = JSON.parse(kept[kept.length - 1]).seq;
    writeFileSync(file, `${kept.join('\n')}\n${torn ? lines[kept.length].slice(0, 40) : ''}`);
    lose(anchor, JSON.parse(kept[kept.length - 1]), d);

    d = await startDaemon({ reuse: dir });
    const recs = records(d);
    const lost = recs[kept.length];
    assert.equal(lost.event, 'audit.anchor_lost', 'the first record of the start');
    assert.equal(lost.outcome, 'detected');
    assert.equal(lost.seq, lastSeq + 1, 'gapless: on from the last record there');
    assert.equal(lost.last_seq, lastSeq);
    assert.equal(lost.torn, torn);
    assert.match(lost.detail, detail);
    assert.ok(!recs.slice(kept.length).some((r) => r.event === 'audit.resumed'), 'in place of audit.resumed');
    assert.match(d.log, /warning: audit: .*anchor.*audit\.anchor_lost/, 'a warning journald shows');
    if (log) assert.match(d.log, log);
    const said = `audit.log:${kept.length + (torn ? 2 : 1)}: seq ${lastSeq + 1}: audit.anchor_lost: `;

    let v = verify(d);
    assert.equal(v.status, 1, v.out);
    assert.ok(v.out.includes(said), v.out);
    // A fresh anchor, as after any commit.
    assert.equal(anchorOf(d).seq, recs[recs.length - 1].seq);

    for (let i = 0; i < 3; i++) await clientToken(d, 'reader');
    await fullFlow(d);
    const all = records(d);
    for (let i = 1; i < all.length; i++) assert.equal(all[i].seq, all[i - 1].seq + 1);
    const last = all[all.length - 1];
    await waitCommit(d, last.seq);
    v = verify(d, d.log);
    assert.equal(v.status, 1, v.out);
    assert.ok(v.out.includes(said), v.out);
    assert.match(v.out, new RegExp(`anchor_lost: the start after seq ${lastSeq} found no anchor`));
    assert.equal(v.out.split('\n').filter(Boolean).length, 1, v.out);
    assert.equal(verifyChain(auditText(d), auditKey(d)), last.seq, 'the chain, read here');
    assert.equal(anchorOf(d).seq, last.seq);
  } finally {
    await d.stop();
  }
}

test('a cut log whose anchor was emptied: audit.anchor_lost, and verify reports it', async () => {
  await cutAndLoseAnchor({ lose: (anchor) => writeFileSync(anchor, ''), detail: /^empty anchor file/ });
});

test('a cut log whose anchor was deleted: guised makes it again empty, and the start says it was lost', async () => {
  await cutAndLoseAnchor({
    lose: (anchor) => rmSync(anchor),
    detail: /^empty anchor file/,
    log: /guised: \S*audit\.log\.anchor: no such file: made empty/,
  });
});

test('a crash\'s torn line after a cut, the anchor emptied: audit.anchor_lost with torn true ends it', async () => {
  await cutAndLoseAnchor({ lose: (anchor) => writeFileSync(anchor, ''), detail: /^empty anchor file/, torn: true });
});

test('a cut log whose anchor holds garbage: audit.anchor_lost, damaged', async () => {
  await cutAndLoseAnchor({ lose: (anchor) => writeFileSync(anchor, 'garbage\n'.repeat(32)), detail: /^damaged anchor file/ });
});

test('a cut log whose anchor is of the form but tagged with another key: audit.anchor_lost, forged', async () => {
  await cutAndLoseAnchor({
    lose: (anchor, last) => {
      const tag = tagOf(Buffer.alloc(32, 7), last.seq, last.mac);
      writeFileSync(anchor, `${`{"seq":${last.seq},"mac":"${last.mac}","tag":"${tag}"}`.padEnd(255, ' ')}\n`);
    },
    detail: /^forged anchor file/,
  });
});

test('a clean restart with its anchor whole writes no audit.anchor_lost', async () => {
  let d = await startDaemon();
  const dir = d.dir;
  try {
    await fullFlow(d);
    await stopKeep(d);
    const n = records(d).length;
    d = await startDaemon({ reuse: dir });
    const recs = records(d);
    assert.equal(recs[n].event, 'audit.resumed');
    assert.ok(!recs.some((r) => r.event === 'audit.anchor_lost'));
    assert.doesNotMatch(d.log, /anchor/);
    const v = verify(d);
    assert.equal(v.status, 0, v.out);
  } finally {
    await d.stop();
  }
});

// Start guised on dir and wait for it to exit (a signer that refuses to
// start is restarted a few times, then guised gives up).
function startUntilExit(dir) {
  return new Promise((ok) => {
    const p = spawn(join(build, 'guised'), ['-f', join(dir, 'guise.json')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), 20000);
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (s) => { log += s; });
    p.on('exit', (code, signal) => { clearTimeout(timer); ok({ code, signal, log }); });
  });
}

test('a signer refuses to start on a log whose last record was edited, and writes nothing', async () => {
  const d = await startDaemon();
  const dir = d.dir;
  try {
    const token = await fullFlow(d);
    assert.equal((await askLink(d, token, { body: { reason: 'ticket 4711' } })).status, 200);
    await crash(d);	// the link's record is the last
    const file = join(dir, 'audit.log');
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n').filter(Boolean);
    const last = JSON.parse(lines[lines.length - 1]);
    assert.equal(last.reason, 'ticket 4711');
    const edited = text.slice(0, text.lastIndexOf('ticket 4711')) + 'ticket 4712' +
      text.slice(text.lastIndexOf('ticket 4711') + 'ticket 4711'.length);
    writeFileSync(file, edited);
    const anchor = readFileSync(join(dir, 'audit.log.anchor'));

    const r = await startUntilExit(dir);
    assert.notEqual(r.code, 0, r.log);
    assert.match(r.log, new RegExp(`seq ${last.seq}\\b.*guisectl audit verify`), r.log);
    assert.equal(readFileSync(file, 'utf8'), edited, 'nothing is appended to the log');
    assert.deepEqual(readFileSync(join(dir, 'audit.log.anchor')), anchor, 'nor to the anchor');
  } finally {
    await d.stop();
  }
});

test('a file whose only record is audit.rotated chains from the rotated file, or is the anchor\'s, or the signer refuses', async () => {
  let d = await startDaemon();
  const dir = d.dir;
  const anchor = join(dir, 'audit.log.anchor');
  // Rotate, then crash: the new file holds audit.rotated alone.
  const rotateCrash = async () => {
    const r = spawnSync(join(build, 'guisectl'), ['audit', 'rotate', '-f', d.file], { encoding: 'utf8', timeout: 15000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const until = Date.now() + 5000;
    while (records(d)[0]?.event !== 'audit.rotated' && Date.now() < until) await sleep(20);
    assert.deepEqual(records(d).map((x) => x.event), ['audit.rotated']);
    await crash(d);
    return records(d)[0].seq;
  };
  const resumes = async (event = 'audit.resumed') => {
    d = await startDaemon({ reuse: dir });
    assert.deepEqual(records(d).slice(0, 2).map((x) => x.event), ['audit.rotated', event]);
    assert.doesNotMatch(d.log, /chain/);
  };
  try {
    await clientToken(d);
    // The rotated file alone vouches for it: the anchor is emptied, and
    // said lost.
    await rotateCrash();
    writeFileSync(anchor, '');
    await resumes('audit.anchor_lost');
    const v = verify(d);
    assert.equal(v.status, 1, v.out);
    assert.match(v.out, /^\S*\/audit\.log:2: seq \d+: audit\.anchor_lost: [^\n]*\n$/);

    // The anchor alone: the rotated file archived elsewhere.
    await rotateCrash();
    rmSync(join(dir, 'audit.log.2'));
    await resumes();
    assert.doesNotMatch(d.log, /cut/);

    // Neither: the signer will not go on from it.
    const seq = await rotateCrash();
    rmSync(join(dir, 'audit.log.2'));
    writeFileSync(anchor, '');
    const r = await startUntilExit(dir);
    assert.notEqual(r.code, 0, r.log);
    assert.match(r.log, new RegExp(`seq ${seq}\\b.*guisectl audit verify`), r.log);
  } finally {
    await d.stop();
  }
});
