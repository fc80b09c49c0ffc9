/*
 * The users directory.  The file is read whole (capped), then parsed one
 * user object at a time with jansson's JSON_DISABLE_EOF_CHECK, which stops
 * after one value and says how many bytes it used: that is how an error
 * can name its line in a file of a hundred thousand users, and how the
 * array form and NDJSON share one parser.  Users are read-only once
 * loaded; the indexes are sorted arrays searched by bisection.  What
 * searches read of each user is copied into its record by users_attr.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "log.h"
#include "users.h"
#include "users_attr.h"

#define USERS_ERR_MAX	1024

struct email_entry {
	const char		*email;		/* lower-cased, in emails */
	const struct user	*user;
};

struct directory {
	struct users_record	*recs;		/* in file order */
	size_t			 n;
	const struct user	**by_id;	/* by user_id */
	struct email_entry	*by_email;	/* by email, then file order */
	size_t			 nemail;
	char			*emails;
	struct users_arena	 arena;
};

struct loader {
	const char		*name;
	const char		*buf;
	size_t			 len;
	size_t			 off;
	size_t			 line;		/* the line of scanned */
	size_t			 scanned;
	char			*err;
	size_t			 errlen;
	struct directory	*d;
	size_t			 cap;
	size_t			*lines;		/* where each user starts */
};

/* Optional members and the JSON type each must have. */
static const struct {
	const char	*key;
	json_type	 type;		/* JSON_TRUE: a boolean */
} members[] = {
	{ "email",		JSON_STRING },
	{ "email_verified",	JSON_TRUE },
	{ "blocked",		JSON_TRUE },
	{ "name",		JSON_STRING },
	{ "nickname",		JSON_STRING },
	{ "given_name",		JSON_STRING },
	{ "family_name",	JSON_STRING },
	{ "picture",		JSON_STRING },
	{ "created_at",		JSON_STRING },
	{ "updated_at",		JSON_STRING },
	{ "last_login",		JSON_STRING },
	{ "logins_count",	JSON_INTEGER },
	{ "identities",		JSON_ARRAY },
	{ "app_metadata",	JSON_OBJECT },
	{ "user_metadata",	JSON_OBJECT },
};

static int
load_error(struct loader *ld, size_t line, const char *id, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static int
load_error(struct loader *ld, size_t line, const char *id, const char *fmt,
    ...)
{
	va_list	 ap;
	char	 msg[256];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ld->err == NULL || ld->errlen == 0)
		return -1;
	if (id != NULL)
		snprintf(ld->err, ld->errlen, "%s: line %zu: user \"%s\": %s",
		    ld->name, line, id, msg);
	else
		snprintf(ld->err, ld->errlen, "%s: line %zu: %s", ld->name,
		    line, msg);
	return -1;
}

/* The line of offset off; offsets only ever move forward. */
static size_t
line_at(struct loader *ld, size_t off)
{
	const char	*p = ld->buf + ld->scanned, *end = ld->buf + off, *nl;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		ld->line++;
		p = nl + 1;
	}
	ld->scanned = off;
	return ld->line;
}

static void
skip_space(struct loader *ld)
{
	char	 c;

	while (ld->off < ld->len) {
		c = ld->buf[ld->off];
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			break;
		ld->off++;
	}
}

static const char *
type_name(json_type t)
{
	switch (t) {
	case JSON_STRING:	return "a string";
	case JSON_TRUE:		return "true or false";
	case JSON_INTEGER:	return "an integer";
	case JSON_ARRAY:	return "an array";
	case JSON_OBJECT:	return "an object";
	default:		return "something else";
	}
}

static int
check_user_id(struct loader *ld, json_t *obj, size_t line)
{
	json_t		*v = json_object_get(obj, "user_id");
	const char	*id;
	size_t		 i, len;

	if (v == NULL)
		return load_error(ld, line, NULL, "user_id is missing");
	if (!json_is_string(v))
		return load_error(ld, line, NULL, "user_id must be a string");
	id = json_string_value(v);
	len = json_string_length(v);
	if (len == 0)
		return load_error(ld, line, NULL, "user_id is empty");
	if (len > USER_ID_MAX)
		return load_error(ld, line, NULL, "user_id is longer than %d "
		    "bytes", USER_ID_MAX);
	/* Ids go into paths, logs and tokens: no NUL, no control. */
	for (i = 0; i < len; i++)
		if ((unsigned char)id[i] < 0x20 || id[i] == 0x7f)
			return load_error(ld, line, NULL, "user_id holds a "
			    "control character");
	return 0;
}

