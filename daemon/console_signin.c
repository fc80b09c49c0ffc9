/*
 * The console's sign-in with the organization's OpenID Connect provider
 * (DESIGN.md section 7): authorization code with PKCE S256, state and
 * nonce, all three drawn by the signer, which seals them into the sign-in
 * grant.  The browser holds that grant in a short-lived SameSite=Lax
 * cookie (it must come back on the provider's redirect), so the front end
 * keeps nothing for a sign-in under way (a flood of them fills no table),
 * and a callback is taken only in the browser that began it: the signer
 * checks that its grant travels under the state the provider sent back,
 * and redeems it once.  The callback, which
 * the provider's redirect chain reaches, answers a 200 page that moves on
 * to the console: only a request that starts on guise's own page carries
 * the console's SameSite=Strict cookie.
 *
 * The code is exchanged here, at the provider's token endpoint, over the
 * outbound client (common/https_client.c), with the PKCE verifier and
 * the client authentication the signer hands out for this sign-in; the
 * id_token goes to the signer, which verifies it on the provider's keys,
 * redeems the sign-in, decides who this is and records it.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "audit_client.h"
#include "b64url.h"
#include "console.h"
#include "cookie.h"
#include "form.h"
#include "frontend.h"
#include "https_client.h"
#include "https_url.h"
#include "idp_discovery.h"
#include "log.h"
#include "outbound.h"
#include "page.h"
#include "source.h"
#include "redirect.h"
#include "reply.h"
#include "session_end.h"
#include "signer_client.h"

#define DISCOVERY_TTL	3600	/* seconds a discovery document is used */
#define CALLBACK_QUERY_MAX 8192
#define SCOPE		"openid email profile"
#define NOT_HERE	"this sign-in was not started in this browser, or it " \
			"is over (used, or older than ten minutes): start again."

static struct https_client	*client;

/* The provider's discovery document, as last fetched. */
static struct {
	char			*issuer;	/* the one it is for */
	struct idp_discovery	 d;
	time_t			 fetched;
} provider;

int
console_signin_init(const struct config *conf)
{
	char	 err[HTTPS_ERR_MAX];

	if ((client = outbound_client(conf->console.idp_ca_file, err,
	    sizeof(err))) == NULL) {
		log_warnx("console: %s", err);
		return -1;
	}
	return 0;
}

/* Where the provider sends the browser back: the one URI to register. */
static char *
callback_uri(void)
{
	char	*uri;

	if (asprintf(&uri, "%sconsole/callback", fe->conf->issuer) == -1)
		return NULL;
	return uri;
}

/* --- GET /console/login --- */

/* The signer began the sign-in: keep its grant, and send the browser. */
static void
begun(const struct proto_msg *rep, void *arg)
{
	struct evhttp_request	*req = arg;
	char	state[PROTO_TICKET_MAX + 1], nonce[PROTO_NONCE_MAX + 1];
	char	challenge[PROTO_CHALLENGE_MAX + 1], grant[PROTO_GRANT_MAX + 1];
	char	*callback = NULL, *location = NULL;

	if (rep == NULL || rep->status != PROTO_OK ||
	    proto_strcpy(state, sizeof(state), rep->u.begin_rep.state) ==
	    -1 || proto_strcpy(nonce, sizeof(nonce),
	    rep->u.begin_rep.nonce) == -1 || proto_strcpy(challenge,
	    sizeof(challenge), rep->u.begin_rep.code_challenge) == -1 ||
	    proto_strcpy(grant, sizeof(grant), rep->u.begin_rep.grant) == -1 ||
	    state[0] == '\0') {
		reply_unavailable(req);
		return;
	}
	if ((callback = callback_uri()) != NULL) {
		const char *const params[] = {
			"response_type", "code",
			"client_id", fe->conf->console.idp_client_id,
			"redirect_uri", callback,
			"scope", SCOPE,
			"state", state,
			"nonce", nonce,
			"code_challenge", challenge,
			"code_challenge_method", "S256",
			NULL
		};
		location = redirect_location(
		    provider.d.authorization_endpoint, '?', params);
	}
	if (location == NULL)
		reply_unavailable(req);
	else {
		cookie_set(req, CONSOLE_SIGNIN_COOKIE, grant,
		    CONSOLE_SIGNIN_TTL, "Lax");
		reply_redirect(req, location);
	}
	free(location);
	free(callback);
}

