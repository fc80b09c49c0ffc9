/*
 * The front end's approvals: a table keyed by the id's digest, each entry
 * living APPROVALS_LISTED_AFTER past its expiry, and a list of the same
 * entries in the order they were asked for (their order of expiry too:
 * every approval lives approval.ttl).  A call to the signer names its
 * approval by id and finds it again when answered: an entry may have been
 * forgotten meanwhile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "approvals.h"
#include "audit_client.h"
#include "frontend.h"
#include "log.h"
#include "signer_client.h"
#include "source.h"

static struct table				*approvals;
static TAILQ_HEAD(approval_list, approval)	 order =
    TAILQ_HEAD_INITIALIZER(order);

static const char *const status_names[] = {
	[APPROVAL_PENDING] = "pending",
	[APPROVAL_APPROVED] = "approved",
	[APPROVAL_REJECTED] = "rejected",
	[APPROVAL_EXPIRED] = "expired",
};

static void
approval_free(void *v)
{
	struct approval	*a = v;

	if (a == NULL)
		return;
	if (a->requested_at != 0)
		TAILQ_REMOVE(&order, a, entry);
	free(a->grant);
	impersonation_free(a->request);
	free(a->impersonator_id);
	free(a->user_id);
	free(a->reason);
	free(a->caller);
	free(a->approver_id);
	free(a);
}

int
approvals_init(void)
{
	return (approvals = table_new(APPROVALS_MAX, approval_free)) == NULL ?
	    -1 : 0;
}

struct approval *
approvals_add(const struct proto_msg *rep, const struct impersonation *request,
    const char *impersonator_id, const char *user_id, const char *reason,
    const char *caller, const char *console_cookie)
{
	struct approval	*a;
	unsigned char	 key[TABLE_KEY_LEN];
	time_t		 now = time(NULL);

	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    proto_strcpy(a->id, sizeof(a->id),
	    rep->u.link_rep.approval_id) == -1 || a->id[0] == '\0' ||
	    (a->grant = strndup(rep->u.link_rep.grant.p,
	    rep->u.link_rep.grant.len)) == NULL || a->grant[0] == '\0' ||
	    (a->request = impersonation_dup(request)) == NULL ||
	    (a->impersonator_id = strdup(impersonator_id)) == NULL ||
	    (a->user_id = strdup(user_id)) == NULL ||
	    (a->reason = strdup(reason != NULL ? reason : "")) == NULL ||
	    (a->caller = strdup(caller)) == NULL)
		goto fail;
	if (console_cookie != NULL && console_cookie[0] != '\0') {
		table_key(console_cookie, a->console);
		a->from_console = 1;
	}
	a->expires_at = now + fe->conf->approval.ttl;
	table_key(a->id, key);
	if (table_put(approvals, key, a, a->expires_at +
	    APPROVALS_LISTED_AFTER) == -1) {
		log_warnx("approvals: %zu kept, no room for another",
		    table_count(approvals));
		goto fail;
	}
	a->requested_at = now;
	TAILQ_INSERT_TAIL(&order, a, entry);
	return a;
fail:
	approval_free(a);
	return NULL;
}

struct approval *
approvals_find(const char *id)
{
	unsigned char	 key[TABLE_KEY_LEN];

	table_key(id, key);
	return table_get(approvals, key, time(NULL));
}

json_t *
approvals_json(const struct approval *a, const char *link)
{
	json_t	*o;

	if ((o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I}",
	    "approval_id", a->id, "status", status_names[a->status],
	    "user_id", a->user_id, "impersonator_id", a->impersonator_id,
	    "client_id", a->request->client_id, "reason", a->reason,
	    "requested_at", (json_int_t)a->requested_at,
	    "expires_at", (json_int_t)a->expires_at)) == NULL)
		return NULL;
	if ((a->approver_id != NULL && json_object_set_new(o, "approver_id",
	    json_string(a->approver_id)) == -1) ||
	    (link != NULL && json_object_set_new(o, "link",
	    json_string(link)) == -1)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
approvals_pending(void)
{
	struct approval	*a;
	json_t		*list, *o;

	if ((list = json_array()) == NULL)
		return NULL;
	TAILQ_FOREACH(a, &order, entry) {
		if (a->status != APPROVAL_PENDING)
			continue;
		if ((o = approvals_json(a, NULL)) == NULL ||
		    json_array_append_new(list, o) == -1) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

struct approval *
approvals_oldest(void)
{
	return TAILQ_FIRST(&order);
}

int
approval_asked_from(const struct approval *a, const char *console_cookie)
{
	unsigned char	 key[TABLE_KEY_LEN];

	if (!a->from_console || console_cookie == NULL)
		return 0;
	table_key(console_cookie, key);
	return CRYPTO_memcmp(key, a->console, sizeof(key)) == 0;
}

/* A call to the signer about an approval. */
struct approval_call {
	char		 id[PROTO_APPROVAL_ID_MAX + 1];
	int		 approve;
	char		*approver_id;
	void		(*done)(const struct proto_msg *, struct approval *,
			    void *);
	void		*arg;
	char		 ip[SOURCE_MAX];
};

