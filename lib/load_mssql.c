/*
 * load_mssql: the SQL Server production backend of claims-load (load.h,
 * claims-load(1) "SQL SERVER").
 *
 * One batch of records is one transaction, sent as ONE request:
 *
 *	BEGIN TRANSACTION; SELECT ... WITH (UPDLOCK, HOLDLOCK) the batch's
 *	claim ids already in dbo.Claims and dbo.FailedClaimDetails;
 *	INSERT ... SELECT FROM (VALUES ...) AS v (...) WHERE NOT EXISTS (...)
 *	into dbo.Claims, dbo.Cms1500LineItems, dbo.Cms1500Diagnoses,
 *	dbo.FailedClaimDetails; COMMIT TRANSACTION
 *
 * and every row count SQL Server reports is then checked against the rows
 * sent.  The locks taken by the SELECT keep a concurrent loader from
 * inserting the same claims before the INSERTs, so the counts are exact;
 * XACT_ABORT ON makes any error roll the whole transaction back.  Each new
 * connection first gets one setup request (session options, a check that
 * the client character set really is UTF-8, the schema version), and the
 * reference ids a batch names are looked up once per run (lookup_refs).
 *
 * A claim already present is written again by nobody: the NOT EXISTS keeps
 * a replay from inserting twice, and the SELECT tells which records were
 * there before (LOAD_DUPLICATE) so that the expected counts are exact.
 *
 * Why SQL batches and not bulk copy (blk_*): see mssql.h.  All values are
 * literals in the SQL text, which libtds converts to UCS-2 as a whole:
 * NVARCHAR data keeps its accents, dates travel as 'YYYY-MM-DD' strings
 * converted by the server into DATE columns, and amounts as exact decimal
 * literals built from integer cents.
 *
 * Records: validation.status pass or warn -> dbo.Claims with its lines and
 * diagnoses; fail -> dbo.FailedClaimDetails (outcome LOAD_REJECTED, code
 * validation_failed: the claim is not in production, its staging row is
 * marked failed); no validation section -> LOAD_REJECTED not_validated,
 * written nowhere.  A record the database cannot take (a value too long
 * for its column, an unknown facility...) goes to dbo.FailedClaimDetails
 * with a LOAD_ or MSSQL_ error code; the rest of the batch still loads.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "claimkit/buf.h"
#include "claimkit/conf.h"
#include "claimkit/date.h"
#include "claimkit/diag.h"
#include "claimkit/json.h"
#include "claimkit/load.h"
#include "claimkit/money.h"
#include "claimkit/mssql.h"
#include "claimkit/seal.h"
#include "claimkit/xalloc.h"

/* SQL Server allows 1000 rows in a VALUES list of an INSERT; keep every
 * statement (and IN list) within that. */
#define MAX_ROWS	1000

enum ctype { T_NSTR, T_CHAR, T_NMAX, T_DATE, T_INT, T_BIGINT, T_DEC, T_BIT };

struct colspec {
	const char	*name;
	enum ctype	 type;
	int		 p, s;		/* NSTR/CHAR width; DEC precision, scale */
	long		 lo, hi;	/* INT range checked here (CHECKs) */
};

#define NS(n, w)	{ n, T_NSTR, w, 0, 0, 0 }
#define CH(n, w)	{ n, T_CHAR, w, 0, 0, 0 }
#define NMAX(n)		{ n, T_NMAX, 0, 0, 0, 0 }
#define DT(n)		{ n, T_DATE, 0, 0, 0, 0 }
#define INT(n)		{ n, T_INT, 0, 0, -2147483647L - 1, 2147483647L }
#define INTR(n, a, b)	{ n, T_INT, 0, 0, a, b }
#define BIG(n)		{ n, T_BIGINT, 0, 0, 0, 0 }
#define DEC(n, p, s)	{ n, T_DEC, p, s, 0, 0 }
#define BIT(n)		{ n, T_BIT, 0, 0, 0, 0 }

/* Column order of the INSERTs; must match sql/sqlserver/install.sql. */
static const struct colspec claim_cols[] = {
	NS("ClaimId", 50), DT("ServiceDate"), DT("ServiceDateTo"),
	NS("FacilityId", 50), INT("DepartmentId"), NS("FinancialClassId", 50),
	NS("PatientId", 80), NS("PatientLastName", 60),
	NS("PatientFirstName", 35), INTR("PatientAge", 0, 200),
	DT("PatientDob"), CH("PatientSex", 1), NS("PatientAccountNumber", 50),
	NS("ProviderId", 80), NS("ProviderType", 100),
	NS("BillingProviderName", 100), NS("RenderingProviderNpi", 80),
	NS("PlaceOfService", 10), DEC("TotalChargeAmount", 12, 2),
	DEC("TotalClaimCharges", 12, 2), NS("ClaimFilingIndicator", 2),
	NS("PayerName", 100), NS("PayerId", 80), NS("PrimaryInsuranceId", 80),
	NS("SecondaryInsuranceId", 80), NS("ProcessingStatus", 30),
	NMAX("ClaimData"), NS("ClaimDataKeyId", 16), NS("ValidationStatus", 30),
	NMAX("ValidationResults"), DEC("ReimbursementAmount", 12, 2),
	DEC("AllowedAmount", 12, 2), NS("PricingStatus", 30),
	NS("PredictedFilter", 50), DEC("PredictionConfidence", 5, 4),
	BIG("StagingClaimId"), NS("CreatedBy", 100), NS("UpdatedBy", 100),
};

static const struct colspec line_cols[] = {
	NS("ClaimId", 50), DT("ClaimServiceDate"), INTR("LineNumber", 1, 99),
	DT("ServiceDateFrom"), DT("ServiceDateTo"), NS("PlaceOfServiceCode", 2),
	CH("EmergencyIndicator", 1), NS("ProcedureQualifier", 2),
	NS("CptCode", 48), NS("Modifier1", 2), NS("Modifier2", 2),
	NS("Modifier3", 2), NS("Modifier4", 2), NS("DiagnosisPointers", 20),
	DEC("LineChargeAmount", 12, 2), DEC("Units", 15, 3),
	NS("UnitBasis", 2), CH("EpsdtFamilyPlan", 1),
	NS("RenderingProviderIdQualifier", 2), NS("RenderingProviderId", 80),
	NS("NdcCode", 48), DEC("ReimbursementAmount", 12, 2),
	DEC("AllowedAmount", 12, 2), NS("PricingStatus", 30),
};

static const struct colspec diag_cols[] = {
	NS("ClaimId", 50), DT("ClaimServiceDate"),
	INTR("DiagnosisSequence", 1, 12), NS("DiagnosisQualifier", 3),
	NS("IcdCode", 10), NS("IcdCodeType", 10), BIT("IsPrimary"),
};

static const struct colspec failed_cols[] = {
	NS("OriginalClaimId", 50), DT("OriginalClaimServiceDate"),
	NS("StagingClaimId", 50), NS("FacilityId", 50),
	NS("PatientAccountNumber", 50), DT("ServiceDate"),
	NS("ProcessingStage", 100), NMAX("ErrorCodes"), NMAX("ErrorMessages"),
	NMAX("ClaimDataSnapshot"), NS("EncryptionKeyId", 16),
};

enum table { TB_CLAIMS, TB_LINES, TB_DIAGS, TB_FAILED, NTABLES };

struct tablespec {
	const char		*name;	/* schema-qualified */
	const char		*shortname;
	const struct colspec	*cols;
	size_t			 ncols;
	const char		*key;	/* NOT EXISTS condition */
};

#define NELEM(a)	(sizeof (a) / sizeof (a)[0])

static const struct tablespec tables[NTABLES] = {
	{ "dbo.Claims", "Claims", claim_cols, NELEM(claim_cols),
	    "t.ClaimId = v.ClaimId" },
	{ "dbo.Cms1500LineItems", "Cms1500LineItems", line_cols,
	    NELEM(line_cols), "t.ClaimId = v.ClaimId AND t.ClaimServiceDate = "
	    "v.ClaimServiceDate AND t.LineNumber = v.LineNumber" },
	{ "dbo.Cms1500Diagnoses", "Cms1500Diagnoses", diag_cols,
	    NELEM(diag_cols), "t.ClaimId = v.ClaimId AND t.ClaimServiceDate = "
	    "v.ClaimServiceDate AND t.DiagnosisSequence = v.DiagnosisSequence" },
	{ "dbo.FailedClaimDetails", "FailedClaimDetails", failed_cols,
	    NELEM(failed_cols), "t.OriginalClaimId = v.OriginalClaimId" },
};

/*
 * Session settings for every new connection, and two checks: the client
 * character set really is UTF-8 (U+00E9 arrives as one character, 233;
 * see mssql.c utf8_connect), and the schema is installed.  DB-Library and ct-lib
 * logins start with ANSI_WARNINGS and ARITHABORT OFF, and then SQL Server
 * silently truncates an over-long string and turns an overflowing amount
 * into NULL instead of failing the statement; XACT_ABORT makes any error
 * roll back the whole transaction.
 */
static const char session_sql[] =
    "SET XACT_ABORT ON;\n"
    "SET ANSI_NULLS ON;\n"
    "SET ANSI_WARNINGS ON;\n"
    "SET ARITHABORT ON;\n"
    "SET CONCAT_NULL_YIELDS_NULL ON;\n"
    "SET QUOTED_IDENTIFIER ON;\n"
    "SET ANSI_PADDING ON;\n"
    "SET NUMERIC_ROUNDABORT OFF;\n"
    "SET NOCOUNT OFF;\n"
    "SELECT UNICODE(N'\xc3\xa9');\n"
    "SELECT Version FROM dbo.SchemaVersion WHERE Version = 1;\n";

enum pkind {
	P_CLAIM,	/* to dbo.Claims + lines + diagnoses */
	P_FAILED,	/* to dbo.FailedClaimDetails */
	P_REJECT,	/* nowhere: LOAD_REJECTED with code and reason */
	P_DUP		/* same claim_id earlier in this batch */
};

