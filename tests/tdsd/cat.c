/*
 * cat: the SQLite side of tdsd.  The database file holds the user tables
 * (named "schema.table") and tdsd's own catalogue (tdsd_schemas,
 * tdsd_objects, tdsd_columns, tdsd_indexes, tdsd_fkeys) with what SQLite
 * does not keep: each column's SQL Server type, length, precision, scale,
 * nullability and identity, and the constraint names SQL Server's error
 * messages quote.  The sys.* and INFORMATION_SCHEMA views are SQLite
 * views over the catalogue.  This file also registers the SQL functions
 * the generated SQL calls (tdsd_conv, tdsd_arith, tdsd_like) and the
 * "tds" collation (case-insensitive, trailing blanks ignored, as
 * SQL_Latin1_General_CP1_CI_AS compares).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/xalloc.h"
#include "tdsd.h"

typedef __int128 i128;

/* ---------------------------------------------------------------- */
/* Quoting */

void
sqlq(struct buf *b, const char *name)
{
	const char *p;

	buf_addc(b, '"');
	for (p = name; *p != '\0'; p++) {
		if (*p == '"')
			buf_addc(b, '"');
		buf_addc(b, *p);
	}
	buf_addc(b, '"');
}

void
sqlstr(struct buf *b, const char *s, size_t n)
{
	size_t i;

	buf_addc(b, '\'');
	for (i = 0; i < n; i++) {
		if (s[i] == '\'')
			buf_addc(b, '\'');
		buf_addc(b, s[i]);
	}
	buf_addc(b, '\'');
}

int64_t
tycode(const struct sqltype *ty)
{
	return (int64_t)ty->t | (int64_t)ty->prec << 8 |
	    (int64_t)ty->scale << 16 | (int64_t)(ty->len + 1) << 24;
}

void
tydecode(int64_t code, struct sqltype *ty)
{
	ty->t = (enum st)(code & 0xFF);
	ty->prec = (int)(code >> 8 & 0xFF);
	ty->scale = (int)(code >> 16 & 0xFF);
	ty->len = (int)(code >> 24) - 1;
	if ((unsigned)ty->t >= ST_NTYPES)
		ty->t = ST_NULL;
}

int
tderr_from_sqlite(const char *msg, struct tderr *e)
{
	char *end;
	long num, cls;

	if (strncmp(msg, "tdsd:", 5) != 0)
		return -1;
	num = strtol(msg + 5, &end, 10);
	if (*end != ':')
		return -1;
	cls = strtol(end + 1, &end, 10);
	if (*end != ':')
		return -1;
	e->num = (int32_t)num;
	e->cls = (int)cls;
	e->state = 1;
	snprintf(e->msg, sizeof(e->msg), "%s", end + 1);
	return 0;
}

static void
fn_error(sqlite3_context *ctx, const struct tderr *e)
{
	char msg[1200];

	snprintf(msg, sizeof(msg), "tdsd:%d:%d:%s", (int)e->num, e->cls,
	    e->msg);
	sqlite3_result_error(ctx, msg, -1);
}

/* ---------------------------------------------------------------- */
/* Arithmetic */

static i128
p10(int n)
{
	i128 v = 1;

	while (n-- > 0)
		v *= 10;
	return v;
}

static i128
rnd(i128 v, int from, int to)
{
	if (to >= from)
		return v * p10(to - from);
	{
		i128 d = p10(from - to), q = v / d, r = v % d;

		if (r < 0)
			r = -r;
		if (r * 2 >= d)
			q += v < 0 ? -1 : 1;
		return q;
	}
}

static void
as_dec(const struct sqlval *v, i128 *m, int *sc)
{
	if (st_is_dec(v->t)) {
		*m = v->i;
		*sc = v->scale;
	} else {
		*m = v->i;
		*sc = 0;
	}
}

static double
as_float(const struct sqlval *v)
{
	if (v->t == ST_FLOAT || v->t == ST_REAL)
		return v->f;
	if (st_is_dec(v->t))
		return (double)v->i / (double)pow10i(v->scale);
	return (double)v->i;
}

static int
overflow(struct tderr *e, const struct sqltype *rt)
{
	return tderr_set(e, 8115, 16,
	    "Arithmetic overflow error converting expression to data type %s.",
	    st_is_dec(rt->t) ? "numeric" : st_name(rt->t));
}

