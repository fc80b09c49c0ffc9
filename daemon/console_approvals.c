/*
 * The console's four-eyes approvals (DESIGN.md sections 7 and 8):
 *
 *	GET  approvals		the pending ones, and those this console
 *				session asked for, whatever their status
 *	POST approvals/decide	approval_id, approve (true or false): as the
 *				person signed in
 *	POST approvals/open	approval_id: the link of an approved one, for
 *				the console session that asked for it
 *
 * and the 202 of an impersonation that waits for an approver
 * (console_api.c).  Who decides or opens is the person of the console
 * grant and cookie, as the signer reads them (the name the front end
 * passes is for its own list only): the signer decides who may approve,
 * that the requester may not, and that only the session that asked gets
 * the link.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/http.h>
#include <jansson.h>

#include "approvals.h"
#include "console.h"
#include "form.h"
#include "http.h"
#include "reply.h"
#include "webhooks.h"

/*
 * The front end's expiry of an approval is taken once the signer has
 * answered, a moment after the signer's own: a grant the signer calls
 * invalid this close to it has expired, rather than the console session.
 */
#define EXPIRY_SLACK	5	/* seconds */

void
console_approval_asked(struct evhttp_request *req, const struct proto_msg *rep,
    const struct impersonation *base, const char *impersonator_id,
    const char *user_id, const char *reason, const char *cookie)
{
	struct approval	*a;
	json_t		*o;

	if ((a = approvals_add(rep, base, impersonator_id, user_id, reason,
	    "console", cookie)) == NULL)
		reply_busy(req, "too many approvals are kept; try again");
	else if ((o = json_pack("{s:s, s:s}", "approval_id", a->id, "status",
	    "pending")) == NULL)
		reply_unavailable(req);
	else
		reply_json(req, 202, o, 1);
}

/* An approval as the console shows it: whether it was asked for here. */
static json_t *
shown(const struct approval *a, const char *cookie)
{
	json_t	*o;

	if ((o = approvals_json(a, NULL)) == NULL)
		return NULL;
	if (json_object_set_new(o, "asked_here",
	    json_boolean(approval_asked_from(a, cookie))) == -1 ||
	    json_object_set_new(o, "opened",
	    json_boolean(a->link_given)) == -1) {
		json_decref(o);
		return NULL;
	}
	return o;
}

void
console_approvals(struct evhttp_request *req, const char *cookie)
{
	struct approval	*a;
	json_t		*list, *o;

	if ((list = json_array()) == NULL) {
		reply_unavailable(req);
		return;
	}
	/*
	 * Everyone signed in sees what waits for an approver; a requester
	 * also sees what became of their own, to open it once approved.
	 */
	for (a = approvals_oldest(); a != NULL; a = TAILQ_NEXT(a, entry)) {
		if (a->status != APPROVAL_PENDING &&
		    !approval_asked_from(a, cookie))
			continue;
		if ((o = shown(a, cookie)) == NULL ||
		    json_array_append_new(list, o) == -1) {
			json_decref(list);
			reply_unavailable(req);
			return;
		}
	}
	reply_no_store(req);
	reply_json(req, 200, list, 0);
}

/*
 * The approval a POST names: its form read and checked (console_post),
 * then approval_id.  NULL with the request answered: 400 without one,
 * 404 for one that is not kept.  The form, over *buf, is the caller's.
 */
static struct approval *
approval_posted(struct evhttp_request *req, const struct console_session *s,
    struct form *f, char **buf)
{
	struct approval	*a;
	const char	*id;

	if (console_post(req, s, f, buf) == -1)
		return NULL;
	if ((id = form_get(f, "approval_id")) == NULL || id[0] == '\0') {
		reply_oauth_error(req, 400, "invalid_request",
		    "approval_id is missing");
		goto fail;
	}
	if (strlen(id) > PROTO_APPROVAL_ID_MAX ||
	    (a = approvals_find(id)) == NULL) {
		reply_oauth_error(req, 404, "not_found", "no such approval");
		goto fail;
	}
	return a;
fail:
	free(*buf);
	*buf = NULL;
	return NULL;
}

/* 409 for an approval that its status says is past the step asked for. */
static void
reply_past(struct evhttp_request *req, const struct approval *a)
{
	switch (a->status) {
	case APPROVAL_PENDING:
		reply_oauth_error(req, 409, "approval_pending", "the "
		    "impersonation waits for an approver");
		break;
	case APPROVAL_APPROVED:
		reply_oauth_error(req, 409, "approval_decided", a->link_given ?
		    "the approved impersonation was opened before" :
		    "the approval was decided before");
		break;
	case APPROVAL_REJECTED:
		reply_oauth_error(req, 409, "approval_decided", "the "
		    "impersonation was rejected");
		break;
	case APPROVAL_EXPIRED:
		reply_oauth_error(req, 409, "approval_expired", "the approval "
		    "has expired");
		break;
	}
}

