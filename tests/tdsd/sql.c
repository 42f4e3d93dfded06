/*
 * sql: the T-SQL dialect tdsd understands, lexed and parsed into a
 * syntax tree (struct stmt, struct expr in tdsd.h).  The whole batch is
 * parsed before anything runs, because SQL Server runs nothing of a
 * batch with a syntax error (error 102).  Names are bound to the
 * catalogue later, statement by statement (exec.c), which gives SQL
 * Server's deferred name resolution: a CREATE TABLE earlier in the same
 * batch is visible to the statements after it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/xalloc.h"
#include "tdsd.h"

/* ---------------------------------------------------------------- */
/* Arena */

struct arblock {
	struct arblock	*next;
	size_t		 used, cap;
	char		 mem[];
};

void *
ar_alloc(struct arena *a, size_t n)
{
	struct arblock *b = a->head;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > 65536 ? n : 65536;

		b = xmalloc(sizeof(*b) + cap);
		b->next = a->head;
		b->used = 0;
		b->cap = cap;
		a->head = b;
	}
	p = b->mem + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *
ar_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = ar_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
ar_free(struct arena *a)
{
	struct arblock *b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
}

/* ---------------------------------------------------------------- */
/* Lexer */

struct parser {
	struct arena	*a;
	const char	*src;
	size_t		 srclen;
	struct token	*t;
	size_t		 nt, cap;
	size_t		 i;
	struct tderr	*e;
	int		 failed;
	int		 deflen;	/* last type had no (n): CAST makes it 30 */
};

static void
lex_push(struct parser *p, struct token *t)
{
	if (p->nt == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 256;
		p->t = xreallocarray(p->t, p->cap, sizeof(*p->t));
	}
	p->t[p->nt++] = *t;
}

static int
id_start(int c)
{
	return isalpha(c) || c == '_' || c == '#' || c >= 0x80;
}

static int
id_char(int c)
{
	return isalnum(c) || c == '_' || c == '#' || c == '@' || c == '$' ||
	    c >= 0x80;
}

