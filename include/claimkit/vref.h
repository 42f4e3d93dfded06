/*
 * vref: the reference data of claims-validate, loaded once per process
 * into hash tables (O(1) lookups per claim).
 *
 * Tables (claims-validate(1) FILES; seed 004 edi.facilities and
 * edi.financial_classes):
 *	facilities.csv        facility_id, facility_name, npi_number, active, ...
 *	financial_classes.csv financial_class_id, facility_id (empty: every
 *	                      facility), claim_filing_indicator, payer_id (empty:
 *	                      any payer), requires_authorization,
 *	                      days_to_file_claim, active, ...
 *	payers.csv            payer_id, claim_filing_indicator, ... (optional)
 *	icd10cm.csv           code, billable (optional; or icd10cm.txt in the
 *	                      layout of the CMS icd10cm_order file)
 *	hcpcs.csv             code (optional)
 * from a directory of CSV files, or the same tables from PostgreSQL.
 * Every problem with reference data is a configuration error: the process
 * ends with CK_EX_CONFIG (78) naming the file (or table) and line (row).
 */
#ifndef CLAIMKIT_VREF_H
#define CLAIMKIT_VREF_H

#include <stddef.h>

struct vref_facility {
	char	*id, *name, *npi, *state;
	int	 active;
};

struct vref_fclass {
	char			*id, *description;
	char			*facility;	/* "" = every facility */
	char			*cfi;		/* claim filing indicator */
	char			*payer;		/* "" = any payer */
	int			 requires_auth;
	int			 days_to_file;	/* -1 when not set */
	int			 active;
	unsigned long		 order;		/* position in the table */
	struct vref_fclass	*next_cfi;	/* same cfi, in table order */
};

struct vref_payer {
	char	*id, *name, *cfi, *category;
};

struct vref;

struct vref *vref_alloc(void);
void vref_free(struct vref *r);
/*
 * Load facilities.csv, financial_classes.csv (both required) and
 * payers.csv (if present) from dir, then the code lists (vref_load_codes).
 */
void vref_load_dir(struct vref *r, const char *dir);
/*
 * Load edi.facilities, edi.financial_classes and edi.payers from the
 * PostgreSQL database at conninfo (libpq conninfo or URI).  A server that
 * cannot be reached ends the process with CK_EX_UNAVAILABLE (69).
 */
void vref_load_pg(struct vref *r, const char *conninfo);
/*
 * Load the optional code lists of dir: icd10cm.csv (or icd10cm.txt, the
 * CMS order-file layout) and hcpcs.csv.  Missing files are no error.  A
 * list loaded again replaces the one loaded before.
 */
void vref_load_codes(struct vref *r, const char *dir);
/* Load one ICD-10-CM list file (CSV with code,billable or CMS order file). */
void vref_load_icd10cm(struct vref *r, const char *path);

int vref_have_facilities(const struct vref *r);
const struct vref_facility *vref_facility(const struct vref *r,
    const char *id, size_t n);
/*
 * The facility whose npi_number is npi, or NULL.  An active facility wins
 * over inactive ones; an NPI of two or more active facilities names none
 * and sets *ambiguous.
 */
const struct vref_facility *vref_facility_by_npi(const struct vref *r,
    const char *npi, size_t n, int *ambiguous);
const struct vref_fclass *vref_fclass(const struct vref *r, const char *id,
    size_t n);
/* First financial class with this claim filing indicator; ->next_cfi. */
const struct vref_fclass *vref_fclass_by_cfi(const struct vref *r,
    const char *cfi, size_t n);
/* NULL when unknown or when no payer table was loaded. */
const struct vref_payer *vref_payer(const struct vref *r, const char *id,
    size_t n);
int vref_have_payers(const struct vref *r);

/* ICD-10-CM: -1 no list loaded, 0 not in the list, 1 billable, 2 header. */
int vref_icd10cm(const struct vref *r, const char *code, size_t n);
/* CPT/HCPCS: -1 no list loaded, 0 not in the list, 1 in the list. */
int vref_hcpcs(const struct vref *r, const char *code, size_t n);
/* Row counts, for --list-ref and messages. */
void vref_counts(const struct vref *r, size_t *facilities, size_t *fclasses,
    size_t *payers, size_t *icd, size_t *hcpcs);

#endif
