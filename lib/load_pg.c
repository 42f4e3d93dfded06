/*
 * load_pg: the PostgreSQL staging backend of claims-load (load.h).
 *
 * One batch = one transaction:
 *	1. every record is checked and turned into COPY text rows for
 *	   staging.claims, staging.cms1500_line_items and
 *	   staging.cms1500_diagnoses (client side, before any round trip);
 *	   a record whose fields have the wrong type or do not fit their
 *	   column is rejected here with a reason;
 *	2. BEGIN; one query finds which claim_ids are already there
 *	   (duplicates: nothing written for them);
 *	3. three COPY FROM STDIN (text format) write the rest, straight into
 *	   the tables: no temporary table, no row-by-row INSERT;
 *	4. the processing-batch row gets the new counts; COMMIT.
 * A concurrent loader that inserts the same claim_id first makes step 3
 * fail with a unique violation; the front end retries the batch and step 2
 * then sees the claim.  Should the server refuse a row anyway (a check this
 * file does not repeat), the batch is redone with one savepoint per record
 * and only the refused records are rejected.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "claimkit/buf.h"
#include "claimkit/date.h"
#include "claimkit/diag.h"
#include "claimkit/json.h"
#include "claimkit/load.h"
#include "claimkit/money.h"
#include "claimkit/staging.h"
#include "claimkit/xalloc.h"

/* Column lists of the three COPY statements (order = row layout). */
#define CLAIM_COLS "batch_id, claim_id, facility_id, department_id, " \
	"financial_class_id, patient_id, patient_age, patient_dob, " \
	"patient_sex, patient_account_number, provider_id, provider_type, " \
	"rendering_provider_npi, place_of_service, service_date, " \
	"service_date_to, total_charge_amount, total_claim_charges, " \
	"claim_filing_indicator, payer_name, primary_insurance_id, " \
	"secondary_insurance_id, created_by, claim_data"
#define LINE_COLS "claim_id, line_number, service_date_from, " \
	"service_date_to, place_of_service_code, emergency_indicator, " \
	"procedure_qualifier, cpt_code, modifier_1, modifier_2, modifier_3, " \
	"modifier_4, procedure_description, diagnosis_pointers, " \
	"line_charge_amount, units, unit_basis, epsdt_family_plan, " \
	"rendering_provider_id_qualifier, rendering_provider_id, ndc_code"
#define DIAG_COLS "claim_id, diagnosis_sequence, diagnosis_qualifier, " \
	"icd_code, icd_code_type, is_primary"

/* Largest magnitudes of numeric(12,2) and numeric(10,2), in cents. */
#define CENTS_12_2	1000000000000LL
#define CENTS_10_2	10000000000LL

/* Reference data used to fill facility_id and financial_class_id. */
struct facref {
	char	*npi, *facility_id;
};
struct fcref {
	char	*id, *facility_id, *cfi, *payer_id;
};

/* Where one record's rows sit in the three COPY buffers. */
struct seg {
	size_t	c0, c1, l0, l1, d0, d1;
	int64_t	charge;		/* CLM02 in cents, for the batch total */
	int	live;		/* rows built and not a duplicate */
};

struct pgload {
	PGconn		*conn;
	char		*target;
	const struct load_opts *o;
	long long	 batch_id;	/* 0 in a dry run */
	char		 batch_text[24];
	/* committed so far */
	unsigned long	 ins, dup, rej;
	int64_t		 amount;
	int		 ambiguous;	/* last COMMIT's answer was lost */
	/* Look for duplicates before the COPY.  A fresh load skips the
	 * query: the first batch checks, and so does the batch after one
	 * that had duplicates or hit a unique violation. */
	int		 check;
	struct buf	 cb, lb, db, tmp, ids;
	struct seg	*segs;
	size_t		 nsegs;
	size_t		*tab, tabcap;	/* claim_id -> record index + 1 */
	size_t		*ranges, rangecap;
	struct jpatch	*patch;
	struct facref	*fac;
	size_t		 nfac;
	struct fcref	*fc;
	size_t		 nfc;
	struct timespec	 t0;
};

/* ---- COPY text fields ---- */

static void
f_sep(struct buf *b)
{
	buf_addc(b, '\t');
}

static void
f_null(struct buf *b)
{
	buf_add(b, "\\N", 2);
}

