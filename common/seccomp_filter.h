/*
 * A seccomp allow-list in the manner of OpenSSH's sandbox-seccomp-filter.c,
 * for the signer and the front end alike: the calls listed are allowed
 * (some only with one argument as given), file opens fail with EACCES so
 * that a library that tries one gets an error it can handle, and any other
 * call kills the process.
 *
 * Build with -DGUISE_SECCOMP_TRAP to have an unlisted call trap instead and
 * name the system call on stderr before exiting: for finding what a new
 * libc or library needs, never for production.
 */
#ifndef GUISE_SECCOMP_FILTER_H
#define GUISE_SECCOMP_FILTER_H

#include <stddef.h>

#include <seccomp.h>

struct seccomp_rule {
	int			 nr;		/* SCMP_SYS(name) */
	int			 ncmp;		/* 0: any arguments; else how
						 * many of cmp must hold */
	struct scmp_arg_cmp	 cmp[3];
	int			 self;		/* cmp[0].datum_a: this
						 * process's pid */
};

#define SECCOMP_CMP_EQ(n, value)	{ (n), SCMP_CMP_EQ, (value), 0 }
#define SECCOMP_CMP_NE(n, value)	{ (n), SCMP_CMP_NE, (value), 0 }
#define SECCOMP_CMP_MASKED(n, mask, value) \
	{ (n), SCMP_CMP_MASKED_EQ, (mask), (value) }

/* An allowed call, with any arguments. */
#define SECCOMP_ANY(name)	{ SCMP_SYS(name), 0, { { 0, 0, 0, 0 } }, 0 }
/* Allowed when argument n, masked with mask, equals value. */
#define SECCOMP_MASKED(name, n, mask, value) \
	{ SCMP_SYS(name), 1, { SECCOMP_CMP_MASKED(n, mask, value) }, 0 }
/* Allowed when argument n equals value. */
#define SECCOMP_EQ(name, n, value) \
	{ SCMP_SYS(name), 1, { SECCOMP_CMP_EQ(n, value) }, 0 }
/* Allowed when both comparisons hold; when all three hold. */
#define SECCOMP_BOTH(name, cmp1, cmp2) \
	{ SCMP_SYS(name), 2, { cmp1, cmp2 }, 0 }
#define SECCOMP_ALL3(name, cmp1, cmp2, cmp3) \
	{ SCMP_SYS(name), 3, { cmp1, cmp2, cmp3 }, 0 }
/* Allowed when argument n is the calling process's own pid. */
#define SECCOMP_SELF(name, n) \
	{ SCMP_SYS(name), 1, { SECCOMP_CMP_EQ(n, 0) }, 1 }

/*
 * Load the filter: the rules of allowed (several rules for one call are
 * alternatives), EACCES for open, openat, openat2 and creat, and a kill for
 * anything else.  Returns 0, or -1 with a message naming who.
 */
int	seccomp_filter_enter(const char *who, const struct seccomp_rule *allowed,
	    size_t nallowed);

#endif
