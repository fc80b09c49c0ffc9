/*
 * The configuration parser: the shipped example parses to the values it
 * says, defaults are filled in, and each bad input is refused with a
 * message that names the key path and the problem.
 *
 * Usage: test_config [etc/guise.json]
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "config.h"

#define NAME	"test.json"
#define CFGDIR	"/etc/guise"

/* The members of a small valid configuration, in order. */
enum field {
	F_ISSUER, F_LISTEN, F_USERS, F_AUDIT, F_SIGNER, F_CLIENTS,
	F__MAX
};
#define F_NONE	F__MAX

static const char *const base[F__MAX] = {
	"\"issuer\": \"https://id.example/\"",
	"\"listen\": [{\"address\": \"127.0.0.1\", \"port\": 8080}]",
	"\"users_file\": \"users.json\"",
	"\"audit\": {\"path\": \"audit.log\"}",
	("\"signer\": {\"keys\": [{\"kid\": \"k1\", \"alg\": \"ES256\", "
	    "\"file\": \"k1.pem\"}], \"active_kid\": \"k1\", "
	    "\"secrets_file\": \"secrets.json\", "
	    "\"audit_key_file\": \"audit.key\", "
	    "\"grant_key_file\": \"grant.key\"}"),
	("\"clients\": [{\"client_id\": \"c1\", "
	    "\"grant_types\": [\"client_credentials\"]}]"),
};

#define KEY(kid, alg)	"{\"kid\": \"" kid "\", \"alg\": \"" alg "\", " \
			"\"file\": \"k.pem\"}"
#define SIGNER(keys, active) "\"signer\": {\"keys\": [" keys "], " \
			"\"active_kid\": \"" active "\", " \
			"\"secrets_file\": \"s.json\", " \
			"\"audit_key_file\": \"a.key\", " \
			"\"grant_key_file\": \"g.key\"}"
#define LISTEN(addr, port) "\"listen\": [{\"address\": \"" addr "\", " \
			"\"port\": " port "}]"
#define CLIENTS(...)	"\"clients\": [" __VA_ARGS__ "]"
#define IMP(...)	"\"impersonation\": {" __VA_ARGS__ "}"
#define PROXIES(...)	"\"trusted_proxies\": [" __VA_ARGS__ "]"

/*
 * The small configuration with member f replaced by piece ("" drops it)
 * and extra, when not NULL, appended as one more member.
 */
static const char *
cfg(enum field f, const char *piece, const char *extra)
{
	static char	 buf[8192];
	const char	*m;
	size_t		 len = 0;
	int		 i, n;

	buf[len++] = '{';
	for (i = 0; i <= F__MAX; i++) {
		if (i == F__MAX)
			m = extra;
		else
			m = (i == (int)f) ? piece : base[i];
		if (m == NULL || *m == '\0')
			continue;
		n = snprintf(buf + len, sizeof(buf) - len, "%s%s",
		    len > 1 ? ", " : "", m);
		if (n < 0 || (size_t)n >= sizeof(buf) - len)
			abort();
		len += (size_t)n;
	}
	if (len + 2 > sizeof(buf))
		abort();
	buf[len++] = '}';
	buf[len] = '\0';
	return buf;
}

static struct config *
parse(const char *text, const char *dir, char *err, size_t errlen)
{
	return config_parse(text, strlen(text), NAME, dir, err, errlen);
}

/* json must be refused with "test.json: ..." naming keypath and word. */
static void
expect_error(const char *text, const char *keypath, const char *word)
{
	struct config	*c;
	char		 err[512] = "";

	c = parse(text, CFGDIR, err, sizeof(err));
	CHECK(c == NULL && strncmp(err, NAME ": ", strlen(NAME ": ")) == 0 &&
	    strstr(err, keypath) != NULL && strstr(err, word) != NULL,
	    "refused [%s] [%s]: %s", keypath, word, err);
	config_free(c);
}

static void
test_bad_proxies(void)
{
	static const char *const bad[] = { "::1/129", "localhost",
	    "10.0.0.0/", "10.0.0.0/08", "10.0.0.0/+8", "10.0.0.0/-1",
	    "10.0.0.0/8/8", "10.0.0.0 /8", " 10.0.0.1", "10.0.0.1 ", "10.1",
	    "010.0.0.1", "fe80::1%eth0", "[::1]", "::1/0128", "1.2.3.4/32x",
	    "/8", "10.0.0.0/1000" };
	char	 text[8192];
	size_t	 i, len;

	expect_error(cfg(F_NONE, NULL, PROXIES("\"127.0.0.1\", "
	    "\"10.0.0.0/33\"")), "trusted_proxies[1]: \"10.0.0.0/33\"",
	    "is not an address or CIDR range");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		(void)snprintf(text, sizeof(text), PROXIES("\"%s\""), bad[i]);
		expect_error(cfg(F_NONE, NULL, text), "trusted_proxies[0]",
		    "is not an address or CIDR range");
	}
	expect_error(cfg(F_NONE, NULL, PROXIES("\"10.0.0.1/8\"")),
	    "trusted_proxies[0]: \"10.0.0.1/8\"", "host bits set");
	expect_error(cfg(F_NONE, NULL, PROXIES("\"fd00::1/8\"")),
	    "trusted_proxies[0]", "host bits set");
	expect_error(cfg(F_NONE, NULL, PROXIES("\"192.168.1.128/24\"")),
	    "trusted_proxies[0]", "host bits set");
	expect_error(cfg(F_NONE, NULL, PROXIES("\"\"")),
	    "trusted_proxies[0]", "empty");
	expect_error(cfg(F_NONE, NULL, PROXIES("\"::1\", 8")),
	    "trusted_proxies[1]", "string");
	expect_error(cfg(F_NONE, NULL, "\"trusted_proxies\": \"127.0.0.1\""),
	    "trusted_proxies", "array");
	/* One more than CONFIG_PROXIES_MAX. */
	len = (size_t)snprintf(text, sizeof(text), "\"trusted_proxies\": [");
	for (i = 0; i <= CONFIG_PROXIES_MAX; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "%s\"10.0.%zu.%zu\"", i ? ", " : "", i / 256, i % 256);
	(void)snprintf(text + len, sizeof(text) - len, "]");
	expect_error(cfg(F_NONE, NULL, text), "trusted_proxies", "more than");
}

/*
 * A client with the members given after its client_id (the grant types
 * among them), as the one client of the small configuration.
 */
#define CLIENT(...)	CLIENTS("{\"client_id\": \"a\", " __VA_ARGS__ "}")
/* One that may log in through a browser. */
#define WEB_CLIENT(...)	CLIENT("\"grant_types\": " \
			"[\"authorization_code\"], " \
			"\"callbacks\": [\"https://a.example/cb\"], " \
			__VA_ARGS__)
#define START(url)	"\"initiate_login_uri\": \"" url "\""
#define PUBLIC		"\"token_endpoint_auth_method\": \"none\""