/* Bytes that COPY text format escapes. */
static const unsigned char copy_special[256] = {
	['\\'] = '\\', ['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r'
};

/* Append s[0..n) escaped for COPY text format. */
static void
f_str(struct buf *b, const char *s, size_t n)
{
	size_t i, run = 0;
	char e[2];

	buf_grow(b, n + 8);
	for (i = 0; i < n; i++) {
		if (copy_special[(unsigned char)s[i]] == 0)
			continue;
		buf_add(b, s + run, i - run);
		e[0] = '\\';
		e[1] = (char)copy_special[(unsigned char)s[i]];
		buf_add(b, e, 2);
		run = i + 1;
	}
	buf_add(b, s + run, n - run);
}

static void
f_cstr(struct buf *b, const char *s)
{
	if (s == NULL)
		f_null(b);
	else
		f_str(b, s, strlen(s));
}

static void
f_cents(struct buf *b, int64_t c)
{
	char tmp[MONEY_FMT_SIZE];

	buf_adds(b, money_fmt(tmp, c));
}

/* ---- reading fields with type checks ---- */

/*
 * The record being built.  Field names in reasons are the record's paths
 * ("claim.total_charge", "lines.2.charge"): pfx is the object being read
 * ("claim", "lines"), idx its array index or -1.  They are formatted only
 * when a record is rejected.
 */
struct rec {
	const struct jdoc	*d;
	struct load_record	*r;
	const char		*pfx;
	int			 idx;
	char			 lab[96];
};

static const char *
lab(struct rec *x, const char *key)
{
	if (x->pfx == NULL)
		return key;
	if (key == NULL)
		snprintf(x->lab, sizeof x->lab, "%s.%d", x->pfx, x->idx);
	else if (x->idx < 0)
		snprintf(x->lab, sizeof x->lab, "%s.%s", x->pfx, key);
	else
		snprintf(x->lab, sizeof x->lab, "%s.%d.%s", x->pfx, x->idx, key);
	return x->lab;
}

static int
fail(struct rec *x, const char *code, const char *fmt, const char *key)
{
	x->r->code = code;
	snprintf(x->r->reason, sizeof x->r->reason, fmt, lab(x, key));
	return -1;
}

/*
 * String member key (a dotted path) of node n: 0 with *s NULL when absent
 * or null, 0 with *s set when a string of at most max bytes (0: no limit)
 * without NUL bytes, -1 (reject) otherwise.
 */
static int
get_str(struct rec *x, int n, const char *key, size_t max, const char **s,
    size_t *len)
{
	int v = n < 0 ? -1 : jdoc_path(x->d, n, key);
	size_t l;

	*s = NULL;
	*len = 0;
	if (v < 0 || jdoc_type(x->d, v) == J_NULL)
		return 0;
	if ((*s = jdoc_str(x->d, v, &l)) == NULL)
		return fail(x, "wrong_type", "%s is not a string", key);
	if (memchr(*s, '\0', l) != NULL)
		return fail(x, "wrong_type", "%s contains a NUL character",
		    key);
	if (max > 0 && l > max) {
		char m[64];

		snprintf(m, sizeof m, "%%s is longer than %zu character%s", max,
		    max == 1 ? "" : "s");
		return fail(x, "too_long", m, key);
	}
	*len = l;
	return 0;
}

/* Write the string field (or \N) after a separator; -1 on reject. */
static int
put_str(struct rec *x, struct buf *b, int n, const char *key, size_t max)
{
	const char *s;
	size_t l;

	if (get_str(x, n, key, max, &s, &l) != 0)
		return -1;
	f_sep(b);
	if (s == NULL)
		f_null(b);
	else
		f_str(b, s, l);
	return 0;
}

/* Date member: *ok 1 and dt set when present and valid. */
static int
get_date(struct rec *x, int n, const char *key, struct ckdate *dt, int *ok)
{
	const char *s;
	size_t l;

	*ok = 0;
	if (get_str(x, n, key, 0, &s, &l) != 0)
		return -1;
	if (s == NULL)
		return 0;
	if (date_parse_iso(s, l, dt) != 0)
		return fail(x, "wrong_type", "%s is not a date (YYYY-MM-DD)",
		    key);
	*ok = 1;
	return 0;
}

static void
put_ckdate(struct buf *b, const struct ckdate *dt, int ok)
{
	char tmp[11];

	f_sep(b);
	if (ok)
		buf_add(b, date_fmt(tmp, dt), 10);
	else
		f_null(b);
}

static int
put_date(struct rec *x, struct buf *b, int n, const char *key)
{
	struct ckdate dt;
	int ok;

	if (get_date(x, n, key, &dt, &ok) != 0)
		return -1;
	put_ckdate(b, &dt, ok);
	return 0;
}

/* Money member in cents, |value| < limit cents. */
static int
get_money(struct rec *x, int n, const char *key, int64_t limit, int64_t *c,
    int *ok)
{
	int v = n < 0 ? -1 : jdoc_path(x->d, n, key);

	*ok = 0;
	*c = 0;
	if (v < 0 || jdoc_type(x->d, v) == J_NULL)
		return 0;
	if (jdoc_type(x->d, v) != J_NUMBER || jdoc_cents(x->d, v, c) != NULL)
		return fail(x, "wrong_type", "%s is not an amount of money",
		    key);
	if (*c >= limit || *c <= -limit)
		return fail(x, "too_large", "%s is too large", key);
	*ok = 1;
	return 0;
}

/* Integer member; *ok 0 when absent. */
static int
get_int(struct rec *x, int n, const char *key, long long min, long long max,
    long long *v, int *ok)
{
	int m = n < 0 ? -1 : jdoc_path(x->d, n, key);

	*ok = 0;
	if (m < 0 || jdoc_type(x->d, m) == J_NULL)
		return 0;
	if (jdoc_int(x->d, m, v) != 0)
		return fail(x, "wrong_type", "%s is not an integer", key);
	if (*v < min || *v > max)
		return fail(x, "out_of_range", "%s is out of range", key);
	*ok = 1;
	return 0;
}

/* Object member key of n, or -1; a member that is not an object: reject. */
static int
get_obj(struct rec *x, int n, const char *key, int *node)
{
	int v = n < 0 ? -1 : jdoc_get(x->d, n, key);

	*node = -1;
	if (v < 0 || jdoc_type(x->d, v) == J_NULL)
		return 0;
	if (jdoc_type(x->d, v) != J_OBJECT)
		return fail(x, "wrong_type", "%s is not an object", key);
	*node = v;
	return 0;
}

/* ---- reference data ---- */

static int
cmp_fac(const void *a, const void *b)
{
	return strcmp(((const struct facref *)a)->npi,
	    ((const struct facref *)b)->npi);
}

static char *
dupval(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL :
	    xstrdup(PQgetvalue(res, row, col));
}

static int
load_refs(struct pgload *c)
{
	PGresult *res;
	int i, n, rc;
	size_t w;

	/* An NPI shared by two active facilities maps to neither. */
	res = PQexec(c->conn, "SELECT npi_number, min(facility_id)"
	    " FROM edi.facilities WHERE active AND npi_number IS NOT NULL"
	    " GROUP BY npi_number HAVING count(*) = 1");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		goto fail;
	n = PQntuples(res);
	c->fac = xcalloc((size_t)n + 1, sizeof *c->fac);
	for (i = 0; i < n; i++) {
		c->fac[i].npi = dupval(res, i, 0);
		c->fac[i].facility_id = dupval(res, i, 1);
	}
	c->nfac = (size_t)n;
	qsort(c->fac, c->nfac, sizeof *c->fac, cmp_fac);
	PQclear(res);
	res = PQexec(c->conn, "SELECT financial_class_id, facility_id,"
	    " claim_filing_indicator, payer_id FROM edi.financial_classes"
	    " WHERE active AND (claim_filing_indicator IS NOT NULL"
	    " OR payer_id IS NOT NULL)");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		goto fail;
	n = PQntuples(res);
	c->fc = xcalloc((size_t)n + 1, sizeof *c->fc);
	for (i = 0, w = 0; i < n; i++, w++) {
		c->fc[w].id = dupval(res, i, 0);
		c->fc[w].facility_id = dupval(res, i, 1);
		c->fc[w].cfi = dupval(res, i, 2);
		c->fc[w].payer_id = dupval(res, i, 3);
	}
	c->nfc = w;
	PQclear(res);
	return 0;
fail:
	rc = staging_error_code(c->conn, res);
	staging_report(c->conn, res, "cannot read edi.facilities and "
	    "edi.financial_classes");
	PQclear(res);
	return rc;
}

static const char *
facility_for_npi(struct pgload *c, const char *npi)
{
	struct facref key, *f;

	if (npi == NULL || c->nfac == 0)
		return NULL;
	key.npi = (char *)npi;
	f = bsearch(&key, c->fac, c->nfac, sizeof *c->fac, cmp_fac);
	return f != NULL ? f->facility_id : NULL;
}

/*
 * The active financial class that names this claim's payer id and/or
 * filing indicator, for its facility or for every facility: the most
 * specific match (payer id over facility over indicator) when it is the
 * only one at that level, else none.
 */
static const char *
class_for(struct pgload *c, const char *facility, const char *cfi,
    const char *payer)
{
	const char *best = NULL;
	int bestscore = -1, tie = 0, score;
	size_t i;

	for (i = 0; i < c->nfc; i++) {
		const struct fcref *f = &c->fc[i];

		score = 0;
		if (f->payer_id != NULL) {
			if (payer == NULL || strcmp(payer, f->payer_id) != 0)
				continue;
			score += 4;
		}
		if (f->facility_id != NULL) {
			if (facility == NULL ||
			    strcmp(facility, f->facility_id) != 0)
				continue;
			score += 2;
		}
		if (f->cfi != NULL) {
			if (cfi == NULL || strcmp(cfi, f->cfi) != 0)
				continue;
			score += 1;
		}
		if (score > bestscore) {
			best = f->id;
			bestscore = score;
			tie = 0;
		} else if (score == bestscore)
			tie = 1;
	}
	return tie ? NULL : best;
}

/* ---- building the rows of one record ---- */

/* Top-level keys that are staging columns, not part of claim_data. */
static const char *const staging_keys[] = {
	"staging", "facility_id", "financial_class_id", "department_id", NULL
};

/* Units: a JSON number as written (1, 2.5), within numeric(15,3). */
static int
put_units(struct rec *x, struct buf *b, int ln)
{
	int m = jdoc_get(x->d, ln, "units");
	const char *raw;
	size_t l, i, digits = 0;

	f_sep(b);
	if (m < 0 || jdoc_type(x->d, m) == J_NULL) {
		f_null(b);
		return 0;
	}
	if (jdoc_type(x->d, m) != J_NUMBER)
		return fail(x, "wrong_type", "%s is not a number", "units");
	raw = jdoc_raw(x->d, m, &l);
	for (i = 0; i < l && raw[i] != '.'; i++) {
		if (raw[i] == 'e' || raw[i] == 'E')
			return fail(x, "wrong_type",
			    "%s is not a plain decimal number", "units");
		if (raw[i] >= '0' && raw[i] <= '9')
			digits++;
	}
	if (digits > 12)
		return fail(x, "out_of_range", "%s is out of range", "units");
	for (; i < l; i++)
		if (raw[i] == 'e' || raw[i] == 'E')
			return fail(x, "wrong_type",
			    "%s is not a plain decimal number", "units");
	buf_add(b, raw, l);
	return 0;
}

/* 24D modifiers: up to four into modifier_1..4 (all kept in claim_data). */
static int
put_modifiers(struct rec *x, struct buf *b, int ln)
{
	int m = jdoc_get(x->d, ln, "modifiers"), p, k;
	const char *s;
	size_t l;

	if (m >= 0 && jdoc_type(x->d, m) != J_ARRAY &&
	    jdoc_type(x->d, m) != J_NULL)
		return fail(x, "wrong_type", "%s is not an array", "modifiers");
	p = m >= 0 && jdoc_type(x->d, m) == J_ARRAY ? jdoc_first(x->d, m) : -1;
	for (k = 0; k < 4; k++) {
		f_sep(b);
		if (p < 0) {
			f_null(b);
			continue;
		}
		if ((s = jdoc_str(x->d, p, &l)) == NULL || l > 2 ||
		    memchr(s, '\0', l) != NULL)
			return fail(x, "wrong_type",
			    "%s holds a value that is not a 2-character "
			    "modifier", "modifiers");
		f_str(b, s, l);
		p = jdoc_next(x->d, p);
	}
	return 0;
}

/* 24E pointers "1,2,3,4". */
static int
put_pointers(struct rec *x, struct buf *b, int ln)
{
	int m = jdoc_get(x->d, ln, "diagnosis_pointers"), p, k;
	size_t start;
	long long num;

	f_sep(b);
	if (m < 0 || jdoc_type(x->d, m) == J_NULL) {
		f_null(b);
		return 0;
	}
	if (jdoc_type(x->d, m) != J_ARRAY)
		return fail(x, "wrong_type", "%s is not an array",
		    "diagnosis_pointers");
	start = b->len;
	for (p = jdoc_first(x->d, m), k = 0; p >= 0; p = jdoc_next(x->d, p),
	    k++) {
		if (jdoc_int(x->d, p, &num) != 0 || num < 1 || num > 12)
			return fail(x, "wrong_type", "%s holds a value that "
			    "is not a pointer 1 to 12", "diagnosis_pointers");
		if (k > 0)
			buf_addc(b, ',');
		buf_addi(b, num);
	}
	if (b->len - start > 20)
		return fail(x, "too_long", "%s has too many pointers",
		    "diagnosis_pointers");
	if (k == 0)
		f_null(b);
	return 0;
}

static int
build_lines(struct pgload *c, struct rec *x, int64_t *sum)
{
	struct buf *b = &c->lb;
	int lines, ln, i, ok, prov;
	long long num, seen[100];
	size_t nseen = 0, j, idlen = strlen(x->r->claim_id), l, clen;
	const char *s, *code;
	int64_t cents;

	*sum = 0;
	lines = jdoc_get(x->d, 0, "lines");
	if (lines < 0 || jdoc_type(x->d, lines) == J_NULL)
		return 0;
	if (jdoc_type(x->d, lines) != J_ARRAY)
		return fail(x, "wrong_type", "%s is not an array", "lines");
	x->pfx = "lines";
	for (ln = jdoc_first(x->d, lines), i = 0; ln >= 0;
	    ln = jdoc_next(x->d, ln), i++) {
		x->idx = i;
		if (jdoc_type(x->d, ln) != J_OBJECT)
			return fail(x, "wrong_type", "%s is not an object",
			    NULL);
		if (i >= 99)
			return fail(x, "out_of_range",
			    "%s: more than 99 service lines", NULL);
		if (get_int(x, ln, "line_number", 1, 99, &num, &ok) != 0)
			return -1;
		if (!ok)
			num = i + 1;
		for (j = 0; j < nseen; j++)
			if (seen[j] == num)
				return fail(x, "duplicate_line",
				    "%s repeats a line number", "line_number");
		seen[nseen++] = num;
		if (get_str(x, ln, "procedure_code", 48, &code, &clen) != 0)
			return -1;
		if (code == NULL || clen == 0)
			return fail(x, "missing_field", "%s is missing",
			    "procedure_code");
		if (get_money(x, ln, "charge", CENTS_10_2, &cents, &ok) != 0)
			return -1;
		if (!ok)
			return fail(x, "missing_field", "%s is missing",
			    "charge");
		*sum += cents;

		f_str(b, x->r->claim_id, idlen);
		f_sep(b);
		buf_addi(b, num);
		if (put_date(x, b, ln, "service_date") != 0 ||
		    put_date(x, b, ln, "service_date_end") != 0 ||
		    put_str(x, b, ln, "place_of_service", 2) != 0 ||
		    put_str(x, b, ln, "emergency", 1) != 0 ||
		    put_str(x, b, ln, "procedure_qualifier", 2) != 0)
			return -1;
		f_sep(b);
		f_str(b, code, clen);
		if (put_modifiers(x, b, ln) != 0 ||
		    put_str(x, b, ln, "description", 0) != 0 ||
		    put_pointers(x, b, ln) != 0)
			return -1;
		f_sep(b);
		f_cents(b, cents);
		if (put_units(x, b, ln) != 0 ||
		    put_str(x, b, ln, "unit_basis", 2) != 0)
			return -1;
		/* 24H: EPSDT, else family planning */
		if (get_str(x, ln, "epsdt", 1, &s, &l) != 0)
			return -1;
		if (s == NULL && get_str(x, ln, "family_planning", 1, &s,
		    &l) != 0)
			return -1;
		f_sep(b);
		if (s == NULL)
			f_null(b);
		else
			f_str(b, s, l);
		/* 24I/24J: the line's rendering provider NPI */
		if (get_obj(x, ln, "providers", &prov) != 0 ||
		    get_str(x, prov, "rendering.npi", 80, &s, &l) != 0)
			return -1;
		f_sep(b);
		if (s == NULL) {
			f_null(b);
			f_sep(b);
			f_null(b);
		} else {
			buf_add(b, "XX", 2);
			f_sep(b);
			f_str(b, s, l);
		}
		if (put_str(x, b, ln, "drug.ndc", 48) != 0)
			return -1;
		buf_addc(b, '\n');
	}
	x->pfx = NULL;
	return 0;
}

static int
build_diags(struct pgload *c, struct rec *x)
{
	struct buf *b = &c->db;
	int dx, d, i, ok, prim, pv;
	long long seq;
	unsigned int seen = 0;
	const char *code, *qual, *type;
	size_t clen, qlen, idlen = strlen(x->r->claim_id);

	dx = jdoc_get(x->d, 0, "diagnoses");
	if (dx < 0 || jdoc_type(x->d, dx) == J_NULL)
		return 0;
	if (jdoc_type(x->d, dx) != J_ARRAY)
		return fail(x, "wrong_type", "%s is not an array", "diagnoses");
	x->pfx = "diagnoses";
	for (d = jdoc_first(x->d, dx), i = 0; d >= 0;
	    d = jdoc_next(x->d, d), i++) {
		x->idx = i;
		if (jdoc_type(x->d, d) != J_OBJECT)
			return fail(x, "wrong_type", "%s is not an object",
			    NULL);
		if (i >= 12)
			return fail(x, "out_of_range",
			    "%s: more than 12 diagnoses", NULL);
		if (get_int(x, d, "sequence", 1, 12, &seq, &ok) != 0)
			return -1;
		if (!ok)
			seq = i + 1;
		if (seen & (1u << seq))
			return fail(x, "duplicate_diagnosis",
			    "%s repeats a sequence number", "sequence");
		seen |= 1u << seq;
		if (get_str(x, d, "code", 10, &code, &clen) != 0)
			return -1;
		if (code == NULL || clen == 0)
			return fail(x, "missing_field", "%s is missing", "code");
		if (get_str(x, d, "qualifier", 3, &qual, &qlen) != 0)
			return -1;
		pv = jdoc_get(x->d, d, "is_primary");
		if (pv >= 0 && jdoc_type(x->d, pv) == J_TRUE)
			prim = 1;
		else if (pv >= 0 && jdoc_type(x->d, pv) == J_FALSE)
			prim = 0;
		else if (pv >= 0 && jdoc_type(x->d, pv) != J_NULL)
			return fail(x, "wrong_type", "%s is not true or false",
			    "is_primary");
		else
			prim = qual != NULL && (strcmp(qual, "ABK") == 0 ||
			    strcmp(qual, "BK") == 0);
		/* ICD-9 qualifiers are the ones without the leading A. */
		type = qual != NULL && qlen > 0 && qual[0] != 'A' ?
		    "ICD9" : "ICD10";

		f_str(b, x->r->claim_id, idlen);
		f_sep(b);
		buf_addi(b, seq);
		f_sep(b);
		if (qual == NULL)
			f_null(b);
		else
			f_str(b, qual, qlen);
		f_sep(b);
		f_str(b, code, clen);
		f_sep(b);
		buf_adds(b, type);
		f_sep(b);
		buf_addc(b, prim ? 't' : 'f');
		buf_addc(b, '\n');
	}
	x->pfx = NULL;
	return 0;
}

/* Write s[0..l) or \N after a separator. */
static void
put_val(struct buf *b, const char *s, size_t l)
{
	f_sep(b);
	if (s == NULL)
		f_null(b);
	else
		f_str(b, s, l);
}

/*
 * Build the rows of record r into the three buffers.  Returns 0, or -1
 * with r's code/reason set (the caller cuts the buffers back).
 */
static int
build(struct pgload *c, struct load_record *r, struct seg *sg)
{
	struct rec x;
	struct buf *b = &c->cb;
	const char *s, *facility, *cfi, *payer_id, *npi, *member;
	size_t l, flen, cfilen, plen, npilen, mlen;
	struct ckdate dob, from;
	int dob_ok, from_ok, ok, k, strip = 0;
	int claim, patient, subscriber, billing, payer, providers, other;
	long long num;
	int64_t total, sum;

	memset(&x, 0, sizeof x);
	x.d = r->doc;
	x.r = r;
	x.idx = -1;
	/* Lines and diagnoses first: their checks may reject the claim. */
	sg->l0 = c->lb.len;
	if (build_lines(c, &x, &sum) != 0)
		return -1;
	sg->l1 = c->lb.len;
	sg->d0 = c->db.len;
	if (build_diags(c, &x) != 0)
		return -1;
	sg->d1 = c->db.len;
	x.idx = -1;
	if (get_obj(&x, 0, "claim", &claim) != 0 ||
	    get_obj(&x, 0, "patient", &patient) != 0 ||
	    get_obj(&x, 0, "subscriber", &subscriber) != 0 ||
	    get_obj(&x, 0, "billing_provider", &billing) != 0 ||
	    get_obj(&x, 0, "payer", &payer) != 0 ||
	    get_obj(&x, 0, "providers", &providers) != 0)
		return -1;

	sg->c0 = b->len;
	buf_adds(b, c->batch_id > 0 ? c->batch_text : "\\N");
	f_sep(b);
	f_str(b, r->claim_id, strlen(r->claim_id));
	/* facility_id: the record's own, else the billing NPI's facility */
	if (get_str(&x, 0, "facility_id", 50, &facility, &flen) != 0)
		return -1;
	x.pfx = "billing_provider";
	if (get_str(&x, billing, "npi", 80, &npi, &npilen) != 0)
		return -1;
	x.pfx = NULL;
	if (facility == NULL && (facility = facility_for_npi(c, npi)) != NULL)
		flen = strlen(facility);
	put_val(b, facility, flen);
	if (get_int(&x, 0, "department_id", -2147483647LL, 2147483647LL, &num,
	    &ok) != 0)
		return -1;
	f_sep(b);
	if (ok)
		buf_addi(b, num);
	else
		f_null(b);
	x.pfx = "subscriber";
	if (get_str(&x, subscriber, "claim_filing_indicator", 2, &cfi,
	    &cfilen) != 0 || get_str(&x, subscriber, "member_id", 80, &member,
	    &mlen) != 0)
		return -1;
	x.pfx = "payer";
	if (get_str(&x, payer, "payer_id", 0, &payer_id, &plen) != 0)
		return -1;
	x.pfx = NULL;
	if (get_str(&x, 0, "financial_class_id", 50, &s, &l) != 0)
		return -1;
	if (s == NULL && (s = class_for(c, facility, cfi, payer_id)) != NULL)
		l = strlen(s);
	put_val(b, s, l);
	/* patient_id: the patient's member id, else the subscriber's */
	x.pfx = "patient";
	if (get_str(&x, patient, "member_id", 80, &s, &l) != 0)
		return -1;
	if (s == NULL) {
		s = member;
		l = mlen;
	}
	put_val(b, s, l);
	if (get_date(&x, patient, "birth_date", &dob, &dob_ok) != 0)
		return -1;
	x.pfx = "claim";
	if (get_date(&x, claim, "service_date_from", &from, &from_ok) != 0)
		return -1;
	f_sep(b);	/* patient_age: on the first date of service */
	if (dob_ok && from_ok && date_days(&dob) <= date_days(&from))
		buf_addi(b, date_age(&dob, &from));
	else
		f_null(b);
	put_ckdate(b, &dob, dob_ok);
	x.pfx = "patient";
	if (put_str(&x, b, patient, "gender", 1) != 0)
		return -1;
	x.pfx = "claim";
	if (put_str(&x, b, claim, "patient_account_number", 50) != 0)
		return -1;
	put_val(b, npi, npilen);
	x.pfx = "billing_provider";
	if (put_str(&x, b, billing, "taxonomy", 100) != 0)
		return -1;
	x.pfx = "providers";
	if (put_str(&x, b, providers, "rendering.npi", 80) != 0)
		return -1;
	x.pfx = "claim";
	if (put_str(&x, b, claim, "place_of_service", 10) != 0)
		return -1;
	put_ckdate(b, &from, from_ok);
	if (put_date(&x, b, claim, "service_date_to") != 0)
		return -1;
	x.pfx = NULL;
	if (sum >= CENTS_12_2 || sum <= -CENTS_12_2)
		return fail(&x, "too_large", "%s is too large",
		    "the sum of line charges");
	f_sep(b);
	if (jdoc_get(r->doc, 0, "lines") >= 0)
		f_cents(b, sum);
	else
		f_null(b);
	x.pfx = "claim";
	if (get_money(&x, claim, "total_charge", CENTS_12_2, &total,
	    &ok) != 0)
		return -1;
	f_sep(b);
	if (ok)
		f_cents(b, total);
	else
		f_null(b);
	sg->charge = ok ? total : 0;
	put_val(b, cfi, cfilen);
	x.pfx = "payer";
	if (put_str(&x, b, payer, "name", 0) != 0)
		return -1;
	put_val(b, member, mlen);
	/* secondary: the first other payer's subscriber id */
	x.pfx = NULL;
	other = jdoc_path(r->doc, 0, "other_payers.0.subscriber");
	x.pfx = "other_payers.0.subscriber";
	if (get_str(&x, other, "member_id", 80, &s, &l) != 0)
		return -1;
	if (s == NULL && get_str(&x, other, "id", 80, &s, &l) != 0)
		return -1;
	x.pfx = NULL;
	put_val(b, s, l);
	f_sep(b);
	f_cstr(b, c->o->loaded_by);
	/* claim_data: the record, less the keys that are columns */
	f_sep(b);
	for (k = 0; staging_keys[k] != NULL; k++)
		if (jdoc_get(r->doc, 0, staging_keys[k]) >= 0)
			strip = 1;
	if (strip) {
		jpatch_reset(c->patch, r->doc);
		for (k = 0; staging_keys[k] != NULL; k++)
			jpatch_del(c->patch, 0, staging_keys[k]);
		buf_reset(&c->tmp);
		jpatch_write(c->patch, &c->tmp);
		f_str(b, c->tmp.s, c->tmp.len);
	} else
		f_str(b, r->text, r->len);
	buf_addc(b, '\n');
	sg->c1 = b->len;
	return 0;
}

/* ---- the database side ---- */

static int
exec_ok(struct pgload *c, const char *sql, const char *what)
{
	PGresult *res = PQexec(c->conn, sql);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = staging_error_code(c->conn, res);
		if (rc != CK_EX_TEMPFAIL)
			staging_report(c->conn, res, what);
	}
	PQclear(res);
	return rc;
}

