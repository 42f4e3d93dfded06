/*
 * rvu: the Medicare physician fee schedule (PFS) reference data, read from
 * the files as CMS publishes them, compiled into one memory-mapped index,
 * and the pricer of rvu-price(1) built on it.
 *
 *	lib/rvu.c	fixed-point decimals, the index image (build, check,
 *			map, write, staleness against the CMS files), lookups
 *	lib/rvu_csv.c	the CMS files: PPRRVU (CSV, columns found by header
 *			name), GPCI, yyLOCCO, ANES (CSV) and ZIP5 (fixed width)
 *	lib/rvu_price.c	pricing one NDJSON claim record (PRICING.md)
 *
 * Why one image for both paths: the CSV loader produces exactly the bytes
 * that --compile writes, and rvu_db_open_index() maps those bytes back.
 * Pricing therefore runs the same code whichever way the data came in, and
 * a compiled index needs no CSV parsing at all.
 *
 * Numbers: RVUs, GPCIs, conversion factors and the global-surgery shares
 * are integers scaled by 10^4 (RVU_ONE), read from the text of the CMS
 * cells, never through floating point.  Money is integer cents.
 */
#ifndef CLAIMKIT_RVU_H
#define CLAIMKIT_RVU_H

#include <stddef.h>
#include <stdint.h>

struct jdoc;
struct jpatch;

#define RVU_DEC	4		/* decimal places of the fixed point */
#define RVU_ONE	10000		/* 1.0 in fixed point */
/*
 * Bounds enforced by the loaders and by the index checks; with them every
 * product below fits in 128 bits: RVUs up to 9999.9999, GPCIs up to 100,
 * conversion factors up to 10000, one unit's fee up to $10,000,000
 * (RVU_FEE_MAX cents: a larger one leaves the line unpriced), units up to
 * 99999.999 and RVU_MAX_LINES lines per claim.
 */
#define RVU_RVU_MAX	INT32_C(99999999)
#define RVU_GPCI_MAX	INT32_C(1000000)
#define RVU_CF_MAX	INT64_C(100000000)
#define RVU_FEE_MAX	INT64_C(1000000000)
#define RVU_MAX_LINES	9999

/*
 * Parse s[0..n) (digits, optional '.', at most maxdec decimals, optional
 * leading '-' when neg_ok) into *v scaled by 10^maxdec.  Returns NULL, or
 * a short message.  More decimals than maxdec is an error, never rounded.
 */
const char *rvu_dec_parse(const char *s, size_t n, int maxdec, int neg_ok,
    int64_t *v);
/*
 * Format v (scaled by 10^dec) into out: trailing zeros are dropped down to
 * mindec decimals ("1.30" for 13000 with dec 4, mindec 2).  Returns out.
 */
#define RVU_DEC_FMT_SIZE 48
char *rvu_dec_fmt(char *out, int64_t v, int dec, int mindec);

/*
 * One PPRRVU row, 64 bytes, stored as is in the index.  Indicators are the
 * CMS characters ('0'..'9'), ' ' where the file has none.
 */
struct rvu_row {
	char	 hcpcs[5];
	char	 mod[2];		/* "  " for the global row */
	char	 status;		/* STATUS CODE */
	int32_t	 work, pe_nf, pe_f, mp;	/* RVUs x 10^4 */
	int32_t	 opps_pe_nf, opps_pe_f, opps_mp;
	uint16_t pre, intra, post;	/* global surgery shares x 10^4 */
	char	 glob[3];		/* GLOB DAYS: 000 010 090 XXX ... */
	char	 pctc, mult, bilat, asst, cosurg, team, pric;
	char	 difam[2];		/* DIAGNOSTIC IMAGING FAMILY */
	char	 endo[5];		/* ENDO BASE, blanks when none */
	char	 superv[2];
	uint8_t	 flags;			/* RVU_F_* */
	char	 pad[2];
};
#define RVU_F_NA_NF	0x01	/* NON-FAC NA INDICATOR */
#define RVU_F_NA_F	0x02	/* FACILITY NA INDICATOR */
#define RVU_F_NOTMCR	0x04	/* NOT USED FOR MEDICARE PAYMENT ("+") */
#define RVU_F_OPPS	0x08	/* OPPS columns not all zero: imaging cap */

/* One payment locality (GPCI row), joined with LOCCO and ANES. */
struct rvu_loc {
	char	 carrier[5];
	char	 locality[2];
	char	 state[2];
	uint8_t	 flags;			/* RVU_L_* */
	char	 pad[2];
	int32_t	 gpci_work, gpci_pe, gpci_mp;	/* x 10^4 */
	int32_t	 anes_cf;			/* x 10^4, 0 when absent */
	uint32_t name_off, name_len;		/* strings of the index */
	uint32_t area_off, area_len;
	uint32_t counties_off, counties_len;
	uint32_t pad2;
};
#define RVU_L_ANES	0x01
#define RVU_L_LOCCO	0x02

