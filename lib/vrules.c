/*
 * vrules: the rules of claims-validate.  The seed-004 rules under their own
 * codes (SEED-SCHEMAS 1.3) and the edits of EDITS.md, run over a jdoc index
 * of one claim.  Each section of the claim is walked once; the fields the
 * rules read are picked out by key in that walk, and findings are only
 * formatted when a rule fails, so a passing claim costs one pass over its
 * members and no allocation.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "claimkit/buf.h"
#include "claimkit/codefmt.h"
#include "claimkit/date.h"
#include "claimkit/diag.h"
#include "claimkit/json.h"
#include "claimkit/jw.h"
#include "claimkit/lineio.h"
#include "claimkit/money.h"
#include "claimkit/staging.h"
#include "claimkit/vref.h"
#include "claimkit/vrules.h"
#include "claimkit/xalloc.h"

/*
 * The catalogue: code, default severity, field, description, needs
 * reference data.  claims-validate --list-rules prints it and the man
 * page's RULES section repeats it word for word (tests/t4020).
 */
#define RULES \
R(CORE_FAC_01, ERROR, "facility_id", "facility id is missing: the record has none and no reference facility has its billing provider or service-facility NPI", 1) \
R(CORE_FAC_02, ERROR, "facility_id", "facility id is not an active facility of the reference data", 1) \
R(CORE_PAT_01, ERROR, "claim.patient_account_number", "patient account number is missing or blank", 0) \
R(CORE_DATE_01, ERROR, "claim.service_date_from/to", "claim service start or end date is missing", 0) \
R(CORE_DATE_02, ERROR, "claim.service_date_from/to", "claim service date is in the future", 0) \
R(CORE_DATE_03, ERROR, "claim.service_date_from/to", "claim service start date is after the end date", 0) \
R(CORE_DATE_04, ERROR, "claim.service_date_from/to", "claim service date is not a real calendar date (YYYY-MM-DD)", 0) \
R(CORE_FC_01, ERROR, "financial_class_id", "financial class is missing: none in the record and none in the reference data for the claim filing indicator and payer", 1) \
R(CORE_FC_02, ERROR, "financial_class_id", "financial class present but the facility id is missing", 1) \
R(CORE_FC_03, ERROR, "financial_class_id", "financial class is unknown, inactive or not allowed for the claim's facility", 1) \
R(CORE_DOB_01, ERROR, "patient.birth_date", "patient date of birth is missing", 0) \
R(CORE_DOB_02, ERROR, "patient.birth_date", "patient date of birth is in the future", 0) \
R(CORE_DOB_03, ERROR, "patient.birth_date", "patient date of birth is more than 130 years (130 x 365.25 days) ago", 0) \
R(CORE_DOB_04, ERROR, "patient.birth_date", "patient date of birth is after the claim service start date", 0) \
R(CORE_DOB_05, ERROR, "patient.birth_date", "patient date of birth is not a real calendar date (YYYY-MM-DD)", 0) \
R(CORE_LINE_DATE_01, ERROR, "claim.service_date_from", "claim has service lines but no valid service start date", 0) \
R(CORE_LINE_DATE_02, ERROR, "lines.N.service_date", "service line date is missing or not a real calendar date", 0) \
R(CORE_LINE_DATE_03, ERROR, "lines.N.service_date", "service line date is in the future", 0) \
R(CORE_LINE_DATE_04, ERROR, "lines.N.service_date_end", "service line end date is before its start date", 0) \
R(CORE_LINE_DATE_05, ERROR, "lines.N.service_date", "service line dates are outside the claim's service dates", 0) \
R(REC_01, ERROR, "record", "a section of the record has the wrong JSON type (object or array expected)", 0) \
R(NPI_01, ERROR, "billing_provider.npi", "billing provider NPI is missing", 0) \
R(NPI_02, ERROR, "*.npi", "provider NPI is not 10 digits beginning with 1 or 2", 0) \
R(NPI_03, ERROR, "*.npi", "provider NPI check digit is wrong (Luhn with the 80840 prefix)", 0) \
R(TAXO_01, ERROR, "*.taxonomy", "provider taxonomy code is not 10 characters of A-Z and 0-9", 0) \
R(TAXO_02, WARNING, "*.taxonomy", "provider taxonomy code does not end in X", 0) \
R(TIN_01, ERROR, "billing_provider.tax_id", "billing provider tax id (EIN or SSN) is missing", 0) \
R(TIN_02, ERROR, "billing_provider.tax_id", "billing provider tax id is not 9 digits, or is an EIN of all zeros", 0) \
R(SUB_01, ERROR, "subscriber.member_id", "subscriber member id is missing", 0) \
R(MBI_01, ERROR, "subscriber.member_id", "member id of a Medicare claim (filing indicator MA or MB) is not a valid MBI", 0) \
R(PAY_01, ERROR, "payer.payer_id", "payer id is missing", 0) \
R(PAY_02, WARNING, "payer.payer_id", "payer id is not in the payer reference data", 1) \
R(PAT_02, ERROR, "patient.last_name", "patient last name is missing", 0) \
R(PAT_03, ERROR, "patient.gender", "patient gender is missing or not F, M or U", 0) \
R(CHG_01, ERROR, "claim.total_charge", "claim total charge is missing or not an amount with at most 2 decimals", 0) \
R(CHG_02, ERROR, "claim.total_charge", "claim total charge is not greater than zero", 0) \
R(CHG_03, ERROR, "claim.total_charge", "claim total charge does not equal the sum of the line charges to the cent", 0) \
R(CHG_04, ERROR, "lines.N.charge", "line charge is missing or not an amount with at most 2 decimals", 0) \
R(CHG_05, ERROR, "lines.N.charge", "line charge is negative", 0) \
R(CHG_06, WARNING, "lines.N.charge", "line charge is zero", 0) \
R(UNIT_01, ERROR, "lines.N.units", "line units are missing, not a number, or not greater than zero", 0) \
R(UNIT_02, ERROR, "lines.N.unit_basis", "line unit basis is not UN (units) or MJ (minutes)", 0) \
R(UNIT_03, WARNING, "lines.N.unit_basis", "anesthesia line (codes 00100 to 01999) is not billed in minutes (MJ)", 0) \
R(LINE_01, ERROR, "lines", "claim has no service lines", 0) \
R(LINE_02, ERROR, "lines", "claim has more than 50 service lines", 0) \
R(FREQ_01, ERROR, "claim.frequency_code", "claim frequency code is missing or not 1 (original), 7 (replacement) or 8 (void)", 0) \
R(FREQ_02, ERROR, "claim.original_reference", "replacement or void claim (frequency 7 or 8) has no original claim reference (REF F8)", 0) \
R(POS_01, ERROR, "claim.place_of_service", "place of service (claim or line) is missing or not a CMS place-of-service code in effect on the service date", 0) \
R(POS_02, ERROR, "claim.facility_code_qualifier", "facility code qualifier (CLM05-2) is not B", 0) \
R(POS_03, WARNING, "lines.N.modifiers", "telehealth in the patient's home (place of service 10) without modifier 95 or 93", 0) \
R(AUTH_01, WARNING, "claim.prior_authorization", "financial class requires authorization but the claim has no prior authorization number", 1) \
R(AGE_01, WARNING, "patient.birth_date", "patient is older than 124 years on the service date", 0) \
R(SVC_01, ERROR, "claim.service_date_to", "service date is after the date the transaction was created (BHT04)", 0) \
R(TF_01, ERROR, "lines.N.service_date", "timely filing limit passed: more days from the line service date to the receipt date than the limit", 0) \
R(DX_01, ERROR, "diagnoses", "claim has no diagnosis code", 0) \
R(DX_02, ERROR, "diagnoses.N.code", "diagnosis code is not in ICD-10-CM format (no dot: letter, digit, letter or digit, up to 4 more)", 0) \
R(DX_03, ERROR, "diagnoses.N.code", "diagnosis code is not in the ICD-10-CM code list", 0) \
R(DX_04, ERROR, "diagnoses.N.code", "diagnosis code is a category header, not a billable ICD-10-CM code", 0) \
R(DX_05, ERROR, "diagnoses.N.qualifier", "diagnosis qualifier is not ABK for the first code and ABF for the others", 0) \
R(DX_06, ERROR, "diagnoses", "claim has more than 12 diagnosis codes", 0) \
R(DX_07, WARNING, "diagnoses.N.code", "diagnosis code appears more than once on the claim", 0) \
R(DX_08, WARNING, "diagnoses.N.code", "external cause code (V, W, X or Y) is the principal diagnosis or a line's first diagnosis", 0) \
R(PTR_01, ERROR, "lines.N.diagnosis_pointers", "service line has no diagnosis pointer", 0) \
R(PTR_02, ERROR, "lines.N.diagnosis_pointers", "diagnosis pointer does not point at a diagnosis of the claim", 0) \
R(PTR_03, ERROR, "lines.N.diagnosis_pointers", "service line has more than 4 diagnosis pointers or the same pointer twice", 0) \
R(PX_01, ERROR, "lines.N.procedure_code", "procedure code is missing or not in CPT or HCPCS format", 0) \
R(PX_02, WARNING, "lines.N.procedure_qualifier", "procedure code qualifier is not HC", 0) \
R(PX_03, ERROR, "lines.N.procedure_code", "procedure code is not in the CPT/HCPCS code list", 0) \
R(MOD_01, ERROR, "lines.N.modifiers", "modifier is not 2 characters of A-Z and 0-9", 0) \
R(MOD_02, ERROR, "lines.N.modifiers", "service line has more than 4 modifiers or the same modifier twice", 0) \
R(MOD_03, ERROR, "lines.N.modifiers", "modifiers 26 and TC on the same line", 0) \
R(MOD_04, WARNING, "lines.N.modifiers", "bilateral modifier 50 together with LT or RT", 0) \
R(MOD_05, WARNING, "lines.N.units", "bilateral modifier 50 with units other than 1", 0) \
R(MOD_06, WARNING, "lines.N.modifiers", "assistant-at-surgery modifier (80, 81, 82 or AS) together with 62 or 66", 0) \
R(DUP_01, ERROR, "lines.N", "duplicate service line: same procedure, modifiers, dates, rendering NPI, place of service and units, without modifier 76, 77, 91, 59, XE, XP, XS or XU", 0) \
R(DUP_02, ERROR, "claim_id", "duplicate claim: same payer, billing provider, member, patient, rendering NPI, dates, charges and lines as an earlier claim of the run (frequency 7 and 8 exempt)", 0)

