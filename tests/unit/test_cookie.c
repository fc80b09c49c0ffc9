/*
 * cookie_find, the bounded reader of one Cookie header (daemon/cookie.c):
 * a value found or not, the first of two of one name, a quoted value,
 * spaces and tabs, names that are a prefix or a suffix of another, values
 * at and one past the room given, a header at and one past
 * COOKIE_HEADER_MAX, empty and odd headers.  Outputs are heap buffers of
 * exactly the size given, filled with 'X' first, so that a write past one
 * shows up under valgrind and ASan and a missing terminator is seen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cookie.h"

/* A login cookie's name, and names that differ from it at either end. */
#define SPA		COOKIE_LOGIN_PREFIX "spa"
#define SPA_LONGER	COOKIE_LOGIN_PREFIX "spa2"
#define SPA_SHORTER	COOKIE_LOGIN_PREFIX "sp"
#define SPA_AFTER	"x" COOKIE_LOGIN_PREFIX "spa"

/* A login cookie's value: 32 bytes, base64url. */
#define VALUE		"bG9naW4tY29va2llLXZhbHVlLW9mLTMyLWJ5dGVzLi4"
#define ROOM		64

/* The outcome of the last find(): its copy of out, or a word for it. */
static char	 got[COOKIE_HEADER_MAX + 16];

/*
 * cookie_find into a heap buffer of outlen bytes, all 'X' before; got
 * holds what it wrote, "<not terminated>" when it wrote no terminator
 * (with rc 0), or "<untouched>" when it wrote nothing at all.
 */
static int
find(const char *header, const char *name, size_t outlen)
{
	char	*out;
	size_t	 i;
	int	 rc, touched = 0;

	if ((out = malloc(outlen ? outlen : 1)) == NULL)
		abort();
	memset(out, 'X', outlen ? outlen : 1);
	rc = cookie_find(header, name, out, outlen);
	for (i = 0; i < outlen; i++)
		if (out[i] != 'X')
			touched = 1;
	if (rc == 0 && memchr(out, '\0', outlen) == NULL)
		(void)snprintf(got, sizeof(got), "<not terminated>");
	else if (rc == 0)
		(void)snprintf(got, sizeof(got), "%s", out);
	else if (!touched)
		(void)snprintf(got, sizeof(got), "<untouched>");
	else
		(void)snprintf(got, sizeof(got), "<written>");
	free(out);
	return rc;
}

/* The header with control characters as \xNN: one line of TAP. */
static const char *
shown(const char *s)
{
	static char		 buf[160];
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 len = 0;

	for (; *u != '\0' && len + 5 < sizeof(buf) - 4; u++)
		if (*u < 0x20 || *u >= 0x7f)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
			    "\\x%02x", *u);
		else
			buf[len++] = (char)*u;
	if (*u != '\0')
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "...");
	buf[len] = '\0';
	return buf;
}

static void
found(const char *header, const char *name, const char *want)
{
	int	 rc;

	rc = find(header, name, ROOM);
	CHECK(rc == 0 && strcmp(got, want) == 0, "[%s] %s: \"%s\" (got %s)",
	    shown(header), name, want, rc == 0 ? got : "-1");
}

/* Not found: -1, and nothing written to out. */
static void
absent(const char *header, const char *name)
{
	int	 rc;

	rc = find(header, name, ROOM);
	CHECK(rc == -1 && strcmp(got, "<untouched>") == 0,
	    "[%s] %s: none (got %s)", shown(header), name,
	    rc == 0 ? got : "-1");
}

static void
test_found(void)
{
	found(SPA "=" VALUE, SPA, VALUE);
	found("a=1; " SPA "=" VALUE "; b=2", SPA, VALUE);
	found("a=1; b=2; " SPA "=" VALUE, SPA, VALUE);
	found("a=1", "a", "1");
	found("n=", "n", "");
	found("n=a=b==", "n", "a=b==");
	absent("a=1; b=2", SPA);
	absent("a=1; b=2", "c");
	/* RFC 6265: names are compared as they are, case and all. */
	absent("N=v", "n");
	absent(COOKIE_LOGIN_PREFIX "SPA=" VALUE, SPA);
	/* A value is not a name. */
	absent("a=n; b=n=v", "n");
}

