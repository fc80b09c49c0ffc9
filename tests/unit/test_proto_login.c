/*
 * The signer protocol's impersonation messages (link, follow, authorize,
 * code_tokens, code_replayed, observed, the console's, session_end,
 * webhook_sign, approval_decide, approval_link, approval_expire),
 * client_auth and the client_token request: round trips of
 * each (the webhook events of link, follow and end replies last, an
 * observed delivery's sid and detail after count), the
 * frame's layout field by field (response_type between callback_url or
 * redirect_uri and scope, login and login_hint between code and grant,
 * code_verifier between redirect_uri and revoked, revoked between
 * code_verifier and ip, refusal between rule and message, a session's sid
 * after expires_in and its session_exp last, cause between grant and
 * bearer), every field at its maximum and one byte
 * over, error replies that carry a body, one type's body labelled as
 * another's, replies that may have no body, and every prefix of a valid
 * frame refused.  Frames are decoded from a heap copy of exactly their
 * length and encoded into a heap buffer of exactly the length given, so an
 * over-read or an over-write shows up under valgrind and ASan.
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
 * The messages under test.  Their fields are listed here once more, in
 * wire order, independently of proto.c's tables, so that every field can
 * be tested at its maximum and one byte over it, every frame built by
 * hand, and every decoded view checked against the place in the frame
 * where this list says it is.
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

static const struct sfield link_req_f[] = {
	SFIELD("bearer", u.link_req.bearer, PROTO_TOKEN_MAX),
	SFIELD("user_id", u.link_req.user_id, PROTO_USER_ID_MAX),
	SFIELD("impersonator_id", u.link_req.impersonator_id,
	    PROTO_USER_ID_MAX),
	SFIELD("client_id", u.link_req.client_id, PROTO_CLIENT_ID_MAX),
	SFIELD("callback_url", u.link_req.callback_url, PROTO_CALLBACK_MAX),
	UFIELD("response_type", u.link_req.response_type),
	SFIELD("scope", u.link_req.scope, PROTO_SCOPE_MAX),
	SFIELD("nonce", u.link_req.nonce, PROTO_NONCE_MAX),
	SFIELD("reason", u.link_req.reason, PROTO_REASON_MAX),
	SFIELD("ip", u.link_req.ip, PROTO_IP_MAX),
	SFIELD("user_agent", u.link_req.user_agent, PROTO_AGENT_MAX)
};

static const struct sfield link_rep_f[] = {
	SFIELD("rule", u.link_rep.rule, PROTO_EVENT_MAX),
	UFIELD("refusal", u.link_rep.refusal),
	SFIELD("message", u.link_rep.message, PROTO_MESSAGE_MAX),
	SFIELD("ticket", u.link_rep.ticket, PROTO_TICKET_MAX),
	SFIELD("grant", u.link_rep.grant, PROTO_GRANT_MAX),
	SFIELD("callback_url", u.link_rep.callback_url, PROTO_CALLBACK_MAX),
	SFIELD("webhook", u.link_rep.webhook, PROTO_WEBHOOK_MAX),
	SFIELD("webhook_grant", u.link_rep.webhook_grant, PROTO_GRANT_MAX),
	SFIELD("approval_id", u.link_rep.approval_id, PROTO_APPROVAL_ID_MAX)
};

static const struct sfield follow_req_f[] = {
	SFIELD("ticket", u.follow_req.ticket, PROTO_TICKET_MAX),
	SFIELD("grant", u.follow_req.grant, PROTO_GRANT_MAX),
	SFIELD("impersonator_id", u.follow_req.impersonator_id,
	    PROTO_USER_ID_MAX),
	SFIELD("session", u.follow_req.session, PROTO_LOGIN_MAX),
	SFIELD("ip", u.follow_req.ip, PROTO_IP_MAX),
	SFIELD("user_agent", u.follow_req.user_agent, PROTO_AGENT_MAX)
};

static const struct sfield follow_rep_f[] = {
	SFIELD("rule", u.follow_rep.rule, PROTO_EVENT_MAX),
	UFIELD("refusal", u.follow_rep.refusal),
	SFIELD("message", u.follow_rep.message, PROTO_MESSAGE_MAX),
	SFIELD("code", u.follow_rep.code, PROTO_CODE_MAX),
	SFIELD("login", u.follow_rep.login, PROTO_LOGIN_MAX),
	SFIELD("login_hint", u.follow_rep.login_hint, PROTO_USER_ID_MAX),
	SFIELD("grant", u.follow_rep.grant, PROTO_GRANT_MAX),
	SFIELD("id_token", u.follow_rep.id_token, PROTO_ID_TOKEN_MAX),
	SFIELD("access_token", u.follow_rep.access_token, PROTO_TOKEN_MAX),
	SFIELD("access_jti", u.follow_rep.access_jti, PROTO_JTI_MAX),
	UFIELD("expires_in", u.follow_rep.expires_in),
	SFIELD("sid", u.follow_rep.sid, PROTO_SID_MAX),
	SFIELD("session", u.follow_rep.session, PROTO_GRANT_MAX),
	SFIELD("user_id", u.follow_rep.user_id, PROTO_USER_ID_MAX),
	SFIELD("impersonator_id", u.follow_rep.impersonator_id,
	    PROTO_USER_ID_MAX),
	SFIELD("reason", u.follow_rep.reason, PROTO_REASON_MAX),
	UFIELD("session_exp", u.follow_rep.session_exp),
	SFIELD("webhook", u.follow_rep.webhook, PROTO_WEBHOOK_MAX),
	SFIELD("webhook_grant", u.follow_rep.webhook_grant, PROTO_GRANT_MAX)
};

static const struct sfield signin_req_f[] = {
	SFIELD("state", u.signin_req.state, PROTO_TICKET_MAX),
	SFIELD("grant", u.signin_req.grant, PROTO_GRANT_MAX),
	SFIELD("id_token", u.signin_req.id_token, PROTO_ID_TOKEN_MAX),
	SFIELD("ip", u.signin_req.ip, PROTO_IP_MAX),
	SFIELD("user_agent", u.signin_req.user_agent, PROTO_AGENT_MAX)
};

static const struct sfield signin_rep_f[] = {
	SFIELD("rule", u.signin_rep.rule, PROTO_EVENT_MAX),
	UFIELD("refusal", u.signin_rep.refusal),
	SFIELD("message", u.signin_rep.message, PROTO_MESSAGE_MAX),
	SFIELD("user_id", u.signin_rep.user_id, PROTO_USER_ID_MAX),
	SFIELD("email", u.signin_rep.email, PROTO_USER_ID_MAX),
	SFIELD("session", u.signin_rep.session, PROTO_LOGIN_MAX),
	SFIELD("grant", u.signin_rep.grant, PROTO_GRANT_MAX)
};

static const struct sfield begin_rep_f[] = {
	SFIELD("state", u.begin_rep.state, PROTO_TICKET_MAX),
	SFIELD("nonce", u.begin_rep.nonce, PROTO_NONCE_MAX),
	SFIELD("code_challenge", u.begin_rep.code_challenge,
	    PROTO_CHALLENGE_MAX),
	SFIELD("grant", u.begin_rep.grant, PROTO_GRANT_MAX)
};

static const struct sfield idp_auth_req_f[] = {
	SFIELD("state", u.idp_auth_req.state, PROTO_TICKET_MAX),
	SFIELD("grant", u.idp_auth_req.grant, PROTO_GRANT_MAX)
};

static const struct sfield idp_auth_rep_f[] = {
	SFIELD("code_verifier", u.idp_auth_rep.code_verifier,
	    PROTO_CHALLENGE_MAX),
	SFIELD("assertion", u.idp_auth_rep.assertion, PROTO_TOKEN_MAX),
	SFIELD("authorization", u.idp_auth_rep.authorization,
	    PROTO_AUTHORIZATION_MAX)
};

/* Both console_link and console_signout requests. */
static const struct sfield console_req_f[] = {
	SFIELD("session", u.console_req.session, PROTO_LOGIN_MAX),
	SFIELD("grant", u.console_req.grant, PROTO_GRANT_MAX),
	SFIELD("user_id", u.console_req.user_id, PROTO_USER_ID_MAX),
	SFIELD("client_id", u.console_req.client_id, PROTO_CLIENT_ID_MAX),
	SFIELD("reason", u.console_req.reason, PROTO_REASON_MAX),
	SFIELD("ip", u.console_req.ip, PROTO_IP_MAX),
	SFIELD("user_agent", u.console_req.user_agent, PROTO_AGENT_MAX)
};

static const struct sfield audit_req_f[] = {
	SFIELD("session", u.audit_req.session, PROTO_LOGIN_MAX),
	SFIELD("grant", u.audit_req.grant, PROTO_GRANT_MAX),
	SFIELD("impersonator_id", u.audit_req.impersonator_id,
	    PROTO_USER_ID_MAX),
	SFIELD("user_id", u.audit_req.user_id, PROTO_USER_ID_MAX),
	UFIELD("since", u.audit_req.since),
	UFIELD("until", u.audit_req.until),
	UFIELD("limit", u.audit_req.limit)
};

static const struct sfield audit_rep_f[] = {
	SFIELD("records", u.audit_rep.records, PROTO_RECORDS_MAX)
};

static const struct sfield authorize_req_f[] = {
	SFIELD("login", u.authorize_req.login, PROTO_LOGIN_MAX),
	SFIELD("grant", u.authorize_req.grant, PROTO_GRANT_MAX),
	SFIELD("client_id", u.authorize_req.client_id, PROTO_CLIENT_ID_MAX),
	SFIELD("redirect_uri", u.authorize_req.redirect_uri,
	    PROTO_CALLBACK_MAX),
	UFIELD("response_type", u.authorize_req.response_type),
	SFIELD("scope", u.authorize_req.scope, PROTO_SCOPE_MAX),
	SFIELD("nonce", u.authorize_req.nonce, PROTO_NONCE_MAX),
	SFIELD("code_challenge", u.authorize_req.code_challenge,
	    PROTO_CHALLENGE_MAX),
	SFIELD("ip", u.authorize_req.ip, PROTO_IP_MAX),
	SFIELD("user_agent", u.authorize_req.user_agent, PROTO_AGENT_MAX)
};

/* Both code_tokens and code_replayed requests. */
static const struct sfield code_req_f[] = {
	SFIELD("client_id", u.code_req.client_id, PROTO_CLIENT_ID_MAX),
	SFIELD("secret", u.code_req.secret, PROTO_SECRET_MAX),
	SFIELD("code", u.code_req.code, PROTO_CODE_MAX),
	SFIELD("grant", u.code_req.grant, PROTO_GRANT_MAX),
	SFIELD("redirect_uri", u.code_req.redirect_uri, PROTO_CALLBACK_MAX),
	SFIELD("code_verifier", u.code_req.code_verifier,
	    PROTO_CHALLENGE_MAX),
	UFIELD("revoked", u.code_req.revoked),
	SFIELD("ip", u.code_req.ip, PROTO_IP_MAX),
	SFIELD("user_agent", u.code_req.user_agent, PROTO_AGENT_MAX)
};

static const struct sfield login_rep_f[] = {
	SFIELD("id_token", u.login_rep.id_token, PROTO_ID_TOKEN_MAX),
	SFIELD("access_token", u.login_rep.access_token, PROTO_TOKEN_MAX),
	SFIELD("access_jti", u.login_rep.access_jti, PROTO_JTI_MAX),
	UFIELD("expires_in", u.login_rep.expires_in),
	SFIELD("sid", u.login_rep.sid, PROTO_SID_MAX)
};

static const struct sfield end_req_f[] = {
	SFIELD("sid", u.end_req.sid, PROTO_SID_MAX),
	SFIELD("grant", u.end_req.grant, PROTO_GRANT_MAX),
	UFIELD("cause", u.end_req.cause),
	SFIELD("bearer", u.end_req.bearer, PROTO_TOKEN_MAX),
	SFIELD("session", u.end_req.session, PROTO_LOGIN_MAX),
	SFIELD("console_grant", u.end_req.console_grant, PROTO_GRANT_MAX),
	SFIELD("ip", u.end_req.ip, PROTO_IP_MAX),
	SFIELD("user_agent", u.end_req.user_agent, PROTO_AGENT_MAX)
};

static const struct sfield end_rep_f[] = {
	SFIELD("logout_token", u.end_rep.logout_token, PROTO_TOKEN_MAX),
	SFIELD("webhook", u.end_rep.webhook, PROTO_WEBHOOK_MAX),
	SFIELD("webhook_grant", u.end_rep.webhook_grant, PROTO_GRANT_MAX)
};

static const struct sfield webhook_req_f[] = {
	SFIELD("url", u.webhook_req.url, PROTO_URL_MAX),
	SFIELD("body", u.webhook_req.body, PROTO_WEBHOOK_MAX),
	SFIELD("grant", u.webhook_req.grant, PROTO_GRANT_MAX)
};

static const struct sfield webhook_rep_f[] = {
	SFIELD("id", u.webhook_rep.id, PROTO_JTI_MAX),
	UFIELD("timestamp", u.webhook_rep.timestamp),
	SFIELD("signature", u.webhook_rep.signature, PROTO_MESSAGE_MAX)
};

static const struct sfield observed_req_f[] = {
	UFIELD("what", u.observed_req.what),
	SFIELD("client_id", u.observed_req.client_id, PROTO_CLIENT_ID_MAX),
	SFIELD("ip", u.observed_req.ip, PROTO_IP_MAX),
	UFIELD("count", u.observed_req.count),
	SFIELD("sid", u.observed_req.sid, PROTO_SID_MAX),
	SFIELD("detail", u.observed_req.detail, PROTO_MESSAGE_MAX)
};

static const struct sfield auth_req_f[] = {
	SFIELD("client_id", u.auth_req.client_id, PROTO_CLIENT_ID_MAX),
	SFIELD("secret", u.auth_req.secret, PROTO_SECRET_MAX)
};

static const struct sfield revoke_req_f[] = {
	SFIELD("client_id", u.revoke_req.client_id, PROTO_CLIENT_ID_MAX),
	SFIELD("secret", u.revoke_req.secret, PROTO_SECRET_MAX),
	SFIELD("token", u.revoke_req.token, PROTO_TOKEN_MAX),
	UFIELD("revoked", u.revoke_req.revoked),
	SFIELD("ip", u.revoke_req.ip, PROTO_IP_MAX),
	SFIELD("user_agent", u.revoke_req.user_agent, PROTO_AGENT_MAX)
};

static const struct sfield revoke_rep_f[] = {
	SFIELD("jti", u.revoke_rep.jti, PROTO_JTI_MAX),
	UFIELD("exp", u.revoke_rep.exp)
};

static const struct sfield approval_req_f[] = {
	SFIELD("approval_id", u.approval_req.approval_id,
	    PROTO_APPROVAL_ID_MAX),
	SFIELD("grant", u.approval_req.grant, PROTO_GRANT_MAX),
	SFIELD("bearer", u.approval_req.bearer, PROTO_TOKEN_MAX),
	SFIELD("session", u.approval_req.session, PROTO_LOGIN_MAX),
	SFIELD("console_grant", u.approval_req.console_grant,
	    PROTO_GRANT_MAX),
	UFIELD("approve", u.approval_req.approve),
	SFIELD("approver_id", u.approval_req.approver_id, PROTO_USER_ID_MAX),
	SFIELD("ip", u.approval_req.ip, PROTO_IP_MAX),
	SFIELD("user_agent", u.approval_req.user_agent, PROTO_AGENT_MAX)
};

