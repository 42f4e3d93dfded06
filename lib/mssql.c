/* mssql: SQL Server client over FreeTDS ct-lib (mssql.h). */
#include <ctype.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ctpublic.h>

#include "claimkit/buf.h"
#include "claimkit/diag.h"
#include "claimkit/mssql.h"
#include "claimkit/xalloc.h"

/*
 * FreeTDS client message numbers (include/freetds/tds.h TDSE*): what the
 * callbacks are given in CS_CLIENTMSG.msgnumber.  CS_NUMBER() and
 * CS_SEVERITY() do not decode them usefully (TDS.md §4.6), and the
 * severity of a timeout is 6 rather than CS_SV_RETRY_FAIL (§4.5), so the
 * numbers are matched, not the severities.
 */
#define TDSETIME	20003	/* request timed out */
#define TDSEREAD	20004	/* read from the server failed */
#define TDSEWRIT	20006	/* write to the server failed */
#define TDSECONN	20009	/* unable to connect */
#define TDSESEOF	20012	/* server name not found in configuration */
#define TDSEUHST	20013	/* unknown host machine name */
#define TDSELOGIN	20014	/* login incorrect */
#define TDSEEOF		20017	/* unexpected EOF from the server */

/* Server errors that mean "this login cannot get in". */
#define ERR_LOGIN_FAILED	18456
#define ERR_CANNOT_OPEN_DB	4060

#define MAX_SEEN	8

struct mssql {
	CS_CONTEXT	*ctx;
	CS_CONNECTION	*con;
	CS_COMMAND	*cmd;
	CS_LOCALE	*loc;
	int		 dead;
	unsigned long	 nrequests;
	/* What the callbacks saw during the current call. */
	struct mssql_error err;
	int		 have_err;
	long		 seen[MAX_SEEN];
	int		 seen_client[MAX_SEEN];
	int		 nseen;
};

/*
 * ct-lib reports messages through callbacks; the connection they belong
 * to is found through CS_USERDATA, and messages without a connection (the
 * context's own) go to the call in progress.
 */
static struct mssql *current;

static struct mssql *
owner(CS_CONNECTION *con)
{
	struct mssql *m = NULL;

	if (con != NULL && ct_con_props(con, CS_GET, CS_USERDATA, &m,
	    sizeof m, NULL) == CS_SUCCEED && m != NULL)
		return m;
	return current;
}

static void
seen(struct mssql *m, long number, int client)
{
	if (m->nseen < MAX_SEEN) {
		m->seen[m->nseen] = number;
		m->seen_client[m->nseen] = client;
		m->nseen++;
	}
}

static int
saw(const struct mssql *m, long number, int client)
{
	int i;

	for (i = 0; i < m->nseen; i++)
		if (m->seen[i] == number && m->seen_client[i] == client)
			return 1;
	return 0;
}

static void
record(struct mssql *m, long number, int sev, int state, int line,
    int client, const char *text, size_t len)
{
	if (m->have_err)
		return;
	m->have_err = 1;
	m->err.number = number;
	m->err.severity = sev;
	m->err.state = state;
	m->err.line = line;
	m->err.client = client;
	if (len >= sizeof m->err.text)
		len = sizeof m->err.text - 1;
	memcpy(m->err.text, text, len);
	m->err.text[len] = '\0';
}

static CS_RETCODE
client_cb(CS_CONTEXT *ctx, CS_CONNECTION *con, CS_CLIENTMSG *msg)
{
	struct mssql *m = owner(con);
	size_t len;

	if (m == NULL)
		return CS_SUCCEED;
	len = msg->msgstringlen > 0 ? (size_t)msg->msgstringlen :
	    strlen(msg->msgstring);
	seen(m, (long)msg->msgnumber, 1);
	if (msg->msgnumber == TDSETIME) {
		/*
		 * libct 1.3.17 closes the socket when the callback fails a
		 * timeout (TDS.md §4.5) and sends no ATTENTION: the request's
		 * fate on the server is unknown, so the connection is
		 * dropped either way and the caller retries on a new one
		 * (the transaction dies with the old connection).
		 */
		m->err.timeout = 1;
		m->dead = 1;
		record(m, (long)msg->msgnumber, (int)msg->severity, 0, 0, 1,
		    msg->msgstring, len);
		return CS_FAIL;
	}
	switch (msg->msgnumber) {
	case TDSEREAD: case TDSEWRIT: case TDSECONN: case TDSEEOF:
		m->dead = 1;
		break;
	}
	record(m, (long)msg->msgnumber, (int)msg->severity, 0, 0, 1,
	    msg->msgstring, len);
	return CS_SUCCEED;
}