int
val_arith(int op, const struct sqlval *a, const struct sqlval *b,
    const struct sqltype *rt, struct sqlval *out, struct tderr *e)
{
	memset(out, 0, sizeof(*out));
	out->t = rt->t;
	out->prec = rt->prec;
	out->scale = rt->scale;
	if (a->null || b->null) {
		out->null = 1;
		return 0;
	}
	if (rt->t == ST_FLOAT || rt->t == ST_REAL) {
		double x = as_float(a), y = as_float(b);

		switch (op) {
		case '+': out->f = x + y; break;
		case '-': out->f = x - y; break;
		case '*': out->f = x * y; break;
		case '/':
			if (y == 0)
				return tderr_set(e, 8134, 16,
				    "Divide by zero error encountered.");
			out->f = x / y;
			break;
		default:
			return tderr_set(e, 8117, 16,
			    "Operand data type float is invalid for modulo operator.");
		}
		return 0;
	}
	if (st_is_int(rt->t)) {
		i128 x = a->i, y = b->i, r;

		switch (op) {
		case '+': r = x + y; break;
		case '-': r = x - y; break;
		case '*': r = x * y; break;
		case '/':
			if (y == 0)
				return tderr_set(e, 8134, 16,
				    "Divide by zero error encountered.");
			r = x / y;
			break;
		case '%':
			if (y == 0)
				return tderr_set(e, 8134, 16,
				    "Divide by zero error encountered.");
			r = x % y;
			break;
		case '&': r = x & y; break;
		case '|': r = x | y; break;
		case '^': r = x ^ y; break;
		default:
			return tderr_set(e, 102, 15, "Incorrect syntax.");
		}
		if ((rt->t == ST_INT && (r < INT32_MIN || r > INT32_MAX)) ||
		    (rt->t == ST_SMALLINT && (r < -32768 || r > 32767)) ||
		    (rt->t == ST_TINYINT && (r < 0 || r > 255)) ||
		    r < INT64_MIN || r > INT64_MAX)
			return overflow(e, rt);
		out->i = (int64_t)r;
		if (rt->t == ST_BIT)
			out->i = out->i != 0;
		return 0;
	}
	if (st_is_dec(rt->t)) {
		i128 x, y, r;
		int sx, sy, s;

		as_dec(a, &x, &sx);
		as_dec(b, &y, &sy);
		s = sx > sy ? sx : sy;
		switch (op) {
		case '+':
			r = rnd(rnd(x, sx, s) + rnd(y, sy, s), s, rt->scale);
			break;
		case '-':
			r = rnd(rnd(x, sx, s) - rnd(y, sy, s), s, rt->scale);
			break;
		case '*':
			/* |x|, |y| < 2^63: the product fits 127 bits */
			r = rnd(x * y, sx + sy, rt->scale);
			break;
		case '/': {
			int up = rt->scale + sy - sx;
			i128 num;

			if (y == 0)
				return tderr_set(e, 8134, 16,
				    "Divide by zero error encountered.");
			/* one guard digit, then round */
			if (up + 1 > 30)
				return overflow(e, rt);
			num = up + 1 >= 0 ? x * p10(up + 1) :
			    x / p10(-(up + 1));
			r = rnd(num / y, 1, 0);
			break;
		}
		case '%':
			if (y == 0)
				return tderr_set(e, 8134, 16,
				    "Divide by zero error encountered.");
			r = rnd(rnd(x, sx, s) % rnd(y, sy, s), s, rt->scale);
			break;
		default:
			return tderr_set(e, 8117, 16,
			    "Operand data type numeric is invalid for %c operator.",
			    op);
		}
		if (r >= p10(rt->prec) || r <= -p10(rt->prec) ||
		    r > INT64_MAX || r < INT64_MIN)
			return overflow(e, rt);
		out->i = (int64_t)r;
		return 0;
	}
	return tderr_set(e, 8117, 16,
	    "Operand data type %s is invalid for this operator.",
	    st_name(rt->t));
}

/* ---------------------------------------------------------------- */
/* Collation and LIKE */

static uint32_t
next_cp(const unsigned char **p, const unsigned char *end)
{
	const unsigned char *s = *p;
	uint32_t c = *s++;

	if (c >= 0xC0 && s < end) {
		int n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;

		c &= n == 3 ? 0x07 : n == 2 ? 0x0F : 0x1F;
		while (n-- > 0 && s < end && (*s & 0xC0) == 0x80)
			c = c << 6 | (*s++ & 0x3F);
	}
	*p = s;
	return c;
}

static uint32_t
fold(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		return c + 32;
	if (c >= 0x100 && c <= 0x17F && c % 2 == 0 && c != 0x130)
		return c + 1;
	return c;
}

static int
tds_collate(void *arg, int na, const void *a, int nb, const void *b)
{
	const unsigned char *p = a, *q = b, *pe, *qe;

	(void)arg;
	while (na > 0 && p[na - 1] == ' ')
		na--;
	while (nb > 0 && q[nb - 1] == ' ')
		nb--;
	pe = p + na;
	qe = q + nb;
	while (p < pe && q < qe) {
		uint32_t x = fold(next_cp(&p, pe)), y = fold(next_cp(&q, qe));

		if (x != y)
			return x < y ? -1 : 1;
	}
	if (p < pe)
		return 1;
	if (q < qe)
		return -1;
	return 0;
}

int
tsql_like(const char *s, size_t n, const char *pat, size_t pn, int esc)
{
	const unsigned char *sp = (const unsigned char *)s, *se = sp + n;
	const unsigned char *pp = (const unsigned char *)pat, *pe = pp + pn;

	while (pp < pe) {
		const unsigned char *save = pp;
		uint32_t pc = next_cp(&pp, pe);

		if (esc >= 0 && pc == (uint32_t)esc && pp < pe) {
			uint32_t lit = next_cp(&pp, pe);

			if (sp >= se || fold(next_cp(&sp, se)) != fold(lit))
				return 0;
			continue;
		}
		if (pc == '%') {
			while (pp < pe && *pp == '%')
				pp++;
			if (pp == pe)
				return 1;
			for (;;) {
				if (tsql_like((const char *)sp, (size_t)(se - sp),
				    (const char *)pp, (size_t)(pe - pp), esc))
					return 1;
				if (sp >= se)
					return 0;
				(void)next_cp(&sp, se);
			}
		}
		if (sp >= se)
			return 0;
		if (pc == '_') {
			(void)next_cp(&sp, se);
			continue;
		}
		if (pc == '[') {
			const unsigned char *q = pp;
			int neg = 0, match = 0;
			uint32_t c = fold(next_cp(&sp, se));

			if (q < pe && *q == '^') {
				neg = 1;
				q++;
			}
			while (q < pe && *q != ']') {
				uint32_t lo = fold(next_cp(&q, pe)), hi = lo;

				if (q + 1 < pe && *q == '-' && q[1] != ']') {
					q++;
					hi = fold(next_cp(&q, pe));
				}
				if (c >= lo && c <= hi)
					match = 1;
			}
			if (q >= pe) {
				/* no closing bracket: a literal '[' */
				pp = save + 1;
				if (c != '[')
					return 0;
				continue;
			}
			pp = q + 1;
			if (match == neg)
				return 0;
			continue;
		}
		if (fold(next_cp(&sp, se)) != fold(pc))
			return 0;
	}
	return sp == se;
}

