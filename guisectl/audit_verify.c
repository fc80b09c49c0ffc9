/*
 * guisectl audit verify: prove the chain of doc/audit.md whole across every
 * file of the log, or name the first record that breaks it.
 *
 * Each record is checked in this order, so that the message says what most
 * likely happened: its form (a JSON object ending in the mac), its seq (a
 * gap is a deletion, a repeat an insertion; either may be a move), its mac
 * (an edit, or another key), its time, then what its event promises
 * (audit.rotated opens a file, audit.resumed names the last good record).
 *
 * A torn line (not JSON, or a file's last line with no newline) is the
 * trace of a crash.  It is explained only by the audit.resumed (or
 * audit.truncated, or audit.anchor_lost) record that the next start
 * writes right after it, chained from the last good record; anything else
 * after it, or nothing, and the torn line is the first bad record.  A torn
 * line that happens to be a whole record (the crash came just before the
 * newline) is recognised when the restart after it names the record before
 * it.
 *
 * The chain cannot see its last records go.  An audit.truncated record
 * (a start on a log shorter than its anchor) explains its seq jump but is
 * a cut all the same: it is said, the walk goes on, and verify fails.  So
 * is an audit.anchor_lost (a start found no anchor it could trust beside
 * a log with records): a cut before it could not have been seen.  At the
 * end the log is held against its witnesses, the anchor file and the
 * journal (audit_witness.c).
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "audit.h"
#include "audit_anchor.h"
#include "config.h"
#include "guisectl.h"
#include "log.h"

#define VERIFY_TORN_SHOWN	3	/* torn lines named in the summary */

/* Where a line is. */
struct verify_loc {
	size_t		 file;		/* index in the file list */
	unsigned long	 line;
};

/* The chain as the last good record left it. */
struct verify_tip {
	json_int_t	 seq;		/* 0: no record yet */
	char		 mac[AUDIT_MAC_HEX + 1];
	char		 time[AUDIT_TIME_LEN + 1];
	struct verify_loc loc;
};

struct verify {
	const struct audit_files *files;
	const struct audit_key	*key;
	struct verify_tip	 tip;
	struct verify_tip	 before;	/* the tip before the last record */
	unsigned long		 records;

	/* Torn lines not explained yet, in a row: the first of them. */
	int			 torn;
	struct verify_loc	 torn_loc;
	const char		*torn_why;
	unsigned long		 torn_n;
	struct verify_loc	 torn_locs[VERIFY_TORN_SHOWN];

	unsigned long		 explained;
	struct verify_loc	 explained_loc[VERIFY_TORN_SHOWN];

	struct audit_witness	*witness;	/* anchor file, journal */
	json_int_t		 settled;	/* the last record given it */
	unsigned long		 cuts;		/* audit.truncated records */
	unsigned long		 lost;		/* audit.anchor_lost records */
};

/* One line, parsed far enough to be checked. */
struct verify_rec {
	json_t		*o;
	json_int_t	 seq;
	const char	*time;
	const char	*event;
	const char	*mac;		/* in the line; not NUL-terminated */
	size_t		 body;		/* bytes the mac covers */
};

static const char *
verify_base(const char *path)
{
	const char	*p = strrchr(path, '/');

	return p != NULL ? p + 1 : path;
}

/* The verdict on the record at loc; always -1. */
static int __attribute__((format(printf, 4, 5)))
verify_bad(const struct verify *v, const struct verify_loc *loc,
    json_int_t seq, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	audit_vverdict(v->files->path[loc->file], loc->line, seq, fmt, ap);
	va_end(ap);
	return -1;
}

/* Does the record's mac chain from prev?  1, 0, or -1 (logged). */
static int
verify_chains(const struct verify *v, const struct verify_rec *rec,
    const char *prev, const char *line)
{
	char	 want[AUDIT_MAC_HEX + 1];

	if (audit_key_mac(v->key, prev, AUDIT_MAC_HEX, line, rec->body,
	    want) == -1)
		return -1;
	return CRYPTO_memcmp(want, rec->mac, AUDIT_MAC_HEX) == 0;
}

/*
 * The form of a record: a JSON object whose line ends with ,"mac":"<64
 * lower-case hex>"}, with an integer seq, a time and an event.  Returns
 * NULL when fine, else the problem; rec->o is set when the line is JSON.
 */
