#!/bin/sh
# tdsd transactions: BEGIN/COMMIT/ROLLBACK TRANSACTION batches with their
# ENVCHANGE tokens, @@TRANCOUNT, 3902/3903, savepoints, SET XACT_ABORT
# ON (an error rolls back and ends the batch), a closed connection rolls
# back, pytds' transaction manager requests (packet 0x0E), and what a
# second connection sees.
. "$(dirname "$0")/lib.sh"
. "$TESTS/tdsd.sh"

tdsd_start || { echo "Bail out! cannot start tdsd"; exit 1; }

test_expect_success 'schema' '
	tdsd_sql "CREATE TABLE dbo.A (Id INT NOT NULL PRIMARY KEY, V NVARCHAR(10) NULL)" &&
	test "$(tdsd_sql "SELECT COUNT(*) FROM dbo.A")" = 0
'

test_expect_success 'BEGIN, INSERT, ROLLBACK: nothing; BEGIN, INSERT, COMMIT: the row' '
	tdsd_sql "BEGIN TRANSACTION; INSERT INTO dbo.A VALUES (1, N'"'"'a'"'"'); SELECT @@TRANCOUNT; ROLLBACK TRANSACTION; SELECT @@TRANCOUNT" >a &&
	printf "1\n0\n" >e && test_cmp e a &&
	test "$(tdsd_sql "SELECT COUNT(*) FROM dbo.A")" = 0 &&
	tdsd_sql "BEGIN TRAN; INSERT INTO dbo.A VALUES (1, N'"'"'a'"'"'); COMMIT TRAN" &&
	test "$(tdsd_sql "SELECT V FROM dbo.A WHERE Id = 1")" = a
'

test_expect_success 'ENVCHANGE 8/9/10 with the transaction descriptor; 3902 and 3903' '
	tdsd_raw >a <<-\EOF &&
	c = connect(int(os.environ["TDSD_PORT"]), os.environ["TDSD_USER"], os.environ["TDSD_PASSWORD"])
	for sql in ["BEGIN TRANSACTION", "COMMIT TRANSACTION", "BEGIN TRAN", "ROLLBACK", "COMMIT", "ROLLBACK TRANSACTION"]:
	    t = c.batch(sql)
	    print(sql, [(x["type"], len(x["data"])) for x in t if x["t"] == "env"], errors(t))
	EOF
	cat >e <<-\EOF &&
	BEGIN TRANSACTION [(8, 10)] []
	COMMIT TRANSACTION [(9, 10)] []
	BEGIN TRAN [(8, 10)] []
	ROLLBACK [(10, 10)] []
	COMMIT [] [(3902, 16)]
	ROLLBACK TRANSACTION [] [(3903, 16)]
	EOF
	test_cmp e a
'

test_expect_success 'nested BEGIN: only the outer COMMIT commits' '
	tdsd_sql "BEGIN TRAN; BEGIN TRAN; INSERT INTO dbo.A VALUES (2, N'"'"'b'"'"'); COMMIT; SELECT @@TRANCOUNT; ROLLBACK; SELECT COUNT(*) FROM dbo.A WHERE Id = 2" >a &&
	printf "1\n0\n" >e && test_cmp e a
'

test_expect_success 'SAVE TRANSACTION and ROLLBACK TRANSACTION to it' '
	tdsd_sql "BEGIN TRAN; INSERT INTO dbo.A VALUES (3, N'"'"'c'"'"'); SAVE TRAN s1; INSERT INTO dbo.A VALUES (4, N'"'"'d'"'"'); ROLLBACK TRAN s1; COMMIT; SELECT Id FROM dbo.A WHERE Id IN (3, 4)" >a &&
	echo 3 >e && test_cmp e a
'

