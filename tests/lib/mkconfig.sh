#!/bin/sh
# Write a throwaway guise configuration into DIR: fresh keys (guisectl
# keygen), client secrets, an audit key and a grant key (guisectl secret),
# a self-signed certificate for 127.0.0.1, sample users and clients.  Used
# by `make demo` and by the integration tests; nothing it writes is ever
# committed.
#
#   mkconfig.sh DIR [PORT]
#   environment: GUISECTL (build/guisectl), GUISE_ACTIVE (es256 | rs256),
#                GUISE_TLS (1, or 0 for plain http on loopback),
#                GUISE_TLS_CERT and GUISE_TLS_KEY (a certificate to use
#                instead of a new one: tests/run makes one per run, so
#                that Node clients trust it through NODE_EXTRA_CA_CERTS),
#                GUISE_STOREFRONT_PORT (3005: examples/storefront's port,
#                in the example-storefront client's URIs; set, its
#                backchannel_logout_uri too),
#                GUISE_CONSOLE_IDP (unset: no console; an identity
#                provider's issuer URL, http://127.0.0.1:8400/ for make
#                demo's examples/dev-idp: a console section signing in
#                with it, private_key_jwt, its keys in idp.jwks for
#                `guisectl idp-keys` to fetch, the pages of daemon/console
#                under the current folder)
set -eu

dir=$1
port=${2:-8443}
ctl=${GUISECTL:-build/guisectl}
active=${GUISE_ACTIVE:-es256}
tls=${GUISE_TLS:-1}
shop=${GUISE_STOREFRONT_PORT:-3005}
# The shop told of ended impersonations only when it runs (make demo says
# its port): a back-channel URI gives the front end an outbound client.
backchannel_line=
[ -n "${GUISE_STOREFRONT_PORT:-}" ] && backchannel_line='
     "backchannel_logout_uri": "http://127.0.0.1:'"$shop"'/backchannel-logout",'


