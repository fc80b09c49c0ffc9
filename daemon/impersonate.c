/*
 * The Impersonation API: POST /users/{user_id}/impersonate makes a link
 * that works once, GET on that link (/users/{impersonator_id}/impersonate
 * ?&bewit={ticket}) logs in to the application as the user.  The front end
 * checks the shape of each request; the signer decides, records and makes
 * the link's ticket and the code it turns into (256-bit values from its
 * CSPRNG), each with a grant that the front end keeps under it (the store
 * keeps only their digests) and presents at the next step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "approvals.h"
#include "audit_client.h"
#include "bearer.h"
#include "console.h"
#include "cookie.h"
#include "form.h"
#include "frontend.h"
#include "http.h"
#include "log.h"
#include "params.h"
#include "path.h"
#include "redirect.h"
#include "reply.h"
#include "scope.h"
#include "sessions.h"
#include "signer_client.h"
#include "webhooks.h"
#include "store.h"
#include "tally.h"
#include "verified.h"

#define REASON_MAX	1024

struct link_request {
	const char	*protocol;
	const char	*impersonator_id;
	const char	*client_id;
	const char	*reason;
	const char	*response_type;
	const char	*state;
	const char	*callback_url;
	const char	*scope;
	const char	*nonce;
};

/* Read the body's fields; NULL or a message for a 400. */
static const char *
read_request(const struct params *p, struct link_request *r)
{
	int	 bad = 0;

	r->protocol = params_get(p, "protocol", &bad);
	r->impersonator_id = params_get(p, "impersonator_id", &bad);
	r->client_id = params_get(p, "client_id", &bad);
	r->reason = params_get(p, "reason", &bad);
	r->response_type = params_get_in(p, "additionalParameters",
	    "response_type", &bad);
	r->state = params_get_in(p, "additionalParameters", "state", &bad);
	r->callback_url = params_get_in(p, "additionalParameters",
	    "callback_url", &bad);
	r->scope = params_get_in(p, "additionalParameters", "scope", &bad);
	r->nonce = params_get_in(p, "additionalParameters", "nonce", &bad);
	if (bad)
		return "fields must be strings, additionalParameters an object";
	if (r->protocol == NULL)
		return "protocol is required";
	if (strcmp(r->protocol, "oauth2") != 0)
		return "only the oauth2 protocol is served";
	if (r->impersonator_id == NULL || *r->impersonator_id == '\0' ||
	    !params_text(r->impersonator_id, PROTO_USER_ID_MAX))
		return "impersonator_id is required";
	if (r->client_id == NULL || *r->client_id == '\0')
		return "client_id is required";
	if (r->response_type == NULL)
		r->response_type = "code";
	if (strcmp(r->response_type, "code") != 0 &&
	    strcmp(r->response_type, "token") != 0)
		return "response_type must be code or token";
	if (r->scope == NULL)
		r->scope = "openid";
	if (!params_text(r->scope, PROTO_SCOPE_MAX) ||
	    strspn(r->scope, " ") == strlen(r->scope))
		return "scope is empty or too long";
	if (r->nonce != NULL && !params_text(r->nonce, PROTO_NONCE_MAX))
		return "nonce is too long or has control characters";
	if (r->state != NULL && strlen(r->state) > REDIRECT_STATE_MAX)
		return "state is too long";
	if (r->reason != NULL && (*r->reason == '\0' ||
	    !params_text(r->reason, REASON_MAX)))
		return "reason is empty, too long or has control characters";
	if (r->reason == NULL && fe->conf->require_reason)
		return "a reason is required";
	return NULL;
}

/* The application's registered callback the link goes to, or NULL. */
static const char *
callback_of(const struct client_config *app, const char *asked)
{
	if (app->callbacks.n == 0)
		return NULL;
	if (asked == NULL)
		return app->callbacks.v[0];
	/* Byte for byte: no prefix, case or normalisation games. */
	return strlist_has(&app->callbacks, asked) ? asked : NULL;
}

static void
link_refused(struct evhttp_request *req, int status, const char *why)
{
	reply_oauth_error(req, status, "access_denied", why);
}

/* A request for a link, at the signer. */
struct link_call {
	struct evhttp_request	*req;
	struct impersonation	*imp;		/* grant and callback not yet */
	char			 impersonator_id[PROTO_USER_ID_MAX + 1];
	/* for an approval: whom, why, and the client that asks */
	char			 user_id[PROTO_USER_ID_MAX + 1];
	char			 reason[PROTO_REASON_MAX + 1];
	char			 caller[PROTO_CLIENT_ID_MAX + 1];
	char			 ip[SOURCE_MAX];	/* the request's views */
};

