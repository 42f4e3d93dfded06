/*
 * types: SQL Server data types and values as tdsd keeps them.
 *
 * A value lives in three forms: struct sqlval in C (integers, decimals as
 * a mantissa scaled by 10^scale, dates as day numbers and 100 ns ticks,
 * text as UTF-8), the SQLite storage of a column of that type (INTEGER
 * for integers and scaled decimals, REAL, TEXT, BLOB, and ISO text for
 * dates that sorts right), and the TDS wire form.  Conversions between
 * types follow SQL Server's rules and raise its error numbers, because
 * catching what a real server would refuse is the point of tdsd.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/xalloc.h"
#include "tdsd.h"

typedef __int128 i128;

static const struct {
	const char	*name;
	enum st		 t;
} type_names[] = {
	{ "bit", ST_BIT }, { "tinyint", ST_TINYINT },
	{ "smallint", ST_SMALLINT }, { "int", ST_INT }, { "integer", ST_INT },
	{ "bigint", ST_BIGINT }, { "decimal", ST_DECIMAL },
	{ "dec", ST_DECIMAL }, { "numeric", ST_NUMERIC }, { "real", ST_REAL },
	{ "float", ST_FLOAT }, { "money", ST_MONEY },
	{ "smallmoney", ST_MONEY }, { "char", ST_CHAR },
	{ "character", ST_CHAR }, { "varchar", ST_VARCHAR },
	{ "nchar", ST_NCHAR }, { "nvarchar", ST_NVARCHAR },
	{ "sysname", ST_NVARCHAR }, { "text", ST_VARCHAR },
	{ "ntext", ST_NVARCHAR }, { "binary", ST_BINARY },
	{ "varbinary", ST_VARBINARY }, { "image", ST_VARBINARY },
	{ "date", ST_DATE }, { "time", ST_TIME }, { "datetime", ST_DATETIME },
	{ "smalldatetime", ST_DATETIME }, { "datetime2", ST_DATETIME2 },
	{ NULL, ST_NULL }
};

static const char *const st_names[ST_NTYPES] = {
	"null", "bit", "tinyint", "smallint", "int", "bigint", "decimal",
	"numeric", "real", "float", "money", "char", "varchar", "nchar",
	"nvarchar", "binary", "varbinary", "date", "time", "datetime",
	"datetime2", "uniqueidentifier"
};

int
ieq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

int
st_lookup(const char *name)
{
	int i;

	for (i = 0; type_names[i].name != NULL; i++)
		if (ieq(type_names[i].name, name))
			return (int)type_names[i].t;
	return -1;
}

const char *
st_name(enum st t)
{
	return (unsigned)t < ST_NTYPES ? st_names[t] : "?";
}

int
st_is_int(enum st t)
{
	return t >= ST_BIT && t <= ST_BIGINT;
}

int
st_is_dec(enum st t)
{
	return t == ST_DECIMAL || t == ST_NUMERIC || t == ST_MONEY;
}

int
st_is_exact(enum st t)
{
	return st_is_int(t) || st_is_dec(t);
}

int
st_is_str(enum st t)
{
	return t >= ST_CHAR && t <= ST_NVARCHAR;
}

int
st_is_nstr(enum st t)
{
	return t == ST_NCHAR || t == ST_NVARCHAR;
}

int
st_is_bin(enum st t)
{
	return t == ST_BINARY || t == ST_VARBINARY;
}

int
st_is_time(enum st t)
{
	return t >= ST_DATE && t <= ST_DATETIME2;
}

/* Data type precedence (SQL Server "Data type precedence", higher wins). */
int
st_prec(enum st t)
{
	switch (t) {
	case ST_DATETIME2:	return 30;
	case ST_DATETIME:	return 29;
	case ST_DATE:		return 27;
	case ST_TIME:		return 26;
	case ST_FLOAT:		return 25;
	case ST_REAL:		return 24;
	case ST_DECIMAL:
	case ST_NUMERIC:	return 23;
	case ST_MONEY:		return 22;
	case ST_BIGINT:		return 20;
	case ST_INT:		return 19;
	case ST_SMALLINT:	return 18;
	case ST_TINYINT:	return 17;
	case ST_BIT:		return 16;
	case ST_UNIQUEID:	return 13;
	case ST_NVARCHAR:	return 12;
	case ST_NCHAR:		return 11;
	case ST_VARCHAR:	return 10;
	case ST_CHAR:		return 9;
	case ST_VARBINARY:	return 8;
	case ST_BINARY:		return 7;
	default:		return 0;
	}
}

const char *
st_affinity(enum st t)
{
	if (st_is_exact(t))
		return "INTEGER";
	if (t == ST_REAL || t == ST_FLOAT)
		return "REAL";
	if (st_is_bin(t))
		return "BLOB";
	return "TEXT";
}

void
sqltype_defaults(struct sqltype *ty, int explicit_len, int explicit_prec)
{
	switch (ty->t) {
	case ST_CHAR: case ST_VARCHAR: case ST_NCHAR: case ST_NVARCHAR:
	case ST_BINARY: case ST_VARBINARY:
		if (!explicit_len)
			ty->len = 1;
		break;
	case ST_DECIMAL: case ST_NUMERIC:
		if (!explicit_prec) {
			ty->prec = 18;
			ty->scale = 0;
		}
		break;
	case ST_MONEY:
		ty->prec = 19;
		ty->scale = 4;
		break;
	case ST_TIME: case ST_DATETIME2:
		if (!explicit_prec)
			ty->scale = 7;
		break;
	case ST_DATETIME:
		ty->scale = 3;
		break;
	default:
		break;
	}
}

void
sqltype_fmt(const struct sqltype *ty, char *out, size_t outsz)
{
	const char *n = st_name(ty->t);

	switch (ty->t) {
	case ST_CHAR: case ST_VARCHAR: case ST_NCHAR: case ST_NVARCHAR:
	case ST_BINARY: case ST_VARBINARY:
		if (ty->len == LEN_MAX)
			snprintf(out, outsz, "%s(max)", n);
		else
			snprintf(out, outsz, "%s(%d)", n, ty->len);
		break;
	case ST_DECIMAL: case ST_NUMERIC:
		snprintf(out, outsz, "%s(%d,%d)", n, ty->prec, ty->scale);
		break;
	case ST_TIME: case ST_DATETIME2:
		snprintf(out, outsz, "%s(%d)", n, ty->scale);
		break;
	default:
		snprintf(out, outsz, "%s", n);
		break;
	}
}

/* ---------------------------------------------------------------- */

void
sqlval_null(struct sqlval *v)
{
	struct buf own = v->own;

	memset(v, 0, sizeof(*v));
	v->own = own;
	v->own.len = 0;
	v->null = 1;
}

void
sqlval_free(struct sqlval *v)
{
	buf_free(&v->own);
	memset(v, 0, sizeof(*v));
}

void
sqlval_set_text(struct sqlval *v, enum st t, const char *s, size_t n,
    int copy)
{
	v->t = t;
	v->null = 0;
	if (copy) {
		v->own.len = 0;
		buf_add(&v->own, s, n);
		v->s = v->own.s != NULL ? v->own.s : "";
	} else
		v->s = s;
	v->n = n;
}

