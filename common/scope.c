#include <string.h>

#include "scope.h"

/* RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) */
static int
token_char(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x5b) ||
	    (c >= 0x5d && c <= 0x7e);
}

static int
allowed_has(const struct strlist *allowed, const char *tok, size_t len)
{
	size_t	 i;

	for (i = 0; i < allowed->n; i++)
		if (strlen(allowed->v[i]) == len &&
		    memcmp(allowed->v[i], tok, len) == 0)
			return 1;
	return 0;
}

/* Whether the space-separated scope holds the token tok of len bytes. */
static int
has_token(const char *scope, const char *tok, size_t len)
{
	const char	*p = scope, *t;

	while (*p != '\0') {
		if (*p == ' ') {
			p++;
			continue;
		}
		for (t = p; *p != '\0' && *p != ' '; p++)
			;
		if ((size_t)(p - t) == len && memcmp(t, tok, len) == 0)
			return 1;
	}
	return 0;
}

/* Append tok to out unless it is there already. */
static int
append(char *out, size_t outlen, size_t *used, const char *tok, size_t len)
{
	if (has_token(out, tok, len))
		return 0;
	/* A separator unless first, the token, and the NUL. */
	if (outlen - *used < (*used ? 1u : 0u) + len + 1)
		return -1;
	if (*used)
		out[(*used)++] = ' ';
	memcpy(out + *used, tok, len);
	*used += len;
	out[*used] = '\0';
	return 0;
}

int
scope_grant(const char *requested, const struct strlist *allowed, char *out,
    size_t outlen)
{
	const char	*p, *tok;
	size_t		 used = 0, i, len;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (requested == NULL) {
		for (i = 0; i < allowed->n; i++)
			if (append(out, outlen, &used, allowed->v[i],
			    strlen(allowed->v[i])) == -1)
				return -1;
		return used ? 0 : -1;
	}
	for (p = requested; *p != '\0';) {
		if (*p == ' ') {
			p++;
			continue;
		}
		for (tok = p; *p != '\0' && *p != ' '; p++)
			if (!token_char((unsigned char)*p))
				return -1;
		len = (size_t)(p - tok);
		if (!allowed_has(allowed, tok, len))
			return -1;
		if (append(out, outlen, &used, tok, len) == -1)
			return -1;
	}
	return used ? 0 : -1;
}

int
scope_has(const char *scope, const char *want)
{
	size_t	 len = strlen(want);

	return len > 0 && has_token(scope, want, len);
}
