/*
 * Each user's search record: what searches read (user_attr and
 * user_meta_any in users.h), copied at load into one arena per directory.
 * users.c loads, checks and indexes the users; users_attr.c builds and
 * reads their records.  Private to those two files.
 */
#ifndef GUISE_USERS_ATTR_H
#define GUISE_USERS_ATTR_H

#include <stddef.h>
#include <stdint.h>

#include "users.h"

/* Grown while a directory loads; its offsets stay below 4 GiB. */
struct users_arena {
	char		*base;
	size_t		 len;
	size_t		 cap;
};

struct users_record {
	struct user	 u;	/* first: a user leads to its record */
	const char	*arena;	/* the directory's, once loaded */
	uint32_t	 off[UA__MAX];	/* in arena, or absent */
	uint32_t	 len[UA__MAX];
};

/*
 * Copy what searches read of r->u.obj, a checked user object, into the
 * arena and note where in r; -1 when out of memory or past 4 GiB.  Set
 * r->arena to the arena's base only once it has stopped moving.
 */
int	users_attr_put(struct users_arena *, struct users_record *r);

#endif
