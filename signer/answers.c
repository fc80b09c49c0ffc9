/*
 * The signer's answers, one function a request type, and the table that
 * names them (serve.c reads the requests and commits what they record).
 * Each returns the reply's status and fills the reply's fields; what it
 * lets out that must be on the record it queues in the audit log first.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "answers.h"
#include "audit.h"
#include "hex.h"
#include "keys.h"
#include "scope.h"
#include "secrets.h"
#include "token.h"

static const struct config	*conf;
static char			 token[PROTO_TOKEN_MAX + 1];
static char			 granted[PROTO_SCOPE_MAX + 1];
static struct login_tokens	 login_tokens;

static uint32_t
answer_hello(const struct proto_msg *req, struct proto_msg *rep)
{
	(void)req;
	rep->u.hello_rep.jwks = proto_str(keys_jwks());
	return PROTO_OK;
}

/*
 * The client whose id and secret these fields are, or NULL.  The secret is
 * checked even for an unknown client (same work, same time: one answer
 * for both), and the copy of it wiped.
 */
static const struct client_config *
authenticate(struct proto_str id_field, struct proto_str secret_field)
{
	char	 id[PROTO_CLIENT_ID_MAX + 1];
	char	 secret[PROTO_SECRET_MAX + 1];
	int	 good;

	/* Field maxima were checked by the decoder: these copies fit. */
	proto_strcpy(id, sizeof(id), id_field);
	proto_strcpy(secret, sizeof(secret), secret_field);
	good = secrets_check(id, secret, strlen(secret));
	OPENSSL_cleanse(secret, sizeof(secret));
	return good ? config_client(conf, id) : NULL;
}

static uint32_t
answer_client_token(const struct proto_msg *req, struct proto_msg *rep)
{
	const struct client_config	*client;
	char				 audience[PROTO_AUDIENCE_MAX + 1];
	char				 scope[PROTO_SCOPE_MAX + 1];
	char				 jti[PROTO_JTI_MAX + 1];
	long				 n;

	if ((client = authenticate(req->u.token_req.client_id,
	    req->u.token_req.secret)) == NULL)
		return PROTO_ERR_CLIENT;
	proto_strcpy(audience, sizeof(audience), req->u.token_req.audience);
	proto_strcpy(scope, sizeof(scope), req->u.token_req.scope);
	if (!(client->grant_types & GRANT_CLIENT_CREDENTIALS))
		return PROTO_ERR_GRANT;
	if (strcmp(audience, token_api_audience()) != 0)
		return PROTO_ERR_AUDIENCE;
	if (scope_grant(scope[0] ? scope : NULL, &client->scopes, granted,
	    sizeof(granted)) == -1)
		return PROTO_ERR_SCOPE;
	if ((n = token_client_credentials(client, audience, granted, token,
	    sizeof(token), jti)) == -1)
		return PROTO_ERR_INTERNAL;
	{
		struct audit_record	 r = { .event = "token.issued",
					    .outcome = "ok",
					    .grant = "client_credentials",
					    .client_id = client->client_id,
					    .jti = jti, .no_journal = 1 };
		char			 ip[PROTO_IP_MAX + 1];
		char			 agent[PROTO_AGENT_MAX + 1];

		proto_strcpy(ip, sizeof(ip), req->u.token_req.ip);
		proto_strcpy(agent, sizeof(agent), req->u.token_req.user_agent);
		r.ip = ip;
		r.user_agent = agent;
		audit_queue(&r);
	}
	rep->u.token_rep.token.p = token;
	rep->u.token_rep.token.len = (uint16_t)n;
	rep->u.token_rep.scope = proto_str(granted);
	rep->u.token_rep.expires_in = CLIENT_TOKEN_TTL;
	return PROTO_OK;
}

/*
 * An event the front end decided.  Only the front end's events are taken:
 * it cannot write token.issued, signer.started or the like into the chain.
 */