/* The signer's answer: a's status as it says, then done. */
static void
answered(const struct proto_msg *rep, void *arg)
{
	struct approval_call	*call = arg;
	struct approval		*a = approvals_find(call->id);
	char			*grant;

	if (a != NULL) {
		a->busy = 0;
		if (rep != NULL && rep->status == PROTO_OK &&
		    rep->type == PROTO_APPROVAL_DECIDE &&
		    rep->u.approval_rep.rule.len == 0) {
			a->status = call->approve ? APPROVAL_APPROVED :
			    APPROVAL_REJECTED;
			free(a->approver_id);
			a->approver_id = call->approver_id;
			call->approver_id = NULL;
			if (call->approve && (grant = strndup(
			    rep->u.approval_rep.grant.p,
			    rep->u.approval_rep.grant.len)) != NULL) {
				free(a->grant);
				a->grant = grant;
			}
		} else if (rep != NULL && rep->type == PROTO_APPROVAL_LINK &&
		    (rep->status == PROTO_OK ||
		    rep->status == PROTO_ERR_REDEEMED))
			a->link_given = 1;
	}
	if (call->done != NULL)
		call->done(rep, a, call->arg);
	free(call->approver_id);
	free(call);
}

static int
ask(struct approval *a, uint16_t type, int approve, const char *approver_id,
    const struct approval_authority *auth, struct evhttp_request *origin,
    void (*done)(const struct proto_msg *, struct approval *, void *),
    void *arg)
{
	struct approval_call	*call;
	struct proto_msg	 m;

	if (a->busy)
		return -1;
	if ((call = calloc(1, sizeof(*call))) == NULL ||
	    (approver_id != NULL &&
	    (call->approver_id = strdup(approver_id)) == NULL)) {
		free(call);
		done(NULL, a, arg);
		return 0;
	}
	memcpy(call->id, a->id, sizeof(call->id));
	call->approve = approve;
	call->done = done;
	call->arg = arg;
	memset(&m, 0, sizeof(m));
	m.type = type;
	m.u.approval_req.approval_id = proto_str(a->id);
	m.u.approval_req.grant = proto_str(a->grant);
	m.u.approval_req.approve = (uint32_t)approve;
	m.u.approval_req.approver_id = proto_str(approver_id ? approver_id :
	    "");
	if (auth != NULL) {
		m.u.approval_req.bearer = proto_str(auth->bearer ?
		    auth->bearer : "");
		m.u.approval_req.session = proto_str(auth->console_cookie ?
		    auth->console_cookie : "");
		m.u.approval_req.console_grant = proto_str(auth->console_grant ?
		    auth->console_grant : "");
	}
	if (origin != NULL)
		audit_origin(origin, call->ip, &m.u.approval_req.ip,
		    &m.u.approval_req.user_agent);
	a->busy = 1;
	if (signer_request(&m, answered, call) == -1)
		answered(NULL, call);
	return 0;
}

int
approval_decide(struct approval *a, int approve, const char *approver_id,
    const struct approval_authority *auth, struct evhttp_request *origin,
    void (*done)(const struct proto_msg *, struct approval *, void *),
    void *arg)
{
	return ask(a, PROTO_APPROVAL_DECIDE, approve, approver_id, auth,
	    origin, done, arg);
}

int
approval_link(struct approval *a, const struct approval_authority *auth,
    struct evhttp_request *origin,
    void (*done)(const struct proto_msg *, struct approval *, void *),
    void *arg)
{
	return ask(a, PROTO_APPROVAL_LINK, 0, NULL, auth, origin, done, arg);
}

void
approval_refusal(const struct proto_msg *rep, char why[PROTO_MESSAGE_MAX + 1],
    char rule[PROTO_EVENT_MAX + 1])
{
	int	 link = rep->type == PROTO_APPROVAL_LINK;

	if (proto_strcpy(why, PROTO_MESSAGE_MAX + 1, link ?
	    rep->u.link_rep.message : rep->u.approval_rep.message) == -1 ||
	    why[0] == '\0')
		snprintf(why, PROTO_MESSAGE_MAX + 1, "refused");
	if (proto_strcpy(rule, PROTO_EVENT_MAX + 1, link ?
	    rep->u.link_rep.rule : rep->u.approval_rep.rule) == -1)
		snprintf(rule, PROTO_EVENT_MAX + 1, "refused");
}

/*
 * The signer's answer to an expiry: on the record now or before, or never
 * to be (past the window in which it takes one).  Otherwise (its clock
 * is behind ours, or it was away) it is asked again.
 */
static void
expiry_answered(const struct proto_msg *rep, struct approval *a, void *arg)
{
	(void)arg;
	if (a == NULL || rep == NULL)
		return;
	if (rep->status == PROTO_OK || rep->status == PROTO_ERR_REDEEMED ||
	    rep->status == PROTO_ERR_INVALID_GRANT ||
	    time(NULL) - a->expires_at > CONFIG_APPROVAL_EXPIRE_WINDOW)
		a->expiry_recorded = 1;
}

void
approvals_tick(time_t now)
{
	struct approval	*a, *next;

	table_expire(approvals, now);
	/* An answer at once (no signer) may forget a: next first. */
	for (a = TAILQ_FIRST(&order); a != NULL; a = next) {
		next = TAILQ_NEXT(a, entry);
		/* The rest were asked for later (a reload that shortens
		 * approval.ttl may delay one until those before it expire). */
		if (a->expires_at > now)
			break;
		if (a->status == APPROVAL_PENDING ||
		    (a->status == APPROVAL_APPROVED && !a->link_given))
			a->status = APPROVAL_EXPIRED;
		if (a->status == APPROVAL_EXPIRED && !a->expiry_recorded &&
		    !a->busy)
			(void)ask(a, PROTO_APPROVAL_EXPIRE, 0, NULL, NULL, NULL,
			    expiry_answered, NULL);
	}
}
