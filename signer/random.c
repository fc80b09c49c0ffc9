#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "random.h"

static unsigned char	 pool[4096];
static size_t		 used = sizeof(pool);

int
random_draw(void *out, size_t n)
{
	if (n > RANDOM_DRAW_MAX)
		return -1;
	if (sizeof(pool) - used < n) {
		if (RAND_bytes(pool, sizeof(pool)) != 1)
			return -1;
		used = 0;
	}
	memcpy(out, pool + used, n);
	/* Handed out: not left in the pool. */
	OPENSSL_cleanse(pool + used, n);
	used += n;
	return 0;
}
