/*
 * What every harness defines, for libFuzzer and for the plain replay
 * program (replay.c) alike, and a helper or two they share.
 */
#ifndef GUISE_FUZZ_H
#define GUISE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Once, before the first input: fixed keys, a fixed directory. */
int	LLVMFuzzerInitialize(int *argc, char ***argv);
/* One input; must not leak and must not keep state between inputs. */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A copy of the size bytes at data in a block of exactly size + 1 bytes,
 * NUL-terminated, so that the sanitizers see any read past the end.
 */
static inline char *
fuzz_copy(const uint8_t *data, size_t size)
{
	char	*s;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * Well-formed UTF-8 by the Unicode Standard's table 3-7, the second byte's
 * range narrowed after E0, ED, F0 and F4.  Written apart from
 * common/utf8.c, so that a harness checks the parsers against it rather
 * than against their own code.
 */
static inline int
fuzz_utf8(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i = 0, n, k;
	unsigned char		 lo, hi;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		lo = 0x80;
		hi = 0xbf;
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			n = 1;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			n = 2;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			n = 3;
		else
			return 0;
		if (s[i] == 0xe0)
			lo = 0xa0;
		else if (s[i] == 0xed)
			hi = 0x9f;
		else if (s[i] == 0xf0)
			lo = 0x90;
		else if (s[i] == 0xf4)
			hi = 0x8f;
		if (len - i <= n || s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (k = 2; k <= n; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return 0;
		i += n + 1;
	}
	return 1;
}

/* A harness's own check failed: crash, so that libFuzzer saves the input. */
#define FUZZ_ASSERT(cond) do {						\
	if (!(cond))							\
		abort();						\
} while (0)

#endif
