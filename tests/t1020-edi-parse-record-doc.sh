#!/bin/sh
# Every key of every record edi-parse writes (corpus, examples, the
# data-file cases) is documented in man/claimkit-record.5 with the right
# JSON type; the key list is read from the page (.It Ic PATH Pq TYPE), so
# adding an undocumented key fails here.  check-record is
# tests/helper/check-record.c.
. "$(dirname "$0")/lib.sh"

PAGE=$SRC/man/claimkit-record.5

test_expect_success 'the page has a key list the checker can read' '
	grep -c "^\.It Ic .* Pq " "$PAGE" >n &&
	test "$(cat n)" -gt 300
'

test_expect_success 'the checker catches undocumented keys and wrong types' '
	edi-parse "$SRC/examples/claims.837" | head -n 1 >one &&
	sed -e "s/\"record_version\":1/\"record_version\":1,\"bogus\":\"x\"/" \
	    -e "s/\"total_charge\":220.00/\"total_charge\":220/" \
	    -e "s/\"patient_account_number\":\"PAT1001\"/\"patient_account_number\":\"\"/" \
	    one >bad &&
	test_must_fail check-record "$PAGE" bad >problems 2>/dev/null &&
	grep -q "bogus: not documented" problems &&
	grep -q "claim.total_charge: money without exactly 2 decimals" problems &&
	grep -q "claim.patient_account_number: empty string" problems
'

test_expect_success 'examples/claims.837 matches the page' '
	edi-parse "$SRC/examples/claims.837" >records &&
	check-record "$PAGE" records
'

test_expect_success 'the data-file case inputs match the page' '
	for f in "$TESTS"/cases/edi-parse/*/in "$TESTS"/cases/edi-parse/*/*.837; do
		edi-parse -q "$f" 2>/dev/null || :
	done >records &&
	test "$(test_lines records)" -gt 20 &&
	check-record "$PAGE" records
'

if have_shared; then
test_expect_success 'every record of the corpus matches the page' '
	for f in "$SHARED"/corpus/x12/*; do
		case $f in *.md) continue ;; esac
		edi-parse -q "$f" 2>/dev/null || :
	done >records &&
	test "$(test_lines records)" -gt 1400 &&
	check-record "$PAGE" records
'
else
	test_skip 'every record of the corpus matches the page' 'no ../shared corpus'
fi
test_done
