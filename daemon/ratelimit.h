/*
 * Failed client authentications are limited per client_id and source
 * address (DESIGN.md section 3), in windows of tally.h: after
 * RATELIMIT_FAILURES in a window, that client from that address gets 429
 * until the window ends; from another address, and for everyone else,
 * nothing changes.  An attempt counts when it arrives: one at the signer
 * counts as a failure until it is answered, so a newcomer (or a guesser)
 * has at most RATELIMIT_FAILURES attempts a window however many it sends
 * at once, while a client whose last answer authenticated, with no
 * failure since, is not held back at all (a busy application exchanges
 * dozens of codes at once).  An unknown client_id is keyed like a known
 * one: the signer answers it like a wrong secret.
 *
 * So a guesser that makes up a new client_id for each attempt would make
 * a key each, and fill the table from one address.  A source's failures
 * are therefore limited too, across every client_id, in the same way:
 * after RATELIMIT_SOURCE_FAILURES in a window (attempts at the signer
 * counted), an attempt from it gets 429 before a key is made for it,
 * unless its client is in good standing there.
 */
#ifndef GUISE_RATELIMIT_H
#define GUISE_RATELIMIT_H

#include "proto.h"
#include "tally.h"

#define RATELIMIT_FAILURES	10
/*
 * An application server behind one address fails seldom, and a wrong
 * secret of its own stops at RATELIMIT_FAILURES; a guesser cycling
 * through client_ids fails once with each.  100 a minute is ten clients
 * of one address misconfigured at once, and one address's share of the
 * table: at most 100 keys a window.
 */
#define RATELIMIT_SOURCE_FAILURES	100

/* An attempt admitted to the signer: the windows it waits in. */
struct ratelimit_attempt {
	struct tally	*client;	/* its client_id's from its source */
	struct tally	*source;	/* its source's; NULL: not counted
					 * there (its client was proven) */
};

/*
 * May an attempt of client_id from source go to the signer?  0, with in
 * *a the windows where it now waits for the signer's answer; or -1 with
 * the seconds to tell in Retry-After, and why, for the 429: to the
 * window's end after RATELIMIT_FAILURES failures of the client, or
 * RATELIMIT_SOURCE_FAILURES of the source; 1 while the attempts at the
 * signer may still be failures; 1 when the table is full (it fails
 * closed; places free as windows end).
 */
int	ratelimit_admit(const char *client_id, const char *source,
	    struct ratelimit_attempt *a, int *retry_after, const char **why);

/*
 * The answer to an admitted attempt: the signer's reply, or NULL when it
 * gave none or was not asked.  PROTO_ERR_CLIENT is a failure; any other
 * reply comes after the signer authenticated the client.
 */
void	ratelimit_answered(const struct ratelimit_attempt *,
	    const struct proto_msg *);

#endif
