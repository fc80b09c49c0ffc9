/*
 * The signer protocol: every message type round trips in each direction
 * that has fields, the header is pinned byte by byte, and every violation
 * proto_decode knows is refused with a reason.  Frames are decoded from a
 * heap copy of exactly their length and encoded into a heap buffer of
 * exactly the length given, so an over-read or an over-write shows up
 * under valgrind and ASan.
 */
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

static void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n ? n : 1)) == NULL)
		abort();
	return p;
}

static void
fr_start(uint16_t version, uint16_t type, uint32_t id, uint32_t status)
{
	memset(fr.b, 0, PROTO_HEADER_LEN);
	put_u16(fr.b + 4, version);
	put_u16(fr.b + 6, type);
	put_u32(fr.b + 8, id);
	put_u32(fr.b + 12, status);
	fr.len = PROTO_HEADER_LEN;
}

static void
fr_room(size_t n)
{
	if (n > sizeof(fr.b) - fr.len)
		abort();
}

static void
fr_u16(uint16_t v)
{
	fr_room(2);
	put_u16(fr.b + fr.len, v);
	fr.len += 2;
}

static void
fr_u32(uint32_t v)
{
	fr_room(4);
	put_u32(fr.b + fr.len, v);
	fr.len += 4;
}

static void
fr_bytes(const void *p, size_t n)
{
	fr_room(n);
	memcpy(fr.b + fr.len, p, n);
	fr.len += n;
}

static void
fr_fill(int c, size_t n)
{
	fr_room(n);
	memset(fr.b + fr.len, c, n);
	fr.len += n;
}

/* A string field: u16 length, then the bytes. */
static void
fr_str(const char *s)
{
	fr_u16((uint16_t)strlen(s));
	fr_bytes(s, strlen(s));
}

/* A string field of n copies of c. */
static void
fr_str_fill(int c, uint16_t n)
{
	fr_u16(n);
	fr_fill(c, n);
}

/* Set the length field to the length built so far. */
static void
fr_seal(void)
{
	put_u32(fr.b, (uint32_t)fr.len);
}

static struct proto_str
str_of(const char *p, size_t len)
{
	struct proto_str	 s;

	s.p = p;
	s.len = (uint16_t)len;
	return s;
}

/* n copies of c, a view into big. */
static struct proto_str
fill(int c, size_t n)
{
	if (n > sizeof(big))
		abort();
	memset(big, c, n);
	return str_of(big, n);
}

static int
str_is(struct proto_str s, const char *p, size_t len)
{
	return s.len == len && (len == 0 || memcmp(s.p, p, len) == 0);
}

/* A string view of n copies of c. */
static int
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
static int
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
static int
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
static int
fr_refused(enum proto_dir dir, const char *reason)
{
	fr_seal();
	return refused(fr.b, fr.len, dir, reason);
}

/* Encode into a heap buffer of exactly outlen bytes, copied to out. */
static long
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
static long
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
static void
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

static void
test_roundtrip_hello(void)
{
	struct proto_msg	 in, out;
	uint8_t			*copy;
	const char		*jwks = "{\"keys\":[{\"kty\":\"EC\"}]}";
	long			 n;

	memset(&in, 0, sizeof(in));
	in.type = PROTO_HELLO;
	in.id = 1;
	n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN, "hello request: header only (%ld)", n);
	free(copy);

	in.u.hello_rep.jwks = proto_str(jwks);
	n = roundtrip(&in, PROTO_REPLY, &out, &copy);
	CHECK(n == (long)(PROTO_HEADER_LEN + 2 + strlen(jwks)) &&
	    str_is(out.u.hello_rep.jwks, jwks, strlen(jwks)),
	    "hello reply: jwks round trips (%ld bytes)", n);
	CHECK(copy == NULL ||
	    out.u.hello_rep.jwks.p == (const char *)copy + PROTO_HEADER_LEN + 2,
	    "hello reply: the jwks is a view into the frame");
	free(copy);

	in.u.hello_rep.jwks = fill('j', PROTO_JWKS_MAX);
	n = roundtrip(&in, PROTO_REPLY, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN + 2 + PROTO_JWKS_MAX &&
	    str_all(out.u.hello_rep.jwks, 'j', PROTO_JWKS_MAX),
	    "hello reply: jwks of exactly PROTO_JWKS_MAX round trips");
	free(copy);

	in.u.hello_rep.jwks = str_of("", 0);
	n = roundtrip(&in, PROTO_REPLY, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN + 2 && out.u.hello_rep.jwks.len == 0,
	    "hello reply: empty jwks round trips");
	free(copy);
}

static void
test_roundtrip_token_req(void)
{
	static const uint8_t	 want[] = {
		0x00, 0x00, 0x00, 0x25,		/* 16 + 6 * 2 + 4 + 3 + 2 */
		0x00, 0x01,
		0x00, 0x02,			/* client_token */
		0x00, 0x00, 0x00, 0x07,
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x01, 'c',		/* client_id */
		0x00, 0x01, 's',		/* secret */
		0x00, 0x01, 'a',		/* audience */
		0x00, 0x01, 'r',		/* scope */
		0x00, 0x03, ':', ':', '1',	/* ip */
		0x00, 0x02, 'u', 'a',		/* user_agent */
	};
	struct proto_msg	 in, out;
	uint8_t			*copy, buf[sizeof(want)];
	char			 id[PROTO_CLIENT_ID_MAX + 1];
	char			 sec[PROTO_SECRET_MAX + 1];
	char			 aud[PROTO_AUDIENCE_MAX + 1];
	char			 scope[PROTO_SCOPE_MAX + 1];
	char			 ip[PROTO_IP_MAX + 1];
	char			 agent[PROTO_AGENT_MAX + 1];
	long			 n;

	token_req(&in, "client-1", "s3cr:et", "https://id.example/api",
	    "read write", "127.0.0.1", "curl/7.88.1");
	in.id = 0xfeedf00d;
	n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN + 12 + 8 + 7 + 22 + 10 + 9 + 11 &&
	    str_is(out.u.token_req.client_id, "client-1", 8) &&
	    str_is(out.u.token_req.secret, "s3cr:et", 7) &&
	    str_is(out.u.token_req.audience, "https://id.example/api", 22) &&
	    str_is(out.u.token_req.scope, "read write", 10) &&
	    str_is(out.u.token_req.ip, "127.0.0.1", 9) &&
	    str_is(out.u.token_req.user_agent, "curl/7.88.1", 11),
	    "client_token request: six strings round trip, ip 127.0.0.1, "
	    "user_agent curl/7.88.1 (%ld bytes)", n);
	CHECK(copy != NULL && n > 0 &&
	    out.u.token_req.ip.p == (const char *)copy + n - 11 - 2 - 9 &&
	    out.u.token_req.user_agent.p == (const char *)copy + n - 11,
	    "client_token request: ip and user_agent come last, after scope");
	free(copy);

	memset(id, 'i', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	memset(sec, 's', sizeof(sec) - 1);
	sec[sizeof(sec) - 1] = '\0';
	memset(aud, 'a', sizeof(aud) - 1);
	aud[sizeof(aud) - 1] = '\0';
	memset(scope, 'c', sizeof(scope) - 1);
	scope[sizeof(scope) - 1] = '\0';
	memset(ip, 'p', sizeof(ip) - 1);
	ip[sizeof(ip) - 1] = '\0';
	memset(agent, 'u', sizeof(agent) - 1);
	agent[sizeof(agent) - 1] = '\0';
	token_req(&in, id, sec, aud, scope, ip, agent);
	n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN + 12 + PROTO_CLIENT_ID_MAX +
	    PROTO_SECRET_MAX + PROTO_AUDIENCE_MAX + PROTO_SCOPE_MAX +
	    PROTO_IP_MAX + PROTO_AGENT_MAX &&
	    str_all(out.u.token_req.client_id, 'i', PROTO_CLIENT_ID_MAX) &&
	    str_all(out.u.token_req.secret, 's', PROTO_SECRET_MAX) &&
	    str_all(out.u.token_req.audience, 'a', PROTO_AUDIENCE_MAX) &&
	    str_all(out.u.token_req.scope, 'c', PROTO_SCOPE_MAX) &&
	    str_all(out.u.token_req.ip, 'p', PROTO_IP_MAX) &&
	    str_all(out.u.token_req.user_agent, 'u', PROTO_AGENT_MAX),
	    "client_token request: every string at its maximum round trips "
	    "(%ld bytes)", n);
	free(copy);

	token_req(&in, "client-1", "s3cr:et", "https://id.example/api",
	    "read write", ip, agent);
	n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN + 12 + 8 + 7 + 22 + 10 + PROTO_IP_MAX +
	    PROTO_AGENT_MAX &&
	    str_is(out.u.token_req.scope, "read write", 10) &&
	    str_all(out.u.token_req.ip, 'p', PROTO_IP_MAX) &&
	    str_all(out.u.token_req.user_agent, 'u', PROTO_AGENT_MAX),
	    "client_token request: ip of PROTO_IP_MAX (%d) and user_agent of "
	    "PROTO_AGENT_MAX (%d) round trip (%ld bytes)", PROTO_IP_MAX,
	    PROTO_AGENT_MAX, n);
	free(copy);

	token_req(&in, "", "", "", "", "", "");
	n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN + 12 &&
	    out.u.token_req.client_id.len == 0 &&
	    out.u.token_req.secret.len == 0 &&
	    out.u.token_req.audience.len == 0 &&
	    out.u.token_req.scope.len == 0 &&
	    out.u.token_req.ip.len == 0 &&
	    out.u.token_req.user_agent.len == 0,
	    "client_token request: six empty strings round trip");
	free(copy);

	token_req(&in, "client-1", "s3cr:et", "https://id.example/api",
	    "read write", "", "");
	n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN + 12 + 8 + 7 + 22 + 10 &&
	    str_is(out.u.token_req.scope, "read write", 10) &&
	    out.u.token_req.ip.len == 0 &&
	    out.u.token_req.user_agent.len == 0,
	    "client_token request: empty ip and user_agent round trip (%ld "
	    "bytes)", n);
	free(copy);

	token_req(&in, "c", "", "aud", "", "2001:db8::1", "");
	n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN + 12 + 1 + 3 + 11 &&
	    str_is(out.u.token_req.client_id, "c", 1) &&
	    out.u.token_req.secret.len == 0 &&
	    str_is(out.u.token_req.audience, "aud", 3) &&
	    out.u.token_req.scope.len == 0 &&
	    str_is(out.u.token_req.ip, "2001:db8::1", 11) &&
	    out.u.token_req.user_agent.len == 0,
	    "client_token request: empty and non-empty strings mixed, "
	    "an IPv6 ip, empty user_agent");
	free(copy);

	token_req(&in, "c", "s", "", "r", "", "curl/7.88.1");
	n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN + 12 + 1 + 1 + 1 + 11 &&
	    str_is(out.u.token_req.scope, "r", 1) &&
	    out.u.token_req.ip.len == 0 &&
	    str_is(out.u.token_req.user_agent, "curl/7.88.1", 11),
	    "client_token request: empty ip, then a user_agent");
	free(copy);

	token_req(&in, "c", "s", "a", "r", "::1", "ua");
	n = encode_exact(&in, PROTO_REQUEST, buf, sizeof(want));
	CHECK(n == (long)sizeof(want) && memcmp(buf, want, sizeof(want)) == 0,
	    "client_token request: every byte as specified, ip and "
	    "user_agent after scope");
}

