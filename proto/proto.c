/*
 * Encoding and decoding of signer frames.  Each message type lists its
 * fields once, per direction, in a table; the encoder and the decoder both
 * walk that table, so they cannot drift apart.  The decoder is pure: no
 * allocation, no state, views into the caller's buffer.
 */
#include <stddef.h>
#include <string.h>

#include "proto.h"
#include "wire.h"

enum field_kind {
	FIELD_END = 0,
	FIELD_U32,
	FIELD_STR
};

struct field {
	enum field_kind	 kind;
	uint16_t	 max;		/* strings: longest allowed */
	size_t		 off;		/* offset in struct proto_msg */
};

#define U32(member)		{ FIELD_U32, 0, offsetof(struct proto_msg, member) }
#define STR(member, max)	{ FIELD_STR, max, offsetof(struct proto_msg, member) }
#define END			{ FIELD_END, 0, 0 }

static const struct field no_fields[] = { END };

static const struct field hello_rep[] = {
	STR(u.hello_rep.jwks, PROTO_JWKS_MAX),
	END
};

static const struct field token_req[] = {
	STR(u.token_req.client_id, PROTO_CLIENT_ID_MAX),
	STR(u.token_req.secret, PROTO_SECRET_MAX),
	STR(u.token_req.audience, PROTO_AUDIENCE_MAX),
	STR(u.token_req.scope, PROTO_SCOPE_MAX),
	STR(u.token_req.ip, PROTO_IP_MAX),
	STR(u.token_req.user_agent, PROTO_AGENT_MAX),
	END
};

static const struct field token_rep[] = {
	STR(u.token_rep.token, PROTO_TOKEN_MAX),
	STR(u.token_rep.scope, PROTO_SCOPE_MAX),
	U32(u.token_rep.expires_in),
	END
};

static const struct field test_req[] = {
	U32(u.test_req.which),
	END
};

static const struct field auth_req[] = {
	STR(u.auth_req.client_id, PROTO_CLIENT_ID_MAX),
	STR(u.auth_req.secret, PROTO_SECRET_MAX),
	END
};

static const struct field revoke_req[] = {
	STR(u.revoke_req.client_id, PROTO_CLIENT_ID_MAX),
	STR(u.revoke_req.secret, PROTO_SECRET_MAX),
	STR(u.revoke_req.token, PROTO_TOKEN_MAX),
	U32(u.revoke_req.revoked),
	STR(u.revoke_req.ip, PROTO_IP_MAX),
	STR(u.revoke_req.user_agent, PROTO_AGENT_MAX),
	END
};

static const struct field revoke_rep[] = {
	STR(u.revoke_rep.jti, PROTO_JTI_MAX),
	U32(u.revoke_rep.exp),
	END
};

static const struct field link_req[] = {
	STR(u.link_req.bearer, PROTO_TOKEN_MAX),
	STR(u.link_req.user_id, PROTO_USER_ID_MAX),
	STR(u.link_req.impersonator_id, PROTO_USER_ID_MAX),
	STR(u.link_req.client_id, PROTO_CLIENT_ID_MAX),
	STR(u.link_req.callback_url, PROTO_CALLBACK_MAX),
	U32(u.link_req.response_type),
	STR(u.link_req.scope, PROTO_SCOPE_MAX),
	STR(u.link_req.nonce, PROTO_NONCE_MAX),
	STR(u.link_req.reason, PROTO_REASON_MAX),
	STR(u.link_req.ip, PROTO_IP_MAX),
	STR(u.link_req.user_agent, PROTO_AGENT_MAX),
	END
};

static const struct field link_rep[] = {
	STR(u.link_rep.rule, PROTO_EVENT_MAX),
	U32(u.link_rep.refusal),
	STR(u.link_rep.message, PROTO_MESSAGE_MAX),
	STR(u.link_rep.ticket, PROTO_TICKET_MAX),
	STR(u.link_rep.grant, PROTO_GRANT_MAX),
	STR(u.link_rep.callback_url, PROTO_CALLBACK_MAX),
	STR(u.link_rep.webhook, PROTO_WEBHOOK_MAX),
	STR(u.link_rep.webhook_grant, PROTO_GRANT_MAX),
	STR(u.link_rep.approval_id, PROTO_APPROVAL_ID_MAX),
	END
};

