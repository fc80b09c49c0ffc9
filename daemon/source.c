/*
 * The source address of a request (source.h).  Forwarded and
 * X-Forwarded-For come from whoever connects, so their parsers are strict
 * and bounded: at most SOURCE_HEADER_MAX bytes read once, at most
 * SOURCE_HOPS_MAX hops, nothing allocated, and anything unexpected makes
 * the whole header malformed rather than guessed at.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string.h>
#include <strings.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "cidr.h"
#include "source.h"

#define NODE_MAX	128	/* a for= value, unquoted: more is no node */
#define OWS		" \t"

/* One hop: an address, or "unknown" or an "_obfuscated" identifier. */
struct hop {
	struct cidr	 addr;		/* family 0: not an address */
	char		 text[SOURCE_MAX];
};

struct chain {
	struct hop	 hop[SOURCE_HOPS_MAX];
	size_t		 n;
};

/* The values of one header, joined; one byte past the maximum is kept so
 * that source_pick() sees a header cut short as too long. */
struct joined {
	char		 text[SOURCE_HEADER_MAX + 2];
	size_t		 len;
	int		 any;
};

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A token character of RFC 7230 section 3.2.6. */
static int
is_tchar(int c)
{
	return is_alnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

/* ASCII, no control character but the tab, at most SOURCE_HEADER_MAX. */
static int
header_ok(const char *s)
{
	size_t		 i;
	unsigned char	 c;

	for (i = 0; s[i] != '\0'; i++) {
		c = (unsigned char)s[i];
		if (i == SOURCE_HEADER_MAX || c >= 0x7f ||
		    (c < 0x20 && c != '\t'))
			return -1;
	}
	return 0;
}

/* The address of family (AF_UNSPEC: either) in the len bytes at s. */
static int
hop_addr(struct hop *h, int family, const char *s, size_t len)
{
	char	 buf[INET6_ADDRSTRLEN];

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (cidr_addr(buf, &h->addr) == -1 ||
	    (family != AF_UNSPEC && h->addr.family != family))
		return -1;
	if (inet_ntop(h->addr.family, h->addr.addr, h->text,
	    sizeof(h->text)) == NULL)
		return -1;
	return 0;
}

/* A hop that is no address: "unknown" or an obfuscated identifier. */
static int
hop_name(struct hop *h, const char *s, size_t len)
{
	memset(&h->addr, 0, sizeof(h->addr));
	if (len >= sizeof(h->text))
		return -1;
	memcpy(h->text, s, len);
	h->text[len] = '\0';
	return 0;
}

/* 1 to 5 digits, at most 65535. */
static int
port_ok(const char *s, size_t len)
{
	unsigned long	 v = 0;
	size_t		 i;

	if (len == 0 || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v <= 65535 ? 0 : -1;
}

/* RFC 7239 section 6.3: "_" 1*( ALPHA / DIGIT / "." / "_" / "-" ). */
static int
obf_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len < 2 || s[0] != '_')
		return -1;
	for (i = 1; i < len; i++)
		if (!is_alnum(s[i]) && s[i] != '.' && s[i] != '_' &&
		    s[i] != '-')
			return -1;
	return 0;
}

/*
 * A node of RFC 7239 section 6, the value of for=: an IPv4 address,
 * "[" IPv6 "]", "unknown" or "_obfuscated", then perhaps ":" and a port
 * or an obfuscated port.
 */
static int
node_parse(struct hop *h, const char *s, size_t len)
{
	const char	*end = s + len, *name_end, *close;

	if (len > 0 && s[0] == '[') {
		if ((close = memchr(s, ']', len)) == NULL ||
		    hop_addr(h, AF_INET6, s + 1, (size_t)(close - s - 1)) == -1)
			return -1;
		name_end = close + 1;
	} else {
		if ((name_end = memchr(s, ':', len)) == NULL)
			name_end = end;
		len = (size_t)(name_end - s);
		if (len == 7 && strncasecmp(s, "unknown", 7) == 0)
			(void)hop_name(h, "unknown", 7);
		else if (len > 0 && s[0] == '_') {
			if (obf_ok(s, len) == -1 || hop_name(h, s, len) == -1)
				return -1;
		} else if (hop_addr(h, AF_INET, s, len) == -1)
			return -1;
	}
	if (name_end == end)
		return 0;
	if (*name_end != ':')
		return -1;
	s = name_end + 1;
	len = (size_t)(end - s);
	return len > 0 && s[0] == '_' ? obf_ok(s, len) : port_ok(s, len);
}

/* The length of the token at p; 0 when there is none. */
static size_t
token_len(const char *p)
{
	size_t	 n = 0;

	while (is_tchar((unsigned char)p[n]))
		n++;
	return n;
}

