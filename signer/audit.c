/*
 * The audit chain.  Each line is the record's JSON text up to its last
 * member, then ,"mac":"<hex>"} where the mac is HMAC-SHA256 over the
 * previous mac's hex and that text (doc/audit.md).  The chain state (the
 * last seq and mac on disk) moves only when records are known to be in the
 * file; a commit that fails leaves a note for the next one, which begins
 * with audit.resumed.  Each durable commit is anchored outside the log
 * (anchor.c); a start on a log shorter than its anchor begins with
 * audit.truncated and numbers on after the anchor, so that no seq is used
 * twice; a start on a log with records but no anchor it can trust begins
 * with audit.anchor_lost, since a cut before it could not be seen.
 * Record times never go backwards: while the clock is behind the
 * last record's time, records keep that time, and clock.stepped_back says
 * so once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "anchor.h"
#include "audit.h"
#include "audit_index.h"
#include "audit_mac.h"
#include "audit_tail.h"
#include "jsonw.h"
#include "log.h"
#include "proto.h"

#define MAC_HEX		AUDIT_MAC_HEX
#define QUEUE_MAX	20000		/* two records a request, at most */

/*
 * A record waiting for the next commit: its members, already JSON in the
 * order of doc/audit.md, and its journald line, both in the arena (one
 * buffer for the batch, grown as needed and emptied by each commit).
 */
struct queued {
	char		 time[32];
	size_t		 body, bodylen;
	size_t		 line, linelen;
};

static int		 fd = -1;

/* The chain as it is on disk. */
static long long	 last_seq;
static char		 last_mac[MAC_HEX + 1];

/* A start, or a failed commit, to be told by the next one. */
static int		 resume;
static int		 resume_torn;
static const char	*resume_detail;
/* The anchor's seq, when the log ends before it: audit.truncated. */
static long long	 anchor_seq;
static char		 truncated_detail[128];
/* No anchor to trust beside a log with records: audit.anchor_lost. */
static int		 lost;
static char		 lost_detail[160];

/* The last record's time, in ms, and whether the clock is behind it. */
static long long	 time_ms;
static int		 held;

static struct queued	 queue[QUEUE_MAX];
static size_t		 nqueued;
static char		*arena;
static size_t		 arena_len, arena_size;

/* A record's time; the date and second are formatted once a second. */
static void
format_time(long long t, char out[32])
{
	static time_t	 second = -1;
	static char	 prefix[24];
	static size_t	 n;
	struct tm	 tm;
	time_t		 s = (time_t)(t / 1000);
	unsigned int	 ms = (unsigned int)(t % 1000);

	if (s != second) {
		gmtime_r(&s, &tm);
		n = strftime(prefix, sizeof(prefix), "%Y-%m-%dT%H:%M:%S", &tm);
		second = s;
	}
	memcpy(out, prefix, n);
	out[n] = '.';
	out[n + 1] = (char)('0' + ms / 100);
	out[n + 2] = (char)('0' + ms / 10 % 10);
	out[n + 3] = (char)('0' + ms % 10);
	out[n + 4] = 'Z';
	out[n + 5] = '\0';
}

/*
 * The time of the next record, in ms: the clock's, or the last record's
 * while the clock is behind it.  *behind is how far behind when that is
 * new (a step back), else 0.
 */
static long long
record_time(long long *behind)
{
	struct timespec	 ts;
	long long	 now;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	*behind = 0;
	if (now >= time_ms) {
		time_ms = now;
		held = 0;
	} else if (!held) {
		held = 1;
		*behind = time_ms - now;
	}
	return time_ms;
}

void
audit_rotate(int newfd, const char *prev_file)
{
	struct audit_record	 r = { .event = "audit.rotated",
				    .outcome = "ok" };

	/* What waits belongs to the old file's end. */
	(void)audit_commit();
	close(fd);
	fd = newfd;
	r.prev_file = prev_file;
	audit_queue(&r);
	if (audit_commit() == -1)
		log_warnx("audit: the new file cannot be written");
}

size_t
audit_queued(void)
{
	return nqueued;
}

/* Room for n more bytes in the arena. */
static char *
arena_room(size_t n)
{
	size_t	 size;
	char	*p;

	if (arena_size - arena_len >= n)
		return arena + arena_len;
	size = arena_size ? arena_size : 65536;
	while (size - arena_len < n)
		size *= 2;
	if ((p = realloc(arena, size)) == NULL)
		fatalx("audit: out of memory");
	arena = p;
	arena_size = size;
	return arena + arena_len;
}