static int
check_members(struct loader *ld, json_t *obj, size_t line, const char *id)
{
	json_t	*v;
	size_t	 i;
	int	 ok;

	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		if ((v = json_object_get(obj, members[i].key)) == NULL)
			continue;
		ok = members[i].type == JSON_TRUE ? json_is_boolean(v) :
		    json_typeof(v) == members[i].type;
		if (!ok)
			return load_error(ld, line, id, "%s must be %s",
			    members[i].key, type_name(members[i].type));
	}
	/* No NUL in any string: jansson refuses \u0000 unless asked. */
	v = json_object_get(obj, "email");
	if (v != NULL && json_string_length(v) > USER_EMAIL_MAX)
		return load_error(ld, line, id, "email is longer than %d bytes",
		    USER_EMAIL_MAX);
	v = json_object_get(obj, "logins_count");
	if (v != NULL && json_integer_value(v) < 0)
		return load_error(ld, line, id, "logins_count is negative");
	return 0;
}

static int
check_roles(struct loader *ld, json_t *obj, size_t line, const char *id)
{
	json_t	*roles, *r;
	size_t	 i;

	roles = json_object_get(json_object_get(obj, "app_metadata"), "roles");
	if (roles == NULL)
		return 0;
	if (!json_is_array(roles))
		return load_error(ld, line, id, "app_metadata.roles must be "
		    "an array of strings");
	json_array_foreach(roles, i, r)
		if (!json_is_string(r))
			return load_error(ld, line, id, "app_metadata.roles[%zu] "
			    "must be a string", i);
	return 0;
}

static int
check_identities(struct loader *ld, json_t *obj, size_t line, const char *id)
{
	json_t	*ids, *ident, *c;
	size_t	 i;

	if ((ids = json_object_get(obj, "identities")) == NULL)
		return 0;
	json_array_foreach(ids, i, ident) {
		if (!json_is_object(ident))
			return load_error(ld, line, id, "identities[%zu] must be "
			    "an object", i);
		c = json_object_get(ident, "connection");
		if (c != NULL && !json_is_string(c))
			return load_error(ld, line, id, "identities[%zu]."
			    "connection must be a string", i);
	}
	return 0;
}

static int
check_user(struct loader *ld, json_t *obj, size_t line)
{
	const char	*id;

	if (check_user_id(ld, obj, line) == -1)
		return -1;
	id = json_string_value(json_object_get(obj, "user_id"));
	if (check_members(ld, obj, line, id) == -1 ||
	    check_roles(ld, obj, line, id) == -1 ||
	    check_identities(ld, obj, line, id) == -1)
		return -1;
	return 0;
}

static int
grow(struct loader *ld)
{
	struct users_record	*r;
	size_t			*l, cap;

	if (ld->d->n < ld->cap)
		return 0;
	cap = ld->cap ? ld->cap * 2 : 1024;
	if ((r = reallocarray(ld->d->recs, cap, sizeof(*r))) == NULL)
		return -1;
	ld->d->recs = r;
	if ((l = reallocarray(ld->lines, cap, sizeof(*l))) == NULL)
		return -1;
	ld->lines = l;
	ld->cap = cap;
	return 0;
}

