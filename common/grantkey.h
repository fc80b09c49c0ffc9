/*
 * The grant key file (DESIGN.md section 5), read by the signer and
 * extended by guisectl: one key a line, "<kid> <key>", the key the
 * base64url of 32 random bytes, the newest last.  One parser for both, so
 * that guisectl never writes a file the signer would refuse.
 */
#ifndef GUISE_GRANTKEY_H
#define GUISE_GRANTKEY_H

#include <stddef.h>
#include <sys/types.h>

#define GRANTKEY_BYTES		32
#define GRANTKEY_KID_MAX	32
#define GRANTKEY_MAX		16	/* keys in the file */
#define GRANTKEY_KID_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
				"abcdefghijklmnopqrstuvwxyz0123456789._-"
/* Sixteen lines at their longest fit, and a seventeenth to be refused. */
#define GRANTKEY_FILE_MAX	4096

struct grantkey {
	char		 kid[GRANTKEY_KID_MAX + 1];
	unsigned char	 key[GRANTKEY_BYTES];
};

/* Whether len bytes at s are a kid: 1 to 32 of GRANTKEY_KID_CHARS. */
int	grantkey_kid_ok(const char *s, size_t len);

/*
 * The whole file open on fd into buf, which holds GRANTKEY_FILE_MAX + 1
 * bytes: its length, or -1 with errno set (EFBIG: larger than
 * GRANTKEY_FILE_MAX, no grant key file).
 */
ssize_t	grantkey_read(int fd, char buf[GRANTKEY_FILE_MAX + 1]);

/*
 * The keys of the file's len bytes into out (GRANTKEY_MAX of them): their
 * number, or -1 with *line the line at fault (0: the whole file) and *why
 * what is wrong.  A last line without its newline is taken; an empty line
 * is not.  The caller cleanses out, whatever the result.
 */
int	grantkey_parse(const char *buf, size_t len, struct grantkey *out,
	    unsigned int *line, const char **why);

#endif
