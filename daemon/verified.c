/*
 * Tokens whose signature this front end knows to be good: those it has
 * verified, and those the signer has just handed it to pass on.  An ES256
 * verification costs about 60 µs here (openssl speed ecdsap256: 17,000 a
 * second on a core), more than all the rest of a request; a client that
 * calls with the same token many times (the backoffice asking for one
 * impersonation link after another) or an application that calls
 * /userinfo with the token it was just given pays it once, or never.
 *
 * What is kept is the SHA-256 of the whole token: a hit means these exact
 * bytes (header, claims and signature) were good under the keys of the
 * time.  The caller still checks the header's kid against the JWKS and the
 * claims (iss, aud, exp) on every use, and a new JWKS forgets everything,
 * so a key taken out of service takes its tokens with it.  Bounded: a
 * direct-mapped table where a new token takes the slot of an old one.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "hex.h"
#include "verified.h"

#define SLOTS		4096		/* a power of two */

static unsigned char	 slots[SLOTS][SHA256_LEN];
static unsigned char	 used[SLOTS];

static size_t
slot_of(const unsigned char md[SHA256_LEN])
{
	return ((size_t)md[0] << 8 | md[1]) & (SLOTS - 1);
}

void
verified_add(const char *token, size_t len)
{
	unsigned char	 md[SHA256_LEN];
	size_t		 i;

	if (sha256(token, len, md) == -1)
		return;
	i = slot_of(md);
	memcpy(slots[i], md, SHA256_LEN);
	used[i] = 1;
}

int
verified_known(const char *token, size_t len)
{
	unsigned char	 md[SHA256_LEN];
	size_t		 i;

	if (sha256(token, len, md) == -1)
		return 0;
	i = slot_of(md);
	return used[i] && CRYPTO_memcmp(slots[i], md, SHA256_LEN) == 0;
}

void
verified_forget(void)
{
	memset(used, 0, sizeof(used));
}
