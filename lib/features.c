/*
 * features: claim record -> sparse feature vector (features.h has the
 * layout; claims-predict(1) documents each feature for users).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/buf.h"
#include "claimkit/date.h"
#include "claimkit/features.h"
#include "claimkit/json.h"
#include "claimkit/xalloc.h"

static const char *const numeric_names[FEATURES_NUMERIC] = {
	"total_charge",
	"patient_age",
	"diagnosis_count",
	"line_count",
	"total_units",
	"submission_lag_days",
	"modifier_count",
	"procedure_count",
	"max_line_charge",
	"service_span_days",
	"prior_authorization",
	"referral",
	"other_payer_count",
	"emergency_line_count",
	"patient_is_subscriber",
	"charge_per_unit",
	"attachment_count",
	"diagnosis_chapter_count"
};

const char *const features_namespaces[] = {
	"facility", "financial_class", "filing", "payer", "pos", "procedure",
	"procedure_group", "diagnosis", "dx_category", "dx_chapter",
	"primary_dx_category", "modifier", "taxonomy", "frequency", "gender",
	"state", NULL
};

struct features *
features_alloc(void)
{
	return xcalloc(1, sizeof(struct features));
}

void
features_free(struct features *f)
{
	if (f == NULL)
		return;
	free(f->idx);
	free(f->val);
	free(f->name_off);
	free(f->h);
	free(f->codes);
	buf_free(&f->names);
	buf_free(&f->scratch);
	free(f);
}

const char *
features_numeric_name(unsigned col)
{
	return col < FEATURES_NUMERIC ? numeric_names[col] : NULL;
}

/* FNV-1a, 32 bits: tiny, stable across platforms and documented. */
#define FNV_OFFSET	2166136261u
#define FNV_PRIME	16777619u

static uint32_t
fnv_add(uint32_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= FNV_PRIME;
	}
	return h;
}

uint32_t
features_column(const char *ns, const char *val, size_t n)
{
	uint32_t h = fnv_add(FNV_OFFSET, ns, strlen(ns));

	h = fnv_add(h, "=", 1);
	h = fnv_add(h, val, n);
	return FEATURES_NUMERIC + (h & ((1u << FEATURES_HASH_BITS) - 1));
}

void
features_fmt_value(struct buf *b, float v)
{
	char tmp[32];

	int prec;

	if (v == floorf(v) && fabsf(v) < 1e9f) {
		buf_addi(b, (long long)v);
		return;
	}
	/* The shortest text that reads back as the same float. */
	for (prec = 6; prec < 9; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, (double)v);
		if (strtof(tmp, NULL) == v)
			break;
	}
	if (prec == 9)
		snprintf(tmp, sizeof tmp, "%.9g", (double)v);
	buf_adds(b, tmp);
}

/* ---- building one vector ---- */

static void
put(struct features *f, uint32_t col, float v, size_t name_off)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->idx = xreallocarray(f->idx, f->cap, sizeof *f->idx);
		f->val = xreallocarray(f->val, f->cap, sizeof *f->val);
		f->name_off = xreallocarray(f->name_off, f->cap,
		    sizeof *f->name_off);
	}
	f->idx[f->n] = col;
	f->val[f->n] = v;
	f->name_off[f->n] = name_off;
	f->n++;
}

static void
put_numeric(struct features *f, int flags, unsigned col, double v)
{
	size_t off = 0;

	if (isnan(v) || isinf(v))
		return;
	if (flags & FEATURES_NAMES) {
		off = f->names.len;
		buf_adds(&f->names, numeric_names[col]);
		buf_addc(&f->names, '\0');
	}
	put(f, col, (float)v, off);
}

static void
hashed(struct features *f, int flags, const char *ns, const char *val,
    size_t n)
{
	struct fhash *e;

	if (val == NULL || n == 0)
		return;
	if (f->hn == f->hcap) {
		f->hcap = f->hcap ? f->hcap * 2 : 64;
		f->h = xreallocarray(f->h, f->hcap, sizeof *f->h);
	}
	e = &f->h[f->hn++];
	e->col = features_column(ns, val, n);
	e->name_off = 0;
	if (flags & FEATURES_NAMES) {
		e->name_off = f->scratch.len;
		buf_adds(&f->scratch, ns);
		buf_addc(&f->scratch, '=');
		buf_add(&f->scratch, val, n);
		buf_addc(&f->scratch, '\0');
	}
}