static const char *
verify_form(const char *line, size_t len, struct verify_rec *rec, int *torn)
{
	static const char	 tail[] = AUDIT_MAC_TAIL;
	const size_t		 taillen = sizeof(tail) - 1;
	const json_t		*seq;
	const char		*mac;
	int			 dup;

	memset(rec, 0, sizeof(*rec));
	*torn = 0;
	if ((rec->o = audit_json(line, len, &dup)) == NULL) {
		if (dup)
			return "not a record: a member appears twice";
		*torn = 1;
		return "not JSON";
	}
	if (!json_is_object(rec->o))
		return "not a record: not a JSON object";
	seq = json_object_get(rec->o, "seq");
	if (json_is_integer(seq))
		rec->seq = json_integer_value(seq);
	if (rec->seq < 1)
		return "not a record: no positive integer seq";
	if (len < taillen + AUDIT_MAC_HEX + 2 ||
	    memcmp(line + len - 2, "\"}", 2) != 0 ||
	    memcmp(line + len - 2 - AUDIT_MAC_HEX - taillen, tail,
	    taillen) != 0)
		return "not a record: it does not end with the mac";
	rec->mac = line + len - 2 - AUDIT_MAC_HEX;
	rec->body = len - 2 - AUDIT_MAC_HEX - taillen;
	if (!audit_is_hex(rec->mac, AUDIT_MAC_HEX))
		return "not a record: the mac is not 64 lower-case hex digits";
	/* The tail is the last member, so the parsed mac must be the same. */
	mac = audit_str(rec->o, "mac");
	if (mac == NULL || strlen(mac) != AUDIT_MAC_HEX ||
	    memcmp(mac, rec->mac, AUDIT_MAC_HEX) != 0)
		return "not a record: the mac member is not the last";
	rec->time = audit_str(rec->o, "time");
	if (rec->time == NULL || audit_time_check(rec->time) == -1)
		return "not a record: time is not YYYY-MM-DDTHH:MM:SS.mmmZ";
	rec->event = audit_str(rec->o, "event");
	if (rec->event == NULL || rec->event[0] == '\0')
		return "not a record: no event";
	return NULL;
}

static int
verify_is(const struct verify_rec *rec, const char *event)
{
	return strcmp(rec->event, event) == 0;
}

/* The records a start writes first that take the next seq. */
static int
verify_is_resumed(const struct verify_rec *rec)
{
	return verify_is(rec, "audit.resumed") ||
	    verify_is(rec, "audit.anchor_lost");
}

/* The record a start writes after a torn line, naming the record before. */
static int
verify_is_restart(const struct verify_rec *rec, json_int_t last_seq)
{
	const json_t	*ls = json_object_get(rec->o, "last_seq");

	return (verify_is_resumed(rec) || verify_is(rec, "audit.truncated")) &&
	    json_is_true(json_object_get(rec->o, "torn")) &&
	    json_is_integer(ls) && json_integer_value(ls) == last_seq;
}

static void
verify_explain(struct verify *v, const struct verify_loc *loc)
{
	if (v->explained < VERIFY_TORN_SHOWN)
		v->explained_loc[v->explained] = *loc;
	v->explained++;
}

/*
 * The line before this audit.resumed (or audit.truncated, or
 * audit.anchor_lost) was a whole record, but the restart says it was
 * torn: it chains from, and names, the one before.  Then take that line
 * back.  audit.resumed and audit.anchor_lost take its seq too;
 * audit.truncated has its own.  1 when done, 0 when not the case, -1.
 */
static int
verify_untear(struct verify *v, const struct verify_rec *rec,
    const char *line, const struct verify_loc *loc)
{
	int	 c;

	if (v->torn || v->tip.seq == 0 || v->tip.loc.file != loc->file ||
	    v->tip.loc.line + 1 != loc->line ||
	    !verify_is_restart(rec, v->before.seq) ||
	    (verify_is_resumed(rec) && rec->seq != v->tip.seq))
		return 0;
	if ((c = verify_chains(v, rec, v->before.mac, line)) != 1)
		return c;
	verify_explain(v, &v->tip.loc);
	v->tip = v->before;
	v->records--;
	return 1;
}

/* The torn line is the first bad record: nothing after it explains it. */
static int
verify_torn_bad(const struct verify *v, int at_end)
{
	return verify_bad(v, &v->torn_loc, v->tip.seq + 1, "torn record "
	    "(%s), %s an audit.resumed, audit.truncated or audit.anchor_lost "
	    "with torn true and last_seq %" JSON_INTEGER_FORMAT, v->torn_why,
	    at_end ? "and the log ends without" : "and the next line is not",
	    v->tip.seq);
}

