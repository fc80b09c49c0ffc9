/* Listeners, limits and the routing table of the front end. */
#ifndef GUISE_HTTP_H
#define GUISE_HTTP_H

#include "config.h"

struct event_base;
struct evhttp_request;

#define HTTP_HEADERS_MAX	(16 * 1024)	/* all header lines */
#define HTTP_TIMEOUT_SECS	10		/* read, write and idle */

/*
 * Bind every listener of the configuration, or take the socket systemd
 * passed for it (passed: how many, from LISTENFDS_START); -1 with a
 * message on error, a passed socket that no listener names too.
 */
int	http_listen(struct event_base *, const struct config *, int passed);

/* Accept no more connections (a stop); those open are served on. */
void	http_stop_listening(void);

/*
 * While route() runs req's handler, a SOURCE_MAX buffer for req's source
 * (source.h), empty until someone has worked it out; NULL for any other
 * request, and once the handler has returned.
 */
char	*http_routing_source(const struct evhttp_request *req);

/* The endpoints, one file per family. */
struct form;

void	wellknown_discovery(struct evhttp_request *);
void	wellknown_jwks(struct evhttp_request *);
void	token_endpoint(struct evhttp_request *);
void	introspect_endpoint(struct evhttp_request *);	/* RFC 7662 */
void	revoke_endpoint(struct evhttp_request *);	/* RFC 7009 */
void	users_list(struct evhttp_request *);
void	users_get(struct evhttp_request *);
void	users_get_by_email(struct evhttp_request *);
/*
 * The search and the lookup of one user (its id the path's segment after
 * prefix) without the API's bearer check: the console's, once its session
 * holds.
 */
void	users_search_answer(struct evhttp_request *);
void	users_one_answer(struct evhttp_request *, const char *prefix);
void	console_route(struct evhttp_request *);		/* /console... */
void	impersonations_list(struct evhttp_request *);
void	impersonations_one(struct evhttp_request *);	/* GET, DELETE */
void	approvals_list(struct evhttp_request *);	/* approvals_api.c */
void	approvals_one(struct evhttp_request *);		/* GET, POST */
/*
 * The request's query string decoded into f, over a copy in *buf that the
 * caller frees: 0, or -1 with the request answered (400).
 */
int	api_query(struct evhttp_request *, struct form *f, char **buf);

/*
 * A link the signer granted (rep, a link_rep without a rule): its grant
 * kept under its ticket, as an impersonation of base; the link, a new
 * string, or NULL (*full set when the store has no room).
 */
struct impersonation;
struct proto_msg;
char	*link_keep(const struct proto_msg *rep,
	    const struct impersonation *base, const char *impersonator_id,
	    int *full);
void	users_impersonate(struct evhttp_request *);	/* /users/{id}/impersonate */
void	userinfo(struct evhttp_request *);
void	authorize(struct evhttp_request *);		/* /authorize */
#ifdef GUISE_TEST_HOOKS
void	testhooks_probe(struct evhttp_request *);	/* testhooks.c */
void	testhooks_syscall(struct evhttp_request *);
void	testhooks_log(struct evhttp_request *);
void	testhooks_ctl(struct evhttp_request *);
#endif

/* The discovery document, built once the issuer and keys are known. */
char	*wellknown_build_discovery(void);

#endif
