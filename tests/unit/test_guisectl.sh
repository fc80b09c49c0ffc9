#!/bin/sh
# guisectl, run for real: keygen, secret, token decode and the usage errors.
# Prints TAP ("ok N - what" / "not ok N - what", then "1..N") and exits
# non-zero when a check failed.  Needs the openssl command.
#
#	sh tests/unit/test_guisectl.sh [path/to/guisectl]
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
if [ ! -x "$G" ]; then
	printf 'Bail out! %s is not an executable\n' "$G"
	exit 1
fi
if ! command -v openssl >/dev/null 2>&1; then
	printf 'Bail out! the openssl command is needed\n'
	exit 1
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/test_guisectl.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

. "$(dirname "$0")/../lib/tap.sh"
out_empty() { [ ! -s "$T/out" ]; }
not_same() { ! cmp -s "$1" "$2"; }
absent() { [ ! -e "$1" ] && [ ! -L "$1" ]; }
mode_0600() { [ -n "$(find "$1" -prune -type f -perm 0600 2>/dev/null)" ]; }
pem_pkcs8() {
	# Spelled in two parts, so that no scan for committed keys trips on it.
	[ "$(head -n 1 "$1" 2>/dev/null)" = "-----BEGIN ""PRIVATE KEY-----" ]
}
pkey_text() { openssl pkey -in "$1" -noout -text 2>/dev/null | grep -q -F -e "$2"; }
b64u() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

# Exit status, stdout empty and a message: what every refusal looks like.
refused() {
	want=$1
	what=$2
	shift 2
	run "$@"
	if rc_is "$want" && out_empty && [ -s "$T/err" ]; then
		ok "$what"
	else
		not_ok "$what (exit $rc)"
	fi
}

# --- keygen, ES256 -----------------------------------------------------

day1=$(date -u +%Y%m%d)
(umask 000; "$G" keygen -o "$T/es.pem" >"$T/out" 2>"$T/err")
rc=$?
day2=$(date -u +%Y%m%d)
check "keygen: ES256 by default, exit 0" rc_is 0
snippet_es() {
	out_is "{\"kid\":\"es256-$day1\",\"alg\":\"ES256\",\"file\":\"$T/es.pem\"}" ||
	    out_is "{\"kid\":\"es256-$day2\",\"alg\":\"ES256\",\"file\":\"$T/es.pem\"}"
}
check "keygen: prints the config snippet with kid es256-YYYYMMDD" snippet_es
check "keygen: mode 0600 under umask 000" mode_0600 "$T/es.pem"
check "keygen: PKCS#8 PEM" pem_pkcs8 "$T/es.pem"
check "keygen: openssl reads a P-256 key" pkey_text "$T/es.pem" "prime256v1"

cp "$T/es.pem" "$T/es.copy" 2>/dev/null
refused 1 "keygen: refuses to overwrite an existing file" \
    keygen -o "$T/es.pem"
check "keygen: the refusal says the file exists" err_has "already exists"
check "keygen: the existing key is untouched" cmp -s "$T/es.pem" "$T/es.copy"

ln -s "$T/victim.pem" "$T/link.pem"
refused 1 "keygen: refuses a dangling symbolic link" keygen -o "$T/link.pem"
check "keygen: nothing written through the link" absent "$T/victim.pem"

# --- keygen, RS256 -----------------------------------------------------

(umask 0277; "$G" keygen --alg RS256 --kid 2026-11-r -o "$T/rs.pem" \
    >"$T/out" 2>"$T/err")
rc=$?
check "keygen: RS256 with --kid, exit 0" rc_is 0
check "keygen: RS256 snippet" out_is \
    "{\"kid\":\"2026-11-r\",\"alg\":\"RS256\",\"file\":\"$T/rs.pem\"}"
