#!/bin/sh
# rvu-price on generated claims: edi-gen | edi-parse | rvu-price.  No
# record is lost, every claim and every line gets a pricing section, the
# CSV path and the index path agree byte for byte, and no line is priced
# at zero without the rule that made it zero.
. "$(dirname "$0")/lib.sh"

CMS=$TESTS/data/cms

if ! command -v edi-gen >/dev/null || ! command -v edi-parse >/dev/null; then
	test_skip 'pipeline tests' 'edi-gen or edi-parse not built'
	test_done
	exit 0
fi

test_expect_success 'setup: 400 generated claims' '
	edi-gen -n 400 -S 7 >claims.837 &&
	{ edi-parse claims.837 >claims.ndjson; rc=$?; } &&
	{ [ $rc -eq 0 ] || [ $rc -eq 1 ]; } &&
	test -s claims.ndjson &&
	rvu-price --compile --data "$CMS" -o pfs.idx 2>/dev/null
'

test_expect_success 'every record out, each claim and line priced or explained' '
	rvu-price --index pfs.idx --locality 10112-00 claims.ndjson >out &&
	test "$(wc -l <out)" -eq "$(wc -l <claims.ndjson)" &&
	jq -r ".pricing.status" out | sort -u >st &&
	grep -v -x -e priced -e partial -e unpriced st >bad || true &&
	test_cmp /dev/null bad &&
	jq -r ".lines[] | .pricing | if .status == \"priced\" then \"ok\" elif .status == \"unpriced\" and (.reason_code | length) > 0 and (.reason | length) > 0 then \"ok\" else \"bad\" end" out | sort -u >l &&
	echo ok >want &&
	test_cmp want l
'

test_expect_success 'a zero allowed amount always comes with its rule' '
	jq -c ".lines[].pricing | select(.status == \"priced\" and .allowed_amount == 0) | select((.adjustments // []) | length == 0)" out >silent &&
	test_cmp /dev/null silent
'

test_expect_success 'claim totals are the sums of the lines' '
	jq -r "[.pricing.allowed_amount // 0, ([.lines[].pricing | select(.status == \"priced\") | .allowed_amount] | add // 0)] | (.[0] * 100 | round) == (.[1] * 100 | round)" out | sort -u >eq &&
	echo true >want &&
	test_cmp want eq
'

test_expect_success 'the CSV files and the index give the same bytes' '
	rvu-price --data "$CMS" --locality 10112-00 claims.ndjson >out2 2>/dev/null &&
	test_cmp out out2
'

test_expect_success 'the ZIP codes of the claims choose the locality' '
	rvu-price --index pfs.idx --explain claims.ndjson >out3 &&
	test "$(wc -l <out3)" -eq "$(wc -l <claims.ndjson)" &&
	jq -r ".pricing | .locality_source // .locality_error" out3 | sort -u >src &&
	test -s src
'

if [ -f "$SHARED/data/cms/PPRRVU2025_Oct.csv" ]; then
	test_expect_success 'with the full CMS files most lines are priced' '
		rvu-price --compile --data "$SHARED/data/cms" -o full.idx &&
		rvu-price --index full.idx claims.ndjson >full &&
		jq -r ".lines[].pricing.status" full | sort | uniq -c >counts &&
		priced=$(awk "\$2 == \"priced\" { print \$1 }" counts) &&
		total=$(awk "{ n += \$1 } END { print n }" counts) &&
		test $((priced * 2)) -gt "$total"
	'
else
	test_skip 'with the full CMS files most lines are priced' \
	    '../shared/data/cms absent'
fi

test_done
