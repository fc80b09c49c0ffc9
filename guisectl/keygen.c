/*
 * guisectl keygen: a new signing key for the signer, as an unencrypted
 * PKCS#8 PEM file of mode 0600, and on stdout the line to paste into
 * "signer.keys" of the configuration.  Everything the user typed is checked
 * before the key is generated, so that a mistake costs nothing.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "guisectl.h"
#include "log.h"

#define KEYGEN_KID_MAX		128	/* as config.c: CONFIG_ID_MAX */
#define KEYGEN_KID_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
				"abcdefghijklmnopqrstuvwxyz0123456789._-"
#define KEYGEN_RSA_DEFAULT	2048
#define KEYGEN_RSA_MIN		2048	/* DESIGN.md: RSA 2048+ for RS256 */
#define KEYGEN_RSA_MAX		4096	/* the signer's JWS_SIG_MAX is 512 bytes */

enum keygen_alg {
	KEYGEN_ES256,
	KEYGEN_RS256,
};

static const struct {
	const char	*name;
	const char	*kid_prefix;
} keygen_algs[] = {
	[KEYGEN_ES256] = { "ES256", "es256" },
	[KEYGEN_RS256] = { "RS256", "rs256" },
};

enum {
	OPT_ALG = 256,
	OPT_BITS,
	OPT_KID,
};

static const struct option keygen_longopts[] = {
	{ "alg",	required_argument,	NULL,	OPT_ALG },
	{ "bits",	required_argument,	NULL,	OPT_BITS },
	{ "kid",	required_argument,	NULL,	OPT_KID },
	{ "help",	no_argument,		NULL,	'h' },
	{ NULL,		0,			NULL,	0 },
};

struct keygen_request {
	enum keygen_alg	 alg;
	unsigned int	 bits;		/* RS256 only; 0 when not given */
	const char	*kid;		/* NULL: the default, from the date */
	const char	*file;
	char		 kid_default[32];
};

static void
keygen_ssl_warnx(const char *what)
{
	char	 buf[256];

	ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
	log_warnx("%s: %s", what, buf);
	ERR_clear_error();
}

static int
keygen_parse_alg(const char *s, enum keygen_alg *alg)
{
	if (strcasecmp(s, "ES256") == 0)
		*alg = KEYGEN_ES256;
	else if (strcasecmp(s, "RS256") == 0)
		*alg = KEYGEN_RS256;
	else {
		log_warnx("--alg %s: unsupported, use ES256 or RS256", s);
		return -1;
	}
	return 0;
}

static int
keygen_parse_bits(const char *s, unsigned int *bits)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno != 0 ||
	    v < KEYGEN_RSA_MIN || v > KEYGEN_RSA_MAX) {
		log_warnx("--bits %s: must be a number from %d to %d", s,
		    KEYGEN_RSA_MIN, KEYGEN_RSA_MAX);
		return -1;
	}
	*bits = (unsigned int)v;
	return 0;
}

/* The same rule as the configuration's: [A-Za-z0-9._-]{1,128}. */
static int
keygen_check_kid(const char *kid)
{
	size_t	 len = strlen(kid);

	if (len == 0 || len > KEYGEN_KID_MAX ||
	    strspn(kid, KEYGEN_KID_CHARS) != len) {
		log_warnx("--kid: must be 1 to %d characters among A-Z a-z "
		    "0-9 . _ -", KEYGEN_KID_MAX);
		return -1;
	}
	return 0;
}

/* "es256-20261128": the date is UTC, the same on every node. */
static int
keygen_default_kid(struct keygen_request *req)
{
	struct tm	 tm;
	time_t		 now = time(NULL);
	char		 date[16];
	int		 n;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(date, sizeof(date), "%Y%m%d", &tm) == 0)
		return -1;
	n = snprintf(req->kid_default, sizeof(req->kid_default), "%s-%s",
	    keygen_algs[req->alg].kid_prefix, date);
	if (n < 0 || (size_t)n >= sizeof(req->kid_default))
		return -1;
	req->kid = req->kid_default;
	return 0;
}

