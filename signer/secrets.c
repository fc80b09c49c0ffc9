/*
 * The signer keeps a SHA-256 digest of each client secret, not the secret
 * (except for a client whose id_tokens are HS256, keyed with the secret
 * itself), and compares digests with CRYPTO_memcmp.  Digests have one length whatever
 * the secret's, so the comparison time says nothing about the secret, and a
 * client that does not exist is compared against a random digest that no
 * secret matches.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "grant.h"
#include "hex.h"
#include "log.h"
#include "secrets.h"

#define SECRETS_FILE_MAX	(1024 * 1024)

struct client_secret {
	char		 client_id[CONFIG_ID_MAX + 1];
	unsigned char	 digest[SHA256_LEN];
	char		*hs256_key;	/* NULL unless id_token_alg is HS256 */
};

static struct client_secret	*secrets;
static size_t			 nsecrets;
static unsigned char		 nobody_digest[SHA256_LEN];
static unsigned char		 audit_key[256];
static size_t			 audit_key_len;
/* The console's secret at its identity provider, for client_secret_basic. */
static char			 console_idp[PROTO_SECRET_MAX + 1];

/*
 * The webhooks' secrets, as Standard Webhooks writes them: "whsec_" and
 * the base64 of 24 to 64 bytes, which key the HMAC.
 */
#define WHSEC_PREFIX		"whsec_"
#define WEBHOOK_KEY_MIN		24
#define WEBHOOK_KEY_MAX		64
static struct webhook_secret {
	const char	*url;		/* the configuration's */
	unsigned char	 key[WEBHOOK_KEY_MAX];
	size_t		 len;
}				 webhook_secrets[WEBHOOKS_MAX];
static size_t			 nwebhook_secrets;

/* The webhook named by a secrets_file key "webhook:<url>", or NULL. */
static const struct webhook_config *
webhook_of(const struct config *conf, const char *id)
{
	size_t	 i, n = strlen(WEBHOOK_SECRET_PREFIX);

	if (strncmp(id, WEBHOOK_SECRET_PREFIX, n) != 0)
		return NULL;
	for (i = 0; i < conf->nwebhooks; i++)
		if (strcmp(conf->webhooks[i].url, id + n) == 0)
			return &conf->webhooks[i];
	return NULL;
}

