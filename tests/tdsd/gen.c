/*
 * gen: binds T-SQL expressions and SELECTs to the catalogue and writes
 * the SQLite SQL that computes them, with SQL Server's types.  Every
 * expression gets a SQL Server type (struct sqltype); values live in
 * SQLite in that type's storage form (cat.c), so the generated SQL
 * rescales decimals, converts through tdsd_conv() where SQL Server would
 * convert implicitly, compares text with the "tds" collation, and routes
 * arithmetic through tdsd_arith() for SQL Server's overflow and
 * divide-by-zero errors.  Names are checked here: 208 invalid object,
 * 207 invalid column, 209 ambiguous column, 4104 unbound qualifier.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/xalloc.h"
#include "tdsd.h"

char *
afmt(struct gctx *g, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = ar_alloc(g->a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

static int
gerr(struct gctx *g, int num, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A binding error: SQL Server reports these when it compiles the
 * statement, and they end the batch. */
static int
gerr(struct gctx *g, int num, const char *fmt, ...)
{
	va_list ap;

	g->e->num = num;
	g->e->cls = 16;
	g->e->state = 1;
	va_start(ap, fmt);
	vsnprintf(g->e->msg, sizeof(g->e->msg), fmt, ap);
	va_end(ap);
	g->abort = 1;
	return -1;
}

static const char *
qname_text(struct gctx *g, const struct qname *q)
{
	struct buf b = BUF_INIT;
	int i, first = 1;
	char *r;

	for (i = 4 - q->n; i < 4; i++) {
		if (!first)
			buf_addc(&b, '.');
		first = 0;
		if (q->part[i] != NULL)
			buf_adds(&b, q->part[i]);
	}
	r = ar_strndup(g->a, b.s ? b.s : "", b.len);
	buf_free(&b);
	return r;
}

/* ---------------------------------------------------------------- */
/* Literals */

static void
lit_own(struct gctx *g, struct sqlval *v)
{
	/* move text into the arena so the value outlives its buffers */
	if (!v->null && v->s != NULL && (st_is_str(v->t) || st_is_bin(v->t)))
		v->s = ar_strndup(g->a, v->s, v->n);
	memset(&v->own, 0, sizeof(v->own));
}

static const char *
lit_sql(struct gctx *g, const struct sqlval *v)
{
	struct buf b = BUF_INIT;
	char *r;
	size_t i;

	if (v->null || v->t == ST_NULL)
		return "NULL";
	switch (v->t) {
	case ST_BIT: case ST_TINYINT: case ST_SMALLINT: case ST_INT:
	case ST_BIGINT: case ST_DECIMAL: case ST_NUMERIC: case ST_MONEY:
		return afmt(g, "%lld", (long long)v->i);
	case ST_REAL: case ST_FLOAT:
		r = afmt(g, "%.17g", v->f);
		if (strpbrk(r, ".eEn") == NULL)
			r = afmt(g, "%s.0", r);
		return r;
	case ST_BINARY: case ST_VARBINARY:
		buf_adds(&b, "X'");
		for (i = 0; i < v->n; i++)
			buf_printf(&b, "%02X", (unsigned char)v->s[i]);
		buf_addc(&b, '\'');
		break;
	case ST_DATE: case ST_TIME: case ST_DATETIME: case ST_DATETIME2: {
		struct buf t = BUF_INIT;

		dt_fmt(v->t, 7, v->i, v->ticks, &t);
		sqlstr(&b, t.s, t.len);
		buf_free(&t);
		break;
	}
	default:
		sqlstr(&b, v->s, v->n);
		break;
	}
	r = ar_strndup(g->a, b.s, b.len);
	buf_free(&b);
	return r;
}

const char *
gen_sql(struct gctx *g, struct gx *x)
{
	return x->lit ? lit_sql(g, &x->v) : x->sql;
}

static void
gx_init(struct gx *x)
{
	memset(x, 0, sizeof(*x));
	x->name = "";
}

static void
set_lit(struct gx *x, enum st t)
{
	x->lit = 1;
	x->ty.t = t;
	x->v.t = t;
	x->v.null = 0;
}

static int
literal(struct gctx *g, struct expr *e, struct gx *x)
{
	int64_t m;
	int p, s;

	switch (e->k) {
	case E_NULL:
		set_lit(x, ST_NULL);
		x->v.null = 1;
		x->nullable = 1;
		return 0;
	case E_INT:
	case E_DEC:
		if (dec_parse(e->s, e->n, &m, &p, &s) != 0)
			return gerr(g, 1007, "The number '%s' is out of the range for numeric representation (maximum precision 38).",
			    e->s);
		if (e->k == E_INT && m >= INT32_MIN && m <= INT32_MAX) {
			set_lit(x, ST_INT);
			x->v.i = m;
			return 0;
		}
		set_lit(x, ST_DECIMAL);
		x->ty.prec = p < 1 ? 1 : p;
		x->ty.scale = s;
		x->v.i = m;
		x->v.prec = x->ty.prec;
		x->v.scale = s;
		return 0;
	case E_FLOAT:
		set_lit(x, ST_FLOAT);
		x->v.f = strtod(e->s, NULL);
		return 0;
	case E_STR: {
		size_t n;

		if (e->nstr) {
			set_lit(x, ST_NVARCHAR);
			x->v.s = e->s;
			x->v.n = e->n;
		} else {
			/* a '...' literal is in the database code page */
			struct buf c = BUF_INIT, u = BUF_INIT;

			utf8_to_cp1252(e->s, e->n, &c);
			cp1252_to_utf8((const uint8_t *)c.s, c.len, &u);
			set_lit(x, ST_VARCHAR);
			x->v.s = ar_strndup(g->a, u.s ? u.s : "", u.len);
			x->v.n = u.len;
			buf_free(&c);
			buf_free(&u);
		}
		/* nvarchar lengths count UTF-16 code units */
		n = e->nstr ? utf8_units16(x->v.s, x->v.n) :
		    utf8_chars(x->v.s, x->v.n);
		x->ty.len = n == 0 ? 1 : n > 8000 ? LEN_MAX : (int)n;
		if (e->nstr && n > 4000)
			x->ty.len = LEN_MAX;
		return 0;
	}
	case E_HEX: {
		size_t i, n = (e->n + 1) / 2;
		char *bytes = ar_alloc(g->a, n + 1);
		const char *h = e->s;
		int odd = e->n % 2;

		for (i = 0; i < n; i++) {
			int hi, lo;
			char c1 = (i == 0 && odd) ? '0' : h[2 * i - odd];
			char c2 = h[2 * i + 1 - odd];

			hi = isdigit((unsigned char)c1) ? c1 - '0' :
			    tolower((unsigned char)c1) - 'a' + 10;
			lo = isdigit((unsigned char)c2) ? c2 - '0' :
			    tolower((unsigned char)c2) - 'a' + 10;
			bytes[i] = (char)(hi << 4 | lo);
		}
		set_lit(x, ST_VARBINARY);
		x->v.s = bytes;
		x->v.n = n;
		x->ty.len = n == 0 ? 1 : n > 8000 ? LEN_MAX : (int)n;
		return 0;
	}
	default:
		return gerr(g, 102, "Incorrect syntax near '%s'.",
		    e->s ? e->s : "?");
	}
}

/* ---------------------------------------------------------------- */
/* Types */

static void
int_as_dec(const struct sqltype *t, int *p, int *s)
{
	switch (t->t) {
	case ST_BIT: *p = 1; *s = 0; break;
	case ST_TINYINT: *p = 3; *s = 0; break;
	case ST_SMALLINT: *p = 5; *s = 0; break;
	case ST_INT: *p = 10; *s = 0; break;
	case ST_BIGINT: *p = 19; *s = 0; break;
	case ST_MONEY: *p = 19; *s = 4; break;
	default: *p = t->prec; *s = t->scale; break;
	}
}

/* tdsd keeps decimals in 64 bits: derived precisions stop at 18. */
static void
cap_dec(int *p, int *s)
{
	if (*p > 18) {
		/*
		 * As SQL Server does past 38: the integer digits win, but
		 * the scale keeps up to 6 digits (tdsd's cap is 18).
		 */
		int keep = *s < 6 ? *s : 6;
		int ns = 18 - (*p - *s);

		*s = ns > keep ? (ns < *s ? ns : *s) : keep;
		*p = 18;
	}
	if (*s > *p)
		*s = *p;
}

/* The type both sides convert to (data type precedence). */
static void
common_type(const struct sqltype *a, const struct sqltype *b,
    struct sqltype *out)
{
	const struct sqltype *hi;

	if (a->t == ST_NULL) {
		*out = *b;
		return;
	}
	if (b->t == ST_NULL) {
		*out = *a;
		return;
	}
	if (st_is_str(a->t) && st_is_str(b->t)) {
		out->t = st_is_nstr(a->t) || st_is_nstr(b->t) ? ST_NVARCHAR :
		    ST_VARCHAR;
		out->len = a->len == LEN_MAX || b->len == LEN_MAX ? LEN_MAX :
		    a->len > b->len ? a->len : b->len;
		out->prec = out->scale = 0;
		return;
	}
	if (st_is_exact(a->t) && st_is_exact(b->t) &&
	    (st_is_dec(a->t) || st_is_dec(b->t))) {
		int pa, sa, pb, sb, s, ip;

		int_as_dec(a, &pa, &sa);
		int_as_dec(b, &pb, &sb);
		s = sa > sb ? sa : sb;
		ip = pa - sa > pb - sb ? pa - sa : pb - sb;
		out->t = ST_DECIMAL;
		out->prec = ip + s > 38 ? 38 : ip + s;
		out->scale = s;
		out->len = 0;
		return;
	}
	hi = st_prec(a->t) >= st_prec(b->t) ? a : b;
	*out = *hi;
	if (hi->t == ST_DATETIME2 || hi->t == ST_TIME) {
		int sa = a->t == hi->t ? a->scale : 0;
		int sb = b->t == hi->t ? b->scale : 0;

		out->scale = sa > sb ? sa : sb;
		if (out->scale == 0)
			out->scale = 7;
	}
}

static int
same_storage(const struct sqltype *from, const struct sqltype *to)
{
	if (from->t == to->t && !st_is_dec(to->t) && to->t != ST_TIME &&
	    to->t != ST_DATETIME2)
		return 1;
	if (st_is_int(from->t) && st_is_int(to->t) &&
	    st_prec(from->t) <= st_prec(to->t) && to->t != ST_BIT)
		return 1;
	if (st_is_str(from->t) && st_is_str(to->t) &&
	    (st_is_nstr(to->t) || !st_is_nstr(from->t)))
		return 1;
	if ((from->t == ST_DATETIME || from->t == ST_DATETIME2) &&
	    (to->t == ST_DATETIME2 || (to->t == ST_DATETIME &&
	    from->t == ST_DATETIME)) && (to->t == ST_DATETIME ||
	    to->scale >= (from->t == ST_DATETIME ? 3 : from->scale)))
		return 1;
	if (from->t == ST_TIME && to->t == ST_TIME && to->scale >= from->scale)
		return 1;
	return 0;
}

