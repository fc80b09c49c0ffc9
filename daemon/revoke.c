/*
 * POST /oauth/revoke (RFC 7009).  The client authenticates as at the
 * token endpoint (client_call.h; a public client by its client_id, RFC
 * 7009 section 2.1), and the front end verifies the token itself.  A
 * token that does not verify, or its own revoked already, is answered 200
 * and nothing is done or recorded (section 2.2: the client cannot do
 * anything about it).  Another client's token is refused, revoked or not,
 * 400 unauthorized_client (section 2.1: the server verifies "whether the
 * token was issued to the client making the revocation request", and
 * refuses the request when not; section 2.2.1 answers with RFC 6749
 * section 5.2's errors), and the signer records the refusal of a client
 * that authenticated (a public one's is not recorded).  The client's own token is revoked here,
 * in the revocation list every bearer check reads (bearer.h), and then
 * the signer, which authenticates the client and verifies the token over
 * again, records what was revoked (token.revoked): as with a replayed
 * code, the record says revoked only for what really was, and a full
 * list fails closed (503).
 */
#include <string.h>
#include <time.h>

#include <event2/http.h>

#include "audit_client.h"
#include "bearer.h"
#include "client_call.h"
#include "frontend.h"
#include "http.h"
#include "log.h"
#include "reply.h"
#include "signer_client.h"
#include "store.h"

/* RFC 7009 section 2.2: 200, and no body to speak of. */
static void
revoked_ok(struct evhttp_request *req)
{
	reply_no_store(req);
	reply_body(req, 200, "application/json", "{}");
}

static void
recorded(const struct proto_msg *rep, void *arg)
{
	struct client_call	*call = arg;
	char			 jti[PROTO_JTI_MAX + 1];

	if (rep == NULL)
		reply_unavailable(call->req);
	else if (rep->status == PROTO_ERR_GRANT)
		reply_oauth_error(call->req, 400, "unauthorized_client",
		    "the token was not issued to this client");
	else if (rep->status == PROTO_ERR_BEARER)
		revoked_ok(call->req);		/* expired meanwhile */
	else if (rep->status == PROTO_ERR_CLIENT)	/* a reload, meanwhile */
		client_call_invalid(call->req, call->creds.basic,
		    "client authentication failed");
	else if (rep->status != PROTO_OK)
		reply_unavailable(call->req);	/* revoked, not recorded */
	else if (!call->revoked)
		/* The record says so: nothing was revoked. */
		reply_busy(call->req, "too many tokens are revoked to revoke "
		    "this one; try again");
	else if (proto_strcpy(jti, sizeof(jti), rep->u.revoke_rep.jti) == -1 ||
	    store_revoke(jti, (time_t)rep->u.revoke_rep.exp) == -1)
		/* What the signer verified is what is revoked: the token the
		 * front end revoked already (then this does nothing), or, were
		 * they to differ, that one too. */
		reply_unavailable(call->req);
	else
		revoked_ok(call->req);
	client_call_free(call);
}

static void
revoke_authenticated(struct client_call *call)
{
	struct proto_msg	 m;
	struct access		 a;
	const char		*aud;
	char			 ip[SOURCE_MAX];
	int			 own;

	if (client_call_verify(call, &a, &aud) == -1) {
		revoked_ok(call->req);
		client_call_free(call);
		return;
	}
	own = strcmp(a.client_id, call->creds.client_id) == 0;
	/*
	 * Another client's token is refused whether it still works or not
	 * (a refusal that said which would tell a stranger); to a public
	 * client, which proves nothing by naming itself, without asking the
	 * signer, so that naming one writes nothing to the log.
	 */
	if (!own && call->creds.secret[0] == '\0') {
		reply_oauth_error(call->req, 400, "unauthorized_client",
		    "the token was not issued to this client");
		client_call_free(call);
		return;
	}
	if (own && bearer_revoked(&a)) {
		revoked_ok(call->req);
		client_call_free(call);
		return;
	}
	memset(&m, 0, sizeof(m));
	m.type = PROTO_REVOKE;
	m.u.revoke_req.client_id = proto_str(call->creds.client_id);
	m.u.revoke_req.secret = proto_str(call->creds.secret);
	m.u.revoke_req.token = proto_str(call->token);
	/* Revoked before the signer records it: its record then says what
	 * is true.  Another client's token is not touched. */
	call->revoked = own && store_revoke(a.jti, a.exp) == 0;
	m.u.revoke_req.revoked = call->revoked;
	if (own && !call->revoked)
		log_warnx("revoke: the revocation list is full");
	audit_origin(call->req, ip, &m.u.revoke_req.ip,
	    &m.u.revoke_req.user_agent);
	if (signer_request(&m, recorded, call) == -1) {
		reply_unavailable(call->req);
		client_call_free(call);
	}
}

void
revoke_endpoint(struct evhttp_request *req)
{
	client_call_begin(req, 1, revoke_authenticated);
}