/* ---------------------------------------------------------------- */
/* SQL functions */

/* tdsd_conv(value, srccode, dstcode, explicit[, style]) */
static void
fn_conv(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct sqltype src, dst;
	struct sqlval a, r;
	struct tderr e;
	int expl = sqlite3_value_int(argv[3]);

	(void)argc;
	tydecode(sqlite3_value_int64(argv[1]), &src);
	tydecode(sqlite3_value_int64(argv[2]), &dst);
	memset(&a, 0, sizeof(a));
	memset(&r, 0, sizeof(r));
	sqlval_from_sqlite(argv[0], &src, &a);
	if (sqlval_conv(&a, &dst, expl != 0, &r, &e) != 0) {
		if (expl == 2)		/* TRY_CAST */
			sqlite3_result_null(ctx);
		else
			fn_error(ctx, &e);
	} else {
		if (st_is_str(dst.t) && dst.len != LEN_MAX && !expl &&
		    utf8_chars(r.s, r.n) > (size_t)dst.len && 0)
			r.n = 0;
		sqlval_result(ctx, &r);
	}
	sqlval_free(&a);
	sqlval_free(&r);
}

/* tdsd_arith(op, a, b, codea, codeb, coderesult) */
static void
fn_arith(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct sqltype ta, tb, tr;
	struct sqlval a, b, r;
	struct tderr e;
	int op = sqlite3_value_int(argv[0]);

	(void)argc;
	tydecode(sqlite3_value_int64(argv[3]), &ta);
	tydecode(sqlite3_value_int64(argv[4]), &tb);
	tydecode(sqlite3_value_int64(argv[5]), &tr);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	sqlval_from_sqlite(argv[1], &ta, &a);
	sqlval_from_sqlite(argv[2], &tb, &b);
	if (val_arith(op, &a, &b, &tr, &r, &e) != 0)
		fn_error(ctx, &e);
	else
		sqlval_result(ctx, &r);
	sqlval_free(&a);
	sqlval_free(&b);
}

/* tdsd_like(s, pattern[, escape]) */
static void
fn_like(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s, *p;
	int esc = -1;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
	    sqlite3_value_type(argv[1]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	s = (const char *)sqlite3_value_text(argv[0]);
	p = (const char *)sqlite3_value_text(argv[1]);
	if (argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL) {
		const char *x = (const char *)sqlite3_value_text(argv[2]);

		if (x != NULL && *x != '\0')
			esc = (unsigned char)*x;
	}
	sqlite3_result_int(ctx, tsql_like(s, (size_t)sqlite3_value_bytes(argv[0]),
	    p, (size_t)sqlite3_value_bytes(argv[1]), esc));
}

/* tdsd_datalength(value, code): bytes as SQL Server stores them */
static void
fn_datalength(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct sqltype ty;
	int n;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	tydecode(sqlite3_value_int64(argv[1]), &ty);
	n = sqlite3_value_bytes(argv[0]);
	if (st_is_nstr(ty.t)) {
		const char *t = (const char *)sqlite3_value_text(argv[0]);

		sqlite3_result_int64(ctx, (int64_t)utf8_units16(t,
		    (size_t)n) * 2);
	} else if (st_is_str(ty.t)) {
		const char *t = (const char *)sqlite3_value_text(argv[0]);

		sqlite3_result_int64(ctx, (int64_t)utf8_chars(t, (size_t)n));
	} else if (st_is_bin(ty.t))
		sqlite3_result_int(ctx, n);
	else {
		static const int sz[ST_NTYPES] = { 0, 1, 1, 2, 4, 8, 9, 9, 4,
		    8, 8, 0, 0, 0, 0, 0, 0, 3, 5, 8, 8, 16 };

		sqlite3_result_int(ctx, sz[ty.t]);
	}
}

/* tdsd_len(text): LEN, characters without trailing blanks */
static void
fn_len(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *t;
	int n;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	t = (const char *)sqlite3_value_text(argv[0]);
	n = sqlite3_value_bytes(argv[0]);
	while (n > 0 && t[n - 1] == ' ')
		n--;
	/* UTF-16 code units, as SQL Server without an _SC collation */
	sqlite3_result_int64(ctx, (int64_t)utf8_units16(t, (size_t)n));
}

/* tdsd_isnumeric(text) */
static void
fn_isnumeric(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int64_t m;
	int p, s;
	const char *t;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
		sqlite3_result_int(ctx, 1);
		return;
	}
	t = (const char *)sqlite3_value_text(argv[0]);
	sqlite3_result_int(ctx, dec_parse(t, (size_t)sqlite3_value_bytes(argv[0]),
	    &m, &p, &s) == 0);
}

/* tdsd_dtpart(part, value, code): YEAR, MONTH, DAY, DATEPART */
static void
fn_dtpart(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct sqltype ty;
	struct sqlval v;
	int part = sqlite3_value_int(argv[0]), y, m, d;
	int64_t r = 0;

	(void)argc;
	tydecode(sqlite3_value_int64(argv[2]), &ty);
	memset(&v, 0, sizeof(v));
	sqlval_from_sqlite(argv[1], &ty, &v);
	if (v.null) {
		sqlite3_result_null(ctx);
		sqlval_free(&v);
		return;
	}
	date_to_ymd(v.i, &y, &m, &d);
	switch (part) {
	case 'y': r = y; break;
	case 'm': r = m; break;
	case 'd': r = d; break;
	case 'h': r = v.ticks / 36000000000LL; break;
	case 'n': r = v.ticks / 600000000 % 60; break;
	case 's': r = v.ticks / 10000000 % 60; break;
	case 'w': r = (v.i + 1) % 7 + 1; break;	/* 0001-01-01 was a Monday */
	case 'q': r = (m - 1) / 3 + 1; break;
	case 'j': {
		int64_t jan1;

		(void)date_from_ymd(y, 1, 1, &jan1);
		r = v.i - jan1 + 1;
		break;
	}
	default: break;
	}
	sqlite3_result_int64(ctx, r);
	sqlval_free(&v);
}

