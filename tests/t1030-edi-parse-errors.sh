#!/bin/sh
# The deliberately broken and the unsupported files of the corpus: each
# error names the problem and its position (file:segment index), the
# rejects carry segment_index/segment_id/byte_offset, and the exit status
# follows the table of edi-parse(1).  The expected messages were written
# from the files (SOURCES.md there says what is wrong with each).
. "$(dirname "$0")/lib.sh"

C=$SHARED/corpus/x12
if ! have_shared; then
	test_skip 'errors of the broken corpus files' 'no ../shared corpus'
	test_done
	exit
fi

# file|exit|expected line on standard error (fixed string)|reject code|segment
cat >table <<'TABLE'
imsweb__5010_x12_bad_first_line.txt|1|imsweb__5010_x12_bad_first_line.txt:1: error: malformed ISA segment: ISA02 is 9 characters, not 10 (the ISA segment must be 106 bytes)|bad_isa|1
imsweb__5010_x12_bad_segment_identifier.txt|1|imsweb__5010_x12_bad_segment_identifier.txt:6: error: invalid segment identifier: ''|bad_segment_id|6
imsweb__5010_x12_no_isa_line.txt|65|imsweb__5010_x12_no_isa_line.txt:1: error: not an X12 interchange: the input does not start with an ISA segment: 'GS*HC*SENDER CODE*RECEIVER CODE*19991231...'|not_x12|1
pyx12__fail_no_IEA.txt|1|pyx12__fail_no_IEA.txt:3: error: unsupported implementation 837P 4010 (convert it to 5010); edi-parse reads 837P 005010X222A1/A2: '004010X098A1'|unsupported_implementation|3
imsweb__5010_x223-test.txt|1|imsweb__5010_x223-test.txt:3: error: unsupported implementation 837I (institutional, 5010); edi-parse reads 837P 005010X222A1/A2: '005010X223A2'|unsupported_implementation|3
lfh__5010X223A3_two-claims-single-provider.837i|1|lfh__5010X223A3_two-claims-single-provider.837i:3: error: unsupported implementation 837I (institutional, 5010); edi-parse reads 837P 005010X222A1/A2: '005010X223A3'|unsupported_implementation|3
lfh__4010X096A1_institutional.837|1|lfh__4010X096A1_institutional.837:3: error: unsupported implementation 837I (institutional, 4010); edi-parse reads 837P 005010X222A1/A2: '004010X096A1'|unsupported_implementation|3
lfh__4010X098A1_patient-is-dependent.837|1|lfh__4010X098A1_patient-is-dependent.837:3: error: unsupported implementation 837P 4010 (convert it to 5010); edi-parse reads 837P 005010X222A1/A2: '004010X098A1'|unsupported_implementation|3
pyx12__bad_elements.txt|1|pyx12__bad_elements.txt:3: error: unsupported implementation 837P 4010 (convert it to 5010); edi-parse reads 837P 005010X222A1/A2: '004010X098A1'|unsupported_implementation|3
pyx12__simple_837p.txt|1|pyx12__simple_837p.txt:3: error: unsupported implementation 837P 4010 (convert it to 5010); edi-parse reads 837P 005010X222A1/A2: '004010X098A1'|unsupported_implementation|3
pyx12__simple_837i.txt|1|pyx12__simple_837i.txt:3: error: unsupported implementation 837I (institutional, 4010); edi-parse reads 837P 005010X222A1/A2: '004010X096A1'|unsupported_implementation|3
pyx12__blank1.txt|1|pyx12__blank1.txt:3: error: unsupported implementation 837I (institutional, 4010); edi-parse reads 837P 005010X222A1/A2: '004010X096A1'|unsupported_implementation|3
pyx12__trailing_terms.txt|1|pyx12__trailing_terms.txt:3: error: unsupported implementation 837I (institutional, 4010); edi-parse reads 837P 005010X222A1/A2: '004010X096A1'|unsupported_implementation|3
pyx12__trailer_errors.txt|1|pyx12__trailer_errors.txt:62: error: unsupported implementation 837I (institutional, 4010); edi-parse reads 837P 005010X222A1/A2: '004010X096A1'|unsupported_implementation|3
TABLE

