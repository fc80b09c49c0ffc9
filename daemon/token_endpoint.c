/*
 * POST /oauth/token.  The front end checks the shape of the request and
 * passes typed fields to the signer, which authenticates the client,
 * decides the scope and signs; the front end only maps the signer's answer
 * to RFC 6749 responses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "client_auth.h"
#include "frontend.h"
#include "http.h"
#include "log.h"
#include "params.h"
#include "reply.h"
#include "signer_client.h"

struct token_call {
	struct evhttp_request	*req;
	int			 basic;
};

static void
invalid_client(struct evhttp_request *req, int basic, const char *why)
{
	if (basic)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "WWW-Authenticate", "Basic realm=\"guise\"");
	reply_oauth_error(req, 401, "invalid_client", why);
}

static void
client_token_done(const struct proto_msg *rep, void *arg)
{
	struct token_call	*call = arg;
	struct evhttp_request	*req = call->req;
	char			 scope[PROTO_SCOPE_MAX + 1];
	json_t			*body;
	int			 basic = call->basic;

	free(call);
	if (rep == NULL) {
		reply_unavailable(req);
		return;
	}
	switch (rep->status) {
	case PROTO_OK:
		break;
	case PROTO_ERR_CLIENT:
		invalid_client(req, basic, "client authentication failed");
		return;
	case PROTO_ERR_GRANT:
		reply_oauth_error(req, 400, "unauthorized_client",
		    "this client may not use the client_credentials grant");
		return;
	case PROTO_ERR_SCOPE:
		reply_oauth_error(req, 400, "invalid_scope",
		    "the scope asked for is empty or beyond the client's");
		return;
	case PROTO_ERR_AUDIENCE:
		reply_oauth_error(req, 400, "invalid_target",
		    "audience is not an API served by this issuer");
		return;
	default:
		reply_unavailable(req);
		return;
	}
	proto_strcpy(scope, sizeof(scope), rep->u.token_rep.scope);
	body = json_pack("{s:s%, s:s, s:i, s:s}",
	    "access_token", rep->u.token_rep.token.p,
	    (size_t)rep->u.token_rep.token.len,
	    "token_type", "Bearer",
	    "expires_in", (int)rep->u.token_rep.expires_in,
	    "scope", scope);
	reply_json(req, 200, body, 1);
}

static void
client_credentials(struct evhttp_request *req, const struct params *p)
{
	struct client_creds	 creds;
	struct proto_msg	 m;
	struct token_call	*call;
	const char		*audience, *scope, *why;
	int			 bad = 0, bad_request;

	if (client_auth_read(req, p, &creds, &bad_request, &why) == -1) {
		if (bad_request)
			reply_oauth_error(req, 400, "invalid_request", why);
		else
			invalid_client(req, creds.basic, why);
		client_auth_clear(&creds);
		return;
	}
	audience = params_get(p, "audience", &bad);
	scope = params_get(p, "scope", &bad);
	if (bad) {
		reply_oauth_error(req, 400, "invalid_request",
		    "audience and scope must be strings");
		goto done;
	}
	if (audience == NULL)
		audience = fe->api_audience;
	if (scope != NULL && strspn(scope, " ") == strlen(scope)) {
		reply_oauth_error(req, 400, "invalid_scope", "scope is empty");
		goto done;
	}
	if (strlen(audience) > PROTO_AUDIENCE_MAX ||
	    (scope != NULL && strlen(scope) > PROTO_SCOPE_MAX)) {
		reply_oauth_error(req, 400, "invalid_request",
		    "audience or scope is too long");
		goto done;
	}

	memset(&m, 0, sizeof(m));
	m.type = PROTO_CLIENT_TOKEN;
	m.u.token_req.client_id = proto_str(creds.client_id);
	m.u.token_req.secret = proto_str(creds.secret);
	m.u.token_req.audience = proto_str(audience);
	m.u.token_req.scope = proto_str(scope ? scope : "");
	if ((call = malloc(sizeof(*call))) == NULL) {
		reply_unavailable(req);
		goto done;
	}
	call->req = req;
	call->basic = creds.basic;
	if (signer_request(&m, client_token_done, call) == -1) {
		free(call);
		reply_unavailable(req);
	}
 done:
	client_auth_clear(&creds);
}

void
token_endpoint(struct evhttp_request *req)
{
	struct params	 p;
	const char	*grant, *why;
	int		 bad = 0;

	if (params_read(req, &p, &why) == -1) {
		reply_oauth_error(req, 400, "invalid_request", why);
		params_free(&p);
		return;
	}
	grant = params_get(&p, "grant_type", &bad);
	if (bad || grant == NULL)
		reply_oauth_error(req, 400, "invalid_request",
		    "grant_type is required");
	else if (strcmp(grant, "client_credentials") == 0)
		client_credentials(req, &p);
	else
		reply_oauth_error(req, 400, "unsupported_grant_type",
		    "grant_type must be client_credentials");
	params_free(&p);
}
