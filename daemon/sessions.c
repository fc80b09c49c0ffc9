/*
 * The front end's list of impersonation sessions: a table keyed by the
 * sid's digest (table.h), each entry living until SESSIONS_LISTED_AFTER
 * past its session's expiry, and a list of the same entries in the order
 * they began, which is the order of their expiry too (every session lives
 * token_ttl): listing walks it backwards, newest first, and room is made
 * from its front, and the expiry sweep stops at the first session still
 * going on: nothing is ever sorted.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "sessions.h"

static struct table			*sessions;
static size_t				 unconfirmed;
static TAILQ_HEAD(imp_session_list, imp_session) order = TAILQ_HEAD_INITIALIZER(order);

static void
session_free(void *v)
{
	struct imp_session	*s = v;
	size_t			 i;

	if (s == NULL)
		return;
	if (s->listed)
		TAILQ_REMOVE(&order, s, entry);
	free(s->grant);
	free(s->user_id);
	free(s->impersonator_id);
	free(s->client_id);
	free(s->reason);
	for (i = 0; i < SESSION_TOKENS_MAX; i++)
		free(s->tokens[i]);
	sessions_confirmed(s);
	free(s);
}

/*
 * Room for one more, when the table is full: the oldest session that has
 * ended and expired goes (no token of it lives: it was listed only as
 * history).  One past its expiry but not yet ended stays until the signer
 * has recorded its end.  0, or -1 when every entry still matters.
 */
static int
make_room(time_t now)
{
	struct imp_session	*s;
	unsigned char		 key[TABLE_KEY_LEN];

	if (table_count(sessions) < SESSIONS_MAX)
		return 0;
	TAILQ_FOREACH(s, &order, entry) {
		if (s->expires_at > now)
			return -1;	/* the rest began later */
		if (s->ended_at != 0)
			break;
	}
	if (s == NULL)
		return -1;
	table_key(s->sid, key);
	session_free(table_take(sessions, key, now));
	return 0;
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
	    (s->user_id = strndup(F(user_id).p, F(user_id).len)) == NULL ||
	    (s->impersonator_id = strndup(F(impersonator_id).p,
	    F(impersonator_id).len)) == NULL ||
	    (s->client_id = strdup(client_id)) == NULL ||
	    proto_strcpy(s->sid, sizeof(s->sid), F(sid)) == -1 ||
	    s->sid[0] == '\0' || s->grant[0] == '\0')
		goto fail;
	if (console_cookie != NULL && console_cookie[0] != '\0') {
		table_key(console_cookie, s->console);
		s->from_console = 1;
	}
	s->started_at = time(NULL);
	s->expires_at = (time_t)F(session_exp);
#undef F
	table_key(s->sid, key);
	if (make_room(s->started_at) == -1 || table_put(sessions, key, s,
	    s->expires_at + SESSIONS_LISTED_AFTER) == -1) {
		log_warnx("sessions: %zu impersonation sessions going on or "
		    "with live tokens, no room for another",
		    table_count(sessions));
		goto fail;
	}
	TAILQ_INSERT_TAIL(&order, s, entry);
	s->listed = 1;
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
		s->tokens[s->ntokens] = strndup(jti.p, jti.len);
	s->ntokens++;
}

int
sessions_ended(const char *sid)
{
	const struct imp_session	*s = sessions_find(sid);

	return s != NULL && s->ended_at != 0;
}

void
sessions_unconfirmed(struct imp_session *s, unsigned int cause,
    const char *bearer, const char *cookie, const char *grant)
{
	if (s->unconfirmed)
		return;
	if ((s->retry_bearer = strdup(bearer != NULL ? bearer : "")) == NULL ||
	    (s->retry_cookie = strdup(cookie != NULL ? cookie : "")) == NULL ||
	    (s->retry_grant = strdup(grant != NULL ? grant : "")) == NULL) {
		free(s->retry_bearer);
		free(s->retry_cookie);
		s->retry_bearer = s->retry_cookie = NULL;
		log_warnx("sessions: out of memory: an end the signer did not "
		    "confirm is not asked for again");
		return;
	}
	s->retry_cause = cause;
	s->unconfirmed = 1;
	unconfirmed++;
}

void
sessions_confirmed(struct imp_session *s)
{
	if (!s->unconfirmed)
		return;
	free(s->retry_bearer);
	free(s->retry_cookie);
	free(s->retry_grant);
	s->retry_bearer = s->retry_cookie = s->retry_grant = NULL;
	s->unconfirmed = 0;
	unconfirmed--;
}

void
sessions_each_unconfirmed(void (*fn)(struct imp_session *))
{
	struct imp_session	*s, *next;

	for (s = TAILQ_FIRST(&order); unconfirmed > 0 && s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		if (s->unconfirmed && !s->ending)
			fn(s);
	}
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

size_t
sessions_all(struct imp_session ***out, int active_only)
{
	struct imp_session	*s;
	size_t			 n = 0;
	time_t			 now = time(NULL);

	*out = NULL;
	if (table_count(sessions) == 0 ||
	    (*out = calloc(table_count(sessions), sizeof(**out))) == NULL)
		return 0;
	TAILQ_FOREACH_REVERSE(s, &order, imp_session_list, entry)
		if (!active_only || sessions_active(s, now))
			(*out)[n++] = s;
	return n;
}

void
sessions_each_expired(time_t now, void (*fn)(struct imp_session *))
{
	struct imp_session	*s, *next;

	/* fn may have s removed (its own lookup), never another. */
	for (s = TAILQ_FIRST(&order); s != NULL && s->expires_at <= now;
	    s = next) {
		next = TAILQ_NEXT(s, entry);
		if (s->ended_at == 0 && !s->ending)
			fn(s);
	}
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
		if (s->tokens[i] != NULL && json_array_append_new(jtis,
		    json_string(s->tokens[i])) == -1) {
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
