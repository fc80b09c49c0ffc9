/*
 * The console's sign-in (PROTO_CONSOLE_SIGNIN), attacked as a broken-into
 * front end would: it hands the signer id_tokens of its own making.  The
 * identity provider here is this program: a P-256 key made at start, its
 * public half written to idp.jwks for the signer, id_tokens signed with
 * libjwt.  Only a token the provider signed, for guise's console client,
 * with the sign-in's nonce, proves anyone; only a directory user who may
 * impersonate gets a console session; and a console grant is no link's,
 * no login's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "b64url.h"
#include "frontend_peer.h"

#define IDP_ISSUER	"https://idp.example/"
#define IDP_CLIENT	"guise-console"
#define SIGNIN_NONCE	"signin-nonce-5b1e"

struct idp {
	EVP_PKEY	*key;
	char		*pem;		/* the private key, for libjwt */
	long		 pemlen;
};

/* A coordinate of the public point, base64url, into out. */
static int
coordinate(EVP_PKEY *k, const char *name, char *out)
{
	unsigned char	 b[32];
	BIGNUM		*bn = NULL;
	int		 ok;

	ok = EVP_PKEY_get_bn_param(k, name, &bn) == 1 &&
	    BN_bn2binpad(bn, b, sizeof(b)) == sizeof(b);
	BN_free(bn);
	if (ok)
		b64url_encode(out, b, sizeof(b));
	return ok ? 0 : -1;
}

/* A provider's key: kid idp-1, its public half in dir/idp.jwks. */
static int
idp_make(struct idp *p, const char *jwks_name, const char *kid)
{
	char	 x[64], y[64], path[1100];
	BIO	*bio;
	char	*mem;
	FILE	*f;

	memset(p, 0, sizeof(*p));
	if ((p->key = EVP_EC_gen("P-256")) == NULL ||
	    coordinate(p->key, OSSL_PKEY_PARAM_EC_PUB_X, x) == -1 ||
	    coordinate(p->key, OSSL_PKEY_PARAM_EC_PUB_Y, y) == -1 ||
	    (bio = BIO_new(BIO_s_mem())) == NULL)
		return -1;
	if (PEM_write_bio_PrivateKey(bio, p->key, NULL, NULL, 0, NULL,
	    NULL) != 1 || (p->pemlen = BIO_get_mem_data(bio, &mem)) <= 0 ||
	    (p->pem = malloc((size_t)p->pemlen)) == NULL) {
		BIO_free(bio);
		return -1;
	}
	memcpy(p->pem, mem, (size_t)p->pemlen);
	BIO_free(bio);
	if (jwks_name == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, jwks_name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\","
	    "\"y\":\"%s\",\"kid\":\"%s\",\"use\":\"sig\"}]}\n", x, y, kid);
	return fclose(f) == 0 ? 0 : -1;
}

static void
idp_free(struct idp *p)
{
	EVP_PKEY_free(p->key);
	free(p->pem);
}

/* An id_token of p for email (verified or not), with nonce; NULL on error. */
static char *
id_token(const struct idp *p, const char *sub, const char *email,
    int verified, const char *nonce)
{
	jwt_t	*jwt = NULL;
	char	*out = NULL;
	time_t	 now = time(NULL);

	if (jwt_new(&jwt) == 0 &&
	    jwt_add_grant(jwt, "iss", IDP_ISSUER) == 0 &&
	    jwt_add_grant(jwt, "aud", IDP_CLIENT) == 0 &&
	    jwt_add_grant(jwt, "sub", sub) == 0 &&
	    jwt_add_grant(jwt, "email", email) == 0 &&
	    jwt_add_grant_bool(jwt, "email_verified", verified) == 0 &&
	    jwt_add_grant(jwt, "nonce", nonce) == 0 &&
	    jwt_add_grant_int(jwt, "iat", now) == 0 &&
	    jwt_add_grant_int(jwt, "exp", now + 300) == 0 &&
	    jwt_add_header(jwt, "kid", "idp-1") == 0 &&
	    jwt_set_alg(jwt, JWT_ALG_ES256, (const unsigned char *)p->pem,
	    (int)p->pemlen) == 0)
		out = jwt_encode_str(jwt);
	jwt_free(jwt);
	return out;
}

/* The signer's answer to a sign-in with token: its status; rep kept. */
static uint32_t
signin(const char *token, const char *nonce, struct proto_msg *rep)
{
	struct proto_msg	 req;

	memset(&req, 0, sizeof(req));
	req.type = PROTO_CONSOLE_SIGNIN;
	req.id = next_id++;
	req.u.signin_req.id_token = proto_str(token ? token : "");
	req.u.signin_req.nonce = proto_str(nonce);
	req.u.signin_req.ip = proto_str("127.0.0.1");
	req.u.signin_req.user_agent = proto_str("peer");
	if (request(&s, &req, rep) == -1)
		return (uint32_t)-1;
	return rep->status;
}

/* The configuration with a console, its provider's keys in idp.jwks. */
static int
with_console(void)
{
	char	 path[1100];
	json_t	*conf;
	int	 rc = -1;

	snprintf(path, sizeof(path), "%s/guise.json", dir);
	if ((conf = json_load_file(path, 0, NULL)) == NULL)
		return -1;
	if (json_object_set_new(conf, "console", json_pack("{s:{s:s, s:s, "
	    "s:s, s:s, s:s}}", "idp", "issuer", IDP_ISSUER, "client_id",
	    IDP_CLIENT, "auth", "private_key_jwt", "match", "email",
	    "jwks_file", "idp.jwks")) == 0 &&
	    json_dump_file(conf, path, JSON_INDENT(2)) == 0)
		rc = 0;
	json_decref(conf);
	return rc;
}

