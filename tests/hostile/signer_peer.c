/*
 * signer_peer: plays the front end to a real guise-signer over a
 * socketpair, as guised would start it (DESIGN.md section 4).
 *
 *	signer_peer SIGNER TEST_SIGNER CONFIG_DIR
 *
 * A: the good path on the release signer: hello, client_token answers and
 *    refusals, ip and user_agent (real, at their maxima, empty) in the
 *    audit log, code and implicit logins, 50 pipelined requests, a clean
 *    exit when we close.
 * B: hostile frames, one fresh release signer each: the signer must close
 *    without writing a byte (never a signature) and exit non-zero; each
 *    frame is first shown to fail proto_decode for the reason it is meant
 *    to, the same function the signer runs.
 * C: the sandbox of the test signer (built with GUISE_TEST_HOOKS): seccomp
 *    and no_new_privs in /proc, dropped ids when we are root, a refused
 *    open() answered, a socket() punished with SIGSYS.
 *
 * Every wait is bounded: a hung signer fails a check and is killed, it
 * never hangs the test.  TAP on stdout; the signers' stderr is ours.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "b64url.h"
#include "proto.h"
#include "wire.h"

#include "../unit/check.h"

#define TIMEOUT_MS	3000	/* for any reply, end of connection or exit */
#define QUIET_MS	200	/* silence that means "nothing more is coming" */
#define PIPELINE	50
#define FIRST_ID	1000	/* ids of the pipelined requests */

/* Where a request came from, for the audit log, as guised sends it. */
#define PEER_IP		"127.0.0.1"
#define PEER_AGENT	"curl/7.88.1"

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

static const char	*release_signer, *test_signer;
static char		 config_file[1024];
static char		 audit_file[1024];
static off_t		 audit_from;	/* where this run's records start */
static char		 issuer[256];
static char		 audience[PROTO_AUDIENCE_MAX + 1];
static char		 backoffice_secret[PROTO_SECRET_MAX + 1];
static char		 storefront_secret[PROTO_SECRET_MAX + 1];
static uint8_t		 rbuf[PROTO_FRAME_MAX];	/* the last reply read */

static void	diag(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

/* A TAP comment line; flushed, so that a fork never writes it twice. */
static void
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

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is ready for events; -1 (ETIMEDOUT) past the deadline. */
static int
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
static int
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
static ssize_t
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
static long
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
static int
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

static int
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

static int
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
static int
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
		fprintf(stderr, "signer_peer: %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	s->fd = sv[0];
	return 0;
}

/* Reap the signer within ms milliseconds; -1 when it is still running. */
static int
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
static void
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

static const char *
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
static long
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

static int
str_eq(struct proto_str s, const char *want)
{
	return s.len == strlen(want) && memcmp(s.p, want, s.len) == 0;
}

static void
hello_msg(struct proto_msg *m, uint32_t id)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_HELLO;
	m->id = id;
}

static void
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

/* The login both kinds of request share. */
#define LOGIN_USER	"auth0|customer-1"
#define LOGIN_IMP	"auth0|support-1"
#define LOGIN_EMAIL	"sam@example.com"
#define LOGIN_SCOPE	"openid profile"
#define LOGIN_NONCE	"n-0S6_WzA2Mj"
#define LOGIN_PROFILE	"{\"name\":\"Alice Customer\"}"
#define LOGIN_CODE	"SplxlOBeZQQYbYS6WxSbIA"
#define LOGIN_TIME	1700000000

/*
 * An impersonated login for storefront: a code_tokens request when type
 * says so (with its secret and a code), else implicit_tokens.
 */
static void
login_msg(struct proto_msg *m, uint16_t type, uint32_t id, const char *ip,
    const char *agent)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->id = id;
	m->u.login_req.client_id = proto_str("storefront");
	if (type == PROTO_CODE_TOKENS) {
		m->u.login_req.secret = proto_str(storefront_secret);
		m->u.login_req.code = proto_str(LOGIN_CODE);
	}
	m->u.login_req.user_id = proto_str(LOGIN_USER);
	m->u.login_req.impersonator_id = proto_str(LOGIN_IMP);
	m->u.login_req.impersonator_email = proto_str(LOGIN_EMAIL);
	m->u.login_req.scope = proto_str(LOGIN_SCOPE);
	m->u.login_req.nonce = proto_str(LOGIN_NONCE);
	m->u.login_req.profile = proto_str(LOGIN_PROFILE);
	m->u.login_req.auth_time = LOGIN_TIME;
	m->u.login_req.ip = proto_str(ip);
	m->u.login_req.user_agent = proto_str(agent);
}

/*
 * Hand-made frames.  Every append keeps the length word in step; a case
 * that wants a wrong length writes it last.
 */
static void
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

static void
fr_bytes(struct frame *f, const void *p, size_t len)
{
	if (len > sizeof(f->b) - f->len)
		abort();
	memcpy(f->b + f->len, p, len);
	f->len += len;
	put_u32(f->b, (uint32_t)f->len);
}

static void
fr_u32(struct frame *f, uint32_t v)
{
	uint8_t	 w[4];

	put_u32(w, v);
	fr_bytes(f, w, sizeof(w));
}

