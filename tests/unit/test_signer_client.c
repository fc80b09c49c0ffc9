/*
 * The front end's side of the signer protocol (daemon/signer_client.c),
 * against a signer played here on the other end of a socketpair: a reply
 * is matched by its id and by its type (DESIGN.md section 4: replies are
 * checked for their type, not only their id, as OpenSSH's monitor does
 * with mm_request_receive_expect).  A reply of the request's type is the
 * request's answer; one of another type with the same id is a fault of
 * the signer's, which fails every request in flight instead of handing a
 * callback fields it would read as another message's; a reply to no
 * request in flight is dropped.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "check.h"
#include "proto.h"
#include "signer_client.h"
#include "wire.h"

struct seen {
	int		 calls;
	int		 got_reply;	/* not NULL */
	uint32_t	 status;
};

static struct event_base	*base;
static int			 peer;	/* the played signer's end */

static void
record(const struct proto_msg *rep, void *arg)
{
	struct seen	*s = arg;

	s->calls++;
	s->got_reply = rep != NULL;
	s->status = rep != NULL ? rep->status : (uint32_t)-1;
}

/* Turn the loop a few times: what is written goes, what came is read. */
static void
spin(void)
{
	int	 i;

	for (i = 0; i < 20; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		usleep(1000);
	}
}

/* The request the front end sent, read on the signer's end: its id. */
static int
read_request(uint16_t *type, uint32_t *id)
{
	uint8_t		 buf[PROTO_FRAME_MAX];
	ssize_t		 n;

	spin();
	if ((n = read(peer, buf, sizeof(buf))) < PROTO_HEADER_LEN)
		return -1;
	*type = get_u16(buf + 6);
	*id = get_u32(buf + 8);
	return 0;
}

/* Answer as the signer would, with this type, id and status. */
static void
reply(uint16_t type, uint32_t id, uint32_t status)
{
	struct proto_msg	 m;
	uint8_t			 out[PROTO_FRAME_MAX];
	long			 n;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.id = id;
	m.status = status;
	if (type == PROTO_HELLO && status == PROTO_OK)
		m.u.hello_rep.jwks = proto_str("{\"keys\":[]}");
	if ((n = proto_encode(&m, PROTO_REPLY, out, sizeof(out))) == -1 ||
	    write(peer, out, (size_t)n) != n)
		abort();
	spin();
}

static int
ask(struct seen *s)
{
	struct proto_msg	 m;

	memset(&m, 0, sizeof(m));
	memset(s, 0, sizeof(*s));
	m.type = PROTO_CLIENT_AUTH;
	m.u.auth_req.client_id = proto_str("storefront");
	m.u.auth_req.secret = proto_str("not-the-secret");
	return signer_request(&m, record, s);
}

int
main(void)
{
	struct seen	 s, t;
	uint16_t	 type = 0;
	uint32_t	 id = 0, id2 = 0;
	int		 sv[2];

	if ((base = event_base_new()) == NULL ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		abort();
	peer = sv[1];
	signer_client_init(base, sv[0]);

	CHECK(ask(&s) == 0 && read_request(&type, &id) == 0 &&
	    type == PROTO_CLIENT_AUTH, "a client_auth request reaches the "
	    "signer");
	reply(PROTO_CLIENT_AUTH, id, PROTO_ERR_CLIENT);
	CHECK(s.calls == 1 && s.got_reply && s.status == PROTO_ERR_CLIENT,
	    "its reply, of its type and id, is its answer");

	reply(PROTO_CLIENT_AUTH, id + 100, PROTO_OK);
	CHECK(s.calls == 1 && signer_inflight() == 0, "a reply to no request "
	    "in flight is dropped");

	CHECK(ask(&s) == 0 && read_request(&type, &id) == 0, "another "
	    "request");
	CHECK(ask(&t) == 0 && read_request(&type, &id2) == 0 && id2 != id,
	    "and one more, in flight beside it");
	reply(PROTO_HELLO, id, PROTO_OK);
	CHECK(s.calls == 1 && !s.got_reply, "a reply with the request's id "
	    "but of another type (hello, with a JWKS) is no answer: the "
	    "request fails (503 for its client)");
	CHECK(t.calls == 1 && !t.got_reply && signer_inflight() == 0,
	    "and the signer that sent it is taken for broken: what else was "
	    "in flight fails too");
	CHECK(ask(&s) == -1, "no request goes to that signer any more");

	event_base_free(base);
	close(peer);
	return check_done();
}
