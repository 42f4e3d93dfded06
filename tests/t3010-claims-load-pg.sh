#!/bin/sh
# claims-load into PostgreSQL staging: counts, idempotent reload, the
# processing-batch row, rejects with reasons, dry run, reference mapping.
. "$(dirname "$0")/lib.sh"
. "$TESTS/pg.sh"
pg_start || exit 1
pg_install_schema || exit 1

count() { psql -X -Atc "SELECT count(*) FROM $1"; }

test-pggen -n 50 >c50.ndjson

# Records that cannot be loaded, one per reason, between two good ones.
good1=$(test-pggen -n 1 -o 1000)
good2=$(test-pggen -n 1 -o 1001)
base=$(test-pggen -n 1 -o 2000)
printf '%s\n' "$good1" >bad.ndjson
cat >>bad.ndjson <<\EOF
{"record_version":1,"claim":{"total_charge":1.00}}
{"record_version":1,"claim_id":12345}
{"record_version":1,"claim_id":""}
{"record_version":1,"claim_id":"123456789012345678901234567890123456789012345678901"}
{"claim_id": "broken json",
["an","array"]
{"claim_id":"bad-lines","lines":{"line_number":1}}
{"claim_id":"bad-date","claim":{"service_date_from":"2024-02-30"},"patient":{"birth_date":"1950-01-01"}}
{"claim_id":"bad-dob","patient":{"birth_date":"1950-13-01"}}
{"claim_id":"bad-charge","lines":[{"line_number":1,"procedure_code":"99213","charge":"12.00"}]}
{"claim_id":"no-code","lines":[{"line_number":1,"charge":12.00}]}
{"claim_id":"dup-line","lines":[{"line_number":1,"procedure_code":"99213","charge":1.00},{"line_number":1,"procedure_code":"99213","charge":1.00}]}
{"claim_id":"many-dx","diagnoses":[{"code":"A1"},{"code":"A2"},{"code":"A3"},{"code":"A4"},{"code":"A5"},{"code":"A6"},{"code":"A7"},{"code":"A8"},{"code":"A9"},{"code":"B1"},{"code":"B2"},{"code":"B3"},{"code":"B4"}]}
{"claim_id":"long-gender","patient":{"gender":"FEMALE"}}
{"claim_id":"nul-in-name","billing_provider":{"npi":"12\u00003"}}
{"claim_id":"huge","claim":{"total_charge":9999999999999.00}}
EOF
printf '%s\n' "$good2" >>bad.ndjson

test_expect_success 'load writes claims, lines and diagnoses' '
	claims-load --to "" c50.ndjson 2>err &&
	echo 50 >expect && count staging.claims >actual && test_cmp expect actual &&
	jq "[.lines[]] | length" c50.ndjson | awk "{ s += \$1 } END { print s }" >expect &&
	count staging.cms1500_line_items >actual && test_cmp expect actual &&
	jq "[.diagnoses[]] | length" c50.ndjson | awk "{ s += \$1 } END { print s }" >expect &&
	count staging.cms1500_diagnoses >actual && test_cmp expect actual &&
	grep "50 read, 50 inserted, 0 duplicates (already loaded), 0 rejected" err
'

test_expect_success 'columns are projections of the record' '
	id=$(head -n 1 c50.ndjson | jq -r .claim_id) &&
	head -n 1 c50.ndjson | jq -r "[.claim.patient_account_number, .claim.total_charge, .billing_provider.npi, .subscriber.member_id, .claim.service_date_from, .payer.name] | @tsv" >expect &&
	psql -X -At -F "	" -c "SELECT patient_account_number, total_claim_charges::float8, provider_id, primary_insurance_id, service_date, payer_name FROM staging.claims WHERE claim_id = '"'"'$id'"'"'" >actual &&
	test_cmp expect actual &&
	head -n 1 c50.ndjson | jq -r ".lines[] | [.line_number, .procedure_code, .charge, .units] | @tsv" >expect &&
	psql -X -At -F "	" -c "SELECT line_number, cpt_code, line_charge_amount::float8, units::float8 FROM staging.cms1500_line_items WHERE claim_id = '"'"'$id'"'"' ORDER BY line_number" >actual &&
	test_cmp expect actual
'

test_expect_success 'loading the same file again inserts nothing and says so' '
	claims-load --to "" c50.ndjson 2>err &&
	grep "50 read, 0 inserted, 50 duplicates (already loaded), 0 rejected" err &&
	echo 50 >expect && count staging.claims >actual && test_cmp expect actual &&
	jq "[.lines[]] | length" c50.ndjson | awk "{ s += \$1 } END { print s }" >expect &&
	count staging.cms1500_line_items >actual && test_cmp expect actual
'

test_expect_success 'a processing-batch row records each run' '
	psql -X -At -F " " -c "SELECT status, total_claims, processed_claims, successful_claims, duplicate_claims, failed_claims, source_system, file_name, submitted_by IS NOT NULL, end_time >= start_time FROM staging.processing_batches ORDER BY batch_id" >actual &&
	cat >expect <<-\EOF &&
	COMPLETED 50 50 50 0 0 claims-load c50.ndjson t t
	COMPLETED 50 50 0 50 0 claims-load c50.ndjson t t
	EOF
	test_cmp expect actual &&
	psql -X -Atc "SELECT count(DISTINCT batch_id) FROM staging.claims" >actual &&
	echo 1 >expect && test_cmp expect actual
'

test_expect_success 'bad records go to rejects with a reason, the others load' '
	test_expect_code 1 claims-load --to "" --rejects rej.ndjson bad.ndjson 2>err &&
	grep "18 read, 2 inserted, 0 duplicates (already loaded), 16 rejected" err &&
	test $(wc -l <rej.ndjson) -eq 16 &&
	jq -r ".reject | [.line, .code] | @tsv" rej.ndjson >actual &&
	cat >expect <<-\EOF &&
	2	missing_claim_id
	3	invalid_claim_id
	4	invalid_claim_id
	5	invalid_claim_id
	6	invalid_json
	7	not_an_object
	8	wrong_type
	9	wrong_type
	10	wrong_type
	11	wrong_type
	12	missing_field
	13	duplicate_line
	14	out_of_range
	15	too_long
	16	wrong_type
	17	too_large
	EOF
	test_cmp expect actual &&
	jq -r "select(.record.claim_id == \"bad-date\") | .reject.reason" rej.ndjson >actual &&
	echo "claim.service_date_from is not a date (YYYY-MM-DD)" >expect &&
	test_cmp expect actual &&
	jq -r "select(.record.claim_id == \"dup-line\") | .reject.reason" rej.ndjson >actual &&
	echo "lines.1.line_number repeats a line number" >expect &&
	test_cmp expect actual &&
	printf "%s\n" "$good1" | jq -r .claim_id >ids &&
	printf "%s\n" "$good2" | jq -r .claim_id >>ids &&
	for id in $(cat ids); do
		psql -X -Atc "SELECT 1 FROM staging.claims WHERE claim_id = '"'"'$id'"'"'" | grep -q 1 || exit 1
	done &&
	echo 52 >expect && count staging.claims >actual && test_cmp expect actual
'

test_expect_success 'reject messages carry positions and no patient data' '
	grep "bad.ndjson:10: error: patient.birth_date is not a date" err &&
	! grep 1950 err
'

test_expect_success 'every record read is loaded, a duplicate or a reject' '
	psql -X -At -F " " -c "SELECT total_claims, successful_claims + duplicate_claims + failed_claims, failed_claims FROM staging.processing_batches ORDER BY batch_id DESC LIMIT 1" >actual &&
	echo "18 18 16" >expect &&
	test_cmp expect actual
'

test_expect_success 'a claim twice in one input: loaded once, then a duplicate' '
	test-pggen -n 1 -o 3000 >twice.ndjson &&
	test-pggen -n 1 -o 3000 >>twice.ndjson &&
	claims-load --to "" --batch-size 1 twice.ndjson 2>err &&
	grep "2 read, 1 inserted, 1 duplicate (already loaded)" err &&
	test-pggen -n 1 -o 3001 >twice2.ndjson &&
	test-pggen -n 1 -o 3001 >>twice2.ndjson &&
	claims-load --to "" --batch-size 10 twice2.ndjson 2>err &&
	grep "2 read, 1 inserted, 1 duplicate (already loaded)" err
'

test_expect_success 'two loaders of one file at once insert each claim once' '
	test-pggen -n 3000 -o 9000 >conc.ndjson &&
	{
		claims-load --to "" --batch-size 100 conc.ndjson 2>e1 &
		p1=$!
		claims-load --to "" --batch-size 100 conc.ndjson 2>e2 &
		p2=$!
		wait $p1 && wait $p2
	} &&
	psql -X -Atc "SELECT count(*) FROM staging.claims WHERE batch_id IN (SELECT batch_id FROM staging.processing_batches ORDER BY batch_id DESC LIMIT 2)" >actual &&
	echo 3000 >expect &&
	test_cmp expect actual &&
	cat e1 e2 | sed -n "s/.* read, \([0-9]*\) inserted, \([0-9]*\) duplicate.*/\1 \2/p" >counts &&
	awk "{ i += \$1; d += \$2 } END { print i, d }" counts >actual &&
	echo "3000 3000" >expect &&
	test_cmp expect actual
'

test_expect_success 'small batches give the same result' '
	test-pggen -n 23 -o 4000 >c23.ndjson &&
	claims-load --to "" --batch-size 5 c23.ndjson 2>err &&
	grep "23 read, 23 inserted" err &&
	psql -X -Atc "SELECT successful_claims FROM staging.processing_batches ORDER BY batch_id DESC LIMIT 1" >actual &&
	echo 23 >expect && test_cmp expect actual
'

test_expect_success 'dry run commits nothing' '
	before=$(count staging.claims) &&
	batches=$(count staging.processing_batches) &&
	test-pggen -n 5 -o 5000 >c5.ndjson &&
	claims-load --to "" --dry-run c5.ndjson 2>err &&
	grep "5 read, 5 would be inserted" err &&
	grep "dry run, nothing committed" err &&
	test "$(count staging.claims)" -eq "$before" &&
	test "$(count staging.processing_batches)" -eq "$batches"
'

test_expect_success 'facility and financial class from the reference tables' '
	psql -X -q -v ON_ERROR_STOP=1 -c "INSERT INTO edi.facilities (facility_id, facility_name, npi_number) VALUES ('"'"'FAC001'"'"', '"'"'One'"'"', '"'"'1000000001'"'"')" \
	    -c "INSERT INTO edi.financial_classes (financial_class_id, financial_class_description, claim_filing_indicator) VALUES ('"'"'FC_MB'"'"', '"'"'Medicare B'"'"', '"'"'MB'"'"')" \
	    -c "INSERT INTO edi.financial_classes (financial_class_id, financial_class_description, claim_filing_indicator, facility_id) VALUES ('"'"'FC_MB_1'"'"', '"'"'Medicare B at one'"'"', '"'"'MB'"'"', '"'"'FAC001'"'"')" &&
	test-pggen -n 40 -o 6000 -f 4 >ref.ndjson &&
	claims-load --to "" ref.ndjson 2>err &&
	jq -r "select(.billing_provider.npi == \"1000000001\") | .claim_id" ref.ndjson | sort >expect &&
	psql -X -Atc "SELECT claim_id FROM staging.claims WHERE facility_id = '"'"'FAC001'"'"' ORDER BY 1" >actual &&
	test_cmp expect actual &&
	jq -r "select(.subscriber.claim_filing_indicator == \"MB\") | [.claim_id, (if .billing_provider.npi == \"1000000001\" then \"FC_MB_1\" else \"FC_MB\" end)] | @tsv" ref.ndjson | sort >expect &&
	psql -X -At -F "	" -c "SELECT claim_id, financial_class_id FROM staging.claims WHERE claim_id IN (SELECT claim_id FROM staging.claims WHERE batch_id = (SELECT max(batch_id) FROM staging.processing_batches)) AND financial_class_id IS NOT NULL ORDER BY 1" >actual &&
	test_cmp expect actual
'

test_expect_success 'staging keys of a fetched record become columns, not claim_data' '
	printf "%s\n" "$base" | jq -c ". + {facility_id: \"FAC777\", department_id: 12, financial_class_id: \"FC_X\", staging: {id: 99, status: \"PROCESSING\", batch_id: 3}}" >st.ndjson &&
	claims-load --to "" st.ndjson 2>err &&
	id=$(jq -r .claim_id st.ndjson) &&
	psql -X -At -F " " -c "SELECT facility_id, department_id, financial_class_id, claim_data ? '"'"'staging'"'"', claim_data ? '"'"'facility_id'"'"', processing_status FROM staging.claims WHERE claim_id = '"'"'$id'"'"'" >actual &&
	echo "FAC777 12 FC_X f f PENDING" >expect &&
	test_cmp expect actual
'

test_expect_success 'SQL in claim fields is stored as text' '
	cat >inj.ndjson <<-\EOF &&
	{"claim_id":"x'"'"'); DROP TABLE staging.claims; --","claim":{"patient_account_number":"a\\\\b\tc'"'"'d"},"payer":{"name":"Robert'"'"'); DELETE FROM staging.claims;--"}}
	EOF
	claims-load --to "" inj.ndjson 2>err &&
	psql -X -At -c "SELECT claim_id, payer_name FROM staging.claims WHERE payer_name LIKE '"'"'Robert%'"'"'" >actual &&
	printf "%s|%s\n" "x'"'"'); DROP TABLE staging.claims; --" "Robert'"'"'); DELETE FROM staging.claims;--" >expect &&
	test_cmp expect actual &&
	test "$(count staging.claims)" -gt 50
'

test_expect_success '--progress shows a records/s counter' '
	test-pggen -n 3 -o 7000 >p.ndjson &&
	claims-load --to "" --progress p.ndjson 2>err &&
	grep "records/s" err
'

test_expect_success 'usage errors exit 64' '
	test_expect_code 64 claims-load c5.ndjson 2>err &&
	grep "no target" err &&
	test_expect_code 64 claims-load --to "" --batch-size 0 c5.ndjson 2>err &&
	test_expect_code 64 claims-load --to "" --mark-done FINISHED c5.ndjson 2>err &&
	test_expect_code 64 claims-load --to "" --bogus c5.ndjson 2>err
'

test_expect_success 'an unreadable input file exits 66 after loading the rest' '
	test-pggen -n 2 -o 8000 >c2.ndjson &&
	test_expect_code 66 claims-load --to "" c2.ndjson missing.ndjson 2>err &&
	grep "2 inserted" err &&
	grep "missing.ndjson" err
'

test_done
