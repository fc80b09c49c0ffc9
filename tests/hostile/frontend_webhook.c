/*
 * Webhooks (PROTO_WEBHOOK_SIGN), attacked as a broken-into front end
 * would: it holds real events the signer built (a followed link's
 * impersonation.started, a refused link's impersonation.denied) and their
 * webhook grants, and asks the signer to sign words of its own under a
 * real grant, a real event for a URL that is no webhook or a webhook not
 * sent that event, a real event under another kind of grant or an altered
 * one.  Only the signer's event, under its own grant, for a webhook sent
 * its type, is signed: its id the grant's, its timestamp now, and its
 * signature the Standard Webhooks one under that webhook's secret, which
 * this program computes itself from the secret it wrote.  An expired
 * grant (WEBHOOK_TTL, 600 s) is not tried: that would take ten minutes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "frontend_peer.h"

/* Sent impersonation.started and .denied; the other only .ended. */
#define HOOK		"http://127.0.0.1:9/hook"
#define ENDED_HOOK	"http://127.0.0.1:9/ended"
#define NOT_A_HOOK	"http://127.0.0.1:9/other"
#define KEY_LEN		32

static unsigned char	 hook_key[KEY_LEN];

/* A real event and its grant, as a reply carried them. */
struct event {
	char	 body[PROTO_WEBHOOK_MAX + 1];
	char	 grant[PROTO_GRANT_MAX + 1];
};

/* What the signer answered to a signature asked for. */
struct signed_event {
	char		 id[PROTO_JTI_MAX + 1];
	uint32_t	 timestamp;
	char		 signature[PROTO_MESSAGE_MAX + 1];
};

/*
 * The two webhooks in guise.json, and their whsec_ secrets (the first of
 * KEY_LEN bytes drawn here, kept to check signatures with) in
 * secrets.json; 0, or -1.
 */
