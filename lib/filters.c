/*
 * filters: the filter table from its CSV form (libcsv) or from
 * PostgreSQL's edi.filters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <libpq-fe.h>

#include "claimkit/buf.h"
#include "claimkit/diag.h"
#include "claimkit/filters.h"
#include "claimkit/staging.h"
#include "claimkit/xalloc.h"

enum { C_ID, C_CODE, C_NAME, C_ACTION, C_CLASS, C_NCOLS };

static const char *const colnames[C_NCOLS] = {
	"filter_id", "filter_code", "filter_name", "action", "class_index"
};

struct rd {
	struct filters	*t;
	int		 col[C_NCOLS];	/* field of a column, or -1 */
	char		*cell[C_NCOLS];
	size_t		 field;		/* field within the row */
	unsigned long	 row;		/* 1-based CSV record */
	int		 header_done;
	char		*err;
	size_t		 errsz;
	int		 failed;
	const char	*path;
};

static void
fail(struct rd *r, const char *fmt, const char *what)
{
	char msg[200];

	if (r->failed)
		return;
	snprintf(msg, sizeof msg, fmt, what);
	snprintf(r->err, r->errsz, "%s:%lu: %s", r->path, r->row, msg);
	r->failed = 1;
}

static int
integer(const char *s, long long *v)
{
	char *end;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return *end != '\0' || errno != 0 || *v < 0 ? -1 : 0;
}

/*
 * Check and add one row (cells in colnames order, NULL when absent); the
 * strings are taken over.  Returns 0, or -1 with msg.
 */
static int
add_row(struct filters *t, char **cell, char *msg, size_t msgsz)
{
	struct filter *f;
	long long id, cls;
	char q[64];

	if (integer(cell[C_ID], &id) != 0) {
		snprintf(msg, msgsz, "filter_id is not an integer >= 0: '%s'",
		    diag_quote(q, sizeof q, cell[C_ID] ? cell[C_ID] : "",
		    cell[C_ID] ? strlen(cell[C_ID]) : 0));
		return -1;
	}
	cls = id;
	if (cell[C_CLASS] != NULL && cell[C_CLASS][0] != '\0' &&
	    integer(cell[C_CLASS], &cls) != 0) {
		snprintf(msg, msgsz, "class_index is not an integer >= 0: '%s'",
		    diag_quote(q, sizeof q, cell[C_CLASS],
		    strlen(cell[C_CLASS])));
		return -1;
	}
	if (cell[C_CODE] == NULL || cell[C_CODE][0] == '\0') {
		snprintf(msg, msgsz, "empty filter_code");
		return -1;
	}
	if (filters_by_id(t, id) != NULL) {
		snprintf(msg, msgsz, "duplicate filter_id %lld", id);
		return -1;
	}
	if (filters_by_class(t, cls) != NULL) {
		snprintf(msg, msgsz, "duplicate class_index %lld", cls);
		return -1;
	}
	if (filters_by_code(t, cell[C_CODE], strlen(cell[C_CODE])) != NULL) {
		snprintf(msg, msgsz, "duplicate filter_code '%s'",
		    diag_quote(q, sizeof q, cell[C_CODE],
		    strlen(cell[C_CODE])));
		return -1;
	}
	t->rows = xreallocarray(t->rows, t->n + 1, sizeof *t->rows);
	f = &t->rows[t->n++];
	f->id = id;
	f->class_index = cls;
	f->code = cell[C_CODE];
	f->name = cell[C_NAME] ? cell[C_NAME] : xstrdup("");
	f->action = cell[C_ACTION] ? cell[C_ACTION] : xstrdup("");
	cell[C_CODE] = cell[C_NAME] = cell[C_ACTION] = NULL;
	return 0;
}

static void
cb_field(void *s, size_t n, void *data)
{
	struct rd *r = data;
	int c;

	if (r->failed)
		return;
	if (!r->header_done) {
		for (c = 0; c < C_NCOLS; c++)
			if (strlen(colnames[c]) == n &&
			    memcmp(s, colnames[c], n) == 0)
				r->col[c] = (int)r->field;
	} else {
		for (c = 0; c < C_NCOLS; c++)
			if (r->col[c] == (int)r->field) {
				free(r->cell[c]);
				r->cell[c] = xstrndup(s, n);
			}
	}
	r->field++;
}

static void
cb_row(int term, void *data)
{
	struct rd *r = data;
	struct filters *t = r->t;
	char msg[160];
	int c;

	(void)term;
	r->row++;
	r->field = 0;
	if (r->failed)
		return;
	if (!r->header_done) {
		r->header_done = 1;
		if (r->col[C_ID] < 0)
			fail(r, "missing column '%s' in the header",
			    "filter_id");
		else if (r->col[C_CODE] < 0)
			fail(r, "missing column '%s' in the header",
			    "filter_code");
		return;
	}
	if (add_row(t, r->cell, msg, sizeof msg) != 0)
		fail(r, "%s", msg);
	for (c = 0; c < C_NCOLS; c++) {
		free(r->cell[c]);
		r->cell[c] = NULL;
	}
}

