/*
 * The console (PROTO_CONSOLE_*), attacked as a broken-into front end
 * would: it hands the signer id_tokens of its own making, presents one it
 * saw go by again, moves a sign-in grant under another state, and asks
 * for links and the audit trail without a session, or with one signed
 * out.  The identity provider here is this program: a P-256 key made at
 * start, its public half written to idp.jwks for the signer, id_tokens
 * signed with libjwt.  Only a token the provider signed, for guise's
 * console client, with the nonce of a sign-in the signer began and has
 * not redeemed, proves anyone; only a directory user who may impersonate
 * gets a console session; a console grant is no link's, no login's, no
 * impersonation session's; a link asked for at the console is followed
 * only in its session; and the session it begins ends at the console only
 * by its impersonator's console session, and as signed out only once
 * that console session signed out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "b64url.h"
#include "frontend_peer.h"

#define IDP_ISSUER	"https://idp.example/"
#define IDP_CLIENT	"guise-console"

struct idp {
	EVP_PKEY	*key;
	char		*pem;		/* the private key, for libjwt */
	long		 pemlen;
};

/* A coordinate of the public point, base64url, into out. */
static int
coordinate(EVP_PKEY *k, const char *name, char *out)
{
	unsigned char	 b[32];
	BIGNUM		*bn = NULL;
	int		 ok;

	ok = EVP_PKEY_get_bn_param(k, name, &bn) == 1 &&
	    BN_bn2binpad(bn, b, sizeof(b)) == sizeof(b);
	BN_free(bn);
	if (ok)
		b64url_encode(out, b, sizeof(b));
	return ok ? 0 : -1;
}

/* A provider's key: kid idp-1, its public half in dir/idp.jwks. */
static int
idp_make(struct idp *p, const char *jwks_name, const char *kid)
{
	char	 x[64], y[64], path[1100];
	BIO	*bio;
	char	*mem;
	FILE	*f;

	memset(p, 0, sizeof(*p));
	if ((p->key = EVP_EC_gen("P-256")) == NULL ||
	    coordinate(p->key, OSSL_PKEY_PARAM_EC_PUB_X, x) == -1 ||
	    coordinate(p->key, OSSL_PKEY_PARAM_EC_PUB_Y, y) == -1 ||
	    (bio = BIO_new(BIO_s_mem())) == NULL)
		return -1;
	if (PEM_write_bio_PrivateKey(bio, p->key, NULL, NULL, 0, NULL,
	    NULL) != 1 || (p->pemlen = BIO_get_mem_data(bio, &mem)) <= 0 ||
	    (p->pem = malloc((size_t)p->pemlen)) == NULL) {
		BIO_free(bio);
		return -1;
	}
	memcpy(p->pem, mem, (size_t)p->pemlen);
	BIO_free(bio);
	if (jwks_name == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, jwks_name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\","
	    "\"y\":\"%s\",\"kid\":\"%s\",\"use\":\"sig\"}]}\n", x, y, kid);
	return fclose(f) == 0 ? 0 : -1;
}

static void
idp_free(struct idp *p)
{
	EVP_PKEY_free(p->key);
	free(p->pem);
}

/* An id_token of p for email (verified or not), with nonce; NULL on error. */
static char *
id_token(const struct idp *p, const char *sub, const char *email,
    int verified, const char *nonce)
{
	jwt_t	*jwt = NULL;
	char	*out = NULL;
	time_t	 now = time(NULL);

	if (jwt_new(&jwt) == 0 &&
	    jwt_add_grant(jwt, "iss", IDP_ISSUER) == 0 &&
	    jwt_add_grant(jwt, "aud", IDP_CLIENT) == 0 &&
	    jwt_add_grant(jwt, "sub", sub) == 0 &&
	    jwt_add_grant(jwt, "email", email) == 0 &&
	    jwt_add_grant_bool(jwt, "email_verified", verified) == 0 &&
	    jwt_add_grant(jwt, "nonce", nonce) == 0 &&
	    jwt_add_grant_int(jwt, "iat", now) == 0 &&
	    jwt_add_grant_int(jwt, "exp", now + 300) == 0 &&
	    jwt_add_header(jwt, "kid", "idp-1") == 0 &&
	    jwt_set_alg(jwt, JWT_ALG_ES256, (const unsigned char *)p->pem,
	    (int)p->pemlen) == 0)
		out = jwt_encode_str(jwt);
	jwt_free(jwt);
	return out;
}

/* A sign-in the signer began: what the front end keeps of it. */
struct signin {
	char	 state[PROTO_TICKET_MAX + 1];
	char	 nonce[PROTO_NONCE_MAX + 1];
	char	 challenge[PROTO_CHALLENGE_MAX + 1];
	char	 grant[PROTO_GRANT_MAX + 1];
};

static uint32_t
begin(struct signin *b)
{
	struct proto_msg	 req, rep;

	memset(&req, 0, sizeof(req));
	memset(b, 0, sizeof(*b));
	req.type = PROTO_CONSOLE_BEGIN;
	req.id = next_id++;
	if (request(&s, &req, &rep) == -1)
		return (uint32_t)-1;
	if (rep.status == PROTO_OK && (copy_field(b->state, sizeof(b->state),
	    rep.u.begin_rep.state) == -1 || copy_field(b->nonce,
	    sizeof(b->nonce), rep.u.begin_rep.nonce) == -1 ||
	    copy_field(b->challenge, sizeof(b->challenge),
	    rep.u.begin_rep.code_challenge) == -1 || copy_field(b->grant,
	    sizeof(b->grant), rep.u.begin_rep.grant) == -1))
		return (uint32_t)-1;
	return rep.status;
}

