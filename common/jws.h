/*
 * The parts of a compact JWS (RFC 7515) and the check of its signature
 * with OpenSSL EVP on a key of a JWKS (jwks.h): shared by the access
 * tokens every endpoint checks and by the identity provider's id_tokens
 * the signer checks for the console.
 */
#ifndef GUISE_JWS_H
#define GUISE_JWS_H

#include <stddef.h>

#include <jansson.h>

#include "jwks.h"

struct jws_parts {
	const char	*header;	/* base64url, not NUL-terminated */
	size_t		 header_len;
	const char	*payload;
	size_t		 payload_len;
	const char	*signature;
	size_t		 signature_len;
	size_t		 signed_len;	/* header.payload, from the start */
};

/* Split token (len bytes, at most max) at its two dots: 0, or -1. */
int	jws_split(const char *token, size_t len, size_t max,
	    struct jws_parts *);

/* The JSON object of a base64url part of at most max decoded bytes. */
json_t	*jws_json(const char *b64, size_t len, size_t max);

/*
 * Does signature (base64url) hold for the first signed_len bytes of token
 * with key k (RS256, or ES256 as r||s)?  0, or -1.
 */
int	jws_signature_holds(const struct verify_key *k, const char *token,
	    const struct jws_parts *);

#endif