static int
lex(struct parser *p)
{
	const char *s = p->src;
	size_t n = p->srclen, i = 0;
	int line = 1;
	struct token t;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			line++;
		if (isspace(c)) {
			i++;
			continue;
		}
		if (c == '-' && i + 1 < n && s[i + 1] == '-') {
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		if (c == '/' && i + 1 < n && s[i + 1] == '*') {
			int depth = 1;

			i += 2;
			while (i < n && depth > 0) {
				if (s[i] == '\n')
					line++;
				if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
					depth++;
					i += 2;
				} else if (s[i] == '*' && i + 1 < n &&
				    s[i + 1] == '/') {
					depth--;
					i += 2;
				} else
					i++;
			}
			if (depth > 0)
				return tderr_set(p->e, 113, 15,
				    "Missing end comment mark '*/'.");
			continue;
		}
		memset(&t, 0, sizeof(t));
		t.line = line;
		t.pos = i;
		if (c == '\'' || ((c == 'N' || c == 'n') && i + 1 < n &&
		    s[i + 1] == '\'')) {
			struct buf b = BUF_INIT;
			size_t start;

			if (c != '\'') {
				t.nstr = 1;
				i++;
			}
			start = ++i;
			for (;;) {
				if (i >= n) {
					char q[40];

					buf_free(&b);
					snprintf(q, sizeof(q), "%.*s",
					    (int)(n - start < 30 ? n - start : 30),
					    s + start);
					return tderr_set(p->e, 105, 15,
					    "Unclosed quotation mark after the character string '%s'.",
					    q);
				}
				if (s[i] == '\'') {
					if (i + 1 < n && s[i + 1] == '\'') {
						buf_addc(&b, '\'');
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if (s[i] == '\n')
					line++;
				buf_addc(&b, s[i++]);
			}
			t.k = TK_STR;
			t.s = ar_strndup(p->a, b.s ? b.s : "", b.len);
			t.n = b.len;
			buf_free(&b);
			lex_push(p, &t);
			continue;
		}
		if (c == '[' || c == '"') {
			char close = c == '[' ? ']' : '"';
			struct buf b = BUF_INIT;

			i++;
			for (;;) {
				if (i >= n) {
					buf_free(&b);
					return tderr_set(p->e, 105, 15,
					    "Unclosed quotation mark after the character string '%.*s'.",
					    (int)(n - t.pos - 1 < 30 ?
					    n - t.pos - 1 : 30), s + t.pos + 1);
				}
				if (s[i] == close) {
					if (i + 1 < n && s[i + 1] == close) {
						buf_addc(&b, close);
						i += 2;
						continue;
					}
					i++;
					break;
				}
				buf_addc(&b, s[i++]);
			}
			t.k = TK_ID;
			t.quoted = 1;
			t.s = ar_strndup(p->a, b.s ? b.s : "", b.len);
			t.n = b.len;
			buf_free(&b);
			lex_push(p, &t);
			continue;
		}
		if (c == '0' && i + 1 < n && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
			size_t st = i;

			i += 2;
			while (i < n && isxdigit((unsigned char)s[i]))
				i++;
			t.k = TK_HEX;
			t.s = ar_strndup(p->a, s + st + 2, i - st - 2);
			t.n = i - st - 2;
			lex_push(p, &t);
			continue;
		}
		if (isdigit(c) || (c == '.' && i + 1 < n &&
		    isdigit((unsigned char)s[i + 1]))) {
			size_t st = i;

			while (i < n && isdigit((unsigned char)s[i]))
				i++;
			if (i < n && s[i] == '.') {
				i++;
				while (i < n && isdigit((unsigned char)s[i]))
					i++;
			}
			if (i < n && (s[i] == 'e' || s[i] == 'E')) {
				size_t j = i + 1;

				if (j < n && (s[j] == '+' || s[j] == '-'))
					j++;
				if (j < n && isdigit((unsigned char)s[j])) {
					i = j;
					while (i < n &&
					    isdigit((unsigned char)s[i]))
						i++;
				}
			}
			t.k = TK_NUM;
			t.s = ar_strndup(p->a, s + st, i - st);
			t.n = i - st;
			lex_push(p, &t);
			continue;
		}
		if (c == '@') {
			size_t st = i;
			int sys = i + 1 < n && s[i + 1] == '@';

			i += sys ? 2 : 1;
			while (i < n && id_char((unsigned char)s[i]))
				i++;
			t.k = sys ? TK_SYSVAR : TK_VAR;
			t.s = ar_strndup(p->a, s + st + (sys ? 2 : 1),
			    i - st - (sys ? 2 : 1));
			t.n = strlen(t.s);
			lex_push(p, &t);
			continue;
		}
		if (id_start(c)) {
			size_t st = i;

			while (i < n && id_char((unsigned char)s[i]))
				i++;
			t.k = TK_ID;
			t.s = ar_strndup(p->a, s + st, i - st);
			t.n = i - st;
			lex_push(p, &t);
			continue;
		}
		t.k = TK_OP;
		t.op = c;
		if (i + 1 < n) {
			char d = s[i + 1];

			if (c == '<' && d == '>')
				t.op = OP_NE;
			else if (c == '!' && d == '=')
				t.op = OP_NE;
			else if (c == '<' && d == '=')
				t.op = OP_LE;
			else if (c == '>' && d == '=')
				t.op = OP_GE;
			else if (c == '!' && d == '<')
				t.op = OP_GE;
			else if (c == '!' && d == '>')
				t.op = OP_LE;
		}
		if (!strchr("(),.;=<>+-*/%&|^~!:", c))
			return tderr_set(p->e, 102, 15,
			    "Incorrect syntax near '%c'.", c);
		i += t.op >= 256 ? 2 : 1;
		t.s = ar_strndup(p->a, s + t.pos, i - t.pos);
		t.n = i - t.pos;
		lex_push(p, &t);
	}
	memset(&t, 0, sizeof(t));
	t.k = TK_EOF;
	t.pos = n;
	t.line = line;
	t.s = "";
	lex_push(p, &t);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Parser helpers */

static struct token *
peek(struct parser *p)
{
	return &p->t[p->i];
}

static struct token *
peek2(struct parser *p, size_t k)
{
	return p->i + k < p->nt ? &p->t[p->i + k] : &p->t[p->nt - 1];
}

static struct token *
next(struct parser *p)
{
	struct token *t = &p->t[p->i];

	if (t->k != TK_EOF)
		p->i++;
	return t;
}

static int
syntax(struct parser *p)
{
	struct token *t = peek(p);

	if (p->failed)
		return -1;
	p->failed = 1;
	if (t->k == TK_EOF)
		return tderr_set(p->e, 102, 15,
		    "Incorrect syntax near the end of the batch.");
	if (t->k == TK_STR)
		return tderr_set(p->e, 102, 15, "Incorrect syntax near '%.60s'.",
		    t->s);
	return tderr_set(p->e, 102, 15, "Incorrect syntax near '%.60s'.",
	    t->s);
}

static int
tk_is(const struct token *t, const char *kw)
{
	return t->k == TK_ID && !t->quoted && ieq(t->s, kw);
}

static int
is_kw(struct parser *p, const char *kw)
{
	return tk_is(peek(p), kw);
}

static int
accept_kw(struct parser *p, const char *kw)
{
	if (is_kw(p, kw)) {
		p->i++;
		return 1;
	}
	return 0;
}

static int
expect_kw(struct parser *p, const char *kw)
{
	if (accept_kw(p, kw))
		return 0;
	return syntax(p);
}

static int
is_op(struct parser *p, int op)
{
	return peek(p)->k == TK_OP && peek(p)->op == op;
}

static int
accept_op(struct parser *p, int op)
{
	if (is_op(p, op)) {
		p->i++;
		return 1;
	}
	return 0;
}

static int
expect_op(struct parser *p, int op)
{
	if (accept_op(p, op))
		return 0;
	return syntax(p);
}

static const char *const reserved[] = {
	"ADD", "ALL", "ALTER", "AND", "ANY", "AS", "ASC", "BEGIN", "BETWEEN",
	"BREAK", "BY", "CASE", "CHECK", "CLUSTERED", "COLLATE", "COMMIT",
	"CONSTRAINT", "CONTINUE", "CREATE", "CROSS", "DECLARE", "DEFAULT",
	"DELETE", "DESC", "DISTINCT", "DROP", "ELSE", "END", "EXCEPT", "EXEC",
	"EXECUTE", "EXISTS", "FETCH", "FOR", "FOREIGN", "FROM", "FULL", "GO",
	"GOTO", "GROUP", "HAVING", "IDENTITY", "IF", "IN", "INNER", "INSERT",
	"INTERSECT", "INTO", "IS", "JOIN", "KEY", "LEFT", "LIKE", "MERGE",
	"NOT", "NULL", "OFFSET", "ON", "OPTION", "OR", "ORDER", "OUTER",
	"OUTPUT", "PRIMARY", "PRINT", "RAISERROR", "REFERENCES", "RETURN",
	"RIGHT", "ROLLBACK", "SAVE", "SELECT", "SET", "TABLE", "THEN", "TOP",
	"TRUNCATE", "UNION", "UNIQUE", "UPDATE", "USE", "USING", "VALUES",
	"WAITFOR", "WHEN", "WHERE", "WHILE", "WITH", "THROW", NULL
};

static int
is_reserved(const struct token *t)
{
	int i;

	if (t->k != TK_ID || t->quoted)
		return 0;
	for (i = 0; reserved[i] != NULL; i++)
		if (ieq(t->s, reserved[i]))
			return 1;
	return 0;
}

/* An identifier that may name something (not a reserved word). */
static char *
ident(struct parser *p)
{
	struct token *t = peek(p);

	if (t->k != TK_ID || is_reserved(t)) {
		syntax(p);
		return NULL;
	}
	p->i++;
	return t->s;
}

static int
qname(struct parser *p, struct qname *q)
{
	char *parts[4];
	int n = 0, k;

	memset(q, 0, sizeof(*q));
	for (;;) {
		if (n == 4)
			return syntax(p);
		if (n > 0 && is_op(p, '.')) {
			/* db..table: empty schema part */
			parts[n++] = NULL;
			p->i++;
			continue;
		}
		if ((parts[n] = ident(p)) == NULL)
			return -1;
		n++;
		if (!is_op(p, '.'))
			break;
		p->i++;
	}
	/* right-align: the object name is always part[3] */
	for (k = 0; k < n; k++)
		q->part[4 - n + k] = parts[k];
	q->n = n;
	return 0;
}

static void *
grow(struct parser *p, void *arr, int n, size_t sz)
{
	/* arena arrays grow by copying into a bigger block: powers of two */
	void *np;

	if (n == 0 || (n & (n - 1)) != 0)
		return arr;
	np = ar_alloc(p->a, sz * (size_t)n * 2);
	if (arr != NULL)
		memcpy(np, arr, sz * (size_t)n);
	return np;
}

#define PUSH(p, arr, n, val) do {					\
	if ((n) == 0)							\
		(arr) = ar_alloc((p)->a, sizeof(*(arr)));		\
	else								\
		(arr) = grow((p), (arr), (n), sizeof(*(arr)));		\
	(arr)[(n)++] = (val);						\
} while (0)

/* ---------------------------------------------------------------- */
/* Types */

static int
parse_type(struct parser *p, struct sqltype *ty)
{
	struct token *t = peek(p);
	int k, haslen = 0, hasprec = 0;

	memset(ty, 0, sizeof(*ty));
	if (t->k != TK_ID)
		return syntax(p);
	if ((k = st_lookup(t->s)) < 0) {
		/* a schema-qualified type such as sys.nvarchar */
		if (peek2(p, 1)->k == TK_OP && peek2(p, 1)->op == '.' &&
		    peek2(p, 2)->k == TK_ID && st_lookup(peek2(p, 2)->s) >= 0) {
			p->i += 2;
			t = peek(p);
			k = st_lookup(t->s);
		} else {
			p->failed = 1;
			return tderr_set(p->e, 2715, 16,
			    "Column, parameter, or variable #1: Cannot find data type %.60s.",
			    t->s);
		}
	}
	p->i++;
	ty->t = (enum st)k;
	if (ieq(t->s, "sysname"))
		ty->len = 128, haslen = 1;
	if (ieq(t->s, "text") || ieq(t->s, "ntext") || ieq(t->s, "image"))
		ty->len = LEN_MAX, haslen = 1;
	if (ieq(t->s, "smalldatetime"))
		ty->t = ST_DATETIME;
	if (accept_op(p, '(')) {
		if (accept_kw(p, "max")) {
			ty->len = LEN_MAX;
			haslen = 1;
		} else {
			struct token *n1 = next(p);

			if (n1->k != TK_NUM)
				return syntax(p);
			if (st_is_dec(ty->t) || ty->t == ST_FLOAT) {
				ty->prec = atoi(n1->s);
				hasprec = 1;
				if (accept_op(p, ',')) {
					struct token *n2 = next(p);

					if (n2->k != TK_NUM)
						return syntax(p);
					ty->scale = atoi(n2->s);
				}
			} else if (ty->t == ST_TIME || ty->t == ST_DATETIME2) {
				ty->scale = atoi(n1->s);
				hasprec = 1;
			} else {
				ty->len = atoi(n1->s);
				haslen = 1;
			}
		}
		if (expect_op(p, ')') != 0)
			return -1;
	}
	if (ty->t == ST_FLOAT && hasprec) {
		if (ty->prec >= 1 && ty->prec <= 24)
			ty->t = ST_REAL;
		else if (ty->prec < 1 || ty->prec > 53) {
			p->failed = 1;
			return tderr_set(p->e, 2750, 16,
			    "Column or parameter #1: Specified column precision %d is greater than the maximum precision of 53.",
			    ty->prec);
		}
		ty->prec = 0;
	}
	sqltype_defaults(ty, haslen, hasprec);
	p->deflen = !haslen && (st_is_str(ty->t) || st_is_bin(ty->t));
	if (st_is_dec(ty->t) && ty->t != ST_MONEY && (ty->prec < 1 ||
	    ty->prec > 38)) {
		p->failed = 1;
		return tderr_set(p->e, 2750, 16,
		    "Column or parameter #1: Specified column precision %d is greater than the maximum precision of 38.",
		    ty->prec);
	}
	if (st_is_dec(ty->t) && ty->scale > ty->prec) {
		p->failed = 1;
		return tderr_set(p->e, 183, 15,
		    "The scale (%d) for column '#1' must be within the range 0 to %d.",
		    ty->scale, ty->prec);
	}
	if ((ty->t == ST_TIME || ty->t == ST_DATETIME2) && (ty->scale < 0 ||
	    ty->scale > 7)) {
		p->failed = 1;
		return tderr_set(p->e, 1002, 16,
		    "Line 1: Specified scale %d is invalid.", ty->scale);
	}
	if (haslen && ty->len != LEN_MAX) {
		int max = st_is_nstr(ty->t) ? 4000 : 8000;

		if (ty->len < 1 || ty->len > max) {
			p->failed = 1;
			return tderr_set(p->e, 2717, 16,
			    "The size (%d) given to the type '%s' exceeds the maximum allowed for any data type (%d).",
			    ty->len, st_name(ty->t), max);
		}
	}
	return 0;
}

int
sql_parse_type(const char *s, struct sqltype *ty)
{
	struct arena a = { NULL };
	struct parser p;
	struct tderr e;
	int rc;

	memset(&p, 0, sizeof(p));
	p.a = &a;
	p.src = s;
	p.srclen = strlen(s);
	p.e = &e;
	rc = lex(&p);
	if (rc == 0)
		rc = parse_type(&p, ty);
	if (rc == 0 && peek(&p)->k != TK_EOF)
		rc = -1;
	free(p.t);
	ar_free(&a);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Expressions */

static struct expr *expr(struct parser *p);
static struct select *parse_select(struct parser *p);

static struct expr *
mk(struct parser *p, enum ek k)
{
	struct expr *e = ar_alloc(p->a, sizeof(*e));
	struct token *t = peek(p);

	e->k = k;
	e->line = t->line;
	e->pos = t->pos;
	return e;
}

static struct expr *
mk2(struct parser *p, enum ek k, int op, struct expr *a, struct expr *b)
{
	struct expr *e = mk(p, k);

	e->op = op;
	e->a = ar_alloc(p->a, 2 * sizeof(*e->a));
	e->a[0] = a;
	e->a[1] = b;
	e->na = 2;
	e->line = a->line;
	e->pos = a->pos;
	return e;
}

static int
at_select(struct parser *p)
{
	return is_kw(p, "SELECT");
}

static struct expr *
primary(struct parser *p)
{
	struct token *t = peek(p);
	struct expr *e;

	switch (t->k) {
	case TK_NUM:
		p->i++;
		if (strpbrk(t->s, "eE") != NULL)
			e = mk(p, E_FLOAT);
		else if (strchr(t->s, '.') != NULL)
			e = mk(p, E_DEC);
		else
			e = mk(p, E_INT);
		e->s = t->s;
		e->n = t->n;
		e->line = t->line;
		e->pos = t->pos;
		return e;
	case TK_STR:
		p->i++;
		e = mk(p, E_STR);
		e->s = t->s;
		e->n = t->n;
		e->nstr = t->nstr;
		e->line = t->line;
		e->pos = t->pos;
		return e;
	case TK_HEX:
		p->i++;
		e = mk(p, E_HEX);
		e->s = t->s;
		e->n = t->n;
		return e;
	case TK_VAR:
		p->i++;
		e = mk(p, E_VAR);
		e->s = t->s;
		return e;
	case TK_SYSVAR:
		p->i++;
		e = mk(p, E_SYSVAR);
		e->s = t->s;
		return e;
	case TK_OP:
		if (t->op == '(') {
			p->i++;
			if (at_select(p)) {
				e = mk(p, E_SUBQ);
				if ((e->sub = parse_select(p)) == NULL)
					return NULL;
			} else if ((e = expr(p)) == NULL)
				return NULL;
			if (expect_op(p, ')') != 0)
				return NULL;
			return e;
		}
		if (t->op == '*') {
			p->i++;
			return mk(p, E_STAR);
		}
		syntax(p);
		return NULL;
	case TK_ID:
		break;
	default:
		syntax(p);
		return NULL;
	}
	if (!t->quoted) {
		if (ieq(t->s, "NULL")) {
			p->i++;
			return mk(p, E_NULL);
		}
		if (ieq(t->s, "DEFAULT")) {
			p->i++;
			return mk(p, E_DEFAULT);
		}
		if (ieq(t->s, "CASE")) {
			p->i++;
			e = mk(p, E_CASE);
			if (!is_kw(p, "WHEN") && (e->base = expr(p)) == NULL)
				return NULL;
			while (accept_kw(p, "WHEN")) {
				struct expr *w, *th;

				if ((w = expr(p)) == NULL ||
				    expect_kw(p, "THEN") != 0 ||
				    (th = expr(p)) == NULL)
					return NULL;
				PUSH(p, e->a, e->na, w);
				PUSH(p, e->a, e->na, th);
			}
			if (e->na == 0) {
				syntax(p);
				return NULL;
			}
			if (accept_kw(p, "ELSE") && (e->els = expr(p)) == NULL)
				return NULL;
			if (expect_kw(p, "END") != 0)
				return NULL;
			return e;
		}
		if (ieq(t->s, "EXISTS") && peek2(p, 1)->k == TK_OP &&
		    peek2(p, 1)->op == '(') {
			p->i += 2;
			e = mk(p, E_EXISTS);
			if ((e->sub = parse_select(p)) == NULL ||
			    expect_op(p, ')') != 0)
				return NULL;
			return e;
		}
		if ((ieq(t->s, "CAST") || ieq(t->s, "TRY_CAST")) &&
		    peek2(p, 1)->k == TK_OP && peek2(p, 1)->op == '(') {
			int try = ieq(t->s, "TRY_CAST");

			p->i += 2;
			e = mk(p, E_CAST);
			e->op = try;
			e->a = ar_alloc(p->a, sizeof(*e->a));
			e->na = 1;
			if ((e->a[0] = expr(p)) == NULL ||
			    expect_kw(p, "AS") != 0 ||
			    parse_type(p, &e->ty) != 0 ||
			    expect_op(p, ')') != 0)
				return NULL;
			if (p->deflen)
				e->ty.len = 30;
			return e;
		}
		if ((ieq(t->s, "CONVERT") || ieq(t->s, "TRY_CONVERT")) &&
		    peek2(p, 1)->k == TK_OP && peek2(p, 1)->op == '(') {
			int try = ieq(t->s, "TRY_CONVERT");

			p->i += 2;
			e = mk(p, E_CAST);
			e->op = try;
			if (parse_type(p, &e->ty) != 0)
				return NULL;
			if (p->deflen)
				e->ty.len = 30;
			if (expect_op(p, ',') != 0)
				return NULL;
			e->a = ar_alloc(p->a, 2 * sizeof(*e->a));
			e->na = 1;
			if ((e->a[0] = expr(p)) == NULL)
				return NULL;
			if (accept_op(p, ',')) {
				if ((e->a[1] = expr(p)) == NULL)
					return NULL;
				e->na = 2;
			}
			if (expect_op(p, ')') != 0)
				return NULL;
			return e;
		}
		if (is_reserved(t) && !ieq(t->s, "LEFT") &&
		    !ieq(t->s, "RIGHT")) {
			syntax(p);
			return NULL;
		}
	}
	/* function call or column reference */
	if (peek2(p, 1)->k == TK_OP && peek2(p, 1)->op == '(' && !t->quoted) {
		p->i += 2;
		e = mk(p, E_FUNC);
		e->s = t->s;
		e->line = t->line;
		e->pos = t->pos;
		if (accept_op(p, ')'))
			return e;
		if (accept_kw(p, "DISTINCT"))
			e->distinct = 1;
		else
			(void)accept_kw(p, "ALL");
		do {
			struct expr *arg;

			if (is_op(p, '*')) {
				p->i++;
				arg = mk(p, E_STAR);
			} else if ((arg = expr(p)) == NULL)
				return NULL;
			PUSH(p, e->a, e->na, arg);
		} while (accept_op(p, ','));
		if (expect_op(p, ')') != 0)
			return NULL;
		return e;
	}
	e = mk(p, E_COL);
	for (;;) {
		struct token *id = peek(p);
		int k;

		if (id->k == TK_OP && id->op == '*') {
			/* t.* */
			p->i++;
			e->k = E_STAR;
			break;
		}
		if (id->k != TK_ID || e->q.n == 4) {
			syntax(p);
			return NULL;
		}
		p->i++;
		e->q.part[e->q.n++] = id->s;
		if (!is_op(p, '.'))
			break;
		p->i++;
		(void)k;
	}
	/* right-align the parts */
	if (e->q.n < 4) {
		char *tmp[4] = { NULL, NULL, NULL, NULL };
		int k;

		for (k = 0; k < e->q.n; k++)
			tmp[4 - e->q.n + k] = e->q.part[k];
		memcpy(e->q.part, tmp, sizeof(tmp));
	}
	/* a function qualified by schema: dbo.f(x) */
	if (is_op(p, '(') && e->k == E_COL) {
		syntax(p);
		return NULL;
	}
	return e;
}

static struct expr *
unary(struct parser *p)
{
	struct expr *e, *a;

	if (is_op(p, '-') || is_op(p, '+') || is_op(p, '~')) {
		int op = next(p)->op;

		if ((a = unary(p)) == NULL)
			return NULL;
		if (op == '+')
			return a;
		/* fold -literal so that -5 is an int literal, not -(5) */
		if (op == '-' && (a->k == E_INT || a->k == E_DEC ||
		    a->k == E_FLOAT) && a->s[0] != '-') {
			char *s = ar_alloc(p->a, a->n + 2);

			s[0] = '-';
			memcpy(s + 1, a->s, a->n + 1);
			a->s = s;
			a->n++;
			return a;
		}
		e = mk(p, op == '-' ? E_NEG : E_BITNOT);
		e->a = ar_alloc(p->a, sizeof(*e->a));
		e->a[0] = a;
		e->na = 1;
		return e;
	}
	return primary(p);
}

static struct expr *
mul(struct parser *p)
{
	struct expr *e = unary(p), *b;

	while (e != NULL && (is_op(p, '*') || is_op(p, '/') || is_op(p, '%'))) {
		int op = next(p)->op;

		if ((b = unary(p)) == NULL)
			return NULL;
		e = mk2(p, E_ARITH, op, e, b);
	}
	return e;
}

static struct expr *
add(struct parser *p)
{
	struct expr *e = mul(p), *b;

	while (e != NULL && (is_op(p, '+') || is_op(p, '-') || is_op(p, '&') ||
	    is_op(p, '|') || is_op(p, '^'))) {
		int op = next(p)->op;

		if ((b = mul(p)) == NULL)
			return NULL;
		e = mk2(p, E_ARITH, op, e, b);
	}
	return e;
}

static int
cmp_op(struct parser *p)
{
	struct token *t = peek(p);

	if (t->k != TK_OP)
		return 0;
	switch (t->op) {
	case '=': case '<': case '>': case OP_NE: case OP_LE: case OP_GE:
		return t->op;
	default:
		return 0;
	}
}

static struct expr *
comparison(struct parser *p)
{
	struct expr *e = add(p), *b;
	int op, neg;

	if (e == NULL)
		return NULL;
	for (;;) {
		if ((op = cmp_op(p)) != 0) {
			p->i++;
			if (is_kw(p, "ALL") || is_kw(p, "ANY") ||
			    is_kw(p, "SOME")) {
				syntax(p);
				return NULL;
			}
			if ((b = add(p)) == NULL)
				return NULL;
			e = mk2(p, E_CMP, op, e, b);
			continue;
		}
		if (accept_kw(p, "IS")) {
			struct expr *x = mk(p, E_ISNULL);

			x->neg = accept_kw(p, "NOT");
			if (expect_kw(p, "NULL") != 0)
				return NULL;
			x->a = ar_alloc(p->a, sizeof(*x->a));
			x->a[0] = e;
			x->na = 1;
			e = x;
			continue;
		}
		neg = 0;
		if (is_kw(p, "NOT") && (tk_is(peek2(p, 1), "LIKE") ||
		    tk_is(peek2(p, 1), "IN") || tk_is(peek2(p, 1), "BETWEEN"))) {
			p->i++;
			neg = 1;
		}
		if (accept_kw(p, "LIKE")) {
			if ((b = add(p)) == NULL)
				return NULL;
			e = mk2(p, E_LIKE, 0, e, b);
			e->neg = neg;
			if (accept_kw(p, "ESCAPE") && (e->base = add(p)) == NULL)
				return NULL;
			continue;
		}
		if (accept_kw(p, "BETWEEN")) {
			struct expr *lo, *hi;

			if ((lo = add(p)) == NULL || expect_kw(p, "AND") != 0 ||
			    (hi = add(p)) == NULL)
				return NULL;
			b = mk(p, E_BETWEEN);
			b->a = ar_alloc(p->a, 3 * sizeof(*b->a));
			b->a[0] = e;
			b->a[1] = lo;
			b->a[2] = hi;
			b->na = 3;
			b->neg = neg;
			e = b;
			continue;
		}
		if (accept_kw(p, "IN")) {
			b = mk(p, E_IN);
			b->neg = neg;
			if (expect_op(p, '(') != 0)
				return NULL;
			PUSH(p, b->a, b->na, e);
			if (at_select(p)) {
				if ((b->sub = parse_select(p)) == NULL)
					return NULL;
			} else {
				do {
					struct expr *x = expr(p);

					if (x == NULL)
						return NULL;
					PUSH(p, b->a, b->na, x);
				} while (accept_op(p, ','));
			}
			if (expect_op(p, ')') != 0)
				return NULL;
			e = b;
			continue;
		}
		break;
	}
	return e;
}

static struct expr *
notexpr(struct parser *p)
{
	if (accept_kw(p, "NOT")) {
		struct expr *e = mk(p, E_NOT), *a;

		if ((a = notexpr(p)) == NULL)
			return NULL;
		e->a = ar_alloc(p->a, sizeof(*e->a));
		e->a[0] = a;
		e->na = 1;
		return e;
	}
	return comparison(p);
}

static struct expr *
andexpr(struct parser *p)
{
	struct expr *e = notexpr(p), *b;

	while (e != NULL && accept_kw(p, "AND")) {
		if ((b = notexpr(p)) == NULL)
			return NULL;
		e = mk2(p, E_AND, 0, e, b);
	}
	return e;
}

static struct expr *
expr(struct parser *p)
{
	struct expr *e = andexpr(p), *b;

	while (e != NULL && accept_kw(p, "OR")) {
		if ((b = andexpr(p)) == NULL)
			return NULL;
		e = mk2(p, E_OR, 0, e, b);
	}
	return e;
}

/* ---------------------------------------------------------------- */
/* SELECT */

static int name_list(struct parser *p, char ***out, int *n);

static int
table_hints(struct parser *p, struct tref *tr)
{
	/* WITH (NOLOCK, TABLOCK, ...) */
	if (is_kw(p, "WITH") && peek2(p, 1)->k == TK_OP &&
	    peek2(p, 1)->op == '(') {
		p->i += 2;
		while (!is_op(p, ')')) {
			if (peek(p)->k == TK_EOF)
				return syntax(p);
			if (tr != NULL && is_kw(p, "NOLOCK"))
				tr->nolock = 1;
			p->i++;
		}
		p->i++;
	}
	return 0;
}

static int
parse_alias(struct parser *p, char **alias)
{
	*alias = NULL;
	if (accept_kw(p, "AS")) {
		struct token *t = next(p);

		if (t->k != TK_ID && t->k != TK_STR)
			return syntax(p);
		*alias = t->s;
		return 0;
	}
	if (peek(p)->k == TK_ID && !is_reserved(peek(p)) &&
	    !is_kw(p, "NOLOCK") && !(is_kw(p, "WITH"))) {
		*alias = next(p)->s;
	}
	return 0;
}

/* (VALUES (a, b), (c, d)): every row as wide as the first. */
static int
tvc_rows(struct parser *p, struct tref *tr)
{
	do {
		struct expr **row = NULL;
		int n = 0;

		if (expect_op(p, '(') != 0)
			return -1;
		do {
			struct expr *e = expr(p);

			if (e == NULL)
				return -1;
			PUSH(p, row, n, e);
		} while (accept_op(p, ','));
		if (expect_op(p, ')') != 0)
			return -1;
		if (tr->nvrows == 0)
			tr->nvcols = n;
		else if (n != tr->nvcols) {
			p->failed = 1;
			return tderr_set(p->e, 10709, 16,
			    "The number of columns for each row in a table value constructor must be the same.");
		}
		PUSH(p, tr->vrows, tr->nvrows, row);
	} while (accept_op(p, ','));
	return 0;
}

static int
parse_tref(struct parser *p, struct tref *tr)
{
	memset(tr, 0, sizeof(*tr));
	if (accept_op(p, '(')) {
		if (accept_kw(p, "VALUES")) {
			if (tvc_rows(p, tr) != 0 || expect_op(p, ')') != 0)
				return -1;
		} else if ((tr->sub = parse_select(p)) == NULL ||
		    expect_op(p, ')') != 0)
			return -1;
	} else if (qname(p, &tr->name) != 0)
		return -1;
	if (parse_alias(p, &tr->alias) != 0)
		return -1;
	/* derived table column aliases: AS v (c1, c2) */
	if ((tr->sub != NULL || tr->vrows != NULL) && tr->alias != NULL &&
	    is_op(p, '(') && name_list(p, &tr->calias, &tr->ncalias) != 0)
		return -1;
	if (tr->vrows != NULL && tr->ncalias != tr->nvcols &&
	    tr->ncalias != 0) {
		p->failed = 1;
		return tderr_set(p->e, 8158,  16,
		    "'%s' has more columns than were specified in the column list.",
		    tr->alias);
	}
	return table_hints(p, tr);
}

static int
parse_from(struct parser *p, struct tref **from, int *nfrom)
{
	struct tref tr;

	if (parse_tref(p, &tr) != 0)
		return -1;
	PUSH(p, *from, *nfrom, tr);
	for (;;) {
		int join = 0;

		if (accept_op(p, ','))
			join = 'C';
		else if (accept_kw(p, "CROSS")) {
			if (expect_kw(p, "JOIN") != 0)
				return -1;
			join = 'C';
		} else if (accept_kw(p, "INNER")) {
			if (expect_kw(p, "JOIN") != 0)
				return -1;
			join = 'I';
		} else if (accept_kw(p, "JOIN"))
			join = 'I';
		else if (is_kw(p, "LEFT") || is_kw(p, "RIGHT") ||
		    is_kw(p, "FULL")) {
			join = toupper((unsigned char)next(p)->s[0]);
			(void)accept_kw(p, "OUTER");
			if (expect_kw(p, "JOIN") != 0)
				return -1;
		} else
			break;
		if (parse_tref(p, &tr) != 0)
			return -1;
		tr.join = join;
		if (join != 'C') {
			if (expect_kw(p, "ON") != 0 || (tr.on = expr(p)) == NULL)
				return -1;
		}
		PUSH(p, *from, *nfrom, tr);
	}
	return 0;
}

static struct select *
parse_select1(struct parser *p)
{
	struct select *s = ar_alloc(p->a, sizeof(*s));

	if (expect_kw(p, "SELECT") != 0)
		return NULL;
	if (accept_kw(p, "DISTINCT"))
		s->distinct = 1;
	else
		(void)accept_kw(p, "ALL");
	if (accept_kw(p, "TOP")) {
		if (accept_op(p, '(')) {
			if ((s->top = expr(p)) == NULL || expect_op(p, ')') != 0)
				return NULL;
		} else if ((s->top = primary(p)) == NULL)
			return NULL;
		if (accept_kw(p, "PERCENT"))
			s->top_percent = 1;
	}
	do {
		struct selitem it;

		memset(&it, 0, sizeof(it));
		/* alias = expr, @var = expr */
		if (peek(p)->k == TK_VAR && peek2(p, 1)->k == TK_OP &&
		    peek2(p, 1)->op == '=') {
			it.assign = mk(p, E_VAR);
			it.assign->s = next(p)->s;
			p->i++;
		} else if (peek(p)->k == TK_ID && !is_reserved(peek(p)) &&
		    peek2(p, 1)->k == TK_OP && peek2(p, 1)->op == '=') {
			it.alias = next(p)->s;
			p->i++;
		} else if (peek(p)->k == TK_STR && peek2(p, 1)->k == TK_OP &&
		    peek2(p, 1)->op == '=') {
			it.alias = next(p)->s;
			p->i++;
		}
		if ((it.e = expr(p)) == NULL)
			return NULL;
		if (it.alias == NULL && it.e->k != E_STAR &&
		    parse_alias(p, &it.alias) != 0)
			return NULL;
		PUSH(p, s->items, s->nitems, it);
	} while (accept_op(p, ','));
	if (is_kw(p, "INTO")) {
		syntax(p);
		return NULL;
	}
	if (accept_kw(p, "FROM") && parse_from(p, &s->from, &s->nfrom) != 0)
		return NULL;
	if (accept_kw(p, "WHERE") && (s->where = expr(p)) == NULL)
		return NULL;
	if (is_kw(p, "GROUP")) {
		p->i++;
		if (expect_kw(p, "BY") != 0)
			return NULL;
		do {
			struct expr *g = expr(p);

			if (g == NULL)
				return NULL;
			PUSH(p, s->group, s->ngroup, g);
		} while (accept_op(p, ','));
	}
	if (accept_kw(p, "HAVING") && (s->having = expr(p)) == NULL)
		return NULL;
	return s;
}

static int
parse_order(struct parser *p, struct select *s)
{
	if (!is_kw(p, "ORDER"))
		return 0;
	p->i++;
	if (expect_kw(p, "BY") != 0)
		return -1;
	do {
		struct orderitem oi;

		memset(&oi, 0, sizeof(oi));
		if ((oi.e = expr(p)) == NULL)
			return -1;
		if (accept_kw(p, "DESC"))
			oi.desc = 1;
		else
			(void)accept_kw(p, "ASC");
		PUSH(p, s->order, s->norder, oi);
	} while (accept_op(p, ','));
	if (accept_kw(p, "OFFSET")) {
		if ((s->offset = expr(p)) == NULL)
			return -1;
		if (!accept_kw(p, "ROWS") && !accept_kw(p, "ROW"))
			return syntax(p);
		if (accept_kw(p, "FETCH")) {
			if (!accept_kw(p, "NEXT") && !accept_kw(p, "FIRST"))
				return syntax(p);
			if ((s->fetch = expr(p)) == NULL)
				return -1;
			if (!accept_kw(p, "ROWS") && !accept_kw(p, "ROW"))
				return syntax(p);
			if (expect_kw(p, "ONLY") != 0)
				return -1;
		}
	}
	return 0;
}

static struct select *
parse_select(struct parser *p)
{
	struct select *s = parse_select1(p), *cur = s;

	if (s == NULL)
		return NULL;
	while (is_kw(p, "UNION")) {
		p->i++;
		cur->union_all = accept_kw(p, "ALL");
		if ((cur->union_next = parse_select1(p)) == NULL)
			return NULL;
		cur = cur->union_next;
	}
	if (parse_order(p, s) != 0)
		return NULL;
	/* OPTION (...) query hints are accepted and ignored */
	if (is_kw(p, "OPTION") && peek2(p, 1)->k == TK_OP &&
	    peek2(p, 1)->op == '(') {
		int depth = 0;

		p->i++;
		do {
			if (is_op(p, '('))
				depth++;
			else if (is_op(p, ')'))
				depth--;
			if (peek(p)->k == TK_EOF) {
				syntax(p);
				return NULL;
			}
			p->i++;
		} while (depth > 0);
	}
	return s;
}

/* ---------------------------------------------------------------- */
/* Statements */

static struct stmt *statement(struct parser *p);

static struct stmt *
mkstmt(struct parser *p, enum sk k)
{
	struct stmt *s = ar_alloc(p->a, sizeof(*s));

	s->k = k;
	return s;
}

/* Text of the source from token index a to the current token. */
static char *
src_text(struct parser *p, size_t a)
{
	size_t from = p->t[a].pos, to = peek(p)->pos;

	while (to > from && isspace((unsigned char)p->src[to - 1]))
		to--;
	return ar_strndup(p->a, p->src + from, to - from);
}

/* Skip a balanced parenthesised group starting at '('. */
static int
skip_parens(struct parser *p)
{
	int depth = 0;

	do {
		if (peek(p)->k == TK_EOF)
			return syntax(p);
		if (is_op(p, '('))
			depth++;
		else if (is_op(p, ')'))
			depth--;
		p->i++;
	} while (depth > 0);
	return 0;
}

static int
name_list(struct parser *p, char ***out, int *n)
{
	if (expect_op(p, '(') != 0)
		return -1;
	do {
		char *c = ident(p);

		if (c == NULL)
			return -1;
		(void)(accept_kw(p, "ASC") || accept_kw(p, "DESC"));
		PUSH(p, *out, *n, c);
	} while (accept_op(p, ','));
	return expect_op(p, ')');
}

/* WITH (...) and ON [PRIMARY] / ON scheme(col) storage clauses */
static int
storage_clauses(struct parser *p)
{
	for (;;) {
		if (is_kw(p, "WITH") && peek2(p, 1)->k == TK_OP &&
		    peek2(p, 1)->op == '(') {
			p->i++;
			if (skip_parens(p) != 0)
				return -1;
		} else if (is_kw(p, "ON") && peek2(p, 1)->k == TK_ID) {
			p->i += 2;
			if (is_op(p, '(') && skip_parens(p) != 0)
				return -1;
		} else if (accept_kw(p, "TEXTIMAGE_ON")) {
			if (peek(p)->k != TK_ID)
				return syntax(p);
			p->i++;
		} else
			return 0;
	}
}

static int
constraint_body(struct parser *p, struct tcons *c)
{
	if (accept_kw(p, "PRIMARY")) {
		if (expect_kw(p, "KEY") != 0)
			return -1;
		c->kind = 'P';
	} else if (accept_kw(p, "UNIQUE"))
		c->kind = 'U';
	else if (accept_kw(p, "FOREIGN")) {
		if (expect_kw(p, "KEY") != 0)
			return -1;
		c->kind = 'F';
	} else if (accept_kw(p, "CHECK")) {
		size_t a;

		c->kind = 'C';
		(void)(accept_kw(p, "NOT") && accept_kw(p, "FOR") &&
		    accept_kw(p, "REPLICATION"));
		if (!is_op(p, '('))
			return syntax(p);
		a = p->i + 1;
		if (skip_parens(p) != 0)
			return -1;
		p->i--;
		c->check = src_text(p, a);
		p->i++;
		return 0;
	} else if (accept_kw(p, "DEFAULT")) {
		return syntax(p);
	} else
		return syntax(p);
	(void)(accept_kw(p, "CLUSTERED") || accept_kw(p, "NONCLUSTERED"));
	if (c->kind == 'F') {
		if (name_list(p, &c->cols, &c->ncols) != 0 ||
		    expect_kw(p, "REFERENCES") != 0 || qname(p, &c->ref) != 0)
			return -1;
		if (is_op(p, '(') && name_list(p, &c->refcols,
		    &c->nrefcols) != 0)
			return -1;
		while (accept_kw(p, "ON")) {
			int del = is_kw(p, "DELETE");

			if (!accept_kw(p, "DELETE") && !accept_kw(p, "UPDATE"))
				return syntax(p);
			if (accept_kw(p, "CASCADE")) {
				if (del)
					c->cascade = 1;
			} else if (accept_kw(p, "NO")) {
				if (expect_kw(p, "ACTION") != 0)
					return -1;
			} else if (accept_kw(p, "SET")) {
				if (!accept_kw(p, "NULL") &&
				    !accept_kw(p, "DEFAULT"))
					return syntax(p);
			} else
				return syntax(p);
		}
		(void)(accept_kw(p, "NOT") && accept_kw(p, "FOR") &&
		    accept_kw(p, "REPLICATION"));
		return 0;
	}
	if (name_list(p, &c->cols, &c->ncols) != 0)
		return -1;
	return storage_clauses(p);
}

static int
column_def(struct parser *p, struct stmt *st, struct coldef *cd)
{
	memset(cd, 0, sizeof(*cd));
	cd->nullable = -1;
	if ((cd->name = ident(p)) == NULL || parse_type(p, &cd->ty) != 0)
		return -1;
	for (;;) {
		char *cname = NULL;

		if (accept_kw(p, "CONSTRAINT")) {
			if ((cname = ident(p)) == NULL)
				return -1;
		}
		if (accept_kw(p, "NULL"))
			cd->nullable = 1;
		else if (is_kw(p, "NOT") && tk_is(peek2(p, 1), "NULL")) {
			p->i += 2;
			cd->nullable = 0;
		} else if (accept_kw(p, "IDENTITY")) {
			cd->identity = 1;
			cd->seed = cd->inc = 1;
			if (accept_op(p, '(')) {
				struct expr *a, *b;

				if ((a = unary(p)) == NULL ||
				    expect_op(p, ',') != 0 ||
				    (b = unary(p)) == NULL ||
				    expect_op(p, ')') != 0)
					return -1;
				if (a->k != E_INT || b->k != E_INT)
					return syntax(p);
				cd->seed = strtoll(a->s, NULL, 10);
				cd->inc = strtoll(b->s, NULL, 10);
				if (cd->inc == 0)
					return syntax(p);
			}
		} else if (accept_kw(p, "PRIMARY")) {
			if (expect_kw(p, "KEY") != 0)
				return -1;
			cd->pk = 1;
			cd->pkname = cname;
			(void)(accept_kw(p, "CLUSTERED") ||
			    accept_kw(p, "NONCLUSTERED"));
			if (storage_clauses(p) != 0)
				return -1;
		} else if (accept_kw(p, "UNIQUE")) {
			cd->unique = 1;
			cd->uqname = cname;
			(void)(accept_kw(p, "CLUSTERED") ||
			    accept_kw(p, "NONCLUSTERED"));
		} else if (accept_kw(p, "DEFAULT")) {
			size_t a = p->i;

			if (unary(p) == NULL)
				return -1;
			cd->dflt = src_text(p, a);
			cd->dfname = cname;
		} else if (accept_kw(p, "CHECK")) {
			size_t a;

			if (!is_op(p, '('))
				return syntax(p);
			a = p->i + 1;
			if (skip_parens(p) != 0)
				return -1;
			p->i--;
			cd->check = src_text(p, a);
			cd->ckname = cname;
			p->i++;
		} else if (accept_kw(p, "REFERENCES") ||
		    (is_kw(p, "FOREIGN") && tk_is(peek2(p, 1), "KEY") &&
		    (p->i += 2) && expect_kw(p, "REFERENCES") == 0)) {
			if (qname(p, &cd->ref) != 0)
				return -1;
			cd->fkname = cname;
			if (accept_op(p, '(')) {
				if ((cd->refcol = ident(p)) == NULL ||
				    expect_op(p, ')') != 0)
					return -1;
			}
			while (accept_kw(p, "ON")) {
				int del = is_kw(p, "DELETE");

				if (!accept_kw(p, "DELETE") &&
				    !accept_kw(p, "UPDATE"))
					return syntax(p);
				if (accept_kw(p, "CASCADE")) {
					if (del)
						cd->cascade = 1;
				} else if (accept_kw(p, "NO")) {
					if (expect_kw(p, "ACTION") != 0)
						return -1;
				} else
					return syntax(p);
			}
		} else if (accept_kw(p, "COLLATE")) {
			if (ident(p) == NULL)
				return -1;
		} else if (accept_kw(p, "SPARSE") || accept_kw(p, "ROWGUIDCOL")) {
			continue;
		} else if (cname != NULL)
			return syntax(p);
		else
			break;
	}
	(void)st;
	return 0;
}

static struct stmt *
create_table(struct parser *p)
{
	struct stmt *st = mkstmt(p, S_CREATE_TABLE);

	if (qname(p, &st->table) != 0 || expect_op(p, '(') != 0)
		return NULL;
	do {
		if (is_op(p, ')'))
			break;	/* trailing comma, as SQL Server allows */
		if (is_kw(p, "CONSTRAINT") || is_kw(p, "PRIMARY") ||
		    is_kw(p, "UNIQUE") || is_kw(p, "FOREIGN") ||
		    is_kw(p, "CHECK")) {
			struct tcons c;

			memset(&c, 0, sizeof(c));
			if (accept_kw(p, "CONSTRAINT") &&
			    (c.name = ident(p)) == NULL)
				return NULL;
			if (constraint_body(p, &c) != 0)
				return NULL;
			PUSH(p, st->cons, st->ncons, c);
		} else if (is_kw(p, "INDEX")) {
			/* inline index: INDEX name [CLUSTERED] (cols) */
			struct tcons c;

			memset(&c, 0, sizeof(c));
			p->i++;
			if ((c.name = ident(p)) == NULL)
				return NULL;
			c.kind = 'I';
			if (accept_kw(p, "UNIQUE"))
				c.kind = 'X';
			(void)(accept_kw(p, "CLUSTERED") ||
			    accept_kw(p, "NONCLUSTERED"));
			if (name_list(p, &c.cols, &c.ncols) != 0)
				return NULL;
			PUSH(p, st->cons, st->ncons, c);
		} else {
			struct coldef cd;

			if (column_def(p, st, &cd) != 0)
				return NULL;
			PUSH(p, st->coldefs, st->ncoldefs, cd);
		}
	} while (accept_op(p, ','));
	if (expect_op(p, ')') != 0 || storage_clauses(p) != 0)
		return NULL;
	return st;
}

static struct stmt *
create_index(struct parser *p, int unique)
{
	struct stmt *st = mkstmt(p, S_CREATE_INDEX);

	st->unique = unique;
	if ((st->name = ident(p)) == NULL || expect_kw(p, "ON") != 0 ||
	    qname(p, &st->table) != 0 ||
	    name_list(p, &st->cols, &st->ncols) != 0)
		return NULL;
	if (accept_kw(p, "INCLUDE") && skip_parens(p) != 0)
		return NULL;
	if (accept_kw(p, "WHERE")) {
		/* filtered index: tdsd indexes all rows */
		if (expr(p) == NULL)
			return NULL;
	}
	if (storage_clauses(p) != 0)
		return NULL;
	return st;
}

static int
insert_values(struct parser *p, struct stmt *st)
{
	do {
		struct expr **row = NULL;
		int n = 0;

		if (expect_op(p, '(') != 0)
			return -1;
		do {
			struct expr *e = expr(p);

			if (e == NULL)
				return -1;
			PUSH(p, row, n, e);
		} while (accept_op(p, ','));
		if (expect_op(p, ')') != 0)
			return -1;
		if (st->nrows > 0 && n != st->ncols && st->ncols == 0) {
			/* checked at bind time against the table */
		}
		PUSH(p, st->rows, st->nrows, row);
		/* remember each row's width in its first slot's neighbour */
		if (st->nrows == 1)
			st->nargs = n;
		else if (n != st->nargs) {
			p->failed = 1;
			return tderr_set(p->e, 10709, 16,
			    "The number of columns for each row in a table value constructor must be the same.");
		}
	} while (accept_op(p, ','));
	return 0;
}

static struct stmt *
insert_bulk(struct parser *p)
{
	struct stmt *st = mkstmt(p, S_INSERT_BULK);

	if (qname(p, &st->table) != 0)
		return NULL;
	if (accept_op(p, '(')) {
		do {
			struct sqltype ty;
			char *c = ident(p);

			if (c == NULL || parse_type(p, &ty) != 0)
				return NULL;
			if (accept_kw(p, "COLLATE") && ident(p) == NULL)
				return NULL;
			(void)accept_kw(p, "NULL");
			if (is_kw(p, "NOT") && tk_is(peek2(p, 1), "NULL"))
				p->i += 2;
			{
				int nt = st->ncols;

				PUSH(p, st->bulktypes, nt, ty);
				PUSH(p, st->cols, st->ncols, c);
			}
		} while (accept_op(p, ','));
		if (expect_op(p, ')') != 0)
			return NULL;
	}
	if (accept_kw(p, "WITH")) {
		size_t a = p->i;

		if (!is_op(p, '('))
			return (syntax(p), NULL);
		if (skip_parens(p) != 0)
			return NULL;
		st->hints = src_text(p, a);
	}
	return st;
}

static struct stmt *
insert(struct parser *p)
{
	struct stmt *st;

	/* FreeTDS: insert bulk <table> ([c] TYPE, ...) */
	if (is_kw(p, "BULK") && peek2(p, 1)->k == TK_ID &&
	    !tk_is(peek2(p, 1), "VALUES") && !tk_is(peek2(p, 1), "SELECT")) {
		p->i++;
		return insert_bulk(p);
	}
	st = mkstmt(p, S_INSERT);
	(void)accept_kw(p, "INTO");
	if (qname(p, &st->table) != 0)
		return NULL;
	(void)table_hints(p, NULL);
	if (is_op(p, '(') && !tk_is(peek2(p, 1), "SELECT")) {
		if (name_list(p, &st->cols, &st->ncols) != 0)
			return NULL;
	}
	if (accept_kw(p, "VALUES")) {
		if (insert_values(p, st) != 0)
			return NULL;
	} else if (accept_kw(p, "DEFAULT")) {
		if (expect_kw(p, "VALUES") != 0)
			return NULL;
		st->default_values = 1;
	} else if (is_kw(p, "SELECT") || is_op(p, '(')) {
		int paren = accept_op(p, '(');

		if ((st->sel = parse_select(p)) == NULL)
			return NULL;
		if (paren && expect_op(p, ')') != 0)
			return NULL;
	} else
		return (syntax(p), NULL);
	return st;
}

static int
set_list(struct parser *p, struct setitem **sets, int *nsets)
{
	do {
		struct setitem si;

		memset(&si, 0, sizeof(si));
		if (peek(p)->k == TK_VAR) {
			si.var = next(p)->s;
		} else if (qname(p, &si.col) != 0)
			return -1;
		if (expect_op(p, '=') != 0 || (si.e = expr(p)) == NULL)
			return -1;
		PUSH(p, *sets, *nsets, si);
	} while (accept_op(p, ','));
	return 0;
}

static struct stmt *
update(struct parser *p)
{
	struct stmt *st = mkstmt(p, S_UPDATE);

	if (accept_kw(p, "TOP")) {
		if (expect_op(p, '(') != 0 || (st->top = expr(p)) == NULL ||
		    expect_op(p, ')') != 0)
			return NULL;
	}
	if (qname(p, &st->table) != 0)
		return NULL;
	(void)table_hints(p, NULL);
	if (expect_kw(p, "SET") != 0 || set_list(p, &st->sets, &st->nsets) != 0)
		return NULL;
	if (accept_kw(p, "FROM") && parse_from(p, &st->from, &st->nfrom) != 0)
		return NULL;
	if (accept_kw(p, "WHERE") && (st->where = expr(p)) == NULL)
		return NULL;
	return st;
}

static struct stmt *
delete(struct parser *p)
{
	struct stmt *st = mkstmt(p, S_DELETE);

	if (accept_kw(p, "TOP")) {
		if (expect_op(p, '(') != 0 || (st->top = expr(p)) == NULL ||
		    expect_op(p, ')') != 0)
			return NULL;
	}
	(void)accept_kw(p, "FROM");
	if (qname(p, &st->table) != 0)
		return NULL;
	(void)table_hints(p, NULL);
	if (accept_kw(p, "FROM") && parse_from(p, &st->from, &st->nfrom) != 0)
		return NULL;
	if (accept_kw(p, "WHERE") && (st->where = expr(p)) == NULL)
		return NULL;
	return st;
}

/*
 * MERGE [INTO] t [AS] a USING src [AS] b ON cond
 *   WHEN MATCHED [AND c] THEN UPDATE SET ... | DELETE
 *   WHEN NOT MATCHED [BY TARGET] THEN INSERT (cols) VALUES (...);
 */
static struct stmt *
merge(struct parser *p)
{
	struct stmt *st = mkstmt(p, S_MERGE);

	(void)accept_kw(p, "INTO");
	if (qname(p, &st->table) != 0 || parse_alias(p, &st->alias) != 0 ||
	    expect_kw(p, "USING") != 0 || parse_tref(p, &st->msrc) != 0 ||
	    expect_kw(p, "ON") != 0 || (st->mon = expr(p)) == NULL)
		return NULL;
	while (accept_kw(p, "WHEN")) {
		int matched = !accept_kw(p, "NOT");

		if (expect_kw(p, "MATCHED") != 0)
			return NULL;
		if (!matched && accept_kw(p, "BY") && expect_kw(p, "TARGET") != 0)
			return NULL;
		if (is_kw(p, "AND"))
			return (syntax(p), NULL);
		if (expect_kw(p, "THEN") != 0)
			return NULL;
		if (matched) {
			if (accept_kw(p, "DELETE"))
				st->mdelete = 1;
			else if (expect_kw(p, "UPDATE") != 0 ||
			    expect_kw(p, "SET") != 0 ||
			    set_list(p, &st->msets, &st->nmsets) != 0)
				return NULL;
		} else {
			if (expect_kw(p, "INSERT") != 0)
				return NULL;
			if (is_op(p, '(') && name_list(p, &st->mcols,
			    &st->nmcols) != 0)
				return NULL;
			if (expect_kw(p, "VALUES") != 0 || expect_op(p, '(') != 0)
				return NULL;
			do {
				struct expr *e = expr(p);

				if (e == NULL)
					return NULL;
				PUSH(p, st->mvals, st->nmvals, e);
			} while (accept_op(p, ','));
			if (expect_op(p, ')') != 0)
				return NULL;
		}
	}
	return st;
}

static struct stmt *
set_stmt(struct parser *p)
{
	struct stmt *st;
	struct token *t;
	size_t a;

	if (peek(p)->k == TK_VAR) {
		st = mkstmt(p, S_SETVAR);
		if (set_list(p, &st->sets, &st->nsets) != 0)
			return NULL;
		return st;
	}
	st = mkstmt(p, S_SET);
	t = peek(p);
	if (t->k != TK_ID)
		return (syntax(p), NULL);
	if (accept_kw(p, "TRANSACTION")) {
		st->opt = "TRANSACTION ISOLATION LEVEL";
		if (expect_kw(p, "ISOLATION") != 0 || expect_kw(p, "LEVEL") != 0)
			return NULL;
		a = p->i;
		while (peek(p)->k == TK_ID && (is_kw(p, "READ") ||
		    is_kw(p, "COMMITTED") || is_kw(p, "UNCOMMITTED") ||
		    is_kw(p, "REPEATABLE") || is_kw(p, "SERIALIZABLE") ||
		    is_kw(p, "SNAPSHOT")))
			p->i++;
		if (p->i == a)
			return (syntax(p), NULL);
		st->optval = src_text(p, a);
		return st;
	}
	if (accept_kw(p, "IDENTITY_INSERT")) {
		st->opt = "IDENTITY_INSERT";
		if (qname(p, &st->optobj) != 0)
			return NULL;
		t = next(p);
		if (!tk_is(t, "ON") && !tk_is(t, "OFF"))
			return (p->i--, syntax(p), NULL);
		st->optval = t->s;
		return st;
	}
	/* SET opt[, opt...] ON|OFF, or SET opt value */
	st->opt = next(p)->s;
	while (accept_op(p, ',')) {
		char *more = ident(p);
		size_t len;
		char *j;

		if (more == NULL)
			return NULL;
		len = strlen(st->opt) + strlen(more) + 2;
		j = ar_alloc(p->a, len);
		snprintf(j, len, "%s,%s", st->opt, more);
		st->opt = j;
	}
	t = peek(p);
	if (t->k == TK_ID || t->k == TK_NUM || t->k == TK_STR ||
	    t->k == TK_VAR) {
		p->i++;
		st->optval = t->s;
		if (t->k == TK_NUM && t->s[0] != '-' && 0)
			return NULL;
		return st;
	}
	if (t->k == TK_OP && t->op == '-' && peek2(p, 1)->k == TK_NUM) {
		a = p->i;
		p->i += 2;
		st->optval = src_text(p, a);
		return st;
	}
	return (syntax(p), NULL);
}

static struct stmt *
declare(struct parser *p)
{
	struct stmt *st = mkstmt(p, S_DECLARE);

	do {
		struct setitem si;

		memset(&si, 0, sizeof(si));
		if (peek(p)->k != TK_VAR)
			return (syntax(p), NULL);
		si.var = next(p)->s;
		(void)accept_kw(p, "AS");
		if (is_kw(p, "TABLE"))
			return (syntax(p), NULL);
		if (parse_type(p, &si.ty) != 0)
			return NULL;
		if (p->deflen)
			si.ty.len = 1;
		if (accept_op(p, '=') && (si.e = expr(p)) == NULL)
			return NULL;
		PUSH(p, st->sets, st->nsets, si);
	} while (accept_op(p, ','));
	return st;
}

static struct stmt *
exec_stmt(struct parser *p)
{
	struct stmt *st;

	if (accept_op(p, '(')) {
		struct expr *e;

		st = mkstmt(p, S_EXEC_STR);
		if ((e = expr(p)) == NULL || expect_op(p, ')') != 0)
			return NULL;
		st->args = ar_alloc(p->a, sizeof(*st->args));
		st->args[0] = e;
		st->nargs = 1;
		return st;
	}
	st = mkstmt(p, S_EXEC);
	if (peek(p)->k == TK_VAR && peek2(p, 1)->k == TK_OP &&
	    peek2(p, 1)->op == '=')
		p->i += 2;	/* @rc = proc: the status is not kept */
	if (qname(p, &st->table) != 0)
		return NULL;
	if (peek(p)->k == TK_EOF || is_op(p, ';'))
		return st;
	/* arguments: [@name =] expr [OUTPUT], ... up to the next statement */
	if (!(peek(p)->k == TK_STR || peek(p)->k == TK_NUM ||
	    peek(p)->k == TK_VAR || peek(p)->k == TK_HEX ||
	    is_op(p, '-') || is_kw(p, "NULL") ||
	    (peek(p)->k == TK_ID && !is_reserved(peek(p)))))
		return st;
	do {
		char *name = NULL;
		struct expr *e;

		if (peek(p)->k == TK_VAR && peek2(p, 1)->k == TK_OP &&
		    peek2(p, 1)->op == '=') {
			name = next(p)->s;
			p->i++;
		}
		if (peek(p)->k == TK_ID && !is_reserved(peek(p)) &&
		    !(peek2(p, 1)->k == TK_OP && (peek2(p, 1)->op == '.' ||
		    peek2(p, 1)->op == '('))) {
			/* a bare word argument is a string (sp_help x) */
			struct token *t = next(p);

			e = mk(p, E_STR);
			e->s = t->s;
			e->n = t->n;
			e->nstr = 1;
		} else if ((e = expr(p)) == NULL)
			return NULL;
		(void)(accept_kw(p, "OUTPUT") || accept_kw(p, "OUT"));
		{
			int n = st->nargs;

			PUSH(p, st->args, st->nargs, e);
			PUSH(p, st->argnames, n, name);
		}
	} while (accept_op(p, ','));
	return st;
}

static struct stmt *
block(struct parser *p)
{
	struct stmt *st = mkstmt(p, S_BLOCK);

	while (!is_kw(p, "END")) {
		struct stmt *s;

		if (peek(p)->k == TK_EOF)
			return (syntax(p), NULL);
		if (accept_op(p, ';'))
			continue;
		if ((s = statement(p)) == NULL)
			return NULL;
		PUSH(p, st->list, st->nlist, s);
	}
	p->i++;
	return st;
}

static struct stmt *
statement(struct parser *p)
{
	struct token *t = peek(p);
	struct stmt *st = NULL;
	size_t start = p->i;

	if (t->k != TK_ID || t->quoted) {
		if (t->k == TK_OP && t->op == '(' && tk_is(peek2(p, 1),
		    "SELECT")) {
			st = mkstmt(p, S_SELECT);
			p->i++;
			if ((st->sel = parse_select(p)) == NULL ||
			    expect_op(p, ')') != 0)
				return NULL;
			goto done;
		}
		return (syntax(p), NULL);
	}
	if (accept_kw(p, "SELECT")) {
		p->i--;
		st = mkstmt(p, S_SELECT);
		if ((st->sel = parse_select(p)) == NULL)
			return NULL;
	} else if (accept_kw(p, "INSERT")) {
		st = insert(p);
	} else if (accept_kw(p, "UPDATE")) {
		st = update(p);
	} else if (accept_kw(p, "DELETE")) {
		st = delete(p);
	} else if (accept_kw(p, "MERGE")) {
		st = merge(p);
	} else if (accept_kw(p, "CREATE")) {
		int unique = 0;

		if (accept_kw(p, "TABLE"))
			st = create_table(p);
		else if (accept_kw(p, "SCHEMA")) {
			st = mkstmt(p, S_CREATE_SCHEMA);
			if ((st->name = ident(p)) == NULL)
				return NULL;
			if (accept_kw(p, "AUTHORIZATION") && ident(p) == NULL)
				return NULL;
		} else {
			if (accept_kw(p, "UNIQUE"))
				unique = 1;
			(void)(accept_kw(p, "CLUSTERED") ||
			    accept_kw(p, "NONCLUSTERED"));
			if (accept_kw(p, "INDEX"))
				st = create_index(p, unique);
			else if (is_kw(p, "VIEW") || is_kw(p, "PROCEDURE") ||
			    is_kw(p, "PROC") || is_kw(p, "FUNCTION") ||
			    is_kw(p, "TRIGGER") || is_kw(p, "TYPE")) {
				p->failed = 1;
				tderr_set(p->e, 50000, 16,
				    "tdsd: CREATE %s is not supported (see tests/tdsd/README)",
				    peek(p)->s);
				return NULL;
			} else
				return (syntax(p), NULL);
		}
	} else if (accept_kw(p, "DROP")) {
		if (accept_kw(p, "TABLE")) {
			st = mkstmt(p, S_DROP_TABLE);
			if (accept_kw(p, "IF")) {
				if (expect_kw(p, "EXISTS") != 0)
					return NULL;
				st->if_exists = 1;
			}
			if (qname(p, &st->table) != 0)
				return NULL;
			/* more tables: DROP TABLE a, b */
			while (accept_op(p, ',')) {
				struct stmt *more = mkstmt(p, S_DROP_TABLE);

				if (qname(p, &more->table) != 0)
					return NULL;
				more->if_exists = st->if_exists;
				PUSH(p, st->list, st->nlist, more);
			}
		} else if (accept_kw(p, "INDEX")) {
			st = mkstmt(p, S_DROP_INDEX);
			if (accept_kw(p, "IF")) {
				if (expect_kw(p, "EXISTS") != 0)
					return NULL;
				st->if_exists = 1;
			}
			if ((st->name = ident(p)) == NULL)
				return NULL;
			if (accept_kw(p, "ON")) {
				if (qname(p, &st->table) != 0)
					return NULL;
			} else if (accept_op(p, '.')) {
				/* DROP INDEX table.index */
				st->table.part[3] = st->name;
				st->table.n = 1;
				if ((st->name = ident(p)) == NULL)
					return NULL;
			}
		} else
			return (syntax(p), NULL);
	} else if (accept_kw(p, "TRUNCATE")) {
		st = mkstmt(p, S_TRUNCATE);
		if (expect_kw(p, "TABLE") != 0 || qname(p, &st->table) != 0)
			return NULL;
	} else if (accept_kw(p, "ALTER")) {
		st = mkstmt(p, S_ALTER_ADD);
		if (expect_kw(p, "TABLE") != 0 || qname(p, &st->table) != 0)
			return NULL;
		if (accept_kw(p, "WITH")) {
			if (!accept_kw(p, "CHECK") && !accept_kw(p, "NOCHECK"))
				return (syntax(p), NULL);
		}
		if (expect_kw(p, "ADD") != 0)
			return NULL;
		do {
			if (is_kw(p, "CONSTRAINT") || is_kw(p, "PRIMARY") ||
			    is_kw(p, "UNIQUE") || is_kw(p, "FOREIGN") ||
			    is_kw(p, "CHECK")) {
				struct tcons c;

				memset(&c, 0, sizeof(c));
				if (accept_kw(p, "CONSTRAINT") &&
				    (c.name = ident(p)) == NULL)
					return NULL;
				if (constraint_body(p, &c) != 0)
					return NULL;
				PUSH(p, st->cons, st->ncons, c);
			} else {
				struct coldef cd;

				if (column_def(p, st, &cd) != 0)
					return NULL;
				PUSH(p, st->coldefs, st->ncoldefs, cd);
			}
		} while (accept_op(p, ','));
	} else if (accept_kw(p, "BEGIN")) {
		if (accept_kw(p, "TRAN") || accept_kw(p, "TRANSACTION")) {
			st = mkstmt(p, S_BEGIN_TRAN);
			if (peek(p)->k == TK_ID && !is_reserved(peek(p)) &&
			    !is_kw(p, "TRAN"))
				st->name = next(p)->s;
			else if (peek(p)->k == TK_VAR)
				p->i++;
		} else if (is_kw(p, "TRY") || is_kw(p, "DISTRIBUTED")) {
			p->failed = 1;
			tderr_set(p->e, 50000, 16,
			    "tdsd: BEGIN %s is not supported (see tests/tdsd/README)",
			    peek(p)->s);
			return NULL;
		} else
			st = block(p);
	} else if (accept_kw(p, "COMMIT") || accept_kw(p, "ROLLBACK")) {
		st = mkstmt(p, tk_is(t, "COMMIT") ? S_COMMIT : S_ROLLBACK);
		if (accept_kw(p, "TRAN") || accept_kw(p, "TRANSACTION") ||
		    accept_kw(p, "WORK")) {
			if (peek(p)->k == TK_ID && !is_reserved(peek(p)))
				st->name = next(p)->s;
			else if (peek(p)->k == TK_VAR)
				p->i++;
		}
	} else if (accept_kw(p, "SAVE")) {
		st = mkstmt(p, S_SAVE_TRAN);
		if (!accept_kw(p, "TRAN") && !accept_kw(p, "TRANSACTION"))
			return (syntax(p), NULL);
		if ((st->name = ident(p)) == NULL)
			return NULL;
	} else if (accept_kw(p, "SET")) {
		st = set_stmt(p);
	} else if (accept_kw(p, "USE")) {
		st = mkstmt(p, S_USE);
		if ((st->name = ident(p)) == NULL)
			return NULL;
	} else if (accept_kw(p, "IF")) {
		st = mkstmt(p, S_IF);
		if ((st->cond = expr(p)) == NULL ||
		    (st->body = statement(p)) == NULL)
			return NULL;
		while (accept_op(p, ';'))
			;
		if (accept_kw(p, "ELSE") && (st->els = statement(p)) == NULL)
			return NULL;
	} else if (accept_kw(p, "WHILE")) {
		st = mkstmt(p, S_WHILE);
		if ((st->cond = expr(p)) == NULL ||
		    (st->body = statement(p)) == NULL)
			return NULL;
	} else if (accept_kw(p, "DECLARE")) {
		st = declare(p);
	} else if (accept_kw(p, "EXEC") || accept_kw(p, "EXECUTE")) {
		st = exec_stmt(p);
	} else if (accept_kw(p, "PRINT")) {
		st = mkstmt(p, S_PRINT);
		st->args = ar_alloc(p->a, sizeof(*st->args));
		if ((st->args[0] = expr(p)) == NULL)
			return NULL;
		st->nargs = 1;
	} else if (accept_kw(p, "RAISERROR") || accept_kw(p, "THROW")) {
		int paren;

		st = mkstmt(p, tk_is(t, "THROW") ? S_THROW : S_RAISERROR);
		paren = st->k == S_RAISERROR && accept_op(p, '(');
		if (st->k == S_THROW && (is_op(p, ';') ||
		    peek(p)->k == TK_EOF))
			goto done;
		do {
			struct expr *e = expr(p);

			if (e == NULL)
				return NULL;
			PUSH(p, st->args, st->nargs, e);
		} while (accept_op(p, ','));
		if (paren && expect_op(p, ')') != 0)
			return NULL;
		if (accept_kw(p, "WITH")) {
			do {
				if (ident(p) == NULL)
					return NULL;
			} while (accept_op(p, ','));
		}
	} else if (accept_kw(p, "WAITFOR")) {
		st = mkstmt(p, S_WAITFOR);
		if (!accept_kw(p, "DELAY"))
			return (syntax(p), NULL);
		st->args = ar_alloc(p->a, sizeof(*st->args));
		if ((st->args[0] = primary(p)) == NULL)
			return NULL;
		st->nargs = 1;
	} else if (accept_kw(p, "RETURN")) {
		st = mkstmt(p, S_RETURN);
	} else if (p->i == 0 && !is_reserved(t)) {
		/* a procedure name as the first word of a batch */
		st = exec_stmt(p);
	} else
		return (syntax(p), NULL);
done:
	if (st == NULL)
		return NULL;
	st->line = p->t[start].line;
	st->pos = p->t[start].pos;
	st->end = peek(p)->pos;
	return st;
}

int
sql_parse(struct arena *a, const char *text, size_t n, struct stmt ***out,
    int *nout, struct tderr *e)
{
	struct parser p;
	struct stmt **list = NULL;
	int nl = 0;

	memset(&p, 0, sizeof(p));
	p.a = a;
	p.src = text;
	p.srclen = n;
	p.e = e;
	if (lex(&p) != 0) {
		free(p.t);
		return -1;
	}
	while (peek(&p)->k != TK_EOF) {
		struct stmt *st;

		if (accept_op(&p, ';'))
			continue;
		if (is_kw(&p, "GO") && (peek2(&p, 1)->k == TK_EOF ||
		    peek2(&p, 1)->line != peek(&p)->line)) {
			/* tools strip GO; tolerate it on a line of its own */
			p.i++;
			continue;
		}
		if ((st = statement(&p)) == NULL) {
			if (!p.failed)
				syntax(&p);
			free(p.t);
			return -1;
		}
		PUSH(&p, list, nl, st);
	}
	free(p.t);
	*out = list;
	*nout = nl;
	return 0;
}
