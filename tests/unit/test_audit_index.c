/*
 * The signer's index of its recent impersonation records
 * (signer/audit_index.c), linked with the audit log's objects and the
 * rebuild of the redeemed grant ids: what it keeps, its filters and
 * order, its bound, its answer's bound (always valid JSON), hostile
 * strings, and that a log written by audit.c itself is indexed as the
 * log holds it, live and again by the rebuild at a restart.
 *
 * The clock is this program's, as in test_redeemed (fake_clock.c).
 * Lines are made here as audit.c writes them (with the JSON writer
 * it uses), or by audit.c itself in a child (its state is static, opened
 * once a process, as in the signer), or by tests/lib/auditgen.mjs, an
 * implementation of doc/audit.md of its own, when node is there.
 *
 * Usage: test_audit_index [DIR]	(a scratch folder; by default one in
 *					 /tmp)
 */
#include <sys/wait.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "audit.h"
#include "audit_index.h"
#include "check.h"
#include "config.h"
#include "fake_clock.h"
#include "jsonw.h"
#include "log.h"
#include "proto.h"
#include "redeemed.h"
#include "utf8.h"

#define T0	1796292000LL		/* 2026-12-03T10:00:00Z, in s */
#define WINDOW	CONFIG_TTL_MAX		/* what the rebuild reads */
#define BIG	(2 * 1024 * 1024)	/* past any answer */

static char		 dir[PATH_MAX / 2];
static char		 auditgen[PATH_MAX];	/* "": not found */
static char		 answer[BIG];

/* A record's members; NULL leaves one out. */
struct rec {
	const char	*event;
	const char	*outcome;
	const char	*rule;
	const char	*imp;
	const char	*user;
	const char	*client;
	const char	*reason;
	const char	*ip;
};

static void
member(struct jsonw *w, const char *name, const char *value)
{
	if (value != NULL)
		jw_string(w, name, value);
}

/*
 * r as the line audit.c writes, appended at *len in buf: seq, time, the
 * members in the order of doc/audit.md, a user agent, a mac (not a real
 * one: nothing here reads it), and the newline.
 */
static void
line(char *buf, size_t size, size_t *len, long long seq, long long ms,
    const struct rec *r)
{
	struct jsonw	 w;
	char		 t[32];
	long		 n;

	rfc3339(ms, t);
	jw_begin(&w, buf + *len, size - *len - 1, 1);
	jw_integer(&w, "seq", seq);
	jw_string(&w, "time", t);
	member(&w, "event", r->event);
	member(&w, "outcome", r->outcome);
	member(&w, "rule", r->rule);
	member(&w, "impersonator_id", r->imp);
	member(&w, "user_id", r->user);
	member(&w, "client_id", r->client);
	member(&w, "reason", r->reason);
	member(&w, "ip", r->ip);
	jw_string(&w, "user_agent", "curl/7.88.1");
	jw_string(&w, "mac", "0000000000000000000000000000000000000000000000"
	    "000000000000000000");
	if ((n = jw_end(&w, 1)) == -1) {
		fprintf(stderr, "a test line does not fit\n");
		exit(2);
	}
	*len += (size_t)n;
	buf[(*len)++] = '\n';
}

/* One record, indexed as audit.c hands it over. */
static void
add(long long seq, long long ms, const struct rec *r)
{
	char	 buf[16384];
	size_t	 len = 0;

	line(buf, sizeof(buf), &len, seq, ms, r);
	audit_index_add(buf, len);
}

/* The usual impersonation request, by imp as user, at T0 + s. */
static void
add_req(long long seq, long long s, const char *imp, const char *user)
{
	const struct rec	 r = { "impersonation.requested", "allowed",
				    NULL, imp, user, "storefront", "ticket",
				    "192.0.2.7" };

	add(seq, (T0 + s) * 1000 + 500, &r);
}

/*
 * Ask q; the answer parsed (NULL when there is none, or it is not JSON,
 * or its length is not what was returned).
 */
static json_t *
ask(const struct audit_query *q, size_t outlen)
{
	int	 n;

	if ((n = audit_index_query(q, answer, outlen)) < 0 ||
	    strlen(answer) != (size_t)n)
		return NULL;
	return json_loads(answer, JSON_REJECT_DUPLICATES, NULL);
}

