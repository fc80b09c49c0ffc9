#!/bin/sh
# guisectl audit verify, show and rotate, run for real on logs written by
# tests/lib/auditgen.mjs (an implementation of doc/audit.md of its own).
# Prints TAP ("ok N - what" / "not ok N - what", then "1..N") and exits
# non-zero when a check failed.  Needs node; valgrind when it is there.
#
#	sh tests/unit/test_audit_cli.sh [path/to/guisectl]
#
# shellcheck disable=SC2016
# (the checks given to eval are single-quoted on purpose: they expand when
# they run, after the command they look at)

set -u

G=${1:-build/guisectl}
case $G in
/*)	;;
*)	G=$PWD/$G ;;
esac
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -x "$G" ]; then
	printf 'Bail out! %s is not an executable\n' "$G"
	exit 1
fi
if ! command -v node >/dev/null 2>&1; then
	printf 'Bail out! node is needed (tests/lib/auditgen.mjs)\n'
	exit 1
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/test_audit_cli.XXXXXX") || exit 1
fakes=
cleanup() {
	for p in $fakes; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

. "$(dirname "$0")/../lib/tap.sh"
out_lines() { [ "$(wc -l <"$T/out" | tr -d ' ')" = "$1" ]; }

# --- a configuration and its logs -------------------------------------

C=$T/c
CONF=$C/guise.json
LOG=$C/audit.log
if ! GUISECTL=$G GUISE_TLS=0 sh "$top/tests/lib/mkconfig.sh" "$C" \
    >"$T/out" 2>"$T/err"; then
	printf 'Bail out! tests/lib/mkconfig.sh failed\n'
	sed 's/^/# /' "$T/err"
	exit 1
fi

# gen OPTIONS...: a fresh log (every file of the old one removed first).
gen() {
	rm -f "$LOG" "$LOG".*
	if ! node "$top/tests/lib/auditgen.mjs" --key "$C/audit.key" \
	    --out "$LOG" "$@" 2>"$T/gen.err"; then
		printf 'Bail out! auditgen.mjs %s failed\n' "$*"
		sed 's/^/# /' "$T/gen.err"
		exit 1
	fi
}

# verify [ARGS...]: without the journal unless ARGS name one (journald may
# run where the tests do, with another guised's lines).
verify() {
	if [ $# -eq 0 ]; then
		set -- --no-journal
	fi
	run audit verify -f "$CONF" "$@"
}
WHOLE="no anchor file; journal: not consulted"

# verify_bad WHAT FILE:LINE: SEQ WORD: exit 1 and one line naming the record.
verify_bad() {
	verify
	if rc_is 1 && out_lines 1 && out_has "$2: seq $3: " && out_has "$4"
	then
		ok "$1"
	else
		not_ok "$1 (exit $rc; want $2: seq $3: ...$4...)"
	fi
}

# --- verify: whole chains ----------------------------------------------

gen --records 40
verify
check "verify: a whole chain of 40 records, exit 0" eval \
    'rc_is 0 && out_is "audit: 40 records in 1 file, chain whole; $WHOLE"'

gen --records 45 --files 3
verify
check "verify: a chain rotated over 3 files, exit 0" eval \
    'rc_is 0 && out_is "audit: 45 records in 3 files, chain whole; $WHOLE"'

gen --records 40 --torn-after 8
verify
check "verify: a torn line then audit.resumed is explained, exit 0" eval \
    'rc_is 0 && out_has "40 records in 1 file, chain whole (1 torn line explained at $LOG:9)"'

gen --records 40 --torn-whole-after 8
verify
check "verify: a whole record torn before its newline, then audit.resumed" \
    eval 'rc_is 0 && out_has "(1 torn line explained at $LOG:9)"'

gen --records 45 --files 3 --torn-after 5 --resumed-after 20 \
    --torn-whole-after 33
verify
check "verify: torn lines and restarts in rotated files, exit 0" eval \
    'rc_is 0 && out_has "45 records in 3 files, chain whole (2 torn lines explained at $LOG.1:6, $LOG:4)"'

# --- verify: what it must name -----------------------------------------

gen --records 40 --torn-last
verify_bad "verify: a torn last line is reported" "$LOG:41" 41 "torn"

gen --records 40 --torn-after 8
sed -i '10d' "$LOG"
verify_bad "verify: a torn line without its audit.resumed is reported" \
    "$LOG:9" 9 "torn"

gen --records 40 --torn-after 8
printf '{"seq":9,"time":"2026-11-27T08:00:00.009Z","event":"x"\n' >"$T/frag"
sed -i "9r $T/frag" "$LOG"
verify
check "verify: two torn lines in a row, one audit.resumed for both" eval \
    'rc_is 0 && out_has "(2 torn lines explained at $LOG:9, $LOG:10)"'

gen --records 40
sed -i '9s/ticket 4709/ticket 4708/' "$LOG"
verify_bad "verify: an edited reason names its line" "$LOG:9" 9 "edited"

gen --records 40
sed -i '12d' "$LOG"
verify_bad "verify: a deleted line names the line after it" "$LOG:12" 13 \
    "deleted"

gen --records 40
sed -i '12p' "$LOG"
verify_bad "verify: an inserted copy names the copy" "$LOG:13" 12 "inserted"

gen --records 40
sed -i '12{h;d};13G' "$LOG"
verify_bad "verify: two lines swapped name the first of them" "$LOG:12" 13 \
    "moved"

"$G" secret --audit-key -o "$T/other.key"
rm -f "$LOG"
node "$top/tests/lib/auditgen.mjs" --key "$T/other.key" --out "$LOG" \
    --records 10
verify_bad "verify: another key fails at the first record" "$LOG:1" 1 \
    "audit key"

gen --records 45 --files 3
sed -i '3s/"ok"/"OK"/' "$LOG.2"
verify_bad "verify: an edit in a rotated file names that file" "$LOG.2:3" \
    18 "edited"

gen --records 45 --files 3
rm -f "$LOG.2"
verify_bad "verify: a rotated file removed" "$LOG:1" 31 "deleted"

gen --records 45 --files 3
rm -f "$LOG.1"
verify_bad "verify: the oldest file removed" "$LOG:1" 31 \
    "start of the log is missing"

gen --records 40 --time-back-at 12
verify_bad "verify: time going backwards" "$LOG:12" 12 "time goes backwards"

gen --records 40
sed -i '3a [1,2]' "$LOG"
verify_bad "verify: a JSON line that is not a record" "$LOG:4" 4 \
    "not a record"

gen --records 40
sed -i '3s/,"mac":"/,"mac" : "/' "$LOG"
verify_bad "verify: a record that does not end with the mac" "$LOG:3" 3 \
    "not a record"

gen --records 40
sed -i '3s/^{"seq":3,/{"seq":3,"seq":3,/' "$LOG"
verify_bad "verify: a duplicate member" "$LOG:3" 3 "twice"

gen --records 40
head -n 3 "$LOG" >"$T/head"
tail -n +4 "$LOG" >"$T/tail"
{
	cat "$T/head"
	printf '{"reason":"'
	head -c 1100000 /dev/zero | tr '\0' a
	printf '"}\n'
	cat "$T/tail"
} >"$LOG"
verify_bad "verify: a line over 1 MiB is refused" "$LOG:4" 4 "longer than"

printf 'short' >"$T/short.key"
sed "s|\"audit.key\"|\"$T/short.key\"|" "$CONF" >"$T/short.json"
run audit verify -f "$T/short.json"
check "verify: an audit key of 5 bytes is refused" eval \
    'rc_is 1 && err_has "32 to 256 bytes"'

rm -f "$LOG" "$LOG".*
verify
check "verify: no log at all, exit 1" eval 'rc_is 1 && err_has "no audit log"'

# --- verify: the anchors (the anchor file, the journal) ----------------

J=$T/journal
gen --records 57 --files 2 --anchor-at 57 --journal-out "$J"
verify --journal "$J"
check "verify: anchor and journal at the log's end, exit 0, both compared" \
    eval 'rc_is 0 && out_is "audit: 57 records in 2 files, chain whole; anchor: seq 57 matches; journal: 12 commit lines, last seq 57 matches"'
verify --journal - <"$J"
check "verify: --journal - reads stdin" eval \
    'rc_is 0 && out_has "journal: 12 commit lines, last seq 57 matches"'

gen --records 40
verify
check "verify: no anchor file is said, and is not a failure" eval \
    'rc_is 0 && out_has "chain whole; no anchor file;"'
: >"$LOG.anchor"
verify
check "verify: an empty anchor file beside records is a lost one, said" eval \
    'rc_is 0 && out_has "chain whole; anchor: lost (an empty file beside records: the next start writes audit.anchor_lost);"'
: >"$LOG"
verify
check "verify: an empty anchor file beside an empty log is no anchor yet, exit 0" \
    eval 'rc_is 0 && out_is "audit: 0 records in 1 file, chain whole; anchor: none yet (an empty file); journal: not consulted"'

# cut_is WHAT WITNESS: exit 1 and one line, "3 records were cut".
cut_is() {
	if rc_is 1 && out_lines 1 &&
	    out_is "$LOG: the log ends at seq 54 but $2 seq 57: 3 records were cut from its end"
	then
		ok "$1"
	else
		not_ok "$1 (exit $rc)"
	fi
}

gen --records 57 --anchor-at 57 --journal-out "$J" --cut-last 3
verify
cut_is "verify: the last 3 records cut, the anchor says so" \
    "its anchor says"
rm -f "$LOG.anchor"
verify
check "verify: the same, no anchor nor journal: chain whole (what they are for)" \
    eval 'rc_is 0 && out_has "54 records in 1 file, chain whole"'
verify --journal "$J"
cut_is "verify: the anchor removed too, the journal says so" \
    "the journal ($J:14) committed"

gen --records 57 --anchor-at 57 --journal-out "$J" --cut-last 3
verify --journal "$J"
check "verify: a cut seen by both, both said" eval \
    'rc_is 1 && out_lines 2 && out_has "its anchor says seq 57: 3 records" && out_has "committed seq 57: 3 records"'

gen --records 57 --anchor-at 57
tag=$(sed 's/.*"tag":"\(.\).*/\1/' "$LOG.anchor")
if [ "$tag" = 0 ]; then other=1; else other=0; fi
sed -i "s/\"tag\":\"./\"tag\":\"$other/" "$LOG.anchor"
verify
check "verify: an anchor whose tag is not the key's is forged" eval \
    'rc_is 1 && out_lines 1 && out_has "$LOG.anchor: forged anchor: its tag (for seq 57) is not the audit key"'

