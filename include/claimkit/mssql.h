/*
 * mssql: a small SQL Server client over FreeTDS ct-lib, for claims-load.
 *
 * Only language commands (SQL batches) are sent: no ct_param / ct_dynamic
 * (RPC) and no blk_* (bulk copy).  libct 1.3.17's bulk path sends NVARCHAR
 * data as unconverted UTF-8, crashes on DATE/DATETIME2 columns, writes
 * DECIMAL values with Sybase byte counts and drops rows that fail to
 * convert without telling the caller (claims-load(1), "SQL SERVER"), while
 * a language command is converted to UCS-2 by libtds like any query.
 *
 * Messages: the ct-lib client and server message callbacks record the
 * first error of each call; nothing is printed here except by
 * mssql_connect (one diagnostic, no password).  Server message texts may
 * quote data values (a duplicate key, a truncated string): callers print
 * them only through mssql_error_text(), which keeps schema object names
 * and replaces every other quoted or parenthesised part with "...".
 */
#ifndef CLAIMKIT_MSSQL_H
#define CLAIMKIT_MSSQL_H

#include <stddef.h>

#include "claimkit/buf.h"

/* Parsed "mssql://USER@SERVER/DATABASE" (claims-load --to). */
struct mssql_target {
	char	*user;
	char	*server;	/* freetds.conf name or HOST:PORT */
	char	*database;
};

/*
 * Parse url into t (strings malloc'd; mssql_target_free releases them).
 * USER and DATABASE may be %-encoded.  Returns NULL, or a reason.
 */
const char *mssql_target_parse(const char *url, struct mssql_target *t);
void mssql_target_free(struct mssql_target *t);

struct mssql_conf {
	const char	*user, *password, *server, *database;
	const char	*appname;
	int		 login_timeout;	/* seconds, 0: FreeTDS default */
	int		 timeout;	/* seconds per request, 0: none */
	int		 packet_size;	/* bytes, 0: FreeTDS default */
};

/* What went wrong in the last call. */
enum mssql_fail {
	MSSQL_OK = 0,
	MSSQL_FAIL_SERVER,	/* server error; the connection may live on */
	MSSQL_FAIL_LINK,	/* connection lost, timed out or unusable */
	MSSQL_FAIL_CLIENT	/* ct-lib refused the call (a bug here) */
};

struct mssql_error {
	long	 number;	/* server msgno, or FreeTDS client number */
	int	 severity, state, line;
	int	 client;	/* 1: from the client library */
	int	 timeout;	/* a request timed out */
	char	 text[512];	/* raw: may quote data; see mssql_error_text */
};

struct mssql_result {
	/* Row counts of the DONE tokens that carried one, in order. */
	long		*counts;
	size_t		 ncounts, capcounts;
	/* First column of every result row, each value NUL-terminated. */
	struct buf	 rows;
	size_t		 nrows;
	enum mssql_fail	 fail;
	struct mssql_error err;	/* valid when fail != MSSQL_OK */
};

struct mssql;

/*
 * Log in.  Returns 0 and *out, or an exit code after printing one
 * diagnostic (quiet: print nothing): CK_EX_CONFIG (78) for a login the
 * server refused (bad user or password, unknown database) and for a
 * server name that is neither in freetds.conf nor a resolvable host;
 * CK_EX_UNAVAILABLE (69) when the server cannot be reached.  The client
 * character set is UTF-8 whatever the locale.
 */
int mssql_connect(struct mssql **out, const struct mssql_conf *c, int quiet);
void mssql_close(struct mssql *m);

/*
 * Send sql[0..len) as one SQL batch and read every result.  Returns
 * r->fail; after MSSQL_FAIL_LINK the connection is unusable (close it).
 */
enum mssql_fail mssql_exec(struct mssql *m, const char *sql, size_t len,
    struct mssql_result *r);
void mssql_result_free(struct mssql_result *r);

/* Requests sent and bytes of SQL text (UTF-8) on this connection. */
unsigned long mssql_requests(const struct mssql *m);

/*
 * A message for operators: "SQL Server error N (severity S, state T):
 * text" or "FreeTDS N: text" for a client-side error.  In a server text a
 * quoted ('x' or "x") part stays only when it is a constraint or index
 * name (PK_, FK_, UQ_, UX_, IX_, CK_, DF_ prefix), a dbo.-qualified name
 * or one of safe[] (a NULL-terminated list of table, column, database and
 * user names, may be NULL); other quoted parts and every parenthesised
 * part (duplicate key values) become "...".  Returns out.
 */
char *mssql_error_text(const struct mssql_error *e, const char *const *safe,
    char *out, size_t n);

#endif
