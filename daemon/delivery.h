/*
 * Outbound POSTs that must arrive (DESIGN.md section 8): a logout token to
 * an application, an event to a webhook.  Each is attempted, and after a
 * failure (a connection refused, a timeout, an answer that is not a
 * success) attempted again after 1, 2, 4... seconds, each wait drawn from
 * half to the whole so that many deliveries begun together do not come
 * back together, until it succeeds or its attempts are spent.  Before
 * each attempt its owner prepares the request (a webhook's signature is
 * made anew for each, by the signer), at once or later.  The deliveries
 * under way are bounded; the owner says each outcome on the record.
 */
#ifndef GUISE_DELIVERY_H
#define GUISE_DELIVERY_H

#include "config.h"

#define DELIVERY_QUEUE_MAX	1024	/* under way, of every kind */
#define DELIVERY_TIMEOUT	10	/* seconds, an attempt */

struct delivery;

struct delivery_ops {
	/*
	 * Before each attempt: call delivery_post, or delivery_failed when
	 * the request cannot be made, now or from a later callback.
	 */
	void	(*prepare)(struct delivery *, void *arg);
	/*
	 * The end, to put on the record: err NULL when delivered, else the
	 * last failure's; or at a stop, the delivery still under way.
	 */
	void	(*settled)(const char *err, int attempts, void *arg);
	/* arg is no longer used (never after a stop: the process ends). */
	void	(*release)(void *arg);
};

/* Before confinement, after outbound_init: -1 with a message. */
int	delivery_init(const struct config *);

/*
 * Start delivering to url, at most attempts times; flags as https.h's
 * (HTTPS_2XX).  -1, and nothing called, when too many are under way or
 * there is no outbound client; *why says which.
 */
int	delivery_start(const char *url, int attempts, int flags,
	    const struct delivery_ops *, void *arg, const char **why);

/* This attempt: POST body as content_type, with headers (https.h's). */
void	delivery_post(struct delivery *, const char *content_type,
	    const char *body, const char *const *headers);

/* This attempt failed before it was made: why. */
void	delivery_failed(struct delivery *, const char *why);

/*
 * The daemon stops: every delivery under way is said (settled) as still
 * queued, and nothing more is attempted; one started later (a signer's
 * answer during the drain) is refused at once, and said so by its owner.
 */
void	delivery_stop(void);

#endif
