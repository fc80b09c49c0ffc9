/*
 * The redeemed grant ids, rebuilt when the signer starts from the audit
 * log: each record of the last CONFIG_TTL_MAX seconds (longer with
 * approvals, which live approval.ttl: config_approval_window) that names a
 * "grant_id" redeemed that grant, which expires at most that long after
 * the record (a grant expires at most a ttl after it is issued, and is
 * redeemed before it expires), so it stays redeemed until the record's
 * time plus the window.  The cap, not today's link_ttl and code_ttl: a
 * grant sealed before a reload that shortened them lives as it was
 * sealed; with four-eyes approval in the policy, a day more (an
 * approval's grants live that long).  Without this a signer killed with a
 * malformed frame would come back having forgotten every redemption.
 *
 * The log is read backwards from its end, a chunk at a time, and only as
 * far as the first record older than the window: record times never go
 * backwards (doc/audit.md, "Times"), so no record before it is younger.
 * A file read to its start without a record older than the window goes on
 * in the newest rotated file before it, and so on, whatever its first
 * record is (a signer killed between the parent's rotation and its
 * audit.rotated begins the new file with its own start's records).  Only lines that hold
 * "grant_id" are parsed as JSON; the time of the others is read from the
 * start every record has, {"seq":N,"time":"YYYY-MM-DDTHH:MM:SS.mmmZ", and
 * compared with the window's start as text (the format sorts as time).
 * The same pass hands every record of the window to the index of the
 * impersonation records (audit_index.h), newest first, so that the
 * console's audit trail survives a restart without a second reading.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "audit_index.h"
#include "audit_tail.h"
#include "audit_time.h"
#include "log.h"
#include "redeemed.h"

#define CHUNK		(64 * 1024)
/*
 * No line the signer writes is longer: a request's fields come in a frame
 * of at most 64 KiB and take six bytes each escaped at most, and the
 * longest record of its own, signer.started, holds a summary of the keys.
 * A longer line is no record, and is passed over.
 */
#define RECORD_MAX	(1024 * 1024)

#define SEQ_OPEN	"{\"seq\":"
#define TIME_OPEN	",\"time\":\""
#define TIME_SHAPE	"dddd-dd-ddTdd:dd:dd.dddZ"
#define GRANT_ID	"\"grant_id\""

/* A file read backwards, a line at a time. */
struct back {
	int		 fd;
	off_t		 pos;		/* the bytes before it are unread */
	char		*buf;		/* RECORD_MAX + CHUNK bytes */
	size_t		 len;		/* the unread end of buf */
	int		 skip;		/* in a line longer than RECORD_MAX */
};

/* What the rebuild looks for, and what it found. */
struct rebuild {
	char		 cutoff[AUDIT_TIME_LEN + 1];	/* the window's start */
	long long	 window;	/* seconds */
	long long	 code_ttl;	/* a code's id is kept that long */
	long long	 now;		/* seconds */
	size_t		 marked;
	size_t		 bad;		/* lines with "grant_id" but no id */
	size_t		 long_lines;
	long long	 read;		/* bytes */
	int		 files;
	int		 full;
};

/* Read the chunk before b->pos in front of the unread end.  0, or -1. */
static int
back_fill(struct back *b, struct rebuild *rb)
{
	size_t	 n = b->pos > CHUNK ? CHUNK : (size_t)b->pos, off = 0;
	ssize_t	 got;

	memmove(b->buf + n, b->buf, b->len);
	while (off < n) {
		got = pread(b->fd, b->buf + off, n - off,
		    b->pos - (off_t)n + (off_t)off);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got == 0)
				errno = EIO;	/* it was cut as it was read */
			return -1;
		}
		off += (size_t)got;
	}
	b->pos -= (off_t)n;
	b->len += n;
	rb->read += (long long)n;
	return 0;
}

/*
 * The line before the unread end, without its newline: 1 with *line and
 * *len set, 0 at the file's start, -1 when the file cannot be read.
 */
static int
back_line(struct back *b, struct rebuild *rb, char **line, size_t *len)
{
	char	*nl;

	for (;;) {
		if ((nl = memrchr(b->buf, '\n', b->len)) != NULL) {
			*line = nl + 1;
			*len = b->len - (size_t)(*line - b->buf);
			b->len = (size_t)(nl - b->buf);
			if (b->skip) {
				b->skip = 0;
				continue;
			}
			return 1;
		}
		if (b->pos == 0) {
			*line = b->buf;
			*len = b->len;
			b->len = 0;
			if (*len == 0 || b->skip)
				return 0;
			return 1;
		}
		if (b->len > RECORD_MAX) {
			b->len = 0;
			b->skip = 1;
			rb->long_lines++;
		}
		if (back_fill(b, rb) == -1)
			return -1;
	}
}

