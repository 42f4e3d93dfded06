/*
 * exec: runs parsed T-SQL statements against SQLite with SQL Server's
 * semantics and error numbers.
 *
 * Writes go through one path (struct ins for INSERT and bulk loads, the
 * same checks for UPDATE): every value is converted to its column's type
 * in C (sqlval_conv: 245, 241, 8114, 8115), string lengths are checked
 * (2628), NULLs against nullability (515) and foreign keys by lookup
 * (547, naming the constraint) before SQLite stores the row; SQLite's
 * own PRIMARY KEY, UNIQUE and CHECK constraints give 2627, 2601 and 547.
 * Every statement is atomic (a SAVEPOINT, or its own SQLite transaction
 * outside BEGIN TRANSACTION); an error terminates the statement, the
 * batch (binding and conversion errors, THROW, 1205) or, with
 * SET XACT_ABORT ON, rolls the transaction back, as SQL Server does.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "claimkit/xalloc.h"
#include "tdsd.h"

/* CurCmd values of DONE tokens (the statement's token in SQL Server). */
#define CMD_SELECT	0xC1
#define CMD_INSERT	0xC3
#define CMD_DELETE	0xC4
#define CMD_UPDATE	0xC5
#define CMD_BULK	0xF0

/* How far an error reaches. */
enum { FAIL_STMT, FAIL_BATCH, FAIL_ROLLBACK };

/* Statement kinds tdsd parses but does not run: the batch is refused. */
static const char *
unsupported_kind(enum sk k)
{
	switch (k) {
	case S_MERGE: return "MERGE";
	default: return NULL;
	}
}

/* ---------------------------------------------------------------- */
/* SQLite helpers and error mapping */

void
exec_sqlite_err(struct sess *s, int rc, struct tderr *e)
{
	const char *msg = sqlite3_errmsg(s->db);

	if (msg != NULL && tderr_from_sqlite(msg, e) == 0)
		return;
	switch (rc & 0xFF) {
	case SQLITE_BUSY:
		if (rc == SQLITE_BUSY_SNAPSHOT) {
			tderr_set(e, 1205, 13,
			    "Transaction (Process ID %d) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.",
			    s->spid);
			break;
		}
		/* FALLTHROUGH */
	case SQLITE_LOCKED:
		tderr_set(e, 1222, 16, "Lock request time out period exceeded.");
		break;
	case SQLITE_NOMEM:
		tderr_set(e, 701, 17,
		    "There is insufficient system memory in resource pool 'internal' to run this query.");
		break;
	case SQLITE_FULL:
		tderr_set(e, 1105, 17,
		    "Could not allocate space for object in database '%s' because the filegroup is full.",
		    s->conf->dbname);
		break;
	case SQLITE_TOOBIG:
		tderr_set(e, 8152, 16,
		    "String or binary data would be truncated.");
		break;
	default:
		tderr_set(e, 50000, 16, "tdsd: SQLite: %s",
		    msg ? msg : "error");
		break;
	}
}

static int
sq_exec(struct sess *s, const char *sql, struct tderr *e)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK) {
		if (e != NULL)
			exec_sqlite_err(s, rc, e);
		return -1;
	}
	return 0;
}

static int
sq_prepare(struct sess *s, const char *sql, sqlite3_stmt **st,
    struct tderr *e)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);

	if (rc != SQLITE_OK) {
		exec_sqlite_err(s, rc, e);
		sqlite3_finalize(*st);
		*st = NULL;
		return -1;
	}
	return 0;
}

/* Errors that abort the batch (and the transaction) in SQL Server. */
static int
err_reach(const struct tderr *e)
{
	switch (e->num) {
	case 1205:
	case 206: case 220: case 241: case 242: case 245: case 248:
	case 257: case 517: case 529: case 8114: case 8115: case 8134:
		return FAIL_ROLLBACK;
	default:
		return FAIL_STMT;
	}
}

static void
env_tran(struct sess *s, int type)
{
	uint8_t id[8];
	int i;

	for (i = 0; i < 8; i++)
		id[i] = (uint8_t)(s->tranid >> (8 * i));
	sess_flush_done(s, 1);
	if (type == 8)
		tok_env_bytes(&s->out, 8, id, 8, NULL, 0);
	else
		tok_env_bytes(&s->out, type, NULL, 0, id, 8);
}

void
exec_rollback_all(struct sess *s)
{
	if (s->in_stmt_tx || s->sqlite_tx)
		(void)sq_exec(s, "ROLLBACK", NULL);
	s->in_stmt_tx = 0;
	s->sqlite_tx = 0;
	if (s->trancount > 0) {
		s->trancount = 0;
		env_tran(s, 10);
	}
}

/* SQLite rolled the transaction back by itself (some I/O and busy errors). */
static void
check_autorollback(struct sess *s)
{
	if ((s->sqlite_tx || s->in_stmt_tx) && sqlite3_get_autocommit(s->db)) {
		s->in_stmt_tx = 0;
		s->sqlite_tx = 0;
		if (s->trancount > 0) {
			s->trancount = 0;
			env_tran(s, 10);
		}
	}
}

/*
 * Report a failed statement: ERROR, then DONE(ERROR); how far it
 * reaches decides whether the batch goes on.
 */
static int
fail(struct sess *s, struct tderr *e, int how, unsigned curcmd)
{
	int r = err_reach(e);

	if (r > how)
		how = r;
	if (s->xact_abort && e->cls >= 11)
		how = FAIL_ROLLBACK;
	sess_error(s, e);
	check_autorollback(s);
	if (how == FAIL_ROLLBACK)
		exec_rollback_all(s);
	if (how != FAIL_STMT)
		s->batch_abort = 1;
	sess_done(s, DONE_ERROR, curcmd, 0);
	return -1;
}

static void
done_count(struct sess *s, unsigned curcmd, int64_t n)
{
	s->rowcount = n;
	sess_done(s, s->nocount ? 0 : DONE_COUNT, curcmd, (uint64_t)n);
}

/* Start the SQLite transaction of a user transaction (lazily). */
static int
ensure_tx(struct sess *s, struct tderr *e)
{
	if (s->trancount > 0 && !s->sqlite_tx) {
		if (sq_exec(s, "BEGIN IMMEDIATE", e) != 0)
			return -1;
		s->sqlite_tx = 1;
	}
	return 0;
}

/* A writing statement: atomic on its own. */
static int
wbegin(struct sess *s, struct tderr *e)
{
	if (ensure_tx(s, e) != 0)
		return -1;
	if (s->sqlite_tx || s->in_stmt_tx)
		return sq_exec(s, "SAVEPOINT tdsd_stmt", e);
	if (sq_exec(s, "BEGIN IMMEDIATE", e) != 0)
		return -1;
	s->in_stmt_tx = 1;
	return 0;
}

static int
wend(struct sess *s, int ok, struct tderr *e)
{
	if (s->in_stmt_tx && !s->sqlite_tx) {
		s->in_stmt_tx = 0;
		if (ok) {
			if (sq_exec(s, "COMMIT", e) == 0)
				return 0;
			(void)sq_exec(s, "ROLLBACK", NULL);
			return -1;
		}
		(void)sq_exec(s, "ROLLBACK", NULL);
		return 0;
	}
	if (sqlite3_get_autocommit(s->db))
		return 0;	/* rolled back already */
	if (!ok)
		(void)sq_exec(s, "ROLLBACK TO tdsd_stmt", NULL);
	return sq_exec(s, "RELEASE tdsd_stmt", ok ? e : NULL);
}

/* ---------------------------------------------------------------- */
/* Names and messages */

static const char *
dbname(struct sess *s)
{
	return s->conf->dbname;
}

static void
gctx_init(struct gctx *g, struct sess *s, struct arena *a, struct tderr *e)
{
	memset(g, 0, sizeof(*g));
	g->s = s;
	g->a = a;
	g->e = e;
}

/* The name of the one column a CHECK constraint's text mentions, if one. */
static const char *
check_column(const struct table *t, const char *text)
{
	const char *p = text, *found = NULL;

	while (p != NULL && *p != '\0') {
		if (*p == '\'') {
			for (p++; *p != '\0'; p++)
				if (*p == '\'' && p[1] != '\'')
					break;
				else if (*p == '\'')
					p++;
			if (*p != '\0')
				p++;
			continue;
		}
		if (isalpha((unsigned char)*p) || *p == '_' || *p == '[') {
			const char *a = *p == '[' ? p + 1 : p, *b = a;
			char name[130];
			int k;

			while (isalnum((unsigned char)*b) || *b == '_')
				b++;
			if ((size_t)(b - a) < sizeof(name)) {
				memcpy(name, a, (size_t)(b - a));
				name[b - a] = '\0';
				if ((k = cat_colidx(t, name)) >= 0) {
					if (found != NULL &&
					    !ieq(found, t->cols[k].name))
						return NULL;
					found = t->cols[k].name;
				}
			}
			p = *b == ']' ? b + 1 : b;
			if (b == a)
				p++;
			continue;
		}
		p++;
	}
	return found;
}

static const char *
verb_fails(const char *verb)
{
	return verb;
}

/* Map a failed step of an INSERT/UPDATE/DELETE to SQL Server's error. */
static void
constraint_err(struct sess *s, int rc, struct table *t, const char *verb,
    const struct sqlval *row, struct tderr *e)
{
	const char *msg = sqlite3_errmsg(s->db);
	char disp[300];
	int i, j;

	cat_display(t, disp, sizeof(disp));
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) {
		/* "UNIQUE constraint failed: dbo.T.a, dbo.T.b" */
		const char *p = strstr(msg, "failed: ");
		int cols[32], nc = 0;
		struct key *k = NULL;
		struct buf v = BUF_INIT;

		if (p != NULL)
			p += 8;
		while (p != NULL && *p != '\0' && nc < 32) {
			const char *end = strstr(p, ", ");
			size_t len = end ? (size_t)(end - p) : strlen(p);
			size_t pl = strlen(t->sqlname);
			char name[256];

			if (len > pl + 1 && strncmp(p, t->sqlname, pl) == 0 &&
			    p[pl] == '.' && len - pl - 1 < sizeof(name)) {
				memcpy(name, p + pl + 1, len - pl - 1);
				name[len - pl - 1] = '\0';
				if ((cols[nc] = cat_colidx(t, name)) >= 0)
					nc++;
			}
			p = end ? end + 2 : NULL;
		}
		for (i = 0; i < t->nkeys && k == NULL; i++) {
			struct key *c = &t->keys[i];

			if (c->kind == 'I' || c->ncols != nc)
				continue;
			if ((rc == SQLITE_CONSTRAINT_PRIMARYKEY) !=
			    (c->kind == 'P'))
				continue;
			for (j = 0; j < nc; j++)
				if (c->cols[j] != cols[j])
					break;
			if (j == nc)
				k = c;
		}
		buf_addc(&v, '(');
		for (j = 0; j < nc; j++) {
			if (j > 0)
				buf_adds(&v, ", ");
			if (row != NULL)
				sqlval_msgtext(&row[cols[j]],
				    &t->cols[cols[j]].ty, &v);
		}
		buf_addc(&v, ')');
		if (k != NULL && k->kind == 'X')
			tderr_set(e, 2601, 14,
			    "Cannot insert duplicate key row in object '%s' with unique index '%s'. The duplicate key value is %s.",
			    disp, k->name, v.s);
		else
			tderr_set(e, 2627, 14,
			    "Violation of %s constraint '%s'. Cannot insert duplicate key in object '%s'. The duplicate key value is %s.",
			    k != NULL && k->kind == 'U' ? "UNIQUE KEY" :
			    "PRIMARY KEY", k != NULL ? k->name : "?", disp,
			    v.s);
		buf_free(&v);
		return;
	}
	if (rc == SQLITE_CONSTRAINT_CHECK) {
		/* "CHECK constraint failed: CK_name" */
		const char *p = strstr(msg, "failed: ");
		char name[256] = "?";
		const char *col = NULL;
		sqlite3_stmt *st;

		if (p != NULL)
			snprintf(name, sizeof(name), "%s", p + 8);
		if (sqlite3_prepare_v2(s->db, "SELECT definition FROM"
		    " tdsd_objects WHERE type = 'C' AND name = ?1 AND"
		    " parent_id = ?2", -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, t->id);
			if (sqlite3_step(st) == SQLITE_ROW &&
			    sqlite3_column_text(st, 0) != NULL)
				col = check_column(t,
				    (const char *)sqlite3_column_text(st, 0));
			sqlite3_finalize(st);
		}
		if (col != NULL)
			tderr_set(e, 547, 16,
			    "The %s statement conflicted with the CHECK constraint \"%s\". The conflict occurred in database \"%s\", table \"%s\", column '%s'.",
			    verb, name, dbname(s), disp, col);
		else
			tderr_set(e, 547, 16,
			    "The %s statement conflicted with the CHECK constraint \"%s\". The conflict occurred in database \"%s\", table \"%s\".",
			    verb, name, dbname(s), disp);
		return;
	}
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
		/* a row that others reference (DELETE, UPDATE of a key) */
		struct table *c;

		for (c = s->cat->tables; c != NULL; c = c->next)
			for (i = 0; i < c->nfks; i++)
				if (c->fks[i].refid == t->id &&
				    !c->fks[i].cascade) {
					char cd[300];

					tderr_set(e, 547, 16,
					    "The %s statement conflicted with the REFERENCE constraint \"%s\". The conflict occurred in database \"%s\", table \"%s\", column '%s'.",
					    verb, c->fks[i].name, dbname(s),
					    cat_display(c, cd, sizeof(cd)),
					    c->fks[i].ncols > 0 ?
					    c->cols[c->fks[i].cols[0]].name :
					    "?");
					return;
				}
		for (i = 0; i < t->nfks; i++) {
			tderr_set(e, 547, 16,
			    "The %s statement conflicted with the FOREIGN KEY constraint \"%s\". The conflict occurred in database \"%s\", table \"%s\".",
			    verb, t->fks[i].name, dbname(s),
			    t->fks[i].refname ? t->fks[i].refname : "?");
			return;
		}
		tderr_set(e, 547, 16,
		    "The %s statement conflicted with a FOREIGN KEY constraint in database \"%s\", table \"%s\".",
		    verb, dbname(s), disp);
		return;
	}
	if (rc == SQLITE_CONSTRAINT_NOTNULL) {
		tderr_set(e, 515, 16,
		    "Cannot insert the value NULL into column, table '%s.%s'; column does not allow nulls. %s fails.",
		    dbname(s), disp, verb_fails(verb));
		return;
	}
	exec_sqlite_err(s, rc, e);
}

/* ---------------------------------------------------------------- */
/* Storing values: checks shared by INSERT, UPDATE and bulk loads */

/*
 * Convert v to column c's type and check it the way SQL Server does
 * when it stores a value.  out is the stored value (owns its text).
 */
static int
store_value(struct sess *s, struct table *t, struct col *c,
    const struct sqlval *v, const char *verb, struct sqlval *out,
    struct tderr *e)
{
	char disp[300];

