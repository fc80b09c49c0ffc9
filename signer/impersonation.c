/*
 * The signer's side of the impersonation flow (DESIGN.md section 4, "No
 * login without a grant").  The front end names no one: a link is asked
 * for with the caller's bearer token, which is verified here; the policy
 * is evaluated here on the signer's own copy of the users (roster.c); the
 * decision is recorded here; and what the front end gets back is a grant
 * sealed with the grant key (grant.c), bound to the hash of the ticket or
 * code it travels under.  Each later step presents the grant, and is
 * checked against it alone: its seal, its expiry, its ticket or code, its
 * client and callback, that it was not redeemed before (redeemed.c), and
 * the policy as it is now.  Every claim of a token comes from the roster.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "access_token.h"
#include "answers.h"
#include "approval.h"
#include "audit.h"
#include "b64url.h"
#include "console_idp.h"
#include "console_signin.h"
#include "grant.h"
#include "grant_text.h"
#include "hex.h"
#include "impersonation.h"
#include "jti.h"
#include "jwks.h"
#include "keys.h"
#include "log.h"
#include "monotonic.h"
#include "pkce.h"
#include "policy.h"
#include "redeemed.h"
#include "roster.h"
#include "session.h"
#include "token.h"
#include "webhook.h"

#define LINK_INVALID	"the link is invalid, expired or already used"
#define NO_LONGER	"the impersonation is no longer allowed"
#define ELSEWHERE	"the link was asked for in another browser's console " \
			"session"
#define SIGNED_OUT	"the console session that asked for the link signed out"
#define ENDED		"the impersonation session is over"

static const struct config	*conf;

/* What a reply points into: valid until the next request is answered. */
static char			 ticket_out[SECRET_LEN + 1];
static char			 code_out[SECRET_LEN + 1];
static char			 login_out[SECRET_LEN + 1];
static char			 hint_out[PROTO_USER_ID_MAX + 1];
static char			 grant_out[PROTO_GRANT_MAX + 1];
static char			 callback_out[PROTO_CALLBACK_MAX + 1];
static struct login_tokens	 login_tokens;

int
impersonation_init(const struct config *c)
{
	conf = c;
	/* The public half of our own keys, to verify callers' tokens. */
	return jwks_load(keys_jwks());
}

/*
 * Take the grant as redeemed: a code's id is remembered as long as the
 * front end keeps its spent mark too, so that its replay can be recorded.
 */
static uint32_t
redeem(const struct grant *g, long long now)
{
	return grant_redeem(g, g->kind == GRANT_KIND_CODE ?
	    now + conf->code_ttl : g->exp, now);
}

/* The members of a record about g. */
static void
record_of(const struct grant *g, struct audit_record *r)
{
	r->impersonator_id = g->impersonator_id;
	r->user_id = g->user_id;
	r->client_id = g->client_id;
	r->caller = g->caller;
	r->reason = g->reason[0] != '\0' ? g->reason : NULL;
	r->sid = g->sid[0] != '\0' ? g->sid : NULL;
	r->approval_id = g->approval_id[0] != '\0' ? g->approval_id : NULL;
}

/* The tokens of a login of g, with claims from the roster as it is now. */
static uint32_t
login(const struct grant *g, const struct client_config *app,
    struct proto_str code, long long auth_time)
{
	struct login	 l;
	char		 the_code[PROTO_CODE_MAX + 1];

	memset(&l, 0, sizeof(l));
	l.client = app;
	l.user = roster_user(g->user_id);
	l.impersonator = roster_user(g->impersonator_id);
	if (l.user == NULL || l.impersonator == NULL)
		return PROTO_ERR_INTERNAL;	/* the policy checked them */
	l.scope = g->scope;
	l.nonce = g->nonce;
	if (code.len > 0) {
		FIELD(the_code, code);
		l.code = the_code;
	}
	l.auth_time = auth_time;
	l.sid = g->sid;
	if ((l.session_exp = session_exp(g)) <= time(NULL))
		return PROTO_ERR_INVALID_GRANT;	/* it ended by itself */
	return (uint32_t)token_login(&l, &login_tokens);
}