static const struct sfield approval_rep_f[] = {
	SFIELD("rule", u.approval_rep.rule, PROTO_EVENT_MAX),
	UFIELD("refusal", u.approval_rep.refusal),
	SFIELD("message", u.approval_rep.message, PROTO_MESSAGE_MAX),
	SFIELD("grant", u.approval_rep.grant, PROTO_GRANT_MAX)
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
	FORM_LINK_REQ,
	FORM_LINK_REP,
	FORM_FOLLOW_REQ,
	FORM_FOLLOW_REP,
	FORM_AUTHORIZE_REQ,
	FORM_AUTHORIZE_REP,
	FORM_CODE_REQ,
	FORM_CODE_REP,
	FORM_REPLAYED_REQ,
	FORM_OBSERVED_REQ,
	FORM_AUTH_REQ,
	FORM_TOKEN_REQ,
	FORM_SIGNIN_REQ,
	FORM_SIGNIN_REP,
	FORM_BEGIN_REP,
	FORM_IDP_AUTH_REQ,
	FORM_IDP_AUTH_REP,
	FORM_CONSOLE_LINK_REQ,
	FORM_CONSOLE_LINK_REP,
	FORM_AUDIT_REQ,
	FORM_AUDIT_REP,
	FORM_SIGNOUT_REQ,
	FORM_END_REQ,
	FORM_END_REP,
	FORM_WEBHOOK_REQ,
	FORM_WEBHOOK_REP,
	FORM_REVOKE_REQ,
	FORM_REVOKE_REP,
	FORM_DECIDE_REQ,
	FORM_DECIDE_REP,
	FORM_APPROVAL_LINK_REQ,
	FORM_APPROVAL_LINK_REP,
	FORM_EXPIRE_REQ,
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
	[FORM_LINK_REQ] = { "link request", PROTO_LINK, PROTO_REQUEST,
	    link_req_f, NELEM(link_req_f) },
	[FORM_LINK_REP] = { "link reply", PROTO_LINK, PROTO_REPLY,
	    link_rep_f, NELEM(link_rep_f) },
	[FORM_FOLLOW_REQ] = { "follow request", PROTO_FOLLOW, PROTO_REQUEST,
	    follow_req_f, NELEM(follow_req_f) },
	[FORM_FOLLOW_REP] = { "follow reply", PROTO_FOLLOW, PROTO_REPLY,
	    follow_rep_f, NELEM(follow_rep_f) },
	/* The reply is a follow reply's: a code, or the tokens. */
	[FORM_AUTHORIZE_REQ] = { "authorize request", PROTO_AUTHORIZE,
	    PROTO_REQUEST, authorize_req_f, NELEM(authorize_req_f) },
	[FORM_AUTHORIZE_REP] = { "authorize reply", PROTO_AUTHORIZE,
	    PROTO_REPLY, follow_rep_f, NELEM(follow_rep_f) },
	[FORM_CODE_REQ] = { "code_tokens request", PROTO_CODE_TOKENS,
	    PROTO_REQUEST, code_req_f, NELEM(code_req_f) },
	[FORM_CODE_REP] = { "code_tokens reply", PROTO_CODE_TOKENS,
	    PROTO_REPLY, login_rep_f, NELEM(login_rep_f) },
	[FORM_REPLAYED_REQ] = { "code_replayed request", PROTO_CODE_REPLAYED,
	    PROTO_REQUEST, code_req_f, NELEM(code_req_f) },
	[FORM_OBSERVED_REQ] = { "observed request", PROTO_OBSERVED,
	    PROTO_REQUEST, observed_req_f, NELEM(observed_req_f) },
	[FORM_AUTH_REQ] = { "client_auth request", PROTO_CLIENT_AUTH,
	    PROTO_REQUEST, auth_req_f, NELEM(auth_req_f) },
	[FORM_TOKEN_REQ] = { "client_token request", PROTO_CLIENT_TOKEN,
	    PROTO_REQUEST, token_req_f, NELEM(token_req_f) },
	[FORM_SIGNIN_REQ] = { "console_signin request", PROTO_CONSOLE_SIGNIN,
	    PROTO_REQUEST, signin_req_f, NELEM(signin_req_f) },
	[FORM_SIGNIN_REP] = { "console_signin reply", PROTO_CONSOLE_SIGNIN,
	    PROTO_REPLY, signin_rep_f, NELEM(signin_rep_f) },
	[FORM_BEGIN_REP] = { "console_begin reply", PROTO_CONSOLE_BEGIN,
	    PROTO_REPLY, begin_rep_f, NELEM(begin_rep_f) },
	[FORM_IDP_AUTH_REQ] = { "console_idp_auth request",
	    PROTO_CONSOLE_IDP_AUTH, PROTO_REQUEST, idp_auth_req_f,
	    NELEM(idp_auth_req_f) },
	[FORM_IDP_AUTH_REP] = { "console_idp_auth reply",
	    PROTO_CONSOLE_IDP_AUTH, PROTO_REPLY, idp_auth_rep_f,
	    NELEM(idp_auth_rep_f) },
	[FORM_CONSOLE_LINK_REQ] = { "console_link request",
	    PROTO_CONSOLE_LINK, PROTO_REQUEST, console_req_f,
	    NELEM(console_req_f) },
	/* The reply is a link reply's. */
	[FORM_CONSOLE_LINK_REP] = { "console_link reply", PROTO_CONSOLE_LINK,
	    PROTO_REPLY, link_rep_f, NELEM(link_rep_f) },
	[FORM_AUDIT_REQ] = { "console_audit request", PROTO_CONSOLE_AUDIT,
	    PROTO_REQUEST, audit_req_f, NELEM(audit_req_f) },
	[FORM_AUDIT_REP] = { "console_audit reply", PROTO_CONSOLE_AUDIT,
	    PROTO_REPLY, audit_rep_f, NELEM(audit_rep_f) },
	[FORM_SIGNOUT_REQ] = { "console_signout request",
	    PROTO_CONSOLE_SIGNOUT, PROTO_REQUEST, console_req_f,
	    NELEM(console_req_f) },
	[FORM_END_REQ] = { "session_end request", PROTO_SESSION_END,
	    PROTO_REQUEST, end_req_f, NELEM(end_req_f) },
	[FORM_END_REP] = { "session_end reply", PROTO_SESSION_END,
	    PROTO_REPLY, end_rep_f, NELEM(end_rep_f) },
	[FORM_WEBHOOK_REQ] = { "webhook_sign request", PROTO_WEBHOOK_SIGN,
	    PROTO_REQUEST, webhook_req_f, NELEM(webhook_req_f) },
	[FORM_WEBHOOK_REP] = { "webhook_sign reply", PROTO_WEBHOOK_SIGN,
	    PROTO_REPLY, webhook_rep_f, NELEM(webhook_rep_f) },
	[FORM_REVOKE_REQ] = { "revoke request", PROTO_REVOKE, PROTO_REQUEST,
	    revoke_req_f, NELEM(revoke_req_f) },
	[FORM_REVOKE_REP] = { "revoke reply", PROTO_REVOKE, PROTO_REPLY,
	    revoke_rep_f, NELEM(revoke_rep_f) },
	[FORM_DECIDE_REQ] = { "approval_decide request",
	    PROTO_APPROVAL_DECIDE, PROTO_REQUEST, approval_req_f,
	    NELEM(approval_req_f) },
	[FORM_DECIDE_REP] = { "approval_decide reply", PROTO_APPROVAL_DECIDE,
	    PROTO_REPLY, approval_rep_f, NELEM(approval_rep_f) },
	[FORM_APPROVAL_LINK_REQ] = { "approval_link request",
	    PROTO_APPROVAL_LINK, PROTO_REQUEST, approval_req_f,
	    NELEM(approval_req_f) },
	/* The reply is a link reply's. */
	[FORM_APPROVAL_LINK_REP] = { "approval_link reply",
	    PROTO_APPROVAL_LINK, PROTO_REPLY, link_rep_f, NELEM(link_rep_f) },
	/* The reply has no body. */
	[FORM_EXPIRE_REQ] = { "approval_expire request",
	    PROTO_APPROVAL_EXPIRE, PROTO_REQUEST, approval_req_f,
	    NELEM(approval_req_f) },
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

/* The most fields a form has (a follow reply's 19), with room to grow. */
#define FORM_FIELDS_MAX	24

/* The frame of a form with every field at its maximum, PROTO_FRAME_MAX or
 * not. */
static long
form_max_len(const struct msgform *fm)
{
	size_t	 i;
	long	 n = PROTO_HEADER_LEN;

	for (i = 0; i < fm->nf; i++)
		n += fm->f[i].u32 ? 4 : 2 + (long)fm->f[i].max;
	return n;
}

/*
 * Each field's length in the tests: its maximum, or len for field which.
 * A follow reply's maxima add up to more than PROTO_FRAME_MAX (the session
 * and its webhook event at theirs beside the tokens at theirs): then the
 * largest string but which gives way, as little as makes the frame
 * PROTO_FRAME_MAX exactly, then the next largest, and so on.
 */
static void
form_lens(const struct msgform *fm, size_t which, size_t len,
    size_t lens[FORM_FIELDS_MAX])
{
	size_t	 i, j, cut;
	long	 n = PROTO_HEADER_LEN;

	if (fm->nf > FORM_FIELDS_MAX)
		abort();
	for (i = 0; i < fm->nf; i++) {
		lens[i] = fm->f[i].u32 ? 0 : i == which ? len : fm->f[i].max;
		n += fm->f[i].u32 ? 4 : 2 + (long)lens[i];
	}
	while (n > PROTO_FRAME_MAX) {
		for (j = fm->nf, i = 0; i < fm->nf; i++)
			if (!fm->f[i].u32 && i != which && lens[i] > 0 &&
			    (j == fm->nf || lens[i] > lens[j]))
				j = i;
		if (j == fm->nf)
			abort();
		cut = lens[j] < (size_t)(n - PROTO_FRAME_MAX) ? lens[j] :
		    (size_t)(n - PROTO_FRAME_MAX);
		lens[j] -= cut;
		n -= (long)cut;
	}
}

/* Field i's length in the tests, as form_lens() has it. */
static size_t
form_len(const struct msgform *fm, size_t i, size_t which, size_t len)
{
	size_t	 lens[FORM_FIELDS_MAX];

	form_lens(fm, which, len, lens);
	return lens[i];
}

/* Integer i of form_msg: each its own, so that two cannot trade places. */
static uint32_t
form_u32(size_t i)
{
	return FORM_U32 + (uint32_t)i;
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
 * 'A' + i, integer i form_u32(i).
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
			*u32_at(m, fm->f[i].off) = form_u32(i);
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
			fr_u32(form_u32(i));
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

/*
 * Whether m holds form_msg's message with every field at its maximum (but
 * those that give way, at their form_lens()).
 */
static int
form_is_max(struct proto_msg *m, const struct msgform *fm)
{
	size_t	 i;

	for (i = 0; i < fm->nf; i++) {
		if (fm->f[i].u32) {
			if (*u32_at(m, fm->f[i].off) != form_u32(i))
				return 0;
		} else if (!str_all(*str_at(m, fm->f[i].off), 'A' + (int)i,
		    form_len(fm, i, NO_FIELD, 0)))
			return 0;
	}
	return 1;
}

static int
same(struct proto_str a, struct proto_str b)
{
	return str_is(a, b.p, b.len);
}

/* Whether a and b agree on every field of the form. */
static int
form_same(const struct msgform *fm, struct proto_msg *a, struct proto_msg *b)
{
	size_t	 i;

	for (i = 0; i < fm->nf; i++) {
		if (fm->f[i].u32) {
			if (*u32_at(a, fm->f[i].off) !=
			    *u32_at(b, fm->f[i].off)) {
				printf("# %s differs\n", fm->f[i].name);
				return 0;
			}
		} else if (!same(*str_at(a, fm->f[i].off),
		    *str_at(b, fm->f[i].off))) {
			printf("# %s differs\n", fm->f[i].name);
			return 0;
		}
	}
	return 1;
}

/* Whether every field of the form is absent from m: no view, integer 0. */
static int
form_empty(const struct msgform *fm, struct proto_msg *m)
{
	size_t	 i;

	for (i = 0; i < fm->nf; i++) {
		if (fm->f[i].u32) {
			if (*u32_at(m, fm->f[i].off) != 0)
				return 0;
		} else if (str_at(m, fm->f[i].off)->p != NULL ||
		    str_at(m, fm->f[i].off)->len != 0)
			return 0;
	}
	return 1;
}

/*
 * Whether m, decoded from the n bytes at copy, has each field where the
 * form puts it: walking the frame from the header, each integer is there
 * big-endian, each string's length is there and its view points just
 * after it; the last field ends the frame.
 */
static int
form_layout_ok(const struct msgform *fm, struct proto_msg *m,
    const uint8_t *copy, long n)
{
	const struct proto_str	*s;
	const uint8_t		*p, *end;
	size_t			 i;

	if (copy == NULL || n < PROTO_HEADER_LEN)
		return 0;
	p = copy + PROTO_HEADER_LEN;
	end = copy + n;
	for (i = 0; i < fm->nf; i++) {
		if (fm->f[i].u32) {
			if (end - p < 4 ||
			    get_u32(p) != *u32_at(m, fm->f[i].off))
				goto bad;
			p += 4;
			continue;
		}
		s = str_at(m, fm->f[i].off);
		if (end - p < 2 || get_u16(p) != s->len ||
		    s->p != (const char *)p + 2 || end - p - 2 < s->len)
			goto bad;
		p += 2 + s->len;
	}
	if (p == end)
		return 1;
	printf("# %ld bytes after the last field\n", (long)(end - p));
	return 0;
bad:
	printf("# %s is not where the form puts it\n", fm->f[i].name);
	return 0;
}

/*
 * Whether, in the frame of n bytes at copy, string a is followed at once
 * by the integer v, then string b.
 */
static int
u32_between(const uint8_t *copy, long n, struct proto_str a, uint32_t v,
    struct proto_str b)
{
	const uint8_t	*p;

	if (copy == NULL || a.p == NULL || b.p == NULL)
		return 0;
	p = (const uint8_t *)a.p + a.len;
	return p + 4 + 2 <= copy + n && get_u32(p) == v &&
	    get_u16(p + 4) == b.len && b.p == (const char *)p + 6;
}

/*
 * Whether, in the frame of n bytes at copy, string b follows string a at
 * once: its length right after a's last byte, its bytes right after that.
 */
static int
str_follows(const uint8_t *copy, long n, struct proto_str a,
    struct proto_str b)
{
	const uint8_t	*p;

	if (copy == NULL || a.p == NULL || b.p == NULL)
		return 0;
	p = (const uint8_t *)a.p + a.len;
	return p + 2 + b.len <= copy + n && get_u16(p) == b.len &&
	    b.p == (const char *)p + 2;
}

/*
 * Round trip m, a message of form fm: every field comes back, each in its
 * place in the frame, which is want bytes long and is the form's frame
 * built by hand from m's own fields.  Returns the frame's length; *out
 * and *copy as in roundtrip(), for the caller's own checks.
 */
static long
form_roundtrip(const struct msgform *fm, struct proto_msg *m, long want,
    struct proto_msg *out, uint8_t **copy, const char *what)
{
	static uint8_t		 enc[PROTO_FRAME_MAX];
	const struct proto_str	*s;
	size_t			 i;
	long			 n, e;

	n = roundtrip(m, fm->dir, out, copy);
	CHECK(n == want && n == form_frame_len(fm, m) &&
	    form_same(fm, out, m) && form_layout_ok(fm, out, *copy, n),
	    "%s: every field round trips, each where the form puts it "
	    "(%ld bytes)", what, n);

	fr_start(PROTO_VERSION, m->type, m->id, m->status);
	for (i = 0; i < fm->nf; i++) {
		if (fm->f[i].u32) {
			fr_u32(*u32_at(m, fm->f[i].off));
			continue;
		}
		s = str_at(m, fm->f[i].off);
		fr_u16(s->len);
		if (s->len > 0)
			fr_bytes(s->p, s->len);
	}
	fr_seal();
	e = proto_encode(m, fm->dir, enc, sizeof(enc));
	CHECK(e == (long)fr.len && memcmp(enc, fr.b, fr.len) == 0,
	    "%s: the encoder's frame is the form's, built by hand, byte "
	    "for byte", what);
	return n;
}

/*
 * Realistic messages, as the front end and the signer send them.  Their
 * lengths are counted by hand in the round trips below.
 */
#define BEARER		"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhdXRoMHxhZG1pbiJ9.c2ln"
#define TICKET		"Zm9sbG93LW1lLW9uY2U"
#define LINK_GRANT	"g1.bGluaw.AAECAwQFBgcICQoLDA0ODw"
#define CODE_GRANT	"g1.Y29kZQ.EBESExQVFhcYGRobHB0eHw"
#define CODE		"SplxlOBeZQQYbYS6WxSbIA"
#define CALLBACK	"https://app.example.com/callback"
#define ID_TOKEN	"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhdXRoMHw1ZjFhMmIzYyJ9" \
			".c2ln"
#define ACCESS_TOKEN	"eyJhbGciOiJFUzI1NiJ9.eyJzY29wZSI6Im9wZW5pZCJ9.c2ln"
#define ACCESS_JTI	"3f2a9c1e7b8d4f60a1b2c3d4e5f60718"
/* A login cookie's value, and the login grant kept under it. */
#define LOGIN		"bG9naW4tY29va2llLXZhbHVlLW9mLTMyLWJ5dGVzLi4"
#define LOGIN_GRANT	"g2.bG9naW4.ICEiIyQlJicoKSorLC0uLw"
/* RFC 7636, appendix B. */
#define CHALLENGE	"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
#define VERIFIER	"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
/* An impersonation session: its sid (32 bytes drawn), its grant, when it
 * ends by itself; a console session's grant; a Back-Channel Logout token. */
#define SID		"c2Vzc2lvbi1pZC1vZi0zMi1ieXRlcy1kcmF3bi4uLi4"
#define SESSION_GRANT	"g4.c2Vzc2lvbg.MDEyMzQ1Njc4OTo7PD0-Pw"
#define SESSION_EXP	1796303600u
#define REASON		"ticket #4521: checkout fails"
#define CONSOLE_GRANT	"g3.Y29uc29sZQ.QEFCQ0RFRkdISUpLTE1OTw"
#define LOGOUT_TOKEN	"eyJhbGciOiJFUzI1NiIsInR5cCI6ImxvZ291dCtqd3QifQ" \
			".eyJzaWQiOiJzIn0.c2ln"
/*
 * Webhook events as the signer builds them (Standard Webhooks' type,
 * timestamp, data), each with its webhook grant; a webhook's URL; and the
 * signer's answer to PROTO_WEBHOOK_SIGN: the webhook-id (msg_ and 22
 * characters), a timestamp, and the signature (v1, and a base64 HMAC).
 */
#define STARTED		"{\"type\":\"impersonation.started\",\"timestamp\":" \
			"\"2026-12-04T16:39:36.123Z\",\"data\":{\"sid\":\"" SID \
			"\",\"user_id\":\"auth0|5f1a2b3c\"}}"
#define DENIED		"{\"type\":\"impersonation.denied\",\"timestamp\":" \
			"\"2026-12-04T16:39:36.123Z\",\"data\":{\"rule\":" \
			"\"max_per_day\"}}"
#define ENDED		"{\"type\":\"impersonation.ended\",\"timestamp\":" \
			"\"2026-12-04T16:39:36.123Z\",\"data\":{\"sid\":\"" SID \
			"\",\"end_cause\":\"ended\"}}"
#define STARTED_LEN	(sizeof(STARTED) - 1)
#define DENIED_LEN	(sizeof(DENIED) - 1)
#define ENDED_LEN	(sizeof(ENDED) - 1)
#define WEBHOOK_GRANT	"g4.d2ViaG9vaw.UFFSU1RVVldYWVpbXF1eXw"
#define WEBHOOK_URL	"http://127.0.0.1:9/hook"
#define MSG_ID		"msg_2KWPBgLlAfxdpx2AI54pPJ"
#define MSG_TIME	1796300000u
#define SIGNATURE	"v1,K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols="

static void
link_req(struct proto_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_LINK;
	m->id = 0x00c0ffee;
	m->u.link_req.bearer = proto_str(BEARER);
	m->u.link_req.user_id = proto_str("auth0|5f1a2b3c");
	m->u.link_req.impersonator_id = proto_str("auth0|admin");
	m->u.link_req.client_id = proto_str("web-app");
	m->u.link_req.callback_url = proto_str(CALLBACK);
	m->u.link_req.response_type = 1;
	m->u.link_req.scope = proto_str("openid profile email");
	m->u.link_req.nonce = proto_str("n-0S6_WzA2Mj");
	m->u.link_req.reason = proto_str("ticket #4521: checkout fails");
	m->u.link_req.ip = proto_str("127.0.0.1");
	m->u.link_req.user_agent = proto_str("curl/7.88.1");
}

/* The link allowed: no rule, a ticket with its grant, the callback. */
static void
link_rep(struct proto_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_LINK;
	m->id = 0x00c0ffee;
	m->u.link_rep.rule = proto_str("");
	m->u.link_rep.refusal = 0;
	m->u.link_rep.message = proto_str("");
	m->u.link_rep.ticket = proto_str(TICKET);
	m->u.link_rep.grant = proto_str(LINK_GRANT);
	m->u.link_rep.callback_url = proto_str(CALLBACK);
	m->u.link_rep.webhook = proto_str("");
	m->u.link_rep.webhook_grant = proto_str("");
	m->u.link_rep.approval_id = proto_str("");
}

/*
 * The link refused by a rule: its status, its words, and the event
 * impersonation.denied with its grant, for the webhooks sent it.
 */
static void
link_rep_refused(struct proto_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_LINK;
	m->id = 0x00c0ffee;
	m->u.link_rep.rule = proto_str("max_per_day");
	m->u.link_rep.refusal = 429;
	m->u.link_rep.message = proto_str("no more impersonations today");
	m->u.link_rep.ticket = proto_str("");
	m->u.link_rep.grant = proto_str("");
	m->u.link_rep.callback_url = proto_str("");
	m->u.link_rep.webhook = proto_str(DENIED);
	m->u.link_rep.webhook_grant = proto_str(WEBHOOK_GRANT);
	m->u.link_rep.approval_id = proto_str("");
}

static void
follow_req(struct proto_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_FOLLOW;
	m->id = 31;
	m->u.follow_req.ticket = proto_str(TICKET);
	m->u.follow_req.grant = proto_str(LINK_GRANT);
	m->u.follow_req.impersonator_id = proto_str("auth0|admin");
	m->u.follow_req.ip = proto_str("127.0.0.1");
	m->u.follow_req.user_agent = proto_str("curl/7.88.1");
}

/*
 * The session a followed link began, as every follow reply that is not a
 * refusal carries it: its sid and grant, whom and by whom, why, until when,
 * and the event impersonation.started with its grant.
 */
static void
follow_rep_session(struct proto_msg *m)
{
	m->u.follow_rep.sid = proto_str(SID);
	m->u.follow_rep.session = proto_str(SESSION_GRANT);
	m->u.follow_rep.user_id = proto_str("auth0|5f1a2b3c");
	m->u.follow_rep.impersonator_id = proto_str("auth0|admin");
	m->u.follow_rep.reason = proto_str(REASON);
	m->u.follow_rep.session_exp = SESSION_EXP;
	m->u.follow_rep.webhook = proto_str(STARTED);
	m->u.follow_rep.webhook_grant = proto_str(WEBHOOK_GRANT);
}

/* The code flow: a code with its grant, no tokens. */
static void
follow_rep_code(struct proto_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_FOLLOW;
	m->id = 31;
	m->u.follow_rep.rule = proto_str("");
	m->u.follow_rep.message = proto_str("");
	m->u.follow_rep.code = proto_str(CODE);
	m->u.follow_rep.grant = proto_str(CODE_GRANT);
	m->u.follow_rep.id_token = proto_str("");
	m->u.follow_rep.access_token = proto_str("");
	m->u.follow_rep.access_jti = proto_str("");
	m->u.follow_rep.expires_in = 0;
	follow_rep_session(m);
}

/* The implicit flow: the tokens, no code. */
static void
follow_rep_tokens(struct proto_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_FOLLOW;
	m->id = 31;
	m->u.follow_rep.rule = proto_str("");
	m->u.follow_rep.message = proto_str("");
	m->u.follow_rep.code = proto_str("");
	m->u.follow_rep.grant = proto_str("");
	m->u.follow_rep.id_token = proto_str(ID_TOKEN);
	m->u.follow_rep.access_token = proto_str(ACCESS_TOKEN);
	m->u.follow_rep.access_jti = proto_str(ACCESS_JTI);
	m->u.follow_rep.expires_in = 3600;
	follow_rep_session(m);
}

/*
 * A followed link of an application that starts its own login: the login
 * cookie's value, the user to hint, the login grant; no code, no tokens.
 */
static void
follow_rep_login(struct proto_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_FOLLOW;
	m->id = 32;
	m->u.follow_rep.rule = proto_str("");
	m->u.follow_rep.message = proto_str("");
	m->u.follow_rep.code = proto_str("");
	m->u.follow_rep.login = proto_str(LOGIN);
	m->u.follow_rep.login_hint = proto_str("auth0|5f1a2b3c");
	m->u.follow_rep.grant = proto_str(LOGIN_GRANT);
	m->u.follow_rep.id_token = proto_str("");
	m->u.follow_rep.access_token = proto_str("");
	m->u.follow_rep.access_jti = proto_str("");
	m->u.follow_rep.expires_in = 0;
	follow_rep_session(m);
}

/*
 * A followed link refused by a rule: its status and words, no session,
 * and the event impersonation.denied.
 */
static void
follow_rep_refused(struct proto_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_FOLLOW;
	m->id = 33;
	m->u.follow_rep.rule = proto_str("max_per_day");
	m->u.follow_rep.refusal = 403;
	m->u.follow_rep.message = proto_str("no more impersonations today");
	m->u.follow_rep.webhook = proto_str(DENIED);
	m->u.follow_rep.webhook_grant = proto_str(WEBHOOK_GRANT);
}

/* The application's own request, code flow with PKCE. */
static void
authorize_req(struct proto_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_AUTHORIZE;
	m->id = 0x0a0b0c0d;
	m->u.authorize_req.login = proto_str(LOGIN);
	m->u.authorize_req.grant = proto_str(LOGIN_GRANT);
	m->u.authorize_req.client_id = proto_str("web-app");
	m->u.authorize_req.redirect_uri = proto_str(CALLBACK);
	m->u.authorize_req.response_type = 1;
	m->u.authorize_req.scope = proto_str("openid profile email");
	m->u.authorize_req.nonce = proto_str("n-0S6_WzA2Mj");
	m->u.authorize_req.code_challenge = proto_str(CHALLENGE);
	m->u.authorize_req.ip = proto_str("127.0.0.1");
	m->u.authorize_req.user_agent = proto_str("curl/7.88.1");
}

/*
 * Its answer: a code with its code grant, as a followed link's, and of the
 * session only its sid; no event (the session began at the follow).
 */
static void
authorize_rep_code(struct proto_msg *m)
{
	follow_rep_code(m);
	m->type = PROTO_AUTHORIZE;
	m->id = 0x0a0b0c0d;
	m->u.follow_rep.session = proto_str("");
	m->u.follow_rep.user_id = proto_str("");
	m->u.follow_rep.impersonator_id = proto_str("");
	m->u.follow_rep.reason = proto_str("");
	m->u.follow_rep.session_exp = 0;
	m->u.follow_rep.webhook = proto_str("");
	m->u.follow_rep.webhook_grant = proto_str("");
}

/* A code exchanged (code_tokens), or presented again (code_replayed). */
static void
code_req(struct proto_msg *m, uint16_t type)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->id = 77;
	m->u.code_req.client_id = proto_str("web-app");
	m->u.code_req.secret = proto_str("s3cr:et");
	m->u.code_req.code = proto_str(CODE);
	m->u.code_req.grant = proto_str(CODE_GRANT);
	if (type == PROTO_CODE_TOKENS) {
		m->u.code_req.redirect_uri = proto_str(CALLBACK);
		m->u.code_req.code_verifier = proto_str(VERIFIER);
		m->u.code_req.revoked = 0;
	} else {
		m->u.code_req.redirect_uri = proto_str("");
		m->u.code_req.code_verifier = proto_str("");
		m->u.code_req.revoked = 1;
	}
	m->u.code_req.ip = proto_str("127.0.0.1");
	m->u.code_req.user_agent = proto_str("curl/7.88.1");
}

static void
login_rep(struct proto_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_CODE_TOKENS;
	m->id = 77;
	m->u.login_rep.id_token = proto_str(ID_TOKEN);
	m->u.login_rep.access_token = proto_str(ACCESS_TOKEN);
	m->u.login_rep.access_jti = proto_str(ACCESS_JTI);
	m->u.login_rep.expires_in = 86400;
	m->u.login_rep.sid = proto_str(SID);
}

/*
 * A session ended (session_end): with the API's bearer token, at the
 * console with its session's cookie and grant, or by itself.
 */
static void
end_req(struct proto_msg *m, uint32_t cause)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_SESSION_END;
	m->id = 0x5e55;
	m->u.end_req.sid = proto_str(SID);
	m->u.end_req.grant = proto_str(SESSION_GRANT);
	m->u.end_req.cause = cause;
	m->u.end_req.bearer = proto_str(cause == PROTO_END_API ? BEARER : "");
	m->u.end_req.session = proto_str(cause == PROTO_END_CONSOLE ? LOGIN :
	    "");
	m->u.end_req.console_grant = proto_str(cause == PROTO_END_CONSOLE ?
	    CONSOLE_GRANT : "");
	if (cause == PROTO_END_API || cause == PROTO_END_CONSOLE) {
		m->u.end_req.ip = proto_str("127.0.0.1");
		m->u.end_req.user_agent = proto_str("curl/7.88.1");
	} else {
		m->u.end_req.ip = proto_str("");
		m->u.end_req.user_agent = proto_str("");
	}
}