static uint32_t
answer_audit(const struct proto_msg *req, struct proto_msg *rep)
{
	static const char *const events[] = { "impersonation.requested",
	    "impersonation.link_redeemed", "impersonation.link_refused",
	    "impersonation.code_replayed", "impersonation.code_refused",
	    "service.reloaded", "client.authentication_failed", NULL };
	char	 f[14][PROTO_REASON_MAX + 1];
	const struct proto_str *in[14] = {
		&req->u.audit_req.event, &req->u.audit_req.outcome,
		&req->u.audit_req.rule, &req->u.audit_req.impersonator_id,
		&req->u.audit_req.user_id, &req->u.audit_req.client_id,
		&req->u.audit_req.caller, &req->u.audit_req.reason,
		&req->u.audit_req.ip, &req->u.audit_req.user_agent,
		&req->u.audit_req.link_hash, &req->u.audit_req.code_hash,
		&req->u.audit_req.revoked, &req->u.audit_req.detail
	};
	struct audit_record	 r;
	size_t			 i;

	(void)rep;
	for (i = 0; i < 14; i++)
		proto_strcpy(f[i], sizeof(f[i]), *in[i]);
	for (i = 0; events[i] != NULL; i++)
		if (strcmp(f[0], events[i]) == 0)
			break;
	if (events[i] == NULL)
		return PROTO_ERR_REQUEST;
	memset(&r, 0, sizeof(r));
	r.event = f[0];
	r.outcome = f[1];
	r.rule = f[2];
	r.impersonator_id = f[3];
	r.user_id = f[4];
	r.client_id = f[5];
	r.caller = f[6];
	r.reason = f[7];
	r.ip = f[8];
	r.user_agent = f[9];
	r.link_hash = f[10];
	r.code_hash = f[11];
	r.revoked = f[12];
	r.detail = f[13];
	r.count = req->u.audit_req.count;
	r.source = "frontend";
	audit_queue(&r);
	return PROTO_OK;
}

/*
 * An impersonated login for the application client_id: after the code
 * exchange (the application authenticates with its secret) or straight
 * from the link (implicit: a single-page application has no secret).
 */
static uint32_t
answer_login(const struct proto_msg *req, struct proto_msg *rep, int code)
{
	const struct client_config	*client;
	struct login			 l;
	char				 id[PROTO_CLIENT_ID_MAX + 1];
	char				 user[PROTO_USER_ID_MAX + 1];
	char				 imp[PROTO_USER_ID_MAX + 1];
	char				 imp_email[PROTO_EMAIL_MAX + 1];
	char				 scope[PROTO_SCOPE_MAX + 1];
	char				 nonce[PROTO_NONCE_MAX + 1];
	char				 profile[PROTO_PROFILE_MAX + 1];
	char				 the_code[PROTO_CODE_MAX + 1];
	int				 rc;

	proto_strcpy(id, sizeof(id), req->u.login_req.client_id);
	proto_strcpy(the_code, sizeof(the_code), req->u.login_req.code);
	if (code && the_code[0] == '\0')
		return PROTO_ERR_REQUEST;
	/* A code exchange authenticates; a single-page login has no secret. */
	client = code ? authenticate(req->u.login_req.client_id,
	    req->u.login_req.secret) : config_client(conf, id);
	if (client == NULL)
		return PROTO_ERR_CLIENT;
	if (!(client->grant_types & (code ? GRANT_AUTHORIZATION_CODE :
	    GRANT_IMPLICIT)) || !client->allow_impersonation)
		return PROTO_ERR_GRANT;

	proto_strcpy(user, sizeof(user), req->u.login_req.user_id);
	proto_strcpy(imp, sizeof(imp), req->u.login_req.impersonator_id);
	proto_strcpy(imp_email, sizeof(imp_email),
	    req->u.login_req.impersonator_email);
	proto_strcpy(scope, sizeof(scope), req->u.login_req.scope);
	proto_strcpy(nonce, sizeof(nonce), req->u.login_req.nonce);
	proto_strcpy(profile, sizeof(profile), req->u.login_req.profile);
	if (user[0] == '\0' || imp[0] == '\0' || strcmp(user, imp) == 0)
		return PROTO_ERR_REQUEST;

	l.client = client;
	l.user_id = user;
	l.impersonator_id = imp;
	l.impersonator_email = imp_email;
	l.scope = scope;
	l.nonce = nonce;
	l.profile = profile;
	l.code = code ? the_code : NULL;
	l.auth_time = req->u.login_req.auth_time;
	if ((rc = token_login(&l, &login_tokens)) != PROTO_OK)
		return (uint32_t)rc;
	{
		struct audit_record	 r = { .event = "token.issued",
					    .outcome = "ok",
					    .grant = code ? "authorization_code" :
					    "implicit",
					    .client_id = client->client_id,
					    .impersonator_id = imp,
					    .user_id = user,
					    .jti = login_tokens.jti };
		char			 code_hash[SHA256_HEX_LEN + 1];
		char			 ip[PROTO_IP_MAX + 1];
		char			 agent[PROTO_AGENT_MAX + 1];

		if (code && sha256_hex(the_code, code_hash) == 0)
			r.code_hash = code_hash;
		proto_strcpy(ip, sizeof(ip), req->u.login_req.ip);
		proto_strcpy(agent, sizeof(agent), req->u.login_req.user_agent);
		r.ip = ip;
		r.user_agent = agent;
		audit_queue(&r);
	}
	rep->u.login_rep.id_token.p = login_tokens.id_token;
	rep->u.login_rep.id_token.len = (uint16_t)login_tokens.id_len;
	rep->u.login_rep.access_token.p = login_tokens.access_token;
	rep->u.login_rep.access_token.len = (uint16_t)login_tokens.access_len;
	rep->u.login_rep.access_jti = proto_str(login_tokens.jti);
	rep->u.login_rep.expires_in = (uint32_t)login_tokens.expires_in;
	return PROTO_OK;
}

