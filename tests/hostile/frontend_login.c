/*
 * frontend_peer's attacks on the logins an application starts
 * (PROTO_AUTHORIZE, DESIGN.md section 4): a login grant of another kind,
 * under another cookie, for another client, twice, across a restart,
 * altered, to an unregistered redirect_uri, and codes without their PKCE
 * verifier or with a wrong one.  Each attack is one that a signer without
 * the check it aims at would answer with a code or the tokens.  Apart
 * from the attacks on links and codes (frontend_peer.c) because they need
 * their own requests (authorize, follow_any) and what those bring back
 * (struct got), which nothing else reads.
 */
#include "b64url.h"

#include "frontend_peer.h"

/* mkconfig.sh's applications that start their own login. */
#define PORTAL_CALLBACK	"http://127.0.0.1:3001/callback"
#define SPA_CALLBACK	"http://127.0.0.1:3002/callback.html"
/* RFC 7636, appendix B: a verifier and its S256 challenge. */
#define VERIFIER	"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define CHALLENGE	"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
/* Another, of the same length. */
#define WRONG_VERIFIER	"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj"
/* Its first 42 characters, one fewer than RFC 7636 allows, and their
 * S256: a challenge that this verifier meets but for its length. */
#define VERIFIER42	"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX"
#define CHALLENGE42	"MzGuVmuCfiyhtA8T4e8WBVUlbW1KtArN4Sk-n-PRX_s"
/* The application's own nonce, at /authorize. */
#define APP_NONCE	"app-nonce-7f3a9c"

/* What a followed link or an application's request gave. */
struct got {
	struct sealed	 code;		/* a code and its grant */
	struct sealed	 login;		/* a login cookie and its grant */
	char		 hint[PROTO_USER_ID_MAX + 1];
	char		 rule[64];
	char		 id_token[PROTO_ID_TOKEN_MAX + 1];
	int		 tokens;	/* an id_token or an access token */
};

/* Of the last follow_any() or authorize(). */
static struct got	 got;

/* rep's follow_rep into got; -1 when a field does not fit. */
static int
got_of(const struct proto_msg *rep)
{
	memset(&got, 0, sizeof(got));
	got.tokens = rep->u.follow_rep.id_token.len > 0 ||
	    rep->u.follow_rep.access_token.len > 0;
	if (copy_field(got.rule, sizeof(got.rule), rep->u.follow_rep.rule) ==
	    -1 || copy_field(got.hint, sizeof(got.hint),
	    rep->u.follow_rep.login_hint) == -1 || copy_field(got.id_token,
	    sizeof(got.id_token), rep->u.follow_rep.id_token) == -1 ||
	    copy_field(got.code.secret, sizeof(got.code.secret),
	    rep->u.follow_rep.code) == -1 || copy_field(got.login.secret,
	    sizeof(got.login.secret), rep->u.follow_rep.login) == -1)
		return -1;
	/* One grant: the code's or the login's, whichever came. */
	if (got.code.secret[0] != '\0')
		return copy_field(got.code.grant, sizeof(got.code.grant),
		    rep->u.follow_rep.grant);
	if (got.login.secret[0] != '\0')
		return copy_field(got.login.grant, sizeof(got.login.grant),
		    rep->u.follow_rep.grant);
	return rep->u.follow_rep.grant.len == 0 ? 0 : -1;
}

/* Neither a code, nor a token, nor a login: what a refusal gives. */
static int
got_nothing(void)
{
	return got.code.secret[0] == '\0' && got.login.secret[0] == '\0' &&
	    !got.tokens;
}

/* Follow link as the front end would: the status, what came in got. */
static uint32_t
follow_any(const struct sealed *link)
{
	struct proto_msg	 req, rep;

	memset(&got, 0, sizeof(got));
	memset(&req, 0, sizeof(req));
	req.type = PROTO_FOLLOW;
	req.id = next_id++;
	req.u.follow_req.ticket = proto_str(link->secret);
	req.u.follow_req.grant = proto_str(link->grant);
	req.u.follow_req.impersonator_id = proto_str(SUPPORT);
	req.u.follow_req.ip = proto_str("127.0.0.1");
	req.u.follow_req.user_agent = proto_str("peer");
	if (request(&s, &req, &rep) == -1)
		return (uint32_t)-1;
	if (rep.status == PROTO_OK && got_of(&rep) == -1)
		return (uint32_t)-1;
	return rep.status;
}

