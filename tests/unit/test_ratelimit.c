/*
 * The limiter of failed client authentications (daemon/ratelimit.c) over
 * the windows of daemon/tally.c: per client_id and source address, an
 * attempt at the signer counted as a failure until it is answered, a
 * proven client not held back, one source's failures across client_ids
 * bounded, an IPv6 source counted by its /64, and a full table failing
 * closed.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "ratelimit.h"

#define GUESSES	1000

static struct proto_msg	 good = { .status = PROTO_OK };
static struct proto_msg	 grant = { .status = PROTO_ERR_GRANT };
static struct proto_msg	 bad = { .status = PROTO_ERR_CLIENT };

static struct ratelimit_attempt	 slot[GUESSES];
static int			 retry;
static const char		*why;

/* ratelimit_admit into slot[i]: it, or NULL with retry and why. */
static struct ratelimit_attempt *
admit(const char *client, const char *source, int i)
{
	if (ratelimit_admit(client, source, &slot[i], &retry, &why) == -1)
		return NULL;
	return &slot[i];
}

/* Admit up to n attempts at once into slot[0..n-1]; how many were. */
static int
admit_many(const char *client, const char *source, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		if (admit(client, source, i) == NULL)
			break;
	return i;
}

/* Answer slot[from..n-1]. */
static void
answer(int from, int n, const struct proto_msg *rep)
{
	int	 i;

	for (i = from; i < n; i++)
		ratelimit_answered(&slot[i], rep);
}

/* Per client_id and source: the rules of ratelimit.h. */
static void
test_per_client(void)
{
	struct ratelimit_attempt	*w;
	int				 n;

	n = admit_many("storefront", "192.0.2.1", 30);
	CHECK(n == RATELIMIT_FAILURES && retry == 1,
	    "a newcomer sending 30 at once: %d at the signer, then 429 "
	    "Retry-After %d", n, retry);
	answer(0, n, &bad);
	CHECK(admit("storefront", "192.0.2.1", 0) == NULL &&
	    retry >= 1 && retry <= TALLY_WINDOW,
	    "10 failures: 429 until the window ends (Retry-After %d)", retry);
	CHECK((w = admit("storefront", "192.0.2.2", 0)) != NULL,
	    "the same client from another address: admitted");
	ratelimit_answered(w, &good);
	CHECK(admit("reader", "192.0.2.1", 0) != NULL,
	    "another client from the guesser's address: admitted");

	/* A proven client is not held back; a failure ends that. */
	ratelimit_answered(admit("backoffice", "192.0.2.3", 0), &grant);
	n = admit_many("backoffice", "192.0.2.3", 64);
	CHECK(n == 64, "authenticated (a grant refusal is one): %d at once", n);
	ratelimit_answered(&slot[0], &bad);
	answer(1, n, &good);
	n = admit_many("backoffice", "192.0.2.3", 64);
	CHECK(n == RATELIMIT_FAILURES - 1 && retry == 1,
	    "after a failure in the window, even a good answer since: %d at "
	    "once", n);
	answer(0, n, NULL);
	CHECK(admit("backoffice", "192.0.2.3", 0) != NULL,
	    "no answer (the signer gone) counts nothing");

	/*
	 * A window ends: a client busy in it stays good, however many of
	 * its attempts are at the signer at that moment (here none); one
	 * that made no attempt in a whole window is a newcomer again.
	 */
	ratelimit_answered(admit("busy", "192.0.2.5", 0), &good);
	ratelimit_answered(admit("idle", "192.0.2.6", 0), &good);
	tally_sweep(time(NULL) + TALLY_WINDOW);
	ratelimit_answered(admit("busy", "192.0.2.5", 0), &good);
	tally_sweep(time(NULL) + 2 * TALLY_WINDOW);
	n = admit_many("busy", "192.0.2.5", 64);
	CHECK(n == 64, "busy in each window that ended: still good, %d at "
	    "once", n);
	answer(0, n, &good);
	n = admit_many("idle", "192.0.2.6", 64);
	CHECK(n == RATELIMIT_FAILURES, "idle for a whole window: a newcomer "
	    "again, %d at once", n);
	answer(0, n, &good);

	/* Unknown and known client_ids alike. */
	for (n = 0; n < RATELIMIT_FAILURES; n++)
		ratelimit_answered(admit("no-such-client", "192.0.2.4", 0),
		    &bad);
	CHECK(admit("no-such-client", "192.0.2.4", 0) == NULL && retry > 1,
	    "an unknown client_id: 429 after 10 failures");
}

