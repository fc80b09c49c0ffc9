/*
 * Request parameters from a form or a JSON body, looked up by name the same
 * way whichever the client sent: openid-client sends forms, the Auth0 SDK
 * sends JSON.
 */
#ifndef GUISE_PARAMS_H
#define GUISE_PARAMS_H

#include <jansson.h>

#include "form.h"

#define BODY_MAX	(64 * 1024)

struct evhttp_request;

struct params {
	struct form	 form;
	char		*buf;		/* the form body, decoded in place */
	json_t		*json;		/* the JSON body's object */
};

/*
 * Read the body of req as its Content-Type says.  Returns 0, or -1 with
 * *why saying what is wrong with the body, in words for the client.  JSON
 * members other than strings are kept for params_json, and refused by
 * params_get.
 */
int		 params_read(struct evhttp_request *, struct params *,
		    const char **why);

/* The named string parameter, or NULL; *bad set when it is not a string. */
const char	*params_get(const struct params *, const char *name, int *bad);

/*
 * A string member of a nested object: {"object": {"name": ...}} in JSON,
 * object[name]=... in a form (additionalParameters[state]=...).
 */
const char	*params_get_in(const struct params *, const char *object,
		    const char *name, int *bad);

/*
 * The named boolean parameter: JSON true or false, or a form's "true" or
 * "false", into *out: 0; 1 when it is absent; -1 when it is anything else.
 */
int		 params_bool(const struct params *, const char *name, int *out);

/*
 * Is s printable text without control characters, at most max bytes?  A
 * field that the signer writes into a log line must be, so that nothing
 * in it can forge one.
 */
int		 params_text(const char *s, size_t max);

void		 params_free(struct params *);

#endif
