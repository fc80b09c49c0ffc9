/*
 * The roster: the users file loaded by directory_load (common/users.c),
 * then each user copied into a stripped object of the members listed in
 * kept[] and the full directory freed at once, with its search records
 * and every member a decision does not read (identities, logins, custom
 * fields).  Copied members share jansson's values with the freed objects,
 * which leaves the roster their only holder.  Lookups bisect an array
 * sorted by user_id, as the directory's index does.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "log.h"
#include "roster.h"

#define ROSTER_ERR_MAX	1024

/* What a decision or a token reads of a user; nothing else is kept. */
static const char *const kept[] = {
	"user_id", "email", "email_verified", "blocked", "app_metadata",
	"name", "given_name", "family_name", "nickname", "picture",
	"updated_at", "user_metadata",
};

static struct user	*users;		/* by user_id */
static size_t		 nusers;

static void
free_users(struct user *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		json_decref(v[i].obj);
	free(v);
}

/* A stripped copy of full, a checked user object, into u; -1: no memory. */
static int
strip(const json_t *full, struct user *u)
{
	json_t	*obj, *v;
	size_t	 i;

	if ((obj = json_object()) == NULL)
		return -1;
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		v = json_object_get(full, kept[i]);
		if (v != NULL && json_object_set(obj, kept[i], v) == -1) {
			json_decref(obj);
			return -1;
		}
	}
	u->obj = obj;
	u->user_id = json_string_value(json_object_get(obj, "user_id"));
	u->email = json_string_value(json_object_get(obj, "email"));
	u->blocked = json_is_true(json_object_get(obj, "blocked"));
	u->email_verified = json_is_true(json_object_get(obj,
	    "email_verified"));
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	const struct user	*ua = a, *ub = b;

	return strcmp(ua->user_id, ub->user_id);
}

int
roster_load(const struct config *conf)
{
	struct directory	*d;
	struct user		*v;
	char			 err[ROSTER_ERR_MAX];
	size_t			 i, n;

	if ((d = directory_load(conf->users_file, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		return -1;
	}
	n = directory_count(d);
	if ((v = calloc(n ? n : 1, sizeof(*v))) == NULL) {
		directory_free(d);
		log_warnx("%s: out of memory", conf->users_file);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (strip(directory_user(d, i)->obj, &v[i]) == -1) {
			free_users(v, i);
			directory_free(d);
			log_warnx("%s: out of memory", conf->users_file);
			return -1;
		}
	directory_free(d);
	/* The loader refused duplicate ids: the order is total. */
	qsort(v, n, sizeof(*v), cmp_id);
	roster_free();
	users = v;
	nusers = n;
	log_info("%s: %zu users", conf->users_file, n);
	return 0;
}

const struct user *
roster_user(const char *user_id)
{
	size_t	 lo = 0, hi = nusers, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(user_id, users[mid].user_id)) == 0)
			return &users[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t
roster_by_email(const char *email, const struct user **out, size_t max)
{
	size_t	 i, n = 0;

	/* A sign-in now and then: a scan, and no index to keep. */
	for (i = 0; i < nusers; i++)
		if (users[i].email != NULL &&
		    strcasecmp(users[i].email, email) == 0) {
			if (n < max)
				out[n] = &users[i];
			n++;
		}
	return n;
}

size_t
roster_count(void)
{
	return nusers;
}

void
roster_free(void)
{
	free_users(users, nusers);
	users = NULL;
	nusers = 0;
}
