/*
 * Reading the audit log: the files in their order, a bounded line reader,
 * and the few typed reads that verify and show share.  Nothing here trusts
 * the file: a line is a line of at most AUDIT_LINE_MAX bytes, and anything
 * else is reported, never allocated for.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "log.h"

#define AUDIT_READ_CHUNK	(64 * 1024)
#define AUDIT_FILES_MAX		100000	/* rotated files; a sanity bound */

char *
audit_file_name(const char *audit_path, unsigned long n)
{
	char	*s;

	if (asprintf(&s, "%s.%lu", audit_path, n) == -1) {
		log_warn("asprintf");
		return NULL;
	}
	return s;
}

/* 1 when path exists, 0 when it does not, -1 (logged) when unknown. */
static int
audit_exists(const char *path)
{
	struct stat	 st;

	if (stat(path, &st) == 0)
		return 1;
	if (errno == ENOENT)
		return 0;
	log_warn("%s", path);
	return -1;
}

static int
audit_files_add(struct audit_files *f, char *path)
{
	char	**v;

	if ((v = reallocarray(f->path, f->n + 1, sizeof(*v))) == NULL) {
		log_warn("reallocarray");
		free(path);
		return -1;
	}
	f->path = v;
	f->path[f->n++] = path;
	return 0;
}

int
audit_files_find(const char *audit_path, struct audit_files *f)
{
	unsigned long	 n;
	char		*path;
	int		 e;

	memset(f, 0, sizeof(*f));
	for (n = 1; n <= AUDIT_FILES_MAX; n++) {
		if ((path = audit_file_name(audit_path, n)) == NULL)
			goto fail;
		if ((e = audit_exists(path)) != 1) {
			free(path);
			if (e == -1)
				goto fail;
			break;
		}
		if (audit_files_add(f, path) == -1)
			goto fail;
	}
	if ((e = audit_exists(audit_path)) == -1)
		goto fail;
	if (e == 1) {
		if ((path = strdup(audit_path)) == NULL) {
			log_warn("strdup");
			goto fail;
		}
		if (audit_files_add(f, path) == -1)
			goto fail;
	}
	return 0;
 fail:
	audit_files_free(f);
	return -1;
}

void
audit_files_free(struct audit_files *f)
{
	size_t	 i;

	for (i = 0; i < f->n; i++)
		free(f->path[i]);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

int
audit_reader_open(struct audit_reader *r, const char *path)
{
	struct stat	 st;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		log_warn("%s", path);
		return -1;
	}
	/* A FIFO or a device would block or never end. */
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		if (fstat(fd, &st) == -1)
			log_warn("%s", path);
		else
			log_warnx("%s: not a regular file", path);
		(void)close(fd);
		return -1;
	}
	return audit_reader_fd(r, fd, path);
}

int
audit_reader_fd(struct audit_reader *r, int fd, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->path = name;
	r->fd = fd;
	r->cap = AUDIT_LINE_MAX + AUDIT_READ_CHUNK;
	if ((r->buf = malloc(r->cap)) == NULL) {
		log_warn("malloc");
		(void)close(r->fd);
		r->fd = -1;
		return -1;
	}
	return 0;
}