/*
 * Its answer: the application's logout token, or "" for none; no webhook
 * sent impersonation.ended.
 */
static void
end_rep(struct proto_msg *m, const char *logout_token)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_SESSION_END;
	m->id = 0x5e55;
	m->u.end_rep.logout_token = proto_str(logout_token);
	m->u.end_rep.webhook = proto_str("");
	m->u.end_rep.webhook_grant = proto_str("");
}

/* ... and with the event impersonation.ended and its grant. */
static void
end_rep_ended(struct proto_msg *m, const char *logout_token)
{
	end_rep(m, logout_token);
	m->u.end_rep.webhook = proto_str(ENDED);
	m->u.end_rep.webhook_grant = proto_str(WEBHOOK_GRANT);
}

/* An event to sign for the webhook at WEBHOOK_URL, and the signature. */
static void
webhook_req(struct proto_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_WEBHOOK_SIGN;
	m->id = 0x400c;
	m->u.webhook_req.url = proto_str(WEBHOOK_URL);
	m->u.webhook_req.body = proto_str(STARTED);
	m->u.webhook_req.grant = proto_str(WEBHOOK_GRANT);
}

static void
webhook_rep(struct proto_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_WEBHOOK_SIGN;
	m->id = 0x400c;
	m->u.webhook_rep.id = proto_str(MSG_ID);
	m->u.webhook_rep.timestamp = MSG_TIME;
	m->u.webhook_rep.signature = proto_str(SIGNATURE);
}

static void
observed_req(struct proto_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_OBSERVED;
	m->id = 9;
	m->u.observed_req.what = PROTO_SEEN_AUTH_FAILED;
	m->u.observed_req.client_id = proto_str("web-app");
	m->u.observed_req.ip = proto_str("203.0.113.7");
	m->u.observed_req.count = 12;
	m->u.observed_req.sid = proto_str("");
	m->u.observed_req.detail = proto_str("");
}

/* What a PROTO_SEEN_ value is, for the tests' words. */
static const char *
seen_what(uint32_t what)
{
	switch (what) {
	case PROTO_SEEN_LOGOUT_DELIVERED:
		return "observed request, a logout token delivered";
	case PROTO_SEEN_LOGOUT_FAILED:
		return "observed request, a logout token not delivered";
	case PROTO_SEEN_WEBHOOK_DELIVERED:
		return "observed request, a webhook event delivered";
	case PROTO_SEEN_WEBHOOK_FAILED:
		return "observed request, a webhook event not delivered";
	}
	return "observed request";
}

/* A delivery's outcome (what), of the session SID, in detail's words. */
static void
observed_seen(struct proto_msg *m, uint32_t what, const char *detail)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_OBSERVED;
	m->id = 11;
	m->u.observed_req.what = what;
	m->u.observed_req.client_id = proto_str(
	    what == PROTO_SEEN_LOGOUT_DELIVERED ||
	    what == PROTO_SEEN_LOGOUT_FAILED ? "web-app" : "");
	m->u.observed_req.ip = proto_str("");
	m->u.observed_req.count = 1;
	m->u.observed_req.sid = proto_str(SID);
	m->u.observed_req.detail = proto_str(detail);
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

/*
 * Sizes, counted by hand: link_req() is 16 + 10 * 2 + 4 bytes of framing
 * and 54 + 14 + 11 + 7 + 32 + 20 + 12 + 28 + 9 + 11 of strings (238).
 */
static void
test_roundtrip_link(void)
{
	static const uint8_t	 want[] = {
		0x00, 0x00, 0x00, 0x32,		/* 16 + 10 * 3 + 4 */
		0x00, 0x07,
		0x00, 0x05,			/* link */
		0x00, 0x00, 0x00, 0x2a,
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x01, 'b',		/* bearer */
		0x00, 0x01, 'u',		/* user_id */
		0x00, 0x01, 'i',		/* impersonator_id */
		0x00, 0x01, 'c',		/* client_id */
		0x00, 0x01, 'k',		/* callback_url */
		0x00, 0x00, 0x00, 0x02,		/* response_type */
		0x00, 0x01, 's',		/* scope */
		0x00, 0x01, 'n',		/* nonce */
		0x00, 0x01, 'r',		/* reason */
		0x00, 0x01, 'p',		/* ip */
		0x00, 0x01, 'a',		/* user_agent */
	};
	const struct msgform	*fm = &forms[FORM_LINK_REQ];
	struct proto_msg	 in, out;
	uint8_t			*copy, buf[256];
	long			 n;

	link_req(&in);
	n = form_roundtrip(fm, &in, 238, &out, &copy, "link request");
	CHECK(u32_between(copy, n, out.u.link_req.callback_url, 1,
	    out.u.link_req.scope) &&
	    str_is(out.u.link_req.callback_url, CALLBACK, 32) &&
	    str_is(out.u.link_req.scope, "openid profile email", 20),
	    "link request: response_type 1 sits between callback_url and "
	    "scope");
	CHECK(out.u.link_req.bearer.p == (const char *)copy +
	    PROTO_HEADER_LEN + 2 && str_is(out.u.link_req.bearer, BEARER, 54) &&
	    str_is(out.u.link_req.user_id, "auth0|5f1a2b3c", 14) &&
	    str_is(out.u.link_req.ip, "127.0.0.1", 9) &&
	    str_is(out.u.link_req.user_agent, "curl/7.88.1", 11) &&
	    out.u.link_req.user_agent.p == (const char *)copy + n - 11,
	    "link request: bearer first, user_agent last, ip 127.0.0.1");
	free(copy);

	/* callback_url "" for the first registered; no nonce, no reason. */
	link_req(&in);
	in.u.link_req.callback_url = str_of("", 0);
	in.u.link_req.response_type = 2;
	in.u.link_req.nonce = str_of("", 0);
	in.u.link_req.reason = str_of("", 0);
	n = form_roundtrip(fm, &in, 238 - 32 - 12 - 28, &out, &copy,
	    "link request, empty callback_url, nonce and reason");
	CHECK(u32_between(copy, n, out.u.link_req.callback_url, 2,
	    out.u.link_req.scope) && out.u.link_req.callback_url.len == 0 &&
	    out.u.link_req.nonce.len == 0 && out.u.link_req.reason.len == 0,
	    "link request: response_type 2 right after an empty "
	    "callback_url");
	free(copy);

	link_req(&in);
	in.u.link_req.response_type = UINT32_MAX;
	n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
	CHECK(n == 238 && out.u.link_req.response_type == UINT32_MAX &&
	    u32_between(copy, n, out.u.link_req.callback_url, UINT32_MAX,
	    out.u.link_req.scope),
	    "link request: response_type UINT32_MAX is carried as it is");
	free(copy);

	memset(&in, 0, sizeof(in));
	in.type = PROTO_LINK;
	in.id = 42;
	in.u.link_req.bearer = proto_str("b");
	in.u.link_req.user_id = proto_str("u");
	in.u.link_req.impersonator_id = proto_str("i");
	in.u.link_req.client_id = proto_str("c");
	in.u.link_req.callback_url = proto_str("k");
	in.u.link_req.response_type = 2;
	in.u.link_req.scope = proto_str("s");
	in.u.link_req.nonce = proto_str("n");
	in.u.link_req.reason = proto_str("r");
	in.u.link_req.ip = proto_str("p");
	in.u.link_req.user_agent = proto_str("a");
	n = proto_encode(&in, PROTO_REQUEST, buf, sizeof(buf));
	CHECK(n == (long)sizeof(want) && memcmp(buf, want, sizeof(want)) == 0,
	    "link request: bearer, user_id, impersonator_id, client_id, "
	    "callback_url, response_type, scope, nonce, reason, ip, "
	    "user_agent, big-endian");
}

/*
 * Sizes: a link reply has 16 + 7 * 2 + 4 bytes of framing (34); allowed,
 * 19 + 32 + 32 of strings (117); refused, 11 + 28, and the event
 * impersonation.denied and its grant of 36 (73 + DENIED_LEN + 36).
 */
static void
test_roundtrip_link_rep(void)
{
	const struct msgform	*fm = &forms[FORM_LINK_REP];
	struct proto_msg	 in, out;
	uint8_t			*copy;
	long			 n;

	link_rep(&in);
	n = form_roundtrip(fm, &in, 119, &out, &copy, "link reply, allowed");
	CHECK(out.u.link_rep.rule.len == 0 && out.u.link_rep.refusal == 0 &&
	    u32_between(copy, n, out.u.link_rep.rule, 0,
	    out.u.link_rep.message) && out.u.link_rep.message.len == 0 &&
	    str_is(out.u.link_rep.ticket, TICKET, 19) &&
	    str_is(out.u.link_rep.grant, LINK_GRANT, 32) &&
	    str_is(out.u.link_rep.callback_url, CALLBACK, 32) &&
	    out.u.link_rep.callback_url.p == (const char *)copy + n - 6 - 32,
	    "link reply, allowed: empty rule, refusal 0, then the ticket, its "
	    "grant and the callback_url");
	CHECK(str_follows(copy, n, out.u.link_rep.callback_url,
	    out.u.link_rep.webhook) && out.u.link_rep.webhook.len == 0 &&
	    str_follows(copy, n, out.u.link_rep.webhook,
	    out.u.link_rep.webhook_grant) &&
	    out.u.link_rep.webhook_grant.len == 0 &&
	    str_follows(copy, n, out.u.link_rep.webhook_grant,
	    out.u.link_rep.approval_id) &&
	    out.u.link_rep.approval_id.len == 0 &&
	    out.u.link_rep.approval_id.p == (const char *)copy + n,
	    "link reply, allowed: no event (an empty webhook and "
	    "webhook_grant) after the callback_url, then no approval_id, "
	    "ending the frame");
	free(copy);

	link_rep_refused(&in);
	n = form_roundtrip(fm, &in, 75 + (long)DENIED_LEN + 36, &out, &copy,
	    "link reply, refused");
	CHECK(str_is(out.u.link_rep.rule, "max_per_day", 11) &&
	    u32_between(copy, n, out.u.link_rep.rule, 429,
	    out.u.link_rep.message) &&
	    str_is(out.u.link_rep.message, "no more impersonations today",
	    28) && out.u.link_rep.ticket.len == 0 &&
	    out.u.link_rep.grant.len == 0 &&
	    out.u.link_rep.callback_url.len == 0,
	    "link reply, refused: rule, then refusal 429, then the message");
	CHECK(str_follows(copy, n, out.u.link_rep.callback_url,
	    out.u.link_rep.webhook) &&
	    str_is(out.u.link_rep.webhook, DENIED, DENIED_LEN) &&
	    str_follows(copy, n, out.u.link_rep.webhook,
	    out.u.link_rep.webhook_grant) &&
	    str_is(out.u.link_rep.webhook_grant, WEBHOOK_GRANT, 36) &&
	    out.u.link_rep.webhook_grant.p == (const char *)copy + n - 2 -
	    36 && out.u.link_rep.approval_id.len == 0,
	    "link reply, refused: after the empty callback_url, the event "
	    "impersonation.denied, then its grant, then an empty "
	    "approval_id, which ends the frame");
	free(copy);

	/* The event and its grant at their maxima, on a refusal. */
	link_rep_refused(&in);
	in.u.link_rep.webhook = fill('w', PROTO_WEBHOOK_MAX);
	pool_used = 0;
	in.u.link_rep.webhook_grant = pool_fill('g', PROTO_GRANT_MAX);
	n = form_roundtrip(fm, &in, 75 + PROTO_WEBHOOK_MAX + PROTO_GRANT_MAX,
	    &out, &copy, "link reply, refused, the event at its maxima");
	CHECK(str_all(out.u.link_rep.webhook, 'w', PROTO_WEBHOOK_MAX) &&
	    str_all(out.u.link_rep.webhook_grant, 'g', PROTO_GRANT_MAX),
	    "link reply: an event of PROTO_WEBHOOK_MAX (%d) and a grant of "
	    "PROTO_GRANT_MAX (%d)", PROTO_WEBHOOK_MAX, PROTO_GRANT_MAX);
	free(copy);
}

/*
 * Four-eyes approval: a link that waits (no ticket, the approval's grant
 * and id, which ends the frame), an approver's yes as the front end
 * passes it (approve between console_grant and approver_id), and the
 * approved grant in the reply.
 */
#define APPROVAL_ID	"pLx0dGlKq1R2c3U0djV3eDZ5N3o4QTlCMEMxRDJFM0Y"
#define APPROVAL_GRANT	"YXBwcm92YWwtZ3JhbnQtc2VhbGVkLWJ5LXRoZS1zaWdu"

static void
test_roundtrip_approval(void)
{
	struct proto_msg	 in, out;
	uint8_t			*copy;
	long			 n;

	link_rep(&in);
	in.u.link_rep.ticket = proto_str("");
	in.u.link_rep.grant = proto_str(APPROVAL_GRANT);
	in.u.link_rep.callback_url = proto_str("");
	in.u.link_rep.approval_id = proto_str(APPROVAL_ID);
	n = form_roundtrip(&forms[FORM_LINK_REP], &in, 16 + 8 * 2 + 4 + 44 +
	    43, &out, &copy, "link reply, waiting for an approval");
	CHECK(out.u.link_rep.rule.len == 0 && out.u.link_rep.ticket.len == 0 &&
	    str_is(out.u.link_rep.grant, APPROVAL_GRANT, 44) &&
	    str_is(out.u.link_rep.approval_id, APPROVAL_ID, 43) &&
	    out.u.link_rep.approval_id.p == (const char *)copy + n - 43,
	    "link reply, waiting: no ticket, the approval's grant, and its id "
	    "last");
	free(copy);

	memset(&in, 0, sizeof(in));
	in.type = PROTO_APPROVAL_DECIDE;
	in.id = 0x0a99f00d;
	in.u.approval_req.approval_id = proto_str(APPROVAL_ID);
	in.u.approval_req.grant = proto_str(APPROVAL_GRANT);
	in.u.approval_req.bearer = proto_str("eyJ.eyJ.sig");
	in.u.approval_req.session = proto_str("");
	in.u.approval_req.console_grant = proto_str("");
	in.u.approval_req.approve = 1;
	in.u.approval_req.approver_id = proto_str("auth0|lead");
	in.u.approval_req.ip = proto_str("127.0.0.1");
	in.u.approval_req.user_agent = proto_str("curl/7.88.1");
	n = form_roundtrip(&forms[FORM_DECIDE_REQ], &in, 16 + 8 * 2 + 4 +
	    43 + 44 + 11 + 10 + 9 + 11, &out, &copy, "approval_decide "
	    "request, a yes by a bearer token");
	CHECK(str_is(out.u.approval_req.approval_id, APPROVAL_ID, 43) &&
	    str_is(out.u.approval_req.bearer, "eyJ.eyJ.sig", 11) &&
	    out.u.approval_req.session.len == 0 &&
	    u32_between(copy, n, out.u.approval_req.console_grant, 1,
	    out.u.approval_req.approver_id) &&
	    str_is(out.u.approval_req.approver_id, "auth0|lead", 10),
	    "approval_decide request: approve 1 between the empty "
	    "console_grant and the approver_id");
	free(copy);

	in.type = PROTO_APPROVAL_EXPIRE;
	in.u.approval_req.bearer = proto_str("");
	in.u.approval_req.approve = 0;
	in.u.approval_req.approver_id = proto_str("");
	n = form_roundtrip(&forms[FORM_EXPIRE_REQ], &in, 16 + 8 * 2 + 4 +
	    43 + 44 + 9 + 11, &out, &copy, "approval_expire request");
	CHECK(str_is(out.u.approval_req.grant, APPROVAL_GRANT, 44) &&
	    out.u.approval_req.approve == 0, "approval_expire request: the "
	    "id and grant, no presenter");
	free(copy);

	memset(&in, 0, sizeof(in));
	in.type = PROTO_APPROVAL_DECIDE;
	in.id = 0x0a99f00d;
	in.u.approval_rep.rule = proto_str("approver_is_requester");
	in.u.approval_rep.refusal = 403;
	in.u.approval_rep.message = proto_str("no");
	in.u.approval_rep.grant = proto_str("");
	n = form_roundtrip(&forms[FORM_DECIDE_REP], &in, 16 + 3 * 2 + 4 +
	    21 + 2, &out, &copy, "approval_decide reply, refused");
	CHECK(u32_between(copy, n, out.u.approval_rep.rule, 403,
	    out.u.approval_rep.message) && out.u.approval_rep.grant.len == 0,
	    "approval_decide reply, refused: refusal 403 between the rule "
	    "and the message, no grant");
	free(copy);
}

