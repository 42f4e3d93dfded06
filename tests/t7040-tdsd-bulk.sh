#!/bin/sh
# tdsd's bulk load (SET FMTONLY, insert bulk, packet type 7) as two
# independent clients use it: freebcp (freetds-bin) in and out in
# character mode, read back with tsql value by value (accented UTF-8 and
# characters outside the BMP, decimals to the cent, DATE, DATETIME2, BIT,
# CHAR, BIGINT, NVARCHAR(MAX), NULLs), and pytds' copy_to, which declares
# every column NVARCHAR(4000) so that the server itself must convert and
# refuse what does not fit (8115, 2628, 241, 515, 8114) as SQL Server does.
. "$(dirname "$0")/lib.sh"
. "$TESTS/tdsd.sh"

command -v freebcp >/dev/null || { echo "1..0 # skip freebcp (freetds-bin) not installed"; exit 0; }

tdsd_start || { echo "Bail out! cannot start tdsd"; exit 1; }

# bcp TABLE in|out FILE [args]: freebcp in character mode, UTF-8 files
bcp() {
	_t=$1
	shift
	LC_ALL=C.UTF-8 freebcp "$TDSD_DB.dbo.$_t" "$@" -c -S tdsd \
	    -U "$TDSD_USER" -P "$TDSD_PASSWORD"
}

# cols: every column as text, dates in ISO form
cols="Id, Name, CAST(Amount AS VARCHAR(20)), CONVERT(CHAR(10), Dt, 23), CONVERT(VARCHAR(27), Ts, 126), Flag, Code, Big, Note, LEN(Name), DATALENGTH(Name)"

test_expect_success 'schema: two tables of the types install.sql uses' '
	for t in BulkT BulkT2; do
		tdsd_sql "CREATE TABLE dbo.$t (Id INT NOT NULL CONSTRAINT PK_$t PRIMARY KEY, Name NVARCHAR(30) NOT NULL, Amount DECIMAL(12,2) NULL, Dt DATE NULL, Ts DATETIME2 NULL, Flag BIT NULL, Code CHAR(2) NULL, Big BIGINT NULL, Note NVARCHAR(MAX) NULL)" >out 2>err &&
		! test -s err || { cat err; exit 1; }
	done
'

test_expect_success 'freebcp in: rows with accents, cents, dates and NULLs' '
	printf "1\tZoë Ñúñez-Ørsted\t1234567890.12\t2024-02-29\t2024-02-29 13:14:15.1234567\t1\tAB\t9223372036854775807\tnote é 😀\n" >in.txt &&
	printf "2\tÅsa\t\t\t\t\t\t\t\n" >>in.txt &&
	printf "3\tplain\t-0.05\t1900-01-01\t1999-12-31 23:59:59\t0\tC\t-5\tline\n" >>in.txt &&
	printf "4\tJosé Ćwikła\t0.10\t2000-02-29\t2000-02-29 00:00:00.5\t1\tZZ\t0\t\n" >>in.txt &&
	bcp BulkT in in.txt >bcp.out 2>bcp.err &&
	grep -q "^4 rows copied" bcp.out && ! test -s bcp.err &&
	# the line is written when the server has closed its end
	i=0 &&
	until grep -q "^app=FreeBCP .* bulk=1 " "$TDSD_DIR/stats"; do
		[ $i -lt 100 ] || exit 1; sleep 0.05; i=$((i + 1))
	done
'

test_expect_success 'tsql reads them back value by value' '
	tdsd_sql "SELECT $cols FROM dbo.BulkT ORDER BY Id" >a &&
	cat >e <<-\EOF &&
	1	Zoë Ñúñez-Ørsted	1234567890.12	2024-02-29	2024-02-29T13:14:15.1234567	1	AB	9223372036854775807	note é 😀	16	32
	2	Åsa	NULL	NULL	NULL	NULL	NULL	NULL	NULL	3	6
	3	plain	-0.05	1900-01-01	1999-12-31T23:59:59.0000000	0	C 	-5	line	5	10
	4	José Ćwikła	0.10	2000-02-29	2000-02-29T00:00:00.5000000	1	ZZ	0	NULL	11	22
	EOF
	test_cmp e a &&
	test "$(tdsd_sql "SELECT COUNT(*) FROM dbo.BulkT WHERE Note IS NULL AND Amount IS NULL")" = 1 &&
	test "$(tdsd_sql "SELECT SUM(Amount) FROM dbo.BulkT")" = 1234567890.17
