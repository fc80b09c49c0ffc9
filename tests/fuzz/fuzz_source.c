/*
 * The forwarding headers as source_pick reads them from a trusted proxy.
 * An input without a NUL is one header's values, given as Forwarded and
 * again as X-Forwarded-For; with one, the bytes before the first NUL are
 * Forwarded and those after it (up to any next NUL) X-Forwarded-For, which
 * together are always refused.  The trusted ranges are fixed: 127.0.0.1,
 * 10.0.0.0/8, ::1, fd00::/8 and 192.168.1.128/25.
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include "cidr.h"
#include "config.h"
#include "fuzz.h"
#include "source.h"

static const char *const proxies[] = { "127.0.0.1", "10.0.0.0/8", "::1",
    "fd00::/8", "192.168.1.128/25" };
#define NPROXIES	(sizeof(proxies) / sizeof(proxies[0]))

static struct cidr	 ranges[NPROXIES];
static struct config	 conf;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t	 i;

	(void)argc;
	(void)argv;
	for (i = 0; i < NPROXIES; i++)
		if (cidr_parse(proxies[i], &ranges[i]) != NULL)
			abort();
	conf.trusted_proxies = ranges;
	conf.ntrusted_proxies = NPROXIES;
	return 0;
}

/* What a source may be: an address as inet_ntop writes it, "unknown", or
 * an obfuscated identifier; never a space, control, '=' or '"'. */
static int
valid_source(const char *s)
{
	struct cidr	 a;
	char		 again[SOURCE_MAX];
	size_t		 i, len = strlen(s);

	if (len == 0 || len >= SOURCE_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f ||
		    s[i] == '=' || s[i] == '"')
			return 0;
	if (strcmp(s, "unknown") == 0)
		return 1;
	if (s[0] == '_')
		return len > 1 && strspn(s + 1, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == len - 1;
	return cidr_addr(s, &a) == 0 &&
	    inet_ntop(a.family, a.addr, again, sizeof(again)) != NULL &&
	    strcmp(again, s) == 0;
}

static void
check(const char *fwd, const char *xff)
{
	const char	*why = NULL;
	char		*out, small[8];
	int		 rc;

	if ((out = malloc(SOURCE_MAX)) == NULL)
		abort();
	memset(out, 'X', SOURCE_MAX);
	rc = source_pick("127.0.0.1", fwd, xff, &conf, out, SOURCE_MAX, &why);
	FUZZ_ASSERT(rc == 0 || rc == -1);
	FUZZ_ASSERT(memchr(out, '\0', SOURCE_MAX) != NULL);
	if (rc == -1)
		FUZZ_ASSERT(out[0] == '\0' && why != NULL);
	else
		FUZZ_ASSERT(valid_source(out));
	/* The header that is read is bounded; two are never read. */
	if ((fwd != NULL && xff != NULL) ||
	    strlen(fwd != NULL ? fwd : xff) > SOURCE_HEADER_MAX)
		FUZZ_ASSERT(rc == -1);

	/* A buffer too small for most sources: -1 or a whole one. */
	memset(small, 'X', sizeof(small));
	if (source_pick("127.0.0.1", fwd, xff, &conf, small,
	    sizeof(small), &why) == 0)
		FUZZ_ASSERT(rc == 0 && strcmp(small, out) == 0);
	else
		FUZZ_ASSERT(small[0] == '\0');

	/* From a peer that is not trusted the headers are never read. */
	FUZZ_ASSERT(source_pick("203.0.113.1", fwd, xff, &conf, out,
	    SOURCE_MAX, &why) == 0 && strcmp(out, "203.0.113.1") == 0);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s;
	const char	*nul;

	s = fuzz_copy(data, size);
	if ((nul = memchr(s, '\0', size)) == NULL) {
		check(s, NULL);
		check(NULL, s);
	} else
		check(s, nul + 1);
	free(s);
	return 0;
}
