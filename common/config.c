/*
 * The configuration file of DESIGN.md section 5.  Every key is looked up
 * against a list of allowed names first, so a misspelt key is an error
 * rather than a silently ignored setting, and every error names the key
 * path (such as "clients[1].grant_types[0]") so the operator can find it.
 *
 * The typed reads and the key path are jsonread.c's; this file holds what
 * the configuration means.  On error the whole configuration is freed, so
 * the paths of a failed parse never need popping.
 */
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "loopback.h"
#include "proto.h"
#include "jsonread.h"

#define CONFIG_FILE_MAX		(1024 * 1024)	/* bytes */

#define KID_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
			"abcdefghijklmnopqrstuvwxyz0123456789._-"
#define CLIENT_ID_CHARS	KID_CHARS "~"

static const char *const top_keys[] = { "issuer", "listen", "user",
    "users_file", "audit", "signer", "clients", "impersonation",
    "max_connections", "trusted_proxies", "frontend_confinement", "console",
    "webhooks", NULL };
static const char *const webhook_keys[] = { "url", "events", NULL };
static const char *const listen_keys[] = { "address", "port", "tls", NULL };
static const char *const tls_keys[] = { "cert", "key", NULL };
static const char *const audit_keys[] = { "path", NULL };
static const char *const signer_keys[] = { "keys", "active_kid",
    "secrets_file", "audit_key_file", "grant_key_file", NULL };
static const char *const key_keys[] = { "kid", "alg", "file", NULL };
static const char *const client_keys[] = { "client_id", "name", "app_type",
    "callbacks", "grant_types", "scopes", "allow_impersonation",
    "id_token_alg", "initiate_login_uri", "target_link_uri",
    "token_endpoint_auth_method", "web_origins", "backchannel_logout_uri",
    NULL };
static const char *const imp_keys[] = { "link_ttl", "code_ttl", "token_ttl",
    "require_reason", "impersonators", "protected", "approval", NULL };
static const char *const approval_keys[] = { "required", "approvers", "ttl",
    NULL };
static const char *const match_keys[] = { "roles", "users", NULL };
static const char *const console_keys[] = { "idp", "pages", "session_ttl",
    "idle_ttl", NULL };
static const char *const idp_keys[] = { "issuer", "client_id", "auth",
    "match", "jwks_file", "ca_file", NULL };

static const char *const app_types[] = { "non_interactive", "regular_web",
    "spa", "native", NULL };

static const struct {
	const char	*name;
	unsigned int	 bit;
} grants[] = {
	{ "client_credentials",	GRANT_CLIENT_CREDENTIALS },
	{ "authorization_code",	GRANT_AUTHORIZATION_CODE },
	{ "implicit",		GRANT_IMPLICIT },
};

/* A kid or client_id: 1..CONFIG_ID_MAX characters, all in chars. */
static const char *
check_id(const char *s, const char *chars, const char *problem)
{
	size_t	 len = strlen(s);

	if (len > CONFIG_ID_MAX)
		return "is longer than 128 characters";
	if (strspn(s, chars) != len)
		return problem;
	return NULL;
}

/* An absolute http(s) URL with a host, without space or fragment. */
static const char *
check_url(const char *s)
{
	const char	*host;
	size_t		 hostlen;

	/* A callback travels in the signer's grants, which bound it. */
	if (strlen(s) > PROTO_CALLBACK_MAX)
		return "is longer than 2048 bytes";
	if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		host = s + 7;
	else
		return "is not an http:// or https:// URL";
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return "contains a space or control character";
	hostlen = strcspn(host, "/?#");
	if (hostlen == 0)
		return "has no host";
	if (memchr(host, '@', hostlen) != NULL)
		return "must not have user information";
	if (strchr(host, '#') != NULL)
		return "must not have a fragment";
	return NULL;
}

/*
 * Does the URL s (check_url's) name a loopback host: an address of
 * 127.0.0.0/8, ::1, or "localhost" (a name that merely begins with
 * "127.", 127.example, is for DNS to place anywhere)?  By the outbound
 * client's own rule (loopback.h).
 */
static int
url_on_loopback(const char *s)
{
	const char	*host = s + strcspn(s, ":") + 3;
	char		 h[256];
	size_t		 len;

	if (*host == '[') {
		len = strcspn(++host, "]");
		/* After "]" a port, a path, a query or the end ('\0' is in
		 * the set strchr searches). */
		if (host[len] != ']' || strchr(":/?#", host[len + 1]) == NULL)
			return 0;
	} else
		len = strcspn(host, ":/?#");
	if (len == 0 || len >= sizeof(h))
		return 0;
	memcpy(h, host, len);
	h[len] = '\0';
	return host_is_loopback(h);
}

/*
 * Where a followed link sends the browser to start the application's
 * login (initiate_login_uri): https, or http on loopback only, since the
 * login hint travels in it.
 */
static const char *
check_login_url(const char *s)
{
	const char	*problem;

	if ((problem = check_url(s)) != NULL)
		return problem;
	if (strncmp(s, "https://", 8) != 0 && !url_on_loopback(s))
		return "must be https:// (or http:// on a loopback address)";
	return NULL;
}

/* A web origin: scheme://host[:port], nothing after it. */
static const char *
check_origin(const char *s)
{
	const char	*problem, *host;

	if ((problem = check_url(s)) != NULL)
		return problem;
	host = s + strcspn(s, ":") + 3;
	if (host[strcspn(host, "/?#")] != '\0')
		return "is not an origin (scheme://host[:port], no path, no "
		    "trailing slash)";
	return NULL;
}

