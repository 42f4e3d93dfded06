#!/bin/sh
# tdsd, the TDS test server: options, port discovery, login (PRELOGIN
# without encryption, LOGIN7 user/password/database), result types as
# tsql, pytds and a raw client see them, packet sizes, --stats, SIGTERM.
. "$(dirname "$0")/lib.sh"
. "$TESTS/tdsd.sh"

test_expect_success 'usage: --help, missing options, bad fault' '
	tdsd --help >out && grep -q -- "--password-file" out &&
	test_expect_code 64 tdsd --listen 127.0.0.1:0 2>err &&
	grep -q usage err &&
	echo pw >pw &&
	test_expect_code 64 tdsd --listen 127.0.0.1:0 --db x.db --user u \
	    --password-file pw --fault explode:batch=1 2>err &&
	grep -q "unknown fault" err &&
	test_expect_code 64 tdsd --listen 127.0.0.1:0 --db x.db --user u \
	    --password-file pw --fault drop 2>err &&
	grep -q "bad fault" err &&
	test_expect_code 78 tdsd --listen 127.0.0.1:0 --db x.db --user u \
	    --password-file nosuch 2>err &&
	grep -q "nosuch" err
'

tdsd_start || { echo "Bail out! cannot start tdsd"; exit 1; }

test_expect_success 'port 0: the chosen port in --port-file and on stdout' '
	test "$(cat "$TDSD_DIR/out")" = "listening on 127.0.0.1:$TDSD_PORT" &&
	test "$TDSD_PORT" -gt 0
'

test_expect_success 'tsql: select of literals' '
	tdsd_sql "select 1 as one, 2.5 as f, N'"'"'héllo'"'"' as s, NULL as n, 12345678901 as big" >a &&
	printf "1\t2.5\théllo\tNULL\t12345678901\n" >e &&
	test_cmp e a
'

test_expect_success 'the batch text is UTF-16: UNICODE(N'"'"'é'"'"') is 233 (tsql, pytds)' '
	test "$(tdsd_sql "SELECT UNICODE(N'"'"'é'"'"')")" = 233 &&
	tdsd_py >a <<-\EOF &&
	with conn() as c:
	    cur = c.cursor()
	    cur.execute("SELECT UNICODE(N'\''é'\''), UNICODE(N'\''😀'\''), LEN(N'\''Zoë'\'')")
	    print(cur.fetchall())
	EOF
	echo "[(233, 55357, 3)]" >e &&
	test_cmp e a
'

test_expect_success 'a wrong password: 18456 class 14, nothing else' '
	! printf "select 1\ngo\n" | LC_ALL=C.UTF-8 tsql -S tdsd -U "$TDSD_USER" -P wrong >out 2>&1 &&
	grep -q "Login failed for user" out &&
	tdsd_py >a <<-\EOF &&
	try:
	    conn(password="wrong")
	except pytds.OperationalError as e:
	    print(e.msg_no, e.severity)
	try:
	    conn(user="nobody")
	except pytds.OperationalError as e:
	    print(e.msg_no, e.severity)
	EOF
	printf "18456 14\n18456 14\n" >e &&
	test_cmp e a
'

test_expect_success 'another database in LOGIN7: 4060, then 18456' '
	tdsd_raw >a <<-\EOF &&
	c = Conn(int(os.environ["TDSD_PORT"]))
	c.prelogin()
	t = c.login(os.environ["TDSD_USER"], os.environ["TDSD_PASSWORD"], "other_db")
	print(errors(t), dones(t))
	EOF
	echo "[(4060, 11), (18456, 14)] [(2, 0)]" >e &&
	test_cmp e a
'

test_expect_success 'encryption = request and tds version = auto log in' '
	printf "select 42\ngo\n" | LC_ALL=C.UTF-8 tsql -S tdsd_request \
	    -U "$TDSD_USER" -P "$TDSD_PASSWORD" -o fhq >a &&
	echo 42 >e &&
	test_cmp e a
'

