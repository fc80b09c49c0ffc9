/*
 * A client's request about one of its tokens: introspection (RFC 7662)
 * and revocation (RFC 7009).  Both authenticate the client as the token
 * endpoint does (client_auth.h), through the same limiter of failed
 * authentications (ratelimit.h), and only the signer says whether the
 * secret is right; the front end verifies the token itself.
 */
#ifndef GUISE_CLIENT_CALL_H
#define GUISE_CLIENT_CALL_H

#include "access_token.h"
#include "client_auth.h"
#include "ratelimit.h"

struct evhttp_request;
struct client_call;

typedef void	(*client_call_fn)(struct client_call *);

struct client_call {
	struct evhttp_request	*req;
	struct client_creds	 creds;
	char			*token;		/* the token parameter */
	struct ratelimit_attempt limit;
	client_call_fn		 then;
	int			 revoked;	/* by the front end, for a
						 * revocation's record */
};

/*
 * Read req's form (token required; token_type_hint is not read: RFC 7662
 * and 7009 let a server ignore it), its client's credentials, admit it to
 * the limiter and ask the signer whether the client is who it says; then
 * call then with the call, which then owns (client_call_free).  Every
 * other outcome is answered here: 400 invalid_request, 401
 * invalid_client (with a Basic challenge when Basic was used), 429, 503.
 * A public client (no secret, "token_endpoint_auth_method": "none")
 * names itself by client_id only where public is set.
 */
void	client_call_begin(struct evhttp_request *, int public,
	    client_call_fn then);

void	client_call_free(struct client_call *);

/*
 * The client of a token request (/oauth/token, introspection,
 * revocation): its credentials read from req and p into creds (the
 * caller clears them), a public client's name taken only where public is
 * set, and the request admitted to the limiter of failed authentications
 * (into limit, which the caller settles with ratelimit_answered).  0, or
 * -1 with the request answered (400, 401 invalid_client, 429).
 */
struct params;
int	client_admit(struct evhttp_request *, const struct params *p,
	    int public, struct client_creds *creds,
	    struct ratelimit_attempt *limit);

/* 401 invalid_client, with a Basic challenge when Basic was used. */
void	client_call_invalid(struct evhttp_request *, int basic,
	    const char *why);

/*
 * The call's token verified for any audience this issuer serves (the
 * Management API's, /userinfo's), into a and *aud; -1 when it does not
 * verify for any (malformed, another issuer's, expired, ...).  Not
 * checked: whether it is revoked, and whose it is.
 */
int	client_call_verify(const struct client_call *, struct access *a,
	    const char **aud);

#endif
