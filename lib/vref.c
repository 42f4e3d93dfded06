/*
 * vref: reference data for claims-validate, from CSV files (libcsv through
 * csvtab) or from the PostgreSQL staging database, into hash tables.
 * Both sources go through the same add_* functions, so a bad value is
 * reported the same way: "file:line" for CSV, "table:row" for PostgreSQL.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libpq-fe.h>

#include "claimkit/buf.h"
#include "claimkit/codefmt.h"
#include "claimkit/csvtab.h"
#include "claimkit/diag.h"
#include "claimkit/hmap.h"
#include "claimkit/lineio.h"
#include "claimkit/staging.h"
#include "claimkit/vref.h"
#include "claimkit/xalloc.h"

/* Values of the code-list tables (hmap values must not be NULL). */
static char billable_mark, header_mark, known_mark;

struct vref {
	struct hmap		*fac, *fac_npi, *fac_npi2, *fc, *fc_cfi, *payers;
	struct hmap		*icd, *hcpcs;
	struct vref_facility	**facs;
	size_t			  nfacs;
	struct vref_fclass	**fcs;
	size_t			  nfcs;
	struct vref_payer	**pays;
	size_t			  npays;
	int			  have_fac, have_payers;
};

/* Where a row came from, for messages. */
struct vpos {
	const char	*file;
	unsigned long	 line;
};

static void
bad(const struct vpos *at, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

static void
bad(const struct vpos *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vmsg("error", at->file, at->line, fmt, ap);
	va_end(ap);
	fflush(stdout);
	exit(CK_EX_CONFIG);
}

struct vref *
vref_alloc(void)
{
	struct vref *r = xcalloc(1, sizeof *r);

	r->fac = hmap_alloc();
	r->fac_npi = hmap_alloc();
	r->fac_npi2 = hmap_alloc();
	r->fc = hmap_alloc();
	r->fc_cfi = hmap_alloc();
	r->payers = hmap_alloc();
	return r;
}

void
vref_free(struct vref *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nfacs; i++) {
		free(r->facs[i]->id);
		free(r->facs[i]->name);
		free(r->facs[i]->npi);
		free(r->facs[i]->state);
		free(r->facs[i]);
	}
	for (i = 0; i < r->nfcs; i++) {
		free(r->fcs[i]->id);
		free(r->fcs[i]->description);
		free(r->fcs[i]->facility);
		free(r->fcs[i]->cfi);
		free(r->fcs[i]->payer);
		free(r->fcs[i]);
	}
	for (i = 0; i < r->npays; i++) {
		free(r->pays[i]->id);
		free(r->pays[i]->name);
		free(r->pays[i]->cfi);
		free(r->pays[i]->category);
		free(r->pays[i]);
	}
	free(r->facs);
	free(r->fcs);
	free(r->pays);
	hmap_free(r->fac);
	hmap_free(r->fac_npi);
	hmap_free(r->fac_npi2);
	hmap_free(r->fc);
	hmap_free(r->fc_cfi);
	hmap_free(r->payers);
	hmap_free(r->icd);
	hmap_free(r->hcpcs);
	free(r);
}

/* Boolean column: true/false, t/f, yes/no, y/n, 1/0 (any case); empty = dflt. */
static int
parse_bool(const struct vpos *at, const char *col, const char *v, int dflt)
{
	static const char *yes[] = { "true", "t", "yes", "y", "1" };
	static const char *no[] = { "false", "f", "no", "n", "0" };
	char q[64];
	size_t i;

	if (*v == '\0')
		return dflt;
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	bad(at, "%s: expected true or false: '%s'", col,
	    diag_quote(q, sizeof q, v, strlen(v)));
}

static int
parse_days(const struct vpos *at, const char *v)
{
	char q[64];
	long n = 0;
	const char *p;

	if (*v == '\0')
		return -1;
	for (p = v; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || n > 100000)
			bad(at, "days_to_file_claim: expected a number of days "
			    "(1 to 36500): '%s'", diag_quote(q, sizeof q, v,
			    strlen(v)));
		n = n * 10 + (*p - '0');
	}
	if (n < 1 || n > 36500)
		bad(at, "days_to_file_claim: expected a number of days "
		    "(1 to 36500): '%s'", diag_quote(q, sizeof q, v, strlen(v)));
	return (int)n;
}

static void
need_value(const struct vpos *at, const char *col, const char *v)
{
	if (*v == '\0')
		bad(at, "%s is empty", col);
}

