/*
 * The console's check of its identity provider's id_tokens
 * (idp_token_verify), which the signer runs on whatever the front end
 * hands it: the input is the token, verified against the fixed public
 * JWKS of fuzz_bearer (an ES256 and an RS256 key), issuer
 * https://id.example/, client fuzz-console, nonce fuzz-nonce, at a fixed
 * time.
 */
#include "fuzz.h"
#include "idp_token.h"
#include "jwks.h"

#include "fuzz_bearer_jwks.h"

#define FUZZ_NOW	1800000000
#define FUZZ_ISSUER	"https://id.example/"
#define FUZZ_CLIENT	"fuzz-console"
#define FUZZ_NONCE	"fuzz-nonce"

static struct jwks_set	 keys;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*why;

	(void)argc;
	(void)argv;
	if (jwks_parse(fuzz_jwks, JWKS_ALG_OPTIONAL, &keys, &why) == -1 ||
	    keys.n != 2)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct idp_identity	 id;
	const char		*why = NULL;
	char			*token;

	/* Exactly size bytes, no NUL after them: the check takes len. */
	if ((token = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	if (size > 0)
		memcpy(token, data, size);
	memset(&id, 0xa5, sizeof(id));
	if (idp_token_verify(token, size, &keys, FUZZ_ISSUER, FUZZ_CLIENT,
	    FUZZ_NONCE, FUZZ_NOW, &id, &why) == 0) {
		FUZZ_ASSERT(memchr(id.sub, '\0', sizeof(id.sub)) != NULL &&
		    id.sub[0] != '\0');
		FUZZ_ASSERT(memchr(id.email, '\0', sizeof(id.email)) != NULL);
		FUZZ_ASSERT(id.email_verified == 0 || id.email_verified == 1);
	} else {
		FUZZ_ASSERT(why != NULL);
		FUZZ_ASSERT(id.sub[0] == '\0' && id.email[0] == '\0');
	}
	free(token);
	return 0;
}
