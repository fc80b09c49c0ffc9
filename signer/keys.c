/*
 * Private keys are parsed once, checked against their declared algorithm,
 * and kept as EVP_PKEYs with a signing context set up once: each token is
 * hashed with SHA-256 and its digest signed with EVP_PKEY_sign, as
 * `openssl speed` does; copying a prepared EVP_DigestSign context per token
 * was 2% slower (signer_bench).  libjwt is not used here: it re-parses the
 * PEM key on every token.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "b64url.h"
#include "hex.h"
#include "keys.h"
#include "log.h"

#define JWS_SIG_MAX	512	/* RSA-4096 */

#define HEADER_MAX	256

/* The typs of the tokens the signer makes: their headers are made once. */
static const char *const header_typs[] = { "at+jwt", "JWT", "logout+jwt" };
#define HEADER_TYPS	(sizeof(header_typs) / sizeof(header_typs[0]))

struct signing_key {
	char		 kid[CONFIG_ID_MAX + 1];
	enum sig_alg	 alg;
	EVP_PKEY	*pkey;
	EVP_PKEY_CTX	*sign;		/* EVP_PKEY_sign_init done, SHA-256 */
	size_t		 siglen;	/* of the JWS signature, raw */
	struct {			/* the JWS header, base64url, per typ */
		char		 b64[B64URL_ENCODED_LEN(HEADER_MAX) + 1];
		size_t		 len;
	}		 header[HEADER_TYPS];
};

static struct signing_key	*keys;
static size_t			 nkeys;
static const struct signing_key	*active;
static char			*jwks;

const char *
key_kid(const struct signing_key *k)
{
	return k->kid;
}

const struct signing_key *
keys_active(void)
{
	return active;
}

const struct signing_key *
keys_for_alg(enum sig_alg alg)
{
	size_t	 i;

	if (active->alg == alg)
		return active;
	for (i = 0; i < nkeys; i++)
		if (keys[i].alg == alg)
			return &keys[i];
	return NULL;
}

const char *
keys_jwks(void)
{
	return jwks;
}

static EVP_PKEY *
read_key(const char *file)
{
	char		 path[PATH_MAX];
	FILE		*f;
	EVP_PKEY	*pkey;

	if (config_path(file, path, sizeof(path)) == -1 ||
	    (f = fopen(path, "r")) == NULL) {
		log_warn("%s", file);
		return NULL;
	}
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (pkey == NULL)
		log_warnx("%s: not a PEM private key", file);
	return pkey;
}

/* The key must be what its alg says: RSA of 2048 bits or more, or P-256. */
static int
check_key(const struct key_config *kc, EVP_PKEY *pkey)
{
	char	 group[64];
	size_t	 glen;

	switch (kc->alg) {
	case ALG_RS256:
		if (!EVP_PKEY_is_a(pkey, "RSA") || EVP_PKEY_get_bits(pkey) < 2048) {
			log_warnx("%s: kid %s: RS256 needs an RSA key of 2048 "
			    "bits or more", kc->file, kc->kid);
			return -1;
		}
		return 0;
	case ALG_ES256:
		if (!EVP_PKEY_is_a(pkey, "EC") ||
		    !EVP_PKEY_get_utf8_string_param(pkey,
		    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &glen) ||
		    strcmp(group, "prime256v1") != 0) {
			log_warnx("%s: kid %s: ES256 needs a P-256 EC key",
			    kc->file, kc->kid);
			return -1;
		}
		return 0;
	default:
		log_warnx("%s: kid %s: unsupported algorithm", kc->file,
		    kc->kid);
		return -1;
	}
}

static int
b64url_bn(json_t *jwk, const char *name, EVP_PKEY *pkey, const char *param,
    size_t pad)
{
	BIGNUM		*bn = NULL;
	unsigned char	 bin[1024];
	char		 txt[B64URL_ENCODED_LEN(sizeof(bin)) + 1];
	int		 n;

	if (!EVP_PKEY_get_bn_param(pkey, param, &bn))
		return -1;
	n = pad ? BN_bn2binpad(bn, bin, (int)pad) : BN_bn2bin(bn, bin);
	BN_free(bn);
	if (n <= 0 || (size_t)n > sizeof(bin))
		return -1;
	b64url_encode(txt, bin, (size_t)n);
	return json_object_set_new(jwk, name, json_string(txt));
}

