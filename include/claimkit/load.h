/*
 * load: the contract between claims-load (cmd/claims-load.c, the front end)
 * and its database backends (lib/load_pg.c: PostgreSQL staging;
 * lib/load_mssql.c: SQL Server production).
 *
 * Division of work
 *
 *	front end (cmd/claims-load.c, lib/load.c)
 *	    parses options, reads NDJSON (ndin), rejects what is not a JSON
 *	    object or has no usable claim_id (missing, not a string, empty,
 *	    longer than LOAD_CLAIM_ID_MAX, control characters), gathers up to
 *	    batch_size records, hands each batch to the backend, retries a
 *	    batch that failed with CK_EX_TEMPFAIL (bounded, with backoff),
 *	    writes the rejects the backend reported, counts, prints progress
 *	    and the one-line summary.
 *	backend
 *	    owns its connection(s); writes one batch as ONE transaction:
 *	    either every accepted record of the batch is committed or none.
 *
 * Backend functions and their return values (enum ck_exit, diag.h)
 *
 *	open(&ctx, target, opts)
 *	    Connect and prepare (e.g. open a processing-batch row).
 *	    0 ok; CK_EX_UNAVAILABLE (69) server unreachable or login refused;
 *	    CK_EX_CONFIG (78) bad target string / schema missing / backend
 *	    not built; CK_EX_TEMPFAIL (75) try again later.  On failure the
 *	    backend has printed one diagnostic (no password, no PHI) and
 *	    *ctx is NULL.
 *	load_batch(ctx, recs, n)
 *	    Write recs[0..n) in one transaction.  For each record set
 *	    recs[i].outcome to LOAD_INSERTED, LOAD_DUPLICATE (claim_id already
 *	    present: nothing written for it, so replays insert nothing
 *	    twice) or LOAD_REJECTED (with code and reason: a record the
 *	    database cannot take, e.g. a value too long for its column; the
 *	    others of the batch still load).
 *	    0: committed, outcomes final.
 *	    CK_EX_TEMPFAIL (75): NOTHING of the batch was committed and a
 *	    retry may succeed (connection lost, server restarting,
 *	    serialization failure, deadlock, unique race with a concurrent
 *	    loader).  The backend must reconnect by itself on the next call;
 *	    the front end resets every outcome to LOAD_PENDING and calls
 *	    load_batch again with the same records after a backoff.
 *	    Any other non-zero code: nothing of the batch was committed and
 *	    the run stops with that code (e.g. 69 when reconnecting fails
 *	    for good, 70 for an unexpected server error, 78 for a schema
 *	    mismatch).  The backend printed the diagnostic.
 *	close(ctx, status, totals)
 *	    Record the end of the run (e.g. processing-batch row COMPLETED or
 *	    FAILED with the totals, status being the exit code the front end
 *	    is about to return) and disconnect.  Returns 0 or an exit code;
 *	    ctx may be NULL (then a no-op returning 0).  Must not fail the
 *	    run because of bookkeeping that cannot be written after a lost
 *	    connection: warn and return 0 in that case.
 *
 * Records given to load_batch
 *	text/len is the record's exact NDJSON line (no newline); doc is a
 *	parsed index over that same text (json.h).  Both, and claim_id, stay
 *	valid until load_batch returns (also across the retries of one
 *	batch); the backend must not keep pointers to them afterwards.
 *	claim_id is checked by the front end as described above.
 *	Records carry whatever the earlier stages added (validation,
 *	prediction, pricing, staging...): a backend keeps what it needs and
 *	stores the record text as it came.
 *
 * Staging identity
 *	Records fetched by claims-fetch carry a top-level object
 *	"staging": {"id":N,"status":"...","batch_id":N,"lease_owner":"...",
 *	"lease_expires":"..."}.  The front end, after a batch committed
 *	(status 0), marks those staging rows in the database named by
 *	opts->mark (--mark-staging CONNINFO), using staging_mark()
 *	(staging.h): LOAD_INSERTED and LOAD_DUPLICATE records become
 *	opts->mark_done (default COMPLETED_EXPORTED_TO_PROD), rejected ones
 *	opts->mark_failed (default COMPLETED_FAILED_LOGGED).  A backend
 *	therefore does not need to touch staging itself.
 *
 * Choosing a backend
 *	load_backend_for(target): "mssql://..." -> load_backend_mssql;
 *	anything else (a libpq conninfo "dbname=x host=/run/pg", a
 *	"postgresql://" or "postgres://" URI, "service=name", "" for the PG*
 *	environment) -> load_backend_pg.  load_backend_mssql is defined by
 *	lib/load_mssql.c; when that file is absent from the build, lib/load.c
 *	supplies a backend whose open() prints "SQL Server support not
 *	built" and returns CK_EX_CONFIG (78).
 */
