/*
 * Record times never go backwards (doc/audit.md, "Times"): the signer's
 * audit.c, linked alone, writes a log while its clock is stepped back 5 s
 * twice in one life and once across a restart, and the real guisectl
 * audit verify must find the chain whole.  The clock is this program's
 * (fake_clock.c: CLOCK_REALTIME is a number set here; any other clock is
 * the system's).
 *
 * Usage: test_audit_clock [GUISECTL]	(by default ../guisectl beside
 *					 this program's folder)
 *
 * audit.c keeps its state in static storage and is opened once per
 * process, as the signer is: each life of the log is a child.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "audit.h"
#include "check.h"
#include "config.h"
#include "fake_clock.h"
#include "log.h"

#define T0	1796292000000LL		/* 2026-12-03T10:00:00.000Z, in ms */
#define STEP	5000			/* the clock goes back this far */

static void
token(void)
{
	struct audit_record	 r = { .event = "token.issued", .outcome = "ok",
				    .grant = "client_credentials",
				    .client_id = "reader", .no_journal = 1 };

	audit_queue(&r);
	fake_ms += 10;
}

static void
commit(void)
{
	if (audit_commit() == -1)
		_exit(3);
}

static void
open_log(const struct config *conf, const unsigned char *key, size_t len)
{
	if (audit_open(conf, key, len, NULL, -1) == -1)
		_exit(2);
	commit();
}

/*
 * The first life: records at T0, T0+10, T0+20; then the clock goes back
 * 5 s for two commits; it catches up at T0+40, and goes back 5 s again.
 */
static void
first_life(const struct config *conf, const unsigned char *key, size_t len)
{
	struct audit_record	 stop = { .event = "service.stopped",
				    .outcome = "ok" };

	fake_ms = T0;
	open_log(conf, key, len);
	fake_ms = T0 + 10;
	token();
	token();
	commit();
	fake_ms = T0 + 20 - STEP;	/* the last record is at T0 + 20 */
	token();
	commit();
	token();
	token();
	commit();
	fake_ms = T0 + 40;
	token();
	fake_ms = T0 + 40 - STEP;
	token();
	audit_queue(&stop);
	commit();
}

/* A restart with the clock 5 s behind the last record (at T0 + 40). */
static void
second_life(const struct config *conf, const unsigned char *key, size_t len)
{
	fake_ms = T0 + 40 - STEP;
	open_log(conf, key, len);
	token();
	commit();
	fake_ms = T0 + 50;
	token();
	commit();
}

