/*
 * Ending an impersonation session: the signer is asked, with the authority
 * of the cause (enum proto_end), and records the end; then the session is
 * marked ended, which the bearer check refuses every token of from then
 * on, and the application is told (Back-Channel Logout).
 */
#ifndef GUISE_SESSION_END_H
#define GUISE_SESSION_END_H

#include <stdint.h>
#include <time.h>

#include "proto.h"
#include "sessions.h"

struct evhttp_request;

/* What the cause's authority is: the rest "" or NULL. */
struct end_authority {
	const char	*bearer;		/* PROTO_END_API */
	const char	*console_cookie;	/* PROTO_END_CONSOLE */
	const char	*console_grant;
};

/*
 * Ask the signer to end s for cause; origin (may be NULL) is the request
 * that asks, for the record.  done (may be NULL) gets the signer's status,
 * PROTO_ERR_INTERNAL when it could not be asked, after the session is
 * marked.  -1 when s is being ended already (done is not called).
 */
int	session_end(struct imp_session *s, unsigned int cause,
	    const struct end_authority *, struct evhttp_request *origin,
	    void (*done)(uint32_t status, void *), void *arg);

/*
 * Every second: the ends the signer did not answer in time are asked for
 * again (sessions.h, unconfirmed) ...
 */
void	session_end_unconfirmed(void);

/* ... and the sessions past their expiry are ended as expired. */
void	session_end_expired(time_t now);

/* A console session signed out: the sessions it began end with it. */
void	session_end_console(const char *console_cookie);

#endif
