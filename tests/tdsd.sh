# tests/tdsd.sh: the project's TDS test server (tests/tdsd) for one test
# file, and independent clients to talk to it: tsql and freebcp
# (freetds-bin) and python3-tds (pytds).
#
#	. "$TESTS/tdsd.sh"
#	tdsd_start [tdsd options...] || exit 1   # at top level (exports)
#	tdsd_sql 'SQL'           # tsql, one batch: rows tab-separated, no
#	                         # header; server messages go to stderr
#	tdsd_tsql [tsql args]    # tsql -S tdsd -U -P -D with the test's conf
#	tdsd_py <<'EOF'          # python3 with pytds; conn(**kw) connects
#	tdsd_raw <<'EOF'         # python3 with tests/tdsd/rawtds.py loaded
#	tdsd_stop; tdsd_restart [tdsd options...]
#
# tdsd binds port 0 and writes the port it got to --port-file, so test
# files running in parallel never collide; tdsd_restart asks for the
# same port again and keeps the database.  The test's own freetds.conf
# ($TDSD_DIR/freetds.conf, entry [tdsd], TDS 7.4, encryption off) is
# exported as FREETDSCONF.  tdsd_stop records tdsd's exit status in
# TDSD_RC: 0 after SIGTERM, 86/87 for a sanitizer report.

TDSD_USER=tester
TDSD_PASSWORD='pw with space'
TDSD_DB=smart_pro_claims

for _p in /usr/bin/python3 python3; do
	if "$_p" -c 'import pytds' 2>/dev/null; then
		TDSD_PYTHON=$_p
		break
	fi
done

tdsd_start() {
	TDSD_DIR=${T:?}/tdsd
	mkdir -p "$TDSD_DIR" || return 1
	printf '%s\n' "$TDSD_PASSWORD" >"$TDSD_DIR/pw"
	_tdsd_launch "$@" || return 1
	test_atexit tdsd_stop
	return 0
}

_tdsd_launch() {
	rm -f "$TDSD_DIR/port"
	"$HELPERS/tdsd" --listen "127.0.0.1:${TDSD_PORT:-0}" \
	    --db "$TDSD_DIR/tds.db" --user "$TDSD_USER" \
	    --password-file "$TDSD_DIR/pw" --port-file "$TDSD_DIR/port" \
	    --stats "$TDSD_DIR/stats" "$@" >"$TDSD_DIR/out" 2>>"$TDSD_DIR/log" &
	TDSD_PID=$!
	_n=0
	while [ ! -s "$TDSD_DIR/port" ]; do
		if ! kill -0 "$TDSD_PID" 2>/dev/null || [ $_n -gt 300 ]; then
			echo "tdsd_start: tdsd did not start" >&2
			cat "$TDSD_DIR/log" >&2
			return 1
		fi
		sleep 0.1
		_n=$((_n + 1))
	done
	TDSD_PORT=$(cat "$TDSD_DIR/port")
	printf '[global]\n\ttds version = 7.4\n[tdsd]\n\thost = 127.0.0.1\n\tport = %s\n\tencryption = off\n[tdsd_request]\n\thost = 127.0.0.1\n\tport = %s\n\tencryption = request\n\ttds version = auto\n' \
	    "$TDSD_PORT" "$TDSD_PORT" >"$TDSD_DIR/freetds.conf"
	FREETDSCONF=$TDSD_DIR/freetds.conf
	export FREETDSCONF TDSD_PORT TDSD_PID TDSD_DIR TDSD_USER TDSD_PASSWORD \
	    TDSD_DB TDSD_PYTHON
}

tdsd_stop() {
	TDSD_RC=
	if [ -n "${TDSD_PID:-}" ] && kill -0 "$TDSD_PID" 2>/dev/null; then
		kill "$TDSD_PID" 2>/dev/null
		wait "$TDSD_PID" 2>/dev/null
		TDSD_RC=$?
	fi
	TDSD_PID=
	return 0
}

tdsd_restart() {
	tdsd_stop
	_tdsd_launch "$@"
}

tdsd_tsql() {
	LC_ALL=C.UTF-8 tsql -S tdsd -U "$TDSD_USER" -P "$TDSD_PASSWORD" \
	    -D "$TDSD_DB" "$@"
}

# tdsd_sql SQL: one batch through tsql; rows without header or footer.
tdsd_sql() {
	printf '%s\ngo\n' "$1" | tdsd_tsql -o fhq
}

_tdsd_py_prelude='
import os, sys, pytds
PORT = int(os.environ["TDSD_PORT"])
USER = os.environ["TDSD_USER"]
PASSWORD = os.environ["TDSD_PASSWORD"]
DB = os.environ["TDSD_DB"]
def conn(**kw):
    a = dict(server="127.0.0.1", port=PORT, database=DB, user=USER,
             password=PASSWORD, autocommit=True)
    a.update(kw)
    return pytds.connect(**a)
'

tdsd_py() {
	[ -n "${TDSD_PYTHON:-}" ] || { echo "tdsd_py: no python3 with pytds (python3-tds)" >&2; return 1; }
	{ printf '%s\n' "$_tdsd_py_prelude"; cat; } | "$TDSD_PYTHON" -
}

tdsd_raw() {
	{ printf 'import sys; sys.path.insert(0, "%s")\nfrom rawtds import *\n' \
	    "$TESTS/tdsd"; cat; } | "${TDSD_PYTHON:-python3}" -
}
