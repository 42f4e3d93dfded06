#!/bin/sh
# tdsd is as strict as SQL Server, with its error numbers and texts:
# string lengths (2628, UTF-16 code units), decimal precision and
# rounding (8115), impossible dates (241), NULL in NOT NULL (515), CHECK
# and FOREIGN KEY (547 with the constraint's name), keys (2627, 2601),
# unknown objects and columns (208, 207), conversions (245); which errors
# end the statement and which the batch; and SQL batch text that is not
# well-formed UTF-16 (4002).
. "$(dirname "$0")/lib.sh"
. "$TESTS/tdsd.sh"

tdsd_start || { echo "Bail out! cannot start tdsd"; exit 1; }

# run SQL...: each statement through pytds; prints rows, or the error
cat >run.py <<-\EOF
def run(*sqls):
    with conn() as c:
        cur = c.cursor()
        for sql in sqls:
            try:
                cur.execute(sql)
                out = []
                while True:
                    if cur.description:
                        out += [list(r) for r in cur.fetchall()]
                    if not cur.nextset():
                        break
                print("ok", out)
            except pytds.Error as e:
                print("%d: %s" % (e.msg_no, e.text))
EOF

py() { { cat run.py; cat; } | tdsd_py; }

test_expect_success 'schema' '
	py >a <<-\EOF &&
	run("CREATE TABLE dbo.P (Id INT NOT NULL CONSTRAINT PK_P PRIMARY KEY, Name NVARCHAR(10) NULL)",
	    "CREATE TABLE dbo.S (Id INT NOT NULL, Name NVARCHAR(5) NULL, Amt DECIMAL(5,2) NULL, D DATE NULL, Code CHAR(1) NULL, PId INT NULL, Req NVARCHAR(10) NOT NULL CONSTRAINT DF_S_Req DEFAULT (N'\''x'\''), U NVARCHAR(10) NULL, CONSTRAINT PK_S PRIMARY KEY (Id), CONSTRAINT CK_S_Code CHECK (Code IN ('\''M'\'', '\''F'\'')), CONSTRAINT FK_S_P FOREIGN KEY (PId) REFERENCES dbo.P (Id))",
	    "CREATE UNIQUE INDEX UX_S_U ON dbo.S (U)",
	    "INSERT INTO dbo.P VALUES (1, N'\''one'\'')")
	EOF
	printf "ok []\nok []\nok []\nok []\n" >e &&
	test_cmp e a
'

test_expect_success '2628: too long for NVARCHAR(5), in UTF-16 code units' '
	py >a <<-\EOF &&
	run("INSERT INTO dbo.S (Id, Name) VALUES (1, N'\''abcdef'\'')",
	    "INSERT INTO dbo.S (Id, Name) VALUES (1, N'\''😀😀😀'\'')",
	    "INSERT INTO dbo.S (Id, Name) VALUES (1, N'\''😀😀é'\'')",
	    "INSERT INTO dbo.S (Id, Name) VALUES (2, N'\''abc      '\'')",
	    "SELECT Id, Name, LEN(Name), DATALENGTH(Name) FROM dbo.S ORDER BY Id")
	EOF
	cat >e <<-\EOF &&
	2628: String or binary data would be truncated in table '"'"'smart_pro_claims.dbo.S'"'"', column '"'"'Name'"'"'. Truncated value: '"'"'abcde'"'"'.
	2628: String or binary data would be truncated in table '"'"'smart_pro_claims.dbo.S'"'"', column '"'"'Name'"'"'. Truncated value: '"'"'😀😀😀'"'"'.
	ok []
	ok []
	ok [[1, '"'"'😀😀é'"'"', 5, 10], [2, '"'"'abc'"'"', 3, 6]]
	EOF
	test_cmp e a
'

