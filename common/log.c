/*
 * Log helpers in one place.  Every process writes single lines to stderr
 * prefixed with its role, so that journald shows which one spoke.  The line
 * is built in one buffer and written with one write(2), which is allowed in
 * the signer's sandbox and keeps lines from different processes whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static const char	*log_name = "guise";
static int		 log_verbose;

void
log_init(const char *procname, int debug)
{
	log_name = procname;
	log_verbose = debug;
}

void
log_procname(const char *procname)
{
	log_name = procname;
}

#define LINE_MAX_LEN	1024

/* The line without its newline, cut to leave room for ": error\n". */
static int __attribute__((format(printf, 4, 0)))
format_line(char *line, const char *level, int with_errno, const char *fmt,
    va_list ap)
{
	int	 saved = errno, n, m;

	n = snprintf(line, LINE_MAX_LEN, "%s: %s", log_name, level);
	if (n < 0 || n >= LINE_MAX_LEN)
		n = 0;
	m = vsnprintf(line + n, LINE_MAX_LEN - n, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n >= LINE_MAX_LEN - 2)
		n = LINE_MAX_LEN - 2;
	if (with_errno) {
		m = snprintf(line + n, LINE_MAX_LEN - n, ": %s",
		    strerror(saved));
		if (m > 0)
			n += m;
		if (n >= LINE_MAX_LEN - 2)
			n = LINE_MAX_LEN - 2;
	}
	errno = saved;
	return n;
}

/* Nowhere to report a failed log write. */
static void
write_stderr(const char *buf, size_t len)
{
	int	 saved = errno;

	if (write(STDERR_FILENO, buf, len) == -1)
		errno = saved;
	errno = saved;
}

static void __attribute__((format(printf, 3, 0)))
vlog(const char *level, int with_errno, const char *fmt, va_list ap)
{
	char	 line[LINE_MAX_LEN];
	int	 n;

	n = format_line(line, level, with_errno, fmt, ap);
	line[n++] = '\n';
	write_stderr(line, n);
}

void
logbatch_add(struct logbatch *lb, const char *msg, size_t len)
{
	size_t	 name = strlen(log_name);

	/* Cut as a formatted line would be, room kept for ": " and "\n". */
	if (len > LINE_MAX_LEN - 2 - name - 2)
		len = LINE_MAX_LEN - 2 - name - 2;
	if (sizeof(lb->buf) - lb->len < LINE_MAX_LEN)
		logbatch_flush(lb);
	memcpy(lb->buf + lb->len, log_name, name);
	memcpy(lb->buf + lb->len + name, ": ", 2);
	memcpy(lb->buf + lb->len + name + 2, msg, len);
	lb->len += name + 2 + len;
	lb->buf[lb->len++] = '\n';
}

void
logbatch_flush(struct logbatch *lb)
{
	if (lb->len > 0)
		write_stderr(lb->buf, lb->len);
	lb->len = 0;
}

#define LOG_FN(name, level, with_errno)				\
void								\
name(const char *fmt, ...)					\
{								\
	va_list	ap;						\
	va_start(ap, fmt);					\
	vlog(level, with_errno, fmt, ap);			\
	va_end(ap);						\
}

LOG_FN(log_warn, "warning: ", 1)
LOG_FN(log_warnx, "warning: ", 0)
LOG_FN(log_info, "", 0)

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vlog("debug: ", 0, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog("fatal: ", 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog("fatal: ", 0, fmt, ap);
	va_end(ap);
	exit(1);
}