	if (v->null || v->t == ST_NULL) {
		sqlval_null(out);
		out->t = c->ty.t;
		if (!c->nullable)
			return tderr_set(e, 515, 16,
			    "Cannot insert the value NULL into column '%s', table '%s.%s'; column does not allow nulls. %s fails.",
			    c->name, dbname(s), cat_display(t, disp,
			    sizeof(disp)), verb);
		return 0;
	}
	if (sqlval_conv(v, &c->ty, 0, out, e) != 0)
		return -1;
	if (out->null)
		return store_value(s, t, c, out, verb, out, e);
	if (out->s != NULL && out->s != out->own.s && (st_is_str(out->t) ||
	    st_is_bin(out->t))) {
		/* own the text: the source may go away */
		const char *p = out->s;
		size_t n = out->n;

		out->own.len = 0;
		buf_add(&out->own, p, n);
		out->s = out->own.s;
	}
	if ((st_is_str(c->ty.t) || st_is_bin(c->ty.t)) &&
	    c->ty.len != LEN_MAX) {
		size_t len = st_is_nstr(c->ty.t) ?
		    utf8_units16(out->s, out->n) : st_is_str(c->ty.t) ?
		    utf8_chars(out->s, out->n) : out->n;

		if (len > (size_t)c->ty.len) {
			size_t n = out->n;

			/* trailing blanks go quietly, as in SQL Server */
			if (st_is_str(c->ty.t)) {
				while (n > 0 && out->s[n - 1] == ' ')
					n--;
				len = st_is_nstr(c->ty.t) ?
				    utf8_units16(out->s, n) :
				    utf8_chars(out->s, n);
			}
			if (len > (size_t)c->ty.len) {
				struct buf tv = BUF_INIT;
				size_t i = 0, k = 0;

				/* the value cut at the column's length */
				if (st_is_bin(c->ty.t)) {
					for (i = 0; i < (size_t)c->ty.len &&
					    i < 40; i++)
						buf_printf(&tv, "%02X",
						    (unsigned char)out->s[i]);
				} else {
					while (i < out->n && k <
					    (size_t)c->ty.len) {
						i++;
						while (i < out->n &&
						    ((unsigned char)out->s[i] &
						    0xC0) == 0x80)
							i++;
						k++;
					}
					buf_add(&tv, out->s, i);
				}
				if (s->conf->legacy_trunc)
					tderr_set(e, 8152, 16,
					    "String or binary data would be truncated.");
				else
					tderr_set(e, 2628, 16,
					    "String or binary data would be truncated in table '%s.%s', column '%s'. Truncated value: '%s'.",
					    dbname(s), cat_display(t, disp,
					    sizeof(disp)), c->name,
					    tv.s ? tv.s : "");
				buf_free(&tv);
				return -1;
			}
			out->n = n;
		}
	}
	return 0;
}

/* Evaluate a column's DEFAULT (its T-SQL text) as a value of the column. */
static int
eval_default(struct sess *s, struct table *t, struct col *c,
    struct sqlval *out, struct tderr *e)
{
	struct arena a = { NULL };
	struct stmt **list;
	int n, rc = -1;
	struct gctx g;
	struct sqlval v;
	struct sqltype ty;
	struct buf sql = BUF_INIT;

	memset(out, 0, sizeof(*out));
	buf_printf(&sql, "SELECT %s", c->dflt);
	gctx_init(&g, s, &a, e);
	memset(&v, 0, sizeof(v));
	if (sql_parse(&a, sql.s, sql.len, &list, &n, e) != 0 || n != 1 ||
	    list[0]->k != S_SELECT || list[0]->sel->nitems != 1) {
		if (n != 1)
			tderr_set(e, 50000, 16,
			    "tdsd: the default of column '%s' cannot be evaluated",
			    c->name);
		goto out;
	}
	if (gen_const(&g, list[0]->sel->items[0].e, &v, &ty) != 0)
		goto out;
	rc = store_value(s, t, c, &v, "INSERT", out, e);
out:
	sqlval_free(&v);
	buf_free(&sql);
	ar_free(&a);
	return rc;
}

struct ins {
	struct sess	*s;
	struct table	*t;
	const char	*verb;
	int		*src;		/* per table column: source index or -1 */
	int		*have_dflt;
	struct sqlval	*dflt;
	struct sqlval	*row;		/* per table column: the stored value */
	sqlite3_stmt	*st;
	sqlite3_stmt	**fk;
	int		 explicit_ident;
	int		 ident_loaded;
	int64_t		 ident_next;
	int64_t		 ident_last;
	int		 ident_used;
	int		 bulk, keep_nulls;
	int64_t		 n;
};

/* A source value that means "the column's default" (INSERT VALUES). */
#define IS_DEFAULT(v)	((v)->t == ST_NTYPES)

static void
ins_close(struct ins *in, int ok)
{
	int i;

	if (in->t == NULL)
		return;
	if (ok && in->ident_used) {
		sqlite3_stmt *st;

		if (sqlite3_prepare_v2(in->s->db, "UPDATE tdsd_objects SET"
		    " ident_cur = ?1 WHERE object_id = ?2", -1, &st,
		    NULL) == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, in->ident_last);
			sqlite3_bind_int64(st, 2, in->t->id);
			(void)sqlite3_step(st);
			sqlite3_finalize(st);
		}
		in->s->identity = in->ident_last;
		in->s->has_identity = 1;
	}
	sqlite3_finalize(in->st);
	for (i = 0; i < in->t->nfks; i++)
		sqlite3_finalize(in->fk[i]);
	free(in->fk);
	for (i = 0; i < in->t->ncols; i++) {
		sqlval_free(&in->dflt[i]);
		sqlval_free(&in->row[i]);
	}
	free(in->dflt);
	free(in->have_dflt);
	free(in->row);
	free(in->src);
	in->t = NULL;
}

/*
 * Prepare to insert rows into t; names[] are the source columns (NULL:
 * every column but the identity, in table order).
 */
static int
ins_open(struct ins *in, struct sess *s, struct table *t, char **names,
    int nnames, int bulk, int keep_ident, struct tderr *e)
{
	struct buf sql = BUF_INIT;
	int i, k;
	char disp[300];

	memset(in, 0, sizeof(*in));
	in->s = s;
	in->verb = "INSERT";
	in->bulk = bulk;
	in->src = xcalloc((size_t)t->ncols, sizeof(int));
	in->have_dflt = xcalloc((size_t)t->ncols, sizeof(int));
	in->dflt = xcalloc((size_t)t->ncols, sizeof(struct sqlval));
	in->row = xcalloc((size_t)t->ncols, sizeof(struct sqlval));
	in->fk = xcalloc((size_t)t->nfks + 1, sizeof(sqlite3_stmt *));
	in->t = t;
	for (i = 0; i < t->ncols; i++)
		in->src[i] = -1;
	if (names == NULL) {
		for (i = 0, k = 0; i < t->ncols; i++)
			if (!t->cols[i].identity)
				in->src[i] = k++;
	} else
		for (k = 0; k < nnames; k++) {
			if ((i = cat_colidx(t, names[k])) < 0) {
				tderr_set(e, 207, 16, "Invalid column name '%s'.",
				    names[k]);
				goto fail;
			}
			if (in->src[i] >= 0) {
				tderr_set(e, 264, 16,
				    "The column name '%s' is specified more than once in the SET clause or column list of an INSERT. A column cannot be assigned more than one value in the same clause. Modify the clause to make sure that a column is updated only once. If the SET clause updates columns of a view, column name '%s' may appear twice in the view definition.",
				    t->cols[i].name, t->cols[i].name);
				goto fail;
			}
			if (t->cols[i].identity && !keep_ident &&
			    (s->ident_insert == NULL ||
			    !ieq(s->ident_insert, t->sqlname))) {
				tderr_set(e, 544, 16,
				    "Cannot insert explicit value for identity column in table '%s' when IDENTITY_INSERT is set to OFF.",
				    t->name);
				goto fail;
			}
			if (t->cols[i].identity)
				in->explicit_ident = 1;
			in->src[i] = k;
		}
	buf_adds(&sql, "INSERT INTO ");
	sqlq(&sql, t->sqlname);
	buf_adds(&sql, " (");
	for (i = 0; i < t->ncols; i++) {
		if (i > 0)
			buf_addc(&sql, ',');
		sqlq(&sql, t->cols[i].name);
	}
	buf_adds(&sql, ") VALUES (");
	for (i = 0; i < t->ncols; i++)
		buf_printf(&sql, "%s?%d", i ? "," : "", i + 1);
	buf_addc(&sql, ')');
	if (sq_prepare(s, sql.s, &in->st, e) != 0)
		goto fail;
	for (i = 0; i < t->nfks; i++) {
		struct fkey *f = &t->fks[i];
		struct table *r = cat_find_id(s, f->refid);

		if (r == NULL || f->ncols == 0)
			continue;
		buf_reset(&sql);
		buf_adds(&sql, "SELECT 1 FROM ");
		sqlq(&sql, r->sqlname);
		for (k = 0; k < f->ncols; k++) {
			buf_adds(&sql, k ? " AND " : " WHERE ");
			sqlq(&sql, f->refcols[k]);
			buf_printf(&sql, " = ?%d", k + 1);
		}
		buf_adds(&sql, " LIMIT 1");
		if (sq_prepare(s, sql.s, &in->fk[i], e) != 0)
			goto fail;
	}
	buf_free(&sql);
	(void)disp;
	return 0;
fail:
	buf_free(&sql);
	ins_close(in, 0);
	return -1;
}

static int
ins_ident(struct ins *in, struct tderr *e)
{
	struct table *t = in->t;

	if (!in->ident_loaded) {
		sqlite3_stmt *st;
		int rc;

		if (sq_prepare(in->s, "SELECT ident_cur, ident_seed, ident_inc"
		    " FROM tdsd_objects WHERE object_id = ?1", &st, e) != 0)
			return -1;
		sqlite3_bind_int64(st, 1, t->id);
		if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
			exec_sqlite_err(in->s, rc, e);
			sqlite3_finalize(st);
			return -1;
		}
		in->ident_next = sqlite3_column_type(st, 0) == SQLITE_NULL ?
		    sqlite3_column_int64(st, 1) :
		    sqlite3_column_int64(st, 0) + sqlite3_column_int64(st, 2);
		sqlite3_finalize(st);
		in->ident_loaded = 1;
	}
	return 0;
}

/*
 * Store one row; vals[] are the source values in the order of the names
 * given to ins_open().  0, or -1 with e set.
 */
static int
ins_row(struct ins *in, const struct sqlval *vals, struct tderr *e)
{
	struct table *t = in->t;
	struct sess *s = in->s;
	int i, k, rc;

	for (i = 0; i < t->ncols; i++) {
		struct col *c = &t->cols[i];
		const struct sqlval *v = in->src[i] >= 0 ? &vals[in->src[i]] :
		    NULL;

		if (v != NULL && IS_DEFAULT(v))
			v = NULL;
		if (c->identity && (v == NULL || !in->explicit_ident)) {
			if (ins_ident(in, e) != 0)
				return -1;
			sqlval_null(&in->row[i]);
			in->row[i].null = 0;
			in->row[i].t = c->ty.t;
			in->row[i].i = in->ident_next;
			in->ident_last = in->ident_next;
			in->ident_next += t->inc != 0 ? t->inc : 1;
			in->ident_used = 1;
			continue;
		}
		if (v != NULL && v->null && in->bulk && !in->keep_nulls &&
		    c->dflt != NULL)
			v = NULL;
		if (v == NULL && c->dflt != NULL) {
			if (!in->have_dflt[i]) {
				if (eval_default(s, t, c, &in->dflt[i], e) != 0)
					return -1;
				in->have_dflt[i] = 1;
			}
			v = &in->dflt[i];
		}
		if (v == NULL) {
			struct sqlval nv;

			memset(&nv, 0, sizeof(nv));
			nv.null = 1;
			nv.t = ST_NULL;
			if (store_value(s, t, c, &nv, in->verb, &in->row[i],
			    e) != 0)
				return -1;
			continue;
		}
		if (store_value(s, t, c, v, in->verb, &in->row[i], e) != 0)
			return -1;
	}
	/* foreign keys: the referenced row must exist */
	for (k = 0; k < t->nfks; k++) {
		struct fkey *f = &t->fks[k];
		sqlite3_stmt *st = in->fk[k];
		int j, isnull = 0;

		if (st == NULL)
			continue;
		for (j = 0; j < f->ncols; j++)
			if (in->row[f->cols[j]].null)
				isnull = 1;
		if (isnull)
			continue;
		sqlite3_reset(st);
		for (j = 0; j < f->ncols; j++)
			sqlval_bind(st, j + 1, &in->row[f->cols[j]],
			    &t->cols[f->cols[j]].ty);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			continue;
		if (rc != SQLITE_DONE) {
			exec_sqlite_err(s, rc, e);
			return -1;
		}
		return tderr_set(e, 547, 16,
		    "The %s statement conflicted with the FOREIGN KEY constraint \"%s\". The conflict occurred in database \"%s\", table \"%s\", column '%s'.",
		    in->verb, f->name, dbname(s), f->refname ? f->refname : "?",
		    f->ncols > 0 ? f->refcols[0] : "?");
	}
	sqlite3_reset(in->st);
	for (i = 0; i < t->ncols; i++)
		if ((rc = sqlval_bind(in->st, i + 1, &in->row[i],
		    &t->cols[i].ty)) != SQLITE_OK) {
			exec_sqlite_err(s, rc, e);
			return -1;
		}
	rc = sqlite3_step(in->st);
	if (rc != SQLITE_DONE) {
		rc = sqlite3_extended_errcode(s->db);
		sqlite3_reset(in->st);
		constraint_err(s, rc, t, in->verb, in->row, e);
		return -1;
	}
	in->n++;
	return 0;
}

/* ---------------------------------------------------------------- */
/* Result sets */

static void
send_colmeta(struct sess *s, const struct ocol *cols, int n)
{
	struct tdsout *o = &s->out;
	int i;

	sess_flush_done(s, 1);
	out_u8(o, TOK_COLMETADATA);
	out_u16(o, (unsigned)n);
	for (i = 0; i < n; i++) {
		unsigned flags = 0x0008;

		if (cols[i].nullable)
			flags |= 0x0001;
		if (cols[i].base != NULL && cols[i].base->identity)
			flags |= 0x0010;
		if (s->tdsver >= TDS72)
			out_u32(o, 0);
		else
			out_u16(o, 0);
		out_u16(o, flags);
		tds_typeinfo(o, &cols[i].ty, 1);
		out_bvarchar(o, cols[i].name);
	}
}

/* Run a compiled SELECT and send its rows. */
static int
send_rows(struct sess *s, const struct csel *cs, int64_t *nrows,
    struct tderr *e)
{
	sqlite3_stmt *st;
	struct tdsout *o = &s->out;
	struct sqlval v;
	int rc, i;
	int64_t n = 0;

	*nrows = 0;
	if (sq_prepare(s, cs->sql, &st, e) != 0)
		return -1;
	send_colmeta(s, cs->cols, cs->ncols);
	memset(&v, 0, sizeof(v));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t mark = o->b.len;

		if (s->rowcount_limit > 0 && n >= s->rowcount_limit)
			break;
		out_u8(o, TOK_ROW);
		for (i = 0; i < cs->ncols; i++) {
			sqlval_column(st, i, &cs->cols[i].ty, &v);
			if (tds_value(o, &cs->cols[i].ty, 1, &v, e) != 0) {
				o->b.len = mark;
				sqlval_free(&v);
				sqlite3_finalize(st);
				*nrows = n;
				return -1;
			}
		}
		n++;
		out_maybe_flush(o);
		if (o->failed)
			break;
		if ((n & 255) == 0 && sess_check_attn(s))
			break;
	}
	sqlval_free(&v);
	*nrows = n;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		exec_sqlite_err(s, sqlite3_extended_errcode(s->db), e);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

static int
x_select(struct sess *s, struct stmt *stt, struct arena *a)
{
	struct tderr e;
	struct gctx g;
	struct csel cs;
	int64_t n;

	gctx_init(&g, s, a, &e);
	if (gen_select(&g, stt->sel, NULL, &cs) != 0)
		return fail(s, &e, g.abort ? FAIL_BATCH : FAIL_STMT, CMD_SELECT);
	if (s->fmtonly) {
		send_colmeta(s, cs.cols, cs.ncols);
		sess_done(s, 0, CMD_SELECT, 0);
		return 0;
	}
	if (send_rows(s, &cs, &n, &e) != 0)
		return fail(s, &e, FAIL_STMT, CMD_SELECT);
	done_count(s, CMD_SELECT, n);
	return 0;
}

/* ---------------------------------------------------------------- */
/* INSERT */

struct rows {
	struct sqlval	*v;	/* nrows * ncols */
	int		 ncols;
	size_t		 nrows, cap;
};

