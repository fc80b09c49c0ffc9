/*
 * cookie_find, as /authorize reads the login cookie from anyone's Cookie
 * header.  An input without a NUL is the header, searched for the login
 * cookie of client "spa"; with one, the bytes before the first NUL are the
 * name and those after it (up to any next NUL) the header.  What is found
 * must be what a naive reading of RFC 6265's cookie-string finds, written
 * here apart from daemon/cookie.c: the first pair of that name, its value
 * without the whitespace after it and without its quotes.
 */
#include "cookie.h"
#include "fuzz.h"

#define LOGIN_NAME	COOKIE_LOGIN_PREFIX "spa"
/* Room for any value of a header cookie_find reads at all. */
#define ROOM		(COOKIE_HEADER_MAX + 1)
/* Room for a login cookie's value (43 bytes), and a little less. */
#define ROOM_LOGIN	44
#define ROOM_SMALL	8

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/*
 * The naive reading: split at every ';', skip the spaces and tabs before
 * each pair, take the name up to the pair's first '='.  The first pair
 * of that name gives [*v, *v + *vlen): its value with trailing spaces and
 * tabs dropped, then one pair of enclosing quotes.  Returns 0, or -1 when
 * no pair has the name.
 */
static int
naive_find(const char *header, const char *name, const char **v,
    size_t *vlen)
{
	const char	*pair = header, *semi, *eq;
	size_t		 len;

	for (;;) {
		semi = strchr(pair, ';');
		len = semi != NULL ? (size_t)(semi - pair) : strlen(pair);
		while (len > 0 && (*pair == ' ' || *pair == '\t')) {
			pair++;
			len--;
		}
		eq = memchr(pair, '=', len);
		if (eq != NULL && strlen(name) == (size_t)(eq - pair) &&
		    strncmp(pair, name, (size_t)(eq - pair)) == 0) {
			*v = eq + 1;
			*vlen = len - (size_t)(eq - pair) - 1;
			while (*vlen > 0 && ((*v)[*vlen - 1] == ' ' ||
			    (*v)[*vlen - 1] == '\t'))
				(*vlen)--;
			if (*vlen >= 2 && (*v)[0] == '"' &&
			    (*v)[*vlen - 1] == '"') {
				(*v)++;
				*vlen -= 2;
			}
			return 0;
		}
		if (semi == NULL)
			return -1;
		pair = semi + 1;
	}
}

/* cookie_find into a heap block of exactly outlen bytes, all 'X' before. */
static void
check_room(const char *header, const char *name, size_t outlen,
    const char *v, size_t vlen, int there)
{
	char	*out;
	size_t	 len;
	int	 rc;

	if ((out = malloc(outlen)) == NULL)
		abort();
	memset(out, 'X', outlen);
	rc = cookie_find(header, name, out, outlen);
	FUZZ_ASSERT(rc == 0 || rc == -1);
	if (rc == 0) {
		/* Terminated inside the room, and the naive value. */
		FUZZ_ASSERT(memchr(out, '\0', outlen) != NULL);
		len = strlen(out);
		FUZZ_ASSERT(len < outlen);
		FUZZ_ASSERT(strchr(out, ';') == NULL);
		FUZZ_ASSERT(strstr(header, out) != NULL);
		FUZZ_ASSERT(there && len == vlen && memcmp(out, v, len) == 0);
		FUZZ_ASSERT(strlen(header) <= COOKIE_HEADER_MAX);
	} else {
		/* Not there, too long to read, or not fitting the room. */
		FUZZ_ASSERT(!there || strlen(header) > COOKIE_HEADER_MAX ||
		    vlen >= outlen);
	}
	free(out);
}

static void
check(const char *header, const char *name)
{
	const char	*v = NULL;
	size_t		 vlen = 0;
	int		 there;

	there = naive_find(header, name, &v, &vlen) == 0;
	check_room(header, name, ROOM, v, vlen, there);
	check_room(header, name, ROOM_LOGIN, v, vlen, there);
	check_room(header, name, ROOM_SMALL, v, vlen, there);
	check_room(header, name, 1, v, vlen, there);
	/* No room at all: never found, nothing written. */
	FUZZ_ASSERT(cookie_find(header, name, NULL, 0) == -1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s;
	const char	*nul;

	s = fuzz_copy(data, size);
	if ((nul = memchr(s, '\0', size)) == NULL)
		check(s, LOGIN_NAME);
	else
		check(nul + 1, s);
	free(s);
	return 0;
}
