/*
 * rvu: fixed-point decimals, the index image and its checks, lookups.
 *
 * The index file (format version 2) is one fixed-size header followed by
 * four sections, each 8-byte aligned:
 *
 *	rows	struct rvu_row[nrows]	sorted by HCPCS + modifier
 *	locs	struct rvu_loc[nlocs]	sorted by carrier + locality
 *	zips	struct rvu_zip[nzips]	sorted by ZIP
 *	strs	bytes			locality names and counties
 *
 * The header records the year, the conversion factors, where each section
 * is, the size, mtime and SHA-256 of every CMS source file, the SHA-256 of
 * the payload and a 64-bit checksum of every other byte of the file.
 * Lookups are binary searches over the sorted arrays, straight from the
 * mapped file.  Native byte order, recorded and checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "claimkit/rvu.h"
#include "claimkit/xalloc.h"

#define IDX_MAGIC	"CKRVUIDX"
#define IDX_VERSION	2
#define IDX_BYTEORDER	0x01020304u

struct ihdr {
	char		 magic[8];
	uint32_t	 version;
	uint32_t	 byteorder;
	uint32_t	 hdr_size;
	uint32_t	 year;
	uint64_t	 file_size;
	int64_t		 cf;
	int64_t		 anes_cf;
	uint64_t	 rows_off;
	uint32_t	 nrows, row_size;
	uint64_t	 locs_off;
	uint32_t	 nlocs, loc_size;
	uint64_t	 zips_off;
	uint32_t	 nzips, zip_size;
	uint64_t	 strs_off, strs_len;
	struct rvu_src_info src[RVU_NSRC];
	uint8_t		 payload_sha256[32];
	uint64_t	 checksum;	/* last: covers all bytes but itself */
};

_Static_assert(sizeof(struct rvu_row) == 64, "rvu_row layout");
_Static_assert(sizeof(struct rvu_loc) == 56, "rvu_loc layout");
_Static_assert(sizeof(struct rvu_zip) == 16, "rvu_zip layout");
_Static_assert(sizeof(struct ihdr) % 8 == 0, "header alignment");
_Static_assert(offsetof(struct ihdr, checksum) + 8 == sizeof(struct ihdr),
    "checksum is the last header field");

struct rvu_db {
	const unsigned char	*base;
	size_t			 len;
	int			 mapped;	/* munmap, else free */
	const struct ihdr	*h;
	const struct rvu_row	*rows;
	const struct rvu_loc	*locs;
	const struct rvu_zip	*zips;
	const char		*strs;
	size_t			 nrows, nlocs, nzips, strslen;
};

/* ---- decimals ---- */

const char *
rvu_dec_parse(const char *s, size_t n, int maxdec, int neg_ok, int64_t *v)
{
	size_t i = 0, nint = 0;
	int64_t x = 0;
	int frac = 0, neg = 0;

	if (n == 0)
		return "empty number";
	if (s[0] == '-' && neg_ok) {
		neg = 1;
		i++;
	}
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, nint++) {
		if (x > (INT64_C(1) << 40))
			return "number too large";
		x = x * 10 + (s[i] - '0');
	}
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (++frac > maxdec)
				return "too many decimal places";
			x = x * 10 + (s[i] - '0');
		}
	}
	if (i < n)
		return "not a number";
	if (nint == 0 && frac == 0)
		return "not a number";
	for (; frac < maxdec; frac++)
		x *= 10;
	*v = neg ? -x : x;
	return NULL;
}

char *
rvu_dec_fmt(char *out, int64_t v, int dec, int mindec)
{
	char tmp[RVU_DEC_FMT_SIZE];
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	int i = sizeof tmp, d, o = 0, keep;

	tmp[--i] = '\0';
	for (d = 0; d < dec; d++) {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	}
	if (dec > 0)
		tmp[--i] = '.';
	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		out[o++] = '-';
	memcpy(out + o, tmp + i, sizeof tmp - (size_t)i);
	/* Drop trailing zeros beyond mindec decimals. */
	if (dec > 0) {
		size_t len = strlen(out);

		keep = dec;
		while (keep > mindec && out[len - 1] == '0') {
			out[--len] = '\0';
			keep--;
		}
		if (keep == 0)
			out[--len] = '\0';	/* the '.' */
	}
	return out;
}