static size_t
len_of(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

static void
member(struct jsonw *w, const char *name, const char *value)
{
	if (value != NULL && *value != '\0')
		jw_string(w, name, value);
}

/* The members of r as JSON, in the order of doc/audit.md. */
static size_t
write_members(const struct audit_record *r, char *out, size_t room)
{
	struct jsonw	 w;
	char		*keys = NULL, revoked[PROTO_JTI_MAX * 6 + 8];
	long		 n;

	jw_begin(&w, out, room, 0);
	member(&w, "event", r->event);
	member(&w, "outcome", r->outcome);
	member(&w, "grant", r->grant);
	member(&w, "rule", r->rule);
	member(&w, "impersonator_id", r->impersonator_id);
	member(&w, "user_id", r->user_id);
	member(&w, "client_id", r->client_id);
	member(&w, "caller", r->caller);
	member(&w, "reason", r->reason);
	member(&w, "ip", r->ip);
	member(&w, "user_agent", r->user_agent);
	member(&w, "jti", r->jti);
	member(&w, "sid", r->sid);
	member(&w, "cause", r->cause);
	member(&w, "ended_by", r->ended_by);
	member(&w, "approval_id", r->approval_id);
	member(&w, "approver_id", r->approver_id);
	member(&w, "link_hash", r->link_hash);
	member(&w, "code_hash", r->code_hash);
	member(&w, "login_hash", r->login_hash);
	member(&w, "grant_id", r->grant_id);
	if (r->grant_id != NULL && r->grant_exp > 0)
		jw_integer(&w, "grant_exp", r->grant_exp);
	if (r->revoked != NULL && *r->revoked != '\0') {
		if (jw_array1(revoked, sizeof(revoked), r->revoked) == -1)
			fatalx("audit: a revoked jti is too long");
		jw_json(&w, "revoked", revoked);
	}
	member(&w, "kid", r->kid);
	if (r->keys != NULL) {
		if ((keys = json_dumps(r->keys, JSON_COMPACT)) == NULL)
			fatalx("audit: out of memory");
		jw_json(&w, "keys", keys);
		free(keys);
	}
	if (r->resumed) {
		jw_integer(&w, "last_seq", r->last_seq);
		if (r->anchor_seq > 0)
			jw_integer(&w, "anchor_seq", r->anchor_seq);
		jw_json(&w, "torn", r->torn ? "true" : "false");
	}
	member(&w, "prev_file", r->prev_file);
	if (r->count > 0)
		jw_integer(&w, "count", r->count);
	member(&w, "source", r->source);
	member(&w, "detail", r->detail);
	if ((n = jw_end(&w, 0)) == -1)
		fatalx("audit: a record does not fit");
	return (size_t)n;
}

/* Append s at *len in out of room bytes, cut to fit. */
static void
put_text(char *out, size_t room, size_t *len, const char *s)
{
	size_t	 n = strlen(s);

	if (n > room - *len)
		n = room - *len;
	memcpy(out + *len, s, n);
	*len += n;
}

/*
 * Append s at *len in out of room bytes, a byte outside 0x21..0x7e and
 * '=', '"' and '\\' as \xHH: no value can make " name=value" in a journald
 * line (doc/audit.md).  Cut to fit, between two bytes of s.
 */
static void
put_value(char *out, size_t room, size_t *len, const char *s)
{
	static const char	 digits[] = "0123456789abcdef";
	unsigned char		 c;

	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (c > 0x20 && c < 0x7f && c != '=' && c != '"' && c != '\\') {
			if (*len == room)
				return;
			out[(*len)++] = (char)c;
			continue;
		}
		if (room - *len < 4)
			return;
		out[(*len)++] = '\\';
		out[(*len)++] = 'x';
		out[(*len)++] = digits[c >> 4];
		out[(*len)++] = digits[c & 15];
	}
}

/* The record as one line for journald, "audit: event=...": names, never
 * secrets (the records hold none).  Cut at room. */
static size_t
write_journal_line(const struct audit_record *r, char *out, size_t room)
{
	const struct {
		const char	*name;
		const char	*value;
	} f[] = {
		{ "event", r->event }, { "outcome", r->outcome },
		{ "grant", r->grant }, { "rule", r->rule },
		{ "impersonator_id", r->impersonator_id },
		{ "user_id", r->user_id }, { "client_id", r->client_id },
		{ "caller", r->caller }, { "jti", r->jti },
		{ "sid", r->sid }, { "cause", r->cause },
		{ "approval_id", r->approval_id },
		{ "approver_id", r->approver_id },
		{ "source", r->source },
	};
	size_t	 i, len = 0;

	put_text(out, room, &len, "audit:");
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (f[i].value == NULL || *f[i].value == '\0')
			continue;
		put_text(out, room, &len, " ");
		put_text(out, room, &len, f[i].name);
		put_text(out, room, &len, "=");
		put_value(out, room, &len, f[i].value);
	}
	return len;
}

