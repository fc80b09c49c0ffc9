/*
 * The in-memory store: four bounded tables in the front end, swept every
 * second.  Single-use is simple here: the front end is one event loop, so
 * a take or a redeem is never interleaved with another.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "log.h"
#include "proto.h"
#include "store.h"
#include "table.h"

struct code {
	struct impersonation	*imp;
	int			 used;
};

/*
 * A code whose tokens were issued, kept until it would have expired so
 * that a replay is known as one, and by whom: the client it was issued to,
 * nothing else.  Apart from the live codes, so that a redeemed code frees
 * its place there at once: 65,536 live codes for 60 s would otherwise cap
 * the flow at about 1,100 logins a second.
 */
struct spent {
	struct impersonation	 imp;		/* client_id only */
	char			 client_id[PROTO_CLIENT_ID_MAX + 1];
};

static struct table	*links, *codes, *spent, *revoked;
static struct event	*sweeper;

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
	imp->impersonator_id = dup_or_null(src->impersonator_id);
	imp->user_id = dup_or_null(src->user_id);
	imp->client_id = dup_or_null(src->client_id);
	imp->caller = dup_or_null(src->caller);
	imp->callback_url = dup_or_null(src->callback_url);
	imp->state = dup_or_null(src->state);
	imp->scope = dup_or_null(src->scope);
	imp->nonce = dup_or_null(src->nonce);
	imp->reason = dup_or_null(src->reason);
	if (imp->impersonator_id == NULL || imp->user_id == NULL ||
	    imp->client_id == NULL || imp->caller == NULL ||
	    imp->callback_url == NULL || imp->scope == NULL ||
	    (src->state && !imp->state) || (src->nonce && !imp->nonce) ||
	    (src->reason && !imp->reason)) {
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
	free_str(imp->impersonator_id);
	free_str(imp->user_id);
	free_str(imp->client_id);
	free_str(imp->caller);
	free_str(imp->callback_url);
	free_str(imp->state);
	free_str(imp->scope);
	free_str(imp->nonce);
	free_str(imp->reason);
	free(imp);
}

static void
free_link(void *v)
{
	impersonation_free(v);
}

static void
free_code(void *v)
{
	struct code	*c = v;

	impersonation_free(c->imp);
	free(c);
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

static void
sweep(evutil_socket_t fd, short what, void *arg)
{
	time_t	 now = time(NULL);

	(void)fd;
	(void)what;
	(void)arg;
	table_expire(links, now);
	table_expire(codes, now);
	table_expire(spent, now);
	table_expire(revoked, now);
}

int
store_init(struct event_base *base)
{
	struct timeval	 second = { 1, 0 };

	links = table_new(STORE_LINKS_MAX, free_link);
	codes = table_new(STORE_CODES_MAX, free_code);
	spent = table_new(STORE_SPENT_MAX, free_spent);
	revoked = table_new(STORE_REVOKED_MAX, free_revoked);
	if (links == NULL || codes == NULL || spent == NULL || revoked == NULL)
		return -1;
	if ((sweeper = event_new(base, -1, EV_PERSIST, sweep, NULL)) == NULL ||
	    event_add(sweeper, &second) == -1)
		return -1;
	return 0;
}

int
store_link_put(const char *ticket, struct impersonation *imp, int ttl)
{
	uint8_t	 key[TABLE_KEY_LEN];

	table_key(ticket, key);
	if (table_put(links, key, imp, time(NULL) + ttl) == -1) {
		log_warnx("store: %zu links live, refusing more",
		    table_count(links));
		return -1;
	}
	return 0;
}

struct impersonation *
store_link_take(const char *ticket)
{
	uint8_t	 key[TABLE_KEY_LEN];

	table_key(ticket, key);
	return table_take(links, key, time(NULL));
}

int
store_code_put(const char *code, struct impersonation *imp, int ttl)
{
	uint8_t		 key[TABLE_KEY_LEN];
	struct code	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -1;
	table_key(code, key);
	if (table_put(codes, key, c, time(NULL) + ttl) == -1) {
		log_warnx("store: %zu codes live, refusing more",
		    table_count(codes));
		free(c);
		return -1;
	}
	c->imp = imp;
	return 0;
}

enum code_state
store_code_redeem(const char *code, const struct impersonation **imp)
{
	uint8_t		 key[TABLE_KEY_LEN];
	struct code	*c;
	struct spent	*sp;
	time_t		 now = time(NULL);

	table_key(code, key);
	if ((c = table_get(codes, key, now)) == NULL) {
		if ((sp = table_get(spent, key, now)) == NULL)
			return CODE_UNKNOWN;
		*imp = &sp->imp;
		return CODE_SPENT;
	}
	*imp = c->imp;
	if (c->used)
		return CODE_SPENT;
	c->used = 1;
	return CODE_FRESH;
}

void
store_code_spend(const char *code, int ttl)
{
	uint8_t		 key[TABLE_KEY_LEN];
	struct code	*c;
	struct spent	*sp;
	time_t		 now = time(NULL);

	table_key(code, key);
	if ((c = table_take(codes, key, now)) == NULL)
		return;
	/* Without room, a replay is taken for an unknown code: it still
	 * revokes what the code gave (token_endpoint.c). */
	if ((sp = calloc(1, sizeof(*sp))) != NULL) {
		snprintf(sp->client_id, sizeof(sp->client_id), "%s",
		    c->imp->client_id);
		sp->imp.client_id = sp->client_id;
		if (table_put(spent, key, sp, now + ttl) == -1)
			free(sp);
	}
	free_code(c);
}

void
store_code_release(const char *code)
{
	uint8_t		 key[TABLE_KEY_LEN];
	struct code	*c;

	table_key(code, key);
	if ((c = table_get(codes, key, time(NULL))) != NULL)
		c->used = 0;
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
