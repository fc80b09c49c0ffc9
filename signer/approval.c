/*
 * Four-eyes approval (approval.h).  Every step is on the record under the
 * approval's id: asked for (impersonation.requested, pending), decided or
 * refused (impersonation.approval_decided), used (the link's
 * impersonation.requested, which redeems the approved grant), expired
 * (impersonation.approval_expired).  The id is no secret: the audit log
 * and the console show it; who may decide or use an approval is proved
 * each time, by a bearer token or a console session.
 */
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "access_token.h"
#include "approval.h"
#include "audit.h"
#include "console_answers.h"
#include "grant_text.h"
#include "impersonation.h"
#include "policy.h"
#include "random.h"
#include "redeemed.h"
#include "roster.h"
#include "users.h"

#define REQUESTER	"the requester cannot approve their own request"
#define SAME_CLIENT	"another client than the one that asked must approve"
#define NOT_APPROVER	"the approver may not approve impersonations"
#define TARGET		"the user cannot approve their own impersonation"

/*
 * An expiry is taken this long after it, and remembered as long, so that
 * it is recorded once (a front end asks each second until it is).  A
 * decision and a link keep their grant's id as long (approval_keep): an
 * approval decided or used before its expiry is not recorded expired
 * after it.
 */
#define EXPIRE_WINDOW	CONFIG_APPROVAL_EXPIRE_WINDOW

static const struct config	*conf;

/* What a reply points into: valid until the next request is answered. */
static char	 id_out[SECRET_LEN + 1];
static char	 grant_out[PROTO_GRANT_MAX + 1];

void
approval_init(const struct config *c)
{
	conf = c;
}

long long
approval_keep(const struct grant *g)
{
	return g->exp + EXPIRE_WINDOW;
}

int
approval_needed(const struct grant *g)
{
	const struct user	*u;

	return g->approval_id[0] == '\0' &&
	    (u = roster_user(g->user_id)) != NULL &&
	    policy_needs_approval(conf, u);
}

/* g, under the same id (ticket_hash) as kind, with a new grant id. */
static int
reissue(const struct grant *g, enum grant_kind kind,
    char text[PROTO_GRANT_MAX + 1])
{
	struct grant	 n = *g;

	n.kind = kind;
	return random_draw(n.id, sizeof(n.id)) == -1 ||
	    grant_to_text(&n, text) == -1 ? -1 : 0;
}

uint32_t
approval_ask(const struct grant *g, struct audit_record *r,
    struct proto_msg *rep)
{
	char	 hash[SHA256_HEX_LEN + 1];

	if (grant_renew(g, GRANT_KIND_APPROVAL, time(NULL) +
	    conf->approval.ttl, id_out, hash, grant_out) == -1)
		return PROTO_ERR_INTERNAL;
	r->outcome = "pending";
	r->rule = "approval_required";
	r->approval_id = id_out;
	audit_queue(r);
	rep->u.link_rep.approval_id = proto_str(id_out);
	rep->u.link_rep.grant = proto_str(grant_out);
	return PROTO_OK;
}

/*
 * The approval a request presents, of kind, into *g: the signer's, under
 * the request's approval_id.  0, or -1.
 */
static int
presented(const struct proto_msg *req, enum grant_kind kind, struct grant *g)
{
	return conf->approval.enabled &&
	    grant_from_text(req->u.approval_req.grant, kind, g) == 0 &&
	    grant_travels_under(g, req->u.approval_req.approval_id) ? 0 : -1;
}

/* Who presents an approval: a client with a bearer token, or a person at
 * the console. */
struct presenter {
	int		 console;
	char		 client_id[PROTO_CLIENT_ID_MAX + 1];	/* bearer */
	struct grant	 session;				/* console */
};

/*
 * The presenter's authority: a bearer token of the API with scope, not
 * revoked; or, without one, a live console session.  0, or the refusal.
 */
static uint32_t
presenter_of(const struct proto_msg *req, const char *scope, long long now,
    struct presenter *p)
{
	struct access	 a;