enum {
#define R(c, s, f, d, r) R_##c,
	RULES
#undef R
	NRULES
};

static const struct vrule_info catalogue[NRULES] = {
#define R(c, s, f, d, r) { #c, VSEV_##s, f, d, r },
	RULES
#undef R
};

size_t
vrules_nrules(void)
{
	return NRULES;
}

const struct vrule_info *
vrules_info(size_t i)
{
	return i < NRULES ? &catalogue[i] : NULL;
}

int
vrules_lookup(const char *code, size_t n)
{
	int i;

	for (i = 0; i < NRULES; i++)
		if (strlen(catalogue[i].code) == n &&
		    memcmp(catalogue[i].code, code, n) == 0)
			return i;
	return -1;
}

static const char *sev_names[] = { "off", "info", "warning", "error" };

const char *
vsev_name(enum vsev s)
{
	return sev_names[s];
}

int
vsev_parse(const char *s, enum vsev *out)
{
	int i;

	for (i = 0; i < 4; i++)
		if (strcasecmp(s, sev_names[i]) == 0) {
			*out = (enum vsev)i;
			return 0;
		}
	return -1;
}

const char *
vstatus_name(enum vstatus s)
{
	static const char *names[] = { "pass", "warn", "fail" };

	return names[s];
}

/* ---- per-claim state ---- */

/* What a string field turned out to be. */
enum { FV_ABSENT, FV_BLANK, FV_TYPE, FV_BAD, FV_OK };

struct fv {
	int		 node;
	int		 st;
	const char	*s;
	size_t		 n;
};

struct fdate {
	int	node;
	int	st;
	long	day;
};

struct vfind {
	int		rule;
	enum vsev	sev;
	int		vnode;		/* value from the record, or -1 */
	size_t		path, msg;	/* offsets into the arena */
	long		vstr;		/* string value in the arena, or -1 */
};

#define MAXMODS	16

struct vline {
	int		node;
	struct fv	code, qual, basis, pos, auth, rnpi;
	struct fv	mods[MAXMODS];
	int		nmods, mods_node, ptrs_node, units_node, charge_node;
	struct fdate	from, to;
	int64_t		charge;
	int		charge_ok;
	double		units;
	int		units_ok;
};

struct lkey {
	unsigned long	idx;
	uint64_t	h;
};

struct dupset {
	uint64_t	*keys;		/* 0 = empty slot */
	uint32_t	*recs;
	size_t		 cap, n;
};

struct vrules {
	enum vsev		 sev[NRULES];
	const struct vref	*ref;
	int			 timely_days;
	long			 today;
	/* findings of the current claim */
	struct vfind		*f;
	size_t			 nf, fcap;
	struct buf		 arena;
	char			 path[160];
	/* the claim */
	const struct jdoc	*d;
	struct vline		*lines;
	size_t			 nlines, lcap;
	struct fv		 dx[64];	/* diagnosis code by sequence */
	uint64_t		 dxmask;	/* sequences present */
	int			 principal;	/* sequence of diagnoses[0] */
	const struct vref_facility *fac;
	const struct vref_fclass *fc;
	int			 fac_missing;
	struct dupset		 dups;
	struct lkey		*lkeys;
	size_t			 lkcap;
};

struct vrules *
vrules_alloc(void)
{
	struct vrules *v = xcalloc(1, sizeof *v);
	size_t i;

	for (i = 0; i < NRULES; i++)
		v->sev[i] = catalogue[i].severity;
	v->timely_days = 365;
	v->today = date_today();
	return v;
}

void
vrules_free(struct vrules *v)
{
	if (v == NULL)
		return;
	free(v->f);
	buf_free(&v->arena);
	free(v->lines);
	free(v->dups.keys);
	free(v->dups.recs);
	free(v->lkeys);
	free(v);
}

void
vrules_set_ref(struct vrules *v, const struct vref *ref)
{
	size_t i;

	v->ref = ref;
	if (ref == NULL || !vref_have_facilities(ref))
		for (i = 0; i < NRULES; i++)
			if (catalogue[i].needs_ref)
				v->sev[i] = VSEV_OFF;
}

void
vrules_set(struct vrules *v, size_t rule, enum vsev s)
{
	if (rule < NRULES)
		v->sev[rule] = s;
}

enum vsev
vrules_get(const struct vrules *v, size_t rule)
{
	return rule < NRULES ? v->sev[rule] : VSEV_OFF;
}

void
vrules_set_timely_days(struct vrules *v, int days)
{
	v->timely_days = days;
}

void
vrules_set_today(struct vrules *v, long day)
{
	v->today = day;
}

/* ---- configuration ---- */

static void
config_error(const char *file, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

static void
config_error(const char *file, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vmsg("error", file, line, fmt, ap);
	va_end(ap);
	fflush(stdout);
	exit(file ? CK_EX_CONFIG : CK_EX_USAGE);
}

void
vrules_config_entry(struct vrules *v, const char *entry, const char *file,
    unsigned long line)
{
	const char *p = entry, *code, *sev;
	size_t clen, slen;
	enum vsev s;
	char q[64], sv[16];
	int i, any = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	code = p;
	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '=')
		p++;
	clen = (size_t)(p - code);
	while (*p == ' ' || *p == '\t' || *p == '=')
		p++;
	sev = p;
	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r')
		p++;
	slen = (size_t)(p - sev);
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	if (clen == 0 || slen == 0 || *p != '\0')
		config_error(file, line, "expected 'CODE SEVERITY' "
		    "(error, warning, info or off): '%s'",
		    diag_quote(q, sizeof q, entry, strlen(entry)));
	if (slen >= sizeof sv || (memcpy(sv, sev, slen), sv[slen] = '\0',
	    vsev_parse(sv, &s) != 0))
		config_error(file, line, "unknown severity (error, warning, "
		    "info or off): '%s'", diag_quote(q, sizeof q, sev, slen));
	for (i = 0; i < NRULES; i++) {
		const char *c = catalogue[i].code;
		int match = code[clen - 1] == '*' ?
		    strncmp(c, code, clen - 1) == 0 :
		    strlen(c) == clen && memcmp(c, code, clen) == 0;

		if (match) {
			v->sev[i] = s;
			any = 1;
		}
	}
	if (!any)
		config_error(file, line, "unknown rule code: '%s'",
		    diag_quote(q, sizeof q, code, clen));
}

void
vrules_config_file(struct vrules *v, const char *path)
{
	struct lineio *li = lineio_open(path);
	char *l;
	size_t len;

	if (li == NULL) {
		diag_error(path, 0, "cannot open rule configuration: %s",
		    strerror(errno));
		exit(CK_EX_CONFIG);
	}
	while ((l = lineio_next(li, &len)) != NULL) {
		char *hash = memchr(l, '#', len);
		size_t i;

		if (hash != NULL)
			*hash = '\0';
		for (i = 0; l[i] == ' ' || l[i] == '\t' || l[i] == '\r'; i++)
			;
		if (l[i] == '\0')
			continue;
		vrules_config_entry(v, l, path, lineio_lineno(li));
	}
	lineio_close(li);
}

void
vrules_config_pg(struct vrules *v, const char *conninfo)
{
	PGconn *conn;
	PGresult *res;
	int rc, i;

	if ((conn = staging_connect(conninfo, "--rules", 0, &rc)) == NULL)
		exit(rc);
	res = PQexec(conn, "SELECT rule_name, severity, "
	    "CASE WHEN is_active THEN 't' ELSE 'f' END "
	    "FROM staging.validation_rules ORDER BY id");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = staging_error_code(conn, res);
		staging_report(conn, res, "staging.validation_rules");
		PQclear(res);
		PQfinish(conn);
		exit(rc == CK_EX_SOFTWARE ? CK_EX_CONFIG : rc);
	}
	for (i = 0; i < PQntuples(res); i++) {
		const char *name = PQgetvalue(res, i, 0);
		const char *sev = PQgetvalue(res, i, 1);
		int r = vrules_lookup(name, strlen(name));
		enum vsev s;
		char q[64];

		if (r < 0) {
			diag_warn("staging.validation_rules", (unsigned long)i + 1,
			    "unknown rule '%s' ignored",
			    diag_quote(q, sizeof q, name, strlen(name)));
			continue;
		}
		if (vsev_parse(sev, &s) != 0 || s == VSEV_OFF) {
			PQclear(res);
			PQfinish(conn);
			config_error("staging.validation_rules",
			    (unsigned long)i + 1, "unknown severity: '%s'",
			    diag_quote(q, sizeof q, sev, strlen(sev)));
		}
		v->sev[r] = PQgetvalue(res, i, 2)[0] == 't' ? s : VSEV_OFF;
	}
	PQclear(res);
	PQfinish(conn);
}

