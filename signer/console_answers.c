/*
 * The signer's answers for the support console (DESIGN.md section 7).
 *
 * A sign-in is begun here: the state, the nonce and the PKCE verifier are
 * drawn here and sealed into a sign-in grant, which the front end keeps
 * under the browser's sign-in cookie and which is redeemed once, when the
 * provider's id_token comes back with the state.  So a broken-into front
 * end that saw an id_token go by cannot present it again: the nonce it
 * must carry is that of a sign-in already redeemed.  The provider's token
 * endpoint is reached by the front end (the signer has no network), with
 * the client authentication made here: an assertion signed with guise's
 * own key, or the Basic header of the secret that only the signer reads.
 *
 * Signed in, the console session is a cookie value and a console grant
 * naming who signed in; every later request of the console presents both,
 * and the signer decides on the person the grant names.  A sign-out
 * redeems the grant, so it opens nothing afterwards.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "audit.h"
#include "audit_index.h"
#include "config.h"
#include "console_answers.h"
#include "console_idp.h"
#include "console_signin.h"
#include "grant_text.h"
#include "impersonation.h"
#include "log.h"
#include "policy.h"
#include "redeemed.h"
#include "roster.h"
#include "secrets.h"
#include "token.h"

/* How long a begun sign-in waits for the provider to send the person back. */
#define SIGNIN_TTL	600	/* seconds */

/* The scope of a login made at the console. */
#define CONSOLE_SCOPE	"openid profile email"

static const struct config	*conf;

/* What a reply points into: valid until the next request is answered. */
static char	 secret_out[SECRET_LEN + 1];
static char	 nonce_out[SECRET_LEN + 1];
static char	 challenge_out[B64URL_ENCODED_LEN(SHA256_LEN) + 1];
static char	 grant_out[PROTO_GRANT_MAX + 1];
static char	 verifier_out[PROTO_CHALLENGE_MAX + 1];
static char	 auth_out[PROTO_TOKEN_MAX + 1];
static char	 records_out[AUDIT_INDEX_OUT_MAX];

void
console_answers_init(const struct config *c)
{
	conf = c;
}

/*
 * PROTO_CONSOLE_BEGIN: a sign-in begun.  Nothing is decided yet, so
 * nothing is recorded; the grant carries the nonce and the verifier, and
 * travels under the state.
 */
uint32_t
answer_console_begin(const struct proto_msg *req, struct proto_msg *rep)
{
	unsigned char	 h[SHA256_LEN];
	struct grant	 g;
	char		 hash[SHA256_HEX_LEN + 1];

	(void)req;
	if (!conf->console.enabled)
		return PROTO_ERR_REQUEST;
	memset(&g, 0, sizeof(g));
	g.auth_time = time(NULL);
	/* 32 random bytes, base64url: a verifier of 43 unreserved chars. */
	if (secret_draw(nonce_out) == -1 ||
	    secret_draw(g.code_challenge) == -1 ||
	    sha256(g.code_challenge, strlen(g.code_challenge), h) == -1)
		return PROTO_ERR_INTERNAL;
	b64url_encode(challenge_out, h, sizeof(h));
	memcpy(g.nonce, nonce_out, sizeof(nonce_out));
	if (grant_renew(&g, GRANT_KIND_SIGNIN, g.auth_time + SIGNIN_TTL,
	    secret_out, hash, grant_out) == -1)
		return PROTO_ERR_INTERNAL;
	rep->u.begin_rep.state = proto_str(secret_out);
	rep->u.begin_rep.nonce = proto_str(nonce_out);
	rep->u.begin_rep.code_challenge = proto_str(challenge_out);
	rep->u.begin_rep.grant = proto_str(grant_out);
	return PROTO_OK;
}

/* The sign-in grant under state, alive: 0, or -1. */
static int
signin_grant(struct proto_str state, struct proto_str text, struct grant *g,
    long long now)
{
	return grant_from_text(text, GRANT_KIND_SIGNIN, g) == -1 ||
	    !grant_travels_under(g, state) || g->exp <= now ? -1 : 0;
}