/* ---- arithmetic ---- */

rvu_i128
rvu_fee_exact(int64_t work, int64_t pe, int64_t mp, const struct rvu_loc *loc,
    int64_t cf)
{
	rvu_i128 sum;

	sum = (rvu_i128)work * loc->gpci_work + (rvu_i128)pe * loc->gpci_pe +
	    (rvu_i128)mp * loc->gpci_mp;
	return sum * cf;
}

int64_t
rvu_round_cents(rvu_i128 v)
{
	/* 10^-10 cent units to cents, half-up (away from zero). */
	const rvu_i128 unit = (rvu_i128)10000000000LL;

	if (v >= 0)
		return (int64_t)((v + unit / 2) / unit);
	return -(int64_t)((-v + unit / 2) / unit);
}

/* ---- errors ---- */

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

/* ---- checksum ---- */

/*
 * A word-at-a-time multiplicative hash in four independent lanes: cheap
 * enough to run over the whole file on every start (about 0.1 ms for the
 * 2025 data).  Each step is a bijection of its lane, and the lanes are
 * folded by bijective steps too, so any single changed word changes the
 * result.  Accidental corruption is what it is for; the SHA-256 of the
 * payload is checked by rvu_db_verify().
 */
#define FH_K UINT64_C(0x9e3779b97f4a7c15)

static uint64_t
fh_step(uint64_t h, uint64_t w)
{
	h = (h ^ w) * FH_K;
	return h ^ (h >> 29);
}

static uint64_t
fasthash(uint64_t h, const unsigned char *p, size_t n)
{
	uint64_t a = h, b = ~h, c = h ^ FH_K, d = h + FH_K;

	while (n >= 32) {
		uint64_t w[4];

		memcpy(w, p, 32);
		a = fh_step(a, w[0]);
		b = fh_step(b, w[1]);
		c = fh_step(c, w[2]);
		d = fh_step(d, w[3]);
		p += 32;
		n -= 32;
	}
	while (n >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		a = fh_step(a, w);
		p += 8;
		n -= 8;
	}
	while (n > 0) {
		a = fh_step(a, *p++);
		n--;
	}
	h = fh_step(fh_step(fh_step(a, b), c), d);
	return h ^ (h >> 32);
}

static uint64_t
image_checksum(const unsigned char *base, size_t len)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	h = fasthash(h, base, offsetof(struct ihdr, checksum));
	h = fasthash(h, base + sizeof(struct ihdr), len - sizeof(struct ihdr));
	return h ^ len;
}

/* ---- the image ---- */

static int
section_ok(const struct ihdr *h, uint64_t off, uint64_t count, uint64_t elsz,
    size_t len)
{
	uint64_t bytes;

	if (off % 8 != 0 || off < sizeof(struct ihdr) || off > len)
		return 0;
	if (elsz != 0 && count > (UINT64_MAX / elsz))
		return 0;
	bytes = count * elsz;
	(void)h;
	return bytes <= len - off;
}

/* The bounds the loaders enforce, which keep the arithmetic in range. */
static int
rvu_ok(int32_t v)
{
	return v >= 0 && v <= RVU_RVU_MAX;
}

static int
key_alnum(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'A' && s[i] <= 'Z')))
			return 0;
	return 1;
}

/* Indicator and code cells: what the loaders store ('0'-'9', 'A'-'Z', ' '). */
static int
cells_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && !key_alnum(s + i, 1))
			return 0;
	return 1;
}

static int
row_cells_ok(const struct rvu_row *r)
{
	const char ind[] = { r->pctc, r->mult, r->bilat, r->asst, r->cosurg,
	    r->team, r->pric };

	return cells_ok(r->mod, 2) && cells_ok(r->glob, 3) &&
	    cells_ok(ind, sizeof ind) && cells_ok(r->difam, 2) &&
	    cells_ok(r->endo, 5) && cells_ok(r->superv, 2);
}

static int
key_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int deep_check(const struct rvu_db *, const char *,
    struct rvu_err *);

