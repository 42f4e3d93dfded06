#!/bin/sh
# A large interchange (thousands of transaction sets, more records than
# the 8 MiB held in memory) goes through the spool file: every claim comes
# out once, in order, the temporary file leaves nothing behind, and the
# envelope counts still check out.
. "$(dirname "$0")/lib.sh"

N=2500
# one ISA/GS around N copies of the examples' transaction set (ST02 1..N)
awk -v n=$N '
	/^ISA/ || /^GS/ { print; next }
	/^ST\*/ { inst = 1 }
	inst { body[++nb] = $0 }
	/^SE\*/ { inst = 0 }
	END {
		for (i = 1; i <= n; i++)
			for (j = 1; j <= nb; j++) {
				s = body[j]
				if (s ~ /^ST\*/) sub(/\*0001\*/, "*" i "*", s)
				if (s ~ /^SE\*/) sub(/\*0001~/, "*" i "~", s)
				print s
			}
		print "GE*" n "*101~"
		print "IEA*1*000000101~"
	}' "$SRC/examples/claims.837" >big.837

test_expect_success 'the large interchange is well formed' '
	test "$(grep -c "^CLM" big.837)" -eq $((4 * N)) &&
	test "$(wc -c <big.837)" -gt 5000000
'

test_expect_success 'every claim once, in order, no warning, spool file removed' '
	mkdir tmp &&
	TMPDIR=$PWD/tmp edi-parse big.837 >out 2>err &&
	test_cmp /dev/null err &&
	test "$(wc -c <out)" -gt 9000000 &&
	test "$(test_lines out)" -eq $((4 * N)) &&
	jq -r .claim_id out | sort -u | wc -l >n &&
	test "$(cat n)" -eq $((4 * N)) &&
	jq -r "[.source.transaction_control_number, .source.claim_ordinal] | @tsv" out >order &&
	awk -v n=$N "BEGIN { for (i = 1; i <= n; i++) for (j = 1; j <= 4; j++) print i \"\t\" j }" >want &&
	test_cmp want order &&
	test -z "$(ls tmp)"
'

test_expect_success 'records of the spooled run equal those of the example' '
	edi-parse "$SRC/examples/claims.837" | jq -c ".claim, .lines" >a &&
	head -n 4 out | jq -c ".claim, .lines" >b &&
	test_cmp a b &&
	tail -n 4 out | jq -c ".claim, .lines" >c &&
	test_cmp a c
'

test_expect_success 'a wrong GE01 reaches every claim of the spooled group' '
	sed "s/^GE\*$N\*101~/GE*7*101~/" big.837 >ge.837 &&
	edi-parse -q ge.837 >ge.out &&
	jq -r ".source.warnings[0].code" ge.out | sort | uniq -c >c &&
	echo "  $((4 * N)) ge_count" | sed "s/^ *//" >want &&
	sed "s/^ *//" c >got &&
	test_cmp want got
'

test_expect_success '--strict rejects the whole group without writing a claim' '
	test_expect_code 1 edi-parse -q --strict -r rej ge.837 >s.out 2>/dev/null &&
	test_cmp /dev/null s.out &&
	jq -c "[.reject.unit, .reject.claims, .reject.transactions, .reject.code]" rej >got &&
	echo "[\"group\",$((4 * N)),$N,\"ge_count\"]" >want &&
	test_cmp want got
'

test_expect_success '--unbuffered and a closed pipe end quietly' '
	{ edi-parse -u big.837 2>err | head -n 1 >first; } &&
	test "$(test_lines first)" -eq 1 &&
	! grep -E "error|Sanitizer" err
'
test_done