/* RFC 6749 section 2.3.1: form-urlencoded before base64. */
static int
form_encode(const char *s, char *out, size_t outlen)
{
	static const char	 hexd[] = "0123456789ABCDEF";
	size_t			 n = 0;

	for (; *s != '\0'; s++) {
		unsigned char	 c = (unsigned char)*s;

		if (n + 4 > outlen)
			return -1;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL)
			out[n++] = (char)c;
		else {
			out[n++] = '%';
			out[n++] = hexd[c >> 4];
			out[n++] = hexd[c & 15];
		}
	}
	out[n] = '\0';
	return 0;
}

/* "Basic " and base64 of client_id:secret, into auth_out. */
static int
basic_header(const char *client_id, const char *secret)
{
	char	 pair[3 * (PROTO_CLIENT_ID_MAX + PROTO_SECRET_MAX) + 2];
	char	 id[3 * PROTO_CLIENT_ID_MAX + 1], pw[3 * PROTO_SECRET_MAX + 1];
	size_t	 len;

	if (form_encode(client_id, id, sizeof(id)) == -1 ||
	    form_encode(secret, pw, sizeof(pw)) == -1)
		return -1;
	len = (size_t)snprintf(pair, sizeof(pair), "%s:%s", id, pw);
	if (len >= sizeof(pair) || 6 + 4 * (len / 3 + 1) >= PROTO_AUTHORIZATION_MAX)
		return -1;
	memcpy(auth_out, "Basic ", 6);
	EVP_EncodeBlock((unsigned char *)auth_out + 6,
	    (const unsigned char *)pair, (int)len);
	OPENSSL_cleanse(pair, sizeof(pair));
	OPENSSL_cleanse(pw, sizeof(pw));
	return 0;
}

/*
 * PROTO_CONSOLE_IDP_AUTH: the code came back with the state; the front end
 * is about to exchange it.  For a sign-in of the signer's that is still
 * open: its verifier, and the client's authentication.
 */
uint32_t
answer_console_idp_auth(const struct proto_msg *req, struct proto_msg *rep)
{
	const char	*secret;
	struct grant	 g;
	long long	 now = time(NULL);
	long		 n;

	if (!conf->console.enabled)
		return PROTO_ERR_REQUEST;
	if (signin_grant(req->u.idp_auth_req.state, req->u.idp_auth_req.grant,
	    &g, now) == -1 || redeemed_has(g.id, now))
		return PROTO_ERR_INVALID_GRANT;
	memcpy(verifier_out, g.code_challenge, sizeof(g.code_challenge));
	rep->u.idp_auth_rep.code_verifier = proto_str(verifier_out);
	if (conf->console.idp_auth == IDP_AUTH_PRIVATE_KEY_JWT) {
		if ((n = token_client_assertion(conf->console.idp_client_id,
		    conf->console.idp_issuer, auth_out, sizeof(auth_out))) == -1)
			return PROTO_ERR_INTERNAL;
		rep->u.idp_auth_rep.assertion = proto_str(auth_out);
		return PROTO_OK;
	}
	if ((secret = secrets_console_idp()) == NULL ||
	    basic_header(conf->console.idp_client_id, secret) == -1)
		return PROTO_ERR_INTERNAL;
	rep->u.idp_auth_rep.authorization = proto_str(auth_out);
	return PROTO_OK;
}

/*
 * PROTO_CONSOLE_SIGNIN: the provider's id_token for the sign-in under the
 * state.  The sign-in is redeemed whatever follows: it is used once.  A
 * token that does not hold (or carries another sign-in's nonce) proves
 * nobody and is refused without a record (the front end counts such
 * refusals); a person it proves is recorded, allowed or refused
 * (console_signin.c).  Allowed, the console session is a new secret, the
 * browser's cookie, and a console grant under it that names who signed in.
 */
