/*
 * GET and POST /authorize (DESIGN.md section 1b): an OpenID Connect
 * authorization endpoint that logs in only through impersonation.  The
 * application's own request is answered when the browser carries the
 * login cookie of a link followed for that application (cookie.h): the
 * signer redeems the login grant kept under it, once, and the answer is a
 * code (or tokens) for the application's own redirect_uri, state, nonce
 * and PKCE challenge, as any OpenID Connect library expects.  Without one
 * the answer is login_required.  Until the client and its redirect_uri
 * are known to be registered, nothing is redirected anywhere: errors are
 * a plain page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <openssl/evp.h>

#include "audit_client.h"
#include "cookie.h"
#include "frontend.h"
#include "http.h"
#include "page.h"
#include "params.h"
#include "pkce.h"
#include "redirect.h"
#include "reply.h"
#include "scope.h"
#include "sessions.h"
#include "signer_client.h"
#include "store.h"
#include "tally.h"
#include "verified.h"

#define QUERY_MAX	8192	/* bytes of an authorization request's query */

/* How the answer travels (OAuth 2.0 Multiple Response Types, Form Post). */
enum mode { MODE_QUERY, MODE_FRAGMENT, MODE_FORM_POST };

struct authz {
	const struct client_config	*app;
	const char			*client_id;
	const char			*redirect_uri;
	const char			*state;		/* NULL when none */
	const char			*scope;
	const char			*nonce;		/* NULL when none */
	const char			*code_challenge;	/* NULL when none */
	enum response_type		 response_type;
	int				 id_token;	/* implicit: sent */
	int				 access_token;	/* implicit: sent */
	enum mode			 mode;
};

/*
 * The request cannot be answered at any redirect_uri: say so on a page,
 * never with a redirect to an address nobody registered.
 */
static void
refuse_page(struct evhttp_request *req, const char *why)
{
	struct evbuffer	*b;

	if ((b = evbuffer_new()) == NULL) {
		reply_unavailable(req);
		return;
	}
	evbuffer_add_printf(b, "<!DOCTYPE html>\n<html><head><meta "
	    "charset=\"utf-8\"><title>guise: sign-in refused</title></head>"
	    "<body><h1>Sign-in refused</h1><p>");
	page_escape(b, why);
	evbuffer_add_printf(b, "</p><p>guise signs in to applications only "
	    "through impersonation links: follow the link you were given, "
	    "in this browser, to reach the application.</p></body></html>\n");
	page_send(req, 400, "Bad Request", b, NULL);
	evbuffer_free(b);
}

/* The one script of a form_post answer: it submits the form. */
static const char	 form_script[] = "document.forms[0].submit()";
static char		 form_script_hash[64];	/* "sha256-..." for the CSP */

static int
form_script_hashed(void)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n;

	if (form_script_hash[0] != '\0')
		return 0;
	if (EVP_Digest(form_script, strlen(form_script), md, &n, EVP_sha256(),
	    NULL) != 1)
		return -1;
	memcpy(form_script_hash, "sha256-", 7);
	EVP_EncodeBlock((unsigned char *)form_script_hash + 7, md, (int)n);
	return 0;
}

/* response_mode=form_post: the answer as a form the page posts. */
static void
send_form_post(struct evhttp_request *req, const char *redirect_uri,
    const char *const *params)
{
	struct evbuffer	*b;
	size_t		 i;

	if (form_script_hashed() == -1 || (b = evbuffer_new()) == NULL) {
		reply_unavailable(req);
		return;
	}
	evbuffer_add_printf(b, "<!DOCTYPE html>\n<html><head><meta "
	    "charset=\"utf-8\"><title>Signing in</title></head><body>"
	    "<form method=\"post\" action=\"");
	page_escape(b, redirect_uri);
	evbuffer_add_printf(b, "\">");
	for (i = 0; params[i] != NULL; i += 2) {
		if (params[i + 1] == NULL)
			continue;
		evbuffer_add_printf(b, "<input type=\"hidden\" name=\"");
		page_escape(b, params[i]);
		evbuffer_add_printf(b, "\" value=\"");
		page_escape(b, params[i + 1]);
		evbuffer_add_printf(b, "\">");
	}
	evbuffer_add_printf(b, "<noscript><button type=\"submit\">Continue"
	    "</button></noscript></form><script>%s</script></body></html>\n",
	    form_script);
	page_send(req, 200, "OK", b, form_script_hash);
	evbuffer_free(b);
}