/* Events named event in the audit log. */
static int
records_of(const char *event)
{
	FILE	*f;
	char	 line[16384], want[128];
	int	 n = 0;

	snprintf(want, sizeof(want), "\"event\":\"%s\"", event);
	if ((f = fopen(audit_file, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, want) != NULL)
			n++;
	fclose(f);
	return n;
}

void
test_console(void)
{
	struct proto_msg	 rep;
	struct idp		 idp, forger;
	char			 session[PROTO_LOGIN_MAX + 1];
	char			 grant[PROTO_GRANT_MAX + 1];
	char			*t;
	uint32_t		 st;
	int			 before;

	CHECK(signin("a.b.c", SIGNIN_NONCE, &rep) == PROTO_ERR_REQUEST,
	    "no console configured: a sign-in is refused");
	if (idp_make(&idp, "idp.jwks", "idp-1") == -1 ||
	    idp_make(&forger, NULL, NULL) == -1 || with_console() == -1 ||
	    crash_and_restart(0) == -1) {
		CHECK(0, "a provider's key, a console, and a signer that reads "
		    "them");
		return;
	}
	before = records_of("console.signin");

	/* Tokens the provider never signed, or not for this sign-in. */
	t = id_token(&forger, "p|sam", "sam@example.com", 1, SIGNIN_NONCE);
	st = signin(t, SIGNIN_NONCE, &rep);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "an id_token of another key: "
	    "proves nobody (%s)", proto_status_name(st));
	free(t);
	t = id_token(&idp, "p|sam", "sam@example.com", 1, "other-nonce");
	st = signin(t, SIGNIN_NONCE, &rep);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "another sign-in's id_token: "
	    "proves nobody (%s)", proto_status_name(st));
	free(t);
	CHECK(records_of("console.signin") == before,
	    "a token that proves nobody costs no record");

	/* People the provider proved, whom the directory does not let in. */
	t = id_token(&idp, "p|alice", "alice@example.com", 1, SIGNIN_NONCE);
	st = signin(t, SIGNIN_NONCE, &rep);
	CHECK(st == PROTO_OK && rep.u.signin_rep.rule.len > 0 &&
	    rep.u.signin_rep.refusal == 403 &&
	    rep.u.signin_rep.session.len == 0 &&
	    rep.u.signin_rep.grant.len == 0,
	    "a customer: refused, no session (%.*s)",
	    (int)rep.u.signin_rep.rule.len, rep.u.signin_rep.rule.p);
	free(t);
	t = id_token(&idp, "p|sam", "sam@example.com", 0, SIGNIN_NONCE);
	st = signin(t, SIGNIN_NONCE, &rep);
	CHECK(st == PROTO_OK && rep.u.signin_rep.rule.len > 0 &&
	    rep.u.signin_rep.grant.len == 0,
	    "support's email, not verified by the provider: refused");
	free(t);

	/* Support, proved: a session and its grant. */
	t = id_token(&idp, "p|sam", "sam@example.com", 1, SIGNIN_NONCE);
	st = signin(t, SIGNIN_NONCE, &rep);
	CHECK(st == PROTO_OK && rep.u.signin_rep.rule.len == 0 &&
	    copy_field(session, sizeof(session), rep.u.signin_rep.session) ==
	    0 && strlen(session) == 43 &&
	    copy_field(grant, sizeof(grant), rep.u.signin_rep.grant) == 0 &&
	    grant[0] != '\0' && rep.u.signin_rep.user_id.len ==
	    strlen(SUPPORT) && memcmp(rep.u.signin_rep.user_id.p, SUPPORT,
	    strlen(SUPPORT)) == 0,
	    "support, proved: signed in as %s, with a session", SUPPORT);
	free(t);
	CHECK(records_of("console.signin") == before + 3,
	    "each person proved is on the record, allowed or refused");

	/* A console grant is no link's and no login's. */
	{
		struct proto_msg	 req, r2;

		memset(&req, 0, sizeof(req));
		req.type = PROTO_FOLLOW;
		req.id = next_id++;
		req.u.follow_req.ticket = proto_str(session);
		req.u.follow_req.grant = proto_str(grant);
		req.u.follow_req.impersonator_id = proto_str(SUPPORT);
		req.u.follow_req.ip = proto_str("127.0.0.1");
		req.u.follow_req.user_agent = proto_str("peer");
		st = request(&s, &req, &r2) == 0 ? r2.status : (uint32_t)-1;
		CHECK(st == PROTO_ERR_INVALID_GRANT, "a console grant followed "
		    "as a link: refused (%s)", proto_status_name(st));
		memset(&req, 0, sizeof(req));
		req.type = PROTO_AUTHORIZE;
		req.id = next_id++;
		req.u.authorize_req.login = proto_str(session);
		req.u.authorize_req.grant = proto_str(grant);
		req.u.authorize_req.client_id = proto_str("portal");
		req.u.authorize_req.redirect_uri =
		    proto_str("http://127.0.0.1:3001/callback");
		req.u.authorize_req.response_type = 1;
		req.u.authorize_req.scope = proto_str("openid");
		req.u.authorize_req.nonce = proto_str("n");
		req.u.authorize_req.code_challenge = proto_str("");
		req.u.authorize_req.ip = proto_str("127.0.0.1");
		req.u.authorize_req.user_agent = proto_str("peer");
		st = request(&s, &req, &r2) == 0 ? r2.status : (uint32_t)-1;
		CHECK(st == PROTO_ERR_INVALID_GRANT, "a console grant presented "
		    "as a login: refused (%s)", proto_status_name(st));
	}
	idp_free(&idp);
	idp_free(&forger);
}