/*
 * The application's own request at /authorize, as the front end sends it
 * with the login cookie's value and the grant kept under it: the status,
 * what came in got.
 */
static uint32_t
authorize(const struct sealed *login, const char *client,
    const char *redirect, uint32_t response_type, const char *challenge)
{
	struct proto_msg	 req, rep;

	memset(&got, 0, sizeof(got));
	memset(&req, 0, sizeof(req));
	req.type = PROTO_AUTHORIZE;
	req.id = next_id++;
	req.u.authorize_req.login = proto_str(login->secret);
	req.u.authorize_req.grant = proto_str(login->grant);
	req.u.authorize_req.client_id = proto_str(client);
	req.u.authorize_req.redirect_uri = proto_str(redirect);
	req.u.authorize_req.response_type = response_type;
	req.u.authorize_req.scope = proto_str("openid profile email");
	req.u.authorize_req.nonce = proto_str(APP_NONCE);
	req.u.authorize_req.code_challenge = proto_str(challenge);
	req.u.authorize_req.ip = proto_str("127.0.0.1");
	req.u.authorize_req.user_agent = proto_str("peer");
	if (request(&s, &req, &rep) == -1)
		return (uint32_t)-1;
	if (rep.status == PROTO_OK && got_of(&rep) == -1)
		return (uint32_t)-1;
	return rep.status;
}

/* A link into app followed: 0 with its login in *login. */
static int
login_for(const char *app, const char *callback, struct sealed *login)
{
	struct sealed	 link;
	char		 rule[64];
	uint32_t	 st;

	if (ask_link(bearer, CUSTOMER, app, callback, 1, &link, rule,
	    sizeof(rule), &st) != 0 || follow_any(&link) != PROTO_OK ||
	    got.login.secret[0] == '\0')
		return -1;
	*login = got.login;
	return 0;
}

/* Whether id_token is CUSTOMER's, for aud, with the application's nonce. */
static int
id_token_is(const char *id_token, const char *aud)
{
	json_t	*c;
	int	 ok;

	if ((c = claims_of(id_token)) == NULL)
		return 0;
	ok = json_is_string(json_object_get(c, "sub")) &&
	    strcmp(json_string_value(json_object_get(c, "sub")), CUSTOMER) ==
	    0 && json_is_string(json_object_get(c, "aud")) &&
	    strcmp(json_string_value(json_object_get(c, "aud")), aud) == 0 &&
	    json_is_string(json_object_get(c, "nonce")) &&
	    strcmp(json_string_value(json_object_get(c, "nonce")),
	    APP_NONCE) == 0;
	json_decref(c);
	return ok;
}