struct prep {
	enum pkind	 kind;
	struct buf	 claim, lines, diags, failed;	/* VALUES rows */
	size_t		 nlines, ndiags;
	int		 exists;	/* already in the database */
	size_t		 first;		/* P_DUP: index of the first one */
	const char	*code;		/* P_FAILED / P_REJECT */
	char		 reason[160];
};

enum skind { S_SELECT, S_INSERT, S_LOOKUP };

/*
 * The reference tables dbo.Claims points to.  Their ids are looked up once
 * per run (lookup_refs), so that a claim naming an unknown facility fails
 * here with a clear code instead of failing its whole batch with error
 * 547 and sending it through bisection.
 */
enum ref { REF_FACILITY, REF_CLASS, REF_DEPARTMENT, NREFS };

static const struct refspec {
	const char	*table, *column, *code, *what;
	int		 numeric;
} refs[NREFS] = {
	{ "dbo.Facilities", "FacilityId", "LOAD_UNKNOWN_FACILITY",
	    "Claims.FacilityId - not in dbo.Facilities", 0 },
	{ "dbo.FinancialClasses", "FinancialClassId",
	    "LOAD_UNKNOWN_FINANCIAL_CLASS",
	    "Claims.FinancialClassId - not in dbo.FinancialClasses", 0 },
	{ "dbo.ClinicalDepartments", "DepartmentId",
	    "LOAD_UNKNOWN_DEPARTMENT",
	    "Claims.DepartmentId - not in dbo.ClinicalDepartments", 1 },
};

/*
 * A sorted set of strings (reference tables are small), compared without
 * regard to ASCII case as SQL Server's default collations compare them.
 */
struct idset {
	char	**v;
	size_t	  n, cap;
};

struct stmt {
	enum skind	 kind;
	enum table	 table;
	enum ref	 ref;		/* S_LOOKUP */
	size_t		 a, b;		/* members c->sidx[a..b) */
};

struct mctx {
	struct mssql_target	 target;
	struct mssql_conf	 conf;
	char			*password;
	struct seal_key		 key;
	struct mssql		*m;
	int			 fresh;		/* setup request not sent yet */
	int			 claim_data;	/* store records in ClaimData */
	int			 mask_ids;	/* mask patient and member ids */
	/* reference ids already looked up in this run (see lookup_refs) */
	struct idset		 known[NREFS], missing[NREFS];
	const struct load_opts	*opts;
	char			 loaded_by[101];
	const char		**safe;		/* names errors may show */
	/* per batch */
	struct prep		*prep;
	size_t			 nprep;
	size_t			*order;		/* indices sorted by claim_id */
	size_t			*sidx;		/* statement members */
	size_t			 nsidx, capsidx;
	struct stmt		*stmts;
	size_t			 nstmts, capstmts;
	struct load_record	*recs;
	size_t			 n;
	struct buf		 sql, tmp, env;
	struct mssql_result	 res;
	/* totals, for CLAIMKIT_MSSQL_STATS */
	unsigned long		 requests, connections, trials;
	unsigned long long	 sqlbytes;
};

static size_t
idset_pos(const struct idset *s, const char *id, int *found)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int k = strcasecmp(s->v[mid], id);

		if (k == 0) {
			*found = 1;
			return mid;
		}
		if (k < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

static int
idset_has(const struct idset *s, const char *id)
{
	int found;

	idset_pos(s, id, &found);
	return found;
}

static void
idset_add(struct idset *s, const char *id)
{
	int found;
	size_t at = idset_pos(s, id, &found);

	if (found)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 32;
		s->v = xreallocarray(s->v, s->cap, sizeof *s->v);
	}
	memmove(s->v + at + 1, s->v + at, (s->n - at) * sizeof *s->v);
	s->v[at] = xstrdup(id);
	s->n++;
}

static void
idset_free(struct idset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------ values -- */

/* Building one VALUES row; the first problem is kept for the record. */
struct row {
	struct buf		*b;
	const struct tablespec	*t;
	size_t			 col;
	const char		*code;
	char			 why[160];
};

static void
row_begin(struct row *r, struct buf *b, enum table t)
{
	r->b = b;
	r->t = &tables[t];
	r->col = 0;
	r->code = NULL;
	r->why[0] = '\0';
	if (b->len > 0)
		buf_addc(b, ',');
	buf_addc(b, '(');
}

static const struct colspec *
row_col(struct row *r, int t1, int t2)
{
	const struct colspec *c;

	if (r->col >= r->t->ncols)
		diag_fatal(CK_EX_SOFTWARE, "mssql: too many values for %s",
		    r->t->name);
	c = &r->t->cols[r->col];
	if ((int)c->type != t1 && (int)c->type != t2)
		diag_fatal(CK_EX_SOFTWARE, "mssql: %s.%s: wrong value type",
		    r->t->name, c->name);
	if (r->col++ > 0)
		buf_addc(r->b, ',');
	return c;
}

/* Note a problem with column c ("Claims.PatientSex - not M, F or U"). */
static void
row_bad(struct row *r, const struct colspec *c, const char *code,
    const char *what)
{
	if (r->code != NULL)
		return;
	r->code = code;
	snprintf(r->why, sizeof r->why, "%s.%s - %s", r->t->shortname,
	    c->name, what);
}

/* The same for the column written last. */
static void
row_flag(struct row *r, const char *code, const char *what)
{
	row_bad(r, &r->t->cols[r->col - 1], code, what);
}

static int
row_end(struct row *r)
{
	if (r->col != r->t->ncols)
		diag_fatal(CK_EX_SOFTWARE, "mssql: %s: %zu values for %zu "
		    "columns", r->t->name, r->col, r->t->ncols);
	buf_addc(r->b, ')');
	return r->code == NULL ? 0 : -1;
}

/*
 * NULL.  A DATE column gets a typed NULL: in a VALUES list a column of
 * nothing but NULLs has type int, and int does not convert to date (error
 * 206, "Operand type clash"), so a batch whose claims all lack, say, a
 * ServiceDateTo would fail as a whole.
 */
static void
put_null(struct row *r)
{
	const struct colspec *c = &r->t->cols[r->col];

	row_col(r, (int)c->type, (int)c->type);
	buf_adds(r->b, c->type == T_DATE ? "CAST(NULL AS DATE)" : "NULL");
}

/* prefix, then s[0..n) with every quote doubled, then a quote. */
static void
add_quoted(struct buf *b, const char *prefix, const char *s, size_t n)
{
	const char *end = s + n, *q;

	buf_adds(b, prefix);
	while ((q = memchr(s, '\'', (size_t)(end - s))) != NULL) {
		buf_add(b, s, (size_t)(q - s) + 1);
		buf_addc(b, '\'');
		s = q + 1;
	}
	buf_add(b, s, (size_t)(end - s));
	buf_addc(b, '\'');
}

/*
 * A string as N'...' (or '...' for CHAR).  The length a column counts is
 * in UTF-16 code units: a character outside the BMP takes two.
 */
static void
put_strn(struct row *r, const char *s, size_t n)
{
	const struct colspec *c;
	size_t i, units = 0;
	int ascii = 1;

	if (s == NULL) {
		put_null(r);
		return;
	}
	c = row_col(r, T_NSTR, T_CHAR);
	for (i = 0; i < n; i++) {
		unsigned char u = (unsigned char)s[i];

		if (u == 0) {
			row_bad(r, c, "LOAD_INVALID_TEXT",
			    "contains a NUL character");
			break;
		}
		if (u >= 0x80)
			ascii = 0;
		if ((u & 0xc0) != 0x80)
			units += u >= 0xf0 ? 2 : 1;
	}
	if (c->type == T_CHAR && !ascii)
		row_bad(r, c, "LOAD_INVALID_TEXT", "not plain ASCII");
	if (units > (size_t)c->p) {
		char w[48];

		snprintf(w, sizeof w, "longer than %d characters", c->p);
		row_bad(r, c, "LOAD_VALUE_TOO_LONG", w);
	}
	add_quoted(r->b, c->type == T_CHAR ? "'" : "N'", s, n);
}

static void
put_str(struct row *r, const char *s)
{
	put_strn(r, s, s ? strlen(s) : 0);
}

/* NVARCHAR(MAX): no width to check. */
static void
put_maxn(struct row *r, const char *s, size_t n)
{
	const struct colspec *c;

	if (s == NULL) {
		put_null(r);
		return;
	}
	c = row_col(r, T_NMAX, T_NMAX);
	if (memchr(s, '\0', n) != NULL)
		row_bad(r, c, "LOAD_INVALID_TEXT", "contains a NUL character");
	add_quoted(r->b, "N'", s, n);
}

static void
put_date(struct row *r, const char *s, size_t n)
{
	const struct colspec *c;
	struct ckdate d;
	char out[11];

	if (s == NULL) {
		put_null(r);
		return;
	}
	c = row_col(r, T_DATE, T_DATE);
	if (date_parse_iso(s, n, &d) != 0 || d.y < 1 || d.y > 9999) {
		row_bad(r, c, "LOAD_INVALID_DATE", "not a date YYYY-MM-DD");
		buf_adds(r->b, "CAST(NULL AS DATE)");
		return;
	}
	buf_addc(r->b, '\'');
	buf_adds(r->b, date_fmt(out, &d));
	buf_addc(r->b, '\'');
}

static void
put_int(struct row *r, long long v)
{
	const struct colspec *c = row_col(r, T_INT, T_BIGINT);

	if (c->type == T_INT && (v < c->lo || v > c->hi)) {
		char w[64];

		snprintf(w, sizeof w, "out of range %ld to %ld: %lld", c->lo,
		    c->hi, v);
		row_bad(r, c, "LOAD_VALUE_OUT_OF_RANGE", w);
	}
	buf_addi(r->b, v);
}

static void
put_bit(struct row *r, int v)
{
	row_col(r, T_BIT, T_BIT);
	buf_addc(r->b, v ? '1' : '0');
}

/*
 * A decimal from its text (a JSON number), exactly: digits are copied, a
 * fraction longer than the column's scale is an error unless round is
 * set (then half up), and too many integer digits are an error.
 */
static void
put_dectext(struct row *r, const char *s, size_t n, int round)
{
	const struct colspec *c;
	char ip[64], fp[64];
	size_t i = 0, ni = 0, nf = 0, k;
	int neg = 0;

	if (s == NULL) {
		put_null(r);
		return;
	}
	c = row_col(r, T_DEC, T_DEC);
	if (i < n && s[i] == '-') {
		neg = 1;
		i++;
	}
	while (i < n && isdigit((unsigned char)s[i]) && ni < sizeof ip - 1)
		ip[ni++] = s[i++];
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && isdigit((unsigned char)s[i]) &&
		    nf < sizeof fp - 1)
			fp[nf++] = s[i++];
		if (nf == 0)
			ni = 0;
	}
	if (i != n || ni == 0) {
		row_bad(r, c, "LOAD_INVALID_NUMBER",
		    "not a plain decimal number");
		buf_adds(r->b, "NULL");
		return;
	}
	if ((int)nf > c->s) {
		if (!round) {
			char w[48];

			snprintf(w, sizeof w, "more than %d decimal places",
			    c->s);
			row_bad(r, c, "LOAD_VALUE_OUT_OF_RANGE", w);
			buf_adds(r->b, "NULL");
			return;
		}
		/* Half up on the digit after the scale, with carry. */
		if (fp[c->s] >= '5') {
			int carry = 1;

			for (k = (size_t)c->s; k-- > 0 && carry;) {
				fp[k] = (char)(fp[k] == '9' ? '0' : fp[k] + 1);
				carry = fp[k] == '0';
			}
			for (k = ni; k-- > 0 && carry;) {
				ip[k] = (char)(ip[k] == '9' ? '0' : ip[k] + 1);
				carry = ip[k] == '0';
			}
			if (carry) {
				memmove(ip + 1, ip, ni);
				ip[0] = '1';
				ni++;
			}
		}
		nf = (size_t)c->s;
	}
	/* Leading zeros do not count against the precision. */
	for (k = 0; k + 1 < ni && ip[k] == '0'; k++)
		;
	if ((int)(ni - k) > c->p - c->s) {
		char w[48];

		snprintf(w, sizeof w, "more than %d digits before the point",
		    c->p - c->s);
		row_bad(r, c, "LOAD_VALUE_OUT_OF_RANGE", w);
		buf_adds(r->b, "NULL");
		return;
	}
	if (neg)
		buf_addc(r->b, '-');
	buf_add(r->b, ip + k, ni - k);
	if (c->s > 0) {
		buf_addc(r->b, '.');
		buf_add(r->b, fp, nf);
		for (; (int)nf < c->s; nf++)
			buf_addc(r->b, '0');
	}
}