# file|expected warning line (fixed string); these files are still parsed
cat >warnings <<'TABLE'
pyx12__fail_no_IEA.txt|pyx12__fail_no_IEA.txt:5: warning: interchange not closed by IEA (end of input): '000010121'
pyx12__trailer_errors.txt|pyx12__trailer_errors.txt:121: warning: GE02 control number does not match GS06 '1': '333'
pyx12__trailer_errors.txt|pyx12__trailer_errors.txt:122: warning: IEA01 functional group count does not match the 1 counted: '5'
pyx12__trailer_errors.txt|pyx12__trailer_errors.txt:122: warning: IEA02 control number does not match ISA13 '000484950': '333'
imsweb__5010_x12_bad_valid_code.txt|imsweb__5010_x12_bad_valid_code.txt:9: warning: NM1 entity code not used here in loop 2000A (kept in extra_segments): 'NM1*117'
imsweb__5010_x12_bad_valid_code.txt|imsweb__5010_x12_bad_valid_code.txt:8: warning: no billing provider name (loop 2010AA, NM1*85): HL '1'
imsweb__5010_x12_loop_errors1_exceeds_max_1_parent.txt|imsweb__5010_x12_loop_errors1_exceeds_max_1_parent.txt:15: warning: loop repeated more often than 837P allows in loop 2010AA (kept in extra_segments): 'NM1*85'
imsweb__5010_x12_loop_errors3_missing_loops.txt|imsweb__5010_x12_loop_errors3_missing_loops.txt:8: warning: no billing provider name (loop 2010AA, NM1*85): HL '1'
imsweb__5010_x12_missing_required_loop_in_one_repeat.txt|imsweb__5010_x12_missing_required_loop_in_one_repeat.txt:18: warning: no subscriber name (loop 2010BA, NM1*IL): HL '2'
imsweb__5010_x12_missing_required_loops_mult_repeats.txt|imsweb__5010_x12_missing_required_loops_mult_repeats.txt:33: warning: unexpected segment in loop 2300 (kept in extra_segments): 'SV1'
imsweb__5010_x12_missing_required_loops_mult_repeats.txt|imsweb__5010_x12_missing_required_loops_mult_repeats.txt:31: warning: claim has no service line (loop 2400, LX): CLM 'A37YH667'
imsweb__5010_x12_missing_elements.txt|imsweb__5010_x12_missing_elements.txt:7: warning: required element is missing: 'NM102'
imsweb__5010_x12_missing_elements.txt|imsweb__5010_x12_missing_elements.txt:31: warning: required element is missing: 'CLM05'
imsweb__5010_x12_segment_errors.txt|imsweb__5010_x12_segment_errors.txt:25: warning: SE01 segment count does not match the 23 counted: '25'
imsweb__5010_x12_valid.txt|imsweb__5010_x12_valid.txt:36: warning: SE01 segment count does not match the 34 counted: '25'
lfh__5010X222A2_demo.example9.837|lfh__5010X222A2_demo.example9.837:29: warning: component separator ISA16 is ':' but SV101 uses another one: '>'
TABLE

cd "$C" || exit 1

test_expect_success 'each broken or unsupported file: exit status and message' '
	while IFS="|" read -r f rc msg code seg; do
		{ edi-parse -r "$T/$f.rej" "$f" >"$T/$f.out" 2>"$T/$f.err"; got=$?; } &&
		{ [ "$got" -eq "$rc" ] || { echo "$f: exit $got, want $rc"; exit 1; }; } &&
		grep -qF "edi-parse: $msg" "$T/$f.err" || { echo "$f: no \"$msg\""; cat "$T/$f.err"; exit 1; }
	done <"$T/table"
'