/* The tokens of the login just made, as a reply's four fields. */
static void
reply_tokens(struct proto_str *id_token, struct proto_str *access_token,
    struct proto_str *access_jti, uint32_t *expires_in)
{
	id_token->p = login_tokens.id_token;
	id_token->len = (uint16_t)login_tokens.id_len;
	access_token->p = login_tokens.access_token;
	access_token->len = (uint16_t)login_tokens.access_len;
	*access_jti = proto_str(login_tokens.jti);
	*expires_in = (uint32_t)login_tokens.expires_in;
}

/*
 * The token.issued of the login of g just made; consumes: this record is
 * the one that redeems g (a code's; a link's is its link_redeemed).
 */
static void
record_issued(const struct grant *g, const char *grant_type,
    const char *code_hash, const char *ip, const char *agent, int consumes)
{
	struct audit_record	 r = { .event = "token.issued",
				    .outcome = "ok", .grant = grant_type };
	char			 id[SHA256_HEX_LEN + 1];

	record_of(g, &r);
	if (consumes)
		grant_recorded(g, &r, id);
	r.reason = NULL;
	r.caller = NULL;
	r.jti = login_tokens.jti;
	r.code_hash = code_hash;
	r.sid = g->sid;
	r.ip = ip;
	r.user_agent = agent;
	audit_queue(&r);
}

/*
 * The decision on a link of g (its user, impersonator, client, callback,
 * scope, nonce, reason and caller filled, and checked) for app: the policy
 * decides, the decision is recorded either way, and a refusal is answered
 * with the rule, as a reply of PROTO_OK.  A user who needs an approval
 * gets one asked for instead of a link (approval.c); approved, the grant
 * of that approval, which this decision redeems.
 */
uint32_t
link_decide(const struct grant *g, const struct client_config *app,
    const struct grant *approved, const char *ip, const char *agent,
    struct proto_msg *rep)
{
	struct policy_verdict	 v;
	struct audit_record	 r = { .event = "impersonation.requested" };
	char			 link_hash[SHA256_HEX_LEN + 1];
	char			 id[SHA256_HEX_LEN + 1];

	(void)policy_check(conf, app, g->impersonator_id, g->user_id, &v);
	record_of(g, &r);
	r.ip = ip;
	r.user_agent = agent;
	if (approved != NULL) {
		grant_recorded(approved, &r, id);
		r.grant_exp = approval_keep(approved);
	}
	if (v.status == 0 && approval_needed(g))
		return approval_ask(g, &r, rep);
	if (v.status == 0 && grant_renew(g, GRANT_KIND_LINK,
	    time(NULL) + conf->link_ttl, ticket_out, link_hash, grant_out) ==
	    -1)
		return PROTO_ERR_INTERNAL;
	r.outcome = v.status == 0 ? "allowed" : "denied";
	r.rule = v.rule;
	r.link_hash = v.status == 0 ? link_hash : NULL;
	audit_queue(&r);
	if (v.status != 0) {
		rep->u.link_rep.rule = proto_str(v.rule);
		rep->u.link_rep.refusal = (uint32_t)v.status;
		rep->u.link_rep.message = proto_str(v.message);
		return webhook_event(WEBHOOK_DENIED, json_pack("{s:s, s:s, s:s,"
		    " s:s, s:s, s:s}", "user_id", g->user_id, "impersonator_id",
		    g->impersonator_id, "client_id", g->client_id, "caller",
		    g->caller, "reason", g->reason, "rule", v.rule),
		    &rep->u.link_rep.webhook, &rep->u.link_rep.webhook_grant);
	}
	rep->u.link_rep.ticket = proto_str(ticket_out);
	rep->u.link_rep.grant = proto_str(grant_out);
	/* The reply is encoded after this returns: nothing of the stack. */
	memcpy(callback_out, g->callback_url, sizeof(callback_out));
	rep->u.link_rep.callback_url = proto_str(callback_out);
	return PROTO_OK;
}

