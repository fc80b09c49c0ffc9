/*
 * Failed client authentications are limited per client_id (DESIGN.md
 * section 3): after RATELIMIT_FAILURES in a window of RATELIMIT_WINDOW
 * seconds, that client gets 429 until the window ends, and nobody else is
 * slowed down.  Only configured clients are counted: an unknown client_id
 * always fails anyway, and counting them would let a guesser fill memory.
 */
#ifndef GUISE_RATELIMIT_H
#define GUISE_RATELIMIT_H

#include "config.h"

#define RATELIMIT_FAILURES	10
#define RATELIMIT_WINDOW	60	/* seconds */

int	ratelimit_init(const struct config *);
/* Seconds client_id must wait before it may try again; 0 when it may. */
int	ratelimit_wait(const char *client_id);
void	ratelimit_failed(const char *client_id);

#endif
