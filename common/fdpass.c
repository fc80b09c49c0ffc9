#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "fdpass.h"

int
fd_send(int sock, int fd, const char *name)
{
	char		 cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec	 iov = { (void *)(uintptr_t)name, strlen(name) + 1 };
	struct msghdr	 msg;
	struct cmsghdr	*cm;

	memset(&msg, 0, sizeof(msg));
	memset(cbuf, 0, sizeof(cbuf));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == -1 ? -1 : 0;
}

int
fd_recv(int sock, char *name, size_t namelen)
{
	char		 cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec	 iov = { name, namelen };
	struct msghdr	 msg;
	struct cmsghdr	*cm;
	ssize_t		 n;
	int		 fd = -1;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n == -1 && errno == EINTR);
	/* Closed, or not a socket we can read: nothing more will come. */
	if (n <= 0)
		return -2;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	/* The name must be one NUL-terminated string filling the message. */
	if (name[n - 1] != '\0' || strlen(name) != (size_t)n - 1) {
		if (fd != -1)
			close(fd);
		name[0] = '\0';
		return -1;
	}
	return fd;
}

int
msg_send(int sock, const char *name)
{
	return send(sock, name, strlen(name) + 1, MSG_NOSIGNAL) == -1 ? -1 : 0;
}
