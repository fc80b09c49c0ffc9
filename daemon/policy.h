/*
 * The impersonation policy of DESIGN.md section 3, beyond Auth0's: who may
 * impersonate whom.  Every refusal says which rule refused, for the answer
 * and for the audit log.
 */
#ifndef GUISE_POLICY_H
#define GUISE_POLICY_H

#include "config.h"
#include "store.h"

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

/*
 * May imp, allowed when its link was made, still be followed or its code
 * exchanged, with the configuration and the directory as they are now (a
 * reload may have changed them)?  Its application must still exist, still
 * have its callback registered byte for byte and still allow the grant of
 * its response type, and policy_check must pass.  Returns v->status: 0,
 * or the refusal's (403, or policy_check's), v->rule naming the rule.
 */
int	policy_recheck(const struct config *, const struct impersonation *,
	    struct policy_verdict *);

#endif