static int
in_child(void (*life)(const struct config *, const unsigned char *, size_t),
    const struct config *conf, const unsigned char *key, size_t len)
{
	pid_t	 pid;
	int	 status;

	fflush(NULL);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		life(conf, key, len);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* guisectl audit verify -f file --no-journal: its exit status, its stdout. */
static int
verify(const char *guisectl, const char *file, char *out, size_t outlen)
{
	char	 cmd[3 * PATH_MAX];
	FILE	*p;
	size_t	 n;

	snprintf(cmd, sizeof(cmd), "'%s' audit verify -f '%s' --no-journal",
	    guisectl, file);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	n = fread(out, 1, outlen - 1, p);
	out[n] = '\0';
	return WEXITSTATUS(pclose(p));
}

/* The records' times never go back; the clock.stepped_back ones. */
static void
check_records(const char *path)
{
	static const struct {
		long long	 held;		/* the time records hold at */
	} steps[] = { { T0 + 20 }, { T0 + 40 }, { T0 + 40 } };
	char		 line[8192], want[32], prev[32] = "";
	const char	*time, *event, *detail;
	json_t		*r;
	FILE		*f;
	size_t		 n = 0, back = 0;

	if ((f = fopen(path, "r")) == NULL) {
		CHECK(0, "%s: %s", path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((r = json_loads(line, 0, NULL)) == NULL)
			continue;
		n++;
		time = json_string_value(json_object_get(r, "time"));
		event = json_string_value(json_object_get(r, "event"));
		if (time != NULL && strcmp(time, prev) < 0)
			CHECK(0, "record %zu: time %s after %s", n, time,
			    prev);
		if (time != NULL)
			snprintf(prev, sizeof(prev), "%s", time);
		if (event == NULL || strcmp(event, "clock.stepped_back") != 0) {
			json_decref(r);
			continue;
		}
		if (back < sizeof(steps) / sizeof(steps[0])) {
			rfc3339(steps[back].held, want);
			detail = json_string_value(json_object_get(r,
			    "detail"));
			CHECK(strcmp(json_string_value(json_object_get(r,
			    "outcome")), "recorded") == 0 && time != NULL &&
			    strcmp(time, want) == 0 && detail != NULL &&
			    strstr(detail, "5000 ms") != NULL &&
			    strstr(detail, want) != NULL,
			    "clock.stepped_back %zu: recorded, at %s, its detail "
			    "says 5000 ms and %s (%s)", back + 1, want, want,
			    detail != NULL ? detail : "no detail");
		}
		back++;
		json_decref(r);
	}
	fclose(f);
	CHECK(back == 3, "one clock.stepped_back for each of the 3 steps, "
	    "not one a record (%zu)", back);
	CHECK(n == 18, "18 records (%zu)", n);
}

int
main(int argc, char *argv[])
{
	static const char	 conf_text[] = "{\"issuer\": \"http://127.0.0.1:1/\","
	    "\"listen\": [{\"address\": \"127.0.0.1\", \"port\": 1}],"
	    "\"users_file\": \"users.json\", \"audit\": {\"path\": \"audit.log\"},"
	    "\"signer\": {\"keys\": [{\"kid\": \"k\", \"alg\": \"ES256\","
	    "\"file\": \"k.pem\"}], \"active_kid\": \"k\","
	    "\"secrets_file\": \"secrets.json\","
	    "\"audit_key_file\": \"audit.key\","
	    "\"grant_key_file\": \"grant.key\"}, \"clients\": []}\n";
	static const unsigned char key[32] = "the audit key of test_audit_clk";
	struct config	*conf;
	char		 dir[] = "/tmp/test_audit_clock.XXXXXX";
	char		 guisectl[PATH_MAX], file[PATH_MAX], path[PATH_MAX];
	char		 out[4096], err[512];
	const char	*slash;
	FILE		*f;
	int		 rc;

	log_init("test_audit_clock", 0);
	if (argc > 1)
		snprintf(guisectl, sizeof(guisectl), "%s", argv[1]);
	else if ((slash = strrchr(argv[0], '/')) != NULL)
		snprintf(guisectl, sizeof(guisectl), "%.*s/../guisectl",
		    (int)(slash - argv[0]), argv[0]);
	else
		snprintf(guisectl, sizeof(guisectl), "../guisectl");
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(file, sizeof(file), "%s/guise.json", dir);
	snprintf(path, sizeof(path), "%s/audit.key", dir);
	if ((f = fopen(file, "w")) == NULL || fputs(conf_text, f) == EOF ||
	    fclose(f) == EOF || (f = fopen(path, "w")) == NULL ||
	    fwrite(key, sizeof(key), 1, f) != 1 || fclose(f) == EOF ||
	    (conf = config_load(file, err, sizeof(err))) == NULL) {
		printf("Bail out! cannot write a configuration in %s\n", dir);
		return 1;
	}

	CHECK(in_child(first_life, conf, key, sizeof(key)) == 0,
	    "a life with the clock stepped back twice");
	CHECK(in_child(second_life, conf, key, sizeof(key)) == 0,
	    "a restart with the clock behind the last record");
	rc = verify(guisectl, file, out, sizeof(out));
	CHECK(rc == 0 && strstr(out, "chain whole") != NULL,
	    "guisectl audit verify: exit 0, chain whole (exit %d: %s)", rc,
	    out);
	check_records(conf->audit_path);

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		printf("# cannot remove %s\n", dir);
	config_free(conf);
	return check_done();
}
