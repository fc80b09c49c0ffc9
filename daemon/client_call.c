/*
 * The client authentication of introspection and revocation: the token
 * endpoint's methods and limiter, the signer's PROTO_CLIENT_AUTH.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/http.h>
#include <openssl/crypto.h>

#include "audit_client.h"
#include "client_call.h"
#include "frontend.h"
#include "params.h"
#include "reply.h"
#include "signer_client.h"

void
client_call_invalid(struct evhttp_request *req, int basic, const char *why)
{
	if (basic)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "WWW-Authenticate", "Basic realm=\"guise\"");
	reply_oauth_error(req, 401, "invalid_client", why);
}

void
client_call_free(struct client_call *call)
{
	if (call->token != NULL)
		OPENSSL_cleanse(call->token, strlen(call->token));
	free(call->token);
	client_auth_clear(&call->creds);
	free(call);
}

int
client_call_verify(const struct client_call *call, struct access *a,
    const char **aud)
{
	const char	*audiences[2], *why;
	int		 i;

	audiences[0] = fe->api_audience;
	audiences[1] = fe->userinfo_audience;
	if ((i = bearer_verify_any(call->token, strlen(call->token),
	    fe->conf->issuer, audiences, 2, time(NULL), a, &why)) == -1)
		return -1;
	*aud = audiences[i];
	return 0;
}

static void
authenticated(const struct proto_msg *rep, void *arg)
{
	struct client_call	*call = arg;

	ratelimit_answered(&call->limit, rep);
	if (rep == NULL)
		reply_unavailable(call->req);
	else if (rep->status == PROTO_ERR_CLIENT)
		client_call_invalid(call->req, call->creds.basic,
		    "client authentication failed");
	else if (rep->status != PROTO_OK)
		reply_unavailable(call->req);
	else {
		call->then(call);
		return;
	}
	client_call_free(call);
}

/* Returns 0 when the signer was asked, -1 when answered here. */
static int
ask_signer(struct evhttp_request *req, const struct client_creds *creds,
    const char *token,
    const struct ratelimit_attempt *limit, client_call_fn then)
{
	struct client_call	*call;
	struct proto_msg	 m;

	if ((call = calloc(1, sizeof(*call))) == NULL ||
	    (call->token = strdup(token)) == NULL) {
		free(call);
		reply_unavailable(req);
		return -1;
	}
	call->req = req;
	call->creds = *creds;
	call->limit = *limit;
	call->then = then;
	memset(&m, 0, sizeof(m));
	m.type = PROTO_CLIENT_AUTH;
	m.u.auth_req.client_id = proto_str(call->creds.client_id);
	m.u.auth_req.secret = proto_str(call->creds.secret);
	if (signer_request(&m, authenticated, call) == -1) {
		client_call_free(call);
		reply_unavailable(req);
		return -1;
	}
	return 0;
}

int
client_admit(struct evhttp_request *req, const struct params *p, int public,
    struct client_creds *creds, struct ratelimit_attempt *limit)
{
	const struct client_config	*app;
	const char			*why;
	char				 wait[16], source[SOURCE_MAX];
	int				 bad_request, seconds;

	if (client_auth_read(req, p, creds, &bad_request, &why) == -1) {
		if (bad_request)
			reply_oauth_error(req, 400, "invalid_request", why);
		else
			client_call_invalid(req, creds->basic, why);
		return -1;
	}
	/* Only a public client names itself without a secret (RFC 6749
	 * 3.2.1), and only where public says it may. */
	if (creds->none && (!public || (app = config_client(fe->conf,
	    creds->client_id)) == NULL || !app->public_client)) {
		client_call_invalid(req, 0, "client authentication is required");
		return -1;
	}
	audit_source(req, source);
	if (ratelimit_admit(creds->client_id, source, limit, &seconds,
	    &why) == -1) {
		snprintf(wait, sizeof(wait), "%d", seconds);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Retry-After", wait);
		reply_oauth_error(req, 429, "slow_down", why);
		return -1;
	}
	return 0;
}

void
client_call_begin(struct evhttp_request *req, int public, client_call_fn then)
{
	struct client_creds	 creds;
	struct params		 p;
	struct ratelimit_attempt limit;
	const char		*token, *why;
	int			 bad = 0;

	memset(&creds, 0, sizeof(creds));
	if (params_read(req, &p, &why) == -1) {
		reply_oauth_error(req, 400, "invalid_request", why);
		goto done;
	}
	token = params_get(&p, "token", &bad);
	if (bad || token == NULL || *token == '\0') {
		reply_oauth_error(req, 400, "invalid_request",
		    "token is required");
		goto done;
	}
	if (client_admit(req, &p, public, &creds, &limit) == -1)
		goto done;
	if (ask_signer(req, &creds, token, &limit, then) == -1)
		ratelimit_answered(&limit, NULL);
 done:
	client_auth_clear(&creds);
	params_free(&p);
}
