/*
 * The signer's JWS encoding against an independent implementation: tokens
 * made by keys_sign_jws (signer/keys.c) must verify with libjwt 1.10 and
 * the public key that OpenSSL derives from the private key file, for both
 * keys of the test configuration: ES256 (the DER to r||s conversion of
 * RFC 7518 3.4) and RS256.  Negative checks show that libjwt really checks
 * the signature: a changed signature character, a payload moved under
 * another token's signature, the other key and an unrelated key of the
 * same algorithm are all refused.
 *
 * Usage: test_jws_interop [CONFIG_DIR]
 *
 * CONFIG_DIR is one written by tests/lib/mkconfig.sh.  Without it a
 * throwaway one is written with that script (run from the top of the tree,
 * as tests/run does) and removed at the end.
 *
 * keys_load keeps the keys in static storage and may run once per
 * process, and keys_active is the only way to reach a key.  So each key is
 * loaded in a child of its own, with the configuration's active_kid
 * pointed at it; the child signs and hands its tokens back through a pipe.
 * The parent never loads a key: it only verifies.
 *
 * libjwt 1.10's jwt_decode refuses a header whose typ is not "JWT", so the
 * tokens are signed with typ "JWT"; the encoding is the one the "at+jwt"
 * access tokens get.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "b64url.h"
#include "check.h"
#include "config.h"
#include "keys.h"
#include "log.h"

#include <jwt.h>

#define MKCONFIG	"tests/lib/mkconfig.sh"
#define TOKEN_MAX	2048	/* bytes; an RS256 token here is under 700 */
#define PAYLOAD_MAX	512
#define NTOKENS		2	/* per key: the claims, and other claims */
/*
 * ES256 tokens signed after those, all to verify: in one of 128 an r or s
 * is under 32 bytes and its DER INTEGER shorter, which the conversion to
 * r||s must pad (P(none in 2,000) is about 1e-7).
 */
#define NBULK		2000

#define ISS		"https://127.0.0.1:8443/"
#define SUB		"interop"
#define SUB_OTHER	"swapped"
#define N_JSON		"\xc3\xa9 \\\"quoted\\\""	/* é \"quoted\" */
#define N_VALUE		"\xc3\xa9 \"quoted\""		/* é "quoted" */
#define N_OTHER		"other"

enum which {
	W_ES256,
	W_RS256,
	W__MAX
};

static const struct {
	const char	*name;
	enum sig_alg	 alg;		/* as the configuration says it */
	jwt_alg_t	 jwtalg;	/* as libjwt says it */
} algs[W__MAX] = {
	{ "ES256", ALG_ES256, JWT_ALG_ES256 },
	{ "RS256", ALG_RS256, JWT_ALG_RS256 },
};

struct keyrun {
	const char	*name;
	jwt_alg_t	 jwtalg;
	char		*kid;		/* in the configuration */
	char		*file;
	char		 tok[NTOKENS][TOKEN_MAX];
	int		 ntok;
	char		*pem;		/* the public key, derived */
	int		 pemlen;
	char		*stranger;	/* a fresh key of the same algorithm */
	int		 strangerlen;
	size_t		 siglen;	/* of the raw JWS signature */
	int		 nbulk;		/* tokens after the NTOKENS */
	int		 bulk_good;	/* of those, verified */
	int		 bulk_short;	/* of those, with a short r or s */
};

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * In the child: load the keys with kid active, sign each payload with
 * typ "JWT" and write the tokens to fd, one a line.
 */
