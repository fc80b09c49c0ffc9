/*
 * Impersonation sessions as the front end keeps them (DESIGN.md section
 * 8): what it lists at /api/v2/impersonations, the signer's session grant
 * that ending one presents, and whether one has ended, which the bearer
 * check asks of every token that carries a sid.  A session stays listed
 * SESSIONS_LISTED_AFTER seconds past its expiry (none of its tokens lives
 * that long), or, when the list is full, until a new one needs its room.
 * Bounded: with SESSIONS_MAX entries that are going on or whose tokens
 * may still live, a followed link is answered 503, so that no login
 * happens whose session could not be ended.
 */
#ifndef GUISE_SESSIONS_H
#define GUISE_SESSIONS_H

#include <sys/queue.h>

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "proto.h"
#include "table.h"

#define SESSIONS_MAX		65536	/* as many as links */
#define SESSIONS_LISTED_AFTER	3600	/* seconds */
#define SESSION_TOKENS_MAX	4	/* jtis listed; more are counted */

struct imp_session {
	char		 sid[PROTO_SID_MAX + 1];
	char		*grant;			/* the signer's session grant */
	char		*user_id;
	char		*impersonator_id;
	char		*client_id;
	char		*reason;		/* "" when none */
	/* table_key of the console cookie that followed the link: signed
	 * out, the session ends with it */
	unsigned char	 console[TABLE_KEY_LEN];
	int		 from_console;
	time_t		 started_at, expires_at;
	time_t		 ended_at;		/* 0 while active */
	const char	*end_cause;		/* the signer's word for it */
	int		 ending;		/* the signer is asked */
	/*
	 * Ended here when the signer did not answer in time (it may have
	 * recorded the end, or not): the tokens are refused at once, and the
	 * end is asked for again, with this authority (enum proto_end), until
	 * the signer says it is on the record.
	 */
	int		 unconfirmed;
	unsigned int	 retry_cause;
	char		*retry_bearer, *retry_cookie, *retry_grant;
	char		*tokens[SESSION_TOKENS_MAX];	/* jtis */
	size_t		 ntokens;		/* issued, listed or not */
	int		 listed;		/* in the table and the list */
	TAILQ_ENTRY(imp_session) entry;		/* oldest first */
};

int	sessions_init(void);

/*
 * A followed link's reply (follow_rep) began a session for client_id, in
 * the console session of cookie (NULL: none): kept.  0, or -1 when there
 * is no room or the reply is malformed.
 */
int	sessions_begin(const struct proto_msg *rep, const char *client_id,
	    const char *console_cookie);

/* An access token issued in session sid. */
void	sessions_token(struct proto_str sid, struct proto_str jti);

/* The session of sid, or NULL (unknown, or listed no longer). */
struct imp_session *sessions_find(const char *sid);

/* Has session sid ended?  An unknown one has not: its tokens expire. */
int	sessions_ended(const char *sid);

/*
 * s ended here, the signer not heard: its end is to be asked for again
 * for cause with this authority ("" or NULL for none), copied.
 */
void	sessions_unconfirmed(struct imp_session *, unsigned int cause,
	    const char *bearer, const char *cookie, const char *grant);
/* ... and the signer has it on the record now. */
void	sessions_confirmed(struct imp_session *);

/* fn on each session ended here that the signer has not confirmed. */
void	sessions_each_unconfirmed(void (*fn)(struct imp_session *));

/* Neither ended nor past its expiry? */
int	sessions_active(const struct imp_session *, time_t now);

/* s ended, as the signer recorded it with cause (a static string). */
void	sessions_mark_ended(struct imp_session *s, const char *cause,
	    time_t now);

/* Every session, newest first, into *out (the caller frees the array). */
size_t	sessions_all(struct imp_session ***out, int active_only);

/*
 * fn on each session past its expiry at now that has not ended and is not
 * being ended, oldest first (those that began earlier expire earlier: a
 * reload that changes token_ttl may delay one until those before it
 * expire).  fn may have the session it is given removed, no other.
 */
void	sessions_each_expired(time_t now, void (*fn)(struct imp_session *));

/*
 * The sessions start .. start + limit of sessions_all, as the API shows
 * them, a JSON array; *total: how many there are.  NULL: no memory.
 */
json_t	*sessions_page(int active_only, size_t start, size_t limit,
	    size_t *total);

/* The session as the API shows it; tokens: with its jtis.  NULL: memory. */
json_t	*sessions_json(const struct imp_session *, int tokens);

/* Forget what is listed no longer. */
void	sessions_sweep(time_t now);

#endif
