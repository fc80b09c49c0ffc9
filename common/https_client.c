/*
 * One GET over evhttp's client.  evhttp reports failures in three ways,
 * none of which says why: an error callback with a coarse code, the
 * request callback with no request (or code 0) when the connection could
 * not be made, and nothing at all for what it hands to its retry logic.
 * So every callback here only records the first thing that went wrong,
 * in words, from what is still there to ask (the bufferevent's DNS
 * error, the TLS session's verify result, OpenSSL's error queue, errno),
 * and the answer is given later from an event of our own, once evhttp's
 * callbacks have returned: evhttp still uses the connection after them,
 * so it is freed only there.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "https_client.h"
#include "https_url.h"

struct https_client {
	struct event_base	*base;
	struct evdns_base	*dns;
	SSL_CTX			*ctx;
};

struct https_request {
	struct https_client	*client;
	struct https_url	 url;
	int			 flags;
	int			 timeout;
	struct evhttp_connection *evcon;
	struct bufferevent	*bev;		/* evcon's */
	SSL			*ssl;		/* bev's; NULL for http */
	struct event		*timer;		/* the whole request's time */
	struct event		*done;		/* the answer, after evhttp */
	struct evbuffer		*body;
	int			 finished;
	int			 got_headers;
	https_cb		 cb;
	void			*arg;
	char			*body_text;	/* a POST's body; NULL: a GET */
	char			*content_type;	/* a POST's */
	char			**headers;	/* name, value, ..., NULL */
	char			*authorization;	/* NULL: none */
	char			 err[HTTPS_ERR_MAX];
};

static void __attribute__((format(printf, 3, 4)))
https_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* OpenSSL's last error, for a message. */
static const char *
ssl_reason(unsigned long e)
{
	const char	*s;

	if (e == 0)
		return "unknown error";
	if ((s = ERR_reason_error_string(e)) == NULL)
		return "unknown error";
	return s;
}

struct https_client *
https_client_new(struct event_base *base, struct evdns_base *dns,
    const char *ca_file, char *err, size_t errlen)
{
	struct https_client	*c;
	int			 ok;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		https_errf(err, errlen, "out of memory");
		return NULL;
	}
	c->base = base;
	c->dns = dns;
	ERR_clear_error();
	if ((c->ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION) != 1) {
		https_errf(err, errlen, "TLS: %s", ssl_reason(ERR_get_error()));
		https_client_free(c);
		return NULL;
	}
	/* Only the named CA when there is one: a provider's private CA must
	 * not be widened to every public one. */
	if (ca_file != NULL)
		ok = SSL_CTX_load_verify_locations(c->ctx, ca_file, NULL);
	else
		ok = SSL_CTX_set_default_verify_paths(c->ctx);
	if (ok != 1) {
		https_errf(err, errlen, "%s: cannot load CA certificates: %s",
		    ca_file != NULL ? ca_file : "the system's CA paths",
		    ssl_reason(ERR_get_error()));
		https_client_free(c);
		return NULL;
	}
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_options(c->ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_NO_COMPRESSION);
	return c;
}

void
https_client_free(struct https_client *c)
{
	if (c == NULL)
		return;
	SSL_CTX_free(c->ctx);
	free(c);
}

/* A success: 200, or any 2xx with HTTPS_2XX. */
static int
success(const struct https_request *r, int code)
{
	return code == 200 || ((r->flags & HTTPS_2XX) && code >= 200 &&
	    code < 300);
}

static void
request_free(struct https_request *r)
{
	size_t	 i;

	/* Frees the bufferevent and its SSL, and any request queued. */
	if (r->evcon != NULL)
		evhttp_connection_free(r->evcon);
	if (r->timer != NULL)
		event_free(r->timer);
	if (r->done != NULL)
		event_free(r->done);
	if (r->body != NULL)
		evbuffer_free(r->body);
	/* A Basic header carries the console's secret at its provider. */
	if (r->authorization != NULL)
		OPENSSL_cleanse(r->authorization, strlen(r->authorization));
	free(r->authorization);
	free(r->body_text);
	free(r->content_type);
	for (i = 0; r->headers != NULL && r->headers[i] != NULL; i++)
		free(r->headers[i]);
	free(r->headers);
	free(r->url.target);
	free(r);
}

void
https_cancel(struct https_request *r)
{
	if (r != NULL)
		request_free(r);
}

/* The first outcome only; the answer waits for the loop (done_cb). */
static void __attribute__((format(printf, 2, 3)))
finish(struct https_request *r, const char *fmt, ...)
{
	va_list	 ap;

	if (r->finished)
		return;
	r->finished = 1;
	if (fmt != NULL) {
		va_start(ap, fmt);
		(void)vsnprintf(r->err, sizeof(r->err), fmt, ap);
		va_end(ap);
		if (r->err[0] == '\0')
			snprintf(r->err, sizeof(r->err), "failed");
	}
	event_active(r->done, EV_TIMEOUT, 1);
}

