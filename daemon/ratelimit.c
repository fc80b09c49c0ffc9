#include <time.h>

#include "ratelimit.h"

struct tally *
ratelimit_admit(const char *client_id, const char *source, int *retry_after)
{
	struct tally	*w;
	time_t		 now = time(NULL);

	if ((w = tally_get(TALLY_CLIENT_AUTH, client_id, source, now)) ==
	    NULL) {
		*retry_after = 1;
		return NULL;
	}
	if (w->count >= RATELIMIT_FAILURES) {
		*retry_after = (int)(w->start + TALLY_WINDOW - now);
		return NULL;
	}
	if (!(w->good && w->count == 0) &&
	    w->count + w->pending >= RATELIMIT_FAILURES) {
		*retry_after = 1;
		return NULL;
	}
	w->pending++;
	w->attempts++;
	return w;
}

void
ratelimit_answered(struct tally *w, const struct proto_msg *rep)
{
	w->pending--;
	if (rep == NULL)
		return;
	if (rep->status == PROTO_ERR_CLIENT) {
		w->count++;
		w->good = 0;
	} else
		w->good = 1;
}