static int
attach(struct rvu_db *db, int flags, const char *name, struct rvu_err *e)
{
	const struct ihdr *h;
	size_t i;

	if (db->len < sizeof(struct ihdr)) {
		seterr(e, name, 0, "index is corrupt: %zu bytes, shorter than "
		    "its header (%zu)", db->len, sizeof(struct ihdr));
		return -1;
	}
	if ((uintptr_t)db->base % 8 != 0) {
		seterr(e, name, 0, "index is not aligned in memory");
		return -1;
	}
	h = (const struct ihdr *)db->base;
	if (memcmp(h->magic, IDX_MAGIC, 8) != 0) {
		seterr(e, name, 0, "not a rvu-price index (bad magic)");
		return -1;
	}
	if (h->byteorder != IDX_BYTEORDER) {
		seterr(e, name, 0, "index was written on a machine of another "
		    "byte order");
		return -1;
	}
	if (h->version != IDX_VERSION) {
		seterr(e, name, 0, "index format version %u, this rvu-price "
		    "reads version %u: run rvu-price --compile", h->version,
		    IDX_VERSION);
		return -1;
	}
	if (h->hdr_size != sizeof(struct ihdr) || h->file_size != db->len) {
		seterr(e, name, 0, "index is corrupt: size %zu, header says "
		    "%llu (truncated or extended)", db->len,
		    (unsigned long long)h->file_size);
		return -1;
	}
	if (!(flags & RVU_IMG_NOSUM) &&
	    image_checksum(db->base, db->len) != h->checksum) {
		seterr(e, name, 0, "index is corrupt: checksum mismatch");
		return -1;
	}
	if (h->row_size != sizeof(struct rvu_row) ||
	    h->loc_size != sizeof(struct rvu_loc) ||
	    h->zip_size != sizeof(struct rvu_zip) ||
	    !section_ok(h, h->rows_off, h->nrows, h->row_size, db->len) ||
	    !section_ok(h, h->locs_off, h->nlocs, h->loc_size, db->len) ||
	    !section_ok(h, h->zips_off, h->nzips, h->zip_size, db->len) ||
	    !section_ok(h, h->strs_off, h->strs_len, 1, db->len)) {
		seterr(e, name, 0, "index is corrupt: a section lies outside "
		    "the file");
		return -1;
	}
	if (h->year < 1990 || h->year > 2200 || h->cf <= 0 ||
	    h->cf > RVU_CF_MAX || h->anes_cf < 0 ||
	    h->anes_cf > RVU_CF_MAX || h->nlocs >= RVU_NOLOC) {
		seterr(e, name, 0, "index is corrupt: year or conversion "
		    "factor out of range");
		return -1;
	}
	for (i = 0; i < RVU_NSRC; i++)
		if (memchr(h->src[i].name, '\0', sizeof h->src[i].name) ==
		    NULL) {
			seterr(e, name, 0, "index is corrupt: source name");
			return -1;
		}
	db->h = h;
	db->rows = (const struct rvu_row *)(db->base + h->rows_off);
	db->locs = (const struct rvu_loc *)(db->base + h->locs_off);
	db->zips = (const struct rvu_zip *)(db->base + h->zips_off);
	db->strs = (const char *)(db->base + h->strs_off);
	db->nrows = h->nrows;
	db->nlocs = h->nlocs;
	db->nzips = h->nzips;
	db->strslen = h->strs_len;

	/* The few localities are checked on every load. */
	for (i = 0; i < db->nlocs; i++) {
		const struct rvu_loc *l = &db->locs[i];

		if (!key_digits(l->carrier, 7) || (i > 0 &&
		    memcmp(db->locs[i - 1].carrier, l->carrier, 7) >= 0) ||
		    l->gpci_work < 0 || l->gpci_pe < 0 || l->gpci_mp < 0 ||
		    l->gpci_work > RVU_GPCI_MAX || l->gpci_pe > RVU_GPCI_MAX ||
		    l->gpci_mp > RVU_GPCI_MAX || l->anes_cf < 0 ||
		    l->anes_cf > RVU_CF_MAX ||
		    l->name_off > db->strslen ||
		    l->name_len > db->strslen - l->name_off ||
		    l->area_off > db->strslen ||
		    l->area_len > db->strslen - l->area_off ||
		    l->counties_off > db->strslen ||
		    l->counties_len > db->strslen - l->counties_off) {
			seterr(e, name, 0, "index is corrupt: locality %zu", i);
			return -1;
		}
	}
	/*
	 * Rows and ZIP codes, tens of thousands, are checked in full when
	 * the image is built and when asked (--check), and whenever the
	 * checksum is skipped.  An image whose checksum matches is what the
	 * builder checked; lookups stay in bounds whatever the order, and
	 * the pricer checks each row it uses (rvu_row_ok).
	 */
	if ((flags & (RVU_IMG_NOSUM | RVU_IMG_DEEP)) && deep_check(db, name, e))
		return -1;
	return 0;
}

