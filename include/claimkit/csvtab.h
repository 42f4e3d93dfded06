/*
 * csvtab: a CSV file with a header row, read with libcsv (strict quoting),
 * columns addressed by header name so that column order and extra columns
 * do not matter.  Every row must have as many fields as the header.
 *
 *	struct csvtab *t = csvtab_open("ref/facilities.csv");
 *	int id = csvtab_need(t, "facility_id");
 *	while (csvtab_next(t))
 *		use(csvtab_field(t, id, NULL), csvtab_line(t));
 *	csvtab_close(t);
 *
 * Reference files are configuration: a malformed file (bad quoting, a row
 * with the wrong number of fields, a missing required column) ends the
 * process with CK_EX_CONFIG (78) and a message naming the file and line.
 */
#ifndef CLAIMKIT_CSVTAB_H
#define CLAIMKIT_CSVTAB_H

#include <stddef.h>

struct csvtab;

/*
 * Open path and read its header row.  Returns NULL (errno set) when the
 * file cannot be opened; an empty file or a bad header is fatal (78).
 */
struct csvtab *csvtab_open(const char *path);
void csvtab_close(struct csvtab *t);
/* Index of the column named name (exact, case-sensitive), or -1. */
int csvtab_col(const struct csvtab *t, const char *name);
/* Like csvtab_col, but a missing column is fatal (78). */
int csvtab_need(const struct csvtab *t, const char *name);
/* Read the next data row: 1, or 0 at end of file.  Blank lines are skipped. */
int csvtab_next(struct csvtab *t);
/*
 * Field col of the current row (NUL-terminated, valid until the next
 * csvtab_next), "" when col is -1.  len may be NULL.
 */
const char *csvtab_field(const struct csvtab *t, int col, size_t *len);
/* 1-based line on which the current row starts. */
unsigned long csvtab_line(const struct csvtab *t);
const char *csvtab_path(const struct csvtab *t);
/*
 * Report a bad value of the current row, "prog: file:line: error: msg",
 * and exit CK_EX_CONFIG.
 */
void csvtab_fatal(const struct csvtab *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

#endif
