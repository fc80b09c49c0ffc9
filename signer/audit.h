/*
 * The audit log (doc/audit.md): the signer's alone, one JSON record a line,
 * each chained to the one before by an HMAC keyed with the audit key.
 * Records are queued while a batch of requests is answered and committed
 * together, with one fdatasync, before any reply of the batch is sent.
 */
#ifndef GUISE_AUDIT_H
#define GUISE_AUDIT_H

#include <stddef.h>

#include <jansson.h>

#include "config.h"

/* The members of a record; NULL (or 0) leaves one out. */
struct audit_record {
	const char	*event;
	const char	*outcome;
	const char	*grant;
	const char	*rule;
	const char	*impersonator_id;
	const char	*user_id;
	const char	*client_id;
	const char	*caller;
	const char	*reason;
	const char	*ip;
	const char	*user_agent;
	const char	*jti;
	const char	*sid;		/* the impersonation session's */
	const char	*cause;		/* impersonation.ended: why */
	const char	*ended_by;	/* ... and who ended it, if someone */
	const char	*approval_id;	/* the approval asked for, or used */
	const char	*approver_id;	/* ... and who decided on it */
	const char	*link_hash;
	const char	*code_hash;
	const char	*login_hash;	/* a login cookie's (GRANT_KIND_LOGIN) */
	const char	*grant_id;	/* hex: the grant this record redeems */
	long long	 grant_exp;	/* with grant_id: when it expires */
	const char	*revoked;	/* one jti, written as an array */
	const char	*kid;
	json_t		*keys;		/* borrowed */
	const char	*detail;
	const char	*prev_file;	/* audit.rotated */
	const char	*source;	/* "frontend": the front end's word */
	unsigned int	 count;		/* seen this often; 0: once */
	/*
	 * Not echoed to journald: client_credentials tokens, thousands a
	 * second, would pass journald's rate limit (10,000 lines in 30 s by
	 * default) and have the lines that matter dropped with them.
	 */
	int		 no_journal;
	int		 resumed;	/* audit.resumed, audit.anchor_lost */
	long long	 last_seq;
	long long	 anchor_seq;	/* audit.truncated too */
	int		 torn;
};

/*
 * Open the log for appending and find where its chain ends, before the
 * sandbox; queue the records of a start.  anchor_fd is the anchor file the
 * parent opened, -1 when there is none.  -1 with a message on error, and
 * when the log's last record does not verify.
 */
int	audit_open(const struct config *, const unsigned char *key,
	    size_t keylen, json_t *keys, int anchor_fd);

/*
 * Go on in the file newfd (the parent opened it, and renamed the old one
 * prev_file): its first record, audit.rotated, chains from the last one of
 * the old file.
 */
void	audit_rotate(int newfd, const char *prev_file);

/* Queue a record for the next commit. */
void	audit_queue(const struct audit_record *);

/* How many records are queued, to tell which replies cover records. */
size_t	audit_queued(void);

/*
 * Write every queued record and fdatasync once, then anchor the commit
 * (anchor.c).  Returns 0 when they are on disk (or none was queued), -1
 * when they could not be made durable:
 * then nothing they cover may be let out, and the next commit starts with
 * an audit.resumed record that says so.
 */
int	audit_commit(void);

/*
 * audit_commit in two halves, for a commit whose fdatasync runs while the
 * next batch is answered.  audit_write writes what is queued and frees the
 * queue: 0 when nothing was queued, 1 when the file descriptor audit_fd()
 * now needs its fdatasync, -1 when the write failed (settled already, as
 * audit_commit's -1).  audit_synced settles it with the fdatasync's errno
 * (0: durable) and returns audit_commit's 0 or -1.  Nothing may be written
 * between the two.
 */
int	audit_write(void);
int	audit_synced(int err);
int	audit_fd(void);

#endif