static json_t *
public_jwk(const struct signing_key *k)
{
	json_t	*jwk;
	int	 rc;

	jwk = json_object();
	if (k->alg == ALG_ES256) {
		rc = json_object_set_new(jwk, "kty", json_string("EC")) |
		    json_object_set_new(jwk, "crv", json_string("P-256")) |
		    b64url_bn(jwk, "x", k->pkey, OSSL_PKEY_PARAM_EC_PUB_X, 32) |
		    b64url_bn(jwk, "y", k->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
	} else {
		rc = json_object_set_new(jwk, "kty", json_string("RSA")) |
		    b64url_bn(jwk, "n", k->pkey, OSSL_PKEY_PARAM_RSA_N, 0) |
		    b64url_bn(jwk, "e", k->pkey, OSSL_PKEY_PARAM_RSA_E, 0);
	}
	rc |= json_object_set_new(jwk, "kid", json_string(k->kid)) |
	    json_object_set_new(jwk, "alg", json_string(alg_name(k->alg))) |
	    json_object_set_new(jwk, "use", json_string("sig"));
	if (rc != 0) {
		json_decref(jwk);
		return NULL;
	}
	return jwk;
}

static int
build_jwks(void)
{
	json_t	*set, *arr, *jwk;
	size_t	 i;

	arr = json_array();
	for (i = 0; i < nkeys; i++) {
		if ((jwk = public_jwk(&keys[i])) == NULL) {
			json_decref(arr);
			return -1;
		}
		json_array_append_new(arr, jwk);
	}
	set = json_pack("{s:o}", "keys", arr);
	jwks = json_dumps(set, JSON_COMPACT);
	json_decref(set);
	return jwks == NULL ? -1 : 0;
}

/* The key's JWS header for typ, base64url, into out; its length, or 0. */
static size_t
encode_header(const struct signing_key *k, const char *typ, char *out)
{
	char	 header[HEADER_MAX];
	int	 n;

	n = snprintf(header, sizeof(header),
	    "{\"alg\":\"%s\",\"typ\":\"%s\",\"kid\":\"%s\"}",
	    alg_name(k->alg), typ, k->kid);
	if (n < 0 || (size_t)n >= sizeof(header))
		return 0;
	return b64url_encode(out, header, (size_t)n);
}

static int
prepare(struct signing_key *k)
{
	size_t	 i;

	/* RSA signs PKCS#1 v1.5 (RS256), its default padding. */
	if ((k->sign = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL)) ==
	    NULL || EVP_PKEY_sign_init(k->sign) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(k->sign, EVP_sha256()) != 1)
		return -1;
	k->siglen = k->alg == ALG_ES256 ? 64 : (size_t)EVP_PKEY_get_size(k->pkey);
	for (i = 0; i < HEADER_TYPS; i++)
		if ((k->header[i].len = encode_header(k, header_typs[i],
		    k->header[i].b64)) == 0)
			return -1;
	return k->siglen > JWS_SIG_MAX ? -1 : 0;
}

int
keys_load(const struct config *conf)
{
	const struct key_config	*kc;
	struct signing_key	*k;
	size_t			 i;

	/* Once per process: a new key set means a new signer. */
	if (keys != NULL || (keys = calloc(conf->nkeys, sizeof(*keys))) == NULL)
		return -1;
	for (i = 0; i < conf->nkeys; i++) {
		kc = &conf->keys[i];
		k = &keys[nkeys];
		if ((k->pkey = read_key(kc->file)) == NULL ||
		    check_key(kc, k->pkey) == -1)
			return -1;
		strncpy(k->kid, kc->kid, sizeof(k->kid) - 1);
		k->alg = kc->alg;
		if (prepare(k) == -1) {
			log_warnx("%s: kid %s: cannot prepare signing",
			    kc->file, kc->kid);
			return -1;
		}
		nkeys++;
		if (strcmp(kc->kid, conf->active_kid) == 0)
			active = k;
	}
	if (active == NULL) {
		log_warnx("active_kid %s names no key", conf->active_kid);
		return -1;
	}
	if (build_jwks() == -1) {
		log_warnx("cannot build the JWKS");
		return -1;
	}
	return 0;
}

/*
 * One INTEGER of an ECDSA-Sig-Value at *p (before end), right-aligned
 * into 32 bytes of out; advances *p.  OpenSSL writes minimal DER: a
 * leading 0 only before a high bit, so at most 33 bytes.
 */
static int
der_integer(const unsigned char **p, const unsigned char *end,
    unsigned char out[32])
{
	const unsigned char	*q = *p;
	size_t			 len;

	if (end - q < 2 || q[0] != 0x02 || q[1] == 0 || q[1] > 33 ||
	    (size_t)(end - q - 2) < q[1])
		return -1;
	len = q[1];
	q += 2;
	*p = q + len;
	if (len == 33) {
		if (q[0] != 0)
			return -1;
		q++;
		len--;
	}
	memset(out, 0, 32 - len);
	memcpy(out + 32 - len, q, len);
	return 0;
}

