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
 */
#ifndef GUISE_RATELIMIT_H
#define GUISE_RATELIMIT_H

#include "proto.h"
#include "tally.h"

#define RATELIMIT_FAILURES	10

/*
 * May an attempt of client_id from source go to the signer?  Its window,
 * where it now waits for the signer's answer; or NULL, with the seconds to
 * tell in Retry-After: to the window's end after RATELIMIT_FAILURES, 1
 * while the attempts at the signer may still be failures, 1 when the table
 * is full (it fails closed; places free as windows end).
 */
struct tally	*ratelimit_admit(const char *client_id, const char *source,
		    int *retry_after);

/*
 * The answer to an admitted attempt: the signer's reply, or NULL when it
 * gave none or was not asked.  PROTO_ERR_CLIENT is a failure; any other
 * reply comes after the signer authenticated the client.
 */
void		 ratelimit_answered(struct tally *, const struct proto_msg *);

#endif
