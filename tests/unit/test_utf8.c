/*
 * The strict UTF-8 decoder: the boundaries of each length, every class of
 * ill-formed input by name, and then exhaustively against an encoder
 * written here: every scalar value decodes back from its encoding, and no
 * sequence of one to three bytes is accepted unless it is the encoding of
 * what it decodes to.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "utf8.h"

/* The UTF-8 of the code point c (no checks): its length. */
static size_t
encode(uint32_t c, unsigned char *out)
{
	if (c < 0x80) {
		out[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (unsigned char)(0xc0 | c >> 6);
		out[1] = (unsigned char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (unsigned char)(0xe0 | c >> 12);
		out[1] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (unsigned char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | c >> 18);
	out[1] = (unsigned char)(0x80 | (c >> 12 & 0x3f));
	out[2] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
	out[3] = (unsigned char)(0x80 | (c & 0x3f));
	return 4;
}

/* utf8_char of the len bytes at s is want long, decoding to cp. */
static int
decodes(const char *s, size_t len, size_t want, uint32_t cp)
{
	uint32_t	 c = 0xffffffff;

	return utf8_char(s, len, &c) == want && c == cp &&
	    utf8_valid(s, len) == (want == len);
}

/* Not valid; when the first character is the bad one, *cp is untouched. */
static int
refused(const char *s, size_t len)
{
	uint32_t	 c = 0xabcd;
	size_t		 n = utf8_char(s, len, &c);

	return utf8_valid(s, len) == 0 && (n != 0 || c == 0xabcd);
}

static void
test_boundaries(void)
{
	CHECK(decodes("\x00", 1, 1, 0), "U+0000 is one byte");
	CHECK(decodes("\x7f", 1, 1, 0x7f), "U+007F is one byte");
	CHECK(decodes("\xc2\x80", 2, 2, 0x80), "U+0080, the first of two");
	CHECK(decodes("\xdf\xbf", 2, 2, 0x7ff), "U+07FF, the last of two");
	CHECK(decodes("\xe0\xa0\x80", 3, 3, 0x800), "U+0800, first of three");
	CHECK(decodes("\xed\x9f\xbf", 3, 3, 0xd7ff), "U+D7FF, below surrogates");
	CHECK(decodes("\xee\x80\x80", 3, 3, 0xe000), "U+E000, above surrogates");
	CHECK(decodes("\xef\xbf\xbd", 3, 3, 0xfffd), "U+FFFD");
	CHECK(decodes("\xef\xbf\xbf", 3, 3, 0xffff), "U+FFFF, last of three");
	CHECK(decodes("\xf0\x90\x80\x80", 4, 4, 0x10000),
	    "U+10000, the first of four");
	CHECK(decodes("\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff), "U+10FFFF, the last");
	CHECK(decodes("\xc3\xa9", 2, 2, 0xe9), "\xc3\xa9 (U+00E9)");
	CHECK(decodes("\xe4\xb8\xad", 3, 3, 0x4e2d), "\xe4\xb8\xad (U+4E2D)");
	CHECK(decodes("\xf0\x9f\x98\x80", 4, 4, 0x1f600),
	    "\xf0\x9f\x98\x80 (U+1F600)");
	CHECK(utf8_char("ab", 2, NULL) == 1 && utf8_char("\xc3\xa9z", 3,
	    NULL) == 2, "one character at a time; cp may be NULL");
	CHECK(utf8_char("a", 0, NULL) == 0, "nothing left: 0");
	CHECK(utf8_valid("", 0) && utf8_valid("a\0b", 3) &&
	    utf8_valid("x\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80y", 11),
	    "empty, a NUL, and text of every length are valid");
}

static void
test_refusals(void)
{
	CHECK(refused("\x80", 1), "a stray continuation byte (80)");
	CHECK(refused("\xbf", 1), "a stray continuation byte (BF)");
	CHECK(refused("a\x80", 2), "a continuation byte after ASCII");
	CHECK(refused("\xc3\xa9\xa9", 3), "one continuation byte too many");
	CHECK(refused("\xc3", 1), "a two-byte lead alone");
	CHECK(refused("\xc3(", 2), "a two-byte lead, then ASCII");
	CHECK(refused("\xe4\xb8", 2), "a three-byte sequence cut short");
	CHECK(refused("\xe4(\xad", 3), "a three-byte sequence broken");
	CHECK(refused("\xf0\x9f\x98", 3), "a four-byte sequence cut short");
	CHECK(refused("\xf0\x9f\x98(", 4), "a four-byte sequence broken");
	CHECK(refused("\xc3\xa9", 1), "a good sequence cut by len");
	CHECK(refused("\xc0\x80", 2), "C0 80, the overlong NUL");
	CHECK(refused("\xc0\xaf", 2), "C0 AF, the overlong '/'");
	CHECK(refused("\xc1\xbf", 2), "C1 BF, overlong U+007F");
	CHECK(refused("\xe0\x80\x80", 3), "E0 80 80, overlong NUL");
	CHECK(refused("\xe0\x9f\xbf", 3), "E0 9F BF, overlong U+07FF");
	CHECK(refused("\xf0\x80\x80\x80", 4), "F0 80 80 80, overlong NUL");
	CHECK(refused("\xf0\x8f\xbf\xbf", 4), "F0 8F BF BF, overlong U+FFFF");
	CHECK(refused("\xed\xa0\x80", 3), "ED A0 80, the surrogate U+D800");
	CHECK(refused("\xed\xbf\xbf", 3), "ED BF BF, the surrogate U+DFFF");
	CHECK(refused("\xed\xa0\xbd\xed\xb8\x80", 6),
	    "a surrogate pair (CESU-8) is not UTF-8");
	CHECK(refused("\xf4\x90\x80\x80", 4), "F4 90 80 80, U+110000");
	CHECK(refused("\xf5\x80\x80\x80", 4), "an F5 lead byte");
	CHECK(refused("\xf7\xbf\xbf\xbf", 4), "an F7 lead byte");
	CHECK(refused("\xf8\x88\x80\x80\x80", 5), "a five-byte form (F8)");
	CHECK(refused("\xfc\x84\x80\x80\x80\x80", 6), "a six-byte form (FC)");
	CHECK(refused("\xfe", 1) && refused("\xff", 1), "FE and FF");
	CHECK(refused("\xef\xbb\xbf\xff", 4), "a bad byte after a good BOM");
}

/* Every scalar value decodes back from its encoding; surrogates do not. */
static void
test_every_code_point(void)
{
	unsigned char	 b[4];
	uint32_t	 c, got;
	size_t		 n;
	int		 ok = 1;

	for (c = 0; c <= 0x10ffff; c++) {
		n = encode(c, b);
		got = 0xffffffff;
		if (c >= 0xd800 && c <= 0xdfff) {
			if (utf8_char((const char *)b, n, &got) != 0)
				ok = 0;
		} else if (utf8_char((const char *)b, n, &got) != n ||
		    got != c || utf8_char((const char *)b, n - 1, NULL) != 0)
			ok = 0;
		if (!ok) {
			printf("# U+%04X\n", (unsigned int)c);
			break;
		}
	}
	CHECK(ok, "U+0000 to U+10FFFF each decode from their encoding, and "
	    "not from one byte less; no surrogate decodes");
}

/*
 * Every sequence of one to three bytes: what is accepted is exactly the
 * encoding of the scalar value it decodes to, so nothing overlong, no
 * surrogate; and each length accepts exactly as many as there are values.
 */
static void
test_exhaustive(void)
{
	unsigned char	 b[3], e[4];
	uint32_t	 v, c;
	size_t		 len, n, count[4] = { 0, 0, 0, 0 };
	int		 ok = 1;

	for (len = 1; len <= 3 && ok; len++)
		for (v = 0; v < (uint32_t)1 << (8 * len) && ok; v++) {
			b[0] = (unsigned char)(v >> 16);
			b[1] = (unsigned char)(v >> 8);
			b[2] = (unsigned char)v;
			n = utf8_char((const char *)b + 3 - len, len, &c);
			if (n != len)
				continue;
			count[len]++;
			if (encode(c, e) != len || memcmp(e, b + 3 - len,
			    len) != 0 || (c >= 0xd800 && c <= 0xdfff)) {
				printf("# accepted %06X\n", (unsigned int)v);
				ok = 0;
			}
		}
	CHECK(ok, "every accepted sequence of 1-3 bytes is the encoding of "
	    "what it decodes to");
	CHECK(count[1] == 0x80 && count[2] == 0x800 - 0x80 &&
	    count[3] == 0x10000 - 0x800 - 0x800,
	    "1-3 bytes accept 128, 1920 and 61440 sequences (%zu, %zu, %zu)",
	    count[1], count[2], count[3]);
}

/* Four bytes: every lead and second byte, the edges of the other two. */
static void
test_four(void)
{
	static const unsigned char	 edge[] = { 0x00, 0x7f, 0x80, 0xbf,
					    0xc0, 0xff };
	unsigned char			 b[4], e[4];
	unsigned int			 l, s, t, u;
	uint32_t			 c;
	size_t				 n;
	int				 ok = 1;

	for (l = 0xf0; l <= 0xff; l++)
		for (s = 0; s <= 0xff; s++)
			for (t = 0; t < sizeof(edge); t++)
				for (u = 0; u < sizeof(edge); u++) {
					b[0] = (unsigned char)l;
					b[1] = (unsigned char)s;
					b[2] = edge[t];
					b[3] = edge[u];
					n = utf8_char((const char *)b, 4, &c);
					if (n == 0)
						continue;
					if (n != 4 || encode(c, e) != 4 ||
					    memcmp(e, b, 4) != 0 ||
					    c > 0x10ffff)
						ok = 0;
				}
	CHECK(ok, "four-byte sequences: only encodings of U+10000 to "
	    "U+10FFFF are accepted");
}

int
main(void)
{
	test_boundaries();
	test_refusals();
	test_every_code_point();
	test_exhaustive();
	test_four();
	return check_done();
}
