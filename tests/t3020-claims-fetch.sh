#!/bin/sh
# claims-fetch: lossless round trip, database to database copy, selection,
# injection attempts in the selection flags.
. "$(dirname "$0")/lib.sh"
. "$TESTS/pg.sh"
pg_start || exit 1
pg_install_schema || exit 1

# The record without the keys claims-fetch adds, keys sorted.
plain() { jq -cS 'del(.staging, .facility_id, .financial_class_id, .department_id)'; }

test-pggen -n 200 -f 7 >c200.ndjson
claims-load --to "" --batch-size 60 c200.ndjson 2>/dev/null
test-pggen -n 30 -o 500 -f 7 >c30.ndjson
claims-load --to "" c30.ndjson 2>/dev/null
cat c200.ndjson c30.ndjson >all.ndjson

# Quotes, backslashes, COPY's own escapes (\N, \.), control characters and
# characters outside the BMP, in values and in the claim id.
cat >hostile.ndjson <<\EOF
{"claim_id":"q'\"\\ ;--","claim":{"patient_account_number":"'; DROP TABLE x; --","notes":[{"text":"\u0001 \t é 𝄞 \\N \\. \r\n"}]},"payer":{"name":"\\\\"}}
EOF

test_expect_success 'fetch gives back every field of every record' '
	claims-fetch --from "" >out.ndjson &&
	test $(wc -l <out.ndjson) -eq 230 &&
	plain <out.ndjson | sort >actual &&
	jq -cS . all.ndjson | sort >expect &&
	test_cmp expect actual
'

test_expect_success 'records are compact, money keeps its two decimals' '
	! grep -q "\": " out.ndjson &&
	! grep -q ", \"" out.ndjson &&
	id=$(head -n 1 c200.ndjson | jq -r .claim_id) &&
	grep "\"claim_id\":\"$id\"" out.ndjson >one &&
	grep -o "\"total_charge\":[0-9.]*" one >actual &&
	head -n 1 c200.ndjson | grep -o "\"total_charge\":[0-9.]*" >expect &&
	test_cmp expect actual
'

test_expect_success 'each record carries its staging identity' '
	jq -c ".staging | [.id, .status, .batch_id]" out.ndjson | sort -t, -k1,1n >ids &&
	head -n 1 ids >actual &&
	echo "[1,\"PENDING\",1]" >expect &&
	test_cmp expect actual &&
	jq -r ".staging | select(.lease_owner or .lease_expires) | .id" out.ndjson >leased &&
	test_must_fail test -s leased &&
	jq -r ".staging.id" out.ndjson | sort -n | uniq | wc -l >actual &&
	echo 230 >expect &&
	test_cmp expect actual
'

test_expect_success 'claims-fetch A | claims-load B gives an identical database' '
	createdb copy &&
	PGDATABASE=copy pg_install_schema &&
	claims-fetch --from "" | claims-load --to "dbname=copy" 2>err &&
	grep "230 read, 230 inserted" err &&
	PGDATABASE=copy claims-fetch --from "" >out-b.ndjson &&
	plain <out.ndjson >a && plain <out-b.ndjson >b &&
	test_cmp a b &&
	for q in \
	    "SELECT claim_id, facility_id, department_id, financial_class_id, patient_id, patient_age, patient_dob, patient_sex, patient_account_number, provider_id, provider_type, rendering_provider_npi, place_of_service, service_date, service_date_to, total_charge_amount, total_claim_charges, claim_filing_indicator, payer_name, primary_insurance_id, secondary_insurance_id, processing_status, claim_data FROM staging.claims ORDER BY claim_id" \
	    "SELECT claim_id, line_number, service_date_from, service_date_to, place_of_service_code, emergency_indicator, procedure_qualifier, cpt_code, modifier_1, modifier_2, modifier_3, modifier_4, procedure_description, diagnosis_pointers, line_charge_amount, units, unit_basis, epsdt_family_plan, rendering_provider_id_qualifier, rendering_provider_id, ndc_code FROM staging.cms1500_line_items ORDER BY claim_id, line_number" \
	    "SELECT claim_id, diagnosis_sequence, diagnosis_qualifier, icd_code, icd_code_type, is_primary FROM staging.cms1500_diagnoses ORDER BY claim_id, diagnosis_sequence"; do
		psql -X -At -c "$q" >ta &&
		PGDATABASE=copy psql -X -At -c "$q" >tb &&
		test_cmp ta tb || exit 1
	done
