/*
 * claims-fetch: read claims from the PostgreSQL staging database as NDJSON
 * records (claimkit-record(5)), select them by status, batch, facility,
 * service dates or claim id, optionally take them as a work queue with
 * leases, and mark leased claims done or failed afterwards.
 *
 * Plain fetches stream one COPY ... TO STDOUT (binary) of the selected
 * rows: one round trip, bounded memory whatever the table size.  Leased
 * fetches take chunks of rows with FOR UPDATE SKIP LOCKED, mark them
 * PROCESSING with an owner and an expiry and commit before writing them,
 * so concurrent fetchers never return the same claim.
 *
 * Each record is staging.claims.claim_data (the record claims-load
 * stored) written compactly, plus the staging columns as top-level keys
 * facility_id, financial_class_id, department_id and the object
 * "staging": {id, status, batch_id, lease_owner, lease_expires}.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "claimkit/buf.h"
#include "claimkit/cli.h"
#include "claimkit/conf.h"
#include "claimkit/date.h"
#include "claimkit/diag.h"
#include "claimkit/json.h"
#include "claimkit/jw.h"
#include "claimkit/ndjson.h"
#include "claimkit/staging.h"
#include "claimkit/xalloc.h"

static const char usage_text[] =
"usage: claims-fetch [-hlV] [-b batch] [-c claim_id] [-n limit] [-s status]\n"
"                    [--chunk n] [--facility id] [--from conninfo]\n"
"                    [--lease-time seconds] [--owner name]\n"
"                    [--since date] [--until date]\n"
"       claims-fetch --mark status [--force] [--from conninfo]\n"
"                    [--rejects file] [file ...]\n";

static const char help_text[] =
"  -f, --from CONNINFO     staging database (libpq conninfo or URI)\n"
"  -s, --status STATUS    only claims in STATUS (repeatable, or a,b,c)\n"
"  -b, --batch ID         only claims loaded by processing batch ID\n"
"      --facility ID      only claims of facility ID (repeatable)\n"
"      --since DATE       only claims with service_date >= DATE\n"
"      --until DATE       only claims with service_date <= DATE\n"
"  -c, --claim-id ID      only this claim (repeatable)\n"
"  -n, --limit N          at most N claims\n"
"  -l, --lease            take PENDING/RETRY claims (and expired leases)\n"
"                         for processing: mark them PROCESSING, leased\n"
"      --lease-time SECS  lease length (default 900)\n"
"      --owner NAME       lease owner (default host:pid)\n"
"      --chunk N          claims leased per transaction (default 1000)\n"
"      --mark STATUS      read fetched records and set their staging\n"
"                         status (done, failed, retry, pending or a\n"
"                         status name); only while still leased by the\n"
"                         owner named in the record, unless --force\n"
"      --force            with --mark: ignore the lease owner\n"
"      --rejects FILE     with --mark: records that cannot be marked\n"
"  -h, --help             print this help\n"
"  -V, --version          print the version\n";

enum { OPT_FACILITY = 256, OPT_SINCE, OPT_UNTIL, OPT_LEASE_TIME, OPT_OWNER,
    OPT_CHUNK, OPT_MARK, OPT_FORCE, OPT_REJECTS };

static const struct option longopts[] = {
	{ "batch",	required_argument,	NULL, 'b' },
	{ "chunk",	required_argument,	NULL, OPT_CHUNK },
	{ "claim-id",	required_argument,	NULL, 'c' },
	{ "facility",	required_argument,	NULL, OPT_FACILITY },
	{ "force",	no_argument,		NULL, OPT_FORCE },
	{ "from",	required_argument,	NULL, 'f' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "lease",	no_argument,		NULL, 'l' },
	{ "lease-time",	required_argument,	NULL, OPT_LEASE_TIME },
	{ "limit",	required_argument,	NULL, 'n' },
	{ "mark",	required_argument,	NULL, OPT_MARK },
	{ "owner",	required_argument,	NULL, OPT_OWNER },
	{ "rejects",	required_argument,	NULL, OPT_REJECTS },
	{ "since",	required_argument,	NULL, OPT_SINCE },
	{ "status",	required_argument,	NULL, 's' },
	{ "until",	required_argument,	NULL, OPT_UNTIL },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

/* The selection, as lists of values from the command line. */
struct list {
	const char	**v;
	size_t		  n;
};

struct sel {
	struct list	 status, batch, facility, claim;
	const char	*since, *until;
	long long	 limit;		/* -1: none */
};

