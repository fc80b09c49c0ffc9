/*
 * The bounded index of the recent impersonation records (audit_index.h).
 * Lines are told apart cheaply before any is parsed: the event is the
 * third member of every record, {"seq":N,"time":"...","event":"..."
 * (doc/audit.md), so a token's line costs a search of its first bytes,
 * and only the few lines of the events indexed are parsed with jansson.
 */
#include <stddef.h>
#include <string.h>

#include <jansson.h>

#include "audit_index.h"
#include "audit_time.h"
#include "jsonw.h"
#include "proto.h"

/* Whatever the caller's buffer, the answer fits in a reply frame. */
_Static_assert(AUDIT_INDEX_OUT_MAX <= PROTO_FRAME_MAX - PROTO_HEADER_LEN - 2,
    "the audit trail must fit in one string field of a frame");

#define IMPERSONATION	"impersonation."
#define EVENT_OPEN	",\"event\":\""
/* {"seq": 20 digits ,"time":" 24 "  then ,"event":" */
#define EVENT_WITHIN	(7 + 20 + 9 + AUDIT_TIME_LEN + 1 + 10)

#define HEAD		"{\"records\":["
#define TAIL_TRUE	"],\"truncated\":true}"
#define TAIL_FALSE	"],\"truncated\":false}"

struct entry {
	long long	 seq;
	long long	 time_s;
	char		 time[AUDIT_TIME_LEN + 1];
	char		 event[PROTO_EVENT_MAX + 1];
	char		 outcome[PROTO_EVENT_MAX + 1];
	char		 impersonator_id[PROTO_USER_ID_MAX + 1];
	char		 user_id[PROTO_USER_ID_MAX + 1];
	char		 client_id[PROTO_CLIENT_ID_MAX + 1];
	char		 reason[PROTO_REASON_MAX + 1];
	char		 rule[PROTO_EVENT_MAX + 1];
	char		 ip[PROTO_IP_MAX + 1];
};

/* The string members, in the order of the answer: read and written once. */
#define FIELD(name)	{ #name, offsetof(struct entry, name), \
			    sizeof(((struct entry *)0)->name) }
static const struct field {
	const char	*name;
	size_t		 off;
	size_t		 size;
} fields[] = {
	FIELD(event), FIELD(outcome), FIELD(impersonator_id), FIELD(user_id),
	FIELD(client_id), FIELD(reason), FIELD(rule), FIELD(ip),
};
#define NFIELDS		(sizeof(fields) / sizeof(fields[0]))

static struct entry	 ring[AUDIT_INDEX_MAX];
static size_t		 next;		/* where the newest goes */
static size_t		 count;

/* Is the event of len bytes at s one the index keeps? */
static int
indexed_event(const char *s, size_t len)
{
	return (len > sizeof(IMPERSONATION) - 1 &&
	    memcmp(s, IMPERSONATION, sizeof(IMPERSONATION) - 1) == 0) ||
	    (len == 14 && memcmp(s, "console.signin", 14) == 0) ||
	    (len == 15 && memcmp(s, "console.signout", 15) == 0);
}

/* The same asked of a line, as it is written, before it is parsed. */
static int
indexed_line(const char *line, size_t len)
{
	const char	*ev, *end;
	size_t		 n = len < EVENT_WITHIN ? len : EVENT_WITHIN;

	if ((ev = memmem(line, n, EVENT_OPEN, sizeof(EVENT_OPEN) - 1)) == NULL)
		return 0;
	ev += sizeof(EVENT_OPEN) - 1;
	if ((end = memchr(ev, '"', len - (size_t)(ev - line))) == NULL)
		return 0;
	return indexed_event(ev, (size_t)(end - ev));
}