/* The answer to the application, params ending with a NULL name. */
static void
answer(struct evhttp_request *req, const struct authz *a,
    const char *const *params)
{
	char	*location;

	if (a->mode == MODE_FORM_POST) {
		send_form_post(req, a->redirect_uri, params);
		return;
	}
	location = redirect_location(a->redirect_uri,
	    a->mode == MODE_QUERY ? '?' : '#', params);
	if (location == NULL)
		reply_unavailable(req);
	else
		reply_redirect(req, location);
	free(location);
}

/*
 * An error for the application at its redirect_uri (RFC 6749 4.1.2.1).
 * Without iss: mod_auth_openidc (2.4.12) takes a request to its redirect
 * URI with iss and no code for a third-party initiated login, and shows
 * a page about target_link_uri instead of the error.
 */
static void
answer_error(struct evhttp_request *req, const struct authz *a,
    const char *error, const char *why)
{
	const char *const params[] = {
		"error", error,
		"error_description", why,
		"state", a->state,
		NULL
	};

	answer(req, a, params);
}

/*
 * response_type: "code", "token", or "id_token token" in either order.
 * Returns 0, or -1 for any other.
 */
static int
read_response_type(const char *s, struct authz *a)
{
	if (strcmp(s, "code") == 0) {
		a->response_type = RESPONSE_CODE;
		return 0;
	}
	a->response_type = RESPONSE_TOKEN;
	a->access_token = 1;
	if (strcmp(s, "token") == 0)
		return 0;
	a->id_token = 1;
	return strcmp(s, "id_token token") == 0 ||
	    strcmp(s, "token id_token") == 0 ? 0 : -1;
}

/* prompt: none alone, or any of login, consent, select_account. */
static int
prompt_ok(const char *prompt)
{
	char	 buf[128], *w, *last;
	int	 none = 0, others = 0;

	if (strlen(prompt) >= sizeof(buf))
		return 0;
	memcpy(buf, prompt, strlen(prompt) + 1);
	for (w = strtok_r(buf, " ", &last); w != NULL;
	    w = strtok_r(NULL, " ", &last)) {
		if (strcmp(w, "none") == 0)
			none = 1;
		else
			others = 1;
	}
	return !(none && others);
}

/*
 * Check what the application asked for once its redirect_uri is known to
 * be its own: NULL, or the error (and *why) to answer it with.
 */