/* Take obj (its reference) into the directory, or free it. */
static int
add_user(struct loader *ld, json_t *obj, size_t line)
{
	struct users_record	*r;
	struct user		*u;

	if (check_user(ld, obj, line) == -1)
		goto fail;
	if (ld->d->n == USERS_MAX) {
		load_error(ld, line, NULL, "more than %d users", USERS_MAX);
		goto fail;
	}
	if (grow(ld) == -1) {
		load_error(ld, line, NULL, "out of memory");
		goto fail;
	}
	ld->lines[ld->d->n] = line;
	r = &ld->d->recs[ld->d->n++];
	u = &r->u;
	u->obj = obj;
	u->user_id = json_string_value(json_object_get(obj, "user_id"));
	u->email = json_string_value(json_object_get(obj, "email"));
	u->blocked = json_is_true(json_object_get(obj, "blocked"));
	u->email_verified = json_is_true(json_object_get(obj,
	    "email_verified"));
	if (users_attr_put(&ld->d->arena, r) == -1)
		return load_error(ld, line, u->user_id, "out of memory, or "
		    "more than 4 GiB to index");
	return 0;
 fail:
	json_decref(obj);
	return -1;
}

/* One user object at the current offset. */
static int
parse_user(struct loader *ld)
{
	json_error_t	 e;
	json_t		*obj;
	size_t		 line = line_at(ld, ld->off);

	if (ld->off == ld->len || ld->buf[ld->off] != '{')
		return load_error(ld, line, NULL, "expected a user object");
	obj = json_loadb(ld->buf + ld->off, ld->len - ld->off,
	    JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &e);
	if (obj == NULL)
		return load_error(ld, e.line > 0 ? line + (size_t)e.line - 1 :
		    line, NULL, "%s", e.text);
	ld->off += (size_t)e.position;
	return add_user(ld, obj, line);
}

static int
load_array(struct loader *ld)
{
	ld->off++;
	skip_space(ld);
	if (ld->off < ld->len && ld->buf[ld->off] == ']')
		ld->off++;
	else
		for (;;) {
			skip_space(ld);
			if (parse_user(ld) == -1)
				return -1;
			skip_space(ld);
			if (ld->off < ld->len && ld->buf[ld->off] == ',') {
				ld->off++;
				continue;
			}
			if (ld->off < ld->len && ld->buf[ld->off] == ']') {
				ld->off++;
				break;
			}
			return load_error(ld, line_at(ld, ld->off), NULL,
			    "expected ',' or ']' after a user");
		}
	skip_space(ld);
	if (ld->off < ld->len)
		return load_error(ld, line_at(ld, ld->off), NULL,
		    "unexpected data after the array");
	return 0;
}

/* NDJSON: one user per line (an object may span lines if it must). */
static int
load_lines(struct loader *ld)
{
	char	 c;

	for (;;) {
		skip_space(ld);
		if (ld->off == ld->len)
			return 0;
		if (parse_user(ld) == -1)
			return -1;
		while (ld->off < ld->len && ((c = ld->buf[ld->off]) == ' ' ||
		    c == '\t' || c == '\r'))
			ld->off++;
		if (ld->off < ld->len && ld->buf[ld->off] != '\n')
			return load_error(ld, line_at(ld, ld->off), NULL,
			    "expected the end of the line after a user");
	}
}

static int
cmp_id(const void *a, const void *b)
{
	const struct user	*ua = *(const struct user *const *)a;
	const struct user	*ub = *(const struct user *const *)b;
	int			 c;

	if ((c = strcmp(ua->user_id, ub->user_id)) != 0)
		return c;
	return (ua > ub) - (ua < ub);
}

static int
cmp_email(const void *a, const void *b)
{
	const struct email_entry	*ea = a, *eb = b;
	int				 c;

	if ((c = strcmp(ea->email, eb->email)) != 0)
		return c;
	return (ea->user > eb->user) - (ea->user < eb->user);
}

/* The duplicate user_id that comes first in the file is the one named. */
static int
index_ids(struct loader *ld)
{
	struct directory	*d = ld->d;
	size_t			 i, a, b, worst = 0, first = 0;

	if ((d->by_id = calloc(d->n ? d->n : 1, sizeof(*d->by_id))) == NULL)
		return load_error(ld, 1, NULL, "out of memory");
	for (i = 0; i < d->n; i++)
		d->by_id[i] = &d->recs[i].u;
	qsort(d->by_id, d->n, sizeof(*d->by_id), cmp_id);
	for (i = 1; i < d->n; i++) {
		if (strcmp(d->by_id[i - 1]->user_id, d->by_id[i]->user_id))
			continue;
		a = (size_t)((const struct users_record *)d->by_id[i - 1] -
		    d->recs);
		b = (size_t)((const struct users_record *)d->by_id[i] -
		    d->recs);
		if (worst == 0 || b < worst) {
			worst = b;
			first = a;
		}
	}
	if (worst != 0)
		return load_error(ld, ld->lines[worst], d->recs[worst].u.user_id,
		    "duplicate user_id (first on line %zu)", ld->lines[first]);
	return 0;
}

