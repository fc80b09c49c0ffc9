#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "log.h"
#include "signer_client.h"

struct pending {
	uint32_t	 id;
	uint16_t	 type;		/* its reply must be of it too */
	int		 busy;
	int		 held;		/* queued while paused, not sent yet */
	signer_cb	 cb;
	void		*arg;
	struct event	*timer;
};

static struct pending		 pending[SIGNER_INFLIGHT_MAX];
static struct event_base	*base;
static struct bufferevent	*bev;	/* NULL while there is no signer */

/* Paused for a switch of signers: requests wait in held, not sent. */
static int			 paused;
static struct evbuffer		*held;
static void			(*when_quiet)(void);
static uint32_t			 next_id = 1;
/* Apart: a reply's callback may send a request while it reads the reply. */
static uint8_t			 inframe[PROTO_FRAME_MAX];
static uint8_t			 outframe[PROTO_FRAME_MAX];

/* Paused, and nothing sent is unanswered: tell whoever asked. */
static void
check_quiet(void)
{
	void	(*quiet)(void) = when_quiet;
	size_t	 i;

	if (!paused || quiet == NULL)
		return;
	for (i = 0; i < SIGNER_INFLIGHT_MAX; i++)
		if (pending[i].busy && !pending[i].held)
			return;
	when_quiet = NULL;
	quiet();
}

static void
finish(struct pending *p, const struct proto_msg *reply)
{
	signer_cb	 cb = p->cb;
	void		*arg = p->arg;

	evtimer_del(p->timer);
	p->busy = 0;
	p->held = 0;
	p->cb = NULL;
	p->arg = NULL;
	cb(reply, arg);
	check_quiet();
}

static void
timed_out(evutil_socket_t fd, short what, void *arg)
{
	struct pending	*p = arg;

	(void)fd;
	(void)what;
	log_warnx("signer: request #%u timed out", p->id);
	finish(p, NULL);
}

/* The signer is gone or broke the protocol: fail everything in flight. */
static void
signer_lost(const char *why)
{
	size_t	 i;

	log_warnx("signer: %s", why);
	if (bev != NULL) {
		bufferevent_free(bev);
		bev = NULL;
	}
	/* What waits to be sent goes to the next signer. */
	for (i = 0; i < SIGNER_INFLIGHT_MAX; i++)
		if (pending[i].busy && !pending[i].held)
			finish(&pending[i], NULL);
}

static void
handle_reply(const uint8_t *buf, size_t len)
{
	struct proto_msg	 m;
	struct pending		*p;
	const char		*why;

	if (proto_decode(buf, len, PROTO_REPLY, &m, &why) == -1) {
		signer_lost(why);
		return;
	}
	p = &pending[m.id & (SIGNER_INFLIGHT_MAX - 1)];
	if (!p->busy || p->id != m.id) {
		/* Its request timed out already: nobody waits for it. */
		log_debug("signer: late reply #%u dropped", m.id);
		return;
	}
	/* A reply is read by its type's fields: another type is a fault. */
	if (p->type != m.type) {
		signer_lost("a reply of another type than its request");
		return;
	}
	finish(p, &m);
}

static void
readable(struct bufferevent *b, void *arg)
{
	struct evbuffer	*in = bufferevent_get_input(b);
	uint8_t		 hdr[4];
	long		 len;

	(void)arg;
	while (bev != NULL && evbuffer_copyout(in, hdr, 4) == 4) {
		if ((len = proto_frame_len(hdr, 4)) == -1) {
			signer_lost("bad frame length");
			return;
		}
		if (evbuffer_get_length(in) < (size_t)len)
			return;
		evbuffer_remove(in, inframe, (size_t)len);
		handle_reply(inframe, (size_t)len);
	}
}

static void
event(struct bufferevent *b, short what, void *arg)
{
	(void)b;
	(void)arg;
	if (what & BEV_EVENT_EOF)
		signer_lost("connection closed");
	else if (what & BEV_EVENT_ERROR)
		signer_lost("connection error");
}

void
signer_client_init(struct event_base *b, int fd)
{
	size_t	 i;

	base = b;
	for (i = 0; i < SIGNER_INFLIGHT_MAX; i++)
		if ((pending[i].timer = evtimer_new(base, timed_out,
		    &pending[i])) == NULL)
			fatalx("evtimer_new");
	signer_client_attach(fd);
}

