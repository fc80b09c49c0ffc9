/*
 * The set of redeemed grant ids (signer/redeemed.c) and its rebuild from
 * the audit log (signer/redeemed_rebuild.c), linked alone: a grant is
 * redeemed once, the set's bound fails closed, and a restart marks exactly
 * the grants redeemed inside the window, from the end of the log and the
 * rotated files before it, reading no more of a long log than its end.
 *
 * The clock is this program's, as in test_audit_clock (fake_clock.c).
 * One log is written by audit.c itself (in a child: its state is
 * static, opened once a process, as in the signer); the others by hand,
 * in its format, with the odd lines the real one may hold.
 *
 * Usage: test_redeemed [DIR]	(a scratch folder; by default one in /tmp)
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "check.h"
#include "config.h"
#include "fake_clock.h"
#include "hex.h"
#include "log.h"
#include "redeemed.h"

#define T0	1796292000LL		/* 2026-12-03T10:00:00Z, in s */
#define WINDOW	CONFIG_TTL_MAX		/* whatever link_ttl and code_ttl are */
#define BIG_LOG	(50LL * 1024 * 1024)

static char		 dir[PATH_MAX / 2];	/* room for names in it */

/* A grant id made from a number, spread over its 32 bytes (splitmix64). */
static void
grant(uint64_t n, unsigned char id[REDEEMED_ID_LEN])
{
	uint64_t	 z;
	size_t		 i;

	for (i = 0; i < REDEEMED_ID_LEN; i += 8) {
		z = (n += 0x9e3779b97f4a7c15ULL);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		memcpy(id + i, &z, 8);
	}
}

static const char *
grant_hex(uint64_t n)
{
	static char	 hex[4][2 * REDEEMED_ID_LEN + 1];
	static int	 next;
	unsigned char	 id[REDEEMED_ID_LEN];
	char		*h = hex[next++ % 4];

	grant(n, id);
	hex_encode(id, sizeof(id), h);
	return h;
}

static int
has(uint64_t n, long long now)
{
	unsigned char	 id[REDEEMED_ID_LEN];

	grant(n, id);
	return redeemed_has(id, now);
}

static int
take(uint64_t n, long long exp, long long now)
{
	unsigned char	 id[REDEEMED_ID_LEN];

	grant(n, id);
	return redeemed_take(id, exp, now);
}

/*
 * A record as audit.c writes it: seq, time, event, outcome, the members
 * of doc/audit.md in their order, the mac last (not a real one: the
 * rebuild reads no mac).  gid 0: no grant_id.
 */
static int
record(FILE *f, long long seq, long long ms, const char *event,
    uint64_t gid)
{
	char	 t[32];

	rfc3339(ms, t);
	if (strcmp(event, "audit.rotated") == 0)
		return fprintf(f, "{\"seq\":%lld,\"time\":\"%s\",\"event\":"
		    "\"audit.rotated\",\"outcome\":\"ok\",\"prev_file\":"
		    "\"audit.log.1\",\"mac\":\"%064d\"}\n", seq, t, 0);
	if (gid == 0)
		return fprintf(f, "{\"seq\":%lld,\"time\":\"%s\",\"event\":"
		    "\"%s\",\"outcome\":\"ok\",\"grant\":\"client_credentials\","
		    "\"client_id\":\"backoffice\",\"jti\":\"jti-%lld\",\"mac\":"
		    "\"%064d\"}\n", seq, t, event, seq, 0);
	return fprintf(f, "{\"seq\":%lld,\"time\":\"%s\",\"event\":\"%s\","
	    "\"outcome\":\"ok\",\"impersonator_id\":\"auth0|support-1\","
	    "\"user_id\":\"auth0|customer-1\",\"client_id\":\"storefront\","
	    "\"ip\":\"127.0.0.1\",\"user_agent\":\"curl/7.88.1\","
	    "\"link_hash\":\"%s\",\"grant_id\":\"%s\",\"mac\":\"%064d\"}\n",
	    seq, t, event, grant_hex(gid + 1000000), grant_hex(gid), 0);
}

static FILE *
create(const char *name, char *path)
{
	FILE	*f;

	snprintf(path, PATH_MAX, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(2);
	}
	return f;
}