static int
add_webhooks(void)
{
	unsigned char	 other[KEY_LEN];
	char		 path[1100], b64[2][4 * ((KEY_LEN + 2) / 3) + 1];
	char		 whsec[2][sizeof(b64[0]) + 8];
	json_t		*conf, *secrets;
	int		 rc = -1;

	if (RAND_bytes(hook_key, sizeof(hook_key)) != 1 ||
	    RAND_bytes(other, sizeof(other)) != 1)
		return -1;
	EVP_EncodeBlock((unsigned char *)b64[0], hook_key, KEY_LEN);
	EVP_EncodeBlock((unsigned char *)b64[1], other, KEY_LEN);
	snprintf(whsec[0], sizeof(whsec[0]), "whsec_%s", b64[0]);
	snprintf(whsec[1], sizeof(whsec[1]), "whsec_%s", b64[1]);

	snprintf(path, sizeof(path), "%s/guise.json", dir);
	if ((conf = json_load_file(path, 0, NULL)) == NULL)
		return -1;
	if (json_object_set_new(conf, "webhooks", json_pack("[{s:s, s:[s,s]}, "
	    "{s:s, s:[s]}]", "url", HOOK, "events", "impersonation.started",
	    "impersonation.denied", "url", ENDED_HOOK, "events",
	    "impersonation.ended")) == 0 &&
	    json_dump_file(conf, path, JSON_INDENT(2)) == 0)
		rc = 0;
	json_decref(conf);
	if (rc == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/secrets.json", dir);
	if ((secrets = json_load_file(path, 0, NULL)) == NULL ||
	    json_object_set_new(secrets, "webhook:" HOOK,
	    json_string(whsec[0])) == -1 ||
	    json_object_set_new(secrets, "webhook:" ENDED_HOOK,
	    json_string(whsec[1])) == -1 ||
	    json_dump_file(secrets, path, 0) == -1)
		rc = -1;
	json_decref(secrets);
	return rc;
}

/* PROTO_WEBHOOK_SIGN of body under grant for url: the status, and *out. */
static uint32_t
sign_event(const char *url, const char *body, const char *grant,
    struct signed_event *out)
{
	struct proto_msg	 req, rep;

	memset(&req, 0, sizeof(req));
	req.type = PROTO_WEBHOOK_SIGN;
	req.id = next_id++;
	req.u.webhook_req.url = proto_str(url);
	req.u.webhook_req.body = proto_str(body);
	req.u.webhook_req.grant = proto_str(grant);
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (request(&s, &req, &rep) == -1 || rep.type != PROTO_WEBHOOK_SIGN)
		return (uint32_t)-1;
	if (rep.status == PROTO_OK && out != NULL && (copy_field(out->id,
	    sizeof(out->id), rep.u.webhook_rep.id) == -1 ||
	    copy_field(out->signature, sizeof(out->signature),
	    rep.u.webhook_rep.signature) == -1))
		return (uint32_t)-1;
	if (out != NULL)
		out->timestamp = rep.u.webhook_rep.timestamp;
	return rep.status;
}

/*
 * A code-flow link followed: its impersonation.started in *ev, the link
 * in *link, its code in *code and the session's sid and grant in *sess
 * (sid as the secret); 0, or -1.
 */
static int
started(struct event *ev, struct sealed *link, struct sealed *code,
    struct sealed *sess)
{
	struct proto_msg	 req, rep;
	char			 rule[64];
	uint32_t		 st;

	if (ask_link(bearer, CUSTOMER, "storefront", CALLBACK, 1, link, rule,
	    sizeof(rule), &st) != 0)
		return -1;
	memset(&req, 0, sizeof(req));
	req.type = PROTO_FOLLOW;
	req.id = next_id++;
	req.u.follow_req.ticket = proto_str(link->secret);
	req.u.follow_req.grant = proto_str(link->grant);
	req.u.follow_req.impersonator_id = proto_str(SUPPORT);
	req.u.follow_req.ip = proto_str("127.0.0.1");
	req.u.follow_req.user_agent = proto_str("peer");
	if (request(&s, &req, &rep) == -1 || rep.status != PROTO_OK ||
	    copy_field(ev->body, sizeof(ev->body), rep.u.follow_rep.webhook) ==
	    -1 || copy_field(ev->grant, sizeof(ev->grant),
	    rep.u.follow_rep.webhook_grant) == -1 ||
	    copy_field(code->secret, sizeof(code->secret),
	    rep.u.follow_rep.code) == -1 || copy_field(code->grant,
	    sizeof(code->grant), rep.u.follow_rep.grant) == -1 ||
	    copy_field(sess->secret, sizeof(sess->secret),
	    rep.u.follow_rep.sid) == -1 || copy_field(sess->grant,
	    sizeof(sess->grant), rep.u.follow_rep.session) == -1)
		return -1;
	return ev->body[0] != '\0' && ev->grant[0] != '\0' ? 0 : -1;
}

/* A link to a protected admin, refused: its impersonation.denied. */
static int
denied(struct event *ev)
{
	struct proto_msg	 req, rep;

	memset(&req, 0, sizeof(req));
	req.type = PROTO_LINK;
	req.id = next_id++;
	req.u.link_req.bearer = proto_str(bearer);
	req.u.link_req.user_id = proto_str(ADMIN);
	req.u.link_req.impersonator_id = proto_str(SUPPORT);
	req.u.link_req.client_id = proto_str("storefront");
	req.u.link_req.callback_url = proto_str(CALLBACK);
	req.u.link_req.response_type = 1;
	req.u.link_req.scope = proto_str("openid");
	req.u.link_req.nonce = proto_str("n");
	req.u.link_req.reason = proto_str("ticket 4711");
	req.u.link_req.ip = proto_str("127.0.0.1");
	req.u.link_req.user_agent = proto_str("peer");
	if (request(&s, &req, &rep) == -1 || rep.status != PROTO_OK ||
	    rep.u.link_rep.rule.len == 0 || copy_field(ev->body,
	    sizeof(ev->body), rep.u.link_rep.webhook) == -1 ||
	    copy_field(ev->grant, sizeof(ev->grant),
	    rep.u.link_rep.webhook_grant) == -1)
		return -1;
	return ev->body[0] != '\0' && ev->grant[0] != '\0' ? 0 : -1;
}

/* Whether sig is v1, and the base64 of HMAC-SHA256 of id.ts.body. */
static int
signature_holds(const struct signed_event *se, const char *body)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	char		*text, want[3 + 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
	int		 n, ok;

	n = asprintf(&text, "%s.%u.%s", se->id, (unsigned int)se->timestamp,
	    body);
	if (n < 0)
		return 0;
	ok = HMAC(EVP_sha256(), hook_key, KEY_LEN, (unsigned char *)text,
	    (size_t)n, mac, &maclen) != NULL && maclen == 32;
	free(text);
	if (!ok)
		return 0;
	memcpy(want, "v1,", 3);
	EVP_EncodeBlock((unsigned char *)want + 3, mac, (int)maclen);
	return strcmp(se->signature, want) == 0;
}

/* Whether id is msg_ and 22 characters of base64url. */
static int
id_holds(const char *id)
{
	return strlen(id) == 4 + 22 && strncmp(id, "msg_", 4) == 0 &&
	    strspn(id + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") == 22;
}

/* (a) Words of the front end's own, under the real grant. */
static void
test_own_words(const struct event *ev)
{
	char		 body[PROTO_WEBHOOK_MAX + 1];
	uint32_t	 st;
	size_t		 i, len = strlen(ev->body);
	int		 all = 1;

	for (i = 0; i < len; i++) {
		memcpy(body, ev->body, len + 1);
		body[i] ^= 0x01;
		st = sign_event(HOOK, body, ev->grant, NULL);
		if (st != PROTO_ERR_INVALID_GRANT) {
			diag("byte %zu of the body changed: %s", i,
			    proto_status_name(st));
			all = 0;
		}
	}
	CHECK(all, "the real event with any one of its %zu bytes changed, "
	    "under its real grant: refused, every time", len);
	st = sign_event(HOOK, "{\"type\":\"impersonation.started\","
	    "\"timestamp\":\"2026-12-04T16:00:00.000Z\",\"data\":{\"user_id\":"
	    "\"" ADMIN "\",\"impersonator_id\":\"" SUPPORT "\"}}", ev->grant,
	    NULL);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "an event of the front end's own "
	    "making under the real grant: refused (%s)",
	    proto_status_name(st));
	snprintf(body, sizeof(body), "%s ", ev->body);
	st = sign_event(HOOK, body, ev->grant, NULL);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "the real event with a space "
	    "after it: refused (%s)", proto_status_name(st));
	memcpy(body, ev->body, len + 1);
	body[len - 1] = '\0';
	st = sign_event(HOOK, body, ev->grant, NULL);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "the real event cut by a byte: "
	    "refused (%s)", proto_status_name(st));
	st = sign_event(HOOK, "", ev->grant, NULL);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "no event at all under the real "
	    "grant: refused (%s)", proto_status_name(st));
}