/* Usage errors exit 2 from here; a bad value returns -1. */
static int
keygen_parse(int argc, char *argv[], struct keygen_request *req)
{
	const char	*alg = NULL, *bits = NULL;
	int		 ch;

	memset(req, 0, sizeof(*req));
	while ((ch = getopt_long(argc, argv, "+ho:", keygen_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_ALG:
			alg = optarg;
			break;
		case OPT_BITS:
			bits = optarg;
			break;
		case OPT_KID:
			req->kid = optarg;
			break;
		case 'o':
			req->file = optarg;
			break;
		default:
			ctl_usage("keygen");
		}
	}
	if (optind != argc || req->file == NULL)
		ctl_usage("keygen");
	if (alg == NULL)
		alg = "ES256";
	if (keygen_parse_alg(alg, &req->alg) == -1)
		return -1;
	if (bits != NULL && req->alg != KEYGEN_RS256) {
		log_warnx("--bits applies to RS256 keys only");
		return -1;
	}
	if (bits != NULL && keygen_parse_bits(bits, &req->bits) == -1)
		return -1;
	if (req->alg == KEYGEN_RS256 && req->bits == 0)
		req->bits = KEYGEN_RSA_DEFAULT;
	return 0;
}

/* The configuration snippet; built first, since the name may not be JSON. */
static char *
keygen_snippet(const struct keygen_request *req)
{
	json_t	*o;
	char	*s;

	o = json_pack("{s:s, s:s, s:s}", "kid", req->kid,
	    "alg", keygen_algs[req->alg].name, "file", req->file);
	if (o == NULL) {
		log_warnx("%s: the file name is not UTF-8 and cannot be "
		    "written in the JSON configuration", req->file);
		return NULL;
	}
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (s == NULL)
		log_warnx("out of memory");
	return s;
}

static EVP_PKEY *
keygen_generate(const struct keygen_request *req)
{
	EVP_PKEY	*pkey;

	if (req->alg == KEYGEN_ES256)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
		    (size_t)req->bits);
	if (pkey == NULL)
		keygen_ssl_warnx("key generation");
	return pkey;
}

/*
 * PEM_write_bio_PrivateKey writes PKCS#8.  The PEM goes to memory first so
 * that the file is either complete or absent; the secure-memory BIO is
 * cleared when freed.
 */
static int
keygen_save(EVP_PKEY *pkey, const char *file)
{
	BIO	*bio;
	char	*pem;
	long	 len;
	int	 rc = -1;

	if ((bio = BIO_new(BIO_s_secmem())) == NULL) {
		keygen_ssl_warnx("BIO_new");
		return -1;
	}
	if (PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL,
	    NULL) != 1 || (len = BIO_get_mem_data(bio, &pem)) <= 0)
		keygen_ssl_warnx("PEM encoding");
	else
		rc = newfile_write(file, pem, (size_t)len);
	BIO_free(bio);
	return rc;
}

int
keygen_main(int argc, char *argv[])
{
	struct keygen_request	 req;
	EVP_PKEY		*pkey;
	char			*snippet;
	int			 rc;

	if (keygen_parse(argc, argv, &req) == -1)
		return -1;
	if (req.kid == NULL && keygen_default_kid(&req) == -1) {
		log_warnx("cannot make a kid from today's date; use --kid");
		return -1;
	}
	if (keygen_check_kid(req.kid) == -1 ||
	    (snippet = keygen_snippet(&req)) == NULL)
		return -1;
	if ((pkey = keygen_generate(&req)) == NULL) {
		free(snippet);
		return -1;
	}
	rc = keygen_save(pkey, req.file);
	EVP_PKEY_free(pkey);
	if (rc == 0)
		printf("%s\n", snippet);
	free(snippet);
	return rc;
}
