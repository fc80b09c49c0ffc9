/* Tokens the signer builds: registered claims are always its own. */
#ifndef GUISE_TOKEN_H
#define GUISE_TOKEN_H

#include <stddef.h>

#include "config.h"

#define CLIENT_TOKEN_TTL	3600	/* client_credentials, seconds */

void	token_init(const struct config *);

/*
 * A client_credentials access token (RFC 9068) for client, with the given
 * audience and already granted scope.  Returns the token's length, or -1.
 */
long	token_client_credentials(const struct client_config *client,
	    const char *audience, const char *scope, char *out, size_t outlen);

/* The audience of the Management API, {issuer}api/v2/. */
const char *token_api_audience(void);

#endif
