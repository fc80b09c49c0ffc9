/*
 * What the hostile-peer programs (signer_peer, signer_sandbox) share:
 * starting a guise-signer as guised does, on its end of a socketpair,
 * reading the test configuration, sending requests and reading replies,
 * every wait bounded; and the requests and hand-made frames they send
 * (signer_sandbox needs only the first part and hello_msg).  A program
 * of one .c file has all of this to itself, static; the functions are
 * static inline so that a program that does not use one is not warned
 * about it.  A program of several files (frontend_peer) defines
 * PEER_SHARED in each, and PEER_DEFINE in the one that holds the data
 * below: else each file would have its own copy, and all but the one
 * load_config() filled would read empty secrets and paths.
 */
#ifndef GUISE_PEER_H
#define GUISE_PEER_H

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "proto.h"
#include "wire.h"

#define TIMEOUT_MS	3000	/* for any reply, end of connection or exit */

struct signer {
	pid_t	 pid;
	int	 fd;		/* our end of the socketpair, -1 once closed */
	int	 reaped;
	int	 status;	/* from waitpid, once reaped */
};

/* A frame made by hand, to be able to make it wrong. */
struct frame {
	uint8_t	 b[2048];
	size_t	 len;
};

#if !defined(PEER_SHARED)
#define PEER_DATA	static
#elif defined(PEER_DEFINE)
#define PEER_DATA	/* held here, extern in the other files */
#else
#define PEER_DATA	extern
#endif

PEER_DATA char		 config_file[1024];
PEER_DATA char		 audit_file[1024];
PEER_DATA char		 issuer[256];
PEER_DATA char		 audience[PROTO_AUDIENCE_MAX + 1];
PEER_DATA char		 backoffice_secret[PROTO_SECRET_MAX + 1];
PEER_DATA char		 storefront_secret[PROTO_SECRET_MAX + 1];
PEER_DATA uint8_t	 rbuf[PROTO_FRAME_MAX];	/* the last reply read */