check "keygen: mode 0600 under umask 0277" mode_0600 "$T/rs.pem"
check "keygen: PKCS#8 PEM (RSA)" pem_pkcs8 "$T/rs.pem"
check "keygen: openssl reads an RSA key of 2048 bits" \
    pkey_text "$T/rs.pem" "Private-Key: (2048 bit"

run keygen --alg rs256 --bits 3072 --kid big -o "$T/rs3072.pem"
check "keygen: --bits 3072, exit 0" rc_is 0
check "keygen: openssl reads an RSA key of 3072 bits" \
    pkey_text "$T/rs3072.pem" "Private-Key: (3072 bit"

# --- keygen, refusals --------------------------------------------------

long_kid=$(printf '%0129d' 0)
refused 1 "keygen: unknown --alg" keygen --alg HS256 -o "$T/bad.pem"
refused 1 "keygen: kid with a space" keygen --kid "a b" -o "$T/bad.pem"
refused 1 "keygen: kid with a slash" keygen --kid "a/b" -o "$T/bad.pem"
refused 1 "keygen: kid of 129 characters" keygen --kid "$long_kid" \
    -o "$T/bad.pem"
refused 1 "keygen: --bits with ES256" keygen --bits 3072 -o "$T/bad.pem"
refused 1 "keygen: --bits 1024" keygen --alg RS256 --bits 1024 \
    -o "$T/bad.pem"
refused 1 "keygen: --bits 8192" keygen --alg RS256 --bits 8192 \
    -o "$T/bad.pem"
refused 1 "keygen: --bits not a number" keygen --alg RS256 --bits 2048x \
    -o "$T/bad.pem"
refused 1 "keygen: a missing folder" keygen -o "$T/nowhere/bad.pem"
check "keygen: no file left behind by a refusal" absent "$T/bad.pem"
refused 2 "keygen: usage without -o" keygen --alg ES256
refused 2 "keygen: usage with an extra argument" keygen -o "$T/bad.pem" x
refused 2 "keygen: usage with an unknown option" keygen --frob \
    -o "$T/bad.pem"
check "keygen: still no file" absent "$T/bad.pem"

# --- secret ------------------------------------------------------------

run secret
check "secret: exit 0" rc_is 0
is_secret() {
	[ "$(wc -l <"$T/out")" -eq 1 ] &&
	    grep -q -x -E '[A-Za-z0-9_-]{43}' "$T/out"
}
check "secret: one line of 43 base64url characters" is_secret
cp "$T/out" "$T/secret1"
run secret
check "secret: two secrets differ" not_same "$T/out" "$T/secret1"

(umask 000; "$G" secret --audit-key -o "$T/audit.key" >"$T/out" 2>"$T/err")
rc=$?
check "secret --audit-key: exit 0, nothing on stdout" eval \
    'rc_is 0 && out_empty'
size_64() { [ -f "$1" ] && [ "$(wc -c <"$1" | tr -d ' ')" = 64 ]; }
check "secret --audit-key: 64 bytes" size_64 "$T/audit.key"
check "secret --audit-key: mode 0600 under umask 000" mode_0600 "$T/audit.key"
cp "$T/audit.key" "$T/audit.copy" 2>/dev/null
refused 1 "secret --audit-key: refuses to overwrite" \
    secret --audit-key -o "$T/audit.key"
check "secret --audit-key: the existing key is untouched" \
    cmp -s "$T/audit.key" "$T/audit.copy"
refused 2 "secret: --audit-key needs -o" secret --audit-key
refused 2 "secret: -o needs --audit-key" secret -o "$T/s.txt"
check "secret: no file from a usage error" absent "$T/s.txt"

# --- secret --grant-key ------------------------------------------------

