/*
 * make bench: the HTTP ceiling.  An evhttp server that answers every
 * request with a fixed JSON body, so the benchmark can show how much of
 * guised's cost is libevent's HTTP and how much is guise's own work.
 *	bench_hello PORT	(listens on 127.0.0.1:PORT; prints "ready"
 *				 once listening; SIGTERM or SIGINT stops it)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

/* The same event loop and evhttp settings as guised's front end, so the
 * two servers do the same checks per request. */
#include "event_loop.h"
#include "http_settings.h"

static const char	 hello_body[] = "{\"hello\":1}\n";

static void
hello(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*out = evhttp_request_get_output_buffer(req);

	(void)arg;
	/* A reference, not a copy: the body is static and never changes. */
	if (evbuffer_add_reference(out, hello_body, sizeof(hello_body) - 1,
	    NULL, NULL) == -1) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	evhttp_send_reply(req, HTTP_OK, "OK", NULL);
}

static void
stop(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

static int
hello_port(const char *s)
{
	char	*end;
	long	 port;

	port = strtol(s, &end, 10);
	if (end == s || *end != '\0' || port < 1 || port > 65535)
		return -1;
	return (int)port;
}

int
main(int argc, char *argv[])
{
	struct event_base	*base;
	struct evhttp		*http;
	struct event		*ev_term, *ev_int;
	int			 port;

	if (argc != 2 || (port = hello_port(argv[1])) == -1) {
		fprintf(stderr, "usage: bench_hello PORT\n");
		return 2;
	}
	/* A client that goes away mid-reply must not kill the server. */
	signal(SIGPIPE, SIG_IGN);
	/* The event loop guised uses, so that the ceiling is libevent's, not
	 * a setting's. */
	if ((base = event_loop_new()) == NULL ||
	    (http = http_settings_new(base, hello)) == NULL) {
		fprintf(stderr, "bench_hello: cannot set up libevent\n");
		return 1;
	}
	if (evhttp_bind_socket(http, "127.0.0.1", (ev_uint16_t)port) == -1) {
		fprintf(stderr, "bench_hello: cannot listen on 127.0.0.1:%d\n",
		    port);
		return 1;
	}
	ev_term = evsignal_new(base, SIGTERM, stop, base);
	ev_int = evsignal_new(base, SIGINT, stop, base);
	if (ev_term == NULL || ev_int == NULL ||
	    evsignal_add(ev_term, NULL) == -1 ||
	    evsignal_add(ev_int, NULL) == -1) {
		fprintf(stderr, "bench_hello: cannot catch signals\n");
		return 1;
	}

	/* The benchmark waits for this line before it starts the clock. */
	printf("ready\n");
	fflush(stdout);
	event_base_dispatch(base);

	event_free(ev_term);
	event_free(ev_int);
	evhttp_free(http);
	event_base_free(base);
	return 0;
}