static void
begin(struct evhttp_request *req)
{
	struct proto_msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = PROTO_CONSOLE_BEGIN;
	if (signer_request(&m, begun, req) == -1)
		begun(NULL, req);
}

static void
discovered(const char *body, size_t len, const char *err, void *arg)
{
	struct evhttp_request	*req = arg;
	struct idp_discovery	 d;
	const char		*issuer = fe->conf->console.idp_issuer;
	char			 url[HTTPS_URL_MAX + 1], why[512];

	snprintf(url, sizeof(url), "%s%s", issuer, IDP_DISCOVERY_PATH);
	if (err != NULL) {
		log_warnx("console: discovery %s: %s", url, err);
		console_words(req, 503, "The sign-in provider cannot be "
		    "reached", "guise could not read the provider's discovery "
		    "document; try again later, or tell the operator.");
		return;
	}
	if (idp_discovery_parse(body, len, url, issuer, &d, why,
	    sizeof(why)) == -1) {
		log_warnx("console: discovery %s", why);
		console_words(req, 503, "The sign-in provider is misconfigured",
		    "the provider's discovery document is not usable; tell "
		    "the operator.");
		return;
	}
	idp_discovery_free(&provider.d);
	free(provider.issuer);
	provider.d = d;
	provider.issuer = strdup(issuer);
	provider.fetched = time(NULL);
	begin(req);
}

void
console_login(struct evhttp_request *req)
{
	const char	*issuer = fe->conf->console.idp_issuer;
	char		 url[HTTPS_URL_MAX + 1], err[HTTPS_ERR_MAX];

	if (provider.issuer != NULL && strcmp(provider.issuer, issuer) == 0 &&
	    time(NULL) - provider.fetched < DISCOVERY_TTL) {
		begin(req);
		return;
	}
	snprintf(url, sizeof(url), "%s%s", issuer, IDP_DISCOVERY_PATH);
	if (https_get(client, url, HTTPS_JSON, HTTPS_TIMEOUT, discovered, req,
	    err, sizeof(err)) == NULL)
		discovered(NULL, 0, err, req);
}

/* --- GET /console/callback --- */

struct callback {
	struct evhttp_request	*req;
	char			 state[PROTO_TICKET_MAX + 1];
	char			 code[1024];
	char			 grant[PROTO_GRANT_MAX + 1];
	char			 ip[SOURCE_MAX];
	char			 refused[256];	/* the provider's error */
};

static void
callback_free(struct callback *c)
{
	OPENSSL_cleanse(c->code, sizeof(c->code));
	free(c);
}