GK=$T/grant.key
key_line='[A-Za-z0-9._-]{1,32} [A-Za-z0-9_-]{43}'
lines_are() { [ "$(wc -l <"$GK" | tr -d ' ')" = "$1" ]; }
all_key_lines() { ! grep -v -x -E "$key_line" "$GK" >/dev/null; }
key_32() {
	k=$(sed -n "${1}p" "$GK" | cut -d ' ' -f 2 | tr -- '-_' '+/')
	[ "$(printf '%s=' "$k" | openssl base64 -d -A | wc -c | tr -d ' ')" = 32 ]
}
(umask 000; "$G" secret --grant-key -o "$GK" >"$T/out" 2>"$T/err")
rc=$?
check "secret --grant-key: exit 0, nothing on stdout" eval \
    'rc_is 0 && out_empty'
check "secret --grant-key: one line, \"<kid> <key>\"" eval \
    'lines_are 1 && all_key_lines'
check "secret --grant-key: the key is 32 bytes" key_32 1
default_kid() { grep -q -x -E '[0-9]{8}T[0-9]{6}Z [A-Za-z0-9_-]{43}' "$GK"; }
check "secret --grant-key: the default kid is the UTC date and time" \
    default_kid
check "secret --grant-key: mode 0600 under umask 000" mode_0600 "$GK"
cp "$GK" "$T/grant.1"
(umask 000; "$G" secret --grant-key --kid next.2 -o "$GK" >"$T/out" \
    2>"$T/err")
rc=$?
check "secret --grant-key: a second key, exit 0" eval 'rc_is 0 && out_empty'
first_kept() { [ "$(head -n 1 "$GK")" = "$(cat "$T/grant.1")" ]; }
check "secret --grant-key: rotation keeps the old line first" first_kept
last_is() { sed -n '2p' "$GK" | grep -q -x -E "next\\.2 [A-Za-z0-9_-]{43}"; }
check "secret --grant-key: the new key is the last line" eval \
    'lines_are 2 && last_is && all_key_lines'
check "secret --grant-key: the new key is 32 bytes" key_32 2
check "secret --grant-key: still mode 0600 after rotation" mode_0600 "$GK"
no_temp() { [ "$(find "$T" -name 'grant.key.*' | wc -l)" -eq 0 ]; }
check "secret --grant-key: no temporary file left" no_temp
cp "$GK" "$T/grant.2"
refused 1 "secret --grant-key: a kid already in the file is refused" \
    secret --grant-key --kid next.2 -o "$GK"
check "secret --grant-key: the file is untouched by a refusal" \
    cmp -s "$GK" "$T/grant.2"
refused 1 "secret --grant-key: a kid with a slash" \
    secret --grant-key --kid a/b -o "$GK"
refused 1 "secret --grant-key: a kid of 33 characters" \
    secret --grant-key --kid "$(printf '%033d' 0)" -o "$GK"
i=3
while [ $i -le 16 ]; do
	"$G" secret --grant-key --kid "k$i" -o "$GK" 2>"$T/err" || break
	i=$((i + 1))
done
check "secret --grant-key: sixteen keys" lines_are 16
refused 1 "secret --grant-key: no seventeenth key" \
    secret --grant-key --kid k17 -o "$GK"
check "secret --grant-key: the file has its sixteen keys still" eval \
    'lines_are 16 && all_key_lines'
printf 'a b\n' >"$T/bad.key"
refused 1 "secret --grant-key: a file the signer would refuse is not extended" \
    secret --grant-key -o "$T/bad.key"
check "secret --grant-key: the bad file is untouched" eval \
    '[ "$(cat "$T/bad.key")" = "a b" ]'
cp "$T/grant.1" "$T/grant.1.copy"
ln -s "$T/grant.1" "$T/link.key"
refused 1 "secret --grant-key: refuses a symbolic link" \
    secret --grant-key -o "$T/link.key"
check "secret --grant-key: nothing written through the link" \
    cmp -s "$T/grant.1" "$T/grant.1.copy"
refused 2 "secret: --grant-key needs -o" secret --grant-key
refused 2 "secret: --kid needs --grant-key" secret --kid a -o "$T/k.txt"
refused 2 "secret: --grant-key and --audit-key together" \
    secret --grant-key --audit-key -o "$T/k.txt"
