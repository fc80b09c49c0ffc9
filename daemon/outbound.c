#include <sys/socket.h>

#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/event.h>

#include "https_url.h"
#include "log.h"
#include "outbound.h"

static struct event_base	*base;
static struct evdns_base	*dns;
static int			 dns_fds[OUTBOUND_DNS_MAX];
static size_t			 ndns;

int
outbound_needed(const struct config *conf)
{
	size_t	 i;

	if (conf->console.enabled || conf->nwebhooks > 0)
		return 1;
	for (i = 0; i < conf->nclients; i++)
		if (conf->clients[i].backchannel_logout_uri != NULL)
			return 1;
	return 0;
}

/*
 * The resolver's sockets: its datagram sockets, the only ones there are.
 * The filter lets these alone send to an address (confine.c): one more
 * than it can name would be a resolver that kills the front end at its
 * first question, so that is refused at start.
 */
static int
find_dns_sockets(void)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	int			 fd, type, found = 0;

	for (fd = 0; fd < FD_SETSIZE; fd++) {
		len = sizeof(type);
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
		    type != SOCK_DGRAM)
			continue;
		len = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0 ||
		    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
			continue;
		if (ndns < OUTBOUND_DNS_MAX)
			dns_fds[ndns++] = fd;
		found++;
	}
	if (found > OUTBOUND_DNS_MAX) {
		log_warnx("the resolver has %d nameservers; at most %d are "
		    "used by the outbound client: list fewer in "
		    "/etc/resolv.conf", found, OUTBOUND_DNS_MAX);
		return -1;
	}
	return 0;
}

int
outbound_init(struct event_base *b, const struct config *conf)
{
	unsigned short	 ports[OUTBOUND_PORTS_MAX];

	if (!outbound_needed(conf))
		return 0;
	if (outbound_ports(conf, ports) == -1) {
		log_warnx("the console's provider, the back-channel logout URIs "
		    "and the webhooks name more than %d TCP ports",
		    OUTBOUND_PORTS_MAX);
		return -1;
	}
	base = b;
	/* The system's resolver configuration, read now or never. */
	if ((dns = evdns_base_new(base,
	    EVDNS_BASE_INITIALIZE_NAMESERVERS)) == NULL) {
		log_warnx("no resolver configuration: outbound requests reach "
		    "addresses only");
		if ((dns = evdns_base_new(base, 0)) == NULL)
			return -1;
	}
	return find_dns_sockets();
}

struct https_client *
outbound_client(const char *ca_file, char *err, size_t errlen)
{
	return https_client_new(base, dns, ca_file, err, errlen);
}

size_t
outbound_dns_sockets(int *fds, size_t max)
{
	size_t	 i;

	for (i = 0; i < ndns && i < max; i++)
		fds[i] = dns_fds[i];
	return i;
}

/* Add port to ports, once: 0, or -1 when they are full. */
static int
add_port(int port, unsigned short *ports, size_t *n)
{
	size_t	 i;

	for (i = 0; i < *n; i++)
		if (ports[i] == port)
			return 0;
	if (*n == OUTBOUND_PORTS_MAX)
		return -1;
	ports[(*n)++] = (unsigned short)port;
	return 0;
}

/* The port of url, or 0 when it is refused (then it is never asked for). */
static int
port_of(const char *url)
{
	struct https_url	 u;

	if (https_url_parse(url, &u) != NULL)
		return 0;
	free(u.target);
	return u.port;
}

/* The port of url (none when it is NULL or refused), once: 0, or -1. */
static int
add_url(const char *url, unsigned short *ports, size_t *n)
{
	int	 port;

	if (url == NULL || (port = port_of(url)) == 0)
		return 0;
	return add_port(port, ports, n);
}

int
outbound_ports(const struct config *conf, unsigned short *ports)
{
	size_t	 i, n = 0;

	if (conf->console.enabled && port_of(conf->console.idp_issuer) != 0 &&
	    (add_url(conf->console.idp_issuer, ports, &n) == -1 ||
	    add_port(443, ports, &n) == -1))
		return -1;
	for (i = 0; i < conf->nclients; i++)
		if (add_url(conf->clients[i].backchannel_logout_uri, ports,
		    &n) == -1)
			return -1;
	for (i = 0; i < conf->nwebhooks; i++)
		if (add_url(conf->webhooks[i].url, ports, &n) == -1)
			return -1;
	return (int)n;
}
