/*
 * The URL rules of the outbound client.  evhttp_uri_parse splits the URL
 * (strictly: no space, no fragment-like junk in the authority); what it
 * accepts is then narrowed to what a provider's URL needs: no user
 * information (a password in a URL ends up in logs), no fragment, a host
 * that is a DNS name or an address, and plain http only to loopback,
 * decided on the literal text (a name that resolves to 127.0.0.1 today
 * may resolve elsewhere tomorrow, so only "localhost" is taken on trust).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "https_url.h"
#include "loopback.h"


/*
 * A DNS name of letters, digits, '-' and '.': evhttp's reg-name also takes
 * percent-escapes and sub-delimiters, which no resolver or certificate
 * would match the same way.
 */
static int
host_name_ok(const char *s)
{
	size_t	 i;

	if (s[0] == '\0' || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		    s[i] == '.'))
			return 0;
	return 1;
}

/* The host of uri into u (brackets taken off an IPv6 literal). */
static const char *
url_host(const char *host, struct https_url *u)
{
	struct in6_addr	 in6;
	struct in_addr	 in4;
	size_t		 len = strlen(host);

	if (len == 0)
		return "has no host";
	if (host[0] == '[') {
		if (len < 3 || len - 2 > HTTPS_HOST_MAX)
			return "has a bad IPv6 address";
		memcpy(u->host, host + 1, len - 2);
		u->host[len - 2] = '\0';
		if (inet_pton(AF_INET6, u->host, &in6) != 1)
			return "has a bad IPv6 address";
		u->ip = 1;
		return NULL;
	}
	if (len > HTTPS_HOST_MAX)
		return "has a host name too long";
	memcpy(u->host, host, len + 1);
	if (inet_pton(AF_INET, host, &in4) == 1)
		u->ip = 1;
	else if (!host_name_ok(host))
		return "has a host that is not a DNS name or an address";
	return NULL;
}

static const char *
url_check(const struct evhttp_uri *uri, struct https_url *u)
{
	const char	*scheme, *path, *query, *problem;
	int		 n;
	size_t		 len;

	scheme = evhttp_uri_get_scheme(uri);
	if (scheme != NULL && strcmp(scheme, "https") == 0)
		u->tls = 1;
	else if (scheme == NULL || strcmp(scheme, "http") != 0)
		return "must be https:// (or http:// on a loopback address)";
	if (evhttp_uri_get_userinfo(uri) != NULL)
		return "must not have user information";
	if (evhttp_uri_get_fragment(uri) != NULL)
		return "must not have a fragment";
	if (evhttp_uri_get_host(uri) == NULL)
		return "has no host";
	if ((problem = url_host(evhttp_uri_get_host(uri), u)) != NULL)
		return problem;
	if (!u->tls && !host_is_loopback(u->host))
		return "must be https:// (http:// only on 127.0.0.0/8, ::1 "
		    "or localhost)";
	u->port = evhttp_uri_get_port(uri);
	if (u->port == 0 || u->port > 65535)
		return "has a bad port";
	if (u->port == -1)
		u->port = u->tls ? 443 : 80;
	/* The Host header: the default port is left out, as browsers do. */
	n = snprintf(u->hostport, sizeof(u->hostport), "%s",
	    evhttp_uri_get_host(uri));
	if (u->port != (u->tls ? 443 : 80))
		n = snprintf(u->hostport, sizeof(u->hostport), "%s:%d",
		    evhttp_uri_get_host(uri), u->port);
	if (n < 0 || (size_t)n >= sizeof(u->hostport))
		return "has a host name too long";

	path = evhttp_uri_get_path(uri);
	if (path == NULL || path[0] == '\0')
		path = "/";
	query = evhttp_uri_get_query(uri);
	len = strlen(path) + (query != NULL ? strlen(query) + 1 : 0) + 1;
	if ((u->target = malloc(len)) == NULL)
		return "cannot be held: out of memory";
	snprintf(u->target, len, "%s%s%s", path, query != NULL ? "?" : "",
	    query != NULL ? query : "");
	return NULL;
}

const char *
https_url_parse(const char *url, struct https_url *u)
{
	struct evhttp_uri	*uri;
	const char		*problem;

	memset(u, 0, sizeof(*u));
	if (strlen(url) > HTTPS_URL_MAX)
		return "is too long";
	if ((uri = evhttp_uri_parse(url)) == NULL)
		return "is not a URL";
	problem = url_check(uri, u);
	evhttp_uri_free(uri);
	if (problem != NULL) {
		free(u->target);
		u->target = NULL;
	}
	return problem;
}