static int
index_emails(struct loader *ld)
{
	struct directory	*d = ld->d;
	size_t			 i, total = 0, len;
	char			*p;

	for (i = 0; i < d->n; i++)
		if (d->recs[i].u.email != NULL) {
			total += strlen(d->recs[i].u.email) + 1;
			d->nemail++;
		}
	d->emails = malloc(total ? total : 1);
	d->by_email = calloc(d->nemail ? d->nemail : 1, sizeof(*d->by_email));
	if (d->emails == NULL || d->by_email == NULL)
		return load_error(ld, 1, NULL, "out of memory");
	p = d->emails;
	d->nemail = 0;
	for (i = 0; i < d->n; i++) {
		if (d->recs[i].u.email == NULL)
			continue;
		len = strlen(d->recs[i].u.email);
		users_fold(p, d->recs[i].u.email, len);
		d->by_email[d->nemail].email = p;
		d->by_email[d->nemail++].user = &d->recs[i].u;
		p += len + 1;
	}
	qsort(d->by_email, d->nemail, sizeof(*d->by_email), cmp_email);
	return 0;
}

struct directory *
directory_parse(const char *buf, size_t len, const char *name, char *err,
    size_t errlen)
{
	struct loader	 ld;
	size_t		 i;
	int		 r;

	memset(&ld, 0, sizeof(ld));
	ld.name = name;
	ld.buf = buf;
	ld.len = len;
	ld.line = 1;
	ld.err = err;
	ld.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((ld.d = calloc(1, sizeof(*ld.d))) == NULL) {
		load_error(&ld, 1, NULL, "out of memory");
		return NULL;
	}
	/* A byte order mark, as some editors write. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		ld.off = ld.scanned = 3;
	skip_space(&ld);
	if (ld.off == ld.len)
		r = load_error(&ld, line_at(&ld, ld.off), NULL, "no users: "
		    "the file is empty (an empty directory is [])");
	else if (buf[ld.off] == '[')
		r = load_array(&ld);
	else
		r = load_lines(&ld);
	if (r == 0 && (index_ids(&ld) == -1 || index_emails(&ld) == -1))
		r = -1;
	free(ld.lines);
	/* The arena has stopped moving: the records may point at it. */
	for (i = 0; r == 0 && i < ld.d->n; i++)
		ld.d->recs[i].arena = ld.d->arena.base;
	if (r == -1) {
		directory_free(ld.d);
		return NULL;
	}
	return ld.d;
}

/*
 * The whole file, at most USERS_FILE_MAX bytes.  Its size is lseek's, not
 * fstat's: the confined front end reads a reload's file here, and may not
 * stat (glibc's fstat is a newfstatat, which takes any path too).
 */