/* One ZIP5 record. */
struct rvu_zip {
	uint32_t zip;			/* 0..99999 */
	uint32_t carrier;		/* numeric carrier (MAC) number */
	uint16_t loc;			/* index of the locality, RVU_NOLOC */
	uint8_t	 locality;		/* numeric locality */
	char	 rural;			/* ' ', 'R', 'B' */
	char	 plus4;			/* '1': the ZIP is split by ZIP+4 */
	char	 pad[3];
};
#define RVU_NOLOC 0xffff

/* The source files, in the order the index records them. */
enum rvu_src {
	RVU_SRC_PPRRVU, RVU_SRC_GPCI, RVU_SRC_LOCCO, RVU_SRC_ANES,
	RVU_SRC_ZIP5, RVU_NSRC
};

struct rvu_src_info {
	char	 name[112];		/* file name inside the data dir */
	uint64_t size;
	int64_t	 mtime_sec, mtime_nsec;
	uint8_t	 sha256[32];
	uint32_t present;
	uint32_t pad;
};

/* Where a loading problem is: file (may be empty), line (may be 0). */
struct rvu_err {
	char		 file[256];
	unsigned long	 line;
	char		 msg[512];
};

struct rvu_db;

/*
 * Read the CMS files of dir (named as CMS names them: PPRRVU*.csv,
 * GPCI*.csv, *LOCCO*.csv, ANES*.csv, ZIP5*.txt) into a db.  PPRRVU and GPCI
 * are required.  warn, when not NULL, receives warnings (year mismatches,
 * localities missing from a file).  NULL on error, with e filled in.
 */
struct rvu_db *rvu_db_load_dir(const char *dir, struct rvu_err *e,
    void (*warn)(const char *file, unsigned long line, const char *msg));
/*
 * Map a compiled index.  The file is checked before use: magic, format
 * version, byte order, size, every section inside the file, the
 * localities, and a checksum of every byte; any failure returns NULL with
 * e naming the problem.  The order and ranges of the rows and ZIP codes
 * are checked when the image is built and by rvu_db_verify(), with the
 * SHA-256 of the payload (a few milliseconds); the pricer checks each row
 * it uses with rvu_row_ok().
 */
struct rvu_db *rvu_db_open_index(const char *path, struct rvu_err *e);
/*
 * The same checks on an image in memory (copied).  flags RVU_IMG_NOSUM
 * skips the checksum and checks every row and ZIP code instead: for the
 * fuzzer, so that it reaches those checks.  RVU_IMG_DEEP checks them as
 * well as the checksum.
 */
#define RVU_IMG_NOSUM 1
#define RVU_IMG_DEEP 2
struct rvu_db *rvu_db_from_image(const void *img, size_t len, int flags,
    struct rvu_err *e);
/* Write the index to path (through a temporary file and rename). */
int rvu_db_write_index(const struct rvu_db *db, const char *path,
    struct rvu_err *e);
/* Recompute the payload's SHA-256, compare it with the header, and check
 * the order and ranges of every row and ZIP code. */
int rvu_db_verify(const struct rvu_db *db, struct rvu_err *e);
/*
 * Compare the sources recorded in the index with the files in dir: same
 * names, and same size and mtime or else the same SHA-256.  Returns 0 when
 * fresh, -1 with e naming the file that changed.
 */
int rvu_db_check_stale(const struct rvu_db *db, const char *dir,
    struct rvu_err *e);
void rvu_db_free(struct rvu_db *db);

/* A row within the bounds the loaders enforce (see RVU_RVU_MAX). */
int rvu_row_ok(const struct rvu_row *r);

/* What the db holds. */
unsigned rvu_db_year(const struct rvu_db *db);
int64_t rvu_db_cf(const struct rvu_db *db);		/* x 10^4 */
int64_t rvu_db_anes_cf(const struct rvu_db *db);	/* x 10^4, 0 if none */
size_t rvu_db_nrows(const struct rvu_db *db);
size_t rvu_db_nlocs(const struct rvu_db *db);
size_t rvu_db_nzips(const struct rvu_db *db);
const struct rvu_src_info *rvu_db_source(const struct rvu_db *db,
    enum rvu_src which);
/* SHA-256 of the payload as recorded in the header (32 bytes). */
const uint8_t *rvu_db_payload_sha256(const struct rvu_db *db);
const struct rvu_row *rvu_db_row(const struct rvu_db *db, size_t i);
const struct rvu_loc *rvu_db_loc(const struct rvu_db *db, size_t i);
const struct rvu_zip *rvu_db_zip(const struct rvu_db *db, size_t i);

/*
 * Lookups.  hcpcs is 5 characters (upper case); mod NULL or "" means the
 * global row.  rvu_find_code() finds any row of the code (to tell an
 * unknown code from a missing modifier row).
 */
const struct rvu_row *rvu_find(const struct rvu_db *db, const char *hcpcs,
    const char *mod);
