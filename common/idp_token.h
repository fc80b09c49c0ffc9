/*
 * An id_token of the console's identity provider (DESIGN.md section 7),
 * verified on the provider's keys (idp.jwks_file, as guisectl idp-keys
 * wrote it): its signature, iss, aud and azp, exp, iat, nbf and nonce.
 * The signer decides on the identity this proves, never on one the front
 * end asserts.
 */
#ifndef GUISE_IDP_TOKEN_H
#define GUISE_IDP_TOKEN_H

#include <stddef.h>
#include <time.h>

#include "jwks.h"
#include "proto.h"

#define IDP_TOKEN_MAX	16384	/* bytes of an id_token */
#define IDP_SKEW	60	/* seconds a provider's clock may be ahead */

struct idp_identity {
	char	 sub[PROTO_USER_ID_MAX + 1];
	char	 email[PROTO_USER_ID_MAX + 1];	/* "" when none */
	int	 email_verified;		/* said true, as a boolean */
};

/*
 * Verify token (len bytes) at now: signed RS256 or ES256 by the key of
 * keys its kid names, issued by issuer for client_id with nonce.  0 with
 * *out, or -1 with *why, in words for the log.
 */
int	idp_token_verify(const char *token, size_t len,
	    const struct jwks_set *keys, const char *issuer,
	    const char *client_id, const char *nonce, time_t now,
	    struct idp_identity *out, const char **why);

#endif
