/*
 * The signer protocol, its original message types (hello, client_token,
 * test_syscall): each round trips in each direction that has fields, the
 * header is pinned byte by byte, and every prefix of a valid frame is
 * refused.  Frames are decoded from a heap copy of exactly their length
 * and encoded into a heap buffer of exactly the length given, so an
 * over-read or an over-write shows up under valgrind and ASan.  The
 * decoder's rejections are in test_proto_reject.c, the login,
 * client_auth and audit types in test_proto_login.c.
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
		0x00, 0x07,			/* version 7 */
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
		0x00, 0x07,			/* version 7 */
		0x00, 0x03,			/* type test_syscall */
		0x01, 0x02, 0x03, 0x04,		/* id */
		0x00, 0x00, 0x00, 0x00,		/* status */
		0xa1, 0xb2, 0xc3, 0xd4,		/* which */
	};
	static const uint8_t	 want_err[] = {
		0x00, 0x00, 0x00, 0x10,
		0x00, 0x07,
		0x00, 0x02,			/* client_token */
		0xde, 0xad, 0xbe, 0xef,
		0x00, 0x00, 0x00, 0x05,		/* PROTO_ERR_INTERNAL */
	};
	static const uint8_t	 want_rep[] = {
		0x00, 0x00, 0x00, 0x1a,		/* 16 + 3 + 3 + 4 */
		0x00, 0x07,
		0x00, 0x02,
		0x80, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x01, 't',		/* token */
		0x00, 0x01, 's',		/* scope */
		0x00, 0x00, 0x0e, 0x10,		/* expires_in 3600 */
	};
	static const uint8_t	 want_hello[] = {
		0x00, 0x00, 0x00, 0x14,
		0x00, 0x07,
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

	CHECK(PROTO_HEADER_LEN == 16 && PROTO_VERSION == 7 &&
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
	test_truncation();
	test_helpers();
	return check_done();
}
