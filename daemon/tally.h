/*
 * Refusals that anyone can cause without a credential (DESIGN.md section
 * 3), counted per kind, client_id and source address for a window of
 * TALLY_WINDOW seconds from the first one, so that none costs a durable
 * write: when a window ends with a count, or the front end stops, one
 * audit record says how many (count), from where (ip).  The limiter of
 * failed client authentications (ratelimit.c) keeps its state in the same
 * windows.  At most TALLY_MAX keys at once: past them a new key is
 * refused, and the caller fails closed.
 *
 * An IPv6 source is counted by its /64, and a window's source (its
 * record's ip) is then written "2001:db8:1:2::/64": a host or a site is
 * given a /64 and may send from any address of it, so that keyed by the
 * whole address it would make a key, and a limit of its own, with each
 * attempt.  An IPv4 source, an IPv4-mapped one (an IPv4 host) and a name
 * ("unknown", "_hidden") are kept whole.
 */
#ifndef GUISE_TALLY_H
#define GUISE_TALLY_H

#include <time.h>

#include "proto.h"
#include "source.h"

#define TALLY_WINDOW	60	/* seconds */
/*
 * A key lives one window, longer while attempts are at the signer or,
 * for a client in good standing, were made in the window that ended (a
 * busy client keeps its good standing); 65,536 of them are 1,092 new
 * client-and-address pairs a second for a minute, beyond what a
 * deployment sees that is not under attack, in at most 22 MB (240 bytes
 * an entry with malloc's, 48 a slot, twice the bound).
 */
#define TALLY_MAX	65536

enum tally_kind {
	TALLY_CLIENT_AUTH,	/* client.authentication_failed */
	TALLY_LINK_REFUSED,	/* link.unknown: links unknown, used, expired */
	TALLY_NO_LOGIN,		/* authorize.no_login: /authorize without a
				 * live login cookie */
	TALLY_SOURCE_AUTH,	/* ratelimit.c: a source's, every client_id;
				 * no record (TALLY_CLIENT_AUTH's say it) */
	TALLY_KINDS
};

struct tally {
	enum tally_kind	 kind;
	time_t		 start;		/* of the window */
	unsigned int	 count;		/* refusals in the window, not written */
	unsigned int	 pending;	/* ratelimit.c: attempts at the signer */
	unsigned int	 attempts;	/* ratelimit.c: admitted in the window */
	int		 good;		/* ratelimit.c: the last one authenticated */
	char		 client_id[PROTO_CLIENT_ID_MAX + 1];	/* "": none */
	char		 source[SOURCE_MAX];
};

int	tally_init(void);
/* Free the table, counts unwritten (tests). */
void	tally_close(void);

/*
 * The window of (kind, client_id, source) at now: the current one, made
 * when there is none, and a new one when the last has ended (its count
 * written).  NULL when the table is full.  A window with pending attempts
 * is never removed: a pointer to it stays good until pending is 0.
 */
struct tally	*tally_get(enum tally_kind, const char *client_id,
		    const char *source, time_t now);

/* tally_get(), but NULL when there is no window: none is made. */
struct tally	*tally_find(enum tally_kind, const char *client_id,
		    const char *source, time_t now);

/* The keys in the table (tests). */
size_t		 tally_keys(void);

/*
 * Count one refusal of kind from source.  With the table full it is
 * counted anyway, with the others of its kind that found no room, and
 * their record names no ip.
 */
void		 tally_count(enum tally_kind, const char *source);

/* End the windows that have ended at now (the front end: every second). */
void		 tally_sweep(time_t now);

/* Stopping: every count is written now, without waiting for its window. */
void		 tally_flush(void);

#endif
