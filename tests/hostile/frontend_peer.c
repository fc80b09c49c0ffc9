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
 * their PKCE verifier (test_logins).
 *
 *	frontend_peer SIGNER CONFIG_DIR
 *
 * CONFIG_DIR is a configuration of tests/lib/mkconfig.sh, which this
 * program changes first: a second application, a blocked user, and links
 * that live 3 seconds (to see one expire).  TAP on stdout.
 */
#include <jansson.h>
#include <jwt.h>

#include "b64url.h"

#include "../unit/check.h"
#include "peer.h"

#define SUPPORT		"auth0|support-1"
#define CUSTOMER	"auth0|customer-1"
#define ADMIN		"auth0|admin-1"
#define BLOCKED		"auth0|blocked-1"
#define CALLBACK	"http://127.0.0.1:3000/callback"
#define OTHER_CALLBACK	"http://127.0.0.1:3001/callback"
#define LINK_TTL	3
/* mkconfig.sh's applications that start their own login. */
#define PORTAL_CALLBACK	"http://127.0.0.1:3001/callback"
#define SPA_CALLBACK	"http://127.0.0.1:3002/callback.html"
/* RFC 7636, appendix B: a verifier and its S256 challenge. */
#define VERIFIER	"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define CHALLENGE	"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
/* Its first 42 characters, one fewer than RFC 7636 allows, and their
 * S256: a challenge that this verifier meets but for its length. */
/* Another, of the same length. */
#define WRONG_VERIFIER	"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj"
#define VERIFIER42	"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX"
#define CHALLENGE42	"MzGuVmuCfiyhtA8T4e8WBVUlbW1KtArN4Sk-n-PRX_s"
/* The application's own nonce, at /authorize. */
#define APP_NONCE	"app-nonce-7f3a9c"

static const char	*signer_prog;
static char		 dir[512];
static char		 signer_log[600];
static char		 other_secret[64] = "other-app-secret-0123456789abcdef";
static char		 portal_secret[PROTO_SECRET_MAX + 1];
static struct signer	 s;
static uint32_t		 next_id = 100;
static char		 bearer[PROTO_TOKEN_MAX + 1];
static int		 legit_tokens;	/* token.issued the audit log may hold */

/* A link, a code: what a grant travels under, and the grant. */
struct sealed {
	char	 secret[PROTO_TICKET_MAX + 1];
	char	 grant[PROTO_GRANT_MAX + 1];
};

static int
copy_field(char *dst, size_t len, struct proto_str v)
{
	return proto_strcpy(dst, len, v);
}

/* Add the second application, its secret, a blocked user; links of 3 s. */
static int
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
static int
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

static int
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
static int
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
static int
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
static uint32_t
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
static uint32_t
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
static uint32_t
exchange(uint16_t type, const char *client, const char *secret,
    const char *code, const char *grant, const char *redirect, int *tokens,
    char *id_token, size_t idlen)
{
	return exchange_pkce(type, client, secret, code, grant, redirect, "",
	    tokens, id_token, idlen);
}

/* The claims of a JWS, decoded; NULL if it is none. */
static json_t *
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
static int
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
static void
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
static int
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
static int
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
static int
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
static int
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
static void
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

	test_logins();
	legit_flow("after every refusal");
	CHECK(audit_clean(), "the audit log holds no decision of the front "
	    "end's word (no impersonation.* but a replay's with a source), no protected or blocked user let in, and exactly "
	    "%d impersonated token.issued records, the legitimate ones",
	    legit_tokens);
	signer_stop(&s);
	return check_done();
}