test_expect_success 'XACT_ABORT OFF: the failed statement alone is undone' '
	tdsd_py >a <<-\EOF &&
	with conn() as c:
	    cur = c.cursor()
	    try:
	        cur.execute("BEGIN TRAN; INSERT INTO dbo.A VALUES (5, N'\''e'\''); INSERT INTO dbo.A VALUES (1, N'\''dup'\''); INSERT INTO dbo.A VALUES (6, N'\''f'\'')")
	        while cur.nextset():
	            pass
	    except pytds.Error as e:
	        print(e.msg_no)
	    cur.execute("SELECT @@TRANCOUNT; COMMIT")
	    print(cur.fetchall())
	    cur.execute("SELECT Id FROM dbo.A WHERE Id IN (5, 6) ORDER BY Id")
	    print(cur.fetchall())
	EOF
	printf "2627\n[(1,)]\n[(5,), (6,)]\n" >e && test_cmp e a
'

test_expect_success 'XACT_ABORT ON: an error rolls back and ends the batch' '
	tdsd_raw >a <<-\EOF &&
	c = connect(int(os.environ["TDSD_PORT"]), os.environ["TDSD_USER"], os.environ["TDSD_PASSWORD"])
	t = c.batch("SET XACT_ABORT ON; BEGIN TRAN; INSERT INTO dbo.A VALUES (7, N'\''g'\''); INSERT INTO dbo.A VALUES (1, N'\''dup'\''); INSERT INTO dbo.A VALUES (8, N'\''h'\'')")
	print(errors(t), [x["type"] for x in t if x["t"] == "env"], dones(t)[-1])
	t = c.batch("SELECT @@TRANCOUNT, (SELECT COUNT(*) FROM dbo.A WHERE Id IN (7, 8))")
	print(rows(t))
	EOF
	printf "[(2627, 14)] [8, 10] (2, 0)\n[[0, 0]]\n" >e && test_cmp e a
'

test_expect_success 'closing a connection rolls its transaction back' '
	tdsd_raw >a <<-\EOF &&
	c = connect(int(os.environ["TDSD_PORT"]), os.environ["TDSD_USER"], os.environ["TDSD_PASSWORD"])
	t = c.batch("BEGIN TRAN; INSERT INTO dbo.A VALUES (9, N'\''i'\'')")
	print(errors(t))
	c.close()
	EOF
	sleep 0.5 &&
	test "$(tdsd_sql "SELECT COUNT(*) FROM dbo.A WHERE Id = 9")" = 0
'

test_expect_success 'a second connection waits for the first one'"'"'s transaction' '
	tdsd_raw >a <<-\EOF &&
	import threading, time
	port = int(os.environ["TDSD_PORT"])
	a = connect(port, os.environ["TDSD_USER"], os.environ["TDSD_PASSWORD"])
	b = connect(port, os.environ["TDSD_USER"], os.environ["TDSD_PASSWORD"])
	print(errors(a.batch("BEGIN TRAN; INSERT INTO dbo.A VALUES (10, N'\''j'\'')")))
	res = {}
	def other():
	    res["t"] = b.batch("INSERT INTO dbo.A VALUES (11, N'\''k'\''); SELECT COUNT(*) FROM dbo.A WHERE Id IN (10, 11)")
	th = threading.Thread(target=other)
	th.start()
	time.sleep(0.5)
	print("waiting", th.is_alive())
	print(errors(a.batch("COMMIT")))
	th.join()
	print(errors(res["t"]), rows(res["t"]))
	EOF
	printf "[]\nwaiting True\n[]\n[] [[2]]\n" >e && test_cmp e a
'

test_expect_success 'pytds transaction manager requests: rollback, commit' '
	tdsd_py >a <<-\EOF &&
	with conn(autocommit=False) as c:
	    cur = c.cursor()
	    cur.execute("INSERT INTO dbo.A VALUES (12, N'\''l'\'')")
	    c.rollback()
	    cur.execute("SELECT COUNT(*) FROM dbo.A WHERE Id = 12")
	    print(cur.fetchall())
	    cur.execute("INSERT INTO dbo.A VALUES (13, N'\''m'\'')")
	    c.commit()
	with conn() as c:
	    cur = c.cursor()
	    cur.execute("SELECT Id FROM dbo.A WHERE Id IN (12, 13)")
	    print(cur.fetchall())
	EOF
	printf "[(0,)]\n[(13,)]\n" >e && test_cmp e a
'

tdsd_stop
test_expect_success 'tdsd exits 0 (no sanitizer report)' '
	test "$TDSD_RC" = 0
'

test_done
