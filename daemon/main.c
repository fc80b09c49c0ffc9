/*
 * guised: the parent.  It reads the configuration, starts the signer
 * (fork+exec of guise-signer, which reads the secrets itself) and the
 * front end (a fork that never sees them), then supervises both.  The
 * parent opens no network socket and reads no secret.  It opens for its
 * children what they may not open themselves: the audit log's anchor for
 * the signer, the configuration and the users file of a reload for the
 * front end.
 */
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"
#include "config.h"
#include "fdpass.h"
#include "frontend.h"
#include "listenfds.h"
#include "beside.h"
#include "log.h"
#include "monotonic.h"
#include "notify.h"
#include "proto.h"
#include "relay.h"
#include "rotate.h"

#ifndef LIBEXECDIR
#define LIBEXECDIR	"/usr/local/libexec/guise"
#endif

#define STOP_GRACE_SECS		5
#define RESTART_QUICK_SECS	2	/* a signer dying sooner died at start */
#define RESTART_QUICK_MAX	5	/* ... and this often in a row, give up */
#define QUIESCE_MS		3000	/* for the front end to pause, a reload */

#ifdef GUISE_SANITIZE
/*
 * The sanitizer build (make check-asan): LeakSanitizer's check at exit
 * reads /proc/PID/task from a tracer task, which the confined front end
 * may not (a file open, and ptrace); guised's leaks are make
 * check-valgrind's to find.  Every other program is checked.
 */
const char	*__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

static char	 signer_path[PATH_MAX];
static int	 debug;

/*
 * The signer beside this executable (the build tree, for make demo and the
 * tests), else where make install put it relative to this executable
 * (sbin/../libexec/guise, whatever the PREFIX), else the configured path.
 */
static void
find_signer(void)
{
	const char *const	 tries[] = { "/guise-signer",
#ifdef GUISE_TEST_HOOKS
				    "/../guise-signer",	/* build/tests/guised-test */
#endif
				    "/../libexec/guise/guise-signer" };

	if (beside_self(tries, sizeof(tries) / sizeof(tries[0]), X_OK,
	    signer_path, sizeof(signer_path)) == -1)
		snprintf(signer_path, sizeof(signer_path), "%s/guise-signer",
		    LIBEXECDIR);
}

static void
unblock_signals(void)
{
	sigset_t	 none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static pid_t
start_signer(const char *file, int fd, int ctl, int anchor, int check)
{
	static char	 name[] = "guise-signer", dflag[] = "-d";
	static char	 nflag[] = "-n", fflag[] = "-f";
	char		*argv[6];
	int		 argc = 0;
	pid_t	 pid;

	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid != 0)
		return pid;

	unblock_signals();
	if (fd != -1 && (dup2(fd, PROTO_SIGNER_FD) == -1 ||
	    dup2(ctl, PROTO_CONTROL_FD) == -1 ||
	    dup2(anchor, PROTO_ANCHOR_FD) == -1))
		fatal("dup2");
	closefrom(fd != -1 ? PROTO_ANCHOR_FD + 1 : STDERR_FILENO + 1);
	argv[argc++] = name;
	if (debug)
		argv[argc++] = dflag;
	if (check)
		argv[argc++] = nflag;
	argv[argc++] = fflag;
	if ((argv[argc++] = strdup(file)) == NULL)
		fatal("strdup");
	argv[argc] = NULL;
	execv(signer_path, argv);
	fatal("%s", signer_path);
}

/*
 * The front end: a fork that keeps its end of the signer's socket and of
 * its own control socket to the parent, and closes the parent's others.
 * Its stdout and stderr are the relay's pipe (relay.c), never the stream
 * the parent and the signer write to; its stdin is /dev/null.
 */
static pid_t
start_frontend(const struct config *conf, int fd, int ctl, int log,
    const int *others, size_t nothers, int passed)
{
	size_t	 i;
	pid_t	 pid;
	int	 j, null;

	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0) {
		for (i = 0; i < nothers; i++)
			close(others[i]);
		if ((null = open("/dev/null", O_RDONLY)) == -1 ||
		    dup2(null, STDIN_FILENO) == -1 ||
		    dup2(log, STDOUT_FILENO) == -1 ||
		    dup2(log, STDERR_FILENO) == -1)
			fatal("the front end's standard descriptors");
		close(null);
		close(log);
		unblock_signals();
		frontend_main(conf, fd, ctl, passed);
	}
	close(log);
	/* The parent opens no network socket, and keeps none. */
	for (j = 0; j < passed; j++)
		close(LISTENFDS_START + j);
	return pid;
}