/*
 * PROTO_LINK: may the caller have a link?  What the front end checked of
 * the request's shape is checked again; then link_decide.
 */
uint32_t
answer_link(const struct proto_msg *req, struct proto_msg *rep)
{
	const struct client_config	*app;
	struct access			 a;
	struct grant			 g;
	char	callback[PROTO_CALLBACK_MAX + 1];
	char	ip[PROTO_IP_MAX + 1], agent[PROTO_AGENT_MAX + 1];
	unsigned int grant_type;

	if (answer_api_bearer(req->u.link_req.bearer, "impersonate:users",
	    time(NULL), &a) == -1)
		return PROTO_ERR_BEARER;

	memset(&g, 0, sizeof(g));
	FIELD(g.user_id, req->u.link_req.user_id);
	FIELD(g.impersonator_id, req->u.link_req.impersonator_id);
	FIELD(g.client_id, req->u.link_req.client_id);
	FIELD(callback, req->u.link_req.callback_url);
	FIELD(g.scope, req->u.link_req.scope);
	FIELD(g.nonce, req->u.link_req.nonce);
	FIELD(g.reason, req->u.link_req.reason);
	memcpy(g.caller, a.client_id, sizeof(g.caller));
	g.response_type = (int)req->u.link_req.response_type;
	grant_type = policy_grant_of(g.response_type);
	if ((app = config_client(conf, g.client_id)) == NULL ||
	    grant_type == 0 || !(app->grant_types & grant_type) ||
	    app->callbacks.n == 0 || g.user_id[0] == '\0' ||
	    g.impersonator_id[0] == '\0' ||
	    strspn(g.scope, " ") == strlen(g.scope) ||
	    (g.reason[0] == '\0' && conf->require_reason))
		return PROTO_ERR_REQUEST;
	if (callback[0] == '\0')
		memcpy(g.callback_url, app->callbacks.v[0],
		    strlen(app->callbacks.v[0]) + 1);
	else if (strlist_has(&app->callbacks, callback))
		memcpy(g.callback_url, callback, sizeof(callback));
	else
		return PROTO_ERR_REQUEST;
	FIELD(ip, req->u.link_req.ip);
	FIELD(agent, req->u.link_req.user_agent);
	return link_decide(&g, app, NULL, ip, agent, rep);
}

/*
 * A grant refused by a rule when it was presented: r, the record of the
 * step (its event, hashes and origin), says so and redeems the grant.
 */
static uint32_t
refused(const struct grant *g, struct audit_record *r, const char *rule,
    int refusal, const char *message, struct proto_msg *rep)
{
	char	 id[SHA256_HEX_LEN + 1];

	record_of(g, r);
	grant_recorded(g, r, id);
	r->outcome = "denied";
	r->rule = rule;
	audit_queue(r);
	rep->u.follow_rep.rule = proto_str(rule);
	rep->u.follow_rep.refusal = (uint32_t)refusal;
	rep->u.follow_rep.message = proto_str(message);
	return PROTO_OK;
}

/*
 * g allowed, r its record (which redeems the grant presented): the code
 * and its code grant, or for the implicit flow the tokens, into rep.
 */
static uint32_t
grant_login(const struct grant *g, const struct client_config *app,
    struct audit_record *r, struct proto_msg *rep)
{
	char		 code_hash[SHA256_HEX_LEN + 1];
	long long	 now = time(NULL);
	uint32_t	 status;

	if (g->response_type == POLICY_RESPONSE_CODE) {
		if (grant_renew(g, GRANT_KIND_CODE, now + conf->code_ttl,
		    code_out, code_hash, grant_out) == -1)
			return PROTO_ERR_INTERNAL;
		r->code_hash = code_hash;
		audit_queue(r);
		rep->u.follow_rep.code = proto_str(code_out);
		rep->u.follow_rep.grant = proto_str(grant_out);
		return PROTO_OK;
	}
	if ((status = login(g, app, (struct proto_str){ NULL, 0 },
	    g->auth_time)) != PROTO_OK)
		return status;
	audit_queue(r);
	record_issued(g, "implicit", NULL, r->ip, r->user_agent, 0);
	reply_tokens(&rep->u.follow_rep.id_token,
	    &rep->u.follow_rep.access_token, &rep->u.follow_rep.access_jti,
	    &rep->u.follow_rep.expires_in);
	return PROTO_OK;
}

