#!/bin/sh
# claims-validate: the filter contract (pass-through, every record
# accounted for, selection, rejects, exit status) and its configuration
# (reference data, rules files, claimkit.conf, errors with file and line).
. "$(dirname "$0")/lib.sh"

D=$SRC/tests/data/claims-validate
REF=$D/ref
export CLAIMKIT_CONF=/dev/null
unset CLAIMKIT_VALIDATE_REF CLAIMKIT_VALIDATE_RULES CLAIMKIT_VALIDATE_TIMELY_FILING_DAYS

# A claim that passes, one that fails (bad NPI check digit), one that only
# warns (zero line charge), then junk that is not a claim.
cp "$D/base.json" pass.ndjson
jq -c '.providers.rendering.npi = "1234567890"' "$D/base.json" >fail.ndjson
jq -c '.lines[0].charge = 125 | .lines[1].charge = 0' "$D/base.json" >warn.ndjson
cat pass.ndjson fail.ndjson warn.ndjson >three.ndjson
{
	cat pass.ndjson
	echo '{"claim": '
	echo '[1,2,3]'
	echo
	cat fail.ndjson
	echo '{"reject":{"code":"x"}}'
	echo '{"claim":"not an object"}'
	cat warn.ndjson
} >mixed.ndjson

test_expect_success 'a passing claim: status pass, exit 0' '
	claims-validate --ref "$REF" pass.ndjson >out &&
	jq -r .validation.status out >st &&
	echo pass >want && test_cmp want st &&
	jq -c ".validation.findings" out >f && echo "[]" >want && test_cmp want f
'

test_expect_success 'every byte of the record passes through; validation is appended' '
	claims-validate --ref "$REF" three.ndjson >out; test $? -eq 1 &&
	sed "s/,\"validation\":{.*}}\$/}/" out >stripped &&
	test_cmp three.ndjson stripped
'

test_expect_success 'money text is not re-serialised (125.50 stays 125.50)' '
	sed "s/\"total_charge\":125.00/\"total_charge\":125.50/; s/\"charge\":25.00/\"charge\":25.50/" \
	    pass.ndjson >m.ndjson &&
	grep -q "\"total_charge\":125.50" m.ndjson &&
	claims-validate --ref "$REF" m.ndjson >out &&
	grep -q "\"total_charge\":125.50,.*\"charge\":25.50," out &&
	jq -r .validation.status out >st && echo pass >want && test_cmp want st
'

test_expect_success 'an existing validation section is replaced, not duplicated' '
	claims-validate --ref "$REF" fail.ndjson >once; test $? -eq 1 &&
	claims-validate --ref "$REF" once >twice; test $? -eq 1 &&
	test_cmp once twice &&
	test "$(grep -o "\"validation\":" twice | wc -l)" -eq 1
'

test_expect_success 'fail exits 1, warn-only exits 0' '
	test_expect_code 1 claims-validate --ref "$REF" fail.ndjson >out &&
	jq -r ".validation.status, .validation.findings[0].rule" out >st &&
	printf "fail\nNPI_03\n" >want && test_cmp want st &&
	test_expect_code 0 claims-validate --ref "$REF" warn.ndjson >out &&
	jq -r ".validation.status, .validation.findings[0].rule" out >st &&
	printf "warn\nCHG_06\n" >want && test_cmp want st
'

test_expect_success 'records that are not claims are rejected with position and code' '
	test_expect_code 1 claims-validate --ref "$REF" --rejects rj mixed.ndjson >out 2>err &&
	test "$(test_lines out)" -eq 3 &&
	test "$(test_lines rj)" -eq 4 &&
	jq -r "[.reject.line, .reject.code] | @tsv" rj >got &&
	printf "2\tinvalid_json\n3\tnot_an_object\n6\tnot_a_claim\n7\tnot_a_claim\n" >want &&
	test_cmp want got &&
	grep -q "^claims-validate: mixed.ndjson:6: error: record has no .claim. object" err &&
	jq -c .record rj | sed -n 3p >r6 &&
	echo "{\"reject\":{\"code\":\"x\"}}" >want && test_cmp want r6
'

