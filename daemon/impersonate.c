/*
 * The Impersonation API: POST /users/{user_id}/impersonate makes a link
 * that works once, GET on that link (/users/{impersonator_id}/impersonate
 * ?&bewit={ticket}) logs in to the application as the user.  The link's
 * ticket and the code it turns into are 256-bit values from the CSPRNG; the
 * store keeps only their digests.
 */
#include <sys/random.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/http.h>

#include "audit_client.h"
#include "b64url.h"
#include "bearer.h"
#include "form.h"
#include "frontend.h"
#include "http.h"
#include "log.h"
#include "login.h"
#include "params.h"
#include "path.h"
#include "policy.h"
#include "redirect.h"
#include "reply.h"
#include "scope.h"
#include "signer_client.h"
#include "store.h"
#include "tally.h"
#include "verified.h"

#define SECRET_BYTES	32
#define SECRET_LEN	B64URL_ENCODED_LEN(SECRET_BYTES)
#define STATE_MAX	2048
#define REASON_MAX	1024
#define CALLBACK_MAX	2048

/* A ticket or a code: 256 bits straight from the kernel's CSPRNG. */
static int
new_secret(char out[SECRET_LEN + 1])
{
	unsigned char	 raw[SECRET_BYTES];

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return -1;
	b64url_encode(out, raw, sizeof(raw));
	return 0;
}

/* Printable text without control characters: nothing to forge a log line. */
static int
is_text(const char *s, size_t max)
{
	size_t	 len = strlen(s), i;

	if (len > max)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

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
	    !is_text(r->impersonator_id, PROTO_USER_ID_MAX))
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
	if (!is_text(r->scope, PROTO_SCOPE_MAX) ||
	    strspn(r->scope, " ") == strlen(r->scope))
		return "scope is empty or too long";
	if (r->nonce != NULL && !is_text(r->nonce, PROTO_NONCE_MAX))
		return "nonce is too long or has control characters";
	if (r->state != NULL && strlen(r->state) > STATE_MAX)
		return "state is too long";
	if (r->reason != NULL && (*r->reason == '\0' ||
	    !is_text(r->reason, REASON_MAX)))
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

/* A request for a link, waiting for its audit record to be on disk. */
struct link_call {
	struct evhttp_request	*req;
	struct impersonation	*imp;		/* NULL: refused */
	char			 ticket[SECRET_LEN + 1];
	int			 status;	/* of a refusal */
	const char		*message;
};

static void
audit_unavailable(struct evhttp_request *req)
{
	reply_busy(req, "the audit log cannot be written: nothing was issued");
}

static void
reply_link(struct evhttp_request *req, const struct impersonation *imp,
    const char *ticket)
{
	char	*id, *link = NULL;
	size_t	 len;

	if ((id = redirect_encode(imp->impersonator_id)) != NULL) {
		len = strlen(fe->conf->issuer) + strlen(id) + strlen(ticket) +
		    64;
		if ((link = malloc(len)) != NULL)
			snprintf(link, len, "%susers/%s/impersonate?&bewit=%s",
			    fe->conf->issuer, id, ticket);
	}
	if (link != NULL)
		reply_text(req, link);
	else
		reply_unavailable(req);
	free(link);
	free(id);
}

/* The record of the decision is on disk (or not): now answer. */
static void
link_audited(const struct proto_msg *rep, void *arg)
{
	struct link_call	*call = arg;

	if (call->imp == NULL)
		/* A refusal lets nothing out: it is answered either way. */
		reply_oauth_error(call->req, call->status, call->status ==
		    404 ? "not_found" : "access_denied", call->message);
	else if (rep == NULL || rep->status != PROTO_OK) {
		impersonation_free(call->imp);
		audit_unavailable(call->req);
	} else if (store_link_put(call->ticket, call->imp,
	    fe->conf->link_ttl) == -1) {
		impersonation_free(call->imp);
		reply_busy(call->req,
		    "too many impersonation links are live; try again");
	} else
		reply_link(call->req, call->imp, call->ticket);
	free(call);
}

