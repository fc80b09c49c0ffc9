/*
 * The users' search records.  What searches read of each user is copied
 * into one arena in file order, and its metadata encoded as a compact tree
 * in that arena.  A scan then reads memory in sequence: through jansson's
 * hash tables, the same scan of 100,000 users costs a few cache misses per
 * user, which is several times slower.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "users.h"
#include "users_attr.h"

#define ABSENT		UINT32_MAX	/* an attribute the user does not have */

/* The tags of the metadata tree; scalars use the USER_META_* kinds. */
#define TAG_NULL	'n'
#define TAG_OBJECT	'o'	/* u32 size, u32 count, (u32 len, key, node)* */
#define TAG_ARRAY	'a'	/* u32 size, u32 count, node* */
/* A scalar with text: u32 len, the text, a NUL. */

/* The string attributes, copied as they are. */
static const char *const attr_keys[] = {
	[UA_USER_ID] = "user_id",
	[UA_EMAIL] = "email",
	[UA_NAME] = "name",
	[UA_NICKNAME] = "nickname",
	[UA_GIVEN_NAME] = "given_name",
	[UA_FAMILY_NAME] = "family_name",
	[UA_CREATED_AT] = "created_at",
	[UA_UPDATED_AT] = "updated_at",
	[UA_LAST_LOGIN] = "last_login",
};

/* Append n bytes to the arena, whose offsets must stay below ABSENT. */
static int
arena_put(struct users_arena *ar, const void *p, size_t n)
{
	size_t	 cap;
	char	*a;

	if (n >= ABSENT - ar->len)
		return -1;
	if (n > ar->cap - ar->len) {
		cap = ar->cap ? ar->cap : 1024 * 1024;
		while (cap - ar->len < n)
			cap *= 2;
		if ((a = realloc(ar->base, cap)) == NULL)
			return -1;
		ar->base = a;
		ar->cap = cap;
	}
	memcpy(ar->base + ar->len, p, n);
	ar->len += n;
	return 0;
}

static int
arena_u32(struct users_arena *ar, size_t v)
{
	uint32_t	 u = (uint32_t)v;

	return arena_put(ar, &u, sizeof(u));
}

static int
put_scalar(struct users_arena *ar, char kind, const char *text, size_t len)
{
	if (arena_put(ar, &kind, 1) == -1 || arena_u32(ar, len) == -1 ||
	    arena_put(ar, text, len) == -1 || arena_put(ar, "", 1) == -1)
		return -1;
	return 0;
}

static int	encode(struct users_arena *, json_t *);

/* An object or an array: its size is known only once it is written. */
static int
encode_container(struct users_arena *ar, json_t *v)
{
	const char	*key;
	json_t		*child;
	char		 tag = json_is_object(v) ? TAG_OBJECT : TAG_ARRAY;
	size_t		 i, at, start;
	uint32_t	 size;

	if (arena_put(ar, &tag, 1) == -1)
		return -1;
	at = ar->len;
	if (arena_u32(ar, 0) == -1 || arena_u32(ar, tag == TAG_OBJECT ?
	    json_object_size(v) : json_array_size(v)) == -1)
		return -1;
	start = ar->len;
	if (tag == TAG_OBJECT) {
		json_object_foreach(v, key, child)
			if (arena_u32(ar, strlen(key)) == -1 ||
			    arena_put(ar, key, strlen(key)) == -1 ||
			    encode(ar, child) == -1)
				return -1;
	} else {
		json_array_foreach(v, i, child)
			if (encode(ar, child) == -1)
				return -1;
	}
	size = (uint32_t)(ar->len - start);
	memcpy(ar->base + at, &size, sizeof(size));
	return 0;
}

/* Recursion is bounded by jansson's own nesting limit. */
static int
encode(struct users_arena *ar, json_t *v)
{
	char	 buf[32], tag;
	int	 n;

	switch (json_typeof(v)) {
	case JSON_STRING:
		return put_scalar(ar, USER_META_STRING, json_string_value(v),
		    json_string_length(v));
	case JSON_INTEGER:
		n = snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return put_scalar(ar, USER_META_INTEGER, buf, (size_t)n);
	case JSON_REAL:
		n = snprintf(buf, sizeof(buf), "%.17g", json_real_value(v));
		return put_scalar(ar, USER_META_REAL, buf, (size_t)n);
	case JSON_OBJECT:
	case JSON_ARRAY:
		return encode_container(ar, v);
	default:
		tag = json_is_true(v) ? USER_META_TRUE : json_is_false(v) ?
		    USER_META_FALSE : TAG_NULL;
		return arena_put(ar, &tag, 1);
	}
}

static int
put_attr(struct users_arena *ar, struct users_record *r, enum user_attr a,
    const char *s, size_t len)
{
	r->off[a] = (uint32_t)ar->len;
	r->len[a] = (uint32_t)len;
	if (arena_put(ar, s, len) == -1 || arena_put(ar, "", 1) == -1)
		return -1;
	return 0;
}