static void
put_cents(struct row *r, int64_t cents)
{
	char m[MONEY_FMT_SIZE];

	money_fmt(m, cents);
	put_dectext(r, m, strlen(m), 0);
}

/* --------------------------------------------------------- record data -- */

static const char *
pstr(const struct jdoc *d, int node, const char *path)
{
	const char *s = jdoc_pstr(d, node, path);

	return s != NULL && *s != '\0' ? s : NULL;
}

static const char *
pstrn(const struct jdoc *d, int node, const char *path, size_t *n)
{
	int x = jdoc_path(d, node, path);
	const char *s;

	if (x < 0 || (s = jdoc_str(d, x, n)) == NULL || *n == 0)
		return NULL;
	return s;
}

/* Integer at path: 1 and *v, 0 when absent, -1 when not an integer. */
static int
pint(const struct jdoc *d, int node, const char *path, long long *v)
{
	int x = jdoc_path(d, node, path);
	const char *s;
	size_t n, i;

	if (x < 0 || jdoc_type(d, x) == J_NULL)
		return 0;
	if (jdoc_type(d, x) == J_STRING) {
		/* staging ids may come as text */
		if ((s = jdoc_str(d, x, &n)) == NULL || n == 0 || n > 18)
			return -1;
		for (i = 0, *v = 0; i < n; i++) {
			if (!isdigit((unsigned char)s[i]))
				return -1;
			*v = *v * 10 + (s[i] - '0');
		}
		return 1;
	}
	return jdoc_int(d, x, v) == 0 ? 1 : -1;
}

/* Money at path: 1 and *c, 0 absent, -1 malformed. */
static int
pcents(const struct jdoc *d, int node, const char *path, int64_t *c)
{
	int x = jdoc_path(d, node, path);

	if (x < 0 || jdoc_type(d, x) == J_NULL)
		return 0;
	return jdoc_cents(d, x, c) == NULL ? 1 : -1;
}

static void
put_pcents(struct row *r, const struct jdoc *d, int node, const char *path)
{
	int64_t c;

	switch (pcents(d, node, path, &c)) {
	case 1:
		put_cents(r, c);
		break;
	case 0:
		put_null(r);
		break;
	default:
		put_null(r);
		row_flag(r, "LOAD_INVALID_NUMBER", "not an amount");
	}
}

/* The number's text at path (JSON number or numeric string), or NULL. */
static const char *
pnumtext(const struct jdoc *d, int node, const char *path, size_t *n)
{
	int x = jdoc_path(d, node, path);

	if (x < 0)
		return NULL;
	if (jdoc_type(d, x) == J_NUMBER)
		return jdoc_raw(d, x, n);
	if (jdoc_type(d, x) == J_STRING)
		return jdoc_str(d, x, n);
	return NULL;
}

/*
 * The claim's service date: claim.service_date_from, else the earliest
 * line date.  NULL when there is none.
 */
static const char *
service_date(const struct jdoc *d, size_t *n)
{
	const char *s, *best = NULL;
	int lines, l;
	size_t k, bn = 0;

	if ((s = pstrn(d, 0, "claim.service_date_from", n)) != NULL)
		return s;
	if ((lines = jdoc_get(d, 0, "lines")) < 0 ||
	    jdoc_type(d, lines) != J_ARRAY)
		return NULL;
	for (l = jdoc_first(d, lines); l >= 0; l = jdoc_next(d, l))
		if ((s = pstrn(d, l, "service_date", &k)) != NULL &&
		    (best == NULL || (k == bn && memcmp(s, best, k) < 0))) {
			best = s;
			bn = k;
		}
	*n = bn;
	return best;
}

/* "****1234": all but the last four characters hidden (seed 004). */
static void
mask_account(const char *s, struct buf *out)
{
	size_t n = strlen(s), chars = 0, i, keep;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			chars++;
	keep = chars > 4 ? 4 : 0;
	for (i = 0; i < n; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (chars-- <= keep)
			break;
		buf_addc(out, '*');
	}
	if (keep)
		buf_adds(out, s + i);
}

/*
 * A patient or member id of dbo.Claims: as sent, or masked like the seed's
 * loader did when mssql.mask_ids is set (the whole record stays readable
 * in the encrypted ClaimData).
 */
static void
put_id(struct mctx *c, struct row *r, const char *s)
{
	if (s == NULL || !c->mask_ids) {
		put_str(r, s);
		return;
	}
	buf_reset(&c->tmp);
	mask_account(s, &c->tmp);
	put_strn(r, c->tmp.s, c->tmp.len);
}

static void
prep_reset(struct prep *p)
{
	p->kind = P_CLAIM;
	buf_reset(&p->claim);
	buf_reset(&p->lines);
	buf_reset(&p->diags);
	buf_reset(&p->failed);
	p->nlines = p->ndiags = 0;
	p->exists = 0;
	p->first = 0;
	p->code = NULL;
	p->reason[0] = '\0';
}

/* Append src to the string in dst (size n), cutting at a UTF-8 boundary. */
static void
cat_trunc(char *dst, size_t n, const char *src)
{
	size_t have = strlen(dst), k = strlen(src);

	if (have + k >= n) {
		k = n - have - 1;
		while (k > 0 && ((unsigned char)src[k] & 0xc0) == 0x80)
			k--;
	}
	memcpy(dst + have, src, k);
	dst[have + k] = '\0';
}

static void
reject(struct prep *p, const char *code, const char *why)
{
	p->kind = P_REJECT;
	p->code = code;
	p->reason[0] = '\0';
	cat_trunc(p->reason, sizeof p->reason, why);
}

/*
 * The failed-claims row: stage is ProcessingStage, codes the ErrorCodes
 * text and msgs the ErrorMessages text.  When even this row cannot be
 * built the record becomes P_REJECT.
 */