/*
 * Whether, in the follow or authorize reply m decoded from the n bytes at
 * copy, expires_in sits between access_jti and the sid, then come the
 * session's grant, user_id, impersonator_id and reason, each right after
 * the one before, then session_exp, and the webhook event and its grant,
 * which ends the frame: the whole session of follow_rep_session(), or
 * (whole 0) its sid alone, as an authorize reply carries it.
 */
static int
session_follows(const uint8_t *copy, long n, const struct proto_msg *m,
    uint32_t expires_in, int whole)
{
	return u32_between(copy, n, m->u.follow_rep.access_jti, expires_in,
	    m->u.follow_rep.sid) &&
	    str_is(m->u.follow_rep.sid, SID, 43) &&
	    str_follows(copy, n, m->u.follow_rep.sid,
	    m->u.follow_rep.session) &&
	    str_follows(copy, n, m->u.follow_rep.session,
	    m->u.follow_rep.user_id) &&
	    str_follows(copy, n, m->u.follow_rep.user_id,
	    m->u.follow_rep.impersonator_id) &&
	    str_follows(copy, n, m->u.follow_rep.impersonator_id,
	    m->u.follow_rep.reason) &&
	    (whole ? str_is(m->u.follow_rep.session, SESSION_GRANT, 36) &&
	    str_is(m->u.follow_rep.user_id, "auth0|5f1a2b3c", 14) &&
	    str_is(m->u.follow_rep.impersonator_id, "auth0|admin", 11) &&
	    str_is(m->u.follow_rep.reason, REASON, 28) :
	    m->u.follow_rep.session.len == 0 &&
	    m->u.follow_rep.user_id.len == 0 &&
	    m->u.follow_rep.impersonator_id.len == 0 &&
	    m->u.follow_rep.reason.len == 0) &&
	    u32_between(copy, n, m->u.follow_rep.reason,
	    whole ? SESSION_EXP : 0, m->u.follow_rep.webhook) &&
	    str_follows(copy, n, m->u.follow_rep.webhook,
	    m->u.follow_rep.webhook_grant) &&
	    m->u.follow_rep.webhook_grant.p + m->u.follow_rep.webhook_grant.len
	    == (const char *)copy + n;
}

/* Whether a follow reply carries the event ev and its grant. */
static int
event_is(const struct proto_msg *m, const char *ev, size_t len)
{
	return str_is(m->u.follow_rep.webhook, ev, len) &&
	    str_is(m->u.follow_rep.webhook_grant, len ? WEBHOOK_GRANT : "",
	    len ? 36 : 0);
}

/*
 * Sizes: follow_req() is 16 + 6 * 2 bytes of framing and 19 + 32 + 11 +
 * 0 + 9 + 11 of strings (110: no console session).  A follow reply has
 * 16 + 16 * 2 + 3 * 4 of framing (60) and, but for a refusal, the session
 * of follow_rep_session(): 43 + 36 + 14 + 11 + 28 of strings (132) and
 * the event impersonation.started with its grant (STARTED_LEN + 36); with
 * a code, 22 + 32 more (246 + STARTED_LEN + 36); with the tokens, 58 + 50
 * + 32 (332 + ...); a login, 43 + 14 + 33 (282 + ...); refused, 11 + 28
 * and impersonation.denied (99 + DENIED_LEN + 36).
 */
static void
test_roundtrip_follow(void)
{
	const struct msgform	*fq = &forms[FORM_FOLLOW_REQ];
	const struct msgform	*fp = &forms[FORM_FOLLOW_REP];
	struct proto_msg	 in, out;
	uint8_t			*copy;
	long			 n;

	follow_req(&in);
	n = form_roundtrip(fq, &in, 110, &out, &copy, "follow request");
	CHECK(out.u.follow_req.ticket.p == (const char *)copy +
	    PROTO_HEADER_LEN + 2 && str_is(out.u.follow_req.ticket, TICKET,
	    19) && str_is(out.u.follow_req.grant, LINK_GRANT, 32) &&
	    str_is(out.u.follow_req.impersonator_id, "auth0|admin", 11) &&
	    out.u.follow_req.session.len == 0 &&
	    str_is(out.u.follow_req.ip, "127.0.0.1", 9) &&
	    str_is(out.u.follow_req.user_agent, "curl/7.88.1", 11) &&
	    out.u.follow_req.user_agent.p == (const char *)copy + n - 11,
	    "follow request: ticket first, then grant, impersonator_id, an "
	    "empty session, ip, and user_agent, which ends the frame");
	free(copy);

	follow_rep_code(&in);
	n = form_roundtrip(fp, &in, 246 + (long)STARTED_LEN + 36, &out, &copy,
	    "follow reply, a code");
	CHECK(u32_between(copy, n, out.u.follow_rep.rule, 0,
	    out.u.follow_rep.message) &&
	    str_is(out.u.follow_rep.code, CODE, 22) &&
	    out.u.follow_rep.login.len == 0 &&
	    out.u.follow_rep.login_hint.len == 0 &&
	    str_is(out.u.follow_rep.grant, CODE_GRANT, 32) &&
	    out.u.follow_rep.id_token.len == 0 &&
	    out.u.follow_rep.access_token.len == 0 &&
	    out.u.follow_rep.access_jti.len == 0,
	    "follow reply, a code: the code and its grant, no login, no "
	    "tokens");
	CHECK(session_follows(copy, n, &out, 0, 1) &&
	    event_is(&out, STARTED, STARTED_LEN),
	    "follow reply, a code: expires_in 0, then the sid, the session's "
	    "grant, user_id, impersonator_id, reason, session_exp, then the "
	    "event impersonation.started and its grant, which ends the "
	    "frame");
	free(copy);

	follow_rep_tokens(&in);
	n = form_roundtrip(fp, &in, 332 + (long)STARTED_LEN + 36, &out, &copy,
	    "follow reply, the tokens");
	CHECK(out.u.follow_rep.code.len == 0 &&
	    out.u.follow_rep.login.len == 0 &&
	    out.u.follow_rep.login_hint.len == 0 &&
	    out.u.follow_rep.grant.len == 0 &&
	    str_is(out.u.follow_rep.id_token, ID_TOKEN, 58) &&
	    str_is(out.u.follow_rep.access_token, ACCESS_TOKEN, 50) &&
	    str_is(out.u.follow_rep.access_jti, ACCESS_JTI, 32) &&
	    session_follows(copy, n, &out, 3600, 1) &&
	    event_is(&out, STARTED, STARTED_LEN),
	    "follow reply, the tokens: id_token, access_token, access_jti, "
	    "expires_in 3600, then the session, session_exp, and the event "
	    "with its grant ending the frame");
	free(copy);

	follow_rep_refused(&in);
	n = form_roundtrip(fp, &in, 99 + (long)DENIED_LEN + 36, &out, &copy,
	    "follow reply, refused");
	CHECK(u32_between(copy, n, out.u.follow_rep.rule, 403,
	    out.u.follow_rep.message) &&
	    str_is(out.u.follow_rep.rule, "max_per_day", 11) &&
	    out.u.follow_rep.sid.len == 0 &&
	    out.u.follow_rep.session.len == 0 &&
	    u32_between(copy, n, out.u.follow_rep.reason, 0,
	    out.u.follow_rep.webhook) && event_is(&out, DENIED, DENIED_LEN) &&
	    out.u.follow_rep.webhook_grant.p == (const char *)copy + n - 36,
	    "follow reply, refused: refusal 403 sits between rule and "
	    "message; no session, session_exp 0, then the event "
	    "impersonation.denied and its grant");
	free(copy);

	follow_rep_login(&in);
	n = form_roundtrip(fp, &in, 282 + (long)STARTED_LEN + 36, &out, &copy,
	    "follow reply, a login");
	CHECK(out.u.follow_rep.code.len == 0 &&
	    str_follows(copy, n, out.u.follow_rep.code,
	    out.u.follow_rep.login) &&
	    str_is(out.u.follow_rep.login, LOGIN, 43) &&
	    str_follows(copy, n, out.u.follow_rep.login,
	    out.u.follow_rep.login_hint) &&
	    str_is(out.u.follow_rep.login_hint, "auth0|5f1a2b3c", 14) &&
	    str_follows(copy, n, out.u.follow_rep.login_hint,
	    out.u.follow_rep.grant) &&
	    str_is(out.u.follow_rep.grant, LOGIN_GRANT, 33) &&
	    out.u.follow_rep.id_token.len == 0 &&
	    session_follows(copy, n, &out, 0, 1) &&
	    event_is(&out, STARTED, STARTED_LEN),
	    "follow reply, a login: an empty code, then login, login_hint "
	    "and the login grant, no tokens, then the session and the "
	    "event");
	free(copy);

	/* The most a session makes of a follow reply, the rest empty. */
	follow_rep_refused(&in);
	in.u.follow_rep.rule = in.u.follow_rep.message = proto_str("");
	in.u.follow_rep.refusal = 0;
	in.u.follow_rep.webhook = in.u.follow_rep.webhook_grant =
	    proto_str("");
	pool_used = 0;
	in.u.follow_rep.sid = pool_fill('d', PROTO_SID_MAX);
	in.u.follow_rep.session = pool_fill('g', PROTO_GRANT_MAX);
	in.u.follow_rep.user_id = pool_fill('u', PROTO_USER_ID_MAX);
	in.u.follow_rep.impersonator_id = pool_fill('i', PROTO_USER_ID_MAX);
	in.u.follow_rep.reason = pool_fill('r', PROTO_REASON_MAX);
	in.u.follow_rep.session_exp = UINT32_MAX;
	n = form_roundtrip(fp, &in, 60 + PROTO_SID_MAX + PROTO_GRANT_MAX +
	    2 * PROTO_USER_ID_MAX + PROTO_REASON_MAX, &out, &copy,
	    "follow reply, a session at its maxima");
	CHECK(str_all(out.u.follow_rep.sid, 'd', PROTO_SID_MAX) &&
	    str_all(out.u.follow_rep.session, 'g', PROTO_GRANT_MAX) &&
	    str_all(out.u.follow_rep.user_id, 'u', PROTO_USER_ID_MAX) &&
	    str_all(out.u.follow_rep.impersonator_id, 'i',
	    PROTO_USER_ID_MAX) &&
	    str_all(out.u.follow_rep.reason, 'r', PROTO_REASON_MAX) &&
	    u32_between(copy, n, out.u.follow_rep.reason, UINT32_MAX,
	    out.u.follow_rep.webhook),
	    "follow reply: a sid of %d, a session grant of %d, user_id and "
	    "impersonator_id of %d, a reason of %d, session_exp UINT32_MAX",
	    PROTO_SID_MAX, PROTO_GRANT_MAX, PROTO_USER_ID_MAX,
	    PROTO_REASON_MAX);
	free(copy);

	/* ... and with the event and its grant at theirs. */
	in.u.follow_rep.webhook = pool_fill('w', PROTO_WEBHOOK_MAX);
	in.u.follow_rep.webhook_grant = pool_fill('x', PROTO_GRANT_MAX);
	n = form_roundtrip(fp, &in, 60 + PROTO_SID_MAX + PROTO_GRANT_MAX +
	    2 * PROTO_USER_ID_MAX + PROTO_REASON_MAX + PROTO_WEBHOOK_MAX +
	    PROTO_GRANT_MAX, &out, &copy,
	    "follow reply, a session and its event at their maxima");
	CHECK(str_all(out.u.follow_rep.webhook, 'w', PROTO_WEBHOOK_MAX) &&
	    str_all(out.u.follow_rep.webhook_grant, 'x', PROTO_GRANT_MAX) &&
	    out.u.follow_rep.webhook_grant.p == (const char *)copy + n -
	    PROTO_GRANT_MAX &&
	    u32_between(copy, n, out.u.follow_rep.reason, UINT32_MAX,
	    out.u.follow_rep.webhook),
	    "follow reply: after session_exp, an event of %d and its grant "
	    "of %d, which ends the frame", PROTO_WEBHOOK_MAX,
	    PROTO_GRANT_MAX);
	free(copy);
}

/*
 * Sizes: authorize_req() is 16 + 9 * 2 + 4 bytes of framing and 43 + 33 +
 * 7 + 32 + 20 + 12 + 43 + 9 + 11 of strings (248).  Its reply is a follow
 * reply's: with a code, 60 + 22 + 32, and of the session only its sid, 43,
 * no event (157).
 */
static void
test_roundtrip_authorize(void)
{
	static const uint8_t	 want[] = {
		0x00, 0x00, 0x00, 0x2f,		/* 16 + 9 * 3 + 4 */
		0x00, 0x07,
		0x00, 0x0a,			/* authorize */
		0x00, 0x00, 0x00, 0x2b,
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x01, 'l',		/* login */
		0x00, 0x01, 'g',		/* grant */
		0x00, 0x01, 'c',		/* client_id */
		0x00, 0x01, 'r',		/* redirect_uri */
		0x00, 0x00, 0x00, 0x02,		/* response_type */
		0x00, 0x01, 's',		/* scope */
		0x00, 0x01, 'n',		/* nonce */
		0x00, 0x01, 'h',		/* code_challenge */
		0x00, 0x01, 'p',		/* ip */
		0x00, 0x01, 'a',		/* user_agent */
	};
	const struct msgform	*fq = &forms[FORM_AUTHORIZE_REQ];
	const struct msgform	*fp = &forms[FORM_AUTHORIZE_REP];
	struct proto_msg	 in, out;
	const char		*why;
	uint8_t			*copy, buf[1024];
	long			 n;
	int			 rc;

	authorize_req(&in);
	n = form_roundtrip(fq, &in, 248, &out, &copy, "authorize request");
	CHECK(out.u.authorize_req.login.p == (const char *)copy +
	    PROTO_HEADER_LEN + 2 && str_is(out.u.authorize_req.login, LOGIN,
	    43) && str_is(out.u.authorize_req.grant, LOGIN_GRANT, 33) &&
	    str_is(out.u.authorize_req.client_id, "web-app", 7) &&
	    u32_between(copy, n, out.u.authorize_req.redirect_uri, 1,
	    out.u.authorize_req.scope) &&
	    str_is(out.u.authorize_req.redirect_uri, CALLBACK, 32) &&
	    str_is(out.u.authorize_req.scope, "openid profile email", 20) &&
	    str_is(out.u.authorize_req.nonce, "n-0S6_WzA2Mj", 12) &&
	    str_follows(copy, n, out.u.authorize_req.nonce,
	    out.u.authorize_req.code_challenge) &&
	    str_is(out.u.authorize_req.code_challenge, CHALLENGE, 43) &&
	    str_is(out.u.authorize_req.ip, "127.0.0.1", 9) &&
	    str_is(out.u.authorize_req.user_agent, "curl/7.88.1", 11) &&
	    out.u.authorize_req.user_agent.p == (const char *)copy + n - 11,
	    "authorize request: login first, response_type 1 between "
	    "redirect_uri and scope, code_challenge after nonce, user_agent "
	    "ends the frame");
	free(copy);

	/* The implicit flow: no challenge; a request with no nonce. */
	authorize_req(&in);
	in.u.authorize_req.response_type = 2;
	in.u.authorize_req.nonce = str_of("", 0);
	in.u.authorize_req.code_challenge = str_of("", 0);
	n = form_roundtrip(fq, &in, 248 - 12 - 43, &out, &copy,
	    "authorize request, no nonce, no code_challenge");
	CHECK(u32_between(copy, n, out.u.authorize_req.redirect_uri, 2,
	    out.u.authorize_req.scope) &&
	    out.u.authorize_req.nonce.len == 0 &&
	    out.u.authorize_req.code_challenge.len == 0 &&
	    str_follows(copy, n, out.u.authorize_req.code_challenge,
	    out.u.authorize_req.ip),
	    "authorize request: response_type 2, an empty nonce and "
	    "code_challenge, then ip");
	free(copy);

	authorize_req(&in);
	in.u.authorize_req.response_type = UINT32_MAX;
	n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
	CHECK(n == 248 && out.u.authorize_req.response_type == UINT32_MAX,
	    "authorize request: response_type UINT32_MAX is carried as it "
	    "is");
	free(copy);

	memset(&in, 0, sizeof(in));
	in.type = PROTO_AUTHORIZE;
	in.id = 43;
	in.u.authorize_req.login = proto_str("l");
	in.u.authorize_req.grant = proto_str("g");
	in.u.authorize_req.client_id = proto_str("c");
	in.u.authorize_req.redirect_uri = proto_str("r");
	in.u.authorize_req.response_type = 2;
	in.u.authorize_req.scope = proto_str("s");
	in.u.authorize_req.nonce = proto_str("n");
	in.u.authorize_req.code_challenge = proto_str("h");
	in.u.authorize_req.ip = proto_str("p");
	in.u.authorize_req.user_agent = proto_str("a");
	n = proto_encode(&in, PROTO_REQUEST, buf, sizeof(buf));
	CHECK(n == (long)sizeof(want) && memcmp(buf, want, sizeof(want)) == 0,
	    "authorize request: login, grant, client_id, redirect_uri, "
	    "response_type, scope, nonce, code_challenge, ip, user_agent, "
	    "big-endian");
	fr_start(PROTO_VERSION, PROTO_AUTHORIZE, 43, 0);
	fr_bytes(want + PROTO_HEADER_LEN, sizeof(want) - PROTO_HEADER_LEN);
	fr_seal();
	rc = decode_copy(fr.b, fr.len, PROTO_REQUEST, &out, &why, &copy);
	CHECK(rc == 0 && fr.len == sizeof(want) &&
	    memcmp(fr.b, want, sizeof(want)) == 0 &&
	    str_is(out.u.authorize_req.login, "l", 1) &&
	    str_is(out.u.authorize_req.code_challenge, "h", 1) &&
	    out.u.authorize_req.response_type == 2,
	    "authorize request: the frame built by hand decodes");
	free(copy);

	authorize_rep_code(&in);
	n = form_roundtrip(fp, &in, 157, &out, &copy,
	    "authorize reply, a code");
	CHECK(out.type == PROTO_AUTHORIZE &&
	    str_is(out.u.follow_rep.code, CODE, 22) &&
	    str_is(out.u.follow_rep.grant, CODE_GRANT, 32) &&
	    out.u.follow_rep.login.len == 0 &&
	    session_follows(copy, n, &out, 0, 0) && event_is(&out, "", 0),
	    "authorize reply, a code: the code and its grant, as a follow "
	    "reply's, and the sid after expires_in, the rest of the session "
	    "empty, session_exp 0, no event");
	free(copy);

	/* The two replies share a layout: a body is good as either. */
	follow_rep_tokens(&in);
	n = proto_encode(&in, PROTO_REPLY, buf, sizeof(buf));
	fr_start(PROTO_VERSION, PROTO_AUTHORIZE, 31, 0);
	if (n > PROTO_HEADER_LEN)
		fr_bytes(buf + PROTO_HEADER_LEN, (size_t)n - PROTO_HEADER_LEN);
	fr_seal();
	rc = decode_copy(fr.b, fr.len, PROTO_REPLY, &out, &why, &copy);
	CHECK(n == 332 + (long)STARTED_LEN + 36 && rc == 0 &&
	    out.type == PROTO_AUTHORIZE &&
	    form_same(fp, &out, &in),
	    "a follow reply's body (the tokens) decodes as an authorize "
	    "reply");
	free(copy);
}

/*
 * Sizes: code_req() is 16 + 8 * 2 + 4 bytes of framing and 7 + 7 + 22 +
 * 32 + 32 + 43 + 9 + 11 of strings (199); the replayed one has no
 * redirect_uri and no code_verifier (124).  login_rep() is 16 + 4 * 2 +
 * 4 of framing and 58 + 50 + 32 + 43 of strings (211).
 */
