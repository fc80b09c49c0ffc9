/* The command line that guised and guise-signer share: [-dn] -f file. */
#ifndef GUISE_CMDLINE_H
#define GUISE_CMDLINE_H

struct cmdline {
	const char	*file;		/* -f: the configuration */
	int		 debug;		/* -d: log_debug lines too */
	int		 check;		/* -n: validate and exit */
};

/* Parse argv into cl, or print the usage line for name and exit 2. */
void	cmdline_parse(int argc, char *argv[], const char *name,
	    struct cmdline *cl);

#endif
