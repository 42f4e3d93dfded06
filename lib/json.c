/*
 * json: strict JSON parsing with yajl's streaming parser into an index of
 * raw spans, and jpatch, which splices new members into the original bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "claimkit/buf.h"
#include "claimkit/json.h"
#include "claimkit/jw.h"
#include "claimkit/money.h"
#include "claimkit/xalloc.h"

struct jnode {
	enum jtype	type;
	int		parent, first, last, next, prev;
	size_t		count;
	size_t		keystart, keyend;	/* raw key span, members only */
	size_t		key_off, key_len;	/* decoded key in arena */
	size_t		start, end;		/* raw value span */
	size_t		str_off, str_len;	/* decoded string in arena */
	int		has_key;
	uint64_t	keymask;	/* objects: bloom of member keys */
};

struct jdoc {
	const char	*text;
	size_t		 len;
	struct jnode	*nodes;
	int		 nnodes, cap;
	struct buf	 arena;
	int		 stack[JSON_MAX_DEPTH + 1];
	int		 depth;
	size_t		 pos;		/* end of the previous token */
	/* pending member key */
	int		 have_key;
	size_t		 pk_start, pk_end, pk_off, pk_len;
	yajl_handle	 yh;
	const char	*err;
	char		 errbuf[160];
	size_t		 erroff;
};

static int
add_node(struct jdoc *d, enum jtype t, size_t start)
{
	struct jnode *n;
	int i;

	if (d->nnodes == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 256;
		d->nodes = xreallocarray(d->nodes, (size_t)d->cap,
		    sizeof *d->nodes);
	}
	i = d->nnodes++;
	n = &d->nodes[i];
	n->count = 0;
	n->has_key = 0;
	n->keymask = 0;
	n->str_off = n->str_len = 0;
	n->key_off = n->key_len = 0;
	n->keystart = n->keyend = 0;
	n->type = t;
	n->parent = n->first = n->last = n->next = n->prev = -1;
	n->start = start;
	n->end = start;
	if (d->depth > 0) {
		struct jnode *p = &d->nodes[d->stack[d->depth - 1]];

		n->parent = d->stack[d->depth - 1];
		if (p->last >= 0) {
			d->nodes[p->last].next = i;
			n->prev = p->last;
		} else
			p->first = i;
		p->last = i;
		p->count++;
		if (p->type == J_OBJECT && d->have_key) {
			n->has_key = 1;
			n->keystart = d->pk_start;
			n->keyend = d->pk_end;
			n->key_off = d->pk_off;
			n->key_len = d->pk_len;
			d->have_key = 0;
		}
	}
	return i;
}

/* Copy s[0..n) and a NUL into the arena; returns its offset. */
static size_t
arena_add(struct jdoc *d, const unsigned char *s, size_t n)
{
	size_t off = d->arena.len;

	buf_grow(&d->arena, n + 1);
	memcpy(d->arena.s + off, s, n);
	d->arena.s[off + n] = '\0';
	d->arena.len = off + n + 1;
	return off;
}

/* Start of the token that ends at yajl's current offset. */
static size_t
tok_start(struct jdoc *d)
{
	size_t p = d->pos;

	while (p < d->len) {
		char c = d->text[p];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r' &&
		    c != ',' && c != ':')
			break;
		p++;
	}
	return p;
}

static size_t
tok_end(struct jdoc *d)
{
	size_t e = yajl_get_bytes_consumed(d->yh);

	return e > d->len ? d->len : e;
}

static int
scalar(struct jdoc *d, enum jtype t)
{
	size_t s = tok_start(d), e = tok_end(d);
	int i;

	/* A number at the very end is reported by complete_parse. */
	if (e <= s)
		e = d->len;
	i = add_node(d, t, s);
	d->nodes[i].end = e;
	d->pos = e;
	return 1;
}

static int
cb_null(void *ctx)
{
	return scalar(ctx, J_NULL);
}

static int
cb_bool(void *ctx, int v)
{
	return scalar(ctx, v ? J_TRUE : J_FALSE);
}

