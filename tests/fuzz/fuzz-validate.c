/*
 * fuzz-validate: the rules engine of claims-validate on arbitrary records.
 * Invariant: whatever the input, a record with a "claim" object gets a
 * validation section that is valid JSON, whose status agrees with its
 * error/warning counts and whose findings number errors + warnings, and
 * the patched record still parses with every original member present.
 * Runs without reference data, and with every rule on at severity error
 * or warning as configured by the first input byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/buf.h"
#include "claimkit/json.h"
#include "claimkit/vrules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct jdoc *d, *sec, *d2;
	static struct jpatch *p;
	static struct vrules *v;
	static unsigned long runs;
	struct buf s = BUF_INIT, out = BUF_INIT;
	long long ne = 0, nw = 0;
	const char *st;
	enum vstatus vs;
	char *text;
	int c;

	if (d == NULL) {
		d = jdoc_alloc();
		sec = jdoc_alloc();
		d2 = jdoc_alloc();
		p = jpatch_alloc();
	}
	/* A fresh engine now and then: DUP_02 remembers every claim. */
	if (runs++ % 100000 == 0) {
		vrules_free(v);
		v = vrules_alloc();
		vrules_set_ref(v, NULL);
		vrules_set_today(v, 20453);	/* 2025-12-31 */
	}
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	if (jdoc_parse(d, text, size) != 0 || jdoc_type(d, 0) != J_OBJECT ||
	    jdoc_type(d, jdoc_get(d, 0, "claim")) != J_OBJECT)
		goto done;
	vs = vrules_check(v, d, 1, &s);
	if (jdoc_parse(sec, s.s, s.len) != 0)
		abort();
	st = jdoc_pstr(sec, 0, "status");
	if (st == NULL || strcmp(st, vstatus_name(vs)) != 0)
		abort();
	if (jdoc_int(sec, jdoc_get(sec, 0, "errors"), &ne) != 0 ||
	    jdoc_int(sec, jdoc_get(sec, 0, "warnings"), &nw) != 0)
		abort();
	if ((vs == VSTATUS_FAIL) != (ne > 0) ||
	    (vs == VSTATUS_WARN) != (ne == 0 && nw > 0))
		abort();
	if ((long long)jdoc_count(sec, jdoc_get(sec, 0, "findings")) != ne + nw ||
	    vrules_nfindings(v) != (size_t)(ne + nw))
		abort();
	jpatch_reset(p, d);
	jpatch_set(p, 0, "validation", s.s, s.len);
	jpatch_write(p, &out);
	if (jdoc_parse(d2, out.s, out.len) != 0)
		abort();
	for (c = jdoc_first(d, 0); c >= 0; c = jdoc_next(d, c)) {
		size_t kl;
		const char *k = jdoc_key(d, c, &kl);

		if (strlen(k) == kl && jdoc_get(d2, 0, k) < 0)
			abort();
	}
done:
	buf_free(&s);
	buf_free(&out);
	free(text);
	return 0;
}
