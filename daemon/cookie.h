/*
 * The login cookie of an application that starts its own login (DESIGN.md
 * section 1b): __Host-guise-imp-{client_id}, one per application so that a
 * second link followed in the same browser does not overwrite the first.
 * It is set when such a link is followed and holds only the random value
 * that the signer's login grant travels under: it names a grant, it is not
 * one.  /authorize reads it, and clears it.
 */
#ifndef GUISE_COOKIE_H
#define GUISE_COOKIE_H

#include <stddef.h>

#define COOKIE_LOGIN_PREFIX	"__Host-guise-imp-"
#define COOKIE_HEADER_MAX	8192	/* a Cookie header we read at all */
#define COOKIE_NAME_MAX		(sizeof(COOKIE_LOGIN_PREFIX) + CONFIG_ID_MAX)

struct evhttp_request;

/*
 * The value of the cookie called name in one Cookie header (RFC 6265
 * section 5.4: "a=b; c=d"), copied into out: 0, or -1 when it is not
 * there, its value does not fit in outlen, or the header is longer than
 * COOKIE_HEADER_MAX.  A quoted value loses its quotes.  The first of two
 * cookies of one name wins, as browsers send the most specific first.
 */
int	cookie_find(const char *header, const char *name, char *out,
	    size_t outlen);

/*
 * The value of the cookie called name in req's Cookie headers, as
 * cookie_find(): 0, or -1 when there is none.  *sent is set when the
 * request carries the cookie at all, well formed or not.
 */
int	cookie_get(struct evhttp_request *, const char *name, char *out,
	    size_t outlen, int *sent);

/*
 * Set the cookie name (at most COOKIE_NAME_MAX bytes) to value for ttl
 * seconds: Secure, HttpOnly, SameSite=same_site, Path=/ and no Domain, as
 * the __Host- prefix requires.  A NULL value clears it.
 */
void	cookie_set(struct evhttp_request *, const char *name,
	    const char *value, int ttl, const char *same_site);

/*
 * The value of client_id's login cookie in req's Cookie headers, as
 * cookie_find(): 0, or -1 when there is none.  *sent is set when the
 * request carries the cookie at all, well formed or not.
 */
int	cookie_login(struct evhttp_request *, const char *client_id,
	    char *out, size_t outlen, int *sent);

/*
 * Set client_id's login cookie to value for ttl seconds: Secure, HttpOnly,
 * SameSite=Lax (it must come back on the application's top-level redirect
 * to /authorize, a GET from another site), Path=/ and no Domain, as the
 * __Host- prefix requires.  A NULL value clears it.
 */
void	cookie_set_login(struct evhttp_request *, const char *client_id,
	    const char *value, int ttl);

#endif