static char *
read_fd(int fd, const char *file, size_t *lenp, char *err, size_t errlen)
{
	char		*buf = NULL, extra;
	size_t		 len = 0, size;
	ssize_t		 r;
	off_t		 end;

	/* A folder reads as EISDIR even for no bytes; a pipe cannot seek. */
	if (read(fd, &extra, 0) == -1 ||
	    (end = lseek(fd, 0, SEEK_END)) == -1 ||
	    lseek(fd, 0, SEEK_SET) == -1) {
		snprintf(err, errlen, "%s: not a regular file", file);
		goto fail;
	}
	if (end > USERS_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d MiB", file,
		    USERS_FILE_MAX / (1024 * 1024));
		goto fail;
	}
	size = (size_t)end;
	if ((buf = malloc(size + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", file);
		goto fail;
	}
	while (len < size) {
		if ((r = read(fd, buf + len, size - len)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: %s", file, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;		/* shrunk: the parse will say where */
		len += (size_t)r;
	}
	if (len == size && read(fd, &extra, 1) > 0) {
		snprintf(err, errlen, "%s: the file grew while it was read",
		    file);
		goto fail;
	}
	close(fd);
	*lenp = len;
	return buf;
 fail:
	free(buf);
	close(fd);
	return NULL;
}

struct directory *
directory_load_fd(int fd, const char *file, char *err, size_t errlen)
{
	struct directory	*d;
	char			*buf;
	size_t			 len;

	if ((buf = read_fd(fd, file, &len, err, errlen)) == NULL)
		return NULL;
	d = directory_parse(buf, len, file, err, errlen);
	free(buf);
	return d;
}

struct directory *
directory_load(const char *file, char *err, size_t errlen)
{
	int	 fd;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return NULL;
	}
	return directory_load_fd(fd, file, err, errlen);
}

void
directory_free(struct directory *d)
{
	size_t	 i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		json_decref(d->recs[i].u.obj);
	free(d->recs);
	free(d->arena.base);
	free(d->by_id);
	free(d->by_email);
	free(d->emails);
	free(d);
}

size_t
directory_count(const struct directory *d)
{
	return d ? d->n : 0;
}

const struct user *
directory_user(const struct directory *d, size_t i)
{
	return d != NULL && i < d->n ? &d->recs[i].u : NULL;
}

const struct user *
directory_by_id(const struct directory *d, const char *user_id)
{
	size_t	 lo = 0, hi, mid;
	int	 c;

	if (d == NULL)
		return NULL;
	hi = d->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(user_id, d->by_id[mid]->user_id)) == 0)
			return d->by_id[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t
directory_by_email(const struct directory *d, const char *email,
    const struct user **out, size_t max)
{
	char	 key[USER_EMAIL_MAX + 1];
	size_t	 len, lo = 0, hi, mid, n;

	if (d == NULL || (len = strnlen(email, sizeof(key))) == sizeof(key))
		return 0;
	users_fold(key, email, len);
	hi = d->nemail;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(d->by_email[mid].email, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (n = 0; lo + n < d->nemail &&
	    strcmp(d->by_email[lo + n].email, key) == 0; n++)
		if (n < max)
			out[n] = d->by_email[lo + n].user;
	return n;
}

void
users_fold(char *dst, const char *src, size_t len)
{
	size_t	 i;
	char	 c;

	for (i = 0; i < len; i++) {
		c = src[i];
		dst[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	dst[len] = '\0';
}

int
user_has_role(const struct user *u, const char *role)
{
	json_t	*roles, *r;
	size_t	 i;

	roles = json_object_get(json_object_get(u->obj, "app_metadata"),
	    "roles");
	json_array_foreach(roles, i, r)
		if (json_is_string(r) && strcmp(json_string_value(r), role) == 0)
			return 1;
	return 0;
}

/* The front end's current directory. */

static struct directory	*current;

/* Serve d, loaded from file, from now on; -1 (logged) when it did not load. */
static int
users_take(struct directory *d, const char *file, const char *err)
{
	if (d == NULL) {
		log_warnx("%s; keeping the %zu users loaded before", err,
		    directory_count(current));
		return -1;
	}
	/* Requests are answered in one callback: none holds a user now. */
	directory_free(current);
	current = d;
	log_info("%s: %zu users", file, d->n);
	return 0;
}

int
users_init(const char *file)
{
	char	 err[USERS_ERR_MAX];

	return users_take(directory_load(file, err, sizeof(err)), file, err);
}

int
users_init_fd(int fd, const char *file)
{
	char	 err[USERS_ERR_MAX];

	return users_take(directory_load_fd(fd, file, err, sizeof(err)), file,
	    err);
}

void
users_close(void)
{
	directory_free(current);
	current = NULL;
}

const struct directory *
users_current(void)
{
	return current;
}

const struct user *
users_by_id(const char *user_id)
{
	return directory_by_id(current, user_id);
}

size_t
users_by_email(const char *email, const struct user **out, size_t max)
{
	return directory_by_email(current, email, out, max);
}