/* The seqs of an answer's records, "12,10,8"; "!" when it is malformed. */
static const char *
seqs(json_t *a)
{
	static char	 out[8192];
	json_t		*recs = json_object_get(a, "records"), *r;
	size_t		 i, len = 0;

	out[0] = '\0';
	if (!json_is_array(recs) ||
	    !json_is_boolean(json_object_get(a, "truncated")))
		return "!";
	json_array_foreach(recs, i, r) {
		if (!json_is_integer(json_object_get(r, "seq")) ||
		    json_object_size(r) != 10)
			return "!";
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%lld",
		    i > 0 ? "," : "", json_integer_value(json_object_get(r,
		    "seq")));
		if (len >= sizeof(out))
			return "!";
	}
	return out;
}

/* The seqs q answers, the answer freed. */
static const char *
seqs_of(const struct audit_query *q)
{
	json_t		*a = ask(q, BIG);
	const char	*s = a != NULL ? seqs(a) : "!";

	json_decref(a);
	return s;
}

static const char *
str(json_t *a, size_t i, const char *name)
{
	return json_string_value(json_object_get(json_array_get(
	    json_object_get(a, "records"), i), name));
}

static int
is_null(json_t *a, size_t i, const char *name)
{
	return json_is_null(json_object_get(json_array_get(
	    json_object_get(a, "records"), i), name));
}

/* Which lines are kept: the events, whole lines, records only. */
static void
test_add(void)
{
	const struct rec	 recs[] = {
		{ "service.started", "ok", NULL, NULL, NULL, NULL, NULL, NULL },
		{ "impersonation.requested", "allowed", NULL,
		    "auth0|support-1", "auth0|customer-1", "storefront",
		    "ticket 4711", "192.0.2.7" },
		{ "token.issued", "ok", NULL, "auth0|support-1",
		    "auth0|customer-1", "storefront", NULL, NULL },
		{ "impersonation.link_redeemed", "ok", NULL, "auth0|support-1",
		    "auth0|customer-1", "storefront", NULL, NULL },
		{ "console.signin", "denied", "staff_unknown", NULL, NULL,
		    NULL, NULL, NULL },
		{ "console.signout", "ok", NULL, "auth0|support-1", NULL, NULL,
		    NULL, NULL },
		{ "console.signin_again", "ok", NULL, NULL, NULL, NULL, NULL,
		    NULL },
		{ "impersonation.", "ok", NULL, NULL, NULL, NULL, NULL, NULL },
		{ "impersonation", "ok", NULL, NULL, NULL, NULL, NULL, NULL },
		{ "audit.rotated", "ok", NULL, NULL, NULL, NULL, NULL, NULL },
	};
	const struct audit_query	 all = { 0 };
	char				 buf[16384];
	size_t				 len = 0, i, cut;
	json_t				*a;

	audit_index_clear();
	for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
		line(buf, sizeof(buf), &len, (long long)i + 1,
		    T0 * 1000 + (long long)i * 1000 + 123, &recs[i]);
	audit_index_add(buf, len);
	CHECK(audit_index_count() == 4, "a batch of 10 records: the 4 of "
	    "impersonation.*, console.signin and console.signout kept");
	a = ask(&all, BIG);
	CHECK(a != NULL && strcmp(seqs(a), "6,5,4,2") == 0 &&
	    json_is_false(json_object_get(a, "truncated")), "asked for all: "
	    "those 4, newest first, not truncated");
	CHECK(a != NULL && strcmp(str(a, 3, "time"),
	    "2026-12-03T10:00:01.123Z") == 0 && strcmp(str(a, 3, "event"),
	    "impersonation.requested") == 0 && strcmp(str(a, 3, "outcome"),
	    "allowed") == 0 && strcmp(str(a, 3, "impersonator_id"),
	    "auth0|support-1") == 0 && strcmp(str(a, 3, "user_id"),
	    "auth0|customer-1") == 0 && strcmp(str(a, 3, "client_id"),
	    "storefront") == 0 && strcmp(str(a, 3, "reason"),
	    "ticket 4711") == 0 && strcmp(str(a, 3, "ip"), "192.0.2.7") == 0 &&
	    is_null(a, 3, "rule"), "each member as the line held it; rule, "
	    "which it has not, null");
	CHECK(a != NULL && strcmp(str(a, 1, "rule"), "staff_unknown") == 0 &&
	    is_null(a, 1, "impersonator_id") && is_null(a, 1, "user_id") &&
	    is_null(a, 1, "reason") && is_null(a, 1, "ip"), "a console.signin "
	    "refused: its rule, and null for what it has not");
	json_decref(a);

	audit_index_clear();
	add(7, T0 * 1000, &recs[1]);
	CHECK(audit_index_query(&all, answer, BIG) > 0 && strcmp(answer,
	    "{\"records\":[{\"time\":\"2026-12-03T10:00:00.000Z\",\"seq\":7,"
	    "\"event\":\"impersonation.requested\",\"outcome\":\"allowed\","
	    "\"impersonator_id\":\"auth0|support-1\",\"user_id\":"
	    "\"auth0|customer-1\",\"client_id\":\"storefront\",\"reason\":"
	    "\"ticket 4711\",\"rule\":null,\"ip\":\"192.0.2.7\"}],"
	    "\"truncated\":false}") == 0, "the answer's shape, to the byte");

	/* A write cut short: its whole lines only. */
	audit_index_clear();
	len = 0;
	line(buf, sizeof(buf), &len, 1, T0 * 1000, &recs[1]);
	cut = len;
	line(buf, sizeof(buf), &len, 2, T0 * 1000, &recs[3]);
	audit_index_add(buf, len - 1);
	CHECK(strcmp(seqs_of(&all), "1") == 0, "a batch written but for its "
	    "last byte: the whole line indexed, not the cut one");
	audit_index_clear();
	audit_index_add(buf, cut - 1);
	CHECK(audit_index_count() == 0, "one written but for its newline: "
	    "nothing");

	/* A torn line ended by the next start, lines of no record. */
	len = 0;
	buf[len++] = '\n';
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "{\"seq\":3,"
	    "\"time\":\"2026-12-03T10:00:00.000Z\",\"event\":\"impersonation."
	    "requested\",\"outcome\":\"all\n\n");
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "{\"seq\":4,"
	    "\"time\":\"yesterday\",\"event\":\"impersonation.requested\"}\n");
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "{\"seq\":\"5\","
	    "\"time\":\"2026-12-03T10:00:00.000Z\",\"event\":\"impersonation."
	    "requested\"}\n");
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "{\"seq\":6,"
	    "\"time\":\"2026-12-03T10:00:00.000Z\",\"event\":\"token.issued\","
	    "\"reason\":\"\\\",\\\"event\\\":\\\"impersonation.x\"}\n");
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "not json, "
	    "\"event\":\"impersonation.requested\"\n");
	audit_index_add(buf, len);
	CHECK(audit_index_count() == 0, "a torn line, empty lines, a bad "
	    "time, a seq that is no integer, an event named in a reason, "
	    "no JSON: nothing");
}

