/*
 * Strict UTF-8 (RFC 3629, the Unicode Standard's table 3-7): no overlong
 * forms, no surrogates (U+D800-DFFF), nothing past U+10FFFF, no stray
 * continuation bytes, no sequence cut short.  One decoder for all that tell
 * text from bytes: the form and path parsers, the JSON writer, the query
 * parser and guisectl's escaping of the audit log.
 */
#ifndef GUISE_UTF8_H
#define GUISE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * The length (1 to 4) of the one character at s, n bytes left, and its
 * code point in *cp unless cp is NULL; 0 when the bytes there are not a
 * well-formed character (or n is 0).
 */
size_t	utf8_char(const char *s, size_t n, uint32_t *cp);

/* 1 when the len bytes at s are well-formed UTF-8 (NULs included), else 0. */
int	utf8_valid(const char *s, size_t len);

#endif