static void
test_roundtrip_code(void)
{
	static const uint8_t	 want[] = {
		0x00, 0x00, 0x00, 0x2c,		/* 16 + 8 * 3 + 4 */
		0x00, 0x07,
		0x00, 0x08,			/* code_replayed */
		0x00, 0x00, 0x00, 0x07,
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x01, 'c',		/* client_id */
		0x00, 0x01, 's',		/* secret */
		0x00, 0x01, 'o',		/* code */
		0x00, 0x01, 'g',		/* grant */
		0x00, 0x01, 'r',		/* redirect_uri */
		0x00, 0x01, 'v',		/* code_verifier */
		0x00, 0x00, 0x00, 0x01,		/* revoked */
		0x00, 0x01, 'p',		/* ip */
		0x00, 0x01, 'a',		/* user_agent */
	};
	const struct msgform	*fm;
	struct proto_msg	 in, out;
	const char		*why;
	uint8_t			*copy, buf[256];
	uint32_t		 st;
	long			 n;
	int			 all, rc;

	fm = &forms[FORM_CODE_REQ];
	code_req(&in, PROTO_CODE_TOKENS);
	n = form_roundtrip(fm, &in, 199, &out, &copy, "code_tokens request");
	CHECK(str_follows(copy, n, out.u.code_req.redirect_uri,
	    out.u.code_req.code_verifier) &&
	    str_is(out.u.code_req.code_verifier, VERIFIER, 43) &&
	    u32_between(copy, n, out.u.code_req.code_verifier, 0,
	    out.u.code_req.ip) &&
	    str_is(out.u.code_req.redirect_uri, CALLBACK, 32) &&
	    str_is(out.u.code_req.ip, "127.0.0.1", 9) &&
	    str_is(out.u.code_req.client_id, "web-app", 7) &&
	    str_is(out.u.code_req.secret, "s3cr:et", 7) &&
	    str_is(out.u.code_req.code, CODE, 22) &&
	    str_is(out.u.code_req.grant, CODE_GRANT, 32),
	    "code_tokens request: code_verifier right after redirect_uri, "
	    "then revoked 0, then ip");
	free(copy);

	fm = &forms[FORM_REPLAYED_REQ];
	code_req(&in, PROTO_CODE_REPLAYED);
	n = form_roundtrip(fm, &in, 124, &out, &copy,
	    "code_replayed request");
	CHECK(str_follows(copy, n, out.u.code_req.redirect_uri,
	    out.u.code_req.code_verifier) &&
	    u32_between(copy, n, out.u.code_req.code_verifier, 1,
	    out.u.code_req.ip) && out.u.code_req.redirect_uri.len == 0 &&
	    out.u.code_req.code_verifier.len == 0 &&
	    str_is(out.u.code_req.user_agent, "curl/7.88.1", 11) &&
	    out.u.code_req.user_agent.p == (const char *)copy + n - 11,
	    "code_replayed request: revoked 1 right after an empty "
	    "redirect_uri and an empty code_verifier, before ip; user_agent "
	    "ends the frame");
	free(copy);

	/* The two requests share a layout: a body is good as either. */
	code_req(&in, PROTO_CODE_TOKENS);
	n = proto_encode(&in, PROTO_REQUEST, buf, sizeof(buf));
	fr_start(PROTO_VERSION, PROTO_CODE_REPLAYED, 77, 0);
	if (n > PROTO_HEADER_LEN)
		fr_bytes(buf + PROTO_HEADER_LEN, (size_t)n - PROTO_HEADER_LEN);
	fr_seal();
	rc = decode_copy(fr.b, fr.len, PROTO_REQUEST, &out, &why, &copy);
	CHECK(n == 199 && rc == 0 && out.type == PROTO_CODE_REPLAYED &&
	    form_same(fm, &out, &in),
	    "a code_tokens request's body decodes as a code_replayed one");
	free(copy);

	memset(&in, 0, sizeof(in));
	in.type = PROTO_CODE_REPLAYED;
	in.id = 7;
	in.u.code_req.client_id = proto_str("c");
	in.u.code_req.secret = proto_str("s");
	in.u.code_req.code = proto_str("o");
	in.u.code_req.grant = proto_str("g");
	in.u.code_req.redirect_uri = proto_str("r");
	in.u.code_req.code_verifier = proto_str("v");
	in.u.code_req.revoked = 1;
	in.u.code_req.ip = proto_str("p");
	in.u.code_req.user_agent = proto_str("a");
	n = proto_encode(&in, PROTO_REQUEST, buf, sizeof(buf));
	CHECK(n == (long)sizeof(want) && memcmp(buf, want, sizeof(want)) == 0,
	    "code_replayed request: client_id, secret, code, grant, "
	    "redirect_uri, code_verifier, revoked, ip, user_agent, "
	    "big-endian");

	fm = &forms[FORM_CODE_REP];
	login_rep(&in);
	n = form_roundtrip(fm, &in, 211, &out, &copy, "code_tokens reply");
	CHECK(str_is(out.u.login_rep.id_token, ID_TOKEN, 58) &&
	    str_is(out.u.login_rep.access_token, ACCESS_TOKEN, 50) &&
	    u32_between(copy, n, out.u.login_rep.access_jti, 86400,
	    out.u.login_rep.sid) &&
	    str_is(out.u.login_rep.sid, SID, 43) &&
	    out.u.login_rep.sid.p == (const char *)copy + n - 43,
	    "code_tokens reply: id_token, access_token, access_jti, "
	    "expires_in 86400, then the sid, which ends the frame");
	free(copy);

	login_rep(&in);
	in.u.login_rep.id_token = str_of("", 0);
	in.u.login_rep.access_token = str_of("", 0);
	in.u.login_rep.access_jti = str_of("", 0);
	in.u.login_rep.expires_in = 0;
	in.u.login_rep.sid = str_of("", 0);
	n = roundtrip(&in, PROTO_REPLY, &out, &copy);
	CHECK(n == PROTO_HEADER_LEN + 4 * 2 + 4 &&
	    out.u.login_rep.id_token.len == 0 &&
	    out.u.login_rep.access_token.len == 0 &&
	    out.u.login_rep.access_jti.len == 0 &&
	    out.u.login_rep.expires_in == 0 &&
	    out.u.login_rep.sid.len == 0,
	    "code_tokens reply: empty strings, expires_in 0, empty sid");
	free(copy);

	login_rep(&in);
	in.u.login_rep.sid = fill('d', PROTO_SID_MAX);
	n = roundtrip(&in, PROTO_REPLY, &out, &copy);
	CHECK(n == 211 - 43 + PROTO_SID_MAX &&
	    str_all(out.u.login_rep.sid, 'd', PROTO_SID_MAX) &&
	    out.u.login_rep.expires_in == 86400,
	    "code_tokens reply: a sid of PROTO_SID_MAX (%d) round trips",
	    PROTO_SID_MAX);
	free(copy);

	/* A replayed code is on the record: the answer is its status. */
	memset(&in, 0, sizeof(in));
	in.type = PROTO_CODE_REPLAYED;
	in.id = 8;
	all = 1;
	for (st = 0; st < PROTO_STATUS__MAX; st++) {
		in.status = st;
		n = roundtrip(&in, PROTO_REPLY, &out, &copy);
		if (n != PROTO_HEADER_LEN || out.status != st)
			all = 0;
		free(copy);
	}
	CHECK(all, "code_replayed reply: ok and each error status, header "
	    "only");
}

/*
 * Sizes: observed_req() is 16 + 2 * 4 + 4 * 2 bytes of framing and 7 + 11
 * of strings, no sid, no detail (50).  A delivery's outcome has the sid,
 * 43, and its detail.
 */
static void
test_roundtrip_observed(void)
{
	static const uint8_t	 want[] = {
		0x00, 0x00, 0x00, 0x24,		/* 16 + 4 + 3 + 3 + 4 + 3 + 3 */
		0x00, 0x07,
		0x00, 0x09,			/* observed */
		0x00, 0x00, 0x00, 0x03,
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x02,		/* what */
		0x00, 0x01, 'c',		/* client_id */
		0x00, 0x01, 'p',		/* ip */
		0x01, 0x02, 0x03, 0x04,		/* count */
		0x00, 0x01, 'd',		/* sid */
		0x00, 0x01, 'x',		/* detail */
	};
	static const struct {
		uint32_t	 what;
		const char	*detail;
	} seen[] = {
		{ PROTO_SEEN_LOGOUT_DELIVERED, "" },
		{ PROTO_SEEN_LOGOUT_FAILED, "HTTP 500 after 8 attempts" },
		{ PROTO_SEEN_WEBHOOK_DELIVERED,
		    "impersonation.started to " WEBHOOK_URL },
		{ PROTO_SEEN_WEBHOOK_FAILED, "impersonation.ended to "
		    WEBHOOK_URL ": still queued at the stop" },
	};
	size_t			 i;
	const char		*why;
	int			 rc;
	const struct msgform	*fm = &forms[FORM_OBSERVED_REQ];
	struct proto_msg	 in, out;
	uint8_t			*copy, buf[64];
	uint32_t		 st;
	long			 n;
	int			 all;

	observed_req(&in);
	n = form_roundtrip(fm, &in, 50, &out, &copy, "observed request");
	CHECK(get_u32(copy + PROTO_HEADER_LEN) == PROTO_SEEN_AUTH_FAILED &&
	    out.u.observed_req.what == PROTO_SEEN_AUTH_FAILED &&
	    str_is(out.u.observed_req.client_id, "web-app", 7) &&
	    str_is(out.u.observed_req.ip, "203.0.113.7", 11) &&
	    u32_between(copy, n, out.u.observed_req.ip, 12,
	    out.u.observed_req.sid) && out.u.observed_req.sid.len == 0 &&
	    str_follows(copy, n, out.u.observed_req.sid,
	    out.u.observed_req.detail) &&
	    out.u.observed_req.detail.len == 0 &&
	    out.u.observed_req.detail.p == (const char *)copy + n,
	    "observed request: what first, then client_id, ip, count 12, "
	    "and an empty sid and detail, which end the frame");
	free(copy);

	/* The deliveries' outcomes: each new value, its session and words. */
	for (i = 0; i < NELEM(seen); i++) {
		observed_seen(&in, seen[i].what, seen[i].detail);
		n = form_roundtrip(fm, &in, PROTO_HEADER_LEN + 4 +
		    (long)in.u.observed_req.client_id.len + 2 + 2 + 4 + 2 + 43 +
		    2 + (long)strlen(seen[i].detail), &out, &copy,
		    seen_what(seen[i].what));
		CHECK(get_u32(copy + PROTO_HEADER_LEN) == seen[i].what &&
		    u32_between(copy, n, out.u.observed_req.ip, 1,
		    out.u.observed_req.sid) &&
		    str_is(out.u.observed_req.sid, SID, 43) &&
		    str_follows(copy, n, out.u.observed_req.sid,
		    out.u.observed_req.detail) &&
		    str_is(out.u.observed_req.detail, seen[i].detail,
		    strlen(seen[i].detail)) &&
		    out.u.observed_req.detail.p + out.u.observed_req.detail.len
		    == (const char *)copy + n,
		    "%s: what %u on the wire, count 1, then the session's sid "
		    "and the detail, which ends the frame",
		    seen_what(seen[i].what),
		    (unsigned int)seen[i].what);
		free(copy);
	}

	/* The sid and the detail at their maxima. */
	observed_seen(&in, PROTO_SEEN_WEBHOOK_FAILED, "");
	pool_used = 0;
	in.u.observed_req.sid = pool_fill('d', PROTO_SID_MAX);
	in.u.observed_req.detail = pool_fill('x', PROTO_MESSAGE_MAX);
	n = form_roundtrip(fm, &in, PROTO_HEADER_LEN + 4 + 2 + 2 + 4 + 2 +
	    PROTO_SID_MAX + 2 + PROTO_MESSAGE_MAX, &out, &copy,
	    "observed request, sid and detail at their maxima");
	CHECK(str_all(out.u.observed_req.sid, 'd', PROTO_SID_MAX) &&
	    str_all(out.u.observed_req.detail, 'x', PROTO_MESSAGE_MAX),
	    "observed request: a sid of PROTO_SID_MAX (%d), a detail of "
	    "PROTO_MESSAGE_MAX (%d)", PROTO_SID_MAX, PROTO_MESSAGE_MAX);
	free(copy);

	/* What is seen with no client (a reload): empty client_id and ip. */
	memset(&in, 0, sizeof(in));
	in.type = PROTO_OBSERVED;
	in.id = 10;
	in.u.observed_req.what = PROTO_SEEN_RELOAD_FAILED;
	n = form_roundtrip(fm, &in, PROTO_HEADER_LEN + 4 + 2 + 2 + 4 + 2 + 2,
	    &out, &copy, "observed request, no client, count 0");
	free(copy);

	memset(&in, 0, sizeof(in));
	in.type = PROTO_OBSERVED;
	in.id = 3;
	in.u.observed_req.what = PROTO_SEEN_LINK_UNKNOWN;
	in.u.observed_req.client_id = proto_str("c");
	in.u.observed_req.ip = proto_str("p");
	in.u.observed_req.count = 0x01020304;
	in.u.observed_req.sid = proto_str("d");
	in.u.observed_req.detail = proto_str("x");
	n = proto_encode(&in, PROTO_REQUEST, buf, sizeof(buf));
	CHECK(n == (long)sizeof(want) && memcmp(buf, want, sizeof(want)) == 0,
	    "observed request: what, client_id, ip, count, sid, detail, "
	    "big-endian");
	fr_start(PROTO_VERSION, PROTO_OBSERVED, 3, 0);
	fr_bytes(want + PROTO_HEADER_LEN, sizeof(want) - PROTO_HEADER_LEN);
	fr_seal();
	rc = decode_copy(fr.b, fr.len, PROTO_REQUEST, &out, &why, &copy);
	CHECK(rc == 0 && fr.len == sizeof(want) &&
	    memcmp(fr.b, want, sizeof(want)) == 0 &&
	    out.u.observed_req.count == 0x01020304 &&
	    str_is(out.u.observed_req.sid, "d", 1) &&
	    str_is(out.u.observed_req.detail, "x", 1),
	    "observed request: the frame built by hand decodes");
	free(copy);

	memset(&in, 0, sizeof(in));
	in.type = PROTO_OBSERVED;
	in.id = 3;
	all = 1;
	for (st = 0; st < PROTO_STATUS__MAX; st++) {
		in.status = st;
		n = roundtrip(&in, PROTO_REPLY, &out, &copy);
		if (n != PROTO_HEADER_LEN || out.status != st)
			all = 0;
		free(copy);
	}
	CHECK(all, "observed reply: ok and each error status, header only");
}

