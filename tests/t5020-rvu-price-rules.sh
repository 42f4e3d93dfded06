#!/bin/sh
# rvu-price payment rules, one by one, against amounts worked out by hand.
#
# Data: tests/data/cms (CMS 2025 October release, trimmed).  Unless a test
# says otherwise the claim is from Birmingham, AL (billing ZIP 35201, MAC
# 10112 locality 00: GPCI work 1.000, PE 0.869, MP 0.575), conversion
# factor 32.3465, POS 11 (non-facility).  A fee is
#	(W x 1.000 + PE x 0.869 + MP x 0.575) x 32.3465, rounded half-up once;
# payment rules then scale that fee and round once more, at the end.
# Fees used below (RVUs from PPRRVU2025_Oct.csv):
#	99213 NF: (1.30 + 1.35x0.869 + 0.10x0.575) = 2.53065 x CF = 81.8577 -> 81.86
#	27447 F:  (19.60 + 15.30x0.869 + 3.98x0.575) = 35.18420 x CF = 1138.0857 -> 1138.09
#	27130 F:  (19.60 + 15.34x0.869 + 3.99x0.575) = 35.22471 x CF = 1139.3961 -> 1139.40
#	20610 F:  (0.79 + 0.44x0.869 + 0.13x0.575) = 1.24711 x CF = 40.3396 -> 40.34
#	20610 NF: (0.79 + 1.04x0.869 + 0.13x0.575) = 1.76851 x CF = 57.2048 -> 57.20
#	11042 NF: (1.01 + 2.73x0.869 + 0.13x0.575) = 3.45712 x CF = 111.8257 -> 111.83
. "$(dirname "$0")/lib.sh"

CMS=$TESTS/data/cms

# ln CODE [MODS [UNITS [CHARGE [POS]]]]: one service line, 2 June 2025;
# MODS is a comma list or -, UNITS/CHARGE - to leave them out.
ln() {
	_m= _u=',"units":1' _c=',"charge":99999.99' _p=
	[ "${2:--}" = - ] || _m=$(printf ',"modifiers":["%s"]' "$(echo "$2" |
	    sed 's/,/","/g')")
	[ "${3:-1}" = - ] && _u= || _u=",\"units\":${3:-1}"
	[ "${4:-99999.99}" = - ] && _c= || _c=",\"charge\":${4:-99999.99}"
	[ -z "${5:-}" ] || _p=",\"place_of_service\":\"$5\""
	printf '{"procedure_code":"%s"%s%s%s%s,"service_date":"2025-06-02"}' \
	    "$1" "$_m" "$_u" "$_c" "$_p"
}

# claim POS LINE...: one claim from Birmingham, AL.
claim() {
	_pos=$1
	shift
	printf '{"claim_id":"t","billing_provider":{"npi":"1234567893","address":{"zip":"35201"}},"claim":{"place_of_service":"%s","service_date_from":"2025-06-02"},"lines":[' "$_pos"
	_sep=
	for _l; do
		printf '%s%s' "$_sep" "$_l"
		_sep=,
	done
	printf ']}\n'
}

# Per line: status, allowed amount (jq number), reason code.
summary() {
	jq -r '.lines[].pricing | "\(.status) \(.allowed_amount // "-") \(.reason_code // "-")"'
}

price() {
	rvu-price --data "$CMS" "$@" 2>/dev/null
}

check() {
	price "$@" <in >out && summary <out >actual && test_cmp expect actual
}

test_expect_success 'status A: 99213 non-facility 81.86' '
	claim 11 "$(ln 99213)" >in &&
	echo "priced 81.86 -" >expect &&
	check
'

test_expect_success 'status R with RVUs is priced: 11055 60.23' '
	# (0.35 + 1.72x0.869 + 0.03x0.575) = 1.86193 x CF = 60.2269 -> 60.23
	claim 11 "$(ln 11055)" >in &&
	echo "priced 60.23 -" >expect &&
	check
'

test_expect_success 'status R without RVUs: contractor-priced, unpriced' '
	claim 11 "$(ln 15824)" >in &&
	echo "unpriced - no_rvus" >expect &&
	check
'

