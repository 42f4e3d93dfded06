#!/bin/sh
# rvu-price against CMS's own computed amounts: golden-AL.csv holds 484 rows
# of the CY 2025 Alabama carrier file PFAL25A.TXT (MAC 10112, locality 00),
# each with a non-facility and a facility amount, and for the 84 rows under
# the OPPS imaging cap the OPPS-based amounts too (tests/data/cms/README).
# Every one must come out to the cent: from the CMS files directly, from a
# compiled index, and (when ../shared is there) from the full CMS files.
. "$(dirname "$0")/lib.sh"

CMS=$TESTS/data/cms

# One claim per golden row and setting (POS 11 non-facility, POS 22
# facility), one line each so that no multiple-procedure rule applies,
# with a charge above any fee.  --explain shows the PFS amount before the
# OPPS cap and the OPPS amount; the golden file lists both.
make_claims() {
	awk -F, 'NR > 1 {
		for (s = 0; s < 2; s++) {
			pos = s ? "22" : "11"
			m = $5 != "" ? ",\"modifiers\":[\"" $5 "\"]" : ""
			printf "{\"claim_id\":\"g%d-%s\",\"billing_provider\":" \
			    "{\"address\":{\"zip\":\"35201\"}},\"claim\":" \
			    "{\"place_of_service\":\"%s\"},\"lines\":[{" \
			    "\"procedure_code\":\"%s\"%s,\"charge\":99999.99," \
			    "\"units\":1,\"service_date\":\"2025-06-02\"}]}\n",
			    NR, pos, pos, $4, m
		}
	}' "$1"
}

# What CMS computed: code, modifier, setting, PFS amount, OPPS amount.
golden_amounts() {
	awk -F, 'NR > 1 {
		printf "%s %s nf %s %s\n", $4, ($5 == "" ? "-" : $5), $6,
		    ($13 == "1" ? $14 : "-")
		printf "%s %s f %s %s\n", $4, ($5 == "" ? "-" : $5), $7,
		    ($13 == "1" ? $15 : "-")
	}' "$1"
}

# What rvu-price says, read from its output text (not through jq, whose
# numbers would drop trailing zeros): the same five fields per line, from
# the line's "explain" object and its rate.
got_amounts() {
	awk '
	function field(s, k,    re) {
		re = "\"" k "\":\"?[0-9A-Za-z_.]+"
		if (!match(s, re))
			return "-"
		s = substr(s, RSTART + length(k) + 3, RLENGTH - length(k) - 3)
		sub(/^"/, "", s)
		return s
	}
	{
		if (!match($0, /"explain":\{[^}]*\}/)) {
			print "no explain:", $0
			next
		}
		x = substr($0, RSTART, RLENGTH)
		rate = field($0, "rate") == "facility" ? "f" : "nf"
		if (field($0, "status") != "priced")
			rate = "unpriced"
		print field(x, "hcpcs"), field(x, "modifier"), rate,
		    field(x, "pfs_amount"), field(x, "opps_amount")
	}'
}

test_expect_success 'golden: 968 amounts from the trimmed CMS files' '
	make_claims "$CMS/golden-AL.csv" >claims &&
	test "$(wc -l <claims)" -eq 968 &&
	golden_amounts "$CMS/golden-AL.csv" >expect &&
	rvu-price --explain --data "$CMS" <claims >out 2>err &&
	got_amounts <out >actual &&
	test_cmp expect actual &&
	test "$(wc -l <actual)" -eq 968
'

test_expect_success 'golden: the same amounts from a compiled index' '
	rvu-price --compile --data "$CMS" -o pfs.idx 2>err &&
	rvu-price --explain --index pfs.idx <claims >out2 &&
	got_amounts <out2 >actual2 &&
	test_cmp expect actual2
'

test_expect_success 'golden: allowed amount is the lower of PFS and OPPS' '
	# 70496: PFS 243.05, OPPS 230.40 (README of the CMS data).
	grep "\"procedure_code\":\"70496\",\"charge\"" out |
	    grep -o "\"status\":\"priced\",\"method\":\"pfs\",\"fee_schedule_amount\":[0-9.]*" >fees &&
	printf "%s\n" \
	    "\"status\":\"priced\",\"method\":\"pfs\",\"fee_schedule_amount\":230.40" \
	    "\"status\":\"priced\",\"method\":\"pfs\",\"fee_schedule_amount\":230.40" >want &&
	test_cmp want fees
'

if [ -f "$SHARED/data/cms/golden-AL.csv" ] &&
    [ -f "$SHARED/data/cms/PPRRVU2025_Oct.csv" ]; then
	test_expect_success 'golden: 968 amounts from the full CMS files' '
		make_claims "$SHARED/data/cms/golden-AL.csv" >fclaims &&
		golden_amounts "$SHARED/data/cms/golden-AL.csv" >fexpect &&
		rvu-price --compile --data "$SHARED/data/cms" -o full.idx &&
		rvu-price --explain --index full.idx <fclaims >fout &&
		got_amounts <fout >factual &&
		test_cmp fexpect factual &&
		test "$(wc -l <factual)" -eq 968
	'
	test_expect_success 'golden: full files parsed directly agree' '
		rvu-price --explain --data "$SHARED/data/cms" <fclaims >fout2 &&
		got_amounts <fout2 >factual2 &&
		test_cmp fexpect factual2
	'
else
	test_skip 'golden: 968 amounts from the full CMS files' \
	    '../shared/data/cms absent'
	test_skip 'golden: full files parsed directly agree' \
	    '../shared/data/cms absent'
fi

test_done
