/*
 * A JWKS as jwks_parse reads it: the signer's own, and its console's
 * identity provider's, which guisectl idp-keys fetched from the network.
 * The input is the JWKS text, parsed with and without JWKS_ALG_OPTIONAL.
 */
#include "fuzz.h"
#include "jwks.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void
check(const char *text, int flags)
{
	struct jwks_set	 set;
	const char	*why = NULL;
	size_t		 i;

	if (jwks_parse(text, flags, &set, &why) == 0) {
		FUZZ_ASSERT(set.n > 0 && set.n <= JWKS_KEYS_MAX);
		for (i = 0; i < set.n; i++) {
			FUZZ_ASSERT(set.keys[i].pkey != NULL);
			FUZZ_ASSERT(set.keys[i].alg == ALG_RS256 ||
			    set.keys[i].alg == ALG_ES256);
			FUZZ_ASSERT(memchr(set.keys[i].kid, '\0',
			    sizeof(set.keys[i].kid)) != NULL);
			FUZZ_ASSERT(jwks_set_find(&set, set.keys[i].kid) ==
			    &set.keys[i]);
		}
		jwks_set_free(&set);
	} else
		FUZZ_ASSERT(why != NULL && set.n == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*text;

	if ((text = malloc(size + 1)) == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	check(text, 0);
	check(text, JWKS_ALG_OPTIONAL);
	free(text);
	return 0;
}
