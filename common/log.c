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

static void __attribute__((format(printf, 3, 0)))
vlog(const char *level, int with_errno, const char *fmt, va_list ap)
{
	char	 line[1024];
	int	 saved = errno, n, m;

	n = snprintf(line, sizeof(line), "%s: %s", log_name, level);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	m = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if ((size_t)n >= sizeof(line) - 2)
		n = sizeof(line) - 2;
	if (with_errno) {
		m = snprintf(line + n, sizeof(line) - n, ": %s",
		    strerror(saved));
		if (m > 0)
			n += m;
		if ((size_t)n >= sizeof(line) - 2)
			n = sizeof(line) - 2;
	}
	line[n++] = '\n';
	/* Nowhere to report a failed log write. */
	if (write(STDERR_FILENO, line, n) == -1)
		errno = saved;
	errno = saved;
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