/* What the event promises: 0, or -1 with the verdict printed. */
static int
verify_event(const struct verify *v, const struct verify_rec *rec,
    const struct verify_loc *loc)
{
	const json_t	*ls;
	const char	*prev, *want;

	if (strcmp(rec->event, "audit.rotated") == 0) {
		if (loc->file == 0 || loc->line != 1)
			return verify_bad(v, loc, rec->seq, "audit.rotated is "
			    "not the first record of a rotated file");
		prev = audit_str(rec->o, "prev_file");
		want = verify_base(v->files->path[loc->file - 1]);
		if (prev == NULL || strcmp(prev, want) != 0)
			return verify_bad(v, loc, rec->seq, "audit.rotated "
			    "does not name the previous file, %s, in "
			    "prev_file", want);
	} else if (verify_is_resumed(rec)) {
		ls = json_object_get(rec->o, "last_seq");
		if (!json_is_integer(ls) ||
		    json_integer_value(ls) != v->tip.seq)
			return verify_bad(v, loc, rec->seq, "%s does not name "
			    "the last good record, seq %" JSON_INTEGER_FORMAT
			    ", in last_seq", rec->event, v->tip.seq);
	}
	return 0;
}

/*
 * audit.truncated: a start found the log shorter than its anchor, and
 * numbered on from anchor_seq + 1 so that no seq is used twice.  That
 * explains the seq jump from the last record found, which it names; the
 * jump itself is checked here, before the mac.  0, or -1 (verdict said).
 */
static int
verify_truncated(const struct verify *v, const struct verify_rec *rec,
    const struct verify_loc *loc)
{
	const json_t	*ls = json_object_get(rec->o, "last_seq");
	const json_t	*as = json_object_get(rec->o, "anchor_seq");

	if (!json_is_integer(ls) || json_integer_value(ls) != v->tip.seq)
		return verify_bad(v, loc, rec->seq, "audit.truncated does "
		    "not name the last good record, seq %" JSON_INTEGER_FORMAT
		    ", in last_seq", v->tip.seq);
	if (!json_is_integer(as) || json_integer_value(as) <= v->tip.seq)
		return verify_bad(v, loc, rec->seq, "audit.truncated: "
		    "anchor_seq is not after last_seq %" JSON_INTEGER_FORMAT
		    ": it explains no cut", v->tip.seq);
	if (rec->seq - 1 != json_integer_value(as))
		return verify_bad(v, loc, rec->seq, "audit.truncated: seq is "
		    "not anchor_seq %" JSON_INTEGER_FORMAT " + 1",
		    json_integer_value(as));
	if (!json_is_boolean(json_object_get(rec->o, "torn")))
		return verify_bad(v, loc, rec->seq, "audit.truncated: torn is "
		    "not true or false");
	return 0;
}

/* Its seq follows the tip's, or audit.truncated explains why not. */
static int
verify_seq(const struct verify *v, const struct verify_rec *rec,
    const struct verify_loc *loc)
{
	json_int_t	 want = v->tip.seq + 1;

	if (verify_is(rec, "audit.truncated"))
		return verify_truncated(v, rec, loc);
	if (rec->seq != want && v->tip.seq == 0)
		return verify_bad(v, loc, rec->seq, "the first record is "
		    "not seq 1: the start of the log is missing");
	if (rec->seq > want)
		return verify_bad(v, loc, rec->seq, "seq gap: seq %"
		    JSON_INTEGER_FORMAT " expected (a record was deleted, "
		    "or moved)", want);
	if (rec->seq < want)
		return verify_bad(v, loc, rec->seq, "seq repeats or goes "
		    "back: seq %" JSON_INTEGER_FORMAT " expected (a record "
		    "was inserted, or moved)", want);
	return 0;
}

/*
 * An audit.truncated that holds is still a cut: it is said, and verify
 * fails, however many records come after it.
 */
static void
verify_cut(struct verify *v, const struct verify_rec *rec,
    const struct verify_loc *loc)
{
	json_int_t	 first = v->before.seq + 1, last = rec->seq - 1;
	const char	*torn;

	torn = json_is_true(json_object_get(rec->o, "torn")) ?
	    ", and left a torn line" : "";
	if (first == last)
		verify_bad(v, loc, rec->seq, "audit.truncated: record %"
		    JSON_INTEGER_FORMAT " was cut from the log before a "
		    "restart%s", first, torn);
	else
		verify_bad(v, loc, rec->seq, "audit.truncated: records %"
		    JSON_INTEGER_FORMAT "..%" JSON_INTEGER_FORMAT " (%"
		    JSON_INTEGER_FORMAT ") were cut from the log before a "
		    "restart%s", first, last, last - first + 1, torn);
	v->cuts++;
}

