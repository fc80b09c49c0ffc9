#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit_client.h"
#include "delivery.h"
#include "frontend.h"
#include "https_client.h"
#include "log.h"
#include "signer_client.h"
#include "webhooks.h"

struct event {
	char			*url;
	char			*body;
	char			*grant;
	char			 type[32];
	char			 sid[PROTO_SID_MAX + 1];
	struct delivery		*d;	/* the attempt asking for a signature */
};

static void
event_free(struct event *e)
{
	free(e->url);
	free(e->body);
	free(e->grant);
	free(e);
}

/* What the record says of it: its type and where it goes. */
static void
said(const struct event *e, enum proto_observed what, const char *why)
{
	char	 detail[sizeof(e->type) + PROTO_URL_MAX + PROTO_MESSAGE_MAX + 8];

	/* The record keeps PROTO_MESSAGE_MAX bytes of it. */
	(void)snprintf(detail, sizeof(detail), "%s to %s%s%s", e->type, e->url,
	    why != NULL ? ": " : "", why != NULL ? why : "");
	audit_observed_session(what, NULL, e->sid[0] != '\0' ? e->sid : NULL,
	    detail);
}

/* The signer's signature for this attempt: on to the URL with it. */
static void
signed_it(const struct proto_msg *rep, void *arg)
{
	struct event	*e = arg;
	char		 id[PROTO_JTI_MAX + 1], ts[16];
	char		 signature[PROTO_MESSAGE_MAX + 1], why[64];

	if (rep == NULL || rep->status != PROTO_OK ||
	    proto_strcpy(id, sizeof(id), rep->u.webhook_rep.id) == -1 ||
	    proto_strcpy(signature, sizeof(signature),
	    rep->u.webhook_rep.signature) == -1) {
		(void)snprintf(why, sizeof(why), "the signer did not sign it "
		    "(%s)", rep == NULL ? "no answer" :
		    proto_status_name(rep->status));
		delivery_failed(e->d, why);
		return;
	}
	(void)snprintf(ts, sizeof(ts), "%u", rep->u.webhook_rep.timestamp);
	{
		const char *const headers[] = {
			"webhook-id", id,
			"webhook-timestamp", ts,
			"webhook-signature", signature,
			NULL
		};

		delivery_post(e->d, "application/json", e->body, headers);
	}
}

static void
prepare(struct delivery *d, void *arg)
{
	struct event		*e = arg;
	struct proto_msg	 m;

	e->d = d;
	memset(&m, 0, sizeof(m));
	m.type = PROTO_WEBHOOK_SIGN;
	m.u.webhook_req.url = proto_str(e->url);
	m.u.webhook_req.body = proto_str(e->body);
	m.u.webhook_req.grant = proto_str(e->grant);
	if (signer_request(&m, signed_it, e) == -1)
		signed_it(NULL, e);
}

static void
settled(const char *err, int attempts, void *arg)
{
	struct event	*e = arg;
	char		 why[PROTO_MESSAGE_MAX + 1];

	if (err == NULL)
		said(e, PROTO_SEEN_WEBHOOK_DELIVERED, NULL);
	else {
		(void)snprintf(why, sizeof(why), "%d attempts; the last: %s",
		    attempts, err);
		said(e, PROTO_SEEN_WEBHOOK_FAILED, why);
	}
}

static void
release(void *arg)
{
	event_free(arg);
}

static const struct delivery_ops	 ops = { prepare, settled, release };

/* The type and sid the signer wrote in e's body, into e. */
static int
read_body(struct event *e)
{
	json_t		*o, *type, *sid;
	json_error_t	 jerr;
	int		 rc = -1;

	if ((o = json_loads(e->body, 0, &jerr)) == NULL)
		return -1;
	type = json_object_get(o, "type");
	sid = json_object_get(json_object_get(o, "data"), "sid");
	if (json_is_string(type) && json_string_length(type) <
	    sizeof(e->type)) {
		memcpy(e->type, json_string_value(type),
		    json_string_length(type) + 1);
		if (json_is_string(sid) && json_string_length(sid) <
		    sizeof(e->sid))
			memcpy(e->sid, json_string_value(sid),
			    json_string_length(sid) + 1);
		rc = 0;
	}
	json_decref(o);
	return rc;
}

void
webhooks_send(struct proto_str body, struct proto_str grant)
{
	const struct webhook_config	*w;
	struct event			 what, *e;
	const char			*why;
	unsigned int			 bit;
	size_t				 i;

	if (body.len == 0)
		return;
	/* Read once: its type says which webhooks are sent it. */
	memset(&what, 0, sizeof(what));
	if ((what.body = strndup(body.p, body.len)) == NULL ||
	    read_body(&what) == -1) {
		log_warnx("webhooks: an event not sent: out of memory, or not "
		    "the signer's JSON");
		free(what.body);
		return;
	}
	bit = config_webhook_event(what.type);
	for (i = 0; i < fe->conf->nwebhooks; i++) {
		w = &fe->conf->webhooks[i];
		if (!(w->events & bit))
			continue;
		if ((e = calloc(1, sizeof(*e))) == NULL ||
		    (e->url = strdup(w->url)) == NULL ||
		    (e->body = strdup(what.body)) == NULL ||
		    (e->grant = strndup(grant.p, grant.len)) == NULL) {
			log_warnx("webhooks: an event not sent: out of memory");
			if (e != NULL)
				event_free(e);
			continue;
		}
		memcpy(e->type, what.type, sizeof(e->type));
		memcpy(e->sid, what.sid, sizeof(e->sid));
		if (delivery_start(e->url, WEBHOOK_ATTEMPTS, HTTPS_2XX, &ops, e,
		    &why) == -1) {
			said(e, PROTO_SEEN_WEBHOOK_FAILED, why);
			event_free(e);
		}
	}
	free(what.body);
}
