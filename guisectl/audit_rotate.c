/*
 * guisectl audit rotate: ask the guised that runs with this configuration
 * to rotate its audit log (it does on SIGUSR1), and wait until it has.
 *
 * The daemon is found by its command line, not by a pid file: a guised
 * whose argv[0] is "guised" and whose -f names the same file, once both
 * are made real paths (a relative -f is resolved from the process's own
 * working directory).  The front end is a fork of the parent with the
 * same command line, so of those the one whose parent is not among them
 * is the parent, which is the process that renames the file.
 */
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "guisectl.h"
#include "log.h"

#define ROTATE_CMDLINE_MAX	(16 * 1024)
#define ROTATE_WAIT_MS		5000
#define ROTATE_POLL_MS		50
#define ROTATE_PROCS_MAX	64	/* guised with this file; a sanity bound */

struct rotate_found {
	pid_t		 pid[ROTATE_PROCS_MAX];
	size_t		 n;
	unsigned int	 unreadable;	/* guised whose file could not be read */
};

/* The whole of a small /proc file, NUL-terminated; length or -1. */
static ssize_t
rotate_slurp(const char *path, char *buf, size_t cap)
{
	ssize_t	 n;
	size_t	 len = 0;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (len < cap - 1) {
		n = read(fd, buf + len, cap - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	(void)close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

/*
 * The -f of a guised command line (NUL-separated arguments), read as
 * guised's getopt("df:n") reads it; NULL when this is no running guised.
 */
static const char *
rotate_config_arg(const char *buf, size_t len)
{
	const char	*args[256], *p, *base, *file = NULL;
	size_t		 n = 0, i, j;
	int		 check = 0;

	for (p = buf; p < buf + len && n < sizeof(args) / sizeof(args[0]);
	    p += strlen(p) + 1)
		args[n++] = p;
	if (n == 0)
		return NULL;
	base = strrchr(args[0], '/');
	if (strcmp(base != NULL ? base + 1 : args[0], "guised") != 0)
		return NULL;
	for (i = 1; i < n; i++) {
		if (strcmp(args[i], "--") == 0)
			break;
		if (args[i][0] != '-' || args[i][1] == '\0')
			continue;	/* getopt permutes: options may follow */
		for (j = 1; args[i][j] != '\0'; j++) {
			if (args[i][j] == 'n')
				check = 1;
			if (args[i][j] != 'f')
				continue;
			if (args[i][j + 1] != '\0')
				file = &args[i][j + 1];
			else if (i + 1 < n)
				file = args[++i];
			break;
		}
	}
	return check ? NULL : file;	/* -n only checks, then exits */
}

static pid_t
rotate_ppid(pid_t pid)
{
	char	 path[64], buf[1024], *p;
	long	 ppid;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (rotate_slurp(path, buf, sizeof(buf)) == -1)
		return -1;
	/* "pid (comm) state ppid ...": comm may hold anything but ")". */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %ld", &ppid) != 1)
		return -1;
	return (pid_t)ppid;
}

/* Does process pid run guised with the configuration at want? */
static void
rotate_check(pid_t pid, const char *want, struct rotate_found *found)
{
	static char	 cmd[ROTATE_CMDLINE_MAX];
	char		 path[PATH_MAX + 64], real[PATH_MAX];
	const char	*arg;
	ssize_t		 len;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((len = rotate_slurp(path, cmd, sizeof(cmd))) <= 0 ||
	    (arg = rotate_config_arg(cmd, (size_t)len)) == NULL)
		return;
	if (arg[0] == '/')
		snprintf(path, sizeof(path), "%s", arg);
	else
		snprintf(path, sizeof(path), "/proc/%d/cwd/%s", (int)pid, arg);
	if (realpath(path, real) == NULL) {
		if (errno == EACCES || errno == EPERM)
			found->unreadable++;
		return;
	}
	if (strcmp(real, want) == 0 && found->n < ROTATE_PROCS_MAX)
		found->pid[found->n++] = pid;
}

static int
rotate_scan(const char *want, struct rotate_found *found)
{
	struct dirent	*de;
	DIR		*d;
	char		*end;
	long		 pid;

	memset(found, 0, sizeof(*found));
	if ((d = opendir("/proc")) == NULL) {
		log_warn("/proc");
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, &end, 10);
		if (*end != '\0' || pid <= 0 || pid == (long)getpid())
			continue;
		rotate_check((pid_t)pid, want, found);
	}
	(void)closedir(d);
	return 0;
}

/* The parent among the processes found; -1 (logged) when not one. */
static pid_t
rotate_parent(const struct rotate_found *found, const char *file)
{
	pid_t	 parent = -1, ppid;
	size_t	 i, j;

	for (i = 0; i < found->n; i++) {
		ppid = rotate_ppid(found->pid[i]);
		for (j = 0; j < found->n; j++)
			if (found->pid[j] == ppid)
				break;
		if (j < found->n)
			continue;	/* a child: the front end */
		if (parent != -1) {
			log_warnx("more than one guised runs with %s (pids %d "
			    "and %d): signal the right one with SIGUSR1",
			    file, (int)parent, (int)found->pid[i]);
			return -1;
		}
		parent = found->pid[i];
	}
	if (parent == -1)
		log_warnx("no guised is running with the configuration %s%s",
		    file, found->unreadable > 0 ? " (some guised processes "
		    "could not be inspected: run this as their user, or as "
		    "root)" : "");
	return parent;
}

static int
rotate_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static int
rotate_run(const char *file, const struct config *conf)
{
	struct rotate_found	 found;
	struct timespec		 tick = { 0, ROTATE_POLL_MS * 1000000L };
	char			 want[PATH_MAX], *next = NULL;
	unsigned long		 n;
	pid_t			 pid;
	int			 waited, rc = -1;

	if (realpath(file, want) == NULL) {
		log_warn("%s", file);
		return -1;
	}
	if (rotate_scan(want, &found) == -1 ||
	    (pid = rotate_parent(&found, file)) == -1)
		return -1;

	/* The name the current file will get: the first one not taken. */
	for (n = 1;; n++) {
		free(next);
		if ((next = audit_file_name(conf->audit_path, n)) == NULL)
			return -1;
		if (!rotate_exists(next))
			break;
	}
	if (kill(pid, SIGUSR1) == -1) {
		log_warn("guised (pid %d): SIGUSR1", (int)pid);
		goto done;
	}
	for (waited = 0; waited < ROTATE_WAIT_MS; waited += ROTATE_POLL_MS) {
		if (rotate_exists(next)) {
			printf("audit: %s rotated to %s\n", conf->audit_path,
			    next);
			rc = 0;
			goto done;
		}
		nanosleep(&tick, NULL);
	}
	log_warnx("guised (pid %d) did not rotate %s to %s within %d "
	    "seconds", (int)pid, conf->audit_path, next,
	    ROTATE_WAIT_MS / 1000);
 done:
	free(next);
	return rc;
}

int
audit_rotate_main(int argc, char *argv[])
{
	struct config	*conf;
	const char	*file;
	int		 rc;

	if ((conf = audit_config_args(argc, argv, "rotate", &file)) == NULL)
		return -1;
	rc = rotate_run(file, conf);
	config_free(conf);
	return rc;
}
