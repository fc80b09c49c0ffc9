/*
 * The console's identity provider's public keys (DESIGN.md section 7), as
 * guisectl idp-keys fetches them into idp.jwks_file and the signer will
 * verify id_tokens with them: checked strictly, the whole set refused for
 * one key out of place, so that what is on disk is only ever a set the
 * signer would take whole.
 */
#ifndef GUISE_IDP_JWKS_H
#define GUISE_IDP_JWKS_H

#include <stddef.h>

#define IDP_JWKS_KEYS_MAX	32
#define IDP_KID_MAX		128
#define IDP_RSA_BITS_MIN	2048
#define IDP_RSA_BITS_MAX	8192
#define IDP_JWKS_FILE_MAX	65536	/* the signer reads fewer bytes */

struct idp_kids {
	size_t	 n;
	char	 kid[IDP_JWKS_KEYS_MAX][IDP_KID_MAX + 1];
};

/*
 * Check len bytes of text, a JWK Set: an object with "keys", 1 to
 * IDP_JWKS_KEYS_MAX keys, each with a kid (unique, printable), kty RSA
 * (n of IDP_RSA_BITS_MIN bits or more, e) or EC on P-256 (crv, x, y),
 * use absent or "sig", alg absent or the one of its type (RS256, ES256),
 * and no private member.  0 with the kids in *kids, or -1 with err
 * written ("NAME: keys[1].d: ...").
 */
int	idp_jwks_check(const char *text, size_t len, const char *name,
	    struct idp_kids *kids, char *err, size_t errlen);

#endif
