#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "fdpass.h"

int
fds_send(int sock, const int *fds, size_t nfds, const char *name)
{
	char		 cbuf[CMSG_SPACE(FDPASS_MAX * sizeof(int))];
	struct iovec	 iov = { (void *)(uintptr_t)name, strlen(name) + 1 };
	struct msghdr	 msg;
	struct cmsghdr	*cm;

	if (nfds == 0 || nfds > FDPASS_MAX) {
		errno = EINVAL;
		return -1;
	}
	memset(&msg, 0, sizeof(msg));
	memset(cbuf, 0, sizeof(cbuf));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == -1 ? -1 : 0;
}

int
fd_send(int sock, int fd, const char *name)
{
	return fds_send(sock, &fd, 1, name);
}

/* Close what came, and say nothing came. */
static void
drop(int *fds, size_t *nfds)
{
	size_t	 i;

	for (i = 0; i < *nfds; i++)
		close(fds[i]);
	*nfds = 0;
}

int
fds_recv(int sock, int *fds, size_t max, size_t *nfds, char *name,
    size_t namelen)
{
	char		 cbuf[CMSG_SPACE(FDPASS_MAX * sizeof(int))];
	struct iovec	 iov = { name, namelen };
	struct msghdr	 msg;
	struct cmsghdr	*cm;
	size_t		 n, i;
	ssize_t		 len;
	int		 fd;

	*nfds = 0;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	do
		len = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (len == -1 && errno == EINTR);
	/* Closed, or not a socket we can read: nothing more will come. */
	if (len <= 0)
		return -2;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
		    cm->cmsg_len < CMSG_LEN(0))
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (*nfds + n > FDPASS_MAX) {
			/* More than was ever sent: keep none, these too. */
			for (i = 0; i < n; i++) {
				memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int),
				    sizeof(int));
				close(fd);
			}
			drop(fds, nfds);
			continue;
		}
		memcpy(fds + *nfds, CMSG_DATA(cm), n * sizeof(int));
		*nfds += n;
	}
	/* The name must be one NUL-terminated string filling the message;
	 * never more descriptors than the caller takes. */
	if ((msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) ||
	    name[len - 1] != '\0' || strlen(name) != (size_t)len - 1 ||
	    *nfds > max) {
		drop(fds, nfds);
		name[0] = '\0';
		return -1;
	}
	return 0;
}

int
fd_recv(int sock, char *name, size_t namelen)
{
	int	 fds[FDPASS_MAX];
	size_t	 n;
	int	 rc;

	if ((rc = fds_recv(sock, fds, 1, &n, name, namelen)) < 0)
		return rc;
	return n == 1 ? fds[0] : -1;
}

int
msg_send(int sock, const char *name)
{
	return send(sock, name, strlen(name) + 1, MSG_NOSIGNAL) == -1 ? -1 : 0;
}
