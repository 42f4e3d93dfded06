/*
 * gen837: synthetic 005010X222A1 837P interchanges for edi-gen(1).
 *
 * The output is a pure function of the options (seed included): the same
 * options give the same bytes.  Each claim draws from its own random
 * stream (seed, claim number), envelopes from another, so formatting
 * options (delimiters, line breaks) never change the content.  Memory is
 * constant: one claim is built at a time, plus a fixed ring of recent
 * claims that duplicates are copied from.
 *
 * For every claim a sidecar line (NDJSON) records what was written, the
 * claim_id edi-parse will compute, the defects injected on purpose and
 * the training label ("filter"); edi-gen(1) documents the format.
 */
#ifndef CLAIMKIT_GEN837_H
#define CLAIMKIT_GEN837_H

#include <stdint.h>
#include <stdio.h>

/* Defect kinds (bit = 1 << kind), in the order of gen837_defect_names. */
enum gen837_defect {
	GEN837_D_NPI_CHECK,
	GEN837_D_TOTAL_MISMATCH,
	GEN837_D_MISSING_ACCOUNT,
	GEN837_D_BAD_DATE,
	GEN837_D_FUTURE_DATE,
	GEN837_D_DOB_AFTER_SERVICE,
	GEN837_D_DX_POINTER,
	GEN837_D_UNKNOWN_PROCEDURE,
	GEN837_D_SE_COUNT,
	GEN837_D_INACTIVE_FACILITY,
	GEN837_D_CLASS_NOT_ALLOWED,
	GEN837_D_BAD_MBI,
	GEN837_D_BAD_ICD,
	GEN837_D_ZERO_UNITS,
	GEN837_D_COUNT
};
extern const char *const gen837_defect_names[GEN837_D_COUNT];
/* Kind of a defect name, or -1. */
int gen837_defect_find(const char *name, size_t len);

/* Training labels: target_filter_id = index + 1. */
#define GEN837_NFILTERS 5
extern const char *const gen837_filters[GEN837_NFILTERS];

struct gen837_opts {
	uint64_t	 seed;
	unsigned long long max_claims;	/* 0: no limit */
	unsigned long long max_bytes;	/* 0: no limit */
	char		 el, comp, rep, term;	/* delimiters */
	const char	*eol;		/* "", "\n" or "\r\n" after terminators */
	double		 dependents;	/* share of claims with a 2000C patient */
	double		 cob;		/* share with 2320/2330 other payer */
	double		 drugs;		/* share from the infusion practice */
	double		 ambulance;	/* share of ambulance claims */
	double		 defects;	/* share of claims with a defect */
	unsigned	 defect_mask;	/* enabled kinds */
	double		 noise;		/* label noise */
	double		 duplicates;	/* share of resubmitted duplicates */
	int		 utf8;		/* allow accented names */
	unsigned	 claims_per_st, st_per_gs, gs_per_isa;
	const char	*sender, *receiver;	/* ISA06 / ISA08 (<= 15) */
	char		 usage;		/* ISA15: 'T' or 'P' */
};

struct gen837;

/* out gets the X12; side (may be NULL) the sidecar. */
struct gen837 *gen837_alloc(const struct gen837_opts *o, FILE *out,
    FILE *side);
/*
 * Generate everything; 0, or -1 when a write failed (errno set).  The last
 * block of X12 (up to 1 MB) is kept back until gen837_finish(), so that a
 * caller can close the sidecar first: a pipeline stage that reads the
 * sidecar once its input has ended then finds it complete.
 */
int gen837_run(struct gen837 *g);
int gen837_finish(struct gen837 *g);
unsigned long long gen837_claims(const struct gen837 *g);
unsigned long long gen837_bytes(const struct gen837 *g);
void gen837_free(struct gen837 *g);

#endif
