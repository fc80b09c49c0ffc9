/*
 * Tokens whose signature this front end knows to be good: those it has
 * verified, and those the signer has just handed it to pass on.  An ES256
 * verification costs about 60 us here (openssl speed ecdsap256: 17,000 a
 * second on a core), more than all the rest of a request; a client that
 * calls with the same token many times (the backoffice asking for one
 * impersonation link after another) or an application that calls
 * /userinfo with the token it was just given pays it once, or never.  The
 * claims read from a token are kept too: parsing its header and claims
 * with jansson was a tenth of the front end's time in the whole flow.
 *
 * What is kept is the SHA-256 of the whole token: a hit means these exact
 * bytes (header, claims and signature) were good under the keys of the
 * time.  The caller still checks issuer, audience and lifetime on every
 * use, and a new JWKS forgets everything, so a key taken out of service
 * takes its tokens with it.  Bounded: a direct-mapped table where a new
 * token takes the slot of an old one.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "hex.h"
#include "verified.h"

#define SLOTS		4096		/* a power of two */

struct verified {
	unsigned char		 digest[SHA256_LEN];
	int			 used;
	struct verified_claims	*claims;	/* NULL until kept */
};

static struct verified	 slots[SLOTS];

static void
drop_claims(struct verified *v)
{
	if (v->claims == NULL)
		return;
	free(v->claims->iss);
	free(v->claims->aud);
	free(v->claims);
	v->claims = NULL;
}

static struct verified *
slot_of(const unsigned char md[SHA256_LEN])
{
	return &slots[((size_t)md[0] << 8 | md[1]) & (SLOTS - 1)];
}

struct verified *
verified_add(const char *token, size_t len)
{
	unsigned char	 md[SHA256_LEN];
	struct verified	*v;

	if (sha256(token, len, md) == -1)
		return NULL;
	v = slot_of(md);
	if (v->used && CRYPTO_memcmp(v->digest, md, SHA256_LEN) == 0)
		return v;
	drop_claims(v);
	memcpy(v->digest, md, SHA256_LEN);
	v->used = 1;
	return v;
}

struct verified *
verified_find(const char *token, size_t len)
{
	unsigned char	 md[SHA256_LEN];
	struct verified	*v;

	if (sha256(token, len, md) == -1)
		return NULL;
	v = slot_of(md);
	if (!v->used || CRYPTO_memcmp(v->digest, md, SHA256_LEN) != 0)
		return NULL;
	return v;
}

const struct verified_claims *
verified_claims(const struct verified *v)
{
	return v->claims;
}

void
verified_keep_claims(struct verified *v, const struct access *a,
    const char *iss, const char *aud, long long nbf)
{
	struct verified_claims	*c;

	drop_claims(v);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return;
	c->access = *a;
	c->nbf = nbf;
	if ((c->iss = strdup(iss)) == NULL || (c->aud = strdup(aud)) == NULL) {
		free(c->iss);
		free(c);
		return;
	}
	v->claims = c;
}

void
verified_forget(void)
{
	size_t	 i;

	for (i = 0; i < SLOTS; i++) {
		drop_claims(&slots[i]);
		slots[i].used = 0;
	}
}