static void
test_roundtrip_client_auth(void)
{
	static const uint8_t	 want[] = {
		0x00, 0x00, 0x00, 0x17,		/* 16 + 3 + 4 */
		0x00, 0x07,
		0x00, 0x04,			/* client_auth */
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
	n = form_roundtrip(&forms[FORM_AUTH_REQ], &in,
	    PROTO_HEADER_LEN + 2 + 7 + 2 + 7, &out, &copy,
	    "client_auth request");
	CHECK(str_is(out.u.auth_req.client_id, "web-app", 7) &&
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

	token_req(&in, "web-app", "s3cr:et", "https://api.example.com",
	    "read:users", "127.0.0.1", "curl/7.88.1");
	n = form_roundtrip(&forms[FORM_TOKEN_REQ], &in, PROTO_HEADER_LEN +
	    6 * 2 + 7 + 7 + 23 + 10 + 9 + 11, &out, &copy,
	    "client_token request");
	free(copy);
}

/*
 * Sizes: a session_end request has 16 + 7 * 2 + 4 bytes of framing (34);
 * with the API's bearer, 43 + 36 + 54 + 9 + 11 of strings (187); at the
 * console, 43 + 36 + 43 + 36 + 9 + 11 (212); expired, 43 + 36 (113).  Its
 * reply is 16 + 3 * 2 and the logout token, 67 (89), or none (22), and the
 * event impersonation.ended with its grant, when a webhook is sent it.
 */
static void
test_roundtrip_session_end(void)
{
	static const uint8_t	 want[] = {
		0x00, 0x00, 0x00, 0x29,		/* 16 + 7 * 3 + 4 */
		0x00, 0x07,
		0x00, 0x11,			/* session_end */
		0x00, 0x00, 0x5e, 0x55,
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x01, 'd',		/* sid */
		0x00, 0x01, 'g',		/* grant */
		0x00, 0x00, 0x00, 0x02,		/* cause */
		0x00, 0x01, 'b',		/* bearer */
		0x00, 0x01, 'l',		/* session */
		0x00, 0x01, 'c',		/* console_grant */
		0x00, 0x01, 'p',		/* ip */
		0x00, 0x01, 'a',		/* user_agent */
	};
	static const uint8_t	 want_rep[] = {
		0x00, 0x00, 0x00, 0x19,		/* 16 + 3 + 3 + 3 */
		0x00, 0x07,
		0x00, 0x11,
		0x00, 0x00, 0x5e, 0x55,
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x01, 't',		/* logout_token */
		0x00, 0x01, 'w',		/* webhook */
		0x00, 0x01, 'g',		/* webhook_grant */
	};
	const struct msgform	*fq = &forms[FORM_END_REQ];
	const struct msgform	*fp = &forms[FORM_END_REP];
	struct proto_msg	 in, out;
	const char		*why;
	uint8_t			*copy, buf[256];
	uint32_t		 st;
	long			 n;
	int			 rc, all;

	end_req(&in, PROTO_END_API);
	n = form_roundtrip(fq, &in, 187, &out, &copy,
	    "session_end request, by the API");
	CHECK(out.u.end_req.sid.p == (const char *)copy + PROTO_HEADER_LEN +
	    2 && str_is(out.u.end_req.sid, SID, 43) &&
	    str_follows(copy, n, out.u.end_req.sid, out.u.end_req.grant) &&
	    str_is(out.u.end_req.grant, SESSION_GRANT, 36) &&
	    u32_between(copy, n, out.u.end_req.grant, PROTO_END_API,
	    out.u.end_req.bearer) &&
	    str_is(out.u.end_req.bearer, BEARER, 54) &&
	    out.u.end_req.session.len == 0 &&
	    out.u.end_req.console_grant.len == 0 &&
	    str_is(out.u.end_req.ip, "127.0.0.1", 9) &&
	    str_is(out.u.end_req.user_agent, "curl/7.88.1", 11) &&
	    out.u.end_req.user_agent.p == (const char *)copy + n - 11,
	    "session_end request, by the API: sid first, then the session's "
	    "grant, cause 1, the bearer token, an empty session and "
	    "console_grant, ip, and user_agent, which ends the frame");
	free(copy);

	end_req(&in, PROTO_END_CONSOLE);
	n = form_roundtrip(fq, &in, 212, &out, &copy,
	    "session_end request, at the console");
	CHECK(u32_between(copy, n, out.u.end_req.grant, PROTO_END_CONSOLE,
	    out.u.end_req.bearer) && out.u.end_req.bearer.len == 0 &&
	    str_follows(copy, n, out.u.end_req.bearer,
	    out.u.end_req.session) &&
	    str_is(out.u.end_req.session, LOGIN, 43) &&
	    str_follows(copy, n, out.u.end_req.session,
	    out.u.end_req.console_grant) &&
	    str_is(out.u.end_req.console_grant, CONSOLE_GRANT, 36) &&
	    str_follows(copy, n, out.u.end_req.console_grant,
	    out.u.end_req.ip),
	    "session_end request, at the console: cause 2, no bearer, the "
	    "console session's cookie and grant, then ip");
	free(copy);

	end_req(&in, PROTO_END_EXPIRED);
	n = form_roundtrip(fq, &in, 113, &out, &copy,
	    "session_end request, expired");
	CHECK(u32_between(copy, n, out.u.end_req.grant, PROTO_END_EXPIRED,
	    out.u.end_req.bearer) && out.u.end_req.bearer.len == 0 &&
	    out.u.end_req.session.len == 0 &&
	    out.u.end_req.console_grant.len == 0 &&
	    out.u.end_req.ip.len == 0 && out.u.end_req.user_agent.len == 0,
	    "session_end request, expired: the sid, its grant, cause 3, and "
	    "five empty strings");
	free(copy);

	end_req(&in, PROTO_END_SIGNED_OUT);
	n = form_roundtrip(fq, &in, 113, &out, &copy,
	    "session_end request, signed out");
	CHECK(out.u.end_req.cause == PROTO_END_SIGNED_OUT,
	    "session_end request, signed out: cause 4");
	free(copy);

	/* The decoder carries any cause: the signer refuses it, not it. */
	end_req(&in, UINT32_MAX);
	n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
	CHECK(n == 113 && out.u.end_req.cause == UINT32_MAX &&
	    u32_between(copy, n, out.u.end_req.grant, UINT32_MAX,
	    out.u.end_req.bearer),
	    "session_end request: cause UINT32_MAX is carried as it is");
	free(copy);
	end_req(&in, 0);
	n = roundtrip(&in, PROTO_REQUEST, &out, &copy);
	CHECK(n == 113 && out.u.end_req.cause == 0,
	    "session_end request: cause 0 is carried as it is");
	free(copy);

	memset(&in, 0, sizeof(in));
	in.type = PROTO_SESSION_END;
	in.id = 0x5e55;
	in.u.end_req.sid = proto_str("d");
	in.u.end_req.grant = proto_str("g");
	in.u.end_req.cause = PROTO_END_CONSOLE;
	in.u.end_req.bearer = proto_str("b");
	in.u.end_req.session = proto_str("l");
	in.u.end_req.console_grant = proto_str("c");
	in.u.end_req.ip = proto_str("p");
	in.u.end_req.user_agent = proto_str("a");
	n = proto_encode(&in, PROTO_REQUEST, buf, sizeof(buf));
	CHECK(n == (long)sizeof(want) && memcmp(buf, want, sizeof(want)) == 0,
	    "session_end request: type 17; sid, grant, cause, bearer, "
	    "session, console_grant, ip, user_agent, big-endian");
	fr_start(PROTO_VERSION, PROTO_SESSION_END, 0x5e55, 0);
	fr_bytes(want + PROTO_HEADER_LEN, sizeof(want) - PROTO_HEADER_LEN);
	fr_seal();
	rc = decode_copy(fr.b, fr.len, PROTO_REQUEST, &out, &why, &copy);
	CHECK(rc == 0 && fr.len == sizeof(want) &&
	    memcmp(fr.b, want, sizeof(want)) == 0 &&
	    str_is(out.u.end_req.sid, "d", 1) &&
	    out.u.end_req.cause == PROTO_END_CONSOLE &&
	    str_is(out.u.end_req.user_agent, "a", 1),
	    "session_end request: the frame built by hand decodes");
	free(copy);

	end_rep(&in, LOGOUT_TOKEN);
	n = form_roundtrip(fp, &in, 89, &out, &copy,
	    "session_end reply, a logout token");
	CHECK(out.u.end_rep.logout_token.p == (const char *)copy +
	    PROTO_HEADER_LEN + 2 &&
	    str_is(out.u.end_rep.logout_token, LOGOUT_TOKEN, 67) &&
	    out.u.end_rep.logout_token.p == (const char *)copy + n - 4 - 67 &&
	    str_follows(copy, n, out.u.end_rep.logout_token,
	    out.u.end_rep.webhook) && out.u.end_rep.webhook.len == 0 &&
	    str_follows(copy, n, out.u.end_rep.webhook,
	    out.u.end_rep.webhook_grant) &&
	    out.u.end_rep.webhook_grant.len == 0,
	    "session_end reply: the logout token first, then no event (an "
	    "empty webhook and webhook_grant), which end the frame");
	free(copy);
	end_rep_ended(&in, LOGOUT_TOKEN);
	n = form_roundtrip(fp, &in, 89 + (long)ENDED_LEN + 36, &out, &copy,
	    "session_end reply, a logout token and impersonation.ended");
	CHECK(str_is(out.u.end_rep.logout_token, LOGOUT_TOKEN, 67) &&
	    str_follows(copy, n, out.u.end_rep.logout_token,
	    out.u.end_rep.webhook) &&
	    str_is(out.u.end_rep.webhook, ENDED, ENDED_LEN) &&
	    str_follows(copy, n, out.u.end_rep.webhook,
	    out.u.end_rep.webhook_grant) &&
	    str_is(out.u.end_rep.webhook_grant, WEBHOOK_GRANT, 36) &&
	    out.u.end_rep.webhook_grant.p == (const char *)copy + n - 36,
	    "session_end reply: the logout token, the event "
	    "impersonation.ended, and its grant, which ends the frame");
	free(copy);
	end_rep(&in, "");
	n = form_roundtrip(fp, &in, PROTO_HEADER_LEN + 3 * 2, &out, &copy,
	    "session_end reply, no logout token");
	CHECK(n == PROTO_HEADER_LEN + 3 * 2 &&
	    out.u.end_rep.logout_token.len == 0 &&
	    out.u.end_rep.webhook.len == 0 &&
	    out.u.end_rep.webhook_grant.len == 0,
	    "session_end reply, for an application without "
	    "backchannel_logout_uri and no webhook: three empty strings");
	free(copy);
	end_rep_ended(&in, "");
	n = form_roundtrip(fp, &in, PROTO_HEADER_LEN + 3 * 2 +
	    (long)ENDED_LEN + 36, &out, &copy,
	    "session_end reply, no logout token, impersonation.ended");
	CHECK(out.u.end_rep.logout_token.len == 0 &&
	    str_is(out.u.end_rep.webhook, ENDED, ENDED_LEN),
	    "session_end reply: an event without a logout token");
	free(copy);
	end_rep(&in, "t");
	in.u.end_rep.webhook = proto_str("w");
	in.u.end_rep.webhook_grant = proto_str("g");
	n = proto_encode(&in, PROTO_REPLY, buf, sizeof(buf));
	CHECK(n == (long)sizeof(want_rep) &&
	    memcmp(buf, want_rep, sizeof(want_rep)) == 0,
	    "session_end reply: logout_token, webhook, webhook_grant, "
	    "big-endian");
	fr_start(PROTO_VERSION, PROTO_SESSION_END, 0x5e55, 0);
	fr_bytes(want_rep + PROTO_HEADER_LEN,
	    sizeof(want_rep) - PROTO_HEADER_LEN);
	fr_seal();
	rc = decode_copy(fr.b, fr.len, PROTO_REPLY, &out, &why, &copy);
	CHECK(rc == 0 && str_is(out.u.end_rep.logout_token, "t", 1) &&
	    str_is(out.u.end_rep.webhook, "w", 1) &&
	    str_is(out.u.end_rep.webhook_grant, "g", 1),
	    "session_end reply: the frame built by hand decodes");
	free(copy);

	/* Refused: the status alone. */
	end_rep(&in, "");
	all = 1;
	for (st = 1; st < PROTO_STATUS__MAX; st++) {
		in.status = st;
		n = roundtrip(&in, PROTO_REPLY, &out, &copy);
		if (n != PROTO_HEADER_LEN || out.status != st)
			all = 0;
		free(copy);
	}
	CHECK(all, "session_end reply: each error status, header only");
	end_rep(&in, "");
	fr_start(PROTO_VERSION, PROTO_SESSION_END, 1, 0);
	CHECK(fr_refused(PROTO_REPLY, "truncated string length"),
	    "session_end reply, ok, without its logout_token: refused");
}

/*
 * Sizes: webhook_req() is 16 + 3 * 2 bytes of framing and 23 +
 * STARTED_LEN + 36 of strings; webhook_rep() is 16 + 2 * 2 + 4 of framing
 * and 26 + 47 of strings (97).
 */
static void
test_roundtrip_webhook(void)
{
	static const uint8_t	 want[] = {
		0x00, 0x00, 0x00, 0x19,		/* 16 + 3 * 3 */
		0x00, 0x07,
		0x00, 0x12,			/* webhook_sign */
		0x00, 0x00, 0x40, 0x0c,
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x01, 'u',		/* url */
		0x00, 0x01, 'b',		/* body */
		0x00, 0x01, 'g',		/* grant */
	};
	static const uint8_t	 want_rep[] = {
		0x00, 0x00, 0x00, 0x1a,		/* 16 + 3 + 4 + 3 */
		0x00, 0x07,
		0x00, 0x12,
		0x00, 0x00, 0x40, 0x0c,
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x01, 'i',		/* id */
		0x6b, 0x11, 0x9f, 0x60,		/* timestamp */
		0x00, 0x01, 's',		/* signature */
	};
	const struct msgform	*fq = &forms[FORM_WEBHOOK_REQ];
	const struct msgform	*fp = &forms[FORM_WEBHOOK_REP];
	struct proto_msg	 in, out;
	const char		*why;
	uint8_t			*copy, buf[256];
	uint32_t		 st;
	long			 n;
	int			 rc, all;

	webhook_req(&in);
	n = form_roundtrip(fq, &in, 16 + 3 * 2 + 23 + (long)STARTED_LEN + 36,
	    &out, &copy, "webhook_sign request");
	CHECK(out.u.webhook_req.url.p == (const char *)copy +
	    PROTO_HEADER_LEN + 2 && str_is(out.u.webhook_req.url,
	    WEBHOOK_URL, 23) && str_follows(copy, n, out.u.webhook_req.url,
	    out.u.webhook_req.body) &&
	    str_is(out.u.webhook_req.body, STARTED, STARTED_LEN) &&
	    str_follows(copy, n, out.u.webhook_req.body,
	    out.u.webhook_req.grant) &&
	    str_is(out.u.webhook_req.grant, WEBHOOK_GRANT, 36) &&
	    out.u.webhook_req.grant.p == (const char *)copy + n - 36,
	    "webhook_sign request: the url first, then the event's body, "
	    "then its grant, which ends the frame");
	free(copy);

	/* Each field at its maximum, the others as sent. */
	webhook_req(&in);
	pool_used = 0;
	in.u.webhook_req.url = pool_fill('u', PROTO_URL_MAX);
	in.u.webhook_req.body = pool_fill('b', PROTO_WEBHOOK_MAX);
	in.u.webhook_req.grant = pool_fill('g', PROTO_GRANT_MAX);
	n = form_roundtrip(fq, &in, 16 + 3 * 2 + PROTO_URL_MAX +
	    PROTO_WEBHOOK_MAX + PROTO_GRANT_MAX, &out, &copy,
	    "webhook_sign request at its maxima");
	CHECK(str_all(out.u.webhook_req.url, 'u', PROTO_URL_MAX) &&
	    str_all(out.u.webhook_req.body, 'b', PROTO_WEBHOOK_MAX) &&
	    str_all(out.u.webhook_req.grant, 'g', PROTO_GRANT_MAX),
	    "webhook_sign request: a url of PROTO_URL_MAX (%d), a body of "
	    "PROTO_WEBHOOK_MAX (%d), a grant of PROTO_GRANT_MAX (%d)",
	    PROTO_URL_MAX, PROTO_WEBHOOK_MAX, PROTO_GRANT_MAX);
	free(copy);
	all = 1;
	webhook_req(&in);
	in.u.webhook_req.url = fill('u', PROTO_URL_MAX + 1);
	if (proto_encode(&in, PROTO_REQUEST, fr.b, sizeof(fr.b)) != -1)
		all = 0;
	webhook_req(&in);
	in.u.webhook_req.body = fill('b', PROTO_WEBHOOK_MAX + 1);
	if (proto_encode(&in, PROTO_REQUEST, fr.b, sizeof(fr.b)) != -1)
		all = 0;
	webhook_req(&in);
	in.u.webhook_req.grant = fill('g', PROTO_GRANT_MAX + 1);
	if (proto_encode(&in, PROTO_REQUEST, fr.b, sizeof(fr.b)) != -1)
		all = 0;
	CHECK(all, "webhook_sign request: encode refuses a url, a body or a "
	    "grant one byte over, the others as sent");
	all = 1;
	fr_start(PROTO_VERSION, PROTO_WEBHOOK_SIGN, 1, 0);
	fr_str_fill('u', PROTO_URL_MAX + 1);
	fr_str(STARTED);
	fr_str(WEBHOOK_GRANT);
	if (!fr_refused(PROTO_REQUEST, "maximum"))
		all = 0;
	fr_start(PROTO_VERSION, PROTO_WEBHOOK_SIGN, 1, 0);
	fr_str(WEBHOOK_URL);
	fr_str_fill('b', PROTO_WEBHOOK_MAX + 1);
	fr_str(WEBHOOK_GRANT);
	if (!fr_refused(PROTO_REQUEST, "maximum"))
		all = 0;
	fr_start(PROTO_VERSION, PROTO_WEBHOOK_SIGN, 1, 0);
	fr_str(WEBHOOK_URL);
	fr_str(STARTED);
	fr_str_fill('g', PROTO_GRANT_MAX + 1);
	if (!fr_refused(PROTO_REQUEST, "maximum"))
		all = 0;
	CHECK(all, "webhook_sign request: decode refuses a url, a body or a "
	    "grant one byte over, the others as sent");

	memset(&in, 0, sizeof(in));
	in.type = PROTO_WEBHOOK_SIGN;
	in.id = 0x400c;
	in.u.webhook_req.url = proto_str("u");
	in.u.webhook_req.body = proto_str("b");
	in.u.webhook_req.grant = proto_str("g");
	n = proto_encode(&in, PROTO_REQUEST, buf, sizeof(buf));
	CHECK(n == (long)sizeof(want) && memcmp(buf, want, sizeof(want)) == 0,
	    "webhook_sign request: type 18; url, body, grant, big-endian");
	fr_start(PROTO_VERSION, PROTO_WEBHOOK_SIGN, 0x400c, 0);
	fr_bytes(want + PROTO_HEADER_LEN, sizeof(want) - PROTO_HEADER_LEN);
	fr_seal();
	rc = decode_copy(fr.b, fr.len, PROTO_REQUEST, &out, &why, &copy);
	CHECK(rc == 0 && memcmp(fr.b, want, sizeof(want)) == 0 &&
	    str_is(out.u.webhook_req.url, "u", 1) &&
	    str_is(out.u.webhook_req.body, "b", 1) &&
	    str_is(out.u.webhook_req.grant, "g", 1),
	    "webhook_sign request: the frame built by hand decodes");
	free(copy);

	webhook_rep(&in);
	n = form_roundtrip(fp, &in, 97, &out, &copy, "webhook_sign reply");
	CHECK(out.u.webhook_rep.id.p == (const char *)copy +
	    PROTO_HEADER_LEN + 2 && str_is(out.u.webhook_rep.id, MSG_ID, 26) &&
	    u32_between(copy, n, out.u.webhook_rep.id, MSG_TIME,
	    out.u.webhook_rep.signature) &&
	    str_is(out.u.webhook_rep.signature, SIGNATURE, 47) &&
	    out.u.webhook_rep.signature.p == (const char *)copy + n - 47,
	    "webhook_sign reply: the id, then the timestamp, then the "
	    "signature, which ends the frame");
	free(copy);

	webhook_rep(&in);
	pool_used = 0;
	in.u.webhook_rep.id = pool_fill('i', PROTO_JTI_MAX);
	in.u.webhook_rep.timestamp = UINT32_MAX;
	in.u.webhook_rep.signature = pool_fill('s', PROTO_MESSAGE_MAX);
	n = form_roundtrip(fp, &in, 16 + 2 * 2 + 4 + PROTO_JTI_MAX +
	    PROTO_MESSAGE_MAX, &out, &copy, "webhook_sign reply at its maxima");
	CHECK(str_all(out.u.webhook_rep.id, 'i', PROTO_JTI_MAX) &&
	    out.u.webhook_rep.timestamp == UINT32_MAX &&
	    str_all(out.u.webhook_rep.signature, 's', PROTO_MESSAGE_MAX),
	    "webhook_sign reply: an id of PROTO_JTI_MAX (%d), timestamp "
	    "UINT32_MAX, a signature of PROTO_MESSAGE_MAX (%d)",
	    PROTO_JTI_MAX, PROTO_MESSAGE_MAX);
	free(copy);
	all = 1;
	webhook_rep(&in);
	in.u.webhook_rep.id = fill('i', PROTO_JTI_MAX + 1);
	if (proto_encode(&in, PROTO_REPLY, fr.b, sizeof(fr.b)) != -1)
		all = 0;
	webhook_rep(&in);
	in.u.webhook_rep.signature = fill('s', PROTO_MESSAGE_MAX + 1);
	if (proto_encode(&in, PROTO_REPLY, fr.b, sizeof(fr.b)) != -1)
		all = 0;
	fr_start(PROTO_VERSION, PROTO_WEBHOOK_SIGN, 1, 0);
	fr_str_fill('i', PROTO_JTI_MAX + 1);
	fr_u32(MSG_TIME);
	fr_str(SIGNATURE);
	if (!fr_refused(PROTO_REPLY, "maximum"))
		all = 0;
	fr_start(PROTO_VERSION, PROTO_WEBHOOK_SIGN, 1, 0);
	fr_str(MSG_ID);
	fr_u32(MSG_TIME);
	fr_str_fill('s', PROTO_MESSAGE_MAX + 1);
	if (!fr_refused(PROTO_REPLY, "maximum"))
		all = 0;
	CHECK(all, "webhook_sign reply: an id or a signature one byte over, "
	    "refused by encode and decode");

	memset(&in, 0, sizeof(in));
	in.type = PROTO_WEBHOOK_SIGN;
	in.id = 0x400c;
	in.u.webhook_rep.id = proto_str("i");
	in.u.webhook_rep.timestamp = 0x6b119f60;
	in.u.webhook_rep.signature = proto_str("s");
	n = proto_encode(&in, PROTO_REPLY, buf, sizeof(buf));
	CHECK(n == (long)sizeof(want_rep) &&
	    memcmp(buf, want_rep, sizeof(want_rep)) == 0,
	    "webhook_sign reply: id, timestamp, signature, big-endian");

	/* Refused: the status alone. */
	all = 1;
	for (st = 1; st < PROTO_STATUS__MAX; st++) {
		webhook_rep(&in);
		in.status = st;
		n = roundtrip(&in, PROTO_REPLY, &out, &copy);
		if (n != PROTO_HEADER_LEN || out.status != st ||
		    !form_empty(fp, &out))
			all = 0;
		free(copy);
	}
	CHECK(all, "webhook_sign reply: each error status, header only");
	fr_start(PROTO_VERSION, PROTO_WEBHOOK_SIGN, 1, 0);
	CHECK(fr_refused(PROTO_REPLY, "truncated string length"),
	    "webhook_sign reply, ok, without its fields: refused");
}

/* Whether a name from proto.c is want; NULL, as a missing one is, is not. */
static int
name_is(const char *name, const char *want)
{
	return name != NULL && strcmp(name, want) == 0;
}

/* The wire numbers and names of the types and statuses under test. */
static void
test_constants(void)
{
	const char	*name;
	unsigned int	 t, u;
	int		 all;

	CHECK(PROTO_VERSION == 7 && PROTO_LOGIN_MAX == 64 &&
	    PROTO_CHALLENGE_MAX == 128 && PROTO_SID_MAX == 64 &&
	    PROTO_APPROVAL_ID_MAX == 64,
	    "protocol version 7; a login cookie's value at most 64 bytes, a "
	    "PKCE challenge or verifier at most 128 (RFC 7636's longest), a "
	    "session's sid and an approval's id at most 64");
	CHECK(PROTO_WEBHOOK_MAX == 16384 && PROTO_URL_MAX == 2048 &&
	    PROTO_GRANT_MAX == 8192 && PROTO_MESSAGE_MAX == 256 &&
	    PROTO_JTI_MAX == 64,
	    "a webhook event's body at most 16384 bytes, a webhook's URL "
	    "2048, the event's grant 8192, an observed detail and a "
	    "signature 256, a webhook-id 64");
	CHECK(PROTO_CLIENT_AUTH == 4 && PROTO_LINK == 5 &&
	    PROTO_FOLLOW == 6 && PROTO_CODE_TOKENS == 7 &&
	    PROTO_CODE_REPLAYED == 8 && PROTO_OBSERVED == 9 &&
	    PROTO_AUTHORIZE == 10 && PROTO_CONSOLE_SIGNIN == 11 &&
	    PROTO_CONSOLE_BEGIN == 12 && PROTO_CONSOLE_IDP_AUTH == 13 &&
	    PROTO_CONSOLE_LINK == 14 && PROTO_CONSOLE_AUDIT == 15 &&
	    PROTO_CONSOLE_SIGNOUT == 16 && PROTO_SESSION_END == 17 &&
	    PROTO_WEBHOOK_SIGN == 18 && PROTO_REVOKE == 19 &&
	    PROTO_APPROVAL_DECIDE == 20 && PROTO_APPROVAL_LINK == 21 &&
	    PROTO_APPROVAL_EXPIRE == 22 &&
	    PROTO_CTL_SIGNER == 23 && PROTO_CTL_PAUSE == 24 &&
	    PROTO_CTL_RELOAD == 25 && PROTO_CTL_AUDIT_FILE == 26 &&
	    PROTO_TYPE__MAX == 27,
	    "wire numbers of the client_auth, impersonation, console, "
	    "session, webhook, revoke, approval and control types");
	CHECK(PROTO_END_API == 1 && PROTO_END_CONSOLE == 2 &&
	    PROTO_END_EXPIRED == 3 && PROTO_END_SIGNED_OUT == 4 &&
	    PROTO_END__MAX == 5,
	    "wire numbers of a session's end causes");
	CHECK(name_is(proto_end_name(PROTO_END_API), "ended") &&
	    name_is(proto_end_name(PROTO_END_CONSOLE), "ended_at_console") &&
	    name_is(proto_end_name(PROTO_END_EXPIRED), "expired") &&
	    name_is(proto_end_name(PROTO_END_SIGNED_OUT),
	    "console_signed_out"),
	    "proto_end_name of each cause, as the audit log and the API say "
	    "it");
	CHECK(proto_end_name(0) == NULL &&
	    proto_end_name(PROTO_END__MAX) == NULL &&
	    proto_end_name(PROTO_END__MAX + 1) == NULL &&
	    proto_end_name(0x80000000u) == NULL &&
	    proto_end_name(UINT32_MAX) == NULL,
	    "proto_end_name: NULL for 0, PROTO_END__MAX and past it");
	CHECK(PROTO_ERR_GRANT == 2 && PROTO_ERR_REQUEST == 6 &&
	    PROTO_ERR_AUDIT == 7 && PROTO_ERR_BEARER == 8 &&
	    PROTO_ERR_INVALID_GRANT == 9 && PROTO_ERR_REDEEMED == 10 &&
	    PROTO_STATUS__MAX == 11 && PROTO_SEEN_AUTH_FAILED == 1 &&
	    PROTO_SEEN_LINK_UNKNOWN == 2 && PROTO_SEEN_RELOADED == 3 &&
	    PROTO_SEEN_RELOAD_FAILED == 4 && PROTO_SEEN_NO_LOGIN == 5 &&
	    PROTO_SEEN_LOGOUT_DELIVERED == 6 &&
	    PROTO_SEEN_LOGOUT_FAILED == 7 &&
	    PROTO_SEEN_WEBHOOK_DELIVERED == 8 &&
	    PROTO_SEEN_WEBHOOK_FAILED == 9 && PROTO_SEEN__MAX == 10,
	    "wire numbers of the statuses and of what is observed, the "
	    "deliveries' outcomes 6 to 9");
	CHECK(name_is(proto_type_name(PROTO_LINK), "link") &&
	    name_is(proto_type_name(PROTO_FOLLOW), "follow") &&
	    name_is(proto_type_name(PROTO_CODE_TOKENS), "code_tokens") &&
	    name_is(proto_type_name(PROTO_CODE_REPLAYED),
	    "code_replayed") &&
	    name_is(proto_type_name(PROTO_OBSERVED), "observed") &&
	    name_is(proto_type_name(PROTO_AUTHORIZE), "authorize") &&
	    name_is(proto_type_name(PROTO_CONSOLE_SIGNIN), "console_signin") &&
	    name_is(proto_type_name(PROTO_CONSOLE_BEGIN), "console_begin") &&
	    name_is(proto_type_name(PROTO_CONSOLE_IDP_AUTH),
	    "console_idp_auth") &&
	    name_is(proto_type_name(PROTO_CONSOLE_LINK), "console_link") &&
	    name_is(proto_type_name(PROTO_CONSOLE_AUDIT), "console_audit") &&
	    name_is(proto_type_name(PROTO_CONSOLE_SIGNOUT),
	    "console_signout") &&
	    name_is(proto_type_name(PROTO_SESSION_END), "session_end") &&
	    name_is(proto_type_name(PROTO_WEBHOOK_SIGN), "webhook_sign") &&
	    name_is(proto_type_name(PROTO_CLIENT_AUTH), "client_auth") &&
	    name_is(proto_type_name(PROTO_REVOKE), "revoke") &&
	    name_is(proto_type_name(PROTO_APPROVAL_DECIDE),
	    "approval_decide") &&
	    name_is(proto_type_name(PROTO_APPROVAL_LINK), "approval_link") &&
	    name_is(proto_type_name(PROTO_APPROVAL_EXPIRE),
	    "approval_expire") &&
	    name_is(proto_type_name(PROTO_CTL_SIGNER), "ctl_signer") &&
	    name_is(proto_type_name(PROTO_CTL_AUDIT_FILE),
	    "ctl_audit_file") &&
	    name_is(proto_type_name(PROTO_TYPE__MAX), "unknown"),
	    "names of the impersonation, session, webhook, revoke, "
	    "approval, client_auth and control types");
	CHECK(name_is(proto_status_name(PROTO_ERR_BEARER),
	    "bearer token refused") &&
	    name_is(proto_status_name(PROTO_ERR_INVALID_GRANT),
	    "invalid grant") &&
	    name_is(proto_status_name(PROTO_ERR_REDEEMED),
	    "grant redeemed already") &&
	    name_is(proto_status_name(PROTO_STATUS__MAX), "unknown"),
	    "names of the new statuses");

	all = 1;
	for (t = 1; t < PROTO_END__MAX; t++) {
		name = proto_end_name(t);
		if (name == NULL || name[0] == '\0')
			all = 0;
		for (u = 1; name != NULL && u < t; u++)
			if (name_is(proto_end_name(u), name))
				all = 0;
	}
	CHECK(all, "every end cause has a name of its own");

	all = 1;
	for (t = 0; t < PROTO_STATUS__MAX; t++) {
		name = proto_status_name(t);
		if (name == NULL || name[0] == '\0' ||
		    strcmp(name, "unknown") == 0)
			all = 0;
		for (u = 0; name != NULL && u < t; u++)
			if (name_is(proto_status_name(u), name))
				all = 0;
	}
	for (t = 1; t < PROTO_TYPE__MAX; t++) {
		name = proto_type_name(t);
		if (name == NULL || name[0] == '\0' ||
		    strcmp(name, "unknown") == 0)
			all = 0;
		for (u = 1; name != NULL && u < t; u++)
			if (name_is(proto_type_name(u), name))
				all = 0;
	}
	CHECK(all, "every status and every type has a name of its own");
	CHECK(proto_type_fds(PROTO_LINK) == 0 &&
	    proto_type_fds(PROTO_FOLLOW) == 0 &&
	    proto_type_fds(PROTO_CODE_TOKENS) == 0 &&
	    proto_type_fds(PROTO_CODE_REPLAYED) == 0 &&
	    proto_type_fds(PROTO_OBSERVED) == 0 &&
	    proto_type_fds(PROTO_AUTHORIZE) == 0 &&
	    proto_type_fds(PROTO_CONSOLE_SIGNIN) == 0 &&
	    proto_type_fds(PROTO_CONSOLE_BEGIN) == 0 &&
	    proto_type_fds(PROTO_CONSOLE_IDP_AUTH) == 0 &&
	    proto_type_fds(PROTO_CONSOLE_LINK) == 0 &&
	    proto_type_fds(PROTO_CONSOLE_AUDIT) == 0 &&
	    proto_type_fds(PROTO_CONSOLE_SIGNOUT) == 0 &&
	    proto_type_fds(PROTO_SESSION_END) == 0 &&
	    proto_type_fds(PROTO_WEBHOOK_SIGN) == 0 &&
	    proto_type_fds(PROTO_REVOKE) == 0 &&
	    proto_type_fds(PROTO_CLIENT_AUTH) == 0,
	    "the impersonation, session, webhook and revoke types carry no "
	    "descriptors");
	CHECK(proto_type_fds(PROTO_CTL_SIGNER) == 1 &&
	    proto_type_fds(PROTO_CTL_PAUSE) == 0 &&
	    proto_type_fds(PROTO_CTL_RELOAD) == 2 &&
	    proto_type_fds(PROTO_CTL_AUDIT_FILE) == 1,
	    "the control types, renumbered, keep their descriptors");
}

/*
 * Each form with every field at its maximum: its round trip, its size,
 * and the encoder's bytes against a frame built by hand; then each string
 * one byte over, refused by both sides.  The largest that fits is the
 * console's audit trail (60,018 bytes), under PROTO_FRAME_MAX.  A follow
 * (or authorize) reply's maxima add up to 84,348 bytes (code, login,
 * login_hint, grant, both tokens, the session and the webhook event with
 * its grant): there the largest strings give way (form_lens()) to make a
 * frame of PROTO_FRAME_MAX, and each of them is tested at its own maximum
 * while the others give way; all at their maxima, the encoder refuses it.
 */
static void
test_form_maxima(void)
{
	static uint8_t		 enc[PROTO_FRAME_MAX];
	const struct msgform	*fm, *largest = NULL;
	struct proto_msg	 in, out;
	const char		*why;
	uint8_t			*copy;
	size_t			 k, i, max, lens[FORM_FIELDS_MAX];
	long			 n, want, most = 0;
	int			 rc, over = 0, each;

	for (k = 0; k < FORM__MAX; k++) {
		fm = &forms[k];
		if (form_max_len(fm) > PROTO_FRAME_MAX) {
			over++;
			/* All at their maxima (views of one buffer): too
			 * long to send. */
			memset(&in, 0, sizeof(in));
			in.type = fm->type;
			in.id = FORM_ID;
			for (i = 0; i < fm->nf; i++)
				if (!fm->f[i].u32)
					*str_at(&in, fm->f[i].off) = fill('m',
					    fm->f[i].max);
			CHECK(form_max_len(fm) == 84348 &&
			    (fm == &forms[FORM_FOLLOW_REP] ||
			    fm == &forms[FORM_AUTHORIZE_REP]) &&
			    proto_encode(&in, fm->dir, enc, sizeof(enc)) == -1,
			    "%s: its maxima add up to %ld bytes, past "
			    "PROTO_FRAME_MAX, and the encoder refuses them",
			    fm->what, form_max_len(fm));
			/* Each string that gives way, at its own maximum. */
			form_lens(fm, NO_FIELD, 0, lens);
			each = 1;
			for (i = 0; i < fm->nf; i++) {
				if (fm->f[i].u32 || lens[i] == fm->f[i].max)
					continue;
				form_msg(&in, fm, i, fm->f[i].max);
				n = roundtrip(&in, fm->dir, &out, &copy);
				if (n != PROTO_FRAME_MAX ||
				    !str_all(*str_at(&out, fm->f[i].off),
				    'A' + (int)i, fm->f[i].max) ||
				    !form_layout_ok(fm, &out, copy, n)) {
					printf("# %s at its maximum\n",
					    fm->f[i].name);
					each = 0;
				}
				free(copy);
			}
			CHECK(each, "%s: each string that gives way round "
			    "trips at its own maximum, in a frame of "
			    "PROTO_FRAME_MAX", fm->what);
		}
		form_msg(&in, fm, NO_FIELD, 0);
		want = form_frame_len(fm, &in);
		n = roundtrip(&in, fm->dir, &out, &copy);
		CHECK(n == want && n <= PROTO_FRAME_MAX &&
		    form_is_max(&out, fm) && form_layout_ok(fm, &out, copy, n),
		    "%s: every field at its maximum round trips (%ld bytes)",
		    fm->what, n);
		free(copy);
		if (want > most) {
			most = want;
			largest = fm;
		}

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
	CHECK(over == 2, "two forms' maxima add up past PROTO_FRAME_MAX: the "
	    "follow and the authorize reply");
	most = 0;
	largest = NULL;
	for (k = 0; k < FORM__MAX; k++)
		if (form_max_len(&forms[k]) <= PROTO_FRAME_MAX &&
		    form_max_len(&forms[k]) > most) {
			most = form_max_len(&forms[k]);
			largest = &forms[k];
		}
	printf("# largest frame at every maximum: %s, %ld bytes\n",
	    largest != NULL ? largest->what : "none", most);
	CHECK(largest == &forms[FORM_AUDIT_REP] && most == 60018 &&
	    most <= PROTO_FRAME_MAX, "the largest frame of these types with "
	    "every field at its maximum is a console_audit reply of %ld "
	    "bytes, at most PROTO_FRAME_MAX (%d)", most, PROTO_FRAME_MAX);
}

/*
 * Replies with a status other than PROTO_OK have no fields: whatever the
 * message holds, none is sent, and a body is refused.
 */
static void
decode_error_body(const struct msgform *fm, struct proto_msg *real)
{
	static uint8_t		 enc[PROTO_FRAME_MAX];
	struct proto_msg	 in, out;
	uint8_t			*copy;
	uint32_t		 st;
	long			 n, e;
	int			 empty = 1, full = 1, realb = 1, byte = 1;

	e = proto_encode(real, PROTO_REPLY, enc, sizeof(enc));
	for (st = 1; st < PROTO_STATUS__MAX; st++) {
		in = *real;
		in.status = st;
		n = roundtrip(&in, PROTO_REPLY, &out, &copy);
		if (n != PROTO_HEADER_LEN || out.status != st ||
		    !form_empty(fm, &out)) {
			printf("# status %u: %ld bytes\n", (unsigned int)st,
			    n);
			empty = 0;
		}
		free(copy);

		fr_form(fm, NO_FIELD, 0);
		put_u32(fr.b + 12, st);
		if (!fr_refused(PROTO_REPLY, "trailing"))
			full = 0;

		fr_start(PROTO_VERSION, fm->type, real->id, st);
		if (e > PROTO_HEADER_LEN)
			fr_bytes(enc + PROTO_HEADER_LEN,
			    (size_t)e - PROTO_HEADER_LEN);
		if (!fr_refused(PROTO_REPLY, "trailing"))
			realb = 0;

		fr_start(PROTO_VERSION, fm->type, real->id, st);
		fr_fill(0, 1);
		if (!fr_refused(PROTO_REPLY, "trailing"))
			byte = 0;
	}
	CHECK(e > PROTO_HEADER_LEN && empty, "%s with each error status: "
	    "header only, no field decoded", fm->what);
	CHECK(full, "%s with each error status and every field at its "
	    "maximum: refused", fm->what);
	CHECK(realb, "%s with each error status and a real body (%ld "
	    "bytes): refused", fm->what, e);
	CHECK(byte, "%s with each error status and 1 byte of body: refused",
	    fm->what);
}

/* A reply that is its status: any body is refused, whatever the status. */
static void
decode_status_only(uint16_t type, const char *what)
{
	struct proto_msg	 m;
	uint32_t		 st;
	long			 n;
	int			 byte = 1, str = 1, login = 1, req = 1;

	for (st = 0; st < PROTO_STATUS__MAX; st++) {
		fr_start(PROTO_VERSION, type, 1, st);
		fr_fill(0, 1);
		if (!fr_refused(PROTO_REPLY, "trailing"))
			byte = 0;
		fr_start(PROTO_VERSION, type, 1, st);
		fr_str("web-app");
		if (!fr_refused(PROTO_REPLY, "trailing"))
			str = 0;
		fr_start(PROTO_VERSION, type, 1, st);
		fr_str(ID_TOKEN);
		fr_str(ACCESS_TOKEN);
		fr_str(ACCESS_JTI);
		fr_u32(3600);
		fr_str(SID);
		if (!fr_refused(PROTO_REPLY, "trailing"))
			login = 0;
		/* Its own request, echoed as the reply. */
		if (type == PROTO_CODE_REPLAYED)
			code_req(&m, type);
		else
			observed_req(&m);
		n = proto_encode(&m, PROTO_REQUEST, fr.b, sizeof(fr.b));
		if (n <= PROTO_HEADER_LEN)
			abort();
		fr.len = (size_t)n;
		put_u32(fr.b + 12, st);
		if (!fr_refused(PROTO_REPLY, "trailing"))
			req = 0;
	}
	CHECK(byte, "%s reply, ok or not, with 1 byte of body: refused",
	    what);
	CHECK(str, "%s reply, ok or not, with a string: refused", what);
	CHECK(login, "%s reply, ok or not, with a code_tokens reply's body: "
	    "refused", what);
	CHECK(req, "%s reply, ok or not, with its request's body: refused",
	    what);
}

/* Frame m in direction dir into fr, under the label type. */
static void
fr_relabel(const struct proto_msg *m, enum proto_dir dir, uint16_t type)
{
	long	 n;

	n = proto_encode(m, dir, fr.b, sizeof(fr.b));
	if (n < PROTO_HEADER_LEN)
		abort();
	fr.len = (size_t)n;
	put_u16(fr.b + 6, type);
}

static void
test_decode_errors(void)
{
	struct proto_msg	 m;

	link_rep(&m);
	decode_error_body(&forms[FORM_LINK_REP], &m);
	follow_rep_tokens(&m);
	decode_error_body(&forms[FORM_FOLLOW_REP], &m);
	follow_rep_login(&m);
	decode_error_body(&forms[FORM_FOLLOW_REP], &m);
	authorize_rep_code(&m);
	decode_error_body(&forms[FORM_AUTHORIZE_REP], &m);
	login_rep(&m);
	decode_error_body(&forms[FORM_CODE_REP], &m);
	end_rep(&m, LOGOUT_TOKEN);
	decode_error_body(&forms[FORM_END_REP], &m);
	link_rep_refused(&m);
	decode_error_body(&forms[FORM_LINK_REP], &m);
	follow_rep_code(&m);
	decode_error_body(&forms[FORM_FOLLOW_REP], &m);
	end_rep_ended(&m, LOGOUT_TOKEN);
	decode_error_body(&forms[FORM_END_REP], &m);
	webhook_rep(&m);
	decode_error_body(&forms[FORM_WEBHOOK_REP], &m);

	decode_status_only(PROTO_CODE_REPLAYED, "code_replayed");
	decode_status_only(PROTO_OBSERVED, "observed");
	decode_status_only(PROTO_CLIENT_AUTH, "client_auth");
}

/* One type's body labelled as another's: the fields do not line up. */
static void
test_decode_mislabelled(void)
{
	struct proto_msg	 m;

	follow_req(&m);
	fr_relabel(&m, PROTO_REQUEST, PROTO_LINK);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a follow request's body labelled link: refused");
	link_req(&m);
	fr_relabel(&m, PROTO_REQUEST, PROTO_FOLLOW);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a link request's body labelled follow: refused");
	fr_form(&forms[FORM_FOLLOW_REQ], NO_FIELD, 0);
	put_u16(fr.b + 6, PROTO_LINK);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a follow request's body at its maxima labelled link: refused");
	fr_form(&forms[FORM_LINK_REQ], NO_FIELD, 0);
	put_u16(fr.b + 6, PROTO_FOLLOW);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a link request's body at its maxima labelled follow: refused");

	link_rep(&m);
	fr_relabel(&m, PROTO_REPLY, PROTO_FOLLOW);
	CHECK(fr_refused(PROTO_REPLY, NULL),
	    "a link reply's body labelled follow: refused");
	follow_rep_code(&m);
	fr_relabel(&m, PROTO_REPLY, PROTO_LINK);
	CHECK(fr_refused(PROTO_REPLY, NULL),
	    "a follow reply's body labelled link: refused");
	follow_rep_tokens(&m);
	fr_relabel(&m, PROTO_REPLY, PROTO_CODE_TOKENS);
	CHECK(fr_refused(PROTO_REPLY, NULL),
	    "a follow reply with the tokens labelled code_tokens: refused");
	login_rep(&m);
	fr_relabel(&m, PROTO_REPLY, PROTO_FOLLOW);
	CHECK(fr_refused(PROTO_REPLY, NULL),
	    "a code_tokens reply labelled follow: refused");

	authorize_req(&m);
	fr_relabel(&m, PROTO_REQUEST, PROTO_FOLLOW);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "an authorize request labelled follow: refused");
	follow_req(&m);
	fr_relabel(&m, PROTO_REQUEST, PROTO_AUTHORIZE);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a follow request labelled authorize: refused");
	authorize_req(&m);
	fr_relabel(&m, PROTO_REQUEST, PROTO_LINK);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "an authorize request labelled link: refused");
	fr_form(&forms[FORM_AUTHORIZE_REQ], NO_FIELD, 0);
	put_u16(fr.b + 6, PROTO_FOLLOW);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "an authorize request's body at its maxima labelled follow: "
	    "refused");
	fr_form(&forms[FORM_FOLLOW_REQ], NO_FIELD, 0);
	put_u16(fr.b + 6, PROTO_AUTHORIZE);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a follow request's body at its maxima labelled authorize: "
	    "refused");
	code_req(&m, PROTO_CODE_TOKENS);
	fr_relabel(&m, PROTO_REQUEST, PROTO_AUTHORIZE);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a code_tokens request labelled authorize: refused");
	follow_rep_login(&m);
	fr_relabel(&m, PROTO_REPLY, PROTO_LINK);
	CHECK(fr_refused(PROTO_REPLY, NULL),
	    "a follow reply with a login labelled link: refused");
	authorize_rep_code(&m);
	fr_relabel(&m, PROTO_REPLY, PROTO_CODE_TOKENS);
	CHECK(fr_refused(PROTO_REPLY, NULL),
	    "an authorize reply labelled code_tokens: refused");

	code_req(&m, PROTO_CODE_TOKENS);
	fr_relabel(&m, PROTO_REQUEST, PROTO_FOLLOW);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a code_tokens request labelled follow: refused");
	code_req(&m, PROTO_CODE_TOKENS);
	fr_relabel(&m, PROTO_REQUEST, PROTO_CLIENT_AUTH);
	CHECK(fr_refused(PROTO_REQUEST, "trailing"),
	    "a code_tokens request labelled client_auth: refused");
	observed_req(&m);
	fr_relabel(&m, PROTO_REQUEST, PROTO_CODE_REPLAYED);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "an observed request labelled code_replayed: refused");

	end_req(&m, PROTO_END_API);
	fr_relabel(&m, PROTO_REQUEST, PROTO_CONSOLE_SIGNOUT);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a session_end request labelled console_signout: refused");
	end_req(&m, PROTO_END_CONSOLE);
	fr_relabel(&m, PROTO_REQUEST, PROTO_CONSOLE_SIGNOUT);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a session_end request at the console labelled console_signout: "
	    "refused");
	fr_form(&forms[FORM_SIGNOUT_REQ], NO_FIELD, 0);
	put_u16(fr.b + 6, PROTO_SESSION_END);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a console_signout request's body at its maxima labelled "
	    "session_end: refused");
	fr_form(&forms[FORM_END_REQ], NO_FIELD, 0);
	put_u16(fr.b + 6, PROTO_CONSOLE_SIGNOUT);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a session_end request's body at its maxima labelled "
	    "console_signout: refused");
	end_req(&m, PROTO_END_API);
	fr_relabel(&m, PROTO_REQUEST, PROTO_FOLLOW);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a session_end request labelled follow: refused");
	follow_req(&m);
	fr_relabel(&m, PROTO_REQUEST, PROTO_SESSION_END);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a follow request labelled session_end: refused");
	follow_rep_code(&m);
	fr_relabel(&m, PROTO_REPLY, PROTO_SESSION_END);
	CHECK(fr_refused(PROTO_REPLY, NULL),
	    "a follow reply labelled session_end: refused");
	end_rep(&m, LOGOUT_TOKEN);
	fr_relabel(&m, PROTO_REPLY, PROTO_CODE_TOKENS);
	CHECK(fr_refused(PROTO_REPLY, NULL),
	    "a session_end reply labelled code_tokens: refused");
	end_rep(&m, LOGOUT_TOKEN);
	fr_relabel(&m, PROTO_REPLY, PROTO_CONSOLE_SIGNOUT);
	CHECK(fr_refused(PROTO_REPLY, "trailing"),
	    "a session_end reply labelled console_signout: refused");

	webhook_req(&m);
	fr_relabel(&m, PROTO_REQUEST, PROTO_CONSOLE_IDP_AUTH);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a webhook_sign request labelled console_idp_auth: refused");
	webhook_req(&m);
	fr_relabel(&m, PROTO_REQUEST, PROTO_SESSION_END);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a webhook_sign request labelled session_end: refused");
	end_req(&m, PROTO_END_API);
	fr_relabel(&m, PROTO_REQUEST, PROTO_WEBHOOK_SIGN);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a session_end request labelled webhook_sign: refused");
	webhook_rep(&m);
	fr_relabel(&m, PROTO_REPLY, PROTO_REVOKE);
	CHECK(fr_refused(PROTO_REPLY, "trailing"),
	    "a webhook_sign reply labelled revoke (its jti and exp, then "
	    "more): refused");
	webhook_rep(&m);
	fr_relabel(&m, PROTO_REPLY, PROTO_SESSION_END);
	CHECK(fr_refused(PROTO_REPLY, NULL),
	    "a webhook_sign reply labelled session_end: refused");
	end_rep_ended(&m, LOGOUT_TOKEN);
	fr_relabel(&m, PROTO_REPLY, PROTO_WEBHOOK_SIGN);
	CHECK(fr_refused(PROTO_REPLY, NULL),
	    "a session_end reply with its event labelled webhook_sign: "
	    "refused");
	observed_seen(&m, PROTO_SEEN_WEBHOOK_DELIVERED, "d");
	fr_relabel(&m, PROTO_REQUEST, PROTO_WEBHOOK_SIGN);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "an observed request labelled webhook_sign: refused");

	/* Each direction's table, not the other's. */
	link_req(&m);
	fr_relabel(&m, PROTO_REQUEST, PROTO_LINK);
	CHECK(fr_refused(PROTO_REPLY, NULL),
	    "a link request read as a reply: refused");
	follow_req(&m);
	fr_relabel(&m, PROTO_REQUEST, PROTO_FOLLOW);
	CHECK(fr_refused(PROTO_REPLY, NULL),
	    "a follow request read as a reply: refused");
	authorize_req(&m);
	fr_relabel(&m, PROTO_REQUEST, PROTO_AUTHORIZE);
	CHECK(fr_refused(PROTO_REPLY, NULL),
	    "an authorize request read as a reply: refused");
	authorize_rep_code(&m);
	fr_relabel(&m, PROTO_REPLY, PROTO_AUTHORIZE);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "an authorize reply read as a request: refused");
	fr_form(&forms[FORM_AUTH_REQ], NO_FIELD, 0);
	CHECK(fr_refused(PROTO_REPLY, "trailing"),
	    "a client_auth request read as a reply: refused");
	fr_form(&forms[FORM_OBSERVED_REQ], NO_FIELD, 0);
	CHECK(fr_refused(PROTO_REPLY, "trailing"),
	    "an observed request read as a reply: refused");
	end_req(&m, PROTO_END_API);
	fr_relabel(&m, PROTO_REQUEST, PROTO_SESSION_END);
	CHECK(fr_refused(PROTO_REPLY, "trailing"),
	    "a session_end request read as a reply: refused");
	end_rep(&m, LOGOUT_TOKEN);
	fr_relabel(&m, PROTO_REPLY, PROTO_SESSION_END);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a session_end reply read as a request: refused");
	webhook_req(&m);
	fr_relabel(&m, PROTO_REQUEST, PROTO_WEBHOOK_SIGN);
	CHECK(fr_refused(PROTO_REPLY, NULL),
	    "a webhook_sign request read as a reply: refused");
	webhook_rep(&m);
	fr_relabel(&m, PROTO_REPLY, PROTO_WEBHOOK_SIGN);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "a webhook_sign reply read as a request: refused");
	fr_start(PROTO_VERSION, PROTO_TYPE__MAX, 1, 0);
	CHECK(fr_refused(PROTO_REQUEST, "unknown message type"),
	    "type %d, past the last: refused", PROTO_TYPE__MAX);
}