test_expect_success 'counts add up: in = out + selected away + rejected (--fail-only)' '
	test_expect_code 1 claims-validate --ref "$REF" --fail-only --rejects rj mixed.ndjson >out 2>err &&
	grep "summary:" err >s &&
	echo "claims-validate: note: summary: 7 records in, 1 out, 2 selected away, 4 rejected; 1 passed, 1 warned, 1 failed" >want &&
	test_cmp want s &&
	jq -r .validation.status out >st && echo fail >want && test_cmp want st
'

test_expect_success '--pass-only writes pass and warn claims, still exits 1 for the failure' '
	test_expect_code 1 claims-validate --ref "$REF" --pass-only three.ndjson >out 2>err &&
	jq -r .validation.status out >st && printf "pass\nwarn\n" >want && test_cmp want st &&
	grep -q "summary: 3 records in, 2 out, 1 selected away, 0 rejected" err
'

test_expect_success '--summary without selection; quiet by default' '
	claims-validate --ref "$REF" pass.ndjson >out 2>err &&
	test_cmp /dev/null err &&
	claims-validate --ref "$REF" -s pass.ndjson >out 2>err &&
	grep -q "summary: 1 records in, 1 out, 0 selected away, 0 rejected; 1 passed" err
'

test_expect_success '--fail-only and --pass-only exclude each other' '
	test_expect_code 64 claims-validate --ref "$REF" -f -p pass.ndjson >out 2>err &&
	grep -q "exclude each other" err
'

test_expect_success 'a missing input file: 66, the other files are still read' '
	test_expect_code 66 claims-validate --ref "$REF" pass.ndjson nosuch.ndjson warn.ndjson >out 2>err &&
	test "$(test_lines out)" -eq 2 &&
	grep -q "cannot open .nosuch.ndjson." err
'

test_expect_success 'standard input and - are read' '
	claims-validate --ref "$REF" <pass.ndjson >a &&
	claims-validate --ref "$REF" - <pass.ndjson >b &&
	test_cmp a b && test "$(test_lines a)" -eq 1
'

# ---- reference data ----

test_expect_success 'no reference data is a configuration error (78) unless --no-ref' '
	test_expect_code 78 claims-validate pass.ndjson >out 2>err &&
	grep -q "no reference data" err &&
	claims-validate --no-ref pass.ndjson >out &&
	jq -r ".validation | [.status, has(\"facility_id\")] | @tsv" out >got &&
	printf "pass\tfalse\n" >want && test_cmp want got
'

test_expect_success '--no-ref turns the reference rules off (--list-rules shows it)' '
	claims-validate --list-rules --no-ref | awk -F"\t" "\$2 == \"off\" {print \$1}" >off &&
	printf "CORE_FAC_01\nCORE_FAC_02\nCORE_FC_01\nCORE_FC_02\nCORE_FC_03\nPAY_02\nAUTH_01\n" >want &&
	test_cmp want off
'

test_expect_success 'reference data from claimkit.conf and from the environment' '
	printf "validate.ref = %s\n" "$REF" >c.conf &&
	CLAIMKIT_CONF=c.conf claims-validate pass.ndjson >out &&
	jq -r .validation.facility_id out >got && echo FAC001 >want && test_cmp want got &&
	CLAIMKIT_VALIDATE_REF=$REF claims-validate pass.ndjson >out &&
	jq -r .validation.facility_id out >got && test_cmp want got &&
	printf "validate.ref = /nonexistent\n" >bad.conf &&
	CLAIMKIT_CONF=bad.conf test_expect_code 78 claims-validate pass.ndjson >out 2>err &&
	grep -q "not a directory" err &&
	CLAIMKIT_CONF=bad.conf claims-validate --ref "$REF" pass.ndjson >out
'

mkref() {
	rm -rf r && cp -R "$REF" r
}

test_expect_success 'missing facilities.csv: 78 naming the file' '
	mkref && rm r/facilities.csv &&
	test_expect_code 78 claims-validate --ref r pass.ndjson >out 2>err &&
	grep -q "^claims-validate: r/facilities.csv: error: cannot open reference file" err &&
	test_cmp /dev/null out
'

