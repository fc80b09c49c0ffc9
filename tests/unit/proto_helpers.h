/*
 * What the protocol's unit programs (test_proto, test_proto_reject,
 * test_proto_login) share: a frame built by hand, string views, and
 * decoding and encoding through heap buffers of exactly the right size,
 * so that an over-read or an over-write shows up under valgrind and ASan.
 * Each program is one .c file compiled alone, so all of this is static;
 * the functions are static inline so that a program that does not use
 * one is not warned about it.
 */
#ifndef GUISE_PROTO_HELPERS_H
#define GUISE_PROTO_HELPERS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "proto.h"
#include "wire.h"

/* Room for a frame over PROTO_FRAME_MAX, to build oversized ones. */
#define FRAME_ROOM	(PROTO_FRAME_MAX + 256)

struct frame {
	uint8_t	 b[FRAME_ROOM];
	size_t	 len;
};

/* One frame under construction at a time; static for its size. */
static struct frame	 fr;

/* A string of the largest field, filled with one character. */
static char		 big[PROTO_JWKS_MAX + 2];

static inline void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n ? n : 1)) == NULL)
		abort();
	return p;
}

static inline void
fr_start(uint16_t version, uint16_t type, uint32_t id, uint32_t status)
{
	memset(fr.b, 0, PROTO_HEADER_LEN);
	put_u16(fr.b + 4, version);
	put_u16(fr.b + 6, type);
	put_u32(fr.b + 8, id);
	put_u32(fr.b + 12, status);
	fr.len = PROTO_HEADER_LEN;
}

static inline void
fr_room(size_t n)
{
	if (n > sizeof(fr.b) - fr.len)
		abort();
}

static inline void
fr_u16(uint16_t v)
{
	fr_room(2);
	put_u16(fr.b + fr.len, v);
	fr.len += 2;
}

static inline void
fr_u32(uint32_t v)
{
	fr_room(4);
	put_u32(fr.b + fr.len, v);
	fr.len += 4;
}

static inline void
fr_bytes(const void *p, size_t n)
{
	fr_room(n);
	memcpy(fr.b + fr.len, p, n);
	fr.len += n;
}

static inline void
fr_fill(int c, size_t n)
{
	fr_room(n);
	memset(fr.b + fr.len, c, n);
	fr.len += n;
}

/* A string field: u16 length, then the bytes. */
static inline void
fr_str(const char *s)
{
	fr_u16((uint16_t)strlen(s));
	fr_bytes(s, strlen(s));
}

/* A string field of n copies of c. */
static inline void
fr_str_fill(int c, uint16_t n)
{
	fr_u16(n);
	fr_fill(c, n);
}

/* Set the length field to the length built so far. */
static inline void
fr_seal(void)
{
	put_u32(fr.b, (uint32_t)fr.len);
}

static inline struct proto_str
str_of(const char *p, size_t len)
{
	struct proto_str	 s;

	s.p = p;
	s.len = (uint16_t)len;
	return s;
}

/* n copies of c, a view into big. */
static inline struct proto_str
fill(int c, size_t n)
{
	if (n > sizeof(big))
		abort();
	memset(big, c, n);
	return str_of(big, n);
}

static inline int
str_is(struct proto_str s, const char *p, size_t len)
{
	return s.len == len && (len == 0 || memcmp(s.p, p, len) == 0);
}

/* A string view of n copies of c. */
static inline int
str_all(struct proto_str s, int c, size_t n)
{
	size_t	 i;

	if (s.len != n)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s.p[i] != (unsigned char)c)
			return 0;
	return 1;
}

/*
 * Decode len bytes from a heap copy of exactly that size.  Returns what
 * proto_decode returned; *copy is the buffer the views point into, for
 * the caller to free.
 */
static inline int
decode_copy(const uint8_t *buf, size_t len, enum proto_dir dir,
    struct proto_msg *m, const char **why, uint8_t **copy)
{
	*copy = xmalloc(len);
	if (len > 0)
		memcpy(*copy, buf, len);
	*why = NULL;
	return proto_decode(*copy, len, dir, m, why);
}

/*
 * Whether decoding len bytes of buf fails with a why that contains
 * reason (any why when reason is NULL).
 */
static inline int
refused(const uint8_t *buf, size_t len, enum proto_dir dir,
    const char *reason)
{
	struct proto_msg	 m;
	const char		*why;
	uint8_t			*copy;
	int			 rc;

	rc = decode_copy(buf, len, dir, &m, &why, &copy);
	free(copy);
	if (rc != -1 || why == NULL) {
		printf("# decoded: rc %d, why %s\n", rc, why ? why : "NULL");
		return 0;
	}
	if (reason != NULL && strstr(why, reason) == NULL) {
		printf("# refused for another reason: %s\n", why);
		return 0;
	}
	return 1;
}

/* The frame under construction, sealed, must be refused for reason. */
static inline int
fr_refused(enum proto_dir dir, const char *reason)
{
	fr_seal();
	return refused(fr.b, fr.len, dir, reason);
}