/* The signer's refusal, as approvals_api.c maps it for the console. */
static void
reply_refusal(struct evhttp_request *req, const struct proto_msg *rep,
    const struct approval *a)
{
	char	 why[PROTO_MESSAGE_MAX + 1], rule[PROTO_EVENT_MAX + 1];
	json_t	*o;
	int	 link = rep != NULL && rep->type == PROTO_APPROVAL_LINK;

	switch (rep == NULL ? PROTO_ERR_INTERNAL : rep->status) {
	case PROTO_ERR_INVALID_GRANT:
		/* The approval's grant, or the console session's. */
		if (a == NULL || time(NULL) + EXPIRY_SLACK >= a->expires_at)
			reply_oauth_error(req, 409, "approval_expired",
			    "the approval has expired");
		else
			reply_oauth_error(req, 401, "login_required",
			    "the console session has ended: sign in again");
		break;
	case PROTO_ERR_REDEEMED:
		reply_oauth_error(req, 409, "approval_decided", link ?
		    "the approved impersonation was opened before" :
		    "the approval was decided before");
		break;
	case PROTO_ERR_GRANT:
		reply_oauth_error(req, 403, "access_denied", "only the console "
		    "session that asked for this impersonation can open it");
		break;
	case PROTO_ERR_REQUEST:
		reply_oauth_error(req, 400, "invalid_request",
		    "the signer refused the request");
		break;
	case PROTO_OK:		/* a rule refused, and it is recorded */
		approval_refusal(rep, why, rule);
		o = json_pack("{s:s, s:s, s:s}", "error", link &&
		    rep->u.link_rep.refusal == 404 ? "not_found" :
		    "access_denied", "error_description", why, "rule", rule);
		reply_json(req, link && rep->u.link_rep.refusal == 404 ? 404 :
		    403, o, 1);
		break;
	default:
		reply_unavailable(req);
		break;
	}
}

static void
decided(const struct proto_msg *rep, struct approval *a, void *arg)
{
	struct evhttp_request	*req = arg;
	json_t			*o;

	if (rep == NULL || rep->status != PROTO_OK ||
	    rep->u.approval_rep.rule.len > 0)
		reply_refusal(req, rep, a);
	else if (a == NULL || (o = approvals_json(a, NULL)) == NULL)
		reply_unavailable(req);
	else
		reply_json(req, 200, o, 1);
}

void
console_approval_decide(struct evhttp_request *req,
    const struct console_session *s, const char *cookie)
{
	struct approval_authority	 auth = { NULL, cookie, s->grant };
	struct approval			*a;
	struct form			 f;
	const char			*v;
	char				*buf;
	int				 approve;

	if ((a = approval_posted(req, s, &f, &buf)) == NULL)
		return;
	v = form_get(&f, "approve");
	if (v != NULL && strcmp(v, "true") == 0)
		approve = 1;
	else if (v != NULL && strcmp(v, "false") == 0)
		approve = 0;
	else
		approve = -1;
	free(buf);
	if (approve == -1)
		reply_oauth_error(req, 400, "invalid_request",
		    "approve must be true or false");
	else if (a->status != APPROVAL_PENDING)
		reply_past(req, a);
	/* The signer takes the approver from the session's grant; the name
	 * the sign-in gave is for the list. */
	else if (approval_decide(a, approve, s->user_id, &auth, req, decided,
	    req) == -1)
		reply_busy(req, "the approval is being decided; try again");
}

/* The link minted for the session that asked: kept, and answered. */
static void
linked(const struct proto_msg *rep, struct approval *a, void *arg)
{
	struct evhttp_request	*req = arg;
	json_t			*o;
	char			*link;
	int			 full;

	if (rep == NULL || rep->status != PROTO_OK ||
	    rep->u.link_rep.rule.len > 0) {
		if (rep != NULL && rep->status == PROTO_OK)
			webhooks_send(rep->u.link_rep.webhook,
			    rep->u.link_rep.webhook_grant);
		reply_refusal(req, rep, a);
	} else if (a == NULL)
		reply_unavailable(req);
	else if ((link = link_keep(rep, a->request, a->impersonator_id,
	    &full)) == NULL)
		full ? reply_busy(req, "too many impersonation links are "
		    "live; try again") : reply_unavailable(req);
	else {
		if ((o = json_pack("{s:s}", "link", link)) == NULL)
			reply_unavailable(req);
		else
			reply_json(req, 200, o, 1);
		free(link);
	}
}

void
console_approval_open(struct evhttp_request *req,
    const struct console_session *s, const char *cookie)
{
	struct approval_authority	 auth = { NULL, cookie, s->grant };
	struct approval			*a;
	struct form			 f;
	char				*buf;

	if ((a = approval_posted(req, s, &f, &buf)) == NULL)
		return;
	free(buf);
	/* Whose session it is, the signer checks on the grant. */
	if (a->status != APPROVAL_APPROVED || a->link_given)
		reply_past(req, a);
	else if (approval_link(a, &auth, req, linked, req) == -1)
		reply_busy(req, "the approval is being opened; try again");
}