static void
build_failed(struct mctx *c, size_t i, const char *stage, const char *code,
    const char *codes, const char *msgs, const char *summary)
{
	const struct load_record *rec = &c->recs[i];
	const struct jdoc *d = rec->doc;
	struct prep *p = &c->prep[i];
	const char *s;
	size_t n;
	long long sid;
	char sids[24];
	struct row r;

	buf_reset(&p->failed);
	row_begin(&r, &p->failed, TB_FAILED);
	put_str(&r, rec->claim_id);
	s = service_date(d, &n);
	if (s != NULL && date_parse_iso(s, n, &(struct ckdate){ 0, 0, 0 }) != 0)
		s = NULL;
	put_date(&r, s, n);
	if (pint(d, 0, "staging.id", &sid) == 1) {
		snprintf(sids, sizeof sids, "%lld", sid);
		put_str(&r, sids);
	} else
		put_null(&r);
	s = pstr(d, 0, "facility_id");
	if (s == NULL)
		s = pstr(d, 0, "validation.facility_id");
	/* Do not let a bad facility id keep the failure from being logged. */
	put_strn(&r, s, s && strlen(s) <= 50 ? strlen(s) : 0);
	if ((s = pstr(d, 0, "claim.patient_account_number")) != NULL) {
		buf_reset(&c->tmp);
		mask_account(s, &c->tmp);
		put_strn(&r, c->tmp.s, c->tmp.len > 50 ? 50 : c->tmp.len);
	} else
		put_null(&r);
	s = service_date(d, &n);
	if (s != NULL && date_parse_iso(s, n, &(struct ckdate){ 0, 0, 0 }) != 0)
		s = NULL;
	put_date(&r, s, n);
	put_str(&r, stage);
	put_maxn(&r, codes, strlen(codes));
	put_maxn(&r, msgs, strlen(msgs));
	buf_reset(&c->env);
	seal_encrypt(&c->key, rec->claim_id, rec->text, rec->len, &c->env);
	put_maxn(&r, c->env.s, c->env.len);
	put_str(&r, c->key.id);
	if (row_end(&r) != 0) {
		char why[200];

		snprintf(why, sizeof why, "%s; cannot be logged in "
		    "dbo.FailedClaimDetails: %s", summary, r.why);
		reject(p, r.code, why);
		return;
	}
	p->kind = P_FAILED;
	p->code = code;
	snprintf(p->reason, sizeof p->reason, "%s; logged in "
	    "dbo.FailedClaimDetails", summary);
}

/* A load-time problem with a record: to the failed table. */
static void
load_failure(struct mctx *c, size_t i, const char *code, const char *why)
{
	struct buf msg = BUF_INIT;
	char summary[160];

	buf_printf(&msg, "Comp: claims-load, Field: %s", why);
	snprintf(summary, sizeof summary, "not loaded (%s): %s", code, why);
	build_failed(c, i, "LOAD_FAILED", "load_failed", code, msg.s, summary);
	buf_free(&msg);
}

/* Validation failed: error findings become codes and messages. */
static void
validation_failure(struct mctx *c, size_t i)
{
	const struct jdoc *d = c->recs[i].doc;
	struct buf codes = BUF_INIT, msgs = BUF_INIT;
	int f, x;
	size_t nerr = 0;
	char summary[160];

	f = jdoc_path(d, 0, "validation.findings");
	if (f >= 0 && jdoc_type(d, f) == J_ARRAY)
		for (x = jdoc_first(d, f); x >= 0; x = jdoc_next(d, x)) {
			const char *rule = pstr(d, x, "rule");
			const char *sev = pstr(d, x, "severity");
			const char *field = pstr(d, x, "field");
			const char *msg = pstr(d, x, "message");

			if (rule == NULL)
				rule = pstr(d, x, "code");
			if (sev != NULL && strcmp(sev, "error") != 0)
				continue;
			if (rule != NULL) {
				/* one code once, in order of appearance */
				size_t rl = strlen(rule);
				const char *hit = codes.s;

				while (hit != NULL && (hit = strstr(hit,
				    rule)) != NULL && !((hit == codes.s ||
				    hit[-1] == ' ') && (hit[rl] == ',' ||
				    hit[rl] == '\0')))
					hit++;
				if (hit == NULL) {
					if (codes.len)
						buf_adds(&codes, ", ");
					buf_adds(&codes, rule);
				}
			}
			if (msgs.len)
				buf_addc(&msgs, '\n');
			buf_printf(&msgs, "Comp: claims-validate, Field: %s - %s",
			    field ? field : "", msg ? msg : (rule ? rule : ""));
			nerr++;
		}
	if (codes.len == 0)
		buf_adds(&codes, "N/A");
	if (msgs.len == 0)
		buf_adds(&msgs, "Comp: claims-validate, Field:  - validation "
		    "status is fail");
	snprintf(summary, sizeof summary, "validation failed (%.100s)",
	    codes.s);
	build_failed(c, i, "VALIDATION_FAILED_RULES", "validation_failed",
	    codes.s, msgs.s, summary);
	buf_free(&codes);
	buf_free(&msgs);
}

/*
 * The reference id a claim row would carry: facility and financial class
 * from the record's top level (staging) or, failing that, as
 * claims-validate resolved them; the department as decimal text.
 */
static const char *
ref_id(const struct jdoc *d, enum ref r, char *num, size_t numsz)
{
	const char *s;
	long long v;

	switch (r) {
	case REF_FACILITY:
		if ((s = pstr(d, 0, "facility_id")) == NULL)
			s = pstr(d, 0, "validation.facility_id");
		return s;
	case REF_CLASS:
		if ((s = pstr(d, 0, "financial_class_id")) == NULL)
			s = pstr(d, 0, "validation.financial_class_id");
		return s;
	default:
		if (pint(d, 0, "department_id", &v) != 1)
			return NULL;
		snprintf(num, numsz, "%lld", v);
		return num;
	}
}

/* The four modifiers, the pointer list "1,2". */
static void
put_line(struct mctx *c, size_t i, struct row *r, int l, size_t lineno,
    const char *cdate, size_t cdn)
{
	const struct jdoc *d = c->recs[i].doc;
	const char *s;
	size_t n;
	long long v;
	int x, k, m;
	char ptrs[64];

	row_begin(r, &c->prep[i].lines, TB_LINES);
	put_str(r, c->recs[i].claim_id);
	put_date(r, cdate, cdn);
	switch (pint(d, l, "line_number", &v)) {
	case 1:
		put_int(r, v);
		break;
	case 0:
		put_int(r, (long long)lineno);
		break;
	default:
		put_null(r);
		row_flag(r, "LOAD_INVALID_NUMBER", "not an integer");
	}
	if ((s = pstrn(d, l, "service_date", &n)) == NULL) {
		s = cdate;
		n = cdn;
	}
	put_date(r, s, n);
	s = pstrn(d, l, "service_date_end", &n);
	put_date(r, s, n);
	put_str(r, pstr(d, l, "place_of_service"));
	put_str(r, pstr(d, l, "emergency"));
	put_str(r, pstr(d, l, "procedure_qualifier"));
	if ((s = pstr(d, l, "procedure_code")) == NULL) {
		put_null(r);
		row_flag(r, "LOAD_MISSING_VALUE", "missing");
	} else
		put_str(r, s);
	m = jdoc_get(d, l, "modifiers");
	x = m >= 0 && jdoc_type(d, m) == J_ARRAY ? jdoc_first(d, m) : -1;
	for (k = 0; k < 4; k++) {
		if (x >= 0 && (s = jdoc_str(d, x, &n)) != NULL && n > 0)
			put_strn(r, s, n);
		else
			put_null(r);
		if (x >= 0)
			x = jdoc_next(d, x);
	}
	ptrs[0] = '\0';
	m = jdoc_get(d, l, "diagnosis_pointers");
	if (m >= 0 && jdoc_type(d, m) == J_ARRAY)
		for (x = jdoc_first(d, m); x >= 0; x = jdoc_next(d, x)) {
			const char *t = jdoc_raw(d, x, &n);

			if (strlen(ptrs) + n + 2 >= sizeof ptrs)
				break;
			if (ptrs[0] != '\0')
				strcat(ptrs, ",");
			strncat(ptrs, t, n);
		}
	put_str(r, ptrs[0] ? ptrs : NULL);
	put_pcents(r, d, l, "charge");
	if (pcents(d, l, "charge", &(int64_t){ 0 }) == 0)
		row_flag(r, "LOAD_MISSING_VALUE", "missing");
	if ((s = pnumtext(d, l, "units", &n)) != NULL)
		put_dectext(r, s, n, 0);
	else
		put_dectext(r, "1", 1, 0);
	put_str(r, pstr(d, l, "unit_basis"));
	if ((s = pstr(d, l, "epsdt")) == NULL)
		s = pstr(d, l, "family_planning");
	put_str(r, s);
	if ((s = pstr(d, l, "providers.rendering.npi")) != NULL) {
		put_str(r, "XX");
		put_str(r, s);
	} else if ((s = pstr(d, l, "providers.rendering.id")) != NULL) {
		put_str(r, pstr(d, l, "providers.rendering.id_qualifier"));
		put_str(r, s);
	} else {
		put_null(r);
		put_null(r);
	}
	put_str(r, pstr(d, l, "drug.ndc"));
	put_pcents(r, d, l, "pricing.calculated_amount");
	put_pcents(r, d, l, "pricing.allowed_amount");
	put_str(r, pstr(d, l, "pricing.status"));
}

