/*
 * gen837: synthetic 837P claims (see gen837.h; edi-gen(1) is the user
 * documentation, including the label rules below).
 *
 * Shape of the output (005010X222A1, as in the public samples):
 *	ISA GS ST BHT 1000A 1000B
 *	  HL 20 (2000A, PRV BI) 2010AA billing provider = one facility;
 *	  a run of claims of that facility shares the HL
 *	    HL 22 SBR 2010BA 2010BB [HL 23 PAT 2010CA]
 *	      CLM DTP REF CR1 CRC HI 2310A-F 2320/2330A-B
 *	      LX SV1 DTP REF LIN CTP SVD CAS DTP ...
 *	SE GE IEA
 *
 * Hidden label rules (training labels for claims-predict; they are
 * documented here and in edi-gen(1), never in the data), in priority:
 *	duplicate          the claim repeats an earlier claim (same patient,
 *	                   dates and procedures, resubmitted 35+ days after
 *	                   service)
 *	deny_eligibility   D1 filing indicator MB or 16 and the patient is
 *	                   under 65 without an ESRD/dialysis diagnosis
 *	                   (N186, Z992); D2 CHIP payer (SCH01) and patient
 *	                   19 or older; D3 HMO (HM) whose network does not
 *	                   cover the billing facility's state
 *	hold_authorization a high-cost line (GENREF_P_AUTH) whose financial
 *	                   class requires authorisation, without REF G1
 *	review_coding      R1 modifier 25 on an E/M line and 59/XS/XU on the
 *	                   claim; R2 level-5 E/M (99205, 99215) with only Z
 *	                   diagnoses; R3 musculoskeletal surgery without an
 *	                   M, S or G56 diagnosis; R4 four or more payment
 *	                   modifiers (22 25 26 50 51 52 59 62 76 77 80 91 TC
 *	                   XE XP XS XU) on the claim
 *	clean              none of the above
 * then the label is replaced by another one at random with probability
 * --label-noise.  The generator injects each anomaly on a share of claims
 * (P_DENY, P_REVIEW, --duplicates); hold_authorization comes from
 * facilities without an authorisation desk (genref auth_desk), which send
 * G1 on 4% of such claims instead of 96%.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/buf.h"
#include "claimkit/claimid.h"
#include "claimkit/date.h"
#include "claimkit/gen837.h"
#include "claimkit/genrand.h"
#include "claimkit/genref.h"
#include "claimkit/jw.h"
#include "claimkit/money.h"
#include "claimkit/xalloc.h"

const char *const gen837_defect_names[GEN837_D_COUNT] = {
	"npi-check", "total-mismatch", "missing-account", "bad-date",
	"future-date", "dob-after-service", "dx-pointer", "unknown-procedure",
	"se-count", "inactive-facility", "class-not-allowed", "bad-mbi",
	"bad-icd", "zero-units",
};

const char *const gen837_filters[GEN837_NFILTERS] = {
	"clean", "hold_authorization", "deny_eligibility", "review_coding",
	"duplicate",
};
enum { F_CLEAN, F_HOLD, F_DENY, F_REVIEW, F_DUP };

/* Shares of injected label anomalies (see the rules above). */
#define P_DENY		0.13
#define P_REVIEW	0.13
#define RING		256
#define MAXLINES	24
#define MAXDX		12
#define DUP_MIN_LAG	35

struct gline {
	int		 proc;
	const char	*code;		/* != procs[proc].code: unknown code */
	char		 mods[4][3];
	int		 nmods;
	int64_t		 cents;
	char		 units[24];
	long		 date;
	int		 ptr[4], nptr;
	char		 ndc[12];
	char		 qty[24];
	const char	*qunit;
	int64_t		 paid, co, pr;	/* COB adjudication */
	char		 ctl[32];	/* REF 6R */
	char		 baddate[9];	/* bad-date defect: text to write */
};

struct gperson {
	char		 last[48], first[40], middle[2];
	char		 gender;
	long		 dob;
	char		 street[48], street2[16];
	int		 zip;
	char		 member[24];
};

struct gclaim {
	unsigned long long idx;
	int		 fac, spec, rend, referring, hosp, dropoff;
	int		 payer, cob_payer;
	char		 sbr01;
	int		 dependent;
	const char	*rel;
	struct gperson	 sub, pat, cob_sub;
	char		 group[24], group_name[40], cob_group[24];
	char		 acct[24];
	const char	*pos;
	char		 freq;
	char		 orig_ref[24], auth[20], mrn[20], referral[20];
	int		 ndx;
	char		 dx[MAXDX][12];
	int		 nlines;
	struct gline	 lines[MAXLINES];
	long		 first, last, onset, accident, adjudicated;
	const char	*cause;		/* CLM11-1: AA, EM, NULL */
	const char	*accident_state;
	int		 amb_weight, amb_miles10;
	char		 amb_reason;
	unsigned	 defects;
	int		 label;
	int		 duplicate;
	int		 age;
	int		 npi_bad, rend_bad;
	int64_t		 total_delta;
};

struct gen837 {
	struct gen837_opts o;
	FILE		*out, *side;
	struct buf	 ob;		/* output not yet written */
	struct buf	 jb;		/* one sidecar line */
	struct buf	 tmp;
	int		 pend;		/* empty elements not yet written */
	unsigned long long nclaims, flushed, segindex;
	unsigned long	 isa_n, gs_n, st_n;	/* counters */
	unsigned long	 isa_base;
	char		 isa13[10], gs06[10], st02[10];
	unsigned	 st_claims, st_in_gs, gs_in_isa;
	unsigned long	 st_segs;
	int		 in_isa, in_gs, in_st;
	long		 date;		/* BHT04 / GS04 / ISA09 of the ISA */
	int		 hhmm;
	int		 cur_fac, hl, hl20, prev_fac;
	int		 st_se_defect;
	unsigned long	 ordinal;
	struct genrand	 env;
	struct gclaim	 c;
	struct gclaim	*ring;
	int		*ring_used;
	int		 ioerr;
	int		 nkinds;
	int		 fac_regular[64], nregular;
	unsigned	 fac_weight[64];
};

int
gen837_defect_find(const char *name, size_t len)
{
	int i;

	for (i = 0; i < GEN837_D_COUNT; i++)
		if (strlen(gen837_defect_names[i]) == len &&
		    memcmp(gen837_defect_names[i], name, len) == 0)
			return i;
	return -1;
}

/* ---------------------------------------------------------------------- */
/* Output: segments into g->ob, flushed in large writes. */

static void
flush_out(struct gen837 *g, int force)
{
	if (g->ob.len == 0 || (!force && g->ob.len < (1u << 20)))
		return;
	if (!g->ioerr && fwrite(g->ob.s, 1, g->ob.len, g->out) != g->ob.len)
		g->ioerr = errno ? errno : EIO;
	g->flushed += g->ob.len;
	buf_reset(&g->ob);
}

static unsigned long long
out_offset(const struct gen837 *g)
{
	return g->flushed + g->ob.len;
}

static void
seg(struct gen837 *g, const char *id)
{
	buf_adds(&g->ob, id);
	g->pend = 0;
}

/* Text with the delimiters replaced: data never splits a segment. */
static void
add_clean(struct gen837 *g, struct buf *b, const char *s)
{
	const struct gen837_opts *o = &g->o;

	for (; *s != '\0'; s++) {
		char ch = *s;

		if (ch == o->el || ch == o->comp || ch == o->rep ||
		    ch == o->term || ch == '\r' || ch == '\n')
			ch = ' ';
		buf_addc(b, ch);
	}
}

/* One element; empty ones are written only if a later one is not. */
static void
el_common(struct gen837 *g, const char *s, int raw)
{
	int i;

	if (s == NULL || *s == '\0') {
		g->pend++;
		return;
	}
	for (i = 0; i <= g->pend; i++)
		buf_addc(&g->ob, g->o.el);
	g->pend = 0;
	if (raw)
		buf_adds(&g->ob, s);
	else
		add_clean(g, &g->ob, s);
}

static void
el(struct gen837 *g, const char *s)
{
	el_common(g, s, 0);
}

