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

/* A harness's own check failed: crash, so that libFuzzer saves the input. */
#define FUZZ_ASSERT(cond) do {						\
	if (!(cond))							\
		abort();						\
} while (0)

#endif