int
tderr_set(struct tderr *e, int num, int cls, const char *fmt, ...)
{
	va_list ap;

	e->num = num;
	e->cls = cls;
	e->state = 1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* ---------------------------------------------------------------- */
/* Decimals */

int64_t
pow10i(int n)
{
	int64_t v = 1;

	while (n-- > 0)
		v *= 10;
	return v;
}

static i128
pow10x(int n)
{
	i128 v = 1;

	while (n-- > 0)
		v *= 10;
	return v;
}

int
dec_digits(int64_t v)
{
	int d = 1;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	while (u >= 10) {
		u /= 10;
		d++;
	}
	return d;
}

static int
dec_digits128(i128 v)
{
	int d = 1;

	if (v < 0)
		v = -v;
	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

/* Round v (scale from) to scale to, half away from zero. */
static i128
rescale128(i128 v, int from, int to)
{
	if (to >= from)
		return v * pow10x(to - from);
	else {
		i128 d = pow10x(from - to), q = v / d, r = v % d;

		if (r < 0)
			r = -r;
		if (r * 2 >= d)
			q += v < 0 ? -1 : 1;
		return q;
	}
}

int
dec_rescale(int64_t mant, int from, int to, int64_t *out)
{
	i128 v;

	if (to - from > 38)
		return -1;
	v = rescale128(mant, from, to);
	if (v > INT64_MAX || v < INT64_MIN)
		return -1;
	*out = (int64_t)v;
	return 0;
}

/*
 * Parse a decimal number: optional sign, digits, optional point and
 * digits, optional exponent (e.g. from float text).  Leading and trailing
 * blanks are allowed.  Returns 0 and the exact value as mant/scale, with
 * prec the digits it needs; -1 not a number; -2 too many digits for us.
 */
static int
dec_parse128(const char *s, size_t n, i128 *mant, int *prec, int *scale)
{
	size_t i = 0;
	int neg = 0, nd = 0, sc = 0, seen = 0, exp = 0;
	i128 v = 0;

	while (i < n && isspace((unsigned char)s[i]))
		i++;
	while (n > i && isspace((unsigned char)s[n - 1]))
		n--;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < n && isdigit((unsigned char)s[i]); i++) {
		seen = 1;
		if (v == 0 && s[i] == '0')
			continue;
		if (++nd > 38)
			return -2;
		v = v * 10 + (s[i] - '0');
	}
	if (i < n && s[i] == '.') {
		for (i++; i < n && isdigit((unsigned char)s[i]); i++) {
			seen = 1;
			if (++sc > 38)
				return -2;
			v = v * 10 + (s[i] - '0');
			if (v != 0)
				nd++;
		}
	}
	if (!seen)
		return -1;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		int eneg = 0, ed = 0;

		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			eneg = s[i++] == '-';
		for (; i < n && isdigit((unsigned char)s[i]); i++, ed++)
			if (exp < 1000)
				exp = exp * 10 + (s[i] - '0');
		if (ed == 0)
			return -1;
		if (eneg)
			exp = -exp;
	}
	if (i != n)
		return -1;
	sc -= exp;
	if (sc < 0) {
		if (dec_digits128(v) - sc > 38)
			return -2;
		v *= pow10x(-sc);
		sc = 0;
	}
	if (sc > 38) {
		v = rescale128(v, sc, 38);
		sc = 38;
	}
	*mant = neg ? -v : v;
	*scale = sc;
	*prec = dec_digits128(v);
	if (*prec < sc)
		*prec = sc;
	return 0;
}

int
dec_parse(const char *s, size_t n, int64_t *mant, int *prec, int *scale)
{
	i128 v;
	int r = dec_parse128(s, n, &v, prec, scale);

	if (r != 0)
		return r;
	while ((v > INT64_MAX || v < INT64_MIN) && *scale > 0) {
		v = rescale128(v, *scale, *scale - 1);
		(*scale)--;
	}
	if (v > INT64_MAX || v < INT64_MIN)
		return -2;
	*mant = (int64_t)v;
	return 0;
}

void
dec_fmt(int64_t mant, int scale, struct buf *out)
{
	char tmp[48];
	uint64_t u = mant < 0 ? (uint64_t)0 - (uint64_t)mant : (uint64_t)mant;
	int n = 0, i;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	while (n <= scale)
		tmp[n++] = '0';
	if (mant < 0)
		buf_addc(out, '-');
	for (i = n - 1; i >= 0; i--) {
		buf_addc(out, tmp[i]);
		if (i == scale && scale > 0)
			buf_addc(out, '.');
	}
}

/* ---------------------------------------------------------------- */
/* Dates: day 0 is 0001-01-01 (proleptic Gregorian) */

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
mdays(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

int
date_from_ymd(int y, int m, int d, int64_t *days)
{
	int64_t yy, era, yoe, doy, doe;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > mdays(y, m))
		return -1;
	/* days_from_civil (H. Hinnant), shifted so 0001-01-01 is 0 */
	yy = m <= 2 ? y - 1 : y;
	era = yy / 400;
	yoe = yy - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*days = era * 146097 + doe - 306;
	return 0;
}

void
date_to_ymd(int64_t days, int *y, int *m, int *d)
{
	int64_t z = days + 306, era, doe, yoe, doy, mp;

	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
ndig(const char *s, size_t n, size_t *i, int min, int max, int *out)
{
	int k = 0, v = 0;

	while (*i < n && k < max && isdigit((unsigned char)s[*i])) {
		v = v * 10 + (s[*i] - '0');
		(*i)++;
		k++;
	}
	if (k < min)
		return -1;
	*out = v;
	return k;
}

/*
 * Parse the ISO and us_english forms SQL Server takes: YYYY-MM-DD,
 * YYYYMMDD, MM/DD/YYYY, then optionally [T or blank]HH:MM[:SS[.fffffff]],
 * or a time alone.  Returns 0, -1 not a date, -2 a date that does not
 * exist (2024-02-30).
 */
int
dt_parse(const char *s, size_t n, int want_date, int want_time,
    int64_t *days, int64_t *ticks, int *has_date, int *has_time)
{
	size_t i = 0, j;
	int y = 1900, m = 1, d = 1, hh = 0, mi = 0, ss = 0, k;
	int64_t frac = 0;

	(void)want_date;
	(void)want_time;
	*has_date = *has_time = 0;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	while (n > i && isspace((unsigned char)s[n - 1]))
		n--;
	j = i;
	while (j < n && isdigit((unsigned char)s[j]))
		j++;
	if (j - i == 8 && (j == n || s[j] == ' ' || s[j] == 'T')) {
		/* YYYYMMDD */
		(void)ndig(s, n, &i, 4, 4, &y);
		(void)ndig(s, n, &i, 2, 2, &m);
		(void)ndig(s, n, &i, 2, 2, &d);
		*has_date = 1;
	} else if (j - i == 4 && j < n && (s[j] == '-' || s[j] == '/' ||
	    s[j] == '.')) {
		char sep = s[j];

		(void)ndig(s, n, &i, 4, 4, &y);
		i++;
		if (ndig(s, n, &i, 1, 2, &m) < 0 || i >= n || s[i] != sep)
			return -1;
		i++;
		if (ndig(s, n, &i, 1, 2, &d) < 0)
			return -1;
		*has_date = 1;
	} else if ((j - i == 1 || j - i == 2) && j < n && (s[j] == '/' ||
	    s[j] == '-' || s[j] == '.')) {
		/* mdy, as us_english */
		char sep = s[j];

		(void)ndig(s, n, &i, 1, 2, &m);
		i++;
		if (ndig(s, n, &i, 1, 2, &d) < 0 || i >= n || s[i] != sep)
			return -1;
		i++;
		if ((k = ndig(s, n, &i, 2, 4, &y)) < 0 || k == 3)
			return -1;
		if (k == 2)
			y += y < 50 ? 2000 : 1900;
		*has_date = 1;
	}
	if (*has_date) {
		if (i < n && (s[i] == 'T' || s[i] == ' ')) {
			i++;
			while (i < n && s[i] == ' ')
				i++;
		} else if (i < n)
			return -1;
	}
	if (i < n) {
		if (ndig(s, n, &i, 1, 2, &hh) < 0 || i >= n || s[i] != ':')
			return -1;
		i++;
		if (ndig(s, n, &i, 2, 2, &mi) < 0)
			return -1;
		if (i < n && s[i] == ':') {
			i++;
			if (ndig(s, n, &i, 2, 2, &ss) < 0)
				return -1;
			if (i < n && s[i] == '.') {
				int nd = 0;

				i++;
				while (i < n && isdigit((unsigned char)s[i])) {
					if (nd < 7) {
						frac = frac * 10 + (s[i] - '0');
						nd++;
					}
					i++;
				}
				if (nd == 0)
					return -1;
				while (nd++ < 7)
					frac *= 10;
			}
		}
		while (i < n && s[i] == ' ')
			i++;
		if (i + 2 <= n && (strncasecmp(s + i, "AM", 2) == 0 ||
		    strncasecmp(s + i, "PM", 2) == 0)) {
			if (hh < 1 || hh > 12)
				return -1;
			if (hh == 12)
				hh = 0;
			if (toupper((unsigned char)s[i]) == 'P')
				hh += 12;
			i += 2;
		}
		if (i != n || hh > 23 || mi > 59 || ss > 59)
			return -1;
		*has_time = 1;
	}
	if (!*has_date && !*has_time)
		return -1;
	if (date_from_ymd(y, m, d, days) != 0)
		return -2;
	*ticks = ((int64_t)hh * 3600 + mi * 60 + ss) * 10000000 + frac;
	return 0;
}

void
dt_fmt(enum st t, int scale, int64_t days, int64_t ticks, struct buf *out)
{
	int y, m, d;
	char tmp[64];
	int64_t secs = ticks / 10000000, frac = ticks % 10000000;

	date_to_ymd(days, &y, &m, &d);
	if (t == ST_DATE || t == ST_DATETIME || t == ST_DATETIME2) {
		snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m, d);
		buf_adds(out, tmp);
		if (t == ST_DATE)
			return;
		buf_addc(out, ' ');
	}
	snprintf(tmp, sizeof(tmp), "%02d:%02d:%02d", (int)(secs / 3600),
	    (int)(secs / 60 % 60), (int)(secs % 60));
	buf_adds(out, tmp);
	if (scale > 0) {
		snprintf(tmp, sizeof(tmp), ".%07lld", (long long)frac);
		buf_add(out, tmp, (size_t)scale + 1);
	}
}

