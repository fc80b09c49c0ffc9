/*
 * The end of the audit log, read before the signer chains from it.  Its
 * last record must chain from the record before it; when it is the file's
 * only record, it must chain from 64 zeros (a chain's first record), or be
 * an audit.rotated that chains from the last record of the newest rotated
 * file, or be vouched for by the anchor (its seq and mac, or the record
 * right after them).  Otherwise its tail was edited or forged, and going on
 * from it would vouch for it: the signer refuses to start (doc/audit.md,
 * "Anchors").  Lines after the last record that are no record are a torn
 * tail, the trace of a crash, which the next record says.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "audit_tail.h"
#include "audit_time.h"
#include "log.h"

#define TAIL_MAX	(64 * 1024)	/* where the last records are looked for */
#define TAIL_SEAL	",\"mac\":\""	/* what a mac covers ends here */

/* The last TAIL_MAX bytes of a file, read backwards a line at a time. */
struct tail_buf {
	char		 b[TAIL_MAX + 1];
	char		*scan;		/* the lines before it are unread */
	int		 whole;		/* it starts at the file's start */
};

/* One line that is a record: a JSON object with a seq and a mac. */
struct tail_rec {
	const char	*line;
	size_t		 body;		/* what the mac covers; 0: unsealed */
	long long	 seq;
	char		 mac[AUDIT_MAC_HEX + 1];
	char		 event[32];
	long long	 time_ms;
};

/* Read the end of fd into t; the file's size, or -1. */
static off_t
tail_load(int fd, struct tail_buf *t)
{
	off_t	 size, from;
	ssize_t	 n;

	if ((size = lseek(fd, 0, SEEK_END)) == -1)
		return -1;
	from = size > TAIL_MAX ? size - TAIL_MAX : 0;
	if ((n = pread(fd, t->b, TAIL_MAX, from)) == -1 ||
	    (off_t)n != size - from)
		return -1;
	t->b[n] = '\0';
	t->scan = t->b + n;
	t->whole = from == 0;
	return size;
}

/* Is line a record?  Then 1, with r filled in. */
static int
tail_record(const char *line, struct tail_rec *r)
{
	json_t		*o, *seq, *mac;
	const char	*event;
	size_t		 len = strlen(line), seal;

	if ((o = json_loads(line, 0, NULL)) == NULL)
		return 0;
	seq = json_object_get(o, "seq");
	mac = json_object_get(o, "mac");
	if (!json_is_integer(seq) || json_integer_value(seq) < 1 ||
	    !json_is_string(mac) || json_string_length(mac) != AUDIT_MAC_HEX) {
		json_decref(o);
		return 0;
	}
	memset(r, 0, sizeof(*r));
	r->line = line;
	r->seq = json_integer_value(seq);
	memcpy(r->mac, json_string_value(mac), AUDIT_MAC_HEX);
	/* The mac must be the line's end, as the signer writes it. */
	seal = sizeof(TAIL_SEAL) - 1 + AUDIT_MAC_HEX + 2;
	if (len > seal && memcmp(line + len - seal, TAIL_SEAL,
	    sizeof(TAIL_SEAL) - 1) == 0 &&
	    memcmp(line + len - 2 - AUDIT_MAC_HEX, r->mac, AUDIT_MAC_HEX) == 0 &&
	    memcmp(line + len - 2, "\"}", 2) == 0)
		r->body = len - seal;
	if ((event = json_string_value(json_object_get(o, "event"))) != NULL)
		snprintf(r->event, sizeof(r->event), "%s", event);
	r->time_ms = audit_time_ms(json_string_value(json_object_get(o, "time")));
	json_decref(o);
	return 1;
}

/*
 * The record before t->scan, the lines between left behind: 1 with r
 * filled in, 0 when there is none in t.  *skipped counts the lines passed
 * over that are no record.
 */
static int
tail_prev(struct tail_buf *t, struct tail_rec *r, int *skipped)
{
	char	*line, *end;

	for (end = t->scan; end > t->b; end = line) {
		while (end > t->b && end[-1] == '\n')
			*--end = '\0';
		line = end;
		while (line > t->b && line[-1] != '\n')
			line--;
		/* A read that starts mid-file may start mid-line. */
		if (line == t->b && !t->whole)
			break;
		if (line < end && tail_record(line, r)) {
			t->scan = line;
			return 1;
		}
		if (line < end)
			(*skipped)++;
	}
	t->scan = t->b;
	return 0;
}

