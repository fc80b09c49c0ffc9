/*
 * application/x-www-form-urlencoded parsing: pairs, '+', %-escapes, empty
 * values and pairs, and every input the strict parser must refuse.  Each
 * input is parsed in a heap buffer of exactly len + 1 bytes, the room
 * form_parse documents, so a write past it shows up under valgrind and
 * ASan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "form.h"

/* The buffer of the last parse; the views in the form point into it. */
static char	*last;

/* Parse len bytes of in; *why is NULL unless form_parse set it. */
static int
parse_n(const char *in, size_t len, struct form *f, const char **why)
{
	free(last);
	if ((last = malloc(len + 1)) == NULL)
		abort();
	memcpy(last, in, len);
	/* Not NUL-terminated: form_parse writes that byte itself. */
	last[len] = 'Z';
	*why = NULL;
	return form_parse(last, len, f, why);
}

static int
parse(const char *in, struct form *f, const char **why)
{
	return parse_n(in, strlen(in), f, why);
}

/* form_get(f, name) is want (NULL: absent). */
static int
has(const struct form *f, const char *name, const char *want)
{
	const char	*v = form_get(f, name);

	if (want == NULL)
		return v == NULL;
	return v != NULL && strcmp(v, want) == 0;
}

/* Parsing in must fail with a reason. */
static int
refused_n(const char *in, size_t len)
{
	struct form	 f;
	const char	*why;

	if (parse_n(in, len, &f, &why) != -1 || why == NULL) {
		printf("# parsed: %zu parameters\n", f.n);
		return 0;
	}
	printf("# why: %s\n", why);
	return 1;
}

static int
refused(const char *in)
{
	return refused_n(in, strlen(in));
}

static void
test_parse(void)
{
	struct form	 f;
	const char	*why;

	CHECK(parse("a=1&b=2", &f, &why) == 0 && f.n == 2 &&
	    strcmp(f.p[0].name, "a") == 0 && strcmp(f.p[0].value, "1") == 0 &&
	    strcmp(f.p[1].name, "b") == 0 && strcmp(f.p[1].value, "2") == 0,
	    "\"a=1&b=2\": two pairs in order");
	CHECK(has(&f, "a", "1") && has(&f, "b", "2") && has(&f, "c", NULL) &&
	    has(&f, "A", NULL), "form_get finds a and b, not c or A");

	CHECK(parse("grant_type=client_credentials&scope=read+write", &f,
	    &why) == 0 && f.n == 2 && has(&f, "scope", "read write") &&
	    has(&f, "grant_type", "client_credentials"),
	    "'+' in a value is a space");
	CHECK(parse("a+b=+x+&c=++", &f, &why) == 0 && has(&f, "a b", " x ") &&
	    has(&f, "c", "  "), "'+' in a name, and values of spaces");

	CHECK(parse("%41%62=%7a%7A", &f, &why) == 0 && has(&f, "Ab", "zz"),
	    "%%-escapes in name and value, upper and lower hex");
	CHECK(parse("na%6De=v%61l&redirect_uri=https%3A%2F%2Fa.example%2Fcb",
	    &f, &why) == 0 && has(&f, "name", "val") &&
	    has(&f, "redirect_uri", "https://a.example/cb"),
	    "escapes in the middle, a URL value");
	CHECK(parse("a=%2B&b=%25&c=%2541&d=%26&e=%3D", &f, &why) == 0 &&
	    has(&f, "a", "+") && has(&f, "b", "%") && has(&f, "c", "%41") &&
	    has(&f, "d", "&") && has(&f, "e", "="),
	    "%%2B is '+', %%25 decoded once, %%26 and %%3D are data");
	CHECK(parse("a=%c3%A9", &f, &why) == 0 && has(&f, "a", "\xc3\xa9"),
	    "escapes of high bytes, upper and lower hex");

	CHECK(parse("a=", &f, &why) == 0 && f.n == 1 && has(&f, "a", ""),
	    "\"a=\": an empty value");
	CHECK(parse("flag", &f, &why) == 0 && f.n == 1 && has(&f, "flag", ""),
	    "\"flag\": a name alone has an empty value");
	CHECK(parse("flag&a=1", &f, &why) == 0 && f.n == 2 &&
	    has(&f, "flag", "") && has(&f, "a", "1"),
	    "\"flag&a=1\": a name alone, then a pair");
	CHECK(parse("a=1&flag", &f, &why) == 0 && f.n == 2 &&
	    has(&f, "flag", "") && has(&f, "a", "1"),
	    "\"a=1&flag\": a name alone at the end");

	CHECK(parse("a=1&&b=2&", &f, &why) == 0 && f.n == 2 &&
	    has(&f, "a", "1") && has(&f, "b", "2"),
	    "\"a=1&&b=2&\": empty pairs are skipped");
	CHECK(parse("&&a=1", &f, &why) == 0 && f.n == 1 && has(&f, "a", "1"),
	    "\"&&a=1\": leading empty pairs");
	CHECK(parse("", &f, &why) == 0 && f.n == 0, "\"\": no parameters");
	CHECK(parse("&", &f, &why) == 0 && f.n == 0, "\"&\": no parameters");
	CHECK(parse("&&&", &f, &why) == 0 && f.n == 0,
	    "\"&&&\": no parameters");

	CHECK(parse("a=b=c", &f, &why) == 0 && f.n == 1 && has(&f, "a", "b=c"),
	    "\"a=b=c\": the value is \"b=c\"");
	CHECK(parse("a==", &f, &why) == 0 && has(&f, "a", "="),
	    "\"a==\": the value is \"=\"");
	CHECK(parse("a=x|y", &f, &why) == 0 && has(&f, "a", "x|y"),
	    "a raw '|' is kept");
	CHECK(parse("a=x%7Cy&b=%7c", &f, &why) == 0 && has(&f, "a", "x|y") &&
	    has(&f, "b", "|"), "\"%%7C\" and \"%%7c\" are '|'");
	CHECK(parse("a=1;b=2", &f, &why) == 0 && f.n == 1 &&
	    has(&f, "a", "1;b=2"), "';' is not a separator");
}

