#!/bin/sh
# rvu-price reference data: the CMS files by header name, the compiled
# index (checks, staleness, corruption), settings from flags, environment
# and claimkit.conf, and the error paths with their exit codes.
. "$(dirname "$0")/lib.sh"

CMS=$TESTS/data/cms

CLAIM='{"claim_id":"c1","billing_provider":{"address":{"zip":"35201"}},"claim":{"place_of_service":"11"},"lines":[{"procedure_code":"99213","units":1,"charge":200.00,"service_date":"2025-06-02"},{"procedure_code":"71046","modifiers":["26"],"units":1,"charge":50.00,"service_date":"2025-06-02"}]}'

# Allowed amounts of the lines, as written.
amounts() {
	grep -o '"allowed_amount":[0-9.]*' "$1"
}

test_expect_success 'setup: a private copy of the CMS files, compiled' '
	cp -R "$CMS" data &&
	echo "$CLAIM" >claim.ndjson &&
	rvu-price --compile --data data -o pfs.idx 2>err &&
	cat >want-err <<-\EOF &&
	rvu-price: ZIP5_OCT2025.txt: warning: ZIP codes whose locality is not in the GPCI file: 1
	EOF
	test_cmp want-err err &&
	test -s pfs.idx
'

test_expect_success '--check describes and verifies the index' '
	rvu-price --check --index pfs.idx --data data >out &&
	grep -v "^source_\|^payload_sha256" out >actual &&
	cat >expect <<-\EOF &&
	index: pfs.idx
	year: 2025
	conversion_factor: 32.3465
	anesthesia_conversion_factor: 20.3178
	rvu_rows: 539
	localities: 5
	zip_codes: 11
	status: ok, fresh
	EOF
	test_cmp expect actual &&
	sha256sum data/GPCI2025.csv | cut -c1-64 >sum &&
	grep "^source_gpci: GPCI2025.csv 750 $(cat sum)\$" out
'

test_expect_success 'pricing with the index parses no CSV: data gone' '
	rvu-price --data data <claim.ndjson >from-csv 2>/dev/null &&
	mv data data.away &&
	rvu-price --index pfs.idx <claim.ndjson >from-index &&
	mv data.away data &&
	test_cmp from-csv from-index &&
	amounts from-index >a &&
	printf "%s\n" "\"allowed_amount\":81.86" "\"allowed_amount\":9.55" \
	    "\"allowed_amount\":91.41" >want &&
	test_cmp want a
'

test_expect_success 'a touched but unchanged source keeps the index fresh' '
	touch -d "2030-01-01" data/GPCI2025.csv &&
	rvu-price --index pfs.idx --data data <claim.ndjson >out &&
	test_cmp from-index out
'

test_expect_success 'a changed source makes the index stale, named' '
	sed "s/^10112,AL,00,ALABAMA,1,0.869,0.575/10112,AL,00,ALABAMA,1,0.870,0.575/" \
	    data/GPCI2025.csv >g && mv g data/GPCI2025.csv &&
	test_expect_code 78 rvu-price --index pfs.idx --data data \
	    <claim.ndjson >out 2>err &&
	test_cmp /dev/null out &&
	echo "rvu-price: data/GPCI2025.csv: error: pfs.idx: index is stale: the file changed since the index was compiled (SHA-256 differs); run rvu-price --compile" >want &&
	test_cmp want err &&
	test_expect_code 78 rvu-price --check --index pfs.idx --data data \
	    >/dev/null 2>&1 &&
	cp "$CMS/GPCI2025.csv" data/
'

test_expect_success 'another file of a kind makes the index stale' '
	mv data/ZIP5_OCT2025.txt data/ZIP5_JAN2026.txt &&
	test_expect_code 78 rvu-price --index pfs.idx --data data \
	    <claim.ndjson 2>err &&
	grep "index is stale: it was compiled from .ZIP5_OCT2025.txt., the data directory has .ZIP5_JAN2026.txt." err &&
	mv data/ZIP5_JAN2026.txt data/ZIP5_OCT2025.txt
'

