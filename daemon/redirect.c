#include <stdlib.h>
#include <string.h>

#include "redirect.h"

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

static size_t
encoded_len(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		n += unreserved((unsigned char)*s) ? 1 : 3;
	return n;
}

static char *
encode_into(char *o, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		if (unreserved((unsigned char)*s)) {
			*o++ = *s;
			continue;
		}
		*o++ = '%';
		*o++ = hex[(unsigned char)*s >> 4];
		*o++ = hex[(unsigned char)*s & 15];
	}
	return o;
}

char *
redirect_encode(const char *s)
{
	char	*out, *end;

	if ((out = malloc(encoded_len(s) + 1)) == NULL)
		return NULL;
	end = encode_into(out, s);
	*end = '\0';
	return out;
}

char *
redirect_location(const char *base, char sep, const char *const *params)
{
	size_t	 len = strlen(base) + 1, i;
	char	*out, *o;
	int	 first = 1;

	if (sep == '?' && strchr(base, '?') != NULL)
		sep = '&';
	for (i = 0; params[i] != NULL; i += 2)
		if (params[i + 1] != NULL)
			len += 2 + encoded_len(params[i]) +
			    encoded_len(params[i + 1]);
	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	o = out;
	memcpy(o, base, strlen(base));
	o += strlen(base);
	for (i = 0; params[i] != NULL; i += 2) {
		if (params[i + 1] == NULL)
			continue;
		*o++ = first ? sep : '&';
		first = 0;
		o = encode_into(o, params[i]);
		*o++ = '=';
		o = encode_into(o, params[i + 1]);
	}
	*o = '\0';
	return out;
}