static void
test_roundtrip_token_rep(void)
{
	static char		 tok[PROTO_TOKEN_MAX];
	struct proto_msg	 in, out;
	uint8_t			*copy;
	long			 n;

	memset(&in, 0, sizeof(in));
	in.type = PROTO_CLIENT_TOKEN;
	in.id = 42;
	in.u.token_rep.token = proto_str("eyJ.eyJ.sig");
	in.u.token_rep.scope = proto_str("read");
	in.u.token_rep.expires_in = 3600;
	n = roundtrip(&in, PROTO_REPLY, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN + 2 + 11 + 2 + 4 + 4 &&
	    str_is(out.u.token_rep.token, "eyJ.eyJ.sig", 11) &&
	    str_is(out.u.token_rep.scope, "read", 4) &&
	    out.u.token_rep.expires_in == 3600,
	    "client_token reply: token, scope, expires_in round trip");
	free(copy);

	memset(tok, 't', sizeof(tok));
	in.u.token_rep.token = str_of(tok, PROTO_TOKEN_MAX);
	in.u.token_rep.scope = fill('s', PROTO_SCOPE_MAX);
	in.u.token_rep.expires_in = UINT32_MAX;
	n = roundtrip(&in, PROTO_REPLY, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN + 4 + PROTO_TOKEN_MAX + PROTO_SCOPE_MAX +
	    4 && str_all(out.u.token_rep.token, 't', PROTO_TOKEN_MAX) &&
	    str_all(out.u.token_rep.scope, 's', PROTO_SCOPE_MAX) &&
	    out.u.token_rep.expires_in == UINT32_MAX,
	    "client_token reply: strings at their maxima, expires_in "
	    "UINT32_MAX");
	free(copy);

	in.u.token_rep.token = str_of("", 0);
	in.u.token_rep.scope = str_of("", 0);
	in.u.token_rep.expires_in = 0;
	n = roundtrip(&in, PROTO_REPLY, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN + 8 && out.u.token_rep.token.len == 0 &&
	    out.u.token_rep.scope.len == 0 && out.u.token_rep.expires_in == 0,
	    "client_token reply: empty strings, expires_in 0");
	free(copy);
}

static void
test_roundtrip_test_syscall(void)
{
	struct proto_msg	 in, out;
	uint8_t			*copy;
	const uint32_t		 which[] = { 0, 1, 2, 0x80000001, UINT32_MAX };
	size_t			 i;
	long			 n;

	for (i = 0; i < sizeof(which) / sizeof(which[0]); i++) {
		memset(&in, 0, sizeof(in));
		in.type = PROTO_TEST_SYSCALL;
		in.id = (uint32_t)i;
		in.u.test_req.which = which[i];
		n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
		CHECK(n == PROTO_HEADER_LEN + 4 &&
		    out.u.test_req.which == which[i],
		    "test_syscall request: which %#x round trips",
		    (unsigned int)which[i]);
		free(copy);
	}

	memset(&in, 0, sizeof(in));
	in.type = PROTO_TEST_SYSCALL;
	in.id = 9;
	n = roundtrip(&in, PROTO_REPLY, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN, "test_syscall reply: header only");
	free(copy);
}

/* A reply with a status other than PROTO_OK has no fields, whatever m holds. */
static void
test_error_reply(void)
{
	struct proto_msg	 in, out;
	uint8_t			*copy;
	uint32_t		 st;
	long			 n;

	for (st = 1; st < PROTO_STATUS__MAX; st++) {
		memset(&in, 0, sizeof(in));
		in.type = PROTO_CLIENT_TOKEN;
		in.id = 100 + st;
		in.status = st;
		in.u.token_rep.token = proto_str("must not be sent");
		in.u.token_rep.scope = proto_str("nor this");
		in.u.token_rep.expires_in = 99;
		n = roundtrip(&in, PROTO_REPLY, &out, &copy);
		CHECK(n == PROTO_HEADER_LEN && out.status == st &&
		    out.u.token_rep.token.len == 0 &&
		    out.u.token_rep.token.p == NULL &&
		    out.u.token_rep.scope.len == 0 &&
		    out.u.token_rep.expires_in == 0,
		    "client_token reply with status %u (%s): header only, "
		    "no fields", (unsigned int)st, proto_status_name(st));
		free(copy);
	}

	memset(&in, 0, sizeof(in));
	in.type = PROTO_HELLO;
	in.status = PROTO_ERR_INTERNAL;
	in.u.hello_rep.jwks = proto_str("{}");
	n = roundtrip(&in, PROTO_REPLY, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN && out.u.hello_rep.jwks.len == 0,
	    "hello reply with an error status: header only");
	free(copy);
}

/* The wire format, written out by hand. */
static void
test_header_bytes(void)
{
	static const uint8_t	 want_req[] = {
		0x00, 0x00, 0x00, 0x14,		/* len 20 */
		0x00, 0x01,			/* version 1 */
		0x00, 0x03,			/* type test_syscall */
		0x01, 0x02, 0x03, 0x04,		/* id */
		0x00, 0x00, 0x00, 0x00,		/* status */
		0xa1, 0xb2, 0xc3, 0xd4,		/* which */
	};
	static const uint8_t	 want_err[] = {
		0x00, 0x00, 0x00, 0x10,
		0x00, 0x01,
		0x00, 0x02,			/* client_token */
		0xde, 0xad, 0xbe, 0xef,
		0x00, 0x00, 0x00, 0x05,		/* PROTO_ERR_INTERNAL */
	};
	static const uint8_t	 want_rep[] = {
		0x00, 0x00, 0x00, 0x1a,		/* 16 + 3 + 3 + 4 */
		0x00, 0x01,
		0x00, 0x02,
		0x80, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x01, 't',		/* token */
		0x00, 0x01, 's',		/* scope */
		0x00, 0x00, 0x0e, 0x10,		/* expires_in 3600 */
	};
	static const uint8_t	 want_hello[] = {
		0x00, 0x00, 0x00, 0x14,
		0x00, 0x01,
		0x00, 0x01,			/* hello */
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x02, '{', '}',		/* jwks */
	};
	struct proto_msg	 m;
	uint8_t			 out[64];
	long			 n;
	size_t			 i;
	int			 same;

	memset(&m, 0, sizeof(m));
	m.type = PROTO_TEST_SYSCALL;
	m.id = 0x01020304;
	m.u.test_req.which = 0xa1b2c3d4;
	memset(out, 0xee, sizeof(out));
	n = proto_encode(&m, PROTO_REQUEST, out, sizeof(out));
	same = n == (long)sizeof(want_req);
	for (i = 0; same && i < sizeof(want_req); i++)
		if (out[i] != want_req[i]) {
			printf("# byte %zu: %#x, want %#x\n", i, out[i],
			    want_req[i]);
			same = 0;
		}
	CHECK(same, "test_syscall request: every byte as specified");
	CHECK(out[sizeof(want_req)] == 0xee,
	    "encoder writes nothing past the frame");

	memset(&m, 0, sizeof(m));
	m.type = PROTO_CLIENT_TOKEN;
	m.id = 0xdeadbeef;
	m.status = PROTO_ERR_INTERNAL;
	n = proto_encode(&m, PROTO_REPLY, out, sizeof(out));
	CHECK(n == (long)sizeof(want_err) &&
	    memcmp(out, want_err, sizeof(want_err)) == 0,
	    "error reply: every byte as specified");

	memset(&m, 0, sizeof(m));
	m.type = PROTO_CLIENT_TOKEN;
	m.id = 0x80000001;
	m.u.token_rep.token = proto_str("t");
	m.u.token_rep.scope = proto_str("s");
	m.u.token_rep.expires_in = 3600;
	n = proto_encode(&m, PROTO_REPLY, out, sizeof(out));
	CHECK(n == (long)sizeof(want_rep) &&
	    memcmp(out, want_rep, sizeof(want_rep)) == 0,
	    "client_token reply: fields in table order, big-endian");

	memset(&m, 0, sizeof(m));
	m.type = PROTO_HELLO;
	m.u.hello_rep.jwks = proto_str("{}");
	n = proto_encode(&m, PROTO_REPLY, out, sizeof(out));
	CHECK(n == (long)sizeof(want_hello) &&
	    memcmp(out, want_hello, sizeof(want_hello)) == 0,
	    "hello reply: u16 string length, then the bytes");

	CHECK(PROTO_HEADER_LEN == 16 && PROTO_VERSION == 1 &&
	    PROTO_HELLO == 1 && PROTO_CLIENT_TOKEN == 2 &&
	    PROTO_TEST_SYSCALL == 3 && PROTO_OK == 0 &&
	    PROTO_ERR_CLIENT == 1 && PROTO_ERR_INTERNAL == 5,
	    "wire constants unchanged");
}

static void
test_frame_len(void)
{
	uint8_t	 b[4];
	size_t	 avail;

	put_u32(b, 20);
	for (avail = 0; avail < 4; avail++)
		CHECK(proto_frame_len(b, avail) == 0,
		    "proto_frame_len: %zu bytes are not enough", avail);
	CHECK(proto_frame_len(b, 4) == 20, "proto_frame_len: 20");
	CHECK(proto_frame_len(b, 100) == 20,
	    "proto_frame_len: the frame's length, not what is available");
	put_u32(b, PROTO_HEADER_LEN);
	CHECK(proto_frame_len(b, 4) == PROTO_HEADER_LEN,
	    "proto_frame_len: a header-only frame");
	put_u32(b, PROTO_FRAME_MAX);
	CHECK(proto_frame_len(b, 4) == PROTO_FRAME_MAX,
	    "proto_frame_len: exactly PROTO_FRAME_MAX");
	put_u32(b, PROTO_HEADER_LEN - 1);
	CHECK(proto_frame_len(b, 4) == -1,
	    "proto_frame_len: below the header size is -1");
	put_u32(b, 0);
	CHECK(proto_frame_len(b, 4) == -1, "proto_frame_len: 0 is -1");
	put_u32(b, PROTO_FRAME_MAX + 1);
	CHECK(proto_frame_len(b, 4) == -1,
	    "proto_frame_len: PROTO_FRAME_MAX + 1 is -1");
	put_u32(b, UINT32_MAX);
	CHECK(proto_frame_len(b, 4) == -1,
	    "proto_frame_len: UINT32_MAX is -1");
}