/* Build the Claims, line and diagnosis rows of a passed claim. */
static void
build_claim(struct mctx *c, size_t i, const char *vstatus)
{
	const struct load_record *rec = &c->recs[i];
	const struct jdoc *d = rec->doc;
	struct prep *p = &c->prep[i];
	const char *s, *cdate, *dob;
	size_t n, cdn, dobn, lineno;
	struct ckdate sd, bd;
	long long v;
	int64_t sum = 0, cents;
	int lines, l, diags, x, sumok = 1;
	struct row r;
	const char *bad_code = NULL;
	char bad_why[160];

	if ((cdate = service_date(d, &cdn)) == NULL) {
		load_failure(c, i, "LOAD_NO_SERVICE_DATE", "Claims.ServiceDate "
		    "- no claim.service_date_from and no line service date");
		return;
	}
	if (date_parse_iso(cdate, cdn, &sd) != 0) {
		load_failure(c, i, "LOAD_INVALID_DATE", "Claims.ServiceDate "
		    "- not a date YYYY-MM-DD");
		return;
	}
	bad_why[0] = '\0';

	/* Lines first: their charges make TotalChargeAmount. */
	lines = jdoc_get(d, 0, "lines");
	lineno = 0;
	if (lines >= 0 && jdoc_type(d, lines) == J_ARRAY)
		for (l = jdoc_first(d, lines); l >= 0; l = jdoc_next(d, l)) {
			lineno++;
			if (jdoc_type(d, l) != J_OBJECT)
				continue;
			put_line(c, i, &r, l, lineno, cdate, cdn);
			if (row_end(&r) != 0 && bad_code == NULL) {
				bad_code = r.code;
				snprintf(bad_why, sizeof bad_why, "%s (line %zu)",
				    r.why, lineno);
			}
			p->nlines++;
			if (pcents(d, l, "charge", &cents) == 1)
				sum += cents;
			else
				sumok = 0;
		}
	diags = jdoc_get(d, 0, "diagnoses");
	lineno = 0;
	if (diags >= 0 && jdoc_type(d, diags) == J_ARRAY)
		for (x = jdoc_first(d, diags); x >= 0; x = jdoc_next(d, x)) {
			const char *q;

			lineno++;
			if (jdoc_type(d, x) != J_OBJECT)
				continue;
			row_begin(&r, &p->diags, TB_DIAGS);
			put_str(&r, rec->claim_id);
			put_date(&r, cdate, cdn);
			if (pint(d, x, "sequence", &v) == 1)
				put_int(&r, v);
			else
				put_int(&r, (long long)lineno);
			q = pstr(d, x, "qualifier");
			put_str(&r, q);
			if ((s = pstr(d, x, "code")) == NULL) {
				put_null(&r);
				row_flag(&r, "LOAD_MISSING_VALUE", "missing");
			} else
				put_str(&r, s);
			put_str(&r, q == NULL ? "ICD10" :
			    strcmp(q, "ABK") == 0 || strcmp(q, "ABF") == 0 ?
			    "ICD10" : strcmp(q, "BK") == 0 ||
			    strcmp(q, "BF") == 0 ? "ICD9" : q);
			{
				int ip = jdoc_get(d, x, "is_primary");

				put_bit(&r, ip >= 0 && jdoc_type(d, ip) ==
				    J_TRUE);
			}
			if (row_end(&r) != 0 && bad_code == NULL) {
				bad_code = r.code;
				snprintf(bad_why, sizeof bad_why,
				    "%s (diagnosis %zu)", r.why, lineno);
			}
			p->ndiags++;
		}

	row_begin(&r, &p->claim, TB_CLAIMS);
	put_str(&r, rec->claim_id);
	put_date(&r, cdate, cdn);
	s = pstrn(d, 0, "claim.service_date_to", &n);
	put_date(&r, s, n);
	{
		enum ref k;
		char num[24];

		for (k = 0; k < NREFS; k++)
			if ((s = ref_id(d, k, num, sizeof num)) != NULL &&
			    idset_has(&c->missing[k], s)) {
				load_failure(c, i, refs[k].code, refs[k].what);
				return;
			}
	}
	if ((s = pstr(d, 0, "facility_id")) == NULL)
		s = pstr(d, 0, "validation.facility_id");
	put_str(&r, s);
	switch (pint(d, 0, "department_id", &v)) {
	case 1:
		put_int(&r, v);
		break;
	case 0:
		put_null(&r);
		break;
	default:
		put_null(&r);
		row_flag(&r, "LOAD_INVALID_NUMBER", "not an integer");
	}
	if ((s = pstr(d, 0, "financial_class_id")) == NULL)
		s = pstr(d, 0, "validation.financial_class_id");
	put_str(&r, s);
	if ((s = pstr(d, 0, "patient.member_id")) == NULL)
		s = pstr(d, 0, "subscriber.member_id");
	put_id(c, &r, s);
	put_str(&r, pstr(d, 0, "patient.last_name"));
	put_str(&r, pstr(d, 0, "patient.first_name"));
	dob = pstrn(d, 0, "patient.birth_date", &dobn);
	if (dob != NULL && date_parse_iso(dob, dobn, &bd) == 0 &&
	    date_days(&bd) <= date_days(&sd))
		put_int(&r, date_age(&bd, &sd));
	else
		put_null(&r);
	put_date(&r, dob, dobn);
	put_str(&r, pstr(d, 0, "patient.gender"));
	if ((s = pstr(d, 0, "patient.gender")) != NULL && strcmp(s, "M") != 0 &&
	    strcmp(s, "F") != 0 && strcmp(s, "U") != 0)
		row_flag(&r, "LOAD_INVALID_CODE", "not M, F or U");
	put_id(c, &r, pstr(d, 0, "claim.patient_account_number"));
	put_str(&r, pstr(d, 0, "billing_provider.npi"));
	put_str(&r, pstr(d, 0, "billing_provider.taxonomy"));
	if ((s = pstr(d, 0, "billing_provider.name")) != NULL)
		put_str(&r, s);
	else if ((s = pstr(d, 0, "billing_provider.last_name")) != NULL) {
		const char *fn = pstr(d, 0, "billing_provider.first_name");

		buf_reset(&c->tmp);
		buf_adds(&c->tmp, s);
		if (fn != NULL) {
			buf_adds(&c->tmp, ", ");
			buf_adds(&c->tmp, fn);
		}
		put_strn(&r, c->tmp.s, c->tmp.len);
	} else
		put_null(&r);
	put_str(&r, pstr(d, 0, "providers.rendering.npi"));
	put_str(&r, pstr(d, 0, "claim.place_of_service"));
	if (p->nlines > 0 && sumok)
		put_cents(&r, sum);
	else
		put_null(&r);
	put_pcents(&r, d, 0, "claim.total_charge");
	put_str(&r, pstr(d, 0, "subscriber.claim_filing_indicator"));
	put_str(&r, pstr(d, 0, "payer.name"));
	put_str(&r, pstr(d, 0, "payer.payer_id"));
	put_id(c, &r, pstr(d, 0, "subscriber.member_id"));
	if ((s = pstr(d, 0, "other_payers.0.subscriber.member_id")) == NULL)
		s = pstr(d, 0, "other_payers.0.subscriber.id");
	put_id(c, &r, s);
	put_str(&r, "COMPLETED_EXPORTED_TO_PROD");
	if (c->claim_data) {
		buf_reset(&c->env);
		seal_encrypt(&c->key, rec->claim_id, rec->text, rec->len,
		    &c->env);
		put_maxn(&r, c->env.s, c->env.len);
		put_str(&r, c->key.id);
	} else {
		put_null(&r);
		put_null(&r);
	}
	put_str(&r, vstatus);
	x = jdoc_get(d, 0, "validation");
	s = jdoc_raw(d, x, &n);
	put_maxn(&r, s, n);
	put_pcents(&r, d, 0, "pricing.fee_schedule_amount");
	put_pcents(&r, d, 0, "pricing.allowed_amount");
	put_str(&r, pstr(d, 0, "pricing.status"));
	if ((s = pstr(d, 0, "prediction.filter_code")) != NULL)
		put_str(&r, s);
	else if ((x = jdoc_path(d, 0, "prediction.filter")) >= 0 &&
	    (jdoc_type(d, x) == J_NUMBER || jdoc_type(d, x) == J_STRING)) {
		s = jdoc_type(d, x) == J_STRING ? jdoc_str(d, x, &n) :
		    jdoc_raw(d, x, &n);
		buf_reset(&c->tmp);
		if (jdoc_type(d, x) == J_NUMBER)
			buf_adds(&c->tmp, "ML_FILTER_");
		buf_add(&c->tmp, s, n);
		put_strn(&r, c->tmp.s, c->tmp.len);
	} else
		put_null(&r);
	if ((s = pnumtext(d, 0, "prediction.probability", &n)) == NULL)
		s = pnumtext(d, 0, "prediction.confidence", &n);
	put_dectext(&r, s, n, 1);
	switch (pint(d, 0, "staging.id", &v)) {
	case 1:
		put_int(&r, v);
		break;
	default:
		put_null(&r);
	}
	put_str(&r, c->loaded_by);
	put_str(&r, c->loaded_by);
	if (row_end(&r) != 0 && bad_code == NULL) {
		bad_code = r.code;
		snprintf(bad_why, sizeof bad_why, "%s", r.why);
	}
	if (bad_code != NULL) {
		buf_reset(&p->claim);
		buf_reset(&p->lines);
		buf_reset(&p->diags);
		p->nlines = p->ndiags = 0;
		load_failure(c, i, bad_code, bad_why);
		return;
	}
	p->kind = P_CLAIM;
}

static void
prepare(struct mctx *c, size_t i)
{
	const struct jdoc *d = c->recs[i].doc;
	struct prep *p = &c->prep[i];
	int v = jdoc_get(d, 0, "validation");
	const char *st;

	prep_reset(p);
	if (v < 0 || jdoc_type(d, v) != J_OBJECT) {
		reject(p, "not_validated", "no validation section: run "
		    "claims-validate before loading into SQL Server");
		return;
	}
	st = pstr(d, v, "status");
	if (st != NULL && strcmp(st, "pass") == 0)
		build_claim(c, i, "PASSED");
	else if (st != NULL && strcmp(st, "warn") == 0)
		build_claim(c, i, "WARNING");
	else if (st != NULL && strcmp(st, "fail") == 0)
		validation_failure(c, i);
	else
		reject(p, "invalid_validation", "validation.status is not "
		    "pass, warn or fail");
}

/* ------------------------------------------------------------- batches -- */

static struct mctx *sort_ctx;

/*
 * Claim ids compared as SQL Server's default collations compare them:
 * ASCII case and trailing spaces do not count.  Two records whose ids
 * differ only so are one claim to the server, hence one here.
 */
static int
idcmp(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), i;

	while (na > 0 && a[na - 1] == ' ')
		na--;
	while (nb > 0 && b[nb - 1] == ' ')
		nb--;
	for (i = 0; i < na && i < nb; i++) {
		int x = tolower((unsigned char)a[i]);
		int y = tolower((unsigned char)b[i]);

		if (x != y)
			return x - y;
	}
	return na < nb ? -1 : na > nb;
}

static int
cmp_id(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int k = idcmp(sort_ctx->recs[x].claim_id, sort_ctx->recs[y].claim_id);

	if (k != 0)
		return k;
	return x < y ? -1 : x > y;
}