static void
hashed_node(struct features *f, int flags, const char *ns,
    const struct jdoc *d, int node)
{
	size_t n;
	const char *s = jdoc_str(d, node, &n);

	if (s != NULL)
		hashed(f, flags, ns, s, n);
}

/* Leading part of a code: ICD-10 category, CPT/HCPCS group. */
static void
hashed_prefix(struct features *f, int flags, const char *ns,
    const struct jdoc *d, int node, size_t len)
{
	size_t n;
	const char *s = jdoc_str(d, node, &n);

	if (s != NULL && n >= len)
		hashed(f, flags, ns, s, len);
}

static int
cmp_hash(const void *a, const void *b)
{
	const struct fhash *x = a, *y = b;

	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	/* Ties by position keep names in record order (stable output). */
	return x->name_off < y->name_off ? -1 : x->name_off > y->name_off;
}

/*
 * Sort the hashed columns, merge duplicates (the same code twice, or two
 * codes sharing a bucket) into one indicator, and append them.  Names of
 * merged entries are joined with '|', each distinct name once.
 */
static void
flush_hashed(struct features *f, int flags)
{
	size_t i, j;

	/* Insertion sort: a claim has a few dozen values, often in order. */
	for (i = 1; i < f->hn; i++) {
		struct fhash e = f->h[i];

		for (j = i; j > 0 && cmp_hash(&f->h[j - 1], &e) > 0; j--)
			f->h[j] = f->h[j - 1];
		f->h[j] = e;
	}
	for (i = 0; i < f->hn; i = j) {
		size_t off = f->names.len;

		for (j = i; j < f->hn && f->h[j].col == f->h[i].col; j++) {
			const char *nm;
			size_t k;
			int seen = 0;

			if (!(flags & FEATURES_NAMES))
				continue;
			nm = f->scratch.s + f->h[j].name_off;
			for (k = i; k < j; k++)
				if (strcmp(nm, f->scratch.s +
				    f->h[k].name_off) == 0)
					seen = 1;
			if (seen)
				continue;
			if (f->names.len > off)
				buf_addc(&f->names, '|');
			buf_adds(&f->names, nm);
		}
		if (flags & FEATURES_NAMES)
			buf_addc(&f->names, '\0');
		put(f, f->h[i].col, 1.0f, off);
	}
}

static int
iso_days(const struct jdoc *d, int node, long *days)
{
	struct ckdate dt;
	size_t n;
	const char *s = jdoc_str(d, node, &n);

	if (s == NULL || date_parse_iso(s, n, &dt) != 0)
		return -1;
	*days = date_days(&dt);
	return 0;
}

static double
number(const struct jdoc *d, int node)
{
	char tmp[64];
	size_t n;
	const char *raw;
	char *end;
	double v;

	if (jdoc_type(d, node) != J_NUMBER)
		return NAN;
	raw = jdoc_raw(d, node, &n);
	if (n >= sizeof tmp)
		return NAN;
	memcpy(tmp, raw, n);
	tmp[n] = '\0';
	v = strtod(tmp, &end);
	return *end == '\0' ? v : NAN;
}

static double
dollars(const struct jdoc *d, int node)
{
	int64_t cents;

	if (node < 0 || jdoc_cents(d, node, &cents) != NULL)
		return NAN;
	return (double)cents / 100.0;
}

static int
present(const struct jdoc *d, int root, const char *path)
{
	return !jdoc_blank(d, jdoc_path(d, root, path));
}

static double
count_of(const struct jdoc *d, int node, int absent_is_zero)
{
	if (jdoc_type(d, node) == J_ARRAY)
		return (double)jdoc_count(d, node);
	return absent_is_zero ? 0.0 : NAN;
}