/* Requests cut short, or with more after their last field. */
static void
test_decode_requests(void)
{
	const struct msgform	*fm;

	fm = &forms[FORM_OBSERVED_REQ];
	fr_form(fm, NO_FIELD, 0);
	fr_fill(0, 1);
	CHECK(fr_refused(PROTO_REQUEST, "trailing"),
	    "observed request with 1 trailing byte");
	fr_form(fm, NO_FIELD, 0);
	fr_u32(0);
	CHECK(fr_refused(PROTO_REQUEST, "trailing"),
	    "observed request with an integer after detail");
	fr_form_n(fm, NO_FIELD, 0, 4);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "observed request of the layout before sid and detail (count "
	    "last): refused");
	fr_form_n(fm, NO_FIELD, 0, 5);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "observed request without detail");
	fr_form(fm, NO_FIELD, 0);
	fr.len -= 1;
	CHECK(fr_refused(PROTO_REQUEST, "truncated string field"),
	    "observed request with a byte of its detail missing");
	fr_form_n(fm, NO_FIELD, 0, 3);
	CHECK(fr_refused(PROTO_REQUEST, "truncated integer"),
	    "observed request without count");
	fr_form_n(fm, NO_FIELD, 0, 3);
	fr_fill(0, 3);
	CHECK(fr_refused(PROTO_REQUEST, "truncated integer"),
	    "observed request with 3 of 4 bytes of count");

	fm = &forms[FORM_LINK_REQ];
	fr_form_n(fm, NO_FIELD, 0, 5);
	CHECK(fr_refused(PROTO_REQUEST, "truncated integer"),
	    "link request cut after callback_url");
	fr_form_n(fm, NO_FIELD, 0, 5);
	fr_str("openid");
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "link request with scope where response_type belongs");
	fr_form(fm, NO_FIELD, 0);
	fr_fill(0, 1);
	CHECK(fr_refused(PROTO_REQUEST, "trailing"),
	    "link request with 1 byte after user_agent");

	fm = &forms[FORM_AUTHORIZE_REQ];
	fr_form_n(fm, NO_FIELD, 0, 4);
	CHECK(fr_refused(PROTO_REQUEST, "truncated integer"),
	    "authorize request cut after redirect_uri");
	fr_form_n(fm, NO_FIELD, 0, 4);
	fr_str("openid");
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "authorize request with scope where response_type belongs");
	fr_form_n(fm, NO_FIELD, 0, 7);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "authorize request cut after nonce, without code_challenge");
	fr_form(fm, NO_FIELD, 0);
	fr_fill(0, 1);
	CHECK(fr_refused(PROTO_REQUEST, "trailing"),
	    "authorize request with 1 byte after user_agent");

	fm = &forms[FORM_CODE_REQ];
	fr_form_n(fm, NO_FIELD, 0, 5);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "code_tokens request cut after redirect_uri, without "
	    "code_verifier");
	fr_form_n(fm, NO_FIELD, 0, 5);
	fr_u32(0);
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "code_tokens request of protocol 2's layout: revoked where "
	    "code_verifier belongs");
	fr_form_n(fm, NO_FIELD, 0, 6);
	fr_fill(0, 3);
	CHECK(fr_refused(PROTO_REQUEST, "truncated integer"),
	    "code_tokens request with 3 of 4 bytes of revoked");
	fr_form_n(fm, NO_FIELD, 0, 7);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "code_tokens request cut after revoked");
	fr_form(fm, NO_FIELD, 0);
	fr_fill(0, 1);
	CHECK(fr_refused(PROTO_REQUEST, "trailing"),
	    "code_tokens request with 1 byte after user_agent");

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
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "client_auth request without a secret");
	fr_form_n(&forms[FORM_CODE_REP], NO_FIELD, 0, 4);
	fr.len -= 1;
	CHECK(fr_refused(PROTO_REPLY, "truncated integer"),
	    "code_tokens reply with 3 of 4 bytes of expires_in");
	fr_form_n(&forms[FORM_CODE_REP], NO_FIELD, 0, 4);
	CHECK(fr_refused(PROTO_REPLY, "truncated string length"),
	    "code_tokens reply of protocol 5's layout (no sid after "
	    "expires_in): refused");
	fr_form(&forms[FORM_CODE_REP], NO_FIELD, 0);
	fr.len -= 1;
	CHECK(fr_refused(PROTO_REPLY, "truncated string field"),
	    "code_tokens reply with a byte of its sid missing");
	fr_form_n(&forms[FORM_FOLLOW_REP], NO_FIELD, 0, 11);
	fr.len -= 1;
	CHECK(fr_refused(PROTO_REPLY, "truncated integer"),
	    "follow reply with 3 of 4 bytes of expires_in");
	fr_form_n(&forms[FORM_FOLLOW_REP], NO_FIELD, 0, 11);
	CHECK(fr_refused(PROTO_REPLY, "truncated string length"),
	    "follow reply of protocol 5's layout (expires_in last, no "
	    "session): refused");
	fr_form_n(&forms[FORM_FOLLOW_REP], NO_FIELD, 0, 16);
	CHECK(fr_refused(PROTO_REPLY, "truncated integer"),
	    "follow reply without session_exp");
	fr_form_n(&forms[FORM_FOLLOW_REP], NO_FIELD, 0, 17);
	fr.len -= 1;
	CHECK(fr_refused(PROTO_REPLY, "truncated integer"),
	    "follow reply with 3 of 4 bytes of session_exp");
	fr_form_n(&forms[FORM_FOLLOW_REP], NO_FIELD, 0, 17);
	CHECK(fr_refused(PROTO_REPLY, "truncated string length"),
	    "follow reply of the layout before webhooks (session_exp last): "
	    "refused");
	fr_form_n(&forms[FORM_FOLLOW_REP], NO_FIELD, 0, 18);
	CHECK(fr_refused(PROTO_REPLY, "truncated string length"),
	    "follow reply with its event, without its webhook_grant");
	fr_form(&forms[FORM_FOLLOW_REP], NO_FIELD, 0);
	fr.len -= 1;
	CHECK(fr_refused(PROTO_REPLY, "truncated string field"),
	    "follow reply with a byte of its webhook_grant missing");
	{
		struct proto_msg	 m;

		follow_rep_code(&m);
		fr_relabel(&m, PROTO_REPLY, PROTO_FOLLOW);
		fr_fill(0, 1);
		CHECK(fr_refused(PROTO_REPLY, "trailing"),
		    "follow reply with 1 byte after webhook_grant");
		follow_rep_code(&m);
		fr_relabel(&m, PROTO_REPLY, PROTO_FOLLOW);
		fr_u32(SESSION_EXP);
		CHECK(fr_refused(PROTO_REPLY, "trailing"),
		    "follow reply with a second session_exp at its end");
	}
	fm = &forms[FORM_LINK_REP];
	fr_form_n(fm, NO_FIELD, 0, 6);
	CHECK(fr_refused(PROTO_REPLY, "truncated string length"),
	    "link reply of the layout before webhooks (callback_url last): "
	    "refused");
	fr_form_n(fm, NO_FIELD, 0, 7);
	CHECK(fr_refused(PROTO_REPLY, "truncated string length"),
	    "link reply with its event, without its webhook_grant");
	fr_form_n(fm, NO_FIELD, 0, 8);
	CHECK(fr_refused(PROTO_REPLY, "truncated string length"),
	    "link reply of protocol 6 (webhook_grant last, no approval_id): "
	    "refused");
	fr_form(fm, NO_FIELD, 0);
	fr_fill(0, 1);
	CHECK(fr_refused(PROTO_REPLY, "trailing"),
	    "link reply with 1 byte after approval_id");

	fm = &forms[FORM_END_REQ];
	fr_form_n(fm, NO_FIELD, 0, 2);
	CHECK(fr_refused(PROTO_REQUEST, "truncated integer"),
	    "session_end request cut after grant, without cause");
	fr_form_n(fm, NO_FIELD, 0, 2);
	fr_fill(0, 3);
	CHECK(fr_refused(PROTO_REQUEST, "truncated integer"),
	    "session_end request with 3 of 4 bytes of cause");
	fr_form_n(fm, NO_FIELD, 0, 2);
	fr_str("bearer");
	CHECK(fr_refused(PROTO_REQUEST, NULL),
	    "session_end request with bearer where cause belongs");
	fr_form_n(fm, NO_FIELD, 0, 3);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "session_end request cut after cause");
	fr_form_n(fm, NO_FIELD, 0, 7);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "session_end request without user_agent");
	fr_form(fm, NO_FIELD, 0);
	fr_fill(0, 1);
	CHECK(fr_refused(PROTO_REQUEST, "trailing"),
	    "session_end request with 1 byte after user_agent");
	fr_form(fm, NO_FIELD, 0);
	fr_u32(PROTO_END_API);
	CHECK(fr_refused(PROTO_REQUEST, "trailing"),
	    "session_end request with a second cause at its end");
	fr_form(&forms[FORM_END_REP], NO_FIELD, 0);
	fr_fill(0, 1);
	CHECK(fr_refused(PROTO_REPLY, "trailing"),
	    "session_end reply with 1 byte after webhook_grant");
	fr_form_n(&forms[FORM_END_REP], NO_FIELD, 0, 1);
	CHECK(fr_refused(PROTO_REPLY, "truncated string length"),
	    "session_end reply of the layout before webhooks (logout_token "
	    "alone): refused");
	fr_form_n(&forms[FORM_END_REP], NO_FIELD, 0, 2);
	CHECK(fr_refused(PROTO_REPLY, "truncated string length"),
	    "session_end reply with its event, without its webhook_grant");

	fm = &forms[FORM_WEBHOOK_REQ];
	fr_form_n(fm, NO_FIELD, 0, 1);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "webhook_sign request with a url alone");
	fr_form_n(fm, NO_FIELD, 0, 2);
	CHECK(fr_refused(PROTO_REQUEST, "truncated string length"),
	    "webhook_sign request without its grant");
	fr_form(fm, NO_FIELD, 0);
	fr.len -= 1;
	CHECK(fr_refused(PROTO_REQUEST, "truncated string field"),
	    "webhook_sign request with a byte of its grant missing");
	fr_form(fm, NO_FIELD, 0);
	fr_fill(0, 1);
	CHECK(fr_refused(PROTO_REQUEST, "trailing"),
	    "webhook_sign request with 1 byte after its grant");
	fr_form(fm, NO_FIELD, 0);
	fr_str(WEBHOOK_URL);
	CHECK(fr_refused(PROTO_REQUEST, "trailing"),
	    "webhook_sign request with a second url after its grant");
	fm = &forms[FORM_WEBHOOK_REP];
	fr_form_n(fm, NO_FIELD, 0, 1);
	CHECK(fr_refused(PROTO_REPLY, "truncated integer"),
	    "webhook_sign reply with an id alone");
	fr_form_n(fm, NO_FIELD, 0, 1);
	fr_fill(0, 3);
	CHECK(fr_refused(PROTO_REPLY, "truncated integer"),
	    "webhook_sign reply with 3 of 4 bytes of its timestamp");
	fr_form_n(fm, NO_FIELD, 0, 2);
	CHECK(fr_refused(PROTO_REPLY, "truncated string length"),
	    "webhook_sign reply without its signature");
	fr_form(fm, NO_FIELD, 0);
	fr_fill(0, 1);
	CHECK(fr_refused(PROTO_REPLY, "trailing"),
	    "webhook_sign reply with 1 byte after its signature");
}