/* The client_token request's strings, in wire order. */
#define TOKEN_REQ_NF	6
static const char *const token_req_names[TOKEN_REQ_NF] = { "client_id",
    "secret", "audience", "scope", "ip", "user_agent" };
static const uint16_t	 token_req_max[TOKEN_REQ_NF] = { PROTO_CLIENT_ID_MAX,
    PROTO_SECRET_MAX, PROTO_AUDIENCE_MAX, PROTO_SCOPE_MAX, PROTO_IP_MAX,
    PROTO_AGENT_MAX };

/*
 * A valid client_token request with one string field changed, every other
 * at its maximum; only its first nf strings (TOKEN_REQ_NF: all of them).
 */
static void
fr_token_req_n(int which, uint16_t len, int c, int nf)
{
	const uint16_t	*max = token_req_max;
	int		 i;

	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0);
	for (i = 0; i < nf; i++) {
		if (i == which)
			fr_str_fill(c, len);
		else
			fr_str_fill('x', max[i]);
	}
}

static void
fr_token_req(int which, uint16_t len, int c)
{
	fr_token_req_n(which, len, c, TOKEN_REQ_NF);
}

static void
test_decode_header(void)
{
	struct proto_msg	 m;
	const char		*why;
	uint8_t			*big_frame, *copy;
	size_t			 len;

	fr_start(PROTO_VERSION, PROTO_HELLO, 1, 0);
	fr_seal();
	CHECK(decode_copy(fr.b, fr.len, PROTO_REQUEST, &m, &why, &copy) == 0 &&
	    m.type == PROTO_HELLO && m.id == 1,
	    "the base frame decodes");
	free(copy);

	for (len = 0; len < PROTO_HEADER_LEN; len++) {
		/* The length field, where there is one, says len. */
		if (len >= 4)
			put_u32(fr.b, (uint32_t)len);
		CHECK(refused(fr.b, len, PROTO_REQUEST, "out of bounds"),
		    "a frame of %zu bytes is shorter than the header", len);
	}

	fr_start(PROTO_VERSION, PROTO_HELLO, 1, 0);
	fr_fill(0, 4);
	put_u32(fr.b, PROTO_HEADER_LEN);
	CHECK(refused(fr.b, fr.len, PROTO_REQUEST, "does not match"),
	    "declared 16, buffer 20");
	put_u32(fr.b, 24);
	CHECK(refused(fr.b, fr.len, PROTO_REQUEST, "does not match"),
	    "declared 24, buffer 20");
	put_u32(fr.b, UINT32_MAX);
	CHECK(refused(fr.b, fr.len, PROTO_REQUEST, "does not match"),
	    "declared UINT32_MAX, buffer 20");
	put_u32(fr.b, 0);
	CHECK(refused(fr.b, fr.len, PROTO_REQUEST, "does not match"),
	    "declared 0, buffer 20");

	/* A hello reply one byte over the limit, its length field agreeing. */
	len = PROTO_FRAME_MAX + 1;
	big_frame = xmalloc(len);
	memset(big_frame, 'x', len);
	put_u32(big_frame, (uint32_t)len);
	put_u16(big_frame + 4, PROTO_VERSION);
	put_u16(big_frame + 6, PROTO_HELLO);
	put_u32(big_frame + 8, 1);
	put_u32(big_frame + 12, 0);
	put_u16(big_frame + 16, (uint16_t)(len - 18));
	CHECK(refused(big_frame, len, PROTO_REPLY, "out of bounds"),
	    "a frame of PROTO_FRAME_MAX + 1 bytes");
	free(big_frame);

	fr_start(0, PROTO_HELLO, 1, 0);
	CHECK(fr_refused(PROTO_REQUEST, "version"), "version 0");
	fr_start(2, PROTO_HELLO, 1, 0);
	CHECK(fr_refused(PROTO_REQUEST, "version"), "version 2");
	fr_start(0x0100, PROTO_HELLO, 1, 0);
	CHECK(fr_refused(PROTO_REQUEST, "version"),
	    "version 1 little-endian (0x0100)");
	fr_start(0xffff, PROTO_HELLO, 1, 0);
	CHECK(fr_refused(PROTO_REPLY, "version"), "version 0xffff, a reply");

	fr_start(PROTO_VERSION, 0, 1, 0);
	CHECK(fr_refused(PROTO_REQUEST, "type"), "type 0, a request");
	fr_start(PROTO_VERSION, 0, 1, 0);
	CHECK(fr_refused(PROTO_REPLY, "type"), "type 0, a reply");
	fr_start(PROTO_VERSION, PROTO_TYPE__MAX, 1, 0);
	CHECK(fr_refused(PROTO_REQUEST, "type"),
	    "type PROTO_TYPE__MAX, a request");
	fr_start(PROTO_VERSION, PROTO_TYPE__MAX, 1, 0);
	CHECK(fr_refused(PROTO_REPLY, "type"), "type PROTO_TYPE__MAX, a reply");
	fr_start(PROTO_VERSION, 0xffff, 1, 0);
	CHECK(fr_refused(PROTO_REQUEST, "type"), "type 0xffff, a request");
	fr_start(PROTO_VERSION, 0xffff, 1, PROTO_ERR_CLIENT);
	CHECK(fr_refused(PROTO_REPLY, "type"),
	    "type 0xffff, an error reply");
	fr_start(PROTO_VERSION, 0x0200, 1, 0);
	CHECK(fr_refused(PROTO_REQUEST, "type"),
	    "type 2 little-endian (0x0200)");

	fr_start(PROTO_VERSION, PROTO_HELLO, 1, 1);
	CHECK(fr_refused(PROTO_REQUEST, "status"),
	    "a request with status 1");
	fr_start(PROTO_VERSION, PROTO_HELLO, 1, 0x80000000);
	CHECK(fr_refused(PROTO_REQUEST, "status"),
	    "a request with status 0x80000000");
	fr_token_req(-1, 0, 0);
	put_u32(fr.b + 12, PROTO_ERR_CLIENT);
	CHECK(fr_refused(PROTO_REQUEST, "status"),
	    "a full client_token request with a status");

	fr_start(PROTO_VERSION, PROTO_HELLO, 1, PROTO_STATUS__MAX);
	CHECK(fr_refused(PROTO_REPLY, "status"),
	    "a reply with status PROTO_STATUS__MAX");
	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, UINT32_MAX);
	CHECK(fr_refused(PROTO_REPLY, "status"),
	    "a reply with status UINT32_MAX");
	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0x01000000);
	CHECK(fr_refused(PROTO_REPLY, "status"),
	    "a reply with status 1 little-endian");

	/* A request decoded as a reply: another field table applies. */
	fr_token_req(-1, 0, 0);
	CHECK(fr_refused(PROTO_REPLY, NULL),
	    "a client_token request read as a reply is refused");
}