static const char *
read_request(const struct params *p, struct authz *a, const char **why)
{
	const char	*rt, *mode, *method, *prompt;
	int		 bad = 0;

	rt = params_get(p, "response_type", &bad);
	mode = params_get(p, "response_mode", &bad);
	a->scope = params_get(p, "scope", &bad);
	a->nonce = params_get(p, "nonce", &bad);
	a->code_challenge = params_get(p, "code_challenge", &bad);
	method = params_get(p, "code_challenge_method", &bad);
	prompt = params_get(p, "prompt", &bad);
	if (rt == NULL || read_response_type(rt, a) == -1) {
		*why = "response_type must be code, token or id_token token";
		return "unsupported_response_type";
	}
	a->mode = a->response_type == RESPONSE_CODE ? MODE_QUERY :
	    MODE_FRAGMENT;
	if (mode != NULL) {
		if (strcmp(mode, "form_post") == 0)
			a->mode = MODE_FORM_POST;
		else if (strcmp(mode, "fragment") == 0)
			a->mode = MODE_FRAGMENT;
		else if (strcmp(mode, "query") != 0 ||
		    a->response_type != RESPONSE_CODE) {
			*why = "response_mode must be query (code only), "
			    "fragment or form_post";
			return "invalid_request";
		}
	}
	if (bad) {
		*why = "parameters must be strings";
		return "invalid_request";
	}
	if (params_get(p, "request", &bad) != NULL) {
		*why = "request objects are not supported";
		return "request_not_supported";
	}
	if (params_get(p, "request_uri", &bad) != NULL) {
		*why = "request_uri is not supported";
		return "request_uri_not_supported";
	}
	if (!(a->app->grant_types & (a->response_type == RESPONSE_CODE ?
	    GRANT_AUTHORIZATION_CODE : GRANT_IMPLICIT)) ||
	    !a->app->allow_impersonation) {
		*why = "the application may not use this response_type here";
		return "unauthorized_client";
	}
	if (a->scope == NULL || !params_text(a->scope, PROTO_SCOPE_MAX) ||
	    !scope_has(a->scope, "openid")) {
		*why = "scope must include openid";
		return "invalid_scope";
	}
	if (a->state != NULL && strlen(a->state) > REDIRECT_STATE_MAX) {
		*why = "state is too long";
		return "invalid_request";
	}
	if (a->nonce != NULL && (*a->nonce == '\0' ||
	    !params_text(a->nonce, PROTO_NONCE_MAX))) {
		*why = "nonce is empty, too long or has control characters";
		return "invalid_request";
	}
	if (a->id_token && a->nonce == NULL) {
		*why = "nonce is required when an id_token is sent back";
		return "invalid_request";
	}
	if (prompt != NULL && !prompt_ok(prompt)) {
		*why = "prompt is too long, or none with other values";
		return "invalid_request";
	}
	if (a->response_type != RESPONSE_CODE) {
		a->code_challenge = NULL;	/* no code to bind it to */
		return NULL;
	}
	if (a->code_challenge == NULL) {
		if (method != NULL) {
			*why = "code_challenge_method without code_challenge";
			return "invalid_request";
		}
		if (a->app->public_client) {
			*why = "a public client must use PKCE (S256)";
			return "invalid_request";
		}
		return NULL;
	}
	if (method == NULL || strcmp(method, "S256") != 0) {
		*why = "code_challenge_method must be S256";
		return "invalid_request";
	}
	if (!pkce_is_challenge(a->code_challenge)) {
		*why = "code_challenge is not a base64url SHA-256";
		return "invalid_request";
	}
	return NULL;
}

/* The application's request at the signer, with its login's grant. */
struct authorize_call {
	struct evhttp_request	*req;
	struct authz		 a;		/* its strings are in p */
	struct params		 p;
	struct impersonation	*imp;		/* the login, taken */
	char			 login[PROTO_LOGIN_MAX + 1];	/* its cookie */
	char			 ip[SOURCE_MAX];
};

static void
call_free(struct authorize_call *call)
{
	impersonation_free(call->imp);
	params_free(&call->p);
	free(call);
}

/* The code the signer made, kept with its grant for the token endpoint. */
static void
answer_code(struct authorize_call *call, const struct proto_msg *rep)
{
	struct impersonation	 made = { .client_id = call->a.client_id,
				    .callback_url = call->a.redirect_uri,
				    .state = call->a.state,
				    .code_challenge = call->a.code_challenge,
				    .response_type = RESPONSE_CODE };
	struct impersonation	*imp;
	char			 code[PROTO_CODE_MAX + 1];
	char			 grant[PROTO_GRANT_MAX + 1];

	if (proto_strcpy(code, sizeof(code), rep->u.follow_rep.code) == -1 ||
	    code[0] == '\0' || proto_strcpy(grant, sizeof(grant),
	    rep->u.follow_rep.grant) == -1) {
		reply_unavailable(call->req);
		return;
	}
	made.grant = grant;
	if ((imp = impersonation_dup(&made)) == NULL) {
		reply_unavailable(call->req);
		return;
	}
	if (store_code_put(code, imp, fe->conf->code_ttl) == -1) {
		impersonation_free(imp);
		answer_error(call->req, &call->a, "temporarily_unavailable",
		    "too many codes are live; try again");
		return;
	}
	{
		const char *const params[] = {
			"code", code,
			"state", call->a.state,
			"iss", fe->conf->issuer,
			NULL
		};

		answer(call->req, &call->a, params);
	}
}

