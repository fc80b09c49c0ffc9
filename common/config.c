/*
 * The configuration file of DESIGN.md section 5.  Every key is looked up
 * against a list of allowed names first, so a misspelt key is an error
 * rather than a silently ignored setting, and every error names the key
 * path (such as "clients[1].grant_types[0]") so the operator can find it.
 *
 * The parse keeps the key path of the value being read in one buffer;
 * path_key() and path_index() append to it and return the old length,
 * path_pop() cuts it back.  On error the whole configuration is freed, so
 * the paths of a failed parse never need popping.
 */
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"

#define CONFIG_FILE_MAX		(1024 * 1024)	/* bytes */
#define CONFIG_KEYPATH_MAX	256

#define KID_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
			"abcdefghijklmnopqrstuvwxyz0123456789._-"
#define CLIENT_ID_CHARS	KID_CHARS "~"

/* A pseudo type for get(): jansson has JSON_TRUE and JSON_FALSE only. */
#define TYPE_BOOLEAN	JSON_TRUE

struct parse {
	const char	*name;
	const char	*dir;
	char		*err;
	size_t		 errlen;
	char		 path[CONFIG_KEYPATH_MAX];
	size_t		 len;
};

static const char *const top_keys[] = { "issuer", "listen", "user",
    "users_file", "audit", "signer", "clients", "impersonation", NULL };
static const char *const listen_keys[] = { "address", "port", "tls", NULL };
static const char *const tls_keys[] = { "cert", "key", NULL };
static const char *const audit_keys[] = { "path", NULL };
static const char *const signer_keys[] = { "keys", "active_kid",
    "secrets_file", "audit_key_file", NULL };
static const char *const key_keys[] = { "kid", "alg", "file", NULL };
static const char *const client_keys[] = { "client_id", "name", "app_type",
    "callbacks", "grant_types", "scopes", "allow_impersonation",
    "id_token_alg", NULL };
static const char *const imp_keys[] = { "link_ttl", "code_ttl", "token_ttl",
    "require_reason", "impersonators", "protected", NULL };
static const char *const match_keys[] = { "roles", "users", NULL };

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

