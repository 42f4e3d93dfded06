#!/bin/sh
# edi-gen: every defect kind shows in the X12 and in the sidecar; without
# --defects no claim carries one.
. "$(dirname "$0")/lib.sh"
. "$TESTS/lib-edi-gen.sh"

gen() { edi-gen -n 40 -S 3 --claims-per-st 5 --defects 1 --defect-kinds "$1" \
    -o "$1.837" --sidecar "$1.nd" && x12_segments "$1.837" >"$1.segs"; }
every() { test "$(jq -r ".defects | index(\"$1\") != null" "$1.nd" | sort -u)" = true; }

test_expect_success 'no defects by default' '
	edi-gen -n 500 --sidecar clean.nd -o clean.837 &&
	test "$(jq -c .defects clean.nd | sort -u)" = "[]" &&
	x12_check clean.837
'

test_expect_success 'npi-check: one NPI fails the check digit' '
	gen npi-check && every npi-check &&
	jq -r "[.billing_npi, (.rendering_npi // empty)] | map(select(. != null)) | .[]" npi-check.nd >n &&
	bad=0 && while read -r x; do npi_ok "$x" || bad=$((bad + 1)); done <n &&
	test $bad = 40
'

test_expect_success 'total-mismatch: CLM02 differs from the lines' '
	gen total-mismatch && every total-mismatch &&
	test_must_fail x12_check total-mismatch.837 >out &&
	test "$(grep -c "^CLM .*: total" out)" = 40 &&
	test "$(jq "(.lines | map(.charge) | add) != .total_charge" total-mismatch.nd | sort -u)" = true
'

test_expect_success 'missing-account: empty CLM01' '
	gen missing-account && every missing-account &&
	test "$(grep -c "^CLM\\*\\*" missing-account.segs)" = 40 &&
	test "$(jq -r .patient_account_number missing-account.nd | sort -u)" = ""
'

test_expect_success 'bad-date: impossible calendar date in DTP 472' '
	gen bad-date && every bad-date &&
	test "$(jq -r ".lines[] | .service_date_d8 // empty" bad-date.nd | wc -l)" = 40 &&
	jq -r ".lines[] | .service_date_d8 // empty" bad-date.nd | sort -u >bd &&
	while read -r d; do
		grep -q "^DTP\\*472\\*D8\\*$d\$" bad-date.segs || exit 1
		! date -d "$d" >/dev/null 2>&1 || exit 1
	done <bd
'

test_expect_success 'future-date: a line after the submission date' '
	gen future-date && every future-date &&
	test "$(jq ".submission_date as \$s | [.lines[].service_date] | max > \$s" future-date.nd | sort -u)" = true
'

test_expect_success 'dob-after-service: birth date after the service' '
	gen dob-after-service && every dob-after-service &&
	test "$(jq ".patient_birth_date > .service_date_from" dob-after-service.nd | sort -u)" = true
'

test_expect_success 'dx-pointer: a pointer past the HI codes' '
	gen dx-pointer && every dx-pointer &&
	test "$(jq "(.diagnoses | length) as \$n | [.lines[].diagnosis_pointers[]] | max > \$n" dx-pointer.nd | sort -u)" = true
'

test_expect_success 'unknown-procedure: a code outside the universe' '
	gen unknown-procedure && every unknown-procedure &&
	test "$(jq -r ".lines[].procedure_code" unknown-procedure.nd |
	    grep -c -x -E "99441|99999|0000T|J1030")" = 40
'

test_expect_success 'se-count: SE01 wrong in the transaction set' '
	edi-gen -n 200 -S 8 --claims-per-st 1 --defects 1 --defect-kinds se-count \
	    -o se.837 --sidecar se.nd &&
	test_must_fail x12_check se.837 >out &&
	test "$(grep -c "SE01" out)" = 200 &&
	test "$(jq -c .defects se.nd | sort -u)" = "[\"se-count\"]"
'

test_expect_success 'inactive-facility: billed by a closed practice' '
	gen inactive-facility && every inactive-facility &&
	test "$(jq -r .facility_id inactive-facility.nd | sort -u | tr "\n" " ")" = "FAC021 FAC022 "
'

test_expect_success 'class-not-allowed: no financial class for the facility' '
	gen class-not-allowed && every class-not-allowed &&
	test "$(jq -r ".financial_class_id // \"none\"" class-not-allowed.nd | sort -u)" = none &&
	test "$(jq -r .claim_filing_indicator class-not-allowed.nd | sort -u | tr "\n" " ")" != ""
'

test_expect_success 'bad-mbi: Medicare id with a forbidden letter' '
	gen bad-mbi && every bad-mbi &&
	test "$(jq -r .claim_filing_indicator bad-mbi.nd | sort -u)" = MB &&
	test "$(jq -r .member_id bad-mbi.nd | grep -c "^.[SLOIBZ]")" = 40
'

test_expect_success 'bad-icd: header code or dotted code in HI' '
	gen bad-icd && every bad-icd &&
	test "$(jq -r ".diagnoses[]" bad-icd.nd | grep -c -x -E "M545|E11|R05|I25|E11\\.9|J44\\.9")" -ge 40
'

test_expect_success 'zero-units: SV104 is 0' '
	gen zero-units && every zero-units &&
	test "$(grep -c "^SV1\\*[^*]*\\*[^*]*\\*UN\\*0\\(\\*\\|\$\\)" zero-units.segs)" -ge 40
'

test_expect_success 'a defect rate marks about that share of claims' '
	edi-gen -n 2000 --defects 0.1 --sidecar r.nd >/dev/null &&
	n=$(jq -r "select(.defects != []) | 1" r.nd | wc -l) &&
	test $n -gt 140 && test $n -lt 280
'

test_done
