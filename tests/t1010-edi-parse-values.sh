#!/bin/sh
# Key values of several corpus files and of examples/claims.837 against
# values read by hand from the 837 text (the expected lines below were
# written from the files, not from edi-parse's output).  Money is compared
# in cents and units in thousandths, so that the check does not depend on
# how a jq version prints numbers.
. "$(dirname "$0")/lib.sh"

C=$SHARED/corpus/x12

# One line per claim: account, total (cents), place of service, billing
# NPI, payer id, subscriber, patient, diagnoses, and per line: code,
# modifiers, charge (cents), units (x1000), dates, pointers.
cat >claims.jq <<'EOF'
[.claim.patient_account_number, (.claim.total_charge * 100 | round),
 .claim.place_of_service, .billing_provider.npi, .payer.payer_id,
 "sub=\(.subscriber.last_name),\(.subscriber.first_name),\(.subscriber.member_id)",
 "pat=\(.patient.is_subscriber),\(.patient.relationship),\(.patient.last_name),\(.patient.first_name),\(.patient.birth_date)",
 "dx=\([.diagnoses[]? | "\(.sequence):\(.qualifier):\(.code)"] | join(","))",
 (.lines[]? | "L\(.line_number)=\(.procedure_code)/\((.modifiers // []) | join("+"))/\(.charge * 100 | round)/\(.units * 1000 | round)/\(.service_date)/\(.service_date_end)/\((.diagnosis_pointers // []) | map(tostring) | join("+"))")]
| join(" ")
EOF

check() {
	edi-parse -q "$1" >records &&
	jq -r -f claims.jq records >actual &&
	test_cmp expect actual
}

if have_shared; then
test_expect_success 'example1: dependent patient (HL 23), four lines' '
	cat >expect <<-\EOF &&
	26463774 10000 11 1912301953 999996666 sub=SMITH,JANE,JS00111223333 pat=false,19,SMITH,TED,1973-05-01 dx=1:BK:0340,2:BF:V7389 L1=99213//4000/1000/2006-10-03/2006-10-03/1 L2=87070//1500/1000/2006-10-03/2006-10-03/1 L3=99214//3500/1000/2006-10-10/2006-10-10/2 L4=86663//1000/1000/2006-10-10/2006-10-10/2
	EOF
	check "$C/lfh__5010X222A2_demo.example1.837"
'

test_expect_success 'example2: subscriber is the patient; onset date; facility' '
	cat >expect <<-\EOF &&
	26462967 10000 11 9876543210 741234 sub=SMITH,TED,00221111 pat=true,18,SMITH,TED,1943-05-01 dx=1:BK:0340,2:BF:V7389 L1=99213//4000/1000/2006-10-03/2006-10-03/1 L2=87072//1500/1000/2006-10-03/2006-10-03/1 L3=99214//3500/1000/2006-10-10/2006-10-10/2 L4=86663//1000/1000/2006-10-10/2006-10-10/2
	EOF
	check "$C/lfh__5010X222A2_demo.example2.837" &&
	test "$(jq -r .claim.dates.onset records)" = 1998-10-03 &&
	test "$(jq -r .providers.service_facility.npi records)" = 5812345679 &&
	test "$(jq -r .source.transaction_type records)" = RP
'

test_expect_success "example9: ':' declared, '>' used; anesthesia minutes" '
	cat >expect <<-\EOF &&
	153829140 82700 22 2366554859 05440 sub=JONES,MARGARET,123456789A pat=true,18,JONES,MARGARET,1974-03-03 dx=1:BK:36616 L1=00142/QK+QS+P1/82700/61000/2005-01-12/2005-01-12/1
	EOF
	check "$C/lfh__5010X222A2_demo.example9.837" &&
	test "$(jq -r ".lines[0].unit_basis" records)" = MJ &&
	test "$(jq -r .providers.rendering.npi records)" = 5678912345 &&
	jq -r ".source.warnings[].code" records | sort -u >codes &&
	printf "%s\n" bad_element isa16_unused >want &&
	test_cmp want codes
'