/* An application that starts its own login: each rule of its URLs. */
static void
test_bad_login_start(void)
{
	static const char *const off_loopback[] = {
	    "http://a.example/login", "http://10.0.0.1/login",
	    "http://128.0.0.1/login", "http://localhostx/login",
	    "http://x.localhost/login", "http://[::2]/login",
	    "http://[fe80::1]:3000/login",
	    /* Names, not addresses: DNS puts them anywhere. */
	    "http://127.example/login", "http://127.0.0.1.example/login",
	    "http://127.0.0.1x/login", "http://127.0.0.1.:3001/login",
	    "http://[::1]x/login", "http://[::1].example/login" };
	char	 text[1024];
	size_t	 i;

	for (i = 0; i < sizeof(off_loopback) / sizeof(off_loopback[0]); i++) {
		(void)snprintf(text, sizeof(text), WEB_CLIENT(START("%s")),
		    off_loopback[i]);
		expect_error(cfg(F_CLIENTS, text, NULL),
		    "clients[0].initiate_login_uri", "loopback");
	}
	expect_error(cfg(F_CLIENTS, WEB_CLIENT(START("ftp://a.example/l")),
	    NULL), "clients[0].initiate_login_uri", "http");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT(START("/login")), NULL),
	    "clients[0].initiate_login_uri", "http");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT(START("https://a.example/l#x")),
	    NULL), "clients[0].initiate_login_uri", "fragment");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT(START("https://u@a.example/")),
	    NULL), "clients[0].initiate_login_uri", "user information");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT(START("https:///login")),
	    NULL), "clients[0].initiate_login_uri", "host");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT("\"initiate_login_uri\": 1"),
	    NULL), "clients[0].initiate_login_uri", "string");
	expect_error(cfg(F_CLIENTS, CLIENT("\"grant_types\": "
	    "[\"client_credentials\"], " START("https://a.example/login")),
	    NULL), "clients[0].initiate_login_uri",
	    "authorization_code or implicit");

	expect_error(cfg(F_CLIENTS, WEB_CLIENT("\"target_link_uri\": "
	    "\"https://a.example/\""), NULL), "clients[0].target_link_uri",
	    "needs initiate_login_uri");
	expect_error(cfg(F_CLIENTS, CLIENT("\"grant_types\": "
	    "[\"client_credentials\"], \"target_link_uri\": "
	    "\"https://a.example/\""), NULL), "clients[0].target_link_uri",
	    "needs initiate_login_uri");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT(START("https://a.example/l")
	    ", \"target_link_uri\": \"http://a.example/\""), NULL),
	    "clients[0].target_link_uri", "loopback");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT(START("https://a.example/l")
	    ", \"target_link_uri\": \"https://a.example/#top\""), NULL),
	    "clients[0].target_link_uri", "fragment");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT(START("https://a.example/l")
	    ", \"target_link_uri\": 7"), NULL),
	    "clients[0].target_link_uri", "string");
}

/* Webhooks: each rule of their URL and events. */
#define WEBHOOKS(...)	"\"webhooks\": [" __VA_ARGS__ "]"
#define HOOK(url, events) "{\"url\": \"" url "\", \"events\": [" events "]}"
static void
test_bad_webhooks(void)
{
	struct config	*c;
	char		 many[2048], err[512] = "";
	size_t		 i, n;

	expect_error(cfg(F_NONE, NULL, WEBHOOKS(HOOK("http://a.example/h",
	    "\"impersonation.started\""))), "webhooks[0].url", "loopback");
	expect_error(cfg(F_NONE, NULL, WEBHOOKS(HOOK("https://a.example/h#x",
	    "\"impersonation.started\""))), "webhooks[0].url", "fragment");
	expect_error(cfg(F_NONE, NULL, WEBHOOKS(HOOK("https://a.example/h",
	    ""))), "webhooks[0].events", "empty");
	expect_error(cfg(F_NONE, NULL, WEBHOOKS(HOOK("https://a.example/h",
	    "\"impersonation.requested\""))), "webhooks[0].events[0]",
	    "unknown event");
	expect_error(cfg(F_NONE, NULL, WEBHOOKS(HOOK("https://a.example/h",
	    "\"impersonation.ended\", 3"))), "webhooks[0].events[1]", "string");
	expect_error(cfg(F_NONE, NULL, WEBHOOKS(HOOK("https://a.example/h",
	    "\"impersonation.ended\"") ", " HOOK("https://a.example/h",
	    "\"impersonation.started\""))), "webhooks[1].url", "another");
	expect_error(cfg(F_NONE, NULL, WEBHOOKS("{\"url\": \"https://a.example/"
	    "h\", \"events\": [\"impersonation.ended\"], \"secret\": \"x\"}")),
	    "webhooks[0].secret", "unknown");
	n = (size_t)snprintf(many, sizeof(many), "\"webhooks\": [");
	for (i = 0; i <= WEBHOOKS_MAX; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%s{\"url\": "
		    "\"https://a.example/%zu\", \"events\": "
		    "[\"impersonation.ended\"]}", i > 0 ? ", " : "", i);
	(void)snprintf(many + n, sizeof(many) - n, "]");
	expect_error(cfg(F_NONE, NULL, many), "webhooks", "more than 16");

	c = parse(cfg(F_NONE, NULL, WEBHOOKS(HOOK("http://127.0.0.1:8080/h",
	    "\"impersonation.ended\", \"impersonation.denied\""))), NULL, err,
	    sizeof(err));
	CHECK(c != NULL && c->nwebhooks == 1 &&
	    strcmp(c->webhooks[0].url, "http://127.0.0.1:8080/h") == 0 &&
	    c->webhooks[0].events == (WEBHOOK_ENDED | WEBHOOK_DENIED),
	    "a webhook on loopback, sent two events: %s", err);
	config_free(c);
}

/* Public clients, and how a client authenticates. */
static void
test_bad_auth_method(void)
{
	expect_error(cfg(F_CLIENTS, CLIENT("\"grant_types\": "
	    "[\"client_credentials\"], " PUBLIC), NULL),
	    "clients[0].token_endpoint_auth_method", "client_credentials");
	expect_error(cfg(F_CLIENTS, CLIENT("\"grant_types\": "
	    "[\"implicit\", \"client_credentials\"], \"callbacks\": "
	    "[\"https://a.example/cb\"], " PUBLIC), NULL),
	    "clients[0].token_endpoint_auth_method", "client_credentials");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT(START("https://a.example/l")
	    ", \"id_token_alg\": \"HS256\", " PUBLIC), NULL),
	    "clients[0].token_endpoint_auth_method", "HS256");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT(PUBLIC), NULL),
	    "clients[0].token_endpoint_auth_method", "initiate_login_uri");
	expect_error(cfg(F_CLIENTS, CLIENT("\"grant_types\": "
	    "[\"implicit\", \"authorization_code\"], \"callbacks\": "
	    "[\"https://a.example/cb\"], " PUBLIC), NULL),
	    "clients[0].token_endpoint_auth_method", "PKCE");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT("\"token_endpoint_auth_method\""
	    ": \"private_key_jwt\""), NULL),
	    "clients[0].token_endpoint_auth_method", "unknown method");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT("\"token_endpoint_auth_method\""
	    ": \"None\""), NULL),
	    "clients[0].token_endpoint_auth_method", "unknown method");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT("\"token_endpoint_auth_method\""
	    ": \"\""), NULL),
	    "clients[0].token_endpoint_auth_method", "empty");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT("\"token_endpoint_auth_method\""
	    ": null"), NULL),
	    "clients[0].token_endpoint_auth_method", "string");
}

