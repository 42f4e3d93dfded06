/*
 * claims-validate: the rules engine.  Reads claim records (NDJSON), runs
 * the seed-004 rules and claimkit's edits on each, and writes every claim
 * back unchanged but for a `validation` section (status and findings),
 * spliced into the original bytes.  Records that are not claims go to the
 * reject stream; --fail-only / --pass-only select what reaches standard
 * output and the summary accounts for the rest.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libpq-fe.h>

#include "claimkit/buf.h"
#include "claimkit/cli.h"
#include "claimkit/conf.h"
#include "claimkit/date.h"
#include "claimkit/diag.h"
#include "claimkit/json.h"
#include "claimkit/ndjson.h"
#include "claimkit/staging.h"
#include "claimkit/vref.h"
#include "claimkit/vrules.h"
#include "claimkit/xalloc.h"

static const char usage_text[] =
"usage: claims-validate [-hsV] [-r ref | --no-ref] [-R rules] [--set code=sev]\n"
"                       [--codes dir] [--icd10cm file] [-t days]\n"
"                       [--fail-only | --pass-only] [--rejects file]\n"
"                       [--results-to conninfo] [--batch n] [--unbuffered]\n"
"                       [file ...]\n"
"       claims-validate --list-rules [-R rules] [--set code=sev] [--no-ref]\n"
"       claims-validate --check-config [-r ref] [-R rules] ...\n"
"\n"
"  -r, --ref DIR|URI       reference data: a directory of CSV files or a\n"
"                          postgresql:// conninfo (validate.ref)\n"
"      --no-ref            run without reference data (facility and\n"
"                          financial-class rules off)\n"
"      --codes DIR         ICD-10-CM / HCPCS code lists (default: the --ref\n"
"                          directory)\n"
"      --icd10cm FILE      ICD-10-CM list: CSV (code,billable) or the CMS\n"
"                          order file\n"
"  -R, --rules FILE|URI    rule severities: a file of 'CODE SEVERITY' lines or\n"
"                          a postgresql:// conninfo (validate.rules)\n"
"      --set CODE=SEV      set a rule's severity: error, warning, info, off\n"
"  -t, --timely-filing-days N  default timely filing limit (365)\n"
"  -f, --fail-only         write only claims that failed\n"
"  -p, --pass-only         write only claims that passed (or only warned)\n"
"      --rejects FILE      write records that are not claims to FILE\n"
"      --results-to URI    also insert the results into\n"
"                          staging.validation_results\n"
"      --batch N           rows per COPY for --results-to (1000)\n"
"  -s, --summary           print the record counts to standard error\n"
"  -u, --unbuffered        write each record at once\n"
"      --list-rules        print every rule: code, severity, field, description\n"
"      --check-config      load the reference data and rules, describe them\n"
"  -h, --help              print this help\n"
"  -V, --version           print the version\n";

enum { OPT_NOREF = 256, OPT_CODES, OPT_ICD, OPT_SET, OPT_REJECTS,
    OPT_RESULTS, OPT_BATCH, OPT_LIST, OPT_CHECK };

static const struct option longopts[] = {
	{ "batch",		required_argument,	NULL, OPT_BATCH },
	{ "check-config",	no_argument,		NULL, OPT_CHECK },
	{ "codes",		required_argument,	NULL, OPT_CODES },
	{ "fail-only",		no_argument,		NULL, 'f' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "icd10cm",		required_argument,	NULL, OPT_ICD },
	{ "list-rules",		no_argument,		NULL, OPT_LIST },
	{ "no-ref",		no_argument,		NULL, OPT_NOREF },
	{ "pass-only",		no_argument,		NULL, 'p' },
	{ "ref",		required_argument,	NULL, 'r' },
	{ "rejects",		required_argument,	NULL, OPT_REJECTS },
	{ "results-to",		required_argument,	NULL, OPT_RESULTS },
	{ "rules",		required_argument,	NULL, 'R' },
	{ "set",		required_argument,	NULL, OPT_SET },
	{ "summary",		no_argument,		NULL, 's' },
	{ "timely-filing-days",	required_argument,	NULL, 't' },
	{ "unbuffered",		no_argument,		NULL, 'u' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

/* A libpq conninfo or URI rather than a path? */
static int
is_conninfo(const char *s)
{
	struct stat st;

	if (strncmp(s, "postgresql://", 13) == 0 ||
	    strncmp(s, "postgres://", 11) == 0)
		return 1;
	/* "host=... dbname=..." style, unless it names a real file. */
	return strchr(s, '=') != NULL && stat(s, &st) != 0;
}