/* A header from the peer, fit for one line: printable, cut short. */
static void
printable(char *out, size_t outlen, const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0' && i + 1 < outlen && i < 64; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[i] = '\0';
}

/* application/json, or application/SOMETHING+json (jwk-set+json). */
static int
content_type_json(const char *ct)
{
	size_t	 len = strcspn(ct, "; \t");

	if (len == 16 && strncasecmp(ct, "application/json", 16) == 0)
		return 1;
	return len > 17 && strncasecmp(ct, "application/", 12) == 0 &&
	    strncasecmp(ct + len - 5, "+json", 5) == 0;
}

/*
 * errno when evhttp gives up on a connection is whatever its clean-up
 * left (it closes the socket first, and says nothing of SO_ERROR): only
 * a value that can only have come from the connection is worth showing.
 */
static int
connect_errno(int e)
{
	return e == ECONNREFUSED || e == ECONNRESET || e == EHOSTUNREACH ||
	    e == ENETUNREACH || e == ETIMEDOUT;
}

/* The failure evhttp would not explain, told from what is left. */
static void
failed(struct https_request *r, int saved_errno, int what)
{
	unsigned long	 e = 0;
	long		 v;
	int		 dns;

	if ((dns = bufferevent_socket_get_dns_error(r->bev)) != 0) {
		finish(r, "DNS: %s: %s", r->url.host, evutil_gai_strerror(dns));
		return;
	}
	if (r->ssl != NULL) {
		if ((v = SSL_get_verify_result(r->ssl)) != X509_V_OK) {
			finish(r, "TLS: certificate verify failed: %s",
			    X509_verify_cert_error_string(v));
			return;
		}
		if ((e = bufferevent_get_openssl_error(r->bev)) != 0 &&
		    ERR_GET_LIB(e) != 0) {
			finish(r, "TLS: %s", ssl_reason(e));
			return;
		}
	}
	switch (what) {
	case EVREQ_HTTP_TIMEOUT:
		finish(r, "timed out (nothing received for %d s)", r->timeout);
		return;
	case EVREQ_HTTP_DATA_TOO_LONG:
		if (r->got_headers)
			finish(r, "body over %d bytes", HTTPS_BODY_MAX);
		else
			finish(r, "headers over %d bytes", HTTPS_HEADERS_MAX);
		return;
	case EVREQ_HTTP_INVALID_HEADER:
		finish(r, "invalid response (status line or headers)");
		return;
	default:
		break;
	}
	if (r->got_headers)
		finish(r, "connection closed before a whole answer");
	else if (connect_errno(saved_errno))
		finish(r, "connect to %s port %d: %s", r->url.host, r->url.port,
		    strerror(saved_errno));
	else
		finish(r, "connect to %s port %d failed (refused, unreachable "
		    "or closed)", r->url.host, r->url.port);
}

static void
on_error(enum evhttp_request_error what, void *arg)
{
	struct https_request	*r = arg;
	int			 saved_errno = errno;

	/* Ours (never asked for: the connection is freed instead). */
	if (what == EVREQ_HTTP_REQUEST_CANCEL)
		return;
	failed(r, saved_errno, (int)what);
}

/* Status and type are known before the body: refuse it unread. */
static int
on_headers(struct evhttp_request *req, void *arg)
{
	struct https_request	*r = arg;
	const char		*ct;
	char			 show[80];
	int			 code;

	r->got_headers = 1;
	code = evhttp_request_get_response_code(req);
	if (code >= 300 && code < 400) {
		finish(r, "status %d (redirects are not followed)", code);
		return -1;
	}
	if (!success(r, code)) {
		finish(r, "status %d", code);
		return -1;
	}
	if (r->flags & HTTPS_JSON) {
		ct = evhttp_find_header(evhttp_request_get_input_headers(req),
		    "Content-Type");
		if (ct == NULL) {
			finish(r, "no Content-Type, where JSON was expected");
			return -1;
		}
		if (!content_type_json(ct)) {
			printable(show, sizeof(show), ct);
			finish(r, "Content-Type \"%s\" is not JSON", show);
			return -1;
		}
	}
	return 0;
}

static void
on_response(struct evhttp_request *req, void *arg)
{
	struct https_request	*r = arg;
	struct evbuffer		*in;
	int			 saved_errno = errno;

	if (r->finished)
		return;
	/* No request, or no status: the connection was never made. */
	if (req == NULL || evhttp_request_get_response_code(req) == 0) {
		failed(r, saved_errno, -1);
		return;
	}
	if (!success(r, evhttp_request_get_response_code(req))) {
		finish(r, "status %d", evhttp_request_get_response_code(req));
		return;
	}
	in = evhttp_request_get_input_buffer(req);
	if (evbuffer_get_length(in) > HTTPS_BODY_MAX) {
		finish(r, "body over %d bytes", HTTPS_BODY_MAX);
		return;
	}
	/* evhttp frees req when this returns: keep the body. */
	if (evbuffer_add_buffer(r->body, in) == -1) {
		finish(r, "out of memory");
		return;
	}
	finish(r, NULL);
}

