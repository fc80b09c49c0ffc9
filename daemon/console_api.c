/*
 * The console's JSON API, /console/api/{name}, for its pages; every call
 * needs a live console session (console.c), and every POST its Origin and
 * CSRF token too.
 *
 *	GET  session		who is signed in, and the CSRF token
 *	GET  users		the Management API's search (users_api.c)
 *	GET  users/{id}		one user
 *	GET  applications	the applications that allow impersonation
 *	POST impersonate	a link, bound to this console session
 *	GET  audit		the signer's recent impersonation records
 *	GET  impersonations	the active ones (console_sessions.c)
 *	POST impersonations/end	end one's own
 *	GET  approvals		four-eyes approvals (console_approvals.c)
 *	POST approvals/decide	approve or reject one
 *	POST approvals/open	the link of one's own, once approved
 *
 * The directory is the front end's own copy, as the Management API's is;
 * what is decided (a link, the audit trail) is asked of the signer with
 * the session's cookie and grant, so that it decides on the person who
 * signed in, never on one the front end names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "audit_client.h"
#include "console.h"
#include "form.h"
#include "frontend.h"
#include "http.h"
#include "params.h"
#include "reply.h"
#include "signer_client.h"
#include "users.h"
#include "webhooks.h"

#define USERS_PREFIX	"/console/api/users/"
#define QUERY_MAX	2048	/* bytes of an audit query */

static void
session_info(struct evhttp_request *req, const struct console_session *s)
{
	const struct user	*u = users_by_id(s->user_id);
	json_t			*name = NULL, *o;

	o = json_pack("{s:s, s:s, s:s?, s:s, s:b, s:i, s:I}",
	    "user_id", s->user_id, "email", s->email,
	    "name", u != NULL && json_is_string(name = json_object_get(u->obj,
	    "name")) ? json_string_value(name) : NULL, "csrf", s->csrf,
	    "require_reason", fe->conf->require_reason,
	    "idle_ttl", fe->conf->console.idle_ttl,
	    "expires_at", (json_int_t)s->expires);
	if (o == NULL)
		reply_unavailable(req);
	else
		reply_json(req, 200, o, 1);
}

/* The applications a link may be asked for: they allow impersonation. */
static void
applications(struct evhttp_request *req)
{
	const struct config	*conf = fe->conf;
	json_t			*a;
	size_t			 i;

	if ((a = json_array()) == NULL) {
		reply_unavailable(req);
		return;
	}
	for (i = 0; i < conf->nclients; i++) {
		const struct client_config *c = &conf->clients[i];

		if (!c->allow_impersonation || c->callbacks.n == 0)
			continue;
		if (json_array_append_new(a, json_pack("{s:s, s:s}",
		    "client_id", c->client_id, "name", c->name != NULL ?
		    c->name : c->client_id)) == -1) {
			json_decref(a);
			reply_unavailable(req);
			return;
		}
	}
	reply_json(req, 200, a, 1);
}

/* --- POST impersonate --- */

struct link_ask {
	struct evhttp_request	*req;
	struct impersonation	 base;
	char			 client_id[PROTO_CLIENT_ID_MAX + 1];
	char			 impersonator_id[PROTO_USER_ID_MAX + 1];
	/* for an approval: whom, why, and the console session that asks */
	char			 user_id[PROTO_USER_ID_MAX + 1];
	char			 reason[PROTO_REASON_MAX + 1];
	char			 cookie[PROTO_LOGIN_MAX + 1];
	char			 ip[SOURCE_MAX];
};

static void
link_ask_free(struct link_ask *a)
{
	/* The cookie is the console session's bearer secret. */
	explicit_bzero(a->cookie, sizeof(a->cookie));
	free(a);
}