uint32_t
answer_console_signin(const struct proto_msg *req, struct proto_msg *rep)
{
	static char		 token[PROTO_ID_TOKEN_MAX + 1];
	struct console_signin	 s;
	struct policy_verdict	 v;
	struct audit_record	 r = { .event = "console.signin" };
	struct grant		 g, session;
	char	ip[PROTO_IP_MAX + 1], agent[PROTO_AGENT_MAX + 1];
	char	session_hash[SHA256_HEX_LEN + 1], id[SHA256_HEX_LEN + 1];
	char	detail[2 * PROTO_USER_ID_MAX + 64];
	const char *why;
	long long now = time(NULL);
	uint32_t status;

	if (!conf->console.enabled)
		return PROTO_ERR_REQUEST;
	if (signin_grant(req->u.signin_req.state, req->u.signin_req.grant, &g,
	    now) == -1)
		return PROTO_ERR_INVALID_GRANT;
	if ((status = grant_redeem(&g, g.exp, now)) != PROTO_OK)
		return status;
	FIELD(token, req->u.signin_req.id_token);
	if (console_signin(conf, console_idp_keys(), token, strlen(token),
	    g.nonce, (time_t)now, &s, &v, &why) == -1)
		return PROTO_ERR_INVALID_GRANT;
	FIELD(ip, req->u.signin_req.ip);
	FIELD(agent, req->u.signin_req.user_agent);
	snprintf(detail, sizeof(detail), "provider sub %s, email %s%s",
	    s.id.sub, s.id.email[0] != '\0' ? s.id.email : "none",
	    s.id.email[0] != '\0' && !s.id.email_verified ?
	    " (not verified)" : "");
	r.impersonator_id = s.staff != NULL ? s.staff->user_id : NULL;
	r.detail = detail;
	grant_recorded(&g, &r, id);
	r.ip = ip;
	r.user_agent = agent;
	if (v.status != 0) {
		r.outcome = "denied";
		r.rule = v.rule;
		audit_queue(&r);
		rep->u.signin_rep.rule = proto_str(v.rule);
		rep->u.signin_rep.refusal = (uint32_t)v.status;
		rep->u.signin_rep.message = proto_str(v.message);
		return PROTO_OK;
	}
	memset(&session, 0, sizeof(session));
	session.auth_time = now;
	memcpy(session.impersonator_id, s.staff->user_id,
	    strlen(s.staff->user_id) + 1);
	if (grant_renew(&session, GRANT_KIND_CONSOLE,
	    now + conf->console.session_ttl, secret_out, session_hash,
	    grant_out) == -1)
		return PROTO_ERR_INTERNAL;
	r.outcome = "ok";
	r.login_hash = session_hash;
	audit_queue(&r);
	/* The roster's own strings, which live past the reply's encoding;
	 * an email longer than the field is left out, not cut. */
	rep->u.signin_rep.user_id = proto_str(s.staff->user_id);
	rep->u.signin_rep.email = proto_str(s.staff->email != NULL &&
	    strlen(s.staff->email) <= PROTO_USER_ID_MAX ? s.staff->email : "");
	rep->u.signin_rep.session = proto_str(secret_out);
	rep->u.signin_rep.grant = proto_str(grant_out);
	return PROTO_OK;
}

int
console_session(struct proto_str cookie, struct proto_str text,
    struct grant *g, long long now)
{
	const struct user	*u;

	if (grant_from_text(text, GRANT_KIND_CONSOLE, g) == -1 ||
	    !grant_travels_under(g, cookie) || g->exp <= now ||
	    redeemed_has(g->id, now))
		return -1;
	return (u = roster_user(g->impersonator_id)) != NULL &&
	    !u->blocked && (policy_may_impersonate(conf, u) ||
	    policy_may_approve(conf, u)) ? 0 : -1;
}

/*
 * PROTO_CONSOLE_LINK: a link asked for at the console, for the person the
 * console grant names, into an application that allows impersonation;
 * decided as the API's (link_decide), and bound to the console session:
 * only a browser that holds its cookie can follow it.
 */
