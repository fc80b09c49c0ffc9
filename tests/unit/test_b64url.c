/*
 * base64url without padding and standard base64 with padding: the RFC 4648
 * section 10 vectors, round trips of every length up to 64, and each input
 * the strict decoders must refuse.  Inputs are decoded from heap copies of
 * exactly their length (no NUL after them) into outputs of exactly the
 * length given, so an over-read or over-write shows up under valgrind and
 * ASan.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "check.h"

#define URL_ALPHABET \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

static const struct {
	const char	*plain;
	const char	*url;		/* base64url, no padding */
	const char	*std;		/* base64, padded */
} vectors[] = {
	{ "",		"",		"" },
	{ "f",		"Zg",		"Zg==" },
	{ "fo",		"Zm8",		"Zm8=" },
	{ "foo",	"Zm9v",		"Zm9v" },
	{ "foob",	"Zm9vYg",	"Zm9vYg==" },
	{ "fooba",	"Zm9vYmE",	"Zm9vYmE=" },
	{ "foobar",	"Zm9vYmFy",	"Zm9vYmFy" },
};
#define NVECTORS	(sizeof(vectors) / sizeof(vectors[0]))

static void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n ? n : 1)) == NULL)
		abort();
	return p;
}

/*
 * Decode len characters of in, copied to the heap without a NUL, into a
 * heap buffer of exactly outlen bytes, then into out (when it is not NULL
 * and the decoding succeeded).
 */
static ssize_t
dec(int url, const char *in, size_t len, void *out, size_t outlen)
{
	char	*ic;
	void	*oc;
	ssize_t	 n;

	ic = xmalloc(len);
	if (len > 0)
		memcpy(ic, in, len);
	oc = xmalloc(outlen);
	n = url ? b64url_decode(oc, outlen, ic, len) :
	    base64_decode(oc, outlen, ic, len);
	if (n > 0 && out != NULL)
		memcpy(out, oc, (size_t)n);
	free(oc);
	free(ic);
	return n;
}

/* Decoding the C string in must fail, with room for anything it holds. */
static int
url_refused(const char *in)
{
	return dec(1, in, strlen(in), NULL, B64URL_DECODED_MAX(strlen(in))) ==
	    -1;
}

static int
std_refused(const char *in)
{
	return dec(0, in, strlen(in), NULL, B64URL_DECODED_MAX(strlen(in))) ==
	    -1;
}

static void
test_vectors(void)
{
	char	 enc[16];
	uint8_t	 raw[16];
	size_t	 i, plen, elen;
	ssize_t	 n;

	for (i = 0; i < NVECTORS; i++) {
		plen = strlen(vectors[i].plain);
		elen = strlen(vectors[i].url);
		memset(enc, 'X', sizeof(enc));
		CHECK(b64url_encode(enc, vectors[i].plain, plen) == elen &&
		    strcmp(enc, vectors[i].url) == 0 &&
		    B64URL_ENCODED_LEN(plen) == elen,
		    "b64url_encode(\"%s\") = \"%s\"", vectors[i].plain,
		    vectors[i].url);
		n = dec(1, vectors[i].url, elen, raw, plen);
		CHECK(n == (ssize_t)plen &&
		    memcmp(raw, vectors[i].plain, plen) == 0,
		    "b64url_decode(\"%s\") = \"%s\", out exactly %zu bytes",
		    vectors[i].url, vectors[i].plain, plen);
		n = dec(0, vectors[i].std, strlen(vectors[i].std), raw, plen);
		CHECK(n == (ssize_t)plen &&
		    memcmp(raw, vectors[i].plain, plen) == 0,
		    "base64_decode(\"%s\") = \"%s\"", vectors[i].std,
		    vectors[i].plain);
	}
}