/* The link waits for an approver: 202, with the approval's id. */
static void
approval_pending(struct link_call *call, const struct proto_msg *rep)
{
	struct approval	*a;
	json_t		*o;

	if ((a = approvals_add(rep, call->imp, call->impersonator_id,
	    call->user_id, call->reason, call->caller, NULL)) == NULL)
		reply_busy(call->req, "too many approvals are kept; try again");
	else if ((o = json_pack("{s:s, s:s}", "approval_id", a->id, "status",
	    "pending")) == NULL)
		reply_unavailable(call->req);
	else
		reply_json(call->req, 202, o, 1);
}

static void
audit_unavailable(struct evhttp_request *req)
{
	reply_busy(req, "the audit log cannot be written: nothing was issued");
}

/* The signer's refusal of what the front end found well formed. */
static void
signer_refused(struct evhttp_request *req, uint32_t status)
{
	if (status == PROTO_ERR_AUDIT)
		audit_unavailable(req);
	else if (status == PROTO_ERR_BEARER)
		reply_bearer_error(req, "the token does not hold");
	else if (status == PROTO_ERR_REQUEST)
		reply_oauth_error(req, 400, "invalid_request",
		    "the request is not one the signer grants");
	else
		reply_unavailable(req);
}

/* A refusal the signer decided and recorded: its status and words. */
static void
decision_refused(struct evhttp_request *req, uint32_t refusal,
    struct proto_str message)
{
	char	 why[PROTO_MESSAGE_MAX + 1];

	if (refusal < 400 || refusal > 499)
		refusal = 403;
	if (proto_strcpy(why, sizeof(why), message) == -1 || why[0] == '\0')
		snprintf(why, sizeof(why), "the impersonation is not allowed");
	reply_oauth_error(req, (int)refusal, refusal == 404 ? "not_found" :
	    "access_denied", why);
}

/* The link of ticket, for impersonator_id: a new string, or NULL. */
static char *
link_of(const char *impersonator_id, const char *ticket)
{
	char	*id, *link = NULL;

	if ((id = redirect_encode(impersonator_id)) == NULL)
		return NULL;
	if (asprintf(&link, "%susers/%s/impersonate?&bewit=%s",
	    fe->conf->issuer, id, ticket) == -1)
		link = NULL;
	free(id);
	return link;
}

char *
link_keep(const struct proto_msg *rep, const struct impersonation *base,
    const char *impersonator_id, int *full)
{
	struct impersonation	*imp, made = *base;
	char			 ticket[PROTO_TICKET_MAX + 1];
	char			 grant[PROTO_GRANT_MAX + 1];
	char			 callback[PROTO_CALLBACK_MAX + 1];
	char			*link;

	*full = 0;
	if (proto_strcpy(ticket, sizeof(ticket), rep->u.link_rep.ticket) ==
	    -1 || ticket[0] == '\0' ||
	    proto_strcpy(grant, sizeof(grant), rep->u.link_rep.grant) == -1 ||
	    proto_strcpy(callback, sizeof(callback),
	    rep->u.link_rep.callback_url) == -1)
		return NULL;
	made.grant = grant;
	made.callback_url = callback;
	if ((link = link_of(impersonator_id, ticket)) == NULL ||
	    (imp = impersonation_dup(&made)) == NULL) {
		free(link);
		return NULL;
	}
	if (store_link_put(ticket, imp, fe->conf->link_ttl) == -1) {
		impersonation_free(imp);
		free(link);
		*full = 1;
		return NULL;
	}
	return link;
}

/*
 * The signer decided, and its record is on disk: keep the grant under
 * its ticket and answer with the link.
 */
static void
link_decided(const struct proto_msg *rep, void *arg)
{
	struct link_call	*call = arg;
	char			*link;
	int			 full;

	if (rep == NULL)
		reply_unavailable(call->req);
	else if (rep->status != PROTO_OK)
		signer_refused(call->req, rep->status);
	else if (rep->u.link_rep.rule.len > 0) {
		webhooks_send(rep->u.link_rep.webhook,
		    rep->u.link_rep.webhook_grant);
		decision_refused(call->req, rep->u.link_rep.refusal,
		    rep->u.link_rep.message);
	} else if (rep->u.link_rep.approval_id.len > 0)
		approval_pending(call, rep);
	else if ((link = link_keep(rep, call->imp, call->impersonator_id,
	    &full)) != NULL) {
		reply_text(call->req, link);
		free(link);
	} else if (full)
		reply_busy(call->req,
		    "too many impersonation links are live; try again");
	else
		reply_unavailable(call->req);
	impersonation_free(call->imp);
	free(call);
}

