/*
 * The console's impersonation sessions (DESIGN.md section 8):
 *
 *	GET  impersonations	the active sessions, the newest 200
 *	POST impersonations/end	sid: end one, as the person signed in
 *
 * Anyone signed in sees every active session; the signer lets the person
 * signed in end only their own (PROTO_END_CONSOLE: it reads who from the
 * console grant, as it does for a link), and records who ended it.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "console.h"
#include "form.h"
#include "reply.h"
#include "session_end.h"
#include "sessions.h"

/* The newest active ones: a page, not the whole list at every look. */
#define CONSOLE_SESSIONS_SHOWN	200

void
console_impersonations(struct evhttp_request *req)
{
	json_t	*list;
	size_t	 total;

	if ((list = sessions_page(1, 0, CONSOLE_SESSIONS_SHOWN, &total)) ==
	    NULL) {
		reply_unavailable(req);
		return;
	}
	reply_no_store(req);
	reply_json(req, 200, list, 0);
}

static void
ended(uint32_t status, void *arg)
{
	struct evhttp_request	*req = arg;

	switch (status) {
	case PROTO_OK:
	case PROTO_ERR_REDEEMED:
		reply_body(req, 200, "application/json", "{\"ended\":true}");
		break;
	case PROTO_ERR_INVALID_GRANT:
		reply_oauth_error(req, 403, "access_denied", "only the person "
		    "impersonating can end an impersonation here, while it "
		    "lasts and while their console session does");
		break;
	default:
		reply_unavailable(req);
		break;
	}
}

void
console_end(struct evhttp_request *req, const struct console_session *s,
    const char *cookie)
{
	struct end_authority	 auth = { "", cookie, s->grant };
	struct imp_session	*session;
	struct form		 f;
	const char		*sid;
	char			*buf;

	if (console_post(req, s, &f, &buf) == -1)
		return;
	sid = form_get(&f, "sid");
	if (sid == NULL || strlen(sid) > PROTO_SID_MAX ||
	    (session = sessions_find(sid)) == NULL) {
		free(buf);
		reply_oauth_error(req, 404, "not_found", "no such "
		    "impersonation session");
		return;
	}
	free(buf);
	if (session->ended_at != 0) {
		reply_body(req, 200, "application/json", "{\"ended\":true}");
		return;
	}
	if (session_end(session, PROTO_END_CONSOLE, &auth, req, ended,
	    req) == -1)
		reply_busy(req, "the impersonation is being ended; try again");
}