int
rvu_row_ok(const struct rvu_row *r)
{
	return key_alnum(r->hcpcs, 5) &&
	    rvu_ok(r->work) && rvu_ok(r->pe_nf) && rvu_ok(r->pe_f) &&
	    rvu_ok(r->mp) && rvu_ok(r->opps_pe_nf) && rvu_ok(r->opps_pe_f) &&
	    rvu_ok(r->opps_mp) && r->pre <= RVU_ONE && r->intra <= RVU_ONE &&
	    r->post <= RVU_ONE && r->status >= 'A' && r->status <= 'Z' &&
	    row_cells_ok(r);
}

/* Sorted, well-formed keys and bounded numbers in every row and ZIP. */
static int
deep_check(const struct rvu_db *db, const char *name, struct rvu_err *e)
{
	size_t i;

	for (i = 0; i < db->nrows; i++) {
		const struct rvu_row *r = &db->rows[i];

		if (!rvu_row_ok(r) || (i > 0 &&
		    memcmp(db->rows[i - 1].hcpcs, r->hcpcs, 7) >= 0)) {
			seterr(e, name, 0, "index is corrupt: RVU row %zu", i);
			return -1;
		}
	}
	for (i = 0; i < db->nzips; i++) {
		const struct rvu_zip *z = &db->zips[i];

		if (z->zip > 99999 ||
		    (i > 0 && db->zips[i - 1].zip >= z->zip) ||
		    (z->loc != RVU_NOLOC && z->loc >= db->nlocs)) {
			seterr(e, name, 0, "index is corrupt: ZIP entry %zu",
			    i);
			return -1;
		}
	}
	return 0;
}

struct rvu_db *
rvu_db_from_image(const void *img, size_t len, int flags, struct rvu_err *e)
{
	struct rvu_db *db = xcalloc(1, sizeof *db);
	void *copy = xmalloc(len > 0 ? len : 1);

	/* malloc memory is aligned for any type, hence for the sections. */
	memcpy(copy, img, len);
	db->base = copy;
	db->len = len;
	if (attach(db, flags, "<image>", e) != 0) {
		rvu_db_free(db);
		return NULL;
	}
	return db;
}

struct rvu_db *
rvu_db_open_index(const char *path, struct rvu_err *e)
{
	struct rvu_db *db;
	struct stat st;
	void *p;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		seterr(e, path, 0, "cannot open index: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		seterr(e, path, 0, "index is not a regular file");
		close(fd);
		return NULL;
	}
	if ((size_t)st.st_size < sizeof(struct ihdr)) {
		seterr(e, path, 0, "index is corrupt: %lld bytes, shorter "
		    "than its header (%zu)", (long long)st.st_size,
		    sizeof(struct ihdr));
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE
#ifdef MAP_POPULATE
	    | MAP_POPULATE
#endif
	    , fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		seterr(e, path, 0, "cannot map index: %s", strerror(errno));
		return NULL;
	}
	db = xcalloc(1, sizeof *db);
	db->base = p;
	db->len = (size_t)st.st_size;
	db->mapped = 1;
	if (attach(db, 0, path, e) != 0) {
		rvu_db_free(db);
		return NULL;
	}
	return db;
}

