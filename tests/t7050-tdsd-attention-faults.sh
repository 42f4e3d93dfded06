#!/bin/sh
# tdsd: ATTENTION (packet type 6) as pytds sends it when a query times
# out and as a raw client sends it at a chosen moment: the request is
# abandoned, the answer is DONE with the attention bit (0x20), --stats
# counts it, and the session goes on.  The faults hang:... (no answer
# until ATTENTION or close) and close:packets=N (the server closes the
# connection after the Nth packet it received): the client sees the
# failure and the server keeps serving new connections.
. "$(dirname "$0")/lib.sh"
. "$TESTS/tdsd.sh"

[ -n "${TDSD_PYTHON:-}" ] || { echo "1..0 # skip no python3 with pytds (python3-tds)"; exit 0; }

# Every fault fires once; match= selects the batch by its text.
tdsd_start --fault "delay:ms=60000:match=/*slow*/" \
    --fault "hang:match=/*hang raw*/" --fault "hang:match=/*hang py*/" ||
    { echo "Bail out! cannot start tdsd"; exit 1; }

# stats_for APP: wait for and print the --stats lines of APP (written
# when the server has closed the connection)
stats_for() {
	i=0
	until grep -q "^app=$1 " "$TDSD_DIR/stats" 2>/dev/null; do
		[ $i -lt 100 ] || return 1
		sleep 0.05
		i=$((i + 1))
	done
	grep "^app=$1 " "$TDSD_DIR/stats"
}

test_expect_success 'pytds: a query timeout sends ATTENTION; the session is usable after' '
	tdsd_py >a <<-\EOF &&
	with conn(timeout=1, appname="pyattn") as c:
	    cur = c.cursor()
	    try:
	        cur.execute("SELECT 1 /*slow*/")
	        print("no timeout")
	    except pytds.TimeoutError:
	        print("timeout")
	    # pytds reads the server answer to its ATTENTION (DONE with the
	    # attention bit) before it sends the next request
	    cur.execute("SELECT N'"'"'after é'"'"', 2")
	    print(cur.fetchall())
	EOF
	printf "timeout\n[('"'"'after é'"'"', 2)]\n" >e &&
	test_cmp e a &&
	stats_for pyattn >st &&
	grep -q " batches=2 .* attention=1 " st
'

test_expect_success 'raw: ATTENTION during hang: DONE(ATTN) only, then normal answers' '
	tdsd_raw >a <<-\EOF &&
	c = connect(int(os.environ["TDSD_PORT"]), os.environ["TDSD_USER"], os.environ["TDSD_PASSWORD"], app="rawattn")
	c.send(0x01, c.batch_payload("SELECT 1 /*hang raw*/"))
	c.attention()
	t = parse(c.read_message())
	print([x["t"] for x in t], ["%#x" % s for s, n in dones(t)])
	t = c.batch("SELECT 42")
	print(rows(t), dones(t), errors(t))
	# ATTENTION in the middle of a request of several packets: the
	# request is dropped, the answer is DONE(ATTN) again
	sql = c.batch_payload("SELECT COUNT(*) FROM (VALUES %s) AS v (a)" % ", ".join("(%d)" % i for i in range(2000)))
	c.send_packet(0x01, sql[:600], 0)
	c.attention()
	t = parse(c.read_message())
	print(["%#x" % s for s, n in dones(t)])
	t = c.batch("SELECT N'"'"'still here'"'"'")
	print(rows(t))
	c.close()
	EOF
	cat >e <<-\EOF &&
	['"'"'done'"'"'] ['"'"'0x20'"'"']
	[[42]] [(16, 1)] []
	['"'"'0x20'"'"']
	[['"'"'still here'"'"']]
	EOF
	test_cmp e a &&
	stats_for rawattn >st &&
	grep -q " batches=3 .* attention=2 " st
'

test_expect_success 'hang: pytds times out; new connections are served' '
	tdsd_py >a <<-\EOF &&
	try:
	    with conn(timeout=1) as c:
	        c.cursor().execute("SELECT 1 /*hang py*/")
	        print("no timeout")
	except pytds.TimeoutError:
	    print("timeout")
	with conn() as c:
	    cur = c.cursor()
	    cur.execute("SELECT 3")
	    print(cur.fetchall())
	EOF
	printf "timeout\n[(3,)]\n" >e &&
	test_cmp e a &&
	test "$(tdsd_sql "SELECT 4")" = 4
'

# (restarts at the top level: the exit hook must see the new pid)
tdsd_restart --fault close:packets=3 || { echo "Bail out! cannot restart tdsd"; exit 1; }
: >"$TDSD_DIR/stats"
test_expect_success 'close:packets=3: tsql sees the connection end; the next one works' '
	# packets counted over the server: PRELOGIN 1, LOGIN7 2, batch 3
	printf "select 1\ngo\n" | tdsd_tsql -o fhq >out 2>err;
	grep -q "20017" err && grep -q "Unexpected EOF from the server" err &&
	! grep -q "^1$" out &&
	test "$(tdsd_sql "SELECT N'"'"'é'"'"'")" = é &&
	stats_for TSQL >st &&
	head -n 1 st | grep -q " logins=1 batches=0 " &&
	test "$(wc -l <st)" = 2
'

tdsd_restart --fault close:packets=2 || { echo "Bail out! cannot restart tdsd"; exit 1; }
test_expect_success 'close:packets=2: pytds sees the failure at login; a new connection works' '
	tdsd_py >a <<-\EOF &&
	try:
	    conn(login_timeout=2)
	    print("connected")
	except pytds.Error as e:
	    print("failed")
	with conn() as c:
	    cur = c.cursor()
	    cur.execute("SELECT 5")
	    print(cur.fetchall())
	EOF
	printf "failed\n[(5,)]\n" >e &&
	test_cmp e a
'

tdsd_stop
test_expect_success 'tdsd exits 0 (no sanitizer report)' '
	test "$TDSD_RC" = 0
'

test_done
