#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "fdpass.h"

int
ctl_send(int sock, const struct proto_msg *m, enum proto_dir dir,
    const int *fds)
{
	uint8_t		 frame[CTL_FRAME_MAX];
	char		 cbuf[CMSG_SPACE(FDPASS_MAX * sizeof(int))];
	size_t		 nfds = dir == PROTO_REQUEST ?
			    proto_type_fds(m->type) : 0;
	struct iovec	 iov;
	struct msghdr	 msg;
	struct cmsghdr	*cm;
	long		 len;

	if (nfds > FDPASS_MAX ||
	    (len = proto_encode(m, dir, frame, sizeof(frame))) == -1) {
		errno = EINVAL;
		return -1;
	}
	/* Without descriptors, send(2): the front end's system call filter
	 * allows no sendmsg, and it sends only replies. */
	if (nfds == 0)
		return send(sock, frame, (size_t)len, MSG_NOSIGNAL) == -1 ?
		    -1 : 0;
	iov.iov_base = frame;
	iov.iov_len = (size_t)len;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	memset(cbuf, 0, sizeof(cbuf));
	msg.msg_control = cbuf;
	msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == -1 ? -1 : 0;
}

/* Close what came: a malformed message keeps none. */
static void
drop(int *fds, size_t nfds)
{
	while (nfds > 0)
		close(fds[--nfds]);
}

int
ctl_recv(int sock, enum proto_dir dir, struct ctl_msg *c, const char **why)
{
	char		 cbuf[CMSG_SPACE(FDPASS_MAX * sizeof(int))];
	struct iovec	 iov = { c->frame, sizeof(c->frame) };
	struct msghdr	 msg;
	struct cmsghdr	*cm;
	size_t		 nfds = 0, n, i;
	ssize_t		 len;
	int		 fd;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	do
		len = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (len == -1 && errno == EINTR);
	/* Not a socket we can read: nothing more will come. */
	if (len == -1)
		return -2;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
		    cm->cmsg_len < CMSG_LEN(0))
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int),
			    sizeof(int));
			if (nfds < FDPASS_MAX)
				c->fds[nfds++] = fd;
			else {
				close(fd);
				len = -1;
			}
		}
	}
	/* Closed (or an empty message, which none sends): keep nothing. */
	if (len == 0) {
		drop(c->fds, nfds);
		return -2;
	}
	if (len == -1 || (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC))) {
		drop(c->fds, nfds);
		*why = len == -1 ? "more descriptors than a message carries" :
		    "a message cut short";
		return -1;
	}
	if (proto_frame_len(c->frame, (size_t)len) != len) {
		drop(c->fds, nfds);
		*why = "not one frame";
		return -1;
	}
	if (proto_decode(c->frame, (size_t)len, dir, &c->m, why) == -1) {
		drop(c->fds, nfds);
		return -1;
	}
	if (nfds != (dir == PROTO_REQUEST ? proto_type_fds(c->m.type) : 0)) {
		drop(c->fds, nfds);
		*why = "not the descriptors its type carries";
		return -1;
	}
	return 0;
}

void
ctl_close(struct ctl_msg *c)
{
	drop(c->fds, proto_type_fds(c->m.type));
}