static inline void	diag(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

/* A TAP comment line; flushed, so that a fork never writes it twice. */
static inline void
diag(const char *fmt, ...)
{
	va_list	 ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is ready for events; -1 (ETIMEDOUT) past the deadline. */
static inline int
wait_fd(int fd, short events, long long deadline)
{
	struct pollfd	 pfd;
	long long	 left;
	int		 n;

	for (;;) {
		if ((left = deadline - now_ms()) < 0)
			left = 0;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		if ((n = poll(&pfd, 1, (int)left)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		return 0;
	}
}

/* MSG_NOSIGNAL: a signer that died must fail a check, not kill us. */
static inline int
send_all(int fd, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	long long	 deadline = now_ms() + TIMEOUT_MS;
	ssize_t		 n;

	while (len > 0) {
		if (wait_fd(fd, POLLOUT, deadline) == -1)
			return -1;
		n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read n bytes: n, fewer at end of file, or -1 on error or timeout. */
static inline ssize_t
read_n(int fd, uint8_t *buf, size_t n, long long deadline)
{
	size_t	 off = 0;
	ssize_t	 r;

	while (off < n) {
		if (wait_fd(fd, POLLIN, deadline) == -1)
			return -1;
		if ((r = read(fd, buf + off, n - off)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		off += (size_t)r;
	}
	return (ssize_t)off;
}

/* One frame into rbuf: its length, or -1 at end of file, error, timeout. */
static inline long
read_frame(int fd)
{
	long long	 deadline = now_ms() + TIMEOUT_MS;
	uint32_t	 len;

	if (read_n(fd, rbuf, 4, deadline) != 4)
		return -1;
	len = get_u32(rbuf);
	if (len < PROTO_HEADER_LEN || len > sizeof(rbuf))
		return -1;
	if (read_n(fd, rbuf + 4, len - 4, deadline) != (ssize_t)(len - 4))
		return -1;
	return len;
}

/* Read and decode one reply; its string fields point into rbuf. */
static inline int
recv_reply(int fd, struct proto_msg *rep)
{
	const char	*why;
	long		 len;

	if ((len = read_frame(fd)) == -1) {
		diag("no reply frame: %s", errno ? strerror(errno) :
		    "end of file");
		return -1;
	}
	if (proto_decode(rbuf, (size_t)len, PROTO_REPLY, rep, &why) == -1) {
		diag("bad reply frame: %s", why);
		return -1;
	}
	return 0;
}

static inline int
send_request(struct signer *s, const struct proto_msg *req)
{
	uint8_t	 out[PROTO_FRAME_MAX];
	long	 n;

	if ((n = proto_encode(req, PROTO_REQUEST, out, sizeof(out))) == -1) {
		diag("proto_encode refused the request");
		return -1;
	}
	if (send_all(s->fd, out, (size_t)n) == -1) {
		diag("send: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static inline int
request(struct signer *s, const struct proto_msg *req, struct proto_msg *rep)
{
	if (send_request(s, req) == -1)
		return -1;
	errno = 0;
	return recv_reply(s->fd, rep);
}

/*
 * Start a signer as guised does: its end of a socketpair on
 * PROTO_SIGNER_FD, every other descriptor of ours closed on exec.
 */
static inline int
signer_start(struct signer *s, const char *prog)
{
	int	 sv[2];

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->pid = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		diag("socketpair: %s", strerror(errno));
		return -1;
	}
	fflush(stdout);
	switch (s->pid = fork()) {
	case -1:
		diag("fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	case 0:
		/* dup2 clears close-on-exec, but not when it is a no-op. */
		if (sv[1] == PROTO_SIGNER_FD) {
			if (fcntl(sv[1], F_SETFD, 0) == -1)
				_exit(127);
		} else if (dup2(sv[1], PROTO_SIGNER_FD) == -1)
			_exit(127);
		execl(prog, prog, "-f", config_file, (char *)NULL);
		fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name,
		    prog, strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	s->fd = sv[0];
	return 0;
}

/* Reap the signer within ms milliseconds; -1 when it is still running. */
static inline int
signer_wait(struct signer *s, int ms)
{
	struct timespec	 tick = { 0, 10 * 1000 * 1000 };
	long long	 deadline = now_ms() + ms;
	pid_t		 r;

	if (s->reaped)
		return 0;
	if (s->pid <= 0)
		return -1;
	for (;;) {
		r = waitpid(s->pid, &s->status, WNOHANG);
		if (r == s->pid) {
			s->reaped = 1;
			return 0;
		}
		if (r == -1 && errno != EINTR)
			return -1;
		if (now_ms() >= deadline)
			return -1;
		nanosleep(&tick, NULL);
	}
}

/* Kill -9 whatever is left of the signer, reap it, close our end. */
static inline void
signer_stop(struct signer *s)
{
	if (s->pid > 0 && !s->reaped) {
		kill(s->pid, SIGKILL);
		while (waitpid(s->pid, &s->status, 0) == -1 && errno == EINTR)
			;
		s->reaped = 1;
	}
	if (s->fd != -1) {
		close(s->fd);
		s->fd = -1;
	}
}

static inline const char *
signer_how(const struct signer *s)
{
	static char	 how[64];

	if (!s->reaped)
		return "still running";
	if (WIFEXITED(s->status))
		snprintf(how, sizeof(how), "exit %d", WEXITSTATUS(s->status));
	else if (WIFSIGNALED(s->status))
		snprintf(how, sizeof(how), "signal %d",
		    WTERMSIG(s->status));
	else
		snprintf(how, sizeof(how), "status %#x", s->status);
	return how;
}

/*
 * Read whatever the signer still sends until the connection ends: the
 * number of bytes, or -1 when it neither closes nor exits in time.  An
 * ECONNRESET (the signer exited with bytes of ours unread) ends it too,
 * and is reported in *reset.
 */
static inline long
drain(int fd, int *reset)
{
	uint8_t		 buf[4096];
	long long	 deadline = now_ms() + TIMEOUT_MS;
	long		 total = 0;
	ssize_t		 n;

	*reset = 0;
	for (;;) {
		if (wait_fd(fd, POLLIN, deadline) == -1)
			return -1;
		if ((n = read(fd, buf, sizeof(buf))) == 0)
			return total;
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == ECONNRESET) {
				*reset = 1;
				return total;
			}
			return -1;
		}
		total += n;
	}
}

static inline void
hello_msg(struct proto_msg *m, uint32_t id)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_HELLO;
	m->id = id;
}

static inline void
token_msg(struct proto_msg *m, uint32_t id, const char *client,
    const char *secret, const char *aud, const char *scope, const char *ip,
    const char *agent)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_CLIENT_TOKEN;
	m->id = id;
	m->u.token_req.client_id = proto_str(client);
	m->u.token_req.secret = proto_str(secret);
	m->u.token_req.audience = proto_str(aud);
	m->u.token_req.scope = proto_str(scope);
	m->u.token_req.ip = proto_str(ip);
	m->u.token_req.user_agent = proto_str(agent);
}

/* The link both hand-made and encoded requests ask for. */
#define LINK_USER	"auth0|customer-1"
#define LINK_IMP	"auth0|support-1"
#define LINK_APP	"storefront"
#define LINK_SCOPE	"openid profile"
#define LINK_NONCE	"n-0S6_WzA2Mj"
/* A bearer token's shape, for frames the decoder refuses first. */
#define LINK_BEARER	"eyJhbGciOiJFUzI1NiJ9.eyJzY29wZSI6IiJ9.c2ln"

/* A link for customer-1 into storefront, its first callback, code flow. */
static inline void
link_msg(struct proto_msg *m, uint32_t id, const char *bearer,
    const char *ip, const char *agent)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_LINK;
	m->id = id;
	m->u.link_req.bearer = proto_str(bearer);
	m->u.link_req.user_id = proto_str(LINK_USER);
	m->u.link_req.impersonator_id = proto_str(LINK_IMP);
	m->u.link_req.client_id = proto_str(LINK_APP);
	m->u.link_req.callback_url = proto_str("");
	m->u.link_req.response_type = 1;
	m->u.link_req.scope = proto_str(LINK_SCOPE);
	m->u.link_req.nonce = proto_str(LINK_NONCE);
	m->u.link_req.reason = proto_str("");
	m->u.link_req.ip = proto_str(ip);
	m->u.link_req.user_agent = proto_str(agent);
}

/*
 * Hand-made frames.  Every append keeps the length word in step; a case
 * that wants a wrong length writes it last.
 */
static inline void
fr_header(struct frame *f, uint16_t version, uint16_t type, uint32_t id,
    uint32_t status)
{
	put_u16(f->b + 4, version);
	put_u16(f->b + 6, type);
	put_u32(f->b + 8, id);
	put_u32(f->b + 12, status);
	f->len = PROTO_HEADER_LEN;
	put_u32(f->b, (uint32_t)f->len);
}

static inline void
fr_bytes(struct frame *f, const void *p, size_t len)
{
	if (len > sizeof(f->b) - f->len)
		abort();
	memcpy(f->b + f->len, p, len);
	f->len += len;
	put_u32(f->b, (uint32_t)f->len);
}

static inline void
fr_u32(struct frame *f, uint32_t v)
{
	uint8_t	 w[4];

	put_u32(w, v);
	fr_bytes(f, w, sizeof(w));
}

static inline void
fr_str(struct frame *f, const void *p, size_t len)
{
	uint8_t	 w[2];

	put_u16(w, (uint16_t)len);
	fr_bytes(f, w, sizeof(w));
	fr_bytes(f, p, len);
}

/* A client_token request up to its scope: the layout before ip. */
static inline void
token_frame_old(struct frame *f, uint32_t id, const char *client,
    const char *secret, const char *aud, const char *scope)
{
	fr_header(f, PROTO_VERSION, PROTO_CLIENT_TOKEN, id, 0);
	fr_str(f, client, strlen(client));
	fr_str(f, secret, strlen(secret));
	fr_str(f, aud, strlen(aud));
	fr_str(f, scope, strlen(scope));
}

/* A whole client_token request: ip and user_agent come after scope. */
static inline void
token_frame(struct frame *f, uint32_t id, const char *client,
    const char *secret, const char *aud, const char *scope, const char *ip,
    const char *agent)
{
	token_frame_old(f, id, client, secret, aud, scope);
	fr_str(f, ip, strlen(ip));
	fr_str(f, agent, strlen(agent));
}

/* link_msg's request by hand, up to the reason; the caller goes on. */
static inline void
link_frame_head(struct frame *f, uint32_t id, const char *bearer)
{
	fr_header(f, PROTO_VERSION, PROTO_LINK, id, 0);
	fr_str(f, bearer, strlen(bearer));
	fr_str(f, LINK_USER, strlen(LINK_USER));
	fr_str(f, LINK_IMP, strlen(LINK_IMP));
	fr_str(f, LINK_APP, strlen(LINK_APP));
	fr_str(f, "", 0);
	fr_u32(f, 1);
	fr_str(f, LINK_SCOPE, strlen(LINK_SCOPE));
	fr_str(f, LINK_NONCE, strlen(LINK_NONCE));
	fr_str(f, "", 0);
}

static inline void
link_frame(struct frame *f, uint32_t id, const char *bearer, const char *ip,
    const char *agent)
{
	link_frame_head(f, id, bearer);
	fr_str(f, ip, strlen(ip));
	fr_str(f, agent, strlen(agent));
}

static inline int
load_config(const char *dir)
{
	char		 path[1024];
	json_error_t	 jerr;
	json_t		*root;
	const char	*v, *a, *b, *sf;
	int		 rc = -1;

	snprintf(config_file, sizeof(config_file), "%s/guise.json", dir);
	if ((root = json_load_file(config_file, 0, &jerr)) == NULL) {
		diag("%s: %s", config_file, jerr.text);
		return -1;
	}
	/* The signer resolves a relative audit path against the config's. */
	a = json_string_value(json_object_get(json_object_get(root, "audit"),
	    "path"));
	if ((v = json_string_value(json_object_get(root, "issuer"))) != NULL &&
	    strlen(v) < sizeof(issuer) && a != NULL &&
	    snprintf(audit_file, sizeof(audit_file), "%s%s%s",
	    a[0] == '/' ? "" : dir, a[0] == '/' ? "" : "/", a) <
	    (int)sizeof(audit_file)) {
		snprintf(issuer, sizeof(issuer), "%s", v);
		rc = 0;
	}
	json_decref(root);
	if (rc == -1)
		return -1;
	snprintf(audience, sizeof(audience), "%sapi/v2/", issuer);

	snprintf(path, sizeof(path), "%s/secrets.json", dir);
	if ((root = json_load_file(path, 0, &jerr)) == NULL) {
		diag("%s: %s", path, jerr.text);
		return -1;
	}
	b = json_string_value(json_object_get(root, "backoffice"));
	sf = json_string_value(json_object_get(root, "storefront"));
	rc = b != NULL && sf != NULL ? 0 : -1;
	if (rc == 0) {
		snprintf(backoffice_secret, sizeof(backoffice_secret), "%s", b);
		snprintf(storefront_secret, sizeof(storefront_secret), "%s",
		    sf);
	}
	json_decref(root);
	return rc;
}

#endif
