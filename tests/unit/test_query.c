/*
 * The user search query language: what the parser accepts, what it
 * refuses and where it says the problem is, the limits, and what each
 * term matches on a handful of sample users.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "query.h"
#include "users.h"

static const char sample[] =
    "{\"user_id\": \"auth0|alice\", \"email\": \"Alice@Example.com\",\n"
    " \"email_verified\": true, \"name\": \"Alice Liddell\",\n"
    " \"nickname\": \"alice\", \"given_name\": \"Alice\",\n"
    " \"family_name\": \"Liddell\", \"blocked\": false,\n"
    " \"identities\": [{\"connection\": \"Username-Password-Authentication\","
    " \"provider\": \"auth0\", \"user_id\": \"alice\", \"isSocial\": false}],\n"
    " \"app_metadata\": {\"roles\": [\"support\", \"admin\"], \"plan\": \"gold\","
    " \"level\": 3, \"score\": 1.5, \"beta\": true,"
    " \"org\": {\"name\": \"Wonder\", \"tags\": [\"a\", \"b\"]},"
    " \"teams\": [{\"name\": \"red\"}, {\"name\": \"blue\"}]},\n"
    " \"user_metadata\": {\"lang\": \"en\"}, \"logins_count\": 42,\n"
    " \"created_at\": \"2024-01-02T03:04:05.000Z\"}\n"
    "{\"user_id\": \"google-oauth2|bob\", \"email\": \"bob@example.org\","
    " \"email_verified\": false, \"name\": \"Bob Builder\", \"nickname\": \"bob\","
    " \"blocked\": true, \"identities\": [{\"connection\": \"google-oauth2\","
    " \"provider\": \"google-oauth2\", \"user_id\": \"123\", \"isSocial\": true}],"
    " \"app_metadata\": {\"plan\": \"silver\"}, \"logins_count\": 7}\n"
    "{\"user_id\": \"auth0|carol\", \"email\": \"carol@example.com\","
    " \"name\": \"Carol \\\"CJ\\\" Jones\","
    " \"user_metadata\": {\"lang\": \"fr\", \"prefs\": {\"theme\": \"dark\"}}}\n"
    "{\"user_id\": \"auth0|dave\"}\n";

static struct directory	*dir;
static struct query	 q;	/* too big for every test's stack */

/* strlcat, which glibc 2.36 lacks: append s to buf, truncating. */
static void
append(char *buf, size_t size, const char *s)
{
	size_t	 len = strlen(buf);

	snprintf(buf + len, size - len, "%s", s);
}

/* The short names (after the '|') of the users q matches, comma-separated. */
static const char *
matching(void)
{
	static char		 out[256];
	const struct user	*u;
	const char		*bar;
	size_t			 i;

	out[0] = '\0';
	for (i = 0; i < directory_count(dir); i++) {
		u = directory_user(dir, i);
		if (!query_match(&q, u))
			continue;
		bar = strchr(u->user_id, '|');
		if (out[0] != '\0')
			append(out, sizeof(out), ",");
		append(out, sizeof(out), bar ? bar + 1 : u->user_id);
	}
	return out;
}

/* Parsing text succeeds and matches exactly the users named in want. */
static int
matches(const char *text, const char *want)
{
	char		 err[256];
	const char	*got;

	if (query_parse(&q, text, strlen(text), err, sizeof(err)) == -1) {
		printf("# %s\n", err);
		return 0;
	}
	got = matching();
	if (strcmp(got, want) != 0) {
		printf("# matched \"%s\", wanted \"%s\"\n", got, want);
		return 0;
	}
	return 1;
}

/* Parsing len bytes of text fails at character pos, saying why. */
static int
refused_n(const char *text, size_t len, size_t pos, const char *why)
{
	char	 err[256], prefix[64];

	if (query_parse(&q, text, len, err, sizeof(err)) == 0) {
		printf("# accepted\n");
		return 0;
	}
	printf("# %s\n", err);
	snprintf(prefix, sizeof(prefix), "query error at character %zu: ",
	    pos);
	return q.errpos == pos && strncmp(err, prefix, strlen(prefix)) == 0 &&
	    strstr(err, why) != NULL;
}

static int
refused(const char *text, size_t pos, const char *why)
{
	return refused_n(text, strlen(text), pos, why);
}