/*
 * A followed link of an application that starts its own login: a login
 * grant, kept under a new cookie value in the browser that followed the
 * link, which the application's own request redeems (answer_authorize).
 */
static uint32_t
grant_login_start(const struct grant *g, struct audit_record *r,
    struct proto_msg *rep)
{
	char	 login_hash[SHA256_HEX_LEN + 1];

	if (grant_renew(g, GRANT_KIND_LOGIN, g->auth_time + conf->link_ttl,
	    login_out, login_hash, grant_out) == -1)
		return PROTO_ERR_INTERNAL;
	r->login_hash = login_hash;
	audit_queue(r);
	memcpy(hint_out, g->user_id, sizeof(hint_out));
	rep->u.follow_rep.login = proto_str(login_out);
	rep->u.follow_rep.login_hint = proto_str(hint_out);
	rep->u.follow_rep.grant = proto_str(grant_out);
	return PROTO_OK;
}

int
from_console(const struct grant *g)
{
	static const unsigned char	 none[GRANT_HASH_BYTES];

	return CRYPTO_memcmp(g->session_hash, none, sizeof(none)) != 0;
}

/*
 * Is the link of g followed in the console session it was asked for in?
 * A link of the API's was asked for in none, and goes anywhere.
 */
static int
in_its_session(const struct grant *g, struct proto_str session)
{
	unsigned char	 h[SHA256_LEN];

	if (!from_console(g))
		return 1;
	return session.len > 0 && sha256(session.p, session.len, h) == 0 &&
	    CRYPTO_memcmp(h, g->session_hash, sizeof(h)) == 0;
}

int
signed_out(const struct grant *g, long long now)
{
	return from_console(g) && redeemed_has(g->session_id, now);
}

/*
 * PROTO_FOLLOW: a link followed.  Its grant must be a link grant of the
 * signer's, for this ticket, alive and never redeemed; then the path's
 * impersonator and the policy as it is now decide, and the decision is
 * recorded.  Allowed, the code flow gets a code and its code grant, the
 * implicit flow the tokens, and an application that starts its own login
 * a login grant for the browser.
 */
