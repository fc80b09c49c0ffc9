/*
 * The grant ids the signer has redeemed, each until its grant would have
 * expired: a grant is redeemed once (DESIGN.md section 4, "No login
 * without a grant"), and a restart does not reopen one, for the set is
 * rebuilt at start from the audit log's records of the last
 * CONFIG_TTL_MAX seconds, which name the grant each one redeems
 * ("grant_id", doc/audit.md).
 */
#ifndef GUISE_REDEEMED_H
#define GUISE_REDEEMED_H

#include <stddef.h>

#include "config.h"

#define REDEEMED_ID_LEN	32
#define REDEEMED_MAX	524288	/* live entries; past it a redemption fails closed */

/*
 * Take the set's memory (REDEEMED_MAX entries and their index, 25 MB,
 * touched only as it is used), before the sandbox; the first take
 * does it too.  0, or -1 with a message.
 */
int	redeemed_init(void);

/*
 * Before the sandbox: read the audit log at conf->audit_path backwards
 * from its end (and the rotated files before it while each file began
 * inside the window) and mark as redeemed every "grant_id" of a record of
 * the last CONFIG_TTL_MAX seconds (the longest a grant may live, whatever
 * the ttls were when it was sealed), until the record's time plus that
 * window.  A missing or empty log is no error.  -1 with a message
 * when a file cannot be read.  When the set fills up, the redemptions it
 * could not mark expire within the window: until then every take is
 * refused (redeemed_refuse_until), and a message says so.
 */
int	redeemed_rebuild(const struct config *);

/*
 * Mark id redeemed until exp (unix seconds).  0: it was not redeemed, and
 * now is; 1: it was redeemed already (nothing changed); -1: the set is full
 * (nothing changed: the caller refuses, it fails closed).  An entry whose
 * exp is before now is as good as gone: the caller refuses an expired
 * grant before it asks.  Expired entries are reclaimed a few at a time by
 * each take, or all at once by redeemed_sweep.
 */
int	redeemed_take(const unsigned char id[REDEEMED_ID_LEN], long long exp,
	    long long now);

/*
 * Refuse every take until (and has says every id is redeemed) through
 * until, unix seconds: the rebuild found more redemptions in the window than
 * the set holds, and those it could not mark have all expired by then.
 */
void	redeemed_refuse_until(long long until);

/* Is id redeemed, and not expired at now? */
int	redeemed_has(const unsigned char id[REDEEMED_ID_LEN], long long now);

/* Reclaim every entry expired at now: a pass over the whole set. */
void	redeemed_sweep(long long now);

/* The entries held, expired ones included until they are reclaimed. */
size_t	redeemed_count(void);

#endif