static void
test_bad_web_origins(void)
{
	static const char *const bad[] = { "https://a.example/",
	    "https://a.example/app", "https://a.example:8443/",
	    "https://a.example?x=1", "http://127.0.0.1:3002/callback.html" };
	char	 text[1024];
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		(void)snprintf(text, sizeof(text), WEB_CLIENT(
		    "\"web_origins\": [\"https://ok.example\", \"%s\"]"),
		    bad[i]);
		expect_error(cfg(F_CLIENTS, text, NULL),
		    "clients[0].web_origins[1]", "is not an origin");
	}
	expect_error(cfg(F_CLIENTS, WEB_CLIENT("\"web_origins\": "
	    "[\"a.example\"]"), NULL), "clients[0].web_origins[0]", "http");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT("\"web_origins\": "
	    "[\"https://a.example#x\"]"), NULL), "clients[0].web_origins[0]",
	    "fragment");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT("\"web_origins\": "
	    "[\"https://\"]"), NULL), "clients[0].web_origins[0]", "host");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT("\"web_origins\": "
	    "\"https://a.example\""), NULL), "clients[0].web_origins",
	    "array");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT("\"web_origins\": [1]"), NULL),
	    "clients[0].web_origins[0]", "string");
}

/* The client of text, parsed: NULL (with a failed check) when refused. */
static struct config *
parse_client(const char *text, const struct client_config **cl,
    const char *what)
{
	struct config	*c;
	char		 err[512] = "";

	c = parse(cfg(F_CLIENTS, text, NULL), NULL, err, sizeof(err));
	*cl = c != NULL ? config_client(c, "a") : NULL;
	if (*cl == NULL)
		CHECK(0, "%s: parses: %s", what, err);
	return c;
}

/*
 * initiate_login_uri accepted, and the target_link_uri it gives: the one
 * given, or the origin of initiate_login_uri with "/".
 */
static void
start_as(const char *text, const char *start, const char *target,
    const char *what)
{
	const struct client_config	*cl;
	struct config			*c;

	if ((c = parse_client(text, &cl, what)) == NULL)
		return;
	CHECK(cl->initiate_login_uri != NULL && cl->target_link_uri != NULL &&
	    strcmp(cl->initiate_login_uri, start) == 0 &&
	    strcmp(cl->target_link_uri, target) == 0 && !cl->public_client,
	    "%s: initiate_login_uri %s, target_link_uri %s", what,
	    cl->initiate_login_uri != NULL ? cl->initiate_login_uri : "NULL",
	    cl->target_link_uri != NULL ? cl->target_link_uri : "NULL");
	config_free(c);
}

#define START_AS(url, target) \
	start_as(WEB_CLIENT(START(url)), url, target, url)

/* Where an application is told that a session ended: each rule. */
#define BACKCHANNEL(url)	"\"backchannel_logout_uri\": \"" url "\""
static void
test_backchannel(void)
{
	const struct client_config	*cl;
	struct config			*c;

	expect_error(cfg(F_CLIENTS, WEB_CLIENT(BACKCHANNEL(
	    "http://a.example/bcl")), NULL), "clients[0].backchannel_logout_uri",
	    "loopback");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT(BACKCHANNEL(
	    "ftp://a.example/bcl")), NULL), "clients[0].backchannel_logout_uri",
	    "http");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT(BACKCHANNEL(
	    "https://a.example/bcl#x")), NULL),
	    "clients[0].backchannel_logout_uri", "fragment");
	expect_error(cfg(F_CLIENTS, WEB_CLIENT("\"backchannel_logout_uri\": "
	    "[]"), NULL), "clients[0].backchannel_logout_uri", "string");
	expect_error(cfg(F_CLIENTS, CLIENT("\"grant_types\": "
	    "[\"client_credentials\"], " BACKCHANNEL("https://a.example/b")),
	    NULL), "clients[0].backchannel_logout_uri",
	    "authorization_code or implicit");
	if ((c = parse_client(WEB_CLIENT(BACKCHANNEL(
	    "http://127.0.0.1:3005/bcl?x=1")), &cl, "backchannel")) != NULL)
		CHECK(cl->backchannel_logout_uri != NULL && strcmp(
		    cl->backchannel_logout_uri, "http://127.0.0.1:3005/bcl?x=1")
		    == 0, "backchannel_logout_uri on loopback, with a query");
	config_free(c);
	if ((c = parse_client(WEB_CLIENT("\"name\": \"n\""), &cl, "none")) !=
	    NULL)
		CHECK(cl->backchannel_logout_uri == NULL,
		    "no backchannel_logout_uri: NULL");
	config_free(c);
}

static void
test_good_login_start(void)
{
	const struct client_config	*cl;
	struct config			*c;

	START_AS("https://app.example:8443/login?x=1",
	    "https://app.example:8443/");
	START_AS("https://app.example/a/b/login", "https://app.example/");
	START_AS("https://app.example", "https://app.example/");
	START_AS("https://app.example?next=/x", "https://app.example/");
	START_AS("https://app.example:8443", "https://app.example:8443/");
	START_AS("http://127.0.0.1/login", "http://127.0.0.1/");
	START_AS("http://127.0.0.1:3001/login", "http://127.0.0.1:3001/");
	START_AS("http://127.1.2.3:3001/login", "http://127.1.2.3:3001/");
	START_AS("http://localhost/login", "http://localhost/");
	START_AS("http://localhost:3001/login", "http://localhost:3001/");
	START_AS("http://[::1]/login", "http://[::1]/");
	START_AS("http://[::1]:3002/login", "http://[::1]:3002/");
	start_as(WEB_CLIENT(START("https://app.example/login") ", "
	    "\"target_link_uri\": \"https://app.example/home?tab=1\""),
	    "https://app.example/login", "https://app.example/home?tab=1",
	    "target_link_uri given");
	start_as(WEB_CLIENT(START("https://app.example/login") ", "
	    "\"target_link_uri\": \"http://127.0.0.1:3001/\""),
	    "https://app.example/login", "http://127.0.0.1:3001/",
	    "target_link_uri on loopback, over http");
	start_as(CLIENT("\"grant_types\": [\"implicit\"], \"callbacks\": "
	    "[\"https://a.example/cb\"], " START("https://a.example/l")),
	    "https://a.example/l", "https://a.example/",
	    "an implicit client that starts its own login");

	if ((c = parse_client(WEB_CLIENT("\"allow_impersonation\": true"),
	    &cl, "no initiate_login_uri")) != NULL) {
		CHECK(cl->initiate_login_uri == NULL &&
		    cl->target_link_uri == NULL && !cl->public_client &&
		    cl->web_origins.n == 0, "without initiate_login_uri: no "
		    "target_link_uri, a confidential client, no web_origins");
		config_free(c);
	}
}