/* The columns every fetch reads, in this order. */
#define FETCH_COLS "id, claim_id, processing_status, batch_id, lease_owner," \
	" to_char(lease_expires AT TIME ZONE 'UTC'," \
	" 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), facility_id, financial_class_id," \
	" department_id, claim_data"

enum { C_ID, C_CLAIM, C_STATUS, C_BATCH, C_OWNER, C_EXPIRES, C_FACILITY,
    C_CLASS, C_DEPT, C_DATA, NCOLS };

struct row {
	const char	*v[NCOLS];
	size_t		 len[NCOLS];	/* v NULL: SQL NULL */
};

static struct buf out, tail;
static unsigned long nbad;
static struct rejects *rj;

static void
add(struct list *l, const char *s)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = s;
}

/* Split "a,b,c" into the list (the argument string is modified). */
static void
add_split(struct list *l, char *s)
{
	char *p;

	while ((p = strchr(s, ',')) != NULL) {
		*p = '\0';
		if (*s != '\0')
			add(l, s);
		s = p + 1;
	}
	if (*s != '\0')
		add(l, s);
}

static void
check_date(const char *s, const char *what)
{
	struct ckdate d;

	if (date_parse_iso(s, strlen(s), &d) != 0) {
		diag_error(NULL, 0, "invalid %s (YYYY-MM-DD): '%s'", what, s);
		exit(CK_EX_USAGE);
	}
}

/* Append a quoted SQL literal of s (libpq's own escaping). */
static void
lit(PGconn *conn, struct buf *b, const char *s)
{
	char *q = PQescapeLiteral(conn, s, strlen(s));

	if (q == NULL)
		diag_fatal(CK_EX_SOFTWARE, "cannot quote a value: %s",
		    PQerrorMessage(conn));
	buf_adds(b, q);
	PQfreemem(q);
}

static void
in_list(PGconn *conn, struct buf *b, const char *col, const struct list *l)
{
	size_t i;

	if (l->n == 0)
		return;
	buf_printf(b, " AND %s IN (", col);
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			buf_addc(b, ',');
		lit(conn, b, l->v[i]);
	}
	buf_addc(b, ')');
}

/* " AND ..." conditions of the selection (never the status). */
static void
where(PGconn *conn, struct buf *b, const struct sel *s)
{
	size_t i;

	if (s->batch.n > 0) {
		buf_adds(b, " AND batch_id IN (");
		for (i = 0; i < s->batch.n; i++) {
			if (i > 0)
				buf_addc(b, ',');
			buf_adds(b, s->batch.v[i]);	/* checked digits */
		}
		buf_addc(b, ')');
	}
	in_list(conn, b, "facility_id", &s->facility);
	in_list(conn, b, "claim_id", &s->claim);
	if (s->since != NULL) {
		buf_adds(b, " AND service_date >= ");
		lit(conn, b, s->since);
		buf_adds(b, "::date");
	}
	if (s->until != NULL) {
		buf_adds(b, " AND service_date <= ");
		lit(conn, b, s->until);
		buf_adds(b, "::date");
	}
}

/*
 * Write one record: claim_data compacted (jsonb's text puts a space after
 * every ':' and ','), without its closing brace, then the staging keys.
 */
