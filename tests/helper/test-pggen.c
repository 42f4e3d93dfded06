/*
 * test-pggen: deterministic claim records (claimkit-record(5) NDJSON) for
 * the staging tests and bench/bench-30-pg.sh, independent of edi-parse.
 * Lines per claim are 1 to 4 (2.5 on average), diagnoses 1 to 4; some
 * names carry non-ASCII letters, quotes and backslashes so that a round
 * trip through the database is tested on them.
 *
 *	test-pggen [-n count] [-s seed] [-o offset] [-f facilities]
 *	test-pggen -c prefix [-n count] [-s seed] [-o offset]
 *
 * -o starts the claim numbering at offset (claim ids differ between
 * offsets, not between seeds).  -f N gives the billing providers N
 * distinct NPIs (NPI 1000000000 + k, k < N).  -c writes pre-made CSV
 * files PREFIX-claims.csv, PREFIX-lines.csv, PREFIX-diags.csv holding
 * the rows claims-load would write for the same records (the bench's raw
 * COPY baseline), instead of NDJSON.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "claimkit/buf.h"
#include "claimkit/cli.h"
#include "claimkit/date.h"
#include "claimkit/diag.h"
#include "claimkit/jw.h"

static uint64_t rng;

static uint32_t
rnd(uint32_t n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)((rng >> 33) % n);
}

static const char *const last[] = {
	"SMITH", "JOHNSON", "O'BRIEN", "GARCÍA", "NGUYEN", "MÜLLER",
	"WILLIAMS", "DE LA CRUZ", "BACK\\SLASH", "QUOTE\"D", "ZOË", "LEE"
};
static const char *const first[] = {
	"JOHN", "MARY", "RENÉE", "JOSÉ", "ANNA", "LI", "ÅSA", "PAT"
};
static const char *const cpt[] = {
	"99213", "99214", "99215", "36415", "85025", "93000", "71046",
	"J3420", "G0008", "97110", "20610", "11102"
};
static const char *const icd[] = {
	"J449", "E119", "I10", "M545", "Z0000", "R05", "K219", "F329",
	"S72001A", "N390"
};
static const char *const cfi[] = { "MB", "MC", "CI", "BL", "HM" };
static const char *const payer[] = {
	"MEDICARE PART B", "MEDICAID", "ACME HEALTH", "BLUE PLAN", "HMO ONE"
};
static const char *const pos[] = { "11", "22", "21", "12", "81" };
static const char *const mods[] = { "25", "59", "26", "TC", "LT", "RT" };

struct gen {
	struct buf	 b;
	unsigned long	 n;
	char		 id[33];
	char		 from[11], to[11];
	int		 nlines, ndx;
	int64_t		 charge[4], total;
	int		 cpt[4], units[4], mod[4], dx[4], ptr[4];
	int		 person, payer, dob_y;
};

static void
birth(const struct gen *g, char out[11])
{
	struct ckdate d;

	d.y = g->dob_y;
	d.m = 1 + g->person % 12;
	d.d = 1 + g->person % 28;
	date_fmt(out, &d);
}

static void
party_address(struct jw *w, unsigned long k)
{
	char line[64];

	snprintf(line, sizeof line, "%lu MAIN ST", 100 + k % 9000);
	jw_key(w, "address");
	jw_obj(w);
	jw_kstr(w, "line1", line);
	if (k % 3 == 0)
		jw_kstr(w, "line2", "SUITE 5");
	jw_kstr(w, "city", k % 2 ? "SPRINGFIELD" : "SAN JOSÉ");
	jw_kstr(w, "state", k % 2 ? "IL" : "CA");
	jw_kstr(w, "zip", k % 2 ? "627011234" : "95112");
	jw_obj_end(w);
}

static void
plan(struct gen *g, unsigned long k, int nfac)
{
	struct ckdate d;
	long day;
	int i;

	snprintf(g->id, sizeof g->id, "%016lx%016llx", k * 2654435761UL,
	    (unsigned long long)(k ^ 0x5bd1e995ULL) * 40503ULL);
	day = 19723 + (long)rnd(700);	/* 2024-01-01 + up to ~2 years */
	date_from_days(day, &d);
	date_fmt(g->from, &d);
	date_from_days(day + (long)rnd(3), &d);
	date_fmt(g->to, &d);
	g->nlines = 1 + (int)rnd(4);
	g->ndx = 1 + (int)rnd(4);
	g->total = 0;
	for (i = 0; i < g->nlines; i++) {
		g->cpt[i] = (int)rnd(sizeof cpt / sizeof cpt[0]);
		g->units[i] = 1 + (int)rnd(3);
		g->charge[i] = (int64_t)(1000 + rnd(50000)) * g->units[i];
		g->mod[i] = rnd(4) == 0 ? (int)rnd(6) : -1;
		g->ptr[i] = 1 + (int)rnd((uint32_t)g->ndx);
		g->total += g->charge[i];
	}
	for (i = 0; i < g->ndx; i++)
		g->dx[i] = (int)rnd(sizeof icd / sizeof icd[0]);
	g->person = (int)rnd(1000);
	g->payer = (int)rnd(5);
	g->dob_y = 1930 + (int)rnd(90);
	(void)nfac;
}

