/*
 * guisectl audit show: the records of every file of the log, oldest first,
 * filtered, as a table for a person or as the JSON lines themselves.
 * No mac is checked here (that is verify's job); a torn line is skipped
 * with a note on stderr.
 *
 * The table is for a terminal, and the log holds what callers sent
 * (reasons, user agents, ids): no control, bidirectional or invisible
 * formatting character is ever printed as itself, only as \uXXXX.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "audit.h"
#include "config.h"
#include "guisectl.h"
#include "log.h"
#include "utf8.h"

#define SHOW_REASON_COLS	40
#define SHOW_CELL_COLS		128	/* any other cell; ids are shorter */
#define SHOW_CELL_MAX		(SHOW_CELL_COLS * 10 + 8)	/* bytes */
#define SHOW_MS_PER_DAY		INT64_C(86400000)

enum {
	OPT_IMPERSONATOR = 256,
	OPT_USER,
	OPT_CLIENT,
	OPT_EVENT,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_JSON,
	OPT_SESSION,
};

static const struct option show_longopts[] = {
	{ "impersonator",	required_argument,	NULL,	OPT_IMPERSONATOR },
	{ "user",		required_argument,	NULL,	OPT_USER },
	{ "client",		required_argument,	NULL,	OPT_CLIENT },
	{ "event",		required_argument,	NULL,	OPT_EVENT },
	{ "since",		required_argument,	NULL,	OPT_SINCE },
	{ "until",		required_argument,	NULL,	OPT_UNTIL },
	{ "json",		no_argument,		NULL,	OPT_JSON },
	{ "session",		required_argument,	NULL,	OPT_SESSION },
	{ "help",		no_argument,		NULL,	'h' },
	{ NULL,			0,			NULL,	0 },
};

/*
 * --session: the records that name the session's sid, and those that
 * name a link, code or login cookie of it (the request before the session
 * began, a code replayed), found by a first pass over the files.
 */
#define SHOW_HASHES_MAX	64
static const char *const show_hash_keys[] = {
	"link_hash", "code_hash", "login_hash", "approval_id"
};

struct show_filter {
	const char	*session;
	char		*hashes[SHOW_HASHES_MAX];
	size_t		 nhashes;
	int		 collecting;	/* the first pass of --session */
	const char	*impersonator;
	const char	*user;
	const char	*client;	/* client_id or caller */
	const char	*event;
	int		 has_since, has_until;
	int64_t		 since, until;	/* ms since the epoch, inclusive */
	int		 json;
};

static const struct {
	const char	*title;
	const char	*key;
	int		 width;
} show_columns[] = {
	{ "TIME",		"time",			AUDIT_TIME_LEN },
	{ "EVENT",		"event",		27 },
	{ "OUTCOME",		"outcome",		8 },	/* "detected" */
	{ "IMPERSONATOR",	"impersonator_id",	16 },
	{ "USER",		"user_id",		16 },
	{ "CLIENT",		"client_id",		10 },
	{ "CALLER",		"caller",		10 },
	{ "REASON",		NULL,			0 },	/* show_note */
};

#define SHOW_NCOLUMNS	(sizeof(show_columns) / sizeof(show_columns[0]))

/* -------------------------------------------------------------------- */
/* --since and --until */

static int
show_num(const char **p, size_t n, int lo, int hi, int *v)
{
	size_t	 i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return *v >= lo && *v <= hi ? 0 : -1;
}

static int
show_char(const char **p, const char *set)
{
	if (**p == '\0' || strchr(set, **p) == NULL)
		return -1;
	(*p)++;
	return 0;
}

/*
 * RFC 3339: YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM).
 * A date alone is the whole day, UTC: its first millisecond for --since,
 * its last for --until.
 */
