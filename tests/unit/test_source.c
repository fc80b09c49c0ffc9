/*
 * The source address of a request (source_pick): the peer unless it is a
 * trusted proxy, then the nearest untrusted hop of Forwarded or
 * X-Forwarded-For, normalised; each malformed header, and the two headers
 * together, refused with -1, the reason, and an empty, terminated out.  Outputs are heap buffers of exactly the
 * size given, so that a write past one shows up under valgrind and ASan.
 * cidr_match's edges come first.
 */
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cidr.h"
#include "config.h"
#include "source.h"

static const char *const proxies[] = { "127.0.0.1", "10.0.0.0/8", "::1",
    "fd00::/8", "192.168.1.128/25" };
#define NPROXIES	(sizeof(proxies) / sizeof(proxies[0]))

static struct cidr	 ranges[NPROXIES];
static struct config	 conf;		/* trusts the proxies above */
static struct config	 none;		/* trusts no one */

/* The reasons source_pick gives, as route() sends them in a 400. */
#define MALFORMED	"malformed Forwarded or X-Forwarded-For header"
#define BOTH		"both Forwarded and X-Forwarded-For: a trusted proxy " \
			    "must send one"

static const char	*why;	/* of the last source_pick that failed */

/* source_pick into a heap buffer of outlen bytes; *got its contents. */
static int
pick_into(const char *peer, const char *fwd, const char *xff,
    const struct config *c, size_t outlen, char *got, size_t gotlen)
{
	char	*out;
	int	 rc;

	if ((out = malloc(outlen ? outlen : 1)) == NULL)
		abort();
	memset(out, 'X', outlen ? outlen : 1);
	why = NULL;
	rc = source_pick(peer, fwd, xff, c, out, outlen, &why);
	if (outlen == 0)
		(void)snprintf(got, gotlen, "%s", out[0] == 'X' ? "" : "?");
	else if (memchr(out, '\0', outlen) == NULL)
		(void)snprintf(got, gotlen, "<not terminated>");
	else
		(void)snprintf(got, gotlen, "%s", out);
	free(out);
	return rc;
}

/* A source never has a space, a control character, '=' or '"'. */
static int
clean(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ||
		    *s == '=' || *s == '"')
			return 0;
	return 1;
}

static void
pick_as(const char *peer, const char *fwd, const char *xff,
    const struct config *c, const char *want, const char *what)
{
	char	 got[SOURCE_MAX + 32];
	int	 rc;

	rc = pick_into(peer, fwd, xff, c, SOURCE_MAX, got, sizeof(got));
	CHECK(rc == 0 && strcmp(got, want) == 0 && clean(got),
	    "%s: %s", what, rc == 0 ? got : "-1");
}

#define PICK(peer, fwd, xff, want, what) \
	pick_as(peer, fwd, xff, &conf, want, what)

/* what, with control characters and bytes past ASCII as \xNN: one line
 * of TAP whatever the header. */
static const char *
shown(const char *what)
{
	static char		 buf[256];
	const unsigned char	*u = (const unsigned char *)what;
	size_t			 len = 0;

	for (; *u != '\0' && len + 5 < sizeof(buf); u++)
		if (*u < 0x20 || *u >= 0x7f)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
			    "\\x%02x", *u);
		else
			buf[len++] = (char)*u;
	buf[len] = '\0';
	return buf;
}

/* From the trusted peer 127.0.0.1: refused for reason, out empty. */
static void
refused_as(const char *fwd, const char *xff, const char *reason,
    const char *what)
{
	char	 got[SOURCE_MAX + 32];
	int	 rc;

	rc = pick_into("127.0.0.1", fwd, xff, &conf, SOURCE_MAX, got,
	    sizeof(got));
	CHECK(rc == -1 && got[0] == '\0' && why != NULL &&
	    strcmp(why, reason) == 0, "refused: %s: %s", shown(what),
	    rc == 0 ? got : why != NULL ? why : "no reason");
}

static void
bad_as(const char *fwd, const char *xff, const char *what)
{
	refused_as(fwd, xff, MALFORMED, what);
}

#define BAD_XFF(xff)	bad_as(NULL, xff, "X-Forwarded-For: " xff)
#define BAD_FWD(fwd)	bad_as(fwd, NULL, "Forwarded: " fwd)
#define BOTH_AS(fwd, xff, what)	refused_as(fwd, xff, BOTH, what)