static void
test_decode_fields(void)
{
	static const size_t	 off[TOKEN_REQ_NF] = {
	    offsetof(struct proto_msg, u.token_req.client_id),
	    offsetof(struct proto_msg, u.token_req.secret),
	    offsetof(struct proto_msg, u.token_req.audience),
	    offsetof(struct proto_msg, u.token_req.scope),
	    offsetof(struct proto_msg, u.token_req.ip),
	    offsetof(struct proto_msg, u.token_req.user_agent) };
	const char *const	*names = token_req_names;
	const uint16_t		*max = token_req_max;
	static const char	 nul[3][4] = { "\0ab", "a\0b", "ab\0" };
	struct proto_msg	 m;
	const char		*why;
	uint8_t			*copy;
	int			 i, k, rc;

	for (k = 0; k < 4; k++) {
		fr_start(PROTO_VERSION, PROTO_TEST_SYSCALL, 1, 0);
		fr_fill(0xab, (size_t)k);
		CHECK(fr_refused(PROTO_REQUEST, "truncated integer"),
		    "test_syscall request with %d of 4 bytes of which", k);
	}
	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0);
	fr_str("tok");
	fr_str("sc");
	fr_fill(0, 3);
	CHECK(fr_refused(PROTO_REPLY, "truncated integer"),
	    "client_token reply with 3 of 4 bytes of expires_in");
	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0);
	fr_str("tok");
	fr_str("sc");
	CHECK(fr_refused(PROTO_REPLY, "truncated integer"),
	    "client_token reply without expires_in");

	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0);
	fr_fill(0, 1);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "client_token request: 1 byte of the first string length");
	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "client_token request: no fields at all");
	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0);
	fr_str("id");
	fr_str("secret");
	fr_str("aud");
	fr_fill(0, 1);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "client_token request: 1 byte of the scope length");
	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0);
	fr_str("id");
	fr_str("secret");
	fr_str("aud");
	fr_str("read");
	fr_fill(0, 1);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "client_token request: 1 byte of the ip length");
	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0);
	fr_str("id");
	fr_str("secret");
	fr_str("aud");
	fr_str("read");
	fr_str("127.0.0.1");
	fr_fill(0, 1);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "client_token request: 1 byte of the user_agent length, the last "
	    "string");

	/* The layout before ip and user_agent: a request one short. */
	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0);
	fr_str("client-1");
	fr_str("s3cr:et");
	fr_str("https://id.example/api");
	fr_str("read write");
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "client_token request in the old layout (scope last, no ip, no "
	    "user_agent)");
	fr_token_req_n(-1, 0, 0, 4);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "client_token request, four strings at their maxima, no ip, no "
	    "user_agent");
	fr_token_req_n(-1, 0, 0, 5);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "client_token request with an ip but no user_agent");
	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0);
	fr_str("client-1");
	fr_str("s3cr:et");
	fr_str("https://id.example/api");
	fr_str("read write");
	fr_str("curl/7.88.1");
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "client_token request with a user_agent where the ip goes and "
	    "nothing after it");
	fr_start(PROTO_VERSION, PROTO_HELLO, 1, 0);
	fr_fill(0, 1);
	CHECK(fr_refused(PROTO_REPLY, "truncated string length"),
	    "hello reply: 1 byte of the jwks length");

	fr_start(PROTO_VERSION, PROTO_HELLO, 1, 0);
	fr_u16(10);
	fr_fill('j', 9);
	CHECK(fr_refused(PROTO_REPLY, "truncated string field"),
	    "hello reply: jwks of 10 with 9 bytes left");
	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0);
	fr_u16(5);
	fr_bytes("abcd", 4);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string field"),
	    "client_token request: client_id of 5 with 4 bytes left");
	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0);
	fr_str("id");
	fr_str("secret");
	fr_str("aud");
	fr_u16(PROTO_SCOPE_MAX);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string field"),
	    "client_token request: scope of PROTO_SCOPE_MAX with 0 bytes "
	    "left");
	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0);
	fr_str("id");
	fr_str("secret");
	fr_str("aud");
	fr_str("read");
	fr_u16(10);
	fr_bytes("127.0.0.1", 9);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string field"),
	    "client_token request: ip of 10 with 9 bytes left");
	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0);
	fr_str("id");
	fr_str("secret");
	fr_str("aud");
	fr_str("read");
	fr_str("127.0.0.1");
	fr_u16(12);
	fr_bytes("curl/7.88.1", 11);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string field"),
	    "client_token request: user_agent of 12 with 11 bytes left");
	fr_token_req_n(-1, 0, 0, 5);
	fr_u16(PROTO_AGENT_MAX);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string field"),
	    "client_token request: user_agent of PROTO_AGENT_MAX with 0 "
	    "bytes left");

	/* Each field at its maximum is fine; one more byte is not. */
	for (i = 0; i < TOKEN_REQ_NF; i++) {
		fr_token_req(i, max[i], 'y');
		fr_seal();
		rc = decode_copy(fr.b, fr.len, PROTO_REQUEST, &m, &why, &copy);
		CHECK(rc == 0 && str_all(*(struct proto_str *)((char *)&m +
		    off[i]), 'y', max[i]), "client_token request: %s of %d "
		    "bytes, its maximum", names[i], max[i]);
		free(copy);
		fr_token_req(i, (uint16_t)(max[i] + 1), 'y');
		CHECK(fr_refused(PROTO_REQUEST, "maximum"),
		    "client_token request: %s of %d bytes, one over",
		    names[i], max[i] + 1);
	}
	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0);
	fr_str_fill('t', PROTO_TOKEN_MAX + 1);
	fr_str("s");
	fr_u32(1);
	CHECK(fr_refused(PROTO_REPLY, "maximum"),
	    "client_token reply: token one byte over");
	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0);
	fr_str("t");
	fr_str_fill('s', PROTO_SCOPE_MAX + 1);
	fr_u32(1);
	CHECK(fr_refused(PROTO_REPLY, "maximum"),
	    "client_token reply: scope one byte over");
	fr_start(PROTO_VERSION, PROTO_HELLO, 1, 0);
	fr_str_fill('j', PROTO_JWKS_MAX + 1);
	CHECK(fr_refused(PROTO_REPLY, "maximum"),
	    "hello reply: jwks one byte over");
	fr_start(PROTO_VERSION, PROTO_HELLO, 1, 0);
	fr_u16(UINT16_MAX);
	CHECK(fr_refused(PROTO_REPLY, NULL),
	    "hello reply: jwks length 0xffff with nothing after it");

	/* A NUL byte at the start, in the middle or at the end. */
	for (i = 0; i < TOKEN_REQ_NF; i++) {
		fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0);
		for (k = 0; k < TOKEN_REQ_NF; k++) {
			if (k == i) {
				fr_u16(3);
				fr_bytes(nul[i % 3], 3);
			} else
				fr_str("ok");
		}
		CHECK(fr_refused(PROTO_REQUEST, "NUL"),
		    "client_token request: NUL byte in %s", names[i]);
	}
	fr_start(PROTO_VERSION, PROTO_HELLO, 1, 0);
	fr_u16(3);
	fr_bytes("{\0}", 3);
	CHECK(fr_refused(PROTO_REPLY, "NUL"), "hello reply: NUL byte in jwks");
	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, 0);
	fr_u16(1);
	fr_bytes("", 1);
	fr_str("s");
	fr_u32(1);
	CHECK(fr_refused(PROTO_REPLY, "NUL"),
	    "client_token reply: a token that is one NUL byte");

	fr_token_req(-1, 0, 0);
	fr_fill(0, 1);
	CHECK(fr_refused(PROTO_REQUEST, "trailing"),
	    "client_token request with 1 trailing byte");
	fr_token_req(-1, 0, 0);
	fr_fill('T', 100);
	CHECK(fr_refused(PROTO_REQUEST, "trailing"),
	    "client_token request with 100 trailing bytes");
	fr_start(PROTO_VERSION, PROTO_HELLO, 1, 0);
	fr_fill(0, 1);
	CHECK(fr_refused(PROTO_REQUEST, "trailing"),
	    "hello request (no fields) with 1 trailing byte");
	fr_start(PROTO_VERSION, PROTO_TEST_SYSCALL, 1, 0);
	fr_u32(1);
	fr_u32(2);
	CHECK(fr_refused(PROTO_REQUEST, "trailing"),
	    "test_syscall request with a second integer");
	fr_start(PROTO_VERSION, PROTO_TEST_SYSCALL, 1, 0);
	fr_u32(0);
	CHECK(fr_refused(PROTO_REPLY, "trailing"),
	    "test_syscall reply (no fields) with 4 bytes");

	/* An error reply may not carry the fields of a good one. */
	fr_start(PROTO_VERSION, PROTO_CLIENT_TOKEN, 1, PROTO_ERR_SCOPE);
	fr_str("tok");
	fr_str("sc");
	fr_u32(3600);
	CHECK(fr_refused(PROTO_REPLY, "trailing"),
	    "an error reply with a client_token body");
	fr_start(PROTO_VERSION, PROTO_HELLO, 1, PROTO_ERR_INTERNAL);
	fr_fill(0, 1);
	CHECK(fr_refused(PROTO_REPLY, "trailing"),
	    "an error reply with 1 byte of body");
	fr_start(PROTO_VERSION, PROTO_HELLO, 1, PROTO_ERR_INTERNAL);
	fr_str("{}");
	CHECK(fr_refused(PROTO_REPLY, "trailing"),
	    "an error hello reply with a jwks");
}

