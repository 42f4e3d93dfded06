/* jw: compact JSON writer. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "claimkit/diag.h"
#include "claimkit/jw.h"
#include "claimkit/money.h"

/* Bytes that need an escape in a JSON string: controls, '"' and '\\'. */
static const unsigned char needs_escape[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1,
	[0x06] = 1, [0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1,
	[0x0c] = 1, [0x0d] = 1, [0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1,
	[0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
	[0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1,
	[0x1e] = 1, [0x1f] = 1, ['"'] = 1, ['\\'] = 1
};

void
json_escape(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	buf_grow(b, n + 2);
	b->s[b->len++] = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc;
		char u[7];

		if (!needs_escape[c])
			continue;
		buf_add(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		default:
			memcpy(u, "\\u00", 4);
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			u[6] = '\0';
			esc = u;
		}
		buf_adds(b, esc);
	}
	buf_add(b, s + run, n - run);
	buf_addc(b, '"');
}

void
jw_init(struct jw *w, struct buf *b)
{
	w->b = b;
	w->depth = 0;
	w->first[0] = 1;
	w->after_key = 0;
}

static void
sep(struct jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (!w->first[w->depth])
		buf_addc(w->b, ',');
	w->first[w->depth] = 0;
}

static void
open_(struct jw *w, int c)
{
	sep(w);
	if (w->depth >= JW_MAX_DEPTH)
		diag_fatal(CK_EX_SOFTWARE, "jw: nesting too deep");
	buf_addc(w->b, c);
	w->first[++w->depth] = 1;
}

static void
close_(struct jw *w, int c)
{
	if (w->depth == 0)
		diag_fatal(CK_EX_SOFTWARE, "jw: unbalanced close");
	w->depth--;
	buf_addc(w->b, c);
}

void jw_obj(struct jw *w) { open_(w, '{'); }
void jw_obj_end(struct jw *w) { close_(w, '}'); }
void jw_arr(struct jw *w) { open_(w, '['); }
void jw_arr_end(struct jw *w) { close_(w, ']'); }

void
jw_key(struct jw *w, const char *key)
{
	sep(w);
	json_escape(w->b, key, strlen(key));
	buf_addc(w->b, ':');
	w->after_key = 1;
}

void
jw_strn(struct jw *w, const char *s, size_t n)
{
	sep(w);
	json_escape(w->b, s, n);
}

void
jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s, strlen(s));
}

void
jw_int(struct jw *w, long long v)
{
	sep(w);
	buf_addi(w->b, v);
}

void
jw_cents(struct jw *w, int64_t cents)
{
	char tmp[MONEY_FMT_SIZE];

	sep(w);
	buf_adds(w->b, money_fmt(tmp, cents));
}

void
jw_bool(struct jw *w, int v)
{
	sep(w);
	buf_adds(w->b, v ? "true" : "false");
}

void
jw_null(struct jw *w)
{
	sep(w);
	buf_adds(w->b, "null");
}

void
jw_raw(struct jw *w, const char *json, size_t n)
{
	sep(w);
	buf_add(w->b, json, n);
}

void
jw_fixed(struct jw *w, double v, int decimals)
{
	char tmp[64];
	int n;

	if (isnan(v) || isinf(v)) {
		jw_null(w);
		return;
	}
	/*
	 * The common case (probabilities, scores) without printf's
	 * floating-point formatting, which is slow: scale, round half away
	 * from zero, print the integer's digits with the point put in.
	 */
	if (decimals >= 0 && decimals <= 9 && fabs(v) < 1e9) {
		static const long long p10[] = { 1, 10, 100, 1000, 10000,
		    100000, 1000000, 10000000, 100000000, 1000000000 };
		long long q = llround(fabs(v) * (double)p10[decimals]);
		char *e = tmp + sizeof tmp - 1, *p = e;
		int i;

		*e = '\0';
		for (i = 0; i < decimals; i++) {
			*--p = (char)('0' + q % 10);
			q /= 10;
		}
		if (decimals > 0)
			*--p = '.';
		do {
			*--p = (char)('0' + q % 10);
			q /= 10;
		} while (q > 0);
		if (v < 0 && strspn(p, "0.") < (size_t)(e - p))
			*--p = '-';
		jw_raw(w, p, (size_t)(e - p));
		return;
	}
	n = snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
	if (n < 0 || (size_t)n >= sizeof tmp) {
		jw_null(w);
		return;
	}
	/* "-0.000000" is a valid but odd way to write zero. */
	if (tmp[0] == '-' && strspn(tmp + 1, "0.") == (size_t)n - 1)
		jw_raw(w, tmp + 1, (size_t)n - 1);
	else
		jw_raw(w, tmp, (size_t)n);
}

void jw_kstr(struct jw *w, const char *k, const char *s) { jw_key(w, k); jw_str(w, s); }
void jw_kint(struct jw *w, const char *k, long long v) { jw_key(w, k); jw_int(w, v); }
void jw_kcents(struct jw *w, const char *k, int64_t c) { jw_key(w, k); jw_cents(w, c); }
void jw_kbool(struct jw *w, const char *k, int v) { jw_key(w, k); jw_bool(w, v); }

void
jw_kstr_opt(struct jw *w, const char *k, const char *s)
{
	if (s != NULL && *s != '\0')
		jw_kstr(w, k, s);
}

void
jw_kstrn_opt(struct jw *w, const char *k, const char *s, size_t n)
{
	if (s != NULL && n > 0) {
		jw_key(w, k);
		jw_strn(w, s, n);
	}
}