static void
setup(void)
{
	size_t	 i;

	for (i = 0; i < NPROXIES; i++)
		if (cidr_parse(proxies[i], &ranges[i]) != NULL)
			abort();
	conf.trusted_proxies = ranges;
	conf.ntrusted_proxies = NPROXIES;
}

static int
in(const char *range, const char *addr)
{
	struct cidr	 r, a;

	if (cidr_parse(range, &r) != NULL || cidr_addr(addr, &a) == -1)
		abort();
	return cidr_match(&r, 1, &a);
}

static void
test_cidr(void)
{
	struct cidr	 a;

	CHECK(in("0.0.0.0/0", "203.0.113.9") && in("::/0", "2001:db8::1"),
	    "/0 holds every address of its family");
	CHECK(!in("0.0.0.0/0", "2001:db8::1") && !in("::/0", "203.0.113.9"),
	    "but none of the other family");
	CHECK(in("10.128.0.0/9", "10.200.1.1") &&
	    !in("10.128.0.0/9", "10.127.255.255"), "a prefix inside a byte");
	CHECK(in("2001:db8::/127", "2001:db8::1") &&
	    !in("2001:db8::/127", "2001:db8::2"), "/127");
	CHECK(in("10.0.0.0/8", "::ffff:10.1.2.3") &&
	    in("127.0.0.1", "::ffff:127.0.0.1") &&
	    !in("10.0.0.0/8", "::ffff:11.1.2.3"),
	    "an IPv4-mapped address is in its IPv4 ranges");
	CHECK(!in("10.0.0.0/8", "::10.1.2.3") &&
	    !in("10.0.0.0/8", "64:ff9b::10.1.2.3"),
	    "other embeddings of IPv4 are not mapped");
	CHECK(in("::ffff:0:0/96", "::ffff:10.1.2.3"),
	    "a mapped address is in IPv6 ranges too");
	CHECK(cidr_addr("10.0.0.0/8", &a) == -1 && cidr_addr("", &a) == -1 &&
	    cidr_addr("[::1]", &a) == -1, "cidr_addr: an address alone");
}

static void
test_peer(void)
{
	pick_as("127.0.0.1", NULL, "203.0.113.9", &none, "127.0.0.1",
	    "no trusted_proxies: the peer, X-Forwarded-For ignored");
	pick_as("127.0.0.1", "for=203.0.113.9", NULL, &none, "127.0.0.1",
	    "no trusted_proxies: Forwarded ignored");
	pick_as("127.0.0.1", "for=\"", "garbage", &none, "127.0.0.1",
	    "no trusted_proxies: malformed headers are never parsed");
	pick_as("127.0.0.1", NULL, "203.0.113.9", NULL, "127.0.0.1",
	    "conf NULL trusts no one");
	PICK("203.0.113.1", NULL, "198.51.100.1", "203.0.113.1",
	    "an untrusted peer: its headers ignored");
	PICK("203.0.113.1", "for=\"[::1", "\x01", "203.0.113.1",
	    "an untrusted peer: malformed headers ignored");
	PICK("2001:db8::5", "for=198.51.100.1", NULL, "2001:db8::5",
	    "an untrusted IPv6 peer");
	PICK("127.0.0.1", NULL, NULL, "127.0.0.1",
	    "a trusted peer without headers is the source");
	PICK("::ffff:127.0.0.1", NULL, "203.0.113.9", "203.0.113.9",
	    "a dual-stack socket's IPv4 peer is trusted as IPv4");
	PICK("::ffff:203.0.113.1", NULL, "198.51.100.1", "::ffff:203.0.113.1",
	    "an untrusted mapped peer, as inet_ntop writes it");
	PICK("0:0:0:0:0:0:0:1", NULL, "198.51.100.1", "198.51.100.1",
	    "a peer in another spelling of ::1 is trusted");
	PICK("2001:DB8:0::5", NULL, NULL, "2001:db8::5",
	    "the peer is normalised");
	PICK("fe80::1%eth0", NULL, "198.51.100.1", "fe80::1",
	    "a link-local peer loses its scope");
	PICK(NULL, NULL, "198.51.100.1", "unknown", "no peer: unknown");
	PICK("peer", NULL, "198.51.100.1", "unknown",
	    "a peer that is no address: unknown");
}

