/*
 * The signer's decision on who signs in to the console
 * (signer/console_signin.c), as a command for
 * tests/integration/console_signin.test.mjs, which signs the provider's
 * id_tokens with jose:
 *
 *	console_signin_check CONFIG NONCE NOW < TOKEN
 *
 * loads the configuration, the users (the signer's roster) and the
 * provider's keys (idp.jwks_file) as the signer does, and prints "invalid:
 * why" (the token does not hold), "refused: rule" or "ok user_id=...
 * sub=...", exiting 0; 1 when the configuration, users or keys do not load.
 */
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "console_idp.h"
#include "console_signin.h"
#include "log.h"
#include "roster.h"

static char	 token[IDP_TOKEN_MAX + 2];

int
main(int argc, char *argv[])
{
	struct console_signin	 s;
	struct policy_verdict	 v;
	struct config		*conf;
	const char		*why;
	char			 err[1024];
	size_t			 len;

	if (argc != 4) {
		fprintf(stderr, "usage: console_signin_check CONFIG NONCE NOW "
		    "< TOKEN\n");
		return 2;
	}
	log_init("console_signin_check", 0);
	if ((conf = config_load(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (roster_load(conf) == -1 || console_idp_load(conf) == -1)
		return 1;
	len = fread(token, 1, sizeof(token) - 1, stdin);
	while (len > 0 && (token[len - 1] == '\n' || token[len - 1] == '\r'))
		len--;
	token[len] = '\0';
	if (console_signin(conf, console_idp_keys(), token, len, argv[2],
	    (time_t)strtoll(argv[3], NULL, 10), &s, &v, &why) == -1)
		printf("invalid: %s\n", why);
	else if (v.status != 0)
		printf("refused: %s\n", v.rule);
	else
		printf("ok user_id=%s sub=%s\n", s.staff->user_id, s.id.sub);
	roster_free();
	config_free(conf);
	return 0;
}
