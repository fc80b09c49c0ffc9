/*
 * POST /oauth/token.  The front end checks the shape of the request and
 * passes typed fields to the signer, which authenticates the client,
 * decides the scope and signs; the front end only maps the signer's answer
 * to RFC 6749 responses, and keeps the books of codes and failures.  Every
 * request that reaches the signer was admitted by the limiter of failed
 * authentications (ratelimit.h) and tells it the answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/http.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "audit_client.h"
#include "client_auth.h"
#include "client_call.h"
#include "frontend.h"
#include "http.h"
#include "jsonw.h"
#include "jti.h"
#include "log.h"
#include "params.h"
#include "ratelimit.h"
#include "reply.h"
#include "sessions.h"
#include "signer_client.h"
#include "store.h"
#include "verified.h"

struct token_call {
	struct evhttp_request	*req;
	int			 basic;
	char			 client_id[PROTO_CLIENT_ID_MAX + 1];
	char			*code;		/* authorization_code only */
	char			*secret;	/* a replay's, for the signer */
	char			*verifier;	/* a replay's PKCE verifier */
	int			 unrevoked;	/* a replay with no room to revoke */
	int			 recording;	/* its revocation's record asked */
	struct ratelimit_attempt limit;		/* told the answer */
};

static struct token_call *
new_call(struct evhttp_request *req, const struct client_creds *creds,
    const char *code, const struct ratelimit_attempt *limit)
{
	struct token_call	*call;

	if ((call = calloc(1, sizeof(*call))) == NULL)
		return NULL;
	if (code != NULL && (call->code = strdup(code)) == NULL) {
		free(call);
		return NULL;
	}
	call->req = req;
	call->basic = creds->basic;
	memcpy(call->client_id, creds->client_id, sizeof(call->client_id));
	call->limit = *limit;
	return call;
}

static void
free_call(struct token_call *call)
{
	free(call->code);
	if (call->secret != NULL)
		OPENSSL_cleanse(call->secret, strlen(call->secret));
	free(call->secret);
	free(call->verifier);
	free(call);
}

/* A signer status other than PROTO_OK, as an OAuth error. */
static void
signer_refused(struct token_call *call, uint32_t status, const char *grant)
{
	char	 why[128];

	switch (status) {
	case PROTO_ERR_CLIENT:
		client_call_invalid(call->req, call->basic,
		    "client authentication failed");
		break;
	case PROTO_ERR_GRANT:
		snprintf(why, sizeof(why), "this client may not use the %s "
		    "grant", grant);
		reply_oauth_error(call->req, 400, "unauthorized_client", why);
		break;
	case PROTO_ERR_SCOPE:
		reply_oauth_error(call->req, 400, "invalid_scope",
		    "the scope asked for is empty or beyond the client's");
		break;
	case PROTO_ERR_AUDIENCE:
		reply_oauth_error(call->req, 400, "invalid_target",
		    "audience is not an API served by this issuer");
		break;
	default:
		reply_unavailable(call->req);
		break;
	}
}

/*
 * The token endpoint's answer, written straight into a buffer (jsonw.h):
 * jansson's dump of a token, a character at a time, was an eighth of the
 * front end's time on client_credentials (perf).
 */
static void
reply_tokens(struct evhttp_request *req, struct proto_str access,
    const struct proto_str *id_token, uint32_t expires_in, const char *scope)
{
	static char	 buf[PROTO_TOKEN_MAX + PROTO_ID_TOKEN_MAX +
			    PROTO_SCOPE_MAX + 256];
	struct jsonw	 w;

	jw_begin(&w, buf, sizeof(buf), 1);
	jw_string_len(&w, "access_token", access.p, access.len);
	if (id_token != NULL)
		jw_string_len(&w, "id_token", id_token->p, id_token->len);
	jw_string(&w, "token_type", "Bearer");
	jw_integer(&w, "expires_in", expires_in);
	if (scope != NULL)
		jw_string(&w, "scope", scope);
	if (jw_end(&w, 1) == -1) {
		reply_unavailable(req);
		return;
	}
	reply_no_store(req);
	reply_body(req, 200, "application/json", buf);
}