int
gen_coerce(struct gctx *g, struct gx *x, const struct sqltype *to, int expl)
{
	struct sqltype from = x->ty;
	int64_t sf;

	if (x->lit) {
		struct sqlval nv;

		memset(&nv, 0, sizeof(nv));
		if (sqlval_conv(&x->v, to, expl != 0, &nv, g->e) != 0) {
			sqlval_free(&nv);
			if (expl == 2) {	/* TRY_CAST */
				memset(&x->v, 0, sizeof(x->v));
				x->v.null = 1;
				x->v.t = to->t;
				x->ty = *to;
				x->nullable = 1;
				return 0;
			}
			g->abort = 1;
			return -1;
		}
		if (!nv.null && nv.s != NULL && (st_is_str(nv.t) ||
		    st_is_bin(nv.t)))
			nv.s = ar_strndup(g->a, nv.s, nv.n);
		buf_free(&nv.own);
		memset(&nv.own, 0, sizeof(nv.own));
		x->v = nv;
		x->ty = *to;
		return 0;
	}
	if (from.t == ST_NULL) {
		x->ty = *to;
		return 0;
	}
	if (!expl && same_storage(&from, to)) {
		x->ty = *to;
		return 0;
	}
	if (!expl && st_is_exact(from.t) && st_is_dec(to->t)) {
		int pf, sfr;

		int_as_dec(&from, &pf, &sfr);
		if (to->scale >= sfr) {
			sf = pow10i(to->scale - sfr);
			if (sf != 1)
				x->sql = afmt(g, "(%s*%lld)", x->sql,
				    (long long)sf);
			x->ty = *to;
			return 0;
		}
	}
	if (!expl && st_is_exact(from.t) && (to->t == ST_FLOAT ||
	    to->t == ST_REAL)) {
		int pf, sfr;

		int_as_dec(&from, &pf, &sfr);
		x->sql = afmt(g, "(CAST(%s AS REAL)/%lld)", x->sql,
		    (long long)pow10i(sfr));
		x->ty = *to;
		return 0;
	}
	if (!expl && from.t == ST_DATE && (to->t == ST_DATETIME2 ||
	    to->t == ST_DATETIME)) {
		x->sql = afmt(g, "(%s||' 00:00:00.0000000')", x->sql);
		x->ty = *to;
		return 0;
	}
	x->sql = afmt(g, "tdsd_conv(%s,%lld,%lld,%d)", x->sql,
	    (long long)tycode(&from), (long long)tycode(to), expl);
	x->ty = *to;
	return 0;
}

/* ---------------------------------------------------------------- */
/* Names */

static int
src_col(struct src *sr, const char *name, struct ocol *out)
{
	int i;

	if (sr->t != NULL) {
		for (i = 0; i < sr->t->ncols; i++)
			if (ieq(sr->t->cols[i].name, name)) {
				memset(out, 0, sizeof(*out));
				out->name = sr->t->cols[i].name;
				out->ty = sr->t->cols[i].ty;
				out->nullable = sr->t->cols[i].nullable;
				out->base = &sr->t->cols[i];
				out->basetab = sr->t;
				out->sql = NULL;
				return i;
			}
		return -1;
	}
	for (i = 0; i < sr->ndcols; i++)
		if (sr->dcols[i].name[0] != '\0' && ieq(sr->dcols[i].name,
		    name)) {
			*out = sr->dcols[i];
			return i;
		}
	return -1;
}

static int
qual_match(struct src *sr, const struct qname *q)
{
	/* q->part[2] qualifies the column; part[1] may be its schema */
	if (q->part[2] == NULL)
		return 1;
	if (!ieq(sr->name, q->part[2]))
		return 0;
	if (q->part[1] != NULL) {
		if (sr->t == NULL || sr->name != sr->t->name)
			return 0;
		return ieq(sr->t->schema, q->part[1]);
	}
	return 1;
}

static int special_name(struct gctx *g, const char *name, struct gx *x);

static int
resolve_col(struct gctx *g, struct scope *sc, struct expr *e, struct gx *x)
{
	const struct qname *q = &e->q;
	const char *name = q->part[3];
	struct scope *s;
	int qualmatched = 0;

	for (s = sc; s != NULL; s = s->up) {
		int i, found = -1, count = 0, idx = -1, k;
		struct ocol oc, hit;

		memset(&hit, 0, sizeof hit);
		for (i = 0; i < s->n; i++) {
			if (!qual_match(&s->s[i], q))
				continue;
			qualmatched = 1;
			if ((k = src_col(&s->s[i], name, &oc)) >= 0) {
				count++;
				found = i;
				idx = k;
				hit = oc;
			}
		}
		if (count > 1)
			return gerr(g, 209, "Ambiguous column name '%s'.",
			    name);
		if (count == 1) {
			struct src *sr = &s->s[found];

			x->ty = hit.ty;
			x->nullable = hit.nullable || sr->outer;
			x->name = hit.name;
			x->base = hit.base;
			x->basetab = hit.basetab;
			if (sr->t != NULL) {
				struct buf b = BUF_INIT;

				if (sr->sqlal != NULL) {
					buf_adds(&b, sr->sqlal);
					buf_addc(&b, '.');
				}
				sqlq(&b, hit.name);
				x->sql = ar_strndup(g->a, b.s, b.len);
				buf_free(&b);
			} else
				x->sql = afmt(g, "%s.c%d", sr->sqlal, idx);
			return 0;
		}
	}
	if (q->part[2] == NULL && special_name(g, name, x) == 0)
		return 0;
	if (q->part[2] != NULL && !qualmatched)
		return gerr(g, 4104,
		    "The multi-part identifier \"%s\" could not be bound.",
		    qname_text(g, q));
	return gerr(g, 207, "Invalid column name '%s'.", name);
}

/* ---------------------------------------------------------------- */
/* Expressions */

static int gen_sub(struct gctx *g, struct select *sel, struct scope *up,
    struct csel *out);

static const char *
cmp_sql(int op)
{
	switch (op) {
	case '=': return "=";
	case '<': return "<";
	case '>': return ">";
	case OP_NE: return "<>";
	case OP_LE: return "<=";
	case OP_GE: return ">=";
	default: return "=";
	}
}

static const char *
collate(struct gctx *g, struct gx *x)
{
	const char *s = gen_sql(g, x);

	if (st_is_str(x->ty.t))
		return afmt(g, "%s COLLATE tds", s);
	return s;
}

static int
need_value(struct gctx *g, struct gx *x)
{
	if (x->pred)
		return gerr(g, 4145, "An expression of non-boolean type specified in a context where a condition is expected.");
	return 0;
}

static int
dec_result(int op, const struct sqltype *a, const struct sqltype *b,
    struct sqltype *r)
{
	int p1, s1, p2, s2, p, s;

	int_as_dec(a, &p1, &s1);
	int_as_dec(b, &p2, &s2);
	switch (op) {
	case '+': case '-':
		s = s1 > s2 ? s1 : s2;
		p = (p1 - s1 > p2 - s2 ? p1 - s1 : p2 - s2) + s + 1;
		break;
	case '*':
		p = p1 + p2 + 1;
		s = s1 + s2;
		break;
	case '/':
		s = 6 > s1 + p2 + 1 ? 6 : s1 + p2 + 1;
		p = p1 - s1 + s2 + s;
		break;
	case '%':
		s = s1 > s2 ? s1 : s2;
		p = (p1 - s1 < p2 - s2 ? p1 - s1 : p2 - s2) + s;
		break;
	default:
		return -1;
	}
	if (p > 38) {
		s = s - (p - 38) < 6 ? (s < 6 ? s : 6) : s - (p - 38);
		p = 38;
	}
	cap_dec(&p, &s);
	r->t = ST_DECIMAL;
	r->prec = p;
	r->scale = s;
	r->len = 0;
	return 0;
}

static int
arith(struct gctx *g, struct expr *e, struct gx *a, struct gx *b,
    struct gx *x)
{
	int op = e->op;
	struct sqltype rt;

	memset(&rt, 0, sizeof(rt));
	if (a->ty.t == ST_NULL && b->ty.t == ST_NULL)
		a->ty.t = b->ty.t = ST_INT;
	if (a->ty.t == ST_NULL)
		a->ty = b->ty;
	if (b->ty.t == ST_NULL)
		b->ty = a->ty;
	/* string concatenation */
	if (op == '+' && st_is_str(a->ty.t) && st_is_str(b->ty.t)) {
		common_type(&a->ty, &b->ty, &rt);
		rt.len = a->ty.len == LEN_MAX || b->ty.len == LEN_MAX ||
		    a->ty.len + b->ty.len > (st_is_nstr(rt.t) ? 4000 : 8000) ?
		    LEN_MAX : a->ty.len + b->ty.len;
		if (gen_coerce(g, a, &rt, 0) != 0 || gen_coerce(g, b, &rt, 0))
			return -1;
		x->ty = rt;
		x->nullable = a->nullable || b->nullable;
		if (a->lit && b->lit && !a->v.null && !b->v.null) {
			char *s = ar_alloc(g->a, a->v.n + b->v.n + 1);

			memcpy(s, a->v.s, a->v.n);
			memcpy(s + a->v.n, b->v.s, b->v.n);
			set_lit(x, rt.t);
			x->v.s = s;
			x->v.n = a->v.n + b->v.n;
			return 0;
		}
		x->sql = afmt(g, "(%s||%s)", gen_sql(g, a), gen_sql(g, b));
		return 0;
	}
	/* text with a number: the text converts (data type precedence) */
	if (st_is_str(a->ty.t) && !st_is_str(b->ty.t)) {
		struct sqltype t = b->ty;

		if (gen_coerce(g, a, &t, 0) != 0)
			return -1;
	} else if (st_is_str(b->ty.t) && !st_is_str(a->ty.t)) {
		struct sqltype t = a->ty;

		if (gen_coerce(g, b, &t, 0) != 0)
			return -1;
	}
	if (!(st_is_exact(a->ty.t) || a->ty.t == ST_FLOAT ||
	    a->ty.t == ST_REAL) || !(st_is_exact(b->ty.t) ||
	    b->ty.t == ST_FLOAT || b->ty.t == ST_REAL))
		return gerr(g, 8117,
		    "Operand data type %s is invalid for %s operator.",
		    st_name(st_is_exact(a->ty.t) || a->ty.t == ST_FLOAT ?
		    b->ty.t : a->ty.t), op == '+' ? "add" : op == '-' ?
		    "subtract" : op == '*' ? "multiply" : op == '/' ? "divide" :
		    "modulo");
	if (a->ty.t == ST_FLOAT || b->ty.t == ST_FLOAT || a->ty.t == ST_REAL ||
	    b->ty.t == ST_REAL) {
		rt.t = ST_FLOAT;
		if (op == '%' || op == '&' || op == '|' || op == '^')
			return gerr(g, 8117,
			    "Operand data type float is invalid for modulo operator.");
	} else if (st_is_dec(a->ty.t) || st_is_dec(b->ty.t)) {
		if (op == '&' || op == '|' || op == '^')
			return gerr(g, 402,
			    "The data types numeric and numeric are incompatible in the bitwise operator.");
		if (dec_result(op, &a->ty, &b->ty, &rt) != 0)
			return gerr(g, 102, "Incorrect syntax.");
	} else {
		rt.t = st_prec(a->ty.t) >= st_prec(b->ty.t) ? a->ty.t : b->ty.t;
		if (rt.t == ST_BIT || rt.t == ST_TINYINT ||
		    rt.t == ST_SMALLINT)
			rt.t = ST_INT;
	}
	x->ty = rt;
	x->nullable = a->nullable || b->nullable;
	if (a->lit && b->lit) {
		struct sqlval r;

		if (val_arith(op, &a->v, &b->v, &rt, &r, g->e) != 0) {
			g->abort = 0;
			return -1;
		}
		set_lit(x, rt.t);
		x->v = r;
		if (r.null)
			x->v.null = 1;
		return 0;
	}
	x->sql = afmt(g, "tdsd_arith(%d,%s,%s,%lld,%lld,%lld)", op,
	    gen_sql(g, a), gen_sql(g, b), (long long)tycode(&a->ty),
	    (long long)tycode(&b->ty), (long long)tycode(&rt));
	return 0;
}