/* The two characters where base64url differs from base64. */
static void
test_url_chars(void)
{
	static const uint8_t	 fbff[] = { 0xfb, 0xff };
	static const uint8_t	 fbffbf[] = { 0xfb, 0xff, 0xbf };
	char			 enc[8];
	uint8_t			 raw[4];

	CHECK(b64url_encode(enc, fbff, 2) == 3 && strcmp(enc, "-_8") == 0,
	    "0xfb 0xff encodes to \"-_8\"");
	CHECK(b64url_encode(enc, fbffbf, 3) == 4 && strcmp(enc, "-_-_") == 0,
	    "0xfb 0xff 0xbf encodes to \"-_-_\"");
	CHECK(dec(1, "-_8", 3, raw, 2) == 2 && memcmp(raw, fbff, 2) == 0,
	    "\"-_8\" decodes to 0xfb 0xff");
	CHECK(dec(1, "-_-_", 4, raw, 3) == 3 && memcmp(raw, fbffbf, 3) == 0,
	    "\"-_-_\" decodes to 0xfb 0xff 0xbf");
	CHECK(dec(0, "+/8=", 4, raw, 2) == 2 && memcmp(raw, fbff, 2) == 0,
	    "base64: \"+/8=\" decodes to 0xfb 0xff");
	CHECK(dec(0, "+/+/", 4, raw, 3) == 3 && memcmp(raw, fbffbf, 3) == 0,
	    "base64: \"+/+/\" decodes to 0xfb 0xff 0xbf");
}

static int
url_alphabet_only(const char *s)
{
	return strspn(s, URL_ALPHABET) == strlen(s);
}

static void
test_roundtrips(void)
{
	uint8_t		 in[64], back[64];
	uint32_t	 x = 0x9e3779b9;
	char		*enc;
	size_t		 len, i, elen;
	ssize_t		 n;
	int		 ok, shortok;

	for (len = 0; len <= sizeof(in); len++) {
		for (i = 0; i < len; i++) {
			x = x * 1664525 + 1013904223;
			in[i] = (uint8_t)(x >> 24);
		}
		/* Exactly the documented size, so an overrun is caught. */
		elen = B64URL_ENCODED_LEN(len);
		enc = xmalloc(elen + 1);
		ok = b64url_encode(enc, in, len) == elen &&
		    strlen(enc) == elen && url_alphabet_only(enc) &&
		    B64URL_DECODED_MAX(elen) >= len;
		n = dec(1, enc, elen, back, len);
		ok = ok && n == (ssize_t)len && memcmp(back, in, len) == 0;
		/* One byte short of room must fail, never truncate. */
		shortok = len == 0 || dec(1, enc, elen, NULL, len - 1) == -1;
		CHECK(ok && shortok, "round trip of %zu bytes (%s)", len,
		    len <= 8 ? enc : "...");
		free(enc);
	}
}

static void
test_url_refusals(void)
{
	uint8_t	 raw[8];

	CHECK(url_refused("Zg=="), "b64url: \"Zg==\" (padding) refused");
	CHECK(url_refused("Zm8="), "b64url: \"Zm8=\" (padding) refused");
	CHECK(url_refused("Zg="), "b64url: \"Zg=\" refused");
	CHECK(url_refused("Zm9vYg=="), "b64url: \"Zm9vYg==\" refused");
	CHECK(url_refused("+/8"), "b64url: '+' and '/' refused");
	CHECK(url_refused("Zm+v"), "b64url: '+' refused");
	CHECK(url_refused("Zm/v"), "b64url: '/' refused");
	CHECK(url_refused("Zm9 v"), "b64url: a space refused");
	CHECK(url_refused(" Zm9v"), "b64url: a leading space refused");
	CHECK(url_refused("Zm9v\n"), "b64url: a trailing newline refused");
	CHECK(dec(1, "Zm\0v", 4, NULL, 8) == -1,
	    "b64url: a NUL byte inside refused");
	CHECK(dec(1, "Zm9vZ\0", 6, NULL, 8) == -1,
	    "b64url: a NUL byte at the end refused");
	CHECK(url_refused("Z"), "b64url: length 1 refused");
	CHECK(url_refused("Zm9vY"), "b64url: length 5 refused");
	CHECK(url_refused("Zm9vYmFyZ"), "b64url: length 9 refused");
	/* 'A' adds only zero bits: the length alone must refuse these. */
	CHECK(url_refused("A"), "b64url: \"A\" (length 1) refused");
	CHECK(url_refused("Zm9vA"), "b64url: \"Zm9vA\" (length 5) refused");
	CHECK(url_refused("AAAAA"), "b64url: \"AAAAA\" (length 5) refused");
	CHECK(url_refused("Zm9v\xc3\xa9"), "b64url: non-ASCII refused");
	CHECK(url_refused("Zm9v.A"), "b64url: '.' refused");

	/* One decoding per input: the bits after the last byte are zero. */
	CHECK(dec(1, "Zg", 2, raw, 1) == 1 && raw[0] == 'f' &&
	    url_refused("Zh"), "b64url: \"Zg\" decodes, \"Zh\" refused");
	CHECK(url_refused("Zv"), "b64url: \"Zv\" refused");
	CHECK(url_refused("Zm9"), "b64url: \"Zm9\" (for \"Zm8\") refused");
	CHECK(url_refused("Zm9vYmF"), "b64url: \"Zm9vYmF\" refused");
	CHECK(url_refused("-_-"), "b64url: \"-_-\" (for \"-_8\") refused");

	CHECK(dec(1, "Zm9vYmFy", 8, raw, 5) == -1,
	    "b64url: 6 bytes into 5 refused");
	CHECK(dec(1, "Zm9vYmFy", 8, raw, 6) == 6,
	    "b64url: 6 bytes into exactly 6");
	CHECK(dec(1, "Zg", 2, NULL, 0) == -1, "b64url: 1 byte into 0 refused");
	CHECK(dec(1, "", 0, NULL, 0) == 0, "b64url: nothing into nothing");
}

