/*
 * POST /oauth/introspect (RFC 7662).  The client authenticates as at the
 * token endpoint (client_call.h); the front end then verifies the token
 * itself, with the signer's public keys, for every audience this issuer
 * serves.  A client learns only about its own tokens (DESIGN.md section
 * 8): a token that does not verify, has expired, is revoked (bearer.h) or
 * was issued to another client is {"active": false}, one answer for all,
 * so that nothing is told about another client's token, not even that it
 * exists.  A public client cannot introspect: its client_id alone
 * proves nothing (RFC 7662 section 2.1 wants the caller authorized).
 */
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "bearer.h"
#include "client_call.h"
#include "frontend.h"
#include "http.h"
#include "reply.h"

/* RFC 7662 section 2.2: the members of an active token. */
static json_t *
active_token(const struct access *a, const char *aud)
{
	json_t	*o;

	o = json_pack("{s:b, s:s, s:s, s:I, s:s, s:s, s:s, s:s}",
	    "active", 1,
	    "sub", a->sub,
	    "client_id", a->client_id,
	    "exp", (json_int_t)a->exp,
	    "iss", fe->conf->issuer,
	    "token_type", "Bearer",
	    "aud", aud,
	    "jti", a->jti);
	if (o == NULL)
		return NULL;
	if (a->scope[0] != '\0')
		json_object_set_new(o, "scope", json_string(a->scope));
	if (a->iat > 0)
		json_object_set_new(o, "iat", json_integer(a->iat));
	/* RFC 8693 section 4.1: who acts, as in the token. */
	if (a->act_sub[0] != '\0')
		json_object_set_new(o, "act", json_pack("{s:s}", "sub",
		    a->act_sub));
	if (a->sid[0] != '\0')
		json_object_set_new(o, "sid", json_string(a->sid));
	return o;
}

static void
introspect_authenticated(struct client_call *call)
{
	struct access	 a;
	const char	*aud;
	json_t		*body;

	if (client_call_verify(call, &a, &aud) == 0 && !bearer_revoked(&a) &&
	    strcmp(a.client_id, call->creds.client_id) == 0)
		body = active_token(&a, aud);
	else
		body = json_pack("{s:b}", "active", 0);
	/* A token's claims: not for a cache. */
	if (body == NULL)
		reply_unavailable(call->req);
	else
		reply_json(call->req, 200, body, 1);
	client_call_free(call);
}

void
introspect_endpoint(struct evhttp_request *req)
{
	client_call_begin(req, 0, introspect_authenticated);
}
