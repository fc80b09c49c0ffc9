/*
 * Impersonation sessions (PROTO_SESSION_END), attacked as a broken-into
 * front end would: it followed real links and holds what the signer
 * answered (each session's sid and grant, the code made of the link), and
 * tries to end a session without the authority its cause names, to end
 * one with a grant that is not that session's, to end one twice, and to
 * exchange the code of a session that has ended.  Only the signer's
 * session grant, under its own sid, with a bearer token that holds
 * end:impersonations (or the console session of its impersonator, its
 * expiry, or the sign-out of the console session that asked for its
 * link), ends a session, once; every refusal here leaves no record, and
 * the one end that holds leaves exactly one, with its cause and who ended
 * it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frontend_peer.h"

#define ENDED_EVENT	"impersonation.ended"

/* What a followed link answers of the session it began, and its code. */
struct session {
	char		 sid[PROTO_SID_MAX + 1];
	char		 grant[PROTO_GRANT_MAX + 1];
	char		 user_id[PROTO_USER_ID_MAX + 1];
	char		 impersonator_id[PROTO_USER_ID_MAX + 1];
	char		 reason[PROTO_REASON_MAX + 1];
	uint32_t	 exp;
	struct sealed	 link;	/* the link followed */
	struct sealed	 code;	/* the code made of it */
};

/*
 * Ask for a code-flow link for the customer and follow it: 0 with *out
 * filled from the real replies, or -1.
 */
static int
begin_session(struct session *out)
{
	struct proto_msg	 req, rep;
	char			 rule[64];
	uint32_t		 st;

	memset(out, 0, sizeof(*out));
	if (ask_link(bearer, CUSTOMER, "storefront", CALLBACK, 1, &out->link,
	    rule, sizeof(rule), &st) != 0)
		return -1;
	memset(&req, 0, sizeof(req));
	req.type = PROTO_FOLLOW;
	req.id = next_id++;
	req.u.follow_req.ticket = proto_str(out->link.secret);
	req.u.follow_req.grant = proto_str(out->link.grant);
	req.u.follow_req.impersonator_id = proto_str(SUPPORT);
	req.u.follow_req.ip = proto_str("127.0.0.1");
	req.u.follow_req.user_agent = proto_str("peer");
	if (request(&s, &req, &rep) == -1 || rep.status != PROTO_OK ||
	    rep.u.follow_rep.rule.len != 0 ||
	    copy_field(out->code.secret, sizeof(out->code.secret),
	    rep.u.follow_rep.code) == -1 ||
	    copy_field(out->code.grant, sizeof(out->code.grant),
	    rep.u.follow_rep.grant) == -1 ||
	    copy_field(out->sid, sizeof(out->sid), rep.u.follow_rep.sid) ==
	    -1 || copy_field(out->grant, sizeof(out->grant),
	    rep.u.follow_rep.session) == -1 ||
	    copy_field(out->user_id, sizeof(out->user_id),
	    rep.u.follow_rep.user_id) == -1 ||
	    copy_field(out->impersonator_id, sizeof(out->impersonator_id),
	    rep.u.follow_rep.impersonator_id) == -1 ||
	    copy_field(out->reason, sizeof(out->reason),
	    rep.u.follow_rep.reason) == -1)
		return -1;
	out->exp = rep.u.follow_rep.session_exp;
	return out->sid[0] != '\0' && out->grant[0] != '\0' &&
	    out->code.secret[0] != '\0' ? 0 : -1;
}

/*
 * PROTO_SESSION_END of sid with grant, for cause, with a bearer token or
 * a console session's cookie and grant ("" for none): the status.
 */
uint32_t
end_session(const char *sid, const char *grant, uint32_t cause,
    const char *token, const char *cookie, const char *console_grant)
{
	struct proto_msg	 req, rep;

	memset(&req, 0, sizeof(req));
	req.type = PROTO_SESSION_END;
	req.id = next_id++;
	req.u.end_req.sid = proto_str(sid);
	req.u.end_req.grant = proto_str(grant);
	req.u.end_req.cause = cause;
	req.u.end_req.bearer = proto_str(token);
	req.u.end_req.session = proto_str(cookie);
	req.u.end_req.console_grant = proto_str(console_grant);
	req.u.end_req.ip = proto_str("127.0.0.1");
	req.u.end_req.user_agent = proto_str("peer");
	if (request(&s, &req, &rep) == -1)
		return (uint32_t)-1;
	return rep.status;
}

/*
 * The records of event in the current audit file whose sid is sid (any
 * sid for NULL): how many, and the last in *last (the caller's to free),
 * when last is not NULL.  -1 when the file cannot be read.
 */
