/*
 * Sets of public keys from a JWKS, for verifying JWS: the front end's and
 * the signer's set of the signer's own keys (jwks_load, jwks_find), and
 * the console's identity provider's keys, which the signer reads from
 * idp.jwks_file (jwks_parse into a set of its own).
 */
#ifndef GUISE_JWKS_H
#define GUISE_JWKS_H

#include <openssl/evp.h>

#include "config.h"

#define JWKS_KEYS_MAX	32

struct verify_key {
	char		 kid[CONFIG_ID_MAX + 1];
	enum sig_alg	 alg;
	EVP_PKEY	*pkey;
};

struct jwks_set {
	struct verify_key	 keys[JWKS_KEYS_MAX];
	size_t			 n;
};

/* A JWKS from elsewhere: a key may leave "alg" out (its kty says it). */
#define JWKS_ALG_OPTIONAL	0x01

/*
 * Parse the JWKS text into set, which is empty before: 0, or -1 with *why
 * (and set left empty).  Only RS256 keys of 2048 bits or more and ES256
 * keys on P-256 are taken; any other key, a private member, a kid used
 * twice or a malformed member refuses the whole set.
 */
int	jwks_parse(const char *text, int flags, struct jwks_set *set,
	    const char **why);
const struct verify_key *jwks_set_find(const struct jwks_set *,
	    const char *kid);
void	jwks_set_free(struct jwks_set *);

/* The signer's own keys, from its hello; -1 with a message on error. */
int	jwks_load(const char *text);

const struct verify_key *jwks_find(const char *kid);

#endif
