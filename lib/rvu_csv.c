/*
 * rvu_csv: the CMS PFS files as CMS publishes them, into an index image.
 *
 * PPRRVU (CSV): a title, the AMA/ADA copyright lines, "RELEASED ..." and a
 * column header spread over several rows.  The header row is the one that
 * holds the cells HCPCS and MOD; each column's name is its cells in the rows
 * above (back to the last blank row) joined with the header cell, so
 * "WORK" over "RVU" is "WORK RVU".  Columns are then found by those names,
 * which is why both the 2025 31-column layout and the 2026 32-column one
 * (PRIC IND added before ENDO BASE) load.
 * GPCI (Addendum E, CSV): header row with "Locality Number"; data rows up to
 * the first MAC cell that is not a number (footnotes follow).
 * yyLOCCO (CSV): MAC and locality without leading zeros, blank spacer rows.
 * ANES (CSV): the national anesthesia CF is in a header cell.
 * ZIP5 (fixed width): ZIP 3-7, carrier 8-12, locality 13-14, rural 15,
 * plus-four flag 21, year/quarter 76-80 (ZIP5lyout.txt).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>
#include <sodium.h>

#include "claimkit/buf.h"
#include "claimkit/rvu.h"
#include "claimkit/xalloc.h"

typedef void (*warnfn)(const char *, unsigned long, const char *);

struct pend_locco {
	char	 carrier[5], locality[2];
	uint32_t area_off, area_len, counties_off, counties_len;
};

struct pend_anes {
	char	 carrier[5], locality[2];
	int32_t	 cf;
	unsigned long line;
};

struct pend_zip {
	struct rvu_zip z;
	char	 carrier[5], locality[2];
};

struct rvu_build {
	warnfn		 warn;
	struct rvu_row	*rows;
	size_t		 nrows, caprows;
	struct rvu_loc	*locs;
	size_t		 nlocs, caplocs;
	struct pend_locco *locco;
	size_t		 nlocco, caplocco;
	struct pend_anes *anes;
	size_t		 nanes, capanes;
	struct pend_zip	*zips;
	size_t		 nzips, capzips;
	struct buf	 strs;
	unsigned	 year, gpci_year, anes_year, zip_year;
	int64_t		 cf, anes_cf;
	int		 have[RVU_NSRC];
	char		 fname[RVU_NSRC][112];
	struct rvu_src_info src[RVU_NSRC];
};

static void
seterr(struct rvu_err *e, const char *file, unsigned long line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
seterr(struct rvu_err *e, const char *file, unsigned long line,
    const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return;
	snprintf(e->file, sizeof e->file, "%s", file != NULL ? file : "");
	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

static void
warnf(struct rvu_build *b, const char *file, unsigned long line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
warnf(struct rvu_build *b, const char *file, unsigned long line,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (b->warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	b->warn(file, line, msg);
}

/* A cell value for a message: printable ASCII, at most 40 bytes. */
static const char *
q(const char *s, char *out, size_t outsz)
{
	size_t i, o = 0;

	for (i = 0; s[i] != '\0' && o + 5 < outsz && i < 40; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f)
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", c);
	}
	if (s[i] != '\0' && o + 4 < outsz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

/* ---- a CSV reader on libcsv that keeps line numbers ---- */

struct csvrd {
	struct buf	 fb;		/* field bytes, NUL-separated */
	size_t		*off;
	size_t		 n, cap;
	char		**f;		/* fields of the row being handed out */
	size_t		 fcap;
	unsigned long	 line;
	int		 done, failed;
	int		(*row)(struct csvrd *, char **, size_t, void *);
	void		*arg;
};

static void
trim_inplace(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	if (i > 0)
		memmove(s, s + i, n - i + 1);
}

static void
cb_field(void *s, size_t len, void *data)
{
	struct csvrd *r = data;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->off = xreallocarray(r->off, r->cap, sizeof *r->off);
	}
	r->off[r->n++] = r->fb.len;
	if (len > 0)
		buf_add(&r->fb, s, len);
	buf_addc(&r->fb, '\0');
}

static void
cb_row(int c, void *data)
{
	struct csvrd *r = data;
	size_t i;

	(void)c;
	if (!r->done && !r->failed) {
		if (r->fcap < r->n + 1) {
			r->fcap = r->n + 1;
			r->f = xreallocarray(r->f, r->fcap, sizeof *r->f);
		}
		for (i = 0; i < r->n; i++) {
			r->f[i] = r->fb.s + r->off[i];
			trim_inplace(r->f[i]);
		}
		r->f[r->n] = NULL;
		switch (r->row(r, r->f, r->n, r->arg)) {
		case 0:
			break;
		case 1:
			r->done = 1;
			break;
		default:
			r->failed = 1;
			break;
		}
	}
	r->n = 0;
	buf_reset(&r->fb);
}

/*
 * Feed data to libcsv one line at a time so that row handlers know the line
 * number where their row ends.  Returns 0, or -1 (handler error or CSV
 * syntax error, e filled in).
 */
static int
csv_read(const char *name, const char *data, size_t len,
    int (*row)(struct csvrd *, char **, size_t, void *), void *arg,
    struct rvu_err *e)
{
	struct csv_parser p;
	struct csvrd r;
	size_t pos = 0;
	int rc = 0;

	memset(&r, 0, sizeof r);
	r.row = row;
	r.arg = arg;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		seterr(e, name, 0, "cannot initialise the CSV parser");
		return -1;
	}
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len && !r.done && !r.failed) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (data + pos)) + 1 :
		    len - pos;

		r.line++;
		if (csv_parse(&p, data + pos, n, cb_field, cb_row, &r) != n) {
			seterr(e, name, r.line, "CSV syntax error: %s",
			    csv_strerror(csv_error(&p)));
			rc = -1;
			break;
		}
		pos += n;
	}
	if (rc == 0 && !r.done && !r.failed &&
	    csv_fini(&p, cb_field, cb_row, &r) != 0) {
		seterr(e, name, r.line, "CSV syntax error: %s",
		    csv_strerror(csv_error(&p)));
		rc = -1;
	}
	if (r.failed)
		rc = -1;
	csv_free(&p);
	buf_free(&r.fb);
	free(r.off);
	free(r.f);
	return rc;
}

static int
row_blank(char **f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (f[i][0] != '\0')
			return 0;
	return 1;
}

/* Upper case, one space between words, no space after '-'. */
static void
norm_name(const char *s, char *out, size_t outsz)
{
	size_t o = 0;
	int space = 0;

	for (; *s != '\0' && o + 2 < outsz; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = o > 0 && out[o - 1] != '-';
			continue;
		}
		if (space)
			out[o++] = ' ';
		space = 0;
		out[o++] = (char)toupper(c);
	}
	out[o] = '\0';
}

