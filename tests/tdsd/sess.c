/*
 * sess: one client session, without sockets.  Packets come in through
 * sess_packet(); replies leave through the tdsout's send() hook.  The
 * session reassembles messages (a request may span packets), answers
 * PRELOGIN (encryption is not supported), checks LOGIN7, runs SQL
 * batches, transaction manager requests, bulk load streams and
 * ATTENTION, and applies the fault injection of --fault.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "claimkit/xalloc.h"
#include "tdsd.h"

/* The largest request tdsd takes (a loader batch is several MB). */
#define MAX_MESSAGE	((size_t)512 << 20)

struct sess *
sess_new(struct srvconf *conf, sqlite3 *db,
    int (*send)(void *, const void *, size_t), void *ctx)
{
	struct sess *s = xcalloc(1, sizeof(*s));
	unsigned long n = __atomic_fetch_add(&conf->nspid, 1,
	    __ATOMIC_RELAXED);

	s->conf = conf;
	s->db = db;
	s->state = SS_PRELOGIN;
	s->spid = (uint16_t)(51 + n % 30000);
	s->out.type = PKT_REPLY;
	s->out.spid = s->spid;
	s->out.pktsize = 4096;
	s->out.send = send;
	s->out.ctx = ctx;
	s->tdsver = TDS74;
	s->cat = cat_new();
	s->vars = xcalloc(1, sizeof(*s->vars));
	s->ansi_warnings = 1;
	s->concat_null = 1;
	s->textsize = 2147483647;
	return s;
}

