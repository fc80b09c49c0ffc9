/*
 * The signer's request loop.  Requests are read in as large chunks as the
 * socket has, every complete frame is answered in order, and the replies
 * of a batch go back in one write once its audit records are durable (group
 * commit): the front end keeps several requests in flight, so one wake-up
 * serves many.  While one batch's fdatasync runs (fsync_async.c), the next
 * is answered.  answers.c answers each request and lists the few the
 * signer serves; anything else, and any malformed frame, is a protocol
 * violation and the signer exits without answering it (the parent
 * notices).  Replies to valid requests before it that were not yet sent
 * are dropped too.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anchor.h"
#include "answers.h"
#include "audit.h"
#include "fdpass.h"
#include "fsync_async.h"
#include "log.h"
#include "monotonic.h"
#include "proto.h"
#include "serve.h"

#define OUTBUF_LEN	(4 * PROTO_FRAME_MAX)
/* A batch answered for this long is committed without waiting for the
 * end of the read: an RS256 batch, or a deep pipeline of ES256 ones. */
#define MIDREAD_COMMIT_US	1000
#define DEEP_BATCH		32
#define SYNC_POLL_US		50

static uint8_t		 inbuf[2 * PROTO_FRAME_MAX];
static size_t		 inlen;

/*
 * The replies of a batch, and whether each covers audit records.  Two
 * batches: the one being answered, and the one whose audit records are
 * waiting for their fdatasync (fsync_async.c), sent when it is done.
 */
struct batch {
	uint8_t		 out[OUTBUF_LEN];
	size_t		 len;
	struct sent {
		uint16_t	 type;
		uint32_t	 id;
		size_t		 off;
		size_t		 len;
		int		 audited;
	}		 sent[OUTBUF_LEN / PROTO_HEADER_LEN];
	size_t		 nsent;
	long long	 started;	/* when its first reply was made, us */
};
static struct batch	 batches[2];
static struct batch	*cur = &batches[0];
static struct batch	*syncing;	/* NULL: no commit in flight */

/*
 * The audit log could not be written: every reply that covers a record
 * becomes PROTO_ERR_AUDIT, so that nothing it would have let out leaves.
 */
static void
withhold(struct batch *b)
{
	static uint8_t		 rebuilt[OUTBUF_LEN];
	struct proto_msg	 err;
	size_t			 len = 0, i;
	long			 n;

	for (i = 0; i < b->nsent; i++) {
		if (!b->sent[i].audited) {
			memcpy(rebuilt + len, b->out + b->sent[i].off,
			    b->sent[i].len);
			len += b->sent[i].len;
			continue;
		}
		memset(&err, 0, sizeof(err));
		err.type = b->sent[i].type;
		err.id = b->sent[i].id;
		err.status = PROTO_ERR_AUDIT;
		if ((n = proto_encode(&err, PROTO_REPLY, rebuilt + len,
		    sizeof(rebuilt) - len)) == -1)
			fatalx("cannot encode an audit failure");
		len += (size_t)n;
	}
	memcpy(b->out, rebuilt, len);
	b->len = len;
}

/* Send the replies of b, withheld when its records were not committed. */
static void
send_batch(int fd, struct batch *b, int committed)
{
	size_t	 off = 0;
	ssize_t	 n;

	if (committed == -1)
		withhold(b);
	while (off < b->len) {
		if ((n = write(fd, b->out + off, b->len - off)) == -1) {
			if (errno == EINTR)
				continue;
			/* The front end has gone (a stop): the records are
			 * on disk, the answers have no one to go to, and the
			 * next read sees its end. */
			if (errno == EPIPE || errno == ECONNRESET)
				break;
			fatal("write to the front end");
		}
		off += (size_t)n;
	}
	b->len = 0;
	b->nsent = 0;
}

/* The commit in flight is done, err its fdatasync's: send its replies. */
static void
synced(int fd, int err)
{
	struct batch	*b = syncing;

	syncing = NULL;
	send_batch(fd, b, audit_synced(err));
}