test_expect_success 'each reject names the code and the position' '
	while IFS="|" read -r f rc msg code seg; do
		jq -s -e --arg c "$code" --argjson s "$seg" \
		    "any(.[]; .reject.code == \$c and .reject.segment_index == \$s
		      and .reject.line == \$s and (.reject.byte_offset | type) == \"number\")" \
		    "$T/$f.rej" >/dev/null || { echo "$f: no $code at $seg"; cat "$T/$f.rej"; exit 1; }
	done <"$T/table"
'

test_expect_success 'a reject holds the offending segment and its unit' '
	jq -c "[.reject.segment_id, .reject.unit, .reject.claims, .raw]" \
	    "$T/imsweb__5010_x12_bad_segment_identifier.txt.rej" >"$T/actual" &&
	echo "[null,\"transaction\",2,\"*IC*DAVID ANGELASZEK*TE*3016809770*EX*123\"]" >"$T/expect" &&
	test_cmp "$T/expect" "$T/actual" &&
	jq -c "[.reject.segment_id, .reject.unit, .reject.claims, .reject.transactions]" \
	    "$T/imsweb__5010_x12_bad_first_line.txt.rej" >"$T/actual" &&
	echo "[\"ISA\",\"interchange\",2,1]" >"$T/expect" &&
	test_cmp "$T/expect" "$T/actual" &&
	jq -c "[.reject.segment_id, .raw]" "$T/lfh__4010X096A1_institutional.837.rej" >"$T/actual" &&
	echo "[\"ST\",\"ST*837*987654\"]" >"$T/expect" &&
	test_cmp "$T/expect" "$T/actual"
'

test_expect_success 'the two transaction sets of trailer_errors are both rejected' '
	test "$(test_lines "$T/pyx12__trailer_errors.txt.rej")" -eq 2 &&
	jq -r .reject.segment_index "$T/pyx12__trailer_errors.txt.rej" >"$T/actual" &&
	printf "3\n62\n" >"$T/expect" &&
	test_cmp "$T/expect" "$T/actual"
'

test_expect_success 'warnings name the problem and position; the claims are kept' '
	while IFS="|" read -r f msg; do
		edi-parse "$f" >"$T/w.out" 2>"$T/w.err"
		grep -qF "edi-parse: $msg" "$T/w.err" || { echo "$f: no \"$msg\""; cat "$T/w.err"; exit 1; }
	done <"$T/warnings" &&
	edi-parse imsweb__5010_x12_bad_valid_code.txt 2>/dev/null >"$T/w.out" &&
	test "$(test_lines "$T/w.out")" -eq 2 &&
	jq -r ".source.warnings[].code" "$T/w.out" | sort -u >"$T/actual" &&
	printf "%s\n" bad_element hl_parent missing_loop se_count unexpected_segment >"$T/expect" &&
	test_cmp "$T/expect" "$T/actual" &&
	jq -c ".extra_segments[0] | [.segment_index, .id, .loop, .text]" "$T/w.out" |
	    sort -u >"$T/actual" &&
	echo "[9,\"NM1\",\"2000A\",\"NM1*117*2*MEDICAL GROUP*****XX*1234567890\"]" >"$T/expect" &&
	test_cmp "$T/expect" "$T/actual"
'

test_expect_success '--strict rejects what only warned (SE01 of the imsweb files)' '
	test_expect_code 1 edi-parse --strict -r "$T/s.rej" imsweb__5010_x12_valid.txt >"$T/s.out" 2>"$T/s.err" &&
	test "$(test_lines "$T/s.out")" -eq 0 &&
	jq -c "[.reject.unit, .reject.claims, .reject.code]" "$T/s.rej" >"$T/actual" &&
	echo "[\"transaction\",2,\"bad_element\"]" >"$T/expect" &&
	test_cmp "$T/expect" "$T/actual" &&
	test_expect_code 0 edi-parse --strict lfh__5010X222A2_demo.example1.837 >"$T/s.out" &&
	test "$(test_lines "$T/s.out")" -eq 1
'

test_expect_success 'messages carry no patient names or birth dates' '
	cat "$T"/*.err >"$T/all.err" &&
	! grep -E "ANGELASZEK|DOE|SMITH|19611124|JOHN" "$T/all.err"
'
test_done
