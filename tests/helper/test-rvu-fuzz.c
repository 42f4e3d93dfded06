/*
 * test-rvu-fuzz: run the rvu-price fuzz targets over files, without
 * libFuzzer, so that their corpora are regression tests under the
 * sanitizer build (tests/t5030-rvu-price-fuzz.sh).
 *
 *	test-rvu-fuzz index FILE...	tests/fuzz/fuzz-rvu-index.c
 *	test-rvu-fuzz csv FILE...	tests/fuzz/fuzz-rvu-csv.c
 *
 * Prints "FILE: ok" per file; a violated invariant aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LLVMFuzzerTestOneInput fuzz_rvu_index
#include "../fuzz/fuzz-rvu-index.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_rvu_csv
#include "../fuzz/fuzz-rvu-csv.c"
#undef LLVMFuzzerTestOneInput

int
main(int argc, char **argv)
{
	int (*fn)(const uint8_t *, size_t);
	int i;

	if (argc < 2 || (strcmp(argv[1], "index") != 0 &&
	    strcmp(argv[1], "csv") != 0)) {
		fprintf(stderr, "usage: test-rvu-fuzz index|csv file...\n");
		return 64;
	}
	fn = strcmp(argv[1], "index") == 0 ? fuzz_rvu_index : fuzz_rvu_csv;
	for (i = 2; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		unsigned char *data = NULL;
		size_t len = 0, cap = 0, n;

		if (fp == NULL) {
			perror(argv[i]);
			return 66;
		}
		do {
			if (len == cap) {
				cap = cap ? cap * 2 : 65536;
				if ((data = realloc(data, cap)) == NULL)
					return 70;
			}
			n = fread(data + len, 1, cap - len, fp);
			len += n;
		} while (n > 0);
		fclose(fp);
		fn(data, len);
		free(data);
		printf("%s: ok\n", argv[i]);
	}
	return 0;
}