static const char *
sysvar_name(const char *s)
{
	return s;
}

static void
lit_text(struct gctx *g, struct gx *x, enum st t, const char *s)
{
	set_lit(x, t);
	x->v.s = ar_strndup(g->a, s, strlen(s));
	x->v.n = strlen(s);
	x->ty.len = x->v.n == 0 ? 1 : (int)(st_is_nstr(t) ?
	    utf8_units16(s, x->v.n) : utf8_chars(s, x->v.n));
}

static void
lit_int(struct gx *x, enum st t, int64_t v)
{
	set_lit(x, t);
	x->v.i = v;
}

static void
lit_null(struct gx *x, enum st t)
{
	set_lit(x, t);
	x->v.null = 1;
	x->nullable = 1;
}

static int
sysvar(struct gctx *g, const char *name, struct gx *x)
{
	struct sess *s = g->s;

	name = sysvar_name(name);
	if (ieq(name, "VERSION")) {
		lit_text(g, x, ST_NVARCHAR,
		    "Microsoft SQL Server 2022 (RTM) - 16.0.1000.6 (X64)\n"
		    "\ttdsd, the claimkit TDS test server backed by SQLite "
		    SQLITE_VERSION "\n");
		x->ty.len = 300;
	} else if (ieq(name, "SPID"))
		lit_int(x, ST_SMALLINT, s->spid);
	else if (ieq(name, "TRANCOUNT"))
		lit_int(x, ST_INT, s->trancount);
	else if (ieq(name, "ROWCOUNT"))
		lit_int(x, ST_INT, s->rowcount);
	else if (ieq(name, "ERROR"))
		lit_int(x, ST_INT, s->lasterror);
	else if (ieq(name, "IDENTITY")) {
		if (!s->has_identity)
			lit_null(x, ST_DECIMAL);
		else
			lit_int(x, ST_DECIMAL, s->identity);
		x->ty.prec = 38;
	} else if (ieq(name, "SERVERNAME"))
		lit_text(g, x, ST_NVARCHAR, "tdsd");
	else if (ieq(name, "SERVICENAME"))
		lit_text(g, x, ST_NVARCHAR, "MSSQLSERVER");
	else if (ieq(name, "LANGUAGE"))
		lit_text(g, x, ST_NVARCHAR, "us_english");
	else if (ieq(name, "MAX_PRECISION"))
		lit_int(x, ST_TINYINT, 38);
	else if (ieq(name, "DATEFIRST"))
		lit_int(x, ST_TINYINT, 7);
	else if (ieq(name, "LOCK_TIMEOUT"))
		lit_int(x, ST_INT, -1);
	else if (ieq(name, "TEXTSIZE"))
		lit_int(x, ST_INT, s->textsize);
	else if (ieq(name, "OPTIONS"))
		lit_int(x, ST_INT, 5496);
	else if (ieq(name, "NESTLEVEL"))
		lit_int(x, ST_INT, 0);
	else if (ieq(name, "MICROSOFTVERSION"))
		lit_int(x, ST_INT, 0x10000000 | 1000);
	else
		return gerr(g, 137, "Must declare the scalar variable \"@@%s\".",
		    name);
	return 0;
}

static int
special_name(struct gctx *g, const char *name, struct gx *x)
{
	struct sess *s = g->s;

	if (ieq(name, "CURRENT_TIMESTAMP")) {
		x->ty.t = ST_DATETIME;
		x->ty.scale = 3;
		x->sql = "strftime('%Y-%m-%d %H:%M:%f0000','now')";
		return 0;
	}
	if (ieq(name, "CURRENT_USER") || ieq(name, "SESSION_USER") ||
	    ieq(name, "USER")) {
		lit_text(g, x, ST_NVARCHAR, "dbo");
		x->ty.len = 128;
		return 0;
	}
	if (ieq(name, "SYSTEM_USER")) {
		lit_text(g, x, ST_NVARCHAR, s->user ? s->user : "");
		x->ty.len = 128;
		return 0;
	}
	return -1;
}

static int
need_args(struct gctx *g, struct expr *e, int min, int max)
{
	if (e->na < min || e->na > max)
		return gerr(g, 174,
		    "The %s function requires %d argument(s).", e->s, min);
	return 0;
}

static int
gen_args(struct gctx *g, struct scope *sc, struct expr *e, struct gx *ax)
{
	int i;

	for (i = 0; i < e->na; i++) {
		gx_init(&ax[i]);
		if (e->a[i]->k == E_STAR)
			return gerr(g, 102, "Incorrect syntax near '*'.");
		if (gen_expr(g, sc, e->a[i], &ax[i]) != 0 ||
		    need_value(g, &ax[i]) != 0)
			return -1;
	}
	return 0;
}

static int
to_text(struct gctx *g, struct gx *x)
{
	struct sqltype t = { ST_NVARCHAR, 4000, 0, 0 };

	if (st_is_str(x->ty.t))
		return 0;
	if (x->ty.t == ST_NULL) {
		x->ty.t = ST_VARCHAR;
		x->ty.len = 1;
		return 0;
	}
	t.t = ST_VARCHAR;
	t.len = 30;
	return gen_coerce(g, x, &t, 1);
}

static int
datepart_code(struct gctx *g, struct expr *e)
{
	const char *p;

	if (e->k != E_COL || e->q.part[2] != NULL)
		return gerr(g, 155, "'%s' is not a recognized datepart option.",
		    e->s ? e->s : "?");
	p = e->q.part[3];
	if (ieq(p, "year") || ieq(p, "yy") || ieq(p, "yyyy"))
		return 'y';
	if (ieq(p, "quarter") || ieq(p, "qq") || ieq(p, "q"))
		return 'q';
	if (ieq(p, "month") || ieq(p, "mm") || ieq(p, "m"))
		return 'm';
	if (ieq(p, "dayofyear") || ieq(p, "dy") || ieq(p, "y"))
		return 'j';
	if (ieq(p, "day") || ieq(p, "dd") || ieq(p, "d"))
		return 'd';
	if (ieq(p, "week") || ieq(p, "wk") || ieq(p, "ww"))
		return 'w';
	if (ieq(p, "weekday") || ieq(p, "dw"))
		return 'W';
	if (ieq(p, "hour") || ieq(p, "hh"))
		return 'h';
	if (ieq(p, "minute") || ieq(p, "mi") || ieq(p, "n"))
		return 'n';
	if (ieq(p, "second") || ieq(p, "ss") || ieq(p, "s"))
		return 's';
	return gerr(g, 155, "'%s' is not a recognized datepart option.", p);
}

static int
as_datetime(struct gctx *g, struct gx *x)
{
	struct sqltype t = { ST_DATETIME, 0, 0, 3 };

	if (st_is_time(x->ty.t))
		return 0;
	return gen_coerce(g, x, &t, 0);
}

/* Look up an object by the name in a string literal (OBJECT_ID). */
static int64_t
object_id_of(struct gctx *g, const char *text, const char *type)
{
	struct arena a = { NULL };
	struct stmt **list;
	int n;
	struct tderr e;
	char *sql;
	size_t len = strlen(text) + 32;
	int64_t id = 0;

	sql = xmalloc(len);
	snprintf(sql, len, "DROP TABLE %s", text);
	if (sql_parse(&a, sql, strlen(sql), &list, &n, &e) == 0 && n == 1) {
		struct table *t = cat_find(g->s, &list[0]->table);

		if (t != NULL && (type == NULL || ieq(type, "U")))
			id = t->id;
		else if (t == NULL) {
			sqlite3_stmt *st;
			const char *name = list[0]->table.part[3];

			if (sqlite3_prepare_v2(g->s->db, "SELECT object_id FROM"
			    " tdsd_objects WHERE name = ?1 AND (?2 IS NULL OR"
			    " type = ?2)", -1, &st, NULL) == SQLITE_OK) {
				sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
				if (type != NULL)
					sqlite3_bind_text(st, 2, type, -1,
					    SQLITE_STATIC);
				if (sqlite3_step(st) == SQLITE_ROW)
					id = sqlite3_column_int64(st, 0);
				sqlite3_finalize(st);
			}
		}
	}
	free(sql);
	ar_free(&a);
	return id;
}

static const char *
lit_str_arg(struct gx *x)
{
	if (!x->lit || x->v.null || !st_is_str(x->v.t))
		return NULL;
	return x->v.s;
}

