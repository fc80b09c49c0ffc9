/*
 * The bearer-token check of a request: its Authorization header, verified
 * by bearer_verify (access_token.c) and not revoked, or answered 401.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/http.h>

#include "bearer.h"
#include "frontend.h"
#include "reply.h"
#include "scope.h"
#include "sessions.h"
#include "store.h"

const char *
bearer_token(struct evhttp_request *req)
{
	const char	*h;

	h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	for (h += 7; *h == ' '; h++)
		;
	return h;
}

int
bearer_check(struct evhttp_request *req, const char *audience,
    struct access *out)
{
	const char	*h, *why;

	if ((h = bearer_token(req)) == NULL) {
		reply_bearer_error(req, evhttp_find_header(
		    evhttp_request_get_input_headers(req), "Authorization") ==
		    NULL ? NULL : "a Bearer token is required");
		return -1;
	}
	if (bearer_verify(h, strlen(h), fe->conf->issuer, audience,
	    time(NULL), out, &why) == -1) {
		reply_bearer_error(req, why);
		return -1;
	}
	if (bearer_revoked(out)) {
		reply_bearer_error(req, "the token has been revoked");
		return -1;
	}
	return 0;
}

int
bearer_api_check(struct evhttp_request *req, const char *scope,
    struct access *out)
{
	char	 message[128], one[64];
	size_t	 n;
	const char *s;

	if (bearer_check(req, fe->api_audience, out) == -1)
		return -1;
	for (s = scope; *s != '\0'; s += n + (s[n] == ' ')) {
		n = strcspn(s, " ");
		if (n < sizeof(one)) {
			memcpy(one, s, n);
			one[n] = '\0';
			if (scope_has(out->scope, one))
				return 0;
		}
	}
	(void)snprintf(message, sizeof(message),
	    "Insufficient scope, expected any of: %s", scope);
	reply_api_error(req, 403, message, "insufficient_scope");
	return -1;
}

int
bearer_revoked(const struct access *a)
{
	return store_is_revoked(a->jti) ||
	    (a->sid[0] != '\0' && sessions_ended(a->sid));
}
