#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "idp_token.h"
#include "jws.h"

#define HEADER_JSON_MAX		1024
#define PAYLOAD_JSON_MAX	(IDP_TOKEN_MAX * 3 / 4)

/* The key the header names, for an algorithm guise accepts. */
static const struct verify_key *
header_key(json_t *h, const struct jwks_set *keys, const char **why)
{
	const struct verify_key	*k;
	const char		*alg, *kid, *typ;

	alg = json_string_value(json_object_get(h, "alg"));
	kid = json_string_value(json_object_get(h, "kid"));
	typ = json_string_value(json_object_get(h, "typ"));
	if (alg == NULL || (strcmp(alg, "RS256") != 0 &&
	    strcmp(alg, "ES256") != 0)) {
		*why = "the id_token is not signed with RS256 or ES256";
		return NULL;
	}
	if (json_object_get(h, "crit") != NULL) {
		*why = "the id_token has critical header parameters";
		return NULL;
	}
	/* An access token (RFC 9068) is no id_token. */
	if (json_object_get(h, "typ") != NULL &&
	    (typ == NULL || strcasecmp(typ, "JWT") != 0)) {
		*why = "the id_token's typ is not JWT";
		return NULL;
	}
	if (kid == NULL || (k = jwks_set_find(keys, kid)) == NULL) {
		*why = "the id_token's key is not one of the provider's";
		return NULL;
	}
	if (strcmp(alg, alg_name(k->alg)) != 0) {
		*why = "the id_token's algorithm is not its key's";
		return NULL;
	}
	return k;
}

/* aud is client_id or holds it; with others beside it, azp names it. */
static int
for_client(json_t *c, const char *client_id)
{
	json_t		*aud = json_object_get(c, "aud"), *azp, *v;
	size_t		 i;
	int		 found = 0;

	if (json_is_string(aud))
		found = strcmp(json_string_value(aud), client_id) == 0;
	else if (json_is_array(aud) && json_array_size(aud) > 0) {
		json_array_foreach(aud, i, v) {
			if (!json_is_string(v))
				return 0;
			if (strcmp(json_string_value(v), client_id) == 0)
				found = 1;
		}
	}
	azp = json_object_get(c, "azp");
	if (azp != NULL)
		return found && json_is_string(azp) &&
		    strcmp(json_string_value(azp), client_id) == 0;
	return found && (json_is_string(aud) || json_array_size(aud) == 1);
}

/* A string claim that fits size, into out; "" when absent and allowed. */
static int
string_claim(json_t *c, const char *name, int required, char *out,
    size_t size)
{
	json_t	*v = json_object_get(c, name);

	out[0] = '\0';
	if (v == NULL)
		return required ? -1 : 0;
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) >= size ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return -1;
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int
check_claims(json_t *c, const char *issuer, const char *client_id,
    const char *nonce, time_t now, struct idp_identity *out,
    const char **why)
{
	json_t		*iss = json_object_get(c, "iss");
	json_t		*exp = json_object_get(c, "exp");
	json_t		*iat = json_object_get(c, "iat");
	json_t		*nbf = json_object_get(c, "nbf");
	json_t		*n = json_object_get(c, "nonce");
	json_t		*verified = json_object_get(c, "email_verified");

	if (!json_is_string(iss) || strcmp(json_string_value(iss), issuer) != 0) {
		*why = "the id_token is from another issuer";
		return -1;
	}
	if (!for_client(c, client_id)) {
		*why = "the id_token is for another client";
		return -1;
	}
	if (!json_is_integer(exp) || json_integer_value(exp) <= now) {
		*why = "the id_token has expired";
		return -1;
	}
	if (!json_is_integer(iat) || json_integer_value(iat) > now + IDP_SKEW) {
		*why = "the id_token has no iat, or one in the future";
		return -1;
	}
	if (nbf != NULL && (!json_is_integer(nbf) ||
	    json_integer_value(nbf) > now + IDP_SKEW)) {
		*why = "the id_token is not valid yet";
		return -1;
	}
	if (!json_is_string(n) || json_string_length(n) != strlen(nonce) ||
	    CRYPTO_memcmp(json_string_value(n), nonce, strlen(nonce)) != 0) {
		*why = "the id_token's nonce is not the sign-in's";
		return -1;
	}
	if (string_claim(c, "sub", 1, out->sub, sizeof(out->sub)) == -1 ||
	    string_claim(c, "email", 0, out->email, sizeof(out->email)) ==
	    -1 || (verified != NULL && !json_is_boolean(verified))) {
		*why = "the id_token's sub or email is malformed";
		return -1;
	}
	out->email_verified = json_is_true(verified);
	return 0;
}

int
idp_token_verify(const char *token, size_t len, const struct jwks_set *keys,
    const char *issuer, const char *client_id, const char *nonce, time_t now,
    struct idp_identity *out, const char **why)
{
	const struct verify_key	*k;
	struct jws_parts	 p;
	json_t			*header = NULL, *claims = NULL;
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	*why = "the id_token is malformed";
	if (nonce == NULL || *nonce == '\0' ||
	    jws_split(token, len, IDP_TOKEN_MAX, &p) == -1 ||
	    (header = jws_json(p.header, p.header_len, HEADER_JSON_MAX)) ==
	    NULL)
		goto done;
	if ((k = header_key(header, keys, why)) == NULL)
		goto done;
	if (jws_signature_holds(k, token, &p) == -1) {
		*why = "the id_token's signature is not valid";
		goto done;
	}
	*why = "the id_token is malformed";
	if ((claims = jws_json(p.payload, p.payload_len, PAYLOAD_JSON_MAX)) ==
	    NULL)
		goto done;
	rc = check_claims(claims, issuer, client_id, nonce, now, out, why);
 done:
	json_decref(header);
	json_decref(claims);
	if (rc == -1)
		memset(out, 0, sizeof(*out));
	return rc;
}
