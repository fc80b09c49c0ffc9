/*
 * The Location of the redirect back to an application (redirect_location)
 * and the percent-encoder under it (redirect_encode).  The input is cut at
 * its NUL bytes: a flags byte first (bit 0: '#' rather than '?'; bits 1-5:
 * which parameters are left out), then the base (the registered
 * callback), then the values of code, state, access_token, id_token and
 * token_type as the client and the signer supply them.  No value may add a
 * parameter, a fragment, or a header line: after the base there is no CR,
 * LF, NUL, space, and with '?' no '#', and exactly one '=' a parameter.
 */
#include "fuzz.h"
#include "redirect.h"
#include "form.h"

#define NPARAMS	5

static const char *const names[NPARAMS] = {
	"code", "state", "access_token", "id_token", "token_type"
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

/*
 * The encoding is unreserved characters and %XX only, and decodes back.
 * Returns its length.
 */
static size_t
check_encode(const char *s)
{
	char	*e;
	size_t	 i, len, elen;

	if ((e = redirect_encode(s)) == NULL)
		abort();
	for (i = 0; e[i] != '\0'; i++)
		FUZZ_ASSERT(unreserved((unsigned char)e[i]) || (e[i] == '%' &&
		    strchr("0123456789ABCDEF", e[i + 1]) && e[i + 1] != '\0' &&
		    strchr("0123456789ABCDEF", e[i + 2]) && e[i + 2] != '\0'));
	elen = i;
	FUZZ_ASSERT(path_unescape(e, elen, &len) == 0);
	FUZZ_ASSERT(len == strlen(s) && memcmp(e, s, len) == 0);
	free(e);
	return elen;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*params[2 * NPARAMS + 1], *after, *p;
	char		*buf, *base, *field[NPARAMS], *loc;
	size_t		 off, i, n, present = 0, amps, eqs, want;
	char		 sep;
	unsigned int	 flags;

	if (size == 0)
		return 0;
	flags = data[0];
	sep = (flags & 1) ? '#' : '?';
	buf = fuzz_copy(data + 1, size - 1);
	/* Cut at the NULs: base, then one value each, missing ones "". */
	base = buf;
	off = strlen(base) + 1;
	for (i = 0; i < NPARAMS; i++) {
		if (off <= size - 1) {
			field[i] = buf + off;
			off += strlen(field[i]) + 1;
		} else
			field[i] = buf + size - 1;	/* the final NUL */
	}
	want = strlen(base);
	for (i = 0; i < NPARAMS; i++) {
		params[2 * i] = names[i];
		params[2 * i + 1] = (flags & (2u << i)) ? NULL : field[i];
		if (params[2 * i + 1] != NULL) {
			present++;
			want += 2 + strlen(names[i]) + check_encode(field[i]);
		}
	}
	params[2 * NPARAMS] = NULL;
	check_encode(base);

	if ((loc = redirect_location(base, sep, params)) == NULL)
		abort();
	n = strlen(base);
	/* Its whole length is there: no NUL cut it short. */
	FUZZ_ASSERT(strlen(loc) == want && strncmp(loc, base, n) == 0);
	after = loc + n;
	FUZZ_ASSERT(strpbrk(after, "\r\n ") == NULL);
	if (sep == '?')
		FUZZ_ASSERT(strchr(after, '#') == NULL);
	/* One separator and one '=' a parameter: none was added. */
	amps = eqs = 0;
	for (p = after; *p != '\0'; p++) {
		amps += *p == '&' || *p == '?' || *p == '#';
		eqs += *p == '=';
	}
	FUZZ_ASSERT(amps == present && eqs == present);
	if (present > 0)
		FUZZ_ASSERT(after[0] == (sep == '?' && strchr(base, '?') ?
		    '&' : sep));
	free(loc);
	free(buf);
	return 0;
}
