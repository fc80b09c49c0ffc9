#include <sys/prctl.h>
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"

int
privdrop(const char *user)
{
	struct passwd	*pw;
	uid_t		 uid;
	gid_t		 gid;

	if (geteuid() == 0) {
		if (user == NULL) {
			log_warnx("started as root without \"user\" in the "
			    "configuration: refusing to run as root");
			return -1;
		}
		errno = 0;
		if ((pw = getpwnam(user)) == NULL) {
			log_warnx("user \"%s\": %s", user,
			    errno ? "lookup failed" : "no such user");
			return -1;
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
		if (uid == 0) {
			log_warnx("user \"%s\" is root", user);
			return -1;
		}
		if (setgroups(1, &gid) == -1 ||
		    setresgid(gid, gid, gid) == -1 ||
		    setresuid(uid, uid, uid) == -1) {
			log_warn("cannot drop privileges to \"%s\"", user);
			return -1;
		}
		/* Make sure there is no way back. */
		if (setuid(0) != -1 || seteuid(0) != -1) {
			log_warnx("privileges could be regained");
			return -1;
		}
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		log_warn("PR_SET_NO_NEW_PRIVS");
		return -1;
	}
	return 0;
}
