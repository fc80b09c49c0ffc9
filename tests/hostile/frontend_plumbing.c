/*
 * frontend_peer's end of a real guise-signer, which both sets of attacks
 * (frontend_peer.c, frontend_login.c) drive: the configuration it changes
 * and the signer it starts, kills and restarts; one request of each kind
 * the front end makes (a link, following it, exchanging a code) and a
 * legitimate flow made of them; grants and bearer tokens made wrong; and
 * the signer's log and audit log read back.  peer.h does the framing;
 * this file knows the test's users, applications and secrets.  It also
 * holds the state the three files share (CHECK_DEFINE, PEER_DEFINE and
 * the globals below), so that there is one copy of it.
 */
#define CHECK_DEFINE
#define PEER_DEFINE

#include <jwt.h>

#include "b64url.h"

#include "frontend_peer.h"

const char	*signer_prog;
char		 dir[512];
char		 signer_log[600];
char		 other_secret[64] = "other-app-secret-0123456789abcdef";
char		 portal_secret[PROTO_SECRET_MAX + 1];
struct signer	 s;
uint32_t	 next_id = 100;
char		 bearer[PROTO_TOKEN_MAX + 1];
int		 legit_tokens;	/* token.issued the audit log may hold */

int
copy_field(char *dst, size_t len, struct proto_str v)
{
	return proto_strcpy(dst, len, v);
}

/* Add the second application, its secret, a blocked user; links of 3 s. */
int
prepare(void)
{
	char		 path[1100];
	json_t		*conf, *secrets, *users, *client, *imp;
	int		 rc = -1;

	snprintf(path, sizeof(path), "%s/guise.json", dir);
	if ((conf = json_load_file(path, 0, NULL)) == NULL)
		return -1;
	client = json_pack("{s:s, s:s, s:s, s:[s], s:[s,s], s:b}",
	    "client_id", "otherapp", "name", "app3", "app_type",
	    "regular_web", "callbacks", OTHER_CALLBACK, "grant_types",
	    "authorization_code", "implicit", "allow_impersonation", 1);
	imp = json_object_get(conf, "impersonation");
	if (client != NULL && json_array_append_new(json_object_get(conf,
	    "clients"), client) == 0 && json_object_set_new(imp, "link_ttl",
	    json_integer(LINK_TTL)) == 0 &&
	    json_dump_file(conf, path, JSON_INDENT(2)) == 0)
		rc = 0;
	json_decref(conf);
	if (rc == -1)
		return -1;

	snprintf(path, sizeof(path), "%s/secrets.json", dir);
	if ((secrets = json_load_file(path, 0, NULL)) == NULL ||
	    json_object_set_new(secrets, "otherapp",
	    json_string(other_secret)) == -1 ||
	    json_dump_file(secrets, path, 0) == -1 ||
	    json_string_value(json_object_get(secrets, "portal")) == NULL)
		rc = -1;
	else
		snprintf(portal_secret, sizeof(portal_secret), "%s",
		    json_string_value(json_object_get(secrets, "portal")));
	json_decref(secrets);

	snprintf(path, sizeof(path), "%s/users.json", dir);
	if ((users = json_load_file(path, 0, NULL)) == NULL ||
	    json_array_append_new(users, json_pack("{s:s, s:s, s:b, s:s, "
	    "s:b}", "user_id", BLOCKED, "email", "bob@example.com",
	    "email_verified", 1, "name", "Bob Blocked", "blocked", 1)) ==
	    -1 || json_dump_file(users, path, 0) == -1)
		rc = -1;
	json_decref(users);
	return rc;
}