#define JOURNAL_LINE_MAX	768

/* Queue r with the time t (ms). */
static void
queue_at(const struct audit_record *r, long long t)
{
	struct queued	*q;
	size_t		 room;

	if (nqueued == QUEUE_MAX)
		fatalx("audit: more than %d records in one batch", QUEUE_MAX);
	q = &queue[nqueued];
	format_time(t, q->time);
	/* Escaped, a byte takes at most 6 ("\u00XX"); names and commas. */
	room = 6 * (len_of(r->event) + len_of(r->outcome) + len_of(r->grant) +
	    len_of(r->rule) + len_of(r->impersonator_id) + len_of(r->user_id) +
	    len_of(r->client_id) + len_of(r->caller) + len_of(r->reason) +
	    len_of(r->ip) + len_of(r->user_agent) + len_of(r->jti) +
	    len_of(r->sid) + len_of(r->cause) + len_of(r->ended_by) +
	    len_of(r->approval_id) + len_of(r->approver_id) +
	    len_of(r->link_hash) + len_of(r->code_hash) + len_of(r->login_hash) +
	    len_of(r->grant_id) +
	    len_of(r->revoked) + len_of(r->kid) + len_of(r->detail) +
	    len_of(r->prev_file) + len_of(r->source)) + 512 +
	    (r->keys != NULL ? PROTO_JWKS_MAX : 0);
	q->body = arena_len;
	q->bodylen = write_members(r, arena_room(room), room);
	arena_len += q->bodylen;
	q->line = arena_len;
	q->linelen = r->no_journal ? 0 : write_journal_line(r,
	    arena_room(JOURNAL_LINE_MAX), JOURNAL_LINE_MAX);
	arena_len += q->linelen;
	nqueued++;
}

void
audit_queue(const struct audit_record *r)
{
	struct audit_record	 stepped = { .event = "clock.stepped_back",
				    .outcome = "recorded" };
	char			 detail[160], held_at[32];
	long long		 t, behind;

	t = record_time(&behind);
	if (behind > 0) {
		format_time(t, held_at);
		snprintf(detail, sizeof(detail), "the clock is %lld ms behind "
		    "the last record's time: records keep %s until it passes "
		    "it", behind, held_at);
		stepped.detail = detail;
		queue_at(&stepped, t);
	}
	queue_at(r, t);
}

/*
 * Record q as line seq at out, chained from prev: {"seq":..,"time":..,
 * its members, then ,"mac":"..."} and a newline; the mac covers all before
 * it.  out has room for q's members and SEAL_EXTRA.  Returns the length.
 */
#define SEAL_EXTRA	(64 + 32 + MAC_HEX + 16)
#define MAC_OPEN	",\"mac\":\""
#define MAC_CLOSE	"\"}\n"

static size_t
seal(long long seq, const struct queued *q, const char *prev, char *out,
    char mac[MAC_HEX + 1])
{
	struct jsonw	 w;
	long		 n;
	size_t		 len;

	jw_begin(&w, out, SEAL_EXTRA, 1);
	jw_integer(&w, "seq", seq);
	jw_string(&w, "time", q->time);
	if ((n = jw_end(&w, 0)) == -1)
		fatalx("audit: a record's seal does not fit");
	len = (size_t)n;
	if (q->bodylen > 0) {
		out[len++] = ',';
		memcpy(out + len, arena + q->body, q->bodylen);
		len += q->bodylen;
	}
	if (audit_mac_chain(prev, out, len, mac) == -1)
		fatalx("audit: HMAC failed");
	memcpy(out + len, MAC_OPEN, sizeof(MAC_OPEN) - 1);
	len += sizeof(MAC_OPEN) - 1;
	memcpy(out + len, mac, MAC_HEX);
	len += MAC_HEX;
	memcpy(out + len, MAC_CLOSE, sizeof(MAC_CLOSE) - 1);
	return len + sizeof(MAC_CLOSE) - 1;
}