static void
test_duplicates(void)
{
	/* Browsers send the most specific first: the first one wins. */
	found("n=first; n=second", "n", "first");
	found("a=1; n=first; b=2; n=second; n=third", "n", "first");
	found("n=; n=second", "n", "");
	found(SPA "=" VALUE "; " SPA "=other", SPA, VALUE);
}

static void
test_quoted(void)
{
	found("n=\"quoted\"", "n", "quoted");
	found("a=1; n=\"" VALUE "\"; b=2", "n", VALUE);
	found("n=\"\"", "n", "");
	/* A quote alone, or at one end only, is the value's own. */
	found("n=\"", "n", "\"");
	found("n=\"open", "n", "\"open");
	found("n=close\"", "n", "close\"");
	found("n=\"a\"b\"", "n", "a\"b");
	found("n=\"quoted\"  ", "n", "quoted");
}

static void
test_whitespace(void)
{
	found("a=1;n=v;b=2", "n", "v");
	found("a=1;  n=v  ;b=2", "n", "v");
	found("a=1;\tn=v\t;b=2", "n", "v");
	found(" \t \tn=v", "n", "v");
	found("n=v \t \t", "n", "v");
	found("a=1; \t n=v \t ; b=2", "n", "v");
	/* Inside a value, as the header has it. */
	found("n=a b\tc", "n", "a b\tc");
	/* Not trimmed between the name and '=': no such cookie. */
	absent("n =v", "n");
	absent("n\t=v", "n");
	absent("   ", "n");
	absent(" \t ; \t ", "n");
}

static void
test_prefix_suffix(void)
{
	/* Each of these differs from SPA at one end of the name. */
	absent(SPA_LONGER "=" VALUE, SPA);
	absent(SPA_SHORTER "=" VALUE, SPA);
	absent(SPA_AFTER "=" VALUE, SPA);
	absent(SPA_LONGER "=a; " SPA_SHORTER "=b; " SPA_AFTER "=c", SPA);
	found(SPA_LONGER "=a; " SPA_SHORTER "=b; " SPA_AFTER "=c; " SPA "=d",
	    SPA, "d");
	found(SPA "=d; " SPA_LONGER "=a", SPA_LONGER, "a");
	found("nn=1; n=2", "n", "2");
	found("n=1; nn=2", "nn", "2");
	found("xn=1; n=2", "n", "2");
	/* The name inside another pair's value is not the name. */
	found("a=" SPA "; " SPA "=d", SPA, "d");
	absent("a=" SPA "=" VALUE, SPA);
}

/* A value of len 'v's under the name n, found with outlen bytes of room. */
static void
value_of(size_t len, size_t outlen, int fits)
{
	char	*header, *want;
	int	 rc;

	if ((header = malloc(2 + len + 1)) == NULL ||
	    (want = malloc(len + 1)) == NULL)
		abort();
	memcpy(header, "n=", 2);
	memset(header + 2, 'v', len);
	header[2 + len] = '\0';
	memset(want, 'v', len);
	want[len] = '\0';
	rc = find(header, "n", outlen);
	if (fits)
		CHECK(rc == 0 && strcmp(got, want) == 0,
		    "a value of %zu bytes fits %zu bytes of room", len,
		    outlen);
	else
		CHECK(rc == -1 && strcmp(got, "<untouched>") == 0,
		    "a value of %zu bytes does not fit %zu bytes of room: "
		    "-1, nothing written", len, outlen);
	free(header);
	free(want);
}

static void
test_room(void)
{
	int	 rc;

	value_of(0, 1, 1);
	value_of(1, 1, 0);
	value_of(1, 2, 1);
	value_of(43, 44, 1);
	value_of(43, 43, 0);
	value_of(63, ROOM, 1);
	value_of(64, ROOM, 0);
	value_of(1000, 1001, 1);
	value_of(1000, 1000, 0);
	/* The quotes do not count. */
	rc = find("n=\"abc\"", "n", 4);
	CHECK(rc == 0 && strcmp(got, "abc") == 0,
	    "a quoted value of 3 bytes fits 4 bytes of room");
	rc = find("n=\"abc\"", "n", 3);
	CHECK(rc == -1 && strcmp(got, "<untouched>") == 0,
	    "a quoted value of 3 bytes does not fit 3 bytes of room");
	/* Nor does whitespace around it. */
	rc = find("n=abc\t ", "n", 4);
	CHECK(rc == 0 && strcmp(got, "abc") == 0,
	    "a value with trailing whitespace: 3 bytes in 4");
	rc = find("n=v", "n", 0);
	CHECK(rc == -1 && strcmp(got, "<untouched>") == 0,
	    "no room at all: -1");
}

