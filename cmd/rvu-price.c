/*
 * rvu-price: add Medicare physician fee schedule pricing to each claim and
 * each of its lines (a "pricing" section), from the CMS files or from an
 * index compiled from them (rvu-price --compile).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/cli.h"
#include "claimkit/conf.h"
#include "claimkit/diag.h"
#include "claimkit/json.h"
#include "claimkit/ndjson.h"
#include "claimkit/rvu.h"

static const char usage_text[] =
"usage: rvu-price [-hV] [--data dir | --index file] [--locality mac-loc]\n"
"                 [--method pfs|simple] [--cf n] [--year yyyy]\n"
"                 [--facility-pos list] [--explain] [--rejects file]\n"
"                 [--unbuffered] [file ...]\n"
"       rvu-price --compile --data dir -o file\n"
"       rvu-price --check [--index file] [--data dir]\n"
"\n"
"  -d, --data DIR        the CMS files (PPRRVU, GPCI, LOCCO, ANES, ZIP5)\n"
"  -i, --index FILE      an index compiled by --compile\n"
"  -l, --locality L      price every claim in locality L (e.g. 10112-00)\n"
"  -m, --method M        pfs (the fee schedule, default) or simple (the\n"
"                        seeds' RVU x units x conversion factor)\n"
"      --cf N            conversion factor (pfs: the data's; simple: 36.04)\n"
"      --year YYYY       fail unless the data are for this year\n"
"      --facility-pos L  places of service paid at the facility rate\n"
"      --explain         add the RVUs, GPCIs and exact amounts to each line\n"
"      --rejects FILE    write records that are not JSON objects to FILE\n"
"      --unbuffered      write each record at once\n"
"      --compile         write the index of the --data files to -o FILE\n"
"  -o, --output FILE     the index --compile writes\n"
"      --check           verify an index (SHA-256, staleness) and describe it\n"
"  -h, --help            print this help\n"
"  -V, --version         print the version\n";

enum { OPT_CF = 256, OPT_YEAR, OPT_FPOS, OPT_EXPLAIN, OPT_REJECTS,
    OPT_UNBUFFERED, OPT_COMPILE, OPT_CHECK };

static const struct option longopts[] = {
	{ "cf",			required_argument,	NULL, OPT_CF },
	{ "check",		no_argument,		NULL, OPT_CHECK },
	{ "compile",		no_argument,		NULL, OPT_COMPILE },
	{ "data",		required_argument,	NULL, 'd' },
	{ "explain",		no_argument,		NULL, OPT_EXPLAIN },
	{ "facility-pos",	required_argument,	NULL, OPT_FPOS },
	{ "help",		no_argument,		NULL, 'h' },
	{ "index",		required_argument,	NULL, 'i' },
	{ "locality",		required_argument,	NULL, 'l' },
	{ "method",		required_argument,	NULL, 'm' },
	{ "output",		required_argument,	NULL, 'o' },
	{ "rejects",		required_argument,	NULL, OPT_REJECTS },
	{ "unbuffered",		no_argument,		NULL, OPT_UNBUFFERED },
	{ "version",		no_argument,		NULL, 'V' },
	{ "year",		required_argument,	NULL, OPT_YEAR },
	{ NULL,			0,			NULL, 0 }
};

/* A setting's value and where it came from, for messages and exits. */
struct setting {
	const char	*value;
	const char	*source;	/* "option", "environment", "config" */
	int		 exit_code;	/* 64 for a flag, 78 otherwise */
};

static struct setting
pick(const char *flag, const char *env, const char *key)
{
	struct setting s;
	const char *e = env != NULL ? getenv(env) : NULL;

	s.value = conf_pick(flag, env, key, NULL);
	s.exit_code = conf_bad_exit(s.value, flag);
	if (s.value != NULL && s.value == flag)
		s.source = "option";
	else if (s.value != NULL && s.value == e)
		s.source = "environment";
	else
		s.source = "config";
	return s;
}

static void
bad_setting(const struct setting *s, const char *what, const char *why)
{
	char q[96];

	diag_error(NULL, 0, "invalid %s%s%s%s: '%s'", what,
	    why != NULL ? " (" : "", why != NULL ? why : "",
	    why != NULL ? ")" : "",
	    diag_quote(q, sizeof q, s->value, strlen(s->value)));
	exit(s->exit_code);
}

static void
warn_data(const char *file, unsigned long line, const char *msg)
{
	diag_warn(file != NULL && *file != '\0' ? file : NULL, line, "%s", msg);
}