void
rvu_db_free(struct rvu_db *db)
{
	if (db == NULL)
		return;
	if (db->mapped)
		munmap((void *)(uintptr_t)db->base, db->len);
	else
		free((void *)(uintptr_t)db->base);
	free(db);
}

static size_t
align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

struct rvu_db *
rvu_db_assemble(unsigned year, int64_t cf, int64_t anes_cf,
    const struct rvu_row *rows, size_t nrows, const struct rvu_loc *locs,
    size_t nlocs, const struct rvu_zip *zips, size_t nzips, const char *strs,
    size_t strslen, const struct rvu_src_info *src, struct rvu_err *e)
{
	struct rvu_db *db;
	struct ihdr h;
	unsigned char *img;
	size_t off, len;

	if (nrows > UINT32_MAX || nlocs >= RVU_NOLOC || nzips > UINT32_MAX ||
	    strslen > UINT32_MAX) {
		seterr(e, NULL, 0, "reference data too large for the index");
		return NULL;
	}
	memset(&h, 0, sizeof h);
	memcpy(h.magic, IDX_MAGIC, 8);
	h.version = IDX_VERSION;
	h.byteorder = IDX_BYTEORDER;
	h.hdr_size = sizeof h;
	h.year = year;
	h.cf = cf;
	h.anes_cf = anes_cf;
	off = sizeof h;
	h.rows_off = off;
	h.nrows = (uint32_t)nrows;
	h.row_size = sizeof *rows;
	off = align8(off + nrows * sizeof *rows);
	h.locs_off = off;
	h.nlocs = (uint32_t)nlocs;
	h.loc_size = sizeof *locs;
	off = align8(off + nlocs * sizeof *locs);
	h.zips_off = off;
	h.nzips = (uint32_t)nzips;
	h.zip_size = sizeof *zips;
	off = align8(off + nzips * sizeof *zips);
	h.strs_off = off;
	h.strs_len = strslen;
	len = align8(off + strslen);
	h.file_size = len;
	memcpy(h.src, src, sizeof h.src);

	img = xcalloc(1, len);
	if (nrows > 0)
		memcpy(img + h.rows_off, rows, nrows * sizeof *rows);
	if (nlocs > 0)
		memcpy(img + h.locs_off, locs, nlocs * sizeof *locs);
	if (nzips > 0)
		memcpy(img + h.zips_off, zips, nzips * sizeof *zips);
	if (strslen > 0)
		memcpy(img + h.strs_off, strs, strslen);
	crypto_hash_sha256(h.payload_sha256, img + sizeof h, len - sizeof h);
	memcpy(img, &h, sizeof h);
	h.checksum = image_checksum(img, len);
	memcpy(img, &h, sizeof h);

	db = xcalloc(1, sizeof *db);
	db->base = img;
	db->len = len;
	if (attach(db, RVU_IMG_DEEP, "<built>", e) != 0) {
		rvu_db_free(db);
		return NULL;
	}
	return db;
}

int
rvu_db_write_index(const struct rvu_db *db, const char *path,
    struct rvu_err *e)
{
	size_t plen = strlen(path) + 16, off = 0;
	char *tmp = xmalloc(plen);
	int fd;

