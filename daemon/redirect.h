/*
 * The Location of a redirect back to an application: its registered
 * callback, then parameters in the query ('?') or the fragment ('#').
 * Every value is percent-encoded but for RFC 3986's unreserved characters,
 * so that no value (a state, say) can add a parameter, a fragment, or a
 * header line.
 */
#ifndef GUISE_REDIRECT_H
#define GUISE_REDIRECT_H

#define REDIRECT_STATE_MAX	2048	/* an application's state, sent back */

/*
 * A new string: base with the parameters appended after sep ('?' or '#').
 * params holds name, value pairs and ends with a NULL name; a NULL value
 * leaves its parameter out.  A query is added to with '&' when base has one.
 * Returns NULL when out of memory.
 */
char	*redirect_location(const char *base, char sep,
	    const char *const *params);

/* Percent-encode s into a new string (unreserved characters stay). */
char	*redirect_encode(const char *s);

#endif
