// An independent reader of the audit log of doc/audit.md: parse the
// records and check the HMAC chain, without any of guise's code.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function auditText(d, path = join(d.dir, 'audit.log')) {
  return readFileSync(path, 'utf8');
}

// The records of the log; torn lines are left out.
export function records(d) {
  const out = [];
  for (const l of auditText(d).split('\n').filter(Boolean)) {
    try { out.push(JSON.parse(l)); } catch { /* torn */ }
  }
  return out;
}

// Throws at the first record whose seq, time or mac is wrong.  A torn line
// (a record cut short) is accepted only when the next record is the
// audit.resumed (or audit.anchor_lost) that says so.  Returns the last seq.
export function verifyChain(text, key) {
  let prev = '0'.repeat(64);
  let seq = 0;
  let time = '';
  let torn = null;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const m = line.match(/^(\{.*),"mac":"([0-9a-f]{64})"\}$/);
    let r;
    try { r = m && JSON.parse(line); } catch { r = null; }
    if (!r) {
      if (torn !== null) throw new Error(`two torn lines: ${line}`);
      torn = line;
      continue;
    }
    const mac = createHmac('sha256', key).update(prev).update(m[1]).digest('hex');
    if (mac !== m[2]) throw new Error(`mac mismatch at ${line}`);
    if (r.seq !== seq + 1) throw new Error(`seq ${r.seq} after ${seq}`);
    if (r.time < time) throw new Error(`time goes back at seq ${r.seq}`);
    const restart = r.event === 'audit.resumed' || r.event === 'audit.anchor_lost';
    if (torn !== null && !(restart && r.torn === true && r.last_seq === seq)) {
      throw new Error(`a torn line not explained by audit.resumed: ${torn}`);
    }
    torn = null;
    prev = m[2];
    seq = r.seq;
    time = r.time;
  }
  if (torn !== null) throw new Error(`torn last line: ${torn}`);
  return seq;
}

export function auditKey(d) {
  return readFileSync(join(d.dir, 'audit.key'));
}