static void
test_encode_refusals(void)
{
	struct proto_msg	 m;
	uint8_t			 out[PROTO_FRAME_MAX];

	/* Strings one over their maxima, in a request that encodes. */
	token_req(&m, "c", "s", "a", "x", "127.0.0.1", "curl/7.88.1");
	CHECK(proto_encode(&m, PROTO_REQUEST, out, sizeof(out)) ==
	    PROTO_HEADER_LEN + 12 + 4 + 9 + 11,
	    "the client_token request the refusals start from encodes");
	token_req(&m, "c", "s", "a", "x", "127.0.0.1", "curl/7.88.1");
	m.u.token_req.client_id = fill('i', PROTO_CLIENT_ID_MAX + 1);
	CHECK(proto_encode(&m, PROTO_REQUEST, out, sizeof(out)) == -1,
	    "encode refuses a client_id one over");
	token_req(&m, "c", "s", "a", "x", "127.0.0.1", "curl/7.88.1");
	m.u.token_req.secret = fill('s', PROTO_SECRET_MAX + 1);
	CHECK(proto_encode(&m, PROTO_REQUEST, out, sizeof(out)) == -1,
	    "encode refuses a secret one over");
	token_req(&m, "c", "s", "a", "x", "127.0.0.1", "curl/7.88.1");
	m.u.token_req.audience = fill('a', PROTO_AUDIENCE_MAX + 1);
	CHECK(proto_encode(&m, PROTO_REQUEST, out, sizeof(out)) == -1,
	    "encode refuses an audience one over");
	token_req(&m, "c", "s", "a", "x", "127.0.0.1", "curl/7.88.1");
	m.u.token_req.scope = fill('c', PROTO_SCOPE_MAX + 1);
	CHECK(proto_encode(&m, PROTO_REQUEST, out, sizeof(out)) == -1,
	    "encode refuses a scope one over");
	token_req(&m, "c", "s", "a", "x", "127.0.0.1", "curl/7.88.1");
	m.u.token_req.ip = fill('p', PROTO_IP_MAX);
	CHECK(proto_encode(&m, PROTO_REQUEST, out, sizeof(out)) ==
	    PROTO_HEADER_LEN + 12 + 4 + PROTO_IP_MAX + 11,
	    "encode takes an ip of PROTO_IP_MAX (%d)", PROTO_IP_MAX);
	m.u.token_req.ip = fill('p', PROTO_IP_MAX + 1);
	CHECK(proto_encode(&m, PROTO_REQUEST, out, sizeof(out)) == -1,
	    "encode refuses an ip one over (%d)", PROTO_IP_MAX + 1);
	token_req(&m, "c", "s", "a", "x", "127.0.0.1", "curl/7.88.1");
	m.u.token_req.user_agent = fill('u', PROTO_AGENT_MAX);
	CHECK(proto_encode(&m, PROTO_REQUEST, out, sizeof(out)) ==
	    PROTO_HEADER_LEN + 12 + 4 + 9 + PROTO_AGENT_MAX,
	    "encode takes a user_agent of PROTO_AGENT_MAX (%d)",
	    PROTO_AGENT_MAX);
	m.u.token_req.user_agent = fill('u', PROTO_AGENT_MAX + 1);
	CHECK(proto_encode(&m, PROTO_REQUEST, out, sizeof(out)) == -1,
	    "encode refuses a user_agent one over (%d)", PROTO_AGENT_MAX + 1);
	memset(&m, 0, sizeof(m));
	m.type = PROTO_CLIENT_TOKEN;
	m.u.token_rep.token = fill('t', PROTO_TOKEN_MAX + 1);
	CHECK(proto_encode(&m, PROTO_REPLY, out, sizeof(out)) == -1,
	    "encode refuses a token one over");
	m.u.token_rep.token = proto_str("t");
	m.u.token_rep.scope = fill('s', PROTO_SCOPE_MAX + 1);
	CHECK(proto_encode(&m, PROTO_REPLY, out, sizeof(out)) == -1,
	    "encode refuses a reply scope one over");
	memset(&m, 0, sizeof(m));
	m.type = PROTO_HELLO;
	m.u.hello_rep.jwks = fill('j', PROTO_JWKS_MAX + 1);
	CHECK(proto_encode(&m, PROTO_REPLY, out, sizeof(out)) == -1,
	    "encode refuses a jwks one over");

	/* proto_str never truncates: too long stays too long. */
	memset(big, 'j', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	m.u.hello_rep.jwks = proto_str(big);
	CHECK(m.u.hello_rep.jwks.len == PROTO_JWKS_MAX + 1 &&
	    proto_encode(&m, PROTO_REPLY, out, sizeof(out)) == -1,
	    "proto_str keeps the length, encode refuses it");

	token_req(&m, "c", "s", "a", "x", "127.0.0.1", "curl/7.88.1");
	m.u.token_req.secret = str_of("a\0b", 3);
	CHECK(proto_encode(&m, PROTO_REQUEST, out, sizeof(out)) == -1,
	    "encode refuses a NUL byte in a string");
	token_req(&m, "c", "s", "a", "x", "127.0.0.1", "curl/7.88.1");
	m.u.token_req.ip = str_of("127.0.0.1\0", 10);
	CHECK(proto_encode(&m, PROTO_REQUEST, out, sizeof(out)) == -1,
	    "encode refuses a NUL byte in the ip");
	token_req(&m, "c", "s", "a", "x", "127.0.0.1", "curl/7.88.1");
	m.u.token_req.user_agent = str_of("curl\0/7.88.1", 12);
	CHECK(proto_encode(&m, PROTO_REQUEST, out, sizeof(out)) == -1,
	    "encode refuses a NUL byte in the user_agent");

	token_req(&m, "c", "s", "a", "x", "127.0.0.1", "curl/7.88.1");
	m.status = PROTO_ERR_CLIENT;
	CHECK(proto_encode(&m, PROTO_REQUEST, out, sizeof(out)) == -1,
	    "encode refuses a request with a status");
	memset(&m, 0, sizeof(m));
	m.type = PROTO_HELLO;
	m.status = 1;
	CHECK(proto_encode(&m, PROTO_REQUEST, out, sizeof(out)) == -1,
	    "encode refuses a hello request with a status");

	memset(&m, 0, sizeof(m));
	m.type = 0;
	CHECK(proto_encode(&m, PROTO_REQUEST, out, sizeof(out)) == -1 &&
	    proto_encode(&m, PROTO_REPLY, out, sizeof(out)) == -1,
	    "encode refuses type 0");
	m.type = PROTO_TYPE__MAX;
	CHECK(proto_encode(&m, PROTO_REQUEST, out, sizeof(out)) == -1 &&
	    proto_encode(&m, PROTO_REPLY, out, sizeof(out)) == -1,
	    "encode refuses type PROTO_TYPE__MAX");
	m.type = 0xffff;
	m.status = PROTO_ERR_INTERNAL;
	CHECK(proto_encode(&m, PROTO_REQUEST, out, sizeof(out)) == -1 &&
	    proto_encode(&m, PROTO_REPLY, out, sizeof(out)) == -1,
	    "encode refuses type 0xffff");

	memset(&m, 0, sizeof(m));
	m.type = PROTO_HELLO;
	CHECK(encode_exact(&m, PROTO_REQUEST, out, PROTO_HEADER_LEN - 1) == -1,
	    "encode refuses 15 bytes for a header-only frame");
	CHECK(encode_exact(&m, PROTO_REQUEST, out, PROTO_HEADER_LEN) ==
	    PROTO_HEADER_LEN, "encode fits a header-only frame in 16 bytes");
}

/*
 * The encoder refuses every output buffer shorter than the frame, each
 * allocated to exactly that length, and fills one of exactly its length.
 */
static void
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
static void
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

static void
test_truncation(void)
{
	static char		 agent[PROTO_AGENT_MAX];
	struct proto_msg	 m;

	token_req(&m, "client-1", "s3cret", "https://id.example/api",
	    "read write", "127.0.0.1", "curl/7.88.1");
	sweep(&m, PROTO_REQUEST, "client_token request");
	token_req(&m, "c", "", "a", "", "", "");
	sweep(&m, PROTO_REQUEST, "client_token request with empty strings");
	token_req(&m, "c", "", "a", "", "::1", "");
	sweep(&m, PROTO_REQUEST, "client_token request, empty user_agent "
	    "last");
	token_req(&m, "client-1", "s3cret", "https://id.example/api",
	    "read write", "", "");
	m.u.token_req.ip = fill('p', PROTO_IP_MAX);
	memset(agent, 'u', sizeof(agent));
	m.u.token_req.user_agent = str_of(agent, sizeof(agent));
	sweep(&m, PROTO_REQUEST, "client_token request, ip and user_agent at "
	    "their maxima");

	memset(&m, 0, sizeof(m));
	m.type = PROTO_CLIENT_TOKEN;
	m.u.token_rep.token = proto_str("eyJ.eyJ.sig");
	m.u.token_rep.scope = proto_str("read");
	m.u.token_rep.expires_in = 3600;
	sweep(&m, PROTO_REPLY, "client_token reply");

	memset(&m, 0, sizeof(m));
	m.type = PROTO_TEST_SYSCALL;
	m.u.test_req.which = 2;
	sweep(&m, PROTO_REQUEST, "test_syscall request");

	memset(&m, 0, sizeof(m));
	m.type = PROTO_HELLO;
	m.u.hello_rep.jwks = proto_str("{\"keys\":[]}");
	sweep(&m, PROTO_REPLY, "hello reply");
}

/*
 * The login messages (code_tokens, implicit_tokens), client_auth and the
 * client_token request.  Their fields are listed here once more, in wire
 * order, independently of proto.c's tables, so that every field can be
 * tested at its maximum and one byte over it, and every frame built by
 * hand.
 */
struct sfield {
	const char	*name;
	int		 u32;		/* a u32, not a string */
	uint16_t	 max;		/* strings: longest allowed */
	size_t		 off;		/* of its struct proto_str or uint32_t */
};

#define SFIELD(name, member, max)					\
	{ name, 0, max, offsetof(struct proto_msg, member) }
#define UFIELD(name, member)						\
	{ name, 1, 0, offsetof(struct proto_msg, member) }

/* What both login requests carry after their own fields. */
#define LOGIN_SFIELDS							\
	SFIELD("user_id", u.login_req.user_id, PROTO_USER_ID_MAX),	\
	SFIELD("impersonator_id", u.login_req.impersonator_id,		\
	    PROTO_USER_ID_MAX),						\
	SFIELD("impersonator_email", u.login_req.impersonator_email,	\
	    PROTO_EMAIL_MAX),						\
	SFIELD("scope", u.login_req.scope, PROTO_SCOPE_MAX),		\
	SFIELD("nonce", u.login_req.nonce, PROTO_NONCE_MAX),		\
	SFIELD("profile", u.login_req.profile, PROTO_PROFILE_MAX),	\
	UFIELD("auth_time", u.login_req.auth_time),			\
	SFIELD("ip", u.login_req.ip, PROTO_IP_MAX),			\
	SFIELD("user_agent", u.login_req.user_agent, PROTO_AGENT_MAX)

static const struct sfield code_req_f[] = {
	SFIELD("client_id", u.login_req.client_id, PROTO_CLIENT_ID_MAX),
	SFIELD("secret", u.login_req.secret, PROTO_SECRET_MAX),
	SFIELD("code", u.login_req.code, PROTO_CODE_MAX),
	LOGIN_SFIELDS
};

static const struct sfield implicit_req_f[] = {
	SFIELD("client_id", u.login_req.client_id, PROTO_CLIENT_ID_MAX),
	LOGIN_SFIELDS
};

static const struct sfield login_rep_f[] = {
	SFIELD("id_token", u.login_rep.id_token, PROTO_ID_TOKEN_MAX),
	SFIELD("access_token", u.login_rep.access_token, PROTO_TOKEN_MAX),
	SFIELD("access_jti", u.login_rep.access_jti, PROTO_JTI_MAX),
	UFIELD("expires_in", u.login_rep.expires_in)
};

static const struct sfield auth_req_f[] = {
	SFIELD("client_id", u.auth_req.client_id, PROTO_CLIENT_ID_MAX),
	SFIELD("secret", u.auth_req.secret, PROTO_SECRET_MAX)
};

static const struct sfield token_req_f[] = {
	SFIELD("client_id", u.token_req.client_id, PROTO_CLIENT_ID_MAX),
	SFIELD("secret", u.token_req.secret, PROTO_SECRET_MAX),
	SFIELD("audience", u.token_req.audience, PROTO_AUDIENCE_MAX),
	SFIELD("scope", u.token_req.scope, PROTO_SCOPE_MAX),
	SFIELD("ip", u.token_req.ip, PROTO_IP_MAX),
	SFIELD("user_agent", u.token_req.user_agent, PROTO_AGENT_MAX)
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define FORM_ID		0x5eed0001
#define FORM_U32	0xa1b2c3d4
#define NO_FIELD	SIZE_MAX

enum {
	FORM_CODE_REQ,
	FORM_IMPLICIT_REQ,
	FORM_CODE_REP,
	FORM_IMPLICIT_REP,
	FORM_AUTH_REQ,
	FORM_TOKEN_REQ,
	FORM__MAX
};

/* A message in one direction: its fields, strings and integers. */
static const struct msgform {
	const char		*what;
	uint16_t		 type;
	enum proto_dir		 dir;
	const struct sfield	*f;
	size_t			 nf;
} forms[FORM__MAX] = {
	[FORM_CODE_REQ] = { "code_tokens request", PROTO_CODE_TOKENS,
	    PROTO_REQUEST, code_req_f, NELEM(code_req_f) },
	[FORM_IMPLICIT_REQ] = { "implicit_tokens request",
	    PROTO_IMPLICIT_TOKENS, PROTO_REQUEST, implicit_req_f,
	    NELEM(implicit_req_f) },
	[FORM_CODE_REP] = { "code_tokens reply", PROTO_CODE_TOKENS,
	    PROTO_REPLY, login_rep_f, NELEM(login_rep_f) },
	[FORM_IMPLICIT_REP] = { "implicit_tokens reply",
	    PROTO_IMPLICIT_TOKENS, PROTO_REPLY, login_rep_f,
	    NELEM(login_rep_f) },
	[FORM_AUTH_REQ] = { "client_auth request", PROTO_CLIENT_AUTH,
	    PROTO_REQUEST, auth_req_f, NELEM(auth_req_f) },
	[FORM_TOKEN_REQ] = { "client_token request", PROTO_CLIENT_TOKEN,
	    PROTO_REQUEST, token_req_f, NELEM(token_req_f) },
};

/* Slices of one buffer, so that each field has bytes of its own. */
static char		 pool[PROTO_FRAME_MAX];
static size_t		 pool_used;

static struct proto_str
pool_fill(int c, size_t n)
{
	if (n > sizeof(pool) - pool_used)
		abort();
	memset(pool + pool_used, c, n);
	pool_used += n;
	return str_of(pool + pool_used - n, n);
}

static struct proto_str *
str_at(struct proto_msg *m, size_t off)
{
	return (struct proto_str *)((char *)m + off);
}

static uint32_t *
u32_at(struct proto_msg *m, size_t off)
{
	return (uint32_t *)((char *)m + off);
}

/* The index of the form's field of this name; abort when there is none. */
static size_t
form_field(const struct msgform *fm, const char *name)
{
	size_t	 i;

	for (i = 0; i < fm->nf; i++)
		if (strcmp(fm->f[i].name, name) == 0)
			return i;
	abort();
}

/* Field i's length in the tests: its maximum, or len for field which. */
static size_t
form_len(const struct msgform *fm, size_t i, size_t which, size_t len)
{
	return i == which ? len : fm->f[i].max;
}

/* The length of m's frame, counted from the form. */
static long
form_frame_len(const struct msgform *fm, struct proto_msg *m)
{
	size_t	 i;
	long	 n = PROTO_HEADER_LEN;

	for (i = 0; i < fm->nf; i++)
		n += fm->f[i].u32 ? 4 :
		    2 + (long)str_at(m, fm->f[i].off)->len;
	return n;
}

/*
 * Every string at its maximum but field which, of len; string i is all
 * 'A' + i, every integer FORM_U32.
 */
static void
form_msg(struct proto_msg *m, const struct msgform *fm, size_t which,
    size_t len)
{
	size_t	 i;

	memset(m, 0, sizeof(*m));
	m->type = fm->type;
	m->id = FORM_ID;
	pool_used = 0;
	for (i = 0; i < fm->nf; i++) {
		if (fm->f[i].u32)
			*u32_at(m, fm->f[i].off) = FORM_U32;
		else
			*str_at(m, fm->f[i].off) = pool_fill('A' + (int)i,
			    form_len(fm, i, which, len));
	}
}

/* The first nf fields of form_msg's frame, built by hand (not sealed). */
static void
fr_form_n(const struct msgform *fm, size_t which, size_t len, size_t nf)
{
	size_t	 i;

	fr_start(PROTO_VERSION, fm->type, FORM_ID, 0);
	for (i = 0; i < nf && i < fm->nf; i++) {
		if (fm->f[i].u32)
			fr_u32(FORM_U32);
		else
			fr_str_fill('A' + (int)i, (uint16_t)form_len(fm, i,
			    which, len));
	}
}

/* The frame of form_msg, built by hand (not sealed). */
static void
fr_form(const struct msgform *fm, size_t which, size_t len)
{
	fr_form_n(fm, which, len, fm->nf);
}

/* Whether m holds form_msg's message with every field at its maximum. */
static int
form_is_max(struct proto_msg *m, const struct msgform *fm)
{
	size_t	 i;

	for (i = 0; i < fm->nf; i++) {
		if (fm->f[i].u32) {
			if (*u32_at(m, fm->f[i].off) != FORM_U32)
				return 0;
		} else if (!str_all(*str_at(m, fm->f[i].off), 'A' + (int)i,
		    fm->f[i].max))
			return 0;
	}
	return 1;
}

static int
same(struct proto_str a, struct proto_str b)
{
	return str_is(a, b.p, b.len);
}

/* A login request as the front end sends one, of type code or implicit. */
static void
login_req(struct proto_msg *m, uint16_t type)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->id = 0x00c0ffee;
	m->u.login_req.client_id = proto_str("web-app");
	m->u.login_req.secret = proto_str("s3cr:et");
	m->u.login_req.code = proto_str("SplxlOBeZQQYbYS6WxSbIA");
	m->u.login_req.user_id = proto_str("auth0|5f1a2b3c");
	m->u.login_req.impersonator_id = proto_str("auth0|admin");
	m->u.login_req.impersonator_email = proto_str("admin@example.com");
	m->u.login_req.scope = proto_str("openid profile email");
	m->u.login_req.nonce = proto_str("n-0S6_WzA2Mj");
	m->u.login_req.profile = proto_str("{\"name\":\"Jane Doe\","
	    "\"email_verified\":true}");
	m->u.login_req.auth_time = 1700000000;
	m->u.login_req.ip = proto_str("127.0.0.1");
	m->u.login_req.user_agent = proto_str("curl/7.88.1");
}

static void
login_rep(struct proto_msg *m, uint16_t type)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->id = 77;
	m->u.login_rep.id_token = proto_str("eyJhbGciOiJFUzI1NiJ9."
	    "eyJzdWIiOiJhdXRoMHw1ZjFhMmIzYyJ9.c2ln");
	m->u.login_rep.access_token = proto_str("eyJhbGciOiJFUzI1NiJ9."
	    "eyJzY29wZSI6Im9wZW5pZCJ9.c2ln");
	m->u.login_rep.access_jti = proto_str("3f2a9c1e7b8d4f60a1b2c3d4e5f6"
	    "0718");
	m->u.login_rep.expires_in = 86400;
}

