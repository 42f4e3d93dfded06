/*
 * jw: a small compact-JSON writer into a struct buf.  Commas are placed
 * automatically; strings are escaped per RFC 8259 (UTF-8 passed through,
 * control characters as \u00XX).  Money goes out as exact cents.
 */
#ifndef CLAIMKIT_JW_H
#define CLAIMKIT_JW_H

#include <stddef.h>
#include <stdint.h>

#include "claimkit/buf.h"

#define JW_MAX_DEPTH 64

struct jw {
	struct buf	*b;
	int		 depth;
	unsigned char	 first[JW_MAX_DEPTH + 1];
	int		 after_key;
};

void jw_init(struct jw *w, struct buf *b);
void jw_obj(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_str(struct jw *w, const char *s);
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, long long v);
void jw_cents(struct jw *w, int64_t cents);
void jw_bool(struct jw *w, int v);
void jw_null(struct jw *w);
/*
 * A computed (not money) number with decimals digits after the point,
 * e.g. a probability; NaN and infinities, which JSON lacks, as null.
 */
void jw_fixed(struct jw *w, double v, int decimals);
/* Insert already valid JSON text as one value. */
void jw_raw(struct jw *w, const char *json, size_t n);

/* Key + value shorthands; the _opt forms write nothing for NULL or "". */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_kstr_opt(struct jw *w, const char *key, const char *s);
void jw_kstrn_opt(struct jw *w, const char *key, const char *s, size_t n);
void jw_kint(struct jw *w, const char *key, long long v);
void jw_kcents(struct jw *w, const char *key, int64_t cents);
void jw_kbool(struct jw *w, const char *key, int v);

/* Append s escaped as a JSON string (with quotes) to b. */
void json_escape(struct buf *b, const char *s, size_t n);

#endif