static void
elf(struct gen837 *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
elf(struct gen837 *g, const char *fmt, ...)
{
	char s[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	el(g, s);
}

/* A composite from up to n parts, trailing empty parts dropped. */
static void
comp(struct gen837 *g, const char *const *parts, int n)
{
	int last = n - 1, i;

	while (last >= 0 && (parts[last] == NULL || parts[last][0] == '\0'))
		last--;
	buf_reset(&g->tmp);
	for (i = 0; i <= last; i++) {
		if (i > 0)
			buf_addc(&g->tmp, g->o.comp);
		if (parts[i] != NULL)
			add_clean(g, &g->tmp, parts[i]);
	}
	/* The parts are clean already; keep their separators. */
	el_common(g, g->tmp.s == NULL ? "" : g->tmp.s, 1);
}

static void
seg_end(struct gen837 *g)
{
	buf_addc(&g->ob, g->o.term);
	buf_adds(&g->ob, g->o.eol);
	g->st_segs++;
	g->segindex++;
}

static void
d8(char out[9], long days)
{
	struct ckdate d;

	date_from_days(days, &d);
	snprintf(out, 9, "%04d%02d%02d", d.y, d.m, d.d);
}

static void
iso(char out[11], long days)
{
	struct ckdate d;

	date_from_days(days, &d);
	date_fmt(out, &d);
}

/* X12 decimal: no trailing zeros after the point ("125", "12.5"). */
static void
x12money(char *out, size_t sz, int64_t cents)
{
	int64_t a = cents < 0 ? -cents : cents;

	if (a % 100 == 0)
		snprintf(out, sz, "%s%lld", cents < 0 ? "-" : "",
		    (long long)(a / 100));
	else if (a % 10 == 0)
		snprintf(out, sz, "%s%lld.%lld", cents < 0 ? "-" : "",
		    (long long)(a / 100), (long long)(a % 100 / 10));
	else
		snprintf(out, sz, "%s%lld.%02lld", cents < 0 ? "-" : "",
		    (long long)(a / 100), (long long)(a % 100));
}

/* ---------------------------------------------------------------------- */
/* Small helpers for building claims. */

static long
day_of(int y, int m, int d)
{
	struct ckdate dt = { y, m, d };

	return date_days(&dt);
}

static const char *
pick_name(struct gen837 *g, struct genrand *r, const struct genref_name *t,
    size_t n)
{
	const struct genref_name *nm = &t[genrand_below(r, (uint32_t)n)];

	if (g->o.utf8 && nm->utf8 != NULL)
		return nm->utf8;
	return nm->ascii;
}

static int
zip_in_state(struct genrand *r, const char *st)
{
	int cand[16], n = 0;
	size_t i;

	for (i = 0; i < genref_nzips && n < 16; i++)
		if (strcmp(genref_zips[i].state, st) == 0)
			cand[n++] = (int)i;
	if (n == 0 || genrand_chance(r, 0.1))
		return (int)genrand_below(r, (uint32_t)genref_nzips);
	return cand[genrand_below(r, (uint32_t)n)];
}

static void
make_person(struct gen837 *g, struct genrand *r, struct gperson *p,
    char gender, long dob, const char *last, int zip)
{
	p->gender = gender;
	p->dob = dob;
	snprintf(p->last, sizeof(p->last), "%s", last != NULL ? last :
	    pick_name(g, r, genref_last_names, genref_nlast));
	snprintf(p->first, sizeof(p->first), "%s", gender == 'F' ?
	    pick_name(g, r, genref_female_names, genref_nfemale) :
	    pick_name(g, r, genref_male_names, genref_nmale));
	if (genrand_chance(r, 0.6)) {
		p->middle[0] = (char)('A' + genrand_below(r, 26));
		p->middle[1] = '\0';
	} else
		p->middle[0] = '\0';
	snprintf(p->street, sizeof(p->street), "%ld %s",
	    genrand_range(r, 1, 9899),
	    genref_streets[genrand_below(r, (uint32_t)genref_nstreets)]);
	if (genrand_chance(r, 0.15))
		snprintf(p->street2, sizeof(p->street2), "APT %ld%c",
		    genrand_range(r, 1, 40), (char)('A' + genrand_below(r, 6)));
	else
		p->street2[0] = '\0';
	p->zip = zip;
	p->member[0] = '\0';
}

/* MBI: C A AN N A AN N A A N N; letters without S L O I B Z. */
static void
make_mbi(struct genrand *r, char out[12])
{
	static const char al[] = "ACDEFGHJKMNPQRTUVWXY";
	static const char an[] = "0123456789ACDEFGHJKMNPQRTUVWXY";
	static const char pat[] = "CAXNAXNAANN";
	int i;

	for (i = 0; i < 11; i++) {
		switch (pat[i]) {
		case 'C':
			out[i] = (char)('1' + genrand_below(r, 9));
			break;
		case 'A':
			out[i] = al[genrand_below(r, 20)];
			break;
		case 'X':
			out[i] = an[genrand_below(r, 30)];
			break;
		default:
			out[i] = (char)('0' + genrand_below(r, 10));
		}
	}
	out[11] = '\0';
}

static void
make_member(struct genrand *r, const struct genref_payer *p, char *out,
    size_t sz)
{
	if (strcmp(p->fi, "MB") == 0)
		make_mbi(r, out);
	else if (strcmp(p->fi, "MC") == 0)
		snprintf(out, sz, "%c%c%08u", (char)('A' + genrand_below(r, 26)),
		    (char)('A' + genrand_below(r, 26)),
		    (unsigned)genrand_below(r, 100000000));
	else if (strcmp(p->fi, "WC") == 0 || strcmp(p->fi, "AM") == 0)
		snprintf(out, sz, "CL%09u",
		    (unsigned)genrand_below(r, 1000000000));
	else
		snprintf(out, sz, "%c%c%c%09u", p->id[1], p->id[2],
		    (char)('A' + genrand_below(r, 26)),
		    (unsigned)genrand_below(r, 1000000000));
}

static const struct genref_facility *
cfac(const struct gclaim *c)
{
	return &genref_facilities[c->fac];
}

static const char *
fac_state(const struct gclaim *c)
{
	return genref_zips[cfac(c)->zip].state;
}

static const struct genref_payer *
cpayer(const struct gclaim *c)
{
	return &genref_payers[c->payer];
}

static int
payer_of_fi(struct genrand *r, const char *fi, const char *state)
{
	int cand[16], n = 0;
	size_t i;

	for (i = 0; i < genref_npayers; i++) {
		const struct genref_payer *p = &genref_payers[i];

		if (strcmp(p->fi, fi) != 0 || strcmp(p->id, "SCH01") == 0)
			continue;
		if (state != NULL && !genref_payer_covers(p, state))
			continue;
		cand[n++] = (int)i;
	}
	if (n == 0)
		return -1;
	return cand[genrand_below(r, (uint32_t)n)];
}

/* Medicare B: the MAC by region (east/west of the Mississippi, roughly). */
static int
medicare_payer(const char *state)
{
	static const char west[] = "CA OR WA NV AZ NM CO UT ID MT WY ND SD "
	    "NE KS OK TX AK HI MN IA MO AR LA";

	return genref_payer_find(strstr(west, state) != NULL ? "SMB02" :
	    "SMB01");
}

static int
has_dx_prefix(const struct gclaim *c, const char *pfx)
{
	int i;

	for (i = 0; i < c->ndx; i++)
		if (strncmp(c->dx[i], pfx, strlen(pfx)) == 0)
			return 1;
	return 0;
}

static int
has_dx(const struct gclaim *c, const char *code)
{
	int i;

	for (i = 0; i < c->ndx; i++)
		if (strcmp(c->dx[i], code) == 0)
			return 1;
	return 0;
}

static int
add_dx(struct gclaim *c, const char *code)
{
	if (c->ndx >= MAXDX || has_dx(c, code))
		return 0;
	snprintf(c->dx[c->ndx++], sizeof(c->dx[0]), "%s", code);
	return 1;
}

static int
dx_fits(const struct gclaim *c, int dxi)
{
	unsigned f = genref_dxs[dxi].flags;
	char sex = c->pat.gender;

	if ((f & GENREF_D_PEDS) && c->age >= 18)
		return 0;
	if ((f & GENREF_D_ADULT) && c->age < 18)
		return 0;
	if ((f & GENREF_D_FEMALE) && sex != 'F')
		return 0;
	if ((f & GENREF_D_MALE) && sex != 'M')
		return 0;
	if ((f & GENREF_D_PREG) && (sex != 'F' || c->age < 16 || c->age > 45))
		return 0;
	if (f & GENREF_D_ESRD)
		return 0;	/* added on purpose only */
	return 1;
}

static int
has_mod(const struct gline *l, const char *m)
{
	int i;

	for (i = 0; i < l->nmods; i++)
		if (strcmp(l->mods[i], m) == 0)
			return 1;
	return 0;
}

static void
add_mod(struct gline *l, const char *m)
{
	if (l->nmods < 4 && !has_mod(l, m))
		snprintf(l->mods[l->nmods++], sizeof(l->mods[0]), "%s", m);
}

static unsigned
pflags(const struct gline *l)
{
	return genref_procs[l->proc].flags;
}

static int
claim_has_flag(const struct gclaim *c, unsigned flag)
{
	int i;

	for (i = 0; i < c->nlines; i++)
		if (pflags(&c->lines[i]) & flag)
			return 1;
	return 0;
}

static int
claim_has_code(const struct gclaim *c, const char *code)
{
	int i;

	for (i = 0; i < c->nlines; i++)
		if (strcmp(genref_procs[c->lines[i].proc].code, code) == 0)
			return 1;
	return 0;
}

/* Preventive and Medicare-only visit codes fit only some patients. */
static int
em_fits(const struct gclaim *c, const char *code)
{
	const char *fi = cpayer(c)->fi;
	int medicare = strcmp(fi, "MB") == 0 || strcmp(fi, "16") == 0;
	int a = c->age;

	if (strcmp(code, "G0438") == 0 || strcmp(code, "G0439") == 0)
		return medicare && a >= 65;
	if (strcmp(code, "99381") == 0 || strcmp(code, "99391") == 0)
		return a < 1;
	if (strcmp(code, "99382") == 0 || strcmp(code, "99392") == 0)
		return a >= 1 && a <= 4;
	if (strcmp(code, "99385") == 0 || strcmp(code, "99395") == 0)
		return a >= 18 && a <= 39 && !medicare;
	if (strcmp(code, "99386") == 0 || strcmp(code, "99396") == 0)
		return a >= 40 && a <= 64 && !medicare;
	if (strcmp(code, "99397") == 0)
		return a >= 65 && !medicare;
	return 1;
}

static struct gline *
new_line(struct gclaim *c, int proc, long date)
{
	struct gline *l;

	if (c->nlines >= MAXLINES)
		return NULL;
	l = &c->lines[c->nlines++];
	memset(l, 0, sizeof(*l));
	l->proc = proc;
	l->code = genref_procs[proc].code;
	l->date = date;
	return l;
}

/* Units and charge of a line from the code table and the facility. */
static void
price_line(struct genrand *r, const struct gclaim *c, struct gline *l)
{
	const struct genref_proc *p = &genref_procs[l->proc];
	/* Each facility has its own charge master: 90% to 134% of base. */
	int64_t markup = 90 + (c->fac * 7) % 45;
	long u = genrand_range(r, p->umin, p->umax);

	if (p->flags & GENREF_P_MILES) {
		/* Miles in tenths: "12.4"; charge per mile. */
		snprintf(l->units, sizeof(l->units), "%ld.%ld", u / 10, u % 10);
		l->cents = (p->cents * markup / 100) * u / 10;
		return;
	}
	if (p->umax > 1 && !(p->flags & GENREF_P_DRUG) &&
	    genrand_chance(r, 0.5))
		u = p->umin;
	snprintf(l->units, sizeof(l->units), "%ld", u);
	l->cents = (p->cents * markup / 100 + 50) / 100 * 100 * u;
}

static void
set_pointers(struct genrand *r, const struct gclaim *c, struct gline *l,
    int em)
{
	int i, n;

	if (em) {
		n = c->ndx < 4 ? c->ndx : 4;
		for (i = 0; i < n; i++)
			l->ptr[i] = i + 1;
		l->nptr = n;
		return;
	}
	l->ptr[0] = (int)genrand_below(r, (uint32_t)c->ndx) + 1;
	l->nptr = 1;
	if (c->ndx > 1 && genrand_chance(r, 0.4)) {
		int p = (int)genrand_below(r, (uint32_t)c->ndx) + 1;

		if (p != l->ptr[0])
			l->ptr[l->nptr++] = p;
	}
}

static const char *const drug_labelers[] = { "00409", "63323", "00069",
    "55150", "25021", "00143", "70121", "00781" };

/* One NDC per J code: the same drug is always the same product. */
static void
drug_details(struct gline *l)
{
	const char *code = genref_procs[l->proc].code;
	uint64_t h = 1469598103934665603ULL;
	const char *s;
	long units = strtol(l->units, NULL, 10);

	for (s = code; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	snprintf(l->ndc, sizeof(l->ndc), "%s%04u%02u",
	    drug_labelers[h % 8], (unsigned)(h >> 8) % 10000,
	    (unsigned)(h >> 24) % 20 + 1);
	if (strcmp(code, "J7030") == 0) {
		snprintf(l->qty, sizeof(l->qty), "%ld", units * 1000);
		l->qunit = "ML";
	} else if ((h >> 32) % 3 == 0) {
		snprintf(l->qty, sizeof(l->qty), "%ld", units);
		l->qunit = "UN";
	} else {
		snprintf(l->qty, sizeof(l->qty), "%ld.%ld", units / 2,
		    (units % 2) * 5);
		l->qunit = "ML";
	}
}

/* ---------------------------------------------------------------------- */
/* Building one claim. */

static int
pick_regular_facility(struct gen837 *g, struct genrand *r)
{
	size_t i = genrand_weighted(r, g->fac_weight, (size_t)g->nregular);

	return g->fac_regular[i];
}

static int
age_for(struct genrand *r, enum genref_ages a)
{
	switch (a) {
	case GENREF_AGE_PEDS:
		return genrand_chance(r, 0.2) ? 0 : (int)genrand_range(r, 1, 17);
	case GENREF_AGE_ADULT:
		return genrand_chance(r, 0.65) ? (int)genrand_range(r, 18, 64) :
		    (int)genrand_range(r, 65, 90);
	case GENREF_AGE_OLDER:
		return genrand_chance(r, 0.35) ? (int)genrand_range(r, 18, 64) :
		    (int)genrand_range(r, 65, 95);
	case GENREF_AGE_WOMEN:
		return genrand_chance(r, 0.75) ? (int)genrand_range(r, 16, 45) :
		    (int)genrand_range(r, 46, 80);
	default:
		break;
	}
	if (genrand_chance(r, 0.15))
		return (int)genrand_range(r, 0, 17);
	return genrand_chance(r, 0.65) ? (int)genrand_range(r, 18, 64) :
	    (int)genrand_range(r, 65, 95);
}

/* Payer for a claim without anomalies; -1 when none fits. */
static int
pick_payer(struct genrand *r, struct gclaim *c)
{
	const char *st = fac_state(c);
	const struct genref_facility *f = cfac(c);
	static const char *const adult_fi[] = { "CI", "BL", "HM", "12", "MC",
	    "CH", "WC", "AM" };
	unsigned w[8] = { 24, 22, 10, 8, 16, 4, 6, 3 };
	int p;

	if (c->dependent) {
		static const char *const dep_fi[] = { "CI", "BL", "HM", "12",
		    "CH" };
		unsigned dw[5] = { 35, 35, 15, 15, 4 };

		for (;;) {
			p = payer_of_fi(r, dep_fi[genrand_weighted(r, dw, 5)],
			    st);
			if (p >= 0)
				return p;
		}
	}
	if (c->age >= 65) {
		unsigned x = genrand_below(r, 100);

		/* About half of Medicare patients are in Medicare Advantage. */
		if (x < 52)
			return medicare_payer(st);
		if (x < 95)
			return genref_payer_find("SMA01");
		return payer_of_fi(r, "CI", NULL);
	}
	if (c->age < 19)
		return genref_payer_find(genrand_chance(r, 0.6) ? "SCH01" :
		    "SMC01");
	if (genref_class_for("WC", "SWC01", f->id) == NULL)
		w[6] = 0;
	if (genref_class_for("AM", "SAM01", f->id) == NULL)
		w[7] = 0;
	for (;;) {
		p = payer_of_fi(r, adult_fi[genrand_weighted(r, w, 8)], st);
		if (p >= 0)
			return p;
	}
}

static int
pick_hospital(struct genrand *r, const char *st)
{
	int cand[8], n = 0;
	size_t i;

	for (i = 0; i < genref_nhospitals && n < 8; i++)
		if (strcmp(genref_zips[genref_hospitals[i].zip].state, st) == 0)
			cand[n++] = (int)i;
	if (n == 0)
		return (int)genrand_below(r, (uint32_t)genref_nhospitals);
	return cand[genrand_below(r, (uint32_t)n)];
}

static void
pick_dx(struct genrand *r, struct gclaim *c)
{
	const struct genref_specialty *s = &genref_specialties[c->spec];
	static const unsigned nw[8] = { 30, 30, 18, 12, 5, 3, 0, 2 };
	int want = (int)genrand_weighted(r, nw, 8) + 1, tries;

	for (tries = 0; c->ndx < want && tries < 60; tries++) {
		int d = s->dx[genrand_below(r, (uint32_t)s->ndx)];

		if (dx_fits(c, d))
			add_dx(c, genref_dxs[d].code);
	}
	if (c->ndx == 0)
		add_dx(c, c->age < 18 ? "Z00129" : "R5383");
}

/* Put the wellness diagnosis first for a preventive visit. */
static void
wellness_first(struct genrand *r, struct gclaim *c)
{
	const char *w = c->age < 18 ? (genrand_chance(r, 0.8) ? "Z00129" :
	    "Z00121") : (genrand_chance(r, 0.8) ? "Z0000" : "Z0001");
	int i;

	if (c->ndx > 0 && strcmp(c->dx[0], w) == 0)
		return;
	for (i = 0; i < c->ndx; i++)
		if (strcmp(c->dx[i], w) == 0) {
			char t[12];

			memcpy(t, c->dx[0], sizeof(t));
			memcpy(c->dx[0], c->dx[i], sizeof(t));
			memcpy(c->dx[i], t, sizeof(t));
			return;
		}
	if (c->ndx == MAXDX)
		c->ndx--;
	memmove(c->dx[1], c->dx[0], sizeof(c->dx[0]) * (size_t)c->ndx);
	snprintf(c->dx[0], sizeof(c->dx[0]), "%s", w);
	c->ndx++;
}

static int
pick_em(struct genrand *r, struct gclaim *c)
{
	const struct genref_specialty *s = &genref_specialties[c->spec];
	int tries;

	for (tries = 0; tries < 20; tries++) {
		int p = s->em[genrand_below(r, (uint32_t)s->nem)];

		if (em_fits(c, genref_procs[p].code))
			return p;
	}
	return genref_proc_find(c->age < 18 ? "99213" : "99214");
}

static int
pick_proc(struct gen837 *g, struct genrand *r, struct gclaim *c, int has_em)
{
	const struct genref_specialty *s = &genref_specialties[c->spec];
	int tries;

	for (tries = 0; tries < 30; tries++) {
		int p = s->proc[genrand_below(r, (uint32_t)s->nproc)];
		unsigned f = genref_procs[p].flags;
		const char *code = genref_procs[p].code;

		if ((f & GENREF_P_ADDON) && !has_em)
			continue;
		if (strcmp(code, "G2211") == 0 &&
		    strcmp(cpayer(c)->fi, "MB") != 0)
			continue;
		if ((f & GENREF_P_DRUG) && g->o.drugs <= 0)
			continue;
		if (strcmp(code, "76801") == 0 && !has_dx_prefix(c, "Z3"))
			continue;
		if (claim_has_code(c, code))
			continue;
		return p;
	}
	return -1;
}

static void
modifiers(struct genrand *r, struct gclaim *c)
{
	const char *pos = c->pos;
	int tele = strcmp(pos, "02") == 0 || strcmp(pos, "10") == 0;
	int facility = strcmp(pos, "21") == 0 || strcmp(pos, "22") == 0 ||
	    strcmp(pos, "23") == 0 || strcmp(pos, "19") == 0;
	int has_proc = 0, nsurg = 0, i;

	for (i = 0; i < c->nlines; i++) {
		unsigned f = pflags(&c->lines[i]);

		if (!(f & (GENREF_P_EM | GENREF_P_ADDON | GENREF_P_DRUG)) &&
		    strcmp(c->lines[i].code, "36415") != 0)
			has_proc = 1;
	}
	for (i = 0; i < c->nlines; i++) {
		struct gline *l = &c->lines[i];
		unsigned f = pflags(l);
		const char *code = genref_procs[l->proc].code;

		if ((f & GENREF_P_EM) && !(f & GENREF_P_PREV) && has_proc &&
		    genrand_chance(r, 0.75))
			add_mod(l, "25");
		if (f & GENREF_P_SIDE) {
			if ((f & GENREF_P_BILAT) && genrand_chance(r, 0.1))
				add_mod(l, "50");
			else if (genrand_chance(r, 0.9))
				add_mod(l, genrand_chance(r, 0.5) ? "RT" : "LT");
		}
		if (f & GENREF_P_IMG) {
			if (facility)
				add_mod(l, "26");
			else if (genref_specialties[c->spec].nem == 0 &&
			    genrand_chance(r, 0.08))
				add_mod(l, "TC");
		}
		if (f & GENREF_P_SURG) {
			if (nsurg++ > 0)
				add_mod(l, "51");
		}
		if (f & GENREF_P_THER) {
			add_mod(l, "GP");
			if (strcmp(code, "97140") == 0 &&
			    claim_has_code(c, "97530"))
				add_mod(l, "59");
		}
		if (f & GENREF_P_LAB)
			add_mod(l, "QW");
		if (f & GENREF_P_AMB) {
			static const char *const od[] = { "RH", "RH", "RH",
			    "SH", "NH", "HR", "RS" };

			add_mod(l, od[genrand_below(r, 7)]);
		}
		if (tele && ((f & GENREF_P_EM) || strncmp(code, "908", 3) == 0))
			add_mod(l, "95");
	}
}

static int
is_pay_mod(const char *m)
{
	static const char *const pay[] = { "22", "25", "26", "50", "51", "52",
	    "59", "62", "76", "77", "80", "91", "TC", "XE", "XP", "XS", "XU" };
	size_t i;

	for (i = 0; i < sizeof(pay) / sizeof(pay[0]); i++)
		if (strcmp(pay[i], m) == 0)
			return 1;
	return 0;
}

static int
count_pay_mods(const struct gclaim *c)
{
	int i, k, n = 0;

	for (i = 0; i < c->nlines; i++)
		for (k = 0; k < c->lines[i].nmods; k++)
			n += is_pay_mod(c->lines[i].mods[k]);
	return n;
}

static int
requires_auth(const struct gclaim *c)
{
	const struct genref_class *cl = genref_class_for(cpayer(c)->fi,
	    cpayer(c)->id, cfac(c)->id);

	return cl != NULL && cl->requires_auth;
}

/* The hidden rules (see the top of this file). */
static int
label_of(const struct gclaim *c)
{
	const struct genref_payer *p = cpayer(c);
	int i, k, em25 = 0, m59 = 0, lvl5 = 0, allz = 1;

	if (c->duplicate)
		return F_DUP;
	if ((strcmp(p->fi, "MB") == 0 || strcmp(p->fi, "16") == 0) &&
	    c->age < 65 && !has_dx(c, "N186") && !has_dx(c, "Z992"))
		return F_DENY;
	if (strcmp(p->id, "SCH01") == 0 && c->age >= 19)
		return F_DENY;
	if (strcmp(p->fi, "HM") == 0 && !genref_payer_covers(p, fac_state(c)))
		return F_DENY;
	if (claim_has_flag(c, GENREF_P_AUTH) && requires_auth(c) &&
	    c->auth[0] == '\0')
		return F_HOLD;
	for (i = 0; i < c->nlines; i++) {
		const struct gline *l = &c->lines[i];
		const char *code = genref_procs[l->proc].code;

		if ((pflags(l) & GENREF_P_EM) && has_mod(l, "25"))
			em25 = 1;
		for (k = 0; k < l->nmods; k++)
			if (strcmp(l->mods[k], "59") == 0 ||
			    strcmp(l->mods[k], "XS") == 0 ||
			    strcmp(l->mods[k], "XU") == 0)
				m59 = 1;
		if (strcmp(code, "99205") == 0 || strcmp(code, "99215") == 0)
			lvl5 = 1;
	}
	for (i = 0; i < c->ndx; i++)
		if (c->dx[i][0] != 'Z')
			allz = 0;
	if (em25 && m59)
		return F_REVIEW;
	if (lvl5 && allz)
		return F_REVIEW;
	if (claim_has_flag(c, GENREF_P_MSK) && !has_dx_prefix(c, "M") &&
	    !has_dx_prefix(c, "S") && !has_dx_prefix(c, "G56"))
		return F_REVIEW;
	if (count_pay_mods(c) >= 4)
		return F_REVIEW;
	return F_CLEAN;
}

/* Inject one coding anomaly (rules R1-R4); returns 0 when done. */
static void
inject_review(struct gen837 *g, struct genrand *r, struct gclaim *c)
{
	const struct genref_specialty *s = &genref_specialties[c->spec];
	int kind = (int)genrand_below(r, 4), i;

	if (kind == 2) {
		/* R3: knee arthroscopy billed with unrelated diagnoses. */
		int msk = -1;

		for (i = 0; i < c->nlines; i++)
			if (pflags(&c->lines[i]) & GENREF_P_MSK)
				msk = i;
		if (msk < 0 && (strcmp(s->key, "orthopaedics") == 0 ||
		    strcmp(s->key, "spine") == 0)) {
			struct gline *l = new_line(c, genref_proc_find(
			    strcmp(s->key, "spine") == 0 ? "63030" : "29881"),
			    c->first);

			if (l != NULL) {
				price_line(r, c, l);
				msk = c->nlines - 1;
			}
		}
		if (msk >= 0) {
			static const char *const other[] = { "J069", "I10",
			    "K219", "E119", "R5383", "N390" };

			c->ndx = 0;
			add_dx(c, other[genrand_below(r, 6)]);
			if (genrand_chance(r, 0.5))
				add_dx(c, other[genrand_below(r, 6)]);
			for (i = 0; i < c->nlines; i++)
				set_pointers(r, c, &c->lines[i],
				    pflags(&c->lines[i]) & GENREF_P_EM);
			return;
		}
		kind = 3;
	}
	if (kind == 1) {
		/* R2: top-level visit for a screening-only encounter. */
		for (i = 0; i < c->nlines; i++) {
			struct gline *l = &c->lines[i];
			const char *code = genref_procs[l->proc].code;

			if ((pflags(l) & GENREF_P_EM) &&
			    !(pflags(l) & GENREF_P_PREV) && code[0] == '9' &&
			    code[1] == '9' && code[2] == '2') {
				static const char *const zs[] = { "Z0000",
				    "Z0001", "Z23", "Z131", "Z79899", "Z87891",
				    "Z09" };
				int k;

				l->proc = genref_proc_find(code[3] == '0' ?
				    "99205" : "99215");
				l->code = genref_procs[l->proc].code;
				price_line(r, c, l);
				c->ndx = 0;
				for (k = (int)genrand_range(r, 1, 3); k > 0; k--)
					add_dx(c, zs[genrand_below(r, 7)]);
				for (k = 0; k < c->nlines; k++)
					set_pointers(r, c, &c->lines[k],
					    pflags(&c->lines[k]) & GENREF_P_EM);
				return;
			}
		}
		kind = 0;
	}
	if (kind == 0 && s->nem > 0 && s->nproc > 0 &&
	    (pflags(&c->lines[0]) & GENREF_P_EM)) {
		/* R1: E/M with 25 plus a procedure with 59. */
		int p = -1;

		for (i = 1; i < c->nlines; i++)
			if (!(pflags(&c->lines[i]) &
			    (GENREF_P_EM | GENREF_P_ADDON)))
				p = i;
		if (p < 0) {
			int pr = pick_proc(g, r, c, 1);

			if (pr >= 0 && !(genref_procs[pr].flags &
			    GENREF_P_ADDON)) {
				struct gline *l = new_line(c, pr,
				    c->lines[0].date);

				if (l != NULL) {
					price_line(r, c, l);
					set_pointers(r, c, l, 0);
					p = c->nlines - 1;
				}
			}
		}
		if (p >= 0) {
			add_mod(&c->lines[0], "25");
			if (c->lines[p].nmods == 4)
				c->lines[p].nmods = 3;
			add_mod(&c->lines[p], genrand_chance(r, 0.7) ? "59" :
			    "XS");
			return;
		}
	}
	/* R4: a pile of payment modifiers. */
	{
		static const char *const pile[] = { "76", "22", "52", "XU",
		    "59", "80", "77", "XE" };
		int want = 4 - count_pay_mods(c), guard = 0;

		while (want > 0 && guard++ < 40) {
			struct gline *l = &c->lines[genrand_below(r,
			    (uint32_t)c->nlines)];
			const char *m = pile[genrand_below(r, 8)];

			if (l->nmods < 4 && !has_mod(l, m)) {
				add_mod(l, m);
				want--;
			}
		}
	}
}

static int
pick_defect(struct gen837 *g, struct genrand *r)
{
	int k, n = 0, cand[GEN837_D_COUNT];

	for (k = 0; k < GEN837_D_COUNT; k++)
		if ((g->o.defect_mask & (1u << k)) && k != GEN837_D_SE_COUNT)
			cand[n++] = k;
	if (n == 0)
		return -1;
	return cand[genrand_below(r, (uint32_t)n)];
}

static void
build_lines(struct gen837 *g, struct genrand *r, struct gclaim *c)
{
	const struct genref_specialty *s = &genref_specialties[c->spec];
	int has_em = 0, i, k;

	c->nlines = 0;
	if (strcmp(s->key, "ambulance") == 0) {
		struct gline *l = new_line(c, s->proc[genrand_below(r,
		    (uint32_t)s->nproc)], c->first);

		price_line(r, c, l);
		l = new_line(c, genref_proc_find("A0425"), c->first);
		price_line(r, c, l);
		c->amb_miles10 = (int)strtol(l->units, NULL, 10) * 10 +
		    (int)(strchr(l->units, '.')[1] - '0');
	} else if (strcmp(s->key, "hospitalist") == 0) {
		long d;

		for (d = c->first; d <= c->last; d++) {
			int p;

			if (d == c->first)
				p = s->em[genrand_below(r, (uint32_t)s->nem)];
			else if (d == c->last)
				p = genref_proc_find("99238");
			else
				p = genref_proc_find(genrand_chance(r, 0.5) ?
				    "99232" : (genrand_chance(r, 0.5) ?
				    "99231" : "99233"));
			price_line(r, c, new_line(c, p, d));
		}
		has_em = 1;
	} else if (strcmp(s->key, "therapy") == 0) {
		int codes[3], ncodes = (int)genrand_range(r, 1, 3), v;
		long span = c->last - c->first;
		int visits = span == 0 ? 1 : (int)genrand_range(r, 2, 3);

		for (k = 0; k < ncodes; k++)
			codes[k] = pick_proc(g, r, c, 0);
		if (genrand_chance(r, (double)s->p_em / 100))
			price_line(r, c, new_line(c, s->em[0], c->first));
		for (v = 0; v < visits; v++) {
			long d = visits == 1 ? c->first :
			    c->first + span * v / (visits - 1);

			for (k = 0; k < ncodes; k++) {
				int j;

				for (j = 0; j < k; j++)
					if (codes[j] == codes[k])
						break;
				if (codes[k] < 0 || j < k)
					continue;
				price_line(r, c, new_line(c, codes[k], d));
			}
		}
	} else {
		if (s->nem > 0 && genrand_chance(r, (double)s->p_em / 100)) {
			int p = pick_em(r, c);

			price_line(r, c, new_line(c, p, c->first));
			has_em = 1;
			if (genref_procs[p].flags & GENREF_P_PREV)
				wellness_first(r, c);
		}
		if (s->nproc > 0 && (!has_em ||
		    genrand_chance(r, (double)s->p_proc / 100))) {
			static const unsigned kw[4] = { 60, 28, 9, 3 };
			int want = (int)genrand_weighted(r, kw, 4) + 1;

			if (want > s->max_proc)
				want = s->max_proc;
			for (k = 0; k < want; k++) {
				int p = pick_proc(g, r, c, has_em);

				if (p >= 0)
					price_line(r, c, new_line(c, p,
					    c->first));
			}
		}
		if (strcmp(s->key, "infusion") == 0 && g->o.drugs > 0 &&
		    !claim_has_flag(c, GENREF_P_DRUG)) {
			for (k = 0; k < 10; k++) {
				int p = s->proc[genrand_below(r,
				    (uint32_t)s->nproc)];

				if (genref_procs[p].flags & GENREF_P_DRUG) {
					price_line(r, c, new_line(c, p,
					    c->first));
					break;
				}
			}
		}
		if (c->nlines == 0) {
			int p = s->nem > 0 ? pick_em(r, c) : s->proc[0];

			price_line(r, c, new_line(c, p, c->first));
			has_em = s->nem > 0;
		}
	}
	for (i = 0; i < c->nlines; i++) {
		struct gline *l = &c->lines[i];

		set_pointers(r, c, l, (pflags(l) & GENREF_P_EM) != 0);
		if (pflags(l) & GENREF_P_DRUG)
			drug_details(l);
	}
	modifiers(r, c);
}

/* Everything about a claim except envelopes; r is the claim's stream. */
static void
build_claim(struct gen837 *g, struct genrand *r, struct gclaim *c,
    int defect)
{
	const struct genref_specialty *s;
	const struct genref_payer *p;
	long d = g->date, lag, span = 0, base;
	int anomaly = 0, cob = 0, esrd = 0, i;
	struct ckdate dob, first;
	char last[48];

	memset(c, 0, sizeof(*c));
	c->idx = g->nclaims;
	c->referring = c->hosp = c->dropoff = c->cob_payer = -1;

	/* Facility: the billing provider. */
	if (defect == GEN837_D_INACTIVE_FACILITY)
		c->fac = (int)genref_nfacilities - 1 - (int)genrand_below(r, 2);
	else if (defect == GEN837_D_CLASS_NOT_ALLOWED) {
		/* A facility without a workers' comp or auto class. */
		do
			c->fac = pick_regular_facility(g, r);
		while (genref_class_for("WC", "SWC01", cfac(c)->id) != NULL &&
		    genref_class_for("AM", "SAM01", cfac(c)->id) != NULL);
	} else if (genrand_chance(r, g->o.ambulance))
		c->fac = genref_specialty_find("ambulance") == -1 ? 0 : 9;
	else if (genrand_chance(r, g->o.drugs))
		c->fac = 10;
	else if (g->prev_fac >= 0 && genref_facilities[g->prev_fac].weight > 0 &&
	    genrand_chance(r, 0.45))
		c->fac = g->prev_fac;
	else
		c->fac = pick_regular_facility(g, r);
	c->spec = cfac(c)->specialty;
	s = &genref_specialties[c->spec];

	/* Which label anomaly, if any: 1 deny, 2 review. */
	if (genrand_chance(r, P_DENY))
		anomaly = 1;
	else if (genrand_chance(r, P_REVIEW / (1 - P_DENY)))
		anomaly = 2;

	/* Patient. */
	c->age = age_for(r, s->ages);
	c->pat.gender = s->ages == GENREF_AGE_WOMEN ? 'F' :
	    (genrand_chance(r, 0.52) ? 'F' : 'M');
	c->dependent = genrand_chance(r, g->o.dependents) &&
	    strcmp(s->key, "ambulance") != 0;
	if (c->dependent && c->age >= 65)
		c->age = (int)genrand_range(r, 18, 64);
	if (anomaly == 1 || defect == GEN837_D_CLASS_NOT_ALLOWED ||
	    defect == GEN837_D_BAD_MBI)
		c->dependent = 0;

	/* Payer. */
	if (defect == GEN837_D_CLASS_NOT_ALLOWED) {
		const char *id = genref_class_for("WC", "SWC01",
		    cfac(c)->id) == NULL ? "SWC01" : "SAM01";

		if (c->age < 18 || c->age > 70)
			c->age = (int)genrand_range(r, 22, 63);
		c->payer = genref_payer_find(id);
	} else if (defect == GEN837_D_BAD_MBI) {
		if (c->age < 65)
			c->age = (int)genrand_range(r, 65, 90);
		c->payer = medicare_payer(fac_state(c));
	} else if (anomaly == 1) {
		int kind = (int)genrand_below(r, 3);

		if (kind == 2) {
			/* D3: an HMO outside its network. */
			int k, cand = -1;

			for (k = 0; k < (int)genref_npayers; k++)
				if (strcmp(genref_payers[k].fi, "HM") == 0 &&
				    !genref_payer_covers(&genref_payers[k],
				    fac_state(c)))
					cand = k;
			if (cand >= 0) {
				c->payer = cand;
				if (c->age < 19 || c->age >= 65)
					c->age = (int)genrand_range(r, 19, 64);
			} else
				kind = 0;
		}
		if (kind == 1) {
			/* D2: an adult on the children's plan. */
			c->payer = genref_payer_find("SCH01");
			c->age = (int)genrand_range(r, 19, 34);
		} else if (kind == 0) {
			/* D1: Medicare under 65 without ESRD. */
			c->payer = genrand_chance(r, 0.75) ?
			    medicare_payer(fac_state(c)) :
			    genref_payer_find("SMA01");
			c->age = (int)genrand_range(r, 25, 64);
		}
	} else {
		if (c->age < 65 && c->age >= 19 && !c->dependent &&
		    genrand_chance(r, 0.02)) {
			/* Medicare because of end-stage renal disease. */
			c->payer = medicare_payer(fac_state(c));
			esrd = 1;
		} else
			c->payer = pick_payer(r, c);
	}
	if (c->payer < 0)
		c->payer = medicare_payer(fac_state(c));
	p = cpayer(c);
	c->sbr01 = 'P';

	/* Coordination of benefits: this claim goes to the second payer. */
	if (anomaly != 1 && defect != GEN837_D_BAD_MBI &&
	    defect != GEN837_D_CLASS_NOT_ALLOWED &&
	    strcmp(p->fi, "WC") != 0 && strcmp(p->fi, "AM") != 0 &&
	    strcmp(p->id, "SCH01") != 0 && genrand_chance(r, g->o.cob)) {
		if (strcmp(p->fi, "MB") == 0) {
			c->cob_payer = c->payer;
			c->payer = genrand_chance(r, 0.4) ?
			    genref_payer_find("SMC01") :
			    payer_of_fi(r, genrand_chance(r, 0.5) ? "CI" : "BL",
			    NULL);
			cob = 1;
		} else if (strcmp(p->fi, "CI") == 0 ||
		    strcmp(p->fi, "BL") == 0 || strcmp(p->fi, "12") == 0) {
			c->cob_payer = c->payer;
			c->payer = payer_of_fi(r, strcmp(p->fi, "BL") == 0 ?
			    "CI" : "BL", NULL);
			cob = 1;
		}
		p = cpayer(c);
		if (cob)
			c->sbr01 = 'S';
	}

	/* Dates: the ISA's date is the submission date. */
	if (cob)
		lag = genrand_range(r, 20, 45);
	else {
		static const unsigned lw[3] = { 85, 12, 3 };

		switch (genrand_weighted(r, lw, 3)) {
		case 0:
			lag = genrand_range(r, 0, 10);
			break;
		case 1:
			lag = genrand_range(r, 11, 25);
			break;
		default:
			lag = genrand_range(r, 26, 34);
		}
	}
	if (genrand_chance(r, (double)s->p_multiday / 100))
		span = genrand_range(r, 1, strcmp(s->key, "therapy") == 0 ?
		    14 : 5);
	base = day_of(2025, 1, 1);
	c->last = d - lag;
	c->first = c->last - span;
	if (c->first < base) {
		c->first = base;
		if (c->last < c->first)
			c->last = c->first;
	}
	/* Birth date: the age at the first date of service. */
	date_from_days(c->first, &first);
	dob.y = first.y - c->age - 1;
	dob.m = 1;
	dob.d = 1;
	{
		long lo = date_days(&dob), hi;
		struct ckdate t = first;

		/* Born between first-(age+1)y+1d and first-age y. */
		t.y = first.y - c->age;
		if (t.m == 2 && t.d == 29)
			t.d = 28;
		hi = date_days(&t);
		t.y = first.y - c->age - 1;
		lo = date_days(&t) + 1;
		c->pat.dob = genrand_range(r, lo, hi);
	}
	if (c->age == 0 && c->pat.dob > c->first)
		c->pat.dob = c->first;

	/* People. */
	snprintf(last, sizeof(last), "%s",
	    pick_name(g, r, genref_last_names, genref_nlast));
	{
		int zip = zip_in_state(r, fac_state(c));
		char gender = c->pat.gender;
		long pdob = c->pat.dob;

		make_person(g, r, &c->pat, gender, pdob, last, zip);
		if (c->dependent) {
			int sub_age;
			struct ckdate sd;

			if (c->age < 26) {
				c->rel = "19";
				sub_age = c->age + (int)genrand_range(r, 20, 40);
			} else {
				c->rel = "01";
				sub_age = c->age + (int)genrand_range(r, -5, 8);
			}
			if (sub_age < 18)
				sub_age = 18;
			if (sub_age > 80)
				sub_age = 80;
			date_from_days(c->first, &sd);
			sd.y -= sub_age;
			if (sd.m == 2 && sd.d == 29)
				sd.d = 28;
			make_person(g, r, &c->sub,
			    c->rel[0] == '0' ? (gender == 'F' ? 'M' : 'F') :
			    (genrand_chance(r, 0.5) ? 'F' : 'M'),
			    date_days(&sd) - genrand_range(r, 0, 364), last,
			    zip);
			snprintf(c->sub.street, sizeof(c->sub.street), "%s",
			    c->pat.street);
			snprintf(c->sub.street2, sizeof(c->sub.street2), "%s",
			    c->pat.street2);
		} else {
			c->rel = "18";
			c->sub = c->pat;
		}
	}
	if (defect == GEN837_D_BAD_MBI) {
		static const char bad[] = "SLOIBZ";

		make_mbi(r, c->sub.member);
		c->sub.member[1] = bad[genrand_below(r, 6)];
	} else
		make_member(r, p, c->sub.member, sizeof(c->sub.member));
	if (strcmp(p->fi, "MB") != 0 && strcmp(p->fi, "MC") != 0 &&
	    strcmp(p->fi, "CH") != 0) {
		snprintf(c->group, sizeof(c->group), "G%07u",
		    (unsigned)genrand_below(r, 10000000));
		if (strcmp(p->fi, "WC") != 0 && strcmp(p->fi, "AM") != 0)
			snprintf(c->group_name, sizeof(c->group_name),
			    "%s EMPLOYEES", genref_streets[genrand_below(r,
			    (uint32_t)genref_nstreets)]);
	}
	if (cob) {
		const struct genref_payer *op = &genref_payers[c->cob_payer];

		c->cob_sub = c->sub;
		make_member(r, op, c->cob_sub.member,
		    sizeof(c->cob_sub.member));
		if (strcmp(op->fi, "MB") != 0)
			snprintf(c->cob_group, sizeof(c->cob_group), "G%07u",
			    (unsigned)genrand_below(r, 10000000));
	}

	/* Claim. */
	c->pos = s->pos[genrand_below(r, (uint32_t)s->npos)];
	snprintf(c->acct, sizeof(c->acct), "%.3s%08llu",
	    cfac(c)->name, (unsigned long long)(genrand_next(r) % 100000000));
	for (i = 0; i < 3; i++)
		if (c->acct[i] == ' ')
			c->acct[i] = 'X';
	c->freq = '1';
	if (genrand_chance(r, 0.03)) {
		c->freq = '7';
		snprintf(c->orig_ref, sizeof(c->orig_ref), "%012llu",
		    (unsigned long long)(genrand_next(r) % 1000000000000ULL));
	}
	if (genrand_chance(r, 0.3))
		snprintf(c->mrn, sizeof(c->mrn), "MR%07u",
		    (unsigned)genrand_below(r, 10000000));
	if (genrand_chance(r, 0.15))
		c->onset = c->first - genrand_range(r, 0, 60);
	if (cfac(c)->nrend > 0)
		c->rend = cfac(c)->rend + (int)genrand_below(r,
		    (uint32_t)cfac(c)->nrend);
	else
		c->rend = -1;
	if (genrand_chance(r, (double)s->p_referring / 100) ||
	    (strcmp(p->fi, "HM") == 0 && genrand_chance(r, 0.8))) {
		c->referring = (int)(genref_npeople - 40) +
		    (int)genrand_below(r, 40);
		if (strcmp(p->fi, "HM") == 0)
			snprintf(c->referral, sizeof(c->referral), "RF%08u",
			    (unsigned)genrand_below(r, 100000000));
	}
	if (strcmp(c->pos, "21") == 0 || strcmp(c->pos, "22") == 0 ||
	    strcmp(c->pos, "23") == 0 || strcmp(c->pos, "19") == 0)
		c->hosp = pick_hospital(r, fac_state(c));
	if (strcmp(p->fi, "AM") == 0 || strcmp(p->fi, "WC") == 0) {
		c->cause = strcmp(p->fi, "AM") == 0 ? "AA" : "EM";
		c->accident_state = fac_state(c);
		c->accident = c->first - genrand_range(r, 0, 20);
	}
	if (strcmp(s->key, "ambulance") == 0) {
		static const char reasons[] = "AAABCDE";

		c->amb_weight = (int)genrand_range(r, 90, 330);
		c->amb_reason = reasons[genrand_below(r, 7)];
		c->dropoff = pick_hospital(r, fac_state(c));
	}

	pick_dx(r, c);
	if (esrd)
		add_dx(c, genrand_chance(r, 0.6) ? "N186" : "Z992");
	build_lines(g, r, c);
	if (anomaly == 2)
		inject_review(g, r, c);

	/* Prior authorisation: desks get it, others mostly forget. */
	if (claim_has_flag(c, GENREF_P_AUTH) && requires_auth(c)) {
		if (genrand_chance(r, cfac(c)->auth_desk ? 0.96 : 0.04))
			snprintf(c->auth, sizeof(c->auth), "PA%09u",
			    (unsigned)genrand_below(r, 1000000000));
	} else if (genrand_chance(r, 0.01))
		snprintf(c->auth, sizeof(c->auth), "PA%09u",
		    (unsigned)genrand_below(r, 1000000000));

	/* Line control numbers on some claims. */
	if (genrand_chance(r, 0.3))
		for (i = 0; i < c->nlines; i++)
			snprintf(c->lines[i].ctl, sizeof(c->lines[i].ctl),
			    "%llu%02d", (g->nclaims + 1) % 1000000,
			    i + 1);

	/* The primary payer's adjudication, line by line. */
	if (cob) {
		c->adjudicated = c->last + genrand_range(r, 5, lag > 6 ?
		    lag - 1 : 5);
		if (c->adjudicated > d)
			c->adjudicated = d;
		for (i = 0; i < c->nlines; i++) {
			struct gline *l = &c->lines[i];
			int64_t allowed = l->cents *
			    genrand_range(r, 40, 75) / 100;

			l->paid = allowed * 80 / 100;
			l->co = l->cents - allowed;
			l->pr = allowed - l->paid;
		}
	}
}

/* Apply a defect to a finished claim (after its label was decided). */
static void
apply_defect(struct genrand *r, struct gclaim *c, int kind, long submitted)
{
	struct gline *l = &c->lines[genrand_below(r, (uint32_t)c->nlines)];

	c->defects |= 1u << kind;
	switch (kind) {
	case GEN837_D_NPI_CHECK:
		if (c->rend >= 0 && genrand_chance(r, 0.4))
			c->rend_bad = 1;
		else
			c->npi_bad = 1;
		break;
	case GEN837_D_TOTAL_MISMATCH:
		c->total_delta = genrand_chance(r, 0.5) ?
		    genrand_range(r, 1, 99) : genrand_range(r, 1, 50) * 100;
		if (genrand_chance(r, 0.5))
			c->total_delta = -c->total_delta;
		break;
	case GEN837_D_MISSING_ACCOUNT:
		c->acct[0] = '\0';
		break;
	case GEN837_D_BAD_DATE: {
		static const char *const bad[] = { "20250230", "20251301",
		    "20250431", "20250000", "20252315" };

		snprintf(l->baddate, sizeof(l->baddate), "%s",
		    bad[genrand_below(r, 5)]);
		break;
	}
	case GEN837_D_FUTURE_DATE:
		/* After the transaction was created (BHT04). */
		l->date = submitted + genrand_range(r, 3, 60);
		break;
	case GEN837_D_DOB_AFTER_SERVICE:
		c->pat.dob = c->last + genrand_range(r, 1, 400);
		if (!c->dependent)
			c->sub.dob = c->pat.dob;
		break;
	case GEN837_D_DX_POINTER:
		l->ptr[0] = c->ndx + (int)genrand_range(r, 1, 3);
		if (l->ptr[0] > 12)
			l->ptr[0] = 12;
		if (l->ptr[0] <= c->ndx)
			l->ptr[0] = c->ndx + 1;
		break;
	case GEN837_D_UNKNOWN_PROCEDURE: {
		static const char *const unk[] = { "99441", "99999", "0000T",
		    "J1030", "99199X" };

		l->code = unk[genrand_below(r, 4)];
		break;
	}
	case GEN837_D_BAD_ICD: {
		static const char *const bad[] = { "M545", "E11", "R05",
		    "I25", "E11.9", "J44.9" };
		int i = (int)genrand_below(r, (uint32_t)c->ndx);

		snprintf(c->dx[i], sizeof(c->dx[i]), "%s",
		    bad[genrand_below(r, 6)]);
		break;
	}
	case GEN837_D_ZERO_UNITS:
		snprintf(l->units, sizeof(l->units), "0");
		break;
	default:
		/* inactive-facility, class-not-allowed, bad-mbi: built in. */
		break;
	}
}

/* ---------------------------------------------------------------------- */
/* Writing: envelopes, then one claim's loops. */

static void
pad15(char out[16], const char *s)
{
	size_t n = strlen(s);

	if (n > 15)
		n = 15;
	memcpy(out, s, n);
	memset(out + n, ' ', 15 - n);
	out[15] = '\0';
}

static void
isa_open(struct gen837 *g)
{
	char s15[16], r15[16], dt[9], t[5];
	long lo = day_of(2025, 1, 6), hi = day_of(2025, 12, 31);

	g->isa_n++;
	g->date = genrand_range(&g->env, lo, hi);
	g->hhmm = (int)genrand_range(&g->env, 6, 22) * 100 +
	    (int)genrand_range(&g->env, 0, 59);
	snprintf(g->isa13, sizeof(g->isa13), "%09lu",
	    (g->isa_base + g->isa_n) % 1000000000UL);
	d8(dt, g->date);
	snprintf(t, sizeof(t), "%04d", g->hhmm);
	pad15(s15, g->o.sender);
	pad15(r15, g->o.receiver);
	/* ISA elements are fixed width; empty ones are written padded. */
	buf_printf(&g->ob, "ISA%c00%c          %c00%c          %cZZ%c%s%cZZ%c"
	    "%s%c%s%c%s%c%c%c00501%c%s%c0%c%c%c%c%c%s",
	    g->o.el, g->o.el, g->o.el, g->o.el, g->o.el, g->o.el, s15, g->o.el,
	    g->o.el, r15, g->o.el, dt + 2, g->o.el, t, g->o.el, g->o.rep,
	    g->o.el, g->o.el, g->isa13, g->o.el, g->o.el, g->o.usage, g->o.el,
	    g->o.comp, g->o.term, g->o.eol);
	g->segindex++;
	g->in_isa = 1;
	g->gs_in_isa = 0;
}

static void
gs_open(struct gen837 *g)
{
	char dt[9];

	g->gs_n++;
	snprintf(g->gs06, sizeof(g->gs06), "%lu", g->gs_n);
	d8(dt, g->date);
	seg(g, "GS");
	el(g, "HC");
	el(g, g->o.sender);
	el(g, g->o.receiver);
	el(g, dt);
	elf(g, "%04d", g->hhmm);
	el(g, g->gs06);
	el(g, "X");
	el(g, "005010X222A1");
	seg_end(g);
	g->in_gs = 1;
	g->gs_in_isa++;
	g->st_in_gs = 0;
}

static void
st_open(struct gen837 *g)
{
	char dt[9];

	g->st_n++;
	snprintf(g->st02, sizeof(g->st02), "%04lu", g->st_n % 1000000000UL);
	g->st_segs = 0;
	seg(g, "ST");
	el(g, "837");
	el(g, g->st02);
	el(g, "005010X222A1");
	seg_end(g);
	d8(dt, g->date);
	seg(g, "BHT");
	el(g, "0019");
	el(g, "00");
	elf(g, "B%s%s", g->gs06, g->st02);
	el(g, dt);
	elf(g, "%04d", g->hhmm);
	el(g, "CH");
	seg_end(g);
	seg(g, "NM1");
	el(g, "41");
	el(g, "2");
	el(g, "CLAIMKIT SYNTHETIC BILLING");
	el(g, "");
	el(g, "");
	el(g, "");
	el(g, "");
	el(g, "46");
	el(g, g->o.sender);
	seg_end(g);
	seg(g, "PER");
	el(g, "IC");
	el(g, "EDI SUPPORT");
	el(g, "TE");
	el(g, "5555550100");
	seg_end(g);
	seg(g, "NM1");
	el(g, "40");
	el(g, "2");
	el(g, "SYNTHETIC CLEARINGHOUSE");
	el(g, "");
	el(g, "");
	el(g, "");
	el(g, "");
	el(g, "46");
	el(g, g->o.receiver);
	seg_end(g);
	g->in_st = 1;
	g->st_in_gs++;
	g->st_claims = 0;
	g->hl = 0;
	g->cur_fac = -1;
	g->ordinal = 0;
	g->st_se_defect = (g->o.defect_mask & (1u << GEN837_D_SE_COUNT)) &&
	    g->nkinds > 0 &&
	    genrand_chance(&g->env, g->o.defects / g->nkinds);
}

static void
st_close(struct gen837 *g)
{
	unsigned long n = g->st_segs + 1;

	if (g->st_se_defect)
		n += genrand_chance(&g->env, 0.5) || n < 3 ? 1 : (unsigned long)-1;
	seg(g, "SE");
	elf(g, "%lu", n);
	el(g, g->st02);
	seg_end(g);
	g->in_st = 0;
}

static void
gs_close(struct gen837 *g)
{
	seg(g, "GE");
	elf(g, "%u", g->st_in_gs);
	el(g, g->gs06);
	seg_end(g);
	g->in_gs = 0;
}

static void
isa_close(struct gen837 *g)
{
	seg(g, "IEA");
	elf(g, "%u", g->gs_in_isa);
	el(g, g->isa13);
	seg_end(g);
	g->in_isa = 0;
}

static void
n3n4(struct gen837 *g, const char *street, const char *street2, int zip,
    const char *zip4)
{
	const struct genref_zip *z = &genref_zips[zip];

	seg(g, "N3");
	el(g, street);
	el(g, street2);
	seg_end(g);
	seg(g, "N4");
	el(g, z->city);
	el(g, z->state);
	if (zip4 != NULL)
		elf(g, "%s%s", z->zip, zip4);
	else
		el(g, z->zip);
	seg_end(g);
}

static void
nm1_person(struct gen837 *g, const char *code, const char *last,
    const char *first, const char *middle, const char *qual, const char *id)
{
	seg(g, "NM1");
	el(g, code);
	el(g, "1");
	el(g, last);
	el(g, first);
	el(g, middle);
	el(g, "");
	el(g, "");
	el(g, qual);
	el(g, id);
	seg_end(g);
}

static void
nm1_org(struct gen837 *g, const char *code, const char *name,
    const char *qual, const char *id)
{
	seg(g, "NM1");
	el(g, code);
	el(g, "2");
	el(g, name);
	el(g, "");
	el(g, "");
	el(g, "");
	el(g, "");
	el(g, qual);
	el(g, id);
	seg_end(g);
}

static void
dtp(struct gen837 *g, const char *q, long day)
{
	char s[9];

	d8(s, day);
	seg(g, "DTP");
	el(g, q);
	el(g, "D8");
	el(g, s);
	seg_end(g);
}

static void
bad_npi(char out[11], const char *npi)
{
	memcpy(out, npi, 11);
	out[9] = (char)('0' + (out[9] - '0' + 1 + (out[3] % 8)) % 10);
	if (out[9] == npi[9])
		out[9] = (char)('0' + (out[9] - '0' + 1) % 10);
}

static void
billing_loop(struct gen837 *g, const struct gclaim *c)
{
	const struct genref_facility *f = cfac(c);
	char npi[11];

	g->hl++;
	g->hl20 = g->hl;
	seg(g, "HL");
	elf(g, "%d", g->hl);
	el(g, "");
	el(g, "20");
	el(g, "1");
	seg_end(g);
	seg(g, "PRV");
	el(g, "BI");
	el(g, "PXC");
	el(g, genref_specialties[f->specialty].taxonomy);
	seg_end(g);
	memcpy(npi, f->npi, sizeof(npi));
	nm1_org(g, "85", f->name, "XX", npi);
	n3n4(g, f->street, NULL, f->zip, f->zip4);
	seg(g, "REF");
	el(g, "EI");
	el(g, f->tax_id);
	seg_end(g);
	g->cur_fac = c->fac;
}

static void
write_claim(struct gen837 *g, struct gclaim *c, unsigned long long *clm_off,
    unsigned long long *clm_seg)
{
	const struct genref_payer *p = cpayer(c);
	char dt[9], money[32], npi[11];
	int i, k, sub_hl;

	/* A facility's NPI with a bad check digit starts its own HL 20. */
	if (c->fac != g->cur_fac || c->npi_bad)
		billing_loop(g, c);
	if (c->npi_bad) {
		/* Rewrite the NM1*85 just written with the corrupted NPI. */
		char *nm = NULL, *s = g->ob.s;
		size_t i2;

		for (i2 = g->ob.len; i2 > 4; i2--)
			if (memcmp(s + i2 - 4, "NM1", 3) == 0 &&
			    s[i2 - 1] == '8' && s[i2 - 4 + 3] == g->o.el) {
				nm = s + i2 - 4;
				break;
			}
		if (nm != NULL) {
			char *x = strstr(nm, cfac(c)->npi);

			if (x != NULL) {
				bad_npi(npi, cfac(c)->npi);
				memcpy(x, npi, 10);
			}
		}
		g->cur_fac = -1;	/* the next claim gets a clean HL */
	}
	g->hl++;
	sub_hl = g->hl;
	seg(g, "HL");
	elf(g, "%d", g->hl);
	elf(g, "%d", g->hl20);
	el(g, "22");
	el(g, c->dependent ? "1" : "0");
	seg_end(g);
	seg(g, "SBR");
	elf(g, "%c", c->sbr01);
	el(g, c->dependent ? "" : "18");
	el(g, c->group);
	el(g, c->group_name);
	el(g, "");
	el(g, "");
	el(g, "");
	el(g, "");
	el(g, p->fi);
	seg_end(g);
	nm1_person(g, "IL", c->sub.last, c->sub.first, c->sub.middle, "MI",
	    c->sub.member);
	n3n4(g, c->sub.street, c->sub.street2, c->sub.zip, NULL);
	d8(dt, c->sub.dob);
	seg(g, "DMG");
	el(g, "D8");
	el(g, dt);
	elf(g, "%c", c->sub.gender);
	seg_end(g);
	nm1_org(g, "PR", p->name, "PI", p->id);
	if (c->idx % 2 == 0)
		n3n4(g, p->street, NULL, p->zip, NULL);
	if (c->dependent) {
		g->hl++;
		seg(g, "HL");
		elf(g, "%d", g->hl);
		elf(g, "%d", sub_hl);
		el(g, "23");
		el(g, "0");
		seg_end(g);
		seg(g, "PAT");
		el(g, c->rel);
		seg_end(g);
		nm1_person(g, "QC", c->pat.last, c->pat.first, c->pat.middle,
		    NULL, NULL);
		n3n4(g, c->pat.street, c->pat.street2, c->pat.zip, NULL);
		d8(dt, c->pat.dob);
		seg(g, "DMG");
		el(g, "D8");
		el(g, dt);
		elf(g, "%c", c->pat.gender);
		seg_end(g);
	}

	/* 2300 */
	{
		int64_t total = c->total_delta;
		char c5[2] = { c->freq, '\0' };
		const char *clm5[3] = { c->pos, "B", c5 };

		for (i = 0; i < c->nlines; i++)
			total += c->lines[i].cents;
		x12money(money, sizeof(money), total);
		*clm_off = out_offset(g);
		*clm_seg = g->segindex + 1;
		seg(g, "CLM");
		el(g, c->acct);
		el(g, money);
		el(g, "");
		el(g, "");
		comp(g, clm5, 3);
		el(g, "Y");
		el(g, "A");
		el(g, "Y");
		el(g, "Y");
		if (c->cause != NULL) {
			const char *cc[5] = { c->cause, "", "",
			    strcmp(c->cause, "AA") == 0 ? c->accident_state : "",
			    "" };

			el(g, "");
			comp(g, cc, 4);
		}
		seg_end(g);
	}
	if (c->onset != 0)
		dtp(g, "431", c->onset);
	if (c->accident != 0)
		dtp(g, "439", c->accident);
	if (c->orig_ref[0] != '\0') {
		seg(g, "REF");
		el(g, "F8");
		el(g, c->orig_ref);
		seg_end(g);
	}
	if (c->referral[0] != '\0') {
		seg(g, "REF");
		el(g, "9F");
		el(g, c->referral);
		seg_end(g);
	}
	if (c->auth[0] != '\0') {
		seg(g, "REF");
		el(g, "G1");
		el(g, c->auth);
		seg_end(g);
	}
	if (c->mrn[0] != '\0') {
		seg(g, "REF");
		el(g, "EA");
		el(g, c->mrn);
		seg_end(g);
	}
	if (c->amb_weight > 0) {
		static const char *const why[] = { "PATIENT IMMOBILIZED",
		    "UNABLE TO SIT", "UNCONSCIOUS", "FRACTURE SUSPECTED" };

		seg(g, "CR1");
		el(g, "LB");
		elf(g, "%d", c->amb_weight);
		el(g, "");
		elf(g, "%c", c->amb_reason);
		el(g, "DH");
		elf(g, "%d.%d", c->amb_miles10 / 10, c->amb_miles10 % 10);
		el(g, "");
		el(g, "");
		el(g, "");
		el(g, why[c->idx % 4]);
		seg_end(g);
		seg(g, "CRC");
		el(g, "07");
		el(g, "Y");
		el(g, "01");
		el(g, c->idx % 3 == 0 ? "04" : "09");
		seg_end(g);
	}
	seg(g, "HI");
	for (i = 0; i < c->ndx; i++) {
		const char *hp[2] = { i == 0 ? "ABK" : "ABF", c->dx[i] };

		comp(g, hp, 2);
	}
	seg_end(g);
	if (c->referring >= 0) {
		const struct genref_person *rp = &genref_people[c->referring];

		nm1_person(g, "DN", rp->last, rp->first, rp->middle, "XX",
		    rp->npi);
	}
	if (c->rend >= 0) {
		const struct genref_person *rp = &genref_people[c->rend];

		memcpy(npi, rp->npi, sizeof(npi));
		if (c->rend_bad)
			bad_npi(npi, rp->npi);
		nm1_person(g, "82", rp->last, rp->first, rp->middle, "XX", npi);
		seg(g, "PRV");
		el(g, "PE");
		el(g, "PXC");
		el(g, rp->taxonomy);
		seg_end(g);
	}
	if (c->hosp >= 0) {
		const struct genref_hospital *h = &genref_hospitals[c->hosp];

		nm1_org(g, "77", h->name, "XX", h->npi);
		n3n4(g, h->street, NULL, h->zip, NULL);
	}
	if (c->dropoff >= 0) {
		const struct genref_hospital *h = &genref_hospitals[c->dropoff];

		seg(g, "NM1");
		el(g, "PW");
		el(g, "2");
		seg_end(g);
		n3n4(g, c->pat.street, c->pat.street2, c->pat.zip, NULL);
		nm1_org(g, "45", h->name, NULL, NULL);
		n3n4(g, h->street, NULL, h->zip, NULL);
	}
	if (c->cob_payer >= 0) {
		const struct genref_payer *op = &genref_payers[c->cob_payer];
		int64_t paid = 0;

		for (i = 0; i < c->nlines; i++)
			paid += c->lines[i].paid;
		seg(g, "SBR");
		el(g, "P");
		el(g, "18");
		el(g, c->cob_group);
		el(g, "");
		el(g, "");
		el(g, "");
		el(g, "");
		el(g, "");
		el(g, op->fi);
		seg_end(g);
		x12money(money, sizeof(money), paid);
		seg(g, "AMT");
		el(g, "D");
		el(g, money);
		seg_end(g);
		seg(g, "OI");
		el(g, "");
		el(g, "");
		el(g, "Y");
		el(g, "P");
		el(g, "");
		el(g, "Y");
		seg_end(g);
		nm1_person(g, "IL", c->cob_sub.last, c->cob_sub.first,
		    c->cob_sub.middle, "MI", c->cob_sub.member);
		n3n4(g, c->cob_sub.street, c->cob_sub.street2, c->cob_sub.zip,
		    NULL);
		nm1_org(g, "PR", op->name, "PI", op->id);
	}

	/* 2400 */
	for (i = 0; i < c->nlines; i++) {
		struct gline *l = &c->lines[i];
		const char *sv[6] = { "HC", l->code, NULL, NULL, NULL, NULL };
		char ptrs[4][4];
		const char *pp[4];

		for (k = 0; k < l->nmods; k++)
			sv[2 + k] = l->mods[k];
		seg(g, "LX");
		elf(g, "%d", i + 1);
		seg_end(g);
		seg(g, "SV1");
		comp(g, sv, 6);
		x12money(money, sizeof(money), l->cents);
		el(g, money);
		el(g, "UN");
		el(g, l->units);
		el(g, "");
		el(g, "");
		for (k = 0; k < l->nptr; k++) {
			snprintf(ptrs[k], sizeof(ptrs[k]), "%d", l->ptr[k]);
			pp[k] = ptrs[k];
		}
		comp(g, pp, l->nptr);
		if (c->amb_weight > 0 && (pflags(l) & GENREF_P_AMB)) {
			el(g, "");
			el(g, "Y");
		}
		seg_end(g);
		if (l->baddate[0] != '\0') {
			seg(g, "DTP");
			el(g, "472");
			el(g, "D8");
			el(g, l->baddate);
			seg_end(g);
		} else
			dtp(g, "472", l->date);
		if (l->ctl[0] != '\0') {
			seg(g, "REF");
			el(g, "6R");
			el(g, l->ctl);
			seg_end(g);
		}
		if (l->ndc[0] != '\0') {
			const char *cu[1] = { l->qunit };

			seg(g, "LIN");
			el(g, "");
			el(g, "N4");
			el(g, l->ndc);
			seg_end(g);
			seg(g, "CTP");
			el(g, "");
			el(g, "");
			el(g, "");
			el(g, l->qty);
			comp(g, cu, 1);
			seg_end(g);
		}
		if (c->cob_payer >= 0) {
			const struct genref_payer *op =
			    &genref_payers[c->cob_payer];

			seg(g, "SVD");
			el(g, op->id);
			x12money(money, sizeof(money), l->paid);
			el(g, money);
			comp(g, sv, 6);
			el(g, "");
			el(g, l->units);
			seg_end(g);
			if (l->co != 0) {
				x12money(money, sizeof(money), l->co);
				seg(g, "CAS");
				el(g, "CO");
				el(g, "45");
				el(g, money);
				seg_end(g);
			}
			if (l->pr != 0) {
				x12money(money, sizeof(money), l->pr);
				seg(g, "CAS");
				el(g, "PR");
				el(g, "2");
				el(g, money);
				seg_end(g);
			}
			dtp(g, "573", c->adjudicated);
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Sidecar. */

static void
write_sidecar(struct gen837 *g, const struct gclaim *c,
    unsigned long long off, unsigned long long segi)
{
	struct jw w;
	char id[CLAIMID_LEN + 1], sender[16], s[16], npi[11];
	const struct genref_payer *p = cpayer(c);
	const struct genref_class *cl;
	int64_t total = c->total_delta;
	size_t n;
	int i, k;

	snprintf(sender, sizeof(sender), "%s", g->o.sender);
	n = strlen(sender);
	while (n > 0 && sender[n - 1] == ' ')
		sender[--n] = '\0';
	claimid_make(id, sender, g->isa13, g->gs06, g->st02, c->acct,
	    g->ordinal);
	for (i = 0; i < c->nlines; i++)
		total += c->lines[i].cents;
	buf_reset(&g->jb);
	jw_init(&w, &g->jb);
	jw_obj(&w);
	jw_kstr(&w, "claim_id", id);
	jw_kstr(&w, "interchange_control_number", g->isa13);
	jw_kstr(&w, "group_control_number", g->gs06);
	jw_kstr(&w, "transaction_control_number", g->st02);
	jw_kint(&w, "claim_ordinal", (long long)g->ordinal);
	jw_kint(&w, "segment_index", (long long)segi);
	jw_kint(&w, "byte_offset", (long long)off);
	jw_kstr(&w, "patient_account_number", c->acct);
	jw_kcents(&w, "total_charge", total);
	jw_kint(&w, "line_count", c->nlines);
	jw_key(&w, "lines");
	jw_arr(&w);
	for (i = 0; i < c->nlines; i++) {
		const struct gline *l = &c->lines[i];

		jw_obj(&w);
		jw_kint(&w, "line_number", i + 1);
		jw_kstr(&w, "procedure_code", l->code);
		jw_key(&w, "modifiers");
		jw_arr(&w);
		for (k = 0; k < l->nmods; k++)
			jw_str(&w, l->mods[k]);
		jw_arr_end(&w);
		jw_kcents(&w, "charge", l->cents);
		jw_key(&w, "units");
		jw_raw(&w, l->units, strlen(l->units));
		if (l->baddate[0] != '\0')
			jw_kstr(&w, "service_date_d8", l->baddate);
		else {
			char isod[11];

			iso(isod, l->date);
			jw_kstr(&w, "service_date", isod);
		}
		jw_key(&w, "diagnosis_pointers");
		jw_arr(&w);
		for (k = 0; k < l->nptr; k++)
			jw_int(&w, l->ptr[k]);
		jw_arr_end(&w);
		jw_kstr_opt(&w, "ndc", l->ndc);
		if (c->cob_payer >= 0)
			jw_kcents(&w, "other_payer_paid", l->paid);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "diagnoses");
	jw_arr(&w);
	for (i = 0; i < c->ndx; i++)
		jw_str(&w, c->dx[i]);
	jw_arr_end(&w);
	memcpy(npi, cfac(c)->npi, sizeof(npi));
	if (c->npi_bad)
		bad_npi(npi, cfac(c)->npi);
	jw_kstr(&w, "billing_npi", npi);
	if (c->rend >= 0) {
		memcpy(npi, genref_people[c->rend].npi, sizeof(npi));
		if (c->rend_bad)
			bad_npi(npi, genref_people[c->rend].npi);
		jw_kstr(&w, "rendering_npi", npi);
		jw_kstr(&w, "rendering_taxonomy",
		    genref_people[c->rend].taxonomy);
	}
	if (c->referring >= 0)
		jw_kstr(&w, "referring_npi", genref_people[c->referring].npi);
	if (c->hosp >= 0)
		jw_kstr(&w, "service_facility_npi",
		    genref_hospitals[c->hosp].npi);
	jw_kstr(&w, "billing_taxonomy",
	    genref_specialties[cfac(c)->specialty].taxonomy);
	jw_kstr(&w, "facility_id", cfac(c)->id);
	cl = genref_class_for(p->fi, p->id, cfac(c)->id);
	if (cl != NULL)
		jw_kstr(&w, "financial_class_id", cl->id);
	jw_kbool(&w, "is_subscriber", !c->dependent);
	jw_kstr(&w, "relationship", c->rel);
	{
		char isod[11];

		iso(isod, c->pat.dob);
		jw_kstr(&w, "patient_birth_date", isod);
		jw_kint(&w, "patient_age", c->age);
		jw_kstr(&w, "patient_gender", (char[2]){ c->pat.gender, 0 });
		iso(isod, c->first);
		jw_kstr(&w, "service_date_from", isod);
		iso(isod, c->last);
		jw_kstr(&w, "service_date_to", isod);
		iso(isod, g->date);
		jw_kstr(&w, "submission_date", isod);
	}
	jw_kstr(&w, "member_id", c->sub.member);
	jw_kstr(&w, "payer_id", p->id);
	jw_kstr(&w, "payer_name", p->name);
	jw_kstr(&w, "claim_filing_indicator", p->fi);
	jw_kstr(&w, "payer_responsibility", (char[2]){ c->sbr01, 0 });
	jw_kstr(&w, "place_of_service", c->pos);
	jw_kstr(&w, "frequency_code", (char[2]){ c->freq, 0 });
	jw_kstr_opt(&w, "prior_authorization", c->auth);
	if (c->cob_payer >= 0) {
		jw_kstr(&w, "other_payer_id", genref_payers[c->cob_payer].id);
		jw_kstr(&w, "other_payer_filing_indicator",
		    genref_payers[c->cob_payer].fi);
	}
	jw_kbool(&w, "ambulance", c->amb_weight > 0);
	{
		int nd = 0;

		for (i = 0; i < c->nlines; i++)
			nd += c->lines[i].ndc[0] != '\0';
		jw_kint(&w, "drug_lines", nd);
	}
	jw_key(&w, "defects");
	jw_arr(&w);
	for (k = 0; k < GEN837_D_COUNT; k++)
		if ((c->defects & (1u << k)) ||
		    (k == GEN837_D_SE_COUNT && g->st_se_defect))
			jw_str(&w, gen837_defect_names[k]);
	jw_arr_end(&w);
	jw_kstr(&w, "filter", gen837_filters[c->label]);
	jw_kint(&w, "target_filter_id", c->label + 1);
	snprintf(s, sizeof(s), "%llu", (unsigned long long)c->idx + 1);
	jw_key(&w, "claim_number");
	jw_raw(&w, s, strlen(s));
	if (c->duplicate)
		jw_kbool(&w, "duplicate_of_earlier_claim", 1);
	jw_obj_end(&w);
	buf_addc(&g->jb, '\n');
	if (!g->ioerr && fwrite(g->jb.s, 1, g->jb.len, g->side) != g->jb.len)
		g->ioerr = errno ? errno : EIO;
}

/* ---------------------------------------------------------------------- */

struct gen837 *
gen837_alloc(const struct gen837_opts *o, FILE *out, FILE *side)
{
	struct gen837 *g = xcalloc(1, sizeof(*g));
	size_t i;
	int k;

	genref_init();
	g->o = *o;
	g->out = out;
	g->side = side;
	g->ring = xcalloc(RING, sizeof(*g->ring));
	g->ring_used = xcalloc(RING, sizeof(*g->ring_used));
	g->prev_fac = -1;
	g->cur_fac = -1;
	genrand_seed(&g->env, o->seed, 0);
	g->isa_base = (unsigned long)genrand_below(&g->env, 900000000);
	for (k = 0; k < GEN837_D_COUNT; k++)
		if (o->defect_mask & (1u << k))
			g->nkinds++;
	for (i = 0; i < genref_nfacilities && g->nregular < 64; i++) {
		const struct genref_facility *f = &genref_facilities[i];

		if (f->active && f->weight > 0) {
			g->fac_regular[g->nregular] = (int)i;
			g->fac_weight[g->nregular++] = (unsigned)f->weight;
		}
	}
	return g;
}

void
gen837_free(struct gen837 *g)
{
	if (g == NULL)
		return;
	buf_free(&g->ob);
	buf_free(&g->jb);
	buf_free(&g->tmp);
	free(g->ring);
	free(g->ring_used);
	free(g);
}

unsigned long long
gen837_claims(const struct gen837 *g)
{
	return g->nclaims;
}

unsigned long long
gen837_bytes(const struct gen837 *g)
{
	return out_offset(g);
}

/* A duplicate of an earlier claim sent 35+ days after its service. */
static int
find_original(struct gen837 *g, struct genrand *r)
{
	int t;

	for (t = 0; t < 12; t++) {
		int k = (int)genrand_below(r, RING);

		if (g->ring_used[k] && g->ring[k].last <= g->date - DUP_MIN_LAG)
			return k;
	}
	return -1;
}

static void
next_claim(struct gen837 *g)
{
	struct gclaim *c = &g->c;
	struct genrand r;
	unsigned long long off = 0, segi = 0;
	int defect = -1, orig = -1;

	genrand_seed(&r, g->o.seed, 1 + g->nclaims);
	if (g->nkinds > 0 && genrand_chance(&r, g->o.defects))
		defect = pick_defect(g, &r);
	if (genrand_chance(&r, g->o.duplicates))
		orig = find_original(g, &r);
	if (orig >= 0 && defect != GEN837_D_INACTIVE_FACILITY &&
	    defect != GEN837_D_CLASS_NOT_ALLOWED && defect != GEN837_D_BAD_MBI) {
		*c = g->ring[orig];
		c->idx = g->nclaims;
		c->duplicate = 1;
	} else {
		build_claim(g, &r, c, defect);
		c->idx = g->nclaims;
		g->ring_used[g->nclaims % RING] = 1;
		g->ring[g->nclaims % RING] = *c;
	}
	c->label = label_of(c);
	if (g->o.noise > 0 && genrand_chance(&r, g->o.noise))
		c->label = (c->label + 1 + (int)genrand_below(&r,
		    GEN837_NFILTERS - 1)) % GEN837_NFILTERS;
	if (defect >= 0)
		apply_defect(&r, c, defect, g->date);
	g->ordinal++;
	write_claim(g, c, &off, &segi);
	if (g->side != NULL)
		write_sidecar(g, c, off, segi);
	g->prev_fac = c->fac;
	g->nclaims++;
	g->st_claims++;
}

static int
done(const struct gen837 *g)
{
	if (g->o.max_claims > 0 && g->nclaims >= g->o.max_claims)
		return 1;
	if (g->o.max_bytes > 0 && out_offset(g) >= g->o.max_bytes)
		return 1;
	return 0;
}

int
gen837_run(struct gen837 *g)
{
	while (!done(g) && !g->ioerr) {
		if (!g->in_isa)
			isa_open(g);
		if (!g->in_gs)
			gs_open(g);
		if (!g->in_st)
			st_open(g);
		next_claim(g);
		if (g->st_claims >= g->o.claims_per_st || done(g)) {
			st_close(g);
			if (g->st_in_gs >= g->o.st_per_gs || done(g)) {
				gs_close(g);
				if (g->gs_in_isa >= g->o.gs_per_isa || done(g))
					isa_close(g);
			}
		}
		flush_out(g, 0);
	}
	if (g->ioerr) {
		errno = g->ioerr;
		return -1;
	}
	return 0;
}

int
gen837_finish(struct gen837 *g)
{
	flush_out(g, 1);
	if (g->ioerr) {
		errno = g->ioerr;
		return -1;
	}
	return 0;
}
