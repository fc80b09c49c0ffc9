#include <time.h>

#include "ratelimit.h"

/* Its last answer authenticated, and no failure since. */
static int
proven(const struct tally *w)
{
	return w != NULL && w->good && w->count == 0;
}

/*
 * May one more attempt wait at the signer in w, which allows limit
 * failures a window?  0, or -1 with the seconds for Retry-After.
 */
static int
room(const struct tally *w, unsigned int limit, time_t now, int *retry_after)
{
	if (w->count >= limit) {
		*retry_after = (int)(w->start + TALLY_WINDOW - now);
		return -1;
	}
	/* What is at the signer may still fail: ask again in a second. */
	if (w->count + w->pending >= limit) {
		*retry_after = 1;
		return -1;
	}
	return 0;
}

static void
wait_in(struct tally *w)
{
	w->pending++;
	w->attempts++;
}

int
ratelimit_admit(const char *client_id, const char *source,
    struct ratelimit_attempt *a, int *retry_after, const char **why)
{
	struct tally	*w, *s;
	time_t		 now = time(NULL);

	*why = "too many failed authentications for this client";
	*retry_after = 1;	/* the table full: places free as windows end */
	a->source = NULL;
	/* The one lookup of a client in good standing. */
	w = tally_find(TALLY_CLIENT_AUTH, client_id, source, now);
	if (proven(w)) {
		a->client = w;
		wait_in(w);
		return 0;
	}
	/* Before the client's key is made: a made-up client_id makes none. */
	if ((s = tally_get(TALLY_SOURCE_AUTH, "", source, now)) == NULL)
		return -1;
	if (room(s, RATELIMIT_SOURCE_FAILURES, now, retry_after) == -1) {
		*why = "too many failed authentications from this address";
		return -1;
	}
	if (w == NULL &&
	    (w = tally_get(TALLY_CLIENT_AUTH, client_id, source, now)) == NULL)
		return -1;
	if (room(w, RATELIMIT_FAILURES, now, retry_after) == -1)
		return -1;
	a->client = w;
	a->source = s;
	wait_in(w);
	wait_in(s);
	return 0;
}

void
ratelimit_answered(const struct ratelimit_attempt *a,
    const struct proto_msg *rep)
{
	int	 failed = rep != NULL && rep->status == PROTO_ERR_CLIENT;

	a->client->pending--;
	if (a->source != NULL) {
		a->source->pending--;
		if (failed)
			a->source->count++;
	}
	if (rep == NULL)
		return;
	if (failed) {
		a->client->count++;
		a->client->good = 0;
	} else
		a->client->good = 1;
}
