/*
 * staging: the PostgreSQL staging database (sql/postgresql/, claimkit-schema(5))
 * as seen from C: connecting with clear errors, classifying server errors
 * as retryable or not, and marking claims after a downstream stage.
 *
 * Every function prints at most one diagnostic through diag.h (never the
 * password or any claim content beyond ids) and returns an exit code of
 * enum ck_exit.
 */
#ifndef CLAIMKIT_STAGING_H
#define CLAIMKIT_STAGING_H

#include <stddef.h>

#include <libpq-fe.h>

/* The schema version this build of claimkit expects (staging.schema_version). */
#define STAGING_SCHEMA_VERSION	1

/*
 * Connect with a libpq conninfo string or URI ("" means the PG*
 * environment, "service=x" a pg_service.conf entry).  what names the
 * option in messages ("--to", "--from").  Returns the connection, or NULL
 * with *rc set: CK_EX_CONFIG (78) for a malformed conninfo or a rejected
 * login (bad password, unknown role or database), CK_EX_UNAVAILABLE (69)
 * when the server cannot be reached, CK_EX_TEMPFAIL (75) when it is
 * starting up or shutting down (quiet: retry).  The schema version is
 * checked too (78 when the schema is missing or older than this build).
 * The session gets application_name "claimkit" and client_encoding UTF8.
 */
PGconn *staging_connect(const char *conninfo, const char *what, int quiet,
    int *rc);
/* quiet: print nothing for 69 and 75 (a reconnect attempt that may be
 * retried); configuration errors are always printed. */

/*
 * Exit code for a failed result (res may be NULL: the connection
 * failed): CK_EX_TEMPFAIL for what a retry can cure (connection lost,
 * admin shutdown, crash recovery, serialization failure, deadlock,
 * unique violation from a concurrent writer, lock timeout), otherwise
 * CK_EX_SOFTWARE for an unexpected server error and CK_EX_CONFIG when the
 * schema is missing (undefined table/column/function).
 */
int staging_error_code(PGconn *conn, const PGresult *res);

/* Print "what: <server message first line>" as an error. */
void staging_report(PGconn *conn, const PGresult *res, const char *what);

/*
 * Set processing_status of the staging.claims rows whose id is in
 * ids[0..n) to status, clear their lease and set processed_date (RETRY
 * also counts a retry; COMPLETED_EXPORTED_TO_PROD sets
 * exported_to_production and export_date).  When owner is not NULL only rows
 * still leased by owner change (a lease that expired and was taken by
 * another worker is left alone).  One statement, one transaction (the
 * caller's, when a transaction is open).  *changed (may be NULL) gets the
 * number of rows updated.  status must be one of the vocabulary of
 * claimkit-schema(5) (the database checks it).  Returns 0 or an exit code
 * (75 retryable).
 */
int staging_mark(PGconn *conn, const long long *ids, size_t n,
    const char *status, const char *owner, unsigned long *changed);

/*
 * The processing_status vocabulary (claimkit-schema(5)): returns the
 * canonical upper-case status for s, also accepting the shorthands
 * done (COMPLETED), failed (ERROR), retry (RETRY) and pending (PENDING)
 * and any case; NULL when s is not a status.
 */
const char *staging_status(const char *s);

/*
 * The lease owner name of this process: "host:pid" (what claims-fetch
 * --lease writes into lease_owner unless --owner is given).
 */
const char *staging_default_owner(void);

#endif