/* Set the configuration's link_ttl and code_ttl, as a reload would. */
int
set_ttls(int link_ttl, int code_ttl)
{
	char	 path[1100];
	json_t	*conf, *imp;
	int	 rc = -1;

	snprintf(path, sizeof(path), "%s/guise.json", dir);
	if ((conf = json_load_file(path, 0, NULL)) == NULL)
		return -1;
	imp = json_object_get(conf, "impersonation");
	if (json_object_set_new(imp, "link_ttl", json_integer(link_ttl)) == 0 &&
	    json_object_set_new(imp, "code_ttl", json_integer(code_ttl)) == 0 &&
	    json_dump_file(conf, path, JSON_INDENT(2)) == 0)
		rc = 0;
	json_decref(conf);
	return rc;
}

/* Rotate the audit log as the parent does: renamed, a new one made. */
static int
rotate_log(void)
{
	char	 old[1100];
	int	 fd;

	snprintf(old, sizeof(old), "%s.1", audit_file);
	if (rename(audit_file, old) == -1 ||
	    (fd = open(audit_file, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1)
		return -1;
	close(fd);
	return 0;
}

int
start(void)
{
	if (signer_start(&s, signer_prog) == -1)
		return -1;
	/* A hello, so that the signer is past its start. */
	{
		struct proto_msg	 req, rep;

		hello_msg(&req, next_id++);
		return request(&s, &req, &rep) == 0 && rep.status ==
		    PROTO_OK ? 0 : -1;
	}
}

/* A client_credentials token of backoffice with this scope, into out. */
int
client_token(const char *scope, char *out, size_t outlen)
{
	struct proto_msg	 req, rep;

	token_msg(&req, next_id++, "backoffice", backoffice_secret, audience,
	    scope, "127.0.0.1", "peer");
	if (request(&s, &req, &rep) == -1 || rep.status != PROTO_OK)
		return -1;
	return copy_field(out, outlen, rep.u.token_rep.token);
}

static void
link_for(struct proto_msg *m, const char *token, const char *user,
    const char *impersonator, const char *app, const char *callback,
    uint32_t response_type)
{
	memset(m, 0, sizeof(*m));
	m->type = PROTO_LINK;
	m->id = next_id++;
	m->u.link_req.bearer = proto_str(token);
	m->u.link_req.user_id = proto_str(user);
	m->u.link_req.impersonator_id = proto_str(impersonator);
	m->u.link_req.client_id = proto_str(app);
	m->u.link_req.callback_url = proto_str(callback);
	m->u.link_req.response_type = response_type;
	m->u.link_req.scope = proto_str("openid profile email");
	m->u.link_req.nonce = proto_str("n-0S6_WzA2Mj");
	m->u.link_req.reason = proto_str("ticket 4711");
	m->u.link_req.ip = proto_str("127.0.0.1");
	m->u.link_req.user_agent = proto_str("peer");
}

/*
 * Ask for a link: 0 with *out when the signer granted one, 1 when it
 * refused it (rule in rule), -1 when it answered with a status (in *st).
 */
int
ask_link(const char *token, const char *user, const char *app,
    const char *callback, uint32_t response_type, struct sealed *out,
    char *rule, size_t rulelen, uint32_t *st)
{
	struct proto_msg	 req, rep;

	link_for(&req, token, user, SUPPORT, app, callback, response_type);
	*st = (uint32_t)-1;
	if (request(&s, &req, &rep) == -1)
		return -1;
	*st = rep.status;
	if (rep.status != PROTO_OK)
		return -1;
	if (rep.u.link_rep.rule.len > 0) {
		copy_field(rule, rulelen, rep.u.link_rep.rule);
		return rep.u.link_rep.ticket.len == 0 &&
		    rep.u.link_rep.grant.len == 0 ? 1 : -1;
	}
	if (copy_field(out->secret, sizeof(out->secret),
	    rep.u.link_rep.ticket) == -1 || copy_field(out->grant,
	    sizeof(out->grant), rep.u.link_rep.grant) == -1)
		return -1;
	/* The callback the grant holds, as asked (a registered one). */
	if (rep.u.link_rep.callback_url.len != strlen(callback) ||
	    memcmp(rep.u.link_rep.callback_url.p, callback,
	    strlen(callback)) != 0) {
		diag("the link's callback is not %s", callback);
		return -1;
	}
	return 0;
}

/*
 * Follow a link as the front end would: the status, and on a code flow's
 * success the code and its grant in *code.  *tokens is set when the reply
 * carries any token or code at all.
 */
uint32_t
follow(const char *ticket, const char *grant, const char *impersonator,
    struct sealed *code, int *tokens, char *rule, size_t rulelen)
{
	struct proto_msg	 req, rep;

	memset(&req, 0, sizeof(req));
	req.type = PROTO_FOLLOW;
	req.id = next_id++;
	req.u.follow_req.ticket = proto_str(ticket);
	req.u.follow_req.grant = proto_str(grant);
	req.u.follow_req.impersonator_id = proto_str(impersonator);
	req.u.follow_req.ip = proto_str("127.0.0.1");
	req.u.follow_req.user_agent = proto_str("peer");
	*tokens = 0;
	if (rule != NULL)
		rule[0] = '\0';
	if (request(&s, &req, &rep) == -1)
		return (uint32_t)-1;
	if (rep.status != PROTO_OK)
		return rep.status;
	*tokens = rep.u.follow_rep.code.len > 0 ||
	    rep.u.follow_rep.id_token.len > 0 ||
	    rep.u.follow_rep.access_token.len > 0;
	if (rule != NULL)
		copy_field(rule, rulelen, rep.u.follow_rep.rule);
	if (code != NULL && (copy_field(code->secret, sizeof(code->secret),
	    rep.u.follow_rep.code) == -1 || copy_field(code->grant,
	    sizeof(code->grant), rep.u.follow_rep.grant) == -1))
		return (uint32_t)-1;
	return PROTO_OK;
}

/*
 * Exchange a code with a PKCE verifier ("" for none): the status; *tokens
 * when tokens came back.
 */
uint32_t
exchange_pkce(uint16_t type, const char *client, const char *secret,
    const char *code, const char *grant, const char *redirect,
    const char *verifier, int *tokens, char *id_token, size_t idlen)
{
	struct proto_msg	 req, rep;

	memset(&req, 0, sizeof(req));
	req.type = type;
	req.id = next_id++;
	req.u.code_req.client_id = proto_str(client);
	req.u.code_req.secret = proto_str(secret);
	req.u.code_req.code = proto_str(code);
	req.u.code_req.grant = proto_str(grant);
	req.u.code_req.redirect_uri = proto_str(redirect);
	req.u.code_req.code_verifier = proto_str(verifier);
	req.u.code_req.revoked = 1;
	req.u.code_req.ip = proto_str("127.0.0.1");
	req.u.code_req.user_agent = proto_str("peer");
	*tokens = 0;
	if (request(&s, &req, &rep) == -1)
		return (uint32_t)-1;
	if (rep.status == PROTO_OK && type == PROTO_CODE_TOKENS) {
		*tokens = rep.u.login_rep.id_token.len > 0 ||
		    rep.u.login_rep.access_token.len > 0;
		if (id_token != NULL)
			copy_field(id_token, idlen, rep.u.login_rep.id_token);
	}
	return rep.status;
}

/* Exchange a code asked for without a PKCE challenge. */
uint32_t
exchange(uint16_t type, const char *client, const char *secret,
    const char *code, const char *grant, const char *redirect, int *tokens,
    char *id_token, size_t idlen)
{
	return exchange_pkce(type, client, secret, code, grant, redirect, "",
	    tokens, id_token, idlen);
}

/* The claims of a JWS, decoded; NULL if it is none. */
json_t *
claims_of(const char *jws)
{
	const char	*a = strchr(jws, '.'), *b;
	char		 buf[PROTO_ID_TOKEN_MAX];
	ssize_t		 n;

	if (a == NULL || (b = strchr(a + 1, '.')) == NULL ||
	    (n = b64url_decode(buf, sizeof(buf) - 1, a + 1,
	    (size_t)(b - a - 1))) <= 0)
		return NULL;
	return json_loadb(buf, (size_t)n, 0, NULL);
}

/* A legitimate flow from a link to the tokens; 0 when it works. */
int
legit_flow(const char *what)
{
	struct sealed	 link, code;
	char		 rule[64], id_token[PROTO_ID_TOKEN_MAX + 1];
	json_t		*c;
	uint32_t	 st;
	int		 tokens, ok;

	ok = ask_link(bearer, CUSTOMER, "storefront", CALLBACK, 1, &link,
	    rule, sizeof(rule), &st) == 0 &&
	    follow(link.secret, link.grant, SUPPORT, &code, &tokens, NULL,
	    0) == PROTO_OK && tokens &&
	    exchange(PROTO_CODE_TOKENS, "storefront", storefront_secret,
	    code.secret, code.grant, CALLBACK, &tokens, id_token,
	    sizeof(id_token)) == PROTO_OK && tokens;
	if (ok)
		legit_tokens++;
	c = ok ? claims_of(id_token) : NULL;
	ok = c != NULL &&
	    strcmp(json_string_value(json_object_get(c, "sub")), CUSTOMER) ==
	    0 && json_is_true(json_object_get(c, "impersonated")) &&
	    strcmp(json_string_value(json_object_get(json_object_get(c, "act"),
	    "sub")), SUPPORT) == 0 &&
	    strcmp(json_string_value(json_object_get(c, "name")),
	    "Alice Customer") == 0 && json_object_get(c, "roles") == NULL;
	json_decref(c);
	CHECK(ok, "%s: a legitimate link, followed and exchanged, gives an "
	    "id_token whose claims are the signer's records (sub, act, name)",
	    what);
	return ok ? 0 : -1;
}

/* A grant's text with one byte of its sealed bytes changed. */
void
altered(const char *grant, size_t at, char *out, size_t outlen)
{
	unsigned char	 raw[PROTO_GRANT_MAX];
	ssize_t		 n;

	n = b64url_decode(raw, sizeof(raw), grant, strlen(grant));
	if (n <= 0 || B64URL_ENCODED_LEN((size_t)n) >= outlen) {
		out[0] = '\0';
		return;
	}
	raw[at % (size_t)n] ^= 0x01;
	b64url_encode(out, raw, (size_t)n);
}

/* An access token for the api signed with the signer's own ES256 key. */
int
forge_token(const char *scope, long long exp, char *out, size_t outlen)
{
	char		 path[1100];
	unsigned char	 key[4096];
	jwt_t		*jwt = NULL;
	char		*enc = NULL;
	FILE		*f;
	size_t		 keylen;
	int		 rc = -1;

	snprintf(path, sizeof(path), "%s/keys/es256.pem", dir);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	keylen = fread(key, 1, sizeof(key), f);
	fclose(f);
	if (jwt_new(&jwt) == 0 &&
	    jwt_add_header(jwt, "kid", "test-es256") == 0 &&
	    jwt_add_header(jwt, "typ", "at+jwt") == 0 &&
	    jwt_add_grant(jwt, "iss", issuer) == 0 &&
	    jwt_add_grant(jwt, "sub", "backoffice@clients") == 0 &&
	    jwt_add_grant(jwt, "aud", audience) == 0 &&
	    jwt_add_grant(jwt, "client_id", "backoffice") == 0 &&
	    jwt_add_grant(jwt, "jti", "forged-jti-0001") == 0 &&
	    jwt_add_grant(jwt, "scope", scope) == 0 &&
	    jwt_add_grant_int(jwt, "iat", exp - 3600) == 0 &&
	    jwt_add_grant_int(jwt, "exp", exp) == 0 &&
	    jwt_set_alg(jwt, JWT_ALG_ES256, key, (int)keylen) == 0 &&
	    (enc = jwt_encode_str(jwt)) != NULL && strlen(enc) < outlen) {
		memcpy(out, enc, strlen(enc) + 1);
		rc = 0;
	}
	free(enc);
	jwt_free(jwt);
	return rc;
}

/* How many lines of the signers' log hold what. */
int
log_lines(const char *what)
{
	FILE	*f;
	char	 line[4096];
	int	 n = 0;

	if ((f = fopen(signer_log, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, what) != NULL)
			n++;
	fclose(f);
	return n;
}

/*
 * Kill the signer with a malformed frame, and start another; rotate: with
 * the audit log rotated in between, as when the parent rotated it and the
 * signer died before it wrote audit.rotated.
 */
int
crash_and_restart(int rotate)
{
	static const uint8_t	 bad[PROTO_HEADER_LEN] = { 0, 0, 0, 16, 0,
	    PROTO_VERSION, 0x7f, 0x7f };
	int			 reset;

	(void)send_all(s.fd, bad, sizeof(bad));
	(void)drain(s.fd, &reset);
	if (signer_wait(&s, TIMEOUT_MS) == -1 || !WIFEXITED(s.status) ||
	    WEXITSTATUS(s.status) == 0) {
		diag("the signer did not exit on a malformed frame (%s)",
		    signer_how(&s));
		signer_stop(&s);
		return -1;
	}
	signer_stop(&s);
	if (rotate && rotate_log() == -1) {
		diag("cannot rotate %s: %s", audit_file, strerror(errno));
		return -1;
	}
	return start();
}

/*
 * The records of one audit file: count the impersonated token.issued in
 * *issued, and what the peer must not have been able to write in *bad.
 * -1 when the file cannot be read.
 */
static int
audit_scan(const char *path, int *issued, int *bad)
{
	FILE		*f;
	char		 line[16384];
	json_t		*r;
	const char	*event, *outcome, *source, *user, *grant;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((r = json_loads(line, 0, NULL)) == NULL)
			continue;
		event = json_string_value(json_object_get(r, "event"));
		outcome = json_string_value(json_object_get(r, "outcome"));
		source = json_string_value(json_object_get(r, "source"));
		user = json_string_value(json_object_get(r, "user_id"));
		grant = json_string_value(json_object_get(r, "grant"));
		if (event != NULL && strcmp(event, "token.issued") == 0 &&
		    grant != NULL && strcmp(grant, "client_credentials") != 0)
			(*issued)++;
		/* A replay is an observation (only the front end sees it). */
		if (event != NULL && strncmp(event, "impersonation.", 14) ==
		    0 && strcmp(event, "impersonation.code_replayed") != 0 &&
		    source != NULL) {
			diag("a record of the front end's word: %s", line);
			(*bad)++;
		}
		if (user != NULL && (strcmp(user, ADMIN) == 0 ||
		    strcmp(user, BLOCKED) == 0) && outcome != NULL &&
		    strcmp(outcome, "denied") != 0) {
			diag("a protected or blocked user let in: %s", line);
			(*bad)++;
		}
		json_decref(r);
	}
	fclose(f);
	return 0;
}

/*
 * The audit log after every case (the file rotated midway, and the
 * current one): 1 when it holds no record the peer made up.  Decisions
 * are the signer's (no "source"), observations the only records of the
 * front end's word; token.issued only for legitimate flows.
 */
int
audit_clean(void)
{
	char	 rotated[1100];
	int	 issued = 0, bad = 0;

	snprintf(rotated, sizeof(rotated), "%s.1", audit_file);
	if (audit_scan(rotated, &issued, &bad) == -1 ||
	    audit_scan(audit_file, &issued, &bad) == -1)
		return 0;
	if (issued != legit_tokens) {
		diag("%d impersonated token.issued records, %d legitimate",
		    issued, legit_tokens);
		bad++;
	}
	return bad == 0;
}