static void
conf_for(struct config *conf, char *path)
{
	memset(conf, 0, sizeof(*conf));
	conf->audit_path = path;
	/* Shorter than a grant may have been sealed for: the window stays. */
	conf->link_ttl = 120;
	conf->code_ttl = 60;
}

/* Empty the set, and the clock at T0. */
static void
reset(void)
{
	redeemed_sweep(LLONG_MAX);
	fake_ms = T0 * 1000;
}

static void
test_take(void)
{
	long long	 now = T0;

	CHECK(take(1, now + 60, now) == 0, "a first take: not redeemed");
	CHECK(has(1, now) == 1, "then it is");
	CHECK(take(1, now + 60, now) == 1, "a second take: redeemed already");
	CHECK(take(1, now + 90, now + 10) == 1, "a third, later: still");
	CHECK(has(2, now) == 0 && redeemed_count() == 1, "no other id is");
	CHECK(has(1, now + 60) == 1, "redeemed through its exp");
	CHECK(has(1, now + 61) == 0, "and expired after it");
	CHECK(take(1, now + 200, now + 61) == 0 && has(1, now + 150) == 1,
	    "an expired entry taken again is taken anew");
	redeemed_sweep(now + 200);
	CHECK(redeemed_count() == 1 && has(1, now + 200), "a sweep leaves "
	    "what has not expired");
	redeemed_sweep(now + 201);
	CHECK(redeemed_count() == 0 && !has(1, now), "and reclaims what has");
}

/*
 * Ids of one home slot, the last one, so that their run wraps round the
 * index: drops in its middle must leave every other one findable.
 */
static void
test_collisions(void)
{
	unsigned char	 id[8][REDEEMED_ID_LEN];
	long long	 now = T0;
	int		 i, ok = 1;

	reset();
	for (i = 0; i < 8; i++) {
		memset(id[i], 0xff, sizeof(id[i]));
		id[i][31] = (unsigned char)i;
		if (i >= 6)	/* homes right after the wrap */
			memset(id[i], 0, 8);
		ok &= redeemed_take(id[i], now + 10 + i % 2, now) == 0;
	}
	CHECK(ok && redeemed_count() == 8, "8 ids sharing a home slot, round "
	    "the end of the index");
	redeemed_sweep(now + 11);	/* the even ones */
	for (i = 0; i < 8; i++)
		ok &= redeemed_has(id[i], now) == (i % 2);
	CHECK(ok && redeemed_count() == 4, "half of them swept: the others "
	    "are found, the swept ones not");
	for (i = 0; i < 8; i++)
		ok &= redeemed_take(id[i], now + 20, now) == (i % 2);
	CHECK(ok && redeemed_count() == 8, "taken again: 1 for those kept, "
	    "0 for those swept");
}

/* The set holds REDEEMED_MAX; past it a take fails closed. */
static void
test_full(void)
{
	long long	 now = T0;
	uint64_t	 n;
	int		 ok = 1;

	reset();
	for (n = 1; n <= REDEEMED_MAX; n++)
		ok &= take(n, now + 100 + (long long)(n % 2), now) == 0;
	CHECK(ok && redeemed_count() == REDEEMED_MAX, "%d ids taken",
	    REDEEMED_MAX);
	CHECK(take(REDEEMED_MAX + 1, now + 100, now) == -1 &&
	    !has(REDEEMED_MAX + 1, now), "one more: -1, and it is not marked");
	CHECK(take(REDEEMED_MAX + 1, now + 100, now) == -1,
	    "again in the same second: -1");
	CHECK(take(7, now + 100, now) == 1, "one held: still 1");
	CHECK(take(REDEEMED_MAX + 1, now + 200, now + 101) == 0 &&
	    redeemed_count() <= REDEEMED_MAX, "a take once half have "
	    "expired: its own sweep makes room");
	redeemed_sweep(now + 102);
	CHECK(redeemed_count() == 1 && has(REDEEMED_MAX + 1, now + 102),
	    "a later sweep frees the rest");
	for (n = 1; n < REDEEMED_MAX; n++)
		ok &= take(n, now + 300, now + 102) == 0;
	CHECK(ok && take(REDEEMED_MAX + 2, now + 300, now + 102) == -1,
	    "filled again after the sweep: full again");
	redeemed_sweep(now + 301);
	CHECK(redeemed_count() == 0 && take(REDEEMED_MAX + 2, now + 400,
	    now + 301) == 0, "and emptied again");
}

