/*
 * The signer's seccomp allow-list, in the manner of OpenSSH's
 * sandbox-seccomp-filter.c: file opens fail with EACCES, so a library that
 * tries one gets an error it can handle; any other call not listed kills
 * the process.  By the time this is entered the keys, the secrets and the
 * audit key are loaded and OpenSSL has done its lazy initialisation.
 *
 * Build with -DGUISE_SECCOMP_TRAP to have an unlisted call trap instead, and
 * name the system call on stderr before exiting: for finding what a new
 * libc or OpenSSL needs, never for production.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

#include "log.h"
#include "sandbox.h"

static const int allowed[] = {
	SCMP_SYS(read),			/* requests from the socketpair */
	SCMP_SYS(poll),			/* the socketpair and the parent's */
	SCMP_SYS(ppoll),
	SCMP_SYS(recvmsg),		/* a new audit file from the parent */
	SCMP_SYS(write),		/* replies, audit records, log lines */
	SCMP_SYS(fdatasync),		/* audit records on disk before replies */
	SCMP_SYS(io_submit),		/* ... the same, while signing goes on */
	SCMP_SYS(io_getevents),		/* (fsync_async.c) */
	SCMP_SYS(close),
	SCMP_SYS(exit),
	SCMP_SYS(exit_group),
	SCMP_SYS(brk),			/* malloc */
	SCMP_SYS(mmap),			/* malloc of large blocks */
	SCMP_SYS(munmap),
	SCMP_SYS(mremap),		/* realloc of large blocks */
	SCMP_SYS(madvise),		/* free() trimming arenas */
	SCMP_SYS(futex),		/* OpenSSL's locks, if ever contended */
	SCMP_SYS(getrandom),		/* RAND_bytes: jti, nonces */
	SCMP_SYS(clock_gettime),	/* time() when the vDSO is not used */
	SCMP_SYS(gettimeofday),
	SCMP_SYS(getpid),		/* OpenSSL's fork detection */
	SCMP_SYS(rt_sigreturn),
	SCMP_SYS(restart_syscall),	/* poll resumed after SIGSTOP/SIGCONT */
	SCMP_SYS(rt_sigprocmask),	/* abort() */
	SCMP_SYS(gettid),		/* abort() */
	SCMP_SYS(tgkill),		/* abort() */
#ifdef GUISE_SANITIZE
	/* The sanitizers' runtime, in its build only: its stacks, and the
	 * isatty() that starts a report. */
	SCMP_SYS(sigaltstack),
	SCMP_SYS(ioctl),
#endif
};

/* File opens: refused with an error, not a kill. */
static const int refused[] = {
	SCMP_SYS(open),
	SCMP_SYS(openat),
	SCMP_SYS(openat2),
	SCMP_SYS(creat),
};

#ifdef GUISE_SECCOMP_TRAP
static void
sigsys(int sig, siginfo_t *info, void *ctx)
{
	char	 msg[64] = "signer: sandbox: forbidden system call ";
	char	 num[16];
	int	 n = info->si_syscall, i = sizeof(num);

	(void)sig;
	(void)ctx;
	num[--i] = '\n';
	do {
		num[--i] = '0' + n % 10;
		n /= 10;
	} while (n > 0 && i > 0);
	if (write(STDERR_FILENO, msg, strlen(msg)) != -1)
		(void)!write(STDERR_FILENO, num + i, sizeof(num) - i);
	_exit(1);
}
#endif

int
sandbox_enter(void)
{
	scmp_filter_ctx	 ctx;
	uint32_t	 deflt = SCMP_ACT_KILL_PROCESS;
	size_t		 i;
	int		 rc = 0;

#ifdef GUISE_SECCOMP_TRAP
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigsys;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSYS, &sa, NULL) == -1)
		return -1;
	deflt = SCMP_ACT_TRAP;
	log_warnx("sandbox: trap mode, for debugging only");
#endif
	if ((ctx = seccomp_init(deflt)) == NULL) {
		log_warnx("sandbox: seccomp_init failed");
		return -1;
	}
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]) && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), refused[i], 0);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		errno = -rc;
		log_warn("sandbox: cannot load the seccomp filter");
		return -1;
	}
	return 0;
}
