#include <string.h>

#include <event2/http.h>

#include "config.h"
#include "cors.h"
#include "frontend.h"

/* Is origin one that a client registered?  Compared byte for byte. */
static int
registered(const char *origin)
{
	const struct config	*c = fe->conf;
	size_t			 i;

	for (i = 0; i < c->nclients; i++)
		if (strlist_has(&c->clients[i].web_origins, origin))
			return 1;
	return 0;
}

/* The request's Origin when registered, else NULL. */
static const char *
allowed_origin(struct evhttp_request *req)
{
	const char	*origin = evhttp_find_header(
			    evhttp_request_get_input_headers(req), "Origin");

	return origin != NULL && registered(origin) ? origin : NULL;
}

void
cors_headers(struct evhttp_request *req)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	const char		*origin;

	/* The answer differs by Origin: caches must keep them apart. */
	evhttp_add_header(h, "Vary", "Origin");
	if ((origin = allowed_origin(req)) == NULL)
		return;
	evhttp_add_header(h, "Access-Control-Allow-Origin", origin);
	/* A script reads why a token was refused. */
	evhttp_add_header(h, "Access-Control-Expose-Headers",
	    "WWW-Authenticate");
}

void
cors_preflight(struct evhttp_request *req)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	cors_headers(req);
	if (allowed_origin(req) != NULL) {
		evhttp_add_header(h, "Access-Control-Allow-Methods",
		    "GET, POST");
		evhttp_add_header(h, "Access-Control-Allow-Headers",
		    "Authorization, Content-Type");
		evhttp_add_header(h, "Access-Control-Max-Age", "600");
	}
	evhttp_send_reply(req, 204, "No Content", NULL);
}