/* Signed in: the console session, its cookie, and a page that moves on. */
static void
session_open(struct callback *c, const struct proto_msg *rep)
{
	struct console_session	*s;
	struct evbuffer		*b;
	unsigned char		 raw[32];
	char			 cookie[PROTO_LOGIN_MAX + 1];
	time_t			 now = time(NULL);

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    proto_strcpy(cookie, sizeof(cookie),
	    rep->u.signin_rep.session) == -1 || cookie[0] == '\0' ||
	    (s->grant = strndup(rep->u.signin_rep.grant.p,
	    rep->u.signin_rep.grant.len)) == NULL ||
	    (s->user_id = strndup(rep->u.signin_rep.user_id.p,
	    rep->u.signin_rep.user_id.len)) == NULL ||
	    (s->email = strndup(rep->u.signin_rep.email.p,
	    rep->u.signin_rep.email.len)) == NULL ||
	    evutil_secure_rng_init() == -1) {
		console_session_free(s);
		reply_unavailable(c->req);
		return;
	}
	evutil_secure_rng_get_bytes(raw, sizeof(raw));
	b64url_encode(s->csrf, raw, sizeof(raw));
	s->expires = now + fe->conf->console.session_ttl;
	s->seen = now;
	if (store_session_put(cookie, s) == -1) {
		console_session_free(s);
		reply_busy(c->req, "too many console sessions are live");
		return;
	}
	if ((b = evbuffer_new()) == NULL) {
		reply_unavailable(c->req);
		return;
	}
	cookie_set(c->req, CONSOLE_COOKIE, cookie,
	    fe->conf->console.session_ttl, "Strict");
	evbuffer_add_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><meta http-equiv=\"refresh\" "
	    "content=\"0; url=/console/\"><title>Signed in - guise console"
	    "</title></head><body><main><h1>Signed in</h1><p>Signed in as ");
	page_escape(b, s->email[0] != '\0' ? s->email : s->user_id);
	evbuffer_add_printf(b, ". <a href=\"/console/\">Continue to the "
	    "console</a>.</p></main></body></html>\n");
	page_send(c->req, 200, "OK", b, NULL);
	evbuffer_free(b);
}

static void
signed_in(const struct proto_msg *rep, void *arg)
{
	struct callback	*c = arg;
	char		 why[PROTO_MESSAGE_MAX + 1];

	if (rep == NULL)
		reply_unavailable(c->req);
	else if (rep->status == PROTO_ERR_INVALID_GRANT ||
	    rep->status == PROTO_ERR_REDEEMED)
		console_words(c->req, 403, "Sign-in refused", "the provider's "
		    "answer does not prove who you are, or this sign-in was "
		    "used before.");
	else if (rep->status != PROTO_OK)
		reply_unavailable(c->req);
	else if (rep->u.signin_rep.rule.len > 0) {
		if (proto_strcpy(why, sizeof(why),
		    rep->u.signin_rep.message) == -1 || why[0] == '\0')
			snprintf(why, sizeof(why), "you may not use the "
			    "console");
		console_words(c->req, 403, "Sign-in refused", why);
	} else
		session_open(c, rep);
	callback_free(c);
}

/* The provider's token endpoint answered: its id_token to the signer. */
static void
exchanged(const char *body, size_t len, const char *err, void *arg)
{
	struct callback		*c = arg;
	struct proto_msg	 m;
	json_t			*doc = NULL, *t;
	json_error_t		 e;

	if (err != NULL || (doc = json_loadb(body, len, 0, &e)) == NULL ||
	    !json_is_string(t = json_object_get(doc, "id_token")) ||
	    json_string_length(t) > PROTO_ID_TOKEN_MAX) {
		log_warnx("console: the provider's token endpoint: %s",
		    err != NULL ? err : "no id_token in its answer");
		console_words(c->req, 502, "The sign-in provider failed",
		    "the provider did not answer the code's exchange; try "
		    "again, or tell the operator.");
		json_decref(doc);
		callback_free(c);
		return;
	}
	memset(&m, 0, sizeof(m));
	m.type = PROTO_CONSOLE_SIGNIN;
	m.u.signin_req.state = proto_str(c->state);
	m.u.signin_req.grant = proto_str(c->grant);
	m.u.signin_req.id_token = proto_str(json_string_value(t));
	audit_origin(c->req, c->ip, &m.u.signin_req.ip,
	    &m.u.signin_req.user_agent);
	if (signer_request(&m, signed_in, c) == -1)
		signed_in(NULL, c);
	json_decref(doc);
}

