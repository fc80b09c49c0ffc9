/*
 * The front end's side of the audit log.  The signer records its own
 * decisions as it makes them; the front end can only tell it what it saw
 * (counted refusals, reloads), and where a request came from.
 */
#ifndef GUISE_AUDIT_CLIENT_H
#define GUISE_AUDIT_CLIENT_H

#include "hex.h"
#include "signer_client.h"
#include "source.h"

struct evhttp_request;

/*
 * Have the signer record what the front end saw (and only it can see):
 * count times (0: once), for client_id from ip, either may be NULL.  The
 * signer words the record and marks it as the front end's.  cb gets the
 * reply (PROTO_OK: on disk) or NULL; -1, without calling cb, when it
 * cannot be sent.
 */
int	audit_observed(enum proto_observed, const char *client_id,
	    const char *ip, unsigned int count, signer_cb cb, void *arg);

/*
 * The same for what the front end saw of session sid, in its words;
 * nobody waits for it (a record not written is said in the log).
 */
void	audit_observed_session(enum proto_observed, const char *client_id,
	    const char *sid, const char *detail);

/* The source address of req (source.h), as the audit log records it. */
void	audit_source(struct evhttp_request *, char ipbuf[SOURCE_MAX]);

/*
 * Where a request came from, as the audit log records it: its source
 * address (source.h), written into ipbuf, and its User-Agent, cut to its
 * maximum.  The views point into ipbuf and req: the message holding them
 * must be sent while both live.
 */
void	audit_origin(struct evhttp_request *, char ipbuf[SOURCE_MAX],
	    struct proto_str *ip, struct proto_str *user_agent);


#endif
