#ifndef GUISE_ANSWERS_H
#define GUISE_ANSWERS_H

#include <stdint.h>

#include "config.h"
#include "proto.h"

/* One request answered: the reply's status, its fields filled in rep. */
typedef uint32_t answer_fn(const struct proto_msg *req, struct proto_msg *rep);

/* The configuration the answers go by, before the first request. */
void		 answers_init(const struct config *);

/* The answer to requests of this type, or NULL: the signer serves none. */
answer_fn	*answers_for(uint16_t type);

#endif