static void
rollback(struct pgload *c)
{
	PGresult *res;

	if (c->conn != NULL && PQstatus(c->conn) == CONNECTION_OK &&
	    PQtransactionStatus(c->conn) != PQTRANS_IDLE) {
		res = PQexec(c->conn, "ROLLBACK");
		PQclear(res);
	}
}

/* Why a retryable failure happened, as a warning (no data in it). */
static void
warn_retry(struct pgload *c, const PGresult *res, const char *what)
{
	char msg[200];
	const char *m = res != NULL ? PQresultErrorMessage(res) : NULL;
	size_t n;

	if (m == NULL || *m == '\0')
		m = c->conn != NULL ? PQerrorMessage(c->conn) : "";
	if (strncmp(m, "ERROR:  ", 8) == 0 || strncmp(m, "FATAL:  ", 8) == 0)
		m += 8;
	n = strcspn(m, "\n");
	if (n >= sizeof msg)
		n = sizeof msg - 1;
	memcpy(msg, m, n);
	msg[n] = '\0';
	diag_warn(NULL, 0, "%s: %s", what, n > 0 ? msg : "connection lost");
}

/* Start COPY table (cols) FROM STDIN; rc 0 or an exit code. */
static int
copy_start(struct pgload *c, const char *table, const char *cols,
    PGresult **errres)
{
	struct buf sql = BUF_INIT;
	PGresult *res;

	*errres = NULL;
	buf_printf(&sql, "COPY %s (%s) FROM STDIN", table, cols);
	res = PQexec(c->conn, sql.s);
	buf_free(&sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		*errres = res;
		return staging_error_code(c->conn, res);
	}
	PQclear(res);
	return 0;
}

