#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "beside.h"

int
beside_self(const char *const *tries, size_t ntries, int mode, char *out,
    size_t outlen)
{
	char	 self[PATH_MAX], *dir;
	ssize_t	 n;
	size_t	 i;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return -1;
	self[n] = '\0';
	dir = dirname(self);
	for (i = 0; i < ntries; i++)
		if (snprintf(out, outlen, "%s%s", dir, tries[i]) <
		    (int)outlen && access(out, mode) == 0)
			return 0;
	return -1;
}
