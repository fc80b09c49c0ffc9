/*
 * The parent's control messages (common/fdpass.c): typed frames of the
 * signer's protocol over SOCK_SEQPACKET, each with the descriptors its
 * type carries.  What the old channel took and this one must refuse: a
 * bare word ("paused" as any prefix of it), a message with other
 * descriptors than its type carries (those that came are closed), a frame
 * that does not decode, two frames in one message.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fdpass.h"
#include "proto.h"

static int	 sv[2];

/* A descriptor that is open: /dev/null, for passing. */
static int
devnull(void)
{
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static int
is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

/* Descriptors open in this process, to see that nothing leaks. */
static int
open_count(void)
{
	int	 fd, n = 0;

	for (fd = 0; fd < 256; fd++)
		n += is_open(fd);
	return n;
}

/* Send raw bytes with nfds descriptors, as a hostile peer would. */
static void
raw_send(const void *buf, size_t len, size_t nfds)
{
	char		 cbuf[CMSG_SPACE(4 * sizeof(int))];
	struct iovec	 iov = { (void *)(uintptr_t)buf, len };
	struct msghdr	 msg;
	struct cmsghdr	*cm;
	int		 fds[4];
	size_t		 i;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfds > 0) {
		for (i = 0; i < nfds; i++)
			fds[i] = devnull();
		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
	}
	if (sendmsg(sv[0], &msg, 0) == -1)
		perror("sendmsg");
	for (i = 0; i < nfds; i++)
		close(fds[i]);
}

static void
round_trips(void)
{
	static const struct { uint16_t type; unsigned int fds; } want[] = {
		{ PROTO_CTL_SIGNER, 1 }, { PROTO_CTL_PAUSE, 0 },
		{ PROTO_CTL_RELOAD, 2 }, { PROTO_CTL_AUDIT_FILE, 1 },
	};
	struct proto_msg	 m;
	struct ctl_msg		 c;
	const char		*why;
	int			 fds[2], before, i;
	size_t			 k;

	for (k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		CHECK(proto_type_fds(want[k].type) == want[k].fds,
		    "%s carries %u descriptors", proto_type_name(want[k].type),
		    want[k].fds);
		before = open_count();
		fds[0] = devnull();
		fds[1] = devnull();
		memset(&m, 0, sizeof(m));
		m.type = want[k].type;
		m.id = 40 + (uint32_t)k;
		if (m.type == PROTO_CTL_AUDIT_FILE)
			m.u.audit_file_req.previous = proto_str("audit.log.7");
		CHECK(ctl_send(sv[0], &m, PROTO_REQUEST, fds) == 0 &&
		    ctl_recv(sv[1], PROTO_REQUEST, &c, &why) == 0 &&
		    c.m.type == m.type && c.m.id == m.id,
		    "%s: sent and received, its type and id",
		    proto_type_name(m.type));
		for (i = 0; i < (int)want[k].fds; i++)
			CHECK(is_open(c.fds[i]) && c.fds[i] != fds[i],
			    "%s: descriptor %d came as a new one",
			    proto_type_name(m.type), i);
		if (m.type == PROTO_CTL_AUDIT_FILE)
			CHECK(c.m.u.audit_file_req.previous.len == 11 &&
			    memcmp(c.m.u.audit_file_req.previous.p,
			    "audit.log.7", 11) == 0,
			    "the audit file's previous name came whole");
		ctl_close(&c);
		close(fds[0]);
		close(fds[1]);
		CHECK(open_count() == before, "%s: nothing left open",
		    proto_type_name(m.type));
	}

	/* The answer to a pause: a reply, its id, no descriptor. */
	memset(&m, 0, sizeof(m));
	m.type = PROTO_CTL_PAUSE;
	m.id = 7;
	CHECK(ctl_send(sv[1], &m, PROTO_REPLY, NULL) == 0 &&
	    ctl_recv(sv[0], PROTO_REPLY, &c, &why) == 0 &&
	    c.m.type == PROTO_CTL_PAUSE && c.m.id == 7 &&
	    c.m.status == PROTO_OK, "a pause's answer: type, id and ok");
}

/* Each refused with -1, every descriptor that came closed. */
static void
refused(const char *what, const void *buf, size_t len, size_t nfds,
    enum proto_dir dir)
{
	struct ctl_msg	 c;
	const char	*why = "";
	int		 before = open_count(), rc;

	raw_send(buf, len, nfds);
	rc = ctl_recv(sv[1], dir, &c, &why);
	CHECK(rc == -1 && open_count() == before,
	    "refused, nothing kept open: %s (%s)", what, why);
}

static void
refusals(void)
{
	struct proto_msg	 m;
	uint8_t			 f[CTL_FRAME_MAX * 2];
	long			 n;

	refused("the bare word \"paused\"", "paused", 7, 0, PROTO_REPLY);
	refused("the bare word \"p\", a prefix of it", "p", 1, 0,
	    PROTO_REPLY);
	refused("\"signer\" with a descriptor", "signer", 7, 1,
	    PROTO_REQUEST);

	{
		struct ctl_msg	 c;
		const char	*why;
		int		 before = open_count();

		raw_send("", 0, 2);
		CHECK(ctl_recv(sv[1], PROTO_REQUEST, &c, &why) == -2 &&
		    open_count() == before, "an empty message with two "
		    "descriptors: taken as the end, nothing kept open");
	}

	memset(&m, 0, sizeof(m));
	m.type = PROTO_CTL_SIGNER;
	m.id = 1;
	n = proto_encode(&m, PROTO_REQUEST, f, sizeof(f));
	refused("a new signer without its descriptor", f, (size_t)n, 0,
	    PROTO_REQUEST);
	refused("a new signer with two descriptors", f, (size_t)n, 2,
	    PROTO_REQUEST);
	refused("a new signer with three descriptors", f, (size_t)n, 3,
	    PROTO_REQUEST);
	memcpy(f + n, f, (size_t)n);
	refused("two frames in one message", f, (size_t)n * 2, 1,
	    PROTO_REQUEST);
	m.type = PROTO_CTL_RELOAD;
	n = proto_encode(&m, PROTO_REQUEST, f, sizeof(f));
	refused("a reload with one descriptor", f, (size_t)n, 1,
	    PROTO_REQUEST);
	m.type = PROTO_CTL_PAUSE;
	n = proto_encode(&m, PROTO_REQUEST, f, sizeof(f));
	refused("a pause with a descriptor", f, (size_t)n, 1, PROTO_REQUEST);
	f[4] ^= 0xff;	/* the version */
	refused("a frame that does not decode", f, (size_t)n, 0,
	    PROTO_REQUEST);
}

int
main(void)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1) {
		perror("socketpair");
		return 1;
	}
	round_trips();
	refusals();
	return check_done();
}
