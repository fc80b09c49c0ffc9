/*
 * Where the outbound HTTPS client may go (DESIGN.md section 7): https to
 * any host, http only to a loopback address (tests, the demo), nothing
 * else.  Kept apart from the client so that the rules are tested without
 * a network.
 */
#ifndef GUISE_HTTPS_URL_H
#define GUISE_HTTPS_URL_H

#include <stddef.h>

#define HTTPS_URL_MAX	2048		/* bytes of a URL we fetch */
#define HTTPS_HOST_MAX	253		/* a DNS name's longest text */

struct https_url {
	int	 tls;				/* https, else http */
	char	 host[HTTPS_HOST_MAX + 1];	/* to connect to: no brackets */
	char	 hostport[HTTPS_HOST_MAX + 9];	/* the Host header */
	int	 port;
	int	 ip;				/* host is an address */
	char	*target;			/* path and query; the caller
						 * frees it */
};

/*
 * Parse url into *u (u->target allocated).  NULL on success, else the
 * problem, to follow the URL in a message ("must be https:// ...").
 */
const char	*https_url_parse(const char *url, struct https_url *u);


#endif
