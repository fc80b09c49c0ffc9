/*
 * guisectl audit: verify, show or rotate the signer's audit log
 * (doc/audit.md).  This file dispatches, and holds the little that the
 * subcommands say alike; each subcommand has its own file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "guisectl.h"
#include "log.h"

static const struct {
	const char	*name;
	int		(*run)(int, char *[]);
	const char	*args;
} audit_commands[] = {
	{ "verify",	audit_verify_main,
	    "-f FILE [--journal FILE | --no-journal]" },
	{ "show",	audit_show_main,
	    "-f FILE [--impersonator ID] [--user ID] [--client ID]\n"
	    "                [--event NAME] [--since TIME] [--until TIME] "
	    "[--session SID]\n                [--json]" },
	{ "rotate",	audit_rotate_main,	"-f FILE" },
};

#define AUDIT_NCOMMANDS	(sizeof(audit_commands) / sizeof(audit_commands[0]))

void
audit_usage(const char *name)
{
	const char	*lead = "usage:";
	size_t		 i;

	for (i = 0; i < AUDIT_NCOMMANDS; i++) {
		if (name != NULL && strcmp(name, audit_commands[i].name) != 0)
			continue;
		fprintf(stderr, "%-6s guisectl audit %s %s\n", lead,
		    audit_commands[i].name, audit_commands[i].args);
		lead = "";
	}
	exit(2);
}

struct config *
audit_config(const char *file)
{
	struct config	*conf;
	char		 err[512];

	if ((conf = config_load(file, err, sizeof(err))) == NULL)
		log_warnx("%s", err);
	return conf;
}

/* The arguments of a subcommand that takes -f FILE alone, and the file. */
struct config *
audit_config_args(int argc, char *argv[], const char *name,
    const char **file)
{
	int	 ch;

	*file = NULL;
	while ((ch = getopt(argc, argv, "+f:h")) != -1) {
		if (ch != 'f')
			audit_usage(name);
		*file = optarg;
	}
	if (optind != argc || *file == NULL)
		audit_usage(name);
	return audit_config(*file);
}

void
audit_vverdict(const char *file, unsigned long line, json_int_t seq,
    const char *fmt, va_list ap)
{
	printf("%s:%lu: seq %" JSON_INTEGER_FORMAT ": ", file, line, seq);
	vprintf(fmt, ap);
	putchar('\n');
}

void
audit_verdict(const char *file, unsigned long line, json_int_t seq,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	audit_vverdict(file, line, seq, fmt, ap);
	va_end(ap);
}

int
audit_main(int argc, char *argv[])
{
	static char	 progname[64];
	size_t		 i;

	if (argc < 2)
		audit_usage(NULL);
	for (i = 0; i < AUDIT_NCOMMANDS; i++)
		if (strcmp(argv[1], audit_commands[i].name) == 0)
			break;
	if (i == AUDIT_NCOMMANDS) {
		if (argv[1][0] != '-')
			log_warnx("unknown audit command \"%s\"", argv[1]);
		audit_usage(NULL);
	}
	/* "guisectl audit show" in getopt's messages. */
	snprintf(progname, sizeof(progname), "guisectl audit %s",
	    audit_commands[i].name);
	argv[1] = progname;
	return audit_commands[i].run(argc - 1, argv + 1);
}