/*
 * A header of len bytes that ends with "n=v" and begins with filler
 * pairs: found when it is at most COOKIE_HEADER_MAX, and not read at all
 * when it is longer, wherever the cookie is.
 */
static char *
header_of(size_t len, int cookie_first)
{
	char	*h;
	size_t	 i;

	if (len < 4 || (h = malloc(len + 1)) == NULL)
		abort();
	for (i = 0; i < len; i++)
		h[i] = (i % 8 == 7) ? ';' : (i % 8 == 6) ? '1' :
		    (i % 8 == 5) ? '=' : 'f';
	if (cookie_first) {
		memcpy(h, "n=v;", 4);
	} else {
		memcpy(h + len - 4, ";n=v", 4);
	}
	h[len] = '\0';
	return h;
}

static void
test_header_max(void)
{
	char	*h;
	int	 rc;

	h = header_of(COOKIE_HEADER_MAX, 0);
	rc = find(h, "n", ROOM);
	CHECK(strlen(h) == COOKIE_HEADER_MAX && rc == 0 &&
	    strcmp(got, "v") == 0, "a header of COOKIE_HEADER_MAX (%d) "
	    "bytes, the cookie last: found", COOKIE_HEADER_MAX);
	free(h);
	h = header_of(COOKIE_HEADER_MAX + 1, 0);
	rc = find(h, "n", ROOM);
	CHECK(strlen(h) == COOKIE_HEADER_MAX + 1 && rc == -1 &&
	    strcmp(got, "<untouched>") == 0, "a header of %d bytes, the "
	    "cookie last: not read", COOKIE_HEADER_MAX + 1);
	free(h);
	h = header_of(COOKIE_HEADER_MAX + 1, 1);
	rc = find(h, "n", ROOM);
	CHECK(strncmp(h, "n=v;", 4) == 0 && rc == -1 &&
	    strcmp(got, "<untouched>") == 0, "a header of %d bytes, the "
	    "cookie first: not read either", COOKIE_HEADER_MAX + 1);
	free(h);
	h = header_of(COOKIE_HEADER_MAX * 4, 1);
	rc = find(h, "n", ROOM);
	CHECK(rc == -1 && strcmp(got, "<untouched>") == 0,
	    "a header of %d bytes: not read", COOKIE_HEADER_MAX * 4);
	free(h);
	h = header_of(COOKIE_HEADER_MAX, 1);
	rc = find(h, "n", ROOM);
	CHECK(rc == 0 && strcmp(got, "v") == 0, "a header of %d bytes, the "
	    "cookie first: found", COOKIE_HEADER_MAX);
	free(h);
}

static void
test_odd_headers(void)
{
	absent("", "n");
	absent("", SPA);
	absent(";", "n");
	absent(";;;", "n");
	absent("=", "n");
	absent("==v", "n");
	/* Pairs without '=' are skipped, not taken for the name. */
	absent("n", "n");
	absent("n; m=1", "n");
	absent(SPA "; a=1", SPA);
	found("junk; n; n=v", "n", "v");
	found("n;n=v", "n", "v");
	found("n\t;n=v", "n", "v");
	/* ';' at either end, or doubled. */
	found(";n=v", "n", "v");
	found("n=v;", "n", "v");
	found(";n=v;", "n", "v");
	found(";; ;n=v;;", "n", "v");
	found("a=1;;n=v", "n", "v");
	/* A value ends at ';', quoted or not. */
	found("n=\"a;b\"", "n", "\"a");
	found("n=v;w", "n", "v");
}

int
main(void)
{
	test_found();
	test_duplicates();
	test_quoted();
	test_whitespace();
	test_prefix_suffix();
	test_room();
	test_header_max();
	test_odd_headers();
	return check_done();
}
