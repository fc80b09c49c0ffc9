/*
 * syscall_filter LIST COMMAND [ARG...]: run COMMAND under a seccomp filter
 * that allows only the system calls named in the file LIST (one a line)
 * and fails every other with EPERM, as a systemd unit with
 * SystemCallFilter= and SystemCallErrorNumber=EPERM does.  The tests give
 * it the unit's own list, expanded by systemd-analyze, to run guised as
 * the installed unit would where no systemd runs.  Names this
 * architecture does not have are skipped, as systemd skips them.
 */
#include <sys/prctl.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

int
main(int argc, char *argv[])
{
	scmp_filter_ctx	 ctx;
	FILE		*f;
	char		 line[128];
	int		 nr, n = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: syscall_filter LIST COMMAND [ARG...]\n");
		return 2;
	}
	if ((f = fopen(argv[1], "r")) == NULL) {
		perror(argv[1]);
		return 2;
	}
	if ((ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM))) == NULL)
		return 2;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, " \t\r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if ((nr = seccomp_syscall_resolve_name(line)) == __NR_SCMP_ERROR)
			continue;
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) != 0) {
			fprintf(stderr, "syscall_filter: cannot allow %s\n",
			    line);
			return 2;
		}
		n++;
	}
	fclose(f);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    seccomp_load(ctx) != 0) {
		perror("syscall_filter: seccomp");
		return 2;
	}
	seccomp_release(ctx);
	execvp(argv[2], argv + 2);
	fprintf(stderr, "syscall_filter: %s: %s (%d calls allowed)\n", argv[2],
	    strerror(errno), n);
	return 127;
}
