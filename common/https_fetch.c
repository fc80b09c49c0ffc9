/*
 * https_get made blocking, for a command (guisectl idp-keys): an event
 * loop, a resolver and a TLS context of its own, all gone when it
 * returns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/event.h>

#include "https_client.h"

struct fetch {
	struct event_base	*base;
	int			 done;
	char			*body;
	size_t			 len;
	char			*err;
	size_t			 errlen;
};

static void
fetch_done(const char *body, size_t len, const char *err, void *arg)
{
	struct fetch	*f = arg;

	f->done = 1;
	event_base_loopbreak(f->base);
	if (err != NULL)
		snprintf(f->err, f->errlen, "%s", err);
	else if ((f->body = malloc(len + 1)) == NULL)
		snprintf(f->err, f->errlen, "out of memory");
	else {
		memcpy(f->body, body, len);
		f->body[len] = '\0';
		f->len = len;
	}
}

int
https_fetch(const char *ca_file, const char *url, int flags, int timeout,
    char **body, size_t *len, char *err, size_t errlen)
{
	struct fetch		 f;
	struct evdns_base	*dns = NULL;
	struct https_client	*c = NULL;
	struct https_request	*r = NULL;

	memset(&f, 0, sizeof(f));
	f.err = err;
	f.errlen = errlen;
	*body = NULL;
	*len = 0;
	if ((f.base = event_base_new()) == NULL) {
		snprintf(err, errlen, "cannot make an event loop");
		return -1;
	}
	/* Without DISABLE_WHEN_INACTIVE the resolver's socket would keep
	 * the loop running after the answer. */
	if ((dns = evdns_base_new(f.base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
	    EVDNS_BASE_DISABLE_WHEN_INACTIVE)) == NULL)
		snprintf(err, errlen, "DNS: cannot read the resolver's "
		    "configuration");
	else if ((c = https_client_new(f.base, dns, ca_file, err, errlen)) !=
	    NULL && (r = https_get(c, url, flags, timeout, fetch_done, &f, err,
	    errlen)) != NULL) {
		while (!f.done)
			if (event_base_dispatch(f.base) != 0 && !f.done) {
				snprintf(err, errlen, "the event loop ended "
				    "before the answer");
				https_cancel(r);
				break;
			}
	}
	https_client_free(c);
	if (dns != NULL)
		evdns_base_free(dns, 1);
	/* What freeing left for the loop (a cancelled lookup's callback,
	 * a bufferevent's deferred release) runs before the loop goes. */
	(void)event_base_loop(f.base, EVLOOP_NONBLOCK);
	event_base_free(f.base);
	if (f.body == NULL)
		return -1;
	*body = f.body;
	*len = f.len;
	return 0;
}