static void
fr_str(struct frame *f, const void *p, size_t len)
{
	uint8_t	 w[2];

	put_u16(w, (uint16_t)len);
	fr_bytes(f, w, sizeof(w));
	fr_bytes(f, p, len);
}

/* A client_token request up to its scope: the layout before ip. */
static void
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
static void
token_frame(struct frame *f, uint32_t id, const char *client,
    const char *secret, const char *aud, const char *scope, const char *ip,
    const char *agent)
{
	token_frame_old(f, id, client, secret, aud, scope);
	fr_str(f, ip, strlen(ip));
	fr_str(f, agent, strlen(agent));
}

/*
 * login_msg's request by hand, up to auth_time: the layout before ip.
 * The caller appends ip and user_agent.
 */
static void
login_frame_old(struct frame *f, uint16_t type, uint32_t id)
{
	fr_header(f, PROTO_VERSION, type, id, 0);
	fr_str(f, "storefront", strlen("storefront"));
	if (type == PROTO_CODE_TOKENS) {
		fr_str(f, storefront_secret, strlen(storefront_secret));
		fr_str(f, LOGIN_CODE, strlen(LOGIN_CODE));
	}
	fr_str(f, LOGIN_USER, strlen(LOGIN_USER));
	fr_str(f, LOGIN_IMP, strlen(LOGIN_IMP));
	fr_str(f, LOGIN_EMAIL, strlen(LOGIN_EMAIL));
	fr_str(f, LOGIN_SCOPE, strlen(LOGIN_SCOPE));
	fr_str(f, LOGIN_NONCE, strlen(LOGIN_NONCE));
	fr_str(f, LOGIN_PROFILE, strlen(LOGIN_PROFILE));
	fr_u32(f, LOGIN_TIME);
}

static void
login_frame(struct frame *f, uint16_t type, uint32_t id, const char *ip,
    const char *agent)
{
	login_frame_old(f, type, id);
	fr_str(f, ip, strlen(ip));
	fr_str(f, agent, strlen(agent));
}

/* The JWKS parses, has a non-empty "keys" array, and nothing private. */
static int
jwks_check(struct proto_str s, int *private)
{
	static const char	*secret_members[] = {
		"d", "p", "q", "dp", "dq", "qi", "k"
	};
	json_error_t		 jerr;
	json_t			*root, *keys, *k;
	size_t			 i, j;
	int			 ok;

	*private = 0;
	if ((root = json_loadb(s.p, s.len, 0, &jerr)) == NULL) {
		diag("JWKS: %s", jerr.text);
		return 0;
	}
	keys = json_object_get(root, "keys");
	ok = json_is_array(keys) && json_array_size(keys) > 0;
	json_array_foreach(keys, i, k)
		for (j = 0; j < sizeof(secret_members) /
		    sizeof(secret_members[0]); j++)
			if (json_object_get(k, secret_members[j]) != NULL)
				*private = 1;
	json_decref(root);
	return ok;
}

/* Split a compact JWS into its three parts, each valid base64url. */
static int
jws_split(struct proto_str tok, struct proto_str part[3])
{
	uint8_t		 raw[PROTO_TOKEN_MAX];
	const char	*p = tok.p, *end = tok.p + tok.len, *dot;
	int		 i;

	for (i = 0; i < 3; i++) {
		if ((dot = memchr(p, '.', (size_t)(end - p))) == NULL)
			dot = end;
		else if (i == 2)
			return -1;	/* a fourth part */
		part[i].p = p;
		part[i].len = (uint16_t)(dot - p);
		if (part[i].len == 0 || b64url_decode(raw, sizeof(raw),
		    part[i].p, part[i].len) <= 0)
			return -1;
		if (dot == end && i < 2)
			return -1;
		p = dot + 1;
	}
	return 0;
}

static json_t *
jws_json(struct proto_str part)
{
	uint8_t		 raw[PROTO_TOKEN_MAX];
	json_error_t	 jerr;
	ssize_t		 n;

	if ((n = b64url_decode(raw, sizeof(raw), part.p, part.len)) <= 0)
		return NULL;
	return json_loadb((const char *)raw, (size_t)n, 0, &jerr);
}

static int
json_str_is(const json_t *o, const char *key, const char *want)
{
	const char	*v = json_string_value(json_object_get(o, key));

	return v != NULL && strcmp(v, want) == 0;
}

/* The claims are the signer's own: issuer, audience, client, lifetime. */
static int
claims_check(struct proto_str tok, uint32_t expires_in)
{
	struct proto_str	 part[3];
	json_t			*hdr = NULL, *cl = NULL;
	json_int_t		 iat, exp;
	int			 ok = 0;

	if (jws_split(tok, part) == -1 ||
	    (hdr = jws_json(part[0])) == NULL ||
	    (cl = jws_json(part[1])) == NULL)
		goto done;
	iat = json_integer_value(json_object_get(cl, "iat"));
	exp = json_integer_value(json_object_get(cl, "exp"));
	ok = json_str_is(hdr, "typ", "at+jwt") &&
	    json_is_string(json_object_get(hdr, "kid")) &&
	    json_str_is(cl, "iss", issuer) &&
	    json_str_is(cl, "aud", audience) &&
	    json_str_is(cl, "client_id", "backoffice") &&
	    json_str_is(cl, "sub", "backoffice@clients") &&
	    json_is_string(json_object_get(cl, "jti")) &&
	    iat > 0 && exp - iat == (json_int_t)expires_in;
 done:
	json_decref(hdr);
	json_decref(cl);
	return ok;
}