test_expect_success 'a corrupt index is detected and named' '
	size=$(wc -c <pfs.idx) &&
	cp pfs.idx bad.idx &&
	printf "\377" | dd of=bad.idx bs=1 seek=5000 conv=notrunc 2>/dev/null &&
	test_expect_code 78 rvu-price --index bad.idx <claim.ndjson >out 2>err &&
	test_cmp /dev/null out &&
	echo "rvu-price: bad.idx: error: index is corrupt: checksum mismatch" >want &&
	test_cmp want err &&
	head -c $((size - 8)) pfs.idx >short.idx &&
	test_expect_code 78 rvu-price --index short.idx <claim.ndjson 2>err &&
	grep "short.idx: error: index is corrupt: size $((size - 8)), header says $size (truncated or extended)" err &&
	head -c 100 pfs.idx >tiny.idx &&
	test_expect_code 78 rvu-price --index tiny.idx <claim.ndjson 2>err &&
	grep "tiny.idx: error: index is corrupt: 100 bytes, shorter than its header" err &&
	cp "$CMS/PPRRVU2025_Oct.csv" notidx &&
	test_expect_code 78 rvu-price --index notidx <claim.ndjson 2>err &&
	grep "notidx: error: not a rvu-price index (bad magic)" err &&
	test_expect_code 78 rvu-price --index nosuch.idx <claim.ndjson 2>err &&
	grep "nosuch.idx: error: cannot open index: No such file or directory" err
'

test_expect_success 'an index of another format version is refused' '
	cp pfs.idx v2.idx &&
	printf "\003" | dd of=v2.idx bs=1 seek=8 conv=notrunc 2>/dev/null &&
	test_expect_code 78 rvu-price --index v2.idx <claim.ndjson 2>err &&
	grep "v2.idx: error: index format version 3, this rvu-price reads version 2: run rvu-price --compile" err
'

test_expect_success 'the 2026 column layout (PRIC IND) loads by name' '
	rvu-price --data "$TESTS/data/cms-2026layout" <claim.ndjson >out 2>/dev/null &&
	test_cmp from-index out
'

test_expect_success 'settings: flag over environment over claimkit.conf' '
	# Manhattan 13202-01 (1.065, 1.166, 1.656): 99213 101.06 (t5020);
	# 71046-26 (0.22x1.065 + 0.08x1.166 + 0.01x1.656) = 0.34414 x 32.3465
	# = 11.1317 -> 11.13; claim 112.19
	cat >ck.conf <<-EOF &&
	# rvu-price settings
	pricing.index = $PWD/pfs.idx
	pricing.locality = 13202-01
	EOF
	CLAIMKIT_CONF=$PWD/ck.conf rvu-price <claim.ndjson >out &&
	jq -c ".pricing | [.locality, .locality_source, .allowed_amount]" out >a &&
	echo "[\"13202-01\",\"config\",112.19]" >want &&
	test_cmp want a &&
	CLAIMKIT_CONF=$PWD/ck.conf CLAIMKIT_PRICING_LOCALITY=02402-02 \
	    rvu-price <claim.ndjson >out &&
	jq -c ".pricing | [.locality, .locality_source]" out >a &&
	echo "[\"02402-02\",\"environment\"]" >want &&
	test_cmp want a &&
	CLAIMKIT_CONF=$PWD/ck.conf CLAIMKIT_PRICING_LOCALITY=02402-02 \
	    rvu-price --locality 10112-00 <claim.ndjson >out &&
	jq -c ".pricing | [.locality, .locality_source]" out >a &&
	echo "[\"10112-00\",\"option\"]" >want &&
	test_cmp want a
'