uint32_t
answer_follow(const struct proto_msg *req, struct proto_msg *rep)
{
	const struct client_config	*app;
	struct policy_verdict		 v;
	struct grant			 g;
	struct audit_record		 r = {
					    .event = "impersonation.link_redeemed",
					    .outcome = "ok" };
	char	imp[PROTO_USER_ID_MAX + 1], id[SHA256_HEX_LEN + 1];
	char	ip[PROTO_IP_MAX + 1], agent[PROTO_AGENT_MAX + 1];
	char	link_hash[SHA256_HEX_LEN + 1];
	long long now = time(NULL);
	uint32_t status;

	if (grant_from_text(req->u.follow_req.grant, GRANT_KIND_LINK, &g) == -1 ||
	    !grant_travels_under(&g, req->u.follow_req.ticket) || g.exp <= now)
		return PROTO_ERR_INVALID_GRANT;
	if ((status = redeem(&g, now)) != PROTO_OK)
		return status;
	FIELD(imp, req->u.follow_req.impersonator_id);
	FIELD(ip, req->u.follow_req.ip);
	FIELD(agent, req->u.follow_req.user_agent);
	hex_encode(g.ticket_hash, sizeof(g.ticket_hash), link_hash);
	r.link_hash = link_hash;
	r.ip = ip;
	r.user_agent = agent;
	if (strcmp(imp, g.impersonator_id) != 0) {
		r.event = "impersonation.link_refused";
		return refused(&g, &r, "link_tampered", 400, LINK_INVALID, rep);
	}
	if (!in_its_session(&g, req->u.follow_req.session)) {
		r.event = "impersonation.link_refused";
		return refused(&g, &r, "session_mismatch", 403, ELSEWHERE, rep);
	}
	if (signed_out(&g, now)) {
		r.event = "impersonation.link_refused";
		return refused(&g, &r, "session_signed_out", 403, SIGNED_OUT,
		    rep);
	}
	if (policy_recheck(conf, g.client_id, g.callback_url,
	    g.response_type, g.impersonator_id, g.user_id,
	    g.approval_id[0] != '\0', &v) != 0) {
		r.event = "impersonation.link_refused";
		return refused(&g, &r, v.rule, 403, NO_LONGER, rep);
	}
	app = config_client(conf, g.client_id);
	g.auth_time = now;
	if ((status = session_begin(&g, rep)) != PROTO_OK ||
	    (status = webhook_event(WEBHOOK_STARTED, json_pack("{s:s, s:s, s:s,"
	    " s:s, s:s, s:s}", "sid", g.sid, "user_id", g.user_id,
	    "impersonator_id", g.impersonator_id, "client_id", g.client_id,
	    "caller", g.caller, "reason", g.reason), &rep->u.follow_rep.webhook,
	    &rep->u.follow_rep.webhook_grant)) != PROTO_OK)
		return status;
	record_of(&g, &r);
	grant_recorded(&g, &r, id);
	if (app->initiate_login_uri != NULL)
		return grant_login_start(&g, &r, rep);
	return grant_login(&g, app, &r, rep);
}

/*
 * PROTO_AUTHORIZE: the application's own request at /authorize, in the
 * browser that followed a link for it.  The login grant must be the
 * signer's, for this cookie and this application, alive and never
 * redeemed; then the request's redirect_uri and response_type and the
 * policy as they are now decide, and the decision is recorded.  Allowed,
 * the application's request is answered as the link's would have been,
 * with its redirect_uri, scope, nonce and PKCE challenge.
 */
uint32_t
answer_authorize(const struct proto_msg *req, struct proto_msg *rep)
{
	const struct client_config	*app;
	struct policy_verdict		 v;
	struct grant			 g;
	struct audit_record		 r = {
					    .event = "impersonation.authorized",
					    .outcome = "ok" };
	char	client[PROTO_CLIENT_ID_MAX + 1], id[SHA256_HEX_LEN + 1];
	char	redirect[PROTO_CALLBACK_MAX + 1], scope[PROTO_SCOPE_MAX + 1];
	char	nonce[PROTO_NONCE_MAX + 1];
	char	challenge[PROTO_CHALLENGE_MAX + 1];
	char	ip[PROTO_IP_MAX + 1], agent[PROTO_AGENT_MAX + 1];
	char	login_hash[SHA256_HEX_LEN + 1];
	const char *rule;
	long long now = time(NULL);
	int	response_type = (int)req->u.authorize_req.response_type;
	uint32_t status;

	FIELD(client, req->u.authorize_req.client_id);
	if (grant_from_text(req->u.authorize_req.grant, GRANT_KIND_LOGIN, &g) ==
	    -1 || !grant_travels_under(&g, req->u.authorize_req.login) ||
	    strcmp(client, g.client_id) != 0 || g.exp <= now)
		return PROTO_ERR_INVALID_GRANT;
	FIELD(redirect, req->u.authorize_req.redirect_uri);
	FIELD(scope, req->u.authorize_req.scope);
	FIELD(nonce, req->u.authorize_req.nonce);
	FIELD(challenge, req->u.authorize_req.code_challenge);
	/* What the front end checked of the request, checked again. */
	if ((app = config_client(conf, g.client_id)) == NULL ||
	    app->initiate_login_uri == NULL ||
	    policy_grant_of(response_type) == 0 ||
	    strspn(scope, " ") == strlen(scope) ||
	    (challenge[0] != '\0' && !pkce_is_challenge(challenge)) ||
	    (app->public_client && response_type == POLICY_RESPONSE_CODE &&
	    challenge[0] == '\0'))
		return PROTO_ERR_REQUEST;
	if ((status = redeem(&g, now)) != PROTO_OK)
		return status;
	FIELD(ip, req->u.authorize_req.ip);
	FIELD(agent, req->u.authorize_req.user_agent);
	hex_encode(g.ticket_hash, sizeof(g.ticket_hash), login_hash);
	r.login_hash = login_hash;
	r.ip = ip;
	r.user_agent = agent;
	if (signed_out(&g, now)) {
		r.event = "impersonation.authorize_refused";
		return refused(&g, &r, "session_signed_out", 403, SIGNED_OUT,
		    rep);
	}
	if ((rule = session_over(&g, now)) != NULL) {
		r.event = "impersonation.authorize_refused";
		return refused(&g, &r, rule, 403, ENDED, rep);
	}
	if (policy_recheck(conf, g.client_id, redirect, response_type,
	    g.impersonator_id, g.user_id, g.approval_id[0] != '\0', &v) != 0) {
		r.event = "impersonation.authorize_refused";
		return refused(&g, &r, v.rule, 403, NO_LONGER, rep);
	}
	record_of(&g, &r);
	grant_recorded(&g, &r, id);
	r.grant = response_type == POLICY_RESPONSE_CODE ?
	    "authorization_code" : "implicit";
	g.response_type = response_type;
	memcpy(g.callback_url, redirect, sizeof(redirect));
	memcpy(g.scope, scope, sizeof(scope));
	memcpy(g.nonce, nonce, sizeof(nonce));
	memcpy(g.code_challenge, challenge, sizeof(challenge));
	rep->u.follow_rep.sid = session_sid(&g);
	return grant_login(&g, app, &r, rep);
}

