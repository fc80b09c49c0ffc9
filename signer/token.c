/*
 * Building the claims of a token.  Every claim is the signer's: iss, iat,
 * exp and jti set here, lifetimes from its own configuration, who and as
 * whom from its grants, the profile from its own copy of the users, so a
 * compromised front end cannot make the signer sign a claim of its
 * choosing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "b64url.h"
#include "jsonw.h"
#include "jti.h"
#include "keys.h"
#include "profile.h"
#include "proto.h"
#include "random.h"
#include "secrets.h"
#include "token.h"


static const struct config	*conf;
static char			 api_audience[1024];
static char			 userinfo_audience[1024];

void
token_init(const struct config *c)
{
	conf = c;
	snprintf(api_audience, sizeof(api_audience), "%sapi/v2/", c->issuer);
	snprintf(userinfo_audience, sizeof(userinfo_audience), "%suserinfo",
	    c->issuer);
}

const char *
token_api_audience(void)
{
	return api_audience;
}

const char *
token_userinfo_audience(void)
{
	return userinfo_audience;
}

/* A fresh jti. */
static int
new_jti(char *out)
{
	unsigned char	 raw[JTI_BYTES];

	if (random_draw(raw, sizeof(raw)) == -1)
		return -1;
	b64url_encode(out, raw, sizeof(raw));
	return 0;
}

/*
 * The claims of access tokens are written straight into a buffer
 * (jsonw.h): a token a request, and jansson's tree and allocations cost
 * about a tenth of the signer's time (perf, signer_bench).
 */
static char	 claims_buf[PROTO_TOKEN_MAX];

static long
sign_claims(struct jsonw *w, const char *typ, char *out, size_t outlen)
{
	long	 n;

	if ((n = jw_end(w, 1)) == -1)
		return -1;
	return keys_sign_jws(keys_active(), typ, w->buf, (size_t)n, out,
	    outlen);
}

long
token_client_credentials(const struct client_config *client,
    const char *audience, const char *scope, char *out, size_t outlen,
    char jti[PROTO_JTI_MAX + 1])
{
	char		 sub[CONFIG_ID_MAX + sizeof("@clients")];
	struct jsonw	 w;
	time_t		 now = time(NULL);

	if (new_jti(jti) == -1)
		return -1;
	snprintf(sub, sizeof(sub), "%s@clients", client->client_id);
	jw_begin(&w, claims_buf, sizeof(claims_buf), 1);
	jw_string(&w, "iss", conf->issuer);
	jw_string(&w, "sub", sub);
	jw_string(&w, "aud", audience);
	jw_integer(&w, "iat", now);
	jw_integer(&w, "exp", now + CLIENT_TOKEN_TTL);
	jw_string(&w, "jti", jti);
	jw_string(&w, "client_id", client->client_id);
	jw_string(&w, "scope", scope);
	jw_string(&w, "gty", "client-credentials");
	return sign_claims(&w, "at+jwt", out, outlen);
}

long
token_client_assertion(const char *client_id, const char *audience,
    char *out, size_t outlen)
{
	char		 jti[PROTO_JTI_MAX + 1];
	struct jsonw	 w;
	time_t		 now = time(NULL);

	if (new_jti(jti) == -1)
		return -1;
	jw_begin(&w, claims_buf, sizeof(claims_buf), 1);
	jw_string(&w, "iss", client_id);
	jw_string(&w, "sub", client_id);
	jw_string(&w, "aud", audience);
	jw_string(&w, "jti", jti);
	jw_integer(&w, "iat", now);
	jw_integer(&w, "exp", now + CLIENT_ASSERTION_TTL);
	return sign_claims(&w, "JWT", out, outlen);
}

static json_t *
impersonation_claims(const struct login *l, json_t *claims)
{
	json_t	*who;

	who = json_pack("{s:s}", "user_id", l->impersonator->user_id);
	if (who != NULL && l->impersonator->email != NULL)
		json_object_set_new(who, "email",
		    json_string(l->impersonator->email));
	if (who == NULL ||
	    json_object_set_new(claims, "impersonated", json_true()) == -1 ||
	    json_object_set_new(claims, "impersonator", who) == -1 ||
	    json_object_set_new(claims, "act", json_pack("{s:s}", "sub",
	    l->impersonator->user_id)) == -1) {
		json_decref(claims);
		return NULL;
	}
	return claims;
}

/* token_ttl from now, and not past the end of the login's session. */
static long long
login_exp(const struct login *l, long long now)
{
	return now + conf->token_ttl < l->session_exp ?
	    now + conf->token_ttl : l->session_exp;
}

static int
login_access_token(const struct login *l, long long now,
    struct login_tokens *t)
{
	char		 act[PROTO_USER_ID_MAX * 2 + 16];
	struct jsonw	 w;