#ifndef CLAIMKIT_LOAD_H
#define CLAIMKIT_LOAD_H

#include <stddef.h>

struct jdoc;

/* Longest claim_id accepted (staging.claims.claim_id is varchar(50)). */
#define LOAD_CLAIM_ID_MAX	50

enum load_outcome {
	LOAD_PENDING = 0,	/* not decided yet (set by the front end) */
	LOAD_INSERTED,		/* written in this run */
	LOAD_DUPLICATE,		/* claim_id already there: nothing written */
	LOAD_REJECTED		/* not written: code and reason say why */
};

struct load_record {
	/* Set by the front end, read-only for the backend. */
	const char		*text;	/* NDJSON line, no newline */
	size_t			 len;
	const struct jdoc	*doc;	/* index over text */
	const char		*claim_id; /* NUL-terminated, checked */
	const char		*file;	/* input name, for rejects */
	unsigned long		 line;	/* line number in file */
	/* Set by the backend in load_batch. */
	enum load_outcome	 outcome;
	const char		*code;	/* static string, LOAD_REJECTED only */
	char			 reason[160]; /* LOAD_REJECTED: no PHI */
};

struct load_opts {
	const char	*target;	/* --to, as given */
	size_t		 batch_size;	/* records per transaction */
	int		 max_retries;	/* retries of one batch after a 75 */
	unsigned int	 retry_delay_ms; /* first backoff; doubles */
	int		 dry_run;	/* check and count, commit nothing */
	const char	*sources;	/* input names, ", "-joined */
	const char	*loaded_by;	/* who runs the load (login name) */
	const char	*batch_name;	/* --batch-name, or NULL */
	const char	*mark;		/* --mark-staging conninfo, or NULL */
	const char	*mark_done;	/* staging status for loaded records */
	const char	*mark_failed;	/* staging status for rejected ones */
	const char	*key_file;	/* --key-file (SQL Server), or NULL */
};

/* Totals of one run, passed to close(). */
struct load_totals {
	unsigned long	read;		/* input records (lines) read */
	unsigned long	inserted;
	unsigned long	duplicates;
	unsigned long	rejected;	/* by the front end or the backend */
};

struct load_backend {
	const char	*name;		/* "postgresql", "mssql" */
	int		(*open)(void **ctx, const char *target,
			    const struct load_opts *opts);
	int		(*load_batch)(void *ctx, struct load_record *recs,
			    size_t n);
	int		(*close)(void *ctx, int status,
			    const struct load_totals *totals);
};

extern const struct load_backend load_backend_pg;
extern const struct load_backend load_backend_mssql;

/*
 * What the summary line names the run by, set by a backend's open() when it
 * has such a name (load_pg: "batch 12", the staging.processing_batches
 * row); empty otherwise.
 */
extern char load_run_label[64];

/* The backend for a --to target (see "Choosing a backend"). */
const struct load_backend *load_backend_for(const char *target);

/*
 * Run load_batch with the retry policy of opts: on CK_EX_TEMPFAIL reset
 * the outcomes, sleep retry_delay_ms * 2^k (capped at 10 s) and try again,
 * at most max_retries times.  Returns the backend's last status; 75 means
 * the retries ran out (nothing of this batch committed).
 */
int load_run_batch(const struct load_backend *be, void *ctx,
    struct load_record *recs, size_t n, const struct load_opts *opts);

/*
 * Check a record's claim_id as the front end must: returns NULL and sets
 * *id to the NUL-terminated value, or returns a reason text and sets *code.
 */
const char *load_check_claim_id(const struct jdoc *d, const char **id,
    const char **code);

#endif