static int
all_digits(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s), i;

	if (n < min || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Pad a 1..w digit number to w digits into out (w + 1 bytes). */
static int
pad_digits(const char *s, size_t w, char *out)
{
	size_t n = strlen(s);

	if (!all_digits(s, 1, w))
		return -1;
	memset(out, '0', w - n);
	memcpy(out + (w - n), s, n);
	out[w] = '\0';
	return 0;
}

/* First 4-digit year 1990..2199 in s, or 0. */
static unsigned
find_year(const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i + 4 <= n; i++) {
		unsigned y;

		if ((i > 0 && isdigit((unsigned char)s[i - 1])) ||
		    !isdigit((unsigned char)s[i]) ||
		    !isdigit((unsigned char)s[i + 1]) ||
		    !isdigit((unsigned char)s[i + 2]) ||
		    !isdigit((unsigned char)s[i + 3]) ||
		    (i + 4 < n && isdigit((unsigned char)s[i + 4])))
			continue;
		y = (unsigned)((s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 +
		    (s[i + 2] - '0') * 10 + (s[i + 3] - '0'));
		if (y >= 1990 && y < 2200)
			return y;
	}
	return 0;
}

static uint32_t
add_str(struct rvu_build *b, const char *s, uint32_t *len)
{
	uint32_t off = (uint32_t)b->strs.len;
	size_t n = strlen(s);

	if (n > 4096)
		n = 4096;
	buf_add(&b->strs, s, n);
	*len = (uint32_t)n;
	return off;
}

/* ---- PPRRVU ---- */

enum pcol {
	P_HCPCS, P_MOD, P_STATUS, P_NOTUSED, P_WORK, P_PE_NF, P_NA_NF, P_PE_F,
	P_NA_F, P_MP, P_PCTC, P_GLOB, P_PRE, P_INTRA, P_POST, P_MULT,
	P_BILAT, P_ASST, P_COSURG, P_TEAM, P_PRIC, P_ENDO, P_CF, P_SUPERV,
	P_DIFAM, P_OPPS_NF, P_OPPS_F, P_OPPS_MP, P_NCOL
};

static const struct {
	const char	*name;
	int		 required;
} pcols[P_NCOL] = {
	[P_HCPCS] = { "HCPCS", 1 },
	[P_MOD] = { "MOD", 1 },
	[P_STATUS] = { "STATUS CODE", 1 },
	[P_NOTUSED] = { "NOT USED FOR MEDICARE PAYMENT", 0 },
	[P_WORK] = { "WORK RVU", 1 },
	[P_PE_NF] = { "NON-FAC PE RVU", 1 },
	[P_NA_NF] = { "NON-FAC NA INDICATOR", 0 },
	[P_PE_F] = { "FACILITY PE RVU", 1 },
	[P_NA_F] = { "FACILITY NA INDICATOR", 0 },
	[P_MP] = { "MP RVU", 1 },
	[P_PCTC] = { "PCTC IND", 1 },
	[P_GLOB] = { "GLOB DAYS", 1 },
	[P_PRE] = { "PRE OP", 1 },
	[P_INTRA] = { "INTRA OP", 1 },
	[P_POST] = { "POST OP", 1 },
	[P_MULT] = { "MULT PROC", 1 },
	[P_BILAT] = { "BILAT SURG", 1 },
	[P_ASST] = { "ASST SURG", 1 },
	[P_COSURG] = { "CO-SURG", 1 },
	[P_TEAM] = { "TEAM SURG", 1 },
	[P_PRIC] = { "PRIC IND", 0 },
	[P_ENDO] = { "ENDO BASE", 1 },
	[P_CF] = { "CONV FACTOR", 1 },
	[P_SUPERV] = { "PHYSICIAN SUPERVISION OF DIAGNOSTIC PROCEDURES", 0 },
	[P_DIFAM] = { "DIAGNOSTIC IMAGING FAMILY INDICATOR", 0 },
	[P_OPPS_NF] = { "NON-FACILITY PE USED FOR OPPS PAYMENT AMOUNT", 0 },
	[P_OPPS_F] = { "FACILITY PE USED FOR OPPS PAYMENT AMOUNT", 0 },
	[P_OPPS_MP] = { "MP USED FOR OPPS PAYMENT AMOUNT", 0 },
};

#define PRE_MAX 16

struct pctx {
	struct rvu_build *b;
	const char	*name;
	struct rvu_err	*e;
	int		 header;	/* header row seen */
	char		**pre[PRE_MAX];	/* rows above the header */
	size_t		 npre_f[PRE_MAX];
	size_t		 npre;
	unsigned long	 rows_seen;
	int		 col[P_NCOL];	/* field index, -1 when absent */
	size_t		 ncols;
	int		 have_cf;
};

static void
pre_clear(struct pctx *c)
{
	size_t i, j;

	for (i = 0; i < c->npre; i++) {
		for (j = 0; j < c->npre_f[i]; j++)
			free(c->pre[i][j]);
		free(c->pre[i]);
	}
	c->npre = 0;
}

static int
is_header(char **f, size_t n)
{
	size_t i;
	int hcpcs = 0, mod = 0;

	for (i = 0; i < n; i++) {
		if (strcasecmp(f[i], "HCPCS") == 0)
			hcpcs = 1;
		else if (strcasecmp(f[i], "MOD") == 0)
			mod = 1;
	}
	return hcpcs && mod;
}

static int
p_header(struct pctx *c, char **f, size_t n)
{
	size_t i, r;
	int k;
	char q1[64];

	for (k = 0; k < P_NCOL; k++)
		c->col[k] = -1;
	for (i = 0; i < n; i++) {
		struct buf j = BUF_INIT;
		char name[256];

		for (r = 0; r < c->npre; r++)
			if (i < c->npre_f[r] && c->pre[r][i][0] != '\0') {
				buf_adds(&j, c->pre[r][i]);
				buf_addc(&j, ' ');
			}
		buf_adds(&j, f[i]);
		norm_name(j.s, name, sizeof name);
		buf_free(&j);
		for (k = 0; k < P_NCOL; k++) {
			if (strcmp(name, pcols[k].name) != 0)
				continue;
			if (c->col[k] >= 0) {
				seterr(c->e, c->name, c->rows_seen, "column "
				    "'%s' appears twice in the header",
				    q(name, q1, sizeof q1));
				return -1;
			}
			c->col[k] = (int)i;
		}
	}
	for (k = 0; k < P_NCOL; k++)
		if (pcols[k].required && c->col[k] < 0) {
			seterr(c->e, c->name, c->rows_seen, "header has no "
			    "column '%s'", pcols[k].name);
			return -1;
		}
	c->ncols = n;
	pre_clear(c);
	c->header = 1;
	return 0;
}

/* Cell of column k, "" when the file has no such column. */
static const char *
cell(const struct pctx *c, char **f, size_t n, int k)
{
	int i = c->col[k];

	return i >= 0 && (size_t)i < n ? f[i] : "";
}

static int
p_rvu(struct pctx *c, char **f, size_t n, int k, int32_t *out, int64_t max)
{
	const char *s = cell(c, f, n, k), *err;
	char q1[64];
	int64_t v;

	if (c->col[k] < 0 && !pcols[k].required) {
		*out = 0;
		return 0;
	}
	if ((err = rvu_dec_parse(s, strlen(s), RVU_DEC, 0, &v)) != NULL ||
	    v > max) {
		seterr(c->e, c->name, c->rows_seen, "invalid %s: %s: '%s'",
		    pcols[k].name, err != NULL ? err : "out of range",
		    q(s, q1, sizeof q1));
		return -1;
	}
	*out = (int32_t)v;
	return 0;
}

/* A one-character indicator ('0'-'9', 'A'-'Z'), ' ' when blank. */
static int
p_ind(struct pctx *c, char **f, size_t n, int k, char *out)
{
	const char *s = cell(c, f, n, k);
	char q1[64];

	if (s[0] == '\0') {
		*out = ' ';
		return 0;
	}
	if (s[1] != '\0' || !isalnum((unsigned char)s[0])) {
		seterr(c->e, c->name, c->rows_seen, "invalid %s: '%s'",
		    pcols[k].name, q(s, q1, sizeof q1));
		return -1;
	}
	*out = (char)toupper((unsigned char)s[0]);
	return 0;
}

/* A fixed-width code of w alphanumerics, blanks when empty. */
static int
p_code(struct pctx *c, char **f, size_t n, int k, char *out, size_t w,
    int allow_empty)
{
	const char *s = cell(c, f, n, k);
	char q1[64];
	size_t i, len = strlen(s);

	if (len == 0 && allow_empty) {
		memset(out, ' ', w);
		return 0;
	}
	if (len != w)
		goto bad;
	for (i = 0; i < w; i++) {
		if (!isalnum((unsigned char)s[i]))
			goto bad;
		out[i] = (char)toupper((unsigned char)s[i]);
	}
	return 0;
bad:
	seterr(c->e, c->name, c->rows_seen, "invalid %s: '%s'", pcols[k].name,
	    q(s, q1, sizeof q1));
	return -1;
}

static int
p_flag(struct pctx *c, char **f, size_t n, int k, const char *yes,
    uint8_t bit, uint8_t *flags)
{
	const char *s = cell(c, f, n, k);
	char q1[64];

	if (s[0] == '\0')
		return 0;
	if (strcasecmp(s, yes) == 0) {
		*flags |= bit;
		return 0;
	}
	seterr(c->e, c->name, c->rows_seen, "invalid %s: '%s'", pcols[k].name,
	    q(s, q1, sizeof q1));
	return -1;
}

static int
p_data(struct pctx *c, char **f, size_t n)
{
	struct rvu_build *b = c->b;
	struct rvu_row r;
	const char *s, *err;
	char q1[64];
	int32_t share;
	int64_t cf;
	const int32_t rmax = RVU_RVU_MAX;

	if (n < c->ncols) {
		seterr(c->e, c->name, c->rows_seen, "row has %zu columns, the "
		    "header %zu", n, c->ncols);
		return -1;
	}
	memset(&r, 0, sizeof r);
	if (p_code(c, f, n, P_HCPCS, r.hcpcs, 5, 0) != 0 ||
	    p_code(c, f, n, P_MOD, r.mod, 2, 1) != 0)
		return -1;
	s = cell(c, f, n, P_STATUS);
	if (strlen(s) != 1 || !isalpha((unsigned char)s[0])) {
		seterr(c->e, c->name, c->rows_seen, "invalid STATUS CODE: "
		    "'%s'", q(s, q1, sizeof q1));
		return -1;
	}
	r.status = (char)toupper((unsigned char)s[0]);
	if (p_rvu(c, f, n, P_WORK, &r.work, rmax) != 0 ||
	    p_rvu(c, f, n, P_PE_NF, &r.pe_nf, rmax) != 0 ||
	    p_rvu(c, f, n, P_PE_F, &r.pe_f, rmax) != 0 ||
	    p_rvu(c, f, n, P_MP, &r.mp, rmax) != 0 ||
	    p_rvu(c, f, n, P_OPPS_NF, &r.opps_pe_nf, rmax) != 0 ||
	    p_rvu(c, f, n, P_OPPS_F, &r.opps_pe_f, rmax) != 0 ||
	    p_rvu(c, f, n, P_OPPS_MP, &r.opps_mp, rmax) != 0)
		return -1;
	if (p_rvu(c, f, n, P_PRE, &share, RVU_ONE) != 0)
		return -1;
	r.pre = (uint16_t)share;
	if (p_rvu(c, f, n, P_INTRA, &share, RVU_ONE) != 0)
		return -1;
	r.intra = (uint16_t)share;
	if (p_rvu(c, f, n, P_POST, &share, RVU_ONE) != 0)
		return -1;
	r.post = (uint16_t)share;
	if (p_code(c, f, n, P_GLOB, r.glob, 3, 1) != 0 ||
	    p_ind(c, f, n, P_PCTC, &r.pctc) != 0 ||
	    p_ind(c, f, n, P_MULT, &r.mult) != 0 ||
	    p_ind(c, f, n, P_BILAT, &r.bilat) != 0 ||
	    p_ind(c, f, n, P_ASST, &r.asst) != 0 ||
	    p_ind(c, f, n, P_COSURG, &r.cosurg) != 0 ||
	    p_ind(c, f, n, P_TEAM, &r.team) != 0 ||
	    p_ind(c, f, n, P_PRIC, &r.pric) != 0 ||
	    p_code(c, f, n, P_DIFAM, r.difam, 2, 1) != 0 ||
	    p_code(c, f, n, P_ENDO, r.endo, 5, 1) != 0 ||
	    p_code(c, f, n, P_SUPERV, r.superv, 2, 1) != 0 ||
	    p_flag(c, f, n, P_NA_NF, "NA", RVU_F_NA_NF, &r.flags) != 0 ||
	    p_flag(c, f, n, P_NA_F, "NA", RVU_F_NA_F, &r.flags) != 0 ||
	    p_flag(c, f, n, P_NOTUSED, "+", RVU_F_NOTMCR, &r.flags) != 0)
		return -1;
	if (r.opps_pe_nf != 0 || r.opps_pe_f != 0 || r.opps_mp != 0)
		r.flags |= RVU_F_OPPS;
	s = cell(c, f, n, P_CF);
	if ((err = rvu_dec_parse(s, strlen(s), RVU_DEC, 0, &cf)) != NULL ||
	    cf <= 0 || cf > RVU_CF_MAX) {
		seterr(c->e, c->name, c->rows_seen, "invalid CONV FACTOR: %s: "
		    "'%s'", err != NULL ? err : "out of range",
		    q(s, q1, sizeof q1));
		return -1;
	}
	if (!c->have_cf) {
		b->cf = cf;
		c->have_cf = 1;
	} else if (cf != b->cf) {
		char a[RVU_DEC_FMT_SIZE], o[RVU_DEC_FMT_SIZE];

		seterr(c->e, c->name, c->rows_seen, "conversion factor %s "
		    "differs from %s on the rows above: one PPRRVU file holds "
		    "one conversion factor", rvu_dec_fmt(a, cf, RVU_DEC, 4),
		    rvu_dec_fmt(o, b->cf, RVU_DEC, 4));
		return -1;
	}
	if (b->nrows == b->caprows) {
		b->caprows = b->caprows ? b->caprows * 2 : 1024;
		b->rows = xreallocarray(b->rows, b->caprows, sizeof *b->rows);
	}
	b->rows[b->nrows++] = r;
	return 0;
}

static int
p_row(struct csvrd *rd, char **f, size_t n, void *arg)
{
	struct pctx *c = arg;
	size_t i;

	c->rows_seen = rd->line;
	if (row_blank(f, n)) {
		if (!c->header)
			pre_clear(c);
		return 0;
	}
	if (c->header)
		return p_data(c, f, n) == 0 ? 0 : -1;
	if (is_header(f, n))
		return p_header(c, f, n) == 0 ? 0 : -1;
	if (c->b->year == 0)
		for (i = 0; i < n && c->b->year == 0; i++)
			c->b->year = find_year(f[i]);
	if (c->npre == PRE_MAX) {
		seterr(c->e, c->name, rd->line, "no header row (with the "
		    "columns HCPCS and MOD) in the first lines");
		return -1;
	}
	c->pre[c->npre] = xcalloc(n > 0 ? n : 1, sizeof(char *));
	for (i = 0; i < n; i++)
		c->pre[c->npre][i] = xstrdup(f[i]);
	c->npre_f[c->npre++] = n;
	return 0;
}

int
rvu_build_pprrvu(struct rvu_build *b, const char *name, const char *data,
    size_t len, struct rvu_err *e)
{
	struct pctx c;
	int rc;

	if (b->have[RVU_SRC_PPRRVU]) {
		seterr(e, name, 0, "a second PPRRVU file");
		return -1;
	}
	memset(&c, 0, sizeof c);
	c.b = b;
	c.name = name;
	c.e = e;
	rc = csv_read(name, data, len, p_row, &c, e);
	pre_clear(&c);
	if (rc != 0)
		return -1;
	if (!c.header) {
		seterr(e, name, 0, "no header row (with the columns HCPCS and "
		    "MOD)");
		return -1;
	}
	if (b->nrows == 0) {
		seterr(e, name, 0, "no RVU rows");
		return -1;
	}
	if (b->year == 0)
		b->year = find_year(name);
	if (b->year == 0) {
		seterr(e, name, 0, "cannot tell the fee schedule year (no "
		    "year in the title row or the file name)");
		return -1;
	}
	b->have[RVU_SRC_PPRRVU] = 1;
	snprintf(b->fname[RVU_SRC_PPRRVU], sizeof b->fname[0], "%s", name);
	return 0;
}

/* ---- GPCI ---- */

struct gctx {
	struct rvu_build *b;
	const char	*name;
	struct rvu_err	*e;
	int		 header;
	int		 c_mac, c_state, c_loc, c_name, c_w, c_pe, c_mp;
	size_t		 ncols;
};

static int
contains(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

static int
g_header(struct gctx *c, char **f, size_t n, unsigned long line)
{
	size_t i;

	c->c_mac = c->c_state = c->c_loc = c->c_name = -1;
	c->c_w = c->c_pe = c->c_mp = -1;
	for (i = 0; i < n; i++) {
		char nm[256];

		norm_name(f[i], nm, sizeof nm);
		if (c->c_mac < 0 && (contains(nm, "CONTRACTOR") ||
		    strcmp(nm, "MAC") == 0 || strcmp(nm, "CARRIER") == 0))
			c->c_mac = (int)i;
		else if (strcmp(nm, "STATE") == 0)
			c->c_state = (int)i;
		else if (strcmp(nm, "LOCALITY NUMBER") == 0)
			c->c_loc = (int)i;
		else if (strcmp(nm, "LOCALITY NAME") == 0)
			c->c_name = (int)i;
		else if (contains(nm, "PW GPCI") || contains(nm, "WORK GPCI")) {
			c->c_w = (int)i;
			if (c->b->gpci_year == 0)
				c->b->gpci_year = find_year(nm);
		} else if (contains(nm, "PE GPCI"))
			c->c_pe = (int)i;
		else if (contains(nm, "MP GPCI"))
			c->c_mp = (int)i;
	}
	if (c->c_mac < 0 || c->c_loc < 0 || c->c_w < 0 || c->c_pe < 0 ||
	    c->c_mp < 0) {
		seterr(c->e, c->name, line, "GPCI header lacks one of the "
		    "columns MAC, Locality Number, PW GPCI, PE GPCI, MP GPCI");
		return -1;
	}
	c->ncols = n;
	c->header = 1;
	return 0;
}

static const char *
gcell(char **f, size_t n, int i)
{
	return i >= 0 && (size_t)i < n ? f[i] : "";
}

static int
g_gpci(struct gctx *c, const char *s, const char *what, unsigned long line,
    int32_t *out)
{
	const char *err;
	char q1[64];
	int64_t v;

	if ((err = rvu_dec_parse(s, strlen(s), RVU_DEC, 0, &v)) != NULL ||
	    v <= 0 || v > RVU_GPCI_MAX) {
		seterr(c->e, c->name, line, "invalid %s: %s: '%s'", what,
		    err != NULL ? err : "out of range", q(s, q1, sizeof q1));
		return -1;
	}
	*out = (int32_t)v;
	return 0;
}

static int
g_row(struct csvrd *rd, char **f, size_t n, void *arg)
{
	struct gctx *c = arg;
	struct rvu_build *b = c->b;
	struct rvu_loc l;
	const char *s;
	char q1[64];
	size_t i;

	if (!c->header) {
		for (i = 0; i < n; i++) {
			char nm[256];

			norm_name(f[i], nm, sizeof nm);
			if (strcmp(nm, "LOCALITY NUMBER") == 0)
				return g_header(c, f, n, rd->line) == 0 ? 0 :
				    -1;
		}
		if (rd->line > 50) {
			seterr(c->e, c->name, rd->line, "no GPCI header row "
			    "(with the column Locality Number)");
			return -1;
		}
		return 0;
	}
	/* The data end at the first MAC cell that is not a number. */
	s = gcell(f, n, c->c_mac);
	if (!all_digits(s, 1, 5))
		return 1;
	memset(&l, 0, sizeof l);
	pad_digits(s, 5, q1);
	memcpy(l.carrier, q1, 5);
	s = gcell(f, n, c->c_loc);
	if (pad_digits(s, 2, q1) != 0) {
		seterr(c->e, c->name, rd->line, "invalid Locality Number: "
		    "'%s'", q(s, q1, sizeof q1));
		return -1;
	}
	memcpy(l.locality, q1, 2);
	s = gcell(f, n, c->c_state);
	memset(l.state, ' ', 2);
	if (strlen(s) == 2)
		memcpy(l.state, s, 2);
	if (g_gpci(c, gcell(f, n, c->c_w), "PW GPCI", rd->line,
	    &l.gpci_work) != 0 ||
	    g_gpci(c, gcell(f, n, c->c_pe), "PE GPCI", rd->line,
	    &l.gpci_pe) != 0 ||
	    g_gpci(c, gcell(f, n, c->c_mp), "MP GPCI", rd->line,
	    &l.gpci_mp) != 0)
		return -1;
	l.name_off = add_str(b, gcell(f, n, c->c_name), &l.name_len);
	if (b->nlocs == b->caplocs) {
		b->caplocs = b->caplocs ? b->caplocs * 2 : 128;
		b->locs = xreallocarray(b->locs, b->caplocs, sizeof *b->locs);
	}
	if (b->nlocs + 1 >= RVU_NOLOC) {
		seterr(c->e, c->name, rd->line, "too many localities");
		return -1;
	}
	b->locs[b->nlocs++] = l;
	return 0;
}

int
rvu_build_gpci(struct rvu_build *b, const char *name, const char *data,
    size_t len, struct rvu_err *e)
{
	struct gctx c;

	if (b->have[RVU_SRC_GPCI]) {
		seterr(e, name, 0, "a second GPCI file");
		return -1;
	}
	memset(&c, 0, sizeof c);
	c.b = b;
	c.name = name;
	c.e = e;
	if (csv_read(name, data, len, g_row, &c, e) != 0)
		return -1;
	if (!c.header) {
		seterr(e, name, 0, "no GPCI header row (with the column "
		    "Locality Number)");
		return -1;
	}
	if (b->nlocs == 0) {
		seterr(e, name, 0, "no GPCI rows");
		return -1;
	}
	if (b->gpci_year == 0)
		b->gpci_year = find_year(name);
	b->have[RVU_SRC_GPCI] = 1;
	snprintf(b->fname[RVU_SRC_GPCI], sizeof b->fname[0], "%s", name);
	return 0;
}

/* ---- LOCCO ---- */

struct lctx {
	struct rvu_build *b;
	const char	*name;
	struct rvu_err	*e;
	int		 header;
	int		 c_mac, c_loc, c_area, c_counties;
};

static int
l_row(struct csvrd *rd, char **f, size_t n, void *arg)
{
	struct lctx *c = arg;
	struct rvu_build *b = c->b;
	struct pend_locco p;
	const char *s;
	char tmp[8], q1[64];
	size_t i;

	if (!c->header) {
		c->c_mac = c->c_loc = c->c_area = c->c_counties = -1;
		for (i = 0; i < n; i++) {
			char nm[256];

			norm_name(f[i], nm, sizeof nm);
			if (c->c_mac < 0 && (contains(nm, "CONTRACTOR") ||
			    strcmp(nm, "MAC") == 0))
				c->c_mac = (int)i;
			else if (strcmp(nm, "LOCALITY NUMBER") == 0)
				c->c_loc = (int)i;
			else if (strcmp(nm, "FEE SCHEDULE AREA") == 0)
				c->c_area = (int)i;
			else if (strcmp(nm, "COUNTIES") == 0)
				c->c_counties = (int)i;
		}
		if (c->c_mac >= 0 && c->c_loc >= 0 && c->c_counties >= 0)
			c->header = 1;
		else if (rd->line > 50) {
			seterr(c->e, c->name, rd->line, "no locality header "
			    "row (with Locality Number and Counties)");
			return -1;
		}
		return 0;
	}
	if (row_blank(f, n))
		return 0;
	s = gcell(f, n, c->c_mac);
	if (s[0] == '\0')
		return 0;
	if (!all_digits(s, 1, 5))
		return 1;		/* footnotes */
	memset(&p, 0, sizeof p);
	pad_digits(s, 5, tmp);
	memcpy(p.carrier, tmp, 5);
	s = gcell(f, n, c->c_loc);
	if (pad_digits(s, 2, tmp) != 0) {
		seterr(c->e, c->name, rd->line, "invalid Locality Number: "
		    "'%s'", q(s, q1, sizeof q1));
		return -1;
	}
	memcpy(p.locality, tmp, 2);
	p.area_off = add_str(b, gcell(f, n, c->c_area), &p.area_len);
	p.counties_off = add_str(b, gcell(f, n, c->c_counties),
	    &p.counties_len);
	if (b->nlocco == b->caplocco) {
		b->caplocco = b->caplocco ? b->caplocco * 2 : 128;
		b->locco = xreallocarray(b->locco, b->caplocco,
		    sizeof *b->locco);
	}
	b->locco[b->nlocco++] = p;
	return 0;
}

int
rvu_build_locco(struct rvu_build *b, const char *name, const char *data,
    size_t len, struct rvu_err *e)
{
	struct lctx c;

	if (b->have[RVU_SRC_LOCCO]) {
		seterr(e, name, 0, "a second locality file");
		return -1;
	}
	memset(&c, 0, sizeof c);
	c.b = b;
	c.name = name;
	c.e = e;
	if (csv_read(name, data, len, l_row, &c, e) != 0)
		return -1;
	if (!c.header) {
		seterr(e, name, 0, "no locality header row (with Locality "
		    "Number and Counties)");
		return -1;
	}
	b->have[RVU_SRC_LOCCO] = 1;
	snprintf(b->fname[RVU_SRC_LOCCO], sizeof b->fname[0], "%s", name);
	return 0;
}

/* ---- ANES ---- */

struct actx {
	struct rvu_build *b;
	const char	*name;
	struct rvu_err	*e;
	int		 header;
	int		 c_mac, c_loc, c_cf;
};

static int
a_row(struct csvrd *rd, char **f, size_t n, void *arg)
{
	struct actx *c = arg;
	struct rvu_build *b = c->b;
	struct pend_anes p;
	const char *s, *err;
	char tmp[8], q1[64];
	int64_t v;
	size_t i;

	if (!c->header) {
		c->c_mac = c->c_loc = c->c_cf = -1;
		for (i = 0; i < n; i++) {
			char nm[256];
			const char *num;

			norm_name(f[i], nm, sizeof nm);
			if (c->c_mac < 0 && (strcmp(nm, "CONTRACTOR") == 0 ||
			    strcmp(nm, "MAC") == 0 || strcmp(nm, "CARRIER") ==
			    0))
				c->c_mac = (int)i;
			else if (strcmp(nm, "LOCALITY") == 0)
				c->c_loc = (int)i;
			else if (contains(nm, "CF") || contains(nm,
			    "CONVERSION")) {
				c->c_cf = (int)i;
				/* "National Anes CF of 20.3178" */
				num = strrchr(f[i], ' ');
				num = num != NULL ? num + 1 : f[i];
				if (rvu_dec_parse(num, strlen(num), RVU_DEC, 0,
				    &v) == NULL && v > 0 && v <= RVU_CF_MAX)
					b->anes_cf = v;
			}
		}
		if (c->c_mac >= 0 && c->c_loc >= 0 && c->c_cf >= 0)
			c->header = 1;
		else if (rd->line > 50) {
			seterr(c->e, c->name, rd->line, "no anesthesia header "
			    "row (Contractor, Locality, CF)");
			return -1;
		}
		return 0;
	}
	if (row_blank(f, n))
		return 0;
	s = gcell(f, n, c->c_mac);
	if (!all_digits(s, 1, 5))
		return 1;
	memset(&p, 0, sizeof p);
	pad_digits(s, 5, tmp);
	memcpy(p.carrier, tmp, 5);
	s = gcell(f, n, c->c_loc);
	if (pad_digits(s, 2, tmp) != 0) {
		seterr(c->e, c->name, rd->line, "invalid Locality: '%s'",
		    q(s, q1, sizeof q1));
		return -1;
	}
	memcpy(p.locality, tmp, 2);
	s = gcell(f, n, c->c_cf);
	if ((err = rvu_dec_parse(s, strlen(s), RVU_DEC, 0, &v)) != NULL ||
	    v <= 0 || v > RVU_CF_MAX) {
		seterr(c->e, c->name, rd->line, "invalid anesthesia conversion "
		    "factor: %s: '%s'", err != NULL ? err : "out of range",
		    q(s, q1, sizeof q1));
		return -1;
	}
	p.cf = (int32_t)v;
	p.line = rd->line;
	if (b->nanes == b->capanes) {
		b->capanes = b->capanes ? b->capanes * 2 : 128;
		b->anes = xreallocarray(b->anes, b->capanes, sizeof *b->anes);
	}
	b->anes[b->nanes++] = p;
	return 0;
}

int
rvu_build_anes(struct rvu_build *b, const char *name, const char *data,
    size_t len, struct rvu_err *e)
{
	struct actx c;

	if (b->have[RVU_SRC_ANES]) {
		seterr(e, name, 0, "a second anesthesia file");
		return -1;
	}
	memset(&c, 0, sizeof c);
	c.b = b;
	c.name = name;
	c.e = e;
	if (csv_read(name, data, len, a_row, &c, e) != 0)
		return -1;
	if (!c.header) {
		seterr(e, name, 0, "no anesthesia header row (Contractor, "
		    "Locality, CF)");
		return -1;
	}
	b->anes_year = find_year(name);
	b->have[RVU_SRC_ANES] = 1;
	snprintf(b->fname[RVU_SRC_ANES], sizeof b->fname[0], "%s", name);
	return 0;
}

/* ---- ZIP5 ---- */

int
rvu_build_zip5(struct rvu_build *b, const char *name, const char *data,
    size_t len, struct rvu_err *e)
{
	size_t pos = 0;
	unsigned long line = 0;

	if (b->have[RVU_SRC_ZIP5]) {
		seterr(e, name, 0, "a second ZIP5 file");
		return -1;
	}
	while (pos < len) {
		const char *s = data + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - s) : len - pos;
		struct pend_zip p;
		char tmp[8], q1[64];

		pos += n + (nl != NULL);
		line++;
		while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' '))
			n--;
		if (n == 0)
			continue;
		memcpy(tmp, s, n < 7 ? n : 7);
		tmp[n < 7 ? n : 7] = '\0';
		if (n < 14) {
			seterr(e, name, line, "ZIP5 record too short (%zu "
			    "characters): '%s'", n, q(tmp, q1, sizeof q1));
			return -1;
		}
		memset(&p, 0, sizeof p);
		memcpy(tmp, s + 2, 5);
		tmp[5] = '\0';
		if (!all_digits(tmp, 5, 5)) {
			seterr(e, name, line, "invalid ZIP code: '%s'",
			    q(tmp, q1, sizeof q1));
			return -1;
		}
		p.z.zip = (uint32_t)strtoul(tmp, NULL, 10);
		memcpy(tmp, s + 7, 5);
		tmp[5] = '\0';
		if (!all_digits(tmp, 5, 5)) {
			seterr(e, name, line, "invalid carrier: '%s'",
			    q(tmp, q1, sizeof q1));
			return -1;
		}
		memcpy(p.carrier, tmp, 5);
		p.z.carrier = (uint32_t)strtoul(tmp, NULL, 10);
		memcpy(tmp, s + 12, 2);
		tmp[2] = '\0';
		if (!all_digits(tmp, 2, 2)) {
			seterr(e, name, line, "invalid pricing locality: '%s'",
			    q(tmp, q1, sizeof q1));
			return -1;
		}
		memcpy(p.locality, tmp, 2);
		p.z.locality = (uint8_t)strtoul(tmp, NULL, 10);
		p.z.rural = n > 14 && (s[14] == 'R' || s[14] == 'B') ? s[14] :
		    ' ';
		p.z.plus4 = n > 20 && s[20] == '1' ? '1' : '0';
		p.z.loc = RVU_NOLOC;
		if (b->zip_year == 0 && n >= 80) {
			memcpy(tmp, s + 75, 4);
			tmp[4] = '\0';
			b->zip_year = find_year(tmp);
		}
		if (b->nzips == b->capzips) {
			b->capzips = b->capzips ? b->capzips * 2 : 4096;
			b->zips = xreallocarray(b->zips, b->capzips,
			    sizeof *b->zips);
		}
		b->zips[b->nzips++] = p;
	}
	b->have[RVU_SRC_ZIP5] = 1;
	snprintf(b->fname[RVU_SRC_ZIP5], sizeof b->fname[0], "%s", name);
	return 0;
}