static void
test_strings(void)
{
	CHECK(matches("email:alice@example.com", "alice"),
	    "a whole email, case-insensitive");
	CHECK(matches("email:ALICE@EXAMPLE.COM", "alice"),
	    "the value's case does not matter either");
	CHECK(matches("name:\"alice liddell\"", "alice"), "a quoted phrase");
	CHECK(matches("name:alice", ""), "a word is not the whole value");
	CHECK(matches("name:ali*", "alice"), "a trailing '*' is a prefix");
	CHECK(matches("email:*", "alice,bob,carol"),
	    "a '*' alone: every user that has the field");
	CHECK(matches("name:\"ali*\"", ""), "inside quotes '*' is literal");
	CHECK(matches("name:\"Carol \\\"CJ\\\" Jones\"", "carol"),
	    "escaped quotes in a phrase");
	CHECK(matches("name:Bob\\ Builder", "bob"),
	    "a backslash escapes a space in a bare value");
	CHECK(matches("given_name:alice AND family_name:LIDDELL", "alice"),
	    "given_name and family_name");
	CHECK(matches("nickname:bob", "bob"), "nickname");
	CHECK(matches("created_at:2024-01*", "alice"), "created_at, prefix");
	CHECK(matches("updated_at:* OR last_login:*", ""),
	    "updated_at and last_login are fields; no one has them");
	CHECK(matches("logins_count:42", "alice") &&
	    matches("logins_count:4*", "alice") &&
	    matches("logins_count:*", "alice,bob"),
	    "logins_count by its decimal text");
}

static void
test_user_id(void)
{
	CHECK(matches("user_id:auth0|alice", "alice"), "user_id, unquoted");
	CHECK(matches("user_id:\"google-oauth2|bob\"", "bob"),
	    "user_id, quoted");
	CHECK(matches("user_id:AUTH0|ALICE", ""),
	    "user_id is compared byte for byte");
	CHECK(matches("user_id:auth0|*", "alice,carol,dave"),
	    "user_id prefix");
}

static void
test_booleans(void)
{
	CHECK(matches("email_verified:true", "alice"), "email_verified:true");
	CHECK(matches("email_verified:false", "bob,carol,dave"),
	    "a missing email_verified is false");
	CHECK(matches("blocked:true", "bob"), "blocked:true");
	CHECK(matches("blocked:FALSE", "alice,carol,dave"),
	    "a missing blocked is false; TRUE/FALSE in any case");
}

static void
test_metadata(void)
{
	CHECK(matches("app_metadata.roles:admin", "alice"),
	    "an array matches when an element does");
	CHECK(matches("app_metadata.roles:ADM*", "alice"),
	    "prefix on an array element");
	CHECK(matches("app_metadata.plan:gold OR app_metadata.plan:silver",
	    "alice,bob"), "a metadata string");
	CHECK(matches("app_metadata.level:3", "alice"),
	    "an integer by its JSON text");
	CHECK(matches("app_metadata.score:1.5", "alice") &&
	    matches("app_metadata.score:1.50", "alice"),
	    "a real by its value");
	CHECK(matches("app_metadata.beta:true", "alice") &&
	    matches("app_metadata.beta:false", ""), "a boolean by its text");
	CHECK(matches("app_metadata.org.name:wonder", "alice"),
	    "a nested object");
	CHECK(matches("app_metadata.org.tags:b", "alice"),
	    "an array in a nested object");
	CHECK(matches("app_metadata.teams.name:blue", "alice"),
	    "a path through an array of objects");
	CHECK(matches("user_metadata.prefs.theme:dark", "carol"),
	    "user_metadata, nested");
	CHECK(matches("user_metadata.lang:fr", "carol"), "user_metadata");
	CHECK(matches("app_metadata.org:wonder", ""),
	    "an object matches no value");
	CHECK(matches("identities.connection:google-oauth2", "bob"),
	    "identities.connection");
	CHECK(matches("identities.connection:username*", "alice"),
	    "identities.connection, prefix");
}

