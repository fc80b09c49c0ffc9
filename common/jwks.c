/*
 * The front end never sees a private key: it builds public EVP_PKEYs from
 * the JWKS that the signer sends in its hello, so the keys it verifies
 * with are exactly the keys it publishes.
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

#define JWKS_KEYS_MAX	16
#define JWK_PART_MAX	1024	/* RSA-8192 modulus */

static struct verify_key	 keys[JWKS_KEYS_MAX];
static size_t			 nkeys;

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
add_key(json_t *jwk, struct verify_key *k)
{
	const char		*kid, *alg;

	kid = json_string_value(json_object_get(jwk, "kid"));
	alg = json_string_value(json_object_get(jwk, "alg"));
	if (kid == NULL || alg == NULL || strlen(kid) > CONFIG_ID_MAX)
		return -1;
	if (strcmp(alg, "ES256") == 0) {
		k->alg = ALG_ES256;
		k->pkey = ec_key(jwk);
	} else if (strcmp(alg, "RS256") == 0) {
		k->alg = ALG_RS256;
		k->pkey = rsa_key(jwk);
	}
	if (k->pkey == NULL)
		return -1;
	strncpy(k->kid, kid, sizeof(k->kid) - 1);
	return 0;
}

/*
 * Parse the JWKS into a new set of keys and put it in place of the old one
 * only when all of it is good: a reload never leaves half a set.
 */
int
jwks_load(const char *text)
{
	struct verify_key	 fresh[JWKS_KEYS_MAX];
	json_t			*root, *arr;
	json_error_t		 jerr;
	size_t			 i, n = 0;
	int			 rc = 0;

	memset(fresh, 0, sizeof(fresh));
	if ((root = json_loads(text, 0, &jerr)) == NULL ||
	    !json_is_array(arr = json_object_get(root, "keys")) ||
	    json_array_size(arr) == 0 ||
	    json_array_size(arr) > JWKS_KEYS_MAX) {
		log_warnx("the signer's JWKS is malformed");
		json_decref(root);
		return -1;
	}
	for (i = 0; i < json_array_size(arr) && rc == 0; i++)
		if ((rc = add_key(json_array_get(arr, i), &fresh[n])) == 0)
			n++;
	json_decref(root);
	if (rc == -1) {
		log_warnx("the signer's JWKS has a key that cannot be used");
		for (i = 0; i < n; i++)
			EVP_PKEY_free(fresh[i].pkey);
		return -1;
	}
	for (i = 0; i < nkeys; i++)
		EVP_PKEY_free(keys[i].pkey);
	memcpy(keys, fresh, sizeof(keys));
	nkeys = n;
	verified_forget();
	return 0;
}

const struct verify_key *
jwks_find(const char *kid)
{
	size_t	 i;

	for (i = 0; i < nkeys; i++)
		if (strcmp(keys[i].kid, kid) == 0)
			return &keys[i];
	return NULL;
}
