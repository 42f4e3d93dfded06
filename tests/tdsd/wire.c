/*
 * wire: the byte level of TDS.  Bounds-checked readers, the reply packet
 * writer, UTF-16LE and CP1252 text, the tokens every reply uses, and the
 * PRELOGIN and LOGIN7 messages (MS-TDS 2.2.6.4, 2.2.6.5, 2.2.7).
 */
#include <stdlib.h>
#include <string.h>

#include "claimkit/xalloc.h"
#include "tdsd.h"

/* SQL_Latin1_General_CP1_CI_AS: LCID 0x0409, flags 0xD0, sort id 52. */
const uint8_t tds_collation[5] = { 0x09, 0x04, 0xD0, 0x00, 0x34 };

void
rd_init(struct rd *r, const void *p, size_t n)
{
	r->p = p;
	r->n = n;
	r->off = 0;
	r->err = 0;
}

size_t
rd_left(const struct rd *r)
{
	return r->err ? 0 : r->n - r->off;
}

const uint8_t *
rd_bytes(struct rd *r, size_t n)
{
	const uint8_t *p;

	if (r->err || n > r->n - r->off) {
		r->err = 1;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

int
rd_u8(struct rd *r)
{
	const uint8_t *p = rd_bytes(r, 1);

	return p ? p[0] : 0;
}

unsigned
rd_u16(struct rd *r)
{
	const uint8_t *p = rd_bytes(r, 2);

	return p ? (unsigned)(p[0] | p[1] << 8) : 0;
}

unsigned
rd_u16be(struct rd *r)
{
	const uint8_t *p = rd_bytes(r, 2);

	return p ? (unsigned)(p[0] << 8 | p[1]) : 0;
}

uint32_t
rd_u32(struct rd *r)
{
	const uint8_t *p = rd_bytes(r, 4);

	return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24 : 0;
}

uint64_t
rd_u64(struct rd *r)
{
	uint64_t lo = rd_u32(r);
	uint64_t hi = rd_u32(r);

	return lo | hi << 32;
}

/* ---------------------------------------------------------------- */
/* Text */

static void
put_utf8(struct buf *out, uint32_t c)
{
	char t[4];

	if (c < 0x80) {
		buf_addc(out, (int)c);
		return;
	}
	if (c < 0x800) {
		t[0] = (char)(0xC0 | c >> 6);
		t[1] = (char)(0x80 | (c & 0x3F));
		buf_add(out, t, 2);
	} else if (c < 0x10000) {
		t[0] = (char)(0xE0 | c >> 12);
		t[1] = (char)(0x80 | (c >> 6 & 0x3F));
		t[2] = (char)(0x80 | (c & 0x3F));
		buf_add(out, t, 3);
	} else {
		t[0] = (char)(0xF0 | c >> 18);
		t[1] = (char)(0x80 | (c >> 12 & 0x3F));
		t[2] = (char)(0x80 | (c >> 6 & 0x3F));
		t[3] = (char)(0x80 | (c & 0x3F));
		buf_add(out, t, 4);
	}
}

static int
utf16_conv(const uint8_t *p, size_t n, struct buf *out, size_t *bad,
    int lossy)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2) {
		uint32_t c = (uint32_t)(p[i] | p[i + 1] << 8);

		if (c >= 0xD800 && c <= 0xDBFF && i + 3 < n) {
			uint32_t d = (uint32_t)(p[i + 2] | p[i + 3] << 8);

			if (d >= 0xDC00 && d <= 0xDFFF) {
				put_utf8(out, 0x10000 + ((c - 0xD800) << 10) +
				    (d - 0xDC00));
				i += 2;
				continue;
			}
		}
		if (c >= 0xD800 && c <= 0xDFFF) {
			if (!lossy) {
				if (bad != NULL)
					*bad = i;
				return -1;
			}
			c = 0xFFFD;
		}
		put_utf8(out, c);
	}
	if (n % 2 != 0) {
		if (!lossy) {
			if (bad != NULL)
				*bad = n - 1;
			return -1;
		}
		put_utf8(out, 0xFFFD);
	}
	return 0;
}

