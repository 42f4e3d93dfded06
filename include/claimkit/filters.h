/*
 * filters: the table of named claim outcomes ("filters") that the filter
 * model predicts, each with the action a pipeline takes on it.  The same
 * rows live in PostgreSQL (edi.filters rows of rule_type ML_LABEL) and,
 * for file-only use, in a CSV file whose header names the columns (order
 * free, extra columns ignored):
 *
 *	filter_id,filter_code,filter_name,action,class_index
 *	1,clean,Clean claim,release,1
 *
 * filter_id (integer >= 0) and filter_code are required and unique.
 * class_index is the integer label of the filter (seed 004's
 * target_filter_id); without the column it equals filter_id.
 */
#ifndef CLAIMKIT_FILTERS_H
#define CLAIMKIT_FILTERS_H

#include <stddef.h>

struct filter {
	long long	 id;
	long long	 class_index;
	char		*code;
	char		*name;		/* "" without the column */
	char		*action;	/* "" without the column */
};

struct filters {
	struct filter	*rows;
	size_t		 n;
};

/*
 * Read a filters CSV.  Returns the table, or NULL with a message
 * ("file:line: what is wrong") in err[0..errsz).  Free with filters_free.
 */
struct filters *filters_load(const char *path, char *err, size_t errsz);
/*
 * The same from PostgreSQL at conninfo (libpq conninfo or URI): the
 * active, latest ML_LABEL rows of edi.filters.  NULL with err and *rc set
 * (CK_EX_UNAVAILABLE, CK_EX_TEMPFAIL or CK_EX_CONFIG) on failure.
 */
struct filters *filters_load_pg(const char *conninfo, int *rc, char *err,
    size_t errsz);
/* filters_load_pg for "postgresql://" and "postgres://" URIs, else CSV. */
struct filters *filters_open(const char *where, int *rc, char *err,
    size_t errsz);
void filters_free(struct filters *t);

/* Row with filter_id id, or NULL. */
const struct filter *filters_by_id(const struct filters *t, long long id);
/* Row with class_index n (an integer label), or NULL. */
const struct filter *filters_by_class(const struct filters *t, long long n);
/* Row whose filter_code (else filter_name) equals s[0..n), or NULL. */
const struct filter *filters_by_code(const struct filters *t, const char *s,
    size_t n);

#endif
