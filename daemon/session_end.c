/*
 * Ending impersonation sessions: by the API or the console (whose request
 * carries the authority), or by the front end's own sweep, as expired or
 * signed out, which the signer checks on the session's grant.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit_client.h"
#include "backchannel.h"
#include "log.h"
#include "session_end.h"
#include "signer_client.h"
#include "webhooks.h"
#include "source.h"
#include "table.h"

struct end_call {
	char		 sid[PROTO_SID_MAX + 1];
	unsigned int	 cause;
	struct end_authority auth;	/* copies, for an end not confirmed */
	void		(*done)(uint32_t, void *);
	void		*arg;
	char		 ip[SOURCE_MAX];
};

static void
call_free(struct end_call *call)
{
	free((char *)(uintptr_t)call->auth.bearer);
	free((char *)(uintptr_t)call->auth.console_cookie);
	free((char *)(uintptr_t)call->auth.console_grant);
	free(call);
}

/* The signer's answer: ended now, or before (the grant was redeemed). */
static void
ended(const struct proto_msg *rep, void *arg)
{
	struct end_call		*call = arg;
	struct imp_session	*s = sessions_find(call->sid);
	uint32_t		 status = rep == NULL ? PROTO_ERR_INTERNAL :
				    rep->status;

	if (s != NULL) {
		if (status == PROTO_OK || status == PROTO_ERR_REDEEMED) {
			if (status == PROTO_ERR_REDEEMED && s->unconfirmed)
				log_warnx("sessions: an end the signer "
				    "recorded too late to answer: its logout "
				    "token and webhook event are lost");
			sessions_mark_ended(s, proto_end_name(call->cause),
			    time(NULL));
			sessions_confirmed(s);
		} else if (rep == NULL) {
			/*
			 * No answer in time: the signer may have recorded
			 * the end.  Its tokens are refused from now on
			 * (fail closed), and the end is asked for again.
			 */
			sessions_mark_ended(s, proto_end_name(call->cause),
			    time(NULL));
			sessions_unconfirmed(s, call->cause, call->auth.bearer,
			    call->auth.console_cookie,
			    call->auth.console_grant);
		} else if (call->cause == PROTO_END_EXPIRED &&
		    (status == PROTO_ERR_INVALID_GRANT ||
		    status == PROTO_ERR_REQUEST)) {
			/*
			 * Past the window in which the signer takes an end
			 * (its grant key changed, or the signer was away):
			 * over here all the same, its tokens long expired,
			 * and not asked for again each second.
			 */
			log_warnx("sessions: an expired session whose end the "
			    "signer refused (%s): ended here, not on the "
			    "record", proto_status_name(status));
			sessions_mark_ended(s, proto_end_name(call->cause),
			    time(NULL));
			sessions_confirmed(s);
		} else {
			s->ending = 0;
			/* Asked again, refused now (a token that expired
			 * meanwhile): ended here, not on the record. */
			if (s->unconfirmed) {
				log_warnx("sessions: an end asked for again "
				    "is refused (%s): ended here, not on the "
				    "record", proto_status_name(status));
				sessions_confirmed(s);
			}
		}
	}
	if (status == PROTO_OK) {
		webhooks_send(rep->u.end_rep.webhook,
		    rep->u.end_rep.webhook_grant);
		if (s != NULL)
			backchannel_send(s->client_id, s->sid,
			    rep->u.end_rep.logout_token);
	}
	if (call->done != NULL)
		call->done(status, call->arg);
	call_free(call);
}

int
session_end(struct imp_session *s, unsigned int cause,
    const struct end_authority *auth, struct evhttp_request *origin,
    void (*done)(uint32_t, void *), void *arg)
{
	struct end_call		*call;
	struct proto_msg	 m;

	if (s->ending)
		return -1;
	if ((call = calloc(1, sizeof(*call))) == NULL) {
		if (done != NULL)
			done(PROTO_ERR_INTERNAL, arg);
		return 0;
	}
	memcpy(call->sid, s->sid, sizeof(call->sid));
	call->cause = cause;
	if (auth != NULL &&
	    ((call->auth.bearer = strdup(auth->bearer)) == NULL ||
	    (call->auth.console_cookie = strdup(auth->console_cookie)) ==
	    NULL ||
	    (call->auth.console_grant = strdup(auth->console_grant)) ==
	    NULL)) {
		call_free(call);
		if (done != NULL)
			done(PROTO_ERR_INTERNAL, arg);
		return 0;
	}
	call->done = done;
	call->arg = arg;
	memset(&m, 0, sizeof(m));
	m.type = PROTO_SESSION_END;
	m.u.end_req.sid = proto_str(s->sid);
	m.u.end_req.grant = proto_str(s->grant);
	m.u.end_req.cause = cause;
	if (auth != NULL) {
		m.u.end_req.bearer = proto_str(call->auth.bearer);
		m.u.end_req.session = proto_str(call->auth.console_cookie);
		m.u.end_req.console_grant = proto_str(call->auth.console_grant);
	}
	if (origin != NULL)
		audit_origin(origin, call->ip, &m.u.end_req.ip,
		    &m.u.end_req.user_agent);
	s->ending = 1;
	if (signer_request(&m, ended, call) == -1)
		ended(NULL, call);
	return 0;
}

static void
end_again(struct imp_session *s)
{
	struct end_authority	 auth = { s->retry_bearer, s->retry_cookie,
				    s->retry_grant };

	(void)session_end(s, s->retry_cause, &auth, NULL, NULL, NULL);
}

void
session_end_unconfirmed(void)
{
	sessions_each_unconfirmed(end_again);
}

static void
end_expired(struct imp_session *s)
{
	(void)session_end(s, PROTO_END_EXPIRED, NULL, NULL, NULL, NULL);
}

void
session_end_expired(time_t now)
{
	sessions_each_expired(now, end_expired);
}

/*
 * The sessions of a snapshot: none leaves the table meanwhile (each is
 * listed past its expiry, and only a lookup of its own sid removes it).
 */
void
session_end_console(const char *console_cookie)
{
	struct imp_session	**v;
	unsigned char		 key[TABLE_KEY_LEN];
	size_t			 i, n = sessions_all(&v, 0);

	table_key(console_cookie, key);
	for (i = 0; i < n; i++)
		if (v[i]->from_console && v[i]->ended_at == 0 &&
		    !v[i]->ending && memcmp(v[i]->console, key,
		    TABLE_KEY_LEN) == 0)
			(void)session_end(v[i], PROTO_END_SIGNED_OUT, NULL,
			    NULL, NULL, NULL);
	free(v);
}
