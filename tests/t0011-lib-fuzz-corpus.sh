#!/bin/sh
# The libFuzzer corpus of the JSON index (tests/fuzz/corpus/json) through the
# sanitizer build: every input is accepted or rejected, none crashes, and
# records that parse still parse after a patch.
. "$(dirname "$0")/lib.sh"

for f in "$TESTS"/fuzz/corpus/json/*; do
	test_expect_success "json corpus ${f##*/}" '
		{ test-lib patch-lines pricing "[1]" <"$f" >out 2>err; rc=$?; } &&
		{ [ $rc -eq 0 ] || [ $rc -eq 1 ]; } &&
		{ [ ! -s out ] || test-lib cat out >/dev/null; }
	'
done
test_done
