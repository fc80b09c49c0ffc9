#ifndef GUISE_ANSWERS_H
#define GUISE_ANSWERS_H

#include <stdint.h>

#include "config.h"
#include "proto.h"

/* Copy a checked string field into an array; "" for an absent one. */
#define FIELD(dst, src)	proto_strcpy(dst, sizeof(dst), src)

/* One request answered: the reply's status, its fields filled in rep. */
typedef uint32_t answer_fn(const struct proto_msg *req, struct proto_msg *rep);

/* The configuration the answers go by, before the first request. */
void		 answers_init(const struct config *);

/*
 * The client whose id and secret these fields are, or NULL.  The secret is
 * checked even for an unknown client (same work, same time: one answer
 * for both), and the copy of it wiped.
 */
const struct client_config *answer_client(struct proto_str id,
		    struct proto_str secret);

struct access;

/*
 * A caller's bearer token for the Management API, as a request carries
 * it: verified with the signer's own keys, holding scope, and not one the
 * signer recorded revoked.  0 with *a, or -1.
 */
int		 answer_api_bearer(struct proto_str bearer, const char *scope,
		    long long now, struct access *a);

/* The answer to requests of this type, or NULL: the signer serves none. */
answer_fn	*answers_for(uint16_t type);

#endif
