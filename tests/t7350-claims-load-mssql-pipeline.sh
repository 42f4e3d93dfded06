#!/bin/sh
# The whole chain into SQL Server: edi-gen | edi-parse | claims-validate |
# rvu-price | claims-load --to mssql:// against the project's TDS server,
# read back with tsql and compared value by value with the pipeline's
# NDJSON (expected values made by jq from the records, not by claims-load:
# ids, accented names, amounts to the cent, dates, NULL for what the
# record lacks, lines, diagnoses; every passed claim in dbo.Claims and
# every failed one in dbo.FailedClaimDetails);
# then the same kind of claims through PostgreSQL staging (claims-load
# --to '', claims-fetch --lease) with --mark-staging: SQL Server commits
# first, the staging rows are marked after, and a replay after a crash
# between the two leaves one copy of each claim.
. "$(dirname "$0")/lib.sh"
. "$TESTS/mssql.sh"
. "$TESTS/pg.sh"

for t in edi-gen edi-parse claims-validate rvu-price claims-fetch; do
	command -v $t >/dev/null || { echo "Bail out! $t is not built"; exit 1; }
done

(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >key && echo >>key)
CLAIMKIT_MSSQL_KEY_FILE=$PWD/key
export CLAIMKIT_MSSQL_KEY_FILE

tds_start || { echo "Bail out! cannot start tdsd"; exit 1; }
tds_install_schema || { echo "Bail out! cannot install the schema"; exit 1; }
q() { tds_query "$1"; }

# The production reference tables, from the same CSV files claims-validate
# reads (edi-gen --write-ref DIR): INSERTs for the ids not there yet.
load_ref() {
	q "SELECT FacilityId FROM dbo.Facilities" >have.f &&
	q "SELECT FinancialClassId FROM dbo.FinancialClasses" >have.c &&
	awk -F, -v q="'" 'FILENAME == ARGV[1] { have[$0] = 1; next }
	    FNR > 1 && $1 != "" && !($1 in have) {
		gsub(q, q q, $2)
		printf "INSERT INTO dbo.Facilities (FacilityId, FacilityName) VALUES (N%s%s%s, N%s%s%s);\n", q, $1, q, q, $2, q }' \
	    have.f "$1/facilities.csv" >ref.sql &&
	awk -F, -v q="'" 'FILENAME == ARGV[1] { have[$0] = 1; next }
	    FNR > 1 && $1 != "" && !($1 in have) {
		gsub(q, q q, $2)
		fac = $3 == "" ? "NULL" : "N" q $3 q
		printf "INSERT INTO dbo.FinancialClasses (FinancialClassId, FinancialClassDescription, FacilityId) VALUES (N%s%s%s, N%s%s%s, %s);\n", q, $1, q, q, $2, q, fac }' \
	    have.c "$1/financial_classes.csv" >>ref.sql &&
	{ cat ref.sql; echo go; } |
	LC_ALL=C.UTF-8 tsql -S tdsd -U "$TDS_USER" -P "$TDS_PASSWORD" \
	    -D "$TDS_DB" -o q >ref.out 2>&1 &&
	! grep -q "Msg " ref.out
}

test_expect_success 'generate 400 claims (accented names) and the reference files' '
	edi-gen -n 400 -S 7350 --utf8 --defects 0.05 --write-ref ref -o claims.837 &&
	test -s ref/facilities.csv && test -s ref/financial_classes.csv &&
	LC_ALL=C.UTF-8 grep -q "[ÁÉÍÓÚÑÜÖÄÇ]" claims.837
'

test_expect_success 'production reference tables from the same files' '
	load_ref ref &&
	test "$(q "SELECT COUNT(*) FROM dbo.Facilities")" = \
	    "$(awk -F, "NR > 1 && \$1 != \"\"" ref/facilities.csv | wc -l)"
'

test_expect_success 'edi-parse | claims-validate | rvu-price | claims-load' '
	{ edi-parse claims.837 || echo "edi-parse $?" >>fail; } |
	{ claims-validate --ref ref; rc=$?; [ $rc -le 1 ] || echo "validate $rc" >>fail; } |
	{ rvu-price --data "$SRC/examples/cms" 2>price.err || echo "rvu-price $?" >>fail; } |
	tee priced.ndjson |
	{ claims-load --to "$TDS_TARGET" --rejects rj.ndjson 2>load.err;
	  rc=$?; [ $rc -le 1 ] || echo "claims-load $rc" >>fail; } &&
	test ! -s fail || { cat fail load.err; exit 1; }
'