/*
 * An audit.anchor_lost that holds: the start found no anchor it could
 * trust, so a cut before it could not have been seen.  It cannot say how
 * many records, if any, were cut; it is said, and verify fails, however
 * many records come after it.
 */
static void
verify_lost(struct verify *v, const struct verify_rec *rec,
    const struct verify_loc *loc)
{
	verify_bad(v, loc, rec->seq, "audit.anchor_lost: the start after seq %"
	    JSON_INTEGER_FORMAT " found no anchor it could trust: records "
	    "cut from the log's end before it could not have been seen",
	    v->before.seq);
	v->lost++;
}

/*
 * The tip stays: a record after it chains from it, or the log ends.  Only
 * now is it held against the witnesses, since until then an audit.resumed
 * could take it back as a torn line (and have the same seq).
 */
static void
verify_settle(struct verify *v)
{
	if (v->tip.seq == 0 || v->tip.seq <= v->settled)
		return;
	v->settled = v->tip.seq;
	audit_witness_record(v->witness, v->tip.seq, v->tip.mac,
	    v->files->path[v->tip.loc.file], v->tip.loc.line);
}

/* The chain through one good record: 0, or -1 with the verdict printed. */
static int
verify_record(struct verify *v, const struct verify_rec *rec,
    const char *line, const struct verify_loc *loc)
{
	unsigned long	 i;
	int		 c;

	if ((c = verify_untear(v, rec, line, loc)) == -1)
		return -1;
	if (v->torn && !verify_is_restart(rec, v->tip.seq))
		return verify_torn_bad(v, 0);
	if (verify_seq(v, rec, loc) == -1)
		return -1;
	if ((c = verify_chains(v, rec, v->tip.mac, line)) == -1)
		return -1;
	if (c == 0)
		return verify_bad(v, loc, rec->seq, "the mac does not match: "
		    "the record was edited%s", v->tip.seq == 0 ?
		    ", or the audit key is not the one that wrote it" : "");
	if (strcmp(rec->time, v->tip.time) < 0)
		return verify_bad(v, loc, rec->seq, "time goes backwards: "
		    "%s after %s", rec->time, v->tip.time);
	if (verify_event(v, rec, loc) == -1)
		return -1;

	for (i = 0; i < v->torn_n; i++)
		verify_explain(v, i < VERIFY_TORN_SHOWN ? &v->torn_locs[i] :
		    &v->torn_loc);
	v->torn = 0;
	v->torn_n = 0;
	verify_settle(v);
	v->before = v->tip;
	v->tip.seq = rec->seq;
	memcpy(v->tip.mac, rec->mac, AUDIT_MAC_HEX);
	v->tip.mac[AUDIT_MAC_HEX] = '\0';
	memcpy(v->tip.time, rec->time, AUDIT_TIME_LEN + 1);
	v->tip.loc = *loc;
	v->records++;
	if (verify_is(rec, "audit.truncated"))
		verify_cut(v, rec, loc);
	else if (verify_is(rec, "audit.anchor_lost"))
		verify_lost(v, rec, loc);
	return 0;
}

static void
verify_tear(struct verify *v, const struct verify_loc *loc, const char *why)
{
	/* Two in a row (a crash while ending the first): one audit.resumed. */
	if (v->torn_n < VERIFY_TORN_SHOWN)
		v->torn_locs[v->torn_n] = *loc;
	v->torn_n++;
	if (v->torn)
		return;
	v->torn = 1;
	v->torn_loc = *loc;
	v->torn_why = why;
}

/* One line: 0, or -1 with the verdict (or an error) printed. */
static int
verify_line(struct verify *v, enum audit_line st, const char *line,
    size_t len, const struct verify_loc *loc)
{
	struct verify_rec	 rec;
	const char		*why;
	int			 torn, rc;

	if (st == AUDIT_LINE_LONG)
		return v->torn ? verify_torn_bad(v, 0) :
		    verify_bad(v, loc, v->tip.seq + 1, "not a record: "
		    "longer than %d bytes", AUDIT_LINE_MAX);
	why = verify_form(line, len, &rec, &torn);
	if (st == AUDIT_LINE_PARTIAL) {
		verify_tear(v, loc, "the file's last line has no newline: "
		    "a crash, or a write in progress");
		rc = 0;
	} else if (torn) {
		verify_tear(v, loc, "not JSON");
		rc = 0;
	} else if (why != NULL && v->torn)
		rc = verify_torn_bad(v, 0);
	else if (why != NULL)
		rc = verify_bad(v, loc, rec.seq > 0 ? rec.seq :
		    v->tip.seq + 1, "%s", why);
	else
		rc = verify_record(v, &rec, line, loc);
	json_decref(rec.o);
	return rc;
}

