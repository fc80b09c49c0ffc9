/* guisectl: the operator's command.  One file per subcommand. */
#ifndef GUISECTL_H
#define GUISECTL_H

#include <sys/types.h>

#include <stddef.h>

/* Subcommands: argv[0] names the subcommand; 0 on success, -1 on error. */
int	keygen_main(int, char *[]);
int	secret_main(int, char *[]);
int	token_main(int, char *[]);
int	audit_main(int, char *[]);
int	check_main(int, char *[]);
int	idp_keys_main(int, char *[]);

/* Print the usage of one subcommand (or of all with NULL), exit 2. */
void	ctl_usage(const char *) __attribute__((noreturn));

/*
 * A new key line in the grant key file, which is made when it does not
 * exist; kid NULL: one from the date and time (grant_key.c).
 */
int	grant_key_add(const char *file, const char *kid);

/* Create path, which must not exist, mode 0600, holding exactly data. */
int	newfile_write(const char *, const void *, size_t);
/* Write all len bytes to fd (a short write goes on): 0, or -1. */
int	newfile_fill(int fd, const void *, size_t len);
/* Replace path with exactly data, mode, through a temporary file. */
int	newfile_replace(const char *path, const void *, size_t, mode_t);
/* Make a rename in the folder of file durable (best effort). */
void	newfile_sync_dir(const char *file);

#endif