static void
record(struct gen *g, unsigned long k, int nfac)
{
	struct jw w;
	char tmp[64], dob[11];
	int i;

	buf_reset(&g->b);
	jw_init(&w, &g->b);
	jw_obj(&w);
	jw_kint(&w, "record_version", 1);
	jw_kstr(&w, "claim_id", g->id);
	jw_key(&w, "source");
	jw_obj(&w);
	jw_kstr(&w, "file", "generated.837");
	snprintf(tmp, sizeof tmp, "%09lu", 1 + k / 1000);
	jw_kstr(&w, "interchange_control_number", tmp);
	jw_kstr(&w, "group_control_number", "1");
	snprintf(tmp, sizeof tmp, "%04lu", k % 10000);
	jw_kstr(&w, "transaction_control_number", tmp);
	jw_kstr(&w, "implementation", "005010X222A1");
	jw_kstr(&w, "sender_id", "SENDER01");
	jw_kstr(&w, "receiver_id", "RECEIVER01");
	jw_kstr(&w, "transaction_date", g->to);
	jw_kstr(&w, "transaction_type", "CH");
	jw_kint(&w, "segment_index", (long long)(20 + k * 30));
	jw_kint(&w, "byte_offset", (long long)(900 + k * 1200));
	jw_kint(&w, "claim_ordinal", 1);
	jw_obj_end(&w);
	jw_key(&w, "billing_provider");
	jw_obj(&w);
	jw_kstr(&w, "entity_type", "2");
	snprintf(tmp, sizeof tmp, "CLINIC %lu", k % (nfac ? nfac : 97));
	jw_kstr(&w, "name", tmp);
	snprintf(tmp, sizeof tmp, "%lu",
	    1000000000UL + k % (unsigned long)(nfac ? nfac : 97));
	jw_kstr(&w, "npi", tmp);
	jw_kstr(&w, "tax_id", "123456789");
	jw_kstr(&w, "tax_id_type", "EI");
	jw_kstr(&w, "taxonomy", "207Q00000X");
	party_address(&w, k);
	jw_obj_end(&w);
	birth(g, dob);
	jw_key(&w, "subscriber");
	jw_obj(&w);
	jw_kstr(&w, "payer_responsibility", "P");
	jw_kstr(&w, "relationship", "18");
	jw_kstr(&w, "claim_filing_indicator", cfi[g->payer]);
	jw_kstr(&w, "last_name", last[g->person % 12]);
	jw_kstr(&w, "first_name", first[g->person % 8]);
	snprintf(tmp, sizeof tmp, "M%08d", g->person * 7919 % 100000000);
	jw_kstr(&w, "member_id", tmp);
	jw_kstr(&w, "member_id_qualifier", "MI");
	party_address(&w, (unsigned long)g->person);
	jw_kstr(&w, "birth_date", dob);
	jw_kstr(&w, "gender", g->person % 2 ? "F" : "M");
	jw_obj_end(&w);
	jw_key(&w, "payer");
	jw_obj(&w);
	jw_kstr(&w, "name", payer[g->payer]);
	snprintf(tmp, sizeof tmp, "P%05d", 10 + g->payer);
	jw_kstr(&w, "payer_id", tmp);
	jw_kstr(&w, "payer_id_qualifier", "PI");
	jw_obj_end(&w);
	jw_key(&w, "patient");
	jw_obj(&w);
	jw_kbool(&w, "is_subscriber", 1);
	jw_kstr(&w, "relationship", "18");
	jw_kstr(&w, "last_name", last[g->person % 12]);
	jw_kstr(&w, "first_name", first[g->person % 8]);
	jw_kstr(&w, "birth_date", dob);
	jw_kstr(&w, "gender", g->person % 2 ? "F" : "M");
	jw_obj_end(&w);
	jw_key(&w, "claim");
	jw_obj(&w);
	snprintf(tmp, sizeof tmp, "PAT%08lu", k);
	jw_kstr(&w, "patient_account_number", tmp);
	jw_kcents(&w, "total_charge", g->total);
	jw_kstr(&w, "place_of_service", pos[k % 5]);
	jw_kstr(&w, "facility_code_qualifier", "B");
	jw_kstr(&w, "frequency_code", "1");
	jw_kstr(&w, "provider_signature", "Y");
	jw_kstr(&w, "assignment", "A");
	jw_kstr(&w, "benefits_assignment", "Y");
	jw_kstr(&w, "release_of_information", "Y");
	jw_kstr(&w, "service_date_from", g->from);
	jw_kstr(&w, "service_date_to", g->to);
	if (k % 7 == 0) {
		jw_key(&w, "notes");
		jw_arr(&w);
		jw_obj(&w);
		jw_kstr(&w, "code", "ADD");
		jw_kstr(&w, "text", "tab\there, newline\nhere, 100% \\ ok");
		jw_obj_end(&w);
		jw_arr_end(&w);
	}
	jw_obj_end(&w);
	jw_key(&w, "diagnoses");
	jw_arr(&w);
	for (i = 0; i < g->ndx; i++) {
		jw_obj(&w);
		jw_kint(&w, "sequence", i + 1);
		jw_kstr(&w, "qualifier", i == 0 ? "ABK" : "ABF");
		jw_kstr(&w, "code", icd[(g->dx[i] + i) % 10]);
		if (i == 0)
			jw_kbool(&w, "is_primary", 1);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "providers");
	jw_obj(&w);
	jw_key(&w, "rendering");
	jw_obj(&w);
	jw_kstr(&w, "entity_type", "1");
	jw_kstr(&w, "last_name", last[(g->person + 3) % 12]);
	jw_kstr(&w, "first_name", first[(g->person + 1) % 8]);
	snprintf(tmp, sizeof tmp, "%lu", 1500000000UL + k % 311);
	jw_kstr(&w, "npi", tmp);
	jw_obj_end(&w);
	jw_obj_end(&w);
	jw_key(&w, "lines");
	jw_arr(&w);
	for (i = 0; i < g->nlines; i++) {
		jw_obj(&w);
		jw_kint(&w, "line_number", i + 1);
		jw_kstr(&w, "procedure_qualifier", "HC");
		jw_kstr(&w, "procedure_code", cpt[g->cpt[i]]);
		if (g->mod[i] >= 0) {
			jw_key(&w, "modifiers");
			jw_arr(&w);
			jw_str(&w, mods[g->mod[i]]);
			jw_arr_end(&w);
		}
		jw_kcents(&w, "charge", g->charge[i]);
		jw_kstr(&w, "unit_basis", "UN");
		if (k % 11 == 0 && i == 0)
			jw_key(&w, "units"), jw_raw(&w, "1.5", 3);
		else
			jw_kint(&w, "units", g->units[i]);
		jw_key(&w, "diagnosis_pointers");
		jw_arr(&w);
		jw_int(&w, g->ptr[i]);
		jw_arr_end(&w);
		jw_kstr(&w, "service_date", g->from);
		jw_kstr(&w, "service_date_end", g->from);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
}

/* COPY text escaping (tab, newline, backslash). */
static void
csv_field(FILE *fp, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '\\': fputs("\\\\", fp); break;
		case '\t': fputs("\\t", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		default: putc(s[i], fp);
		}
	}
}