static int
show_parse_time(const char *s, int until, int64_t *ms)
{
	struct tm	 tm;
	const char	*p = s;
	int		 y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, oh = 0, om = 0;
	int		 digits = 0, sign = 0, date_only;
	int64_t		 t;

	if (show_num(&p, 4, 0, 9999, &y) == -1 || show_char(&p, "-") == -1 ||
	    show_num(&p, 2, 1, 12, &mo) == -1 || show_char(&p, "-") == -1 ||
	    show_num(&p, 2, 1, 31, &d) == -1)
		return -1;
	if ((date_only = (*p == '\0')) == 0) {
		if (show_char(&p, "Tt ") == -1 ||
		    show_num(&p, 2, 0, 23, &h) == -1 ||
		    show_char(&p, ":") == -1 ||
		    show_num(&p, 2, 0, 59, &mi) == -1 ||
		    show_char(&p, ":") == -1 ||
		    show_num(&p, 2, 0, 60, &sec) == -1)
			return -1;
		if (*p == '.') {
			for (p++; *p >= '0' && *p <= '9'; p++, digits++)
				if (digits < 3)
					frac = frac * 10 + (*p - '0');
			if (digits == 0)
				return -1;
			for (; digits < 3; digits++)
				frac *= 10;
		}
		if (show_char(&p, "Zz") == 0)
			sign = 0;
		else {
			sign = *p == '-' ? -1 : 1;
			if (show_char(&p, "+-") == -1 ||
			    show_num(&p, 2, 0, 23, &oh) == -1 ||
			    show_char(&p, ":") == -1 ||
			    show_num(&p, 2, 0, 59, &om) == -1)
				return -1;
		}
		if (*p != '\0')
			return -1;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = (int64_t)timegm(&tm) * 1000 + frac;
	if (tm.tm_mday != d)		/* 31 April: normalised away */
		return -1;
	if (sign != 0)
		t -= sign * ((int64_t)oh * 3600 + om * 60) * 1000;
	if (date_only && until)
		t += SHOW_MS_PER_DAY - 1;
	*ms = t;
	return 0;
}

/* -------------------------------------------------------------------- */
/* The table */

static int
show_escaped(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\\' ||
	    c == 0xad || c == 0x61c || (c >= 0x200b && c <= 0x200f) ||
	    (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) ||
	    c == 0xfeff || (c >= 0xfff9 && c <= 0xfffb) ||
	    (c >= 0xe0000 && c <= 0xe007f);
}

/*
 * The printable form of one character of s into out (at least 11 bytes):
 * itself, or an escape.  Returns the bytes of s consumed; *cols the width.
 */
static size_t
show_unit(const char *s, size_t n, char *out, size_t *outlen, size_t *cols)
{
	uint32_t	 c;
	size_t		 len;

	len = utf8_char(s, n, &c);
	if (len == 0) {		/* not UTF-8: jansson forbids it, still */
		*outlen = (size_t)snprintf(out, 11, "\\x%02x",
		    (unsigned char)s[0]);
		*cols = *outlen;
		return 1;
	}
	if (c == '\\')
		*outlen = (size_t)snprintf(out, 11, "\\\\");
	else if (show_escaped(c))
		*outlen = (size_t)snprintf(out, 11, c > 0xffff ?
		    "\\U%08" PRIx32 : "\\u%04" PRIx32, c);
	else {
		memcpy(out, s, len);
		*outlen = len;
		*cols = 1;
		return len;
	}
	*cols = *outlen;
	return len;
}

/*
 * s made safe for a terminal, cut to max columns ("..." ending a cut),
 * into out (SHOW_CELL_MAX bytes).  Returns its width in columns.
 */
static size_t
show_cell(const char *s, size_t max, char *out)
{
	char	 unit[16];
	size_t	 n = strlen(s), i, used, total = 0, cols, ulen, o = 0;
	size_t	 room;

	for (i = 0; i < n; i += used) {
		used = show_unit(s + i, n - i, unit, &ulen, &cols);
		total += cols;
	}
	room = total > max ? max - 3 : max;
	for (i = 0, total = 0; i < n; i += used) {
		used = show_unit(s + i, n - i, unit, &ulen, &cols);
		if (total + cols > room || o + ulen + 4 > SHOW_CELL_MAX)
			break;
		memcpy(out + o, unit, ulen);
		o += ulen;
		total += cols;
	}
	if (i < n) {
		memcpy(out + o, "...", 3);
		o += 3;
		total += 3;
	}
	out[o] = '\0';
	return total;
}

static void
show_pad(const char *text, size_t cols, int width)
{
	fputs(text, stdout);
	for (; cols < (size_t)width; cols++)
		putchar(' ');
	putchar(' ');
}

static void
show_header(void)
{
	size_t	 i;

	for (i = 0; i < SHOW_NCOLUMNS - 1; i++)
		show_pad(show_columns[i].title,
		    strlen(show_columns[i].title), show_columns[i].width);
	puts(show_columns[SHOW_NCOLUMNS - 1].title);
}

static int
show_is(const json_t *o, const char *key, const char *want)
{
	const char	*s = audit_str(o, key);

	return s != NULL && strcmp(s, want) == 0;
}

/* "records K+1..A cut", of an audit.truncated, in buf; or NULL. */
static const char *
show_cut(const json_t *o, char *buf, size_t len)
{
	const json_t	*ls = json_object_get(o, "last_seq");
	const json_t	*as = json_object_get(o, "anchor_seq");

	if (!show_is(o, "event", "audit.truncated") || !json_is_integer(ls) ||
	    !json_is_integer(as) || json_integer_value(ls) < 0 ||
	    json_integer_value(as) <= json_integer_value(ls))
		return NULL;
	(void)snprintf(buf, len, "records %" JSON_INTEGER_FORMAT "..%"
	    JSON_INTEGER_FORMAT " cut", json_integer_value(ls) + 1,
	    json_integer_value(as));
	return buf;
}

/*
 * Why a session ended, and by whom; the approval a record decides or
 * expires, and its approver; or the token a record names.
 */
static const char *
show_what(const json_t *o, char *buf, size_t len)
{
	const char	*cause = audit_str(o, "cause");
	const char	*by = audit_str(o, "ended_by");
	const char	*jti = audit_str(o, "jti");
	const char	*approval = audit_str(o, "approval_id");
	const char	*approver = audit_str(o, "approver_id");

	if (approval != NULL && (approver != NULL ||
	    show_is(o, "event", "impersonation.approval_expired")))
		(void)snprintf(buf, len, "%s%s%sapproval %s",
		    approver != NULL ? "by " : "",
		    approver != NULL ? approver : "",
		    approver != NULL ? ", " : "", approval);
	else if (cause != NULL)
		(void)snprintf(buf, len, "%s%s%s", cause, by != NULL ? " by " :
		    "", by != NULL ? by : "");
	else if (jti != NULL)
		(void)snprintf(buf, len, "jti %s", jti);
	else
		return NULL;
	return buf;
}

/*
 * The last column: the caller's reason, or else what the record says
 * (its detail, the records an audit.truncated found cut, a session's end
 * or a token's jti), after what the
 * front end observed, "(frontend, 17 times)".  Malloc'ed; NULL (logged).
 */
static char *
show_note(const json_t *o)
{
	const json_t	*count = json_object_get(o, "count");
	const char	*text, *source = audit_str(o, "source");
	char		 cut[64], times[32] = "", what[320], *s;
	int		 n;

	if ((text = audit_str(o, "reason")) == NULL || text[0] == '\0')
		text = audit_str(o, "detail");
	if (text == NULL || text[0] == '\0')
		text = show_cut(o, cut, sizeof(cut));
	if (text == NULL || text[0] == '\0')
		text = show_what(o, what, sizeof(what));
	if (json_is_integer(count))
		(void)snprintf(times, sizeof(times), "%" JSON_INTEGER_FORMAT
		    " time%s", json_integer_value(count),
		    json_integer_value(count) == 1 ? "" : "s");
	if (source == NULL && times[0] == '\0')
		n = asprintf(&s, "%s", text != NULL ? text : "-");
	else
		n = asprintf(&s, "(%s%s%s)%s%s", source != NULL ? source : "",
		    source != NULL && times[0] != '\0' ? ", " : "", times,
		    text != NULL ? " " : "", text != NULL ? text : "");
	if (n == -1) {
		log_warn("asprintf");
		return NULL;
	}
	return s;
}

static int
show_row(const json_t *o)
{
	char		 cell[SHOW_CELL_MAX], *note;
	const char	*s;
	size_t		 i, cols;

	for (i = 0; i < SHOW_NCOLUMNS - 1; i++) {
		if ((s = audit_str(o, show_columns[i].key)) == NULL ||
		    s[0] == '\0')
			s = "-";
		cols = show_cell(s, SHOW_CELL_COLS, cell);
		show_pad(cell, cols, show_columns[i].width);
	}
	if ((note = show_note(o)) == NULL)
		return -1;
	(void)show_cell(note, SHOW_REASON_COLS, cell);
	puts(cell);
	free(note);
	return 0;
}

/* -------------------------------------------------------------------- */
/* Reading */

/* Does o name a link, code or login cookie of the session? */
static int
show_of_session(const struct show_filter *f, const json_t *o)
{
	const char	*h;
	size_t		 i, k;

	if (show_is(o, "sid", f->session))
		return 1;
	for (k = 0; k < sizeof(show_hash_keys) / sizeof(show_hash_keys[0]); k++)
		if ((h = audit_str(o, show_hash_keys[k])) != NULL)
			for (i = 0; i < f->nhashes; i++)
				if (strcmp(h, f->hashes[i]) == 0)
					return 1;
	return 0;
}

/* The first pass: the hashes of the records that name the sid. */
static int
show_collect(struct show_filter *f, const json_t *o)
{
	const char	*h;
	size_t		 i, k;

	if (!show_is(o, "sid", f->session))
		return 0;
	for (k = 0; k < sizeof(show_hash_keys) / sizeof(show_hash_keys[0]);
	    k++) {
		if ((h = audit_str(o, show_hash_keys[k])) == NULL)
			continue;
		for (i = 0; i < f->nhashes && strcmp(f->hashes[i], h) != 0; i++)
			;
		if (i < f->nhashes)
			continue;
		if (f->nhashes == SHOW_HASHES_MAX) {
			log_warnx("--session: more than %d links, codes, logins and "
			    "approvals name the session", SHOW_HASHES_MAX);
			return -1;
		}
		if ((f->hashes[f->nhashes] = strdup(h)) == NULL) {
			log_warn("strdup");
			return -1;
		}
		f->nhashes++;
	}
	return 0;
}

static int
show_match(const struct show_filter *f, const json_t *o)
{
	const char	*time;
	int64_t		 t;

	if ((f->session != NULL && !show_of_session(f, o)) ||
	    (f->impersonator != NULL &&
	    !show_is(o, "impersonator_id", f->impersonator)) ||
	    (f->user != NULL && !show_is(o, "user_id", f->user)) ||
	    (f->event != NULL && !show_is(o, "event", f->event)) ||
	    (f->client != NULL && !show_is(o, "client_id", f->client) &&
	    !show_is(o, "caller", f->client)))
		return 0;
	if (!f->has_since && !f->has_until)
		return 1;
	if ((time = audit_str(o, "time")) == NULL ||
	    audit_time_ms(time, &t) == -1)
		return 0;
	return (!f->has_since || t >= f->since) &&
	    (!f->has_until || t <= f->until);
}

static void
show_skip(const struct audit_reader *r, const char *why)
{
	log_warnx("%s:%lu: %s, skipped", r->path, r->lineno, why);
}

static int
show_line(struct show_filter *f, const struct audit_reader *r,
    enum audit_line st)
{
	json_t	*o;
	int	 dup, rc = 0;

	if (f->collecting) {
		if (st == AUDIT_LINE_OK &&
		    (o = audit_json(r->line, r->len, &dup)) != NULL) {
			if (json_is_object(o))
				rc = show_collect(f, o);
			json_decref(o);
		}
		return rc;
	}
	if (st == AUDIT_LINE_LONG) {
		show_skip(r, "a line longer than 1 MiB");
		return 0;
	}
	if (st == AUDIT_LINE_PARTIAL) {
		show_skip(r, "a torn line (no newline)");
		return 0;
	}
	if ((o = audit_json(r->line, r->len, &dup)) == NULL) {
		show_skip(r, dup ? "not a record (a member appears twice)" :
		    "a torn line (not JSON)");
		return 0;
	}
	if (!json_is_object(o))
		show_skip(r, "not a record (not a JSON object)");
	else if (show_match(f, o)) {
		if (f->json) {
			fwrite(r->line, 1, r->len, stdout);
			putchar('\n');
		} else
			rc = show_row(o);
	}
	json_decref(o);
	return rc;
}

static int
show_file(struct show_filter *f, const char *path)
{
	struct audit_reader	 r;
	enum audit_line		 st = AUDIT_LINE_EOF;
	int			 rc = 0;

	if (audit_reader_open(&r, path) == -1)
		return -1;
	while (rc == 0 && (st = audit_reader_next(&r)) > AUDIT_LINE_EOF)
		rc = show_line(f, &r, st);
	audit_reader_close(&r);
	if (rc == -1 || st == AUDIT_LINE_ERROR)
		return -1;
	if (ferror(stdout)) {
		log_warnx("standard output: write error");
		return -1;
	}
	return 0;
}

static int
show_run(struct show_filter *f, const struct config *conf)
{
	struct audit_files	 files;
	size_t			 i;
	int			 rc = 0;

	if (audit_files_find(conf->audit_path, &files) == -1)
		return -1;
	if (files.n == 0) {
		log_warnx("%s: no audit log (no such file, nor %s.1)",
		    conf->audit_path, conf->audit_path);
		rc = -1;
	}
	f->collecting = f->session != NULL;
	for (i = 0; rc == 0 && f->collecting && i < files.n; i++)
		rc = show_file(f, files.path[i]);
	f->collecting = 0;
	if (rc == 0 && !f->json)
		show_header();
	for (i = 0; rc == 0 && i < files.n; i++)
		rc = show_file(f, files.path[i]);
	audit_files_free(&files);
	for (i = 0; i < f->nhashes; i++)
		free(f->hashes[i]);
	return rc;
}

static int
show_time_opt(const char *opt, const char *arg, int until, int64_t *ms,
    int *has)
{
	if (show_parse_time(arg, until, ms) == -1) {
		log_warnx("--%s %s: not a time, use RFC 3339 "
		    "(2026-11-28T12:00:00Z) or a date (2026-11-28)", opt, arg);
		return -1;
	}
	*has = 1;
	return 0;
}

int
audit_show_main(int argc, char *argv[])
{
	struct show_filter	 f;
	struct config		*conf;
	const char		*file = NULL, *since = NULL, *until = NULL;
	int			 ch, rc;

	memset(&f, 0, sizeof(f));
	while ((ch = getopt_long(argc, argv, "+f:h", show_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			file = optarg;
			break;
		case OPT_IMPERSONATOR:
			f.impersonator = optarg;
			break;
		case OPT_USER:
			f.user = optarg;
			break;
		case OPT_CLIENT:
			f.client = optarg;
			break;
		case OPT_EVENT:
			f.event = optarg;
			break;
		case OPT_SINCE:
			since = optarg;
			break;
		case OPT_UNTIL:
			until = optarg;
			break;
		case OPT_JSON:
			f.json = 1;
			break;
		case OPT_SESSION:
			f.session = optarg;
			break;
		default:
			audit_usage("show");
		}
	}
	if (optind != argc || file == NULL)
		audit_usage("show");
	if ((since != NULL && show_time_opt("since", since, 0, &f.since,
	    &f.has_since) == -1) ||
	    (until != NULL && show_time_opt("until", until, 1, &f.until,
	    &f.has_until) == -1))
		return -1;
	if ((conf = audit_config(file)) == NULL)
		return -1;
	rc = show_run(&f, conf);
	config_free(conf);
	return rc;
}
