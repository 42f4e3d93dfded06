/*
 * x837: X12 837P (005010X222A1, A2) to claimkit records, one JSON object
 * per CLM segment, as claimkit-record(5) describes them.
 *
 *	struct x837 *m = x837_new(&callbacks, ctx, flags);
 *	for each input: x837_parse(m, reader, name);
 *	x837_stats(m, &st);
 *	x837_free(m);
 *
 * Segments are assigned to loops by context (the HL level, the entity
 * code of NM1 and the loop it appears in), so SBR opens a 2320 inside a
 * claim and NM1*82 is 2310B, 2330D or 2420A depending on where it is.
 * One claim, the envelope state and the loops above the claim are held;
 * finished records wait in a spool (memory, then a temporary file) until
 * their interchange's IEA, so that envelope checks (SE01, GE01, IEA01 and
 * the control numbers) can be recorded in source.warnings or, under
 * X837_STRICT, reject the transaction, group or interchange before any of
 * its claims is written.
 */
#ifndef CLAIMKIT_X837_H
#define CLAIMKIT_X837_H

#include <stddef.h>

#include "claimkit/x12.h"

struct iovec;

/* Flags for x837_new(). */
#define X837_STRICT	1	/* any warning rejects its unit */

struct x837_cb {
	/* One finished claim record: a JSON object, no newline. */
	void	(*record)(void *ctx, const char *json, size_t len);
	/*
	 * A rejected unit (transaction set, functional group, interchange,
	 * or a stretch of input outside any of them).  segindex is the
	 * 1-based segment index of the problem (0 when not known); reason
	 * is a message such as "invalid segment identifier: 'NM31'"; pos_json
	 * the members that locate it ("segment_index":12,"segment_id":"NM31",
	 * "byte_offset":345,...,"claims":2); raw the offending segment's text
	 * (may be NULL).
	 */
	void	(*reject)(void *ctx, const char *file,
		    unsigned long long segindex, const char *pos_json,
		    const char *code, const char *reason, const char *raw,
		    size_t rawlen);
	/* A warning for standard error (also recorded in the records). */
	void	(*warn)(void *ctx, const char *file,
		    unsigned long long segindex, const char *msg);
	/*
	 * Optional: n finished records at once, v[i] one record followed
	 * by '\n' (struct iovec, <sys/uio.h>), valid during the call only;
	 * the records of an interchange leave this way without a copy.
	 * When NULL, record() gets each of them.
	 */
	void	(*records)(void *ctx, const struct iovec *v, int n);
};

struct x837_stats {
	unsigned long long	claims;		/* CLM segments seen */
	unsigned long long	records;	/* records written */
	unsigned long long	rejected_claims; /* CLMs inside rejects */
	unsigned long long	rejects;	/* reject records */
	unsigned long long	warnings;
	unsigned long long	segments;
	unsigned long long	bytes;
	unsigned long long	transactions;
	int			unusable;	/* an input was not X12 */
};

struct x837 *x837_new(const struct x837_cb *cb, void *ctx, int flags);
void x837_free(struct x837 *m);

/*
 * Read every segment of r (closing whatever is left open at its end) and
 * deliver records, rejects and warnings through the callbacks.  name is
 * source.file and the file name in messages.  Returns 0, or -1 when the
 * input as a whole is not X12 (empty, no ISA at the start, UTF-16); that
 * case is also delivered as a reject.
 */
int x837_parse(struct x837 *m, struct x12r *r, const char *name);

void x837_stats(const struct x837 *m, struct x837_stats *st);

#endif
