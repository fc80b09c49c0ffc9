/*
 * The typed JSON reader of jsonread.h: every value is fetched with its
 * expected type and every error names the key path of the value.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonread.h"

static void
sanitize(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void
jr_init(struct jsonread *jr, const char *name, const char *dir, char *err,
    size_t errlen)
{
	memset(jr, 0, sizeof(*jr));
	jr->name = name;
	jr->dir = dir;
	jr->err = err;
	jr->errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
}

json_t *
jr_load(struct jsonread *jr, const char *buf, size_t len)
{
	json_t		*top;
	json_error_t	 jerr;

	/* Without JSON_ALLOW_NUL jansson itself refuses "\u0000". */
	if ((top = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL)
		jr_error(jr, NULL, "line %d, column %d: %s", jerr.line,
		    jerr.column, jerr.text);
	return top;
}

int
jr_error(struct jsonread *jr, const char *key, const char *fmt, ...)
{
	va_list	 ap;
	char	 what[512];
	int	 n;

	if (jr->err == NULL || jr->errlen == 0)
		return -1;
	va_start(ap, fmt);
	(void)vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (key == NULL && jr->len == 0)
		n = snprintf(jr->err, jr->errlen, "%s: %s", jr->name, what);
	else
		n = snprintf(jr->err, jr->errlen, "%s: %s%s%s: %s", jr->name,
		    jr->path, (key != NULL && jr->len > 0) ? "." : "",
		    key != NULL ? key : "", what);
	if (n < 0)
		jr->err[0] = '\0';
	sanitize(jr->err);
	return -1;
}

/* Append to the key path, truncating; return the old length. */
static size_t __attribute__((format(printf, 2, 3)))
path_push(struct jsonread *jr, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 saved = jr->len;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(jr->path + jr->len, sizeof(jr->path) - jr->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		jr->len += (size_t)n;
	if (jr->len >= sizeof(jr->path))
		jr->len = sizeof(jr->path) - 1;
	return saved;
}

size_t
jr_key(struct jsonread *jr, const char *key)
{
	return path_push(jr, "%s%s", jr->len > 0 ? "." : "", key);
}

size_t
jr_index(struct jsonread *jr, size_t i)
{
	return path_push(jr, "[%zu]", i);
}

void
jr_pop(struct jsonread *jr, size_t saved)
{
	jr->len = saved;
	jr->path[saved] = '\0';
}

int
jr_in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

int
jr_check_keys(struct jsonread *jr, json_t *obj, const char *const *allowed)
{
	const char	*key;
	json_t		*v;

	json_object_foreach(obj, key, v) {
		if (!jr_in_list(allowed, key))
			return jr_error(jr, key, "unknown key");
	}
	return 0;
}

static const char *
type_name(json_type t)
{
	switch (t) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JR_BOOLEAN:
		return "true or false";
	default:
		return "?";
	}
}

static int
is_type(json_t *v, json_type t)
{
	if (t == JR_BOOLEAN)
		return json_is_boolean(v);
	return json_typeof(v) == t;
}

int
jr_get(struct jsonread *jr, json_t *obj, const char *key, json_type t,
    int required, json_t **out)
{
	json_t	*v;

	*out = NULL;
	if ((v = json_object_get(obj, key)) == NULL) {
		if (required)
			return jr_error(jr, key, "missing");
		return 0;
	}
	if (!is_type(v, t))
		return jr_error(jr, key, "must be %s", type_name(t));
	*out = v;
	return 0;
}

const char *
jr_str_value(struct jsonread *jr, const char *key, json_t *v)
{
	const char	*s;

	if (!json_is_string(v)) {
		jr_error(jr, key, "must be a string");
		return NULL;
	}
	s = json_string_value(v);
	if (json_string_length(v) != strlen(s)) {
		jr_error(jr, key, "must not contain a NUL byte");
		return NULL;
	}
	if (*s == '\0') {
		jr_error(jr, key, "must not be empty");
		return NULL;
	}
	return s;
}