	memset(p, 0, sizeof(*p));
	if (req->u.approval_req.bearer.len > 0) {
		if (answer_api_bearer(req->u.approval_req.bearer, scope, now,
		    &a) == -1)
			return PROTO_ERR_BEARER;
		memcpy(p->client_id, a.client_id, sizeof(p->client_id));
		return PROTO_OK;
	}
	if (!conf->console.enabled ||
	    console_session(req->u.approval_req.session,
	    req->u.approval_req.console_grant, &p->session, now) == -1)
		return PROTO_ERR_INVALID_GRANT;
	p->console = 1;
	return PROTO_OK;
}

/* A decision refused: recorded (the approval stays pending), and said. */
static uint32_t
decision_refused(struct audit_record *r, const char *rule,
    const char *message, struct proto_msg *rep)
{
	r->outcome = "denied";
	r->rule = rule;
	audit_queue(r);
	rep->u.approval_rep.rule = proto_str(rule);
	rep->u.approval_rep.refusal = 403;
	rep->u.approval_rep.message = proto_str(message);
	return PROTO_OK;
}

/*
 * PROTO_APPROVAL_DECIDE: a pending approval, alive, and an approver: by a
 * bearer token with approve:impersonations from another client than the
 * one that asked, the approver_id it names; at the console, the person
 * signed in.  The approver must match approvers and be neither the
 * requester nor the user.  A refusal is recorded and leaves the approval
 * pending; a decision redeems it, once.
 */
uint32_t
answer_approval_decide(const struct proto_msg *req, struct proto_msg *rep)
{
	struct audit_record	 r = {
				    .event = "impersonation.approval_decided" };
	struct presenter	 p;
	struct grant		 g;
	const struct user	*approver;
	char	approver_id[PROTO_USER_ID_MAX + 1], id[SHA256_HEX_LEN + 1];
	char	approval_id[PROTO_APPROVAL_ID_MAX + 1];
	char	ip[PROTO_IP_MAX + 1], agent[PROTO_AGENT_MAX + 1];
	long long now = time(NULL);
	uint32_t status;

	if (presented(req, GRANT_KIND_APPROVAL, &g) == -1 || g.exp <= now)
		return PROTO_ERR_INVALID_GRANT;
	if ((status = presenter_of(req, "approve:impersonations", now, &p)) !=
	    PROTO_OK)
		return status;
	/* Decided before: no refusal of it goes on the record either. */
	if (redeemed_has(g.id, now))
		return PROTO_ERR_REDEEMED;
	if (p.console)
		memcpy(approver_id, p.session.impersonator_id,
		    sizeof(approver_id));
	else if (FIELD(approver_id, req->u.approval_req.approver_id) == -1 ||
	    approver_id[0] == '\0')
		return PROTO_ERR_REQUEST;
	FIELD(approval_id, req->u.approval_req.approval_id);
	FIELD(ip, req->u.approval_req.ip);
	FIELD(agent, req->u.approval_req.user_agent);
	r.impersonator_id = g.impersonator_id;
	r.user_id = g.user_id;
	r.client_id = g.client_id;
	r.caller = p.console ? "console" : p.client_id;
	r.approval_id = approval_id;
	r.approver_id = approver_id;
	r.ip = ip;
	r.user_agent = agent;
	if (strcmp(approver_id, g.impersonator_id) == 0)
		return decision_refused(&r, "approver_is_requester",
		    REQUESTER, rep);
	if (!p.console && strcmp(p.client_id, g.caller) == 0)
		return decision_refused(&r, "approver_same_client",
		    SAME_CLIENT, rep);
	if ((approver = roster_user(approver_id)) == NULL ||
	    !policy_may_approve(conf, approver))
		return decision_refused(&r, "approver_allowed", NOT_APPROVER,
		    rep);
	if (strcmp(approver_id, g.user_id) == 0)
		return decision_refused(&r, "approver_is_target", TARGET, rep);
	if ((status = grant_redeem(&g, approval_keep(&g), now)) != PROTO_OK)
		return status;
	grant_recorded(&g, &r, id);
	r.grant_exp = approval_keep(&g);
	if (req->u.approval_req.approve) {
		memcpy(g.approval_id, approval_id, sizeof(approval_id));
		if (reissue(&g, GRANT_KIND_APPROVED, grant_out) == -1)
			return PROTO_ERR_INTERNAL;
		rep->u.approval_rep.grant = proto_str(grant_out);
	}
	r.outcome = req->u.approval_req.approve ? "approved" : "rejected";
	audit_queue(&r);
	return PROTO_OK;
}

