/*
 * tdsd: claimkit's TDS (Microsoft SQL Server protocol) test server, backed
 * by SQLite.  Internal header shared by the files of tests/tdsd/ only.
 *
 *	wire.c	byte readers, the packet writer, UTF-16/CP1252 text, tokens,
 *		PRELOGIN and LOGIN7
 *	types.c	SQL types and values, strict conversions with SQL Server's
 *		error numbers, SQLite storage and TDS encodings of values
 *	sql.c	the T-SQL lexer and parser (statements to a syntax tree)
 *	exec.c	catalogue, binder (T-SQL expression to SQLite SQL), execution
 *	sess.c	one client session: messages in, reply packets out; no
 *		sockets, so that tests/fuzz/fuzz-tdsd.c can drive it
 *	tdsd.c	main: options, listener, one thread per connection, faults
 *
 * Design notes: ../shared/design/TDS.md (what FreeTDS 1.3.17 sends) and
 * tests/tdsd/README.
 */
#ifndef TDSD_H
#define TDSD_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "claimkit/buf.h"

/* Packet types (MS-TDS 2.2.3.1.1). */
#define PKT_SQLBATCH	0x01
#define PKT_RPC		0x03
#define PKT_REPLY	0x04
#define PKT_ATTN	0x06
#define PKT_BULK	0x07
#define PKT_TXMGR	0x0E
#define PKT_LOGIN7	0x10
#define PKT_PRELOGIN	0x12

#define PKT_ST_EOM	0x01
#define PKT_ST_IGNORE	0x02

/* Tokens (MS-TDS 2.2.7). */
#define TOK_COLMETADATA	0x81
#define TOK_ERROR	0xAA
#define TOK_INFO	0xAB
#define TOK_RETURNVALUE	0xAC
#define TOK_LOGINACK	0xAD
#define TOK_FEATUREEXTACK 0xAE
#define TOK_ROW		0xD1
#define TOK_NBCROW	0xD2
#define TOK_ENVCHANGE	0xE3
#define TOK_DONE	0xFD
#define TOK_DONEPROC	0xFE
#define TOK_DONEINPROC	0xFF
#define TOK_RETURNSTATUS 0x79
#define TOK_ORDER	0xA9

#define DONE_MORE	0x0001
#define DONE_ERROR	0x0002
#define DONE_INXACT	0x0004
#define DONE_COUNT	0x0010
#define DONE_ATTN	0x0020
#define DONE_SRVERROR	0x0100

/* TDS data type ids (MS-TDS 2.2.5.4). */
#define XT_NULL		0x1F
#define XT_INT1		0x30
#define XT_BIT		0x32
#define XT_INT2		0x34
#define XT_INT4		0x38
#define XT_DATETIM4	0x3A
#define XT_FLT4		0x3B
#define XT_MONEY	0x3C
#define XT_DATETIME	0x3D
#define XT_FLT8		0x3E
#define XT_MONEY4	0x7A
#define XT_INT8		0x7F
#define XT_GUID		0x24
#define XT_INTN		0x26
#define XT_DECIMAL	0x37
#define XT_NUMERIC	0x3F
#define XT_BITN		0x68
#define XT_DECIMALN	0x6A
#define XT_NUMERICN	0x6C
#define XT_FLTN		0x6D
#define XT_MONEYN	0x6E
#define XT_DATETIMN	0x6F
#define XT_DATEN	0x28
#define XT_TIMEN	0x29
#define XT_DATETIME2N	0x2A
#define XT_DATETIMEOFFSETN 0x2B
#define XT_CHAR		0x2F
#define XT_VARCHAR	0x27
#define XT_BINARY	0x2D
#define XT_VARBINARY	0x25
#define XT_BIGVARBIN	0xA5
#define XT_BIGVARCHR	0xA7
#define XT_BIGBINARY	0xAD
#define XT_BIGCHAR	0xAF
#define XT_NVARCHAR	0xE7
#define XT_NCHAR	0xEF
#define XT_XML		0xF1
#define XT_UDT		0xF0
#define XT_TEXT		0x23
#define XT_IMAGE	0x22
#define XT_NTEXT	0x63
#define XT_SSVARIANT	0x62

/* TDS versions as LOGIN7 carries them (little-endian read). */
#define TDS71		0x71000001u
#define TDS72		0x72090002u
#define TDS73A		0x730A0003u
#define TDS73B		0x730B0003u
#define TDS74		0x74000004u

/* ------------------------------------------------------------------ */
/* wire.c: readers */

/* A bounds-checked little-endian reader; err sticks once set. */
struct rd {
	const uint8_t	*p;
	size_t		 n;
	size_t		 off;
	int		 err;
};