static int
func(struct gctx *g, struct scope *sc, struct expr *e, struct gx *x)
{
	const char *f = e->s;
	struct gx ax[8];
	struct sess *s = g->s;
	int i;

	if (e->na > 8)
		return gerr(g, 174, "The %s function requires fewer arguments.",
		    f);
	/* aggregates */
	if (ieq(f, "COUNT") || ieq(f, "COUNT_BIG")) {
		if (need_args(g, e, 1, 1) != 0)
			return -1;
		x->ty.t = ieq(f, "COUNT") ? ST_INT : ST_BIGINT;
		x->agg = 1;
		if (e->a[0]->k == E_STAR) {
			x->sql = "count(*)";
			return 0;
		}
		if (gen_args(g, sc, e, ax) != 0)
			return -1;
		x->sql = afmt(g, "count(%s%s)", e->distinct ? "DISTINCT " : "",
		    collate(g, &ax[0]));
		return 0;
	}
	if (ieq(f, "SUM") || ieq(f, "AVG") || ieq(f, "MIN") || ieq(f, "MAX")) {
		int sum = ieq(f, "SUM"), avg = ieq(f, "AVG");
		const char *d = e->distinct ? "DISTINCT " : "";

		if (need_args(g, e, 1, 1) != 0 || gen_args(g, sc, e, ax) != 0)
			return -1;
		x->agg = 1;
		x->nullable = 1;
		x->ty = ax[0].ty;
		if (sum || avg) {
			if (!st_is_exact(ax[0].ty.t) && ax[0].ty.t != ST_FLOAT &&
			    ax[0].ty.t != ST_REAL)
				return gerr(g, 8117,
				    "Operand data type %s is invalid for %s operator.",
				    st_name(ax[0].ty.t), sum ? "sum" : "avg");
			if (ax[0].ty.t == ST_BIT)
				return gerr(g, 8117,
				    "Operand data type bit is invalid for %s operator.",
				    sum ? "sum" : "avg");
		}
		if (sum) {
			if (st_is_int(ax[0].ty.t))
				x->ty.t = ax[0].ty.t == ST_BIGINT ? ST_BIGINT :
				    ST_INT;
			else if (st_is_dec(ax[0].ty.t)) {
				x->ty.t = ST_DECIMAL;
				x->ty.prec = 38;
			} else
				x->ty.t = ST_FLOAT;
			x->sql = afmt(g, "sum(%s%s)", d, gen_sql(g, &ax[0]));
			return 0;
		}
		if (avg) {
			if (st_is_int(ax[0].ty.t)) {
				x->ty.t = ax[0].ty.t == ST_BIGINT ? ST_BIGINT :
				    ST_INT;
				x->sql = afmt(g, "(sum(%s%s)/count(%s%s))", d,
				    gen_sql(g, &ax[0]), d, gen_sql(g, &ax[0]));
			} else if (st_is_dec(ax[0].ty.t)) {
				int sc0 = ax[0].ty.scale, ns = sc0 > 6 ? sc0 : 6;

				x->ty.t = ST_DECIMAL;
				x->ty.prec = 38;
				x->ty.scale = ns;
				x->sql = afmt(g,
				    "CAST(round(avg(%s%s)*%lld) AS INTEGER)", d,
				    gen_sql(g, &ax[0]),
				    (long long)pow10i(ns - sc0));
			} else {
				x->ty.t = ST_FLOAT;
				x->sql = afmt(g, "avg(%s%s)", d,
				    gen_sql(g, &ax[0]));
			}
			return 0;
		}
		x->sql = afmt(g, "%s(%s%s)", ieq(f, "MIN") ? "min" : "max", d,
		    collate(g, &ax[0]));
		return 0;
	}
	if (ieq(f, "GETDATE") || ieq(f, "GETUTCDATE") ||
	    ieq(f, "SYSDATETIME") || ieq(f, "SYSUTCDATETIME")) {
		if (need_args(g, e, 0, 0) != 0)
			return -1;
		x->ty.t = ieq(f, "GETDATE") || ieq(f, "GETUTCDATE") ?
		    ST_DATETIME : ST_DATETIME2;
		x->ty.scale = x->ty.t == ST_DATETIME ? 3 : 7;
		x->sql = "strftime('%Y-%m-%d %H:%M:%f0000','now')";
		return 0;
	}
	if (ieq(f, "SCOPE_IDENTITY")) {
		if (!s->has_identity)
			lit_null(x, ST_DECIMAL);
		else
			lit_int(x, ST_DECIMAL, s->identity);
		x->ty.prec = 38;
		return 0;
	}
	if (ieq(f, "DB_NAME")) {
		lit_text(g, x, ST_NVARCHAR, s->database ? s->database : "");
		x->ty.len = 128;
		return 0;
	}
	if (ieq(f, "DB_ID")) {
		lit_int(x, ST_SMALLINT, 5);
		return 0;
	}
	if (ieq(f, "SUSER_SNAME") || ieq(f, "SUSER_NAME") ||
	    ieq(f, "ORIGINAL_LOGIN")) {
		lit_text(g, x, ST_NVARCHAR, s->user ? s->user : "");
		x->ty.len = 128;
		return 0;
	}
	if ((ieq(f, "USER_NAME") || ieq(f, "SCHEMA_NAME")) && e->na == 0) {
		lit_text(g, x, ST_NVARCHAR, "dbo");
		x->ty.len = 128;
		return 0;
	}
	if (ieq(f, "APP_NAME")) {
		lit_text(g, x, ST_NVARCHAR, s->app ? s->app : "");
		x->ty.len = 128;
		return 0;
	}
	if (ieq(f, "HOST_NAME")) {
		lit_text(g, x, ST_NVARCHAR, "tdsd-client");
		x->ty.len = 128;
		return 0;
	}
	if (ieq(f, "XACT_STATE")) {
		lit_int(x, ST_SMALLINT, s->trancount > 0 ? 1 : 0);
		return 0;
	}
	if (gen_args(g, sc, e, ax) != 0)
		return -1;
	if (ieq(f, "SERVERPROPERTY")) {
		const char *p;

		if (need_args(g, e, 1, 1) != 0)
			return -1;
		p = lit_str_arg(&ax[0]);
		if (p == NULL)
			lit_null(x, ST_NVARCHAR);
		else if (ieq(p, "ProductVersion"))
			lit_text(g, x, ST_NVARCHAR, "16.0.1000.6");
		else if (ieq(p, "ProductLevel"))
			lit_text(g, x, ST_NVARCHAR, "RTM");
		else if (ieq(p, "Edition"))
			lit_text(g, x, ST_NVARCHAR, "Developer Edition (64-bit)");
		else if (ieq(p, "EngineEdition"))
			lit_text(g, x, ST_NVARCHAR, "3");
		else if (ieq(p, "ServerName") || ieq(p, "MachineName"))
			lit_text(g, x, ST_NVARCHAR, "tdsd");
		else if (ieq(p, "Collation"))
			lit_text(g, x, ST_NVARCHAR,
			    "SQL_Latin1_General_CP1_CI_AS");
		else
			lit_null(x, ST_NVARCHAR);
		x->ty.len = 128;
		return 0;
	}
	if (ieq(f, "OBJECT_ID")) {
		const char *name, *type = NULL;
		int64_t id;

		if (need_args(g, e, 1, 2) != 0)
			return -1;
		if ((name = lit_str_arg(&ax[0])) == NULL)
			return gerr(g, 50000,
			    "tdsd: OBJECT_ID takes a string literal");
		if (e->na == 2)
			type = lit_str_arg(&ax[1]);
		if (type != NULL) {
			char *t = ar_strndup(g->a, type, strlen(type));
			size_t k = strlen(t);

			while (k > 0 && t[k - 1] == ' ')
				t[--k] = '\0';
			type = t;
		}
		id = object_id_of(g, name, type);
		if (id == 0)
			lit_null(x, ST_INT);
		else
			lit_int(x, ST_INT, id);
		return 0;
	}
	if (ieq(f, "SCHEMA_ID")) {
		const char *name;
		sqlite3_stmt *st;

		if (need_args(g, e, 0, 1) != 0)
			return -1;
		name = e->na ? lit_str_arg(&ax[0]) : "dbo";
		lit_null(x, ST_INT);
		if (name != NULL && sqlite3_prepare_v2(s->db, "SELECT schema_id"
		    " FROM tdsd_schemas WHERE name = ?1", -1, &st,
		    NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW)
				lit_int(x, ST_INT, sqlite3_column_int64(st, 0));
			sqlite3_finalize(st);
		}
		return 0;
	}
	if (ieq(f, "OBJECT_NAME") || ieq(f, "SCHEMA_NAME")) {
		sqlite3_stmt *st;
		int obj = ieq(f, "OBJECT_NAME");

		if (need_args(g, e, 1, 2) != 0)
			return -1;
		lit_null(x, ST_NVARCHAR);
		x->ty.len = 128;
		if (!ax[0].lit || ax[0].v.null || !st_is_int(ax[0].v.t))
			return obj ? gerr(g, 50000,
			    "tdsd: OBJECT_NAME takes an integer literal") : 0;
		if (sqlite3_prepare_v2(s->db, obj ? "SELECT name FROM"
		    " tdsd_objects WHERE object_id = ?1" : "SELECT name FROM"
		    " tdsd_schemas WHERE schema_id = ?1", -1, &st,
		    NULL) == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, ax[0].v.i);
			if (sqlite3_step(st) == SQLITE_ROW) {
				lit_text(g, x, ST_NVARCHAR,
				    (const char *)sqlite3_column_text(st, 0));
				x->ty.len = 128;
			}
			sqlite3_finalize(st);
		}
		return 0;
	}
	if (ieq(f, "COL_LENGTH")) {
		const char *tn, *cn;
		struct arena a = { NULL };
		struct stmt **list;
		int n, k;
		struct tderr e2;
		char sql[600];

		if (need_args(g, e, 2, 2) != 0)
			return -1;
		tn = lit_str_arg(&ax[0]);
		cn = lit_str_arg(&ax[1]);
		lit_null(x, ST_SMALLINT);
		if (tn == NULL || cn == NULL)
			return gerr(g, 50000,
			    "tdsd: COL_LENGTH takes string literals");
		snprintf(sql, sizeof(sql), "DROP TABLE %s", tn);
		if (sql_parse(&a, sql, strlen(sql), &list, &n, &e2) == 0 &&
		    n == 1) {
			struct table *t = cat_find(s, &list[0]->table);

			if (t != NULL && (k = cat_colidx(t, cn)) >= 0) {
				struct sqltype *ty = &t->cols[k].ty;
				int len = ty->len == LEN_MAX ? -1 :
				    st_is_nstr(ty->t) ? ty->len * 2 :
				    st_is_str(ty->t) || st_is_bin(ty->t) ?
				    ty->len : ty->t == ST_BIGINT ||
				    ty->t == ST_FLOAT ? 8 : ty->t == ST_INT ?
				    4 : 9;

				lit_int(x, ST_SMALLINT, len);
			}
		}
		ar_free(&a);
		return 0;
	}
	if (ieq(f, "IDENT_CURRENT")) {
		const char *tn;

		if (need_args(g, e, 1, 1) != 0)
			return -1;
		lit_null(x, ST_DECIMAL);
		x->ty.prec = 38;
		if ((tn = lit_str_arg(&ax[0])) != NULL) {
			int64_t id = object_id_of(g, tn, "U");
			sqlite3_stmt *st;

			if (id != 0 && sqlite3_prepare_v2(s->db, "SELECT"
			    " ident_cur FROM tdsd_objects WHERE object_id = ?1"
			    " AND ident_inc IS NOT NULL", -1, &st,
			    NULL) == SQLITE_OK) {
				sqlite3_bind_int64(st, 1, id);
				if (sqlite3_step(st) == SQLITE_ROW &&
				    sqlite3_column_type(st, 0) != SQLITE_NULL)
					lit_int(x, ST_DECIMAL,
					    sqlite3_column_int64(st, 0));
				sqlite3_finalize(st);
			}
			x->ty.prec = 38;
		}
		return 0;
	}
	if (ieq(f, "ISNULL")) {
		struct sqltype t;

		if (need_args(g, e, 2, 2) != 0)
			return -1;
		t = ax[0].ty.t == ST_NULL ? ax[1].ty : ax[0].ty;
		if (gen_coerce(g, &ax[0], &t, 0) != 0 ||
		    gen_coerce(g, &ax[1], &t, 0) != 0)
			return -1;
		x->ty = t;
		x->nullable = ax[0].nullable && ax[1].nullable;
		x->agg = ax[0].agg || ax[1].agg;
		x->sql = afmt(g, "ifnull(%s,%s)", gen_sql(g, &ax[0]),
		    gen_sql(g, &ax[1]));
		return 0;
	}
	if (ieq(f, "COALESCE")) {
		struct sqltype t = ax[0].ty;
		struct buf b = BUF_INIT;

		if (need_args(g, e, 2, 8) != 0)
			return -1;
		for (i = 1; i < e->na; i++)
			common_type(&t, &ax[i].ty, &t);
		buf_adds(&b, "coalesce(");
		x->nullable = 1;
		for (i = 0; i < e->na; i++) {
			if (gen_coerce(g, &ax[i], &t, 0) != 0) {
				buf_free(&b);
				return -1;
			}
			if (!ax[i].nullable)
				x->nullable = 0;
			x->agg |= ax[i].agg;
			buf_printf(&b, "%s%s", i ? "," : "", gen_sql(g, &ax[i]));
		}
		buf_addc(&b, ')');
		x->ty = t;
		x->sql = ar_strndup(g->a, b.s, b.len);
		buf_free(&b);
		return 0;
	}
	if (ieq(f, "NULLIF")) {
		struct sqltype t;

		if (need_args(g, e, 2, 2) != 0)
			return -1;
		common_type(&ax[0].ty, &ax[1].ty, &t);
		if (gen_coerce(g, &ax[1], &t, 0) != 0)
			return -1;
		x->ty = ax[0].ty;
		x->nullable = 1;
		x->sql = afmt(g, "nullif(%s,%s)", collate(g, &ax[0]),
		    gen_sql(g, &ax[1]));
		return 0;
	}
	if (ieq(f, "IIF"))
		return gerr(g, 50000, "tdsd: IIF is not supported; use CASE");
	if (ieq(f, "LEN")) {
		if (need_args(g, e, 1, 1) != 0 || to_text(g, &ax[0]) != 0)
			return -1;
		x->ty.t = ST_INT;
		x->nullable = ax[0].nullable;
		x->sql = afmt(g, "tdsd_len(%s)", gen_sql(g, &ax[0]));
		return 0;
	}
	if (ieq(f, "DATALENGTH")) {
		if (need_args(g, e, 1, 1) != 0)
			return -1;
		x->ty.t = ST_INT;
		x->nullable = ax[0].nullable;
		x->sql = afmt(g, "tdsd_datalength(%s,%lld)", gen_sql(g, &ax[0]),
		    (long long)tycode(&ax[0].ty));
		return 0;
	}
	if (ieq(f, "UPPER") || ieq(f, "LOWER") || ieq(f, "LTRIM") ||
	    ieq(f, "RTRIM") || ieq(f, "TRIM")) {
		if (need_args(g, e, 1, 1) != 0 || to_text(g, &ax[0]) != 0)
			return -1;
		x->ty = ax[0].ty;
		x->nullable = ax[0].nullable;
		x->sql = afmt(g, "%s(%s)", ieq(f, "UPPER") ? "upper" :
		    ieq(f, "LOWER") ? "lower" : ieq(f, "LTRIM") ? "ltrim" :
		    ieq(f, "RTRIM") ? "rtrim" : "trim", gen_sql(g, &ax[0]));
		return 0;
	}
	if (ieq(f, "SUBSTRING") || ieq(f, "LEFT") || ieq(f, "RIGHT")) {
		struct sqltype it = { ST_BIGINT, 0, 0, 0 };
		int sub = ieq(f, "SUBSTRING");

		if (need_args(g, e, sub ? 3 : 2, sub ? 3 : 2) != 0 ||
		    to_text(g, &ax[0]) != 0)
			return -1;
		for (i = 1; i < e->na; i++)
			if (gen_coerce(g, &ax[i], &it, 0) != 0)
				return -1;
		x->ty = ax[0].ty;
		x->nullable = 1;
		if (sub)
			x->sql = afmt(g, "substr(%s,%s,%s)", gen_sql(g, &ax[0]),
			    gen_sql(g, &ax[1]), gen_sql(g, &ax[2]));
		else if (ieq(f, "LEFT"))
			x->sql = afmt(g, "substr(%s,1,%s)", gen_sql(g, &ax[0]),
			    gen_sql(g, &ax[1]));
		else
			x->sql = afmt(g, "CASE WHEN %s<=0 THEN '' ELSE"
			    " substr(%s,-(%s)) END", gen_sql(g, &ax[1]),
			    gen_sql(g, &ax[0]), gen_sql(g, &ax[1]));
		return 0;
	}
	if (ieq(f, "REPLACE")) {
		if (need_args(g, e, 3, 3) != 0)
			return -1;
		for (i = 0; i < 3; i++)
			if (to_text(g, &ax[i]) != 0)
				return -1;
		x->ty = ax[0].ty;
		x->ty.len = LEN_MAX;
		if (!st_is_nstr(x->ty.t) && (st_is_nstr(ax[1].ty.t) ||
		    st_is_nstr(ax[2].ty.t)))
			x->ty.t = ST_NVARCHAR;
		x->nullable = 1;
		x->sql = afmt(g, "replace(%s,%s,%s)", gen_sql(g, &ax[0]),
		    gen_sql(g, &ax[1]), gen_sql(g, &ax[2]));
		return 0;
	}
	if (ieq(f, "CHARINDEX")) {
		if (need_args(g, e, 2, 2) != 0 || to_text(g, &ax[0]) != 0 ||
		    to_text(g, &ax[1]) != 0)
			return -1;
		x->ty.t = ST_INT;
		x->nullable = ax[0].nullable || ax[1].nullable;
		x->sql = afmt(g, "instr(lower(%s),lower(%s))", gen_sql(g,
		    &ax[1]), gen_sql(g, &ax[0]));
		return 0;
	}
	if (ieq(f, "CONCAT")) {
		struct buf b = BUF_INIT;
		int n = 0, nstr = 0, max = 0;

		if (need_args(g, e, 2, 8) != 0)
			return -1;
		for (i = 0; i < e->na; i++) {
			if (to_text(g, &ax[i]) != 0) {
				buf_free(&b);
				return -1;
			}
			if (st_is_nstr(ax[i].ty.t))
				nstr = 1;
			if (ax[i].ty.len == LEN_MAX)
				max = 1;
			else
				n += ax[i].ty.len;
			buf_printf(&b, "%sifnull(%s,'')", i ? "||" : "(",
			    gen_sql(g, &ax[i]));
		}
		buf_addc(&b, ')');
		x->ty.t = nstr ? ST_NVARCHAR : ST_VARCHAR;
		x->ty.len = max || n > (nstr ? 4000 : 8000) ? LEN_MAX : n;
		x->sql = ar_strndup(g->a, b.s, b.len);
		buf_free(&b);
		return 0;
	}
	if (ieq(f, "UNICODE")) {
		if (need_args(g, e, 1, 1) != 0 || to_text(g, &ax[0]) != 0)
			return -1;
		x->ty.t = ST_INT;
		x->nullable = 1;
		/* the first UTF-16 code unit (no _SC collation) */
		x->sql = afmt(g, "(SELECT CASE WHEN u >= 65536 THEN 55296 +"
		    " ((u - 65536) >> 10) ELSE u END FROM (SELECT unicode(%s)"
		    " AS u))", gen_sql(g, &ax[0]));
		return 0;
	}
	if (ieq(f, "NCHAR")) {
		struct sqltype it = { ST_INT, 0, 0, 0 };

		if (need_args(g, e, 1, 1) != 0 ||
		    gen_coerce(g, &ax[0], &it, 0) != 0)
			return -1;
		x->ty.t = ST_NVARCHAR;
		x->ty.len = 1;
		x->nullable = 1;
		x->sql = afmt(g, "CASE WHEN %s BETWEEN 0 AND 65535 THEN"
		    " char(%s) END", gen_sql(g, &ax[0]), gen_sql(g, &ax[0]));
		return 0;
	}
	if (ieq(f, "ABS")) {
		if (need_args(g, e, 1, 1) != 0)
			return -1;
		x->ty = ax[0].ty;
		x->nullable = ax[0].nullable;
		x->sql = afmt(g, "abs(%s)", gen_sql(g, &ax[0]));
		return 0;
	}
	if (ieq(f, "ISNUMERIC")) {
		if (need_args(g, e, 1, 1) != 0)
			return -1;
		x->ty.t = ST_INT;
		x->sql = afmt(g, "tdsd_isnumeric(%s)", gen_sql(g, &ax[0]));
		return 0;
	}
	if (ieq(f, "YEAR") || ieq(f, "MONTH") || ieq(f, "DAY")) {
		if (need_args(g, e, 1, 1) != 0 || as_datetime(g, &ax[0]) != 0)
			return -1;
		x->ty.t = ST_INT;
		x->nullable = ax[0].nullable;
		x->sql = afmt(g, "tdsd_dtpart(%d,%s,%lld)", ieq(f, "YEAR") ?
		    'y' : ieq(f, "MONTH") ? 'm' : 'd', gen_sql(g, &ax[0]),
		    (long long)tycode(&ax[0].ty));
		return 0;
	}
	return gerr(g, 195, "'%s' is not a recognized built-in function name.",
	    f);
}

