#!/bin/sh
# claims-validate on malformed and hostile input: huge numbers, wrong types
# in every section, missing sections, deeply nested junk, huge strings and
# arrays.  Every record must come out (as a claim with findings) or be
# rejected with a reason; never a crash, never a lost record.
. "$(dirname "$0")/lib.sh"

D=$SRC/tests/data/claims-validate
REF=$D/ref
export CLAIMKIT_CONF=/dev/null

# run FILE: validate, and check in = out + rejects and a clean exit (0/1).
run() {
	claims-validate --ref "$REF" --rejects rj -s "$1" >out 2>err
	rc=$?
	[ $rc -eq 0 ] || [ $rc -eq 1 ] || { echo "exit $rc"; cat err; return 1; }
	! grep -q -E "AddressSanitizer|runtime error" err || return 1
	# non-blank lines (NUL bytes would make grep count binary "lines")
	in=$(tr -d " \t\r\000" <"$1" | grep -c .)
	o=$(test_lines out)
	r=$(test_lines rj)
	[ $((o + r)) -eq "$in" ] || { echo "in $in != out $o + rejects $r"; return 1; }
	grep -q "summary: $in records in, $o out, 0 selected away, $r rejected" err
}

B=$D/base.json

test_expect_success 'wrong JSON types in every section and field' '
	cat >types.jq <<-\EOF &&
	. as $b
	| ($paths | [splits("\\s+")] | map(select(. != ""))[]
	    | split(".") | map(tonumber? // .)) as $p
	| ([null, true, 12, -1.5e300, "", "x", [], [1, {}], {}, {"a": []}])[] as $v
	| $b | setpath($p; $v)
	EOF
	jq -c -f types.jq --arg paths "claim_id facility_id financial_class_id \
	    source billing_provider subscriber payer patient diagnoses providers \
	    lines claim.patient_account_number claim.total_charge \
	    claim.place_of_service claim.facility_code_qualifier \
	    claim.frequency_code claim.service_date_from claim.service_date_to \
	    claim.original_reference claim.prior_authorization \
	    billing_provider.npi billing_provider.tax_id billing_provider.taxonomy \
	    subscriber.member_id subscriber.claim_filing_indicator payer.payer_id \
	    patient.birth_date patient.gender patient.last_name \
	    providers.rendering providers.rendering.npi providers.service_facility \
	    lines.0 lines.0.procedure_code lines.0.modifiers lines.0.charge \
	    lines.0.units lines.0.unit_basis lines.0.place_of_service \
	    lines.0.diagnosis_pointers lines.0.service_date lines.0.service_date_end \
	    lines.0.providers lines.0.providers.rendering diagnoses.0 \
	    diagnoses.0.code diagnoses.0.qualifier diagnoses.0.sequence" \
	    "$B" >types.ndjson &&
	test "$(test_lines types.ndjson)" -eq 480 &&
	run types.ndjson &&
	test "$(test_lines rj)" -eq 0
'

test_expect_success 'wrong types are findings, not crashes: a sample' '
	jq -c ".lines = {\"0\": 1}" "$B" >t.ndjson &&
	test_expect_code 1 claims-validate --ref "$REF" t.ndjson >out &&
	jq -r ".validation.findings[0] | [.rule, .field, .message] | @tsv" out >got &&
	printf "REC_01\tlines\tlines is a JSON object, expected an array\n" >want &&
	test_cmp want got &&
	jq -c ".claim.total_charge = {\"amount\": 125}" "$B" >t.ndjson &&
	test_expect_code 1 claims-validate --ref "$REF" t.ndjson >out &&
	jq -r ".validation.findings[0] | [.rule, has(\"value\")] | @tsv" out >got &&
	printf "CHG_01\tfalse\n" >want && test_cmp want got
'

test_expect_success 'missing sections: an empty claim fails many rules but comes out' '
	echo "{\"claim\":{}}" >e.ndjson &&
	test_expect_code 1 claims-validate --ref "$REF" e.ndjson >out &&
	jq -r "[.validation.findings[].rule] | join(\" \")" out >got &&
	echo "NPI_01 TIN_01 CORE_FAC_01 CORE_FC_01 CORE_PAT_01 FREQ_01 POS_01 POS_02 CORE_DATE_01 CORE_DATE_01 CORE_DOB_01 PAT_02 PAT_03 SUB_01 PAY_01 DX_01 LINE_01 CHG_01" >want &&
	test_cmp want got
'

test_expect_success 'huge and absurd numbers' '
	big=$(printf "9%.0s" $(seq 1 400)) &&
	jq -c ".claim.total_charge = 1" "$B" |
	sed "s/\"total_charge\":1/\"total_charge\":$big.99/; s/\"units\":1,/\"units\":1e999999,/; s/\"diagnosis_pointers\":\[1,2\]/\"diagnosis_pointers\":[$big,-0,1.5,2]/" >h.ndjson &&
	grep -q "e999999" h.ndjson &&
	run h.ndjson &&
	jq -r "[.validation.findings[] | .rule + \":\" + (.value | tostring | .[0:12])] | join(\" \")" out >got &&
	echo "PTR_02:999999999999 PTR_02:-0 PTR_02:1.5 CHG_01:999999999999" >want &&
	test_cmp want got &&
	jq -r ".validation.findings[0].value" out >v && test "$(wc -c <v)" -lt 80
'

test_expect_success 'deeply nested junk: 64 levels is a claim, 65 is rejected' '
	o=$(printf "[%.0s" $(seq 1 62)) && c=$(printf "]%.0s" $(seq 1 62)) &&
	jq -c ".junk = 0" "$B" | sed "s/\"junk\":0/\"junk\":${o}1${c}/" >n64.ndjson &&
	o=$(printf "[%.0s" $(seq 1 64)) && c=$(printf "]%.0s" $(seq 1 64)) &&
	jq -c ".junk = 0" "$B" | sed "s/\"junk\":0/\"junk\":${o}1${c}/" >n65.ndjson &&
	cat n64.ndjson n65.ndjson >n.ndjson &&
	run n.ndjson &&
	test "$(test_lines out)" -eq 1 && test "$(test_lines rj)" -eq 1 &&
	jq -r .reject.reason rj | grep -q "nesting deeper than 64 levels" &&
	sed "s/,\"validation\":{.*}}\$/}/" out >back && test_cmp n64.ndjson back
'

test_expect_success 'huge strings, many lines and diagnoses, odd bytes' '
	head -c 300000 /dev/zero | tr "\0" A >long &&
	jq -c --rawfile long long ".claim.patient_account_number = \$long | .patient.last_name = \"\\u0000\\u00e9\\ud83d\\ude00\"" "$B" >s.ndjson &&
	jq -c ".lines = [range(3000) as \$i | .lines[0] | .units = \$i + 1] | .claim.total_charge = 300000" "$B" >>s.ndjson &&
	jq -c ".diagnoses = [range(500) as \$i | {sequence: (\$i + 1), qualifier: \"ABF\", code: \"I10\"}]" "$B" >>s.ndjson &&
	run s.ndjson &&
	sed -n 1p out | jq -r ".validation.status" >st && echo pass >want && test_cmp want st &&
	sed -n 2p out | jq -r "[.validation.findings[].rule] | unique | join(\" \")" >got &&
	echo "LINE_02" >want && test_cmp want got &&
	sed -n 3p out | jq -r "[.validation.findings[].rule] | unique | join(\" \")" >got &&
	echo "DX_05 DX_06 DX_07" >want && test_cmp want got
'

test_expect_success 'records that are not claims, mixed with claims' '
	{
		cat "$B"
		echo "{}"
		echo "[]"
		echo "\"claim\""
		echo "42"
		echo "null"
		echo "{\"claim\":null}"
		echo "{\"claim\":[]}"
		echo "{\"claim\":{},\"claim\":{}}"
		printf "{\"claim\":{}}\r\n"
		printf "\xff\xfe{}\n"
		echo "{\"claim\":{\"a\":\"\\ud800\"}}"
		printf "{\"claim\":{}}garbage\n"
		head -c 100000 /dev/urandom | tr -d "\n\r" | head -c 5000; echo
		cat "$B"
	} >j.ndjson &&
	run j.ndjson &&
	test "$(test_lines out)" -eq 3 &&
	jq -r "[.reject.line, .reject.code] | @tsv" rj >codes &&
	printf "2\tnot_a_claim\n3\tnot_an_object\n4\tnot_an_object\n5\tnot_an_object\n6\tnot_an_object\n7\tnot_a_claim\n8\tnot_a_claim\n9\tinvalid_json\n11\tinvalid_json\n12\tinvalid_json\n13\tinvalid_json\n14\tinvalid_json\n" >want &&
	test_cmp want codes
'

test_expect_success 'a long random stream of mutated claims: every record accounted for' '
	i=0 && : >fuzz.ndjson &&
	while [ $i -lt 40 ]; do
		# truncate, duplicate or corrupt one byte of the base record
		n=$(wc -c <"$B") && k=$(( (i * 977) % n )) &&
		head -c "$k" "$B" >>fuzz.ndjson && echo >>fuzz.ndjson &&
		{ head -c "$k" "$B"; printf "\\\\\""; tail -c +$((k + 1)) "$B"; } >>fuzz.ndjson &&
		cat "$B" >>fuzz.ndjson &&
		i=$((i + 1))
	done &&
	run fuzz.ndjson
'

# Inputs found by the libFuzzer target tests/fuzz/fuzz-validate.c.
test_expect_success 'the fuzz corpus (tests/fuzz/corpus/validate)' '
	for f in "$TESTS"/fuzz/corpus/validate/*; do
		{ tr -d "\n" <"$f"; echo; } >one.ndjson &&
		run one.ndjson || { echo "failed on ${f##*/}"; exit 1; }
	done
'
test_done