	/* From a code, the jti is the code's: a replay can revoke it. */
	if ((l->code != NULL ? jti_for_code(l->code, t->jti) :
	    new_jti(t->jti)) == -1)
		return PROTO_ERR_INTERNAL;
	jw_begin(&w, act, sizeof(act), 1);
	jw_string(&w, "sub", l->impersonator->user_id);
	if (jw_end(&w, 1) == -1)
		return PROTO_ERR_INTERNAL;
	jw_begin(&w, claims_buf, sizeof(claims_buf), 1);
	jw_string(&w, "iss", conf->issuer);
	jw_string(&w, "sub", l->user->user_id);
	jw_string(&w, "aud", userinfo_audience);
	jw_integer(&w, "iat", now);
	jw_integer(&w, "exp", login_exp(l, now));
	jw_string(&w, "jti", t->jti);
	jw_string(&w, "client_id", l->client->client_id);
	jw_string(&w, "scope", l->scope);
	jw_string(&w, "sid", l->sid);
	jw_json(&w, "act", act);
	t->access_len = sign_claims(&w, "at+jwt", t->access_token,
	    sizeof(t->access_token));
	t->expires_in = (int)(login_exp(l, now) - now);
	return t->access_len == -1 ? PROTO_ERR_INTERNAL : PROTO_OK;
}

/* Signed as the application registered its id_tokens' alg. */
static long
sign_for_client(const struct client_config *client, const char *typ,
    const char *payload, char *out, size_t outlen)
{
	const struct signing_key	*k;
	const char			*secret;

	switch (client->id_token_alg) {
	case ALG_HS256:
		if ((secret = secrets_hs256_key(client->client_id)) == NULL)
			return -1;
		return keys_sign_hs256(secret, typ, payload, strlen(payload),
		    out, outlen);
	case ALG_NONE:
		k = keys_active();
		break;
	default:
		/* What the application registered; the parser saw a key. */
		if ((k = keys_for_alg(client->id_token_alg)) == NULL)
			return -1;
		break;
	}
	return keys_sign_jws(k, typ, payload, strlen(payload), out, outlen);
}

static int
login_id_token(const struct login *l, long long now, struct login_tokens *t)
{
	char	 at_hash[32];
	json_t	*claims;
	char	*payload;

	if ((claims = profile_claims(l->user, l->scope)) == NULL)
		return PROTO_ERR_INTERNAL;
	if (keys_at_hash(t->access_token, (size_t)t->access_len, at_hash,
	    sizeof(at_hash)) == -1 ||
	    json_object_update_new(claims, json_pack("{s:s, s:s, s:s, s:I,"
	    " s:I, s:I, s:s, s:s}",
	    "iss", conf->issuer,
	    "sub", l->user->user_id,
	    "aud", l->client->client_id,
	    "iat", (json_int_t)now,
	    "exp", (json_int_t)login_exp(l, now),
	    "auth_time", (json_int_t)l->auth_time,
	    "at_hash", at_hash,
	    "sid", l->sid)) == -1 ||
	    (l->nonce[0] != '\0' &&
	    json_object_set_new(claims, "nonce", json_string(l->nonce)) == -1)) {
		json_decref(claims);
		return PROTO_ERR_INTERNAL;
	}
	if ((claims = impersonation_claims(l, claims)) == NULL)
		return PROTO_ERR_INTERNAL;
	payload = json_dumps(claims, JSON_COMPACT);
	json_decref(claims);
	if (payload == NULL)
		return PROTO_ERR_INTERNAL;
	t->id_len = sign_for_client(l->client, "JWT", payload, t->id_token,
	    sizeof(t->id_token));
	free(payload);
	return t->id_len == -1 ? PROTO_ERR_INTERNAL : PROTO_OK;
}

int
token_login(const struct login *l, struct login_tokens *t)
{
	long long	 now = time(NULL);
	int		 rc;

	if ((rc = login_access_token(l, now, t)) != PROTO_OK)
		return rc;
	return login_id_token(l, now, t);
}

long
token_logout(const struct client_config *client, const char *sub,
    const char *sid, char *out, size_t outlen, char jti[PROTO_JTI_MAX + 1])
{
	struct jsonw	 w;
	long long	 now = time(NULL);
	long		 n;

	if (new_jti(jti) == -1)
		return -1;
	jw_begin(&w, claims_buf, sizeof(claims_buf), 1);
	jw_string(&w, "iss", conf->issuer);
	jw_string(&w, "sub", sub);
	jw_string(&w, "aud", client->client_id);
	jw_integer(&w, "iat", now);
	jw_integer(&w, "exp", now + LOGOUT_TOKEN_TTL);
	jw_string(&w, "jti", jti);
	jw_string(&w, "sid", sid);
	jw_json(&w, "events",
	    "{\"http://schemas.openid.net/event/backchannel-logout\":{}}");
	if ((n = jw_end(&w, 1)) == -1)
		return -1;
	return sign_for_client(client, "logout+jwt", w.buf, out, outlen);
}
