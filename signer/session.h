/*
 * Impersonation sessions (DESIGN.md section 8), on the signer's side.
 * A followed link begins one: the signer draws its sid and seals a session
 * grant under it, which the front end keeps to list the session and to
 * end it.  The code or login grant made of the link carries the sid, and
 * every token of the session carries it as a claim and expires with the
 * session at the latest.  Ending a session redeems its grant, so that it
 * ends once, and a code or login of an ended session is refused.
 */
#ifndef GUISE_SESSION_H
#define GUISE_SESSION_H

#include "answers.h"
#include "config.h"
#include "grant.h"

void		 session_init(const struct config *);

/*
 * g, a followed link's grant (its auth_time set), begins a session: its
 * sid is drawn into g->sid, and the session's grant and what the front
 * end lists of it go into rep's follow_rep.  0, or PROTO_ERR_INTERNAL.
 */
uint32_t	 session_begin(struct grant *g, struct proto_msg *rep);

/* The sid of g, for a reply (valid until the next request is answered). */
struct proto_str session_sid(const struct grant *g);

/* When the session of g ends by itself: its tokens live no longer. */
long long	 session_exp(const struct grant *g);

/*
 * Is the session of g (a code or login grant) over?  The rule that says
 * why, "session_ended" or "session_expired", or NULL while it lasts.
 */
const char	*session_over(const struct grant *g, long long now);

answer_fn	 answer_session_end;

#endif
