/* staging: connecting to the PostgreSQL staging database (staging.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "claimkit/buf.h"
#include "claimkit/diag.h"
#include "claimkit/staging.h"

static const char *const statuses[] = {
	"PENDING", "PROCESSING", "RETRY", "VALIDATED", "VALIDATION_PASSED",
	"VALIDATION_FAILED", "VALIDATION_FAILED_RULES",
	"VALIDATION_PYTHON_FAILED", "VALIDATION_DATALOG_FAILED",
	"ML_PREDICTED", "ML_LOW_CONFIDENCE_FALLBACK", "ML_PREDICTION_ERROR",
	"DATALOG_RULES_APPLIED", "REIMBURSEMENT_CALCULATED",
	"REIMBURSEMENT_CALC_ERROR", "COMPLETED", "COMPLETED_EXPORTED_TO_PROD",
	"COMPLETED_FAILED_LOGGED", "ERROR", "ERROR_EXPORT_TO_PROD",
	"ERROR_UNHANDLED_PROCESSOR", NULL
};

const char *
staging_status(const char *s)
{
	size_t i;

	if (s == NULL)
		return NULL;
	if (strcasecmp(s, "done") == 0)
		return "COMPLETED";
	if (strcasecmp(s, "failed") == 0)
		return "ERROR";
	for (i = 0; statuses[i] != NULL; i++)
		if (strcasecmp(s, statuses[i]) == 0)
			return statuses[i];
	return NULL;
}

/*
 * Copy a libpq message into out without what could be a secret: libpq
 * quotes the offending token of a malformed conninfo, and that token may
 * be (part of) a password.  Quoted text is kept only in "invalid
 * connection option" messages, where it is an option name.
 */
static void
clean_message(char *out, size_t outsz, const char *msg)
{
	size_t o = 0;
	int inq = 0, keep;
	const char *p;

	keep = strncmp(msg, "invalid connection option", 25) == 0;
	for (p = msg; *p != '\0' && *p != '\n' && o + 4 < outsz; p++) {
		if (*p == '"' && !keep) {
			if (!inq && o + 5 < outsz) {
				memcpy(out + o, "\"...\"", 5);
				o += 5;
			}
			inq = !inq;
			continue;
		}
		if (inq)
			continue;
		out[o++] = (unsigned char)*p < 0x20 ? ' ' : *p;
	}
	while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '.'))
		o--;
	out[o] = '\0';
}

/* First line of a server or libpq message, without "ERROR:  "/"FATAL:  ". */
static void
first_line(char *out, size_t outsz, const char *msg)
{
	const char *p, *q;
	size_t n;

	if (msg == NULL || *msg == '\0')
		msg = "unknown error";
	/* "connection to server on socket ... failed: FATAL:  password ..." */
	if ((p = strstr(msg, "FATAL:  ")) != NULL)
		msg = p + 8;
	else if ((p = strstr(msg, "ERROR:  ")) != NULL)
		msg = p + 8;
	if ((q = strchr(msg, '\n')) == NULL)
		q = msg + strlen(msg);
	n = (size_t)(q - msg);
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, msg, n);
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\r'))
		n--;
	out[n] = '\0';
}

static int
has(const char *msg, const char *what)
{
	return msg != NULL && strstr(msg, what) != NULL;
}

/* Exit code for a failed connection attempt, from libpq's message. */
static int
connect_code(PGconn *conn)
{
	const char *m = PQerrorMessage(conn);

	if (has(m, "the database system is starting up") ||
	    has(m, "the database system is shutting down") ||
	    has(m, "the database system is in recovery mode") ||
	    has(m, "the database system is not yet accepting") ||
	    has(m, "sorry, too many clients"))
		return CK_EX_TEMPFAIL;
	if (PQconnectionNeedsPassword(conn) ||
	    has(m, "authentication failed") ||
	    has(m, "password") || has(m, "does not exist") ||
	    has(m, "no pg_hba.conf entry") || has(m, "permission denied") ||
	    has(m, "not permitted to log in") ||
	    has(m, "certificate") || has(m, "SSL") ||
	    has(m, "definition of service") || has(m, "service file"))
		return CK_EX_CONFIG;
	return CK_EX_UNAVAILABLE;
}

