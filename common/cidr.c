#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string.h>

#include "cidr.h"

#define CIDR_BAD	"is not an address or CIDR range"
#define CIDR_HOST_BITS	"has host bits set beyond its prefix"

/* The first len bytes of s, NUL-terminated, as an address. */
static int
addr_n(const char *s, size_t len, struct cidr *c)
{
	char	 buf[INET6_ADDRSTRLEN];

	memset(c, 0, sizeof(*c));
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, c->addr) == 1) {
		c->family = AF_INET;
		c->bits = 32;
	} else if (inet_pton(AF_INET6, buf, c->addr) == 1) {
		c->family = AF_INET6;
		c->bits = 128;
	} else
		return -1;
	return 0;
}

int
cidr_addr(const char *s, struct cidr *c)
{
	return addr_n(s, strlen(s), c);
}

/* Whether the first bits bits of a and b are equal. */
static int
prefix_equal(const unsigned char *a, const unsigned char *b, int bits)
{
	int		 whole = bits / 8, rest = bits % 8;
	unsigned char	 mask;

	if (memcmp(a, b, (size_t)whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

const char *
cidr_parse(const char *s, struct cidr *c)
{
	const char	*slash, *p;
	unsigned char	 net[CIDR_ADDR_LEN];
	int		 bits = 0, max, i;

	if ((slash = strchr(s, '/')) == NULL)
		return cidr_addr(s, c) == 0 ? NULL : CIDR_BAD;
	if (addr_n(s, (size_t)(slash - s), c) == -1)
		return CIDR_BAD;
	p = slash + 1;
	/* 1 to 3 digits, no sign, no leading zero: nothing to misread. */
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] != '\0') ||
	    strspn(p, "0123456789") != strlen(p) || strlen(p) > 3)
		return CIDR_BAD;
	for (; *p != '\0'; p++)
		bits = bits * 10 + (*p - '0');
	if (bits > (max = c->bits))
		return CIDR_BAD;
	c->bits = bits;
	/* The first address of the range: the host bits cleared. */
	memcpy(net, c->addr, sizeof(net));
	for (i = bits; i < max; i++)
		net[i / 8] &= (unsigned char)~(0x80 >> (i % 8));
	if (memcmp(net, c->addr, sizeof(net)) != 0)
		return CIDR_HOST_BITS;
	return NULL;
}

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d): its IPv4 address. */
static int
unmapped(const struct cidr *a, struct cidr *v4)
{
	static const unsigned char	 prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0,
					    0, 0, 0xff, 0xff };

	if (a->family != AF_INET6 || memcmp(a->addr, prefix, 12) != 0)
		return -1;
	memset(v4, 0, sizeof(*v4));
	v4->family = AF_INET;
	memcpy(v4->addr, a->addr + 12, 4);
	v4->bits = 32;
	return 0;
}

int
cidr_match(const struct cidr *ranges, size_t n, const struct cidr *a)
{
	struct cidr	 v4;
	int		 mapped;
	size_t		 i;

	mapped = unmapped(a, &v4) == 0;
	for (i = 0; i < n; i++) {
		if (ranges[i].family == a->family &&
		    prefix_equal(ranges[i].addr, a->addr, ranges[i].bits))
			return 1;
		if (mapped && ranges[i].family == AF_INET &&
		    prefix_equal(ranges[i].addr, v4.addr, ranges[i].bits))
			return 1;
	}
	return 0;
}
