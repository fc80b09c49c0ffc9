#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "seccomp_filter.h"

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
	char	 msg[64] = "sandbox: forbidden system call ";
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

static int
trap_mode(const char *who, uint32_t *deflt)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigsys;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSYS, &sa, NULL) == -1)
		return -1;
	*deflt = SCMP_ACT_TRAP;
	log_warnx("%s: sandbox: trap mode, for debugging only", who);
	return 0;
}
#endif

static int
add_rule(scmp_filter_ctx ctx, const struct seccomp_rule *r)
{
	struct scmp_arg_cmp	 cmp[3] = { r->cmp[0], r->cmp[1], r->cmp[2] };

	if (r->ncmp == 0)
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 0);
	if (r->self)
		cmp[0].datum_a = (scmp_datum_t)getpid();
	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, r->nr,
	    (unsigned int)r->ncmp, cmp);
}

int
seccomp_filter_enter(const char *who, const struct seccomp_rule *allowed,
    size_t nallowed)
{
	scmp_filter_ctx	 ctx;
	uint32_t	 deflt = SCMP_ACT_KILL_PROCESS;
	size_t		 i;
	int		 rc = 0;

#ifdef GUISE_SECCOMP_TRAP
	if (trap_mode(who, &deflt) == -1)
		return -1;
#endif
	if ((ctx = seccomp_init(deflt)) == NULL) {
		log_warnx("%s: sandbox: seccomp_init failed", who);
		return -1;
	}
	for (i = 0; i < nallowed && rc == 0; i++)
		rc = add_rule(ctx, &allowed[i]);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]) && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), refused[i],
		    0);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		errno = -rc;
		log_warn("%s: sandbox: cannot load the seccomp filter", who);
		return -1;
	}
	return 0;
}
