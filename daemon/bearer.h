/*
 * The bearer-token check every protected endpoint uses (access_token.h),
 * on a request.
 */
#ifndef GUISE_BEARER_H
#define GUISE_BEARER_H

#include "access_token.h"

struct evhttp_request;

/* The token of a request's "Authorization: Bearer" header, or NULL. */
const char	*bearer_token(struct evhttp_request *);

/*
 * Is a verified token revoked: by its client (/oauth/revoke), by the
 * replay of the code it was issued for, or because the impersonation
 * session it was issued in ended?
 */
int	bearer_revoked(const struct access *);

/*
 * bearer_verify on a request's Authorization header, and a revoked token
 * refused.  On failure the request has been answered (401 with
 * WWW-Authenticate) and -1 is returned.
 */
int	bearer_check(struct evhttp_request *, const char *audience,
	    struct access *out);

/*
 * bearer_check for the Management API: a token for its audience holding
 * scope (or any of its space-separated scopes), or the request answered
 * (401, or 403 insufficient_scope) and -1.
 */
int	bearer_api_check(struct evhttp_request *, const char *scope,
	    struct access *out);

#endif
