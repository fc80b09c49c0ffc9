/*
 * OpenID Connect discovery and the JWKS.  Both documents are built once,
 * when the signer's keys arrive, and served as they are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "frontend.h"
#include "http.h"
#include "reply.h"

/* The documents change only with a reload: caches may keep them a while. */
static void
serve_text(struct evhttp_request *req, const char *text)
{
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "public, max-age=300");
	reply_body(req, 200, "application/json", text);
}

void
wellknown_discovery(struct evhttp_request *req)
{
	serve_text(req, fe->discovery);
}

void
wellknown_jwks(struct evhttp_request *req)
{
	serve_text(req, fe->jwks);
}

static int
json_array_contains_alg(json_t *a, enum sig_alg alg)
{
	size_t	 i;

	for (i = 0; i < json_array_size(a); i++)
		if (strcmp(json_string_value(json_array_get(a, i)),
		    alg_name(alg)) == 0)
			return 1;
	return 0;
}

static json_t *
url(const char *path)
{
	char	 buf[1024];

	snprintf(buf, sizeof(buf), "%s%s", fe->conf->issuer, path);
	return json_string(buf);
}

/* The id_token algorithms: the published keys', and HS256 if a client
 * asks for it. */
static json_t *
id_token_algs(void)
{
	const struct config	*c = fe->conf;
	json_t			*a = json_array();
	size_t			 i;

	for (i = 0; i < c->nkeys; i++)
		if (!json_array_contains_alg(a, c->keys[i].alg))
			json_array_append_new(a,
			    json_string(alg_name(c->keys[i].alg)));
	for (i = 0; i < c->nclients; i++)
		if (c->clients[i].id_token_alg == ALG_HS256 &&
		    !json_array_contains_alg(a, ALG_HS256))
			json_array_append_new(a, json_string("HS256"));
	return a;
}

char *
wellknown_build_discovery(void)
{
	json_t	*d;
	char	*text;

	/*
	 * Each true of the daemon: /authorize answers only through an
	 * impersonation link's login (authorize.c), with PKCE S256 alone; no
	 * request objects (request_uri_parameter_supported must be said
	 * false: Discovery's default is true).  Its answers name the issuer
	 * (RFC 9207's iss, checked by the clients that find it), but
	 * authorization_response_iss_parameter_supported is not said: a
	 * client would then demand iss of the how-to's redirect too, which
	 * stays as the how-to has it.  An ended impersonation session is
	 * told to the application that registered a backchannel_logout_uri,
	 * with its sid (Back-Channel Logout 1.0).
	 */
	d = json_pack("{s:s, s:o, s:o, s:o, s:o, s:[sss], s:[sss], s:[s],"
	    " s:o, s:[sss], s:[s], s:[sss], s:[sss],"
	    " s:[ssssssssssssssssss], s:b, s:b, s:b, s:b, s:b}",
	    "issuer", fe->conf->issuer,
	    "authorization_endpoint", url("authorize"),
	    "token_endpoint", url("oauth/token"),
	    "userinfo_endpoint", url("userinfo"),
	    "jwks_uri", url(".well-known/jwks.json"),
	    "response_types_supported", "code", "token", "id_token token",
	    "response_modes_supported", "query", "fragment", "form_post",
	    "subject_types_supported", "public",
	    "id_token_signing_alg_values_supported", id_token_algs(),
	    "token_endpoint_auth_methods_supported", "client_secret_basic",
	    "client_secret_post", "none",
	    "code_challenge_methods_supported", "S256",
	    "grant_types_supported", "client_credentials",
	    "authorization_code", "implicit",
	    "scopes_supported", "openid", "profile", "email",
	    "claims_supported", "sub", "iss", "aud", "exp", "iat",
	    "auth_time", "name", "given_name", "family_name", "nickname",
	    "picture", "updated_at", "email", "email_verified",
	    "impersonated", "impersonator", "act", "sid",
	    "backchannel_logout_supported", 1,
	    "backchannel_logout_session_supported", 1,
	    "request_parameter_supported", 0,
	    "request_uri_parameter_supported", 0,
	    "claims_parameter_supported", 0);
	/*
	 * RFC 8414: introspection (RFC 7662) by a client with a secret only;
	 * revocation (RFC 7009) by a public client too, named by its
	 * client_id.
	 */
	if (d != NULL && (json_object_set_new(d, "introspection_endpoint",
	    url("oauth/introspect")) == -1 ||
	    json_object_set_new(d, "introspection_endpoint_auth_methods_"
	    "supported", json_pack("[ss]", "client_secret_basic",
	    "client_secret_post")) == -1 ||
	    json_object_set_new(d, "revocation_endpoint",
	    url("oauth/revoke")) == -1 ||
	    json_object_set_new(d, "revocation_endpoint_auth_methods_"
	    "supported", json_pack("[sss]", "client_secret_basic",
	    "client_secret_post", "none")) == -1)) {
		json_decref(d);
		return NULL;
	}
	text = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	return text;
}