/* Round ticks to the given fractional-second digits; may carry a day. */
static void
round_ticks(int64_t *days, int64_t *ticks, int scale)
{
	int64_t unit = pow10i(7 - scale);

	*ticks = (*ticks + unit / 2) / unit * unit;
	if (*ticks >= 864000000000LL) {
		*ticks -= 864000000000LL;
		(*days)++;
	}
}

/* datetime keeps 1/300 s: .000, .003, .007 */
static void
round_datetime(int64_t *days, int64_t *ticks)
{
	int64_t u300 = (*ticks * 3 + 50000) / 100000;

	*ticks = (u300 * 100000 + 1) / 3;
	if (*ticks >= 864000000000LL) {
		*ticks -= 864000000000LL;
		(*days)++;
	}
}

/* 1753-01-01 and 9999-12-31 as day numbers */
#define DAYS_1753	639905
#define DAYS_1900	693595
#define DAYS_9999	3652058

/* ---------------------------------------------------------------- */
/* Conversions */

static void
val_text(const struct sqlval *v, struct buf *out)
{
	char tmp[64];

	switch (v->t) {
	case ST_BIT: case ST_TINYINT: case ST_SMALLINT: case ST_INT:
	case ST_BIGINT:
		buf_addi(out, v->i);
		break;
	case ST_DECIMAL: case ST_NUMERIC: case ST_MONEY:
		dec_fmt(v->i, v->scale, out);
		break;
	case ST_REAL: case ST_FLOAT:
		snprintf(tmp, sizeof(tmp), "%.*g", v->t == ST_REAL ? 7 : 15,
		    v->f);
		buf_adds(out, tmp);
		break;
	case ST_DATE: case ST_TIME: case ST_DATETIME: case ST_DATETIME2:
		dt_fmt(v->t, v->t == ST_DATE ? 0 : v->scale, v->i, v->ticks,
		    out);
		break;
	default:
		buf_add(out, v->s, v->n);
		break;
	}
}

void
sqlval_copy(struct sqlval *dst, const struct sqlval *src)
{
	*dst = *src;
	memset(&dst->own, 0, sizeof(dst->own));
	if (!src->null && src->s != NULL && (st_is_str(src->t) ||
	    st_is_bin(src->t) || src->t == ST_NULL)) {
		buf_add(&dst->own, src->s, src->n);
		dst->s = dst->own.s;
	}
}

void
sqlval_msgtext(const struct sqlval *v, const struct sqltype *ty,
    struct buf *out)
{
	struct sqlval t = *v;

	if (v->null) {
		buf_adds(out, "<NULL>");
		return;
	}
	if (ty != NULL && (st_is_dec(ty->t) || st_is_time(ty->t))) {
		t.t = ty->t;
		t.scale = ty->t == ST_MONEY ? 4 : ty->scale;
	}
	val_text(&t, out);
}

static const char *
err_tname(const struct sqltype *t)
{
	if (t->t == ST_DECIMAL || t->t == ST_NUMERIC)
		return "numeric";
	return st_name(t->t);
}

static const char *
src_tname(const struct sqlval *v)
{
	if (v->t == ST_DECIMAL || v->t == ST_NUMERIC)
		return "numeric";
	return st_name(v->t);
}

/* Quote a value for a message, cut at 60 characters. */
static const char *
msgval(const struct sqlval *v, char *tmp, size_t sz)
{
	size_t n = v->n < sz - 4 ? v->n : sz - 4;

	memcpy(tmp, v->s, n);
	if (n < v->n)
		memcpy(tmp + n, "...", 4);
	else
		tmp[n] = '\0';
	return tmp;
}

static int
int_range(enum st t, i128 v)
{
	switch (t) {
	case ST_BIT:	return 1;
	case ST_TINYINT: return v >= 0 && v <= 255;
	case ST_SMALLINT: return v >= -32768 && v <= 32767;
	case ST_INT:	return v >= INT32_MIN && v <= INT32_MAX;
	default:	return v >= INT64_MIN && v <= INT64_MAX;
	}
}

static int
int_overflow(const struct sqltype *dst, const struct sqlval *src, i128 v,
    struct tderr *e)
{
	char tmp[64];

	if (dst->t == ST_TINYINT || dst->t == ST_SMALLINT) {
		snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
		return tderr_set(e, 220, 16,
		    "Arithmetic overflow error for data type %s, value = %s.",
		    st_name(dst->t), tmp);
	}
	if (st_is_str(src->t))
		return tderr_set(e, 248, 16,
		    "The conversion of the %s value '%s' overflowed an %s column.",
		    src_tname(src), msgval(src, tmp, sizeof(tmp)),
		    st_name(dst->t));
	return tderr_set(e, 8115, 16,
	    "Arithmetic overflow error converting %s to data type %s.",
	    st_is_dec(src->t) ? "expression" : "expression", st_name(dst->t));
}

static int
dec_overflow(const struct sqltype *dst, const struct sqlval *src,
    struct tderr *e)
{
	const char *from = st_is_str(src->t) ? st_name(src->t) :
	    st_is_dec(src->t) ? "numeric" : st_is_int(src->t) ?
	    st_name(src->t) : "float";

	(void)dst;
	return tderr_set(e, 8115, 16,
	    "Arithmetic overflow error converting %s to data type numeric.",
	    from);
}

/* Fit a value with scale sc into decimal(p,s), rounding; -1 overflow. */
static int
dec_fit(i128 v, int sc, const struct sqltype *dst, int64_t *out)
{
	int s = dst->t == ST_MONEY ? 4 : dst->scale;
	int p = dst->t == ST_MONEY ? 19 : dst->prec;
	i128 r = rescale128(v, sc, s);

	if (r >= pow10x(p) || r <= -pow10x(p) || r > INT64_MAX ||
	    r < INT64_MIN)
		return -1;
	*out = (int64_t)r;
	return 0;
}

static int
clash(const struct sqlval *src, const struct sqltype *dst, int expl,
    struct tderr *e)
{
	if (expl)
		return tderr_set(e, 529, 16,
		    "Explicit conversion from data type %s to %s is not allowed.",
		    src_tname(src), err_tname(dst));
	return tderr_set(e, 206, 16,
	    "Operand type clash: %s is incompatible with %s", src_tname(src),
	    err_tname(dst));
}