static void
client_token_done(const struct proto_msg *rep, void *arg)
{
	struct token_call	*call = arg;
	char			 scope[PROTO_SCOPE_MAX + 1];

	ratelimit_answered(&call->limit, rep);
	if (rep == NULL)
		reply_unavailable(call->req);
	else if (rep->status != PROTO_OK)
		signer_refused(call, rep->status, "client_credentials");
	else {
		proto_strcpy(scope, sizeof(scope), rep->u.token_rep.scope);
		/* Straight from the signer: good, no need to check it later. */
		(void)verified_add(rep->u.token_rep.token.p,
		    rep->u.token_rep.token.len);
		reply_tokens(call->req, rep->u.token_rep.token, NULL,
		    rep->u.token_rep.expires_in, scope);
	}
	free_call(call);
}

/* Returns 0 when the signer was asked, -1 when answered here. */
static int
client_credentials(struct evhttp_request *req, const struct params *p,
    const struct client_creds *creds, const struct ratelimit_attempt *limit)
{
	struct proto_msg	 m;
	struct token_call	*call;
	const char		*audience, *scope;
	char			 ip[SOURCE_MAX];
	int			 bad = 0;

	audience = params_get(p, "audience", &bad);
	scope = params_get(p, "scope", &bad);
	if (bad) {
		reply_oauth_error(req, 400, "invalid_request",
		    "audience and scope must be strings");
		return -1;
	}
	if (audience == NULL)
		audience = fe->api_audience;
	if (scope != NULL && strspn(scope, " ") == strlen(scope)) {
		reply_oauth_error(req, 400, "invalid_scope", "scope is empty");
		return -1;
	}
	if (strlen(audience) > PROTO_AUDIENCE_MAX ||
	    (scope != NULL && strlen(scope) > PROTO_SCOPE_MAX)) {
		reply_oauth_error(req, 400, "invalid_request",
		    "audience or scope is too long");
		return -1;
	}

	memset(&m, 0, sizeof(m));
	m.type = PROTO_CLIENT_TOKEN;
	m.u.token_req.client_id = proto_str(creds->client_id);
	m.u.token_req.secret = proto_str(creds->secret);
	m.u.token_req.audience = proto_str(audience);
	m.u.token_req.scope = proto_str(scope ? scope : "");
	audit_origin(req, ip, &m.u.token_req.ip, &m.u.token_req.user_agent);
	if ((call = new_call(req, creds, NULL, limit)) == NULL) {
		reply_unavailable(req);
		return -1;
	}
	if (signer_request(&m, client_token_done, call) == -1) {
		free_call(call);
		reply_unavailable(req);
		return -1;
	}
	return 0;
}

static void
code_tokens_done(const struct proto_msg *rep, void *arg)
{
	struct token_call	*call = arg;

	ratelimit_answered(&call->limit, rep);
	if (rep != NULL && (rep->status == PROTO_ERR_INVALID_GRANT ||
	    rep->status == PROTO_ERR_REDEEMED)) {
		/* Refused for good (and recorded, if allowed before). */
		store_code_discard(call->code);
		reply_oauth_error(call->req, 400, "invalid_grant",
		    "the code is invalid, expired, used or no longer allowed");
	} else if (rep == NULL || rep->status != PROTO_OK) {
		/* Nothing was issued: the code may be tried again. */
		store_code_release(call->code);
		if (rep == NULL)
			reply_unavailable(call->req);
		else
			signer_refused(call, rep->status, "authorization_code");
	} else {
		store_code_spend(call->code);
		(void)verified_add(rep->u.login_rep.access_token.p,
		    rep->u.login_rep.access_token.len);
		sessions_token(rep->u.login_rep.sid,
		    rep->u.login_rep.access_jti);
		reply_tokens(call->req, rep->u.login_rep.access_token,
		    &rep->u.login_rep.id_token, rep->u.login_rep.expires_in,
		    NULL);
	}
	free_call(call);
}

/*
 * The signer's answer to PROTO_CLIENT_AUTH, told to the limiter: unless
 * the client is authenticated it is answered here (and 1 returned).
 */
static int
not_authenticated(struct token_call *call, const struct proto_msg *rep)
{
	ratelimit_answered(&call->limit, rep);
	if (rep != NULL && rep->status == PROTO_OK)
		return 0;
	if (rep == NULL)
		reply_unavailable(call->req);
	else
		signer_refused(call, rep->status, "authorization_code");
	free_call(call);
	return 1;
}