/* tdsd_dateadd(part, n, value, code) */
static void
fn_dateadd(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct sqltype ty;
	struct sqlval v;
	struct tderr e;
	int part = sqlite3_value_int(argv[0]), y, m, d;
	int64_t n = sqlite3_value_int64(argv[1]);

	(void)argc;
	tydecode(sqlite3_value_int64(argv[3]), &ty);
	memset(&v, 0, sizeof(v));
	sqlval_from_sqlite(argv[2], &ty, &v);
	if (v.null || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		sqlval_free(&v);
		return;
	}
	switch (part) {
	case 'y': case 'q': case 'm': {
		int64_t months = part == 'y' ? n * 12 : part == 'q' ? n * 3 : n;
		int64_t t;

		date_to_ymd(v.i, &y, &m, &d);
		t = (int64_t)y * 12 + (m - 1) + months;
		y = (int)(t / 12);
		m = (int)(t % 12) + 1;
		while (d > 28 && date_from_ymd(y, m, d, &v.i) != 0)
			d--;
		if (date_from_ymd(y, m, d, &v.i) != 0)
			goto range;
		break;
	}
	case 'd': case 'w': v.i += part == 'w' ? n * 7 : n; break;
	case 'h': case 'n': case 's': {
		int64_t unit = part == 'h' ? 36000000000LL : part == 'n' ?
		    600000000LL : 10000000LL;
		i128 t = (i128)v.i * 864000000000LL + v.ticks +
		    (i128)n * unit;

		if (t < 0)
			goto range;
		v.i = (int64_t)(t / 864000000000LL);
		v.ticks = (int64_t)(t % 864000000000LL);
		break;
	}
	default:
		break;
	}
	if (v.i < 0 || v.i > 3652058)
		goto range;
	sqlval_result(ctx, &v);
	sqlval_free(&v);
	return;
range:
	tderr_set(&e, 517, 16,
	    "Adding a value to a '%s' column caused an overflow.",
	    st_name(ty.t));
	fn_error(ctx, &e);
	sqlval_free(&v);
}

/* tdsd_datediff(part, a, codea, b, codeb) */
static void
fn_datediff(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct sqltype ta, tb;
	struct sqlval a, b;
	int part = sqlite3_value_int(argv[0]), ya, ma, da, yb, mb, db;
	int64_t r = 0;

	(void)argc;
	tydecode(sqlite3_value_int64(argv[2]), &ta);
	tydecode(sqlite3_value_int64(argv[4]), &tb);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	sqlval_from_sqlite(argv[1], &ta, &a);
	sqlval_from_sqlite(argv[3], &tb, &b);
	if (a.null || b.null) {
		sqlite3_result_null(ctx);
		goto out;
	}
	date_to_ymd(a.i, &ya, &ma, &da);
	date_to_ymd(b.i, &yb, &mb, &db);
	switch (part) {
	case 'y': r = yb - ya; break;
	case 'q': r = (yb * 4 + (mb - 1) / 3) - (ya * 4 + (ma - 1) / 3); break;
	case 'm': r = (yb * 12 + mb) - (ya * 12 + ma); break;
	case 'd': r = b.i - a.i; break;
	case 'w': r = ((b.i + 1) / 7) - ((a.i + 1) / 7); break;
	case 'h': r = (b.i * 24 + b.ticks / 36000000000LL) -
	    (a.i * 24 + a.ticks / 36000000000LL); break;
	case 'n': r = (b.i * 1440 + b.ticks / 600000000) -
	    (a.i * 1440 + a.ticks / 600000000); break;
	case 's': r = (b.i * 86400 + b.ticks / 10000000) -
	    (a.i * 86400 + a.ticks / 10000000); break;
	default: break;
	}
	sqlite3_result_int64(ctx, r);
out:
	sqlval_free(&a);
	sqlval_free(&b);
}

int
db_register(sqlite3 *db)
{
	int f = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
	int rc = 0;

	rc |= sqlite3_create_collation(db, "tds", SQLITE_UTF8, NULL,
	    tds_collate);
	rc |= sqlite3_create_function(db, "tdsd_conv", 4, f, NULL, fn_conv,
	    NULL, NULL);
	rc |= sqlite3_create_function(db, "tdsd_arith", 6, f, NULL, fn_arith,
	    NULL, NULL);
	rc |= sqlite3_create_function(db, "tdsd_like", 2, f, NULL, fn_like,
	    NULL, NULL);
	rc |= sqlite3_create_function(db, "tdsd_like", 3, f, NULL, fn_like,
	    NULL, NULL);
	rc |= sqlite3_create_function(db, "tdsd_datalength", 2, f, NULL,
	    fn_datalength, NULL, NULL);
	rc |= sqlite3_create_function(db, "tdsd_len", 1, f, NULL, fn_len,
	    NULL, NULL);
	rc |= sqlite3_create_function(db, "tdsd_isnumeric", 1, f, NULL,
	    fn_isnumeric, NULL, NULL);
	rc |= sqlite3_create_function(db, "tdsd_dtpart", 3, f, NULL,
	    fn_dtpart, NULL, NULL);
	rc |= sqlite3_create_function(db, "tdsd_dateadd", 4, f, NULL,
	    fn_dateadd, NULL, NULL);
	rc |= sqlite3_create_function(db, "tdsd_datediff", 5, f, NULL,
	    fn_datediff, NULL, NULL);
	return rc == 0 ? 0 : -1;
}