static int
child_sign(struct config *conf, char *kid, char payloads[][PAYLOAD_MAX],
    int nbulk, int fd)
{
	const struct signing_key	*k;
	char				*saved, *p, tok[TOKEN_MAX];
	long				 n;
	int				 i, rc;

	saved = conf->active_kid;
	conf->active_kid = kid;
	rc = keys_load(conf);
	conf->active_kid = saved;
	config_free(conf);
	if (rc == -1 || (k = keys_active()) == NULL)
		return -1;
	for (i = 0; i < NTOKENS + nbulk; i++) {
		p = payloads[i < NTOKENS ? i : 0];
		n = keys_sign_jws(k, "JWT", p, strlen(p), tok, sizeof(tok) - 1);
		if (n <= 0)
			return -1;
		tok[n++] = '\n';
		if (write_all(fd, tok, (size_t)n) == -1)
			return -1;
	}
	return 0;
}

/* libjwt's verdict: 0 when token verifies with pem; *jwt set then. */
static int
verify(const char *token, const char *pem, int pemlen, jwt_t **jwt)
{
	jwt_t	*j = NULL;
	int	 rc;

	rc = jwt_decode(&j, token, (const unsigned char *)pem, pemlen);
	if (rc != 0 || jwt == NULL) {
		jwt_free(j);
		return rc;
	}
	*jwt = j;
	return 0;
}

/* Whether token verifies with pem, without keeping the result. */
static int
verifies(const char *token, const char *pem, int pemlen)
{
	return verify(token, pem, pemlen, NULL) == 0;
}

/* A bulk token: verified with kr's public key, its r and s looked at. */
static void
check_bulk(struct keyrun *kr, const char *tok)
{
	const char	*sig;
	unsigned char	 raw[64];

	kr->nbulk++;
	if (!verifies(tok, kr->pem, kr->pemlen))
		return;
	kr->bulk_good++;
	if ((sig = strrchr(tok, '.')) != NULL &&
	    b64url_decode(raw, sizeof(raw), sig + 1, strlen(sig + 1)) == 64 &&
	    (raw[0] == 0 || raw[32] == 0))
		kr->bulk_short++;
}

/*
 * Sign the payloads with kr's key in a child, and nbulk more tokens; keep
 * the first NTOKENS in kr and check the others as they come.
 */