/* Grants of the wrong kind, and a login grant in the wrong place. */
static void
test_login_kinds(void)
{
	struct sealed	 link, login, other;
	char		 rule[64];
	uint32_t	 st;
	int		 r, tokens;

	r = ask_link(bearer, CUSTOMER, "portal", PORTAL_CALLBACK, 1, &link,
	    rule, sizeof(rule), &st);
	st = r == 0 ? follow_any(&link) : (uint32_t)-1;
	CHECK(st == PROTO_OK && got.code.secret[0] == '\0' && !got.tokens &&
	    got.login.secret[0] != '\0' && got.login.grant[0] != '\0' &&
	    strcmp(got.hint, CUSTOMER) == 0, "a link of portal (it starts its "
	    "own login) followed: a login grant with the user to hint, no "
	    "code, no token (%s)", proto_status_name(st));
	login = got.login;

	st = follow(login.secret, login.grant, SUPPORT, NULL, &tokens, NULL,
	    0);
	CHECK(st == PROTO_ERR_INVALID_GRANT && !tokens, "the login grant "
	    "followed as a link, under its cookie's value: nothing (%s)",
	    proto_status_name(st));

	r = ask_link(bearer, CUSTOMER, "portal", PORTAL_CALLBACK, 1, &link,
	    rule, sizeof(rule), &st);
	st = r == 0 ? authorize(&link, "portal", PORTAL_CALLBACK, 1, "") :
	    (uint32_t)-1;
	CHECK(st == PROTO_ERR_INVALID_GRANT && got_nothing(), "portal's link "
	    "grant under its ticket at /authorize: no code, no token (%s)",
	    proto_status_name(st));
	st = follow_any(&link);
	CHECK(st == PROTO_OK && got.login.secret[0] != '\0', "and the link, "
	    "not taken as redeemed, still gives its login (%s)",
	    proto_status_name(st));
	other = got.login;

	/* storefront starts no login: its link gives a code, as before. */
	r = ask_link(bearer, CUSTOMER, "storefront", CALLBACK, 1, &link,
	    rule, sizeof(rule), &st);
	st = r == 0 ? follow_any(&link) : (uint32_t)-1;
	CHECK(st == PROTO_OK && got.code.secret[0] != '\0' &&
	    got.login.secret[0] == '\0' && got.hint[0] == '\0',
	    "a link of storefront followed: a code, not a login (%s)",
	    proto_status_name(st));
	link = got.code;
	st = authorize(&link, "storefront", CALLBACK, 1, "");
	CHECK(st == PROTO_ERR_INVALID_GRANT && got_nothing(), "storefront's "
	    "code grant under its code at /authorize for storefront: no code, "
	    "no token (%s)", proto_status_name(st));
	st = authorize(&link, "portal", PORTAL_CALLBACK, 1, "");
	CHECK(st == PROTO_ERR_INVALID_GRANT && got_nothing(), "... for "
	    "portal: no code, no token (%s)", proto_status_name(st));
	st = exchange(PROTO_CODE_TOKENS, "storefront", storefront_secret,
	    link.secret, link.grant, CALLBACK, &tokens, NULL, 0);
	r = st == PROTO_OK && tokens;
	if (r)
		legit_tokens++;
	CHECK(r, "and the code, not taken as redeemed, still gives its "
	    "tokens (%s)", proto_status_name(st));

	/* Under another cookie, for another client. */
	snprintf(link.secret, sizeof(link.secret), "%s", other.secret);
	snprintf(link.grant, sizeof(link.grant), "%s", login.grant);
	st = authorize(&link, "portal", PORTAL_CALLBACK, 1, "");
	CHECK(st == PROTO_ERR_INVALID_GRANT && got_nothing(), "a login grant "
	    "under another login's cookie value: no code, no token (%s)",
	    proto_status_name(st));
	link.secret[0] = '\0';
	st = authorize(&link, "portal", PORTAL_CALLBACK, 1, "");
	CHECK(st == PROTO_ERR_INVALID_GRANT && got_nothing(), "a login grant "
	    "with no cookie value: no code, no token (%s)",
	    proto_status_name(st));
	st = authorize(&login, "storefront", CALLBACK, 1, "");
	CHECK(st == PROTO_ERR_INVALID_GRANT && got_nothing(), "portal's login "
	    "grant at /authorize with client_id storefront and its callback: "
	    "no code, no token (%s)", proto_status_name(st));
	st = authorize(&login, "storefront", PORTAL_CALLBACK, 1, "");
	CHECK(st == PROTO_ERR_INVALID_GRANT && got_nothing(), "... with "
	    "client_id storefront and portal's callback: no code, no token "
	    "(%s)", proto_status_name(st));
	st = authorize(&login, "spa", SPA_CALLBACK, 1, CHALLENGE);
	CHECK(st == PROTO_ERR_INVALID_GRANT && got_nothing(), "... with "
	    "client_id spa, its callback and a challenge: no code, no token "
	    "(%s)", proto_status_name(st));
	st = authorize(&login, "portal", PORTAL_CALLBACK, 1, "");
	CHECK(st == PROTO_OK && got.code.secret[0] != '\0', "and the login "
	    "grant, not taken as redeemed by any of those, still gives its "
	    "code (%s)", proto_status_name(st));
}

