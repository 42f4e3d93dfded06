/*
 * selftest: run arbitrary bytes through tdsd's session code, without
 * sockets, against an in-memory database with a small schema.  This is
 * the body of tests/fuzz/fuzz-tdsd.c and of `tdsd --selftest-file`, so
 * that the fuzz corpus can be replayed in the sanitizer build.
 *
 * The first byte chooses what the rest is:
 *	0  packets from the start of a connection (PRELOGIN, LOGIN7, ...)
 *	1  packets of a logged-in session (SQL batches, bulk, ATTENTION)
 *	2  the UTF-8 text of one SQL batch
 *	3  the payload of a bulk load stream into dbo.T after INSERT BULK
 * Packets are cut by their header's length; a bad length takes the rest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/buf.h"
#include "tdsd.h"

static const char schema[] =
"CREATE TABLE dbo.P (Id INT NOT NULL PRIMARY KEY, Code NVARCHAR(10) NULL);"
"CREATE TABLE dbo.T (Id INT NOT NULL, Name NVARCHAR(20) NULL,"
" Amount DECIMAL(12,2) NULL, Day DATE NULL, At DATETIME2 NULL,"
" Flag BIT NOT NULL CONSTRAINT DF_T_Flag DEFAULT (0),"
" Code CHAR(2) NULL, Big BIGINT NULL, Note NVARCHAR(MAX) NULL,"
" Seq BIGINT IDENTITY(1,1) NOT NULL, PId INT NULL,"
" CONSTRAINT PK_T PRIMARY KEY (Id),"
" CONSTRAINT FK_T_P FOREIGN KEY (PId) REFERENCES dbo.P (Id),"
" CONSTRAINT CK_T_Code CHECK (Code IN ('AA', 'BB')));"
"INSERT INTO dbo.P (Id, Code) VALUES (1, N'one'), (2, N'two');"
"INSERT INTO dbo.T (Id, Name, Amount, Day) VALUES (1, N'Zo\xc3\xab', 1.50,"
" '2024-02-29');";

static int
discard(void *ctx, const void *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
	return 0;
}

static void
feed_packets(struct sess *s, const uint8_t *p, size_t n)
{
	struct buf pkt = BUF_INIT;

	while (n > 0) {
		size_t len = n >= 4 ? (size_t)(p[2] << 8 | p[3]) : n;

		if (len < 8 || len > n)
			len = n;
		buf_reset(&pkt);
		buf_add(&pkt, p, len);
		if (len < 8)
			break;
		/* a cut packet says how long it really is */
		pkt.s[2] = (char)(len >> 8);
		pkt.s[3] = (char)len;
		if (sess_packet(s, (const uint8_t *)pkt.s, len) != 0)
			break;
		p += len;
		n -= len;
	}
	buf_free(&pkt);
}

int
tdsd_selftest(const uint8_t *p, size_t n)
{
	struct srvconf conf;
	sqlite3 *db;
	struct sess *s;
	char err[256];
	int mode;

	if (n == 0)
		return 0;
	memset(&conf, 0, sizeof(conf));
	conf.dbfile = ":memory:";
	conf.user = "fuzz";
	conf.password = (char *)"fuzz";
	conf.dbname = "smart_pro_claims";
	conf.lock_timeout_ms = 0;
	conf.check8bit = 1;
	if (db_open(":memory:", &db, 0, err, sizeof(err)) != 0)
		return -1;
	if (db_init_catalog(db, err, sizeof(err)) != 0) {
		sqlite3_close(db);
		return -1;
	}
	/* the fuzzer must not make SQLite allocate without bound */
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1 << 20);
	sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 1 << 20);
	s = sess_new(&conf, db, discard, NULL);
	mode = p[0] % 4;
	p++;
	n--;
	if (mode != 0) {
		s->state = SS_READY;
		s->user = strdup("fuzz");
		s->database = strdup("smart_pro_claims");
		exec_text(s, schema, sizeof(schema) - 1);
		sess_reply_end(s);
	}
	switch (mode) {
	case 0: case 1:
		feed_packets(s, p, n);
		break;
	case 2:
		exec_text(s, (const char *)p, n);
		sess_reply_end(s);
		break;
	default: {
		static const char ib[] = "insert bulk dbo.T ([Id] INT,"
		    " [Name] NVARCHAR(20), [Amount] DECIMAL(12,2),"
		    " [Day] DATE, [Flag] BIT, [Note] NVARCHAR(MAX))";

		exec_text(s, ib, sizeof(ib) - 1);
		sess_reply_end(s);
		exec_bulk(s, p, n / 2, 0);
		exec_bulk(s, p + n / 2, n - n / 2, 1);
		break;
	}
	}
	exec_rollback_all(s);
	sess_free(s);
	sqlite3_close(db);
	return 0;
}