/*
 * A code grant presented by an authenticated client: 0 with *g and *app,
 * or the status that refuses it.  A code grant is the client's, for the
 * code it travels under.
 */
static uint32_t
code_grant(const struct proto_msg *req, struct grant *g,
    const struct client_config **app)
{
	if ((*app = answer_client(req->u.code_req.client_id,
	    req->u.code_req.secret)) == NULL)
		return PROTO_ERR_CLIENT;
	if (!((*app)->grant_types & GRANT_AUTHORIZATION_CODE) ||
	    !(*app)->allow_impersonation)
		return PROTO_ERR_GRANT;
	if (grant_from_text(req->u.code_req.grant, GRANT_KIND_CODE, g) == -1 ||
	    !grant_travels_under(g, req->u.code_req.code) ||
	    strcmp(g->client_id, (*app)->client_id) != 0)
		return PROTO_ERR_INVALID_GRANT;
	return PROTO_OK;
}

/*
 * PROTO_CODE_TOKENS: a code exchanged.  Its grant must be the client's,
 * for this code, redirect_uri and PKCE verifier (none when the code was
 * asked for without a challenge), alive and never redeemed; the policy as
 * it is now decides, and a refusal is recorded.
 */
uint32_t
answer_code_tokens(const struct proto_msg *req, struct proto_msg *rep)
{
	const struct client_config	*app;
	struct policy_verdict		 v;
	struct grant			 g;
	char	redirect[PROTO_CALLBACK_MAX + 1], code_hash[SHA256_HEX_LEN + 1];
	char	verifier[PROTO_CHALLENGE_MAX + 1];
	char	ip[PROTO_IP_MAX + 1], agent[PROTO_AGENT_MAX + 1];
	long long now = time(NULL);
	uint32_t status;

	if ((status = code_grant(req, &g, &app)) != PROTO_OK)
		return status;
	FIELD(redirect, req->u.code_req.redirect_uri);
	FIELD(verifier, req->u.code_req.code_verifier);
	/* A public client proves itself only by PKCE. */
	if (strcmp(redirect, g.callback_url) != 0 || g.exp <= now ||
	    !pkce_holds(g.code_challenge, verifier) ||
	    (app->public_client && g.code_challenge[0] == '\0'))
		return PROTO_ERR_INVALID_GRANT;
	if ((status = redeem(&g, now)) != PROTO_OK)
		return status;
	hex_encode(g.ticket_hash, sizeof(g.ticket_hash), code_hash);
	FIELD(ip, req->u.code_req.ip);
	FIELD(agent, req->u.code_req.user_agent);
	v.rule = signed_out(&g, now) ? "session_signed_out" :
	    session_over(&g, now);
	if (v.rule != NULL || policy_recheck(conf, g.client_id,
	    g.callback_url, g.response_type, g.impersonator_id, g.user_id,
	    g.approval_id[0] != '\0', &v) != 0) {
		struct audit_record	 r = { .event =
					    "impersonation.code_refused",
					    .outcome = "denied" };
		char			 id[SHA256_HEX_LEN + 1];

		record_of(&g, &r);
		grant_recorded(&g, &r, id);
		r.rule = v.rule;
		r.code_hash = code_hash;
		r.ip = ip;
		r.user_agent = agent;
		audit_queue(&r);
		return PROTO_ERR_INVALID_GRANT;
	}
	if ((status = login(&g, app, req->u.code_req.code, g.auth_time)) !=
	    PROTO_OK)
		return status;
	record_issued(&g, "authorization_code", code_hash, ip, agent, 1);
	reply_tokens(&rep->u.login_rep.id_token,
	    &rep->u.login_rep.access_token, &rep->u.login_rep.access_jti,
	    &rep->u.login_rep.expires_in);
	rep->u.login_rep.sid = session_sid(&g);
	return PROTO_OK;
}

