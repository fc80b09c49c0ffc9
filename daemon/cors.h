/*
 * CORS for single-page applications (DESIGN.md section 1b): discovery,
 * the JWKS, the token endpoint and /userinfo answer a browser's scripts
 * from the origins that clients register as web_origins, and no other.
 * No credentials (cookies) are ever allowed across origins: these
 * endpoints take none.
 */
#ifndef GUISE_CORS_H
#define GUISE_CORS_H

struct evhttp_request;

/* Add the CORS headers that req's Origin earns, before the answer. */
void	cors_headers(struct evhttp_request *);

/* Answer an OPTIONS preflight: 204, allowed or not (the browser decides). */
void	cors_preflight(struct evhttp_request *);

#endif