test_expect_success 'settings: method, conversion factor and year from the file' '
	# simple: 99213 2.75 x 30 = 82.50; 71046 (the global row, 1.01 RVUs)
	# x 30 = 30.30
	cat >ck2.conf <<-EOF &&
	pricing.data = $PWD/data
	pricing.method = simple
	pricing.conversion_factor = 30
	pricing.year = 2025
	EOF
	CLAIMKIT_CONF=$PWD/ck2.conf rvu-price <claim.ndjson >out 2>/dev/null &&
	jq -c "[.pricing.method, .pricing.conversion_factor, .lines[].pricing.allowed_amount]" out >a &&
	echo "[\"simple\",30,82.5,30.3]" >want &&
	test_cmp want a &&
	echo "pricing.year = 2026" >>ck2.conf &&
	test_expect_code 78 env CLAIMKIT_CONF=$PWD/ck2.conf rvu-price \
	    <claim.ndjson >/dev/null 2>err &&
	grep "error: the fee schedule data are for 2025, the config year setting asks for .2026." err &&
	test_expect_code 64 env CLAIMKIT_CONF=$PWD/ck2.conf rvu-price \
	    --year 2024 <claim.ndjson >/dev/null 2>err &&
	grep "the option year setting asks for .2024." err
'

test_expect_success '--data alone ignores an index from the environment' '
	CLAIMKIT_PRICING_INDEX=$PWD/bad.idx rvu-price --data data \
	    <claim.ndjson >out 2>/dev/null &&
	test_cmp from-index out
'

test_expect_success 'bad settings: usage 64 for flags, 78 for the file' '
	test_expect_code 64 rvu-price --index pfs.idx --method fancy </dev/null 2>err &&
	echo "rvu-price: error: invalid pricing method (pfs or simple): '"'"'fancy'"'"'" >want &&
	test_cmp want err &&
	test_expect_code 64 rvu-price --index pfs.idx --locality 10112 </dev/null 2>/dev/null &&
	test_expect_code 64 rvu-price --index pfs.idx --locality 04412-11 </dev/null 2>err &&
	grep "invalid locality (not in the GPCI file): .04412-11." err &&
	test_expect_code 64 rvu-price --index pfs.idx --cf 0 </dev/null 2>/dev/null &&
	test_expect_code 64 rvu-price --index pfs.idx --cf 1.23456 </dev/null 2>/dev/null &&
	test_expect_code 64 rvu-price --index pfs.idx --facility-pos 2,19 </dev/null 2>/dev/null &&
	echo "pricing.method = fancy" >m.conf &&
	test_expect_code 78 env CLAIMKIT_CONF=$PWD/m.conf rvu-price --index pfs.idx </dev/null 2>/dev/null &&
	test_expect_code 64 env CLAIMKIT_CONF=/dev/null rvu-price </dev/null 2>err &&
	grep "no fee schedule data: give --data DIR or --index FILE" err &&
	test_expect_code 64 rvu-price --compile --data data 2>/dev/null &&
	test_expect_code 64 rvu-price --bogus 2>/dev/null
'

test_expect_success '--facility-pos replaces the facility list' '
	# POS 11 as a facility: 99213 F 59.93
	rvu-price --index pfs.idx --facility-pos 11,22 <claim.ndjson >out &&
	jq -c "[.lines[0].pricing.rate, .lines[0].pricing.allowed_amount]" out >a &&
	echo "[\"facility\",59.93]" >want &&
	test_cmp want a
'

test_expect_success 'records that are not JSON objects are rejected, exit 1' '
	{ echo "$CLAIM"; echo "{broken"; echo "[1]"; echo "$CLAIM"; } >in &&
	test_expect_code 1 rvu-price --index pfs.idx --rejects rj <in >out 2>err &&
	test "$(wc -l <out)" -eq 2 &&
	test "$(wc -l <rj)" -eq 2 &&
	jq -r .reject.code rj >codes &&
	printf "%s\n" invalid_json not_an_object >want &&
	test_cmp want codes
'

# Loader errors: each names the file and line, exit 78.
bad_data() {
	rm -rf bd && mkdir bd &&
	cp "$CMS/GPCI2025.csv" "$CMS/PPRRVU2025_Oct.csv" bd/
}

