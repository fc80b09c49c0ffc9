/*
 * The audit key (signer.audit_key_file), and the HMAC-SHA256s made with it:
 * a record's mac (doc/audit.md, "A record") and a commit's tag ("Anchors").
 * The key is read once, into an OpenSSL context, and its bytes wiped.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "audit.h"
#include "config.h"
#include "hex.h"
#include "log.h"

#define KEY_MIN		32	/* as the signer: 32 to 256 bytes */
#define KEY_MAX		256
#define KEY_MAC_LEN	32
#define KEY_COMMIT	"guise audit commit "	/* what a tag covers */

struct audit_key {
	EVP_MAC		*mac;
	EVP_MAC_CTX	*ctx;		/* keyed once, re-initialised per mac */
};

static int
key_init(struct audit_key *k, const unsigned char *bytes, size_t len)
{
	char		 sha256[] = "SHA256";
	OSSL_PARAM	 params[2];

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    sha256, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((k->mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL)) == NULL ||
	    (k->ctx = EVP_MAC_CTX_new(k->mac)) == NULL ||
	    EVP_MAC_init(k->ctx, bytes, len, params) != 1) {
		log_warnx("HMAC-SHA256: %s",
		    ERR_reason_error_string(ERR_get_error()));
		return -1;
	}
	return 0;
}

/* Up to KEY_MAX + 1 bytes of the file, so that a longer one is seen. */
static int
key_read(const char *path, unsigned char bytes[KEY_MAX], size_t *lenp)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 len = 0;
	unsigned char	 extra;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		log_warn("audit key %s", path);
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		log_warnx("audit key %s: not a regular file", path);
		(void)close(fd);
		return -1;
	}
	for (;;) {
		if (len < KEY_MAX)
			n = read(fd, bytes + len, KEY_MAX - len);
		else
			n = read(fd, &extra, 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len == KEY_MAX) {
			len++;
			break;
		}
		len += (size_t)n;
	}
	if (n == -1)
		log_warn("audit key %s", path);
	(void)close(fd);
	if (n == -1)
		return -1;
	if (len < KEY_MIN || len > KEY_MAX) {
		log_warnx("audit key %s: must hold %d to %d bytes", path,
		    KEY_MIN, KEY_MAX);
		return -1;
	}
	*lenp = len;
	return 0;
}

struct audit_key *
audit_key_load(const char *name)
{
	char			 path[PATH_MAX];
	unsigned char		 bytes[KEY_MAX];
	struct audit_key	*k;
	size_t			 len = 0;
	int			 rc;

	/* A systemd credential is read where systemd put it for us. */
	if (config_path(name, path, sizeof(path)) == -1) {
		log_warn("audit key %s", name);
		return NULL;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		log_warn("calloc");
		return NULL;
	}
	rc = key_read(path, bytes, &len);
	if (rc == 0)
		rc = key_init(k, bytes, len);
	OPENSSL_cleanse(bytes, sizeof(bytes));	/* the ctx has it */
	if (rc == -1) {
		audit_key_free(k);
		return NULL;
	}
	return k;
}

void
audit_key_free(struct audit_key *k)
{
	if (k == NULL)
		return;
	EVP_MAC_CTX_free(k->ctx);
	EVP_MAC_free(k->mac);
	free(k);
}

int
audit_key_mac(const struct audit_key *k, const void *a, size_t alen,
    const void *b, size_t blen, char hex[AUDIT_MAC_HEX + 1])
{
	unsigned char	 out[KEY_MAC_LEN];
	size_t		 outlen = 0;

	/* A NULL key starts over with the key already set. */
	if (EVP_MAC_init(k->ctx, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(k->ctx, a, alen) != 1 ||
	    EVP_MAC_update(k->ctx, b, blen) != 1 ||
	    EVP_MAC_final(k->ctx, out, &outlen, sizeof(out)) != 1 ||
	    outlen != sizeof(out)) {
		log_warnx("HMAC-SHA256: %s",
		    ERR_reason_error_string(ERR_get_error()));
		return -1;
	}
	hex_encode(out, sizeof(out), hex);
	return 0;
}

int
audit_key_commit_ok(const struct audit_key *k, const struct audit_commit *c,
    const char *tag)
{
	char	 text[sizeof(KEY_COMMIT) + 24 + AUDIT_MAC_HEX];
	char	 want[AUDIT_MAC_HEX + 1];
	int	 n;

	n = snprintf(text, sizeof(text), KEY_COMMIT "%" JSON_INTEGER_FORMAT
	    " %.*s", c->seq, AUDIT_MAC_HEX, c->mac);
	if (n < 0 || (size_t)n >= sizeof(text)) {
		log_warnx("a commit's text does not fit");
		return -1;
	}
	if (audit_key_mac(k, text, (size_t)n, "", 0, want) == -1)
		return -1;
	return CRYPTO_memcmp(want, tag, AUDIT_MAC_HEX) == 0;
}