void
audit_reader_close(struct audit_reader *r)
{
	if (r->fd != -1)
		(void)close(r->fd);
	free(r->buf);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

/* Returns the line found in the buffer, or AUDIT_LINE_EOF for "none yet". */
static enum audit_line
audit_reader_take(struct audit_reader *r)
{
	char	*nl;
	size_t	 avail = r->end - r->start;

	nl = memchr(r->buf + r->start, '\n', avail);
	if (nl == NULL && !r->eof)
		return AUDIT_LINE_EOF;
	if (nl == NULL && avail == 0 && !r->skipping)
		return AUDIT_LINE_EOF;
	r->line = r->buf + r->start;
	r->len = nl != NULL ? (size_t)(nl - r->line) : avail;
	r->start += r->len + (nl != NULL);
	r->lineno++;
	if (r->skipping || r->len > AUDIT_LINE_MAX) {
		r->skipping = 0;
		r->line = NULL;
		r->len = 0;
		return AUDIT_LINE_LONG;
	}
	return nl != NULL ? AUDIT_LINE_OK : AUDIT_LINE_PARTIAL;
}

enum audit_line
audit_reader_next(struct audit_reader *r)
{
	enum audit_line	 st;
	ssize_t		 n;

	for (;;) {
		if ((st = audit_reader_take(r)) != AUDIT_LINE_EOF || r->eof)
			return st;
		if (r->end - r->start > AUDIT_LINE_MAX) {
			/* Too long already: drop it, find its end. */
			r->skipping = 1;
			r->start = r->end = 0;
		} else if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_warn("%s", r->path);
			return AUDIT_LINE_ERROR;
		}
		if (n == 0)
			r->eof = 1;
		r->end += (size_t)n;
		r->bytes += (size_t)n;
	}
}

json_t *
audit_json(const char *line, size_t len, int *dup)
{
	json_error_t	 err;
	json_t		*o;

	*dup = 0;
	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
	if (o == NULL && json_error_code(&err) == json_error_duplicate_key)
		*dup = 1;
	return o;
}

const char *
audit_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

size_t
audit_read_seq(const char *s, size_t n, json_int_t *seq)
{
#if JSON_INTEGER_IS_LONG_LONG
	const json_int_t	 max = LLONG_MAX;
#else
	const json_int_t	 max = LONG_MAX;
#endif
	json_int_t		 v = 0;
	size_t			 i;
	int			 d;

	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		d = s[i] - '0';
		if ((i == 0 && d == 0) || v > (max - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*seq = v;
	return i;
}

int
audit_is_hex(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((s[i] < '0' || s[i] > '9') && (s[i] < 'a' || s[i] > 'f'))
			return 0;
	return 1;
}

static int
audit_digits(const char *s, size_t n, int lo, int hi, int *v)
{
	size_t	 i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return *v >= lo && *v <= hi ? 0 : -1;
}

static int
audit_time_fields(const char *s, struct tm *tm, int *ms)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int	 y, mo, d, h, mi, sec;

	if (strlen(s) != AUDIT_TIME_LEN || s[4] != '-' || s[7] != '-' ||
	    s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' ||
	    s[23] != 'Z')
		return -1;
	if (audit_digits(s, 4, 0, 9999, &y) == -1 ||
	    audit_digits(s + 5, 2, 1, 12, &mo) == -1 ||
	    audit_digits(s + 8, 2, 1, mdays[mo - 1], &d) == -1 ||
	    (mo == 2 && d == 29 && (y % 4 != 0 ||
	    (y % 100 == 0 && y % 400 != 0))) ||
	    audit_digits(s + 11, 2, 0, 23, &h) == -1 ||
	    audit_digits(s + 14, 2, 0, 59, &mi) == -1 ||
	    audit_digits(s + 17, 2, 0, 60, &sec) == -1 ||
	    audit_digits(s + 20, 3, 0, 999, ms) == -1)
		return -1;
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = y - 1900;
	tm->tm_mon = mo - 1;
	tm->tm_mday = d;
	tm->tm_hour = h;
	tm->tm_min = mi;
	tm->tm_sec = sec;
	return 0;
}

int
audit_time_check(const char *s)
{
	struct tm	 tm;
	int		 ms;

	return audit_time_fields(s, &tm, &ms);
}

int
audit_time_ms(const char *s, int64_t *out)
{
	struct tm	 tm;
	time_t		 t;
	int		 ms;

	if (audit_time_fields(s, &tm, &ms) == -1)
		return -1;
	t = timegm(&tm);
	*out = (int64_t)t * 1000 + ms;
	return 0;
}