static int
cb_number(void *ctx, const char *s, size_t n)
{
	return scalar(ctx, J_NUMBER);
}

/*
 * yajl turns a lone surrogate escape into '?' without complaint; JSON text
 * that carries one cannot be valid UTF-8 once decoded, so refuse it.
 */
static int
bad_surrogates(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++) {
		unsigned v, w;

		if (s[i] != '\\')
			continue;
		if (s[i + 1] != 'u') {
			i++;
			continue;
		}
		if (i + 6 > n)
			return 1;
		v = (unsigned)strtoul((char[5]){ s[i + 2], s[i + 3], s[i + 4],
		    s[i + 5], 0 }, NULL, 16);
		i += 5;
		if (v >= 0xdc00 && v <= 0xdfff)
			return 1;
		if (v >= 0xd800 && v <= 0xdbff) {
			if (i + 7 > n || s[i + 1] != '\\' || s[i + 2] != 'u')
				return 1;
			w = (unsigned)strtoul((char[5]){ s[i + 3], s[i + 4],
			    s[i + 5], s[i + 6], 0 }, NULL, 16);
			if (w < 0xdc00 || w > 0xdfff)
				return 1;
			i += 6;
		}
	}
	return 0;
}

/*
 * Strict UTF-8 (RFC 3629): yajl's own check lets overlong forms and
 * encoded surrogates through.
 */
static int
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];

		if (c < 0x80) {
			/* ASCII runs eight bytes at a time. */
			while (i + 8 <= n) {
				uint64_t w;

				memcpy(&w, s + i, 8);
				if (w & 0x8080808080808080ULL)
					break;
				i += 8;
			}
			while (i < n && s[i] < 0x80)
				i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			if (i + 1 >= n || (s[i + 1] & 0xc0) != 0x80)
				return 0;
			i += 2;
		} else if (c >= 0xe0 && c <= 0xef) {
			unsigned char lo = c == 0xe0 ? 0xa0 : 0x80;
			unsigned char hi = c == 0xed ? 0x9f : 0xbf;

			if (i + 2 >= n || s[i + 1] < lo || s[i + 1] > hi ||
			    (s[i + 2] & 0xc0) != 0x80)
				return 0;
			i += 3;
		} else if (c >= 0xf0 && c <= 0xf4) {
			unsigned char lo = c == 0xf0 ? 0x90 : 0x80;
			unsigned char hi = c == 0xf4 ? 0x8f : 0xbf;

			if (i + 3 >= n || s[i + 1] < lo || s[i + 1] > hi ||
			    (s[i + 2] & 0xc0) != 0x80 || (s[i + 3] & 0xc0) != 0x80)
				return 0;
			i += 4;
		} else
			return 0;
	}
	return 1;
}

static int
check_string(struct jdoc *d, const unsigned char *s, size_t n, size_t start,
    size_t end)
{
	const char *p = (const char *)s;

	if (!utf8_valid(s, n)) {
		d->err = "invalid JSON: invalid UTF-8 in string";
		d->erroff = start;
		return 0;
	}

	/* Decoded into yajl's own buffer means the text had escapes. */
	if ((p < d->text || p >= d->text + d->len) &&
	    bad_surrogates(d->text + start, end - start)) {
		d->err = "invalid \\u escape (lone UTF-16 surrogate)";
		d->erroff = start;
		return 0;
	}
	return 1;
}

static int
cb_string(void *ctx, const unsigned char *s, size_t n)
{
	struct jdoc *d = ctx;
	size_t st = tok_start(d), e = tok_end(d);
	int i;

	if (!check_string(d, s, n, st, e))
		return 0;
	i = add_node(d, J_STRING, st);
	d->nodes[i].end = e;
	d->nodes[i].str_off = arena_add(d, s, n);
	d->nodes[i].str_len = n;
	d->pos = e;
	return 1;
}

/* Keys are short and few per object: a 64-bit bloom skips most scans. */
static uint64_t
keybit(const unsigned char *s, size_t n)
{
	unsigned h = (unsigned)n * 31;

	if (n > 0)
		h += s[0] * 7u + s[n - 1] * 13u + s[n / 2];
	return (uint64_t)1 << (h & 63);
}

