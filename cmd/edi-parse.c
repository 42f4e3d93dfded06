/*
 * edi-parse: X12 837P interchanges to NDJSON, one record per claim
 * (claimkit-record(5)).  The tokenizer is lib/x12.c, the mapping
 * lib/x837.c; this file is options, inputs and exit status.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/cli.h"
#include "claimkit/diag.h"
#include "claimkit/ndjson.h"
#include "claimkit/x12.h"
#include "claimkit/x837.h"

static const char usage_text[] =
    "usage: edi-parse [-qsu] [-n name] [-r rejects] [file ...]\n"
    "  -n, --source-name NAME  name standard input NAME in records and "
    "messages\n"
    "  -q, --quiet             do not print warnings (they stay in the "
    "records)\n"
    "  -r, --rejects FILE      write rejected transaction sets to FILE "
    "(NDJSON)\n"
    "  -s, --strict            reject any transaction set with a warning\n"
    "  -u, --unbuffered        flush standard output after every record\n"
    "  -h, --help              show this help\n"
    "  -V, --version           show the version\n";

struct ctx {
	struct rejects	*rj;
	int		 quiet;
};

static void
on_record(void *ctx, const char *json, size_t len)
{
	(void)ctx;
	ndout_line(json, len);
}

/* An interchange's records as they lie in its spool: no copy. */
static void
on_records(void *ctx, const struct iovec *v, int n)
{
	(void)ctx;
	ndout_lines(v, n);
}

static void
on_reject(void *ctx, const char *file, unsigned long long segindex,
    const char *pos_json, const char *code, const char *reason,
    const char *raw, size_t rawlen)
{
	struct ctx *c = ctx;

	rejects_write_at(c->rj, file, (unsigned long)segindex, pos_json, code,
	    reason, raw, rawlen, 0);
}

static void
on_warn(void *ctx, const char *file, unsigned long long segindex,
    const char *msg)
{
	struct ctx *c = ctx;

	if (!c->quiet)
		diag_warn(file, (unsigned long)segindex, "%s", msg);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "source-name", required_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "rejects", required_argument, NULL, 'r' },
		{ "strict", no_argument, NULL, 's' },
		{ "unbuffered", no_argument, NULL, 'u' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static char *stdin_only[] = { "-" };
	struct x837_cb cb = { on_record, on_reject, on_warn, on_records };
	struct ctx c = { NULL, 0 };
	struct x837_stats st;
	struct x837 *m;
	const char *rejects = NULL, *stdin_name = "<stdin>";
	char **files;
	int ch, flags = 0, i, nfiles, rc = CK_EX_OK;

	cli_init(argv[0], "edi-parse");
	while ((ch = getopt_long(argc, argv, "hn:qr:suV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			cli_usage(0, usage_text);
		case 'n':
			stdin_name = optarg;
			break;
		case 'q':
			c.quiet = 1;
			break;
		case 'r':
			rejects = optarg;
			break;
		case 's':
			flags |= X837_STRICT;
			break;
		case 'u':
			ndout_unbuffered(1);
			break;
		case 'V':
			cli_version();
		default:
			cli_usage(CK_EX_USAGE, usage_text);
		}
	}
	files = argc > optind ? argv + optind : stdin_only;
	nfiles = argc > optind ? argc - optind : 1;
	c.rj = rejects_open(rejects);
	m = x837_new(&cb, &c, flags);
	for (i = 0; i < nfiles; i++) {
		int is_stdin = strcmp(files[i], "-") == 0;
		struct x12r *r = x12r_open(files[i]);
		int prc;

		if (r == NULL) {
			diag_error(files[i], 0, "cannot open: %s",
			    strerror(errno));
			rc = CK_EX_NOINPUT;
			continue;
		}
		prc = x837_parse(m, r, is_stdin ? stdin_name : files[i]);
		x12r_close(r);
		if (prc == -2)
			diag_fatal(CK_EX_IOERR, "cannot read '%s'",
			    is_stdin ? stdin_name : files[i]);
		if (prc != 0 && rc != CK_EX_NOINPUT)
			rc = CK_EX_DATAERR;
	}
	x837_stats(m, &st);
	if (rc == CK_EX_OK && st.rejects > 0)
		rc = CK_EX_REJECT;
	x837_free(m);
	rejects_close(c.rj);
	return cli_finish(rc);
}
