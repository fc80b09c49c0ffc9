#include <stdio.h>
#include <string.h>

#include <event2/http.h>

#include "audit_client.h"
#include "frontend.h"
#include "http.h"

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

int
audit_send(const struct audit_event *ev, signer_cb cb, void *arg)
{
	struct proto_msg	 m;
	char			 ip[SOURCE_MAX];

	memset(&m, 0, sizeof(m));
	m.type = PROTO_AUDIT;
	m.u.audit_req.event = field(ev->event, PROTO_EVENT_MAX);
	m.u.audit_req.outcome = field(ev->outcome, PROTO_EVENT_MAX);
	m.u.audit_req.rule = field(ev->rule, PROTO_EVENT_MAX);
	m.u.audit_req.impersonator_id = field(ev->impersonator_id,
	    PROTO_USER_ID_MAX);
	m.u.audit_req.user_id = field(ev->user_id, PROTO_USER_ID_MAX);
	m.u.audit_req.client_id = field(ev->client_id, PROTO_CLIENT_ID_MAX);
	m.u.audit_req.caller = field(ev->caller, PROTO_CLIENT_ID_MAX);
	m.u.audit_req.reason = field(ev->reason, PROTO_REASON_MAX);
	audit_origin(ev->from, ip, &m.u.audit_req.ip,
	    &m.u.audit_req.user_agent);
	if (ev->from == NULL)
		m.u.audit_req.ip = field(ev->ip, PROTO_IP_MAX);
	m.u.audit_req.link_hash = field(ev->link_hash, PROTO_HASH_MAX);
	m.u.audit_req.code_hash = field(ev->code_hash, PROTO_HASH_MAX);
	m.u.audit_req.revoked = field(ev->revoked, PROTO_JTI_MAX);
	m.u.audit_req.detail = field(ev->detail, PROTO_DETAIL_MAX);
	m.u.audit_req.count = ev->count;
	return signer_request(&m, cb, arg);
}
