/*
 * A provider's JWKS as guisectl idp-keys takes it: the sets it accepts
 * (RSA of 2048 bits and more, EC P-256, use and alg absent or right) and
 * every reason it refuses a whole set for one key.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "idp_jwks.h"

/* 256 bytes of modulus, top bit set: 2048 bits; 255 of them: 2040. */
#define N2048	"wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
		"AAAAAAAAAAAAAAAAAAAAAAAAAQ"
#define N2040	"wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
		"AAAAAAAAAAAAAAAAAAAAAAAB"
/* A point on P-256 (the signer's reading checks that it is one). */
#define X	"Oby63bSQL5Pb8o4xhjp7OpEvKYSqv3-fxf3Wp2fJU7E"
#define Y	"0uP0MTsRX4Vy4BT7fqREALgereJxRM6ETKGeG3b9C2I"
/* 32 bytes that are no point's coordinates, for the lengths' checks. */
#define XY	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE"
#define RSA(extra)	"{\"kid\":\"r\",\"kty\":\"RSA\",\"n\":\"" N2048 \
			"\",\"e\":\"AQAB\"" extra "}"
#define EC(extra)	"{\"kid\":\"e\",\"kty\":\"EC\",\"crv\":\"P-256\"," \
			"\"x\":\"" X "\",\"y\":\"" Y "\"" extra "}"

static char	 err[512];

static int
check(const char *text, struct idp_kids *kids)
{
	err[0] = '\0';
	return idp_jwks_check(text, strlen(text), "jwks", kids, err,
	    sizeof(err));
}

/* Refused, with a message that contains what. */
static int
refused(const char *text, const char *what)
{
	struct idp_kids	 kids;

	if (check(text, &kids) != -1 || kids.n != 0)
		return 0;
	if (strstr(err, what) == NULL) {
		printf("# %s\n", err);
		return 0;
	}
	return 1;
}

int
main(void)
{
	struct idp_kids	 kids;
	char		 many[8192];
	size_t		 i, len;

	CHECK(check("{\"keys\":[" RSA(",\"use\":\"sig\",\"alg\":\"RS256\"")
	    "," EC(",\"alg\":\"ES256\",\"x5t\":\"abc\"") "]}", &kids) == 0 &&
	    kids.n == 2 && strcmp(kids.kid[0], "r") == 0 &&
	    strcmp(kids.kid[1], "e") == 0,
	    "an RSA and an EC key, with use, alg and other members");
	CHECK(check("{\"keys\":[" RSA("") "],\"extra\":1}", &kids) == 0,
	    "use and alg may be absent; other top-level members pass");

	CHECK(refused("[]", "not a JSON object"), "not an object");
	CHECK(refused("{}", "keys"), "no keys");
	CHECK(refused("{\"keys\":[]}", "0 keys; 1 to 32"), "no key");
	CHECK(refused("{\"keys\":[" RSA("") "]} x", "jwks"), "trailing text");
	CHECK(refused("{\"keys\":[" RSA("") "],\"keys\":[]}", "jwks"),
	    "keys given twice");
	CHECK(refused("{\"keys\":[" RSA(",\"d\":\"AQAB\"") "]}",
	    "keys[0].d: a private key member"), "an RSA private key");
	CHECK(refused("{\"keys\":[" EC("") "," EC(",\"d\":\"AQAB\"") "]}",
	    "keys[1].d: a private key member"),
	    "one EC private key among public ones refuses the set");
	CHECK(refused("{\"keys\":[" RSA(",\"qi\":\"AQAB\"") "]}", "keys[0].qi"),
	    "a CRT member");
	CHECK(refused("{\"keys\":[{\"kid\":\"s\",\"kty\":\"oct\",\"k\":"
	    "\"AQAB\"}]}", "keys[0].k: a private key member"),
	    "a symmetric key");
	CHECK(refused("{\"keys\":[{\"kid\":\"o\",\"kty\":\"OKP\"}]}",
	    "only RSA or EC"), "an OKP key");
	CHECK(refused("{\"keys\":[" RSA(",\"use\":\"enc\"") "]}",
	    "only \"sig\""), "an encryption key");
	CHECK(refused("{\"keys\":[" RSA(",\"alg\":\"PS256\"") "]}",
	    "must be RS256"), "an RSA key for another algorithm");
	CHECK(refused("{\"keys\":[" EC(",\"alg\":\"RS256\"") "]}",
	    "must be ES256"), "an EC key with RS256");
	CHECK(refused("{\"keys\":[{\"kid\":\"r\",\"kty\":\"RSA\",\"n\":\""
	    N2040 "\",\"e\":\"AQAB\"}]}", "2040 bits; 2048 at least"),
	    "an RSA key of 2040 bits");
	CHECK(refused("{\"keys\":[{\"kid\":\"r\",\"kty\":\"RSA\",\"n\":\""
	    N2048 "\",\"e\":\"Ag\"}]}", "keys[0].e"), "an even exponent");
	CHECK(refused("{\"keys\":[{\"kid\":\"r\",\"kty\":\"RSA\",\"e\":"
	    "\"AQAB\"}]}", "keys[0].n"), "no modulus");
	CHECK(refused("{\"keys\":[{\"kid\":\"e\",\"kty\":\"EC\",\"crv\":"
	    "\"P-384\",\"x\":\"" XY "\",\"y\":\"" XY "\"}]}", "only P-256"),
	    "another curve");
	CHECK(refused("{\"keys\":[{\"kid\":\"e\",\"kty\":\"EC\",\"crv\":"
	    "\"P-256\",\"x\":\"AQAB\",\"y\":\"" XY "\"}]}", "keys[0].x: not "
	    "32 bytes"), "a short coordinate");
	CHECK(refused("{\"keys\":[{\"kid\":\"e\",\"kty\":\"EC\",\"crv\":"
	    "\"P-256\",\"x\":\"" XY "=\",\"y\":\"" XY "\"}]}", "keys[0].x"),
	    "padded base64");
	CHECK(refused("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\""
	    XY "\",\"y\":\"" XY "\"}]}", "kid"), "no kid");
	CHECK(refused("{\"keys\":[" EC("") "," EC("") "]}", "\"e\" twice"),
	    "two keys under one kid");
	CHECK(refused("{\"keys\":[{\"kid\":\"a b\",\"kty\":\"EC\",\"crv\":"
	    "\"P-256\",\"x\":\"" XY "\",\"y\":\"" XY "\"}]}",
	    "not printable ASCII"), "a kid with a space");
	CHECK(refused("{\"keys\":[1]}", "keys[0]: not an object"),
	    "a key that is not an object");
	CHECK(refused("{\"keys\":[{\"kid\":\"e\",\"kty\":\"EC\",\"crv\":"
	    "\"P-256\",\"x\":\"" XY "\",\"y\":\"" XY "\"}]}",
	    "the signer would refuse it"),
	    "a point that is not on P-256: the signer's reading refuses it");

	len = (size_t)snprintf(many, sizeof(many), "{\"keys\":[");
	for (i = 0; i < 33; i++)
		len += (size_t)snprintf(many + len, sizeof(many) - len,
		    "%s{\"kid\":\"k%zu\",\"kty\":\"EC\",\"crv\":\"P-256\","
		    "\"x\":\"" XY "\",\"y\":\"" XY "\"}", i ? "," : "", i);
	snprintf(many + len, sizeof(many) - len, "]}");
	CHECK(refused(many, "33 keys; 1 to 32"), "33 keys");
	return check_done();
}
