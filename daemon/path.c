#include <string.h>

#include "form.h"
#include "path.h"
#include "utf8.h"

int
path_segment(const char *path, const char *prefix, const char *suffix,
    char *out, size_t outlen)
{
	size_t	 plen = strlen(prefix), slen = strlen(suffix), len, i;

	if (strncmp(path, prefix, plen) != 0)
		return -1;
	path += plen;
	len = strlen(path);
	if (len < slen || strcmp(path + len - slen, suffix) != 0)
		return -1;
	len -= slen;
	if (len == 0 || len >= outlen || memchr(path, '/', len) != NULL)
		return -1;
	memcpy(out, path, len);
	if (path_unescape(out, len, &len) == -1 || len == 0 ||
	    !utf8_valid(out, len))
		return -1;
	for (i = 0; i < len; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f ||
		    out[i] == '/')
			return -1;
	return 0;
}