static const char *
describe(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d",
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "was killed by signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "stopped");
	return buf;
}

/*
 * Does the signer accept its material (keys, secrets, audit key)?  It says
 * why not on stderr.  Returns 0 when it does.
 */
static int
signer_accepts(const char *file)
{
	char	 why[64];
	int	 status;
	pid_t	 pid;

	pid = start_signer(file, -1, -1, -1, 1);
	if (waitpid(pid, &status, 0) == -1)
		fatal("waitpid");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	log_warnx("%s: the signer refused its material: it %s", file,
	    describe(status, why, sizeof(why)));
	return -1;
}

/* Validate: the parent checks the file, the signer loads the secrets. */
static int
check_only(const char *file)
{
	if (signer_accepts(file) == -1)
		return 1;
	printf("%s: configuration OK\n", file);
	return 0;
}

/*
 * Wait up to STOP_GRACE_SECS for pid to exit, then kill it.  Returns 0
 * when it exited with status 0; otherwise says how it ended (a crash, its
 * sandbox killing it, a sanitizer's report) and returns -1.
 */
static int
stop_child(pid_t pid, const char *name)
{
	time_t	 deadline = time(NULL) + STOP_GRACE_SECS;
	char	 why[64];
	int	 status;

	if (pid <= 0)
		return 0;
	kill(pid, SIGTERM);
	while (time(NULL) < deadline) {
		if (waitpid(pid, &status, WNOHANG) != 0)
			goto ended;
		usleep(20000);
	}
	log_warnx("the %s did not stop within %d s: killing it", name,
	    STOP_GRACE_SECS);
	kill(pid, SIGKILL);
	(void)waitpid(pid, &status, 0);
 ended:
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	log_warnx("the %s %s as it stopped", name,
	    describe(status, why, sizeof(why)));
	return -1;
}

/* Pass on what the front end wrote; it is gone, so read to the end. */
static void
drain_frontend_log(int fd)
{
	if (fd == -1)
		return;
	(void)fcntl(fd, F_SETFL, 0);
	while (relay_read(fd) == 0)
		;
}

/* The children, and the sockets the parent keeps to them. */
struct children {
	const char		*file;
	struct config		*conf;
	pid_t			 signer;
	int			 signer_ctl;	/* new audit files go here */
	time_t			 signer_started;
	int			 quick_deaths;
	pid_t			 frontend;
	int			 frontend_ctl;	/* new signers' sockets go here */
	int			 frontend_log;	/* its lines, to relay */
};

/*
 * The audit log's anchor (doc/audit.md), beside the log: the signer may
 * open no file once sandboxed, and rewrites it through this descriptor.
 * One that is missing is made, empty, and said: the signer takes an empty
 * anchor beside a log with records for a lost one (audit.anchor_lost).
 */
static int
open_anchor(const struct config *conf)
{
	char	 path[PATH_MAX];
	int	 fd;

	if ((size_t)snprintf(path, sizeof(path), "%s.anchor",
	    conf->audit_path) >= sizeof(path))
		fatalx("%s.anchor: the path is too long", conf->audit_path);
	if ((fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) == -1 &&
	    errno == ENOENT && (fd = open(path, O_RDWR | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600)) != -1)
		log_info("%s: no such file: made empty", path);
	if (fd == -1)
		fatal("%s", path);
	return fd;
}

/* A new signer; the front end's end of its socket goes to *fe_end. */
static void
spawn_signer(struct children *c, int *fe_end)
{
	int	 sv[2], ctl[2], anchor;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) == -1)
		fatal("socketpair");
	anchor = open_anchor(c->conf);
	c->signer = start_signer(c->file, sv[1], ctl[1], anchor, 0);
	close(anchor);
	close(sv[1]);
	close(ctl[1]);
	c->signer_ctl = ctl[0];
	c->signer_started = time(NULL);
	*fe_end = sv[0];
}

/*
 * The front end first, so that it finishes what is in flight with the
 * signer still there; then the signer, which writes its last record.
 * Returns 0 when both stopped cleanly.
 */
static int
stop_children(struct children *c)
{
	int	 status, rc;

	rc = stop_child(c->frontend, "front end");
	drain_frontend_log(c->frontend_log);
	rc |= stop_child(c->signer, "signer");
	while (waitpid(-1, &status, WNOHANG) > 0)
		;
	return rc;
}

static void __attribute__((noreturn))
give_up(struct children *c, const char *why)
{
	log_warnx("%s: stopping the service", why);
	(void)stop_children(c);
	exit(1);
}