/* The jti claim of an access token, into out; -1 when it has none. */
static int
token_jti(struct proto_str tok, char *out, size_t outlen)
{
	struct proto_str	 part[3];
	json_t			*cl;
	const char		*v;
	int			 rc = -1;

	if (jws_split(tok, part) == -1 || (cl = jws_json(part[1])) == NULL)
		return -1;
	if ((v = json_string_value(json_object_get(cl, "jti"))) != NULL &&
	    strlen(v) < outlen) {
		snprintf(out, outlen, "%s", v);
		rc = 0;
	}
	json_decref(cl);
	return rc;
}

/* A member of an audit record is want, or absent when want is empty. */
static int
audit_member_is(const json_t *rec, const char *name, const char *want)
{
	if (*want == '\0')
		return json_object_get(rec, name) == NULL;
	return json_str_is(rec, name, want);
}

/*
 * Of this run's records, the audit log holds exactly one token.issued for
 * this jti, and it names the request's ip and user_agent.  The signer
 * commits its records before it replies, so the record is there once the
 * reply is.  (A code's jti is the code's: earlier runs on the same
 * configuration have records with the same one.)
 */
static int
audit_origin_is(const char *jti, const char *ip, const char *agent)
{
	FILE		*fp;
	char		*line = NULL;
	size_t		 cap = 0;
	json_error_t	 jerr;
	json_t		*rec;
	int		 found = 0, ok = 0;

	if ((fp = fopen(audit_file, "r")) == NULL) {
		diag("%s: %s", audit_file, strerror(errno));
		return 0;
	}
	if (fseeko(fp, audit_from, SEEK_SET) == -1) {
		diag("%s: %s", audit_file, strerror(errno));
		fclose(fp);
		return 0;
	}
	while (getline(&line, &cap, fp) != -1) {
		if ((rec = json_loads(line, 0, &jerr)) == NULL) {
			diag("%s: %s", audit_file, jerr.text);
			continue;
		}
		if (json_str_is(rec, "event", "token.issued") &&
		    json_str_is(rec, "jti", jti)) {
			found++;
			ok = audit_member_is(rec, "ip", ip) &&
			    audit_member_is(rec, "user_agent", agent);
		}
		json_decref(rec);
	}
	free(line);
	fclose(fp);
	if (found != 1 || !ok)
		diag("jti %s: %d records, ip and user_agent %s", jti, found,
		    ok ? "as sent" : "not as sent");
	return found == 1 && ok;
}

/* One request on the good-path signer, one status expected. */
static void
expect_status(struct signer *s, const struct proto_msg *req, uint32_t want,
    const char *what)
{
	struct proto_msg	 rep;
	int			 ok;

	ok = request(s, req, &rep) == 0;
	if (ok && rep.status != want)
		diag("%s: got %s", what, proto_status_name(rep.status));
	CHECK(ok && rep.type == req->type && rep.id == req->id &&
	    rep.status == want, "A: %s: %s", what, proto_status_name(want));
}

/*
 * A client_token request with this ip and user_agent gets a token, and
 * the audit log records them with it.
 */
static void
expect_origin(struct signer *s, uint32_t id, const char *ip,
    const char *agent, const char *what)
{
	struct proto_msg	 req, rep;
	char			 jti[128];
	int			 ok;

	token_msg(&req, id, "backoffice", backoffice_secret, audience,
	    "read:users", ip, agent);
	ok = request(s, &req, &rep) == 0 && rep.type == PROTO_CLIENT_TOKEN &&
	    rep.id == id;
	if (ok && rep.status != PROTO_OK)
		diag("%s: got %s", what, proto_status_name(rep.status));
	ok = ok && rep.status == PROTO_OK;
	CHECK(ok && claims_check(rep.u.token_rep.token,
	    rep.u.token_rep.expires_in),
	    "A: %s (%zu and %zu bytes): a token", what, strlen(ip),
	    strlen(agent));
	CHECK(ok && token_jti(rep.u.token_rep.token, jti, sizeof(jti)) == 0 &&
	    audit_origin_is(jti, ip, agent),
	    "A: %s: the audit log records them with the token's jti", what);
}

/*
 * A login request (code or implicit) with this ip and user_agent gets an
 * id_token and an access token, and the audit log records them.
 */
static void
expect_login(struct signer *s, uint16_t type, uint32_t id, const char *ip,
    const char *agent)
{
	struct proto_msg	 req, rep;
	char			 jti[PROTO_JTI_MAX + 1];
	int			 ok;

	login_msg(&req, type, id, ip, agent);
	ok = request(s, &req, &rep) == 0 && rep.type == type && rep.id == id;
	if (ok && rep.status != PROTO_OK)
		diag("%s: got %s", proto_type_name(type),
		    proto_status_name(rep.status));
	ok = ok && rep.status == PROTO_OK;
	CHECK(ok && rep.u.login_rep.id_token.len > 0 &&
	    rep.u.login_rep.access_token.len > 0 &&
	    rep.u.login_rep.access_jti.len > 0,
	    "A: %s with ip %s and a user_agent of %zu bytes: tokens",
	    proto_type_name(type), ip, strlen(agent));
	CHECK(ok && proto_strcpy(jti, sizeof(jti),
	    rep.u.login_rep.access_jti) == 0 &&
	    audit_origin_is(jti, ip, agent),
	    "A: %s: the audit log records ip and user_agent with its jti",
	    proto_type_name(type));
}