static int
cb_key(void *ctx, const unsigned char *s, size_t n)
{
	struct jdoc *d = ctx;
	size_t st = tok_start(d), e = tok_end(d);
	struct jnode *obj = &d->nodes[d->stack[d->depth - 1]];
	uint64_t bit = keybit(s, n);
	int c;

	if (!check_string(d, s, n, st, e))
		return 0;
	c = (obj->keymask & bit) ? obj->first : -1;
	obj->keymask |= bit;
	for (; c >= 0; c = d->nodes[c].next) {
		if (d->nodes[c].key_len == n &&
		    memcmp(d->arena.s + d->nodes[c].key_off, s, n) == 0) {
			snprintf(d->errbuf, sizeof d->errbuf, "duplicate key");
			d->err = d->errbuf;
			d->erroff = st;
			return 0;
		}
	}
	d->have_key = 1;
	d->pk_start = st;
	d->pk_end = e;
	d->pk_off = arena_add(d, s, n);
	d->pk_len = n;
	d->pos = e;
	return 1;
}

static int
open_container(struct jdoc *d, enum jtype t)
{
	size_t st = tok_start(d);
	int i;

	if (d->depth >= JSON_MAX_DEPTH) {
		d->err = "nesting deeper than 64 levels";
		d->erroff = st;
		return 0;
	}
	i = add_node(d, t, st);
	d->stack[d->depth++] = i;
	d->pos = st + 1;
	return 1;
}

static int
close_container(struct jdoc *d)
{
	size_t e = tok_end(d);

	d->nodes[d->stack[--d->depth]].end = e;
	d->pos = e;
	return 1;
}

static int cb_start_map(void *ctx) { return open_container(ctx, J_OBJECT); }
static int cb_end_map(void *ctx) { return close_container(ctx); }
static int cb_start_array(void *ctx) { return open_container(ctx, J_ARRAY); }
static int cb_end_array(void *ctx) { return close_container(ctx); }

static const yajl_callbacks callbacks = {
	cb_null, cb_bool, NULL, NULL, cb_number, cb_string,
	cb_start_map, cb_key, cb_end_map, cb_start_array, cb_end_array
};

struct jdoc *
jdoc_alloc(void)
{
	return xcalloc(1, sizeof(struct jdoc));
}

void
jdoc_free(struct jdoc *d)
{
	if (d == NULL)
		return;
	free(d->nodes);
	buf_free(&d->arena);
	free(d);
}

static void
set_yajl_error(struct jdoc *d, const char *text, size_t len)
{
	unsigned char *m = yajl_get_error(d->yh, 0,
	    (const unsigned char *)text, len);
	char *p = (char *)m, *nl;
	size_t n;

	if (strncmp(p, "parse error: ", 13) == 0)
		p += 13;
	else if (strncmp(p, "lexical error: ", 15) == 0)
		p += 15;
	if ((nl = strchr(p, '\n')) != NULL)
		*nl = '\0';
	n = strlen(p);
	while (n > 0 && (p[n - 1] == '.' || p[n - 1] == ' '))
		p[--n] = '\0';
	snprintf(d->errbuf, sizeof d->errbuf, "invalid JSON: %s", p);
	yajl_free_error(d->yh, m);
	d->err = d->errbuf;
	d->erroff = yajl_get_bytes_consumed(d->yh);
}

