# TAP for the shell tests of guisectl (tests/unit/test_*.sh), sourced after
# they set G (the guisectl to run) and T (their scratch folder).  Each check
# prints "ok N - what" or "not ok N - what"; tap_done prints "1..N" and
# fails when a check did.

n=0
failed=0

ok() {
	n=$((n + 1))
	printf 'ok %d - %s\n' "$n" "$1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	printf 'not ok %d - %s\n' "$n" "$1"
	# What the last command said, as TAP diagnostics.
	[ -s "$T/out" ] && head -n 5 "$T/out" | sed 's/^/#   stdout: /'
	[ -s "$T/err" ] && sed 's/^/#   stderr: /' "$T/err"
	return 0
}

# check WHAT COMMAND...: ok when COMMAND succeeds.
check() {
	what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# run ARGS...: guisectl with stdout in $T/out, stderr in $T/err, rc in $rc.
run() {
	"$G" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

rc_is() { [ "$rc" -eq "$1" ]; }
out_is() { [ "$(cat "$T/out")" = "$1" ]; }
out_has() { grep -q -F -e "$1" "$T/out"; }
err_has() { grep -q -F -e "$1" "$T/err"; }

tap_done() {
	printf '1..%d\n' "$n"
	[ "$failed" -eq 0 ]
}
