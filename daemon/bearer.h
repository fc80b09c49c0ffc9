/*
 * The bearer-token check every protected endpoint uses: an RFC 9068 access
 * token signed by one of our published keys, for this issuer and the
 * endpoint's audience, not expired.
 */
#ifndef GUISE_BEARER_H
#define GUISE_BEARER_H

#include <stddef.h>
#include <time.h>

#include "proto.h"

#define BEARER_TOKEN_MAX	PROTO_TOKEN_MAX

struct evhttp_request;

struct access {
	char	 sub[PROTO_USER_ID_MAX + 1];
	char	 act_sub[PROTO_USER_ID_MAX + 1];	/* "" unless acting */
	char	 client_id[PROTO_CLIENT_ID_MAX + 1];
	char	 scope[PROTO_SCOPE_MAX + 1];
	char	 jti[64];
	long long exp;
};

/*
 * Verify token (len bytes) at time now.  Returns 0 and fills out, or -1
 * with *why saying what was wrong, in words safe to send to the client.
 */
int	bearer_verify(const char *token, size_t len, const char *issuer,
	    const char *audience, time_t now, struct access *out,
	    const char **why);

/*
 * The same for a request's Authorization header.  On failure the request
 * has been answered (401 with WWW-Authenticate) and -1 is returned.
 */
int	bearer_check(struct evhttp_request *, const char *audience,
	    struct access *out);

#endif
