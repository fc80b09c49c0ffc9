/*
 * guisectl: generate keys and secrets for guised, look inside tokens.
 * Each subcommand lives in its own file; this one only dispatches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guisectl.h"
#include "log.h"

struct ctl_command {
	const char	*name;
	int		(*run)(int, char *[]);
	const char	*args;
};

static const struct ctl_command commands[] = {
	{ "keygen",	keygen_main,
	    "[--alg ES256|RS256] [--kid KID] [--bits N] -o FILE" },
	{ "secret",	secret_main,
	    "[--webhook | --audit-key -o FILE |\n"
	    "                --grant-key [--kid KID] -o FILE]" },
	{ "token",	token_main,	"decode TOKEN|-" },
	{ "audit",	audit_main,	"verify|show|rotate -f FILE [...]" },
	{ "check",	check_main,	"-f FILE" },
	{ "idp-keys",	idp_keys_main,	"-f FILE [-o FILE]" },
};

#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

void
ctl_usage(const char *name)
{
	const char	*lead = "usage:";
	size_t		 i;

	for (i = 0; i < NCOMMANDS; i++) {
		if (name != NULL && strcmp(name, commands[i].name) != 0)
			continue;
		fprintf(stderr, "%-6s guisectl %s %s\n", lead,
		    commands[i].name, commands[i].args);
		lead = "";
	}
	exit(2);
}

static const struct ctl_command *
ctl_lookup(const char *name)
{
	size_t	 i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

int
main(int argc, char *argv[])
{
	const struct ctl_command	*cmd;
	static char			 progname[64];

	log_init("guisectl", 0);
	if (argc < 2 || argv[1][0] == '-')
		ctl_usage(NULL);
	if ((cmd = ctl_lookup(argv[1])) == NULL) {
		log_warnx("unknown command \"%s\"", argv[1]);
		ctl_usage(NULL);
	}

	/* getopt names argv[0] in its messages: make that the subcommand. */
	snprintf(progname, sizeof(progname), "guisectl %s", cmd->name);
	argv[1] = progname;
	if (cmd->run(argc - 1, argv + 1) == -1)
		return 1;

	/* A full disk or a closed pipe must not pass for success. */
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_warn("standard output");
		return 1;
	}
	return 0;
}
