/*
 * The signer alone (issue 7): a release guise-signer, started as guised
 * starts it, fed client_token requests over its socketpair with no HTTP in
 * front, IN_FLIGHT of them outstanding at all times for SECONDS.  Every
 * token is signed and audited (group commit, one fdatasync a batch): that
 * is part of the figure.  A benchmark: it prints what it measured and
 * asserts nothing about time.
 *
 *	signer_bench SIGNER CONFIG_FILE [IN_FLIGHT [SECONDS]]	(32, 5)
 *	environment: SIGNER_CPU, BENCH_CPU: a CPU to pin the signer, or this
 *	program, to (sched_setaffinity), so that neither measures the other
 *
 * The figure of issue 7, beside `taskset -c 0 openssl speed ecdsap256`:
 *	SIGNER_CPU=0 BENCH_CPU=1 signer_bench build/guise-signer \
 *	    /tmp/sb/guise.json 32 5
 * The signer's log lines go to this program's stderr, as they would go to
 * guised's; send them to /dev/null when they are not wanted.
 *
 * CONFIG_FILE is a guise.json as tests/lib/mkconfig.sh writes it; the
 * requests are client_credentials for "backoffice", its secret read from
 * the configuration's secrets file.  Output, one line on stdout:
 *
 *	{"in_flight":N,"seconds":T,"tokens":C,"tokens_per_s":X,"errors":E}
 *
 * tokens counts the replies that arrived within the SECONDS; errors, any
 * reply that is not a token for the request it answers (the signer answers
 * in order, so every reply must carry the oldest outstanding id).  The exit
 * status is 0 only when there were no errors and the signer stopped
 * cleanly; a signer silent for TIMEOUT_MS with requests outstanding, or
 * gone, ends the run at once with status 1.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "monotonic.h"
#include "proto.h"
#include "wire.h"

#define TIMEOUT_MS	3000		/* for any reply, and the exit */
#define IN_FLIGHT_MAX	4096
#define SECONDS_MAX	3600
#define REQ_MAX		2048		/* one encoded request */
/* Big reads: a wake-up takes every reply the socket holds. */
#define RBUF_LEN	(1024 * 1024)

#define BENCH_CLIENT	"backoffice"
#define BENCH_SCOPE	"read:users"
#define BENCH_IP	"127.0.0.1"
#define BENCH_AGENT	"signer_bench"

static struct {
	pid_t		 pid;		/* the signer, 0 once reaped */
	int		 fd;		/* our end of its socket */
	int		 ctl;		/* our end of its control socket */
	int		 status;	/* from waitpid */
	char		 anchor[PATH_MAX];	/* its anchor file, by path */

	uint8_t		 req[REQ_MAX];	/* the request; its id set per send */
	size_t		 reqlen;
	uint8_t		*wbuf;		/* requests not yet written */
	size_t		 wlen, woff;
	uint8_t		*rbuf;		/* replies not yet taken */
	size_t		 rlen;

	unsigned int	 window;	/* requests to keep outstanding */
	unsigned int	 in_flight;
	uint32_t	 next_id;	/* of the next request */
	uint32_t	 want_id;	/* that the next reply must carry */
	uint16_t	 want_type;
	int		 counting;	/* within the measured seconds */
	long long	 last_reply;	/* ms, for the timeout */
	unsigned long long tokens, errors;
} b;

static void	bail(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));

static long long
now_ms(void)
{
	return monotonic_us() / 1000;
}

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
signer_kill(void)
{
	if (b.pid <= 0)
		return;
	kill(b.pid, SIGKILL);
	while (waitpid(b.pid, &b.status, 0) == -1 && errno == EINTR)
		;
	b.pid = 0;
}

/* The run cannot go on: say why, take the signer down with us. */
static void
bail(const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "signer_bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	signer_kill();
	exit(1);
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: signer_bench SIGNER CONFIG_FILE "
	    "[IN_FLIGHT [SECONDS]]\n");
	exit(1);
}

static long
number(const char *s, long min, long max, const char *what)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		bail("%s: %s: not a number from %ld to %ld", what, s, min, max);
	return v;
}

/* The CPU an environment variable names, or -1 when it is not set. */
static int
cpu_from_env(const char *name)
{
	const char	*v;

	if ((v = getenv(name)) == NULL || v[0] == '\0')
		return -1;
	return (int)number(v, 0, CPU_SETSIZE - 1, name);
}