/* Distinct first letters of the diagnosis codes; NaN without diagnoses. */
static double
dx_chapters(const struct jdoc *d, int dxs)
{
	unsigned char seen[256];
	int x, n = 0;

	if (jdoc_type(d, dxs) != J_ARRAY)
		return NAN;
	memset(seen, 0, sizeof seen);
	for (x = jdoc_first(d, dxs); x >= 0; x = jdoc_next(d, x)) {
		size_t len;
		const char *s = jdoc_str(d, jdoc_get(d, x, "code"), &len);

		if (s != NULL && len > 0 && !seen[(unsigned char)s[0]]) {
			seen[(unsigned char)s[0]] = 1;
			n++;
		}
	}
	return n;
}

/* The members of a service line that features read, in one pass. */
struct lfields {
	int	code, units, charge, date, date_end, auth, emergency, pos;
	int	modifiers;
};

static void
line_fields(const struct jdoc *d, int l, struct lfields *lf)
{
	int x;

	lf->code = lf->units = lf->charge = lf->date = lf->date_end = -1;
	lf->auth = lf->emergency = lf->pos = lf->modifiers = -1;
	for (x = jdoc_first(d, l); x >= 0; x = jdoc_next(d, x)) {
		const char *k = jdoc_key(d, x, NULL);

		if (k == NULL)
			continue;
		if (strcmp(k, "procedure_code") == 0)
			lf->code = x;
		else if (strcmp(k, "units") == 0)
			lf->units = x;
		else if (strcmp(k, "charge") == 0)
			lf->charge = x;
		else if (strcmp(k, "service_date") == 0)
			lf->date = x;
		else if (strcmp(k, "service_date_end") == 0)
			lf->date_end = x;
		else if (strcmp(k, "prior_authorization") == 0)
			lf->auth = x;
		else if (strcmp(k, "emergency") == 0)
			lf->emergency = x;
		else if (strcmp(k, "place_of_service") == 0)
			lf->pos = x;
		else if (strcmp(k, "modifiers") == 0)
			lf->modifiers = x;
	}
}