test_expect_success 'status T alone is priced: 96523 20.31' '
	# (0.04 + 0.67x0.869 + 0.01x0.575) = 0.62798 x CF = 20.3130 -> 20.31
	claim 11 "$(ln 96523)" >in &&
	echo "priced 20.31 -" >expect &&
	check
'

test_expect_success 'status T with another PFS service that day: bundled' '
	claim 11 "$(ln 99213)" "$(ln 96523)" >in &&
	printf "%s\n" "priced 81.86 -" "unpriced - bundled_injection" >expect &&
	check
'

test_expect_success 'statuses B C E I J M N P X: unpriced, status named' '
	claim 11 "$(ln 36000)" "$(ln 0042T)" "$(ln 90296)" "$(ln 0001F)" \
	    "$(ln 00100)" "$(ln 0500F)" "$(ln 0469T)" "$(ln A4211)" \
	    "$(ln 36415)" >in &&
	for i in 1 2 3 4 5 6 7 8 9; do
		echo "unpriced - status_not_priced"
	done >expect &&
	check &&
	jq -r ".lines[].pricing.rvu_status" out | tr -d "\n" >st &&
	echo BCEIJMNPX | tr -d "\n" >want &&
	test_cmp want st &&
	jq -r ".lines[4].pricing.reason" out >why &&
	echo "status J: anesthesia service: paid with base and time units, not RVUs" >want &&
	test_cmp want why &&
	jq -r ".pricing | \"\(.status) \(.lines_priced) \(.lines_unpriced)\"" out >cl &&
	echo "unpriced 0 9" >want &&
	test_cmp want cl
'

test_expect_success 'statuses D F G H (synthetic data): unpriced' '
	# SYN0A: (1.00 + 2.00 + 0.50) x 10 = 35.00 with GPCIs 1.000.
	claim 11 "$(ln SYN0A)" "$(ln SYN0D)" "$(ln SYN0F)" "$(ln SYN0G)" \
	    "$(ln SYN0H)" >in &&
	rvu-price --data "$TESTS/data/rvu-synth" --locality 99999-01 <in >out &&
	summary <out >actual &&
	printf "%s\n" "priced 35 -" "unpriced - status_not_priced" \
	    "unpriced - status_not_priced" "unpriced - status_not_priced" \
	    "unpriced - status_not_priced" >expect &&
	test_cmp expect actual &&
	jq -r ".lines[1:][].pricing.reason" out >why &&
	cat >want <<-\EOF &&
	status D: deleted code
	status F: deleted code, no grace period
	status G: not valid for Medicare (grace period)
	status H: deleted modifier: this component is no longer priced separately
	EOF
	test_cmp want why
'

test_expect_success 'unknown code: unpriced, claim partial, no silent zero' '
	claim 11 "$(ln 99213)" "$(ln ZZZ99)" >in &&
	printf "%s\n" "priced 81.86 -" "unpriced - unknown_code" >expect &&
	check &&
	jq -c ".pricing | [.status, .allowed_amount, .lines_unpriced, .reason]" out >cl &&
	echo "[\"partial\",81.86,1,\"1 of 2 lines not priced\"]" >want &&
	test_cmp want cl &&
	jq -c ".lines[1].pricing | has(\"allowed_amount\")" out >z &&
	echo false >want &&
	test_cmp want z
'

test_expect_success 'no procedure code, invalid units' '
	printf "%s\n" "{\"claim\":{\"place_of_service\":\"11\"},\"billing_provider\":{\"address\":{\"zip\":\"35201\"}},\"lines\":[{\"units\":1},{\"procedure_code\":\"99213\",\"units\":0},{\"procedure_code\":\"99213\",\"units\":\"x\"}]}" >in &&
	printf "%s\n" "unpriced - no_procedure_code" "unpriced - invalid_units" \
	    "unpriced - invalid_units" >expect &&
	check
'

test_expect_success '26 and TC use their own rows: 71046 9.55 and 19.58' '
	# 71046-26: (0.22 + 0.08x0.869 + 0.01x0.575) = 0.29527 x CF = 9.5510 -> 9.55
	# 71046-TC: (0 + 0.69x0.869 + 0.01x0.575) = 0.60536 x CF = 19.5812 -> 19.58
	# (TC is under the OPPS cap: (2.68x0.869 + 0.04x0.575) x CF = 76.08,
	# higher, so the PFS amount stands.)  Different days: no MPPR question.
	claim 11 "$(ln 71046 26)" "$(ln 71046 TC)" "$(ln 71046)" >in &&
	printf "%s\n" "priced 9.55 -" "priced 19.58 -" "priced 29.13 -" >expect &&
	check