struct filters *
filters_load(const char *path, char *err, size_t errsz)
{
	struct csv_parser p;
	struct rd r;
	FILE *fp;
	char chunk[8192];
	size_t n;
	int c;

	memset(&r, 0, sizeof r);
	for (c = 0; c < C_NCOLS; c++)
		r.col[c] = -1;
	r.err = err;
	r.errsz = errsz;
	r.path = path;
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "cannot open '%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	r.t = xcalloc(1, sizeof *r.t);
	if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL) !=
	    0) {
		fclose(fp);
		free(r.t);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		if (csv_parse(&p, chunk, n, cb_field, cb_row, &r) != n) {
			r.row++;
			fail(&r, "invalid CSV: %s",
			    csv_strerror(csv_error(&p)));
			break;
		}
	if (ferror(fp)) {
		snprintf(err, errsz, "cannot read '%s': %s", path,
		    strerror(errno));
		r.failed = 1;
	}
	if (!r.failed && csv_fini(&p, cb_field, cb_row, &r) != 0) {
		r.row++;
		fail(&r, "invalid CSV: %s", csv_strerror(csv_error(&p)));
	}
	csv_free(&p);
	fclose(fp);
	for (c = 0; c < C_NCOLS; c++)
		free(r.cell[c]);
	if (!r.failed && r.t->n == 0) {
		snprintf(err, errsz, "%s: no filters", path);
		r.failed = 1;
	}
	if (r.failed) {
		filters_free(r.t);
		return NULL;
	}
	return r.t;
}

void
filters_free(struct filters *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->rows[i].code);
		free(t->rows[i].name);
		free(t->rows[i].action);
	}
	free(t->rows);
	free(t);
}

const struct filter *
filters_by_id(const struct filters *t, long long id)
{
	size_t i;

	for (i = 0; t != NULL && i < t->n; i++)
		if (t->rows[i].id == id)
			return &t->rows[i];
	return NULL;
}

const struct filter *
filters_by_class(const struct filters *t, long long n)
{
	size_t i;

	for (i = 0; t != NULL && i < t->n; i++)
		if (t->rows[i].class_index == n)
			return &t->rows[i];
	return NULL;
}

const struct filter *
filters_by_code(const struct filters *t, const char *s, size_t n)
{
	size_t i;

	for (i = 0; t != NULL && i < t->n; i++)
		if (strlen(t->rows[i].code) == n &&
		    memcmp(t->rows[i].code, s, n) == 0)
			return &t->rows[i];
	for (i = 0; t != NULL && n > 0 && i < t->n; i++)
		if (strlen(t->rows[i].name) == n &&
		    memcmp(t->rows[i].name, s, n) == 0)
			return &t->rows[i];
	return NULL;
}

struct filters *
filters_load_pg(const char *conninfo, int *rc, char *err, size_t errsz)
{
	static const char sql[] = "SELECT filter_id::text, filter_code, "
	    "filter_name, action, class_index::text FROM edi.filters "
	    "WHERE rule_type = 'ML_LABEL' AND is_active AND is_latest_version "
	    "ORDER BY class_index";
	struct filters *t;
	PGconn *conn;
	PGresult *res;
	char msg[160];
	int i, c, bad = 0;

	if ((conn = staging_connect(conninfo, "--filters", 0, rc)) == NULL) {
		snprintf(err, errsz, "cannot read edi.filters");
		return NULL;
	}
	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		*rc = staging_error_code(conn, res);
		if (*rc == CK_EX_SOFTWARE)
			*rc = CK_EX_CONFIG;
		snprintf(err, errsz, "edi.filters: %.*s",
		    (int)strcspn(PQresultErrorMessage(res), "\n"),
		    PQresultErrorMessage(res));
		PQclear(res);
		PQfinish(conn);
		return NULL;
	}
	t = xcalloc(1, sizeof *t);
	for (i = 0; i < PQntuples(res) && !bad; i++) {
		char *cell[C_NCOLS];

		for (c = 0; c < C_NCOLS; c++)
			cell[c] = PQgetisnull(res, i, c) ? NULL :
			    xstrdup(PQgetvalue(res, i, c));
		if (add_row(t, cell, msg, sizeof msg) != 0) {
			snprintf(err, errsz, "edi.filters row %d: %s", i + 1,
			    msg);
			bad = 1;
		}
		for (c = 0; c < C_NCOLS; c++)
			free(cell[c]);
	}
	PQclear(res);
	PQfinish(conn);
	if (!bad && t->n == 0) {
		snprintf(err, errsz, "edi.filters has no active ML_LABEL rows");
		bad = 1;
	}
	if (bad) {
		*rc = CK_EX_CONFIG;
		filters_free(t);
		return NULL;
	}
	return t;
}

struct filters *
filters_open(const char *where, int *rc, char *err, size_t errsz)
{
	struct filters *t;

	if (strncmp(where, "postgresql://", 13) == 0 ||
	    strncmp(where, "postgres://", 11) == 0)
		return filters_load_pg(where, rc, err, errsz);
	if ((t = filters_load(where, err, errsz)) == NULL)
		*rc = CK_EX_CONFIG;
	return t;
}