static int
pin(int cpu)
{
	cpu_set_t	 set;

	if (cpu == -1)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/*
 * The one request every send repeats: backoffice's client_credentials,
 * its secret from the secrets file the configuration names.
 */
static void
make_request(const char *file)
{
	struct config		*conf;
	struct proto_msg	 m;
	json_error_t		 jerr;
	json_t			*root;
	char			 err[1024], path[PATH_MAX];
	char			 audience[PROTO_AUDIENCE_MAX + 1];
	char			 secret[PROTO_SECRET_MAX + 1];
	const char		*s;
	long			 n;

	if ((conf = config_load(file, err, sizeof(err))) == NULL)
		bail("%s", err);
	if (config_path(conf->secrets_file, path, sizeof(path)) == -1)
		bail("%s: %s", conf->secrets_file, strerror(errno));
	if (snprintf(audience, sizeof(audience), "%sapi/v2/", conf->issuer) >=
	    (int)sizeof(audience))
		bail("%s: the issuer is too long", file);
	if (snprintf(b.anchor, sizeof(b.anchor), "%s.anchor",
	    conf->audit_path) >= (int)sizeof(b.anchor))
		bail("%s: the audit path is too long", file);
	config_free(conf);

	if ((root = json_load_file(path, 0, &jerr)) == NULL)
		bail("%s: %s", path, jerr.text);
	s = json_string_value(json_object_get(root, BENCH_CLIENT));
	if (s == NULL || snprintf(secret, sizeof(secret), "%s", s) >=
	    (int)sizeof(secret))
		bail("%s: no usable secret for %s", path, BENCH_CLIENT);
	json_decref(root);

	memset(&m, 0, sizeof(m));
	m.type = PROTO_CLIENT_TOKEN;
	m.u.token_req.client_id = proto_str(BENCH_CLIENT);
	m.u.token_req.secret = proto_str(secret);
	m.u.token_req.audience = proto_str(audience);
	m.u.token_req.scope = proto_str(BENCH_SCOPE);
	m.u.token_req.ip = proto_str(BENCH_IP);
	m.u.token_req.user_agent = proto_str(BENCH_AGENT);
	if ((n = proto_encode(&m, PROTO_REQUEST, b.req, sizeof(b.req))) == -1)
		bail("cannot encode the request");
	b.reqlen = (size_t)n;
}

/*
 * As guised starts it: its end of the socketpair on PROTO_SIGNER_FD, of a
 * control socket on PROTO_CONTROL_FD, the audit log's anchor file on
 * PROTO_ANCHOR_FD, nothing else of ours open.  Its stdout goes to stderr,
 * so that ours holds the result alone.
 */
static void
signer_start(const char *prog, const char *file, int cpu)
{
	static char	 name[] = "guise-signer", fflag[] = "-f";
	char		*argv[4];
	int		 sv[2], ctl[2], s, c, a, anchor;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) == -1)
		bail("socketpair: %s", strerror(errno));
	if ((anchor = open(b.anchor, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) == -1)
		bail("%s: %s", b.anchor, strerror(errno));
	fflush(NULL);
	if ((b.pid = fork()) == -1)
		bail("fork: %s", strerror(errno));
	if (b.pid == 0) {
		/*
		 * Out of the way of 3 to 5 first, wherever socketpair put
		 * them; dup2 then clears close-on-exec, never a no-op.
		 */
		if ((s = fcntl(sv[1], F_DUPFD_CLOEXEC, 10)) == -1 ||
		    (c = fcntl(ctl[1], F_DUPFD_CLOEXEC, 10)) == -1 ||
		    (a = fcntl(anchor, F_DUPFD_CLOEXEC, 10)) == -1 ||
		    dup2(s, PROTO_SIGNER_FD) == -1 ||
		    dup2(c, PROTO_CONTROL_FD) == -1 ||
		    dup2(a, PROTO_ANCHOR_FD) == -1 ||
		    dup2(STDERR_FILENO, STDOUT_FILENO) == -1)
			_exit(127);
		closefrom(PROTO_ANCHOR_FD + 1);
		if (pin(cpu) == -1) {
			fprintf(stderr, "signer_bench: SIGNER_CPU %d: %s\n",
			    cpu, strerror(errno));
			_exit(127);
		}
		argv[0] = name;
		argv[1] = fflag;
		if ((argv[2] = strdup(file)) == NULL)
			_exit(127);
		argv[3] = NULL;
		execv(prog, argv);
		fprintf(stderr, "signer_bench: %s: %s\n", prog,
		    strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	close(ctl[1]);
	close(anchor);
	b.fd = sv[0];
	b.ctl = ctl[0];
}

/* Queue requests up to the window; they leave in one write. */
static void
fill(void)
{
	if (b.woff > 0) {
		memmove(b.wbuf, b.wbuf + b.woff, b.wlen - b.woff);
		b.wlen -= b.woff;
		b.woff = 0;
	}
	while (b.in_flight < b.window) {
		memcpy(b.wbuf + b.wlen, b.req, b.reqlen);
		put_u32(b.wbuf + b.wlen + 8, b.next_id++);
		b.wlen += b.reqlen;
		b.in_flight++;
	}
}

static void
flush_out(void)
{
	ssize_t	 n;

	while (b.woff < b.wlen) {
		n = send(b.fd, b.wbuf + b.woff, b.wlen - b.woff,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			if (errno == EPIPE || errno == ECONNRESET)
				bail("the signer is gone");
			bail("send: %s", strerror(errno));
		}
		b.woff += (size_t)n;
	}
	b.woff = b.wlen = 0;
}

/* Is this reply a token (or the hello) for the oldest request? */
static int
good_reply(const uint8_t *frame, size_t len)
{
	struct proto_msg	 m;
	const char		*why, *p, *end;
	int			 dots = 0;

	if (proto_decode(frame, len, PROTO_REPLY, &m, &why) == -1) {
		fprintf(stderr, "signer_bench: bad reply: %s\n", why);
		return 0;
	}
	if (m.id != b.want_id || m.type != b.want_type ||
	    m.status != PROTO_OK) {
		fprintf(stderr, "signer_bench: reply #%u %s %s, wanted "
		    "#%u %s\n", m.id, proto_type_name(m.type),
		    proto_status_name(m.status), b.want_id,
		    proto_type_name(b.want_type));
		return 0;
	}
	if (m.type != PROTO_CLIENT_TOKEN)
		return 1;
	/* A compact JWS, for the scope asked: enough to count a token. */
	end = m.u.token_rep.token.p + m.u.token_rep.token.len;
	for (p = m.u.token_rep.token.p; p < end; p++)
		dots += *p == '.';
	if (dots != 2 || m.u.token_rep.expires_in == 0 ||
	    m.u.token_rep.scope.len != strlen(BENCH_SCOPE) ||
	    memcmp(m.u.token_rep.scope.p, BENCH_SCOPE,
	    m.u.token_rep.scope.len) != 0) {
		fprintf(stderr, "signer_bench: reply #%u is not a token\n",
		    m.id);
		return 0;
	}
	return 1;
}

/* Take every whole reply in rbuf. */
static void
take_replies(void)
{
	size_t	 off = 0;
	long	 flen;

	while ((flen = proto_frame_len(b.rbuf + off, b.rlen - off)) != 0) {
		if (flen == -1)
			bail("a reply frame of a bad length");
		if ((size_t)flen > b.rlen - off)
			break;
		if (b.in_flight == 0)
			bail("a reply to no request");
		if (!good_reply(b.rbuf + off, (size_t)flen))
			b.errors++;
		else if (b.counting && b.want_type == PROTO_CLIENT_TOKEN)
			b.tokens++;
		b.in_flight--;
		b.want_id++;
		off += (size_t)flen;
	}
	memmove(b.rbuf, b.rbuf + off, b.rlen - off);
	b.rlen -= off;
}

/*
 * Wait for the socket until deadline (ms), write what is pending, take
 * the replies that came.  A signer silent for TIMEOUT_MS ends the run.
 */
static void
step(long long deadline)
{
	struct pollfd	 pfd;
	long long	 now, until;
	ssize_t		 n;
	int		 r;

	now = now_ms();
	until = b.last_reply + TIMEOUT_MS;
	if (b.in_flight > 0 && now >= until)
		bail("no reply for %d ms, %u outstanding (unsent %zu, "
		    "partial reply %zu bytes)", TIMEOUT_MS, b.in_flight,
		    b.wlen - b.woff, b.rlen);
	if (b.in_flight > 0 && until < deadline)
		deadline = until;
	if (deadline > now + TIMEOUT_MS)
		deadline = now + TIMEOUT_MS;
	pfd.fd = b.fd;
	pfd.events = POLLIN | (b.woff < b.wlen ? POLLOUT : 0);
	pfd.revents = 0;
	if ((r = poll(&pfd, 1, deadline > now ? (int)(deadline - now) : 0))
	    == -1) {
		if (errno == EINTR)
			return;
		bail("poll: %s", strerror(errno));
	}
	if (r == 0)
		return;
	if (pfd.revents & POLLOUT)
		flush_out();
	if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	if ((n = read(b.fd, b.rbuf + b.rlen, RBUF_LEN - b.rlen)) == -1) {
		if (errno == EINTR || errno == EAGAIN)
			return;
		if (errno == ECONNRESET)
			bail("the signer is gone");
		bail("read: %s", strerror(errno));
	}
	if (n == 0)
		bail("the signer closed the connection");
	b.rlen += (size_t)n;
	b.last_reply = now_ms();
	take_replies();
}

/* The signer is up, warmed and serving once it answers a hello. */
static void
hello(void)
{
	struct proto_msg	 m;
	long			 n;

	memset(&m, 0, sizeof(m));
	m.type = PROTO_HELLO;
	m.id = b.next_id++;
	if ((n = proto_encode(&m, PROTO_REQUEST, b.wbuf, REQ_MAX)) == -1)
		bail("cannot encode the hello");
	b.wlen = (size_t)n;
	b.in_flight = 1;
	b.want_type = PROTO_HELLO;
	b.last_reply = now_ms();
	flush_out();
	while (b.in_flight > 0)
		step(LLONG_MAX);
	if (b.errors > 0)
		bail("the signer did not answer its hello");
	b.want_type = PROTO_CLIENT_TOKEN;
}

/* Close its socket, as a front end that goes does: it must exit 0. */
static int
signer_stop(void)
{
	struct timespec	 tick = { 0, 10 * 1000 * 1000 };
	long long	 deadline = now_ms() + TIMEOUT_MS;
	pid_t		 r;

	close(b.fd);
	close(b.ctl);
	for (;;) {
		if ((r = waitpid(b.pid, &b.status, WNOHANG)) == b.pid)
			break;
		if (r == -1 && errno != EINTR) {
			fprintf(stderr, "signer_bench: waitpid: %s\n",
			    strerror(errno));
			return -1;
		}
		if (now_ms() >= deadline) {
			fprintf(stderr, "signer_bench: the signer did not "
			    "exit within %d ms\n", TIMEOUT_MS);
			signer_kill();
			return -1;
		}
		nanosleep(&tick, NULL);
	}
	b.pid = 0;
	if (!WIFEXITED(b.status) || WEXITSTATUS(b.status) != 0) {
		fprintf(stderr, "signer_bench: the signer ended with status "
		    "%#x\n", b.status);
		return -1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	long long	 end;
	double		 t0, elapsed;
	unsigned int	 seconds = 5;
	int		 signer_cpu, bench_cpu, stopped;

	if (argc < 3 || argc > 5)
		usage();
	b.window = 32;
	if (argc > 3)
		b.window = (unsigned int)number(argv[3], 1, IN_FLIGHT_MAX,
		    "IN_FLIGHT");
	if (argc > 4)
		seconds = (unsigned int)number(argv[4], 1, SECONDS_MAX,
		    "SECONDS");
	signer_cpu = cpu_from_env("SIGNER_CPU");
	bench_cpu = cpu_from_env("BENCH_CPU");
	if (pin(bench_cpu) == -1)
		bail("BENCH_CPU %d: %s", bench_cpu, strerror(errno));

	make_request(argv[2]);
	if ((b.wbuf = malloc((size_t)b.window * b.reqlen + REQ_MAX)) == NULL ||
	    (b.rbuf = malloc(RBUF_LEN)) == NULL)
		bail("malloc: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	signer_start(argv[1], argv[2], signer_cpu);
	hello();

	b.counting = 1;
	t0 = now_s();
	end = now_ms() + (long long)seconds * 1000;
	while (now_ms() < end) {
		fill();
		flush_out();
		step(end);
	}
	elapsed = now_s() - t0;
	b.counting = 0;
	/* What is still outstanding is answered and checked, not counted. */
	while (b.in_flight > 0)
		step(LLONG_MAX);
	stopped = signer_stop();

	printf("{\"in_flight\":%u,\"seconds\":%u,\"tokens\":%llu,"
	    "\"tokens_per_s\":%.1f,\"errors\":%llu}\n", b.window, seconds,
	    b.tokens, b.tokens / elapsed, b.errors);
	return b.errors == 0 && stopped == 0 ? 0 : 1;
}