static void
test_xff(void)
{
	PICK("127.0.0.1", NULL, "203.0.113.9", "203.0.113.9", "IPv4");
	PICK("127.0.0.1", NULL, "203.0.113.9:4711", "203.0.113.9",
	    "IPv4 with a port");
	PICK("::1", NULL, "2001:DB8::1", "2001:db8::1", "IPv6, upper case");
	PICK("::1", NULL, "2001:db8:0::1", "2001:db8::1", "IPv6, long form");
	PICK("::1", NULL, "[2001:db8::1]", "2001:db8::1", "[IPv6]");
	PICK("::1", NULL, "[2001:db8::1]:4711", "2001:db8::1",
	    "[IPv6] with a port");
	PICK("127.0.0.1", NULL, "::ffff:198.51.100.1", "::ffff:198.51.100.1",
	    "an untrusted mapped hop as inet_ntop writes it");
	PICK("127.0.0.1", NULL, "198.51.100.1, 10.1.2.3", "198.51.100.1",
	    "a trusted hop is skipped");
	PICK("127.0.0.1", NULL, "198.51.100.1, 203.0.113.5, 10.1.2.3",
	    "203.0.113.5", "the nearest untrusted hop, not the leftmost");
	PICK("127.0.0.1", NULL, "10.0.0.1, 127.0.0.1", "10.0.0.1",
	    "every hop trusted: the leftmost");
	PICK("127.0.0.1", NULL, "10.9.9.9", "10.9.9.9",
	    "one trusted hop: itself");
	PICK("127.0.0.1", NULL, "198.51.100.1, ::ffff:10.1.2.3",
	    "198.51.100.1", "a mapped hop is trusted as IPv4");
	PICK("127.0.0.1", NULL, "192.168.1.100, 192.168.1.200",
	    "192.168.1.100", "a /25: .200 in, .100 out");
	PICK("127.0.0.1", NULL, "192.168.1.200, 192.168.1.100",
	    "192.168.1.100", "a /25: the untrusted .100 nearest");
	PICK("::1", NULL, "2001:db8::9, fd12::1, ::1", "2001:db8::9",
	    "IPv6 ranges");
	PICK("127.0.0.1", NULL, "  198.51.100.1 ,\t10.1.2.3\t", "198.51.100.1",
	    "whitespace around the commas");
	PICK("127.0.0.1", NULL, "198.51.100.1,10.1.2.3", "198.51.100.1",
	    "no whitespace at all");
	PICK("127.0.0.1", NULL, "1.2.3.4:0, 5.6.7.8:65535", "5.6.7.8",
	    "ports 0 and 65535");
}