const struct rvu_row *rvu_find_code(const struct rvu_db *db,
    const char *hcpcs);
/* carrier: 5 digits, locality: 2 digits. */
const struct rvu_loc *rvu_find_loc(const struct rvu_db *db,
    const char *carrier, const char *locality);
const struct rvu_zip *rvu_find_zip(const struct rvu_db *db, uint32_t zip);
/* A string of the index (locality names, counties); "" when invalid. */
const char *rvu_str(const struct rvu_db *db, uint32_t off, uint32_t len,
    size_t *outlen);
/*
 * Parse "CCCCC-LL" (carrier-locality, e.g. "10112-00") into carrier[6] and
 * locality[3].  Returns 0, or -1 when malformed.
 */
int rvu_parse_locality(const char *s, char *carrier, char *locality);

/*
 * The builder: one CMS file at a time from memory (the loader of
 * rvu_db_load_dir, and the fuzzer's entry point).  Each returns 0, or -1
 * with e naming the file and line.
 */
struct rvu_build;
struct rvu_build *rvu_build_alloc(void (*warn)(const char *file,
    unsigned long line, const char *msg));
void rvu_build_free(struct rvu_build *b);
int rvu_build_pprrvu(struct rvu_build *b, const char *name, const char *data,
    size_t len, struct rvu_err *e);
int rvu_build_gpci(struct rvu_build *b, const char *name, const char *data,
    size_t len, struct rvu_err *e);
int rvu_build_locco(struct rvu_build *b, const char *name, const char *data,
    size_t len, struct rvu_err *e);
int rvu_build_anes(struct rvu_build *b, const char *name, const char *data,
    size_t len, struct rvu_err *e);
int rvu_build_zip5(struct rvu_build *b, const char *name, const char *data,
    size_t len, struct rvu_err *e);
/* Record what a source file was (for the staleness check). */
void rvu_build_source(struct rvu_build *b, enum rvu_src which,
    const struct rvu_src_info *info);
/* Join, sort, check and lay out the image; b stays owned by the caller. */
struct rvu_db *rvu_build_finish(struct rvu_build *b, struct rvu_err *e);
/*
 * Lay out an image from sorted arrays (what rvu_build_finish ends with):
 * computes the payload SHA-256 and the checksum, then checks the result
 * exactly as rvu_db_open_index() would.  src has RVU_NSRC entries.
 */
struct rvu_db *rvu_db_assemble(unsigned year, int64_t cf, int64_t anes_cf,
    const struct rvu_row *rows, size_t nrows, const struct rvu_loc *locs,
    size_t nlocs, const struct rvu_zip *zips, size_t nzips, const char *strs,
    size_t strslen, const struct rvu_src_info *src, struct rvu_err *e);

/*
 * Exact PFS arithmetic.  rvu_fee_exact() is
 *	(work x wGPCI + pe x peGPCI + mp x mpGPCI) x CF
 * in units of 10^-10 cent (RVUs, GPCIs and CF each x 10^4, so the product
 * is dollars x 10^12); rvu_round_cents() rounds such a value half-up to
 * cents, once.  The inputs are bounded by the loaders (int32), so the
 * product fits in 128 bits with room to spare.
 */
__extension__ typedef __int128 rvu_i128;
rvu_i128 rvu_fee_exact(int64_t work, int64_t pe, int64_t mp,
    const struct rvu_loc *loc, int64_t cf);
int64_t rvu_round_cents(rvu_i128 v);

/* ---- the pricer ---- */

enum rvu_method { RVU_PFS, RVU_SIMPLE };

struct rvu_cfg {
	enum rvu_method	 method;
	int64_t		 cf;		/* x 10^4; 0: the data's (pfs) */
	const struct rvu_loc *locality;	/* forced locality, or NULL */
	const char	*locality_source; /* "option", "environment", ... */
	int		 explain;
	unsigned char	 facility_pos[100]; /* 1: facility rate for POS */
};

/* Defaults: pfs, the data's CF, the facility POS list of PRICING.md. */
void rvu_cfg_init(struct rvu_cfg *c);
/* Replace the facility POS list from "02,19,21..."; -1 when malformed. */
int rvu_cfg_facility_pos(struct rvu_cfg *c, const char *list);

struct rvu_pricer;
struct rvu_pricer *rvu_pricer_alloc(const struct rvu_db *db,
    const struct rvu_cfg *cfg);
void rvu_pricer_free(struct rvu_pricer *p);

enum rvu_claim_status { RVU_PRICED, RVU_PARTIAL, RVU_UNPRICED };
/*
 * Price claim record d (a JSON object): sets "pricing" on the root and on
 * every object element of "lines" through p (already jpatch_reset on d).
 * Never fails: what cannot be priced is flagged with its reason.
 */
enum rvu_claim_status rvu_price(struct rvu_pricer *pr, const struct jdoc *d,
    struct jpatch *p);

#endif
