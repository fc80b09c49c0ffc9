/*
 * The bearer-token check of every protected endpoint (bearer_verify): the
 * input is the token text after "Bearer ", verified against a fixed
 * public JWKS (an ES256 and an RS256 key, made by mkbearer.mjs together
 * with the signed tokens of the seed corpus), a fixed issuer and audience,
 * and a fixed time.
 */
#include "bearer.h"
#include "fuzz.h"
#include "jwks.h"
#include "log.h"

#include "fuzz_bearer_jwks.h"

#define FUZZ_BEARER_NOW		1800000000	/* NOW in mkbearer.mjs */
#define FUZZ_ISSUER		"https://id.example/"
#define FUZZ_AUDIENCE		"https://id.example/api/v2/"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_bearer", 0);
	if (jwks_load(fuzz_jwks) == -1 || jwks_find("fuzz-ec") == NULL ||
	    jwks_find("fuzz-rsa") == NULL)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct access	 a;
	const char	*why = NULL;
	char		*token;

	/* Exactly size bytes, no NUL after them: bearer_verify takes len. */
	if ((token = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	if (size > 0)
		memcpy(token, data, size);
	memset(&a, 0xa5, sizeof(a));
	if (bearer_verify(token, size, FUZZ_ISSUER, FUZZ_AUDIENCE,
	    FUZZ_BEARER_NOW, &a, &why) == 0) {
		FUZZ_ASSERT(a.exp > FUZZ_BEARER_NOW);
		FUZZ_ASSERT(memchr(a.sub, '\0', sizeof(a.sub)) != NULL);
		FUZZ_ASSERT(memchr(a.act_sub, '\0', sizeof(a.act_sub)) != NULL);
		FUZZ_ASSERT(memchr(a.client_id, '\0',
		    sizeof(a.client_id)) != NULL);
		FUZZ_ASSERT(memchr(a.scope, '\0', sizeof(a.scope)) != NULL);
		FUZZ_ASSERT(memchr(a.jti, '\0', sizeof(a.jti)) != NULL);
	} else
		FUZZ_ASSERT(why != NULL);
	free(token);
	return 0;
}