	snprintf(tmp, plen, "%s.tmpXXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		seterr(e, path, 0, "cannot create index: %s", strerror(errno));
		free(tmp);
		return -1;
	}
	while (off < db->len) {
		ssize_t w = write(fd, db->base + off, db->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		off += (size_t)w;
	}
	if (fchmod(fd, 0644) != 0 || fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	free(tmp);
	return 0;
fail:
	seterr(e, path, 0, "cannot write index: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

int
rvu_db_verify(const struct rvu_db *db, struct rvu_err *e)
{
	uint8_t sum[32];

	if (sodium_init() < 0) {
		seterr(e, NULL, 0, "cannot initialise libsodium");
		return -1;
	}
	crypto_hash_sha256(sum, db->base + sizeof(struct ihdr),
	    db->len - sizeof(struct ihdr));
	if (memcmp(sum, db->h->payload_sha256, 32) != 0) {
		seterr(e, NULL, 0, "index is corrupt: payload SHA-256 "
		    "mismatch");
		return -1;
	}
	return deep_check(db, NULL, e);
}

/* ---- accessors and lookups ---- */

unsigned rvu_db_year(const struct rvu_db *db) { return db->h->year; }
int64_t rvu_db_cf(const struct rvu_db *db) { return db->h->cf; }
int64_t rvu_db_anes_cf(const struct rvu_db *db) { return db->h->anes_cf; }
size_t rvu_db_nrows(const struct rvu_db *db) { return db->nrows; }
size_t rvu_db_nlocs(const struct rvu_db *db) { return db->nlocs; }
size_t rvu_db_nzips(const struct rvu_db *db) { return db->nzips; }

const struct rvu_src_info *
rvu_db_source(const struct rvu_db *db, enum rvu_src which)
{
	return (unsigned)which < RVU_NSRC ? &db->h->src[which] : NULL;
}

const uint8_t *
rvu_db_payload_sha256(const struct rvu_db *db)
{
	return db->h->payload_sha256;
}

const struct rvu_row *
rvu_db_row(const struct rvu_db *db, size_t i)
{
	return i < db->nrows ? &db->rows[i] : NULL;
}

const struct rvu_loc *
rvu_db_loc(const struct rvu_db *db, size_t i)
{
	return i < db->nlocs ? &db->locs[i] : NULL;
}

const struct rvu_zip *
rvu_db_zip(const struct rvu_db *db, size_t i)
{
	return i < db->nzips ? &db->zips[i] : NULL;
}

/* First row whose 7-byte key is >= key[0..klen) (klen 5 or 7). */
static size_t
row_lower(const struct rvu_db *db, const char *key, size_t klen)
{
	size_t lo = 0, hi = db->nrows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(db->rows[mid].hcpcs, key, klen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct rvu_row *
rvu_find(const struct rvu_db *db, const char *hcpcs, const char *mod)
{
	char key[7];
	size_t i, ml = mod != NULL ? strlen(mod) : 0;

	if (strlen(hcpcs) != 5 || ml > 2)
		return NULL;
	memcpy(key, hcpcs, 5);
	key[5] = ml > 0 ? mod[0] : ' ';
	key[6] = ml > 1 ? mod[1] : ' ';
	i = row_lower(db, key, 7);
	if (i < db->nrows && memcmp(db->rows[i].hcpcs, key, 7) == 0)
		return &db->rows[i];
	return NULL;
}

const struct rvu_row *
rvu_find_code(const struct rvu_db *db, const char *hcpcs)
{
	size_t i;

	if (strlen(hcpcs) != 5)
		return NULL;
	i = row_lower(db, hcpcs, 5);
	if (i < db->nrows && memcmp(db->rows[i].hcpcs, hcpcs, 5) == 0)
		return &db->rows[i];
	return NULL;
}

const struct rvu_loc *
rvu_find_loc(const struct rvu_db *db, const char *carrier,
    const char *locality)
{
	char key[7];
	size_t lo = 0, hi = db->nlocs;

	if (strlen(carrier) != 5 || strlen(locality) != 2)
		return NULL;
	memcpy(key, carrier, 5);
	memcpy(key + 5, locality, 2);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(db->locs[mid].carrier, key, 7);

		if (c == 0)
			return &db->locs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct rvu_zip *
rvu_find_zip(const struct rvu_db *db, uint32_t zip)
{
	size_t lo = 0, hi = db->nzips;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (db->zips[mid].zip == zip)
			return &db->zips[mid];
		if (db->zips[mid].zip < zip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *
rvu_str(const struct rvu_db *db, uint32_t off, uint32_t len, size_t *outlen)
{
	if (off > db->strslen || len > db->strslen - off) {
		*outlen = 0;
		return "";
	}
	*outlen = len;
	return db->strs + off;
}

int
rvu_parse_locality(const char *s, char *carrier, char *locality)
{
	if (strlen(s) != 8 || s[5] != '-' || !key_digits(s, 5) ||
	    !key_digits(s + 6, 2))
		return -1;
	memcpy(carrier, s, 5);
	carrier[5] = '\0';
	memcpy(locality, s + 6, 2);
	locality[2] = '\0';
	return 0;
}