static void
add_facility(struct vref *r, const struct vpos *at, const char *id,
    const char *name, const char *npi, const char *state, const char *active)
{
	struct vref_facility *f;
	char q[64];
	int act;

	need_value(at, "facility_id", id);
	if (hmap_get(r->fac, id, strlen(id)) != NULL)
		bad(at, "duplicate facility_id '%s'",
		    diag_quote(q, sizeof q, id, strlen(id)));
	if (*npi != '\0' && !codefmt_npi(npi, strlen(npi)))
		bad(at, "npi_number: not a 10-digit NPI: '%s'",
		    diag_quote(q, sizeof q, npi, strlen(npi)));
	/* Every check before the allocation: bad() exits. */
	act = parse_bool(at, "active", active, 1);
	f = xcalloc(1, sizeof *f);
	f->id = xstrdup(id);
	f->name = xstrdup(name);
	f->npi = xstrdup(npi);
	f->state = xstrdup(state);
	f->active = act;
	hmap_put(r->fac, f->id, strlen(f->id), f);
	r->facs = xreallocarray(r->facs, r->nfacs + 1, sizeof *r->facs);
	r->facs[r->nfacs++] = f;
	r->have_fac = 1;
}

/*
 * The NPI index is built after loading so that an active facility wins
 * over an inactive one sharing its NPI, whatever the row order.  An NPI
 * of two active facilities names neither (as claims-load maps them): it
 * goes into fac_npi2, the ambiguous ones.
 */
static void
index_npis(struct vref *r)
{
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < r->nfacs; i++) {
			struct vref_facility *f = r->facs[i];
			size_t n = strlen(f->npi);

			if (n == 0 || f->active != !pass)
				continue;
			if (hmap_put(r->fac_npi, f->npi, n, f) != NULL && !pass)
				hmap_put(r->fac_npi2, f->npi, n, f);
		}
}

static void
add_fclass(struct vref *r, const struct vpos *at, const char *id,
    const char *desc, const char *facility, const char *cfi,
    const char *payer, const char *reqauth, const char *days,
    const char *active)
{
	struct vref_fclass *c, *head;
	char q[64];
	int ra, dtf, act;

	need_value(at, "financial_class_id", id);
	if (hmap_get(r->fc, id, strlen(id)) != NULL)
		bad(at, "duplicate financial_class_id '%s'",
		    diag_quote(q, sizeof q, id, strlen(id)));
	if (*facility != '\0' && r->have_fac &&
	    hmap_get(r->fac, facility, strlen(facility)) == NULL)
		bad(at, "facility_id '%s' is not in the facilities table",
		    diag_quote(q, sizeof q, facility, strlen(facility)));
	ra = parse_bool(at, "requires_authorization", reqauth, 0);
	dtf = parse_days(at, days);
	act = parse_bool(at, "active", active, 1);
	c = xcalloc(1, sizeof *c);
	c->id = xstrdup(id);
	c->description = xstrdup(desc);
	c->facility = xstrdup(facility);
	c->cfi = xstrdup(cfi);
	c->payer = xstrdup(payer);
	c->requires_auth = ra;
	c->days_to_file = dtf;
	c->active = act;
	c->order = (unsigned long)r->nfcs;
	hmap_put(r->fc, c->id, strlen(c->id), c);
	r->fcs = xreallocarray(r->fcs, r->nfcs + 1, sizeof *r->fcs);
	r->fcs[r->nfcs++] = c;
	if (*cfi != '\0' &&
	    (head = hmap_put(r->fc_cfi, c->cfi, strlen(c->cfi), c)) != NULL) {
		while (head->next_cfi != NULL)
			head = head->next_cfi;
		head->next_cfi = c;
	}
}

static void
add_payer(struct vref *r, const struct vpos *at, const char *id,
    const char *name, const char *cfi, const char *category)
{
	struct vref_payer *p;
	char q[64];

	need_value(at, "payer_id", id);
	if (hmap_get(r->payers, id, strlen(id)) != NULL)
		bad(at, "duplicate payer_id '%s'",
		    diag_quote(q, sizeof q, id, strlen(id)));
	p = xcalloc(1, sizeof *p);
	p->id = xstrdup(id);
	p->name = xstrdup(name);
	p->cfi = xstrdup(cfi);
	p->category = xstrdup(category);
	hmap_put(r->payers, p->id, strlen(p->id), p);
	r->pays = xreallocarray(r->pays, r->npays + 1, sizeof *r->pays);
	r->pays[r->npays++] = p;
	r->have_payers = 1;
}