static void __attribute__((noreturn))
fail_data(const struct rvu_err *e)
{
	if (e->file[0] != '\0')
		diag_error(e->file, e->line, "%s", e->msg);
	else
		diag_error(NULL, 0, "%s", e->msg);
	exit(CK_EX_CONFIG);
}

static void
hex(char *out, const uint8_t *p, size_t n)
{
	static const char h[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = h[p[i] >> 4];
		out[2 * i + 1] = h[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
check_index(const struct rvu_db *db, const char *index, const char *data)
{
	static const char *const kind[RVU_NSRC] = {
		"pprrvu", "gpci", "locco", "anes", "zip5"
	};
	struct rvu_err e;
	char cf[RVU_DEC_FMT_SIZE], sum[65];
	int k;

	if (rvu_db_verify(db, &e) != 0) {
		diag_error(index, 0, "%s", e.msg);
		return CK_EX_CONFIG;
	}
	if (data != NULL && rvu_db_check_stale(db, data, &e) != 0)
		fail_data(&e);
	printf("index: %s\n", index);
	printf("year: %u\n", rvu_db_year(db));
	printf("conversion_factor: %s\n", rvu_dec_fmt(cf, rvu_db_cf(db),
	    RVU_DEC, 4));
	if (rvu_db_anes_cf(db) > 0)
		printf("anesthesia_conversion_factor: %s\n", rvu_dec_fmt(cf,
		    rvu_db_anes_cf(db), RVU_DEC, 4));
	printf("rvu_rows: %zu\nlocalities: %zu\nzip_codes: %zu\n",
	    rvu_db_nrows(db), rvu_db_nlocs(db), rvu_db_nzips(db));
	for (k = 0; k < RVU_NSRC; k++) {
		const struct rvu_src_info *s = rvu_db_source(db,
		    (enum rvu_src)k);

		if (!s->present)
			continue;
		hex(sum, s->sha256, 32);
		printf("source_%s: %s %llu %s\n", kind[k], s->name,
		    (unsigned long long)s->size, sum);
	}
	hex(sum, rvu_db_payload_sha256(db), 32);
	printf("payload_sha256: %s\n", sum);
	printf("status: %s\n", data != NULL ? "ok, fresh" : "ok");
	return cli_finish(0);
}

int
main(int argc, char **argv)
{
	const char *o_data = NULL, *o_index = NULL, *o_loc = NULL;
	const char *o_method = NULL, *o_cf = NULL, *o_year = NULL;
	const char *o_fpos = NULL, *o_out = NULL, *o_rejects = NULL;
	int explain = 0, compile = 0, check = 0, unbuffered = 0, ch, rc;
	struct setting s_data, s_index, s_loc, s_method, s_cf, s_year, s_fpos;
	struct rvu_cfg cfg;
	struct rvu_db *db;
	struct rvu_err e;
	struct rvu_pricer *pr;
	struct rejects *rj;
	struct ndin *in;
	struct jpatch *p;

	cli_init(argv[0], "rvu-price");
	while ((ch = getopt_long(argc, argv, "d:hi:l:m:o:V", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':
			o_data = optarg;
			break;
		case 'h':
			cli_usage(0, usage_text);
		case 'i':
			o_index = optarg;
			break;
		case 'l':
			o_loc = optarg;
			break;
		case 'm':
			o_method = optarg;
			break;
		case 'o':
			o_out = optarg;
			break;
		case 'V':
			cli_version();
		case OPT_CF:
			o_cf = optarg;
			break;
		case OPT_YEAR:
			o_year = optarg;
			break;
		case OPT_FPOS:
			o_fpos = optarg;
			break;
		case OPT_EXPLAIN:
			explain = 1;
			break;
		case OPT_REJECTS:
			o_rejects = optarg;
			break;
		case OPT_UNBUFFERED:
			unbuffered = 1;
			break;
		case OPT_COMPILE:
			compile = 1;
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

	s_data = pick(o_data, "CLAIMKIT_PRICING_DATA", "pricing.data");
	/* --data alone means those files, not an index from elsewhere. */
	if (o_data != NULL && o_index == NULL)
		s_index.value = NULL;
	else
		s_index = pick(o_index, "CLAIMKIT_PRICING_INDEX",
		    "pricing.index");

	if (compile) {
		if (check || argc > 0 || o_index != NULL)
			cli_usage(CK_EX_USAGE, usage_text);
		if (s_data.value == NULL || o_out == NULL) {
			diag_error(NULL, 0, "--compile needs --data DIR and "
			    "-o FILE");
			exit(CK_EX_USAGE);
		}
		if ((db = rvu_db_load_dir(s_data.value, &e, warn_data)) ==
		    NULL)
			fail_data(&e);
		if (rvu_db_write_index(db, o_out, &e) != 0) {
			diag_error(e.file, 0, "%s", e.msg);
			exit(CK_EX_IOERR);
		}
		rvu_db_free(db);
		return cli_finish(0);
	}
	if (o_out != NULL)
		cli_usage(CK_EX_USAGE, usage_text);

	if (s_index.value != NULL) {
		if ((db = rvu_db_open_index(s_index.value, &e)) == NULL)
			fail_data(&e);
		if (check) {
			rc = check_index(db, s_index.value, s_data.value);
			rvu_db_free(db);
			return rc;
		}
		if (s_data.value != NULL &&
		    rvu_db_check_stale(db, s_data.value, &e) != 0) {
			diag_error(e.file[0] != '\0' ? e.file : NULL, 0,
			    "%s: %s", s_index.value, e.msg);
			exit(CK_EX_CONFIG);
		}
	} else if (s_data.value != NULL) {
		if (check) {
			diag_error(NULL, 0, "--check needs an index (--index "
			    "FILE or pricing.index)");
			exit(CK_EX_USAGE);
		}
		if ((db = rvu_db_load_dir(s_data.value, &e, warn_data)) ==
		    NULL)
			fail_data(&e);
	} else {
		diag_error(NULL, 0, "no fee schedule data: give --data DIR or "
		    "--index FILE (or pricing.data / pricing.index in "
		    "claimkit.conf)");
		exit(CK_EX_USAGE);
	}

	rvu_cfg_init(&cfg);
	cfg.explain = explain;
	s_method = pick(o_method, "CLAIMKIT_PRICING_METHOD", "pricing.method");
	if (s_method.value != NULL) {
		if (strcmp(s_method.value, "pfs") == 0)
			cfg.method = RVU_PFS;
		else if (strcmp(s_method.value, "simple") == 0)
			cfg.method = RVU_SIMPLE;
		else
			bad_setting(&s_method, "pricing method", "pfs or "
			    "simple");
	}
	s_cf = pick(o_cf, "CLAIMKIT_PRICING_CF", "pricing.conversion_factor");
	if (s_cf.value != NULL) {
		int64_t v;

		if (rvu_dec_parse(s_cf.value, strlen(s_cf.value), RVU_DEC, 0,
		    &v) != NULL || v <= 0 || v > RVU_CF_MAX)
			bad_setting(&s_cf, "conversion factor", "a number "
			    "above 0 with at most 4 decimals");
		cfg.cf = v;
	}
	s_year = pick(o_year, "CLAIMKIT_PRICING_YEAR", "pricing.year");
	if (s_year.value != NULL) {
		char want[8];

		snprintf(want, sizeof want, "%u", rvu_db_year(db));
		if (strcmp(want, s_year.value) != 0) {
			diag_error(NULL, 0, "the fee schedule data are for %s, "
			    "the %s year setting asks for '%.8s'", want,
			    s_year.source, s_year.value);
			exit(s_year.exit_code);
		}
	}
	s_fpos = pick(o_fpos, "CLAIMKIT_PRICING_FACILITY_POS",
	    "pricing.facility_pos");
	if (s_fpos.value != NULL &&
	    rvu_cfg_facility_pos(&cfg, s_fpos.value) != 0)
		bad_setting(&s_fpos, "facility place-of-service list",
		    "two-digit codes separated by commas");
	s_loc = pick(o_loc, "CLAIMKIT_PRICING_LOCALITY", "pricing.locality");
	if (s_loc.value != NULL && cfg.method == RVU_PFS) {
		char carrier[6], loc[3];

		if (rvu_parse_locality(s_loc.value, carrier, loc) != 0)
			bad_setting(&s_loc, "locality", "MAC-locality such as "
			    "10112-00");
		if ((cfg.locality = rvu_find_loc(db, carrier, loc)) == NULL)
			bad_setting(&s_loc, "locality", "not in the GPCI file");
		cfg.locality_source = s_loc.source;
	}

	rj = rejects_open(o_rejects);
	in = ndin_open(argc, argv, rj);
	if (unbuffered)
		ndout_unbuffered(1);
	pr = rvu_pricer_alloc(db, &cfg);
	p = jpatch_alloc();
	while (ndin_next(in)) {
		const struct jdoc *d = ndin_doc(in);

		jpatch_reset(p, d);
		rvu_price(pr, d, p);
		ndout_patch(p);
	}
	rc = ndin_close(in);
	if (rc == 0 && rejects_count(rj) > 0)
		rc = CK_EX_REJECT;
	rejects_close(rj);
	jpatch_free(p);
	rvu_pricer_free(pr);
	rvu_db_free(db);
	return cli_finish(rc);
}
