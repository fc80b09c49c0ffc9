/*
 * guisectl token decode: show the header and the claims of a JWT, without
 * verifying it.
 *
 * libjwt 1.10 is not used here.  jwt_decode() with no key does decode a
 * signed token, but it refuses any header whose "typ" is not "JWT" when
 * "alg" is not "none", so it cannot read guised's own access tokens
 * ("typ": "at+jwt", RFC 9068); it also refuses algorithms it does not
 * know (PS256, EdDSA), reports every keyless token as alg "none", and is
 * lax elsewhere (a fourth segment, a payload that is not an object).  The
 * compact serialization is simple enough to read strictly here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "b64url.h"
#include "guisectl.h"
#include "log.h"

#define TOKEN_MAX	(64 * 1024)	/* bytes; far above any real JWT */
#define TOKEN_PARTS	3
#define TOKEN_SPACE	" \t\r\n"

struct token_part {
	const char	*name;
	const char	*text;
	size_t		 len;
};

/* A token on stdin, without the whitespace around it (a pasted line). */
static char *
token_read_stdin(void)
{
	char	*buf, *start;
	size_t	 len = 0, n;

	if ((buf = malloc(TOKEN_MAX + 2)) == NULL) {
		log_warn("malloc");
		return NULL;
	}
	while ((n = fread(buf + len, 1, TOKEN_MAX + 1 - len, stdin)) > 0)
		len += n;
	if (ferror(stdin)) {
		log_warn("standard input");
		free(buf);
		return NULL;
	}
	if (len > TOKEN_MAX) {
		log_warnx("token: longer than %d bytes", TOKEN_MAX);
		free(buf);
		return NULL;
	}
	while (len > 0 && strchr(TOKEN_SPACE, buf[len - 1]) != NULL)
		len--;
	buf[len] = '\0';
	start = buf + strspn(buf, TOKEN_SPACE);
	memmove(buf, start, strlen(start) + 1);
	return buf;
}

/* Compact serialization: header.payload.signature. */
static int
token_split(const char *tok, struct token_part part[TOKEN_PARTS])
{
	static const char *const names[TOKEN_PARTS] = {
		"header", "payload", "signature",
	};
	const char	*p;
	size_t		 i, n;

	if (strlen(tok) > TOKEN_MAX) {
		log_warnx("token: longer than %d bytes", TOKEN_MAX);
		return -1;
	}
	if (tok[0] == '\0') {
		log_warnx("token: empty");
		return -1;
	}
	for (n = 1, p = tok; (p = strchr(p, '.')) != NULL; p++)
		n++;
	if (n != TOKEN_PARTS) {
		log_warnx("token: has %zu part%s; a JWT has three, "
		    "header.payload.signature", n, n == 1 ? "" : "s");
		return -1;
	}
	for (i = 0, p = tok; i < TOKEN_PARTS; i++) {
		part[i].name = names[i];
		part[i].text = p;
		part[i].len = strcspn(p, ".");
		p += part[i].len + 1;
	}
	return 0;
}

static unsigned char	token_buf[B64URL_DECODED_MAX(TOKEN_MAX)];

static ssize_t
token_part_decode(const struct token_part *part)
{
	ssize_t	 n;

	if ((n = b64url_decode(token_buf, sizeof(token_buf), part->text,
	    part->len)) == -1)
		log_warnx("token: %s: not base64url without padding",
		    part->name);
	return n;
}

/* The header and the claims are JSON objects (RFC 7519 section 7.2). */
static json_t *
token_part_json(const struct token_part *part)
{
	json_error_t	 err;
	json_t		*o;
	ssize_t		 n;

	if (part->len == 0) {
		log_warnx("token: %s: empty", part->name);
		return NULL;
	}
	if ((n = token_part_decode(part)) == -1)
		return NULL;
	o = json_loadb((const char *)token_buf, (size_t)n,
	    JSON_REJECT_DUPLICATES, &err);
	if (o == NULL) {
		/* Not err.text: it quotes the token, which is anyone's. */
		if (json_error_code(&err) == json_error_duplicate_key)
			log_warnx("token: %s: a key appears twice",
			    part->name);
		else
			log_warnx("token: %s: not JSON (at byte %d)",
			    part->name, err.position);
		return NULL;
	}
	if (!json_is_object(o)) {
		log_warnx("token: %s: not a JSON object", part->name);
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * ASCII only: the token comes from anywhere, and a claim must not be able
 * to send control or bidirectional characters to the terminal.
 */
static int
token_print(const char *label, const json_t *o)
{
	printf("%s:\n", label);
	if (json_dumpf(o, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII) == -1)
		return -1;
	putchar('\n');
	return 0;
}

static int
token_decode(const char *tok)
{
	struct token_part	 part[TOKEN_PARTS];
	json_t			*header = NULL, *claims = NULL;
	int			 rc = -1;

	/* The signature is only checked for its characters. */
	if (token_split(tok, part) == -1 ||
	    (header = token_part_json(&part[0])) == NULL ||
	    (claims = token_part_json(&part[1])) == NULL ||
	    token_part_decode(&part[2]) == -1)
		goto done;
	if (token_print("header", header) == -1 ||
	    token_print("claims", claims) == -1)
		goto done;
	printf("signature: NOT verified (%s)\n", part[2].len == 0 ?
	    "the token has none" : "decoded only, no key used");
	rc = 0;
 done:
	json_decref(header);
	json_decref(claims);
	return rc;
}

static int
token_decode_main(int argc, char *argv[])
{
	char	*tok;
	int	 rc;

	if (getopt(argc, argv, "+h") != -1 || argc - optind != 1)
		ctl_usage("token");
	if (strcmp(argv[optind], "-") != 0)
		return token_decode(argv[optind]);
	if ((tok = token_read_stdin()) == NULL)
		return -1;
	rc = token_decode(tok);
	free(tok);
	return rc;
}

int
token_main(int argc, char *argv[])
{
	if (argc < 2 || strcmp(argv[1], "decode") != 0)
		ctl_usage("token");
	argv[1] = argv[0];	/* "guisectl token" in getopt's messages */
	return token_decode_main(argc - 1, argv + 1);
}