'

test_expect_success '--claim-id selects one claim (repeatable)' '
	id1=$(sed -n 5p c200.ndjson | jq -r .claim_id) &&
	id2=$(sed -n 9p c200.ndjson | jq -r .claim_id) &&
	claims-fetch -c "$id1" --claim-id "$id2" | jq -r .claim_id | sort >actual &&
	printf "%s\n%s\n" "$id1" "$id2" | sort >expect &&
	test_cmp expect actual
'

test_expect_success '--batch, --status, --limit' '
	claims-fetch --batch 2 | plain | sort >actual &&
	jq -cS . c30.ndjson | sort >expect &&
	test_cmp expect actual &&
	claims-fetch -s pending -n 7 >seven &&
	test $(wc -l <seven) -eq 7 &&
	claims-fetch -n 0 >none &&
	test_must_fail test -s none &&
	claims-fetch -s COMPLETED,ERROR >none &&
	test_must_fail test -s none
'

test_expect_success '--since and --until select by first service date' '
	claims-fetch --since 2024-06-01 --until 2024-12-31 | jq -r .claim_id | sort >actual &&
	jq -r "select(.claim.service_date_from >= \"2024-06-01\" and .claim.service_date_from <= \"2024-12-31\") | .claim_id" all.ndjson | sort >expect &&
	test -s expect &&
	test_cmp expect actual
'

test_expect_success '--facility selects the claims of one facility' '
	psql -X -q -c "UPDATE staging.claims SET facility_id = '"'"'FAC9'"'"' WHERE provider_id = '"'"'1000000003'"'"'" &&
	claims-fetch --facility FAC9 >fac &&
	jq -r .claim_id fac | sort >actual &&
	jq -r "select(.billing_provider.npi == \"1000000003\") | .claim_id" all.ndjson | sort >expect &&
	test -s expect &&
	test_cmp expect actual &&
	jq -r .facility_id fac | sort -u >actual &&
	echo FAC9 >expect &&
	test_cmp expect actual
'

test_expect_success 'injection attempts in selection flags select nothing' '
	claims-fetch --claim-id "x'"'"' OR '"'"'1'"'"'='"'"'1" >o1 &&
	test_must_fail test -s o1 &&
	claims-fetch --facility "'"'"'); DROP TABLE staging.claims; --" >o2 &&
	test_must_fail test -s o2 &&
	claims-fetch --facility "FAC9\\'"'"' OR true --" >o3 &&
	test_must_fail test -s o3 &&
	psql -X -Atc "SELECT count(*) FROM staging.claims" >actual &&
	echo 230 >expect &&
	test_cmp expect actual
'

test_expect_success 'malformed selection values are usage errors' '
	test_expect_code 64 claims-fetch --status "PENDING'"'"' OR 1=1" 2>err &&
	grep "unknown status" err &&
	test_expect_code 64 claims-fetch --batch "1 OR 1=1" 2>err &&
	test_expect_code 64 claims-fetch --since "2024-01-01'"'"' OR" 2>err &&
	test_expect_code 64 claims-fetch --until 2024-02-30 2>err &&
	test_expect_code 64 claims-fetch --limit -1 2>err &&
	test_expect_code 64 claims-fetch some-file 2>err
'

test_expect_success 'fetched values of hostile claims come back exactly' '
	claims-load --to "" hostile.ndjson 2>err &&
	claims-fetch --claim-id "$(jq -r .claim_id hostile.ndjson)" >got &&
	plain <got >actual &&
	jq -cS . hostile.ndjson >expect &&
	test_cmp expect actual
'

test_done
