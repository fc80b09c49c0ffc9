/*
 * The front end's few HTML pages (a refusal at /authorize, its form_post,
 * the console's sign-in): text written by hand, every value escaped, and
 * a CSP that lets nothing run but the one script a page may name.
 */
#ifndef GUISE_PAGE_H
#define GUISE_PAGE_H

struct evbuffer;
struct evhttp_request;

/* Write s into b with HTML's five special characters escaped. */
void	page_escape(struct evbuffer *b, const char *s);

/*
 * Send body as an HTML page, not to be stored, under a CSP of
 * default-src 'none' that allows only the script of script_hash
 * ("sha256-...", or NULL for none).
 */
void	page_send(struct evhttp_request *, int code, const char *reason,
	    struct evbuffer *body, const char *script_hash);

#endif
