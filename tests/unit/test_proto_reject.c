/*
 * The signer protocol's refusals: every violation proto_decode knows
 * (header, lengths, version, type, status, truncated, oversized, NUL and
 * trailing fields) is refused with a reason, and proto_encode refuses
 * what it must not send.  Frames are decoded from a heap copy of exactly
 * their length, so an over-read shows up under valgrind and ASan.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "proto.h"
#include "wire.h"

#include "proto_helpers.h"

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
	fr_start(1, PROTO_HELLO, 1, 0);
	CHECK(fr_refused(PROTO_REQUEST, "version"),
	    "version 1 (the protocol before grants)");
	fr_start(2, PROTO_HELLO, 1, 0);
	CHECK(fr_refused(PROTO_REQUEST, "version"),
	    "version 2 (the protocol before logins the application starts)");
	fr_start(3, PROTO_HELLO, 1, 0);
	CHECK(fr_refused(PROTO_REQUEST, "version"),
	    "version 3 (the protocol before the console's sign-in)");
	fr_start(4, PROTO_HELLO, 1, 0);
	CHECK(fr_refused(PROTO_REQUEST, "version"),
	    "version 4 (the protocol before the console's pages and links)");
	fr_start(5, PROTO_HELLO, 1, 0);
	CHECK(fr_refused(PROTO_REQUEST, "version"),
	    "version 5 (the protocol before sessions, webhooks and "
	    "revocation)");
	fr_start(6, PROTO_HELLO, 1, 0);
	CHECK(fr_refused(PROTO_REQUEST, "version"),
	    "version 6 (the protocol before four-eyes approval)");
	fr_start(8, PROTO_HELLO, 1, 0);
	CHECK(fr_refused(PROTO_REQUEST, "version"), "version 8");
	fr_start(0x0200, PROTO_HELLO, 1, 0);
	CHECK(fr_refused(PROTO_REQUEST, "version"),
	    "version 2 little-endian (0x0200)");
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

int
main(void)
{
	test_decode_header();
	test_decode_fields();
	test_encode_refusals();
	test_encode_status();
	return check_done();
}