static void
pipelined(struct signer *s)
{
	static uint8_t		 out[PIPELINE * 512];
	struct proto_msg	 req, rep;
	size_t			 outlen = 0;
	long			 n;
	int			 i, seen[PIPELINE], got = 0, inorder = 1;
	int			 allok = 1, once = 1;
	struct pollfd		 pfd;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < PIPELINE; i++) {
		token_msg(&req, FIRST_ID + i, "backoffice", backoffice_secret,
		    audience, "read:users", PEER_IP, PEER_AGENT);
		if ((n = proto_encode(&req, PROTO_REQUEST, out + outlen,
		    sizeof(out) - outlen)) == -1)
			break;
		outlen += (size_t)n;
	}
	if (i == PIPELINE && send_all(s->fd, out, outlen) == 0) {
		for (got = 0; got < PIPELINE; got++) {
			if (recv_reply(s->fd, &rep) == -1)
				break;
			if (rep.id != (uint32_t)(FIRST_ID + got))
				inorder = 0;
			if (rep.id >= FIRST_ID && rep.id < FIRST_ID + PIPELINE)
				seen[rep.id - FIRST_ID]++;
			if (rep.type != PROTO_CLIENT_TOKEN ||
			    rep.status != PROTO_OK)
				allok = 0;
		}
	}
	for (i = 0; i < PIPELINE; i++)
		if (seen[i] != 1)
			once = 0;
	CHECK(got == PIPELINE, "A: %d replies to %d requests in one write "
	    "(got %d)", PIPELINE, PIPELINE, got);
	CHECK(got == PIPELINE && inorder && once,
	    "A: every pipelined id answered once, in order");
	CHECK(got == PIPELINE && allok,
	    "A: every pipelined request gets a token");

	pfd.fd = s->fd;
	pfd.events = POLLIN;
	CHECK(got == PIPELINE && poll(&pfd, 1, QUIET_MS) == 0,
	    "A: nothing more after the %d replies", PIPELINE);
}

/* prefix, then c up to size - 1 bytes, NUL-terminated. */
static void
fill_str(char *buf, size_t size, const char *prefix, int c)
{
	size_t	 n = strlen(prefix);

	if (n >= size)
		abort();
	memcpy(buf, prefix, n);
	memset(buf + n, c, size - 1 - n);
	buf[size - 1] = '\0';
}

