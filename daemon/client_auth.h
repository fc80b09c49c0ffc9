/*
 * Client authentication at the token endpoint: client_secret_basic or
 * client_secret_post, never both (RFC 6749 section 2.3.1).  Only the
 * signer knows whether the secret is right.
 */
#ifndef GUISE_CLIENT_AUTH_H
#define GUISE_CLIENT_AUTH_H

#include "params.h"
#include "proto.h"

struct evhttp_request;

struct client_creds {
	char	 client_id[PROTO_CLIENT_ID_MAX + 1];
	char	 secret[PROTO_SECRET_MAX + 1];
	int	 basic;		/* sent with HTTP Basic */
	int	 none;		/* a client_id and no secret: a public
				 * client's, if it is one (secret "") */
};

/*
 * Collect the credentials of req.  Returns 0, or -1 with *why set: the
 * answer is then invalid_client (or invalid_request when both methods were
 * used, *bad_request set).  A client_id in the body without a secret is
 * returned with none set: the caller decides whether it is a public
 * client.
 */
int	client_auth_read(struct evhttp_request *, const struct params *,
	    struct client_creds *, int *bad_request, const char **why);

/* Parse an Authorization header value of the Basic scheme. */
int	client_auth_basic(const char *value, struct client_creds *);

void	client_auth_clear(struct client_creds *);

#endif