/* The signer's answer to sign-in b with token: its status; rep kept. */
static uint32_t
signin(const struct signin *b, const char *token, struct proto_msg *rep)
{
	struct proto_msg	 req;

	memset(&req, 0, sizeof(req));
	req.type = PROTO_CONSOLE_SIGNIN;
	req.id = next_id++;
	req.u.signin_req.state = proto_str(b->state);
	req.u.signin_req.grant = proto_str(b->grant);
	req.u.signin_req.id_token = proto_str(token ? token : "");
	req.u.signin_req.ip = proto_str("127.0.0.1");
	req.u.signin_req.user_agent = proto_str("peer");
	if (request(&s, &req, rep) == -1)
		return (uint32_t)-1;
	return rep->status;
}

/* A sign-in begun, answered with a token of p for sub and email. */
static uint32_t
signin_as(const struct idp *p, const char *sub, const char *email,
    int verified, struct proto_msg *rep)
{
	struct signin	 b;
	char		*t;
	uint32_t	 st;

	if (begin(&b) != PROTO_OK ||
	    (t = id_token(p, sub, email, verified, b.nonce)) == NULL)
		return (uint32_t)-1;
	st = signin(&b, t, rep);
	free(t);
	return st;
}

/* A console request of type for the session under cookie with grant. */
static uint32_t
console_req(uint16_t type, const char *cookie, const char *grant,
    const char *user_id, struct proto_msg *rep)
{
	struct proto_msg	 req;

	memset(&req, 0, sizeof(req));
	req.type = type;
	req.id = next_id++;
	if (type == PROTO_CONSOLE_AUDIT) {
		req.u.audit_req.session = proto_str(cookie);
		req.u.audit_req.grant = proto_str(grant);
		req.u.audit_req.user_id = proto_str(user_id);
		req.u.audit_req.impersonator_id = proto_str("");
	} else {
		req.u.console_req.session = proto_str(cookie);
		req.u.console_req.grant = proto_str(grant);
		req.u.console_req.user_id = proto_str(user_id);
		req.u.console_req.client_id = proto_str("storefront");
		req.u.console_req.reason = proto_str("ticket 7");
		req.u.console_req.ip = proto_str("127.0.0.1");
		req.u.console_req.user_agent = proto_str("peer");
	}
	if (request(&s, &req, rep) == -1)
		return (uint32_t)-1;
	return rep->status;
}

/* The link followed, with the console cookie session ("" for none). */
static uint32_t
follow_in(const char *ticket, const char *grant, const char *session,
    struct proto_msg *rep)
{
	struct proto_msg	 req;

	memset(&req, 0, sizeof(req));
	req.type = PROTO_FOLLOW;
	req.id = next_id++;
	req.u.follow_req.ticket = proto_str(ticket);
	req.u.follow_req.grant = proto_str(grant);
	req.u.follow_req.impersonator_id = proto_str(SUPPORT);
	req.u.follow_req.session = proto_str(session);
	req.u.follow_req.ip = proto_str("127.0.0.1");
	req.u.follow_req.user_agent = proto_str("peer");
	if (request(&s, &req, rep) == -1)
		return (uint32_t)-1;
	return rep->status;
}

/* The configuration with a console, its provider's keys in idp.jwks. */
static int
with_console(void)
{
	char	 path[1100];
	json_t	*conf;
	int	 rc = -1;

	snprintf(path, sizeof(path), "%s/guise.json", dir);
	if ((conf = json_load_file(path, 0, NULL)) == NULL)
		return -1;
	if (json_object_set_new(conf, "console", json_pack("{s:{s:s, s:s, "
	    "s:s, s:s, s:s}}", "idp", "issuer", IDP_ISSUER, "client_id",
	    IDP_CLIENT, "auth", "private_key_jwt", "match", "email",
	    "jwks_file", "idp.jwks")) == 0 &&
	    json_dump_file(conf, path, JSON_INDENT(2)) == 0)
		rc = 0;
	json_decref(conf);
	return rc;
}

