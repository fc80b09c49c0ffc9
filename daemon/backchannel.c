#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_client.h"
#include "backchannel.h"
#include "delivery.h"
#include "frontend.h"
#include "https_client.h"

struct logout {
	char	*form;			/* logout_token=... */
	char	 client_id[PROTO_CLIENT_ID_MAX + 1];
	char	 sid[PROTO_SID_MAX + 1];
};

static void
prepare(struct delivery *d, void *arg)
{
	struct logout	*l = arg;

	delivery_post(d, "application/x-www-form-urlencoded", l->form, NULL);
}

static void
settled(const char *err, int attempts, void *arg)
{
	struct logout	*l = arg;
	char		 why[PROTO_MESSAGE_MAX + 1];

	if (err == NULL)
		audit_observed_session(PROTO_SEEN_LOGOUT_DELIVERED, l->client_id,
		    l->sid, NULL);
	else {
		(void)snprintf(why, sizeof(why), "%d attempts; the last: %s",
		    attempts, err);
		audit_observed_session(PROTO_SEEN_LOGOUT_FAILED, l->client_id,
		    l->sid, why);
	}
}

static void
release(void *arg)
{
	struct logout	*l = arg;

	free(l->form);
	free(l);
}

static const struct delivery_ops	 ops = { prepare, settled, release };

void
backchannel_send(const char *client_id, const char *sid,
    struct proto_str logout_token)
{
	const struct client_config	*app;
	struct logout			*l;
	const char			*why = "out of memory";

	if (logout_token.len == 0)
		return;
	app = config_client(fe->conf, client_id);
	if (app == NULL || app->backchannel_logout_uri == NULL) {
		audit_observed_session(PROTO_SEEN_LOGOUT_FAILED, client_id, sid,
		    "the application has no backchannel_logout_uri now");
		return;
	}
	if ((l = calloc(1, sizeof(*l))) != NULL &&
	    asprintf(&l->form, "logout_token=%.*s", (int)logout_token.len,
	    logout_token.p) == -1)
		l->form = NULL;
	if (l != NULL && l->form != NULL) {
		(void)snprintf(l->client_id, sizeof(l->client_id), "%s",
		    client_id);
		(void)snprintf(l->sid, sizeof(l->sid), "%s", sid);
		/* 200, or 204 from a framework that makes an empty 200 a
		 * 204: Back-Channel Logout 1.0 section 2.8 takes both. */
		if (delivery_start(app->backchannel_logout_uri,
		    BACKCHANNEL_ATTEMPTS, HTTPS_2XX, &ops, l, &why) == 0)
			return;
	}
	if (l != NULL)
		free(l->form);
	free(l);
	audit_observed_session(PROTO_SEEN_LOGOUT_FAILED, client_id, sid, why);
}
