/*
 * The signer's random bytes: jtis, tickets, codes and grant ids, drawn
 * from a pool that RAND_bytes fills a few kilobytes at a time.  One
 * RAND_bytes a token was 3% of the signer's time (perf), most of it the
 * DRBG's per-call work (and a getpid for its fork check), not the bytes;
 * a flow needs six draws.  Each byte is handed out once.
 */
#ifndef GUISE_RANDOM_H
#define GUISE_RANDOM_H

#include <stddef.h>

#define RANDOM_DRAW_MAX	64	/* the most one call takes */

/* n (at most RANDOM_DRAW_MAX) random bytes into out: 0, or -1. */
int	random_draw(void *out, size_t n);

#endif