test_expect_success 'COB: 2320/2330 other payer and 2430 line adjudication' '
	cat >expect <<-\EOF &&
	26407789 7904 11 1999996666 567890 sub=SMITH,JACK,222334444 pat=false,19,SMITH,TED,1973-05-01 dx=1:BK:4779,2:BF:2724,3:BF:2780,4:BF:53081 L1=99213//4300/1000/2005-10-03/2005-10-03/1+2+3+4 L2=90782//1500/1000/2005-10-03/2005-10-03/1+2 L3=J3301//2104/1000/2005-10-03/2005-10-03/1+2
	EOF
	check "$C/lfh__5010X222A2_demo.cob.example3.B.837" &&
	jq -c "[.subscriber.payer_responsibility, (.other_payers[] |
	    [.payer_responsibility, .relationship, .claim_filing_indicator,
	     (.paid_amount * 100 | round), (.remaining_liability * 100 | round),
	     (.adjustments | map([.group, .reason, (.amount * 100 | round)])),
	     .subscriber.last_name, .subscriber.first_name, .subscriber.member_id,
	     .payer.name, .payer.payer_id])]" records >actual &&
	echo "[\"S\",[\"P\",\"01\",\"12\",3915,3689,[[\"PR\",\"1\",2189],[\"PR\",\"2\",1500]],\"SMITH\",\"JANE\",\"JS00111223333\",\"KEY INSURANCE COMPANY\",\"999996666\"]]" >expect &&
	test_cmp expect actual &&
	jq -c "[.lines[].adjudications[] | [.payer_id, (.paid_amount * 100 | round),
	    .procedure_code, (.paid_units * 1000 | round), .date,
	    ((.adjustments // []) | map([.group, .reason, (.amount * 100 | round)]))]]" \
	    records >actual &&
	echo "[[\"999996666\",4000,\"99213\",1000,\"2005-10-15\",[[\"CO\",\"42\",300]]],[\"999996666\",1500,\"90782\",1000,\"2005-10-15\",[]],[\"999996666\",2104,\"J3301\",1000,\"2005-10-15\",[]]]" >expect &&
	test_cmp expect actual &&
	test "$(jq -r .providers.rendering.npi records)" = 1999996666 &&
	test "$(jq -r .providers.rendering.taxonomy records)" = 204C00000X
'

test_expect_success 'drug lines: NDC, quantity, unit, prescription number' '
	cat >expect <<-\EOF &&
	CLMNO12345 223293 12 1234567893 PLANID12345 sub=Smith,Steve,MBRID01234 pat=true,18,Smith,Steve,1943-05-01 dx=1:BK:4659 L1=S9500//140000/7000/2004-02-01/2004-02-07/1 L2=S5001//68250/7000/2004-02-01/2004-02-07/1 L3=S5000//1512/14000/2004-02-01/2004-02-07/1 L4=S5000//6769/7000/2004-02-01/2004-02-07/1 L5=S5000//5712/14000/2004-02-01/2004-02-07/1 L6=S5000//1050/7000/2004-02-01/2004-02-07/1
	EOF
	check "$C/lfh__5010X222A2_demo.drug.example10.2.837" &&
	jq -r ".lines[] | [.drug.ndc, (.drug.quantity // 0 | . * 1000 | round),
	    .drug.unit, .drug.prescription_number, .dates.prescription,
	    .providers.ordering.npi] | map(tostring) | join(\" \")" records >actual &&
	cat >expect <<-\EOF &&
	null 0 null null null 1112223338
	00004196501 7000 UN 2530001 2004-01-30 1112223338
	63323024910 14000 UN 2530001 2004-01-30 1112223338
	00338004938 7000 UN 2530001 2004-01-30 1112223338
	08290033010 14000 UN 2530002 2004-01-30 1112223338
	08290038005 7000 UN 2530003 2004-01-30 1112223338
	EOF
	test_cmp expect actual &&
	test "$(jq -r .payer.payer_id_qualifier records)" = XV
'

test_expect_success 'ambulance: CR1, CRC, pick-up and drop-off, QTY, NTE' '
	cat >expect <<-\EOF &&
	051068 76650 41 2366554859 123245 sub=JONES,SARAH,012345678A pat=true,18,JONES,SARAH,1963-07-29 dx=1:BK:8628,2:BF:E8888,3:BF:9592,4:BF:8540 L1=A0427/RH/70000/1000/2005-02-08/2005-02-08/1+2+3+4 L2=A0425/RH/820/21000/2005-02-08/2005-02-08/1+2+3+4 L3=A0422/RH/4600/1000/2005-02-08/2005-02-08/1+2+3+4 L4=A0382/RH/1230/1000/2005-02-08/2005-02-08/1+2+3+4
	EOF
	check "$C/lfh__5010X222A2_demo.ambulance.example5.837" &&
	jq -c "[.claim.related_causes, .claim.dates.accident,
	    (.claim.ambulance | [.weight_unit, (.patient_weight * 100 | round),
	     .transport_reason, .distance_unit, (.distance * 100 | round),
	     .stretcher_purpose]),
	    (.claim.conditions | map([.category, .indicator, .codes])),
	    .providers.ambulance_pickup.address.city,
	    .providers.ambulance_dropoff.address.state,
	    .lines[0].ambulance_patient_count, .lines[0].line_item_control_number,
	    .lines[0].notes]" records >actual &&
	echo "[[\"OA\"],\"2005-02-08\",[\"LB\",27500,\"A\",\"DH\",2100,\"PATIENT IMOBILIZED\"],[[\"07\",\"Y\",[\"04\",\"06\",\"09\"]],[\"07\",\"N\",[\"05\",\"07\",\"08\"]]],\"CARR\",\"WY\",2,\"1001\",[{\"code\":\"ADD\",\"text\":\"CARDIAC EMERGENCY\"}]]" >expect &&
	test_cmp expect actual
'

test_expect_success 'auto accident: CLM11 causes and state, patient REF and PER' '
	edi-parse -q "$C/lfh__5010X222A2_demo.autoaccident.837" >records &&
	jq -c "[.claim.patient_account_number, .claim.related_causes,
	    .claim.auto_accident_state, .claim.dates.accident,
	    .claim.dates.first_contact, .patient.relationship,
	    .patient.last_name, .patient.secondary_ids, .patient.contact.phone,
	    .providers.rendering.npi, .providers.service_facility.npi,
	    [.lines[].procedure_code]]" records >actual &&
	echo "[\"900000032\",[\"AA\"],\"CA\",\"2005-10-31\",\"2005-10-31\",\"21\",\"DIMPSON\",[{\"qualifier\":\"Y4\",\"id\":\"32323232\"}],\"8157665902\",\"2366552595\",\"1235767887\",[\"99201\",\"26010\"]]" >expect &&
	test_cmp expect actual
