/*
 * application/x-www-form-urlencoded bodies and query strings, decoded in
 * place.  Strict: a bad %-escape, a NUL byte, a name or value that is not
 * UTF-8 once decoded, an empty name or a repeated name (RFC 6749 section
 * 3.1) refuses the whole input.
 */
#ifndef GUISE_FORM_H
#define GUISE_FORM_H

#include <stddef.h>

#define FORM_PARAMS_MAX	32

struct form {
	size_t		 n;
	struct {
		const char	*name;
		const char	*value;
	} p[FORM_PARAMS_MAX];
};

/*
 * Parse the len bytes at buf, which must have room for one more byte (the
 * decoded names and values are written over it, NUL-terminated).  Returns
 * 0, or -1 with *why set.
 */
int		 form_parse(char *buf, size_t len, struct form *, const char **why);

/* Percent-decode one component in place ('+' is a space); -1 when bad. */
int		 form_unescape(char *s, size_t len, size_t *outlen);

/* The same for a path segment, where '+' is itself. */
int		 path_unescape(char *s, size_t len, size_t *outlen);

const char	*form_get(const struct form *, const char *name);

#endif