/* A login redeemed once, across a restart; altered; sent elsewhere. */
static void
test_login_once(void)
{
	struct sealed	 login, code;
	char		 bad_grant[PROTO_GRANT_MAX + 1];
	char		 id_token[PROTO_ID_TOKEN_MAX + 1];
	unsigned char	 raw[PROTO_GRANT_MAX];
	uint32_t	 st;
	ssize_t		 n;
	int		 r, i, all, tokens;

	r = login_for("portal", PORTAL_CALLBACK, &login);
	n = r == 0 ? b64url_decode(raw, sizeof(raw), login.grant,
	    strlen(login.grant)) : -1;
	all = n > 0;
	for (i = 0; all && i < n; i++) {
		altered(login.grant, (size_t)i, bad_grant, sizeof(bad_grant));
		{
			struct sealed	 bad = login;

			snprintf(bad.grant, sizeof(bad.grant), "%s",
			    bad_grant);
			st = authorize(&bad, "portal", PORTAL_CALLBACK, 1, "");
		}
		if (st != PROTO_ERR_INVALID_GRANT || !got_nothing()) {
			diag("byte %d altered: %s", i, proto_status_name(st));
			all = 0;
		}
	}
	CHECK(all, "a login grant with any one of its %zd bytes altered: no "
	    "code, no token, every time", n);

	st = authorize(&login, "portal", PORTAL_CALLBACK, 1, "");
	r = st == PROTO_OK && got.code.secret[0] != '\0' && !got.tokens &&
	    got.login.secret[0] == '\0';
	code = got.code;
	CHECK(r, "the login grant unaltered, under its cookie, for portal "
	    "and its callback: a code (%s)", proto_status_name(st));
	st = authorize(&login, "portal", PORTAL_CALLBACK, 1, "");
	CHECK(st == PROTO_ERR_REDEEMED && got_nothing(), "the same login "
	    "grant again: no code, no token (%s)", proto_status_name(st));
	r = crash_and_restart(0);
	CHECK(r == 0, "a malformed frame ends the signer; another starts");
	st = authorize(&login, "portal", PORTAL_CALLBACK, 1, "");
	CHECK(st == PROTO_ERR_REDEEMED && got_nothing(), "after the restart, "
	    "the redeemed login grant again: no code, no token (%s): the "
	    "authorize record's grant_id was read back",
	    proto_status_name(st));

	st = exchange_pkce(PROTO_CODE_TOKENS, "portal", portal_secret,
	    code.secret, code.grant, PORTAL_CALLBACK, VERIFIER, &tokens,
	    NULL, 0);
	CHECK(st == PROTO_ERR_INVALID_GRANT && !tokens, "a code_verifier for "
	    "a code asked for without a challenge: no token (%s)",
	    proto_status_name(st));
	st = exchange(PROTO_CODE_TOKENS, "portal", portal_secret, code.secret,
	    code.grant, PORTAL_CALLBACK, &tokens, id_token, sizeof(id_token));
	r = st == PROTO_OK && tokens && id_token_is(id_token, "portal");
	if (st == PROTO_OK && tokens)
		legit_tokens++;
	CHECK(r, "the code of portal's own request, from before the restart, "
	    "exchanged without a verifier: the tokens, and the id_token "
	    "carries the nonce of its request (%s)", proto_status_name(st));

	r = login_for("portal", PORTAL_CALLBACK, &login);
	st = r == 0 ? authorize(&login, "portal",
	    "http://127.0.0.1:3001/elsewhere", 1, "") : (uint32_t)-1;
	CHECK(st == PROTO_OK && got_nothing() &&
	    strcmp(got.rule, "callback_unregistered") == 0, "a login grant "
	    "for an unregistered redirect_uri: refused by rule (%s), on the "
	    "record, no code, no token", st == PROTO_OK ? got.rule :
	    proto_status_name(st));
	st = authorize(&login, "portal", PORTAL_CALLBACK, 1, "");
	CHECK(st == PROTO_ERR_REDEEMED && got_nothing(), "and the grant is "
	    "spent: with the registered one, no code, no token (%s)",
	    proto_status_name(st));
}