/* Twelve requests, 10 s apart: support-1 and -2 in turn, customers 1-3. */
static void
twelve(void)
{
	static const char	*imp[] = { "auth0|support-1", "auth0|support-2" };
	static const char	*user[] = { "auth0|customer-1",
				    "auth0|customer-2", "auth0|customer-3" };
	int			 i;

	audit_index_clear();
	for (i = 1; i <= 12; i++)
		add_req(i, i * 10, imp[i % 2], user[i % 3]);
}

static void
test_filters(void)
{
	struct audit_query	 q = { 0 };

	twelve();
	CHECK(strcmp(seqs_of(&q), "12,11,10,9,8,7,6,5,4,3,2,1") == 0,
	    "no filter: all, newest first");
	q.impersonator_id = "auth0|support-2";
	CHECK(strcmp(seqs_of(&q), "11,9,7,5,3,1") == 0, "by impersonator");
	q.impersonator_id = "auth0|support";
	CHECK(strcmp(seqs_of(&q), "") == 0, "exact: a prefix matches none");
	q.impersonator_id = "";
	q.user_id = "auth0|customer-3";
	CHECK(strcmp(seqs_of(&q), "11,8,5,2") == 0, "by user (\"\" is "
	    "anyone)");
	q.impersonator_id = "auth0|support-1";
	CHECK(strcmp(seqs_of(&q), "8,2") == 0, "by both");
	q.impersonator_id = NULL;
	q.user_id = NULL;
	q.since = T0 + 50;
	CHECK(strcmp(seqs_of(&q), "12,11,10,9,8,7,6,5") == 0, "since a "
	    "record's second (it is at .500): inclusive");
	q.since = T0 + 51;
	CHECK(strcmp(seqs_of(&q), "12,11,10,9,8,7,6") == 0, "since the "
	    "second after it: not");
	q.since = 0;
	q.until = T0 + 30;
	CHECK(strcmp(seqs_of(&q), "3,2,1") == 0, "until a record's second: "
	    "inclusive");
	q.until = T0 + 29;
	CHECK(strcmp(seqs_of(&q), "2,1") == 0, "until the second before: not");
	q.since = T0 + 40;
	q.until = T0 + 70;
	q.user_id = "auth0|customer-2";
	CHECK(strcmp(seqs_of(&q), "7,4") == 0, "a user in a time range");
	q.user_id = NULL;
	q.since = T0 + 70;
	q.until = T0 + 40;
	CHECK(audit_index_query(&q, answer, BIG) > 0 && strcmp(answer,
	    "{\"records\":[],\"truncated\":false}") == 0, "since after until: "
	    "no record");
}