/* Write all of buf; returns how much was written before an error. */
static size_t
write_all(const char *buf, size_t len, int *err)
{
	size_t	 off = 0;
	ssize_t	 n;

	*err = 0;
	while (off < len) {
		if ((n = write(fd, buf + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			*err = errno;
			break;
		}
		off += (size_t)n;
	}
	return off;
}

struct sealed {
	size_t		 end;		/* offset of its end in the batch */
	long long	 seq;
	char		 mac[MAC_HEX + 1];
};

static void
queue_resumed(void)
{
	struct audit_record	 r = { .event = "audit.resumed",
				    .outcome = "ok", .detail = resume_detail,
				    .resumed = 1, .last_seq = last_seq,
				    .torn = resume_torn };
	struct queued		 tmp;
	size_t			 i;

	if (anchor_seq > last_seq) {
		r.event = "audit.truncated";
		r.outcome = "detected";
		r.anchor_seq = anchor_seq;
		r.detail = truncated_detail;
	} else if (lost) {
		r.event = "audit.anchor_lost";
		r.outcome = "detected";
		r.detail = lost_detail;
	}
	/* It goes first: shift the queue by one. */
	if (nqueued == QUEUE_MAX)
		fatalx("audit: queue full");
	queue_at(&r, time_ms);
	tmp = queue[nqueued - 1];
	/* Not memmove: valgrind takes the fortified one for a memcpy. */
	for (i = nqueued - 1; i > 0; i--)
		queue[i] = queue[i - 1];
	queue[0] = tmp;
	/* Its time is the first waiting record's, so time never goes back. */
	if (nqueued > 1)
		memcpy(queue[0].time, queue[1].time, sizeof(queue[0].time));
}

/*
 * The commit written and waiting for its fdatasync: what audit_synced needs
 * to settle it.  One at a time: the next is written only once this one is
 * settled, so that it chains from what is really on disk.
 */
static struct {
	struct sealed	 sealed[QUEUE_MAX + 1];
	size_t		 n;
	size_t		 written;
	size_t		 off0;		/* 1 when a torn line was ended first */
	int		 err;		/* of the write */
	struct logbatch	 journal;	/* its journald lines, sent if durable */
	int		 told;		/* it has a record journald is told of */
} pending;

int
audit_write(void)
{
	struct sealed	*sealed = pending.sealed;
	char		*batch, prev[MAC_HEX + 1];
	size_t		 len = 0, i;
	long long	 seq;

	if (nqueued == 0)
		return 0;
	if (resume)
		queue_resumed();
	for (i = 0; i < nqueued; i++)
		len += queue[i].bodylen + SEAL_EXTRA;
	if ((batch = malloc(len + 1)) == NULL)
		fatalx("audit: out of memory");
	/* A torn line is ended first, so that the next record is whole. */
	len = 0;
	pending.off0 = resume && resume_torn ? 1 : 0;
	if (pending.off0)
		batch[len++] = '\n';
	memcpy(prev, last_mac, sizeof(prev));
	/* After a cut, on from the anchor: no seq is used twice. */
	seq = anchor_seq > last_seq ? anchor_seq : last_seq;
	for (i = 0; i < nqueued; i++) {
		sealed[i].seq = ++seq;
		len += seal(seq, &queue[i], prev, batch + len, sealed[i].mac);
		memcpy(prev, sealed[i].mac, sizeof(prev));
		sealed[i].end = len - pending.off0;
	}
	pending.n = nqueued;
	pending.written = write_all(batch, len, &pending.err);
	audit_index_add(batch, pending.written);	/* its whole lines */
	free(batch);

	/* The queue is free for the next batch from here on. */
	pending.journal.len = 0;
	pending.told = 0;
	for (i = 0; i < nqueued; i++)
		if (queue[i].linelen > 0) {
			logbatch_add(&pending.journal, arena + queue[i].line,
			    queue[i].linelen);
			pending.told = 1;
		}
	nqueued = 0;
	arena_len = 0;
	if (pending.err != 0)
		return audit_synced(pending.err);
	return 1;
}

int
audit_synced(int err)
{
	struct sealed	*sealed = pending.sealed;
	size_t		 i, good = 0, boundary;
	int		 rc = 0;

	if (err == 0)
		err = pending.err;
	/*
	 * Whatever was written whole is in the file, durable or not: the
	 * chain goes on from its last record.
	 */
	for (i = 0; i < pending.n; i++)
		if (sealed[i].end + pending.off0 <= pending.written)
			good = i + 1;
	if (good > 0) {
		last_seq = sealed[good - 1].seq;
		memcpy(last_mac, sealed[good - 1].mac, sizeof(last_mac));
		lost = 0;	/* it went first, and is written */
	}
	if (err != 0) {
		log_warnx("audit: cannot write the log: %s: refusing what "
		    "it would cover", strerror(err));
		boundary = (good > 0 ? sealed[good - 1].end : 0) +
		    pending.off0;
		if (pending.written > 0)
			resume_torn = pending.written > boundary;
		resume = 1;
		resume_detail = "the audit log could not be written: what the "
		    "records after last_seq covered was withheld";
		pending.journal.len = 0;
		rc = -1;
	} else {
		resume = 0;
		anchor_commit(last_seq, last_mac, pending.told,
		    &pending.journal);
		logbatch_flush(&pending.journal);
	}
	pending.n = 0;
	return rc;
}

int
audit_commit(void)
{
	int	 rc;

	if ((rc = audit_write()) != 1)
		return rc;
	return audit_synced(fdatasync(fd) == -1 ? errno : 0);
}

int
audit_fd(void)
{
	return fd;
}

/*
 * The start's note: the log ends before its anchor, so records were cut.
 * Numbering goes on after the anchor, and audit.truncated says so.
 */
static void
note_truncated(const char *path, const struct audit_tail *end,
    const struct anchor *a)
{
	long long	 cut = a->seq - end->seq;

	anchor_seq = a->seq;
	resume = 1;
	snprintf(truncated_detail, sizeof(truncated_detail), "the log ends at "
	    "seq %lld, its anchor is at seq %lld: %lld record%s cut",
	    end->seq, a->seq, cut, cut == 1 ? " was" : "s were");
	log_warnx("audit: %s ends at seq %lld but its anchor says seq %lld: "
	    "%lld record%s cut from its end; audit.truncated (seq %lld) says "
	    "so", path, end->seq, a->seq, cut, cut == 1 ? " was" : "s were",
	    a->seq + 1);
}

/*
 * The start's note: the log holds records, but the anchor file holds no
 * anchor to trust (emptied, deleted and made again by the parent,
 * overwritten), so a cut of the log before this start could not be seen.
 * The chain goes on from the last record there, and audit.anchor_lost
 * says so in place of audit.resumed.
 */
static void
note_lost(const char *path, const struct audit_tail *end,
    enum anchor_found found)
{
	static const char	*why[] = {
		[ANCHOR_EMPTY] = "emptied, deleted, or never written",
		[ANCHOR_DAMAGED] = "not one line of 256 bytes",
		[ANCHOR_FORGED] = "its tag is not the audit key's",
	};
	static const char	*what[] = {
		[ANCHOR_EMPTY] = "empty",
		[ANCHOR_DAMAGED] = "damaged",
		[ANCHOR_FORGED] = "forged",
	};

	/* A signer not started by guised was handed none to lose. */
	if (found == ANCHOR_TRUSTED || found == ANCHOR_NO_FILE)
		return;
	resume = 1;
	lost = 1;
	snprintf(lost_detail, sizeof(lost_detail), "%s anchor file (%s): a "
	    "cut of the log before this start could not be seen",
	    what[found], why[found]);
	log_warnx("audit: %s ends at seq %lld but its anchor file is %s: a "
	    "cut of the log before this start could not be seen; "
	    "audit.anchor_lost (seq %lld) says so", path, end->seq,
	    what[found], end->seq + 1);
}

int
audit_open(const struct config *conf, const unsigned char *key,
    size_t keylen, json_t *keys, int anchor_fd)
{
	struct audit_record	 started = { .event = "service.started",
				    .outcome = "ok" };
	struct audit_record	 signer = { .event = "signer.started",
				    .outcome = "ok", .keys = keys };
	struct audit_tail	 end;
	struct anchor		 a;
	enum anchor_found	 found;
	char			 warm[32];

	if ((fd = open(conf->audit_path, O_RDWR | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0600)) == -1) {
		log_warn("%s", conf->audit_path);
		return -1;
	}
	if (audit_mac_init(key, keylen) == -1)
		return -1;
	found = anchor_open(anchor_fd, &a);
	if (audit_tail_read(fd, conf->audit_path, &a, &end) == -1)
		return -1;
	last_seq = end.seq;
	memcpy(last_mac, end.mac, sizeof(last_mac));
	time_ms = end.time_ms;
	if (end.seq > 0) {
		resume = 1;
		resume_torn = end.torn;
		resume_detail = end.torn ? "the last record was torn" : NULL;
	}
	if (a.seq > end.seq)
		note_truncated(conf->audit_path, &end, &a);
	else if (end.seq > 0)
		note_lost(conf->audit_path, &end, found);
	format_time(0, warm);	/* gmtime_r's set-up, before the sandbox */
	audit_queue(&started);
	audit_queue(&signer);
	return 0;
}
