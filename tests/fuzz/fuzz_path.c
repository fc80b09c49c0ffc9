/*
 * The user id in a request's path (path_segment): the input is the path
 * as libevent hands it over, decoded as the impersonation endpoint
 * ("/users/" ... "/impersonate") and the Management API ("/api/v2/users/"
 * ... "") decode it, into buffers of exactly the size they use.
 */
#include "fuzz.h"
#include "path.h"
#include "users.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void
check(const char *path, const char *prefix, const char *suffix)
{
	size_t	 outlen = USER_ID_MAX + 1, len, i;
	char	*out;

	if ((out = malloc(outlen)) == NULL)
		abort();
	if (path_segment(path, prefix, suffix, out, outlen) == 0) {
		/*
		 * A non-empty C string of UTF-8 with no '/' and no control
		 * character.
		 */
		FUZZ_ASSERT(memchr(out, '\0', outlen) != NULL);
		len = strlen(out);
		FUZZ_ASSERT(len > 0 && len < outlen);
		for (i = 0; i < len; i++)
			FUZZ_ASSERT((unsigned char)out[i] >= 0x20 &&
			    out[i] != 0x7f && out[i] != '/');
		FUZZ_ASSERT(fuzz_utf8(out, len));
		FUZZ_ASSERT(strncmp(path, prefix, strlen(prefix)) == 0);
	}
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*path;

	/* The path is a C string. */
	if (memchr(data, '\0', size) != NULL)
		return 0;
	path = fuzz_copy(data, size);
	check(path, "/users/", "/impersonate");
	check(path, "/api/v2/users/", "");
	free(path);
	return 0;
}
