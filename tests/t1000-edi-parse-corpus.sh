#!/bin/sh
# edi-parse over the public 837 corpus ($SHARED/corpus/x12, SOURCES.md
# there): no file crashes it (make check runs this under ASan/UBSan), every
# 837P file gives one record per CLM segment, and for every file the CLM
# segments equal the records written plus the claims counted in rejects.
. "$(dirname "$0")/lib.sh"

C=$SHARED/corpus/x12
if ! have_shared; then
	test_skip 'corpus parses without a crash' 'no ../shared corpus'
	test_skip 'one record per CLM segment' 'no ../shared corpus'
	test_skip 'no claim lost' 'no ../shared corpus'
	test_done
	exit
fi

# The 837P 5010 files edi-parse accepts (the others are 837I, 4010 or
# deliberately broken; t1030 checks their errors).
cat >accepted <<'EOF'
imsweb__5010_x12_ambiguous_loop.txt
imsweb__5010_x12_bad_valid_code.txt
imsweb__5010_x12_complex.txt
imsweb__5010_x12_loop_errors1_exceeds_max_1_parent.txt
imsweb__5010_x12_loop_errors3_missing_loops.txt
imsweb__5010_x12_many_claims.txt
imsweb__5010_x12_missing_elements.txt
imsweb__5010_x12_missing_required_loop_in_one_repeat.txt
imsweb__5010_x12_missing_required_loops_mult_repeats.txt
imsweb__5010_x12_multiple_gs.txt
imsweb__5010_x12_multiple_isa.txt
imsweb__5010_x12_multiple_st.txt
imsweb__5010_x12_multiple_transactions.txt
imsweb__5010_x12_no_errors.txt
imsweb__5010_x12_segment_errors.txt
imsweb__5010_x12_segments_out_of_order.txt
imsweb__5010_x12_valid.txt
imsweb__5010_x12_valid_different_separators.txt
lfh__5010X222A2_demo.ambulance.example5.837
lfh__5010X222A2_demo.autoaccident.837
lfh__5010X222A2_demo.cob.2ndary.example4.837
lfh__5010X222A2_demo.cob.example3.B.837
lfh__5010X222A2_demo.drug.example10.2.837
lfh__5010X222A2_demo.example1.837
lfh__5010X222A2_demo.example11.837
lfh__5010X222A2_demo.example2.837
lfh__5010X222A2_demo.example7.837
lfh__5010X222A2_demo.example8.837
lfh__5010X222A2_demo.example9.837
EOF

# CLM segments of a file, split with its own delimiters: the element
# separator is the byte after "ISA", the terminator the byte after ISA16
# (field 17 when the ISA is split on the element separator); files without
# an ISA use * and ~.
count_clm() {
	e=$(head -c 4 "$1" | tail -c 1)
	t=$(head -c 300 "$1" | tr "$e" '\n' | sed -n 17p | cut -c 2)
	case $(head -c 3 "$1") in ISA) ;; *) e='*' t='~' ;; esac
	tr -d '\r\n' <"$1" | tr "$t" '\n' | grep -c "^CLM[$e]"; true
}

test_expect_success 'every corpus file parses without a crash' '
	n=0 &&
	for f in "$C"/*.txt "$C"/*.837 "$C"/*.837i; do
		b=${f##*/} &&
		{ edi-parse -r "$b.rej" "$f" >"$b.out" 2>"$b.err"; rc=$?; } &&
		case $rc in 0|1|65) ;; *) echo "$b: exit $rc"; cat "$b.err"; exit 1 ;; esac &&
		! grep -E "AddressSanitizer|runtime error|LeakSanitizer" "$b.err" &&
		echo "$b $rc" >>rcs &&
		n=$((n + 1)) || exit 1
	done &&
	test "$n" -eq 43
'

