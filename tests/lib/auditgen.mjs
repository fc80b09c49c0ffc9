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
  'user_agent', 'jti', 'link_hash', 'code_hash', 'revoked', 'kid', 'keys',
  'last_seq', 'torn', 'prev_file', 'detail'];
const BASE = Date.UTC(2026, 10, 27, 0, 0, 0);
const HOSTILE = 'ticket \u001b[31mRED\u001b[0m\u0007 bell\ttab \u202egnp.exe' +
  ' \u200bzero-width back\\slash and a tail long enough to be cut';

function usage(msg) {
  process.stderr.write(`auditgen: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { records: 40, files: 1, tornAfter: 0, tornWholeAfter: 0,
    resumedAfter: 0, tornLast: false, timeBackAt: 0, hostileAt: 0 };
  const num = { '--records': 'records', '--files': 'files',
    '--torn-after': 'tornAfter', '--torn-whole-after': 'tornWholeAfter',
    '--resumed-after': 'resumedAfter', '--time-back-at': 'timeBackAt',
    '--hostile-at': 'hostileAt' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--key' || a === '--out') {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      o[a.slice(2)] = argv[++i];
    } else if (a === '--torn-last') {
      o.tornLast = true;
    } else if (a in num) {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) usage(`${a}: not a count`);
      o[num[a]] = v;
    } else {
      usage(`unknown argument ${a}`);
    }
  }
  if (!o.key || !o.out) usage('--key and --out are needed');
  if (o.files < 1 || o.records < o.files) usage('--files: 1 to --records');
  for (const s of [o.tornAfter, o.tornWholeAfter, o.resumedAfter]) {
    if (s > 0 && s >= o.records) usage('a restart needs a record after it');
  }
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
  for (let i = 1; i <= o.records; i++) {
    while (file + 1 < names.length && i >= starts[file + 1]) file++;
    let rec;
    let time = timeOf(i);
    if (i === o.timeBackAt && lastTime) {
      time = new Date(Date.parse(lastTime) - 1000).toISOString();
    }
    if (pendingResume && i === starts[file] && file > 0) {
      usage(`record ${i} opens a file: no restart there`);
    }
    if (i === starts[file] && file > 0) {
      rec = { event: 'audit.rotated', outcome: 'ok',
        prev_file: basename(names[file - 1]) };
    } else if (pendingResume) {
      rec = { event: 'audit.resumed', outcome: 'ok', ...pendingResume };
    } else {
      rec = content(i);
    }
    pendingResume = null;
    if (i === o.hostileAt) rec.reason = HOSTILE;
    rec = { seq: i, time, ...rec };
    const l = line(rec);
    out[file].push(`${l.text}\n`);
    prev = l.mac;
    lastTime = time;

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
  }
  if (o.tornLast) {
    const n = o.records + 1;
    const cut = line({ seq: n, time: timeOf(n), ...content(n) });
    out[out.length - 1].push(cut.text.slice(0, 60));
  }
  names.forEach((name, j) => writeFileSync(name, out[j].join(''), { mode: 0o600 }));
}

main();
