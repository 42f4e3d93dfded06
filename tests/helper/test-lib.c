/*
 * test-lib: drives lib/ modules from the shell for tests/t0010-lib.sh
 * (git's test-tool is the model).
 *
 *	test-lib money TEXT...          cents or the error, one per line
 *	test-lib date TEXT...           ISO date, day number and back
 *	test-lib json PATH... <ndjson   type and raw text at each path
 *	test-lib patch KEY VALUE <ndjson  set root member KEY to VALUE
 *	test-lib patch-lines KEY VALUE <ndjson  set KEY in every element of "lines"
 *	test-lib cat FILE...            valid records of the files, unchanged
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/cli.h"
#include "claimkit/date.h"
#include "claimkit/diag.h"
#include "claimkit/json.h"
#include "claimkit/money.h"
#include "claimkit/ndjson.h"

static int
t_money(int argc, char **argv)
{
	char out[MONEY_FMT_SIZE];
	int i;

	for (i = 0; i < argc; i++) {
		int64_t c;
		const char *e = money_parse(argv[i], strlen(argv[i]), 0, &c);

		if (e != NULL)
			printf("%s: error: %s\n", argv[i], e);
		else
			printf("%s: %lld %s\n", argv[i], (long long)c,
			    money_fmt(out, c));
	}
	return 0;
}

static int
t_date(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		struct ckdate d, back;
		char s[11];

		if (date_parse_iso(argv[i], strlen(argv[i]), &d) != 0 &&
		    date_parse_d8(argv[i], strlen(argv[i]), &d) != 0) {
			printf("%s: invalid\n", argv[i]);
			continue;
		}
		date_from_days(date_days(&d), &back);
		printf("%s: %s %ld %s\n", argv[i], date_fmt(s, &d),
		    date_days(&d), date_fmt((char[11]){ 0 }, &back));
	}
	return 0;
}

static int
t_json(int argc, char **argv, int patch, const char *pkey, const char *pval)
{
	struct rejects *rj = rejects_open(NULL);
	struct ndin *in = ndin_open(patch == 3 ? argc : 0, argv, rj);
	struct jpatch *p = jpatch_alloc();
	int i, rc;

	while (ndin_next(in)) {
		const struct jdoc *d = ndin_doc(in);

		if (patch == 3) {
			size_t len;
			const char *line = ndin_line(in, &len);

			ndout_line(line, len);
			continue;
		}
		if (patch) {
			jpatch_reset(p, d);
			if (patch == 1)
				jpatch_set(p, 0, pkey, pval, strlen(pval));
			else {
				int l;

				for (l = jdoc_first(d, jdoc_get(d, 0, "lines"));
				    l >= 0; l = jdoc_next(d, l))
					jpatch_set(p, l, pkey, pval, strlen(pval));
			}
			ndout_patch(p);
			continue;
		}
		for (i = 0; i < argc; i++) {
			int n = jdoc_path(d, 0, argv[i]);
			size_t len;
			const char *raw = jdoc_raw(d, n, &len);

			if (n < 0)
				printf("%s: absent\n", argv[i]);
			else
				printf("%s: %s %.*s\n", argv[i],
				    jdoc_type_name(jdoc_type(d, n)), (int)len, raw);
		}
	}
	rc = ndin_close(in);
	if (rejects_count(rj) > 0 && rc == 0)
		rc = 1;
	rejects_close(rj);
	jpatch_free(p);
	return rc;
}

int
main(int argc, char **argv)
{
	cli_init(argv[0], "test-lib");
	if (argc < 2)
		cli_usage(CK_EX_USAGE, "usage: test-lib money|date|json|patch ...\n");
	if (strcmp(argv[1], "money") == 0)
		return cli_finish(t_money(argc - 2, argv + 2));
	if (strcmp(argv[1], "date") == 0)
		return cli_finish(t_date(argc - 2, argv + 2));
	if (strcmp(argv[1], "json") == 0)
		return cli_finish(t_json(argc - 2, argv + 2, 0, NULL, NULL));
	if (strcmp(argv[1], "cat") == 0)
		return cli_finish(t_json(argc - 2, argv + 2, 3, NULL, NULL));
	if (strcmp(argv[1], "patch") == 0 && argc == 4)
		return cli_finish(t_json(0, NULL, 1, argv[2], argv[3]));
	if (strcmp(argv[1], "patch-lines") == 0 && argc == 4)
		return cli_finish(t_json(0, NULL, 2, argv[2], argv[3]));
	cli_usage(CK_EX_USAGE, "usage: test-lib money|date|json|patch ...\n");
}
