/*
 * The test build's front end only (-DGUISE_TEST_HOOKS, build/tests/
 * guised-test; never in a release build): requests that act as code
 * running in a broken-into front end would, so that the tests can show
 * what its confinement stops.
 *
 *	POST /__test/probe	{"open": [path, ...], "open_write": [...],
 *				 "memory": [pid, ...], "intrusive": [pid, ...],
 *				 "env": [name, ...], "connect": ["ADDR:PORT", ...]}
 *	  tries each and answers what happened, by name: "ok" or the errno
 *	  ("EACCES").  memory: open /proc/PID/mem and environ; intrusive
 *	  (only where seccomp is skipped, which would kill the process):
 *	  process_vm_readv, ptrace(PTRACE_SEIZE), kill(PID, 0).  env: whether
 *	  the variable, or any environment string naming it, is there.
 *	  connect: a TCP connection to an IPv4 address and port.
 *	GET /__test/syscall?call=NAME&pid=PID
 *	  makes one call that the seccomp filter must kill the front end for;
 *	  an answer means it did not.
 *	GET /__test/log?lines=N[&block=1]
 *	  sets O_NONBLOCK on its descriptors 0 to 2, then writes N lines that
 *	  look like the signer's (an audit event, a commit line), as fast as
 *	  it can, trying again while the pipe is full, for at most 5 s: what
 *	  it would do to hide the signer's lines in journald.  block=1: 64 KB
 *	  a write, what would keep the pipe full.
 *	GET /__test/ctl?junk=N
 *	  writes N messages on its control socket to the parent that are not
 *	  a pause's answer: bare words ("paused", as the old channel spoke),
 *	  each a line the parent might log.
 */
#ifdef GUISE_TEST_HOOKS
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "form.h"
#include "frontend.h"
#include "http.h"
#include "monotonic.h"
#include "notify.h"
#include "reply.h"

static const char *
outcome(int rc)
{
	const char	*name;

	if (rc != -1)
		return "ok";
	name = strerrorname_np(errno);
	return name != NULL ? name : "error";
}

static const char *
try_open(const char *path, int flags)
{
	int	 fd, rc;

	rc = fd = open(path, flags | O_CLOEXEC | O_NOCTTY);
	if (fd != -1)
		close(fd);	/* nothing is read or written: seeing is enough */
	return outcome(rc);
}

static const char *
try_proc(long pid, const char *what)
{
	char	 path[64];

	snprintf(path, sizeof(path), "/proc/%ld/%s", pid, what);
	return try_open(path, O_RDONLY);
}

static const char *
try_vm_read(long pid)
{
	static char	 here;
	char		 byte;
	struct iovec	 local = { &byte, 1 }, remote = { &here, 1 };

	/* EFAULT would mean the kernel let us in and found no such page. */
	return outcome((int)process_vm_readv((pid_t)pid, &local, 1, &remote, 1,
	    0));
}

static const char *
try_ptrace(long pid)
{
	long	 rc;

	if ((rc = ptrace(PTRACE_SEIZE, (pid_t)pid, NULL, NULL)) != -1)
		(void)ptrace(PTRACE_DETACH, (pid_t)pid, NULL, NULL);
	return outcome((int)rc);
}

static const char *
try_env(const char *name)
{
	extern char	**environ;
	char		**e;

	if (getenv(name) != NULL)
		return "present";
	for (e = environ; *e != NULL; e++)
		if (strstr(*e, name) != NULL)
			return "named";
	return "absent";
}