/* ---- joining ---- */

struct rvu_build *
rvu_build_alloc(warnfn warn)
{
	struct rvu_build *b = xcalloc(1, sizeof *b);

	b->warn = warn;
	return b;
}

void
rvu_build_free(struct rvu_build *b)
{
	if (b == NULL)
		return;
	free(b->rows);
	free(b->locs);
	free(b->locco);
	free(b->anes);
	free(b->zips);
	buf_free(&b->strs);
	free(b);
}

void
rvu_build_source(struct rvu_build *b, enum rvu_src which,
    const struct rvu_src_info *info)
{
	if ((unsigned)which < RVU_NSRC)
		b->src[which] = *info;
}

static int
cmp_row(const void *a, const void *b)
{
	return memcmp(((const struct rvu_row *)a)->hcpcs,
	    ((const struct rvu_row *)b)->hcpcs, 7);
}

static int
cmp_loc(const void *a, const void *b)
{
	return memcmp(((const struct rvu_loc *)a)->carrier,
	    ((const struct rvu_loc *)b)->carrier, 7);
}

static int
cmp_zip(const void *a, const void *b)
{
	uint32_t x = ((const struct pend_zip *)a)->z.zip;
	uint32_t y = ((const struct pend_zip *)b)->z.zip;

	return x < y ? -1 : x > y;
}