/* whsec_ and base64, decoded into w: 0, or -1. */
static int
webhook_key(const char *text, struct webhook_secret *w)
{
	unsigned char	 raw[(WEBHOOK_KEY_MAX + 2) / 3 * 3 + 3];
	const char	*b64;
	size_t		 len, pad = 0;
	int		 n;

	if (strncmp(text, WHSEC_PREFIX, strlen(WHSEC_PREFIX)) != 0)
		return -1;
	b64 = text + strlen(WHSEC_PREFIX);
	len = strlen(b64);
	if (len == 0 || len % 4 != 0 || len / 4 * 3 > sizeof(raw) ||
	    strspn(b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/=") != len)
		return -1;
	while (pad < 2 && b64[len - 1 - pad] == '=')
		pad++;
	if (memchr(b64, '=', len - pad) != NULL ||
	    (n = EVP_DecodeBlock(raw, (const unsigned char *)b64,
	    (int)len)) == -1 || (size_t)n < pad ||
	    (size_t)n - pad < WEBHOOK_KEY_MIN || (size_t)n - pad >
	    WEBHOOK_KEY_MAX) {
		OPENSSL_cleanse(raw, sizeof(raw));
		return -1;
	}
	w->len = (size_t)n - pad;
	memcpy(w->key, raw, w->len);
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

static int
load_webhook_secret(const struct config *conf, const char *id, json_t *v)
{
	const struct webhook_config	*wc = webhook_of(conf, id);
	struct webhook_secret		*w;

	if (nwebhook_secrets == WEBHOOKS_MAX || !json_is_string(v))
		return -1;
	w = &webhook_secrets[nwebhook_secrets];
	if (webhook_key(json_string_value(v), w) == -1)
		return -1;
	w->url = wc->url;
	nwebhook_secrets++;
	return 0;
}

/* Does the console authenticate at its provider with a secret of ours? */
static int
console_secret_used(const struct config *conf)
{
	return conf->console.enabled &&
	    conf->console.idp_auth == IDP_AUTH_CLIENT_SECRET_BASIC;
}

static int
load_secrets_file(const struct config *conf)
{
	json_t		*root, *v;
	json_error_t	 jerr;
	char		 path[PATH_MAX];
	const char	*id, *s;
	size_t		 i, len;

	if (config_path(conf->secrets_file, path, sizeof(path)) == -1) {
		log_warn("%s", conf->secrets_file);
		return -1;
	}
	if ((root = json_load_file(path, JSON_REJECT_DUPLICATES,
	    &jerr)) == NULL) {
		log_warnx("%s: line %d: %s", conf->secrets_file, jerr.line,
		    jerr.text);
		return -1;
	}
	if (!json_is_object(root)) {
		log_warnx("%s: must be a JSON object of client_id: secret",
		    conf->secrets_file);
		goto fail;
	}
	json_object_foreach(root, id, v) {
		if (strcmp(id, SECRETS_CONSOLE_IDP) == 0 &&
		    console_secret_used(conf)) {
			if (!json_is_string(v) || json_string_length(v) >=
			    sizeof(console_idp) || json_string_length(v) == 0 ||
			    strlen(json_string_value(v)) !=
			    json_string_length(v)) {
				log_warnx("%s: \"%s\" must be a string of 1 "
				    "to %d bytes", conf->secrets_file, id,
				    PROTO_SECRET_MAX);
				goto fail;
			}
			memcpy(console_idp, json_string_value(v),
			    json_string_length(v) + 1);
			continue;
		}
		if (webhook_of(conf, id) != NULL) {
			if (load_webhook_secret(conf, id, v) == -1) {
				log_warnx("%s: \"%s\" must be \"%s\" and the "
				    "base64 of %d to %d bytes (guisectl secret "
				    "--webhook makes one)", conf->secrets_file,
				    id, WHSEC_PREFIX, WEBHOOK_KEY_MIN,
				    WEBHOOK_KEY_MAX);
				goto fail;
			}
			continue;
		}
		if (config_client(conf, id) == NULL) {
			log_warnx("%s: \"%s\" is not a configured client",
			    conf->secrets_file, id);
			goto fail;
		}
		if (!json_is_string(v) || json_string_length(v) <
		    SECRET_MIN_LEN || json_string_length(v) > 256 ||
		    strlen(json_string_value(v)) != json_string_length(v)) {
			log_warnx("%s: secret of \"%s\" must be a string of "
			    "%d to 256 bytes (guisectl secret makes one)",
			    conf->secrets_file, id, SECRET_MIN_LEN);
			goto fail;
		}
	}
	if ((secrets = calloc(conf->nclients, sizeof(*secrets))) == NULL)
		goto fail;
	for (i = 0; i < conf->nclients; i++) {
		struct client_secret	*sec = &secrets[nsecrets];

		id = conf->clients[i].client_id;
		v = json_object_get(root, id);
		/* A public client proves itself by PKCE alone. */
		if (conf->clients[i].public_client) {
			if (v == NULL)
				continue;
			log_warnx("%s: \"%s\" is a public client "
			    "(token_endpoint_auth_method none): it has no "
			    "secret", conf->secrets_file, id);
			goto fail;
		}
		if (v == NULL) {
			log_warnx("%s: no secret for client \"%s\"",
			    conf->secrets_file, id);
			goto fail;
		}
		s = json_string_value(v);
		strncpy(sec->client_id, id, sizeof(sec->client_id) - 1);
		if (sha256(s, strlen(s), sec->digest) == -1)
			goto fail;
		if (conf->clients[i].id_token_alg == ALG_HS256 &&
		    (sec->hs256_key = strdup(s)) == NULL)
			goto fail;
		nsecrets++;
	}
	for (i = 0; i < conf->nwebhooks; i++)
		if (secrets_webhook(conf->webhooks[i].url, &len) == NULL) {
			log_warnx("%s: no \"%s%s\": a webhook's events are "
			    "signed with its secret", conf->secrets_file,
			    WEBHOOK_SECRET_PREFIX, conf->webhooks[i].url);
			goto fail;
		}
	if (console_secret_used(conf) && console_idp[0] == '\0') {
		log_warnx("%s: no \"%s\": the console's client_secret_basic "
		    "needs its secret at the identity provider",
		    conf->secrets_file, SECRETS_CONSOLE_IDP);
		goto fail;
	}
	/*
	 * Wipe the secrets themselves, only their digests stay.  The strings
	 * are jansson's, about to be freed: writing over them is safe.
	 */
	json_object_foreach(root, id, v)
		OPENSSL_cleanse((void *)(uintptr_t)json_string_value(v),
		    json_string_length(v));
	json_decref(root);
	return 0;
 fail:
	json_decref(root);
	return -1;
}

static int
load_audit_key(const char *file)
{
	char	 path[PATH_MAX], extra;
	ssize_t	 n;
	int	 fd;

	if (config_path(file, path, sizeof(path)) == -1 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("%s", file);
		return -1;
	}
	n = read(fd, audit_key, sizeof(audit_key));
	if (n == (ssize_t)sizeof(audit_key) && read(fd, &extra, 1) != 0)
		n = -2;
	close(fd);
	if (n < AUDIT_KEY_MIN) {
		log_warnx("%s: the audit key must be %d to %zu bytes",
		    file, AUDIT_KEY_MIN, sizeof(audit_key));
		return -1;
	}
	audit_key_len = (size_t)n;
	return 0;
}

/*
 * At exit, whichever path leads there (fatalx included): the audit and
 * grant keys are not left in memory that a core or a swap page could show.
 */
static void
secrets_wipe(void)
{
	OPENSSL_cleanse(audit_key, sizeof(audit_key));
	OPENSSL_cleanse(console_idp, sizeof(console_idp));
	OPENSSL_cleanse(webhook_secrets, sizeof(webhook_secrets));
	audit_key_len = 0;
	grant_keys_wipe();
}

int
secrets_load(const struct config *conf)
{
	static int	 registered;

	if (!registered && atexit(secrets_wipe) == 0)
		registered = 1;
	if (RAND_bytes(nobody_digest, sizeof(nobody_digest)) != 1)
		return -1;
	if (load_secrets_file(conf) == -1)
		return -1;
	if (load_audit_key(conf->audit_key_file) == -1)
		return -1;
	return grant_keys_load(conf->grant_key_file);
}

int
secrets_check(const char *client_id, const char *secret, size_t len)
{
	const unsigned char	*want = nobody_digest;
	unsigned char		 got[SHA256_LEN];
	size_t			 i;

	for (i = 0; i < nsecrets; i++)
		if (strcmp(secrets[i].client_id, client_id) == 0)
			want = secrets[i].digest;
	if (sha256(secret, len, got) == -1)
		return 0;
	return CRYPTO_memcmp(got, want, SHA256_LEN) == 0;
}

const char *
secrets_hs256_key(const char *client_id)
{
	size_t	 i;

	for (i = 0; i < nsecrets; i++)
		if (strcmp(secrets[i].client_id, client_id) == 0)
			return secrets[i].hs256_key;
	return NULL;
}

const char *
secrets_console_idp(void)
{
	return console_idp;
}

const unsigned char *
secrets_audit_key(size_t *len)
{
	*len = audit_key_len;
	return audit_key;
}

const unsigned char *
secrets_webhook(const char *url, size_t *len)
{
	size_t	 i;

	for (i = 0; i < nwebhook_secrets; i++)
		if (strcmp(webhook_secrets[i].url, url) == 0) {
			*len = webhook_secrets[i].len;
			return webhook_secrets[i].key;
		}
	return NULL;
}
