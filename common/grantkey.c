/*
 * The lines of a grant key file, checked one by one: the kid's characters
 * and length, one space, exactly 32 bytes of strict base64url, no kid
 * twice, at most 16 keys.  Lengths, never NUL-terminated strings: a NUL
 * byte in the file is a bad character like any other.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "b64url.h"
#include "grantkey.h"

/* The key as the file writes it; longer text is refused undecoded. */
#define GRANTKEY_TEXT	B64URL_ENCODED_LEN(GRANTKEY_BYTES)

_Static_assert(GRANTKEY_FILE_MAX > (GRANTKEY_MAX + 1) *
    (GRANTKEY_KID_MAX + 1 + GRANTKEY_TEXT + 1), "GRANTKEY_FILE_MAX is small");

ssize_t
grantkey_read(int fd, char buf[GRANTKEY_FILE_MAX + 1])
{
	size_t	 len = 0;
	ssize_t	 n;

	while (len <= GRANTKEY_FILE_MAX) {
		if ((n = read(fd, buf + len, GRANTKEY_FILE_MAX + 1 - len)) ==
		    -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return (ssize_t)len;
		len += (size_t)n;
	}
	errno = EFBIG;
	return -1;
}

int
grantkey_kid_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len > GRANTKEY_KID_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] == '\0' || strchr(GRANTKEY_KID_CHARS, s[i]) == NULL)
			return 0;
	return 1;
}

/* One line without its newline into out[n]; NULL, or what is wrong. */
static const char *
grantkey_line(const char *s, size_t len, struct grantkey *out, size_t n)
{
	unsigned char	 raw[B64URL_DECODED_MAX(GRANTKEY_TEXT + 1)];
	const char	*sp;
	ssize_t		 got = -1;
	size_t		 kidlen, i;

	if (len == 0)
		return "empty line";
	if ((sp = memchr(s, ' ', len)) == NULL)
		return "not \"<kid> <key>\"";
	kidlen = (size_t)(sp - s);
	if (!grantkey_kid_ok(s, kidlen))
		return "the kid must be 1 to 32 characters among "
		    "A-Z a-z 0-9 . _ -";
	for (i = 0; i < n; i++)
		if (strlen(out[i].kid) == kidlen &&
		    memcmp(out[i].kid, s, kidlen) == 0)
			return "the kid of an earlier line";
	if (n == GRANTKEY_MAX)
		return "more than 16 keys";
	if (len - kidlen - 1 <= GRANTKEY_TEXT + 1)
		got = b64url_decode(raw, sizeof(raw), sp + 1, len - kidlen - 1);
	if (got != GRANTKEY_BYTES) {
		OPENSSL_cleanse(raw, sizeof(raw));
		return got == -1 ? "the key is not base64url" :
		    "the key is not 32 bytes";
	}
	memcpy(out[n].kid, s, kidlen);
	out[n].kid[kidlen] = '\0';
	memcpy(out[n].key, raw, GRANTKEY_BYTES);
	OPENSSL_cleanse(raw, sizeof(raw));
	return NULL;
}

int
grantkey_parse(const char *buf, size_t len, struct grantkey *out,
    unsigned int *line, const char **why)
{
	const char	*p = buf, *end = buf + len, *nl;
	size_t		 n = 0, linelen;

	*line = 0;
	*why = NULL;
	while (p < end) {
		(*line)++;
		nl = memchr(p, '\n', (size_t)(end - p));
		linelen = (size_t)((nl != NULL ? nl : end) - p);
		if ((*why = grantkey_line(p, linelen, out, n)) != NULL)
			return -1;
		n++;
		p += linelen + (nl != NULL);
	}
	if (n == 0) {
		*line = 0;
		*why = "no key";
		return -1;
	}
	return (int)n;
}