static void
good_path(void)
{
	struct signer		 s;
	struct proto_msg	 req, rep;
	char			 longid[PROTO_CLIENT_ID_MAX + 1];
	char			 ipmax[PROTO_IP_MAX + 1];
	char			 agentmax[PROTO_AGENT_MAX + 1];
	char			 jti[128];
	int			 ok, tok, private = 0;
	struct proto_str	 part[3];
	struct stat		 st;

	audit_from = stat(audit_file, &st) == 0 ? st.st_size : 0;
	if (signer_start(&s, release_signer) == -1) {
		CHECK(0, "A: start %s", release_signer);
		return;
	}

	hello_msg(&req, 1);
	ok = request(&s, &req, &rep) == 0 && rep.type == PROTO_HELLO &&
	    rep.id == 1 && rep.status == PROTO_OK;
	CHECK(ok, "A: hello is answered ok");
	CHECK(ok && jwks_check(rep.u.hello_rep.jwks, &private),
	    "A: hello carries a JWKS with a \"keys\" array");
	CHECK(ok && !private, "A: the JWKS holds no private key member");

	token_msg(&req, 2, "backoffice", backoffice_secret, audience,
	    "read:users impersonate:users", PEER_IP, PEER_AGENT);
	ok = request(&s, &req, &rep) == 0 && rep.type == PROTO_CLIENT_TOKEN &&
	    rep.id == 2;
	if (ok && rep.status != PROTO_OK)
		diag("got %s", proto_status_name(rep.status));
	tok = ok && rep.status == PROTO_OK;
	CHECK(tok, "A: backoffice with its secret gets a token");
	CHECK(tok && jws_split(rep.u.token_rep.token, part) == 0,
	    "A: the token has three base64url parts");
	CHECK(tok && str_eq(rep.u.token_rep.scope,
	    "read:users impersonate:users"),
	    "A: the scope granted is \"read:users impersonate:users\"");
	CHECK(tok && claims_check(rep.u.token_rep.token,
	    rep.u.token_rep.expires_in),
	    "A: the token's claims are iss, aud, client and lifetime as set");
	CHECK(tok && token_jti(rep.u.token_rep.token, jti, sizeof(jti)) == 0 &&
	    audit_origin_is(jti, PEER_IP, PEER_AGENT),
	    "A: the audit log records ip " PEER_IP " and user_agent "
	    PEER_AGENT " with the token's jti");

	token_msg(&req, 3, "backoffice", "wrong-secret-0123456789", audience,
	    "read:users", PEER_IP, PEER_AGENT);
	expect_status(&s, &req, PROTO_ERR_CLIENT, "a wrong secret");
	token_msg(&req, 4, "nosuchclient", backoffice_secret, audience,
	    "read:users", PEER_IP, PEER_AGENT);
	expect_status(&s, &req, PROTO_ERR_CLIENT, "an unknown client");
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	token_msg(&req, 5, longid, backoffice_secret, audience, "read:users",
	    PEER_IP, PEER_AGENT);
	expect_status(&s, &req, PROTO_ERR_CLIENT,
	    "a client_id of PROTO_CLIENT_ID_MAX bytes is served");
	token_msg(&req, 6, "storefront", storefront_secret, audience,
	    "read:users", PEER_IP, PEER_AGENT);
	expect_status(&s, &req, PROTO_ERR_GRANT,
	    "storefront (no client_credentials)");
	token_msg(&req, 7, "backoffice", backoffice_secret,
	    "https://elsewhere.example/api/v2/", "read:users", PEER_IP,
	    PEER_AGENT);
	expect_status(&s, &req, PROTO_ERR_AUDIENCE, "a wrong audience");
	token_msg(&req, 8, "backoffice", backoffice_secret, audience,
	    "delete:everything", PEER_IP, PEER_AGENT);
	expect_status(&s, &req, PROTO_ERR_SCOPE, "scope delete:everything");

	/* A link-local address with a long zone, a long browser string. */
	fill_str(ipmax, sizeof(ipmax), "fe80::1%", 'z');
	fill_str(agentmax, sizeof(agentmax), "Mozilla/5.0 ", 'x');
	expect_origin(&s, 9, ipmax, agentmax,
	    "ip of PROTO_IP_MAX and user_agent of PROTO_AGENT_MAX");
	expect_origin(&s, 10, "", "", "empty ip and user_agent");
	expect_origin(&s, 11, "2001:db8::1", "", "an IPv6 ip, no user_agent");

	expect_login(&s, PROTO_IMPLICIT_TOKENS, 12, PEER_IP, PEER_AGENT);
	expect_login(&s, PROTO_CODE_TOKENS, 13, "2001:db8::1", agentmax);

	pipelined(&s);

	close(s.fd);
	s.fd = -1;
	ok = signer_wait(&s, TIMEOUT_MS) == 0 && WIFEXITED(s.status) &&
	    WEXITSTATUS(s.status) == 0;
	CHECK(ok, "A: closing our end makes the signer exit 0 (%s)",
	    signer_how(&s));
	signer_stop(&s);
}

/*
 * Whether proto_decode, which the signer runs on every frame, refuses the
 * first frame in buf (as long as its length word says, at most len) for
 * a reason that contains want.
 */
static int
decode_refuses(const uint8_t *buf, size_t len, const char *want)
{
	struct proto_msg	 m;
	const char		*why = NULL;
	size_t			 flen;

	if (len < 4)
		return 0;
	if ((flen = get_u32(buf)) > len)
		flen = len;
	if (proto_decode(buf, flen, PROTO_REQUEST, &m, &why) == 0) {
		diag("the frame decodes");
		return 0;
	}
	if (why == NULL || strstr(why, want) == NULL) {
		diag("refused for another reason: %s", why ? why : "none");
		return 0;
	}
	return 1;
}

/*
 * One bad frame to a fresh release signer, after a good hello if asked,
 * then our write side shut if asked.  The signer must write nothing more
 * and exit non-zero.  When why is not NULL, the frame is first checked to
 * fail proto_decode for that reason, and not for another.
 */
static void
hostile(const char *what, int hello_first, const uint8_t *bad, size_t len,
    int shut_wr, const char *why)
{
	struct signer		 s;
	struct proto_msg	 req, rep;
	long			 n = -1;
	int			 ready, reset = 0, exited;

	if (why != NULL)
		CHECK(decode_refuses(bad, len, why),
		    "B: %s: proto_decode refuses it: %s", what, why);
	ready = signer_start(&s, release_signer) == 0;
	if (ready && hello_first) {
		hello_msg(&req, 1);
		ready = request(&s, &req, &rep) == 0 &&
		    rep.status == PROTO_OK;
		if (!ready)
			diag("%s: the hello before it failed", what);
	}
	if (ready && send_all(s.fd, bad, len) == 0 &&
	    (!shut_wr || shutdown(s.fd, SHUT_WR) == 0))
		n = drain(s.fd, &reset);
	if (n > 0)
		diag("%s: %ld bytes came back", what, n);
	if (reset)
		diag("%s: ended with ECONNRESET, not end of file", what);
	CHECK(n == 0, "B: %s: closed without a byte", what);

	exited = ready && signer_wait(&s, TIMEOUT_MS) == 0;
	CHECK(exited && WIFEXITED(s.status) && WEXITSTATUS(s.status) != 0,
	    "B: %s: the signer exits non-zero within 3 s (%s)", what,
	    signer_how(&s));
	signer_stop(&s);
}