test_expect_success 'malformed CSV (bad quoting): 78 with file and line' '
	mkref && printf "FAC009,\"Open quote,1234567893,1,IL,1,Unknown,N,true\n" >>r/facilities.csv &&
	test_expect_code 78 claims-validate --ref r pass.ndjson >out 2>err &&
	grep -q "^claims-validate: r/facilities.csv:5: error: malformed CSV" err
'

test_expect_success 'a row with the wrong number of fields: 78 with the line' '
	mkref && sed -i "3s/,true\$/,true,extra/" r/financial_classes.csv &&
	test_expect_code 78 claims-validate --ref r pass.ndjson >out 2>err &&
	grep -q "^claims-validate: r/financial_classes.csv:3: error: expected 8 fields (as in the header), found 9" err
'

test_expect_success 'a missing required column: 78' '
	mkref && sed -i "1s/npi_number/npi/" r/facilities.csv &&
	test_expect_code 78 claims-validate --ref r pass.ndjson >out 2>err &&
	grep -q "r/facilities.csv:1: error: missing required column .npi_number." err
'

test_expect_success 'columns are found by name: reordered and extra columns are fine' '
	mkref &&
	awk -F, -v OFS=, "{ print \$9, \$3, \$1, \"x\" NR, \$2 }" "$REF/facilities.csv" >r/facilities.csv &&
	head -1 r/facilities.csv | grep -q "^active,npi_number,facility_id,x1,facility_name" &&
	claims-validate --ref r pass.ndjson >out &&
	jq -r .validation.facility_id out >got && echo FAC001 >want && test_cmp want got
'

test_expect_success 'duplicate key, bad boolean, unknown facility, bad NPI: 78 each' '
	mkref && sed -n 2p "$REF/facilities.csv" >>r/facilities.csv &&
	test_expect_code 78 claims-validate --ref r pass.ndjson 2>err >out &&
	grep -q "facilities.csv:5: error: duplicate facility_id .FAC001." err &&
	mkref && sed -i "2s/,true\$/,maybe/" r/facilities.csv &&
	test_expect_code 78 claims-validate --ref r pass.ndjson 2>err >out &&
	grep -q "facilities.csv:2: error: active: expected true or false: .maybe." err &&
	mkref && sed -i "3s/FAC001/FAC999/" r/financial_classes.csv &&
	test_expect_code 78 claims-validate --ref r pass.ndjson 2>err >out &&
	grep -q "financial_classes.csv:3: error: facility_id .FAC999. is not in the facilities table" err &&
	mkref && sed -i "2s/1234567893/12345/" r/facilities.csv &&
	test_expect_code 78 claims-validate --ref r pass.ndjson 2>err >out &&
	grep -q "facilities.csv:2: error: npi_number: not a 10-digit NPI" err &&
	mkref && sed -i "2s/,365,/,forever,/" r/financial_classes.csv &&
	test_expect_code 78 claims-validate --ref r pass.ndjson 2>err >out &&
	grep -q "financial_classes.csv:2: error: days_to_file_claim" err
'

test_expect_success 'an NPI shared by two active facilities names neither; active beats inactive' '
	mkref && echo "FAC009,Old Springfield,1234567893,1,IL,1,Unknown,N,false" >>r/facilities.csv &&
	claims-validate --ref r pass.ndjson >out &&
	jq -r .validation.facility_id out >got && echo FAC001 >want && test_cmp want got &&
	echo "FAC010,Springfield Annex,1234567893,1,IL,1,Unknown,N,true" >>r/facilities.csv &&
	test_expect_code 1 claims-validate --ref r pass.ndjson >out &&
	jq -r ".validation.findings[0] | [.rule, .message] | @tsv" out >got &&
	printf "CORE_FAC_01\tno facility_id, and the billing provider NPI belongs to more than one active reference facility\n" >want &&
	test_cmp want got
'

test_expect_success 'a bad code list: 78 with the line' '
	mkref && echo "I10.X1Z!,1,bad" >>r/icd10cm.csv &&
	test_expect_code 78 claims-validate --ref r pass.ndjson 2>err >out &&
	grep -q "icd10cm.csv:17: error: not an ICD-10-CM code" err &&
	mkref && echo "9921" >>r/hcpcs.csv &&
	test_expect_code 78 claims-validate --ref r pass.ndjson 2>err >out &&
	grep -q "hcpcs.csv:13: error: not a CPT/HCPCS code" err