static void
test_good_auth_method(void)
{
	const struct client_config	*cl;
	struct config			*c;

	if ((c = parse_client(WEB_CLIENT(START("http://127.0.0.1:3002/")
	    ", " PUBLIC ", \"web_origins\": [\"http://127.0.0.1:3002\", "
	    "\"https://spa.example\", \"https://spa.example:8443\"]"), &cl,
	    "a public client")) != NULL) {
		CHECK(cl->public_client && cl->web_origins.n == 3 &&
		    strlist_has(&cl->web_origins, "http://127.0.0.1:3002") &&
		    strlist_has(&cl->web_origins, "https://spa.example") &&
		    strlist_has(&cl->web_origins, "https://spa.example:8443") &&
		    !strlist_has(&cl->web_origins, "https://spa.example/"),
		    "a public client with its code, PKCE and web_origins");
		config_free(c);
	}
	if ((c = parse_client(CLIENT("\"grant_types\": [\"implicit\"], "
	    "\"callbacks\": [\"https://a.example/cb\"], " PUBLIC), &cl,
	    "a public implicit client")) != NULL) {
		CHECK(cl->public_client && cl->initiate_login_uri == NULL,
		    "a public client of the implicit grant alone needs no "
		    "initiate_login_uri (no code, no PKCE)");
		config_free(c);
	}
	if ((c = parse_client(WEB_CLIENT("\"token_endpoint_auth_method\": "
	    "\"client_secret_basic\""), &cl, "client_secret_basic")) != NULL) {
		CHECK(!cl->public_client, "client_secret_basic: confidential");
		config_free(c);
	}
	if ((c = parse_client(CLIENT("\"grant_types\": "
	    "[\"client_credentials\"], \"token_endpoint_auth_method\": "
	    "\"client_secret_post\""), &cl, "client_secret_post")) != NULL) {
		CHECK(!cl->public_client, "client_secret_post: confidential");
		config_free(c);
	}
	if ((c = parse_client(WEB_CLIENT("\"id_token_alg\": \"HS256\""), &cl,
	    "HS256")) != NULL) {
		CHECK(!cl->public_client && cl->id_token_alg == ALG_HS256,
		    "HS256 for a confidential client");
		config_free(c);
	}
	if ((c = parse_client(WEB_CLIENT("\"web_origins\": []"), &cl,
	    "web_origins empty")) != NULL) {
		CHECK(cl->web_origins.n == 0, "web_origins: an empty list");
		config_free(c);
	}
}