static void
link_answered(const struct proto_msg *rep, void *arg)
{
	struct link_ask	*a = arg;
	char		 why[PROTO_MESSAGE_MAX + 1], *link;
	json_t		*o;
	int		 full;

	if (rep == NULL)
		reply_unavailable(a->req);
	else if (rep->status == PROTO_ERR_INVALID_GRANT)
		reply_oauth_error(a->req, 401, "login_required",
		    "the console session has ended: sign in again");
	else if (rep->status == PROTO_ERR_REQUEST)
		reply_oauth_error(a->req, 400, "invalid_request",
		    "no such application, or a reason is required");
	else if (rep->status != PROTO_OK)
		reply_unavailable(a->req);
	else if (rep->u.link_rep.rule.len > 0) {
		webhooks_send(rep->u.link_rep.webhook,
		    rep->u.link_rep.webhook_grant);
		if (proto_strcpy(why, sizeof(why), rep->u.link_rep.message) ==
		    -1 || why[0] == '\0')
			snprintf(why, sizeof(why), "the impersonation is not "
			    "allowed");
		reply_oauth_error(a->req, rep->u.link_rep.refusal == 404 ?
		    404 : 403, rep->u.link_rep.refusal == 404 ? "not_found" :
		    "access_denied", why);
	} else if (rep->u.link_rep.approval_id.len > 0)
		console_approval_asked(a->req, rep, &a->base,
		    a->impersonator_id, a->user_id, a->reason, a->cookie);
	else if ((link = link_keep(rep, &a->base, a->impersonator_id,
	    &full)) == NULL)
		full ? reply_busy(a->req, "too many impersonation links are "
		    "live; try again") : reply_unavailable(a->req);
	else {
		if ((o = json_pack("{s:s}", "link", link)) == NULL)
			reply_unavailable(a->req);
		else
			reply_json(a->req, 200, o, 1);
		free(link);
	}
	link_ask_free(a);
}

static void
impersonate(struct evhttp_request *req, const struct console_session *s,
    const char *cookie)
{
	const struct client_config	*app;
	struct link_ask			*a;
	struct proto_msg		 m;
	struct form			 f;
	const char			*user_id, *client_id, *reason;
	char				*buf;

	if (console_post(req, s, &f, &buf) == -1)
		return;
	user_id = form_get(&f, "user_id");
	client_id = form_get(&f, "client_id");
	reason = form_get(&f, "reason");
	if (reason == NULL)
		reason = "";
	if (user_id == NULL || !params_text(user_id, PROTO_USER_ID_MAX) ||
	    client_id == NULL || (app = config_client(fe->conf, client_id)) ==
	    NULL || (reason[0] != '\0' &&
	    !params_text(reason, PROTO_REASON_MAX))) {
		free(buf);
		reply_oauth_error(req, 400, "invalid_request", "user_id, "
		    "client_id or reason is missing, unknown or malformed");
		return;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		free(buf);
		reply_unavailable(req);
		return;
	}
	a->req = req;
	memcpy(a->client_id, client_id, strlen(client_id) + 1);
	/* The signer names the impersonator; the link's path repeats it. */
	memcpy(a->impersonator_id, s->user_id, strlen(s->user_id) + 1);
	memcpy(a->user_id, user_id, strlen(user_id) + 1);
	memcpy(a->reason, reason, strlen(reason) + 1);
	memcpy(a->cookie, cookie, strlen(cookie) + 1);
	a->base.client_id = a->client_id;
	a->base.callback_url = "";
	a->base.grant = "";
	/* As the signer chooses: the code flow when the application has it. */
	a->base.response_type = app->grant_types & GRANT_AUTHORIZATION_CODE ?
	    RESPONSE_CODE : RESPONSE_TOKEN;
	memset(&m, 0, sizeof(m));
	m.type = PROTO_CONSOLE_LINK;
	m.u.console_req.session = proto_str(cookie);
	m.u.console_req.grant = proto_str(s->grant);
	m.u.console_req.user_id = proto_str(user_id);
	m.u.console_req.client_id = proto_str(client_id);
	m.u.console_req.reason = proto_str(reason);
	audit_origin(req, a->ip, &m.u.console_req.ip,
	    &m.u.console_req.user_agent);
	if (signer_request(&m, link_answered, a) == -1)
		link_answered(NULL, a);
	free(buf);
}

/* --- GET audit --- */