/*
 * One address cycling through made-up client_ids, each a new key that the
 * signer answers like a wrong secret: at most RATELIMIT_SOURCE_FAILURES of
 * them a window reach the signer, and only those make a key.
 */
static void
test_cycling(void)
{
	const char	*guesser = "198.51.100.7";
	char		 id[32];
	size_t		 before;
	int		 n = 0, late = 0, i;

	/* An application proven at that address before the guessing. */
	ratelimit_answered(admit("backoffice", guesser, 0), &good);
	before = tally_keys();
	for (i = 0; i < GUESSES; i++) {
		snprintf(id, sizeof(id), "made-up-%d", i);
		if (admit(id, guesser, 0) != NULL) {
			n++;
			ratelimit_answered(&slot[0], &bad);
		} else if (retry > 1 && retry <= TALLY_WINDOW)
			late++;
	}
	CHECK(n == RATELIMIT_SOURCE_FAILURES && late == GUESSES - n,
	    "1,000 made-up client_ids from one address, one after another: "
	    "%d reach the signer, %d get 429 until the window ends", n, late);
	CHECK(tally_keys() - before <= RATELIMIT_SOURCE_FAILURES + 1,
	    "they made %zu keys", tally_keys() - before);
	CHECK(admit("storefront", guesser, 0) == NULL && retry > 1,
	    "a newcomer at that address waits too (Retry-After %d)", retry);
	n = admit_many("backoffice", guesser, 64);
	CHECK(n == 64, "a client in good standing there is not held back: "
	    "%d at once", n);
	answer(0, n, &good);
	CHECK(admit("made-up-0", "198.51.100.8", 0) != NULL,
	    "from another address, the same made-up id: admitted");
	ratelimit_answered(&slot[0], &bad);
	CHECK(admit("storefront", "198.51.100.8", 0) != NULL,
	    "from another address, a newcomer: admitted");
	ratelimit_answered(&slot[0], &good);
}

/* Made-up client_ids sent at once: counted when they arrive. */
static void
test_burst(void)
{
	char	 id[32];
	int	 n = 0, waiting = 0, i;

	for (i = 0; i < GUESSES; i++) {
		snprintf(id, sizeof(id), "burst-%d", i);
		if (admit(id, "198.51.100.9", n) != NULL)
			n++;
		else if (retry == 1)
			waiting++;
	}
	CHECK(n == RATELIMIT_SOURCE_FAILURES && waiting == GUESSES - n,
	    "1,000 made-up client_ids at once: %d at the signer, %d get 429 "
	    "Retry-After 1", n, waiting);
	answer(0, n, &bad);
	CHECK(admit("burst-x", "198.51.100.9", 0) == NULL && retry > 1,
	    "answered as failures: 429 until the window ends (Retry-After %d)",
	    retry);
}