/* Record the decision on r, then answer it (link_audited). */
static void
decide(struct evhttp_request *req, const struct link_request *r,
    const char *user_id, const char *callback, const struct access *a,
    const struct policy_verdict *v)
{
	struct impersonation	 imp;
	struct audit_event	 ev;
	struct link_call	*call;
	char			 link_hash[SHA256_HEX_LEN + 1];

	memset(&imp, 0, sizeof(imp));
	imp.impersonator_id = r->impersonator_id;
	imp.user_id = user_id;
	imp.client_id = r->client_id;
	imp.caller = a->client_id;
	imp.callback_url = callback;
	imp.state = r->state;
	imp.scope = r->scope;
	imp.nonce = r->nonce;
	imp.reason = r->reason;
	imp.response_type = strcmp(r->response_type, "token") == 0 ?
	    RESPONSE_TOKEN : RESPONSE_CODE;

	if ((call = calloc(1, sizeof(*call))) == NULL) {
		reply_unavailable(req);
		return;
	}
	call->req = req;
	call->status = v->status;
	call->message = v->message;
	memset(&ev, 0, sizeof(ev));
	if (v->status == 0) {
		if (new_secret(call->ticket) == -1 ||
		    (call->imp = impersonation_dup(&imp)) == NULL) {
			free(call);
			reply_unavailable(req);
			return;
		}
		(void)sha256_hex(call->ticket, link_hash);
		ev.link_hash = link_hash;
	}
	ev.event = "impersonation.requested";
	ev.outcome = v->status == 0 ? "allowed" : "denied";
	ev.rule = v->rule;
	ev.impersonator_id = r->impersonator_id;
	ev.user_id = user_id;
	ev.client_id = r->client_id;
	ev.caller = a->client_id;
	ev.reason = r->reason;
	ev.from = req;
	if (audit_send(&ev, link_audited, call) == -1)
		link_audited(NULL, call);
}

static void
ask_for_link(struct evhttp_request *req, const char *user_id)
{
	const struct client_config	*app;
	struct access			 a;
	struct link_request		 r;
	struct policy_verdict		 v;
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
	(void)policy_check(fe->conf, app, r.impersonator_id, user_id, &v);
	decide(req, &r, user_id, callback, &a, &v);
 done:
	params_free(&p);
}

/* A followed link, waiting for its record; then the code or the tokens. */
struct follow_call {
	struct evhttp_request	*req;
	struct impersonation	*imp;		/* NULL: refused */
	int			 status;	/* of a refusal */
	const char		*message;
	char			 code[SECRET_LEN + 1];
	struct login_request	 lr;
	char			 ip[SOURCE_MAX];	/* lr.msg's ip */
};

static void
follow_free(struct follow_call *call)
{
	login_request_clear(&call->lr);
	impersonation_free(call->imp);
	free(call);
}

/* The tokens of a single-page login came back: to the fragment only. */
static void
implicit_done(const struct proto_msg *rep, void *arg)
{
	struct follow_call	*call = arg;
	char			 id_token[PROTO_ID_TOKEN_MAX + 1];
	char			 access[PROTO_TOKEN_MAX + 1], expires[16];
	char			*location;

	if (rep == NULL || rep->status != PROTO_OK) {
		if (rep != NULL && rep->status == PROTO_ERR_AUDIT)
			audit_unavailable(call->req);
		else
			reply_unavailable(call->req);
		follow_free(call);
		return;
	}
	proto_strcpy(id_token, sizeof(id_token), rep->u.login_rep.id_token);
	proto_strcpy(access, sizeof(access), rep->u.login_rep.access_token);
	(void)verified_add(access, strlen(access));
	snprintf(expires, sizeof(expires), "%u", rep->u.login_rep.expires_in);
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
	follow_free(call);
}

/* A followed link of the code flow: a new code, redirected to the callback. */
static void
issue_code(struct follow_call *call)
{
	char	*location;

	{
		const char *const params[] = {
			"code", call->code,
			"state", call->imp->state,
			NULL
		};

		location = redirect_location(call->imp->callback_url, '?',
		    params);
	}
	if (location != NULL && store_code_put(call->code, call->imp,
	    fe->conf->code_ttl) == 0) {
		call->imp = NULL;	/* the store has it now */
		reply_redirect(call->req, location);
	} else
		reply_busy(call->req, "too many codes are live; try again");
	free(location);
	follow_free(call);
}

