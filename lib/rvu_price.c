/*
 * rvu_price: price one claim record under the Medicare PFS, or with the
 * seeds' formula (PRICING.md; rvu-price(1) states every rule).
 *
 * Exactness: the fee of one unit is
 *	(work x wGPCI + pe x peGPCI + mp x mpGPCI) x CF
 * in integers (each factor x 10^4), rounded half-up to the cent once: this
 * is the fee schedule amount CMS publishes.  The payment rules then scale
 * that amount by exact decimal percentages (150 %, 62.5 %, 13.6 %, 50 % ...)
 * and units; the line's value is carried in units of 10^-18 cent (VSCALE)
 * in 128 bits, where every such product stays an integer, and is rounded
 * half-up to the cent once more at the end.  No floating point anywhere.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/buf.h"
#include "claimkit/json.h"
#include "claimkit/jw.h"
#include "claimkit/money.h"
#include "claimkit/rvu.h"
#include "claimkit/xalloc.h"

#define VK	18		/* values are cents x 10^VK */
#define MAXMODS	8

/* Facility-rate places of service (PRICING.md section 2). */
static const char *const facility_default[] = {
	"02", "19", "21", "22", "23", "24", "26", "31", "34", "41", "42",
	"51", "52", "53", "56", "61", NULL
};

enum group { G_NONE, G_SURG, G_IMAGING, G_THERAPY, G_CARDIO, G_OPHTH };

struct pline {
	int		 node;		/* the line object, -1 if not one */
	int		 unpriced;
	const char	*rcode;		/* reason code */
	char		 reason[240];
	char		 code[6];
	char		 mods[MAXMODS][3];
	int		 nmods;
	const char	*rowmod;	/* "", "26", "TC", "53" */
	const struct rvu_row *row;
	const struct rvu_loc *loc;
	const char	*locsrc;
	char		 pos[3];
	int		 facility;
	const char	*date;		/* service date or "" */
	const char	*prov;		/* rendering provider key */
	int64_t		 units_m;	/* units x 1000 */
	int64_t		 charge;
	int		 has_charge;
	rvu_i128	 exact;		/* PFS, 10^-10 cent */
	int64_t		 pfs, opps, fee;
	int		 has_fee, opps_subject;
	int64_t		 tc_fee, pc_fee, therapy_fee, base_fee;
	int		 split;
	int64_t		 pe_cents;	/* PE part of the fee (therapy) */
	rvu_i128	 fnum;		/* payment factor fnum / 10^fk */
	int		 fk;
	int		 bilateral;	/* one procedure whatever the units */
	enum group	 group;
	int		 family;	/* endoscopy family member */
	rvu_i128	 v;		/* one instance, cents x 10^VK */
	int64_t		 n;		/* instances */
	rvu_i128	 total;
	int		 done;		/* total set by a group rule */
	int64_t		 amount;	/* calculated, cents */
	int64_t		 allowed;
	struct buf	 adj, notes;
	struct jw	 aw, nw;
};

struct rvu_pricer {
	const struct rvu_db	*db;
	struct rvu_cfg		 cfg;
	int64_t			 cf;
	struct pline		**lines;
	size_t			 nlines, caplines;
	struct buf		 out;
	char			 year[8];
	/* the claim's locality */
	const struct rvu_loc	*loc;
	const char		*locsrc;
	char			 locwhy[200];
	const char		*loczip;
};

/* ---- configuration ---- */

void
rvu_cfg_init(struct rvu_cfg *c)
{
	int i;

	memset(c, 0, sizeof *c);
	c->method = RVU_PFS;
	for (i = 0; facility_default[i] != NULL; i++)
		c->facility_pos[atoi(facility_default[i])] = 1;
}

int
rvu_cfg_facility_pos(struct rvu_cfg *c, const char *list)
{
	unsigned char set[100];
	const char *p = list;

	memset(set, 0, sizeof set);
	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (!isdigit((unsigned char)p[0]) ||
		    !isdigit((unsigned char)p[1]) ||
		    (p[2] != '\0' && p[2] != ',' && p[2] != ' '))
			return -1;
		set[(p[0] - '0') * 10 + (p[1] - '0')] = 1;
		p += 2;
	}
	memcpy(c->facility_pos, set, sizeof set);
	return 0;
}

struct rvu_pricer *
rvu_pricer_alloc(const struct rvu_db *db, const struct rvu_cfg *cfg)
{
	struct rvu_pricer *pr = xcalloc(1, sizeof *pr);

	pr->db = db;
	pr->cfg = *cfg;
	if (cfg->cf > 0)
		pr->cf = cfg->cf;
	else if (cfg->method == RVU_SIMPLE)
		pr->cf = 360400;	/* the seeds' 36.04 */
	else
		pr->cf = rvu_db_cf(db);
	snprintf(pr->year, sizeof pr->year, "%u", rvu_db_year(db));
	return pr;
}

void
rvu_pricer_free(struct rvu_pricer *pr)
{
	size_t i;

	if (pr == NULL)
		return;
	for (i = 0; i < pr->caplines; i++)
		if (pr->lines[i] != NULL) {
			buf_free(&pr->lines[i]->adj);
			buf_free(&pr->lines[i]->notes);
			free(pr->lines[i]);
		}
	free(pr->lines);
	buf_free(&pr->out);
	free(pr);
}

/* ---- small helpers ---- */

static rvu_i128
pow10i(int k)
{
	rvu_i128 v = 1;

	while (k-- > 0)
		v *= 10;
	return v;
}

/* Round a non-negative value of cents x 10^k half-up to cents. */
static int64_t
round_k(rvu_i128 v, int k)
{
	rvu_i128 d = pow10i(k);

	if (v < 0)
		v = 0;
	return (int64_t)((v + d / 2) / d);
}

/* cents -> value (cents x 10^VK) times the line's factor. */
static rvu_i128
scaled(const struct pline *l, int64_t cents)
{
	return (rvu_i128)cents * l->fnum * pow10i(VK - l->fk);
}

static void
factor(struct pline *l, int64_t num, int k)
{
	l->fnum *= num;
	l->fk += k;
}

