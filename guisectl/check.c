/*
 * guisectl check -f FILE: what `guised -n -f FILE` says of a configuration
 * (the parent checks the file, the signer its keys, secrets, audit key and
 * grant key).
 * guised is looked for beside guisectl (the build tree), then where make
 * install puts it (bin/../sbin), then on the PATH.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "guisectl.h"
#include "beside.h"
#include "log.h"

static void
find_guised(char *out, size_t outlen)
{
	const char *const	 tries[] = { "/guised", "/../sbin/guised" };

	if (beside_self(tries, sizeof(tries) / sizeof(tries[0]), X_OK, out,
	    outlen) == -1)
		snprintf(out, outlen, "guised");
}

int
check_main(int argc, char *argv[])
{
	static char	 name[] = "guised", nflag[] = "-n", fflag[] = "-f";
	char		 path[PATH_MAX], *args[5], *file = NULL;
	int		 ch;

	while ((ch = getopt(argc, argv, "f:")) != -1) {
		if (ch != 'f')
			ctl_usage("check");
		file = optarg;
	}
	if (file == NULL || optind != argc)
		ctl_usage("check");
	find_guised(path, sizeof(path));
	args[0] = name;
	args[1] = nflag;
	args[2] = fflag;
	args[3] = file;
	args[4] = NULL;
	execvp(path, args);
	log_warn("%s", path);
	return -1;
}