/* The record of the link's fate is on disk (or not): now act on it. */
static void
follow_audited(const struct proto_msg *rep, void *arg)
{
	struct follow_call	*call = arg;

	if (call->imp == NULL) {
		reply_oauth_error(call->req, call->status, "access_denied",
		    call->message);
		follow_free(call);
	} else if (rep == NULL || rep->status != PROTO_OK) {
		audit_unavailable(call->req);
		follow_free(call);
	} else if (call->imp->response_type == RESPONSE_CODE)
		issue_code(call);
	else if (login_request(call->imp, PROTO_IMPLICIT_TOKENS,
	    &call->lr) == -1) {
		reply_oauth_error(call->req, 400, "access_denied",
		    "the profile of this user is too large");
		follow_free(call);
	} else {
		audit_origin(call->req, call->ip, &call->lr.msg.u.login_req.ip,
		    &call->lr.msg.u.login_req.user_agent);
		if (signer_request(&call->lr.msg, implicit_done, call) == -1)
			implicit_done(NULL, call);
	}
}

/*
 * Record what became of a link, then act (follow_audited).  status 0: imp
 * is followed.  Otherwise the link is refused with status for rule, and
 * imp, when given, is what the record names; a refusal is answered
 * whatever becomes of its record, since it lets nothing out.  Takes imp.
 */
static void
follow_decided(struct evhttp_request *req, const char *ticket,
    const char *impersonator_id, struct impersonation *imp, int status,
    const char *rule, const char *message)
{
	struct audit_event	 ev;
	struct follow_call	*call;
	char			 link_hash[SHA256_HEX_LEN + 1];
	char			 code_hash[SHA256_HEX_LEN + 1];

	if ((call = calloc(1, sizeof(*call))) == NULL) {
		impersonation_free(imp);
		reply_unavailable(req);
		return;
	}
	call->req = req;
	call->imp = status == 0 ? imp : NULL;
	call->status = status;
	call->message = message;
	memset(&ev, 0, sizeof(ev));
	(void)sha256_hex(ticket, link_hash);
	ev.link_hash = link_hash;
	ev.event = status == 0 ? "impersonation.link_redeemed" :
	    "impersonation.link_refused";
	ev.outcome = status == 0 ? "ok" : "denied";
	ev.rule = rule;
	ev.impersonator_id = imp ? imp->impersonator_id : impersonator_id;
	ev.from = req;
	if (imp != NULL) {
		ev.user_id = imp->user_id;
		ev.client_id = imp->client_id;
		ev.caller = imp->caller;
		ev.reason = imp->reason;
		if (status == 0 && imp->response_type == RESPONSE_CODE) {
			if (new_secret(call->code) == -1) {
				follow_free(call);
				reply_unavailable(req);
				return;
			}
			(void)sha256_hex(call->code, code_hash);
			ev.code_hash = code_hash;
		}
	}
	if (audit_send(&ev, follow_audited, call) == -1)
		follow_audited(NULL, call);
	if (status != 0)
		impersonation_free(imp);	/* the message had its copy */
}

/* GET on the link: it works once, while it lives, for its impersonator. */
static void
follow_link(struct evhttp_request *req, const char *impersonator_id)
{
	const struct evhttp_uri		*uri = evhttp_request_get_evhttp_uri(req);
	const char			*query, *ticket, *why;
	struct impersonation		*imp;
	struct policy_verdict		 v;
	struct form			 f;
	char				 buf[512], source[SOURCE_MAX];

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
	/* Taken out of the store now: whatever follows, it is spent. */
	if ((imp = store_link_take(ticket)) == NULL) {
		/* Anyone can make one up: counted, not recorded each. */
		audit_source(req, source);
		tally_count(TALLY_LINK_REFUSED, source);
		link_refused(req, 400,
		    "the link is invalid, expired or already used");
		return;
	}
	if (strcmp(imp->impersonator_id, impersonator_id) != 0) {
		impersonation_free(imp);
		follow_decided(req, ticket, impersonator_id, NULL, 400,
		    "link_tampered",
		    "the link is invalid, expired or already used");
		return;
	}
	/*
	 * A reload may have changed the policy, the application's callbacks
	 * and grants, or the users since the link was made.  Nothing is wrong
	 * with the link: what is configured now refuses it, which is 403, as
	 * every refusal by policy is.
	 */
	if (policy_recheck(fe->conf, imp, &v) != 0) {
		follow_decided(req, ticket, impersonator_id, imp, 403, v.rule,
		    "the impersonation is no longer allowed");
		return;
	}
	imp->auth_time = time(NULL);
	follow_decided(req, ticket, impersonator_id, imp, 0, NULL, NULL);
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