test_expect_success '8115: DECIMAL(5,2) overflow; rounding to the scale is no error' '
	py >a <<-\EOF &&
	run("INSERT INTO dbo.S (Id, Amt) VALUES (3, 1000.00)",
	    "INSERT INTO dbo.S (Id, Amt) VALUES (3, 999.999)",
	    "INSERT INTO dbo.S (Id, Amt) VALUES (3, 1.005)",
	    "INSERT INTO dbo.S (Id, Amt) VALUES (4, -999.994)",
	    "SELECT CAST(Amt AS VARCHAR(20)) FROM dbo.S WHERE Id IN (3, 4) ORDER BY Id")
	EOF
	cat >e <<-\EOF &&
	8115: Arithmetic overflow error converting numeric to data type numeric.
	8115: Arithmetic overflow error converting numeric to data type numeric.
	ok []
	ok []
	ok [['"'"'1.01'"'"'], ['"'"'-999.99'"'"']]
	EOF
	test_cmp e a
'

test_expect_success '241: impossible dates, in VALUES and in the loader'"'"'s VALUES constructor' '
	py >a <<-\EOF &&
	run("INSERT INTO dbo.S (Id, D) VALUES (5, '\''2024-02-30'\'')",
	    "INSERT INTO dbo.S (Id, D) VALUES (5, '\''2023-02-29'\'')",
	    "INSERT INTO dbo.S (Id, D) SELECT v.Id, v.D FROM (VALUES (5, '\''2024-02-29'\''), (6, '\''2024-13-01'\'')) AS v (Id, D)",
	    "INSERT INTO dbo.S (Id, D) VALUES (5, '\''2024-02-29'\'')",
	    "SELECT COUNT(*) FROM dbo.S WHERE Id IN (5, 6)")
	EOF
	cat >e <<-\EOF &&
	241: Conversion failed when converting date and/or time from character string.
	241: Conversion failed when converting date and/or time from character string.
	241: Conversion failed when converting date and/or time from character string.
	ok []
	ok [[1]]
	EOF
	test_cmp e a
'

test_expect_success '515 NULL into NOT NULL; the DEFAULT fills a column left out' '
	py >a <<-\EOF &&
	run("INSERT INTO dbo.S (Id, Name) VALUES (NULL, N'\''x'\'')",
	    "INSERT INTO dbo.S (Id, Req) VALUES (7, NULL)",
	    "INSERT INTO dbo.S (Id) VALUES (7)",
	    "SELECT Req FROM dbo.S WHERE Id = 7")
	EOF
	cat >e <<-\EOF &&
	515: Cannot insert the value NULL into column '"'"'Id'"'"', table '"'"'smart_pro_claims.dbo.S'"'"'; column does not allow nulls. INSERT fails.
	515: Cannot insert the value NULL into column '"'"'Req'"'"', table '"'"'smart_pro_claims.dbo.S'"'"'; column does not allow nulls. INSERT fails.
	ok []
	ok [['"'"'x'"'"']]
	EOF
	test_cmp e a
'

test_expect_success '547: CHECK and FOREIGN KEY name their constraint; REFERENCE on delete' '
	py >a <<-\EOF &&
	run("INSERT INTO dbo.S (Id, Code) VALUES (8, '\''X'\'')",
	    "INSERT INTO dbo.S (Id, PId) VALUES (8, 99)",
	    "INSERT INTO dbo.S (Id, Code, PId) VALUES (8, '\''F'\'', 1)",
	    "UPDATE dbo.S SET Code = '\''Z'\'' WHERE Id = 8",
	    "DELETE FROM dbo.P WHERE Id = 1")
	EOF
	cat >e <<-\EOF &&
	547: The INSERT statement conflicted with the CHECK constraint "CK_S_Code". The conflict occurred in database "smart_pro_claims", table "dbo.S", column '"'"'Code'"'"'.
	547: The INSERT statement conflicted with the FOREIGN KEY constraint "FK_S_P". The conflict occurred in database "smart_pro_claims", table "dbo.P", column '"'"'Id'"'"'.
	ok []
	547: The UPDATE statement conflicted with the CHECK constraint "CK_S_Code". The conflict occurred in database "smart_pro_claims", table "dbo.S", column '"'"'Code'"'"'.
	547: The DELETE statement conflicted with the REFERENCE constraint "FK_S_P". The conflict occurred in database "smart_pro_claims", table "dbo.S", column '"'"'PId'"'"'.
	EOF
	test_cmp e a
'