/*
 * A control message to the front end, with the descriptors its type
 * carries; returns its id, or (uint32_t)-1 when it cannot be sent.
 */
static uint32_t
to_frontend(struct children *c, uint16_t type, const int *fds)
{
	static uint32_t		 last_id;
	struct proto_msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	if (++last_id == (uint32_t)-1)
		last_id = 1;
	m.id = last_id;
	return ctl_send(c->frontend_ctl, &m, PROTO_REQUEST, fds) == -1 ?
	    (uint32_t)-1 : m.id;
}

/*
 * The signer died (a crash, a kill, the sandbox, a protocol violation):
 * start another at once and hand its socket to the front end, which has
 * answered what was in flight with 503.  One that keeps dying at start
 * (a broken key, say) is not restarted for ever.
 */
static void
restart_signer(struct children *c)
{
	int	 fe_end;

	close(c->signer_ctl);
	if (time(NULL) - c->signer_started < RESTART_QUICK_SECS) {
		if (++c->quick_deaths > RESTART_QUICK_MAX)
			give_up(c, "the signer keeps dying as it starts");
	} else
		c->quick_deaths = 0;
	spawn_signer(c, &fe_end);
	if (to_frontend(c, PROTO_CTL_SIGNER, &fe_end) == (uint32_t)-1)
		give_up(c, "cannot hand the new signer to the front end");
	close(fe_end);
	log_info("signer restarted as %ld", (long)c->signer);
	notify("STATUS=serving; the signer was restarted");
}

/*
 * Before a planned switch of signers: the front end stops sending to the
 * old one and holds new requests; once what it sent is answered, it says
 * so.  If it does not within QUIESCE_MS, the switch goes on, and what is
 * still in flight gets 503.
 */
static void
quiesce(struct children *c)
{
	struct pollfd	 pfd = { c->frontend_ctl, POLLIN, 0 };
	struct ctl_msg	 rep;
	const char	*why;
	long long	 until = monotonic_us() + QUIESCE_MS * 1000LL, left;
	unsigned long	 others = 0;
	uint32_t	 id;
	int		 rc, paused = 0;

	if ((id = to_frontend(c, PROTO_CTL_PAUSE, NULL)) == (uint32_t)-1)
		return;
	/*
	 * Only the answer to this pause, ok, will do; an earlier pause's,
	 * come too late, is passed over, or it would stand for every
	 * later one.  What else the front end wrote is counted and said
	 * once: a line each would flood journald past the relay's limit.
	 */
	while (!paused && (left = until - monotonic_us()) > 0 &&
	    poll(&pfd, 1, (int)(left / 1000) + 1) == 1 &&
	    (rc = ctl_recv(c->frontend_ctl, PROTO_REPLY, &rep, &why)) != -2) {
		if (rc == 0 && rep.m.type == PROTO_CTL_PAUSE &&
		    rep.m.id == id && rep.m.status == PROTO_OK)
			paused = 1;
		else
			others++;
	}
	if (others > 0)
		log_warnx("the front end's answer to a pause: %lu messages "
		    "that were not its answer, passed over", others);
	if (!paused)
		log_warnx("the front end did not pause: requests in flight "
		    "may fail");
}

/*
 * SIGHUP: a configuration that checks out (the file, and the signer's
 * material) gets a new signer and is re-read by the front end; one that
 * does not is refused, and the old one serves on.  The old signer stops
 * before the new one starts, so that only one writes the audit log.  Links
 * and codes in flight live in the front end and survive.
 */
static void
reload_service(struct children *c)
{
	struct config	*conf;
	char		 err[1024], status[1200];
	int		 fe_end, files[2] = { -1, -1 };
	pid_t		 old;

	notify("RELOADING=1");
	log_info("reloading %s", c->file);
	if ((conf = config_load(c->file, err, sizeof(err))) != NULL &&
	    ((files[0] = open(c->file, O_RDONLY | O_CLOEXEC)) == -1 ||
	    (files[1] = open(conf->users_file, O_RDONLY | O_CLOEXEC)) == -1))
		snprintf(err, sizeof(err), "%s: %s", files[0] == -1 ? c->file :
		    conf->users_file, strerror(errno));
	if (conf == NULL || files[1] == -1 || signer_accepts(c->file) == -1) {
		log_warnx("%s", conf == NULL || files[1] == -1 ? err :
		    "the signer refused its material");
		log_warnx("reload refused: the running configuration stays");
		snprintf(status, sizeof(status), "READY=1\nSTATUS=reload "
		    "refused, still serving the previous configuration: %s",
		    conf == NULL || files[1] == -1 ? err :
		    "the signer refused its material");
		notify(status);
		config_free(conf);
		if (files[0] != -1)
			close(files[0]);
		if (files[1] != -1)
			close(files[1]);
		return;
	}
	config_free(c->conf);
	c->conf = conf;
	quiesce(c);
	old = c->signer;
	c->signer = 0;		/* reap() must not restart it */
	(void)stop_child(old, "signer");
	close(c->signer_ctl);
	spawn_signer(c, &fe_end);
	if (to_frontend(c, PROTO_CTL_SIGNER, &fe_end) == (uint32_t)-1)
		give_up(c, "cannot hand the new signer to the front end");
	close(fe_end);
	/* The front end takes the configuration and users, says READY=1. */
	if (to_frontend(c, PROTO_CTL_RELOAD, files) == (uint32_t)-1)
		give_up(c, "cannot hand the configuration to the front end");
	close(files[0]);
	close(files[1]);
}

