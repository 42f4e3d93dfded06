#!/bin/sh
# edi-gen: command line, envelope structure, sidecar contents.
. "$(dirname "$0")/lib.sh"
. "$TESTS/lib-edi-gen.sh"

test_expect_success 'help and version exit 0 on stdout' '
	edi-gen --help >out && grep -q "^usage: edi-gen" out &&
	edi-gen -V >out && grep -q "^edi-gen (claimkit)" out
'

test_expect_success 'usage errors exit 64' '
	test_expect_code 64 edi-gen --bogus 2>err &&
	test_expect_code 64 edi-gen -n 0 2>err &&
	test_expect_code 64 edi-gen --cob 1.5 2>err &&
	test_expect_code 64 edi-gen --delimiters "**:~" 2>err &&
	test_expect_code 64 edi-gen --delimiters "*A^~" 2>err &&
	test_expect_code 64 edi-gen --newline cr 2>err &&
	test_expect_code 64 edi-gen --defect-kinds npi-check,nonsense 2>err &&
	grep -q "invalid defect kind" err &&
	test_expect_code 64 edi-gen --size 12X 2>err &&
	test_expect_code 64 edi-gen --sender "bad id" 2>err &&
	test_expect_code 64 edi-gen extra 2>err
'

test_expect_success 'unwritable output exits 74' '
	test_expect_code 74 edi-gen -o "$T/no/such/dir/x.837" 2>err &&
	grep -q "cannot create" err &&
	test_expect_code 74 edi-gen --sidecar "$T/no/such/x" 2>err &&
	if [ -w /dev/full ]; then
		test_expect_code 74 edi-gen -n 2000 >/dev/full 2>err
	fi
'

test_expect_success 'default: 10 claims, valid envelopes' '
	edi-gen >out.837 --sidecar side.ndjson &&
	test "$(x12_segments out.837 | grep -c "^CLM\*")" = 10 &&
	test "$(test_lines side.ndjson)" = 10 &&
	x12_check out.837
'

test_expect_success 'many interchanges, groups and sets' '
	edi-gen -n 57 --claims-per-st 4 --st-per-gs 3 --gs-per-isa 2 \
	    -o m.837 --sidecar m.ndjson &&
	x12_check m.837 &&
	x12_segments m.837 >segs &&
	test "$(grep -c "^ST\*" segs)" = 15 &&
	test "$(grep -c "^GS\*" segs)" = 5 &&
	test "$(grep -c "^ISA\*" segs)" = 3 &&
	test "$(grep -c "^CLM\*" segs)" = 57 &&
	test "$(grep -c "^IEA\*" segs)" = 3 &&
	grep "^ISA" segs | cut -d"*" -f14 | sort -u | wc -l | grep -qx " *3" &&
	grep "^ST" segs | cut -d"*" -f3 | sort -u | wc -l | grep -qx " *15"
'

test_expect_success 'sidecar: claim_id is sha256(sender|ISA13|GS06|ST02|CLM01|ordinal)' '
	jq -r "[.claim_id, .interchange_control_number,
	    .group_control_number, .transaction_control_number,
	    .patient_account_number, (.claim_ordinal|tostring)] | @tsv" \
	    m.ndjson >ids &&
	while IFS="	" read -r id isa gs st acct ord; do
		want=$(printf "%s" "CLAIMKITGEN|$isa|$gs|$st|$acct|$ord" |
		    sha256sum | cut -c1-32) &&
		test "$id" = "$want" || { echo "bad id $id"; exit 1; }
	done <ids &&
	test "$(jq -r .claim_ordinal m.ndjson | sort -n | tail -1)" = 4
'

test_expect_success 'sidecar: values agree with the X12' '
	x12_segments m.837 | awk -F"*" "\$1 == \"CLM\" { print \$2 \"\t\" \$3 }" \
	    >clm &&
	jq -r "[.patient_account_number, .total_charge] | @tsv" m.ndjson |
	    awk -F"\t" "{ v = \$2; sub(/\\.00\$/, \"\", v);
		if (v ~ /\\.[0-9]0\$/) sub(/0\$/, \"\", v); print \$1 \"\t\" v }" \
	    >side &&
	test_cmp clm side &&
	test "$(jq "(.lines | length) == .line_count" m.ndjson |
	    sort -u)" = true &&
	test "$(jq -s "map(.lines[].charge) | add * 100 | round" m.ndjson)" = \
	    "$(jq -s "map(.total_charge) | add * 100 | round" m.ndjson)"
'

test_expect_success 'billing and rendering NPIs pass the check digit' '
	jq -r ".billing_npi, (.rendering_npi // empty),
	    (.referring_npi // empty)" m.ndjson | sort -u >npis &&
	test -s npis &&
	while read -r n; do npi_ok "$n" || { echo "bad $n"; exit 1; }; done <npis
'

test_expect_success 'MBIs on Medicare Part B claims have the CMS format' '
	edi-gen -n 400 -S 5 --sidecar mb.ndjson >/dev/null &&
	jq -r "select(.claim_filing_indicator == \"MB\") | .member_id" \
	    mb.ndjson >mbi &&
	test -s mbi &&
	! grep -v -E "^[1-9][AC-HJKMNP-RT-Y][0-9AC-HJKMNP-RT-Y][0-9][AC-HJKMNP-RT-Y][0-9AC-HJKMNP-RT-Y][0-9][AC-HJKMNP-RT-Y]{2}[0-9]{2}\$" mbi
'

test_expect_success 'line dates inside the claim span, in 2025' '
	jq -r ".service_date_from as \$f | .service_date_to as \$t |
	    .lines[] | select(.service_date < \$f or .service_date > \$t or
	    (.service_date | startswith(\"2025-\") | not)) | .service_date" \
	    mb.ndjson >outside &&
	test_cmp /dev/null outside
'

if have_shared && [ -f "$SHARED/data/cms/PPRRVU2025_Oct.csv" ]; then
	test_expect_success 'procedure codes exist in PPRRVU 2025' '
		edi-gen -n 3000 -S 11 --sidecar codes.ndjson >/dev/null &&
		jq -r ".lines[].procedure_code" codes.ndjson | sort -u >codes &&
		cut -d, -f1 "$SHARED/data/cms/PPRRVU2025_Oct.csv" | sort -u >rvu &&
		comm -23 codes rvu >missing &&
		test_cmp /dev/null missing
	'
	test_expect_success 'ZIP codes exist in the CMS ZIP5 file' '
		x12_segments out.837 >/dev/null &&
		edi-gen -n 1000 -S 12 | x12_segments /dev/stdin |
		    awk -F"*" "\$1 == \"N4\" { print substr(\$4, 1, 5) }" |
		    sort -u >zips &&
		cut -c3-7 "$SHARED/data/cms/ZIP5_OCT2025.txt" | sort -u >zip5 &&
		comm -23 zips zip5 >missing &&
		test_cmp /dev/null missing
	'
else
	test_skip 'procedure codes exist in PPRRVU 2025' 'no shared/ data'
	test_skip 'ZIP codes exist in the CMS ZIP5 file' 'no shared/ data'
fi

test_done
