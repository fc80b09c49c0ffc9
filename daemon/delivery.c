#include <sys/queue.h>
#include <sys/random.h>

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "delivery.h"
#include "frontend.h"
#include "log.h"
#include "outbound.h"

struct delivery {
	char				*url;
	int				 attempts;	/* at most */
	int				 made;		/* so far */
	int				 flags;
	const struct delivery_ops	*ops;
	void				*arg;
	struct event			*timer;
	int				 stopped;	/* said at the stop */
	TAILQ_ENTRY(delivery)		 entry;
};

static struct https_client	*client;
static size_t			 under_way;
static int			 stopping;
static TAILQ_HEAD(, delivery)	 deliveries = TAILQ_HEAD_INITIALIZER(deliveries);

int
delivery_init(const struct config *conf)
{
	char	 err[HTTPS_ERR_MAX];

	if (!outbound_needed(conf))
		return 0;
	/* The system's CAs: the applications' and webhooks' own. */
	if ((client = outbound_client(NULL, err, sizeof(err))) == NULL) {
		log_warnx("deliveries: %s", err);
		return -1;
	}
	return 0;
}

static void
settle(struct delivery *d, const char *err)
{
	d->ops->settled(err, d->made, d->arg);
	d->ops->release(d->arg);
	if (d->timer != NULL)
		event_free(d->timer);
	TAILQ_REMOVE(&deliveries, d, entry);
	free(d->url);
	free(d);
	under_way--;
}

static void
attempt(struct delivery *d)
{
	d->made++;
	d->ops->prepare(d, d->arg);
}

static void
retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	attempt(arg);
}

static void
answered(const char *body, size_t len, const char *err, void *arg)
{
	struct delivery	*d = arg;
	struct timeval	 tv;
	unsigned int	 jitter;
	long		 ms;

	(void)body;
	(void)len;
	if (d->stopped)
		return;		/* said already; the process is ending */
	if (err == NULL || d->made >= d->attempts) {
		settle(d, err);
		return;
	}
	if (getrandom(&jitter, sizeof(jitter), 0) != sizeof(jitter))
		jitter = 0;
	ms = 1000L << (d->made - 1);
	ms = ms / 2 + (long)(jitter % (unsigned int)(ms / 2 + 1));
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	if (d->timer == NULL &&
	    (d->timer = evtimer_new(fe->base, retry, d)) == NULL) {
		settle(d, err);
		return;
	}
	if (evtimer_add(d->timer, &tv) == -1)
		settle(d, err);
}

int
delivery_start(const char *url, int attempts, int flags,
    const struct delivery_ops *ops, void *arg, const char **why)
{
	struct delivery	*d;

	if (client == NULL) {
		*why = "the front end started with nothing to deliver, so "
		    "without the client to deliver it: restart it";
		return -1;
	}
	if (stopping) {
		*why = "the daemon is stopping";
		return -1;
	}
	if (under_way == DELIVERY_QUEUE_MAX) {
		*why = "too many deliveries under way";
		return -1;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->url = strdup(url)) == NULL) {
		free(d);
		*why = "out of memory";
		return -1;
	}
	d->attempts = attempts;
	d->flags = flags;
	d->ops = ops;
	d->arg = arg;
	TAILQ_INSERT_TAIL(&deliveries, d, entry);
	under_way++;
	attempt(d);
	return 0;
}

void
delivery_stop(void)
{
	struct delivery	*d;

	stopping = 1;
	TAILQ_FOREACH(d, &deliveries, entry) {
		if (d->timer != NULL)
			(void)evtimer_del(d->timer);
		d->stopped = 1;
		d->ops->settled("the daemon stopped with it still queued",
		    d->made, d->arg);
	}
}

void
delivery_post(struct delivery *d, const char *content_type, const char *body,
    const char *const *headers)
{
	char	 err[HTTPS_ERR_MAX];

	if (d->stopped)
		return;
	if (https_post(client, d->url, content_type, body, headers, d->flags,
	    DELIVERY_TIMEOUT, answered, d, err, sizeof(err)) == NULL)
		answered(NULL, 0, err, d);
}

void
delivery_failed(struct delivery *d, const char *why)
{
	answered(NULL, 0, why, d);
}
