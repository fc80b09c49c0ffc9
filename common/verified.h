/*
 * Tokens whose signature the front end knows to be good, so that it checks
 * each signature at most once and reads each token's claims at most once
 * (verified.c says why and what is kept).
 */
#ifndef GUISE_VERIFIED_H
#define GUISE_VERIFIED_H

#include <stddef.h>

#include "access_token.h"
#include "proto.h"

#define VERIFIED_ISS_MAX	256

/* What a good token said, as bearer.c checks it on every use. */
struct verified_claims {
	struct access	 access;
	char		 iss[VERIFIED_ISS_MAX + 1];
	char		 aud[PROTO_AUDIENCE_MAX + 1];	/* one audience */
	long long	 nbf;		/* 0: none */
};

struct verified;

/* The entry of token (len bytes, all of it), or NULL if not known good. */
struct verified	*verified_find(const char *token, size_t len);
/* Remember that token has a good signature; its entry, or NULL. */
struct verified	*verified_add(const char *token, size_t len);
/* Its claims once kept, or NULL. */
const struct verified_claims *verified_claims(const struct verified *);
/* Keep a copy of the claims read from its token (not when iss or aud is
 * longer than the room kept for them). */
void		 verified_keep_claims(struct verified *,
		    const struct access *, const char *iss, const char *aud,
		    long long nbf);
/* Forget everything: the keys changed. */
void		 verified_forget(void);

#endif