check "secret: no file from those usage errors" absent "$T/k.txt"

if [ -w /dev/full ]; then
	"$G" secret >/dev/full 2>"$T/err"
	rc=$?
	check "secret: a write error on stdout is exit 1" rc_is 1
fi

# --- token decode ------------------------------------------------------

# An RS256 access token as guised makes them (typ at+jwt), signed by the
# key made above; é in UTF-8, ESC as a JSON escape.
hdr=$(printf '%s' '{"alg":"RS256","typ":"at+jwt","kid":"2026-11-r"}' | b64u)
pay=$(printf '{"iss":"https://127.0.0.1:8443/","sub":"auth0|abc123","exp":1900000000,"impersonated":true,"name":"Jos\303\251 \\u001b[31m","act":{"sub":"auth0|imp"}}' | b64u)
sig=$(printf '%s.%s' "$hdr" "$pay" |
    openssl dgst -sha256 -sign "$T/rs.pem" 2>/dev/null | b64u)
tok="$hdr.$pay.$sig"

cat >"$T/expected" <<'EOF'
header:
{
  "alg": "RS256",
  "typ": "at+jwt",
  "kid": "2026-11-r"
}
claims:
{
  "iss": "https://127.0.0.1:8443/",
  "sub": "auth0|abc123",
  "exp": 1900000000,
  "impersonated": true,
  "name": "Jos\u00E9 \u001B[31m",
  "act": {
    "sub": "auth0|imp"
  }
}
signature: NOT verified (decoded only, no key used)
EOF

run token decode "$tok"
check "token decode: an at+jwt RS256 token, exit 0" rc_is 0
check "token decode: header, claims, NOT verified" cmp -s "$T/out" \
    "$T/expected"
no_raw_esc() { ! grep -q "$(printf '\033')" "$T/out"; }
check "token decode: no raw control character reaches the terminal" \
    no_raw_esc

printf '  %s\r\n' "$tok" | "$G" token decode - >"$T/out" 2>"$T/err"
rc=$?
check "token decode -: from stdin, whitespace around it" eval \
    'rc_is 0 && cmp -s "$T/out" "$T/expected"'

run token decode "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."
check "token decode: an unsecured token (alg none)" eval \
    'rc_is 0 && out_has "NOT verified (the token has none)"'

dup=$(printf '%s' '{"alg":"RS256","alg":"none"}' | b64u)
arr=$(printf '%s' '[1,2]' | b64u)
notjson=$(printf '%s' 'not json' | b64u)
refused 1 "token decode: not a JWT" token decode garbage
refused 1 "token decode: two parts" token decode "$hdr.$pay"
refused 1 "token decode: four parts" token decode "$tok.x"
refused 1 "token decode: padding" token decode "$tok="
refused 1 "token decode: a character outside base64url" \
    token decode "$hdr.$pay.ab+c"
refused 1 "token decode: empty header" token decode ".$pay.$sig"
refused 1 "token decode: header not JSON" token decode "$notjson.$pay.$sig"
refused 1 "token decode: claims not an object" token decode "$hdr.$arr.$sig"
refused 1 "token decode: a duplicate key" token decode "$dup.$pay.$sig"
refused 1 "token decode: empty" token decode ""
printf '' | "$G" token decode - >"$T/out" 2>"$T/err"
rc=$?
check "token decode -: empty stdin" eval 'rc_is 1 && out_empty'
refused 2 "token decode: usage without a token" token decode
refused 2 "token: usage without decode" token "$tok"

# --- dispatch ----------------------------------------------------------

refused 2 "no arguments: usage"
check "usage lists every command" eval \
    'err_has "guisectl keygen" && err_has "guisectl secret" && err_has "guisectl token decode"'
refused 2 "-h: usage" -h
refused 2 "unknown command: usage" frobnicate
check "unknown command: named" err_has "frobnicate"

tap_done
