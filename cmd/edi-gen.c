/*
 * edi-gen: synthetic 837P (005010X222A1) test data, deterministic by seed,
 * of any size, streaming, with a sidecar of what was written and the
 * reference data (facilities, payers, financial classes) that matches.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/cli.h"
#include "claimkit/diag.h"
#include "claimkit/gen837.h"
#include "claimkit/genref.h"

static const char usage_text[] =
"usage: edi-gen [-hV] [-n claims] [-s size] [-S seed] [-o file]\n"
"               [--sidecar file] [--delimiters ecrt] [--newline none|lf|crlf]\n"
"               [--claims-per-st n] [--st-per-gs n] [--gs-per-isa n]\n"
"               [--dependents rate] [--cob rate] [--drugs rate]\n"
"               [--ambulance rate] [--duplicates rate] [--defects rate]\n"
"               [--defect-kinds list] [--label-noise rate] [--utf8]\n"
"               [--sender id] [--receiver id] [--production]\n"
"               [--write-ref dir]\n"
"Write synthetic 837P claims (X12 005010X222A1) to standard output.\n"
"  -n, --claims N         number of claims (default 10 unless --size)\n"
"  -s, --size SIZE        stop once SIZE bytes are written (K, M, G suffixes)\n"
"  -S, --seed N           random seed (default 1); same seed, same bytes\n"
"  -o, --output FILE      write the X12 to FILE instead of standard output\n"
"      --sidecar FILE     one NDJSON line per claim: ids, values, defects, label\n"
"      --delimiters ECRT  element, component, repetition, terminator (*:^~)\n"
"      --newline MODE     after each terminator: none, lf (default), crlf\n"
"      --claims-per-st N  claims in one transaction set (default 100)\n"
"      --st-per-gs N      transaction sets in one group (default 1)\n"
"      --gs-per-isa N     groups in one interchange (default 1)\n"
"      --dependents RATE  share of claims for a dependent patient (0.2)\n"
"      --cob RATE         share with another payer (2320/2330) (0.08)\n"
"      --drugs RATE       share of infusion claims with NDC drug lines (0.05)\n"
"      --ambulance RATE   share of ambulance claims (0.03)\n"
"      --duplicates RATE  share of resubmitted duplicate claims (0.14)\n"
"      --defects RATE     share of claims with a known defect (0)\n"
"      --defect-kinds L   comma-separated defect kinds (default all)\n"
"      --label-noise RATE share of training labels flipped at random (0.03)\n"
"      --utf8             allow accented UTF-8 names (José, Müller)\n"
"      --sender ID        ISA06/GS02/1000A id (default CLAIMKITGEN)\n"
"      --receiver ID      ISA08/GS03/1000B id (default CLAIMKITRCV)\n"
"      --production       ISA15 P instead of T (test)\n"
"      --write-ref DIR    write facilities.csv, financial_classes.csv and\n"
"                         payers.csv into DIR\n"
"  -h, --help             show this help\n"
"  -V, --version          show the version\n";

enum {
	OPT_SIDECAR = 256, OPT_DELIMS, OPT_NEWLINE, OPT_CPS, OPT_SPG, OPT_GPI,
	OPT_DEPENDENTS, OPT_COB, OPT_DRUGS, OPT_AMBULANCE, OPT_DUPLICATES,
	OPT_DEFECTS, OPT_KINDS, OPT_NOISE, OPT_UTF8, OPT_SENDER, OPT_RECEIVER,
	OPT_PRODUCTION, OPT_WRITE_REF
};

static const struct option longopts[] = {
	{ "ambulance", required_argument, NULL, OPT_AMBULANCE },
	{ "claims", required_argument, NULL, 'n' },
	{ "claims-per-st", required_argument, NULL, OPT_CPS },
	{ "cob", required_argument, NULL, OPT_COB },
	{ "defect-kinds", required_argument, NULL, OPT_KINDS },
	{ "defects", required_argument, NULL, OPT_DEFECTS },
	{ "delimiters", required_argument, NULL, OPT_DELIMS },
	{ "dependents", required_argument, NULL, OPT_DEPENDENTS },
	{ "drugs", required_argument, NULL, OPT_DRUGS },
	{ "duplicates", required_argument, NULL, OPT_DUPLICATES },
	{ "gs-per-isa", required_argument, NULL, OPT_GPI },
	{ "help", no_argument, NULL, 'h' },
	{ "label-noise", required_argument, NULL, OPT_NOISE },
	{ "newline", required_argument, NULL, OPT_NEWLINE },
	{ "output", required_argument, NULL, 'o' },
	{ "production", no_argument, NULL, OPT_PRODUCTION },
	{ "receiver", required_argument, NULL, OPT_RECEIVER },
	{ "seed", required_argument, NULL, 'S' },
	{ "sender", required_argument, NULL, OPT_SENDER },
	{ "sidecar", required_argument, NULL, OPT_SIDECAR },
	{ "size", required_argument, NULL, 's' },
	{ "st-per-gs", required_argument, NULL, OPT_SPG },
	{ "utf8", no_argument, NULL, OPT_UTF8 },
	{ "version", no_argument, NULL, 'V' },
	{ "write-ref", required_argument, NULL, OPT_WRITE_REF },
	{ NULL, 0, NULL, 0 }
};

static void
bad_usage(const char *what, const char *value)
{
	diag_error(NULL, 0, "invalid %s: '%s'", what, value);
	cli_usage(CK_EX_USAGE, usage_text);
}

/* A share in [0, 1]; the C locale is never changed, so '.' is the point. */
static double
rate(const char *s, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !(v >= 0 && v <= 1))
		bad_usage(what, s);
	return v;
}