static void
test_refusals(void)
{
	CHECK(refused("a=%"), "\"a=%%\": a bare '%%' refused");
	CHECK(refused("a=%4"), "\"a=%%4\": one hex digit refused");
	CHECK(refused("a=%zz"), "\"a=%%zz\" refused");
	CHECK(refused("a=%4g"), "\"a=%%4g\" refused");
	CHECK(refused("a=%g4"), "\"a=%%g4\" refused");
	CHECK(refused("a=%%41"), "\"a=%%%%41\" refused");
	CHECK(refused("a=% 1"), "\"a=%% 1\" refused");
	CHECK(refused("a=%4&b=1"), "\"a=%%4&b=1\": an escape cut by '&'");
	CHECK(refused("%=1"), "\"%%=1\": a bare '%%' in a name refused");
	CHECK(refused("%4=1"), "\"%%4=1\": a short escape in a name refused");
	CHECK(refused("%zz=1"), "\"%%zz=1\" refused");
	CHECK(refused("%4g=1"), "\"%%4g=1\" refused");
	CHECK(refused("a=1&b=%"), "a bad escape in a later pair refused");

	CHECK(refused("%00=1"), "\"%%00=1\": a decoded NUL in a name");
	CHECK(refused("a=%00"), "\"a=%%00\": a decoded NUL in a value");
	CHECK(refused("a=x%00y"), "\"a=x%%00y\": a decoded NUL inside");
	CHECK(refused("flag%00"), "\"flag%%00\": a NUL in a name alone");
	CHECK(refused_n("a=1\0b", 5), "a raw NUL byte in a value");
	CHECK(refused_n("a\0=1", 4), "a raw NUL byte in a name");
	CHECK(refused_n("a=1&\0", 5), "a raw NUL byte as a pair");
	CHECK(refused_n("\0", 1), "one raw NUL byte");

	CHECK(refused("=x"), "\"=x\": an empty name refused");
	CHECK(refused("="), "\"=\": an empty name refused");
	CHECK(refused("a=1&=2"), "\"a=1&=2\": an empty name later refused");

	CHECK(refused("a=1&a=2"), "\"a=1&a=2\": a repeated name refused");
	CHECK(refused("a=1&a=1"), "\"a=1&a=1\": even with the same value");
	CHECK(refused("a&a"), "\"a&a\": a repeated name alone refused");
	CHECK(refused("a=1&%61=2"), "\"a=1&%%61=2\": repeated once decoded");
	CHECK(refused("a+b=1&a%20b=2"), "\"a+b\" and \"a%%20b\" are the same");
}

/* Parsing in must fail, and for not being UTF-8. */
static int
refused_utf8(const char *in)
{
	struct form	 f;
	const char	*why;

	return parse(in, &f, &why) == -1 && why != NULL &&
	    strcmp(why, "a parameter is not valid UTF-8") == 0;
}