void
features_extract(struct features *f, const struct jdoc *d, int flags)
{
	int claim = jdoc_get(d, 0, "claim");
	int lines = jdoc_get(d, 0, "lines");
	int dxs = jdoc_get(d, 0, "diagnoses");
	int patient = jdoc_get(d, 0, "patient");
	int l, x, nlines = jdoc_type(d, lines) == J_ARRAY;
	long first = 0, last = 0, lfirst = 0, llast = 0, a, b, t = 0;
	int have_first = 0, have_last = 0, have_lfirst = 0, have_llast = 0;
	int have_units = 0, auth = 0, sub;
	double units = 0, maxcharge = NAN, mods = 0, emerg = 0, total;
	double age = NAN;
	double nproc = 0;
	struct ckdate birth, on;
	const char *s;
	size_t n;

	f->n = 0;
	f->hn = 0;
	buf_reset(&f->names);
	buf_reset(&f->scratch);

	/* Dates of service: claim span, else the lines' min and max. */
	if (iso_days(d, jdoc_get(d, claim, "service_date_from"), &first) == 0)
		have_first = 1;
	if (iso_days(d, jdoc_get(d, claim, "service_date_to"), &last) == 0)
		have_last = 1;

	f->ncodes = 0;
	for (l = nlines ? jdoc_first(d, lines) : -1; l >= 0;
	    l = jdoc_next(d, l)) {
		struct lfields lf;
		double u, c;
		size_t k;
		int m;

		line_fields(d, l, &lf);
		u = number(d, lf.units);
		c = dollars(d, lf.charge);
		if (!isnan(u)) {
			units += u;
			have_units = 1;
		}
		if (!isnan(c) && (isnan(maxcharge) || c > maxcharge))
			maxcharge = c;
		if (iso_days(d, lf.date, &a) == 0) {
			if (iso_days(d, lf.date_end, &b) != 0)
				b = a;
			if (!have_lfirst || a < lfirst)
				lfirst = a;
			if (!have_llast || b > llast)
				llast = b;
			have_lfirst = have_llast = 1;
		}
		if (!jdoc_blank(d, lf.auth))
			auth = 1;
		s = jdoc_str(d, lf.emergency, &n);
		if (s != NULL && n == 1 && s[0] == 'Y')
			emerg++;
		/* Distinct procedures: count first occurrences only. */
		if ((s = jdoc_str(d, lf.code, &n)) != NULL) {
			for (k = 0; k < f->ncodes; k++)
				if (f->codes[k].n == n &&
				    memcmp(f->codes[k].s, s, n) == 0)
					break;
			if (k == f->ncodes) {
				if (f->ncodes == f->codecap) {
					f->codecap = f->codecap ?
					    f->codecap * 2 : 16;
					f->codes = xreallocarray(f->codes,
					    f->codecap, sizeof *f->codes);
				}
				f->codes[f->ncodes].s = s;
				f->codes[f->ncodes++].n = n;
				nproc++;
			}
		}
		hashed_node(f, flags, "procedure", d, lf.code);
		hashed_prefix(f, flags, "procedure_group", d, lf.code, 3);
		hashed_node(f, flags, "pos", d, lf.pos);
		for (m = jdoc_first(d, lf.modifiers); m >= 0;
		    m = jdoc_next(d, m)) {
			mods++;
			hashed_node(f, flags, "modifier", d, m);
		}
	}
	if (!have_first && have_lfirst) {
		first = lfirst;
		have_first = 1;
	}
	if (!have_last && have_llast) {
		last = llast;
		have_last = 1;
	}

	/* Numeric columns, in column order. */
	total = dollars(d, jdoc_get(d, claim, "total_charge"));
	put_numeric(f, flags, FEAT_TOTAL_CHARGE, total);

	s = jdoc_str(d, jdoc_get(d, patient, "birth_date"), &n);
	if (s == NULL && jdoc_type(d, jdoc_get(d, patient, "is_subscriber")) ==
	    J_TRUE)
		s = jdoc_str(d, jdoc_path(d, 0, "subscriber.birth_date"), &n);
	if (s != NULL && have_first && date_parse_iso(s, n, &birth) == 0) {
		date_from_days(first, &on);
		if (date_days(&birth) <= first)
			age = date_age(&birth, &on);
	}
	put_numeric(f, flags, FEAT_PATIENT_AGE, age);
	put_numeric(f, flags, FEAT_DIAGNOSIS_COUNT, count_of(d, dxs, 0));
	put_numeric(f, flags, FEAT_LINE_COUNT, count_of(d, lines, 0));
	put_numeric(f, flags, FEAT_TOTAL_UNITS, have_units ? units : NAN);

	sub = 0;
	if (have_first && (iso_days(d, jdoc_path(d, 0,
	    "source.transaction_date"), &t) == 0 || iso_days(d,
	    jdoc_path(d, 0, "source.interchange_date"), &t) == 0))
		sub = 1;
	put_numeric(f, flags, FEAT_SUBMISSION_LAG, sub ? (double)(t - first) :
	    NAN);
	put_numeric(f, flags, FEAT_MODIFIER_COUNT, nlines ? mods : NAN);
	put_numeric(f, flags, FEAT_PROCEDURE_COUNT, nlines ? nproc : NAN);
	put_numeric(f, flags, FEAT_MAX_LINE_CHARGE, maxcharge);
	put_numeric(f, flags, FEAT_SERVICE_SPAN, have_first && have_last &&
	    last >= first ? (double)(last - first) : NAN);
	if (present(d, claim, "prior_authorization"))
		auth = 1;
	put_numeric(f, flags, FEAT_PRIOR_AUTH, auth);
	put_numeric(f, flags, FEAT_REFERRAL,
	    present(d, claim, "referral_number") ||
	    jdoc_path(d, 0, "providers.referring") >= 0);
	put_numeric(f, flags, FEAT_OTHER_PAYERS,
	    count_of(d, jdoc_get(d, 0, "other_payers"), 1));
	put_numeric(f, flags, FEAT_EMERGENCY_LINES, nlines ? emerg : NAN);
	x = jdoc_type(d, jdoc_get(d, patient, "is_subscriber"));
	put_numeric(f, flags, FEAT_PATIENT_IS_SUBSCRIBER,
	    x == J_TRUE ? 1.0 : x == J_FALSE ? 0.0 : NAN);
	put_numeric(f, flags, FEAT_CHARGE_PER_UNIT,
	    have_units && units > 0 ? total / units : NAN);
	put_numeric(f, flags, FEAT_ATTACHMENTS,
	    count_of(d, jdoc_get(d, claim, "attachments"), 1));
	put_numeric(f, flags, FEAT_DX_CHAPTERS, dx_chapters(d, dxs));

	/* Claim-level categorical values. */
	x = jdoc_get(d, 0, "facility_id");
	if (jdoc_blank(d, x))
		x = jdoc_path(d, 0, "providers.service_facility.npi");
	hashed_node(f, flags, "facility", d, x);
	hashed_node(f, flags, "financial_class", d,
	    jdoc_get(d, 0, "financial_class_id"));
	hashed_node(f, flags, "filing", d,
	    jdoc_path(d, 0, "subscriber.claim_filing_indicator"));
	hashed_node(f, flags, "payer", d, jdoc_path(d, 0, "payer.payer_id"));
	hashed_node(f, flags, "pos", d, jdoc_get(d, claim, "place_of_service"));
	hashed_node(f, flags, "taxonomy", d,
	    jdoc_path(d, 0, "billing_provider.taxonomy"));
	hashed_node(f, flags, "taxonomy", d,
	    jdoc_path(d, 0, "providers.rendering.taxonomy"));
	hashed_node(f, flags, "frequency", d,
	    jdoc_get(d, claim, "frequency_code"));
	hashed_node(f, flags, "gender", d, jdoc_get(d, patient, "gender"));
	hashed_node(f, flags, "state", d,
	    jdoc_path(d, 0, "billing_provider.address.state"));
	for (x = jdoc_first(d, dxs); x >= 0; x = jdoc_next(d, x)) {
		int code = jdoc_get(d, x, "code");

		hashed_node(f, flags, "diagnosis", d, code);
		hashed_prefix(f, flags, "dx_category", d, code, 3);
		hashed_prefix(f, flags, "dx_chapter", d, code, 1);
		if (jdoc_type(d, jdoc_get(d, x, "is_primary")) == J_TRUE)
			hashed_prefix(f, flags, "primary_dx_category", d,
			    code, 3);
	}
	flush_hashed(f, flags);
}