/* Settle the commit in flight, if any, waiting for it if need be. */
static void
finish_sync(int fd)
{
	if (syncing != NULL)
		synced(fd, fsync_async_finish());
}

/*
 * Commit the audit records of the current batch, then send its replies:
 * now when it has no records or they cannot be written, later when the
 * fdatasync is submitted (finish_sync).  wait: do not leave it in flight.
 */
static void
settle(int fd, int wait)
{
	struct batch	*b = cur;
	int		 rc;

	finish_sync(fd);
	if (b->len == 0)
		return;
	if ((rc = audit_write()) == 1) {
		if (!wait && fsync_async_start(audit_fd()) == 0) {
			syncing = b;
			cur = b == &batches[0] ? &batches[1] : &batches[0];
			return;
		}
		rc = audit_synced(fdatasync(audit_fd()) == -1 ? errno : 0);
	}
	send_batch(fd, b, rc);
}

/*
 * Between two requests of a long read (a batch answered for a millisecond
 * already): once the disk is free again, start the commit of what is
 * answered so far, so that signing overlaps the fdatasync.  Only with AIO:
 * a synchronous commit here would stop the signing it is meant to overlap.
 */
static void
keep_disk_busy(int fd)
{
	static long long	 asked;
	long long		 now;
	int			 err;

	if (fsync_async_fd() == -1 || cur->nsent == 0 ||
	    (now = monotonic_us()) - cur->started < MIDREAD_COMMIT_US)
		return;
	if (syncing != NULL) {
		/* An fdatasync takes 150 us or more: ask now and then. */
		if (now - asked < SYNC_POLL_US)
			return;
		asked = now;
		if (!fsync_async_done(&err))
			return;
		synced(fd, err);
	}
	settle(fd, 0);
}

static void
answer(int fd, const uint8_t *frame, size_t len)
{
	answer_fn		*h;
	struct proto_msg	 req, rep;
	struct sent		*s;
	const char		*why;
	size_t			 queued;
	long			 n;

	if (proto_decode(frame, len, PROTO_REQUEST, &req, &why) == -1)
		fatalx("protocol violation: %s", why);
	if ((h = answers_for(req.type)) == NULL)
		fatalx("protocol violation: request %s is not served",
		    proto_type_name(req.type));

	if (OUTBUF_LEN - cur->len < PROTO_FRAME_MAX)
		settle(fd, 1);
	memset(&rep, 0, sizeof(rep));
	rep.type = req.type;
	rep.id = req.id;
	queued = audit_queued();
	rep.status = h(&req, &rep);
	if (rep.status != PROTO_OK)
		memset(&rep.u, 0, sizeof(rep.u));
	log_debug("%s #%u: %s", proto_type_name(req.type), req.id,
	    proto_status_name(rep.status));

	if ((n = proto_encode(&rep, PROTO_REPLY, cur->out + cur->len,
	    OUTBUF_LEN - cur->len)) == -1)
		fatalx("cannot encode the reply to %s",
		    proto_type_name(req.type));
	if (cur->nsent == 0)
		cur->started = monotonic_us();
	s = &cur->sent[cur->nsent++];
	s->type = rep.type;
	s->id = rep.id;
	s->off = cur->len;
	s->len = (size_t)n;
	s->audited = audit_queued() != queued;
	cur->len += (size_t)n;
}

static volatile sig_atomic_t	 stopping;

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

/* The last record of a signer that is told to stop. */
static void __attribute__((noreturn))
stop(int fd)
{
	struct audit_record	 r = { .event = "service.stopped",
				    .outcome = "ok" };

	finish_sync(fd);
	audit_queue(&r);
	(void)audit_commit();
	log_info("stopped");
	exit(0);
}