/*
 * Decoded names and values must be UTF-8: text of every length of sequence
 * passes, escaped or raw, and each class of ill-formed bytes is refused,
 * in a value, in a name and in a name alone.
 */
static void
test_utf8(void)
{
	static const struct {
		const char	*escaped;
		const char	*what;
	} bad[] = {
		{ "%80",		"a stray continuation byte" },
		{ "%C3%A9%A9",		"one continuation byte too many" },
		{ "%C3",		"a two-byte lead alone" },
		{ "%C3%28",		"a two-byte lead, then ASCII" },
		{ "%C3+",		"a two-byte lead, then '+'" },
		{ "%E4%B8",		"a three-byte sequence cut short" },
		{ "%F0%9F%98",		"a four-byte sequence cut short" },
		{ "%C0%AF",		"C0 AF, the overlong '/'" },
		{ "%C1%BF",		"C1 BF, overlong U+007F" },
		{ "%E0%80%AF",		"E0 80 AF, overlong '/'" },
		{ "%F0%80%80%AF",	"F0 80 80 AF, overlong '/'" },
		{ "%ED%A0%80",		"ED A0 80, the surrogate U+D800" },
		{ "%ED%BF%BF",		"ED BF BF, the surrogate U+DFFF" },
		{ "%F4%90%80%80",	"F4 90 80 80, past U+10FFFF" },
		{ "%F5%80%80%80",	"an F5 lead byte" },
		{ "%FE",		"an FE byte" },
		{ "%FF%FE",		"FF FE" },
	};
	struct form	 f;
	const char	*why;
	char		 in[64];
	size_t		 i;

	CHECK(parse("n=%C3%A9&z=%E4%B8%AD&e=%F0%9F%98%80", &f, &why) == 0 &&
	    has(&f, "n", "\xc3\xa9") && has(&f, "z", "\xe4\xb8\xad") &&
	    has(&f, "e", "\xf0\x9f\x98\x80"),
	    "\xc3\xa9, \xe4\xb8\xad and \xf0\x9f\x98\x80 as %%-escapes");
	CHECK(parse("%C3%A9=%ef%bf%bd%f4%8f%bf%bf", &f, &why) == 0 &&
	    has(&f, "\xc3\xa9", "\xef\xbf\xbd\xf4\x8f\xbf\xbf"),
	    "a name of UTF-8; U+FFFD and U+10FFFF in a value");
	CHECK(parse("r=\xc3\xa9+\xe4\xb8\xad", &f, &why) == 0 &&
	    has(&f, "r", "\xc3\xa9 \xe4\xb8\xad"), "raw UTF-8 bytes pass");

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		(void)snprintf(in, sizeof(in), "a=1&b=x%s", bad[i].escaped);
		CHECK(refused_utf8(in), "a value: %s", bad[i].what);
		(void)snprintf(in, sizeof(in), "a=1&%s=1", bad[i].escaped);
		CHECK(refused_utf8(in), "a name: %s", bad[i].what);
		(void)snprintf(in, sizeof(in), "flag%s", bad[i].escaped);
		CHECK(refused_utf8(in), "a name alone: %s", bad[i].what);
	}
	CHECK(refused_utf8("r=\xc3\x28"), "raw bytes that are not UTF-8");
	CHECK(refused_utf8("a=\xff"), "a raw FF byte");
}

/* "p0=v0&p1=v1&..." with n parameters. */
static size_t
many(char *buf, size_t size, int n)
{
	size_t	 len = 0;
	int	 i, w;

	for (i = 0; i < n; i++) {
		w = snprintf(buf + len, size - len, "%sp%d=v%d", i ? "&" : "",
		    i, i);
		if (w < 0 || (size_t)w >= size - len)
			abort();
		len += (size_t)w;
	}
	return len;
}

static void
test_limit(void)
{
	struct form	 f;
	const char	*why;
	char		 buf[1024], name[16], value[16];
	size_t		 len;
	int		 i, all;

	len = many(buf, sizeof(buf), FORM_PARAMS_MAX);
	CHECK(parse_n(buf, len, &f, &why) == 0 && f.n == FORM_PARAMS_MAX,
	    "exactly FORM_PARAMS_MAX (%d) parameters accepted",
	    FORM_PARAMS_MAX);
	all = 1;
	for (i = 0; i < FORM_PARAMS_MAX; i++) {
		(void)snprintf(name, sizeof(name), "p%d", i);
		(void)snprintf(value, sizeof(value), "v%d", i);
		if (!has(&f, name, value))
			all = 0;
	}
	CHECK(all, "all FORM_PARAMS_MAX parameters are found");

	len = many(buf, sizeof(buf), FORM_PARAMS_MAX + 1);
	CHECK(refused_n(buf, len), "FORM_PARAMS_MAX + 1 parameters refused");
	len = many(buf, sizeof(buf), FORM_PARAMS_MAX);
	memcpy(buf + len, "&&&", 4);
	CHECK(parse_n(buf, len + 3, &f, &why) == 0 && f.n == FORM_PARAMS_MAX,
	    "empty pairs do not count towards the limit");
	memcpy(buf + len, "&x", 3);
	CHECK(refused_n(buf, len + 2),
	    "a name alone counts towards the limit");
}