void	 rd_init(struct rd *r, const void *p, size_t n);
int	 rd_u8(struct rd *r);
unsigned rd_u16(struct rd *r);
unsigned rd_u16be(struct rd *r);
uint32_t rd_u32(struct rd *r);
uint64_t rd_u64(struct rd *r);
const uint8_t *rd_bytes(struct rd *r, size_t n);
size_t	 rd_left(const struct rd *r);

/* wire.c: text */

/*
 * Decode n bytes of UTF-16LE into UTF-8 appended to out.  Returns 0, or
 * -1 for an odd byte count or an unpaired surrogate (then out holds the
 * text up to the fault and *bad the byte offset of the fault).
 */
int	 utf16_to_utf8(const uint8_t *p, size_t n, struct buf *out,
	    size_t *bad);
/* Lenient form: a fault becomes U+FFFD.  For names in LOGIN7 and such. */
void	 utf16_to_utf8_lossy(const uint8_t *p, size_t n, struct buf *out);
/*
 * Encode UTF-8 s[0..n) as UTF-16LE appended to out; returns the number
 * of UTF-16 code units.  Invalid UTF-8 bytes become U+FFFD.
 */
size_t	 utf8_to_utf16(const char *s, size_t n, struct buf *out);
/* Number of UTF-16 code units the UTF-8 text needs. */
size_t	 utf8_units16(const char *s, size_t n);
/* Valid UTF-8 (no overlongs, no surrogates)?  1 yes, 0 no. */
int	 utf8_valid(const char *s, size_t n);
/* Does s contain a multi-byte UTF-8 sequence and is it valid UTF-8? */
int	 utf8_has_multibyte(const char *s, size_t n);
/* CP1252 bytes to UTF-8 (undefined bytes map to U+0080..U+009F). */
void	 cp1252_to_utf8(const uint8_t *p, size_t n, struct buf *out);
/* UTF-8 to CP1252; characters it cannot hold become '?'. */
void	 utf8_to_cp1252(const char *s, size_t n, struct buf *out);
/* Number of characters (code points) in UTF-8 text. */
size_t	 utf8_chars(const char *s, size_t n);

/* wire.c: the reply writer */

/*
 * Tokens are appended to b; whenever more than one packet's worth is
 * waiting, full packets go out through send() without EOM.  tdsout_end()
 * sends the rest with EOM and ends the message.
 */
struct tdsout {
	struct buf	 b;
	uint8_t		 type;
	uint16_t	 spid;
	uint8_t		 pktid;
	size_t		 pktsize;
	int		 failed;	/* send() failed: drop everything */
	unsigned long	 npackets;	/* packets sent so far */
	int		(*send)(void *ctx, const void *p, size_t n);
	void		*ctx;
};

void	 out_u8(struct tdsout *o, unsigned v);
void	 out_u16(struct tdsout *o, unsigned v);
void	 out_u16be(struct tdsout *o, unsigned v);
void	 out_u32(struct tdsout *o, uint32_t v);
void	 out_u32be(struct tdsout *o, uint32_t v);
void	 out_u64(struct tdsout *o, uint64_t v);
void	 out_bytes(struct tdsout *o, const void *p, size_t n);
/* B_VARCHAR (1-byte length in chars) and US_VARCHAR (2-byte) of UTF-8. */
void	 out_bvarchar(struct tdsout *o, const char *s);
void	 out_usvarchar(struct tdsout *o, const char *s);
/* Send whole packets if enough is buffered. */
void	 out_maybe_flush(struct tdsout *o);
/* Send everything with EOM on the last packet. */
void	 out_end(struct tdsout *o);
/* Forget what is buffered and not sent. */
void	 out_discard(struct tdsout *o);

/* wire.c: tokens */
void	 tok_done(struct tdsout *o, int tok, unsigned status, unsigned curcmd,
	    uint64_t count, uint32_t tdsver);
void	 tok_msg(struct tdsout *o, int tok, int32_t num, int state, int cls,
	    const char *msg, const char *server, const char *proc,
	    int32_t line, uint32_t tdsver);
void	 tok_env_str(struct tdsout *o, int type, const char *newv,
	    const char *oldv);
void	 tok_env_bytes(struct tdsout *o, int type, const void *newv,
	    size_t nnew, const void *oldv, size_t nold);
void	 tok_loginack(struct tdsout *o, uint32_t tdsver, const char *prog,
	    const uint8_t ver[4]);

/* The collation every character column carries: SQL_Latin1_General_CP1_CI_AS. */
extern const uint8_t tds_collation[5];

/* wire.c: PRELOGIN and LOGIN7 */
struct prelogin {
	int	 have_encrypt;
	int	 encrypt;		/* client's ENCRYPTION byte */
	int	 mars;
	uint8_t	 version[6];
};
int	 prelogin_parse(const uint8_t *p, size_t n, struct prelogin *pl);
void	 prelogin_reply(struct tdsout *o, int encrypt_answer);