/* A scope token of RFC 6749 3.3: printable ASCII but space, '"' and '\'. */
static const char *
check_scope(const char *s)
{
	const unsigned char	*u = (const unsigned char *)s;

	for (; *u != '\0'; u++)
		if (*u < 0x21 || *u > 0x7e || *u == '"' || *u == '\\')
			return "is not a valid scope token";
	return NULL;
}

/*
 * A file that holds a secret: a path, or "credential:NAME" for a systemd
 * credential (LoadCredential=), found in $CREDENTIALS_DIRECTORY when read.
 */
static int
get_secret_path(struct jsonread *jr, json_t *obj, const char *key, char **out)
{
	const char	*s, *name;

	if (jr_get_str(jr, obj, key, 1, &s) == -1 || s == NULL)
		return -1;
	if (strncmp(s, CONFIG_CREDENTIAL, strlen(CONFIG_CREDENTIAL)) != 0)
		return jr_get_path(jr, obj, key, out);
	name = s + strlen(CONFIG_CREDENTIAL);
	if (*name == '\0' || strlen(name) > 255 ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-") != strlen(name) || name[0] == '.')
		return jr_error(jr, key, "\"%s\" is not a credential name "
		    "(letters, digits, '.', '_' and '-')", name);
	return jr_dup_str(jr, key, s, out);
}

int
config_path(const char *path, char *out, size_t outlen)
{
	const char	*dir;
	int		 n;

	if (strncmp(path, CONFIG_CREDENTIAL, strlen(CONFIG_CREDENTIAL)) != 0)
		n = snprintf(out, outlen, "%s", path);
	else if ((dir = getenv("CREDENTIALS_DIRECTORY")) == NULL) {
		errno = ENOENT;
		return -1;
	} else
		n = snprintf(out, outlen, "%s/%s", dir,
		    path + strlen(CONFIG_CREDENTIAL));
	if (n < 0 || (size_t)n >= outlen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int
parse_issuer(struct jsonread *jr, json_t *top, struct config *c)
{
	const char	*s, *problem;

	if (jr_get_str(jr, top, "issuer", 1, &s) == -1)
		return -1;
	if ((problem = check_url(s)) != NULL)
		return jr_error(jr, "issuer", "\"%s\" %s", s, problem);
	if (strchr(s, '?') != NULL)
		return jr_error(jr, "issuer", "\"%s\" must not have a query",
		    s);
	if (s[strlen(s) - 1] != '/')
		return jr_error(jr, "issuer",
		    "\"%s\" must end with a slash '/'", s);
	return jr_dup_str(jr, "issuer", s, &c->issuer);
}

static int
is_loopback(const char *address)
{
	struct in_addr	 in4;
	struct in6_addr	 in6;

	if (inet_pton(AF_INET, address, &in4) == 1)
		return (ntohl(in4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, address, &in6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&in6);
	return 0;
}

static int
parse_tls(struct jsonread *jr, json_t *obj, struct listen_config *l)
{
	json_t	*tls;
	size_t	 saved;

	if (jr_get(jr, obj, "tls", JSON_OBJECT, 0, &tls) == -1)
		return -1;
	if (tls == NULL)
		return 0;
	saved = jr_key(jr, "tls");
	if (jr_check_keys(jr, tls, tls_keys) == -1 ||
	    jr_get_path(jr, tls, "cert", &l->tls_cert) == -1 ||
	    get_secret_path(jr, tls, "key", &l->tls_key) == -1)
		return -1;
	jr_pop(jr, saved);
	return 0;
}

static int
parse_listener(struct jsonread *jr, json_t *obj, void *arg, size_t n)
{
	struct config		*c = arg;
	struct listen_config	*l = &c->listen[n];
	const char		*addr;
	unsigned char		 buf[sizeof(struct in6_addr)];

	if (!json_is_object(obj))
		return jr_error(jr, NULL, "must be an object");
	if (jr_check_keys(jr, obj, listen_keys) == -1 ||
	    jr_get_str(jr, obj, "address", 1, &addr) == -1)
		return -1;
	if (inet_pton(AF_INET, addr, buf) != 1 &&
	    inet_pton(AF_INET6, addr, buf) != 1)
		return jr_error(jr, "address", "\"%s\" is not a numeric IPv4 "
		    "or IPv6 address", addr);
	if (jr_dup_str(jr, "address", addr, &l->address) == -1)
		return -1;
	if (jr_get_int(jr, obj, "port", 1, 1, 65535, 0, &l->port) == -1 ||
	    parse_tls(jr, obj, l) == -1)
		return -1;
	if (l->tls_cert == NULL && !is_loopback(l->address))
		return jr_error(jr, "address", "\"%s\": plain http is allowed "
		    "only on a loopback address (add \"tls\")", l->address);
	return 0;
}

static int
parse_listen(struct jsonread *jr, json_t *top, struct config *c)
{
	json_t	*a;

	if (jr_get(jr, top, "listen", JSON_ARRAY, 1, &a) == -1)
		return -1;
	if (json_array_size(a) == 0)
		return jr_error(jr, "listen", "must not be empty");
	if ((c->listen = calloc(json_array_size(a), sizeof(*c->listen))) ==
	    NULL)
		return jr_error(jr, "listen", "%s", strerror(errno));
	c->nlisten = json_array_size(a);
	return jr_each(jr, "listen", a, parse_listener, c);
}

static int
parse_proxy(struct jsonread *jr, json_t *v, void *arg, size_t n)
{
	struct config	*c = arg;
	const char	*s, *problem;

	if ((s = jr_str_value(jr, NULL, v)) == NULL)
		return -1;
	if ((problem = cidr_parse(s, &c->trusted_proxies[n])) != NULL)
		return jr_error(jr, NULL, "\"%s\" %s", s, problem);
	return 0;
}

static int
parse_confinement(struct jsonread *jr, json_t *top, struct config *c)
{
	const char	*s;

	if (jr_get_str(jr, top, "frontend_confinement", 0, &s) == -1)
		return -1;
	if (s == NULL || strcmp(s, "landlock") == 0)
		return 0;
	if (strcmp(s, "seccomp-only") != 0)
		return jr_error(jr, "frontend_confinement", "\"%s\" is neither "
		    "\"landlock\" (the default) nor \"seccomp-only\"", s);
	c->seccomp_only = 1;
	return 0;
}

static int
parse_trusted_proxies(struct jsonread *jr, json_t *top, struct config *c)
{
	json_t	*a;
	size_t	 n;

	if (jr_get(jr, top, "trusted_proxies", JSON_ARRAY, 0, &a) == -1)
		return -1;
	if (a == NULL || (n = json_array_size(a)) == 0)
		return 0;
	if (n > CONFIG_PROXIES_MAX)
		return jr_error(jr, "trusted_proxies", "more than %d entries",
		    CONFIG_PROXIES_MAX);
	if ((c->trusted_proxies = calloc(n, sizeof(*c->trusted_proxies))) ==
	    NULL)
		return jr_error(jr, "trusted_proxies", "%s", strerror(errno));
	c->ntrusted_proxies = n;
	return jr_each(jr, "trusted_proxies", a, parse_proxy, c);
}

static int
parse_audit(struct jsonread *jr, json_t *top, struct config *c)
{
	json_t	*o;
	size_t	 saved;

	if (jr_get(jr, top, "audit", JSON_OBJECT, 1, &o) == -1)
		return -1;
	saved = jr_key(jr, "audit");
	if (jr_check_keys(jr, o, audit_keys) == -1 ||
	    jr_get_path(jr, o, "path", &c->audit_path) == -1)
		return -1;
	jr_pop(jr, saved);
	return 0;
}

static int
parse_alg(struct jsonread *jr, const char *key, const char *s, int hs256,
    enum sig_alg *out)
{
	if (strcmp(s, "RS256") == 0)
		*out = ALG_RS256;
	else if (strcmp(s, "ES256") == 0)
		*out = ALG_ES256;
	else if (hs256 && strcmp(s, "HS256") == 0)
		*out = ALG_HS256;
	else
		return jr_error(jr, key, "unknown alg \"%s\" (use %s)", s,
		    hs256 ? "RS256, ES256 or HS256" : "RS256 or ES256");
	return 0;
}

static int
parse_key(struct jsonread *jr, json_t *obj, void *arg, size_t n)
{
	struct config		*c = arg;
	struct key_config	*k = &c->keys[n];
	const char		*kid, *alg, *problem;
	size_t			 i;

	if (!json_is_object(obj))
		return jr_error(jr, NULL, "must be an object");
	if (jr_check_keys(jr, obj, key_keys) == -1 ||
	    jr_get_str(jr, obj, "kid", 1, &kid) == -1)
		return -1;
	if ((problem = check_id(kid, KID_CHARS,
	    "has a character outside [A-Za-z0-9._-]")) != NULL)
		return jr_error(jr, "kid", "\"%s\" %s", kid, problem);
	for (i = 0; i < n; i++)
		if (strcmp(c->keys[i].kid, kid) == 0)
			return jr_error(jr, "kid", "duplicate kid \"%s\"", kid);
	if (jr_dup_str(jr, "kid", kid, &k->kid) == -1 ||
	    jr_get_str(jr, obj, "alg", 1, &alg) == -1 ||
	    parse_alg(jr, "alg", alg, 0, &k->alg) == -1 ||
	    get_secret_path(jr, obj, "file", &k->file) == -1)
		return -1;
	return 0;
}

static int
parse_keys(struct jsonread *jr, json_t *signer, struct config *c)
{
	json_t	*a;

	if (jr_get(jr, signer, "keys", JSON_ARRAY, 1, &a) == -1)
		return -1;
	if (json_array_size(a) == 0)
		return jr_error(jr, "keys", "must not be empty");
	if ((c->keys = calloc(json_array_size(a), sizeof(*c->keys))) == NULL)
		return jr_error(jr, "keys", "%s", strerror(errno));
	c->nkeys = json_array_size(a);
	return jr_each(jr, "keys", a, parse_key, c);
}

static int
parse_signer(struct jsonread *jr, json_t *top, struct config *c)
{
	json_t		*o;
	const char	*kid;
	size_t		 saved;

	if (jr_get(jr, top, "signer", JSON_OBJECT, 1, &o) == -1)
		return -1;
	saved = jr_key(jr, "signer");
	if (jr_check_keys(jr, o, signer_keys) == -1 ||
	    parse_keys(jr, o, c) == -1 ||
	    jr_get_str(jr, o, "active_kid", 1, &kid) == -1)
		return -1;
	if (config_key(c, kid) == NULL)
		return jr_error(jr, "active_kid",
		    "\"%s\" is not the kid of any key", kid);
	if (jr_dup_str(jr, "active_kid", kid, &c->active_kid) == -1 ||
	    get_secret_path(jr, o, "secrets_file", &c->secrets_file) == -1 ||
	    get_secret_path(jr, o, "audit_key_file", &c->audit_key_file) == -1 ||
	    get_secret_path(jr, o, "grant_key_file", &c->grant_key_file) == -1)
		return -1;
	jr_pop(jr, saved);
	return 0;
}

static int
parse_grants(struct jsonread *jr, json_t *obj, struct client_config *cl)
{
	json_t		*a, *v;
	const char	*s;
	size_t		 i, j, saved, base;

	if (jr_get(jr, obj, "grant_types", JSON_ARRAY, 1, &a) == -1)
		return -1;
	if (json_array_size(a) == 0)
		return jr_error(jr, "grant_types", "must not be empty");
	saved = jr_key(jr, "grant_types");
	base = jr->len;
	json_array_foreach(a, i, v) {
		jr_index(jr, i);
		if ((s = jr_str_value(jr, NULL, v)) == NULL)
			return -1;
		for (j = 0; j < sizeof(grants) / sizeof(grants[0]); j++)
			if (strcmp(grants[j].name, s) == 0)
				break;
		if (j == sizeof(grants) / sizeof(grants[0]))
			return jr_error(jr, NULL, "unknown grant type \"%s\"",
			    s);
		if (cl->grant_types & grants[j].bit)
			return jr_error(jr, NULL,
			    "grant type \"%s\" is listed twice", s);
		cl->grant_types |= grants[j].bit;
		jr_pop(jr, base);
	}
	jr_pop(jr, saved);
	return 0;
}

static int
parse_client_id(struct jsonread *jr, json_t *obj, struct config *c, size_t n)
{
	const char	*id, *problem;
	size_t		 i;

	if (jr_get_str(jr, obj, "client_id", 1, &id) == -1)
		return -1;
	if ((problem = check_id(id, CLIENT_ID_CHARS,
	    "has a character outside [A-Za-z0-9._~-]")) != NULL)
		return jr_error(jr, "client_id", "\"%s\" %s", id, problem);
	for (i = 0; i < n; i++)
		if (strcmp(c->clients[i].client_id, id) == 0)
			return jr_error(jr, "client_id",
			    "duplicate client_id \"%s\"", id);
	return jr_dup_str(jr, "client_id", id, &c->clients[n].client_id);
}

static int
has_key_alg(const struct config *c, enum sig_alg alg)
{
	size_t	 i;

	for (i = 0; i < c->nkeys; i++)
		if (c->keys[i].alg == alg)
			return 1;
	return 0;
}

/*
 * What an application that starts its own login registers: where a link
 * sends the browser (initiate_login_uri) and the page it asks to land on
 * (target_link_uri, by default its origin's root: mod_auth_openidc
 * refuses a target off its own host).
 */
static int
parse_login_start(struct jsonread *jr, json_t *obj, struct client_config *cl)
{
	const char	*s, *problem;
	size_t		 origin;

	if (jr_get_str(jr, obj, "initiate_login_uri", 0, &s) == -1)
		return -1;
	if (s == NULL) {
		if (jr_get_str(jr, obj, "target_link_uri", 0, &s) == -1)
			return -1;
		if (s != NULL)
			return jr_error(jr, "target_link_uri", "needs "
			    "initiate_login_uri");
		return 0;
	}
	if ((problem = check_login_url(s)) != NULL)
		return jr_error(jr, "initiate_login_uri", "\"%s\" %s", s,
		    problem);
	if (!(cl->grant_types & (GRANT_AUTHORIZATION_CODE | GRANT_IMPLICIT)))
		return jr_error(jr, "initiate_login_uri", "needs the "
		    "authorization_code or implicit grant type");
	if (jr_dup_str(jr, "initiate_login_uri", s, &cl->initiate_login_uri) ==
	    -1 || jr_get_str(jr, obj, "target_link_uri", 0, &s) == -1)
		return -1;
	if (s != NULL) {
		if ((problem = check_login_url(s)) != NULL)
			return jr_error(jr, "target_link_uri", "\"%s\" %s", s,
			    problem);
		return jr_dup_str(jr, "target_link_uri", s,
		    &cl->target_link_uri);
	}
	origin = strcspn(cl->initiate_login_uri, ":") + 3;
	origin += strcspn(cl->initiate_login_uri + origin, "/?#");
	if ((cl->target_link_uri = malloc(origin + 2)) == NULL)
		return jr_error(jr, "target_link_uri", "%s", strerror(errno));
	memcpy(cl->target_link_uri, cl->initiate_login_uri, origin);
	memcpy(cl->target_link_uri + origin, "/", 2);
	return 0;
}

/*
 * Where the application is told that an impersonation session ended
 * (OpenID Connect Back-Channel Logout 1.0): an application that logs in,
 * https or http on loopback, as its login's URLs.
 */
static int
parse_backchannel(struct jsonread *jr, json_t *obj, struct client_config *cl)
{
	const char	*s, *problem;

	if (jr_get_str(jr, obj, "backchannel_logout_uri", 0, &s) == -1)
		return -1;
	if (s == NULL)
		return 0;
	if ((problem = check_login_url(s)) != NULL)
		return jr_error(jr, "backchannel_logout_uri", "\"%s\" %s", s,
		    problem);
	if (!(cl->grant_types & (GRANT_AUTHORIZATION_CODE | GRANT_IMPLICIT)))
		return jr_error(jr, "backchannel_logout_uri", "needs the "
		    "authorization_code or implicit grant type");
	return jr_dup_str(jr, "backchannel_logout_uri", s,
	    &cl->backchannel_logout_uri);
}

/*
 * How the client authenticates at the token endpoint: with its secret
 * (Basic or in the body, either), or "none", a public client (a
 * single-page application), which logs in only through its own request
 * with PKCE and has no secret to key HS256 or ask for client_credentials.
 */
static int
parse_auth_method(struct jsonread *jr, json_t *obj, struct client_config *cl)
{
	const char	*s;

	if (jr_get_str(jr, obj, "token_endpoint_auth_method", 0, &s) == -1)
		return -1;
	if (s == NULL || strcmp(s, "client_secret_basic") == 0 ||
	    strcmp(s, "client_secret_post") == 0)
		return 0;
	if (strcmp(s, "none") != 0)
		return jr_error(jr, "token_endpoint_auth_method", "unknown "
		    "method \"%s\" (use client_secret_basic, "
		    "client_secret_post or none)", s);
	cl->public_client = 1;
	if (cl->grant_types & GRANT_CLIENT_CREDENTIALS)
		return jr_error(jr, "token_endpoint_auth_method", "a public "
		    "client cannot use client_credentials");
	if (cl->id_token_alg == ALG_HS256)
		return jr_error(jr, "token_endpoint_auth_method", "a public "
		    "client has no secret to key HS256");
	if ((cl->grant_types & GRANT_AUTHORIZATION_CODE) &&
	    cl->initiate_login_uri == NULL)
		return jr_error(jr, "token_endpoint_auth_method", "a public "
		    "client's codes need PKCE: give it an initiate_login_uri");
	return 0;
}

static int
parse_client(struct jsonread *jr, json_t *obj, void *arg, size_t n)
{
	struct config		*c = arg;
	struct client_config	*cl = &c->clients[n];
	const char		*s;

	if (!json_is_object(obj))
		return jr_error(jr, NULL, "must be an object");
	if (jr_check_keys(jr, obj, client_keys) == -1 ||
	    parse_client_id(jr, obj, c, n) == -1 ||
	    jr_get_strdup(jr, obj, "name", 0, &cl->name) == -1 ||
	    jr_get_str(jr, obj, "app_type", 0, &s) == -1)
		return -1;
	if (s == NULL)
		s = "regular_web";
	if (!jr_in_list(app_types, s))
		return jr_error(jr, "app_type", "unknown app_type \"%s\" (use "
		    "non_interactive, regular_web, spa or native)", s);
	if (jr_dup_str(jr, "app_type", s, &cl->app_type) == -1 ||
	    jr_get_strlist(jr, obj, "callbacks", 0, check_url,
	    &cl->callbacks.v, &cl->callbacks.n) == -1 ||
	    parse_grants(jr, obj, cl) == -1 ||
	    jr_get_strlist(jr, obj, "scopes", 0, check_scope,
	    &cl->scopes.v, &cl->scopes.n) == -1 ||
	    jr_get_bool(jr, obj, "allow_impersonation",
	    &cl->allow_impersonation) == -1 ||
	    jr_get_str(jr, obj, "id_token_alg", 0, &s) == -1)
		return -1;
	cl->id_token_alg = ALG_NONE;	/* the active key's */
	if (s != NULL &&
	    parse_alg(jr, "id_token_alg", s, 1, &cl->id_token_alg) == -1)
		return -1;
	if (cl->id_token_alg != ALG_NONE && cl->id_token_alg != ALG_HS256 &&
	    !has_key_alg(c, cl->id_token_alg))
		return jr_error(jr, "id_token_alg", "no key in signer.keys "
		    "is %s", alg_name(cl->id_token_alg));
	if ((cl->grant_types & (GRANT_AUTHORIZATION_CODE | GRANT_IMPLICIT)) &&
	    cl->callbacks.n == 0)
		return jr_error(jr, "callbacks", "missing: at least one "
		    "callback is required for authorization_code and implicit");
	if (parse_login_start(jr, obj, cl) == -1 ||
	    parse_backchannel(jr, obj, cl) == -1 ||
	    parse_auth_method(jr, obj, cl) == -1 ||
	    jr_get_strlist(jr, obj, "web_origins", 0, check_origin,
	    &cl->web_origins.v, &cl->web_origins.n) == -1)
		return -1;
	return 0;
}

static int
parse_clients(struct jsonread *jr, json_t *top, struct config *c)
{
	json_t	*a;

	if (jr_get(jr, top, "clients", JSON_ARRAY, 1, &a) == -1)
		return -1;
	if (json_array_size(a) == 0)
		return 0;
	if ((c->clients = calloc(json_array_size(a), sizeof(*c->clients))) ==
	    NULL)
		return jr_error(jr, "clients", "%s", strerror(errno));
	c->nclients = json_array_size(a);
	return jr_each(jr, "clients", a, parse_client, c);
}

static int
parse_match(struct jsonread *jr, json_t *imp, const char *key,
    struct match_config *m)
{
	json_t	*o;
	size_t	 saved;

	if (jr_get(jr, imp, key, JSON_OBJECT, 0, &o) == -1)
		return -1;
	if (o == NULL)
		return 0;
	saved = jr_key(jr, key);
	if (jr_check_keys(jr, o, match_keys) == -1 ||
	    jr_get_strlist(jr, o, "roles", 0, NULL, &m->roles.v,
	    &m->roles.n) == -1 ||
	    jr_get_strlist(jr, o, "users", 0, NULL, &m->users.v,
	    &m->users.n) == -1)
		return -1;
	jr_pop(jr, saved);
	return 0;
}

long long
config_approval_window(const struct config *c)
{
	return c->approval.enabled ?
	    (long long)c->approval.ttl + CONFIG_APPROVAL_EXPIRE_WINDOW : 0;
}

/* impersonation.approval: both lists required, neither may be empty. */
static int
parse_approval(struct jsonread *jr, json_t *imp, struct approval_config *a)
{
	json_t	*o;
	size_t	 saved;

	a->ttl = 900;
	if (jr_get(jr, imp, "approval", JSON_OBJECT, 0, &o) == -1)
		return -1;
	if (o == NULL)
		return 0;
	saved = jr_key(jr, "approval");
	if (jr_check_keys(jr, o, approval_keys) == -1 ||
	    jr_get_int(jr, o, "ttl", 0, 1, CONFIG_APPROVAL_TTL_MAX, 900,
	    &a->ttl) == -1 ||
	    parse_match(jr, o, "required", &a->required) == -1 ||
	    parse_match(jr, o, "approvers", &a->approvers) == -1)
		return -1;
	if (a->required.roles.n + a->required.users.n == 0)
		return jr_error(jr, "required", "names no role and no user");
	if (a->approvers.roles.n + a->approvers.users.n == 0)
		return jr_error(jr, "approvers", "names no role and no user");
	a->enabled = 1;
	jr_pop(jr, saved);
	return 0;
}

static int
parse_impersonation(struct jsonread *jr, json_t *top, struct config *c)
{
	json_t	*o;
	size_t	 saved;

	c->link_ttl = 120;
	c->code_ttl = 60;
	c->token_ttl = 3600;
	if (jr_get(jr, top, "impersonation", JSON_OBJECT, 0, &o) == -1)
		return -1;
	if (o == NULL)
		return 0;
	saved = jr_key(jr, "impersonation");
	if (jr_check_keys(jr, o, imp_keys) == -1 ||
	    jr_get_int(jr, o, "link_ttl", 0, 1, CONFIG_TTL_MAX, 120,
	    &c->link_ttl) == -1 ||
	    jr_get_int(jr, o, "code_ttl", 0, 1, CONFIG_TTL_MAX, 60,
	    &c->code_ttl) == -1 ||
	    jr_get_int(jr, o, "token_ttl", 0, 1, CONFIG_TOKEN_TTL_MAX, 3600,
	    &c->token_ttl) == -1 ||
	    jr_get_bool(jr, o, "require_reason", &c->require_reason) == -1 ||
	    parse_match(jr, o, "impersonators", &c->impersonators) == -1 ||
	    parse_match(jr, o, "protected", &c->protected) == -1 ||
	    parse_approval(jr, o, &c->approval) == -1)
		return -1;
	jr_pop(jr, saved);
	return 0;
}

/*
 * The organization's OpenID Connect provider that console staff sign in
 * with: its issuer (with its trailing slash, as its id_tokens' iss), the
 * client guise is there, how guise authenticates, how a sign-in maps to a
 * directory user, and the files of its keys and of the CA of its
 * certificate.
 */
static int
parse_idp(struct jsonread *jr, json_t *console, struct console_config *cc)
{
	json_t		*o;
	const char	*s, *problem;
	size_t		 saved;

	if (jr_get(jr, console, "idp", JSON_OBJECT, 1, &o) == -1)
		return -1;
	saved = jr_key(jr, "idp");
	if (jr_check_keys(jr, o, idp_keys) == -1 ||
	    jr_get_str(jr, o, "issuer", 1, &s) == -1)
		return -1;
	if ((problem = check_login_url(s)) != NULL)
		return jr_error(jr, "issuer", "\"%s\" %s", s, problem);
	if (strchr(s, '?') != NULL || s[strlen(s) - 1] != '/')
		return jr_error(jr, "issuer", "\"%s\" must end with a slash "
		    "'/' and have no query", s);
	if (jr_dup_str(jr, "issuer", s, &cc->idp_issuer) == -1 ||
	    jr_get_strdup(jr, o, "client_id", 1, &cc->idp_client_id) == -1 ||
	    jr_get_str(jr, o, "auth", 1, &s) == -1)
		return -1;
	if (strcmp(s, "private_key_jwt") == 0)
		cc->idp_auth = IDP_AUTH_PRIVATE_KEY_JWT;
	else if (strcmp(s, "client_secret_basic") == 0)
		cc->idp_auth = IDP_AUTH_CLIENT_SECRET_BASIC;
	else
		return jr_error(jr, "auth", "unknown \"%s\" (use "
		    "private_key_jwt or client_secret_basic)", s);
	if (jr_get_str(jr, o, "match", 1, &s) == -1)
		return -1;
	if (strcmp(s, "email") == 0)
		cc->idp_match = IDP_MATCH_EMAIL;
	else if (strcmp(s, "sub") == 0)
		cc->idp_match = IDP_MATCH_SUB;
	else
		return jr_error(jr, "match", "unknown \"%s\" (use email or "
		    "sub)", s);
	if (jr_get_path(jr, o, "jwks_file", &cc->idp_jwks_file) == -1 ||
	    jr_get_str(jr, o, "ca_file", 0, &s) == -1 ||
	    (s != NULL && jr_get_path(jr, o, "ca_file", &cc->idp_ca_file) ==
	    -1))
		return -1;
	jr_pop(jr, saved);
	return 0;
}

static int
parse_console(struct jsonread *jr, json_t *top, struct config *c)
{
	struct console_config	*cc = &c->console;
	json_t			*o;
	const char		*pages;
	size_t			 saved;

	if (jr_get(jr, top, "console", JSON_OBJECT, 0, &o) == -1)
		return -1;
	if (o == NULL)
		return 0;
	saved = jr_key(jr, "console");
	if (jr_check_keys(jr, o, console_keys) == -1 ||
	    parse_idp(jr, o, cc) == -1 ||
	    jr_get_str(jr, o, "pages", 0, &pages) == -1 ||
	    (pages != NULL && jr_get_path(jr, o, "pages", &cc->pages) ==
	    -1) ||
	    jr_get_int(jr, o, "session_ttl", 0, 60, CONFIG_TOKEN_TTL_MAX,
	    CONSOLE_SESSION_TTL, &cc->session_ttl) == -1 ||
	    jr_get_int(jr, o, "idle_ttl", 0, CONSOLE_IDLE_TTL_MIN,
	    CONFIG_TOKEN_TTL_MAX,
	    CONSOLE_IDLE_TTL, &cc->idle_ttl) == -1)
		return -1;
	if (cc->idle_ttl > cc->session_ttl)
		return jr_error(jr, "idle_ttl", "is longer than session_ttl");
	cc->enabled = 1;
	jr_pop(jr, saved);
	return 0;
}

unsigned int
config_webhook_event(const char *name)
{
	static const struct {
		const char	*name;
		unsigned int	 bit;
	} events[] = {
		{ "impersonation.started", WEBHOOK_STARTED },
		{ "impersonation.ended", WEBHOOK_ENDED },
		{ "impersonation.denied", WEBHOOK_DENIED },
	};
	size_t	 i;

	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (strcmp(name, events[i].name) == 0)
			return events[i].bit;
	return 0;
}

/*
 * A webhook: its URL (https, or http on loopback, as the applications'
 * back-channel; one webhook a URL, since its secret is named by it) and
 * the events it is sent, at least one.
 */
static int
parse_webhook(struct jsonread *jr, json_t *obj, void *arg, size_t n)
{
	struct config		*c = arg;
	struct webhook_config	*w = &c->webhooks[n];
	json_t			*events;
	const char		*s, *problem;
	size_t			 i, saved, base;
	unsigned int		 bit;

	if (!json_is_object(obj))
		return jr_error(jr, NULL, "must be an object");
	if (jr_check_keys(jr, obj, webhook_keys) == -1 ||
	    jr_get_str(jr, obj, "url", 1, &s) == -1)
		return -1;
	if ((problem = check_login_url(s)) != NULL)
		return jr_error(jr, "url", "\"%s\" %s", s, problem);
	for (i = 0; i < n; i++)
		if (strcmp(c->webhooks[i].url, s) == 0)
			return jr_error(jr, "url", "\"%s\" is another webhook's "
			    "too", s);
	if (jr_dup_str(jr, "url", s, &w->url) == -1 ||
	    jr_get(jr, obj, "events", JSON_ARRAY, 1, &events) == -1)
		return -1;
	saved = jr_key(jr, "events");
	base = jr->len;
	if (json_array_size(events) == 0)
		return jr_error(jr, NULL, "is empty: name at least one of "
		    "impersonation.started, impersonation.ended and "
		    "impersonation.denied");
	for (i = 0; i < json_array_size(events); i++) {
		jr_index(jr, i);
		if ((s = jr_str_value(jr, NULL, json_array_get(events, i))) ==
		    NULL)
			return -1;
		if ((bit = config_webhook_event(s)) == 0)
			return jr_error(jr, NULL, "unknown event \"%s\" (use "
			    "impersonation.started, impersonation.ended or "
			    "impersonation.denied)", s);
		w->events |= bit;
		jr_pop(jr, base);
	}
	jr_pop(jr, saved);
	return 0;
}

static int
parse_webhooks(struct jsonread *jr, json_t *top, struct config *c)
{
	json_t	*a;

	if (jr_get(jr, top, "webhooks", JSON_ARRAY, 0, &a) == -1)
		return -1;
	if (a == NULL || json_array_size(a) == 0)
		return 0;
	if (json_array_size(a) > WEBHOOKS_MAX)
		return jr_error(jr, "webhooks", "more than %d", WEBHOOKS_MAX);
	if ((c->webhooks = calloc(json_array_size(a), sizeof(*c->webhooks))) ==
	    NULL)
		return jr_error(jr, "webhooks", "%s", strerror(errno));
	c->nwebhooks = json_array_size(a);
	return jr_each(jr, "webhooks", a, parse_webhook, c);
}

static int
parse_top(struct jsonread *jr, json_t *top, struct config *c)
{
	if (!json_is_object(top))
		return jr_error(jr, NULL,
		    "the top level must be a JSON object");
	if (jr_check_keys(jr, top, top_keys) == -1 ||
	    parse_issuer(jr, top, c) == -1 ||
	    parse_listen(jr, top, c) == -1 ||
	    jr_get_strdup(jr, top, "user", 0, &c->user) == -1 ||
	    jr_get_int(jr, top, "max_connections", 0, CONFIG_CONNECTIONS_MIN,
	    CONFIG_CONNECTIONS_MAX, CONFIG_CONNECTIONS_DEFAULT,
	    &c->max_connections) == -1 ||
	    parse_trusted_proxies(jr, top, c) == -1 ||
	    parse_confinement(jr, top, c) == -1 ||
	    jr_get_path(jr, top, "users_file", &c->users_file) == -1 ||
	    parse_audit(jr, top, c) == -1 ||
	    parse_signer(jr, top, c) == -1 ||
	    parse_clients(jr, top, c) == -1 ||
	    parse_impersonation(jr, top, c) == -1 ||
	    parse_console(jr, top, c) == -1 ||
	    parse_webhooks(jr, top, c) == -1)
		return -1;
	return 0;
}

struct config *
config_parse(const char *buf, size_t len, const char *name, const char *dir,
    char *err, size_t errlen)
{
	struct jsonread	 jr;
	struct config	*c;
	json_t		*top;

	jr_init(&jr, name != NULL ? name : "config", dir, err, errlen);
	if ((top = jr_load(&jr, buf, len)) == NULL)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		jr_error(&jr, NULL, "%s", strerror(errno));
		json_decref(top);
		return NULL;
	}
	if (jr_dup_str(&jr, NULL, jr.name, &c->path) == -1 ||
	    (dir != NULL && jr_dup_str(&jr, NULL, dir, &c->dir) == -1) ||
	    parse_top(&jr, top, c) == -1) {
		config_free(c);
		c = NULL;
	}
	json_decref(top);
	return c;
}

/* Read fd whole, refusing more than CONFIG_FILE_MAX bytes. */
static char *
read_all(int fd, size_t *lenp, const char **problem)
{
	char	*buf = NULL, *nbuf;
	size_t	 len = 0, size = 0;
	ssize_t	 n;

	for (;;) {
		if (len == size) {
			if (size > CONFIG_FILE_MAX) {
				*problem = "larger than 1 MiB";
				goto fail;
			}
			size = size == 0 ? 8192 : size * 2;
			if ((nbuf = realloc(buf, size + 1)) == NULL)
				goto fail;
			buf = nbuf;
		}
		if ((n = read(fd, buf + len, size - len)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > CONFIG_FILE_MAX) {
		*problem = "larger than 1 MiB";
		goto fail;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
 fail:
	free(buf);
	return NULL;
}

/* The folder of file, absolute when realpath(3) can tell. */
static char *
file_dir(const char *file)
{
	char	 real[PATH_MAX], *copy, *dir;

	if (realpath(file, real) != NULL)
		return strdup(dirname(real));
	if ((copy = strdup(file)) == NULL)
		return NULL;
	dir = strdup(dirname(copy));
	free(copy);
	return dir;
}

static void
load_err(char *err, size_t errlen, const char *file, const char *problem)
{
	if (err != NULL && errlen > 0)
		(void)snprintf(err, errlen, "%s: %s", file, problem);
}

/* Parse what fd holds (it is closed); name and dir as config_parse's. */
static struct config *
load_fd(int fd, const char *name, const char *dir, char *err, size_t errlen)
{
	struct config	*c;
	const char	*problem = NULL;
	char		*buf;
	size_t		 len;

	buf = read_all(fd, &len, &problem);
	if (buf == NULL && problem == NULL)
		problem = strerror(errno);
	close(fd);
	if (buf == NULL) {
		load_err(err, errlen, name, problem);
		return NULL;
	}
	c = config_parse(buf, len, name, dir, err, errlen);
	free(buf);
	return c;
}

struct config *
config_load(const char *file, char *err, size_t errlen)
{
	struct config	*c;
	char		*dir;
	int		 fd;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		load_err(err, errlen, file, strerror(errno));
		return NULL;
	}
	if ((dir = file_dir(file)) == NULL) {
		load_err(err, errlen, file, strerror(errno));
		close(fd);
		return NULL;
	}
	c = load_fd(fd, file, dir, err, errlen);
	free(dir);
	return c;
}

struct config *
config_load_fd(int fd, const struct config *old, char *err, size_t errlen)
{
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	return load_fd(fd, old->path, old->dir, err, errlen);
}

static void
strlist_free(struct strlist *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
client_free(struct client_config *cl)
{
	free(cl->client_id);
	free(cl->name);
	free(cl->app_type);
	strlist_free(&cl->callbacks);
	free(cl->initiate_login_uri);
	free(cl->target_link_uri);
	free(cl->backchannel_logout_uri);
	strlist_free(&cl->web_origins);
	strlist_free(&cl->scopes);
}

void
config_free(struct config *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	free(c->path);
	free(c->dir);
	free(c->issuer);
	for (i = 0; i < c->nlisten; i++) {
		free(c->listen[i].address);
		free(c->listen[i].tls_cert);
		free(c->listen[i].tls_key);
	}
	free(c->listen);
	free(c->user);
	free(c->users_file);
	free(c->audit_path);
	free(c->trusted_proxies);
	for (i = 0; i < c->nkeys; i++) {
		free(c->keys[i].kid);
		free(c->keys[i].file);
	}
	free(c->keys);
	free(c->active_kid);
	free(c->secrets_file);
	free(c->audit_key_file);
	free(c->grant_key_file);
	for (i = 0; i < c->nclients; i++)
		client_free(&c->clients[i]);
	free(c->clients);
	for (i = 0; i < c->nwebhooks; i++)
		free(c->webhooks[i].url);
	free(c->webhooks);
	strlist_free(&c->impersonators.roles);
	strlist_free(&c->impersonators.users);
	strlist_free(&c->protected.roles);
	strlist_free(&c->protected.users);
	strlist_free(&c->approval.required.roles);
	strlist_free(&c->approval.required.users);
	strlist_free(&c->approval.approvers.roles);
	strlist_free(&c->approval.approvers.users);
	free(c->console.idp_issuer);
	free(c->console.idp_client_id);
	free(c->console.idp_jwks_file);
	free(c->console.idp_ca_file);
	free(c->console.pages);
	free(c);
}

const struct client_config *
config_client(const struct config *c, const char *client_id)
{
	size_t	 i;

	for (i = 0; i < c->nclients; i++)
		if (c->clients[i].client_id != NULL &&
		    strcmp(c->clients[i].client_id, client_id) == 0)
			return &c->clients[i];
	return NULL;
}

const struct key_config *
config_key(const struct config *c, const char *kid)
{
	size_t	 i;

	for (i = 0; i < c->nkeys; i++)
		if (c->keys[i].kid != NULL && strcmp(c->keys[i].kid, kid) == 0)
			return &c->keys[i];
	return NULL;
}

const char *
alg_name(enum sig_alg alg)
{
	switch (alg) {
	case ALG_RS256:
		return "RS256";
	case ALG_ES256:
		return "ES256";
	case ALG_HS256:
		return "HS256";
	default:
		return "none";
	}
}

int
strlist_has(const struct strlist *l, const char *s)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		if (l->v[i] != NULL && strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}