/* The form of the code's exchange (RFC 6749 section 4.1.3, RFC 7636). */
static char *
exchange_form(const struct callback *c, const char *verifier,
    const char *assertion)
{
	struct evbuffer	*b;
	char		*callback = callback_uri(), *out = NULL;
	const char	*pairs[12];
	size_t		 n = 0, i, len;
	char		*v;

	pairs[n++] = "grant_type";
	pairs[n++] = "authorization_code";
	pairs[n++] = "code";
	pairs[n++] = c->code;
	pairs[n++] = "redirect_uri";
	pairs[n++] = callback;
	pairs[n++] = "code_verifier";
	pairs[n++] = verifier;
	if (assertion[0] != '\0') {
		pairs[n++] = "client_assertion_type";
		pairs[n++] =
		    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
		pairs[n++] = "client_assertion";
		pairs[n++] = assertion;
	}
	if (callback == NULL || (b = evbuffer_new()) == NULL) {
		free(callback);
		return NULL;
	}
	for (i = 0; i < n; i += 2) {
		if ((v = redirect_encode(pairs[i + 1])) == NULL)
			break;
		evbuffer_add_printf(b, "%s%s=%s", i ? "&" : "", pairs[i], v);
		free(v);
	}
	len = evbuffer_get_length(b);
	if (i == n && (out = malloc(len + 1)) != NULL) {
		evbuffer_remove(b, out, len);
		out[len] = '\0';
	}
	evbuffer_free(b);
	free(callback);
	return out;
}

/* The signer's PKCE verifier and client authentication: exchange. */
static void
authed(const struct proto_msg *rep, void *arg)
{
	struct callback	*c = arg;
	char		 verifier[PROTO_CHALLENGE_MAX + 1];
	char		 assertion[PROTO_TOKEN_MAX + 1];
	char		 authorization[PROTO_AUTHORIZATION_MAX + 1];
	char		 err[HTTPS_ERR_MAX];
	char		*form;

	if (rep == NULL || rep->status != PROTO_OK ||
	    proto_strcpy(verifier, sizeof(verifier),
	    rep->u.idp_auth_rep.code_verifier) == -1 ||
	    proto_strcpy(assertion, sizeof(assertion),
	    rep->u.idp_auth_rep.assertion) == -1 ||
	    proto_strcpy(authorization, sizeof(authorization),
	    rep->u.idp_auth_rep.authorization) == -1) {
		if (rep != NULL && rep->status == PROTO_ERR_INVALID_GRANT)
			console_words(c->req, 400, "Sign-in failed", NOT_HERE);
		else
			reply_unavailable(c->req);
		callback_free(c);
		return;
	}
	if (c->refused[0] != '\0') {
		console_words(c->req, 403, "Sign-in refused", c->refused);
		OPENSSL_cleanse(authorization, sizeof(authorization));
		callback_free(c);
		return;
	}
	form = exchange_form(c, verifier, assertion);
	if (form == NULL || provider.d.token_endpoint == NULL ||
	    https_post_form(client, provider.d.token_endpoint, form,
	    authorization[0] != '\0' ? authorization : NULL, HTTPS_JSON,
	    HTTPS_TIMEOUT, exchanged, c, err, sizeof(err)) == NULL) {
		log_warnx("console: the code's exchange: %s",
		    form == NULL ? "out of memory" : err);
		reply_unavailable(c->req);
		callback_free(c);
	}
	OPENSSL_cleanse(authorization, sizeof(authorization));
	free(form);
}

