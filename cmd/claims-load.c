/*
 * claims-load: write NDJSON claims into a database, in batches, each batch
 * one transaction; PostgreSQL staging (lib/load_pg.c) or SQL Server
 * production (lib/load_mssql.c), chosen by the --to target.
 *
 * This file is the front end of load.h: options, reading, claim_id checks,
 * the batch loop with its retry policy, rejects, progress and the summary.
 * Records are parsed straight into the batch's slots (ndin_use), so each
 * is parsed once and memory is bounded by the batch size.
 */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "claimkit/buf.h"
#include "claimkit/cli.h"
#include "claimkit/conf.h"
#include "claimkit/diag.h"
#include "claimkit/json.h"
#include "claimkit/load.h"
#include "claimkit/ndjson.h"
#include "claimkit/staging.h"
#include "claimkit/xalloc.h"

static const char usage_text[] =
"usage: claims-load [-hnV] [-b size] [--batch-name name] [--mark-staging conninfo]\n"
"                   [--mark-done status] [--mark-failed status]\n"
"                   [--key-file file] [--max-retries n] [--progress]\n"
"                   [--rejects file] [--retry-delay ms] -t target [file ...]\n";

static const char help_text[] =
"  -t, --to TARGET         libpq conninfo or postgresql:// URI (staging),\n"
"                          or mssql://... (SQL Server production)\n"
"  -b, --batch-size N      records per transaction (default 1000)\n"
"      --rejects FILE      write records that cannot be loaded to FILE\n"
"      --progress          show a records/s counter on stderr\n"
"      --max-retries N     retries of a batch after a temporary failure\n"
"                          (default 5)\n"
"      --retry-delay MS    first pause before a retry, doubled each time\n"
"                          (default 500)\n"
"  -n, --dry-run           check and count, commit nothing\n"
"      --key-file FILE     key for the encrypted claims (SQL Server targets)\n"
"      --batch-name NAME   name of the processing batch (PostgreSQL)\n"
"      --mark-staging CONNINFO\n"
"                          after each batch, mark the staging claims the\n"
"                          records came from (their \"staging\" key)\n"
"      --mark-done STATUS  status of loaded claims\n"
"                          (default COMPLETED_EXPORTED_TO_PROD)\n"
"      --mark-failed STATUS status of rejected claims\n"
"                          (default COMPLETED_FAILED_LOGGED)\n"
"  -h, --help              print this help\n"
"  -V, --version           print the version\n";

enum { OPT_REJECTS = 256, OPT_PROGRESS, OPT_MAX_RETRIES, OPT_RETRY_DELAY,
    OPT_BATCH_NAME, OPT_MARK, OPT_MARK_DONE, OPT_MARK_FAILED, OPT_KEY_FILE };

