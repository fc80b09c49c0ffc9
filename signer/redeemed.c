/*
 * The set of redeemed grant ids.  Its memory is taken once, so that no
 * request can make it grow: REDEEMED_MAX entries of {id, exp}, and an index
 * of twice as many slots (a load of a half at most) holding entry numbers,
 * open addressing with linear probing and deletion by backward shift, so
 * that no tombstone lengthens a probe.  The ids are random 256-bit values
 * the signer drew itself, so their first 8 bytes are the hash.
 *
 * Expired entries are reclaimed a slice at a time by each take, so that no
 * request pays for a pass over the whole set; redeemed_sweep does the whole
 * pass, and a take that finds the set full does it once a second at most
 * before it refuses.  When the rebuild at start finds more redemptions in
 * the window than the set holds, it cannot say which grants are spent, so
 * it refuses every one until those it could not mark have expired.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "redeemed.h"

#define SLOTS		(2 * REDEEMED_MAX)	/* a power of two */
#define SLOT_MASK	(SLOTS - 1)
#define SWEEP_SLICE	16		/* entries looked at by each take */
#define FREE		LLONG_MIN	/* an entry's exp on the free list */

struct entry {
	unsigned char	 id[REDEEMED_ID_LEN];	/* free: the next free's */
	long long	 exp;
};

static struct entry	*entries;
static uint32_t		*slots;		/* entry number + 1; 0: empty */
static uint32_t		 used;		/* entries[used..] were never used */
static uint32_t		 free_head;	/* entry number + 1; 0: none */
static size_t		 count;
static uint32_t		 cursor;	/* where the next slice starts */
static long long	 full_swept = LLONG_MIN;	/* when, being full */
static long long	 refuse_until = LLONG_MIN;

int
redeemed_init(void)
{
	if (entries != NULL)
		return 0;
	if ((entries = calloc(REDEEMED_MAX, sizeof(*entries))) == NULL ||
	    (slots = calloc(SLOTS, sizeof(*slots))) == NULL) {
		log_warn("redeemed: %zu MB for the set of redeemed grants",
		    (REDEEMED_MAX * sizeof(*entries) +
		    SLOTS * sizeof(*slots)) >> 20);
		free(entries);
		entries = NULL;
		return -1;
	}
	return 0;
}

static uint32_t
home(const unsigned char *id)
{
	uint64_t	 h;

	memcpy(&h, id, sizeof(h));
	return (uint32_t)(h & SLOT_MASK);
}

/*
 * The entry number of id, or -1; *slot is its slot, or the empty slot
 * where it would go.  The index is never full, so a probe ends.
 */
static long
find(const unsigned char *id, uint32_t *slot)
{
	uint32_t	 i;

	for (i = home(id); slots[i] != 0; i = (i + 1) & SLOT_MASK)
		if (memcmp(entries[slots[i] - 1].id, id, REDEEMED_ID_LEN) ==
		    0) {
			*slot = i;
			return (long)slots[i] - 1;
		}
	*slot = i;
	return -1;
}

/*
 * Take entry k out: empty its slot, and move back into the hole each
 * entry of the run after it that may sit there (its home is not in the
 * cyclic range between the hole and where it sits).
 */
static void
drop(uint32_t k)
{
	uint32_t	 i, j, h;

	for (i = home(entries[k].id); slots[i] != k + 1;
	    i = (i + 1) & SLOT_MASK)
		;
	for (j = (i + 1) & SLOT_MASK; slots[j] != 0; j = (j + 1) & SLOT_MASK) {
		h = home(entries[slots[j] - 1].id);
		if (((j - h) & SLOT_MASK) >= ((j - i) & SLOT_MASK)) {
			slots[i] = slots[j];
			i = j;
		}
	}
	slots[i] = 0;
	memcpy(entries[k].id, &free_head, sizeof(free_head));
	entries[k].exp = FREE;
	free_head = k + 1;
	count--;
}

static void
sweep_slice(long long now, uint32_t n)
{
	for (; n > 0 && used > 0; n--, cursor++) {
		if (cursor >= used)
			cursor = 0;
		if (entries[cursor].exp != FREE && entries[cursor].exp < now)
			drop(cursor);
	}
}

void
redeemed_sweep(long long now)
{
	uint32_t	 k;

	if (entries == NULL)
		return;
	for (k = 0; k < used; k++)
		if (entries[k].exp != FREE && entries[k].exp < now)
			drop(k);
}

int
redeemed_take(const unsigned char id[REDEEMED_ID_LEN], long long exp,
    long long now)
{
	uint32_t	 slot, k;
	long		 found;

	if (now <= refuse_until || redeemed_init() == -1)
		return -1;
	if (exp == FREE)
		exp++;
	sweep_slice(now, SWEEP_SLICE);
	if ((found = find(id, &slot)) != -1) {
		if (entries[found].exp >= now)
			return 1;
		entries[found].exp = exp;	/* expired: as if it were not */
		return 0;
	}
	if (count == REDEEMED_MAX) {
		if (full_swept == now)
			return -1;
		full_swept = now;
		redeemed_sweep(now);
		if (count == REDEEMED_MAX)
			return -1;
		(void)find(id, &slot);	/* the sweep moved slots */
	}
	if (free_head != 0) {
		k = free_head - 1;
		memcpy(&free_head, entries[k].id, sizeof(free_head));
	} else
		k = used++;
	memcpy(entries[k].id, id, REDEEMED_ID_LEN);
	entries[k].exp = exp;
	slots[slot] = k + 1;
	count++;
	return 0;
}

int
redeemed_has(const unsigned char id[REDEEMED_ID_LEN], long long now)
{
	uint32_t	 slot;
	long		 found;

	if (now <= refuse_until)
		return 1;
	if (entries == NULL || (found = find(id, &slot)) == -1)
		return 0;
	return entries[found].exp >= now;
}

void
redeemed_refuse_until(long long until)
{
	if (until > refuse_until)
		refuse_until = until;
}

size_t
redeemed_count(void)
{
	return count;
}