gen --records 57 --anchor-at 57
sed -i 's/"tag"/"TAG"/' "$LOG.anchor"
verify
check "verify: an anchor not of the format is damaged" eval \
    'rc_is 1 && out_lines 1 && out_has "$LOG.anchor: damaged anchor"'
gen --records 57 --anchor-at 57
printf 'x' >>"$LOG.anchor"
verify
check "verify: an anchor of 257 bytes is damaged" eval \
    'rc_is 1 && out_has "$LOG.anchor: damaged anchor"'

# The log cut at 49 and written again (record 50 differs), the anchor and
# the journal of the first one kept.
gen --records 57 --anchor-at 57 --journal-out "$J"
mv "$LOG.anchor" "$T/anchor"
mv "$J" "$T/journal.first"
gen --records 57 --hostile-at 50
mv "$T/anchor" "$LOG.anchor"
verify
check "verify: an anchor whose mac is not the log's for its seq" eval \
    'rc_is 1 && out_lines 1 && out_has "$LOG:57: seq 57: the anchor does not match the log at seq 57"'
rm -f "$LOG.anchor"
verify --journal "$T/journal.first"
check "verify: journal lines whose mac is not the log's, each named" eval \
    'rc_is 1 && out_lines 3 && out_has "$LOG:50: seq 50: the journal does not match the log at seq 50: $T/journal.first:12" && out_has "$LOG:57: seq 57: the journal"'