static void
test_bad(void)
{
	char	 longkid[130], text[1024];

	expect_error(cfg(F_NONE, NULL, "\"colour\": \"blue\""),
	    "colour", "unknown");
	expect_error(cfg(F_LISTEN, "\"listen\": [{\"address\": \"127.0.0.1\", "
	    "\"port\": 1, \"tlss\": {}}]", NULL), "listen[0].tlss", "unknown");
	expect_error(cfg(F_ISSUER, "", NULL), "issuer", "missing");
	expect_error(cfg(F_ISSUER, "\"issuer\": \"https://id.example\"", NULL),
	    "issuer", "slash");
	expect_error(cfg(F_ISSUER, "\"issuer\": \"ftp://id.example/\"", NULL),
	    "issuer", "http");
	expect_error(cfg(F_ISSUER, "\"issuer\": \"https:///\"", NULL),
	    "issuer", "host");
	expect_error(cfg(F_ISSUER, "\"issuer\": \"https://a.example/#x/\"",
	    NULL), "issuer", "fragment");
	expect_error(cfg(F_ISSUER, "\"issuer\": 42", NULL),
	    "issuer", "string");
	expect_error(cfg(F_LISTEN, LISTEN("127.0.0.1", "0"), NULL),
	    "listen[0].port", "range");
	expect_error(cfg(F_LISTEN, LISTEN("127.0.0.1", "70000"), NULL),
	    "listen[0].port", "range");
	expect_error(cfg(F_LISTEN, LISTEN("127.0.0.1", "\"8443\""), NULL),
	    "listen[0].port", "integer");
	expect_error(cfg(F_LISTEN, LISTEN("127.0.0.1", "8443.0"), NULL),
	    "listen[0].port", "integer");
	expect_error(cfg(F_LISTEN, "\"listen\": [{\"address\": \"::1\"}]",
	    NULL), "listen[0].port", "missing");
	expect_error(cfg(F_LISTEN, LISTEN("localhost", "8443"), NULL),
	    "listen[0].address", "numeric");
	expect_error(cfg(F_LISTEN, LISTEN("0.0.0.0", "8443"), NULL),
	    "listen[0].address", "loopback");
	expect_error(cfg(F_LISTEN, LISTEN("::", "8443"), NULL),
	    "listen[0].address", "loopback");
	expect_error(cfg(F_LISTEN, "\"listen\": [{\"address\": \"10.0.0.1\", "
	    "\"port\": 1, \"tls\": {\"cert\": \"c.pem\"}}]", NULL),
	    "listen[0].tls.key", "missing");
	expect_error(cfg(F_LISTEN, "\"listen\": [{\"address\": \"10.0.0.1\", "
	    "\"port\": 1, \"tls\": \"c.pem\"}]", NULL),
	    "listen[0].tls", "object");
	expect_error(cfg(F_LISTEN, "\"listen\": []", NULL),
	    "listen", "empty");
	expect_error(cfg(F_LISTEN, "\"listen\": {}", NULL),
	    "listen", "array");
	expect_error(cfg(F_AUDIT, "\"audit\": {}", NULL),
	    "audit.path", "missing");
	expect_error(cfg(F_USERS, "\"users_file\": \"\"", NULL),
	    "users_file", "empty");
	expect_error(cfg(F_NONE, NULL, "\"user\": \"\""), "user", "empty");
	expect_error(cfg(F_SIGNER, SIGNER("", "k1"), NULL),
	    "signer.keys", "empty");
	expect_error(cfg(F_SIGNER, SIGNER(KEY("k1", "HS256"), "k1"), NULL),
	    "signer.keys[0].alg", "alg");
	expect_error(cfg(F_SIGNER, SIGNER(KEY("k1", "ES256") ", "
	    KEY("k1", "RS256"), "k1"), NULL), "signer.keys[1].kid",
	    "duplicate");
	expect_error(cfg(F_SIGNER, SIGNER(KEY("k1", "ES256"), "x"), NULL),
	    "signer.active_kid", "not the kid of any key");
	expect_error(cfg(F_SIGNER, SIGNER(KEY("k 1", "ES256"), "k 1"), NULL),
	    "signer.keys[0].kid", "character");
	memset(longkid, 'a', 129);
	longkid[129] = '\0';
	(void)snprintf(text, sizeof(text), "\"signer\": {\"keys\": [{\"kid\": "
	    "\"%s\", \"alg\": \"ES256\", \"file\": \"k.pem\"}], "
	    "\"active_kid\": \"%s\", \"secrets_file\": \"s\", "
	    "\"audit_key_file\": \"a\", \"grant_key_file\": \"g\"}", longkid,
	    longkid);
	expect_error(cfg(F_SIGNER, text, NULL), "signer.keys[0].kid",
	    "longer");
	expect_error(cfg(F_SIGNER, "\"signer\": {\"keys\": [" KEY("k1", "ES256")
	    "], \"active_kid\": \"k1\", \"secrets_file\": \"s\", "
	    "\"audit_key_file\": \"a\", \"grant_key_file\": \"g\", \"pin\": 1}",
	    NULL), "signer.pin", "unknown");
	/* The grant key is required, and read as the audit key is. */
	expect_error(cfg(F_SIGNER, "\"signer\": {\"keys\": [" KEY("k1", "ES256")
	    "], \"active_kid\": \"k1\", \"secrets_file\": \"s\", "
	    "\"audit_key_file\": \"a\"}", NULL), "signer.grant_key_file",
	    "missing");
	expect_error(cfg(F_SIGNER, "\"signer\": {\"keys\": [" KEY("k1", "ES256")
	    "], \"active_kid\": \"k1\", \"secrets_file\": \"s\", "
	    "\"audit_key_file\": \"a\", \"grant_key_file\": \"\"}", NULL),
	    "signer.grant_key_file", "empty");
	expect_error(cfg(F_SIGNER, "\"signer\": {\"keys\": [" KEY("k1", "ES256")
	    "], \"active_kid\": \"k1\", \"secrets_file\": \"s\", "
	    "\"audit_key_file\": \"a\", \"grant_key_file\": 1}", NULL),
	    "signer.grant_key_file", "string");
	expect_error(cfg(F_SIGNER, "\"signer\": {\"keys\": [" KEY("k1", "ES256")
	    "], \"active_kid\": \"k1\", \"secrets_file\": \"s\", "
	    "\"audit_key_file\": \"a\", "
	    "\"grant_key_file\": \"credential:../g\"}", NULL),
	    "signer.grant_key_file", "credential name");
	expect_error(cfg(F_CLIENTS, "", NULL), "clients", "missing");
	expect_error(cfg(F_CLIENTS, CLIENTS(
	    "{\"client_id\": \"a\", \"grant_types\": [\"implicit\"], "
	    "\"callbacks\": [\"http://127.0.0.1/cb\"]}, "
	    "{\"client_id\": \"a\", \"grant_types\": [\"implicit\"]}"),
	    NULL), "clients[1].client_id", "duplicate");
	expect_error(cfg(F_CLIENTS, CLIENTS(
	    "{\"client_id\": \"a:b\", \"grant_types\": [\"implicit\"]}"),
	    NULL), "clients[0].client_id", "character");
	expect_error(cfg(F_CLIENTS, CLIENTS(
	    "{\"client_id\": \"a\", \"grant_types\": [\"client_credentials\"]},"
	    "{\"client_id\": \"b\", \"grant_types\": [\"password\"]}"), NULL),
	    "clients[1].grant_types[0]", "unknown grant type");
	expect_error(cfg(F_CLIENTS, CLIENTS("{\"client_id\": \"a\", "
	    "\"grant_types\": [\"implicit\", \"implicit\"], "
	    "\"callbacks\": [\"https://a.example/cb\"]}"), NULL),
	    "clients[0].grant_types[1]", "twice");
	expect_error(cfg(F_CLIENTS, CLIENTS(
	    "{\"client_id\": \"a\", \"grant_types\": []}"), NULL),
	    "clients[0].grant_types", "empty");
	expect_error(cfg(F_CLIENTS, CLIENTS("{\"client_id\": \"a\", "
	    "\"grant_types\": [\"authorization_code\"]}"), NULL),
	    "clients[0].callbacks", "required");
	expect_error(cfg(F_CLIENTS, CLIENTS("{\"client_id\": \"a\", "
	    "\"grant_types\": [\"implicit\"], "
	    "\"callbacks\": [\"https://a.example/cb#top\"]}"), NULL),
	    "clients[0].callbacks[0]", "fragment");
	expect_error(cfg(F_CLIENTS, CLIENTS("{\"client_id\": \"a\", "
	    "\"grant_types\": [\"implicit\"], "
	    "\"callbacks\": [\"https://a.example/\", \"/cb\"]}"), NULL),
	    "clients[0].callbacks[1]", "http");
	expect_error(cfg(F_CLIENTS, CLIENTS("{\"client_id\": \"a\", "
	    "\"grant_types\": [\"client_credentials\"], "
	    "\"scopes\": [\"read users\"]}"), NULL),
	    "clients[0].scopes[0]", "scope");
	expect_error(cfg(F_CLIENTS, CLIENTS("{\"client_id\": \"a\", "
	    "\"grant_types\": [\"client_credentials\"], "
	    "\"app_type\": \"desktop\"}"), NULL),
	    "clients[0].app_type", "app_type");
	expect_error(cfg(F_CLIENTS, CLIENTS("{\"client_id\": \"a\", "
	    "\"grant_types\": [\"client_credentials\"], "
	    "\"id_token_alg\": \"none\"}"), NULL),
	    "clients[0].id_token_alg", "alg");
	/* The base configuration has one ES256 key only. */
	expect_error(cfg(F_CLIENTS, CLIENTS("{\"client_id\": \"a\", "
	    "\"grant_types\": [\"client_credentials\"], "
	    "\"id_token_alg\": \"RS256\"}"), NULL),
	    "clients[0].id_token_alg", "no key");
	expect_error(cfg(F_CLIENTS, CLIENTS("{\"client_id\": \"a\", "
	    "\"grant_types\": [\"client_credentials\"], "
	    "\"allow_impersonation\": \"yes\"}"), NULL),
	    "clients[0].allow_impersonation", "true or false");
	expect_error(cfg(F_CLIENTS, CLIENTS("{\"client_id\": \"a\", "
	    "\"grant_types\": [\"client_credentials\"], \"secret\": \"s\"}"),
	    NULL), "clients[0].secret", "unknown");
	expect_error(cfg(F_NONE, NULL, IMP("\"link_ttl\": 601")),
	    "impersonation.link_ttl", "range");
	expect_error(cfg(F_NONE, NULL, IMP("\"code_ttl\": 0")),
	    "impersonation.code_ttl", "range");
	expect_error(cfg(F_NONE, NULL, IMP("\"token_ttl\": 86401")),
	    "impersonation.token_ttl", "range");
	expect_error(cfg(F_NONE, NULL, IMP("\"token_ttl\": \"3600\"")),
	    "impersonation.token_ttl", "integer");
	expect_error(cfg(F_NONE, NULL, IMP("\"require_reason\": \"no\"")),
	    "impersonation.require_reason", "true or false");
	expect_error(cfg(F_NONE, NULL, IMP("\"impersonators\": "
	    "{\"groups\": []}")), "impersonation.impersonators.groups",
	    "unknown");
	expect_error(cfg(F_NONE, NULL, IMP("\"protected\": "
	    "{\"roles\": [\"admin\", 5]}")), "impersonation.protected.roles[1]",
	    "string");
	test_bad_proxies();
	test_bad_login_start();
	test_backchannel();
	test_bad_webhooks();
	test_bad_auth_method();
	test_bad_web_origins();
	/* jansson refuses \u0000 itself without JSON_ALLOW_NUL. */
	expect_error("{\n\"issuer\": \"https://a.example/\\u0000/\"\n}",
	    "line 2", "u0000");
	expect_error(cfg(F_NONE, NULL, "\"issuer\": \"https://b.example/\""),
	    "line 1", "duplicate");
	expect_error("{\n  \"issuer\": \"https://a.example/\",\n"
	    "  \"listen\": [,]\n}", "line 3", "column");
	expect_error("[]", NAME, "object");
	expect_error("", "line 1", "column");
}