# cents: DECIMAL text of tsql ("270.00", "-0.05", "1.500") to an integer
# in its smallest unit; NULL stays NULL.  Fields named by number.
cents() {
	awk -F'	' -v OFS='	' -v f="$1" '
	BEGIN { n = split(f, c, ",") }
	{ for (i = 1; i <= n; i++) if ($c[i] != "NULL") { v = $c[i]; sub(/\./, "", v); $c[i] = v + 0 }
	  print }'
}

test_expect_success 'every passed claim in dbo.Claims, every failed one logged' '
	n=$(wc -l <priced.ndjson) && test "$n" = 400 &&
	jq -r "select(.validation.status == \"pass\" or .validation.status == \"warn\") | .claim_id" \
	    priced.ndjson | LC_ALL=C sort >good.ids &&
	jq -r "select(.validation.status == \"fail\") | .claim_id" \
	    priced.ndjson | LC_ALL=C sort >bad.ids &&
	test $(($(wc -l <good.ids) + $(wc -l <bad.ids))) = "$n" &&
	test -s good.ids && test -s bad.ids &&
	q "SELECT ClaimId FROM dbo.Claims" | LC_ALL=C sort >db-good.ids &&
	q "SELECT OriginalClaimId FROM dbo.FailedClaimDetails" | LC_ALL=C sort >db-bad.ids &&
	test_cmp good.ids db-good.ids &&
	test_cmp bad.ids db-bad.ids &&
	test "$(wc -l <rj.ndjson)" = "$(wc -l <bad.ids)" &&
	# failed by the rules, none by the load: the reference tables are in
	test "$(q "SELECT COUNT(*) FROM dbo.FailedClaimDetails WHERE ProcessingStage <> N'"'"'VALIDATION_FAILED_RULES'"'"'")" = 0
'