/*
 * A log in the window and out of it: records with and without grant_id,
 * a line that is no JSON, one that names grant_id only in a reason, and a
 * torn last line.
 */
static void
test_rebuild(void)
{
	struct config	 conf;
	char		 path[PATH_MAX];
	FILE		*f;
	long long	 now = T0, ms = T0 * 1000;

	reset();
	f = create("audit.log", path);
	record(f, 1, ms - 3600000, "impersonation.link_redeemed", 11);
	record(f, 2, ms - (WINDOW + 100) * 1000, "impersonation.link_redeemed",
	    12);
	record(f, 3, ms - (WINDOW + 1) * 1000, "token.issued", 13);
	record(f, 4, ms - 500000, "token.issued", 14);
	record(f, 5, ms - 400000, "token.issued", 0);
	fprintf(f, "not json at all, \"grant_id\": \"%s\"\n", grant_hex(15));
	fprintf(f, "{\"seq\":6,\"time\":\"%s\",\"event\":\"impersonation."
	    "requested\",\"outcome\":\"allowed\",\"reason\":\"ticket \\\""
	    "grant_id\\\" %s\",\"mac\":\"%064d\"}\n", "2026-12-03T09:55:00.000Z",
	    grant_hex(16), 0);
	record(f, 7, ms - 100000, "impersonation.link_redeemed", 17);
	fprintf(f, "\n");
	record(f, 8, ms - 10000, "token.issued", 18);
	fprintf(f, "{\"seq\":9,\"time\":\"2026-12-03T09:59:59.000Z\",\"event\":"
	    "\"token.issued\",\"grant_id\":\"%s", grant_hex(19));
	fclose(f);

	conf_for(&conf, path);
	CHECK(redeemed_rebuild(&conf) == 0, "rebuilt from a log");
	CHECK(redeemed_count() == 3 && has(14, now) && has(17, now) &&
	    has(18, now), "the 3 grants redeemed in the window are marked");
	CHECK(!has(11, now) && !has(12, now) && !has(13, now), "none before "
	    "it (13: a second before it)");
	CHECK(!has(15, now) && !has(16, now) && !has(19, now), "none from a "
	    "line of no JSON, a reason, a torn last line");
	CHECK(has(14, now - 500 + WINDOW) && !has(14, now - 500 + WINDOW + 1),
	    "each until its record's time plus the window");
	CHECK(take(17, now + 60, now) == 1, "a rebuilt id taken again: 1");
	CHECK(redeemed_rebuild(&conf) == 0 && redeemed_count() == 3,
	    "rebuilt twice: the same 3");

	/* Records that say when their grant expires (grant_exp). */
	reset();
	f = create("exp.log", path);
	fprintf(f, "{\"seq\":1,\"time\":\"%s\",\"event\":\"token.issued\","
	    "\"grant_id\":\"%s\",\"grant_exp\":%lld,\"mac\":\"%064d\"}\n",
	    "2026-12-03T09:58:20.000Z", grant_hex(31), now + 200, 0);
	fprintf(f, "{\"seq\":2,\"time\":\"%s\",\"event\":\"token.issued\","
	    "\"grant_id\":\"%s\",\"grant_exp\":%lld,\"mac\":\"%064d\"}\n",
	    "2026-12-03T09:58:20.000Z", grant_hex(32), now - 50, 0);
	fclose(f);
	conf_for(&conf, path);
	CHECK(redeemed_rebuild(&conf) == 0 && has(31, now + 200) &&
	    !has(31, now + 201), "a grant_exp keeps its id until then, not "
	    "the record's time plus the window");
	CHECK(!has(32, now) && redeemed_count() == 1, "a grant that expired "
	    "before the start, and whose record is older than code_ttl, takes "
	    "no room");

	/*
	 * Four-eyes approval: an approval's grants live up to a day (ttl at
	 * its cap here), and a decision keeps its id a window past that.  A decision older than
	 * the window, its approval still alive, is read back when approval
	 * is in the policy: a restart must not let it be decided again.
	 */
	reset();
	f = create("approval.log", path);
	fprintf(f, "{\"seq\":1,\"time\":\"%s\",\"event\":\"impersonation."
	    "approval_decided\",\"outcome\":\"rejected\",\"grant_id\":"
	    "\"%s\",\"grant_exp\":%lld,\"mac\":\"%064d\"}\n",
	    "2026-12-03T07:00:00.000Z", grant_hex(33), now + 3600, 0);
	fprintf(f, "{\"seq\":2,\"time\":\"%s\",\"event\":\"impersonation."
	    "requested\",\"outcome\":\"allowed\",\"grant_id\":\"%s\","
	    "\"grant_exp\":%lld,\"mac\":\"%064d\"}\n",
	    "2026-12-02T10:30:00.000Z", grant_hex(34), now + 60, 0);
	fclose(f);
	conf_for(&conf, path);
	CHECK(redeemed_rebuild(&conf) == 0 && redeemed_count() == 0,
	    "without approval in the policy, only the window is read");
	reset();
	conf.approval.enabled = 1;
	conf.approval.ttl = CONFIG_APPROVAL_TTL_MAX;
	CHECK(redeemed_rebuild(&conf) == 0 && has(33, now + 3600) &&
	    !has(33, now + 3601), "with approval, a decision 3 hours old is "
	    "read back, its approval's id kept until its grant_exp");
	CHECK(has(34, now) && redeemed_count() == 2, "and an approved link "
	    "23.5 hours old, still alive");

	reset();
	snprintf(path, sizeof(path), "%s/missing.log", dir);
	CHECK(redeemed_rebuild(&conf) == 0 && redeemed_count() == 0,
	    "a missing log: no error, nothing marked");
	f = create("empty.log", path);
	fclose(f);
	CHECK(redeemed_rebuild(&conf) == 0 && redeemed_count() == 0,
	    "an empty log: no error, nothing marked");
	snprintf(path, sizeof(path), "%s", dir);
	CHECK(redeemed_rebuild(&conf) == -1, "a log that cannot be read "
	    "(a folder): -1");
}