/* The first record of the batch with this claim id, or (size_t)-1. */
static size_t
find_id(struct mctx *c, const char *id)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int k = idcmp(c->recs[c->order[mid]].claim_id, id);

		if (k < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->n && idcmp(c->recs[c->order[lo]].claim_id, id) == 0)
		return c->order[lo];
	return (size_t)-1;
}

static void
add_member(struct mctx *c, size_t i)
{
	if (c->nsidx == c->capsidx) {
		c->capsidx = c->capsidx ? c->capsidx * 2 : 256;
		c->sidx = xreallocarray(c->sidx, c->capsidx, sizeof *c->sidx);
	}
	c->sidx[c->nsidx++] = i;
}

static struct stmt *
add_stmt(struct mctx *c, enum skind kind, enum table t)
{
	struct stmt *s;

	if (c->nstmts == c->capstmts) {
		c->capstmts = c->capstmts ? c->capstmts * 2 : 16;
		c->stmts = xreallocarray(c->stmts, c->capstmts,
		    sizeof *c->stmts);
	}
	s = &c->stmts[c->nstmts++];
	s->kind = kind;
	s->table = t;
	s->a = s->b = c->nsidx;
	return s;
}

static void
insert_head(struct buf *b, const struct tablespec *t)
{
	size_t k;

	buf_printf(b, "INSERT INTO %s (", t->name);
	for (k = 0; k < t->ncols; k++)
		buf_printf(b, "%s%s", k ? ", " : "", t->cols[k].name);
	buf_adds(b, ") SELECT ");
	for (k = 0; k < t->ncols; k++)
		buf_printf(b, "%sv.%s", k ? ", " : "", t->cols[k].name);
	buf_adds(b, " FROM (VALUES ");
}

static void
insert_tail(struct buf *b, const struct tablespec *t)
{
	size_t k;

	buf_adds(b, ") AS v (");
	for (k = 0; k < t->ncols; k++)
		buf_printf(b, "%s%s", k ? ", " : "", t->cols[k].name);
	buf_printf(b, ") WHERE NOT EXISTS (SELECT 1 FROM %s AS t WHERE %s);\n",
	    t->name, t->key);
}

static size_t
rows_of(const struct prep *p, enum table t)
{
	switch (t) {
	case TB_CLAIMS:
	case TB_FAILED:
		return 1;
	case TB_LINES:
		return p->nlines;
	default:
		return p->ndiags;
	}
}

static const struct buf *
values_of(const struct prep *p, enum table t)
{
	switch (t) {
	case TB_CLAIMS:
		return &p->claim;
	case TB_FAILED:
		return &p->failed;
	case TB_LINES:
		return &p->lines;
	default:
		return &p->diags;
	}
}

/*
 * The request for the records idx[0..m): the existence SELECTs, the
 * INSERTs and COMMIT; for a trial (or --dry-run) ROLLBACK instead, and a
 * trial needs no SELECTs.
 */
static void
build_request(struct mctx *c, const size_t *idx, size_t m, int trial)
{
	struct buf *b = &c->sql;
	size_t k, j, rows;
	int t;

	buf_reset(b);
	c->nstmts = c->nsidx = 0;
	buf_adds(b, "BEGIN TRANSACTION;\n");
	for (t = TB_CLAIMS; !trial && t <= TB_FAILED; t += TB_FAILED) {
		enum pkind want = t == TB_CLAIMS ? P_CLAIM : P_FAILED;
		struct stmt *s = NULL;

		for (k = 0; k < m; k++) {
			if (c->prep[idx[k]].kind != want)
				continue;
			if (s != NULL && s->b - s->a >= MAX_ROWS) {
				buf_adds(b, ");\n");
				s = NULL;
			}
			if (s == NULL) {
				s = add_stmt(c, S_SELECT, (enum table)t);
				buf_adds(b, t == TB_CLAIMS ?
				    "SELECT ClaimId FROM dbo.Claims "
				    "WITH (UPDLOCK, HOLDLOCK) WHERE "
				    "ClaimId IN (" : "SELECT OriginalClaimId "
				    "FROM dbo.FailedClaimDetails "
				    "WITH (UPDLOCK, HOLDLOCK) WHERE "
				    "OriginalClaimId IN (");
			} else
				buf_adds(b, ", ");
			/* ids are checked by the front end: no control chars */
			buf_adds(b, "N'");
			for (j = 0; c->recs[idx[k]].claim_id[j]; j++) {
				if (c->recs[idx[k]].claim_id[j] == '\'')
					buf_addc(b, '\'');
				buf_addc(b, c->recs[idx[k]].claim_id[j]);
			}
			buf_addc(b, '\'');
			add_member(c, idx[k]);
			s->b = c->nsidx;
		}
		if (s != NULL)
			buf_adds(b, ");\n");
	}
	for (t = 0; t < NTABLES; t++) {
		enum pkind want = t == TB_FAILED ? P_FAILED : P_CLAIM;
		struct stmt *s = NULL;

		rows = 0;
		for (k = 0; k < m; k++) {
			const struct prep *p = &c->prep[idx[k]];
			size_t r = p->kind == want ? rows_of(p, (enum table)t) : 0;
			const struct buf *v;

			if (r == 0)
				continue;
			if (s != NULL && rows + r > MAX_ROWS) {
				insert_tail(b, &tables[t]);
				s = NULL;
			}
			v = values_of(p, (enum table)t);
			if (s == NULL) {
				s = add_stmt(c, S_INSERT, (enum table)t);
				insert_head(b, &tables[t]);
				rows = 0;
			} else
				buf_addc(b, ',');
			buf_add(b, v->s, v->len);
			rows += r;
			add_member(c, idx[k]);
			s->b = c->nsidx;
		}
		if (s != NULL)
			insert_tail(b, &tables[t]);
	}
	buf_adds(b, trial || c->opts->dry_run ? "ROLLBACK TRANSACTION;\n" :
	    "COMMIT TRANSACTION;\n");
}

static void
disconnect(struct mctx *c)
{
	if (c->m != NULL) {
		c->requests += mssql_requests(c->m);
		mssql_close(c->m);
		c->m = NULL;
	}
}


enum eclass { E_RETRY, E_DATA, E_SCHEMA, E_FATAL };

static enum eclass
classify(const struct mssql_result *r)
{
	const struct mssql_error *e = &r->err;

	if (r->fail == MSSQL_FAIL_LINK || e->timeout)
		return E_RETRY;
	if (r->fail == MSSQL_FAIL_CLIENT || e->client)
		return E_FATAL;
	switch (e->number) {
	case 1205:	/* deadlock victim */
	case 1222:	/* lock request timeout */
	case 3960:	/* snapshot update conflict */
	case 4060:	/* database not available (failover) */
	case 40197: case 40501: case 40613: case 49918: case 49919:
	case 49920: case 10928: case 10929:	/* Azure SQL: transient */
		return E_RETRY;
	case 2627:	/* PRIMARY KEY or UNIQUE constraint */
	case 2601:	/* unique index */
		/*
		 * The claim keys: another loader inserted the same claim
		 * after our SELECT; a retry sees it and skips it.
		 */
		if (strstr(e->text, "'PK_Claims'") != NULL ||
		    strstr(e->text, "'UX_FailedClaimDetails_OriginalClaimId'")
		    != NULL)
			return E_RETRY;
		return E_DATA;
	case 547:	/* FOREIGN KEY or CHECK constraint */
	case 515:	/* NULL into NOT NULL */
	case 2628: case 8152:	/* string would be truncated */
	case 8115: case 8114: case 8116: case 220: case 232: case 248:
	case 241: case 242: case 245: case 293: case 295: case 296:
		return E_DATA;
	case 208:	/* invalid object name */
	case 207:	/* invalid column name */
	case 213:	/* column count does not match */
	case 229: case 230:	/* permission denied */
		return E_SCHEMA;
	default:
		return e->severity >= 20 ? E_RETRY : E_FATAL;
	}
}

static void
report(struct mctx *c, const char *what, const struct mssql_result *r,
    int retry)
{
	char t[600];

	mssql_error_text(&r->err, c->safe, t, sizeof t);
	if (retry)
		diag_warn(NULL, 0, "%s: %s", what, t);
	else
		diag_error(NULL, 0, "%s: %s", what, t);
}

static int
eclass_code(struct mctx *c, enum eclass k, const struct mssql_result *r,
    const char *what)
{
	switch (k) {
	case E_RETRY:
		report(c, what, r, 1);
		return CK_EX_TEMPFAIL;
	case E_SCHEMA:
		report(c, what, r, 0);
		diag_note(NULL, 0, "is sql/sqlserver/install.sql applied to "
		    "database '%s'?", c->target.database);
		return CK_EX_CONFIG;
	default:
		report(c, what, r, 0);
		return CK_EX_SOFTWARE;
	}
}

/* Send the text in c->sql; on error the connection is closed. */
static enum mssql_fail
sendsql(struct mctx *c)
{
	enum mssql_fail f;

	c->sqlbytes += c->sql.len;
	f = mssql_exec(c->m, c->sql.s, c->sql.len, &c->res);
	if (f != MSSQL_OK) {
		/*
		 * Whatever the error, this connection is not trusted with the
		 * next transaction: closing it makes the server roll back
		 * anything still open.
		 */
		disconnect(c);
	}
	return f;
}

/*
 * The first request of every connection: session options, the client
 * character set check and the schema version.  0 or an exit code.
 */
