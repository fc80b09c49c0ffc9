#include <sys/stat.h>

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fdpass.h"
#include "log.h"
#include "proto.h"
#include "rotate.h"

/* The first N for which path.N does not exist. */
static int
next_number(const char *path)
{
	char		 name[PATH_MAX];
	struct stat	 st;
	int		 n;

	for (n = 1; n < 1000000; n++) {
		snprintf(name, sizeof(name), "%s.%d", path, n);
		if (stat(name, &st) == -1)
			return n;
	}
	return -1;
}

int
rotate_audit(const struct config *conf, int ctl)
{
	struct proto_msg	 m;
	char			 old[PATH_MAX], base[PATH_MAX];
	int			 n, fd;

	if ((n = next_number(conf->audit_path)) == -1 ||
	    (size_t)snprintf(old, sizeof(old), "%s.%d", conf->audit_path, n) >=
	    sizeof(old)) {
		log_warnx("audit: no name to rotate %s to", conf->audit_path);
		return -1;
	}
	if (rename(conf->audit_path, old) == -1) {
		log_warn("audit: rename %s to %s", conf->audit_path, old);
		return -1;
	}
	if ((fd = open(conf->audit_path, O_WRONLY | O_APPEND | O_CREAT |
	    O_EXCL | O_CLOEXEC, 0600)) == -1) {
		log_warn("audit: %s", conf->audit_path);
		return -1;
	}
	snprintf(base, sizeof(base), "%s", old);
	memset(&m, 0, sizeof(m));
	m.type = PROTO_CTL_AUDIT_FILE;
	m.id = 1;
	m.u.audit_file_req.previous = proto_str(basename(base));
	if (ctl_send(ctl, &m, PROTO_REQUEST, &fd) == -1) {
		log_warn("audit: cannot hand the new file to the signer");
		close(fd);
		return -1;
	}
	close(fd);
	log_info("audit: %s rotated to %s", conf->audit_path, old);
	return 0;
}
