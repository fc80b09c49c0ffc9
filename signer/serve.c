/*
 * The signer's request loop.  Requests are read in as large chunks as the
 * socket has, every complete frame is answered in order, and the replies
 * of a batch go back in one write once its audit records are durable (group
 * commit): the front end keeps several requests in flight, so one wake-up
 * serves many.  While one batch's fdatasync runs (fsync_async.c), the next
 * is answered.  The dispatch table lists the few requests the signer
 * answers; anything else, and any malformed frame, is a protocol violation
 * and the signer exits without answering it (the parent notices).  Replies
 * to valid requests before it that were not yet sent are dropped too.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "anchor.h"
#include "audit.h"
#include "fdpass.h"
#include "fsync_async.h"
#include "hex.h"
#include "keys.h"
#include "log.h"
#include "monotonic.h"
#include "proto.h"
#include "scope.h"
#include "secrets.h"
#include "serve.h"
#include "token.h"

#define OUTBUF_LEN	(4 * PROTO_FRAME_MAX)
/* A batch answered for this long is committed without waiting for the
 * end of the read: an RS256 batch, or a deep pipeline of ES256 ones. */
#define MIDREAD_COMMIT_US	1000
#define DEEP_BATCH		32
#define SYNC_POLL_US		50

static const struct config	*conf;
static uint8_t			 inbuf[2 * PROTO_FRAME_MAX];
static size_t			 inlen;
static char			 token[PROTO_TOKEN_MAX + 1];
static char			 granted[PROTO_SCOPE_MAX + 1];
static struct login_tokens	 login_tokens;

static uint32_t
answer_hello(const struct proto_msg *req, struct proto_msg *rep)
{
	(void)req;
	rep->u.hello_rep.jwks = proto_str(keys_jwks());
	return PROTO_OK;
}

/*
 * The client whose id and secret these fields are, or NULL.  The secret is
 * checked even for an unknown client (same work, same time: one answer
 * for both), and the copy of it wiped.
 */
static const struct client_config *
authenticate(struct proto_str id_field, struct proto_str secret_field)
{
	char	 id[PROTO_CLIENT_ID_MAX + 1];
	char	 secret[PROTO_SECRET_MAX + 1];
	int	 good;

	/* Field maxima were checked by the decoder: these copies fit. */
	proto_strcpy(id, sizeof(id), id_field);
	proto_strcpy(secret, sizeof(secret), secret_field);
	good = secrets_check(id, secret, strlen(secret));
	OPENSSL_cleanse(secret, sizeof(secret));
	return good ? config_client(conf, id) : NULL;
}

static uint32_t
answer_client_token(const struct proto_msg *req, struct proto_msg *rep)
{
	const struct client_config	*client;
	char				 audience[PROTO_AUDIENCE_MAX + 1];
	char				 scope[PROTO_SCOPE_MAX + 1];
	char				 jti[PROTO_JTI_MAX + 1];
	long				 n;

	if ((client = authenticate(req->u.token_req.client_id,
	    req->u.token_req.secret)) == NULL)
		return PROTO_ERR_CLIENT;
	proto_strcpy(audience, sizeof(audience), req->u.token_req.audience);
	proto_strcpy(scope, sizeof(scope), req->u.token_req.scope);
	if (!(client->grant_types & GRANT_CLIENT_CREDENTIALS))
		return PROTO_ERR_GRANT;
	if (strcmp(audience, token_api_audience()) != 0)
		return PROTO_ERR_AUDIENCE;
	if (scope_grant(scope[0] ? scope : NULL, &client->scopes, granted,
	    sizeof(granted)) == -1)
		return PROTO_ERR_SCOPE;
	if ((n = token_client_credentials(client, audience, granted, token,
	    sizeof(token), jti)) == -1)
		return PROTO_ERR_INTERNAL;
	{
		struct audit_record	 r = { .event = "token.issued",
					    .outcome = "ok",
					    .grant = "client_credentials",
					    .client_id = client->client_id,
					    .jti = jti, .no_journal = 1 };
		char			 ip[PROTO_IP_MAX + 1];
		char			 agent[PROTO_AGENT_MAX + 1];

		proto_strcpy(ip, sizeof(ip), req->u.token_req.ip);
		proto_strcpy(agent, sizeof(agent), req->u.token_req.user_agent);
		r.ip = ip;
		r.user_agent = agent;
		audit_queue(&r);
	}
	rep->u.token_rep.token.p = token;
	rep->u.token_rep.token.len = (uint16_t)n;
	rep->u.token_rep.scope = proto_str(granted);
	rep->u.token_rep.expires_in = CLIENT_TOKEN_TTL;
	return PROTO_OK;
}

