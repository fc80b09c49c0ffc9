/*
 * guisectl secret: a client secret (32 bytes from the OpenSSL CSPRNG,
 * base64url, for secrets.json), or with --webhook a webhook's secret as
 * Standard Webhooks writes it ("whsec_" and the base64 of 32 bytes), or
 * with --audit-key the raw key of the audit chain written to a new 0600
 * file, or with --grant-key a new key line in the grant key file
 * (grant_key.c).
 */
#include <getopt.h>
#include <stdio.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "b64url.h"
#include "guisectl.h"
#include "log.h"

#define SECRET_CLIENT_LEN	32	/* 256 bits: 43 characters */
#define SECRET_AUDIT_KEY_LEN	64	/* the signer reads 32 to 256 */
#define SECRET_WEBHOOK_LEN	32	/* the signer reads 24 to 64 */

enum {
	OPT_AUDIT_KEY = 256,
	OPT_GRANT_KEY,
	OPT_KID,
	OPT_WEBHOOK,
};

static const struct option secret_longopts[] = {
	{ "audit-key",	no_argument,		NULL,	OPT_AUDIT_KEY },
	{ "grant-key",	no_argument,		NULL,	OPT_GRANT_KEY },
	{ "kid",	required_argument,	NULL,	OPT_KID },
	{ "webhook",	no_argument,		NULL,	OPT_WEBHOOK },
	{ "help",	no_argument,		NULL,	'h' },
	{ NULL,		0,			NULL,	0 },
};

static int
secret_random(unsigned char *buf, size_t len)
{
	char	 err[256];

	if (RAND_bytes(buf, (int)len) != 1) {
		ERR_error_string_n(ERR_get_error(), err, sizeof(err));
		log_warnx("RAND_bytes: %s", err);
		return -1;
	}
	return 0;
}

static int
secret_client(void)
{
	unsigned char	 raw[SECRET_CLIENT_LEN];
	char		 txt[B64URL_ENCODED_LEN(SECRET_CLIENT_LEN) + 1];
	int		 rc = -1;

	if (secret_random(raw, sizeof(raw)) == 0) {
		b64url_encode(txt, raw, sizeof(raw));
		printf("%s\n", txt);
		rc = 0;
	}
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(txt, sizeof(txt));
	return rc;
}

static int
secret_webhook(void)
{
	unsigned char	 raw[SECRET_WEBHOOK_LEN];
	unsigned char	 txt[4 * ((SECRET_WEBHOOK_LEN + 2) / 3) + 1];
	int		 rc = -1;

	if (secret_random(raw, sizeof(raw)) == 0) {
		(void)EVP_EncodeBlock(txt, raw, sizeof(raw));
		printf("whsec_%s\n", txt);
		rc = 0;
	}
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(txt, sizeof(txt));
	return rc;
}

static int
secret_audit_key(const char *file)
{
	unsigned char	 key[SECRET_AUDIT_KEY_LEN];
	int		 rc = -1;

	if (secret_random(key, sizeof(key)) == 0)
		rc = newfile_write(file, key, sizeof(key));
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

int
secret_main(int argc, char *argv[])
{
	const char	*file = NULL, *kid = NULL;
	int		 ch, audit_key = 0, grant_key = 0, webhook = 0;

	while ((ch = getopt_long(argc, argv, "+ho:", secret_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_AUDIT_KEY:
			audit_key = 1;
			break;
		case OPT_GRANT_KEY:
			grant_key = 1;
			break;
		case OPT_KID:
			kid = optarg;
			break;
		case OPT_WEBHOOK:
			webhook = 1;
			break;
		case 'o':
			file = optarg;
			break;
		default:
			ctl_usage("secret");
		}
	}
	/* Keys go to a file only, never to a terminal. */
	if (optind != argc || audit_key + grant_key != (file != NULL) ||
	    (kid != NULL && !grant_key) || webhook + audit_key + grant_key > 1)
		ctl_usage("secret");
	if (grant_key)
		return grant_key_add(file, kid);
	if (webhook)
		return secret_webhook();
	return audit_key ? secret_audit_key(file) : secret_client();
}