'

test_expect_success 'HI qualifier and code in separate elements (imsweb)' '
	cat >expect <<-\EOF &&
	A37YH556 50000 11 1234567890 11122333 sub=DOE,JOHN,123456 pat=true,18,DOE,JOHN,null dx=1:BK:8901,2:BF:87200,3:BF:5559 L1=99211/25/1225/1000/2005-03-14/2005-03-25/1
	A37YH667 50000 11 1234567890 11122333 sub=DOE,DAVID,123456 pat=true,18,DOE,DAVID,null dx=1:BK:1987,2:BF:4134,3:BF:5559 L2=478331/25/1225/1000/2005-03-22/2005-03-25/1+2+3
	EOF
	check "$C/imsweb__5010_x12_valid.txt"
'

test_expect_success 'context decides the loop: 2320/2330x vs 2310x vs 2420x' '
	edi-parse -q "$C/imsweb__5010_x12_complex.txt" >records &&
	jq -r "[.source.transaction_control_number, .source.claim_ordinal,
	    .claim.patient_account_number, .patient.is_subscriber,
	    .patient.first_name, (.other_payers // [] | length),
	    ([.lines[].line_number] | join(\"+\"))] | map(tostring) | join(\" \")" \
	    records >actual &&
	cat >expect <<-\EOF &&
	987654 1 A37YH556 true JOHN 3 1+2
	987654 2 A37YH667 false STEVEN 1 3
	987654 3 A37YH668 false STEVEN 0 4+5
	987655 1 A37YH556 true JOHN 3 1+2
	987655 2 A37YH667 false STEVEN 1 3
	987655 3 A37YH668 false STEVEN 0 4+5
	EOF
	test_cmp expect actual &&
	sed -n 1p records >c1 &&
	jq -c "[.other_payers[] | [.group_number, .subscriber.last_name,
	    .payer.name, (.providers // {} | keys)]]" c1 >actual &&
	echo "[[\"GR00786\",\"2330A1\",\"2330B1\",[]],[\"GR00788\",\"2330A3\",\"2330B3\",[\"referring\"]],[\"GR00789\",\"2330A4\",\"2330B4\",[\"billing\",\"referring\"]]]" >expect &&
	test_cmp expect actual &&
	jq -c "[.providers.referring.last_name, .providers.other_referring.last_name,
	    .providers.rendering.last_name, .providers.service_facility.name,
	    .other_payers[2].providers.billing.secondary_ids[0].id,
	    .billing_provider.name, .pay_to_plan.name]" c1 >actual &&
	echo "[\"WELBY\",\"QELBY\",\"2310B1\",\"2310C1\",\"2330G1\",\"MEDICAL GROUP\",\"NAME\"]" >expect &&
	test_cmp expect actual &&
	sed -n 2p records >c2 &&
	jq -c ".lines[0] | [.drug.ndc, (.providers | keys),
	    .providers.rendering.npi, .providers.rendering.taxonomy,
	    .providers.referring.last_name, .providers.other_referring.last_name,
	    (.adjudications | map([.payer_id, (.paid_amount * 100 | round),
	     .procedure_code, .paid_units, .date])),
	    (.forms | map([.form_id, (.answers | map(.question))]))]" c2 >actual &&
	echo "[\"3920293\",[\"ambulance_dropoff\",\"ambulance_pickup\",\"ordering\",\"other_referring\",\"purchased_service\",\"referring\",\"rendering\",\"service_facility\",\"supervising\"],\"303304\",\"2420A\",\"PELBY\",\"VELBY\",[[\"43\",5500,\"2430\",3,\"2020-07-28\"]],[[\"01.02\",[\"12N\"]]]]" >expect &&
	test_cmp expect actual
'

test_expect_success 'NM1*82 after a line is the line rendering provider (2420A)' '
	edi-parse -q "$C/imsweb__5010_x12_ambiguous_loop.txt" >records &&
	jq -c "[.providers, .lines[0].providers.rendering.npi,
	    .lines[0].providers.rendering.taxonomy, .lines[0].dates.last_seen,
	    .claim.dates.admission, .claim.dates.discharge]" records >actual &&
	echo "[null,\"058895\",\"2420A\",\"2012-04-28\",\"2012-03-30\",\"2012-04-06\"]" >expect &&
	test_cmp expect actual
'

test_expect_success 'repricing (HCP) and REF on claim and lines' '
	edi-parse -q "$C/lfh__5010X222A2_demo.example11.837" >records &&
	jq -c "[.claim.repricing.pricing_method,
	    (.claim.repricing.allowed_amount * 100 | round),
	    (.claim.repricing.savings * 100 | round),
	    .claim.repricing.organization_id, .claim.repriced_claim_number,
	    .claim.claim_identifier, .claim.frequency_code,
	    [.lines[] | (.repricing.allowed_amount * 100 | round)],
	    .lines[0].modifiers, .lines[0].diagnosis_pointers]" records >actual &&
	echo "[\"03\",2675,200,\"908231234\",\"0902352342\",\"061505501749388\",\"1\",[2375,300],[\"RR\"],[1,2]]" >expect &&
	test_cmp expect actual