static void
unpriced(struct pline *l, const char *rcode, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
unpriced(struct pline *l, const char *rcode, const char *fmt, ...)
{
	va_list ap;

	if (l->unpriced)
		return;		/* the first reason stands */
	l->unpriced = 1;
	l->rcode = rcode;
	va_start(ap, fmt);
	vsnprintf(l->reason, sizeof l->reason, fmt, ap);
	va_end(ap);
}

static void
note(struct pline *l, const char *text)
{
	jw_str(&l->nw, text);
}

static void
pct_raw(struct jw *w, const char *key, int64_t v, int dec)
{
	char t[RVU_DEC_FMT_SIZE];

	jw_key(w, key);
	rvu_dec_fmt(t, v, dec, 0);
	jw_raw(w, t, strlen(t));
}

static void
dec_raw(struct jw *w, const char *key, int64_t v, int dec, int mindec)
{
	char t[RVU_DEC_FMT_SIZE];

	jw_key(w, key);
	rvu_dec_fmt(t, v, dec, mindec);
	jw_raw(w, t, strlen(t));
}

/*
 * A string of the reference data or a cut of the input as ASCII: bytes
 * outside printable ASCII become '?', so that the output stays valid UTF-8
 * whatever the files held.
 */
static void
kstr_ascii(struct jw *w, const char *key, const char *s, size_t n)
{
	char tmp[512];
	size_t i;

	if (n == 0)
		return;
	if (n >= sizeof tmp)
		n = sizeof tmp - 1;
	for (i = 0; i < n; i++)
		tmp[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	jw_kstrn_opt(w, key, tmp, n);
}

/* Begin an adjustment object {"code":code,...}; close with jw_obj_end. */
static struct jw *
adj(struct pline *l, const char *code)
{
	jw_obj(&l->aw);
	jw_kstr(&l->aw, "code", code);
	return &l->aw;
}

static const char *
status_meaning(char s)
{
	switch (s) {
	case 'B': return "bundled: never paid separately";
	case 'C': return "contractor-priced: no national RVUs";
	case 'D': return "deleted code";
	case 'E': return "excluded from the fee schedule by regulation";
	case 'F': return "deleted code, no grace period";
	case 'G': return "not valid for Medicare (grace period)";
	case 'H': return "deleted modifier: this component is no longer "
	    "priced separately";
	case 'I': return "not valid for Medicare";
	case 'J': return "anesthesia service: paid with base and time units, "
	    "not RVUs";
	case 'M': return "measurement code: reporting only, no payment";
	case 'N': return "non-covered service";
	case 'P': return "bundled or excluded: no separate payment";
	case 'X': return "statutory exclusion: not paid under the fee schedule";
	default: return "status code without payment under the fee schedule";
	}
}

/* Copy a string member of n at path, upper-cased, into out. */
static int
get_code(const struct jdoc *d, int n, const char *path, char *out,
    size_t outsz)
{
	const char *s = jdoc_pstr(d, n, path);
	size_t i;

	if (s == NULL || *s == '\0')
		return -1;
	for (i = 0; s[i] != '\0' && i + 1 < outsz; i++)
		out[i] = (char)toupper((unsigned char)s[i]);
	out[i] = '\0';
	return s[i] == '\0' ? 0 : 1;	/* 1: too long */
}

/* Units x 1000 from a JSON number (or numeric string); -1 when invalid. */
static int
get_units(const struct jdoc *d, int n, int64_t *m)
{
	const char *raw;
	size_t len;

	if (n < 0) {
		*m = 1000;
		return 1;	/* absent: 1, noted */
	}
	if (jdoc_type(d, n) == J_STRING)
		raw = jdoc_str(d, n, &len);
	else if (jdoc_type(d, n) == J_NUMBER)
		raw = jdoc_raw(d, n, &len);
	else
		return -1;
	if (rvu_dec_parse(raw, len, 3, 0, m) != NULL || *m <= 0 ||
	    *m > INT64_C(99999999))
		return -1;
	return 0;
}

/* ---- locality ---- */

static int
zip_locality(struct rvu_pricer *pr, const char *zip, const char *src,
    const struct rvu_loc **loc, const char **why_src, char *why,
    size_t whysz)
{
	const struct rvu_zip *z;
	uint32_t v = 0;
	int i;

	*why_src = src;
	for (i = 0; i < 5; i++) {
		if (!isdigit((unsigned char)zip[i])) {
			snprintf(why, whysz, "the %s is not a ZIP code", src);
			return -1;
		}
		v = v * 10 + (uint32_t)(zip[i] - '0');
	}
	if (rvu_db_nzips(pr->db) == 0) {
		snprintf(why, whysz, "no ZIP5 file loaded: give the locality "
		    "(--locality)");
		return -1;
	}
	if ((z = rvu_find_zip(pr->db, v)) == NULL) {
		snprintf(why, whysz, "ZIP %05u (%s) is not in the ZIP5 file",
		    (unsigned)v, src);
		return -1;
	}
	if (z->loc == RVU_NOLOC || (*loc = rvu_db_loc(pr->db, z->loc)) ==
	    NULL) {
		snprintf(why, whysz, "locality %05u-%02u of ZIP %05u is not in "
		    "the GPCI file", (unsigned)z->carrier,
		    (unsigned)z->locality, (unsigned)v);
		return -1;
	}
	return z->plus4 == '1' ? 1 : 0;
}

/* ---- the fee of one row ---- */

static int32_t
pe_of(const struct rvu_row *r, int facility)
{
	return facility ? r->pe_f : r->pe_nf;
}

/* Fee of row r at loc in cents, OPPS cap applied; pfs/opps when wanted. */
static int64_t
row_fee(const struct rvu_pricer *pr, const struct rvu_row *r,
    const struct rvu_loc *loc, int facility, int64_t *pfs, int64_t *opps)
{
	int64_t a, o;

	a = rvu_round_cents(rvu_fee_exact(r->work, pe_of(r, facility), r->mp,
	    loc, pr->cf));
	if (pfs != NULL)
		*pfs = a;
	if (!(r->flags & RVU_F_OPPS))
		return a;
	o = rvu_round_cents(rvu_fee_exact(r->work, facility ? r->opps_pe_f :
	    r->opps_pe_nf, r->opps_mp, loc, pr->cf));
	if (opps != NULL)
		*opps = o;
	return o < a ? o : a;
}

/* ---- reading a line ---- */

static struct pline *
line_slot(struct rvu_pricer *pr, size_t i)
{
	struct pline *l;

	if (i >= pr->caplines) {
		size_t nc = pr->caplines ? pr->caplines * 2 : 16, j;

		while (nc <= i)
			nc *= 2;
		pr->lines = xreallocarray(pr->lines, nc, sizeof *pr->lines);
		for (j = pr->caplines; j < nc; j++)
			pr->lines[j] = NULL;
		pr->caplines = nc;
	}
	if (pr->lines[i] == NULL)
		pr->lines[i] = xcalloc(1, sizeof **pr->lines);
	l = pr->lines[i];
	{
		struct buf a = l->adj, n = l->notes;

		memset(l, 0, sizeof *l);
		buf_reset(&a);
		buf_reset(&n);
		l->adj = a;
		l->notes = n;
	}
	jw_init(&l->aw, &l->adj);
	jw_arr(&l->aw);
	jw_init(&l->nw, &l->notes);
	jw_arr(&l->nw);
	l->fnum = 1;
	l->units_m = 1000;
	l->rowmod = "";
	l->date = "";
	l->prov = "";
	return l;
}

static int
has_mod(const struct pline *l, const char *m)
{
	int i;

	for (i = 0; i < l->nmods; i++)
		if (strcmp(l->mods[i], m) == 0)
			return 1;
	return 0;
}

static void
read_line(struct rvu_pricer *pr, const struct jdoc *d, struct pline *l,
    const char *claim_pos, const char *claim_date, const char *claim_prov)
{
	const char *s;
	int m, r;
	int64_t c;

	r = get_code(d, l->node, "procedure_code", l->code, sizeof l->code);
	if (r < 0)
		unpriced(l, "no_procedure_code", "the line has no procedure "
		    "code");
	else if (r > 0 || strlen(l->code) != 5)
		unpriced(l, "unknown_code", "procedure code is not a "
		    "5-character HCPCS code");
	for (m = jdoc_first(d, jdoc_get(d, l->node, "modifiers")); m >= 0;
	    m = jdoc_next(d, m)) {
		const char *ms = jdoc_str(d, m, NULL);
		size_t i;

		if (ms == NULL || l->nmods == MAXMODS)
			continue;
		for (i = 0; i < 2 && ms[i] != '\0'; i++)
			l->mods[l->nmods][i] =
			    (char)toupper((unsigned char)ms[i]);
		l->mods[l->nmods][i] = '\0';
		if (ms[i] == '\0' && i == 2)
			l->nmods++;
	}
	switch (get_units(d, jdoc_get(d, l->node, "units"), &l->units_m)) {
	case 1:
		note(l, "no units on the line: 1 unit assumed");
		break;
	case -1:
		unpriced(l, "invalid_units", "units must be a number above 0 "
		    "with at most 3 decimals");
		break;
	}
	m = jdoc_get(d, l->node, "charge");
	if (m >= 0 && jdoc_cents(d, m, &c) == NULL && c >= 0) {
		l->charge = c;
		l->has_charge = 1;
	}
	s = jdoc_pstr(d, l->node, "place_of_service");
	if (s == NULL || *s == '\0')
		s = claim_pos;
	if (s != NULL && strlen(s) == 2 && isdigit((unsigned char)s[0]) &&
	    isdigit((unsigned char)s[1])) {
		memcpy(l->pos, s, 3);
		l->facility = pr->cfg.facility_pos[(s[0] - '0') * 10 +
		    (s[1] - '0')];
	} else
		l->pos[0] = '\0';
	s = jdoc_pstr(d, l->node, "service_date");
	l->date = s != NULL ? s : claim_date;
	s = jdoc_pstr(d, l->node, "providers.rendering.npi");
	l->prov = s != NULL ? s : claim_prov;
}

/* ---- the seeds' formula ---- */

static void
price_simple(struct rvu_pricer *pr, struct pline *l)
{
	int64_t total;

	if (l->unpriced)
		return;
	if ((l->row = rvu_find(pr->db, l->code, NULL)) == NULL) {
		unpriced(l, "unknown_code", "procedure code %s is not in the "
		    "RVU file", l->code);
		return;
	}
	if (!rvu_row_ok(l->row)) {
		l->row = NULL;
		unpriced(l, "bad_reference_data", "the RVU row of %s is out "
		    "of range: the index is damaged", l->code);
		return;
	}
	total = (int64_t)l->row->work + l->row->pe_nf + l->row->mp;
	if (total == 0) {
		unpriced(l, "no_rvus", "procedure code %s has no RVUs "
		    "(status %c)", l->code, l->row->status);
		return;
	}
	/* RVU x10^4 times CF x10^4: cents x 10^6. */
	if (round_k((rvu_i128)total * pr->cf, 6) > RVU_FEE_MAX) {
		unpriced(l, "amount_out_of_range", "the amount of one unit is "
		    "above $10,000,000");
		return;
	}
	/* RVU x10^4, units x10^3, CF x10^4: cents x 10^9. */
	l->amount = round_k((rvu_i128)total * l->units_m * pr->cf, 9);
	l->allowed = l->amount;
}

/* ---- the PFS rules for one line ---- */

static void
price_pfs(struct rvu_pricer *pr, struct pline *l)
{
	const struct rvu_row *r;
	int has26, hastc, has53, bilat_trigger, asst80, asstAS;
	char yr[5];
	int64_t share;

	if (l->unpriced)
		return;
	has26 = has_mod(l, "26");
	hastc = has_mod(l, "TC");
	has53 = has_mod(l, "53");
	if ((has26 && hastc) || (has53 && (has26 || hastc))) {
		unpriced(l, "conflicting_modifiers", "modifiers %s together "
		    "name no single RVU row", has26 && hastc ? "26 and TC" :
		    "53 and 26/TC");
		return;
	}
	l->rowmod = has26 ? "26" : hastc ? "TC" : has53 ? "53" : "";
	if ((r = rvu_find(pr->db, l->code, l->rowmod)) == NULL) {
		const struct rvu_row *g = rvu_find_code(pr->db, l->code);

		if (g == NULL || !rvu_row_ok(g))
			unpriced(l, "unknown_code", "procedure code %s is not "
			    "in the %u RVU file", l->code, rvu_db_year(pr->db));
		else if (has53)
			unpriced(l, "by_report", "discontinued procedure (53): "
			    "no RVU row for %s-53, priced by individual "
			    "consideration", l->code);
		else
			unpriced(l, "missing_modifier_row", "no RVU row for "
			    "%s-%s (PC/TC indicator %c): the modifier does not "
			    "apply to this code", l->code, l->rowmod, g->pctc);
		return;
	}
	if (!rvu_row_ok(r)) {
		unpriced(l, "bad_reference_data", "the RVU row of %s is out of "
		    "range: the index is damaged", l->code);
		return;
	}
	l->row = r;
	if (r->status != 'A' && r->status != 'R' && r->status != 'T') {
		unpriced(l, "status_not_priced", "status %c: %s", r->status,
		    status_meaning(r->status));
		return;
	}
	/* One year of data: another year's service is not priced with it. */
	if (strlen(l->date) >= 4) {
		memcpy(yr, l->date, 4);
		yr[4] = '\0';
		if (strcmp(yr, pr->year) != 0) {
			unpriced(l, "no_fee_schedule", "service date %.10s is "
			    "outside the %s fee schedule loaded", l->date,
			    pr->year);
			return;
		}
	} else
		note(l, "no service date: priced with the loaded fee schedule");
	if (l->loc == NULL) {
		unpriced(l, "unknown_locality", "%s", pr->locwhy);
		return;
	}
	if (l->pos[0] == '\0')
		note(l, "no place of service: non-facility rate");
	if ((int64_t)r->work + pe_of(r, l->facility) + r->mp == 0) {
		unpriced(l, "no_rvus", "%s%s%s has no RVUs for this setting: "
		    "contractor-priced (status %c)", l->code,
		    *l->rowmod ? "-" : "", l->rowmod, r->status);
		return;
	}
	if (r->flags & (l->facility ? RVU_F_NA_F : RVU_F_NA_NF))
		note(l, l->facility ? "facility PE RVUs marked NA: rarely or "
		    "never done in a facility" : "non-facility PE RVUs marked "
		    "NA: rarely or never done outside a facility");

	l->exact = rvu_fee_exact(r->work, pe_of(r, l->facility), r->mp, l->loc,
	    pr->cf);
	l->fee = row_fee(pr, r, l->loc, l->facility, &l->pfs, &l->opps);
	l->opps_subject = (r->flags & RVU_F_OPPS) != 0;
	if (l->fee > RVU_FEE_MAX) {
		unpriced(l, "amount_out_of_range", "the fee of one unit is "
		    "above $10,000,000: not a fee schedule amount");
		return;
	}
	l->has_fee = 1;
	if (l->opps_subject && l->opps < l->pfs) {
		struct jw *w = adj(l, "opps_cap");

		jw_kcents(w, "pfs_amount", l->pfs);
		jw_kcents(w, "opps_amount", l->opps);
		jw_obj_end(w);
	}

	/* Payment rules that leave the line to manual pricing. */
	if (has_mod(l, "52")) {
		unpriced(l, "by_report", "reduced services (52) are priced by "
		    "individual consideration");
		return;
	}
	if (has_mod(l, "66")) {
		if (r->team == '0')
			unpriced(l, "not_permitted", "team surgery (66) is not "
			    "permitted for %s (TEAM SURG 0)", l->code);
		else if (r->team == '1' || r->team == '2')
			unpriced(l, "by_report", "team surgery (66) is priced "
			    "by report (TEAM SURG %c)", r->team);
		else
			unpriced(l, "not_applicable", "team surgery does not "
			    "apply to %s (TEAM SURG %c)", l->code, r->team);
		return;
	}

	/* Global surgery split: 54 surgical care, 55 post-op, 56 pre-op. */
	share = 0;
	if (has_mod(l, "54"))
		share += r->pre + r->intra;
	if (has_mod(l, "55"))
		share += r->post;
	if (has_mod(l, "56"))
		share += r->pre;
	if (has_mod(l, "54") || has_mod(l, "55") || has_mod(l, "56")) {
		struct jw *w;

		if (share == 0) {
			unpriced(l, "not_applicable", "no pre-, intra- and "
			    "post-operative shares for %s (GLOB DAYS %.3s)",
			    l->code, r->glob);
			return;
		}
		factor(l, share, 4);
		w = adj(l, "global_surgery_split");
		jw_kstr(w, "modifiers", has_mod(l, "54") ? (has_mod(l, "55") ?
		    "54+55" : "54") : has_mod(l, "55") ? "55" : "56");
		pct_raw(w, "percent", share, 2);
		jw_obj_end(w);
	}

	/* Bilateral: 50, or RT and LT on one line, or 2 units of a code
	 * whose indicator is 1. */
	bilat_trigger = has_mod(l, "50") ||
	    (has_mod(l, "RT") && has_mod(l, "LT")) ||
	    (r->bilat == '1' && l->units_m == 2000);
	if (bilat_trigger) {
		struct jw *w;
		int64_t pct = 100;

		switch (r->bilat) {
		case '1':
			pct = 150;
			break;
		case '3':
			pct = 200;
			break;
		case '0':
		case '2':
			break;
		default:
			unpriced(l, "not_applicable", "bilateral surgery does "
			    "not apply to %s (BILAT SURG %c)", l->code,
			    r->bilat);
			return;
		}
		l->bilateral = 1;
		factor(l, pct, 2);
		w = adj(l, "bilateral");
		jw_kstr(w, "indicator", (char[2]){ r->bilat, '\0' });
		pct_raw(w, "percent", pct, 0);
		jw_obj_end(w);
		if (r->bilat == '0')
			note(l, "bilateral indicator 0: the 150% adjustment "
			    "does not apply, one side paid");
		else if (r->bilat == '2')
			note(l, "bilateral indicator 2: the code is already "
			    "bilateral, paid once");
		if (l->units_m != 1000)
			note(l, "bilateral line: units do not multiply the "
			    "amount");
	}

	if (has_mod(l, "62")) {
		struct jw *w;

		if (r->cosurg == '0') {
			unpriced(l, "not_permitted", "co-surgery (62) is not "
			    "permitted for %s (CO-SURG 0)", l->code);
			return;
		}
		if (r->cosurg != '1' && r->cosurg != '2') {
			unpriced(l, "not_applicable", "co-surgery does not "
			    "apply to %s (CO-SURG %c)", l->code, r->cosurg);
			return;
		}
		factor(l, 625, 3);
		w = adj(l, "co_surgery");
		jw_kstr(w, "modifier", "62");
		pct_raw(w, "percent", 625, 1);
		jw_obj_end(w);
		if (r->cosurg == '1')
			note(l, "co-surgery indicator 1: paid with "
			    "documentation of medical necessity");
	}

	asst80 = has_mod(l, "80") || has_mod(l, "81") || has_mod(l, "82");
	asstAS = has_mod(l, "AS");
	if (asst80 || asstAS) {
		struct jw *w;
		const char *which = asstAS ? "AS" : has_mod(l, "80") ? "80" :
		    has_mod(l, "81") ? "81" : "82";

		if (r->asst == '1') {
			unpriced(l, "not_permitted", "assistant at surgery "
			    "(%s) is never paid for %s (ASST SURG 1)", which,
			    l->code);
			return;
		}
		if (r->asst != '0' && r->asst != '2') {
			unpriced(l, "not_applicable", "assistant at surgery "
			    "does not apply to %s (ASST SURG %c)", l->code,
			    r->asst);
			return;
		}
		w = adj(l, "assistant_at_surgery");
		jw_kstr(w, "modifier", which);
		if (asstAS) {
			factor(l, 136, 3);
			pct_raw(w, "percent", 136, 1);
		} else {
			factor(l, 16, 2);
			pct_raw(w, "percent", 16, 0);
		}
		jw_obj_end(w);
		if (r->asst == '0')
			note(l, "assistant-at-surgery indicator 0: paid only "
			    "with documentation of medical necessity");
	}

	/* Instances: the units of a multiple-procedure code rank one by one. */
	if (has_mod(l, "51") && (r->mult == '0' || r->mult == '9'))
		note(l, "modifier 51 on a code exempt from the multiple "
		    "procedure rules (MULT PROC 0 or 9): no reduction");
	switch (r->mult) {
	case '1':
	case '2':
	case '3':
		l->group = G_SURG;
		break;
	case '4':
		l->group = G_IMAGING;
		break;
	case '5':
		l->group = G_THERAPY;
		break;
	case '6':
		l->group = G_CARDIO;
		break;
	case '7':
		l->group = G_OPHTH;
		break;
	default:
		l->group = G_NONE;
		break;
	}
	if (l->bilateral) {
		l->n = 1;
		l->v = scaled(l, l->fee);
	} else if (l->group != G_NONE && l->units_m % 1000 == 0) {
		l->n = l->units_m / 1000;
		l->v = scaled(l, l->fee);
	} else {
		/* Fractional units (or no ranking): one instance. */
		factor(l, l->units_m, 3);
		l->n = 1;
		l->v = scaled(l, l->fee);
	}

	if (l->group == G_IMAGING || l->group == G_CARDIO ||
	    l->group == G_OPHTH) {
		const struct rvu_row *t, *p;

		l->split = 1;
		if (strcmp(l->rowmod, "TC") == 0)
			l->tc_fee = l->fee;
		else if (strcmp(l->rowmod, "26") == 0)
			l->pc_fee = l->fee;
		else if (r->pctc == '3')
			l->tc_fee = l->fee;
		else if (r->pctc == '2')
			l->pc_fee = l->fee;
		else if (r->pctc == '1' &&
		    (t = rvu_find(pr->db, l->code, "TC")) != NULL &&
		    (p = rvu_find(pr->db, l->code, "26")) != NULL &&
		    rvu_row_ok(t) && rvu_row_ok(p)) {
			l->tc_fee = row_fee(pr, t, l->loc, l->facility, NULL,
			    NULL);
			l->pc_fee = row_fee(pr, p, l->loc, l->facility, NULL,
			    NULL);
		} else
			l->split = 0;
	}
	if (l->group == G_THERAPY) {
		/* CMS's "50% therapy reduction amount": PE halved. */
		rvu_i128 x = rvu_fee_exact(2 * (int64_t)r->work,
		    pe_of(r, l->facility), 2 * (int64_t)r->mp, l->loc, pr->cf);
		rvu_i128 unit = (rvu_i128)10000000000LL;

		l->therapy_fee = (int64_t)((x + unit) / (2 * unit));
		l->pe_cents = rvu_round_cents((rvu_i128)pe_of(r, l->facility) *
		    l->loc->gpci_pe * pr->cf);
	}
}

/* ---- rules across lines ---- */

/* The ENDO BASE of r as a C string (6 bytes). */
static char *
endo_code(const struct rvu_row *r, char *out)
{
	memcpy(out, r->endo, 5);
	out[5] = '\0';
	return out;
}

static int
same_group(const struct pline *a, const struct pline *b, int by_provider)
{
	if (strcmp(a->date, b->date) != 0)
		return 0;
	return !by_provider || strcmp(a->prov, b->prov) == 0;
}

/* T status: paid only when no other PFS service that day. */
static void
rule_injections(struct rvu_pricer *pr)
{
	size_t i, j;

	for (i = 0; i < pr->nlines; i++) {
		struct pline *l = pr->lines[i];

		if (l->node < 0 || l->unpriced || l->row == NULL ||
		    l->row->status != 'T')
			continue;
		for (j = 0; j < pr->nlines; j++) {
			struct pline *o = pr->lines[j];

			if (j == i || o->node < 0 || o->row == NULL ||
			    (o->row->status != 'A' && o->row->status != 'R') ||
			    !same_group(l, o, 1))
				continue;
			unpriced(l, "bundled_injection", "status T: paid only "
			    "when no other fee schedule service is billed "
			    "the same day (line %zu is)", j + 1);
			break;
		}
	}
}

/* Percent (x1) of rank r (1-based) under multiple procedure indicator. */
static int
mppr_pct(char ind, int64_t r)
{
	if (r == 1)
		return 100;
	if (ind == '1')
		return r == 2 ? 50 : 25;
	return r <= 5 ? 50 : -1;	/* 6th and later: by report */
}

struct proc {
	rvu_i128	 v;		/* ranking value of one instance */
	int64_t		 n;
	size_t		 first;		/* smallest line index */
	char		 ind;
	struct pline	*line;		/* NULL for a family */
	int		 fam;		/* family id */
};

static int
cmp_proc(const void *a, const void *b)
{
	const struct proc *x = a, *y = b;

	if (x->v != y->v)
		return x->v > y->v ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

static void
mppr_adj(struct pline *l, char ind, int64_t r0, int64_t n, int64_t group_n)
{
	struct jw *w;
	int64_t r;

	if (group_n < 2)
		return;
	w = adj(l, "multiple_procedure");
	jw_kstr(w, "indicator", (char[2]){ ind, '\0' });
	jw_key(w, "ranks");
	jw_arr(w);
	for (r = r0; r < r0 + n && r < r0 + 50; r++)
		jw_int(w, r);
	jw_arr_end(w);
	jw_key(w, "percents");
	jw_arr(w);
	for (r = r0; r < r0 + n && r < r0 + 50; r++) {
		int p = mppr_pct(ind, r);

		if (p < 0)
			jw_null(w);
		else
			jw_int(w, p);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

/*
 * Surgical multiple procedures (indicators 1, 2, 3) of one day and one
 * provider.  Endoscopies (3) of one family (ENDO BASE) are first reduced
 * to one procedure: the highest pays in full, each other pays its amount
 * minus its base endoscopy's, and a billed base code pays nothing; then
 * the family ranks as one procedure among the others.
 */
static void
rule_surgery(struct rvu_pricer *pr, size_t *idx, size_t ni)
{
	struct proc *pv = xreallocarray(NULL, ni + 1, sizeof *pv);
	size_t np = 0, i, j;
	int64_t rank = 1, total_n = 0;
	int fam_next = 1, f;
	int *fam = xcalloc(ni + 1, sizeof *fam);
	rvu_i128 *contrib = xcalloc(ni + 1, sizeof *contrib);
	char ec[6];

	/* Families: members (mult 3 with an ENDO BASE whose row exists) and
	 * billed base codes of those families. */
	for (i = 0; i < ni; i++) {
		struct pline *l = pr->lines[idx[i]];
		const struct rvu_row *base;

		if (l->row->mult != '3' || fam[i] != 0)
			continue;
		if (l->row->endo[0] == ' ' || (base = rvu_find(pr->db,
		    endo_code(l->row, ec), l->rowmod)) == NULL ||
		    !rvu_row_ok(base)) {
			note(l, "endoscopy without a base code row: ranked as "
			    "a standard multiple procedure");
			continue;
		}
		fam[i] = fam_next;
		for (j = i + 1; j < ni; j++) {
			struct pline *o = pr->lines[idx[j]];

			if (fam[j] == 0 && o->row->mult == '3' &&
			    memcmp(o->row->endo, l->row->endo, 5) == 0 &&
			    strcmp(o->rowmod, l->rowmod) == 0)
				fam[j] = fam_next;
		}
		for (j = 0; j < ni; j++) {
			struct pline *o = pr->lines[idx[j]];

			if (fam[j] == 0 && memcmp(o->code, l->row->endo, 5) ==
			    0 && strcmp(o->rowmod, l->rowmod) == 0)
				fam[j] = fam_next;
		}
		fam_next++;
	}
	for (i = 0; i < ni; i++) {
		struct pline *l = pr->lines[idx[i]];

		total_n += l->n;
		if (fam[i] != 0) {
			const struct rvu_row *base = rvu_find(pr->db,
			    endo_code(l->row, ec), l->rowmod);

			/* A billed base code is its own base. */
			if (l->row->mult != '3' || base == NULL ||
			    !rvu_row_ok(base))
				l->base_fee = l->fee;
			else
				l->base_fee = row_fee(pr, base, l->loc,
				    l->facility, NULL, NULL);
			continue;
		}
		pv[np].v = l->v;
		pv[np].n = l->n;
		pv[np].first = idx[i];
		pv[np].ind = l->row->mult == '1' ? '1' : '2';
		pv[np].line = l;
		pv[np].fam = 0;
		np++;
	}
	/* Each family: its value, and what each member contributes. */
	for (f = 1; f < fam_next; f++) {
		size_t top = ni;
		rvu_i128 sum = 0;

		for (i = 0; i < ni; i++)
			if (fam[i] == f && (top == ni ||
			    pr->lines[idx[i]]->v > pr->lines[idx[top]]->v))
				top = i;
		if (top == ni)
			continue;
		for (i = 0; i < ni; i++) {
			struct pline *l = pr->lines[idx[i]];
			rvu_i128 d;
			int64_t k;

			if (fam[i] != f)
				continue;
			d = l->v - scaled(l, l->base_fee);
			if (d < 0)
				d = 0;
			for (k = 0; k < l->n; k++)
				contrib[i] += (i == top && k == 0) ? l->v : d;
			sum += contrib[i];
			if (l->row->mult != '3' && i != top)
				note(l, "base endoscopy billed with a member "
				    "of its family: not paid separately");
			if (i != top || l->n > 1) {
				struct jw *w = adj(l, "endoscopy_family");

				jw_kstr(w, "base", l->row->mult == '3' ?
				    endo_code(l->row, ec) : l->code);
				jw_kcents(w, "base_amount", l->base_fee);
				jw_obj_end(w);
			}
		}
		pv[np].v = sum;
		pv[np].n = 1;
		pv[np].first = idx[top];
		pv[np].ind = '2';
		pv[np].line = NULL;
		pv[np].fam = f;
		np++;
	}
	qsort(pv, np, sizeof *pv, cmp_proc);
	for (i = 0; i < np; i++) {
		struct proc *p = &pv[i];

		if (p->line != NULL) {
			struct pline *l = p->line;
			int64_t k;

			l->total = 0;
			for (k = 0; k < l->n; k++) {
				int pc = mppr_pct(p->ind, rank + k);

				if (pc < 0) {
					unpriced(l, "by_report", "more than "
					    "five procedures the same day: "
					    "the sixth and later are priced "
					    "by report");
					break;
				}
				l->total += l->v * pc / 100;
			}
			mppr_adj(l, p->ind, rank, l->n, total_n);
			l->done = 1;
			rank += l->n;
			continue;
		}
		for (j = 0; j < ni; j++) {
			struct pline *l = pr->lines[idx[j]];
			int pc = mppr_pct('2', rank);

			if (fam[j] != p->fam)
				continue;
			if (pc < 0)
				unpriced(l, "by_report", "more than five "
				    "procedures the same day: the sixth and "
				    "later are priced by report");
			else
				l->total = contrib[j] * pc / 100;
			mppr_adj(l, '2', rank, 1, total_n);
			l->done = 1;
		}
		rank++;
	}
	free(pv);
	free(fam);
	free(contrib);
}

struct inst {
	rvu_i128	 key;
	size_t		 line;		/* index into idx */
	int64_t		 k;		/* instance of the line */
};

static int
cmp_inst(const void *a, const void *b)
{
	const struct inst *x = a, *y = b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

/*
 * Rank the instances of lines idx[0..ni) by key (TC amount, PC amount or
 * PE amount); out[i] counts the instances of line i that are not first.
 */
static void
rank_instances(struct rvu_pricer *pr, size_t *idx, size_t ni, int which,
    int64_t *out)
{
	struct inst *iv;
	size_t n = 0, i, cap = 0;

	for (i = 0; i < ni; i++)
		cap += (size_t)pr->lines[idx[i]]->n;
	iv = xreallocarray(NULL, cap + 1, sizeof *iv);
	for (i = 0; i < ni; i++) {
		struct pline *l = pr->lines[idx[i]];
		rvu_i128 key;
		int64_t k;

		key = scaled(l, which == 0 ? l->tc_fee : which == 1 ?
		    l->pc_fee : l->pe_cents);
		out[i] = 0;
		if (which < 2 && key == 0)
			continue;	/* no such component */
		for (k = 0; k < l->n; k++) {
			iv[n].key = key;
			iv[n].line = i;
			iv[n].k = k;
			n++;
		}
	}
	qsort(iv, n, sizeof *iv, cmp_inst);
	for (i = 1; i < n; i++)
		out[iv[i].line]++;
	free(iv);
}

static void
rule_components(struct rvu_pricer *pr, size_t *idx, size_t ni, enum group g)
{
	int64_t *tcred = xcalloc(ni + 1, sizeof *tcred);
	int64_t *pcred = xcalloc(ni + 1, sizeof *pcred);
	int64_t total_n = 0;
	int tcpct, pcpct;
	size_t i;

	tcpct = g == G_IMAGING ? 50 : g == G_CARDIO ? 25 : 20;
	pcpct = g == G_IMAGING ? 5 : 0;
	for (i = 0; i < ni; i++)
		total_n += pr->lines[idx[i]]->n;
	if (total_n >= 2) {
		rank_instances(pr, idx, ni, 0, tcred);
		if (pcpct > 0)
			rank_instances(pr, idx, ni, 1, pcred);
	}
	for (i = 0; i < ni; i++) {
		struct pline *l = pr->lines[idx[i]];
		struct jw *w;

		l->total = l->v * l->n;
		if (!l->split) {
			if (total_n >= 2)
				note(l, "no PC/TC split for this code: not "
				    "reduced by the multiple procedure rule");
			l->done = 1;
			continue;
		}
		l->total -= scaled(l, l->tc_fee) * tcred[i] * tcpct / 100;
		l->total -= scaled(l, l->pc_fee) * pcred[i] * pcpct / 100;
		if (tcred[i] > 0) {
			w = adj(l, g == G_IMAGING ? "imaging_tc_reduction" :
			    g == G_CARDIO ? "cardiovascular_tc_reduction" :
			    "ophthalmology_tc_reduction");
			jw_kcents(w, "tc_amount", l->tc_fee);
			pct_raw(w, "percent", tcpct, 0);
			jw_kint(w, "instances", tcred[i]);
			jw_obj_end(w);
		}
		if (pcred[i] > 0) {
			w = adj(l, "imaging_pc_reduction");
			jw_kcents(w, "pc_amount", l->pc_fee);
			pct_raw(w, "percent", pcpct, 0);
			jw_kint(w, "instances", pcred[i]);
			jw_obj_end(w);
		}
		l->done = 1;
	}
	free(tcred);
	free(pcred);
}

static void
rule_therapy(struct rvu_pricer *pr, size_t *idx, size_t ni)
{
	int64_t *red = xcalloc(ni + 1, sizeof *red);
	int64_t total_n = 0;
	size_t i;

	for (i = 0; i < ni; i++)
		total_n += pr->lines[idx[i]]->n;
	if (total_n >= 2)
		rank_instances(pr, idx, ni, 2, red);
	for (i = 0; i < ni; i++) {
		struct pline *l = pr->lines[idx[i]];

		l->total = l->v * (l->n - red[i]) +
		    scaled(l, l->therapy_fee) * red[i];
		if (red[i] > 0) {
			struct jw *w = adj(l, "therapy_pe_reduction");

			jw_kcents(w, "reduced_amount", l->therapy_fee);
			pct_raw(w, "pe_percent", 50, 0);
			jw_kint(w, "instances", red[i]);
			jw_obj_end(w);
		}
		l->done = 1;
	}
	free(red);
}

static void
rule_groups(struct rvu_pricer *pr)
{
	size_t *idx = xreallocarray(NULL, pr->nlines + 1, sizeof *idx);
	unsigned char *seen = xcalloc(pr->nlines + 1, 1);
	size_t i, j, ni;

	for (i = 0; i < pr->nlines; i++) {
		struct pline *l = pr->lines[i];
		int byprov;

		if (seen[i] || l->node < 0 || l->unpriced || !l->has_fee ||
		    l->group == G_NONE)
			continue;
		/* Therapy reductions apply across the practice that day. */
		byprov = l->group != G_THERAPY;
		ni = 0;
		for (j = i; j < pr->nlines; j++) {
			struct pline *o = pr->lines[j];

			if (seen[j] || o->node < 0 || o->unpriced ||
			    !o->has_fee || o->group != l->group ||
			    !same_group(l, o, byprov))
				continue;
			seen[j] = 1;
			idx[ni++] = j;
		}
		switch (l->group) {
		case G_SURG:
			rule_surgery(pr, idx, ni);
			break;
		case G_THERAPY:
			rule_therapy(pr, idx, ni);
			break;
		default:
			rule_components(pr, idx, ni, l->group);
			break;
		}
	}
	free(idx);
	free(seen);
}

/* ---- output ---- */

static void
write_units(struct jw *w, int64_t m)
{
	dec_raw(w, "units", m, 3, 0);
}

static void
write_loc(struct rvu_pricer *pr, struct jw *w, const struct rvu_loc *l)
{
	char s[16];

	snprintf(s, sizeof s, "%.5s-%.2s", l->carrier, l->locality);
	jw_kstr(w, "locality", s);
	(void)pr;
}

static void
write_explain(struct rvu_pricer *pr, struct jw *w, const struct pline *l)
{
	const struct rvu_row *r = l->row;
	char t[64];

	if (r == NULL)
		return;
	jw_key(w, "explain");
	jw_obj(w);
	jw_kstr(w, "hcpcs", l->code);
	if (*l->rowmod)
		jw_kstr(w, "modifier", l->rowmod);
	jw_kstr(w, "rvu_status", (char[2]){ r->status, '\0' });
	jw_kstr(w, "pctc", (char[2]){ r->pctc, '\0' });
	snprintf(t, sizeof t, "%.3s", r->glob);
	jw_kstr(w, "global_days", t);
	jw_kstr(w, "mult_proc", (char[2]){ r->mult, '\0' });
	jw_kstr(w, "bilat_surg", (char[2]){ r->bilat, '\0' });
	jw_kstr(w, "asst_surg", (char[2]){ r->asst, '\0' });
	jw_kstr(w, "co_surg", (char[2]){ r->cosurg, '\0' });
	jw_kstr(w, "team_surg", (char[2]){ r->team, '\0' });
	if (r->endo[0] != ' ') {
		snprintf(t, sizeof t, "%.5s", r->endo);
		jw_kstr(w, "endo_base", t);
	}
	dec_raw(w, "work_rvu", r->work, RVU_DEC, 2);
	if (pr->cfg.method == RVU_SIMPLE) {
		dec_raw(w, "pe_rvu", r->pe_nf, RVU_DEC, 2);
		dec_raw(w, "mp_rvu", r->mp, RVU_DEC, 2);
		dec_raw(w, "total_rvu", (int64_t)r->work + r->pe_nf + r->mp,
		    RVU_DEC, 2);
		dec_raw(w, "conversion_factor", pr->cf, RVU_DEC, 2);
		jw_obj_end(w);
		return;
	}
	dec_raw(w, "pe_rvu", pe_of(r, l->facility), RVU_DEC, 2);
	dec_raw(w, "mp_rvu", r->mp, RVU_DEC, 2);
	if (l->loc != NULL && l->has_fee) {
		dec_raw(w, "work_gpci", l->loc->gpci_work, RVU_DEC, 3);
		dec_raw(w, "pe_gpci", l->loc->gpci_pe, RVU_DEC, 3);
		dec_raw(w, "mp_gpci", l->loc->gpci_mp, RVU_DEC, 3);
		dec_raw(w, "conversion_factor", pr->cf, RVU_DEC, 4);
		{
			/* The exact product before rounding, in dollars. */
			rvu_i128 x = l->exact;
			const rvu_i128 d = (rvu_i128)1000000000000LL;
			int64_t whole = (int64_t)(x / d);
			int64_t frac = (int64_t)(x % d);
			char buf[64], fr[16];
			int k;

			snprintf(fr, sizeof fr, "%012lld", (long long)frac);
			for (k = 11; k > 1 && fr[k] == '0'; k--)
				fr[k] = '\0';
			snprintf(buf, sizeof buf, "%lld.%s", (long long)whole,
			    fr);
			jw_kstr(w, "exact_amount", buf);
		}
		jw_kcents(w, "pfs_amount", l->pfs);
		if (l->opps_subject) {
			dec_raw(w, "opps_pe_rvu", l->facility ?
			    r->opps_pe_f : r->opps_pe_nf, RVU_DEC, 2);
			dec_raw(w, "opps_mp_rvu", r->opps_mp, RVU_DEC, 2);
			jw_kcents(w, "opps_amount", l->opps);
		}
	}
	jw_obj_end(w);
}

static void
write_line(struct rvu_pricer *pr, struct jw *w, struct pline *l)
{
	jw_obj(w);
	jw_kstr(w, "status", l->unpriced ? "unpriced" : "priced");
	jw_kstr(w, "method", pr->cfg.method == RVU_SIMPLE ? "simple" : "pfs");
	if (l->unpriced) {
		jw_kstr(w, "reason_code", l->rcode);
		jw_kstr(w, "reason", l->reason);
		if (l->row != NULL && strcmp(l->rcode, "status_not_priced") ==
		    0)
			jw_kstr(w, "rvu_status", (char[2]){ l->row->status,
			    '\0' });
	}
	if (pr->cfg.method == RVU_SIMPLE) {
		if (l->row != NULL)
			dec_raw(w, "total_rvu", (int64_t)l->row->work +
			    l->row->pe_nf + l->row->mp, RVU_DEC, 2);
	} else if (l->has_fee)
		jw_kcents(w, "fee_schedule_amount", l->fee);
	write_units(w, l->units_m);
	if (!l->unpriced) {
		jw_kcents(w, "calculated_amount", l->amount);
		if (l->has_charge)
			jw_kcents(w, "charge", l->charge);
		jw_kcents(w, "allowed_amount", l->allowed);
	}
	if (pr->cfg.method == RVU_PFS) {
		if (l->has_fee || l->pos[0] != '\0') {
			jw_kstr(w, "rate", l->facility ? "facility" :
			    "non_facility");
			if (l->pos[0] != '\0')
				jw_kstr(w, "place_of_service", l->pos);
		}
		if (l->loc != NULL) {
			write_loc(pr, w, l->loc);
			if (l->locsrc != pr->locsrc)
				jw_kstr(w, "locality_source", l->locsrc);
		}
	}
	jw_arr_end(&l->aw);
	if (l->adj.len > 2) {
		jw_key(w, "adjustments");
		jw_raw(w, l->adj.s, l->adj.len);
	}
	jw_arr_end(&l->nw);
	if (l->notes.len > 2) {
		jw_key(w, "notes");
		jw_raw(w, l->notes.s, l->notes.len);
	}
	if (pr->cfg.explain)
		write_explain(pr, w, l);
	jw_obj_end(w);
}

/* ---- one claim ---- */

enum rvu_claim_status
rvu_price(struct rvu_pricer *pr, const struct jdoc *d, struct jpatch *p)
{
	const char *claim_pos, *claim_date, *claim_prov, *zip;
	int lines, n, nonobj = 0, plus4 = 0;
	size_t i, npriced = 0, nunpriced = 0;
	int64_t sum_amount = 0, sum_allowed = 0;
	enum rvu_claim_status st;
	struct jw w;

	claim_pos = jdoc_pstr(d, 0, "claim.place_of_service");
	claim_date = jdoc_pstr(d, 0, "claim.service_date_from");
	if (claim_date == NULL)
		claim_date = "";
	claim_prov = jdoc_pstr(d, 0, "providers.rendering.npi");
	if (claim_prov == NULL)
		claim_prov = jdoc_pstr(d, 0, "billing_provider.npi");
	if (claim_prov == NULL)
		claim_prov = "";

	/* The claim's locality. */
	pr->loc = NULL;
	pr->locsrc = NULL;
	pr->loczip = NULL;
	pr->locwhy[0] = '\0';
	if (pr->cfg.method == RVU_PFS) {
		if (pr->cfg.locality != NULL) {
			pr->loc = pr->cfg.locality;
			pr->locsrc = pr->cfg.locality_source;
		} else if ((zip = jdoc_pstr(d, 0,
		    "providers.service_facility.address.zip")) != NULL) {
			pr->loczip = zip;
			plus4 = zip_locality(pr, zip, "service_facility_zip",
			    &pr->loc, &pr->locsrc, pr->locwhy,
			    sizeof pr->locwhy);
		} else if ((zip = jdoc_pstr(d, 0,
		    "billing_provider.address.zip")) != NULL) {
			pr->loczip = zip;
			plus4 = zip_locality(pr, zip, "billing_provider_zip",
			    &pr->loc, &pr->locsrc, pr->locwhy,
			    sizeof pr->locwhy);
		} else
			snprintf(pr->locwhy, sizeof pr->locwhy, "no service "
			    "facility or billing provider ZIP code, and no "
			    "--locality");
		if (plus4 < 0)
			pr->loc = NULL;
	}

	lines = jdoc_get(d, 0, "lines");
	pr->nlines = 0;
	for (n = jdoc_first(d, lines); n >= 0 && jdoc_type(d, lines) ==
	    J_ARRAY; n = jdoc_next(d, n)) {
		struct pline *l = line_slot(pr, pr->nlines++);

		l->node = jdoc_type(d, n) == J_OBJECT ? n : -1;
		if (l->node < 0) {
			nonobj++;
			continue;
		}
		read_line(pr, d, l, claim_pos, claim_date, claim_prov);
		if (pr->nlines > RVU_MAX_LINES)
			unpriced(l, "too_many_lines", "more than %d lines on "
			    "the claim", RVU_MAX_LINES);
		if (pr->cfg.method == RVU_SIMPLE) {
			price_simple(pr, l);
			continue;
		}
		l->loc = pr->loc;
		l->locsrc = pr->locsrc;
		if (pr->cfg.locality == NULL && (zip = jdoc_pstr(d, n,
		    "providers.service_facility.address.zip")) != NULL) {
			char why[200];
			const struct rvu_loc *ll = NULL;
			const char *src;
			int r = zip_locality(pr, zip,
			    "line_service_facility_zip", &ll, &src, why,
			    sizeof why);

			if (r < 0)
				unpriced(l, "unknown_locality", "%s", why);
			else {
				l->loc = ll;
				l->locsrc = src;
				if (r > 0)
					note(l, "the ZIP code is split by "
					    "ZIP+4 (no ZIP9 file): its ZIP5 "
					    "locality is used");
			}
		} else if (plus4 > 0)
			note(l, "the ZIP code is split by ZIP+4 (no ZIP9 "
			    "file): its ZIP5 locality is used");
		price_pfs(pr, l);
	}

	if (pr->cfg.method == RVU_PFS) {
		rule_injections(pr);
		rule_groups(pr);
	}
	for (i = 0; i < pr->nlines; i++) {
		struct pline *l = pr->lines[i];

		if (l->node < 0)
			continue;
		if (pr->cfg.method == RVU_PFS && !l->unpriced) {
			if (!l->done)
				l->total = l->v * l->n;
			l->amount = round_k(l->total, VK);
			l->allowed = l->amount;
		}
		if (!l->unpriced && l->has_charge && l->charge < l->amount) {
			struct jw *aw = adj(l, "lower_of_charge");

			jw_kcents(aw, "charge", l->charge);
			jw_kcents(aw, "calculated_amount", l->amount);
			jw_obj_end(aw);
			l->allowed = l->charge;
		} else if (!l->unpriced && !l->has_charge &&
		    pr->cfg.method == RVU_PFS)
			note(l, "no billed charge on the line: the allowed "
			    "amount is the calculated amount");
		if (l->unpriced)
			nunpriced++;
		else {
			npriced++;
			sum_amount += l->amount;
			sum_allowed += l->allowed;
		}
	}
	nunpriced += (size_t)nonobj;
	st = npriced == 0 ? RVU_UNPRICED : nunpriced > 0 ? RVU_PARTIAL :
	    RVU_PRICED;

	/* Lines first: the claim section goes to the root. */
	for (i = 0; i < pr->nlines; i++) {
		struct pline *l = pr->lines[i];

		if (l->node < 0)
			continue;
		buf_reset(&pr->out);
		jw_init(&w, &pr->out);
		write_line(pr, &w, l);
		jpatch_set(p, l->node, "pricing", pr->out.s, pr->out.len);
	}

	buf_reset(&pr->out);
	jw_init(&w, &pr->out);
	jw_obj(&w);
	jw_kstr(&w, "status", st == RVU_PRICED ? "priced" : st == RVU_PARTIAL ?
	    "partial" : "unpriced");
	jw_kstr(&w, "method", pr->cfg.method == RVU_SIMPLE ? "simple" : "pfs");
	jw_key(&w, "year");
	jw_raw(&w, pr->year, strlen(pr->year));
	dec_raw(&w, "conversion_factor", pr->cf, RVU_DEC,
	    pr->cfg.method == RVU_SIMPLE ? 2 : 4);
	if (pr->cfg.method == RVU_PFS) {
		if (pr->loc != NULL) {
			size_t nl;
			const char *nm = rvu_str(pr->db, pr->loc->name_off,
			    pr->loc->name_len, &nl);

			write_loc(pr, &w, pr->loc);
			kstr_ascii(&w, "locality_name", nm, nl);
			jw_kstr(&w, "locality_source", pr->locsrc);
			if (pr->cfg.explain) {
				const char *s;

				if (pr->loczip != NULL)
					kstr_ascii(&w, "zip", pr->loczip,
					    strlen(pr->loczip) < 5 ?
					    strlen(pr->loczip) : 5);
				s = rvu_str(pr->db, pr->loc->counties_off,
				    pr->loc->counties_len, &nl);
				kstr_ascii(&w, "counties", s, nl);
				if (pr->loc->flags & RVU_L_ANES)
					dec_raw(&w, "anesthesia_cf",
					    pr->loc->anes_cf, RVU_DEC, 2);
			}
		} else if (pr->locwhy[0] != '\0')
			jw_kstr(&w, "locality_error", pr->locwhy);
	}
	jw_key(&w, "lines_priced");
	jw_int(&w, (long long)npriced);
	jw_key(&w, "lines_unpriced");
	jw_int(&w, (long long)nunpriced);
	if (npriced > 0) {
		jw_kcents(&w, "calculated_amount", sum_amount);
		jw_kcents(&w, "allowed_amount", sum_allowed);
	}
	if (lines < 0 || jdoc_type(d, lines) != J_ARRAY || pr->nlines == 0)
		jw_kstr(&w, "reason", "the claim has no service lines");
	else if (st != RVU_PRICED) {
		char msg[160];

		snprintf(msg, sizeof msg, "%zu of %zu lines not priced%s",
		    nunpriced, pr->nlines, nonobj > 0 ?
		    " (some lines are not objects)" : "");
		jw_kstr(&w, "reason", msg);
	}
	jw_obj_end(&w);
	jpatch_set(p, 0, "pricing", pr->out.s, pr->out.len);
	return st;
}
