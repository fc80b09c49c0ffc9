/*
 * OpenID Connect Back-Channel Logout 1.0, delivered: the logout token the
 * signer signed when a session ended, POSTed to the application's
 * backchannel_logout_uri (section 2.5: a form with logout_token), with
 * retries after a failure (a connection refused, a timeout, an answer
 * other than 200), backing off with jitter, while the token lives.  Each
 * delivery and each final failure is on the record, as the front end's
 * word (PROTO_OBSERVED).  The queue is bounded: what does not fit is a
 * final failure, on the record.
 */
#ifndef GUISE_BACKCHANNEL_H
#define GUISE_BACKCHANNEL_H

#include "config.h"
#include "proto.h"

#define BACKCHANNEL_QUEUE_MAX	1024	/* deliveries under way */
#define BACKCHANNEL_ATTEMPTS	6	/* waits of 1, 2, 4, 8, 16 s,
					 * each from half to the whole */
#define BACKCHANNEL_TIMEOUT	10	/* seconds, an attempt */

/* Before confinement, after outbound_init: -1 with a message. */
int	backchannel_init(const struct config *);

/* Tell client_id that session sid ended, with logout_token. */
void	backchannel_send(const char *client_id, const char *sid,
	    struct proto_str logout_token);

#endif
