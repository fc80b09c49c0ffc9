#!/bin/sh
# make check-valgrind: every unit program under valgrind, then a short
# daemon session with the parent and the front end under valgrind (the
# signer, exec'd and sandboxed, runs as it is): no error and no definite
# leak anywhere.  TAP, then one "N passed, N failed" line.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=${B:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
failed=0
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"

check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		sed 's/^/# /' "$tmp/err" 2>/dev/null | head -30
	fi
}

for t in "$B"/tests/test_*; do
	$VG "$t" >/dev/null 2>"$tmp/err"
	check $? "valgrind: $(basename "$t") has no error and no definite leak"
done

# The daemon: a client_credentials token, an impersonation flow, SIGTERM.
port=18470
GUISECTL=$B/guisectl sh tests/lib/mkconfig.sh "$tmp/d" $port >/dev/null
valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
    --log-file="$tmp/vg.%p" "$B/guised" -f "$tmp/d/guise.json" \
    2>"$tmp/daemon.log" &
pid=$!
url=https://127.0.0.1:$port
c() { curl -s --cacert "$tmp/d/tls/cert.pem" -m 20 "$@"; }
i=0
until c -o /dev/null "$url/.well-known/jwks.json" || [ $i -ge 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
secret() { sed -n "s/.*\"$1\": \"\(.*\)\".*/\1/p" "$tmp/d/secrets.json"; }
token=$(c -u "backoffice:$(secret backoffice)" -d grant_type=client_credentials \
    "$url/oauth/token" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
link=$(c -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"protocol":"oauth2","impersonator_id":"auth0|support-1","client_id":"storefront"}' \
    "$url/users/auth0%7Ccustomer-1/impersonate")
code=$(c -o /dev/null -w '%{redirect_url}' "$link" | sed 's/.*code=\([^&]*\).*/\1/')
tokens=$(c -u "storefront:$(secret storefront)" -d grant_type=authorization_code \
    -d "code=$code" -d redirect_uri=http://127.0.0.1:3000/callback "$url/oauth/token")
access=$(echo "$tokens" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
c -H "Authorization: Bearer $access" "$url/userinfo" >"$tmp/userinfo"
grep -q '"impersonated":true' "$tmp/userinfo"
rc=$?
cp "$tmp/daemon.log" "$tmp/err"
check $rc "the impersonation flow works under valgrind"

# A login the application starts: the link's cookie, /authorize with PKCE
# (RFC 7636's example verifier), without a cookie, as form_post, and the
# code exchanged with its verifier.
link=$(c -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"protocol":"oauth2","impersonator_id":"auth0|support-1","client_id":"portal"}' \
    "$url/users/auth0%7Ccustomer-1/impersonate")
cookie=$(c -D - -o /dev/null "$link" | tr -d '\r' |
    sed -n 's/^Set-Cookie: \([^;]*\);.*/\1/p')
authz="$url/authorize?client_id=portal&redirect_uri=http%3A%2F%2F127.0.0.1%3A3001%2Fcallback&scope=openid&state=s&nonce=n"
pkce="code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
c -o /dev/null "$authz&response_type=code&$pkce"
c -o /dev/null "$authz&response_type=code&response_mode=form_post&$pkce"
code=$(c -H "Cookie: $cookie" -o /dev/null -w '%{redirect_url}' \
    "$authz&response_type=code&$pkce" | sed 's/.*code=\([^&]*\).*/\1/')
tokens=$(c -u "portal:$(secret portal)" -d grant_type=authorization_code \
    -d "code=$code" -d redirect_uri=http://127.0.0.1:3001/callback \
    -d code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk \
    "$url/oauth/token")
echo "$tokens" | grep -q '"id_token"'
rc=$?
cp "$tmp/daemon.log" "$tmp/err"
check $rc "a login the application starts works under valgrind"
kill -TERM $pid
wait $pid
cat "$tmp"/vg.* >"$tmp/err" 2>/dev/null
[ ! -s "$tmp/err" ]
check $? "valgrind: the parent and the front end have no error and no definite leak"

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