static struct rvu_loc *
find_loc(struct rvu_build *b, const char *carrier, const char *locality)
{
	struct rvu_loc key;

	memcpy(key.carrier, carrier, 5);
	memcpy(key.locality, locality, 2);
	if (b->nlocs == 0)
		return NULL;
	return bsearch(&key, b->locs, b->nlocs, sizeof *b->locs, cmp_loc);
}

struct rvu_db *
rvu_build_finish(struct rvu_build *b, struct rvu_err *e)
{
	struct rvu_zip *zips;
	struct rvu_db *db;
	size_t i, nz = 0, nolocs = 0;

	if (!b->have[RVU_SRC_PPRRVU] || !b->have[RVU_SRC_GPCI]) {
		seterr(e, NULL, 0, "the PPRRVU and GPCI files are both "
		    "required");
		return NULL;
	}
	if (b->gpci_year != 0 && b->gpci_year != b->year) {
		seterr(e, b->fname[RVU_SRC_GPCI], 0, "GPCI file is for %u, "
		    "the RVU file (%s) for %u", b->gpci_year,
		    b->fname[RVU_SRC_PPRRVU], b->year);
		return NULL;
	}
	if (b->have[RVU_SRC_ANES] && b->anes_year != 0 &&
	    b->anes_year != b->year)
		warnf(b, b->fname[RVU_SRC_ANES], 0, "anesthesia file is for "
		    "%u, the RVU file for %u", b->anes_year, b->year);
	if (b->have[RVU_SRC_ZIP5] && b->zip_year != 0 &&
	    b->zip_year != b->year)
		warnf(b, b->fname[RVU_SRC_ZIP5], 0, "ZIP5 file is for %u, the "
		    "RVU file for %u", b->zip_year, b->year);

	if (b->nrows > 1)
		qsort(b->rows, b->nrows, sizeof *b->rows, cmp_row);
	for (i = 1; i < b->nrows; i++)
		if (cmp_row(&b->rows[i - 1], &b->rows[i]) == 0) {
			seterr(e, b->fname[RVU_SRC_PPRRVU], 0, "HCPCS %.5s "
			    "modifier '%.2s' appears twice", b->rows[i].hcpcs,
			    b->rows[i].mod);
			return NULL;
		}
	if (b->nlocs > 1)
		qsort(b->locs, b->nlocs, sizeof *b->locs, cmp_loc);
	for (i = 1; i < b->nlocs; i++)
		if (cmp_loc(&b->locs[i - 1], &b->locs[i]) == 0) {
			seterr(e, b->fname[RVU_SRC_GPCI], 0, "locality "
			    "%.5s-%.2s appears twice", b->locs[i].carrier,
			    b->locs[i].locality);
			return NULL;
		}
	for (i = 0; i < b->nlocco; i++) {
		struct pend_locco *p = &b->locco[i];
		struct rvu_loc *l = find_loc(b, p->carrier, p->locality);

		if (l == NULL) {
			warnf(b, b->fname[RVU_SRC_LOCCO], 0, "locality "
			    "%.5s-%.2s is not in the GPCI file", p->carrier,
			    p->locality);
			continue;
		}
		if (l->flags & RVU_L_LOCCO)
			continue;
		l->flags |= RVU_L_LOCCO;
		l->area_off = p->area_off;
		l->area_len = p->area_len;
		l->counties_off = p->counties_off;
		l->counties_len = p->counties_len;
	}
	for (i = 0; i < b->nanes; i++) {
		struct pend_anes *p = &b->anes[i];
		struct rvu_loc *l = find_loc(b, p->carrier, p->locality);

		if (l == NULL) {
			warnf(b, b->fname[RVU_SRC_ANES], p->line, "locality "
			    "%.5s-%.2s is not in the GPCI file", p->carrier,
			    p->locality);
			continue;
		}
		l->flags |= RVU_L_ANES;
		l->anes_cf = p->cf;
	}
	if (b->nzips > 1)
		qsort(b->zips, b->nzips, sizeof *b->zips, cmp_zip);
	zips = xreallocarray(NULL, b->nzips > 0 ? b->nzips : 1, sizeof *zips);
	for (i = 0; i < b->nzips; i++) {
		struct pend_zip *p = &b->zips[i];
		struct rvu_loc *l;

		if (i > 0 && b->zips[i - 1].z.zip == p->z.zip) {
			if (memcmp(b->zips[i - 1].carrier, p->carrier, 7) == 0)
				continue;
			seterr(e, b->fname[RVU_SRC_ZIP5], 0, "ZIP %05u maps to "
			    "two localities", (unsigned)p->z.zip);
			free(zips);
			return NULL;
		}
		if ((l = find_loc(b, p->carrier, p->locality)) != NULL)
			p->z.loc = (uint16_t)(l - b->locs);
		else
			nolocs++;
		zips[nz++] = p->z;
	}
	if (nolocs > 0)
		warnf(b, b->fname[RVU_SRC_ZIP5], 0, "ZIP codes whose "
		    "locality is not in the GPCI file: %zu", nolocs);
	for (i = 0; i < RVU_NSRC; i++)
		if (b->have[i] && b->src[i].name[0] == '\0') {
			snprintf(b->src[i].name, sizeof b->src[i].name, "%s",
			    b->fname[i]);
			b->src[i].present = 1;
		}
	db = rvu_db_assemble(b->year, b->cf, b->anes_cf, b->rows, b->nrows,
	    b->locs, b->nlocs, zips, nz, b->strs.s, b->strs.len, b->src, e);
	free(zips);
	return db;
}