void
serve_signals(void)
{
	struct sigaction	 sa;

	/* No SA_RESTART: the blocking read must return to look. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) == -1)
		fatal("sigaction");
}

/*
 * A message from the parent on the control socket: a new audit file, as a
 * descriptor, named by the file it replaces.  Returns -1 when the parent
 * has gone.
 */
static int
control(int fd, int cfd)
{
	struct ctl_msg	 c;
	char		 name[PROTO_CONTROL_MAX + 1];
	const char	*why;
	int		 rc;

	if ((rc = ctl_recv(cfd, PROTO_REQUEST, &c, &why)) == -2)
		return -1;
	if (rc == -1 || c.m.type != PROTO_CTL_AUDIT_FILE) {
		if (rc == 0)
			ctl_close(&c);
		log_warnx("control: not a new audit file (%s): ignored",
		    rc == -1 ? why : proto_type_name(c.m.type));
		return 0;
	}
	/* The decoder held the name to PROTO_CONTROL_MAX: it fits. */
	proto_strcpy(name, sizeof(name), c.m.u.audit_file_req.previous);
	/*
	 * The old file's last commit first, this batch's included, with its
	 * replies withheld if it fails: nothing may leave whose record the
	 * rotation would lose.
	 */
	settle(fd, 1);
	audit_rotate(c.fds[0], name);
	log_info("audit log rotated: the previous file is %s", name);
	return 0;
}

/* Whether the front end has sent more than was read. */
static int
more_to_read(int fd)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

void
serve(const struct config *c, int fd, int cfd)
{
	struct pollfd	 pfd[3];
	ssize_t		 n;
	size_t		 off;
	long		 flen;

	answers_init(c);
	pfd[0].fd = fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = cfd;
	pfd[1].events = POLLIN;
	pfd[2].events = POLLIN;
	for (;;) {
		/* A negative fd is not polled: the sync only while in flight. */
		pfd[2].fd = syncing != NULL ? fsync_async_fd() : -1;
		/* Awake for a commit line owed to journald (anchor.c). */
		if (poll(pfd, 3, anchor_owed_wait()) == -1) {
			if (stopping)
				stop(fd);
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (stopping)
			stop(fd);
		anchor_owed_write();
		if (pfd[2].revents != 0)
			finish_sync(fd);
		if (pfd[1].revents != 0 && control(fd, cfd) == -1)
			pfd[1].fd = -1;
		if (pfd[0].revents != 0) {
			n = read(fd, inbuf + inlen, sizeof(inbuf) - inlen);
			/* Closed with an answer of ours unread, Linux says
			 * ECONNRESET: its end all the same. */
			if (n == -1 && errno == ECONNRESET)
				n = 0;
			if (n == -1) {
				if (errno == EINTR || errno == EAGAIN)
					continue;
				fatal("read from the front end");
			}
			if (n == 0) {
				/* A clean end only at a frame boundary. */
				if (inlen != 0)
					fatalx("protocol violation: "
					    "truncated frame");
				log_debug("front end closed the connection");
				stop(fd);
			}
			inlen += (size_t)n;
			off = 0;
			while ((flen = proto_frame_len(inbuf + off,
			    inlen - off)) != 0) {
				if (flen == -1)
					fatalx("protocol violation: "
					    "bad frame length");
				if ((size_t)flen > inlen - off)
					break;
				answer(fd, inbuf + off, (size_t)flen);
				off += (size_t)flen;
				keep_disk_busy(fd);
			}
			memmove(inbuf, inbuf + off, inlen - off);
			inlen -= off;
		}
		/*
		 * One commit in flight: the next waits for it, and grows.  With
		 * nothing more to read, nothing would overlap the fdatasync:
		 * made here it costs less than through the kernel's worker
		 * (client_credentials at 10 connections on one core: 11,600
		 * against 10,500 a second).  Unless the batch is deep or was
		 * long to answer (RS256): then the requests that the last
		 * replies freed are on their way, and there is signing to
		 * overlap (the signer alone at 256 in flight was idle 3% of
		 * the time in such waits, RS256 at 10 connections 4%).
		 */
		if (syncing == NULL)
			settle(fd, cur->nsent < DEEP_BATCH &&
			    monotonic_us() - cur->started < MIDREAD_COMMIT_US &&
			    !more_to_read(fd));
	}
}