/* ---- CSV ---- */

static char *
join(const char *dir, const char *name)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "%s/%s", dir, name);
	return buf_detach(&b, NULL);
}

static struct csvtab *
open_csv(const char *path, int required)
{
	struct csvtab *t = csvtab_open(path);

	if (t == NULL && (required || errno != ENOENT)) {
		diag_error(path, 0, "cannot open reference file: %s",
		    strerror(errno));
		exit(CK_EX_CONFIG);
	}
	return t;
}

static void
load_facilities_csv(struct vref *r, const char *path)
{
	struct csvtab *t = open_csv(path, 1);
	int id = csvtab_need(t, "facility_id");
	int name = csvtab_need(t, "facility_name");
	int npi = csvtab_need(t, "npi_number");
	int state = csvtab_col(t, "state_code");
	int active = csvtab_need(t, "active");

	/* An empty table is valid; it just makes every facility unknown. */
	r->have_fac = 1;
	while (csvtab_next(t)) {
		struct vpos at = { path, csvtab_line(t) };

		add_facility(r, &at, csvtab_field(t, id, NULL),
		    csvtab_field(t, name, NULL), csvtab_field(t, npi, NULL),
		    csvtab_field(t, state, NULL), csvtab_field(t, active, NULL));
	}
	csvtab_close(t);
	index_npis(r);
}

static void
load_fclasses_csv(struct vref *r, const char *path)
{
	struct csvtab *t = open_csv(path, 1);
	int id = csvtab_need(t, "financial_class_id");
	int desc = csvtab_col(t, "financial_class_description");
	int fac = csvtab_need(t, "facility_id");
	int cfi = csvtab_need(t, "claim_filing_indicator");
	int payer = csvtab_need(t, "payer_id");
	int auth = csvtab_col(t, "requires_authorization");
	int days = csvtab_col(t, "days_to_file_claim");
	int active = csvtab_need(t, "active");

	while (csvtab_next(t)) {
		struct vpos at = { path, csvtab_line(t) };

		add_fclass(r, &at, csvtab_field(t, id, NULL),
		    csvtab_field(t, desc, NULL), csvtab_field(t, fac, NULL),
		    csvtab_field(t, cfi, NULL), csvtab_field(t, payer, NULL),
		    csvtab_field(t, auth, NULL), csvtab_field(t, days, NULL),
		    csvtab_field(t, active, NULL));
	}
	csvtab_close(t);
}

static void
load_payers_csv(struct vref *r, const char *path)
{
	struct csvtab *t = open_csv(path, 0);
	int id, name, cfi, cat;

	if (t == NULL)
		return;
	id = csvtab_need(t, "payer_id");
	name = csvtab_col(t, "payer_name");
	cfi = csvtab_need(t, "claim_filing_indicator");
	cat = csvtab_col(t, "payer_category");
	r->have_payers = 1;
	while (csvtab_next(t)) {
		struct vpos at = { path, csvtab_line(t) };

		add_payer(r, &at, csvtab_field(t, id, NULL),
		    csvtab_field(t, name, NULL), csvtab_field(t, cfi, NULL),
		    csvtab_field(t, cat, NULL));
	}
	csvtab_close(t);
}

static void
add_code(struct hmap *h, const struct vpos *at, const char *code,
    size_t n, void *mark, int (*fmt)(const char *, size_t), const char *what)
{
	char q[64];

	if (!fmt(code, n))
		bad(at, "not a%s %s code: '%s'", what[0] == 'I' ? "n" : "", what,
		    diag_quote(q, sizeof q, code, n));
	if (hmap_put(h, code, n, mark) != NULL)
		bad(at, "duplicate %s code '%s'", what,
		    diag_quote(q, sizeof q, code, n));
}

/* Copy an ICD-10-CM code without its dot ("M54.50" -> "M5450"). */
static size_t
undot(char *out, size_t outsz, const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < outsz; i++)
		if (s[i] != '.')
			out[o++] = s[i];
	out[o] = '\0';
	return o;
}