/*
 * The time at the start of a record's line, as the signer writes it:
 * {"seq":N,"time":"YYYY-MM-DDTHH:MM:SS.mmmZ".  NULL: the line is no record.
 */
static const char *
line_time(const char *line, size_t len)
{
	size_t	 i = sizeof(SEQ_OPEN) - 1, digits, k;

	if (len < i || memcmp(line, SEQ_OPEN, i) != 0)
		return NULL;
	for (digits = 0; i < len && digits < 20 && line[i] >= '0' &&
	    line[i] <= '9'; i++)
		digits++;
	if (digits == 0 || len - i < sizeof(TIME_OPEN) - 1 + AUDIT_TIME_LEN +
	    1 || memcmp(line + i, TIME_OPEN, sizeof(TIME_OPEN) - 1) != 0)
		return NULL;
	line += i + sizeof(TIME_OPEN) - 1;
	for (k = 0; k < AUDIT_TIME_LEN; k++)
		if (TIME_SHAPE[k] == 'd' ? line[k] < '0' || line[k] > '9' :
		    line[k] != TIME_SHAPE[k])
			return NULL;
	return line[AUDIT_TIME_LEN] == '"' ? line : NULL;
}

/* 64 hex digits as 32 bytes.  0, or -1. */
static int
unhex(const char *s, size_t len, unsigned char *out)
{
	size_t	 i;
	int	 v, c;

	if (len != 2 * REDEEMED_ID_LEN)
		return -1;
	for (i = 0; i < len; i++) {
		c = s[i];
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (unsigned char)(v << 4);
		else
			out[i / 2] |= (unsigned char)v;
	}
	return 0;
}

/*
 * The grant a record with "grant_id" redeemed, marked until its
 * "grant_exp" (no longer valid after it; a code's until its record's time
 * plus code_ttl too, as the running signer keeps it, so that a replay can
 * still be recorded), or without one (an older record) until the record's
 * time plus the window.  0, or -1 when the set is full.
 */
static int
mark(struct rebuild *rb, const char *line, size_t len)
{
	json_t		*o, *id, *gexp;
	unsigned char	 bin[REDEEMED_ID_LEN];
	long long	 ms, t, exp;
	int		 rc = 0;

	if ((o = json_loadb(line, len, 0, NULL)) == NULL) {
		rb->bad++;	/* a torn last line, say */
		return 0;
	}
	id = json_object_get(o, "grant_id");
	if (!json_is_string(id) || unhex(json_string_value(id),
	    json_string_length(id), bin) == -1) {
		rb->bad++;
		goto done;
	}
	ms = audit_time_ms(json_string_value(json_object_get(o, "time")));
	t = ms > 0 ? (ms + 999) / 1000 : rb->now;
	gexp = json_object_get(o, "grant_exp");
	if (json_is_integer(gexp) && json_integer_value(gexp) > 0) {
		exp = json_integer_value(gexp);
		if (exp < t + rb->code_ttl)
			exp = t + rb->code_ttl;
	} else
		exp = t + rb->window;
	if (exp < rb->now)
		goto done;	/* no longer valid: nothing to keep */
	switch (redeemed_take(bin, exp, rb->now)) {
	case -1:
		/* Every grant it misses expired by then. */
		redeemed_refuse_until(exp);
		rb->full = 1;
		rc = -1;
		break;
	case 0:
		rb->marked++;
		break;
	}
 done:
	json_decref(o);
	return rc;
}

/*
 * Mark the grants of path's records in the window, from its end.  1: it
 * was read to its start without a record older than the window (or, the
 * current file, is missing): the file before it may hold records of the
 * window, whatever this one's first record is (a signer that died between
 * the parent's rename and its audit.rotated starts the new file with
 * service.started, and a second restart must still look back).  0: a
 * record older than the window was reached, or the set is full.  -1 when
 * the file cannot be read.
 */