const char *
features_entry_name(const struct features *f, size_t i)
{
	if (i >= f->n || f->names.s == NULL)
		return "";
	return f->names.s + f->name_off[i];
}

/* ---- batches ---- */

void
features_batch_reset(struct features_batch *b)
{
	if (b->rcap == 0) {
		b->rcap = 64;
		b->indptr = xreallocarray(NULL, b->rcap, sizeof *b->indptr);
	}
	b->rows = 0;
	b->nnz = 0;
	b->indptr[0] = 0;
}

void
features_batch_add(struct features_batch *b, const struct features *f)
{
	if (b->rcap == 0)
		features_batch_reset(b);
	if (b->rows + 2 > b->rcap) {
		b->rcap *= 2;
		b->indptr = xreallocarray(b->indptr, b->rcap,
		    sizeof *b->indptr);
	}
	if (b->nnz + f->n > b->cap) {
		while (b->nnz + f->n > b->cap)
			b->cap = b->cap ? b->cap * 2 : 1024;
		b->idx = xreallocarray(b->idx, b->cap, sizeof *b->idx);
		b->val = xreallocarray(b->val, b->cap, sizeof *b->val);
	}
	if (f->n > 0) {
		memcpy(b->idx + b->nnz, f->idx, f->n * sizeof *b->idx);
		memcpy(b->val + b->nnz, f->val, f->n * sizeof *b->val);
	}
	b->nnz += f->n;
	b->indptr[++b->rows] = b->nnz;
}

void
features_batch_free(struct features_batch *b)
{
	free(b->indptr);
	free(b->idx);
	free(b->val);
	memset(b, 0, sizeof *b);
}
