/*
 * When verify is given no journal, it asks journald itself: on a host
 * where journald runs (its socket is there) and journalctl is on the PATH,
 * `journalctl -u guised.service -o cat --no-pager`, read through a pipe
 * and no further than JOURNALCTL_MAX bytes.  Whatever goes wrong here only
 * means the journal was not consulted: verify goes on with the log and
 * its anchor file.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "audit_anchor.h"
#include "log.h"

#define JOURNALCTL_SOCKET	"/run/systemd/journal/socket"
#define JOURNALCTL_MAX		((size_t)1 << 30)	/* bytes */

extern char	**environ;

/* journalctl's stdout on a pipe, stdin and stderr on /dev/null. */
static int
journalctl_spawn(pid_t *pid, int *rd)
{
	static char			 prog[] = "journalctl", u[] = "-u",
					 unit[] = "guised.service", o[] = "-o",
					 cat[] = "cat", nopager[] = "--no-pager";
	char				*argv[] = { prog, u, unit, o, cat, nopager,
					    NULL };
	posix_spawn_file_actions_t	 fa;
	int				 p[2], e;

	if (pipe2(p, O_CLOEXEC) == -1) {
		log_warn("pipe2");
		return -1;
	}
	/* Its hints (not in the adm group, say) would only be noise here. */
	if ((e = posix_spawn_file_actions_init(&fa)) == 0) {
		if ((e = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO,
		    "/dev/null", O_RDONLY, 0)) == 0 &&
		    (e = posix_spawn_file_actions_adddup2(&fa, p[1],
		    STDOUT_FILENO)) == 0 &&
		    (e = posix_spawn_file_actions_addopen(&fa, STDERR_FILENO,
		    "/dev/null", O_WRONLY, 0)) == 0)
			e = posix_spawnp(pid, prog, &fa, NULL, argv, environ);
		posix_spawn_file_actions_destroy(&fa);
	}
	(void)close(p[1]);
	if (e != 0) {
		/* Not on the PATH: not a host to ask, no need to say so. */
		if (e != ENOENT) {
			errno = e;
			log_warn("journalctl");
		}
		(void)close(p[0]);
		return -1;
	}
	*rd = p[0];
	return 0;
}

/* Its end: 0 when it exited 0, -1 (logged unless killed) when not. */
static int
journalctl_wait(pid_t pid, int killed)
{
	int	 status;

	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			log_warn("waitpid");
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (killed)
		return -1;
	if (WIFEXITED(status))
		log_warnx("journalctl exited %d", WEXITSTATUS(status));
	else
		log_warnx("journalctl died of signal %d", WTERMSIG(status));
	return -1;
}

int
audit_journalctl(struct audit_journal *j, const struct audit_key *key)
{
	struct stat	 st;
	pid_t		 pid;
	int		 rd, rc;

	memset(j, 0, sizeof(*j));
	if (stat(JOURNALCTL_SOCKET, &st) == -1 ||
	    journalctl_spawn(&pid, &rd) == -1)
		return 0;
	rc = audit_journal_read(j, rd, "journalctl", JOURNALCTL_MAX, key);
	if (rc == -1)
		(void)kill(pid, SIGTERM);	/* said too much, or unread */
	if (journalctl_wait(pid, rc == -1) == -1)
		rc = -1;
	if (rc == 0 && j->valid + j->forged > 0)
		return 1;
	audit_journal_free(j);
	return 0;
}