struct login7 {
	uint32_t tdsver;
	uint32_t packetsize;
	uint32_t clientpid;
	int	 optflags1, optflags2, typeflags, optflags3;
	char	*host, *user, *password, *app, *server, *library,
		*language, *database;
	int	 has_featureext;
};
/* Parse a LOGIN7 message; 0 ok, -1 malformed.  login7_free() frees. */
int	 login7_parse(const uint8_t *p, size_t n, struct login7 *l);
void	 login7_free(struct login7 *l);

/* ------------------------------------------------------------------ */
/* types.c: SQL types */

enum st {
	ST_NULL = 0,		/* the type of a bare NULL literal */
	ST_BIT,
	ST_TINYINT,
	ST_SMALLINT,
	ST_INT,
	ST_BIGINT,
	ST_DECIMAL,
	ST_NUMERIC,
	ST_REAL,
	ST_FLOAT,
	ST_MONEY,
	ST_CHAR,
	ST_VARCHAR,
	ST_NCHAR,
	ST_NVARCHAR,
	ST_BINARY,
	ST_VARBINARY,
	ST_DATE,
	ST_TIME,
	ST_DATETIME,
	ST_DATETIME2,
	ST_UNIQUEID,
	ST_NTYPES
};

#define LEN_MAX	(-1)	/* (n)varchar(max), varbinary(max) */

struct sqltype {
	enum st	 t;
	int	 len;		/* chars (n)char/(n)varchar, bytes binary; LEN_MAX */
	int	 prec;		/* decimal precision */
	int	 scale;		/* decimal scale, fractional second digits */
};

/* Type class helpers. */
int	 st_is_int(enum st t);		/* bit..bigint */
int	 st_is_exact(enum st t);	/* ints, decimal, numeric, money */
int	 st_is_dec(enum st t);		/* decimal, numeric, money */
int	 st_is_str(enum st t);		/* char, varchar, nchar, nvarchar */
int	 st_is_nstr(enum st t);		/* nchar, nvarchar */
int	 st_is_bin(enum st t);
int	 st_is_time(enum st t);		/* date, time, datetime, datetime2 */
const char *st_name(enum st t);	/* "int", "nvarchar", ... */
/* Precedence for implicit conversion (higher wins), as SQL Server's. */
int	 st_prec(enum st t);
/* "nvarchar(50)", "decimal(12,2)", "nvarchar(max)" into out. */
void	 sqltype_fmt(const struct sqltype *ty, char *out, size_t outsz);
/* Look up a type name ("int", "nvarchar"); -1 if unknown. */
int	 st_lookup(const char *name);
/* Fill the defaults a bare type name has (varchar = varchar(1) etc). */
void	 sqltype_defaults(struct sqltype *ty, int explicit_len,
	    int explicit_prec);
/* Storage affinity of a column in SQLite ("INTEGER", "TEXT", ...). */
const char *st_affinity(enum st t);

/* A value of a SQL type.  Text is UTF-8; dates are numbers. */
struct sqlval {
	enum st	 t;
	int	 null;
	int64_t	 i;	/* ints, bit; decimal scaled by 10^scale; days */
	int64_t	 ticks;	/* time of day in 100 ns units */
	double	 f;
	const char *s;	/* text (UTF-8) or bytes; not NUL-terminated */
	size_t	 n;
	int	 prec, scale;
	struct buf own;	/* storage for s when the value owns it */
};

void	 sqlval_null(struct sqlval *v);
void	 sqlval_free(struct sqlval *v);
void	 sqlval_set_text(struct sqlval *v, enum st t, const char *s,
	    size_t n, int copy);
/* Deep copy: dst owns its text. */
void	 sqlval_copy(struct sqlval *dst, const struct sqlval *src);
/* Text of a value as SQL Server's messages show it ("<NULL>" for NULL). */
void	 sqlval_msgtext(const struct sqlval *v, const struct sqltype *ty,
	    struct buf *out);