/*
 * An event the front end decided.  Only the front end's events are taken:
 * it cannot write token.issued, signer.started or the like into the chain.
 */
static uint32_t
answer_audit(const struct proto_msg *req, struct proto_msg *rep)
{
	static const char *const events[] = { "impersonation.requested",
	    "impersonation.link_redeemed", "impersonation.link_refused",
	    "impersonation.code_replayed", "impersonation.code_refused",
	    "service.reloaded", "client.authentication_failed", NULL };
	char	 f[14][PROTO_REASON_MAX + 1];
	const struct proto_str *in[14] = {
		&req->u.audit_req.event, &req->u.audit_req.outcome,
		&req->u.audit_req.rule, &req->u.audit_req.impersonator_id,
		&req->u.audit_req.user_id, &req->u.audit_req.client_id,
		&req->u.audit_req.caller, &req->u.audit_req.reason,
		&req->u.audit_req.ip, &req->u.audit_req.user_agent,
		&req->u.audit_req.link_hash, &req->u.audit_req.code_hash,
		&req->u.audit_req.revoked, &req->u.audit_req.detail
	};
	struct audit_record	 r;
	size_t			 i;

	(void)rep;
	for (i = 0; i < 14; i++)
		proto_strcpy(f[i], sizeof(f[i]), *in[i]);
	for (i = 0; events[i] != NULL; i++)
		if (strcmp(f[0], events[i]) == 0)
			break;
	if (events[i] == NULL)
		return PROTO_ERR_REQUEST;
	memset(&r, 0, sizeof(r));
	r.event = f[0];
	r.outcome = f[1];
	r.rule = f[2];
	r.impersonator_id = f[3];
	r.user_id = f[4];
	r.client_id = f[5];
	r.caller = f[6];
	r.reason = f[7];
	r.ip = f[8];
	r.user_agent = f[9];
	r.link_hash = f[10];
	r.code_hash = f[11];
	r.revoked = f[12];
	r.detail = f[13];
	r.count = req->u.audit_req.count;
	r.source = "frontend";
	audit_queue(&r);
	return PROTO_OK;
}

/*
 * An impersonated login for the application client_id: after the code
 * exchange (the application authenticates with its secret) or straight
 * from the link (implicit: a single-page application has no secret).
 */
static uint32_t
answer_login(const struct proto_msg *req, struct proto_msg *rep, int code)
{
	const struct client_config	*client;
	struct login			 l;
	char				 id[PROTO_CLIENT_ID_MAX + 1];
	char				 user[PROTO_USER_ID_MAX + 1];
	char				 imp[PROTO_USER_ID_MAX + 1];
	char				 imp_email[PROTO_EMAIL_MAX + 1];
	char				 scope[PROTO_SCOPE_MAX + 1];
	char				 nonce[PROTO_NONCE_MAX + 1];
	char				 profile[PROTO_PROFILE_MAX + 1];
	char				 the_code[PROTO_CODE_MAX + 1];
	int				 rc;

	proto_strcpy(id, sizeof(id), req->u.login_req.client_id);
	proto_strcpy(the_code, sizeof(the_code), req->u.login_req.code);
	if (code && the_code[0] == '\0')
		return PROTO_ERR_REQUEST;
	/* A code exchange authenticates; a single-page login has no secret. */
	client = code ? authenticate(req->u.login_req.client_id,
	    req->u.login_req.secret) : config_client(conf, id);
	if (client == NULL)
		return PROTO_ERR_CLIENT;
	if (!(client->grant_types & (code ? GRANT_AUTHORIZATION_CODE :
	    GRANT_IMPLICIT)) || !client->allow_impersonation)
		return PROTO_ERR_GRANT;

	proto_strcpy(user, sizeof(user), req->u.login_req.user_id);
	proto_strcpy(imp, sizeof(imp), req->u.login_req.impersonator_id);
	proto_strcpy(imp_email, sizeof(imp_email),
	    req->u.login_req.impersonator_email);
	proto_strcpy(scope, sizeof(scope), req->u.login_req.scope);
	proto_strcpy(nonce, sizeof(nonce), req->u.login_req.nonce);
	proto_strcpy(profile, sizeof(profile), req->u.login_req.profile);
	if (user[0] == '\0' || imp[0] == '\0' || strcmp(user, imp) == 0)
		return PROTO_ERR_REQUEST;

	l.client = client;
	l.user_id = user;
	l.impersonator_id = imp;
	l.impersonator_email = imp_email;
	l.scope = scope;
	l.nonce = nonce;
	l.profile = profile;
	l.code = code ? the_code : NULL;
	l.auth_time = req->u.login_req.auth_time;
	if ((rc = token_login(&l, &login_tokens)) != PROTO_OK)
		return (uint32_t)rc;
	{
		struct audit_record	 r = { .event = "token.issued",
					    .outcome = "ok",
					    .grant = code ? "authorization_code" :
					    "implicit",
					    .client_id = client->client_id,
					    .impersonator_id = imp,
					    .user_id = user,
					    .jti = login_tokens.jti };
		char			 code_hash[SHA256_HEX_LEN + 1];
		char			 ip[PROTO_IP_MAX + 1];
		char			 agent[PROTO_AGENT_MAX + 1];

		if (code && sha256_hex(the_code, code_hash) == 0)
			r.code_hash = code_hash;
		proto_strcpy(ip, sizeof(ip), req->u.login_req.ip);
		proto_strcpy(agent, sizeof(agent), req->u.login_req.user_agent);
		r.ip = ip;
		r.user_agent = agent;
		audit_queue(&r);
	}
	rep->u.login_rep.id_token.p = login_tokens.id_token;
	rep->u.login_rep.id_token.len = (uint16_t)login_tokens.id_len;
	rep->u.login_rep.access_token.p = login_tokens.access_token;
	rep->u.login_rep.access_token.len = (uint16_t)login_tokens.access_len;
	rep->u.login_rep.access_jti = proto_str(login_tokens.jti);
	rep->u.login_rep.expires_in = (uint32_t)login_tokens.expires_in;
	return PROTO_OK;
}

