#include "utf8.h"

size_t
utf8_char(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 len, i;
	uint32_t		 c;

	if (n == 0)
		return 0;
	if (u[0] < 0x80)
		len = 1, c = u[0];
	else if (u[0] >= 0xc2 && u[0] <= 0xdf)
		len = 2, c = u[0] & 0x1f;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		len = 3, c = u[0] & 0x0f;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		len = 4, c = u[0] & 0x07;
	else
		/* A continuation byte, C0 and C1 (only ever overlong), F5-FF. */
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (u[i] & 0x3f);
	}
	/* Overlong forms, surrogates, past U+10FFFF. */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	if (cp != NULL)
		*cp = c;
	return len;
}

int
utf8_valid(const char *s, size_t len)
{
	size_t	 i, k;

	for (i = 0; i < len; i += k) {
		/* Nearly everything is ASCII: no call for it. */
		if ((unsigned char)s[i] < 0x80) {
			k = 1;
			continue;
		}
		if ((k = utf8_char(s + i, len - i, NULL)) == 0)
			return 0;
	}
	return 1;
}
