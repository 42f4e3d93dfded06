/*
 * codefmt: format checks of the identifiers and codes on a professional
 * claim (NPI, ICD-10-CM, CPT/HCPCS, modifiers, MBI, taxonomy, place of
 * service).  No reference data: these are the shape rules of the code sets,
 * with their sources in claims-validate(1).  Each takes the text and its
 * length (it need not be NUL-terminated) and returns 1 when it conforms.
 */
#ifndef CLAIMKIT_CODEFMT_H
#define CLAIMKIT_CODEFMT_H

#include <stddef.h>

/* NPI: ten digits, the first 1 or 2. */
int codefmt_npi(const char *s, size_t n);
/*
 * NPI check digit: Luhn over "80840" + the first nine digits (CMS), i.e.
 * the usual Luhn sum plus 24.  Only meaningful when codefmt_npi() holds.
 * Returns the expected tenth digit.
 */
int codefmt_npi_check_digit(const char *s);
/* ICD-10-CM as sent in X12: no dot, A-Z 0-9 alnum, up to 4 more alnum. */
int codefmt_icd10cm(const char *s, size_t n);
/*
 * CPT category I (5 digits), II (4 digits F), III (T), PLA (U), MAAA (M),
 * HCPCS Level II (A-V and 4 digits), dental (D and 4 digits).
 */
int codefmt_hcpcs(const char *s, size_t n);
/* Procedure modifier: two characters, 0-9 A-Z. */
int codefmt_modifier(const char *s, size_t n);
/* Medicare Beneficiary Identifier (CMS MBI format, 11 characters). */
int codefmt_mbi(const char *s, size_t n);
/* NUCC provider taxonomy: ten characters 0-9 A-Z. */
int codefmt_taxonomy(const char *s, size_t n);
/*
 * CMS place-of-service code valid on the day (days since 1970-01-01, see
 * date.h; pass a day number >= every effective date to ignore dates).
 * Returns 1 valid, 0 unknown code, -1 a real code not yet in effect.
 */
int codefmt_pos(const char *s, size_t n, long day);

#endif
