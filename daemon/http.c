/*
 * One evhttp per listener (each may have its own certificate), all sharing
 * one routing table.  evhttp's defaults are unlimited sizes, no timeouts
 * and every method: every limit is set here, before anything is served.
 */
#include <arpa/inet.h>

#include <limits.h>
#include <string.h>
#include <time.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "cors.h"
#include "frontend.h"
#include "http.h"
#include "http_settings.h"
#include "listenfds.h"
#include "log.h"
#include "params.h"
#include "reply.h"
#include "source.h"

struct route {
	const char	*path;
	int		 prefix;	/* path is a prefix: the handler checks the rest */
	int		 methods;
	void		(*handler)(struct evhttp_request *);
	int		 cors;		/* for single-page applications (cors.h) */
};

#define GET	(EVHTTP_REQ_GET | EVHTTP_REQ_HEAD)
#define POST	EVHTTP_REQ_POST
#define DELETE	EVHTTP_REQ_DELETE

#define LISTEN_MAX	64

#define ACCEPT_PAUSE_MS	100	/* out of descriptors: wait, then accept */

static struct evhttp_bound_socket	*bound[LISTEN_MAX];
static size_t				 nbound;
static int				 stopped;

static const struct route routes[] = {
	{ "/.well-known/openid-configuration",	0, GET,	wellknown_discovery,
	    1 },
	{ "/.well-known/jwks.json",		0, GET,	wellknown_jwks, 1 },
	{ "/oauth/token",			0, POST, token_endpoint, 1 },
	/* Revoked by single-page applications too; introspected only by
	 * clients with a secret, from their servers. */
	{ "/oauth/revoke",			0, POST, revoke_endpoint, 1 },
	{ "/oauth/introspect",			0, POST, introspect_endpoint,
	    0 },
	{ "/userinfo",				0, GET | POST, userinfo, 1 },
	{ "/authorize",				0, GET | POST, authorize,
	    0 },
	{ "/api/v2/users",			0, GET,	users_list, 0 },
	{ "/api/v2/users/",			1, GET,	users_get, 0 },
	{ "/api/v2/users-by-email",		0, GET,	users_get_by_email, 0 },
	{ "/users/",				1, GET | POST, users_impersonate, 0 },
	{ "/api/v2/impersonations",		0, GET, impersonations_list,
	    0 },
	{ "/api/v2/impersonations/approvals",	0, GET, approvals_list, 0 },
	{ "/api/v2/impersonations/approvals/",	1, GET | POST, approvals_one,
	    0 },
	{ "/api/v2/impersonations/",		1, GET | DELETE,
	    impersonations_one, 0 },
	{ "/console",				1, GET | POST, console_route, 0 },
#ifdef GUISE_TEST_HOOKS
	{ "/__test/probe",			0, POST, testhooks_probe, 0 },
	{ "/__test/syscall",			0, GET,	testhooks_syscall, 0 },
	{ "/__test/log",			0, GET,	testhooks_log, 0 },
	{ "/__test/ctl",			0, GET,	testhooks_ctl, 0 },
#endif
};

static const char *
allow_header(int methods)
{
	if (methods == POST)
		return "POST";
	if (methods & DELETE)
		return "GET, HEAD, DELETE";
	return methods & POST ? "GET, HEAD, POST" : "GET, HEAD";
}

/*
 * The request route() is handing to its handler, and its source once
 * worked out (empty until then): what the handler asks of audit_source()
 * while it runs is worked out once.  Only while it runs: once it returns,
 * the request may be freed and another made at its address.
 */
static struct evhttp_request	*routing;
static char			 routing_source[SOURCE_MAX];

char *
http_routing_source(const struct evhttp_request *req)
{
	return req != NULL && req == routing ? routing_source : NULL;
}

static void
route(struct evhttp_request *req, void *arg)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = uri ? evhttp_uri_get_path(uri) : NULL;
	const char		*why;
	size_t			 i;

	(void)arg;
	if (path == NULL || *path == '\0')
		path = "/";
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (routes[i].prefix ? strncmp(routes[i].path, path,
		    strlen(routes[i].path)) != 0 : strcmp(routes[i].path, path) != 0)
			continue;
		if (routes[i].cors && evhttp_request_get_command(req) ==
		    EVHTTP_REQ_OPTIONS) {
			cors_preflight(req);
			return;
		}
		if (!(evhttp_request_get_command(req) & routes[i].methods)) {
			evhttp_add_header(evhttp_request_get_output_headers(req),
			    "Allow", allow_header(routes[i].methods));
			reply_oauth_error(req, 405, "invalid_request",
			    "method not allowed");
			return;
		}
		/* A trusted proxy's malformed header is refused before any
		 * handler, so that audit_origin() always finds a source.
		 * Without one the source is the peer, which cannot be
		 * refused: left to the handlers that ask (the JWKS never). */
		routing_source[0] = '\0';
		if (fe->conf->ntrusted_proxies > 0 && source_of(req, fe->conf,
		    routing_source, sizeof(routing_source), &why) == -1) {
			reply_oauth_error(req, 400, "invalid_request", why);
			return;
		}
		if (routes[i].cors)
			cors_headers(req);
		routing = req;
		routes[i].handler(req);
		routing = NULL;
		routing_source[0] = '\0';
		return;
	}
	reply_oauth_error(req, 404, "not_found", "no such endpoint");
}

