# tests/mssql.sh: the project's TDS test server (tests/tdsd) for one test
# file, and the client settings claims-load and tsql need to reach it.
#
#	. "$TESTS/mssql.sh"
#	tds_start [tdsd options...] || exit 1   # at top level (exports)
#	tds_install_schema                     # tsql < sql/sqlserver/install.sql
#	tds_query 'SELECT ...'                 # rows on stdout, tab-separated
#	tds_stop | tds_restart [tdsd options...]   # also inside a test
#
# tdsd listens on 127.0.0.1 at a port it chooses, with a SQLite file under
# $TDSROOT that survives tds_restart (so a test can add --fault options for
# the next run).  Exports FREETDSCONF (a freetds.conf with the entry
# [tdsd] and no client charset: claims-load must get UTF-8 by itself),
# TDS_SERVER (HOST:PORT), TDS_USER, TDS_PASSWORD, TDS_DB,
# CLAIMKIT_MSSQL_PASSWORD and TDS_TARGET (mssql://USER@HOST:PORT/DB).

TDS_USER=loader
TDS_PASSWORD='s3cret pw'
TDS_DB=smart_pro_claims

tds_start() {
	TDSROOT=${TDSROOT:-${T:?}/tds}
	mkdir -p "$TDSROOT" || return 1
	[ -f "$HELPERS/tdsd" ] && [ -x "$HELPERS/tdsd" ] || { echo "tds_start: $HELPERS/tdsd not built" >&2; return 1; }
	printf '%s\n' "$TDS_PASSWORD" >"$TDSROOT/pw"
	_tds_launch "$@" || return 1
	command -v test_atexit >/dev/null 2>&1 && test_atexit tds_stop
	return 0
}

_tds_launch() {
	: >"$TDSROOT/out"
	"$HELPERS/tdsd" --listen "127.0.0.1:${TDS_PORT:-0}" --db "$TDSROOT/tds.db" \
	    --user "$TDS_USER" --password-file "$TDSROOT/pw" \
	    --stats "$TDSROOT/stats" "$@" >"$TDSROOT/out" 2>"$TDSROOT/log" &
	TDS_PID=$!
	# In a file: tests run in subshells, and a restart there must be
	# seen by the next test and by the exit hook.
	echo "$TDS_PID" >"$TDSROOT/pid"
	_n=0
	while ! grep -q '^listening on ' "$TDSROOT/out" 2>/dev/null; do
		if ! kill -0 "$TDS_PID" 2>/dev/null || [ $_n -gt 100 ]; then
			echo "tds_start: tdsd did not start" >&2
			cat "$TDSROOT/log" >&2
			return 1
		fi
		sleep 0.1
		_n=$((_n + 1))
	done
	TDS_SERVER=$(sed -n 's/^listening on //p' "$TDSROOT/out" | head -n 1)
	TDS_PORT=${TDS_SERVER##*:}
	printf '[global]\n\ttds version = 7.4\n[tdsd]\n\thost = 127.0.0.1\n\tport = %s\n\tencryption = off\n' \
	    "$TDS_PORT" >"$TDSROOT/freetds.conf"
	FREETDSCONF=$TDSROOT/freetds.conf
	CLAIMKIT_MSSQL_PASSWORD=$TDS_PASSWORD
	TDS_TARGET=mssql://$TDS_USER@$TDS_SERVER/$TDS_DB
	export FREETDSCONF CLAIMKIT_MSSQL_PASSWORD TDS_TARGET TDS_SERVER TDS_PORT \
	    TDS_USER TDS_PASSWORD TDS_DB TDS_PID TDSROOT
}

tds_stop() {
	_p=$(cat "${TDSROOT:-/nonexistent}/pid" 2>/dev/null) || return 0
	if [ -n "$_p" ] && kill "$_p" 2>/dev/null; then
		while kill -0 "$_p" 2>/dev/null; do sleep 0.05; done
	fi
	rm -f "$TDSROOT/pid"
	return 0
}

# Restart on the same port and database, with new options (faults).
tds_restart() {
	tds_stop
	_tds_launch "$@"
}

# tsql as a reader: UTF-8 whatever the test's locale, quiet, no header.
_tds_tsql() {
	LC_ALL=C.UTF-8 tsql -S tdsd -U "$TDS_USER" -P "$TDS_PASSWORD" \
	    -D "$TDS_DB" "$@"
}

tds_install_schema() {
	_tds_tsql -o q <"$SRC/sql/sqlserver/install.sql" >"$TDSROOT/install.out" 2>&1 &&
	    ! grep -q -i -e 'Msg [0-9]' -e error "$TDSROOT/install.out" ||
	    { cat "$TDSROOT/install.out" >&2; return 1; }
}

# tds_query SQL: result rows, tab-separated, without header or footer.
tds_query() {
	printf '%s\ngo\n' "$1" | _tds_tsql -o fhq
}