static void
test_limit(void)
{
	struct audit_query	 q = { 0 };
	json_t			*a;
	int			 i;

	audit_index_clear();
	for (i = 1; i <= 120; i++)
		add_req(i, i, i % 2 ? "auth0|support-1" : "auth0|support-2",
		    "auth0|customer-1");
	a = ask(&q, BIG);
	CHECK(a != NULL && json_array_size(json_object_get(a, "records")) ==
	    50 && json_integer_value(json_object_get(json_array_get(
	    json_object_get(a, "records"), 49), "seq")) == 71 &&
	    json_is_false(json_object_get(a, "truncated")), "limit 0: the "
	    "newest 50, and not truncated (the limit is no truncation)");
	json_decref(a);
	q.limit = 1;
	CHECK(strcmp(seqs_of(&q), "120") == 0, "limit 1: the newest");
	q.limit = 3;
	q.impersonator_id = "auth0|support-1";
	CHECK(strcmp(seqs_of(&q), "119,117,115") == 0, "limit 3 of those "
	    "that match");
	q.impersonator_id = NULL;
	q.limit = 100;
	a = ask(&q, BIG);
	CHECK(a != NULL && json_array_size(json_object_get(a, "records")) ==
	    100, "limit 100: 100");
	json_decref(a);
	q.limit = 101;
	CHECK(audit_index_query(&q, answer, BIG) == -1, "limit 101: -1");
	q.limit = -1;
	CHECK(audit_index_query(&q, answer, BIG) == -1, "limit -1: -1");
}

/* The ring: the oldest go first, and the rebuild only fills it. */
static void
test_ring(void)
{
	struct audit_query	 q = { .limit = 3 };
	char			 buf[4096], want[64];
	size_t			 len = 0;
	long long		 i;

	audit_index_clear();
	for (i = 1; i <= AUDIT_INDEX_MAX + 10; i++)
		add_req(i, i, "auth0|support-1", "auth0|customer-1");
	CHECK(audit_index_count() == AUDIT_INDEX_MAX, "%d records more than "
	    "it holds: it holds %d", 10, AUDIT_INDEX_MAX);
	snprintf(want, sizeof(want), "%d,%d,%d", AUDIT_INDEX_MAX + 10,
	    AUDIT_INDEX_MAX + 9, AUDIT_INDEX_MAX + 8);
	CHECK(strcmp(seqs_of(&q), want) == 0, "the newest first");
	q.until = T0 + 11;
	CHECK(strcmp(seqs_of(&q), "11") == 0, "the oldest 10 were "
	    "overwritten: the oldest held is the 11th");
	{
		const struct rec	 r = { "impersonation.requested", "ok",
					    NULL, NULL, NULL, NULL, NULL,
					    NULL };

		line(buf, sizeof(buf), &len, 1, T0 * 1000, &r);
		audit_index_add_older(buf, len - 1);
	}
	CHECK(audit_index_count() == AUDIT_INDEX_MAX && strcmp(seqs_of(&q),
	    "11") == 0, "an older record once it is full: nothing changes");

	audit_index_clear();
	for (i = 10; i <= 12; i++)
		add_req(i, i, "auth0|support-1", "auth0|customer-1");
	for (i = 9; i >= 8; i--) {
		len = 0;
		line(buf, sizeof(buf), &len, i, (T0 + i) * 1000,
		    &(const struct rec){ "impersonation.link_redeemed", "ok",
		    NULL, NULL, NULL, NULL, NULL, NULL });
		audit_index_add_older(buf, len - 1);
	}
	q.limit = 0;
	q.until = 0;
	CHECK(strcmp(seqs_of(&q), "12,11,10,9,8") == 0, "older records "
	    "before the ring is full go behind the oldest");
}

/* Fill the index with n requests whose reason is reason. */
static void
fill(int n, const char *reason)
{
	const struct rec	 r = { "impersonation.requested", "allowed",
				    NULL, "auth0|support-1", "auth0|customer-1",
				    "storefront", reason, "2001:db8::7" };
	int			 i;

	audit_index_clear();
	for (i = 1; i <= n; i++)
		add(i, (T0 + i) * 1000, &r);
}

/*
 * Every outlen from 0 to past the whole answer: never a byte past it,
 * always JSON, the records a prefix of the whole answer's, "truncated"
 * exactly when some are left out.
 */