static void
auth_req(struct proto_msg *m, const char *id, const char *secret)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_CLIENT_AUTH;
	m->id = 5;
	m->u.auth_req.client_id = proto_str(id);
	m->u.auth_req.secret = proto_str(secret);
}

/* The fields both login requests carry. */
static int
login_shared_same(const struct proto_msg *a, const struct proto_msg *b)
{
	return same(a->u.login_req.client_id, b->u.login_req.client_id) &&
	    same(a->u.login_req.user_id, b->u.login_req.user_id) &&
	    same(a->u.login_req.impersonator_id,
	    b->u.login_req.impersonator_id) &&
	    same(a->u.login_req.impersonator_email,
	    b->u.login_req.impersonator_email) &&
	    same(a->u.login_req.scope, b->u.login_req.scope) &&
	    same(a->u.login_req.nonce, b->u.login_req.nonce) &&
	    same(a->u.login_req.profile, b->u.login_req.profile) &&
	    a->u.login_req.auth_time == b->u.login_req.auth_time &&
	    same(a->u.login_req.ip, b->u.login_req.ip) &&
	    same(a->u.login_req.user_agent, b->u.login_req.user_agent);
}

/*
 * Whether, in m decoded from the n bytes at copy, auth_time is followed by
 * ip, then user_agent, which ends the frame.
 */
static int
login_tail_ok(const struct proto_msg *m, const uint8_t *copy, long n)
{
	size_t		 ip = m->u.login_req.ip.len;
	size_t		 ua = m->u.login_req.user_agent.len;
	const uint8_t	*end;

	if (copy == NULL || n < 0 ||
	    (size_t)n < PROTO_HEADER_LEN + 4 + 2 + ip + 2 + ua)
		return 0;
	end = copy + n;
	return m->u.login_req.user_agent.p == (const char *)end - ua &&
	    get_u16(end - ua - 2) == ua &&
	    m->u.login_req.ip.p == (const char *)end - ua - 2 - ip &&
	    get_u16(end - ua - 2 - ip - 2) == ip &&
	    get_u32(end - ua - 2 - ip - 2 - 4) == m->u.login_req.auth_time;
}

/*
 * Sizes, counted by hand: the code_tokens request of login_req() is 16 +
 * 11 * 2 + 4 bytes of framing and 151 + 9 + 11 of strings (213); the
 * implicit one lacks secret and code, 2 * 2 + 7 + 22 fewer (180).
 */
static void
test_roundtrip_login_req(void)
{
	static const uint16_t	 type[2] = { PROTO_CODE_TOKENS,
	    PROTO_IMPLICIT_TOKENS };
	static const long	 real_len[2] = { 213, 180 };
	static char		 ip[PROTO_IP_MAX], agent[PROTO_AGENT_MAX];
	struct proto_msg	 in, out;
	const char		*name;
	uint8_t			*copy;
	size_t			 i, form;
	long			 n;

	login_req(&in, PROTO_CODE_TOKENS);
	n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
	CHECK(n == form_frame_len(&forms[FORM_CODE_REQ], &in) &&
	    n == real_len[0] && login_shared_same(&out, &in) &&
	    same(out.u.login_req.secret, in.u.login_req.secret) &&
	    same(out.u.login_req.code, in.u.login_req.code) &&
	    str_is(out.u.login_req.ip, "127.0.0.1", 9) &&
	    str_is(out.u.login_req.user_agent, "curl/7.88.1", 11),
	    "code_tokens request: eleven strings and auth_time round trip, "
	    "ip 127.0.0.1, user_agent curl/7.88.1 (%ld bytes)", n);
	free(copy);

	in.u.login_req.nonce = str_of("", 0);
	in.u.login_req.auth_time = UINT32_MAX;
	n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
	CHECK(n == form_frame_len(&forms[FORM_CODE_REQ], &in) &&
	    out.u.login_req.nonce.len == 0 && login_shared_same(&out, &in) &&
	    same(out.u.login_req.code, in.u.login_req.code) &&
	    login_tail_ok(&out, copy, n),
	    "code_tokens request: empty nonce, auth_time UINT32_MAX");
	free(copy);

	/* secret and code set, but not in the implicit table: not sent. */
	login_req(&in, PROTO_IMPLICIT_TOKENS);
	n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
	CHECK(n == form_frame_len(&forms[FORM_IMPLICIT_REQ], &in) &&
	    n == real_len[1] && login_shared_same(&out, &in) &&
	    str_is(out.u.login_req.ip, "127.0.0.1", 9) &&
	    str_is(out.u.login_req.user_agent, "curl/7.88.1", 11) &&
	    out.u.login_req.secret.p == NULL &&
	    out.u.login_req.secret.len == 0 &&
	    out.u.login_req.code.p == NULL && out.u.login_req.code.len == 0,
	    "implicit_tokens request: client_id and the shared fields round "
	    "trip, ip and user_agent too, secret and code are not sent "
	    "(%ld bytes)", n);
	free(copy);

	in.u.login_req.nonce = str_of("", 0);
	in.u.login_req.auth_time = 0;
	n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
	CHECK(n == form_frame_len(&forms[FORM_IMPLICIT_REQ], &in) &&
	    out.u.login_req.nonce.len == 0 && login_shared_same(&out, &in) &&
	    login_tail_ok(&out, copy, n),
	    "implicit_tokens request: empty nonce, auth_time 0");
	free(copy);

	memset(ip, 'p', sizeof(ip));
	memset(agent, 'u', sizeof(agent));
	for (i = 0; i < 2; i++) {
		name = proto_type_name(type[i]);
		form = i == 0 ? FORM_CODE_REQ : FORM_IMPLICIT_REQ;

		login_req(&in, type[i]);
		n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
		CHECK(login_tail_ok(&out, copy, n) &&
		    str_is(out.u.login_req.ip, "127.0.0.1", 9) &&
		    str_is(out.u.login_req.user_agent, "curl/7.88.1", 11),
		    "%s request: auth_time, then ip, then user_agent, which "
		    "ends the frame", name);
		free(copy);

		login_req(&in, type[i]);
		in.u.login_req.ip = str_of("", 0);
		in.u.login_req.user_agent = str_of("", 0);
		n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
		CHECK(n == real_len[i] - 9 - 11 &&
		    n == form_frame_len(&forms[form], &in) &&
		    login_shared_same(&out, &in) &&
		    out.u.login_req.ip.len == 0 &&
		    out.u.login_req.user_agent.len == 0 &&
		    login_tail_ok(&out, copy, n),
		    "%s request: empty ip and user_agent round trip (%ld "
		    "bytes)", name, n);
		free(copy);

		login_req(&in, type[i]);
		in.u.login_req.ip = str_of("2001:db8::1", 11);
		in.u.login_req.user_agent = str_of("", 0);
		n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
		CHECK(n == real_len[i] - 11 + 2 &&
		    login_shared_same(&out, &in) &&
		    str_is(out.u.login_req.ip, "2001:db8::1", 11) &&
		    out.u.login_req.user_agent.len == 0 &&
		    login_tail_ok(&out, copy, n),
		    "%s request: an IPv6 ip, empty user_agent", name);
		free(copy);

		login_req(&in, type[i]);
		in.u.login_req.ip = str_of(ip, sizeof(ip));
		in.u.login_req.user_agent = str_of(agent, sizeof(agent));
		n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
		CHECK(n == real_len[i] - 9 - 11 + PROTO_IP_MAX +
		    PROTO_AGENT_MAX && login_shared_same(&out, &in) &&
		    str_all(out.u.login_req.ip, 'p', PROTO_IP_MAX) &&
		    str_all(out.u.login_req.user_agent, 'u',
		    PROTO_AGENT_MAX) && login_tail_ok(&out, copy, n),
		    "%s request: ip of PROTO_IP_MAX (%d) and user_agent of "
		    "PROTO_AGENT_MAX (%d) round trip (%ld bytes)", name,
		    PROTO_IP_MAX, PROTO_AGENT_MAX, n);
		free(copy);
	}
}

