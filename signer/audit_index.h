/*
 * The signer's bounded index of its recent impersonation records: the
 * console's audit trail (DESIGN.md section 7) is served from here, so the
 * front end never reads the log files.
 *
 * A ring of AUDIT_INDEX_MAX entries in static storage (no allocation per
 * record, nothing grows), the oldest overwritten when it is full, of every
 * record whose event begins with "impersonation." and of every
 * console.signin and console.signout.  An entry is read back from the
 * line as the log holds it: its seq, its time (the text, and in unix
 * seconds), event, outcome, impersonator_id, user_id, client_id, reason,
 * rule and ip, each copied into an array of its PROTO_*_MAX (a longer
 * value, which the signer never writes, is cut between two characters).
 *
 * Filled from two places, both with lines of the log:
 *  - audit.c hands audit_index_add each batch once it is written, with
 *    seq and time as sealed: the lines written whole, which are in the
 *    file whether or not their fdatasync then fails (the chain goes on
 *    from them too).
 *  - At start, redeemed_rebuild (redeemed_rebuild.c) hands
 *    audit_index_add_older each record it reads in its one backward pass
 *    over the log: those of the last CONFIG_TTL_MAX seconds (600), in the
 *    current file and the rotated files it reads.  So a restarted signer
 *    shows the trail of the last ten minutes before its start, not more,
 *    then all it writes; it reads no more of the log for the index.
 */
#ifndef GUISE_AUDIT_INDEX_H
#define GUISE_AUDIT_INDEX_H

#include <stddef.h>

#define AUDIT_INDEX_MAX			4096	/* entries, about 8 MB */
#define AUDIT_INDEX_LIMIT_DEFAULT	50
#define AUDIT_INDEX_LIMIT_MAX		100
/*
 * The most audit_index_query writes, its NUL included: it fits as one
 * string field in a reply frame (PROTO_FRAME_MAX, 65536, less the 16
 * bytes of the header and the field's u16 length), as the JWKS does
 * (PROTO_JWKS_MAX).  A larger buffer is used up to this size only.
 */
#define AUDIT_INDEX_OUT_MAX		60000

struct audit_query {
	const char	*impersonator_id;	/* exact; NULL or "": anyone */
	const char	*user_id;		/* exact; NULL or "": anyone */
	long long	 since;		/* unix s, inclusive; 0: no bound */
	long long	 until;		/* unix s, inclusive; 0: no bound */
	int		 limit;		/* 1..AUDIT_INDEX_LIMIT_MAX; 0: 50 */
};

/*
 * Index the records of the len bytes at buf, lines of the log as audit.c
 * writes them: every line ended by a newline (a last one without is not
 * whole, and is passed over; so are empty lines, lines of no record and
 * records of other events).
 */
void	audit_index_add(const char *buf, size_t len);

/*
 * Index the record of one line (without its newline) as older than every
 * entry: the rebuild reads the log backwards.  Nothing once the ring is
 * full: what it holds is newer.
 */
void	audit_index_add_older(const char *line, size_t len);

/*
 * The newest entries that match q, newest first, at most its limit, as one
 * JSON object in out, NUL-terminated, in at most outlen bytes (or
 * AUDIT_INDEX_OUT_MAX, whichever is less), the NUL included:
 *
 *   {"records":[{"time":"2026-11-28T12:00:00.123Z","seq":12,
 *     "event":"impersonation.requested","outcome":"allowed",
 *     "impersonator_id":"auth0|support-1","user_id":"auth0|customer-1",
 *     "client_id":"storefront","reason":"ticket 4711","rule":null,
 *     "ip":"192.0.2.7"}, ...],"truncated":false}
 *
 * A member the record does not have is null.  When the next match does
 * not fit, the records stop before it and "truncated" is true (not when
 * the limit stops them).  Returns the length, or -1 when q's limit is
 * out of range or outlen is too small for the object with no records.
 */
int	audit_index_query(const struct audit_query *q, char *out,
	    size_t outlen);

/* The entries held, and emptying them (a test's fresh start). */
size_t	audit_index_count(void);
void	audit_index_clear(void);

#endif