/* The tokens of an implicit answer, as the application asked for them. */
static void
answer_tokens(struct authorize_call *call, const struct proto_msg *rep)
{
	char	 id_token[PROTO_ID_TOKEN_MAX + 1];
	char	 access[PROTO_TOKEN_MAX + 1], expires[16];

	proto_strcpy(id_token, sizeof(id_token), rep->u.follow_rep.id_token);
	proto_strcpy(access, sizeof(access), rep->u.follow_rep.access_token);
	(void)verified_add(access, strlen(access));
	sessions_token(rep->u.follow_rep.sid, rep->u.follow_rep.access_jti);
	snprintf(expires, sizeof(expires), "%u", rep->u.follow_rep.expires_in);
	{
		const char *const params[] = {
			"access_token", access,
			"token_type", "Bearer",
			"expires_in", expires,
			"id_token", call->a.id_token ? id_token : NULL,
			"state", call->a.state,
			"iss", fe->conf->issuer,
			NULL
		};

		answer(call->req, &call->a, params);
	}
}

/* The signer's answer on the application's request, its record on disk. */
static void
authorized(const struct proto_msg *rep, void *arg)
{
	struct authorize_call	*call = arg;
	struct evhttp_request	*req = call->req;
	char			 why[PROTO_MESSAGE_MAX + 1];

	/*
	 * Nothing decided (the signer did not answer, or refused the request
	 * before it looked at the grant): the login stays, for another try
	 * in this browser; the signer alone knows whether it was spent.
	 */
	if (rep == NULL || rep->status == PROTO_ERR_AUDIT ||
	    rep->status == PROTO_ERR_INTERNAL ||
	    rep->status == PROTO_ERR_REQUEST) {
		if (store_login_put(call->a.client_id, call->login, call->imp,
		    fe->conf->link_ttl) == 0)
			call->imp = NULL;
		if (rep != NULL && rep->status == PROTO_ERR_REQUEST)
			answer_error(req, &call->a, "invalid_request",
			    "the request is not one the signer grants");
		else
			answer_error(req, &call->a, "temporarily_unavailable",
			    "nothing was issued; try again");
		call_free(call);
		return;
	}
	/* Used, or refused for good: the cookie has done its work. */
	cookie_set_login(req, call->a.client_id, NULL, 0);
	if (rep->status == PROTO_ERR_INVALID_GRANT ||
	    rep->status == PROTO_ERR_REDEEMED)
		answer_error(req, &call->a, "login_required",
		    "the impersonation link's login is expired or used");
	else if (rep->status != PROTO_OK)
		answer_error(req, &call->a, "temporarily_unavailable",
		    "nothing was issued; follow a new link");
	else if (rep->u.follow_rep.rule.len > 0) {
		if (proto_strcpy(why, sizeof(why),
		    rep->u.follow_rep.message) == -1 || why[0] == '\0')
			snprintf(why, sizeof(why),
			    "the impersonation is not allowed");
		answer_error(req, &call->a, "access_denied", why);
	} else if (call->a.response_type == RESPONSE_CODE)
		answer_code(call, rep);
	else
		answer_tokens(call, rep);
	call_free(call);
}

/* No live login for this application in this browser: counted, not
 * recorded each (anyone can ask), and answered login_required. */
static void
no_login(struct evhttp_request *req, const struct authz *a)
{
	char	 source[SOURCE_MAX];

	audit_source(req, source);
	tally_count(TALLY_NO_LOGIN, source);
	answer_error(req, a, "login_required", "guise signs in only through "
	    "an impersonation link followed in this browser");
}

/*
 * Redeem the login of the cookie sent for call's application: the login
 * grant leaves the store now, and comes back only if the signer decided
 * nothing (authorized).
 */
