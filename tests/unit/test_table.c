/* The bounded, expiring hash table behind links, codes and revocations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "table.h"

static int	freed;

static void
count_free(void *v)
{
	freed++;
	free(v);
}

static void
key_of(int i, uint8_t key[TABLE_KEY_LEN])
{
	char	 s[32];

	snprintf(s, sizeof(s), "secret-%d", i);
	table_key(s, key);
}

/* Keys whose home slot is the same, to exercise probing and shifting. */
static void
colliding_key(int i, uint8_t key[TABLE_KEY_LEN])
{
	memset(key, 0, TABLE_KEY_LEN);
	key[TABLE_KEY_LEN - 1] = (uint8_t)i;
	key[TABLE_KEY_LEN - 2] = (uint8_t)(i >> 8);
}

static int *
value(int i)
{
	int	*v = malloc(sizeof(*v));

	*v = i;
	return v;
}

static void
test_basics(void)
{
	struct table	*t = table_new(100, count_free);
	uint8_t		 k[TABLE_KEY_LEN], k2[TABLE_KEY_LEN];
	int		*v;

	key_of(1, k);
	key_of(2, k2);
	CHECK(memcmp(k, k2, TABLE_KEY_LEN) != 0, "different secrets, different keys");
	CHECK(table_put(t, k, value(1), 100) == 0, "put");
	v = value(9);
	CHECK(table_put(t, k, v, 100) == -1, "a second put of one key is refused");
	free(v);
	CHECK((v = table_get(t, k, 50)) != NULL && *v == 1, "get a live entry");
	CHECK(table_get(t, k2, 50) == NULL, "get an absent key");
	CHECK((v = table_take(t, k, 50)) != NULL && *v == 1, "take a live entry");
	free(v);
	CHECK(table_take(t, k, 50) == NULL, "taken once only");
	CHECK(table_count(t) == 0, "empty again");
	table_free(t);
}

static void
test_expiry(void)
{
	struct table	*t = table_new(100, count_free);
	uint8_t		 k[TABLE_KEY_LEN];
	int		 i;

	freed = 0;
	key_of(1, k);
	table_put(t, k, value(1), 100);
	CHECK(table_get(t, k, 100) != NULL, "an entry lives through its last second");
	CHECK(table_get(t, k, 101) == NULL, "and is dead after it");
	CHECK(freed == 1 && table_count(t) == 0, "and freed on access");
	for (i = 0; i < 50; i++) {
		key_of(i, k);
		table_put(t, k, value(i), i < 25 ? 10 : 1000);
	}
	table_expire(t, 10);
	CHECK(table_count(t) == 50, "a sweep in the last second frees nothing");
	table_expire(t, 11);
	CHECK(table_count(t) == 25, "the sweep frees exactly the expired");
	key_of(30, k);
	CHECK(table_get(t, k, 11) != NULL, "live entries survive the sweep");
	table_free(t);
}

static void
test_bound(void)
{
	struct table	*t = table_new(10, count_free);
	uint8_t		 k[TABLE_KEY_LEN];
	int		 i, *v, rc = 0;

	for (i = 0; i < 10; i++) {
		key_of(i, k);
		rc |= table_put(t, k, value(i), 100);
	}
	CHECK(rc == 0 && table_count(t) == 10, "ten entries fit a table of ten");
	key_of(10, k);
	v = value(10);
	CHECK(table_put(t, k, v, 100) == -1, "the eleventh is refused");
	free(v);
	key_of(3, k);
	free(table_take(t, k, 1));
	key_of(10, k);
	CHECK(table_put(t, k, value(10), 100) == 0, "room again after a take");
	table_free(t);
}

/* Many keys in one cluster, removed in every order: all others stay found. */
static void
test_collisions(void)
{
	struct table	*t = table_new(64, count_free);
	uint8_t		 k[TABLE_KEY_LEN];
	int		 i, j, ok = 1, *v;

	for (i = 0; i < 40; i++) {
		colliding_key(i, k);
		table_put(t, k, value(i), 100);
	}
	for (i = 0; i < 40; i += 3) {
		colliding_key(i, k);
		free(table_take(t, k, 1));
		for (j = 0; j < 40; j++) {
			colliding_key(j, k);
			v = table_get(t, k, 1);
			if ((j % 3 == 0 && j <= i) ? v != NULL :
			    (v == NULL || *v != j))
				ok = 0;
		}
	}
	CHECK(ok, "after each removal in a cluster every other key is found");
	table_expire(t, 101);
	CHECK(table_count(t) == 0, "a sweep empties a full cluster");
	table_free(t);
}

/* Keys whose home is the last slot of a table of 64: the cluster wraps. */
static void
wrapping_key(int i, uint8_t key[TABLE_KEY_LEN])
{
	colliding_key(i, key);
	key[0] = 127;
}

static int
drop_even(void *v, void *arg)
{
	(*(int *)arg)++;
	return *(int *)v % 2 == 0;
}

/* table_filter across a cluster that wraps: each entry kept or dropped. */
static void
test_filter(void)
{
	struct table	*t = table_new(64, count_free);
	uint8_t		 k[TABLE_KEY_LEN];
	int		 i, ok = 1, visits = 0, *v;

	for (i = 0; i < 40; i++) {
		wrapping_key(i, k);
		table_put(t, k, value(i), TABLE_NEVER);
	}
	freed = 0;
	table_filter(t, drop_even, &visits);
	for (i = 0; i < 40; i++) {
		wrapping_key(i, k);
		v = table_get(t, k, 1);
		if (i % 2 == 0 ? v != NULL : (v == NULL || *v != i))
			ok = 0;
	}
	CHECK(ok && freed == 20 && table_count(t) == 20,
	    "a filter drops what it says and keeps the rest, across the wrap");
	CHECK(visits >= 40, "every entry visited (%d visits)", visits);
	table_expire(t, time(NULL));
	CHECK(table_count(t) == 20, "TABLE_NEVER entries outlive a sweep");
	table_free(t);
}

int
main(void)
{
	test_basics();
	test_expiry();
	test_bound();
	test_collisions();
	test_filter();
	return check_done();
}