/* A frame built by hand is byte for byte what the encoder makes of m. */
static int
frame_is(const struct frame *f, const struct proto_msg *m)
{
	uint8_t	 enc[sizeof(f->b)];
	long	 n;

	n = proto_encode(m, PROTO_REQUEST, enc, sizeof(enc));
	return n == (long)f->len && memcmp(enc, f->b, f->len) == 0;
}

/* A frame decodes as a request, to the end. */
static int
frame_decodes(const struct frame *f)
{
	struct proto_msg	 m;
	const char		*why;

	if (proto_decode(f->b, f->len, PROTO_REQUEST, &m, &why) == -1) {
		diag("hand-made frame: %s", why);
		return 0;
	}
	return 1;
}

/*
 * Frames in the layout before ip and user_agent, as an old front end would
 * send them, and frames whose ip or user_agent is wrong.
 */
static void
hostile_origin(void)
{
	static const char	 nul_agent[] = "curl/7.88.1\0evil";
	struct frame		 f, login[2];
	struct proto_msg	 m;
	char			 ipover[PROTO_IP_MAX + 2];
	char			 agentover[PROTO_AGENT_MAX + 2];
	uint8_t			 enc[sizeof(f.b)];
	char			 what[128];
	uint16_t		 type;
	int			 i;

	for (i = 0; i < 2; i++) {
		type = i == 0 ? PROTO_CODE_TOKENS : PROTO_IMPLICIT_TOKENS;
		login_frame(&login[i], type, 20 + i, PEER_IP, PEER_AGENT);
		login_msg(&m, type, 20 + i, PEER_IP, PEER_AGENT);
		CHECK(frame_is(&login[i], &m) && frame_decodes(&login[i]),
		    "B: a hand-made %s request (%zu bytes) is what "
		    "proto_encode makes, and decodes", proto_type_name(type),
		    login[i].len);
	}

	token_frame_old(&f, 3, "backoffice", backoffice_secret, audience,
	    "read:users");
	hostile("a client_token in the old layout (no ip, no user_agent)", 1,
	    f.b, f.len, 0, "truncated string length");
	fr_str(&f, PEER_IP, strlen(PEER_IP));
	hostile("a client_token with an ip but no user_agent", 1, f.b, f.len,
	    0, "truncated string length");
	for (i = 0; i < 2; i++) {
		type = i == 0 ? PROTO_CODE_TOKENS : PROTO_IMPLICIT_TOKENS;
		login_frame_old(&f, type, 20 + i);
		snprintf(what, sizeof(what), "a%s %s request in the old layout "
		    "(auth_time last)", i == 0 ? "" : "n",
		    proto_type_name(type));
		hostile(what, 1, f.b, f.len, 0, "truncated string length");
	}

	memset(ipover, '1', sizeof(ipover) - 1);
	ipover[sizeof(ipover) - 1] = '\0';
	token_msg(&m, 3, "backoffice", backoffice_secret, audience,
	    "read:users", ipover, PEER_AGENT);
	CHECK(proto_encode(&m, PROTO_REQUEST, enc, sizeof(enc)) == -1,
	    "B: proto_encode refuses an ip of PROTO_IP_MAX + 1 (%d)",
	    PROTO_IP_MAX + 1);
	token_frame(&f, 3, "backoffice", backoffice_secret, audience,
	    "read:users", ipover, PEER_AGENT);
	hostile("a client_token with an ip of PROTO_IP_MAX + 1 bytes", 1, f.b,
	    f.len, 0, "maximum");

	memset(agentover, 'u', sizeof(agentover) - 1);
	agentover[sizeof(agentover) - 1] = '\0';
	token_msg(&m, 3, "backoffice", backoffice_secret, audience,
	    "read:users", PEER_IP, agentover);
	CHECK(proto_encode(&m, PROTO_REQUEST, enc, sizeof(enc)) == -1,
	    "B: proto_encode refuses a user_agent of PROTO_AGENT_MAX + 1 (%d)",
	    PROTO_AGENT_MAX + 1);
	token_frame(&f, 3, "backoffice", backoffice_secret, audience,
	    "read:users", PEER_IP, agentover);
	hostile("a client_token with a user_agent of PROTO_AGENT_MAX + 1 "
	    "bytes", 1, f.b, f.len, 0, "maximum");

	login_msg(&m, PROTO_IMPLICIT_TOKENS, 21, PEER_IP, agentover);
	CHECK(proto_encode(&m, PROTO_REQUEST, enc, sizeof(enc)) == -1,
	    "B: proto_encode refuses an implicit_tokens user_agent of "
	    "PROTO_AGENT_MAX + 1");
	login_frame(&f, PROTO_IMPLICIT_TOKENS, 21, PEER_IP, agentover);
	hostile("an implicit_tokens with a user_agent of PROTO_AGENT_MAX + 1 "
	    "bytes", 1, f.b, f.len, 0, "maximum");
	login_frame(&f, PROTO_CODE_TOKENS, 20, ipover, PEER_AGENT);
	hostile("a code_tokens with an ip of PROTO_IP_MAX + 1 bytes", 1, f.b,
	    f.len, 0, "maximum");

	token_frame_old(&f, 3, "backoffice", backoffice_secret, audience,
	    "read:users");
	fr_str(&f, PEER_IP, strlen(PEER_IP));
	fr_str(&f, nul_agent, sizeof(nul_agent) - 1);
	hostile("a NUL in user_agent", 1, f.b, f.len, 0, "NUL");

	f = login[0];
	fr_bytes(&f, "x", 1);
	hostile("a byte after a code_tokens user_agent", 1, f.b, f.len, 0,
	    "trailing");
	/* The user_agent, last, says one byte more than the frame holds. */
	f = login[1];
	put_u16(f.b + f.len - strlen(PEER_AGENT) - 2,
	    (uint16_t)(strlen(PEER_AGENT) + 1));
	hostile("an implicit_tokens user_agent running past the frame's end",
	    0, f.b, f.len, 0, "truncated string field");
}

