/*
 * Impersonation sessions: begun by a followed link, ended once, with a
 * cause the signer checks itself (enum proto_end): a caller whose bearer
 * token holds end:impersonations, the impersonator at the console, the
 * session's own expiry, or the sign-out of the console session that asked
 * for its link.  The front end cannot end one without that authority, nor
 * end one twice: ending redeems the session's grant, whose id is drawn
 * from the sid, so that a code or login of the session (which carries the
 * sid, not the session grant) can be told ended too.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "access_token.h"
#include "audit.h"
#include "console_answers.h"
#include "grant_text.h"
#include "hex.h"
#include "impersonation.h"
#include "redeemed.h"
#include "session.h"
#include "token.h"
#include "webhook.h"

/*
 * How long past a session's expiry its end is taken, and how long every
 * end is kept after it.  A session grant past its expiry is still the
 * signer's, so without a bound an end as expired would be taken whenever
 * it is presented, and a second time once the first was no longer kept.
 * The front end's sweep ends an expired session within seconds.
 */
#define END_WINDOW	CONFIG_TTL_MAX

static const struct config	*conf;

/* What a reply points into: valid until the next request is answered. */
static char	 sid_out[SECRET_LEN + 1];
static char	 session_out[PROTO_GRANT_MAX + 1];
static char	 user_out[PROTO_USER_ID_MAX + 1];
static char	 impersonator_out[PROTO_USER_ID_MAX + 1];
static char	 reason_out[PROTO_REASON_MAX + 1];
static char	 logout_out[PROTO_TOKEN_MAX + 1];

void
session_init(const struct config *c)
{
	conf = c;
}

/* The id of the session grant of sid: the redeemed set's key for it. */
static int
session_grant_id(const char *sid, unsigned char id[GRANT_ID_BYTES])
{
	char	 in[sizeof("guise session ") + PROTO_SID_MAX];

	(void)snprintf(in, sizeof(in), "guise session %s", sid);
	return sha256(in, strlen(in), id);
}

long long
session_exp(const struct grant *g)
{
	return g->auth_time + conf->token_ttl;
}

uint32_t
session_begin(struct grant *g, struct proto_msg *rep)
{
	struct grant	 s;

	if (secret_draw(g->sid) == -1)
		return PROTO_ERR_INTERNAL;
	/* What the session needs: who, as whom, where, why, since when. */
	s = *g;
	s.kind = GRANT_KIND_SESSION;
	s.exp = session_exp(g);
	s.callback_url[0] = s.scope[0] = s.nonce[0] = '\0';
	s.code_challenge[0] = '\0';
	if (session_grant_id(g->sid, s.id) == -1 ||
	    sha256(g->sid, strlen(g->sid), s.ticket_hash) == -1 ||
	    grant_to_text(&s, session_out) == -1)
		return PROTO_ERR_INTERNAL;
	memcpy(user_out, g->user_id, sizeof(user_out));
	memcpy(impersonator_out, g->impersonator_id, sizeof(impersonator_out));
	memcpy(reason_out, g->reason, sizeof(reason_out));
	rep->u.follow_rep.sid = session_sid(g);
	rep->u.follow_rep.session = proto_str(session_out);
	rep->u.follow_rep.user_id = proto_str(user_out);
	rep->u.follow_rep.impersonator_id = proto_str(impersonator_out);
	rep->u.follow_rep.reason = proto_str(reason_out);
	rep->u.follow_rep.session_exp = (uint32_t)s.exp;
	return PROTO_OK;
}

struct proto_str
session_sid(const struct grant *g)
{
	memcpy(sid_out, g->sid, sizeof(sid_out));
	return proto_str(sid_out);
}

const char *
session_over(const struct grant *g, long long now)
{
	unsigned char	 id[GRANT_ID_BYTES];

	/* A grant without a session cannot be told: refused as ended. */
	if (g->sid[0] == '\0' || session_grant_id(g->sid, id) == -1 ||
	    redeemed_has(id, now))
		return "session_ended";
	return session_exp(g) <= now ? "session_expired" : NULL;
}

/*
 * Does the request hold the authority its cause claims over session g?
 * 0, with *by the one who ends it (NULL for none), or the refusal.
 */
static uint32_t
authority(const struct proto_msg *req, const struct grant *g,
    long long now, char by[PROTO_USER_ID_MAX + 1])
{
	struct access	 a;
	struct grant	 console;

	by[0] = '\0';
	switch (req->u.end_req.cause) {
	case PROTO_END_API:
		if (answer_api_bearer(req->u.end_req.bearer,
		    "end:impersonations", now, &a) == -1)
			return PROTO_ERR_BEARER;
		memcpy(by, a.client_id, sizeof(a.client_id));
		return PROTO_OK;
	case PROTO_END_CONSOLE:
		if (console_session(req->u.end_req.session,
		    req->u.end_req.console_grant, &console, now) == -1 ||
		    strcmp(console.impersonator_id, g->impersonator_id) != 0)
			return PROTO_ERR_INVALID_GRANT;
		memcpy(by, console.impersonator_id, PROTO_USER_ID_MAX + 1);
		return PROTO_OK;
	case PROTO_END_EXPIRED:
		return g->exp <= now ? PROTO_OK : PROTO_ERR_REQUEST;
	case PROTO_END_SIGNED_OUT:
		return signed_out(g, now) ? PROTO_OK : PROTO_ERR_REQUEST;
	default:
		return PROTO_ERR_REQUEST;
	}
}