static void
test_forwarded(void)
{
	PICK("127.0.0.1", "for=203.0.113.9", NULL, "203.0.113.9", "for=IPv4");
	PICK("127.0.0.1", "for=\"[2001:db8::7]:4711\"", NULL, "2001:db8::7",
	    "for=\"[IPv6]:port\"");
	PICK("127.0.0.1", "For=\"[2001:DB8::7]\"", NULL, "2001:db8::7",
	    "For=\"[IPv6]\", names in any case");
	PICK("127.0.0.1", "FOR=\"192.0.2.43:80\"", NULL, "192.0.2.43",
	    "FOR=\"IPv4:port\"");
	PICK("127.0.0.1", "for=192.0.2.43, for=198.51.100.17;by=203.0.113.60;"
	    "proto=http;host=example.com", NULL, "198.51.100.17",
	    "RFC 7239's example: the nearest element");
	PICK("127.0.0.1", "for=198.51.100.1, for=127.0.0.1;proto=https",
	    NULL, "198.51.100.1", "a trusted hop is skipped");
	PICK("127.0.0.1", "for=10.0.0.1, for=\"[::1]\"", NULL, "10.0.0.1",
	    "every hop trusted: the leftmost");
	PICK("127.0.0.1", "for=unknown", NULL, "unknown", "for=unknown");
	/* What proxies write, which RFC 7239 would have quoted or tight. */
	PICK("127.0.0.1", "for=192.0.2.43:80", NULL, "192.0.2.43",
	    "an unquoted port, as nginx writes it");
	PICK("127.0.0.1", "for=[2001:db8::1]:4711", NULL, "2001:db8::1",
	    "an unquoted IPv6 with a port");
	PICK("127.0.0.1", "for=192.0.2.43; proto=https", NULL, "192.0.2.43",
	    "whitespace after the semicolon");
	PICK("127.0.0.1", "for=192.0.2.43 ;proto=https", NULL, "192.0.2.43",
	    "whitespace before the semicolon");
	PICK("127.0.0.1", NULL, "unknown, 127.0.0.1", "unknown",
	    "Squid's unknown in X-Forwarded-For");
	PICK("127.0.0.1", "for=UNKNOWN, for=10.0.0.1", NULL, "unknown",
	    "UNKNOWN, lower-cased, is never trusted");
	PICK("127.0.0.1", "for=\"unknown:4711\"", NULL, "unknown",
	    "unknown with a port");
	PICK("127.0.0.1", "for=_hidden, for=10.0.0.1", NULL, "_hidden",
	    "an obfuscated identifier, verbatim");
	PICK("127.0.0.1", "for=\"_gazonk:_Port-1\"", NULL, "_gazonk",
	    "an obfuscated node and port");
	PICK("127.0.0.1", "for=\"[2001:db8::1]:_p\"", NULL, "2001:db8::1",
	    "an address with an obfuscated port");
	PICK("127.0.0.1", "proto=https", NULL, "unknown",
	    "an element without for= is unknown");
	PICK("127.0.0.1", "for=198.51.100.1;proto=https, by=10.0.0.2", NULL,
	    "unknown", "an element without for= is the nearest hop");
	PICK("127.0.0.1", "for=\"19\\2.0.2.1\"", NULL, "192.0.2.1",
	    "a quoted-pair");
	PICK("127.0.0.1", "for=192.0.2.1;ext=\"a;b, c=d\";host=\"h:1\"", NULL,
	    "192.0.2.1", "quoted values may hold ; , and =");
	PICK("127.0.0.1", "for=192.0.2.1;x-y=1;x-y=2", NULL, "192.0.2.1",
	    "unregistered parameters are read, not kept");
	PICK("127.0.0.1", "for=198.51.100.1 ,\tfor=10.0.0.1", NULL,
	    "198.51.100.1", "whitespace around the commas");
	PICK("127.0.0.1", "for=198.51.100.1, for=\"[::ffff:10.0.0.1]\"", NULL,
	    "198.51.100.1", "a mapped hop is trusted as IPv4");
	PICK("127.0.0.1", "for=\"_"
	    "123456789012345678901234567890123456789012345678901234567890"
	    "12\"", NULL, "_"
	    "123456789012345678901234567890123456789012345678901234567890"
	    "12", "a 63-character identifier fits");
}

/* n hops separated by sep: first, then rest again and again. */
static const char *
hops(size_t n, const char *first, const char *rest, const char *sep)
{
	static char	 buf[8192];
	size_t		 len = 0, i;

	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
		    i ? sep : "", i ? rest : first);
	if (len >= sizeof(buf))
		abort();
	return buf;
}

/* An X-Forwarded-For of exactly len bytes: one hop, padded. */
static const char *
padded(size_t len)
{
	static char	 buf[8192];

	if (len >= sizeof(buf) || len < 12)
		abort();
	memset(buf, ' ', len);
	memcpy(buf + len - 12, "198.51.100.1", 12);
	buf[len] = '\0';
	return buf;
}

