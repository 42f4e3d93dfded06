#!/bin/sh
# edi-gen --write-ref: the reference universe, examples/ref in step with
# it, claims consistent with it; the training labels.
. "$(dirname "$0")/lib.sh"
. "$TESTS/lib-edi-gen.sh"

test_expect_success '--write-ref writes three CSV files with the headers' '
	edi-gen --write-ref ref >out && test_cmp /dev/null out &&
	head -1 ref/facilities.csv >h1 &&
	echo "facility_id,facility_name,npi_number,tax_id,state_code,zip_code,facility_type,critical_access,active" >e1 &&
	test_cmp e1 h1 &&
	head -1 ref/financial_classes.csv >h2 &&
	echo "financial_class_id,financial_class_description,facility_id,claim_filing_indicator,payer_id,requires_authorization,days_to_file_claim,active" >e2 &&
	test_cmp e2 h2 &&
	head -1 ref/payers.csv >h3 &&
	echo "payer_id,payer_name,claim_filing_indicator,payer_category" >e3 &&
	test_cmp e3 h3
'

test_expect_success 'examples/ref is what edi-gen writes' '
	for f in facilities.csv financial_classes.csv payers.csv; do
		test_cmp "$SRC/examples/ref/$f" ref/$f || exit 1
	done
'

test_expect_success 'facilities: ~20 active, some inactive, valid NPIs' '
	test "$(grep -c ",true\$" ref/facilities.csv)" -ge 18 &&
	test "$(grep -c ",false\$" ref/facilities.csv)" -ge 2 &&
	cut -d, -f3 ref/facilities.csv | tail -n +2 >npis &&
	while read -r n; do npi_ok "$n" || exit 1; done <npis &&
	test "$(sort -u npis | wc -l)" = "$(wc -l <npis)"
'

test_expect_success 'classes: facility-specific and inactive rows exist' '
	awk -F, "NR > 1 && \$3 != \"\"" ref/financial_classes.csv | grep -q . &&
	grep -q ",false\$" ref/financial_classes.csv
'

test_expect_success 'claims use active facilities and known classes and payers' '
	edi-gen -n 3000 -S 31 --sidecar s.nd >/dev/null &&
	jq -r .billing_npi s.nd | sort -u >used &&
	awk -F, "NR > 1 && \$9 == \"true\" { print \$3 }" ref/facilities.csv |
	    sort >active &&
	test -z "$(comm -23 used active)" &&
	jq -r ".financial_class_id // \"none\"" s.nd | sort -u >classes &&
	! grep -qx none classes &&
	cut -d, -f1 ref/financial_classes.csv | sort >known &&
	test -z "$(comm -23 classes known)" &&
	jq -r ".payer_id, (.other_payer_id // empty)" s.nd | sort -u >payers &&
	cut -d, -f1 ref/payers.csv | sort >kp &&
	test -z "$(comm -23 payers kp)"
'

test_expect_success 'labels: five filters, ids 1..5, majority at most ~60%' '
	jq -r "[.filter, .target_filter_id] | @tsv" s.nd | sort -u >pairs &&
	printf "clean\t1\nhold_authorization\t2\ndeny_eligibility\t3\nreview_coding\t4\nduplicate\t5\n" |
	    sort >want &&
	test_cmp want pairs &&
	jq -r .filter s.nd | sort | uniq -c | sort -rn | head -1 >top &&
	test "$(awk "{ print \$1 }" top)" -le 1900
'

test_expect_success 'labels follow the rules except for the noise' '
	edi-gen -n 3000 -S 31 --label-noise 0 --sidecar q.nd >/dev/null &&
	jq -r "select(.filter == \"deny_eligibility\") |
	    select((.claim_filing_indicator == \"MB\" or
	    .claim_filing_indicator == \"16\") and .patient_age < 65 and
	    ((.diagnoses | index(\"N186\")) == null) and
	    ((.diagnoses | index(\"Z992\")) == null) | not) |
	    select(.payer_id == \"SCH01\" and .patient_age >= 19 | not) |
	    select(.claim_filing_indicator == \"HM\" | not) | .claim_id" q.nd >odd &&
	test_cmp /dev/null odd &&
	jq -r "select(.filter == \"hold_authorization\" and .prior_authorization) |
	    .claim_id" q.nd >odd && test_cmp /dev/null odd &&
	jq -r "select(.filter == \"duplicate\") |
	    select(.duplicate_of_earlier_claim | not) | .claim_id" q.nd >odd &&
	test_cmp /dev/null odd &&
	n=$(jq -r "select(.filter != (.filter)) | 1" s.nd | wc -l) && test $n = 0 &&
	diff q.nd s.nd | grep -c "^<" >changed || : &&
	test "$(cat changed)" -gt 30 && test "$(cat changed)" -lt 200
'

test_done
