/*
 * signer_sandbox: the sandbox of the test signer (built with
 * GUISE_TEST_HOOKS), started over a socketpair as guised would start it
 * (DESIGN.md section 4).
 *
 *	signer_sandbox TEST_SIGNER CONFIG_DIR
 *
 * C: seccomp and no_new_privs in /proc, dropped ids when we are root, a
 *    refused open() answered, a socket() punished with SIGSYS.
 *
 * Every wait is bounded: a hung signer fails a check and is killed, it
 * never hangs the test.  TAP on stdout; the signer's stderr is ours.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proto.h"

#include "../unit/check.h"
#include "peer.h"

static const char	*test_signer;

/* The text of /proc/PID/status, NUL-terminated, or NULL. */
static char *
proc_status(pid_t pid, char *buf, size_t size)
{
	char	 path[64];
	ssize_t	 n;
	size_t	 off = 0;
	int	 fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		diag("%s: %s", path, strerror(errno));
		return NULL;
	}
	while (off < size - 1 && (n = read(fd, buf + off,
	    size - 1 - off)) > 0)
		off += (size_t)n;
	close(fd);
	buf[off] = '\0';
	return buf;
}

/* Whether the status text has this whole line. */
static int
has_line(const char *st, const char *line)
{
	char	 want[128];

	if (st == NULL)
		return 0;
	snprintf(want, sizeof(want), "\n%s\n", line);
	return strstr(st, want) != NULL;
}

static void
sandbox(void)
{
	struct signer		 s;
	struct proto_msg	 req, rep;
	struct passwd		*pw;
	char			 buf[8192], line[128];
	const char		*st = NULL;
	long			 n;
	int			 ok, reset;

	if (signer_start(&s, test_signer) == -1) {
		CHECK(0, "C: start %s", test_signer);
		return;
	}
	hello_msg(&req, 1);
	ok = request(&s, &req, &rep) == 0 && rep.status == PROTO_OK;
	CHECK(ok, "C: the test signer answers hello");
	/* After a reply the signer is in its loop, its sandbox entered. */
	if (ok)
		st = proc_status(s.pid, buf, sizeof(buf));
	CHECK(has_line(st, "Seccomp:\t2"), "C: Seccomp:\\t2 (filter mode)");
	CHECK(has_line(st, "NoNewPrivs:\t1"), "C: NoNewPrivs:\\t1");
	if (geteuid() == 0) {
		if ((pw = getpwnam("nobody")) == NULL)
			diag("no user nobody");
		if (pw != NULL)
			snprintf(line, sizeof(line), "Uid:\t%u\t%u\t%u\t%u",
			    pw->pw_uid, pw->pw_uid, pw->pw_uid, pw->pw_uid);
		CHECK(pw != NULL && has_line(st, line),
		    "C: started by root, the signer runs as nobody");
		if (pw != NULL)
			snprintf(line, sizeof(line), "Gid:\t%u\t%u\t%u\t%u",
			    pw->pw_gid, pw->pw_gid, pw->pw_gid, pw->pw_gid);
		CHECK(pw != NULL && has_line(st, line),
		    "C: started by root, the signer has nobody's group");
	}

	memset(&req, 0, sizeof(req));
	req.type = PROTO_TEST_SYSCALL;
	req.id = 2;
	req.u.test_req.which = 1;
	ok = ok && request(&s, &req, &rep) == 0 &&
	    rep.type == PROTO_TEST_SYSCALL && rep.id == 2;
	if (ok && rep.status != PROTO_OK)
		diag("got %s", proto_status_name(rep.status));
	CHECK(ok && rep.status == PROTO_OK,
	    "C: open() is refused with EACCES, not a kill");

	req.id = 3;
	req.u.test_req.which = 2;
	n = -1;
	if (ok && send_request(&s, &req) == 0)
		n = drain(s.fd, &reset);
	CHECK(n == 0, "C: socket() gets no reply");
	ok = ok && signer_wait(&s, TIMEOUT_MS) == 0 &&
	    WIFSIGNALED(s.status) && WTERMSIG(s.status) == SIGSYS;
	CHECK(ok, "C: socket() kills the signer with SIGSYS (%s)",
	    signer_how(&s));
	signer_stop(&s);
}

int
main(int argc, char *argv[])
{
	if (argc != 3) {
		fprintf(stderr, "usage: signer_sandbox test-signer "
		    "config-dir\n");
		return 2;
	}
	test_signer = argv[1];
	if (load_config(argv[2]) == -1) {
		printf("Bail out! cannot read the configuration in %s\n",
		    argv[2]);
		return 1;
	}

	sandbox();
	return check_done();
}
