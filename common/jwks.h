/* The public keys the signer published, for verifying access tokens. */
#ifndef GUISE_JWKS_H
#define GUISE_JWKS_H

#include <openssl/evp.h>

#include "config.h"

struct verify_key {
	char		 kid[CONFIG_ID_MAX + 1];
	enum sig_alg	 alg;
	EVP_PKEY	*pkey;
};

/* Parse the JWKS text from the signer; -1 with a message on error. */
int	jwks_load(const char *text);

const struct verify_key *jwks_find(const char *kid);

#endif
