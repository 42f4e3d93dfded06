/*
 * test-mssql: drives lib/seal.c and lib/mssql.c from the shell for the
 * SQL Server tests (t7300-t7499).
 *
 *	test-mssql seal KEYFILE <ndjson      one envelope per record
 *	test-mssql target URL...             parsed mssql:// targets
 *	test-mssql errtext NUMBER TEXT       a server message as printed
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/buf.h"
#include "claimkit/cli.h"
#include "claimkit/diag.h"
#include "claimkit/json.h"
#include "claimkit/lineio.h"
#include "claimkit/mssql.h"
#include "claimkit/seal.h"

static int
t_seal(int argc, char **argv)
{
	struct seal_key k;
	struct lineio *li;
	struct jdoc *d = jdoc_alloc();
	struct buf out = BUF_INIT;
	char *line;
	size_t len;
	int rc;

	if (argc != 1)
		return CK_EX_USAGE;
	if ((rc = seal_key_load(&k, argv[0])) != 0)
		return rc;
	li = lineio_open("-");
	while ((line = lineio_next(li, &len)) != NULL) {
		const char *id;

		if (jdoc_parse(d, line, len) != 0 ||
		    (id = jdoc_pstr(d, 0, "claim_id")) == NULL)
			return CK_EX_DATAERR;
		buf_reset(&out);
		seal_encrypt(&k, id, line, len, &out);
		printf("%s\n", out.s);
	}
	lineio_close(li);
	buf_free(&out);
	jdoc_free(d);
	return 0;
}

static int
t_target(int argc, char **argv)
{
	struct mssql_target t;
	const char *e;
	int i;

	for (i = 0; i < argc; i++) {
		if ((e = mssql_target_parse(argv[i], &t)) != NULL) {
			printf("%s: error: %s\n", argv[i], e);
			continue;
		}
		printf("%s: user=%s server=%s database=%s\n", argv[i], t.user,
		    t.server, t.database);
		mssql_target_free(&t);
	}
	return 0;
}

static int
t_errtext(int argc, char **argv)
{
	static const char *const safe[] = { "FacilityId", "smart_pro_claims",
	    NULL };
	struct mssql_error e;
	char out[600];

	if (argc != 2)
		return CK_EX_USAGE;
	memset(&e, 0, sizeof e);
	e.number = atol(argv[0]);
	e.severity = 16;
	e.state = 1;
	snprintf(e.text, sizeof e.text, "%s", argv[1]);
	printf("%s\n", mssql_error_text(&e, safe, out, sizeof out));
	return 0;
}

int
main(int argc, char **argv)
{
	cli_init(argv[0], "test-mssql");
	if (argc < 2) {
		fprintf(stderr, "usage: test-mssql seal|target|errtext ...\n");
		return CK_EX_USAGE;
	}
	if (strcmp(argv[1], "seal") == 0)
		return t_seal(argc - 2, argv + 2);
	if (strcmp(argv[1], "target") == 0)
		return t_target(argc - 2, argv + 2);
	if (strcmp(argv[1], "errtext") == 0)
		return t_errtext(argc - 2, argv + 2);
	fprintf(stderr, "test-mssql: unknown command '%s'\n", argv[1]);
	return CK_EX_USAGE;
}
