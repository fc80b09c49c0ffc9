#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "b64url.h"
#include "grant_text.h"
#include "hex.h"
#include "log.h"
#include "random.h"
#include "secrets.h"
#include "webhook.h"

#define MSG_ID_BYTES	16

static const struct config	*conf;

/* What a reply points into: valid until the next request is answered. */
static char	 body_out[PROTO_WEBHOOK_MAX + 1];
static char	 grant_out[PROTO_GRANT_MAX + 1];
static char	 id_out[sizeof("msg_") + B64URL_ENCODED_LEN(MSG_ID_BYTES)];
static char	 signature_out[sizeof("v1,") + 4 * ((EVP_MAX_MD_SIZE + 2) / 3)];
/* What is signed: id.timestamp.body. */
static char	 signed_text[sizeof(id_out) + 24 + PROTO_WEBHOOK_MAX];

static const struct {
	unsigned int	 bit;
	const char	*name;
} types[] = {
	{ WEBHOOK_STARTED,	"impersonation.started" },
	{ WEBHOOK_ENDED,	"impersonation.ended" },
	{ WEBHOOK_DENIED,	"impersonation.denied" },
};

void
webhook_init(const struct config *c)
{
	conf = c;
}

static const char *
type_name(unsigned int bit)
{
	size_t	 i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].bit == bit)
			return types[i].name;
	return NULL;
}

/* The webhook at url, if it is sent events of type bit; or NULL. */
static const struct webhook_config *
subscribed(const char *url, unsigned int bit)
{
	size_t	 i;

	for (i = 0; i < conf->nwebhooks; i++)
		if ((url == NULL || strcmp(conf->webhooks[i].url, url) == 0) &&
		    (conf->webhooks[i].events & bit))
			return &conf->webhooks[i];
	return NULL;
}

/* Now, in RFC 3339 UTC with milliseconds, as the audit log writes it. */
static void
now_text(char out[32])
{
	struct timespec	 ts;
	struct tm	 tm;
	size_t		 n;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	(void)gmtime_r(&ts.tv_sec, &tm);
	n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	(void)snprintf(out + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

uint32_t
webhook_event(unsigned int type, json_t *data, struct proto_str *body,
    struct proto_str *grant)
{
	static struct seldom	 too_long;
	struct grant		 g;
	json_t			*event;
	char			 when[32], *text;

	if (data == NULL)
		return PROTO_ERR_INTERNAL;
	if (subscribed(NULL, type) == NULL) {
		json_decref(data);
		return PROTO_OK;
	}
	now_text(when);
	/* Standard Webhooks' payload: type, timestamp, data. */
	if ((event = json_pack("{s:s, s:s, s:o}", "type", type_name(type),
	    "timestamp", when, "data", data)) == NULL)
		return PROTO_ERR_INTERNAL;
	text = json_dumps(event, JSON_COMPACT);
	json_decref(event);
	if (text == NULL)
		return PROTO_ERR_INTERNAL;
	if (strlen(text) > PROTO_WEBHOOK_MAX) {
		free(text);
		warn_seldom(&too_long, "a webhook event is too long to send");
		return PROTO_OK;
	}
	memcpy(body_out, text, strlen(text) + 1);
	free(text);
	/* A new id (the webhook-id), under the body's SHA-256. */
	memset(&g, 0, sizeof(g));
	g.kind = GRANT_KIND_WEBHOOK;
	g.exp = time(NULL) + WEBHOOK_TTL;
	memcpy(g.scope, type_name(type), strlen(type_name(type)) + 1);
	if (random_draw(g.id, sizeof(g.id)) == -1 ||
	    sha256(body_out, strlen(body_out), g.ticket_hash) == -1 ||
	    grant_to_text(&g, grant_out) == -1)
		return PROTO_ERR_INTERNAL;
	*body = proto_str(body_out);
	*grant = proto_str(grant_out);
	return PROTO_OK;
}

/*
 * PROTO_WEBHOOK_SIGN: the event's grant must be the signer's, for this
 * body, alive, of a type the webhook at url is sent; then its id (the
 * grant's, the same at every attempt), now, and the Standard Webhooks
 * signature: v1, and the base64 of HMAC-SHA256 under the webhook's secret
 * over id.timestamp.body.
 */
uint32_t
answer_webhook_sign(const struct proto_msg *req, struct proto_msg *rep)
{
	const unsigned char	*key;
	unsigned char		 mac[EVP_MAX_MD_SIZE];
	unsigned int		 maclen = 0;
	struct grant		 g;
	char			 url[PROTO_URL_MAX + 1];
	long long		 now = time(NULL);
	size_t			 keylen;
	int			 n;

	if (FIELD(url, req->u.webhook_req.url) == -1 ||
	    grant_from_text(req->u.webhook_req.grant, GRANT_KIND_WEBHOOK, &g) ==
	    -1 || !grant_travels_under(&g, req->u.webhook_req.body) ||
	    g.exp <= now)
		return PROTO_ERR_INVALID_GRANT;
	if (subscribed(url, config_webhook_event(g.scope)) == NULL ||
	    (key = secrets_webhook(url, &keylen)) == NULL)
		return PROTO_ERR_REQUEST;
	memcpy(id_out, "msg_", 4);
	b64url_encode(id_out + 4, g.id, MSG_ID_BYTES);
	n = snprintf(signed_text, sizeof(signed_text), "%s.%lld.", id_out, now);
	if (n < 0 || (size_t)n + req->u.webhook_req.body.len >
	    sizeof(signed_text))
		return PROTO_ERR_INTERNAL;
	memcpy(signed_text + n, req->u.webhook_req.body.p,
	    req->u.webhook_req.body.len);
	if (HMAC(EVP_sha256(), key, (int)keylen,
	    (const unsigned char *)signed_text,
	    (size_t)n + req->u.webhook_req.body.len, mac, &maclen) == NULL)
		return PROTO_ERR_INTERNAL;
	memcpy(signature_out, "v1,", 3);
	(void)EVP_EncodeBlock((unsigned char *)signature_out + 3, mac,
	    (int)maclen);
	OPENSSL_cleanse(mac, sizeof(mac));
	rep->u.webhook_rep.id = proto_str(id_out);
	rep->u.webhook_rep.timestamp = (uint32_t)now;
	rep->u.webhook_rep.signature = proto_str(signature_out);
	return PROTO_OK;
}