/* --results-to: rows for staging.validation_results, sent by COPY. */
struct results {
	PGconn		*conn;
	struct buf	 rows;
	size_t		 n, batch;
	unsigned long	 sent;
};

/* COPY text format: backslash, tab, newline and CR escaped. */
static void
copy_text(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '\\':
			buf_add(b, "\\\\", 2);
			break;
		case '\t':
			buf_add(b, "\\t", 2);
			break;
		case '\n':
			buf_add(b, "\\n", 2);
			break;
		case '\r':
			buf_add(b, "\\r", 2);
			break;
		default:
			buf_addc(b, s[i]);
		}
	}
}

static void
results_flush(struct results *r)
{
	PGresult *res;
	int rc;

	if (r == NULL || r->n == 0)
		return;
	res = PQexec(r->conn, "COPY staging.validation_results (claim_id, "
	    "validation_type, validation_status, validation_details, "
	    "error_message, rule_version) FROM STDIN");
	if (PQresultStatus(res) != PGRES_COPY_IN)
		goto fail;
	PQclear(res);
	if (PQputCopyData(r->conn, r->rows.s, (int)r->rows.len) != 1 ||
	    PQputCopyEnd(r->conn, NULL) != 1) {
		res = NULL;
		goto fail;
	}
	res = PQgetResult(r->conn);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		goto fail;
	PQclear(res);
	while ((res = PQgetResult(r->conn)) != NULL)
		PQclear(res);
	r->sent += r->n;
	r->n = 0;
	buf_reset(&r->rows);
	return;
fail:
	rc = staging_error_code(r->conn, res);
	staging_report(r->conn, res, "--results-to: staging.validation_results");
	PQclear(res);
	fflush(stdout);
	exit(rc);
}

static void
results_add(struct results *r, const struct jdoc *d, const struct vrules *v,
    enum vstatus st, const struct buf *sec)
{
	static const char *status[] = { "PASSED", "WARNING", "FAILED" };
	size_t n = 0, i;
	const char *id = jdoc_str(d, jdoc_get(d, 0, "claim_id"), &n);

	if (id == NULL)
		id = "";
	/* claim_id is varchar(50); ids are 32 hex characters. */
	copy_text(&r->rows, id, n > 50 ? 50 : n);
	buf_adds(&r->rows, "\tBUSINESS_RULES\t");
	buf_adds(&r->rows, status[st]);
	buf_addc(&r->rows, '\t');
	copy_text(&r->rows, sec->s, sec->len);
	buf_addc(&r->rows, '\t');
	if (vrules_nfindings(v) == 0)
		buf_adds(&r->rows, "\\N");
	/* Seed 004's validation_errors entries: RULE|field|message. */
	for (i = 0; i < vrules_nfindings(v); i++) {
		const char *s;

		if (i > 0)
			buf_adds(&r->rows, "\\n");
		s = vrules_finding_code(v, i);
		copy_text(&r->rows, s, strlen(s));
		buf_addc(&r->rows, '|');
		s = vrules_finding_field(v, i);
		copy_text(&r->rows, s, strlen(s));
		buf_addc(&r->rows, '|');
		s = vrules_finding_message(v, i);
		copy_text(&r->rows, s, strlen(s));
	}
	buf_adds(&r->rows, "\tclaims-validate " CLAIMKIT_VERSION "\n");
	if (++r->n >= r->batch)
		results_flush(r);
}

static int
parse_days(const char *s, const char *source, int flag)
{
	char q[64];
	long v = 0;
	const char *p;

	if (flag)
		return (int)cli_num(s, 1, 36500, "--timely-filing-days");
	for (p = s; *p >= '0' && *p <= '9' && v <= 36500; p++)
		v = v * 10 + (*p - '0');
	if (p == s || *p != '\0' || v < 1 || v > 36500) {
		diag_error(NULL, 0, "invalid %s (1 to 36500 days): '%s'",
		    source, diag_quote(q, sizeof q, s, strlen(s)));
		exit(CK_EX_CONFIG);
	}
	return (int)v;
}

