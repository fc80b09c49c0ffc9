/* OAuth scope strings: space-separated tokens (RFC 6749 section 3.3). */
#ifndef GUISE_SCOPE_H
#define GUISE_SCOPE_H

#include <stddef.h>

#include "config.h"

/*
 * The scope a client gets: requested narrowed to allowed, written to out
 * as single-space-separated tokens without repeats.  A NULL requested asks
 * for everything allowed.  Returns 0, or -1 when a requested token is not
 * allowed or malformed, when nothing is left, or when out is too small.
 */
int	scope_grant(const char *requested, const struct strlist *allowed,
	    char *out, size_t outlen);

/* Whether the space-separated scope string holds the token want. */
int	scope_has(const char *scope, const char *want);

#endif
