#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "console_idp.h"
#include "idp_jwks.h"
#include "log.h"

#define JWKS_FILE_MAX	IDP_JWKS_FILE_MAX

static struct jwks_set	 keys;

int
console_idp_load(const struct config *conf)
{
	static char	 text[JWKS_FILE_MAX + 1];
	const char	*file = conf->console.idp_jwks_file, *why;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

	if (!conf->console.enabled)
		return 0;
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warnx("%s: %s: the console's identity provider's keys "
		    "(guisectl idp-keys -f %s writes them)", file,
		    strerror(errno), conf->path);
		return -1;
	}
	while (len < JWKS_FILE_MAX &&
	    (n = read(fd, text + len, JWKS_FILE_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	text[len] = '\0';
	if (len == JWKS_FILE_MAX || memchr(text, '\0', len) != NULL ||
	    jwks_parse(text, JWKS_ALG_OPTIONAL, &keys, &why) == -1) {
		log_warnx("%s: not the identity provider's keys: %s", file,
		    len == JWKS_FILE_MAX ? "larger than 64 KB" :
		    memchr(text, '\0', len) != NULL ? "a NUL byte" : why);
		return -1;
	}
	log_info("console: %zu keys of %s", keys.n,
	    conf->console.idp_issuer);
	return 0;
}

const struct jwks_set *
console_idp_keys(void)
{
	return &keys;
}
