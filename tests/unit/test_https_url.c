/*
 * The outbound client's URL rules: https anywhere, http only to a
 * loopback address written as one (or "localhost"), no user information,
 * no fragment, a host that is a DNS name or an address, and the request
 * target and Host header made from the rest.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "https_url.h"
#include "loopback.h"

/* NULL when url parses; else its problem.  The target is freed. */
static const char *
parse(const char *url, struct https_url *u)
{
	const char	*problem = https_url_parse(url, u);

	if (problem == NULL && u->target == NULL)
		return "no target";
	return problem;
}

static int
accepted(const char *url)
{
	struct https_url	 u;
	const char		*problem = parse(url, &u);

	free(u.target);
	return problem == NULL;
}

int
main(void)
{
	struct https_url	 u;
	char			 longurl[HTTPS_URL_MAX + 32];

	CHECK(parse("https://login.example.com/.well-known/openid-"
	    "configuration", &u) == NULL && u.tls && u.port == 443 &&
	    strcmp(u.host, "login.example.com") == 0 &&
	    strcmp(u.hostport, "login.example.com") == 0 &&
	    strcmp(u.target, "/.well-known/openid-configuration") == 0 &&
	    !u.ip, "https to a name: port 443, Host without it");
	free(u.target);

	CHECK(parse("https://idp.example:8443/jwks?x=1", &u) == NULL &&
	    u.port == 8443 && strcmp(u.hostport, "idp.example:8443") == 0 &&
	    strcmp(u.target, "/jwks?x=1") == 0,
	    "a port goes in the Host header, the query in the target");
	free(u.target);

	CHECK(parse("http://127.0.0.1:4000", &u) == NULL && !u.tls &&
	    u.port == 4000 && u.ip && strcmp(u.target, "/") == 0,
	    "http to 127.0.0.1, an empty path is /");
	free(u.target);

	CHECK(parse("http://[::1]:4000/jwks", &u) == NULL &&
	    strcmp(u.host, "::1") == 0 && u.ip &&
	    strcmp(u.hostport, "[::1]:4000") == 0,
	    "http to [::1]: connect to ::1, Host keeps the brackets");
	free(u.target);

	CHECK(accepted("http://127.9.8.7/"), "http to 127.0.0.0/8");
	CHECK(accepted("http://localhost:3000/"), "http to localhost");
	CHECK(accepted("https://10.1.2.3/"), "https to any address");
	CHECK(accepted("https://[2001:db8::1]/"), "https to an IPv6 address");

	CHECK(!accepted("http://login.example.com/"), "http off loopback");
	CHECK(!accepted("http://10.0.0.1/"), "http to another address");
	CHECK(!accepted("http://127.example.com/"),
	    "http to a name that begins with 127.");
	CHECK(!accepted("http://localhost.example.com/"),
	    "http to a name that begins with localhost");
	CHECK(!accepted("http://127.1/"), "http to a shorthand address");
	CHECK(!accepted("http://[::2]/"), "http to an IPv6 address not ::1");
	CHECK(!accepted("http://[::ffff:127.0.0.1]/"),
	    "http to an IPv4-mapped address");
	CHECK(!accepted("ftp://127.0.0.1/"), "another scheme");
	CHECK(!accepted("HTTPS://login.example.com/"),
	    "a scheme in capitals (issuers are compared byte for byte)");
	CHECK(!accepted("//login.example.com/"), "no scheme");
	CHECK(!accepted("https:///path"), "no host");
	CHECK(!accepted("https://user:pw@login.example.com/"),
	    "user information");
	CHECK(!accepted("https://login.example.com/#x"), "a fragment");
	CHECK(!accepted("https://login.example.com:0/"), "port 0");
	CHECK(!accepted("https://login.example.com:65536/"), "port 65536");
	CHECK(!accepted("https://log%69n.example.com/"),
	    "a percent-escape in the host");
	CHECK(!accepted("https://login.example.com/a b"), "a space");
	CHECK(!accepted("https://[::1/"), "an unclosed bracket");

	memset(longurl, 'a', sizeof(longurl) - 1);
	longurl[sizeof(longurl) - 1] = '\0';
	memcpy(longurl, "https://x.example/", 18);
	CHECK(!accepted(longurl), "a URL over %d bytes", HTTPS_URL_MAX);

	CHECK(host_is_loopback("127.0.0.1") &&
	    host_is_loopback("::1") && host_is_loopback("localhost") &&
	    !host_is_loopback("128.0.0.1") &&
	    !host_is_loopback("LOCALHOST.") && !host_is_loopback(""),
	    "host_is_loopback on addresses and names");
	return check_done();
}