gen --records 57 --anchor-at 57 --journal-out "$J" --journal-forged 30
verify --journal "$J"
check "verify: a forged commit line is counted and named, exit 1" eval \
    'rc_is 1 && out_lines 1 && out_is "$J: 1 forged commit line, the first at line 8: not tagged with the audit key"'
gen --records 57 --anchor-at 57 --journal-out "$J" --journal-forged 100000
verify --journal "$J"
check "verify: a forged line claiming seq 100000 is forged, not a cut" eval \
    'rc_is 1 && out_lines 1 && out_has "1 forged commit line" && ! out_has "cut"'
echo 'signer: audit: commit seq=01 mac=00 tag=00' >>"$J"
verify --journal "$J"
check "verify: a malformed commit line is forged too" eval \
    'rc_is 1 && out_has "2 forged commit lines, the first at line 8"'

# The front end's lines reach the journal too, relayed by the parent with
# "frontend: " first: one that holds a commit line is none, nor a forgery.
gen --records 57 --anchor-at 57 --journal-out "$J" --journal-relayed 100000
verify --journal "$J"
check "verify: a relayed front end's line holding a commit line is ignored, exit 0" \
    eval 'rc_is 0 && out_is "audit: 57 records in 1 file, chain whole; anchor: seq 57 matches; journal: 12 commit lines, last seq 57 matches"'