/*
 * The quoted-string at p (RFC 7230 section 3.2.6), unescaped into out
 * when out is not NULL: its length in the header, both quotes included,
 * or 0 when it is malformed or out is too small.
 */
static size_t
quoted_len(const char *p, char *out, size_t outlen)
{
	size_t		 i = 1, o = 0;
	unsigned char	 c;

	if (p[0] != '"')
		return 0;
	while ((c = (unsigned char)p[i++]) != '"') {
		if (c == '\\')
			c = (unsigned char)p[i++];
		if (c == '\0' || (c < 0x20 && c != '\t') || c >= 0x7f)
			return 0;
		if (out != NULL) {
			if (o + 1 >= outlen)
				return 0;
			out[o++] = (char)c;
		}
	}
	if (out != NULL)
		out[o] = '\0';
	return i;
}

/*
 * An unquoted for= value: a token, and, leniently, the ':' and brackets
 * that RFC 7239 wants quoted but that proxies write bare (nginx's
 * "for=$remote_addr:$remote_port", "for=[::1]").  0 when there is none.
 */
static size_t
node_len(const char *p)
{
	size_t	 n = 0;

	while (is_tchar((unsigned char)p[n]) || p[n] == ':' || p[n] == '[' ||
	    p[n] == ']')
		n++;
	return n;
}

/*
 * One forwarded-element of RFC 7239 section 4 at p, its for= into h:
 * name=value pairs separated by ";" (whitespace around it tolerated, as
 * proxies write it), the names tokens in any case, each of the four the
 * RFC defines at most once, the values tokens or quoted strings.  Returns
 * where it ends, or NULL when it is malformed.
 */
static const char *
forwarded_element(const char *p, struct hop *h)
{
	static const char *const	 names[] = { "for", "by", "host",
					    "proto" };
	char				 node[NODE_MAX];
	unsigned int			 seen = 0;
	size_t				 n, v, i;

	for (;;) {
		if ((n = token_len(p)) == 0 || p[n] != '=')
			return NULL;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i]) == n &&
			    strncasecmp(p, names[i], n) == 0)
				break;
		if (i < sizeof(names) / sizeof(names[0])) {
			/* Two for= in one element: which would be meant? */
			if (seen & (1u << i))
				return NULL;
			seen |= 1u << i;
		}
		p += n + 1;
		if (*p == '"') {
			v = quoted_len(p, i == 0 ? node : NULL, sizeof(node));
			if (v == 0 || (i == 0 &&
			    node_parse(h, node, strlen(node)) == -1))
				return NULL;
		} else if ((v = i == 0 ? node_len(p) : token_len(p)) == 0 ||
		    (i == 0 && node_parse(h, p, v) == -1))
			return NULL;
		p += v;
		if (p[strspn(p, OWS)] != ';')
			break;
		p += strspn(p, OWS) + 1;
		p += strspn(p, OWS);
	}
	if (!(seen & 1u))
		(void)hop_name(h, "unknown", 7);
	return p;
}

/* Forwarded: 1#forwarded-element, whitespace around the commas. */
static int
forwarded_parse(const char *p, struct chain *ch)
{
	for (;;) {
		p += strspn(p, OWS);
		if (ch->n == SOURCE_HOPS_MAX ||
		    (p = forwarded_element(p, &ch->hop[ch->n])) == NULL)
			return -1;
		ch->n++;
		p += strspn(p, OWS);
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			return -1;
	}
}

/* An entry of X-Forwarded-For: IPv4, IPv6, "[" IPv6 "]", with a port or
 * not (a.b.c.d:port, [v6]:port), or "unknown" (Squid's, for a hop it
 * could not name). */
static int
xff_entry(struct hop *h, const char *s, size_t len)
{
	const char	*end = s + len, *colon, *close;

	if (len == 7 && strncasecmp(s, "unknown", 7) == 0)
		return hop_name(h, "unknown", 7);

	if (s[0] == '[') {
		if ((close = memchr(s, ']', len)) == NULL ||
		    hop_addr(h, AF_INET6, s + 1, (size_t)(close - s - 1)) == -1)
			return -1;
		if (close + 1 == end)
			return 0;
		if (close[1] != ':')
			return -1;
		return port_ok(close + 2, (size_t)(end - close - 2));
	}
	if ((colon = memchr(s, ':', len)) == NULL)
		return hop_addr(h, AF_INET, s, len);
	if (memchr(colon + 1, ':', (size_t)(end - colon - 1)) != NULL)
		return hop_addr(h, AF_INET6, s, len);
	if (hop_addr(h, AF_INET, s, (size_t)(colon - s)) == -1)
		return -1;
	return port_ok(colon + 1, (size_t)(end - colon - 1));
}