static void
list_rules(const struct vrules *v)
{
	size_t i;

	for (i = 0; i < vrules_nrules(); i++) {
		const struct vrule_info *r = vrules_info(i);

		printf("%s\t%s\t%s\t%s\n", r->code,
		    vsev_name(vrules_get(v, i)), r->field, r->description);
	}
}

int
main(int argc, char **argv)
{
	const char *opt_ref = NULL, *opt_rules = NULL, *opt_codes = NULL;
	const char *opt_icd = NULL, *opt_rejects = NULL, *opt_results = NULL;
	const char *opt_tf = NULL, *ref_spec, *rules_spec, *tf;
	const char **sets = NULL;
	size_t nsets = 0, i;
	int fail_only = 0, pass_only = 0, no_ref = 0, summary = 0;
	int list = 0, check = 0, c, rc;
	long batch = 1000;
	struct vref *ref = NULL;
	struct vrules *v;
	struct results *res = NULL;
	struct rejects *rj;
	struct ndin *in;
	struct jpatch *p;
	struct buf sec = BUF_INIT;
	unsigned long npass = 0, nwarn = 0, nfail = 0, nsel = 0, nread;

	cli_init(argv[0], "claims-validate");
	while ((c = getopt_long(argc, argv, "fhpR:r:st:uV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'f':
			fail_only = 1;
			break;
		case 'h':
			cli_usage(0, usage_text);
		case 'p':
			pass_only = 1;
			break;
		case 'R':
			opt_rules = optarg;
			break;
		case 'r':
			opt_ref = optarg;
			break;
		case 's':
			summary = 1;
			break;
		case 't':
			opt_tf = optarg;
			break;
		case 'u':
			ndout_unbuffered(1);
			break;
		case 'V':
			cli_version();
		case OPT_NOREF:
			no_ref = 1;
			break;
		case OPT_CODES:
			opt_codes = optarg;
			break;
		case OPT_ICD:
			opt_icd = optarg;
			break;
		case OPT_SET:
			sets = xreallocarray(sets, nsets + 1, sizeof *sets);
			sets[nsets++] = optarg;
			break;
		case OPT_REJECTS:
			opt_rejects = optarg;
			break;
		case OPT_RESULTS:
			opt_results = optarg;
			break;
		case OPT_BATCH:
			batch = (long)cli_num(optarg, 1, 1000000, "--batch");
			break;
		case OPT_LIST:
			list = 1;
			break;
		case OPT_CHECK:
			check = 1;
			break;
		default:
			cli_usage(CK_EX_USAGE, usage_text);
		}
	}
	argc -= optind;
	argv += optind;
	if (fail_only && pass_only) {
		diag_error(NULL, 0, "--fail-only and --pass-only exclude each "
		    "other");
		cli_usage(CK_EX_USAGE, usage_text);
	}
	if (no_ref && opt_ref != NULL) {
		diag_error(NULL, 0, "--ref and --no-ref exclude each other");
		cli_usage(CK_EX_USAGE, usage_text);
	}
	if ((list || check) && argc > 0) {
		diag_error(NULL, 0, "--list-rules and --check-config take no "
		    "files");
		cli_usage(CK_EX_USAGE, usage_text);
	}

	/* Rules: defaults, then the file or table, then --set. */
	v = vrules_alloc();
	rules_spec = conf_pick(opt_rules, "CLAIMKIT_VALIDATE_RULES",
	    "validate.rules", NULL);
	if (rules_spec != NULL) {
		if (is_conninfo(rules_spec))
			vrules_config_pg(v, rules_spec);
		else
			vrules_config_file(v, rules_spec);
	}
	for (i = 0; i < nsets; i++)
		vrules_config_entry(v, sets[i], NULL, 0);
	if (no_ref)
		vrules_set_ref(v, NULL);
	if (list) {
		list_rules(v);
		free(sets);
		vrules_free(v);
		return cli_finish(0);
	}

	/* Reference data, loaded once. */
	ref_spec = no_ref ? NULL : conf_pick(opt_ref, "CLAIMKIT_VALIDATE_REF",
	    "validate.ref", NULL);
	if (!no_ref && ref_spec == NULL) {
		diag_error(NULL, 0, "no reference data: give --ref DIR (or a "
		    "postgresql:// conninfo), set validate.ref in "
		    "claimkit.conf, or run with --no-ref");
		exit(CK_EX_CONFIG);
	}
	if (ref_spec != NULL) {
		ref = vref_alloc();
		if (is_conninfo(ref_spec)) {
			const char *codes = conf_pick(opt_codes, NULL,
			    "validate.codes", NULL);

			vref_load_pg(ref, ref_spec);
			if (codes != NULL)
				vref_load_codes(ref, codes);
		} else {
			vref_load_dir(ref, ref_spec);
			if (opt_codes != NULL)
				vref_load_codes(ref, opt_codes);
		}
	} else if (opt_codes != NULL || opt_icd != NULL)
		ref = vref_alloc();
	if (ref != NULL && ref_spec == NULL && opt_codes != NULL)
		vref_load_codes(ref, opt_codes);
	if (opt_icd != NULL)
		vref_load_icd10cm(ref, opt_icd);
	vrules_set_ref(v, ref);

	tf = conf_pick(opt_tf, "CLAIMKIT_VALIDATE_TIMELY_FILING_DAYS",
	    "validate.timely_filing_days", NULL);
	if (tf != NULL)
		vrules_set_timely_days(v, parse_days(tf, tf == opt_tf ?
		    "--timely-filing-days" : "validate.timely_filing_days",
		    tf == opt_tf));

	if (check) {
		size_t nf = 0, nc = 0, np = 0, ni = 0, nh = 0, on = 0;

		if (ref != NULL)
			vref_counts(ref, &nf, &nc, &np, &ni, &nh);
		for (i = 0; i < vrules_nrules(); i++)
			on += vrules_get(v, i) != VSEV_OFF;
		printf("reference: %s\n", ref_spec ? ref_spec : "(none)");
		printf("facilities: %zu\nfinancial classes: %zu\npayers: %zu\n"
		    "icd10cm codes: %zu\nhcpcs codes: %zu\n", nf, nc, np, ni,
		    nh);
		printf("rules: %zu of %zu enabled\n", on, vrules_nrules());
		vrules_free(v);
		vref_free(ref);
		free(sets);
		return cli_finish(0);
	}

	if (opt_results != NULL) {
		res = xcalloc(1, sizeof *res);
		res->batch = (size_t)batch;
		if ((res->conn = staging_connect(opt_results, "--results-to", 0,
		    &rc)) == NULL)
			exit(rc);
	}

	rj = rejects_open(opt_rejects);
	in = ndin_open(argc, argv, rj);
	p = jpatch_alloc();
	while (ndin_next(in)) {
		const struct jdoc *d = ndin_doc(in);
		int claim = jdoc_get(d, 0, "claim");
		enum vstatus st;

		if (jdoc_type(d, claim) != J_OBJECT || claim < 0) {
			ndin_reject(in, "not_a_claim", "record has no 'claim' "
			    "object: not a claim record");
			continue;
		}
		st = vrules_check(v, d, ndin_nread(in), &sec);
		if (res != NULL)
			results_add(res, d, v, st, &sec);
		if (st == VSTATUS_FAIL)
			nfail++;
		else if (st == VSTATUS_WARN)
			nwarn++;
		else
			npass++;
		if ((fail_only && st != VSTATUS_FAIL) ||
		    (pass_only && st == VSTATUS_FAIL)) {
			nsel++;
			continue;
		}
		jpatch_reset(p, d);
		jpatch_set(p, 0, "validation", sec.s, sec.len);
		ndout_patch(p);
	}
	nread = ndin_nread(in);
	rc = ndin_close(in);
	results_flush(res);
	if (summary || fail_only || pass_only)
		diag_note(NULL, 0, "summary: %lu records in, %lu out, %lu "
		    "selected away, %lu rejected; %lu passed, %lu warned, "
		    "%lu failed", nread, ndout_count(), nsel,
		    rejects_count(rj), npass, nwarn, nfail);
	if (rc == 0 && (nfail > 0 || rejects_count(rj) > 0))
		rc = CK_EX_REJECT;
	rejects_close(rj);
	jpatch_free(p);
	buf_free(&sec);
	vrules_free(v);
	vref_free(ref);
	if (res != NULL) {
		PQfinish(res->conn);
		buf_free(&res->rows);
		free(res);
	}
	free(sets);
	return cli_finish(rc);
}