static void
ask_signer(struct authorize_call *call)
{
	struct proto_msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = PROTO_AUTHORIZE;
	m.u.authorize_req.login = proto_str(call->login);
	m.u.authorize_req.grant = proto_str(call->imp->grant);
	m.u.authorize_req.client_id = proto_str(call->a.client_id);
	m.u.authorize_req.redirect_uri = proto_str(call->a.redirect_uri);
	m.u.authorize_req.response_type = call->a.response_type;
	m.u.authorize_req.scope = proto_str(call->a.scope);
	m.u.authorize_req.nonce = proto_str(call->a.nonce ? call->a.nonce :
	    "");
	m.u.authorize_req.code_challenge = proto_str(call->a.code_challenge ?
	    call->a.code_challenge : "");
	audit_origin(call->req, call->ip, &m.u.authorize_req.ip,
	    &m.u.authorize_req.user_agent);
	if (signer_request(&m, authorized, call) == -1)
		authorized(NULL, call);
}

/* The request's parameters: the query of a GET, the form of a POST. */
static int
read_params(struct evhttp_request *req, struct params *p, const char **why)
{
	const char	*query;
	size_t		 len;

	if (evhttp_request_get_command(req) == EVHTTP_REQ_POST)
		return params_read(req, p, why);
	memset(p, 0, sizeof(*p));
	query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	if (query == NULL)
		query = "";
	if ((len = strlen(query)) > QUERY_MAX) {
		*why = "the request is too long";
		return -1;
	}
	if ((p->buf = malloc(len + 1)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	memcpy(p->buf, query, len + 1);
	return form_parse(p->buf, len, &p->form, why);
}

void
authorize(struct evhttp_request *req)
{
	struct authorize_call	*call;
	struct authz		*a;
	const char		*why, *error;
	int			 bad = 0, sent;

	/* A HEAD (a link checker's, say) must not spend the login. */
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, POST");
		reply_oauth_error(req, 405, "invalid_request",
		    "method not allowed");
		return;
	}
	if ((call = calloc(1, sizeof(*call))) == NULL) {
		reply_unavailable(req);
		return;
	}
	call->req = req;
	a = &call->a;
	if (read_params(req, &call->p, &why) == -1) {
		refuse_page(req, why);
		goto done;
	}
	a->client_id = params_get(&call->p, "client_id", &bad);
	a->redirect_uri = params_get(&call->p, "redirect_uri", &bad);
	a->state = params_get(&call->p, "state", &bad);
	if (bad || a->client_id == NULL ||
	    (a->app = config_client(fe->conf, a->client_id)) == NULL) {
		refuse_page(req, "client_id is not a registered application");
		goto done;
	}
	/* Byte for byte, as the code exchange will check it again. */
	if (a->redirect_uri == NULL ||
	    !strlist_has(&a->app->callbacks, a->redirect_uri)) {
		refuse_page(req, "redirect_uri is not registered for this "
		    "application");
		goto done;
	}
	/* Its links lead straight to its callback, as the how-to's do. */
	if (a->app->initiate_login_uri == NULL) {
		refuse_page(req, "this application does not start its own "
		    "login here (it has no initiate_login_uri)");
		goto done;
	}
	if ((error = read_request(&call->p, a, &why)) != NULL) {
		answer_error(req, a, error, why);
		goto done;
	}
	if (cookie_login(req, a->client_id, call->login, sizeof(call->login),
	    &sent) == -1) {
		/* A malformed cookie: cleared. */
		if (sent)
			cookie_set_login(req, a->client_id, NULL, 0);
		no_login(req, a);
		goto done;
	}
	/*
	 * A cookie that names no live login stays: another request of this
	 * browser may have its login at the signer, to come back (authorized).
	 */
	if ((call->imp = store_login_take(a->client_id, call->login)) ==
	    NULL) {
		no_login(req, a);
		goto done;
	}
	ask_signer(call);
	return;
 done:
	call_free(call);
}
