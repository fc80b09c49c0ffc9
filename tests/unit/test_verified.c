/*
 * The memory of tokens whose signature was found good (daemon/verified.c):
 * only the exact bytes hit, a new JWKS forgets all, and the table stays
 * bounded (an old token may be pushed out, never a wrong one let in).
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "verified.h"

#define MANY	20000

int
main(void)
{
	char	 tok[] = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
	char	 other[64];
	size_t	 len = strlen(tok), i, known = 0, wrong = 0;

	CHECK(!verified_known(tok, len), "an unknown token is not known");
	verified_add(tok, len);
	CHECK(verified_known(tok, len), "a token added is known");
	CHECK(!verified_known(tok, len - 1), "a prefix of it is not");
	for (i = 0; i < len; i++) {
		tok[i] ^= 1;
		if (verified_known(tok, len))
			wrong++;
		tok[i] ^= 1;
	}
	CHECK(wrong == 0, "no one-bit change of it is known (%zu were)", wrong);
	verified_forget();
	CHECK(!verified_known(tok, len), "forgotten when the keys change");

	for (i = 0; i < MANY; i++) {
		snprintf(other, sizeof(other), "token-%zu", i);
		verified_add(other, strlen(other));
	}
	for (i = 0; i < MANY; i++) {
		snprintf(other, sizeof(other), "token-%zu", i);
		known += verified_known(other, strlen(other));
	}
	CHECK(known > 0 && known < MANY,
	    "bounded: %zu of %d tokens still known", known, MANY);
	snprintf(other, sizeof(other), "token-%d", MANY);
	CHECK(!verified_known(other, strlen(other)), "one never added is not");
	return check_done();
}