'

test_expect_success 'freebcp out: the same rows in character mode' '
	bcp BulkT out out.txt >bcp.out 2>bcp.err &&
	grep -q "^4 rows copied" bcp.out &&
	# freebcp writes DATE and DATETIME2 in its own format (to the ms)
	printf "1\tZoë Ñúñez-Ørsted\t1234567890.12\t2024-02-29 00:00:00.000\t2024-02-29 13:14:15.123\t1\tAB\t9223372036854775807\tnote é 😀\n" >e &&
	printf "2\tÅsa\t\t\t\t\t\t\t\n" >>e &&
	printf "3\tplain\t-0.05\t1900-01-01 00:00:00.000\t1999-12-31 23:59:59.000\t0\tC \t-5\tline\n" >>e &&
	printf "4\tJosé Ćwikła\t0.10\t2000-02-29 00:00:00.000\t2000-02-29 00:00:00.500\t1\tZZ\t0\t\n" >>e &&
	test_cmp e out.txt
'

test_expect_success 'round trip: out, in elsewhere, out again is the same file' '
	bcp BulkT2 in out.txt -b 2 >bcp.out 2>bcp.err &&
	grep -q "^4 rows copied" bcp.out && ! test -s bcp.err &&
	bcp BulkT2 out out2.txt >/dev/null 2>&1 &&
	test_cmp out.txt out2.txt &&
	tdsd_sql "SELECT $cols FROM dbo.BulkT2 ORDER BY Id" >a2 &&
	tdsd_sql "SELECT $cols FROM dbo.BulkT ORDER BY Id" |
	sed "s/13:14:15.1234567/13:14:15.1230000/" >e2 &&
	test_cmp e2 a2
'

test_expect_success 'freebcp: NULL into NOT NULL is 515 and the load is refused whole' '
	printf "10\tok\t1.00\t\t\t\t\t\t\n11\t\t1.00\t\t\t\t\t\t\n" >bad.txt &&
	bcp BulkT in bad.txt >bcp.out 2>bcp.err;
	grep -q "^Msg 515, Level 16" bcp.err &&
	grep -q "Cannot insert the value NULL into column .Name., table .smart_pro_claims.dbo.BulkT.; column does not allow nulls. INSERT fails." bcp.err &&
	test "$(tdsd_sql "SELECT COUNT(*) FROM dbo.BulkT")" = 4
'

test_expect_success 'freebcp: a duplicate key is 2627; with -b 1 the rows before it stay' '
	printf "12\tnew\t\t\t\t\t\t\t\n1\tdup\t\t\t\t\t\t\t\n" >dup.txt &&
	bcp BulkT in dup.txt >bcp.out 2>bcp.err;
	grep -q "^Msg 2627, Level 14" bcp.err &&
	grep -q "Violation of PRIMARY KEY constraint .PK_BulkT.. Cannot insert duplicate key in object .dbo.BulkT.. The duplicate key value is (1)." bcp.err &&
	test "$(tdsd_sql "SELECT COUNT(*) FROM dbo.BulkT")" = 4 &&
	bcp BulkT in dup.txt -b 1 >bcp.out 2>bcp.err;
	grep -q "^Msg 2627" bcp.err &&
	test "$(tdsd_sql "SELECT Id, Name FROM dbo.BulkT WHERE Id = 12")" = "12	new" &&
	tdsd_sql "DELETE FROM dbo.BulkT WHERE Id = 12" >/dev/null
'