static void
hostile_frames(void)
{
	static const char	 nul_id[] = "back\0office";
	struct frame		 tok, f, bad;
	struct proto_msg	 m;
	uint8_t			 enc[sizeof(f.b)];
	char			 longid[PROTO_CLIENT_ID_MAX + 2];
	size_t			 agent_len = strlen(PEER_AGENT);
	long			 n;

	/* The valid frame the broken ones start from, as the encoder makes it. */
	token_frame(&tok, 7, "backoffice", backoffice_secret, audience,
	    "read:users", PEER_IP, PEER_AGENT);
	token_msg(&m, 7, "backoffice", backoffice_secret, audience,
	    "read:users", PEER_IP, PEER_AGENT);
	n = proto_encode(&m, PROTO_REQUEST, enc, sizeof(enc));
	CHECK(n == (long)tok.len && memcmp(enc, tok.b, tok.len) == 0,
	    "B: hand-made frames are what proto_encode makes");
	CHECK(frame_decodes(&tok) && frame_is(&tok, &m),
	    "B: the hand-made client_token (%zu bytes, ip and user_agent "
	    "last) decodes", tok.len);

	hostile("half a client_token, then end of input", 0, tok.b,
	    tok.len / 2, 1, NULL);

	fr_header(&f, PROTO_VERSION, PROTO_HELLO, 1, 0);
	put_u32(f.b, PROTO_HEADER_LEN - 1);
	hostile("frame length 15", 0, f.b, f.len, 0, NULL);
	put_u32(f.b, 0);
	hostile("frame length 0", 1, f.b, f.len, 0, NULL);

	fr_header(&f, PROTO_VERSION, PROTO_HELLO, 2, 0);
	put_u32(f.b, PROTO_FRAME_MAX + 1);
	hostile("frame length PROTO_FRAME_MAX + 1", 1, f.b, f.len, 0, NULL);

	fr_header(&f, PROTO_VERSION + 1, PROTO_HELLO, 2, 0);
	hostile("wrong version", 1, f.b, f.len, 0, "version");

	fr_header(&f, PROTO_VERSION, 0, 2, 0);
	hostile("type 0", 0, f.b, f.len, 0, "type");
	fr_header(&f, PROTO_VERSION, 99, 2, 0);
	hostile("type 99", 1, f.b, f.len, 0, "type");
	fr_header(&f, PROTO_VERSION, PROTO_TYPE__MAX, 2, 0);
	hostile("type PROTO_TYPE__MAX", 0, f.b, f.len, 0, "type");

	fr_header(&f, PROTO_VERSION, PROTO_HELLO, 2, PROTO_ERR_CLIENT);
	hostile("a request with a non-zero status", 1, f.b, f.len, 0,
	    "status");

	f = tok;
	fr_bytes(&f, "x", 1);
	hostile("a byte after the last field", 1, f.b, f.len, 0, "trailing");
	fr_header(&f, PROTO_VERSION, PROTO_HELLO, 2, 0);
	fr_u32(&f, 0);
	hostile("a hello with a field it does not have", 0, f.b, f.len, 0,
	    "trailing");

	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	token_msg(&m, 3, longid, backoffice_secret, audience, "read:users",
	    PEER_IP, PEER_AGENT);
	CHECK(proto_encode(&m, PROTO_REQUEST, enc, sizeof(enc)) == -1,
	    "B: proto_encode refuses a client_id of PROTO_CLIENT_ID_MAX + 1");
	token_frame(&f, 3, longid, backoffice_secret, audience, "read:users",
	    PEER_IP, PEER_AGENT);
	hostile("a client_id of PROTO_CLIENT_ID_MAX + 1 bytes", 1, f.b, f.len,
	    0, "maximum");

	fr_header(&f, PROTO_VERSION, PROTO_CLIENT_TOKEN, 3, 0);
	fr_str(&f, nul_id, sizeof(nul_id) - 1);
	fr_str(&f, backoffice_secret, strlen(backoffice_secret));
	fr_str(&f, audience, strlen(audience));
	fr_str(&f, "read:users", strlen("read:users"));
	fr_str(&f, PEER_IP, strlen(PEER_IP));
	fr_str(&f, PEER_AGENT, agent_len);
	hostile("a NUL in client_id", 1, f.b, f.len, 0, "NUL");

	/* The last string, the user_agent, says one byte more than is there. */
	f = tok;
	put_u16(f.b + f.len - agent_len - 2, (uint16_t)(agent_len + 1));
	hostile("a string running past the frame's end", 0, f.b, f.len, 0,
	    "truncated string field");

	fr_header(&f, PROTO_VERSION, PROTO_TEST_SYSCALL, 4, 0);
	fr_u32(&f, 1);
	hostile("test_syscall to the release signer", 1, f.b, f.len, 0, NULL);

	/*
	 * The token is signed, but replies go out only after the whole read
	 * is handled: none may leave.  fr_bytes sets the first frame's length
	 * word; the second frame's length is its own.
	 */
	fr_header(&bad, PROTO_VERSION, 99, 8, 0);
	f = tok;
	fr_bytes(&f, bad.b, bad.len);
	put_u32(f.b, (uint32_t)tok.len);
	CHECK(frame_decodes(&tok) &&
	    decode_refuses(f.b + tok.len, f.len - tok.len, "type"),
	    "B: of a good client_token then type 99, the first decodes, the "
	    "second does not");
	hostile("a good client_token, then type 99 in the same write", 1,
	    f.b, f.len, 0, NULL);

	hostile_origin();
}