static const struct field approval_req[] = {
	STR(u.approval_req.approval_id, PROTO_APPROVAL_ID_MAX),
	STR(u.approval_req.grant, PROTO_GRANT_MAX),
	STR(u.approval_req.bearer, PROTO_TOKEN_MAX),
	STR(u.approval_req.session, PROTO_LOGIN_MAX),
	STR(u.approval_req.console_grant, PROTO_GRANT_MAX),
	U32(u.approval_req.approve),
	STR(u.approval_req.approver_id, PROTO_USER_ID_MAX),
	STR(u.approval_req.ip, PROTO_IP_MAX),
	STR(u.approval_req.user_agent, PROTO_AGENT_MAX),
	END
};

static const struct field approval_rep[] = {
	STR(u.approval_rep.rule, PROTO_EVENT_MAX),
	U32(u.approval_rep.refusal),
	STR(u.approval_rep.message, PROTO_MESSAGE_MAX),
	STR(u.approval_rep.grant, PROTO_GRANT_MAX),
	END
};

static const struct field follow_req[] = {
	STR(u.follow_req.ticket, PROTO_TICKET_MAX),
	STR(u.follow_req.grant, PROTO_GRANT_MAX),
	STR(u.follow_req.impersonator_id, PROTO_USER_ID_MAX),
	STR(u.follow_req.session, PROTO_LOGIN_MAX),
	STR(u.follow_req.ip, PROTO_IP_MAX),
	STR(u.follow_req.user_agent, PROTO_AGENT_MAX),
	END
};

static const struct field follow_rep[] = {
	STR(u.follow_rep.rule, PROTO_EVENT_MAX),
	U32(u.follow_rep.refusal),
	STR(u.follow_rep.message, PROTO_MESSAGE_MAX),
	STR(u.follow_rep.code, PROTO_CODE_MAX),
	STR(u.follow_rep.login, PROTO_LOGIN_MAX),
	STR(u.follow_rep.login_hint, PROTO_USER_ID_MAX),
	STR(u.follow_rep.grant, PROTO_GRANT_MAX),
	STR(u.follow_rep.id_token, PROTO_ID_TOKEN_MAX),
	STR(u.follow_rep.access_token, PROTO_TOKEN_MAX),
	STR(u.follow_rep.access_jti, PROTO_JTI_MAX),
	U32(u.follow_rep.expires_in),
	STR(u.follow_rep.sid, PROTO_SID_MAX),
	STR(u.follow_rep.session, PROTO_GRANT_MAX),
	STR(u.follow_rep.user_id, PROTO_USER_ID_MAX),
	STR(u.follow_rep.impersonator_id, PROTO_USER_ID_MAX),
	STR(u.follow_rep.reason, PROTO_REASON_MAX),
	U32(u.follow_rep.session_exp),
	STR(u.follow_rep.webhook, PROTO_WEBHOOK_MAX),
	STR(u.follow_rep.webhook_grant, PROTO_GRANT_MAX),
	END
};

static const struct field authorize_req[] = {
	STR(u.authorize_req.login, PROTO_LOGIN_MAX),
	STR(u.authorize_req.grant, PROTO_GRANT_MAX),
	STR(u.authorize_req.client_id, PROTO_CLIENT_ID_MAX),
	STR(u.authorize_req.redirect_uri, PROTO_CALLBACK_MAX),
	U32(u.authorize_req.response_type),
	STR(u.authorize_req.scope, PROTO_SCOPE_MAX),
	STR(u.authorize_req.nonce, PROTO_NONCE_MAX),
	STR(u.authorize_req.code_challenge, PROTO_CHALLENGE_MAX),
	STR(u.authorize_req.ip, PROTO_IP_MAX),
	STR(u.authorize_req.user_agent, PROTO_AGENT_MAX),
	END
};

