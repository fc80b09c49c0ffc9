/*
 * The signer request for the tokens of an impersonated login: the typed
 * fields and the profile the scope allows, from the directory as it is at
 * the moment the tokens are made.
 */
#ifndef GUISE_LOGIN_H
#define GUISE_LOGIN_H

#include "proto.h"
#include "store.h"

struct login_request {
	struct proto_msg	 msg;
	char			*profile;	/* JSON text the msg points to */
};

/*
 * Fill lr->msg as type (PROTO_CODE_TOKENS or PROTO_IMPLICIT_TOKENS) for
 * imp; the caller adds the secret of a code exchange.  Returns 0, or -1
 * when either user is gone from the directory or the profile does not fit.
 */
int	login_request(const struct impersonation *imp, enum proto_type type,
	    struct login_request *lr);
void	login_request_clear(struct login_request *);

#endif