test_expect_success 'pytds: values of the schema types' '
	tdsd_sql "CREATE TABLE dbo.Ty (I INT NOT NULL, B BIGINT NULL, D DECIMAL(12,2) NULL, Dt DATE NULL, D2 DATETIME2 NULL, F BIT NULL, N NVARCHAR(MAX) NULL, C CHAR(2) NULL, S NVARCHAR(50) NULL)" &&
	tdsd_sql "INSERT INTO dbo.Ty VALUES (1, 9223372036854775807, -12.30, '"'"'2024-02-29'"'"', '"'"'2024-02-29T13:14:15.1234567'"'"', 1, N'"'"'Zoë 😀'"'"', '"'"'A'"'"', N'"'"'x'"'"')" &&
	tdsd_py >a <<-\EOF &&
	with conn() as c:
	    cur = c.cursor()
	    cur.execute("SELECT * FROM dbo.Ty")
	    for v in cur.fetchall()[0]:
	        print(repr(v))
	EOF
	cat >e <<-\EOF &&
	1
	9223372036854775807
	Decimal('"'"'-12.3'"'"')
	datetime.date(2024, 2, 29)
	datetime.datetime(2024, 2, 29, 13, 14, 15, 123456)
	True
	'"'"'Zoë 😀'"'"'
	'"'"'A '"'"'
	'"'"'x'"'"'
	EOF
	test_cmp e a
'

test_expect_success 'COLMETADATA: the declared types on the wire (NVARCHAR(MAX) as PLP)' '
	tdsd_raw >a <<-\EOF &&
	c = connect(int(os.environ["TDSD_PORT"]), os.environ["TDSD_USER"], os.environ["TDSD_PASSWORD"])
	t = c.batch("SELECT * FROM dbo.Ty")
	for col in t[0]["cols"]:
	    print(col["name"], "%02X" % col["type"], col.get("len"), col.get("prec"), col.get("scale"), col["flags"] & 1)
	print(rows(t))
	EOF
	cat >e <<-\EOF &&
	I 26 4 None None 0
	B 26 8 None None 1
	D 6A 9 12 2 1
	Dt 28 None None None 1
	D2 2A None None 7 1
	F 68 1 None None 1
	N E7 65535 None None 1
	C AF 2 None None 1
	S E7 100 None None 1
	[[1, 9223372036854775807, '"'"'-12.30'"'"', ('"'"'date'"'"', 738944), ('"'"'time'"'"', '"'"'07c4aaf46e80460b'"'"'), 1, '"'"'Zoë 😀'"'"', '"'"'A '"'"', '"'"'x'"'"']]
	EOF
	test_cmp e a
'

test_expect_success 'packet size 32767 from LOGIN7: ENVCHANGE 4, reply packets up to it' '
	tdsd_raw >a <<-\EOF &&
	c = Conn(int(os.environ["TDSD_PORT"]))
	c.prelogin()
	t = c.login(os.environ["TDSD_USER"], os.environ["TDSD_PASSWORD"], packet=32767)
	print([bvarchar(x["data"], 0)[0] for x in t if x["t"] == "env" and x["type"] == 4])
	c.pktsize = 32767
	big = "N'\''" + "x" * 20000 + "'\''"
	c.send(0x01, c.batch_payload("SELECT " + ", ".join([big] * 5)))
	sizes = []
	while True:
	    h = c.recv_exact(8)
	    n = struct.unpack(">H", h[2:4])[0]
	    c.recv_exact(n - 8)
	    sizes.append(n)
	    if h[1] & 1:
	        break
	print(len(sizes), max(sizes))
	EOF
	printf "[%s]\n7 32767\n" "'"'"'32767'"'"'" >e &&
	test_cmp e a
'

test_expect_success 'a request over many packets (300 KB of SQL in 512-byte packets)' '
	tdsd_raw >a <<-\EOF &&
	c = connect(int(os.environ["TDSD_PORT"]), os.environ["TDSD_USER"], os.environ["TDSD_PASSWORD"])
	vals = ", ".join("(%d, N'\''%s'\'')" % (i, "é" * 40) for i in range(3000))
	t = c.batch("SELECT COUNT(*), SUM(v.a) FROM (VALUES %s) AS v (a, b)" % vals, size=512)
	print(rows(t), errors(t))
	EOF
	echo "[[3000, 4498500]] []" >e &&
	test_cmp e a
'

test_expect_success '--stats: one line per closed connection' '
	tdsd_sql "select 1" >/dev/null &&
	sleep 0.3 &&
	grep -q "^app=TSQL logins=1 batches=1 rpc=0 bulk=0 attention=0 packets_in=[0-9]* packets_out=[0-9]* bytes_in=[0-9]* bytes_out=[0-9]*$" "$TDSD_DIR/stats"
'

tdsd_stop
test_expect_success 'SIGTERM: exit 0 (and no sanitizer report)' '
	test "$TDSD_RC" = 0
'

test_done