gen --records 57 --anchor-at 57 --journal-out "$J" --journal-relayed 30 \
    --journal-forged 30
verify --journal "$J"
check "verify: beside it, a line that starts as the signer's with a wrong tag is forged" \
    eval 'rc_is 1 && out_lines 1 && out_is "$J: 1 forged commit line, the first at line 9: not tagged with the audit key"'

# A torn line taken back by audit.resumed, which has its seq: the
# journal's line for that seq is the resumed record's.
gen --records 40 --torn-whole-after 9 --anchor-at 40 --journal-out "$J"
verify --journal "$J"
check "verify: a commit line for the seq of an audit.resumed after a torn record" \
    eval 'rc_is 0 && out_has "chain whole (1 torn line explained at $LOG:10); anchor: seq 40 matches; journal: 8 commit lines"'

verify --journal "$T/no-such-file"
check "verify: --journal of a missing file is an error" eval \
    'rc_is 1 && err_has "no-such-file"'
run audit verify -f "$CONF" --journal "$J" --no-journal
check "verify: --journal and --no-journal together, usage" rc_is 2

# Without --journal, journalctl is asked when journald runs here: a fake
# one on the PATH prints the journal.
mkdir -p "$T/bin"
{
	echo '#!/bin/sh'
	echo ": >'$T/journalctl.ran'"
	echo "[ \"\$*\" = '-u guised.service -o cat --no-pager' ] && cat '$J'"
} >"$T/bin/journalctl"
chmod +x "$T/bin/journalctl"
gen --records 57 --journal-out "$J" --cut-last 3
rm -f "$T/journalctl.ran"
PATH=$T/bin:$PATH run audit verify -f "$CONF"
if [ -S /run/systemd/journal/socket ]; then
	check "verify: journald here, journalctl asked and the cut seen" eval \
	    'rc_is 1 && out_has "the journal (journalctl:14) committed seq 57"'
else
	check "verify: no journald here, journalctl not run, not consulted" eval \
	    'rc_is 0 && out_has "journal: not consulted" && test ! -e "$T/journalctl.ran"'