int
utf16_to_utf8(const uint8_t *p, size_t n, struct buf *out, size_t *bad)
{
	return utf16_conv(p, n, out, bad, 0);
}

void
utf16_to_utf8_lossy(const uint8_t *p, size_t n, struct buf *out)
{
	(void)utf16_conv(p, n, out, NULL, 1);
}

/*
 * Decode one UTF-8 sequence at s[*i..n); returns the code point and
 * advances *i, or returns -1 (and advances one byte) when invalid.
 */
static int32_t
utf8_next(const char *s, size_t n, size_t *i)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t k = *i;
	uint32_t c = u[k];
	int len, j;

	if (c < 0x80) {
		*i = k + 1;
		return (int32_t)c;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		c &= 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		c &= 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		c &= 0x07;
	} else {
		*i = k + 1;
		return -1;
	}
	if (k + (size_t)len > n) {
		*i = k + 1;
		return -1;
	}
	for (j = 1; j < len; j++) {
		if ((u[k + j] & 0xC0) != 0x80) {
			*i = k + 1;
			return -1;
		}
		c = c << 6 | (u[k + j] & 0x3F);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 ||
	    c > 0x10FFFF)) || (c >= 0xD800 && c <= 0xDFFF)) {
		*i = k + 1;
		return -1;
	}
	*i = k + (size_t)len;
	return (int32_t)c;
}

int
utf8_valid(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n)
		if (utf8_next(s, n, &i) < 0)
			return 0;
	return 1;
}

int
utf8_has_multibyte(const char *s, size_t n)
{
	size_t i = 0;
	int multi = 0;
	int32_t c;

	while (i < n) {
		if ((c = utf8_next(s, n, &i)) < 0)
			return 0;
		if (c >= 0x80)
			multi = 1;
	}
	return multi;
}

size_t
utf8_chars(const char *s, size_t n)
{
	size_t i = 0, k = 0;

	while (i < n) {
		(void)utf8_next(s, n, &i);
		k++;
	}
	return k;
}

size_t
utf8_to_utf16(const char *s, size_t n, struct buf *out)
{
	size_t i = 0, units = 0;
	uint8_t b[4];

	buf_grow(out, n * 2);
	while (i < n) {
		int32_t c = utf8_next(s, n, &i);

		if (c < 0)
			c = 0xFFFD;
		if (c >= 0x10000) {
			uint32_t v = (uint32_t)c - 0x10000;
			uint32_t hi = 0xD800 + (v >> 10), lo = 0xDC00 +
			    (v & 0x3FF);

			b[0] = (uint8_t)hi;
			b[1] = (uint8_t)(hi >> 8);
			b[2] = (uint8_t)lo;
			b[3] = (uint8_t)(lo >> 8);
			buf_add(out, b, 4);
			units += 2;
		} else {
			b[0] = (uint8_t)c;
			b[1] = (uint8_t)(c >> 8);
			buf_add(out, b, 2);
			units++;
		}
	}
	return units;
}

size_t
utf8_units16(const char *s, size_t n)
{
	size_t i = 0, units = 0;

	while (i < n) {
		int32_t c = utf8_next(s, n, &i);

		units += c >= 0x10000 ? 2 : 1;
	}
	return units;
}

/* CP1252 0x80..0x9F; 0 marks the five undefined bytes. */
static const uint16_t cp1252_hi[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178
};

void
cp1252_to_utf8(const uint8_t *p, size_t n, struct buf *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t c = p[i];

		if (c >= 0x80 && c < 0xA0 && cp1252_hi[c - 0x80] != 0)
			c = cp1252_hi[c - 0x80];
		put_utf8(out, c);
	}
}