static void
emit(const struct row *r)
{
	const char *p = r->v[C_DATA], *end;
	size_t start;
	int instr = 0, esc = 0, empty;
	struct jw w;
	char tmp[96];

	if (p == NULL || r->len[C_DATA] < 2 || p[0] != '{') {
		snprintf(tmp, sizeof tmp, "staging id %.20s: claim_data is not "
		    "a JSON object", r->v[C_ID]);
		rejects_write(rj, "staging.claims", 0, "invalid_claim_data",
		    tmp, p ? p : "", p ? r->len[C_DATA] : 0, 0);
		nbad++;
		return;
	}
	end = p + r->len[C_DATA];
	while (end > p && end[-1] != '}')
		end--;
	buf_reset(&out);
	buf_grow(&out, r->len[C_DATA] + 256);
	start = out.len;
	for (; p < end - 1; p++) {
		if (instr) {
			if (esc)
				esc = 0;
			else if (*p == '\\')
				esc = 1;
			else if (*p == '"')
				instr = 0;
		} else if (*p == '"')
			instr = 1;
		else if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
			continue;
		out.s[out.len++] = *p;
	}
	out.s[out.len] = '\0';
	empty = out.len - start <= 1;
	/* The added members, written as an object of their own whose
	 * braces are dropped when it is spliced in. */
	buf_reset(&tail);
	jw_init(&w, &tail);
	jw_obj(&w);
	if (r->v[C_FACILITY] != NULL)
		jw_kstrn_opt(&w, "facility_id", r->v[C_FACILITY],
		    r->len[C_FACILITY]);
	if (r->v[C_CLASS] != NULL)
		jw_kstrn_opt(&w, "financial_class_id", r->v[C_CLASS],
		    r->len[C_CLASS]);
	if (r->v[C_DEPT] != NULL)
		jw_kint(&w, "department_id", strtoll(r->v[C_DEPT], NULL, 10));
	jw_key(&w, "staging");
	jw_obj(&w);
	jw_kint(&w, "id", strtoll(r->v[C_ID], NULL, 10));
	jw_kstrn_opt(&w, "status", r->v[C_STATUS], r->len[C_STATUS]);
	if (r->v[C_BATCH] != NULL)
		jw_kint(&w, "batch_id", strtoll(r->v[C_BATCH], NULL, 10));
	if (r->v[C_OWNER] != NULL)
		jw_kstrn_opt(&w, "lease_owner", r->v[C_OWNER],
		    r->len[C_OWNER]);
	if (r->v[C_EXPIRES] != NULL)
		jw_kstrn_opt(&w, "lease_expires", r->v[C_EXPIRES],
		    r->len[C_EXPIRES]);
	jw_obj_end(&w);
	jw_obj_end(&w);
	if (!empty)
		buf_addc(&out, ',');
	buf_add(&out, tail.s + 1, tail.len - 1);
	ndout_line(out.s, out.len);
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/*
 * Decode one binary COPY tuple of FETCH_COLS into r (numbers become
 * decimal text in nums).  Returns 1 for a row, 0 for the trailer, -1 for
 * a malformed message.
 */
static int
decode(const unsigned char *p, size_t n, struct row *r, char nums[3][24])
{
	size_t off = 2;
	int i, nf;

	if (n < 2)
		return -1;
	nf = (int16_t)((p[0] << 8) | p[1]);
	if (nf == -1)
		return 0;
	if (nf != NCOLS)
		return -1;
	for (i = 0; i < NCOLS; i++) {
		int32_t len;

		if (off + 4 > n)
			return -1;
		len = (int32_t)be32(p + off);
		off += 4;
		if (len < 0) {
			r->v[i] = NULL;
			r->len[i] = 0;
			continue;
		}
		if (off + (size_t)len > n)
			return -1;
		switch (i) {
		case C_ID:
		case C_BATCH:
			if (len != 8)
				return -1;
			snprintf(nums[i == C_ID ? 0 : 1], 24, "%lld",
			    (long long)(int64_t)be64(p + off));
			r->v[i] = nums[i == C_ID ? 0 : 1];
			r->len[i] = strlen(r->v[i]);
			break;
		case C_DEPT:
			if (len != 4)
				return -1;
			snprintf(nums[2], 24, "%ld",
			    (long)(int32_t)be32(p + off));
			r->v[i] = nums[2];
			r->len[i] = strlen(nums[2]);
			break;
		case C_DATA:
			/* jsonb binary: a version byte (1), then text */
			if (len < 1 || p[off] != 1)
				return -1;
			r->v[i] = (const char *)p + off + 1;
			r->len[i] = (size_t)len - 1;
			break;
		default:
			r->v[i] = (const char *)p + off;
			r->len[i] = (size_t)len;
		}
		off += (size_t)len;
	}
	return 1;
}

static int
fail_res(PGconn *conn, PGresult *res, const char *what)
{
	int rc = staging_error_code(conn, res);

	staging_report(conn, res, what);
	PQclear(res);
	return rc;
}

/* A plain fetch: one COPY (SELECT ...) TO STDOUT in binary. */
static int
fetch_copy(PGconn *conn, const struct sel *s)
{
	static const char sig[11] = "PGCOPY\n\377\r\n";
	struct buf sql = BUF_INIT;
	PGresult *res;
	struct row r;
	char nums[3][24];
	char *msg;
	int n, rc = 0, header = 1, got;

	buf_printf(&sql, "COPY (SELECT " FETCH_COLS " FROM staging.claims"
	    " WHERE true");
	in_list(conn, &sql, "processing_status", &s->status);
	where(conn, &sql, s);
	buf_adds(&sql, " ORDER BY id");
	if (s->limit >= 0)
		buf_printf(&sql, " LIMIT %lld", s->limit);
	buf_adds(&sql, ") TO STDOUT (FORMAT binary)");
	res = PQexec(conn, sql.s);
	buf_free(&sql);
	if (PQresultStatus(res) != PGRES_COPY_OUT)
		return fail_res(conn, res, "cannot read staging.claims");
	PQclear(res);
	while ((n = PQgetCopyData(conn, &msg, 0)) > 0) {
		const unsigned char *p = (const unsigned char *)msg;
		size_t len = (size_t)n;

		if (header) {
			uint32_t ext;

			if (len < 19 || memcmp(p, sig, 11) != 0) {
				PQfreemem(msg);
				rc = CK_EX_SOFTWARE;
				break;
			}
			ext = be32(p + 15);
			if (len < 19 + (size_t)ext) {
				PQfreemem(msg);
				rc = CK_EX_SOFTWARE;
				break;
			}
			p += 19 + ext;
			len -= 19 + ext;
			header = 0;
			if (len == 0) {
				PQfreemem(msg);
				continue;
			}
		}
		got = decode(p, len, &r, nums);
		if (got < 0) {
			PQfreemem(msg);
			rc = CK_EX_SOFTWARE;
			break;
		}
		if (got > 0)
			emit(&r);
		PQfreemem(msg);
	}
	if (rc != 0) {
		diag_error(NULL, 0, "unexpected COPY data from the server");
		return rc;
	}
	if (n == -2) {
		diag_error(NULL, 0, "reading staging.claims: %s",
		    PQerrorMessage(conn));
		return CK_EX_TEMPFAIL;
	}
	while ((res = PQgetResult(conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			return fail_res(conn, res, "cannot read staging.claims");
		PQclear(res);
	}
	return 0;
}

/* Emit the rows of a text-format result of FETCH_COLS. */
static void
emit_result(PGresult *res)
{
	struct row r;
	int i, k, n = PQntuples(res);

	for (i = 0; i < n; i++) {
		for (k = 0; k < NCOLS; k++) {
			if (PQgetisnull(res, i, k)) {
				r.v[k] = NULL;
				r.len[k] = 0;
			} else {
				r.v[k] = PQgetvalue(res, i, k);
				r.len[k] = (size_t)PQgetlength(res, i, k);
			}
		}
		emit(&r);
	}
}

/*
 * One leasing transaction: expired leases first, then the oldest
 * PENDING/RETRY claims, at most want in all.  The rows are written after
 * COMMIT.  Returns 0 and *got, or an exit code.
 */
static int
lease_chunk(PGconn *conn, const struct sel *s, const char *owner,
    long long secs, long long want, long long *got)
{
	struct buf sql = BUF_INIT, cond = BUF_INIT;
	PGresult *res[2] = { NULL, NULL };
	long long left = want;
	int pass, rc = 0;

	*got = 0;
	where(conn, &cond, s);
	res[0] = PQexec(conn, "BEGIN");
	if (PQresultStatus(res[0]) != PGRES_COMMAND_OK) {
		rc = fail_res(conn, res[0], "cannot start a transaction");
		goto out;
	}
	PQclear(res[0]);
	res[0] = NULL;
	for (pass = 0; pass < 2 && left > 0; pass++) {
		buf_reset(&sql);
		buf_adds(&sql, "WITH picked AS (SELECT id AS pid FROM staging.claims"
		    " WHERE ");
		if (pass == 0)
			buf_adds(&sql, "processing_status = 'PROCESSING' AND"
			    " lease_expires < now()");
		else {
			buf_adds(&sql, "processing_status IN ");
			if (s->status.n == 0)
				buf_adds(&sql, "('PENDING', 'RETRY')");
			else {
				size_t i;

				buf_addc(&sql, '(');
				for (i = 0; i < s->status.n; i++) {
					if (i > 0)
						buf_addc(&sql, ',');
					lit(conn, &sql, s->status.v[i]);
				}
				buf_addc(&sql, ')');
			}
		}
		buf_add(&sql, cond.s ? cond.s : "", cond.len);
		buf_printf(&sql, " ORDER BY %s LIMIT %lld FOR UPDATE SKIP"
		    " LOCKED) UPDATE staging.claims c SET"
		    " processing_status = 'PROCESSING', lease_owner = ",
		    pass == 0 ? "lease_expires" : "id", left);
		lit(conn, &sql, owner);
		buf_printf(&sql, ", lease_expires = now() + make_interval("
		    "secs => %lld), lease_count = c.lease_count + 1", secs);
		if (pass == 0)
			buf_adds(&sql, ", retry_count = c.retry_count + 1,"
			    " last_retry_at = now()");
		buf_adds(&sql, " FROM picked WHERE c.id = picked.pid"
		    " RETURNING " FETCH_COLS);
		res[pass] = PQexec(conn, sql.s);
		if (PQresultStatus(res[pass]) != PGRES_TUPLES_OK) {
			rc = staging_error_code(conn, res[pass]);
			staging_report(conn, res[pass], "cannot lease claims");
			goto out;
		}
		left -= PQntuples(res[pass]);
	}
	{
		PGresult *c = PQexec(conn, "COMMIT");

		if (PQresultStatus(c) != PGRES_COMMAND_OK) {
			rc = fail_res(conn, c, "cannot commit the lease");
			goto out;
		}
		PQclear(c);
	}
	for (pass = 0; pass < 2; pass++)
		if (res[pass] != NULL)
			emit_result(res[pass]);
	*got = want - left;
out:
	if (rc != 0 && PQstatus(conn) == CONNECTION_OK &&
	    PQtransactionStatus(conn) != PQTRANS_IDLE)
		PQclear(PQexec(conn, "ROLLBACK"));
	PQclear(res[0]);
	PQclear(res[1]);
	buf_free(&sql);
	buf_free(&cond);
	return rc;
}

static int
fetch_lease(PGconn *conn, const struct sel *s, const char *owner,
    long long secs, long long chunk)
{
	long long total = 0, want, got;
	int rc;

	for (;;) {
		want = chunk;
		if (s->limit >= 0 && s->limit - total < want)
			want = s->limit - total;
		if (want <= 0)
			break;
		if ((rc = lease_chunk(conn, s, owner, secs, want, &got)) != 0)
			return rc;
		total += got;
		if (got == 0)
			break;
	}
	return 0;
}

/* --mark: set the status of the staging rows named by fetched records. */
static int
mark(PGconn *conn, int argc, char **argv, const char *status, int force,
    unsigned long *marked, unsigned long *missed)
{
	struct ndin *in = ndin_open(argc, argv, rj);
	long long *ids = xreallocarray(NULL, 1000, sizeof *ids);
	char *owner = NULL;
	size_t n = 0;
	unsigned long changed;
	int rc = 0, inrc;

	for (;;) {
		const struct jdoc *d;
		const char *own = NULL;
		long long id = 0;
		int more, node;

		more = ndin_next(in);
		d = more ? ndin_doc(in) : NULL;
		if (more) {
			node = jdoc_path(d, 0, "staging.id");
			if (node < 0 || jdoc_int(d, node, &id) != 0) {
				ndin_reject(in, "no_staging_id", "record has "
				    "no staging.id (not from claims-fetch)");
				continue;
			}
			own = force ? NULL : jdoc_pstr(d, 0,
			    "staging.lease_owner");
		}
		/* One statement per 1000 ids of one lease owner. */
		if (n > 0 && (!more || n == 1000 || (own == NULL) !=
		    (owner == NULL) || (own && strcmp(own, owner) != 0))) {
			rc = staging_mark(conn, ids, n, status, owner,
			    &changed);
			if (rc != 0)
				break;
			*marked += changed;
			*missed += n - changed;
			n = 0;
		}
		if (!more)
			break;
		if (n == 0) {
			free(owner);
			owner = own ? xstrdup(own) : NULL;
		}
		ids[n++] = id;
	}
	inrc = ndin_close(in);
	free(owner);
	free(ids);
	return rc != 0 ? rc : inrc;
}

int
main(int argc, char **argv)
{
	struct sel s;
	PGconn *conn;
	const char *from = NULL, *owner = NULL, *status = NULL, *rejects = NULL;
	const char *lt = NULL;
	long long secs, chunk = 1000;
	unsigned long marked = 0, missed = 0;
	int ch, rc, lease = 0, force = 0;
	size_t i;

	cli_init(argv[0], "claims-fetch");
	memset(&s, 0, sizeof s);
	s.limit = -1;
	while ((ch = getopt_long(argc, argv, "b:c:f:hln:s:V", longopts,
	    NULL)) != -1)
		switch (ch) {
		case 'b':
			cli_num(optarg, 0, INT64_MAX, "--batch");
			add(&s.batch, optarg);
			break;
		case 'c':
			add(&s.claim, optarg);
			break;
		case 'f':
			from = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			fputs("\n", stdout);
			cli_usage(0, help_text);
		case 'l':
			lease = 1;
			break;
		case 'n':
			s.limit = cli_num(optarg, 0, INT64_MAX, "--limit");
			break;
		case 's':
			add_split(&s.status, optarg);
			break;
		case 'V':
			cli_version();
		case OPT_CHUNK:
			chunk = cli_num(optarg, 1, 100000, "--chunk");
			break;
		case OPT_FACILITY:
			add(&s.facility, optarg);
			break;
		case OPT_FORCE:
			force = 1;
			break;
		case OPT_LEASE_TIME:
			lt = optarg;
			break;
		case OPT_MARK:
			status = optarg;
			break;
		case OPT_OWNER:
			owner = optarg;
			break;
		case OPT_REJECTS:
			rejects = optarg;
			break;
		case OPT_SINCE:
			check_date(optarg, "--since");
			s.since = optarg;
			break;
		case OPT_UNTIL:
			check_date(optarg, "--until");
			s.until = optarg;
			break;
		default:
			cli_usage(CK_EX_USAGE, usage_text);
		}
	argc -= optind;
	argv += optind;

	for (i = 0; i < s.status.n; i++) {
		const char *c = staging_status(s.status.v[i]);

		if (c == NULL) {
			diag_error(NULL, 0, "unknown status '%s' (see "
			    "claimkit-schema(5))", s.status.v[i]);
			cli_usage(CK_EX_USAGE, usage_text);
		}
		s.status.v[i] = c;
		if (lease && strcmp(c, "PENDING") != 0 &&
		    strcmp(c, "RETRY") != 0) {
			diag_error(NULL, 0, "--lease takes PENDING or RETRY "
			    "claims only: '%s'", c);
			cli_usage(CK_EX_USAGE, usage_text);
		}
	}
	if (status != NULL && staging_status(status) == NULL) {
		diag_error(NULL, 0, "unknown status '%s' (see "
		    "claimkit-schema(5))", status);
		cli_usage(CK_EX_USAGE, usage_text);
	}
	if (status != NULL && (lease || s.status.n || s.batch.n ||
	    s.facility.n || s.claim.n || s.since || s.until ||
	    s.limit >= 0)) {
		diag_error(NULL, 0, "--mark takes no selection options");
		cli_usage(CK_EX_USAGE, usage_text);
	}
	if (status == NULL && argc > 0) {
		diag_error(NULL, 0, "file arguments are for --mark only");
		cli_usage(CK_EX_USAGE, usage_text);
	}
	{
		const char *flag = lt;

		lt = conf_pick(flag, NULL, "fetch.lease_time", "900");
		secs = cli_num_exit(lt, 1, 31 * 86400, lt == flag ?
		    "--lease-time" : "fetch.lease_time in claimkit.conf",
		    conf_bad_exit(lt, flag));
	}
	if (owner == NULL)
		owner = conf_pick(NULL, "CLAIMKIT_OWNER", NULL,
		    staging_default_owner());
	/* flag > environment > claimkit.conf > the PG* environment */
	if (from == NULL)
		from = conf_pick(NULL, "CLAIMKIT_STAGING", "staging.conninfo",
		    "");

	rj = rejects_open(rejects);
	if ((conn = staging_connect(from, "--from", 0, &rc)) == NULL) {
		rejects_close(rj);
		return rc;
	}
	if (status != NULL) {
		rc = mark(conn, argc, argv, status, force, &marked, &missed);
		if (rc == 0 && missed > 0) {
			diag_warn(NULL, 0, "%lu claims not marked: their lease "
			    "was taken by another worker or they are gone",
			    missed);
			rc = CK_EX_REJECT;
		}
		fprintf(stderr, "%s: %lu claims marked %s\n", diag_progname,
		    marked, staging_status(status));
		if (rc == 0 && rejects_count(rj) > 0)
			rc = CK_EX_REJECT;
	} else if (lease)
		rc = fetch_lease(conn, &s, owner, secs, chunk);
	else
		rc = fetch_copy(conn, &s);
	if (rc == 0 && nbad > 0)
		rc = CK_EX_REJECT;
	PQfinish(conn);
	rejects_close(rj);
	buf_free(&out);
	buf_free(&tail);
	free(s.status.v);
	free(s.batch.v);
	free(s.facility.v);
	free(s.claim.v);
	return cli_finish(rc);
}
