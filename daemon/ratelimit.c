#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ratelimit.h"

struct window {
	time_t		 start;
	int		 failures;
};

static const struct config	*conf;
static struct window		*windows;	/* by index in conf->clients */

int
ratelimit_init(const struct config *c)
{
	conf = c;
	windows = calloc(c->nclients ? c->nclients : 1, sizeof(*windows));
	return windows == NULL ? -1 : 0;
}

static struct window *
window_of(const char *client_id, time_t now)
{
	struct window	*w;
	size_t		 i;

	for (i = 0; i < conf->nclients; i++)
		if (strcmp(conf->clients[i].client_id, client_id) == 0)
			break;
	if (i == conf->nclients)
		return NULL;
	w = &windows[i];
	if (now - w->start >= RATELIMIT_WINDOW) {
		w->start = now;
		w->failures = 0;
	}
	return w;
}

int
ratelimit_wait(const char *client_id)
{
	time_t		 now = time(NULL);
	struct window	*w = window_of(client_id, now);

	if (w == NULL || w->failures < RATELIMIT_FAILURES)
		return 0;
	return (int)(w->start + RATELIMIT_WINDOW - now);
}

void
ratelimit_failed(const char *client_id)
{
	struct window	*w = window_of(client_id, time(NULL));

	if (w != NULL)
		w->failures++;
}