test_expect_success 'dbo.Claims: ids, account numbers, names, charges, dates' '
	# Expected from the records: a value the record lacks is NULL, never
	# an empty string; amounts in cents.
	jq -r "select(.validation.status != \"fail\") | [.claim_id,
	    (.claim.patient_account_number // \"NULL\"),
	    (.patient.last_name // \"NULL\"), (.patient.first_name // \"NULL\"),
	    (.claim.total_charge * 100 | round),
	    ([.lines[].charge * 100 | round] | add),
	    .claim.service_date_from, (.claim.service_date_to // \"NULL\")] | @tsv" \
	    priced.ndjson | LC_ALL=C sort >e &&
	q "SELECT ClaimId, PatientAccountNumber, PatientLastName, PatientFirstName, TotalClaimCharges, TotalChargeAmount, CONVERT(CHAR(10), ServiceDate, 23), CONVERT(CHAR(10), ServiceDateTo, 23) FROM dbo.Claims" |
	cents 5,6 | LC_ALL=C sort >a &&
	test_cmp e a &&
	# the comparison saw accents, and NULLs where the record had nothing
	LC_ALL=C.UTF-8 grep -q "[ÁÉÍÓÚÑÜÖÄÇ]" a &&
	test "$(q "SELECT COUNT(*) FROM dbo.Claims WHERE PatientAccountNumber = N'"'"''"'"' OR PatientLastName = N'"'"''"'"' OR PatientFirstName = N'"'"''"'"'")" = 0
'

test_expect_success 'dbo.Cms1500LineItems: count, code, charge, units, dates per line' '
	jq -r "select(.validation.status != \"fail\") | .claim_id as \$id |
	    .claim.service_date_from as \$sd | .lines[] | [\$id, .line_number,
	    .procedure_code, (.charge * 100 | round),
	    ((.units // 1) * 1000 | round),
	    (.service_date // \$sd), (.service_date_end // \"NULL\"),
	    (.modifiers[0]? // \"NULL\"), (.modifiers[1]? // \"NULL\"),
	    (.modifiers[2]? // \"NULL\"), (.modifiers[3]? // \"NULL\")] | @tsv" \
	    priced.ndjson | LC_ALL=C sort >e &&
	q "SELECT ClaimId, LineNumber, CptCode, LineChargeAmount, Units, CONVERT(CHAR(10), ServiceDateFrom, 23), CONVERT(CHAR(10), ServiceDateTo, 23), Modifier1, Modifier2, Modifier3, Modifier4 FROM dbo.Cms1500LineItems" |
	cents 4,5 | LC_ALL=C sort >a &&
	test_cmp e a &&
	# line counts per claim, the claims without lines included (none)
	jq -r "select(.validation.status != \"fail\") | [.claim_id, (.lines | length)] | @tsv" \
	    priced.ndjson | LC_ALL=C sort >e &&
	q "SELECT ClaimId FROM dbo.Cms1500LineItems" | LC_ALL=C sort | uniq -c |
	awk -v OFS="	" "{ print \$2, \$1 }" >a &&
	test_cmp e a
'

test_expect_success 'dbo.Cms1500Diagnoses: sequence, qualifier, code, primary' '
	jq -r "select(.validation.status != \"fail\") | .claim_id as \$id |
	    (.diagnoses // [])[] | [\$id, .sequence, (.qualifier // \"NULL\"),
	    .code, (if .is_primary then 1 else 0 end)] | @tsv" \
	    priced.ndjson | LC_ALL=C sort >e &&
	test -s e &&
	q "SELECT ClaimId, DiagnosisSequence, DiagnosisQualifier, IcdCode, IsPrimary FROM dbo.Cms1500Diagnoses" |
	LC_ALL=C sort >a &&
	test_cmp e a
'

test_expect_success 'a replay of the pipeline output writes nothing' '
	before=$(q "SELECT COUNT(*) FROM dbo.Claims") &&
	fbefore=$(q "SELECT COUNT(*) FROM dbo.FailedClaimDetails") &&
	{ claims-load --to "$TDS_TARGET" priced.ndjson 2>load2.err; test $? -le 1; } &&
	grep -q " 0 inserted" load2.err &&
	test "$(q "SELECT COUNT(*) FROM dbo.Claims")" = "$before" &&
	test "$(q "SELECT COUNT(*) FROM dbo.FailedClaimDetails")" = "$fbefore"
'

pg_start >pg.log 2>&1 && pg_install_schema >>pg.log 2>&1 ||
    { cat pg.log; echo "Bail out! cannot start PostgreSQL"; exit 1; }

test_expect_success 'through staging: fetch, validate, price, load, mark' '
	edi-gen -n 120 -S 7351 --defects 0.05 --write-ref ref2 -o st.837 &&
	load_ref ref2 &&
	edi-parse st.837 >st.ndjson &&
	claims-load --to "" st.ndjson 2>st-load.err &&
	claims-fetch --lease >fetched.ndjson &&
	test "$(wc -l <fetched.ndjson)" = 120 &&
	{ claims-validate --ref ref2 fetched.ndjson; test $? -le 1; } >v2.ndjson &&
	rvu-price --data "$SRC/examples/cms" v2.ndjson >p2.ndjson 2>/dev/null &&
	{ claims-load --to "$TDS_TARGET" --mark-staging "" p2.ndjson 2>ms.err;
	  test $? -le 1; } &&
	psql -X -A -t -c "SELECT processing_status, count(*) FROM staging.claims GROUP BY 1 ORDER BY 1" >st.out &&
	loaded=$(q "SELECT COUNT(*) FROM dbo.Claims WHERE StagingClaimId IS NOT NULL") &&
	logged=$(q "SELECT COUNT(*) FROM dbo.FailedClaimDetails WHERE StagingClaimId IS NOT NULL") &&
	test $((loaded + logged)) = 120 &&
	printf "COMPLETED_EXPORTED_TO_PROD|%s\nCOMPLETED_FAILED_LOGGED|%s\n" "$loaded" "$logged" |
	grep -v "|0$" >expect &&
	test_cmp expect st.out
'

test_expect_success 'a crash between the two commits is replayed safely' '
	# SQL Server committed but the staging rows were not marked
	# (simulated by putting them back): the replay finds every claim
	# present, writes nothing, and marks them.
	psql -X -q -c "UPDATE staging.claims SET processing_status = '"'"'PENDING'"'"', lease_owner = NULL, lease_expires = NULL" &&
	before=$(q "SELECT COUNT(*) FROM dbo.Claims") &&
	claims-fetch --lease >again.ndjson &&
	{ claims-validate --ref ref2 again.ndjson; test $? -le 1; } >again-v.ndjson &&
	rvu-price --data "$SRC/examples/cms" again-v.ndjson 2>/dev/null >again-p.ndjson &&
	{ claims-load --to "$TDS_TARGET" --mark-staging "" again-p.ndjson 2>again.err;
	  test $? -le 1; } &&
	grep -q " 0 inserted" again.err &&
	test "$(q "SELECT COUNT(*) FROM dbo.Claims")" = "$before" &&
	psql -X -A -t -c "SELECT count(*) FROM staging.claims WHERE processing_status IN ('"'"'PENDING'"'"', '"'"'PROCESSING'"'"')" >left &&
	echo 0 >expect && test_cmp expect left
'

test_done