/* ---------------------------------------------------------------- */
/* Opening the database */

static const char catalog_ddl[] =
"CREATE TABLE IF NOT EXISTS tdsd_meta(key TEXT PRIMARY KEY, value TEXT);"
"INSERT OR IGNORE INTO tdsd_meta VALUES ('format', '1');"
"CREATE TABLE IF NOT EXISTS tdsd_schemas(schema_id INTEGER PRIMARY KEY,"
" name TEXT NOT NULL UNIQUE COLLATE NOCASE);"
"INSERT OR IGNORE INTO tdsd_schemas VALUES (1, 'dbo'), (3,"
" 'INFORMATION_SCHEMA'), (4, 'sys');"
"CREATE TABLE IF NOT EXISTS tdsd_objects(object_id INTEGER PRIMARY KEY,"
" schema_id INTEGER NOT NULL, name TEXT NOT NULL COLLATE NOCASE,"
" type TEXT NOT NULL, parent_id INTEGER, sqlname TEXT, ident_seed INTEGER,"
" ident_inc INTEGER, ident_cur INTEGER, definition TEXT, create_date TEXT);"
"CREATE INDEX IF NOT EXISTS tdsd_objects_name ON tdsd_objects(name);"
"CREATE TABLE IF NOT EXISTS tdsd_columns(object_id INTEGER NOT NULL,"
" column_id INTEGER NOT NULL, name TEXT NOT NULL COLLATE NOCASE,"
" type TEXT NOT NULL, max_length INTEGER, precision INTEGER,"
" scale INTEGER, is_nullable INTEGER, is_identity INTEGER, is_pk INTEGER,"
" default_def TEXT, PRIMARY KEY (object_id, column_id));"
"CREATE TABLE IF NOT EXISTS tdsd_indexes(object_id INTEGER NOT NULL,"
" index_id INTEGER NOT NULL, name TEXT COLLATE NOCASE, is_unique INTEGER,"
" is_primary_key INTEGER, is_unique_constraint INTEGER, columns TEXT,"
" sqlname TEXT, PRIMARY KEY (object_id, index_id));"
"CREATE TABLE IF NOT EXISTS tdsd_fkeys(object_id INTEGER PRIMARY KEY,"
" parent_id INTEGER NOT NULL, ref_id INTEGER NOT NULL, columns TEXT,"
" ref_columns TEXT, on_delete_cascade INTEGER);"
"DROP VIEW IF EXISTS \"sys.schemas\";"
"CREATE VIEW \"sys.schemas\" AS SELECT name, schema_id, 1 AS principal_id"
" FROM tdsd_schemas;"
"DROP VIEW IF EXISTS \"sys.objects\";"
"CREATE VIEW \"sys.objects\" AS SELECT name, object_id, NULL AS"
" principal_id, schema_id, COALESCE(parent_id, 0) AS parent_object_id,"
" type, CASE type WHEN 'U' THEN 'USER_TABLE' WHEN 'PK' THEN"
" 'PRIMARY_KEY_CONSTRAINT' WHEN 'UQ' THEN 'UNIQUE_CONSTRAINT' WHEN 'F'"
" THEN 'FOREIGN_KEY_CONSTRAINT' WHEN 'C' THEN 'CHECK_CONSTRAINT' WHEN 'D'"
" THEN 'DEFAULT_CONSTRAINT' END AS type_desc, create_date, create_date AS"
" modify_date, 0 AS is_ms_shipped FROM tdsd_objects;"
"DROP VIEW IF EXISTS \"sys.tables\";"
"CREATE VIEW \"sys.tables\" AS SELECT name, object_id, schema_id, type,"
" 'USER_TABLE' AS type_desc, create_date, create_date AS modify_date"
" FROM tdsd_objects WHERE type = 'U';"
"DROP VIEW IF EXISTS \"sys.columns\";"
"CREATE VIEW \"sys.columns\" AS SELECT object_id, name, column_id,"
" CASE type WHEN 'bit' THEN 104 WHEN 'tinyint' THEN 48 WHEN 'smallint'"
" THEN 52 WHEN 'int' THEN 56 WHEN 'bigint' THEN 127 WHEN 'decimal' THEN"
" 106 WHEN 'numeric' THEN 108 WHEN 'real' THEN 59 WHEN 'float' THEN 62"
" WHEN 'money' THEN 60 WHEN 'char' THEN 175 WHEN 'varchar' THEN 167"
" WHEN 'nchar' THEN 239 WHEN 'nvarchar' THEN 231 WHEN 'binary' THEN 173"
" WHEN 'varbinary' THEN 165 WHEN 'date' THEN 40 WHEN 'time' THEN 41"
" WHEN 'datetime' THEN 61 WHEN 'datetime2' THEN 42 ELSE 0 END AS"
" system_type_id, CASE WHEN max_length = -1 THEN -1 WHEN type IN"
" ('nchar', 'nvarchar') THEN max_length * 2 WHEN type IN ('char',"
" 'varchar', 'binary', 'varbinary') THEN max_length ELSE CASE type WHEN"
" 'bit' THEN 1 WHEN 'tinyint' THEN 1 WHEN 'smallint' THEN 2 WHEN 'int'"
" THEN 4 WHEN 'bigint' THEN 8 WHEN 'real' THEN 4 WHEN 'float' THEN 8 WHEN"
" 'money' THEN 8 WHEN 'date' THEN 3 WHEN 'time' THEN 5 WHEN 'datetime'"
" THEN 8 WHEN 'datetime2' THEN 8 ELSE 9 END END AS max_length,"
" COALESCE(precision, 0) AS precision, COALESCE(scale, 0) AS scale,"
" is_nullable, is_identity FROM tdsd_columns;"
"DROP VIEW IF EXISTS \"sys.indexes\";"
"CREATE VIEW \"sys.indexes\" AS SELECT object_id, name, index_id,"
" CASE WHEN is_primary_key = 1 THEN 1 ELSE 2 END AS type,"
" CASE WHEN is_primary_key = 1 THEN 'CLUSTERED' ELSE 'NONCLUSTERED' END"
" AS type_desc, is_unique, is_primary_key, is_unique_constraint"
" FROM tdsd_indexes;"
"DROP VIEW IF EXISTS \"sys.foreign_keys\";"
"CREATE VIEW \"sys.foreign_keys\" AS SELECT o.name AS name, f.object_id"
" AS object_id, o.schema_id AS schema_id, f.parent_id AS"
" parent_object_id, f.ref_id AS referenced_object_id, 'F' AS type,"
" f.on_delete_cascade AS delete_referential_action FROM tdsd_fkeys f"
" JOIN tdsd_objects o ON o.object_id = f.object_id;"
"DROP VIEW IF EXISTS \"INFORMATION_SCHEMA.TABLES\";"
"CREATE VIEW \"INFORMATION_SCHEMA.TABLES\" AS SELECT NULL AS"
" TABLE_CATALOG, s.name AS TABLE_SCHEMA, o.name AS TABLE_NAME,"
" 'BASE TABLE' AS TABLE_TYPE FROM tdsd_objects o JOIN tdsd_schemas s ON"
" s.schema_id = o.schema_id WHERE o.type = 'U';"
"DROP VIEW IF EXISTS \"INFORMATION_SCHEMA.COLUMNS\";"
"CREATE VIEW \"INFORMATION_SCHEMA.COLUMNS\" AS SELECT NULL AS"
" TABLE_CATALOG, s.name AS TABLE_SCHEMA, o.name AS TABLE_NAME, c.name AS"
" COLUMN_NAME, c.column_id AS ORDINAL_POSITION, c.default_def AS"
" COLUMN_DEFAULT, CASE WHEN c.is_nullable = 1 THEN 'YES' ELSE 'NO' END"
" AS IS_NULLABLE, c.type AS DATA_TYPE, CASE WHEN c.type IN ('char',"
" 'varchar', 'nchar', 'nvarchar', 'binary', 'varbinary') THEN"
" c.max_length END AS CHARACTER_MAXIMUM_LENGTH, CASE WHEN c.type IN"
" ('decimal', 'numeric') THEN c.precision WHEN c.type = 'int' THEN 10"
" WHEN c.type = 'bigint' THEN 19 WHEN c.type = 'smallint' THEN 5 WHEN"
" c.type = 'tinyint' THEN 3 END AS NUMERIC_PRECISION, CASE WHEN c.type"
" IN ('decimal', 'numeric') THEN c.scale WHEN c.type IN ('int',"
" 'bigint', 'smallint', 'tinyint') THEN 0 END AS NUMERIC_SCALE"
" FROM tdsd_columns c JOIN tdsd_objects o ON o.object_id = c.object_id"
" JOIN tdsd_schemas s ON s.schema_id = o.schema_id WHERE o.type = 'U';";

