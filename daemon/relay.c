/*
 * The front end's log lines, relayed by the parent.  The front end parses
 * whatever the network sends, so assume it broken into: were its stderr
 * the journald stream the signer writes to, it could write lines that look
 * like the signer's ("signer: audit: commit ..."), set O_NONBLOCK on the
 * shared stream so that the signer's lines fail, or flood the unit past
 * journald's rate limit so that they are dropped.  So its stdout and
 * stderr are a pipe to the parent, which writes each line on with
 * "frontend: " first (whatever the line says), cut to RELAY_LINE_MAX, and
 * at most RELAY_RATE lines a second (a burst of RELAY_BURST): what is over
 * is counted and said, at most once a second (relay_wait and relay_tell).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "relay.h"

#define RELAY_LINE_MAX	1024		/* as log.c makes them */
#define RELAY_RATE	200		/* lines a second, on average */
#define RELAY_BURST	1000
#define RELAY_READS	16		/* of 4 KB, a turn of the parent's poll */
#define PREFIX		"frontend: "

static char	 buf[RELAY_LINE_MAX];
static size_t	 len;
static double	 tokens = RELAY_BURST;
static time_t	 filled, told;
static unsigned long dropped;

int
relay_open(int *write_end)
{
	int	 p[2];

	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	/* The front end never waits for the parent to read its lines. */
	if (fcntl(p[1], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(p[0], F_SETFL, O_NONBLOCK) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	*write_end = p[1];
	return p[0];
}

/* One line (no newline) on stderr, as the front end's, if the rate allows. */
static void
relay_line(const char *s, size_t n)
{
	char	 out[sizeof(PREFIX) + RELAY_LINE_MAX + 1];
	size_t	 o = 0;
	time_t	 now = time(NULL);

	if (now != filled) {
		tokens += (double)(now - filled) * RELAY_RATE;
		if (tokens > RELAY_BURST)
			tokens = RELAY_BURST;
		filled = now;
	}
	if (tokens < 1) {
		dropped++;
		return;
	}
	tokens--;
	/* Its own log lines say "frontend: " already: not twice. */
	if (n < sizeof(PREFIX) - 1 || memcmp(s, PREFIX, sizeof(PREFIX) - 1)) {
		memcpy(out, PREFIX, sizeof(PREFIX) - 1);
		o = sizeof(PREFIX) - 1;
	}
	memcpy(out + o, s, n);
	o += n;
	out[o++] = '\n';
	if (write(STDERR_FILENO, out, o) == -1)
		return;		/* nowhere to say it */
}

void
relay_tell(void)
{
	if (dropped == 0 || time(NULL) == told)
		return;
	told = time(NULL);
	log_warnx("the front end wrote more than %d lines a second: %lu "
	    "dropped", RELAY_RATE, dropped);
	dropped = 0;
}

int
relay_read(int fd)
{
	char	 chunk[4096], *nl;
	size_t	 off, n;
	ssize_t	 got;
	int	 reads = RELAY_READS;

	/*
	 * A bounded amount a call: a front end that keeps the pipe full must
	 * not keep the parent from its signals (a stop, a reload, a child's
	 * end).  What is left is read on the next turn of poll.
	 */
	while (reads-- > 0 && (got = read(fd, chunk, sizeof(chunk))) > 0) {
		for (off = 0; off < (size_t)got; off += n) {
			n = (size_t)got - off;
			if ((nl = memchr(chunk + off, '\n', n)) != NULL)
				n = (size_t)(nl - (chunk + off)) + 1;
			/* A line longer than the buffer goes out in pieces,
			 * each a line of the front end's. */
			if (n > sizeof(buf) - len)
				n = sizeof(buf) - len;
			memcpy(buf + len, chunk + off, n);
			len += n;
			if (buf[len - 1] == '\n' || len == sizeof(buf)) {
				relay_line(buf, buf[len - 1] == '\n' ?
				    len - 1 : len);
				len = 0;
			}
		}
	}
	relay_tell();
	if (reads < 0)
		return 0;	/* more, maybe: poll says */
	if (got == 0) {
		if (len > 0)
			relay_line(buf, len);
		len = 0;
		return -1;
	}
	return errno == EAGAIN || errno == EINTR ? 0 : -1;
}

int
relay_wait(void)
{
	/* Drops not yet said wait for the next second, not the next line. */
	return dropped > 0 ? 1000 : -1;
}