'

test_expect_success 'modifier row missing: 99213-26 unpriced' '
	claim 11 "$(ln 99213 26)" "$(ln 99213 26,TC)" >in &&
	printf "%s\n" "unpriced - missing_modifier_row" \
	    "unpriced - conflicting_modifiers" >expect &&
	check
'

test_expect_success '53 has a row for 45378: 147.33; elsewhere by report' '
	# 45378-53: (1.63 + 3.22x0.869 + 0.22x0.575) = 4.55468 x CF = 147.3280 -> 147.33
	claim 11 "$(ln 45378 53)" >in &&
	echo "priced 147.33 -" >expect &&
	check &&
	claim 11 "$(ln 99213 53)" "$(ln 99214 52)" >in &&
	printf "%s\n" "unpriced - by_report" "unpriced - by_report" >expect &&
	check
'

test_expect_success 'assistant at surgery 80/81/82 16%, AS 13.6%' '
	# 27447 F 1138.09: x 0.16 = 182.0944 -> 182.09; x 0.136 = 154.7802 -> 154.78
	# (separate claims: one procedure each, no ranking)
	for m in 80 81 82 AS; do
		claim 22 "$(ln 27447 $m)" | price
	done >out &&
	summary <out >actual &&
	printf "%s\n" "priced 182.09 -" "priced 182.09 -" "priced 182.09 -" \
	    "priced 154.78 -" >expect &&
	test_cmp expect actual
'

test_expect_success 'assistant: indicator 1 never, 0 with documentation, 9 n/a' '
	# 22836 F: (32.00 + 16.26x0.869 + 3.23x0.575) = 47.98319 x CF
	#   = 1552.2176 -> 1552.22; ASST SURG 0: 16% = 248.3552 -> 248.36
	claim 22 "$(ln 20610 80)" | price >out &&
	claim 22 "$(ln 22836 80)" | price >>out &&
	claim 11 "$(ln 74176 80)" | price >>out &&
	summary <out >actual &&
	printf "%s\n" "unpriced - not_permitted" "priced 248.36 -" \
	    "unpriced - not_applicable" >expect &&
	test_cmp expect actual &&
	sed -n 2p out | jq -r ".lines[0].pricing.notes[0]" >n &&
	echo "assistant-at-surgery indicator 0: paid only with documentation of medical necessity" >want &&
	test_cmp want n
'

test_expect_success 'co-surgery 62: 62.5%; indicator 0 not permitted' '
	# 27447 F (CO-SURG 1): 1138.09 x 0.625 = 711.30625 -> 711.31 (+ note)
	# 63047 F (CO-SURG 2): (15.37 + 13.61x0.869 + 4.87x0.575) = 29.99734
	#   x CF = 970.3090 -> 970.31; x 0.625 = 606.44375 -> 606.44
	claim 22 "$(ln 27447 62)" | price >out &&
	claim 22 "$(ln 63047 62)" | price >>out &&
	claim 22 "$(ln 20610 62)" | price >>out &&
	summary <out >actual &&
	printf "%s\n" "priced 711.31 -" "priced 606.44 -" \
	    "unpriced - not_permitted" >expect &&
	test_cmp expect actual
'

test_expect_success 'team surgery 66: by report, or not permitted' '
	claim 22 "$(ln 22818 66)" | price >out &&
	claim 22 "$(ln 22836 66)" | price >>out &&
	claim 22 "$(ln 27447 66)" | price >>out &&
	summary <out >actual &&
	printf "%s\n" "unpriced - by_report" "unpriced - by_report" \
	    "unpriced - not_permitted" >expect &&
	test_cmp expect actual
'

