/*
 * hmap: a string-keyed hash table with O(1) lookups, for reference data
 * loaded once per process (facilities by id and NPI, code lists...).
 *
 * Keys are byte strings (not necessarily NUL-terminated); the table copies
 * them into its own arena.  Values are opaque pointers owned by the caller.
 * Open addressing with linear probing, FNV-1a hashing, load factor <= 1/2.
 * Entries are never removed: the tables are built once and then only read.
 */
#ifndef CLAIMKIT_HMAP_H
#define CLAIMKIT_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct hmap;

struct hmap *hmap_alloc(void);
/* Free the table and its copies of the keys (not the values). */
void hmap_free(struct hmap *h);
/*
 * Add key -> val.  When the key is present already, the table keeps the
 * first value and returns it; otherwise it returns NULL.
 */
void *hmap_put(struct hmap *h, const char *key, size_t klen, void *val);
/* Value of key, or NULL. */
void *hmap_get(const struct hmap *h, const char *key, size_t klen);
size_t hmap_count(const struct hmap *h);
/* The hash function the table uses (64-bit FNV-1a). */
uint64_t hmap_hash(const void *p, size_t n);

#endif