#define APPROVAL(...)	IMP("\"approval\": {" __VA_ARGS__ "}")
#define NEEDS		"\"required\": {\"roles\": [\"vip\"]}"
#define GIVES		"\"approvers\": {\"users\": [\"auth0|lead\"]}"

/*
 * impersonation.approval: both lists, each naming someone, and a ttl of
 * 1 s to a day; an approval that names nobody would either ask for every
 * link or let nobody decide, so it is refused, not taken as off.
 */
static void
test_approval(void)
{
	struct config	*c;
	char		 err[512] = "";

	c = parse(cfg(F_NONE, NULL, APPROVAL(NEEDS ", " GIVES ", \"ttl\": 1")),
	    CFGDIR, err, sizeof(err));
	CHECK(c != NULL && c->approval.enabled && c->approval.ttl == 1 &&
	    c->approval.required.roles.n == 1 &&
	    strcmp(c->approval.required.roles.v[0], "vip") == 0 &&
	    c->approval.required.users.n == 0 &&
	    c->approval.approvers.roles.n == 0 &&
	    c->approval.approvers.users.n == 1 &&
	    strcmp(c->approval.approvers.users.v[0], "auth0|lead") == 0,
	    "approval: required, approvers, ttl 1 (the least): %s", err);
	config_free(c);
	c = parse(cfg(F_NONE, NULL, APPROVAL(NEEDS ", " GIVES ", \"ttl\": "
	    "86400")), CFGDIR, err, sizeof(err));
	CHECK(c != NULL && c->approval.ttl == 86400,
	    "approval: ttl 86400 (the most): %s", err);
	config_free(c);
	c = parse(cfg(F_NONE, NULL, APPROVAL(NEEDS ", " GIVES)), CFGDIR, err,
	    sizeof(err));
	CHECK(c != NULL && c->approval.enabled && c->approval.ttl == 900,
	    "approval: ttl 900 by default: %s", err);
	config_free(c);
	c = parse(cfg(F_NONE, NULL, IMP("\"link_ttl\": 60")), CFGDIR, err,
	    sizeof(err));
	CHECK(c != NULL && !c->approval.enabled &&
	    c->approval.required.roles.n == 0, "no approval: off: %s", err);
	config_free(c);

	expect_error(cfg(F_NONE, NULL, APPROVAL(NEEDS ", " GIVES
	    ", \"ttl\": 0")), "impersonation.approval.ttl", "range");
	expect_error(cfg(F_NONE, NULL, APPROVAL(NEEDS ", " GIVES
	    ", \"ttl\": 86401")), "impersonation.approval.ttl", "range");
	expect_error(cfg(F_NONE, NULL, APPROVAL(NEEDS ", " GIVES
	    ", \"ttl\": \"900\"")), "impersonation.approval.ttl", "integer");
	expect_error(cfg(F_NONE, NULL, APPROVAL(NEEDS ", " GIVES
	    ", \"timeout\": 900")), "impersonation.approval.timeout",
	    "unknown");
	expect_error(cfg(F_NONE, NULL, APPROVAL("\"required\": "
	    "{\"groups\": [\"vip\"]}, " GIVES)),
	    "impersonation.approval.required.groups", "unknown");
	expect_error(cfg(F_NONE, NULL, APPROVAL("\"required\": {\"roles\": "
	    "[], \"users\": []}, " GIVES)), "impersonation.approval.required",
	    "no role and no user");
	expect_error(cfg(F_NONE, NULL, APPROVAL(GIVES)),
	    "impersonation.approval.required", "no role and no user");
	expect_error(cfg(F_NONE, NULL, APPROVAL(NEEDS ", \"approvers\": {}")),
	    "impersonation.approval.approvers", "no role and no user");
	expect_error(cfg(F_NONE, NULL, APPROVAL(NEEDS)),
	    "impersonation.approval.approvers", "no role and no user");
	expect_error(cfg(F_NONE, NULL, APPROVAL(NEEDS ", \"approvers\": "
	    "{\"roles\": [\"lead\", 7]}")),
	    "impersonation.approval.approvers.roles[1]", "string");
	expect_error(cfg(F_NONE, NULL, IMP("\"approval\": true")),
	    "impersonation.approval", "object");
}

/* The small configuration, with every default in place. */
static void
test_defaults(void)
{
	struct config			*c;
	const struct client_config	*cl;
	char				 err[512] = "";

	c = parse(cfg(F_NONE, NULL, NULL), CFGDIR, err, sizeof(err));
	CHECK(c != NULL, "small configuration parses: %s", err);
	if (c == NULL)
		return;
	CHECK(c->user == NULL, "user unset");
	CHECK(c->listen[0].tls_cert == NULL && c->listen[0].tls_key == NULL,
	    "plain http on loopback");
	CHECK(c->link_ttl == 120 && c->code_ttl == 60 &&
	    c->token_ttl == 3600 && c->require_reason == 0,
	    "impersonation defaults");
	CHECK(c->impersonators.roles.n == 0 && c->impersonators.users.n == 0 &&
	    c->protected.roles.n == 0 && c->protected.users.n == 0,
	    "impersonators and protected empty");
	CHECK(c->trusted_proxies == NULL && c->ntrusted_proxies == 0,
	    "no trusted proxies");
	CHECK(!strlist_has(&c->protected.roles, "admin"),
	    "strlist_has on an empty list");
	cl = config_client(c, "c1");
	CHECK(cl != NULL && strcmp(cl->app_type, "regular_web") == 0 &&
	    cl->id_token_alg == ALG_NONE && cl->allow_impersonation == 0 &&
	    cl->name == NULL && cl->callbacks.n == 0 && cl->scopes.n == 0 &&
	    cl->grant_types == GRANT_CLIENT_CREDENTIALS, "client defaults");
	CHECK(strcmp(c->users_file, CFGDIR "/users.json") == 0,
	    "relative path resolved: %s", c->users_file);
	CHECK(strcmp(c->path, NAME) == 0 && strcmp(c->dir, CFGDIR) == 0,
	    "path and dir kept");
	config_free(c);
}

