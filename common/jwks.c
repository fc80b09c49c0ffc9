/*
 * The front end never sees a private key: it builds public EVP_PKEYs from
 * the JWKS that the signer sends in its hello, so the keys it verifies
 * with are exactly the keys it publishes.  The signer reads its console's
 * identity provider's keys the same way, from the file guisectl idp-keys
 * wrote.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "b64url.h"
#include "jwks.h"
#include "log.h"
#include "verified.h"

#define JWK_PART_MAX	1024	/* RSA-8192 modulus */
#define RSA_BITS_MIN	2048

/* The signer's own keys (jwks_load). */
static struct jwks_set		 own;

/* Members that only a private key has: never in a set of public keys. */
static const char *const private_members[] = { "d", "p", "q", "dp", "dq",
    "qi", "oth", "r", "t", "k", NULL };

/* Decode the base64url member name of jwk; returns its length or -1. */
static ssize_t
member(json_t *jwk, const char *name, unsigned char *out, size_t outlen)
{
	const char	*s = json_string_value(json_object_get(jwk, name));

	if (s == NULL)
		return -1;
	return b64url_decode(out, outlen, s, strlen(s));
}

static EVP_PKEY *
from_params(const char *type, OSSL_PARAM_BLD *bld)
{
	EVP_PKEY_CTX	*ctx = NULL;
	EVP_PKEY	*pkey = NULL;
	OSSL_PARAM	*params = NULL;

	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pkey;
}

static EVP_PKEY *
ec_key(json_t *jwk)
{
	unsigned char	 point[65];
	OSSL_PARAM_BLD	*bld;
	EVP_PKEY	*pkey = NULL;

	point[0] = 0x04;	/* uncompressed: x then y */
	if (member(jwk, "x", point + 1, 32) != 32 ||
	    member(jwk, "y", point + 33, 32) != 32)
		return NULL;
	if ((bld = OSSL_PARAM_BLD_new()) == NULL)
		return NULL;
	if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    "prime256v1", 0) == 1 &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    point, sizeof(point)) == 1)
		pkey = from_params("EC", bld);
	OSSL_PARAM_BLD_free(bld);
	return pkey;
}

static EVP_PKEY *
rsa_key(json_t *jwk)
{
	unsigned char	 n[JWK_PART_MAX], e[16];
	ssize_t		 nlen, elen;
	BIGNUM		*bn = NULL, *be = NULL;
	OSSL_PARAM_BLD	*bld = NULL;
	EVP_PKEY	*pkey = NULL;

	if ((nlen = member(jwk, "n", n, sizeof(n))) <= 0 ||
	    (elen = member(jwk, "e", e, sizeof(e))) <= 0)
		return NULL;
	if ((bn = BN_bin2bn(n, (int)nlen, NULL)) != NULL &&
	    (be = BN_bin2bn(e, (int)elen, NULL)) != NULL &&
	    (bld = OSSL_PARAM_BLD_new()) != NULL &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) == 1 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) == 1)
		pkey = from_params("RSA", bld);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	return pkey;
}

static int
add_key(json_t *jwk, int flags, struct verify_key *k, const char **why)
{
	const char	*kid, *alg, *kty, *crv, *use;
	size_t		 i;

	*why = "a key is malformed";
	if (!json_is_object(jwk))
		return -1;
	for (i = 0; private_members[i] != NULL; i++)
		if (json_object_get(jwk, private_members[i]) != NULL) {
			*why = "a key has a private member";
			return -1;
		}
	kid = json_string_value(json_object_get(jwk, "kid"));
	alg = json_string_value(json_object_get(jwk, "alg"));
	kty = json_string_value(json_object_get(jwk, "kty"));
	crv = json_string_value(json_object_get(jwk, "crv"));
	use = json_string_value(json_object_get(jwk, "use"));
	if (kid == NULL || *kid == '\0' || strlen(kid) > CONFIG_ID_MAX ||
	    (json_object_get(jwk, "use") != NULL &&
	    (use == NULL || strcmp(use, "sig") != 0)))
		return -1;
	/* A provider may leave alg out: its kty (and crv) say it. */
	if (alg == NULL && (flags & JWKS_ALG_OPTIONAL) && kty != NULL)
		alg = strcmp(kty, "RSA") == 0 ? "RS256" :
		    strcmp(kty, "EC") == 0 ? "ES256" : NULL;
	*why = "a key is neither RS256 nor ES256 on P-256";
	if (alg == NULL)
		return -1;
	if (strcmp(alg, "ES256") == 0 && (kty == NULL ||
	    strcmp(kty, "EC") == 0) && (crv == NULL ||
	    strcmp(crv, "P-256") == 0)) {
		k->alg = ALG_ES256;
		k->pkey = ec_key(jwk);
	} else if (strcmp(alg, "RS256") == 0 && (kty == NULL ||
	    strcmp(kty, "RSA") == 0)) {
		k->alg = ALG_RS256;
		if ((k->pkey = rsa_key(jwk)) != NULL &&
		    EVP_PKEY_get_bits(k->pkey) < RSA_BITS_MIN) {
			*why = "an RSA key is shorter than 2048 bits";
			EVP_PKEY_free(k->pkey);
			k->pkey = NULL;
			return -1;
		}
	} else
		return -1;
	if (k->pkey == NULL) {
		*why = "a key's numbers are not a public key";
		return -1;
	}
	memcpy(k->kid, kid, strlen(kid) + 1);
	return 0;
}

void
jwks_set_free(struct jwks_set *set)
{
	size_t	 i;

	for (i = 0; i < set->n; i++)
		EVP_PKEY_free(set->keys[i].pkey);
	memset(set, 0, sizeof(*set));
}

int
jwks_parse(const char *text, int flags, struct jwks_set *set,
    const char **why)
{
	json_t		*root, *arr;
	size_t		 i, n;

	memset(set, 0, sizeof(*set));
	if ((root = json_loads(text, JSON_REJECT_DUPLICATES, NULL)) == NULL ||
	    !json_is_array(arr = json_object_get(root, "keys")) ||
	    json_array_size(arr) == 0 ||
	    json_array_size(arr) > JWKS_KEYS_MAX) {
		*why = "not a JWKS of 1 to 32 keys";
		json_decref(root);
		return -1;
	}
	n = json_array_size(arr);
	for (i = 0; i < n; i++) {
		if (add_key(json_array_get(arr, i), flags,
		    &set->keys[set->n], why) == -1)
			break;
		set->n++;
		if (jwks_set_find(set, set->keys[set->n - 1].kid) !=
		    &set->keys[set->n - 1]) {
			*why = "a kid is used twice";
			break;
		}
	}
	json_decref(root);
	if (set->n != i || i != n) {
		jwks_set_free(set);
		return -1;
	}
	return 0;
}

const struct verify_key *
jwks_set_find(const struct jwks_set *set, const char *kid)
{
	size_t	 i;

	for (i = 0; i < set->n; i++)
		if (strcmp(set->keys[i].kid, kid) == 0)
			return &set->keys[i];
	return NULL;
}

/*
 * Parse the JWKS into a new set of keys and put it in place of the old one
 * only when all of it is good: a reload never leaves half a set.
 */
int
jwks_load(const char *text)
{
	struct jwks_set	 fresh;
	const char	*why;

	if (jwks_parse(text, 0, &fresh, &why) == -1) {
		log_warnx("the signer's JWKS: %s", why);
		return -1;
	}
	jwks_set_free(&own);
	own = fresh;
	verified_forget();
	return 0;
}

const struct verify_key *
jwks_find(const char *kid)
{
	return jwks_set_find(&own, kid);
}