/*
 * Approvals live approval.ttl, longer than the usual window: their
 * decisions and uses are read back as far as the ttl and the window in
 * which an expiry is taken (config_approval_window).  Without that, a
 * signer restarted ten minutes after an approval was used would give its
 * link again.
 */
static void
test_rebuild_approvals(void)
{
	struct config	 conf;
	char		 path[PATH_MAX], t[32];
	FILE		*f;
	long long	 now = T0, ms = T0 * 1000;

	reset();
	f = create("approvals.log", path);
	rfc3339(ms - 5000 * 1000, t);
	fprintf(f, "{\"seq\":1,\"time\":\"%s\",\"event\":\"impersonation."
	    "approval_decided\",\"outcome\":\"approved\",\"approval_id\":"
	    "\"a1\",\"grant_id\":\"%s\",\"grant_exp\":%lld,\"mac\":\"%064d\"}"
	    "\n", t, grant_hex(71), now + 100, 0);
	rfc3339(ms - 2000 * 1000, t);
	fprintf(f, "{\"seq\":2,\"time\":\"%s\",\"event\":\"impersonation."
	    "requested\",\"outcome\":\"allowed\",\"approval_id\":\"a2\","
	    "\"grant_id\":\"%s\",\"grant_exp\":%lld,\"mac\":\"%064d\"}\n", t,
	    grant_hex(72), now + 2200, 0);
	fclose(f);
	conf_for(&conf, path);
	CHECK(redeemed_rebuild(&conf) == 0 && !has(72, now),
	    "without approvals, a use 2000 s old is before the window (the "
	    "control)");
	reset();
	conf.approval.enabled = 1;
	conf.approval.ttl = 3600;
	CHECK(redeemed_rebuild(&conf) == 0 && has(72, now) &&
	    has(72, now + 2200) && !has(72, now + 2201),
	    "with a ttl of 3600 s, an approval used 2000 s ago stays used "
	    "until its grant_exp");
	CHECK(!has(71, now), "a decision older than ttl and window is not "
	    "read");
}

/*
 * Rotated files: the newest one is read when the current file began
 * inside the window, whatever its first record, and no other.  Some of the
 * rotated files hold grants timed inside the window although they come
 * before older records: they tell a file read that should not be.
 */