static int
verify_file(struct verify *v, size_t i)
{
	struct audit_reader	 r;
	struct verify_loc	 loc;
	enum audit_line		 st;
	int			 rc = 0;

	if (audit_reader_open(&r, v->files->path[i]) == -1)
		return -1;
	while ((st = audit_reader_next(&r)) > AUDIT_LINE_EOF) {
		loc.file = i;
		loc.line = r.lineno;
		if ((rc = verify_line(v, st, r.line, r.len, &loc)) == -1)
			break;
	}
	if (st == AUDIT_LINE_ERROR)
		rc = -1;
	audit_reader_close(&r);
	return rc;
}

static void
verify_summary(const struct verify *v)
{
	unsigned long	 i;

	printf("audit: %lu record%s in %zu file%s, chain whole", v->records,
	    v->records == 1 ? "" : "s", v->files->n,
	    v->files->n == 1 ? "" : "s");
	if (v->explained > 0) {
		printf(" (%lu torn line%s explained at ", v->explained,
		    v->explained == 1 ? "" : "s");
		for (i = 0; i < v->explained && i < VERIFY_TORN_SHOWN; i++)
			printf("%s%s:%lu", i > 0 ? ", " : "",
			    v->files->path[v->explained_loc[i].file],
			    v->explained_loc[i].line);
		printf("%s)", v->explained > VERIFY_TORN_SHOWN ? ", ..." : "");
	}
	audit_witness_summary(v->witness);
	putchar('\n');
}

/* Walk the chain, then hold its end against the witnesses. */
static int
verify_walk(struct verify *v)
{
	size_t	 i;

	memset(v->tip.mac, '0', AUDIT_MAC_HEX);
	for (i = 0; i < v->files->n; i++)
		if (verify_file(v, i) == -1)
			return -1;
	if (v->torn)
		return verify_torn_bad(v, 1);
	verify_settle(v);
	audit_witness_end(v->witness, v->tip.seq,
	    v->files->path[v->files->n - 1]);
	if (v->witness->bad > 0 || v->cuts > 0 || v->lost > 0)
		return -1;
	verify_summary(v);
	return 0;
}

static int
verify_run(const struct config *conf, const char *journal)
{
	struct audit_files	 files;
	struct audit_witness	 w;
	struct audit_key	*key;
	struct verify		 v;
	int			 rc = -1;

	if ((key = audit_key_load(conf->audit_key_file)) == NULL)
		return -1;
	memset(&w, 0, sizeof(w));
	if (audit_files_find(conf->audit_path, &files) == -1)
		goto done;
	if (files.n == 0) {
		log_warnx("%s: no audit log (no such file, nor %s.1)",
		    conf->audit_path, conf->audit_path);
		goto done;
	}
	/* The witnesses first: they may lag the log, never lead it. */
	if (audit_witness_open(&w, conf->audit_path, journal, key) == -1)
		goto done;
	memset(&v, 0, sizeof(v));
	v.files = &files;
	v.key = key;
	v.witness = &w;
	rc = verify_walk(&v);
 done:
	audit_witness_close(&w);
	audit_files_free(&files);
	audit_key_free(key);
	return rc;
}

enum {
	OPT_JOURNAL = 256,
	OPT_NO_JOURNAL,
};

static const struct option verify_longopts[] = {
	{ "journal",	required_argument,	NULL,	OPT_JOURNAL },
	{ "no-journal",	no_argument,		NULL,	OPT_NO_JOURNAL },
	{ "help",	no_argument,		NULL,	'h' },
	{ NULL,		0,			NULL,	0 },
};

int
audit_verify_main(int argc, char *argv[])
{
	struct config	*conf;
	const char	*file = NULL, *journal = AUDIT_JOURNAL_AUTO;
	int		 ch, rc, said = 0;

	while ((ch = getopt_long(argc, argv, "+f:h", verify_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			file = optarg;
			break;
		case OPT_JOURNAL:
		case OPT_NO_JOURNAL:
			/* An empty FILE would read as --no-journal. */
			if (said++ > 0 || (ch == OPT_JOURNAL &&
			    optarg[0] == '\0'))
				audit_usage("verify");
			journal = ch == OPT_JOURNAL ? optarg :
			    AUDIT_JOURNAL_NO;
			break;
		default:
			audit_usage("verify");
		}
	}
	if (optind != argc || file == NULL)
		audit_usage("verify");
	if ((conf = audit_config(file)) == NULL)
		return -1;
	rc = verify_run(conf, journal);
	config_free(conf);
	return rc;
}
