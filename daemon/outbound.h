/*
 * The front end's outbound HTTPS requests: the console's identity provider
 * (DESIGN.md section 7), the applications' back-channel logout URIs and
 * the webhooks (section 8).  One resolver, whose datagram sockets are found before the
 * front end confines itself: the system call filter lets them alone send
 * to an address, and Landlock lets TCP connect only to the ports these
 * URLs name (confine.c).  Nothing of it exists when nothing goes out.
 */
#ifndef GUISE_OUTBOUND_H
#define GUISE_OUTBOUND_H

#include <stddef.h>

#include "config.h"
#include "https_client.h"

struct event_base;

#define OUTBOUND_DNS_MAX	8	/* nameservers the filter can name */
#define OUTBOUND_PORTS_MAX	16	/* TCP ports Landlock lets it reach */

/* Does conf send anything out: a console, a back-channel URI, a webhook? */
int	outbound_needed(const struct config *);

/*
 * Before confinement: the resolver, when conf needs it.  -1 with a
 * message when it cannot be made.
 */
int	outbound_init(struct event_base *, const struct config *);

/*
 * A client for requests verified against ca_file (NULL: the system's
 * CAs), on the resolver; read now.  NULL with err written.
 */
struct https_client *outbound_client(const char *ca_file, char *err,
	    size_t errlen);

/* The resolver's sockets, n of at most max. */
size_t	outbound_dns_sockets(int *fds, size_t max);

/*
 * The TCP ports conf's outbound requests reach, n of at most
 * OUTBOUND_PORTS_MAX: the provider's issuer's and 443 (its endpoints are
 * on one of them), each back-channel URI's and each webhook's.  -1 when
 * there are more.
 */
int	outbound_ports(const struct config *, unsigned short *ports);

#endif