'

test_expect_success 'payers.csv and the code lists are optional' '
	mkref && rm r/payers.csv r/icd10cm.csv r/hcpcs.csv &&
	jq -c ".payer.payer_id = \"ZZ999\" | .diagnoses[1].code = \"R509\" | .lines[1].procedure_code = \"99215\"" \
	    pass.ndjson >p.ndjson &&
	claims-validate --ref r p.ndjson >out &&
	jq -r .validation.status out >st && echo pass >want && test_cmp want st &&
	test_expect_code 1 claims-validate --ref "$REF" p.ndjson >out &&
	jq -r "[.validation.findings[].rule] | join(\" \")" out >got &&
	echo "PAY_02 DX_03 PX_03" >want && test_cmp want got
'

test_expect_success 'the CMS ICD-10-CM order file layout (--icd10cm)' '
	cat >order.txt <<-\EOF &&
	00001 A00     0 Cholera                                                      Cholera
	00002 A000    1 Cholera due to Vibrio cholerae 01, biovar cholerae           Cholera due to Vibrio cholerae 01, biovar cholerae
	12345 I10     1 Essential (primary) hypertension                             Essential (primary) hypertension
	12346 E119    1 Type 2 diabetes mellitus without complications               Type 2 diabetes mellitus without complications
	EOF
	claims-validate --ref "$REF" --icd10cm order.txt pass.ndjson >out &&
	jq -c ".diagnoses[1].code = \"A00\"" pass.ndjson >h.ndjson &&
	test_expect_code 1 claims-validate --ref "$REF" --icd10cm order.txt h.ndjson >out &&
	jq -r ".validation.findings[0].rule" out >got && echo DX_04 >want && test_cmp want got &&
	echo "bogus line" >>order.txt &&
	test_expect_code 78 claims-validate --ref "$REF" --icd10cm order.txt pass.ndjson 2>err >out &&
	grep -q "order.txt:5: error: not a line of the CMS ICD-10-CM order file" err
'

test_expect_success '--check-config describes what was loaded' '
	claims-validate --ref "$REF" --check-config >out &&
	grep -q "^facilities: 3\$" out && grep -q "^financial classes: 5\$" out &&
	grep -q "^payers: 4\$" out && grep -q "^icd10cm codes: 15\$" out &&
	grep -q "^hcpcs codes: 11\$" out &&
	n=$(claims-validate --list-rules | wc -l) &&
	grep -q "^rules: $n of $n enabled\$" out
'

# ---- rules configuration ----

test_expect_success 'a rules file turns a rule off and changes a severity' '
	cat >rules.conf <<-\EOF &&
	# site rules
	NPI_03 warning   # payers fix it themselves

	CHG_06=off
	EOF
	claims-validate --ref "$REF" -R rules.conf fail.ndjson warn.ndjson >out &&
	jq -r ".validation | [.status, (.findings | length)] | @tsv" out >got &&
	printf "warn\t1\npass\t0\n" >want && test_cmp want got &&
	claims-validate --list-rules -R rules.conf | grep -E "^(NPI_03|CHG_06)	" | cut -f1,2 >got &&
	printf "NPI_03\twarning\nCHG_06\toff\n" >want && test_cmp want got
'

test_expect_success 'prefix patterns, --set after the file, info does not fail' '
	echo "NPI_* off" >r1.conf &&
	claims-validate --ref "$REF" -R r1.conf fail.ndjson >out &&
	claims-validate --ref "$REF" -R r1.conf --set NPI_03=info fail.ndjson >out &&
	jq -r ".validation | [.status, .infos, .findings[0].severity] | @tsv" out >got &&
	printf "pass\t1\tinfo\n" >want && test_cmp want got
'