fi

# --- verify: audit.truncated --------------------------------------------

gen --records 12 --truncated-after 5 --anchor-seq 8
verify_bad "verify: audit.truncated is the cut it explains" "$LOG:6" 9 \
    "audit.truncated: records 6..8 (3) were cut from the log before a restart"

gen --records 60 --truncated-after 5 --anchor-seq 8 --anchor-at 63 \
    --journal-out "$J"
verify --journal "$J"
check "verify: audit.truncated still said 54 records later, anchor and journal whole" \
    eval 'rc_is 1 && out_is "$LOG:6: seq 9: audit.truncated: records 6..8 (3) were cut from the log before a restart"'

# The journal of the log before the cut (records 1..8), then of the log
# after it: the lines for 6..8 are in the gap and say nothing more.
gen --records 8 --journal-every 1 --journal-out "$T/journal.first"
gen --records 20 --truncated-after 5 --anchor-seq 8 --journal-every 1 \
    --journal-out "$J"
cat "$T/journal.first" "$J" >"$T/journal.both"
verify --journal "$T/journal.both"
check "verify: commit lines of the records that were cut add nothing" eval \
    'rc_is 1 && out_lines 1 && out_has "$LOG:6: seq 9: audit.truncated: records 6..8 (3)"'

gen --records 40 --torn-after 5 --truncated-after 5 --anchor-seq 8
verify_bad "verify: audit.truncated with torn true after a torn line" \
    "$LOG:7" 9 "records 6..8 (3) were cut from the log before a restart, and left a torn line"

gen --records 20 --truncated-after 0 --anchor-seq 8
verify_bad "verify: audit.truncated first, the whole log was lost" "$LOG:1" 9 \
    "records 1..8 (8) were cut"

gen --records 12 --truncated-after 5 --anchor-seq 8
sed -i '6s/"anchor_seq":8/"anchor_seq":9/' "$LOG"
verify_bad "verify: audit.truncated whose seq is not anchor_seq + 1" "$LOG:6" 9 \
    "audit.truncated: seq is not anchor_seq 9 + 1"

gen --records 12 --truncated-after 5 --anchor-seq 8
sed -i '6s/"anchor_seq":8/"anchor_seq":5/' "$LOG"
verify_bad "verify: audit.truncated whose anchor_seq is not after last_seq" \
    "$LOG:6" 9 "anchor_seq is not after last_seq 5"

gen --records 12 --truncated-after 5 --anchor-seq 8
sed -i '5d' "$LOG"
verify_bad "verify: audit.truncated whose last_seq is not the last record" \
    "$LOG:5" 9 "does not name the last good record, seq 4"

gen --records 12 --truncated-after 5 --anchor-seq 8
sed -i '6s/"event":"audit.truncated"/"event":"audit.resumed"/' "$LOG"
verify_bad "verify: a gap that no audit.truncated explains" "$LOG:6" 9 \
    "seq gap"

# --- verify: audit.anchor_lost -------------------------------------------

LOST="audit.anchor_lost: the start after seq"
gen --records 40 --anchor-lost-after 12
verify_bad "verify: audit.anchor_lost is reported, exit 1" "$LOG:13" 13 \
    "$LOST 12 found no anchor it could trust"

gen --records 60 --anchor-lost-after 5 --anchor-at 60 --journal-out "$J"
verify --journal "$J"
check "verify: audit.anchor_lost still said 55 records later, anchor and journal whole" \
    eval 'rc_is 1 && out_is "$LOG:6: seq 6: $LOST 5 found no anchor it could trust: records cut from the log'"'"'s end before it could not have been seen"'

gen --records 40 --torn-after 8 --anchor-lost-after 8
verify_bad "verify: audit.anchor_lost with torn true explains a torn line" \
    "$LOG:10" 9 "$LOST 8"

