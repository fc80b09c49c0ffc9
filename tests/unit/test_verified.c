/*
 * The memory of tokens found good (daemon/verified.c): only the exact
 * bytes hit, claims are kept with their token, a new JWKS forgets all, and
 * the table stays bounded (an old token may be pushed out, never a wrong
 * one let in).
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "verified.h"

#define MANY	20000

int
main(void)
{
	char			 tok[] = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
	char			 other[64];
	struct access		 a;
	struct verified		*v;
	const struct verified_claims *c;
	size_t			 len = strlen(tok), i, known = 0, wrong = 0;

	CHECK(verified_find(tok, len) == NULL, "an unknown token is not known");
	v = verified_add(tok, len);
	CHECK(v != NULL && verified_find(tok, len) == v, "a token added is known");
	CHECK(verified_claims(v) == NULL, "its claims are not, until kept");
	memset(&a, 0, sizeof(a));
	strcpy(a.sub, "auth0|customer-1");
	a.exp = 4000000000LL;
	verified_keep_claims(v, &a, "https://issuer/", "https://issuer/userinfo", 0);
	c = verified_claims(verified_find(tok, len));
	CHECK(c != NULL && strcmp(c->access.sub, "auth0|customer-1") == 0 &&
	    strcmp(c->aud, "https://issuer/userinfo") == 0, "claims kept with it");
	CHECK(verified_find(tok, len - 1) == NULL, "a prefix of it is not known");
	for (i = 0; i < len; i++) {
		tok[i] ^= 1;
		if (verified_find(tok, len) != NULL)
			wrong++;
		tok[i] ^= 1;
	}
	CHECK(wrong == 0, "no one-bit change of it is known (%zu were)", wrong);
	verified_forget();
	CHECK(verified_find(tok, len) == NULL, "forgotten when the keys change");

	for (i = 0; i < MANY; i++) {
		snprintf(other, sizeof(other), "token-%zu", i);
		v = verified_add(other, strlen(other));
		if (i % 2 == 0)
			verified_keep_claims(v, &a, "i", "a", 0);
	}
	for (i = 0; i < MANY; i++) {
		snprintf(other, sizeof(other), "token-%zu", i);
		known += verified_find(other, strlen(other)) != NULL;
	}
	CHECK(known > 0 && known < MANY,
	    "bounded: %zu of %d tokens still known", known, MANY);
	snprintf(other, sizeof(other), "token-%d", MANY);
	CHECK(verified_find(other, strlen(other)) == NULL,
	    "one never added is not");
	verified_forget();
	return check_done();
}