void
utf8_to_cp1252(const char *s, size_t n, struct buf *out)
{
	size_t i = 0;
	int k;

	while (i < n) {
		int32_t c = utf8_next(s, n, &i);

		if (c >= 0 && (c < 0x80 || (c >= 0xA0 && c <= 0xFF))) {
			buf_addc(out, c);
			continue;
		}
		for (k = 0; k < 32; k++)
			if (c > 0 && cp1252_hi[k] == (uint32_t)c)
				break;
		if (k < 32)
			buf_addc(out, 0x80 + k);
		else if (c >= 0x80 && c < 0xA0)
			buf_addc(out, c);	/* the undefined bytes */
		else
			buf_addc(out, '?');
	}
}

/* ---------------------------------------------------------------- */
/* The reply writer */

static void
out_packet(struct tdsout *o, size_t n, int eom)
{
	uint8_t h[8];
	size_t tot = n + 8;
	struct buf pkt = BUF_INIT;

	h[0] = o->type;
	h[1] = eom ? PKT_ST_EOM : 0;
	h[2] = (uint8_t)(tot >> 8);
	h[3] = (uint8_t)tot;
	h[4] = (uint8_t)(o->spid >> 8);
	h[5] = (uint8_t)o->spid;
	h[6] = ++o->pktid;
	h[7] = 0;
	if (!o->failed) {
		buf_add(&pkt, h, 8);
		buf_add(&pkt, o->b.s, n);
		if (o->send(o->ctx, pkt.s, pkt.len) != 0)
			o->failed = 1;
		o->npackets++;
		buf_free(&pkt);
	}
	memmove(o->b.s, o->b.s + n, o->b.len - n);
	o->b.len -= n;
}

void
out_maybe_flush(struct tdsout *o)
{
	size_t room = o->pktsize - 8;

	while (o->b.len > room)
		out_packet(o, room, 0);
}

void
out_end(struct tdsout *o)
{
	out_maybe_flush(o);
	out_packet(o, o->b.len, 1);
}

void
out_discard(struct tdsout *o)
{
	o->b.len = 0;
}

void
out_u8(struct tdsout *o, unsigned v)
{
	buf_addc(&o->b, (int)(v & 0xFF));
}

void
out_u16(struct tdsout *o, unsigned v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	buf_add(&o->b, b, 2);
}

void
out_u16be(struct tdsout *o, unsigned v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	buf_add(&o->b, b, 2);
}

void
out_u32(struct tdsout *o, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 24) };

	buf_add(&o->b, b, 4);
}

void
out_u32be(struct tdsout *o, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	buf_add(&o->b, b, 4);
}

void
out_u64(struct tdsout *o, uint64_t v)
{
	out_u32(o, (uint32_t)v);
	out_u32(o, (uint32_t)(v >> 32));
}

void
out_bytes(struct tdsout *o, const void *p, size_t n)
{
	buf_add(&o->b, p, n);
}

/* Append s as UTF-16 with a length prefix of lenbytes (1 or 2) in chars. */
static void
out_varchar(struct tdsout *o, const char *s, int lenbytes)
{
	size_t units, max = lenbytes == 1 ? 255 : 65535;
	struct buf u = BUF_INIT;

	units = utf8_to_utf16(s, strlen(s), &u);
	if (units > max)
		units = max;
	if (lenbytes == 1)
		out_u8(o, (unsigned)units);
	else
		out_u16(o, (unsigned)units);
	out_bytes(o, u.s, units * 2);
	buf_free(&u);
}

void
out_bvarchar(struct tdsout *o, const char *s)
{
	out_varchar(o, s, 1);
}

void
out_usvarchar(struct tdsout *o, const char *s)
{
	out_varchar(o, s, 2);
}

/* ---------------------------------------------------------------- */
/* Tokens */