/* Is this the client's secret?  Asked before a replayed code revokes. */
static uint32_t
answer_client_auth(const struct proto_msg *req, struct proto_msg *rep)
{
	(void)rep;
	return authenticate(req->u.auth_req.client_id,
	    req->u.auth_req.secret) != NULL ? PROTO_OK : PROTO_ERR_CLIENT;
}

static uint32_t
answer_code_tokens(const struct proto_msg *req, struct proto_msg *rep)
{
	return answer_login(req, rep, 1);
}

static uint32_t
answer_implicit_tokens(const struct proto_msg *req, struct proto_msg *rep)
{
	return answer_login(req, rep, 0);
}

#ifdef GUISE_TEST_HOOKS
#include <sys/socket.h>

#include <fcntl.h>

/*
 * Test build only: make a system call the sandbox must stop.  which 1 opens
 * a file (it must fail with EACCES, answered PROTO_OK); which 2 creates a
 * socket (the sandbox must kill the process before it answers).
 */
static uint32_t
answer_test_syscall(const struct proto_msg *req, struct proto_msg *rep)
{
	int	 fd;

	(void)rep;
	if (req->u.test_req.which == 1) {
		fd = open("/etc/hostname", O_RDONLY);
		return fd == -1 && errno == EACCES ? PROTO_OK : PROTO_ERR_INTERNAL;
	}
	if (req->u.test_req.which == 2)
		(void)socket(AF_INET, SOCK_STREAM, 0);
	return PROTO_ERR_INTERNAL;
}
#endif

static const struct handler {
	enum proto_type	  type;
	uint32_t	(*answer)(const struct proto_msg *, struct proto_msg *);
} handlers[] = {
	{ PROTO_HELLO,		answer_hello },
	{ PROTO_CLIENT_TOKEN,	answer_client_token },
	{ PROTO_CODE_TOKENS,	answer_code_tokens },
	{ PROTO_IMPLICIT_TOKENS, answer_implicit_tokens },
	{ PROTO_CLIENT_AUTH,	answer_client_auth },
	{ PROTO_AUDIT,		answer_audit },
#ifdef GUISE_TEST_HOOKS
	{ PROTO_TEST_SYSCALL,	answer_test_syscall },
#endif
};

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
	const struct handler	*h = NULL;
	struct proto_msg	 req, rep;
	struct sent		*s;
	const char		*why;
	size_t			 i, queued;
	long			 n;

	if (proto_decode(frame, len, PROTO_REQUEST, &req, &why) == -1)
		fatalx("protocol violation: %s", why);
	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (handlers[i].type == req.type)
			h = &handlers[i];
	if (h == NULL)
		fatalx("protocol violation: request %s is not served",
		    proto_type_name(req.type));

	if (OUTBUF_LEN - cur->len < PROTO_FRAME_MAX)
		settle(fd, 1);
	memset(&rep, 0, sizeof(rep));
	rep.type = req.type;
	rep.id = req.id;
	queued = audit_queued();
	rep.status = h->answer(&req, &rep);
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
	char	 name[PROTO_CONTROL_MAX + 1];
	int	 newfd;

	if ((newfd = fd_recv(cfd, name, sizeof(name))) == -2)
		return -1;
	if (newfd == -1) {
		log_warnx("control: a message without a file: ignored");
		return 0;
	}
	finish_sync(fd);	/* the old file's last commit first */
	audit_rotate(newfd, name);
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

	conf = c;
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