static CS_RETCODE
server_cb(CS_CONTEXT *ctx, CS_CONNECTION *con, CS_SERVERMSG *msg)
{
	struct mssql *m = owner(con);
	size_t len;

	/* Severity 10 and below is information (5701 database changed...). */
	if (m == NULL || msg->severity <= 10)
		return CS_SUCCEED;
	len = msg->textlen > 0 ? (size_t)msg->textlen : strlen(msg->text);
	seen(m, (long)msg->msgnumber, 0);
	/* Severity 20 and above: the server closes the connection. */
	if (msg->severity >= 20)
		m->dead = 1;
	/* A login refusal outranks the client's "connection failed". */
	if (msg->msgnumber == ERR_LOGIN_FAILED ||
	    msg->msgnumber == ERR_CANNOT_OPEN_DB)
		m->have_err = 0;
	record(m, (long)msg->msgnumber, (int)msg->severity, (int)msg->state,
	    (int)msg->line, 0, msg->text, len);
	return CS_SUCCEED;
}

static CS_RETCODE
cslib_cb(CS_CONTEXT *ctx, CS_CLIENTMSG *msg)
{
	struct mssql *m = current;

	if (m != NULL)
		record(m, (long)msg->msgnumber, (int)msg->severity, 0, 0, 1,
		    msg->msgstring, msg->msgstringlen > 0 ?
		    (size_t)msg->msgstringlen : strlen(msg->msgstring));
	return CS_SUCCEED;
}

static void
begin_call(struct mssql *m)
{
	current = m;
	memset(&m->err, 0, sizeof m->err);
	m->have_err = 0;
	m->nseen = 0;
}

static int
pctval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Copy s[0..n) with %XX decoded; NULL when an escape is bad or NUL. */
static char *
pct_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= n) {
				free(out);
				return NULL;
			}
			hi = pctval((unsigned char)s[i + 1]);
			lo = pctval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				free(out);
				return NULL;
			}
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	return out;
}

const char *
mssql_target_parse(const char *url, struct mssql_target *t)
{
	const char *p, *at, *slash;

	memset(t, 0, sizeof *t);
	if (strncmp(url, "mssql://", 8) != 0)
		return "target does not start with mssql://";
	p = url + 8;
	if ((at = strchr(p, '@')) == NULL)
		return "no user (mssql://USER@SERVER/DATABASE)";
	if (memchr(p, ':', (size_t)(at - p)) != NULL)
		return "a password in the target is not accepted; "
		    "use CLAIMKIT_MSSQL_PASSWORD or mssql.password";
	if ((slash = strchr(at + 1, '/')) == NULL)
		return "no database (mssql://USER@SERVER/DATABASE)";
	if (at == p)
		return "empty user";
	if (slash == at + 1)
		return "empty server";
	if (slash[1] == '\0')
		return "empty database";
	if (strpbrk(slash + 1, "/?#") != NULL)
		return "unexpected '/', '?' or '#' after the database name";
	if ((t->user = pct_decode(p, (size_t)(at - p))) == NULL ||
	    (t->database = pct_decode(slash + 1, strlen(slash + 1))) == NULL) {
		mssql_target_free(t);
		return "bad %-escape";
	}
	t->server = xstrndup(at + 1, (size_t)(slash - at - 1));
	return NULL;
}