/* DATEPART/DATEADD/DATEDIFF: the first argument is a keyword */
static int
datefunc(struct gctx *g, struct scope *sc, struct expr *e, struct gx *x)
{
	struct gx a, b;
	int part;
	struct sqltype it = { ST_BIGINT, 0, 0, 0 };

	if ((part = datepart_code(g, e->a[0])) < 0)
		return -1;
	gx_init(&a);
	gx_init(&b);
	if (ieq(e->s, "DATEPART")) {
		if (e->na != 2)
			return need_args(g, e, 2, 2);
		if (gen_expr(g, sc, e->a[1], &a) != 0 || as_datetime(g, &a) != 0)
			return -1;
		x->ty.t = ST_INT;
		x->nullable = a.nullable;
		x->sql = afmt(g, "tdsd_dtpart(%d,%s,%lld)", part == 'W' ? 'w' :
		    part, gen_sql(g, &a), (long long)tycode(&a.ty));
		return 0;
	}
	if (e->na != 3)
		return need_args(g, e, 3, 3);
	if (ieq(e->s, "DATEADD")) {
		if (gen_expr(g, sc, e->a[1], &a) != 0 ||
		    gen_coerce(g, &a, &it, 0) != 0 ||
		    gen_expr(g, sc, e->a[2], &b) != 0 || as_datetime(g, &b) != 0)
			return -1;
		x->ty = b.ty;
		x->nullable = a.nullable || b.nullable;
		x->sql = afmt(g, "tdsd_dateadd(%d,%s,%s,%lld)", part == 'W' ?
		    'd' : part == 'j' ? 'd' : part, gen_sql(g, &a),
		    gen_sql(g, &b), (long long)tycode(&b.ty));
		return 0;
	}
	if (gen_expr(g, sc, e->a[1], &a) != 0 || as_datetime(g, &a) != 0 ||
	    gen_expr(g, sc, e->a[2], &b) != 0 || as_datetime(g, &b) != 0)
		return -1;
	x->ty.t = ST_INT;
	x->nullable = a.nullable || b.nullable;
	x->sql = afmt(g, "tdsd_datediff(%d,%s,%lld,%s,%lld)", part == 'j' ||
	    part == 'W' ? 'd' : part, gen_sql(g, &a), (long long)tycode(&a.ty),
	    gen_sql(g, &b), (long long)tycode(&b.ty));
	return 0;
}