/* (b) The real event for a URL that is no webhook, or not sent it. */
static void
test_not_its_webhook(const struct event *ev)
{
	uint32_t	 st;

	st = sign_event(NOT_A_HOOK, ev->body, ev->grant, NULL);
	CHECK(st == PROTO_ERR_REQUEST, "the real event and grant for a URL "
	    "that is no webhook: refused (%s)", proto_status_name(st));
	st = sign_event(ENDED_HOOK, ev->body, ev->grant, NULL);
	CHECK(st == PROTO_ERR_REQUEST, "the real impersonation.started for a "
	    "webhook sent only impersonation.ended: refused (%s)",
	    proto_status_name(st));
	st = sign_event(HOOK "/", ev->body, ev->grant, NULL);
	CHECK(st == PROTO_ERR_REQUEST, "for the webhook's URL with a slash "
	    "more: refused (%s)", proto_status_name(st));
	st = sign_event("", ev->body, ev->grant, NULL);
	CHECK(st == PROTO_ERR_REQUEST, "for no URL: refused (%s)",
	    proto_status_name(st));
}

/* (c) Grants of other kinds as the event's. */
static void
test_other_grants(const struct event *ev, const struct sealed *link,
    const struct sealed *code, const struct sealed *sess)
{
	uint32_t	 st;
	int		 all;

	/* With the real event, and under what each travels under. */
	st = sign_event(HOOK, ev->body, sess->grant, NULL);
	all = st == PROTO_ERR_INVALID_GRANT;
	st = sign_event(HOOK, sess->secret, sess->grant, NULL);
	CHECK(all && st == PROTO_ERR_INVALID_GRANT, "the session's grant as "
	    "the event's, with the event and with its sid: refused (%s)",
	    proto_status_name(st));
	st = sign_event(HOOK, ev->body, link->grant, NULL);
	all = st == PROTO_ERR_INVALID_GRANT;
	st = sign_event(HOOK, link->secret, link->grant, NULL);
	CHECK(all && st == PROTO_ERR_INVALID_GRANT, "the link's grant as the "
	    "event's, with the event and with its ticket: refused (%s)",
	    proto_status_name(st));
	st = sign_event(HOOK, ev->body, code->grant, NULL);
	all = st == PROTO_ERR_INVALID_GRANT;
	st = sign_event(HOOK, code->secret, code->grant, NULL);
	CHECK(all && st == PROTO_ERR_INVALID_GRANT, "the code's grant as the "
	    "event's, with the event and with its code: refused (%s)",
	    proto_status_name(st));
	st = sign_event(HOOK, ev->body, "", NULL);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "the real event with no grant: "
	    "refused (%s)", proto_status_name(st));
}