static void
test_rotated(void)
{
	struct config	 conf;
	char		 path[PATH_MAX], old[PATH_MAX];
	FILE		*f;
	long long	 now = T0, ms = T0 * 1000;

	reset();
	if (mkdir("r1", 0700) == -1 && errno != EEXIST)
		exit(2);
	f = create("r1/audit.log.1", old);
	record(f, 1, ms - 900000, "impersonation.link_redeemed", 21);
	record(f, 2, ms - 300000, "token.issued", 22);
	fclose(f);
	f = create("r1/audit.log", path);
	record(f, 3, ms - 200000, "audit.rotated", 0);
	record(f, 4, ms - 100000, "token.issued", 23);
	fclose(f);
	conf_for(&conf, path);
	CHECK(redeemed_rebuild(&conf) == 0 && redeemed_count() == 2 &&
	    has(22, now) && has(23, now) && !has(21, now), "a rotation "
	    "inside the window: the grants of both files in it");

	reset();
	f = create("r1/audit.log.2", old);
	record(f, 5, ms - 700000, "audit.rotated", 0);
	record(f, 6, ms - 150000, "token.issued", 24);
	fclose(f);
	f = create("r1/audit.log", path);
	record(f, 7, ms - 50000, "audit.rotated", 0);
	record(f, 8, ms - 40000, "token.issued", 25);
	fclose(f);
	CHECK(redeemed_rebuild(&conf) == 0 && redeemed_count() == 2 &&
	    has(24, now) && has(25, now) && !has(22, now), "two rotated "
	    "files: .2 is the newest, and it began before the window: .1 "
	    "is not read");

	reset();
	f = create("r1/audit.log", path);
	record(f, 9, ms - 900000, "audit.rotated", 0);
	record(f, 10, ms - 10000, "token.issued", 26);
	fclose(f);
	CHECK(redeemed_rebuild(&conf) == 0 && redeemed_count() == 1 &&
	    has(26, now) && !has(24, now), "a rotation before the window: "
	    "no rotated file read");

	reset();
	f = create("r1/audit.log", path);
	fclose(f);
	CHECK(redeemed_rebuild(&conf) == 0 && redeemed_count() == 1 &&
	    has(24, now), "an empty file after a rotation (no audit.rotated "
	    "yet): the newest rotated file read");

	reset();
	f = create("r1/audit.log", path);
	record(f, 1, ms - 20000, "service.started", 0);
	record(f, 2, ms - 10000, "token.issued", 27);
	fclose(f);
	CHECK(redeemed_rebuild(&conf) == 0 && redeemed_count() == 2 &&
	    has(27, now) && has(24, now), "a file begun inside the window by "
	    "a signer's start (one that died before its audit.rotated, then "
	    "another): the newest rotated file is read too");
}

/* A log written by audit.c itself, the clock moved between records. */
static void
write_real_log(const struct config *conf)
{
	static const unsigned char	 key[32] = { 1, 2, 3 };
	static const struct {
		long long	 ago;		/* s before T0 */
		uint64_t	 gid;
	} recs[] = { { 3000, 31 }, { 700, 32 }, { 599, 33 }, { 300, 0 },
	    { 10, 34 } };
	struct audit_record	 r = { .event = "impersonation.link_redeemed",
				    .outcome = "ok", .client_id = "storefront" };
	size_t			 i;

	fake_ms = (T0 - 4000) * 1000;
	if (audit_open(conf, key, sizeof(key), NULL, -1) == -1 ||
	    audit_commit() == -1)
		_exit(2);
	for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		fake_ms = (T0 - recs[i].ago) * 1000 + 123;
		r.grant_id = recs[i].gid != 0 ? grant_hex(recs[i].gid) : NULL;
		audit_queue(&r);
		if (audit_commit() == -1)
			_exit(3);
	}
	_exit(0);
}