static const struct field code_req[] = {
	STR(u.code_req.client_id, PROTO_CLIENT_ID_MAX),
	STR(u.code_req.secret, PROTO_SECRET_MAX),
	STR(u.code_req.code, PROTO_CODE_MAX),
	STR(u.code_req.grant, PROTO_GRANT_MAX),
	STR(u.code_req.redirect_uri, PROTO_CALLBACK_MAX),
	STR(u.code_req.code_verifier, PROTO_CHALLENGE_MAX),
	U32(u.code_req.revoked),
	STR(u.code_req.ip, PROTO_IP_MAX),
	STR(u.code_req.user_agent, PROTO_AGENT_MAX),
	END
};

static const struct field observed_req[] = {
	U32(u.observed_req.what),
	STR(u.observed_req.client_id, PROTO_CLIENT_ID_MAX),
	STR(u.observed_req.ip, PROTO_IP_MAX),
	U32(u.observed_req.count),
	STR(u.observed_req.sid, PROTO_SID_MAX),
	STR(u.observed_req.detail, PROTO_MESSAGE_MAX),
	END
};

static const struct field login_rep[] = {
	STR(u.login_rep.id_token, PROTO_ID_TOKEN_MAX),
	STR(u.login_rep.access_token, PROTO_TOKEN_MAX),
	STR(u.login_rep.access_jti, PROTO_JTI_MAX),
	U32(u.login_rep.expires_in),
	STR(u.login_rep.sid, PROTO_SID_MAX),
	END
};

static const struct field end_req[] = {
	STR(u.end_req.sid, PROTO_SID_MAX),
	STR(u.end_req.grant, PROTO_GRANT_MAX),
	U32(u.end_req.cause),
	STR(u.end_req.bearer, PROTO_TOKEN_MAX),
	STR(u.end_req.session, PROTO_LOGIN_MAX),
	STR(u.end_req.console_grant, PROTO_GRANT_MAX),
	STR(u.end_req.ip, PROTO_IP_MAX),
	STR(u.end_req.user_agent, PROTO_AGENT_MAX),
	END
};

static const struct field end_rep[] = {
	STR(u.end_rep.logout_token, PROTO_TOKEN_MAX),
	STR(u.end_rep.webhook, PROTO_WEBHOOK_MAX),
	STR(u.end_rep.webhook_grant, PROTO_GRANT_MAX),
	END
};

static const struct field webhook_req[] = {
	STR(u.webhook_req.url, PROTO_URL_MAX),
	STR(u.webhook_req.body, PROTO_WEBHOOK_MAX),
	STR(u.webhook_req.grant, PROTO_GRANT_MAX),
	END
};

static const struct field webhook_rep[] = {
	STR(u.webhook_rep.id, PROTO_JTI_MAX),
	U32(u.webhook_rep.timestamp),
	STR(u.webhook_rep.signature, PROTO_MESSAGE_MAX),
	END
};

static const struct field signin_req[] = {
	STR(u.signin_req.state, PROTO_TICKET_MAX),
	STR(u.signin_req.grant, PROTO_GRANT_MAX),
	STR(u.signin_req.id_token, PROTO_ID_TOKEN_MAX),
	STR(u.signin_req.ip, PROTO_IP_MAX),
	STR(u.signin_req.user_agent, PROTO_AGENT_MAX),
	END
};

static const struct field signin_rep[] = {
	STR(u.signin_rep.rule, PROTO_EVENT_MAX),
	U32(u.signin_rep.refusal),
	STR(u.signin_rep.message, PROTO_MESSAGE_MAX),
	STR(u.signin_rep.user_id, PROTO_USER_ID_MAX),
	STR(u.signin_rep.email, PROTO_USER_ID_MAX),
	STR(u.signin_rep.session, PROTO_LOGIN_MAX),
	STR(u.signin_rep.grant, PROTO_GRANT_MAX),
	END
};

