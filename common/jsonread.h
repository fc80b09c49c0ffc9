/*
 * A typed reader of a JSON document (jansson) that refuses what it does not
 * know and names the key path of every problem, as
 * "NAME: key.path[3].key: problem", so the operator can find it.  It knows
 * nothing of what the document means: callers bring their key tables and
 * validators.
 *
 * The reader keeps the key path of the value being read in one buffer;
 * jr_key() and jr_index() append to it and return the old length, jr_pop()
 * cuts it back.  A caller that gives up on the first error (and frees what
 * it built) never needs to pop the paths of a failed read.
 *
 * Every function returning int returns 0, or -1 with the error written.
 */
#ifndef GUISE_JSONREAD_H
#define GUISE_JSONREAD_H

#include <stddef.h>

#include <jansson.h>

#define JR_KEYPATH_MAX	256

/* A pseudo type for jr_get(): jansson has JSON_TRUE and JSON_FALSE only. */
#define JR_BOOLEAN	JSON_TRUE

struct jsonread {
	const char	*name;		/* first in every message */
	const char	*dir;		/* for relative paths; may be NULL */
	char		*err;		/* the caller's buffer; may be NULL */
	size_t		 errlen;
	char		 path[JR_KEYPATH_MAX];
	size_t		 len;
};

/* Either a problem with s (to follow it in a message), or NULL when fine. */
typedef const char *(*jr_strcheck)(const char *s);

/* Start a read: empty key path, err (when given) emptied. */
void		 jr_init(struct jsonread *, const char *name, const char *dir,
		    char *err, size_t errlen);

/*
 * Parse len bytes at buf, refusing duplicate keys; NULL with the error
 * ("NAME: line L, column C: problem") written.  The caller decrefs.
 */
json_t		*jr_load(struct jsonread *, const char *buf, size_t len);

/* Write "NAME: path.key: problem" (key may be NULL); return -1. */
int		 jr_error(struct jsonread *, const char *key, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));

/* Append ".key" or "[i]" to the key path; return the old length. */
size_t		 jr_key(struct jsonread *, const char *key);
size_t		 jr_index(struct jsonread *, size_t i);
/* Cut the key path back to a length jr_key() or jr_index() returned. */
void		 jr_pop(struct jsonread *, size_t saved);

/* 1 when s is in the NULL-terminated list, else 0. */
int		 jr_in_list(const char *const *list, const char *s);

/* Refuse any key of the object obj that is not in the list allowed. */
int		 jr_check_keys(struct jsonread *, json_t *obj,
		    const char *const *allowed);

/*
 * Fetch obj[key] of type t (a json_type or JR_BOOLEAN) into *out: -1 when
 * it has another type or is required and missing, 0 with *out NULL when
 * optional and missing.
 */
int		 jr_get(struct jsonread *, json_t *obj, const char *key,
		    json_type t, int required, json_t **out);

/* The text of string v: not empty, no NUL byte; NULL on error. */
const char	*jr_str_value(struct jsonread *, const char *key, json_t *v);

/* Borrow the text of obj[key]; *out stays NULL when optional and missing. */
int		 jr_get_str(struct jsonread *, json_t *obj, const char *key,
		    int required, const char **out);

/* strdup(s) into *out; the error is reported under key (may be NULL). */
int		 jr_dup_str(struct jsonread *, const char *key, const char *s,
		    char **out);

/* Copy obj[key] into *out; *out stays NULL when optional and missing. */
int		 jr_get_strdup(struct jsonread *, json_t *obj, const char *key,
		    int required, char **out);

/* Copy the required path obj[key], made absolute against dir. */
int		 jr_get_path(struct jsonread *, json_t *obj, const char *key,
		    char **out);

/* An integer in min..max into *out; def when optional and missing. */
int		 jr_get_int(struct jsonread *, json_t *obj, const char *key,
		    int required, int min, int max, int def, int *out);

/* An optional true or false into *out; 0 when missing. */
int		 jr_get_bool(struct jsonread *, json_t *obj, const char *key,
		    int *out);

/*
 * Copy the array obj[key] of strings, each passing check when given, into
 * a new array *v of *n strings.  An optional missing or empty array leaves
 * both untouched.  On error *v and *n already hold what was copied (the
 * rest NULL), for the caller to free.
 */
int		 jr_get_strlist(struct jsonread *, json_t *obj,
		    const char *key, int required, jr_strcheck check,
		    char ***v, size_t *n);

/* Run fn(jr, a[i], arg, i) on each element of array a, the path at key[i]. */
int		 jr_each(struct jsonread *, const char *key, json_t *a,
		    int (*fn)(struct jsonread *, json_t *, void *, size_t),
		    void *arg);

#endif