static int
cast(struct gctx *g, struct scope *sc, struct expr *e, struct gx *x)
{
	int style = -1;

	if (gen_expr(g, sc, e->a[0], x) != 0 || need_value(g, x) != 0)
		return -1;
	if (e->na > 1) {
		struct gx st;

		gx_init(&st);
		if (gen_expr(g, sc, e->a[1], &st) != 0)
			return -1;
		if (!st.lit || !st_is_int(st.v.t))
			return gerr(g, 50000,
			    "tdsd: CONVERT style must be an integer literal");
		style = (int)st.v.i;
	}
	if (style >= 0 && st_is_time(x->ty.t) && st_is_str(e->ty.t) &&
	    !x->lit) {
		const char *v = x->sql;
		const char *r = NULL;

		switch (style) {
		case 112:
			r = afmt(g, "(substr(%s,1,4)||substr(%s,6,2)||"
			    "substr(%s,9,2))", v, v, v);
			break;
		case 101:
			r = afmt(g, "(substr(%s,6,2)||'/'||substr(%s,9,2)||'/'||"
			    "substr(%s,1,4))", v, v, v);
			break;
		case 103:
			r = afmt(g, "(substr(%s,9,2)||'/'||substr(%s,6,2)||'/'||"
			    "substr(%s,1,4))", v, v, v);
			break;
		case 126: case 127:
			/* ISO 8601: a T between the date and the time */
			r = afmt(g, "replace(%s,' ','T')", v);
			break;
		case 23: case 120: case 121:
			break;
		default:
			break;
		}
		if (r != NULL) {
			x->sql = r;
			x->ty.t = ST_VARCHAR;
			x->ty.len = 30;
		}
	}
	if (gen_coerce(g, x, &e->ty, e->op ? 2 : 1) != 0)
		return -1;
	if (e->op)
		x->nullable = 1;
	x->name = "";
	x->base = NULL;
	return 0;
}

static int
case_expr(struct gctx *g, struct scope *sc, struct expr *e, struct gx *x)
{
	int n = e->na / 2, i;
	struct gx *w = ar_alloc(g->a, sizeof(*w) * (size_t)n);
	struct gx *t = ar_alloc(g->a, sizeof(*t) * (size_t)n);
	struct gx base, els;
	struct sqltype rt, bt;
	struct buf b = BUF_INIT;

	gx_init(&base);
	gx_init(&els);
	if (e->base != NULL && gen_expr(g, sc, e->base, &base) != 0)
		return -1;
	bt = base.ty;
	for (i = 0; i < n; i++) {
		gx_init(&w[i]);
		gx_init(&t[i]);
		if (gen_expr(g, sc, e->a[2 * i], &w[i]) != 0 ||
		    gen_expr(g, sc, e->a[2 * i + 1], &t[i]) != 0 ||
		    need_value(g, &t[i]) != 0)
			return -1;
		if (e->base != NULL)
			common_type(&bt, &w[i].ty, &bt);
		else if (!w[i].pred)
			return need_value(g, &w[i]) == 0 ? gerr(g, 4145,
			    "An expression of non-boolean type specified in a context where a condition is expected, near 'THEN'.") :
			    -1;
		rt = i == 0 ? t[0].ty : rt;
		if (i > 0)
			common_type(&rt, &t[i].ty, &rt);
	}
	if (e->els != NULL) {
		if (gen_expr(g, sc, e->els, &els) != 0 ||
		    need_value(g, &els) != 0)
			return -1;
		common_type(&rt, &els.ty, &rt);
	}
	if (rt.t == ST_NULL)
		rt.t = ST_INT;
	buf_adds(&b, "CASE");
	if (e->base != NULL) {
		if (gen_coerce(g, &base, &bt, 0) != 0)
			goto fail;
		buf_printf(&b, " %s", collate(g, &base));
	}
	x->nullable = e->els == NULL || els.nullable;
	for (i = 0; i < n; i++) {
		if ((e->base != NULL && gen_coerce(g, &w[i], &bt, 0) != 0) ||
		    gen_coerce(g, &t[i], &rt, 0) != 0)
			goto fail;
		buf_printf(&b, " WHEN %s THEN %s", gen_sql(g, &w[i]),
		    gen_sql(g, &t[i]));
		x->nullable |= t[i].nullable;
		x->agg |= t[i].agg | w[i].agg;
	}
	if (e->els != NULL) {
		if (gen_coerce(g, &els, &rt, 0) != 0)
			goto fail;
		buf_printf(&b, " ELSE %s", gen_sql(g, &els));
	}
	buf_adds(&b, " END");
	x->ty = rt;
	x->sql = ar_strndup(g->a, b.s, b.len);
	buf_free(&b);
	return 0;
fail:
	buf_free(&b);
	return -1;
}

/* Wrap a one-column subquery so that its column has type t. */
static const char *
sub_as(struct gctx *g, struct csel *cs, const struct sqltype *t)
{
	struct gx c;

	gx_init(&c);
	c.ty = cs->cols[0].ty;
	c.sql = "c0";
	if (gen_coerce(g, &c, t, 0) != 0)
		return NULL;
	if (strcmp(c.sql, "c0") == 0)
		return cs->sql;
	return afmt(g, "SELECT %s AS c0 FROM (%s)", c.sql, cs->sql);
}

int
gen_expr(struct gctx *g, struct scope *sc, struct expr *e, struct gx *x)
{
	struct gx a, b, c;
	struct sqltype t;
	int i;

	gx_init(x);
	gx_init(&a);
	gx_init(&b);
	gx_init(&c);
	switch (e->k) {
	case E_NULL: case E_INT: case E_DEC: case E_FLOAT: case E_STR:
	case E_HEX:
		return literal(g, e, x);
	case E_DEFAULT:
		return gerr(g, 102, "Incorrect syntax near the keyword 'DEFAULT'.");
	case E_COL:
		return resolve_col(g, sc, e, x);
	case E_STAR:
		return gerr(g, 102, "Incorrect syntax near '*'.");
	case E_VAR: {
		struct var *v = var_find(g->s, e->s);

		if (v == NULL)
			return gerr(g, 137,
			    "Must declare the scalar variable \"@%s\".", e->s);
		x->lit = 1;
		x->ty = v->ty;
		x->v = v->v;
		memset(&x->v.own, 0, sizeof(x->v.own));
		lit_own(g, &x->v);
		x->nullable = 1;
		return 0;
	}
	case E_SYSVAR:
		return sysvar(g, e->s, x);
	case E_NEG: case E_BITNOT:
		if (gen_expr(g, sc, e->a[0], &a) != 0 || need_value(g, &a) != 0)
			return -1;
		if (!st_is_exact(a.ty.t) && a.ty.t != ST_FLOAT &&
		    a.ty.t != ST_REAL)
			return gerr(g, 8117,
			    "Operand data type %s is invalid for minus operator.",
			    st_name(a.ty.t));
		*x = a;
		x->name = "";
		x->base = NULL;
		if (a.lit && !a.v.null) {
			if (e->k == E_BITNOT)
				x->v.i = ~a.v.i;
			else if (a.ty.t == ST_FLOAT || a.ty.t == ST_REAL)
				x->v.f = -a.v.f;
			else
				x->v.i = -a.v.i;
			return 0;
		}
		x->lit = 0;
		x->sql = afmt(g, "(%s%s)", e->k == E_NEG ? "-" : "~",
		    gen_sql(g, &a));
		return 0;
	case E_NOT:
		if (gen_expr(g, sc, e->a[0], &a) != 0)
			return -1;
		if (!a.pred)
			return gerr(g, 4145, "An expression of non-boolean type specified in a context where a condition is expected, near 'NOT'.");
		x->pred = 1;
		x->ty.t = ST_BIT;
		x->agg = a.agg;
		x->sql = afmt(g, "(NOT %s)", a.sql);
		return 0;
	case E_AND: case E_OR:
		if (gen_expr(g, sc, e->a[0], &a) != 0 ||
		    gen_expr(g, sc, e->a[1], &b) != 0)
			return -1;
		if (!a.pred || !b.pred)
			return gerr(g, 4145, "An expression of non-boolean type specified in a context where a condition is expected, near '%s'.",
			    e->k == E_AND ? "AND" : "OR");
		x->pred = 1;
		x->ty.t = ST_BIT;
		x->agg = a.agg || b.agg;
		x->sql = afmt(g, "(%s %s %s)", a.sql, e->k == E_AND ? "AND" :
		    "OR", b.sql);
		return 0;
	case E_CMP:
		if (gen_expr(g, sc, e->a[0], &a) != 0 ||
		    gen_expr(g, sc, e->a[1], &b) != 0 ||
		    need_value(g, &a) != 0 || need_value(g, &b) != 0)
			return -1;
		common_type(&a.ty, &b.ty, &t);
		if (gen_coerce(g, &a, &t, 0) != 0 ||
		    gen_coerce(g, &b, &t, 0) != 0)
			return -1;
		x->pred = 1;
		x->ty.t = ST_BIT;
		x->agg = a.agg || b.agg;
		x->sql = afmt(g, "(%s %s %s)", gen_sql(g, &a), cmp_sql(e->op),
		    collate(g, &b));
		return 0;
	case E_ISNULL:
		if (gen_expr(g, sc, e->a[0], &a) != 0 || need_value(g, &a) != 0)
			return -1;
		x->pred = 1;
		x->ty.t = ST_BIT;
		x->agg = a.agg;
		x->sql = afmt(g, "(%s IS %sNULL)", gen_sql(g, &a), e->neg ?
		    "NOT " : "");
		return 0;
	case E_LIKE:
		if (gen_expr(g, sc, e->a[0], &a) != 0 ||
		    gen_expr(g, sc, e->a[1], &b) != 0 ||
		    need_value(g, &a) != 0 || need_value(g, &b) != 0 ||
		    to_text(g, &a) != 0 || to_text(g, &b) != 0)
			return -1;
		if (e->base != NULL && (gen_expr(g, sc, e->base, &c) != 0 ||
		    to_text(g, &c) != 0))
			return -1;
		x->pred = 1;
		x->ty.t = ST_BIT;
		x->agg = a.agg;
		if (e->base != NULL)
			x->sql = afmt(g, "(%stdsd_like(%s,%s,%s))", e->neg ?
			    "NOT " : "", gen_sql(g, &a), gen_sql(g, &b),
			    gen_sql(g, &c));
		else
			x->sql = afmt(g, "(%stdsd_like(%s,%s))", e->neg ?
			    "NOT " : "", gen_sql(g, &a), gen_sql(g, &b));
		return 0;
	case E_BETWEEN:
		if (gen_expr(g, sc, e->a[0], &a) != 0 ||
		    gen_expr(g, sc, e->a[1], &b) != 0 ||
		    gen_expr(g, sc, e->a[2], &c) != 0)
			return -1;
		common_type(&a.ty, &b.ty, &t);
		common_type(&t, &c.ty, &t);
		if (gen_coerce(g, &a, &t, 0) != 0 ||
		    gen_coerce(g, &b, &t, 0) != 0 ||
		    gen_coerce(g, &c, &t, 0) != 0)
			return -1;
		x->pred = 1;
		x->ty.t = ST_BIT;
		x->sql = afmt(g, "(%s %sBETWEEN %s AND %s)", collate(g, &a),
		    e->neg ? "NOT " : "", gen_sql(g, &b), gen_sql(g, &c));
		return 0;
	case E_IN: {
		struct buf bb = BUF_INIT;
		struct gx *l;

		if (gen_expr(g, sc, e->a[0], &a) != 0 || need_value(g, &a) != 0)
			return -1;
		x->pred = 1;
		x->ty.t = ST_BIT;
		if (e->sub != NULL) {
			struct csel cs;
			const char *subsql;

			if (gen_sub(g, e->sub, sc, &cs) != 0)
				return -1;
			if (cs.ncols != 1)
				return gerr(g, 116, "Only one expression can be specified in the select list when the subquery is not introduced with EXISTS.");
			common_type(&a.ty, &cs.cols[0].ty, &t);
			if (gen_coerce(g, &a, &t, 0) != 0 ||
			    (subsql = sub_as(g, &cs, &t)) == NULL)
				return -1;
			x->sql = afmt(g, "(%s %sIN (%s))", collate(g, &a),
			    e->neg ? "NOT " : "", subsql);
			return 0;
		}
		l = ar_alloc(g->a, sizeof(*l) * (size_t)e->na);
		t = a.ty;
		for (i = 1; i < e->na; i++) {
			gx_init(&l[i]);
			if (gen_expr(g, sc, e->a[i], &l[i]) != 0 ||
			    need_value(g, &l[i]) != 0)
				return -1;
			common_type(&t, &l[i].ty, &t);
		}
		if (gen_coerce(g, &a, &t, 0) != 0)
			return -1;
		buf_printf(&bb, "(%s %sIN (", collate(g, &a), e->neg ? "NOT " :
		    "");
		for (i = 1; i < e->na; i++) {
			if (gen_coerce(g, &l[i], &t, 0) != 0) {
				buf_free(&bb);
				return -1;
			}
			buf_printf(&bb, "%s%s", i > 1 ? "," : "",
			    gen_sql(g, &l[i]));
		}
		buf_adds(&bb, "))");
		x->sql = ar_strndup(g->a, bb.s, bb.len);
		buf_free(&bb);
		return 0;
	}
	case E_EXISTS: {
		struct csel cs;

		if (gen_sub(g, e->sub, sc, &cs) != 0)
			return -1;
		x->pred = 1;
		x->ty.t = ST_BIT;
		x->sql = afmt(g, "(EXISTS (%s))", cs.sql);
		return 0;
	}
	case E_SUBQ: {
		struct csel cs;

		if (gen_sub(g, e->sub, sc, &cs) != 0)
			return -1;
		if (cs.ncols != 1)
			return gerr(g, 116, "Only one expression can be specified in the select list when the subquery is not introduced with EXISTS.");
		x->ty = cs.cols[0].ty;
		x->nullable = 1;
		x->sql = afmt(g, "(%s)", cs.sql);
		return 0;
	}
	case E_ARITH:
		if (gen_expr(g, sc, e->a[0], &a) != 0 ||
		    gen_expr(g, sc, e->a[1], &b) != 0 ||
		    need_value(g, &a) != 0 || need_value(g, &b) != 0)
			return -1;
		if (arith(g, e, &a, &b, x) != 0)
			return -1;
		x->agg = a.agg || b.agg;
		return 0;
	case E_FUNC:
		if ((ieq(e->s, "DATEPART") || ieq(e->s, "DATEADD") ||
		    ieq(e->s, "DATEDIFF")) && e->na > 0)
			return datefunc(g, sc, e, x);
		return func(g, sc, e, x);
	case E_CAST:
		return cast(g, sc, e, x);
	case E_CASE:
		return case_expr(g, sc, e, x);
	}
	return gerr(g, 102, "Incorrect syntax.");
}

