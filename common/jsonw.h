/*
 * A JSON object written straight into a caller's buffer, for the few
 * documents built on every request (a token's claims, an audit record):
 * no allocation, no tree, one pass.  Strings are escaped as jansson's
 * json_dumps does, and bytes that are not UTF-8 become U+FFFD, so the
 * output is always valid JSON.  Overflow is sticky: jw_end returns -1.
 */
#ifndef GUISE_JSONW_H
#define GUISE_JSONW_H

#include <stddef.h>

struct jsonw {
	char	*buf;
	size_t	 size;
	size_t	 len;
	int	 overflow;
	int	 members;	/* written so far, for the commas */
};

/* Start an object in buf (size bytes); "{" unless open is 0. */
void	jw_begin(struct jsonw *, char *buf, size_t size, int open);
void	jw_string(struct jsonw *, const char *name, const char *value);
/* The same for len bytes at value, which need not end in a NUL. */
void	jw_string_len(struct jsonw *, const char *name, const char *value,
	    size_t len);
void	jw_integer(struct jsonw *, const char *name, long long value);
/* A value already in JSON (an array, an object), copied as it is. */
void	jw_json(struct jsonw *, const char *name, const char *json);
/* ["value"] into out (size bytes): its length, or -1 if it does not fit. */
long	jw_array1(char *out, size_t size, const char *value);
/* Its length, "}" unless close is 0, NUL-terminated; -1 on overflow. */
long	jw_end(struct jsonw *, int close);

#endif
