#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"

static void __attribute__((noreturn))
usage(const char *name)
{
	fprintf(stderr, "usage: %s [-dn] -f file\n", name);
	exit(2);
}

void
cmdline_parse(int argc, char *argv[], const char *name, struct cmdline *cl)
{
	int	 ch;

	memset(cl, 0, sizeof(*cl));
	while ((ch = getopt(argc, argv, "df:n")) != -1) {
		switch (ch) {
		case 'd':
			cl->debug = 1;
			break;
		case 'f':
			cl->file = optarg;
			break;
		case 'n':
			cl->check = 1;
			break;
		default:
			usage(name);
		}
	}
	if (cl->file == NULL || optind != argc)
		usage(name);
}