static int
sign_with(struct config *conf, struct keyrun *kr,
    char payloads[][PAYLOAD_MAX], int nbulk)
{
	size_t	 size = (size_t)(NTOKENS + nbulk) * TOKEN_MAX + 1, len = 0;
	char	*buf, *line, *nl;
	ssize_t	 n;
	pid_t	 pid;
	int	 p[2], status, rc = -1;

	if ((buf = malloc(size)) == NULL || pipe(p) == -1) {
		free(buf);
		return -1;
	}
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		free(buf);
		return -1;
	}
	if (pid == 0) {
		/* The parent's buffer: freed, or valgrind calls it a leak of
		 * the child's and fails it (make check-valgrind). */
		free(buf);
		close(p[0]);
		_exit(child_sign(conf, kr->kid, payloads, nbulk, p[1]) == 0 ?
		    0 : 1);
	}
	close(p[1]);
	while (len < size - 1) {
		n = read(p[0], buf + len, size - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(p[0]);
	buf[len] = '\0';
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			goto out;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		goto out;
	for (line = buf; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		if ((size_t)(nl - line) >= TOKEN_MAX)
			goto out;
		*nl = '\0';
		if (kr->ntok < NTOKENS)
			strcpy(kr->tok[kr->ntok++], line);
		else
			check_bulk(kr, line);
	}
	if (kr->ntok == NTOKENS && kr->nbulk == nbulk && *line == '\0')
		rc = 0;
out:
	free(buf);
	return rc;
}

/* pkey's public half as a PEM "PUBLIC KEY", NUL-terminated. */
static char *
public_pem(EVP_PKEY *pkey, int *len)
{
	BIO	*bio;
	char	*data, *pem = NULL;
	long	 n;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (PEM_write_bio_PUBKEY(bio, pkey) == 1 &&
	    (n = BIO_get_mem_data(bio, &data)) > 0 && n < INT_MAX &&
	    (pem = malloc((size_t)n + 1)) != NULL) {
		memcpy(pem, data, (size_t)n);
		pem[n] = '\0';
		*len = (int)n;
	}
	BIO_free(bio);
	return pem;
}

/*
 * Derive kr's public key from its private key file, make an unrelated key
 * of the same algorithm, and note the signature size the algorithm has.
 */
static int
prepare_keys(struct keyrun *kr)
{
	FILE		*f;
	EVP_PKEY	*pkey, *other;

	if ((f = fopen(kr->file, "r")) == NULL)
		return -1;
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (pkey == NULL)
		return -1;
	if (kr->jwtalg == JWT_ALG_ES256) {
		kr->siglen = 64;
		other = EVP_EC_gen("P-256");
	} else {
		kr->siglen = (size_t)EVP_PKEY_get_size(pkey);
		other = EVP_RSA_gen(2048);
	}
	kr->pem = public_pem(pkey, &kr->pemlen);
	if (other != NULL)
		kr->stranger = public_pem(other, &kr->strangerlen);
	EVP_PKEY_free(pkey);
	EVP_PKEY_free(other);
	return kr->pem != NULL && kr->stranger != NULL ? 0 : -1;
}

/*
 * Whether libjwt reads token when not asked to verify it: a refused token
 * that still parses is refused for its signature, not for its shape.
 */
static int
parses(const char *token)
{
	jwt_t	*j = NULL;
	int	 rc;

	rc = jwt_decode(&j, token, NULL, 0);
	jwt_free(j);
	return rc == 0;
}

static int
streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* The three segments of a compact JWS; -1 unless there are exactly 3. */
static int
segments(const char *tok, const char *seg[3], size_t len[3])
{
	const char	*dot1, *dot2;

	if ((dot1 = strchr(tok, '.')) == NULL ||
	    (dot2 = strchr(dot1 + 1, '.')) == NULL ||
	    strchr(dot2 + 1, '.') != NULL)
		return -1;
	seg[0] = tok;
	len[0] = (size_t)(dot1 - tok);
	seg[1] = dot1 + 1;
	len[1] = (size_t)(dot2 - seg[1]);
	seg[2] = dot2 + 1;
	len[2] = strlen(seg[2]);
	return 0;
}

static void
check_key(const struct keyrun *kr, const struct keyrun *other, long long now)
{
	const char	*seg[3], *seg2[3];
	size_t		 len[3], len2[3], pos;
	char		 bad[TOKEN_MAX];
	jwt_t		*jwt = NULL;
	int		 rc, n;

	CHECK(kr->ntok == NTOKENS, "%s: the child signed %d tokens", kr->name,
	    NTOKENS);
	if (kr->ntok != NTOKENS || kr->pem == NULL)
		return;
	CHECK(strncmp(kr->pem, "-----BEGIN PUBLIC KEY-----\n", 27) == 0,
	    "%s: OpenSSL derives a public key PEM from %s", kr->name,
	    kr->file);
	rc = segments(kr->tok[0], seg, len);
	CHECK(rc == 0 && len[2] == (kr->siglen * 4 + 2) / 3,
	    "%s: three segments, a signature of %zu bytes", kr->name,
	    kr->siglen);
	if (rc == -1 || segments(kr->tok[1], seg2, len2) == -1)
		return;

	rc = verify(kr->tok[0], kr->pem, kr->pemlen, &jwt);
	CHECK(rc == 0, "%s: libjwt jwt_decode verifies the token (%s)",
	    kr->name, rc == 0 ? "ok" : strerror(rc));
	if (rc == 0) {
		CHECK(jwt_get_alg(jwt) == kr->jwtalg, "%s: jwt_get_alg is %s",
		    kr->name, kr->name);
		CHECK(streq(jwt_get_header(jwt, "typ"), "JWT"),
		    "%s: header typ is JWT", kr->name);
		CHECK(streq(jwt_get_header(jwt, "kid"), kr->kid),
		    "%s: header kid is %s", kr->name, kr->kid);
		CHECK(streq(jwt_get_grant(jwt, "sub"), SUB),
		    "%s: sub is \"" SUB "\"", kr->name);
		CHECK(streq(jwt_get_grant(jwt, "iss"), ISS) &&
		    streq(jwt_get_grant(jwt, "aud"), "x"),
		    "%s: iss and aud round-trip", kr->name);
		CHECK(jwt_get_grant_int(jwt, "iat") == now &&
		    jwt_get_grant_int(jwt, "exp") == now + 60,
		    "%s: iat and exp round-trip", kr->name);
		CHECK(streq(jwt_get_grant(jwt, "n"), N_VALUE),
		    "%s: the UTF-8 and quotes of \"n\" round-trip exactly",
		    kr->name);
		jwt_free(jwt);
		jwt = NULL;
	}

	rc = verify(kr->tok[1], kr->pem, kr->pemlen, &jwt);
	CHECK(rc == 0 && streq(jwt_get_grant(jwt, "sub"), SUB_OTHER),
	    "%s: the second token verifies on its own", kr->name);
	if (rc == 0)
		jwt_free(jwt);

	/* A character in the middle stands for 6 bits of the signature. */
	snprintf(bad, sizeof(bad), "%s", kr->tok[0]);
	pos = (size_t)(seg[2] - kr->tok[0]) + len[2] / 2;
	bad[pos] = bad[pos] == 'A' ? 'B' : 'A';
	CHECK(parses(bad) && !verifies(bad, kr->pem, kr->pemlen),
	    "%s: one signature character changed: refused", kr->name);

	n = snprintf(bad, sizeof(bad), "%.*s.%.*s.%s", (int)len[0], seg[0],
	    (int)len2[1], seg2[1], seg[2]);
	CHECK(n > 0 && (size_t)n < sizeof(bad) && parses(bad) &&
	    !verifies(bad, kr->pem, kr->pemlen),
	    "%s: another token's payload under this signature: refused",
	    kr->name);

	CHECK(other->pem != NULL &&
	    !verifies(kr->tok[0], other->pem, other->pemlen),
	    "%s: the %s public key refuses the token", kr->name, other->name);
	CHECK(!verifies(kr->tok[0], kr->stranger, kr->strangerlen),
	    "%s: an unrelated %s key refuses the token", kr->name, kr->name);
	if (kr->jwtalg != JWT_ALG_ES256)
		return;
	CHECK(kr->nbulk == NBULK && kr->bulk_good == NBULK,
	    "%s: %d more tokens all verify (%d of %d)", kr->name, NBULK,
	    kr->bulk_good, kr->nbulk);
	CHECK(kr->bulk_short > 0, "%s: %d of them have an r or s under 32 "
	    "bytes, padded", kr->name, kr->bulk_short);
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
remove_tree(const char *dir)
{
	if (nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) == -1)
		log_warn("cannot remove %s", dir);
}

/*
 * Write a throwaway configuration into a new directory dir with
 * tests/lib/mkconfig.sh, its output sent to stderr, away from the TAP.
 * guisectl is the one next to this program's folder unless GUISECTL says.
 */
static int
throwaway(char *dir, size_t dirlen, const char *argv0)
{
	posix_spawn_file_actions_t	 fa;
	char				 sh[] = "sh", script[] = MKCONFIG;
	char				 ctl[PATH_MAX], *argv[4];
	const char			*tmpdir, *slash;
	pid_t				 pid;
	int				 n, rc, status;

	if ((tmpdir = getenv("TMPDIR")) == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	n = snprintf(dir, dirlen, "%s/guise-jws.XXXXXX", tmpdir);
	if (n < 0 || (size_t)n >= dirlen || mkdtemp(dir) == NULL) {
		dir[0] = '\0';
		return -1;
	}
	if (getenv("GUISECTL") == NULL &&
	    (slash = strrchr(argv0, '/')) != NULL) {
		n = snprintf(ctl, sizeof(ctl), "%.*s/../guisectl",
		    (int)(slash - argv0), argv0);
		if (n > 0 && (size_t)n < sizeof(ctl))
			setenv("GUISECTL", ctl, 1);
	}
	argv[0] = sh;
	argv[1] = script;
	argv[2] = dir;
	argv[3] = NULL;
	if (posix_spawn_file_actions_init(&fa) != 0)
		return -1;
	rc = posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO,
	    STDOUT_FILENO);
	if (rc == 0)
		rc = posix_spawnp(&pid, sh, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		errno = rc;
		log_warn("sh %s", MKCONFIG);
		return -1;
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void
run(const char *dir)
{
	struct config	*conf;
	struct keyrun	 kr[W__MAX];
	char		 path[PATH_MAX], err[512];
	char		 payloads[NTOKENS][PAYLOAD_MAX];
	long long	 now;
	size_t		 i;
	int		 w, found = 0;

	snprintf(path, sizeof(path), "%s/guise.json", dir);
	conf = config_load(path, err, sizeof(err));
	CHECK(conf != NULL, "config_load %s", conf != NULL ? path : err);
	if (conf == NULL)
		return;
	memset(kr, 0, sizeof(kr));
	for (w = 0; w < W__MAX; w++) {
		kr[w].name = algs[w].name;
		kr[w].jwtalg = algs[w].jwtalg;
		for (i = 0; i < conf->nkeys; i++)
			if (conf->keys[i].alg == algs[w].alg) {
				kr[w].kid = conf->keys[i].kid;
				kr[w].file = conf->keys[i].file;
				found++;
				break;
			}
	}
	CHECK(found == W__MAX, "the configuration has an ES256 and an RS256 "
	    "key");
	if (found != W__MAX) {
		config_free(conf);
		return;
	}

	now = (long long)time(NULL);
	snprintf(payloads[0], PAYLOAD_MAX, "{\"iss\":\"" ISS "\","
	    "\"sub\":\"" SUB "\",\"aud\":\"x\",\"iat\":%lld,\"exp\":%lld,"
	    "\"n\":\"" N_JSON "\"}", now, now + 60);
	snprintf(payloads[1], PAYLOAD_MAX, "{\"iss\":\"" ISS "\","
	    "\"sub\":\"" SUB_OTHER "\",\"aud\":\"x\",\"iat\":%lld,"
	    "\"exp\":%lld,\"n\":\"" N_OTHER "\"}", now, now + 60);

	for (w = 0; w < W__MAX; w++) {
		if (prepare_keys(&kr[w]) == -1)
			log_warnx("%s: cannot prepare the public keys",
			    kr[w].name);
		else if (sign_with(conf, &kr[w], payloads,
		    kr[w].jwtalg == JWT_ALG_ES256 ? NBULK : 0) == -1)
			log_warnx("%s: the signing child failed", kr[w].name);
	}
	for (w = 0; w < W__MAX; w++)
		check_key(&kr[w], &kr[(w + 1) % W__MAX], now);

	for (w = 0; w < W__MAX; w++) {
		free(kr[w].pem);
		free(kr[w].stranger);
	}
	config_free(conf);
}

int
main(int argc, char *argv[])
{
	char	 tmp[PATH_MAX] = "";

	log_init("test_jws_interop", 0);
	if (argc > 2) {
		fprintf(stderr, "usage: %s [config-dir]\n", argv[0]);
		return 2;
	}
	if (argc == 2)
		run(argv[1]);
	else if (throwaway(tmp, sizeof(tmp), argv[0]) == -1)
		CHECK(0, "sh %s writes a throwaway configuration", MKCONFIG);
	else
		run(tmp);
	if (tmp[0] != '\0')
		remove_tree(tmp);
	return check_done();
}
