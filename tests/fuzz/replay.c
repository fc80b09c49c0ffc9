/*
 * The plain replay program of a fuzz harness: without libFuzzer, with the
 * normal build flags, run LLVMFuzzerTestOneInput on every file of the
 * folders and files given, each in a child process, and say in TAP which
 * inputs passed.  A crash, an abort() of the harness's own checks or a
 * hang (10 seconds) fails that input and the program exits 1; so does an
 * empty corpus.  `make fuzz-replay` runs it on the committed corpora.
 *
 *	replay DIR|FILE ...
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

#define REPLAY_INPUT_MAX	(16 * 1024 * 1024)
#define REPLAY_SECONDS		10

static int	 n, failed;

/* The whole file in a block of exactly its size (at least one byte). */
static uint8_t *
slurp(const char *path, size_t *lenp)
{
	struct stat	 st;
	uint8_t		*buf;
	size_t		 off = 0;
	ssize_t		 r;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || st.st_size < 0 ||
	    st.st_size > REPLAY_INPUT_MAX ||
	    (buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1)) == NULL) {
		close(fd);
		return NULL;
	}
	while (off < (size_t)st.st_size) {
		r = read(fd, buf + off, (size_t)st.st_size - off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(buf);
			close(fd);
			return NULL;
		}
		off += (size_t)r;
	}
	close(fd);
	*lenp = off;
	return buf;
}

static void
replay(const char *path)
{
	uint8_t	*buf;
	size_t	 len = 0;
	pid_t	 pid;
	int	 status;

	n++;
	if ((buf = slurp(path, &len)) == NULL) {
		printf("not ok %d - %s: %s\n", n, path, strerror(errno));
		failed++;
		return;
	}
	fflush(stdout);
	if ((pid = fork()) == -1) {
		printf("not ok %d - %s: fork: %s\n", n, path, strerror(errno));
		failed++;
		free(buf);
		return;
	}
	if (pid == 0) {
		alarm(REPLAY_SECONDS);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		_exit(0);
	}
	free(buf);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			abort();
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("ok %d - %s\n", n, path);
		return;
	}
	failed++;
	if (WIFSIGNALED(status))
		printf("not ok %d - %s: killed by signal %d (%s)\n", n, path,
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		printf("not ok %d - %s: exit status %d\n", n, path,
		    WEXITSTATUS(status));
}

static int
visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static void
replay_dir(const char *dir)
{
	struct dirent	**names;
	struct stat	  st;
	char		  path[4096];
	int		  i, count;

	if ((count = scandir(dir, &names, visible, alphasort)) == -1) {
		printf("not ok %d - %s: %s\n", ++n, dir, strerror(errno));
		failed++;
		return;
	}
	for (i = 0; i < count; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    names[i]->d_name) < sizeof(path) &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode))
			replay(path);
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	struct stat	 st;
	int		 i;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			replay_dir(argv[i]);
		else
			replay(argv[i]);
	}
	if (n == 0) {
		printf("not ok 1 - no input to replay\n");
		n = failed = 1;
	}
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