/* Events named event in the audit log. */
static int
records_of(const char *event)
{
	FILE	*f;
	char	 line[16384], want[128];
	int	 n = 0;

	snprintf(want, sizeof(want), "\"event\":\"%s\"", event);
	if ((f = fopen(audit_file, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, want) != NULL)
			n++;
	fclose(f);
	return n;
}

/* The console asks for a link: ticket and grant, 0; or -1. */
static int
console_link(const char *cookie, const char *grant, char *ticket,
    char *link_grant)
{
	struct proto_msg	 rep;

	if (console_req(PROTO_CONSOLE_LINK, cookie, grant, CUSTOMER, &rep) !=
	    PROTO_OK || rep.u.link_rep.rule.len != 0 ||
	    copy_field(ticket, PROTO_TICKET_MAX + 1,
	    rep.u.link_rep.ticket) == -1 ||
	    copy_field(link_grant, PROTO_GRANT_MAX + 1,
	    rep.u.link_rep.grant) == -1)
		return -1;
	return 0;
}

/* Sessions, links bound to them, the audit trail, a sign-out. */
static void
test_console_session(const char *cookie, const char *grant,
    const char *other_cookie, const char *other_grant)
{
	struct proto_msg	 rep;
	char			 ticket[PROTO_TICKET_MAX + 1];
	char			 link_grant[PROTO_GRANT_MAX + 1];
	uint32_t		 st;

	st = console_req(PROTO_CONSOLE_LINK, other_cookie, grant, CUSTOMER,
	    &rep);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "a console grant under another "
	    "session's cookie asks for nothing (%s)", proto_status_name(st));
	CHECK(console_link(cookie, grant, ticket, link_grant) == 0,
	    "the session asks for a link for the customer: allowed");
	st = follow_in(ticket, link_grant, "", &rep);
	CHECK(st == PROTO_OK && rep.u.follow_rep.rule.len == 16 &&
	    memcmp(rep.u.follow_rep.rule.p, "session_mismatch", 16) == 0 &&
	    rep.u.follow_rep.refusal == 403 && rep.u.follow_rep.code.len == 0,
	    "that link followed in a browser with no console session: "
	    "refused, session_mismatch");
	CHECK(log_lines("session_mismatch") >= 1 &&
	    records_of("impersonation.link_refused") >= 1,
	    "and audited as link_refused with session_mismatch");
	CHECK(console_link(cookie, grant, ticket, link_grant) == 0,
	    "another link");
	st = follow_in(ticket, link_grant, other_cookie, &rep);
	CHECK(st == PROTO_OK && rep.u.follow_rep.rule.len == 16 &&
	    rep.u.follow_rep.code.len == 0,
	    "followed in another console session: refused");
	CHECK(console_link(cookie, grant, ticket, link_grant) == 0,
	    "a third link");
	st = follow_in(ticket, link_grant, cookie, &rep);
	CHECK(st == PROTO_OK && rep.u.follow_rep.rule.len == 0 &&
	    (rep.u.follow_rep.code.len > 0 || rep.u.follow_rep.login.len > 0),
	    "followed in its own session: the login goes on");

	st = console_req(PROTO_CONSOLE_AUDIT, cookie, grant, CUSTOMER, &rep);
	CHECK(st == PROTO_OK && rep.u.audit_rep.records.len > 2 &&
	    rep.u.audit_rep.records.p[0] == '{',
	    "the audit trail, for a session: JSON (%s)",
	    proto_status_name(st));
	st = console_req(PROTO_CONSOLE_AUDIT, other_cookie, grant, "", &rep);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "the audit trail under another "
	    "session's cookie: refused");

	CHECK(console_link(cookie, grant, ticket, link_grant) == 0,
	    "a link asked for just before the sign-out");
	st = console_req(PROTO_CONSOLE_SIGNOUT, cookie, grant, "", &rep);
	CHECK(st == PROTO_OK && records_of("console.signout") == 1,
	    "signed out: on the record");
	st = follow_in(ticket, link_grant, cookie, &rep);
	CHECK(st == PROTO_OK && rep.u.follow_rep.rule.len == 18 &&
	    memcmp(rep.u.follow_rep.rule.p, "session_signed_out", 18) == 0 &&
	    rep.u.follow_rep.code.len == 0 && rep.u.follow_rep.login.len == 0,
	    "that link, followed after the sign-out even with the session's "
	    "cookie: refused, session_signed_out");
	st = console_req(PROTO_CONSOLE_LINK, cookie, grant, CUSTOMER, &rep);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "a signed-out session's grant "
	    "asks for no link (%s)", proto_status_name(st));
	st = console_req(PROTO_CONSOLE_AUDIT, cookie, grant, "", &rep);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "nor for the audit trail");
	st = console_req(PROTO_CONSOLE_SIGNOUT, cookie, grant, "", &rep);
	CHECK(st == PROTO_ERR_REDEEMED, "nor signs out twice");
	CHECK(crash_and_restart(0) == 0 && console_req(PROTO_CONSOLE_LINK,
	    cookie, grant, CUSTOMER, &rep) == PROTO_ERR_INVALID_GRANT,
	    "and still none after the signer is killed and restarted");
	(void)other_grant;
}

/* Change key of the object in dir/name (its first element's whose
 * user_id is user, for the users file) to value; 0, or -1. */
static int
edit_json(const char *name, const char *user, const char *key,
    json_t *value)
{
	char	 path[1100];
	json_t	*doc, *o = NULL, *u;
	size_t	 i;
	int	 rc = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((doc = json_load_file(path, 0, NULL)) == NULL) {
		json_decref(value);
		return -1;
	}
	if (user == NULL)
		o = json_object_get(json_object_get(doc, "console"), "idp");
	else
		json_array_foreach(doc, i, u)
			if (o == NULL && json_is_string(json_object_get(u,
			    "user_id")) && strcmp(json_string_value(
			    json_object_get(u, "user_id")), user) == 0)
				o = u;
	if (o != NULL && json_object_set_new(o, key, value) == 0 &&
	    json_dump_file(doc, path, JSON_INDENT(2)) == 0)
		rc = 0;
	else if (o == NULL)
		json_decref(value);
	json_decref(doc);
	return rc;
}

/* A link asked for at the console and followed in its session: 0 with
 * the session it began (its sid and grant), or -1. */
static int
console_session_begun(const char *cookie, const char *grant, char *sid,
    char *session_grant)
{
	struct proto_msg	 rep;
	char			 ticket[PROTO_TICKET_MAX + 1];
	char			 link_grant[PROTO_GRANT_MAX + 1];

	if (console_link(cookie, grant, ticket, link_grant) == -1 ||
	    follow_in(ticket, link_grant, cookie, &rep) != PROTO_OK ||
	    rep.u.follow_rep.rule.len != 0 ||
	    copy_field(sid, PROTO_SID_MAX + 1, rep.u.follow_rep.sid) == -1 ||
	    copy_field(session_grant, PROTO_GRANT_MAX + 1,
	    rep.u.follow_rep.session) == -1)
		return -1;
	return sid[0] != '\0' && session_grant[0] != '\0' ? 0 : -1;
}

/*
 * Impersonation sessions begun at the console, ended at it
 * (PROTO_END_CONSOLE) or by its sign-out (PROTO_END_SIGNED_OUT): only
 * the console session of the impersonator who began one ends it there,
 * and only a sign-out that happened ends it as signed out.  A second
 * person at the console, Sue, also in support.
 */
