/*
 * The front end's side of the audit log: the events it decides
 * (impersonation requests, links followed or refused, replayed codes,
 * reloads) go to the signer, which writes them; what an event covers is
 * let out only once the signer says the record is on disk.
 */
#ifndef GUISE_AUDIT_CLIENT_H
#define GUISE_AUDIT_CLIENT_H

#include "hex.h"
#include "signer_client.h"
#include "source.h"

struct evhttp_request;

/* The members of an event; NULL leaves one out. */
struct audit_event {
	const char		*event;
	const char		*outcome;
	const char		*rule;
	const char		*impersonator_id;
	const char		*user_id;
	const char		*client_id;
	const char		*caller;
	const char		*reason;
	const char		*link_hash;
	const char		*code_hash;
	const char		*revoked;
	const char		*detail;
	unsigned int		 count;	/* seen this often; 0: once */
	struct evhttp_request	*from;	/* its ip and User-Agent, or NULL */
	const char		*ip;	/* without from: the source counted */
};

/*
 * Send ev to the signer; cb gets the reply (PROTO_OK: on disk) or NULL.
 * Returns -1, without calling cb, when it cannot be sent.
 */
int	audit_send(const struct audit_event *, signer_cb cb, void *arg);

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
