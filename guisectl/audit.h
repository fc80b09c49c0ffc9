/*
 * guisectl audit: what verify, show and rotate share.  The format is
 * doc/audit.md's; this side only reads it.
 */
#ifndef GUISECTL_AUDIT_H
#define GUISECTL_AUDIT_H

#include <stdarg.h>
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
	size_t		 bytes;		/* read so far */
	const char	*line;		/* not NUL-terminated */
	size_t		 len;
};

int		audit_reader_open(struct audit_reader *, const char *path);
/*
 * A reader of fd, which may be a pipe, named name in messages; fd is
 * closed by audit_reader_close, or here on error.
 */
int		audit_reader_fd(struct audit_reader *, int fd, const char *name);
enum audit_line	audit_reader_next(struct audit_reader *);
void		audit_reader_close(struct audit_reader *);

/* The line as a JSON value; NULL with *dup set when a key appears twice. */
json_t	*audit_json(const char *line, size_t len, int *dup);

/* A member of type string, or NULL. */
const char	*audit_str(const json_t *, const char *key);

/*
 * The decimal seq at s (at most n bytes): 1 to the largest json_int_t,
 * no sign, no leading zero.  Returns the digits read, 0 when there is no
 * such number (what follows them is the caller's to check).
 */
size_t	audit_read_seq(const char *s, size_t n, json_int_t *seq);
/* Are the n bytes at s all lower-case hex digits? */
int	audit_is_hex(const char *s, size_t n);

/* YYYY-MM-DDTHH:MM:SS.mmmZ, checked field by field; 0 or -1. */
int	audit_time_check(const char *);
/* The same, as milliseconds since the epoch; 0 or -1. */
int	audit_time_ms(const char *, int64_t *);

/*
 * A commit: the seq and mac of a record as the audit key's holder vouched
 * for them, in the anchor file or on a journald line (doc/audit.md,
 * "Anchors").
 */
struct audit_commit {
	json_int_t	 seq;
	unsigned long	 line;			/* where it was read */
	char		 mac[AUDIT_MAC_HEX];	/* not NUL-terminated */
};

/* The audit key, ready to make HMAC-SHA256s (audit_key.c). */
struct audit_key;

/* signer.audit_key_file (or a systemd credential); NULL, logged. */
struct audit_key	*audit_key_load(const char *name);
void			 audit_key_free(struct audit_key *);
/* HMAC-SHA256 of a then b, lower-case hex; 0 or -1 (logged). */
int	audit_key_mac(const struct audit_key *, const void *a, size_t alen,
	    const void *b, size_t blen, char hex[AUDIT_MAC_HEX + 1]);
/*
 * Is tag (64 hex digits) the key's HMAC of "guise audit commit N M"?
 * 1, 0, or -1 (logged).
 */
int	audit_key_commit_ok(const struct audit_key *,
	    const struct audit_commit *, const char *tag);

/* The verdict on one record, "FILE:LINE: seq N: problem", on stdout. */
void	audit_verdict(const char *file, unsigned long line, json_int_t seq,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	audit_vverdict(const char *file, unsigned long line, json_int_t seq,
	    const char *fmt, va_list) __attribute__((format(printf, 4, 0)));

#endif