static void
test_real_log(void)
{
	struct config	 conf;
	char		 path[PATH_MAX];
	pid_t		 pid;
	int		 status = -1;

	reset();
	snprintf(path, sizeof(path), "%s/real.log", dir);
	unlink(path);
	conf_for(&conf, path);
	fflush(NULL);
	if ((pid = fork()) == 0)
		write_real_log(&conf);
	if (pid == -1 || waitpid(pid, &status, 0) == -1 ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		CHECK(0, "audit.c writes a log (status %d)", status);
		return;
	}
	fake_ms = T0 * 1000;
	CHECK(redeemed_rebuild(&conf) == 0 && redeemed_count() == 2 &&
	    has(33, T0) && has(34, T0) && !has(31, T0) && !has(32, T0),
	    "a log written by audit.c: the 2 grants of the window marked");
}

/*
 * 50 MB of records before the window, then the window's: only the end is
 * read.  The first line holds a grant timed inside the window: read, it
 * would be marked.
 */
static void
test_big_log(void)
{
	struct config	 conf;
	struct timespec	 a, b;
	char		 path[PATH_MAX];
	FILE		*f;
	long long	 ms = T0 * 1000, seq = 1, n;
	int		 ok;

	reset();
	f = create("big.log", path);
	record(f, seq++, ms - 1000, "token.issued", 41);
	for (; ftell(f) < BIG_LOG; seq++)
		record(f, seq, ms - 86400000 + seq, seq % 4 == 0 ?
		    "token.issued" : "impersonation.link_redeemed",
		    seq % 4 == 0 ? 0 : (uint64_t)seq + 100000);
	for (n = 0; n < 100; n++)
		record(f, seq++, ms - 60000 + n * 100, "token.issued",
		    (uint64_t)n + 50);
	fclose(f);

	conf_for(&conf, path);
	clock_gettime(CLOCK_MONOTONIC, &a);
	ok = redeemed_rebuild(&conf) == 0;
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("# rebuilt from a log of %lld MB in %.2f ms\n", BIG_LOG >> 20,
	    (double)(b.tv_sec - a.tv_sec) * 1e3 +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e6);
	CHECK(ok && redeemed_count() == 100 && has(50, T0) && has(149, T0),
	    "a log of 50 MB: the 100 grants at its end marked");
	CHECK(!has(41, T0) && !has(100005, T0), "and nothing before: its "
	    "start was not read");
	unlink(path);
}

/*
 * More redemptions in the window than the set holds: those it cannot mark
 * expire by the window's end, and every take is refused until then.
 */
static void
test_rebuild_full(void)
{
	struct config	 conf;
	char		 path[PATH_MAX];
	FILE		*f;
	long long	 now = T0, ms = T0 * 1000;
	uint64_t	 n;
	int		 ok = 1;

	reset();
	for (n = 1; n <= REDEEMED_MAX; n++)
		ok &= take(n + 1000000, now + 5000, now) == 0;
	f = create("full.log", path);
	record(f, 1, ms - 300000, "token.issued", 61);
	record(f, 2, ms - 200000, "token.issued", 62);
	fclose(f);
	conf_for(&conf, path);
	CHECK(ok && redeemed_rebuild(&conf) == 0, "rebuilt into a full set: "
	    "no error");
	CHECK(has(61, now) && has(63, now), "while it refuses, has says "
	    "every id is redeemed");
	CHECK(take(63, now + 60, now) == -1 && take(63, now + 60,
	    now - 200 + WINDOW) == -1, "every take refused until the window "
	    "of the last grant it could not mark has passed");
	redeemed_sweep(now + 5001);
	CHECK(take(63, now + WINDOW + 60, now - 200 + WINDOW + 1) == 0,
	    "and taken after it");
}

int
main(int argc, char *argv[])
{
	char	 tmpl[] = "/tmp/test_redeemed.XXXXXX", cmd[PATH_MAX + 16];

	log_init("test_redeemed", 0);
	if (argc > 1)
		snprintf(dir, sizeof(dir), "%s", argv[1]);
	else if (mkdtemp(tmpl) != NULL)
		snprintf(dir, sizeof(dir), "%s", tmpl);
	else {
		perror("mkdtemp");
		return 2;
	}
	if (chdir(dir) == -1) {
		perror(dir);
		return 2;
	}
	test_take();
	test_collisions();
	test_full();
	test_rebuild();
	test_rebuild_approvals();
	test_rotated();
	test_real_log();
	test_big_log();
	test_rebuild_full();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (argc <= 1 && system(cmd) != 0)
		fprintf(stderr, "test_redeemed: cannot remove %s\n", dir);
	return check_done();
}
