#ifndef GUISE_PATH_H
#define GUISE_PATH_H

#include <stddef.h>

/*
 * The one segment of path between prefix and suffix ("/users/" and
 * "/impersonate"), percent-decoded ('+' stays '+'; "auth0|x" and
 * "auth0%7Cx" are the same id) into out.  Returns 0, or -1 when path does
 * not have that shape, or the segment is empty, too long, malformed, or
 * decodes to a '/', a NUL, another control character or bytes that are
 * not UTF-8.
 */
int	path_segment(const char *path, const char *prefix, const char *suffix,
	    char *out, size_t outlen);

#endif