int
jdoc_parse(struct jdoc *d, const char *text, size_t len)
{
	yajl_status st;

	d->text = text;
	d->len = len;
	d->nnodes = 0;
	d->depth = 0;
	d->pos = 0;
	d->have_key = 0;
	d->err = NULL;
	d->erroff = 0;
	buf_reset(&d->arena);
	/*
	 * yajl takes \v and \f as whitespace; JSON does not (and inside a
	 * string they are invalid unescaped anyway).
	 */
	{
		const char *v = memchr(text, '\v', len), *f = memchr(text, '\f', len);

		if (v != NULL || f != NULL) {
			if (v == NULL || (f != NULL && f < v))
				v = f;
			d->err = "invalid JSON: control character outside a string";
			d->erroff = (size_t)(v - text);
			return -1;
		}
	}
	d->yh = yajl_alloc(&callbacks, NULL, d);
	if (d->yh == NULL) {
		d->err = "out of memory";
		return -1;
	}
	st = yajl_parse(d->yh, (const unsigned char *)text, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(d->yh);
	if (st != yajl_status_ok && d->err == NULL)
		set_yajl_error(d, text, len);
	yajl_free(d->yh);
	d->yh = NULL;
	if (d->err != NULL)
		return -1;
	if (d->nnodes == 0) {
		d->err = "empty record";
		return -1;
	}
	return 0;
}

const char *jdoc_error(const struct jdoc *d) { return d->err; }
size_t jdoc_error_offset(const struct jdoc *d) { return d->erroff; }
const char *jdoc_text(const struct jdoc *d) { return d->text; }
size_t jdoc_len(const struct jdoc *d) { return d->len; }
int jdoc_nnodes(const struct jdoc *d) { return d->nnodes; }

static int
valid(const struct jdoc *d, int n)
{
	return n >= 0 && n < d->nnodes;
}

enum jtype
jdoc_type(const struct jdoc *d, int n)
{
	return valid(d, n) ? d->nodes[n].type : J_NULL;
}

const char *
jdoc_type_name(enum jtype t)
{
	static const char *names[] = { "null", "boolean", "boolean", "number",
	    "string", "object", "array" };

	return names[t];
}

static int
get_n(const struct jdoc *d, int n, const char *key, size_t klen)
{
	int c;

	if (!valid(d, n) || d->nodes[n].type != J_OBJECT)
		return -1;
	for (c = d->nodes[n].first; c >= 0; c = d->nodes[c].next)
		if (d->nodes[c].key_len == klen &&
		    memcmp(d->arena.s + d->nodes[c].key_off, key, klen) == 0)
			return c;
	return -1;
}

int
jdoc_get(const struct jdoc *d, int n, const char *key)
{
	return get_n(d, n, key, strlen(key));
}

int
jdoc_path(const struct jdoc *d, int n, const char *path)
{
	const char *p = path, *dot;

	while (valid(d, n) && *p != '\0') {
		size_t len;

		dot = strchr(p, '.');
		len = dot ? (size_t)(dot - p) : strlen(p);
		if (d->nodes[n].type == J_ARRAY) {
			size_t idx = 0, i;
			int c;

			for (i = 0; i < len; i++) {
				if (p[i] < '0' || p[i] > '9')
					return -1;
				idx = idx * 10 + (size_t)(p[i] - '0');
			}
			for (c = d->nodes[n].first; c >= 0 && idx > 0; idx--)
				c = d->nodes[c].next;
			n = c;
		} else
			n = get_n(d, n, p, len);
		if (dot == NULL)
			return n;
		p = dot + 1;
	}
	return valid(d, n) ? n : -1;
}

int jdoc_first(const struct jdoc *d, int n) { return valid(d, n) ? d->nodes[n].first : -1; }
int jdoc_next(const struct jdoc *d, int n) { return valid(d, n) ? d->nodes[n].next : -1; }
int jdoc_parent(const struct jdoc *d, int n) { return valid(d, n) ? d->nodes[n].parent : -1; }
size_t jdoc_count(const struct jdoc *d, int n) { return valid(d, n) ? d->nodes[n].count : 0; }
size_t jdoc_start(const struct jdoc *d, int n) { return valid(d, n) ? d->nodes[n].start : 0; }
size_t jdoc_end(const struct jdoc *d, int n) { return valid(d, n) ? d->nodes[n].end : 0; }

const char *
jdoc_key(const struct jdoc *d, int n, size_t *len)
{
	if (!valid(d, n) || !d->nodes[n].has_key)
		return NULL;
	if (len)
		*len = d->nodes[n].key_len;
	return d->arena.s + d->nodes[n].key_off;
}

const char *
jdoc_raw(const struct jdoc *d, int n, size_t *len)
{
	if (!valid(d, n))
		return NULL;
	if (len)
		*len = d->nodes[n].end - d->nodes[n].start;
	return d->text + d->nodes[n].start;
}

const char *
jdoc_str(const struct jdoc *d, int n, size_t *len)
{
	if (!valid(d, n) || d->nodes[n].type != J_STRING)
		return NULL;
	if (len)
		*len = d->nodes[n].str_len;
	return d->arena.s + d->nodes[n].str_off;
}

const char *
jdoc_pstr(const struct jdoc *d, int n, const char *path)
{
	return jdoc_str(d, jdoc_path(d, n, path), NULL);
}

int
jdoc_int(const struct jdoc *d, int n, long long *v)
{
	const char *s;
	size_t len, i = 0;
	unsigned long long acc = 0, lim;
	int neg = 0;

	if (!valid(d, n) || d->nodes[n].type != J_NUMBER)
		return -1;
	s = jdoc_raw(d, n, &len);
	if (len > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == len)
		return -1;
	lim = neg ? (unsigned long long)INT64_MAX + 1 : (unsigned long long)INT64_MAX;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (acc > (lim - (unsigned long long)(s[i] - '0')) / 10)
			return -1;
		acc = acc * 10 + (unsigned long long)(s[i] - '0');
	}
	*v = neg ? (long long)(0 - acc) : (long long)acc;
	return 0;
}

