#!/bin/sh
# The whole chain into SQL Server: edi-gen | edi-parse | claims-validate |
# rvu-price | claims-load --to mssql:// against the project's TDS server,
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

test_expect_success 'generate 400 claims and the reference files' '
	edi-gen -n 400 -S 7350 --defects 0.05 --write-ref ref -o claims.837 &&
	test -s ref/facilities.csv && test -s ref/financial_classes.csv
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

test_expect_success 'every claim is in exactly one place' '
	n=$(wc -l <priced.ndjson) && test "$n" -ge 350 &&
	good=$(grep -c "\"validation\":{\"status\":\"\(pass\|warn\)\"" priced.ndjson) &&
	bad=$(grep -c "\"validation\":{\"status\":\"fail\"" priced.ndjson) &&
	test $((good + bad)) = "$n" &&
	claims=$(q "SELECT COUNT(*) FROM dbo.Claims") &&
	failed=$(q "SELECT COUNT(*) FROM dbo.FailedClaimDetails") &&
	test $((claims + failed)) = "$n" &&
	test "$failed" -ge "$bad" &&
	# The reference tables are loaded: all but a few passed claims load.
	test "$claims" -ge $((good * 9 / 10)) &&
	test "$(wc -l <rj.ndjson)" = "$failed" &&
	test "$(q "SELECT COUNT(*) FROM dbo.Cms1500LineItems")" -ge "$claims"
'

test_expect_success 'amounts went in to the cent' '
	q "SELECT ClaimId, TotalClaimCharges FROM dbo.Claims ORDER BY ClaimId" >db.tsv &&
	sed -n "s/.*\"claim_id\":\"\([0-9a-f]*\)\".*\"total_charge\":\([0-9.]*\).*/\1	\2/p" \
	    priced.ndjson | sort >nd.tsv &&
	join -t "	" db.tsv nd.tsv >joined &&
	test "$(wc -l <joined)" = "$(wc -l <db.tsv)" &&
	awk -F"	" "\$2 != \$3 { print; bad++ } END { exit bad > 0 }" joined
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