test_expect_success 'bilateral 50 and RT+LT, indicator 1: 150%' '
	# 27447 F: 1138.09 x 1.5 = 1707.135 -> 1707.14 (half-up)
	claim 22 "$(ln 27447 50)" | price >out &&
	claim 22 "$(ln 27447 RT,LT)" | price >>out &&
	claim 22 "$(ln 27447 - 2)" | price >>out &&
	summary <out >actual &&
	printf "%s\n" "priced 1707.14 -" "priced 1707.14 -" \
	    "priced 1707.14 -" >expect &&
	test_cmp expect actual
'

test_expect_success 'bilateral indicators 0, 2, 3 and 9' '
	# 45378 NF (BILAT 0): (3.26 + 6.44x0.869 + 0.43x0.575) = 9.10361 x CF
	#   = 294.4699 -> 294.47, paid once
	# 92002 NF (BILAT 2): (0.88 + 1.61x0.869 + 0.02x0.575) = 2.29059 x CF
	#   = 74.0925 -> 74.09, already bilateral, paid once
	# 73560 NF (BILAT 3): (0.16 + 0.84x0.869 + 0.02x0.575) = 0.90146 x CF
	#   = 29.1591 -> 29.16, each side: x 2 = 58.32
	# 10030 (BILAT 9): the concept does not apply
	claim 11 "$(ln 45378 50)" | price >out &&
	claim 11 "$(ln 92002 50)" | price >>out &&
	claim 11 "$(ln 73560 50)" | price >>out &&
	claim 11 "$(ln 10030 50)" | price >>out &&
	summary <out >actual &&
	printf "%s\n" "priced 294.47 -" "priced 74.09 -" "priced 58.32 -" \
	    "unpriced - not_applicable" >expect &&
	test_cmp expect actual
'

test_expect_success 'global surgery split 54, 55, 56' '
	# 27447 F 1138.09, shares pre 0.10 intra 0.69 post 0.21:
	#   54 (pre + intra 0.79): 899.0911 -> 899.09
	#   55 (post 0.21): 238.9989 -> 239.00
	#   56 (pre 0.10): 113.809 -> 113.81
	#   99213 (XXX) has no split: not applicable
	for m in 54 55 56; do claim 22 "$(ln 27447 $m)" | price; done >out &&
	claim 11 "$(ln 99213 54)" | price >>out &&
	summary <out >actual &&
	printf "%s\n" "priced 899.09 -" "priced 239 -" "priced 113.81 -" \
	    "unpriced - not_applicable" >expect &&
	test_cmp expect actual
'

test_expect_success 'multiple procedures: rank by fee, 100/50/50' '
	# Same day, same provider, all MULT PROC 2, facility:
	#   27130 1139.40 rank 1 100% = 1139.40
	#   27447 1138.09 rank 2  50% =  569.045 -> 569.05
	#   20610   40.34 rank 3  50% =   20.17
	claim 22 "$(ln 27447)" "$(ln 20610)" "$(ln 27130)" >in &&
	printf "%s\n" "priced 569.05 -" "priced 20.17 -" "priced 1139.4 -" \
	    >expect &&
	check &&
	jq -c ".lines[0].pricing.adjustments" out >adj &&
	echo "[{\"code\":\"multiple_procedure\",\"indicator\":\"2\",\"ranks\":[2],\"percents\":[50]}]" >want &&
	test_cmp want adj
'

test_expect_success 'multiple procedures: units rank one by one, rounded once' '
	# 11042 x 3 units: 111.83 + 55.915 + 55.915 = 223.66
	# (rounding each unit would give 223.67)
	claim 11 "$(ln 11042 - 3)" >in &&
	echo "priced 223.66 -" >expect &&
	check
'

test_expect_success 'multiple procedures: the sixth is priced by report' '
	# 11042 x 5 units: 111.83 + 4 x 55.915 = 335.49; 20610 (57.20) ranks 6th
	claim 11 "$(ln 11042 - 5)" "$(ln 20610)" >in &&
	printf "%s\n" "priced 335.49 -" "unpriced - by_report" >expect &&
	check
'

test_expect_success 'multiple procedures: other days and 51 alone do not reduce' '
	claim 22 "$(ln 27447)" "$(ln 20610 51)" |
	    sed "s/\"service_date\":\"2025-06-02\"}]/\"service_date\":\"2025-06-03\"}]/" >in &&
	printf "%s\n" "priced 1138.09 -" "priced 40.34 -" >expect &&
	check &&
	claim 11 "$(ln 99213 51)" >in &&
	echo "priced 81.86 -" >expect &&
	check
