/*
 * The front end confines itself once it holds what it needs (its
 * listeners, its TLS keys, the users, a connected notify socket) and has
 * dropped privileges: first Landlock (landlock.c), which takes every path
 * away, then a seccomp allow-list of what serving needs.  It parses
 * whatever the network sends, so assume it broken into: then it can open
 * no file (a key, the secrets, the audit log), read no other process's
 * memory, signal or trace no one, and bind, connect or execute nothing.
 * The parent hands it the configuration and the users file on a reload.
 *
 * Without Landlock in the kernel (or a systemd unit whose filter refuses
 * its calls) the front end does not start, unless the configuration says
 * "frontend_confinement": "seccomp-only"; that is said at every start.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "confine.h"
#include "outbound.h"
#include "landlock.h"
#include "log.h"
#include "notify.h"
#include "seccomp_filter.h"

static const struct seccomp_rule allowed[] = {
	SECCOMP_ANY(epoll_wait),	/* libevent's loop */
	SECCOMP_ANY(epoll_pwait),
	SECCOMP_ANY(epoll_ctl),
	SECCOMP_ANY(accept4),		/* the listeners */
	SECCOMP_ANY(accept),
	SECCOMP_ANY(read),		/* connections, the signer, the parent */
	SECCOMP_ANY(readv),
	SECCOMP_ANY(write),		/* ... and log lines */
	SECCOMP_ANY(writev),
	SECCOMP_ANY(recvmsg),		/* a new signer, a reload's files */
	/* send() on a connected socket (notify, a pause answered):
	 * never to an address, which would reach any socket by its path. */
	SECCOMP_EQ(sendto, 4, 0),
	SECCOMP_ANY(poll),		/* the signer's hello */
	SECCOMP_ANY(ppoll),
	SECCOMP_ANY(shutdown),		/* evhttp closing a connection */
	SECCOMP_ANY(close),
	/* evbuffer_read asks how much a socket has; nothing else. */
	SECCOMP_EQ(ioctl, 1, FIONREAD),
	/* Accepted sockets made non-blocking and close-on-exec. */
	SECCOMP_EQ(fcntl, 1, F_GETFL),
	SECCOMP_EQ(fcntl, 1, F_SETFL),
	SECCOMP_EQ(fcntl, 1, F_GETFD),
	SECCOMP_EQ(fcntl, 1, F_SETFD),
	/* The size of a reload's users file.  No fstat: glibc makes it a
	 * newfstatat, which would stat any path too. */
	SECCOMP_ANY(lseek),
	SECCOMP_ANY(getrandom),		/* tickets and codes; OpenSSL */
	SECCOMP_ANY(getpid),		/* OpenSSL's fork detection */
	SECCOMP_ANY(clock_gettime),	/* time() when the vDSO is not used */
	SECCOMP_ANY(gettimeofday),
	SECCOMP_ANY(brk),		/* malloc */
	SECCOMP_MASKED(mmap, 2, PROT_EXEC, 0),	/* never executable */
	SECCOMP_ANY(munmap),
	SECCOMP_ANY(mremap),
	SECCOMP_ANY(madvise),
	SECCOMP_ANY(futex),		/* pthread_once in OpenSSL and libc */
	SECCOMP_ANY(rt_sigreturn),	/* libevent's signal handlers */
	SECCOMP_ANY(restart_syscall),
	SECCOMP_ANY(rt_sigprocmask),	/* abort() */
	SECCOMP_ANY(gettid),
	SECCOMP_SELF(tgkill, 0),	/* abort(), to itself only */
	SECCOMP_ANY(exit),
	SECCOMP_ANY(exit_group),
#ifdef GUISE_SANITIZE
	/* The sanitizers' runtime, in its build only: its stacks, and the
	 * isatty() that starts a report.  (LeakSanitizer is off in guised:
	 * its check at exit reads /proc from a tracer task; main.c.) */
	SECCOMP_ANY(sigaltstack),
	SECCOMP_ANY(ioctl),
#endif
};

/*
 * The outbound client (outbound.h) reaches the console's identity provider
 * and the applications' back-channel logout URIs: TCP sockets of its own,
 * connected anywhere (Landlock narrows it to their ports), and the resolver's
 * datagram sockets, made before confinement, which alone may send to an
 * address.  No AF_UNIX socket can be made, and the one datagram socket it
 * holds, the notify socket, can never be connected elsewhere: a confined
 * front end reaches no local socket by its path (journald's, syslog's).
 * What it can still reach is any TCP service, with nothing of a secret's
 * to send it.
 */
#define DNS_RULES	OUTBOUND_DNS_MAX
#define OUTBOUND_MAX	(4 + 32 + 2 * DNS_RULES)
#define SOCK_FLAGS	(SOCK_NONBLOCK | SOCK_CLOEXEC)

static struct seccomp_rule
    rules[sizeof(allowed) / sizeof(allowed[0]) + OUTBOUND_MAX];

/*
 * connect() on any descriptor but the notify socket's.  The filter sees
 * all 64 bits of the argument and the kernel takes the low 32, so "not
 * the notify descriptor" cannot be one comparison (notify | 1 << 32 would
 * pass it): it is 32 rules, each for the descriptors with no high bit set
 * that differ from the notify descriptor in bit b.  Without a notify
 * socket, one rule: no high bit set.
 */