static void
test_good_proxies(void)
{
	static const unsigned char	 fd00[16] = { 0xfd };
	static const unsigned char	 v6one[16] = { [15] = 1 };
	const struct cidr		*p;
	struct config			*c;
	char				 err[512] = "";

	c = parse(cfg(F_NONE, NULL, PROXIES("\"127.0.0.1\", \"10.0.0.0/8\", "
	    "\"::1\", \"fd00::/8\", \"0.0.0.0/0\", \"::/0\", "
	    "\"192.168.1.128/25\"")), NULL, err, sizeof(err));
	CHECK(c != NULL && c->ntrusted_proxies == 7,
	    "trusted_proxies parse: %s", err);
	if (c == NULL || c->ntrusted_proxies != 7) {
		config_free(c);
		return;
	}
	p = c->trusted_proxies;
	CHECK(p[0].family == AF_INET && p[0].bits == 32 &&
	    memcmp(p[0].addr, "\x7f\0\0\x01", 4) == 0, "127.0.0.1 is a /32");
	CHECK(p[1].family == AF_INET && p[1].bits == 8 &&
	    memcmp(p[1].addr, "\x0a\0\0\0", 4) == 0, "10.0.0.0/8");
	CHECK(p[2].family == AF_INET6 && p[2].bits == 128 &&
	    memcmp(p[2].addr, v6one, 16) == 0, "::1 is a /128");
	CHECK(p[3].family == AF_INET6 && p[3].bits == 8 &&
	    memcmp(p[3].addr, fd00, 16) == 0, "fd00::/8");
	CHECK(p[4].family == AF_INET && p[4].bits == 0 &&
	    p[5].family == AF_INET6 && p[5].bits == 0, "/0 ranges");
	CHECK(p[6].family == AF_INET && p[6].bits == 25, "192.168.1.128/25");
	config_free(c);

	c = parse(cfg(F_NONE, NULL, PROXIES("")), NULL, err, sizeof(err));
	CHECK(c != NULL && c->ntrusted_proxies == 0 &&
	    c->trusted_proxies == NULL, "an empty list is none: %s", err);
	config_free(c);
}

static void
test_good(void)
{
	struct config	*c;
	char		 err[512] = "";

	c = parse(cfg(F_USERS, "\"users_file\": \"/var/lib/guise/u.json\"",
	    NULL), "/etc/guise/", err, sizeof(err));
	CHECK(c != NULL && strcmp(c->users_file, "/var/lib/guise/u.json") == 0,
	    "absolute path kept: %s", err);
	CHECK(c != NULL && strcmp(c->audit_path, "/etc/guise/audit.log") == 0,
	    "no double slash after dir");
	config_free(c);

	c = parse(cfg(F_LISTEN, LISTEN("127.1.2.3", "65535"), NULL), NULL,
	    err, sizeof(err));
	CHECK(c != NULL && strcmp(c->users_file, "users.json") == 0 &&
	    c->listen[0].port == 65535 && c->dir == NULL,
	    "no dir: paths as given; 127.1.2.3 is loopback: %s", err);
	config_free(c);

	c = parse(cfg(F_LISTEN, LISTEN("::1", "1"), NULL), NULL, err,
	    sizeof(err));
	CHECK(c != NULL, "::1 is loopback: %s", err);
	config_free(c);

	c = parse(cfg(F_CLIENTS, "\"clients\": []", IMP("")), NULL, err,
	    sizeof(err));
	CHECK(c != NULL && c->nclients == 0 && c->link_ttl == 120,
	    "no clients, empty impersonation: %s", err);
	config_free(c);

	test_good_proxies();
	test_good_login_start();
	test_good_auth_method();
	CHECK(parse("[]", NULL, NULL, 0) == NULL, "no error buffer");
	CHECK(strcmp(alg_name(ALG_RS256), "RS256") == 0 &&
	    strcmp(alg_name(ALG_ES256), "ES256") == 0 &&
	    strcmp(alg_name(ALG_HS256), "HS256") == 0 &&
	    strcmp(alg_name(ALG_NONE), "none") == 0, "alg_name");
}

/* path/name under the folder of the configuration file. */
static int
under(const char *dir, const char *got, const char *name)
{
	char	 want[PATH_MAX];

	(void)snprintf(want, sizeof(want), "%s/%s", dir, name);
	return got != NULL && strcmp(got, want) == 0;
}

static void
test_example_clients(const struct config *c)
{
	const struct client_config	*cl;

	CHECK(c->nclients == 2, "two clients");
	cl = config_client(c, "backoffice");
	CHECK(cl != NULL && strcmp(cl->name, "app1") == 0 &&
	    strcmp(cl->app_type, "non_interactive") == 0 &&
	    cl->grant_types == GRANT_CLIENT_CREDENTIALS &&
	    cl->callbacks.n == 0 && cl->allow_impersonation == 0 &&
	    cl->id_token_alg == ALG_NONE, "backoffice");
	CHECK(cl != NULL && cl->scopes.n == 2 &&
	    strlist_has(&cl->scopes, "impersonate:users") &&
	    strlist_has(&cl->scopes, "read:users") &&
	    !strlist_has(&cl->scopes, "write:users"), "backoffice scopes");
	cl = config_client(c, "storefront");
	CHECK(cl != NULL && strcmp(cl->app_type, "regular_web") == 0 &&
	    cl->grant_types == (GRANT_AUTHORIZATION_CODE | GRANT_IMPLICIT) &&
	    cl->callbacks.n == 1 &&
	    strcmp(cl->callbacks.v[0], "https://app2.example/callback") == 0 &&
	    cl->allow_impersonation == 1 && cl->id_token_alg == ALG_RS256,
	    "storefront");
	CHECK(config_client(c, "nobody") == NULL, "unknown client");
}

static void
test_example(const char *file)
{
	struct config		*c;
	const struct key_config	*k;
	char			 err[512] = "", real[PATH_MAX], *dir;

	c = config_load(file, err, sizeof(err));
	CHECK(c != NULL, "%s loads: %s", file, err);
	if (c == NULL || realpath(file, real) == NULL)
		return;
	dir = dirname(real);
	CHECK(strcmp(c->path, file) == 0 && strcmp(c->dir, dir) == 0,
	    "path %s, dir %s", c->path, c->dir);
	CHECK(strcmp(c->issuer, "https://127.0.0.1:8443/") == 0, "issuer");
	CHECK(c->nlisten == 1 && strcmp(c->listen[0].address, "127.0.0.1") == 0
	    && c->listen[0].port == 8443, "listener");
	CHECK(under(dir, c->listen[0].tls_cert, "tls/cert.pem") &&
	    under(dir, c->listen[0].tls_key, "tls/key.pem"), "tls paths");
	CHECK(strcmp(c->user, "guise") == 0, "user");
	CHECK(under(dir, c->users_file, "users.json") &&
	    under(dir, c->audit_path, "audit.log") &&
	    under(dir, c->secrets_file, "secrets.json") &&
	    under(dir, c->audit_key_file, "audit.key") &&
	    under(dir, c->grant_key_file, "grant.key"), "file paths");
	CHECK(c->nkeys == 2 && strcmp(c->keys[0].kid, "2026-11-a") == 0 &&
	    c->keys[0].alg == ALG_ES256 &&
	    under(dir, c->keys[0].file, "keys/es256.pem"), "first key");
	k = config_key(c, c->active_kid);
	CHECK(k == &c->keys[1] && strcmp(k->kid, "2026-11-r") == 0 &&
	    k->alg == ALG_RS256 && under(dir, k->file, "keys/rs256.pem"),
	    "active key");
	CHECK(config_key(c, "2026-12-a") == NULL, "unknown kid");
	test_example_clients(c);
	CHECK(c->link_ttl == 120 && c->code_ttl == 60 &&
	    c->token_ttl == 3600 && c->require_reason == 0, "ttls");
	CHECK(c->impersonators.roles.n == 1 &&
	    strlist_has(&c->impersonators.roles, "support") &&
	    c->impersonators.users.n == 0 && c->protected.roles.n == 1 &&
	    strlist_has(&c->protected.roles, "admin") &&
	    c->protected.users.n == 0, "impersonators and protected");
	config_free(c);
}