gen --records 40 --torn-whole-after 8 --anchor-lost-after 8
verify_bad "verify: audit.anchor_lost after a whole record torn before its newline takes its seq" \
    "$LOG:10" 9 "$LOST 8"

gen --records 45 --files 3 --anchor-lost-after 7 --resumed-after 20 \
    --anchor-lost-after 35
verify
check "verify: every audit.anchor_lost is reported, across files" eval \
    'rc_is 1 && out_lines 2 && out_has "$LOG.1:8: seq 8: $LOST 7" && out_has "$LOG:6: seq 36: $LOST 35"'

gen --records 30 --clock-back-at 12 --frontend-at 14
verify
check "verify: clock.stepped_back (time held) and a front end's count" \
    eval 'rc_is 0 && out_has "30 records in 1 file, chain whole"'

# --- show --------------------------------------------------------------

gen --records 60 --files 3 --hostile-at 9
cat "$LOG.1" "$LOG.2" "$LOG" >"$T/all"
show() { run audit show -f "$CONF" "$@"; }

show
check "show: a table with a header and a row per record, all files" eval \
    'rc_is 0 && out_lines 61'
header() {
	[ "$(head -n 1 "$T/out" | tr -s ' ')" = \
	    "TIME EVENT OUTCOME IMPERSONATOR USER CLIENT CALLER REASON" ]
}
check "show: the columns" header
check "show: a row" eval 'out_has "impersonation.requested     allowed  auth0|support-1  auth0|customer-1 storefront backoffice ticket 4703"'

no_raw_control() {
	! LC_ALL=C grep -q "$(printf '[\001-\010\011\013-\037\177]')" "$T/out" &&
	    ! grep -q "$(printf '\342\200\256')" "$T/out" &&
	    ! grep -q "$(printf '\342\200\213')" "$T/out"
}
check "show: no control or bidirectional character from a hostile reason" \
    no_raw_control
check "show: the hostile reason escaped" out_has 'ticket \u001b[31mRED\u001b'
reason_cut() {
	r=$(grep -F 'RED' "$T/out" | sed 's/.* backoffice //')
	[ "${#r}" -eq 40 ] && [ "${r%...}" != "$r" ]
}
check "show: a reason cut to 40 characters" reason_cut

show --json
valid_json() {
	node -e '
		const fs = require("fs");
		const lines = fs.readFileSync(process.argv[1], "utf8").split("\n");
		if (lines.pop() !== "") process.exit(1);
		for (const l of lines) {
			const o = JSON.parse(l);
			if (typeof o !== "object" || o === null || !o.seq) process.exit(1);
		}' "$T/out"
}
check "show --json: every line is a JSON record" valid_json
check "show --json: the lines as they are in the files" cmp -s "$T/out" \
    "$T/all"

# show_count WHAT WANT ARGS...: --json with ARGS gives WANT (> 0) lines.
show_count() {
	what=$1
	want=$2
	shift 2
	show --json "$@"
	if rc_is 0 && [ "$want" -gt 0 ] && out_lines "$want"; then
		ok "$what ($want records)"
	else
		not_ok "$what (exit $rc, $(wc -l <"$T/out") lines, want $want)"
	fi
}
count() { grep -c -E -e "$1" "$T/all"; }
rec_times() { sed 's/.*"time":"\([^"]*\)".*/\1/' "$T/all"; }

show_count "show: --impersonator" \
    "$(count '"impersonator_id":"auth0\|support-2"')" \
    --impersonator 'auth0|support-2'
check "show: --impersonator keeps only that impersonator" eval \
    '! grep -v -q -F "\"impersonator_id\":\"auth0|support-2\"" "$T/out"'
show_count "show: --user" "$(count '"user_id":"auth0\|customer-3"')" \
    --user 'auth0|customer-3'
show_count "show: --client matches client_id or caller" \
    "$(count '"(client_id|caller)":"backoffice"')" --client backoffice
