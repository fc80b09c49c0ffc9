/*
 * /console and everything under it (console.h): the routes, the console
 * session of a request, and the checks of every POST (an Origin that is
 * the issuer's, and the session's CSRF token).
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/crypto.h>

#include "console.h"
#include "cookie.h"
#include "form.h"
#include "frontend.h"
#include "http.h"
#include "log.h"
#include "page.h"
#include "reply.h"

#define PAGES_PREFIX	"/console/"
#define API_PREFIX	"/console/api/"

/* Whether console_init made the console ready: only a start can. */
static int	 served;

int
console_init(const struct config *conf)
{
	if (!conf->console.enabled)
		return 0;
	if (console_pages_load(conf) == -1 ||
	    console_signin_init(conf) == -1)
		return -1;
	served = 1;
	return 0;
}

void
console_words(struct evhttp_request *req, int code, const char *title,
    const char *text)
{
	struct evbuffer	*b;

	if ((b = evbuffer_new()) == NULL) {
		reply_unavailable(req);
		return;
	}
	evbuffer_add_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\"><title>");
	page_escape(b, title);
	evbuffer_add_printf(b, " - guise console</title></head><body><main>"
	    "<h1>");
	page_escape(b, title);
	evbuffer_add_printf(b, "</h1><p>");
	page_escape(b, text);
	evbuffer_add_printf(b, "</p><p><a href=\"/console/login\">Sign in "
	    "again</a></p></main></body></html>\n");
	page_send(req, code, code == 200 ? "OK" : code == 403 ? "Forbidden" :
	    code == 400 ? "Bad Request" : "Error", b, NULL);
	evbuffer_free(b);
}

const struct console_session *
console_session(struct evhttp_request *req, char cookie[PROTO_LOGIN_MAX + 1])
{
	const struct console_session	*s = NULL;
	int				 sent;

	if (cookie_get(req, CONSOLE_COOKIE, cookie, PROTO_LOGIN_MAX + 1,
	    &sent) == 0)
		s = store_session_use(cookie, fe->conf->console.idle_ttl,
		    time(NULL));
	if (s == NULL)
		reply_oauth_error(req, 401, "login_required", sent ?
		    "the console session has ended: sign in again" :
		    "sign in to the console first");
	return s;
}

/* Does the request's Origin name the issuer's origin, exactly? */
static int
same_origin(struct evhttp_request *req)
{
	const char	*origin = evhttp_find_header(
			    evhttp_request_get_input_headers(req), "Origin");
	const char	*issuer = fe->conf->issuer, *path;
	size_t		 len;

	/* The issuer's origin: its scheme, host and port, no path. */
	if (origin == NULL || (path = strchr(issuer + sizeof("https://") - 1,
	    '/')) == NULL)
		return 0;
	len = (size_t)(path - issuer);
	return strlen(origin) == len && strncmp(origin, issuer, len) == 0;
}

int
console_post(struct evhttp_request *req, const struct console_session *s,
    struct form *f, char **buf)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	const char	*csrf, *why;
	size_t		 len = evbuffer_get_length(in);

	*buf = NULL;
	/* A browser sends Origin with every POST; a forged one may not. */
	if (!same_origin(req)) {
		reply_oauth_error(req, 403, "invalid_request",
		    "the request does not come from the console's own pages");
		return -1;
	}
	if (len > CONSOLE_BODY_MAX || (*buf = malloc(len + 1)) == NULL ||
	    evbuffer_copyout(in, *buf, len) != (ev_ssize_t)len ||
	    form_parse(*buf, len, f, &why) == -1) {
		free(*buf);
		*buf = NULL;
		reply_oauth_error(req, 400, "invalid_request",
		    "the form is malformed or too long");
		return -1;
	}
	if ((csrf = form_get(f, "csrf")) == NULL ||
	    strlen(csrf) != strlen(s->csrf) ||
	    CRYPTO_memcmp(csrf, s->csrf, strlen(s->csrf)) != 0) {
		free(*buf);
		*buf = NULL;
		reply_oauth_error(req, 403, "invalid_request",
		    "the form's CSRF token is missing or wrong: reload the "
		    "console");
		return -1;
	}
	return 0;
}

void
console_route(struct evhttp_request *req)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = evhttp_uri_get_path(uri);
	static int		 said;
	int			 post;

	post = evhttp_request_get_command(req) == EVHTTP_REQ_POST;
	/*
	 * Its pages, CA file, resolver and the confinement's allowances are
	 * read at start: a console that a reload turned on waits for one.
	 */
	if (fe->conf->console.enabled && !served && !said) {
		log_warnx("console: turned on by a reload; restart guised to "
		    "serve it");
		said = 1;
	}
	if (!fe->conf->console.enabled || !served || path == NULL) {
		reply_oauth_error(req, 404, "not_found", "no such endpoint");
		return;
	}
	if (strcmp(path, "/console") == 0 && !post)
		reply_redirect(req, PAGES_PREFIX);
	else if (strcmp(path, "/console/login") == 0 && !post)
		console_login(req);
	else if (strcmp(path, "/console/callback") == 0 && !post)
		console_callback(req);
	else if (strcmp(path, "/console/logout") == 0 && post)
		console_logout(req);
	else if (strncmp(path, API_PREFIX, strlen(API_PREFIX)) == 0)
		console_api(req, path + strlen(API_PREFIX));
	else if (strncmp(path, PAGES_PREFIX, strlen(PAGES_PREFIX)) == 0 &&
	    !post)
		console_page(req, path + strlen(PAGES_PREFIX));
	else
		reply_oauth_error(req, 404, "not_found", "no such endpoint");
}