static int
rebuild_file(struct rebuild *rb, struct back *b, const char *path,
    int rotated_file)
{
	struct stat	 st;
	const char	*t;
	char		*line;
	size_t		 len;
	int		 rc;

	if ((b->fd = open(path, O_RDONLY | O_CLOEXEC |
	    (rotated_file ? O_NOFOLLOW : 0))) == -1) {
		if (errno == ENOENT)
			return rotated_file ? 0 : 1;
		log_warn("redeemed: %s", path);
		return -1;
	}
	rb->files++;
	b->len = 0;
	b->skip = 0;
	if (fstat(b->fd, &st) == -1) {
		rc = -1;
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		log_warnx("redeemed: %s: not a file", path);
		close(b->fd);
		return -1;
	}
	b->pos = st.st_size;
	while ((rc = back_line(b, rb, &line, &len)) == 1) {
		if ((t = line_time(line, len)) == NULL)
			continue;
		if (memcmp(t, rb->cutoff, AUDIT_TIME_LEN) < 0)
			break;
		audit_index_add_older(line, len);
		if (memmem(line, len, GRANT_ID, sizeof(GRANT_ID) - 1) !=
		    NULL && mark(rb, line, len) == -1)
			break;
	}
	if (rc == 0)
		rc = 1;		/* its start, all of it in the window */
	else if (rc == 1)
		rc = 0;		/* a record before the window, or full */
 done:
	if (rc == -1)
		log_warn("redeemed: %s: cannot read it", path);
	close(b->fd);
	return rc;
}

/* The window's start, now - window, as a record's time. */
static void
window_start(struct rebuild *rb)
{
	struct timespec	 ts;
	struct tm	 tm;
	long long	 ms;
	time_t		 s;
	size_t		 n;

	clock_gettime(CLOCK_REALTIME, &ts);
	rb->now = (long long)ts.tv_sec;
	ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 -
	    rb->window * 1000;
	s = (time_t)(ms / 1000);
	gmtime_r(&s, &tm);
	n = strftime(rb->cutoff, sizeof(rb->cutoff), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(rb->cutoff + n, sizeof(rb->cutoff) - n, ".%03dZ",
	    (int)(ms % 1000));
}

int
redeemed_rebuild(const struct config *conf)
{
	struct rebuild	 rb;
	struct back	 b;
	char		 name[PATH_MAX];
	const char	*path = conf->audit_path;
	int		 n, rc;

	memset(&rb, 0, sizeof(rb));
	/*
	 * As far back as a grant still honoured may have been redeemed.  With
	 * four-eyes approval, an approval's grants live approval.ttl and a
	 * decision or a link keeps their id CONFIG_APPROVAL_EXPIRE_WINDOW past
	 * that (approval.c): read less and a restart lets an approval be
	 * decided or linked again.  Today's ttl, not the cap: reading a day of
	 * log at every start is too dear (README, Decisions).
	 */
	rb.window = CONFIG_TTL_MAX;
	if (config_approval_window(conf) > rb.window)
		rb.window = config_approval_window(conf);
	rb.code_ttl = conf->code_ttl;
	window_start(&rb);
	if (redeemed_init() == -1)
		return -1;
	memset(&b, 0, sizeof(b));
	if ((b.buf = malloc(RECORD_MAX + CHUNK)) == NULL) {
		log_warn("redeemed: malloc");
		return -1;
	}
	n = audit_newest_rotated(conf->audit_path);
	while ((rc = rebuild_file(&rb, &b, path, path != conf->audit_path)) ==
	    1 && n > 0) {
		if ((size_t)snprintf(name, sizeof(name), "%s.%d",
		    conf->audit_path, n--) >= sizeof(name))
			break;
		path = name;
	}
	free(b.buf);
	if (rc == -1)
		return -1;
	if (rb.bad > 0)
		log_warnx("redeemed: %zu line%s naming a grant_id but no "
		    "record or no id (a torn last line?)", rb.bad,
		    rb.bad == 1 ? "" : "s");
	if (rb.long_lines > 0)
		log_warnx("redeemed: %zu line%s longer than %d bytes passed "
		    "over: no record of the signer's", rb.long_lines,
		    rb.long_lines == 1 ? "" : "s", RECORD_MAX);
	if (rb.full)
		log_warnx("redeemed: more grants were redeemed in the last "
		    "%lld s than the %d the set holds: every redemption is "
		    "refused for up to %lld s", rb.window, REDEEMED_MAX,
		    rb.window);
	log_info("redeemed: %zu grant%s redeemed in the last %lld s, from "
	    "%d file%s (%lld KiB read)", rb.marked, rb.marked == 1 ? "" : "s",
	    rb.window, rb.files, rb.files == 1 ? "" : "s", rb.read / 1024);
	return 0;
}