'

test_expect_success 'bilateral before ranking: 27447-50 ranks first' '
	# 27447-50: 1138.09 x 1.5 = 1707.135 ranks above 27130 1139.40;
	# 27130 at 50% = 569.70
	claim 22 "$(ln 27447 50)" "$(ln 27130)" >in &&
	printf "%s\n" "priced 1707.14 -" "priced 569.7 -" >expect &&
	check
'

test_expect_success 'endoscopy family: base subtracted, family ranks as one' '
	# NF: 45385 392.39, 45380 370.97, base 45378 294.47
	#   (45385: (4.57 + 8.33x0.869 + 0.56x0.575) = 12.13077 x CF = 392.3880;
	#    45380: (3.56 + 8.79x0.869 + 0.47x0.575) = 11.46876 x CF = 370.9742)
	# family: 392.39 + (370.97 - 294.47) = 468.89, rank 1;
	# 11042 111.83 ranks 2nd: 55.915 -> 55.92; the billed base code pays 0.
	claim 11 "$(ln 45380)" "$(ln 45385)" "$(ln 11042)" "$(ln 45378)" >in &&
	printf "%s\n" "priced 76.5 -" "priced 392.39 -" "priced 55.92 -" \
	    "priced 0 -" >expect &&
	check &&
	jq -c ".lines[0].pricing.adjustments[0]" out >adj &&
	echo "{\"code\":\"endoscopy_family\",\"base\":\"45378\",\"base_amount\":294.47}" >want &&
	test_cmp want adj
'

test_expect_success 'diagnostic imaging (4): TC 50%, PC 5% after the first' '
	# 70450 94.48 (TC 57.53, PC 36.95); 70486 112.75 (TC 75.52, PC 37.23)
	# highest TC and PC: 70486, paid in full; 70450:
	#   94.48 - 0.50 x 57.53 - 0.05 x 36.95 = 94.48 - 28.765 - 1.8475
	#   = 63.8675 -> 63.87
	claim 11 "$(ln 70450)" "$(ln 70486)" >in &&
	printf "%s\n" "priced 63.87 -" "priced 112.75 -" >expect &&
	check
'

test_expect_success 'cardiovascular (6): TC 25% after the first' '
	# 93306 168.83 (TC 106.25); 93880 160.51 (TC 126.21): the highest TC
	# is that of 93880; 93306: 168.83 - 0.25 x 106.25 = 142.2675 -> 142.27
	claim 11 "$(ln 93306)" "$(ln 93880)" >in &&
	printf "%s\n" "priced 142.27 -" "priced 160.51 -" >expect &&
	check
'

test_expect_success 'ophthalmology (7): TC 20% after the first' '
	# 92133 26.98 (TC 11.99); 92134 28.43 (TC 12.27):
	# 92133: 26.98 - 0.20 x 11.99 = 24.582 -> 24.58
	claim 11 "$(ln 92133)" "$(ln 92134)" >in &&
	printf "%s\n" "priced 24.58 -" "priced 28.43 -" >expect &&
	check
'

test_expect_success 'therapy (5): PE halved after the unit with the highest PE' '
	# 97110 26.83, PE halved: (0.45 + 0.215x0.869 + 0.01x0.575) x CF
	#   = 0.642585 x CF = 20.7854 -> 20.79
	# 97140 25.34, PE halved: (0.43 + 0.20x0.869 + 0.01x0.575) x CF
	#   = 0.60955 x CF = 19.7168 -> 19.72
	# 97110 x 2: 26.83 + 20.79 = 47.62; 97140: 19.72
	claim 11 "$(ln 97110 - 2)" "$(ln 97140)" >in &&
	printf "%s\n" "priced 47.62 -" "priced 19.72 -" >expect &&
	check
'

