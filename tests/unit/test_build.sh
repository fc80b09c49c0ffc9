#!/bin/sh
# The build itself: warning-free with clang as well as gcc (-Werror is in
# the flags), and the hardening flags present in every executable.
#   test_build.sh [BUILD_DIR]
set -u

B=${1:-build}
n=0
failed=0
check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
	fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

if command -v clang >/dev/null 2>&1; then
	make --no-print-directory -s B="$tmp/clang" CC=clang all \
	    bench-programs "$tmp/clang/tests/guised-test" \
	    "$tmp/clang/tests/syscall_filter" >"$tmp/clang.log" 2>&1
	check $? "clang builds everything with -Werror"
	grep -E 'warning:|error:' "$tmp/clang.log" | head -20 | sed 's/^/# /'
else
	check 1 "clang is installed"
fi

for exe in guised guise-signer guisectl; do
	f=$B/$exe
	readelf -h "$f" 2>/dev/null | grep -q 'Type:.*DYN'
	check $? "$exe is position independent (-pie)"
	readelf -d "$f" 2>/dev/null | grep -q 'BIND_NOW\|FLAGS_1.*NOW'
	check $? "$exe binds now (-z now)"
	readelf -l "$f" 2>/dev/null | grep -q 'GNU_RELRO'
	check $? "$exe has a read-only relocation segment (-z relro)"
	readelf -lW "$f" 2>/dev/null | grep 'GNU_STACK' | grep -qv 'RWE'
	check $? "$exe has a non-executable stack"
	nm -D "$f" 2>/dev/null | grep -q '__stack_chk_fail'
	check $? "$exe is built with the stack protector"
	nm -D "$f" 2>/dev/null | grep -v __stack_chk | grep -q '_chk@'
	check $? "$exe uses the fortified libc calls (_FORTIFY_SOURCE)"
done

# The test build's hooks (daemon/testhooks.c, GUISE_TEST_SKIP) act as a
# broken-into front end would: they must never be in a release build.
for exe in guised guise-signer; do
	# grep's status 2 (no file) must not pass for "not found".
	[ -f "$B/$exe" ] && ! grep -aq -e '/__test/' -e GUISE_TEST_SKIP \
	    -e 'built for valgrind' "$B/$exe"
	check $? "$exe has none of the test build's hooks, and is confined"
done
grep -aq '/__test/probe' "$B/tests/guised-test"
check $? "the test build of guised has them (so the check above can fail)"

echo "1..$n"
exit $failed