static void
sanitize(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* Write "name: path.key: problem" into the caller's buffer; return -1. */
static int __attribute__((format(printf, 3, 4)))
perr(struct parse *p, const char *key, const char *fmt, ...)
{
	va_list	 ap;
	char	 what[512];
	int	 n;

	if (p->err == NULL || p->errlen == 0)
		return -1;
	va_start(ap, fmt);
	(void)vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (key == NULL && p->len == 0)
		n = snprintf(p->err, p->errlen, "%s: %s", p->name, what);
	else
		n = snprintf(p->err, p->errlen, "%s: %s%s%s: %s", p->name,
		    p->path, (key != NULL && p->len > 0) ? "." : "",
		    key != NULL ? key : "", what);
	if (n < 0)
		p->err[0] = '\0';
	sanitize(p->err);
	return -1;
}

/* Append to the key path, truncating; return the old length. */
static size_t __attribute__((format(printf, 2, 3)))
path_push(struct parse *p, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 saved = p->len;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(p->path + p->len, sizeof(p->path) - p->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		p->len += (size_t)n;
	if (p->len >= sizeof(p->path))
		p->len = sizeof(p->path) - 1;
	return saved;
}

static size_t
path_key(struct parse *p, const char *key)
{
	return path_push(p, "%s%s", p->len > 0 ? "." : "", key);
}

static void
path_pop(struct parse *p, size_t saved)
{
	p->len = saved;
	p->path[saved] = '\0';
}

static int
in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* Refuse any key of obj that is not in allowed. */
static int
check_keys(struct parse *p, json_t *obj, const char *const *allowed)
{
	const char	*key;
	json_t		*v;

	json_object_foreach(obj, key, v) {
		if (!in_list(allowed, key))
			return perr(p, key, "unknown key");
	}
	return 0;
}

static const char *
type_name(json_type t)
{
	switch (t) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case TYPE_BOOLEAN:
		return "true or false";
	default:
		return "?";
	}
}

static int
is_type(json_t *v, json_type t)
{
	if (t == TYPE_BOOLEAN)
		return json_is_boolean(v);
	return json_typeof(v) == t;
}

/*
 * Fetch obj[key] of type t into *out: -1 when it has another type or is
 * required and missing, 0 with *out NULL when optional and missing.
 */
static int
get(struct parse *p, json_t *obj, const char *key, json_type t,
    int required, json_t **out)
{
	json_t	*v;

	*out = NULL;
	if ((v = json_object_get(obj, key)) == NULL) {
		if (required)
			return perr(p, key, "missing");
		return 0;
	}
	if (!is_type(v, t))
		return perr(p, key, "must be %s", type_name(t));
	*out = v;
	return 0;
}

/* The text of string v: not empty, no NUL byte (key may be NULL). */
static const char *
str_value(struct parse *p, const char *key, json_t *v)
{
	const char	*s;

	if (!json_is_string(v)) {
		perr(p, key, "must be a string");
		return NULL;
	}
	s = json_string_value(v);
	if (json_string_length(v) != strlen(s)) {
		perr(p, key, "must not contain a NUL byte");
		return NULL;
	}
	if (*s == '\0') {
		perr(p, key, "must not be empty");
		return NULL;
	}
	return s;
}

/* Borrow the text of obj[key]; *out stays NULL when optional and missing. */
static int
get_str(struct parse *p, json_t *obj, const char *key, int required,
    const char **out)
{
	json_t	*v;

	*out = NULL;
	if (get(p, obj, key, JSON_STRING, required, &v) == -1)
		return -1;
	if (v == NULL)
		return 0;
	if ((*out = str_value(p, key, v)) == NULL)
		return -1;
	return 0;
}

static int
dup_str(struct parse *p, const char *key, const char *s, char **out)
{
	if ((*out = strdup(s)) == NULL)
		return perr(p, key, "%s", strerror(errno));
	return 0;
}

/* Copy obj[key] into *out; *out stays NULL when optional and missing. */
static int
get_strdup(struct parse *p, json_t *obj, const char *key, int required,
    char **out)
{
	const char	*s;

	if (get_str(p, obj, key, required, &s) == -1)
		return -1;
	if (s == NULL)
		return 0;
	return dup_str(p, key, s, out);
}

/* A required path, made absolute against the configuration's folder. */
static int
get_path(struct parse *p, json_t *obj, const char *key, char **out)
{
	const char	*s, *sep;

	if (get_str(p, obj, key, 1, &s) == -1 || s == NULL)
		return -1;
	if (s[0] == '/' || p->dir == NULL || p->dir[0] == '\0')
		return dup_str(p, key, s, out);
	sep = p->dir[strlen(p->dir) - 1] == '/' ? "" : "/";
	if (asprintf(out, "%s%s%s", p->dir, sep, s) == -1) {
		*out = NULL;
		return perr(p, key, "%s", strerror(errno));
	}
	return 0;
}

/* An integer in min..max; def when optional (required 0) and missing. */
static int
get_int(struct parse *p, json_t *obj, const char *key, int required,
    int min, int max, int def, int *out)
{
	json_t		*v;
	json_int_t	 i;

	*out = def;
	if (get(p, obj, key, JSON_INTEGER, required, &v) == -1)
		return -1;
	if (v == NULL)
		return 0;
	i = json_integer_value(v);
	if (i < min || i > max)
		return perr(p, key, "%lld is out of range %d..%d",
		    (long long)i, min, max);
	*out = (int)i;
	return 0;
}

static int
get_bool(struct parse *p, json_t *obj, const char *key, int *out)
{
	json_t	*v;

	*out = 0;
	if (get(p, obj, key, TYPE_BOOLEAN, 0, &v) == -1)
		return -1;
	if (v != NULL)
		*out = json_is_true(v);
	return 0;
}

/* Either a problem with s, or NULL when it is fine. */
typedef const char *(*strcheck)(const char *s);

/*
 * Copy the array obj[key] of strings, each passing check when given;
 * an optional missing key leaves the list empty.
 */
static int
get_strlist(struct parse *p, json_t *obj, const char *key, int required,
    strcheck check, struct strlist *out)
{
	json_t		*a, *v;
	const char	*s, *problem;
	size_t		 i, saved, base;

	if (get(p, obj, key, JSON_ARRAY, required, &a) == -1)
		return -1;
	if (a == NULL || json_array_size(a) == 0)
		return 0;
	if ((out->v = calloc(json_array_size(a), sizeof(*out->v))) == NULL)
		return perr(p, key, "%s", strerror(errno));
	out->n = json_array_size(a);
	saved = path_key(p, key);
	base = p->len;
	json_array_foreach(a, i, v) {
		path_push(p, "[%zu]", i);
		if ((s = str_value(p, NULL, v)) == NULL)
			return -1;
		if (check != NULL && (problem = check(s)) != NULL)
			return perr(p, NULL, "\"%s\" %s", s, problem);
		if (dup_str(p, NULL, s, &out->v[i]) == -1)
			return -1;
		path_pop(p, base);
	}
	path_pop(p, saved);
	return 0;
}

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

/* Run fn on each element of array a, with the key path at key[i]. */
static int
each(struct parse *p, const char *key, json_t *a,
    int (*fn)(struct parse *, json_t *, struct config *, size_t),
    struct config *c)
{
	json_t	*v;
	size_t	 i, saved, base;

	saved = path_key(p, key);
	base = p->len;
	json_array_foreach(a, i, v) {
		path_push(p, "[%zu]", i);
		if (fn(p, v, c, i) == -1)
			return -1;
		path_pop(p, base);
	}
	path_pop(p, saved);
	return 0;
}

/* An absolute http(s) URL with a host, without space or fragment. */
static const char *
check_url(const char *s)
{
	const char	*host;
	size_t		 hostlen;

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

static int
parse_issuer(struct parse *p, json_t *top, struct config *c)
{
	const char	*s, *problem;

	if (get_str(p, top, "issuer", 1, &s) == -1)
		return -1;
	if ((problem = check_url(s)) != NULL)
		return perr(p, "issuer", "\"%s\" %s", s, problem);
	if (strchr(s, '?') != NULL)
		return perr(p, "issuer", "\"%s\" must not have a query", s);
	if (s[strlen(s) - 1] != '/')
		return perr(p, "issuer", "\"%s\" must end with a slash '/'", s);
	return dup_str(p, "issuer", s, &c->issuer);
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
parse_tls(struct parse *p, json_t *obj, struct listen_config *l)
{
	json_t	*tls;
	size_t	 saved;

	if (get(p, obj, "tls", JSON_OBJECT, 0, &tls) == -1)
		return -1;
	if (tls == NULL)
		return 0;
	saved = path_key(p, "tls");
	if (check_keys(p, tls, tls_keys) == -1 ||
	    get_path(p, tls, "cert", &l->tls_cert) == -1 ||
	    get_path(p, tls, "key", &l->tls_key) == -1)
		return -1;
	path_pop(p, saved);
	return 0;
}

static int
parse_listener(struct parse *p, json_t *obj, struct config *c, size_t n)
{
	struct listen_config	*l = &c->listen[n];
	const char	*addr;
	unsigned char	 buf[sizeof(struct in6_addr)];

	if (!json_is_object(obj))
		return perr(p, NULL, "must be an object");
	if (check_keys(p, obj, listen_keys) == -1 ||
	    get_str(p, obj, "address", 1, &addr) == -1)
		return -1;
	if (inet_pton(AF_INET, addr, buf) != 1 &&
	    inet_pton(AF_INET6, addr, buf) != 1)
		return perr(p, "address", "\"%s\" is not a numeric IPv4 or "
		    "IPv6 address", addr);
	if (dup_str(p, "address", addr, &l->address) == -1)
		return -1;
	if (get_int(p, obj, "port", 1, 1, 65535, 0, &l->port) == -1 ||
	    parse_tls(p, obj, l) == -1)
		return -1;
	if (l->tls_cert == NULL && !is_loopback(l->address))
		return perr(p, "address", "\"%s\": plain http is allowed only "
		    "on a loopback address (add \"tls\")", l->address);
	return 0;
}

static int
parse_listen(struct parse *p, json_t *top, struct config *c)
{
	json_t	*a;

	if (get(p, top, "listen", JSON_ARRAY, 1, &a) == -1)
		return -1;
	if (json_array_size(a) == 0)
		return perr(p, "listen", "must not be empty");
	if ((c->listen = calloc(json_array_size(a), sizeof(*c->listen))) ==
	    NULL)
		return perr(p, "listen", "%s", strerror(errno));
	c->nlisten = json_array_size(a);
	return each(p, "listen", a, parse_listener, c);
}

static int
parse_audit(struct parse *p, json_t *top, struct config *c)
{
	json_t	*o;
	size_t	 saved;

	if (get(p, top, "audit", JSON_OBJECT, 1, &o) == -1)
		return -1;
	saved = path_key(p, "audit");
	if (check_keys(p, o, audit_keys) == -1 ||
	    get_path(p, o, "path", &c->audit_path) == -1)
		return -1;
	path_pop(p, saved);
	return 0;
}

static int
parse_alg(struct parse *p, const char *key, const char *s, int hs256,
    enum sig_alg *out)
{
	if (strcmp(s, "RS256") == 0)
		*out = ALG_RS256;
	else if (strcmp(s, "ES256") == 0)
		*out = ALG_ES256;
	else if (hs256 && strcmp(s, "HS256") == 0)
		*out = ALG_HS256;
	else
		return perr(p, key, "unknown alg \"%s\" (use %s)", s,
		    hs256 ? "RS256, ES256 or HS256" : "RS256 or ES256");
	return 0;
}

static int
parse_key(struct parse *p, json_t *obj, struct config *c, size_t n)
{
	struct key_config	*k = &c->keys[n];
	const char		*kid, *alg, *problem;
	size_t			 i;

	if (!json_is_object(obj))
		return perr(p, NULL, "must be an object");
	if (check_keys(p, obj, key_keys) == -1 ||
	    get_str(p, obj, "kid", 1, &kid) == -1)
		return -1;
	if ((problem = check_id(kid, KID_CHARS,
	    "has a character outside [A-Za-z0-9._-]")) != NULL)
		return perr(p, "kid", "\"%s\" %s", kid, problem);
	for (i = 0; i < n; i++)
		if (strcmp(c->keys[i].kid, kid) == 0)
			return perr(p, "kid", "duplicate kid \"%s\"", kid);
	if (dup_str(p, "kid", kid, &k->kid) == -1 ||
	    get_str(p, obj, "alg", 1, &alg) == -1 ||
	    parse_alg(p, "alg", alg, 0, &k->alg) == -1 ||
	    get_path(p, obj, "file", &k->file) == -1)
		return -1;
	return 0;
}

static int
parse_keys(struct parse *p, json_t *signer, struct config *c)
{
	json_t	*a;

	if (get(p, signer, "keys", JSON_ARRAY, 1, &a) == -1)
		return -1;
	if (json_array_size(a) == 0)
		return perr(p, "keys", "must not be empty");
	if ((c->keys = calloc(json_array_size(a), sizeof(*c->keys))) == NULL)
		return perr(p, "keys", "%s", strerror(errno));
	c->nkeys = json_array_size(a);
	return each(p, "keys", a, parse_key, c);
}

static int
parse_signer(struct parse *p, json_t *top, struct config *c)
{
	json_t		*o;
	const char	*kid;
	size_t		 saved;

	if (get(p, top, "signer", JSON_OBJECT, 1, &o) == -1)
		return -1;
	saved = path_key(p, "signer");
	if (check_keys(p, o, signer_keys) == -1 ||
	    parse_keys(p, o, c) == -1 ||
	    get_str(p, o, "active_kid", 1, &kid) == -1)
		return -1;
	if (config_key(c, kid) == NULL)
		return perr(p, "active_kid", "\"%s\" is not the kid of any key",
		    kid);
	if (dup_str(p, "active_kid", kid, &c->active_kid) == -1 ||
	    get_path(p, o, "secrets_file", &c->secrets_file) == -1 ||
	    get_path(p, o, "audit_key_file", &c->audit_key_file) == -1)
		return -1;
	path_pop(p, saved);
	return 0;
}

static int
parse_grants(struct parse *p, json_t *obj, struct client_config *cl)
{
	json_t		*a, *v;
	const char	*s;
	size_t		 i, j, saved, base;

	if (get(p, obj, "grant_types", JSON_ARRAY, 1, &a) == -1)
		return -1;
	if (json_array_size(a) == 0)
		return perr(p, "grant_types", "must not be empty");
	saved = path_key(p, "grant_types");
	base = p->len;
	json_array_foreach(a, i, v) {
		path_push(p, "[%zu]", i);
		if ((s = str_value(p, NULL, v)) == NULL)
			return -1;
		for (j = 0; j < sizeof(grants) / sizeof(grants[0]); j++)
			if (strcmp(grants[j].name, s) == 0)
				break;
		if (j == sizeof(grants) / sizeof(grants[0]))
			return perr(p, NULL, "unknown grant type \"%s\"", s);
		if (cl->grant_types & grants[j].bit)
			return perr(p, NULL,
			    "grant type \"%s\" is listed twice", s);
		cl->grant_types |= grants[j].bit;
		path_pop(p, base);
	}
	path_pop(p, saved);
	return 0;
}

static int
parse_client_id(struct parse *p, json_t *obj, struct config *c, size_t n)
{
	const char	*id, *problem;
	size_t		 i;

	if (get_str(p, obj, "client_id", 1, &id) == -1)
		return -1;
	if ((problem = check_id(id, CLIENT_ID_CHARS,
	    "has a character outside [A-Za-z0-9._~-]")) != NULL)
		return perr(p, "client_id", "\"%s\" %s", id, problem);
	for (i = 0; i < n; i++)
		if (strcmp(c->clients[i].client_id, id) == 0)
			return perr(p, "client_id",
			    "duplicate client_id \"%s\"", id);
	return dup_str(p, "client_id", id, &c->clients[n].client_id);
}

static int
parse_client(struct parse *p, json_t *obj, struct config *c, size_t n)
{
	struct client_config	*cl = &c->clients[n];
	const char		*s;

	if (!json_is_object(obj))
		return perr(p, NULL, "must be an object");
	if (check_keys(p, obj, client_keys) == -1 ||
	    parse_client_id(p, obj, c, n) == -1 ||
	    get_strdup(p, obj, "name", 0, &cl->name) == -1 ||
	    get_str(p, obj, "app_type", 0, &s) == -1)
		return -1;
	if (s == NULL)
		s = "regular_web";
	if (!in_list(app_types, s))
		return perr(p, "app_type", "unknown app_type \"%s\" (use "
		    "non_interactive, regular_web, spa or native)", s);
	if (dup_str(p, "app_type", s, &cl->app_type) == -1 ||
	    get_strlist(p, obj, "callbacks", 0, check_url,
	    &cl->callbacks) == -1 ||
	    parse_grants(p, obj, cl) == -1 ||
	    get_strlist(p, obj, "scopes", 0, check_scope, &cl->scopes) == -1 ||
	    get_bool(p, obj, "allow_impersonation",
	    &cl->allow_impersonation) == -1 ||
	    get_str(p, obj, "id_token_alg", 0, &s) == -1)
		return -1;
	cl->id_token_alg = ALG_RS256;
	if (s != NULL &&
	    parse_alg(p, "id_token_alg", s, 1, &cl->id_token_alg) == -1)
		return -1;
	if ((cl->grant_types & (GRANT_AUTHORIZATION_CODE | GRANT_IMPLICIT)) &&
	    cl->callbacks.n == 0)
		return perr(p, "callbacks", "missing: at least one callback is "
		    "required for authorization_code and implicit");
	return 0;
}

static int
parse_clients(struct parse *p, json_t *top, struct config *c)
{
	json_t	*a;

	if (get(p, top, "clients", JSON_ARRAY, 1, &a) == -1)
		return -1;
	if (json_array_size(a) == 0)
		return 0;
	if ((c->clients = calloc(json_array_size(a), sizeof(*c->clients))) ==
	    NULL)
		return perr(p, "clients", "%s", strerror(errno));
	c->nclients = json_array_size(a);
	return each(p, "clients", a, parse_client, c);
}

static int
parse_match(struct parse *p, json_t *imp, const char *key,
    struct match_config *m)
{
	json_t	*o;
	size_t	 saved;

	if (get(p, imp, key, JSON_OBJECT, 0, &o) == -1)
		return -1;
	if (o == NULL)
		return 0;
	saved = path_key(p, key);
	if (check_keys(p, o, match_keys) == -1 ||
	    get_strlist(p, o, "roles", 0, NULL, &m->roles) == -1 ||
	    get_strlist(p, o, "users", 0, NULL, &m->users) == -1)
		return -1;
	path_pop(p, saved);
	return 0;
}

static int
parse_impersonation(struct parse *p, json_t *top, struct config *c)
{
	json_t	*o;
	size_t	 saved;

	c->link_ttl = 120;
	c->code_ttl = 60;
	c->token_ttl = 3600;
	if (get(p, top, "impersonation", JSON_OBJECT, 0, &o) == -1)
		return -1;
	if (o == NULL)
		return 0;
	saved = path_key(p, "impersonation");
	if (check_keys(p, o, imp_keys) == -1 ||
	    get_int(p, o, "link_ttl", 0, 1, CONFIG_TTL_MAX, 120,
	    &c->link_ttl) == -1 ||
	    get_int(p, o, "code_ttl", 0, 1, CONFIG_TTL_MAX, 60,
	    &c->code_ttl) == -1 ||
	    get_int(p, o, "token_ttl", 0, 1, CONFIG_TOKEN_TTL_MAX, 3600,
	    &c->token_ttl) == -1 ||
	    get_bool(p, o, "require_reason", &c->require_reason) == -1 ||
	    parse_match(p, o, "impersonators", &c->impersonators) == -1 ||
	    parse_match(p, o, "protected", &c->protected) == -1)
		return -1;
	path_pop(p, saved);
	return 0;
}

static int
parse_top(struct parse *p, json_t *top, struct config *c)
{
	if (!json_is_object(top))
		return perr(p, NULL, "the top level must be a JSON object");
	if (check_keys(p, top, top_keys) == -1 ||
	    parse_issuer(p, top, c) == -1 ||
	    parse_listen(p, top, c) == -1 ||
	    get_strdup(p, top, "user", 0, &c->user) == -1 ||
	    get_path(p, top, "users_file", &c->users_file) == -1 ||
	    parse_audit(p, top, c) == -1 ||
	    parse_signer(p, top, c) == -1 ||
	    parse_clients(p, top, c) == -1 ||
	    parse_impersonation(p, top, c) == -1)
		return -1;
	return 0;
}

struct config *
config_parse(const char *buf, size_t len, const char *name, const char *dir,
    char *err, size_t errlen)
{
	struct parse	 p;
	struct config	*c;
	json_t		*top;
	json_error_t	 jerr;

	memset(&p, 0, sizeof(p));
	p.name = name != NULL ? name : "config";
	p.dir = dir;
	p.err = err;
	p.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';

	/* Without JSON_ALLOW_NUL jansson itself refuses "\u0000". */
	if ((top = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		perr(&p, NULL, "line %d, column %d: %s", jerr.line,
		    jerr.column, jerr.text);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		perr(&p, NULL, "%s", strerror(errno));
		json_decref(top);
		return NULL;
	}
	if (dup_str(&p, NULL, p.name, &c->path) == -1 ||
	    (dir != NULL && dup_str(&p, NULL, dir, &c->dir) == -1) ||
	    parse_top(&p, top, c) == -1) {
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

struct config *
config_load(const char *file, char *err, size_t errlen)
{
	struct config	*c;
	const char	*problem = NULL;
	char		*buf, *dir;
	size_t		 len;
	int		 fd;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		load_err(err, errlen, file, strerror(errno));
		return NULL;
	}
	buf = read_all(fd, &len, &problem);
	if (buf == NULL && problem == NULL)
		problem = strerror(errno);
	close(fd);
	if (buf == NULL) {
		load_err(err, errlen, file, problem);
		return NULL;
	}
	if ((dir = file_dir(file)) == NULL) {
		load_err(err, errlen, file, strerror(errno));
		free(buf);
		return NULL;
	}
	c = config_parse(buf, len, file, dir, err, errlen);
	free(dir);
	free(buf);
	return c;
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
	for (i = 0; i < c->nkeys; i++) {
		free(c->keys[i].kid);
		free(c->keys[i].file);
	}
	free(c->keys);
	free(c->active_kid);
	free(c->secrets_file);
	free(c->audit_key_file);
	for (i = 0; i < c->nclients; i++)
		client_free(&c->clients[i]);
	free(c->clients);
	strlist_free(&c->impersonators.roles);
	strlist_free(&c->impersonators.users);
	strlist_free(&c->protected.roles);
	strlist_free(&c->protected.users);
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
