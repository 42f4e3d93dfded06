/*
 * test-ml: drives the lib pieces behind claims-predict and claims-train
 * for tests/t6040-ml-lib.sh.
 *
 *	test-ml fixed DECIMALS VALUE...   jw_fixed of each value, one a line
 *	test-ml column NS VALUE...        features_column of ns=value
 *	test-ml names <ndjson             each record's feature entries with
 *	                                  their readable names
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/buf.h"
#include "claimkit/cli.h"
#include "claimkit/diag.h"
#include "claimkit/features.h"
#include "claimkit/jw.h"
#include "claimkit/ndjson.h"

static const char usage_text[] =
    "usage: test-ml fixed decimals value... | column ns value... | names\n";

static int
t_fixed(int argc, char **argv)
{
	struct buf b = BUF_INIT;
	struct jw w;
	int i, dec = (int)cli_num(argv[0], 0, 20, "decimals");

	for (i = 1; i < argc; i++) {
		buf_reset(&b);
		jw_init(&w, &b);
		jw_fixed(&w, strtod(argv[i], NULL), dec);
		printf("%s\n", b.s);
	}
	buf_free(&b);
	return 0;
}

static int
t_names(void)
{
	struct rejects *rj = rejects_open(NULL);
	struct ndin *in = ndin_open(0, NULL, rj);
	struct features *f = features_alloc();
	struct buf b = BUF_INIT;
	size_t i;
	int rc;

	while (ndin_next(in)) {
		features_extract(f, ndin_doc(in), FEATURES_NAMES);
		for (i = 0; i < f->n; i++) {
			buf_reset(&b);
			buf_printf(&b, "%u %s=", (unsigned)f->idx[i],
			    features_entry_name(f, i));
			features_fmt_value(&b, f->val[i]);
			printf("%s\n", b.s);
		}
		printf("--\n");
	}
	rc = ndin_close(in);
	rejects_close(rj);
	features_free(f);
	buf_free(&b);
	return rc;
}

int
main(int argc, char **argv)
{
	int i;

	cli_init(argv[0], "test-ml");
	if (argc >= 3 && strcmp(argv[1], "fixed") == 0)
		return cli_finish(t_fixed(argc - 2, argv + 2));
	if (argc >= 3 && strcmp(argv[1], "column") == 0) {
		for (i = 3; i < argc; i++)
			printf("%u\n", (unsigned)features_column(argv[2],
			    argv[i], strlen(argv[i])));
		return cli_finish(0);
	}
	if (argc == 2 && strcmp(argv[1], "names") == 0)
		return cli_finish(t_names());
	cli_usage(CK_EX_USAGE, usage_text);
}
