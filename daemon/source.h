/*
 * The source address of a request (DESIGN.md section 3): the peer's, or,
 * from a peer in trusted_proxies, the nearest hop named by Forwarded
 * (RFC 7239) or X-Forwarded-For that is not itself trusted.  The audit
 * log's ip is this address.
 */
#ifndef GUISE_SOURCE_H
#define GUISE_SOURCE_H

#include <stddef.h>

#include "config.h"
#include "proto.h"

#define SOURCE_MAX		PROTO_IP_MAX	/* bytes, the NUL included */
#define SOURCE_HEADER_MAX	4096	/* a header's values, joined */
#define SOURCE_HOPS_MAX		32

struct evhttp_request;

/*
 * The source of a request from peer (the TCP peer's numeric address),
 * with forwarded and xff the values of all its Forwarded and
 * X-Forwarded-For headers, each joined with ", " in order (NULL: none),
 * into out.  conf NULL trusts no proxy.
 *
 * Unless the peer is in conf's trusted_proxies the source is the peer and
 * neither header is read.  Otherwise the hops are Forwarded's for= values
 * (an element without for= is unknown) or X-Forwarded-For's addresses,
 * whichever of the two headers was sent; walking them from the right, the
 * first one not in trusted_proxies is the source, and when every one is,
 * the leftmost.  "unknown" (written in lower case) and an obfuscated
 * "_identifier" are never trusted.  Addresses are written as inet_ntop(3)
 * writes them, without port or brackets; a peer that is not a numeric
 * address is "unknown".
 *
 * Returns 0, or -1 with *why, a reason for a 400: when both headers were
 * sent (a proxy appends to one of them and passes the other through as
 * the client wrote it, and nothing tells which is which), or when the
 * header is malformed: a syntax error, an empty element, more than
 * SOURCE_HOPS_MAX hops, more than SOURCE_HEADER_MAX bytes, a control
 * character (a tab is whitespace where whitespace may be) or a byte
 * outside ASCII.  Also -1 when the source does not fit in outlen.  out is
 * a C string either way (empty on -1); a source has no space, control
 * character, '=' or '"', and SOURCE_MAX bytes always hold it.
 */
int	source_pick(const char *peer, const char *forwarded, const char *xff,
	    const struct config *conf, char *out, size_t outlen,
	    const char **why);

/*
 * source_pick() for req: its peer, and its Forwarded and X-Forwarded-For
 * headers (names in any case, each as many times as sent).  Only read when
 * conf trusts a proxy; a header whose values join to more than
 * SOURCE_HEADER_MAX bytes is malformed when it must be read.
 */
int	source_of(struct evhttp_request *req, const struct config *conf,
	    char *out, size_t outlen, const char **why);

#endif
