/*
 * A provider's JWKS, checked before it is written anywhere.  Members
 * this does not know (x5c, x5t, key_ops...) are allowed: providers add
 * them and the signer will not use them.  What is refused is what would
 * make the set mean something else than "these public keys sign
 * id_tokens": a private part, an encryption key, an algorithm the signer
 * does not verify, a weak or malformed key, two keys under one kid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "b64url.h"
#include "idp_jwks.h"
#include "jsonread.h"
#include "jwks.h"

/* RFC 7518 section 6: the private parts of RSA and EC keys, and "k". */
static const char *const private_members[] = { "d", "p", "q", "dp", "dq",
	"qi", "oth", "r", "t", "k", NULL };

/* The value of obj[key], base64url, decoded into out; its length. */
static int
b64_member(struct jsonread *jr, json_t *obj, const char *key,
    unsigned char *out, size_t outlen, size_t *len)
{
	const char	*s;
	ssize_t		 n;

	if (jr_get_str(jr, obj, key, 1, &s) == -1)
		return -1;
	if ((n = b64url_decode(out, outlen, s, strlen(s))) <= 0)
		return jr_error(jr, key, "not base64url, or too long");
	*len = (size_t)n;
	return 0;
}

static int
rsa_check(struct jsonread *jr, json_t *jwk)
{
	unsigned char	 n[IDP_RSA_BITS_MAX / 8], e[8];
	size_t		 nlen, elen, i, bits;

	if (b64_member(jr, jwk, "n", n, sizeof(n), &nlen) == -1 ||
	    b64_member(jr, jwk, "e", e, sizeof(e), &elen) == -1)
		return -1;
	for (i = 0; i < nlen && n[i] == 0; i++)
		;
	bits = (nlen - i) * 8;
	if (i < nlen)
		for (unsigned char top = n[i]; !(top & 0x80); top <<= 1)
			bits--;
	if (bits < IDP_RSA_BITS_MIN)
		return jr_error(jr, "n", "an RSA key of %zu bits; %d at least",
		    bits, IDP_RSA_BITS_MIN);
	if (!(e[elen - 1] & 1) || (elen == 1 && e[0] < 3))
		return jr_error(jr, "e", "not an RSA public exponent");
	return 0;
}

static int
ec_check(struct jsonread *jr, json_t *jwk)
{
	unsigned char	 c[33];
	const char	*crv;
	size_t		 len;

	if (jr_get_str(jr, jwk, "crv", 1, &crv) == -1)
		return -1;
	if (strcmp(crv, "P-256") != 0)
		return jr_error(jr, "crv", "\"%.16s\": only P-256 (ES256)",
		    crv);
	if (b64_member(jr, jwk, "x", c, sizeof(c), &len) == -1)
		return -1;
	if (len != 32)
		return jr_error(jr, "x", "not 32 bytes");
	if (b64_member(jr, jwk, "y", c, sizeof(c), &len) == -1)
		return -1;
	if (len != 32)
		return jr_error(jr, "y", "not 32 bytes");
	return 0;
}

static int
kid_check(struct jsonread *jr, const char *kid, const struct idp_kids *kids)
{
	size_t	 i, len = strlen(kid);

	if (len > IDP_KID_MAX)
		return jr_error(jr, "kid", "longer than %d characters",
		    IDP_KID_MAX);
	for (i = 0; i < len; i++)
		if ((unsigned char)kid[i] <= 0x20 || kid[i] == 0x7f ||
		    (unsigned char)kid[i] >= 0x80)
			return jr_error(jr, "kid", "not printable ASCII");
	for (i = 0; i < kids->n; i++)
		if (strcmp(kids->kid[i], kid) == 0)
			return jr_error(jr, "kid", "\"%s\" twice", kid);
	return 0;
}