static struct bufferevent *
tls_bufferevent(struct event_base *base, void *arg)
{
	SSL	*ssl;

	if ((ssl = SSL_new(arg)) == NULL)
		return NULL;
	return bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
}

static void
accept_again(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	if (!stopped)
		evconnlistener_enable(arg);
}

/*
 * accept(2) failed.  Out of descriptors (the max_connections cap is the
 * descriptor limit) libevent would try again at once, for ever, filling
 * the log: pause this listener a moment instead, and say so once a second
 * at most.  What waits meanwhile stays in the kernel's backlog, or is
 * refused by it.
 */
static void
accept_failed(struct evconnlistener *l, void *arg)
{
	static time_t	 said;
	struct timeval	 pause = { 0, ACCEPT_PAUSE_MS * 1000 };
	int		 err = EVUTIL_SOCKET_ERROR();

	(void)arg;
	if (time(NULL) != said) {
		said = time(NULL);
		log_warnx("accept: %s: pausing new connections for %d ms",
		    strerror(err), ACCEPT_PAUSE_MS);
	}
	evconnlistener_disable(l);
	event_base_once(evconnlistener_get_base(l), -1, EV_TIMEOUT,
	    accept_again, l, &pause);
}

static SSL_CTX *
tls_context(const struct listen_config *l)
{
	char	 key[PATH_MAX];
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (SSL_CTX_use_certificate_chain_file(ctx, l->tls_cert) != 1) {
		log_warnx("%s: cannot use this certificate", l->tls_cert);
		goto fail;
	}
	if (config_path(l->tls_key, key, sizeof(key)) == -1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		log_warnx("%s: cannot use this key with %s", l->tls_key,
		    l->tls_cert);
		goto fail;
	}
	return ctx;
 fail:
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return NULL;
}

static int
listen_one(struct event_base *base, const struct listen_config *l)
{
	struct evhttp	*http;
	SSL_CTX		*ctx = NULL;
	int		 fd;

	if (l->tls_cert != NULL && (ctx = tls_context(l)) == NULL)
		return -1;
	if ((http = http_settings_new(base, route)) == NULL)
		return -1;
	if (ctx != NULL)
		evhttp_set_bevcb(http, tls_bufferevent, ctx);
	if ((fd = listenfds_claim(l->address, l->port)) != -1) {
		if (evutil_make_socket_nonblocking(fd) == -1 ||
		    (bound[nbound] = evhttp_accept_socket_with_handle(http,
		    fd)) == NULL) {
			log_warnx("cannot serve the socket systemd passed for "
			    "%s port %d", l->address, l->port);
			return -1;
		}
	} else if ((bound[nbound] = evhttp_bind_socket_with_handle(http,
	    l->address, (uint16_t)l->port)) == NULL) {
		log_warn("cannot listen on %s port %d", l->address, l->port);
		return -1;
	}
	evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(
	    bound[nbound]), accept_failed);
	nbound++;
	log_info("listening on %s://%s%s%s:%d/%s", ctx ? "https" : "http",
	    strchr(l->address, ':') ? "[" : "", l->address,
	    strchr(l->address, ':') ? "]" : "", l->port,
	    fd != -1 ? " (a socket from systemd)" : "");
	return 0;
}

int
http_listen(struct event_base *base, const struct config *conf,
    int passed)
{
	char	 name[LISTENFDS_NAME_MAX];
	size_t	 i;

	if (conf->nlisten > LISTEN_MAX) {
		log_warnx("more than %d listeners", LISTEN_MAX);
		return -1;
	}
	if (listenfds_check(passed) == -1)
		return -1;
	for (i = 0; i < conf->nlisten; i++)
		if (listen_one(base, &conf->listen[i]) == -1)
			return -1;
	/* A socket nobody serves would take connections and never answer. */
	if (listenfds_unclaimed(name, sizeof(name)) != -1) {
		log_warnx("socket activation: systemd passed a socket on %s, "
		    "which no listener of the configuration names", name);
		return -1;
	}
	return 0;
}

void
http_stop_listening(void)
{
	size_t	 i;

	stopped = 1;
	for (i = 0; i < nbound; i++)
		evconnlistener_disable(evhttp_bound_socket_get_listener(
		    bound[i]));
}
