#!/bin/sh
# claims-load and a server that dies mid-load: every batch is committed
# whole or not at all, the loader retries a bounded number of times and
# exits 75, a rerun completes with exact counts; a server that comes back
# while the loader retries lets the same run finish.
. "$(dirname "$0")/lib.sh"
. "$TESTS/pg.sh"
pg_start || exit 1
pg_install_schema || exit 1

N=8000
test-pggen -n $N >big.ndjson

count() { psql -X -Atc "SELECT count(*) FROM $1" 2>/dev/null; }

# Wait until at least $1 claims are committed (or the loader ended).
wait_claims() {
	i=0
	while [ $i -lt 600 ]; do
		n=$(count staging.claims)
		[ "${n:-0}" -ge "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# Every claim has exactly the lines and diagnoses of its record; no orphans.
consistent() {
	cat >check.sql <<-\EOF
	SELECT count(*) FROM staging.claims c
	WHERE jsonb_array_length(c.claim_data->'lines') <> (SELECT count(*)
	    FROM staging.cms1500_line_items l WHERE l.claim_id = c.claim_id)
	   OR jsonb_array_length(c.claim_data->'diagnoses') <> (SELECT count(*)
	    FROM staging.cms1500_diagnoses d WHERE d.claim_id = c.claim_id);
	SELECT count(*) FROM staging.cms1500_line_items l
	WHERE NOT EXISTS (SELECT 1 FROM staging.claims c WHERE c.claim_id = l.claim_id);
	SELECT count(*) FROM staging.cms1500_diagnoses d
	WHERE NOT EXISTS (SELECT 1 FROM staging.claims c WHERE c.claim_id = d.claim_id);
	EOF
	psql -X -At -f check.sql >consistent.out &&
	printf "0\n0\n0\n" >consistent.expect &&
	test_cmp consistent.expect consistent.out
}

test_expect_success 'server killed mid-load: exit 75, whole batches only' '
	{
		claims-load --to "" --batch-size 200 --max-retries 2 \
		    --retry-delay 100 big.ndjson >out 2>err &
		pid=$!
	} &&
	wait_claims 400 $pid &&
	pg_kill &&
	{ wait $pid; rc=$?; } ;
	test "$rc" -eq 75 &&
	grep "not committed after 2 retries" err &&
	grep "stopped: [0-9]* not loaded" err &&
	pg_restart &&
	k=$(count staging.claims) &&
	test "$k" -gt 0 && test "$k" -lt $N &&
	test $((k % 200)) -eq 0 &&
	consistent &&
	echo "$k" >killed-count
'

test_expect_success 'the batch row counts what was committed' '
	k=$(cat killed-count) &&
	psql -X -At -F " " -c "SELECT status, successful_claims FROM staging.processing_batches" >actual &&
	echo "PROCESSING $k" >expect &&
	test_cmp expect actual
'

test_expect_success 'a rerun completes with exact counts' '
	k=$(cat killed-count) &&
	claims-load --to "" --batch-size 200 big.ndjson 2>err &&
	grep "$N read, $((N - k)) inserted, $k duplicates (already loaded), 0 rejected" err &&
	test "$(count staging.claims)" -eq $N &&
	grep -o "\"line_number\":" big.ndjson | wc -l >expect &&
	count staging.cms1500_line_items >actual &&
	test_cmp expect actual &&
	consistent
'

test_expect_success 'a server back within the retries: the run finishes' '
	createdb again &&
	PGDATABASE=again &&
	export PGDATABASE &&
	pg_install_schema &&
	{
		claims-load --to "" --batch-size 200 --max-retries 30 \
		    --retry-delay 200 big.ndjson >out 2>err &
		pid=$!
	} &&
	wait_claims 400 $pid &&
	pg_kill &&
	sleep 1 &&
	pg_restart &&
	{ wait $pid; rc=$?; } ;
	test "$rc" -eq 0 &&
	grep "retry 1 of 30" err &&
	grep "$N read, $N inserted, 0 duplicates (already loaded), 0 rejected" err &&
	test "$(count staging.claims)" -eq $N &&
	consistent &&
	psql -X -At -F " " -c "SELECT status, total_claims, successful_claims FROM staging.processing_batches" >actual &&
	echo "COMPLETED $N $N" >expect &&
	test_cmp expect actual
'

test_expect_success 'no server at all: exit 69 at once, nothing read' '
	pg_stop &&
	test_expect_code 69 claims-load --to "" big.ndjson 2>err &&
	grep "cannot connect to PostgreSQL" err &&
	pg_restart
'

test_done
