#!/bin/sh
# claims-validate with PostgreSQL: reference data from edi.facilities and
# edi.financial_classes (same results as the CSV files), rule severities
# from staging.validation_rules, results into staging.validation_results
# by batched COPY, and the exit codes when the server or schema is missing.
. "$(dirname "$0")/lib.sh"
. "$TESTS/pg.sh"

D=$SRC/tests/data/claims-validate
REF=$D/ref
export CLAIMKIT_CONF=/dev/null

pg_start >pg.log 2>&1 && pg_install_schema >>pg.log 2>&1 ||
    { cat pg.log; echo "Bail out! cannot start PostgreSQL"; exit 1; }
PGURI="postgresql:///claimkit?host=$PGHOST"

# Every per-rule case input, and the expected results from the CSV files.
cat "$SRC"/tests/cases/claims-validate/*/in >all.ndjson
claims-validate --ref "$REF" all.ndjson >want.ndjson 2>/dev/null

test_expect_success 'load the CSV reference files into edi.*' '
	psql -X -q -v ON_ERROR_STOP=1 <<-EOF
	\copy edi.facilities (facility_id, facility_name, npi_number, tax_id, state_code, zip_code, facility_type, critical_access, active) FROM '\''$REF/facilities.csv'\'' CSV HEADER
	\copy edi.financial_classes (financial_class_id, financial_class_description, facility_id, claim_filing_indicator, payer_id, requires_authorization, days_to_file_claim, active) FROM '\''$REF/financial_classes.csv'\'' CSV HEADER
	EOF
	test "$(psql -X -A -t -c "SELECT count(*) FROM edi.financial_classes")" -eq 5
'

test_expect_success '--ref postgresql: the same results as the CSV files' '
	mkdir codes && cp "$REF/icd10cm.csv" "$REF/hcpcs.csv" codes/ &&
	# no payers table in PostgreSQL: PAY_02 cannot run there
	claims-validate --ref "$REF" --set PAY_02=off all.ndjson >want2.ndjson 2>/dev/null;
	claims-validate --ref "$PGURI" --codes codes all.ndjson >got.ndjson 2>err;
	test $? -eq 1 &&
	test "$(test_lines got.ndjson)" -gt 150 &&
	test_cmp want2.ndjson got.ndjson
'

test_expect_success '--ref with a libpq conninfo string and validate.codes' '
	printf "validate.codes = %s\n" "$PWD/codes" >c.conf &&
	CLAIMKIT_CONF=c.conf claims-validate --ref "dbname=claimkit host=$PGHOST" "$D/base.json" >out &&
	jq -r ".validation | [.status, .facility_id, .financial_class_id] | @tsv" out >got &&
	printf "pass\tFAC001\tFC_MCARE\n" >want && test_cmp want got
'

test_expect_success 'an inactive or expired class in the database is not used' '
	psql -X -q -c "UPDATE edi.financial_classes SET end_date = DATE '\''2000-01-01'\'' WHERE financial_class_id = '\''FC_MCARE'\''" &&
	test_expect_code 1 claims-validate --ref "$PGURI" "$D/base.json" >out &&
	jq -r ".validation.findings[0].rule" out >got && echo CORE_FC_01 >want && test_cmp want got &&
	psql -X -q -c "UPDATE edi.financial_classes SET end_date = NULL"
'

test_expect_success 'rule severities from staging.validation_rules' '
	psql -X -q -v ON_ERROR_STOP=1 <<-\EOF &&
	INSERT INTO staging.validation_rules (rule_name, rule_type, error_message, severity, is_active) VALUES
	  ('\''NPI_03'\'', '\''claims-validate'\'', '\''NPI check digit'\'', '\''warning'\'', true),
	  ('\''CHG_06'\'', '\''claims-validate'\'', '\''zero charge'\'', '\''error'\'', false),
	  ('\''REQUIRED_FIELDS'\'', '\''seed-000'\'', '\''names and DOB'\'', '\''error'\'', true);
	EOF
	claims-validate --list-rules --rules "$PGURI" 2>err | grep -E "^(NPI_03|CHG_06)	" | cut -f1,2 >got &&
	printf "NPI_03\twarning\nCHG_06\toff\n" >want && test_cmp want got &&
	grep -q "^claims-validate: staging.validation_rules:3: warning: unknown rule .REQUIRED_FIELDS. ignored" err &&
	claims-validate --ref "$REF" --rules "$PGURI" "$SRC/tests/cases/claims-validate/NPI_03-fail/in" >out 2>/dev/null &&
	jq -r .validation.status out >got && echo warn >want && test_cmp want got &&
	psql -X -q -c "UPDATE staging.validation_rules SET severity = '\''info'\'' WHERE rule_name = '\''NPI_03'\''" &&
	claims-validate --ref "$REF" --rules "$PGURI" "$SRC/tests/cases/claims-validate/NPI_03-fail/in" >out 2>/dev/null &&
	jq -r ".validation | [.status, .infos] | @tsv" out >got && printf "pass\t1\n" >want && test_cmp want got
'

test_expect_success '--results-to: one row per claim, in COPY batches' '
	n=$(test_lines all.ndjson) &&
	claims-validate --ref "$REF" --results-to "$PGURI" --batch 7 --fail-only all.ndjson >failed.ndjson 2>err;
	test $? -eq 1 &&
	test "$(psql -X -A -t -c "SELECT count(*) FROM staging.validation_results")" -eq "$n" &&
	jq -r ".validation.status" want.ndjson | sort | uniq -c | sed "s/^ *//" >want.st &&
	psql -X -A -t -F " " -c "SELECT count(*), lower(replace(replace(replace(validation_status, '\''PASSED'\'', '\''pass'\''), '\''FAILED'\'', '\''fail'\''), '\''WARNING'\'', '\''warn'\'')) FROM staging.validation_results GROUP BY 2 ORDER BY 2" >got.st &&
	test_cmp want.st got.st &&
	test "$(test_lines failed.ndjson)" -eq "$(grep -c "\"status\":\"fail\"" want.ndjson)"
