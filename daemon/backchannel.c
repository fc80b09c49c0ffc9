#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <event2/event.h>

#include "audit_client.h"
#include "backchannel.h"
#include "frontend.h"
#include "log.h"
#include "outbound.h"

struct delivery {
	char			*url;
	char			*form;		/* logout_token=... */
	char			 client_id[PROTO_CLIENT_ID_MAX + 1];
	char			 sid[PROTO_SID_MAX + 1];
	int			 attempt;	/* made so far */
	struct event		*timer;
};

static struct https_client	*client;
static size_t			 queued;

int
backchannel_init(const struct config *conf)
{
	char	 err[HTTPS_ERR_MAX];
	size_t	 i;

	for (i = 0; i < conf->nclients; i++)
		if (conf->clients[i].backchannel_logout_uri != NULL)
			break;
	if (i == conf->nclients)
		return 0;
	if ((client = outbound_client(NULL, err, sizeof(err))) == NULL) {
		log_warnx("back-channel logout: %s", err);
		return -1;
	}
	return 0;
}

static void
delivery_free(struct delivery *d)
{
	if (d->timer != NULL)
		event_free(d->timer);
	free(d->url);
	free(d->form);
	free(d);
	queued--;
}

/* The end of a delivery, on the record. */
static void
settled(struct delivery *d, const char *err)
{
	if (err == NULL)
		audit_observed_session(PROTO_SEEN_LOGOUT_DELIVERED, d->client_id,
		    d->sid, NULL);
	else {
		char	 why[PROTO_MESSAGE_MAX + 1];

		(void)snprintf(why, sizeof(why), "%d attempts; the last: %s",
		    d->attempt, err);
		audit_observed_session(PROTO_SEEN_LOGOUT_FAILED, d->client_id,
		    d->sid, why);
	}
	delivery_free(d);
}

static void	retry(evutil_socket_t, short, void *);

static void
answered(const char *body, size_t len, const char *err, void *arg)
{
	struct delivery		*d = arg;
	struct timeval		 tv;
	unsigned int		 jitter;
	long			 ms;

	(void)body;
	(void)len;
	if (err == NULL || d->attempt >= BACKCHANNEL_ATTEMPTS) {
		settled(d, err);
		return;
	}
	/* 2^(n-1) seconds, each from half to the whole: the retries of many
	 * sessions ended together do not arrive together. */
	if (getrandom(&jitter, sizeof(jitter), 0) != sizeof(jitter))
		jitter = 0;
	ms = 1000L << (d->attempt - 1);
	ms = ms / 2 + (long)(jitter % (unsigned int)(ms / 2 + 1));
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	if (d->timer == NULL &&
	    (d->timer = evtimer_new(fe->base, retry, d)) == NULL) {
		settled(d, err);
		return;
	}
	if (evtimer_add(d->timer, &tv) == -1)
		settled(d, err);
}

static void
attempt(struct delivery *d)
{
	char	 err[HTTPS_ERR_MAX];

	d->attempt++;
	if (https_post_form(client, d->url, d->form, NULL, 0,
	    BACKCHANNEL_TIMEOUT, answered, d, err, sizeof(err)) == NULL)
		settled(d, err);
}

static void
retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	attempt(arg);
}

void
backchannel_send(const char *client_id, const char *sid,
    struct proto_str logout_token)
{
	const struct client_config	*app;
	struct delivery			*d;
	const char			*why = NULL;

	if (logout_token.len == 0)
		return;
	app = config_client(fe->conf, client_id);
	if (app == NULL || app->backchannel_logout_uri == NULL)
		why = "the application has no backchannel_logout_uri now";
	else if (client == NULL)
		why = "the front end started without a back-channel logout "
		    "URI, so without the client to reach one: restart it";
	else if (queued == BACKCHANNEL_QUEUE_MAX)
		why = "too many deliveries under way";
	if (why != NULL) {
		audit_observed_session(PROTO_SEEN_LOGOUT_FAILED, client_id, sid,
		    why);
		return;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->url = strdup(app->backchannel_logout_uri)) == NULL ||
	    asprintf(&d->form, "logout_token=%.*s", (int)logout_token.len,
	    logout_token.p) == -1) {
		if (d != NULL) {
			d->form = NULL;
			free(d->url);
		}
		free(d);
		audit_observed_session(PROTO_SEEN_LOGOUT_FAILED, client_id, sid,
		    "out of memory");
		return;
	}
	(void)snprintf(d->client_id, sizeof(d->client_id), "%s", client_id);
	(void)snprintf(d->sid, sizeof(d->sid), "%s", sid);
	queued++;
	attempt(d);
}
