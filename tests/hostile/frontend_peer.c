/*
 * A broken-into front end, on its end of a real guise-signer's socketpair
 * (DESIGN.md section 4, "No login without a grant", "No record the front
 * end can forge").  Before the signer decided, a program like this one got
 * an id_token for a protected admin, "impersonated" by someone who may not
 * impersonate, with claims of its choosing, from a request that named them
 * (implicit_tokens); a code never issued was exchanged; and a general
 * audit request wrote a made-up decision into the chain.  Now the front
 * end can only present what the signer sealed.  Each case below tries one
 * way around that and must get no token (and no code); at the end the
 * audit log must hold no decision the peer made up, no token.issued but
 * the legitimate ones, and nothing of the front end's word but
 * observations.  Between the cases a legitimate flow still works: the
 * refusals that are no protocol violation leave the signer serving.  The
 * logins an application starts (PROTO_AUTHORIZE) are tried the same way:
 * a grant of another kind, under another cookie, for another client,
 * twice, altered, to an unregistered redirect_uri, and codes without
 * their PKCE verifier (test_logins, in frontend_login.c).  Impersonation
 * sessions are ended without the authority of their cause, with a grant
 * that is not theirs, twice, and their codes exchanged after their end
 * (test_sessions, in frontend_session.c).  Webhook events are signed only
 * as the signer built them, under their own grant, for a webhook sent
 * their type (test_webhooks, in frontend_webhook.c).
 *
 *	frontend_peer SIGNER CONFIG_DIR
 *
 * CONFIG_DIR is a configuration of tests/lib/mkconfig.sh, which this
 * program changes first: a second application, a blocked user, and links
 * that live 3 seconds (to see one expire).  TAP on stdout.
 *
 * This file holds main: the set-up and the attacks on links and codes, in
 * the order they run.  The attacks on the logins an application starts
 * are in frontend_login.c, and the peer's end of the signer that both use
 * (starting it, the requests, the files it reads and writes) in
 * frontend_plumbing.c, so that each stays small enough to read whole.
 */
#include "frontend_peer.h"

