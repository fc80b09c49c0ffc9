/*
 * The console's provider's discovery document as the front end reads it
 * from the network at sign-in (and guisectl idp-keys), for the issuer
 * https://id.example/.
 */
#include "fuzz.h"
#include "idp_discovery.h"

#define ISSUER	"https://id.example/"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct idp_discovery	 d;
	char			 err[512];

	err[0] = '\0';
	if (idp_discovery_parse((const char *)data, size, ISSUER
	    IDP_DISCOVERY_PATH, ISSUER, &d, err, sizeof(err)) == 0) {
		/* Every endpoint there, and https under an https issuer. */
		FUZZ_ASSERT(d.authorization_endpoint != NULL &&
		    d.token_endpoint != NULL && d.jwks_uri != NULL);
		FUZZ_ASSERT(strncmp(d.authorization_endpoint, "https://", 8) ==
		    0 && strncmp(d.token_endpoint, "https://", 8) == 0 &&
		    strncmp(d.jwks_uri, "https://", 8) == 0);
		idp_discovery_free(&d);
	} else
		FUZZ_ASSERT(err[0] != '\0' && d.token_endpoint == NULL);
	return 0;
}
