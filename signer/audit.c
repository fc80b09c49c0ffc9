/*
 * The audit chain.  Each line is the record's JSON text up to its last
 * member, then ,"mac":"<hex>"} where the mac is HMAC-SHA256 over the
 * previous mac's hex and that text (doc/audit.md).  The chain state (the
 * last seq and mac on disk) moves only when records are known to be in the
 * file; a commit that fails leaves a note for the next one, which begins
 * with audit.resumed.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "audit.h"
#include "hex.h"
#include "log.h"

#define MAC_HEX		64
#define QUEUE_MAX	20000		/* two records a request, at most */
#define TAIL_MAX	(64 * 1024)	/* where the last record is looked for */

struct queued {
	char		 time[32];
	json_t		*fields;	/* in the order of doc/audit.md */
};

static int		 fd = -1;
static unsigned char	 key[256];
static size_t		 keylen;

/* The chain as it is on disk. */
static long long	 last_seq;
static char		 last_mac[MAC_HEX + 1];

/* A start, or a failed commit, to be told by the next one. */
static int		 resume;
static int		 resume_torn;
static const char	*resume_detail;

static struct queued	 queue[QUEUE_MAX];
static size_t		 nqueued;
static EVP_MAC_CTX	*hmac_template;	/* keyed once, copied per record */

static void
now_rfc3339(char out[32])
{
	struct timespec	 ts;
	struct tm	 tm;
	size_t		 n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(out, 24, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%03uZ",
	    (unsigned int)(ts.tv_nsec / 1000000) % 1000);
}

static void
set(json_t *o, const char *name, const char *value)
{
	if (value != NULL && *value != '\0')
		json_object_set_new(o, name, json_string(value));
}

void
audit_rotate(int newfd, const char *prev_file)
{
	struct audit_record	 r = { .event = "audit.rotated",
				    .outcome = "ok" };

	/* What waits belongs to the old file's end. */
	(void)audit_commit();
	close(fd);
	fd = newfd;
	audit_queue(&r);
	json_object_set_new(queue[nqueued - 1].fields, "prev_file",
	    json_string(prev_file));
	if (audit_commit() == -1)
		log_warnx("audit: the new file cannot be written");
}

size_t
audit_queued(void)
{
	return nqueued;
}

void
audit_queue(const struct audit_record *r)
{
	struct queued	*q;
	json_t		*f;

	if (nqueued == QUEUE_MAX)
		fatalx("audit: more than %d records in one batch", QUEUE_MAX);
	q = &queue[nqueued];
	now_rfc3339(q->time);
	if ((f = json_object()) == NULL)
		fatalx("audit: out of memory");
	set(f, "event", r->event);
	set(f, "outcome", r->outcome);
	set(f, "grant", r->grant);
	set(f, "rule", r->rule);
	set(f, "impersonator_id", r->impersonator_id);
	set(f, "user_id", r->user_id);
	set(f, "client_id", r->client_id);
	set(f, "caller", r->caller);
	set(f, "reason", r->reason);
	set(f, "ip", r->ip);
	set(f, "user_agent", r->user_agent);
	set(f, "jti", r->jti);
	set(f, "link_hash", r->link_hash);
	set(f, "code_hash", r->code_hash);
	if (r->revoked != NULL && *r->revoked != '\0')
		json_object_set_new(f, "revoked",
		    json_pack("[s]", r->revoked));
	set(f, "kid", r->kid);
	if (r->keys != NULL)
		json_object_set(f, "keys", r->keys);
	set(f, "detail", r->detail);
	q->fields = f;
	nqueued++;
}

/* HMAC-SHA256(key, prev || text[0..len)) as hex into mac. */
static int
chain_mac(const char *prev, const char *text, size_t len,
    char mac[MAC_HEX + 1])
{
	unsigned char	 md[32];
	size_t		 mdlen = 0;
	EVP_MAC_CTX	*ctx;
	int		 ok;

	if ((ctx = EVP_MAC_CTX_dup(hmac_template)) == NULL)
		return -1;
	ok = EVP_MAC_update(ctx, (const unsigned char *)prev, MAC_HEX) == 1 &&
	    EVP_MAC_update(ctx, (const unsigned char *)text, len) == 1 &&
	    EVP_MAC_final(ctx, md, &mdlen, sizeof(md)) == 1 && mdlen == 32;
	EVP_MAC_CTX_free(ctx);
	if (!ok)
		return -1;
	hex_encode(md, sizeof(md), mac);
	return 0;
}