static void
load_icd_csv(struct vref *r, const char *path)
{
	struct csvtab *t = open_csv(path, 1);
	int code = csvtab_need(t, "code");
	int bill = csvtab_need(t, "billable");

	/* A list loaded later (--icd10cm) replaces the earlier one. */
	hmap_free(r->icd);
	r->icd = hmap_alloc();
	while (csvtab_next(t)) {
		struct vpos at = { path, csvtab_line(t) };
		size_t n;
		const char *c = csvtab_field(t, code, &n);
		char nodot[16];
		int b = parse_bool(&at, "billable",
		    csvtab_field(t, bill, NULL), -1);

		if (b < 0)
			bad(&at, "billable is empty");
		if (n >= sizeof nodot)
			bad(&at, "not an ICD-10-CM code: too long");
		n = undot(nodot, sizeof nodot, c, n);
		add_code(r->icd, &at, nodot, n, b ? &billable_mark :
		    &header_mark, codefmt_icd10cm, "ICD-10-CM");
	}
	csvtab_close(t);
}

/*
 * The CMS order file (icd10cm_order_YYYY.txt), fixed width: order number
 * in columns 1-5, code 7-13 (space padded), header/billable flag 15.
 */
static void
load_icd_order(struct vref *r, const char *path)
{
	struct lineio *li = lineio_open(path);
	char *l;
	size_t len;

	if (li == NULL) {
		diag_error(path, 0, "cannot open reference file: %s",
		    strerror(errno));
		exit(CK_EX_CONFIG);
	}
	hmap_free(r->icd);
	r->icd = hmap_alloc();
	while ((l = lineio_next(li, &len)) != NULL) {
		struct vpos at = { path, lineio_lineno(li) };
		size_t n = 7;

		while (len > 0 && (l[len - 1] == '\r' || l[len - 1] == ' '))
			len--;
		if (len == 0)
			continue;
		if (len < 15 || l[5] != ' ' || (l[14] != '0' && l[14] != '1'))
			bad(&at, "not a line of the CMS ICD-10-CM order file "
			    "(code in columns 7-13, flag 0 or 1 in column 15)");
		while (n > 0 && l[6 + n - 1] == ' ')
			n--;
		add_code(r->icd, &at, l + 6, n, l[14] == '1' ?
		    &billable_mark : &header_mark, codefmt_icd10cm, "ICD-10-CM");
	}
	lineio_close(li);
}

void
vref_load_icd10cm(struct vref *r, const char *path)
{
	size_t n = strlen(path);

	if (n > 4 && strcmp(path + n - 4, ".csv") == 0)
		load_icd_csv(r, path);
	else
		load_icd_order(r, path);
}

static void
load_hcpcs_csv(struct vref *r, const char *path)
{
	struct csvtab *t = open_csv(path, 1);
	int code = csvtab_need(t, "code");

	hmap_free(r->hcpcs);
	r->hcpcs = hmap_alloc();
	while (csvtab_next(t)) {
		struct vpos at = { path, csvtab_line(t) };
		size_t n;
		const char *c = csvtab_field(t, code, &n);

		add_code(r->hcpcs, &at, c, n, &known_mark, codefmt_hcpcs,
		    "CPT/HCPCS");
	}
	csvtab_close(t);
}

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

void
vref_load_codes(struct vref *r, const char *dir)
{
	char *p = join(dir, "icd10cm.csv");

	if (exists(p))
		load_icd_csv(r, p);
	else {
		free(p);
		p = join(dir, "icd10cm.txt");
		if (exists(p))
			load_icd_order(r, p);
	}
	free(p);
	p = join(dir, "hcpcs.csv");
	if (exists(p))
		load_hcpcs_csv(r, p);
	free(p);
}

void
vref_load_dir(struct vref *r, const char *dir)
{
	struct stat st;
	char *p;

	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		diag_error(NULL, 0, "reference data: not a directory: '%s'", dir);
		exit(CK_EX_CONFIG);
	}
	p = join(dir, "facilities.csv");
	load_facilities_csv(r, p);
	free(p);
	p = join(dir, "financial_classes.csv");
	load_fclasses_csv(r, p);
	free(p);
	p = join(dir, "payers.csv");
	load_payers_csv(r, p);
	free(p);
	vref_load_codes(r, dir);
}

/* ---- PostgreSQL ---- */

static PGresult *
pg_query(PGconn *conn, const char *sql, const char *what)
{
	PGresult *res = PQexec(conn, sql);
	int rc;

	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		return res;
	rc = staging_error_code(conn, res);
	staging_report(conn, res, what);
	PQclear(res);
	PQfinish(conn);
	exit(rc == CK_EX_SOFTWARE ? CK_EX_CONFIG : rc);
}

