/*
 * genref: the fixed synthetic universe edi-gen(1) draws from, and the
 * reference files (--write-ref) that describe it: facilities (the billing
 * providers), payers, financial classes, rendering providers, hospitals,
 * procedure and diagnosis codes, ZIP codes and names.  Everything here is
 * synthetic except the codes: CPT/HCPCS codes that exist in the CMS
 * PPRRVU 2025 file (codes only, never descriptions), real billable
 * ICD-10-CM codes, NUCC taxonomy codes and ZIP5 codes of the CMS ZIP5
 * locality file (Oct 2025).  The universe does not depend on the seed:
 * facility FAC003 has the same NPI in every file, so reference data and
 * generated claims always agree.
 */
#ifndef CLAIMKIT_GENREF_H
#define CLAIMKIT_GENREF_H

#include <stddef.h>
#include <stdint.h>

/* Procedure flags. */
#define GENREF_P_EM	0x0001	/* evaluation and management visit */
#define GENREF_P_PREV	0x0002	/* preventive visit */
#define GENREF_P_AUTH	0x0004	/* high cost: payers want prior authorisation */
#define GENREF_P_SURG	0x0008	/* surgery (global 010/090) */
#define GENREF_P_IMG	0x0010	/* PCTC 1: professional (26) / technical (TC) */
#define GENREF_P_SIDE	0x0020	/* one side of the body: LT / RT */
#define GENREF_P_DRUG	0x0040	/* J code: drug lines get LIN/CTP (NDC) */
#define GENREF_P_AMB	0x0080	/* ambulance base rate: origin/destination */
#define GENREF_P_MILES	0x0100	/* ambulance mileage: units are miles */
#define GENREF_P_THER	0x0200	/* therapy: GP modifier */
#define GENREF_P_LAB	0x0400	/* waived lab test: QW */
#define GENREF_P_ADDON	0x0800	/* add-on code */
#define GENREF_P_MSK	0x1000	/* musculoskeletal/nerve surgery (rule R3) */
#define GENREF_P_BILAT	0x2000	/* modifier 50 possible */

struct genref_proc {
	const char	*code;
	int64_t		 cents;		/* charge for one unit */
	unsigned	 flags;
	short		 umin, umax;	/* units (or tenths of a mile) */
};

/* Diagnosis flags: who may carry the code. */
#define GENREF_D_PEDS	0x01	/* children only (0-17) */
#define GENREF_D_ADULT	0x02	/* adults only (18+) */
#define GENREF_D_FEMALE	0x04
#define GENREF_D_MALE	0x08
#define GENREF_D_PREG	0x10	/* pregnancy: women 16-45 */
#define GENREF_D_ESRD	0x20	/* end-stage renal disease / dialysis */

struct genref_dx {
	const char	*code;		/* without the dot, as sent in HI */
	unsigned	 flags;
};

/* Age profile of a specialty's patients. */
enum genref_ages { GENREF_AGE_ALL, GENREF_AGE_PEDS, GENREF_AGE_ADULT,
    GENREF_AGE_OLDER, GENREF_AGE_WOMEN };

struct genref_specialty {
	const char	*key;
	const char	*taxonomy;	/* billing provider (organisation) */
	const char	*rtaxonomy;	/* rendering providers (persons) */
	enum genref_ages ages;
	int		 p_em;		/* percent of claims with an E/M line */
	int		 p_proc;	/* percent with procedure lines */
	int		 max_proc;	/* procedure lines at most */
	int		 p_multiday;	/* percent of claims over several days */
	int		 p_referring;	/* percent with a referring provider */
	/* Parsed from the tables' space-separated lists (weights = repeats). */
	const char	*pos_list, *em_list, *proc_list, *dx_list;
	size_t		 npos, nem, nproc, ndx;
	const char	**pos;
	int		*em, *proc, *dx;	/* indexes into the code tables */
};