/* An error with SQL Server's number, class and text. */
struct tderr {
	int32_t	 num;
	int	 cls;
	int	 state;
	char	 msg[1024];
};
int	 tderr_set(struct tderr *e, int num, int cls, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

/*
 * Convert src to type dst (implicit when expl is 0, CAST/CONVERT when 1),
 * with SQL Server's rules and errors: 245/8114 conversion failed,
 * 8115/220/248 overflow, 241/242 dates, 206/529 type clash.  String
 * length is not checked here (callers that store check it: 2628/8152);
 * with expl strings are cut to the length as CAST does.  dst->s may point
 * into src or into dst->own.  Returns 0 or -1 with e set.
 */
int	 sqlval_conv(const struct sqlval *src, const struct sqltype *dst,
	    int expl, struct sqlval *out, struct tderr *e);

/* Parse and format helpers. */
int	 dec_parse(const char *s, size_t n, int64_t *mant, int *prec,
	    int *scale);
void	 dec_fmt(int64_t mant, int scale, struct buf *out);
int	 dec_rescale(int64_t mant, int from, int to, int64_t *out);
int	 dec_digits(int64_t v);
int64_t	 pow10i(int n);
int	 date_from_ymd(int y, int m, int d, int64_t *days);
void	 date_to_ymd(int64_t days, int *y, int *m, int *d);
/* Parse a date/time string the way SQL Server does (ISO forms). */
int	 dt_parse(const char *s, size_t n, int want_date, int want_time,
	    int64_t *days, int64_t *ticks, int *has_date, int *has_time);
void	 dt_fmt(enum st t, int scale, int64_t days, int64_t ticks,
	    struct buf *out);

/* SQLite storage: bind a value of column type ty, read one back. */
int	 sqlval_bind(sqlite3_stmt *st, int idx, const struct sqlval *v,
	    const struct sqltype *ty);
void	 sqlval_column(sqlite3_stmt *st, int col, const struct sqltype *ty,
	    struct sqlval *v);
void	 sqlval_from_sqlite(sqlite3_value *sv, const struct sqltype *ty,
	    struct sqlval *v);
void	 sqlval_result(sqlite3_context *ctx, const struct sqlval *v);

/* TDS encodings: TYPE_INFO of a result column and a ROW value. */
void	 tds_typeinfo(struct tdsout *o, const struct sqltype *ty,
	    int nullable);
/* Returns 0, or -1 with e set when the value does not fit its type. */
int	 tds_value(struct tdsout *o, const struct sqltype *ty, int nullable,
	    const struct sqlval *v, struct tderr *e);

/* A column as a client describes it in a bulk load COLMETADATA. */
struct bulkcol {
	int	 xtype;		/* TDS type id */
	int	 len;		/* TYPE_INFO length; 0xFFFF for PLP */
	int	 prec, scale;
	int	 flags;
	int	 plp;
	uint8_t	 collation[5];
	char	*name;
};
/*
 * Parse TYPE_INFO at r into c.  Returns 0, -1 malformed, -2 a type tdsd
 * does not take in bulk loads.
 */
int	 tds_read_typeinfo(struct rd *r, struct bulkcol *c);
/*
 * Read one value of column c from r into v (text is converted to UTF-8
 * into v->own; NVARCHAR must be well-formed UTF-16LE).  Returns 1 ok, 0
 * when r holds too few bytes (read more and retry), -1 with e set.
 */
int	 tds_read_value(struct rd *r, const struct bulkcol *c,
	    struct sqlval *v, int check8bit, struct tderr *e);

/* ------------------------------------------------------------------ */
/* sql.c: lexer and parser */

enum tk {
	TK_EOF = 0,
	TK_ID,		/* identifier, keyword, [bracketed] or "quoted" */
	TK_STR,		/* 'text' or N'text' (nstr set) */
	TK_NUM,		/* 12, 12.5, 1e3 */
	TK_HEX,		/* 0xABCD */
	TK_VAR,		/* @name */
	TK_SYSVAR,	/* @@name */
	TK_OP		/* punctuation and operators */
};

struct token {
	enum tk	 k;
	char	*s;		/* text: identifier unquoted, string unescaped */
	size_t	 n;
	int	 quoted;	/* identifier was [..] or "..": never a keyword */
	int	 nstr;
	int	 op;		/* TK_OP: character or OP_* */
	int	 line;
	size_t	 pos;		/* byte offset in the batch text */
};

enum { OP_NE = 256, OP_LE, OP_GE, OP_NL, OP_NG, OP_PLUSEQ };

struct expr;
struct select;

/* A name of up to four parts: server.db.schema.object (last is [3]). */
struct qname {
	char	*part[4];
	int	 n;
};

enum ek {
	E_NULL, E_INT, E_DEC, E_FLOAT, E_STR, E_HEX, E_DEFAULT,
	E_COL,		/* column reference (q) */
	E_STAR,		/* * or t.* (q) */
	E_VAR, E_SYSVAR,
	E_NEG, E_BITNOT, E_NOT,
	E_ARITH,	/* op + - * / % & | ^ */
	E_AND, E_OR,
	E_CMP,		/* op = <> < > <= >= */
	E_ISNULL,	/* a IS [NOT] NULL */
	E_LIKE, E_BETWEEN, E_IN, E_EXISTS, E_SUBQ,
	E_FUNC,		/* name(args) */
	E_CAST,		/* CAST(a AS ty) / CONVERT(ty, a[, style]) */
	E_CASE		/* CASE [base] WHEN.. THEN.. [ELSE] END */
};

struct expr {
	enum ek	 k;
	int	 op;
	int	 neg;		/* NOT LIKE, NOT IN, NOT BETWEEN, IS NOT NULL */
	int	 distinct;	/* COUNT(DISTINCT a) */
	char	*s;		/* literal text or function name */
	size_t	 n;
	int	 nstr;
	struct qname q;
	struct expr **a;	/* operands / args / IN list / CASE parts */
	int	 na;
	struct expr *base;	/* CASE base, LIKE escape */
	struct expr *els;	/* CASE ELSE */
	struct select *sub;
	struct sqltype ty;	/* CAST target */
	int	 line;
	size_t	 pos;
};

struct tref {			/* FROM item */
	struct qname	 name;
	char		*alias;
	struct select	*sub;	/* derived table */
	struct expr	***vrows;	/* (VALUES (..), (..)) table value constructor */
	int		 nvrows, nvcols;
	char		**calias;	/* AS v (c1, c2, ...) column aliases */
	int		 ncalias;
	int		 join;	/* 0 first, 'I' inner, 'L' left, 'R', 'F', 'C' cross */
	struct expr	*on;
	int		 nolock;
};

struct selitem {
	struct expr	*e;
	char		*alias;
	struct expr	*assign;	/* SELECT @v = expr */
};

struct orderitem {
	struct expr	*e;
	int		 desc;
};

struct select {
	int		 distinct;
	struct expr	*top;
	int		 top_percent;
	struct selitem	*items;
	int		 nitems;
	struct tref	*from;
	int		 nfrom;
	struct expr	*where;
	struct expr	**group;
	int		 ngroup;
	struct expr	*having;
	struct orderitem *order;
	int		 norder;
	struct expr	*offset, *fetch;
	struct select	*union_next;
	int		 union_all;
};

struct coldef {
	char		*name;
	struct sqltype	 ty;
	int		 nullable;	/* 1 NULL, 0 NOT NULL, -1 unsaid */
	int		 identity;
	int64_t		 seed, inc;
	int		 pk, unique;
	char		*pkname, *uqname;
	char		*dflt;		/* T-SQL text of DEFAULT */
	char		*dfname;	/* CONSTRAINT name of the DEFAULT */
	char		*check;		/* T-SQL text of CHECK */
	char		*ckname;
	struct qname	 ref;		/* REFERENCES */
	char		*refcol;
	char		*fkname;
	int		 cascade;
};

struct tcons {			/* table constraint */
	int		 kind;		/* 'P' pk, 'U' unique, 'F' fk, 'C' check */
	char		*name;
	char		**cols;
	int		 ncols;
	struct qname	 ref;
	char		**refcols;
	int		 nrefcols;
	int		 cascade;
	char		*check;
};

struct setitem {
	struct qname	 col;
	struct expr	*e;
	char		*var;
	struct sqltype	 ty;		/* DECLARE */
};

enum sk {
	S_SELECT, S_INSERT, S_UPDATE, S_DELETE, S_MERGE,
	S_CREATE_TABLE, S_CREATE_INDEX, S_CREATE_SCHEMA, S_DROP_TABLE,
	S_DROP_INDEX, S_TRUNCATE, S_ALTER_ADD,
	S_BEGIN_TRAN, S_COMMIT, S_ROLLBACK, S_SAVE_TRAN,
	S_SET, S_USE, S_IF, S_WHILE, S_BLOCK, S_DECLARE, S_SETVAR,
	S_EXEC, S_EXEC_STR, S_PRINT, S_RAISERROR, S_THROW, S_WAITFOR,
	S_INSERT_BULK, S_RETURN, S_NOOP
};

struct stmt {
	enum sk		 k;
	int		 line;
	size_t		 pos, end;	/* source span in the batch text */
	struct select	*sel;		/* SELECT, INSERT..SELECT, IF cond */
	struct qname	 table;
	char		*alias;
	char		**cols;		/* INSERT column list */
	int		 ncols;
	struct expr	***rows;	/* INSERT VALUES rows */
	int		 nrows;
	int		 default_values;
	struct setitem	*sets;		/* UPDATE SET, DECLARE */
	int		 nsets;
	struct tref	*from;		/* UPDATE/DELETE FROM .. */
	int		 nfrom;
	struct expr	*where;
	struct expr	*top;
	struct expr	*cond;		/* IF / WHILE */
	struct stmt	*body, *els;	/* IF / WHILE */
	struct stmt	**list;		/* BLOCK */
	int		 nlist;
	struct coldef	*coldefs;	/* CREATE TABLE, ALTER ADD */
	int		 ncoldefs;
	struct tcons	*cons;
	int		 ncons;
	int		 if_exists, if_not_exists;
	int		 unique;		/* CREATE UNIQUE INDEX */
	char		*name;		/* index, schema, savepoint, option */
	char		*opt;		/* SET option name */
	char		*optval;	/* SET option value text */
	struct qname	 optobj;	/* SET IDENTITY_INSERT t */
	struct expr	**args;		/* EXEC args, PRINT, RAISERROR */
	int		 nargs;
	char		**argnames;
	struct sqltype	*bulktypes;	/* insert bulk column types */
	char		*hints;		/* insert bulk WITH (...) text */
	/* MERGE */
	struct tref	 msrc;
	struct expr	*mon;
	struct setitem	*msets;
	int		 nmsets;
	int		 mdelete;
	char		**mcols;
	int		 nmcols;
	struct expr	**mvals;
	int		 nmvals;
};

/* Arena for one batch's syntax tree. */
struct arena {
	struct arblock	*head;
};
void	*ar_alloc(struct arena *a, size_t n);
char	*ar_strndup(struct arena *a, const char *s, size_t n);
void	 ar_free(struct arena *a);

/*
 * Parse a batch of T-SQL (UTF-8).  On success returns 0 and the
 * statement list; on a syntax error returns -1 with e set (error 102
 * "Incorrect syntax near ...", as SQL Server, which runs nothing of a
 * batch that does not parse).
 */
int	 sql_parse(struct arena *a, const char *text, size_t n,
	    struct stmt ***out, int *nout, struct tderr *e);
/* Parse a single data type ("nvarchar(50)") for tests and insert bulk. */
int	 sql_parse_type(const char *s, struct sqltype *ty);
/* Case-insensitive ASCII compare of a NUL-terminated name. */
int	 ieq(const char *a, const char *b);

/* ------------------------------------------------------------------ */
/* Server configuration, shared by all sessions (tdsd.c fills it). */

/*
 * Fault injection (--fault, tests/tdsd/README).  Each fault fires once;
 * a batch is chosen by its number over the server's life (batch=N,
 * 1-based, counted over every connection) or by its text (match=TEXT).
 */
enum fkind {
	F_DROP,			/* close when the batch arrives (or after bytes) */
	F_DROP_AFTER,		/* run the batch, close without replying */
	F_DEADLOCK,		/* answer 1205 and roll back */
	F_LOCKTIMEOUT,		/* answer 1222 */
	F_DELAY,		/* sleep before answering */
	F_HANG,			/* never answer (until ATTENTION or close) */
	F_CLOSE			/* close after N packets received */
};

struct fault {
	enum fkind	 kind;
	unsigned long	 batch;		/* 0: not chosen by number */
	char		*match;		/* NULL: not chosen by text */
	unsigned long	 bytes;		/* F_DROP: close after this many bytes */
	unsigned long	 packets;	/* F_CLOSE */
	int		 ms;		/* F_DELAY */
	int		 every;		/* F_DELAY without selector: every batch */
	int		 fired;		/* atomic */
};

struct faults {
	struct fault	*v;
	int		 n;
};

/* Parse one --fault SPEC; 0 or -1 with a message in err. */
int	 fault_parse(struct faults *f, const char *spec, char *err,
	    size_t errsz);

struct srvconf {
	const char	*dbfile;
	const char	*user;
	char		*password;
	const char	*dbname;	/* the one database (smart_pro_claims) */
	int		 lock_timeout_ms;
	int		 check8bit;	/* reject 8-bit text sent as UTF-16 */
	int		 legacy_trunc;	/* 8152 instead of 2628 */
	int		 verbose;
	struct faults	 f;
	/* counters, shared by all sessions (atomic) */
	unsigned long	 nbatches;
	unsigned long	 nbulks;
	unsigned long	 npackets;
	unsigned long	 nspid;
	const char	*recorddir;	/* write each connection's packets */
};

/* ------------------------------------------------------------------ */
/* exec.c / sess.c */

struct sess;
struct catalog;

/* Open the database file and make sure the catalogue exists. */
int	 db_open(const char *path, sqlite3 **db, int lock_timeout_ms,
	    char *err, size_t errsz);
int	 db_init_catalog(sqlite3 *db, char *err, size_t errsz);

enum sstate { SS_PRELOGIN, SS_LOGIN, SS_READY, SS_DEAD };

struct bulkstate;

struct sess {
	enum sstate	 state;
	struct srvconf	*conf;
	struct tdsout	 out;
	sqlite3		*db;
	uint32_t	 tdsver;
	uint16_t	 spid;
	char		*user, *app, *database;
	/* message reassembly */
	struct buf	 msg;
	int		 msgtype;
	int		 inmsg;
	/* session state */
	int		 trancount;
	uint64_t	 tranid, nexttran;
	int		 xact_abort, nocount, fmtonly, implicit_tx;
	int		 ansi_warnings, concat_null;
	int64_t		 rowcount_limit;	/* SET ROWCOUNT */
	int64_t		 rowcount;		/* @@ROWCOUNT */
	int32_t		 lasterror;		/* @@ERROR */
	int		 has_identity;
	int64_t		 identity;		/* @@IDENTITY/SCOPE_IDENTITY */
	char		*ident_insert;		/* table with IDENTITY_INSERT ON */
	int		 textsize;
	/* reply bookkeeping for one batch */
	int		 done_pending;
	unsigned	 done_status;
	unsigned	 done_curcmd;
	uint64_t	 done_count;
	int		 batch_abort;	/* stop running the batch */
	int		 stmt_failed;
	int		 cancelled;	/* ATTENTION seen */
	int		 attn_pending;	/* reply DONE(ATTN) owed */
	int		 depth;		/* EXEC nesting */
	int		 in_stmt_tx;	/* statement opened the SQLite tx */
	int		 sqlite_tx;	/* the user transaction's SQLite tx is open */
	unsigned long	 batchno;	/* number of the batch being received */
	size_t		 msgbytes;	/* bytes of the message so far */
	/* statistics for --stats */
	unsigned long	 st_logins, st_batches, st_rpc, st_bulk, st_attn,
			 st_pkin, st_bytesin, st_bytesout;
	struct catalog	*cat;
	struct bulkstate *bulk;
	struct vars	*vars;
	/* I/O hooks (tdsd.c sockets, or the fuzzer) */
	int		(*poll_attn)(struct sess *s);	/* 1: ATTENTION came */
	int		(*wait_attn)(struct sess *s, int ms);
	void		*io;
};

struct sess *sess_new(struct srvconf *conf, sqlite3 *db,
	    int (*send)(void *, const void *, size_t), void *ctx);
void	 sess_free(struct sess *s);
/*
 * Feed one packet (header included).  Returns 0 to go on, -1 when the
 * connection must be closed (protocol error, fault injection, logout).
 */
int	 sess_packet(struct sess *s, const uint8_t *pkt, size_t n);

/* Replies used by exec.c. */
void	 sess_error(struct sess *s, const struct tderr *e);
void	 sess_info(struct sess *s, int num, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	 sess_done(struct sess *s, unsigned status, unsigned curcmd,
	    uint64_t count);
void	 sess_flush_done(struct sess *s, int more);
int	 sess_check_attn(struct sess *s);

/* exec.c */
struct catalog *cat_new(void);
void	 cat_free(struct catalog *c);
/* Run a parsed batch; errors are reported through sess_error(). */
void	 exec_batch(struct sess *s, struct stmt **list, int n);
/* Run T-SQL text as a batch (parse, then exec_batch). */
void	 exec_text(struct sess *s, const char *sql, size_t n);
/* Roll back whatever the session has open (disconnect, 1205). */
void	 exec_rollback_all(struct sess *s);
/*
 * Bulk load: the payload of one packet of type 7 (eom: the last one).
 * The rows are inserted as they arrive; the reply goes out at EOM.
 */
void	 exec_bulk(struct sess *s, const uint8_t *p, size_t n, int eom);
int	 exec_bulk_pending(struct sess *s);
void	 exec_bulk_reset(struct sess *s);
/* Map a SQLite failure to SQL Server's error. */
void	 exec_sqlite_err(struct sess *s, int rc, struct tderr *e);
/* Transaction manager requests (packet 0x0E): 'B'egin, 'C'ommit, 'R'ollback. */
void	 exec_tm(struct sess *s, int op, int cont);
/* Fault replies: 1205 (rolls back) or 1222. */
void	 exec_fault_error(struct sess *s, int num);
/* End the reply to a request: the last DONE (or DONE(ATTN)), EOM. */
void	 sess_reply_end(struct sess *s);

/* selftest.c: run arbitrary bytes through a session (fuzzing). */
int	 tdsd_selftest(const uint8_t *p, size_t n);


/* ------------------------------------------------------------------ */
/* cat.c: the catalogue of tables, kept in SQLite (tdsd_* tables) */

struct col {
	char		*name;
	struct sqltype	 ty;
	int		 nullable;
	int		 identity;
	int		 pk;
	int		 id;		/* column_id, from 1 */
	char		*dflt;		/* T-SQL text of the default, or NULL */
};

struct key {
	int		 kind;		/* 'P' primary key, 'U' unique constraint,
					 * 'X' unique index, 'I' index */
	char		*name;
	int		*cols;		/* indexes into table->cols */
	int		 ncols;
};

struct fkey {
	char		*name;
	int		*cols;
	int		 ncols;
	int64_t		 refid;		/* referenced table's object id */
	char		*refname;	/* "dbo.Facilities" */
	char		**refcols;
	int		 cascade;
};

struct table {
	int64_t		 id;
	char		*schema, *name;
	char		*sqlname;	/* SQLite name, "dbo.Claims" */
	int		 temp;		/* #temp table of this session */
	int		 sys;		/* sys.* or INFORMATION_SCHEMA view */
	struct col	*cols;
	int		 ncols;
	struct key	*keys;
	int		 nkeys;
	struct fkey	*fks;
	int		 nfks;
	int64_t		 seed, inc;	/* identity */
	int		 identcol;	/* index of the identity column, -1 */
	struct table	*next;
};

struct catalog {
	struct table	*tables;
	struct table	*temps;
	int		 version;
	int		 valid;
};

/* Make sure the cache matches the database; 0 or -1 (SQLite error). */
int	 cat_refresh(struct sess *s);
void	 cat_invalidate(struct sess *s);
/* Find a table by name; NULL if there is none. */
struct table *cat_find(struct sess *s, const struct qname *q);
struct table *cat_find_id(struct sess *s, int64_t id);
int	 cat_colidx(const struct table *t, const char *name);
/* "dbo.Claims" for messages */
const char *cat_display(const struct table *t, char *buf, size_t sz);
void	 cat_free_table(struct table *t);
/* Register tdsd's SQL functions and collation on a connection. */
int	 db_register(sqlite3 *db);
/* Quote an identifier for SQLite ("a""b"). */
void	 sqlq(struct buf *b, const char *name);
/* SQLite text literal of a UTF-8 string. */
void	 sqlstr(struct buf *b, const char *s, size_t n);
/* Type codes passed to the SQL functions. */
int64_t	 tycode(const struct sqltype *ty);
void	 tydecode(int64_t code, struct sqltype *ty);
/* Arithmetic with SQL Server's result types and errors. */
int	 val_arith(int op, const struct sqlval *a, const struct sqlval *b,
	    const struct sqltype *rt, struct sqlval *out, struct tderr *e);
/* T-SQL LIKE, case-insensitive; 1 match, 0 no. */
int	 tsql_like(const char *s, size_t n, const char *pat, size_t pn,
	    int esc);
/* SQL Server error text carried through a SQLite function error. */
int	 tderr_from_sqlite(const char *msg, struct tderr *e);

/* Session variables (DECLARE, sp_executesql parameters). */
struct var {
	char		*name;		/* without the @ */
	struct sqltype	 ty;
	struct sqlval	 v;
	struct var	*next;
};
struct vars {
	struct var	*head;
};
struct var *var_find(struct sess *s, const char *name);
void	 vars_clear(struct sess *s);

/* ------------------------------------------------------------------ */
/* gen.c: binding T-SQL expressions and SELECTs to SQLite SQL */

/* One output column of a compiled SELECT. */
struct ocol {
	const char	*name;		/* "" for an unnamed expression */
	struct sqltype	 ty;
	int		 nullable;
	const char	*sql;		/* expression text */
	struct col	*base;		/* the table column it reads, if any */
	struct table	*basetab;
};

struct csel {
	const char	*sql;
	struct ocol	*cols;
	int		 ncols;
	int		 has_from;
	int64_t		 limit;		/* -1: none */
};

/* A compiled expression: SQLite text or a constant. */
struct gx {
	struct sqltype	 ty;
	int		 nullable;
	int		 lit;
	struct sqlval	 v;
	const char	*sql;
	int		 agg;
	int		 pred;		/* a condition (boolean) */
	const char	*name;
	struct col	*base;
	struct table	*basetab;
};

struct src {
	struct table	*t;
	const char	*name;		/* qualifier: alias or table name */
	const char	*sqlal;		/* alias in the SQL text; NULL: bare */
	int		 outer;		/* on the null side of an outer join */
	struct ocol	*dcols;		/* derived table columns */
	int		 ndcols;
	int		 rowid;		/* expose rowid (UPDATE/DELETE) */
};

struct scope {
	struct src	*s;
	int		 n;
	struct scope	*up;
	struct csel	*sel;		/* for ORDER BY names */
};

struct gctx {
	struct sess	*s;
	struct arena	*a;
	struct tderr	*e;
	int		 nalias;
	int		 abort;		/* error aborts the batch */
};

char	*afmt(struct gctx *g, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	 gen_expr(struct gctx *g, struct scope *sc, struct expr *e,
	    struct gx *out);
int	 gen_pred(struct gctx *g, struct scope *sc, struct expr *e,
	    const char **sql);
int	 gen_coerce(struct gctx *g, struct gx *x, const struct sqltype *to,
	    int expl);
const char *gen_sql(struct gctx *g, struct gx *x);
int	 gen_select(struct gctx *g, struct select *sel, struct scope *up,
	    struct csel *out);
int	 gen_from(struct gctx *g, struct tref *from, int nfrom,
	    struct scope *sc, struct buf *sql);
/* Evaluate a constant expression (no FROM) to a value. */
int	 gen_const(struct gctx *g, struct expr *e, struct sqlval *v,
	    struct sqltype *ty);

#endif
