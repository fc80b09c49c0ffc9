/*
 * The configuration file of DESIGN.md section 5, parsed and validated in one
 * place.  The parent, the front end (a fork of the parent) and the signer
 * (which re-reads the file after exec) all use this parser, so they can
 * never disagree about what the file says.  Parsing never opens the files
 * the configuration names: reading secrets is the signer's job alone.
 */
#ifndef GUISE_CONFIG_H
#define GUISE_CONFIG_H

#include <stddef.h>

#include "cidr.h"

#define CONFIG_TTL_MAX		600	/* link_ttl and code_ttl cap, seconds */
#define CONFIG_TOKEN_TTL_MAX	86400	/* token_ttl cap, seconds */
#define CONFIG_ID_MAX		128	/* client_id, kid */
#define CONFIG_CONNECTIONS_MIN	16	/* max_connections */
#define CONFIG_CONNECTIONS_MAX	65536
#define CONFIG_CONNECTIONS_DEFAULT 1000
#define CONFIG_PROXIES_MAX	256	/* trusted_proxies, matched per hop */

enum sig_alg {
	ALG_NONE = 0,
	ALG_RS256,
	ALG_ES256,
	ALG_HS256		/* id_tokens of a legacy client only */
};

/* grant_types, as a bit set */
#define GRANT_CLIENT_CREDENTIALS	0x01
#define GRANT_AUTHORIZATION_CODE	0x02
#define GRANT_IMPLICIT			0x04

struct strlist {
	char		**v;
	size_t		  n;
};

struct listen_config {
	char		*address;	/* numeric IPv4 or IPv6 address */
	int		 port;
	char		*tls_cert;	/* NULL: plain http, loopback only */
	char		*tls_key;
};

struct key_config {
	char		*kid;
	enum sig_alg	 alg;		/* ALG_RS256 or ALG_ES256 */
	char		*file;		/* absolute after resolution */
};

struct client_config {
	char		*client_id;
	char		*name;
	char		*app_type;	/* non_interactive, regular_web, spa, native */
	struct strlist	 callbacks;
	unsigned int	 grant_types;	/* GRANT_* */
	struct strlist	 scopes;
	int		 allow_impersonation;
	enum sig_alg	 id_token_alg;	/* ALG_NONE: the active key's */
	/*
	 * An application that starts its own login (OpenID Connect Core
	 * section 4): a followed link sends the browser here, NULL when it
	 * goes straight to the callback as the how-to's does.
	 */
	char		*initiate_login_uri;
	char		*target_link_uri;	/* set when the above is */
	/* Back-Channel Logout: told when a session ends, NULL for none */
	char		*backchannel_logout_uri;
	/* "token_endpoint_auth_method": "none": no secret, PKCE instead */
	int		 public_client;
	struct strlist	 web_origins;	/* CORS: scheme://host[:port] */
};

struct match_config {
	struct strlist	 roles;
	struct strlist	 users;
};

/*
 * Four-eyes approval (DESIGN.md section 8): impersonating a user that
 * required matches needs an approver's yes first, given within ttl
 * seconds of the request.
 */
#define CONFIG_APPROVAL_TTL_MAX	86400
/* The signer takes an approval's expiry this long after it (approval.c). */
#define CONFIG_APPROVAL_EXPIRE_WINDOW	CONFIG_TTL_MAX

struct approval_config {
	int			 enabled;	/* "approval" is there */
	struct match_config	 required;
	struct match_config	 approvers;
	int			 ttl;		/* seconds */
};

/* How the console's sign-in authenticates guise to the provider. */
enum idp_auth {
	IDP_AUTH_PRIVATE_KEY_JWT = 1,	/* an assertion the signer signs */
	IDP_AUTH_CLIENT_SECRET_BASIC	/* "console:idp" in secrets_file */
};

/* Which directory user a provider's sign-in is. */
enum idp_match {
	IDP_MATCH_EMAIL = 1,		/* its verified email */
	IDP_MATCH_SUB			/* its sub, as a user_id */
};

/*
 * The support console (DESIGN.md section 7): staff sign in with the
 * organization's OpenID Connect provider.  enabled is 0 without "console".
 */
