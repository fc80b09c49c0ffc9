/*
 * Numeric addresses and CIDR ranges, for trusted_proxies (DESIGN.md
 * section 3): the peers whose Forwarded and X-Forwarded-For are believed.
 * An address is kept as a range of full length (/32 or /128).
 */
#ifndef GUISE_CIDR_H
#define GUISE_CIDR_H

#include <stddef.h>

#define CIDR_ADDR_LEN	16	/* bytes of an IPv6 address */

struct cidr {
	int		 family;	/* AF_INET or AF_INET6 */
	unsigned char	 addr[CIDR_ADDR_LEN];	/* network order; IPv4: 4 */
	int		 bits;		/* prefix: 0-32 or 0-128 */
};

/*
 * s, a numeric IPv4 or IPv6 address alone or with "/prefix" (decimal, no
 * leading zero), into *c.  Returns NULL, or the problem, to follow s in a
 * message: "is not an address or CIDR range", or "has host bits set
 * beyond its prefix" (10.0.0.1/8: a range is written with its first
 * address, so that a typo is not taken for a wider range).
 */
const char	*cidr_parse(const char *s, struct cidr *c);

/* s, a numeric IPv4 or IPv6 address and nothing else, into *c; 0 or -1. */
int		 cidr_addr(const char *s, struct cidr *c);

/*
 * 1 when the address a is in one of the n ranges, else 0.  An IPv4-mapped
 * IPv6 address (::ffff:10.1.2.3, a dual-stack socket's IPv4 peer) is in
 * the IPv4 ranges its IPv4 address is in.
 */
int		 cidr_match(const struct cidr *ranges, size_t n,
		    const struct cidr *a);

#endif