static void
test_load_errors(void)
{
	struct config	*c;
	char		 err[512] = "", tmp[] = "/tmp/test_config.XXXXXX";
	char		*big;
	int		 fd;
	size_t		 len = 1024 * 1024 + 1;

	c = config_load("/nonexistent/guise.json", err, sizeof(err));
	CHECK(c == NULL && strstr(err, "/nonexistent/guise.json: ") == err,
	    "missing file: %s", err);

	if ((fd = mkstemp(tmp)) == -1 || (big = malloc(len)) == NULL) {
		CHECK(0, "temporary file");
		return;
	}
	memset(big, ' ', len);
	big[0] = '{';
	big[len - 1] = '}';
	CHECK(write(fd, big, len) == (ssize_t)len, "write big file");
	close(fd);
	free(big);
	c = config_load(tmp, err, sizeof(err));
	CHECK(c == NULL && strstr(err, tmp) == err &&
	    strstr(err, "1 MiB") != NULL, "file over 1 MiB: %s", err);
	unlink(tmp);
}

/* The console (DESIGN.md section 7): its identity provider and sessions. */
#define IDP(extra)	"\"console\": {\"idp\": {\"issuer\": "		\
			"\"https://login.example.com/\", \"client_id\": "	\
			"\"guise-console\", \"auth\": \"private_key_jwt\", "	\
			"\"match\": \"email\", \"jwks_file\": \"idp.jwks\""	\
			extra "}"

static void
test_console(void)
{
	struct config	*c;
	char		 err[512] = "";

	c = parse(cfg(F__MAX, NULL, IDP("") "}"), CFGDIR, err, sizeof(err));
	CHECK(c != NULL && c->console.enabled &&
	    strcmp(c->console.idp_issuer, "https://login.example.com/") == 0 &&
	    strcmp(c->console.idp_client_id, "guise-console") == 0 &&
	    c->console.idp_auth == IDP_AUTH_PRIVATE_KEY_JWT &&
	    c->console.idp_match == IDP_MATCH_EMAIL &&
	    strcmp(c->console.idp_jwks_file, CFGDIR "/idp.jwks") == 0 &&
	    c->console.idp_ca_file == NULL &&
	    c->console.session_ttl == CONSOLE_SESSION_TTL &&
	    c->console.idle_ttl == CONSOLE_IDLE_TTL,
	    "a console: its provider, the default lifetimes: %s", err);
	config_free(c);
	c = parse(cfg(F__MAX, NULL, IDP(", \"ca_file\": \"ca.pem\"") ", "
	    "\"session_ttl\": 3600, \"idle_ttl\": 600}"), CFGDIR, err,
	    sizeof(err));
	CHECK(c != NULL && strcmp(c->console.idp_ca_file, CFGDIR "/ca.pem") ==
	    0 && c->console.session_ttl == 3600 && c->console.idle_ttl == 600,
	    "a console with a CA file and its own lifetimes: %s", err);
	config_free(c);
	c = parse(cfg(F__MAX, NULL, "\"console\": {\"idp\": {\"issuer\": "
	    "\"http://127.0.0.1:4000/\", \"client_id\": \"c\", \"auth\": "
	    "\"client_secret_basic\", \"match\": \"sub\", \"jwks_file\": "
	    "\"/abs/idp.jwks\"}}"), CFGDIR, err, sizeof(err));
	CHECK(c != NULL && c->console.idp_auth ==
	    IDP_AUTH_CLIENT_SECRET_BASIC && c->console.idp_match ==
	    IDP_MATCH_SUB && strcmp(c->console.idp_jwks_file,
	    "/abs/idp.jwks") == 0,
	    "an http provider on loopback, client_secret_basic, sub: %s", err);
	config_free(c);
	c = parse(cfg(F__MAX, NULL, NULL), CFGDIR, err, sizeof(err));
	CHECK(c != NULL && !c->console.enabled, "no console: none");
	config_free(c);

	expect_error(cfg(F__MAX, NULL, "\"console\": {}"), "console.idp",
	    "missing");
	expect_error(cfg(F__MAX, NULL, "\"console\": {\"idp\": {\"issuer\": "
	    "\"http://login.example.com/\"}}"), "console.idp.issuer", "https");
	expect_error(cfg(F__MAX, NULL, "\"console\": {\"idp\": {\"issuer\": "
	    "\"https://login.example.com\"}}"), "console.idp.issuer", "slash");
	expect_error(cfg(F__MAX, NULL, "\"console\": {\"idp\": {\"issuer\": "
	    "\"https://l.example/\", \"client_id\": \"c\", \"auth\": "
	    "\"password\", \"match\": \"email\", \"jwks_file\": \"j\"}}"),
	    "console.idp.auth", "unknown");
	expect_error(cfg(F__MAX, NULL, "\"console\": {\"idp\": {\"issuer\": "
	    "\"https://l.example/\", \"client_id\": \"c\", \"auth\": "
	    "\"private_key_jwt\", \"match\": \"name\", \"jwks_file\": "
	    "\"j\"}}"), "console.idp.match", "unknown");
	expect_error(cfg(F__MAX, NULL, "\"console\": {\"idp\": {\"issuer\": "
	    "\"https://l.example/\", \"client_id\": \"c\", \"auth\": "
	    "\"private_key_jwt\", \"match\": \"email\"}}"),
	    "console.idp.jwks_file", "missing");
	expect_error(cfg(F__MAX, NULL, IDP(", \"secret\": \"x\"") "}"),
	    "console.idp", "secret");
	expect_error(cfg(F__MAX, NULL, IDP("") ", \"idle_ttl\": 7200, "
	    "\"session_ttl\": 3600}"), "console.idle_ttl", "session_ttl");
	expect_error(cfg(F__MAX, NULL, IDP("") ", \"session_ttl\": 10}"),
	    "console.session_ttl", "range");
}

int
main(int argc, char *argv[])
{
	test_example(argc > 1 ? argv[1] : "etc/guise.json");
	test_defaults();
	test_good();
	test_bad();
	test_load_errors();
	test_console();
	test_approval();
	return check_done();
}