static int
check_schema(PGconn *conn, const char *what, int *rc)
{
	PGresult *res;
	int v;

	res = PQexec(conn, "SELECT max(version) FROM staging.schema_version");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		*rc = staging_error_code(conn, res);
		if (*rc == CK_EX_CONFIG)
			diag_error(NULL, 0, "%s: the staging schema is not "
			    "installed (make db, or psql -f "
			    "sql/postgresql/install.sql)", what);
		else
			staging_report(conn, res, what);
		PQclear(res);
		return -1;
	}
	v = PQgetisnull(res, 0, 0) ? 0 : atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (v < STAGING_SCHEMA_VERSION) {
		diag_error(NULL, 0, "%s: staging schema version %d is older "
		    "than %d: upgrade it (make db)", what, v,
		    STAGING_SCHEMA_VERSION);
		*rc = CK_EX_CONFIG;
		return -1;
	}
	return 0;
}

PGconn *
staging_connect(const char *conninfo, const char *what, int quiet, int *rc)
{
	static const char *const keys[] = {
		"dbname", "fallback_application_name", NULL
	};
	const char *vals[3];
	PQconninfoOption *opts;
	PGresult *res;
	PGconn *conn;
	char *err = NULL, msg[256];

	if (conninfo == NULL)
		conninfo = "";
	/* A malformed string is a configuration error, found before any
	 * network traffic; libpq's message is cleaned of quoted tokens. */
	if ((opts = PQconninfoParse(conninfo, &err)) == NULL) {
		clean_message(msg, sizeof msg, err ? err : "out of memory");
		diag_error(NULL, 0, "%s: invalid connection string: %s", what,
		    msg);
		PQfreemem(err);
		*rc = CK_EX_CONFIG;
		return NULL;
	}
	PQconninfoFree(opts);
	vals[0] = conninfo;
	vals[1] = "claimkit";
	vals[2] = NULL;
	conn = PQconnectdbParams(keys, vals, 1);
	if (conn == NULL) {
		diag_error(NULL, 0, "%s: out of memory", what);
		*rc = CK_EX_SOFTWARE;
		return NULL;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		*rc = connect_code(conn);
		if (!quiet || *rc == CK_EX_CONFIG) {
			first_line(msg, sizeof msg, PQerrorMessage(conn));
			diag_error(NULL, 0, "%s: cannot connect to PostgreSQL: "
			    "%s", what, msg);
		}
		PQfinish(conn);
		return NULL;
	}
	if (PQsetClientEncoding(conn, "UTF8") != 0) {
		diag_error(NULL, 0, "%s: cannot set client encoding UTF8", what);
		*rc = CK_EX_CONFIG;
		PQfinish(conn);
		return NULL;
	}
	/*
	 * Dates and timestamps in one form whatever the server's defaults.
	 * A COMMIT must be durable when it returns, even on a server set to
	 * synchronous_commit = off: claims-load reports a batch as loaded and
	 * a lease as taken only then (a crash would otherwise undo them).
	 */
	res = PQexec(conn, "SET datestyle = 'ISO, YMD'; SET timezone = 'UTC'; "
	    "SET intervalstyle = 'iso_8601'; SET synchronous_commit = on");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		*rc = staging_error_code(conn, res);
		if (!quiet || *rc != CK_EX_TEMPFAIL)
			staging_report(conn, res, what);
		PQclear(res);
		PQfinish(conn);
		return NULL;
	}
	PQclear(res);
	if (check_schema(conn, what, rc) != 0) {
		PQfinish(conn);
		return NULL;
	}
	*rc = 0;
	return conn;
}