test_expect_success 'OPPS imaging cap: 70496 pays the OPPS amount 230.40' '
	# PFS (1.75 + 6.56x0.869 + 0.11x0.575) x CF = 243.05;
	# OPPS (1.75 + 6.11x0.869 + 0.11x0.575) = 7.12284 x CF = 230.3988
	# -> 230.40 (as in the CMS file)
	claim 11 "$(ln 70496)" >in &&
	echo "priced 230.4 -" >expect &&
	check &&
	jq -c ".lines[0].pricing.adjustments" out >adj &&
	echo "[{\"code\":\"opps_cap\",\"pfs_amount\":243.05,\"opps_amount\":230.4}]" >want &&
	test_cmp want adj
'

test_expect_success 'units multiply, fractional units too' '
	# 99213: 2 x 81.86 = 163.72; 0.5 x 81.86 = 40.93
	claim 11 "$(ln 99213 - 2)" "$(ln 99213 - 0.5)" "$(ln 99213 - -)" >in &&
	printf "%s\n" "priced 163.72 -" "priced 40.93 -" "priced 81.86 -" \
	    >expect &&
	check &&
	jq -c ".lines[2].pricing.notes" out >n &&
	echo "[\"no units on the line: 1 unit assumed\"]" >want &&
	test_cmp want n
'

test_expect_success 'allowed is the lower of charge and fee' '
	claim 11 "$(ln 99213 - 1 50.00)" >in &&
	echo "priced 50 -" >expect &&
	check &&
	jq -c ".lines[0].pricing | [.calculated_amount, .allowed_amount, .adjustments]" out >a &&
	echo "[81.86,50,[{\"code\":\"lower_of_charge\",\"charge\":50,\"calculated_amount\":81.86}]]" >want &&
	test_cmp want a
'

test_expect_success 'facility rate by POS; the line POS overrides the claim' '
	# 99213 F: (1.30 + 0.57x0.869 + 0.10x0.575) = 1.85283 x CF = 59.93
	claim 11 "$(ln 99213 - 1 99999.99 22)" "$(ln 99213)" >in &&
	printf "%s\n" "priced 59.93 -" "priced 81.86 -" >expect &&
	check &&
	jq -r ".lines[].pricing.rate" out >r &&
	printf "%s\n" facility non_facility >want &&
	test_cmp want r
'

test_expect_success 'locality from the service facility ZIP, else billing' '
	# Seattle 02402-02 (1.043, 1.22, 0.853): 99213
	#   (1.30x1.043 + 1.35x1.22 + 0.10x0.853) = 3.08820 x CF = 99.8925 -> 99.89
	claim 11 "$(ln 99213)" |
	    sed "s/\"lines\"/\"providers\":{\"service_facility\":{\"address\":{\"zip\":\"981011234\"}}},&/" >in &&
	echo "priced 99.89 -" >expect &&
	check &&
	jq -c ".pricing | [.locality, .locality_source]" out >l &&
	echo "[\"02402-02\",\"service_facility_zip\"]" >want &&
	test_cmp want l &&
	claim 11 "$(ln 99213)" | price >out &&
	jq -c ".pricing | [.locality, .locality_name, .locality_source]" out >l &&
	echo "[\"10112-00\",\"ALABAMA\",\"billing_provider_zip\"]" >want &&
	test_cmp want l
'

test_expect_success '--locality wins: Manhattan 101.06' '
	# 13202-01 (1.065, 1.166, 1.656): (1.30x1.065 + 1.35x1.166 + 0.10x1.656)
	#   = 3.12420 x CF = 101.0569 -> 101.06 (PRICING.md 1.3)
	claim 11 "$(ln 99213)" >in &&
	echo "priced 101.06 -" >expect &&
	check --locality 13202-01 &&
	jq -c ".pricing | [.locality, .locality_source]" out >l &&
	echo "[\"13202-01\",\"option\"]" >want &&
	test_cmp want l
'

test_expect_success 'a line service facility ZIP prices that line there' '
	claim 11 "$(ln 99213)" "$(ln 99213 | sed "s/}\$/,\"providers\":{\"service_facility\":{\"address\":{\"zip\":\"10001\"}}}}/")" >in &&
	printf "%s\n" "priced 81.86 -" "priced 101.06 -" >expect &&
	check &&
	jq -c ".lines[1].pricing | [.locality, .locality_source]" out >l &&
	echo "[\"13202-01\",\"line_service_facility_zip\"]" >want &&
	test_cmp want l