/*
 * Ask the signer for a link: it verifies the bearer token itself, decides
 * on its own copy of the users, records the decision and answers with the
 * grant (link_decided).
 */
static void
ask_signer(struct evhttp_request *req, const struct link_request *r,
    const char *user_id, const char *callback, const char *caller)
{
	struct impersonation	 imp = { .client_id = r->client_id,
				    .callback_url = "", .state = r->state,
				    .grant = "" };
	struct link_call	*call;
	struct proto_msg	 m;

	imp.response_type = strcmp(r->response_type, "token") == 0 ?
	    RESPONSE_TOKEN : RESPONSE_CODE;
	if ((call = calloc(1, sizeof(*call))) == NULL ||
	    (call->imp = impersonation_dup(&imp)) == NULL) {
		free(call);
		reply_unavailable(req);
		return;
	}
	call->req = req;
	/* read_request checked its length. */
	memcpy(call->impersonator_id, r->impersonator_id,
	    strlen(r->impersonator_id) + 1);
	(void)snprintf(call->user_id, sizeof(call->user_id), "%s", user_id);
	(void)snprintf(call->reason, sizeof(call->reason), "%s",
	    r->reason ? r->reason : "");
	(void)snprintf(call->caller, sizeof(call->caller), "%s", caller);
	memset(&m, 0, sizeof(m));
	m.type = PROTO_LINK;
	/* The token bearer_check found good: the signer checks it again. */
	m.u.link_req.bearer = proto_str(bearer_token(req));
	m.u.link_req.user_id = proto_str(user_id);
	m.u.link_req.impersonator_id = proto_str(r->impersonator_id);
	m.u.link_req.client_id = proto_str(r->client_id);
	m.u.link_req.callback_url = proto_str(callback);
	m.u.link_req.response_type = imp.response_type;
	m.u.link_req.scope = proto_str(r->scope);
	m.u.link_req.nonce = proto_str(r->nonce ? r->nonce : "");
	m.u.link_req.reason = proto_str(r->reason ? r->reason : "");
	audit_origin(req, call->ip, &m.u.link_req.ip,
	    &m.u.link_req.user_agent);
	if (signer_request(&m, link_decided, call) == -1)
		link_decided(NULL, call);
}

/*
 * POST: the front end answers what is malformed (400) or has no valid
 * bearer token (401) by itself; everything else is the signer's to decide.
 */
static void
ask_for_link(struct evhttp_request *req, const char *user_id)
{
	const struct client_config	*app;
	struct access			 a;
	struct link_request		 r;
	struct params			 p;
	const char			*why, *callback;

	if (bearer_check(req, fe->api_audience, &a) == -1)
		return;
	if (!scope_has(a.scope, "impersonate:users")) {
		reply_oauth_error(req, 403, "insufficient_scope",
		    "the token lacks the impersonate:users scope");
		return;
	}
	if (params_read(req, &p, &why) == -1 ||
	    (why = read_request(&p, &r)) != NULL) {
		reply_oauth_error(req, 400, "invalid_request", why);
		goto done;
	}
	if ((app = config_client(fe->conf, r.client_id)) == NULL) {
		reply_oauth_error(req, 400, "invalid_request",
		    "client_id is not a known application");
		goto done;
	}
	if (!(app->grant_types & (strcmp(r.response_type, "code") == 0 ?
	    GRANT_AUTHORIZATION_CODE : GRANT_IMPLICIT))) {
		reply_oauth_error(req, 400, "unauthorized_client",
		    "the application may not use this response_type");
		goto done;
	}
	if ((callback = callback_of(app, r.callback_url)) == NULL) {
		reply_oauth_error(req, 400, "invalid_request",
		    "callback_url is not registered for this application");
		goto done;
	}
	ask_signer(req, &r, user_id, callback, a.client_id);
 done:
	params_free(&p);
}

/* A followed link, at the signer; then the code or the tokens. */
struct follow_call {
	struct evhttp_request	*req;
	struct impersonation	*imp;
	char			 ip[SOURCE_MAX];	/* the request's views */
	char			 session[PROTO_LOGIN_MAX + 1];	/* console */
};

static void
follow_free(struct follow_call *call)
{
	impersonation_free(call->imp);
	free(call);
}