static const char *
pgv(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col);
}

void
vref_load_pg(struct vref *r, const char *conninfo)
{
	PGresult *res;
	PGconn *conn;
	int rc, i;

	if ((conn = staging_connect(conninfo, "--ref", 0, &rc)) == NULL)
		exit(rc);
	/* One snapshot for both tables, so that they agree. */
	PQclear(PQexec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
	res = pg_query(conn, "SELECT facility_id, facility_name, "
	    "coalesce(npi_number, ''), coalesce(state_code, ''), "
	    "CASE WHEN active THEN 't' ELSE 'f' END "
	    "FROM edi.facilities ORDER BY facility_id", "edi.facilities");
	r->have_fac = 1;
	for (i = 0; i < PQntuples(res); i++) {
		struct vpos at = { "edi.facilities", (unsigned long)i + 1 };

		add_facility(r, &at, pgv(res, i, 0), pgv(res, i, 1),
		    pgv(res, i, 2), pgv(res, i, 3), pgv(res, i, 4));
	}
	PQclear(res);
	index_npis(r);
	res = pg_query(conn, "SELECT financial_class_id, "
	    "financial_class_description, coalesce(facility_id, ''), "
	    "coalesce(claim_filing_indicator, ''), coalesce(payer_id, ''), "
	    "CASE WHEN requires_authorization THEN 't' ELSE 'f' END, "
	    "coalesce(days_to_file_claim::text, ''), "
	    "CASE WHEN active AND (end_date IS NULL OR end_date >= current_date) "
	    "AND (effective_date IS NULL OR effective_date <= current_date) "
	    "THEN 't' ELSE 'f' END "
	    /* Specific classes first, as the CSV files list them. */
	    "FROM edi.financial_classes ORDER BY payer_id IS NULL, "
	    "facility_id IS NULL, payer_priority NULLS LAST, "
	    "financial_class_id", "edi.financial_classes");
	for (i = 0; i < PQntuples(res); i++) {
		struct vpos at = { "edi.financial_classes", (unsigned long)i + 1 };

		add_fclass(r, &at, pgv(res, i, 0), pgv(res, i, 1),
		    pgv(res, i, 2), pgv(res, i, 3), pgv(res, i, 4),
		    pgv(res, i, 5), pgv(res, i, 6), pgv(res, i, 7));
	}
	PQclear(res);
	PQclear(PQexec(conn, "COMMIT"));
	PQfinish(conn);
}

/* ---- lookups ---- */

int
vref_have_facilities(const struct vref *r)
{
	return r->have_fac;
}

const struct vref_facility *
vref_facility(const struct vref *r, const char *id, size_t n)
{
	return hmap_get(r->fac, id, n);
}

const struct vref_facility *
vref_facility_by_npi(const struct vref *r, const char *npi, size_t n,
    int *ambiguous)
{
	*ambiguous = hmap_get(r->fac_npi2, npi, n) != NULL;
	return *ambiguous ? NULL : hmap_get(r->fac_npi, npi, n);
}

const struct vref_fclass *
vref_fclass(const struct vref *r, const char *id, size_t n)
{
	return hmap_get(r->fc, id, n);
}

const struct vref_fclass *
vref_fclass_by_cfi(const struct vref *r, const char *cfi, size_t n)
{
	return hmap_get(r->fc_cfi, cfi, n);
}

const struct vref_payer *
vref_payer(const struct vref *r, const char *id, size_t n)
{
	return hmap_get(r->payers, id, n);
}

int
vref_have_payers(const struct vref *r)
{
	return r->have_payers;
}

int
vref_icd10cm(const struct vref *r, const char *code, size_t n)
{
	void *v;

	if (r->icd == NULL)
		return -1;
	if ((v = hmap_get(r->icd, code, n)) == NULL)
		return 0;
	return v == &billable_mark ? 1 : 2;
}

int
vref_hcpcs(const struct vref *r, const char *code, size_t n)
{
	if (r->hcpcs == NULL)
		return -1;
	return hmap_get(r->hcpcs, code, n) != NULL;
}

void
vref_counts(const struct vref *r, size_t *facilities, size_t *fclasses,
    size_t *payers, size_t *icd, size_t *hcpcs)
{
	*facilities = r->nfacs;
	*fclasses = r->nfcs;
	*payers = r->npays;
	*icd = hmap_count(r->icd);
	*hcpcs = hmap_count(r->hcpcs);
}
