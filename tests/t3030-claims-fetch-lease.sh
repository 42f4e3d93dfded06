#!/bin/sh
# claims-fetch --lease: a work queue.  Concurrent fetchers never share a
# claim, expired leases are taken again, leased claims are marked done or
# failed (claims-fetch --mark, claims-load --mark-staging).
. "$(dirname "$0")/lib.sh"
. "$TESTS/pg.sh"
pg_start || exit 1
pg_install_schema || exit 1

status_counts() {
	psql -X -At -F " " -c "SELECT processing_status, count(*) FROM staging.claims GROUP BY 1 ORDER BY 1"
}

test-pggen -n 20000 >c20k.ndjson
claims-load --to "" --batch-size 2000 c20k.ndjson 2>/dev/null

test_expect_success '4 concurrent lease fetchers take every claim exactly once' '
	{
		for w in 1 2 3 4; do
			claims-fetch --lease --owner "w$w" --chunk 250 \
			    >"w$w.ndjson" 2>"w$w.err" &
			eval "pid$w=\$!"
		done
		wait $pid1 && wait $pid2 && wait $pid3 && wait $pid4
	} &&
	cat w1.ndjson w2.ndjson w3.ndjson w4.ndjson >all.ndjson &&
	test $(wc -l <all.ndjson) -eq 20000 &&
	jq -r .claim_id all.ndjson | sort | uniq -d >dups &&
	test_must_fail test -s dups &&
	jq -r .claim_id all.ndjson | sort >got &&
	jq -r .claim_id c20k.ndjson | sort >expect &&
	test_cmp expect got &&
	for w in 1 2 3 4; do
		jq -r .staging.lease_owner "w$w.ndjson" | sort -u >owners &&
		echo "w$w" >expect &&
		test_cmp expect owners || exit 1
	done &&
	echo "PROCESSING 20000" >expect &&
	status_counts >actual &&
	test_cmp expect actual
'

test_expect_success 'the workers shared the queue' '
	for w in 1 2 3 4; do
		test -s "w$w.ndjson" || exit 1
	done
'

test_expect_success 'nothing is left to lease while the leases hold' '
	claims-fetch --lease >none &&
	test_must_fail test -s none
'

test_expect_success 'leased records carry owner and expiry' '
	head -n 1 w1.ndjson | jq -r ".staging | [.status, .lease_owner, (.lease_expires | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$\"))] | @tsv" >actual &&
	printf "PROCESSING\tw1\ttrue\n" >expect &&
	test_cmp expect actual
'

test_expect_success '--mark done marks only the leases the record owner holds' '
	head -n 100 w1.ndjson >w1-100 &&
	claims-fetch --mark done w1-100 2>err &&
	grep "100 claims marked COMPLETED" err &&
	head -n 10 w2.ndjson | jq -c ".staging.lease_owner = \"someone-else\"" >stolen &&
	test_expect_code 1 claims-fetch --mark done stolen 2>err &&
	grep "10 claims not marked" err &&
	claims-fetch --mark done --force stolen 2>err &&
	grep "10 claims marked COMPLETED" err &&
	printf "COMPLETED 110\nPROCESSING 19890\n" >expect &&
	status_counts >actual &&
	test_cmp expect actual
'

test_expect_success '--mark failed, retry; RETRY claims are leased again' '
	sed -n 101,110p w1.ndjson >fail10 &&
	claims-fetch --mark failed fail10 2>err &&
	grep "10 claims marked ERROR" err &&
	sed -n 111,115p w1.ndjson >retry5 &&
	claims-fetch --mark retry retry5 2>err &&
	claims-fetch --lease --owner again >again &&
	jq -r .claim_id again | sort >actual &&
	jq -r .claim_id retry5 | sort >expect &&
	test_cmp expect actual &&
	psql -X -Atc "SELECT sum(retry_count) FROM staging.claims" >actual &&
	echo 5 >expect &&
	test_cmp expect actual
'

test_expect_success 'records without a staging id are rejected by --mark' '
	head -n 2 c20k.ndjson >plain &&
	test_expect_code 1 claims-fetch --mark done --rejects rej plain 2>err &&
	test $(wc -l <rej) -eq 2 &&
	jq -r .reject.code rej | sort -u >actual &&
	echo no_staging_id >expect &&
	test_cmp expect actual