const char *
jdoc_cents(const struct jdoc *d, int n, int64_t *cents)
{
	const char *s;
	size_t len;

	if (!valid(d, n))
		return "missing";
	if (d->nodes[n].type == J_NUMBER)
		s = jdoc_raw(d, n, &len);
	else if (d->nodes[n].type == J_STRING)
		s = jdoc_str(d, n, &len);
	else
		return "not a number";
	return money_parse(s, len, 0, cents);
}

int
jdoc_blank(const struct jdoc *d, int n)
{
	if (!valid(d, n) || d->nodes[n].type == J_NULL)
		return 1;
	return d->nodes[n].type == J_STRING && d->nodes[n].str_len == 0;
}

/* ---- jpatch ---- */

struct jedit {
	int	obj;
	size_t	key_off, key_len;	/* in p->arena */
	size_t	val_off, val_len;
	int	del;
};

struct jpatch {
	const struct jdoc	*d;
	struct jedit		*e;
	int			 ne, cap;
	struct buf		 arena;
	int			*objs;	/* patched objects, by start offset */
	int			 nobjs, objcap, cursor;
	struct buf		*out;
};

struct jpatch *
jpatch_alloc(void)
{
	return xcalloc(1, sizeof(struct jpatch));
}

void
jpatch_free(struct jpatch *p)
{
	if (p == NULL)
		return;
	free(p->e);
	free(p->objs);
	buf_free(&p->arena);
	free(p);
}

void
jpatch_reset(struct jpatch *p, const struct jdoc *d)
{
	p->d = d;
	p->ne = 0;
	p->nobjs = 0;
	buf_reset(&p->arena);
}

static void
add_edit(struct jpatch *p, int obj, const char *key, const char *v,
    size_t vlen, int del)
{
	struct jedit *e;
	size_t klen = strlen(key);
	int i;

	if (!valid(p->d, obj) || p->d->nodes[obj].type != J_OBJECT)
		return;
	/* A later edit of the same member replaces an earlier one. */
	for (i = 0; i < p->ne; i++)
		if (p->e[i].obj == obj && p->e[i].key_len == klen &&
		    memcmp(p->arena.s + p->e[i].key_off, key, klen) == 0)
			break;
	if (i == p->ne) {
		if (p->ne == p->cap) {
			p->cap = p->cap ? p->cap * 2 : 16;
			p->e = xreallocarray(p->e, (size_t)p->cap, sizeof *p->e);
		}
		p->ne++;
	}
	e = &p->e[i];
	e->obj = obj;
	e->key_off = p->arena.len;
	e->key_len = klen;
	buf_add(&p->arena, key, klen);
	e->val_off = p->arena.len;
	e->val_len = vlen;
	buf_add(&p->arena, v, vlen);
	e->del = del;
}

