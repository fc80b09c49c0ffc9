/*
 * The Management API's impersonation sessions (DESIGN.md section 8):
 *
 *	GET /api/v2/impersonations		the sessions, newest first:
 *						active=true, page, per_page,
 *						include_totals
 *	GET /api/v2/impersonations/{sid}	one, with its tokens
 *	DELETE /api/v2/impersonations/{sid}	end it: 204
 *
 * GET needs read:impersonations, DELETE end:impersonations; the signer
 * checks the DELETE's token again before it ends anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "bearer.h"
#include "form.h"
#include "http.h"
#include "path.h"
#include "reply.h"
#include "session_end.h"
#include "sessions.h"
#include "users_search.h"

#define SESSIONS_PREFIX	"/api/v2/impersonations/"
#define MESSAGE_MAX	256

static const char *const list_params[] = {
	"active", "page", "per_page", "include_totals", NULL
};

/* Only the parameters the list takes: 0, or -1 with the request answered. */
static int
list_query(struct evhttp_request *req, struct paging *pg, int *active)
{
	struct form	 f;
	char		*buf, err[MESSAGE_MAX];
	size_t		 i, j;
	int		 rc = -1;

	if (api_query(req, &f, &buf) == -1)
		return -1;
	for (i = 0; i < f.n; i++) {
		for (j = 0; list_params[j] != NULL; j++)
			if (strcmp(f.p[i].name, list_params[j]) == 0)
				break;
		if (list_params[j] == NULL) {
			snprintf(err, sizeof(err), "Query validation error: "
			    "an unknown parameter");
			goto bad;
		}
	}
	if (paging_parse(pg, &f, err, sizeof(err)) == -1)
		goto bad;
	if (query_bool(form_get(&f, "active"), 0, active) == -1) {
		snprintf(err, sizeof(err), "Query validation error: active "
		    "must be true or false");
		goto bad;
	}
	rc = 0;
	goto done;
bad:
	reply_api_error(req, 400, err, "invalid_query_string");
done:
	free(buf);
	return rc;
}

void
impersonations_list(struct evhttp_request *req)
{
	struct access		 a;
	struct paging		 pg;
	json_t			*list, *out;
	size_t			 start, total;
	int			 active;

	if (bearer_api_check(req, "read:impersonations", &a) == -1 ||
	    list_query(req, &pg, &active) == -1)
		return;
	start = pg.page * pg.per_page;
	if ((list = sessions_page(active, start, pg.per_page, &total)) ==
	    NULL)
		out = NULL;
	else if (pg.include_totals)
		out = json_pack("{s:o, s:I, s:I, s:I}", "impersonations", list,
		    "start", (json_int_t)start, "limit",
		    (json_int_t)pg.per_page, "total", (json_int_t)total);
	else
		out = list;
	if (out == NULL)
		reply_api_error(req, 503, "Out of memory; try again", NULL);
	else
		reply_json(req, 200, out, 0);
}

/* A DELETE answered once the signer has. */
struct delete_call {
	struct evhttp_request	*req;
};

static void
deleted(uint32_t status, void *arg)
{
	struct delete_call	*call = arg;

	switch (status) {
	case PROTO_OK:
	case PROTO_ERR_REDEEMED:	/* ended before: as DELETE is */
		reply_body(call->req, 204, "application/json", "");
		break;
	case PROTO_ERR_BEARER:
		reply_api_error(call->req, 403, "The signer refused the "
		    "token: end:impersonations is required",
		    "insufficient_scope");
		break;
	case PROTO_ERR_INVALID_GRANT:
		reply_api_error(call->req, 409, "The impersonation session "
		    "has ended by itself", "session_expired");
		break;
	case PROTO_ERR_AUDIT:
	default:
		reply_unavailable(call->req);
		break;
	}
	free(call);
}

static void
delete_one(struct evhttp_request *req, struct imp_session *s)
{
	struct end_authority	 auth = { "", "", "" };
	struct delete_call	*call;

	if (s->ended_at != 0) {
		reply_body(req, 204, "application/json", "");
		return;
	}
	if ((call = calloc(1, sizeof(*call))) == NULL) {
		reply_unavailable(req);
		return;
	}
	call->req = req;
	auth.bearer = bearer_token(req);
	if (session_end(s, PROTO_END_API, &auth, req, deleted, call) == -1) {
		free(call);
		reply_busy(req, "the impersonation session is being ended; "
		    "try again");
	}
}

void
impersonations_one(struct evhttp_request *req)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = uri ? evhttp_uri_get_path(uri) : NULL;
	struct imp_session	*s;
	struct access		 a;
	char			 sid[PROTO_SID_MAX + 1];
	json_t			*out;
	int			 del = evhttp_request_get_command(req) ==
				    EVHTTP_REQ_DELETE;

	/* Authorized before anything of the request is looked at. */
	if (bearer_api_check(req, del ? "end:impersonations" :
	    "read:impersonations", &a) == -1)
		return;
	if (path == NULL || path_segment(path, SESSIONS_PREFIX, "", sid,
	    sizeof(sid)) == -1 || (s = sessions_find(sid)) == NULL) {
		reply_api_error(req, 404, "The impersonation session does "
		    "not exist.", "inexistent_session");
		return;
	}
	if (del) {
		delete_one(req, s);
		return;
	}
	if ((out = sessions_json(s, 1)) == NULL) {
		reply_api_error(req, 503, "Out of memory; try again", NULL);
		return;
	}
	reply_json(req, 200, out, 0);
}
