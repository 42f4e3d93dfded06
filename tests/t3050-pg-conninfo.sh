#!/bin/sh
# Connection strings: malformed, unreachable, wrong password, missing
# database or schema; URIs and service names.  Clear errors, the exit codes
# of claimkit(7), and never a password in a message.
. "$(dirname "$0")/lib.sh"
. "$TESTS/pg.sh"
pg_start || exit 1
pg_install_schema || exit 1
pg_password_role claimkit_pw 'Right-Pass-9' || exit 1
psql -X -q -c 'GRANT USAGE ON SCHEMA staging, edi TO claimkit_pw' \
    -c 'GRANT ALL ON ALL TABLES IN SCHEMA staging, edi TO claimkit_pw' \
    -c 'GRANT ALL ON ALL SEQUENCES IN SCHEMA staging, edi TO claimkit_pw' || exit 1
createdb empty || exit 1
PGPASSFILE=$T/no-pgpass
export PGPASSFILE

test-pggen -n 3 >c3.ndjson

no_secret() { ! grep -i -e "$1" err; }

test_expect_success 'malformed conninfo: exit 78, the token not echoed' '
	test_expect_code 78 claims-load --to "dbname=claimkit password=Se3cret junk" c3.ndjson 2>err &&
	grep "invalid connection string" err &&
	no_secret Se3cret && no_secret junk &&
	test_expect_code 78 claims-fetch --from "nosuchoption=1" 2>err &&
	grep "invalid connection option \"nosuchoption\"" err
'

test_expect_success 'malformed URI: exit 78, no password echoed' '
	test_expect_code 78 claims-load --to "postgresql://u:Se3cret@/claimkit?bogus=1" c3.ndjson 2>err &&
	grep "invalid connection string" err &&
	no_secret Se3cret &&
	test_expect_code 78 claims-load --to "postgresql://u:Se3cret%zz@/claimkit" c3.ndjson 2>err &&
	no_secret Se3cret
'

test_expect_success 'unreachable server: exit 69' '
	test_expect_code 69 claims-load --to "host=$T/nowhere dbname=claimkit" c3.ndjson 2>err &&
	grep "cannot connect to PostgreSQL" err &&
	test_expect_code 69 claims-fetch --from "host=$T/nowhere" 2>err &&
	grep "cannot connect to PostgreSQL" err
'

test_expect_success 'wrong password: exit 78, clear error, password not echoed' '
	test_expect_code 78 claims-load --to "user=claimkit_pw password=Wr0ng-Secret" c3.ndjson 2>err &&
	grep "password authentication failed for user \"claimkit_pw\"" err &&
	no_secret Wr0ng-Secret &&
	PGPASSWORD=Wr0ng-Env test_expect_code 78 claims-fetch --from "user=claimkit_pw" 2>err &&
	grep "password authentication failed" err &&
	no_secret Wr0ng-Env &&
	test_expect_code 78 claims-load --to "postgresql://claimkit_pw:Wr0ng-Uri@/claimkit?host=$PGHOST" c3.ndjson 2>err &&
	grep "password authentication failed" err &&
	no_secret Wr0ng-Uri
'

test_expect_success 'no password given where one is needed: exit 78' '
	test_expect_code 78 claims-fetch --from "user=claimkit_pw" 2>err &&
	grep "no password supplied" err
'

test_expect_success 'the right password in a URI or PGPASSWORD works' '
	claims-load --to "postgresql://claimkit_pw:Right-Pass-9@/claimkit?host=$PGHOST" c3.ndjson 2>err &&
	grep "3 inserted" err &&
	PGPASSWORD=Right-Pass-9 claims-fetch --from "user=claimkit_pw" >out &&
	test $(wc -l <out) -eq 3 &&
	no_secret Right-Pass-9
'

test_expect_success 'missing database: exit 78' '
	test_expect_code 78 claims-fetch --from "dbname=nosuchdb" 2>err &&
	grep "database \"nosuchdb\" does not exist" err
'

test_expect_success 'database without the staging schema: exit 78 and what to do' '
	test_expect_code 78 claims-load --to "dbname=empty" c3.ndjson 2>err &&
	grep "staging schema is not installed" err &&
	test_expect_code 78 claims-fetch --from "dbname=empty" 2>err &&
	grep "staging schema is not installed" err
'

test_expect_success 'a service name from pg_service.conf' '
	cat >services.conf <<-EOF &&
	[staging]
	host=$PGHOST
	port=$PGPORT
	dbname=claimkit
	user=postgres
	EOF
	PGSERVICEFILE=$T/services.conf claims-fetch --from "service=staging" >out &&
	test $(wc -l <out) -eq 3 &&
	PGSERVICEFILE=$T/services.conf test_expect_code 78 claims-fetch --from "service=nosuch" 2>err &&
	grep "service" err
'

test_expect_success 'the PG* environment, and CLAIMKIT_STAGING for claims-fetch' '
	claims-fetch >out &&
	test $(wc -l <out) -eq 3 &&
	CLAIMKIT_STAGING="dbname=empty" test_expect_code 78 claims-fetch 2>err &&
	grep "staging schema is not installed" err &&
	CLAIMKIT_LOAD_TO="dbname=claimkit" claims-load c3.ndjson 2>err &&
	grep "3 duplicates" err
'

test_done
