#include <stdio.h>
#include <string.h>

#include <event2/http.h>

#include "audit_client.h"
#include "frontend.h"
#include "http.h"
#include "log.h"

/* A string field, cut to its maximum: the log keeps what it can. */
static struct proto_str
field(const char *s, size_t max)
{
	struct proto_str	 v = proto_str(s ? s : "");

	if (v.len > max)
		v.len = (uint16_t)max;
	return v;
}

void
audit_source(struct evhttp_request *req, char ipbuf[SOURCE_MAX])
{
	const char	*why;
	char		*routed = http_routing_source(req);

	if (routed != NULL && routed[0] != '\0') {
		memcpy(ipbuf, routed, SOURCE_MAX);
		return;
	}
	/*
	 * route() has read the headers already; only a reload since (the
	 * signer's answer comes later), trusting other proxies, can make
	 * them refused now: then the peer is all that is sure.
	 */
	if (source_of(req, fe->conf, ipbuf, SOURCE_MAX, &why) == -1)
		(void)source_of(req, NULL, ipbuf, SOURCE_MAX, &why);
	if (routed != NULL)
		memcpy(routed, ipbuf, SOURCE_MAX);
}

void
audit_origin(struct evhttp_request *req, char ipbuf[SOURCE_MAX],
    struct proto_str *ip, struct proto_str *user_agent)
{
	const char	*agent = NULL;

	ipbuf[0] = '\0';
	if (req != NULL) {
		audit_source(req, ipbuf);
		agent = evhttp_find_header(evhttp_request_get_input_headers(req),
		    "User-Agent");
	}
	*ip = field(ipbuf, PROTO_IP_MAX);
	*user_agent = field(agent, PROTO_AGENT_MAX);
}

static int
observed(enum proto_observed what, const char *client_id, const char *ip,
    unsigned int count, const char *sid, const char *detail, signer_cb cb,
    void *arg)
{
	struct proto_msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = PROTO_OBSERVED;
	m.u.observed_req.what = what;
	m.u.observed_req.client_id = field(client_id, PROTO_CLIENT_ID_MAX);
	m.u.observed_req.ip = field(ip, PROTO_IP_MAX);
	m.u.observed_req.count = count;
	m.u.observed_req.sid = field(sid, PROTO_SID_MAX);
	m.u.observed_req.detail = field(detail, PROTO_MESSAGE_MAX);
	return signer_request(&m, cb, arg);
}

int
audit_observed(enum proto_observed what, const char *client_id,
    const char *ip, unsigned int count, signer_cb cb, void *arg)
{
	return observed(what, client_id, ip, count, NULL, NULL, cb, arg);
}

/* Nobody waits for it: a record that could not be written is said here. */
static void
observed_session(const struct proto_msg *rep, void *arg)
{
	(void)arg;
	if (rep == NULL || rep->status != PROTO_OK)
		log_warnx("a delivery the signer did not record");
}

void
audit_observed_session(enum proto_observed what, const char *client_id,
    const char *sid, const char *detail)
{
	if (observed(what, client_id, NULL, 0, sid, detail, observed_session,
	    NULL) == -1)
		observed_session(NULL, NULL);
}