static void
test_std(void)
{
	uint8_t	 raw[8];

	CHECK(dec(0, "Zm9vYmFy", 8, raw, 6) == 6 &&
	    memcmp(raw, "foobar", 6) == 0, "base64: \"Zm9vYmFy\"");
	CHECK(dec(0, "Zm9vYg==", 8, raw, 4) == 4 &&
	    memcmp(raw, "foob", 4) == 0, "base64: \"Zm9vYg==\"");
	CHECK(dec(0, "Zm9vYmE=", 8, raw, 5) == 5 &&
	    memcmp(raw, "fooba", 5) == 0, "base64: \"Zm9vYmE=\"");
	CHECK(dec(0, "YTpi", 4, raw, 3) == 3 && memcmp(raw, "a:b", 3) == 0,
	    "base64: \"YTpi\" (a Basic credential)");

	CHECK(std_refused("Zm9vYg"), "base64: missing padding refused");
	CHECK(std_refused("AAAAA==="), "base64: \"AAAAA===\" refused");
	CHECK(std_refused("AAAAA"), "base64: \"AAAAA\" refused");
	CHECK(std_refused("Zm9vYmE"), "base64: missing '=' refused");
	CHECK(std_refused("Zm9vYg="), "base64: one '=' of two refused");
	CHECK(std_refused("Zm9vY==="), "base64: \"Zm9vY===\" refused");
	CHECK(std_refused("Zm9v===="), "base64: \"Zm9v====\" refused");
	CHECK(std_refused("===="), "base64: \"====\" refused");
	CHECK(std_refused("Zm9vYmE=="), "base64: \"Zm9vYmE==\" refused");
	CHECK(std_refused("Zm9vYmFy===="),
	    "base64: a block of padding refused");
	CHECK(std_refused("-_8="), "base64: '-' and '_' refused");
	CHECK(std_refused("Zm-v"), "base64: '-' refused");
	CHECK(std_refused("Zm_v"), "base64: '_' refused");
	CHECK(std_refused("Zg==Zg=="), "base64: padding in the middle refused");
	CHECK(std_refused("Zm8=Zm8="), "base64: \"Zm8=Zm8=\" refused");
	CHECK(std_refused("Zg=A"), "base64: \"Zg=A\" refused");
	CHECK(std_refused("Zm9vYm=y"), "base64: \"Zm9vYm=y\" refused");
	CHECK(std_refused("Zh=="), "base64: \"Zh==\" (trailing bits) refused");
	CHECK(std_refused("Zm9="), "base64: \"Zm9=\" (trailing bits) refused");
	CHECK(std_refused("Zm==") && dec(0, "Zm8=", 4, raw, 2) == 2,
	    "base64: \"Zm==\" refused, \"Zm8=\" accepted");
	CHECK(std_refused("Zm9v Zm9"), "base64: a space refused");
	CHECK(dec(0, "Zm\0v", 4, NULL, 8) == -1,
	    "base64: a NUL byte refused");
	CHECK(dec(0, "Zm9vYmFy", 8, raw, 5) == -1,
	    "base64: 6 bytes into 5 refused");
	CHECK(dec(0, "", 0, NULL, 0) == 0, "base64: nothing into nothing");
}

int
main(void)
{
	test_vectors();
	test_url_chars();
	test_roundtrips();
	test_url_refusals();
	test_std();
	return check_done();
}
