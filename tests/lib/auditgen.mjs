#!/usr/bin/env node
// Write an audit log as doc/audit.md describes it, for the tests of
// `guisectl audit`: an implementation of the format independent of the
// signer's (signer/audit.c) and of guisectl's reader.
//
//   node tests/lib/auditgen.mjs --key KEYFILE --out PATH [options]
//
//   --records N          records in the whole chain, seq 1..N (default 40)
//   --files K            split into K files: PATH.1 .. PATH.(K-1), PATH;
//                        each but the first opens with audit.rotated
//   --torn-after S       after record S a torn line (a cut record), then
//                        record S+1 is audit.resumed {last_seq S, torn}
//   --torn-whole-after S the same, but the torn line is a whole record
//                        (the crash came just before its newline)
//   --resumed-after S    record S+1 is audit.resumed {last_seq S} (a clean
//                        restart: no torn line)
//   --torn-last          end the last file with a cut record, no newline
//   --time-back-at S     record S is one second older than record S-1
//   --hostile-at S       record S's reason holds control, bidirectional
//                        and invisible characters, and is long
//   --truncated-after K  with --anchor-seq A (> K): after record K (0: at
//                        the very start) the next record is audit.truncated
//                        {last_seq K, anchor_seq A}, seq A+1, and the seqs
//                        go on from there; after --torn-after K too, it is
//                        the restart after the torn line (torn true)
//   --anchor-lost-after K  after record K the next record is
//                        audit.anchor_lost {last_seq K, detail}, seq K+1 (a
//                        start that found no anchor to trust); after
//                        --torn-after K too, with torn true; may be given
//                        more than once
//   --frontend-at S      record S is a refusal the front end counted
//                        (source "frontend", count 17)
//   --clock-back-at S    record S is clock.stepped_back, at the time of
//                        the record before it
//   --anchor-at N        write PATH.anchor for seq N (its mac, and a tag
//                        made here with the key)
//   --journal-out FILE   write FILE as `journalctl -u guised -o cat` would
//                        show it: other lines, and a commit line for every
//                        record whose seq is a multiple of --journal-every
//                        (default 5) and for the last one
//   --journal-forged N   and, half-way, a commit line for seq N whose tag
//                        is not the key's (any N, even one never written)
//   --journal-relayed N  and, after the first line, a line of the front
//                        end as the parent relays it ("frontend: " first)
//                        that holds a commit line for seq N whose tag is
//                        not the key's
//   --cut-last L         at the end, remove the last L lines of the last
//                        file (the anchor and the journal are left as
//                        they were: a cut tail)
//
// --records counts the records written; past --truncated-after their seqs
// jump.  --anchor-at and --journal-forged name seqs; the other options name
// records by their number, 1 to --records.
//
// Record i (i >= 3) follows a cycle of six events so that the tests can
// filter: impersonators auth0|support-1 and -2, users auth0|customer-1..3,
// clients storefront and backoffice, callers backoffice and reader.  Record
// i is at 2026-11-27T00:00:00Z plus i-1 hours (plus i milliseconds).
import { createHash, createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const ORDER = ['seq', 'time', 'event', 'outcome', 'grant', 'rule',
  'impersonator_id', 'user_id', 'client_id', 'caller', 'reason', 'ip',
  'user_agent', 'jti', 'link_hash', 'code_hash', 'grant_id', 'grant_exp',
  'revoked', 'kid', 'keys', 'last_seq', 'anchor_seq', 'torn', 'prev_file',
  'count', 'source', 'detail'];
const ANCHOR_LEN = 256;
const BASE = Date.UTC(2026, 10, 27, 0, 0, 0);
const HOSTILE = 'ticket \u001b[31mRED\u001b[0m\u0007 bell\ttab \u202egnp.exe' +
  ' \u200bzero-width back\\slash and a tail long enough to be cut';

function usage(msg) {
  process.stderr.write(`auditgen: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { records: 40, files: 1, tornAfter: 0, tornWholeAfter: 0,
    resumedAfter: 0, tornLast: false, timeBackAt: 0, hostileAt: 0,
    truncatedAfter: -1, anchorSeq: 0, frontendAt: 0, clockBackAt: 0,
    anchorAt: 0, journalEvery: 5, journalForged: 0, journalRelayed: 0,
    cutLast: 0, anchorLostAfter: [] };
  const num = { '--records': 'records', '--files': 'files',
    '--torn-after': 'tornAfter', '--torn-whole-after': 'tornWholeAfter',
    '--resumed-after': 'resumedAfter', '--time-back-at': 'timeBackAt',
    '--hostile-at': 'hostileAt', '--truncated-after': 'truncatedAfter',
    '--anchor-seq': 'anchorSeq', '--frontend-at': 'frontendAt',
    '--clock-back-at': 'clockBackAt', '--anchor-at': 'anchorAt',
    '--journal-every': 'journalEvery', '--journal-forged': 'journalForged',
    '--journal-relayed': 'journalRelayed', '--cut-last': 'cutLast' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--key' || a === '--out' || a === '--journal-out') {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      o[a.slice(2).replace(/-(.)/g, (_, c) => c.toUpperCase())] = argv[++i];
    } else if (a === '--torn-last') {
      o.tornLast = true;
    } else if (a in num || a === '--anchor-lost-after') {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) usage(`${a}: not a count`);
      if (a in num) o[num[a]] = v;
      else o.anchorLostAfter.push(v);
    } else {
      usage(`unknown argument ${a}`);
    }
  }
  if (!o.key || !o.out) usage('--key and --out are needed');
  if (o.files < 1 || o.records < o.files) usage('--files: 1 to --records');
  for (const s of [o.tornAfter, o.tornWholeAfter, o.resumedAfter,
    o.truncatedAfter, ...o.anchorLostAfter]) {
    if (s > 0 && s >= o.records) usage('a restart needs a record after it');
  }
  if (o.truncatedAfter >= 0 && o.anchorSeq <= o.truncatedAfter) {
    usage('--truncated-after K needs --anchor-seq A, A > K');
  }
  if (o.journalEvery < 1) usage('--journal-every: at least 1');
  return o;
}

const hex = (s) => createHash('sha256').update(s).digest('hex');
const pick = (arr, i) => arr[i % arr.length];

function timeOf(i) {
  const d = new Date(BASE + (i - 1) * 3600 * 1000 + i);
  return d.toISOString();			// YYYY-MM-DDTHH:MM:SS.mmmZ
}

// The members of record i, by the cycle.
function content(i) {
  if (i === 1) {
    return { event: 'signer.started', outcome: 'ok',
      keys: [{ kid: 'test-es256', alg: 'ES256', fingerprint: hex('es') }] };
  }
  if (i === 2) return { event: 'service.started', outcome: 'ok' };
  const round = Math.floor((i - 3) / 6);
  const imp = pick(['auth0|support-1', 'auth0|support-2'], round);
  const user = pick(['auth0|customer-1', 'auth0|customer-2',
    'auth0|customer-3'], round);
  const common = { ip: '127.0.0.1', user_agent: 'curl/7.88.1' };
  switch ((i - 3) % 6) {
  case 0:
    return { event: 'impersonation.requested', outcome: 'allowed',
      impersonator_id: imp, user_id: user, client_id: 'storefront',
      caller: 'backoffice', reason: `ticket ${4700 + i}`, ...common };
  case 1:
    return { event: 'impersonation.link_redeemed', outcome: 'ok',
      impersonator_id: imp, user_id: user, client_id: 'storefront',
      ...common, link_hash: hex(`link ${i}`) };
  case 2:
    return { event: 'token.issued', outcome: 'ok',
      grant: 'authorization_code', impersonator_id: imp, user_id: user,
      client_id: 'storefront', jti: `jti-${i}`, code_hash: hex(`code ${i}`) };
  case 3:
    return { event: 'token.issued', outcome: 'ok',
      grant: 'client_credentials', client_id: 'backoffice', ...common,
      jti: `jti-${i}` };
  case 4:
    return { event: 'impersonation.requested', outcome: 'denied',
      rule: 'protected', impersonator_id: imp, user_id: 'auth0|admin-1',
      client_id: 'storefront', caller: 'reader',
      reason: `ticket ${4700 + i}`, ...common };
  default:
    return { event: 'impersonation.code_replayed', outcome: 'denied',
      client_id: 'storefront', code_hash: hex(`code ${i - 3}`),
      revoked: [`jti-${i - 3}`] };
  }
}

// The text the mac covers: members in the order of doc/audit.md.
function body(rec) {
  const parts = [];
  for (const k of ORDER) {
    if (rec[k] !== undefined) parts.push(`${JSON.stringify(k)}:${JSON.stringify(rec[k])}`);
  }
  return `{${parts.join(',')}`;
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const key = readFileSync(o.key);
  const names = [];
  for (let j = 1; j < o.files; j++) names.push(`${o.out}.${j}`);
  names.push(o.out);
  const starts = names.map((_, j) => Math.floor(j * o.records / o.files) + 1);
  const out = names.map(() => []);

  let prev = '0'.repeat(64);
  let lastTime = '';
  let file = 0;
  const line = (rec) => {
    const b = body(rec);
    const mac = createHmac('sha256', key).update(prev + b).digest('hex');
    return { text: `${b},"mac":"${mac}"}`, mac };
  };
  let pendingResume = null;	// { last_seq, torn }
  const macs = new Map();	// seq -> mac, for the anchor and the journal
  const lastSeq = o.records +
    (o.truncatedAfter >= 0 ? o.anchorSeq - o.truncatedAfter : 0);
  const journal = [];
  if (o.truncatedAfter === 0) {
    pendingResume = { event: 'audit.truncated', outcome: 'detected',
      last_seq: 0, anchor_seq: o.anchorSeq, torn: false };
  }
  for (let i = 1; i <= o.records; i++) {
    while (file + 1 < names.length && i >= starts[file + 1]) file++;
    const seq = o.truncatedAfter >= 0 && i > o.truncatedAfter ?
      i + o.anchorSeq - o.truncatedAfter : i;
    let rec;
    let time = timeOf(i);
    if (i === o.timeBackAt && lastTime) {
      time = new Date(Date.parse(lastTime) - 1000).toISOString();
    }
    if (i === o.clockBackAt && lastTime) time = lastTime;
    if (pendingResume && i === starts[file] && file > 0) {
      usage(`record ${i} opens a file: no restart there`);
    }
    if (i === starts[file] && file > 0) {
      rec = { event: 'audit.rotated', outcome: 'ok',
        prev_file: basename(names[file - 1]) };
    } else if (pendingResume) {
      rec = { event: 'audit.resumed', outcome: 'ok', ...pendingResume };
    } else if (i === o.clockBackAt) {
      rec = { event: 'clock.stepped_back', outcome: 'recorded',
        detail: 'the clock went back 3.250 s' };
    } else if (i === o.frontendAt) {
      rec = { event: 'impersonation.link_refused', outcome: 'denied',
        rule: 'unknown_link', client_id: 'storefront', ip: '192.0.2.7',
        count: 17, source: 'frontend' };
    } else {
      rec = content(i);
    }
    pendingResume = null;
    if (i === o.hostileAt) rec.reason = HOSTILE;
    rec = { seq, time, ...rec };
    const l = line(rec);
    out[file].push(`${l.text}\n`);
    prev = l.mac;
    lastTime = time;
    macs.set(seq, l.mac);
    if (seq % o.journalEvery === 0 || seq === lastSeq) {
      journal.push(`signer: audit: commit ${commit(key, seq, l.mac)}`);
    }

    if (i === o.tornAfter) {
      // A record cut short by a crash, then ended by the next start.
      const cut = line({ seq: i + 1, time: timeOf(i + 1), ...content(i + 1) });
      out[file].push(`${cut.text.slice(0, 45)}\n`);
      pendingResume = { last_seq: i, torn: true };
    } else if (i === o.tornWholeAfter) {
      // Whole but for its newline: its mac chains, yet it does not count.
      const whole = line({ seq: i + 1, time: timeOf(i + 1), ...content(i + 1) });
      out[file].push(`${whole.text}\n`);
      pendingResume = { last_seq: i, torn: true };
    } else if (i === o.resumedAfter) {
      pendingResume = { last_seq: i, torn: false };
    }
    if (i === o.truncatedAfter) {
      // A start on a log shorter than its anchor.
      pendingResume = { event: 'audit.truncated', outcome: 'detected',
        last_seq: i, anchor_seq: o.anchorSeq,
        torn: pendingResume !== null && pendingResume.torn };
    } else if (o.anchorLostAfter.includes(i)) {
      // A start on a log whose anchor file was empty.
      pendingResume = { event: 'audit.anchor_lost', outcome: 'detected',
        last_seq: seq, torn: pendingResume !== null && pendingResume.torn,
        detail: 'empty anchor file (emptied, deleted, or never written): ' +
          'a cut of the log before this start could not be seen' };
    }
  }
  if (o.tornLast) {
    const n = o.records + 1;
    const cut = line({ seq: n, time: timeOf(n), ...content(n) });
    out[out.length - 1].push(cut.text.slice(0, 60));
  }
  if (o.cutLast > 0) {
    const last = out[out.length - 1];
    last.splice(Math.max(0, last.length - o.cutLast));
  }
  names.forEach((name, j) => writeFileSync(name, out[j].join(''), { mode: 0o600 }));
  if (o.anchorAt > 0) {
    if (!macs.has(o.anchorAt)) usage(`--anchor-at ${o.anchorAt}: no such seq`);
    const a = anchorLine(key, o.anchorAt, macs.get(o.anchorAt));
    writeFileSync(`${o.out}.anchor`, a, { mode: 0o600 });
  }
  if (o.journalOut) writeJournal(o, journal, macs);
}

// What only the key's holder can say: "guise audit commit N M", tagged.
const tagOf = (key, seq, mac) => createHmac('sha256', key)
  .update(`guise audit commit ${seq} ${mac}`).digest('hex');

// The journald line's words after "audit: commit ".
function commit(key, seq, mac) {
  return `seq=${seq} mac=${mac} tag=${tagOf(key, seq, mac)}`;
}

// One line of ANCHOR_LEN bytes, spaces before its newline.
function anchorLine(key, seq, mac) {
  const text = `{"seq":${seq},"mac":"${mac}","tag":"${tagOf(key, seq, mac)}"}`;
  return `${text.padEnd(ANCHOR_LEN - 1, ' ')}\n`;
}

// The journal of guised as `journalctl -u guised -o cat` prints it: other
// lines around the commit lines, the forged line half-way, the front end's
// relayed line after the first.
function writeJournal(o, commits, macs) {
  const lines = ['guised: listening on 127.0.0.1:8443',
    'signer: loaded 2 signing keys', ...commits,
    'guised: stopping on SIGTERM'];
  const other = createHash('sha256').update('not the audit key').digest();
  const macOf = (seq) => macs.get(seq) ?? hex(`forged ${seq}`);
  if (o.journalForged > 0) {
    lines.splice(Math.floor(lines.length / 2), 0,
      `signer: audit: commit ${commit(other, o.journalForged, macOf(o.journalForged))}`);
  }
  if (o.journalRelayed > 0) {
    lines.splice(1, 0, 'frontend: signer: audit: commit ' +
      commit(other, o.journalRelayed, macOf(o.journalRelayed)));
  }
  writeFileSync(o.journalOut, lines.map((l) => `${l}\n`).join(''));
}

main();