static int
session_setup(struct mctx *c)
{
	const struct mssql_result *r = &c->res;
	const char *row;

	buf_reset(&c->sql);
	buf_adds(&c->sql, session_sql);
	if (sendsql(c) != MSSQL_OK)
		return eclass_code(c, classify(&c->res), &c->res,
		    "session setup failed");
	c->fresh = 0;
	row = r->rows.s;
	if (r->ncounts != 2 || r->nrows != 2) {
		diag_error(NULL, 0, "SQL Server answered the session setup "
		    "with %zu counts and %zu rows", r->ncounts, r->nrows);
		disconnect(c);
		return CK_EX_SOFTWARE;
	}
	if (strcmp(row, "233") != 0) {
		diag_error(NULL, 0, "the FreeTDS client character set is not "
		    "UTF-8: accented names would be stored wrongly");
		diag_note(NULL, 0, "remove 'client charset' from freetds.conf "
		    "or set it to UTF-8");
		disconnect(c);
		return CK_EX_CONFIG;
	}
	row += strlen(row) + 1;
	if (strcmp(row, "1") != 0) {
		diag_error(NULL, 0, "database '%s' has no claimkit schema "
		    "version 1 in dbo.SchemaVersion", c->target.database);
		diag_note(NULL, 0, "apply sql/sqlserver/install.sql");
		disconnect(c);
		return CK_EX_CONFIG;
	}
	return 0;
}

/*
 * Connect when needed, and set the session up: 0, CK_EX_CONFIG, or
 * CK_EX_TEMPFAIL (the server cannot be reached: it may come back);
 * at_open: open() returns the connect status (69) as it is.
 */
static int
ensure_connected(struct mctx *c, int at_open)
{
	int rc;

	if (c->m != NULL)
		return 0;
	if ((rc = mssql_connect(&c->m, &c->conf, 0)) != 0) {
		if (at_open || rc == CK_EX_CONFIG)
			return rc;
		return CK_EX_TEMPFAIL;
	}
	c->fresh = 1;
	c->connections++;
	return session_setup(c);
}

/*
 * Check the row counts of a batch request and note which records existed.
 * Returns 0, or CK_EX_SOFTWARE after a message when the server's answer
 * is not what was sent (the SELECT's locks rule out a concurrent writer).
 */
static int
check_counts(struct mctx *c)
{
	const struct mssql_result *r = &c->res;
	const char *row = r->rows.s;
	size_t k, j, used = 0;

	if (r->ncounts != c->nstmts) {
		diag_error(NULL, 0, "SQL Server reported %zu row counts for %zu "
		    "statements", r->ncounts, c->nstmts);
		return CK_EX_SOFTWARE;
	}
	for (k = 0; k < c->nstmts; k++) {
		const struct stmt *s = &c->stmts[k];
		long want = 0;

		switch (s->kind) {
		case S_SELECT:
			for (j = 0; j < (size_t)r->counts[k]; j++) {
				size_t i;

				if (used >= r->nrows) {
					diag_error(NULL, 0, "SQL Server "
					    "returned fewer rows than counted");
					return CK_EX_SOFTWARE;
				}
				i = find_id(c, row);
				if (i == (size_t)-1 || c->prep[i].kind !=
				    (s->table == TB_CLAIMS ? P_CLAIM :
				    P_FAILED)) {
					diag_error(NULL, 0, "SQL Server "
					    "returned a claim id that was not "
					    "asked for");
					return CK_EX_SOFTWARE;
				}
				c->prep[i].exists = 1;
				row += strlen(row) + 1;
				used++;
			}
			break;
		case S_LOOKUP:
			diag_error(NULL, 0, "mssql: lookup in a batch request");
			return CK_EX_SOFTWARE;
		case S_INSERT:
			for (j = s->a; j < s->b; j++) {
				const struct prep *p = &c->prep[c->sidx[j]];

				if (!p->exists)
					want += (long)rows_of(p, s->table);
			}
			if (r->counts[k] != want) {
				diag_error(NULL, 0, "SQL Server inserted %ld "
				    "rows into %s where %ld were sent",
				    r->counts[k], tables[s->table].name, want);
				return CK_EX_SOFTWARE;
			}
			break;
		}
	}
	if (used != r->nrows) {
		diag_error(NULL, 0, "SQL Server returned %zu rows, %zu expected",
		    r->nrows, used);
		return CK_EX_SOFTWARE;
	}
	return 0;
}

/* Result of one attempt at the whole batch. */
enum attempt { A_DONE, A_DATA, A_CODE };

static enum attempt
attempt(struct mctx *c, const size_t *idx, size_t m, int *code)
{
	enum mssql_fail f;
	enum eclass k;
	size_t i;
	int rc;

	for (i = 0; i < m; i++)
		c->prep[idx[i]].exists = 0;
	if ((rc = ensure_connected(c, 0)) != 0) {
		*code = rc;
		return A_CODE;
	}
	build_request(c, idx, m, 0);
	if ((f = sendsql(c)) != MSSQL_OK) {
		k = classify(&c->res);
		if (k == E_DATA)
			return A_DATA;
		/*
		 * A connection lost during the request may have lost the
		 * answer to a COMMIT that was applied: the retry finds out
		 * (the claims are then already there, and count as such).
		 */
		*code = eclass_code(c, k, &c->res, "batch not loaded");
		return A_CODE;
	}
	if ((rc = check_counts(c)) != 0) {
		diag_note(NULL, 0, "%s: the same load run again inserts what "
		    "is missing", c->opts->dry_run ? "batch rolled back" :
		    "the batch is committed");
		*code = rc;
		return A_CODE;
	}
	return A_DONE;
}

/*
 * A trial for finding the record a data error comes from: the INSERTs of
 * idx[0..m) in a transaction that is rolled back.  0 when they go in,
 * 1 on a data error (c->res holds it), else an exit code.
 */
static int
trial(struct mctx *c, const size_t *idx, size_t m)
{
	enum eclass k;
	int rc;

	if ((rc = ensure_connected(c, 0)) != 0)
		return rc;
	c->trials++;
	build_request(c, idx, m, 1);
	if (sendsql(c) == MSSQL_OK)
		return 0;
	k = classify(&c->res);
	if (k == E_DATA)
		return 1;
	return eclass_code(c, k, &c->res, "batch not loaded");
}

/* The record a data error belongs to becomes a failed claim. */
static void
blame(struct mctx *c, size_t i, const struct mssql_result *r)
{
	struct prep *p = &c->prep[i];
	char code[32], t[400], why[460];

	mssql_error_text(&r->err, c->safe, t, sizeof t);
	snprintf(code, sizeof code, "MSSQL_%ld", r->err.number);
	if (p->kind == P_FAILED) {
		/* Its failed-claims row itself cannot be written. */
		snprintf(why, sizeof why, "cannot be logged in "
		    "dbo.FailedClaimDetails: %s", t);
		reject(p, "mssql_error", why);
		return;
	}
	snprintf(why, sizeof why, "database - %s", t);
	buf_reset(&p->claim);
	buf_reset(&p->lines);
	buf_reset(&p->diags);
	p->nlines = p->ndiags = 0;
	load_failure(c, i, code, why);
}

/*
 * idx[0..m) is known to fail with a data error (c->res holds it when the
 * failing request was about exactly these records): split it until
 * single records are left, each turned into a failed claim.  When the
 * first half goes in, the error is in the second half and its own trial
 * is skipped.  0 or an exit code.
 */
static int
bisect(struct mctx *c, size_t *idx, size_t m)
{
	size_t h = m / 2;
	int rc;

	if (m == 1) {
		blame(c, idx[0], &c->res);
		return 0;
	}
	if ((rc = trial(c, idx, h)) == 1) {
		if ((rc = bisect(c, idx, h)) != 0)
			return rc;
	} else if (rc != 0)
		return rc;
	else if (m - h > 1)
		return bisect(c, idx + h, m - h);
	/* The second half: unknown, or a single record whose error we need. */
	if ((rc = trial(c, idx + h, m - h)) == 1)
		return bisect(c, idx + h, m - h);
	return rc;
}

/* The validation status says the record goes to dbo.Claims. */
static int
to_claims(const struct jdoc *d)
{
	const char *st = jdoc_pstr(d, 0, "validation.status");

	return st != NULL && (strcmp(st, "pass") == 0 || strcmp(st, "warn") == 0);
}

/*
 * Look up, in one request, the reference ids of this batch's claims that
 * this run has not met yet; the answers stay cached for the run (a
 * facility added meanwhile is seen by the next run).  0 or an exit code.
 */
static int
lookup_refs(struct mctx *c)
{
	struct idset ask[NREFS];
	const struct mssql_result *r = &c->res;
	const char *row;
	enum ref k;
	size_t i, j, total = 0;
	char num[24];
	int rc = 0;

	memset(ask, 0, sizeof ask);
	for (i = 0; i < c->n; i++) {
		const struct jdoc *d = c->recs[i].doc;

		if (!to_claims(d))
			continue;
		for (k = 0; k < NREFS; k++) {
			const char *id = ref_id(d, k, num, sizeof num);

			if (id != NULL && !idset_has(&c->known[k], id) &&
			    !idset_has(&c->missing[k], id) &&
			    strlen(id) <= 50 && strchr(id, '\'') == NULL)
				idset_add(&ask[k], id);
		}
	}
	for (k = 0; k < NREFS; k++)
		total += ask[k].n;
	if (total == 0)
		return 0;
	if ((rc = ensure_connected(c, 0)) != 0)
		goto out;
	buf_reset(&c->sql);
	c->nstmts = c->nsidx = 0;
	for (k = 0; k < NREFS; k++)
		for (j = 0; j < ask[k].n; j++) {
			if (j % MAX_ROWS == 0) {
				struct stmt *st;

				if (j > 0)
					buf_adds(&c->sql, ");\n");
				st = add_stmt(c, S_LOOKUP, TB_CLAIMS);
				st->ref = k;
				buf_printf(&c->sql, "SELECT %s FROM %s WHERE %s "
				    "IN (", refs[k].column, refs[k].table,
				    refs[k].column);
			} else
				buf_adds(&c->sql, ", ");
			buf_printf(&c->sql, refs[k].numeric ? "%s" : "N'%s'",
			    ask[k].v[j]);
			if (j + 1 == ask[k].n)
				buf_adds(&c->sql, ");\n");
		}
	if (sendsql(c) != MSSQL_OK) {
		rc = eclass_code(c, classify(&c->res), &c->res,
		    "reference tables not readable");
		goto out;
	}
	if (r->ncounts != c->nstmts) {
		diag_error(NULL, 0, "SQL Server reported %zu row counts for %zu "
		    "statements", r->ncounts, c->nstmts);
		rc = CK_EX_SOFTWARE;
		goto out;
	}
	row = r->rows.s;
	for (i = 0, j = 0; i < c->nstmts; i++) {
		long x;

		for (x = 0; x < r->counts[i]; x++, j++) {
			if (j >= r->nrows) {
				diag_error(NULL, 0, "SQL Server returned fewer "
				    "rows than counted");
				rc = CK_EX_SOFTWARE;
				goto out;
			}
			idset_add(&c->known[c->stmts[i].ref], row);
			row += strlen(row) + 1;
		}
	}
	for (k = 0; k < NREFS; k++)
		for (j = 0; j < ask[k].n; j++)
			if (!idset_has(&c->known[k], ask[k].v[j]))
				idset_add(&c->missing[k], ask[k].v[j]);
out:
	for (k = 0; k < NREFS; k++)
		idset_free(&ask[k]);
	return rc;
}

