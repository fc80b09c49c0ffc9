/* base64url without padding (RFC 7515 section 2), strict on decode. */
#ifndef GUISE_B64URL_H
#define GUISE_B64URL_H

#include <stddef.h>
#include <sys/types.h>

/* Characters needed to encode n bytes, without the NUL. */
#define B64URL_ENCODED_LEN(n)	(((n) / 3) * 4 + (((n) % 3) ? ((n) % 3) + 1 : 0))
/* Bytes at most decoded from n characters. */
#define B64URL_DECODED_MAX(n)	(((n) / 4) * 3 + 2)

/* Encode; out must hold B64URL_ENCODED_LEN(len) + 1.  Returns the length. */
size_t	b64url_encode(char *out, const void *in, size_t len);

/*
 * Decode len characters into out (outlen bytes).  Returns the number of
 * bytes, or -1 on a character outside the alphabet, padding, a length of
 * 4n+1, non-zero trailing bits, or too small an out.
 */
ssize_t	b64url_decode(void *out, size_t outlen, const char *in, size_t len);

/*
 * Standard base64 with its padding (RFC 4648 section 4), as HTTP Basic
 * authentication uses it; as strict as b64url_decode.
 */
ssize_t	base64_decode(void *out, size_t outlen, const char *in, size_t len);

#endif
