#!/bin/sh
# Regenerate the per-rule data-file cases of claims-validate from base.json
# (a claim that passes every rule against ref/):
#	CLAIMKIT_BUILD=$PWD/build sh tests/data/claims-validate/mkcases.sh
# Each line of the table below is RULE-pass|fail, then a jq filter that turns
# base.json into the case's input (it may emit several records).  The
# expected out and rc are what the build gives; tests/t4010 then checks that
# every RULE-fail case reports RULE and no RULE-pass case does, so a wrong
# expectation cannot slip in unnoticed.  Review the diff before committing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../.." && pwd)
cases=$src/tests/cases/claims-validate
bin=${CLAIMKIT_BUILD:?set CLAIMKIT_BUILD}/bin
export CLAIMKIT_TODAY=2025-12-31 LC_ALL=C TZ=UTC SRC="$src" CLAIMKIT_CONF=/dev/null
cmd='CLAIMKIT_CONF=/dev/null claims-validate --ref "$SRC/tests/data/claims-validate/ref"'

mk() {
	name=$1 filter=$2
	dir=$cases/$name
	mkdir -p "$dir"
	jq -c "$filter" "$here/base.json" >"$dir/in"
	printf '%s\n' "${3:-$cmd}" >"$dir/cmd"
	set +e
	(cd "$dir" && PATH=$bin:$PATH sh -c "$(cat cmd)" <in >out 2>err; echo $? >rc)
	set -e
	[ -s "$dir/err" ] || rm -f "$dir/err"
	[ "$(cat "$dir/rc")" != 0 ] || rm -f "$dir/rc"
}

L0='.lines[0]'
L1='.lines[1]'
while IFS='|' read -r name filter; do
	case $name in ''|'#'*) continue ;; esac
	mk "$name" "$filter"
