/* The signing keys: parsed once at start, then used through EVP only. */
#ifndef GUISE_KEYS_H
#define GUISE_KEYS_H

#include <stddef.h>

#include <jansson.h>

#include "config.h"

struct signing_key;

/* Load every key of the configuration; -1 with a message on error. */
int	keys_load(const struct config *);

/* The key that signs new tokens. */
const struct signing_key *keys_active(void);

/* The active key if it is of alg, else the first key of alg, or NULL. */
const struct signing_key *keys_for_alg(enum sig_alg);

/* The public JWKS, as a JSON string, built once by keys_load. */
const char *keys_jwks(void);

const char *key_kid(const struct signing_key *);

/* [{kid, alg, fingerprint}] of every key, for the audit log. */
json_t	*keys_describe(void);

/*
 * Sign header.payload as a compact JWS with the given typ ("at+jwt",
 * "JWT" or "logout+jwt") and write it to out.  payload is the JSON text of the claims.
 * Returns the token's length, or -1 when out is too small, typ is another,
 * or signing fails.
 */
long	keys_sign_jws(const struct signing_key *, const char *typ,
	    const char *payload, size_t payloadlen, char *out, size_t outlen);

/*
 * The same with HS256 keyed by the UTF-8 octets of a client secret (OpenID
 * Connect Core 10.1): only for the id_tokens (and logout tokens) of a
 * client that asks for it.
 */
long	keys_sign_hs256(const char *secret, const char *typ,
	    const char *payload, size_t payloadlen, char *out, size_t outlen);

/* at_hash of an access token: the left half of its SHA-256, base64url. */
int	keys_at_hash(const char *token, size_t len, char *out, size_t outlen);

#endif
