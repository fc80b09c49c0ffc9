/*
 * The signer's answers, one function a request type, and the table that
 * names them (serve.c reads the requests and commits what they record).
 * Each returns the reply's status and fills the reply's fields; what it
 * lets out that must be on the record it queues in the audit log first.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "access_token.h"
#include "answers.h"
#include "approval.h"
#include "audit.h"
#include "console_answers.h"
#include "session.h"
#include "webhook.h"
#include "impersonation.h"
#include "keys.h"
#include "revocation.h"
#include "scope.h"
#include "secrets.h"
#include "token.h"

static const struct config	*conf;
static char			 token[PROTO_TOKEN_MAX + 1];
static char			 granted[PROTO_SCOPE_MAX + 1];

static uint32_t
answer_hello(const struct proto_msg *req, struct proto_msg *rep)
{
	(void)req;
	rep->u.hello_rep.jwks = proto_str(keys_jwks());
	return PROTO_OK;
}

const struct client_config *
answer_client(struct proto_str id_field, struct proto_str secret_field)
{
	char	 id[PROTO_CLIENT_ID_MAX + 1];
	char	 secret[PROTO_SECRET_MAX + 1];
	const struct client_config *app;
	int	 good;

	/* Field maxima were checked by the decoder: these copies fit. */
	proto_strcpy(id, sizeof(id), id_field);
	proto_strcpy(secret, sizeof(secret), secret_field);
	app = config_client(conf, id);
	/* A public client has no secret: it proves itself by PKCE. */
	if (app != NULL && app->public_client)
		good = secret[0] == '\0';
	else
		good = secrets_check(id, secret, strlen(secret));
	OPENSSL_cleanse(secret, sizeof(secret));
	return good ? app : NULL;
}

int
answer_api_bearer(struct proto_str field, const char *scope, long long now,
    struct access *a)
{
	char		 bearer[PROTO_TOKEN_MAX + 1];
	const char	*why;

	return FIELD(bearer, field) == 0 && bearer_verify(bearer,
	    strlen(bearer), conf->issuer, token_api_audience(), now, a,
	    &why) == 0 && scope_has(a->scope, scope) &&
	    !revocation_has(a->jti, now) ? 0 : -1;
}

static uint32_t
answer_client_token(const struct proto_msg *req, struct proto_msg *rep)
{
	const struct client_config	*client;
	char				 audience[PROTO_AUDIENCE_MAX + 1];
	char				 scope[PROTO_SCOPE_MAX + 1];
	char				 jti[PROTO_JTI_MAX + 1];
	long				 n;

	if ((client = answer_client(req->u.token_req.client_id,
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
 * What the front end saw and only it can see, worded here: it cannot
 * write a decision, a token.issued or a signer.started into the chain.
 */
static uint32_t
answer_observed(const struct proto_msg *req, struct proto_msg *rep)
{
	static const struct {
		const char	*event;
		const char	*outcome;
		const char	*rule;
		const char	*detail;
	} seen[PROTO_SEEN__MAX] = {
		[PROTO_SEEN_AUTH_FAILED] = { "client.authentication_failed",
		    "denied", NULL, NULL },
		[PROTO_SEEN_LINK_UNKNOWN] = { "link.unknown", "denied",
		    "link_unknown_used_or_expired", NULL },
		[PROTO_SEEN_RELOADED] = { "service.reloaded", "ok", NULL,
		    "configuration and users directory reloaded" },
		[PROTO_SEEN_RELOAD_FAILED] = { "service.reloaded", "failed",
		    NULL, "the configuration or the users file did not load: "
		    "the old stays" },
		[PROTO_SEEN_NO_LOGIN] = { "authorize.no_login", "denied",
		    "login_required", NULL },
		[PROTO_SEEN_LOGOUT_DELIVERED] = { "logout.delivered", "ok",
		    NULL, NULL },
		[PROTO_SEEN_LOGOUT_FAILED] = { "logout.delivered", "failed",
		    NULL, NULL },
		[PROTO_SEEN_WEBHOOK_DELIVERED] = { "webhook.delivered", "ok",
		    NULL, NULL },
		[PROTO_SEEN_WEBHOOK_FAILED] = { "webhook.delivered", "failed",
		    NULL, NULL },
	};
	struct audit_record	 r;
	char			 id[PROTO_CLIENT_ID_MAX + 1];
	char			 ip[PROTO_IP_MAX + 1];
	char			 sid[PROTO_SID_MAX + 1];
	char			 detail[PROTO_MESSAGE_MAX + 1];
	uint32_t		 what = req->u.observed_req.what;

	(void)rep;
	if (what == 0 || what >= PROTO_SEEN__MAX)
		return PROTO_ERR_REQUEST;
	proto_strcpy(id, sizeof(id), req->u.observed_req.client_id);
	proto_strcpy(ip, sizeof(ip), req->u.observed_req.ip);
	proto_strcpy(sid, sizeof(sid), req->u.observed_req.sid);
	proto_strcpy(detail, sizeof(detail), req->u.observed_req.detail);
	memset(&r, 0, sizeof(r));
	r.event = seen[what].event;
	r.outcome = seen[what].outcome;
	r.rule = seen[what].rule;
	r.detail = seen[what].detail;
	if (id[0] != '\0')
		r.client_id = id;
	if (ip[0] != '\0')
		r.ip = ip;
	else if (req->u.observed_req.count > 0)
		r.detail = "counted together: the table of counts was full";
	if (sid[0] != '\0')
		r.sid = sid;
	if (detail[0] != '\0')
		r.detail = detail;
	r.count = req->u.observed_req.count;
	r.source = "frontend";
	audit_queue(&r);
	return PROTO_OK;
}

/* Is this the client's secret?  Asked before a replayed code revokes. */
static uint32_t
answer_client_auth(const struct proto_msg *req, struct proto_msg *rep)
{
	(void)rep;
	return answer_client(req->u.auth_req.client_id,
	    req->u.auth_req.secret) != NULL ? PROTO_OK : PROTO_ERR_CLIENT;
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
	{ PROTO_CLIENT_AUTH,	answer_client_auth },
	{ PROTO_LINK,		answer_link },
	{ PROTO_FOLLOW,		answer_follow },
	{ PROTO_CODE_TOKENS,	answer_code_tokens },
	{ PROTO_CODE_REPLAYED,	answer_code_replayed },
	{ PROTO_AUTHORIZE,	answer_authorize },
	{ PROTO_CONSOLE_BEGIN,	answer_console_begin },
	{ PROTO_CONSOLE_IDP_AUTH, answer_console_idp_auth },
	{ PROTO_CONSOLE_SIGNIN,	answer_console_signin },
	{ PROTO_CONSOLE_LINK,	answer_console_link },
	{ PROTO_CONSOLE_AUDIT,	answer_console_audit },
	{ PROTO_CONSOLE_SIGNOUT, answer_console_signout },
	{ PROTO_SESSION_END,	answer_session_end },
	{ PROTO_WEBHOOK_SIGN,	answer_webhook_sign },
	{ PROTO_OBSERVED,	answer_observed },
	{ PROTO_REVOKE,		answer_revoke },
	{ PROTO_APPROVAL_DECIDE, answer_approval_decide },
	{ PROTO_APPROVAL_LINK,	answer_approval_link },
	{ PROTO_APPROVAL_EXPIRE, answer_approval_expire },
#ifdef GUISE_TEST_HOOKS
	{ PROTO_TEST_SYSCALL,	answer_test_syscall },
#endif
};

void
answers_init(const struct config *c)
{
	conf = c;
	revocation_init(c);
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
