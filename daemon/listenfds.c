#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "listenfds.h"
#include "log.h"

/* A decimal in [1, max], or -1. */
static long
number(const char *s, long max)
{
	char	*end;
	long	 n;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > max)
		return -1;
	return n;
}

int
listenfds_take(void)
{
	const char	*pid_s = getenv("LISTEN_PID");
	const char	*fds_s = getenv("LISTEN_FDS");
	long		 pid, n, i;
	int		 flags;

	if (pid_s == NULL && fds_s == NULL)
		return 0;
	pid = number(pid_s, LONG_MAX);
	n = number(fds_s, LISTENFDS_MAX);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (pid == -1 || n == -1) {
		log_warnx("socket activation: LISTEN_PID=%s LISTEN_FDS=%s: "
		    "not a process id and a count of 1 to %d",
		    pid_s ? pid_s : "(none)", fds_s ? fds_s : "(none)",
		    LISTENFDS_MAX);
		return -1;
	}
	/* Meant for another process, which passed its environment on. */
	if (pid != (long)getpid())
		return 0;
	for (i = LISTENFDS_START; i < LISTENFDS_START + n; i++)
		if ((flags = fcntl((int)i, F_GETFD)) == -1 ||
		    fcntl((int)i, F_SETFD, flags | FD_CLOEXEC) == -1) {
			log_warn("socket activation: descriptor %ld", i);
			return -1;
		}
	return (int)n;
}