static int
mssql_load_batch(void *vctx, struct load_record *recs, size_t n)
{
	struct mctx *c = vctx;
	size_t i, m, *idx;
	int code = 0, rounds;

	c->recs = recs;
	c->n = n;
	if (n > c->nprep) {
		c->prep = xreallocarray(c->prep, n, sizeof *c->prep);
		memset(c->prep + c->nprep, 0, (n - c->nprep) * sizeof *c->prep);
		c->nprep = n;
		c->order = xreallocarray(c->order, n, sizeof *c->order);
	}
	for (i = 0; i < n; i++)
		c->order[i] = i;
	sort_ctx = c;
	qsort(c->order, n, sizeof *c->order, cmp_id);
	if ((code = lookup_refs(c)) != 0)
		return code;
	for (i = 0; i < n; i++)
		prepare(c, i);
	/* The same claim twice in one batch: only the first is sent. */
	for (i = 1; i < n; i++)
		if (idcmp(recs[c->order[i]].claim_id,
		    recs[c->order[i - 1]].claim_id) == 0) {
			size_t first = c->order[i - 1];

			while (c->prep[first].kind == P_DUP)
				first = c->prep[first].first;
			c->prep[c->order[i]].kind = P_DUP;
			c->prep[c->order[i]].first = first;
		}
	idx = xreallocarray(NULL, n + 1, sizeof *idx);
	for (rounds = 0;; rounds++) {
		enum attempt a;

		for (i = 0, m = 0; i < n; i++)
			if (c->prep[i].kind == P_CLAIM ||
			    c->prep[i].kind == P_FAILED)
				idx[m++] = i;
		if (m == 0)
			break;
		if ((a = attempt(c, idx, m, &code)) == A_DONE)
			break;
		if (a == A_CODE)
			goto out;
		/* A data error: find its records, then load without them. */
		if (m == 1)
			blame(c, idx[0], &c->res);
		else if ((code = bisect(c, idx, m)) != 0)
			goto out;
		if (rounds > (int)n) {
			diag_error(NULL, 0, "batch keeps failing with data "
			    "errors");
			code = CK_EX_SOFTWARE;
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		const struct prep *p = &c->prep[i];
		int again = p->kind == P_DUP;

		/* A repeat shares the first one's fate, as a duplicate. */
		if (again)
			p = &c->prep[p->first];
		switch (p->kind) {
		case P_CLAIM:
			recs[i].outcome = p->exists || again ? LOAD_DUPLICATE :
			    LOAD_INSERTED;
			break;
		case P_FAILED:
		case P_REJECT:
			recs[i].outcome = LOAD_REJECTED;
			recs[i].code = p->code;
			recs[i].reason[0] = '\0';
			cat_trunc(recs[i].reason, sizeof recs[i].reason,
			    p->reason);
			if (p->kind == P_FAILED && p->exists)
				cat_trunc(recs[i].reason,
				    sizeof recs[i].reason, " (already there)");
			break;
		case P_DUP:
			break;
		}
	}
	code = 0;
out:
	free(idx);
	c->recs = NULL;
	return code;
}

/* ---------------------------------------------------------- open/close -- */

static int
conf_int(const char *key, int dflt, int lo, int hi)
{
	const char *s = conf_get(key);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return dflt;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < lo || v > hi)
		diag_fatal(CK_EX_CONFIG, "%s: '%s' is not a number from %d to "
		    "%d", key, s, lo, hi);
	return (int)v;
}

static int
conf_bool(const char *key, int dflt)
{
	const char *s = conf_get(key);

	if (s == NULL || *s == '\0')
		return dflt;
	if (strcmp(s, "yes") == 0 || strcmp(s, "true") == 0 ||
	    strcmp(s, "1") == 0)
		return 1;
	if (strcmp(s, "no") == 0 || strcmp(s, "false") == 0 ||
	    strcmp(s, "0") == 0)
		return 0;
	diag_fatal(CK_EX_CONFIG, "%s: '%s' is not yes or no", key, s);
}

static void
free_ctx(struct mctx *c)
{
	size_t i;

	disconnect(c);
	for (i = 0; i < c->nprep; i++) {
		buf_free(&c->prep[i].claim);
		buf_free(&c->prep[i].lines);
		buf_free(&c->prep[i].diags);
		buf_free(&c->prep[i].failed);
	}
	free(c->prep);
	free(c->order);
	free(c->sidx);
	free(c->stmts);
	buf_free(&c->sql);
	buf_free(&c->tmp);
	buf_free(&c->env);
	mssql_result_free(&c->res);
	free(c->safe);
	for (i = 0; i < NREFS; i++) {
		idset_free(&c->known[i]);
		idset_free(&c->missing[i]);
	}
	if (c->password != NULL) {
		memset(c->password, 0, strlen(c->password));
		free(c->password);
	}
	seal_key_wipe(&c->key);
	mssql_target_free(&c->target);
	free(c);
}

static int
mssql_open(void **vctx, const char *target, const struct load_opts *opts)
{
	struct mctx *c = xcalloc(1, sizeof *c);
	const char *err, *pw, *keyfile;
	size_t t, k, ns = 0;
	int rc;

	*vctx = NULL;
	c->opts = opts;
	if ((err = mssql_target_parse(target, &c->target)) != NULL) {
		diag_error(NULL, 0, "--to: %s", err);
		free_ctx(c);
		return CK_EX_CONFIG;
	}
	pw = conf_pick(NULL, "CLAIMKIT_MSSQL_PASSWORD", "mssql.password", NULL);
	if (pw == NULL) {
		diag_error(NULL, 0, "no SQL Server password: set "
		    "CLAIMKIT_MSSQL_PASSWORD or mssql.password in "
		    "claimkit.conf");
		free_ctx(c);
		return CK_EX_CONFIG;
	}
	c->password = xstrdup(pw);
	keyfile = conf_pick(opts->key_file, "CLAIMKIT_MSSQL_KEY_FILE",
	    "mssql.key_file", NULL);
	if (keyfile == NULL) {
		diag_error(NULL, 0, "no key for the encrypted claim data: give "
		    "--key-file, CLAIMKIT_MSSQL_KEY_FILE or mssql.key_file");
		free_ctx(c);
		return CK_EX_CONFIG;
	}
	if ((rc = seal_key_load(&c->key, keyfile)) != 0) {
		free_ctx(c);
		return CK_EX_CONFIG;
	}
	snprintf(c->loaded_by, sizeof c->loaded_by, "%s",
	    opts->loaded_by ? opts->loaded_by : "claims-load");
	c->conf.user = c->target.user;
	c->conf.password = c->password;
	c->conf.server = c->target.server;
	c->conf.database = c->target.database;
	c->conf.appname = "claims-load";
	c->conf.login_timeout = conf_int("mssql.login_timeout", 15, 1, 3600);
	c->conf.timeout = conf_int("mssql.timeout", 300, 0, 86400);
	c->conf.packet_size = conf_int("mssql.packet_size", 32767, 512, 32767);
	c->claim_data = conf_bool("mssql.claim_data", 1);
	c->mask_ids = conf_bool("mssql.mask_ids", 0);

	/* Names a server message may show (no data values). */
	for (t = 0; t < NTABLES; t++)
		ns += tables[t].ncols + 1;
	c->safe = xreallocarray(NULL, ns + 4, sizeof *c->safe);
	ns = 0;
	for (t = 0; t < NTABLES; t++) {
		c->safe[ns++] = tables[t].shortname;
		for (k = 0; k < tables[t].ncols; k++)
			c->safe[ns++] = tables[t].cols[k].name;
	}
	c->safe[ns++] = c->target.database;
	c->safe[ns++] = c->target.user;
	c->safe[ns++] = "SchemaVersion";
	c->safe[ns] = NULL;

	if ((rc = ensure_connected(c, 1)) != 0) {
		free_ctx(c);
		return rc;
	}
	*vctx = c;
	return 0;
}

static int
mssql_close_ctx(void *vctx, int status, const struct load_totals *totals)
{
	struct mctx *c = vctx;

	if (c == NULL)
		return 0;
	disconnect(c);
	if (getenv("CLAIMKIT_MSSQL_STATS") != NULL)
		diag_note(NULL, 0, "mssql: %lu connections, %lu requests "
		    "(%lu trials), %llu bytes of SQL", c->connections,
		    c->requests, c->trials, c->sqlbytes);
	free_ctx(c);
	return 0;
}

const struct load_backend load_backend_mssql = {
	"mssql", mssql_open, mssql_load_batch, mssql_close_ctx
};