static void
audit_answered(const struct proto_msg *rep, void *arg)
{
	struct evhttp_request	*req = arg;
	char			*text;

	if (rep == NULL || (rep->status != PROTO_OK &&
	    rep->status != PROTO_ERR_INVALID_GRANT)) {
		reply_unavailable(req);
		return;
	}
	if (rep->status == PROTO_ERR_INVALID_GRANT) {
		reply_oauth_error(req, 401, "login_required",
		    "the console session has ended: sign in again");
		return;
	}
	if ((text = strndup(rep->u.audit_rep.records.p,
	    rep->u.audit_rep.records.len)) == NULL) {
		reply_unavailable(req);
		return;
	}
	reply_no_store(req);
	reply_body(req, 200, "application/json", text);
	free(text);
}

/* A unix time of the query, "" or absent for none: 0, or -1. */
static int
query_time(const struct form *f, const char *name, uint32_t *out)
{
	const char	*s = form_get(f, name);
	char		*end;
	unsigned long	 v;

	*out = 0;
	if (s == NULL || *s == '\0')
		return 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || *s < '0' || *s > '9' || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static void
audit(struct evhttp_request *req, const struct console_session *s,
    const char *cookie)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*q = evhttp_uri_get_query(uri), *why, *imp, *user;
	struct proto_msg	 m;
	struct form		 f;
	char			 buf[QUERY_MAX];
	uint32_t		 limit = 0;

	f.n = 0;
	if (q != NULL && (strlen(q) >= sizeof(buf) ||
	    (memcpy(buf, q, strlen(q) + 1), form_parse(buf, strlen(buf), &f,
	    &why)) == -1)) {
		reply_oauth_error(req, 400, "invalid_request",
		    "the query is malformed or too long");
		return;
	}
	memset(&m, 0, sizeof(m));
	m.type = PROTO_CONSOLE_AUDIT;
	imp = form_get(&f, "impersonator_id");
	user = form_get(&f, "user_id");
	if (query_time(&f, "since", &m.u.audit_req.since) == -1 ||
	    query_time(&f, "until", &m.u.audit_req.until) == -1 ||
	    query_time(&f, "limit", &limit) == -1 || limit > 100 ||
	    (imp != NULL && !params_text(imp, PROTO_USER_ID_MAX)) ||
	    (user != NULL && !params_text(user, PROTO_USER_ID_MAX))) {
		reply_oauth_error(req, 400, "invalid_request", "since, until "
		    "and limit (at most 100) are numbers; impersonator_id "
		    "and user_id are user ids");
		return;
	}
	m.u.audit_req.session = proto_str(cookie);
	m.u.audit_req.grant = proto_str(s->grant);
	m.u.audit_req.impersonator_id = proto_str(imp != NULL ? imp : "");
	m.u.audit_req.user_id = proto_str(user != NULL ? user : "");
	m.u.audit_req.limit = limit;
	if (signer_request(&m, audit_answered, req) == -1)
		audit_answered(NULL, req);
}

void
console_api(struct evhttp_request *req, const char *name)
{
	const struct console_session	*s;
	char				 cookie[PROTO_LOGIN_MAX + 1];
	int				 post;

	post = evhttp_request_get_command(req) == EVHTTP_REQ_POST;
	if ((s = console_session(req, cookie)) == NULL)
		return;
	if (strcmp(name, "session") == 0 && !post)
		session_info(req, s);
	else if (strcmp(name, "users") == 0 && !post)
		users_search_answer(req);
	else if (strncmp(name, "users/", 6) == 0 && !post)
		users_one_answer(req, USERS_PREFIX);
	else if (strcmp(name, "applications") == 0 && !post)
		applications(req);
	else if (strcmp(name, "impersonate") == 0 && post)
		impersonate(req, s, cookie);
	else if (strcmp(name, "audit") == 0 && !post)
		audit(req, s, cookie);
	else if (strcmp(name, "impersonations") == 0 && !post)
		console_impersonations(req);
	else if (strcmp(name, "impersonations/end") == 0 && post)
		console_end(req, s, cookie);
	else if (strcmp(name, "approvals") == 0 && !post)
		console_approvals(req, cookie);
	else if (strcmp(name, "approvals/decide") == 0 && post)
		console_approval_decide(req, s, cookie);
	else if (strcmp(name, "approvals/open") == 0 && post)
		console_approval_open(req, s, cookie);
	else
		reply_oauth_error(req, 404, "not_found", "no such endpoint");
}