static const struct field begin_rep[] = {
	STR(u.begin_rep.state, PROTO_TICKET_MAX),
	STR(u.begin_rep.nonce, PROTO_NONCE_MAX),
	STR(u.begin_rep.code_challenge, PROTO_CHALLENGE_MAX),
	STR(u.begin_rep.grant, PROTO_GRANT_MAX),
	END
};

static const struct field idp_auth_req[] = {
	STR(u.idp_auth_req.state, PROTO_TICKET_MAX),
	STR(u.idp_auth_req.grant, PROTO_GRANT_MAX),
	END
};

static const struct field idp_auth_rep[] = {
	STR(u.idp_auth_rep.code_verifier, PROTO_CHALLENGE_MAX),
	STR(u.idp_auth_rep.assertion, PROTO_TOKEN_MAX),
	STR(u.idp_auth_rep.authorization, PROTO_AUTHORIZATION_MAX),
	END
};

static const struct field console_req[] = {
	STR(u.console_req.session, PROTO_LOGIN_MAX),
	STR(u.console_req.grant, PROTO_GRANT_MAX),
	STR(u.console_req.user_id, PROTO_USER_ID_MAX),
	STR(u.console_req.client_id, PROTO_CLIENT_ID_MAX),
	STR(u.console_req.reason, PROTO_REASON_MAX),
	STR(u.console_req.ip, PROTO_IP_MAX),
	STR(u.console_req.user_agent, PROTO_AGENT_MAX),
	END
};

static const struct field audit_req[] = {
	STR(u.audit_req.session, PROTO_LOGIN_MAX),
	STR(u.audit_req.grant, PROTO_GRANT_MAX),
	STR(u.audit_req.impersonator_id, PROTO_USER_ID_MAX),
	STR(u.audit_req.user_id, PROTO_USER_ID_MAX),
	U32(u.audit_req.since),
	U32(u.audit_req.until),
	U32(u.audit_req.limit),
	END
};

static const struct field audit_rep[] = {
	STR(u.audit_rep.records, PROTO_RECORDS_MAX),
	END
};

static const struct field audit_file_req[] = {
	STR(u.audit_file_req.previous, PROTO_CONTROL_MAX),
	END
};

static const struct {
	const char		*name;
	const struct field	*fields[2];	/* by enum proto_dir */
	unsigned int		 fds;		/* a request's descriptors */
} types[PROTO_TYPE__MAX] = {
	[PROTO_HELLO] =		{ "hello", { no_fields, hello_rep }, 0 },
	[PROTO_CLIENT_TOKEN] =	{ "client_token", { token_req, token_rep }, 0 },
	[PROTO_TEST_SYSCALL] =	{ "test_syscall", { test_req, no_fields }, 0 },
	[PROTO_CLIENT_AUTH] =	{ "client_auth", { auth_req, no_fields }, 0 },
	[PROTO_LINK] =		{ "link", { link_req, link_rep }, 0 },
	[PROTO_FOLLOW] =	{ "follow", { follow_req, follow_rep }, 0 },
	[PROTO_CODE_TOKENS] =	{ "code_tokens", { code_req, login_rep }, 0 },
	[PROTO_CODE_REPLAYED] =	{ "code_replayed", { code_req, no_fields }, 0 },
	[PROTO_OBSERVED] =	{ "observed", { observed_req, no_fields }, 0 },
	[PROTO_AUTHORIZE] =	{ "authorize", { authorize_req, follow_rep }, 0 },
	[PROTO_CONSOLE_SIGNIN] = { "console_signin",
				   { signin_req, signin_rep }, 0 },
	[PROTO_CONSOLE_BEGIN] =	{ "console_begin", { no_fields, begin_rep }, 0 },
	[PROTO_CONSOLE_IDP_AUTH] = { "console_idp_auth",
				   { idp_auth_req, idp_auth_rep }, 0 },
	[PROTO_CONSOLE_LINK] =	{ "console_link", { console_req, link_rep }, 0 },
	[PROTO_CONSOLE_AUDIT] =	{ "console_audit", { audit_req, audit_rep }, 0 },
	[PROTO_CONSOLE_SIGNOUT] = { "console_signout",
				   { console_req, no_fields }, 0 },
	[PROTO_SESSION_END] =	{ "session_end", { end_req, end_rep }, 0 },
	[PROTO_WEBHOOK_SIGN] =	{ "webhook_sign", { webhook_req, webhook_rep },
				   0 },
	[PROTO_REVOKE] =	{ "revoke", { revoke_req, revoke_rep }, 0 },
	[PROTO_APPROVAL_DECIDE] = { "approval_decide",
				   { approval_req, approval_rep }, 0 },
	[PROTO_APPROVAL_LINK] =	{ "approval_link", { approval_req, link_rep },
				   0 },
	[PROTO_APPROVAL_EXPIRE] = { "approval_expire",
				   { approval_req, no_fields }, 0 },
	[PROTO_CTL_SIGNER] =	{ "ctl_signer", { no_fields, no_fields }, 1 },
	[PROTO_CTL_PAUSE] =	{ "ctl_pause", { no_fields, no_fields }, 0 },
	[PROTO_CTL_RELOAD] =	{ "ctl_reload", { no_fields, no_fields }, 2 },
	[PROTO_CTL_AUDIT_FILE] = { "ctl_audit_file",
				   { audit_file_req, no_fields }, 1 },
};