/* The tokens of a single-page login: to the fragment only. */
static void
reply_implicit(struct follow_call *call, const struct proto_msg *rep)
{
	char	 id_token[PROTO_ID_TOKEN_MAX + 1];
	char	 access[PROTO_TOKEN_MAX + 1], expires[16];
	char	*location;

	proto_strcpy(id_token, sizeof(id_token), rep->u.follow_rep.id_token);
	proto_strcpy(access, sizeof(access), rep->u.follow_rep.access_token);
	(void)verified_add(access, strlen(access));
	sessions_token(rep->u.follow_rep.sid, rep->u.follow_rep.access_jti);
	snprintf(expires, sizeof(expires), "%u", rep->u.follow_rep.expires_in);
	{
		const char *const params[] = {
			"access_token", access,
			"id_token", id_token,
			"token_type", "Bearer",
			"expires_in", expires,
			"state", call->imp->state,
			NULL
		};

		location = redirect_location(call->imp->callback_url, '#',
		    params);
	}
	if (location == NULL)
		reply_unavailable(call->req);
	else
		reply_redirect(call->req, location);
	free(location);
}

/*
 * A followed link of the code flow: the signer's code, kept with its
 * code grant, redirected to the callback.
 */
static void
issue_code(struct follow_call *call, const struct proto_msg *rep)
{
	struct impersonation	 made = *call->imp, *imp;
	char			 code[PROTO_CODE_MAX + 1];
	char			 grant[PROTO_GRANT_MAX + 1];
	char			*location;

	if (proto_strcpy(code, sizeof(code), rep->u.follow_rep.code) == -1 ||
	    code[0] == '\0' || proto_strcpy(grant, sizeof(grant),
	    rep->u.follow_rep.grant) == -1) {
		reply_unavailable(call->req);
		return;
	}
	{
		const char *const params[] = {
			"code", code,
			"state", made.state,
			NULL
		};

		location = redirect_location(made.callback_url, '?', params);
	}
	made.grant = grant;	/* the link's grant is spent: the code's */
	if (location == NULL || (imp = impersonation_dup(&made)) == NULL)
		reply_unavailable(call->req);
	else if (store_code_put(code, imp, fe->conf->code_ttl) == -1) {
		impersonation_free(imp);
		reply_busy(call->req, "too many codes are live; try again");
	} else
		reply_redirect(call->req, location);
	free(location);
}

/*
 * A followed link of an application that starts its own login (OpenID
 * Connect Core section 4): the signer's login grant kept under the value
 * of a cookie in this browser, and the browser sent to the application's
 * initiate_login_uri, whose own request at /authorize redeems it.
 */
static void
start_login(struct follow_call *call, const struct proto_msg *rep)
{
	const struct client_config	*app;
	struct impersonation		 made = { .client_id =
					    call->imp->client_id,
					    .callback_url = "",
					    .response_type = RESPONSE_CODE };
	struct impersonation		*imp;
	char				 login[PROTO_LOGIN_MAX + 1];
	char				 hint[PROTO_USER_ID_MAX + 1];
	char				 grant[PROTO_GRANT_MAX + 1];
	char				*location = NULL;

	/* A reload between the signer's answer and this one: nowhere to go. */
	if ((app = config_client(fe->conf, made.client_id)) == NULL ||
	    app->initiate_login_uri == NULL ||
	    proto_strcpy(login, sizeof(login), rep->u.follow_rep.login) ==
	    -1 || proto_strcpy(hint, sizeof(hint),
	    rep->u.follow_rep.login_hint) == -1 ||
	    proto_strcpy(grant, sizeof(grant), rep->u.follow_rep.grant) == -1) {
		reply_unavailable(call->req);
		return;
	}
	{
		const char *const params[] = {
			"iss", fe->conf->issuer,
			"target_link_uri", app->target_link_uri,
			"login_hint", hint,
			NULL
		};

		location = redirect_location(app->initiate_login_uri, '?',
		    params);
	}
	made.grant = grant;
	if (location == NULL || (imp = impersonation_dup(&made)) == NULL)
		reply_unavailable(call->req);
	else if (store_login_put(made.client_id, login, imp,
	    fe->conf->link_ttl) == -1) {
		impersonation_free(imp);
		reply_busy(call->req, "too many logins are live; try again");
	} else {
		cookie_set_login(call->req, made.client_id, login,
		    fe->conf->link_ttl);
		reply_redirect(call->req, location);
	}
	free(location);
}

