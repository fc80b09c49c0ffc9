/*
 * The rules in the order the front end applied them, so that a refusal
 * names the same rule whichever process decided: the application first,
 * then the target's existence (the only 404), then the impersonator, then
 * the target.
 */
#include <string.h>

#include "policy.h"
#include "roster.h"
#include "users.h"

/* A user matches when listed by id or when it has one of the roles. */
static int
matches(const struct match_config *m, const struct user *u)
{
	size_t	 i;

	if (strlist_has(&m->users, u->user_id))
		return 1;
	for (i = 0; i < m->roles.n; i++)
		if (user_has_role(u, m->roles.v[i]))
			return 1;
	return 0;
}

int
policy_may_impersonate(const struct config *conf, const struct user *u)
{
	return matches(&conf->impersonators, u);
}

int
policy_needs_approval(const struct config *conf, const struct user *u)
{
	return conf->approval.enabled && matches(&conf->approval.required, u);
}

int
policy_may_approve(const struct config *conf, const struct user *u)
{
	return conf->approval.enabled && !u->blocked &&
	    matches(&conf->approval.approvers, u);
}

static int
refuse(struct policy_verdict *v, int status, const char *rule,
    const char *message)
{
	v->status = status;
	v->rule = rule;
	v->message = message;
	return status;
}

int
policy_check(const struct config *conf, const struct client_config *app,
    const char *impersonator_id, const char *user_id,
    struct policy_verdict *v)
{
	const struct user	*imp, *target;

	if (!app->allow_impersonation)
		return refuse(v, 403, "application_opt_in",
		    "this application does not allow impersonation");
	if ((target = roster_user(user_id)) == NULL)
		return refuse(v, 404, "target_exists",
		    "the user does not exist");
	if ((imp = roster_user(impersonator_id)) == NULL)
		return refuse(v, 403, "impersonator_exists",
		    "the impersonator is not a known user");
	if (imp->blocked)
		return refuse(v, 403, "impersonator_blocked",
		    "the impersonator is blocked");
	if (!matches(&conf->impersonators, imp))
		return refuse(v, 403, "impersonator_allowed",
		    "the impersonator may not impersonate");
	if (strcmp(imp->user_id, target->user_id) == 0)
		return refuse(v, 403, "target_not_self",
		    "an impersonator cannot impersonate themselves");
	if (target->blocked)
		return refuse(v, 403, "target_blocked", "the user is blocked");
	/* Whoever may impersonate is protected too, whatever the list says. */
	if (matches(&conf->protected, target) ||
	    matches(&conf->impersonators, target))
		return refuse(v, 403, "target_protected",
		    "the user is protected from impersonation");
	return refuse(v, 0, NULL, NULL);
}

unsigned int
policy_grant_of(int response_type)
{
	switch (response_type) {
	case POLICY_RESPONSE_CODE:
		return GRANT_AUTHORIZATION_CODE;
	case POLICY_RESPONSE_TOKEN:
		return GRANT_IMPLICIT;
	default:
		return 0;	/* allowed by no application */
	}
}

int
policy_recheck(const struct config *conf, const char *client_id,
    const char *callback_url, int response_type, const char *impersonator_id,
    const char *user_id, int approved, struct policy_verdict *v)
{
	const struct client_config	*app;
	const struct user		*target;
	unsigned int			 grant = policy_grant_of(response_type);

	if ((app = config_client(conf, client_id)) == NULL)
		return refuse(v, 403, "application_gone",
		    "the application is gone");
	if (!strlist_has(&app->callbacks, callback_url))
		return refuse(v, 403, "callback_unregistered",
		    "the callback is no longer registered");
	if (!(app->grant_types & grant))
		return refuse(v, 403, "grant_not_allowed",
		    "the application no longer allows this response_type");
	if (policy_check(conf, app, impersonator_id, user_id, v) != 0)
		return v->status;
	if (!approved && (target = roster_user(user_id)) != NULL &&
	    policy_needs_approval(conf, target))
		return refuse(v, 403, "approval_required",
		    "the impersonation of this user needs an approval");
	return 0;
}
