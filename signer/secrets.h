/*
 * Client secrets, the audit key and the grant key (grant.c holds the
 * latter): read only by the signer, wiped at its exit.
 */
#ifndef GUISE_SECRETS_H
#define GUISE_SECRETS_H

#include <stddef.h>

#include "config.h"

#define SECRET_MIN_LEN	16	/* 128 bits, as guisectl secret makes more */
/* The key in secrets_file of the console's secret at its provider. */
#define SECRETS_CONSOLE_IDP	"console:idp"
#define AUDIT_KEY_MIN	32

/*
 * Load secrets_file, audit_key_file and grant_key_file; -1 with a message
 * on error.
 */
int	secrets_load(const struct config *);

/*
 * Whether secret is client_id's.  Unknown clients and wrong secrets take
 * the same path and the same time: a digest compared in constant time.
 */
int	secrets_check(const char *client_id, const char *secret, size_t len);

/* The audit key, as the file holds it. */
const unsigned char *secrets_audit_key(size_t *len);

/*
 * The console's secret at its identity provider (client_secret_basic), ""
 * when it authenticates otherwise.
 */
const char *secrets_console_idp(void);

/* The key of the webhook at url (its secret decoded), or NULL. */
const unsigned char *secrets_webhook(const char *url, size_t *len);

/* The secret that keys client_id's HS256 id_tokens, or NULL. */
const char *secrets_hs256_key(const char *client_id);

#endif
