/*
 * RFC 7009 revocation, as the signer decides and records it.  The front
 * end keeps the revocation list (it is the one that refuses a revoked
 * token), so what the signer vouches for is the rest: that the client is
 * who it says (its secret, or a public client's name), that the token is
 * one of ours, live, and was issued to that client, and the record of it.
 * A token that does not verify is answered PROTO_ERR_BEARER and recorded
 * nowhere: RFC 7009 section 2.2 answers it 200, and anyone could make the
 * signer write one record a guess otherwise.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "access_token.h"
#include "audit.h"
#include "hex.h"
#include "redeemed.h"
#include "revocation.h"
#include "token.h"

static const struct config	*conf;

void
revocation_init(const struct config *c)
{
	conf = c;
}

/* token verified for any audience this issuer serves, into a. */
/* The redeemed set's key of a revoked jti. */
static int
revocation_key(const char *jti, unsigned char key[REDEEMED_ID_LEN])
{
	char	 in[sizeof("guise revoked ") + PROTO_JTI_MAX];

	(void)snprintf(in, sizeof(in), "guise revoked %s", jti);
	return sha256(in, strlen(in), key);
}

int
revocation_has(const char *jti, long long now)
{
	unsigned char	 key[REDEEMED_ID_LEN];

	return revocation_key(jti, key) == 0 && redeemed_has(key, now);
}

/* The token verified for either audience of the issuer's: 0, or -1. */
static int
verify_any(const char *token, struct access *a)
{
	const char	*audiences[2], *why;

	audiences[0] = token_api_audience();
	audiences[1] = token_userinfo_audience();
	return bearer_verify_any(token, strlen(token), conf->issuer, audiences,
	    2, time(NULL), a, &why) == -1 ? -1 : 0;
}

/*
 * PROTO_REVOKE.  Another client's token is refused (RFC 7009 section 2.1:
 * the server "verifies whether the token was issued to the client making
 * the revocation request"), and that refusal is recorded: the caller
 * proved who it is, and holds a token that is not its own.
 */
uint32_t
answer_revoke(const struct proto_msg *req, struct proto_msg *rep)
{
	static char			 jti[PROTO_JTI_MAX + 1];
	const struct client_config	*client;
	struct access			 a;
	struct audit_record		 r;
	char	token[PROTO_TOKEN_MAX + 1], detail[PROTO_CLIENT_ID_MAX + 64];
	char	ip[PROTO_IP_MAX + 1], agent[PROTO_AGENT_MAX + 1];
	char	key_hex[SHA256_HEX_LEN + 1];
	unsigned char key[REDEEMED_ID_LEN];
	long long now = time(NULL);

	if ((client = answer_client(req->u.revoke_req.client_id,
	    req->u.revoke_req.secret)) == NULL)
		return PROTO_ERR_CLIENT;
	FIELD(token, req->u.revoke_req.token);
	if (token[0] == '\0' || verify_any(token, &a) == -1)
		return PROTO_ERR_BEARER;
	FIELD(ip, req->u.revoke_req.ip);
	FIELD(agent, req->u.revoke_req.user_agent);

	memset(&r, 0, sizeof(r));
	r.event = "token.revoked";
	r.client_id = client->client_id;
	r.user_id = a.sub;
	r.impersonator_id = a.act_sub[0] != '\0' ? a.act_sub : NULL;
	r.jti = a.jti;
	r.sid = a.sid[0] != '\0' ? a.sid : NULL;
	r.ip = ip;
	r.user_agent = agent;
	if (strcmp(a.client_id, client->client_id) != 0) {
		/* client_id is who asked; the token's own client is told
		 * in detail (the token has leaked to the caller). */
		(void)snprintf(detail, sizeof(detail), "the token was issued "
		    "to %s", a.client_id);
		r.outcome = "denied";
		r.rule = "token_of_another_client";
		r.detail = detail;
		audit_queue(&r);
		return PROTO_ERR_GRANT;
	}
	r.outcome = "ok";
	/*
	 * The revocation list is the front end's: it says what it did.  The
	 * signer keeps its own, for what it grants on a bearer token: named
	 * in the record as the grant it redeems, it survives a restart's
	 * rebuild too.
	 */
	if (revocation_key(a.jti, key) == -1)
		return PROTO_ERR_INTERNAL;
	if (redeemed_take(key, a.exp, now) == -1)
		return PROTO_ERR_INTERNAL;	/* the set is full: refused */
	hex_encode(key, sizeof(key), key_hex);
	r.grant_id = key_hex;
	r.grant_exp = a.exp;
	if (req->u.revoke_req.revoked)
		r.revoked = a.jti;
	else {
		r.outcome = "failed";
		r.detail = "the revocation list is full: nothing was revoked";
	}
	audit_queue(&r);
	(void)snprintf(jti, sizeof(jti), "%s", a.jti);
	rep->u.revoke_rep.jti = proto_str(jti);
	rep->u.revoke_rep.exp = a.exp > 0 && a.exp < UINT32_MAX ?
	    (uint32_t)a.exp : UINT32_MAX;
	return PROTO_OK;
}
