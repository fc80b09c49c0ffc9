/*
 * A hash table of fixed capacity, keyed by the SHA-256 of a secret (a link
 * ticket, a code, a token id): the front end never keeps the secret itself,
 * and a lookup's timing depends on a digest, not on the secret.  Entries
 * expire; past its bound, a put fails instead of growing.
 */
#ifndef GUISE_TABLE_H
#define GUISE_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TABLE_KEY_LEN	32
/* The expiry of an entry that only table_filter removes. */
#define TABLE_NEVER	((time_t)INT64_MAX)

struct table;

struct table	*table_new(size_t max_entries, void (*free_value)(void *));
void		 table_free(struct table *);

/* The key of a secret string. */
void		 table_key(const char *secret, uint8_t key[TABLE_KEY_LEN]);

/*
 * Add; -1 when the key is there already or the table is full.  The entry
 * lives through the second expires: with whole seconds, an entry put with
 * now + ttl lives at least ttl seconds, never less.
 */
int		 table_put(struct table *, const uint8_t *key, void *value,
		    time_t expires);
/* The live value of key, or NULL (an expired entry is removed). */
void		*table_get(struct table *, const uint8_t *key, time_t now);
/* Remove and return the live value (the caller frees it), or NULL. */
void		*table_take(struct table *, const uint8_t *key, time_t now);
/* Free every entry expired at now. */
void		 table_expire(struct table *, time_t now);
/*
 * Visit every entry; one for which drop(value, arg) returns 1 is freed and
 * removed.  A removal may move an entry already visited to a slot not yet
 * visited, so drop may see an entry twice: it must be idempotent.
 */
void		 table_filter(struct table *, int (*drop)(void *, void *),
		    void *arg);
size_t		 table_count(const struct table *);

#endif