static void
test_roundtrip_login_rep(void)
{
	static const uint16_t	 type[2] = { PROTO_CODE_TOKENS,
	    PROTO_IMPLICIT_TOKENS };
	struct proto_msg	 in, out;
	uint8_t			*copy;
	uint32_t		 st;
	size_t			 i;
	long			 n;
	int			 all;

	for (i = 0; i < 2; i++) {
		login_rep(&in, type[i]);
		n = roundtrip(&in, PROTO_REPLY, &out, &copy);
		CHECK(n == form_frame_len(&forms[FORM_CODE_REP], &in) &&
		    same(out.u.login_rep.id_token, in.u.login_rep.id_token) &&
		    same(out.u.login_rep.access_token,
		    in.u.login_rep.access_token) &&
		    same(out.u.login_rep.access_jti,
		    in.u.login_rep.access_jti) &&
		    out.u.login_rep.expires_in == 86400,
		    "%s reply: id_token, access_token, access_jti, expires_in "
		    "round trip", proto_type_name(type[i]));
		free(copy);

		in.u.login_rep.id_token = str_of("", 0);
		in.u.login_rep.access_token = str_of("", 0);
		in.u.login_rep.access_jti = str_of("", 0);
		in.u.login_rep.expires_in = 0;
		n = roundtrip(&in, PROTO_REPLY, &out, &copy);
		CHECK(n == PROTO_HEADER_LEN + 3 * 2 + 4 &&
		    out.u.login_rep.id_token.len == 0 &&
		    out.u.login_rep.access_token.len == 0 &&
		    out.u.login_rep.access_jti.len == 0 &&
		    out.u.login_rep.expires_in == 0,
		    "%s reply: empty strings, expires_in 0",
		    proto_type_name(type[i]));
		free(copy);

		/* Whatever the message holds, an error has no fields. */
		all = 1;
		for (st = 1; st < PROTO_STATUS__MAX; st++) {
			login_rep(&in, type[i]);
			in.status = st;
			n = roundtrip(&in, PROTO_REPLY, &out, &copy);
			if (n != PROTO_HEADER_LEN || out.status != st ||
			    out.u.login_rep.id_token.p != NULL ||
			    out.u.login_rep.access_token.len != 0 ||
			    out.u.login_rep.access_jti.len != 0 ||
			    out.u.login_rep.expires_in != 0) {
				printf("# status %u: %ld bytes\n",
				    (unsigned int)st, n);
				all = 0;
			}
			free(copy);
		}
		CHECK(all, "%s reply with each error status: header only",
		    proto_type_name(type[i]));
	}
}

static void
test_roundtrip_client_auth(void)
{
	static const uint8_t	 want[] = {
		0x00, 0x00, 0x00, 0x17,		/* 16 + 3 + 4 */
		0x00, 0x01,
		0x00, 0x06,			/* client_auth */
		0x00, 0x00, 0x00, 0x05,
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x01, 'c',		/* client_id */
		0x00, 0x02, 's', 'k',		/* secret */
	};
	struct proto_msg	 in, out;
	uint8_t			*copy, buf[64];
	uint32_t		 st;
	long			 n;
	int			 all;

	auth_req(&in, "web-app", "s3cr:et");
	n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN + 2 + 7 + 2 + 7 &&
	    str_is(out.u.auth_req.client_id, "web-app", 7) &&
	    str_is(out.u.auth_req.secret, "s3cr:et", 7),
	    "client_auth request: client_id and secret round trip");
	free(copy);

	auth_req(&in, "", "");
	n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN + 4 &&
	    out.u.auth_req.client_id.len == 0 &&
	    out.u.auth_req.secret.len == 0,
	    "client_auth request: empty strings round trip");
	free(copy);

	auth_req(&in, "c", "sk");
	n = proto_encode(&in, PROTO_REQUEST, buf, sizeof(buf));
	CHECK(n == (long)sizeof(want) && memcmp(buf, want, sizeof(want)) == 0,
	    "client_auth request: client_id, then secret, big-endian");

	memset(&in, 0, sizeof(in));
	in.type = PROTO_CLIENT_AUTH;
	in.id = 6;
	n = roundtrip(&in, PROTO_REPLY, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN && out.status == PROTO_OK,
	    "client_auth reply: yes is a header with status ok");
	free(copy);

	all = 1;
	for (st = 1; st < PROTO_STATUS__MAX; st++) {
		in.status = st;
		n = roundtrip(&in, PROTO_REPLY, &out, &copy);
		if (n != PROTO_HEADER_LEN || out.status != st)
			all = 0;
		free(copy);
	}
	CHECK(all, "client_auth reply: each error status, header only");

	CHECK(PROTO_CODE_TOKENS == 4 && PROTO_IMPLICIT_TOKENS == 5 &&
	    PROTO_CLIENT_AUTH == 6 && PROTO_AUDIT == 7 &&
	    PROTO_TYPE__MAX == 8 &&
	    PROTO_ERR_GRANT == 2 && PROTO_ERR_REQUEST == 6 &&
	    PROTO_ERR_AUDIT == 7 && PROTO_STATUS__MAX == 8 &&
	    strcmp(proto_type_name(PROTO_AUDIT), "audit") == 0 &&
	    strcmp(proto_type_name(PROTO_CODE_TOKENS), "code_tokens") == 0 &&
	    strcmp(proto_type_name(PROTO_IMPLICIT_TOKENS),
	    "implicit_tokens") == 0 &&
	    strcmp(proto_type_name(PROTO_CLIENT_AUTH), "client_auth") == 0,
	    "wire constants and names of the login, client_auth and audit types");
}

/*
 * Each form with every field at its maximum: its round trip, its size
 * (the largest is a login reply of 41,050 bytes: no frame of these types
 * can come near PROTO_FRAME_MAX), and the encoder's bytes against a frame
 * built by hand; then each string one byte over, refused by both sides.
 */
static void
test_form_maxima(void)
{
	static uint8_t		 enc[PROTO_FRAME_MAX];
	const struct msgform	*fm;
	struct proto_msg	 in, out;
	const char		*why;
	uint8_t			*copy;
	size_t			 k, i, max;
	long			 n, want;
	int			 rc;

	for (k = 0; k < FORM__MAX; k++) {
		fm = &forms[k];
		form_msg(&in, fm, NO_FIELD, 0);
		want = form_frame_len(fm, &in);
		n = roundtrip(&in, fm->dir, &out, &copy);
		CHECK(n == want && n <= PROTO_FRAME_MAX &&
		    form_is_max(&out, fm), "%s: every field at its maximum "
		    "round trips (%ld bytes)", fm->what, n);
		free(copy);

		CHECK(encode_exact(&in, fm->dir, enc, (size_t)want) == want &&
		    encode_exact(&in, fm->dir, enc, (size_t)want - 1) == -1,
		    "%s: that fits %ld bytes of output, not one fewer",
		    fm->what, want);

		fr_form(fm, NO_FIELD, 0);
		fr_seal();
		rc = decode_copy(fr.b, fr.len, fm->dir, &out, &why, &copy);
		CHECK(rc == 0 && form_is_max(&out, fm) &&
		    fr.len == (size_t)want && memcmp(fr.b, enc, fr.len) == 0,
		    "%s: the frame built by hand decodes and is the "
		    "encoder's, byte for byte", fm->what);
		free(copy);

		for (i = 0; i < fm->nf; i++) {
			if (fm->f[i].u32)
				continue;
			max = fm->f[i].max;
			fr_form(fm, i, max + 1);
			CHECK(fr_refused(fm->dir, "maximum"), "%s: decode "
			    "refuses %s of %zu bytes, one over", fm->what,
			    fm->f[i].name, max + 1);
			form_msg(&in, fm, i, max + 1);
			CHECK(proto_encode(&in, fm->dir, enc, sizeof(enc)) ==
			    -1, "%s: encode refuses %s of %zu bytes",
			    fm->what, fm->f[i].name, max + 1);
		}
	}
}

/*
 * A login request cut at auth_time, at ip and at user_agent; the layout
 * before ip and user_agent; a user_agent running past the end.
 */
