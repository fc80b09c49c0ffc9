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
#include <string.h>

#include <openssl/crypto.h>

#include "hex.h"
#include "verified.h"

#define SLOTS		1024		/* a power of two; 2.6 KB each */

/* In place, no allocation: a token a request would otherwise churn the
 * heap (the soak test saw it grow). */
struct verified {
	unsigned char		 digest[SHA256_LEN];
	int			 used;
	int			 has_claims;
	struct verified_claims	 claims;
};

static struct verified	 slots[SLOTS];

/* The slot of token (its digest into md), and whether it holds it. */
static struct verified *
lookup(const char *token, size_t len, unsigned char md[SHA256_LEN], int *hit)
{
	struct verified	*v;

	*hit = 0;
	if (sha256(token, len, md) == -1)
		return NULL;
	v = &slots[((size_t)md[0] << 8 | md[1]) & (SLOTS - 1)];
	*hit = v->used && CRYPTO_memcmp(v->digest, md, SHA256_LEN) == 0;
	return v;
}

struct verified *
verified_add(const char *token, size_t len)
{
	unsigned char	 md[SHA256_LEN];
	struct verified	*v;
	int		 hit;

	if ((v = lookup(token, len, md, &hit)) == NULL || hit)
		return v;
	v->has_claims = 0;
	memcpy(v->digest, md, SHA256_LEN);
	v->used = 1;
	return v;
}

struct verified *
verified_find(const char *token, size_t len)
{
	unsigned char	 md[SHA256_LEN];
	struct verified	*v;
	int		 hit;

	v = lookup(token, len, md, &hit);
	return hit ? v : NULL;
}

const struct verified_claims *
verified_claims(const struct verified *v)
{
	return v->has_claims ? &v->claims : NULL;
}

void
verified_keep_claims(struct verified *v, const struct access *a,
    const char *iss, const char *aud, long long nbf)
{
	struct verified_claims	*c = &v->claims;

	v->has_claims = 0;
	if (strlen(iss) >= sizeof(c->iss) || strlen(aud) >= sizeof(c->aud))
		return;
	c->access = *a;
	c->nbf = nbf;
	memcpy(c->iss, iss, strlen(iss) + 1);
	memcpy(c->aud, aud, strlen(aud) + 1);
	v->has_claims = 1;
}

void
verified_forget(void)
{
	size_t	 i;

	for (i = 0; i < SLOTS; i++)
		slots[i].used = slots[i].has_claims = 0;
}
