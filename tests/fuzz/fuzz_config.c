/*
 * The configuration loader (config_parse): every process parses the same
 * file with it, and a reload parses a file an operator may have broken.
 * Whatever parses is looked up a little and freed; whatever does not says
 * why in one line.
 */
#include "config.h"
#include "fuzz.h"

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
	struct config	*c;
	char		*buf, err[512];
	size_t		 i;

	/* Exactly size bytes: config_parse takes a length. */
	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	if (size > 0)
		memcpy(buf, data, size);
	err[0] = '\0';
	if ((c = config_parse(buf, size, "guise.json", "/etc/guise", err,
	    sizeof(err))) == NULL) {
		FUZZ_ASSERT(err[0] != '\0' && memchr(err, '\0', sizeof(err)));
		FUZZ_ASSERT(strchr(err, '\n') == NULL);
		free(buf);
		return 0;
	}
	FUZZ_ASSERT(c->issuer != NULL && c->nkeys > 0);
	FUZZ_ASSERT(config_key(c, c->active_kid) != NULL);
	for (i = 0; i < c->nclients; i++)
		FUZZ_ASSERT(config_client(c, c->clients[i].client_id) != NULL);
	for (i = 0; i < c->nkeys; i++)
		FUZZ_ASSERT(config_key(c, c->keys[i].kid) != NULL &&
		    alg_name(c->keys[i].alg) != NULL);
	config_free(c);
	free(buf);
	return 0;
}
