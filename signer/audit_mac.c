/*
 * One HMAC-SHA256 context keyed with the audit key, once: OpenSSL 3 keeps
 * the key in it, and EVP_MAC_init with a NULL key starts again from it, so
 * a record's mac costs no key schedule.  The commit tags of the anchors use
 * the same context rather than a second copy of the key.
 */
#include <stdint.h>
#include <stdio.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "audit_mac.h"
#include "hex.h"
#include "log.h"

#define COMMIT_TEXT	"guise audit commit "

static EVP_MAC_CTX	*hmac;

int
audit_mac_init(const unsigned char *key, size_t keylen)
{
	OSSL_PARAM	 params[2];
	EVP_MAC		*mac;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)(uintptr_t)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (hmac = EVP_MAC_CTX_new(mac)) == NULL ||
	    EVP_MAC_init(hmac, key, keylen, params) != 1) {
		EVP_MAC_free(mac);
		log_warnx("audit: cannot prepare HMAC-SHA256");
		return -1;
	}
	EVP_MAC_free(mac);
	return 0;
}

/* HMAC(a || b) as hex. */
static int
keyed(const void *a, size_t alen, const void *b, size_t blen,
    char hex[AUDIT_MAC_HEX + 1])
{
	unsigned char	 md[32];
	size_t		 mdlen = 0;

	if (EVP_MAC_init(hmac, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(hmac, a, alen) != 1 ||
	    EVP_MAC_update(hmac, b, blen) != 1 ||
	    EVP_MAC_final(hmac, md, &mdlen, sizeof(md)) != 1 || mdlen != 32)
		return -1;
	hex_encode(md, sizeof(md), hex);
	return 0;
}

int
audit_mac_chain(const char *prev, const char *text, size_t len,
    char mac[AUDIT_MAC_HEX + 1])
{
	return keyed(prev, AUDIT_MAC_HEX, text, len, mac);
}

int
audit_mac_tag(long long seq, const char *mac, char tag[AUDIT_MAC_HEX + 1])
{
	char	 text[sizeof(COMMIT_TEXT) + 24 + AUDIT_MAC_HEX];
	int	 n;

	n = snprintf(text, sizeof(text), COMMIT_TEXT "%lld %.*s", seq,
	    AUDIT_MAC_HEX, mac);
	if (n < 0 || (size_t)n >= sizeof(text))
		return -1;
	return keyed(text, (size_t)n, "", 0, tag);
}
