#include <stdint.h>
#include <string.h>

#include "b64url.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t
b64url_encode(char *out, const void *in, size_t len)
{
	const uint8_t	*p = in;
	char		*o = out;
	uint32_t	 v;

	for (; len >= 3; len -= 3, p += 3) {
		v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
		*o++ = alphabet[v >> 18];
		*o++ = alphabet[(v >> 12) & 63];
		*o++ = alphabet[(v >> 6) & 63];
		*o++ = alphabet[v & 63];
	}
	if (len > 0) {
		v = (uint32_t)p[0] << 16 | (len == 2 ? (uint32_t)p[1] << 8 : 0);
		*o++ = alphabet[v >> 18];
		*o++ = alphabet[(v >> 12) & 63];
		if (len == 2)
			*o++ = alphabet[(v >> 6) & 63];
	}
	*o = '\0';
	return (size_t)(o - out);
}

/*
 * The value of each character, by alphabet (0: url, 1: standard), -1 for
 * none: a table, because a grant of a few hundred characters is decoded
 * on every step of a login, and a branch a character showed in perf.
 */
static signed char	 values[2][256];
static int		 values_made;

static void
make_values(void)
{
	int	 a, i;

	memset(values, -1, sizeof(values));
	for (a = 0; a < 2; a++)
		for (i = 0; i < 64; i++)
			values[a][(unsigned char)alphabet[i]] = (signed char)i;
	values[1]['-'] = values[1]['_'] = -1;
	values[1]['+'] = 62;
	values[1]['/'] = 63;
	values_made = 1;
}

static ssize_t
decode(void *out, size_t outlen, const char *in, size_t len, int url)
{
	uint8_t		*o = out;
	size_t		 n = 0, i;
	uint32_t	 acc = 0;
	int		 bits = 0, v;

	if (len % 4 == 1)
		return -1;
	if (!values_made)
		make_values();
	for (i = 0; i < len; i++) {
		if ((v = values[!url][(unsigned char)in[i]]) == -1)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= outlen)
				return -1;
			o[n++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* The bits left over must be zero, so every input has one decoding. */
	if (acc != 0)
		return -1;
	return (ssize_t)n;
}

ssize_t
b64url_decode(void *out, size_t outlen, const char *in, size_t len)
{
	return decode(out, outlen, in, len, 1);
}

ssize_t
base64_decode(void *out, size_t outlen, const char *in, size_t len)
{
	size_t	 pad = 0;

	if (len % 4 != 0)
		return -1;
	if (len > 0 && in[len - 1] == '=')
		pad++;
	if (len > 1 && in[len - 2] == '=')
		pad++;
	return decode(out, outlen, in, len - pad, 0);
}
