/*
 * A file found beside the running program: guised finds its signer, and
 * the console's pages, and guisectl finds guised, as make install lays
 * them out or as the build tree has them.
 */
#ifndef GUISE_BESIDE_H
#define GUISE_BESIDE_H

#include <stddef.h>

/*
 * The first of tries (paths relative to the folder of /proc/self/exe,
 * each beginning with '/') that access() allows with mode, into out: 0,
 * or -1 when none is.
 */
int	beside_self(const char *const *tries, size_t ntries, int mode,
	    char *out, size_t outlen);

#endif