int
jr_get_str(struct jsonread *jr, json_t *obj, const char *key, int required,
    const char **out)
{
	json_t	*v;

	*out = NULL;
	if (jr_get(jr, obj, key, JSON_STRING, required, &v) == -1)
		return -1;
	if (v == NULL)
		return 0;
	if ((*out = jr_str_value(jr, key, v)) == NULL)
		return -1;
	return 0;
}

int
jr_dup_str(struct jsonread *jr, const char *key, const char *s, char **out)
{
	if ((*out = strdup(s)) == NULL)
		return jr_error(jr, key, "%s", strerror(errno));
	return 0;
}

int
jr_get_strdup(struct jsonread *jr, json_t *obj, const char *key,
    int required, char **out)
{
	const char	*s;

	if (jr_get_str(jr, obj, key, required, &s) == -1)
		return -1;
	if (s == NULL)
		return 0;
	return jr_dup_str(jr, key, s, out);
}

int
jr_get_path(struct jsonread *jr, json_t *obj, const char *key, char **out)
{
	const char	*s, *sep;

	if (jr_get_str(jr, obj, key, 1, &s) == -1 || s == NULL)
		return -1;
	if (s[0] == '/' || jr->dir == NULL || jr->dir[0] == '\0')
		return jr_dup_str(jr, key, s, out);
	sep = jr->dir[strlen(jr->dir) - 1] == '/' ? "" : "/";
	if (asprintf(out, "%s%s%s", jr->dir, sep, s) == -1) {
		*out = NULL;
		return jr_error(jr, key, "%s", strerror(errno));
	}
	return 0;
}

int
jr_get_int(struct jsonread *jr, json_t *obj, const char *key, int required,
    int min, int max, int def, int *out)
{
	json_t		*v;
	json_int_t	 i;

	*out = def;
	if (jr_get(jr, obj, key, JSON_INTEGER, required, &v) == -1)
		return -1;
	if (v == NULL)
		return 0;
	i = json_integer_value(v);
	if (i < min || i > max)
		return jr_error(jr, key, "%lld is out of range %d..%d",
		    (long long)i, min, max);
	*out = (int)i;
	return 0;
}

int
jr_get_bool(struct jsonread *jr, json_t *obj, const char *key, int *out)
{
	json_t	*v;

	*out = 0;
	if (jr_get(jr, obj, key, JR_BOOLEAN, 0, &v) == -1)
		return -1;
	if (v != NULL)
		*out = json_is_true(v);
	return 0;
}

int
jr_get_strlist(struct jsonread *jr, json_t *obj, const char *key,
    int required, jr_strcheck check, char ***vp, size_t *np)
{
	json_t		*a, *v;
	const char	*s, *problem;
	size_t		 i, saved, base;

	if (jr_get(jr, obj, key, JSON_ARRAY, required, &a) == -1)
		return -1;
	if (a == NULL || json_array_size(a) == 0)
		return 0;
	if ((*vp = calloc(json_array_size(a), sizeof(**vp))) == NULL)
		return jr_error(jr, key, "%s", strerror(errno));
	*np = json_array_size(a);
	saved = jr_key(jr, key);
	base = jr->len;
	json_array_foreach(a, i, v) {
		jr_index(jr, i);
		if ((s = jr_str_value(jr, NULL, v)) == NULL)
			return -1;
		if (check != NULL && (problem = check(s)) != NULL)
			return jr_error(jr, NULL, "\"%s\" %s", s, problem);
		if (jr_dup_str(jr, NULL, s, &(*vp)[i]) == -1)
			return -1;
		jr_pop(jr, base);
	}
	jr_pop(jr, saved);
	return 0;
}

int
jr_each(struct jsonread *jr, const char *key, json_t *a,
    int (*fn)(struct jsonread *, json_t *, void *, size_t), void *arg)
{
	json_t	*v;
	size_t	 i, saved, base;

	saved = jr_key(jr, key);
	base = jr->len;
	json_array_foreach(a, i, v) {
		jr_index(jr, i);
		if (fn(jr, v, arg, i) == -1)
			return -1;
		jr_pop(jr, base);
	}
	jr_pop(jr, saved);
	return 0;
}