done <<'TABLE'
# seed 004 rules
CORE_FAC_01-pass|.facility_id = "FAC001"
CORE_FAC_01-fail|.billing_provider.npi = "1245319599"
CORE_FAC_02-pass|.billing_provider.npi = "1245319599" | .providers.service_facility = {"entity_type":"2","name":"CHICAGO METRO","npi":"1558598797"}
CORE_FAC_02-fail|.facility_id = "FAC003"
CORE_PAT_01-pass|.claim.patient_account_number = "A"
CORE_PAT_01-fail|.claim.patient_account_number = "   "
CORE_DATE_01-pass|.claim.service_date_to = "2025-05-21" | .lines[1].service_date = "2025-05-21" | .lines[1].service_date_end = "2025-05-21"
CORE_DATE_01-fail|del(.claim.service_date_to)
CORE_DATE_02-pass|.source.transaction_date = "2025-12-31" | .claim.service_date_from = "2025-12-31" | .claim.service_date_to = "2025-12-31" | .lines[].service_date = "2025-12-31" | .lines[].service_date_end = "2025-12-31"
CORE_DATE_02-fail|.claim.service_date_to = "2026-01-02" | .lines[1].service_date = "2026-01-02" | .lines[1].service_date_end = "2026-01-02"
CORE_DATE_03-pass|.claim.service_date_from = "2025-05-19" | .lines[0].service_date = "2025-05-19"
CORE_DATE_03-fail|.claim.service_date_from = "2025-05-21" | .claim.service_date_to = "2025-05-20"
CORE_DATE_04-pass|.claim.service_date_from = "2025-05-20"
CORE_DATE_04-fail|.claim.service_date_to = "2025-02-30"
CORE_FC_01-pass|.financial_class_id = "FC_MCARE"
CORE_FC_01-fail|.subscriber.claim_filing_indicator = "ZZ"
CORE_FC_02-pass|.facility_id = "FAC001" | .financial_class_id = "FC_MCARE"
CORE_FC_02-fail|.facility_id = "" | .financial_class_id = "FC_MCARE"
CORE_FC_03-pass|.subscriber.claim_filing_indicator = "BL" | .payer.payer_id = "BCBS1"
CORE_FC_03-fail|.subscriber.claim_filing_indicator = "BL" | .payer.payer_id = "BCBS1" | .billing_provider.npi = "1558598797"
CORE_DOB_01-pass|.patient.birth_date = "2025-05-20"
CORE_DOB_01-fail|del(.patient.birth_date)
CORE_DOB_02-pass|.patient.birth_date = "2025-05-19"
CORE_DOB_02-fail|.patient.birth_date = "2026-03-01"
CORE_DOB_03-pass|.patient.birth_date = "1901-06-01"
CORE_DOB_03-fail|.patient.birth_date = "1890-01-01"
CORE_DOB_04-pass|.patient.birth_date = "2025-05-20"
CORE_DOB_04-fail|.patient.birth_date = "2025-05-21"
CORE_DOB_05-pass|.patient.birth_date = "1952-02-29"
CORE_DOB_05-fail|.patient.birth_date = "1950-02-30"
CORE_LINE_DATE_01-pass|.claim.service_date_from = "2025-05-20"
CORE_LINE_DATE_01-fail|.claim.service_date_from = "May 20"
CORE_LINE_DATE_02-pass|del(.lines[0].service_date_end)
CORE_LINE_DATE_02-fail|del(.lines[0].service_date)
CORE_LINE_DATE_03-pass|.lines[0].service_date_end = "2025-05-20"
CORE_LINE_DATE_03-fail|.lines[0].service_date_end = "2026-01-02" | .claim.service_date_to = "2026-01-02"
CORE_LINE_DATE_04-pass|.lines[0].service_date_end = "2025-05-20"
CORE_LINE_DATE_04-fail|.lines[0].service_date_end = "2025-05-19"
CORE_LINE_DATE_05-pass|.claim.service_date_to = "2025-05-21" | .lines[1].service_date = "2025-05-21" | .lines[1].service_date_end = "2025-05-21"
CORE_LINE_DATE_05-fail|.lines[1].service_date = "2025-05-21" | .lines[1].service_date_end = "2025-05-21"
# record structure
REC_01-pass|.providers = {}
REC_01-fail|.providers = ["rendering"]
# identifiers
NPI_01-pass|.billing_provider.npi = "1234567893"
NPI_01-fail|del(.billing_provider.npi) | .facility_id = "FAC001"
NPI_02-pass|.providers.rendering.npi = "1003000126"
NPI_02-fail|.providers.rendering.npi = "12345"
NPI_03-pass|.providers.rendering.npi = "1558598797"
NPI_03-fail|.providers.rendering.npi = "1234567890"
TAXO_01-pass|.providers.rendering.taxonomy = "207R00000X"
TAXO_01-fail|.billing_provider.taxonomy = "207Q0000X"
TAXO_02-pass|.lines[0].providers = {"rendering":{"entity_type":"1","last_name":"ROE","npi":"1003000126","taxonomy":"208D00000X"}}
TAXO_02-fail|.lines[0].providers = {"rendering":{"entity_type":"1","last_name":"ROE","npi":"1003000126","taxonomy":"208D00000A"}}
TIN_01-pass|.billing_provider.tax_id = "987654321"
TIN_01-fail|del(.billing_provider.tax_id)
TIN_02-pass|.billing_provider.tax_id_type = "SY" | .billing_provider.tax_id = "123456789"
TIN_02-fail|.billing_provider.tax_id = "12-3456789"
SUB_01-pass|.subscriber.member_id = "1EG4TE5MK73"
SUB_01-fail|del(.subscriber.member_id)
MBI_01-pass|.subscriber.claim_filing_indicator = "MC" | .payer.payer_id = "MCD01" | .subscriber.member_id = "IL123456789" | .billing_provider.npi = "1558598797"
MBI_01-fail|.subscriber.member_id = "1EG4TE5MK7S"
PAY_01-pass|.payer.payer_id = "MCR01"
PAY_01-fail|del(.payer.payer_id)
PAY_02-pass|.payer.payer_id = "MCR01"
PAY_02-fail|.payer.payer_id = "ZZ999"
PAT_02-pass|.patient.last_name = "O'NEIL"
PAT_02-fail|del(.patient.last_name)
PAT_03-pass|.patient.gender = "U"
PAT_03-fail|.patient.gender = "X"
# amounts and units
CHG_01-pass|.claim.total_charge = "125.00"
CHG_01-fail|.claim.total_charge = 125.001
CHG_02-pass|.claim.total_charge = 125
CHG_02-fail|.claim.total_charge = 0 | .lines[].charge = 0
CHG_03-pass|.claim.total_charge = 125.0
CHG_03-fail|.claim.total_charge = 125.01
CHG_04-pass|.lines[0].charge = "100.00"
CHG_04-fail|.lines[0].charge = "1,00"
CHG_05-pass|.lines[0].charge = 0.01 | .lines[1].charge = 124.99
CHG_05-fail|.lines[0].charge = -100 | .lines[1].charge = 225
CHG_06-pass|.lines[0].charge = 124.99 | .lines[1].charge = 0.01
CHG_06-fail|.lines[0].charge = 125 | .lines[1].charge = 0
UNIT_01-pass|.lines[0].units = 0.5
UNIT_01-fail|.lines[0].units = 0
UNIT_02-pass|.lines[0].unit_basis = "MJ"
UNIT_02-fail|.lines[0].unit_basis = "XX"
UNIT_03-pass|.lines[0].procedure_code = "00142" | .lines[0].unit_basis = "MJ" | .lines[0].units = 45
UNIT_03-fail|.lines[0].procedure_code = "00142"
LINE_01-pass|del(.lines[1]) | .claim.total_charge = 100
LINE_01-fail|.lines = [] | del(.claim.service_date_from, .claim.service_date_to)
LINE_02-pass|.lines = [range(50) as $i | .lines[1] | .line_number = $i + 1 | .units = $i + 1] | .claim.total_charge = 1250
LINE_02-fail|.lines = [range(51) as $i | .lines[1] | .line_number = $i + 1 | .units = $i + 1] | .claim.total_charge = 1275
# claim fields
FREQ_01-pass|.claim.frequency_code = "8" | .claim.original_reference = "PCN12345"
FREQ_01-fail|.claim.frequency_code = "9"
FREQ_02-pass|.claim.frequency_code = "7" | .claim.original_reference = "PCN12345"
FREQ_02-fail|.claim.frequency_code = "7"
POS_01-pass|.claim.place_of_service = "27"
POS_01-fail|.lines[0].place_of_service = "30"
POS_02-pass|.claim.facility_code_qualifier = "B"
POS_02-fail|.claim.facility_code_qualifier = "A"
POS_03-pass|.claim.place_of_service = "10" | .lines[].modifiers = ["95"]
POS_03-fail|.claim.place_of_service = "10"
AUTH_01-pass|.subscriber.claim_filing_indicator = "CI" | .payer.payer_id = "AETNA" | .subscriber.member_id = "W123456789" | .claim.prior_authorization = "AUTH0001"
AUTH_01-fail|.subscriber.claim_filing_indicator = "CI" | .payer.payer_id = "AETNA" | .subscriber.member_id = "W123456789"
# dates
AGE_01-pass|.patient.birth_date = "1901-05-20"
AGE_01-fail|.patient.birth_date = "1900-05-20"
SVC_01-pass|.source.transaction_date = "2025-05-20"
SVC_01-fail|.source.transaction_date = "2025-05-19"
TF_01-pass|.claim.service_date_from = "2024-06-02" | .claim.service_date_to = "2024-06-02" | .lines[].service_date = "2024-06-02" | .lines[].service_date_end = "2024-06-02"
TF_01-fail|.claim.service_date_from = "2024-06-01" | .claim.service_date_to = "2024-06-01" | .lines[].service_date = "2024-06-01" | .lines[].service_date_end = "2024-06-01"
TF_01-fail-class-limit|.subscriber.claim_filing_indicator = "BL" | .payer.payer_id = "BCBS1" | .claim.service_date_from = "2024-12-01" | .claim.service_date_to = "2024-12-01" | .lines[].service_date = "2024-12-01" | .lines[].service_date_end = "2024-12-01"
# diagnoses and pointers
DX_01-pass|.diagnoses = [.diagnoses[0]] | .lines[0].diagnosis_pointers = [1]
DX_01-fail|del(.diagnoses) | del(.lines[].diagnosis_pointers)
DX_02-pass|.diagnoses[1].code = "M5450"
DX_02-fail|.diagnoses[1].code = "E11.9"
DX_03-pass|.diagnoses[1].code = "J449"
DX_03-fail|.diagnoses[1].code = "R509"
DX_04-pass|.diagnoses[1].code = "M5450"
DX_04-fail|.diagnoses[1].code = "M545"
DX_05-pass|.diagnoses[1].qualifier = "ABF"
DX_05-fail|.diagnoses[1].qualifier = "BF"
DX_06-pass|.diagnoses = [range(12) as $i | {sequence: ($i + 1), qualifier: (if $i == 0 then "ABK" else "ABF" end), code: (["I10","E119","J449","M5450","Z0000","J069","J029","K219","N390","F329","G4733","M542","W19XXXA"][$i])}]
DX_06-fail|.diagnoses = [range(13) as $i | {sequence: ($i + 1), qualifier: (if $i == 0 then "ABK" else "ABF" end), code: (["I10","E119","J449","M5450","Z0000","J069","J029","K219","N390","F329","G4733","M542","W19XXXA"][$i])}]
DX_07-pass|.diagnoses[1].code = "J449"
DX_07-fail|.diagnoses[1].code = "I10"
DX_08-pass|.diagnoses[1].code = "W19XXXA"
DX_08-fail|.diagnoses[0].code = "W19XXXA"
PTR_01-pass|.lines[1].diagnosis_pointers = [2]
PTR_01-fail|del(.lines[1].diagnosis_pointers)
PTR_02-pass|.lines[1].diagnosis_pointers = [2, 1]
PTR_02-fail|.lines[1].diagnosis_pointers = [3]
PTR_03-pass|.lines[1].diagnosis_pointers = [1, 2]
PTR_03-fail|.lines[1].diagnosis_pointers = [1, 1]
# procedures and modifiers
PX_01-pass|.lines[1].procedure_code = "G0439"
PX_01-fail|.lines[1].procedure_code = "3641"
PX_02-pass|.lines[1].procedure_qualifier = "HC"
PX_02-fail|.lines[1].procedure_qualifier = "ER"
PX_03-pass|.lines[1].procedure_code = "80053"
PX_03-fail|.lines[1].procedure_code = "99215"
MOD_01-pass|.lines[0].modifiers = ["25"]
MOD_01-fail|.lines[0].modifiers = ["2"]
MOD_02-pass|.lines[0].modifiers = ["25", "GT", "59", "XU"]
MOD_02-fail|.lines[0].modifiers = ["25", "25"]
MOD_03-pass|.lines[0].modifiers = ["26"]
MOD_03-fail|.lines[0].modifiers = ["26", "TC"]
MOD_04-pass|.lines[0].modifiers = ["50"]
MOD_04-fail|.lines[0].modifiers = ["50", "LT"]
MOD_05-pass|.lines[0].modifiers = ["50"] | .lines[0].units = 1
MOD_05-fail|.lines[0].modifiers = ["50"] | .lines[0].units = 2
MOD_06-pass|.lines[0].modifiers = ["80"]
MOD_06-fail|.lines[0].modifiers = ["80", "62"]
# duplicates
DUP_01-pass|.lines[1] = (.lines[0] | .line_number = 2 | .modifiers = ["76"]) | .claim.total_charge = 200
DUP_01-fail|.lines[1] = (.lines[0] | .line_number = 2) | .claim.total_charge = 200
DUP_02-pass|., (.claim_id = "fedcba98765432100123456789abcdef" | .claim.frequency_code = "7" | .claim.original_reference = "PCN12345")
DUP_02-fail|., (.claim_id = "fedcba98765432100123456789abcdef" | .claim.patient_account_number = "PAT0002")
# one claim failing many rules at once
many-rules|.billing_provider.npi = "1234567890" | .billing_provider.tax_id = "000000000" | .subscriber.member_id = "123" | .patient.gender = "Q" | .patient.birth_date = "2026-13-01" | .claim.patient_account_number = "" | .claim.total_charge = 99.99 | .claim.frequency_code = "7" | .claim.place_of_service = "00" | .claim.facility_code_qualifier = "A" | .diagnoses[0].code = "W19XXXA" | .diagnoses[1].code = "e11.9" | .lines[0].modifiers = ["26", "TC", "50", "LT", "X"] | .lines[0].units = -1 | .lines[0].unit_basis = "ZZ" | .lines[0].diagnosis_pointers = [1, 1, 7, 2, 3] | .lines[1].procedure_code = "ABCDE" | .lines[1].charge = -5 | .lines[1].service_date = "2025-05-19" | .providers.rendering.taxonomy = "bad"
TABLE