#define CONSOLE_SESSION_TTL	28800	/* default seconds */
#ifndef CONSOLE_PAGES
#define CONSOLE_PAGES	"/usr/local/share/guise/console"
#endif
#define CONSOLE_IDLE_TTL	1800
#define CONSOLE_IDLE_TTL_MIN	5	/* a test's; an operator's is minutes */
struct console_config {
	int		 enabled;
	char		*idp_issuer;	/* https, or http on loopback */
	char		*idp_client_id;
	enum idp_auth	 idp_auth;
	enum idp_match	 idp_match;
	char		*idp_jwks_file;	/* its keys, as guisectl idp-keys wrote
					 * them; absolute */
	char		*idp_ca_file;	/* NULL: the system's CAs */
	char		*pages;		/* its static files; NULL: the
					 * installed CONSOLE_PAGES */
	int		 session_ttl;	/* absolute, seconds */
	int		 idle_ttl;
};

/* The events a webhook is sent (bits), and their names. */
#define WEBHOOK_STARTED		0x1	/* impersonation.started */
#define WEBHOOK_ENDED		0x2	/* impersonation.ended */
#define WEBHOOK_DENIED		0x4	/* impersonation.denied */
#define WEBHOOKS_MAX		16
#define WEBHOOK_SECRET_PREFIX	"webhook:"	/* + url, in secrets_file */

struct webhook_config {
	char		*url;
	unsigned int	 events;
};

/* The bit of an event's name, or 0. */
unsigned int	 config_webhook_event(const char *name);

struct config {
	char			*path;		/* the file as given */
	char			*dir;		/* its folder, for relative paths */

	char			*issuer;	/* with its trailing slash */
	struct listen_config	*listen;
	size_t			 nlisten;
	char			*user;		/* NULL when not set */
	int			 max_connections;	/* open at once */
	/* "frontend_confinement": "seccomp-only" lets the front end start
	 * where the kernel has no Landlock (it is logged at every start). */
	int			 seccomp_only;
	char			*users_file;
	char			*audit_path;
	/* Whose Forwarded and X-Forwarded-For are read; none when unset. */
	struct cidr		*trusted_proxies;
	size_t			 ntrusted_proxies;

	struct key_config	*keys;
	size_t			 nkeys;
	char			*active_kid;
	char			*secrets_file;
	char			*audit_key_file;
	char			*grant_key_file;	/* seals grants (signer/grant.c) */

	struct client_config	*clients;
	size_t			 nclients;

	int			 link_ttl;
	int			 code_ttl;
	int			 token_ttl;
	int			 require_reason;
	struct match_config	 impersonators;
	struct match_config	 protected;
	struct approval_config	 approval;

	struct console_config	 console;

	/* Told of every impersonation started, ended or denied, as they
	 * subscribe (DESIGN.md section 8); secrets "webhook:<url>". */
	struct webhook_config	*webhooks;
	size_t			 nwebhooks;
};

/*
 * Parse and validate FILE.  On error return NULL and write into err (of
 * errlen bytes) one line naming the file, the key and the problem, such as
 * "guise.json: clients[1].grant_types[0]: unknown grant type \"password\"".
 */
struct config	*config_load(const char *file, char *err, size_t errlen);

/*
 * The same file again, from fd (which is closed), opened by someone else:
 * the front end, which can open no file, on a reload.  Its name and folder
 * are old's.
 */
struct config	*config_load_fd(int fd, const struct config *old, char *err,
		    size_t errlen);

/* The same from a buffer; name is used in messages, dir resolves paths. */
struct config	*config_parse(const char *buf, size_t len, const char *name,
		    const char *dir, char *err, size_t errlen);

void		 config_free(struct config *);

/*
 * How long after an approval was asked for the signer must remember that
 * it was decided or used: its ttl, and the window in which its expiry is
 * taken.  A starting signer reads the audit log back this far; 0 without
 * approvals.
 */
long long	 config_approval_window(const struct config *);

/*
 * The file a path of the configuration names, into out: the path itself,
 * or for "credential:NAME" (the TLS key, the signing keys, the secrets and
 * the audit key may be systemd credentials) $CREDENTIALS_DIRECTORY/NAME.
 * Returns 0, or -1 with errno set.
 */
#define CONFIG_CREDENTIAL	"credential:"
int		 config_path(const char *path, char *out, size_t outlen);

const struct client_config	*config_client(const struct config *,
				    const char *client_id);
const struct key_config		*config_key(const struct config *,
				    const char *kid);

const char	*alg_name(enum sig_alg);
int		 strlist_has(const struct strlist *, const char *);

#endif