/*
 * PROTO_CODE_REPLAYED: a redeemed code presented again by its own client
 * (with its PKCE verifier, when it was asked for with a challenge).
 * The record names who impersonated whom from the grant, and the access
 * token the front end says it revoked (its revocation list may be full);
 * it is the front end's observation.
 */
uint32_t
answer_code_replayed(const struct proto_msg *req, struct proto_msg *rep)
{
	const struct client_config	*app;
	struct grant			 g;
	struct audit_record		 r = {
					    .event = "impersonation.code_replayed",
					    .outcome = "denied" };
	char	code_hash[SHA256_HEX_LEN + 1];
	char	ip[PROTO_IP_MAX + 1], agent[PROTO_AGENT_MAX + 1];
	char	code[PROTO_CODE_MAX + 1], jti[JTI_LEN + 1];
	char	verifier[PROTO_CHALLENGE_MAX + 1];
	uint32_t status;

	(void)rep;
	if ((status = code_grant(req, &g, &app)) != PROTO_OK)
		return status;
	FIELD(verifier, req->u.code_req.code_verifier);
	/*
	 * Not redeemed: no replay to record.  A code asked for with a
	 * challenge is its client's only with the verifier (a public
	 * client's name proves nothing).
	 */
	if (!redeemed_has(g.id, time(NULL)) || (g.code_challenge[0] != '\0' &&
	    !pkce_holds(g.code_challenge, verifier)))
		return PROTO_ERR_REQUEST;
	FIELD(code, req->u.code_req.code);
	FIELD(ip, req->u.code_req.ip);
	FIELD(agent, req->u.code_req.user_agent);
	hex_encode(g.ticket_hash, sizeof(g.ticket_hash), code_hash);
	record_of(&g, &r);	/* redeemed before: no grant_id */
	/*
	 * Only the front end sees a replay: the signer vouches for the grant
	 * it names (who, as whom, the code), not for when, from where, or
	 * what the front end revoked.
	 */
	r.source = "frontend";
	r.caller = r.reason = NULL;
	r.code_hash = code_hash;
	if (req->u.code_req.revoked && jti_for_code(code, jti) == 0)
		r.revoked = jti;
	else
		r.detail = "the revocation list is full: nothing was revoked";
	r.ip = ip;
	r.user_agent = agent;
	audit_queue(&r);
	return PROTO_OK;
}