'

test_expect_success 'expired leases are taken again, by one fetcher only' '
	psql -X -q -c "UPDATE staging.claims SET lease_expires = now() - interval '"'"'1 second'"'"' WHERE id IN (SELECT id FROM staging.claims WHERE lease_owner = '"'"'w3'"'"' ORDER BY id LIMIT 40)" &&
	{
		claims-fetch --lease --owner x1 --chunk 7 >x1 &
		p1=$!
		claims-fetch --lease --owner x2 --chunk 7 >x2 &
		p2=$!
		wait $p1 && wait $p2
	} &&
	cat x1 x2 | jq -r .claim_id | sort >got &&
	test $(wc -l <got) -eq 40 &&
	uniq -d got >dups &&
	test_must_fail test -s dups &&
	cat x1 x2 | jq -r .staging.status | sort -u >actual &&
	echo PROCESSING >expect &&
	test_cmp expect actual &&
	psql -X -Atc "SELECT count(*) FROM staging.claims WHERE lease_owner IN ('"'"'x1'"'"', '"'"'x2'"'"') AND retry_count = 1 AND lease_count = 2" >actual &&
	echo 40 >expect &&
	test_cmp expect actual
'

test_expect_success '--limit and --lease-time' '
	claims-fetch --mark pending --force w4.ndjson 2>err &&
	claims-fetch --lease --limit 3 --lease-time 60 --owner lim >three &&
	test $(wc -l <three) -eq 3 &&
	psql -X -Atc "SELECT bool_and(lease_expires <= now() + interval '"'"'61 seconds'"'"' AND lease_expires > now() + interval '"'"'50 seconds'"'"') FROM staging.claims WHERE lease_owner = '"'"'lim'"'"'" >actual &&
	echo t >expect &&
	test_cmp expect actual
'

test_expect_success 'claims-load --mark-staging marks loaded claims done' '
	createdb prod &&
	PGDATABASE=prod pg_install_schema &&
	claims-fetch --lease --limit 25 --owner loader >lease25 &&
	claims-load --to "dbname=prod" --mark-staging "" lease25 2>err &&
	grep "25 inserted" err &&
	grep "25 marked in staging" err &&
	jq -r .staging.id lease25 | paste -sd, - >ids &&
	psql -X -Atc "SELECT processing_status, count(*) FROM staging.claims WHERE id IN ($(cat ids)) GROUP BY 1" >actual &&
	echo "COMPLETED_EXPORTED_TO_PROD|25" >expect &&
	test_cmp expect actual &&
	psql -X -Atc "SELECT count(*) FROM staging.claims WHERE id IN ($(cat ids)) AND exported_to_production AND export_date IS NOT NULL AND lease_owner IS NULL" >actual &&
	echo 25 >expect &&
	test_cmp expect actual
'

test_expect_success '--mark-staging: several owners, a rejected record' '
	claims-fetch --lease --limit 4 --owner ownA >a4 &&
	claims-fetch --lease --limit 4 --owner ownB >b4 &&
	{ sed -n 1,2p a4; sed -n 1,2p b4; sed -n 3,4p a4; sed -n 3p b4;
	  sed -n 4p b4 | jq -c ".lines = \"broken\""; } >mixed &&
	test_expect_code 1 claims-load --to "dbname=prod" --mark-staging "" mixed 2>err &&
	grep "8 read, 7 inserted, 0 duplicates (already loaded), 1 rejected, 8 marked in staging" err &&
	jq -r .staging.id mixed | paste -sd, - >ids &&
	psql -X -Atc "SELECT processing_status, count(*) FROM staging.claims WHERE id IN ($(cat ids)) GROUP BY 1 ORDER BY 1" >actual &&
	printf "COMPLETED_EXPORTED_TO_PROD|7\nCOMPLETED_FAILED_LOGGED|1\n" >expect &&
	test_cmp expect actual
'

test_expect_success '--lease takes PENDING or RETRY claims only' '
	test_expect_code 64 claims-fetch --lease --status COMPLETED 2>err &&
	grep "PENDING or RETRY" err &&
	test_expect_code 64 claims-fetch --mark done --limit 3 2>err &&
	test_expect_code 64 claims-fetch --mark FINISHED 2>err
'

test_done