/* Does r chain from prev? */
static int
tail_chains(const struct tail_rec *r, const char *prev)
{
	char	 want[AUDIT_MAC_HEX + 1];

	if (r->body == 0 || audit_mac_chain(prev, r->line, r->body, want) == -1)
		return 0;
	return CRYPTO_memcmp(want, r->mac, AUDIT_MAC_HEX) == 0;
}

int
audit_newest_rotated(const char *path)
{
	struct stat	 st;
	char		 name[PATH_MAX];
	int		 n;

	for (n = 1; n < INT_MAX; n++)
		if ((size_t)snprintf(name, sizeof(name), "%s.%d", path, n) >=
		    sizeof(name) || stat(name, &st) == -1)
			break;
	return n - 1;
}

/*
 * The mac of the last record of the newest rotated file, path.N: 1 with
 * mac set, 0 when there is no rotated file (or no record in its end).
 */
static int
tail_rotated(const char *path, char *mac)
{
	struct tail_buf	*t;
	struct tail_rec	 r;
	char		 name[PATH_MAX];
	int		 n, fd, found = 0, skipped = 0;

	if ((n = audit_newest_rotated(path)) == 0 ||
	    (size_t)snprintf(name, sizeof(name), "%s.%d", path, n) >=
	    sizeof(name))
		return 0;
	if ((fd = open(name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return 0;
	if ((t = malloc(sizeof(*t))) != NULL) {
		found = tail_load(fd, t) != -1 && tail_prev(t, &r, &skipped);
		if (found)
			memcpy(mac, r.mac, AUDIT_MAC_HEX);
		free(t);
	}
	close(fd);
	return found;
}

/* The file's only record: is it vouched for? */
static int
tail_alone(const char *path, const struct tail_rec *r,
    const struct anchor *a)
{
	char	 zeros[AUDIT_MAC_HEX], prev[AUDIT_MAC_HEX];

	memset(zeros, '0', sizeof(zeros));
	if (tail_chains(r, zeros))
		return 1;
	if (strcmp(r->event, "audit.rotated") == 0 &&
	    tail_rotated(path, prev) && tail_chains(r, prev))
		return 1;
	if (a->seq == r->seq && memcmp(a->mac, r->mac, AUDIT_MAC_HEX) == 0)
		return 1;
	return a->seq == r->seq - 1 && tail_chains(r, a->mac);
}

int
audit_tail_read(int fd, const char *path, const struct anchor *a,
    struct audit_tail *end)
{
	struct tail_buf	*t;
	struct tail_rec	 last, before;
	off_t		 size;
	const char	*why;
	int		 skipped = 0, rc = -1;

	memset(end, 0, sizeof(*end));
	memset(end->mac, '0', AUDIT_MAC_HEX);
	if ((t = malloc(sizeof(*t))) == NULL) {
		log_warn("audit: malloc");
		return -1;
	}
	if ((size = tail_load(fd, t)) == -1) {
		log_warn("audit: %s: cannot read its end", path);
		goto done;
	}
	if (size == 0) {
		rc = 0;
		goto done;
	}
	end->torn = t->scan[-1] != '\n';
	if (!tail_prev(t, &last, &skipped)) {
		log_warnx("%s: no record in its last %d bytes", path, TAIL_MAX);
		goto done;
	}
	end->torn |= skipped > 0;
	if (tail_prev(t, &before, &skipped))
		why = tail_chains(&last, before.mac) ? NULL :
		    "the record before it";
	else if (!t->whole)
		why = "a record in the file's last 64 KiB";
	else
		why = tail_alone(path, &last, a) ? NULL : "anything known "
		    "(the file's only record, it is not a chain's first, nor "
		    "the rotated file's next, nor the anchor's)";
	if (why != NULL) {
		log_warnx("audit: %s: the record of seq %lld does not chain "
		    "from %s: the log's end was edited or forged, and the "
		    "signer will not go on from it; guisectl audit verify "
		    "tells more", path, last.seq, why);
		goto done;
	}
	end->seq = last.seq;
	memcpy(end->mac, last.mac, AUDIT_MAC_HEX);
	end->time_ms = last.time_ms;
	rc = 0;
 done:
	free(t);
	return rc;
}
