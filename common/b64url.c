#include <stdint.h>

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

static int
value_of(unsigned char c, int url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
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
	for (i = 0; i < len; i++) {
		if ((v = value_of((unsigned char)in[i], url)) == -1)
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
