/*
 * The in-memory store: five bounded tables in the front end, swept every
 * second.  Single-use is simple here: the front end is one event loop, so
 * a take or a redeem is never interleaved with another.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jti.h"
#include "log.h"
#include "pkce.h"
#include "proto.h"
#include "store.h"
#include "table.h"

/*
 * A code whose redemption began: marked here until it would have expired,
 * apart from the live codes, so that a redeemed code frees its place among
 * them at once (65,536 live codes for 60 s would otherwise cap the flow at
 * about 1,100 logins a second).  The mark is what tells a replay, and by
 * whom: the code's client, and its grant for the signer's record.
 */
struct spent {
	struct impersonation	 imp;	/* client_id, grant, code_challenge */
	int			 replayed;	/* its replay revoked it */
	char			 strings[];
};

static struct table	*links, *logins, *codes, *spent, *revoked;
static struct table	*sessions;

static const char *
dup_or_null(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

/* The one place the copies lose their const: they are ours to free. */
static void
free_str(const char *s)
{
	free((void *)(uintptr_t)s);
}

struct impersonation *
impersonation_dup(const struct impersonation *src)
{
	struct impersonation	*imp;

	if ((imp = calloc(1, sizeof(*imp))) == NULL)
		return NULL;
	*imp = *src;
	imp->client_id = dup_or_null(src->client_id);
	imp->callback_url = dup_or_null(src->callback_url);
	imp->state = dup_or_null(src->state);
	imp->grant = dup_or_null(src->grant);
	imp->code_challenge = dup_or_null(src->code_challenge);
	if (imp->client_id == NULL || imp->callback_url == NULL ||
	    imp->grant == NULL || (src->state && !imp->state) ||
	    (src->code_challenge && !imp->code_challenge)) {
		impersonation_free(imp);
		return NULL;
	}
	return imp;
}

void
impersonation_free(struct impersonation *imp)
{
	if (imp == NULL)
		return;
	free_str(imp->client_id);
	free_str(imp->callback_url);
	free_str(imp->state);
	free_str(imp->grant);
	free_str(imp->code_challenge);
	free(imp);
}

/* Links and codes: the impersonation they carry. */
static void
free_impersonation(void *v)
{
	impersonation_free(v);
}

static void
free_spent(void *v)
{
	free(v);
}

static void
free_revoked(void *v)
{
	(void)v;	/* the value is a marker, not an allocation */
}

void
console_session_free(struct console_session *s)
{
	if (s == NULL)
		return;
	free(s->grant);
	free(s->user_id);
	free(s->email);
	explicit_bzero(s->csrf, sizeof(s->csrf));
	free(s);
}

static void
free_session(void *v)
{
	console_session_free(v);
}

void
store_sweep(time_t now)
{
	table_expire(links, now);
	table_expire(logins, now);
	table_expire(codes, now);
	table_expire(spent, now);
	table_expire(revoked, now);
	table_expire(sessions, now);
}

int
store_init(void)
{
	links = table_new(STORE_LINKS_MAX, free_impersonation);
	logins = table_new(STORE_LOGINS_MAX, free_impersonation);
	codes = table_new(STORE_CODES_MAX, free_impersonation);
	spent = table_new(STORE_SPENT_MAX, free_spent);
	revoked = table_new(STORE_REVOKED_MAX, free_revoked);
	sessions = table_new(STORE_SESSIONS_MAX, free_session);
	if (links == NULL || logins == NULL || codes == NULL || spent == NULL ||
	    revoked == NULL || sessions == NULL)
		return -1;
	return 0;
}

void
store_close(void)
{
	table_free(links);
	table_free(logins);
	table_free(codes);
	table_free(spent);
	table_free(revoked);
	table_free(sessions);
	links = logins = codes = spent = revoked = sessions = NULL;
}

/* Keep imp under secret in t for ttl seconds; what names t in a warning. */
static int
put(struct table *t, const char *what, const char *secret,
    struct impersonation *imp, int ttl)
{
	uint8_t	 key[TABLE_KEY_LEN];

	table_key(secret, key);
	if (table_put(t, key, imp, time(NULL) + ttl) == -1) {
		log_warnx("store: %zu %s live, refusing more", table_count(t),
		    what);
		return -1;
	}
	return 0;
}

static struct impersonation *
take(struct table *t, const char *secret)
{
	uint8_t	 key[TABLE_KEY_LEN];

	table_key(secret, key);
	return table_take(t, key, time(NULL));
}

int
store_link_put(const char *ticket, struct impersonation *imp, int ttl)
{
	return put(links, "links", ticket, imp, ttl);
}

struct impersonation *
store_link_take(const char *ticket)
{
	return take(links, ticket);
}

/* A login's key: its client and the cookie's value, which has no '\n'. */
static int
login_key(const char *client_id, const char *login, char *buf, size_t len)
{
	int	 n = snprintf(buf, len, "%s\n%s", client_id, login);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
store_login_put(const char *client_id, const char *login,
    struct impersonation *imp, int ttl)
{
	char	 key[PROTO_CLIENT_ID_MAX + PROTO_LOGIN_MAX + 2];

	if (login_key(client_id, login, key, sizeof(key)) == -1)
		return -1;
	return put(logins, "logins", key, imp, ttl);
}

struct impersonation *
store_login_take(const char *client_id, const char *login)
{
	char	 key[PROTO_CLIENT_ID_MAX + PROTO_LOGIN_MAX + 2];

	if (login_key(client_id, login, key, sizeof(key)) == -1)
		return NULL;
	return take(logins, key);
}

int
store_code_put(const char *code, struct impersonation *imp, int ttl)
{
	return put(codes, "codes", code, imp, ttl);
}

/* The mark of a code of imp: one allocation, its strings inside. */
static struct spent *
spent_new(const struct impersonation *imp)
{
	struct spent	*sp;
	size_t		 a = strlen(imp->client_id) + 1;
	size_t		 b = strlen(imp->grant) + 1;
	size_t		 c = imp->code_challenge ?
			    strlen(imp->code_challenge) + 1 : 0;
	char		*p;

	if ((sp = calloc(1, sizeof(*sp) + a + b + c)) == NULL)
		return NULL;
	p = sp->strings;
	sp->imp.client_id = memcpy(p, imp->client_id, a);
	sp->imp.grant = memcpy(p + a, imp->grant, b);
	if (c > 0)
		sp->imp.code_challenge = memcpy(p + a + b,
		    imp->code_challenge, c);
	return sp;
}

enum code_state
store_code_redeem(const char *code, int ttl, const struct impersonation **imp)
{
	uint8_t			 key[TABLE_KEY_LEN];
	struct impersonation	*live;
	struct spent		*sp;
	time_t			 now = time(NULL);

	table_key(code, key);
	if (table_get(spent, key, now) != NULL)
		return CODE_SPENT;
	if ((live = table_get(codes, key, now)) == NULL)
		return CODE_UNKNOWN;
	if ((sp = spent_new(live)) == NULL ||
	    table_put(spent, key, sp, now + ttl) == -1) {
		log_warnx("store: %zu codes marked spent, redeeming no more",
		    table_count(spent));
		free(sp);
		return CODE_FULL;
	}
	*imp = live;
	return CODE_FRESH;
}

void
store_code_release(const char *code)
{
	uint8_t	 key[TABLE_KEY_LEN];

	table_key(code, key);
	free(table_take(spent, key, time(NULL)));
}

void
store_code_spend(const char *code)
{
	uint8_t	 key[TABLE_KEY_LEN];

	table_key(code, key);
	impersonation_free(table_take(codes, key, time(NULL)));
}

void
store_code_discard(const char *code)
{
	store_code_spend(code);
	store_code_release(code);
}

enum replay
store_code_replay(const char *code, const char *client_id,
    const char *verifier, time_t exp, const struct impersonation **imp,
    char jti[JTI_LEN + 1])
{
	uint8_t		 key[TABLE_KEY_LEN];
	struct spent	*sp;

	table_key(code, key);
	if ((sp = table_get(spent, key, time(NULL))) == NULL ||
	    strcmp(sp->imp.client_id, client_id) != 0 ||
	    (sp->imp.code_challenge != NULL && !pkce_holds(
	    sp->imp.code_challenge, verifier != NULL ? verifier : "")))
		return REPLAY_NONE;
	*imp = &sp->imp;
	if (sp->replayed)
		return REPLAY_AGAIN;
	if (jti_for_code(code, jti) == -1 || store_revoke(jti, exp) == -1) {
		log_warnx("store: %zu tokens revoked, no room for a replayed "
		    "code's", table_count(revoked));
		return REPLAY_FAILED;
	}
	sp->replayed = 1;
	return REPLAY_REVOKED;
}

void
store_code_replay_unrecorded(const char *code)
{
	uint8_t		 key[TABLE_KEY_LEN];
	struct spent	*sp;

	table_key(code, key);
	if ((sp = table_get(spent, key, time(NULL))) != NULL)
		sp->replayed = 0;
}

int
store_revoke(const char *jti, time_t exp)
{
	uint8_t		 key[TABLE_KEY_LEN];
	static char	 marker;

	table_key(jti, key);
	if (table_get(revoked, key, time(NULL)) != NULL)
		return 0;
	return table_put(revoked, key, &marker, exp);
}

int
store_is_revoked(const char *jti)
{
	uint8_t	 key[TABLE_KEY_LEN];

	table_key(jti, key);
	return table_get(revoked, key, time(NULL)) != NULL;
}

int
store_session_put(const char *cookie, struct console_session *s)
{
	uint8_t	 key[TABLE_KEY_LEN];

	table_key(cookie, key);
	if (table_put(sessions, key, s, s->expires) == -1) {
		log_warnx("store: %zu console sessions live, refusing more",
		    table_count(sessions));
		return -1;
	}
	return 0;
}

const struct console_session *
store_session_use(const char *cookie, int idle, time_t now)
{
	struct console_session	*s;
	uint8_t			 key[TABLE_KEY_LEN];

	table_key(cookie, key);
	if ((s = table_get(sessions, key, now)) == NULL)
		return NULL;
	if (now - s->seen > idle) {
		console_session_free(table_take(sessions, key, now));
		return NULL;
	}
	s->seen = now;
	return s;
}

struct console_session *
store_session_take(const char *cookie)
{
	uint8_t	 key[TABLE_KEY_LEN];

	table_key(cookie, key);
	return table_take(sessions, key, time(NULL));
}
