#!/bin/sh
# claims-validate on the pipeline's own data: edi-gen claims with known
# defects, parsed by edi-parse, checked against examples/ref.  Each defect
# the generator injects must be found by its rule, clean claims must pass
# the error rules, and three rules are checked against an independent
# re-implementation in jq over the records themselves (NPI check digit,
# service after the transaction date, duplicate-claim key).
. "$(dirname "$0")/lib.sh"

export CLAIMKIT_CONF=/dev/null
if ! command -v edi-gen >/dev/null || ! command -v edi-parse >/dev/null; then
	test_skip 'generated claims' 'edi-gen or edi-parse not built'
	test_done
	exit 0
fi

test_expect_success 'generate, parse and validate 3000 claims (30% with defects)' '
	edi-gen -n 3000 -S 11 --defects 0.3 --sidecar side.ndjson >g.837 &&
	edi-parse g.837 >parsed.ndjson &&
	test "$(test_lines parsed.ndjson)" -eq 3000 &&
	test_expect_code 1 claims-validate --ref "$SRC/examples/ref" -s parsed.ndjson >val.ndjson 2>err &&
	grep -q "summary: 3000 records in, 3000 out, 0 selected away, 0 rejected" err &&
	jq -c "{id: .claim_id, defects, filter}" side.ndjson >sd &&
	jq -c "{id: .claim_id, errors: [.validation.findings[] | select(.severity == \"error\") | .rule] | unique}" \
	    val.ndjson >vr &&
	jq -s -c "group_by(.id)[] | add" sd vr >joined &&
	test "$(test_lines joined)" -eq 3000
'

# defect kind -> the rules any of which must report it
while read -r kind rules; do
	test_expect_success "defect $kind is reported ($rules)" '
		jq -c --arg k "$kind" "select(.defects | index(\$k))" joined >has &&
		test "$(test_lines has)" -gt 5 &&
		jq -r --arg r "$rules" "select([.errors[] | IN(\$r | split(\",\")[])] | any | not) | .id" has >missed &&
		test_cmp /dev/null missed
	'
done <<'EOF'
class-not-allowed CORE_FC_03
total-mismatch CHG_03
missing-account CORE_PAT_01
dx-pointer PTR_02
unknown-procedure PX_03
zero-units UNIT_01
inactive-facility CORE_FAC_02
bad-mbi MBI_01
bad-icd DX_02,DX_03,DX_04
bad-date CORE_LINE_DATE_02,CORE_DATE_04
dob-after-service CORE_DOB_04
EOF

# Resubmitted copies (DUP_02) inherit the defects of the claim they copy;
# edi-gen also writes the odd exact duplicate line (DUP_01) in a claim.
test_expect_success 'claims without defects fail no rule but the duplicate and timely-filing ones' '
	jq -c "select((.defects | length) == 0 and .filter != \"duplicate\")" joined >clean &&
	test "$(test_lines clean)" -gt 1500 &&
	jq -c "select((.errors | index(\"DUP_02\")) == null and
	    ([.errors[] | select(. != \"DUP_01\" and . != \"TF_01\")] | length > 0))" clean >bad &&
	test_cmp /dev/null bad
'

test_expect_success 'NPI_03 exactly when an NPI of the record fails the check digit (jq oracle)' '
	cat >luhn.jq <<-\EOF &&
	def ok: ("80840" + .) | explode | map(. - 48) | reverse | to_entries
	    | map(if .key % 2 == 1 then (.value * 2 | if . > 9 then . - 9 else . end)
	      else .value end) | add % 10 == 0;
	[.. | objects | .npi? | strings | select(test("^[12][0-9]{9}$"))] as $n
	| [($n | map(ok) | all | not), ([.validation.findings[].rule] | index("NPI_03") != null)]
	| @tsv
	EOF
	jq -r -f luhn.jq val.ndjson | sort | uniq -c | sed "s/^ *//" >got &&
	awk "\$2 != \$3" got >mismatch && test_cmp /dev/null mismatch &&
	grep -q "true	true" got
'

test_expect_success 'SVC_01 exactly when the service ends after the transaction date (jq oracle)' '
	jq -r "[((.claim.service_date_to // .claim.service_date_from) > .source.transaction_date),
	    ([.validation.findings[].rule] | index(\"SVC_01\") != null)] | @tsv" val.ndjson |
	    sort | uniq -c | sed "s/^ *//" >got &&
	awk "\$2 != \$3" got >mismatch && test_cmp /dev/null mismatch &&
	grep -q "true	true" got
'

test_expect_success 'DUP_02 exactly on the second and later claims with the same key (jq oracle)' '
	cat >dupkey.jq <<-\EOF &&
	[.payer.payer_id, .billing_provider.npi, .billing_provider.tax_id,
	 .subscriber.member_id, .patient.last_name, .patient.first_name,
	 .patient.birth_date, .providers.rendering.npi, .claim.service_date_from,
	 .claim.service_date_to, (.claim.total_charge * 100 | round),
	 [.lines[] | [.procedure_code, .modifiers, .service_date,
	  .service_date_end, .units, (.charge * 100 | round)]]] as $k
	| [(.claim.frequency_code | IN("7", "8")), ($k | tojson),
	   ([.validation.findings[].rule] | index("DUP_02") != null)]
	EOF
	jq -c -f dupkey.jq val.ndjson >keys &&
	jq -s -r "reduce .[] as \$r ({seen: {}, out: []};
	    if \$r[0] then .out += [[false, \$r[2]]]
	    else .out += [[(.seen[\$r[1]] // false), \$r[2]]] | .seen[\$r[1]] = true end)
	    | .out[] | @tsv" keys | sort | uniq -c | sed "s/^ *//" >got &&
	awk "\$2 != \$3" got >mismatch && test_cmp /dev/null mismatch &&
	grep -q "true	true" got
'
test_done