/* A replay is answered once its record is on disk, or could not be. */
static void
replay_answered(const struct proto_msg *rep, void *arg)
{
	struct token_call	*call = arg;

	/*
	 * Revoked already, or not at all: the answer stands.  But a
	 * revocation the signer did not record is recorded by the next
	 * proven replay.
	 */
	if (call->recording && (rep == NULL || rep->status != PROTO_OK))
		store_code_replay_unrecorded(call->code);
	if (call->unrevoked)
		reply_busy(call->req, "too many tokens are revoked to revoke "
		    "this code's; try again");
	else
		reply_oauth_error(call->req, 400, "invalid_grant",
		    "the code is invalid, expired or used already");
	free_call(call);
}

/*
 * A code that is not fresh, from a client that has now proved who it is.
 * A replay by the code's own client revokes what the code gave (RFC 6749
 * 4.1.2), and the signer records it from the code's grant; when the
 * revocation list is full the replay fails closed (503) and the record
 * says nothing was revoked.  An unknown code, or another client's, is
 * invalid_grant and nothing more.
 */
static void
replay_checked(const struct proto_msg *rep, void *arg)
{
	struct token_call		*call = arg;
	const struct impersonation	*imp;
	struct proto_msg		 m;
	char				 jti[JTI_LEN + 1];
	char				 ip[SOURCE_MAX];
	enum replay			 r;

	if (not_authenticated(call, rep))
		return;
	/* Recorded once: a code replayed again is only refused. */
	if ((r = store_code_replay(call->code, call->client_id,
	    call->verifier, time(NULL) + fe->conf->token_ttl, &imp, jti)) ==
	    REPLAY_NONE || r == REPLAY_AGAIN) {
		replay_answered(NULL, call);
		return;
	}
	call->unrevoked = r != REPLAY_REVOKED;
	call->recording = r == REPLAY_REVOKED;
	memset(&m, 0, sizeof(m));
	m.type = PROTO_CODE_REPLAYED;
	m.u.code_req.client_id = proto_str(call->client_id);
	m.u.code_req.secret = proto_str(call->secret);
	m.u.code_req.code = proto_str(call->code);
	m.u.code_req.grant = proto_str(imp->grant);
	m.u.code_req.code_verifier = proto_str(call->verifier ?
	    call->verifier : "");
	m.u.code_req.revoked = r == REPLAY_REVOKED;
	audit_origin(call->req, ip, &m.u.code_req.ip,
	    &m.u.code_req.user_agent);
	if (signer_request(&m, replay_answered, call) == -1)
		replay_answered(NULL, call);
}

/*
 * Have the signer authenticate call's client (creds) before then decides:
 * RFC 6749 section 4.1.3 authenticates the client before the code says
 * anything.  Returns 0 when the signer was asked, -1 when answered here;
 * takes call.
 */
static int
authenticate_then(struct token_call *call, const struct client_creds *creds,
    signer_cb then)
{
	struct proto_msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = PROTO_CLIENT_AUTH;
	m.u.auth_req.client_id = proto_str(creds->client_id);
	m.u.auth_req.secret = proto_str(creds->secret);
	if (signer_request(&m, then, call) == -1) {
		reply_unavailable(call->req);
		free_call(call);
		return -1;
	}
	return 0;
}

/*
 * The code is bound to its application and its callback: anything else
 * is invalid_grant, and the code stays good for the right client.
 * Returns 0 when the signer was asked, -1 when answered here.
 */
