/*
 * vrules: the rules engine of claims-validate(1).  It reads one claim
 * record (a jdoc index over the original bytes), runs every enabled rule
 * and writes the record's `validation` section as compact JSON.
 *
 * Rules have a code (the seed-004 codes CORE_FAC_01 ... and claimkit's
 * edits NPI_01 ...), a default severity, the field they check and a
 * one-line description: vrules_info() is the catalogue that --list-rules
 * prints and the man page repeats.  Severities can be changed per rule
 * (or a rule turned off) from a file or the staging.validation_rules
 * table without recompiling.
 *
 * Memory: everything a check needs is kept in the struct vrules and
 * reused from claim to claim (no allocation per claim once the buffers
 * have grown), except the duplicate-claim rule DUP_02, which remembers
 * 16 bytes per distinct claim of the run while it is enabled.
 */
#ifndef CLAIMKIT_VRULES_H
#define CLAIMKIT_VRULES_H

#include <stddef.h>

struct buf;
struct jdoc;
struct vref;

enum vsev { VSEV_OFF, VSEV_INFO, VSEV_WARNING, VSEV_ERROR };
enum vstatus { VSTATUS_PASS, VSTATUS_WARN, VSTATUS_FAIL };

struct vrule_info {
	const char	*code;
	enum vsev	 severity;	/* the default */
	const char	*field;		/* record path; N stands for an index */
	const char	*description;
	int		 needs_ref;	/* off when there is no reference data */
};

/* The catalogue, in --list-rules order. */
size_t vrules_nrules(void);
const struct vrule_info *vrules_info(size_t i);
/* Index of the rule with this code, or -1. */
int vrules_lookup(const char *code, size_t n);
const char *vsev_name(enum vsev s);
/* "error", "warning", "info", "off" (any case); 0 ok, -1 unknown. */
int vsev_parse(const char *s, enum vsev *out);
const char *vstatus_name(enum vstatus s);

struct vrules;

struct vrules *vrules_alloc(void);
void vrules_free(struct vrules *v);
/*
 * Reference data for the facility, financial-class and code-list rules.
 * With NULL, or reference data without the facility tables (code lists
 * only, claims-validate --no-ref --codes), the rules marked needs_ref are
 * turned off.
 */
void vrules_set_ref(struct vrules *v, const struct vref *ref);
void vrules_set(struct vrules *v, size_t rule, enum vsev s);
enum vsev vrules_get(const struct vrules *v, size_t rule);
/*
 * One configuration entry, "CODE SEVERITY" or "CODE=SEVERITY"; CODE may
 * end in '*' to match every code with that prefix.  Errors name file and
 * line (file may be NULL for a command-line --set) and exit 78 (file) or
 * 64 (command line).
 */
void vrules_config_entry(struct vrules *v, const char *entry,
    const char *file, unsigned long line);
/* A configuration file: one entry a line, '#' comments, blank lines. */
void vrules_config_file(struct vrules *v, const char *path);
/*
 * The rows of staging.validation_rules (rule_name = code, severity,
 * is_active): unknown rule names are warned about and ignored.
 */
void vrules_config_pg(struct vrules *v, const char *conninfo);
/* Default timely filing limit in days (financial classes may override). */
void vrules_set_timely_days(struct vrules *v, int days);
/* "Today" as a day number (date.h), for the not-in-the-future rules. */
void vrules_set_today(struct vrules *v, long day);

/*
 * Check the claim at the root of d.  recno is the ordinal of the record
 * in the run (for DUP_02 messages).  The `validation` section (a JSON
 * object) replaces the contents of out.
 */
enum vstatus vrules_check(struct vrules *v, const struct jdoc *d,
    unsigned long recno, struct buf *out);

/* Findings of the last vrules_check, in the order written. */
size_t vrules_nfindings(const struct vrules *v);
const char *vrules_finding_code(const struct vrules *v, size_t i);
enum vsev vrules_finding_severity(const struct vrules *v, size_t i);
const char *vrules_finding_message(const struct vrules *v, size_t i);
const char *vrules_finding_field(const struct vrules *v, size_t i);

#endif
