/*
 * fuzz-x12: the X12 tokenizer.  Invariants, whatever the input: no crash;
 * every segment lies inside the input, its elements inside the segment in
 * increasing order, and element and component access stays in bounds;
 * segment indexes count up by one; the reader ends.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/x12.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct x12r *r = x12r_mem(data, size);
	struct x12_seg s;
	unsigned long long last = 0, n = 0;
	int rc;

	while ((rc = x12r_next(r, &s)) != X12_EOF) {
		unsigned i;

		if (++n > size + 2)
			abort();	/* the reader must make progress */
		if (rc == X12_ERR) {
			if (x12r_error(r)[0] == '\0')
				abort();
			if (s.len > 64 || (s.len && ((const uint8_t *)s.text <
			    data || (const uint8_t *)s.text + s.len >
			    data + size)))
				abort();
			continue;
		}
		if ((const uint8_t *)s.text < data ||
		    (const uint8_t *)s.text + s.len > data + size)
			abort();
		if (s.index != last + 1 && !(s.index > last))
			abort();
		last = s.index;
		if (s.offset + s.len > size)
			abort();
		for (i = 0; i <= s.nel; i++) {
			size_t len, cl;
			const char *e = x12_el(&s, i, &len);
			unsigned j;

			if (s.eoff[i] > s.eoff[i + 1] || e < s.text ||
			    e + len > s.text + s.len)
				abort();
			for (j = 1; j < 4; j++) {
				const char *c = x12_comp(e, len, s.d.comp, j,
				    &cl);

				if (cl > 0 && (c < e || c + cl > e + len))
					abort();
			}
		}
		if (x12_el(&s, s.nel + 1, &(size_t){ 0 })[0] != '\0')
			abort();
		(void)x12_valid_id(s.text, s.idlen);
	}
	if (x12r_offset(r) > size)
		abort();
	x12r_close(r);
	return 0;
}
