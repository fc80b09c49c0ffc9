#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include "b64url.h"
#include "jws.h"

#define SIG_MAX		1024	/* RSA-8192 */

int
jws_split(const char *token, size_t len, size_t max, struct jws_parts *p)
{
	const char	*dot1, *dot2;

	if (len == 0 || len > max ||
	    (dot1 = memchr(token, '.', len)) == NULL ||
	    (dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token))) ==
	    NULL ||
	    memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)) != NULL)
		return -1;
	p->header = token;
	p->header_len = (size_t)(dot1 - token);
	p->payload = dot1 + 1;
	p->payload_len = (size_t)(dot2 - dot1 - 1);
	p->signature = dot2 + 1;
	p->signature_len = len - (size_t)(dot2 + 1 - token);
	p->signed_len = (size_t)(dot2 - token);
	return 0;
}

json_t *
jws_json(const char *b64, size_t len, size_t max)
{
	char	*buf;
	ssize_t	 n;
	json_t	*j = NULL;

	if (len > B64URL_ENCODED_LEN(max) || (buf = malloc(max + 1)) == NULL)
		return NULL;
	if ((n = b64url_decode(buf, max, b64, len)) > 0)
		j = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, NULL);
	free(buf);
	if (j != NULL && !json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
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

int
jws_signature_holds(const struct verify_key *k, const char *token,
    const struct jws_parts *p)
{
	unsigned char	 sig[SIG_MAX], der[SIG_MAX];
	size_t		 derlen;
	ssize_t		 n;
	EVP_MD_CTX	*ctx;
	int		 ok;

	if (p->signature_len > B64URL_ENCODED_LEN(SIG_MAX) ||
	    (n = b64url_decode(sig, sizeof(sig), p->signature,
	    p->signature_len)) <= 0)
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
	    EVP_DigestVerify(ctx, der, derlen, (const unsigned char *)token,
	    p->signed_len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}