static void
test_console_ends(const struct idp *p)
{
	struct proto_msg	 rep;
	char	 sam[PROTO_LOGIN_MAX + 1], sam_grant[PROTO_GRANT_MAX + 1];
	char	 sue[PROTO_LOGIN_MAX + 1], sue_grant[PROTO_GRANT_MAX + 1];
	char	 sid1[PROTO_SID_MAX + 1], grant1[PROTO_GRANT_MAX + 1];
	char	 sid2[PROTO_SID_MAX + 1], grant2[PROTO_GRANT_MAX + 1];
	char	 end_token[PROTO_TOKEN_MAX + 1], path[1100];
	json_t	*users, *r;
	uint32_t st;
	int	 ok, before;

	snprintf(path, sizeof(path), "%s/users.json", dir);
	ok = (users = json_load_file(path, 0, NULL)) != NULL &&
	    json_array_append_new(users, json_pack("{s:s, s:s, s:b, s:s, "
	    "s:{s:[s]}}", "user_id", "auth0|support-2", "email",
	    "sue@example.com", "email_verified", 1, "name", "Sue Support",
	    "app_metadata", "roles", "support")) == 0 &&
	    json_dump_file(users, path, 0) == 0;
	json_decref(users);
	ok = ok && crash_and_restart(0) == 0 &&
	    signin_as(p, "p|sam", "sam@example.com", 1, &rep) == PROTO_OK &&
	    copy_field(sam, sizeof(sam), rep.u.signin_rep.session) == 0 &&
	    copy_field(sam_grant, sizeof(sam_grant), rep.u.signin_rep.grant) ==
	    0 && sam[0] != '\0' &&
	    signin_as(p, "p|sue", "sue@example.com", 1, &rep) == PROTO_OK &&
	    copy_field(sue, sizeof(sue), rep.u.signin_rep.session) == 0 &&
	    copy_field(sue_grant, sizeof(sue_grant), rep.u.signin_rep.grant) ==
	    0 && sue[0] != '\0' &&
	    client_token("end:impersonations", end_token,
	    sizeof(end_token)) == 0 &&
	    console_session_begun(sam, sam_grant, sid1, grant1) == 0 &&
	    console_session_begun(sam, sam_grant, sid2, grant2) == 0;
	CHECK(ok, "Sam and Sue at the console; two sessions begun by links "
	    "Sam asked for there and followed in his console session");
	if (!ok)
		return;
	before = records_of("impersonation.ended");

	st = end_session(sid1, grant1, PROTO_END_SIGNED_OUT, "", "", "");
	CHECK(st == PROTO_ERR_REQUEST, "a session begun at the console, ended "
	    "as signed out while its console session is not: refused (%s)",
	    proto_status_name(st));
	st = end_session(sid1, grant1, PROTO_END_CONSOLE, "", sue, sue_grant);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "ended at the console by Sue's "
	    "console session, not its impersonator's: refused (%s)",
	    proto_status_name(st));
	st = end_session(sid1, grant1, PROTO_END_CONSOLE, "", sam, sue_grant);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "with Sam's cookie and Sue's "
	    "console grant: refused (%s)", proto_status_name(st));
	st = end_session(sid1, grant1, PROTO_END_CONSOLE, "", sue, sam_grant);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "with Sue's cookie and Sam's "
	    "console grant: refused (%s)", proto_status_name(st));
	st = end_session(sam, sam_grant, PROTO_END_API, end_token, "", "");
	CHECK(st == PROTO_ERR_INVALID_GRANT, "Sam's console grant as a "
	    "session's, under its cookie: refused (%s)",
	    proto_status_name(st));
	CHECK(records_of("impersonation.ended") == before,
	    "none of them is on the record");

	st = end_session(sid2, grant2, PROTO_END_CONSOLE, "", sam, sam_grant);
	CHECK(st == PROTO_OK, "the second session ended at the console by "
	    "Sam's console session: ended (%s)", proto_status_name(st));
	CHECK(session_records("impersonation.ended", sid2, &r) == 1 &&
	    member_is(r, "cause", "ended_at_console") &&
	    member_is(r, "ended_by", SUPPORT),
	    "on the record, cause ended_at_console, ended_by %s", SUPPORT);
	json_decref(r);

	st = console_req(PROTO_CONSOLE_SIGNOUT, sam, sam_grant, "", &rep);
	CHECK(st == PROTO_OK, "Sam signs out (%s)", proto_status_name(st));
	st = end_session(sid1, grant1, PROTO_END_CONSOLE, "", sam, sam_grant);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "the first session ended at the "
	    "console by Sam's console session, signed out: refused (%s)",
	    proto_status_name(st));
	st = end_session(sid1, grant1, PROTO_END_SIGNED_OUT, "", "", "");
	CHECK(st == PROTO_OK, "ended as its console session's sign-out: "
	    "ended (%s)", proto_status_name(st));
	CHECK(session_records("impersonation.ended", sid1, &r) == 1 &&
	    member_is(r, "cause", "console_signed_out") &&
	    member_is(r, "ended_by", NULL),
	    "on the record, cause console_signed_out, ended by no one");
	json_decref(r);
	st = end_session(sid1, grant1, PROTO_END_SIGNED_OUT, "", "", "");
	CHECK(st == PROTO_ERR_REDEEMED, "and not twice (%s)",
	    proto_status_name(st));
	st = end_session(sid2, grant2, PROTO_END_SIGNED_OUT, "", "", "");
	CHECK(st == PROTO_ERR_REDEEMED, "the second, ended at the console, "
	    "ends no more by the sign-out (%s)", proto_status_name(st));
	CHECK(session_records("impersonation.ended", sid2, NULL) == 1,
	    "one record of its end");
}

/*
 * match "sub": the staff user found by the provider's sub, whose email in
 * the directory is longer than the reply's field (the directory takes 512
 * bytes, the field 256): signed in, the email left out, the signer alive.
 */
