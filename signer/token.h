/* Tokens the signer builds: registered claims are always its own. */
#ifndef GUISE_TOKEN_H
#define GUISE_TOKEN_H

#include <stddef.h>

#include "config.h"
#include "proto.h"
#include "users.h"

#define CLIENT_TOKEN_TTL	3600	/* client_credentials, seconds */

void	token_init(const struct config *);

/*
 * A client_credentials access token (RFC 9068) for client, with the given
 * audience and already granted scope.  Returns the token's length, or -1.
 */
long	token_client_credentials(const struct client_config *client,
	    const char *audience, const char *scope, char *out, size_t outlen,
	    char jti[PROTO_JTI_MAX + 1]);

/* The audience of the Management API, {issuer}api/v2/. */
const char *token_api_audience(void);
/* The audience of an impersonated login's access token, {issuer}userinfo. */
const char *token_userinfo_audience(void);

/* An impersonated login, of users of the signer's own roster. */
/*
 * A private_key_jwt client assertion (RFC 7523 section 3) for the console
 * at its identity provider: iss and sub client_id, aud audience (the
 * provider's issuer, DESIGN.md section 7), a fresh jti, living
 * CLIENT_ASSERTION_TTL.  Returns its length, or -1.
 */
#define CLIENT_ASSERTION_TTL	60	/* seconds */
long	token_client_assertion(const char *client_id, const char *audience,
	    char *out, size_t outlen);

struct login {
	const struct client_config	*client;	/* the application */
	const struct user		*user;
	const struct user		*impersonator;
	const char			*scope;
	const char			*nonce;			/* or "" */
	const char			*code;		/* NULL: implicit */
	long long			 auth_time;
	/* The impersonation session the login is in (session.h): its sid,
	 * a claim of both tokens, and its end, which neither outlives. */
	const char			*sid;
	long long			 session_exp;
};

struct login_tokens {
	char		 id_token[PROTO_ID_TOKEN_MAX + 1];
	char		 access_token[PROTO_TOKEN_MAX + 1];
	char		 jti[PROTO_JTI_MAX + 1];	/* the access token's */
	long		 id_len;
	long		 access_len;
	int		 expires_in;
};

/*
 * The access token (for {issuer}userinfo, token_ttl seconds and not past
 * the session's end) and the id_token of an impersonated login, the
 * profile claims its scope allows taken from the user's record.  Returns a proto_status: PROTO_OK or
 * PROTO_ERR_INTERNAL.
 */
int	token_login(const struct login *, struct login_tokens *);

/*
 * The logout token of OpenID Connect Back-Channel Logout 1.0 (section 2.4)
 * telling client that the session sid of sub ended: iss, sub, aud, iat,
 * exp, jti (into jti), sid and the back-channel logout event, never a
 * nonce; typ logout+jwt (its section 4.1), signed as the client's
 * id_tokens are.  Returns its length, or -1.
 */
#define LOGOUT_TOKEN_TTL	120	/* seconds: it waits out retries */
long	token_logout(const struct client_config *client, const char *sub,
	    const char *sid, char *out, size_t outlen,
	    char jti[PROTO_JTI_MAX + 1]);

#endif