static int
conv_from_text(const struct sqlval *src, const struct sqltype *dst,
    int expl, struct sqlval *out, struct tderr *e)
{
	char tmp[80];
	i128 m;
	int p, sc, r, hd, ht;
	int64_t days, ticks;

	switch (dst->t) {
	case ST_BIT: case ST_TINYINT: case ST_SMALLINT: case ST_INT:
	case ST_BIGINT: {
		size_t i = 0, n = src->n;
		const char *s = src->s;
		int neg = 0, nd = 0;
		i128 v = 0;

		while (i < n && isspace((unsigned char)s[i]))
			i++;
		while (n > i && isspace((unsigned char)s[n - 1]))
			n--;
		if (dst->t == ST_BIT && (n - i == 4 &&
		    strncasecmp(s + i, "true", 4) == 0)) {
			out->i = 1;
			return 0;
		}
		if (dst->t == ST_BIT && (n - i == 5 &&
		    strncasecmp(s + i, "false", 5) == 0)) {
			out->i = 0;
			return 0;
		}
		if (i < n && (s[i] == '-' || s[i] == '+'))
			neg = s[i++] == '-';
		for (; i < n && isdigit((unsigned char)s[i]); i++) {
			if (nd < 30)
				v = v * 10 + (s[i] - '0');
			nd++;
		}
		/* '' and a lone sign are 0, as in SQL Server */
		if (i != n)
			return tderr_set(e, 245, 16,
			    "Conversion failed when converting the %s value '%s' to data type %s.",
			    src_tname(src), msgval(src, tmp, sizeof(tmp)),
			    st_name(dst->t));
		if (neg)
			v = -v;
		if (dst->t == ST_BIT) {
			out->i = v != 0;
			return 0;
		}
		if (nd > 20 || !int_range(dst->t, v))
			return int_overflow(dst, src, v, e);
		out->i = (int64_t)v;
		return 0;
	}
	case ST_DECIMAL: case ST_NUMERIC: case ST_MONEY:
		r = dec_parse128(src->s, src->n, &m, &p, &sc);
		if (r == -1 || (r == 0 && memchr(src->s, 'e', src->n) != NULL) ||
		    (r == 0 && memchr(src->s, 'E', src->n) != NULL))
			return tderr_set(e, 8114, 16,
			    "Error converting data type %s to %s.",
			    src_tname(src), err_tname(dst));
		if (r == -2 || dec_fit(m, sc, dst, &out->i) != 0)
			return dec_overflow(dst, src, e);
		return 0;
	case ST_REAL: case ST_FLOAT: {
		char *end;
		char *t = xstrndup(src->s, src->n);

		out->f = strtod(t, &end);
		while (*end != '\0' && isspace((unsigned char)*end))
			end++;
		r = *end != '\0' || end == t;
		free(t);
		if (r)
			return tderr_set(e, 8114, 16,
			    "Error converting data type %s to float.",
			    src_tname(src));
		if (dst->t == ST_REAL)
			out->f = (float)out->f;
		return 0;
	}
	case ST_DATE: case ST_TIME: case ST_DATETIME: case ST_DATETIME2:
		r = dt_parse(src->s, src->n, 1, 1, &days, &ticks, &hd, &ht);
		if (r == -2 && dst->t == ST_DATETIME)
			return tderr_set(e, 242, 16,
			    "The conversion of a %s data type to a datetime data type resulted in an out-of-range value.",
			    src_tname(src));
		if (r != 0 || (dst->t == ST_TIME && hd && !ht && 0))
			return tderr_set(e, 241, 16,
			    "Conversion failed when converting %s from character string.",
			    dst->t == ST_TIME ? "date and/or time" :
			    "date and/or time");
		if (dst->t == ST_DATETIME && days < DAYS_1753)
			return tderr_set(e, 242, 16,
			    "The conversion of a %s data type to a datetime data type resulted in an out-of-range value.",
			    src_tname(src));
		out->i = days;
		out->ticks = ticks;
		if (dst->t == ST_DATE)
			out->ticks = 0;
		else if (dst->t == ST_DATETIME)
			round_datetime(&out->i, &out->ticks);
		else
			round_ticks(&out->i, &out->ticks, dst->scale);
		if (dst->t == ST_TIME)
			out->i = 0;
		if (out->i > DAYS_9999)
			return tderr_set(e, 242, 16,
			    "The conversion of a %s data type to a %s data type resulted in an out-of-range value.",
			    src_tname(src), st_name(dst->t));
		return 0;
	case ST_BINARY: case ST_VARBINARY:
		if (!expl)
			return tderr_set(e, 257, 16,
			    "Implicit conversion from data type %s to %s is not allowed. Use the CONVERT function to run this query.",
			    src_tname(src), st_name(dst->t));
		if (st_is_nstr(src->t)) {
			struct buf u = BUF_INIT;

			(void)utf8_to_utf16(src->s, src->n, &u);
			sqlval_set_text(out, dst->t, u.s ? u.s : "", u.len, 1);
			buf_free(&u);
		} else {
			struct buf u = BUF_INIT;

			utf8_to_cp1252(src->s, src->n, &u);
			sqlval_set_text(out, dst->t, u.s ? u.s : "", u.len, 1);
			buf_free(&u);
		}
		out->t = dst->t;
		return 0;
	default:
		return clash(src, dst, expl, e);
	}
}

/* Cut UTF-8 text to at most len characters (CAST semantics). */
static size_t
cut_chars(const char *s, size_t n, int len)
{
	size_t i = 0;
	int k = 0;

	if (len == LEN_MAX)
		return n;
	while (i < n && k < len) {
		i++;
		while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		k++;
	}
	return i;
}

int
sqlval_conv(const struct sqlval *src, const struct sqltype *dst, int expl,
    struct sqlval *out, struct tderr *e)
{
	struct buf own = out->own;
	i128 v;

	memset(out, 0, sizeof(*out));
	own.len = 0;
	out->own = own;
	out->t = dst->t;
	out->prec = dst->prec;
	out->scale = dst->scale;
	if (dst->t == ST_MONEY) {
		out->prec = 19;
		out->scale = 4;
	}
	if (src->null || src->t == ST_NULL) {
		out->null = 1;
		return 0;
	}
	if (dst->t == ST_NULL)
		return clash(src, dst, expl, e);

	/* to text */
	if (st_is_str(dst->t)) {
		if (st_is_str(src->t)) {
			size_t n = src->n;

			if (!st_is_nstr(dst->t) && st_is_nstr(src->t)) {
				/* nvarchar to varchar: what CP1252 cannot
				 * hold becomes '?', as SQL Server does */
				struct buf c = BUF_INIT;

				utf8_to_cp1252(src->s, src->n, &c);
				out->own.len = 0;
				cp1252_to_utf8((const uint8_t *)c.s, c.len,
				    &out->own);
				buf_free(&c);
				out->s = out->own.s ? out->own.s : "";
				out->n = out->own.len;
			} else {
				out->s = src->s;
				out->n = src->n;
			}
			if (expl)
				out->n = cut_chars(out->s, out->n, dst->len);
			(void)n;
			return 0;
		}
		if (st_is_bin(src->t)) {
			if (!expl)
				return tderr_set(e, 257, 16,
				    "Implicit conversion from data type %s to %s is not allowed. Use the CONVERT function to run this query.",
				    st_name(src->t), st_name(dst->t));
			out->own.len = 0;
			if (st_is_nstr(dst->t))
				utf16_to_utf8_lossy((const uint8_t *)src->s,
				    src->n, &out->own);
			else
				cp1252_to_utf8((const uint8_t *)src->s,
				    src->n, &out->own);
			out->s = out->own.s ? out->own.s : "";
			out->n = out->own.len;
			return 0;
		}
		out->own.len = 0;
		val_text(src, &out->own);
		out->s = out->own.s ? out->own.s : "";
		out->n = out->own.len;
		if (dst->len != LEN_MAX && utf8_chars(out->s, out->n) >
		    (size_t)dst->len && !st_is_time(src->t)) {
			/* a number that does not fit its text column */
			if (st_is_int(src->t) || st_is_dec(src->t))
				return tderr_set(e, 8115, 16,
				    "Arithmetic overflow error converting %s to data type %s.",
				    st_is_dec(src->t) ? "numeric" :
				    "expression", st_name(dst->t));
		}
		if (expl)
			out->n = cut_chars(out->s, out->n, dst->len);
		return 0;
	}
	if (st_is_str(src->t))
		return conv_from_text(src, dst, expl, out, e);

	/* to binary */
	if (st_is_bin(dst->t)) {
		if (st_is_bin(src->t)) {
			out->s = src->s;
			out->n = src->n;
			if (expl && dst->len != LEN_MAX &&
			    out->n > (size_t)dst->len)
				out->n = (size_t)dst->len;
			return 0;
		}
		if (st_is_int(src->t) && expl) {
			int nb = src->t == ST_BIGINT ? 8 : src->t == ST_INT ?
			    4 : src->t == ST_SMALLINT ? 2 : 1, k;
			uint8_t b[8];

			for (k = 0; k < nb; k++)
				b[k] = (uint8_t)((uint64_t)src->i >>
				    (8 * (nb - 1 - k)));
			sqlval_set_text(out, dst->t, (char *)b, (size_t)nb, 1);
			return 0;
		}
		return clash(src, dst, expl, e);
	}
	if (st_is_bin(src->t))
		return clash(src, dst, expl, e);

	/* numbers */
	if (st_is_int(dst->t)) {
		if (st_is_int(src->t))
			v = src->i;
		else if (st_is_dec(src->t))
			v = src->i / pow10i(src->scale);	/* truncates */
		else if (src->t == ST_REAL || src->t == ST_FLOAT) {
			if (!(src->f > -9.3e18 && src->f < 9.3e18))
				return int_overflow(dst, src, 0, e);
			v = (i128)src->f;
		} else
			return clash(src, dst, expl, e);
		if (dst->t == ST_BIT) {
			out->i = v != 0;
			return 0;
		}
		if (!int_range(dst->t, v))
			return int_overflow(dst, src, v, e);
		out->i = (int64_t)v;
		return 0;
	}
	if (st_is_dec(dst->t)) {
		int sc = 0;

		if (st_is_int(src->t))
			v = src->i;
		else if (st_is_dec(src->t)) {
			v = src->i;
			sc = src->scale;
		} else if (src->t == ST_REAL || src->t == ST_FLOAT) {
			char tmp[64];
			int p;

			snprintf(tmp, sizeof(tmp), "%.17g", src->f);
			if (dec_parse128(tmp, strlen(tmp), &v, &p, &sc) != 0)
				return dec_overflow(dst, src, e);
			/* float keeps 15 digits: round away the noise */
			if (dec_digits128(v) > 15) {
				int drop = dec_digits128(v) - 15;

				if (drop > sc)
					drop = sc;
				v = rescale128(v, sc, sc - drop);
				sc -= drop;
			}
		} else
			return clash(src, dst, expl, e);
		if (dec_fit(v, sc, dst, &out->i) != 0)
			return dec_overflow(dst, src, e);
		return 0;
	}
	if (dst->t == ST_REAL || dst->t == ST_FLOAT) {
		if (st_is_int(src->t))
			out->f = (double)src->i;
		else if (st_is_dec(src->t))
			out->f = (double)src->i / (double)pow10i(src->scale);
		else if (src->t == ST_REAL || src->t == ST_FLOAT)
			out->f = src->f;
		else
			return clash(src, dst, expl, e);
		if (dst->t == ST_REAL)
			out->f = (float)out->f;
		return 0;
	}

