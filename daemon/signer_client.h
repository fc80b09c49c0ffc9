/*
 * The front end's side of the signer protocol.  Requests carry ids and many
 * are in flight at once; replies are matched by id.  The event loop never
 * waits on the signer: a request it does not answer within
 * SIGNER_TIMEOUT_MS is failed, and its HTTP request answered 503.
 */
#ifndef GUISE_SIGNER_CLIENT_H
#define GUISE_SIGNER_CLIENT_H

#include "proto.h"

#define SIGNER_INFLIGHT_MAX	1024	/* a power of two */
#define SIGNER_TIMEOUT_MS	2000
#define SIGNER_HOLD_MS		10000	/* held across a switch of signers */

struct event_base;

/*
 * Called once per request: with the decoded reply (valid only during the
 * call), or with NULL when the signer timed out, failed or went away.
 */
typedef void	(*signer_cb)(const struct proto_msg *reply, void *arg);

/* Say hello synchronously at start: returns the JWKS (malloc'd) or NULL. */
char	*signer_hello(int fd);

void	 signer_client_init(struct event_base *, int fd);

/* How many requests wait for the signer. */
size_t	 signer_inflight(void);

/*
 * A new signer (the parent restarted it): fd is its socket.  What waited
 * while paused is sent to it.
 */
void	 signer_client_attach(int fd);

/*
 * Before a planned switch of signers (a reload): send nothing more to this
 * one, keep new requests (their timeouts run), and call quiet once all that
 * was sent has its answer.
 */
void	 signer_client_pause(void (*quiet)(void));

/*
 * Send req (its id is set here).  Returns 0, and cb will be called exactly
 * once; or -1 when the queue is full or the signer is gone, and cb will
 * not be called.
 */
int	 signer_request(struct proto_msg *req, signer_cb cb, void *arg);

#endif