/* ---- the data directory ---- */

static const struct {
	const char	*prefix;	/* name starts with (case-blind) */
	const char	*infix;		/* or contains, when prefix NULL */
	const char	*suffix;
	int		 required;
} kinds[RVU_NSRC] = {
	[RVU_SRC_PPRRVU] = { "PPRRVU", NULL, ".csv", 1 },
	[RVU_SRC_GPCI] = { "GPCI", NULL, ".csv", 1 },
	[RVU_SRC_LOCCO] = { NULL, "LOCCO", ".csv", 0 },
	[RVU_SRC_ANES] = { "ANES", NULL, ".csv", 0 },
	[RVU_SRC_ZIP5] = { "ZIP5", NULL, ".txt", 0 },
};

static int
has_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, needle, n) == 0)
			return 1;
	return 0;
}

static int
kind_of(const char *name)
{
	size_t n = strlen(name);
	int k;

	for (k = 0; k < RVU_NSRC; k++) {
		size_t sl = strlen(kinds[k].suffix);

		if (n < sl || strcasecmp(name + n - sl, kinds[k].suffix) != 0)
			continue;
		if (kinds[k].prefix != NULL && strncasecmp(name,
		    kinds[k].prefix, strlen(kinds[k].prefix)) != 0)
			continue;
		if (kinds[k].infix != NULL && !has_ci(name, kinds[k].infix))
			continue;
		/* ZIP5lyout.txt is the record layout, not data. */
		if (k == RVU_SRC_ZIP5 && has_ci(name, "lyout"))
			continue;
		return k;
	}
	return -1;
}