test_expect_success 'bad rules file: 78 with file and line; bad --set: 64' '
	printf "NPI_03 warning\nNPI_99 error\n" >bad.conf &&
	test_expect_code 78 claims-validate --ref "$REF" -R bad.conf pass.ndjson >out 2>err &&
	grep -q "^claims-validate: bad.conf:2: error: unknown rule code: .NPI_99." err &&
	printf "NPI_03 fatal\n" >bad.conf &&
	test_expect_code 78 claims-validate --ref "$REF" -R bad.conf pass.ndjson >out 2>err &&
	grep -q "bad.conf:1: error: unknown severity" err &&
	printf "NPI_03\n" >bad.conf &&
	test_expect_code 78 claims-validate --ref "$REF" -R bad.conf pass.ndjson >out 2>err &&
	grep -q "bad.conf:1: error: expected .CODE SEVERITY." err &&
	test_expect_code 78 claims-validate --ref "$REF" -R nosuch.conf pass.ndjson >out 2>err &&
	grep -q "nosuch.conf: error: cannot open rule configuration" err &&
	test_expect_code 64 claims-validate --ref "$REF" --set NPI_03 pass.ndjson >out 2>err &&
	test_expect_code 64 claims-validate --ref "$REF" --set XX=off pass.ndjson >out 2>err &&
	grep -q "unknown rule code" err
'

test_expect_success 'validate.rules and validate.timely_filing_days from claimkit.conf' '
	echo "NPI_03 off" >site.rules &&
	printf "validate.ref = %s\nvalidate.rules = site.rules\n" "$REF" >c.conf &&
	CLAIMKIT_CONF=c.conf claims-validate fail.ndjson >out &&
	jq -c ".claim.service_date_from = \"2025-01-02\" | .claim.service_date_to = \"2025-01-02\" |
	    .lines[].service_date = \"2025-01-02\" | .lines[].service_date_end = \"2025-01-02\"" \
	    pass.ndjson >old.ndjson &&
	claims-validate --no-ref old.ndjson >out &&
	test_expect_code 1 claims-validate --no-ref -t 100 old.ndjson >out &&
	jq -r ".validation.findings[0] | [.rule, .message] | @tsv" out >got &&
	printf "TF_01\treceived 151 days after the service date; the timely filing limit is 100 days\n" >want &&
	test_cmp want got &&
	printf "validate.timely_filing_days = 100\n" >t.conf &&
	CLAIMKIT_CONF=t.conf test_expect_code 1 claims-validate --no-ref old.ndjson >out &&
	CLAIMKIT_CONF=t.conf claims-validate --no-ref -t 200 old.ndjson >out &&
	CLAIMKIT_CONF=t.conf CLAIMKIT_VALIDATE_TIMELY_FILING_DAYS=200 claims-validate --no-ref old.ndjson >out &&
	printf "validate.timely_filing_days = soon\n" >t.conf &&
	CLAIMKIT_CONF=t.conf test_expect_code 78 claims-validate --no-ref old.ndjson >out 2>err &&
	grep -q "invalid validate.timely_filing_days" err &&
	test_expect_code 64 claims-validate --no-ref -t 0 old.ndjson >out 2>err
'

test_expect_success 'CLAIMKIT_TODAY moves "today" for the future-date rules' '
	CLAIMKIT_TODAY=2025-05-19 test_expect_code 1 claims-validate --ref "$REF" pass.ndjson >out &&
	jq -r "[.validation.findings[].rule] | unique | join(\" \")" out >got &&
	echo "CORE_DATE_02 CORE_LINE_DATE_03" >want && test_cmp want got
'

test_expect_success 'a duplicate claim names the first record; replacement claims are exempt' '
	cat pass.ndjson warn.ndjson pass.ndjson >d.ndjson &&
	jq -c ".claim.frequency_code = \"7\" | .claim.original_reference = \"PCN1\"" pass.ndjson >>d.ndjson &&
	test_expect_code 1 claims-validate --ref "$REF" d.ndjson >out &&
	jq -r ".validation | [.status, ([.findings[].message] | join(\";\"))] | @tsv" out >got &&
	printf "pass\t\nwarn\tline charge is zero\nfail\tduplicate of the claim in input record 1 of this run\npass\t\n" >want &&
	test_cmp want got &&
	claims-validate --ref "$REF" --set DUP_02=off d.ndjson >out &&
	test "$(jq -r .validation.status out | sort -u | tr "\n" " ")" = "pass warn "
'

test_done
