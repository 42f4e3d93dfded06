#!/bin/sh
# claims-load --to mssql:// when things go wrong on the way: the connection
# dropped before, in the middle of and after a request (a COMMIT applied
# whose answer never came), a deadlock victim, a lock timeout, a request
# timeout.  Every run must end with exactly one copy of every claim; when
# the retries run out the exit status is 75, the failed batch left nothing,
# and running the load again completes it.
. "$(dirname "$0")/lib.sh"
. "$TESTS/mssql.sh"

(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >key && echo >>key)
CLAIMKIT_MSSQL_KEY_FILE=$PWD/key
export CLAIMKIT_MSSQL_KEY_FILE

# 60 passed claims, two lines and one diagnosis each: three batches of 20.
awk 'BEGIN {
	for (i = 1; i <= 60; i++)
		printf "{\"record_version\":1,\"claim_id\":\"f%031d\",\"claim\":{\"patient_account_number\":\"P%d\",\"total_charge\":%d.%02d,\"service_date_from\":\"2024-05-%02d\"},\"patient\":{\"last_name\":\"Zoë\",\"first_name\":\"N%d\"},\"diagnoses\":[{\"sequence\":1,\"qualifier\":\"ABK\",\"code\":\"J449\",\"is_primary\":true}],\"lines\":[{\"line_number\":1,\"procedure_code\":\"99213\",\"charge\":%d.00},{\"line_number\":2,\"procedure_code\":\"36415\",\"charge\":1.%02d}],\"validation\":{\"status\":\"pass\",\"errors\":0,\"warnings\":0,\"findings\":[]}}\n",
		    i, i, 100 + i, i % 100, i % 28 + 1, i, 100 + i - 1, i % 100
}' >in.ndjson

tds_start || { echo "Bail out! cannot start tdsd"; exit 1; }
tds_install_schema || { echo "Bail out! cannot install the schema"; exit 1; }
q() { tds_query "$1"; }

reset_db() {
	q "DELETE FROM dbo.Cms1500LineItems; DELETE FROM dbo.Cms1500Diagnoses; DELETE FROM dbo.Claims; DELETE FROM dbo.FailedClaimDetails" >/dev/null
}

# Exactly one copy of each of the 60 claims, with all their rows.
once() {
	test "$(q "SELECT COUNT(*) FROM dbo.Claims")" = 60 &&
	test "$(q "SELECT COUNT(DISTINCT ClaimId) FROM dbo.Claims")" = 60 &&
	test "$(q "SELECT COUNT(*) FROM dbo.Cms1500LineItems")" = 120 &&
	test "$(q "SELECT COUNT(*) FROM dbo.Cms1500Diagnoses")" = 60 &&
	test "$(q "SELECT COUNT(*) FROM dbo.FailedClaimDetails")" = 0
}

# load [claims-load options]: three batches of 20, fast retries.
load() {
	claims-load -b 20 --retry-delay 20 --to "$TDS_TARGET" "$@" in.ndjson
}

test_expect_success 'no fault: 60 claims in 4 requests (setup + 3 batches)' '
	tds_restart && : >"$TDSROOT/stats" &&
	load 2>err && grep -q "60 read, 60 inserted" err && once &&
	grep "app=claims-load" "$TDSROOT/stats" >st &&
	grep -q " batches=4 " st && grep -q " logins=1 " st
'

for f in "drop:batch=3" "drop:batch=3:bytes=40000" "drop:match=COMMIT TRANSACTION" \
    "deadlock:batch=3" "locktimeout:batch=3" "deadlock:match=COMMIT TRANSACTION"; do
	test_expect_success "fault $f: retried, every claim once" '
		reset_db && tds_restart --fault "$f" &&
		load 2>err && grep -q "60 read, 60 inserted" err &&
		grep -q "warning: batch of 20 records not committed, retry 1" err &&
		once
	'
done

test_expect_success 'the answer to a COMMIT is lost: the retry finds the claims' '
	reset_db && tds_restart --fault "drop-after:match=COMMIT TRANSACTION" &&
	load 2>err &&
	grep -q "batch not loaded: FreeTDS 20017" err &&
	grep -q "60 read, 40 inserted, 20 duplicates" err && once
'

test_expect_success 'a request that outlives mssql.timeout is abandoned and retried' '
	reset_db && tds_restart --fault "delay:batch=3:ms=4000" &&
	echo "mssql.timeout = 1" >t.conf &&
	CLAIMKIT_CONF=$PWD/t.conf load 2>err &&
	grep -q "FreeTDS 20003" err && grep -q "60 read, 60 inserted" err &&
	once
'

test_expect_success 'retries run out: 75, the failed batch left nothing' '
	reset_db &&
	tds_restart --fault "deadlock:match=INSERT INTO dbo.Claims" \
	    --fault "deadlock:match=INSERT INTO dbo.Claims" \
	    --fault "deadlock:match=INSERT INTO dbo.Claims" &&
	test_expect_code 75 load --max-retries 2 2>err &&
	grep -q "not committed after 2 retries" err &&
	test "$(q "SELECT COUNT(*) FROM dbo.Claims")" = 0 &&
	test "$(q "SELECT COUNT(*) FROM dbo.Cms1500LineItems")" = 0
'

test_expect_success 'a server that times out the session setup: 75 at once' '
	tds_restart --fault "delay:ms=3000" &&
	CLAIMKIT_CONF=$PWD/t.conf test_expect_code 75 load 2>err &&
	grep -q "session setup failed: FreeTDS 20003" err &&
	test "$(q "SELECT COUNT(*) FROM dbo.Claims")" = 0
'

test_expect_success 'and the same command later completes the load' '
	tds_restart && load 2>err && grep -q "60 read, 60 inserted" err && once
'

test_expect_success 'the server gone for good after the first batch: 75' '
	reset_db && tds_restart --fault "delay:ms=3000:match=f0000000000000000000000000000021" &&
	{ load --max-retries 2 2>err; echo $? >rc; } &
	# Once the first batch is in, the second one is held by the server
	# for 3 s: stop the server then.
	i=0 &&
	until [ "$(q "SELECT COUNT(*) FROM dbo.Claims")" = 20 ]; do
		[ $i -lt 100 ] || exit 1; sleep 0.1; i=$((i + 1))
	done &&
	tds_stop && wait &&
	test "$(cat rc)" = 75 && grep -q "cannot connect to SQL Server" err &&
	tds_restart &&
	test "$(q "SELECT COUNT(*) FROM dbo.Claims")" = 20 &&
	load 2>err2 && grep -q "60 read, 40 inserted, 20 duplicates" err2 && once
'

test_done
