/*
 * Windows of refusals (tally.h): one bounded table keyed by the SHA-256 of
 * (kind, client_id, source), swept every second.  A window that ends with
 * a count becomes one audit record; the entry then goes, unless attempts
 * it counts are still at the signer, when a new window starts in it.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_client.h"
#include "cidr.h"
#include "hex.h"
#include "log.h"
#include "table.h"
#include "tally.h"

/* What a window's count is, for the signer's record, by kind (0: none). */
static const enum proto_observed records[TALLY_KINDS] = {
	[TALLY_CLIENT_AUTH] = PROTO_SEEN_AUTH_FAILED,
	[TALLY_LINK_REFUSED] = PROTO_SEEN_LINK_UNKNOWN,
	[TALLY_NO_LOGIN] = PROTO_SEEN_NO_LOGIN,
	[TALLY_SOURCE_AUTH] = 0,
};

static struct table	*tallies;
/* Refusals that found the table full, by kind: counted all the same. */
static struct tally	 overflow[TALLY_KINDS];
/* Stopping: records in flight, and whether some still wait for room. */
static unsigned int	 flush_sent;
static int		 flushing;

static void
written(const struct proto_msg *rep, void *arg)
{
	(void)arg;
	if (rep == NULL || rep->status != PROTO_OK)
		log_warnx("tally: a record of counted refusals was not "
		    "written");
	/* Stopping, and the signer's queue had no room for all: go on. */
	if (flushing && flush_sent > 0 && --flush_sent == 0)
		tally_flush();
}

/* Send t's count as its record; 0, or -1 when it cannot be sent now. */
static int
write_count(struct tally *t)
{
	if (t->count == 0)
		return 0;
	if (records[t->kind] == 0) {
		t->count = 0;
		return 0;
	}
	/* An empty source: counted together, the table of counts was full. */
	if (audit_observed(records[t->kind], t->client_id, t->source,
	    t->count, written, NULL) == -1)
		return -1;
	if (flushing)
		flush_sent++;
	t->count = 0;
	return 0;
}

/*
 * t's window is over at now: its count is written and a new window starts
 * (a count that cannot be sent now is carried into it).  Returns whether t
 * may go: nothing counted, nothing at the signer, and either no attempt in
 * the window that ended, or no good standing to keep.  A client busy all
 * along is not forgotten (and held to a newcomer's few attempts at once)
 * because its window ended at a moment when none of its requests was at
 * the signer; any other key is then no different from a new one, and a
 * guesser's keys hold their places one window, not two.
 */
static int
roll(struct tally *t, time_t now)
{
	int	 idle = t->attempts == 0;

	if (write_count(t) == -1)
		log_warnx("tally: cannot send the record of %u refusals from "
		    "%s yet", t->count, t->source);
	t->start = now;
	t->attempts = 0;
	return t->count == 0 && t->pending == 0 && (idle || !t->good);
}

static int
ended(const struct tally *t, time_t now)
{
	return now - t->start >= TALLY_WINDOW;
}

static int
sweep_one(void *v, void *arg)
{
	struct tally	*t = v;
	time_t		 now = *(time_t *)arg;

	return ended(t, now) && roll(t, now);
}

void
tally_sweep(time_t now)
{
	int	 i;

	table_filter(tallies, sweep_one, &now);
	for (i = 0; i < TALLY_KINDS; i++)
		if (ended(&overflow[i], now))
			(void)roll(&overflow[i], now);
}

static void
free_tally(void *v)
{
	free(v);
}

int
tally_init(void)
{
	int	 i;

	for (i = 0; i < TALLY_KINDS; i++) {
		overflow[i].kind = (enum tally_kind)i;
		overflow[i].start = time(NULL);
	}
	return (tallies = table_new(TALLY_MAX, free_tally)) == NULL ? -1 : 0;
}

void
tally_close(void)
{
	table_free(tallies);
	tallies = NULL;
}

/* The key of (kind, client_id, source): a client_id holds no NUL. */
static void
key_of(enum tally_kind kind, const char *client_id, const char *source,
    uint8_t key[TABLE_KEY_LEN])
{
	char	 buf[1 + PROTO_CLIENT_ID_MAX + 1 + SOURCE_MAX];
	size_t	 a = strnlen(client_id, PROTO_CLIENT_ID_MAX);
	size_t	 b = strnlen(source, SOURCE_MAX - 1);

	buf[0] = (char)kind;
	memcpy(buf + 1, client_id, a);
	buf[1 + a] = '\0';
	memcpy(buf + 2 + a, source, b);
	if (sha256(buf, 2 + a + b, key) == -1)
		memset(key, 0, TABLE_KEY_LEN);
}

/*
 * source as the windows key it (tally.h): an IPv6 address by its /64,
 * written into buf; anything else as it is.
 */
static const char *
group_of(const char *source, char buf[SOURCE_MAX])
{
	struct cidr	 a;
	struct in6_addr	 a6;

	if (strchr(source, ':') == NULL || cidr_addr(source, &a) == -1 ||
	    a.family != AF_INET6)
		return source;
	memcpy(&a6, a.addr, sizeof(a6));
	if (IN6_IS_ADDR_V4MAPPED(&a6))
		return source;
	memset(a.addr + 8, 0, 8);
	/* Room left for "/64". */
	if (inet_ntop(AF_INET6, a.addr, buf, SOURCE_MAX - 3) == NULL)
		return source;
	memcpy(buf + strlen(buf), "/64", 4);
	return buf;
}

/* The window of (kind, client_id, source) at now; made when make is 1. */
static struct tally *
lookup(enum tally_kind kind, const char *client_id, const char *source,
    time_t now, int make)
{
	uint8_t		 key[TABLE_KEY_LEN];
	char		 group[SOURCE_MAX];
	struct tally	*t;

	source = group_of(source, group);
	key_of(kind, client_id, source, key);
	if ((t = table_get(tallies, key, now)) != NULL) {
		if (ended(t, now))
			(void)roll(t, now);
		return t;
	}
	if (!make || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->kind = kind;
	t->start = now;
	snprintf(t->client_id, sizeof(t->client_id), "%s", client_id);
	snprintf(t->source, sizeof(t->source), "%s", source);
	if (table_put(tallies, key, t, TABLE_NEVER) == -1) {
		free(t);
		return NULL;
	}
	return t;
}

struct tally *
tally_get(enum tally_kind kind, const char *client_id, const char *source,
    time_t now)
{
	return lookup(kind, client_id, source, now, 1);
}

struct tally *
tally_find(enum tally_kind kind, const char *client_id, const char *source,
    time_t now)
{
	return lookup(kind, client_id, source, now, 0);
}

size_t
tally_keys(void)
{
	return table_count(tallies);
}

void
tally_count(enum tally_kind kind, const char *source)
{
	struct tally	*t;

	if ((t = tally_get(kind, "", source, time(NULL))) == NULL)
		t = &overflow[kind];
	t->count++;
}

/* Write t's count; after the first that finds no room, try no more. */
static int
flush_one(void *v, void *arg)
{
	int	*full = arg;

	if (!*full && write_count(v) == -1)
		*full = 1;
	return 0;
}

void
tally_flush(void)
{
	int	 full = 0, i;

	flushing = 1;
	table_filter(tallies, flush_one, &full);
	for (i = 0; i < TALLY_KINDS; i++)
		(void)flush_one(&overflow[i], &full);
	if (full && flush_sent == 0)
		log_warnx("tally: the signer takes no record: counted "
		    "refusals are lost");
}
