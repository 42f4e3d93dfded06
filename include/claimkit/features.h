/*
 * features: the one feature extraction shared by claims-train (training)
 * and claims-predict (prediction and --features export).  A claim record
 * becomes a sparse vector of FEATURES_WIDTH columns:
 *
 *	columns 0 .. FEATURES_NUMERIC-1	numeric (features_numeric_name)
 *	columns FEATURES_NUMERIC ..	hashed categorical indicators
 *
 * A categorical value v of namespace ns (for example procedure code 99213)
 * sets column FEATURES_NUMERIC + (FNV-1a-32("ns=v") mod 2^FEATURES_HASH_BITS)
 * to 1; the bytes hashed are the namespace, '=', and the value as sent.
 * A numeric feature whose source fields are absent is left out of the
 * vector, which XGBoost reads as missing (NaN), never as zero.  Indicator
 * and count features whose absence means "none" (prior authorization,
 * other payers) are 0 when absent.
 *
 * FEATURES_VERSION names this exact layout.  Any change to a column's
 * meaning, the hash, the namespaces or the width is a new version;
 * models record the version they were trained with (claimkit_features_version).
 * claims-predict(1) documents every feature.
 */
#ifndef CLAIMKIT_FEATURES_H
#define CLAIMKIT_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#include "claimkit/buf.h"

struct jdoc;

#define FEATURES_VERSION	1
#define FEATURES_NUMERIC	18
#define FEATURES_HASH_BITS	14
#define FEATURES_WIDTH	(FEATURES_NUMERIC + (1u << FEATURES_HASH_BITS))

/* Numeric columns, in column order. */
enum features_col {
	FEAT_TOTAL_CHARGE,		/* claim.total_charge, dollars */
	FEAT_PATIENT_AGE,		/* years at the first service date */
	FEAT_DIAGNOSIS_COUNT,		/* number of diagnoses */
	FEAT_LINE_COUNT,		/* number of service lines */
	FEAT_TOTAL_UNITS,		/* sum of lines[].units */
	FEAT_SUBMISSION_LAG,		/* days, first service to BHT04 */
	FEAT_MODIFIER_COUNT,		/* modifiers over all lines */
	FEAT_PROCEDURE_COUNT,		/* distinct procedure codes */
	FEAT_MAX_LINE_CHARGE,		/* largest line charge, dollars */
	FEAT_SERVICE_SPAN,		/* days from first to last service */
	FEAT_PRIOR_AUTH,		/* 1: a prior authorization sent */
	FEAT_REFERRAL,			/* 1 when a referral is sent */
	FEAT_OTHER_PAYERS,		/* number of other payers (COB) */
	FEAT_EMERGENCY_LINES,		/* lines with SV109 Y */
	FEAT_PATIENT_IS_SUBSCRIBER,	/* 1 or 0 */
	FEAT_CHARGE_PER_UNIT,		/* total charge / total units */
	FEAT_ATTACHMENTS,		/* number of PWK attachments */
	FEAT_DX_CHAPTERS		/* distinct ICD-10 chapters (letters) */
};

/* The workspace for one record's vector; reused from record to record. */
struct features {
	uint32_t	*idx;		/* ascending column numbers */
	float		*val;
	size_t		 n, cap;
	/* with FEATURES_NAMES: readable name of entry i (name_off[i]) */
	size_t		*name_off;
	struct buf	 names;
	/* scratch for the hashed columns before sorting */
	struct fhash {
		uint32_t	col;
		size_t		name_off;
	}		*h;
	size_t		 hn, hcap;
	struct buf	 scratch;
	/* distinct procedure codes of the claim */
	struct fcode {
		const char	*s;
		size_t		 n;
	}		*codes;
	size_t		 ncodes, codecap;
};

/* Keep readable names ("procedure=99213", "total_charge") for each entry. */
#define FEATURES_NAMES	1

struct features *features_alloc(void);
void features_free(struct features *f);

/*
 * Extract the vector of the claim at node 0 of d into f (replacing what f
 * held).  flags: 0 or FEATURES_NAMES.  Never fails: fields that are absent
 * or unusable simply leave their feature missing.
 */
void features_extract(struct features *f, const struct jdoc *d, int flags);

/* Name of entry i after features_extract(..., FEATURES_NAMES). */
const char *features_entry_name(const struct features *f, size_t i);

/* Name of numeric column col (< FEATURES_NUMERIC), e.g. "total_charge". */
const char *features_numeric_name(unsigned col);
/* Namespace names of the hashed features, NULL-terminated. */
extern const char *const features_namespaces[];

/* Column of categorical value val[0..n) of namespace ns. */
uint32_t features_column(const char *ns, const char *val, size_t n);

/*
 * A batch of vectors in CSR form (what XGBoost takes): row r holds
 * entries indptr[r] .. indptr[r+1]-1.  Zero-initialised means empty.
 */
struct features_batch {
	size_t		*indptr;	/* rows + 1 */
	uint32_t	*idx;
	float		*val;
	size_t		 rows, nnz, rcap, cap;
};

void features_batch_reset(struct features_batch *b);
void features_batch_add(struct features_batch *b, const struct features *f);
void features_batch_free(struct features_batch *b);

/*
 * Append value v the way LIBSVM text and the model metadata write it:
 * integers without a decimal point, other values with up to 9 significant
 * digits (enough to read the same float back).
 */
void features_fmt_value(struct buf *b, float v);

#endif
