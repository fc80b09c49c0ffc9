#!/bin/sh
# make demo: a throwaway configuration under demo/ (git-ignored), then,
# until Ctrl-C, three servers on loopback, all children of this script:
#   guised with its support console     https://127.0.0.1:8443/
#   the development identity provider   http://127.0.0.1:8400/
#     the console signs in with (examples/dev-idp, two accounts: Sam, who
#     does support, and Alice, a customer)
#   the example application             http://127.0.0.1:3005/
#     (examples/storefront, the client example-storefront)
# Ctrl-C, SIGTERM or SIGHUP to this script stops all three, and so does any
# one of them stopping.  No network beyond 127.0.0.1, no Redis.
#   environment: DEMO_DIR (demo), DEMO_PORT (8443), DEMO_IDP_PORT (8400),
#                DEMO_SHOP_PORT (3005), DEMO_PASSWORD (the provider's
#                password of both accounts; by default a new one each start)
set -eu

dir=${DEMO_DIR:-demo}
port=${DEMO_PORT:-8443}
idp_port=${DEMO_IDP_PORT:-8400}
shop_port=${DEMO_SHOP_PORT:-3005}
B=${B:-build}

url=https://127.0.0.1:$port
idp=http://127.0.0.1:$idp_port
shop=http://127.0.0.1:$shop_port

password=${DEMO_PASSWORD:-$(LC_ALL=C tr -dc a-km-np-z2-9 </dev/urandom | head -c 10)}
case $password in
'' | *[!A-Za-z0-9._~-]*)
	echo "demo: DEMO_PASSWORD: letters, digits and . _ ~ - only" >&2
	exit 2 ;;
esac

GUISECTL=$B/guisectl GUISE_CONSOLE_IDP=$idp/ GUISE_STOREFRONT_PORT=$shop_port \
    sh tests/lib/mkconfig.sh "$dir" "$port"
dir=$(cd "$dir" && pwd)
secret() { sed -n "s/.*\"$1\": \"\(.*\)\".*/\1/p" "$dir/secrets.json"; }

# The provider's accounts.  Its sign-in maps them to guise's users by
# email: sam@example.com is auth0|support-1 (role support, may
# impersonate), alice@example.com is auth0|customer-1 (may not).
(
	umask 077
	cat > "$dir/idp-accounts.json" <<EOS
[
  {"sub": "idp|sam", "email": "sam@example.com", "email_verified": true,
   "name": "Sam Support", "password": "$password"},
  {"sub": "idp|alice", "email": "alice@example.com", "email_verified": true,
   "name": "Alice Customer", "password": "$password"}
]
EOS
)

# The children, stopped on the way out whatever the way.
pids=
nap=
stop() {
	trap - EXIT
	trap '' INT TERM HUP
	[ -z "$pids" ] && return
	kill -TERM $pids $nap 2>/dev/null || :
	for p in $pids; do wait "$p" 2>/dev/null || :; done
	pids=
}
trap 'stop' EXIT
trap 'stop; exit 0' INT TERM HUP

# Wait until curl gets an answer from $2..., or the child $1 ends.
ready() {
	pid=$1
	shift
	n=0
	until curl -fsS -o /dev/null --max-time 2 "$@" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null || [ $n -ge 300 ]; then
			echo "demo: $* did not answer; stopping" >&2
			exit 1
		fi
		n=$((n + 1))
		sleep 0.1
	done
}

# The provider first: guisectl idp-keys fetches its keys before guised
# starts.  It fetches guise's JWKS (private_key_jwt) over guise's https.
NODE_EXTRA_CA_CERTS=$dir/tls/cert.pem node examples/dev-idp/idp.mjs \
    --accounts "$dir/idp-accounts.json" --port "$idp_port" --guise "$url/" &
pids="$pids $!"
ready $! "$idp/.well-known/openid-configuration"
"$B/guisectl" idp-keys -f "$dir/guise.json" >/dev/null

"$B/guised" -f "$dir/guise.json" &
pids="$pids $!"
ready $! --cacert "$dir/tls/cert.pem" "$url/.well-known/openid-configuration"

GUISE_ISSUER=$url/ CLIENT_SECRET=$(secret example-storefront) \
PORT=$shop_port NODE_EXTRA_CA_CERTS=$dir/tls/cert.pem \
    node examples/storefront/app.mjs &
pids="$pids $!"
ready $! "$shop/"

echo
echo "guise demo: configuration in $dir (fresh keys, secrets, certificate)."
echo "Running on this machine only, until Ctrl-C:"
printf '  %-26s%s\n' "$url/" "guised, with its support console at /console/" \
    "$idp/" "the development identity provider that the console" \
    "" "signs in with (examples/dev-idp)" \
    "$shop/" "the example storefront (examples/storefront)"
cat <<EOT

The console path, in a browser on this machine:

  1. Open  $url/console/  and accept the browser's certificate
     warning: the demo's certificate is self-signed (or import it as an
     authority: $dir/tls/cert.pem).  Press "Sign in".
  2. The development provider asks for an email and a password:
       sam@example.com  $password   Sam, who does support
     The password is new at each make demo (it is also in
     $dir/idp-accounts.json).  alice@example.com, with the
     same password, is a customer: the console refuses her and says why.
  3. Find users: search  email:"alice@example.com"  and open Alice Customer.
     Under Impersonate, choose the application "Storefront
     (examples/storefront)", give a reason such as "ticket 4711" and press
     "Impersonate Alice Customer".  The browser lands on $shop/
     as Alice Customer, under the banner "Impersonated by sam@example.com".
     Back in the console, the Audit trail shows who impersonated whom, into
     which application and why.

The API path, in another terminal:

  curl --cacert $dir/tls/cert.pem $url/.well-known/openid-configuration
  curl --cacert $dir/tls/cert.pem $url/.well-known/jwks.json

  # a Management API token for the back office (client_credentials)
  TOKEN=\$(curl -s --cacert $dir/tls/cert.pem -u backoffice:$(secret backoffice) \\
      -d grant_type=client_credentials $url/oauth/token |
      sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')
  $B/guisectl token decode "\$TOKEN"
  curl --cacert $dir/tls/cert.pem -H "Authorization: Bearer \$TOKEN" \\
      $url/api/v2/users

The README's walk-through (the API path) goes on from there, step by step
through the impersonation flow, after:  G=$dir URL=$url

Stop it with Ctrl-C (guised, the provider and the storefront all stop).
EOT

# Until a signal, or until one of the three ends.
while :; do
	for p in $pids; do
		if ! kill -0 "$p" 2>/dev/null; then
			echo "demo: a server stopped (pid $p); stopping the others" >&2
			exit 1
		fi
	done
	sleep 1 &
	nap=$!
	wait $nap || :
	nap=
done
