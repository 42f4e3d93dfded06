/* labels: label values and the claim_id -> label sidecar join. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/buf.h"
#include "claimkit/json.h"
#include "claimkit/labels.h"
#include "claimkit/lineio.h"
#include "claimkit/xalloc.h"

int
label_read(const struct jdoc *d, int n, struct label *out)
{
	out->kind = LABEL_NONE;
	out->str = NULL;
	out->len = 0;
	if (n < 0 || jdoc_type(d, n) == J_NULL)
		return -1;
	if (jdoc_type(d, n) == J_STRING) {
		out->str = jdoc_str(d, n, &out->len);
		if (out->len == 0)
			return -1;
		out->kind = LABEL_STR;
		return 0;
	}
	if (jdoc_int(d, n, &out->ival) == 0) {
		out->kind = LABEL_INT;
		snprintf(out->num, sizeof out->num, "%lld", out->ival);
		out->str = out->num;
		out->len = strlen(out->num);
		return 0;
	}
	return -2;
}

/* Open addressing on claim ids; keys and string labels in one arena. */
struct slot {
	size_t		key_off, key_len;	/* 0: empty slot */
	enum label_kind	kind;
	long long	ival;
	size_t		str_off, str_len;
};

struct labels {
	struct slot	*slots;
	size_t		 cap, n;
	struct buf	 arena;
};

static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static struct slot *
find(const struct labels *l, const char *id, size_t n)
{
	size_t i = (size_t)hash(id, n) & (l->cap - 1);

	for (;; i = (i + 1) & (l->cap - 1)) {
		struct slot *s = &l->slots[i];

		if (s->key_len == 0)
			return s;
		if (s->key_len == n && memcmp(l->arena.s + s->key_off, id,
		    n) == 0)
			return s;
	}
}

static void
grow(struct labels *l)
{
	struct slot *old = l->slots;
	size_t i, oldcap = l->cap;

	l->cap = oldcap ? oldcap * 2 : 1024;
	l->slots = xcalloc(l->cap, sizeof *l->slots);
	for (i = 0; i < oldcap; i++)
		if (old[i].key_len > 0)
			*find(l, l->arena.s + old[i].key_off,
			    old[i].key_len) = old[i];
	free(old);
}

struct labels *
labels_load(const char *path, const char *field, char *err, size_t errsz)
{
	struct labels *l = xcalloc(1, sizeof *l);
	struct lineio *li;
	struct jdoc *d = jdoc_alloc();
	char *line;
	size_t len;

	if ((li = lineio_open(path)) == NULL) {
		snprintf(err, errsz, "cannot open '%s': %s", path,
		    strerror(errno));
		goto fail;
	}
	grow(l);
	while ((line = lineio_next(li, &len)) != NULL) {
		struct label lab;
		struct slot *s;
		const char *id;
		size_t idlen;
		int rc;

		if (len == 0)
			continue;
		if (jdoc_parse(d, line, len) != 0 ||
		    jdoc_type(d, 0) != J_OBJECT) {
			snprintf(err, errsz, "%s:%lu: %s", lineio_name(li),
			    lineio_lineno(li), jdoc_error(d) ? jdoc_error(d) :
			    "not a JSON object");
			goto fail;
		}
		id = jdoc_str(d, jdoc_get(d, 0, "claim_id"), &idlen);
		if (id == NULL || idlen == 0) {
			snprintf(err, errsz, "%s:%lu: no claim_id",
			    lineio_name(li), lineio_lineno(li));
			goto fail;
		}
		rc = label_read(d, jdoc_get(d, 0, field), &lab);
		if (rc == -1)
			continue;
		if (rc == -2) {
			snprintf(err, errsz, "%s:%lu: label '%s' is neither "
			    "a string nor an integer", lineio_name(li),
			    lineio_lineno(li), field);
			goto fail;
		}
		if ((l->n + 1) * 2 > l->cap)
			grow(l);
		s = find(l, id, idlen);
		if (s->key_len > 0) {
			if (s->kind != lab.kind || s->str_len != lab.len ||
			    memcmp(l->arena.s + s->str_off, lab.str,
			    lab.len) != 0) {
				snprintf(err, errsz, "%s:%lu: claim_id %.*s "
				    "has two different labels",
				    lineio_name(li), lineio_lineno(li),
				    (int)idlen, id);
				goto fail;
			}
			continue;
		}
		s->key_off = l->arena.len;
		s->key_len = idlen;
		buf_add(&l->arena, id, idlen);
		s->kind = lab.kind;
		s->ival = lab.ival;
		s->str_off = l->arena.len;
		s->str_len = lab.len;
		buf_add(&l->arena, lab.str, lab.len);
		l->n++;
	}
	lineio_close(li);
	jdoc_free(d);
	return l;
fail:
	if (li != NULL)
		lineio_close(li);
	jdoc_free(d);
	labels_free(l);
	return NULL;
}

void
labels_free(struct labels *l)
{
	if (l == NULL)
		return;
	free(l->slots);
	buf_free(&l->arena);
	free(l);
}

size_t
labels_count(const struct labels *l)
{
	return l->n;
}

int
labels_get(const struct labels *l, const char *id, size_t n,
    struct label *out)
{
	const struct slot *s;

	out->kind = LABEL_NONE;
	if (n == 0)
		return -1;
	s = find(l, id, n);
	if (s->key_len == 0)
		return -1;
	out->kind = s->kind;
	out->ival = s->ival;
	out->str = l->arena.s + s->str_off;
	out->len = s->str_len;
	return 0;
}
