/*
 * OAuth scopes: what scope_grant grants from a request and a client's
 * allowed list, what it refuses, and scope_has.  Outputs are heap buffers
 * of exactly the size given, so a write past one shows up under valgrind
 * and ASan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "scope.h"

/* An allowed list of the n strings in v, each its own heap copy. */
static struct strlist
list(const char *const *v, size_t n)
{
	struct strlist	 l;
	size_t		 i;

	l.n = n;
	if ((l.v = calloc(n ? n : 1, sizeof(*l.v))) == NULL)
		abort();
	for (i = 0; i < n; i++)
		if ((l.v[i] = strdup(v[i])) == NULL)
			abort();
	return l;
}

static void
list_free(struct strlist *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/*
 * scope_grant into a heap buffer of exactly outlen bytes.  Returns its
 * result; on success the granted scope is copied to got.
 */
static int
grant(const char *req, const struct strlist *allowed, size_t outlen,
    char *got, size_t gotlen)
{
	char	*out;
	int	 rc;

	if ((out = malloc(outlen ? outlen : 1)) == NULL)
		abort();
	memset(out, 'X', outlen ? outlen : 1);
	got[0] = '\0';
	rc = scope_grant(req, allowed, out, outlen);
	if (rc == 0) {
		if (strlen(out) >= gotlen)
			abort();
		memcpy(got, out, strlen(out) + 1);
	}
	free(out);
	return rc;
}

/* Granted exactly want, with room to spare. */
static int
grants(const char *req, const struct strlist *allowed, const char *want)
{
	char	 got[256];

	if (grant(req, allowed, sizeof(got), got, sizeof(got)) == -1) {
		printf("# refused\n");
		return 0;
	}
	if (strcmp(got, want) != 0) {
		printf("# granted \"%s\"\n", got);
		return 0;
	}
	return 1;
}

static int
refuses(const char *req, const struct strlist *allowed)
{
	char	 got[256];

	if (grant(req, allowed, sizeof(got), got, sizeof(got)) == 0) {
		printf("# granted \"%s\"\n", got);
		return 0;
	}
	return 1;
}

static void
test_grant(void)
{
	static const char *const rw[] = { "read", "write", "read:users" };
	static const char *const abc[] = { "a", "b", "c" };
	static const char *const dup[] = { "a", "b", "a" };
	static const char *const one[] = { "openid" };
	struct strlist	 l_rw, l_abc, l_dup, l_one, l_none;

	l_rw = list(rw, 3);
	l_abc = list(abc, 3);
	l_dup = list(dup, 3);
	l_one = list(one, 1);
	l_none = list(NULL, 0);

	CHECK(grants(NULL, &l_rw, "read write read:users"),
	    "NULL request: everything allowed, single spaces");
	CHECK(grants(NULL, &l_one, "openid"),
	    "NULL request, one allowed scope");
	CHECK(grants(NULL, &l_dup, "a b"),
	    "NULL request: an allowed scope listed twice is granted once");

	CHECK(grants("read", &l_rw, "read"), "\"read\": a subset");
	CHECK(grants("read:users read", &l_rw, "read:users read"),
	    "a subset in request order");
	CHECK(grants("c a", &l_abc, "c a"), "\"c a\": request order kept");
	CHECK(grants("a b c", &l_abc, "a b c"), "everything, asked for");
	CHECK(grants("  a  a b ", &l_abc, "a b"),
	    "\"  a  a b \": repeats and extra spaces collapse to \"a b\"");
	CHECK(grants("b b b", &l_abc, "b"), "\"b b b\" is \"b\"");
	CHECK(grants("a b a c b", &l_abc, "a b c"),
	    "\"a b a c b\" is \"a b c\"");

	CHECK(refuses("read delete", &l_rw), "a token not allowed: -1");
	CHECK(refuses("delete", &l_rw), "only a token not allowed: -1");
	CHECK(refuses("rea", &l_rw), "a prefix of an allowed token: -1");
	CHECK(refuses("read:user", &l_rw), "\"read:user\": -1");
	CHECK(refuses("read:users:all", &l_rw),
	    "an allowed token with a suffix: -1");
	CHECK(refuses("READ", &l_rw), "tokens are case-sensitive");
	CHECK(refuses("a", &l_none), "no allowed scopes, a request: -1");

	CHECK(refuses("", &l_abc), "an empty request: -1");
	CHECK(refuses(" ", &l_abc), "one space: -1");
	CHECK(refuses("     ", &l_abc), "all spaces: -1");
	CHECK(refuses(NULL, &l_none), "no allowed scopes, NULL request: -1");

	list_free(&l_rw);
	list_free(&l_abc);
	list_free(&l_dup);
	list_free(&l_one);
	list_free(&l_none);
}

/*
 * Tokens with characters RFC 6749 section 3.3 forbids are refused even
 * when the allowed list holds them: the character check, not the list,
 * refuses them.
 */
static void
test_chars(void)
{
	static const char *const odd[] = { "a\"b", "a\\b", "a\tb", "a\001b",
	    "a\177b", "a\200b", "\"", "ok", "a!#[]~" };
	struct strlist	 l;

	l = list(odd, sizeof(odd) / sizeof(odd[0]));
	CHECK(grants("ok", &l, "ok"), "\"ok\" is granted from the odd list");
	CHECK(grants("a!#[]~ ok", &l, "a!#[]~ ok"),
	    "'!', '#', '[', ']' and '~' are token characters");
	CHECK(refuses("a\"b", &l), "a '\"' in a token: -1");
	CHECK(refuses("\"", &l), "a token that is '\"': -1");
	CHECK(refuses("a\\b", &l), "a '\\' in a token: -1");
	CHECK(refuses("a\tb", &l), "a tab in a token: -1");
	CHECK(refuses("ok\tok", &l), "a tab is not a separator: -1");
	CHECK(refuses("a\001b", &l), "a control character in a token: -1");
	CHECK(refuses("a\177b", &l), "DEL in a token: -1");
	CHECK(refuses("a\200b", &l), "a byte over 0x7e in a token: -1");
	CHECK(refuses("ok a\"b", &l), "a bad token after a good one: -1");
	CHECK(refuses("ok\n", &l), "a trailing newline: -1");
	list_free(&l);
}

static void
test_outlen(void)
{
	static const char *const rw[] = { "read", "write" };
	struct strlist	 l;
	char		 got[64];

	l = list(rw, 2);
	/* "read write" and its NUL are 11 bytes. */
	CHECK(grant("read write", &l, 11, got, sizeof(got)) == 0 &&
	    strcmp(got, "read write") == 0,
	    "two tokens into exactly 11 bytes");
	CHECK(grant("read write", &l, 10, got, sizeof(got)) == -1,
	    "two tokens into 10 bytes: -1");
	CHECK(grant(NULL, &l, 11, got, sizeof(got)) == 0 &&
	    strcmp(got, "read write") == 0,
	    "NULL request into exactly 11 bytes");
	CHECK(grant(NULL, &l, 10, got, sizeof(got)) == -1,
	    "NULL request into 10 bytes: -1");
	CHECK(grant("read", &l, 4, got, sizeof(got)) == -1,
	    "\"read\" into 4 bytes: -1");
	CHECK(grant("read", &l, 1, got, sizeof(got)) == -1,
	    "\"read\" into 1 byte: -1");
	CHECK(grant("read", &l, 0, got, sizeof(got)) == -1,
	    "\"read\" into 0 bytes: -1");
	CHECK(grant("read read write read", &l, 11, got, sizeof(got)) == 0 &&
	    strcmp(got, "read write") == 0,
	    "repeats take no room: \"read read write read\" into 11 bytes");
	/* "read" and its NUL are 5 bytes: the contract says that fits. */
	CHECK(grant("read", &l, 5, got, sizeof(got)) == 0 &&
	    strcmp(got, "read") == 0,
	    "one token into exactly 5 bytes");
	CHECK(grant(NULL, &l, 6, got, sizeof(got)) == -1,
	    "NULL request, room for \"read\" only: -1, not a part");
	list_free(&l);
}

static void
test_has(void)
{
	CHECK(scope_has("read write", "read") == 1, "scope_has: first");
	CHECK(scope_has("read write", "write") == 1, "scope_has: last");
	CHECK(scope_has("a read:users b", "read:users") == 1,
	    "scope_has: in the middle");
	CHECK(scope_has("  read   write  ", "write") == 1,
	    "scope_has: extra spaces");
	CHECK(scope_has("read write", "admin") == 0, "scope_has: absent");
	CHECK(scope_has("read:users", "read") == 0,
	    "scope_has: \"read\" is not in \"read:users\"");
	CHECK(scope_has("read:users", "users") == 0,
	    "scope_has: \"users\" is not in \"read:users\"");
	CHECK(scope_has("readwrite", "read") == 0,
	    "scope_has: a prefix is not a token");
	CHECK(scope_has("read", "read:users") == 0,
	    "scope_has: a longer want is not matched");
	CHECK(scope_has("read write", "read write") == 0,
	    "scope_has: two tokens are not one");
	CHECK(scope_has("read write", "") == 0, "scope_has: empty want is 0");
	CHECK(scope_has("", "") == 0, "scope_has: empty both is 0");
	CHECK(scope_has("", "read") == 0, "scope_has: empty scope is 0");
	CHECK(scope_has("   ", "read") == 0, "scope_has: all spaces is 0");
}

int
main(void)
{
	test_grant();
	test_chars();
	test_outlen();
	test_has();
	return check_done();
}