static void
test_operators(void)
{
	CHECK(matches("nickname:alice OR nickname:bob", "alice,bob"), "OR");
	CHECK(matches("nickname:alice nickname:bob", "alice,bob"),
	    "adjacency is OR");
	CHECK(matches("email:* AND blocked:false", "alice,carol"), "AND");
	CHECK(matches("NOT blocked:true", "alice,carol,dave"), "NOT");
	CHECK(matches("NOT NOT blocked:true", "bob"), "NOT NOT");
	CHECK(matches("nickname:alice OR nickname:bob AND blocked:true",
	    "alice,bob"), "AND binds tighter than OR");
	CHECK(matches("(nickname:alice OR nickname:bob) AND blocked:true",
	    "bob"), "parentheses");
	CHECK(matches("NOT (email:* OR name:*)", "dave"), "NOT of a group");
	CHECK(matches("  (email:*)AND(NOT(blocked:true))  ", "alice,carol"),
	    "parentheses need no spaces around them");
	CHECK(matches("name:a* name:b* NOT email_verified:true",
	    "alice,bob,carol,dave"), "three adjacent terms, one negated");
}

static void
test_refused(void)
{
	CHECK(refused("", 1, "empty") && refused("   ", 4, "empty"),
	    "an empty query");
	CHECK(refused("alice", 1, "needs a field"), "a term without a field");
	CHECK(refused("foo:bar", 1, "unknown field \"foo\""),
	    "an unknown field");
	CHECK(refused("name:", 6, "expected a value"), "no value");
	CHECK(refused("name: x", 6, "expected a value"), "a space after ':'");
	CHECK(refused("(name:a", 8, "expected ')'"), "an unclosed '('");
	CHECK(refused("name:a)", 7, "unexpected ')'"), "a stray ')'");
	CHECK(refused("()", 2, "unexpected ')'"), "empty parentheses");
	CHECK(refused("name:a AND", 11, "expected a search term"),
	    "AND at the end");
	CHECK(refused("OR name:a", 1, "before OR"), "OR at the start");
	CHECK(refused("name:a OR OR name:b", 11, "before OR"), "OR OR");
	CHECK(refused("name:a*b", 7, "'*'"), "a '*' inside a value");
	CHECK(refused("email:*@example.com", 7, "'*'"), "a leading '*'");
	CHECK(refused("email:*example.com* AND blocked:false", 7, "'*'"),
	    "a '*' at both ends");
	CHECK(refused("name:\"a\"*", 9, "'*'"), "a '*' after quotes");
	CHECK(refused("name:a?", 7, "'?'"), "the '?' wildcard");
	CHECK(refused("name:\"abc", 6, "unterminated"), "an open quote");
	CHECK(refused("name:\"abc\\", 6, "unterminated"),
	    "an open quote after a backslash");
	CHECK(refused("name:\"a\\b\"", 8, "bad escape"), "a bad escape");
	CHECK(refused("name:\"a\"b", 9, "expected a space"),
	    "text glued to a phrase");
	CHECK(refused("name:a\"b\"", 7, "'\"'"), "a quote inside a value");
	CHECK(refused("name:a\\", 7, "'\\'"), "a backslash at the end");
	CHECK(refused("name:a and name:b", 8, "uppercase"),
	    "lowercase operators");
	CHECK(refused("app_metadata:x", 1, "needs a path"),
	    "app_metadata without a path");
	CHECK(refused("user_metadata.:x", 1, "bad metadata path"),
	    "an empty path");
	CHECK(refused("app_metadata.a..b:x", 1, "bad metadata path"),
	    "an empty path segment");
	CHECK(refused("app_metadata.a$:x", 1, "bad metadata path"),
	    "a strange character in a path");
	CHECK(refused("identities.provider:auth0", 1, "unknown field"),
	    "only identities.connection is searchable");
	CHECK(refused("blocked:yes", 9, "true or false") &&
	    refused("email_verified:t*", 16, "true or false"),
	    "a boolean field takes true or false");
	CHECK(refused("logins_count:abc", 14, "number"),
	    "logins_count takes a number");
	CHECK(refused("name:[a TO b]", 6, "range"), "ranges");
	CHECK(refused("name:(a b)", 6, "grouped"), "field groups");
	CHECK(refused("name:\"\xc3\xa9\" foo:x", 10, "unknown field"),
	    "positions count characters, not bytes");
	CHECK(refused("name:\xff", 6, "UTF-8"), "invalid UTF-8");
	CHECK(refused("name:\xc0\xaf", 6, "UTF-8"), "an overlong form");
	CHECK(refused("name:a\x01", 7, "control"), "a control character");
	CHECK(refused_n("name:a\0b", 8, 7, "control"), "a NUL byte");
}

/* A string of n copies of s, in a static buffer. */
static const char *
repeat(const char *s, size_t n, const char *tail)
{
	static char	 buf[8192];
	size_t		 i;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		append(buf, sizeof(buf), s);
	append(buf, sizeof(buf), tail);
	return buf;
}