static size_t
connect_rules(struct seccomp_rule *r)
{
	const scmp_datum_t	 high = 0xffffffff00000000ULL;
	scmp_datum_t		 notify;
	size_t			 b;

	if (notify_fd() == -1) {
		r[0] = (struct seccomp_rule){ SCMP_SYS(connect), 1,
		    { SECCOMP_CMP_MASKED(0, high, 0) }, 0 };
		return 1;
	}
	notify = (scmp_datum_t)notify_fd();
	for (b = 0; b < 32; b++)
		r[b] = (struct seccomp_rule){ SCMP_SYS(connect), 1,
		    { SECCOMP_CMP_MASKED(0, high | (1ULL << b),
		    ~notify & (1ULL << b)) }, 0 };
	return 32;
}

/* rules: allowed, and the outbound client's when anything goes out. */
static size_t
with_outbound(const struct config *conf, struct seccomp_rule *r)
{
	/*
	 * Protocol 0, TCP: not IPPROTO_MPTCP, which older kernels' Landlock
	 * does not restrict.
	 */
	const struct seccomp_rule outbound[] = {
		SECCOMP_ALL3(socket, SECCOMP_CMP_EQ(0, AF_INET),
		    SECCOMP_CMP_MASKED(1, ~(scmp_datum_t)SOCK_FLAGS,
		    SOCK_STREAM), SECCOMP_CMP_EQ(2, 0)),
		SECCOMP_ALL3(socket, SECCOMP_CMP_EQ(0, AF_INET6),
		    SECCOMP_CMP_MASKED(1, ~(scmp_datum_t)SOCK_FLAGS,
		    SOCK_STREAM), SECCOMP_CMP_EQ(2, 0)),
		/* A connection's outcome, once its socket is writable, and
		 * the address evhttp then asks for. */
		SECCOMP_BOTH(getsockopt, SECCOMP_CMP_EQ(1, SOL_SOCKET),
		    SECCOMP_CMP_EQ(2, SO_ERROR)),
		SECCOMP_ANY(getpeername),
	};
	int	 dns[DNS_RULES];
	size_t	 n = sizeof(allowed) / sizeof(allowed[0]), i, ndns;

	memcpy(r, allowed, sizeof(allowed));
	if (!outbound_needed(conf))
		return n;
	memcpy(r + n, outbound, sizeof(outbound));
	n += sizeof(outbound) / sizeof(outbound[0]);
	n += connect_rules(r + n);
	ndns = outbound_dns_sockets(dns, DNS_RULES);
	for (i = 0; i < ndns; i++) {
		r[n++] = (struct seccomp_rule)SECCOMP_EQ(sendto, 0,
		    (scmp_datum_t)dns[i]);
		r[n++] = (struct seccomp_rule)SECCOMP_EQ(recvfrom, 0,
		    (scmp_datum_t)dns[i]);
	}
	return n;
}

#ifdef GUISE_TEST_HOOKS

/* Test build: the layers one at a time, to show what each one stops. */
static int
skipped(const char *layer)
{
	const char	*skip = getenv("GUISE_TEST_SKIP");

	if (skip == NULL || strstr(skip, layer) == NULL)
		return 0;
	log_warnx("test build: %s skipped (GUISE_TEST_SKIP)", layer);
	return 1;
}
#else
#define skipped(layer)	0
#endif

/* Landlock, or a reason not to start without it. */
static int
enter_landlock(const struct config *conf)
{
	unsigned short	 ports[OUTBOUND_PORTS_MAX];
	int		 abi, nports;

	if (skipped("landlock"))
		return 0;
	if ((nports = outbound_ports(conf, ports)) == -1)
		return -1;	/* outbound_init said so */
	if ((abi = landlock_enter(!notify_abstract(), ports,
	    (size_t)nports)) != -1) {
		log_info("confined by Landlock (ABI %d) and a system call "
		    "filter", abi);
		return 0;
	}
	if (errno != ENOSYS && errno != EOPNOTSUPP && errno != EPERM) {
		log_warn("Landlock");
		return -1;
	}
	if (!conf->seccomp_only) {
		log_warnx("this kernel has no Landlock, or a system call "
		    "filter refuses it (systemd's SystemCallFilter= needs "
		    "landlock_create_ruleset, landlock_add_rule and "
		    "landlock_restrict_self): refusing to serve unconfined; "
		    "\"frontend_confinement\": \"seccomp-only\" allows it");
		return -1;
	}
	log_warnx("frontend_confinement is seccomp-only: no Landlock (%s); "
	    "the front end is confined by its system call filter alone",
	    errno == EPERM ? "a system call filter refuses it" :
	    "the kernel has none");
	return 0;
}

static int
int_order(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/*
 * glibc's qsort asks the kernel how much memory there is (sysinfo) the
 * first time it sorts more than 1 KiB, and keeps the answer: asked now,
 * before the filter, which kills the front end for it.  Without this a
 * front end started with a small users file died at the first larger
 * sort: the users file reloaded larger, a long sorted search.
 */
static void
qsort_ready(void)
{
	int	 v[512];
	size_t	 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		v[i] = (int)(sizeof(v) / sizeof(v[0]) - i);
	qsort(v, sizeof(v) / sizeof(v[0]), sizeof(v[0]), int_order);
}

int
confine_frontend(const struct config *conf)
{
	/* glibc reads /etc/localtime at the first gmtime(): now or never. */
	tzset();
	qsort_ready();
#ifdef GUISE_VALGRIND
	/* make check-valgrind's build: valgrind runs no process that loads
	 * a seccomp filter (its own calls would be filtered too). */
	(void)conf;
	log_warnx("built for valgrind: the front end is NOT confined");
	return 0;
#endif
	if (enter_landlock(conf) == -1)
		return -1;
#ifdef GUISE_TEST_HOOKS
	if (skipped("seccomp"))
		return 0;
#endif
	return seccomp_filter_enter("frontend", rules, with_outbound(conf,
	    rules));
}