static const char *
try_connect(const char *target)
{
	struct sockaddr_in	 sin = { .sin_family = AF_INET };
	const char		*colon = strrchr(target, ':');
	char			 addr[64];
	const char		*out;
	int			 fd;

	if (colon == NULL || (size_t)(colon - target) >= sizeof(addr))
		return "malformed";
	memcpy(addr, target, (size_t)(colon - target));
	addr[colon - target] = '\0';
	sin.sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return "malformed";
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return outcome(-1);
	out = outcome(connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	close(fd);
	return out;
}

/* Each string (or pid) of list through try, into out[key]. */
static void
each(json_t *req, json_t *out, const char *key,
    const char *(*try_str)(const char *), const char *(*try_pid)(long))
{
	json_t		*list = json_object_get(req, key), *v, *res;
	size_t		 i;
	char		 name[32];

	if (!json_is_array(list))
		return;
	res = json_object();
	json_array_foreach(list, i, v) {
		if (try_str != NULL && json_is_string(v))
			json_object_set_new(res, json_string_value(v),
			    json_string(try_str(json_string_value(v))));
		else if (try_pid != NULL && json_is_integer(v)) {
			snprintf(name, sizeof(name), "%lld",
			    (long long)json_integer_value(v));
			json_object_set_new(res, name,
			    json_string(try_pid((long)json_integer_value(v))));
		}
	}
	json_object_set_new(out, key, res);
}

static const char *
open_read(const char *path)
{
	return try_open(path, O_RDONLY);
}

static const char *
open_write(const char *path)
{
	return try_open(path, O_WRONLY | O_APPEND);
}

static const char *
memory(long pid)
{
	static char	 out[64];

	snprintf(out, sizeof(out), "%s %s", try_proc(pid, "mem"),
	    try_proc(pid, "environ"));
	return out;
}

static const char *
intrusive(long pid)
{
	static char	 out[64];

	snprintf(out, sizeof(out), "%s %s %s", try_vm_read(pid),
	    try_ptrace(pid), outcome(kill((pid_t)pid, 0)));
	return out;
}

void
testhooks_probe(struct evhttp_request *req)
{
	struct evbuffer	*body = evhttp_request_get_input_buffer(req);
	json_t		*in, *out;
	char		*text;

	in = json_loadb((const char *)evbuffer_pullup(body, -1),
	    evbuffer_get_length(body), 0, NULL);
	if (!json_is_object(in)) {
		json_decref(in);
		reply_oauth_error(req, 400, "invalid_request", "a JSON object");
		return;
	}
	out = json_object();
	each(in, out, "open", open_read, NULL);
	each(in, out, "open_write", open_write, NULL);
	each(in, out, "memory", NULL, memory);
	each(in, out, "intrusive", NULL, intrusive);
	each(in, out, "env", try_env, NULL);
	each(in, out, "connect", try_connect, NULL);
	text = json_dumps(out, JSON_COMPACT);
	reply_body(req, 200, "application/json", text ? text : "{}");
	free(text);
	json_decref(out);
	json_decref(in);
}

/* req's query string decoded into f, in buf: -1 when none, too long, bad. */
static int
hook_query(struct evhttp_request *req, char *buf, size_t buflen,
    struct form *f)
{
	const char	*query = evhttp_uri_get_query(
			    evhttp_request_get_evhttp_uri(req));
	const char	*why;

	if (query == NULL || strlen(query) >= buflen)
		return -1;
	memcpy(buf, query, strlen(query) + 1);
	return form_parse(buf, strlen(buf), f, &why);
}

void
testhooks_syscall(struct evhttp_request *req)
{
	const char	*call, *p;
	struct form	 f;
	char		 buf[256], byte;
	struct iovec	 iov = { &byte, 1 };
	pid_t		 pid;

	if (hook_query(req, buf, sizeof(buf), &f) == -1 ||
	    (call = form_get(&f, "call")) == NULL) {
		reply_oauth_error(req, 400, "invalid_request", "call=NAME");
		return;
	}
	pid = (p = form_get(&f, "pid")) != NULL ? (pid_t)atol(p) : 1;
	/* Each must kill us before it returns; harmless if it does not. */
	if (strcmp(call, "ptrace") == 0)
		(void)ptrace(PTRACE_SEIZE, pid, NULL, NULL);
	else if (strcmp(call, "process_vm_readv") == 0)
		(void)process_vm_readv(pid, &iov, 1, &iov, 1, 0);
	else if (strcmp(call, "process_vm_writev") == 0)
		(void)process_vm_writev(pid, &iov, 1, &iov, 1, 0);
	else if (strcmp(call, "pidfd_open") == 0)
		(void)syscall(SYS_pidfd_open, pid, 0);
	else if (strcmp(call, "pidfd_getfd") == 0)
		(void)syscall(SYS_pidfd_getfd, 0, 0, 0);
	else if (strcmp(call, "kill") == 0)
		(void)kill(pid, 0);
	else if (strcmp(call, "ftruncate") == 0)
		(void)!ftruncate(STDERR_FILENO, 0);
	else if (strcmp(call, "truncate") == 0)
		(void)!truncate("/nonexistent/guise", 0);
	else if (strcmp(call, "execve") == 0)
		(void)execl("/bin/true", "true", (char *)NULL);
	else if (strcmp(call, "socket") == 0)
		(void)socket(AF_INET, SOCK_STREAM, 0);
	else if (strcmp(call, "socket_unix") == 0)
		(void)socket(AF_UNIX, SOCK_DGRAM, 0);
	else if (strcmp(call, "socket_udp") == 0)
		(void)socket(AF_INET, SOCK_DGRAM, 0);
	else if (strcmp(call, "socket_mptcp") == 0)
		/* IPPROTO_MPTCP: a stream socket Landlock's port rules
		 * did not restrict (kernel 6.18 here). */
		(void)socket(AF_INET, SOCK_STREAM, 262);
	else if (strcmp(call, "getsockopt") == 0) {
		int	 v;
		socklen_t len = sizeof(v);

		(void)getsockopt(STDERR_FILENO, SOL_SOCKET, SO_RCVBUF, &v, &len);
	} else if (strcmp(call, "connect_notify") == 0) {
		/* The notify socket, pointed at syslog's: forged lines. */
		struct sockaddr_un	 sun = { .sun_family = AF_UNIX };

		strcpy(sun.sun_path, "/dev/log");
		(void)connect(notify_fd(), (struct sockaddr *)&sun,
		    sizeof(sun));
	} else if (strcmp(call, "connect_notify_high") == 0) {
		/* The same with bit 32 set in the register: the kernel
		 * takes the low 32 bits, the filter sees all 64. */
		struct sockaddr_un	 sun = { .sun_family = AF_UNIX };

		strcpy(sun.sun_path, "/dev/log");
		(void)syscall(SYS_connect, (long)notify_fd() | (1L << 32),
		    (struct sockaddr *)&sun, sizeof(sun));
	}
	else if (strcmp(call, "connect") == 0)
		(void)connect(STDERR_FILENO, NULL, 0);
	else if (strcmp(call, "mprotect") == 0)
		(void)mprotect(buf, 1, PROT_READ | PROT_EXEC);
	else if (strcmp(call, "mmap_exec") == 0)
		(void)mmap(NULL, 4096, PROT_READ | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	else if (strcmp(call, "sendto_address") == 0) {
		struct sockaddr_un	 sun = { .sun_family = AF_UNIX };

		strcpy(sun.sun_path, "/run/systemd/journal/socket");
		(void)sendto(STDERR_FILENO, "x", 1, 0,
		    (struct sockaddr *)&sun, sizeof(sun));
	} else if (strcmp(call, "stat") == 0) {
		struct stat	 st;

		(void)syscall(SYS_newfstatat, AT_FDCWD, "/etc/passwd", &st, 0);
	}
	else {
		reply_oauth_error(req, 400, "invalid_request", "unknown call");
		return;
	}
	reply_body(req, 200, "application/json", "{\"survived\":true}");
}

void
testhooks_log(struct evhttp_request *req)
{
	static const char line[] = "signer: audit: event=impersonation."
	    "link_redeemed outcome=ok\nsigner: audit: commit seq=1 mac="
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    " tag="
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    "\n";
	static char	 big[65536 / (sizeof(line) - 1) * (sizeof(line) - 1)];
	const char	*n, *block;
	struct form	 f;
	char		 buf[64], out[64];
	long		 lines;
	long long	 until, bytes = 0;
	size_t		 chunk, i;
	ssize_t		 w;
	int		 fd;

	if (hook_query(req, buf, sizeof(buf), &f) == -1 ||
	    (n = form_get(&f, "lines")) == NULL) {
		reply_oauth_error(req, 400, "invalid_request", "lines=N");
		return;
	}
	for (fd = 0; fd <= 2; fd++)
		(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	lines = atol(n);
	for (i = 0; i < sizeof(big); i += sizeof(line) - 1)
		memcpy(big + i, line, sizeof(line) - 1);
	block = form_get(&f, "block");
	chunk = block != NULL && strcmp(block, "1") == 0 ? sizeof(big) :
	    sizeof(line) - 1;
	until = monotonic_us() + 5000000;
	while (bytes / (long long)(sizeof(line) - 1) * 2 < lines &&
	    monotonic_us() < until) {
		while ((w = write(STDERR_FILENO, big, chunk)) == -1 &&
		    errno == EAGAIN && monotonic_us() < until)
			;
		if (w == -1)
			break;
		bytes += w;
	}
	snprintf(out, sizeof(out), "{\"written\":%lld}",
	    bytes / (long long)(sizeof(line) - 1) * 2);
	reply_body(req, 200, "application/json", out);
}

void
testhooks_ctl(struct evhttp_request *req)
{
	const char	*n;
	struct form	 f;
	char		 buf[64], out[64];
	long		 i, junk, sent = 0;

	if (hook_query(req, buf, sizeof(buf), &f) == -1 ||
	    (n = form_get(&f, "junk")) == NULL) {
		reply_oauth_error(req, 400, "invalid_request", "junk=N");
		return;
	}
	junk = atol(n);
	for (i = 0; i < junk; i++)
		if (send(fe->parent_ctl, "paused", 7,
		    MSG_NOSIGNAL | MSG_DONTWAIT) == 7)
			sent++;
	snprintf(out, sizeof(out), "{\"sent\":%ld}", sent);
	reply_body(req, 200, "application/json", out);
}
#endif