/* Is this the client's secret?  Asked before a replayed code revokes. */
static uint32_t
answer_client_auth(const struct proto_msg *req, struct proto_msg *rep)
{
	(void)rep;
	return authenticate(req->u.auth_req.client_id,
	    req->u.auth_req.secret) != NULL ? PROTO_OK : PROTO_ERR_CLIENT;
}

static uint32_t
answer_code_tokens(const struct proto_msg *req, struct proto_msg *rep)
{
	return answer_login(req, rep, 1);
}

static uint32_t
answer_implicit_tokens(const struct proto_msg *req, struct proto_msg *rep)
{
	return answer_login(req, rep, 0);
}

#ifdef GUISE_TEST_HOOKS
#include <sys/socket.h>

#include <fcntl.h>

/*
 * Test build only: make a system call the sandbox must stop.  which 1 opens
 * a file (it must fail with EACCES, answered PROTO_OK); which 2 creates a
 * socket (the sandbox must kill the process before it answers).
 */
static uint32_t
answer_test_syscall(const struct proto_msg *req, struct proto_msg *rep)
{
	int	 fd;

	(void)rep;
	if (req->u.test_req.which == 1) {
		fd = open("/etc/hostname", O_RDONLY);
		return fd == -1 && errno == EACCES ? PROTO_OK : PROTO_ERR_INTERNAL;
	}
	if (req->u.test_req.which == 2)
		(void)socket(AF_INET, SOCK_STREAM, 0);
	return PROTO_ERR_INTERNAL;
}
#endif

static const struct handler {
	enum proto_type	  type;
	answer_fn	 *answer;
} handlers[] = {
	{ PROTO_HELLO,		answer_hello },
	{ PROTO_CLIENT_TOKEN,	answer_client_token },
	{ PROTO_CODE_TOKENS,	answer_code_tokens },
	{ PROTO_IMPLICIT_TOKENS, answer_implicit_tokens },
	{ PROTO_CLIENT_AUTH,	answer_client_auth },
	{ PROTO_AUDIT,		answer_audit },
#ifdef GUISE_TEST_HOOKS
	{ PROTO_TEST_SYSCALL,	answer_test_syscall },
#endif
};

void
answers_init(const struct config *c)
{
	conf = c;
}

answer_fn *
answers_for(uint16_t type)
{
	size_t	 i;

	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (handlers[i].type == type)
			return handlers[i].answer;
	return NULL;
}
