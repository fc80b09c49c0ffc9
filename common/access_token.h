/*
 * An RFC 9068 access token signed by one of the keys of the JWKS loaded
 * (jwks.h), for this issuer and an audience, not expired: what every
 * protected endpoint of the front end asks, and what the signer asks of
 * whoever wants an impersonation link.
 */
#ifndef GUISE_ACCESS_TOKEN_H
#define GUISE_ACCESS_TOKEN_H

#include <stddef.h>
#include <time.h>

#include "proto.h"

#define BEARER_TOKEN_MAX	PROTO_TOKEN_MAX

struct access {
	char	 sub[PROTO_USER_ID_MAX + 1];
	char	 act_sub[PROTO_USER_ID_MAX + 1];	/* "" unless acting */
	char	 client_id[PROTO_CLIENT_ID_MAX + 1];
	char	 scope[PROTO_SCOPE_MAX + 1];
	char	 jti[64];
	/* the impersonation session it was issued in: "" for none */
	char	 sid[PROTO_SID_MAX + 1];
	long long iat;				/* 0 when the token has none */
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
 * bearer_verify for each of the n audiences in turn: the index of the
 * first the token holds for, or -1 (out and *why as the last attempt left
 * them).  For a token whose audience the caller does not know in advance:
 * introspection and revocation.
 */
int	bearer_verify_any(const char *token, size_t len, const char *issuer,
	    const char *const *audiences, size_t n, time_t now,
	    struct access *out, const char **why);

#endif
