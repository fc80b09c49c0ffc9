/*
 * The front end's list of impersonation sessions: a table keyed by the
 * sid's digest (table.h), each entry living until SESSIONS_LISTED_AFTER
 * past its session's expiry.  Listing sorts a snapshot of the table: it
 * holds SESSIONS_MAX entries at most, and the API asks seldom.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "sessions.h"

static struct table	*sessions;

static void
session_free(void *v)
{
	struct imp_session	*s = v;

	if (s == NULL)
		return;
	free(s->grant);
	free(s->reason);
	free(s);
}

int
sessions_init(void)
{
	if ((sessions = table_new(SESSIONS_MAX, session_free)) == NULL)
		return -1;
	return 0;
}

int
sessions_begin(const struct proto_msg *rep, const char *client_id,
    const char *console_cookie)
{
	struct imp_session	*s;
	unsigned char		 key[TABLE_KEY_LEN];

#define F(field)	rep->u.follow_rep.field
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->grant = strndup(F(session).p, F(session).len)) == NULL ||
	    (s->reason = strndup(F(reason).p, F(reason).len)) == NULL ||
	    proto_strcpy(s->sid, sizeof(s->sid), F(sid)) == -1 ||
	    s->sid[0] == '\0' || s->grant[0] == '\0' ||
	    proto_strcpy(s->user_id, sizeof(s->user_id), F(user_id)) == -1 ||
	    proto_strcpy(s->impersonator_id, sizeof(s->impersonator_id),
	    F(impersonator_id)) == -1 ||
	    strlen(client_id) >= sizeof(s->client_id))
		goto fail;
	memcpy(s->client_id, client_id, strlen(client_id) + 1);
	if (console_cookie != NULL && console_cookie[0] != '\0') {
		table_key(console_cookie, s->console);
		s->from_console = 1;
	}
	s->started_at = time(NULL);
	s->expires_at = (time_t)F(session_exp);
#undef F
	table_key(s->sid, key);
	if (table_put(sessions, key, s, s->expires_at +
	    SESSIONS_LISTED_AFTER) == -1) {
		log_warnx("sessions: %zu impersonation sessions listed, no "
		    "room for another", table_count(sessions));
		goto fail;
	}
	return 0;
fail:
	session_free(s);
	return -1;
}

struct imp_session *
sessions_find(const char *sid)
{
	unsigned char	 key[TABLE_KEY_LEN];

	table_key(sid, key);
	return table_get(sessions, key, time(NULL));
}

void
sessions_token(struct proto_str sid, struct proto_str jti)
{
	struct imp_session	*s;
	char			 id[PROTO_SID_MAX + 1];

	if (proto_strcpy(id, sizeof(id), sid) == -1 ||
	    (s = sessions_find(id)) == NULL)
		return;
	if (s->ntokens < SESSION_TOKENS_MAX)
		(void)proto_strcpy(s->tokens[s->ntokens], sizeof(s->tokens[0]),
		    jti);
	s->ntokens++;
}

int
sessions_ended(const char *sid)
{
	const struct imp_session	*s = sessions_find(sid);

	return s != NULL && s->ended_at != 0;
}

int
sessions_active(const struct imp_session *s, time_t now)
{
	return s->ended_at == 0 && s->expires_at > now;
}

void
sessions_mark_ended(struct imp_session *s, const char *cause, time_t now)
{
	s->ending = 0;
	if (s->ended_at != 0)
		return;
	s->ended_at = now;
	s->end_cause = cause;
}

struct collect {
	struct imp_session	**v;
	size_t			 n, cap;
	int			 active_only;
};

static int
collect_one(void *value, void *arg)
{
	struct imp_session	*s = value;
	struct collect		*c = arg;
	size_t			 i;

	if ((c->active_only && !sessions_active(s, time(NULL))) ||
	    c->n == c->cap)
		return 0;
	/* table_filter may show an entry twice; only after a removal. */
	for (i = 0; i < c->n; i++)
		if (c->v[i] == s)
			return 0;
	c->v[c->n++] = s;
	return 0;
}

static int
newest_first(const void *a, const void *b)
{
	const struct imp_session	*x = *(struct imp_session *const *)a;
	const struct imp_session	*y = *(struct imp_session *const *)b;

	if (x->started_at != y->started_at)
		return x->started_at < y->started_at ? 1 : -1;
	return strcmp(x->sid, y->sid);
}

size_t
sessions_all(struct imp_session ***out, int active_only)
{
	struct collect	 c = { NULL, 0, table_count(sessions), active_only };

	*out = NULL;
	if (c.cap == 0 || (c.v = calloc(c.cap, sizeof(*c.v))) == NULL)
		return 0;
	table_filter(sessions, collect_one, &c);
	qsort(c.v, c.n, sizeof(*c.v), newest_first);
	*out = c.v;
	return c.n;
}

json_t *
sessions_page(int active_only, size_t start, size_t limit, size_t *total)
{
	struct imp_session	**v;
	json_t			*list;
	size_t			 i, n = sessions_all(&v, active_only);

	*total = n;
	if ((list = json_array()) == NULL)
		goto fail;
	for (i = start; i < n && i - start < limit; i++)
		if (json_array_append_new(list, sessions_json(v[i], 0)) == -1)
			goto fail;
	free(v);
	return list;
fail:
	json_decref(list);
	free(v);
	return NULL;
}

/* RFC 3339 UTC, as Auth0 writes times; JSON null for 0. */
static json_t *
time_json(time_t t)
{
	struct tm	 tm;
	char		 buf[32];

	if (t == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return json_null();
	return json_string(buf);
}

json_t *
sessions_json(const struct imp_session *s, int tokens)
{
	json_t	*o, *jtis;
	size_t	 i;

	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:b}",
	    "sid", s->sid, "user_id", s->user_id,
	    "impersonator_id", s->impersonator_id, "client_id", s->client_id,
	    "reason", s->reason, "started_at", time_json(s->started_at),
	    "expires_at", time_json(s->expires_at),
	    "ended_at", time_json(s->ended_at),
	    "end_cause", s->end_cause != NULL ? json_string(s->end_cause) :
	    json_null(), "active", sessions_active(s, time(NULL)));
	if (o == NULL || !tokens)
		return o;
	if ((jtis = json_array()) == NULL ||
	    json_object_set_new(o, "tokens", jtis) == -1) {
		json_decref(o);
		return NULL;
	}
	for (i = 0; i < s->ntokens && i < SESSION_TOKENS_MAX; i++)
		if (json_array_append_new(jtis, json_string(s->tokens[i])) ==
		    -1) {
			json_decref(o);
			return NULL;
		}
	if (json_object_set_new(o, "tokens_issued",
	    json_integer((json_int_t)s->ntokens)) == -1) {
		json_decref(o);
		return NULL;
	}
	return o;
}

void
sessions_sweep(time_t now)
{
	table_expire(sessions, now);
}