void
mssql_target_free(struct mssql_target *t)
{
	free(t->user);
	free(t->server);
	free(t->database);
	memset(t, 0, sizeof *t);
}

static void
drop(struct mssql *m)
{
	if (m->cmd != NULL)
		ct_cmd_drop(m->cmd);
	if (m->con != NULL) {
		ct_close(m->con, CS_FORCE_CLOSE);
		ct_con_drop(m->con);
	}
	if (m->loc != NULL)
		cs_loc_drop(m->ctx, m->loc);
	if (m->ctx != NULL) {
		ct_exit(m->ctx, CS_FORCE_EXIT);
		cs_ctx_drop(m->ctx);
	}
	if (current == m)
		current = NULL;
	free(m);
}

static int
setup_failed(struct mssql *m, const char *what, int quiet)
{
	if (!quiet)
		diag_error(NULL, 0, "SQL Server client setup failed: %s", what);
	drop(m);
	return CK_EX_SOFTWARE;
}

/*
 * ct_connect with a UTF-8 client character set.  libct 1.3.17 copies the
 * CS_SYB_CHARSET of a CS_LOC_PROP locale into the login's *server*
 * charset (ct.c ct_connect, "override locale settings"), so it has no
 * effect on the conversion of queries; the client charset comes from
 * freetds.conf, else from nl_langinfo(CODESET) while ct_connect runs,
 * and under LC_ALL=C that is ISO-8859-1: "Zoë" would reach the server as
 * "ZoÃ«".  So LC_CTYPE is a UTF-8 locale for the duration of the call,
 * and restored after it.  (A freetds.conf that names another client
 * charset still wins; claims-load checks the result on every new
 * connection with SELECT UNICODE(N'é').)
 */
static CS_RETCODE
utf8_connect(struct mssql *m, const char *server)
{
	static const char *const utf8[] = { "C.UTF-8", "C.utf8",
	    "en_US.UTF-8", NULL };
	const char *cur = setlocale(LC_CTYPE, NULL);
	char *saved = cur != NULL ? xstrdup(cur) : NULL;
	CS_RETCODE rc;
	int i;

	for (i = 0; utf8[i] != NULL; i++)
		if (setlocale(LC_CTYPE, utf8[i]) != NULL)
			break;
	rc = ct_connect(m->con, (CS_CHAR *)server, CS_NULLTERM);
	if (saved != NULL) {
		setlocale(LC_CTYPE, saved);
		free(saved);
	}
	return rc;
}