void
tok_done(struct tdsout *o, int tok, unsigned status, unsigned curcmd,
    uint64_t count, uint32_t tdsver)
{
	out_u8(o, (unsigned)tok);
	out_u16(o, status);
	out_u16(o, curcmd);
	if (tdsver >= TDS72)
		out_u64(o, count);
	else
		out_u32(o, (uint32_t)count);
}

void
tok_msg(struct tdsout *o, int tok, int32_t num, int state, int cls,
    const char *msg, const char *server, const char *proc, int32_t line,
    uint32_t tdsver)
{
	size_t lenat;

	out_u8(o, (unsigned)tok);
	lenat = o->b.len;
	out_u16(o, 0);
	out_u32(o, (uint32_t)num);
	out_u8(o, (unsigned)state);
	out_u8(o, (unsigned)cls);
	out_usvarchar(o, msg);
	out_bvarchar(o, server);
	out_bvarchar(o, proc);
	if (tdsver >= TDS72)
		out_u32(o, (uint32_t)line);
	else
		out_u16(o, (unsigned)line);
	{
		size_t len = o->b.len - lenat - 2;

		o->b.s[lenat] = (char)(len & 0xFF);
		o->b.s[lenat + 1] = (char)(len >> 8);
	}
}

void
tok_env_str(struct tdsout *o, int type, const char *newv, const char *oldv)
{
	size_t lenat, len;

	out_u8(o, TOK_ENVCHANGE);
	lenat = o->b.len;
	out_u16(o, 0);
	out_u8(o, (unsigned)type);
	out_bvarchar(o, newv);
	out_bvarchar(o, oldv);
	len = o->b.len - lenat - 2;
	o->b.s[lenat] = (char)(len & 0xFF);
	o->b.s[lenat + 1] = (char)(len >> 8);
}

void
tok_env_bytes(struct tdsout *o, int type, const void *newv, size_t nnew,
    const void *oldv, size_t nold)
{
	out_u8(o, TOK_ENVCHANGE);
	out_u16(o, (unsigned)(1 + 1 + nnew + 1 + nold));
	out_u8(o, (unsigned)type);
	out_u8(o, (unsigned)nnew);
	out_bytes(o, newv, nnew);
	out_u8(o, (unsigned)nold);
	out_bytes(o, oldv, nold);
}

void
tok_loginack(struct tdsout *o, uint32_t tdsver, const char *prog,
    const uint8_t ver[4])
{
	size_t lenat, len;

	out_u8(o, TOK_LOGINACK);
	lenat = o->b.len;
	out_u16(o, 0);
	out_u8(o, 1);			/* interface: SQL_TSQL */
	out_u32be(o, tdsver);		/* as the client sent it, byte for byte */
	out_bvarchar(o, prog);
	out_bytes(o, ver, 4);
	len = o->b.len - lenat - 2;
	o->b.s[lenat] = (char)(len & 0xFF);
	o->b.s[lenat + 1] = (char)(len >> 8);
}

/* ---------------------------------------------------------------- */
/* PRELOGIN (2.2.6.5) */

int
prelogin_parse(const uint8_t *p, size_t n, struct prelogin *pl)
{
	struct rd r;

	memset(pl, 0, sizeof(*pl));
	rd_init(&r, p, n);
	for (;;) {
		int tok = rd_u8(&r);
		unsigned off, len;

		if (r.err)
			return -1;
		if (tok == 0xFF)
			break;
		off = rd_u16be(&r);
		len = rd_u16be(&r);
		if (r.err || off > n || len > n - off)
			return -1;
		switch (tok) {
		case 0:
			if (len >= 6)
				memcpy(pl->version, p + off, 6);
			break;
		case 1:
			if (len >= 1) {
				pl->have_encrypt = 1;
				pl->encrypt = p[off];
			}
			break;
		case 4:
			if (len >= 1)
				pl->mars = p[off];
			break;
		default:
			break;
		}
	}
	return 0;
}