/* A public client: PKCE required, no secret. */
static void
test_login_public(void)
{
	struct sealed	 login, code;
	char		 id_token[PROTO_ID_TOKEN_MAX + 1];
	uint32_t	 st;
	int		 r, tokens;

	r = login_for("spa", SPA_CALLBACK, &login);
	st = r == 0 ? authorize(&login, "spa", SPA_CALLBACK, 1, "") :
	    (uint32_t)-1;
	CHECK(st == PROTO_ERR_REQUEST && got_nothing(), "spa, a public "
	    "client, asks for a code without a code_challenge: no code, no "
	    "token (%s)", proto_status_name(st));
	st = authorize(&login, "spa", SPA_CALLBACK, 1, CHALLENGE);
	r = st == PROTO_OK && got.code.secret[0] != '\0' && !got.tokens;
	code = got.code;
	CHECK(r, "the same login grant, not spent by that, with a challenge: "
	    "a code (%s)", proto_status_name(st));

	st = exchange_pkce(PROTO_CODE_TOKENS, "spa", "", code.secret,
	    code.grant, SPA_CALLBACK, "", &tokens, NULL, 0);
	CHECK(st == PROTO_ERR_INVALID_GRANT && !tokens, "spa's code of a "
	    "challenge exchanged without a verifier: no token (%s)",
	    proto_status_name(st));
	st = exchange_pkce(PROTO_CODE_TOKENS, "spa", "", code.secret,
	    code.grant, SPA_CALLBACK, WRONG_VERIFIER, &tokens, NULL, 0);
	CHECK(st == PROTO_ERR_INVALID_GRANT && !tokens, "... with a wrong "
	    "verifier of 43 characters: no token (%s)",
	    proto_status_name(st));
	st = exchange_pkce(PROTO_CODE_TOKENS, "spa", "not-a-secret",
	    code.secret, code.grant, SPA_CALLBACK, VERIFIER, &tokens, NULL,
	    0);
	CHECK(st == PROTO_ERR_CLIENT && !tokens, "... with the right verifier "
	    "and a secret, which a public client has none of: no token (%s)",
	    proto_status_name(st));
	st = exchange_pkce(PROTO_CODE_TOKENS, "spa", "", code.secret,
	    code.grant, SPA_CALLBACK, VERIFIER, &tokens, id_token,
	    sizeof(id_token));
	r = st == PROTO_OK && tokens && id_token_is(id_token, "spa");
	if (st == PROTO_OK && tokens)
		legit_tokens++;
	CHECK(r, "... with the right verifier and no secret: the tokens, and "
	    "the id_token carries the nonce of its request (%s)",
	    proto_status_name(st));
	st = exchange_pkce(PROTO_CODE_TOKENS, "spa", "", code.secret,
	    code.grant, SPA_CALLBACK, VERIFIER, &tokens, NULL, 0);
	CHECK(st == PROTO_ERR_REDEEMED && !tokens, "... and again: no token "
	    "(%s)", proto_status_name(st));

	r = login_for("spa", SPA_CALLBACK, &login);
	st = r == 0 ? authorize(&login, "spa", SPA_CALLBACK, 1, CHALLENGE42) :
	    (uint32_t)-1;
	code = got.code;
	st = st == PROTO_OK && code.secret[0] != '\0' ?
	    exchange_pkce(PROTO_CODE_TOKENS, "spa", "", code.secret,
	    code.grant, SPA_CALLBACK, VERIFIER42, &tokens, NULL, 0) :
	    (uint32_t)-1;
	CHECK(st == PROTO_ERR_INVALID_GRANT && !tokens, "a verifier of 42 "
	    "characters whose S256 is the code's challenge: too short for "
	    "RFC 7636, no token (%s)", proto_status_name(st));
}

/*
 * Logins the application starts (PROTO_AUTHORIZE), PKCE and public
 * clients.  Each attack is one that a signer without the check it aims
 * at would answer with a code or the tokens.
 */
void
test_logins(void)
{
	int	 r;

	/* A login grant lives link_ttl: long enough for a restart. */
	r = set_ttls(30, 60) == 0 && crash_and_restart(0) == 0;
	CHECK(r, "link_ttl 30 s, and a new signer that reads it");
	test_login_kinds();
	test_login_once();
	test_login_public();
}