/* An IPv6 source is its /64, in every window; an IPv4 one is itself. */
static void
test_ipv6(void)
{
	struct tally	*t;
	char		 id[32], source[SOURCE_MAX];
	size_t		 before;
	int		 n = 0, i;

	for (i = 0; i < GUESSES; i++) {
		snprintf(id, sizeof(id), "v6-%d", i);
		snprintf(source, sizeof(source), "2001:db8:1:2:%x::%x", i, i);
		if (admit(id, source, 0) != NULL) {
			n++;
			ratelimit_answered(&slot[0], &bad);
		}
	}
	CHECK(n == RATELIMIT_SOURCE_FAILURES, "made-up client_ids from 1,000 "
	    "addresses of one /64: %d reach the signer", n);
	CHECK(admit("reader", "2001:db8:1:3::1", 0) != NULL,
	    "from the next /64: admitted");
	ratelimit_answered(&slot[0], &good);

	for (i = 0; i < RATELIMIT_FAILURES; i++) {
		snprintf(source, sizeof(source), "2001:db8:7:7::%x", i + 1);
		ratelimit_answered(admit("storefront", source, 0), &bad);
	}
	CHECK(admit("storefront", "2001:db8:7:7:ffff:ffff:ffff:ffff", 0) ==
	    NULL, "10 wrong secrets of one client from 10 addresses of a /64: "
	    "429 from all of it");

	before = tally_keys();
	for (i = 0; i < GUESSES; i++) {
		snprintf(source, sizeof(source), "2001:db8:5:6::%x", i + 1);
		tally_count(TALLY_LINK_REFUSED, source);
	}
	t = tally_get(TALLY_LINK_REFUSED, "", "2001:db8:5:6:1:2:3:4",
	    time(NULL));
	CHECK(tally_keys() - before == 1 && t != NULL && t->count == GUESSES &&
	    strcmp(t->source, "2001:db8:5:6::/64") == 0,
	    "unknown links from 1,000 addresses of one /64: one window, "
	    "%u refusals, its record's ip %s", t ? t->count : 0,
	    t ? t->source : "-");
	t = tally_get(TALLY_LINK_REFUSED, "", "::ffff:192.0.2.9", time(NULL));
	CHECK(t != NULL && strcmp(t->source, "::ffff:192.0.2.9") == 0,
	    "an IPv4-mapped source is an IPv4 host: kept whole");
	t = tally_get(TALLY_LINK_REFUSED, "", "192.0.2.9", time(NULL));
	CHECK(t != NULL && strcmp(t->source, "192.0.2.9") == 0,
	    "an IPv4 source is kept whole");
}

/*
 * A key not in good standing, with nothing counted or at the signer, is
 * no different from a new one once its window ends: it goes then, so that
 * a guesser's keys hold places in the table for one window, not two.
 * (Here no signer takes the records, so a key that counted failures keeps
 * its count, and its place.)
 */
static void
test_forgotten(void)
{
	time_t	 later = time(NULL) + 3 * TALLY_WINDOW;
	char	 id[32];
	int	 i;

	for (i = 0; i < 50; i++) {
		snprintf(id, sizeof(id), "gone-%d", i);
		ratelimit_answered(admit(id, "198.51.100.10", 0), NULL);
	}
	tally_sweep(later);
	CHECK(tally_find(TALLY_CLIENT_AUTH, "gone-0", "198.51.100.10", later) ==
	    NULL && tally_find(TALLY_SOURCE_AUTH, "", "198.51.100.10", later) ==
	    NULL, "a window ends: keys not in good standing, with nothing "
	    "counted or pending, go, their source's too");
	CHECK(tally_find(TALLY_CLIENT_AUTH, "busy", "192.0.2.5", later) != NULL,
	    "a client busy in it, in good standing, stays");
}

/* The table full: a new key fails closed, known ones go on. */
static void
test_full(void)
{
	char	 source[SOURCE_MAX];
	int	 i;

	for (i = 0; i < TALLY_MAX; i++) {
		snprintf(source, sizeof(source), "10.%d.%d.%d", (i >> 16) & 255,
		    (i >> 8) & 255, i & 255);
		if (tally_get(TALLY_LINK_REFUSED, "", source, time(NULL)) ==
		    NULL)
			break;
	}
	CHECK(i < TALLY_MAX, "the table fills (%d keys before it)", i);
	CHECK(admit("storefront", "198.51.100.1", 0) == NULL && retry == 1,
	    "a new key with the table full: 429, Retry-After 1");
	CHECK(admit("busy", "192.0.2.5", 0) != NULL,
	    "a key already there: admitted");
}

int
main(void)
{
	CHECK(tally_init() == 0, "tally_init");
	test_per_client();
	test_cycling();
	test_burst();
	test_ipv6();
	test_forgotten();
	test_full();
	tally_close();
	return check_done();
}