int
mssql_connect(struct mssql **out, const struct mssql_conf *c, int quiet)
{
	struct mssql *m = xcalloc(1, sizeof *m);
	char q[64], qs[64], msg[600];
	CS_INT v;
	int rc;

	*out = NULL;
	begin_call(m);
	if (cs_ctx_alloc(CS_VERSION_100, &m->ctx) != CS_SUCCEED)
		return setup_failed(m, "cs_ctx_alloc", quiet);
	if (ct_init(m->ctx, CS_VERSION_100) != CS_SUCCEED) {
		cs_ctx_drop(m->ctx);
		m->ctx = NULL;
		return setup_failed(m, "ct_init", quiet);
	}
	/* Callbacks before ct_connect, or the login messages are lost. */
	if (ct_callback(m->ctx, NULL, CS_SET, CS_CLIENTMSG_CB,
	    (CS_VOID *)client_cb) != CS_SUCCEED ||
	    ct_callback(m->ctx, NULL, CS_SET, CS_SERVERMSG_CB,
	    (CS_VOID *)server_cb) != CS_SUCCEED ||
	    cs_config(m->ctx, CS_SET, CS_MESSAGE_CB, (CS_VOID *)cslib_cb,
	    CS_UNUSED, NULL) != CS_SUCCEED)
		return setup_failed(m, "callbacks", quiet);
	if (c->login_timeout > 0) {
		v = c->login_timeout;
		ct_config(m->ctx, CS_SET, CS_LOGIN_TIMEOUT, &v, CS_UNUSED, NULL);
	}
	if (c->timeout > 0) {
		v = c->timeout;
		ct_config(m->ctx, CS_SET, CS_TIMEOUT, &v, CS_UNUSED, NULL);
	}
	if (ct_con_alloc(m->ctx, &m->con) != CS_SUCCEED)
		return setup_failed(m, "ct_con_alloc", quiet);
	if (ct_con_props(m->con, CS_SET, CS_USERDATA, &m, sizeof m, NULL)
	    != CS_SUCCEED ||
	    ct_con_props(m->con, CS_SET, CS_USERNAME, (CS_VOID *)c->user,
	    CS_NULLTERM, NULL) != CS_SUCCEED ||
	    ct_con_props(m->con, CS_SET, CS_PASSWORD, (CS_VOID *)c->password,
	    CS_NULLTERM, NULL) != CS_SUCCEED ||
	    ct_con_props(m->con, CS_SET, CS_APPNAME, (CS_VOID *)(c->appname ?
	    c->appname : "claimkit"), CS_NULLTERM, NULL) != CS_SUCCEED)
		return setup_failed(m, "connection properties", quiet);
	if (c->database != NULL && ct_con_props(m->con, CS_SET, CS_DATABASE,
	    (CS_VOID *)c->database, CS_NULLTERM, NULL) != CS_SUCCEED)
		return setup_failed(m, "database property", quiet);
	if (c->packet_size > 0) {
		v = c->packet_size;
		if (ct_con_props(m->con, CS_SET, CS_PACKETSIZE, &v, CS_UNUSED,
		    NULL) != CS_SUCCEED)
			return setup_failed(m, "packet size", quiet);
	}
	/*
	 * The client character set decides how libtds converts the SQL text
	 * to UCS-2 and NVARCHAR results back.  The records are UTF-8, and the
	 * locale (LC_ALL=C in tests and cron) must not turn "Zoë" into
	 * "ZoÃ«".  Set the documented way, although 1.3.17 ignores it (see
	 * utf8_connect).
	 */
	if (cs_loc_alloc(m->ctx, &m->loc) != CS_SUCCEED ||
	    cs_locale(m->ctx, CS_SET, m->loc, CS_SYB_CHARSET, (CS_CHAR *)"UTF-8",
	    CS_NULLTERM, NULL) != CS_SUCCEED ||
	    ct_con_props(m->con, CS_SET, CS_LOC_PROP, m->loc, CS_UNUSED, NULL)
	    != CS_SUCCEED)
		return setup_failed(m, "client character set UTF-8", quiet);

	if (utf8_connect(m, c->server) == CS_SUCCEED &&
	    ct_cmd_alloc(m->con, &m->cmd) == CS_SUCCEED) {
		current = NULL;
		*out = m;
		return 0;
	}
	diag_quote(q, sizeof q, c->server, strlen(c->server));
	/* 4060 comes with an 18456: the database is the news. */
	if (saw(m, ERR_CANNOT_OPEN_DB, 0)) {
		diag_quote(qs, sizeof qs, c->database ? c->database : "",
		    c->database ? strlen(c->database) : 0);
		snprintf(msg, sizeof msg, "SQL Server '%s': cannot open "
		    "database '%s' (error 4060): it does not exist or the "
		    "login may not use it", q, qs);
		rc = CK_EX_CONFIG;
	} else if (saw(m, ERR_LOGIN_FAILED, 0) || saw(m, TDSELOGIN, 1)) {
		diag_quote(qs, sizeof qs, c->user, strlen(c->user));
		snprintf(msg, sizeof msg, "SQL Server '%s' refused the login "
		    "of user '%s' (error 18456): check the user name and "
		    "CLAIMKIT_MSSQL_PASSWORD or mssql.password", q, qs);
		rc = CK_EX_CONFIG;
	} else if (saw(m, TDSEUHST, 1)) {
		snprintf(msg, sizeof msg, "unknown SQL Server '%s': not a "
		    "server name in freetds.conf (FREETDSCONF) and not a "
		    "resolvable host name", q);
		rc = CK_EX_CONFIG;
	} else {
		char e[300];

		snprintf(msg, sizeof msg, "cannot connect to SQL Server '%s': "
		    "%s", q, m->have_err ? mssql_error_text(&m->err, NULL, e,
		    sizeof e) : "login failed");
		rc = CK_EX_UNAVAILABLE;
	}
	if (!quiet)
		diag_error(NULL, 0, "%s", msg);
	drop(m);
	return rc;
}

