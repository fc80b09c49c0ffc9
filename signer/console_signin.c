#include <string.h>

#include "console_signin.h"
#include "roster.h"

static int
refuse(struct policy_verdict *v, const char *rule, const char *message)
{
	v->status = 403;
	v->rule = rule;
	v->message = message;
	return 0;
}

/* The directory user the provider's identity is, by the configured match. */
static int
staff_of(const struct config *conf, struct console_signin *s,
    struct policy_verdict *v)
{
	const struct user	*found[2];

	if (conf->console.idp_match == IDP_MATCH_SUB) {
		if ((s->staff = roster_user(s->id.sub)) == NULL)
			return refuse(v, "staff_unknown", "you are not a user "
			    "of this directory");
		return 1;
	}
	/* An email the provider does not vouch for names nobody. */
	if (s->id.email[0] == '\0' || !s->id.email_verified)
		return refuse(v, "staff_email_unverified", "your identity "
		    "provider did not verify your email");
	switch (roster_by_email(s->id.email, found, 2)) {
	case 0:
		return refuse(v, "staff_unknown", "you are not a user of this "
		    "directory");
	case 1:
		s->staff = found[0];
		return 1;
	default:
		return refuse(v, "staff_ambiguous", "your email names more "
		    "than one user of this directory");
	}
}

int
console_signin(const struct config *conf, const struct jwks_set *keys,
    const char *id_token, size_t len, const char *nonce, time_t now,
    struct console_signin *s, struct policy_verdict *v, const char **why)
{
	memset(s, 0, sizeof(*s));
	memset(v, 0, sizeof(*v));
	if (idp_token_verify(id_token, len, keys, conf->console.idp_issuer,
	    conf->console.idp_client_id, nonce, now, &s->id, why) == -1)
		return -1;
	if (staff_of(conf, s, v) != 1)
		return 0;
	if (s->staff->blocked)
		return refuse(v, "staff_blocked", "you are blocked in this "
		    "directory");
	/* Approvers (DESIGN.md section 8) come to approve. */
	if (!policy_may_impersonate(conf, s->staff) &&
	    !policy_may_approve(conf, s->staff))
		return refuse(v, "staff_not_allowed", "you may not "
		    "impersonate anyone");
	return 0;
}