/* ---- reading the record ---- */

struct key {
	const char	*name;
	size_t		 len;
};
#define K(s) { s, sizeof(s) - 1 }

/* One walk over obj's members: out[i] = node of keys[i], or -1. */
static void
pick(const struct jdoc *d, int obj, const struct key *keys, int n, int *out)
{
	int c, i;

	for (i = 0; i < n; i++)
		out[i] = -1;
	for (c = jdoc_first(d, obj); c >= 0; c = jdoc_next(d, c)) {
		size_t kl;
		const char *k = jdoc_key(d, c, &kl);

		for (i = 0; i < n; i++)
			if (keys[i].len == kl && out[i] < 0 &&
			    memcmp(keys[i].name, k, kl) == 0) {
				out[i] = c;
				break;
			}
	}
}

static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

static struct fv
getstr(const struct jdoc *d, int node)
{
	struct fv f = { node, FV_ABSENT, "", 0 };

	if (node < 0)
		return f;
	switch (jdoc_type(d, node)) {
	case J_NULL:
		f.st = FV_BLANK;
		break;
	case J_STRING:
		f.s = jdoc_str(d, node, &f.n);
		f.st = blank(f.s, f.n) ? FV_BLANK : FV_OK;
		break;
	default:
		f.st = FV_TYPE;
		break;
	}
	return f;
}

static struct fdate
getdate(const struct jdoc *d, int node)
{
	struct fdate r = { node, FV_ABSENT, 0 };
	struct fv f = getstr(d, node);
	struct ckdate dt;

	r.st = f.st;
	if (f.st == FV_OK) {
		if (date_parse_iso(f.s, f.n, &dt) == 0)
			r.day = date_days(&dt);
		else
			r.st = FV_BAD;
	} else if (f.st == FV_TYPE)
		r.st = FV_BAD;
	return r;
}

static int
streq(const struct fv *f, const char *s)
{
	size_t n = strlen(s);

	return f->st == FV_OK && f->n == n && memcmp(f->s, s, n) == 0;
}

/* ---- findings ---- */

static int
on(const struct vrules *v, int rule)
{
	return v->sev[rule] != VSEV_OFF;
}

static size_t
arena_add(struct vrules *v, const char *s, size_t n)
{
	size_t off = v->arena.len;

	buf_add(&v->arena, s, n);
	buf_addc(&v->arena, '\0');
	return off;
}

static struct vfind *
vadd(struct vrules *v, int rule, int vnode, const char *path,
    const char *fmt, va_list ap)
{
	struct vfind *f;
	char msg[512];
	int n;

	if (v->nf == v->fcap) {
		v->fcap = v->fcap ? v->fcap * 2 : 32;
		v->f = xreallocarray(v->f, v->fcap, sizeof *v->f);
	}
	f = &v->f[v->nf++];
	f->rule = rule;
	f->sev = v->sev[rule];
	f->vnode = vnode;
	f->vstr = -1;
	f->path = arena_add(v, path, strlen(path));
	n = vsnprintf(msg, sizeof msg, fmt, ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof msg)
		n = sizeof msg - 1;
	f->msg = arena_add(v, msg, (size_t)n);
	return f;
}

