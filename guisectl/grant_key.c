/*
 * guisectl secret --grant-key [--kid ID] -o FILE: a new grant key line,
 * "<kid> <base64url of 32 random bytes>", in FILE (DESIGN.md section 5).
 * A new FILE is made as every key file is (newfile.c).  An existing one is
 * rotated: the signer seals with the last key and opens with every key,
 * so the new line goes last and the old ones are kept byte for byte.  The
 * old file is read with the signer's own parser first (common/grantkey.c),
 * so that a file the signer would refuse is not extended, and rewritten
 * whole through a temporary file in its folder, synced and renamed over
 * it: a crash leaves the old file or the new one, never half of either.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "b64url.h"
#include "grantkey.h"
#include "guisectl.h"
#include "log.h"

/* "<kid> <key>\n" */
#define GRANT_LINE_MAX	(GRANTKEY_KID_MAX + 1 + \
			 B64URL_ENCODED_LEN(GRANTKEY_BYTES) + 1)

/* "20261203T143000Z": UTC, the same on every node, and ordered by time. */
static int
grant_default_kid(char *out, size_t outlen)
{
	struct tm	 tm;
	time_t		 now = time(NULL);

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(out, outlen, "%Y%m%dT%H%M%SZ", &tm) == 0)
		return -1;
	return 0;
}

/* The new line into out; its length, or -1 logged. */
static int
grant_new_line(const char *kid, char *out, size_t outlen)
{
	unsigned char	 raw[GRANTKEY_BYTES];
	char		 text[B64URL_ENCODED_LEN(GRANTKEY_BYTES) + 1];
	char		 err[256];
	int		 n = -1;

	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		ERR_error_string_n(ERR_get_error(), err, sizeof(err));
		log_warnx("RAND_bytes: %s", err);
	} else {
		b64url_encode(text, raw, sizeof(raw));
		n = snprintf(out, outlen, "%s %s\n", kid, text);
		if (n < 0 || (size_t)n >= outlen)
			n = -1;
	}
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(text, sizeof(text));
	return n;
}

/* old (its owner in st) and then line, in place of file. */
static int
grant_replace(const char *file, const struct stat *st, const char *old,
    size_t oldlen, const char *line, size_t linelen)
{
	char	 tmp[PATH_MAX];
	int	 fd;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", file) >=
	    (int)sizeof(tmp)) {
		log_warnx("%s: name too long", file);
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		log_warn("%s", tmp);
		return -1;
	}
	/* As root, the file stays its owner's (the service may read it). */
	if (fchmod(fd, 0600) == -1 ||
	    (geteuid() == 0 && fchown(fd, st->st_uid, st->st_gid) == -1) ||
	    newfile_fill(fd, old, oldlen) == -1 ||
	    (oldlen > 0 && old[oldlen - 1] != '\n' &&
	    newfile_fill(fd, "\n", 1) == -1) ||
	    newfile_fill(fd, line, linelen) == -1 || fsync(fd) == -1) {
		log_warn("%s", tmp);
		(void)close(fd);
		(void)unlink(tmp);
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, file) == -1) {
		log_warn("%s", file);
		(void)unlink(tmp);
		return -1;
	}
	newfile_sync_dir(file);
	return 0;
}

/* The lines of the open file, and the new one after them. */
static int
grant_rotate(const char *file, int fd, const char *kid, const char *line,
    size_t linelen)
{
	struct grantkey	 gk[GRANTKEY_MAX];
	struct stat	 st;
	char		 buf[GRANTKEY_FILE_MAX + 1];
	const char	*why;
	unsigned int	 lineno;
	ssize_t		 len;
	int		 i, n, rc = -1;

	if (fstat(fd, &st) == -1) {
		log_warn("%s", file);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		log_warnx("%s: not a regular file", file);
		return -1;
	}
	if ((len = grantkey_read(fd, buf)) == -1) {
		if (errno == EFBIG)
			log_warnx("%s: larger than %d bytes, not a grant key "
			    "file", file, GRANTKEY_FILE_MAX);
		else
			log_warn("%s", file);
		goto done;
	}
	if ((n = grantkey_parse(buf, (size_t)len, gk, &lineno, &why)) == -1) {
		if (lineno == 0)
			log_warnx("%s: %s; not changed", file, why);
		else
			log_warnx("%s: line %u: %s; not changed", file, lineno,
			    why);
		goto done;
	}
	for (i = 0; i < n; i++)
		if (strcmp(gk[i].kid, kid) == 0) {
			log_warnx("%s: kid \"%s\" is already in it; not "
			    "changed", file, kid);
			goto done;
		}
	if (n == GRANTKEY_MAX) {
		log_warnx("%s: holds %d keys already, the most; remove the "
		    "oldest (the first line) once no grant it sealed is in "
		    "use", file, GRANTKEY_MAX);
		goto done;
	}
	rc = grant_replace(file, &st, buf, (size_t)len, line, linelen);
 done:
	OPENSSL_cleanse(buf, sizeof(buf));
	OPENSSL_cleanse(gk, sizeof(gk));
	return rc;
}

int
grant_key_add(const char *file, const char *kid)
{
	char	 line[GRANT_LINE_MAX + 1], kid_default[GRANTKEY_KID_MAX + 1];
	int	 fd, len, rc;

	if (kid == NULL) {
		if (grant_default_kid(kid_default, sizeof(kid_default)) == -1) {
			log_warnx("cannot make a kid from the date");
			return -1;
		}
		kid = kid_default;
	}
	if (!grantkey_kid_ok(kid, strlen(kid))) {
		log_warnx("--kid: must be 1 to %d characters among A-Z a-z "
		    "0-9 . _ -", GRANTKEY_KID_MAX);
		return -1;
	}
	if ((len = grant_new_line(kid, line, sizeof(line))) == -1)
		return -1;
	/* Never through a symbolic link, as newfile_write. */
	if ((fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			rc = newfile_write(file, line, (size_t)len);
		else {
			log_warn("%s", file);
			rc = -1;
		}
	} else {
		rc = grant_rotate(file, fd, kid, line, (size_t)len);
		(void)close(fd);
	}
	OPENSSL_cleanse(line, sizeof(line));
	return rc;
}
