/*
 * The console's check of its identity provider's id_tokens
 * (common/idp_token.c), as a command for tests/integration/idp_token.test.mjs,
 * which signs tokens with jose, an implementation of its own:
 *
 *	idp_token_check JWKS_FILE ISSUER CLIENT_ID NONCE NOW < TOKEN
 *
 * prints "ok sub=... email=... email_verified=0|1" or "refused: why" and
 * exits 0; a JWKS file that does not load prints "jwks: why" and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idp_token.h"
#include "jwks.h"

#define JWKS_FILE_MAX	65536

static char	 jwks_text[JWKS_FILE_MAX + 1];
static char	 token[IDP_TOKEN_MAX + 2];

int
main(int argc, char *argv[])
{
	struct idp_identity	 id;
	struct jwks_set		 keys;
	const char		*why;
	FILE			*f;
	size_t			 n, len;

	if (argc != 6) {
		fprintf(stderr, "usage: idp_token_check JWKS_FILE ISSUER "
		    "CLIENT_ID NONCE NOW < TOKEN\n");
		return 2;
	}
	if ((f = fopen(argv[1], "r")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	n = fread(jwks_text, 1, JWKS_FILE_MAX, f);
	fclose(f);
	jwks_text[n] = '\0';
	if (jwks_parse(jwks_text, JWKS_ALG_OPTIONAL, &keys, &why) == -1) {
		printf("jwks: %s\n", why);
		return 1;
	}
	len = fread(token, 1, sizeof(token) - 1, stdin);
	while (len > 0 && (token[len - 1] == '\n' || token[len - 1] == '\r'))
		len--;
	token[len] = '\0';
	if (idp_token_verify(token, len, &keys, argv[2], argv[3], argv[4],
	    (time_t)strtoll(argv[5], NULL, 10), &id, &why) == -1)
		printf("refused: %s\n", why);
	else
		printf("ok sub=%s email=%s email_verified=%d\n", id.sub,
		    id.email, id.email_verified);
	jwks_set_free(&keys);
	return 0;
}