/* The columns of the system views, for the binder. */
struct sysview {
	const char	*schema, *name;
	const char	*cols;	/* "name type, ..." */
};

static const struct sysview sysviews[] = {
	{ "sys", "schemas", "name sysname, schema_id int,"
	    " principal_id int" },
	{ "sys", "objects", "name sysname, object_id int, principal_id int,"
	    " schema_id int, parent_object_id int, type char(2),"
	    " type_desc nvarchar(60), create_date datetime,"
	    " modify_date datetime, is_ms_shipped bit" },
	{ "sys", "tables", "name sysname, object_id int, schema_id int,"
	    " type char(2), type_desc nvarchar(60), create_date datetime,"
	    " modify_date datetime" },
	{ "sys", "columns", "object_id int, name sysname, column_id int,"
	    " system_type_id tinyint, max_length smallint, precision tinyint,"
	    " scale tinyint, is_nullable bit, is_identity bit" },
	{ "sys", "indexes", "object_id int, name sysname, index_id int,"
	    " type tinyint, type_desc nvarchar(60), is_unique bit,"
	    " is_primary_key bit, is_unique_constraint bit" },
	{ "sys", "foreign_keys", "name sysname, object_id int, schema_id int,"
	    " parent_object_id int, referenced_object_id int, type char(2),"
	    " delete_referential_action tinyint" },
	{ "INFORMATION_SCHEMA", "TABLES", "TABLE_CATALOG nvarchar(128),"
	    " TABLE_SCHEMA nvarchar(128), TABLE_NAME sysname,"
	    " TABLE_TYPE varchar(10)" },
	{ "INFORMATION_SCHEMA", "COLUMNS", "TABLE_CATALOG nvarchar(128),"
	    " TABLE_SCHEMA nvarchar(128), TABLE_NAME sysname,"
	    " COLUMN_NAME sysname, ORDINAL_POSITION int,"
	    " COLUMN_DEFAULT nvarchar(4000), IS_NULLABLE varchar(3),"
	    " DATA_TYPE nvarchar(128), CHARACTER_MAXIMUM_LENGTH int,"
	    " NUMERIC_PRECISION tinyint, NUMERIC_SCALE int" },
	{ NULL, NULL, NULL }
};