test_expect_success 'each accepted 837P file: exit 0, one record per CLM' '
	while read -r b; do
		grep -qx "$b 0" rcs || { echo "$b: not exit 0"; exit 1; }
		want=$(count_clm "$C/$b") &&
		got=$(test_lines "$b.out") &&
		{ [ "$want" -eq "$got" ] || { echo "$b: $got records, $want CLM"; exit 1; }; } &&
		{ [ ! -s "$b.rej" ] || { echo "$b: rejects"; cat "$b.rej"; exit 1; }; } || exit 1
	done <accepted &&
	test_lines accepted | grep -qx 29
'

test_expect_success 'the large files: 820 and 624 claims' '
	test "$(test_lines imsweb__5010_x12_many_claims.txt.out)" -eq 820 &&
	test "$(test_lines imsweb__5010_x12_multiple_transactions.txt.out)" -eq 624
'

test_expect_success 'no claim lost: CLM = records + claims of the rejects' '
	for f in "$C"/*.txt "$C"/*.837 "$C"/*.837i; do
		b=${f##*/}
		grep -qx "$b 65" rcs && continue
		want=$(count_clm "$f") &&
		rej=$(jq -s "map(.reject.claims) | add // 0" "$b.rej") &&
		got=$(( $(test_lines "$b.out") + rej )) &&
		{ [ "$want" -eq "$got" ] || { echo "$b: $got, want $want"; exit 1; }; } || exit 1
	done
'

test_expect_success 'claim ids: 32 hex digits, unique within each file' '
	for f in ./*.out; do
		jq -r .claim_id "$f" >ids &&
		! grep -v -E "^[0-9a-f]{32}\$" ids &&
		d=$(sort ids | uniq -d | wc -l) &&
		case $f in
		*multiple_gs*|*multiple_st*|*multiple_transactions*)
			test "$d" -gt 0 ;;
		*)	test "$d" -eq 0 ;;
		esac || { echo "$f: $d repeated ids"; exit 1; }
	done
'

test_expect_success 'repeated control numbers (hence ids) are warned about' '
	grep -q "ST02 repeats the previous transaction set.s control number" \
	    imsweb__5010_x12_multiple_st.txt.err &&
	grep -q "GS06 repeats the previous group.s control number" \
	    imsweb__5010_x12_multiple_gs.txt.err &&
	grep -q "ISA13 repeats the previous interchange.s control number" \
	    imsweb__5010_x12_multiple_transactions.txt.err &&
	jq -r ".source.warnings[].code" imsweb__5010_x12_multiple_st.txt.out |
	    grep -qx duplicate_control_number
'

test_expect_success 'the same input gives the same records (ids, everything)' '
	edi-parse -q "$C/imsweb__5010_x12_complex.txt" >again &&
	test_cmp imsweb__5010_x12_complex.txt.out again
'

test_expect_success 'different delimiters, same claims (and the same ids)' '
	jq -c "del(.source.file, .source.byte_offset, .source.delimiters, .extra_segments)" \
	    imsweb__5010_x12_valid.txt.out >a &&
	jq -c "del(.source.file, .source.byte_offset, .source.delimiters, .extra_segments)" \
	    imsweb__5010_x12_valid_different_separators.txt.out >b &&
	test_cmp a b
'

test_expect_success 'all corpus files in one run, and via standard input' '
	cat "$C"/imsweb__5010_x12_valid.txt "$C"/lfh__5010X222A2_demo.example1.837 |
	    edi-parse -q -n both.837 >stdin.out &&
	test "$(test_lines stdin.out)" -eq 3 &&
	test "$(jq -r .source.file stdin.out | sort -u)" = both.837 &&
	edi-parse -q "$C"/imsweb__5010_x12_valid.txt \
	    "$C"/lfh__5010X222A2_demo.example1.837 >two.out &&
	jq -r .claim_id two.out >ids2 &&
	jq -r .claim_id stdin.out >ids1 &&
	test_cmp ids1 ids2
'
test_done
