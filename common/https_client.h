/*
 * The outbound HTTPS client: one GET at a time per request, on libevent's
 * evhttp client over OpenSSL, bounded as the server is (a total time, a
 * header size, a body size), for the console's identity provider
 * (DESIGN.md section 7) and the deliveries of section 8.  Only a 200
 * answer is a success (any 2xx with HTTPS_2XX); a redirect is
 * never followed; certificates are always verified.
 */
#ifndef GUISE_HTTPS_CLIENT_H
#define GUISE_HTTPS_CLIENT_H

#include <stddef.h>

#define HTTPS_BODY_MAX		(256 * 1024)	/* bytes of an answer's body */
#define HTTPS_HEADERS_MAX	(16 * 1024)	/* its status line and headers */
#define HTTPS_TIMEOUT		10		/* seconds, a request in all */
#define HTTPS_ERR_MAX		320

#define HTTPS_JSON		0x01	/* the answer's Content-Type must be
					 * application/json or .../...+json */
#define HTTPS_2XX		0x02	/* any 2xx answer is a success */

struct event_base;
struct evdns_base;
struct https_client;
struct https_request;

/*
 * Called once per request, from the event loop, never from https_get:
 * either body (len bytes, not NUL-terminated, valid during the call) and
 * err NULL, or body NULL and err one line naming what failed ("DNS: ...",
 * "connect: ...", "TLS: certificate verify failed: ...", "timed out
 * after 10 s", "status 302 (redirects are not followed)", "body over
 * 262144 bytes").
 */
typedef void	(*https_cb)(const char *body, size_t len, const char *err,
		    void *arg);

/*
 * The TLS context: certificates verified against ca_file when given, else
 * the system's CAs, read now (before a process confines itself).  NULL
 * with err written on failure.  dns may be NULL (blocking lookups).
 */
struct https_client	*https_client_new(struct event_base *,
			    struct evdns_base *dns, const char *ca_file,
			    char *err, size_t errlen);
/* Every request of the client must be over or cancelled first. */
void			 https_client_free(struct https_client *);

/*
 * Start GET url (https_url.h's rules), flags HTTPS_JSON or 0, the whole
 * request bounded by timeout seconds.  NULL with err written when it
 * cannot start (a refused URL); cb is then never called.
 */
struct https_request	*https_get(struct https_client *, const char *url,
			    int flags, int timeout, https_cb cb, void *arg,
			    char *err, size_t errlen);

/*
 * The same for a POST of form (application/x-www-form-urlencoded), with
 * an Authorization header when authorization is not NULL.
 */
struct https_request	*https_post_form(struct https_client *,
			    const char *url, const char *form,
			    const char *authorization, int flags, int timeout,
			    https_cb cb, void *arg, char *err, size_t errlen);

/*
 * The same for a POST of body as content_type, with headers: names and
 * values in turn, NULL-terminated (NULL: none).
 */
struct https_request	*https_post(struct https_client *, const char *url,
			    const char *content_type, const char *body,
			    const char *const *headers, int flags, int timeout,
			    https_cb cb, void *arg, char *err, size_t errlen);

/* Drop a request before its callback (not from within it). */
void			 https_cancel(struct https_request *);

/*
 * The blocking form, for guisectl: its own event loop and resolver until
 * the answer.  0 with *body (NUL-terminated, *len bytes before the NUL;
 * the caller frees it), or -1 with err written.
 */
int			 https_fetch(const char *ca_file, const char *url,
			    int flags, int timeout, char **body, size_t *len,
			    char *err, size_t errlen);

#endif