case $ctl in /*) ;; *) ctl=$(pwd)/$ctl ;; esac
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
umask 077
rm -rf "$dir/keys" "$dir/tls"
rm -f "$dir/secrets.json" "$dir/audit.key" "$dir/grant.key" "$dir/guise.json"
# A log chained under the old audit key would stop the signer: a second
# `make demo` starts a new one.
rm -f "$dir"/audit.log "$dir"/audit.log.*
mkdir -p "$dir/keys" "$dir/tls"

"$ctl" keygen --alg ES256 --kid test-es256 -o "$dir/keys/es256.pem" >/dev/null
"$ctl" keygen --alg RS256 --kid test-rs256 -o "$dir/keys/rs256.pem" >/dev/null
"$ctl" secret --audit-key -o "$dir/audit.key"
"$ctl" secret --grant-key -o "$dir/grant.key"

cat > "$dir/secrets.json" <<EOS
{
  "backoffice": "$("$ctl" secret)",
  "storefront": "$("$ctl" secret)",
  "portal": "$("$ctl" secret)",
  "reader": "$("$ctl" secret)",
  "example-storefront": "$("$ctl" secret)"
}
EOS

if [ "$tls" = 1 ]; then
	scheme=https
	if [ -n "${GUISE_TLS_CERT:-}" ]; then
		cp "$GUISE_TLS_CERT" "$dir/tls/cert.pem"
		cp "$GUISE_TLS_KEY" "$dir/tls/key.pem"
	else
		openssl req -x509 -newkey ec \
		    -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		    -keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" \
		    -days 30 -subj /CN=127.0.0.1 \
		    -addext subjectAltName=IP:127.0.0.1 2>/dev/null
	fi
	listen_tls=', "tls": {"cert": "tls/cert.pem", "key": "tls/key.pem"}'
else
	scheme=http
	listen_tls=
fi

console_line=
if [ -n "${GUISE_CONSOLE_IDP:-}" ]; then
	console_line=$(cat <<EOS

  "console": {
    "idp": {"issuer": "$GUISE_CONSOLE_IDP", "client_id": "guise-console",
            "auth": "private_key_jwt", "match": "email",
            "jwks_file": "idp.jwks"},
    "pages": "$(pwd)/daemon/console"
  },
EOS
)
fi

# Children drop to this account when the daemon is started as root.
user_line=
[ "$(id -u)" = 0 ] && user_line='"user": "nobody",'

# The front end reloads the users file after it has dropped privileges.
chmod 755 "$dir"
cat > "$dir/users.json" <<'EOS'
[
  {"user_id": "auth0|support-1", "email": "sam@example.com",
   "email_verified": true, "name": "Sam Support", "nickname": "sam",
   "app_metadata": {"roles": ["support"]}},
  {"user_id": "auth0|customer-1", "email": "alice@example.com",
   "email_verified": true, "name": "Alice Customer", "nickname": "alice",
   "given_name": "Alice", "family_name": "Customer"},
  {"user_id": "auth0|admin-1", "email": "ada@example.com",
   "email_verified": true, "name": "Ada Admin", "nickname": "ada",
   "app_metadata": {"roles": ["admin"]}}
]
EOS
chmod 644 "$dir/users.json"

cat > "$dir/guise.json" <<EOS
{
  "issuer": "$scheme://127.0.0.1:$port/",
  "listen": [{"address": "127.0.0.1", "port": $port$listen_tls}],
  $user_line
  "users_file": "users.json",$console_line
  "audit": {"path": "audit.log"},
  "signer": {
    "keys": [{"kid": "test-es256", "alg": "ES256", "file": "keys/es256.pem"},
             {"kid": "test-rs256", "alg": "RS256", "file": "keys/rs256.pem"}],
    "active_kid": "test-$active",
    "secrets_file": "secrets.json",
    "audit_key_file": "audit.key",
    "grant_key_file": "grant.key"
  },
  "clients": [
    {"client_id": "backoffice", "name": "app1", "app_type": "non_interactive",
     "grant_types": ["client_credentials"],
     "scopes": ["read:users", "impersonate:users"]},
    {"client_id": "storefront", "name": "app2", "app_type": "regular_web",
     "callbacks": ["http://127.0.0.1:3000/callback"],
     "grant_types": ["authorization_code", "implicit"],
     "allow_impersonation": true},
    {"client_id": "reader", "name": "reports", "app_type": "non_interactive",
     "grant_types": ["client_credentials"], "scopes": ["read:users"]},
    {"client_id": "portal", "name": "app3", "app_type": "regular_web",
     "callbacks": ["http://127.0.0.1:3001/callback"],
     "grant_types": ["authorization_code", "implicit"],
     "allow_impersonation": true,
     "initiate_login_uri": "http://127.0.0.1:3001/login"},
    {"client_id": "spa", "name": "app4", "app_type": "spa",
     "callbacks": ["http://127.0.0.1:3002/callback.html"],
     "grant_types": ["authorization_code"],
     "allow_impersonation": true, "token_endpoint_auth_method": "none",
     "initiate_login_uri": "http://127.0.0.1:3002/login.html",
     "web_origins": ["http://127.0.0.1:3002"]},
    {"client_id": "example-storefront", "name": "Storefront (examples/storefront)",
     "app_type": "regular_web",
     "callbacks": ["http://127.0.0.1:$shop/callback"],
     "grant_types": ["authorization_code"],
     "allow_impersonation": true,
     "initiate_login_uri": "http://127.0.0.1:$shop/login",$backchannel_line
     "id_token_alg": "RS256"}
  ],
  "impersonation": {
    "link_ttl": 120, "code_ttl": 60, "token_ttl": 3600,
    "impersonators": {"roles": ["support"], "users": []},
    "protected": {"roles": ["admin"], "users": []}
  }
}
EOS
# The front end re-reads it on SIGHUP as the unprivileged user: no secret
# is in it.
chmod 644 "$dir/guise.json"