static void
test_limits(void)
{
	char		 big[QUERY_INPUT_MAX + 2], err[256];
	const char	*s;

	s = repeat("name:a ", QUERY_TERMS_MAX, "");
	CHECK(query_parse(&q, s, strlen(s), err, sizeof(err)) == 0 &&
	    q.nterms == QUERY_TERMS_MAX, "64 terms");
	s = repeat("name:a ", QUERY_TERMS_MAX + 1, "");
	CHECK(refused(s, 7 * QUERY_TERMS_MAX + 1, "more than 64 terms"),
	    "65 terms");
	s = repeat("(", QUERY_DEPTH_MAX, "name:a");
	CHECK(query_parse(&q, s, strlen(s), err, sizeof(err)) == -1 &&
	    strstr(err, "expected ')'") != NULL,
	    "16 nested parentheses are parsed (then a ')' is missing)");
	s = repeat("(", QUERY_DEPTH_MAX + 1, "name:a");
	CHECK(refused(s, QUERY_DEPTH_MAX + 1, "nesting deeper than 16"),
	    "17 nested parentheses");
	s = repeat("NOT ", QUERY_DEPTH_MAX, "blocked:true");
	CHECK(matches(s, "bob"), "16 NOTs");
	s = repeat("NOT ", QUERY_DEPTH_MAX + 1, "blocked:true");
	CHECK(refused(s, 4 * QUERY_DEPTH_MAX + 1, "nesting"), "17 NOTs");
	s = repeat("NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT "
	    "NOT NOT NOT NOT name:a ", 28, "");
	CHECK(query_parse(&q, s, strlen(s), err, sizeof(err)) == -1 &&
	    strstr(err, "more than 256 operators") != NULL,
	    "more nodes than the tree holds is refused, not overrun");

	memset(big, 'a', sizeof(big));
	memcpy(big, "name:", 5);
	CHECK(query_parse(&q, big, QUERY_INPUT_MAX, err, sizeof(err)) == 0,
	    "2048 bytes");
	CHECK(refused_n(big, QUERY_INPUT_MAX + 1, QUERY_INPUT_MAX + 1,
	    "longer than 2048"), "2049 bytes");
	big[5] = '"';
	big[QUERY_INPUT_MAX - 1] = '"';
	CHECK(query_parse(&q, big, QUERY_INPUT_MAX, err, sizeof(err)) == 0 &&
	    q.nodes[q.root].valuelen == QUERY_INPUT_MAX - 7,
	    "a 2041-byte quoted value");
}

static void
test_exact(void)
{
	char		 err[256];
	const char	*v;

#define PARSE(s)	query_parse(&q, s, strlen(s), err, sizeof(err))
	CHECK(PARSE("email:\"Sam@Example.com\"") == 0 &&
	    (v = query_exact(&q, QF_EMAIL)) != NULL &&
	    strcmp(v, "Sam@Example.com") == 0 &&
	    query_exact(&q, QF_USER_ID) == NULL, "one quoted email is exact");
	CHECK(PARSE("  user_id:auth0|x  ") == 0 &&
	    (v = query_exact(&q, QF_USER_ID)) != NULL &&
	    strcmp(v, "auth0|x") == 0, "one unquoted user_id is exact");
	CHECK(PARSE("(email:a@b)") == 0 && query_exact(&q, QF_EMAIL),
	    "parentheses around it do not matter");
	CHECK(PARSE("email:a*") == 0 && query_exact(&q, QF_EMAIL) == NULL,
	    "a prefix is not exact");
	CHECK(PARSE("email:a OR email:b") == 0 &&
	    query_exact(&q, QF_EMAIL) == NULL, "two terms are not exact");
	CHECK(PARSE("NOT email:a") == 0 && query_exact(&q, QF_EMAIL) == NULL,
	    "a negation is not exact");
	CHECK(PARSE("name:a") == 0 && query_exact(&q, QF_EMAIL) == NULL &&
	    query_exact(&q, QF_USER_ID) == NULL, "another field");
#undef PARSE
}

int
main(void)
{
	char	 err[256];

	if ((dir = directory_parse(sample, strlen(sample), "sample", err,
	    sizeof(err))) == NULL) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	test_strings();
	test_user_id();
	test_booleans();
	test_metadata();
	test_operators();
	test_refused();
	test_limits();
	test_exact();
	directory_free(dir);
	return check_done();
}