/* Encode into a heap buffer of exactly outlen bytes, copied to out. */
static inline long
encode_exact(const struct proto_msg *m, enum proto_dir dir, uint8_t *out,
    size_t outlen)
{
	uint8_t	*buf;
	long	 n;

	buf = xmalloc(outlen);
	n = proto_encode(m, dir, buf, outlen);
	if (n > 0 && (size_t)n <= outlen)
		memcpy(out, buf, (size_t)n);
	free(buf);
	return n;
}

/*
 * Encode in, then decode the result from an exact copy into out.  Returns
 * the frame length, or -1 when either step failed; *copy as in
 * decode_copy (NULL when encoding failed).
 */
static inline long
roundtrip(const struct proto_msg *in, enum proto_dir dir,
    struct proto_msg *out, uint8_t **copy)
{
	static uint8_t	 buf[PROTO_FRAME_MAX];
	const char	*why;
	long		 n;

	*copy = NULL;
	if ((n = proto_encode(in, dir, buf, sizeof(buf))) == -1) {
		printf("# encode failed\n");
		return -1;
	}
	if (proto_frame_len(buf, (size_t)n) != n) {
		printf("# proto_frame_len disagrees with %ld\n", n);
		return -1;
	}
	if (decode_copy(buf, (size_t)n, dir, out, &why, copy) == -1) {
		printf("# decode failed: %s\n", why);
		return -1;
	}
	if (out->type != in->type || out->id != in->id ||
	    out->status != in->status) {
		printf("# header changed\n");
		return -1;
	}
	return n;
}

/* A client_token request; ip and user_agent are for the audit log. */
static inline void
token_req(struct proto_msg *m, const char *id, const char *secret,
    const char *aud, const char *scope, const char *ip, const char *agent)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_CLIENT_TOKEN;
	m->id = 7;
	m->u.token_req.client_id = proto_str(id);
	m->u.token_req.secret = proto_str(secret);
	m->u.token_req.audience = proto_str(aud);
	m->u.token_req.scope = proto_str(scope);
	m->u.token_req.ip = proto_str(ip);
	m->u.token_req.user_agent = proto_str(agent);
}

/*
 * The encoder refuses every output buffer shorter than the frame, each
 * allocated to exactly that length, and fills one of exactly its length.
 */
static inline void
encode_sweep(const struct proto_msg *m, enum proto_dir dir, const char *what)
{
	static uint8_t	 want[PROTO_FRAME_MAX], got[PROTO_FRAME_MAX];
	long		 full, n;
	size_t		 len;
	int		 all = 1;

	full = proto_encode(m, dir, want, sizeof(want));
	for (len = 0; full > 0 && len < (size_t)full; len++)
		if (encode_exact(m, dir, got, len) != -1) {
			printf("# encoded into %zu bytes\n", len);
			all = 0;
		}
	CHECK(full > 0 && all, "%s: encode refuses every output buffer of "
	    "0..%ld bytes", what, full - 1);
	n = full > 0 ? encode_exact(m, dir, got, (size_t)full) : -1;
	CHECK(n == full && n > 0 && memcmp(got, want, (size_t)n) == 0,
	    "%s: encode fits an output buffer of exactly %ld bytes", what,
	    full);
}

/*
 * Every prefix of a valid frame, with its length field as sent and patched
 * to the prefix length, is refused; and the encoder's sweep.
 */
static inline void
sweep(const struct proto_msg *m, enum proto_dir dir, const char *what)
{
	static uint8_t		 frame[PROTO_FRAME_MAX], pre[PROTO_FRAME_MAX];
	struct proto_msg	 out;
	const char		*why, *reason;
	uint8_t			*copy;
	long			 n;
	size_t			 k;
	int			 rc, unpatched = 1, patched = 1;

	n = proto_encode(m, dir, frame, sizeof(frame));
	rc = n > PROTO_HEADER_LEN ? decode_copy(frame, (size_t)n, dir, &out,
	    &why, &copy) : -1;
	if (n > PROTO_HEADER_LEN)
		free(copy);
	CHECK(rc == 0, "%s: the whole frame (%ld bytes) decodes", what, n);
	if (rc != 0)
		return;
	for (k = 0; k < (size_t)n; k++) {
		memcpy(pre, frame, k);
		reason = k < PROTO_HEADER_LEN ? "out of bounds" :
		    "does not match";
		if (!refused(pre, k, dir, reason)) {
			printf("# unpatched prefix %zu\n", k);
			unpatched = 0;
		}
		if (k < 4)
			continue;
		put_u32(pre, (uint32_t)k);
		reason = k < PROTO_HEADER_LEN ? "out of bounds" : "truncated";
		if (!refused(pre, k, dir, reason)) {
			printf("# patched prefix %zu\n", k);
			patched = 0;
		}
	}
	CHECK(unpatched, "%s: every prefix 0..%ld refused, length as sent",
	    what, n - 1);
	CHECK(patched, "%s: every prefix 4..%ld refused, length patched",
	    what, n - 1);
	encode_sweep(m, dir, what);
}

#endif
