/*
 * Webhooks, delivered (delivery.h; DESIGN.md section 8): each event the
 * signer built, POSTed as application/json to every webhook sent its type,
 * with the Standard Webhooks headers webhook-id, webhook-timestamp and
 * webhook-signature, which the signer makes anew for each attempt.  At
 * least once while the daemon runs: an answer other than 2xx is retried
 * for about four minutes.  Each delivery, each final failure, and each
 * event that could not be queued is on the record, as the front end's
 * word.
 */
#ifndef GUISE_WEBHOOKS_H
#define GUISE_WEBHOOKS_H

#include "proto.h"

#define WEBHOOK_ATTEMPTS	9	/* waits of 1, 2, 4 ... 128 s */

/* The event of a reply (body and grant "" when there is none): sent. */
void	webhooks_send(struct proto_str body, struct proto_str grant);

#endif