static int
copy_put(struct pgload *c, const char *p, size_t n)
{
	if (n > 0 && PQputCopyData(c->conn, p, (int)n) != 1)
		return CK_EX_TEMPFAIL;
	return 0;
}

/* End the COPY (aborting it when rc is not 0); rc 0 or an exit code. */
static int
copy_finish(struct pgload *c, int rc, PGresult **errres)
{
	PGresult *res;

	if (PQputCopyEnd(c->conn, rc ? "aborted" : NULL) != 1 && rc == 0)
		rc = CK_EX_TEMPFAIL;
	while ((res = PQgetResult(c->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && *errres == NULL) {
			*errres = res;
			rc = staging_error_code(c->conn, res);
			continue;
		}
		PQclear(res);
	}
	if (rc == 0 && PQstatus(c->conn) != CONNECTION_OK)
		rc = CK_EX_TEMPFAIL;
	return rc;
}

/* Send buf[from..to) pieces as one COPY; rc 0 or an exit code. */
static int
copy_rows(struct pgload *c, const char *table, const char *cols,
    const struct buf *b, const size_t *ranges, size_t nranges,
    PGresult **errres)
{
	size_t i;
	int rc;

	if ((rc = copy_start(c, table, cols, errres)) != 0)
		return rc;
	for (i = 0; i < nranges && rc == 0; i++)
		rc = copy_put(c, b->s + ranges[2 * i],
		    ranges[2 * i + 1] - ranges[2 * i]);
	return copy_finish(c, rc, errres);
}

/* The live segments of a table's buffer as ranges (merged when adjacent). */
static size_t
live_ranges(struct pgload *c, size_t n, int which, size_t **out)
{
	size_t i, k = 0, a, z, *r;

	if (c->rangecap < 2 * n + 2) {
		c->rangecap = 2 * n + 2;
		c->ranges = xreallocarray(c->ranges, c->rangecap,
		    sizeof *c->ranges);
	}
	r = c->ranges;
	for (i = 0; i < n; i++) {
		const struct seg *s = &c->segs[i];

		if (!s->live)
			continue;
		a = which == 0 ? s->c0 : which == 1 ? s->l0 : s->d0;
		z = which == 0 ? s->c1 : which == 1 ? s->l1 : s->d1;
		if (z <= a)
			continue;
		if (k > 0 && r[2 * k - 1] == a)
			r[2 * k - 1] = z;
		else {
			r[2 * k] = a;
			r[2 * k + 1] = z;
			k++;
		}
	}
	*out = r;
	return k;
}

static int
copy_live(struct pgload *c, size_t n, PGresult **errres)
{
	static const char *const tables[3] = {
		"staging.claims", "staging.cms1500_line_items",
		"staging.cms1500_diagnoses"
	};
	static const char *const cols[3] = { CLAIM_COLS, LINE_COLS, DIAG_COLS };
	const struct buf *bufs[3] = { &c->cb, &c->lb, &c->db };
	size_t *ranges, k;
	int t, rc;

	for (t = 0; t < 3; t++) {
		k = live_ranges(c, n, t, &ranges);
		if (k == 0)
			continue;
		rc = copy_rows(c, tables[t], cols[t], bufs[t], ranges, k,
		    errres);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static size_t
id_hash(const char *id)
{
	const unsigned char *p;
	size_t h = 5381;

	for (p = (const unsigned char *)id; *p != '\0'; p++)
		h = h * 33 + *p;
	return h;
}

/* Index of the live record of the batch with this claim_id, or -1. */
static long
find_id(const struct pgload *c, const struct load_record *recs,
    const char *id)
{
	size_t h;

	for (h = id_hash(id) & (c->tabcap - 1); c->tab[h] != 0;
	    h = (h + 1) & (c->tabcap - 1))
		if (strcmp(recs[c->tab[h] - 1].claim_id, id) == 0)
			return (long)c->tab[h] - 1;
	return -1;
}

/*
 * Claim ids repeated within the batch: later copies are duplicates.  The
 * table of first copies stays for find_duplicates().
 */
static void
batch_duplicates(struct pgload *c, struct load_record *recs, size_t n)
{
	size_t cap, i, h;

	for (cap = 16; cap < 2 * n; cap *= 2)
		continue;
	if (cap > c->tabcap) {
		free(c->tab);
		c->tab = xcalloc(cap, sizeof *c->tab);
		c->tabcap = cap;
	} else
		memset(c->tab, 0, c->tabcap * sizeof *c->tab);
	for (i = 0; i < n; i++) {
		if (!c->segs[i].live)
			continue;
		if (find_id(c, recs, recs[i].claim_id) >= 0) {
			c->segs[i].live = 0;
			recs[i].outcome = LOAD_DUPLICATE;
			continue;
		}
		for (h = id_hash(recs[i].claim_id) & (c->tabcap - 1);
		    c->tab[h] != 0; h = (h + 1) & (c->tabcap - 1))
			continue;
		c->tab[h] = i + 1;
	}
}

/* Mark the records whose claim_id is already in staging.claims. */
static int
find_duplicates(struct pgload *c, struct load_record *recs, size_t n)
{
	const char *params[1];
	PGresult *res;
	size_t i;
	int rows, k, rc;

	buf_reset(&c->ids);
	buf_addc(&c->ids, '{');
	for (i = 0, k = 0; i < n; i++) {
		const char *p;

		if (!c->segs[i].live)
			continue;
		if (k++ > 0)
			buf_addc(&c->ids, ',');
		buf_addc(&c->ids, '"');
		for (p = recs[i].claim_id; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_addc(&c->ids, '\\');
			buf_addc(&c->ids, *p);
		}
		buf_addc(&c->ids, '"');
	}
	buf_addc(&c->ids, '}');
	if (k == 0)
		return 0;
	params[0] = c->ids.s;
	res = PQexecParams(c->conn, "SELECT claim_id, batch_id"
	    " FROM staging.claims WHERE claim_id = ANY ($1::text[])",
	    1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = staging_error_code(c->conn, res);
		if (rc == CK_EX_TEMPFAIL)
			warn_retry(c, res, "duplicate check failed");
		else
			staging_report(c->conn, res, "duplicate check failed");
		PQclear(res);
		return rc;
	}
	rows = PQntuples(res);
	for (k = 0; k < rows; k++) {
		long j = find_id(c, recs, PQgetvalue(res, k, 0));
		int own = c->ambiguous && c->batch_id > 0 &&
		    !PQgetisnull(res, k, 1) &&
		    strcmp(PQgetvalue(res, k, 1), c->batch_text) == 0;

		if (j < 0 || !c->segs[j].live)
			continue;
		c->segs[j].live = 0;
		/* Our own earlier attempt committed but its answer was
		 * lost: that row was inserted by this run. */
		recs[j].outcome = own ? LOAD_INSERTED : LOAD_DUPLICATE;
	}
	PQclear(res);
	return 0;
}

static int
update_batch_row(struct pgload *c, unsigned long ins, unsigned long dup,
    unsigned long rej, int64_t amount)
{
	char a[24], b[24], d[24], e[24], m[MONEY_FMT_SIZE];
	const char *params[6];
	PGresult *res;
	int rc = 0;

	if (c->batch_id == 0)
		return 0;
	snprintf(a, sizeof a, "%lu", c->ins + ins);
	snprintf(b, sizeof b, "%lu", c->dup + dup);
	snprintf(d, sizeof d, "%lu", c->rej + rej);
	snprintf(e, sizeof e, "%lu", c->ins + ins + c->dup + dup + c->rej + rej);
	params[0] = c->batch_text;
	params[1] = a;
	params[2] = b;
	params[3] = d;
	params[4] = e;
	params[5] = money_fmt(m, c->amount + amount);
	res = PQexecParams(c->conn, "UPDATE staging.processing_batches SET"
	    " successful_claims = $2, duplicate_claims = $3,"
	    " failed_claims = $4, processed_claims = $5, total_amount = $6"
	    " WHERE batch_id = $1", 6, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = staging_error_code(c->conn, res);
		if (rc == CK_EX_TEMPFAIL)
			warn_retry(c, res, "cannot update the batch row");
		else
			staging_report(c->conn, res,
			    "cannot update the batch row");
	}
	PQclear(res);
	return rc;
}

/*
 * The slow path, after the server refused a row the checks above let
 * through: one savepoint per record, the refused ones rejected.
 */
static int
careful(struct pgload *c, struct load_record *recs, size_t n)
{
	PGresult *err;
	size_t i, j;
	int rc;
	char *keep;

	keep = xcalloc(n ? n : 1, 1);
	for (i = 0; i < n; i++)
		keep[i] = (char)c->segs[i].live;
	for (i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		if ((rc = exec_ok(c, "SAVEPOINT rec", "savepoint")) != 0)
			goto out;
		for (j = 0; j < n; j++)
			c->segs[j].live = j == i;
		rc = copy_live(c, n, &err);
		if (rc == 0) {
			if ((rc = exec_ok(c, "RELEASE SAVEPOINT rec",
			    "savepoint")) != 0)
				goto out;
			continue;
		}
		if (PQstatus(c->conn) != CONNECTION_OK || err == NULL ||
		    rc == CK_EX_TEMPFAIL) {
			PQclear(err);
			goto out;
		}
		{
			const char *st = PQresultErrorField(err,
			    PG_DIAG_SQLSTATE);
			const char *col = PQresultErrorField(err,
			    PG_DIAG_COLUMN_NAME);
			const char *con = PQresultErrorField(err,
			    PG_DIAG_CONSTRAINT_NAME);

			/* The server's message may quote the value: keep
			 * only the error code and the column/constraint. */
			recs[i].outcome = LOAD_REJECTED;
			recs[i].code = "refused_by_database";
			snprintf(recs[i].reason, sizeof recs[i].reason,
			    "the database refused the record (SQLSTATE %s%s%s)",
			    st ? st : "?", col ? ", column " : con ?
			    ", constraint " : "", col ? col : con ? con : "");
		}
		PQclear(err);
		keep[i] = 0;
		if ((rc = exec_ok(c, "ROLLBACK TO SAVEPOINT rec",
		    "savepoint")) != 0)
			goto out;
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		c->segs[i].live = keep[i];
	free(keep);
	return rc;
}

static int
reconnect(struct pgload *c)
{
	int rc;

	if (c->conn != NULL && PQstatus(c->conn) == CONNECTION_OK)
		return 0;
	if (c->conn != NULL)
		PQfinish(c->conn);
	c->conn = staging_connect(c->target, "--to", 1, &rc);
	if (c->conn != NULL)
		return 0;
	/* Unreachable now, after it worked before: a restart, retry. */
	if (rc == CK_EX_UNAVAILABLE || rc == CK_EX_TEMPFAIL) {
		diag_warn(NULL, 0, "--to: server not reachable");
		return CK_EX_TEMPFAIL;
	}
	return rc;
}

/* Build the rows of every live record into the buffers (no sending). */
static void
build_all(struct pgload *c, struct load_record *recs, size_t n)
{
	size_t i, c0, l0, d0;

	buf_reset(&c->cb);
	buf_reset(&c->lb);
	buf_reset(&c->db);
	for (i = 0; i < n; i++) {
		struct seg *s = &c->segs[i];

		if (!s->live)
			continue;
		c0 = c->cb.len;
		l0 = c->lb.len;
		d0 = c->db.len;
		if (build(c, &recs[i], s) != 0) {
			c->cb.len = c0;
			c->lb.len = l0;
			c->db.len = d0;
			recs[i].outcome = LOAD_REJECTED;
			s->live = 0;
		}
	}
}

/*
 * Build the rows of the live records and write them: the claim rows go to
 * the server while the next ones are built (COPY in chunks), so that the
 * server parses claim_data while this process works; the line items and
 * diagnoses follow in their own COPY.  A record rejected by build() is
 * not live any more.
 */
static int
stream(struct pgload *c, struct load_record *recs, size_t n,
    PGresult **err)
{
	size_t i, sent = 0, c0, l0, d0, r[2];
	int rc;

	buf_reset(&c->cb);
	buf_reset(&c->lb);
	buf_reset(&c->db);
	if ((rc = copy_start(c, "staging.claims", CLAIM_COLS, err)) != 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++) {
		struct seg *s = &c->segs[i];

		if (!s->live)
			continue;
		c0 = c->cb.len;
		l0 = c->lb.len;
		d0 = c->db.len;
		if (build(c, &recs[i], s) != 0) {
			c->cb.len = c0;
			c->lb.len = l0;
			c->db.len = d0;
			recs[i].outcome = LOAD_REJECTED;
			s->live = 0;
			continue;
		}
		if (c->cb.len - sent >= 256 * 1024) {
			rc = copy_put(c, c->cb.s + sent, c->cb.len - sent);
			sent = c->cb.len;
		}
	}
	if (rc == 0)
		rc = copy_put(c, c->cb.s + sent, c->cb.len - sent);
	if ((rc = copy_finish(c, rc, err)) != 0)
		return rc;
	r[0] = 0;
	r[1] = c->lb.len;
	if (c->lb.len > 0 && (rc = copy_rows(c, "staging.cms1500_line_items",
	    LINE_COLS, &c->lb, r, 1, err)) != 0)
		return rc;
	r[1] = c->db.len;
	if (c->db.len > 0 && (rc = copy_rows(c, "staging.cms1500_diagnoses",
	    DIAG_COLS, &c->db, r, 1, err)) != 0)
		return rc;
	return 0;
}

static int
pg_load_batch(void *ctx, struct load_record *recs, size_t n)
{
	struct pgload *c = ctx;
	unsigned long ins = 0, dup = 0, rej = 0;
	int64_t amount = 0;
	PGresult *err = NULL;
	size_t i;
	int rc, any, optimistic, commit_sent = 0;

	if (n > c->nsegs) {
		c->segs = xreallocarray(c->segs, n, sizeof *c->segs);
		c->nsegs = n;
	}
again:
	for (i = 0; i < n; i++) {
		memset(&c->segs[i], 0, sizeof c->segs[i]);
		c->segs[i].live = 1;
		recs[i].outcome = LOAD_PENDING;
		recs[i].code = NULL;
		recs[i].reason[0] = '\0';
	}
	batch_duplicates(c, recs, n);

	if ((rc = reconnect(c)) != 0)
		return rc;
	if ((rc = exec_ok(c, "BEGIN", "BEGIN")) != 0)
		goto fail;
	optimistic = !c->check && !c->ambiguous;
	if (!optimistic && (rc = find_duplicates(c, recs, n)) != 0)
		goto fail;
	for (i = 0, any = 0; i < n; i++)
		any |= c->segs[i].live;
	if (any) {
		rc = stream(c, recs, n, &err);
		if (optimistic && rc != 0 && err != NULL &&
		    PQresultErrorField(err, PG_DIAG_SQLSTATE) != NULL &&
		    strcmp(PQresultErrorField(err, PG_DIAG_SQLSTATE),
		    "23505") == 0) {
			/* Some claims were there already: look first. */
			PQclear(err);
			err = NULL;
			rollback(c);
			c->check = 1;
			goto again;
		}
		if (rc == CK_EX_SOFTWARE && err != NULL &&
		    PQresultErrorField(err, PG_DIAG_SQLSTATE) != NULL &&
		    (strncmp(PQresultErrorField(err, PG_DIAG_SQLSTATE),
		    "22", 2) == 0 || strncmp(PQresultErrorField(err,
		    PG_DIAG_SQLSTATE), "23", 2) == 0)) {
			/* A data error: redo record by record. */
			PQclear(err);
			err = NULL;
			rollback(c);
			if ((rc = exec_ok(c, "BEGIN", "BEGIN")) != 0)
				goto fail;
			if ((rc = find_duplicates(c, recs, n)) != 0)
				goto fail;
			build_all(c, recs, n);
			rc = careful(c, recs, n);
		}
		if (rc != 0)
			goto fail;
	}
	for (i = 0; i < n; i++) {
		if (c->segs[i].live) {
			recs[i].outcome = LOAD_INSERTED;
			amount += c->segs[i].charge;
			ins++;
		} else if (recs[i].outcome == LOAD_INSERTED)
			ins++;
		else if (recs[i].outcome == LOAD_DUPLICATE)
			dup++;
		else
			rej++;
	}
	if ((rc = update_batch_row(c, ins, dup, rej, amount)) != 0)
		goto fail;
	if (c->o->dry_run) {
		rollback(c);
	} else {
		commit_sent = 1;
		if ((rc = exec_ok(c, "COMMIT", "COMMIT")) != 0)
			goto fail;
	}
	c->ins += ins;
	c->dup += dup;
	c->rej += rej;
	c->amount += amount;
	c->ambiguous = 0;
	c->check = dup > 0;
	return 0;
fail:
	if (rc == CK_EX_TEMPFAIL) {
		warn_retry(c, err, "batch not committed");
		/* COMMIT sent, answer lost: it may have been applied. */
		if (commit_sent)
			c->ambiguous = 1;
	} else if (err != NULL)
		staging_report(c->conn, err, "batch not committed");
	PQclear(err);
	rollback(c);
	return rc;
}

static void
free_ctx(struct pgload *c)
{
	size_t i;

	for (i = 0; i < c->nfac; i++) {
		free(c->fac[i].npi);
		free(c->fac[i].facility_id);
	}
	free(c->fac);
	for (i = 0; i < c->nfc; i++) {
		free(c->fc[i].id);
		free(c->fc[i].facility_id);
		free(c->fc[i].cfi);
		free(c->fc[i].payer_id);
	}
	free(c->fc);
	buf_free(&c->cb);
	buf_free(&c->lb);
	buf_free(&c->db);
	buf_free(&c->tmp);
	buf_free(&c->ids);
	free(c->segs);
	free(c->tab);
	free(c->ranges);
	jpatch_free(c->patch);
	free(c->target);
	free(c);
}

static int
pg_open(void **ctxp, const char *target, const struct load_opts *o)
{
	struct pgload *c;
	const char *params[6];
	char pid[24], host[256];
	PGresult *res;
	int rc;

	*ctxp = NULL;
	c = xcalloc(1, sizeof *c);
	c->o = o;
	c->check = 1;
	c->target = xstrdup(target != NULL ? target : "");
	c->patch = jpatch_alloc();
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	if ((c->conn = staging_connect(c->target, "--to", 0, &rc)) == NULL)
		goto fail;
	if ((rc = load_refs(c)) != 0)
		goto fail;
	if (!o->dry_run) {
		if (gethostname(host, sizeof host) != 0)
			host[0] = '\0';
		host[sizeof host - 1] = '\0';
		snprintf(pid, sizeof pid, "%ld", (long)getpid());
		params[0] = o->batch_name;
		params[1] = o->sources;
		params[2] = o->loaded_by;
		params[3] = host;
		params[4] = pid;
		res = PQexecParams(c->conn, "INSERT INTO"
		    " staging.processing_batches (batch_name, status,"
		    " source_system, file_name, submitted_by, client_host,"
		    " client_pid, start_time) VALUES (coalesce($1,"
		    " 'claims-load ' || to_char(now(), 'YYYY-MM-DD HH24:MI:SS')),"
		    " 'PROCESSING', 'claims-load', $2, $3, $4, $5, now())"
		    " RETURNING batch_id", 5, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			rc = staging_error_code(c->conn, res);
			staging_report(c->conn, res,
			    "cannot create the processing batch");
			PQclear(res);
			goto fail;
		}
		snprintf(c->batch_text, sizeof c->batch_text, "%s",
		    PQgetvalue(res, 0, 0));
		c->batch_id = strtoll(c->batch_text, NULL, 10);
		snprintf(load_run_label, sizeof load_run_label, "batch %s",
		    c->batch_text);
		PQclear(res);
	}
	*ctxp = c;
	return 0;
fail:
	if (c->conn != NULL)
		PQfinish(c->conn);
	free_ctx(c);
	return rc;
}

static int
pg_close(void *ctx, int status, const struct load_totals *t)
{
	struct pgload *c = ctx;
	struct timespec t1;
	const char *params[8];
	char v[6][32], secs[32];
	double dt;
	PGresult *res;

	if (c == NULL)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	dt = (double)(t1.tv_sec - c->t0.tv_sec) +
	    (double)(t1.tv_nsec - c->t0.tv_nsec) / 1e9;
	if (c->batch_id > 0 && reconnect(c) == 0) {
		snprintf(v[0], sizeof v[0], "%lu", t->read);
		snprintf(v[1], sizeof v[1], "%lu", c->ins);
		snprintf(v[2], sizeof v[2], "%lu", c->dup);
		snprintf(v[3], sizeof v[3], "%lu", t->rejected);
		snprintf(v[4], sizeof v[4], "%lu", c->ins + c->dup + t->rejected);
		snprintf(secs, sizeof secs, "%.3f", dt);
		params[0] = c->batch_text;
		params[1] = status == 0 || status == CK_EX_REJECT ?
		    "COMPLETED" : "FAILED";
		params[2] = v[0];
		params[3] = v[1];
		params[4] = v[2];
		params[5] = v[3];
		params[6] = v[4];
		params[7] = secs;
		res = PQexecParams(c->conn, "UPDATE staging.processing_batches"
		    " SET status = $2::text, total_claims = $3::int,"
		    " successful_claims = $4::int, duplicate_claims = $5::int,"
		    " failed_claims = $6::int, processed_claims = $7::int,"
		    " end_time = now(), processing_time_seconds = $8::numeric,"
		    " throughput_per_second = CASE WHEN $8::numeric > 0 THEN"
		    "   round($3::int / $8::numeric, 3) END"
		    " WHERE batch_id = $1", 8, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			warn_retry(c, res, "cannot finish the processing batch");
		PQclear(res);
	}
	if (c->conn != NULL)
		PQfinish(c->conn);
	free_ctx(c);
	return 0;
}

const struct load_backend load_backend_pg = {
	"postgresql", pg_open, pg_load_batch, pg_close
};
