/*
 * Reading a Cookie header, bounded, and setting the login cookie
 * (cookie.h).  The header is the browser's, or anyone's: nothing in it is
 * trusted beyond finding one name's value, which the caller checks again.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "config.h"
#include "cookie.h"

/* Optional whitespace of RFC 6265's cookie-string: space and tab. */
static const char *
skip_ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

int
cookie_find(const char *header, const char *name, char *out, size_t outlen)
{
	const char	*p = header, *end, *pair, *eq, *v, *vend;
	size_t		 hlen = strnlen(header, COOKIE_HEADER_MAX + 1);
	size_t		 nlen = strlen(name);

	if (hlen > COOKIE_HEADER_MAX || outlen == 0)
		return -1;
	end = header + hlen;
	while (p < end) {
		p = skip_ows(p, end);
		pair = p;
		while (p < end && *p != ';')
			p++;
		/* [pair, p) is one "name=value", p at ';' or the end */
		eq = memchr(pair, '=', (size_t)(p - pair));
		if (eq != NULL && (size_t)(eq - pair) == nlen &&
		    memcmp(pair, name, nlen) == 0) {
			v = eq + 1;
			vend = p;
			while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
				vend--;
			if (vend - v >= 2 && *v == '"' && vend[-1] == '"') {
				v++;
				vend--;
			}
			if ((size_t)(vend - v) >= outlen)
				return -1;
			memcpy(out, v, (size_t)(vend - v));
			out[vend - v] = '\0';
			return 0;
		}
		if (p < end)
			p++;	/* past ';' */
	}
	return -1;
}

static void
login_name(const char *client_id, char *name, size_t len)
{
	snprintf(name, len, "%s%s", COOKIE_LOGIN_PREFIX, client_id);
}

int
cookie_get(struct evhttp_request *req, const char *name, char *out,
    size_t outlen, int *sent)
{
	struct evkeyvalq	*h = evhttp_request_get_input_headers(req);
	struct evkeyval		*kv;

	*sent = 0;
	TAILQ_FOREACH(kv, h, next) {
		if (strcasecmp(kv->key, "Cookie") != 0 ||
		    strstr(kv->value, name) == NULL)
			continue;
		*sent = 1;
		if (cookie_find(kv->value, name, out, outlen) == 0)
			return 0;
	}
	return -1;
}

int
cookie_login(struct evhttp_request *req, const char *client_id, char *out,
    size_t outlen, int *sent)
{
	char	 name[sizeof(COOKIE_LOGIN_PREFIX) + CONFIG_ID_MAX];

	login_name(client_id, name, sizeof(name));
	return cookie_get(req, name, out, outlen, sent);
}

void
cookie_set(struct evhttp_request *req, const char *name, const char *value,
    int ttl, const char *same_site)
{
	char	*line;

	/* A value is a grant's text at most; a line cut short is none. */
	if (asprintf(&line, "%s=%s; Max-Age=%d; Path=/; Secure; HttpOnly; "
	    "SameSite=%s", name, value != NULL ? value : "",
	    value != NULL ? ttl : 0, same_site) == -1)
		return;
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Set-Cookie", line);
	free(line);
}

void
cookie_set_login(struct evhttp_request *req, const char *client_id,
    const char *value, int ttl)
{
	char	 name[sizeof(COOKIE_LOGIN_PREFIX) + CONFIG_ID_MAX];

	login_name(client_id, name, sizeof(name));
	cookie_set(req, name, value, ttl, "Lax");
}