/*
 * PROTO_APPROVAL_LINK: an approved approval, alive, presented by who asked
 * for it: through the API, a bearer token with impersonate:users of the
 * client that asked; at the console, the console session that asked.  The
 * link is then decided as any (link_decide: the policy as it is now), and
 * the decision redeems the approval: one link.
 */
uint32_t
answer_approval_link(const struct proto_msg *req, struct proto_msg *rep)
{
	const struct client_config	*app;
	struct presenter		 p;
	struct grant			 g;
	unsigned char			 h[SHA256_LEN];
	char	ip[PROTO_IP_MAX + 1], agent[PROTO_AGENT_MAX + 1];
	long long now = time(NULL);
	uint32_t status;

	if (presented(req, GRANT_KIND_APPROVED, &g) == -1 || g.exp <= now)
		return PROTO_ERR_INVALID_GRANT;
	if ((status = presenter_of(req, "impersonate:users", now, &p)) !=
	    PROTO_OK)
		return status;
	if (p.console != from_console(&g))
		return PROTO_ERR_GRANT;
	if (p.console ? sha256(req->u.approval_req.session.p,
	    req->u.approval_req.session.len, h) == -1 ||
	    CRYPTO_memcmp(h, g.session_hash, sizeof(h)) != 0 :
	    strcmp(p.client_id, g.caller) != 0)
		return PROTO_ERR_GRANT;
	if ((app = config_client(conf, g.client_id)) == NULL)
		return PROTO_ERR_REQUEST;	/* it expires unused */
	if ((status = grant_redeem(&g, approval_keep(&g), now)) != PROTO_OK)
		return status;
	FIELD(ip, req->u.approval_req.ip);
	FIELD(agent, req->u.approval_req.user_agent);
	return link_decide(&g, app, &g, ip, agent, rep);
}

/*
 * PROTO_APPROVAL_EXPIRE: an approval past its expiry, pending or approved
 * and unused, is recorded as expired, once, within EXPIRE_WINDOW.  Its
 * expiry is its own authority.
 */
uint32_t
answer_approval_expire(const struct proto_msg *req, struct proto_msg *rep)
{
	struct audit_record	 r = {
				    .event = "impersonation.approval_expired",
				    .outcome = "expired" };
	struct grant		 g;
	char	approval_id[PROTO_APPROVAL_ID_MAX + 1], id[SHA256_HEX_LEN + 1];
	long long now = time(NULL), keep;
	uint32_t status;

	(void)rep;
	if (presented(req, GRANT_KIND_APPROVAL, &g) == -1 &&
	    presented(req, GRANT_KIND_APPROVED, &g) == -1)
		return PROTO_ERR_INVALID_GRANT;
	if (g.exp > now || now - g.exp > EXPIRE_WINDOW)
		return PROTO_ERR_REQUEST;
	keep = approval_keep(&g);
	if ((status = grant_redeem(&g, keep, now)) != PROTO_OK)
		return status;
	FIELD(approval_id, req->u.approval_req.approval_id);
	r.impersonator_id = g.impersonator_id;
	r.user_id = g.user_id;
	r.client_id = g.client_id;
	r.caller = g.caller;
	r.approval_id = approval_id;
	grant_recorded(&g, &r, id);
	r.grant_exp = keep;
	audit_queue(&r);
	return PROTO_OK;
}