uint32_t
answer_console_link(const struct proto_msg *req, struct proto_msg *rep)
{
	const struct client_config	*app;
	struct grant			 session, g;
	char	ip[PROTO_IP_MAX + 1], agent[PROTO_AGENT_MAX + 1];

	if (!conf->console.enabled)
		return PROTO_ERR_REQUEST;
	if (console_session(req->u.console_req.session,
	    req->u.console_req.grant, &session, time(NULL)) == -1)
		return PROTO_ERR_INVALID_GRANT;
	memset(&g, 0, sizeof(g));
	FIELD(g.user_id, req->u.console_req.user_id);
	FIELD(g.client_id, req->u.console_req.client_id);
	FIELD(g.reason, req->u.console_req.reason);
	memcpy(g.impersonator_id, session.impersonator_id,
	    sizeof(g.impersonator_id));
	memcpy(g.caller, "console", sizeof("console"));
	memcpy(g.scope, CONSOLE_SCOPE, sizeof(CONSOLE_SCOPE));
	/* The application's first callback, by the code flow if it has it. */
	if ((app = config_client(conf, g.client_id)) == NULL ||
	    app->callbacks.n == 0 || g.user_id[0] == '\0' ||
	    (g.reason[0] == '\0' && conf->require_reason))
		return PROTO_ERR_REQUEST;
	g.response_type = app->grant_types & GRANT_AUTHORIZATION_CODE ?
	    POLICY_RESPONSE_CODE : POLICY_RESPONSE_TOKEN;
	if (!(app->grant_types & policy_grant_of(g.response_type)))
		return PROTO_ERR_REQUEST;
	memcpy(g.callback_url, app->callbacks.v[0],
	    strlen(app->callbacks.v[0]) + 1);
	if (sha256(req->u.console_req.session.p,
	    req->u.console_req.session.len, g.session_hash) == -1)
		return PROTO_ERR_INTERNAL;
	memcpy(g.session_id, session.id, sizeof(g.session_id));
	FIELD(ip, req->u.console_req.ip);
	FIELD(agent, req->u.console_req.user_agent);
	return link_decide(&g, app, NULL, ip, agent, rep);
}

/*
 * PROTO_CONSOLE_AUDIT: the recent impersonation records (audit_index.c),
 * for a console session.
 */
uint32_t
answer_console_audit(const struct proto_msg *req, struct proto_msg *rep)
{
	struct audit_query	 q;
	struct grant		 session;
	char	imp[PROTO_USER_ID_MAX + 1], user[PROTO_USER_ID_MAX + 1];

	if (!conf->console.enabled)
		return PROTO_ERR_REQUEST;
	if (console_session(req->u.audit_req.session, req->u.audit_req.grant,
	    &session, time(NULL)) == -1)
		return PROTO_ERR_INVALID_GRANT;
	memset(&q, 0, sizeof(q));
	if (FIELD(imp, req->u.audit_req.impersonator_id) == -1 ||
	    FIELD(user, req->u.audit_req.user_id) == -1)
		return PROTO_ERR_REQUEST;
	q.impersonator_id = imp;
	q.user_id = user;
	q.since = req->u.audit_req.since;
	q.until = req->u.audit_req.until;
	q.limit = (int)req->u.audit_req.limit;
	if (audit_index_query(&q, records_out, sizeof(records_out)) == -1)
		return PROTO_ERR_REQUEST;
	rep->u.audit_rep.records = proto_str(records_out);
	return PROTO_OK;
}

/*
 * PROTO_CONSOLE_SIGNOUT: the person signed out.  The grant is redeemed
 * (nothing presents it again) and the sign-out recorded.
 */
uint32_t
answer_console_signout(const struct proto_msg *req, struct proto_msg *rep)
{
	struct audit_record	 r = { .event = "console.signout",
				    .outcome = "ok" };
	struct grant		 session;
	char	ip[PROTO_IP_MAX + 1], agent[PROTO_AGENT_MAX + 1];
	char	session_hash[SHA256_HEX_LEN + 1], id[SHA256_HEX_LEN + 1];
	long long now = time(NULL);
	uint32_t status;

	(void)rep;
	if (!conf->console.enabled)
		return PROTO_ERR_REQUEST;
	if (grant_from_text(req->u.console_req.grant, GRANT_KIND_CONSOLE,
	    &session) == -1 ||
	    !grant_travels_under(&session, req->u.console_req.session) ||
	    session.exp <= now)
		return PROTO_ERR_INVALID_GRANT;
	if ((status = grant_redeem(&session, session.exp, now)) != PROTO_OK)
		return status;
	FIELD(ip, req->u.console_req.ip);
	FIELD(agent, req->u.console_req.user_agent);
	hex_encode(session.ticket_hash, sizeof(session.ticket_hash),
	    session_hash);
	r.impersonator_id = session.impersonator_id;
	r.login_hash = session_hash;
	grant_recorded(&session, &r, id);
	r.ip = ip;
	r.user_agent = agent;
	audit_queue(&r);
	return PROTO_OK;
}
