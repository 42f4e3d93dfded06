#!/bin/sh
# The fuzzing seeds and every input the fuzzers once crashed on
# (tests/fuzz/corpus/x12 and x837) go through edi-parse itself, in default
# and strict mode: no crash (make check runs this under ASan/UBSan), an
# exit status from the table, and records that match claimkit-record(5).
# The libFuzzer targets themselves are built by `make fuzz`.
. "$(dirname "$0")/lib.sh"

test_expect_success 'fuzz corpus: no crash, valid records' '
	n=0 &&
	for f in "$TESTS"/fuzz/corpus/x12/* "$TESTS"/fuzz/corpus/x837/*; do
		[ -f "$f" ] || continue
		for opt in "" --strict; do
			{ edi-parse $opt -r rej "$f" >out 2>err; rc=$?; } &&
			case $rc in 0|1|65) ;; *) echo "$f $opt: exit $rc"; cat err; exit 1 ;; esac &&
			! grep -E "AddressSanitizer|runtime error|LeakSanitizer" err &&
			check-record "$SRC/man/claimkit-record.5" out 2>/dev/null ||
			{ echo "$f $opt"; exit 1; }
		done
		n=$((n + 1))
	done &&
	test "$n" -ge 4
'
test_done