void
mssql_close(struct mssql *m)
{
	if (m != NULL)
		drop(m);
}

unsigned long
mssql_requests(const struct mssql *m)
{
	return m->nrequests;
}

static void
add_count(struct mssql_result *r, long n)
{
	if (r->ncounts == r->capcounts) {
		r->capcounts = r->capcounts ? r->capcounts * 2 : 16;
		r->counts = xreallocarray(r->counts, r->capcounts,
		    sizeof *r->counts);
	}
	r->counts[r->ncounts++] = n;
}

static int
fetch_rows(struct mssql *m, struct mssql_result *r)
{
	CS_DATAFMT fmt;
	CS_CHAR val[512];
	CS_INT len, nread;
	CS_SMALLINT ind;
	CS_RETCODE rc;

	memset(&fmt, 0, sizeof fmt);
	fmt.datatype = CS_CHAR_TYPE;
	fmt.format = CS_FMT_NULLTERM;
	fmt.maxlength = sizeof val;
	fmt.count = 1;
	if (ct_bind(m->cmd, 1, &fmt, val, &len, &ind) != CS_SUCCEED)
		return -1;
	while ((rc = ct_fetch(m->cmd, CS_UNUSED, CS_UNUSED, CS_UNUSED,
	    &nread)) == CS_SUCCEED || rc == CS_ROW_FAIL) {
		if (rc == CS_ROW_FAIL)
			return -1;
		if (ind == -1)
			val[0] = '\0';
		buf_add(&r->rows, val, strlen(val) + 1);
		r->nrows++;
	}
	return rc == CS_END_DATA ? 0 : -1;
}

enum mssql_fail
mssql_exec(struct mssql *m, const char *sql, size_t len,
    struct mssql_result *r)
{
	CS_RETCODE rc;
	CS_INT rt, cnt;
	int failed = 0, broken = 0;

	r->ncounts = 0;
	buf_reset(&r->rows);
	r->nrows = 0;
	r->fail = MSSQL_OK;
	memset(&r->err, 0, sizeof r->err);
	begin_call(m);
	if (m->dead) {
		r->fail = MSSQL_FAIL_LINK;
		snprintf(r->err.text, sizeof r->err.text, "connection closed");
		r->err.client = 1;
		return r->fail;
	}
	if (len > 0x7fffffff) {
		r->fail = MSSQL_FAIL_CLIENT;
		r->err.client = 1;
		snprintf(r->err.text, sizeof r->err.text, "request too large");
		return r->fail;
	}
	m->nrequests++;
	if (ct_command(m->cmd, CS_LANG_CMD, (CS_CHAR *)sql, (CS_INT)len,
	    CS_UNUSED) != CS_SUCCEED) {
		r->fail = MSSQL_FAIL_CLIENT;
		goto out;
	}
	if (ct_send(m->cmd) != CS_SUCCEED) {
		broken = 1;
		goto out;
	}
	while ((rc = ct_results(m->cmd, &rt)) == CS_SUCCEED) {
		switch (rt) {
		case CS_ROW_RESULT:
			if (fetch_rows(m, r) != 0) {
				failed = 1;
				ct_cancel(NULL, m->cmd, CS_CANCEL_CURRENT);
			}
			break;
		case CS_CMD_DONE:
			if (ct_res_info(m->cmd, CS_ROW_COUNT, &cnt, CS_UNUSED,
			    NULL) == CS_SUCCEED && cnt >= 0)
				add_count(r, (long)cnt);
			break;
		case CS_CMD_SUCCEED:
			break;
		case CS_CMD_FAIL:
			failed = 1;
			break;
		default:
			/* Status, parameter or compute results: not ours. */
			ct_cancel(NULL, m->cmd, CS_CANCEL_CURRENT);
			break;
		}
	}
	if (rc != CS_END_RESULTS)
		broken = 1;
out:
	if (broken || m->dead) {
		m->dead = 1;
		r->fail = MSSQL_FAIL_LINK;
	} else if (failed || m->have_err)
		r->fail = m->have_err && !m->err.client ? MSSQL_FAIL_SERVER :
		    MSSQL_FAIL_LINK;
	if (r->fail == MSSQL_FAIL_LINK && !m->dead)
		m->dead = 1;
	if (r->fail != MSSQL_OK) {
		r->err = m->err;
		if (!m->have_err) {
			r->err.client = 1;
			snprintf(r->err.text, sizeof r->err.text,
			    "connection lost");
		}
	}
	current = NULL;
	return r->fail;
}