static void
add(struct vrules *v, int rule, int vnode, const char *path,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
add(struct vrules *v, int rule, int vnode, const char *path,
    const char *fmt, ...)
{
	va_list ap;

	if (!on(v, rule))
		return;
	va_start(ap, fmt);
	vadd(v, rule, vnode, path, fmt, ap);
	va_end(ap);
}

/* A finding whose value is a string we derived (not a node). */
static void
adds(struct vrules *v, int rule, const char *val, size_t vlen,
    const char *path, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
adds(struct vrules *v, int rule, const char *val, size_t vlen,
    const char *path, const char *fmt, ...)
{
	struct vfind *f;
	va_list ap;

	if (!on(v, rule))
		return;
	va_start(ap, fmt);
	f = vadd(v, rule, -1, path, fmt, ap);
	va_end(ap);
	f->vstr = (long)arena_add(v, val, vlen);
}

/* "lines.3.units" and the like, in v->path. */
static const char *
ipath(struct vrules *v, const char *arr, size_t i, const char *rest)
{
	snprintf(v->path, sizeof v->path, "%s.%zu%s%s", arr, i,
	    *rest ? "." : "", rest);
	return v->path;
}

static const char *
tname(const struct jdoc *d, int node)
{
	return jdoc_type_name(jdoc_type(d, node));
}

/*
 * Where a value sits, built into text only when a finding needs it:
 * a [.i] [.b] [.c], e.g. "lines" 3 "providers.rendering" "npi".
 */
struct vpath {
	const char	*a;
	size_t		 i;		/* NOIDX: none */
	const char	*b;
};
#define NOIDX ((size_t)-1)

static const char *
mkpath(struct vrules *v, const struct vpath *p, const char *leaf)
{
	char ib[32] = "";

	if (p->i != NOIDX)
		snprintf(ib, sizeof ib, ".%zu", p->i);
	snprintf(v->path, sizeof v->path, "%s%s%s%s%s%s", p->a, ib,
	    p->b && *p->b ? "." : "", p->b ? p->b : "",
	    leaf && *leaf ? "." : "", leaf ? leaf : "");
	return v->path;
}

/*
 * A section that must be an object (or array): REC_01 when it is present
 * with another type.  Returns the node, or -1 when absent or wrong.
 */
static int
section(struct vrules *v, int node, enum jtype want, const struct vpath *p,
    const char *leaf)
{
	const char *path;

	if (node < 0)
		return -1;
	if (jdoc_type(v->d, node) == want)
		return node;
	if (jdoc_type(v->d, node) != J_NULL) {
		path = mkpath(v, p, leaf);
		add(v, R_REC_01, node, path, "%s is a JSON %s, expected an %s",
		    path, tname(v->d, node), want == J_OBJECT ? "object" :
		    "array");
	}
	return -1;
}

static int
rootsec(struct vrules *v, int node, enum jtype want, const char *name)
{
	struct vpath p = { name, NOIDX, NULL };

	return section(v, node, want, &p, NULL);
}

/* ---- provider parties: NPI and taxonomy ---- */

static void
check_npi(struct vrules *v, int node, const struct vpath *pp, const char *who)
{
	struct fv f = getstr(v->d, node);
	int want;

	if (f.st == FV_ABSENT)
		return;
	if (f.st != FV_OK || !codefmt_npi(f.s, f.n)) {
		add(v, R_NPI_02, node, mkpath(v, pp, "npi"), "%s NPI is not "
		    "10 digits beginning with 1 or 2", who);
		return;
	}
	if ((want = codefmt_npi_check_digit(f.s)) != f.s[9] - '0')
		add(v, R_NPI_03, node, mkpath(v, pp, "npi"), "%s NPI check "
		    "digit is %c, expected %d", who, f.s[9], want);
}

static void
check_party(struct vrules *v, int node, const struct vpath *pp,
    const char *who, struct fv *npi_out)
{
	static const struct key keys[] = { K("npi"), K("taxonomy") };
	int m[2];
	struct fv t;

	if ((node = section(v, node, J_OBJECT, pp, NULL)) < 0) {
		if (npi_out != NULL)
			*npi_out = getstr(v->d, -1);
		return;
	}
	pick(v->d, node, keys, 2, m);
	check_npi(v, m[0], pp, who);
	if (npi_out != NULL)
		*npi_out = getstr(v->d, m[0]);
	t = getstr(v->d, m[1]);
	if (t.st == FV_ABSENT)
		return;
	if (t.st != FV_OK || !codefmt_taxonomy(t.s, t.n))
		add(v, R_TAXO_01, m[1], mkpath(v, pp, "taxonomy"), "%s "
		    "taxonomy code is not 10 characters of A-Z and 0-9", who);
	else if (t.s[9] != 'X')
		add(v, R_TAXO_02, m[1], mkpath(v, pp, "taxonomy"), "%s "
		    "taxonomy code does not end in X", who);
}

/* The provider roles of a claim (2310x) and of a line (2420x). */
static const struct key claim_roles[] = {
	K("referring"), K("rendering"), K("service_facility"),
	K("supervising"),
};
static const struct key line_roles[] = {
	K("rendering"), K("purchased_service"), K("service_facility"),
	K("supervising"), K("ordering"), K("referring"),
};

/* ---- duplicate keys ---- */

struct khash {
	uint64_t	h;
};

static void
kh_add(struct khash *k, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		k->h ^= s[i];
		k->h *= 1099511628211ULL;
	}
	/* A separator, so that "ab"+"c" and "a"+"bc" differ. */
	k->h ^= 0x1f;
	k->h *= 1099511628211ULL;
}

static void
kh_node(struct khash *k, const struct jdoc *d, int node)
{
	size_t n = 0;
	const char *s = node >= 0 ? jdoc_raw(d, node, &n) : "";

	kh_add(k, s, n);
}

static void
kh_cents(struct khash *k, const struct jdoc *d, int node)
{
	int64_t c;

	if (node >= 0 && jdoc_cents(d, node, &c) == NULL)
		kh_add(k, &c, sizeof c);
	else
		kh_node(k, d, node);
}

static uint64_t
kh_final(const struct khash *k)
{
	uint64_t z = k->h;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z ? z : 1;
}

/* Remember key for record rec; returns the earlier record, or 0. */
static uint32_t
dup_seen(struct dupset *s, uint64_t key, uint32_t rec)
{
	size_t i, mask;

	if ((s->n + 1) * 10 > s->cap * 7) {
		uint64_t *ok = s->keys;
		uint32_t *orec = s->recs;
		size_t ocap = s->cap, j;

		s->cap = ocap ? ocap * 2 : 1024;
		s->keys = xcalloc(s->cap, sizeof *s->keys);
		s->recs = xcalloc(s->cap, sizeof *s->recs);
		mask = s->cap - 1;
		for (j = 0; j < ocap; j++) {
			if (ok[j] == 0)
				continue;
			for (i = ok[j] & mask; s->keys[i] != 0; i = (i + 1) & mask)
				;
			s->keys[i] = ok[j];
			s->recs[i] = orec[j];
		}
		free(ok);
		free(orec);
	}
	mask = s->cap - 1;
	for (i = key & mask; s->keys[i] != 0; i = (i + 1) & mask)
		if (s->keys[i] == key)
			return s->recs[i];
	s->keys[i] = key;
	s->recs[i] = rec;
	s->n++;
	return 0;
}

/* ---- the check ---- */

struct claimview {
	int	claim_id, facility_id, fclass_id, source, billing, subscriber,
		payer, patient, claim, diagnoses, providers, lines;
	/* claim.* */
	int	pan, total, pos, fqual, freq, origref, from, to, prior_auth;
	struct fdate cfrom, cto, receipt, txdate;
	struct fv cfi, payer_id, member_id, rend_npi;
	int	billing_npi;
};

static void
check_facility(struct vrules *v, const struct claimview *cv)
{
	const struct jdoc *d = v->d;
	const struct vref *ref = v->ref;
	struct fv id;
	char q[64];

	v->fac = NULL;
	v->fac_missing = 0;
	if (ref == NULL)
		return;
	if (cv->facility_id >= 0) {
		id = getstr(d, cv->facility_id);
		if (id.st != FV_OK) {
			v->fac_missing = 1;
			add(v, R_CORE_FAC_01, cv->facility_id, "facility_id",
			    "facility id is %s", id.st == FV_TYPE ?
			    "not a string" : "blank");
			return;
		}
		v->fac = vref_facility(ref, id.s, id.n);
		if (v->fac == NULL || !v->fac->active) {
			add(v, R_CORE_FAC_02, cv->facility_id, "facility_id",
			    "facility id is %s in the reference data",
			    v->fac ? "inactive" : "not found");
			v->fac = NULL;
		}
		return;
	} else {
		/*
		 * edi-parse records: the facility is found by the billing
		 * provider's NPI, else by the service facility's (2310C).
		 */
		int sfac = jdoc_path(d, cv->providers, "service_facility.npi");
		struct fv npi = getstr(d, cv->billing_npi);
		const char *how = "billing provider";
		int node = cv->billing_npi, amb = 0, amb2 = 0;

		if (npi.st == FV_OK)
			v->fac = vref_facility_by_npi(ref, npi.s, npi.n, &amb);
		if (v->fac == NULL && (npi = getstr(d, sfac)).st == FV_OK) {
			v->fac = vref_facility_by_npi(ref, npi.s, npi.n, &amb2);
			if (v->fac != NULL || (amb2 && !amb)) {
				how = "service-facility";
				node = sfac;
				amb = amb2;
			}
		}
		if (v->fac == NULL && node < 0)
			node = sfac;
		if (v->fac == NULL) {
			v->fac_missing = 1;
			if (amb)
				add(v, R_CORE_FAC_01, node, "facility_id",
				    "no facility_id, and the %s NPI belongs to "
				    "more than one active reference facility", how);
			else
				add(v, R_CORE_FAC_01, node, "facility_id",
				    "no facility_id and no reference facility "
				    "has the billing provider or service-facility "
				    "NPI");
		} else if (!v->fac->active) {
			add(v, R_CORE_FAC_02, node, "facility_id",
			    "the facility with the %s NPI (%s) is inactive in "
			    "the reference data", how, diag_quote(q, sizeof q,
			    v->fac->id, strlen(v->fac->id)));
			v->fac = NULL;
		}
	}
}

static int
fc_allowed(const struct vref_fclass *c, const struct vref_facility *fac)
{
	return c->facility[0] == '\0' || strcmp(c->facility, fac->id) == 0;
}

static void
check_fclass(struct vrules *v, const struct claimview *cv)
{
	const struct jdoc *d = v->d;
	const struct vref *ref = v->ref;
	const struct vref_fclass *c, *first = NULL;
	struct fv cfi;

	v->fc = NULL;
	if (ref == NULL)
		return;
	if (cv->fclass_id >= 0) {
		/* Staging records name their class (seed 004). */
		struct fv id = getstr(d, cv->fclass_id);

		if (id.st != FV_OK) {
			add(v, R_CORE_FC_01, cv->fclass_id, "financial_class_id",
			    "financial class id is %s", id.st == FV_TYPE ?
			    "not a string" : "blank");
			return;
		}
		c = vref_fclass(ref, id.s, id.n);
		if (v->fac_missing) {
			add(v, R_CORE_FC_02, cv->fclass_id, "financial_class_id",
			    "financial class given but the facility id is "
			    "missing");
			return;
		}
		if (v->fac == NULL)
			return;
		if (c == NULL || !c->active || !fc_allowed(c, v->fac))
			add(v, R_CORE_FC_03, cv->fclass_id, "financial_class_id",
			    "financial class is %s", c == NULL ? "not in the "
			    "reference data" : !c->active ? "inactive" :
			    "not allowed for the claim's facility");
		else
			v->fc = c;
		return;
	}
	/* edi-parse records: the class of the filing indicator and payer. */
	cfi = cv->cfi;
	if (cfi.st != FV_OK && cv->payer_id.st == FV_OK) {
		const struct vref_payer *p = vref_payer(ref, cv->payer_id.s,
		    cv->payer_id.n);

		if (p != NULL && p->cfi[0] != '\0') {
			cfi.s = p->cfi;
			cfi.n = strlen(p->cfi);
			cfi.st = FV_OK;
			cfi.node = -1;
		}
	}
	if (cfi.st != FV_OK) {
		add(v, R_CORE_FC_01, cv->cfi.node, "subscriber.claim_filing_indicator",
		    "no financial class: the claim has no claim filing "
		    "indicator and the payer reference has none for its payer");
		return;
	}
	for (c = vref_fclass_by_cfi(ref, cfi.s, cfi.n); c != NULL;
	    c = c->next_cfi) {
		if (!c->active || (c->payer[0] != '\0' &&
		    (cv->payer_id.st != FV_OK || strlen(c->payer) !=
		    cv->payer_id.n || memcmp(c->payer, cv->payer_id.s,
		    cv->payer_id.n) != 0)))
			continue;
		if (first == NULL)
			first = c;
		if (v->fac != NULL && fc_allowed(c, v->fac)) {
			v->fc = c;
			break;
		}
	}
	if (first == NULL) {
		adds(v, R_CORE_FC_01, cfi.s, cfi.n, "financial_class_id",
		    "no active financial class for the claim filing indicator "
		    "and payer of the claim");
		return;
	}
	if (v->fac_missing)
		adds(v, R_CORE_FC_02, first->id, strlen(first->id),
		    "financial_class_id", "financial class found but the "
		    "facility id is missing");
	else if (v->fac != NULL && v->fc == NULL)
		adds(v, R_CORE_FC_03, cfi.s, cfi.n, "financial_class_id",
		    "no financial class for the claim filing indicator and "
		    "payer is allowed at the claim's facility");
}

static void
date_problem(struct vrules *v, const struct fdate *dt, int r_missing,
    int r_bad, const char *path, const char *what)
{
	if (dt->st == FV_ABSENT || dt->st == FV_BLANK)
		add(v, r_missing, dt->node, path, "%s is missing", what);
	else if (dt->st == FV_BAD)
		add(v, r_bad, dt->node, path, "%s is not a real calendar "
		    "date (YYYY-MM-DD)", what);
}

static void
check_claim_dates(struct vrules *v, struct claimview *cv)
{
	date_problem(v, &cv->cfrom, R_CORE_DATE_01, R_CORE_DATE_04,
	    "claim.service_date_from", "claim service start date");
	date_problem(v, &cv->cto, R_CORE_DATE_01, R_CORE_DATE_04,
	    "claim.service_date_to", "claim service end date");
	if (cv->cfrom.st == FV_OK && cv->cto.st == FV_OK &&
	    cv->cfrom.day > cv->cto.day)
		add(v, R_CORE_DATE_03, cv->cfrom.node, "claim.service_date_from",
		    "claim service start date is after the end date");
	if (cv->cfrom.st == FV_OK && cv->cfrom.day > v->today)
		add(v, R_CORE_DATE_02, cv->cfrom.node, "claim.service_date_from",
		    "claim service start date is in the future");
	if (cv->cto.st == FV_OK && cv->cto.day > v->today)
		add(v, R_CORE_DATE_02, cv->cto.node, "claim.service_date_to",
		    "claim service end date is in the future");
	if (cv->txdate.st == FV_OK) {
		const struct fdate *last = cv->cto.st == FV_OK ? &cv->cto :
		    &cv->cfrom;

		if (last->st == FV_OK && last->day > cv->txdate.day)
			add(v, R_SVC_01, last->node, last == &cv->cto ?
			    "claim.service_date_to" : "claim.service_date_from",
			    "service date is %ld days after the transaction date",
			    last->day - cv->txdate.day);
	}
}

static void
check_patient(struct vrules *v, struct claimview *cv)
{
	static const struct key keys[] = { K("birth_date"), K("last_name"),
	    K("gender") };
	const struct jdoc *d = v->d;
	int m[3];
	struct fdate dob;
	struct fv f;

	pick(d, cv->patient, keys, 3, m);
	dob = getdate(d, m[0]);
	date_problem(v, &dob, R_CORE_DOB_01, R_CORE_DOB_05,
	    "patient.birth_date", "patient date of birth");
	if (dob.st == FV_OK) {
		long ref = cv->cfrom.st == FV_OK ? cv->cfrom.day : v->today;
		struct ckdate b, on;

		if (dob.day > v->today)
			add(v, R_CORE_DOB_02, dob.node, "patient.birth_date",
			    "patient date of birth is in the future");
		/* 130 x 365.25 days, as seed 004 computes it. */
		if ((double)(v->today - dob.day) > 130 * 365.25)
			add(v, R_CORE_DOB_03, dob.node, "patient.birth_date",
			    "patient date of birth is more than 130 years ago");
		if (cv->cfrom.st == FV_OK && dob.day > cv->cfrom.day)
			add(v, R_CORE_DOB_04, dob.node, "patient.birth_date",
			    "patient date of birth is after the claim service "
			    "start date");
		date_from_days(dob.day, &b);
		date_from_days(ref, &on);
		if (date_age(&b, &on) > 124)
			add(v, R_AGE_01, dob.node, "patient.birth_date",
			    "patient is %d years old on the service date",
			    date_age(&b, &on));
	}
	f = getstr(d, m[1]);
	if (f.st != FV_OK)
		add(v, R_PAT_02, m[1], "patient.last_name",
		    "patient last name is %s", f.st == FV_TYPE ?
		    "not a string" : "missing");
	f = getstr(d, m[2]);
	if (!(f.st == FV_OK && f.n == 1 && strchr("FMU", f.s[0]) != NULL))
		add(v, R_PAT_03, m[2], "patient.gender", "patient gender is "
		    "%s", f.st == FV_OK || f.st == FV_TYPE ?
		    "not F, M or U" : "missing");
}

static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

static void
check_billing(struct vrules *v, struct claimview *cv)
{
	static const struct key keys[] = { K("npi"), K("tax_id"),
	    K("tax_id_type") };
	const struct jdoc *d = v->d;
	int m[3];
	struct fv tin, type;

	pick(d, cv->billing, keys, 3, m);
	cv->billing_npi = m[0];
	if (getstr(d, m[0]).st == FV_ABSENT || getstr(d, m[0]).st == FV_BLANK)
		add(v, R_NPI_01, m[0], "billing_provider.npi",
		    "billing provider NPI is missing");
	{
		struct vpath pp = { "billing_provider", NOIDX, NULL };

		check_party(v, cv->billing, &pp, "billing provider", NULL);
	}
	tin = getstr(d, m[1]);
	type = getstr(d, m[2]);
	if (tin.st == FV_ABSENT || tin.st == FV_BLANK)
		add(v, R_TIN_01, m[1], "billing_provider.tax_id",
		    "billing provider tax id is missing");
	else if (tin.st != FV_OK || tin.n != 9 || !all_digits(tin.s, tin.n))
		add(v, R_TIN_02, m[1], "billing_provider.tax_id",
		    "billing provider tax id is not 9 digits");
	else if (!streq(&type, "SY") && memcmp(tin.s, "000000000", 9) == 0)
		add(v, R_TIN_02, m[1], "billing_provider.tax_id",
		    "billing provider EIN is all zeros");
}

static void
check_subscriber(struct vrules *v, struct claimview *cv)
{
	if (cv->member_id.st != FV_OK)
		add(v, R_SUB_01, cv->member_id.node, "subscriber.member_id",
		    "subscriber member id is %s", cv->member_id.st == FV_TYPE ?
		    "not a string" : "missing");
	else if ((streq(&cv->cfi, "MA") || streq(&cv->cfi, "MB")) &&
	    !codefmt_mbi(cv->member_id.s, cv->member_id.n))
		add(v, R_MBI_01, cv->member_id.node, "subscriber.member_id",
		    "Medicare member id is not a valid MBI (11 characters, "
		    "CMS MBI format)");
	if (cv->payer_id.st != FV_OK)
		add(v, R_PAY_01, cv->payer_id.node, "payer.payer_id",
		    "payer id is %s", cv->payer_id.st == FV_TYPE ?
		    "not a string" : "missing");
	else if (v->ref != NULL && vref_have_payers(v->ref) &&
	    vref_payer(v->ref, cv->payer_id.s, cv->payer_id.n) == NULL)
		add(v, R_PAY_02, cv->payer_id.node, "payer.payer_id",
		    "payer id is not in the payer reference data");
}

/* Modifier m present on line l? */
static int
hasmod(const struct vline *l, const char *m)
{
	int i;

	for (i = 0; i < l->nmods; i++)
		if (streq(&l->mods[i], m))
			return 1;
	return 0;
}

static void
read_line(struct vrules *v, struct vline *l, int node, size_t i)
{
	static const struct key keys[] = { K("procedure_code"),
	    K("procedure_qualifier"), K("modifiers"), K("charge"),
	    K("unit_basis"), K("units"), K("place_of_service"),
	    K("diagnosis_pointers"), K("service_date"), K("service_date_end"),
	    K("prior_authorization"), K("providers") };
	const struct jdoc *d = v->d;
	struct vpath lp = { "lines", i, NULL };
	int m[12], c, prov, rend;

	pick(d, node, keys, 12, m);
	l->node = node;
	l->code = getstr(d, m[0]);
	l->qual = getstr(d, m[1]);
	l->mods_node = section(v, m[2], J_ARRAY, &lp, "modifiers");
	l->charge_node = m[3];
	l->basis = getstr(d, m[4]);
	l->units_node = m[5];
	l->pos = getstr(d, m[6]);
	l->ptrs_node = section(v, m[7], J_ARRAY, &lp, "diagnosis_pointers");
	l->from = getdate(d, m[8]);
	l->to = m[9] >= 0 ? getdate(d, m[9]) : l->from;
	l->auth = getstr(d, m[10]);
	l->nmods = 0;
	for (c = jdoc_first(d, l->mods_node); c >= 0 && l->nmods < MAXMODS;
	    c = jdoc_next(d, c))
		l->mods[l->nmods++] = getstr(d, c);
	l->charge_ok = m[3] >= 0 && jdoc_cents(d, m[3], &l->charge) == NULL;
	l->units_ok = 0;
	if (m[5] >= 0 && jdoc_type(d, m[5]) == J_NUMBER) {
		size_t n;
		const char *s = jdoc_raw(d, m[5], &n);
		char tmp[64];

		if (n < sizeof tmp) {
			memcpy(tmp, s, n);
			tmp[n] = '\0';
			l->units = strtod(tmp, NULL);
			l->units_ok = 1;
		} else {
			/* Absurdly long: its sign is all that matters. */
			l->units = s[0] == '-' ? -1 : 1e300;
			l->units_ok = 1;
		}
	}
	prov = section(v, m[11], J_OBJECT, &lp, "providers");
	rend = prov >= 0 ? jdoc_get(d, prov, "rendering") : -1;
	l->rnpi = getstr(d, rend >= 0 && jdoc_type(d, rend) == J_OBJECT ?
	    jdoc_get(d, rend, "npi") : -1);
	if (prov >= 0) {
		int r[6], k;

		pick(d, prov, line_roles, 6, r);
		for (k = 0; k < 6; k++) {
			char role[40];
			struct vpath pp = { "lines", i, role };

			if (r[k] < 0)
				continue;
			snprintf(role, sizeof role, "providers.%s",
			    line_roles[k].name);
			check_party(v, r[k], &pp, line_roles[k].name, NULL);
		}
	}
}

static void
check_line_dates(struct vrules *v, const struct claimview *cv,
    const struct vline *l, size_t i)
{
	int span = cv->cfrom.st == FV_OK;
	long cto = cv->cto.st == FV_OK ? cv->cto.day : cv->cfrom.day;

	if (l->from.st != FV_OK) {
		add(v, R_CORE_LINE_DATE_02, l->from.node,
		    ipath(v, "lines", i, "service_date"),
		    "service line date is %s", l->from.st == FV_BAD ?
		    "not a real calendar date" : "missing");
		return;
	}
	if (l->to.st != FV_OK) {
		add(v, R_CORE_LINE_DATE_02, l->to.node,
		    ipath(v, "lines", i, "service_date_end"),
		    "service line end date is not a real calendar date");
		return;
	}
	if (l->from.day > v->today || l->to.day > v->today)
		add(v, R_CORE_LINE_DATE_03, l->from.day > v->today ?
		    l->from.node : l->to.node, ipath(v, "lines", i,
		    l->from.day > v->today ? "service_date" :
		    "service_date_end"), "service line date is in the future");
	if (l->to.day < l->from.day)
		add(v, R_CORE_LINE_DATE_04, l->to.node,
		    ipath(v, "lines", i, "service_date_end"),
		    "service line end date is before its start date");
	if (span && (l->from.day < cv->cfrom.day || l->to.day > cto))
		add(v, R_CORE_LINE_DATE_05, l->from.day < cv->cfrom.day ?
		    l->from.node : l->to.node, ipath(v, "lines", i,
		    l->from.day < cv->cfrom.day ? "service_date" :
		    "service_date_end"), "service line date is %s the claim's "
		    "service dates", l->from.day < cv->cfrom.day ? "before" :
		    "after");
	if (cv->receipt.st == FV_OK) {
		int limit = v->fc != NULL && v->fc->days_to_file > 0 ?
		    v->fc->days_to_file : v->timely_days;

		if (cv->receipt.day - l->from.day > limit)
			add(v, R_TF_01, l->from.node, ipath(v, "lines", i,
			    "service_date"), "received %ld days after the "
			    "service date; the timely filing limit is %d days",
			    cv->receipt.day - l->from.day, limit);
	}
}

static void
check_line_codes(struct vrules *v, const struct claimview *cv,
    struct vline *l, size_t i)
{
	const struct jdoc *d = v->d;
	int k, j, c, np = 0;
	uint64_t seen = 0;

	/* Procedure code, qualifier, modifiers. */
	if (l->code.st != FV_OK || !codefmt_hcpcs(l->code.s, l->code.n))
		add(v, R_PX_01, l->code.node, ipath(v, "lines", i,
		    "procedure_code"), "procedure code is %s",
		    l->code.st == FV_ABSENT || l->code.st == FV_BLANK ?
		    "missing" : "not in CPT or HCPCS format");
	else if (v->ref != NULL &&
	    vref_hcpcs(v->ref, l->code.s, l->code.n) == 0)
		add(v, R_PX_03, l->code.node, ipath(v, "lines", i,
		    "procedure_code"), "procedure code is not in the "
		    "CPT/HCPCS code list");
	if (!streq(&l->qual, "HC"))
		add(v, R_PX_02, l->qual.node, ipath(v, "lines", i,
		    "procedure_qualifier"), "procedure code qualifier is %s",
		    l->qual.st == FV_OK ? "not HC" : "missing");
	k = 0;
	for (c = jdoc_first(d, l->mods_node); c >= 0; c = jdoc_next(d, c)) {
		struct fv m = getstr(d, c);

		if (m.st != FV_OK || !codefmt_modifier(m.s, m.n))
			add(v, R_MOD_01, c, ipath(v, "lines", i, "modifiers"),
			    "modifier %d is not 2 characters of A-Z and 0-9",
			    k + 1);
		k++;
	}
	if (k > 4)
		add(v, R_MOD_02, l->mods_node, ipath(v, "lines", i,
		    "modifiers"), "service line has %d modifiers; at most 4 "
		    "are allowed", k);
	for (k = 1; k < l->nmods; k++)
		for (j = 0; j < k; j++)
			if (l->mods[k].st == FV_OK && l->mods[j].st == FV_OK &&
			    l->mods[k].n == l->mods[j].n &&
			    memcmp(l->mods[k].s, l->mods[j].s, l->mods[k].n) == 0) {
				add(v, R_MOD_02, l->mods[k].node, ipath(v,
				    "lines", i, "modifiers"), "modifier %d "
				    "repeats modifier %d", k + 1, j + 1);
				j = k;
			}
	if (hasmod(l, "26") && hasmod(l, "TC"))
		add(v, R_MOD_03, l->mods_node, ipath(v, "lines", i,
		    "modifiers"), "modifiers 26 (professional) and TC "
		    "(technical) on the same line");
	if (hasmod(l, "50") && (hasmod(l, "LT") || hasmod(l, "RT")))
		add(v, R_MOD_04, l->mods_node, ipath(v, "lines", i,
		    "modifiers"), "bilateral modifier 50 together with %s",
		    hasmod(l, "LT") ? "LT" : "RT");
	if (hasmod(l, "50") && l->units_ok && l->units != 1.0)
		add(v, R_MOD_05, l->units_node, ipath(v, "lines", i, "units"),
		    "bilateral modifier 50 with units other than 1");
	if ((hasmod(l, "80") || hasmod(l, "81") || hasmod(l, "82") ||
	    hasmod(l, "AS")) && (hasmod(l, "62") || hasmod(l, "66")))
		add(v, R_MOD_06, l->mods_node, ipath(v, "lines", i,
		    "modifiers"), "assistant-at-surgery modifier together "
		    "with co-surgery (62) or team surgery (66)");

	/* Charge and units. */
	if (!l->charge_ok)
		add(v, R_CHG_04, l->charge_node, ipath(v, "lines", i, "charge"),
		    "line charge is %s", l->charge_node < 0 ? "missing" :
		    "not an amount with at most 2 decimals");
	else if (l->charge < 0)
		add(v, R_CHG_05, l->charge_node, ipath(v, "lines", i, "charge"),
		    "line charge is negative");
	else if (l->charge == 0)
		add(v, R_CHG_06, l->charge_node, ipath(v, "lines", i, "charge"),
		    "line charge is zero");
	if (!l->units_ok || !(l->units > 0))
		add(v, R_UNIT_01, l->units_node, ipath(v, "lines", i, "units"),
		    "line units are %s", l->units_node < 0 ? "missing" :
		    !l->units_ok ? "not a number" : "not greater than zero");
	if (!streq(&l->basis, "UN") && !streq(&l->basis, "MJ"))
		add(v, R_UNIT_02, l->basis.node, ipath(v, "lines", i,
		    "unit_basis"), "line unit basis is %s",
		    l->basis.st == FV_OK ? "not UN or MJ" : "missing");
	else if (l->code.st == FV_OK && l->code.n == 5 &&
	    all_digits(l->code.s, 5) && memcmp(l->code.s, "00100", 5) >= 0 &&
	    memcmp(l->code.s, "01999", 5) <= 0 && !streq(&l->basis, "MJ"))
		add(v, R_UNIT_03, l->basis.node, ipath(v, "lines", i,
		    "unit_basis"), "anesthesia line billed in units (UN), "
		    "not in minutes (MJ)");

	/* Place of service: the line's, which overrides the claim's. */
	if (l->pos.st != FV_ABSENT) {
		long day = l->from.st == FV_OK ? l->from.day : v->today;
		int ok = l->pos.st == FV_OK ? codefmt_pos(l->pos.s, l->pos.n,
		    day) : 0;

		if (ok != 1)
			add(v, R_POS_01, l->pos.node, ipath(v, "lines", i,
			    "place_of_service"), "line place of service is %s",
			    ok < 0 ? "not yet in effect on the service date" :
			    "not a CMS place-of-service code");
	}
	{
		struct fv pos = l->pos.st != FV_ABSENT ? l->pos :
		    getstr(d, cv->pos);

		if (streq(&pos, "10") && !hasmod(l, "95") && !hasmod(l, "93"))
			add(v, R_POS_03, l->mods_node, ipath(v, "lines", i,
			    "modifiers"), "telehealth in the patient's home "
			    "(place of service 10) without modifier 95 or 93");
	}

	/* Diagnosis pointers. */
	if (l->ptrs_node < 0 || jdoc_count(d, l->ptrs_node) == 0) {
		add(v, R_PTR_01, l->ptrs_node, ipath(v, "lines", i,
		    "diagnosis_pointers"), "service line has no diagnosis "
		    "pointer");
		return;
	}
	for (c = jdoc_first(d, l->ptrs_node); c >= 0; c = jdoc_next(d, c)) {
		long long p;

		np++;
		if (jdoc_int(d, c, &p) != 0 || p < 1 || p > 63 ||
		    !(v->dxmask >> p & 1)) {
			add(v, R_PTR_02, c, ipath(v, "lines", i,
			    "diagnosis_pointers"), "diagnosis pointer %d does "
			    "not point at a diagnosis of the claim", np);
			continue;
		}
		if (seen >> p & 1)
			add(v, R_PTR_03, c, ipath(v, "lines", i,
			    "diagnosis_pointers"), "diagnosis pointer %lld "
			    "appears twice", p);
		seen |= 1ULL << p;
		/* The principal diagnosis is reported once, by itself. */
		if (np == 1 && (int)p != v->principal) {
			const struct fv *dx = &v->dx[p];

			if (dx->st == FV_OK && strchr("VWXY", dx->s[0]) != NULL)
				add(v, R_DX_08, c, ipath(v, "lines", i,
				    "diagnosis_pointers"), "the line's first "
				    "diagnosis is an external cause code");
		}
	}
	if (np > 4)
		add(v, R_PTR_03, l->ptrs_node, ipath(v, "lines", i,
		    "diagnosis_pointers"), "service line has %d diagnosis "
		    "pointers; at most 4 are allowed", np);
}

static uint64_t
line_key(const struct vrules *v, const struct claimview *cv,
    const struct vline *l)
{
	const struct jdoc *d = v->d;
	struct khash k = { 1469598103934665603ULL };
	int c;

	kh_node(&k, d, l->code.node);
	for (c = jdoc_first(d, l->mods_node); c >= 0; c = jdoc_next(d, c))
		kh_node(&k, d, c);
	kh_add(&k, "|", 1);
	kh_add(&k, &l->from.day, sizeof l->from.day);
	kh_add(&k, &l->to.day, sizeof l->to.day);
	kh_node(&k, d, l->rnpi.st != FV_ABSENT ? l->rnpi.node :
	    cv->rend_npi.node);
	kh_node(&k, d, l->pos.st != FV_ABSENT ? l->pos.node : cv->pos);
	kh_node(&k, d, l->units_node);
	return kh_final(&k);
}

static int
cmp_lkey(const void *a, const void *b)
{
	const struct lkey *x = a, *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void
check_dup_lines(struct vrules *v, const struct claimview *cv)
{
	static const char *exempt[] = { "76", "77", "91", "59", "XE", "XP",
	    "XS", "XU" };
	size_t i, n = 0, e;

	if (!on(v, R_DUP_01) || v->nlines < 2)
		return;
	if (v->lkcap < v->nlines) {
		v->lkcap = v->nlines;
		v->lkeys = xreallocarray(v->lkeys, v->lkcap, sizeof *v->lkeys);
	}
	for (i = 0; i < v->nlines; i++) {
		const struct vline *l = &v->lines[i];
		int skip = l->node < 0 || l->code.st != FV_OK ||
		    l->from.st != FV_OK || l->to.st != FV_OK;

		for (e = 0; !skip && e < sizeof exempt / sizeof exempt[0]; e++)
			skip = hasmod(l, exempt[e]);
		if (skip)
			continue;
		v->lkeys[n].idx = i;
		v->lkeys[n].h = line_key(v, cv, l);
		n++;
	}
	qsort(v->lkeys, n, sizeof *v->lkeys, cmp_lkey);
	for (i = 1; i < n; i++) {
		size_t first = i - 1;

		if (v->lkeys[i].h != v->lkeys[i - 1].h)
			continue;
		while (first > 0 && v->lkeys[first - 1].h == v->lkeys[i].h)
			first--;
		add(v, R_DUP_01, v->lines[v->lkeys[i].idx].code.node,
		    ipath(v, "lines", v->lkeys[i].idx, ""), "service line "
		    "duplicates lines.%lu", v->lkeys[first].idx);
	}
}

static void
check_lines(struct vrules *v, struct claimview *cv)
{
	const struct jdoc *d = v->d;
	size_t i, n = cv->lines >= 0 ? jdoc_count(d, cv->lines) : 0;
	int c, any_auth = 0;
	int64_t sum = 0;
	int sum_ok = 1;

	if (n == 0)
		add(v, R_LINE_01, cv->lines, "lines", "claim has no service "
		    "lines");
	else if (n > 50)
		add(v, R_LINE_02, cv->lines, "lines", "claim has %zu service "
		    "lines; at most 50 are allowed", n);
	if (n > 0 && cv->cfrom.st != FV_OK)
		add(v, R_CORE_LINE_DATE_01, cv->cfrom.node,
		    "claim.service_date_from", "claim has service lines but no "
		    "valid service start date");
	if (v->lcap < n) {
		v->lcap = n;
		v->lines = xreallocarray(v->lines, v->lcap, sizeof *v->lines);
	}
	v->nlines = n;
	for (i = 0, c = jdoc_first(d, cv->lines); c >= 0;
	    i++, c = jdoc_next(d, c)) {
		struct vline *l = &v->lines[i];
		struct vpath lp = { "lines", i, NULL };

		if (section(v, c, J_OBJECT, &lp, NULL) < 0) {
			memset(l, 0, sizeof *l);
			l->node = -1;
			sum_ok = 0;
			continue;
		}
		read_line(v, l, c, i);
		check_line_dates(v, cv, l, i);
		check_line_codes(v, cv, l, i);
		if (l->auth.st == FV_OK)
			any_auth = 1;
		if (l->charge_ok && sum_ok) {
			sum += l->charge;
			if (sum > MONEY_MAX_CENTS || sum < -MONEY_MAX_CENTS)
				sum_ok = 0;
		} else
			sum_ok = 0;
	}
	check_dup_lines(v, cv);

	/* Claim total against the lines. */
	if (cv->total < 0 || jdoc_cents(d, cv->total, &(int64_t){ 0 }) != NULL)
		add(v, R_CHG_01, cv->total, "claim.total_charge",
		    "claim total charge is %s", cv->total < 0 ? "missing" :
		    "not an amount with at most 2 decimals");
	else {
		int64_t total;
		char a[MONEY_FMT_SIZE], b[MONEY_FMT_SIZE];

		jdoc_cents(d, cv->total, &total);
		if (total <= 0)
			add(v, R_CHG_02, cv->total, "claim.total_charge",
			    "claim total charge is not greater than zero");
		if (sum_ok && n > 0 && total != sum)
			add(v, R_CHG_03, cv->total, "claim.total_charge",
			    "claim total charge %s does not equal the sum of "
			    "the line charges %s", money_fmt(a, total),
			    money_fmt(b, sum));
	}
	if (v->fc != NULL && v->fc->requires_auth && !any_auth &&
	    getstr(d, cv->prior_auth).st != FV_OK)
		add(v, R_AUTH_01, cv->prior_auth, "claim.prior_authorization",
		    "financial class requires authorization but the claim has "
		    "no prior authorization number");
}

static void
check_diagnoses(struct vrules *v, struct claimview *cv)
{
	static const struct key keys[] = { K("code"), K("qualifier"),
	    K("sequence") };
	const struct jdoc *d = v->d;
	size_t i, n = cv->diagnoses >= 0 ? jdoc_count(d, cv->diagnoses) : 0;
	int c;

	v->dxmask = 0;
	v->principal = 0;
	if (n == 0)
		add(v, R_DX_01, cv->diagnoses, "diagnoses", "claim has no "
		    "diagnosis code");
	else if (n > 12)
		add(v, R_DX_06, cv->diagnoses, "diagnoses", "claim has %zu "
		    "diagnosis codes; at most 12 are allowed", n);
	for (i = 0, c = jdoc_first(d, cv->diagnoses); c >= 0;
	    i++, c = jdoc_next(d, c)) {
		int m[3];
		long long seq;
		struct fv code, qual;
		size_t j;
		int k;

		struct vpath dp = { "diagnoses", i, NULL };

		if (section(v, c, J_OBJECT, &dp, NULL) < 0)
			continue;
		pick(d, c, keys, 3, m);
		code = getstr(d, m[0]);
		qual = getstr(d, m[1]);
		if (m[2] < 0 || jdoc_int(d, m[2], &seq) != 0)
			seq = (long long)i + 1;
		if (i == 0)
			v->principal = (int)(seq >= 1 && seq <= 63 ? seq : 0);
		if (seq >= 1 && seq <= 63 && !(v->dxmask >> seq & 1)) {
			v->dxmask |= 1ULL << seq;
			v->dx[seq] = code;
		}
		if (code.st != FV_OK || !codefmt_icd10cm(code.s, code.n)) {
			add(v, R_DX_02, m[0], ipath(v, "diagnoses", i, "code"),
			    "diagnosis code is %s", code.st == FV_ABSENT ||
			    code.st == FV_BLANK ? "missing" :
			    "not in ICD-10-CM format");
		} else if (v->ref != NULL) {
			switch (vref_icd10cm(v->ref, code.s, code.n)) {
			case 0:
				add(v, R_DX_03, m[0], ipath(v, "diagnoses", i,
				    "code"), "diagnosis code is not in the "
				    "ICD-10-CM code list");
				break;
			case 2:
				add(v, R_DX_04, m[0], ipath(v, "diagnoses", i,
				    "code"), "diagnosis code is a category "
				    "header, not billable");
				break;
			}
		}
		if (!streq(&qual, i == 0 ? "ABK" : "ABF"))
			add(v, R_DX_05, m[1], ipath(v, "diagnoses", i,
			    "qualifier"), "diagnosis qualifier should be %s",
			    i == 0 ? "ABK (principal)" : "ABF");
		if (i == 0 && code.st == FV_OK &&
		    strchr("VWXY", code.s[0]) != NULL)
			add(v, R_DX_08, m[0], "diagnoses.0.code", "external cause "
			    "code as the principal diagnosis");
		/* Duplicates: compared with the earlier sequences seen. */
		for (k = 1, j = 0; code.st == FV_OK && k < 64 && j < i; k++) {
			const struct fv *o = &v->dx[k];

			if (!(v->dxmask >> k & 1) || (long long)k == seq)
				continue;
			j++;
			if (o->st == FV_OK && o->n == code.n &&
			    memcmp(o->s, code.s, code.n) == 0) {
				add(v, R_DX_07, m[0], ipath(v, "diagnoses", i,
				    "code"), "diagnosis code also appears at "
				    "sequence %d", k);
				break;
			}
		}
	}
}

static void
check_claim_fields(struct vrules *v, struct claimview *cv)
{
	const struct jdoc *d = v->d;
	struct fv f = getstr(d, cv->pan), freq;
	long day;
	int ok;

	if (f.st != FV_OK)
		add(v, R_CORE_PAT_01, cv->pan, "claim.patient_account_number",
		    "patient account number is %s", f.st == FV_TYPE ?
		    "not a string" : "missing or blank");
	freq = getstr(d, cv->freq);
	if (!streq(&freq, "1") && !streq(&freq, "7") && !streq(&freq, "8"))
		add(v, R_FREQ_01, cv->freq, "claim.frequency_code",
		    "claim frequency code is %s", freq.st == FV_OK ?
		    "not 1, 7 or 8" : "missing");
	else if (!streq(&freq, "1") && getstr(d, cv->origref).st != FV_OK)
		add(v, R_FREQ_02, cv->origref, "claim.original_reference",
		    "%s claim has no original claim reference (REF F8)",
		    streq(&freq, "7") ? "replacement" : "void");
	f = getstr(d, cv->pos);
	day = cv->cfrom.st == FV_OK ? cv->cfrom.day : v->today;
	ok = f.st == FV_OK ? codefmt_pos(f.s, f.n, day) : 0;
	if (ok != 1)
		add(v, R_POS_01, cv->pos, "claim.place_of_service",
		    "place of service is %s", f.st != FV_OK && f.st != FV_TYPE ?
		    "missing" : ok < 0 ? "not yet in effect on the service "
		    "date" : "not a CMS place-of-service code");
	f = getstr(d, cv->fqual);
	if (!streq(&f, "B"))
		add(v, R_POS_02, cv->fqual, "claim.facility_code_qualifier",
		    "facility code qualifier is %s", f.st == FV_OK ?
		    "not B" : "missing");
}

static void
check_dup_claim(struct vrules *v, struct claimview *cv, unsigned long recno)
{
	static const struct key pk[] = { K("last_name"), K("first_name"),
	    K("birth_date") };
	const struct jdoc *d = v->d;
	struct khash k = { 1469598103934665603ULL };
	struct fv freq = getstr(d, cv->freq);
	int m[3], c;
	uint32_t prev;
	size_t i;

	if (!on(v, R_DUP_02) || streq(&freq, "7") || streq(&freq, "8"))
		return;
	kh_node(&k, d, cv->payer_id.node);
	kh_node(&k, d, cv->billing_npi);
	kh_node(&k, d, jdoc_get(d, cv->billing, "tax_id"));
	kh_node(&k, d, cv->member_id.node);
	pick(d, cv->patient, pk, 3, m);
	kh_node(&k, d, m[0]);
	kh_node(&k, d, m[1]);
	kh_node(&k, d, m[2]);
	kh_node(&k, d, cv->rend_npi.node);
	kh_node(&k, d, cv->from);
	kh_node(&k, d, cv->to);
	kh_cents(&k, d, cv->total);
	for (i = 0; i < v->nlines; i++) {
		const struct vline *l = &v->lines[i];

		if (l->node < 0) {
			kh_add(&k, "-", 1);
			continue;
		}
		kh_node(&k, d, l->code.node);
		for (c = jdoc_first(d, l->mods_node); c >= 0; c = jdoc_next(d, c))
			kh_node(&k, d, c);
		kh_add(&k, "|", 1);
		kh_node(&k, d, l->from.node);
		kh_node(&k, d, l->to.node);
		kh_node(&k, d, l->units_node);
		kh_cents(&k, d, l->charge_node);
	}
	prev = dup_seen(&v->dups, kh_final(&k), recno > UINT32_MAX ?
	    UINT32_MAX : (uint32_t)recno);
	if (prev != 0)
		add(v, R_DUP_02, cv->claim_id, "claim_id", "duplicate of the "
		    "claim in input record %lu of this run",
		    (unsigned long)prev);
}

/* Write value text: the record's own bytes, shortened when huge. */
static void
write_value(struct jw *w, const struct jdoc *d, int node)
{
	size_t n, cut;
	const char *s;

	switch (jdoc_type(d, node)) {
	case J_OBJECT:
	case J_ARRAY:
		return;
	default:
		break;
	}
	s = jdoc_raw(d, node, &n);
	jw_key(w, "value");
	if (n <= 100) {
		jw_raw(w, s, n);
		return;
	}
	if (jdoc_type(d, node) == J_STRING) {
		s = jdoc_str(d, node, &n);
		if (n <= 64) {
			jw_strn(w, s, n);
			return;
		}
	}
	/* Cut at a character boundary and mark the cut. */
	cut = 64;
	while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	{
		char tmp[80];

		memcpy(tmp, s, cut);
		memcpy(tmp + cut, "...", 3);
		jw_strn(w, tmp, cut + 3);
	}
}

static enum vstatus
write_section(struct vrules *v, struct buf *out)
{
	struct jw w;
	size_t i, nerr = 0, nwarn = 0, ninfo = 0;
	enum vstatus st;

	for (i = 0; i < v->nf; i++) {
		if (v->f[i].sev == VSEV_ERROR)
			nerr++;
		else if (v->f[i].sev == VSEV_WARNING)
			nwarn++;
		else
			ninfo++;
	}
	st = nerr ? VSTATUS_FAIL : nwarn ? VSTATUS_WARN : VSTATUS_PASS;
	buf_reset(out);
	jw_init(&w, out);
	jw_obj(&w);
	jw_kstr(&w, "status", vstatus_name(st));
	jw_kint(&w, "errors", (long long)nerr);
	jw_kint(&w, "warnings", (long long)nwarn);
	if (ninfo)
		jw_kint(&w, "infos", (long long)ninfo);
	if (v->fac != NULL)
		jw_kstr(&w, "facility_id", v->fac->id);
	if (v->fc != NULL)
		jw_kstr(&w, "financial_class_id", v->fc->id);
	jw_key(&w, "findings");
	jw_arr(&w);
	for (i = 0; i < v->nf; i++) {
		const struct vfind *f = &v->f[i];

		jw_obj(&w);
		jw_kstr(&w, "rule", catalogue[f->rule].code);
		jw_kstr(&w, "severity", vsev_name(f->sev));
		jw_kstr(&w, "field", v->arena.s + f->path);
		jw_kstr(&w, "message", v->arena.s + f->msg);
		if (f->vstr >= 0)
			jw_kstr(&w, "value", v->arena.s + f->vstr);
		else if (f->vnode >= 0)
			write_value(&w, v->d, f->vnode);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	return st;
}

enum vstatus
vrules_check(struct vrules *v, const struct jdoc *d, unsigned long recno,
    struct buf *out)
{
	static const struct key rootkeys[] = { K("claim_id"),
	    K("facility_id"), K("financial_class_id"), K("source"),
	    K("billing_provider"), K("subscriber"), K("payer"), K("patient"),
	    K("claim"), K("diagnoses"), K("providers"), K("lines") };
	static const struct key claimkeys[] = {
	    K("patient_account_number"), K("total_charge"),
	    K("place_of_service"), K("facility_code_qualifier"),
	    K("frequency_code"), K("original_reference"),
	    K("service_date_from"), K("service_date_to"),
	    K("prior_authorization") };
	static const struct key subkeys[] = { K("claim_filing_indicator"),
	    K("member_id") };
	static const struct key srckeys[] = { K("transaction_date"),
	    K("interchange_date") };
	struct claimview cv;
	int m[12], i;

	v->d = d;
	v->nf = 0;
	v->nlines = 0;
	buf_reset(&v->arena);
	memset(&cv, 0, sizeof cv);

	pick(d, 0, rootkeys, 12, m);
	cv.claim_id = m[0];
	cv.facility_id = m[1];
	cv.fclass_id = m[2];
	cv.source = rootsec(v, m[3], J_OBJECT, "source");
	cv.billing = rootsec(v, m[4], J_OBJECT, "billing_provider");
	cv.subscriber = rootsec(v, m[5], J_OBJECT, "subscriber");
	cv.payer = rootsec(v, m[6], J_OBJECT, "payer");
	cv.patient = rootsec(v, m[7], J_OBJECT, "patient");
	cv.claim = m[8];		/* the caller made sure it is an object */
	cv.diagnoses = rootsec(v, m[9], J_ARRAY, "diagnoses");
	cv.providers = rootsec(v, m[10], J_OBJECT, "providers");
	cv.lines = rootsec(v, m[11], J_ARRAY, "lines");

	pick(d, cv.claim, claimkeys, 9, m);
	cv.pan = m[0];
	cv.total = m[1];
	cv.pos = m[2];
	cv.fqual = m[3];
	cv.freq = m[4];
	cv.origref = m[5];
	cv.from = m[6];
	cv.to = m[7];
	cv.prior_auth = m[8];
	cv.cfrom = getdate(d, m[6]);
	cv.cto = getdate(d, m[7]);

	pick(d, cv.subscriber, subkeys, 2, m);
	cv.cfi = getstr(d, m[0]);
	cv.member_id = getstr(d, m[1]);
	cv.payer_id = getstr(d, jdoc_get(d, cv.payer, "payer_id"));
	if (cv.payer < 0)
		cv.payer_id.node = -1;

	pick(d, cv.source, srckeys, 2, m);
	cv.txdate = getdate(d, m[0]);
	cv.receipt = cv.txdate.st == FV_OK ? cv.txdate : getdate(d, m[1]);
	if (cv.receipt.st != FV_OK) {
		cv.receipt.st = FV_OK;
		cv.receipt.day = v->today;
	}

	check_billing(v, &cv);
	if (cv.providers >= 0) {
		int r[4];

		pick(d, cv.providers, claim_roles, 4, r);
		for (i = 0; i < 4; i++) {
			struct vpath pp = { "providers", NOIDX,
			    claim_roles[i].name };

			if (r[i] < 0)
				continue;
			check_party(v, r[i], &pp, claim_roles[i].name,
			    i == 1 ? &cv.rend_npi : NULL);
		}
	}
	if (cv.rend_npi.st == FV_ABSENT)
		cv.rend_npi.node = -1;
	check_facility(v, &cv);
	check_fclass(v, &cv);
	check_claim_fields(v, &cv);
	check_claim_dates(v, &cv);
	check_patient(v, &cv);
	check_subscriber(v, &cv);
	check_diagnoses(v, &cv);
	check_lines(v, &cv);
	check_dup_claim(v, &cv, recno);
	return write_section(v, out);
}

size_t
vrules_nfindings(const struct vrules *v)
{
	return v->nf;
}

const char *
vrules_finding_code(const struct vrules *v, size_t i)
{
	return catalogue[v->f[i].rule].code;
}

enum vsev
vrules_finding_severity(const struct vrules *v, size_t i)
{
	return v->f[i].sev;
}

const char *
vrules_finding_message(const struct vrules *v, size_t i)
{
	return v->arena.s + v->f[i].msg;
}

const char *
vrules_finding_field(const struct vrules *v, size_t i)
{
	return v->arena.s + v->f[i].path;
}
