/*
 * labels: training labels of claims, either a top-level member of the
 * record itself or joined by claim_id from a sidecar NDJSON file (one
 * object per claim with "claim_id" and the label member, as edi-gen's
 * --sidecar writes).  A label is a JSON string (a filter code or name)
 * or a JSON integer (a filter id, like seed 004's target_filter_id).
 */
#ifndef CLAIMKIT_LABELS_H
#define CLAIMKIT_LABELS_H

#include <stddef.h>

struct jdoc;

enum label_kind { LABEL_NONE, LABEL_INT, LABEL_STR };

struct label {
	enum label_kind	 kind;
	long long	 ival;		/* LABEL_INT */
	/* LABEL_STR: the string; LABEL_INT: its decimal text */
	const char	*str;
	size_t		 len;
	char		 num[24];	/* storage for that decimal text */
};

/*
 * Read the label at node n of d into out: 0, or -1 when n is absent
 * (kind LABEL_NONE), or -2 when it is neither a string nor an integer.
 * out->str points into d or into out; valid while both are.
 */
int label_read(const struct jdoc *d, int n, struct label *out);

struct labels;

/*
 * Load a sidecar: every line's claim_id -> its member field.  Lines
 * without the field are skipped.  Returns NULL with "file:line: message"
 * in err for unreadable files, lines that are not JSON objects, a
 * missing claim_id, a label of the wrong type, or one claim_id with two
 * different labels.
 */
struct labels *labels_load(const char *path, const char *field, char *err,
    size_t errsz);
void labels_free(struct labels *l);
size_t labels_count(const struct labels *l);
/* Label of claim id[0..n): 0 and *out set, or -1 when unknown. */
int labels_get(const struct labels *l, const char *id, size_t n,
    struct label *out);

#endif