static void
test_long_email(const struct idp *p)
{
	struct proto_msg	 rep;
	char			 email[320];
	uint32_t		 st;

	memset(email, 'a', 300);
	memcpy(email + 300, "@example.com", sizeof("@example.com"));
	if (edit_json("users.json", SUPPORT, "email", json_string(email)) ==
	    -1 || edit_json("guise.json", NULL, "match", json_string("sub")) ==
	    -1 || crash_and_restart(0) == -1) {
		CHECK(0, "a staff email of 312 bytes, and match sub");
		return;
	}
	st = signin_as(p, SUPPORT, "sam@example.com", 1, &rep);
	CHECK(st == PROTO_OK && rep.u.signin_rep.rule.len == 0 &&
	    rep.u.signin_rep.email.len == 0 &&
	    rep.u.signin_rep.user_id.len == strlen(SUPPORT) &&
	    rep.u.signin_rep.session.len == 43,
	    "match sub, a directory email of 312 bytes: signed in, the email "
	    "left out of the reply (%s)", proto_status_name(st));
	CHECK(edit_json("users.json", SUPPORT, "email",
	    json_string("sam@example.com")) == 0 && edit_json("guise.json",
	    NULL, "match", json_string("email")) == 0 &&
	    crash_and_restart(0) == 0 &&
	    signin_as(p, "p|sam", "sam@example.com", 1, &rep) == PROTO_OK &&
	    rep.u.signin_rep.rule.len == 0,
	    "and the signer, restarted on the files as they were, signs in "
	    "by email again");
}

#define VIP		"auth0|vip-1"		/* needs an approval */
#define LEAD		"auth0|lead-1"		/* may approve */

/* A console person signed in as sub and email: cookie and grant, 0. */
static int
console_person(const struct idp *p, const char *sub, const char *email,
    char *cookie, char *grant)
{
	struct proto_msg	 rep;

	if (signin_as(p, sub, email, 1, &rep) != PROTO_OK ||
	    rep.u.signin_rep.rule.len != 0 ||
	    copy_field(cookie, PROTO_LOGIN_MAX + 1,
	    rep.u.signin_rep.session) == -1 ||
	    copy_field(grant, PROTO_GRANT_MAX + 1, rep.u.signin_rep.grant) ==
	    -1)
		return -1;
	return cookie[0] != '\0' && grant[0] != '\0' ? 0 : -1;
}

/*
 * PROTO_APPROVAL_DECIDE (approve 1) or _LINK (approve -1) of approval id
 * with grant, by the console session cookie with console_grant, or by
 * bearer when it is not NULL: the status, the reply in *rep.
 */
static uint32_t
console_approval(const char *id, const char *grant, const char *cookie,
    const char *console_grant, const char *bearer_token, int approve,
    struct proto_msg *rep)
{
	struct proto_msg	 req;

	memset(&req, 0, sizeof(req));
	req.type = approve == -1 ? PROTO_APPROVAL_LINK : PROTO_APPROVAL_DECIDE;
	req.id = next_id++;
	req.u.approval_req.approval_id = proto_str(id);
	req.u.approval_req.grant = proto_str(grant);
	req.u.approval_req.bearer = proto_str(bearer_token ? bearer_token :
	    "");
	req.u.approval_req.session = proto_str(bearer_token ? "" : cookie);
	req.u.approval_req.console_grant = proto_str(bearer_token ? "" :
	    console_grant);
	req.u.approval_req.approver_id = proto_str("");
	req.u.approval_req.approve = approve == 1;
	req.u.approval_req.ip = proto_str("127.0.0.1");
	req.u.approval_req.user_agent = proto_str("peer");
	if (request(&s, &req, rep) == -1)
		return (uint32_t)-1;
	return rep->status;
}

/* Is the reply's rule (approval_rep's, or link_rep's) rule? */
static int
rule_is(struct proto_str r, const char *rule)
{
	return r.len == strlen(rule) && memcmp(r.p, rule, r.len) == 0;
}

/*
 * Four-eyes approval through console authority: an approval policy for
 * Vera (VIP); Lee may approve; Sam (SUPPORT) too, so that only
 * approver_is_requester stops him; Sue may not.  An approval asked for at
 * the console is decided by another person, and its link goes only to
 * the console session that asked: not to a bearer token, not to the
 * approver's, not to the requester's other session.  One asked for
 * through the API goes to no console session.
 */