int
staging_error_code(PGconn *conn, const PGresult *res)
{
	const char *st;

	if (conn == NULL || PQstatus(conn) != CONNECTION_OK)
		return CK_EX_TEMPFAIL;
	st = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (st == NULL)
		return CK_EX_TEMPFAIL;	/* libpq's own: lost connection */
	if (strncmp(st, "08", 2) == 0 ||	/* connection exception */
	    strncmp(st, "53", 2) == 0 ||	/* insufficient resources */
	    strncmp(st, "57P", 3) == 0 ||	/* shutdown, cannot connect now */
	    strcmp(st, "40001") == 0 ||		/* serialization failure */
	    strcmp(st, "40P01") == 0 ||		/* deadlock */
	    strcmp(st, "55P03") == 0 ||		/* lock not available */
	    strcmp(st, "57014") == 0 ||		/* query canceled (timeout) */
	    strcmp(st, "23505") == 0)		/* concurrent insert won */
		return CK_EX_TEMPFAIL;
	if (strcmp(st, "42P01") == 0 || strcmp(st, "42703") == 0 ||
	    strcmp(st, "42883") == 0 || strcmp(st, "3F000") == 0 ||
	    strcmp(st, "42501") == 0)
		return CK_EX_CONFIG;
	return CK_EX_SOFTWARE;
}

void
staging_report(PGconn *conn, const PGresult *res, const char *what)
{
	char msg[256];
	const char *m = NULL;

	if (res != NULL)
		m = PQresultErrorMessage(res);
	if ((m == NULL || *m == '\0') && conn != NULL)
		m = PQerrorMessage(conn);
	first_line(msg, sizeof msg, m);
	diag_error(NULL, 0, "%s: %s", what, msg);
}

int
staging_mark(PGconn *conn, const long long *ids, size_t n,
    const char *status, const char *owner, unsigned long *changed)
{
	struct buf arr = BUF_INIT;
	const char *params[3];
	PGresult *res;
	size_t i;
	int rc = 0;

	if (changed != NULL)
		*changed = 0;
	if (n == 0)
		return 0;
	if (staging_status(status) == NULL) {
		diag_error(NULL, 0, "unknown processing status '%s'", status);
		return CK_EX_USAGE;
	}
	buf_addc(&arr, '{');
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(&arr, ',');
		buf_addi(&arr, ids[i]);
	}
	buf_addc(&arr, '}');
	params[0] = staging_status(status);
	params[1] = arr.s;
	params[2] = owner;
	res = PQexecParams(conn,
	    "UPDATE staging.claims SET processing_status = $1::text,"
	    " lease_owner = NULL, lease_expires = NULL,"
	    " processed_date = now(),"
	    " retry_count = retry_count + ($1::text = 'RETRY')::int,"
	    " last_retry_at = CASE WHEN $1::text = 'RETRY' THEN now()"
	    "   ELSE last_retry_at END,"
	    " exported_to_production = exported_to_production OR"
	    "   $1::text = 'COMPLETED_EXPORTED_TO_PROD',"
	    " export_date = CASE WHEN $1::text = 'COMPLETED_EXPORTED_TO_PROD'"
	    "   THEN now() ELSE export_date END"
	    " WHERE id = ANY ($2::bigint[])"
	    "   AND ($3::text IS NULL OR lease_owner = $3::text)",
	    3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = staging_error_code(conn, res);
		staging_report(conn, res, "cannot mark staging claims");
	} else if (changed != NULL)
		*changed = strtoul(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	buf_free(&arr);
	return rc;
}

const char *
staging_default_owner(void)
{
	static char owner[128];
	char host[64];

	if (owner[0] == '\0') {
		if (gethostname(host, sizeof host) != 0)
			snprintf(host, sizeof host, "localhost");
		host[sizeof host - 1] = '\0';
		snprintf(owner, sizeof owner, "%s:%ld", host, (long)getpid());
	}
	return owner;
}