int
session_records(const char *event, const char *sid, json_t **last)
{
	FILE		*f;
	char		 line[16384];
	json_t		*r;
	const char	*e, *rsid;
	int		 n = 0;

	if (last != NULL)
		*last = NULL;
	if ((f = fopen(audit_file, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((r = json_loads(line, 0, NULL)) == NULL)
			continue;
		e = json_string_value(json_object_get(r, "event"));
		rsid = json_string_value(json_object_get(r, "sid"));
		if (e != NULL && strcmp(e, event) == 0 && (sid == NULL ||
		    (rsid != NULL && strcmp(rsid, sid) == 0))) {
			n++;
			if (last != NULL) {
				json_decref(*last);
				*last = r;
				continue;
			}
		}
		json_decref(r);
	}
	fclose(f);
	return n;
}

/* Whether member key of record r is want (absent, for NULL). */
int
member_is(json_t *r, const char *key, const char *want)
{
	const char	*v = json_string_value(json_object_get(r, key));

	if (want == NULL)
		return json_object_get(r, key) == NULL;
	return v != NULL && strcmp(v, want) == 0;
}

/* Add end:impersonations to backoffice's scopes; 0, or -1. */
static int
backoffice_may_end(void)
{
	char	 path[1100];
	json_t	*conf, *c;
	size_t	 i;
	int	 rc = -1;

	snprintf(path, sizeof(path), "%s/guise.json", dir);
	if ((conf = json_load_file(path, 0, NULL)) == NULL)
		return -1;
	json_array_foreach(json_object_get(conf, "clients"), i, c)
		if (strcmp(json_string_value(json_object_get(c, "client_id")),
		    "backoffice") == 0 && json_array_append_new(
		    json_object_get(c, "scopes"),
		    json_string("end:impersonations")) == 0)
			rc = 0;
	if (rc == 0 && json_dump_file(conf, path, JSON_INDENT(2)) == -1)
		rc = -1;
	json_decref(conf);
	return rc;
}

/* Set the configuration's token_ttl, as a reload would; 0, or -1. */
static int
set_token_ttl(int ttl)
{
	char	 path[1100];
	json_t	*conf;
	int	 rc = -1;

	snprintf(path, sizeof(path), "%s/guise.json", dir);
	if ((conf = json_load_file(path, 0, NULL)) == NULL)
		return -1;
	if (json_object_set_new(json_object_get(conf, "impersonation"),
	    "token_ttl", json_integer(ttl)) == 0 &&
	    json_dump_file(conf, path, JSON_INDENT(2)) == 0)
		rc = 0;
	json_decref(conf);
	return rc;
}

/* What a followed link answers of its session: the signer's words. */
static void
test_begun(const struct session *a)
{
	long long	 now = (long long)time(NULL);

	CHECK(strlen(a->sid) == 43 && strlen(a->grant) > 43 &&
	    strcmp(a->user_id, CUSTOMER) == 0 &&
	    strcmp(a->impersonator_id, SUPPORT) == 0 &&
	    strcmp(a->reason, "ticket 4711") == 0 &&
	    (long long)a->exp > now + 3500 && (long long)a->exp <= now + 3600,
	    "a followed link begins a session: a sid of 256 bits, its grant, "
	    "whom, by whom and why, and its end a token_ttl (3600 s) away");
}

/*
 * Causes whose authority the request does not hold: refused, nothing
 * recorded, and the session not ended by the try.
 */
static void
test_no_authority(const struct session *a, const char *end_token)
{
	char		 tok[PROTO_TOKEN_MAX + 1];
	uint32_t	 st;
	int		 before = session_records(ENDED_EVENT, NULL, NULL);

	st = end_session(a->sid, a->grant, PROTO_END_EXPIRED, "", "", "");
	CHECK(st == PROTO_ERR_REQUEST, "a live session (an hour to go) ended "
	    "as expired: refused (%s)", proto_status_name(st));
	st = end_session(a->sid, a->grant, PROTO_END_EXPIRED, end_token, "",
	    "");
	CHECK(st == PROTO_ERR_REQUEST, "... even with a token that holds "
	    "end:impersonations: the cause is what is checked (%s)",
	    proto_status_name(st));
	st = end_session(a->sid, a->grant, PROTO_END_API, bearer, "", "");
	CHECK(st == PROTO_ERR_BEARER, "ended by the API with a token of "
	    "read:users impersonate:users, no end:impersonations: refused "
	    "(%s)", proto_status_name(st));
	st = end_session(a->sid, a->grant, PROTO_END_API, "", "", "");
	CHECK(st == PROTO_ERR_BEARER, "ended by the API with no token at "
	    "all: refused (%s)", proto_status_name(st));
	st = forge_token("end:impersonations", (long long)time(NULL) - 60,
	    tok, sizeof(tok)) == 0 ? end_session(a->sid, a->grant,
	    PROTO_END_API, tok, "", "") : (uint32_t)-1;
	CHECK(st == PROTO_ERR_BEARER, "with a token of end:impersonations "
	    "signed with the signer's key but expired a minute ago: refused "
	    "(%s)", proto_status_name(st));
	snprintf(tok, sizeof(tok), "%s", end_token);
	tok[strchr(tok, '.') - tok + 5] ^= 0x01;
	st = end_session(a->sid, a->grant, PROTO_END_API, tok, "", "");
	CHECK(st == PROTO_ERR_BEARER, "with a token of end:impersonations "
	    "with a byte of its claims changed: refused (%s)",
	    proto_status_name(st));
	st = end_session(a->sid, a->grant, PROTO_END_SIGNED_OUT, "", "", "");
	CHECK(st == PROTO_ERR_REQUEST, "a session not begun at the console "
	    "ended as its console session's sign-out: refused (%s)",
	    proto_status_name(st));
	st = end_session(a->sid, a->grant, PROTO_END_CONSOLE, "", "", "");
	CHECK(st == PROTO_ERR_INVALID_GRANT, "ended at the console with no "
	    "console session: refused (%s)", proto_status_name(st));
	st = end_session(a->sid, a->grant, PROTO_END_CONSOLE, "", a->link.secret,
	    a->link.grant);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "ended at the console with the "
	    "link's ticket and grant for a console session's: refused (%s)",
	    proto_status_name(st));
	st = end_session(a->sid, a->grant, 0, end_token, "", "");
	CHECK(st == PROTO_ERR_REQUEST, "cause 0: refused (%s)",
	    proto_status_name(st));
	st = end_session(a->sid, a->grant, PROTO_END__MAX, end_token, "", "");
	CHECK(st == PROTO_ERR_REQUEST, "cause PROTO_END__MAX: refused (%s)",
	    proto_status_name(st));
	CHECK(session_records(ENDED_EVENT, NULL, NULL) == before,
	    "none of them is on the record");
}

/* Grants that are not this session's: refused, nothing recorded. */
static void
test_not_its_grant(const struct session *a, const struct session *b,
    const char *end_token)
{
	char		 bad[PROTO_GRANT_MAX + 1];
	uint32_t	 st;
	size_t		 i, len;
	int		 all, before = session_records(ENDED_EVENT, NULL, NULL);

	st = end_session(b->sid, a->grant, PROTO_END_API, end_token, "", "");
	CHECK(st == PROTO_ERR_INVALID_GRANT, "session A's grant under session "
	    "B's sid: refused (%s)", proto_status_name(st));
	st = end_session(a->sid, b->grant, PROTO_END_API, end_token, "", "");
	CHECK(st == PROTO_ERR_INVALID_GRANT, "session B's grant under session "
	    "A's sid: refused (%s)", proto_status_name(st));
	st = end_session("", a->grant, PROTO_END_API, end_token, "", "");
	CHECK(st == PROTO_ERR_INVALID_GRANT, "session A's grant with no sid: "
	    "refused (%s)", proto_status_name(st));
	st = end_session(a->sid, "", PROTO_END_API, end_token, "", "");
	CHECK(st == PROTO_ERR_INVALID_GRANT, "session A's sid with no grant: "
	    "refused (%s)", proto_status_name(st));

	/* Every byte of the sealed grant, one at a time. */
	len = strlen(a->grant) * 3 / 4;
	all = 1;
	for (i = 0; all && i < len; i++) {
		altered(a->grant, i, bad, sizeof(bad));
		st = end_session(a->sid, bad, PROTO_END_API, end_token, "",
		    "");
		if (st != PROTO_ERR_INVALID_GRANT) {
			diag("byte %zu altered: %s", i, proto_status_name(st));
			all = 0;
		}
	}
	CHECK(all, "session A's grant with any one of its %zu bytes altered: "
	    "refused, every time", len);

	/*
	 * Grants of other kinds, each under what it travels under, so that
	 * only their kind tells them from a session's: a link's under its
	 * ticket, a code's under its code.
	 */
	st = end_session(a->link.secret, a->link.grant, PROTO_END_API,
	    end_token, "", "");
	CHECK(st == PROTO_ERR_INVALID_GRANT, "the link's grant (followed) as "
	    "a session's, under its ticket: refused (%s)",
	    proto_status_name(st));
	st = end_session(b->code.secret, b->code.grant, PROTO_END_API,
	    end_token, "", "");
	CHECK(st == PROTO_ERR_INVALID_GRANT, "a code's grant as a session's, "
	    "under its code: refused (%s)", proto_status_name(st));
	st = end_session(a->sid, a->code.grant, PROTO_END_API, end_token, "",
	    "");
	CHECK(st == PROTO_ERR_INVALID_GRANT, "a code's grant (which carries "
	    "the sid) as a session's, under the sid: refused (%s)",
	    proto_status_name(st));
	{
		struct sealed	 fresh;
		char		 rule[64];

		st = (uint32_t)-1;
		if (ask_link(bearer, CUSTOMER, "storefront", CALLBACK, 1,
		    &fresh, rule, sizeof(rule), &st) == 0)
			st = end_session(fresh.secret, fresh.grant,
			    PROTO_END_API, end_token, "", "");
		CHECK(st == PROTO_ERR_INVALID_GRANT, "a link's grant never "
		    "followed, under its ticket, as a session's: refused (%s)",
		    proto_status_name(st));
		st = follow(fresh.secret, fresh.grant, SUPPORT, NULL,
		    &all, NULL, 0);
		CHECK(st == PROTO_OK && all, "and that link is still "
		    "followed: it was not taken as redeemed");
	}
	CHECK(session_records(ENDED_EVENT, NULL, NULL) == before,
	    "none of them is on the record");
	/* The code of that link, never exchanged, is no token.issued. */
}

/* A session ended, once; then the code made of its link is refused. */
static void
test_end(const struct session *a, const struct session *b,
    const char *end_token)
{
	json_t		*r;
	uint32_t	 st;
	int		 tokens, n;

	st = end_session(a->sid, a->grant, PROTO_END_API, end_token, "", "");
	CHECK(st == PROTO_OK, "session A, its own grant under its sid, ended "
	    "by the API with a token of end:impersonations: ended (%s)",
	    proto_status_name(st));
	n = session_records(ENDED_EVENT, a->sid, &r);
	CHECK(n == 1 && member_is(r, "outcome", "ok") &&
	    member_is(r, "cause", "ended") &&
	    member_is(r, "ended_by", "backoffice") &&
	    member_is(r, "user_id", CUSTOMER) &&
	    member_is(r, "impersonator_id", SUPPORT) &&
	    member_is(r, "client_id", "storefront") &&
	    member_is(r, "source", NULL) &&
	    json_is_string(json_object_get(r, "grant_id")),
	    "on the record once: %s, its sid, cause ended, ended_by "
	    "backoffice, whom, by whom, which application", ENDED_EVENT);
	json_decref(r);
	st = end_session(a->sid, a->grant, PROTO_END_API, end_token, "", "");
	CHECK(st == PROTO_ERR_REDEEMED, "the same end again: refused, it "
	    "ended (%s)", proto_status_name(st));
	st = end_session(a->sid, a->grant, PROTO_END_SIGNED_OUT, "", "", "");
	CHECK(st == PROTO_ERR_REQUEST, "and as a sign-out: refused (%s)",
	    proto_status_name(st));
	CHECK(session_records(ENDED_EVENT, a->sid, NULL) == 1,
	    "still one record of its end");

	st = exchange(PROTO_CODE_TOKENS, "storefront", storefront_secret,
	    a->code.secret, a->code.grant, CALLBACK, &tokens, NULL, 0);
	CHECK(st == PROTO_ERR_INVALID_GRANT && !tokens, "the code made of "
	    "session A's link, exchanged after its end by its own client: no "
	    "token (%s)", proto_status_name(st));
	n = session_records("impersonation.code_refused", a->sid, &r);
	CHECK(n == 1 && member_is(r, "rule", "session_ended"),
	    "refused on the record, rule session_ended");
	json_decref(r);

	CHECK(crash_and_restart(0) == 0, "a malformed frame ends the signer; "
	    "another starts on the same audit log");
	st = end_session(a->sid, a->grant, PROTO_END_API, end_token, "", "");
	CHECK(st == PROTO_ERR_REDEEMED, "after the restart, session A ended "
	    "again: refused (%s)", proto_status_name(st));
	CHECK(session_records(ENDED_EVENT, a->sid, NULL) == 1,
	    "still one record of its end");

	/* Session B lives on: its code works, its tokens carry its sid. */
	{
		char	 id_token[PROTO_ID_TOKEN_MAX + 1];
		json_t	*c;

		st = exchange(PROTO_CODE_TOKENS, "storefront",
		    storefront_secret, b->code.secret, b->code.grant, CALLBACK,
		    &tokens, id_token, sizeof(id_token));
		if (st == PROTO_OK && tokens)
			legit_tokens++;
		c = st == PROTO_OK ? claims_of(id_token) : NULL;
		CHECK(c != NULL && member_is(c, "sid", b->sid) &&
		    json_integer_value(json_object_get(c, "exp")) <=
		    (json_int_t)b->exp, "session B, not ended: its code gives "
		    "an id_token with its sid, which expires with it at the "
		    "latest (%s)", proto_status_name(st));
		json_decref(c);
	}
}

/*
 * A session past its expiry ends only as expired, and a code of it is
 * refused: token_ttl 2 s, a restart, a session, 3 s.
 */
static void
test_expired(const char *end_token)
{
	struct session	 e;
	json_t		*r;
	uint32_t	 st;
	int		 tokens, ok;

	ok = set_token_ttl(2) == 0 && crash_and_restart(0) == 0 &&
	    begin_session(&e) == 0;
	CHECK(ok, "token_ttl 2 s, a new signer, a session begun");
	if (!ok)
		return;
	st = end_session(e.sid, e.grant, PROTO_END_EXPIRED, "", "", "");
	CHECK(st == PROTO_ERR_REQUEST, "ended as expired a moment after it "
	    "began: refused (%s)", proto_status_name(st));
	sleep(3);
	st = end_session(e.sid, e.grant, PROTO_END_API, end_token, "", "");
	CHECK(st == PROTO_ERR_INVALID_GRANT, "past its expiry, ended by the "
	    "API with a good token: refused, it ends only as expired (%s)",
	    proto_status_name(st));
	st = exchange(PROTO_CODE_TOKENS, "storefront", storefront_secret,
	    e.code.secret, e.code.grant, CALLBACK, &tokens, NULL, 0);
	CHECK(st == PROTO_ERR_INVALID_GRANT && !tokens, "its code (alive for "
	    "60 s) exchanged past the session's end: no token (%s)",
	    proto_status_name(st));
	CHECK(session_records(ENDED_EVENT, e.sid, NULL) == 0,
	    "nothing on the record of its end yet");
	st = end_session(e.sid, e.grant, PROTO_END_EXPIRED, "", "", "");
	CHECK(st == PROTO_OK, "ended as expired: ended (%s)",
	    proto_status_name(st));
	CHECK(session_records(ENDED_EVENT, e.sid, &r) == 1 &&
	    member_is(r, "cause", "expired") &&
	    member_is(r, "ended_by", NULL),
	    "on the record once, cause expired, ended by no one");
	json_decref(r);
	st = end_session(e.sid, e.grant, PROTO_END_EXPIRED, "", "", "");
	CHECK(st == PROTO_ERR_REDEEMED, "and not twice (%s)",
	    proto_status_name(st));

	/*
	 * Ended while it lived, then presented again once it expired: its
	 * end must outlast its expiry, or it ends twice, the second time as
	 * expired.
	 */
	ok = begin_session(&e) == 0 && end_session(e.sid, e.grant,
	    PROTO_END_API, end_token, "", "") == PROTO_OK;
	CHECK(ok, "another session, ended by the API while it lives");
	sleep(3);
	st = end_session(e.sid, e.grant, PROTO_END_EXPIRED, "", "", "");
	CHECK(st == PROTO_ERR_REDEEMED, "past its expiry, ended again as "
	    "expired: refused, it ended before (%s)", proto_status_name(st));
	CHECK(session_records(ENDED_EVENT, e.sid, &r) == 1 &&
	    member_is(r, "cause", "ended"), "one record of its end, the "
	    "API's");
	json_decref(r);
	CHECK(set_token_ttl(3600) == 0 && crash_and_restart(0) == 0,
	    "token_ttl back to 3600 s, a new signer");
}

void
test_sessions(void)
{
	struct session	 a, b;
	char		 end_token[PROTO_TOKEN_MAX + 1];

	if (backoffice_may_end() == -1 || crash_and_restart(0) == -1 ||
	    client_token("end:impersonations", end_token,
	    sizeof(end_token)) == -1 || begin_session(&a) == -1 ||
	    begin_session(&b) == -1) {
		CHECK(0, "backoffice may end sessions; two sessions begun by "
		    "following links");
		return;
	}
	test_begun(&a);
	CHECK(strcmp(a.sid, b.sid) != 0, "two links, two sessions");
	test_no_authority(&a, end_token);
	test_not_its_grant(&a, &b, end_token);
	test_end(&a, &b, end_token);
	test_expired(end_token);
}
