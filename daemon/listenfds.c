#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listenfds.h"
#include "log.h"

/* A decimal in [1, max], or -1. */
static long
number(const char *s, long max)
{
	char	*end;
	long	 n;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > max)
		return -1;
	return n;
}

int
listenfds_take(void)
{
	const char	*pid_s = getenv("LISTEN_PID");
	const char	*fds_s = getenv("LISTEN_FDS");
	long		 pid, n, i;
	int		 flags;

	if (pid_s == NULL && fds_s == NULL)
		return 0;
	pid = number(pid_s, LONG_MAX);
	n = number(fds_s, LISTENFDS_MAX);
	if (pid == -1 || n == -1)
		log_warnx("socket activation: LISTEN_PID=%s LISTEN_FDS=%s: "
		    "not a process id and a count of 1 to %d",
		    pid_s ? pid_s : "(none)", fds_s ? fds_s : "(none)",
		    LISTENFDS_MAX);
	/* Said first: the values belong to the environment. */
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (pid == -1 || n == -1)
		return -1;
	/* Meant for another process, which passed its environment on. */
	if (pid != (long)getpid())
		return 0;
	for (i = LISTENFDS_START; i < LISTENFDS_START + n; i++)
		if ((flags = fcntl((int)i, F_GETFD)) == -1 ||
		    fcntl((int)i, F_SETFD, flags | FD_CLOEXEC) == -1) {
			log_warn("socket activation: descriptor %ld", i);
			return -1;
		}
	return (int)n;
}

/* The passed descriptors (listenfds_check), and which a listener claimed. */
static int	npassed;
static int	claimed[LISTENFDS_MAX];

/* Whether fd is a listening TCP socket (IPv4 or IPv6). */
static int
listening_tcp(int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss), ol;
	int			 type, listening;

	ol = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &ol) == -1 ||
	    type != SOCK_STREAM)
		return 0;
	ol = sizeof(listening);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &ol) == -1 ||
	    !listening)
		return 0;
	return getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
	    (ss.ss_family == AF_INET || ss.ss_family == AF_INET6);
}

int
listenfds_check(int n)
{
	int	 i;

	npassed = n;
	for (i = 0; i < n; i++)
		if (!listening_tcp(LISTENFDS_START + i)) {
			log_warnx("socket activation: descriptor %d is not a "
			    "listening TCP socket", LISTENFDS_START + i);
			return -1;
		}
	return 0;
}

int
listenfds_claim(const char *address, int port)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	struct in6_addr		 want6;
	struct in_addr		 want4;
	socklen_t		 sl;
	int			 i, fd, v4;

	v4 = inet_pton(AF_INET, address, &want4) == 1;
	if (!v4 && inet_pton(AF_INET6, address, &want6) != 1)
		return -1;
	for (i = 0; i < npassed; i++) {
		fd = LISTENFDS_START + i;
		sl = sizeof(ss);
		if (claimed[i] ||
		    getsockname(fd, (struct sockaddr *)&ss, &sl) == -1)
			continue;
		if ((v4 && ss.ss_family == AF_INET &&
		    sin->sin_addr.s_addr == want4.s_addr &&
		    ntohs(sin->sin_port) == port) ||
		    (!v4 && ss.ss_family == AF_INET6 &&
		    memcmp(&sin6->sin6_addr, &want6, sizeof(want6)) == 0 &&
		    ntohs(sin6->sin6_port) == port)) {
			claimed[i] = 1;
			return fd;
		}
	}
	return -1;
}

int
listenfds_unclaimed(char *name, size_t len)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	const void		*addr;
	char			 a[INET6_ADDRSTRLEN];
	int			 i, fd, port, v6;

	for (i = 0; i < npassed; i++) {
		if (claimed[i])
			continue;
		fd = LISTENFDS_START + i;
		sl = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1) {
			snprintf(name, len, "descriptor %d", fd);
			return fd;
		}
		/* listenfds_check let only AF_INET and AF_INET6 through. */
		v6 = ss.ss_family == AF_INET6;
		addr = v6 ? (const void *)&((struct sockaddr_in6 *)&ss)->
		    sin6_addr : (const void *)&((struct sockaddr_in *)&ss)->
		    sin_addr;
		port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
		    ((struct sockaddr_in *)&ss)->sin_port);
		if (inet_ntop(ss.ss_family, addr, a, sizeof(a)) == NULL)
			strcpy(a, "?");
		snprintf(name, len, "%s%s%s:%d", v6 ? "[" : "", a,
		    v6 ? "]" : "", port);
		return fd;
	}
	return -1;
}
