/*
 * The profile claims a scope allows (DESIGN.md section 2): "profile" and
 * "email" as OpenID Connect defines them, single claim names as Auth0's
 * legacy flow takes them, the metadata only when named, and nothing for
 * "openid" alone.  Used for the id_token and for /userinfo alike.
 */
#ifndef GUISE_PROFILE_H
#define GUISE_PROFILE_H

#include <jansson.h>

#include "users.h"

/* A new object with the claims of u that scope allows. */
json_t	*profile_claims(const struct user *u, const char *scope);

/*
 * {user_id, email} of the impersonator, as id_tokens and /userinfo say; u
 * is impersonator_id's record in the caller's own copy of the users (the
 * front end's, the signer's), NULL when it has none (no email then).
 */
json_t	*profile_impersonator(const char *impersonator_id,
	    const struct user *u);

#endif