static void
test_truncation(void)
{
	const struct audit_query	 all = { 0 };
	char				 whole[8192], *p;
	size_t				 outlen, full, k, prev = 0;
	int				 n, ok = 1, monotone = 1, small = 1;
	json_t				*a;

	fill(5, "ticket \"4711\"");
	full = (size_t)audit_index_query(&all, whole, sizeof(whole));
	for (outlen = 0; outlen <= full + 1; outlen++) {
		memset(answer, 0xaa, full + 64);
		n = audit_index_query(&all, answer, outlen);
		for (p = answer + outlen; p < answer + full + 64; p++)
			ok &= *p == (char)0xaa;
		if (outlen < 33) {
			small &= n == -1;
			continue;
		}
		a = n >= 0 && strlen(answer) == (size_t)n &&
		    (size_t)n < outlen ? json_loads(answer, 0, NULL) : NULL;
		k = json_array_size(json_object_get(a, "records"));
		ok &= a != NULL && strcmp(seqs(a), "!") != 0 &&
		    strncmp(whole, answer, (size_t)n - 20) == 0 &&
		    json_is_boolean(json_object_get(a, "truncated")) &&
		    json_is_true(json_object_get(a, "truncated")) == (k < 5);
		monotone &= k >= prev;
		prev = k;
		json_decref(a);
	}
	CHECK(small, "outlen below 33 (the object with no record, its NUL): "
	    "-1");
	CHECK(ok, "outlen 33 to %zu: within it, JSON, a prefix of the whole "
	    "answer, truncated when records are left out", full + 1);
	CHECK(monotone && prev == 5 && strcmp(answer, whole) == 0, "more room, "
	    "never fewer records; room for all: the whole answer");
	CHECK(audit_index_query(&all, answer, 33) == 31 && strcmp(answer,
	    "{\"records\":[],\"truncated\":true}") == 0, "outlen 33: no room "
	    "for a record, and it says so");
}