'
else
	test_skip 'corpus values' 'no ../shared corpus'
fi

test_expect_success 'examples/claims.837: every claim by hand' '
	cat >expect <<-\EOF &&
	PAT1001 22000 11 1990371068 SCI01 sub=RIVERA,ANA,SCI123456789 pat=true,18,RIVERA,ANA,1980-04-12 dx=1:ABK:J069,2:ABF:I10 L1=99214/25/18000/1000/2025-11-15/2025-11-15/1+2 L2=85025//2500/1000/2025-11-15/2025-11-15/1 L3=36415//1500/1000/2025-11-15/2025-11-15/1
	PAT1004 26000 11 1990371068 SCI01 sub=RIVERA,ANA,SCI123456789 pat=true,18,RIVERA,ANA,1980-04-12 dx=1:ABK:M5450,2:ABF:G8929 L1=97110/GP+59/26000/4000/2025-11-24/2025-11-28/1+2
	PAT1002 21000 11 1990371068 SBL01 sub=OKAFOR,DAVID,BL987654321 pat=false,19,OKAFOR,GRACE,2015-06-20 dx=1:ABK:Z00129,2:ABF:Z23 L1=99213//15000/1000/2025-11-18/2025-11-18/1 L2=90471//2500/1000/2025-11-18/2025-11-18/2 L3=90686//3500/500/2025-11-18/2025-11-18/2
	PAT1003 15000 11 1990371068 SCI02 sub=LINDQVIST,ERIK,SCI2000333 pat=true,18,LINDQVIST,ERIK,1952-09-09 dx=1:ABK:M1711,2:ABF:M25561 L1=20610/RT/15000/1000/2025-11-20/2025-11-20/1+2
	EOF
	check "$SRC/examples/claims.837" &&
	jq -c "[.claim.prior_authorization, .providers.rendering.npi,
	    .providers.referring.npi, .lines[-1].drug.ndc,
	    (.other_payers // [] | map([.payer.payer_id, (.paid_amount * 100 | round)])),
	    (.lines | map(.adjudications // [] | map(.adjustments | map([.group, .reason, (.amount * 100 | round)]))))]" \
	    records >actual &&
	cat >expect <<-\EOF &&
	["AUTH7788","1234567893",null,null,[],[[],[],[]]]
	["AUTH7791","1234567893",null,null,[],[[]]]
	["AUTH8802",null,"1987654328","49281042150",[],[[],[],[]]]
	["AUTH9903","1456789019",null,null,[["SMB01",9600]],[[[["CO","45",3000],["PR","2",2400]]]]]
	EOF
	test_cmp expect actual &&
	test "$(jq -r .warnings records | sort -u)" = null &&
	jq -r .source.warnings records | sort -u >w && echo null >want &&
	test_cmp want w
'
test_done
