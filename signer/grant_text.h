/*
 * Grants as the front end keeps them (grant.c seals them): base64url
 * text, under a secret of the signer's drawing (a ticket, a code, a login
 * or console cookie, a sign-in's state) whose SHA-256 the grant holds, and
 * redeemed once (redeemed.c).  What every answer on grants shares.
 */
#ifndef GUISE_GRANT_TEXT_H
#define GUISE_GRANT_TEXT_H

#include <stdint.h>

#include "b64url.h"
#include "grant.h"
#include "hex.h"
#include "proto.h"

/* A secret: 256 bits from the CSPRNG (random.c), base64url. */
#define SECRET_BYTES	32
#define SECRET_LEN	B64URL_ENCODED_LEN(SECRET_BYTES)

/* Draw a new secret into out: 0, or -1. */
int		 secret_draw(char out[SECRET_LEN + 1]);

/* g sealed, as the text the front end keeps, into out: 0, or -1. */
int		 grant_to_text(const struct grant *g,
		    char out[PROTO_GRANT_MAX + 1]);

/*
 * The text the front end presents, opened: 0, or -1 when it is not a
 * grant of this kind that the signer sealed (a forged or altered one is
 * said in the log, seldom: a working front end never presents one).
 */
int		 grant_from_text(struct proto_str text, enum grant_kind kind,
		    struct grant *g);

/* Does g travel under this secret? */
int		 grant_travels_under(const struct grant *g,
		    struct proto_str secret);

/*
 * A new grant of kind made of g, expiring at exp, under a new secret drawn
 * into secret (its hash, hex, into hash), sealed into text: 0, or -1.
 */
int		 grant_renew(const struct grant *g, enum grant_kind kind,
		    long long exp, char secret[SECRET_LEN + 1],
		    char hash[SHA256_HEX_LEN + 1],
		    char text[PROTO_GRANT_MAX + 1]);

/*
 * Take g as redeemed, remembered until keep (at least its expiry): 0, or
 * the status that refuses it (PROTO_ERR_REDEEMED; PROTO_ERR_INTERNAL when
 * the set of redeemed ids is full).
 */
uint32_t	 grant_redeem(const struct grant *g, long long keep,
		    long long now);

/*
 * r is the record that redeems g: it names the grant and its expiry, which
 * a starting signer reads back (redeemed_rebuild.c), so that what was
 * redeemed stays so across a restart; id holds the hex.
 */
struct audit_record;
void		 grant_recorded(const struct grant *g, struct audit_record *r,
		    char id[SHA256_HEX_LEN + 1]);

/*
 * A warning a broken-in front end can cause at will: said at once, then
 * at most once a second with how many came since, so that it cannot push
 * the signer's audit commit lines past journald's rate limit.
 */
struct seldom {
	long long	 said_us;	/* 0: never */
	unsigned long	 since;
};

void		 warn_seldom(struct seldom *, const char *what);

#endif
