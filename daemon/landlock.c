/*
 * The front end's Landlock domain: every filesystem right the kernel can
 * restrict is handled and no rule grants any, so no path can be opened,
 * created, removed, renamed, truncated or executed; from ABI 4 no TCP bind
 * and no TCP connect but to the ports given (the console's provider's);
 * from ABI 6 no signal to, and no abstract socket of, a
 * process outside the domain (the parent and the signer).  Whatever the
 * front end reads from files it opened before (its listeners, its TLS
 * certificate and key) or is handed by the parent (the configuration and
 * the users file, on a reload).
 *
 * Debian 12's headers describe ABI 2; the constants of later ABIs are the
 * kernel's (include/uapi/linux/landlock.h) and are spelt out here, and the
 * ruleset attribute is passed with the size the running kernel's ABI has.
 */
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/landlock.h>

#include "landlock.h"
#include "log.h"

#define FS_ABI1		((1ULL << 13) - 1)	/* EXECUTE .. MAKE_SYM */
#define FS_REFER	(1ULL << 13)		/* ABI 2 */
#define FS_TRUNCATE	(1ULL << 14)		/* ABI 3 */
#define FS_IOCTL_DEV	(1ULL << 15)		/* ABI 5 */
#define NET_BIND_TCP	(1ULL << 0)		/* ABI 4 */
#define NET_CONNECT_TCP	(1ULL << 1)
#define SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)	/* ABI 6 */
#define SCOPE_SIGNAL	(1ULL << 1)

#define RULE_NET_PORT	2			/* ABI 4 */

/* struct landlock_net_port_attr. */
struct net_port_attr {
	uint64_t	 allowed_access;
	uint64_t	 port;
} __attribute__((packed));

/* struct landlock_ruleset_attr as the newest kernels have it. */
struct ruleset_attr {
	uint64_t	 handled_access_fs;
	uint64_t	 handled_access_net;	/* ABI 4 */
	uint64_t	 scoped;		/* ABI 6 */
};

int
landlock_abi(void)
{
	return (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
}

int
landlock_enter(int scope_abstract, const unsigned short *ports, size_t nports)
{
	struct ruleset_attr	 attr;
	struct net_port_attr	 port;
	size_t			 size = sizeof(attr.handled_access_fs), i;
	int			 abi, fd, saved;

	if ((abi = landlock_abi()) < 1)
		return -1;	/* ENOSYS, EOPNOTSUPP, or a filter's EPERM */
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = FS_ABI1;
	if (abi >= 2)
		attr.handled_access_fs |= FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= FS_TRUNCATE;
	if (abi >= 5)
		attr.handled_access_fs |= FS_IOCTL_DEV;
	if (abi >= 4) {
		attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP;
		size = offsetof(struct ruleset_attr, scoped);
	}
	if (abi >= 6) {
		attr.scoped = SCOPE_SIGNAL |
		    (scope_abstract ? SCOPE_ABSTRACT_UNIX_SOCKET : 0);
		size = sizeof(attr);
	}
	if ((fd = (int)syscall(SYS_landlock_create_ruleset, &attr, size,
	    0)) == -1)
		return -1;
	/* One rule a port: nothing else of what is handled is granted. */
	for (i = 0; abi >= 4 && i < nports; i++) {
		port.allowed_access = NET_CONNECT_TCP;
		port.port = ports[i];
		if (syscall(SYS_landlock_add_rule, fd, RULE_NET_PORT, &port,
		    0) == -1) {
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
	}
	if (syscall(SYS_landlock_restrict_self, fd, 0) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	close(fd);
	return abi;
}