'

test_expect_success '--results-to: details, messages and type as seed 004 stores them' '
	psql -X -A -t -c "SELECT error_message FROM staging.validation_results WHERE error_message LIKE '\''NPI_03|%'\'' LIMIT 1" >got &&
	echo "NPI_03|providers.rendering.npi|rendering NPI check digit is 0, expected 3" >want &&
	test_cmp want got &&
	psql -X -A -t -c "SELECT DISTINCT validation_type || '\'' '\'' || rule_version FROM staging.validation_results" >got &&
	echo "BUSINESS_RULES claims-validate $(claims-validate --version | cut -d" " -f3)" >want && test_cmp want got &&
	psql -X -A -t -c "SELECT validation_details FROM staging.validation_results ORDER BY result_id" |
	    jq -S -c . >details &&
	# jsonb orders keys its own way: compare key-sorted
	jq -S -c .validation want.ndjson >want.details &&
	test_cmp want.details details &&
	test "$(psql -X -A -t -c "SELECT count(*) FROM staging.validation_results WHERE error_message IS NULL")" -eq \
	    "$(grep -c "\"findings\":\[\]" want.ndjson)"
'

test_expect_success 'a schema without the claimkit tables: 78' '
	"$PGBIN/createdb" empty &&
	test_expect_code 78 claims-validate --ref "postgresql:///empty?host=$PGHOST" "$D/base.json" >out 2>err &&
	test_cmp /dev/null out &&
	test_expect_code 78 claims-validate --ref "$REF" --results-to "postgresql:///empty?host=$PGHOST" "$D/base.json" >out 2>err
'

test_expect_success 'a server that cannot be reached: 69, nothing written' '
	test_expect_code 69 claims-validate --ref "postgresql:///claimkit?host=$PWD/nosock" "$D/base.json" >out 2>err &&
	grep -q "cannot connect to PostgreSQL" err && test_cmp /dev/null out &&
	test_expect_code 69 claims-validate --ref "$REF" --results-to "postgresql:///claimkit?host=$PWD/nosock" "$D/base.json" >out 2>err &&
	test_expect_code 69 claims-validate --ref "$REF" --rules "postgresql:///claimkit?host=$PWD/nosock" "$D/base.json" >out 2>err &&
	test_expect_code 78 claims-validate --ref "postgresql://[bad" "$D/base.json" >out 2>err
'
test_done