static void
on_timer(evutil_socket_t fd, short ev, void *arg)
{
	struct https_request	*r = arg;

	(void)fd;
	(void)ev;
	finish(r, "timed out after %d s", r->timeout);
}

static void
on_done(evutil_socket_t fd, short ev, void *arg)
{
	struct https_request	*r = arg;
	const char		*body = "";
	size_t			 len;

	(void)fd;
	(void)ev;
	/* Close the connection (or abandon the request) before answering. */
	evhttp_connection_free(r->evcon);
	r->evcon = NULL;
	if (r->err[0] != '\0')
		r->cb(NULL, 0, r->err, r->arg);
	else if ((len = evbuffer_get_length(r->body)) > 0 &&
	    (body = (const char *)evbuffer_pullup(r->body, -1)) == NULL)
		r->cb(NULL, 0, "out of memory", r->arg);
	else
		r->cb(body, len, NULL, r->arg);
	request_free(r);
}

/* The TLS session: SNI for a name, and the name or address verified. */
static SSL *
tls_session(struct https_client *c, struct https_url *u, char *err,
    size_t errlen)
{
	SSL	*ssl;
	int	 ok;

	ERR_clear_error();
	if ((ssl = SSL_new(c->ctx)) == NULL) {
		https_errf(err, errlen, "TLS: %s", ssl_reason(ERR_get_error()));
		return NULL;
	}
	if (u->ip)
		/* RFC 6066: no address in SNI; the certificate's IP SAN. */
		ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
		    u->host);
	else {
		SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS |
		    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
		ok = SSL_set1_host(ssl, u->host) == 1 &&
		    SSL_set_tlsext_host_name(ssl, u->host) == 1;
	}
	if (ok != 1) {
		https_errf(err, errlen, "TLS: %s: %s", u->host,
		    ssl_reason(ERR_get_error()));
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}

static int
add_headers(struct evkeyvalq *h, char *const *headers)
{
	size_t	 i;

	for (i = 0; headers != NULL && headers[i] != NULL; i += 2)
		if (evhttp_add_header(h, headers[i], headers[i + 1]) == -1)
			return -1;
	return 0;
}

/* A copy of a NULL-terminated list of names and values: 0, or -1. */
static int
copy_headers(struct https_request *r, const char *const *headers)
{
	size_t	 i, n;

	for (n = 0; headers != NULL && headers[n] != NULL; n++)
		;
	if (n % 2 != 0 || (r->headers = calloc(n + 1, sizeof(char *))) ==
	    NULL)
		return -1;
	for (i = 0; i < n; i++)
		if ((r->headers[i] = strdup(headers[i])) == NULL)
			return -1;
	return 0;
}

