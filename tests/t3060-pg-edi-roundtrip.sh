#!/bin/sh
# edi-parse | claims-load, then claims-fetch, gives back every field of
# every record: on the whole public corpus ($SHARED/corpus/x12) and on
# claims from edi-gen with every optional loop turned on.
. "$(dirname "$0")/lib.sh"
. "$TESTS/pg.sh"
pg_start || exit 1
pg_install_schema || exit 1

# The record without the keys claims-fetch adds, keys sorted.
plain() { jq -cS 'del(.staging, .facility_id, .financial_class_id, .department_id)'; }
# The first record of each claim_id (a claim repeated in several files is
# loaded once), keys sorted.
first_by_id() {
	jq -r .claim_id "$1" >ids &&
	paste ids "$1" | awk -F '	' '!seen[$1]++ { print $2 }' | jq -cS .
}

if have_shared; then
	test_expect_success 'the corpus: every record loads, every field comes back' '
		for f in "$SHARED"/corpus/x12/*; do
			edi-parse "$f" 2>/dev/null
			rc=$?
			case $rc in 0|1|65) ;; *) exit 1 ;; esac
		done >corpus.ndjson &&
		test $(wc -l <corpus.ndjson) -gt 100 &&
		createdb corpus &&
		PGDATABASE=corpus pg_install_schema &&
		PGDATABASE=corpus claims-load --to "" --rejects rej corpus.ndjson 2>err &&
		test_must_fail test -s rej &&
		first_by_id corpus.ndjson | sort >expect &&
		PGDATABASE=corpus claims-fetch | plain | sort >actual &&
		test $(wc -l <actual) -eq $(wc -l <expect) &&
		test_cmp expect actual
	'
else
	test_skip 'the corpus: every record loads, every field comes back' 'no ../shared corpus'
fi

test_expect_success 'edi-gen claims with every optional loop come back whole' '
	edi-gen -n 400 -S 7 --dependents 0.4 --cob 0.4 --drugs 0.3 \
	    --ambulance 0.2 --utf8 >gen.837 &&
	edi-parse gen.837 >gen.ndjson &&
	test $(wc -l <gen.ndjson) -eq 400 &&
	claims-load --to "" gen.ndjson 2>err &&
	first_by_id gen.ndjson | sort >expect &&
	claims-fetch | plain | sort >actual &&
	test_cmp expect actual
'

test_expect_success 'money and dates as edi-parse wrote them' '
	claims-fetch -n 50 >some &&
	grep -o "\"total_charge\":[-0-9.]*" some | sort >actual &&
	for id in $(jq -r .claim_id some); do
		grep "\"claim_id\":\"$id\"" gen.ndjson | head -n 1
	done | grep -o "\"total_charge\":[-0-9.]*" | sort >expect &&
	test_cmp expect actual
'

test_done