static void
test_bounds(void)
{
	char	 got[SOURCE_MAX + 32];

	PICK("127.0.0.1", NULL, hops(32, "198.51.100.1", "10.0.0.1", ", "),
	    "198.51.100.1", "32 hops");
	bad_as(NULL, hops(33, "198.51.100.1", "10.0.0.1", ", "), "33 hops");
	PICK("127.0.0.1", hops(32, "for=198.51.100.1", "for=10.0.0.1", ", "),
	    NULL, "198.51.100.1", "32 elements");
	bad_as(hops(33, "for=198.51.100.1", "for=10.0.0.1", ", "), NULL,
	    "33 elements");
	PICK("127.0.0.1", NULL, padded(SOURCE_HEADER_MAX), "198.51.100.1",
	    "a header of 4096 bytes");
	bad_as(NULL, padded(SOURCE_HEADER_MAX + 1), "a header of 4097 bytes");
	bad_as("for=\"_"
	    "123456789012345678901234567890123456789012345678901234567890"
	    "123\"", NULL, "a 64-character identifier does not fit");
	bad_as("for=\"_"
	    "123456789012345678901234567890123456789012345678901234567890"
	    "123456789012345678901234567890123456789012345678901234567890"
	    "1234567890\"", NULL, "a for= value past 127 characters");

	CHECK(pick_into("127.0.0.1", NULL, "203.0.113.9", &conf, 11, got,
	    sizeof(got)) == -1 && got[0] == '\0',
	    "a source one byte over outlen: -1, out empty");
	CHECK(pick_into("127.0.0.1", NULL, "203.0.113.9", &conf, 12, got,
	    sizeof(got)) == 0 && strcmp(got, "203.0.113.9") == 0,
	    "a source that just fits");
	CHECK(pick_into("127.0.0.1", NULL, NULL, &conf, 0, got,
	    sizeof(got)) == -1 && got[0] == '\0',
	    "outlen 0: -1, nothing written");
	CHECK(pick_into("::1", NULL, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    &conf, SOURCE_MAX, got, sizeof(got)) == 0 &&
	    strlen(got) == 39, "the longest address fits");
}

static void
test_bad_xff(void)
{
	BAD_XFF("");
	BAD_XFF(" ");
	BAD_XFF(",");
	BAD_XFF("1.2.3.4,");
	BAD_XFF(",1.2.3.4");
	BAD_XFF("1.2.3.4,,5.6.7.8");
	BAD_XFF("1.2.3.4, ,5.6.7.8");
	BAD_XFF("1.2.3.4 5.6.7.8");
	BAD_XFF("1.2.3.4;5.6.7.8");
	BAD_XFF("1.2.3");
	BAD_XFF("1.2.3.4.5");
	BAD_XFF("256.1.1.1");
	BAD_XFF("01.2.3.4");
	BAD_XFF("1.2.3.4:");
	BAD_XFF("1.2.3.4:65536");
	BAD_XFF("1.2.3.4:123456");
	BAD_XFF("1.2.3.4:8x");
	BAD_XFF("1.2.3.4:-1");
	BAD_XFF("1.2.3.4:_p");
	BAD_XFF("[2001:db8::1");
	BAD_XFF("2001:db8::1]");
	BAD_XFF("[2001:db8::1]x");
	BAD_XFF("[2001:db8::1]:");
	BAD_XFF("[2001:db8::1]:70000");
	BAD_XFF("[]");
	BAD_XFF("[1.2.3.4]");
	BAD_XFF("[[::1]]");
	BAD_XFF("2001:db8::1:");
	BAD_XFF("2001:db8:::1");
	BAD_XFF("fe80::1%eth0");
	BAD_XFF("_hidden");
	BAD_XFF("localhost");
	BAD_XFF("\"1.2.3.4\"");
	BAD_XFF("for=1.2.3.4");
	BAD_XFF("1.2.3.4\x01");
	BAD_XFF("1.2.3.4\r\n");
	BAD_XFF("1.2.3.4\x7f");
	BAD_XFF("1.2.3.4\xc3\xa9");
	BAD_XFF("\xff");
}

/*
 * nginx's $proxy_add_x_forwarded_for, HAProxy's option forwardfor and AWS
 * ALB append to X-Forwarded-For and pass a client's Forwarded through;
 * other proxies the other way round.  Either way one of the two came from
 * the client, and nothing tells which: both are refused, whatever they
 * hold, and only from a trusted peer (from another, neither is read).
 */
