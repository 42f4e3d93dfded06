/* load: backend choice, the retry policy and claim_id checks (load.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "claimkit/diag.h"
#include "claimkit/json.h"
#include "claimkit/load.h"

/*
 * lib/load_mssql.c (the SQL Server backend) is written separately.  When it
 * is not part of the source tree, claims-load still links and says so at
 * run time instead of pretending: a weak reference would not do, because a
 * weak undefined symbol never pulls a member out of libclaimkit.a.
 * (A build dir that predates lib/load_mssql.c must rebuild lib/load.o.)
 */
#if defined(__has_include)
#if !__has_include("load_mssql.c")
#define LOAD_NO_MSSQL 1
#endif
#endif

#ifdef LOAD_NO_MSSQL
static int
nomssql_open(void **ctx, const char *target, const struct load_opts *o)
{
	*ctx = NULL;
	diag_error(NULL, 0, "SQL Server support not built");
	return CK_EX_CONFIG;
}

static int
nomssql_batch(void *ctx, struct load_record *recs, size_t n)
{
	return CK_EX_CONFIG;
}

static int
nomssql_close(void *ctx, int status, const struct load_totals *t)
{
	return 0;
}

const struct load_backend load_backend_mssql = {
	"mssql", nomssql_open, nomssql_batch, nomssql_close
};
#endif

char load_run_label[64];

const struct load_backend *
load_backend_for(const char *target)
{
	if (target != NULL && strncmp(target, "mssql://", 8) == 0)
		return &load_backend_mssql;
	return &load_backend_pg;
}

static void
sleep_ms(unsigned long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
}

int
load_run_batch(const struct load_backend *be, void *ctx,
    struct load_record *recs, size_t n, const struct load_opts *opts)
{
	unsigned long delay = opts->retry_delay_ms;
	int attempt, rc;
	size_t i;

	for (attempt = 0;; attempt++) {
		for (i = 0; i < n; i++) {
			recs[i].outcome = LOAD_PENDING;
			recs[i].code = NULL;
			recs[i].reason[0] = '\0';
		}
		rc = be->load_batch(ctx, recs, n);
		if (rc != CK_EX_TEMPFAIL || attempt >= opts->max_retries)
			return rc;
		diag_warn(NULL, 0, "batch of %zu records not committed, "
		    "retry %d of %d in %lu ms", n, attempt + 1,
		    opts->max_retries, delay);
		sleep_ms(delay);
		delay = delay * 2 > 10000 ? 10000 : delay * 2;
	}
}

const char *
load_check_claim_id(const struct jdoc *d, const char **id, const char **code)
{
	int n = jdoc_get(d, 0, "claim_id");
	const char *s;
	size_t len, i;

	*id = NULL;
	if (n < 0) {
		*code = "missing_claim_id";
		return "record has no claim_id";
	}
	if ((s = jdoc_str(d, n, &len)) == NULL) {
		*code = "invalid_claim_id";
		return "claim_id is not a string";
	}
	if (len == 0) {
		*code = "invalid_claim_id";
		return "claim_id is empty";
	}
	if (len > LOAD_CLAIM_ID_MAX) {
		*code = "invalid_claim_id";
		return "claim_id is longer than 50 characters";
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			*code = "invalid_claim_id";
			return "claim_id contains control characters";
		}
	*id = s;
	return NULL;
}