struct genref_facility {
	const char	*id;		/* FAC001 */
	const char	*name;
	const char	*street;
	int		 zip;		/* index into genref_zips */
	const char	*type;		/* Teaching / Non-Teaching / Unknown */
	char		 critical_access;	/* Y / N */
	int		 active;
	int		 specialty;	/* index into genref_specialties */
	int		 weight;	/* share of claims */
	/* Hidden (label rules, edi-gen(1)): */
	int		 auth_desk;	/* gets prior authorisations */
	int		 wc;		/* has a workers' compensation class */
	/* Derived, fixed: */
	char		 npi[11];
	char		 tax_id[10];
	char		 zip4[5];
	int		 nrend;		/* rendering providers */
	int		 rend;		/* first index in genref_people */
};

struct genref_payer {
	const char	*id;
	const char	*name;
	const char	*fi;		/* claim filing indicator SBR09 */
	const char	*category;	/* payers.csv payer_category */
	const char	*states;	/* HMO network, NULL = everywhere */
	const char	*street;
	int		 zip;
};

struct genref_class {
	const char	*id;
	const char	*description;
	const char	*facility_id;	/* NULL = every facility */
	const char	*fi;
	const char	*payer_id;	/* NULL = any payer */
	int		 requires_auth;
	int		 days_to_file;
	int		 active;
};

struct genref_zip {
	const char	*zip;
	const char	*state;
	const char	*city;
};

/* A person provider (rendering / referring) or a hospital. */
struct genref_person {
	char		 last[24], first[16], middle[2];
	char		 npi[11];
	int		 facility;	/* -1 for referring-only physicians */
	const char	*taxonomy;
};

struct genref_hospital {
	const char	*name;
	const char	*street;
	int		 zip;
	char		 npi[11];
};

struct genref_name {
	const char	*ascii;
	const char	*utf8;		/* NULL when the same */
};

extern struct genref_specialty genref_specialties[];
extern const size_t genref_nspecialties;
extern struct genref_facility genref_facilities[];
extern const size_t genref_nfacilities;
extern const struct genref_payer genref_payers[];
extern const size_t genref_npayers;
extern const struct genref_class genref_classes[];
extern const size_t genref_nclasses;
extern const struct genref_zip genref_zips[];
extern const size_t genref_nzips;
extern const struct genref_proc genref_procs[];
extern const size_t genref_nprocs;
extern const struct genref_dx genref_dxs[];
extern const size_t genref_ndxs;
extern struct genref_hospital genref_hospitals[];
extern const size_t genref_nhospitals;
extern struct genref_person *genref_people;
extern size_t genref_npeople;
extern const struct genref_name genref_last_names[], genref_male_names[],
    genref_female_names[];
extern const size_t genref_nlast, genref_nmale, genref_nfemale;
extern const char *const genref_streets[];
extern const size_t genref_nstreets;

/* Build the derived fields (NPIs, rosters, parsed lists); idempotent. */
void genref_init(void);

/* Index of a code in genref_procs / genref_dxs, or -1. */
int genref_proc_find(const char *code);
int genref_dx_find(const char *code);
int genref_payer_find(const char *id);
int genref_specialty_find(const char *key);

/*
 * NPI check digit (Luhn over "80840" + the first nine digits, as CMS
 * defines it); base9 is nine ASCII digits.  Returns '0'..'9'.
 */
char genref_npi_check(const char *base9);
/* 1 when npi is ten digits with a correct check digit. */
int genref_npi_valid(const char *npi);
/* A valid NPI from a number: '1' + 8 digits of x + check digit. */
void genref_npi_make(char out[11], uint64_t x);

/*
 * The financial class that a claim with filing indicator fi, payer
 * payer_id, billed by facility fac falls in, or NULL: the first active
 * class whose indicator matches, whose payer is empty or equal, and whose
 * facility is empty or equal (classes with a payer or a facility are
 * listed before the general ones).
 */
const struct genref_class *genref_class_for(const char *fi,
    const char *payer_id, const char *fac);
/* Does a payer's HMO network cover state st? */
int genref_payer_covers(const struct genref_payer *p, const char *st);

/*
 * Write facilities.csv, financial_classes.csv and payers.csv into dir
 * (created if missing).  Returns 0, or -1 with errno set.
 */
int genref_write(const char *dir);

#endif