void
sess_free(struct sess *s)
{
	if (s == NULL)
		return;
	exec_bulk_reset(s);
	if (s->db != NULL && (s->sqlite_tx || s->in_stmt_tx))
		(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	vars_clear(s);
	free(s->vars);
	cat_free(s->cat);
	free(s->user);
	free(s->app);
	free(s->database);
	free(s->ident_insert);
	buf_free(&s->msg);
	buf_free(&s->out.b);
	free(s);
}

/* ---------------------------------------------------------------- */
/* Replies */

void
sess_flush_done(struct sess *s, int more)
{
	if (!s->done_pending)
		return;
	tok_done(&s->out, TOK_DONE, s->done_status | (more ? DONE_MORE : 0),
	    s->done_curcmd, s->done_count, s->tdsver);
	s->done_pending = 0;
	out_maybe_flush(&s->out);
}

void
sess_done(struct sess *s, unsigned status, unsigned curcmd, uint64_t count)
{
	sess_flush_done(s, 1);
	s->done_pending = 1;
	s->done_status = status;
	s->done_curcmd = curcmd;
	s->done_count = count;
}

void
sess_error(struct sess *s, const struct tderr *e)
{
	sess_flush_done(s, 1);
	tok_msg(&s->out, TOK_ERROR, e->num, e->state ? e->state : 1,
	    e->cls ? e->cls : 16, e->msg, "tdsd", "", 1, s->tdsver);
	s->lasterror = e->num;
	if (s->conf->verbose)
		fprintf(stderr, "tdsd: spid %u: error %d: %s\n", s->spid,
		    (int)e->num, e->msg);
}

void
sess_info(struct sess *s, int num, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sess_flush_done(s, 1);
	tok_msg(&s->out, TOK_INFO, num, 1, 0, msg, "tdsd", "", 1, s->tdsver);
}

int
sess_check_attn(struct sess *s)
{
	if (s->cancelled)
		return 1;
	if (s->poll_attn != NULL && s->poll_attn(s) != 0)
		s->cancelled = 1;
	return s->cancelled;
}

void
sess_reply_end(struct sess *s)
{
	if (s->cancelled) {
		/* what is not sent yet goes; DONE(ATTN) acknowledges */
		out_discard(&s->out);
		s->done_pending = 0;
		tok_done(&s->out, TOK_DONE, DONE_ATTN, 0, 0, s->tdsver);
		s->cancelled = 0;
		s->attn_pending = 0;
		s->st_attn++;
	} else {
		if (!s->done_pending)
			sess_done(s, 0, 0, 0);
		sess_flush_done(s, 0);
	}
	out_end(&s->out);
	s->out.type = PKT_REPLY;
}

/* ---------------------------------------------------------------- */
/* Fault injection */

int
fault_parse(struct faults *fs, const char *spec, char *err, size_t errsz)
{
	struct fault f;
	const char *p = spec, *colon;
	size_t klen;

	memset(&f, 0, sizeof(f));
	colon = strchr(p, ':');
	klen = colon ? (size_t)(colon - p) : strlen(p);
#define KIND(s)	(klen == strlen(s) && strncmp(p, (s), klen) == 0)
	if (KIND("drop"))
		f.kind = F_DROP;
	else if (KIND("drop-after"))
		f.kind = F_DROP_AFTER;
	else if (KIND("deadlock"))
		f.kind = F_DEADLOCK;
	else if (KIND("locktimeout"))
		f.kind = F_LOCKTIMEOUT;
	else if (KIND("delay"))
		f.kind = F_DELAY;
	else if (KIND("hang"))
		f.kind = F_HANG;
	else if (KIND("close"))
		f.kind = F_CLOSE;
	else {
		snprintf(err, errsz, "unknown fault '%.*s'", (int)klen, p);
		return -1;
	}
#undef KIND
	/* then key=value items separated by ':'; match= takes the rest */
	p = colon ? colon + 1 : NULL;
	while (p != NULL) {
		char key[16], *end;
		const char *eq = strchr(p, '=');
		unsigned long v;
		size_t kl;

		if (eq == NULL || (kl = (size_t)(eq - p)) == 0 ||
		    kl >= sizeof(key))
			goto bad;
		memcpy(key, p, kl);
		key[kl] = '\0';
		if (strcmp(key, "match") == 0) {
			if (eq[1] == '\0' || f.match != NULL)
				goto bad;
			f.match = xstrdup(eq + 1);
			break;
		}
		v = strtoul(eq + 1, &end, 10);
		if (end == eq + 1 || (*end != '\0' && *end != ':'))
			goto bad;
		if (strcmp(key, "batch") == 0 && v > 0)
			f.batch = v;
		else if (strcmp(key, "bytes") == 0 && f.kind == F_DROP && v > 0)
			f.bytes = v;
		else if (strcmp(key, "packets") == 0 && f.kind == F_CLOSE &&
		    v > 0)
			f.packets = v;
		else if (strcmp(key, "ms") == 0 && f.kind == F_DELAY &&
		    v > 0 && v <= 3600000)
			f.ms = (int)v;
		else
			goto bad;
		p = *end == ':' ? end + 1 : NULL;
	}
	if (f.kind == F_CLOSE) {
		if (f.packets == 0 || f.batch || f.match)
			goto bad;
	} else if (f.batch == 0 && f.match == NULL) {
		if (f.kind != F_DELAY)
			goto bad;
		f.every = 1;
	} else if (f.batch != 0 && f.match != NULL)
		goto bad;
	if ((f.bytes != 0 && f.batch == 0) || (f.kind == F_DELAY && f.ms == 0))
		goto bad;
	fs->v = xreallocarray(fs->v, (size_t)fs->n + 1, sizeof(*fs->v));
	fs->v[fs->n++] = f;
	return 0;
bad:
	snprintf(err, errsz, "bad fault specification '%s'", spec);
	free(f.match);
	return -1;
}

/* Claim a fault: 1 when it fires now (once per server life). */
static int
fault_claim(struct fault *f)
{
	if (f->every)
		return 1;
	return __atomic_exchange_n(&f->fired, 1, __ATOMIC_ACQ_REL) == 0;
}

/* Faults chosen by batch number that act before the text is known. */
static int
fault_early(struct sess *s)
{
	struct faults *fs = &s->conf->f;
	int i;

	for (i = 0; i < fs->n; i++) {
		struct fault *f = &fs->v[i];

		if (f->kind == F_DROP && f->batch == s->batchno &&
		    f->bytes > 0 && s->msgbytes >= f->bytes &&
		    fault_claim(f)) {
			if (s->conf->verbose)
				fprintf(stderr, "tdsd: fault: drop batch %lu"
				    " after %zu bytes\n", s->batchno,
				    s->msgbytes);
			return 1;
		}
	}
	return 0;
}

/* The first fault that applies to this batch (its text in UTF-8). */
static struct fault *
fault_for(struct sess *s, const char *text)
{
	struct faults *fs = &s->conf->f;
	int i;

	for (i = 0; i < fs->n; i++) {
		struct fault *f = &fs->v[i];

		if (f->kind == F_CLOSE || (f->kind == F_DROP && f->bytes > 0))
			continue;
		if (f->every || (f->batch != 0 && f->batch == s->batchno) ||
		    (f->match != NULL && strstr(text, f->match) != NULL)) {
			if (__atomic_load_n(&f->fired, __ATOMIC_ACQUIRE) &&
			    !f->every)
				continue;
			if (fault_claim(f))
				return f;
		}
	}
	return NULL;
}

static int
sleep_ms(struct sess *s, int ms)
{
	if (s->wait_attn != NULL)
		return s->wait_attn(s, ms);
	{
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* Messages */

static void
protocol_error(struct sess *s, const char *what)
{
	struct tderr e;

	tderr_set(&e, 4002, 16,
	    "The incoming tabular data stream (TDS) protocol stream is incorrect. %s",
	    what);
	sess_error(s, &e);
	sess_done(s, DONE_ERROR, 0, 0);
	sess_reply_end(s);
}

static int
do_prelogin(struct sess *s, const uint8_t *p, size_t n)
{
	struct prelogin pl;

	if (prelogin_parse(p, n, &pl) != 0)
		return -1;
	s->out.type = PKT_REPLY;
	/* always ENCRYPT_NOT_SUP: tdsd has no TLS */
	prelogin_reply(&s->out, 2);
	out_end(&s->out);
	s->state = SS_LOGIN;
	return 0;
}

static void
login_fail(struct sess *s, int num, int cls, const char *fmt, const char *arg)
{
	struct tderr e;

	tderr_set(&e, num, cls, fmt, arg);
	sess_error(s, &e);
}

static int
do_login(struct sess *s, const uint8_t *p, size_t n)
{
	struct login7 l;
	static const uint8_t progver[4] = { 16, 0, 0x03, 0xE8 };
	char size[16];
	unsigned psize;
	int bad = 0;

	if (login7_parse(p, n, &l) != 0)
		return -1;
	s->st_logins++;
	if (l.tdsver < TDS71 || (l.tdsver >> 24) > 0x74) {
		login7_free(&l);
		return -1;
	}
	s->tdsver = l.tdsver;
	s->user = xstrdup(l.user);
	s->app = xstrdup(l.app);
	if (s->conf->user == NULL || strcmp(l.user, s->conf->user) != 0 ||
	    s->conf->password == NULL ||
	    strcmp(l.password, s->conf->password) != 0) {
		login_fail(s, 18456, 14, "Login failed for user '%s'.", l.user);
		bad = 1;
	} else if (l.database[0] != '\0' && !ieq(l.database,
	    s->conf->dbname)) {
		login_fail(s, 4060, 11,
		    "Cannot open database \"%s\" requested by the login. The login failed.",
		    l.database);
		login_fail(s, 18456, 14, "Login failed for user '%s'.", l.user);
		bad = 1;
	}
	if (bad) {
		if (s->conf->verbose)
			fprintf(stderr, "tdsd: spid %u: login refused (user"
			    " '%s')\n", s->spid, l.user);
		tok_done(&s->out, TOK_DONE, DONE_ERROR, 0, 0, s->tdsver);
		out_end(&s->out);
		login7_free(&l);
		s->state = SS_DEAD;
		return 0;
	}
	s->database = xstrdup(s->conf->dbname);
	psize = l.packetsize == 0 ? 4096 : l.packetsize;
	if (psize < 512)
		psize = 512;
	if (psize > 32767)
		psize = 32767;
	tok_env_str(&s->out, 1, s->conf->dbname, "master");
	sess_info(s, 5701, "Changed database context to '%s'.",
	    s->conf->dbname);
	tok_env_bytes(&s->out, 7, tds_collation, 5, NULL, 0);
	tok_env_str(&s->out, 2, "us_english", "");
	sess_info(s, 5703, "Changed language setting to us_english.");
	tok_loginack(&s->out, l.tdsver, "Microsoft SQL Server", progver);
	snprintf(size, sizeof(size), "%u", psize);
	tok_env_str(&s->out, 4, size, "4096");
	if (l.has_featureext)
		out_u8(&s->out, 0xAE), out_u8(&s->out, 0xFF);
	tok_done(&s->out, TOK_DONE, 0, 0, 0, s->tdsver);
	out_end(&s->out);
	s->out.pktsize = psize;
	s->state = SS_READY;
	if (s->conf->verbose)
		fprintf(stderr, "tdsd: spid %u: login user '%s' app '%s' tds"
		    " %08x packet %u\n", s->spid, l.user, l.app,
		    (unsigned)l.tdsver, psize);
	login7_free(&l);
	return 0;
}

/* Skip ALL_HEADERS (TDS 7.2+); -1 when malformed. */
static int
skip_headers(struct sess *s, struct rd *r)
{
	uint32_t total;

	if (s->tdsver < TDS72)
		return 0;
	total = rd_u32(r);
	if (r->err || total < 4 || total > r->n)
		return -1;
	{
		/* each header: length (4, itself included), type (2), data */
		size_t end = total, off = 4;

		while (off < end) {
			uint32_t hl;

			if (end - off < 6)
				return -1;
			hl = (uint32_t)r->p[off] | (uint32_t)r->p[off + 1] << 8 |
			    (uint32_t)r->p[off + 2] << 16 |
			    (uint32_t)r->p[off + 3] << 24;
			if (hl < 6 || hl > end - off)
				return -1;
			off += hl;
		}
	}
	r->off = total;
	return 0;
}

static int
do_batch(struct sess *s, const uint8_t *p, size_t n)
{
	struct rd r;
	struct buf text = BUF_INIT;
	size_t bad;
	struct fault *f;

	s->st_batches++;
	rd_init(&r, p, n);
	if (skip_headers(s, &r) != 0) {
		protocol_error(s, "ALL_HEADERS of the SQL batch are malformed.");
		return 0;
	}
	if (utf16_to_utf8(p + r.off, n - r.off, &text, &bad) != 0) {
		char what[160];

		snprintf(what, sizeof(what),
		    "The SQL batch text is not well-formed UTF-16LE (%s at byte %zu).",
		    (n - r.off) % 2 ? "odd length" : "unpaired surrogate",
		    bad);
		buf_free(&text);
		protocol_error(s, what);
		return 0;
	}
	buf_addc(&text, 0);
	text.len--;
	if (s->conf->verbose)
		fprintf(stderr, "tdsd: spid %u: batch %lu: %.200s%s\n", s->spid,
		    s->batchno, text.s, text.len > 200 ? "..." : "");
	if ((f = fault_for(s, text.s)) != NULL) {
		if (s->conf->verbose)
			fprintf(stderr, "tdsd: spid %u: fault %d on batch %lu\n",
			    s->spid, (int)f->kind, s->batchno);
		switch (f->kind) {
		case F_DROP:
			buf_free(&text);
			return -1;
		case F_DROP_AFTER:
			/* run it, reply to nobody */
			s->out.failed = 1;
			exec_text(s, text.s, text.len);
			buf_free(&text);
			return -1;
		case F_DEADLOCK:
			exec_fault_error(s, 1205);
			sess_reply_end(s);
			buf_free(&text);
			return 0;
		case F_LOCKTIMEOUT:
			exec_fault_error(s, 1222);
			sess_reply_end(s);
			buf_free(&text);
			return 0;
		case F_DELAY:
			if (sleep_ms(s, f->ms) != 0) {
				s->cancelled = 1;
				sess_reply_end(s);
				buf_free(&text);
				return 0;
			}
			break;
		case F_HANG:
			/* until the client gives up (ATTENTION or close) */
			for (;;) {
				int rc = sleep_ms(s, 1000);

				if (rc > 0) {
					s->cancelled = 1;
					sess_reply_end(s);
					buf_free(&text);
					return 0;
				}
				if (rc < 0 || s->wait_attn == NULL) {
					buf_free(&text);
					return -1;
				}
			}
		default:
			break;
		}
	}
	exec_text(s, text.s, text.len);
	buf_free(&text);
	sess_reply_end(s);
	return 0;
}

static const char *
rpc_name(unsigned id)
{
	static const char *const names[] = { NULL, "sp_cursor",
	    "sp_cursoropen", "sp_cursorprepare", "sp_cursorexecute",
	    "sp_cursorprepexec", "sp_cursorunprepare", "sp_cursorfetch",
	    "sp_cursoroption", "sp_cursorclose", "sp_executesql",
	    "sp_prepare", "sp_execute", "sp_prepexec", "sp_prepexecrpc",
	    "sp_unprepare" };

	return id < sizeof(names) / sizeof(names[0]) && names[id] ? names[id] :
	    "?";
}

static void
do_rpc(struct sess *s, const uint8_t *p, size_t n)
{
	struct rd r;
	struct buf name = BUF_INIT;
	struct tderr e;
	unsigned len;

	s->st_rpc++;
	rd_init(&r, p, n);
	if (skip_headers(s, &r) != 0) {
		protocol_error(s, "ALL_HEADERS of the RPC are malformed.");
		return;
	}
	len = rd_u16(&r);
	if (len == 0xFFFF)
		buf_adds(&name, rpc_name(rd_u16(&r)));
	else {
		const uint8_t *q = rd_bytes(&r, (size_t)len * 2);

		if (q != NULL)
			utf16_to_utf8_lossy(q, (size_t)len * 2, &name);
	}
	if (r.err) {
		buf_free(&name);
		protocol_error(s, "The RPC request is truncated.");
		return;
	}
	buf_addc(&name, 0);
	tderr_set(&e, 2812, 16,
	    "Could not find stored procedure '%s'. (tdsd takes SQL batches only: no RPC)",
	    name.s);
	buf_free(&name);
	sess_error(s, &e);
	tok_done(&s->out, TOK_DONEPROC, DONE_ERROR, 0, 0, s->tdsver);
	out_end(&s->out);
}

static void
do_txmgr(struct sess *s, const uint8_t *p, size_t n)
{
	struct rd r;
	unsigned type;
	int cont = 0;

	rd_init(&r, p, n);
	if (skip_headers(s, &r) != 0) {
		protocol_error(s, "ALL_HEADERS of the transaction manager request are malformed.");
		return;
	}
	type = rd_u16(&r);
	if (r.err) {
		protocol_error(s, "The transaction manager request is truncated.");
		return;
	}
	if (type == 7 || type == 8) {
		int k = rd_u8(&r);

		(void)rd_bytes(&r, (size_t)k * 2);
		cont = rd_u8(&r) & 1;
		if (r.err)
			cont = 0;
	}
	switch (type) {
	case 5:
		exec_tm(s, 'B', 0);
		break;
	case 7:
		exec_tm(s, 'C', cont);
		break;
	case 8:
		exec_tm(s, 'R', cont);
		break;
	default: {
		struct tderr e;

		tderr_set(&e, 50000, 16,
		    "tdsd: transaction manager request %u is not implemented",
		    type);
		sess_error(s, &e);
		sess_done(s, DONE_ERROR, 0, 0);
		break;
	}
	}
	sess_reply_end(s);
}

static int
dispatch(struct sess *s)
{
	const uint8_t *p = (const uint8_t *)s->msg.s;
	size_t n = s->msg.len;

	if (p == NULL)
		p = (const uint8_t *)"";
	switch (s->msgtype) {
	case PKT_PRELOGIN:
		if (s->state != SS_PRELOGIN)
			return -1;
		return do_prelogin(s, p, n);
	case PKT_LOGIN7:
		if (s->state != SS_PRELOGIN && s->state != SS_LOGIN)
			return -1;
		return do_login(s, p, n);
	case PKT_SQLBATCH:
		if (s->state != SS_READY)
			return -1;
		return do_batch(s, p, n);
	case PKT_RPC:
		if (s->state != SS_READY)
			return -1;
		do_rpc(s, p, n);
		return 0;
	case PKT_TXMGR:
		if (s->state != SS_READY)
			return -1;
		do_txmgr(s, p, n);
		return 0;
	case PKT_ATTN:
		if (s->state != SS_READY)
			return -1;
		s->cancelled = 1;
		sess_reply_end(s);
		return 0;
	default:
		return -1;
	}
}

int
sess_packet(struct sess *s, const uint8_t *pkt, size_t n)
{
	unsigned type, status, len;
	const uint8_t *payload;
	size_t plen;
	int eom, rc = 0;

	if (s->state == SS_DEAD || n < 8)
		return -1;
	type = pkt[0];
	status = pkt[1];
	len = (unsigned)pkt[2] << 8 | pkt[3];
	if (len != n)
		return -1;
	payload = pkt + 8;
	plen = n - 8;
	eom = (status & PKT_ST_EOM) != 0;
	s->st_pkin++;
	s->st_bytesin += n;
	if (!s->inmsg) {
		s->inmsg = 1;
		s->msgtype = (int)type;
		s->msgbytes = 0;
		buf_reset(&s->msg);
		if (type == PKT_SQLBATCH)
			s->batchno = __atomic_add_fetch(&s->conf->nbatches, 1,
			    __ATOMIC_RELAXED);
		if (type == PKT_BULK) {
			s->st_bulk++;
			(void)__atomic_add_fetch(&s->conf->nbulks, 1,
			    __ATOMIC_RELAXED);
		}
	} else if ((int)type != s->msgtype) {
		/* ATTENTION in the middle of a request: drop the request */
		if (type == PKT_ATTN && s->state == SS_READY) {
			if (s->msgtype == PKT_BULK)
				exec_bulk_reset(s);
			s->inmsg = 0;
			buf_reset(&s->msg);
			s->cancelled = 1;
			sess_reply_end(s);
			return 0;
		}
		return -1;
	}
	s->msgbytes += n;
	if (status & PKT_ST_IGNORE) {
		/* the client cancelled the request it was sending */
		if (eom) {
			if (s->msgtype == PKT_BULK)
				exec_bulk_reset(s);
			s->inmsg = 0;
			buf_reset(&s->msg);
		}
		return 0;
	}
	if (s->msgtype == PKT_SQLBATCH && fault_early(s)) {
		s->state = SS_DEAD;
		return -1;
	}
	if (s->msgtype == PKT_BULK) {
		if (s->state != SS_READY)
			return -1;
		exec_bulk(s, payload, plen, eom);
		if (eom)
			s->inmsg = 0;
		return s->state == SS_DEAD ? -1 : 0;
	}
	if (s->msg.len + plen > MAX_MESSAGE)
		return -1;
	buf_add(&s->msg, payload, plen);
	if (!eom)
		return 0;
	s->inmsg = 0;
	rc = dispatch(s);
	buf_reset(&s->msg);
	if (s->msg.cap > ((size_t)1 << 20)) {
		buf_free(&s->msg);
	}
	if (rc != 0)
		s->state = SS_DEAD;
	return s->state == SS_DEAD || s->out.failed ? -1 : 0;
}
