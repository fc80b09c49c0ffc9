/*
 * guised: the parent.  It reads the configuration, starts the signer
 * (fork+exec of guise-signer, which reads the secrets itself) and the
 * front end (a fork that never sees them), then supervises both.  The
 * parent opens no network socket and reads no secret.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"
#include "config.h"
#include "frontend.h"
#include "log.h"
#include "proto.h"
#include "rotate.h"

#ifndef LIBEXECDIR
#define LIBEXECDIR	"/usr/local/libexec/guise"
#endif

#define STOP_GRACE_SECS	5

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
	const char	*tries[] = { "/guise-signer",
			    "/../libexec/guise/guise-signer" };
	char		 self[PATH_MAX], *dir;
	ssize_t		 n;
	size_t		 i;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		dir = dirname(self);
		for (i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
			snprintf(signer_path, sizeof(signer_path), "%s%s", dir,
			    tries[i]);
			if (access(signer_path, X_OK) == 0)
				return;
		}
	}
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
start_signer(const char *file, int fd, int ctl, int check)
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
	    dup2(ctl, PROTO_CONTROL_FD) == -1))
		fatal("dup2");
	closefrom(fd != -1 ? PROTO_CONTROL_FD + 1 : STDERR_FILENO + 1);
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

static pid_t
start_frontend(const struct config *conf, int fd, int ctl)
{
	pid_t	 pid;

	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0) {
		/* The control socket is the parent's and the signer's. */
		close(ctl);
		unblock_signals();
		frontend_main(conf, fd);
	}
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

/* Validate: the parent checks the file, the signer loads the secrets. */
static int
check_only(const char *file)
{
	char	 why[64];
	int	 status;
	pid_t	 pid;

	pid = start_signer(file, -1, -1, 1);
	if (waitpid(pid, &status, 0) == -1)
		fatal("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_warnx("%s: the signer refused its material: it %s", file,
		    describe(status, why, sizeof(why)));
		return 1;
	}
	printf("%s: configuration OK\n", file);
	return 0;
}

static void
stop_children(pid_t signer, pid_t frontend)
{
	time_t	 deadline = time(NULL) + STOP_GRACE_SECS;
	int	 status;
	pid_t	 pid;

	if (frontend > 0)
		kill(frontend, SIGTERM);
	if (signer > 0)
		kill(signer, SIGTERM);
	while ((frontend > 0 || signer > 0) && time(NULL) < deadline) {
		if ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid == frontend)
				frontend = 0;
			if (pid == signer)
				signer = 0;
			continue;
		}
		usleep(20000);
	}
	if (frontend > 0)
		kill(frontend, SIGKILL);
	if (signer > 0)
		kill(signer, SIGKILL);
	while (waitpid(-1, &status, 0) > 0)
		;
}

static int __attribute__((noreturn))
supervise(const struct config *conf, int ctl, pid_t signer, pid_t frontend)
{
	sigset_t	 set;
	char		 why[64];
	int		 sig, status;
	pid_t		 pid;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	for (;;) {
		if ((sig = sigwaitinfo(&set, NULL)) == -1) {
			if (errno == EINTR)
				continue;
			fatal("sigwaitinfo");
		}
		if (sig == SIGTERM || sig == SIGINT) {
			log_info("stopping");
			stop_children(signer, frontend);
			log_info("stopped");
			exit(0);
		}
		if (sig == SIGUSR1) {
			(void)rotate_audit(conf, ctl);
			continue;
		}
		if (sig == SIGHUP) {
			/* The front end reloads the users directory. */
			log_info("reloading the users directory");
			kill(frontend, SIGHUP);
			continue;
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid != signer && pid != frontend)
				continue;
			log_warnx("%s %s: stopping the service",
			    pid == signer ? "signer" : "front end",
			    describe(status, why, sizeof(why)));
			if (pid == signer)
				signer = 0;
			else
				frontend = 0;
			stop_children(signer, frontend);
			exit(1);
		}
	}
}

int
main(int argc, char *argv[])
{
	struct cmdline	 cl;
	struct config	*conf;
	char		 err[1024];
	sigset_t	 set;
	pid_t		 signer, frontend;
	int		 sv[2], ctl[2];

	cmdline_parse(argc, argv, "guised", &cl);
	debug = cl.debug;
	log_init("guised", debug);

	if ((conf = config_load(cl.file, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		return 1;
	}
	find_signer();
	if (cl.check)
		return check_only(cl.file);

	/* Block the signals the parent waits for before any child exists. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ctl) == -1)
		fatal("socketpair");
	signer = start_signer(cl.file, sv[1], ctl[1], 0);
	close(sv[1]);
	close(ctl[1]);
	frontend = start_frontend(conf, sv[0], ctl[0]);
	close(sv[0]);
	log_info("started signer %ld and front end %ld", (long)signer,
	    (long)frontend);
	supervise(conf, ctl[0], signer, frontend);
}