test_expect_success '2627 primary key, 2601 unique index, with the key values' '
	py >a <<-\EOF &&
	run("INSERT INTO dbo.S (Id, U) VALUES (9, N'\''u1'\'')",
	    "INSERT INTO dbo.S (Id) VALUES (9)",
	    "INSERT INTO dbo.S (Id, U) VALUES (10, N'\''U1'\'')",
	    "INSERT INTO dbo.P (Id, Name) VALUES (1, N'\''dup'\'')")
	EOF
	cat >e <<-\EOF &&
	ok []
	2627: Violation of PRIMARY KEY constraint '"'"'PK_S'"'"'. Cannot insert duplicate key in object '"'"'dbo.S'"'"'. The duplicate key value is (9).
	2601: Cannot insert duplicate key row in object '"'"'dbo.S'"'"' with unique index '"'"'UX_S_U'"'"'. The duplicate key value is (U1).
	2627: Violation of PRIMARY KEY constraint '"'"'PK_P'"'"'. Cannot insert duplicate key in object '"'"'dbo.P'"'"'. The duplicate key value is (1).
	EOF
	test_cmp e a
'

test_expect_success '208, 207, 245: unknown table, unknown column, bad conversion' '
	py >a <<-\EOF &&
	run("SELECT * FROM dbo.Nope",
	    "SELECT Nope FROM dbo.S",
	    "INSERT INTO dbo.S (Id, Nope) VALUES (11, 1)",
	    "INSERT INTO dbo.S (Id) VALUES ('\''abc'\'')")
	EOF
	cat >e <<-\EOF &&
	208: Invalid object name '"'"'dbo.Nope'"'"'.
	207: Invalid column name '"'"'Nope'"'"'.
	207: Invalid column name '"'"'Nope'"'"'.
	245: Conversion failed when converting the varchar value '"'"'abc'"'"' to data type int.
	EOF
	test_cmp e a
'

test_expect_success 'a failing statement inserts no row of its many' '
	py >a <<-\EOF &&
	run("INSERT INTO dbo.S (Id) VALUES (20), (21), (9), (22)",
	    "SELECT COUNT(*) FROM dbo.S WHERE Id >= 20")
	EOF
	grep -q "^2627: " a && grep -q "^ok \[\[0\]\]" a
'

test_expect_success 'a key violation ends the statement, a conversion error the batch' '
	py >a <<-\EOF &&
	with conn() as c:
	    cur = c.cursor()
	    for sql in ["INSERT INTO dbo.S (Id) VALUES (9); INSERT INTO dbo.S (Id) VALUES (30)",
	                "INSERT INTO dbo.S (Id) VALUES ('\''x'\''); INSERT INTO dbo.S (Id) VALUES (31)"]:
	        try:
	            cur.execute(sql)
	        except pytds.Error as e:
	            print(e.msg_no)
	    cur.execute("SELECT Id FROM dbo.S WHERE Id IN (30, 31)")
	    print(cur.fetchall())
	EOF
	printf "2627\n245\n[(30,)]\n" >e &&
	test_cmp e a
'

test_expect_success '4002: batch text of odd length or with an unpaired surrogate' '
	tdsd_raw >a <<-\EOF &&
	c = connect(int(os.environ["TDSD_PORT"]), os.environ["TDSD_USER"], os.environ["TDSD_PASSWORD"])
	for text in [utf16("select 1") + b"x", utf16("select N'\''") + b"\x00\xd8" + utf16("'\''"), utf16("select N'\''\U0001F600'\''")]:
	    t = c.batch(text)
	    print(errors(t), rows(t))
	EOF
	cat >e <<-\EOF &&
	[(4002, 16)] []
	[(4002, 16)] []
	[] [['"'"'😀'"'"']]
	EOF
	test_cmp e a
'

test_expect_success 'syntax errors: nothing of the batch runs' '
	py >a <<-\EOF &&
	run("INSERT INTO dbo.S (Id) VALUES (40); SELEC 1",
	    "SELECT COUNT(*) FROM dbo.S WHERE Id = 40")
	EOF
	printf "102: Incorrect syntax near '"'"'SELEC'"'"'.\nok [[0]]\n" >e &&
	test_cmp e a
'

tdsd_stop
test_expect_success 'tdsd exits 0 (no sanitizer report)' '
	test "$TDSD_RC" = 0
'

test_done
