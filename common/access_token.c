/*
 * Access tokens are verified here with OpenSSL EVP on the public keys of
 * the signer's JWKS: by the front end for every protected endpoint, and by
 * the signer itself for the caller of an impersonation.  The key is chosen by kid, and the token's alg must be
 * that key's alg: so "none", HS256 keyed with a public key, or an RS256
 * token on an EC key are refused before any signature is checked.  A
 * signature is checked once: verified.c remembers the tokens found good.
 */
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "access_token.h"
#include "jwks.h"
#include "jws.h"
#include "verified.h"

#define HEADER_JSON_MAX		1024
#define PAYLOAD_JSON_MAX	(BEARER_TOKEN_MAX * 3 / 4)

/* RFC 9068 section 4: typ is "at+jwt", or its long form, any case. */
static int
is_access_typ(const char *typ)
{
	return typ != NULL && (strcasecmp(typ, "at+jwt") == 0 ||
	    strcasecmp(typ, "application/at+jwt") == 0);
}

static const struct verify_key *
check_header(json_t *h, const char **why)
{
	const struct verify_key	*k;
	const char		*alg, *kid;

	alg = json_string_value(json_object_get(h, "alg"));
	kid = json_string_value(json_object_get(h, "kid"));
	if (alg == NULL || strcmp(alg, "none") == 0) {
		*why = "the token is not signed";
		return NULL;
	}
	if (!is_access_typ(json_string_value(json_object_get(h, "typ")))) {
		*why = "the token is not an access token";
		return NULL;
	}
	if (json_object_get(h, "crit") != NULL) {
		*why = "the token has critical header parameters";
		return NULL;
	}
	if (kid == NULL || (k = jwks_find(kid)) == NULL) {
		*why = "the token's key is unknown";
		return NULL;
	}
	if (strcmp(alg, alg_name(k->alg)) != 0) {
		*why = "the token's algorithm does not match its key";
		return NULL;
	}
	return k;
}

static int
has_audience(json_t *aud, const char *audience)
{
	size_t	 i;

	if (json_is_string(aud))
		return strcmp(json_string_value(aud), audience) == 0;
	for (i = 0; i < json_array_size(aud); i++)
		if (json_is_string(json_array_get(aud, i)) &&
		    strcmp(json_string_value(json_array_get(aud, i)),
		    audience) == 0)
			return 1;
	return 0;
}

static int
copy_claim(json_t *claims, const char *name, char *out, size_t outlen,
    int required)
{
	json_t	*v = json_object_get(claims, name);

	if (v == NULL && !required) {
		out[0] = '\0';
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) >= outlen)
		return -1;
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int
check_claims(json_t *c, const char *issuer, const char *audience,
    time_t now, struct access *out, const char **why)
{
	json_t	*exp = json_object_get(c, "exp"), *nbf = json_object_get(c, "nbf");

	if (!json_is_string(json_object_get(c, "iss")) ||
	    strcmp(json_string_value(json_object_get(c, "iss")), issuer) != 0) {
		*why = "the token is from another issuer";
		return -1;
	}
	if (!has_audience(json_object_get(c, "aud"), audience)) {
		*why = "the token is for another audience";
		return -1;
	}
	if (!json_is_integer(exp) || json_integer_value(exp) <= now) {
		*why = "the token has expired";
		return -1;
	}
	if (nbf != NULL && (!json_is_integer(nbf) ||
	    json_integer_value(nbf) > now)) {
		*why = "the token is not valid yet";
		return -1;
	}
	if (copy_claim(c, "sub", out->sub, sizeof(out->sub), 1) == -1 ||
	    copy_claim(c, "client_id", out->client_id,
	    sizeof(out->client_id), 1) == -1 ||
	    copy_claim(c, "scope", out->scope, sizeof(out->scope), 0) == -1 ||
	    copy_claim(c, "jti", out->jti, sizeof(out->jti), 1) == -1 ||
	    copy_claim(c, "sid", out->sid, sizeof(out->sid), 0) == -1 ||
	    (json_object_get(c, "iat") != NULL &&
	    !json_is_integer(json_object_get(c, "iat"))) ||
	    (json_object_get(c, "act") != NULL &&
	    copy_claim(json_object_get(c, "act"), "sub", out->act_sub,
	    sizeof(out->act_sub), 1) == -1)) {
		*why = "the token's claims are malformed";
		return -1;
	}
	if (json_object_get(c, "act") == NULL)
		out->act_sub[0] = '\0';
	out->iat = json_integer_value(json_object_get(c, "iat"));
	out->exp = json_integer_value(exp);
	return 0;
}

/* check_claims for claims read before (verified.c), in the same order. */
static int
claims_hold(const struct verified_claims *c, const char *issuer,
    const char *audience, time_t now, struct access *out, const char **why)
{
	if (strcmp(c->iss, issuer) != 0) {
		*why = "the token is from another issuer";
		return -1;
	}
	if (strcmp(c->aud, audience) != 0) {
		*why = "the token is for another audience";
		return -1;
	}
	if (c->access.exp <= now) {
		*why = "the token has expired";
		return -1;
	}
	if (c->nbf > now) {
		*why = "the token is not valid yet";
		return -1;
	}
	*out = c->access;
	return 0;
}

int
bearer_verify(const char *token, size_t len, const char *issuer,
    const char *audience, time_t now, struct access *out, const char **why)
{
	const struct verify_key		*k;
	const struct verified_claims	*known;
	struct verified			*v = NULL;
	struct jws_parts		 p;
	json_t				*header = NULL, *claims = NULL, *aud;
	int				 rc = -1;

	*why = "the token is malformed";
	if (jws_split(token, len, BEARER_TOKEN_MAX, &p) == -1)
		return -1;
	if ((v = verified_find(token, len)) != NULL &&
	    (known = verified_claims(v)) != NULL)
		return claims_hold(known, issuer, audience, now, out, why);
	if ((header = jws_json(p.header, p.header_len, HEADER_JSON_MAX)) ==
	    NULL)
		goto done;
	if ((k = check_header(header, why)) == NULL)
		goto done;
	if (v == NULL) {
		if (jws_signature_holds(k, token, &p) == -1) {
			*why = "the token's signature is not valid";
			goto done;
		}
		v = verified_add(token, len);
	}
	*why = "the token is malformed";
	if ((claims = jws_json(p.payload, p.payload_len, PAYLOAD_JSON_MAX)) ==
	    NULL)
		goto done;
	rc = check_claims(claims, issuer, audience, now, out, why);
	/* Kept for next time: a token for one audience, as ours are. */
	aud = json_object_get(claims, "aud");
	if (rc == 0 && v != NULL && json_is_string(aud))
		verified_keep_claims(v, out, issuer, json_string_value(aud),
		    json_integer_value(json_object_get(claims, "nbf")));
 done:
	json_decref(header);
	json_decref(claims);
	return rc;
}

int
bearer_verify_any(const char *token, size_t len, const char *issuer,
    const char *const *audiences, size_t n, time_t now, struct access *out,
    const char **why)
{
	size_t	 i;

	*why = "the token is for another audience";
	for (i = 0; i < n; i++)
		if (bearer_verify(token, len, issuer, audiences[i], now, out,
		    why) == 0)
			return (int)i;
	return -1;
}
