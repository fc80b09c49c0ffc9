#include <sys/socket.h>
#include <sys/un.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"

static int	 sock = -1;

/*
 * A datagram socket connected to $NOTIFY_SOCKET, made once: the front end
 * makes it before it confines itself, after which it can neither create
 * a socket nor name an address.
 */
int
notify_open(void)
{
	static int		 tried;
	struct sockaddr_un	 sun;
	const char		*path = getenv("NOTIFY_SOCKET");
	size_t			 len;

	/* Once: a confined front end may make no socket later. */
	if (tried)
		return sock == -1 && path != NULL && *path != '\0' ? -1 : 0;
	tried = 1;
	if (path == NULL || *path == '\0')
		return 0;
	len = strlen(path);
	if ((*path != '/' && *path != '@') || len >= sizeof(sun.sun_path)) {
		log_warnx("NOTIFY_SOCKET is not a socket path: ignored");
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, len);
	if (*path == '@')
		sun.sun_path[0] = '\0';		/* an abstract socket */
	if ((sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("notify: socket");
		return -1;
	}
	if (connect(sock, (struct sockaddr *)&sun,
	    offsetof(struct sockaddr_un, sun_path) + len) == -1) {
		log_warn("notify: %s", path);
		close(sock);
		sock = -1;
		return -1;
	}
	return 0;
}

int
notify_abstract(void)
{
	const char	*path = getenv("NOTIFY_SOCKET");

	return path != NULL && *path == '@';
}

void
notify(const char *state)
{
	if (notify_open() == -1 || sock == -1)
		return;
	if (send(sock, state, strlen(state), MSG_NOSIGNAL) == -1)
		log_warn("notify");
}

int
notify_fd(void)
{
	return sock;
}
