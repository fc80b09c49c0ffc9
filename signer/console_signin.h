/*
 * Who signs in to the console (DESIGN.md section 7), decided by the
 * signer: the identity the provider's id_token proves (common/idp_token.h,
 * on the keys of console_idp.h), mapped to a directory user of the
 * signer's own roster, who must be allowed to impersonate.  The console
 * identity every later decision rests on is this user, never one the front
 * end names.
 */
#ifndef GUISE_CONSOLE_SIGNIN_H
#define GUISE_CONSOLE_SIGNIN_H

#include <stddef.h>
#include <time.h>

#include "config.h"
#include "idp_token.h"
#include "jwks.h"
#include "policy.h"
#include "users.h"

struct console_signin {
	struct idp_identity	 id;		/* what the provider proved */
	const struct user	*staff;		/* the roster's user, when
						 * one was found */
};

/*
 * The sign-in of id_token (len bytes) with nonce at now, on keys: -1 with
 * *why when the token does not hold (nobody proved anything: not worth a
 * record each); else 0 with s->id, and v->status 0 with s->staff allowed,
 * or the refusal (403) and its rule, for the record.
 */
int	console_signin(const struct config *, const struct jwks_set *keys,
	    const char *id_token, size_t len, const char *nonce, time_t now,
	    struct console_signin *s, struct policy_verdict *v,
	    const char **why);

#endif
