/*
 * The limiter of failed client authentications (daemon/ratelimit.c) over
 * the windows of daemon/tally.c: per client_id and source address, an
 * attempt at the signer counted as a failure until it is answered, a
 * proven client not held back, and a full table failing closed.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "ratelimit.h"

static struct proto_msg	 good = { .status = PROTO_OK };
static struct proto_msg	 grant = { .status = PROTO_ERR_GRANT };
static struct proto_msg	 bad = { .status = PROTO_ERR_CLIENT };

/* Admit up to n attempts at once; how many were, into got[]. */
static int
admit_many(const char *client, const char *source, int n,
    struct tally **got, int *retry)
{
	int	 i;

	for (i = 0; i < n; i++)
		if ((got[i] = ratelimit_admit(client, source, retry)) == NULL)
			break;
	return i;
}

int
main(void)
{
	struct tally		*w[64];
	char			 source[SOURCE_MAX];
	int			 retry = 0, n, i;

	CHECK(tally_init() == 0, "tally_init");

	n = admit_many("storefront", "192.0.2.1", 30, w, &retry);
	CHECK(n == RATELIMIT_FAILURES && retry == 1,
	    "a newcomer sending 30 at once: %d at the signer, then 429 "
	    "Retry-After %d", n, retry);
	for (i = 0; i < n; i++)
		ratelimit_answered(w[i], &bad);
	CHECK(ratelimit_admit("storefront", "192.0.2.1", &retry) == NULL &&
	    retry >= 1 && retry <= TALLY_WINDOW,
	    "10 failures: 429 until the window ends (Retry-After %d)", retry);
	CHECK((w[0] = ratelimit_admit("storefront", "192.0.2.2", &retry)) !=
	    NULL, "the same client from another address: admitted");
	ratelimit_answered(w[0], &good);
	CHECK(ratelimit_admit("reader", "192.0.2.1", &retry) != NULL,
	    "another client from the guesser's address: admitted");

	/* A proven client is not held back; a failure ends that. */
	w[0] = ratelimit_admit("backoffice", "192.0.2.3", &retry);
	ratelimit_answered(w[0], &grant);
	n = admit_many("backoffice", "192.0.2.3", 64, w, &retry);
	CHECK(n == 64, "authenticated (a grant refusal is one): %d at once", n);
	ratelimit_answered(w[0], &bad);
	for (i = 1; i < n; i++)
		ratelimit_answered(w[i], &good);
	n = admit_many("backoffice", "192.0.2.3", 64, w, &retry);
	CHECK(n == RATELIMIT_FAILURES - 1 && retry == 1,
	    "after a failure in the window, even a good answer since: %d at "
	    "once", n);
	for (i = 0; i < n; i++)
		ratelimit_answered(w[i], NULL);
	CHECK(ratelimit_admit("backoffice", "192.0.2.3", &retry) != NULL,
	    "no answer (the signer gone) counts nothing");

	/*
	 * A window ends: a client busy in it stays good, however many of
	 * its attempts are at the signer at that moment (here none); one
	 * that made no attempt in a whole window is a newcomer again.
	 */
	w[0] = ratelimit_admit("busy", "192.0.2.5", &retry);
	ratelimit_answered(w[0], &good);
	w[0] = ratelimit_admit("idle", "192.0.2.6", &retry);
	ratelimit_answered(w[0], &good);
	tally_sweep(time(NULL) + TALLY_WINDOW);
	w[0] = ratelimit_admit("busy", "192.0.2.5", &retry);
	ratelimit_answered(w[0], &good);
	tally_sweep(time(NULL) + 2 * TALLY_WINDOW);
	n = admit_many("busy", "192.0.2.5", 64, w, &retry);
	CHECK(n == 64, "busy in each window that ended: still good, %d at "
	    "once", n);
	for (i = 0; i < n; i++)
		ratelimit_answered(w[i], &good);
	n = admit_many("idle", "192.0.2.6", 64, w, &retry);
	CHECK(n == RATELIMIT_FAILURES, "idle for a whole window: a newcomer "
	    "again, %d at once", n);
	for (i = 0; i < n; i++)
		ratelimit_answered(w[i], &good);

	/* Unknown and known client_ids alike. */
	for (i = 0; i < RATELIMIT_FAILURES; i++)
		ratelimit_answered(ratelimit_admit("no-such-client", "192.0.2.4",
		    &retry), &bad);
	CHECK(ratelimit_admit("no-such-client", "192.0.2.4", &retry) == NULL &&
	    retry > 1, "an unknown client_id: 429 after 10 failures");

	/* The table full: a new key fails closed, known ones go on. */
	for (i = 0; i < TALLY_MAX; i++) {
		snprintf(source, sizeof(source), "10.%d.%d.%d", (i >> 16) & 255,
		    (i >> 8) & 255, i & 255);
		if (tally_get(TALLY_LINK_REFUSED, "", source, time(NULL)) ==
		    NULL)
			break;
	}
	CHECK(i < TALLY_MAX, "the table fills (%d keys before it)", i);
	CHECK(ratelimit_admit("storefront", "198.51.100.1", &retry) == NULL &&
	    retry == 1, "a new key with the table full: 429, Retry-After 1");
	CHECK(ratelimit_admit("busy", "192.0.2.5", &retry) != NULL,
	    "a key already there: admitted");
	tally_close();
	return check_done();
}
