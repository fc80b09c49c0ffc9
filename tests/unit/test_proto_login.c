/*
 * The signer protocol's login messages (code_tokens, implicit_tokens),
 * client_auth and the wire constants of the audit type: round trips, every
 * field at its maximum and one byte over, the ip and user_agent the audit
 * log records, and every prefix of a valid frame refused.  Frames are
 * decoded from a heap copy of exactly their length and encoded into a heap
 * buffer of exactly the length given, so an over-read or an over-write
 * shows up under valgrind and ASan.
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
	    PROTO_CTL_SIGNER == 8 && PROTO_CTL_PAUSE == 9 &&
	    PROTO_CTL_RELOAD == 10 && PROTO_CTL_AUDIT_FILE == 11 &&
	    PROTO_TYPE__MAX == 12 &&
	    PROTO_ERR_GRANT == 2 && PROTO_ERR_REQUEST == 6 &&
	    PROTO_ERR_AUDIT == 7 && PROTO_STATUS__MAX == 8 &&
	    strcmp(proto_type_name(PROTO_AUDIT), "audit") == 0 &&
	    strcmp(proto_type_name(PROTO_CODE_TOKENS), "code_tokens") == 0 &&
	    strcmp(proto_type_name(PROTO_IMPLICIT_TOKENS),
	    "implicit_tokens") == 0 &&
	    strcmp(proto_type_name(PROTO_CLIENT_AUTH), "client_auth") == 0 &&
	    strcmp(proto_type_name(PROTO_CTL_AUDIT_FILE),
	    "ctl_audit_file") == 0,
	    "wire constants and names of the login, client_auth, audit and "
	    "control types");
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

int
main(void)
{
	test_roundtrip_login_req();
	test_roundtrip_login_rep();
	test_roundtrip_client_auth();
	test_form_maxima();
	test_decode_login();
	test_truncation_login();
	return check_done();
}
