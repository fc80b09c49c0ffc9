/*
 * The JSON writer (common/jsonw.c) against jansson: the same bytes for
 * what jansson can write, valid JSON with U+FFFD for what is not UTF-8,
 * and a clean refusal when the buffer is too small.  Random strings
 * stand in for a fuzzer: every one must come back through json_loads.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "jsonw.h"

static const char *const samples[] = {
	"", "plain", "quote\" and \\ backslash", "tab\tnew\nline\r",
	"\b\f\x01\x1f\x7f", "café 日本 \xf0\x9f\x98\x80", "a/b", NULL
};

/* jsonw's {"k":value} is byte for byte jansson's json_dumps. */
static int
same_as_jansson(const char *value)
{
	char	 buf[512], *want;
	struct jsonw	 w;
	json_t	*o;
	int	 same;

	jw_begin(&w, buf, sizeof(buf), 1);
	jw_string(&w, "k", value);
	jw_integer(&w, "n", -42);
	if (jw_end(&w, 1) == -1)
		return 0;
	o = json_pack("{s:s, s:i}", "k", value, "n", -42);
	want = json_dumps(o, JSON_COMPACT);
	same = want != NULL && strcmp(buf, want) == 0;
	if (!same)
		printf("# jsonw %s\n# jansson %s\n", buf, want);
	free(want);
	json_decref(o);
	return same;
}

/* Integers as jansson writes them, the extremes too. */
static int
integers_as_jansson(void)
{
	static const long long	 values[] = { 0, 7, -1, 10, 1764000000,
				    LLONG_MAX, LLONG_MIN };
	char			 buf[64], *want;
	struct jsonw		 w;
	json_t			*o;
	size_t			 i;
	int			 same = 1;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		jw_begin(&w, buf, sizeof(buf), 1);
		jw_integer(&w, "n", values[i]);
		o = json_pack("{s:I}", "n", (json_int_t)values[i]);
		want = json_dumps(o, JSON_COMPACT);
		if (jw_end(&w, 1) == -1 || want == NULL ||
		    strcmp(buf, want) != 0) {
			printf("# jsonw %s\n# jansson %s\n", buf, want);
			same = 0;
		}
		free(want);
		json_decref(o);
	}
	return same;
}

/* What jsonw wrote parses, and the string in it is what it should be. */
static const char *
parsed_value(const char *value, char *buf, size_t size, json_t **root)
{
	struct jsonw	 w;

	jw_begin(&w, buf, size, 1);
	jw_string(&w, "k", value);
	if (jw_end(&w, 1) == -1)
		return NULL;
	if ((*root = json_loads(buf, 0, NULL)) == NULL)
		return NULL;
	return json_string_value(json_object_get(*root, "k"));
}

int
main(void)
{
	char		 buf[8192], small[12], arr[64], s[64];
	const char	*v;
	json_t		*root = NULL;
	struct jsonw	 w;
	size_t		 i, j, bad = 0;

	for (i = 0; samples[i] != NULL; i++)
		CHECK(same_as_jansson(samples[i]), "sample %zu as jansson writes it", i);

	CHECK(integers_as_jansson(), "integers as jansson writes them");

	v = parsed_value("a\xff" "b\xc3", buf, sizeof(buf), &root);
	CHECK(v != NULL && strcmp(v, "a\xef\xbf\xbd" "b\xef\xbf\xbd") == 0,
	    "bytes that are not UTF-8 become U+FFFD");
	json_decref(root);
	v = parsed_value("\xed\xa0\x80\xc0\xaf", buf, sizeof(buf), &root);
	CHECK(v != NULL && strstr(v, "\xed\xa0") == NULL,
	    "a surrogate and an overlong form are not let through");
	json_decref(root);

	jw_begin(&w, small, sizeof(small), 1);
	jw_string(&w, "key", "a value that is too long");
	CHECK(jw_end(&w, 1) == -1, "a buffer too small: -1");
	CHECK(jw_array1(arr, sizeof(arr), "x\"y") != -1 &&
	    strcmp(arr, "[\"x\\\"y\"]") == 0, "an array of one string");

	jw_begin(&w, buf, sizeof(buf), 0);
	jw_string(&w, "a", "1");
	jw_json(&w, "b", "[true]");
	CHECK(jw_end(&w, 0) != -1 && strcmp(buf, "\"a\":\"1\",\"b\":[true]") == 0,
	    "members alone, without braces, for the audit log");

	srandom(7);
	for (i = 0; i < 20000; i++) {
		for (j = 0; j < sizeof(s) - 1; j++)
			s[j] = (char)(random() % 255 + 1);
		s[sizeof(s) - 1] = '\0';
		if (parsed_value(s, buf, sizeof(buf), &root) == NULL)
			bad++;
		json_decref(root);
		root = NULL;
	}
	CHECK(bad == 0, "20,000 random strings all give valid JSON (%zu not)",
	    bad);
	return check_done();
}