static const char *status_names[PROTO_STATUS__MAX] = {
	[PROTO_OK] =		"ok",
	[PROTO_ERR_CLIENT] =	"invalid client",
	[PROTO_ERR_GRANT] =	"grant not allowed",
	[PROTO_ERR_SCOPE] =	"invalid scope",
	[PROTO_ERR_AUDIENCE] =	"invalid audience",
	[PROTO_ERR_INTERNAL] =	"internal error",
	[PROTO_ERR_REQUEST] =	"refused field",
	[PROTO_ERR_AUDIT] =	"audit log not writable",
	[PROTO_ERR_BEARER] =	"bearer token refused",
	[PROTO_ERR_INVALID_GRANT] = "invalid grant",
	[PROTO_ERR_REDEEMED] =	"grant redeemed already",
};

static const char *const end_names[PROTO_END__MAX] = {
	[PROTO_END_API] =		"ended",
	[PROTO_END_CONSOLE] =		"ended_at_console",
	[PROTO_END_EXPIRED] =		"expired",
	[PROTO_END_SIGNED_OUT] =	"console_signed_out",
};

const char *
proto_end_name(unsigned int cause)
{
	return cause < PROTO_END__MAX ? end_names[cause] : NULL;
}

unsigned int
proto_type_fds(unsigned int type)
{
	if (type == 0 || type >= PROTO_TYPE__MAX)
		return 0;
	return types[type].fds;
}

const char *
proto_type_name(unsigned int type)
{
	if (type == 0 || type >= PROTO_TYPE__MAX)
		return "unknown";
	return types[type].name;
}

const char *
proto_status_name(unsigned int status)
{
	if (status >= PROTO_STATUS__MAX)
		return "unknown";
	return status_names[status];
}

struct proto_str
proto_str(const char *s)
{
	struct proto_str	 v;
	size_t			 len = strlen(s);

	v.p = s;
	/* Over-long strings become too long to encode, never truncated. */
	v.len = len > UINT16_MAX ? UINT16_MAX : (uint16_t)len;
	return v;
}

int
proto_strcpy(char *dst, size_t dstlen, struct proto_str s)
{
	if (dstlen == 0 || s.len >= dstlen)
		return -1;
	if (s.len > 0)		/* an absent field's view has no bytes at all */
		memcpy(dst, s.p, s.len);
	dst[s.len] = '\0';
	return 0;
}

long
proto_frame_len(const uint8_t *buf, size_t avail)
{
	uint32_t	 len;

	if (avail < 4)
		return 0;
	len = get_u32(buf);
	if (len < PROTO_HEADER_LEN || len > PROTO_FRAME_MAX)
		return -1;
	return len;
}

static const struct field *
fields_of(unsigned int type, enum proto_dir dir, uint32_t status)
{
	if (type == 0 || type >= PROTO_TYPE__MAX)
		return NULL;
	if (dir == PROTO_REPLY && status != PROTO_OK)
		return no_fields;
	return types[type].fields[dir];
}

