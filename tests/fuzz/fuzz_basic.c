/*
 * The Authorization header of the token endpoint in the Basic scheme
 * (client_auth_basic): the input as the header's value, and again after
 * "Basic " so that the fuzzer spends its time on what follows.
 */
#include <openssl/crypto.h>

#include "client_auth.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void
check(const char *value)
{
	struct client_creds	 c;

	memset(&c, 0xa5, sizeof(c));
	if (client_auth_basic(value, &c) == 0) {
		/* Both present, NUL-terminated within their fields, text. */
		FUZZ_ASSERT(memchr(c.client_id, '\0', sizeof(c.client_id)));
		FUZZ_ASSERT(memchr(c.secret, '\0', sizeof(c.secret)));
		FUZZ_ASSERT(c.client_id[0] != '\0' && c.secret[0] != '\0');
		FUZZ_ASSERT(fuzz_utf8(c.client_id, strlen(c.client_id)));
		FUZZ_ASSERT(fuzz_utf8(c.secret, strlen(c.secret)));
		FUZZ_ASSERT(c.basic == 1);
	}
	client_auth_clear(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*value;

	/* A header value is a C string: libevent stops at a NUL. */
	if (memchr(data, '\0', size) != NULL)
		return 0;
	value = fuzz_copy(data, size);
	check(value);
	free(value);

	if ((value = malloc(size + 7)) == NULL)
		abort();
	memcpy(value, "Basic ", 6);
	if (size > 0)
		memcpy(value + 6, data, size);
	value[size + 6] = '\0';
	check(value);
	free(value);
	return 0;
}