show_count "show: --client matches a caller alone" \
    "$(count '"caller":"reader"')" --client reader
show_count "show: --event" "$(count '"event":"token.issued"')" \
    --event token.issued
show_count "show: two filters at once" \
    "$(grep -F '"impersonator_id":"auth0|support-1"' "$T/all" |
    grep -c -F '"event":"impersonation.requested"')" \
    --impersonator 'auth0|support-1' --event impersonation.requested
show_count "show: --since a date" \
    "$(rec_times | awk '$0 >= "2026-11-28"' | wc -l)" --since 2026-11-28
show_count "show: --until a date takes in that whole day" \
    "$(rec_times | awk '$0 < "2026-11-28"' | wc -l)" --until 2026-11-27
show_count "show: --since and --until, RFC 3339" \
    "$(rec_times | awk '$0 >= "2026-11-27T10:00:00" && $0 <= "2026-11-27T20:00:00"' |
    wc -l)" --since 2026-11-27T10:00:00Z --until 2026-11-27T20:00:00Z
show_count "show: --since with an offset" \
    "$(rec_times | awk '$0 >= "2026-11-28T10:00:00"' | wc -l)" \
    --since 2026-11-28T12:00:00.000+02:00
show --event no.such.event
check "show: no match, the header alone" eval 'rc_is 0 && out_lines 1'
show --since yesterday
check "show: --since yesterday is refused" eval \
    'rc_is 1 && err_has "RFC 3339"'
show --until 2026-02-30
check "show: --until 2026-02-30 is refused" rc_is 1

gen --records 40 --torn-after 8 --torn-last
show
check "show: torn lines skipped, every record shown" eval \
    'rc_is 0 && out_lines 41 && err_has "$LOG:9: a torn line" && err_has "$LOG:42: a torn line"'

gen --records 20 --truncated-after 5 --anchor-seq 8 --frontend-at 10 \
    --clock-back-at 12
show
check "show: audit.truncated, its outcome and the records it found cut" \
    eval 'rc_is 0 && out_has "audit.truncated             detected -                -                -          -          records 6..8 cut"'
check "show: a front end's count" eval \
    'out_has "impersonation.link_refused  denied   -                -                storefront -          (frontend, 17 times)"'
check "show: clock.stepped_back and its detail" eval \
    'out_has "clock.stepped_back          recorded -                -                -          -          the clock went back 3.250 s"'
show_count "show: --event audit.truncated" 1 --event audit.truncated
check "show --json: audit.truncated as it is in the log" eval \
    'out_has "\"last_seq\":5,\"anchor_seq\":8,\"torn\":false,"'
show_count "show: --client storefront takes in the front end's count" \
    "$(grep -c '"client_id":"storefront"' "$LOG")" --client storefront

gen --records 20 --anchor-lost-after 5
show
check "show: audit.anchor_lost, its outcome and which anchor was lost" eval \
    'rc_is 0 && out_has "audit.anchor_lost           detected -                -                -          -          empty anchor file (emptied, deleted, ..."'
show_count "show: --event audit.anchor_lost" 1 --event audit.anchor_lost

run audit show
check "show: usage without -f" eval 'rc_is 2 && err_has "guisectl audit show"'
run audit show -f "$CONF" --frob
check "show: usage with an unknown option" rc_is 2

# --- rotate ------------------------------------------------------------

cat >"$T/fake.sh" <<'EOF'
# A stand-in for guised: argv[0] "guised", "-f FILE"; on SIGUSR1 it
# renames audit.log the way the parent does.  Its child (a fork, with the
# same command line, like the front end) dies of SIGUSR1.
trap 'n=1; while [ -e audit.log.$n ]; do n=$((n + 1)); done; mv audit.log audit.log.$n' USR1
trap 'kill $child 2>/dev/null; exit 0' TERM
( trap - USR1 TERM; while :; do sleep 0.2; done ) &
child=$!
: >ready
while :; do sleep 0.05; done
EOF

