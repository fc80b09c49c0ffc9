/*
 * Open addressing with linear probing at a load of one half at most, and
 * backward-shift deletion, so that no tombstones build up.  The keys are
 * digests already: their first bytes are the hash.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "hex.h"
#include "table.h"

struct slot {
	uint8_t		 key[TABLE_KEY_LEN];
	void		*value;		/* NULL: the slot is free */
	time_t		 expires;
};

struct table {
	struct slot	*slots;
	size_t		 mask;
	size_t		 count;
	size_t		 max;
	void		(*free_value)(void *);
};

struct table *
table_new(size_t max_entries, void (*free_value)(void *))
{
	struct table	*t;
	size_t		 cap = 16;

	while (cap < 2 * max_entries)
		cap <<= 1;
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->slots = calloc(cap, sizeof(*t->slots))) == NULL) {
		free(t);
		return NULL;
	}
	t->mask = cap - 1;
	t->max = max_entries;
	t->free_value = free_value;
	return t;
}

void
table_free(struct table *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i <= t->mask; i++)
		if (t->slots[i].value != NULL)
			t->free_value(t->slots[i].value);
	free(t->slots);
	free(t);
}

void
table_key(const char *secret, uint8_t key[TABLE_KEY_LEN])
{
	if (sha256(secret, strlen(secret), key) == -1)
		memset(key, 0, TABLE_KEY_LEN);	/* never matches a live key */
}

static size_t
home(const struct table *t, const uint8_t *key)
{
	size_t	 h;

	memcpy(&h, key, sizeof(h));
	return h & t->mask;
}

static struct slot *
find(struct table *t, const uint8_t *key)
{
	size_t	 i;

	for (i = home(t, key); t->slots[i].value != NULL; i = (i + 1) & t->mask)
		if (memcmp(t->slots[i].key, key, TABLE_KEY_LEN) == 0)
			return &t->slots[i];
	return NULL;
}

/* Empty slot s and shift back the entries that probed past it. */
static void
remove_slot(struct table *t, struct slot *s)
{
	size_t	 hole = (size_t)(s - t->slots), i, h;

	t->slots[hole].value = NULL;
	t->count--;
	for (i = (hole + 1) & t->mask; t->slots[i].value != NULL;
	    i = (i + 1) & t->mask) {
		h = home(t, t->slots[i].key);
		/* Can entry i move to the hole?  Only if its home is not in
		 * the cyclic range (hole, i]. */
		if (((i - h) & t->mask) >= ((i - hole) & t->mask)) {
			t->slots[hole] = t->slots[i];
			t->slots[i].value = NULL;
			hole = i;
		}
	}
}

int
table_put(struct table *t, const uint8_t *key, void *value, time_t expires)
{
	size_t	 i;

	if (t->count >= t->max || find(t, key) != NULL)
		return -1;
	for (i = home(t, key); t->slots[i].value != NULL; i = (i + 1) & t->mask)
		;
	memcpy(t->slots[i].key, key, TABLE_KEY_LEN);
	t->slots[i].value = value;
	t->slots[i].expires = expires;
	t->count++;
	return 0;
}

void *
table_get(struct table *t, const uint8_t *key, time_t now)
{
	struct slot	*s = find(t, key);

	if (s == NULL)
		return NULL;
	if (s->expires < now) {
		t->free_value(s->value);
		remove_slot(t, s);
		return NULL;
	}
	return s->value;
}

void *
table_take(struct table *t, const uint8_t *key, time_t now)
{
	void	*v;

	if ((v = table_get(t, key, now)) == NULL)
		return NULL;
	remove_slot(t, find(t, key));
	return v;
}

void
table_expire(struct table *t, time_t now)
{
	size_t	 i;

	for (i = 0; i <= t->mask; i++) {
		/* A shift may bring another expired entry into slot i. */
		while (t->slots[i].value != NULL && t->slots[i].expires < now) {
			t->free_value(t->slots[i].value);
			remove_slot(t, &t->slots[i]);
		}
	}
}

void
table_filter(struct table *t, int (*drop)(void *, void *), void *arg)
{
	size_t	 i;

	for (i = 0; i <= t->mask; i++) {
		/* A shift may bring another entry into slot i: visit it too. */
		while (t->slots[i].value != NULL && drop(t->slots[i].value,
		    arg)) {
			t->free_value(t->slots[i].value);
			remove_slot(t, &t->slots[i]);
		}
	}
}

size_t
table_count(const struct table *t)
{
	return t->count;
}
