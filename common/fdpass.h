/*
 * The parent's control sockets (SOCK_SEQPACKET: one message a datagram):
 * typed messages of the signer's protocol (proto.h, PROTO_CTL_*), each
 * request with the descriptors its type carries (SCM_RIGHTS).  The parent
 * hands the signer a new audit file, and the front end a new signer's
 * socket or, on a reload, the configuration and the users file it opened
 * (the front end can open no file itself); the front end answers a pause.
 * As OpenSSH's monitor expects a reply of one type, a receiver checks the
 * type (and a reply its id): a bare word no longer passes for another.
 */
#ifndef GUISE_FDPASS_H
#define GUISE_FDPASS_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define FDPASS_MAX	2	/* descriptors in one message */
#define CTL_FRAME_MAX	(PROTO_HEADER_LEN + 2 + PROTO_CONTROL_MAX)

/* A control message received: m's strings point into frame. */
struct ctl_msg {
	struct proto_msg	 m;
	int			 fds[FDPASS_MAX];
	uint8_t			 frame[CTL_FRAME_MAX];
};

/*
 * Send m in direction dir: a request with the proto_type_fds(m->type)
 * descriptors of fds, a reply with none.  Returns 0 or -1.
 */
int	ctl_send(int sock, const struct proto_msg *m, enum proto_dir dir,
	    const int *fds);

/*
 * Receive one message in direction dir into c.  Returns 0; -1 for a
 * malformed one (not exactly one frame that decodes, or other descriptors
 * than its type carries: those that came are closed), with *why; -2 when
 * the other end has closed or the socket cannot be read.
 */
int	ctl_recv(int sock, enum proto_dir dir, struct ctl_msg *c,
	    const char **why);

/* Close the descriptors of a request received and not taken. */
void	ctl_close(struct ctl_msg *c);

#endif