/* The token.revoked records of the current audit file, with outcome. */
static int
revoked_records(const char *outcome)
{
	FILE	*f;
	char	 line[16384], want[64];
	int	 n = 0;

	snprintf(want, sizeof(want), "\"outcome\":\"%s\"", outcome);
	if ((f = fopen(audit_file, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, "\"event\":\"token.revoked\"") != NULL &&
		    strstr(line, want) != NULL)
			n++;
	fclose(f);
	return n;
}

/* PROTO_REVOKE: token given back by client with secret; its status, jti, exp. */
static uint32_t
give_back(const char *client, const char *secret, const char *token,
    uint32_t revoked, char *jti, size_t jtilen, uint32_t *exp)
{
	struct proto_msg	 req, rep;

	memset(&req, 0, sizeof(req));
	req.type = PROTO_REVOKE;
	req.id = next_id++;
	req.u.revoke_req.client_id = proto_str(client);
	req.u.revoke_req.secret = proto_str(secret);
	req.u.revoke_req.token = proto_str(token);
	req.u.revoke_req.revoked = revoked;
	req.u.revoke_req.ip = proto_str("127.0.0.1");
	req.u.revoke_req.user_agent = proto_str("peer");
	if (request(&s, &req, &rep) == -1 || rep.type != PROTO_REVOKE)
		return (uint32_t)-1;
	if (rep.status == PROTO_OK && jti != NULL &&
	    copy_field(jti, jtilen, rep.u.revoke_rep.jti) == -1)
		return (uint32_t)-1;
	if (exp != NULL)
		*exp = rep.u.revoke_rep.exp;
	return rep.status;
}

/*
 * Revocation (RFC 7009): the signer records a token given back only for
 * the client that proves who it is, only for a token it verifies itself,
 * only its own; the front end's word is only whether it revoked it.
 */
static void
test_revoke(void)
{
	char		 tok[PROTO_TOKEN_MAX + 1], bad[PROTO_TOKEN_MAX + 1];
	char		 jti[PROTO_JTI_MAX + 1];
	json_t		*c;
	uint32_t	 st, exp = 0;
	int		 ok0, denied0, failed0;

	ok0 = revoked_records("ok");
	denied0 = revoked_records("denied");
	failed0 = revoked_records("failed");
	if (client_token("read:users", tok, sizeof(tok)) == -1) {
		CHECK(0, "a token of backoffice to revoke");
		return;
	}
	st = give_back("backoffice", "not-the-secret", tok, 1, NULL, 0, NULL);
	CHECK(st == PROTO_ERR_CLIENT, "revoke with a wrong secret: refused "
	    "(%s)", proto_status_name(st));
	st = give_back("backoffice", "", tok, 1, NULL, 0, NULL);
	CHECK(st == PROTO_ERR_CLIENT, "revoke by a confidential client without "
	    "its secret: refused (%s)", proto_status_name(st));
	st = give_back("storefront", storefront_secret, tok, 1, NULL, 0, NULL);
	CHECK(st == PROTO_ERR_GRANT, "revoke of another client's token: "
	    "refused (%s)", proto_status_name(st));
	snprintf(bad, sizeof(bad), "%s", tok);
	bad[strlen(bad) - 2] ^= 0x01;
	st = give_back("backoffice", backoffice_secret, bad, 1, NULL, 0, NULL);
	CHECK(st == PROTO_ERR_BEARER, "revoke of a token whose signature is "
	    "altered: not ours (%s)", proto_status_name(st));
	st = give_back("backoffice", backoffice_secret, "", 1, NULL, 0, NULL);
	CHECK(st == PROTO_ERR_BEARER, "revoke of no token (%s)",
	    proto_status_name(st));
	CHECK(revoked_records("ok") == ok0 && revoked_records("failed") ==
	    failed0 && revoked_records("denied") == denied0 + 1,
	    "none of these recorded a revocation; the other client's "
	    "attempt is recorded as denied");

	st = give_back("backoffice", backoffice_secret, tok, 0, jti, sizeof(jti),
	    &exp);
	CHECK(st == PROTO_OK && revoked_records("failed") == failed0 + 1 &&
	    revoked_records("ok") == ok0, "the front end says it had no room: "
	    "recorded as failed, not as revoked (%s)", proto_status_name(st));
	st = give_back("backoffice", backoffice_secret, tok, 1, jti, sizeof(jti),
	    &exp);
	c = claims_of(tok);
	CHECK(st == PROTO_OK && revoked_records("ok") == ok0 + 1 &&
	    c != NULL && strcmp(jti, json_string_value(json_object_get(c,
	    "jti"))) == 0 && (json_int_t)exp == json_integer_value(
	    json_object_get(c, "exp")), "its own token: recorded revoked, "
	    "the reply its jti and exp as the signer verified them (%s)",
	    proto_status_name(st));
	json_decref(c);
}

/*
 * A token its client gave back (and the signer recorded revoked) asks
 * for no link, even from a front end that presents it: the revocation
 * list the front end keeps is not what the signer trusts.
 */
static void
test_revoked_asks_nothing(void)
{
	char		 tok[PROTO_TOKEN_MAX + 1], jti[PROTO_JTI_MAX + 1];
	char		 rule[64];
	struct sealed	 link;
	uint32_t	 st, exp = 0;
	int		 r;

	if (client_token("read:users impersonate:users", tok, sizeof(tok)) ==
	    -1) {
		CHECK(0, "revoked token: a token to give back");
		return;
	}
	r = ask_link(tok, CUSTOMER, "storefront", CALLBACK, 1, &link, rule,
	    sizeof(rule), &st);
	CHECK(r == 0 && st == PROTO_OK, "revoked token: before, it asks for a "
	    "link (%s)", proto_status_name(st));
	st = give_back("backoffice", backoffice_secret, tok, 1, jti,
	    sizeof(jti), &exp);
	CHECK(st == PROTO_OK, "revoked token: given back, recorded (%s)",
	    proto_status_name(st));
	r = ask_link(tok, CUSTOMER, "storefront", CALLBACK, 1, &link, rule,
	    sizeof(rule), &st);
	CHECK(st == PROTO_ERR_BEARER, "revoked token: then PROTO_LINK with it "
	    "is refused by the signer (r=%d, %s)", r, proto_status_name(st));
}

int
main(int argc, char *argv[])
{
	struct sealed	 a, b, code, code2, other;
	char		 rule[64], tok[PROTO_TOKEN_MAX + 1];
	char		 bad_grant[PROTO_GRANT_MAX + 1];
	uint32_t	 st;
	int		 tokens, r, i, n, all;

	if (argc != 3) {
		fprintf(stderr, "usage: frontend_peer SIGNER CONFIG_DIR\n");
		return 2;
	}
	signer_prog = argv[1];
	snprintf(dir, sizeof(dir), "%s", argv[2]);
	signal(SIGPIPE, SIG_IGN);
	/* The signers' log lines, as journald would take them, to count. */
	snprintf(signer_log, sizeof(signer_log), "%s/signer.log", dir);
	if ((i = open(signer_log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND,
	    0600)) == -1 || dup2(i, STDERR_FILENO) == -1) {
		printf("Bail out! %s: %s\n", signer_log, strerror(errno));
		return 1;
	}
	close(i);
	if (prepare() == -1 || load_config(dir) == -1 || start() == -1 ||
	    client_token("read:users impersonate:users", bearer,
	    sizeof(bearer)) == -1) {
		printf("Bail out! cannot set up a signer in %s\n", dir);
		return 1;
	}
	if (legit_flow("to begin with") == -1) {
		printf("Bail out! the legitimate flow does not work\n");
		return 1;
	}

	/* No grant at all: the code of the issue, and an empty grant. */
	st = exchange(PROTO_CODE_TOKENS, "storefront", storefront_secret,
	    "never-issued", "", CALLBACK, &tokens, NULL, 0);
	CHECK(st == PROTO_ERR_INVALID_GRANT && !tokens, "a code never issued, "
	    "without a grant: no token (%s)", proto_status_name(st));
	st = follow("never-issued", "", SUPPORT, NULL, &tokens, NULL, 0);
	CHECK(st == PROTO_ERR_INVALID_GRANT && !tokens, "a link never issued, "
	    "without a grant: nothing (%s)", proto_status_name(st));

	/* A grant for another client, or another callback. */
	r = ask_link(bearer, CUSTOMER, "storefront", CALLBACK, 1, &a, rule,
	    sizeof(rule), &st);
	st = r == 0 ? follow(a.secret, a.grant, SUPPORT, &code, &tokens, NULL,
	    0) : (uint32_t)-1;
	if (st != PROTO_OK)
		printf("Bail out! no code to try\n");
	st = exchange(PROTO_CODE_TOKENS, "otherapp", other_secret, code.secret,
	    code.grant, OTHER_CALLBACK, &tokens, NULL, 0);
	CHECK(st == PROTO_ERR_INVALID_GRANT && !tokens, "storefront's code "
	    "grant exchanged by another application with its own secret: "
	    "no token (%s)", proto_status_name(st));
	st = exchange(PROTO_CODE_TOKENS, "storefront", storefront_secret,
	    code.secret, code.grant, OTHER_CALLBACK, &tokens, NULL, 0);
	CHECK(st == PROTO_ERR_INVALID_GRANT && !tokens, "the code grant with "
	    "another redirect_uri: no token (%s)", proto_status_name(st));
	st = exchange(PROTO_CODE_TOKENS, "storefront", "wrong-secret",
	    code.secret, code.grant, CALLBACK, &tokens, NULL, 0);
	CHECK(st == PROTO_ERR_CLIENT && !tokens, "the code grant with a wrong "
	    "client secret: no token (%s)", proto_status_name(st));

	/* Under another ticket, or another code. */
	r = ask_link(bearer, CUSTOMER, "storefront", CALLBACK, 2, &a, rule,
	    sizeof(rule), &st);
	r |= ask_link(bearer, CUSTOMER, "storefront", CALLBACK, 2, &b, rule,
	    sizeof(rule), &st);
	st = r == 0 ? follow(b.secret, a.grant, SUPPORT, NULL, &tokens, NULL,
	    0) : (uint32_t)-1;
	CHECK(st == PROTO_ERR_INVALID_GRANT && !tokens, "link A's grant under "
	    "link B's ticket: no token (%s)", proto_status_name(st));
	r = follow(a.secret, a.grant, SUPPORT, NULL, &tokens, NULL, 0) ==
	    PROTO_OK && tokens;
	if (r)
		legit_tokens++;
	CHECK(r, "link A under its own ticket still works: the tokens of a "
	    "single-page login");
	r = ask_link(bearer, CUSTOMER, "storefront", CALLBACK, 1, &a, rule,
	    sizeof(rule), &st) == 0 && follow(a.secret, a.grant, SUPPORT,
	    &code2, &tokens, NULL, 0) == PROTO_OK;
	st = r ? exchange(PROTO_CODE_TOKENS, "storefront", storefront_secret,
	    code2.secret, code.grant, CALLBACK, &tokens, NULL, 0) :
	    (uint32_t)-1;
	CHECK(st == PROTO_ERR_INVALID_GRANT && !tokens, "a code grant under "
	    "another code: no token (%s)", proto_status_name(st));

	/* Twice. */
	r = exchange(PROTO_CODE_TOKENS, "storefront", storefront_secret,
	    code.secret, code.grant, CALLBACK, &tokens, NULL, 0) == PROTO_OK &&
	    tokens;
	if (r)
		legit_tokens++;
	CHECK(r, "the code under its own grant, by its client, to its "
	    "callback: tokens, once");
	st = exchange(PROTO_CODE_TOKENS, "storefront", storefront_secret,
	    code.secret, code.grant, CALLBACK, &tokens, NULL, 0);
	CHECK(st == PROTO_ERR_REDEEMED && !tokens, "the same code grant again: "
	    "no token (%s)", proto_status_name(st));
	r = ask_link(bearer, CUSTOMER, "storefront", CALLBACK, 1, &b, rule,
	    sizeof(rule), &st);
	st = r == 0 ? follow(b.secret, b.grant, SUPPORT, &code2, &tokens,
	    NULL, 0) : (uint32_t)-1;
	st = st == PROTO_OK ? follow(b.secret, b.grant, SUPPORT, NULL, &tokens,
	    NULL, 0) : (uint32_t)-1;
	CHECK(st == PROTO_ERR_REDEEMED && !tokens, "the same link grant "
	    "followed again: nothing (%s)", proto_status_name(st));

	/* Twice across a restart the peer caused with a malformed frame. */
	r = crash_and_restart(0);
	CHECK(r == 0, "a malformed frame ends the signer (exit %s); another "
	    "starts on the same audit log", signer_how(&s));
	st = exchange(PROTO_CODE_TOKENS, "storefront", storefront_secret,
	    code.secret, code.grant, CALLBACK, &tokens, NULL, 0);
	CHECK(st == PROTO_ERR_REDEEMED && !tokens, "after the restart, the "
	    "redeemed code grant again: no token (%s)",
	    proto_status_name(st));
	st = follow(b.secret, b.grant, SUPPORT, NULL, &tokens, NULL, 0);
	CHECK(st == PROTO_ERR_REDEEMED && !tokens, "after the restart, the "
	    "followed link grant again: nothing (%s)", proto_status_name(st));
	st = exchange(PROTO_CODE_TOKENS, "storefront", storefront_secret,
	    code2.secret, code2.grant, CALLBACK, &tokens, NULL, 0);
	r = st == PROTO_OK && tokens;
	if (r)
		legit_tokens++;
	CHECK(r, "a code granted before the restart and never redeemed "
	    "still works after it (%s)", proto_status_name(st));

	/*
	 * Twice across a restart after a rotation the crash interrupted, with
	 * ttls a reload shortened: the new signer reads the rotated file, and
	 * as far back as a grant may live, not as today's ttls say.
	 */
	r = ask_link(bearer, CUSTOMER, "storefront", CALLBACK, 1, &a, rule,
	    sizeof(rule), &st) == 0 && follow(a.secret, a.grant, SUPPORT,
	    &code, &tokens, NULL, 0) == PROTO_OK && exchange(PROTO_CODE_TOKENS,
	    "storefront", storefront_secret, code.secret, code.grant, CALLBACK,
	    &tokens, NULL, 0) == PROTO_OK && tokens;
	if (r)
		legit_tokens++;
	usleep(1500 * 1000);	/* older than the shortened ttls */
	r = r && set_ttls(1, 1) == 0 && crash_and_restart(1) == 0;
	CHECK(r, "a link followed and its code exchanged; then the ttls "
	    "shortened to 1 s, a crash, the log rotated, a new signer");
	st = exchange(PROTO_CODE_TOKENS, "storefront", storefront_secret,
	    code.secret, code.grant, CALLBACK, &tokens, NULL, 0);
	CHECK(st == PROTO_ERR_REDEEMED && !tokens, "the code grant (sealed "
	    "for 60 s) again: no token (%s)", proto_status_name(st));
	st = follow(a.secret, a.grant, SUPPORT, NULL, &tokens, NULL, 0);
	CHECK(st == PROTO_ERR_REDEEMED && !tokens, "the link grant (sealed "
	    "for %d s) again: nothing (%s)", LINK_TTL, proto_status_name(st));
	r = set_ttls(LINK_TTL, 60) == 0 && crash_and_restart(0) == 0;
	CHECK(r, "the ttls back, another crash, another signer: the current "
	    "file now begins with the first one's start records");
	st = exchange(PROTO_CODE_TOKENS, "storefront", storefront_secret,
	    code.secret, code.grant, CALLBACK, &tokens, NULL, 0);
	CHECK(st == PROTO_ERR_REDEEMED && !tokens, "the code grant redeemed "
	    "before the rotation, again after a second restart: no token "
	    "(%s)", proto_status_name(st));

	/* Expired. */
	r = ask_link(bearer, CUSTOMER, "storefront", CALLBACK, 1, &a, rule,
	    sizeof(rule), &st);
	sleep(LINK_TTL + 1);
	st = r == 0 ? follow(a.secret, a.grant, SUPPORT, NULL, &tokens, NULL,
	    0) : (uint32_t)-1;
	CHECK(st == PROTO_ERR_INVALID_GRANT && !tokens, "a link grant past "
	    "its expiry (link_ttl %d s): nothing (%s)", LINK_TTL,
	    proto_status_name(st));

	/* For a protected or a blocked user; for the impersonator. */
	r = ask_link(bearer, ADMIN, "storefront", CALLBACK, 2, &a, rule,
	    sizeof(rule), &st);
	CHECK(r == 1 && strcmp(rule, "target_protected") == 0, "a link for the "
	    "protected admin: refused by target_protected, no grant (%s)",
	    r == 1 ? rule : proto_status_name(st));
	r = ask_link(bearer, BLOCKED, "storefront", CALLBACK, 2, &a, rule,
	    sizeof(rule), &st);
	CHECK(r == 1 && strcmp(rule, "target_blocked") == 0, "a link for a "
	    "blocked user: refused by target_blocked, no grant (%s)",
	    r == 1 ? rule : proto_status_name(st));
	r = ask_link(bearer, SUPPORT, "storefront", CALLBACK, 2, &a, rule,
	    sizeof(rule), &st);
	CHECK(r == 1 && strcmp(rule, "target_not_self") == 0, "a link for the "
	    "impersonator itself: refused (%s)", r == 1 ? rule :
	    proto_status_name(st));

	/* Bearer tokens: altered, signed by another key, expired, scope. */
	snprintf(tok, sizeof(tok), "%s", bearer);
	tok[strchr(tok, '.') - tok + 5] ^= 0x01;
	r = ask_link(tok, CUSTOMER, "storefront", CALLBACK, 2, &a, rule,
	    sizeof(rule), &st);
	CHECK(r == -1 && st == PROTO_ERR_BEARER, "a bearer token with a byte "
	    "of its claims changed: refused (%s)", proto_status_name(st));
	r = forge_token("impersonate:users", (long long)time(NULL) - 60, tok,
	    sizeof(tok)) == 0 ? ask_link(tok, CUSTOMER, "storefront",
	    CALLBACK, 2, &a, rule, sizeof(rule), &st) : 2;
	CHECK(r == -1 && st == PROTO_ERR_BEARER, "a bearer token signed with "
	    "the signer's own key but expired a minute ago: refused (%s)",
	    proto_status_name(st));
	r = client_token("read:users", tok, sizeof(tok)) == 0 ?
	    ask_link(tok, CUSTOMER, "storefront", CALLBACK, 2, &a, rule,
	    sizeof(rule), &st) : 2;
	CHECK(r == -1 && st == PROTO_ERR_BEARER, "a bearer token without "
	    "impersonate:users: refused (%s)", proto_status_name(st));
	r = ask_link("eyJhbGciOiJub25lIn0.eyJzY29wZSI6ImltcGVyc29uYXRlOnVzZXJz"
	    "In0.", CUSTOMER, "storefront", CALLBACK, 2, &a, rule,
	    sizeof(rule), &st);
	CHECK(r == -1 && st == PROTO_ERR_BEARER, "an unsigned bearer token "
	    "(alg none): refused (%s)", proto_status_name(st));

	/* A grant whose bytes it altered: every byte of a link grant. */
	r = ask_link(bearer, CUSTOMER, "storefront", CALLBACK, 2, &a, rule,
	    sizeof(rule), &st);
	all = r == 0;
	for (i = 0; all && i < 600; i++) {
		altered(a.grant, (size_t)i, bad_grant, sizeof(bad_grant));
		st = follow(a.secret, bad_grant, SUPPORT, NULL, &tokens, NULL,
		    0);
		if (st != PROTO_ERR_INVALID_GRANT || tokens) {
			diag("byte %d altered: %s", i, proto_status_name(st));
			all = 0;
		}
	}
	CHECK(all, "a link grant with any one of its bytes altered: refused, "
	    "every time");
	n = log_lines("not the signer's");
	CHECK(n >= 1 && n <= 5, "and said in the signer's log, but not a line "
	    "each: the front end cannot flood journald through the signer "
	    "past its rate limit, and the commit lines with it (%d lines for "
	    "600 grants)", n);
	st = follow(a.secret, a.grant, SUPPORT, NULL, &tokens, NULL, 0);
	r = st == PROTO_OK && tokens;
	if (r)
		legit_tokens++;
	CHECK(r, "the same grant unaltered then works: the altered ones were "
	    "not taken as redeemed");
	r = ask_link(bearer, CUSTOMER, "storefront", CALLBACK, 1, &other, rule,
	    sizeof(rule), &st);
	st = r == 0 ? follow(other.secret, other.grant, "auth0|someone-else",
	    NULL, &tokens, rule, sizeof(rule)) : (uint32_t)-1;
	CHECK(st == PROTO_OK && !tokens && strcmp(rule, "link_tampered") == 0,
	    "a link followed under another impersonator's path: refused "
	    "(link_tampered), nothing issued");

	/* Records: no decision, no replay of a grant never redeemed. */
	r = ask_link(bearer, CUSTOMER, "storefront", CALLBACK, 1, &a, rule,
	    sizeof(rule), &st) == 0 && follow(a.secret, a.grant, SUPPORT,
	    &code, &tokens, NULL, 0) == PROTO_OK;
	st = r ? exchange(PROTO_CODE_REPLAYED, "storefront", storefront_secret,
	    code.secret, code.grant, "", &tokens, NULL, 0) : (uint32_t)-1;
	CHECK(st == PROTO_ERR_REQUEST, "a code_replayed record for a code "
	    "never redeemed: refused, nothing written (%s)",
	    proto_status_name(st));
	{
		struct proto_msg	 req, rep;

		memset(&req, 0, sizeof(req));
		req.type = PROTO_OBSERVED;
		req.id = next_id++;
		req.u.observed_req.what = PROTO_SEEN__MAX;
		st = request(&s, &req, &rep) == 0 ? rep.status : (uint32_t)-1;
		CHECK(st == PROTO_ERR_REQUEST, "an observation of no known kind: "
		    "refused (%s)", proto_status_name(st));
	}

	test_revoke();
	test_revoked_asks_nothing();
	test_logins();
	test_sessions();
	test_webhooks();
	test_console();
	legit_flow("after every refusal");
	CHECK(audit_clean(), "the audit log holds no decision of the front "
	    "end's word (no impersonation.* but a replay's with a source), no protected or blocked user let in, and exactly "
	    "%d impersonated token.issued records, the legitimate ones",
	    legit_tokens);
	signer_stop(&s);
	return check_done();
}
