/* Logging to stderr, for journald: one line per event, never a secret. */
#ifndef GUISE_LOG_H
#define GUISE_LOG_H

#include <stdarg.h>

void	log_init(const char *procname, int debug);
void	log_procname(const char *procname);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));

/*
 * Info lines gathered to be written with one write(2) (the journald lines
 * of a batch of audit records): a system call a batch, not a line.  Whole
 * lines only; flushed when the next would not fit.  A line is added
 * already made (no printf: a line a token).
 */
struct logbatch {
	char	 buf[16384];
	size_t	 len;
};
void	logbatch_add(struct logbatch *, const char *, size_t);
void	logbatch_flush(struct logbatch *);

void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
