/*
 * The anchor file, <audit.path>.anchor: the seq and mac of the last record
 * the signer committed, tagged with the audit key (doc/audit.md, "Anchors:
 * a cut tail is seen").  One line of exactly ANCHOR_LEN bytes,
 *
 *	{"seq":N,"mac":"M","tag":"T"}, spaces, a newline
 *
 * read whole, never more than one byte past it; anything else is damaged.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "audit_anchor.h"
#include "log.h"

#define ANCHOR_LEN	256		/* with its newline */

/* The literal lit at b[*i]: 0 and past it, or -1. */
static int
anchor_lit(const char *b, size_t len, size_t *i, const char *lit)
{
	size_t	 n = strlen(lit);

	if (len - *i < n || memcmp(b + *i, lit, n) != 0)
		return -1;
	*i += n;
	return 0;
}

/* 64 hex digits at b[*i]: 0 and past them, or -1. */
static int
anchor_hex(const char *b, size_t len, size_t *i, const char **hex)
{
	if (len - *i < AUDIT_MAC_HEX || !audit_is_hex(b + *i, AUDIT_MAC_HEX))
		return -1;
	*hex = b + *i;
	*i += AUDIT_MAC_HEX;
	return 0;
}

/* The shape of the line; 0 with c and tag set, or -1. */
static int
anchor_parse(const char *b, size_t len, struct audit_commit *c,
    const char **tag)
{
	const char	*mac;
	size_t		 i = 0, d;

	if (len != ANCHOR_LEN || b[len - 1] != '\n')
		return -1;
	len--;
	if (anchor_lit(b, len, &i, "{\"seq\":") == -1 ||
	    (d = audit_read_seq(b + i, len - i, &c->seq)) == 0)
		return -1;
	i += d;
	if (anchor_lit(b, len, &i, ",\"mac\":\"") == -1 ||
	    anchor_hex(b, len, &i, &mac) == -1 ||
	    anchor_lit(b, len, &i, "\",\"tag\":\"") == -1 ||
	    anchor_hex(b, len, &i, tag) == -1 ||
	    anchor_lit(b, len, &i, "\"}") == -1)
		return -1;
	for (; i < len; i++)
		if (b[i] != ' ')
			return -1;
	memcpy(c->mac, mac, AUDIT_MAC_HEX);
	return 0;
}

/* Up to ANCHOR_LEN + 1 bytes of fd into b; their count, or -1 (logged). */
static ssize_t
anchor_slurp(int fd, const char *path, char b[ANCHOR_LEN + 1])
{
	size_t	 len = 0;
	ssize_t	 n;

	while (len < ANCHOR_LEN + 1) {
		if ((n = read(fd, b + len, ANCHOR_LEN + 1 - len)) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("%s", path);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

int
audit_anchor_read(const char *path, const struct audit_key *key,
    enum audit_anchor *st, struct audit_commit *c)
{
	struct stat	 sb;
	char		 b[ANCHOR_LEN + 1];
	const char	*tag;
	ssize_t		 len;
	int		 fd, ok;

	memset(c, 0, sizeof(*c));
	*st = AUDIT_ANCHOR_NONE;
	/* Non-blocking: a FIFO put in its place must not hang verify. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) == -1) {
		if (errno == ENOENT)
			return 0;
		log_warn("%s", path);
		return -1;
	}
	if (fstat(fd, &sb) == -1) {
		log_warn("%s", path);
		(void)close(fd);
		return -1;
	}
	len = S_ISREG(sb.st_mode) ? anchor_slurp(fd, path, b) : 1;
	(void)close(fd);
	if (len == -1)
		return -1;
	if (len == 0) {
		*st = AUDIT_ANCHOR_EMPTY;
		return 0;
	}
	if (!S_ISREG(sb.st_mode) || anchor_parse(b, (size_t)len, c,
	    &tag) == -1) {
		*st = AUDIT_ANCHOR_DAMAGED;
		return 0;
	}
	if ((ok = audit_key_commit_ok(key, c, tag)) == -1)
		return -1;
	*st = ok ? AUDIT_ANCHOR_OK : AUDIT_ANCHOR_FORGED;
	return 0;
}