/* The connection, its limits, and the request on it. */
static int
request_start(struct https_request *r, char *err, size_t errlen)
{
	struct https_client	*c = r->client;
	struct evhttp_request	*req;
	struct evkeyvalq	*h;
	const int		 opts = BEV_OPT_CLOSE_ON_FREE |
				    BEV_OPT_DEFER_CALLBACKS;

	if (r->url.tls) {
		if ((r->ssl = tls_session(c, &r->url, err, errlen)) == NULL)
			return -1;
		r->bev = bufferevent_openssl_socket_new(c->base, -1, r->ssl,
		    BUFFEREVENT_SSL_CONNECTING, opts);
		if (r->bev == NULL)
			SSL_free(r->ssl);
	} else
		r->bev = bufferevent_socket_new(c->base, -1, opts);
	if (r->bev == NULL) {
		r->ssl = NULL;
		https_errf(err, errlen, "cannot make a connection buffer");
		return -1;
	}
	/*
	 * localhost is loopback by its name (RFC 6761), never by what a
	 * resolver answers: a plain http fetch to it must stay on this host.
	 */
	r->evcon = evhttp_connection_base_bufferevent_new(c->base, c->dns,
	    r->bev, strcasecmp(r->url.host, "localhost") == 0 ? "127.0.0.1" :
	    r->url.host, (unsigned short)r->url.port);
	if (r->evcon == NULL) {
		bufferevent_free(r->bev);
		https_errf(err, errlen, "cannot make a connection");
		return -1;
	}
	evhttp_connection_set_max_headers_size(r->evcon, HTTPS_HEADERS_MAX);
	evhttp_connection_set_max_body_size(r->evcon, HTTPS_BODY_MAX);
	/* evhttp's timeout is for silence; the whole request has r->timer. */
	evhttp_connection_set_timeout(r->evcon, r->timeout);
	evhttp_connection_set_retries(r->evcon, 0);

	if ((req = evhttp_request_new(on_response, r)) == NULL) {
		https_errf(err, errlen, "out of memory");
		return -1;
	}
	evhttp_request_set_header_cb(req, on_headers);
	evhttp_request_set_error_cb(req, on_error);
	h = evhttp_request_get_output_headers(req);
	/* evhttp's client sends no Host of its own. */
	if (evhttp_add_header(h, "Host", r->url.hostport) == -1 ||
	    evhttp_add_header(h, "Accept", (r->flags & HTTPS_JSON) ?
	    "application/json" : "*/*") == -1 ||
	    evhttp_add_header(h, "User-Agent", "guise") == -1 ||
	    evhttp_add_header(h, "Connection", "close") == -1) {
		evhttp_request_free(req);
		https_errf(err, errlen, "out of memory");
		return -1;
	}
	/*
	 * On -1 evhttp has freed req on one path (its copy of the target)
	 * and not on the other (a socket it could not set up): leaving it
	 * is a small leak on a path that does not happen, freeing it a
	 * double free on one that might.
	 */
	if (r->body_text != NULL && (evhttp_add_header(h, "Content-Type",
	    r->content_type) == -1 ||
	    (r->authorization != NULL && evhttp_add_header(h,
	    "Authorization", r->authorization) == -1) ||
	    add_headers(h, r->headers) == -1 ||
	    evbuffer_add(evhttp_request_get_output_buffer(req), r->body_text,
	    strlen(r->body_text)) == -1)) {
		evhttp_request_free(req);
		https_errf(err, errlen, "out of memory");
		return -1;
	}
	if (evhttp_make_request(r->evcon, req, r->body_text != NULL ?
	    EVHTTP_REQ_POST : EVHTTP_REQ_GET, r->url.target) == -1) {
		https_errf(err, errlen, "cannot start the request");
		return -1;
	}
	return 0;
}

/*
 * A GET (body NULL), or a POST of body as content_type, with authorization
 * (NULL for none) and headers (NULL for none).
 */
static struct https_request *
https_request(struct https_client *c, const char *url, const char *body,
    const char *content_type, const char *authorization,
    const char *const *headers, int flags, int timeout, https_cb cb,
    void *arg, char *err, size_t errlen)
{
	struct https_request	*r;
	struct timeval		 tv = { timeout, 0 };
	const char		*problem;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		https_errf(err, errlen, "out of memory");
		return NULL;
	}
	r->client = c;
	r->flags = flags;
	r->timeout = timeout;
	r->cb = cb;
	r->arg = arg;
	if ((problem = https_url_parse(url, &r->url)) != NULL) {
		https_errf(err, errlen, "URL %s", problem);
		free(r);
		return NULL;
	}
	if ((body != NULL && ((r->body_text = strdup(body)) == NULL ||
	    (r->content_type = strdup(content_type)) == NULL)) ||
	    copy_headers(r, headers) == -1 ||
	    (authorization != NULL &&
	    (r->authorization = strdup(authorization)) == NULL) ||
	    (r->body = evbuffer_new()) == NULL ||
	    (r->timer = evtimer_new(c->base, on_timer, r)) == NULL ||
	    (r->done = event_new(c->base, -1, 0, on_done, r)) == NULL ||
	    evtimer_add(r->timer, &tv) == -1) {
		https_errf(err, errlen, "out of memory");
		request_free(r);
		return NULL;
	}
	/* Armed before the request: evhttp may fail it at once. */
	if (request_start(r, err, errlen) == -1) {
		request_free(r);
		return NULL;
	}
	return r;
}

struct https_request *
https_get(struct https_client *c, const char *url, int flags, int timeout,
    https_cb cb, void *arg, char *err, size_t errlen)
{
	return https_request(c, url, NULL, NULL, NULL, NULL, flags, timeout,
	    cb, arg, err, errlen);
}

struct https_request *
https_post_form(struct https_client *c, const char *url, const char *form,
    const char *authorization, int flags, int timeout, https_cb cb,
    void *arg, char *err, size_t errlen)
{
	return https_request(c, url, form, "application/x-www-form-urlencoded",
	    authorization, NULL, flags, timeout, cb, arg, err, errlen);
}

struct https_request *
https_post(struct https_client *c, const char *url, const char *content_type,
    const char *body, const char *const *headers, int flags, int timeout,
    https_cb cb, void *arg, char *err, size_t errlen)
{
	return https_request(c, url, body, content_type, NULL, headers, flags,
	    timeout, cb, arg, err, errlen);
}