/*
 * Unescape len bytes of a copy of in, with room for the NUL after them.
 * Text of in past len stays in the copy, to catch a read beyond len.
 */
static int
unescape(const char *in, size_t len, char *out, size_t *outlen)
{
	char	*buf;
	size_t	 size = strlen(in) > len ? strlen(in) : len;
	int	 rc;

	if ((buf = malloc(size + 1)) == NULL)
		abort();
	memcpy(buf, in, len);
	if (size > len)
		memcpy(buf + len, in + len, size - len + 1);
	else
		buf[len] = 'Z';
	*outlen = (size_t)-1;
	if ((rc = form_unescape(buf, len, outlen)) == 0)
		memcpy(out, buf, *outlen + 1);
	free(buf);
	return rc;
}

static void
test_unescape(void)
{
	char	 out[64];
	size_t	 n;

	CHECK(unescape("plain", 5, out, &n) == 0 && n == 5 &&
	    strcmp(out, "plain") == 0, "form_unescape: plain text");
	CHECK(unescape("", 0, out, &n) == 0 && n == 0 && out[0] == '\0',
	    "form_unescape: empty");
	CHECK(unescape("a+b+", 4, out, &n) == 0 && n == 4 &&
	    strcmp(out, "a b ") == 0, "form_unescape: '+' is a space");
	CHECK(unescape("%41%4a%4A%7e", 12, out, &n) == 0 && n == 4 &&
	    strcmp(out, "AJJ~") == 0, "form_unescape: upper and lower hex");
	CHECK(unescape("%2B%20%25", 9, out, &n) == 0 && n == 3 &&
	    strcmp(out, "+ %") == 0, "form_unescape: %%2B is '+', not ' '");
	CHECK(unescape("%2541", 5, out, &n) == 0 && n == 3 &&
	    strcmp(out, "%41") == 0, "form_unescape: decodes once");
	CHECK(unescape("ab%41cd", 3, out, &n) == -1,
	    "form_unescape: an escape cut by len is refused, not read on");
	CHECK(unescape("abcdef", 3, out, &n) == 0 && n == 3 &&
	    strcmp(out, "abc") == 0, "form_unescape: only len bytes");

	CHECK(unescape("%", 1, out, &n) == -1, "form_unescape: \"%%\" refused");
	CHECK(unescape("%4", 2, out, &n) == -1,
	    "form_unescape: \"%%4\" refused");
	CHECK(unescape("ab%", 3, out, &n) == -1,
	    "form_unescape: a '%%' at the end refused");
	CHECK(unescape("%zz", 3, out, &n) == -1,
	    "form_unescape: \"%%zz\" refused");
	CHECK(unescape("%4g", 3, out, &n) == -1,
	    "form_unescape: \"%%4g\" refused");
	CHECK(unescape("%g4", 3, out, &n) == -1,
	    "form_unescape: \"%%g4\" refused");
	CHECK(unescape("%-1", 3, out, &n) == -1,
	    "form_unescape: \"%%-1\" refused");
	CHECK(unescape("%00", 3, out, &n) == -1,
	    "form_unescape: \"%%00\" refused");
	CHECK(unescape("a\0b", 3, out, &n) == -1,
	    "form_unescape: a raw NUL refused");
	CHECK(unescape("%41", 2, out, &n) == -1,
	    "form_unescape: \"%%4\" then a hex digit past len refused");
	CHECK(unescape("%41", 1, out, &n) == -1,
	    "form_unescape: \"%%\" then hex digits past len refused");
	CHECK(unescape("%41%4", 5, out, &n) == -1,
	    "form_unescape: a short escape after a good one refused");
}

int
main(void)
{
	test_parse();
	test_refusals();
	test_utf8();
	test_limit();
	test_unescape();
	free(last);
	return check_done();
}