void
mssql_result_free(struct mssql_result *r)
{
	free(r->counts);
	buf_free(&r->rows);
	memset(r, 0, sizeof *r);
}

static int
safe_part(const char *s, size_t n, const char *const *safe)
{
	static const char *const prefix[] = {
		"PK_", "FK_", "UQ_", "UX_", "IX_", "CK_", "DF_", NULL
	};
	size_t i;

	if (n == 3 && strncmp(s, "dbo", 3) == 0)
		return 1;
	for (i = 0; prefix[i] != NULL; i++)
		if (n > strlen(prefix[i]) &&
		    strncmp(s, prefix[i], strlen(prefix[i])) == 0)
			return 1;
	for (i = 0; safe != NULL && safe[i] != NULL; i++)
		if (strlen(safe[i]) == n && strncmp(s, safe[i], n) == 0)
			return 1;
	return 0;
}

/*
 * A quoted name may be shown when it is made of identifier characters and
 * each of its dot-separated parts is a known name ("db.dbo.Claims").
 */
static int
safe_name(const char *s, size_t n, const char *const *safe)
{
	const char *end = s + n, *dot;
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '.')
			return 0;
	while (s < end) {
		if ((dot = memchr(s, '.', (size_t)(end - s))) == NULL)
			dot = end;
		if (!safe_part(s, (size_t)(dot - s), safe))
			return 0;
		s = dot + 1;
	}
	return 1;
}

char *
mssql_error_text(const struct mssql_error *e, const char *const *safe,
    char *out, size_t n)
{
	struct buf b = BUF_INIT;
	const char *s = e->text, *end;
	size_t len = strlen(e->text);

	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r' ||
	    s[len - 1] == ' '))
		len--;
	end = s + len;
	if (e->client && e->number == 0)
		buf_adds(&b, "connection: ");
	else if (e->client)
		buf_printf(&b, "FreeTDS %ld: ", e->number);
	else
		buf_printf(&b, "SQL Server error %ld (severity %d, state %d): ",
		    e->number, e->severity, e->state);
	while (s < end) {
		const char *close;

		if (!e->client && (*s == '\'' || *s == '"') &&
		    (close = memchr(s + 1, *s, (size_t)(end - s - 1))) != NULL) {
			if (safe_name(s + 1, (size_t)(close - s - 1), safe))
				buf_add(&b, s, (size_t)(close - s + 1));
			else {
				buf_addc(&b, *s);
				buf_adds(&b, "...");
				buf_addc(&b, *s);
			}
			s = close + 1;
		} else if (!e->client && *s == '(' &&
		    (close = memchr(s + 1, ')', (size_t)(end - s - 1))) != NULL &&
		    !(e->number == 1205 && strncmp(s, "(Process ID", 11) == 0)) {
			buf_adds(&b, "(...)");
			s = close + 1;
		} else if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f) {
			buf_addc(&b, ' ');
			s++;
		} else
			buf_addc(&b, *s++);
	}
	snprintf(out, n, "%s", b.s ? b.s : "");
	buf_free(&b);
	return out;
}