int
proto_decode(const uint8_t *buf, size_t len, enum proto_dir dir,
    struct proto_msg *m, const char **why)
{
	const struct field	*f;
	const uint8_t		*p;
	size_t			 left;
	struct proto_str	*s;
	uint16_t		 slen;

	memset(m, 0, sizeof(*m));
	if (len < PROTO_HEADER_LEN || len > PROTO_FRAME_MAX) {
		*why = "frame length out of bounds";
		return -1;
	}
	if (get_u32(buf) != len) {
		*why = "frame length does not match";
		return -1;
	}
	if (get_u16(buf + 4) != PROTO_VERSION) {
		*why = "wrong protocol version";
		return -1;
	}
	m->type = get_u16(buf + 6);
	m->id = get_u32(buf + 8);
	m->status = get_u32(buf + 12);
	if (dir == PROTO_REQUEST && m->status != 0) {
		*why = "request with a status";
		return -1;
	}
	if (dir == PROTO_REPLY && m->status >= PROTO_STATUS__MAX) {
		*why = "unknown status";
		return -1;
	}
	if ((f = fields_of(m->type, dir, m->status)) == NULL) {
		*why = "unknown message type";
		return -1;
	}

	p = buf + PROTO_HEADER_LEN;
	left = len - PROTO_HEADER_LEN;
	for (; f->kind != FIELD_END; f++) {
		if (f->kind == FIELD_U32) {
			if (left < 4) {
				*why = "truncated integer field";
				return -1;
			}
			*(uint32_t *)((char *)m + f->off) = get_u32(p);
			p += 4;
			left -= 4;
			continue;
		}
		if (left < 2) {
			*why = "truncated string length";
			return -1;
		}
		slen = get_u16(p);
		p += 2;
		left -= 2;
		if (slen > f->max) {
			*why = "string field over its maximum";
			return -1;
		}
		if (slen > left) {
			*why = "truncated string field";
			return -1;
		}
		if (memchr(p, '\0', slen) != NULL) {
			*why = "NUL byte in a string field";
			return -1;
		}
		s = (struct proto_str *)((char *)m + f->off);
		s->p = (const char *)p;
		s->len = slen;
		p += slen;
		left -= slen;
	}
	if (left != 0) {
		*why = "trailing bytes after the last field";
		return -1;
	}
	return 0;
}

long
proto_encode(const struct proto_msg *m, enum proto_dir dir, uint8_t *out,
    size_t outlen)
{
	const struct field	*f;
	const struct proto_str	*s;
	size_t			 len = PROTO_HEADER_LEN;

	if ((f = fields_of(m->type, dir, m->status)) == NULL)
		return -1;
	if (dir == PROTO_REQUEST && m->status != 0)
		return -1;
	if (dir == PROTO_REPLY && m->status >= PROTO_STATUS__MAX)
		return -1;
	if (outlen > PROTO_FRAME_MAX)
		outlen = PROTO_FRAME_MAX;
	if (outlen < PROTO_HEADER_LEN)
		return -1;

	for (; f->kind != FIELD_END; f++) {
		if (f->kind == FIELD_U32) {
			if (outlen - len < 4)
				return -1;
			put_u32(out + len,
			    *(const uint32_t *)((const char *)m + f->off));
			len += 4;
			continue;
		}
		s = (const struct proto_str *)((const char *)m + f->off);
		if (s->len > f->max || outlen - len < 2u + s->len)
			return -1;
		if (s->len > 0 && memchr(s->p, '\0', s->len) != NULL)
			return -1;
		put_u16(out + len, s->len);
		if (s->len > 0)
			memcpy(out + len + 2, s->p, s->len);
		len += 2 + s->len;
	}

	put_u32(out, (uint32_t)len);
	put_u16(out + 4, PROTO_VERSION);
	put_u16(out + 6, m->type);
	put_u32(out + 8, m->id);
	put_u32(out + 12, m->status);
	return (long)len;
}
