/* hmap: string-keyed open-addressing hash table. */
#include <stdlib.h>
#include <string.h>

#include "claimkit/buf.h"
#include "claimkit/hmap.h"
#include "claimkit/xalloc.h"

struct hslot {
	uint64_t	 hash;
	size_t		 koff, klen;	/* key in the arena */
	void		*val;
	int		 used;
};

struct hmap {
	struct hslot	*slots;
	size_t		 cap, n;	/* cap is a power of two */
	struct buf	 keys;
};

uint64_t
hmap_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

struct hmap *
hmap_alloc(void)
{
	return xcalloc(1, sizeof(struct hmap));
}

void
hmap_free(struct hmap *h)
{
	if (h == NULL)
		return;
	free(h->slots);
	buf_free(&h->keys);
	free(h);
}

static struct hslot *
find(const struct hmap *h, uint64_t hash, const char *key, size_t klen)
{
	size_t i, mask = h->cap - 1;

	for (i = (size_t)hash & mask;; i = (i + 1) & mask) {
		struct hslot *s = &h->slots[i];

		if (!s->used)
			return s;
		if (s->hash == hash && s->klen == klen &&
		    memcmp(h->keys.s + s->koff, key, klen) == 0)
			return s;
	}
}

static void
grow(struct hmap *h)
{
	struct hslot *old = h->slots;
	size_t oldcap = h->cap, i;

	h->cap = oldcap ? oldcap * 2 : 64;
	h->slots = xcalloc(h->cap, sizeof *h->slots);
	for (i = 0; i < oldcap; i++) {
		struct hslot *s;
		size_t j, mask = h->cap - 1;

		if (!old[i].used)
			continue;
		for (j = (size_t)old[i].hash & mask; h->slots[j].used;
		    j = (j + 1) & mask)
			;
		s = &h->slots[j];
		*s = old[i];
	}
	free(old);
}

void *
hmap_put(struct hmap *h, const char *key, size_t klen, void *val)
{
	uint64_t hash = hmap_hash(key, klen);
	struct hslot *s;

	if ((h->n + 1) * 2 > h->cap)
		grow(h);
	s = find(h, hash, key, klen);
	if (s->used)
		return s->val;
	s->used = 1;
	s->hash = hash;
	s->koff = h->keys.len;
	s->klen = klen;
	s->val = val;
	buf_add(&h->keys, key, klen);
	h->n++;
	return NULL;
}

void *
hmap_get(const struct hmap *h, const char *key, size_t klen)
{
	struct hslot *s;

	if (h == NULL || h->n == 0)
		return NULL;
	s = find(h, hmap_hash(key, klen), key, klen);
	return s->used ? s->val : NULL;
}

size_t
hmap_count(const struct hmap *h)
{
	return h ? h->n : 0;
}
