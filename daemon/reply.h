/*
 * Answers, in the shapes real clients expect (DESIGN.md section 2).  Every
 * request gets exactly one of these.
 */
#ifndef GUISE_REPLY_H
#define GUISE_REPLY_H

#include <jansson.h>

struct evhttp_request;

/* A body of type, copied from text (NULL: answered 503, out of memory). */
void	reply_body(struct evhttp_request *, int code, const char *type,
	    const char *text);

/* A JSON body; the reference to body is stolen.  Token-bearing answers
 * pass no_store so that no cache keeps them. */
void	reply_json(struct evhttp_request *, int code, json_t *body,
	    int no_store);

/* Cache-Control: no-store, Pragma: no-cache, Referrer-Policy: no-referrer,
 * for whatever carries a token, a code or a link. */
void	reply_no_store(struct evhttp_request *);

/* 200 text/plain (the impersonation link), not to be stored. */
void	reply_text(struct evhttp_request *, const char *text);

/* 302 to location, not to be stored. */
void	reply_redirect(struct evhttp_request *, const char *location);

/* RFC 6749 section 5.2: {"error", "error_description"}. */
void	reply_oauth_error(struct evhttp_request *, int code, const char *error,
	    const char *description);

/* Auth0's Management API shape: {statusCode, error, message, errorCode}. */
void	reply_api_error(struct evhttp_request *, int code,
	    const char *message, const char *error_code);

/*
 * 401 with WWW-Authenticate: Bearer error="invalid_token" and the
 * description; a NULL description means no token was sent at all.
 */
void	reply_bearer_error(struct evhttp_request *, const char *description);

/* 503 with Retry-After: the signer did not answer in time. */
void	reply_unavailable(struct evhttp_request *);

/* 503 temporarily_unavailable with Retry-After: 1, saying why. */
void	reply_busy(struct evhttp_request *, const char *why);

#endif