int
db_init_catalog(sqlite3 *db, char *err, size_t errsz)
{
	char *msg = NULL;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db, catalog_ddl, NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errsz, "%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int
db_open(const char *path, sqlite3 **dbp, int lock_timeout_ms, char *err,
    size_t errsz)
{
	sqlite3 *db;
	char *msg = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
	    NULL) != SQLITE_OK) {
		snprintf(err, errsz, "%s", db ? sqlite3_errmsg(db) :
		    "out of memory");
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, lock_timeout_ms);
	sqlite3_extended_result_codes(db, 1);
	/* a test server: speed over durability */
	if (sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON;"
	    "PRAGMA recursive_triggers=OFF", NULL, NULL, &msg) != SQLITE_OK ||
	    db_register(db) != 0) {
		snprintf(err, errsz, "%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		sqlite3_close(db);
		return -1;
	}
	*dbp = db;
	return 0;
}

/* ---------------------------------------------------------------- */
/* The catalogue cache */

void
cat_free_table(struct table *t)
{
	int i, j;

	for (i = 0; i < t->ncols; i++) {
		free(t->cols[i].name);
		free(t->cols[i].dflt);
	}
	free(t->cols);
	for (i = 0; i < t->nkeys; i++) {
		free(t->keys[i].name);
		free(t->keys[i].cols);
	}
	free(t->keys);
	for (i = 0; i < t->nfks; i++) {
		free(t->fks[i].name);
		free(t->fks[i].cols);
		free(t->fks[i].refname);
		for (j = 0; j < t->fks[i].ncols; j++)
			free(t->fks[i].refcols[j]);
		free(t->fks[i].refcols);
	}
	free(t->fks);
	free(t->schema);
	free(t->name);
	free(t->sqlname);
	free(t);
}

struct catalog *
cat_new(void)
{
	return xcalloc(1, sizeof(struct catalog));
}

static void
free_list(struct table *t)
{
	struct table *next;

	for (; t != NULL; t = next) {
		next = t->next;
		cat_free_table(t);
	}
}

void
cat_free(struct catalog *c)
{
	if (c == NULL)
		return;
	free_list(c->tables);
	free_list(c->temps);
	free(c);
}

void
cat_invalidate(struct sess *s)
{
	s->cat->valid = 0;
}

static char *
col_text(sqlite3_stmt *st, int i)
{
	const char *t = (const char *)sqlite3_column_text(st, i);

	return t != NULL ? xstrdup(t) : NULL;
}

