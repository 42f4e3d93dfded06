#!/bin/sh
# edi-gen: same seed and options, same bytes; sizes; formatting options
# change the form, never the content.
. "$(dirname "$0")/lib.sh"
. "$TESTS/lib-edi-gen.sh"

test_expect_success 'same seed, same bytes (X12 and sidecar)' '
	edi-gen -n 300 -S 42 --defects 0.2 -o a.837 --sidecar a.ndjson &&
	edi-gen -n 300 -S 42 --defects 0.2 -o b.837 --sidecar b.ndjson &&
	cmp a.837 b.837 && cmp a.ndjson b.ndjson
'

test_expect_success 'stdout and -o write the same bytes' '
	edi-gen -n 300 -S 42 --defects 0.2 >c.837 && cmp a.837 c.837
'

test_expect_success 'another seed, other claims' '
	edi-gen -n 300 -S 43 --defects 0.2 -o d.837 &&
	! cmp -s a.837 d.837 &&
	x12_segments a.837 | grep "^CLM" >clm.a &&
	x12_segments d.837 | grep "^CLM" >clm.d &&
	test -z "$(comm -12 clm.a clm.d)"
'

test_expect_success 'delimiters and line breaks change only the form' '
	edi-gen -n 120 -S 9 --delimiters "|>!^" --newline crlf -o e.837 &&
	edi-gen -n 120 -S 9 -o f.837 &&
	! cmp -s e.837 f.837 &&
	x12_segments e.837 | sed "s/^\\(ISA\\*.*\\)\\*!\\*00501/\\1*^*00501/;
	    s/^\\(ISA.*\\*\\)>\$/\\1:/" >e.segs &&
	x12_segments f.837 >f.segs &&
	test_cmp f.segs e.segs &&
	x12_check e.837
'

test_expect_success 'newline none: one line; crlf: every segment ends in CR LF' '
	edi-gen -n 20 --newline none -o n.837 &&
	test "$(wc -l <n.837 | tr -d " ")" = 0 &&
	x12_check n.837 &&
	edi-gen -n 20 --newline crlf -o r.837 &&
	cr=$(printf "\r") &&
	test "$(grep -c "~$cr\$" r.837)" = "$(wc -l <r.837 | tr -d " ")" &&
	test "$(wc -l <r.837 | tr -d " ")" -gt 100
'

test_expect_success '--claims gives exactly N claims' '
	for n in 1 2 99 101; do
		edi-gen -n $n -S $n --sidecar s$n -o x$n.837 &&
		test "$(test_lines s$n)" = $n &&
		x12_check x$n.837 || exit 1
	done
'

test_expect_success '--size stops at the first claim past SIZE, envelopes closed' '
	edi-gen -s 300K -o big.837 --sidecar big.ndjson &&
	size=$(wc -c <big.837) &&
	test $size -ge 307200 && test $size -lt 320000 &&
	x12_check big.837 &&
	tail -c 30 big.837 | grep -q "IEA\\*1\\*" &&
	test "$(x12_segments big.837 | grep -c "^CLM")" = "$(test_lines big.ndjson)"
'

test_expect_success '--claims and --size: whichever comes first' '
	edi-gen -n 5 -s 10M --sidecar s5 >/dev/null && test "$(test_lines s5)" = 5 &&
	edi-gen -n 100000 -s 20K --sidecar s6 >/dev/null &&
	test "$(test_lines s6)" -lt 100
'

test_expect_success 'streaming: memory does not grow with the output' '
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "%M" -o m1 edi-gen -s 2M >/dev/null &&
		/usr/bin/time -f "%M" -o m2 edi-gen -s 40M >/dev/null &&
		test "$(tail -1 m2)" -lt $(( $(tail -1 m1) + 4096 ))
	fi
'

test_done
