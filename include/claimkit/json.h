/*
 * json: strict parsing of one JSON text (one NDJSON record) into a read-only
 * index over the original bytes, built on yajl's streaming parser.
 *
 * Why an index and not a tree of copies: a filter reads a few fields and
 * adds one section of its own; everything else must leave byte for byte as
 * it came (money text such as 123.40 included).  The index keeps, for every
 * value, its raw span in the input, so jpatch can splice a new section into
 * the original bytes without re-serialising the record.
 *
 * Strictness beyond yajl's defaults: duplicate keys, lone UTF-16 surrogate
 * escapes, nesting deeper than JSON_MAX_DEPTH and trailing garbage are
 * errors; yajl already rejects NaN, Infinity, comments and invalid UTF-8.
 *
 * Nodes are small integers; -1 means "no such node".  The root is node 0.
 */
#ifndef CLAIMKIT_JSON_H
#define CLAIMKIT_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64

enum jtype { J_NULL, J_FALSE, J_TRUE, J_NUMBER, J_STRING, J_OBJECT, J_ARRAY };

struct jdoc;

struct jdoc *jdoc_alloc(void);
void jdoc_free(struct jdoc *d);

/*
 * Parse text[0..len).  The text must stay unchanged while the index is
 * used.  Returns 0, or -1 with jdoc_error() describing the problem and
 * jdoc_error_offset() giving the byte offset where it was found.
 */
int jdoc_parse(struct jdoc *d, const char *text, size_t len);
const char *jdoc_error(const struct jdoc *d);
size_t jdoc_error_offset(const struct jdoc *d);
const char *jdoc_text(const struct jdoc *d);
size_t jdoc_len(const struct jdoc *d);
int jdoc_nnodes(const struct jdoc *d);

enum jtype jdoc_type(const struct jdoc *d, int n);
const char *jdoc_type_name(enum jtype t);
/* Member of object n named key, or -1. */
int jdoc_get(const struct jdoc *d, int n, const char *key);
/*
 * Follow a dotted path from node n: "billing_provider.npi", "lines.0.units"
 * (a number selects an array element).  Returns -1 when any step is missing.
 */
int jdoc_path(const struct jdoc *d, int n, const char *path);
/* First child (member or element) of n, and the next sibling; -1 at end. */
int jdoc_first(const struct jdoc *d, int n);
int jdoc_next(const struct jdoc *d, int n);
int jdoc_parent(const struct jdoc *d, int n);
size_t jdoc_count(const struct jdoc *d, int n);
/* Key of object member n (decoded, NUL-terminated), or NULL. */
const char *jdoc_key(const struct jdoc *d, int n, size_t *len);
/* Raw text of value n as it appears in the input. */
const char *jdoc_raw(const struct jdoc *d, int n, size_t *len);
size_t jdoc_start(const struct jdoc *d, int n);
size_t jdoc_end(const struct jdoc *d, int n);
/*
 * Decoded string value (NUL-terminated, may contain NUL bytes when the JSON
 * had \u0000, hence len); NULL when n is not a string.
 */
const char *jdoc_str(const struct jdoc *d, int n, size_t *len);
/* String at path, or NULL when absent, null, or not a string. */
const char *jdoc_pstr(const struct jdoc *d, int n, const char *path);
/*
 * Integer value of a JSON number without fraction or exponent.  Returns 0,
 * or -1 when n is not such a number or it does not fit in long long.
 */
int jdoc_int(const struct jdoc *d, int n, long long *v);
/*
 * Money in integer cents from a number's text (see money.h); a string
 * holding such a number is accepted too.  Returns NULL, or a message.
 */
const char *jdoc_cents(const struct jdoc *d, int n, int64_t *cents);
/* True when n is absent (-1), JSON null, or an empty string. */
int jdoc_blank(const struct jdoc *d, int n);

/*
 * jpatch: set (add or replace) members of objects of a parsed document and
 * write the result, copying every other byte of the original unchanged.
 */
struct jpatch;
struct buf;

struct jpatch *jpatch_alloc(void);
void jpatch_free(struct jpatch *p);
void jpatch_reset(struct jpatch *p, const struct jdoc *d);
/*
 * Set member key of object node obj to the JSON text value[0..len) (which
 * the caller guarantees is valid JSON).  A member of that name already
 * present is removed; the new one goes at the end of the object.
 * The value bytes are copied.
 */
void jpatch_set(struct jpatch *p, int obj, const char *key, const char *value,
    size_t len);
/* Remove member key of obj, if present. */
void jpatch_del(struct jpatch *p, int obj, const char *key);
/* Append the patched document (without newline) to out. */
void jpatch_write(struct jpatch *p, struct buf *out);

#endif