/*
 * Find the CMS files in dir: names[k] gets the file name of kind k ("" when
 * absent).  Two candidates of one kind are an error, except that the 2026
 * pair PPRRVU..._nonQPP / _QPP resolves to the non-QP file (the CF that
 * applies to most clinicians).
 */
static int
discover(const char *dir, char names[RVU_NSRC][112], struct rvu_err *e)
{
	DIR *d;
	struct dirent *de;
	int k, nonqpp = 0;

	for (k = 0; k < RVU_NSRC; k++)
		names[k][0] = '\0';
	if ((d = opendir(dir)) == NULL) {
		seterr(e, dir, 0, "cannot open data directory: %s",
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		int isnon;

		if (n[0] == '.' || (k = kind_of(n)) < 0)
			continue;
		if (strlen(n) >= sizeof names[0]) {
			seterr(e, dir, 0, "file name too long: '%.40s...'", n);
			closedir(d);
			return -1;
		}
		isnon = k == RVU_SRC_PPRRVU && has_ci(n, "nonQPP");
		if (names[k][0] != '\0') {
			if (k == RVU_SRC_PPRRVU && (isnon || nonqpp) &&
			    (isnon != nonqpp)) {
				if (isnon) {
					snprintf(names[k], sizeof names[k],
					    "%s", n);
					nonqpp = 1;
				}
				continue;
			}
			seterr(e, dir, 0, "two candidate files '%s' and '%s': "
			    "keep one per kind in the data directory",
			    names[k], n);
			closedir(d);
			return -1;
		}
		snprintf(names[k], sizeof names[k], "%s", n);
		nonqpp = isnon;
	}
	closedir(d);
	for (k = 0; k < RVU_NSRC; k++)
		if (kinds[k].required && names[k][0] == '\0') {
			seterr(e, dir, 0, "no %s%s*%s file in the data "
			    "directory", kinds[k].prefix != NULL ?
			    kinds[k].prefix : "*", kinds[k].infix != NULL ?
			    kinds[k].infix : "", kinds[k].suffix);
			return -1;
		}
	return 0;
}

static char *
joinpath(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* Read a whole file; fills size/mtime/SHA-256 of info. */
static char *
slurp(const char *path, size_t *len, struct rvu_src_info *info,
    struct rvu_err *e)
{
	struct stat st;
	char *data;
	size_t off = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) != 0) {
		seterr(e, path, 0, "cannot open: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (off_t)1 << 30) {
		seterr(e, path, 0, "not a regular file of at most 1 GB");
		close(fd);
		return NULL;
	}
	data = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		ssize_t r = read(fd, data + off, (size_t)st.st_size - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			seterr(e, path, 0, "cannot read: %s", r < 0 ?
			    strerror(errno) : "file shrank while reading");
			free(data);
			close(fd);
			return NULL;
		}
		off += (size_t)r;
	}
	close(fd);
	data[off] = '\0';
	*len = off;
	if (info != NULL) {
		info->size = off;
		info->mtime_sec = st.st_mtim.tv_sec;
		info->mtime_nsec = st.st_mtim.tv_nsec;
		crypto_hash_sha256(info->sha256, (const unsigned char *)data,
		    off);
		info->present = 1;
	}
	return data;
}