/* Records of 6 KB each (1,000 control bytes, escaped): the cap holds. */
static void
test_out_max(void)
{
	const struct audit_query	 all = { .limit = 100 };
	char				 reason[1001];
	int				 n, ok = 1;
	json_t				*a;
	size_t				 i;

	memset(reason, 0x01, sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	fill(100, reason);
	memset(answer, 0xaa, BIG);
	n = audit_index_query(&all, answer, BIG);
	for (i = AUDIT_INDEX_OUT_MAX; i < BIG; i++)
		ok &= answer[i] == (char)0xaa;
	a = n > 0 ? json_loads(answer, 0, NULL) : NULL;
	CHECK(n > 0 && n < AUDIT_INDEX_OUT_MAX && ok && a != NULL &&
	    json_is_true(json_object_get(a, "truncated")) &&
	    json_array_size(json_object_get(a, "records")) == 9,
	    "100 records of 6 KB, asked with a buffer of 2 MB: %d bytes, "
	    "within AUDIT_INDEX_OUT_MAX (%d), 9 records, truncated", n,
	    AUDIT_INDEX_OUT_MAX);
	CHECK(a != NULL && strcmp(str(a, 0, "reason"), reason) == 0,
	    "the reason's 1,000 bytes back whole");
	json_decref(a);
}

/* Quotes, backslashes, control bytes, UTF-8, a byte that is not. */
static void
test_hostile(void)
{
	static const char	 reason[] = "\"'><script>\\ \n\r\t\b\f\x01\x1b"
				    "[31m\x7f caf\xc3\xa9 \xe6\x97\xa5 "
				    "\xf0\x9f\x98\x80 \xe2\x80\xae \xe2\x80\xa8"
				    " \xff end";
	static const char	 written[] = "\"'><script>\\ \n\r\t\b\f\x01\x1b"
				    "[31m\x7f caf\xc3\xa9 \xe6\x97\xa5 "
				    "\xf0\x9f\x98\x80 \xe2\x80\xae \xe2\x80\xa8"
				    " \xef\xbf\xbd end";
	static const char	 imp[] = "auth0|\"x\",\"user_id\":\"y";
	char			 user[302];
	const struct rec	 r = { "impersonation.requested", "allowed",
				    NULL, imp, user, "storefront", reason,
				    "192.0.2.7" };
	struct audit_query	 q = { .impersonator_id = imp };
	const char		*s;
	json_t			*a;
	int			 n, printable = 1, i;

	/* "a" and 150 e-acute: 301 bytes, cut to 255 (256 is mid-way). */
	user[0] = 'a';
	for (i = 0; i < 150; i++)
		memcpy(user + 1 + 2 * i, "\xc3\xa9", 2);
	user[301] = '\0';
	audit_index_clear();
	add(1, T0 * 1000, &r);
	n = audit_index_query(&q, answer, BIG);
	for (i = 0; i < n; i++)
		printable &= (unsigned char)answer[i] >= 0x20;
	a = n > 0 ? json_loads(answer, 0, NULL) : NULL;
	CHECK(a != NULL && printable && utf8_valid(answer, (size_t)n),
	    "hostile strings: the answer is JSON, with no raw control byte, "
	    "and UTF-8");
	CHECK(a != NULL && (s = str(a, 0, "reason")) != NULL &&
	    strcmp(s, written) == 0, "the reason as the log holds it (the "
	    "byte that is not UTF-8 is U+FFFD there)");
	CHECK(a != NULL && strcmp(str(a, 0, "impersonator_id"), imp) == 0,
	    "an impersonator_id of quotes: found by the exact filter, whole");
	CHECK(a != NULL && (s = str(a, 0, "user_id")) != NULL &&
	    strlen(s) == PROTO_USER_ID_MAX - 1 && strncmp(s, user,
	    PROTO_USER_ID_MAX - 1) == 0, "a user_id longer than "
	    "PROTO_USER_ID_MAX: cut before the character it would split");
	json_decref(a);
}

static const unsigned char	 key[32] = { 7, 7, 7 };

static void
conf_for(struct config *conf, char *path, const char *name)
{
	snprintf(path, PATH_MAX, "%s/%s", dir, name);
	memset(conf, 0, sizeof(*conf));
	conf->audit_path = path;
	conf->link_ttl = 120;
	conf->code_ttl = 60;
}

/* Write what the index answered to path; exit on failure. */
static void
save_answer(const struct audit_query *q, const char *path)
{
	FILE	*f;

	if (audit_index_query(q, answer, BIG) < 0 ||
	    (f = fopen(path, "w")) == NULL || fputs(answer, f) == EOF ||
	    fclose(f) == EOF)
		_exit(4);
}

static char *
slurp(const char *path)
{
	static char	 buf[BIG];
	FILE		*f;
	size_t		 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/*
 * The signer's life, in a child: records over an hour, some in batches,
 * a hostile reason among them; its index's answers, for all and for the
 * rebuild's window, saved beside the log.
 */
static void
write_real_log(const struct config *conf)
{
	static const struct {
		long long	 ago;		/* s before T0 */
		const char	*event;
	} recs[] = {
		{ 3600, "impersonation.requested" },
		{ 3000, "token.issued" },
		{ 2000, "impersonation.link_redeemed" },
		{ 700, "console.signin" },
		{ 599, "impersonation.requested" },
		{ 599, "impersonation.link_redeemed" },
		{ 599, "token.issued" },
		{ 300, "impersonation.code_refused" },
		{ 30, "console.signout" },
		{ 10, "impersonation.requested" },
	};
	struct audit_record	 r = { .outcome = "ok",
				    .impersonator_id = "auth0|support-1",
				    .user_id = "auth0|customer-1",
				    .client_id = "storefront",
				    .reason = "ticket \"47\"\x01\xff caf\xc3\xa9",
				    .ip = "192.0.2.7" };
	struct audit_query	 q = { .limit = 100 };
	char			 path[PATH_MAX];
	size_t			 i;

	audit_index_clear();	/* what the parent held before the fork */
	fake_ms = (T0 - 4000) * 1000;
	if (audit_open(conf, key, sizeof(key), NULL, -1) == -1 ||
	    audit_commit() == -1)
		_exit(2);
	for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		fake_ms = (T0 - recs[i].ago) * 1000 + 250;
		r.event = recs[i].event;
		audit_queue(&r);
		/* The three records at 599 s go in one batch. */
		if (recs[i].ago != 599 || strcmp(r.event, "token.issued") == 0)
			if (audit_commit() == -1)
				_exit(3);
	}
	snprintf(path, sizeof(path), "%s/live.json", dir);
	save_answer(&q, path);
	q.since = T0 - WINDOW;
	snprintf(path, sizeof(path), "%s/live-window.json", dir);
	save_answer(&q, path);
	_exit(0);
}

/* Does each record of the answer a stand in the log as a line? */
static int
in_log(json_t *a, const char *log)
{
	json_t		*recs = json_object_get(a, "records"), *r, *l;
	const char	*p, *nl;
	size_t		 i, found = 0;

	json_array_foreach(recs, i, r) {
		for (p = log; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
			if ((l = json_loadb(p, (size_t)(nl - p), 0, NULL)) ==
			    NULL)
				continue;
			if (json_equal(json_object_get(l, "seq"),
			    json_object_get(r, "seq")) &&
			    json_equal(json_object_get(l, "time"),
			    json_object_get(r, "time")) &&
			    json_equal(json_object_get(l, "event"),
			    json_object_get(r, "event")) &&
			    json_equal(json_object_get(l, "reason"),
			    json_object_get(r, "reason")))
				found++;
			json_decref(l);
		}
	}
	return found == json_array_size(recs);
}

static void
test_real_log(void)
{
	struct config	 conf;
	struct audit_query	 q = { .limit = 100 };
	char		 path[PATH_MAX], other[PATH_MAX], *log, *live;
	json_t		*a = NULL;
	pid_t		 pid;
	int		 status = -1;

	conf_for(&conf, path, "real.log");
	unlink(path);
	fflush(NULL);
	if ((pid = fork()) == 0)
		write_real_log(&conf);
	if (pid == -1 || waitpid(pid, &status, 0) == -1 ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		CHECK(0, "audit.c writes a log and indexes it (status %d)",
		    status);
		return;
	}
	snprintf(other, sizeof(other), "%s/live.json", dir);
	if ((live = slurp(other)) != NULL)
		a = json_loads(live, 0, NULL);
	log = a != NULL ? strdup(slurp(path)) : NULL;
	CHECK(a != NULL && strcmp(seqs(a), "12,11,10,8,7,6,5,3") == 0,
	    "a log written by audit.c: its 8 records of those events indexed "
	    "as it wrote them, newest first");
	CHECK(a != NULL && log != NULL && in_log(a, log), "each with the "
	    "seq, time, event and reason of its line in the log");
	json_decref(a);
	free(log);

	/* A restart: the rebuild's one pass fills the index again. */
	audit_index_clear();
	fake_ms = T0 * 1000;
	CHECK(redeemed_rebuild(&conf) == 0, "the rebuild at a restart reads "
	    "the log");
	snprintf(other, sizeof(other), "%s/live-window.json", dir);
	live = slurp(other);
	CHECK(live != NULL && audit_index_query(&q, answer, BIG) > 0 &&
	    strcmp(answer, live) == 0, "and the index answers as the live "
	    "one did for the last %d s, to the byte: %s", WINDOW, answer);
}

/*
 * The rebuild across a rotation, and a window with more records than
 * the index holds: the newest kept, the rotated file's behind.
 */
static void
test_rebuild(void)
{
	struct config	 conf;
	struct audit_query	 q = { .limit = 3 };
	char		 path[PATH_MAX], old[PATH_MAX], *buf, want[64];
	const struct rec	 req = { "impersonation.requested", "allowed",
				    NULL, "auth0|support-1", "auth0|customer-1",
				    "storefront", "ticket", NULL };
	const struct rec	 rot = { "audit.rotated", "ok", NULL, NULL,
				    NULL, NULL, NULL, NULL };
	size_t		 len = 0, size = 4 * 1024 * 1024;
	long long	 i, seq = 1;
	FILE		*f;

	if ((buf = malloc(size)) == NULL)
		exit(2);
	conf_for(&conf, path, "rotated.log");
	snprintf(old, sizeof(old), "%s/rotated.log.1", dir);
	line(buf, size, &len, seq++, (T0 - 900) * 1000, &req);
	line(buf, size, &len, seq++, (T0 - 500) * 1000, &req);
	line(buf, size, &len, seq++, (T0 - 400) * 1000, &req);
	if ((f = fopen(old, "w")) == NULL || fwrite(buf, 1, len, f) != len ||
	    fclose(f) == EOF)
		exit(2);
	len = 0;
	line(buf, size, &len, seq++, (T0 - 300) * 1000, &rot);
	line(buf, size, &len, seq++, (T0 - 200) * 1000, &req);
	if ((f = fopen(path, "w")) == NULL || fwrite(buf, 1, len, f) != len ||
	    fclose(f) == EOF)
		exit(2);
	audit_index_clear();
	fake_ms = T0 * 1000;
	q.limit = 0;
	CHECK(redeemed_rebuild(&conf) == 0 && strcmp(seqs_of(&q), "5,3,2") ==
	    0, "a rotation in the window: the records of both files in it, "
	    "newest first, not the one before it");
	unlink(old);

	/* Ten records a second: seq i in second T0 - 590 + i / 10. */
	len = 0;
	for (i = 1; i <= AUDIT_INDEX_MAX + 5; i++)
		line(buf, size, &len, i, (T0 - 590) * 1000 + i * 100, &req);
	if ((f = fopen(path, "w")) == NULL || fwrite(buf, 1, len, f) != len ||
	    fclose(f) == EOF)
		exit(2);
	audit_index_clear();
	q.since = q.until = T0 - 590;
	CHECK(redeemed_rebuild(&conf) == 0 && audit_index_count() ==
	    AUDIT_INDEX_MAX && strcmp(seqs_of(&q), "9,8,7,6") == 0, "%d "
	    "records in the window: the newest %d, the oldest held the 6th",
	    AUDIT_INDEX_MAX + 5, AUDIT_INDEX_MAX);
	len = 0;
	line(buf, size, &len, i, T0 * 1000, &req);
	audit_index_add(buf, len);
	q.since = q.until = 0;
	q.limit = 2;
	snprintf(want, sizeof(want), "%lld,%lld", i, i - 1);
	CHECK(strcmp(seqs_of(&q), want) == 0, "a record written after the "
	    "rebuild is the newest");
	q.since = q.until = T0 - 590;
	q.limit = 0;
	CHECK(strcmp(seqs_of(&q), "9,8,7") == 0, "and the oldest goes");
	free(buf);
}

/*
 * A log of tests/lib/auditgen.mjs, its records an hour apart, the clock
 * just after the 39th, a request with a hostile reason: the one record of
 * the window indexed, the reason whole.
 */
static void
test_auditgen(void)
{
	static const char	 hostile[] = "ticket \x1b[31mRED\x1b[0m\x07 bell\t"
				    "tab \xe2\x80\xaegnp.exe \xe2\x80\x8bzero-"
				    "width back\\slash and a tail long enough "
				    "to be cut";
	struct config		 conf;
	struct audit_query	 q = { 0 };
	char			 path[PATH_MAX], keyfile[PATH_MAX];
	char			 cmd[4 * PATH_MAX];
	json_t			*a;
	FILE			*f;

	if (auditgen[0] == '\0' || system("node --version >/dev/null 2>&1")
	    != 0) {
		printf("ok %d - # SKIP no node, or no tests/lib/auditgen.mjs\n",
		    ++check_n);
		return;
	}
	conf_for(&conf, path, "auditgen.log");
	snprintf(keyfile, sizeof(keyfile), "%s/audit.key", dir);
	if ((f = fopen(keyfile, "w")) == NULL ||
	    fwrite(key, 1, sizeof(key), f) != sizeof(key) || fclose(f) == EOF)
		exit(2);
	snprintf(cmd, sizeof(cmd), "node '%s' --key '%s' --out '%s' "
	    "--records 39 --hostile-at 39", auditgen, keyfile, path);
	CHECK(system(cmd) == 0, "auditgen.mjs writes a log of 39 records");
	/* Record 39: 2026-11-27T00:00:00Z + 38 h + 39 ms; a second later. */
	fake_ms = 1795737600000LL + 38 * 3600000LL + 39 + 1000;
	audit_index_clear();
	a = redeemed_rebuild(&conf) == 0 ? ask(&q, BIG) : NULL;
	CHECK(a != NULL && strcmp(seqs(a), "39") == 0 &&
	    strcmp(str(a, 0, "event"), "impersonation.requested") == 0 &&
	    strcmp(str(a, 0, "time"), "2026-11-28T14:00:00.039Z") == 0,
	    "rebuilt from it: the one record of the window, its time as "
	    "written");
	CHECK(a != NULL && strcmp(str(a, 0, "reason"), hostile) == 0 &&
	    strcmp(str(a, 0, "impersonator_id"), "auth0|support-1") == 0 &&
	    strcmp(str(a, 0, "ip"), "127.0.0.1") == 0, "its hostile reason "
	    "back whole, and its other members");
	json_decref(a);
}

int
main(int argc, char *argv[])
{
	char	 tmpl[] = "/tmp/test_audit_index.XXXXXX", cmd[PATH_MAX + 16];

	log_init("test_audit_index", 0);
	fake_ms = T0 * 1000;
	if (realpath("tests/lib/auditgen.mjs", auditgen) == NULL)
		auditgen[0] = '\0';
	if (argc > 1)
		snprintf(dir, sizeof(dir), "%s", argv[1]);
	else if (mkdtemp(tmpl) != NULL)
		snprintf(dir, sizeof(dir), "%s", tmpl);
	else {
		perror("mkdtemp");
		return 2;
	}
	test_add();
	test_filters();
	test_limit();
	test_ring();
	test_truncation();
	test_out_max();
	test_hostile();
	test_real_log();
	test_rebuild();
	test_auditgen();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (argc <= 1 && system(cmd) != 0)
		fprintf(stderr, "test_audit_index: cannot remove %s\n", dir);
	return check_done();
}
