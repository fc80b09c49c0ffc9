/*
 * Four-eyes approval (DESIGN.md section 8), decided by the signer: a link
 * for a user that approval.required matches is not made at once.  The
 * request is recorded as pending and answered with an approval's id and a
 * grant under it (GRANT_KIND_APPROVAL); an approver who is neither the
 * requester nor, through the API, the client that asked, says yes or no
 * (recorded; a yes turns it into GRANT_KIND_APPROVED); and who asked then
 * gets the link, once.  A link grant names the approval that allowed it,
 * and every later step refuses a user who needs one without it
 * (policy_recheck): no login of such a user without an approval record
 * the signer wrote.
 */
#ifndef GUISE_APPROVAL_H
#define GUISE_APPROVAL_H

#include "answers.h"
#include "config.h"
#include "grant.h"

void		 approval_init(const struct config *);

/*
 * Until when the redemption of approval grant g is remembered: its expiry,
 * and as long after as its expiry is taken, so that neither a decided nor
 * a used approval can be recorded as expired (config_approval_window).
 */
long long	 approval_keep(const struct grant *g);

/*
 * Does the link of g, which the policy allowed, wait for an approval?  A
 * user who needs one, and no approval given yet.
 */
int		 approval_needed(const struct grant *g);

struct audit_record;

/*
 * The link of g waits: its approval, recorded as pending with r (the
 * decision's record, its origin filled), into rep (link_rep).
 */
uint32_t	 approval_ask(const struct grant *g, struct audit_record *r,
		    struct proto_msg *rep);

answer_fn	 answer_approval_decide;
answer_fn	 answer_approval_link;
answer_fn	 answer_approval_expire;

#endif