test_expect_success 'freebcp converts on the client: too wide a decimal never leaves it' '
	# freebcp converts to the column types it got from SET FMTONLY, so
	# an overflow is its own error 20049 and nothing is sent
	printf "13\tx\t12345678901.00\t\t\t\t\t\t\n" >wide.txt &&
	bcp BulkT in wide.txt >bcp.out 2>bcp.err;
	grep -q "^Msg 20049" bcp.err &&
	test "$(tdsd_sql "SELECT COUNT(*) FROM dbo.BulkT")" = 4
'

# copy_to ROWS: pytds bulk load, every column declared NVARCHAR(4000)
cat >copy.txt <<-\EOF
def copy(rows):
    with conn() as c:
        cur = c.cursor()
        try:
            cur.copy_to(table_or_view="BulkT", schema="dbo", data=rows,
                        columns=["Id", "Name", "Amount", "Dt", "Note"])
            print("ok", cur.rowcount)
        except pytds.Error as e:
            print("%d %d: %s" % (e.msg_no, e.severity, e.text))
EOF
py() { { cat copy.txt; cat; } | tdsd_py; }

test_expect_success 'server side: the SQL Server errors for what does not fit' '
	py >a <<-\EOF &&
	copy([["20", "x", "12345678901.00", None, None]])
	copy([["20", "Zoë Ñúñez-Ørsted Ćwikła Åsa-Ñü", "1.00", None, None]])
	copy([["20", "Zoë Ñúñez-Ørsted Ćwikła Åsa-Ñüé", "1.00", None, None]])
	copy([["21", "x", "1.00", "2023-02-29", None]])
	copy([["21", None, "1.00", None, None]])
	copy([["21", "x", "1,00", None, None]])
	copy([["21", "a", "1.00", None, None], ["22", "b", "1.005", "2024-01-31", "😀"]])
	EOF
	cat >e <<-\EOF &&
	8115 16: Arithmetic overflow error converting nvarchar to data type numeric.
	ok 1
	2628 16: String or binary data would be truncated in table '"'"'smart_pro_claims.dbo.BulkT'"'"', column '"'"'Name'"'"'. Truncated value: '"'"'Zoë Ñúñez-Ørsted Ćwikła Åsa-Ñü'"'"'.
	241 16: Conversion failed when converting date and/or time from character string.
	515 16: Cannot insert the value NULL into column '"'"'Name'"'"', table '"'"'smart_pro_claims.dbo.BulkT'"'"'; column does not allow nulls. INSERT fails.
	8114 16: Error converting data type nvarchar to numeric.
	ok 2
	EOF
	test_cmp e a &&
	tdsd_sql "SELECT Id, Name, CAST(Amount AS VARCHAR(20)), CONVERT(CHAR(10), Dt, 23), Note FROM dbo.BulkT WHERE Id >= 20 ORDER BY Id" >a &&
	printf "20\tZoë Ñúñez-Ørsted Ćwikła Åsa-Ñü\t1.00\tNULL\tNULL\n21\ta\t1.00\tNULL\tNULL\n22\tb\t1.01\t2024-01-31\t😀\n" >e &&
	test_cmp e a
'

test_expect_success 'the session goes on after a refused bulk load' '
	py >a <<-\EOF &&
	with conn() as c:
	    cur = c.cursor()
	    try:
	        cur.copy_to(table_or_view="BulkT", schema="dbo", data=[["30", None]],
	                    columns=["Id", "Name"])
	    except pytds.Error as e:
	        print(e.msg_no)
	    cur.copy_to(table_or_view="BulkT", schema="dbo", data=[["30", "ok"]],
	                columns=["Id", "Name"])
	    cur.execute("SELECT Name FROM dbo.BulkT WHERE Id = 30")
	    print(cur.fetchall())
	EOF
	printf "515\n[('"'"'ok'"'"',)]\n" >e &&
	test_cmp e a
'

tdsd_stop
test_expect_success 'tdsd exits 0 (no sanitizer report)' '
	test "$TDSD_RC" = 0
'

test_done