static void
test_console_approval(const struct idp *p)
{
	struct proto_msg	 rep, req;
	char	 sam[PROTO_LOGIN_MAX + 1], sam_grant[PROTO_GRANT_MAX + 1];
	char	 sam2[PROTO_LOGIN_MAX + 1], sam2_grant[PROTO_GRANT_MAX + 1];
	char	 sue[PROTO_LOGIN_MAX + 1], sue_grant[PROTO_GRANT_MAX + 1];
	char	 lee[PROTO_LOGIN_MAX + 1], lee_grant[PROTO_GRANT_MAX + 1];
	char	 lee2[PROTO_LOGIN_MAX + 1], lee2_grant[PROTO_GRANT_MAX + 1];
	char	 id[PROTO_APPROVAL_ID_MAX + 1], grant[PROTO_GRANT_MAX + 1];
	char	 approved[PROTO_GRANT_MAX + 1], tok[PROTO_TOKEN_MAX + 1];
	char	 ticket[PROTO_TICKET_MAX + 1], link[PROTO_GRANT_MAX + 1];
	char	 path[1100];
	json_t	*conf, *users = NULL;
	uint32_t st;
	int	 ok;

	snprintf(path, sizeof(path), "%s/guise.json", dir);
	ok = (conf = json_load_file(path, 0, NULL)) != NULL &&
	    json_object_set_new(json_object_get(conf, "impersonation"),
	    "approval", json_pack("{s:{s:[s], s:[]}, s:{s:[s], s:[s]}, "
	    "s:i}", "required", "roles", "vip", "users", "approvers", "roles",
	    "support-lead", "users", SUPPORT, "ttl", 300)) == 0 &&
	    json_dump_file(conf, path, JSON_INDENT(2)) == 0;
	json_decref(conf);
	snprintf(path, sizeof(path), "%s/users.json", dir);
	ok = ok && (users = json_load_file(path, 0, NULL)) != NULL &&
	    json_array_append_new(users, json_pack("{s:s, s:s, s:b, s:s, "
	    "s:{s:[s]}}", "user_id", VIP, "email", "vera@example.com",
	    "email_verified", 1, "name", "Vera Vip", "app_metadata", "roles",
	    "vip")) == 0 &&
	    json_array_append_new(users, json_pack("{s:s, s:s, s:b, s:s, "
	    "s:{s:[s]}}", "user_id", LEAD, "email", "lee@example.com",
	    "email_verified", 1, "name", "Lee Lead", "app_metadata", "roles",
	    "support-lead")) == 0 &&
	    json_dump_file(users, path, 0) == 0;
	json_decref(users);
	ok = ok && crash_and_restart(0) == 0 &&
	    console_person(p, "p|sam", "sam@example.com", sam, sam_grant) ==
	    0 && console_person(p, "p|sam", "sam@example.com", sam2,
	    sam2_grant) == 0 &&
	    console_person(p, "p|sue", "sue@example.com", sue, sue_grant) ==
	    0 && console_person(p, "p|lee", "lee@example.com", lee,
	    lee_grant) == 0 && console_person(p, "p|lee", "lee@example.com",
	    lee2, lee2_grant) == 0 &&
	    client_token("impersonate:users", tok, sizeof(tok)) == 0;
	CHECK(ok, "an approval policy for Vera; Sam twice, Sue and Lee twice "
	    "at the console");
	if (!ok)
		return;

	/* 1. A link at the console for a user who needs an approval. */
	st = console_req(PROTO_CONSOLE_LINK, sam, sam_grant, VIP, &rep);
	CHECK(st == PROTO_OK && rep.u.link_rep.rule.len == 0 &&
	    rep.u.link_rep.ticket.len == 0 &&
	    copy_field(id, sizeof(id), rep.u.link_rep.approval_id) == 0 &&
	    id[0] != '\0' && copy_field(grant, sizeof(grant),
	    rep.u.link_rep.grant) == 0 && grant[0] != '\0',
	    "a console link for Vera: an approval id and grant, no ticket (%s)",
	    proto_status_name(st));

	/* 2. The requester decides, from either of his sessions. */
	st = console_approval(id, grant, sam, sam_grant, NULL, 1, &rep);
	CHECK(st == PROTO_OK && rule_is(rep.u.approval_rep.rule,
	    "approver_is_requester") && rep.u.approval_rep.refusal == 403 &&
	    rep.u.approval_rep.grant.len == 0,
	    "Sam approves it in the console session that asked: refused, "
	    "approver_is_requester (%s)", proto_status_name(st));
	st = console_approval(id, grant, sam2, sam2_grant, NULL, 1, &rep);
	CHECK(st == PROTO_OK && rule_is(rep.u.approval_rep.rule,
	    "approver_is_requester") && rep.u.approval_rep.grant.len == 0,
	    "and in his other console session: refused, "
	    "approver_is_requester");

	/* 3. Someone at the console who may not approve. */
	st = console_approval(id, grant, sue, sue_grant, NULL, 1, &rep);
	CHECK(st == PROTO_OK && rule_is(rep.u.approval_rep.rule,
	    "approver_allowed") && rep.u.approval_rep.grant.len == 0,
	    "Sue, no approver, approves it: refused, approver_allowed (%s)",
	    proto_status_name(st));

	/* 6. An approver's console session signed out. */
	st = console_req(PROTO_CONSOLE_SIGNOUT, lee2, lee2_grant, "", &rep);
	CHECK(st == PROTO_OK, "Lee signs one console session out");
	st = console_approval(id, grant, lee2, lee2_grant, NULL, 1, &rep);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "that session approves it: "
	    "refused (%s)", proto_status_name(st));
	st = console_approval(id, grant, lee2, lee_grant, NULL, 1, &rep);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "its cookie with the grant of "
	    "his live session: refused (%s)", proto_status_name(st));

	/* 4. Lee approves; the link goes to Sam's asking session only. */
	st = console_approval(id, grant, lee, lee_grant, NULL, 1, &rep);
	CHECK(st == PROTO_OK && rep.u.approval_rep.rule.len == 0 &&
	    copy_field(approved, sizeof(approved), rep.u.approval_rep.grant) ==
	    0 && approved[0] != '\0',
	    "still pending after the refusals: Lee's live console session "
	    "approves it (%s)", proto_status_name(st));
	st = console_approval(id, approved, "", "", tok, -1, &rep);
	CHECK(st == PROTO_ERR_GRANT, "its link asked for with a bearer token "
	    "of an API client: refused (%s)", proto_status_name(st));
	st = console_approval(id, approved, lee, lee_grant, NULL, -1, &rep);
	CHECK(st == PROTO_ERR_GRANT, "by the approver's console session: "
	    "refused (%s)", proto_status_name(st));
	st = console_approval(id, approved, sam2, sam2_grant, NULL, -1, &rep);
	CHECK(st == PROTO_ERR_GRANT, "by Sam's other console session: "
	    "refused (%s)", proto_status_name(st));
	st = console_approval(id, approved, sam2, sam_grant, NULL, -1, &rep);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "by his other session's cookie "
	    "with the asking session's grant: refused (%s)",
	    proto_status_name(st));
	st = console_approval(id, approved, sam, sam_grant, NULL, -1, &rep);
	CHECK(st == PROTO_OK && rep.u.link_rep.rule.len == 0 &&
	    copy_field(ticket, sizeof(ticket), rep.u.link_rep.ticket) == 0 &&
	    ticket[0] != '\0' && copy_field(link, sizeof(link),
	    rep.u.link_rep.grant) == 0 && link[0] != '\0',
	    "by the console session that asked: a link (%s)",
	    proto_status_name(st));
	st = follow_in(ticket, link, sam, &rep);
	CHECK(st == PROTO_OK && rep.u.follow_rep.rule.len == 0 &&
	    (rep.u.follow_rep.code.len > 0 || rep.u.follow_rep.login.len > 0),
	    "followed in that session: the login goes on (%s)",
	    proto_status_name(st));
	st = console_approval(id, approved, sam, sam_grant, NULL, -1, &rep);
	CHECK(st == PROTO_ERR_REDEEMED, "its link asked for again: refused "
	    "(%s)", proto_status_name(st));

	/* 5. An approval asked for through the API, approved at the console. */
	memset(&req, 0, sizeof(req));
	req.type = PROTO_LINK;
	req.id = next_id++;
	req.u.link_req.bearer = proto_str(tok);
	req.u.link_req.user_id = proto_str(VIP);
	req.u.link_req.impersonator_id = proto_str(SUPPORT);
	req.u.link_req.client_id = proto_str("storefront");
	req.u.link_req.callback_url = proto_str(CALLBACK);
	req.u.link_req.response_type = 1;
	req.u.link_req.scope = proto_str("openid profile email");
	req.u.link_req.nonce = proto_str("n-0S6_WzA2Mj");
	req.u.link_req.reason = proto_str("ticket 7");
	req.u.link_req.ip = proto_str("127.0.0.1");
	req.u.link_req.user_agent = proto_str("peer");
	ok = request(&s, &req, &rep) == 0 && rep.status == PROTO_OK &&
	    rep.u.link_rep.ticket.len == 0 &&
	    copy_field(id, sizeof(id), rep.u.link_rep.approval_id) == 0 &&
	    id[0] != '\0' && copy_field(grant, sizeof(grant),
	    rep.u.link_rep.grant) == 0 &&
	    console_approval(id, grant, lee, lee_grant, NULL, 1, &rep) ==
	    PROTO_OK && rep.u.approval_rep.rule.len == 0 &&
	    copy_field(approved, sizeof(approved), rep.u.approval_rep.grant) ==
	    0 && approved[0] != '\0';
	CHECK(ok, "an approval for Vera asked for through the API by Sam's "
	    "client, approved by Lee at the console");
	st = console_approval(id, approved, sam, sam_grant, NULL, -1, &rep);
	CHECK(st == PROTO_ERR_GRANT, "its link asked for by Sam's console "
	    "session: refused (%s)", proto_status_name(st));
	st = console_approval(id, approved, "", "", tok, -1, &rep);
	CHECK(st == PROTO_OK && rep.u.link_rep.rule.len == 0 &&
	    rep.u.link_rep.ticket.len > 0,
	    "by a bearer token of the client that asked: a link (%s)",
	    proto_status_name(st));
}