/*
 * The line of record seq, chained from prev: the record's text without its
 * closing brace, then ,"mac":"..."} and a newline.  Its mac goes to mac.
 */
static char *
seal(long long seq, const char *time, json_t *fields, const char *prev,
    char mac[MAC_HEX + 1])
{
	json_t	*rec;
	char	*text, *line;
	size_t	 len;

	rec = json_pack("{s:I, s:s}", "seq", (json_int_t)seq, "time", time);
	if (rec == NULL || json_object_update(rec, fields) == -1 ||
	    (text = json_dumps(rec, JSON_COMPACT)) == NULL)
		fatalx("audit: out of memory");
	json_decref(rec);
	len = strlen(text) - 1;
	if (chain_mac(prev, text, len, mac) == -1)
		fatalx("audit: HMAC failed");
	if ((line = malloc(len + sizeof(",\"mac\":\"\"}\n") + MAC_HEX)) == NULL)
		fatalx("audit: out of memory");
	memcpy(line, text, len);
	sprintf(line + len, ",\"mac\":\"%s\"}\n", mac);
	free(text);
	return line;
}

/* Write all of buf; returns how much was written before an error. */
static size_t
write_all(const char *buf, size_t len, int *err)
{
	size_t	 off = 0;
	ssize_t	 n;

	*err = 0;
	while (off < len) {
		if ((n = write(fd, buf + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			*err = errno;
			break;
		}
		off += (size_t)n;
	}
	return off;
}

/* The record as one line on stderr, for journald: names, never secrets
 * (the records hold none). */
static void
journal(struct logbatch *lb, json_t *f)
{
	static const char *const names[] = { "event", "outcome", "grant",
	    "rule", "impersonator_id", "user_id", "client_id", "caller",
	    "jti", NULL };
	char		 line[768];
	const char	*v;
	size_t		 i, len = 0;
	int		 n;

	for (i = 0; names[i] != NULL && len < sizeof(line); i++) {
		if ((v = json_string_value(json_object_get(f, names[i]))) ==
		    NULL)
			continue;
		n = snprintf(line + len, sizeof(line) - len, "%s%s=%s",
		    len ? " " : "", names[i], v);
		if (n > 0)
			len += (size_t)n;
	}
	logbatch_add(lb, "audit: %s", line);
}

struct sealed {
	char		*line;
	size_t		 end;		/* offset of its end in the batch */
	long long	 seq;
	char		 mac[MAC_HEX + 1];
};

static void
queue_resumed(void)
{
	struct audit_record	 r = { .event = "audit.resumed",
				    .outcome = "ok", .detail = resume_detail };
	struct queued		 tmp;

	/* It goes first: shift the queue by one. */
	if (nqueued == QUEUE_MAX)
		fatalx("audit: queue full");
	audit_queue(&r);
	tmp = queue[nqueued - 1];
	memmove(&queue[1], &queue[0], (nqueued - 1) * sizeof(queue[0]));
	queue[0] = tmp;
	/* Its time is the first waiting record's, so time never goes back. */
	if (nqueued > 1)
		memcpy(queue[0].time, queue[1].time, sizeof(queue[0].time));
	json_object_set_new(queue[0].fields, "last_seq",
	    json_integer(last_seq));
	json_object_set_new(queue[0].fields, "torn",
	    json_boolean(resume_torn));
}

int
audit_commit(void)
{
	static struct sealed	 sealed[QUEUE_MAX + 1];
	static struct logbatch	 journal_lines;
	char			*batch, prev[MAC_HEX + 1];
	size_t			 len = 0, n, i, written, good, off0;
	size_t			 boundary;
	long long		 seq = last_seq;
	int			 err = 0, rc = 0;

	if (nqueued == 0)
		return 0;
	if (resume)
		queue_resumed();
	memcpy(prev, last_mac, sizeof(prev));
	for (i = 0; i < nqueued; i++) {
		sealed[i].seq = ++seq;
		sealed[i].line = seal(seq, queue[i].time, queue[i].fields, prev,
		    sealed[i].mac);
		memcpy(prev, sealed[i].mac, sizeof(prev));
		len += strlen(sealed[i].line);
		sealed[i].end = len;
	}
	n = nqueued;
	/* A torn line is ended first, so that the next record is whole. */
	if ((batch = malloc(len + 2)) == NULL)
		fatalx("audit: out of memory");
	len = 0;
	if (resume && resume_torn)
		batch[len++] = '\n';
	for (i = 0; i < n; i++) {
		memcpy(batch + len, sealed[i].line, strlen(sealed[i].line));
		len += strlen(sealed[i].line);
	}

	written = write_all(batch, len, &err);
	if (err == 0 && fdatasync(fd) == -1)
		err = errno;
	/*
	 * Whatever was written whole is in the file, durable or not: the
	 * chain goes on from its last record.
	 */
	off0 = resume && resume_torn ? 1 : 0;
	good = 0;
	for (i = 0; i < n; i++)
		if (sealed[i].end + off0 <= written)
			good = i + 1;
	if (good > 0) {
		last_seq = sealed[good - 1].seq;
		memcpy(last_mac, sealed[good - 1].mac, sizeof(last_mac));
	}
	if (err != 0) {
		log_warnx("audit: cannot write the log: %s: refusing what "
		    "it would cover", strerror(err));
		boundary = (good > 0 ? sealed[good - 1].end : 0) + off0;
		if (written > 0)
			resume_torn = written > boundary;
		resume = 1;
		resume_detail = "the audit log could not be written: what the "
		    "records after last_seq covered was withheld";
		rc = -1;
	} else {
		resume = 0;
		for (i = 0; i < n; i++)
			journal(&journal_lines, queue[i].fields);
		logbatch_flush(&journal_lines);
	}

	for (i = 0; i < n; i++)
		free(sealed[i].line);
	for (i = 0; i < nqueued; i++)
		json_decref(queue[i].fields);
	nqueued = 0;
	free(batch);
	return rc;
}

static int
prepare_hmac(void)
{
	OSSL_PARAM	 params[2];
	EVP_MAC		*mac;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)(uintptr_t)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return -1;
	hmac_template = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (hmac_template == NULL ||
	    EVP_MAC_init(hmac_template, key, keylen, params) != 1)
		return -1;
	return 0;
}

/*
 * Where the chain ends: the last line of the file that is a record.  A
 * torn tail (a crash in the middle of a write) is noted for audit.resumed.
 */
static int
find_end(const char *path)
{
	char		 buf[TAIL_MAX + 1], *line, *end;
	json_t		*rec, *seq, *mac;
	off_t		 size;
	ssize_t		 n;

	if ((size = lseek(fd, 0, SEEK_END)) == -1)
		return -1;
	memset(last_mac, '0', MAC_HEX);
	last_mac[MAC_HEX] = '\0';
	if (size == 0)
		return 0;
	n = pread(fd, buf, TAIL_MAX, size > TAIL_MAX ? size - TAIL_MAX : 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	resume = 1;
	resume_torn = buf[n - 1] != '\n';
	resume_detail = resume_torn ? "the last record was torn" : NULL;
	for (end = buf + n; end > buf; end = line) {
		while (end > buf && end[-1] == '\n')
			*--end = '\0';
		line = end;
		while (line > buf && line[-1] != '\n')
			line--;
		if ((rec = json_loads(line, 0, NULL)) != NULL) {
			seq = json_object_get(rec, "seq");
			mac = json_object_get(rec, "mac");
			if (json_is_integer(seq) && json_is_string(mac) &&
			    json_string_length(mac) == MAC_HEX) {
				last_seq = json_integer_value(seq);
				memcpy(last_mac, json_string_value(mac),
				    MAC_HEX);
				json_decref(rec);
				return 0;
			}
			json_decref(rec);
		}
		resume_torn = 1;
		resume_detail = "the last record was torn";
	}
	log_warnx("%s: no record in its last %d bytes", path, TAIL_MAX);
	return -1;
}

int
audit_open(const struct config *conf, const unsigned char *k, size_t klen,
    json_t *keys)
{
	struct audit_record	 started = { .event = "service.started",
				    .outcome = "ok" };
	struct audit_record	 signer = { .event = "signer.started",
				    .outcome = "ok", .keys = keys };
	char			 warm[32];

	if (klen > sizeof(key))
		return -1;
	memcpy(key, k, klen);
	keylen = klen;
	if ((fd = open(conf->audit_path, O_RDWR | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0600)) == -1) {
		log_warn("%s", conf->audit_path);
		return -1;
	}
	if (prepare_hmac() == -1) {
		log_warnx("audit: cannot prepare HMAC-SHA256");
		return -1;
	}
	if (find_end(conf->audit_path) == -1)
		return -1;
	now_rfc3339(warm);	/* gmtime_r's set-up, before the sandbox */
	audit_queue(&started);
	audit_queue(&signer);
	return 0;
}
