/*
 * OpenID Connect Back-Channel Logout 1.0, delivered (delivery.h): the
 * logout token the signer signed when a session ended, POSTed to the
 * application's backchannel_logout_uri as the form field logout_token
 * (its section 2.5), while the token lives.  Each delivery and each final
 * failure is on the record, as the front end's word.
 */
#ifndef GUISE_BACKCHANNEL_H
#define GUISE_BACKCHANNEL_H

#include "proto.h"

#define BACKCHANNEL_ATTEMPTS	6	/* waits of 1, 2, 4, 8, 16 s */

/* Tell client_id that session sid ended, with logout_token. */
void	backchannel_send(const char *client_id, const char *sid,
	    struct proto_str logout_token);

#endif