/* A followed link the signer allowed: a session began, and goes on here. */
static void
allowed(struct follow_call *call, const struct proto_msg *rep)
{
	/* Begun on the record: its webhook goes, whatever follows. */
	webhooks_send(rep->u.follow_rep.webhook,
	    rep->u.follow_rep.webhook_grant);
	if (sessions_begin(rep, call->imp->client_id, call->session) == -1)
		reply_busy(call->req, "too many impersonation sessions are "
		    "listed; try again");
	else if (rep->u.follow_rep.login.len > 0)
		start_login(call, rep);
	else if (call->imp->response_type == RESPONSE_CODE)
		issue_code(call, rep);
	else
		reply_implicit(call, rep);
}

/* The signer's answer on a followed link, its record on disk. */
static void
followed(const struct proto_msg *rep, void *arg)
{
	struct follow_call	*call = arg;

	if (rep == NULL)
		reply_unavailable(call->req);
	else if (rep->status == PROTO_ERR_INVALID_GRANT ||
	    rep->status == PROTO_ERR_REDEEMED)
		link_refused(call->req, 400,
		    "the link is invalid, expired or already used");
	else if (rep->status != PROTO_OK)
		signer_refused(call->req, rep->status);
	else if (rep->u.follow_rep.rule.len > 0)
		decision_refused(call->req, rep->u.follow_rep.refusal,
		    rep->u.follow_rep.message);
	else
		allowed(call, rep);
	follow_free(call);
}

/* GET on the link: it works once, while it lives, for its impersonator. */
static void
follow_link(struct evhttp_request *req, const char *impersonator_id)
{
	const struct evhttp_uri		*uri = evhttp_request_get_evhttp_uri(req);
	const char			*query, *ticket, *why;
	struct follow_call		*call;
	struct proto_msg		 m;
	struct form			 f;
	char				 buf[512], source[SOURCE_MAX];
	int				 sent;

	query = evhttp_uri_get_query(uri);
	if (query == NULL || strlen(query) >= sizeof(buf)) {
		link_refused(req, 400, "the link is malformed");
		return;
	}
	memcpy(buf, query, strlen(query) + 1);
	if (form_parse(buf, strlen(buf), &f, &why) == -1 ||
	    (ticket = form_get(&f, "bewit")) == NULL) {
		link_refused(req, 400, "the link is malformed");
		return;
	}
	if ((call = calloc(1, sizeof(*call))) == NULL) {
		reply_unavailable(req);
		return;
	}
	call->req = req;
	/* Taken out of the store now: whatever follows, it is spent. */
	if ((call->imp = store_link_take(ticket)) == NULL) {
		free(call);
		/* Anyone can make one up: counted, not recorded each. */
		audit_source(req, source);
		tally_count(TALLY_LINK_REFUSED, source);
		link_refused(req, 400,
		    "the link is invalid, expired or already used");
		return;
	}
	/*
	 * The signer checks the grant against this ticket and the path's
	 * impersonator, and the policy, the application's callbacks and the
	 * users as they are now (a reload may have changed them).
	 */
	memset(&m, 0, sizeof(m));
	m.type = PROTO_FOLLOW;
	m.u.follow_req.ticket = proto_str(ticket);
	m.u.follow_req.grant = proto_str(call->imp->grant);
	m.u.follow_req.impersonator_id = proto_str(impersonator_id);
	/* A link asked for at the console goes only where its session is. */
	if (cookie_get(req, CONSOLE_COOKIE, call->session,
	    sizeof(call->session), &sent) == 0)
		m.u.follow_req.session = proto_str(call->session);
	audit_origin(req, call->ip, &m.u.follow_req.ip,
	    &m.u.follow_req.user_agent);
	if (signer_request(&m, followed, call) == -1)
		followed(NULL, call);
}

void
users_impersonate(struct evhttp_request *req)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	char			 id[PROTO_USER_ID_MAX + 1];

	if (path_segment(evhttp_uri_get_path(uri), "/users/", "/impersonate",
	    id, sizeof(id)) == -1) {
		reply_oauth_error(req, 404, "not_found", "no such endpoint");
		return;
	}
	switch (evhttp_request_get_command(req)) {
	case EVHTTP_REQ_POST:
		ask_for_link(req, id);
		break;
	case EVHTTP_REQ_GET:
		follow_link(req, id);
		break;
	default:
		/* A HEAD (a link checker's, say) must not spend the link. */
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, POST");
		reply_oauth_error(req, 405, "invalid_request",
		    "method not allowed");
		break;
	}
}