static void
money(FILE *fp, int64_t c)
{
	fprintf(fp, "%lld.%02lld", (long long)(c / 100), (long long)(c % 100));
}

static FILE *
xopen(const char *prefix, const char *what)
{
	char path[1024];
	FILE *fp;

	snprintf(path, sizeof path, "%s-%s.tsv", prefix, what);
	if ((fp = fopen(path, "w")) == NULL)
		diag_fatal(CK_EX_IOERR, "cannot create '%s'", path);
	return fp;
}

/*
 * The rows claims-load writes for the record, in COPY text format (the
 * column lists of lib/load_pg.c), for the raw-COPY baseline.
 */
static void
rows(struct gen *g, unsigned long k, int nfac, FILE *c, FILE *l, FILE *d)
{
	char dob[11];
	int i, age;
	struct ckdate b, f;

	birth(g, dob);
	date_parse_iso(dob, 10, &b);
	date_parse_iso(g->from, 10, &f);
	age = date_age(&b, &f);
	fprintf(c, "\\N\t%s\t\\N\t\\N\t\\N\tM%08d\t%d\t%s\t%s\tPAT%08lu\t%lu\t"
	    "207Q00000X\t%lu\t%s\t%s\t%s\t", g->id,
	    g->person * 7919 % 100000000, age, dob, g->person % 2 ? "F" : "M",
	    k, 1000000000UL + k % (unsigned long)(nfac ? nfac : 97),
	    1500000000UL + k % 311, pos[k % 5], g->from, g->to);
	money(c, g->total);
	putc('\t', c);
	money(c, g->total);
	fprintf(c, "\t%s\t%s\tM%08d\t\\N\tbench\t", cfi[g->payer],
	    payer[g->payer], g->person * 7919 % 100000000);
	csv_field(c, g->b.s, g->b.len);
	putc('\n', c);
	for (i = 0; i < g->nlines; i++) {
		fprintf(l, "%s\t%d\t%s\t%s\t\\N\t\\N\tHC\t%s\t%s\t\\N\t\\N\t\\N\t"
		    "\\N\t%d\t", g->id, i + 1, g->from, g->from, cpt[g->cpt[i]],
		    g->mod[i] >= 0 ? mods[g->mod[i]] : "\\N", g->ptr[i]);
		money(l, g->charge[i]);
		fprintf(l, "\t%s\tUN\t\\N\tXX\t%lu\t\\N\n",
		    k % 11 == 0 && i == 0 ? "1.5" : (g->units[i] == 1 ? "1" :
		    g->units[i] == 2 ? "2" : "3"), 1500000000UL + k % 311);
	}
	for (i = 0; i < g->ndx; i++)
		fprintf(d, "%s\t%d\t%s\t%s\tICD10\t%s\n", g->id, i + 1,
		    i == 0 ? "ABK" : "ABF", icd[(g->dx[i] + i) % 10],
		    i == 0 ? "t" : "f");
}