void
test_console(void)
{
	struct proto_msg	 rep;
	struct idp		 idp, forger;
	struct signin		 b, b2;
	char			 session[PROTO_LOGIN_MAX + 1];
	char			 grant[PROTO_GRANT_MAX + 1];
	char			 other_session[PROTO_LOGIN_MAX + 1];
	char			 other_grant[PROTO_GRANT_MAX + 1];
	char			*t;
	uint32_t		 st;
	int			 before;

	{
		struct signin	 none;

		CHECK(begin(&none) == PROTO_ERR_REQUEST,
		    "no console configured: no sign-in begins");
	}
	if (idp_make(&idp, "idp.jwks", "idp-1") == -1 ||
	    idp_make(&forger, NULL, NULL) == -1 || with_console() == -1 ||
	    crash_and_restart(0) == -1) {
		CHECK(0, "a provider's key, a console, and a signer that reads "
		    "them");
		return;
	}
	before = records_of("console.signin");

	/* Tokens the provider never signed, or not for this sign-in. */
	st = signin_as(&forger, "p|sam", "sam@example.com", 1, &rep);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "an id_token of another key: "
	    "proves nobody (%s)", proto_status_name(st));
	CHECK(begin(&b) == PROTO_OK && strlen(b.state) == 43 &&
	    strlen(b.nonce) == 43 && strlen(b.challenge) == 43,
	    "a sign-in begun by the signer: 256-bit state and nonce, an S256 "
	    "challenge");
	t = id_token(&idp, "p|sam", "sam@example.com", 1, "other-nonce");
	st = signin(&b, t, &rep);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "an id_token with another nonce: "
	    "proves nobody (%s)", proto_status_name(st));
	free(t);
	t = id_token(&idp, "p|sam", "sam@example.com", 1, b.nonce);
	st = signin(&b, t, &rep);
	CHECK(st == PROTO_ERR_REDEEMED, "that sign-in again, now with its "
	    "own nonce: it was used (%s)", proto_status_name(st));
	free(t);
	CHECK(records_of("console.signin") == before,
	    "a token that proves nobody costs no record");

	/* People the provider proved, whom the directory does not let in. */
	st = signin_as(&idp, "p|alice", "alice@example.com", 1, &rep);
	CHECK(st == PROTO_OK && rep.u.signin_rep.rule.len > 0 &&
	    rep.u.signin_rep.refusal == 403 &&
	    rep.u.signin_rep.session.len == 0 &&
	    rep.u.signin_rep.grant.len == 0,
	    "a customer: refused, no session (%.*s)",
	    (int)rep.u.signin_rep.rule.len, rep.u.signin_rep.rule.p);
	st = signin_as(&idp, "p|sam", "sam@example.com", 0, &rep);
	CHECK(st == PROTO_OK && rep.u.signin_rep.rule.len > 0 &&
	    rep.u.signin_rep.grant.len == 0,
	    "support's email, not verified by the provider: refused");

	/* Support, proved: a session and its grant. */
	CHECK(begin(&b) == PROTO_OK, "a sign-in begun");
	t = id_token(&idp, "p|sam", "sam@example.com", 1, b.nonce);
	{
		struct signin	 moved = b;

		CHECK(begin(&moved) == PROTO_OK, "a second sign-in begun");
		memcpy(moved.grant, b.grant, sizeof(moved.grant));
		st = signin(&moved, t, &rep);
		CHECK(st == PROTO_ERR_INVALID_GRANT, "the first sign-in's "
		    "grant under the second's state: refused (%s)",
		    proto_status_name(st));
	}
	st = signin(&b, t, &rep);
	CHECK(st == PROTO_OK && rep.u.signin_rep.rule.len == 0 &&
	    copy_field(session, sizeof(session), rep.u.signin_rep.session) ==
	    0 && strlen(session) == 43 &&
	    copy_field(grant, sizeof(grant), rep.u.signin_rep.grant) == 0 &&
	    grant[0] != '\0' && rep.u.signin_rep.user_id.len ==
	    strlen(SUPPORT) && memcmp(rep.u.signin_rep.user_id.p, SUPPORT,
	    strlen(SUPPORT)) == 0,
	    "support, proved: signed in as %s, with a session", SUPPORT);
	CHECK(records_of("console.signin") == before + 3,
	    "each person proved is on the record, allowed or refused");

	/*
	 * The attack: a broken-in front end saw support's id_token go by,
	 * and presents it again for a session of its own.
	 */
	st = signin(&b, t, &rep);
	CHECK(st == PROTO_ERR_REDEEMED, "the same sign-in and id_token "
	    "again: refused, the sign-in was redeemed (%s)",
	    proto_status_name(st));
	CHECK(begin(&b2) == PROTO_OK, "a fresh sign-in begun");
	st = signin(&b2, t, &rep);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "the seen id_token with a fresh "
	    "sign-in: refused, its nonce is another's (%s)",
	    proto_status_name(st));
	CHECK(crash_and_restart(0) == 0 && signin(&b, t, &rep) ==
	    PROTO_ERR_REDEEMED, "and after the signer is killed and "
	    "restarted, the sign-in stays redeemed");
	CHECK(records_of("console.signin") == before + 3,
	    "replays get no session and no record");
	free(t);

	/* The client authentication for the provider, for open sign-ins. */
	{
		struct proto_msg	 req;

		CHECK(begin(&b2) == PROTO_OK, "a sign-in begun");
		memset(&req, 0, sizeof(req));
		req.type = PROTO_CONSOLE_IDP_AUTH;
		req.id = next_id++;
		req.u.idp_auth_req.state = proto_str(b2.state);
		req.u.idp_auth_req.grant = proto_str(b2.grant);
		st = request(&s, &req, &rep) == 0 ? rep.status : (uint32_t)-1;
		CHECK(st == PROTO_OK && rep.u.idp_auth_rep.code_verifier.len ==
		    43 && rep.u.idp_auth_rep.assertion.len > 0 &&
		    rep.u.idp_auth_rep.authorization.len == 0,
		    "an open sign-in: its verifier and a private_key_jwt "
		    "assertion");
		req.id = next_id++;
		req.u.idp_auth_req.grant = proto_str(b.grant);
		st = request(&s, &req, &rep) == 0 ? rep.status : (uint32_t)-1;
		CHECK(st == PROTO_ERR_INVALID_GRANT, "a redeemed sign-in's "
		    "grant, under another state: nothing (%s)",
		    proto_status_name(st));
		req.id = next_id++;
		req.u.idp_auth_req.state = proto_str(b.state);
		st = request(&s, &req, &rep) == 0 ? rep.status : (uint32_t)-1;
		CHECK(st == PROTO_ERR_INVALID_GRANT, "a redeemed sign-in: "
		    "nothing (%s)", proto_status_name(st));
	}

	/* A second session, to swap cookies with. */
	if (signin_as(&idp, "p|sam", "sam@example.com", 1, &rep) != PROTO_OK ||
	    copy_field(other_session, sizeof(other_session),
	    rep.u.signin_rep.session) == -1 || copy_field(other_grant,
	    sizeof(other_grant), rep.u.signin_rep.grant) == -1)
		CHECK(0, "a second session");

	/* A console grant is no link's and no login's. */
	{
		struct proto_msg	 req, r2;

		memset(&req, 0, sizeof(req));
		req.type = PROTO_FOLLOW;
		req.id = next_id++;
		req.u.follow_req.ticket = proto_str(session);
		req.u.follow_req.grant = proto_str(grant);
		req.u.follow_req.impersonator_id = proto_str(SUPPORT);
		req.u.follow_req.ip = proto_str("127.0.0.1");
		req.u.follow_req.user_agent = proto_str("peer");
		st = request(&s, &req, &r2) == 0 ? r2.status : (uint32_t)-1;
		CHECK(st == PROTO_ERR_INVALID_GRANT, "a console grant followed "
		    "as a link: refused (%s)", proto_status_name(st));
		memset(&req, 0, sizeof(req));
		req.type = PROTO_AUTHORIZE;
		req.id = next_id++;
		req.u.authorize_req.login = proto_str(session);
		req.u.authorize_req.grant = proto_str(grant);
		req.u.authorize_req.client_id = proto_str("portal");
		req.u.authorize_req.redirect_uri =
		    proto_str("http://127.0.0.1:3001/callback");
		req.u.authorize_req.response_type = 1;
		req.u.authorize_req.scope = proto_str("openid");
		req.u.authorize_req.nonce = proto_str("n");
		req.u.authorize_req.code_challenge = proto_str("");
		req.u.authorize_req.ip = proto_str("127.0.0.1");
		req.u.authorize_req.user_agent = proto_str("peer");
		st = request(&s, &req, &r2) == 0 ? r2.status : (uint32_t)-1;
		CHECK(st == PROTO_ERR_INVALID_GRANT, "a console grant presented "
		    "as a login: refused (%s)", proto_status_name(st));
	}
	test_console_session(session, grant, other_session, other_grant);
	test_console_ends(&idp);
	test_long_email(&idp);
	test_console_approval(&idp);
	idp_free(&idp);
	idp_free(&forger);
}
