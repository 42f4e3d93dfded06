#!/bin/sh
# claims-decrypt and the record envelopes of lib/seal.c: a sealed record
# opens to the same bytes with its key and with no other; tampering,
# wrong key files and loose key file modes are refused.
. "$(dirname "$0")/lib.sh"

mkkey() {
	(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$1" &&
	echo >>"$1")
}

cat >rec.json <<'EOR'
{"record_version":1,"claim_id":"0123456789abcdef0123456789abcdef","claim":{"patient_account_number":"ACC-1","total_charge":125.00},"patient":{"last_name":"Zoë","first_name":"José"},"validation":{"status":"fail","findings":[{"rule":"CORE_FAC_01","severity":"error","field":"facility_id","message":"facility not found"}]}}
{"record_version":1,"claim_id":"id with spaces: and 'quotes'","note":"\u00e9\ttab"}
EOR

test_expect_success 'seal and open: the same bytes come back' '
	mkkey key &&
	test-mssql seal key <rec.json >env &&
	test $(wc -l <env) = 2 &&
	grep -c "^ck1:[0-9a-f]\{16\}:" env >n && test $(cat n) = 2 &&
	claims-decrypt -k key env >out &&
	test_cmp rec.json out
'

test_expect_success 'the envelope does not show the record' '
	# "Zoë" cannot occur in base64url by chance (two letters could)
	! grep -q -e "Zoë" -e ACC-1 -e CORE_FAC env
'

test_expect_success 'two seals of one record differ (random nonce)' '
	head -1 rec.json | test-mssql seal key >e1 &&
	head -1 rec.json | test-mssql seal key >e2 &&
	! cmp -s e1 e2
'

test_expect_success 'tab-separated tsql output is accepted, other lines skipped' '
	{ echo "OriginalClaimId	ClaimDataSnapshot"; sed "s/^/someid	/" env;
	  echo "(2 rows affected)"; } >tsql.out &&
	claims-decrypt --key-file key tsql.out >out &&
	test_cmp rec.json out
'

test_expect_success 'key from CLAIMKIT_MSSQL_KEY_FILE and from claimkit.conf' '
	CLAIMKIT_MSSQL_KEY_FILE=$PWD/key claims-decrypt env >out1 &&
	test_cmp rec.json out1 &&
	echo "mssql.key_file = $PWD/key" >ck.conf &&
	CLAIMKIT_CONF=$PWD/ck.conf claims-decrypt env >out2 &&
	test_cmp rec.json out2
'

test_expect_success 'another key cannot open it (exit 1, no content)' '
	mkkey other &&
	test_expect_code 1 claims-decrypt -k other env >out 2>err &&
	test_cmp /dev/null out &&
	grep -q "env:1: error: sealed with another key" err &&
	! grep -q -e Zo -e ACC err
'

test_expect_success 'relabelled with the other key id: the tag check fails' '
	oid=$(head -1 rec.json | test-mssql seal other | cut -d: -f2) &&
	sed "s/^ck1:[0-9a-f]*:/ck1:$oid:/" env >relabelled &&
	test_expect_code 1 claims-decrypt -k other relabelled >out 2>err &&
	grep -q "authentication failed" err &&
	test_cmp /dev/null out
'

test_expect_success 'a changed ciphertext byte is detected' '
	head -1 env | awk "{ c = substr(\$0, length(\$0) - 5, 1);
	    d = (c == \"A\") ? \"B\" : \"A\";
	    print substr(\$0, 1, length(\$0) - 6) d substr(\$0, length(\$0) - 4) }" >bad &&
	! cmp -s bad env &&
	test_expect_code 1 claims-decrypt -k key bad >out 2>err &&
	grep -q "authentication failed" err &&
	test_cmp /dev/null out
'

test_expect_success 'a changed claim id field is detected' '
	head -1 env | awk -F: -v OFS=: "{ \$3 = \"QUJD\"; print }" >bad2 &&
	test_expect_code 1 claims-decrypt -k key bad2 2>err &&
	grep -q "authentication failed" err
'

test_expect_success 'one bad line does not stop the others' '
	{ cat bad; cat env; } >mixed &&
	test_expect_code 1 claims-decrypt -k key mixed >out 2>err &&
	test_cmp rec.json out &&
	grep -q "mixed:1:" err
'

test_expect_success 'a key file readable by others is refused (78)' '
	cp key loose && chmod 644 loose &&
	test_expect_code 78 claims-decrypt -k loose env 2>err &&
	grep -q "mode 0644" err &&
	chmod 640 loose &&
	test_expect_code 78 claims-decrypt -k loose env 2>err
'

test_expect_success 'malformed key files are refused (78)' '
	(umask 077 && printf "abc\n" >short && head -c 64 key >nonl &&
	 sed "s/./g/" key >nothex && { cat key; echo; } >twolines) &&
	test_expect_code 78 claims-decrypt -k short env 2>err &&
	grep -q "64 hexadecimal characters" err &&
	test_expect_code 78 claims-decrypt -k nothex env &&
	test_expect_code 78 claims-decrypt -k twolines env &&
	claims-decrypt -k nonl env >out && test_cmp rec.json out
'

test_expect_success 'no key at all is a usage error; a missing key file 66' '
	test_expect_code 64 env -u CLAIMKIT_MSSQL_KEY_FILE claims-decrypt env 2>err &&
	grep -q "no key" err &&
	test_expect_code 66 claims-decrypt -k nosuch env 2>err &&
	grep -q "cannot open key file" err
'

test_expect_success 'a missing input file is 66, the others still read' '
	test_expect_code 66 claims-decrypt -k key nosuch env >out 2>err &&
	test_cmp rec.json out
'

test_done