static void
decode_login_tail(const struct msgform *fm)
{
	static uint8_t		 enc[PROTO_FRAME_MAX];
	struct proto_msg	 m;
	size_t			 at = form_field(fm, "auth_time");
	long			 n;

	if (form_field(fm, "ip") != at + 1 ||
	    form_field(fm, "user_agent") != at + 2 || fm->nf != at + 3)
		abort();
	fr_form_n(fm, NO_FIELD, 0, at);
	CHECK(fr_refused(fm->dir, "truncated integer"),
	    "%s without auth_time", fm->what);
	fr_form_n(fm, NO_FIELD, 0, at);
	fr_fill(0xab, 3);
	CHECK(fr_refused(fm->dir, "truncated integer"),
	    "%s with 3 of 4 bytes of auth_time", fm->what);
	fr_form_n(fm, NO_FIELD, 0, at + 1);
	CHECK(fr_refused(fm->dir, "truncated string length"),
	    "%s in the old layout (auth_time last, no ip, no user_agent), "
	    "every string at its maximum", fm->what);
	fr_form_n(fm, NO_FIELD, 0, at + 1);
	fr_fill(0, 1);
	CHECK(fr_refused(fm->dir, "truncated string length"),
	    "%s with 1 byte of the ip length", fm->what);
	fr_form_n(fm, NO_FIELD, 0, at + 2);
	CHECK(fr_refused(fm->dir, "truncated string length"),
	    "%s with an ip but no user_agent", fm->what);
	fr_form_n(fm, NO_FIELD, 0, at + 2);
	fr_fill(0, 1);
	CHECK(fr_refused(fm->dir, "truncated string length"),
	    "%s with 1 byte of the user_agent length", fm->what);
	fr_form_n(fm, NO_FIELD, 0, at + 2);
	fr_u16(PROTO_AGENT_MAX);
	fr_fill('u', PROTO_AGENT_MAX - 1);
	CHECK(fr_refused(fm->dir, "truncated string field"),
	    "%s: user_agent of PROTO_AGENT_MAX with 1 byte missing",
	    fm->what);
	fr_form(fm, NO_FIELD, 0);
	fr_fill(0, 1);
	CHECK(fr_refused(fm->dir, "trailing"),
	    "%s with 1 byte after the user_agent", fm->what);

	/* What a front end of the old layout sends: no ip, no user_agent. */
	login_req(&m, fm->type);
	m.u.login_req.ip = str_of("", 0);
	m.u.login_req.user_agent = str_of("", 0);
	n = proto_encode(&m, fm->dir, enc, sizeof(enc));
	if (n > PROTO_HEADER_LEN + 4)
		put_u32(enc, (uint32_t)(n - 4));
	CHECK(n > PROTO_HEADER_LEN + 4 && get_u32(enc + n - 8) ==
	    m.u.login_req.auth_time && refused(enc, (size_t)(n - 4), fm->dir,
	    "truncated string length"), "%s of login_req() in the old layout "
	    "(%ld bytes, auth_time last)", fm->what, n - 4);
}

static void
test_decode_login(void)
{
	static const uint32_t	 st[] = { PROTO_OK, PROTO_ERR_CLIENT,
	    PROTO_ERR_INTERNAL };
	size_t			 i;

	fr_start(PROTO_VERSION, PROTO_CLIENT_AUTH, 1, 0);
	fr_str("web-app");
	fr_str("s3cret");
	fr_fill(0, 1);
	CHECK(fr_refused(PROTO_REQUEST, "trailing"),
	    "client_auth request with 1 trailing byte");
	fr_start(PROTO_VERSION, PROTO_CLIENT_AUTH, 1, 0);
	fr_str("web-app");
	fr_str("s3cret");
	fr_u32(1);
	CHECK(fr_refused(PROTO_REQUEST, "trailing"),
	    "client_auth request with an integer after the secret");
	fr_start(PROTO_VERSION, PROTO_CLIENT_AUTH, 1, 0);
	fr_str("web-app");
	fr_str("s3cret");
	fr_str("audience");
	CHECK(fr_refused(PROTO_REQUEST, "trailing"),
	    "client_auth request with a third string");
	fr_start(PROTO_VERSION, PROTO_CLIENT_AUTH, 1, 0);
	fr_str("web-app");
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "client_auth request without a secret");

	/* The reply is its status: any body is refused. */
	for (i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		fr_start(PROTO_VERSION, PROTO_CLIENT_AUTH, 1, st[i]);
		fr_str("web-app");
		CHECK(fr_refused(PROTO_REPLY, "trailing"),
		    "client_auth reply with status %u (%s) and a string",
		    (unsigned int)st[i], proto_status_name(st[i]));
		fr_start(PROTO_VERSION, PROTO_CLIENT_AUTH, 1, st[i]);
		fr_fill(0, 1);
		CHECK(fr_refused(PROTO_REPLY, "trailing"),
		    "client_auth reply with status %u and 1 byte of body",
		    (unsigned int)st[i]);
	}

	fr_start(PROTO_VERSION, PROTO_CODE_TOKENS, 1, PROTO_ERR_GRANT);
	fr_str("eyJ.eyJ.sig");
	fr_str("eyJ.eyJ.sig");
	fr_str("jti");
	fr_u32(3600);
	CHECK(fr_refused(PROTO_REPLY, "trailing"),
	    "an error code_tokens reply with a login body");
	fr_form(&forms[FORM_IMPLICIT_REP], NO_FIELD, 0);
	put_u32(fr.b + 12, PROTO_ERR_SCOPE);
	CHECK(fr_refused(PROTO_REPLY, "trailing"),
	    "an error implicit_tokens reply with a full login body");

	for (i = 0; i < 2; i++)
		decode_login_tail(&forms[i == 0 ? FORM_CODE_REQ :
		    FORM_IMPLICIT_REQ]);
	fr_form(&forms[FORM_CODE_REP], NO_FIELD, 0);
	fr.len -= 1;
	CHECK(fr_refused(PROTO_REPLY, "truncated integer"),
	    "code_tokens reply with 3 of 4 bytes of expires_in");
	/* A code request's body, labelled implicit: fields misalign. */
	fr_form(&forms[FORM_CODE_REQ], NO_FIELD, 0);
	put_u16(fr.b + 6, PROTO_IMPLICIT_TOKENS);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a code_tokens body sent as an implicit_tokens request");
	fr_form(&forms[FORM_AUTH_REQ], NO_FIELD, 0);
	CHECK(fr_refused(PROTO_REPLY, "trailing"),
	    "a client_auth request read as a reply");
}

/* A reply's status must be one the protocol knows, for every type. */
static void
test_encode_status(void)
{
	static const uint32_t	 bad[] = { PROTO_STATUS__MAX,
	    PROTO_STATUS__MAX + 1, 0x80000000, UINT32_MAX };
	struct proto_msg	 m;
	uint8_t			 out[PROTO_FRAME_MAX];
	uint16_t		 t;
	size_t			 i;
	int			 all;

	for (t = 1; t < PROTO_TYPE__MAX; t++) {
		all = 1;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			memset(&m, 0, sizeof(m));
			m.type = t;
			m.status = bad[i];
			if (proto_encode(&m, PROTO_REPLY, out,
			    sizeof(out)) != -1) {
				printf("# encoded status %#x\n",
				    (unsigned int)bad[i]);
				all = 0;
			}
		}
		m.status = PROTO_STATUS__MAX - 1;
		CHECK(all && proto_encode(&m, PROTO_REPLY, out, sizeof(out)) ==
		    PROTO_HEADER_LEN, "encode refuses a reply of type %s "
		    "with a status >= PROTO_STATUS__MAX, not the last one",
		    proto_type_name(t));
	}
}

static void
test_truncation_login(void)
{
	static char		 ip[PROTO_IP_MAX], agent[PROTO_AGENT_MAX];
	struct proto_msg	 m;

	login_req(&m, PROTO_CODE_TOKENS);
	sweep(&m, PROTO_REQUEST, "code_tokens request");
	login_req(&m, PROTO_CODE_TOKENS);
	m.u.login_req.ip = str_of("", 0);
	m.u.login_req.user_agent = str_of("", 0);
	sweep(&m, PROTO_REQUEST, "code_tokens request, empty ip and "
	    "user_agent");
	login_req(&m, PROTO_IMPLICIT_TOKENS);
	m.u.login_req.nonce = str_of("", 0);
	sweep(&m, PROTO_REQUEST, "implicit_tokens request, empty nonce");
	memset(ip, 'p', sizeof(ip));
	memset(agent, 'u', sizeof(agent));
	login_req(&m, PROTO_IMPLICIT_TOKENS);
	m.u.login_req.ip = str_of(ip, sizeof(ip));
	m.u.login_req.user_agent = str_of(agent, sizeof(agent));
	sweep(&m, PROTO_REQUEST, "implicit_tokens request, ip and user_agent "
	    "at their maxima");
	login_rep(&m, PROTO_CODE_TOKENS);
	sweep(&m, PROTO_REPLY, "code_tokens reply");
	auth_req(&m, "web-app", "s3cr:et");
	sweep(&m, PROTO_REQUEST, "client_auth request");
}

static void
test_helpers(void)
{
	char			 dst[4];
	struct proto_str	 s;

	s = proto_str("abc");
	CHECK(s.len == 3 && memcmp(s.p, "abc", 3) == 0, "proto_str");
	CHECK(proto_strcpy(dst, sizeof(dst), s) == 0 &&
	    strcmp(dst, "abc") == 0, "proto_strcpy: exactly fits");
	CHECK(proto_strcpy(dst, 3, s) == -1,
	    "proto_strcpy: no room for the NUL");
	CHECK(proto_strcpy(dst, 0, str_of("", 0)) == -1,
	    "proto_strcpy: dstlen 0");
	CHECK(proto_strcpy(dst, 1, str_of("", 0)) == 0 && dst[0] == '\0',
	    "proto_strcpy: empty string");

	CHECK(strcmp(proto_type_name(PROTO_CLIENT_TOKEN),
	    "client_token") == 0 && strcmp(proto_type_name(0), "unknown") == 0 &&
	    strcmp(proto_type_name(PROTO_TYPE__MAX), "unknown") == 0 &&
	    strcmp(proto_type_name(0xffffffffu), "unknown") == 0,
	    "proto_type_name");
	CHECK(strcmp(proto_status_name(PROTO_OK), "ok") == 0 &&
	    strcmp(proto_status_name(PROTO_STATUS__MAX), "unknown") == 0,
	    "proto_status_name");
}

int
main(void)
{
	test_roundtrip_hello();
	test_roundtrip_token_req();
	test_roundtrip_token_rep();
	test_roundtrip_test_syscall();
	test_error_reply();
	test_header_bytes();
	test_frame_len();
	test_decode_header();
	test_decode_fields();
	test_encode_refusals();
	test_truncation();
	test_roundtrip_login_req();
	test_roundtrip_login_rep();
	test_roundtrip_client_auth();
	test_form_maxima();
	test_decode_login();
	test_encode_status();
	test_truncation_login();
	test_helpers();
	return check_done();
}