struct rvu_db *
rvu_db_load_dir(const char *dir, struct rvu_err *e, warnfn warn)
{
	static int (*const fns[RVU_NSRC])(struct rvu_build *, const char *,
	    const char *, size_t, struct rvu_err *) = {
		rvu_build_pprrvu, rvu_build_gpci, rvu_build_locco,
		rvu_build_anes, rvu_build_zip5
	};
	char names[RVU_NSRC][112];
	struct rvu_build *b;
	struct rvu_db *db = NULL;
	int k;

	if (sodium_init() < 0) {
		seterr(e, NULL, 0, "cannot initialise libsodium");
		return NULL;
	}
	if (discover(dir, names, e) != 0)
		return NULL;
	b = rvu_build_alloc(warn);
	for (k = 0; k < RVU_NSRC; k++) {
		struct rvu_src_info info;
		char *path, *data;
		size_t len;
		int rc;

		if (names[k][0] == '\0')
			continue;
		memset(&info, 0, sizeof info);
		memcpy(info.name, names[k], sizeof info.name);
		path = joinpath(dir, names[k]);
		data = slurp(path, &len, &info, e);
		if (data == NULL) {
			free(path);
			goto out;
		}
		rc = fns[k](b, names[k], data, len, e);
		free(data);
		free(path);
		if (rc != 0)
			goto out;
		rvu_build_source(b, (enum rvu_src)k, &info);
	}
	db = rvu_build_finish(b, e);
out:
	rvu_build_free(b);
	return db;
}

