/*
 * Form bodies and query strings (form_parse), and the two percent-decoders
 * and the UTF-8 check under it (form_unescape, path_unescape, utf8_valid),
 * each on its own copy of the input with the one spare byte form_parse
 * needs.
 */
#include "form.h"
#include "fuzz.h"
#include "utf8.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void
check_form(const uint8_t *data, size_t size)
{
	struct form	 f;
	const char	*why = NULL;
	char		*buf = fuzz_copy(data, size);
	size_t		 i;

	if (form_parse(buf, size, &f, &why) == -1) {
		FUZZ_ASSERT(why != NULL);
		free(buf);
		return;
	}
	FUZZ_ASSERT(f.n <= FORM_PARAMS_MAX);
	for (i = 0; i < f.n; i++) {
		/* Inside the buffer, named, and never repeated. */
		FUZZ_ASSERT(f.p[i].name >= buf && f.p[i].name <= buf + size);
		FUZZ_ASSERT(f.p[i].value >= buf && f.p[i].value <= buf + size);
		FUZZ_ASSERT(f.p[i].name[0] != '\0');
		FUZZ_ASSERT(f.p[i].name + strlen(f.p[i].name) <= buf + size);
		FUZZ_ASSERT(f.p[i].value + strlen(f.p[i].value) <= buf + size);
		FUZZ_ASSERT(form_get(&f, f.p[i].name) == f.p[i].value);
		/* Text, whatever the escapes decoded to. */
		FUZZ_ASSERT(fuzz_utf8(f.p[i].name, strlen(f.p[i].name)));
		FUZZ_ASSERT(fuzz_utf8(f.p[i].value, strlen(f.p[i].value)));
	}
	free(buf);
}

static void
check_unescape(const uint8_t *data, size_t size, int form)
{
	char	*s = fuzz_copy(data, size);
	size_t	 out = (size_t)-1, i;
	int	 r;

	r = form ? form_unescape(s, size, &out) : path_unescape(s, size, &out);
	if (r == 0) {
		FUZZ_ASSERT(out <= size && s[out] == '\0' && strlen(s) == out);
		/* Without a '%', only '+' may change, and only in a form. */
		if (memchr(data, '%', size) == NULL) {
			FUZZ_ASSERT(out == size);
			for (i = 0; i < size; i++)
				FUZZ_ASSERT(s[i] == ((form && data[i] == '+') ?
				    ' ' : (char)data[i]));
		}
	} else
		FUZZ_ASSERT(r == -1);
	free(s);
}

/* utf8_valid and utf8_char agree with table 3-7 (fuzz.h). */
static void
check_utf8(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	size_t		 i, n;

	FUZZ_ASSERT(utf8_valid(s, size) == fuzz_utf8(s, size));
	for (i = 0; i < size; i += n) {
		if ((n = utf8_char(s + i, size - i, NULL)) == 0)
			break;
		FUZZ_ASSERT(n <= 4 && n <= size - i && fuzz_utf8(s + i, n));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_utf8(data, size);
	check_form(data, size);
	check_unescape(data, size, 1);
	check_unescape(data, size, 0);
	return 0;
}