/* The text of /proc/PID/status, NUL-terminated, or NULL. */
static char *
proc_status(pid_t pid, char *buf, size_t size)
{
	char	 path[64];
	ssize_t	 n;
	size_t	 off = 0;
	int	 fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		diag("%s: %s", path, strerror(errno));
		return NULL;
	}
	while (off < size - 1 && (n = read(fd, buf + off,
	    size - 1 - off)) > 0)
		off += (size_t)n;
	close(fd);
	buf[off] = '\0';
	return buf;
}

/* Whether the status text has this whole line. */
static int
has_line(const char *st, const char *line)
{
	char	 want[128];

	if (st == NULL)
		return 0;
	snprintf(want, sizeof(want), "\n%s\n", line);
	return strstr(st, want) != NULL;
}

static void
sandbox(void)
{
	struct signer		 s;
	struct proto_msg	 req, rep;
	struct passwd		*pw;
	char			 buf[8192], line[128];
	const char		*st = NULL;
	long			 n;
	int			 ok, reset;

	if (signer_start(&s, test_signer) == -1) {
		CHECK(0, "C: start %s", test_signer);
		return;
	}
	hello_msg(&req, 1);
	ok = request(&s, &req, &rep) == 0 && rep.status == PROTO_OK;
	CHECK(ok, "C: the test signer answers hello");
	/* After a reply the signer is in its loop, its sandbox entered. */
	if (ok)
		st = proc_status(s.pid, buf, sizeof(buf));
	CHECK(has_line(st, "Seccomp:\t2"), "C: Seccomp:\\t2 (filter mode)");
	CHECK(has_line(st, "NoNewPrivs:\t1"), "C: NoNewPrivs:\\t1");
	if (geteuid() == 0) {
		if ((pw = getpwnam("nobody")) == NULL)
			diag("no user nobody");
		if (pw != NULL)
			snprintf(line, sizeof(line), "Uid:\t%u\t%u\t%u\t%u",
			    pw->pw_uid, pw->pw_uid, pw->pw_uid, pw->pw_uid);
		CHECK(pw != NULL && has_line(st, line),
		    "C: started by root, the signer runs as nobody");
		if (pw != NULL)
			snprintf(line, sizeof(line), "Gid:\t%u\t%u\t%u\t%u",
			    pw->pw_gid, pw->pw_gid, pw->pw_gid, pw->pw_gid);
		CHECK(pw != NULL && has_line(st, line),
		    "C: started by root, the signer has nobody's group");
	}

	memset(&req, 0, sizeof(req));
	req.type = PROTO_TEST_SYSCALL;
	req.id = 2;
	req.u.test_req.which = 1;
	ok = ok && request(&s, &req, &rep) == 0 &&
	    rep.type == PROTO_TEST_SYSCALL && rep.id == 2;
	if (ok && rep.status != PROTO_OK)
		diag("got %s", proto_status_name(rep.status));
	CHECK(ok && rep.status == PROTO_OK,
	    "C: open() is refused with EACCES, not a kill");

	req.id = 3;
	req.u.test_req.which = 2;
	n = -1;
	if (ok && send_request(&s, &req) == 0)
		n = drain(s.fd, &reset);
	CHECK(n == 0, "C: socket() gets no reply");
	ok = ok && signer_wait(&s, TIMEOUT_MS) == 0 &&
	    WIFSIGNALED(s.status) && WTERMSIG(s.status) == SIGSYS;
	CHECK(ok, "C: socket() kills the signer with SIGSYS (%s)",
	    signer_how(&s));
	signer_stop(&s);
}

static int
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

int
main(int argc, char *argv[])
{
	if (argc != 4) {
		fprintf(stderr, "usage: signer_peer signer test-signer "
		    "config-dir\n");
		return 2;
	}
	release_signer = argv[1];
	test_signer = argv[2];
	if (load_config(argv[3]) == -1) {
		printf("Bail out! cannot read the configuration in %s\n",
		    argv[3]);
		return 1;
	}

	good_path();
	hostile_frames();
	sandbox();
	return check_done();
}
