/*
 * fuzz-json: the NDJSON record index and jpatch.  Invariant: whatever the
 * input, parsing never crashes, and a record that parses still parses after
 * a patch adds a section to the root and to every object element of
 * "lines", with every original member still present.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/buf.h"
#include "claimkit/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct jdoc *d, *d2;
	static struct jpatch *p;
	struct buf out = BUF_INIT;
	char *text;
	int l;

	if (d == NULL) {
		d = jdoc_alloc();
		d2 = jdoc_alloc();
		p = jpatch_alloc();
	}
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	if (jdoc_parse(d, text, size) == 0 && jdoc_type(d, 0) == J_OBJECT) {
		jpatch_reset(p, d);
		jpatch_set(p, 0, "validation", "{\"status\":\"pass\"}", 17);
		for (l = jdoc_first(d, jdoc_get(d, 0, "lines")); l >= 0;
		    l = jdoc_next(d, l))
			jpatch_set(p, l, "pricing", "[1,2]", 5);
		jpatch_write(p, &out);
		if (jdoc_parse(d2, out.s, out.len) != 0)
			abort();
		if (jdoc_get(d2, 0, "validation") < 0)
			abort();
		for (l = jdoc_first(d, 0); l >= 0; l = jdoc_next(d, l)) {
			size_t kl;
			const char *k = jdoc_key(d, l, &kl);

			if (strlen(k) == kl && jdoc_get(d2, 0, k) < 0)
				abort();
		}
		(void)jdoc_path(d, 0, "lines.0.x.1");
	}
	buf_free(&out);
	free(text);
	return 0;
}