/* Copy o[name], a string, into dst, cut between two characters to fit. */
static void
copy_member(json_t *o, const char *name, char *dst, size_t size)
{
	json_t		*v = json_object_get(o, name);
	const char	*s;
	size_t		 n;

	dst[0] = '\0';
	if (!json_is_string(v))
		return;
	s = json_string_value(v);
	if ((n = json_string_length(v)) >= size) {
		/* jansson's strings are UTF-8: back to a character's start. */
		for (n = size - 1; n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80;
		    n--)
			;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/*
 * The record of a line into e: 0, or -1 when it is none to index, and e
 * is untouched (it may be the oldest entry, still held).
 */
static int
parse(const char *line, size_t len, struct entry *e)
{
	json_t		*o, *seq, *time, *event;
	long long	 ms;
	size_t		 i;
	int		 rc = -1;

	if (!indexed_line(line, len) ||
	    (o = json_loadb(line, len, 0, NULL)) == NULL)
		return -1;
	seq = json_object_get(o, "seq");
	time = json_object_get(o, "time");
	event = json_object_get(o, "event");
	if (!json_is_integer(seq) || !json_is_string(time) ||
	    json_string_length(time) != AUDIT_TIME_LEN ||
	    (ms = audit_time_ms(json_string_value(time))) <= 0 ||
	    !json_is_string(event) || !indexed_event(json_string_value(event),
	    json_string_length(event)))
		goto done;
	e->seq = json_integer_value(seq);
	e->time_s = ms / 1000;
	memcpy(e->time, json_string_value(time), AUDIT_TIME_LEN + 1);
	for (i = 0; i < NFIELDS; i++)
		copy_member(o, fields[i].name, (char *)e + fields[i].off,
		    fields[i].size);
	rc = 0;
 done:
	json_decref(o);
	return rc;
}

void
audit_index_add(const char *buf, size_t len)
{
	const char	*nl;
	size_t		 n;

	while ((nl = memchr(buf, '\n', len)) != NULL) {
		n = (size_t)(nl - buf);
		if (parse(buf, n, &ring[next]) == 0) {
			next = (next + 1) % AUDIT_INDEX_MAX;
			if (count < AUDIT_INDEX_MAX)
				count++;
		}
		buf = nl + 1;
		len -= n + 1;
	}
}

void
audit_index_add_older(const char *line, size_t len)
{
	size_t	 slot;

	if (count == AUDIT_INDEX_MAX)
		return;
	slot = (next + AUDIT_INDEX_MAX - count - 1) % AUDIT_INDEX_MAX;
	if (parse(line, len, &ring[slot]) == 0)
		count++;
}

static int
matches(const struct entry *e, const struct audit_query *q)
{
	if (q->impersonator_id != NULL && *q->impersonator_id != '\0' &&
	    strcmp(e->impersonator_id, q->impersonator_id) != 0)
		return 0;
	if (q->user_id != NULL && *q->user_id != '\0' &&
	    strcmp(e->user_id, q->user_id) != 0)
		return 0;
	if (q->since != 0 && e->time_s < q->since)
		return 0;
	if (q->until != 0 && e->time_s > q->until)
		return 0;
	return 1;
}

/* e as a JSON object in out (size bytes, its NUL included): its length,
 * or -1 when it does not fit. */
static long
write_entry(const struct entry *e, char *out, size_t size)
{
	struct jsonw	 w;
	const char	*v;
	size_t		 i;

	jw_begin(&w, out, size, 1);
	jw_string(&w, "time", e->time);
	jw_integer(&w, "seq", e->seq);
	for (i = 0; i < NFIELDS; i++) {
		v = (const char *)e + fields[i].off;
		if (*v != '\0')
			jw_string(&w, fields[i].name, v);
		else
			jw_json(&w, fields[i].name, "null");
	}
	return jw_end(&w, 1);
}

int
audit_index_query(const struct audit_query *q, char *out, size_t outlen)
{
	const struct entry	*e;
	size_t			 len, i, comma;
	int			 limit, n = 0, truncated = 0;
	long			 k;

	limit = q->limit == 0 ? AUDIT_INDEX_LIMIT_DEFAULT : q->limit;
	if (limit < 1 || limit > AUDIT_INDEX_LIMIT_MAX)
		return -1;
	if (outlen > AUDIT_INDEX_OUT_MAX)
		outlen = AUDIT_INDEX_OUT_MAX;
	/* Room is always kept for the longer tail and the NUL. */
	if (outlen < sizeof(HEAD) - 1 + sizeof(TAIL_FALSE))
		return -1;
	memcpy(out, HEAD, sizeof(HEAD) - 1);
	len = sizeof(HEAD) - 1;
	for (i = 0; i < count && n < limit; i++) {
		e = &ring[(next + AUDIT_INDEX_MAX - 1 - i) % AUDIT_INDEX_MAX];
		if (!matches(e, q))
			continue;
		comma = n > 0;
		k = write_entry(e, out + len + comma, outlen - len - comma -
		    (sizeof(TAIL_FALSE) - 1));
		if (k == -1) {
			truncated = 1;
			break;
		}
		if (comma)
			out[len] = ',';
		len += comma + (size_t)k;
		n++;
	}
	if (truncated) {
		memcpy(out + len, TAIL_TRUE, sizeof(TAIL_TRUE));
		len += sizeof(TAIL_TRUE) - 1;
	} else {
		memcpy(out + len, TAIL_FALSE, sizeof(TAIL_FALSE));
		len += sizeof(TAIL_FALSE) - 1;
	}
	return (int)len;
}

size_t
audit_index_count(void)
{
	return count;
}

void
audit_index_clear(void)
{
	next = 0;
	count = 0;
}
