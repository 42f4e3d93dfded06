#!/bin/sh
# edi-gen: content options (patients, COB, drugs, ambulance, UTF-8).
. "$(dirname "$0")/lib.sh"
. "$TESTS/lib-edi-gen.sh"

segs() { x12_segments "$1" >"$1.segs"; }
count() { grep -c "$1" "$2.segs"; }

# Claims made to fail eligibility on Medicare or CHIP rules, and some
# defects, always have the patient as the subscriber.
test_expect_success '--dependents 0: no 2000C; 1: nearly every claim' '
	edi-gen -n 200 --dependents 0 -o d0 --sidecar d0.nd && segs d0 &&
	test "$(count "^HL\\*[0-9]*\\*[0-9]*\\*23\\*" d0)" = 0 &&
	test "$(count "^PAT\\*" d0)" = 0 &&
	edi-gen -n 200 --dependents 1 --ambulance 0 -o d1 --sidecar d1.nd &&
	segs d1 &&
	n=$(count "^HL\\*[0-9]*\\*[0-9]*\\*23\\*" d1) &&
	test $n -ge 160 &&
	test "$(count "^NM1\\*QC\\*1\\*" d1)" = $n &&
	test "$(count "^PAT\\*" d1)" = $n &&
	test "$(jq -r "select(.is_subscriber == false) | 1" d1.nd | wc -l)" = $n &&
	x12_check d1
'

test_expect_success 'default dependents share is about 20%' '
	edi-gen -n 2000 --sidecar dd.nd >/dev/null &&
	n=$(jq -r "select(.is_subscriber == false) | 1" dd.nd | wc -l) &&
	test $n -gt 250 && test $n -lt 550
'

test_expect_success '--cob 0: no 2320; --cob 1: COB loops balance' '
	edi-gen -n 150 --cob 0 -o c0 && segs c0 &&
	test "$(count "^OI\\*" c0)" = 0 && test "$(count "^SVD\\*" c0)" = 0 &&
	edi-gen -n 300 --cob 1 -o c1 --sidecar c1.nd && segs c1 &&
	n=$(jq -r "select(.other_payer_id) | 1" c1.nd | wc -l) &&
	test $n -gt 100 &&
	test "$(count "^OI\\*" c1)" = $n &&
	test "$(count "^AMT\\*D\\*" c1)" = $n &&
	test "$(count "^SBR\\*S\\*" c1)" = $n &&
	x12_check c1 &&
	awk -F"*" "function c(v){ return v * 100 }
	    \$1 == \"SV1\" { ch = c(\$3) }
	    \$1 == \"SVD\" { adj = c(\$3) }
	    \$1 == \"CAS\" { adj += c(\$4) }
	    \$1 == \"DTP\" && \$2 == \"573\" { if (int(adj + .5) != int(ch + .5)) {
		print \"unbalanced line \" NR; bad = 1 } }
	    END { exit bad }" c1.segs
'

test_expect_success '--drugs: LIN/CTP with 11-digit NDCs on J-code lines only' '
	edi-gen -n 100 --drugs 0 -o g0 && segs g0 && test "$(count "^LIN" g0)" = 0 &&
	edi-gen -n 100 --drugs 1 --ambulance 0 -o g1 --sidecar g1.nd && segs g1 &&
	test "$(count "^LIN\\*\\*N4\\*[0-9]\\{11\\}\$" g1)" -ge 100 &&
	test "$(count "^LIN" g1)" = "$(count "^CTP\\*\\*\\*\\*" g1)" &&
	test "$(jq -r ".lines[] | select(.ndc) | .procedure_code[0:1]" g1.nd |
	    sort -u)" = J &&
	x12_check g1
'

test_expect_success '--ambulance 1: CR1, pick-up and drop-off, A0425 miles' '
	edi-gen -n 60 --ambulance 1 -o a1 --sidecar a1.nd && segs a1 &&
	test "$(count "^CR1\\*LB\\*" a1)" = 60 &&
	test "$(count "^NM1\\*PW\\*2" a1)" = 60 &&
	test "$(count "^NM1\\*45\\*2\\*" a1)" = 60 &&
	test "$(count "^SV1\\*HC:A0425[*:]" a1)" = 60 &&
	test "$(count "^SV1\\*HC:A042[789]:[A-Z][A-Z][*:]" a1)" = 60 &&
	test "$(jq -r .ambulance a1.nd | sort -u)" = true &&
	edi-gen -n 100 --ambulance 0 -o a0 && segs a0 && test "$(count "^CR1" a0)" = 0
'

test_expect_success 'ASCII only without --utf8; UTF-8 names with it' '
	edi-gen -n 3000 -S 4 -o u0 &&
	! LC_ALL=C grep -q "[^ -~]" u0 &&
	edi-gen -n 3000 -S 4 --utf8 -o u1 &&
	LC_ALL=C grep -q "[^ -~]" u1 &&
	iconv -f UTF-8 -t UTF-8 u1 >/dev/null
'

test_expect_success 'sender, receiver and usage indicator' '
	edi-gen -n 2 --sender ACME01 --receiver PAYERX --production -o s &&
	head -c 106 s | grep -q "^ISA\\*00\\*          \\*00\\*          \\*ZZ\\*ACME01         \\*ZZ\\*PAYERX         \\*[0-9]\\{6\\}\\*[0-9]\\{4\\}\\*^\\*00501\\*[0-9]\\{9\\}\\*0\\*P\\*:~" &&
	segs s && test "$(count "^GS\\*HC\\*ACME01\\*PAYERX\\*" s)" = 1
'

test_expect_success 'realistic mix: filing indicators, places of service, modifiers' '
	edi-gen -n 3000 -S 21 --sidecar mix.nd >/dev/null &&
	for fi in MB 16 MC CI BL HM 12 CH; do
		jq -r .claim_filing_indicator mix.nd | grep -qx $fi || exit 1
	done &&
	for pos in 11 02 10 21 22 24 20; do
		jq -r .place_of_service mix.nd | grep -qx $pos || exit 1
	done &&
	for m in 25 59 26 TC 50 51 LT RT 95 GP QW; do
		jq -r ".lines[].modifiers[]" mix.nd | grep -qx $m || exit 1
	done
'

test_done