test_expect_success 'data errors: missing files, header, values' '
	mkdir empty &&
	test_expect_code 78 rvu-price --data empty </dev/null 2>err &&
	echo "rvu-price: empty: error: no PPRRVU*.csv file in the data directory" >want &&
	test_cmp want err &&
	bad_data && rm bd/GPCI2025.csv &&
	test_expect_code 78 rvu-price --data bd </dev/null 2>err &&
	echo "rvu-price: bd: error: no GPCI*.csv file in the data directory" >want &&
	test_cmp want err &&
	bad_data &&
	sed "s/^HCPCS,MOD,DESCRIPTION,CODE/HCPCS,MOD,DESCRIPTION,KODE/" \
	    "$CMS/PPRRVU2025_Oct.csv" >bd/PPRRVU2025_Oct.csv &&
	test_expect_code 78 rvu-price --data bd </dev/null 2>err &&
	echo "rvu-price: PPRRVU2025_Oct.csv:10: error: header has no column '"'"'STATUS CODE'"'"'" >want &&
	test_cmp want err &&
	bad_data &&
	sed "12s/^\([^,]*,[^,]*,[^,]*,[^,]*,[^,]*,\)[^,]*/\11.2.3/" \
	    "$CMS/PPRRVU2025_Oct.csv" >bd/PPRRVU2025_Oct.csv &&
	test_expect_code 78 rvu-price --data bd </dev/null 2>err &&
	echo "rvu-price: PPRRVU2025_Oct.csv:12: error: invalid WORK RVU: not a number: '"'"'1.2.3'"'"'" >want &&
	test_cmp want err &&
	bad_data &&
	sed "13s/32.3465/33.4009/" "$CMS/PPRRVU2025_Oct.csv" >bd/PPRRVU2025_Oct.csv &&
	test_expect_code 78 rvu-price --data bd </dev/null 2>err &&
	grep "PPRRVU2025_Oct.csv:13: error: conversion factor 33.4009 differs from 32.3465" err &&
	bad_data &&
	sed -n "1,11p;11p" "$CMS/PPRRVU2025_Oct.csv" >bd/PPRRVU2025_Oct.csv &&
	test_expect_code 78 rvu-price --data bd </dev/null 2>err &&
	grep "appears twice" err &&
	bad_data &&
	sed "s/2025 PW GPCI/2026 PW GPCI/" "$CMS/GPCI2025.csv" >bd/GPCI2025.csv &&
	test_expect_code 78 rvu-price --data bd </dev/null 2>err &&
	echo "rvu-price: GPCI2025.csv: error: GPCI file is for 2026, the RVU file (PPRRVU2025_Oct.csv) for 2025" >want &&
	test_cmp want err &&
	bad_data && printf "AL3520\r\n" >bd/ZIP5_OCT2025.txt &&
	test_expect_code 78 rvu-price --data bd </dev/null 2>err &&
	grep "ZIP5_OCT2025.txt:1: error: ZIP5 record too short" err &&
	bad_data && printf "\"a\"b\r\n" >bd/ANES2025.csv &&
	test_expect_code 78 rvu-price --data bd </dev/null 2>err &&
	grep "ANES2025.csv:1: error: CSV syntax error" err
'

test_expect_success 'data: two files of one kind; the non-QP PPRRVU of 2026' '
	bad_data && cp bd/PPRRVU2025_Oct.csv bd/PPRRVU2025_Jul.csv &&
	test_expect_code 78 rvu-price --data bd </dev/null 2>err &&
	grep "bd: error: two candidate files" err &&
	bad_data && mv bd/PPRRVU2025_Oct.csv bd/PPRRVU2025_Oct_nonQPP.csv &&
	sed "s/32.3465/33.5675/" bd/PPRRVU2025_Oct_nonQPP.csv >bd/PPRRVU2025_Oct_QPP.csv &&
	rvu-price --data bd --locality 10112-00 <claim.ndjson >out &&
	jq .pricing.conversion_factor out >cf &&
	echo 32.3465 >want &&
	test_cmp want cf
'

test_expect_success 'the CSV path and the index path give the same bytes' '
	{
		echo "$CLAIM"
		sed "s/35201/98101/" claim.ndjson
		sed "s/\"11\"/\"22\"/" claim.ndjson
	} >three &&
	rvu-price --explain --data data <three >x1 2>/dev/null &&
	rvu-price --explain --index pfs.idx <three >x2 &&
	test_cmp x1 x2
'

test_done