/* (d) The real grant with one byte of it altered. */
static void
test_altered_grant(const struct event *ev)
{
	char		 bad[PROTO_GRANT_MAX + 1];
	uint32_t	 st;
	size_t		 i, len = strlen(ev->grant) * 3 / 4;
	int		 all = 1;

	for (i = 0; i < len; i++) {
		altered(ev->grant, i, bad, sizeof(bad));
		st = sign_event(HOOK, ev->body, bad, NULL);
		if (st != PROTO_ERR_INVALID_GRANT) {
			diag("byte %zu of the grant altered: %s", i,
			    proto_status_name(st));
			all = 0;
		}
	}
	CHECK(all, "the real event under its grant with any one of its %zu "
	    "bytes altered: refused, every time", len);
}

/* (e) The real request: signed as Standard Webhooks says, each time. */
static void
test_signed(const struct event *ev, const char *what)
{
	struct signed_event	 a, b;
	long long		 now;
	uint32_t		 st;

	st = sign_event(HOOK, ev->body, ev->grant, &a);
	now = (long long)time(NULL);
	CHECK(st == PROTO_OK && id_holds(a.id) &&
	    (long long)a.timestamp >= now - 5 &&
	    (long long)a.timestamp <= now + 5 && signature_holds(&a, ev->body),
	    "%s, for the webhook sent it: signed (%s); its id msg_ and 22 "
	    "base64url characters, its timestamp now, its signature v1, and "
	    "HMAC-SHA256 of id.timestamp.body under the webhook's secret",
	    what, proto_status_name(st));
	sleep(1);
	st = sign_event(HOOK, ev->body, ev->grant, &b);
	CHECK(st == PROTO_OK && strcmp(a.id, b.id) == 0 &&
	    b.timestamp > a.timestamp && strcmp(a.signature, b.signature) !=
	    0 && signature_holds(&b, ev->body), "%s, a second later: the same "
	    "id, a later timestamp, another signature that holds (%s)", what,
	    proto_status_name(st));
}

void
test_webhooks(void)
{
	struct event	 ev, deny;
	struct sealed	 link, code, sess;

	if (add_webhooks() == -1 || crash_and_restart(0) == -1 ||
	    started(&ev, &link, &code, &sess) == -1) {
		CHECK(0, "two webhooks with their secrets, a new signer, a "
		    "followed link's impersonation.started");
		return;
	}
	CHECK(strstr(ev.body, "\"type\":\"impersonation.started\"") != NULL,
	    "a followed link's reply carries impersonation.started and its "
	    "grant");
	test_own_words(&ev);
	test_not_its_webhook(&ev);
	test_other_grants(&ev, &link, &code, &sess);
	test_altered_grant(&ev);
	test_signed(&ev, "the real impersonation.started and its grant");
	if (denied(&deny) == -1) {
		CHECK(0, "a refused link's impersonation.denied");
		return;
	}
	CHECK(strstr(deny.body, "\"type\":\"impersonation.denied\"") != NULL,
	    "a refused link's reply carries impersonation.denied");
	test_signed(&deny, "the real impersonation.denied and its grant");
	{
		uint32_t	 st;

		st = sign_event(HOOK, deny.body, ev.grant, NULL);
		CHECK(st == PROTO_ERR_INVALID_GRANT, "impersonation.denied "
		    "under the grant of impersonation.started: refused (%s)",
		    proto_status_name(st));
		st = sign_event(ENDED_HOOK, deny.body, deny.grant, NULL);
		CHECK(st == PROTO_ERR_REQUEST, "impersonation.denied for the "
		    "webhook sent only .ended: refused (%s)",
		    proto_status_name(st));
	}
}
