/*
 * fuzz-tdsd: tdsd's packet reassembly, PRELOGIN/LOGIN7 parsers, SQL batch
 * decoding, T-SQL lexer/parser/binder/executor and bulk load token parser,
 * fed arbitrary bytes through the socket-free session code
 * (tests/tdsd/selftest.c: the first byte chooses packets from the start of
 * a connection, packets of a logged-in session, SQL text, or a bulk
 * stream).  Invariant: no crash, no sanitizer report, no leak, whatever
 * the bytes.  The corpus in tests/fuzz/corpus/tdsd/ is replayed by
 * tests/t7290-tdsd-fuzz-regress.sh through `tdsd --selftest-file`.
 */
#include <stddef.h>
#include <stdint.h>

int	tdsd_selftest(const uint8_t *p, size_t n);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* big inputs only slow the search down */
	if (size > 65536)
		return 0;
	(void)tdsd_selftest(data, size);
	return 0;
}
