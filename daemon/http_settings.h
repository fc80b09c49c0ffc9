/*
 * The settings of every evhttp that guised serves with, and of the hello
 * server of make bench, whose HTTP ceiling must be measured on the same
 * ones: evhttp's defaults are unlimited sizes, no timeouts and every
 * method, so every limit is set here.  A header, so that the benchmark
 * needs no object of the daemon's.
 */
#ifndef GUISE_HTTP_SETTINGS_H
#define GUISE_HTTP_SETTINGS_H

#include <event2/http.h>

#include "http.h"
#include "params.h"

/* A new evhttp on base with guise's limits and cb for every request. */
static inline struct evhttp *
http_settings_new(struct event_base *base,
    void (*cb)(struct evhttp_request *, void *))
{
	struct evhttp	*http;

	if ((http = evhttp_new(base)) == NULL)
		return NULL;
	evhttp_set_max_headers_size(http, HTTP_HEADERS_MAX);
	evhttp_set_max_body_size(http, BODY_MAX);
	evhttp_set_timeout(http, HTTP_TIMEOUT_SECS);
	/* The rest get a JSON 405 from the router, not evhttp's page. */
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_PATCH | EVHTTP_REQ_OPTIONS);
	evhttp_set_default_content_type(http, "application/json");
	evhttp_set_gencb(http, cb, NULL);
	return http;
}

#endif