'

test_expect_success 'unknown locality: unpriced with the reason' '
	claim 11 "$(ln 99213)" | sed "s/35201/75201/" >in &&
	echo "unpriced - unknown_locality" >expect &&
	check &&
	jq -r ".lines[0].pricing.reason" out >why &&
	echo "locality 04412-11 of ZIP 75201 is not in the GPCI file" >want &&
	test_cmp want why &&
	claim 11 "$(ln 99213)" | sed "s/35201/00001/" >in &&
	check &&
	claim 11 "$(ln 99213)" | sed "s/\"billing_provider\":{[^}]*}},//" >in &&
	check &&
	jq -r ".pricing.locality_error" out >why &&
	echo "no service facility or billing provider ZIP code, and no --locality" >want &&
	test_cmp want why
'

test_expect_success 'ZIP split by ZIP+4: the ZIP5 locality, noted' '
	claim 11 "$(ln 99213)" | sed "s/35201/35958/" >in &&
	echo "priced 81.86 -" >expect &&
	check &&
	jq -r ".lines[0].pricing.notes[0]" out >n &&
	echo "the ZIP code is split by ZIP+4 (no ZIP9 file): its ZIP5 locality is used" >want &&
	test_cmp want n
'

test_expect_success 'a service date outside the data year is not priced' '
	claim 11 "$(ln 99213)" | sed "s/2025-06-02/2024-12-31/g" >in &&
	echo "unpriced - no_fee_schedule" >expect &&
	check
'

test_expect_success 'simple method: the seeds formula, RVU x units x 36.04' '
	# 99213 total RVU 2.75 (non-facility): 2.75 x 2 x 36.04 = 198.22;
	# with --cf 32.3465: 2.75 x 32.3465 = 88.9529 -> 88.95
	claim 11 "$(ln 99213 - 2)" "$(ln ZZZ99)" >in &&
	printf "%s\n" "priced 198.22 -" "unpriced - unknown_code" >expect &&
	check --method simple &&
	jq -c ".pricing | [.method, .conversion_factor, .allowed_amount]" out >c &&
	echo "[\"simple\",36.04,198.22]" >want &&
	test_cmp want c &&
	claim 11 "$(ln 99213)" >in &&
	echo "priced 88.95 -" >expect &&
	check --method simple --cf 32.3465
'

test_expect_success '--cf replaces the conversion factor of the data' '
	# 99213 NF with the 2026 non-QP CF 33.4009: 2.53065 x 33.4009
	#   = 84.5260 -> 84.53
	claim 11 "$(ln 99213)" >in &&
	echo "priced 84.53 -" >expect &&
	check --cf 33.4009 &&
	jq .pricing.conversion_factor out >cf &&
	echo 33.4009 >want &&
	test_cmp want cf
'

test_expect_success 'pass-through: every other byte unchanged, pricing replaced' '
	claim 11 "$(ln 99213)" | sed "s/^{/{\"pricing\":{\"old\":1},\"z\":[1.50,  \"\\\\u00e9\"],/" >in &&
	price <in >out &&
	jq -c ".pricing.old, .z" out >p &&
	printf "%s\n" null "[1.5,\"é\"]" >want &&
	test_cmp want p &&
	grep -F "\"z\":[1.50,  \"\\u00e9\"]" out >/dev/null &&
	jq -c "del(.pricing) | del(.lines[].pricing)" out >a &&
	jq -c "del(.pricing)" in >b &&
	test_cmp b a
'

test_expect_success 'claims without lines, and lines that are not objects' '
	printf "%s\n" "{\"claim_id\":\"x\"}" \
	    "{\"billing_provider\":{\"address\":{\"zip\":\"35201\"}},\"claim\":{\"place_of_service\":\"11\"},\"lines\":[7,$(ln 99213)]}" >in &&
	price <in >out &&
	jq -c ".pricing | [.status, .lines_priced, .lines_unpriced, .reason]" out >a &&
	printf "%s\n" "[\"unpriced\",0,0,\"the claim has no service lines\"]" \
	    "[\"partial\",1,1,\"1 of 2 lines not priced (some lines are not objects)\"]" >want &&
	test_cmp want a
'

test_done
