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
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include "b64url.h"
#include "access_token.h"
#include "jwks.h"
#include "verified.h"

#define HEADER_JSON_MAX		1024
#define PAYLOAD_JSON_MAX	(BEARER_TOKEN_MAX * 3 / 4)
#define SIG_MAX			1024

static json_t *
decode_json(const char *b64, size_t len, size_t max)
{
	char	 buf[PAYLOAD_JSON_MAX + 1];
	ssize_t	 n;

	if (len > B64URL_ENCODED_LEN(max) ||
	    (n = b64url_decode(buf, sizeof(buf) - 1, b64, len)) <= 0)
		return NULL;
	return json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, NULL);
}

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

/* ES256 signatures are r||s; EVP wants DER. */
static int
rs_to_der(const unsigned char *rs, unsigned char *der, size_t *derlen)
{
	ECDSA_SIG	*sig;
	BIGNUM		*r, *s;
	unsigned char	*p = der;
	int		 n;

	if ((sig = ECDSA_SIG_new()) == NULL)
		return -1;
	r = BN_bin2bn(rs, 32, NULL);
	s = BN_bin2bn(rs + 32, 32, NULL);
	if (r == NULL || s == NULL || ECDSA_SIG_set0(sig, r, s) != 1) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(sig);
		return -1;
	}
	n = i2d_ECDSA_SIG(sig, &p);
	ECDSA_SIG_free(sig);
	if (n <= 0)
		return -1;
	*derlen = (size_t)n;
	return 0;
}

static int
check_signature(const struct verify_key *k, const char *input, size_t inlen,
    const char *b64sig, size_t siglen)
{
	unsigned char	 sig[SIG_MAX], der[SIG_MAX];
	size_t		 derlen;
	ssize_t		 n;
	EVP_MD_CTX	*ctx;
	int		 ok;

	if (siglen > B64URL_ENCODED_LEN(SIG_MAX) ||
	    (n = b64url_decode(sig, sizeof(sig), b64sig, siglen)) <= 0)
		return -1;
	if (k->alg == ALG_ES256) {
		if (n != 64 || rs_to_der(sig, der, &derlen) == -1)
			return -1;
	} else {
		if (n != EVP_PKEY_get_size(k->pkey))
			return -1;
		memcpy(der, sig, (size_t)n);
		derlen = (size_t)n;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) == 1 &&
	    EVP_DigestVerify(ctx, der, derlen, (const unsigned char *)input,
	    inlen) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
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
	    (json_object_get(c, "act") != NULL &&
	    copy_claim(json_object_get(c, "act"), "sub", out->act_sub,
	    sizeof(out->act_sub), 1) == -1)) {
		*why = "the token's claims are malformed";
		return -1;
	}
	if (json_object_get(c, "act") == NULL)
		out->act_sub[0] = '\0';
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
	const char			*dot1, *dot2;
	json_t				*header = NULL, *claims = NULL, *aud;
	int				 rc = -1;

	*why = "the token is malformed";
	if (len == 0 || len > BEARER_TOKEN_MAX ||
	    (dot1 = memchr(token, '.', len)) == NULL ||
	    (dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token))) ==
	    NULL ||
	    memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)) != NULL)
		return -1;
	if ((v = verified_find(token, len)) != NULL &&
	    (known = verified_claims(v)) != NULL)
		return claims_hold(known, issuer, audience, now, out, why);
	if ((header = decode_json(token, (size_t)(dot1 - token),
	    HEADER_JSON_MAX)) == NULL || !json_is_object(header))
		goto done;
	if ((k = check_header(header, why)) == NULL)
		goto done;
	if (v == NULL) {
		if (check_signature(k, token, (size_t)(dot2 - token),
		    dot2 + 1, len - (size_t)(dot2 + 1 - token)) == -1) {
			*why = "the token's signature is not valid";
			goto done;
		}
		v = verified_add(token, len);
	}
	*why = "the token is malformed";
	if ((claims = decode_json(dot1 + 1, (size_t)(dot2 - dot1 - 1),
	    PAYLOAD_JSON_MAX)) == NULL || !json_is_object(claims))
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
