/*
 * The signer's seccomp allow-list (common/seccomp_filter.c: file opens
 * fail with EACCES, any other call not listed kills the process).  By the
 * time this is entered the keys, the secrets and the audit key are loaded
 * and OpenSSL has done its lazy initialisation.
 */
#include <sys/mman.h>

#include "sandbox.h"
#include "seccomp_filter.h"

static const struct seccomp_rule allowed[] = {
	SECCOMP_ANY(read),		/* requests from the socketpair */
	SECCOMP_ANY(poll),		/* the socketpair and the parent's */
	SECCOMP_ANY(ppoll),
	SECCOMP_ANY(recvmsg),		/* a new audit file from the parent */
	SECCOMP_ANY(write),		/* replies, audit records, log lines */
	SECCOMP_ANY(pwrite64),		/* the audit anchor, in place */
	SECCOMP_ANY(fdatasync),		/* audit records on disk before replies */
	SECCOMP_ANY(io_submit),		/* ... the same, while signing goes on */
	SECCOMP_ANY(io_getevents),	/* (fsync_async.c) */
	SECCOMP_ANY(close),
	SECCOMP_ANY(exit),
	SECCOMP_ANY(exit_group),
	SECCOMP_ANY(brk),		/* malloc */
	/* malloc of large blocks; never executable memory (OpenSSH's
	 * SC_MMAP: PROT_EXEC masked out of the allowed values). */
	SECCOMP_MASKED(mmap, 2, PROT_EXEC, 0),
	SECCOMP_ANY(munmap),
	SECCOMP_ANY(mremap),		/* realloc of large blocks */
	SECCOMP_ANY(madvise),		/* free() trimming arenas */
	SECCOMP_ANY(futex),		/* OpenSSL's locks, if ever contended */
	SECCOMP_ANY(getrandom),		/* RAND_bytes: jti, nonces */
	SECCOMP_ANY(clock_gettime),	/* time() when the vDSO is not used */
	SECCOMP_ANY(gettimeofday),
	SECCOMP_ANY(getpid),		/* OpenSSL's fork detection */
	SECCOMP_ANY(rt_sigreturn),
	SECCOMP_ANY(restart_syscall),	/* poll resumed after SIGSTOP/SIGCONT */
	SECCOMP_ANY(rt_sigprocmask),	/* abort() */
	SECCOMP_ANY(gettid),		/* abort() */
	SECCOMP_SELF(tgkill, 0),	/* abort(), to itself only */
#ifdef GUISE_SANITIZE
	/* The sanitizers' runtime, in its build only: its stacks, and the
	 * isatty() that starts a report. */
	SECCOMP_ANY(sigaltstack),
	SECCOMP_ANY(ioctl),
#endif
};

int
sandbox_enter(void)
{
	return seccomp_filter_enter("signer", allowed,
	    sizeof(allowed) / sizeof(allowed[0]));
}
