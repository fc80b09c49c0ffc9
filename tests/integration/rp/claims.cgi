#!/bin/sh
# The page behind mod_auth_openidc: every variable the module hands a
# protected application (OIDC_CLAIM_* and OIDC_* in the environment, the same
# as HTTP_OIDC_* request headers, REMOTE_USER), one NAME=value a line.
printf 'Content-Type: text/plain\r\nCache-Control: no-store\r\n\r\n'
env | grep -E '^(OIDC_|HTTP_OIDC_|REMOTE_USER=)' | grep -v -E '_(access_token|id_token|refresh_token)=' | LC_ALL=C sort