int
gen_pred(struct gctx *g, struct scope *sc, struct expr *e, const char **sql)
{
	struct gx x;

	if (gen_expr(g, sc, e, &x) != 0)
		return -1;
	if (!x.pred)
		return gerr(g, 4145, "An expression of non-boolean type specified in a context where a condition is expected.");
	*sql = x.sql;
	return 0;
}

/* ---------------------------------------------------------------- */
/* FROM and SELECT */

static void
add_src(struct gctx *g, struct scope *sc, struct src *sr)
{
	struct src *ns = ar_alloc(g->a, sizeof(*ns) * (size_t)(sc->n + 1));

	if (sc->n > 0)
		memcpy(ns, sc->s, sizeof(*ns) * (size_t)sc->n);
	ns[sc->n++] = *sr;
	sc->s = ns;
}

/*
 * A table value constructor, (VALUES (..), (..)): each column takes the
 * type of highest precedence among its rows (as SQL Server's), every
 * value is converted to it, and SQLite's VALUES gives the rows.
 */
static int
gen_tvc(struct gctx *g, struct tref *tr, struct scope *up, struct csel *out)
{
	int nr = tr->nvrows, nc = tr->nvcols, i, j;
	struct gx *cell = ar_alloc(g->a, sizeof(*cell) * (size_t)nr *
	    (size_t)nc);
	struct scope sc;
	struct buf b = BUF_INIT;

	memset(&sc, 0, sizeof(sc));
	sc.up = up;
	memset(out, 0, sizeof(*out));
	out->limit = -1;
	out->cols = ar_alloc(g->a, sizeof(*out->cols) * (size_t)nc);
	out->ncols = nc;
	for (i = 0; i < nr; i++)
		for (j = 0; j < nc; j++) {
			struct gx *x = &cell[i * nc + j];
			struct expr *e = tr->vrows[i][j];

			if (e->k == E_DEFAULT)
				return gerr(g, 102,
				    "Incorrect syntax near the keyword 'DEFAULT'.");
			if (gen_expr(g, &sc, e, x) != 0 || need_value(g, x) != 0)
				return -1;
			if (i == 0)
				out->cols[j].ty = x->ty;
			else
				common_type(&out->cols[j].ty, &x->ty,
				    &out->cols[j].ty);
			out->cols[j].nullable |= x->nullable || (x->lit &&
			    x->v.null);
		}
	buf_adds(&b, "SELECT ");
	for (j = 0; j < nc; j++) {
		if (out->cols[j].ty.t == ST_NULL)
			out->cols[j].ty.t = ST_INT;
		out->cols[j].name = "";
		buf_printf(&b, "%scolumn%d AS c%d", j ? ", " : "", j + 1, j);
	}
	buf_adds(&b, " FROM (VALUES ");
	for (i = 0; i < nr; i++) {
		buf_adds(&b, i ? ", (" : "(");
		for (j = 0; j < nc; j++) {
			struct gx *x = &cell[i * nc + j];

			if (gen_coerce(g, x, &out->cols[j].ty, 0) != 0) {
				buf_free(&b);
				return -1;
			}
			if (j > 0)
				buf_addc(&b, ',');
			buf_adds(&b, gen_sql(g, x));
		}
		buf_addc(&b, ')');
	}
	buf_addc(&b, ')');
	out->sql = ar_strndup(g->a, b.s, b.len);
	buf_free(&b);
	return 0;
}

int
gen_from(struct gctx *g, struct tref *from, int nfrom, struct scope *sc,
    struct buf *sql)
{
	int i, j;

	for (i = 0; i < nfrom; i++) {
		struct tref *tr = &from[i];
		struct src sr;

		memset(&sr, 0, sizeof(sr));
		sr.sqlal = afmt(g, "t%d", g->nalias++);
		if (i > 0) {
			switch (tr->join) {
			case 'C': buf_adds(sql, " CROSS JOIN "); break;
			case 'L': buf_adds(sql, " LEFT JOIN "); break;
			case 'R': buf_adds(sql, " RIGHT JOIN "); break;
			case 'F': buf_adds(sql, " FULL JOIN "); break;
			default: buf_adds(sql, " JOIN "); break;
			}
		}
		if (tr->sub != NULL || tr->vrows != NULL) {
			struct csel cs;

			if (tr->alias == NULL)
				return gerr(g, 102,
				    "Incorrect syntax: a derived table needs an alias.");
			if (tr->vrows != NULL) {
				if (gen_tvc(g, tr, sc->up, &cs) != 0)
					return -1;
			} else if (gen_sub(g, tr->sub, sc->up, &cs) != 0)
				return -1;
			if (tr->ncalias > 0) {
				if (tr->ncalias != cs.ncols)
					return gerr(g, tr->ncalias < cs.ncols ?
					    8158 : 8159, "'%s' has %s columns than were specified in the column list.",
					    tr->alias, tr->ncalias < cs.ncols ?
					    "more" : "fewer");
				for (j = 0; j < cs.ncols; j++) {
					cs.cols[j].name = tr->calias[j];
					cs.cols[j].base = NULL;
				}
			}
			for (j = 0; j < cs.ncols; j++)
				if (cs.cols[j].name[0] == '\0')
					return gerr(g, 8155,
					    "No column name was specified for column %d of '%s'.",
					    j + 1, tr->alias);
			sr.dcols = cs.cols;
			sr.ndcols = cs.ncols;
			sr.name = tr->alias;
			buf_printf(sql, "(%s) AS %s", cs.sql, sr.sqlal);
		} else {
			struct table *t = cat_find(g->s, &tr->name);

			if (t == NULL)
				return gerr(g, 208, "Invalid object name '%s'.",
				    qname_text(g, &tr->name));
			sr.t = t;
			sr.name = tr->alias != NULL ? tr->alias : t->name;
			if (t->temp)
				buf_adds(sql, "temp.");
			sqlq(sql, t->sqlname);
			buf_printf(sql, " AS %s", sr.sqlal);
		}
		if (tr->join == 'R' || tr->join == 'F')
			for (j = 0; j < sc->n; j++)
				sc->s[j].outer = 1;
		if (tr->join == 'L' || tr->join == 'F')
			sr.outer = 1;
		/* the same name twice in one FROM */
		for (j = 0; j < sc->n; j++)
			if (ieq(sc->s[j].name, sr.name) && tr->alias != NULL)
				return gerr(g, 1011,
				    "The correlation name '%s' is specified multiple times in a FROM clause.",
				    sr.name);
		add_src(g, sc, &sr);
		if (tr->on != NULL) {
			const char *on = NULL;

			if (gen_pred(g, sc, tr->on, &on) != 0)
				return -1;
			buf_printf(sql, " ON %s", on);
		}
	}
	return 0;
}

static int
const_int(struct gctx *g, struct scope *sc, struct expr *e, int64_t *v)
{
	struct gx x;
	struct sqltype bt = { ST_BIGINT, 0, 0, 0 };

	if (gen_expr(g, sc, e, &x) != 0 || gen_coerce(g, &x, &bt, 0) != 0)
		return -1;
	if (!x.lit || x.v.null)
		return gerr(g, 50000,
		    "tdsd: TOP, OFFSET and FETCH take constants");
	*v = x.v.i;
	return 0;
}

static void
push_ocol(struct gctx *g, struct csel *out, struct ocol *oc)
{
	struct ocol *n = ar_alloc(g->a, sizeof(*n) * (size_t)(out->ncols + 1));

	if (out->ncols > 0)
		memcpy(n, out->cols, sizeof(*n) * (size_t)out->ncols);
	n[out->ncols++] = *oc;
	out->cols = n;
}