	/* dates and times */
	if (st_is_time(dst->t)) {
		if (!st_is_time(src->t)) {
			if (dst->t == ST_DATETIME && (st_is_int(src->t) ||
			    st_is_dec(src->t) || src->t == ST_FLOAT ||
			    src->t == ST_REAL)) {
				/* datetime from a number: days after 1900 */
				double dd = st_is_int(src->t) ?
				    (double)src->i : st_is_dec(src->t) ?
				    (double)src->i / (double)pow10i(src->scale)
				    : src->f;
				double fl = floor(dd);

				out->i = DAYS_1900 + (int64_t)fl;
				out->ticks = (int64_t)((dd - fl) *
				    864000000000.0);
				round_datetime(&out->i, &out->ticks);
				if (out->i < DAYS_1753 || out->i > DAYS_9999)
					return tderr_set(e, 8115, 16,
					    "Arithmetic overflow error converting expression to data type datetime.");
				return 0;
			}
			return clash(src, dst, expl, e);
		}
		if (src->t == ST_TIME && dst->t == ST_DATE)
			return clash(src, dst, expl, e);
		if (src->t == ST_DATE && dst->t == ST_TIME)
			return clash(src, dst, expl, e);
		out->i = src->t == ST_TIME ? DAYS_1900 : src->i;
		out->ticks = src->ticks;
		if (dst->t == ST_DATE)
			out->ticks = 0;
		else if (dst->t == ST_TIME) {
			out->i = 0;
			round_ticks(&out->i, &out->ticks, dst->scale);
			out->i = 0;
		} else if (dst->t == ST_DATETIME) {
			if (out->i < DAYS_1753)
				return tderr_set(e, 242, 16,
				    "The conversion of a %s data type to a datetime data type resulted in an out-of-range value.",
				    st_name(src->t));
			round_datetime(&out->i, &out->ticks);
		} else
			round_ticks(&out->i, &out->ticks, dst->scale);
		if (out->i > DAYS_9999)
			return tderr_set(e, 242, 16,
			    "The conversion of a %s data type to a %s data type resulted in an out-of-range value.",
			    st_name(src->t), st_name(dst->t));
		return 0;
	}
	return clash(src, dst, expl, e);
}

/* ---------------------------------------------------------------- */
/* SQLite storage */

static void
fmt_time_storage(const struct sqlval *v, enum st t, struct buf *b)
{
	dt_fmt(t, 7, v->i, v->ticks, b);
}

int
sqlval_bind(sqlite3_stmt *st, int idx, const struct sqlval *v,
    const struct sqltype *ty)
{
	struct buf b = BUF_INIT;
	int rc;

	if (v->null)
		return sqlite3_bind_null(st, idx);
	switch (ty->t) {
	case ST_BIT: case ST_TINYINT: case ST_SMALLINT: case ST_INT:
	case ST_BIGINT: case ST_DECIMAL: case ST_NUMERIC: case ST_MONEY:
		return sqlite3_bind_int64(st, idx, v->i);
	case ST_REAL: case ST_FLOAT:
		return sqlite3_bind_double(st, idx, v->f);
	case ST_BINARY: case ST_VARBINARY:
		if (ty->t == ST_BINARY && ty->len != LEN_MAX &&
		    v->n < (size_t)ty->len) {
			buf_add(&b, v->s, v->n);
			while (b.len < (size_t)ty->len)
				buf_addc(&b, 0);
			rc = sqlite3_bind_blob64(st, idx, b.s, b.len,
			    SQLITE_TRANSIENT);
			buf_free(&b);
			return rc;
		}
		return sqlite3_bind_blob64(st, idx, v->n ? v->s : "", v->n,
		    SQLITE_TRANSIENT);
	case ST_CHAR: case ST_NCHAR:
		buf_grow(&b, v->n);
		buf_add(&b, v->s, v->n);
		if (ty->len != LEN_MAX) {
			size_t k = utf8_chars(v->s, v->n);

			while (k++ < (size_t)ty->len)
				buf_addc(&b, ' ');
		}
		rc = sqlite3_bind_text64(st, idx, b.s ? b.s : "", b.len,
		    SQLITE_TRANSIENT, SQLITE_UTF8);
		buf_free(&b);
		return rc;
	case ST_DATE: case ST_TIME: case ST_DATETIME: case ST_DATETIME2:
		fmt_time_storage(v, ty->t, &b);
		rc = sqlite3_bind_text64(st, idx, b.s, b.len, SQLITE_TRANSIENT,
		    SQLITE_UTF8);
		buf_free(&b);
		return rc;
	default:
		return sqlite3_bind_text64(st, idx, v->n ? v->s : "", v->n,
		    SQLITE_TRANSIENT, SQLITE_UTF8);
	}
}

/* Decode a stored value (one of SQLite's storage classes) as type ty. */
static void
from_storage(int cls, int64_t iv, double dv, const char *tv, size_t tn,
    const struct sqltype *ty, struct sqlval *v)
{
	int hd, ht;

	sqlval_null(v);
	v->t = ty->t;
	v->prec = ty->prec;
	v->scale = ty->scale;
	if (cls == SQLITE_NULL)
		return;
	v->null = 0;
	switch (ty->t) {
	case ST_NULL:
		v->null = 1;
		return;
	case ST_BIT: case ST_TINYINT: case ST_SMALLINT: case ST_INT:
	case ST_BIGINT:
		if (cls == SQLITE_INTEGER)
			v->i = iv;
		else if (cls == SQLITE_FLOAT)
			v->i = (int64_t)dv;
		else {
			int64_t m;
			int p, sc;

			v->i = dec_parse(tv, tn, &m, &p, &sc) == 0 ?
			    m / pow10i(sc) : 0;
		}
		if (ty->t == ST_BIT)
			v->i = v->i != 0;
		return;
	case ST_DECIMAL: case ST_NUMERIC: case ST_MONEY:
		if (cls == SQLITE_INTEGER)
			v->i = iv;
		else if (cls == SQLITE_FLOAT)
			v->i = (int64_t)llround(dv);
		else {
			int64_t m;
			int p, sc;

			if (dec_parse(tv, tn, &m, &p, &sc) != 0 ||
			    dec_rescale(m, sc, ty->scale, &v->i) != 0)
				v->i = 0;
		}
		return;
	case ST_REAL: case ST_FLOAT:
		if (cls == SQLITE_INTEGER)
			v->f = (double)iv;
		else if (cls == SQLITE_FLOAT)
			v->f = dv;
		else
			v->f = strtod(tv, NULL);
		return;
	case ST_DATE: case ST_TIME: case ST_DATETIME: case ST_DATETIME2:
		if (cls != SQLITE_TEXT || dt_parse(tv, tn, 1, 1, &v->i,
		    &v->ticks, &hd, &ht) != 0) {
			v->null = 1;
			return;
		}
		if (ty->t == ST_TIME)
			v->i = 0;
		return;
	default:
		if (cls == SQLITE_INTEGER || cls == SQLITE_FLOAT) {
			v->own.len = 0;
			if (cls == SQLITE_INTEGER)
				buf_addi(&v->own, iv);
			else
				buf_printf(&v->own, "%.15g", dv);
			v->s = v->own.s;
			v->n = v->own.len;
		} else {
			v->s = tv != NULL ? tv : "";
			v->n = tn;
		}
		return;
	}
}

void
sqlval_column(sqlite3_stmt *st, int col, const struct sqltype *ty,
    struct sqlval *v)
{
	int cls = sqlite3_column_type(st, col);
	const char *tv = NULL;
	size_t tn = 0;

	if (cls == SQLITE_TEXT || cls == SQLITE_BLOB) {
		tv = cls == SQLITE_TEXT ?
		    (const char *)sqlite3_column_text(st, col) :
		    (const char *)sqlite3_column_blob(st, col);
		tn = (size_t)sqlite3_column_bytes(st, col);
	}
	from_storage(cls, cls == SQLITE_INTEGER ?
	    sqlite3_column_int64(st, col) : 0, cls == SQLITE_FLOAT ?
	    sqlite3_column_double(st, col) : 0, tv, tn, ty, v);
}

