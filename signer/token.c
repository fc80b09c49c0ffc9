/*
 * Building the claims of a token.  The front end sends typed fields only;
 * iss, iat, exp and jti are set here, and lifetimes come from the signer's
 * own configuration, so a compromised front end cannot make the signer
 * sign claims of its choosing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/rand.h>

#include "b64url.h"
#include "keys.h"
#include "token.h"

#define JTI_BYTES	16

static const struct config	*conf;
static char			 api_audience[1024];

void
token_init(const struct config *c)
{
	conf = c;
	snprintf(api_audience, sizeof(api_audience), "%sapi/v2/", c->issuer);
}

const char *
token_api_audience(void)
{
	return api_audience;
}

static int
new_jti(char *out)
{
	unsigned char	 raw[JTI_BYTES];

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return -1;
	b64url_encode(out, raw, sizeof(raw));
	return 0;
}

static long
sign_claims(json_t *claims, const char *typ, char *out, size_t outlen)
{
	char	*payload;
	long	 n;

	if ((payload = json_dumps(claims, JSON_COMPACT)) == NULL)
		return -1;
	n = keys_sign_jws(keys_active(), typ, payload, strlen(payload), out,
	    outlen);
	free(payload);
	return n;
}

long
token_client_credentials(const struct client_config *client,
    const char *audience, const char *scope, char *out, size_t outlen)
{
	char	 jti[B64URL_ENCODED_LEN(JTI_BYTES) + 1];
	char	 sub[CONFIG_ID_MAX + sizeof("@clients")];
	json_t	*claims;
	time_t	 now = time(NULL);
	long	 n;

	if (new_jti(jti) == -1)
		return -1;
	snprintf(sub, sizeof(sub), "%s@clients", client->client_id);
	claims = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s}",
	    "iss", conf->issuer,
	    "sub", sub,
	    "aud", audience,
	    "iat", (json_int_t)now,
	    "exp", (json_int_t)now + CLIENT_TOKEN_TTL,
	    "jti", jti,
	    "client_id", client->client_id,
	    "scope", scope,
	    "gty", "client-credentials");
	if (claims == NULL)
		return -1;
	n = sign_claims(claims, "at+jwt", out, outlen);
	json_decref(claims);
	return n;
}