int
rvu_db_check_stale(const struct rvu_db *db, const char *dir,
    struct rvu_err *e)
{
	char names[RVU_NSRC][112];
	int k;

	if (discover(dir, names, e) != 0)
		return -1;
	for (k = 0; k < RVU_NSRC; k++) {
		const struct rvu_src_info *s = rvu_db_source(db,
		    (enum rvu_src)k);
		struct rvu_src_info now;
		struct stat st;
		char *path, *data;
		size_t len;

		if (!s->present && names[k][0] == '\0')
			continue;
		if (!s->present || strcmp(s->name, names[k]) != 0) {
			seterr(e, dir, 0, "index is stale: it was compiled "
			    "from '%s', the data directory has '%s'",
			    s->present ? s->name : "(none)",
			    names[k][0] != '\0' ? names[k] : "(none)");
			return -1;
		}
		path = joinpath(dir, names[k]);
		if (stat(path, &st) == 0 && (uint64_t)st.st_size == s->size &&
		    st.st_mtim.tv_sec == s->mtime_sec &&
		    st.st_mtim.tv_nsec == s->mtime_nsec) {
			free(path);
			continue;
		}
		/* Touched or copied: the content decides. */
		if (sodium_init() < 0) {
			free(path);
			seterr(e, NULL, 0, "cannot initialise libsodium");
			return -1;
		}
		memset(&now, 0, sizeof now);
		data = slurp(path, &len, &now, e);
		free(data);
		if (data == NULL) {
			free(path);
			return -1;
		}
		if (memcmp(now.sha256, s->sha256, 32) != 0) {
			seterr(e, path, 0, "index is stale: the file changed "
			    "since the index was compiled (SHA-256 differs); "
			    "run rvu-price --compile");
			free(path);
			return -1;
		}
		free(path);
	}
	return 0;
}