static int
put_connections(struct users_arena *ar, struct users_record *r)
{
	json_t		*ident, *c;
	size_t		 i, start = ar->len;

	json_array_foreach(json_object_get(r->u.obj, "identities"), i, ident) {
		if ((c = json_object_get(ident, "connection")) == NULL)
			continue;
		if (arena_put(ar, json_string_value(c),
		    json_string_length(c) + 1) == -1)
			return -1;
	}
	if (ar->len > start) {
		r->off[UA_CONNECTIONS] = (uint32_t)start;
		r->len[UA_CONNECTIONS] = (uint32_t)(ar->len - start);
	}
	return 0;
}

int
users_attr_put(struct users_arena *ar, struct users_record *r)
{
	json_t		*v;
	char		 buf[32];
	size_t		 a;
	int		 n;

	for (a = 0; a < UA__MAX; a++) {
		r->off[a] = ABSENT;
		r->len[a] = 0;
	}
	for (a = 0; a < sizeof(attr_keys) / sizeof(attr_keys[0]); a++)
		if ((v = json_object_get(r->u.obj, attr_keys[a])) != NULL &&
		    put_attr(ar, r, a, json_string_value(v),
		    json_string_length(v)) == -1)
			return -1;
	if ((v = json_object_get(r->u.obj, "logins_count")) != NULL) {
		n = snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		if (put_attr(ar, r, UA_LOGINS_COUNT, buf, (size_t)n) == -1)
			return -1;
	}
	if (put_connections(ar, r) == -1)
		return -1;
	for (a = UA_APP_METADATA; a <= UA_USER_METADATA; a++) {
		v = json_object_get(r->u.obj, a == UA_APP_METADATA ?
		    "app_metadata" : "user_metadata");
		if (v == NULL)
			continue;
		r->off[a] = (uint32_t)ar->len;
		if (encode(ar, v) == -1)
			return -1;
		r->len[a] = (uint32_t)(ar->len - r->off[a]);
	}
	return 0;
}

const char *
user_attr(const struct user *u, enum user_attr a, size_t *len)
{
	const struct users_record	*r = (const struct users_record *)u;

	*len = 0;
	if ((size_t)a >= UA__MAX || r->off[a] == ABSENT)
		return NULL;
	*len = r->len[a];
	return r->arena + r->off[a];
}

static size_t
get_u32(const char *p)
{
	uint32_t	 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The size of the encoded node at p. */
static size_t
node_size(const char *p)
{
	switch (*p) {
	case TAG_OBJECT:
	case TAG_ARRAY:
		return 1 + 8 + get_u32(p + 1);
	case USER_META_STRING:
	case USER_META_INTEGER:
	case USER_META_REAL:
		return 1 + 4 + get_u32(p + 1) + 1;
	default:
		return 1;
	}
}

static int
meta_walk(const char *p, const char *path, size_t len,
    int (*fn)(void *, int, const char *, size_t), void *arg)
{
	const char	*dot;
	size_t		 i, count, seg, klen;
	int		 r;

	if (*p == TAG_ARRAY) {
		count = get_u32(p + 5);
		for (p += 9, i = 0; i < count; i++, p += node_size(p))
			if ((r = meta_walk(p, path, len, fn, arg)) != 0)
				return r;
		return 0;
	}
	if (len == 0) {
		if (*p == USER_META_TRUE || *p == USER_META_FALSE)
			return fn(arg, *p, *p == USER_META_TRUE ? "true" :
			    "false", *p == USER_META_TRUE ? 4 : 5);
		if (*p == TAG_NULL || *p == TAG_OBJECT)
			return 0;
		return fn(arg, *p, p + 5, get_u32(p + 1));
	}
	if (*p != TAG_OBJECT)
		return 0;
	dot = memchr(path, '.', len);
	seg = dot ? (size_t)(dot - path) : len;
	count = get_u32(p + 5);
	for (p += 9, i = 0; i < count; i++) {
		klen = get_u32(p);
		p += 4;
		/* Keys are unique (JSON_REJECT_DUPLICATES): one can match. */
		if (klen == seg && memcmp(p, path, seg) == 0)
			return meta_walk(p + klen, dot ? dot + 1 : path + len,
			    dot ? len - seg - 1 : 0, fn, arg);
		p += klen;
		p += node_size(p);
	}
	return 0;
}

int
user_meta_any(const struct user *u, enum user_attr which, const char *path,
    size_t pathlen, int (*fn)(void *, int, const char *, size_t), void *arg)
{
	const char	*tree;
	size_t		 len;

	if (which != UA_APP_METADATA && which != UA_USER_METADATA)
		return 0;
	if ((tree = user_attr(u, which, &len)) == NULL)
		return 0;
	return meta_walk(tree, path, pathlen, fn, arg);
}