/*
 * The logout token that tells the application of session g that it ended,
 * when it registered a backchannel_logout_uri, into rep; recorded as
 * every token is.  The end stands without it: a failure is said in the
 * log, and the application learns of the end when its tokens are refused.
 */
static uint32_t
logout_token(const struct grant *g, const char *ip, const char *agent,
    struct proto_msg *rep)
{
	static struct seldom		 failed;
	const struct client_config	*app = config_client(conf, g->client_id);
	struct audit_record		 r = { .event = "token.issued",
					    .outcome = "ok",
					    .grant = "backchannel_logout" };
	char				 jti[PROTO_JTI_MAX + 1];
	long				 n;

	if (app == NULL || app->backchannel_logout_uri == NULL)
		return PROTO_OK;
	if ((n = token_logout(app, g->user_id, g->sid, logout_out,
	    sizeof(logout_out), jti)) == -1) {
		warn_seldom(&failed, "a logout token could not be signed");
		return PROTO_OK;
	}
	r.impersonator_id = g->impersonator_id;
	r.user_id = g->user_id;
	r.client_id = g->client_id;
	r.jti = jti;
	r.sid = g->sid;
	r.ip = ip;
	r.user_agent = agent;
	audit_queue(&r);
	rep->u.end_rep.logout_token.p = logout_out;
	rep->u.end_rep.logout_token.len = (uint16_t)n;
	return PROTO_OK;
}

/*
 * PROTO_SESSION_END: the session grant must be the signer's, for this
 * sid; the cause's authority holds; and the session was not ended before.
 * Then its end is recorded, with its cause and who ended it.  A session
 * past its expiry ends only as expired, and only within END_WINDOW of it.
 */
uint32_t
answer_session_end(const struct proto_msg *req, struct proto_msg *rep)
{
	static struct seldom	 no_event;
	struct audit_record	 r = { .event = "impersonation.ended",
				    .outcome = "ok" };
	struct grant		 g;
	char	by[PROTO_USER_ID_MAX + 1], id[SHA256_HEX_LEN + 1];
	char	ip[PROTO_IP_MAX + 1], agent[PROTO_AGENT_MAX + 1];
	long long now = time(NULL), keep;
	uint32_t status, cause = req->u.end_req.cause;

	if (grant_from_text(req->u.end_req.grant, GRANT_KIND_SESSION, &g) ==
	    -1 || !grant_travels_under(&g, req->u.end_req.sid))
		return PROTO_ERR_INVALID_GRANT;
	if ((g.exp <= now && cause != PROTO_END_EXPIRED) ||
	    now - g.exp > END_WINDOW)
		return PROTO_ERR_INVALID_GRANT;
	if ((status = authority(req, &g, now, by)) != PROTO_OK)
		return status;
	/*
	 * Kept past its expiry for as long as an end is taken, so that a
	 * session ended while it lived is not ended again as expired; and as
	 * long as a code's refusal needs it (a code or login grant lives
	 * CONFIG_TTL_MAX at most, and no longer than the session's tokens).
	 */
	keep = g.exp + END_WINDOW;
	if ((status = grant_redeem(&g, keep, now)) != PROTO_OK)
		return status;
	FIELD(ip, req->u.end_req.ip);
	FIELD(agent, req->u.end_req.user_agent);
	r.impersonator_id = g.impersonator_id;
	r.user_id = g.user_id;
	r.client_id = g.client_id;
	r.sid = g.sid;
	r.cause = proto_end_name(cause);
	r.ended_by = by[0] != '\0' ? by : NULL;
	grant_recorded(&g, &r, id);
	r.grant_exp = keep;
	r.ip = ip;
	r.user_agent = agent;
	audit_queue(&r);
	/* The end is on the record: it goes out whatever else fails. */
	if (webhook_event(WEBHOOK_ENDED, json_pack("{s:s, s:s, s:s, s:s, s:s,"
	    " s:s?}", "sid", g.sid, "user_id", g.user_id, "impersonator_id",
	    g.impersonator_id, "client_id", g.client_id, "cause", r.cause,
	    "ended_by", r.ended_by), &rep->u.end_rep.webhook,
	    &rep->u.end_rep.webhook_grant) != PROTO_OK)
		warn_seldom(&no_event, "an ended session's webhook event "
		    "could not be made");
	return logout_token(&g, ip, agent, rep);
}