static int
key_check(struct jsonread *jr, json_t *jwk, void *arg, size_t i)
{
	struct idp_kids	*kids = arg;
	const char	*kid, *kty, *use, *alg, *want;
	size_t		 m;

	(void)i;
	if (!json_is_object(jwk))
		return jr_error(jr, NULL, "not an object");
	for (m = 0; private_members[m] != NULL; m++)
		if (json_object_get(jwk, private_members[m]) != NULL)
			return jr_error(jr, private_members[m], "a private "
			    "key member; a provider publishes public keys "
			    "only, so the whole set is refused");
	if (jr_get_str(jr, jwk, "kid", 1, &kid) == -1 ||
	    kid_check(jr, kid, kids) == -1 ||
	    jr_get_str(jr, jwk, "kty", 1, &kty) == -1 ||
	    jr_get_str(jr, jwk, "use", 0, &use) == -1 ||
	    jr_get_str(jr, jwk, "alg", 0, &alg) == -1)
		return -1;
	if (use != NULL && strcmp(use, "sig") != 0)
		return jr_error(jr, "use", "\"%.16s\": only \"sig\"", use);
	if (strcmp(kty, "RSA") == 0) {
		want = "RS256";
		if (rsa_check(jr, jwk) == -1)
			return -1;
	} else if (strcmp(kty, "EC") == 0) {
		want = "ES256";
		if (ec_check(jr, jwk) == -1)
			return -1;
	} else
		return jr_error(jr, "kty", "\"%.16s\": only RSA or EC", kty);
	if (alg != NULL && strcmp(alg, want) != 0)
		return jr_error(jr, "alg", "\"%.16s\": a %s key must be %s",
		    alg, kty, want);
	memcpy(kids->kid[kids->n++], kid, strlen(kid) + 1);
	return 0;
}

/* Does the signer's reading of the set take it whole?  0, or -1 and err. */
static int
taken_whole(const char *text, size_t len, const char *name, char *err,
    size_t errlen)
{
	struct jwks_set	 set;
	const char	*why = "out of memory";
	char		*copy;
	int		 rc = -1;

	if ((copy = malloc(len + 1)) != NULL) {
		memcpy(copy, text, len);
		copy[len] = '\0';
		if (memchr(copy, '\0', len) == NULL &&
		    jwks_parse(copy, JWKS_ALG_OPTIONAL, &set, &why) == 0) {
			jwks_set_free(&set);
			rc = 0;
		}
		free(copy);
	}
	if (rc == -1)
		snprintf(err, errlen, "%s: the signer would refuse it: %s",
		    name, why);
	return rc;
}

int
idp_jwks_check(const char *text, size_t len, const char *name,
    struct idp_kids *kids, char *err, size_t errlen)
{
	struct jsonread	 jr;
	json_t		*root, *keys;
	int		 rc = -1;

	memset(kids, 0, sizeof(*kids));
	jr_init(&jr, name, NULL, err, errlen);
	if (len >= IDP_JWKS_FILE_MAX)
		return jr_error(&jr, NULL, "%zu bytes; the signer reads under "
		    "%d", len, IDP_JWKS_FILE_MAX);
	/* jr_load refuses a key given twice: no two readings of one set. */
	if ((root = jr_load(&jr, text, len)) == NULL)
		return -1;
	if (!json_is_object(root))
		jr_error(&jr, NULL, "not a JSON object");
	else if (jr_get(&jr, root, "keys", JSON_ARRAY, 1, &keys) == 0) {
		if (json_array_size(keys) == 0 ||
		    json_array_size(keys) > IDP_JWKS_KEYS_MAX)
			jr_error(&jr, "keys", "%zu keys; 1 to %d",
			    json_array_size(keys), IDP_JWKS_KEYS_MAX);
		else
			rc = jr_each(&jr, "keys", keys, key_check, kids);
	}
	json_decref(root);
	/*
	 * What is checked here in detail, the signer takes whole: its own
	 * reading (jwks_parse, as console_idp_load reads the file) must agree.
	 */
	if (rc == 0 && taken_whole(text, len, name, err, errlen) == -1)
		rc = -1;
	if (rc == -1)
		memset(kids, 0, sizeof(*kids));
	return rc;
}