# fake DIR: start it in DIR with -f guise.json (relative to DIR).
fake() {
	rm -f "$1/ready"
	bash -c 'cd "$1" && exec -a guised bash "$2" -f guise.json' sh \
	    "$1" "$T/fake.sh" &
	fakes="$fakes $!"
	i=0
	while [ ! -e "$1/ready" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

if command -v bash >/dev/null 2>&1; then
	gen --records 45 --files 3
	mkdir -p "$T/other"
	cp "$CONF" "$T/other/guise.json"
	: >"$T/other/audit.log"
	fake "$T/other"
	run audit rotate -f "$CONF"
	check "rotate: no guised with this configuration, exit 1" eval \
	    'rc_is 1 && err_has "no guised is running with the configuration"'
	check "rotate: the other guised was left alone" test -e \
	    "$T/other/audit.log"

	fake "$C"
	run audit rotate -f "$CONF"
	check "rotate: the parent is signalled, exit 0" eval \
	    'rc_is 0 && out_is "audit: $LOG rotated to $LOG.3"'
	check "rotate: the log was renamed to the next number" eval \
	    'test -e "$LOG.3" && test ! -e "$LOG"'
else
	printf 'ok %d - # SKIP rotate: bash is needed for the stand-in\n' \
	    $((n += 1))
fi
run audit rotate
check "rotate: usage without -f" rc_is 2

# --- dispatch ----------------------------------------------------------

run audit
check "audit: usage lists verify, show and rotate" eval \
    'rc_is 2 && err_has "audit verify" && err_has "audit show" && err_has "audit rotate"'
run audit frob -f "$CONF"
check "audit: an unknown subcommand is named" eval \
    'rc_is 2 && err_has "frob"'
run
check "guisectl: the usage lists audit" eval 'rc_is 2 && err_has "guisectl audit"'

# --- under valgrind ----------------------------------------------------

if [ -n "${GUISE_SANITIZED:-}" ]; then
	printf 'ok %d - # SKIP valgrind cannot run the sanitizer build\n' $((n += 1))
elif command -v valgrind >/dev/null 2>&1; then
	vg() {
		valgrind -q --error-exitcode=99 --leak-check=full \
		    --errors-for-leak-kinds=definite,possible "$G" "$@" \
		    >"$T/out" 2>"$T/err"
		rc=$?
	}
	gen --records 45 --files 3 --torn-after 5 --torn-whole-after 33 \
	    --hostile-at 9 --anchor-at 45 --journal-out "$J"
	vg audit verify -f "$CONF" --journal "$J"
	check "valgrind: verify of a whole chain, anchor and journal, clean" \
	    rc_is 0
	gen --records 60 --truncated-after 5 --anchor-seq 8 --anchor-at 60 \
	    --journal-out "$J" --journal-forged 7 --cut-last 2
	vg audit verify -f "$CONF" --journal "$J"
	check "valgrind: verify of a cut log, audit.truncated, forged line, clean" \
	    rc_is 1
	sed -i '7s/"ok"/"OK"/' "$LOG"
	vg audit verify -f "$CONF"
	check "valgrind: verify of a broken chain, clean" rc_is 1
	vg audit show -f "$CONF" --since 2026-11-27T03:00:00Z
	check "valgrind: show, clean" rc_is 0
	gen --records 45 --files 3 --torn-after 8 --anchor-lost-after 8 \
	    --anchor-lost-after 35 --anchor-at 45 --journal-out "$J" \
	    --journal-relayed 9
	vg audit verify -f "$CONF" --journal "$J"
	check "valgrind: verify of audit.anchor_lost and a relayed line, clean" \
	    eval 'rc_is 1 && out_lines 2'
else
	printf 'ok %d - # SKIP valgrind is not installed\n' $((n += 1))
fi

tap_done