static void
star_cols(struct gctx *g, struct src *sr, struct csel *out)
{
	int i;
	struct ocol oc;

	if (sr->t != NULL) {
		for (i = 0; i < sr->t->ncols; i++) {
			struct buf b = BUF_INIT;

			memset(&oc, 0, sizeof(oc));
			oc.name = sr->t->cols[i].name;
			oc.ty = sr->t->cols[i].ty;
			oc.nullable = sr->t->cols[i].nullable || sr->outer;
			oc.base = &sr->t->cols[i];
			oc.basetab = sr->t;
			buf_printf(&b, "%s.", sr->sqlal);
			sqlq(&b, oc.name);
			oc.sql = ar_strndup(g->a, b.s, b.len);
			buf_free(&b);
			push_ocol(g, out, &oc);
		}
		return;
	}
	for (i = 0; i < sr->ndcols; i++) {
		oc = sr->dcols[i];
		oc.nullable |= sr->outer;
		oc.sql = afmt(g, "%s.c%d", sr->sqlal, i);
		push_ocol(g, out, &oc);
	}
}

/* One SELECT without UNION/ORDER BY; sc receives its FROM scope. */
static int
gen_select1(struct gctx *g, struct select *sel, struct scope *sc,
    struct csel *out)
{
	struct buf from = BUF_INIT, b = BUF_INIT;
	int i, j, rc = -1, agg = 0;

	memset(out, 0, sizeof(*out));
	out->limit = -1;
	if (sel->nfrom > 0) {
		if (gen_from(g, sel->from, sel->nfrom, sc, &from) != 0)
			goto done;
		out->has_from = 1;
	}
	for (i = 0; i < sel->nitems; i++) {
		struct selitem *it = &sel->items[i];
		struct gx x;
		struct ocol oc;

		if (it->assign != NULL) {
			rc = gerr(g, 50000,
			    "tdsd: SELECT @variable = ... is not supported");
			goto done;
		}
		if (it->e->k == E_STAR) {
			int any = 0;

			for (j = 0; j < sc->n; j++) {
				if (it->e->q.n > 0 && !ieq(sc->s[j].name,
				    it->e->q.part[3]))
					continue;
				star_cols(g, &sc->s[j], out);
				any = 1;
			}
			if (!any) {
				rc = it->e->q.n > 0 ? gerr(g, 4104,
				    "The multi-part identifier \"%s\" could not be bound.",
				    it->e->q.part[3]) : gerr(g, 263,
				    "Must specify table to select from.");
				goto done;
			}
			continue;
		}
		if (gen_expr(g, sc, it->e, &x) != 0 || need_value(g, &x) != 0)
			goto done;
		agg |= x.agg;
		memset(&oc, 0, sizeof(oc));
		oc.name = it->alias != NULL ? it->alias : x.name;
		oc.ty = x.ty;
		if (oc.ty.t == ST_NULL)
			oc.ty.t = ST_INT;
		oc.nullable = x.nullable || x.v.null;
		oc.base = it->alias == NULL ? x.base : NULL;
		oc.basetab = x.basetab;
		oc.sql = gen_sql(g, &x);
		push_ocol(g, out, &oc);
	}
	buf_adds(&b, "SELECT ");
	if (sel->distinct)
		buf_adds(&b, "DISTINCT ");
	for (i = 0; i < out->ncols; i++)
		buf_printf(&b, "%s%s AS c%d", i ? ", " : "", out->cols[i].sql, i);
	if (out->has_from)
		buf_printf(&b, " FROM %s", from.s);
	if (sel->where != NULL) {
		const char *w = NULL;

		if (gen_pred(g, sc, sel->where, &w) != 0)
			goto done;
		buf_printf(&b, " WHERE %s", w);
	}
	if (sel->ngroup > 0) {
		buf_adds(&b, " GROUP BY ");
		for (i = 0; i < sel->ngroup; i++) {
			struct gx x;

			if (gen_expr(g, sc, sel->group[i], &x) != 0)
				goto done;
			buf_printf(&b, "%s%s", i ? ", " : "", collate(g, &x));
		}
	}
	if (sel->having != NULL) {
		const char *h = NULL;

		if (gen_pred(g, sc, sel->having, &h) != 0)
			goto done;
		buf_printf(&b, " HAVING %s", h);
	}
	/* aggregates over no rows still give one row */
	if (agg && sel->ngroup == 0)
		for (i = 0; i < out->ncols; i++)
			if (out->cols[i].ty.t == ST_INT &&
			    strncmp(out->cols[i].sql, "count(", 6) == 0)
				out->cols[i].nullable = 0;
	out->sql = ar_strndup(g->a, b.s, b.len);
	rc = 0;
done:
	buf_free(&from);
	buf_free(&b);
	return rc;
}

static int
order_by(struct gctx *g, struct select *sel, struct scope *sc,
    struct csel *out, struct buf *b)
{
	int i, j;

	for (i = 0; i < sel->norder; i++) {
		struct expr *e = sel->order[i].e;
		const char *dir = sel->order[i].desc ? " DESC" : "";

		buf_adds(b, i ? ", " : " ORDER BY ");
		if (e->k == E_INT) {
			long k = strtol(e->s, NULL, 10);

			if (k < 1 || k > out->ncols)
				return gerr(g, 108,
				    "The ORDER BY position number %ld is out of range of the number of items in the select list.",
				    k);
			buf_printf(b, "c%ld%s%s", k - 1,
			    st_is_str(out->cols[k - 1].ty.t) ?
			    " COLLATE tds" : "", dir);
			continue;
		}
		if (e->k == E_COL && e->q.part[2] == NULL) {
			for (j = 0; j < out->ncols; j++)
				if (ieq(out->cols[j].name, e->q.part[3]))
					break;
			if (j < out->ncols) {
				buf_printf(b, "c%d%s%s", j,
				    st_is_str(out->cols[j].ty.t) ?
				    " COLLATE tds" : "", dir);
				continue;
			}
		}
		if (sc == NULL)
			return gerr(g, 104, "ORDER BY items must appear in the select list if the statement contains a UNION, INTERSECT or EXCEPT operator.");
		{
			struct gx x;

			if (gen_expr(g, sc, e, &x) != 0 || need_value(g, &x))
				return -1;
			buf_printf(b, "%s%s", collate(g, &x), dir);
		}
	}
	return 0;
}

static int
gen_sub(struct gctx *g, struct select *sel, struct scope *up,
    struct csel *out)
{
	return gen_select(g, sel, up, out);
}

int
gen_select(struct gctx *g, struct select *sel, struct scope *up,
    struct csel *out)
{
	struct scope sc;
	struct buf b = BUF_INIT;
	int64_t top = -1, off = -1, fetch = -1;
	int rc = -1;

	memset(&sc, 0, sizeof(sc));
	sc.up = up;
	if (gen_select1(g, sel, &sc, out) != 0)
		return -1;
	sc.sel = out;
	if (sel->union_next != NULL) {
		struct select *u;
		struct csel br;
		int i;

		for (u = sel->union_next; u != NULL; u = u->union_next) {
			struct scope s2;

			memset(&s2, 0, sizeof(s2));
			s2.up = up;
			if (gen_select1(g, u, &s2, &br) != 0)
				goto done;
			if (br.ncols != out->ncols) {
				rc = gerr(g, 205, "All queries combined using a UNION, INTERSECT or EXCEPT operator must have an equal number of expressions in their target lists.");
				goto done;
			}
			for (i = 0; i < out->ncols; i++) {
				common_type(&out->cols[i].ty, &br.cols[i].ty,
				    &out->cols[i].ty);
				out->cols[i].nullable |= br.cols[i].nullable;
			}
		}
		/* rebuild with conversions to the common types */
		{
			struct buf w = BUF_INIT;
			struct select *v, *prev = sel;
			int first = 1;

			for (v = sel; v != NULL; v = v->union_next) {
				struct scope s3;
				struct csel c3;

				memset(&s3, 0, sizeof(s3));
				s3.up = up;
				if (gen_select1(g, v, &s3, &c3) != 0) {
					buf_free(&w);
					goto done;
				}
				if (!first)
					buf_printf(&w, " UNION %s",
					    prev->union_all ? "ALL " : "");
				prev = v;
				first = 0;
				buf_adds(&w, "SELECT ");
				for (i = 0; i < out->ncols; i++) {
					struct gx cx;

					gx_init(&cx);
					cx.ty = c3.cols[i].ty;
					cx.sql = afmt(g, "c%d", i);
					if (gen_coerce(g, &cx, &out->cols[i].ty,
					    0) != 0) {
						buf_free(&w);
						goto done;
					}
					buf_printf(&w, "%s%s AS c%d", i ? ", " :
					    "", cx.sql, i);
				}
				buf_printf(&w, " FROM (%s)", c3.sql);
			}
			buf_reset(&b);
			buf_add(&b, w.s, w.len);
			buf_free(&w);
		}
		if (order_by(g, sel, NULL, out, &b) != 0)
			goto done;
	} else {
		buf_adds(&b, out->sql);
		if (order_by(g, sel, &sc, out, &b) != 0)
			goto done;
	}
	if (sel->top != NULL && const_int(g, &sc, sel->top, &top) != 0)
		goto done;
	if (sel->top_percent) {
		rc = gerr(g, 50000, "tdsd: TOP ... PERCENT is not supported");
		goto done;
	}
	if (sel->offset != NULL && const_int(g, &sc, sel->offset, &off) != 0)
		goto done;
	if (sel->fetch != NULL && const_int(g, &sc, sel->fetch, &fetch) != 0)
		goto done;
	if (top >= 0)
		buf_printf(&b, " LIMIT %lld", (long long)top);
	else if (fetch >= 0)
		buf_printf(&b, " LIMIT %lld", (long long)fetch);
	else if (off >= 0)
		buf_adds(&b, " LIMIT -1");
	if (off >= 0)
		buf_printf(&b, " OFFSET %lld", (long long)off);
	out->sql = ar_strndup(g->a, b.s, b.len);
	rc = 0;
done:
	buf_free(&b);
	return rc;
}

/*
 * Evaluate an expression that reads no table columns (DEFAULT, DECLARE,
 * PRINT, IF conditions' operands...): a literal directly, anything else
 * through a one-row SELECT in SQLite.  v owns its text.
 */
int
gen_const(struct gctx *g, struct expr *e, struct sqlval *v,
    struct sqltype *ty)
{
	struct gx x;
	struct scope sc;
	sqlite3_stmt *st = NULL;
	char *sql;
	int rc;

	memset(&sc, 0, sizeof(sc));
	memset(v, 0, sizeof(*v));
	if (gen_expr(g, &sc, e, &x) != 0 || need_value(g, &x) != 0)
		return -1;
	if (x.ty.t == ST_NULL)
		x.ty.t = ST_INT;
	*ty = x.ty;
	if (x.lit) {
		sqlval_copy(v, &x.v);
		v->t = x.v.null ? x.ty.t : x.v.t;
		return 0;
	}
	sql = afmt(g, "SELECT %s", x.sql);
	if ((rc = sqlite3_prepare_v2(g->s->db, sql, -1, &st, NULL)) !=
	    SQLITE_OK) {
		exec_sqlite_err(g->s, rc, g->e);
		return -1;
	}
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		exec_sqlite_err(g->s, rc, g->e);
		sqlite3_finalize(st);
		return -1;
	}
	{
		struct sqlval tmp;

		memset(&tmp, 0, sizeof(tmp));
		sqlval_column(st, 0, &x.ty, &tmp);
		sqlval_copy(v, &tmp);
		sqlval_free(&tmp);
	}
	sqlite3_finalize(st);
	return 0;
}
