/*
 * Webhooks (DESIGN.md section 8), on the signer's side.  The signer builds
 * each event's body from what it decided, as it records it, and seals a
 * webhook grant under the body's SHA-256 with the event's type; the front
 * end only delivers.  Before each attempt it asks for a signature
 * (answer_webhook_sign): the signer checks that the grant is its own, for
 * this body, alive, and that the URL is a webhook sent this type of event,
 * then signs id.timestamp.body with that webhook's secret, the timestamp
 * now (receivers refuse one older than five minutes).  A broken-into front
 * end can delay or drop a delivery, never make one of its own words.
 */
#ifndef GUISE_WEBHOOK_H
#define GUISE_WEBHOOK_H

#include <jansson.h>

#include "answers.h"
#include "config.h"

/* How long an event may be delivered: its grant's life. */
#define WEBHOOK_TTL	600	/* seconds */

void		 webhook_init(const struct config *);

/*
 * The event of type (WEBHOOK_STARTED...) with data (taken), into the
 * reply's body and grant fields; both stay empty when no webhook is sent
 * this type.  PROTO_OK, or PROTO_ERR_INTERNAL.
 */
uint32_t	 webhook_event(unsigned int type, json_t *data,
		    struct proto_str *body, struct proto_str *grant);

answer_fn	 answer_webhook_sign;

#endif