/* X-Forwarded-For: addresses separated by commas, whitespace around. */
static int
xff_parse(const char *p, struct chain *ch)
{
	size_t	 n;

	for (;;) {
		p += strspn(p, OWS);
		n = strcspn(p, "," OWS);
		if (n == 0 || ch->n == SOURCE_HOPS_MAX ||
		    xff_entry(&ch->hop[ch->n], p, n) == -1)
			return -1;
		ch->n++;
		p += n;
		p += strspn(p, OWS);
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			return -1;
	}
}

/* The peer as a hop, without the scope of a link-local address. */
static void
peer_hop(const char *peer, struct hop *h)
{
	if (peer == NULL ||
	    hop_addr(h, AF_UNSPEC, peer, strcspn(peer, "%")) == -1)
		(void)hop_name(h, "unknown", 7);
}

static int
trusted(const struct config *conf, const struct hop *h)
{
	return conf != NULL && h->addr.family != 0 &&
	    cidr_match(conf->trusted_proxies, conf->ntrusted_proxies,
	    &h->addr);
}

static int
put(char *out, size_t outlen, const char *s)
{
	size_t	 len = strlen(s);

	if (len >= outlen)
		return -1;
	memcpy(out, s, len + 1);
	return 0;
}

int
source_pick(const char *peer, const char *forwarded, const char *xff,
    const struct config *conf, char *out, size_t outlen, const char **why)
{
	struct chain	 ch;
	struct hop	 p;
	size_t		 i;

	if (outlen > 0)
		out[0] = '\0';
	*why = "malformed Forwarded or X-Forwarded-For header";
	peer_hop(peer, &p);
	if (!trusted(conf, &p) || (forwarded == NULL && xff == NULL))
		return put(out, outlen, p.text);
	/*
	 * nginx, HAProxy and AWS ALB append to X-Forwarded-For and pass a
	 * client's Forwarded through; reading either one first would let the
	 * client name its own source behind the proxies that write the other.
	 */
	if (forwarded != NULL && xff != NULL) {
		*why = "both Forwarded and X-Forwarded-For: a trusted proxy "
		    "must send one";
		return -1;
	}
	ch.n = 0;
	if (forwarded != NULL) {
		if (header_ok(forwarded) == -1 ||
		    forwarded_parse(forwarded, &ch) == -1)
			return -1;
	} else if (header_ok(xff) == -1 || xff_parse(xff, &ch) == -1)
		return -1;
	/* From the nearest hop; the leftmost when every other is trusted. */
	for (i = ch.n; i > 1; i--)
		if (!trusted(conf, &ch.hop[i - 1]))
			break;
	return put(out, outlen, ch.hop[i - 1].text);
}

static void
join_text(struct joined *j, const char *s)
{
	size_t	 n = strnlen(s, sizeof(j->text));

	if (n > sizeof(j->text) - 1 - j->len)
		n = sizeof(j->text) - 1 - j->len;
	memcpy(j->text + j->len, s, n);
	j->len += n;
	j->text[j->len] = '\0';
}

/* evhttp keeps a header sent twice as two: one list, as RFC 7230 3.2.2. */
static void
join(struct joined *j, const char *value)
{
	if (j->any)
		join_text(j, ", ");
	join_text(j, value);
	j->any = 1;
}

int
source_of(struct evhttp_request *req, const struct config *conf, char *out,
    size_t outlen, const char **why)
{
	struct evhttp_connection	*conn;
	struct evkeyval			*kv;
	struct joined			 fwd, xff;
	char				*peer = NULL;
	ev_uint16_t			 port;

	if ((conn = evhttp_request_get_connection(req)) != NULL)
		evhttp_connection_get_peer(conn, &peer, &port);
	/* No proxy trusted: the headers are not even gathered. */
	if (conf == NULL || conf->ntrusted_proxies == 0)
		return source_pick(peer, NULL, NULL, conf, out, outlen, why);
	fwd.len = xff.len = 0;
	fwd.any = xff.any = 0;
	fwd.text[0] = xff.text[0] = '\0';
	TAILQ_FOREACH(kv, evhttp_request_get_input_headers(req), next) {
		if (strcasecmp(kv->key, "Forwarded") == 0)
			join(&fwd, kv->value);
		else if (strcasecmp(kv->key, "X-Forwarded-For") == 0)
			join(&xff, kv->value);
	}
	return source_pick(peer, fwd.any ? fwd.text : NULL,
	    xff.any ? xff.text : NULL, conf, out, outlen, why);
}