void
jpatch_set(struct jpatch *p, int obj, const char *key, const char *value,
    size_t len)
{
	add_edit(p, obj, key, value, len, 0);
}

void
jpatch_del(struct jpatch *p, int obj, const char *key)
{
	add_edit(p, obj, key, "", 0, 1);
}

static int
edited(const struct jpatch *p, int obj, const char *key, size_t klen)
{
	int i;

	for (i = 0; i < p->ne; i++)
		if (p->e[i].obj == obj && p->e[i].key_len == klen &&
		    memcmp(p->arena.s + p->e[i].key_off, key, klen) == 0)
			return 1;
	return 0;
}

static void emit_obj(struct jpatch *p, int obj);

/* Copy text[from..to), replacing patched objects inside it. */
static void
emit_range(struct jpatch *p, size_t from, size_t to)
{
	const struct jdoc *d = p->d;

	while (p->cursor < p->nobjs &&
	    d->nodes[p->objs[p->cursor]].start < to) {
		int obj = p->objs[p->cursor++];

		buf_add(p->out, d->text + from, d->nodes[obj].start - from);
		emit_obj(p, obj);
		from = d->nodes[obj].end;
	}
	buf_add(p->out, d->text + from, to - from);
}

static void
emit_obj(struct jpatch *p, int obj)
{
	const struct jdoc *d = p->d;
	int c, i, n = 0;

	buf_addc(p->out, '{');
	for (c = d->nodes[obj].first; c >= 0; c = d->nodes[c].next) {
		const struct jnode *m = &d->nodes[c];

		if (edited(p, obj, d->arena.s + m->key_off, m->key_len)) {
			/* Skip patched objects nested in the dropped value. */
			while (p->cursor < p->nobjs &&
			    d->nodes[p->objs[p->cursor]].start < m->end)
				p->cursor++;
			continue;
		}
		if (n++)
			buf_addc(p->out, ',');
		buf_add(p->out, d->text + m->keystart, m->keyend - m->keystart);
		buf_addc(p->out, ':');
		emit_range(p, m->start, m->end);
	}
	for (i = 0; i < p->ne; i++) {
		const struct jedit *e = &p->e[i];

		if (e->obj != obj || e->del)
			continue;
		if (n++)
			buf_addc(p->out, ',');
		json_escape(p->out, p->arena.s + e->key_off, e->key_len);
		buf_addc(p->out, ':');
		buf_add(p->out, p->arena.s + e->val_off, e->val_len);
	}
	buf_addc(p->out, '}');
}


void
jpatch_write(struct jpatch *p, struct buf *out)
{
	const struct jdoc *d = p->d;
	int i, j;

	p->nobjs = 0;
	for (i = 0; i < p->ne; i++) {
		for (j = 0; j < p->nobjs; j++)
			if (p->objs[j] == p->e[i].obj)
				break;
		if (j < p->nobjs)
			continue;
		if (p->nobjs == p->objcap) {
			p->objcap = p->objcap ? p->objcap * 2 : 16;
			p->objs = xreallocarray(p->objs, (size_t)p->objcap,
			    sizeof *p->objs);
		}
		p->objs[p->nobjs++] = p->e[i].obj;
	}
	/* Document order; few objects per record, so insertion sort. */
	for (i = 1; i < p->nobjs; i++) {
		int o = p->objs[i];

		for (j = i; j > 0 &&
		    d->nodes[p->objs[j - 1]].start > d->nodes[o].start; j--)
			p->objs[j] = p->objs[j - 1];
		p->objs[j] = o;
	}
	p->cursor = 0;
	p->out = out;
	/* Trailing whitespace of the line (a '\r') is dropped. */
	emit_range(p, d->nodes[0].start, d->nodes[0].end);
}
