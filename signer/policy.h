/*
 * The impersonation policy of DESIGN.md section 3, decided by the signer
 * on its own copy of the users (roster.h), so that a front end broken
 * into cannot talk it into a login: who may impersonate whom, into which
 * application.  Every refusal says which rule refused, for the answer and
 * for the audit log, by the names, statuses and messages the front end
 * has always answered and recorded with (daemon/policy.c decided before).
 */
#ifndef GUISE_SIGNER_POLICY_H
#define GUISE_SIGNER_POLICY_H

#include "config.h"

/* response_type as the front end numbers it (daemon/store.h). */
#define POLICY_RESPONSE_CODE	1	/* GRANT_AUTHORIZATION_CODE */
#define POLICY_RESPONSE_TOKEN	2	/* GRANT_IMPLICIT */

/* The grant (GRANT_*) a response_type asks for; 0 for none. */
unsigned int	policy_grant_of(int response_type);

struct policy_verdict {
	int		 status;	/* 0: allowed; else the HTTP status */
	const char	*rule;		/* the rule that refused, for logs */
	const char	*message;	/* for the client */
};

struct user;

/* Does u match impersonators (its user_id listed, or one of the roles)? */
int	policy_may_impersonate(const struct config *, const struct user *u);

/* Does impersonating u need an approval (approval.required matches)? */
int	policy_needs_approval(const struct config *, const struct user *u);

/* May u approve (approval.approvers matches, and u is not blocked)? */
int	policy_may_approve(const struct config *, const struct user *u);

/*
 * May impersonator_id impersonate user_id in the application app, given
 * the roster as it is now?  Returns v->status: 0, 404 when user_id is no
 * user, else 403.
 */
int	policy_check(const struct config *, const struct client_config *app,
	    const char *impersonator_id, const char *user_id,
	    struct policy_verdict *);

/*
 * May an impersonation allowed when its link was made still be followed,
 * or its code exchanged, with the configuration and the roster as they
 * are now?  The application client_id must still exist, still have
 * callback_url registered byte for byte and still allow the grant of
 * response_type (POLICY_RESPONSE_*; any other is refused as a grant not
 * allowed), policy_check must pass, and a user who needs an approval now
 * must have had one (approved).  Returns v->status: 0, or the refusal's
 * (403, or policy_check's), v->rule naming the rule.
 */
int	policy_recheck(const struct config *, const char *client_id,
	    const char *callback_url, int response_type,
	    const char *impersonator_id, const char *user_id, int approved,
	    struct policy_verdict *);

#endif
