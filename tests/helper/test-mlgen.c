/*
 * test-mlgen: small deterministic labelled claim records (claimkit-record
 * NDJSON) for the claims-train / claims-predict tests.  Each record's
 * "filter" (and "target_filter_id", seed 004's integer form) follows
 * hidden rules that a model can learn, plus a share of random labels:
 *
 *	5 duplicate		frequency code 7 (replacement)
 *	3 deny_eligibility	Medicare Part B (MB) and patient under 65
 *	2 hold_authorization	imaging/surgery code billed to a
 *				commercial payer (CI, BL) without prior
 *				authorization
 *	4 review_coding		modifier 25 on an E/M (992xx) line
 *				when the claim has another procedure, or
 *				modifier 59
 *	1 clean			everything else
 *
 * (the filter_id and class_index of examples/filters.csv).
 *
 *	test-mlgen [-n count] [-s seed] [-r noise] [-u]
 *
 * -u leaves the labels out (records as edi-parse writes them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "claimkit/buf.h"
#include "claimkit/cli.h"
#include "claimkit/date.h"
#include "claimkit/diag.h"
#include "claimkit/genrand.h"
#include "claimkit/jw.h"
#include "claimkit/ndjson.h"

static const char *const filters[] = {
	"clean", "hold_authorization", "deny_eligibility", "review_coding",
	"duplicate"
};

static const char *const em[] = { "99212", "99213", "99214", "99215" };
static const char *const minor[] = {
	"36415", "81002", "85025", "93000", "96372", "20610", "11102"
};
static const char *const major[] = {
	"70450", "72148", "73721", "74177", "29881", "43239", "45380",
	"66984", "27447"
};
static const char *const dxs[] = {
	"E119", "I10", "J449", "M545", "Z0000", "R079", "N186", "F329",
	"K219", "M1711", "S83241A", "H2511"
};
static const char *const filing[] = { "MB", "MC", "CI", "BL", "HM" };
static const char *const payers[] = {
	"MCR01", "MCD22", "AET10", "BCBS3", "UHC77", "CIG55"
};
static const char *const taxonomy[] = {
	"207Q00000X", "207R00000X", "208600000X", "207X00000X", "2085R0202X"
};

struct line {
	const char	*code;
	const char	*mod[2];
	int		 nmod;
	long		 cents;
	int		 units;
};

static void
date_out(struct jw *w, const char *key, long days)
{
	struct ckdate d;
	char s[11];

	date_from_days(days, &d);
	jw_kstr(w, key, date_fmt(s, &d));
}

static void
claim(struct genrand *g, unsigned long seq, double noise, int labels,
    struct buf *b)
{
	struct line lines[6];
	int nl = 1 + (int)genrand_below(g, 4), i, label, has_major = 0;
	int has_em25 = 0, has_59 = 0, has_other = 0;
	long total = 0, dos, birth;
	int age, fi = (int)genrand_below(g, 5), pi;
	int freq7 = genrand_chance(g, 0.07), auth = genrand_chance(g, 0.4);
	int ndx = 1 + (int)genrand_below(g, 4);
	char id[33], acct[24];
	struct jw w;

	/* Medicare members are mostly 65 or over. */
	if (strcmp(filing[fi], "MB") == 0)
		age = genrand_chance(g, 0.75) ? 65 + (int)genrand_below(g, 25) :
		    20 + (int)genrand_below(g, 45);
	else
		age = 1 + (int)genrand_below(g, 80);
	pi = fi == 0 ? 0 : fi == 1 ? 1 : 2 + (int)genrand_below(g, 4);
	dos = 20089 + (long)genrand_below(g, 330);	/* 2025 */
	birth = dos - (long)age * 365 - 30 - (long)genrand_below(g, 300);
	for (i = 0; i < nl; i++) {
		struct line *l = &lines[i];

		l->nmod = 0;
		l->units = 1 + (genrand_chance(g, 0.2) ?
		    (int)genrand_below(g, 4) : 0);
		if (i == 0 && genrand_chance(g, 0.7)) {
			l->code = em[genrand_below(g, 4)];
			l->cents = 9000 + (long)genrand_below(g, 15000);
			if (genrand_chance(g, 0.3))
				l->mod[l->nmod++] = "25";
		} else if (genrand_chance(g, 0.25)) {
			l->code = major[genrand_below(g, 9)];
			l->cents = 40000 + (long)genrand_below(g, 400000);
			has_major = 1;
			has_other = 1;
		} else {
			l->code = minor[genrand_below(g, 7)];
			l->cents = 1500 + (long)genrand_below(g, 20000);
			has_other = 1;
			if (genrand_chance(g, 0.08))
				l->mod[l->nmod++] = "59";
		}
		if (genrand_chance(g, 0.1))
			l->mod[l->nmod++] = "RT";
		if (l->nmod > 0 && strcmp(l->mod[0], "25") == 0)
			has_em25 = 1;
		if (l->nmod > 0 && strcmp(l->mod[0], "59") == 0)
			has_59 = 1;
		l->cents *= l->units;
		total += l->cents;
	}

	if (freq7)
		label = 4;
	else if (strcmp(filing[fi], "MB") == 0 && age < 65)
		label = 2;
	else if (has_major && !auth && (strcmp(filing[fi], "CI") == 0 ||
	    strcmp(filing[fi], "BL") == 0))
		label = 1;
	else if ((has_em25 && has_other) || has_59)
		label = 3;
	else
		label = 0;
	if (genrand_chance(g, noise))
		label = (int)genrand_below(g, 5);

	snprintf(id, sizeof id, "%016llx%016llx",
	    (unsigned long long)genrand_next(g),
	    (unsigned long long)genrand_next(g));
	snprintf(acct, sizeof acct, "PA%08lu", seq);
	buf_reset(b);
	jw_init(&w, b);
	jw_obj(&w);
	jw_kint(&w, "record_version", 1);
	jw_kstr(&w, "claim_id", id);
	jw_key(&w, "source");
	jw_obj(&w);
	date_out(&w, "interchange_date", dos + 3 + (long)genrand_below(g, 40));
	date_out(&w, "transaction_date", dos + 2 + (long)genrand_below(g, 40));
	jw_obj_end(&w);
	jw_key(&w, "billing_provider");
	jw_obj(&w);
	jw_kstr(&w, "entity_type", "2");
	jw_kstr(&w, "name", "TEST CLINIC");
	jw_kstr(&w, "npi", "1234567893");
	jw_kstr(&w, "taxonomy", taxonomy[genrand_below(g, 5)]);
	jw_obj_end(&w);
	jw_key(&w, "subscriber");
	jw_obj(&w);
	jw_kstr(&w, "payer_responsibility", "P");
	jw_kstr(&w, "relationship", "18");
	jw_kstr(&w, "claim_filing_indicator", filing[fi]);
	jw_kstr(&w, "last_name", "DOE");
	jw_kstr(&w, "first_name", "PAT");
	date_out(&w, "birth_date", birth);
	jw_obj_end(&w);
	jw_key(&w, "payer");
	jw_obj(&w);
	jw_kstr(&w, "name", "PAYER");
	jw_kstr(&w, "payer_id", payers[pi]);
	jw_obj_end(&w);
	jw_key(&w, "patient");
	jw_obj(&w);
	jw_kbool(&w, "is_subscriber", 1);
	jw_kstr(&w, "relationship", "18");
	jw_kstr(&w, "last_name", "DOE");
	jw_kstr(&w, "first_name", "PAT");
	date_out(&w, "birth_date", birth);
	jw_kstr(&w, "gender", genrand_chance(g, 0.5) ? "F" : "M");
	jw_obj_end(&w);
	jw_key(&w, "claim");
	jw_obj(&w);
	jw_kstr(&w, "patient_account_number", acct);
	jw_kcents(&w, "total_charge", total);
	jw_kstr(&w, "place_of_service", genrand_chance(g, 0.8) ? "11" : "22");
	jw_kstr(&w, "facility_code_qualifier", "B");
	jw_kstr(&w, "frequency_code", freq7 ? "7" : "1");
	date_out(&w, "service_date_from", dos);
	date_out(&w, "service_date_to", dos);
	if (auth)
		jw_kstr(&w, "prior_authorization", "AUTH12345");
	jw_obj_end(&w);
	jw_key(&w, "diagnoses");
	jw_arr(&w);
	for (i = 0; i < ndx; i++) {
		jw_obj(&w);
		jw_kint(&w, "sequence", i + 1);
		jw_kstr(&w, "qualifier", i == 0 ? "ABK" : "ABF");
		jw_kstr(&w, "code", dxs[genrand_below(g, 12)]);
		if (i == 0)
			jw_kbool(&w, "is_primary", 1);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "lines");
	jw_arr(&w);
	for (i = 0; i < nl; i++) {
		int m;

		jw_obj(&w);
		jw_kint(&w, "line_number", i + 1);
		jw_kstr(&w, "procedure_qualifier", "HC");
		jw_kstr(&w, "procedure_code", lines[i].code);
		if (lines[i].nmod > 0) {
			jw_key(&w, "modifiers");
			jw_arr(&w);
			for (m = 0; m < lines[i].nmod; m++)
				jw_str(&w, lines[i].mod[m]);
			jw_arr_end(&w);
		}
		jw_kcents(&w, "charge", lines[i].cents);
		jw_kstr(&w, "unit_basis", "UN");
		jw_kint(&w, "units", lines[i].units);
		jw_key(&w, "diagnosis_pointers");
		jw_arr(&w);
		jw_int(&w, 1);
		jw_arr_end(&w);
		date_out(&w, "service_date", dos);
		date_out(&w, "service_date_end", dos);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	if (labels) {
		jw_kstr(&w, "filter", filters[label]);
		jw_kint(&w, "target_filter_id", label + 1);
	}
	jw_obj_end(&w);
	ndout_line(b->s, b->len);
}

int
main(int argc, char **argv)
{
	struct genrand g;
	struct buf b = BUF_INIT;
	unsigned long n = 100, seed = 1, i;
	double noise = 0.02;
	int c, labels = 1;

	cli_init(argv[0], "test-mlgen");
	while ((c = getopt(argc, argv, "n:r:s:u")) != -1) {
		switch (c) {
		case 'n':
			n = (unsigned long)cli_num(optarg, 0, 100000000,
			    "count");
			break;
		case 'r':
			noise = atof(optarg);
			break;
		case 's':
			seed = (unsigned long)cli_num(optarg, 0, 1000000000,
			    "seed");
			break;
		case 'u':
			labels = 0;
			break;
		default:
			cli_usage(CK_EX_USAGE, "usage: test-mlgen [-u] "
			    "[-n count] [-r noise] [-s seed]\n");
		}
	}
	for (i = 0; i < n; i++) {
		genrand_seed(&g, seed, i);
		claim(&g, i + 1, noise, labels, &b);
	}
	buf_free(&b);
	return cli_finish(0);
}
