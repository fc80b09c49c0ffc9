/*
 * The impersonation policy of DESIGN.md section 3, beyond Auth0's: who may
 * impersonate whom.  Every refusal says which rule refused, for the answer
 * and for the audit log.
 */
#ifndef GUISE_POLICY_H
#define GUISE_POLICY_H

#include "config.h"

struct policy_verdict {
	int		 status;	/* 0: allowed; else the HTTP status */
	const char	*rule;		/* the rule that refused, for logs */
	const char	*message;	/* for the client */
};

/*
 * May impersonator_id impersonate user_id in the application app, given
 * the directory as it is now?  Returns v->status.
 */
int	policy_check(const struct config *, const struct client_config *app,
	    const char *impersonator_id, const char *user_id,
	    struct policy_verdict *);

#endif