static int
authorization_code(struct evhttp_request *req, const struct params *p,
    const struct client_creds *creds, const struct ratelimit_attempt *limit)
{
	const struct impersonation	*imp = NULL;
	struct proto_msg		 m;
	struct token_call		*call;
	const char			*code, *redirect_uri, *verifier;
	char				 ip[SOURCE_MAX];
	int				 bad = 0;

	code = params_get(p, "code", &bad);
	redirect_uri = params_get(p, "redirect_uri", &bad);
	verifier = params_get(p, "code_verifier", &bad);
	if (bad || code == NULL || redirect_uri == NULL ||
	    strlen(code) > PROTO_CODE_MAX) {
		reply_oauth_error(req, 400, "invalid_request",
		    "code and redirect_uri are required strings");
		return -1;
	}
	/* RFC 7636 4.1: 43 to 128 characters; the signer checks it. */
	if (verifier != NULL && strlen(verifier) > PROTO_CHALLENGE_MAX) {
		reply_oauth_error(req, 400, "invalid_request",
		    "code_verifier is longer than 128 characters");
		return -1;
	}
	switch (store_code_redeem(code, fe->conf->code_ttl, &imp)) {
	case CODE_UNKNOWN:
	case CODE_SPENT:
		/* A replay's record needs the secret again, and proof of
		 * its PKCE: kept for it. */
		if ((call = new_call(req, creds, code, limit)) == NULL ||
		    (call->secret = strdup(creds->secret)) == NULL ||
		    (verifier != NULL &&
		    (call->verifier = strdup(verifier)) == NULL)) {
			if (call != NULL)
				free_call(call);
			reply_unavailable(req);
			return -1;
		}
		return authenticate_then(call, creds, replay_checked);
	case CODE_FULL:
		reply_busy(req, "too many codes were redeemed lately; try again");
		return -1;
	case CODE_FRESH:
		break;
	}
	if (strcmp(imp->client_id, creds->client_id) != 0 ||
	    strcmp(imp->callback_url, redirect_uri) != 0 ||
	    imp->response_type != RESPONSE_CODE) {
		store_code_release(code);
		reply_oauth_error(req, 400, "invalid_grant", strcmp(
		    imp->client_id, creds->client_id) != 0 ?
		    "the code was issued to another client" :
		    "redirect_uri is not the callback the code was sent to");
		return -1;
	}
	/*
	 * The signer checks the grant against this code, client and
	 * redirect_uri, and the policy, the application and the users as
	 * they are now (a reload may refuse it), and builds the claims.
	 */
	memset(&m, 0, sizeof(m));
	m.type = PROTO_CODE_TOKENS;
	m.u.code_req.client_id = proto_str(creds->client_id);
	m.u.code_req.secret = proto_str(creds->secret);
	m.u.code_req.code = proto_str(code);
	m.u.code_req.grant = proto_str(imp->grant);
	m.u.code_req.redirect_uri = proto_str(redirect_uri);
	m.u.code_req.code_verifier = proto_str(verifier ? verifier : "");
	audit_origin(req, ip, &m.u.code_req.ip, &m.u.code_req.user_agent);
	if ((call = new_call(req, creds, code, limit)) == NULL ||
	    signer_request(&m, code_tokens_done, call) == -1) {
		if (call != NULL)
			free_call(call);
		store_code_release(code);
		reply_unavailable(req);
		return -1;
	}
	return 0;
}

void
token_endpoint(struct evhttp_request *req)
{
	struct client_creds	 creds;
	struct params		 p;
	struct ratelimit_attempt limit;
	const char		*grant, *why;
	int			 bad = 0, rc;

	memset(&creds, 0, sizeof(creds));
	if (params_read(req, &p, &why) == -1) {
		reply_oauth_error(req, 400, "invalid_request", why);
		goto done;
	}
	grant = params_get(&p, "grant_type", &bad);
	if (bad || grant == NULL) {
		reply_oauth_error(req, 400, "invalid_request",
		    "grant_type is required");
		goto done;
	}
	if (strcmp(grant, "client_credentials") != 0 &&
	    strcmp(grant, "authorization_code") != 0) {
		reply_oauth_error(req, 400, "unsupported_grant_type",
		    "grant_type must be client_credentials or "
		    "authorization_code");
		goto done;
	}
	/* A public client proves itself by PKCE, which the signer checks. */
	if (client_admit(req, &p, 1, &creds, &limit) == -1)
		goto done;
	if (strcmp(grant, "client_credentials") == 0)
		rc = client_credentials(req, &p, &creds, &limit);
	else
		rc = authorization_code(req, &p, &creds, &limit);
	if (rc == -1)	/* answered without the signer */
		ratelimit_answered(&limit, NULL);
 done:
	client_auth_clear(&creds);
	params_free(&p);
}