/* The provider's answer, for a sign-in this browser began. */
void
console_callback(struct evhttp_request *req)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*query = evhttp_uri_get_query(uri);
	const char		*state, *code, *error, *why;
	struct callback		*c;
	struct proto_msg	 m;
	struct form		 f;
	char			 buf[CALLBACK_QUERY_MAX];
	char			 said[256], text[400];
	int			 sent;

	if (query == NULL || strlen(query) >= sizeof(buf)) {
		console_words(req, 400, "Sign-in failed", "the provider's "
		    "answer is missing or too long.");
		return;
	}
	memcpy(buf, query, strlen(query) + 1);
	if (form_parse(buf, strlen(buf), &f, &why) == -1 ||
	    (state = form_get(&f, "state")) == NULL ||
	    strlen(state) > PROTO_TICKET_MAX) {
		console_words(req, 400, "Sign-in failed", "the provider's "
		    "answer is malformed.");
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		reply_unavailable(req);
		return;
	}
	c->req = req;
	memcpy(c->state, state, strlen(state) + 1);
	/*
	 * The browser that began this sign-in holds its grant, which the
	 * signer finds under this state or refuses.  Cleared now: whatever
	 * follows, this sign-in is over.
	 */
	if (cookie_get(req, CONSOLE_SIGNIN_COOKIE, c->grant, sizeof(c->grant),
	    &sent) == -1) {
		callback_free(c);
		console_words(req, 400, "Sign-in failed", NOT_HERE);
		return;
	}
	cookie_set(req, CONSOLE_SIGNIN_COOKIE, NULL, 0, "Lax");
	/*
	 * The provider's error is shown once the signer has found this
	 * sign-in under the state (authed): before, its words are anyone's.
	 */
	if ((error = form_get(&f, "error")) != NULL) {
		idp_shown(said, sizeof(said),
		    form_get(&f, "error_description"));
		snprintf(text, sizeof(text), "the provider refused the "
		    "sign-in (%.64s)%s%s", error, said[0] ? ": " : ".", said);
		idp_shown(c->refused, sizeof(c->refused), text);
	} else if ((code = form_get(&f, "code")) == NULL || code[0] == '\0' ||
	    strlen(code) >= sizeof(c->code)) {
		callback_free(c);
		console_words(req, 400, "Sign-in failed", "the provider's "
		    "answer has no usable code.");
		return;
	} else
		memcpy(c->code, code, strlen(code) + 1);
	memset(&m, 0, sizeof(m));
	m.type = PROTO_CONSOLE_IDP_AUTH;
	m.u.idp_auth_req.state = proto_str(c->state);
	m.u.idp_auth_req.grant = proto_str(c->grant);
	if (signer_request(&m, authed, c) == -1)
		authed(NULL, c);
}

/* --- POST /console/logout --- */

struct logout {
	struct evhttp_request	*req;
	struct console_session	*s;
	char			 cookie[PROTO_LOGIN_MAX + 1];
	char			 ip[SOURCE_MAX];
};

static void
logged_out(const struct proto_msg *rep, void *arg)
{
	struct logout	*l = arg;

	/* The session is gone here whatever the signer said. */
	if (l->s != NULL && (rep == NULL || rep->status != PROTO_OK))
		log_warnx("console: a sign-out the signer did not record");
	else if (l->s != NULL)
		session_end_console(l->cookie);
	cookie_set(l->req, CONSOLE_COOKIE, NULL, 0, "Strict");
	reply_body(l->req, 200, "application/json", "{\"signed_out\":true}");
	console_session_free(l->s);
	free(l);
}

void
console_logout(struct evhttp_request *req)
{
	const struct console_session	*s;
	struct logout			*l;
	struct proto_msg		 m;
	struct form			 f;
	char				 cookie[PROTO_LOGIN_MAX + 1], *buf;

	if ((s = console_session(req, cookie)) == NULL ||
	    console_post(req, s, &f, &buf) == -1)
		return;
	free(buf);
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		reply_unavailable(req);
		return;
	}
	l->req = req;
	memcpy(l->cookie, cookie, sizeof(cookie));
	if ((l->s = store_session_take(cookie)) == NULL) {
		logged_out(NULL, l);	/* it ended meanwhile */
		return;
	}
	memset(&m, 0, sizeof(m));
	m.type = PROTO_CONSOLE_SIGNOUT;
	m.u.console_req.session = proto_str(l->cookie);
	m.u.console_req.grant = proto_str(l->s->grant);
	audit_origin(req, l->ip, &m.u.console_req.ip,
	    &m.u.console_req.user_agent);
	if (signer_request(&m, logged_out, l) == -1)
		logged_out(NULL, l);
}