static const struct option longopts[] = {
	{ "batch-name",	required_argument,	NULL, OPT_BATCH_NAME },
	{ "batch-size",	required_argument,	NULL, 'b' },
	{ "dry-run",	no_argument,		NULL, 'n' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "key-file",	required_argument,	NULL, OPT_KEY_FILE },
	{ "mark-done",	required_argument,	NULL, OPT_MARK_DONE },
	{ "mark-failed", required_argument,	NULL, OPT_MARK_FAILED },
	{ "mark-staging", required_argument,	NULL, OPT_MARK },
	{ "max-retries", required_argument,	NULL, OPT_MAX_RETRIES },
	{ "progress",	no_argument,		NULL, OPT_PROGRESS },
	{ "rejects",	required_argument,	NULL, OPT_REJECTS },
	{ "retry-delay", required_argument,	NULL, OPT_RETRY_DELAY },
	{ "to",		required_argument,	NULL, 't' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

/* One record of the current batch: its own line copy and parse. */
struct slot {
	struct buf	 text;
	struct jdoc	*doc;
};

struct run {
	const struct load_backend *be;
	void			*ctx;
	struct load_opts	 o;
	struct rejects		*rj;
	struct slot		*slots;
	struct load_record	*recs;
	size_t			 n;
	struct load_totals	 t;
	/* input names, kept: the reader's own go away with their file */
	char			**names;
	size_t			 nnames;
	/* --mark-staging */
	PGconn			*mark;
	int			 mark_rc;
	unsigned long		 marked, mark_lost;
	/* progress */
	int			 progress, tty;
	struct timespec		 t0, last;
};

static double
since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) +
	    (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

static const char *
keep_name(struct run *r, const char *name)
{
	if (r->nnames > 0 && strcmp(r->names[r->nnames - 1], name) == 0)
		return r->names[r->nnames - 1];
	r->names = xreallocarray(r->names, r->nnames + 1, sizeof *r->names);
	r->names[r->nnames] = xstrdup(name);
	return r->names[r->nnames++];
}

static void
show_progress(struct run *r, int final)
{
	double dt;
	unsigned long done = r->t.inserted + r->t.duplicates + r->t.rejected;

	if (!r->progress)
		return;
	if (!final && since(&r->last) < (r->tty ? 1.0 : 10.0))
		return;
	clock_gettime(CLOCK_MONOTONIC, &r->last);
	dt = since(&r->t0);
	fprintf(stderr, "%s%s: %lu records, %.0f records/s%s",
	    r->tty ? "\r" : "", diag_progname, done,
	    dt > 0 ? (double)done / dt : 0.0, r->tty && !final ? "" : "\n");
}

/*
 * Mark the staging rows of this batch's records (their "staging" key):
 * loaded ones opts.mark_done, rejected ones opts.mark_failed, each group
 * under the lease owner the record names.
 */
static int
mark_group(struct run *r, long long *ids, size_t n, const char *status,
    const char *owner)
{
	unsigned long changed = 0, delay = r->o.retry_delay_ms;
	int attempt, rc = 0;

	for (attempt = 0; attempt <= r->o.max_retries; attempt++) {
		if (attempt > 0) {
			struct timespec ts = { (time_t)(delay / 1000),
			    (long)(delay % 1000) * 1000000L };

			nanosleep(&ts, NULL);
			delay = delay * 2 > 10000 ? 10000 : delay * 2;
		}
		if (r->mark == NULL || PQstatus(r->mark) != CONNECTION_OK) {
			if (r->mark != NULL)
				PQfinish(r->mark);
			r->mark = staging_connect(r->o.mark, "--mark-staging",
			    attempt < r->o.max_retries, &rc);
			if (r->mark == NULL) {
				if (rc != CK_EX_TEMPFAIL &&
				    rc != CK_EX_UNAVAILABLE)
					return rc;
				continue;
			}
		}
		rc = staging_mark(r->mark, ids, n, status, owner, &changed);
		if (rc == 0)
			break;
		if (rc != CK_EX_TEMPFAIL)
			return rc;
	}
	if (rc != 0) {
		diag_warn(NULL, 0, "--mark-staging: %zu claims not marked %s "
		    "(their leases will expire and they will be fetched "
		    "again)", n, status);
		return CK_EX_TEMPFAIL;
	}
	r->marked += changed;
	if (changed < n) {
		r->mark_lost += n - changed;
		diag_warn(NULL, 0, "--mark-staging: %zu claims no longer "
		    "leased by '%s': not marked", n - (size_t)changed,
		    owner ? owner : "");
	}
	return 0;
}

static void
mark_batch(struct run *r)
{
	long long *ids, id;
	const char *owner, *own;
	size_t i, k;
	int pass, rc, node, failed;

	ids = xreallocarray(NULL, r->n + 1, sizeof *ids);
	for (pass = 0; pass < 2; pass++) {
		const char *status = pass == 0 ? r->o.mark_done :
		    r->o.mark_failed;

		owner = NULL;
		k = 0;
		for (i = 0; i < r->n; i++) {
			const struct jdoc *d = r->recs[i].doc;

			failed = r->recs[i].outcome == LOAD_REJECTED;
			if (failed != (pass == 1))
				continue;
			node = jdoc_path(d, 0, "staging.id");
			if (node < 0 || jdoc_int(d, node, &id) != 0)
				continue;	/* not from claims-fetch */
			own = jdoc_pstr(d, 0, "staging.lease_owner");
			/* One statement per run of records of one owner. */
			if (k > 0 && (own == NULL ? owner != NULL :
			    owner == NULL || strcmp(own, owner) != 0)) {
				if ((rc = mark_group(r, ids, k, status,
				    owner)) != 0 && r->mark_rc == 0)
					r->mark_rc = rc;
				k = 0;
			}
			owner = own;
			ids[k++] = id;
		}
		if (k > 0 && (rc = mark_group(r, ids, k, status, owner)) != 0 &&
		    r->mark_rc == 0)
			r->mark_rc = rc;
	}
	free(ids);
}

/* Send the gathered records; 0, or the exit code that ends the run. */
static int
flush(struct run *r)
{
	size_t i;
	int rc;

	if (r->n == 0)
		return 0;
	rc = load_run_batch(r->be, r->ctx, r->recs, r->n, &r->o);
	if (rc != 0) {
		if (rc == CK_EX_TEMPFAIL)
			diag_error(NULL, 0, "batch of %zu records not "
			    "committed after %d retries", r->n,
			    r->o.max_retries);
		return rc;
	}
	for (i = 0; i < r->n; i++) {
		struct load_record *x = &r->recs[i];

		switch (x->outcome) {
		case LOAD_INSERTED:
			r->t.inserted++;
			break;
		case LOAD_DUPLICATE:
			r->t.duplicates++;
			break;
		case LOAD_REJECTED:
			rejects_write(r->rj, x->file, x->line,
			    x->code ? x->code : "rejected",
			    x->reason[0] ? x->reason : "record not loaded",
			    x->text, x->len, 1);
			break;
		case LOAD_PENDING:
			diag_error(x->file, x->line, "backend %s left a "
			    "record undecided", r->be->name);
			return CK_EX_SOFTWARE;
		}
	}
	if (r->o.mark != NULL && !r->o.dry_run)
		mark_batch(r);
	r->n = 0;
	show_progress(r, 0);
	return 0;
}

static char *
join_names(int argc, char **argv)
{
	struct buf b = BUF_INIT;
	int i;

	if (argc == 0)
		return xstrdup("<stdin>");
	for (i = 0; i < argc; i++) {
		if (i > 0)
			buf_adds(&b, ", ");
		buf_adds(&b, strcmp(argv[i], "-") == 0 ? "<stdin>" : argv[i]);
	}
	return buf_detach(&b, NULL);
}

static const char *
login_name(void)
{
	const char *u = getenv("USER");
	struct passwd *pw;

	if (u != NULL && *u != '\0')
		return u;
	if ((pw = getpwuid(getuid())) != NULL)
		return pw->pw_name;
	return "unknown";
}

/*
 * The staging status of --mark-done/--mark-failed or its claimkit.conf
 * key; an unknown one is a usage error from the flag, a configuration
 * error from the file.
 */
static const char *
mark_status(const char *flag, const char *opt, const char *key,
    const char *dflt)
{
	const char *v = conf_pick(flag, NULL, key, dflt), *st;
	char q[96];

	if ((st = staging_status(v)) != NULL)
		return st;
	diag_error(NULL, 0, "unknown staging status in %s (see "
	    "claimkit-schema(5)): '%s'", v == flag ? opt : key,
	    diag_quote(q, sizeof q, v, strlen(v)));
	if (v == flag)
		cli_usage(CK_EX_USAGE, usage_text);
	exit(CK_EX_CONFIG);
}

int
main(int argc, char **argv)
{
	struct run r;
	struct ndin *in;
	const char *to = NULL, *rejects = NULL, *bs = NULL, *id, *code, *why;
	char *sources;
	size_t i, batch;
	int ch, rc = 0, crc, inrc;
	double dt;

	cli_init(argv[0], "claims-load");
	memset(&r, 0, sizeof r);
	r.o.max_retries = 5;
	r.o.retry_delay_ms = 500;
	while ((ch = getopt_long(argc, argv, "b:hnt:V", longopts, NULL)) != -1)
		switch (ch) {
		case 'b':
			bs = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			fputs("\n", stdout);
			cli_usage(0, help_text);
		case 'n':
			r.o.dry_run = 1;
			break;
		case 't':
			to = optarg;
			break;
		case 'V':
			cli_version();
		case OPT_BATCH_NAME:
			r.o.batch_name = optarg;
			break;
		case OPT_KEY_FILE:
			r.o.key_file = optarg;
			break;
		case OPT_MARK:
			r.o.mark = optarg;
			break;
		case OPT_MARK_DONE:
			r.o.mark_done = optarg;
			break;
		case OPT_MARK_FAILED:
			r.o.mark_failed = optarg;
			break;
		case OPT_MAX_RETRIES:
			r.o.max_retries = (int)cli_num(optarg, 0, 100,
			    "--max-retries");
			break;
		case OPT_PROGRESS:
			r.progress = 1;
			break;
		case OPT_REJECTS:
			rejects = optarg;
			break;
		case OPT_RETRY_DELAY:
			r.o.retry_delay_ms = (unsigned int)cli_num(optarg, 0,
			    600000, "--retry-delay");
			break;
		default:
			cli_usage(CK_EX_USAGE, usage_text);
		}
	argc -= optind;
	argv += optind;

	/* flag > environment > claimkit.conf; --to '' is the PG* environment */
	if (to == NULL)
		to = conf_pick(NULL, "CLAIMKIT_LOAD_TO", "load.to", NULL);
	if (to == NULL) {
		diag_error(NULL, 0, "no target: give --to CONNINFO (or set "
		    "CLAIMKIT_LOAD_TO, or load.to in claimkit.conf)");
		cli_usage(CK_EX_USAGE, usage_text);
	}
	{
		const char *flag = bs;

		bs = conf_pick(flag, NULL, "load.batch_size", "1000");
		batch = (size_t)cli_num_exit(bs, 1, 100000, bs == flag ?
		    "batch size" : "load.batch_size in claimkit.conf",
		    conf_bad_exit(bs, flag));
	}
	r.o.target = to;
	r.o.batch_size = batch;
	r.o.mark_done = mark_status(r.o.mark_done, "--mark-done",
	    "load.mark_done", "COMPLETED_EXPORTED_TO_PROD");
	r.o.mark_failed = mark_status(r.o.mark_failed, "--mark-failed",
	    "load.mark_failed", "COMPLETED_FAILED_LOGGED");
	sources = join_names(argc, argv);
	r.o.sources = sources;
	r.o.loaded_by = login_name();
	r.tty = isatty(2);
	r.progress = r.progress || r.tty;

	r.rj = rejects_open(rejects);
	r.be = load_backend_for(to);
	clock_gettime(CLOCK_MONOTONIC, &r.t0);
	r.last = r.t0;
	if ((rc = r.be->open(&r.ctx, to, &r.o)) != 0) {
		rejects_close(r.rj);
		free(sources);
		return rc;
	}
	if (r.o.mark != NULL && !r.o.dry_run &&
	    (r.mark = staging_connect(r.o.mark, "--mark-staging", 0,
	    &crc)) == NULL) {
		r.be->close(r.ctx, crc, &r.t);
		return crc;
	}

	r.slots = xcalloc(batch, sizeof *r.slots);
	r.recs = xcalloc(batch, sizeof *r.recs);
	for (i = 0; i < batch; i++)
		r.slots[i].doc = jdoc_alloc();
	in = ndin_open(argc, argv, r.rj);
	for (;;) {
		struct load_record *x;

		ndin_use(in, r.slots[r.n].doc, &r.slots[r.n].text);
		if (!ndin_next(in))
			break;
		if ((why = load_check_claim_id(ndin_doc(in), &id,
		    &code)) != NULL) {
			ndin_reject(in, code, why);
			continue;
		}
		x = &r.recs[r.n];
		memset(x, 0, sizeof *x);
		x->text = r.slots[r.n].text.s;
		x->len = r.slots[r.n].text.len;
		x->doc = r.slots[r.n].doc;
		x->claim_id = id;
		x->file = keep_name(&r, ndin_file(in));
		x->line = ndin_lineno(in);
		if (++r.n == batch && (rc = flush(&r)) != 0)
			break;
	}
	if (rc == 0)
		rc = flush(&r);
	r.t.read = ndin_nread(in);
	r.t.rejected = rejects_count(r.rj);
	inrc = ndin_close(in);
	if (rc == 0)
		rc = inrc;
	if (rc == 0 && r.mark_rc != 0)
		rc = r.mark_rc;
	if (rc == 0 && r.t.rejected > 0)
		rc = CK_EX_REJECT;
	crc = r.be->close(r.ctx, rc, &r.t);
	if (rc == 0 || rc == CK_EX_REJECT)
		rc = crc != 0 ? crc : rc;
	rejects_close(r.rj);

	show_progress(&r, 1);
	dt = since(&r.t0);
	{
		unsigned long undecided = r.t.read - r.t.inserted -
		    r.t.duplicates - r.t.rejected;
		struct buf s = BUF_INIT;

		buf_printf(&s, "%s%s%s: %lu read, %lu %s, %lu duplicate%s "
		    "(already loaded), %lu rejected",
		    r.be->name, load_run_label[0] ? " " : "", load_run_label,
		    r.t.read, r.t.inserted,
		    r.o.dry_run ? "would be inserted" : "inserted",
		    r.t.duplicates, r.t.duplicates == 1 ? "" : "s",
		    r.t.rejected);
		if (r.o.mark != NULL)
			buf_printf(&s, ", %lu marked in staging", r.marked);
		if (undecided > 0)
			buf_printf(&s, "; stopped: %lu not loaded", undecided);
		if (r.o.dry_run)
			buf_adds(&s, "; dry run, nothing committed");
		buf_printf(&s, " (%.2f s, %.0f records/s)", dt,
		    dt > 0 ? (double)r.t.read / dt : 0.0);
		fprintf(stderr, "%s: %s\n", diag_progname, s.s);
		buf_free(&s);
	}

	if (r.mark != NULL)
		PQfinish(r.mark);
	for (i = 0; i < batch; i++) {
		buf_free(&r.slots[i].text);
		jdoc_free(r.slots[i].doc);
	}
	for (i = 0; i < r.nnames; i++)
		free(r.names[i]);
	free(r.names);
	free(r.slots);
	free(r.recs);
	free(sources);
	return cli_finish(rc);
}
