/*
 * guisectl audit: what verify, show and rotate share.  The format is
 * doc/audit.md's; this side only reads it.
 */
#ifndef GUISECTL_AUDIT_H
#define GUISECTL_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define AUDIT_LINE_MAX		(1024 * 1024)	/* bytes, without the newline */
#define AUDIT_MAC_HEX		64
#define AUDIT_MAC_TAIL		",\"mac\":\""	/* what the mac covers ends here */
#define AUDIT_TIME_LEN		24		/* YYYY-MM-DDTHH:MM:SS.mmmZ */

/* Subcommands of guisectl audit; argv[0] names them. */
int	audit_verify_main(int, char *[]);
int	audit_show_main(int, char *[]);
int	audit_rotate_main(int, char *[]);

/* Print the usage of one audit subcommand (NULL: all of them), exit 2. */
void	audit_usage(const char *) __attribute__((noreturn));

/* -f FILE: config_load, its problem logged; NULL on error. */
struct config	*audit_config(const char *file);
/* For a subcommand of -f FILE alone: parse argv, load FILE (NULL: error). */
struct config	*audit_config_args(int argc, char *argv[], const char *name,
		    const char **file);

/*
 * The files of one log, oldest first: <path>.1, <path>.2, ... as long as
 * they exist, then <path> when it exists.
 */
struct audit_files {
	char	**path;
	size_t	  n;
};

int	audit_files_find(const char *audit_path, struct audit_files *);
void	audit_files_free(struct audit_files *);
/* <path>.<n>, malloc'ed; NULL (logged) when out of memory. */
char	*audit_file_name(const char *audit_path, unsigned long n);

/*
 * A bounded line reader: a file is read in chunks, never whole, and no
 * line longer than AUDIT_LINE_MAX is kept (it is skipped to its newline
 * and reported as AUDIT_LINE_LONG).
 */
enum audit_line {
	AUDIT_LINE_ERROR = -1,	/* a read error, logged */
	AUDIT_LINE_EOF = 0,
	AUDIT_LINE_OK,		/* a line ended by a newline */
	AUDIT_LINE_PARTIAL,	/* the file's last line, with no newline */
	AUDIT_LINE_LONG,	/* longer than AUDIT_LINE_MAX; text not kept */
};

struct audit_reader {
	const char	*path;
	int		 fd;
	char		*buf;
	size_t		 cap, start, end;
	int		 eof, skipping;
	unsigned long	 lineno;	/* of the line just returned */
	const char	*line;		/* not NUL-terminated */
	size_t		 len;
};

int		audit_reader_open(struct audit_reader *, const char *path);
enum audit_line	audit_reader_next(struct audit_reader *);
void		audit_reader_close(struct audit_reader *);

/* The line as a JSON value; NULL with *dup set when a key appears twice. */
json_t	*audit_json(const char *line, size_t len, int *dup);

/* A member of type string, or NULL. */
const char	*audit_str(const json_t *, const char *key);

/* YYYY-MM-DDTHH:MM:SS.mmmZ, checked field by field; 0 or -1. */
int	audit_time_check(const char *);
/* The same, as milliseconds since the epoch; 0 or -1. */
int	audit_time_ms(const char *, int64_t *);

#endif