static void
add_col(struct table *t, const char *name, const struct sqltype *ty,
    int nullable)
{
	struct col *c;

	t->cols = xreallocarray(t->cols, (size_t)t->ncols + 1,
	    sizeof(*t->cols));
	c = &t->cols[t->ncols++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->ty = *ty;
	c->nullable = nullable;
	c->id = t->ncols;
}

static void
add_sysviews(struct catalog *c)
{
	int i;

	for (i = 0; sysviews[i].name != NULL; i++) {
		struct table *t = xcalloc(1, sizeof(*t));
		char *defs = xstrdup(sysviews[i].cols), *p, *save = NULL;
		char sqlname[128];

		t->schema = xstrdup(sysviews[i].schema);
		t->name = xstrdup(sysviews[i].name);
		snprintf(sqlname, sizeof(sqlname), "%s.%s", t->schema, t->name);
		t->sqlname = xstrdup(sqlname);
		t->sys = 1;
		t->identcol = -1;
		t->id = -100 - i;
		for (p = strtok_r(defs, ",", &save); p != NULL;
		    p = strtok_r(NULL, ",", &save)) {
			char name[64], type[64];
			struct sqltype ty;

			if (sscanf(p, " %63s %63s", name, type) != 2 ||
			    sql_parse_type(type, &ty) != 0)
				continue;
			add_col(t, name, &ty, 1);
		}
		free(defs);
		t->next = c->tables;
		c->tables = t;
	}
}

static int *
split_cols(struct table *t, const char *list, int *n)
{
	char *copy = xstrdup(list ? list : ""), *p, *save = NULL;
	int *out = NULL;

	*n = 0;
	for (p = strtok_r(copy, "\t", &save); p != NULL;
	    p = strtok_r(NULL, "\t", &save)) {
		int k = cat_colidx(t, p);

		if (k < 0)
			continue;
		out = xreallocarray(out, (size_t)*n + 1, sizeof(*out));
		out[(*n)++] = k;
	}
	free(copy);
	return out;
}

static char **
split_names(const char *list, int *n)
{
	char *copy = xstrdup(list ? list : ""), *p, *save = NULL;
	char **out = NULL;

	*n = 0;
	for (p = strtok_r(copy, "\t", &save); p != NULL;
	    p = strtok_r(NULL, "\t", &save)) {
		out = xreallocarray(out, (size_t)*n + 1, sizeof(*out));
		out[(*n)++] = xstrdup(p);
	}
	free(copy);
	return out;
}

static int
cat_load(struct sess *s)
{
	struct catalog *c = s->cat;
	sqlite3_stmt *st = NULL;
	struct table *t, **tail;
	int rc;

	free_list(c->tables);
	c->tables = NULL;
	add_sysviews(c);
	tail = &c->tables;
	while (*tail != NULL)
		tail = &(*tail)->next;
	if (sqlite3_prepare_v2(s->db, "SELECT o.object_id, s.name, o.name,"
	    " o.sqlname, o.ident_seed, o.ident_inc FROM tdsd_objects o JOIN"
	    " tdsd_schemas s ON s.schema_id = o.schema_id WHERE o.type = 'U'",
	    -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t = xcalloc(1, sizeof(*t));
		t->id = sqlite3_column_int64(st, 0);
		t->schema = col_text(st, 1);
		t->name = col_text(st, 2);
		t->sqlname = col_text(st, 3);
		t->seed = sqlite3_column_int64(st, 4);
		t->inc = sqlite3_column_int64(st, 5);
		t->identcol = -1;
		*tail = t;
		tail = &t->next;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (sqlite3_prepare_v2(s->db, "SELECT object_id, name, type,"
	    " max_length, precision, scale, is_nullable, is_identity, is_pk,"
	    " default_def FROM tdsd_columns ORDER BY object_id, column_id", -1,
	    &st, NULL) != SQLITE_OK)
		return -1;
	t = NULL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		struct sqltype ty;
		struct col *cl;
		int k;

		if (t == NULL || t->id != id)
			t = cat_find_id(s, id);
		if (t == NULL)
			continue;
		memset(&ty, 0, sizeof(ty));
		k = st_lookup((const char *)sqlite3_column_text(st, 2));
		ty.t = k < 0 ? ST_NVARCHAR : (enum st)k;
		ty.len = sqlite3_column_int(st, 3);
		ty.prec = sqlite3_column_int(st, 4);
		ty.scale = sqlite3_column_int(st, 5);
		add_col(t, (const char *)sqlite3_column_text(st, 1), &ty,
		    sqlite3_column_int(st, 6));
		cl = &t->cols[t->ncols - 1];
		cl->identity = sqlite3_column_int(st, 7);
		cl->pk = sqlite3_column_int(st, 8);
		cl->dflt = col_text(st, 9);
		if (cl->identity)
			t->identcol = t->ncols - 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (sqlite3_prepare_v2(s->db, "SELECT object_id, name, is_unique,"
	    " is_primary_key, is_unique_constraint, columns FROM tdsd_indexes"
	    " ORDER BY object_id, index_id", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct key *k;

		if ((t = cat_find_id(s, sqlite3_column_int64(st, 0))) == NULL)
			continue;
		t->keys = xreallocarray(t->keys, (size_t)t->nkeys + 1,
		    sizeof(*t->keys));
		k = &t->keys[t->nkeys++];
		k->name = col_text(st, 1);
		k->kind = sqlite3_column_int(st, 3) ? 'P' :
		    sqlite3_column_int(st, 4) ? 'U' :
		    sqlite3_column_int(st, 2) ? 'X' : 'I';
		k->cols = split_cols(t, (const char *)sqlite3_column_text(st, 5),
		    &k->ncols);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (sqlite3_prepare_v2(s->db, "SELECT f.parent_id, o.name, f.ref_id,"
	    " f.columns, f.ref_columns, f.on_delete_cascade, rs.name || '.' ||"
	    " r.name FROM tdsd_fkeys f JOIN tdsd_objects o ON o.object_id ="
	    " f.object_id JOIN tdsd_objects r ON r.object_id = f.ref_id JOIN"
	    " tdsd_schemas rs ON rs.schema_id = r.schema_id", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct fkey *f;
		int n;

		if ((t = cat_find_id(s, sqlite3_column_int64(st, 0))) == NULL)
			continue;
		t->fks = xreallocarray(t->fks, (size_t)t->nfks + 1,
		    sizeof(*t->fks));
		f = &t->fks[t->nfks++];
		f->name = col_text(st, 1);
		f->refid = sqlite3_column_int64(st, 2);
		f->cols = split_cols(t, (const char *)sqlite3_column_text(st, 3),
		    &f->ncols);
		f->refcols = split_names((const char *)sqlite3_column_text(st,
		    4), &n);
		if (n != f->ncols)
			f->ncols = n < f->ncols ? n : f->ncols;
		f->cascade = sqlite3_column_int(st, 5);
		f->refname = col_text(st, 6);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	return 0;
}

int
cat_refresh(struct sess *s)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA schema_version", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (s->cat->valid && v == s->cat->version)
		return 0;
	if (cat_load(s) != 0) {
		s->cat->valid = 0;
		return -1;
	}
	s->cat->version = v;
	s->cat->valid = 1;
	return 0;
}

struct table *
cat_find_id(struct sess *s, int64_t id)
{
	struct table *t;

	for (t = s->cat->tables; t != NULL; t = t->next)
		if (t->id == id)
			return t;
	for (t = s->cat->temps; t != NULL; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

struct table *
cat_find(struct sess *s, const struct qname *q)
{
	const char *name = q->part[3], *schema = q->part[2];
	struct table *t;

	if (name == NULL)
		return NULL;
	if (name[0] == '#') {
		for (t = s->cat->temps; t != NULL; t = t->next)
			if (ieq(t->name, name))
				return t;
		return NULL;
	}
	if (schema == NULL)
		schema = "dbo";
	for (t = s->cat->tables; t != NULL; t = t->next)
		if (ieq(t->name, name) && ieq(t->schema, schema))
			return t;
	return NULL;
}

int
cat_colidx(const struct table *t, const char *name)
{
	int i;

	for (i = 0; i < t->ncols; i++)
		if (ieq(t->cols[i].name, name))
			return i;
	return -1;
}

const char *
cat_display(const struct table *t, char *buf, size_t sz)
{
	if (t->temp)
		snprintf(buf, sz, "%s", t->name);
	else
		snprintf(buf, sz, "%s.%s", t->schema, t->name);
	return buf;
}

/* ---------------------------------------------------------------- */
/* Variables */

struct var *
var_find(struct sess *s, const char *name)
{
	struct var *v;

	if (s->vars == NULL)
		return NULL;
	for (v = s->vars->head; v != NULL; v = v->next)
		if (ieq(v->name, name))
			return v;
	return NULL;
}

void
vars_clear(struct sess *s)
{
	struct var *v, *next;

	if (s->vars == NULL)
		return;
	for (v = s->vars->head; v != NULL; v = next) {
		next = v->next;
		free(v->name);
		sqlval_free(&v->v);
		free(v);
	}
	s->vars->head = NULL;
}