void
signer_client_attach(int fd)
{
	/* What the old signer had in flight will never be answered. */
	if (bev != NULL)
		signer_lost("replaced by a new signer");
	if (evutil_make_socket_nonblocking(fd) == -1 ||
	    (bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE)) ==
	    NULL)
		fatalx("cannot set up the signer connection");
	bufferevent_setcb(bev, readable, NULL, event, NULL);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	if (paused) {
		struct timeval	 tv = { SIGNER_TIMEOUT_MS / 1000,
				    (SIGNER_TIMEOUT_MS % 1000) * 1000 };
		size_t		 i;

		paused = 0;
		when_quiet = NULL;
		/* Their time with the new signer starts now. */
		for (i = 0; i < SIGNER_INFLIGHT_MAX; i++)
			if (pending[i].held) {
				pending[i].held = 0;
				evtimer_add(pending[i].timer, &tv);
			}
		if (held != NULL && bufferevent_write_buffer(bev, held) == -1)
			signer_lost("cannot send what waited");
	}
}

void
signer_client_pause(void (*quiet)(void))
{
	paused = 1;
	when_quiet = quiet;
	check_quiet();
}

size_t
signer_inflight(void)
{
	size_t	 i, n = 0;

	for (i = 0; i < SIGNER_INFLIGHT_MAX; i++)
		n += pending[i].busy ? 1 : 0;
	return n;
}

int
signer_request(struct proto_msg *req, signer_cb cb, void *arg)
{
	struct timeval	 tv = { SIGNER_TIMEOUT_MS / 1000,
			    (SIGNER_TIMEOUT_MS % 1000) * 1000 };
	struct pending	*p;
	long		 len;
	int		 tries;

	if (bev == NULL && !paused)
		return -1;
	for (tries = 0; tries < SIGNER_INFLIGHT_MAX; tries++) {
		req->id = next_id++;
		p = &pending[req->id & (SIGNER_INFLIGHT_MAX - 1)];
		if (!p->busy)
			break;
	}
	if (tries == SIGNER_INFLIGHT_MAX) {
		log_warnx("signer: %d requests in flight, refusing more",
		    SIGNER_INFLIGHT_MAX);
		return -1;
	}
	req->status = 0;
	if ((len = proto_encode(req, PROTO_REQUEST, outframe,
	    sizeof(outframe))) == -1)
		return -1;
	if (paused) {
		if (held == NULL && (held = evbuffer_new()) == NULL)
			return -1;
		if (evbuffer_add(held, outframe, (size_t)len) == -1)
			return -1;
	} else if (bufferevent_write(bev, outframe, (size_t)len) == -1)
		return -1;
	p->held = paused;
	p->id = req->id;
	p->type = req->type;
	p->busy = 1;
	p->cb = cb;
	p->arg = arg;
	if (paused)
		tv.tv_sec = SIGNER_HOLD_MS / 1000;	/* a switch takes a while */
	evtimer_add(p->timer, &tv);
	return 0;
}

/* Write all of buf, or read exactly len bytes, within the time left. */
static int
io_exact(int fd, void *buf, size_t len, int writing, int timeout_ms)
{
	struct pollfd	 pfd = { fd, writing ? POLLOUT : POLLIN, 0 };
	size_t		 off = 0;
	ssize_t		 n;

	while (off < len) {
		if (poll(&pfd, 1, timeout_ms) <= 0)
			return -1;
		n = writing ? write(fd, (char *)buf + off, len - off) :
		    read(fd, (char *)buf + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

char *
signer_hello(int fd)
{
	struct proto_msg	 m;
	const char		*why;
	char			*jwks;
	long			 len;

	memset(&m, 0, sizeof(m));
	m.type = PROTO_HELLO;
	m.id = 0;
	if ((len = proto_encode(&m, PROTO_REQUEST, outframe,
	    sizeof(outframe))) == -1 ||
	    io_exact(fd, outframe, (size_t)len, 1, 5000) == -1 ||
	    io_exact(fd, inframe, 4, 0, 5000) == -1 ||
	    (len = proto_frame_len(inframe, 4)) == -1 ||
	    io_exact(fd, inframe + 4, (size_t)len - 4, 0, 5000) == -1) {
		log_warnx("signer: no answer to hello");
		return NULL;
	}
	if (proto_decode(inframe, (size_t)len, PROTO_REPLY, &m, &why) == -1 ||
	    m.type != PROTO_HELLO || m.status != PROTO_OK) {
		log_warnx("signer: bad answer to hello");
		return NULL;
	}
	if ((jwks = malloc(m.u.hello_rep.jwks.len + 1)) == NULL)
		return NULL;
	proto_strcpy(jwks, m.u.hello_rep.jwks.len + 1, m.u.hello_rep.jwks);
	return jwks;
}