static unsigned long long
size_arg(const char *s)
{
	char *end;
	unsigned long long v, mul = 1;

	errno = 0;
	if (*s < '0' || *s > '9')
		bad_usage("size", s);
	v = strtoull(s, &end, 10);
	if (errno != 0)
		bad_usage("size", s);
	switch (*end) {
	case 'k': case 'K':
		mul = 1ULL << 10, end++;
		break;
	case 'm': case 'M':
		mul = 1ULL << 20, end++;
		break;
	case 'g': case 'G':
		mul = 1ULL << 30, end++;
		break;
	default:
		break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0' || v == 0 || v > (1ULL << 50) / mul)
		bad_usage("size", s);
	return v * mul;
}

static unsigned
kinds_arg(const char *s)
{
	unsigned mask = 0;

	if (strcmp(s, "all") == 0)
		return (1u << GEN837_D_COUNT) - 1;
	while (*s != '\0') {
		size_t n = strcspn(s, ",");
		int k = gen837_defect_find(s, n);

		if (k < 0)
			bad_usage("defect kind", s);
		mask |= 1u << k;
		s += n;
		if (*s == ',')
			s++;
	}
	if (mask == 0)
		bad_usage("defect kinds", s);
	return mask;
}

static int
id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

int
main(int argc, char **argv)
{
	struct gen837_opts o;
	struct gen837 *g;
	const char *output = NULL, *sidecar = NULL, *refdir = NULL;
	FILE *out = stdout, *side = NULL;
	int ch, have_count = 0, rc = CK_EX_OK;

	cli_init(argv[0], "edi-gen");
	memset(&o, 0, sizeof(o));
	o.seed = 1;
	o.el = '*';
	o.comp = ':';
	o.rep = '^';
	o.term = '~';
	o.eol = "\n";
	o.dependents = 0.2;
	o.cob = 0.08;
	o.drugs = 0.05;
	o.ambulance = 0.03;
	o.duplicates = 0.14;
	o.noise = 0.03;
	o.defect_mask = (1u << GEN837_D_COUNT) - 1;
	o.claims_per_st = 100;
	o.st_per_gs = 1;
	o.gs_per_isa = 1;
	o.sender = "CLAIMKITGEN";
	o.receiver = "CLAIMKITRCV";
	o.usage = 'T';

	while ((ch = getopt_long(argc, argv, "hn:o:S:s:V", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			cli_usage(0, usage_text);
		case 'V':
			cli_version();
		case 'n':
			o.max_claims = (unsigned long long)cli_num(optarg, 1,
			    1000000000000LL, "number of claims");
			have_count = 1;
			break;
		case 's':
			o.max_bytes = size_arg(optarg);
			have_count = 1;
			break;
		case 'S': {
			char *end;

			errno = 0;
			if (*optarg < '0' || *optarg > '9')
				bad_usage("seed", optarg);
			o.seed = strtoull(optarg, &end, 10);
			if (*end != '\0' || errno != 0)
				bad_usage("seed", optarg);
			break;
		}
		case 'o':
			output = optarg;
			break;
		case OPT_SIDECAR:
			sidecar = optarg;
			break;
		case OPT_DELIMS: {
			const char *d = optarg;
			int i, j;

			if (strlen(d) != 4)
				bad_usage("delimiters (4 characters)", d);
			for (i = 0; i < 4; i++) {
				unsigned char c = (unsigned char)d[i];

				if (c < 0x21 || c > 0x7e ||
				    (c >= '0' && c <= '9') ||
				    (c >= 'A' && c <= 'Z') ||
				    (c >= 'a' && c <= 'z') || c == ' ')
					bad_usage("delimiter", d);
				for (j = 0; j < i; j++)
					if (d[j] == d[i])
						bad_usage("delimiters (not "
						    "distinct)", d);
			}
			o.el = d[0];
			o.comp = d[1];
			o.rep = d[2];
			o.term = d[3];
			break;
		}
		case OPT_NEWLINE:
			if (strcmp(optarg, "none") == 0)
				o.eol = "";
			else if (strcmp(optarg, "lf") == 0)
				o.eol = "\n";
			else if (strcmp(optarg, "crlf") == 0)
				o.eol = "\r\n";
			else
				bad_usage("newline (none, lf or crlf)", optarg);
			break;
		case OPT_CPS:
			o.claims_per_st = (unsigned)cli_num(optarg, 1, 100000,
			    "claims per transaction set");
			break;
		case OPT_SPG:
			o.st_per_gs = (unsigned)cli_num(optarg, 1, 100000,
			    "transaction sets per group");
			break;
		case OPT_GPI:
			o.gs_per_isa = (unsigned)cli_num(optarg, 1, 100000,
			    "groups per interchange");
			break;
		case OPT_DEPENDENTS:
			o.dependents = rate(optarg, "dependents rate");
			break;
		case OPT_COB:
			o.cob = rate(optarg, "cob rate");
			break;
		case OPT_DRUGS:
			o.drugs = rate(optarg, "drugs rate");
			break;
		case OPT_AMBULANCE:
			o.ambulance = rate(optarg, "ambulance rate");
			break;
		case OPT_DUPLICATES:
			o.duplicates = rate(optarg, "duplicates rate");
			break;
		case OPT_DEFECTS:
			o.defects = rate(optarg, "defects rate");
			break;
		case OPT_KINDS:
			o.defect_mask = kinds_arg(optarg);
			break;
		case OPT_NOISE:
			o.noise = rate(optarg, "label noise");
			break;
		case OPT_UTF8:
			o.utf8 = 1;
			break;
		case OPT_SENDER:
			if (!id_ok(optarg))
				bad_usage("sender (1-15 of A-Z 0-9)", optarg);
			o.sender = optarg;
			break;
		case OPT_RECEIVER:
			if (!id_ok(optarg))
				bad_usage("receiver (1-15 of A-Z 0-9)", optarg);
			o.receiver = optarg;
			break;
		case OPT_PRODUCTION:
			o.usage = 'P';
			break;
		case OPT_WRITE_REF:
			refdir = optarg;
			break;
		default:
			cli_usage(CK_EX_USAGE, usage_text);
		}
	}
	if (optind != argc) {
		diag_error(NULL, 0, "unexpected argument: '%s'", argv[optind]);
		cli_usage(CK_EX_USAGE, usage_text);
	}

	if (refdir != NULL) {
		if (genref_write(refdir) != 0) {
			diag_error(refdir, 0, "cannot write reference data: %s",
			    strerror(errno));
			return CK_EX_IOERR;
		}
		/* Reference data only, unless claims were asked for too. */
		if (!have_count && output == NULL && sidecar == NULL)
			return cli_finish(CK_EX_OK);
	}
	if (!have_count)
		o.max_claims = 10;

	if (output != NULL && (out = fopen(output, "w")) == NULL) {
		diag_error(output, 0, "cannot create: %s", strerror(errno));
		return CK_EX_IOERR;
	}
	if (sidecar != NULL && (side = fopen(sidecar, "w")) == NULL) {
		diag_error(sidecar, 0, "cannot create: %s", strerror(errno));
		return CK_EX_IOERR;
	}
	g = gen837_alloc(&o, out, side);
	if (gen837_run(g) != 0) {
		diag_error(output != NULL ? output : "<stdout>", 0,
		    "cannot write: %s", strerror(errno));
		rc = CK_EX_IOERR;
	}
	/*
	 * The sidecar is complete before the last X12 bytes go out: in
	 * `edi-gen --sidecar s | edi-parse | claims-train -L s` the last
	 * stage may read s as soon as its input ends.
	 */
	if (side != NULL && (fflush(side) != 0 || ferror(side) ||
	    fclose(side) != 0)) {
		diag_error(sidecar, 0, "cannot write: %s", strerror(errno));
		rc = CK_EX_IOERR;
	}
	if (rc == CK_EX_OK && gen837_finish(g) != 0) {
		diag_error(output != NULL ? output : "<stdout>", 0,
		    "cannot write: %s", strerror(errno));
		rc = CK_EX_IOERR;
	}
	gen837_free(g);
	if (out != stdout) {
		if (fflush(out) != 0 || ferror(out) || fclose(out) != 0) {
			diag_error(output, 0, "cannot write: %s",
			    strerror(errno));
			rc = CK_EX_IOERR;
		}
	}
	return cli_finish(rc);
}