static void
test_both(void)
{
	BOTH_AS("for=198.51.100.1", "203.0.113.9",
	    "a client's Forwarded behind a proxy's X-Forwarded-For");
	BOTH_AS("for=198.51.100.1, for=127.0.0.1", "198.51.100.1, 10.0.0.1",
	    "even when the two agree");
	BOTH_AS("for=198.51.100.1", "garbage,,", "a malformed X-Forwarded-For");
	BOTH_AS("for=\"", "1.2.3.4", "a malformed Forwarded");
	BOTH_AS("for=198.51.100.1", "", "an empty X-Forwarded-For");
	BOTH_AS(hops(33, "for=198.51.100.1", "for=10.0.0.1", ", "),
	    "203.0.113.9", "a Forwarded of too many hops");
	PICK("203.0.113.1", "for=198.51.100.1", "198.51.100.2", "203.0.113.1",
	    "from an untrusted peer: the peer, neither header read");
	pick_as("127.0.0.1", "for=198.51.100.1", "198.51.100.2", &none,
	    "127.0.0.1", "no trusted_proxies: the peer");
	PICK("127.0.0.1", "for=198.51.100.1", NULL, "198.51.100.1",
	    "Forwarded alone is read");
	PICK("127.0.0.1", NULL, "198.51.100.1", "198.51.100.1",
	    "X-Forwarded-For alone is read");
}

static void
test_bad_forwarded(void)
{
	BAD_FWD("");
	BAD_FWD(" ");
	BAD_FWD("for");
	BAD_FWD("for=");
	BAD_FWD("for=\"\"");
	BAD_FWD("=1.2.3.4");
	BAD_FWD("for=1.2.3.4;");
	BAD_FWD(";for=1.2.3.4");
	BAD_FWD("for=1.2.3.4;;by=x");
	BAD_FWD("for=1.2.3.4,");
	BAD_FWD(",for=1.2.3.4");
	BAD_FWD("for=1.2.3.4,,for=5.6.7.8");
	BAD_FWD("for=1.2.3.4 for=5.6.7.8");
	BAD_FWD("for =1.2.3.4");
	BAD_FWD("for= 1.2.3.4");
	BAD_FWD("for=\"[::1]");
	BAD_FWD("for=\"1.2.3.4");
	BAD_FWD("for=1.2.3.4\"");
	BAD_FWD("for=\"1.2.3.4\"x");
	BAD_FWD("for=\"::1\"");
	BAD_FWD("for=\"[1.2.3.4]\"");
	BAD_FWD("for=\"[::1]:\"");
	BAD_FWD("for=\"[::1]:99999\"");
	BAD_FWD("for=\"[::1]:_\"");
	BAD_FWD("for=\"[::1]x\"");
	BAD_FWD("for=\"[::1]:80:80\"");
	BAD_FWD("for=\"1.2.3.4:80:80\"");
	BAD_FWD("for=\"1.2.3.4:_a b\"");
	BAD_FWD("for=\"1.2.3.4 \"");
	BAD_FWD("for=_");
	BAD_FWD("for=_a!b");
	BAD_FWD("for=\"_a b\"");
	BAD_FWD("for=\"_a=b\"");
	BAD_FWD("for=unknownx");
	BAD_FWD("for=\"unknown:\"");
	BAD_FWD("for=256.1.1.1");
	BAD_FWD("for=localhost");
	BAD_FWD("for=1.2.3.4;for=5.6.7.8");
	BAD_FWD("for=1.2.3.4;FOR=5.6.7.8");
	BAD_FWD("for=1.2.3.4;by=a;By=b");
	BAD_FWD("for=1.2.3.4;proto");
	BAD_FWD("for=1.2.3.4;proto=");
	BAD_FWD("for=1.2.3.4;pro to=https");
	BAD_FWD("for=1.2.3.4;host=a/b");
	BAD_FWD("for=\"1.2.3.4\\\"");
	BAD_FWD("for=\"1.2.3.4\\");
	BAD_FWD("for=\"1.2.3.4\x01\"");
	BAD_FWD("for=1.2.3.4;x=\"\x01\"");
	BAD_FWD("for=1.2.3.4;x=\"\xc3\xa9\"");
	BAD_FWD("for=1.2.3.4;x=\"\\\xc3\xa9\"");
	BAD_FWD("for=1.2.3.4\x7f");
	BAD_FWD("for=1.2.3.4\r\nX: y");
	BAD_FWD("1.2.3.4");
}

int
main(void)
{
	setup();
	test_cidr();
	test_peer();
	test_xff();
	test_forwarded();
	test_bounds();
	test_bad_xff();
	test_bad_forwarded();
	test_both();
	return check_done();
}