int
main(int argc, char **argv)
{
	struct gen g;
	unsigned long i, n = 100, off = 0;
	const char *prefix = NULL;
	FILE *c = NULL, *l = NULL, *d = NULL;
	int ch, nfac = 0;

	cli_init(argv[0], "test-pggen");
	memset(&g, 0, sizeof g);
	rng = 1;
	while ((ch = getopt(argc, argv, "c:f:n:o:s:")) != -1)
		switch (ch) {
		case 'c':
			prefix = optarg;
			break;
		case 'f':
			nfac = (int)cli_num(optarg, 1, 1000000, "-f");
			break;
		case 'n':
			n = (unsigned long)cli_num(optarg, 0, 100000000, "-n");
			break;
		case 'o':
			off = (unsigned long)cli_num(optarg, 0, 1000000000, "-o");
			break;
		case 's':
			rng = (uint64_t)cli_num(optarg, 0, 1000000000, "-s");
			break;
		default:
			cli_usage(CK_EX_USAGE, "usage: test-pggen [-c prefix] "
			    "[-f facilities] [-n count] [-o offset] [-s seed]\n");
		}
	if (prefix != NULL) {
		c = xopen(prefix, "claims");
		l = xopen(prefix, "lines");
		d = xopen(prefix, "diags");
	}
	for (i = 0; i < n; i++) {
		plan(&g, off + i, nfac);
		record(&g, off + i, nfac);
		if (prefix != NULL)
			rows(&g, off + i, nfac, c, l, d);
		else {
			fwrite(g.b.s, 1, g.b.len, stdout);
			putchar('\n');
		}
	}
	if (prefix != NULL && (fclose(c) || fclose(l) || fclose(d)))
		diag_fatal(CK_EX_IOERR, "cannot write the CSV files");
	buf_free(&g.b);
	return cli_finish(0);
}