void
prelogin_reply(struct tdsout *o, int encrypt_answer)
{
	/* VERSION 6, ENCRYPTION 1, INSTOPT 1, THREADID 0, MARS 1 */
	static const uint8_t ver[6] = { 0x10, 0x00, 0x07, 0xD0, 0x00, 0x00 };
	unsigned off = 5 * 5 + 1;

	out_u8(o, 0);
	out_u16be(o, off);
	out_u16be(o, 6);
	out_u8(o, 1);
	out_u16be(o, off + 6);
	out_u16be(o, 1);
	out_u8(o, 2);
	out_u16be(o, off + 7);
	out_u16be(o, 1);
	out_u8(o, 3);
	out_u16be(o, off + 8);
	out_u16be(o, 0);
	out_u8(o, 4);
	out_u16be(o, off + 8);
	out_u16be(o, 1);
	out_u8(o, 0xFF);
	out_bytes(o, ver, 6);
	out_u8(o, (unsigned)encrypt_answer);
	out_u8(o, 0);
	out_u8(o, 0);
}

/* ---------------------------------------------------------------- */
/* LOGIN7 (2.2.6.4) */

static char *
login_str(const uint8_t *p, size_t n, unsigned off, unsigned len, int pw)
{
	struct buf b = BUF_INIT;
	uint8_t *tmp;
	size_t i, nb = (size_t)len * 2;

	if (off > n || nb > n - off)
		return NULL;
	tmp = xmalloc(nb + 1);
	memcpy(tmp, p + off, nb);
	if (pw)
		for (i = 0; i < nb; i++) {
			uint8_t c = tmp[i] ^ 0xA5;

			tmp[i] = (uint8_t)(c >> 4 | c << 4);
		}
	utf16_to_utf8_lossy(tmp, nb, &b);
	free(tmp);
	buf_addc(&b, 0);
	return buf_detach(&b, NULL);
}

int
login7_parse(const uint8_t *p, size_t n, struct login7 *l)
{
	struct rd r;
	unsigned off[9], len[9];
	char **dst[9];
	int i;

	memset(l, 0, sizeof(*l));
	if (n < 94)
		return -1;
	rd_init(&r, p, n);
	(void)rd_u32(&r);		/* Length */
	l->tdsver = rd_u32(&r);
	l->packetsize = rd_u32(&r);
	(void)rd_u32(&r);		/* ClientProgVer */
	l->clientpid = rd_u32(&r);
	(void)rd_u32(&r);		/* ConnectionID */
	l->optflags1 = rd_u8(&r);
	l->optflags2 = rd_u8(&r);
	l->typeflags = rd_u8(&r);
	l->optflags3 = rd_u8(&r);
	(void)rd_u32(&r);		/* ClientTimeZone */
	(void)rd_u32(&r);		/* ClientLCID */
	dst[0] = &l->host;
	dst[1] = &l->user;
	dst[2] = &l->password;
	dst[3] = &l->app;
	dst[4] = &l->server;
	dst[5] = NULL;			/* Extension (or unused) */
	dst[6] = &l->library;
	dst[7] = &l->language;
	dst[8] = &l->database;
	for (i = 0; i < 9; i++) {
		off[i] = rd_u16(&r);
		len[i] = rd_u16(&r);
	}
	if (r.err)
		return -1;
	for (i = 0; i < 9; i++) {
		if (dst[i] == NULL)
			continue;
		*dst[i] = login_str(p, n, off[i], len[i], i == 2);
		if (*dst[i] == NULL) {
			login7_free(l);
			return -1;
		}
	}
	l->has_featureext = (l->optflags3 & 0x10) != 0;
	return 0;
}

void
login7_free(struct login7 *l)
{
	free(l->host);
	free(l->user);
	if (l->password != NULL)
		memset(l->password, 0, strlen(l->password));
	free(l->password);
	free(l->app);
	free(l->server);
	free(l->library);
	free(l->language);
	free(l->database);
	memset(l, 0, sizeof(*l));
}
