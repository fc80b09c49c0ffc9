/*
 * The Management API's four-eyes approvals (DESIGN.md section 8):
 *
 *	GET /api/v2/impersonations/approvals		the pending ones
 *	GET /api/v2/impersonations/approvals/{id}	one; approved, its
 *							link, once, to the
 *							client that asked
 *	POST /api/v2/impersonations/approvals/{id}	{"approve": true,
 *							"approver_id": ...}
 *
 * The front end answers what is malformed and what its own list says is
 * decided already; the signer checks everything else again (who asks,
 * who approves, the grant) and says no without a record of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "approvals.h"
#include "bearer.h"
#include "http.h"
#include "params.h"
#include "path.h"
#include "reply.h"
#include "scope.h"
#include "webhooks.h"

#define APPROVALS_PREFIX	"/api/v2/impersonations/approvals/"
#define READ_SCOPES		"approve:impersonations impersonate:users"

void
approvals_list(struct evhttp_request *req)
{
	struct access	 a;
	json_t		*list;

	if (bearer_api_check(req, "approve:impersonations", &a) == -1)
		return;
	if ((list = approvals_pending()) == NULL)
		reply_api_error(req, 503, "Out of memory; try again", NULL);
	else
		reply_json(req, 200, list, 0);
}

/* The request's approval, or NULL with the request answered 404. */
static struct approval *
approval_of(struct evhttp_request *req)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = uri ? evhttp_uri_get_path(uri) : NULL;
	struct approval		*ap;
	char			 id[PROTO_APPROVAL_ID_MAX + 1];

	if (path == NULL || path_segment(path, APPROVALS_PREFIX, "", id,
	    sizeof(id)) == -1 || (ap = approvals_find(id)) == NULL) {
		reply_api_error(req, 404, "The approval does not exist.",
		    "inexistent_approval");
		return NULL;
	}
	return ap;
}

static void
reply_approval(struct evhttp_request *req, int code,
    const struct approval *ap, const char *link)
{
	json_t	*o;

	if (ap == NULL || (o = approvals_json(ap, link)) == NULL)
		reply_unavailable(req);
	else
		reply_json(req, code, o, link != NULL);
}

/* The signer's refusal of a call the front end found well formed. */
static void
reply_refusal(struct evhttp_request *req, const struct proto_msg *rep,
    const struct approval *ap)
{
	char	 why[PROTO_MESSAGE_MAX + 1], rule[PROTO_EVENT_MAX + 1];

	switch (rep == NULL ? PROTO_ERR_INTERNAL : rep->status) {
	case PROTO_ERR_BEARER:
		reply_bearer_error(req, "the signer refused the token");
		break;
	case PROTO_ERR_INVALID_GRANT:
		reply_api_error(req, 409, "The approval has expired",
		    "approval_expired");
		break;
	case PROTO_ERR_REDEEMED:
		reply_api_error(req, 409, "The approval was decided or used "
		    "before", "approval_decided");
		break;
	case PROTO_ERR_REQUEST:
		reply_api_error(req, 400, "The signer refused the request",
		    "invalid_body");
		break;
	case PROTO_ERR_GRANT:
		/* Not who asked: the status, and no link. */
		reply_approval(req, 200, ap, NULL);
		break;
	case PROTO_OK:		/* a rule refused, and it is recorded */
		approval_refusal(rep, why, rule);
		reply_api_error(req, 403, why, rule);
		break;
	default:
		reply_unavailable(req);
		break;
	}
}

static void
decided(const struct proto_msg *rep, struct approval *ap, void *arg)
{
	struct evhttp_request	*req = arg;

	if (rep != NULL && rep->status == PROTO_OK &&
	    rep->u.approval_rep.rule.len == 0)
		reply_approval(req, 200, ap, NULL);
	else
		reply_refusal(req, rep, ap);
}

static void
decide(struct evhttp_request *req, struct approval *ap)
{
	struct approval_authority	 auth = { NULL, NULL, NULL };
	struct params			 p;
	const char			*why, *approver;
	int				 bad = 0, approve;

	if (params_read(req, &p, &why) == -1) {
		reply_api_error(req, 400, why, "invalid_body");
		return;
	}
	approver = params_get(&p, "approver_id", &bad);
	if (params_bool(&p, "approve", &approve) != 0)
		why = "approve must be true or false";
	else if (bad || approver == NULL || approver[0] == '\0' ||
	    !params_text(approver, PROTO_USER_ID_MAX))
		why = "approver_id is required";
	else
		why = NULL;
	if (why != NULL)
		reply_api_error(req, 400, why, "invalid_body");
	else if (ap->status != APPROVAL_PENDING)
		reply_api_error(req, 409, ap->status == APPROVAL_EXPIRED ?
		    "The approval has expired" : "The approval was decided "
		    "before", ap->status == APPROVAL_EXPIRED ?
		    "approval_expired" : "approval_decided");
	else {
		auth.bearer = bearer_token(req);
		if (approval_decide(ap, approve, approver, &auth, req, decided,
		    req) == -1)
			reply_busy(req, "the approval is being decided");
	}
	params_free(&p);
}

/* The link minted for who asked: kept under its ticket, and answered. */
static void
linked(const struct proto_msg *rep, struct approval *ap, void *arg)
{
	struct evhttp_request	*req = arg;
	char			*link;
	int			 full;

	if (rep == NULL || rep->status != PROTO_OK ||
	    rep->u.link_rep.rule.len > 0) {
		if (rep != NULL && rep->status == PROTO_OK)
			webhooks_send(rep->u.link_rep.webhook,
			    rep->u.link_rep.webhook_grant);
		if (rep != NULL && rep->status == PROTO_ERR_REDEEMED)
			reply_approval(req, 200, ap, NULL);
		else
			reply_refusal(req, rep, ap);
		return;
	}
	if (ap == NULL)
		reply_unavailable(req);
	else if ((link = link_keep(rep, ap->request, ap->impersonator_id,
	    &full)) == NULL)
		full ? reply_busy(req, "too many impersonation links are "
		    "live; try again") : reply_unavailable(req);
	else {
		reply_approval(req, 200, ap, link);
		free(link);
	}
}

void
approvals_one(struct evhttp_request *req)
{
	struct approval_authority	 auth = { NULL, NULL, NULL };
	struct approval			*ap;
	struct access			 a;
	int	 post = evhttp_request_get_command(req) == EVHTTP_REQ_POST;

	/* Authorized before anything of the request is looked at. */
	if (bearer_api_check(req, post ? "approve:impersonations" :
	    READ_SCOPES, &a) == -1 || (ap = approval_of(req)) == NULL)
		return;
	if (post) {
		decide(req, ap);
		return;
	}
	/* Only the client that asked gets the link; the signer checks. */
	if (ap->status != APPROVAL_APPROVED || ap->link_given ||
	    ap->from_console || strcmp(a.client_id, ap->caller) != 0 ||
	    !scope_has(a.scope, "impersonate:users")) {
		reply_approval(req, 200, ap, NULL);
		return;
	}
	auth.bearer = bearer_token(req);
	if (approval_link(ap, &auth, req, linked, req) == -1)
		reply_busy(req, "the approval is being decided");
}