static void
rows_free(struct rows *r)
{
	size_t i;

	for (i = 0; i < r->nrows * (size_t)r->ncols; i++)
		sqlval_free(&r->v[i]);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static struct sqlval *
rows_add(struct rows *r)
{
	struct sqlval *p;

	if (r->nrows == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = xreallocarray(r->v, r->cap * (size_t)r->ncols,
		    sizeof(*r->v));
	}
	p = &r->v[r->nrows++ * (size_t)r->ncols];
	memset(p, 0, sizeof(*p) * (size_t)r->ncols);
	return p;
}

/*
 * Read a compiled SELECT's rows into memory: SQL Server evaluates the
 * source of an INSERT..SELECT before it inserts (no Halloween effect).
 */
static int
read_rows(struct sess *s, const char *sql, const struct sqltype *tys,
    int ncols, int64_t limit, struct rows *r, struct tderr *e)
{
	sqlite3_stmt *st;
	int rc, i;

	memset(r, 0, sizeof(*r));
	r->ncols = ncols;
	if (sq_prepare(s, sql, &st, e) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sqlval *row, tmp;

		if (limit >= 0 && (int64_t)r->nrows >= limit)
			break;
		row = rows_add(r);
		for (i = 0; i < ncols; i++) {
			memset(&tmp, 0, sizeof(tmp));
			sqlval_column(st, i, &tys[i], &tmp);
			sqlval_copy(&row[i], &tmp);
			sqlval_free(&tmp);
		}
		if ((r->nrows & 1023) == 0 && sess_check_attn(s))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		exec_sqlite_err(s, sqlite3_extended_errcode(s->db), e);
		sqlite3_finalize(st);
		rows_free(r);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

static struct table *
find_table(struct sess *s, const struct qname *q, struct tderr *e)
{
	struct table *t = cat_find(s, q);
	struct buf b = BUF_INIT;
	int i;

	if (t != NULL && !t->sys)
		return t;
	for (i = 4 - q->n; i < 4; i++) {
		if (i > 4 - q->n)
			buf_addc(&b, '.');
		if (q->part[i] != NULL)
			buf_adds(&b, q->part[i]);
	}
	tderr_set(e, 208, 16, "Invalid object name '%s'.", b.s ? b.s : "");
	buf_free(&b);
	return NULL;
}

static int
x_insert(struct sess *s, struct stmt *st, struct arena *a)
{
	struct tderr e;
	struct gctx g;
	struct table *t;
	struct ins in;
	struct rows rows;
	int nsrc, ok = 0, how = FAIL_STMT;
	size_t i;

	memset(&rows, 0, sizeof(rows));
	gctx_init(&g, s, a, &e);
	if ((t = find_table(s, &st->table, &e)) == NULL)
		return fail(s, &e, FAIL_BATCH, CMD_INSERT);
	if (s->fmtonly) {
		sess_done(s, 0, CMD_INSERT, 0);
		return 0;
	}
	nsrc = st->ncols;
	if (nsrc == 0)
		for (i = 0; i < (size_t)t->ncols; i++)
			nsrc += !t->cols[i].identity || (s->ident_insert &&
			    ieq(s->ident_insert, t->sqlname));
	/* the source rows */
	if (st->default_values) {
		rows.ncols = 0;
		(void)rows_add(&rows);
		nsrc = 0;
	} else if (st->sel != NULL) {
		struct csel cs;
		struct sqltype *tys;
		int k;

		if (gen_select(&g, st->sel, NULL, &cs) != 0)
			return fail(s, &e, g.abort ? FAIL_BATCH : FAIL_STMT,
			    CMD_INSERT);
		if (cs.ncols != nsrc)
			goto width;
		tys = ar_alloc(a, sizeof(*tys) * (size_t)cs.ncols);
		for (k = 0; k < cs.ncols; k++)
			tys[k] = cs.cols[k].ty;
		if (read_rows(s, cs.sql, tys, cs.ncols, -1, &rows, &e) != 0)
			return fail(s, &e, FAIL_STMT, CMD_INSERT);
	} else {
		struct scope sc;
		size_t r;
		int k;

		if (st->nrows > 0 && st->nargs != nsrc)
			goto width;
		memset(&sc, 0, sizeof(sc));
		rows.ncols = nsrc;
		for (r = 0; r < (size_t)st->nrows; r++) {
			struct sqlval *row = rows_add(&rows);

			for (k = 0; k < nsrc; k++) {
				struct expr *x = st->rows[r][k];
				struct sqltype ty;

				if (x->k == E_DEFAULT) {
					row[k].t = ST_NTYPES;
					continue;
				}
				if (gen_const(&g, x, &row[k], &ty) != 0) {
					rows_free(&rows);
					return fail(s, &e, g.abort ? FAIL_BATCH :
					    FAIL_STMT, CMD_INSERT);
				}
			}
		}
	}
	if (wbegin(s, &e) != 0) {
		rows_free(&rows);
		return fail(s, &e, FAIL_STMT, CMD_INSERT);
	}
	if (ins_open(&in, s, t, st->ncols ? st->cols : NULL, st->ncols, 0, 0,
	    &e) != 0) {
		how = FAIL_BATCH;
		goto out;
	}
	if (st->default_values) {
		/* every column from its default */
		int k;

		for (k = 0; k < t->ncols; k++)
			in.src[k] = -1;
	}
	for (i = 0; i < rows.nrows; i++) {
		if (ins_row(&in, &rows.v[i * (size_t)rows.ncols], &e) != 0) {
			ins_close(&in, 0);
			goto out;
		}
		if ((i & 1023) == 1023 && sess_check_attn(s)) {
			ins_close(&in, 0);
			rows_free(&rows);
			(void)wend(s, 0, NULL);
			return -1;
		}
	}
	ok = 1;
	{
		int64_t n = in.n;

		ins_close(&in, 1);
		rows_free(&rows);
		if (wend(s, 1, &e) != 0)
			return fail(s, &e, FAIL_STMT, CMD_INSERT);
		done_count(s, CMD_INSERT, n);
		return 0;
	}
out:
	rows_free(&rows);
	(void)wend(s, ok, NULL);
	return fail(s, &e, how, CMD_INSERT);
width:
	rows_free(&rows);
	tderr_set(&e, nsrc < (st->sel ? 0 : st->nargs) ? 110 : 109, 15,
	    "There are %s columns in the INSERT statement than values specified in the VALUES clause. The number of values in the VALUES clause must match the number of columns specified in the INSERT statement.",
	    nsrc > (st->sel ? 0 : st->nargs) ? "more" : "fewer");
	if (st->sel != NULL)
		tderr_set(&e, 120, 15,
		    "The select list for the INSERT statement contains %s items than the insert list. The number of SELECT values must match the number of INSERT columns.",
		    "a different number of");
	return fail(s, &e, FAIL_BATCH, CMD_INSERT);
}

/* ---------------------------------------------------------------- */
/* UPDATE and DELETE */

/* The FROM scope of an UPDATE/DELETE and the source that is the target. */
static int
target_scope(struct gctx *g, struct stmt *st, struct table *t,
    struct scope *sc, struct buf *from, const char **al)
{
	struct tref *list;
	int n, i;

	memset(sc, 0, sizeof(*sc));
	if (st->nfrom > 0) {
		list = st->from;
		n = st->nfrom;
	} else {
		list = ar_alloc(g->a, sizeof(*list));
		list[0].name = st->table;
		n = 1;
	}
	if (gen_from(g, list, n, sc, from) != 0)
		return -1;
	*al = NULL;
	for (i = 0; i < sc->n; i++)
		if (sc->s[i].t == t && ieq(sc->s[i].name,
		    st->table.part[3])) {
			*al = sc->s[i].sqlal;
			break;
		}
	if (*al == NULL)
		for (i = 0; i < sc->n; i++)
			if (sc->s[i].t == t && *al == NULL)
				*al = sc->s[i].sqlal;
	if (*al == NULL) {
		/* UPDATE t ... FROM others: t joins the FROM list */
		struct tref *l2 = ar_alloc(g->a, sizeof(*l2) * (size_t)(n + 1));

		l2[0].name = st->table;
		memcpy(l2 + 1, list, sizeof(*l2) * (size_t)n);
		l2[1].join = 'C';
		memset(sc, 0, sizeof(*sc));
		buf_reset(from);
		if (gen_from(g, l2, n + 1, sc, from) != 0)
			return -1;
		*al = sc->s[0].sqlal;
	}
	return 0;
}

static int
x_update(struct sess *s, struct stmt *st, struct arena *a)
{
	struct tderr e;
	struct gctx g;
	struct table *t;
	struct scope sc;
	struct buf from = BUF_INIT, sql = BUF_INIT;
	const char *al, *w = NULL;
	int *cols, i, k, ok = 0;
	struct sqltype *tys;
	struct rows rows;
	int64_t top = -1, n = 0;
	sqlite3_stmt *up = NULL;
	struct sqlval *stored = NULL;

	memset(&rows, 0, sizeof(rows));
	gctx_init(&g, s, a, &e);
	if ((t = find_table(s, &st->table, &e)) == NULL)
		return fail(s, &e, FAIL_BATCH, CMD_UPDATE);
	if (target_scope(&g, st, t, &sc, &from, &al) != 0)
		goto bindfail;
	cols = ar_alloc(a, sizeof(*cols) * (size_t)st->nsets);
	tys = ar_alloc(a, sizeof(*tys) * (size_t)(st->nsets + 1));
	buf_printf(&sql, "SELECT %s.rowid", al);
	tys[0].t = ST_BIGINT;
	for (i = 0; i < st->nsets; i++) {
		struct setitem *si = &st->sets[i];
		struct gx x;

		if (si->var != NULL) {
			tderr_set(&e, 50000, 16,
			    "tdsd: UPDATE ... SET @variable is not implemented");
			g.abort = 1;
			goto bindfail;
		}
		if ((cols[i] = cat_colidx(t, si->col.part[3])) < 0) {
			tderr_set(&e, 207, 16, "Invalid column name '%s'.",
			    si->col.part[3]);
			g.abort = 1;
			goto bindfail;
		}
		for (k = 0; k < i; k++)
			if (cols[k] == cols[i]) {
				tderr_set(&e, 264, 16,
				    "The column name '%s' is specified more than once in the SET clause or column list of an INSERT. A column cannot be assigned more than one value in the same clause. Modify the clause to make sure that a column is updated only once. If the SET clause updates columns of a view, column name '%s' may appear twice in the view definition.",
				    t->cols[cols[i]].name,
				    t->cols[cols[i]].name);
				g.abort = 1;
				goto bindfail;
			}
		if (t->cols[cols[i]].identity) {
			tderr_set(&e, 8102, 16,
			    "Cannot update identity column '%s'.",
			    t->cols[cols[i]].name);
			g.abort = 1;
			goto bindfail;
		}
		if (si->e->k == E_DEFAULT) {
			tderr_set(&e, 50000, 16,
			    "tdsd: UPDATE ... SET col = DEFAULT is not implemented");
			g.abort = 1;
			goto bindfail;
		}
		if (gen_expr(&g, &sc, si->e, &x) != 0)
			goto bindfail;
		if (x.pred) {
			tderr_set(&e, 4145, 16,
			    "An expression of non-boolean type specified in a context where a condition is expected.");
			g.abort = 1;
			goto bindfail;
		}
		tys[i + 1] = x.ty.t == ST_NULL ? t->cols[cols[i]].ty : x.ty;
		buf_printf(&sql, ", %s", gen_sql(&g, &x));
	}
	buf_printf(&sql, " FROM %s", from.s);
	if (st->where != NULL) {
		if (gen_pred(&g, &sc, st->where, &w) != 0)
			goto bindfail;
		buf_printf(&sql, " WHERE %s", w);
	}
	if (st->top != NULL) {
		struct sqlval tv;
		struct sqltype tt;

		if (gen_const(&g, st->top, &tv, &tt) != 0)
			goto bindfail;
		top = tv.null ? 0 : st_is_exact(tv.t) ? tv.i : 0;
		sqlval_free(&tv);
	}
	if (s->rowcount_limit > 0 && (top < 0 || top > s->rowcount_limit))
		top = s->rowcount_limit;
	if (s->fmtonly) {
		buf_free(&from);
		buf_free(&sql);
		sess_done(s, 0, CMD_UPDATE, 0);
		return 0;
	}
	if (wbegin(s, &e) != 0)
		goto runfail;
	if (read_rows(s, sql.s, tys, st->nsets + 1, top, &rows, &e) != 0) {
		(void)wend(s, 0, NULL);
		goto runfail;
	}
	buf_reset(&sql);
	buf_adds(&sql, "UPDATE ");
	sqlq(&sql, t->sqlname);
	for (i = 0; i < st->nsets; i++) {
		buf_adds(&sql, i ? ", " : " SET ");
		sqlq(&sql, t->cols[cols[i]].name);
		buf_printf(&sql, " = ?%d", i + 1);
	}
	buf_printf(&sql, " WHERE rowid = ?%d", st->nsets + 1);
	if (sq_prepare(s, sql.s, &up, &e) != 0)
		goto out;
	stored = xcalloc((size_t)t->ncols, sizeof(*stored));
	for (n = 0; (size_t)n < rows.nrows; n++) {
		struct sqlval *row = &rows.v[(size_t)n * (size_t)rows.ncols];
		int rc;

		sqlite3_reset(up);
		for (i = 0; i < st->nsets; i++) {
			struct col *c = &t->cols[cols[i]];

			if (store_value(s, t, c, &row[i + 1], "UPDATE",
			    &stored[cols[i]], &e) != 0)
				goto out;
			sqlval_bind(up, i + 1, &stored[cols[i]], &c->ty);
		}
		sqlite3_bind_int64(up, st->nsets + 1, row[0].i);
		if ((rc = sqlite3_step(up)) != SQLITE_DONE) {
			rc = sqlite3_extended_errcode(s->db);
			sqlite3_reset(up);
			constraint_err(s, rc, t, "UPDATE", stored, &e);
			goto out;
		}
	}
	ok = 1;
out:
	sqlite3_finalize(up);
	if (stored != NULL) {
		for (i = 0; i < t->ncols; i++)
			sqlval_free(&stored[i]);
		free(stored);
	}
	rows_free(&rows);
	buf_free(&from);
	buf_free(&sql);
	if (wend(s, ok, &e) != 0 || !ok)
		return fail(s, &e, FAIL_STMT, CMD_UPDATE);
	done_count(s, CMD_UPDATE, n);
	return 0;
runfail:
	buf_free(&from);
	buf_free(&sql);
	return fail(s, &e, FAIL_STMT, CMD_UPDATE);
bindfail:
	buf_free(&from);
	buf_free(&sql);
	return fail(s, &e, g.abort ? FAIL_BATCH : FAIL_STMT, CMD_UPDATE);
}

static int
x_delete(struct sess *s, struct stmt *st, struct arena *a)
{
	struct tderr e;
	struct gctx g;
	struct table *t;
	struct scope sc;
	struct buf from = BUF_INIT, sql = BUF_INIT;
	const char *al, *w = NULL;
	int64_t top = -1, n;
	int rc;

	gctx_init(&g, s, a, &e);
	if ((t = find_table(s, &st->table, &e)) == NULL)
		return fail(s, &e, FAIL_BATCH, CMD_DELETE);
	if (target_scope(&g, st, t, &sc, &from, &al) != 0)
		goto bindfail;
	buf_adds(&sql, "DELETE FROM ");
	sqlq(&sql, t->sqlname);
	buf_printf(&sql, " WHERE rowid IN (SELECT %s.rowid FROM %s", al,
	    from.s);
	if (st->where != NULL) {
		if (gen_pred(&g, &sc, st->where, &w) != 0)
			goto bindfail;
		buf_printf(&sql, " WHERE %s", w);
	}
	if (st->top != NULL) {
		struct sqlval tv;
		struct sqltype tt;

		if (gen_const(&g, st->top, &tv, &tt) != 0)
			goto bindfail;
		top = tv.null ? 0 : st_is_exact(tv.t) ? tv.i : 0;
		sqlval_free(&tv);
	}
	if (s->rowcount_limit > 0 && (top < 0 || top > s->rowcount_limit))
		top = s->rowcount_limit;
	if (top >= 0)
		buf_printf(&sql, " LIMIT %lld", (long long)top);
	buf_addc(&sql, ')');
	buf_free(&from);
	if (s->fmtonly) {
		buf_free(&sql);
		sess_done(s, 0, CMD_DELETE, 0);
		return 0;
	}
	if (wbegin(s, &e) != 0) {
		buf_free(&sql);
		return fail(s, &e, FAIL_STMT, CMD_DELETE);
	}
	rc = sqlite3_exec(s->db, sql.s, NULL, NULL, NULL);
	buf_free(&sql);
	if (rc != SQLITE_OK) {
		rc = sqlite3_extended_errcode(s->db);
		constraint_err(s, rc, t, "DELETE", NULL, &e);
		(void)wend(s, 0, NULL);
		return fail(s, &e, FAIL_STMT, CMD_DELETE);
	}
	n = sqlite3_changes(s->db);
	if (wend(s, 1, &e) != 0)
		return fail(s, &e, FAIL_STMT, CMD_DELETE);
	done_count(s, CMD_DELETE, n);
	return 0;
bindfail:
	buf_free(&from);
	buf_free(&sql);
	return fail(s, &e, g.abort ? FAIL_BATCH : FAIL_STMT, CMD_DELETE);
}

/* ---------------------------------------------------------------- */
/* DDL */

static int64_t
schema_id(struct sess *s, const char *name)
{
	sqlite3_stmt *st;
	int64_t id = -1;

	if (sqlite3_prepare_v2(s->db, "SELECT schema_id FROM tdsd_schemas"
	    " WHERE name = ?1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

/* Is there an object of this name in the schema (tables, constraints)? */
static int
object_exists(struct sess *s, int64_t schema, const char *name)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM tdsd_objects WHERE"
	    " schema_id = ?1 AND name = ?2", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, schema);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

static int64_t
new_object(struct sess *s, int64_t schema, const char *name,
    const char *type, int64_t parent, const char *sqlname,
    const char *definition, struct tderr *e)
{
	sqlite3_stmt *st;
	int64_t id;
	int rc;

	if (sq_prepare(s, "INSERT INTO tdsd_objects (object_id, schema_id,"
	    " name, type, parent_id, sqlname, definition, create_date)"
	    " VALUES ((SELECT coalesce(max(object_id), 1000) + 1 FROM"
	    " tdsd_objects), ?1, ?2, ?3, ?4, ?5, ?6,"
	    " strftime('%Y-%m-%d %H:%M:%f0000','now'))", &st, e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, schema);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, type, -1, SQLITE_STATIC);
	if (parent > 0)
		sqlite3_bind_int64(st, 4, parent);
	if (sqlname != NULL)
		sqlite3_bind_text(st, 5, sqlname, -1, SQLITE_STATIC);
	if (definition != NULL)
		sqlite3_bind_text(st, 6, definition, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		exec_sqlite_err(s, rc, e);
		return -1;
	}
	id = sqlite3_last_insert_rowid(s->db);
	return id;
}

static int
run_bound(struct sess *s, const char *sql, struct tderr *e, const char *fmt,
    ...)
{
	/* fmt: one letter per parameter: i int64, t text (NULL ok) */
	sqlite3_stmt *st;
	va_list ap;
	int i, rc;

	if (sq_prepare(s, sql, &st, e) != 0)
		return -1;
	va_start(ap, fmt);
	for (i = 0; fmt[i] != '\0'; i++) {
		if (fmt[i] == 'i')
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		else {
			const char *t = va_arg(ap, const char *);

			if (t != NULL)
				sqlite3_bind_text(st, i + 1, t, -1,
				    SQLITE_TRANSIENT);
		}
	}
	va_end(ap);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		exec_sqlite_err(s, rc, e);
		return -1;
	}
	return 0;
}

static void
join_names(struct buf *b, char **names, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(b, '\t');
		buf_adds(b, names[i]);
	}
}

static void
col_list(struct buf *b, char **names, int n)
{
	int i;

	buf_addc(b, '(');
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(b, ',');
		sqlq(b, names[i]);
	}
	buf_addc(b, ')');
}

/* Translate a CHECK's T-SQL text against the new table's columns. */
static int
check_sql(struct sess *s, struct arena *a, struct table *t,
    const char *text, const char **out, struct tderr *e)
{
	struct buf q = BUF_INIT;
	struct stmt **list;
	int n, rc = -1;
	struct gctx g;
	struct scope sc;
	struct src sr;

	buf_printf(&q, "SELECT 1 WHERE %s", text);
	if (sql_parse(a, q.s, q.len, &list, &n, e) != 0)
		goto out;
	if (n != 1 || list[0]->k != S_SELECT || list[0]->sel->where == NULL) {
		tderr_set(e, 102, 15, "Incorrect syntax near '%s'.", text);
		goto out;
	}
	gctx_init(&g, s, a, e);
	memset(&sc, 0, sizeof(sc));
	memset(&sr, 0, sizeof(sr));
	sr.t = t;
	sr.name = t->name;
	sr.sqlal = NULL;
	sc.s = &sr;
	sc.n = 1;
	rc = gen_pred(&g, &sc, list[0]->sel->where, out);
out:
	buf_free(&q);
	return rc;
}

static int
fk_target(struct sess *s, const char *fkname, const struct qname *ref,
    char **cols, int ncols, char **refcols, int nrefcols,
    struct table **rt, char ***rcols, struct arena *a, struct tderr *e)
{
	struct table *r = cat_find(s, ref);
	int i, k;

	if (r == NULL || r->sys)
		return tderr_set(e, 1767, 16,
		    "Foreign key '%s' references invalid table '%s'.", fkname,
		    ref->part[3]);
	*rt = r;
	if (nrefcols == 0) {
		/* the primary key */
		for (i = 0; i < r->nkeys; i++)
			if (r->keys[i].kind == 'P')
				break;
		if (i == r->nkeys || r->keys[i].ncols != ncols)
			return tderr_set(e, 1776, 16,
			    "There are no primary or candidate keys in the referenced table '%s' that match the referencing column list in the foreign key '%s'.",
			    r->name, fkname);
		*rcols = ar_alloc(a, sizeof(char *) * (size_t)ncols);
		for (k = 0; k < ncols; k++)
			(*rcols)[k] = r->cols[r->keys[i].cols[k]].name;
		return 0;
	}
	if (nrefcols != ncols)
		return tderr_set(e, 8140, 16,
		    "More than one key specified in column level FOREIGN KEY constraint, table '%s'.",
		    r->name);
	for (k = 0; k < ncols; k++)
		if (cat_colidx(r, refcols[k]) < 0)
			return tderr_set(e, 1770, 16,
			    "Foreign key '%s' references invalid column '%s' in referenced table '%s'.",
			    fkname, refcols[k], r->name);
	/* the referenced columns must be a primary key or unique */
	for (i = 0; i < r->nkeys; i++) {
		struct key *kk = &r->keys[i];
		int j, m = 0;

		if (kk->kind == 'I' || kk->ncols != ncols)
			continue;
		for (j = 0; j < ncols; j++)
			for (k = 0; k < ncols; k++)
				if (ieq(r->cols[kk->cols[j]].name, refcols[k]))
					m++;
		if (m == ncols)
			break;
	}
	if (i == r->nkeys)
		return tderr_set(e, 1776, 16,
		    "There are no primary or candidate keys in the referenced table '%s' that match the referencing column list in the foreign key '%s'.",
		    r->name, fkname);
	*rcols = refcols;
	(void)cols;
	return 0;
}

static int
x_create_table(struct sess *s, struct stmt *st, struct arena *a)
{
	struct tderr e;
	const char *schema = st->table.part[2] ? st->table.part[2] : "dbo";
	const char *name = st->table.part[3];
	int64_t sid, tid, id;
	struct table ft;
	struct col *fcols;
	struct buf sql = BUF_INIT, names = BUF_INIT, refn = BUF_INIT;
	char sqlname[300], objname[300];
	int i, k, npk = 0, ok = 0;
	char **pkcols = NULL, *pkname = NULL;

	memset(&ft, 0, sizeof(ft));
	if (name[0] == '#') {
		tderr_set(&e, 50000, 16,
		    "tdsd: temporary tables are not implemented");
		return fail(s, &e, FAIL_BATCH, 0);
	}
	if ((sid = schema_id(s, schema)) < 0 || ieq(schema, "sys") ||
	    ieq(schema, "INFORMATION_SCHEMA")) {
		tderr_set(&e, 2760, 16,
		    "The specified schema name \"%s\" either does not exist or you do not have permission to use it.",
		    schema);
		return fail(s, &e, FAIL_STMT, 0);
	}
	if (object_exists(s, sid, name)) {
		tderr_set(&e, 2714, 16,
		    "There is already an object named '%s' in the database.",
		    name);
		return fail(s, &e, FAIL_STMT, 0);
	}
	if (st->ncoldefs == 0) {
		tderr_set(&e, 102, 15, "Incorrect syntax near ')'.");
		return fail(s, &e, FAIL_BATCH, 0);
	}
	snprintf(sqlname, sizeof(sqlname), "%s.%s", schema, name);
	snprintf(objname, sizeof(objname), "%s", name);
	/* the table as the binder sees it (CHECKs, keys) */
	fcols = ar_alloc(a, sizeof(*fcols) * (size_t)st->ncoldefs);
	ft.cols = fcols;
	ft.ncols = st->ncoldefs;
	ft.name = objname;
	ft.schema = (char *)schema;
	ft.sqlname = sqlname;
	ft.identcol = -1;
	for (i = 0; i < st->ncoldefs; i++) {
		struct coldef *cd = &st->coldefs[i];

		for (k = 0; k < i; k++)
			if (ieq(st->coldefs[k].name, cd->name)) {
				tderr_set(&e, 2705, 16,
				    "Column names in each table must be unique. Column name '%s' in table '%s' is specified more than once.",
				    cd->name, sqlname);
				return fail(s, &e, FAIL_STMT, 0);
			}
		fcols[i].name = cd->name;
		fcols[i].ty = cd->ty;
		fcols[i].nullable = cd->nullable != 0;
		fcols[i].identity = cd->identity;
		fcols[i].id = i + 1;
		if (cd->identity) {
			if (ft.identcol >= 0) {
				tderr_set(&e, 2744, 16,
				    "Multiple identity columns specified for table '%s'. Only one identity column per table is allowed.",
				    name);
				return fail(s, &e, FAIL_STMT, 0);
			}
			if (!st_is_int(cd->ty.t) && !(st_is_dec(cd->ty.t) &&
			    cd->ty.scale == 0)) {
				tderr_set(&e, 2749, 16,
				    "Identity column '%s' must be of data type int, bigint, smallint, tinyint, or decimal or numeric with a scale of 0, and constrained to be nonnullable.",
				    cd->name);
				return fail(s, &e, FAIL_STMT, 0);
			}
			ft.identcol = i;
			fcols[i].nullable = 0;
		}
		if (cd->pk) {
			pkcols = ar_alloc(a, sizeof(char *));
			pkcols[0] = cd->name;
			npk = 1;
			pkname = cd->pkname;
		}
	}
	for (i = 0; i < st->ncons; i++)
		if (st->cons[i].kind == 'P') {
			if (npk > 0) {
				tderr_set(&e, 8110, 16,
				    "Cannot add multiple PRIMARY KEY constraints to table '%s'.",
				    name);
				return fail(s, &e, FAIL_STMT, 0);
			}
			pkcols = st->cons[i].cols;
			npk = st->cons[i].ncols;
			pkname = st->cons[i].name;
		}
	for (k = 0; k < npk; k++) {
		int c = cat_colidx(&ft, pkcols[k]);

		if (c < 0) {
			tderr_set(&e, 1911, 16,
			    "Column name '%s' does not exist in the target table or view.",
			    pkcols[k]);
			return fail(s, &e, FAIL_STMT, 0);
		}
		if (st->coldefs[c].nullable == 1) {
			tderr_set(&e, 8111, 16,
			    "Cannot define PRIMARY KEY constraint on nullable column in table '%s'.",
			    name);
			return fail(s, &e, FAIL_STMT, 0);
		}
		fcols[c].nullable = 0;
		fcols[c].pk = 1;
	}
	if (cat_refresh(s) != 0 || wbegin(s, &e) != 0) {
		if (e.num == 0)
			tderr_set(&e, 50000, 16, "tdsd: catalogue unreadable");
		return fail(s, &e, FAIL_STMT, 0);
	}
	/* SQLite table */
	buf_adds(&sql, "CREATE TABLE ");
	sqlq(&sql, sqlname);
	buf_adds(&sql, " (");
	for (i = 0; i < st->ncoldefs; i++) {
		struct col *c = &fcols[i];

		if (i > 0)
			buf_adds(&sql, ", ");
		sqlq(&sql, c->name);
		buf_printf(&sql, " %s", st_affinity(c->ty.t));
		if (st_is_str(c->ty.t))
			buf_adds(&sql, " COLLATE tds");
		if (!c->nullable)
			buf_adds(&sql, " NOT NULL");
	}
	if (npk > 0) {
		buf_adds(&sql, ", PRIMARY KEY ");
		col_list(&sql, pkcols, npk);
	}
	/* CHECK constraints: table and column level */
	for (i = 0; i < st->ncons + st->ncoldefs; i++) {
		const char *text, *cname, *csql;
		char gen[300];

		if (i < st->ncons) {
			if (st->cons[i].kind != 'C')
				continue;
			text = st->cons[i].check;
			cname = st->cons[i].name;
		} else {
			if (st->coldefs[i - st->ncons].check == NULL)
				continue;
			text = st->coldefs[i - st->ncons].check;
			cname = st->coldefs[i - st->ncons].ckname;
		}
		if (cname == NULL) {
			snprintf(gen, sizeof(gen), "CK__%s__%d", name, i);
			cname = ar_strndup(a, gen, strlen(gen));
		}
		if (check_sql(s, a, &ft, text, &csql, &e) != 0)
			goto out;
		buf_adds(&sql, ", CONSTRAINT ");
		sqlq(&sql, cname);
		buf_printf(&sql, " CHECK (%s)", csql);
		if (object_exists(s, sid, cname)) {
			tderr_set(&e, 2714, 16,
			    "There is already an object named '%s' in the database.",
			    cname);
			goto out;
		}
	}
	/* foreign keys */
	for (i = 0; i < st->ncons + st->ncoldefs; i++) {
		struct table *rt;
		char **rcols, **fcolsn, *fkname;
		int nf, cascade;
		struct qname *ref;
		char **refcols;
		int nrefcols;

		if (i < st->ncons) {
			if (st->cons[i].kind != 'F')
				continue;
			fcolsn = st->cons[i].cols;
			nf = st->cons[i].ncols;
			fkname = st->cons[i].name;
			ref = &st->cons[i].ref;
			refcols = st->cons[i].refcols;
			nrefcols = st->cons[i].nrefcols;
			cascade = st->cons[i].cascade;
		} else {
			struct coldef *cd = &st->coldefs[i - st->ncons];

			if (cd->ref.n == 0)
				continue;
			fcolsn = &cd->name;
			nf = 1;
			fkname = cd->fkname;
			ref = &cd->ref;
			refcols = cd->refcol ? &cd->refcol : NULL;
			nrefcols = cd->refcol ? 1 : 0;
			cascade = cd->cascade;
		}
		for (k = 0; k < nf; k++)
			if (cat_colidx(&ft, fcolsn[k]) < 0) {
				tderr_set(&e, 1769, 16,
				    "Foreign key '%s' references invalid column '%s' in referencing table '%s'.",
				    fkname ? fkname : "?", fcolsn[k], name);
				goto out;
			}
		if (fkname == NULL) {
			char gen[300];

			snprintf(gen, sizeof(gen), "FK__%s__%d", name, i);
			fkname = ar_strndup(a, gen, strlen(gen));
		}
		if (ieq(ref->part[3], name) && (ref->part[2] == NULL ||
		    ieq(ref->part[2], schema))) {
			tderr_set(&e, 50000, 16,
			    "tdsd: self-referencing foreign keys are not implemented");
			goto out;
		}
		if (fk_target(s, fkname, ref, fcolsn, nf, refcols, nrefcols,
		    &rt, &rcols, a, &e) != 0)
			goto out;
		buf_adds(&sql, ", CONSTRAINT ");
		sqlq(&sql, fkname);
		buf_adds(&sql, " FOREIGN KEY ");
		col_list(&sql, fcolsn, nf);
		buf_adds(&sql, " REFERENCES ");
		sqlq(&sql, rt->sqlname);
		buf_addc(&sql, ' ');
		col_list(&sql, rcols, nf);
		if (cascade)
			buf_adds(&sql, " ON DELETE CASCADE");
	}
	buf_addc(&sql, ')');
	if (sq_exec(s, sql.s, &e) != 0)
		goto out;
	/* the catalogue */
	if ((tid = new_object(s, sid, name, "U", 0, sqlname, NULL, &e)) < 0)
		goto out;
	if (ft.identcol >= 0) {
		struct coldef *cd = &st->coldefs[ft.identcol];

		if (run_bound(s, "UPDATE tdsd_objects SET ident_seed = ?1,"
		    " ident_inc = ?2 WHERE object_id = ?3", &e, "iii",
		    (int64_t)cd->seed, (int64_t)cd->inc, tid) != 0)
			goto out;
	}
	for (i = 0; i < st->ncoldefs; i++) {
		struct coldef *cd = &st->coldefs[i];
		struct col *c = &fcols[i];

		if (cd->dflt != NULL) {
			/* a default must be a constant expression */
			struct arena da = { NULL };
			struct stmt **dl;
			int dn;
			struct buf q = BUF_INIT;

			buf_printf(&q, "SELECT %s", cd->dflt);
			if (sql_parse(&da, q.s, q.len, &dl, &dn, &e) != 0 ||
			    dn != 1 || dl[0]->k != S_SELECT ||
			    dl[0]->sel->nfrom != 0) {
				if (e.num == 0 || dn != 1)
					tderr_set(&e, 102, 15,
					    "Incorrect syntax near '%s'.",
					    cd->dflt);
				buf_free(&q);
				ar_free(&da);
				goto out;
			}
			buf_free(&q);
			ar_free(&da);
		}
		if (run_bound(s, "INSERT INTO tdsd_columns (object_id,"
		    " column_id, name, type, max_length, precision, scale,"
		    " is_nullable, is_identity, is_pk, default_def) VALUES"
		    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", &e,
		    "iittiiiiiit", tid, (int64_t)(i + 1), c->name,
		    st_name(c->ty.t), (int64_t)c->ty.len, (int64_t)c->ty.prec,
		    (int64_t)c->ty.scale, (int64_t)c->nullable,
		    (int64_t)c->identity, (int64_t)c->pk, cd->dflt) != 0)
			goto out;
		if (cd->dflt != NULL) {
			/* DEFAULT constraints are objects too (DF_...) */
			char gen[300];
			const char *cn = cd->dfname;

			if (cn == NULL) {
				snprintf(gen, sizeof(gen), "DF__%s__%s", name,
				    c->name);
				cn = gen;
			}
			if (object_exists(s, sid, cn)) {
				tderr_set(&e, 2714, 16,
				    "There is already an object named '%s' in the database.",
				    cn);
				goto out;
			}
			if (new_object(s, sid, cn, "D", tid, NULL, cd->dflt,
			    &e) < 0)
				goto out;
		}
	}
	/* keys: the primary key, unique constraints, inline indexes */
	if (npk > 0) {
		char gen[300];

		if (pkname == NULL) {
			snprintf(gen, sizeof(gen), "PK__%s", name);
			pkname = ar_strndup(a, gen, strlen(gen));
		}
		if (object_exists(s, sid, pkname)) {
			tderr_set(&e, 2714, 16,
			    "There is already an object named '%s' in the database.",
			    pkname);
			goto out;
		}
		buf_reset(&names);
		join_names(&names, pkcols, npk);
		if (new_object(s, sid, pkname, "PK", tid, NULL, NULL, &e) < 0 ||
		    run_bound(s, "INSERT INTO tdsd_indexes (object_id,"
		    " index_id, name, is_unique, is_primary_key,"
		    " is_unique_constraint, columns) VALUES (?1, 1, ?2, 1, 1,"
		    " 0, ?3)", &e, "itt", tid, pkname, names.s) != 0)
			goto out;
	}
	for (i = 0, k = 2; i < st->ncons + st->ncoldefs; i++) {
		char **kc, *kn, gen[300];
		int nk, uniq, cons;

		if (i < st->ncons) {
			struct tcons *c = &st->cons[i];

			if (c->kind != 'U' && c->kind != 'I' && c->kind != 'X')
				continue;
			kc = c->cols;
			nk = c->ncols;
			kn = c->name;
			uniq = c->kind != 'I';
			cons = c->kind == 'U';
		} else {
			struct coldef *cd = &st->coldefs[i - st->ncons];

			if (!cd->unique)
				continue;
			kc = &cd->name;
			nk = 1;
			kn = cd->uqname;
			uniq = cons = 1;
		}
		if (kn == NULL) {
			snprintf(gen, sizeof(gen), "UQ__%s__%d", name, i);
			kn = ar_strndup(a, gen, strlen(gen));
		}
		{
			int j;

			for (j = 0; j < nk; j++)
				if (cat_colidx(&ft, kc[j]) < 0) {
					tderr_set(&e, 1911, 16,
					    "Column name '%s' does not exist in the target table or view.",
					    kc[j]);
					goto out;
				}
		}
		if (cons && object_exists(s, sid, kn)) {
			tderr_set(&e, 2714, 16,
			    "There is already an object named '%s' in the database.",
			    kn);
			goto out;
		}
		buf_reset(&sql);
		buf_printf(&sql, "CREATE %sINDEX ", uniq ? "UNIQUE " : "");
		buf_reset(&refn);
		buf_printf(&refn, "%s.%s", sqlname, kn);
		sqlq(&sql, refn.s);
		buf_adds(&sql, " ON ");
		sqlq(&sql, sqlname);
		buf_addc(&sql, ' ');
		col_list(&sql, kc, nk);
		buf_reset(&names);
		join_names(&names, kc, nk);
		if (sq_exec(s, sql.s, &e) != 0 ||
		    (cons && new_object(s, sid, kn, "UQ", tid, NULL, NULL,
		    &e) < 0) ||
		    run_bound(s, "INSERT INTO tdsd_indexes (object_id,"
		    " index_id, name, is_unique, is_primary_key,"
		    " is_unique_constraint, columns, sqlname) VALUES (?1, ?2,"
		    " ?3, ?4, 0, ?5, ?6, ?7)", &e, "iitiitt", tid, (int64_t)k,
		    kn, (int64_t)uniq, (int64_t)cons, names.s, refn.s) != 0)
			goto out;
		k++;
	}
	/* CHECK and FOREIGN KEY objects */
	for (i = 0; i < st->ncons + st->ncoldefs; i++) {
		const char *cname = NULL, *def = NULL;
		char gen[300];

		if (i < st->ncons) {
			struct tcons *c = &st->cons[i];

			if (c->kind == 'C') {
				cname = c->name;
				def = c->check;
				if (cname == NULL) {
					snprintf(gen, sizeof(gen), "CK__%s__%d",
					    name, i);
					cname = gen;
				}
				if (new_object(s, sid, cname, "C", tid, NULL,
				    def, &e) < 0)
					goto out;
			}
		} else if (st->coldefs[i - st->ncons].check != NULL) {
			cname = st->coldefs[i - st->ncons].ckname;
			if (cname == NULL) {
				snprintf(gen, sizeof(gen), "CK__%s__%d", name,
				    i);
				cname = gen;
			}
			if (new_object(s, sid, cname, "C", tid, NULL,
			    st->coldefs[i - st->ncons].check, &e) < 0)
				goto out;
		}
	}
	for (i = 0; i < st->ncons + st->ncoldefs; i++) {
		struct table *rt;
		char **rcols, **fcolsn, *fkname, gen[300];
		int nf, cascade;
		struct buf rn = BUF_INIT;

		if (i < st->ncons) {
			struct tcons *c = &st->cons[i];

			if (c->kind != 'F')
				continue;
			fcolsn = c->cols;
			nf = c->ncols;
			fkname = c->name;
			cascade = c->cascade;
			if (fk_target(s, "?", &c->ref, fcolsn, nf, c->refcols,
			    c->nrefcols, &rt, &rcols, a, &e) != 0)
				goto out;
		} else {
			struct coldef *cd = &st->coldefs[i - st->ncons];

			if (cd->ref.n == 0)
				continue;
			fcolsn = &cd->name;
			nf = 1;
			fkname = cd->fkname;
			cascade = cd->cascade;
			if (fk_target(s, "?", &cd->ref, fcolsn, 1,
			    cd->refcol ? &cd->refcol : NULL, cd->refcol ? 1 : 0,
			    &rt, &rcols, a, &e) != 0)
				goto out;
		}
		if (fkname == NULL) {
			snprintf(gen, sizeof(gen), "FK__%s__%d", name, i);
			fkname = gen;
		}
		if (object_exists(s, sid, fkname)) {
			tderr_set(&e, 2714, 16,
			    "There is already an object named '%s' in the database.",
			    fkname);
			goto out;
		}
		if ((id = new_object(s, sid, fkname, "F", tid, NULL, NULL,
		    &e)) < 0)
			goto out;
		buf_reset(&names);
		join_names(&names, fcolsn, nf);
		join_names(&rn, rcols, nf);
		if (run_bound(s, "INSERT INTO tdsd_fkeys (object_id, parent_id,"
		    " ref_id, columns, ref_columns, on_delete_cascade) VALUES"
		    " (?1, ?2, ?3, ?4, ?5, ?6)", &e, "iiitti", id, tid, rt->id,
		    names.s, rn.s, (int64_t)cascade) != 0) {
			buf_free(&rn);
			goto out;
		}
		buf_free(&rn);
	}
	ok = 1;
out:
	buf_free(&sql);
	buf_free(&names);
	buf_free(&refn);
	cat_invalidate(s);
	if (wend(s, ok, &e) != 0 || !ok)
		return fail(s, &e, FAIL_STMT, 0);
	sess_done(s, 0, 0, 0);
	return 0;
}

static int
x_create_index(struct sess *s, struct stmt *st, struct arena *a)
{
	struct tderr e;
	struct table *t;
	struct buf sql = BUF_INIT, names = BUF_INIT, sn = BUF_INIT;
	char disp[300];
	int i, ok = 0, k;
	sqlite3_stmt *q;

	(void)a;
	if ((t = cat_find(s, &st->table)) == NULL || t->sys) {
		tderr_set(&e, 1088, 16,
		    "Cannot find the object \"%s\" because it does not exist or you do not have permissions.",
		    st->table.part[3]);
		return fail(s, &e, FAIL_STMT, 0);
	}
	for (i = 0; i < t->nkeys; i++)
		if (ieq(t->keys[i].name, st->name)) {
			tderr_set(&e, 1913, 16,
			    "The operation failed because an index or statistics with name '%s' already exists on table '%s'.",
			    st->name, cat_display(t, disp, sizeof(disp)));
			return fail(s, &e, FAIL_STMT, 0);
		}
	for (i = 0; i < st->ncols; i++)
		if (cat_colidx(t, st->cols[i]) < 0) {
			tderr_set(&e, 1911, 16,
			    "Column name '%s' does not exist in the target table or view.",
			    st->cols[i]);
			return fail(s, &e, FAIL_STMT, 0);
		}
	if (wbegin(s, &e) != 0)
		return fail(s, &e, FAIL_STMT, 0);
	buf_printf(&sn, "%s.%s", t->sqlname, st->name);
	buf_printf(&sql, "CREATE %sINDEX ", st->unique ? "UNIQUE " : "");
	sqlq(&sql, sn.s);
	buf_adds(&sql, " ON ");
	sqlq(&sql, t->sqlname);
	buf_addc(&sql, ' ');
	col_list(&sql, st->cols, st->ncols);
	if (sqlite3_exec(s->db, sql.s, NULL, NULL, NULL) != SQLITE_OK) {
		int rc = sqlite3_extended_errcode(s->db);

		if ((rc & 0xFF) == SQLITE_CONSTRAINT)
			tderr_set(&e, 1505, 16,
			    "The CREATE UNIQUE INDEX statement terminated because a duplicate key was found for the object name '%s' and the index name '%s'.",
			    cat_display(t, disp, sizeof(disp)), st->name);
		else
			exec_sqlite_err(s, rc, &e);
		goto out;
	}
	k = 2;
	if (sqlite3_prepare_v2(s->db, "SELECT max(index_id) + 1 FROM"
	    " tdsd_indexes WHERE object_id = ?1", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(q, 1, t->id);
		if (sqlite3_step(q) == SQLITE_ROW &&
		    sqlite3_column_int(q, 0) > 2)
			k = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
	}
	join_names(&names, st->cols, st->ncols);
	if (run_bound(s, "INSERT INTO tdsd_indexes (object_id, index_id, name,"
	    " is_unique, is_primary_key, is_unique_constraint, columns,"
	    " sqlname) VALUES (?1, ?2, ?3, ?4, 0, 0, ?5, ?6)", &e, "iititt",
	    t->id, (int64_t)k, st->name, (int64_t)st->unique, names.s,
	    sn.s) != 0)
		goto out;
	ok = 1;
out:
	buf_free(&sql);
	buf_free(&names);
	buf_free(&sn);
	cat_invalidate(s);
	if (wend(s, ok, &e) != 0 || !ok)
		return fail(s, &e, FAIL_STMT, 0);
	sess_done(s, 0, 0, 0);
	return 0;
}

static int
x_drop_table(struct sess *s, struct stmt *st)
{
	struct tderr e;
	struct table *t, *c;
	struct buf sql = BUF_INIT;
	char disp[300];
	int i, ok = 0;

	if ((t = cat_find(s, &st->table)) == NULL || t->sys) {
		if (st->if_exists) {
			sess_done(s, 0, 0, 0);
			return 0;
		}
		tderr_set(&e, 3701, 11,
		    "Cannot drop the table '%s', because it does not exist or you do not have permission.",
		    st->table.part[3]);
		return fail(s, &e, FAIL_STMT, 0);
	}
	for (c = s->cat->tables; c != NULL; c = c->next)
		for (i = 0; i < c->nfks; i++)
			if (c->fks[i].refid == t->id && c != t) {
				tderr_set(&e, 3726, 16,
				    "Could not drop object '%s' because it is referenced by a FOREIGN KEY constraint.",
				    cat_display(t, disp, sizeof(disp)));
				return fail(s, &e, FAIL_STMT, 0);
			}
	if (wbegin(s, &e) != 0)
		return fail(s, &e, FAIL_STMT, 0);
	buf_adds(&sql, "DROP TABLE ");
	sqlq(&sql, t->sqlname);
	if (sq_exec(s, sql.s, &e) != 0 ||
	    run_bound(s, "DELETE FROM tdsd_fkeys WHERE parent_id = ?1", &e,
	    "i", t->id) != 0 ||
	    run_bound(s, "DELETE FROM tdsd_indexes WHERE object_id = ?1", &e,
	    "i", t->id) != 0 ||
	    run_bound(s, "DELETE FROM tdsd_columns WHERE object_id = ?1", &e,
	    "i", t->id) != 0 ||
	    run_bound(s, "DELETE FROM tdsd_objects WHERE object_id = ?1 OR"
	    " parent_id = ?1", &e, "i", t->id) != 0)
		goto out;
	ok = 1;
out:
	buf_free(&sql);
	cat_invalidate(s);
	if (wend(s, ok, &e) != 0 || !ok)
		return fail(s, &e, FAIL_STMT, 0);
	if (s->ident_insert != NULL && ieq(s->ident_insert, t->sqlname)) {
		free(s->ident_insert);
		s->ident_insert = NULL;
	}
	sess_done(s, 0, 0, 0);
	return 0;
}

static int
x_drop_index(struct sess *s, struct stmt *st)
{
	struct tderr e;
	struct table *t = st->table.n ? cat_find(s, &st->table) : NULL;
	int i, ok = 0;
	struct buf sql = BUF_INIT, sn = BUF_INIT;

	for (i = 0; t != NULL && i < t->nkeys; i++)
		if (ieq(t->keys[i].name, st->name))
			break;
	if (t == NULL || i == t->nkeys) {
		if (st->if_exists) {
			sess_done(s, 0, 0, 0);
			return 0;
		}
		tderr_set(&e, 3701, 11,
		    "Cannot drop the index '%s.%s', because it does not exist or you do not have permission.",
		    st->table.part[3] ? st->table.part[3] : "?", st->name);
		return fail(s, &e, FAIL_STMT, 0);
	}
	if (t->keys[i].kind == 'P' || t->keys[i].kind == 'U') {
		tderr_set(&e, 3723, 16,
		    "An explicit DROP INDEX is not allowed on index '%s.%s'. It is being used for %s constraint enforcement.",
		    t->sqlname, st->name, t->keys[i].kind == 'P' ?
		    "PRIMARY KEY" : "UNIQUE KEY");
		return fail(s, &e, FAIL_STMT, 0);
	}
	if (wbegin(s, &e) != 0)
		return fail(s, &e, FAIL_STMT, 0);
	buf_printf(&sn, "%s.%s", t->sqlname, t->keys[i].name);
	buf_adds(&sql, "DROP INDEX ");
	sqlq(&sql, sn.s);
	if (sq_exec(s, sql.s, &e) == 0 && run_bound(s, "DELETE FROM"
	    " tdsd_indexes WHERE object_id = ?1 AND name = ?2", &e, "it",
	    t->id, t->keys[i].name) == 0)
		ok = 1;
	buf_free(&sql);
	buf_free(&sn);
	cat_invalidate(s);
	if (wend(s, ok, &e) != 0 || !ok)
		return fail(s, &e, FAIL_STMT, 0);
	sess_done(s, 0, 0, 0);
	return 0;
}

static int
x_truncate(struct sess *s, struct stmt *st)
{
	struct tderr e;
	struct table *t, *c;
	struct buf sql = BUF_INIT;
	int i, ok = 0;

	if ((t = find_table(s, &st->table, &e)) == NULL)
		return fail(s, &e, FAIL_STMT, 0);
	for (c = s->cat->tables; c != NULL; c = c->next)
		for (i = 0; i < c->nfks; i++)
			if (c->fks[i].refid == t->id) {
				char disp[300];

				tderr_set(&e, 4712, 16,
				    "Cannot truncate table '%s' because it is being referenced by a FOREIGN KEY constraint.",
				    cat_display(t, disp, sizeof(disp)));
				return fail(s, &e, FAIL_STMT, 0);
			}
	if (wbegin(s, &e) != 0)
		return fail(s, &e, FAIL_STMT, 0);
	buf_adds(&sql, "DELETE FROM ");
	sqlq(&sql, t->sqlname);
	if (sq_exec(s, sql.s, &e) == 0 && run_bound(s, "UPDATE tdsd_objects"
	    " SET ident_cur = NULL WHERE object_id = ?1", &e, "i",
	    t->id) == 0)
		ok = 1;
	buf_free(&sql);
	if (wend(s, ok, &e) != 0 || !ok)
		return fail(s, &e, FAIL_STMT, 0);
	sess_done(s, 0, 0, 0);
	return 0;
}

static int
x_create_schema(struct sess *s, struct stmt *st)
{
	struct tderr e;
	int ok;

	if (schema_id(s, st->name) >= 0) {
		tderr_set(&e, 2714, 16,
		    "There is already an object named '%s' in the database.",
		    st->name);
		return fail(s, &e, FAIL_STMT, 0);
	}
	if (wbegin(s, &e) != 0)
		return fail(s, &e, FAIL_STMT, 0);
	ok = run_bound(s, "INSERT INTO tdsd_schemas (schema_id, name) VALUES"
	    " ((SELECT max(schema_id) + 1 FROM tdsd_schemas), ?1)", &e, "t",
	    st->name) == 0;
	if (wend(s, ok, &e) != 0 || !ok)
		return fail(s, &e, FAIL_STMT, 0);
	cat_invalidate(s);
	sess_done(s, 0, 0, 0);
	return 0;
}

/* ALTER TABLE ... ADD: nullable columns (or with a default) only. */
static int
x_alter_add(struct sess *s, struct stmt *st)
{
	struct tderr e;
	struct table *t;
	struct buf sql = BUF_INIT;
	int i, ok = 0;

	if ((t = find_table(s, &st->table, &e)) == NULL)
		return fail(s, &e, FAIL_STMT, 0);
	if (st->ncons > 0) {
		tderr_set(&e, 50000, 16,
		    "tdsd: ALTER TABLE ... ADD CONSTRAINT is not implemented");
		return fail(s, &e, FAIL_STMT, 0);
	}
	for (i = 0; i < st->ncoldefs; i++) {
		struct coldef *cd = &st->coldefs[i];

		if (cat_colidx(t, cd->name) >= 0) {
			tderr_set(&e, 2705, 16,
			    "Column names in each table must be unique. Column name '%s' in table '%s' is specified more than once.",
			    cd->name, t->sqlname);
			return fail(s, &e, FAIL_STMT, 0);
		}
		if (cd->pk || cd->unique || cd->identity || cd->check ||
		    cd->ref.n > 0 || (cd->nullable == 0 && cd->dflt == NULL)) {
			tderr_set(&e, 50000, 16,
			    "tdsd: ALTER TABLE ADD of column '%s': only NULL columns or NOT NULL with a DEFAULT are implemented",
			    cd->name);
			return fail(s, &e, FAIL_STMT, 0);
		}
	}
	if (wbegin(s, &e) != 0)
		return fail(s, &e, FAIL_STMT, 0);
	for (i = 0; i < st->ncoldefs; i++) {
		struct coldef *cd = &st->coldefs[i];
		struct col c;
		struct sqlval dv;

		buf_reset(&sql);
		buf_adds(&sql, "ALTER TABLE ");
		sqlq(&sql, t->sqlname);
		buf_adds(&sql, " ADD COLUMN ");
		sqlq(&sql, cd->name);
		buf_printf(&sql, " %s%s", st_affinity(cd->ty.t),
		    st_is_str(cd->ty.t) ? " COLLATE tds" : "");
		if (sq_exec(s, sql.s, &e) != 0 ||
		    run_bound(s, "INSERT INTO tdsd_columns (object_id,"
		    " column_id, name, type, max_length, precision, scale,"
		    " is_nullable, is_identity, is_pk, default_def) VALUES"
		    " (?1, (SELECT max(column_id) + 1 FROM tdsd_columns WHERE"
		    " object_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, 0, 0, ?8)", &e,
		    "ittiiiit", t->id, cd->name, st_name(cd->ty.t),
		    (int64_t)cd->ty.len, (int64_t)cd->ty.prec,
		    (int64_t)cd->ty.scale, (int64_t)(cd->nullable != 0),
		    cd->dflt) != 0)
			goto out;
		if (cd->dflt != NULL && cd->nullable == 0) {
			/* existing rows take the default */
			sqlite3_stmt *up;

			memset(&c, 0, sizeof(c));
			c.name = cd->name;
			c.ty = cd->ty;
			c.dflt = cd->dflt;
			if (eval_default(s, t, &c, &dv, &e) != 0)
				goto out;
			buf_reset(&sql);
			buf_adds(&sql, "UPDATE ");
			sqlq(&sql, t->sqlname);
			buf_adds(&sql, " SET ");
			sqlq(&sql, cd->name);
			buf_adds(&sql, " = ?1");
			if (sq_prepare(s, sql.s, &up, &e) != 0) {
				sqlval_free(&dv);
				goto out;
			}
			sqlval_bind(up, 1, &dv, &cd->ty);
			(void)sqlite3_step(up);
			sqlite3_finalize(up);
			sqlval_free(&dv);
		}
	}
	ok = 1;
out:
	buf_free(&sql);
	cat_invalidate(s);
	if (wend(s, ok, &e) != 0 || !ok)
		return fail(s, &e, FAIL_STMT, 0);
	sess_done(s, 0, 0, 0);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Transactions */

static int
x_begin(struct sess *s, struct stmt *st)
{
	if (s->trancount == 0) {
		s->tranid = ++s->nexttran;
		s->trancount = 1;
		env_tran(s, 8);
	} else
		s->trancount++;
	(void)st;
	sess_done(s, 0, 0, 0);
	return 0;
}

static int
x_commit(struct sess *s, struct stmt *st)
{
	struct tderr e;

	(void)st;
	if (s->trancount == 0) {
		tderr_set(&e, 3902, 16,
		    "The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.");
		return fail(s, &e, FAIL_STMT, 0);
	}
	if (--s->trancount == 0) {
		if (s->sqlite_tx) {
			s->sqlite_tx = 0;
			if (sq_exec(s, "COMMIT", &e) != 0) {
				(void)sq_exec(s, "ROLLBACK", NULL);
				env_tran(s, 10);
				return fail(s, &e, FAIL_BATCH, 0);
			}
		}
		env_tran(s, 9);
	}
	sess_done(s, 0, 0, 0);
	return 0;
}

static int
x_rollback(struct sess *s, struct stmt *st)
{
	struct tderr e;

	if (s->trancount == 0) {
		tderr_set(&e, 3903, 16,
		    "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.");
		return fail(s, &e, FAIL_STMT, 0);
	}
	if (st != NULL && st->name != NULL) {
		/* ROLLBACK TRAN savepoint */
		struct buf sql = BUF_INIT;
		int rc;

		buf_adds(&sql, "ROLLBACK TO ");
		sqlq(&sql, st->name);
		rc = s->sqlite_tx ? sqlite3_exec(s->db, sql.s, NULL, NULL,
		    NULL) : SQLITE_ERROR;
		buf_free(&sql);
		if (rc == SQLITE_OK) {
			sess_done(s, 0, 0, 0);
			return 0;
		}
		/* the outer transaction's name: roll back everything */
	}
	exec_rollback_all(s);
	sess_done(s, 0, 0, 0);
	return 0;
}

static int
x_save(struct sess *s, struct stmt *st)
{
	struct tderr e;
	struct buf sql = BUF_INIT;
	int rc;

	if (s->trancount == 0) {
		tderr_set(&e, 628, 16,
		    "Cannot issue SAVE TRANSACTION when there is no active transaction.");
		return fail(s, &e, FAIL_STMT, 0);
	}
	if (ensure_tx(s, &e) != 0)
		return fail(s, &e, FAIL_STMT, 0);
	buf_adds(&sql, "SAVEPOINT ");
	sqlq(&sql, st->name);
	rc = sq_exec(s, sql.s, &e);
	buf_free(&sql);
	if (rc != 0)
		return fail(s, &e, FAIL_STMT, 0);
	sess_done(s, 0, 0, 0);
	return 0;
}

void
exec_tm(struct sess *s, int op, int cont)
{
	switch (op) {
	case 'B':
		if (s->trancount > 0) {
			struct tderr e;

			tderr_set(&e, 50000, 16,
			    "tdsd: TM_BEGIN_XACT inside a transaction");
			(void)fail(s, &e, FAIL_STMT, 0);
			return;
		}
		(void)x_begin(s, NULL);
		return;
	case 'C':
		if (x_commit(s, NULL) == 0 && cont)
			(void)x_begin(s, NULL);
		return;
	default:
		if (s->trancount == 0) {
			struct tderr e;

			tderr_set(&e, 3903, 16,
			    "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.");
			(void)fail(s, &e, FAIL_STMT, 0);
			return;
		}
		exec_rollback_all(s);
		sess_done(s, 0, 0, 0);
		if (cont)
			(void)x_begin(s, NULL);
		return;
	}
}

void
exec_fault_error(struct sess *s, int num)
{
	struct tderr e;

	if (num == 1205) {
		tderr_set(&e, 1205, 13,
		    "Transaction (Process ID %d) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.",
		    s->spid);
		e.state = 51;
		(void)fail(s, &e, FAIL_ROLLBACK, 0);
	} else {
		tderr_set(&e, 1222, 16, "Lock request time out period exceeded.");
		e.state = 56;
		(void)fail(s, &e, FAIL_STMT, 0);
	}
}

/* ---------------------------------------------------------------- */
/* SET, variables, control flow */

static int
onoff(const char *v, int *out)
{
	if (v != NULL && ieq(v, "ON"))
		*out = 1;
	else if (v != NULL && ieq(v, "OFF"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int
x_set(struct sess *s, struct stmt *st)
{
	struct tderr e;
	char *opts = xstrdup(st->opt), *p, *save = NULL;
	int on = 0, rc = 0;

	if (ieq(st->opt, "TRANSACTION ISOLATION LEVEL")) {
		free(opts);
		sess_done(s, 0, 0, 0);
		return 0;
	}
	if (ieq(st->opt, "IDENTITY_INSERT")) {
		struct table *t = cat_find(s, &st->optobj);

		free(opts);
		if (t == NULL || t->sys) {
			tderr_set(&e, 208, 16, "Invalid object name '%s'.",
			    st->optobj.part[3]);
			return fail(s, &e, FAIL_BATCH, 0);
		}
		if (t->identcol < 0) {
			tderr_set(&e, 8106, 16,
			    "Table '%s' does not have the identity property. Cannot perform SET operation.",
			    t->sqlname);
			return fail(s, &e, FAIL_STMT, 0);
		}
		if (ieq(st->optval, "ON")) {
			if (s->ident_insert != NULL &&
			    !ieq(s->ident_insert, t->sqlname)) {
				tderr_set(&e, 8107, 16,
				    "IDENTITY_INSERT is already ON for table '%s.%s'. Cannot perform SET operation for table '%s'.",
				    s->conf->dbname, s->ident_insert,
				    t->sqlname);
				return fail(s, &e, FAIL_STMT, 0);
			}
			free(s->ident_insert);
			s->ident_insert = xstrdup(t->sqlname);
		} else if (s->ident_insert != NULL &&
		    ieq(s->ident_insert, t->sqlname)) {
			free(s->ident_insert);
			s->ident_insert = NULL;
		}
		sess_done(s, 0, 0, 0);
		return 0;
	}
	for (p = strtok_r(opts, ",", &save); p != NULL && rc == 0;
	    p = strtok_r(NULL, ",", &save)) {
		int boolopt = 1;

		if (ieq(p, "ROWCOUNT") || ieq(p, "TEXTSIZE") ||
		    ieq(p, "LOCK_TIMEOUT") || ieq(p, "DATEFIRST") ||
		    ieq(p, "DEADLOCK_PRIORITY") || ieq(p, "LANGUAGE") ||
		    ieq(p, "DATEFORMAT") || ieq(p, "QUERY_GOVERNOR_COST_LIMIT"))
			boolopt = 0;
		if (boolopt && onoff(st->optval, &on) != 0) {
			tderr_set(&e, 102, 15, "Incorrect syntax near '%s'.",
			    st->optval ? st->optval : p);
			rc = -1;
			break;
		}
		if (ieq(p, "NOCOUNT"))
			s->nocount = on;
		else if (ieq(p, "XACT_ABORT"))
			s->xact_abort = on;
		else if (ieq(p, "FMTONLY"))
			s->fmtonly = on;
		else if (ieq(p, "IMPLICIT_TRANSACTIONS"))
			s->implicit_tx = on;
		else if (ieq(p, "ANSI_WARNINGS"))
			s->ansi_warnings = on;
		else if (ieq(p, "CONCAT_NULL_YIELDS_NULL"))
			s->concat_null = on;
		else if (ieq(p, "ANSI_NULLS") || ieq(p, "QUOTED_IDENTIFIER") ||
		    ieq(p, "ANSI_PADDING") || ieq(p, "ARITHABORT") ||
		    ieq(p, "NUMERIC_ROUNDABORT") || ieq(p, "ANSI_NULL_DFLT_ON") ||
		    ieq(p, "ANSI_NULL_DFLT_OFF") || ieq(p, "ANSI_DEFAULTS") ||
		    ieq(p, "CURSOR_CLOSE_ON_COMMIT") || ieq(p, "ARITHIGNORE") ||
		    ieq(p, "NOEXEC") || ieq(p, "PARSEONLY") ||
		    ieq(p, "STATISTICS") || ieq(p, "SHOWPLAN_ALL") ||
		    ieq(p, "FORCEPLAN") || ieq(p, "REMOTE_PROC_TRANSACTIONS") ||
		    ieq(p, "NO_BROWSETABLE")) {
			/*
			 * Accepted; tdsd always behaves as with ANSI_NULLS,
			 * ANSI_PADDING, ARITHABORT and QUOTED_IDENTIFIER ON.
			 * NOEXEC/PARSEONLY ON would be lies: refused.
			 */
			if (on && (ieq(p, "NOEXEC") || ieq(p, "PARSEONLY") ||
			    ieq(p, "SHOWPLAN_ALL") || ieq(p, "ANSI_DEFAULTS"))) {
				tderr_set(&e, 50000, 16,
				    "tdsd: SET %s ON is not implemented", p);
				rc = -1;
			}
		} else if (ieq(p, "ROWCOUNT")) {
			char *end;
			long long v = st->optval ? strtoll(st->optval, &end,
			    10) : -1;

			if (v < 0) {
				tderr_set(&e, 102, 15,
				    "Incorrect syntax near '%s'.",
				    st->optval ? st->optval : "ROWCOUNT");
				rc = -1;
			} else
				s->rowcount_limit = v;
		} else if (ieq(p, "TEXTSIZE")) {
			s->textsize = st->optval ? atoi(st->optval) : 0;
		} else if (ieq(p, "LOCK_TIMEOUT") || ieq(p, "DATEFIRST") ||
		    ieq(p, "DEADLOCK_PRIORITY") ||
		    ieq(p, "QUERY_GOVERNOR_COST_LIMIT")) {
			/* accepted: no effect in tdsd */
		} else if (ieq(p, "LANGUAGE")) {
			if (st->optval == NULL || (!ieq(st->optval,
			    "us_english") && !ieq(st->optval, "english"))) {
				tderr_set(&e, 2732, 16,
				    "tdsd: only us_english is available");
				rc = -1;
			}
		} else if (ieq(p, "DATEFORMAT")) {
			if (st->optval == NULL || (!ieq(st->optval, "ymd") &&
			    !ieq(st->optval, "mdy"))) {
				tderr_set(&e, 50000, 16,
				    "tdsd: SET DATEFORMAT %s is not implemented (ymd and mdy are)",
				    st->optval ? st->optval : "");
				rc = -1;
			}
		} else {
			tderr_set(&e, 195, 15,
			    "'%s' is not a recognized SET option.", p);
			rc = -1;
		}
	}
	free(opts);
	if (rc != 0)
		return fail(s, &e, FAIL_BATCH, 0);
	sess_done(s, 0, 0, 0);
	return 0;
}

/* A variable keeps the first len characters of a longer text, silently. */
static void
cut_text(struct sqlval *v, const struct sqltype *ty)
{
	size_t i = 0, k = 0;

	if (v->null || !st_is_str(ty->t) || ty->len == LEN_MAX)
		return;
	while (i < v->n && k < (size_t)ty->len) {
		unsigned char c = (unsigned char)v->s[i];

		k += st_is_nstr(ty->t) && c >= 0xF0 ? 2 : 1;
		if (k > (size_t)ty->len)
			break;
		i++;
		while (i < v->n && ((unsigned char)v->s[i] & 0xC0) == 0x80)
			i++;
	}
	v->n = i;
}

static void
set_var(struct var *v, const struct sqlval *val)
{
	sqlval_free(&v->v);
	sqlval_copy(&v->v, val);
	v->v.t = v->ty.t;
}

static int
x_declare(struct sess *s, struct stmt *st, struct arena *a)
{
	struct tderr e;
	int i;

	for (i = 0; i < st->nsets; i++) {
		struct setitem *si = &st->sets[i];
		struct var *v;

		if (var_find(s, si->var) != NULL) {
			tderr_set(&e, 134, 15,
			    "The variable name '@%s' has already been declared. Variable names must be unique within a query batch or stored procedure.",
			    si->var);
			return fail(s, &e, FAIL_BATCH, 0);
		}
		v = xcalloc(1, sizeof(*v));
		v->name = xstrdup(si->var);
		v->ty = si->ty;
		v->v.null = 1;
		v->v.t = si->ty.t;
		v->next = s->vars->head;
		s->vars->head = v;
		if (si->e != NULL) {
			struct gctx g;
			struct sqlval val, cv;
			struct sqltype ty;

			gctx_init(&g, s, a, &e);
			memset(&cv, 0, sizeof(cv));
			if (gen_const(&g, si->e, &val, &ty) != 0)
				return fail(s, &e, g.abort ? FAIL_BATCH :
				    FAIL_STMT, 0);
			if (sqlval_conv(&val, &v->ty, 0, &cv, &e) != 0) {
				sqlval_free(&val);
				sqlval_free(&cv);
				return fail(s, &e, FAIL_STMT, 0);
			}
			cut_text(&cv, &v->ty);
			set_var(v, &cv);
			sqlval_free(&val);
			sqlval_free(&cv);
		}
	}
	return 0;
}

static int
x_setvar(struct sess *s, struct stmt *st, struct arena *a)
{
	struct tderr e;
	int i;

	for (i = 0; i < st->nsets; i++) {
		struct setitem *si = &st->sets[i];
		struct var *v = var_find(s, si->var);
		struct gctx g;
		struct sqlval val, cv;
		struct sqltype ty;

		if (v == NULL) {
			tderr_set(&e, 137, 15,
			    "Must declare the scalar variable \"@%s\".", si->var);
			return fail(s, &e, FAIL_BATCH, 0);
		}
		gctx_init(&g, s, a, &e);
		memset(&cv, 0, sizeof(cv));
		if (gen_const(&g, si->e, &val, &ty) != 0)
			return fail(s, &e, g.abort ? FAIL_BATCH : FAIL_STMT, 0);
		if (sqlval_conv(&val, &v->ty, 0, &cv, &e) != 0) {
			sqlval_free(&val);
			sqlval_free(&cv);
			return fail(s, &e, FAIL_STMT, 0);
		}
		cut_text(&cv, &v->ty);
		set_var(v, &cv);
		sqlval_free(&val);
		sqlval_free(&cv);
	}
	sess_done(s, 0, 0, 0);
	return 0;
}

/* Evaluate a condition; 1 true, 0 false/unknown, -1 error. */
static int
eval_cond(struct sess *s, struct expr *cond, struct arena *a,
    struct tderr *e, int *abort)
{
	struct gctx g;
	struct scope sc;
	const char *sql;
	sqlite3_stmt *st;
	int rc, r;

	gctx_init(&g, s, a, e);
	memset(&sc, 0, sizeof(sc));
	*abort = 0;
	if (gen_pred(&g, &sc, cond, &sql) != 0) {
		*abort = g.abort;
		return -1;
	}
	if (sq_prepare(s, afmt(&g, "SELECT CASE WHEN %s THEN 1 ELSE 0 END",
	    sql), &st, e) != 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		exec_sqlite_err(s, rc, e);
		sqlite3_finalize(st);
		return -1;
	}
	r = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return r;
}

static int exec_one(struct sess *s, struct stmt *st, struct arena *a);

/* RAISERROR's message with %s/%d/%i/%u arguments. */
static void
raise_text(struct sess *s, struct stmt *st, struct arena *a,
    const struct sqlval *msg, struct buf *out)
{
	int argi = 3;
	size_t i;

	for (i = 0; i < msg->n; i++) {
		char c = msg->s[i];

		if (c != '%' || i + 1 >= msg->n) {
			buf_addc(out, c);
			continue;
		}
		i++;
		while (i < msg->n && strchr("-+ #0123456789.lh", msg->s[i]))
			i++;
		if (i >= msg->n)
			break;
		if (msg->s[i] == '%') {
			buf_addc(out, '%');
			continue;
		}
		if (argi < st->nargs) {
			struct gctx g;
			struct tderr e;
			struct sqlval v;
			struct sqltype ty;

			gctx_init(&g, s, a, &e);
			if (gen_const(&g, st->args[argi], &v, &ty) == 0) {
				if (v.null)
					buf_adds(out, "(null)");
				else
					sqlval_msgtext(&v, &ty, out);
			}
			sqlval_free(&v);
			argi++;
		} else
			buf_adds(out, "(null)");
	}
}

static int
x_raise(struct sess *s, struct stmt *st, struct arena *a)
{
	struct tderr e;
	struct gctx g;
	struct sqlval v[3];
	struct sqltype ty;
	struct buf msg = BUF_INIT;
	int i, num, sev, state;

	memset(v, 0, sizeof(v));
	gctx_init(&g, s, a, &e);
	if (st->k == S_THROW && st->nargs == 0) {
		tderr_set(&e, 10704, 15,
		    "To rethrow an error, a THROW statement must be used inside a CATCH block. Insert the THROW statement inside a CATCH block, or add error-handling logic using TRY...CATCH.");
		return fail(s, &e, FAIL_BATCH, 0);
	}
	if (st->nargs < 3) {
		tderr_set(&e, 102, 15, "Incorrect syntax near '%s'.",
		    st->k == S_THROW ? "THROW" : "RAISERROR");
		return fail(s, &e, FAIL_BATCH, 0);
	}
	for (i = 0; i < 3; i++)
		if (gen_const(&g, st->args[i], &v[i], &ty) != 0) {
			while (i-- > 0)
				sqlval_free(&v[i]);
			return fail(s, &e, FAIL_BATCH, 0);
		}
	if (st->k == S_THROW) {
		num = (int)v[0].i;
		buf_add(&msg, v[1].s, v[1].n);
		state = (int)v[2].i;
		sev = 16;
		if (num < 50000) {
			tderr_set(&e, 35100, 16,
			    "Error number %d in the THROW statement is outside the valid range. Specify an error number in the valid range of 50000 to 2147483647.",
			    num);
			goto abort;
		}
		tderr_set(&e, num, sev, "%s", msg.s ? msg.s : "");
		e.state = state;
	abort:
		for (i = 0; i < 3; i++)
			sqlval_free(&v[i]);
		buf_free(&msg);
		return fail(s, &e, FAIL_BATCH, 0);
	}
	if (!st_is_str(v[0].t)) {
		tderr_set(&e, 2732, 16,
		    "Error number %lld is invalid. The number must be from 13000 through 2147483647 and it cannot be 50000.",
		    (long long)v[0].i);
		for (i = 0; i < 3; i++)
			sqlval_free(&v[i]);
		return fail(s, &e, FAIL_STMT, 0);
	}
	raise_text(s, st, a, &v[0], &msg);
	sev = (int)v[1].i;
	state = (int)v[2].i;
	if (sev < 0)
		sev = 0;
	if (sev > 18)
		sev = 18;
	for (i = 0; i < 3; i++)
		sqlval_free(&v[i]);
	if (sev <= 10) {
		sess_info(s, 50000, "%s", msg.s ? msg.s : "");
		buf_free(&msg);
		sess_done(s, 0, 0, 0);
		return 0;
	}
	tderr_set(&e, 50000, sev, "%s", msg.s ? msg.s : "");
	e.state = state;
	buf_free(&msg);
	return fail(s, &e, FAIL_STMT, 0);
}

static int
x_print(struct sess *s, struct stmt *st, struct arena *a)
{
	struct tderr e;
	struct gctx g;
	struct sqlval v;
	struct sqltype ty;
	struct buf b = BUF_INIT;

	gctx_init(&g, s, a, &e);
	if (gen_const(&g, st->args[0], &v, &ty) != 0)
		return fail(s, &e, g.abort ? FAIL_BATCH : FAIL_STMT, 0);
	if (!v.null)
		sqlval_msgtext(&v, &ty, &b);
	sqlval_free(&v);
	sess_flush_done(s, 1);
	tok_msg(&s->out, TOK_INFO, 0, 1, 0, b.s ? b.s : "", "tdsd", "", 1,
	    s->tdsver);
	buf_free(&b);
	sess_done(s, 0, 0, 0);
	return 0;
}

static int
x_waitfor(struct sess *s, struct stmt *st, struct arena *a)
{
	struct tderr e;
	struct gctx g;
	struct sqlval v;
	struct sqltype ty;
	int64_t days, ticks;
	int hd, ht;
	long ms;

	gctx_init(&g, s, a, &e);
	if (gen_const(&g, st->args[0], &v, &ty) != 0)
		return fail(s, &e, FAIL_BATCH, 0);
	if (v.null || !st_is_str(v.t) || dt_parse(v.s, v.n, 0, 1, &days,
	    &ticks, &hd, &ht) != 0 || !ht) {
		sqlval_free(&v);
		tderr_set(&e, 148, 15,
		    "Incorrect time syntax in time string used with WAITFOR.");
		return fail(s, &e, FAIL_BATCH, 0);
	}
	sqlval_free(&v);
	ms = (long)(ticks / 10000);
	if (s->wait_attn != NULL) {
		if (s->wait_attn(s, (int)ms) != 0) {
			s->cancelled = 1;
			return -1;
		}
	} else {
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	sess_done(s, 0, 0, 0);
	return 0;
}

static int
x_use(struct sess *s, struct stmt *st)
{
	struct tderr e;

	if (!ieq(st->name, s->conf->dbname)) {
		tderr_set(&e, 911, 16,
		    "Database '%s' does not exist. Make sure that the name is entered correctly.",
		    st->name);
		return fail(s, &e, FAIL_BATCH, 0);
	}
	sess_flush_done(s, 1);
	tok_env_str(&s->out, 1, s->conf->dbname, s->database ?
	    s->database : s->conf->dbname);
	sess_info(s, 5701, "Changed database context to '%s'.",
	    s->conf->dbname);
	sess_done(s, 0, 0, 0);
	return 0;
}

static int
x_exec(struct sess *s, struct stmt *st, struct arena *a)
{
	struct tderr e;
	const char *name = st->table.part[3];
	struct expr *arg = NULL;

	if (st->k == S_EXEC_STR)
		arg = st->args[0];
	else if (ieq(name, "sp_executesql") && st->nargs == 1)
		arg = st->args[0];
	if (arg != NULL) {
		struct gctx g;
		struct sqlval v;
		struct sqltype ty;

		if (s->depth >= 16) {
			tderr_set(&e, 217, 16,
			    "Maximum stored procedure, function, trigger, or view nesting level exceeded (limit 32).");
			return fail(s, &e, FAIL_BATCH, 0);
		}
		gctx_init(&g, s, a, &e);
		if (gen_const(&g, arg, &v, &ty) != 0)
			return fail(s, &e, FAIL_BATCH, 0);
		if (v.null || !st_is_str(v.t)) {
			sqlval_free(&v);
			tderr_set(&e, 214, 16,
			    "Procedure expects parameter '@statement' of type 'ntext/nchar/nvarchar'.");
			return fail(s, &e, FAIL_STMT, 0);
		}
		s->depth++;
		exec_text(s, v.s, v.n);
		s->depth--;
		sqlval_free(&v);
		return 0;
	}
	tderr_set(&e, 2812, 16, "Could not find stored procedure '%s'.",
	    name ? name : "");
	return fail(s, &e, FAIL_STMT, 0);
}

/* ---------------------------------------------------------------- */
/* Bulk load (INSERT BULK + packet type 7) */

struct bulkstate {
	int64_t		 tabid;
	char		**names;
	int		 nnames;
	int		 keep_nulls, keep_ident;
	/* the stream */
	int		 have_meta, done_seen, failed, started;
	struct tderr	 err;
	struct buf	 carry;
	struct bulkcol	*cols;
	int		 ncols;
	struct ins	 ins;
	int		 ins_open;
};

void
exec_bulk_reset(struct sess *s)
{
	struct bulkstate *b = s->bulk;
	int i;

	if (b == NULL)
		return;
	if (b->ins_open)
		ins_close(&b->ins, 0);
	for (i = 0; i < b->nnames; i++)
		free(b->names[i]);
	free(b->names);
	for (i = 0; i < b->ncols; i++)
		free(b->cols[i].name);
	free(b->cols);
	buf_free(&b->carry);
	free(b);
	s->bulk = NULL;
}

int
exec_bulk_pending(struct sess *s)
{
	return s->bulk != NULL && s->bulk->started;
}

static int
x_insert_bulk(struct sess *s, struct stmt *st)
{
	struct tderr e;
	struct table *t;
	struct bulkstate *b;
	int i;

	if ((t = find_table(s, &st->table, &e)) == NULL)
		return fail(s, &e, FAIL_BATCH, 0);
	for (i = 0; i < st->ncols; i++)
		if (cat_colidx(t, st->cols[i]) < 0) {
			tderr_set(&e, 207, 16, "Invalid column name '%s'.",
			    st->cols[i]);
			return fail(s, &e, FAIL_BATCH, 0);
		}
	exec_bulk_reset(s);
	b = xcalloc(1, sizeof(*b));
	b->tabid = t->id;
	b->nnames = st->ncols;
	b->names = xcalloc((size_t)st->ncols + 1, sizeof(char *));
	for (i = 0; i < st->ncols; i++)
		b->names[i] = xstrdup(st->cols[i]);
	if (st->hints != NULL) {
		char *h = xstrdup(st->hints), *p;

		for (p = h; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		b->keep_nulls = strstr(h, "KEEP_NULLS") != NULL;
		b->keep_ident = strstr(h, "KEEP_IDENTITY") != NULL;
		free(h);
	}
	s->bulk = b;
	sess_done(s, 0, 0, 0);
	return 0;
}

static void
bulk_fail(struct sess *s, const struct tderr *e)
{
	struct bulkstate *b = s->bulk;

	if (b->failed)
		return;
	b->failed = 1;
	b->err = *e;
	if (b->ins_open) {
		ins_close(&b->ins, 0);
		b->ins_open = 0;
	}
	if (b->started)
		(void)wend(s, 0, NULL);
}

/* COLMETADATA of a bulk stream; 1 done, 0 need more bytes, -1 bad. */
static int
bulk_meta(struct sess *s, struct rd *r, struct tderr *e)
{
	struct bulkstate *b = s->bulk;
	int n, i;
	struct bulkcol *cols;

	if (rd_u8(r) != TOK_COLMETADATA)
		return r->err ? 0 : tderr_set(e, 4804, 21,
		    "While reading current row from host, a premature end-of-message was encountered--an incoming data stream was interrupted when the server expected to see more data. The host program may have terminated. Ensure that you are using a supported client application programming interface (API).");
	n = (int)rd_u16(r);
	if (r->err)
		return 0;
	if (n == 0xFFFF || n == 0)
		return tderr_set(e, 4815, 16,
		    "Received an invalid column length from the bcp client for colid 1.");
	cols = xcalloc((size_t)n, sizeof(*cols));
	for (i = 0; i < n; i++) {
		struct bulkcol *c = &cols[i];
		int k, rc;
		const uint8_t *p;
		struct buf nm = BUF_INIT;

		if (s->tdsver >= TDS72)
			(void)rd_u32(r);
		else
			(void)rd_u16(r);
		c->flags = (int)rd_u16(r);
		rc = tds_read_typeinfo(r, c);
		if (rc == -2) {
			tderr_set(e, 4815, 16,
			    "tdsd: bulk load: TDS type 0x%02X of colid %d is not supported",
			    (unsigned)c->xtype, i + 1);
			goto bad;
		}
		if (rc != 0 || r->err)
			goto more;
		k = rd_u8(r);
		if ((p = rd_bytes(r, (size_t)k * 2)) == NULL)
			goto more;
		utf16_to_utf8_lossy(p, (size_t)k * 2, &nm);
		buf_addc(&nm, 0);
		c->name = buf_detach(&nm, NULL);
	}
	b->cols = cols;
	b->ncols = n;
	return 1;
more:
	for (i = 0; i < n; i++)
		free(cols[i].name);
	free(cols);
	return 0;
bad:
	for (i = 0; i < n; i++)
		free(cols[i].name);
	free(cols);
	return -1;
}

static int
bulk_open(struct sess *s, struct tderr *e)
{
	struct bulkstate *b = s->bulk;
	struct table *t;
	char **names;
	int i, k;

	if (cat_refresh(s) != 0 || (t = cat_find_id(s, b->tabid)) == NULL)
		return tderr_set(e, 208, 16,
		    "Invalid object name: the table of the bulk load is gone.");
	/* the stream's columns, by name where the names match */
	names = xcalloc((size_t)b->ncols + 1, sizeof(char *));
	for (i = 0; i < b->ncols; i++) {
		names[i] = b->cols[i].name;
		if (cat_colidx(t, names[i]) < 0 && i < b->nnames)
			names[i] = b->names[i];
		if (cat_colidx(t, names[i]) < 0) {
			free(names);
			return tderr_set(e, 4815, 16,
			    "Received an invalid column length from the bcp client for colid %d.",
			    i + 1);
		}
		for (k = 0; k < i; k++)
			if (ieq(names[k], names[i])) {
				free(names);
				return tderr_set(e, 4815, 16,
				    "Received an invalid column length from the bcp client for colid %d.",
				    i + 1);
			}
	}
	if (wbegin(s, e) != 0) {
		free(names);
		return -1;
	}
	b->started = 1;
	if (ins_open(&b->ins, s, t, names, b->ncols, 1, b->keep_ident, e) != 0) {
		free(names);
		return -1;
	}
	free(names);
	b->ins.keep_nulls = b->keep_nulls;
	b->ins.verb = "INSERT";
	b->ins_open = 1;
	return 0;
}

void
exec_bulk(struct sess *s, const uint8_t *p, size_t n, int eom)
{
	struct bulkstate *b = s->bulk;
	struct tderr e;
	struct rd r;
	struct sqlval *vals = NULL;
	int i;

	if (b == NULL) {
		if (eom) {
			tderr_set(&e, 50000, 16,
			    "tdsd: bulk load data without a preceding INSERT BULK");
			(void)fail(s, &e, FAIL_STMT, CMD_BULK);
			sess_reply_end(s);
		}
		return;
	}
	if (!b->failed && !b->done_seen) {
		buf_add(&b->carry, p, n);
		rd_init(&r, b->carry.s, b->carry.len);
		if (!b->have_meta) {
			int rc = bulk_meta(s, &r, &e);

			if (rc < 0)
				bulk_fail(s, &e);
			else if (rc == 1) {
				b->have_meta = 1;
				if (bulk_open(s, &e) != 0)
					bulk_fail(s, &e);
			} else
				r.off = 0;
		}
		if (b->have_meta && !b->failed)
			vals = xcalloc((size_t)b->ncols, sizeof(*vals));
		while (b->have_meta && !b->failed && rd_left(&r) > 0) {
			size_t start = r.off;
			int tok = rd_u8(&r), rc = 1;

			if (tok == TOK_DONE) {
				(void)rd_bytes(&r, s->tdsver >= TDS72 ? 12 : 8);
				if (r.err) {
					r.err = 0;
					r.off = start;
					break;
				}
				b->done_seen = 1;
				break;
			}
			if (tok != TOK_ROW) {
				tderr_set(&e, 4804, 21,
				    "While reading current row from host, a premature end-of-message was encountered--an incoming data stream was interrupted when the server expected to see more data. The host program may have terminated. Ensure that you are using a supported client application programming interface (API).");
				bulk_fail(s, &e);
				break;
			}
			for (i = 0; i < b->ncols && rc == 1; i++) {
				sqlval_free(&vals[i]);
				rc = tds_read_value(&r, &b->cols[i], &vals[i],
				    s->conf->check8bit, &e);
			}
			if (rc == 0) {
				/* the row continues in the next packet */
				r.err = 0;
				r.off = start;
				break;
			}
			if (rc < 0 || ins_row(&b->ins, vals, &e) != 0) {
				bulk_fail(s, &e);
				break;
			}
			if ((b->ins.n & 1023) == 0 && sess_check_attn(s))
				break;
		}
		if (vals != NULL) {
			for (i = 0; i < b->ncols; i++)
				sqlval_free(&vals[i]);
			free(vals);
		}
		/* keep what is not consumed */
		if (!b->failed) {
			size_t used = r.err ? 0 : r.off;

			memmove(b->carry.s, b->carry.s + used,
			    b->carry.len - used);
			b->carry.len -= used;
		} else
			b->carry.len = 0;
	}
	if (!eom)
		return;
	if (s->cancelled) {
		bulk_fail(s, &e);
		exec_bulk_reset(s);
		return;
	}
	if (!b->failed && (!b->have_meta || b->carry.len > 0)) {
		tderr_set(&e, 4804, 21,
		    "While reading current row from host, a premature end-of-message was encountered--an incoming data stream was interrupted when the server expected to see more data. The host program may have terminated. Ensure that you are using a supported client application programming interface (API).");
		bulk_fail(s, &e);
	}
	if (b->failed) {
		e = b->err;
		exec_bulk_reset(s);
		(void)fail(s, &e, FAIL_STMT, CMD_BULK);
	} else {
		int64_t rows = b->ins.n;

		ins_close(&b->ins, 1);
		b->ins_open = 0;
		if (wend(s, 1, &e) != 0) {
			exec_bulk_reset(s);
			(void)fail(s, &e, FAIL_STMT, CMD_BULK);
		} else {
			exec_bulk_reset(s);
			done_count(s, CMD_BULK, rows);
		}
	}
	sess_reply_end(s);
}

/* ---------------------------------------------------------------- */
/* Statements and batches */

static int
needs_db(enum sk k)
{
	switch (k) {
	case S_SET: case S_DECLARE: case S_PRINT: case S_RAISERROR:
	case S_THROW: case S_WAITFOR: case S_RETURN: case S_NOOP:
	case S_BEGIN_TRAN: case S_COMMIT: case S_ROLLBACK: case S_USE:
	case S_BLOCK:
		return 0;
	default:
		return 1;
	}
}

static int
exec_one(struct sess *s, struct stmt *st, struct arena *a)
{
	struct tderr e;
	int abort, r, n;

	if (s->batch_abort || s->cancelled)
		return -1;
	if (sess_check_attn(s))
		return -1;
	if (needs_db(st->k)) {
		if (cat_refresh(s) != 0) {
			exec_sqlite_err(s, sqlite3_extended_errcode(s->db), &e);
			return fail(s, &e, FAIL_BATCH, 0);
		}
		if (s->implicit_tx && s->trancount == 0 &&
		    (st->k == S_SELECT || st->k == S_INSERT ||
		    st->k == S_UPDATE || st->k == S_DELETE ||
		    st->k == S_CREATE_TABLE || st->k == S_DROP_TABLE ||
		    st->k == S_CREATE_INDEX || st->k == S_TRUNCATE ||
		    st->k == S_ALTER_ADD)) {
			s->tranid = ++s->nexttran;
			s->trancount = 1;
			env_tran(s, 8);
		}
		if (st->k != S_IF && st->k != S_WHILE && st->k != S_EXEC &&
		    st->k != S_EXEC_STR && ensure_tx(s, &e) != 0)
			return fail(s, &e, FAIL_STMT, 0);
	}
	switch (st->k) {
	case S_SELECT:
		return x_select(s, st, a);
	case S_INSERT:
		return x_insert(s, st, a);
	case S_UPDATE:
		return x_update(s, st, a);
	case S_DELETE:
		return x_delete(s, st, a);
	case S_CREATE_TABLE:
		return x_create_table(s, st, a);
	case S_CREATE_INDEX:
		return x_create_index(s, st, a);
	case S_CREATE_SCHEMA:
		return x_create_schema(s, st);
	case S_DROP_TABLE:
		r = x_drop_table(s, st);
		for (n = 0; n < st->nlist && r == 0; n++) {
			(void)cat_refresh(s);
			r = x_drop_table(s, st->list[n]);
		}
		return r;
	case S_DROP_INDEX:
		return x_drop_index(s, st);
	case S_TRUNCATE:
		return x_truncate(s, st);
	case S_ALTER_ADD:
		return x_alter_add(s, st);
	case S_BEGIN_TRAN:
		return x_begin(s, st);
	case S_COMMIT:
		return x_commit(s, st);
	case S_ROLLBACK:
		return x_rollback(s, st);
	case S_SAVE_TRAN:
		return x_save(s, st);
	case S_SET:
		return x_set(s, st);
	case S_USE:
		return x_use(s, st);
	case S_IF:
		r = eval_cond(s, st->cond, a, &e, &abort);
		if (r < 0)
			return fail(s, &e, abort ? FAIL_BATCH : FAIL_STMT, 0);
		if (r)
			return exec_one(s, st->body, a);
		if (st->els != NULL)
			return exec_one(s, st->els, a);
		return 0;
	case S_WHILE:
		for (n = 0;; n++) {
			if (n >= 10000000) {
				tderr_set(&e, 50000, 16,
				    "tdsd: WHILE loop stopped after %d rounds",
				    n);
				return fail(s, &e, FAIL_BATCH, 0);
			}
			(void)cat_refresh(s);
			r = eval_cond(s, st->cond, a, &e, &abort);
			if (r < 0)
				return fail(s, &e, abort ? FAIL_BATCH :
				    FAIL_STMT, 0);
			if (r == 0)
				return 0;
			if (exec_one(s, st->body, a) != 0 && (s->batch_abort ||
			    s->cancelled))
				return -1;
			if (s->batch_abort || s->cancelled)
				return -1;
		}
	case S_BLOCK:
		for (n = 0; n < st->nlist; n++) {
			(void)exec_one(s, st->list[n], a);
			if (s->batch_abort || s->cancelled)
				return -1;
		}
		return 0;
	case S_DECLARE:
		return x_declare(s, st, a);
	case S_SETVAR:
		return x_setvar(s, st, a);
	case S_EXEC: case S_EXEC_STR:
		return x_exec(s, st, a);
	case S_PRINT:
		return x_print(s, st, a);
	case S_RAISERROR: case S_THROW:
		return x_raise(s, st, a);
	case S_WAITFOR:
		return x_waitfor(s, st, a);
	case S_INSERT_BULK:
		return x_insert_bulk(s, st);
	case S_RETURN:
		s->batch_abort = 1;
		return 0;
	case S_NOOP:
		return 0;
	default:
		tderr_set(&e, 50000, 16, "tdsd: statement not implemented");
		return fail(s, &e, FAIL_BATCH, 0);
	}
}

/* A kind tdsd does not run, anywhere in the batch: refuse it all. */
static const char *
find_unsupported(struct stmt **list, int n)
{
	int i;
	const char *w;

	for (i = 0; i < n; i++) {
		struct stmt *st = list[i];

		if (st == NULL)
			continue;
		if ((w = unsupported_kind(st->k)) != NULL)
			return w;
		if (st->body && (w = find_unsupported(&st->body, 1)) != NULL)
			return w;
		if (st->els && (w = find_unsupported(&st->els, 1)) != NULL)
			return w;
		if (st->nlist && st->k == S_BLOCK &&
		    (w = find_unsupported(st->list, st->nlist)) != NULL)
			return w;
	}
	return NULL;
}

void
exec_batch(struct sess *s, struct stmt **list, int n)
{
	struct arena a = { NULL };
	const char *w;
	int i;

	if ((w = find_unsupported(list, n)) != NULL) {
		struct tderr e;

		tderr_set(&e, 50000, 16,
		    "tdsd: %s is not implemented (see tests/tdsd/README); nothing in this batch ran",
		    w);
		(void)fail(s, &e, FAIL_BATCH, 0);
		return;
	}
	for (i = 0; i < n; i++) {
		s->stmt_failed = 0;
		(void)exec_one(s, list[i], &a);
		/* each statement's temporaries go with it */
		ar_free(&a);
		if (s->batch_abort || s->cancelled)
			break;
	}
	ar_free(&a);
}

void
exec_text(struct sess *s, const char *sql, size_t n)
{
	struct arena a = { NULL };
	struct stmt **list;
	int nl;
	struct tderr e;

	memset(&e, 0, sizeof(e));
	if (sql_parse(&a, sql, n, &list, &nl, &e) != 0) {
		sess_error(s, &e);
		sess_done(s, DONE_ERROR, 0, 0);
		ar_free(&a);
		return;
	}
	exec_batch(s, list, nl);
	ar_free(&a);
	if (s->depth == 0) {
		s->batch_abort = 0;
		vars_clear(s);
	}
}
