#!/bin/sh
# claims-load --to mssql://: targets, credentials and key files, and what a
# refused login, an unknown server or database and an unreachable server
# exit with (78, 78, 78, 69), each with one clear message and no password.
. "$(dirname "$0")/lib.sh"
. "$TESTS/mssql.sh"

(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >key && echo >>key)
CLAIMKIT_MSSQL_KEY_FILE=$PWD/key
export CLAIMKIT_MSSQL_KEY_FILE
cp "$TESTS/data/mssql/claims.ndjson" in.ndjson

test_expect_success 'target syntax errors are configuration errors (78)' '
	for t in "mssql://srv/db" "mssql://@srv/db" "mssql://u@/db" "mssql://u@srv" \
	    "mssql://u@srv/" "mssql://u@srv/db?x=1" "mssql://u@srv/db/x"; do
		CLAIMKIT_MSSQL_PASSWORD=x test_expect_code 78 claims-load --to "$t" \
		    in.ndjson 2>err || exit 1
		grep -q "^claims-load: error: --to: " err || exit 1
	done
'

test_expect_success 'a password in the target is refused, and not echoed' '
	CLAIMKIT_MSSQL_PASSWORD=x test_expect_code 78 claims-load \
	    --to "mssql://u:Hunter2@srv/db" in.ndjson 2>err &&
	grep -q "password in the target is not accepted" err &&
	! grep -q Hunter2 err
'

test_expect_success 'no password anywhere (78)' '
	echo "# nothing" >empty.conf &&
	CLAIMKIT_CONF=$PWD/empty.conf test_expect_code 78 env -u CLAIMKIT_MSSQL_PASSWORD \
	    claims-load --to mssql://u@127.0.0.1:1/db in.ndjson 2>err &&
	grep -q "no SQL Server password" err
'

test_expect_success 'no key file anywhere (78)' '
	CLAIMKIT_CONF=$PWD/empty.conf CLAIMKIT_MSSQL_PASSWORD=x \
	    test_expect_code 78 env -u CLAIMKIT_MSSQL_KEY_FILE \
	    claims-load --to mssql://u@127.0.0.1:1/db in.ndjson 2>err &&
	grep -q "no key" err
'

test_expect_success 'a key file readable by others is refused (78)' '
	cp key loose && chmod 644 loose &&
	CLAIMKIT_MSSQL_PASSWORD=x test_expect_code 78 claims-load --key-file loose \
	    --to mssql://u@127.0.0.1:1/db in.ndjson 2>err &&
	grep -q "mode 0644" err
'

test_expect_success 'an unknown server name (78)' '
	CLAIMKIT_MSSQL_PASSWORD=x test_expect_code 78 claims-load \
	    --to mssql://u@no-such-server.invalid/db in.ndjson 2>err &&
	grep -q "unknown SQL Server .no-such-server.invalid." err
'

test_expect_success 'nothing listening: server unavailable (69)' '
	# Port 9 (discard) on loopback: nothing listens there in the sandbox.
	CLAIMKIT_MSSQL_PASSWORD=x test_expect_code 69 claims-load \
	    --to mssql://u@127.0.0.1:9/db in.ndjson 2>err &&
	grep -q "cannot connect to SQL Server .127.0.0.1:9." err
'

tds_start || { echo "Bail out! cannot start tdsd"; exit 1; }
tds_install_schema || { echo "Bail out! cannot install the schema"; exit 1; }

test_expect_success 'a wrong password: login refused (78), password not shown' '
	CLAIMKIT_MSSQL_PASSWORD="wrong-Pa55" test_expect_code 78 claims-load \
	    --to "$TDS_TARGET" in.ndjson 2>err &&
	grep -q "refused the login of user .loader. (error 18456)" err &&
	! grep -q -e wrong-Pa55 -e "$TDS_PASSWORD" err
'

test_expect_success 'an unknown user: login refused (78)' '
	test_expect_code 78 claims-load \
	    --to "mssql://nobody@$TDS_SERVER/$TDS_DB" in.ndjson 2>err &&
	grep -q "error 18456" err
'

test_expect_success 'an unknown database (78)' '
	test_expect_code 78 claims-load \
	    --to "mssql://$TDS_USER@$TDS_SERVER/no_such_db" in.ndjson 2>err &&
	grep -q "cannot open database .no_such_db. (error 4060)" err
'

test_expect_success 'a freetds.conf server name works like HOST:PORT' '
	claims-load --to "mssql://$TDS_USER@tdsd/$TDS_DB" -n in.ndjson 2>err;
	test $? = 1 && ! grep -q "refused\|cannot connect" err
'

test_expect_success 'a client charset other than UTF-8 is refused (78)' '
	sed "s/^\[global\]/&\n\tclient charset = ISO-8859-1/" "$FREETDSCONF" >latin1.conf &&
	FREETDSCONF=$PWD/latin1.conf test_expect_code 78 claims-load \
	    --to "mssql://$TDS_USER@tdsd/$TDS_DB" in.ndjson 2>err &&
	grep -q "client character set is not UTF-8" err &&
	test "$(tds_query "SELECT COUNT(*) FROM dbo.Claims")" = 0
'

test_done