void
sqlval_from_sqlite(sqlite3_value *sv, const struct sqltype *ty,
    struct sqlval *v)
{
	int cls = sqlite3_value_type(sv);
	const char *tv = NULL;
	size_t tn = 0;

	if (cls == SQLITE_TEXT || cls == SQLITE_BLOB) {
		tv = cls == SQLITE_TEXT ? (const char *)sqlite3_value_text(sv) :
		    (const char *)sqlite3_value_blob(sv);
		tn = (size_t)sqlite3_value_bytes(sv);
	}
	from_storage(cls, cls == SQLITE_INTEGER ? sqlite3_value_int64(sv) : 0,
	    cls == SQLITE_FLOAT ? sqlite3_value_double(sv) : 0, tv, tn, ty, v);
}

void
sqlval_result(sqlite3_context *ctx, const struct sqlval *v)
{
	struct buf b = BUF_INIT;

	if (v->null || v->t == ST_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	switch (v->t) {
	case ST_BIT: case ST_TINYINT: case ST_SMALLINT: case ST_INT:
	case ST_BIGINT: case ST_DECIMAL: case ST_NUMERIC: case ST_MONEY:
		sqlite3_result_int64(ctx, v->i);
		break;
	case ST_REAL: case ST_FLOAT:
		sqlite3_result_double(ctx, v->f);
		break;
	case ST_BINARY: case ST_VARBINARY:
		sqlite3_result_blob64(ctx, v->n ? v->s : "", v->n,
		    SQLITE_TRANSIENT);
		break;
	case ST_DATE: case ST_TIME: case ST_DATETIME: case ST_DATETIME2:
		fmt_time_storage(v, v->t, &b);
		sqlite3_result_text64(ctx, b.s, b.len, SQLITE_TRANSIENT,
		    SQLITE_UTF8);
		buf_free(&b);
		break;
	default:
		sqlite3_result_text64(ctx, v->n ? v->s : "", v->n,
		    SQLITE_TRANSIENT, SQLITE_UTF8);
		break;
	}
}

/* ---------------------------------------------------------------- */
/* TDS encodings of result columns (MS-TDS 2.2.5.4, 2.2.5.5) */

static int
dec_len(int prec)
{
	return prec <= 9 ? 5 : prec <= 19 ? 9 : prec <= 28 ? 13 : 17;
}

static int
time_len(int scale)
{
	return scale <= 2 ? 3 : scale <= 4 ? 4 : 5;
}

void
tds_typeinfo(struct tdsout *o, const struct sqltype *ty, int nullable)
{
	int len;

	switch (ty->t) {
	case ST_NULL:
	case ST_INT:
		if (nullable) {
			out_u8(o, XT_INTN);
			out_u8(o, 4);
		} else
			out_u8(o, XT_INT4);
		break;
	case ST_BIT:
		if (nullable) {
			out_u8(o, XT_BITN);
			out_u8(o, 1);
		} else
			out_u8(o, XT_BIT);
		break;
	case ST_TINYINT: case ST_SMALLINT: case ST_BIGINT:
		len = ty->t == ST_TINYINT ? 1 : ty->t == ST_SMALLINT ? 2 : 8;
		if (nullable) {
			out_u8(o, XT_INTN);
			out_u8(o, (unsigned)len);
		} else
			out_u8(o, len == 1 ? XT_INT1 : len == 2 ? XT_INT2 :
			    XT_INT8);
		break;
	case ST_DECIMAL: case ST_NUMERIC: case ST_MONEY: {
		int p = ty->t == ST_MONEY ? 19 : ty->prec;
		int s = ty->t == ST_MONEY ? 4 : ty->scale;

		out_u8(o, ty->t == ST_NUMERIC ? XT_NUMERICN : XT_DECIMALN);
		out_u8(o, (unsigned)dec_len(p));
		out_u8(o, (unsigned)p);
		out_u8(o, (unsigned)s);
		break;
	}
	case ST_REAL: case ST_FLOAT:
		len = ty->t == ST_REAL ? 4 : 8;
		if (nullable) {
			out_u8(o, XT_FLTN);
			out_u8(o, (unsigned)len);
		} else
			out_u8(o, len == 4 ? XT_FLT4 : XT_FLT8);
		break;
	case ST_CHAR: case ST_VARCHAR:
		out_u8(o, ty->t == ST_CHAR ? XT_BIGCHAR : XT_BIGVARCHR);
		out_u16(o, ty->len == LEN_MAX ? 0xFFFF : (unsigned)ty->len);
		out_bytes(o, tds_collation, 5);
		break;
	case ST_NCHAR: case ST_NVARCHAR:
		out_u8(o, ty->t == ST_NCHAR ? XT_NCHAR : XT_NVARCHAR);
		out_u16(o, ty->len == LEN_MAX ? 0xFFFF :
		    (unsigned)ty->len * 2);
		out_bytes(o, tds_collation, 5);
		break;
	case ST_BINARY: case ST_VARBINARY:
		out_u8(o, ty->t == ST_BINARY ? XT_BIGBINARY : XT_BIGVARBIN);
		out_u16(o, ty->len == LEN_MAX ? 0xFFFF : (unsigned)ty->len);
		break;
	case ST_DATE:
		out_u8(o, XT_DATEN);
		break;
	case ST_TIME:
		out_u8(o, XT_TIMEN);
		out_u8(o, (unsigned)ty->scale);
		break;
	case ST_DATETIME2:
		out_u8(o, XT_DATETIME2N);
		out_u8(o, (unsigned)ty->scale);
		break;
	case ST_DATETIME:
		if (nullable) {
			out_u8(o, XT_DATETIMN);
			out_u8(o, 8);
		} else
			out_u8(o, XT_DATETIME);
		break;
	default:
		out_u8(o, XT_INTN);
		out_u8(o, 4);
		break;
	}
}

static void
out_uint_n(struct tdsout *o, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		out_u8(o, (unsigned)(v >> (8 * i)) & 0xFF);
}

/* Write a PLP value: total length, one chunk, terminator. */
static void
out_plp(struct tdsout *o, const void *p, size_t n)
{
	out_u64(o, n);
	if (n > 0) {
		out_u32(o, (uint32_t)n);
		out_bytes(o, p, n);
	}
	out_u32(o, 0);
}

int
tds_value(struct tdsout *o, const struct sqltype *ty, int nullable,
    const struct sqlval *v, struct tderr *e)
{
	struct buf b = BUF_INIT;
	int len, p, s;

	if (v->null) {
		if (!nullable && ty->t != ST_DATE && ty->t != ST_TIME &&
		    ty->t != ST_DATETIME2 && !st_is_dec(ty->t) &&
		    !st_is_str(ty->t) && !st_is_bin(ty->t))
			return tderr_set(e, 50000, 16,
			    "tdsd: NULL in a column described as NOT NULL");
		switch (ty->t) {
		case ST_CHAR: case ST_VARCHAR: case ST_NCHAR: case ST_NVARCHAR:
		case ST_BINARY: case ST_VARBINARY:
			if (ty->len == LEN_MAX)
				out_u64(o, UINT64_MAX);
			else
				out_u16(o, 0xFFFF);
			break;
		default:
			out_u8(o, 0);
			break;
		}
		return 0;
	}
	switch (ty->t) {
	case ST_NULL:
		out_u8(o, 0);
		break;
	case ST_BIT: case ST_TINYINT: case ST_SMALLINT: case ST_INT:
	case ST_BIGINT:
		len = ty->t == ST_BIT || ty->t == ST_TINYINT ? 1 :
		    ty->t == ST_SMALLINT ? 2 : ty->t == ST_INT ? 4 : 8;
		if (!int_range(ty->t, v->i))
			return tderr_set(e, 8115, 16,
			    "Arithmetic overflow error converting expression to data type %s.",
			    st_name(ty->t));
		if (nullable)
			out_u8(o, (unsigned)len);
		out_uint_n(o, (uint64_t)v->i, len);
		break;
	case ST_DECIMAL: case ST_NUMERIC: case ST_MONEY: {
		uint64_t mag;

		p = ty->t == ST_MONEY ? 19 : ty->prec;
		s = ty->t == ST_MONEY ? 4 : ty->scale;
		(void)s;
		if (p < 19 && (v->i >= pow10i(p) || v->i <= -pow10i(p)))
			return tderr_set(e, 8115, 16,
			    "Arithmetic overflow error converting numeric to data type numeric.");
		len = dec_len(p);
		out_u8(o, (unsigned)len);
		out_u8(o, v->i < 0 ? 0 : 1);
		mag = v->i < 0 ? (uint64_t)0 - (uint64_t)v->i : (uint64_t)v->i;
		out_uint_n(o, mag, len - 1 < 8 ? len - 1 : 8);
		if (len - 1 > 8)
			out_uint_n(o, 0, len - 1 - 8);
		break;
	}
	case ST_REAL: {
		float f = (float)v->f;
		uint32_t u;

		memcpy(&u, &f, 4);
		if (nullable)
			out_u8(o, 4);
		out_u32(o, u);
		break;
	}
	case ST_FLOAT: {
		uint64_t u;

		memcpy(&u, &v->f, 8);
		if (nullable)
			out_u8(o, 8);
		out_u64(o, u);
		break;
	}
	case ST_CHAR: case ST_VARCHAR:
		utf8_to_cp1252(v->s, v->n, &b);
		if (ty->t == ST_CHAR && ty->len != LEN_MAX)
			while (b.len < (size_t)ty->len)
				buf_addc(&b, ' ');
		goto sendbytes;
	case ST_NCHAR: case ST_NVARCHAR: {
		size_t k;

		(void)utf8_to_utf16(v->s, v->n, &b);
		if (ty->t == ST_NCHAR && ty->len != LEN_MAX)
			for (k = b.len / 2; k < (size_t)ty->len; k++) {
				buf_addc(&b, ' ');
				buf_addc(&b, 0);
			}
		goto sendbytes;
	}
	case ST_BINARY: case ST_VARBINARY:
		buf_grow(&b, v->n);
		buf_add(&b, v->s, v->n);
		if (ty->t == ST_BINARY && ty->len != LEN_MAX)
			while (b.len < (size_t)ty->len)
				buf_addc(&b, 0);
sendbytes:
		if (ty->len == LEN_MAX)
			out_plp(o, b.s, b.len);
		else {
			size_t max = st_is_nstr(ty->t) ? (size_t)ty->len * 2 :
			    (size_t)ty->len;

			if (b.len > max || b.len > 8000) {
				buf_free(&b);
				return tderr_set(e, 8152, 16,
				    "String or binary data would be truncated.");
			}
			out_u16(o, (unsigned)b.len);
			out_bytes(o, b.s, b.len);
		}
		buf_free(&b);
		break;
	case ST_DATE:
		out_u8(o, 3);
		out_uint_n(o, (uint64_t)v->i, 3);
		break;
	case ST_TIME: case ST_DATETIME2: {
		int tl = time_len(ty->scale);
		int64_t t = v->ticks / pow10i(7 - ty->scale);

		out_u8(o, (unsigned)(tl + (ty->t == ST_DATETIME2 ? 3 : 0)));
		out_uint_n(o, (uint64_t)t, tl);
		if (ty->t == ST_DATETIME2)
			out_uint_n(o, (uint64_t)v->i, 3);
		break;
	}
	case ST_DATETIME: {
		int64_t days = v->i - DAYS_1900;
		int64_t u300 = (v->ticks * 3 + 50000) / 100000;

		if (nullable)
			out_u8(o, 8);
		out_u32(o, (uint32_t)(int32_t)days);
		out_u32(o, (uint32_t)u300);
		break;
	}
	default:
		return tderr_set(e, 50000, 16, "tdsd: type %s not supported",
		    st_name(ty->t));
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* Bulk load: client TYPE_INFO and values */

int
tds_read_typeinfo(struct rd *r, struct bulkcol *c)
{
	c->xtype = rd_u8(r);
	c->len = 0;
	c->prec = c->scale = 0;
	c->plp = 0;
	switch (c->xtype) {
	case XT_INT1: c->len = 1; break;
	case XT_BIT: c->len = 1; break;
	case XT_INT2: c->len = 2; break;
	case XT_INT4: c->len = 4; break;
	case XT_INT8: c->len = 8; break;
	case XT_FLT4: c->len = 4; break;
	case XT_FLT8: c->len = 8; break;
	case XT_DATETIME: c->len = 8; break;
	case XT_DATETIM4: c->len = 4; break;
	case XT_MONEY: c->len = 8; break;
	case XT_MONEY4: c->len = 4; break;
	case XT_INTN: case XT_BITN: case XT_FLTN: case XT_DATETIMN:
	case XT_MONEYN:
		c->len = rd_u8(r);
		break;
	case XT_DECIMALN: case XT_NUMERICN: case XT_DECIMAL: case XT_NUMERIC:
		c->len = rd_u8(r);
		c->prec = rd_u8(r);
		c->scale = rd_u8(r);
		if (c->prec < 1 || c->prec > 38 || c->scale > c->prec ||
		    c->len < 1 || c->len > 17)
			return -1;
		break;
	case XT_DATEN:
		c->len = 3;
		break;
	case XT_TIMEN: case XT_DATETIME2N:
		c->scale = rd_u8(r);
		if (c->scale > 7)
			return -1;
		break;
	case XT_BIGVARCHR: case XT_BIGCHAR: case XT_NVARCHAR: case XT_NCHAR:
		c->len = (int)rd_u16(r);
		if (rd_bytes(r, 5) != NULL)
			memcpy(c->collation, r->p + r->off - 5, 5);
		if (c->len == 0xFFFF)
			c->plp = 1;
		break;
	case XT_BIGVARBIN: case XT_BIGBINARY:
		c->len = (int)rd_u16(r);
		if (c->len == 0xFFFF)
			c->plp = 1;
		break;
	default:
		return r->err ? -1 : -2;
	}
	return r->err ? -1 : 0;
}

static uint64_t
get_uint_n(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Read a PLP value into out; 1 ok (null sets *isnull), 0 need more, -1 bad */
static int
read_plp(struct rd *r, struct buf *out, int *isnull)
{
	uint64_t total = rd_u64(r);

	*isnull = 0;
	if (r->err)
		return 0;
	if (total == UINT64_MAX) {
		*isnull = 1;
		return 1;
	}
	for (;;) {
		uint32_t chunk = rd_u32(r);
		const uint8_t *p;

		if (r->err)
			return 0;
		if (chunk == 0)
			break;
		if ((p = rd_bytes(r, chunk)) == NULL)
			return 0;
		buf_add(out, p, chunk);
		if (out->len > (size_t)1 << 30)
			return -1;
	}
	if (total != UINT64_MAX - 1 && total != out->len)
		return -1;
	return 1;
}

/* Every UTF-16 unit made of two printable ASCII bytes: 8-bit text. */
static int
looks_8bit(const uint8_t *p, size_t n)
{
	size_t i;

	if (n < 2)
		return 0;
	for (i = 0; i + 1 < n; i += 2)
		if (p[i] < 0x20 || p[i] > 0x7E || p[i + 1] < 0x20 ||
		    p[i + 1] > 0x7E)
			return 0;
	return 1;
}

int
tds_read_value(struct rd *r, const struct bulkcol *c, struct sqlval *v,
    int check8bit, struct tderr *e)
{
	const uint8_t *p;
	int len, isnull;
	size_t bad;
	struct buf raw = BUF_INIT;

	sqlval_null(v);
	v->null = 0;
	switch (c->xtype) {
	case XT_INT1: case XT_INT2: case XT_INT4: case XT_INT8: case XT_BIT:
	case XT_INTN: case XT_BITN:
		len = c->len;
		if (c->xtype == XT_INTN || c->xtype == XT_BITN) {
			len = rd_u8(r);
			if (r->err)
				return 0;
			if (len == 0) {
				v->null = 1;
				v->t = ST_INT;
				return 1;
			}
			if (len != 1 && len != 2 && len != 4 && len != 8)
				return tderr_set(e, 4815, 16,
				    "Received an invalid column length from the bcp client for colid %s.",
				    c->name);
		}
		if ((p = rd_bytes(r, (size_t)len)) == NULL)
			return 0;
		{
			uint64_t u = get_uint_n(p, len);

			switch (len) {
			case 1:
				v->t = c->xtype == XT_BIT ||
				    c->xtype == XT_BITN ? ST_BIT : ST_TINYINT;
				v->i = (int64_t)u;
				if (v->t == ST_BIT && u > 1)
					v->i = 1;
				break;
			case 2:
				v->t = ST_SMALLINT;
				v->i = (int16_t)u;
				break;
			case 4:
				v->t = ST_INT;
				v->i = (int32_t)u;
				break;
			default:
				v->t = ST_BIGINT;
				v->i = (int64_t)u;
				break;
			}
		}
		return 1;
	case XT_FLT4: case XT_FLT8: case XT_FLTN:
		len = c->len;
		if (c->xtype == XT_FLTN) {
			len = rd_u8(r);
			if (r->err)
				return 0;
			if (len == 0) {
				v->null = 1;
				v->t = ST_FLOAT;
				return 1;
			}
		}
		if (len != 4 && len != 8)
			return tderr_set(e, 4815, 16,
			    "Received an invalid column length from the bcp client for colid %s.",
			    c->name);
		if ((p = rd_bytes(r, (size_t)len)) == NULL)
			return 0;
		if (len == 4) {
			float f;
			uint32_t u = (uint32_t)get_uint_n(p, 4);

			memcpy(&f, &u, 4);
			v->f = f;
			v->t = ST_REAL;
		} else {
			uint64_t u = get_uint_n(p, 8);

			memcpy(&v->f, &u, 8);
			v->t = ST_FLOAT;
		}
		if (!isfinite(v->f))
			return tderr_set(e, 4815, 16,
			    "Received an invalid column length from the bcp client for colid %s.",
			    c->name);
		return 1;
	case XT_DECIMALN: case XT_NUMERICN: case XT_DECIMAL: case XT_NUMERIC: {
		i128 m = 0;
		int i;

		len = rd_u8(r);
		if (r->err)
			return 0;
		v->t = ST_DECIMAL;
		v->prec = c->prec;
		v->scale = c->scale;
		if (len == 0) {
			v->null = 1;
			return 1;
		}
		if ((p = rd_bytes(r, (size_t)len)) == NULL)
			return 0;
		if (len < 2 || len > 17 || p[0] > 1)
			return tderr_set(e, 4815, 16,
			    "Received an invalid column length from the bcp client for colid %s.",
			    c->name);
		for (i = len - 1; i >= 1; i--) {
			if (m > ((i128)1 << 120))
				return tderr_set(e, 8115, 16,
				    "Arithmetic overflow error converting numeric to data type numeric.");
			m = m << 8 | p[i];
		}
		if (m >= pow10x(c->prec))
			return tderr_set(e, 8115, 16,
			    "Arithmetic overflow error converting numeric to data type numeric.");
		while ((m > INT64_MAX) && v->scale > 0) {
			/* beyond what tdsd stores: keep what fits */
			return tderr_set(e, 8115, 16,
			    "Arithmetic overflow error converting numeric to data type numeric.");
		}
		if (m > INT64_MAX)
			return tderr_set(e, 8115, 16,
			    "Arithmetic overflow error converting numeric to data type numeric.");
		v->i = p[0] == 1 ? (int64_t)m : -(int64_t)m;
		return 1;
	}
	case XT_DATEN:
		len = rd_u8(r);
		if (r->err)
			return 0;
		v->t = ST_DATE;
		if (len == 0) {
			v->null = 1;
			return 1;
		}
		if (len != 3)
			return tderr_set(e, 4815, 16,
			    "Received an invalid column length from the bcp client for colid %s.",
			    c->name);
		if ((p = rd_bytes(r, 3)) == NULL)
			return 0;
		v->i = (int64_t)get_uint_n(p, 3);
		if (v->i > DAYS_9999)
			return tderr_set(e, 241, 16,
			    "Conversion failed when converting date and/or time from character string.");
		return 1;
	case XT_TIMEN: case XT_DATETIME2N: {
		int tl = time_len(c->scale);
		int want = tl + (c->xtype == XT_DATETIME2N ? 3 : 0);
		uint64_t t;

		len = rd_u8(r);
		if (r->err)
			return 0;
		v->t = c->xtype == XT_TIMEN ? ST_TIME : ST_DATETIME2;
		v->scale = c->scale;
		if (len == 0) {
			v->null = 1;
			return 1;
		}
		if (len != want)
			return tderr_set(e, 4815, 16,
			    "Received an invalid column length from the bcp client for colid %s.",
			    c->name);
		if ((p = rd_bytes(r, (size_t)len)) == NULL)
			return 0;
		t = get_uint_n(p, tl) * (uint64_t)pow10i(7 - c->scale);
		if (t >= 864000000000ULL)
			return tderr_set(e, 241, 16,
			    "Conversion failed when converting date and/or time from character string.");
		v->ticks = (int64_t)t;
		if (v->t == ST_DATETIME2) {
			v->i = (int64_t)get_uint_n(p + tl, 3);
			if (v->i > DAYS_9999)
				return tderr_set(e, 241, 16,
				    "Conversion failed when converting date and/or time from character string.");
		}
		return 1;
	}
	case XT_DATETIME: case XT_DATETIMN: case XT_DATETIM4:
		len = c->len;
		if (c->xtype == XT_DATETIMN) {
			len = rd_u8(r);
			if (r->err)
				return 0;
			if (len == 0) {
				v->null = 1;
				v->t = ST_DATETIME;
				return 1;
			}
		}
		if (len != 4 && len != 8)
			return tderr_set(e, 4815, 16,
			    "Received an invalid column length from the bcp client for colid %s.",
			    c->name);
		if ((p = rd_bytes(r, (size_t)len)) == NULL)
			return 0;
		v->t = ST_DATETIME;
		v->scale = 3;
		if (len == 8) {
			int32_t d = (int32_t)get_uint_n(p, 4);
			uint32_t u = (uint32_t)get_uint_n(p + 4, 4);

			if (u >= 300u * 86400u)
				return tderr_set(e, 242, 16,
				    "The conversion of a datetime data type to a datetime data type resulted in an out-of-range value.");
			v->i = DAYS_1900 + d;
			v->ticks = ((int64_t)u * 100000 + 1) / 3;
		} else {
			v->i = DAYS_1900 + (int64_t)get_uint_n(p, 2);
			v->ticks = (int64_t)get_uint_n(p + 2, 2) * 600000000;
		}
		if (v->i < DAYS_1753 || v->i > DAYS_9999)
			return tderr_set(e, 242, 16,
			    "The conversion of a datetime data type to a datetime data type resulted in an out-of-range value.");
		return 1;
	case XT_BIGVARCHR: case XT_BIGCHAR: case XT_NVARCHAR: case XT_NCHAR:
	case XT_BIGVARBIN: case XT_BIGBINARY: {
		int nstr = c->xtype == XT_NVARCHAR || c->xtype == XT_NCHAR;
		int bin = c->xtype == XT_BIGVARBIN || c->xtype == XT_BIGBINARY;

		v->t = nstr ? ST_NVARCHAR : bin ? ST_VARBINARY : ST_VARCHAR;
		if (c->plp) {
			int rc = read_plp(r, &raw, &isnull);

			if (rc <= 0) {
				buf_free(&raw);
				if (rc < 0)
					return tderr_set(e, 4815, 16,
					    "Received an invalid column length from the bcp client for colid %s.",
					    c->name);
				return 0;
			}
			if (isnull) {
				v->null = 1;
				buf_free(&raw);
				return 1;
			}
			p = (const uint8_t *)(raw.s != NULL ? raw.s : "");
			len = (int)raw.len;
		} else {
			len = (int)rd_u16(r);
			if (r->err)
				return 0;
			if (len == 0xFFFF) {
				v->null = 1;
				return 1;
			}
			if (len > c->len)
				return tderr_set(e, 4815, 16,
				    "Received an invalid column length from the bcp client for colid %s.",
				    c->name);
			if ((p = rd_bytes(r, (size_t)len)) == NULL)
				return 0;
		}
		v->own.len = 0;
		if (nstr) {
			if (len % 2 != 0) {
				buf_free(&raw);
				return tderr_set(e, 4815, 16,
				    "Received an invalid column length from the bcp client for colid %s (tdsd: NVARCHAR value of %d bytes is not UTF-16LE).",
				    c->name, len);
			}
			if (utf16_to_utf8(p, (size_t)len, &v->own, &bad) != 0) {
				buf_free(&raw);
				return tderr_set(e, 50000, 16,
				    "tdsd: bulk load: NVARCHAR value for column %s is not well-formed UTF-16LE (unpaired surrogate at byte %zu)",
				    c->name, bad);
			}
			if (check8bit && looks_8bit(p, (size_t)len)) {
				buf_free(&raw);
				return tderr_set(e, 50000, 16,
				    "tdsd: bulk load: NVARCHAR value for column %s looks like 8-bit text sent as UTF-16 (every byte printable ASCII; client charset not converted?)",
				    c->name);
			}
		} else if (bin)
			buf_add(&v->own, p, (size_t)len);
		else {
			if (check8bit && utf8_has_multibyte((const char *)p,
			    (size_t)len)) {
				buf_free(&raw);
				return tderr_set(e, 50000, 16,
				    "tdsd: bulk load: VARCHAR value for column %s is UTF-8, not the column's code page CP1252 (client charset not converted?)",
				    c->name);
			}
			cp1252_to_utf8(p, (size_t)len, &v->own);
		}
		buf_free(&raw);
		v->s = v->own.s != NULL ? v->own.s : "";
		v->n = v->own.len;
		return 1;
	}
	default:
		return tderr_set(e, 4815, 16,
		    "tdsd: bulk load: column %s: TDS type 0x%02X not supported",
		    c->name, (unsigned)c->xtype);
	}
}
