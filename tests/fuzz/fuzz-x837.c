/*
 * fuzz-x837: the 837P mapper, in default and strict mode.  Invariants,
 * whatever the input: no crash; every record is one valid JSON object;
 * absent values are absent (no null, "", {} or []); the position
 * members of every reject form valid JSON; and no claim is
 * lost: the CLM segments counted equal the records written plus the
 * claims inside rejects.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "claimkit/buf.h"
#include "claimkit/json.h"
#include "claimkit/x12.h"
#include "claimkit/x837.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct jdoc *doc;
static struct buf tmp;

/* claimkit-record(5): absent is absent, never null, "", {} or []. */
static void
no_empty(int n)
{
	size_t len;
	int c;

	switch (jdoc_type(doc, n)) {
	case J_NULL:
		abort();
	case J_STRING:
		if (jdoc_str(doc, n, &len) == NULL || len == 0)
			abort();
		break;
	case J_OBJECT:
	case J_ARRAY:
		if (jdoc_count(doc, n) == 0)
			abort();
		for (c = jdoc_first(doc, n); c >= 0; c = jdoc_next(doc, c))
			no_empty(c);
		break;
	default:
		break;
	}
}

static void
on_record(void *ctx, const char *json, size_t len)
{
	(void)ctx;
	if (jdoc_parse(doc, json, len) != 0 || jdoc_type(doc, 0) != J_OBJECT ||
	    jdoc_get(doc, 0, "claim_id") < 0)
		abort();
	no_empty(0);
}

/* Batches (edi-parse's way): each record ends in its newline. */
static void
on_records(void *ctx, const struct iovec *v, int n)
{
	int i;

	if (n <= 0)
		abort();
	for (i = 0; i < n; i++) {
		const char *p = v[i].iov_base;

		if (v[i].iov_len < 2 || p[v[i].iov_len - 1] != '\n' ||
		    memchr(p, '\n', v[i].iov_len - 1) != NULL)
			abort();
		on_record(ctx, p, v[i].iov_len - 1);
	}
}

static void
on_reject(void *ctx, const char *file, unsigned long long segindex,
    const char *pos_json, const char *code, const char *reason,
    const char *raw, size_t rawlen)
{
	(void)ctx;
	(void)file;
	(void)segindex;
	(void)raw;
	if (code == NULL || *code == '\0' || reason == NULL || rawlen > 1024)
		abort();
	buf_reset(&tmp);
	buf_addc(&tmp, '{');
	buf_adds(&tmp, pos_json);
	buf_addc(&tmp, '}');
	if (jdoc_parse(doc, tmp.s, tmp.len) != 0)
		abort();
	/* the raw text goes into JSON as a string: it must be UTF-8 */
	buf_reset(&tmp);
	buf_adds(&tmp, "\"");
	if (raw != NULL) {
		size_t i;

		for (i = 0; i < rawlen; i++)
			if ((unsigned char)raw[i] >= 0x20 && raw[i] != '"' &&
			    raw[i] != '\\')
				buf_addc(&tmp, raw[i]);
	}
	buf_adds(&tmp, "\"");
	if (jdoc_parse(doc, tmp.s, tmp.len) != 0)
		abort();
}

static void
on_warn(void *ctx, const char *file, unsigned long long segindex,
    const char *msg)
{
	(void)ctx;
	(void)file;
	(void)segindex;
	if (msg == NULL || *msg == '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the plain mode hands records over in batches, strict one by one */
	static const struct x837_cb cbs[2] = {
		{ on_record, on_reject, on_warn, on_records },
		{ on_record, on_reject, on_warn, NULL }
	};
	int mode;

	if (doc == NULL)
		doc = jdoc_alloc();
	for (mode = 0; mode < 2; mode++) {
		struct x837 *m = x837_new(&cbs[mode], NULL,
		    mode ? X837_STRICT : 0);
		struct x12r *r = x12r_mem(data, size);
		struct x837_stats st;

		(void)x837_parse(m, r, "fuzz.837");
		x837_stats(m, &st);
		if (st.claims != st.records + st.rejected_claims)
			abort();
		x12r_close(r);
		x837_free(m);
	}
	return 0;
}
