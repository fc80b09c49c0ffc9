#!/bin/sh
# make demo: a throwaway configuration under demo/ (git-ignored), then
# guised in the foreground on https://127.0.0.1:8443/ until Ctrl-C.
#   environment: DEMO_DIR (demo), DEMO_PORT (8443)
set -eu

dir=${DEMO_DIR:-demo}
port=${DEMO_PORT:-8443}
B=${B:-build}

GUISECTL=$B/guisectl sh tests/lib/mkconfig.sh "$dir" "$port"
dir=$(cd "$dir" && pwd)
secret=$(sed -n 's/.*"backoffice": "\(.*\)".*/\1/p' "$dir/secrets.json")
url=https://127.0.0.1:$port

cat <<EOT
guise demo: configuration in $dir (fresh keys, secrets, certificate).
Starting guised on $url/ -- try, in another terminal:

  curl --cacert $dir/tls/cert.pem $url/.well-known/openid-configuration
  curl --cacert $dir/tls/cert.pem $url/.well-known/jwks.json

  # a Management API token for the back office (client_credentials)
  TOKEN=\$(curl -s --cacert $dir/tls/cert.pem -u backoffice:$secret \\
      -d grant_type=client_credentials $url/oauth/token |
      sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')
  $B/guisectl token decode "\$TOKEN"
  curl --cacert $dir/tls/cert.pem -H "Authorization: Bearer \$TOKEN" \\
      $url/api/v2/users

The README's walk-through goes on from there, step by step through the
impersonation flow, after:  G=$dir URL=$url

Stop it with Ctrl-C.
EOT
exec "$B/guised" -f "$dir/guise.json"
