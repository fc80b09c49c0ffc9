/*
 * Files that hold keys are created here (a grant key file's rotation
 * replaces one through a temporary file of its own: grant_key.c; a
 * provider's public keys replace theirs with newfile_replace).  O_EXCL makes the
 * creation refuse anything already at the path, a symbolic link included
 * (O_CREAT|O_EXCL never follows one), so a key is never overwritten and
 * never written through a link someone left behind.  A file that could
 * not be written whole is removed, so that a retry is not refused.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "guisectl.h"
#include "log.h"

int
newfile_fill(int fd, const void *data, size_t len)
{
	const unsigned char	*p = data;
	ssize_t			 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
newfile_write(const char *path, const void *data, size_t len)
{
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		if (errno == EEXIST)
			log_warnx("%s: already exists; guisectl never "
			    "overwrites a file, remove it or choose another "
			    "name", path);
		else
			log_warn("%s", path);
		return -1;
	}
	/*
	 * The umask can only take bits away, but the file is documented as
	 * 0600 and a umask such as 0277 would leave it unwritable: set the
	 * mode again, on the descriptor, before anything is in the file.
	 */
	if (fchmod(fd, 0600) == -1 || newfile_fill(fd, data, len) == -1 ||
	    fsync(fd) == -1) {
		log_warn("%s", path);
		(void)close(fd);
		(void)unlink(path);
		return -1;
	}
	if (close(fd) == -1) {
		log_warn("%s", path);
		(void)unlink(path);
		return -1;
	}
	return 0;
}

void
newfile_sync_dir(const char *file)
{
	char	 copy[PATH_MAX];
	int	 fd;

	if (snprintf(copy, sizeof(copy), "%s", file) >= (int)sizeof(copy))
		return;
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return;
	(void)fsync(fd);
	(void)close(fd);
}

/*
 * A file that is replaced, not created: a temporary file in the same
 * folder (rename does not cross file systems), synced, renamed over path.
 * A crash leaves the old file or the new one; a reader never sees half.
 */
int
newfile_replace(const char *path, const void *data, size_t len, mode_t mode)
{
	char	 tmp[PATH_MAX];
	int	 fd;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    (int)sizeof(tmp)) {
		log_warnx("%s: name too long", path);
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		log_warn("%s", tmp);
		return -1;
	}
	if (fchmod(fd, mode) == -1 || newfile_fill(fd, data, len) == -1 ||
	    fsync(fd) == -1) {
		log_warn("%s", tmp);
		(void)close(fd);
		(void)unlink(tmp);
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		log_warn("%s", path);
		(void)unlink(tmp);
		return -1;
	}
	newfile_sync_dir(path);
	return 0;
}