/*
 * ES256 signatures are r||s of 32 bytes each, not DER (RFC 7518 3.4).
 * The SEQUENCE of two INTEGERs of P-256 is under 128 bytes: a short
 * length.  Read here rather than with d2i_ECDSA_SIG, which allocates a
 * structure and two BIGNUMs a token.
 */
static int
der_to_rs(const unsigned char *der, size_t derlen, unsigned char *rs)
{
	const unsigned char	*p = der + 2, *end = der + derlen;

	if (derlen < 2 || der[0] != 0x30 || der[1] != derlen - 2 ||
	    der_integer(&p, end, rs) == -1 ||
	    der_integer(&p, end, rs + 32) == -1 || p != end)
		return -1;
	return 0;
}

static long
sign_input(const struct signing_key *k, const char *in, size_t inlen,
    unsigned char *sig)
{
	unsigned char	 md[SHA256_LEN], der[JWS_SIG_MAX + 16];
	size_t		 len = sizeof(der);

	if (sha256(in, inlen, md) == -1 ||
	    EVP_PKEY_sign(k->sign, der, &len, md, sizeof(md)) != 1)
		return -1;
	if (k->alg == ALG_ES256)
		return der_to_rs(der, len, sig) == 0 ? 64 : -1;
	if (len != k->siglen)
		return -1;
	memcpy(sig, der, len);
	return (long)len;
}

long
keys_sign_jws(const struct signing_key *k, const char *typ,
    const char *payload, size_t payloadlen, char *out, size_t outlen)
{
	const char	*header = NULL;
	unsigned char	 sig[JWS_SIG_MAX];
	size_t		 hlen = 0, need, len, i;
	long		 siglen;

	/* The header of every token of a key and typ is the same. */
	for (i = 0; i < HEADER_TYPS && header == NULL; i++)
		if (strcmp(header_typs[i], typ) == 0) {
			header = k->header[i].b64;
			hlen = k->header[i].len;
		}
	if (header == NULL)
		return -1;
	need = hlen + 1 + B64URL_ENCODED_LEN(payloadlen) +
	    1 + B64URL_ENCODED_LEN(k->siglen) + 1;
	if (need > outlen)
		return -1;
	memcpy(out, header, hlen);
	len = hlen;
	out[len++] = '.';
	len += b64url_encode(out + len, payload, payloadlen);
	if ((siglen = sign_input(k, out, len, sig)) == -1)
		return -1;
	out[len++] = '.';
	len += b64url_encode(out + len, sig, (size_t)siglen);
	return (long)len;
}

long
keys_sign_hs256(const char *secret, const char *typ, const char *payload,
    size_t payloadlen, char *out, size_t outlen)
{
	unsigned char		 mac[EVP_MAX_MD_SIZE];
	unsigned int		 maclen = 0;
	char			 header[64];
	size_t			 len;
	int			 n;

	n = snprintf(header, sizeof(header), "{\"alg\":\"HS256\",\"typ\":\"%s\"}",
	    typ);
	if (n < 0 || (size_t)n >= sizeof(header) ||
	    B64URL_ENCODED_LEN((size_t)n) + 1 +
	    B64URL_ENCODED_LEN(payloadlen) + 1 + B64URL_ENCODED_LEN(32) + 1 >
	    outlen)
		return -1;
	len = b64url_encode(out, header, (size_t)n);
	out[len++] = '.';
	len += b64url_encode(out + len, payload, payloadlen);
	if (HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)out, len, mac, &maclen) == NULL ||
	    maclen != 32)
		return -1;
	out[len++] = '.';
	len += b64url_encode(out + len, mac, maclen);
	return (long)len;
}

int
keys_at_hash(const char *token, size_t len, char *out, size_t outlen)
{
	unsigned char	 md[SHA256_LEN];

	if (outlen < B64URL_ENCODED_LEN(16) + 1 || sha256(token, len, md) == -1)
		return -1;
	b64url_encode(out, md, 16);
	return 0;
}

/* The SHA-256 of the key's SubjectPublicKeyInfo, as "sha256:<hex>". */
static json_t *
fingerprint(const struct signing_key *k)
{
	unsigned char	*der = NULL, md[32];
	unsigned int	 mdlen = sizeof(md);
	char		 text[sizeof("sha256:") + 2 * sizeof(md)] = "sha256:";
	int		 n, ok;

	if ((n = i2d_PUBKEY(k->pkey, &der)) <= 0)
		return NULL;
	ok = EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(), NULL) == 1;
	OPENSSL_free(der);
	if (!ok)
		return NULL;
	hex_encode(md, sizeof(md), text + strlen("sha256:"));
	return json_string(text);
}

json_t *
keys_describe(void)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < nkeys; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:o*}",
		    "kid", keys[i].kid, "alg", alg_name(keys[i].alg),
		    "fingerprint", fingerprint(&keys[i])));
	return a;
}