static void
test_truncation(void)
{
	struct proto_msg	 m;

	link_req(&m);
	sweep(&m, PROTO_REQUEST, "link request");
	link_rep(&m);
	sweep(&m, PROTO_REPLY, "link reply, allowed");
	link_rep_refused(&m);
	sweep(&m, PROTO_REPLY, "link reply, refused");
	follow_req(&m);
	sweep(&m, PROTO_REQUEST, "follow request");
	follow_rep_code(&m);
	sweep(&m, PROTO_REPLY, "follow reply, a code");
	follow_rep_tokens(&m);
	sweep(&m, PROTO_REPLY, "follow reply, the tokens");
	follow_rep_login(&m);
	sweep(&m, PROTO_REPLY, "follow reply, a login");
	authorize_req(&m);
	sweep(&m, PROTO_REQUEST, "authorize request");
	authorize_rep_code(&m);
	sweep(&m, PROTO_REPLY, "authorize reply, a code");
	code_req(&m, PROTO_CODE_TOKENS);
	sweep(&m, PROTO_REQUEST, "code_tokens request");
	login_rep(&m);
	sweep(&m, PROTO_REPLY, "code_tokens reply");
	code_req(&m, PROTO_CODE_REPLAYED);
	sweep(&m, PROTO_REQUEST, "code_replayed request");
	observed_req(&m);
	sweep(&m, PROTO_REQUEST, "observed request");
	auth_req(&m, "web-app", "s3cr:et");
	sweep(&m, PROTO_REQUEST, "client_auth request");
	token_req(&m, "web-app", "s3cr:et", "https://api.example.com",
	    "read:users", "127.0.0.1", "curl/7.88.1");
	sweep(&m, PROTO_REQUEST, "client_token request");
	follow_rep_refused(&m);
	sweep(&m, PROTO_REPLY, "follow reply, refused");
	end_req(&m, PROTO_END_API);
	sweep(&m, PROTO_REQUEST, "session_end request, by the API");
	end_req(&m, PROTO_END_CONSOLE);
	sweep(&m, PROTO_REQUEST, "session_end request, at the console");
	end_req(&m, PROTO_END_EXPIRED);
	sweep(&m, PROTO_REQUEST, "session_end request, expired");
	end_rep(&m, LOGOUT_TOKEN);
	sweep(&m, PROTO_REPLY, "session_end reply, a logout token");
	end_rep(&m, "");
	sweep(&m, PROTO_REPLY, "session_end reply, none");
	end_rep_ended(&m, LOGOUT_TOKEN);
	sweep(&m, PROTO_REPLY, "session_end reply, impersonation.ended");
	follow_rep_refused(&m);
	sweep(&m, PROTO_REPLY, "follow reply, refused, impersonation.denied");
	observed_seen(&m, PROTO_SEEN_WEBHOOK_FAILED, "impersonation.ended to "
	    WEBHOOK_URL);
	sweep(&m, PROTO_REQUEST, "observed request, a webhook event lost");
	observed_seen(&m, PROTO_SEEN_LOGOUT_DELIVERED, "");
	sweep(&m, PROTO_REQUEST, "observed request, a logout delivered");
	webhook_req(&m);
	sweep(&m, PROTO_REQUEST, "webhook_sign request");
	webhook_rep(&m);
	sweep(&m, PROTO_REPLY, "webhook_sign reply");
}

int
main(void)
{
	test_constants();
	test_roundtrip_link();
	test_roundtrip_link_rep();
	test_roundtrip_approval();
	test_roundtrip_follow();
	test_roundtrip_authorize();
	test_roundtrip_code();
	test_roundtrip_observed();
	test_roundtrip_client_auth();
	test_roundtrip_session_end();
	test_roundtrip_webhook();
	test_form_maxima();
	test_decode_errors();
	test_decode_mislabelled();
	test_decode_requests();
	test_truncation();
	return check_done();
}