static void
reap(struct children *c)
{
	char	 why[64];
	int	 status;
	pid_t	 pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == c->frontend) {
			c->frontend = 0;
			log_warnx("front end %s",
			    describe(status, why, sizeof(why)));
			give_up(c, "the front end is gone");
		}
		if (pid == c->signer) {
			c->signer = 0;
			log_warnx("signer %s",
			    describe(status, why, sizeof(why)));
			restart_signer(c);
		}
	}
}

/* A signal for the parent, read from its signalfd. */
static void
on_signal(struct children *c, int sig)
{
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		notify("STOPPING=1");
		log_info("stopping");
		if (stop_children(c) == -1)
			exit(1);
		log_info("stopped");
		exit(0);
	case SIGUSR1:
		(void)rotate_audit(c->conf, c->signer_ctl);
		break;
	case SIGHUP:
		reload_service(c);
		break;
	default:
		reap(c);
		break;
	}
}

/*
 * Wait for the signals blocked in main, through a signalfd, and for the
 * front end's lines, which are passed on as they come.
 */
static int __attribute__((noreturn))
supervise(struct children *c, const sigset_t *set)
{
	struct signalfd_siginfo	 si;
	struct pollfd		 pfd[2];

	if ((pfd[0].fd = signalfd(-1, set, SFD_CLOEXEC)) == -1)
		fatal("signalfd");
	pfd[0].events = pfd[1].events = POLLIN;
	pfd[1].fd = c->frontend_log;
	for (;;) {
		if (poll(pfd, 2, relay_wait()) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		/* Drops held back a second, whatever woke it. */
		relay_tell();
		/* The front end's last lines before the signal of its end. */
		if (pfd[1].revents != 0 && relay_read(pfd[1].fd) == -1)
			pfd[1].fd = -1;
		if (pfd[0].revents != 0 && read(pfd[0].fd, &si, sizeof(si)) ==
		    (ssize_t)sizeof(si))
			on_signal(c, (int)si.ssi_signo);
	}
}

int
main(int argc, char *argv[])
{
	struct children	 c;
	struct cmdline	 cl;
	struct config	*conf;
	char		 err[1024];
	sigset_t	 set;
	int		 fe_end, fctl[2], others[3], passed, log_end;

	/* The audit descriptors, the configuration: not for ptrace or /proc
	 * of the other processes of the same user (the front end's). */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("PR_SET_DUMPABLE");
	cmdline_parse(argc, argv, "guised", &cl);
	debug = cl.debug;
	log_init("guised", debug);

	if ((conf = config_load(cl.file, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		return 1;
	}
	find_signer();
	if (cl.check) {
		config_free(conf);
		return check_only(cl.file);
	}

	/* systemd's sockets, if it listens for us: the front end's. */
	if ((passed = listenfds_take()) == -1)
		return 1;
	/* Nothing else that whoever started us left open reaches a child. */
	closefrom(LISTENFDS_START + passed);

	/* Block the signals the parent waits for before any child exists. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);

	memset(&c, 0, sizeof(c));
	c.file = cl.file;
	c.conf = conf;
	spawn_signer(&c, &fe_end);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fctl) == -1 ||
	    (c.frontend_log = relay_open(&log_end)) == -1)
		fatal("socketpair");
	others[0] = c.signer_ctl;
	others[1] = fctl[0];
	others[2] = c.frontend_log;
	c.frontend = start_frontend(conf, fe_end, fctl[1], log_end, others, 3,
	    passed);
	close(fe_end);
	close(fctl[1]);
	c.frontend_ctl = fctl[0];
	log_info("started signer %ld and front end %ld", (long)c.signer,
	    (long)c.frontend);
	supervise(&c, &set);
}
