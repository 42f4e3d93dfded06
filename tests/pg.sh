# tests/pg.sh: a private PostgreSQL for one test file (and for make demo).
#
#	. "$TESTS/pg.sh"
#	pg_start || exit 1  # initdb in $PGROOT, Unix socket only, no TCP; call it at
#	                    # top level, not inside test_expect_success (its
#	                    # exports must reach the later tests)
#	pg_install_schema   # psql -f sql/postgresql/install.sql
#	pg_stop | pg_kill | pg_restart
#
# Exports PGHOST (the socket directory), PGPORT, PGUSER, PGDATABASE, so that
# psql and a libpq "" conninfo reach it.  Stopped at exit (test_atexit).
# When run as root (CI), the server runs as the Debian 'postgres' user:
# initdb refuses to run as root.

pg_bindir() {
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
		[ -x "$d/initdb" ] && { echo "$d"; return 0; }
	done
	return 1
}

_pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	PGBIN=$(pg_bindir) || { echo "pg_start: PostgreSQL server not installed (make deps)" >&2; return 1; }
	PGROOT=${PGROOT:-${T:?}/pg}
	mkdir -p "$PGROOT/sock" || return 1
	if [ "$(id -u)" -eq 0 ]; then
		# The server user must reach its directory through ours.
		_d=$PGROOT
		while [ "$_d" != / ] && [ -n "$_d" ]; do chmod o+x "$_d" 2>/dev/null; _d=$(dirname "$_d"); done
		chown -R postgres "$PGROOT"
	fi
	_pg_as "$PGBIN/initdb" -D "$PGROOT/data" -U postgres -A trust -E UTF8 \
	    --locale=C.UTF-8 >"$PGROOT/initdb.log" 2>&1 ||
	    _pg_as "$PGBIN/initdb" -D "$PGROOT/data" -U postgres -A trust -E UTF8 \
	    --locale=C >"$PGROOT/initdb.log" 2>&1 ||
	    { cat "$PGROOT/initdb.log" >&2; return 1; }
	cat >>"$PGROOT/data/postgresql.conf" <<-CONF
	listen_addresses = ''
	unix_socket_directories = '$PGROOT/sock'
	fsync = off
	synchronous_commit = off
	full_page_writes = off
	max_connections = 50
	CONF
	PGHOST=$PGROOT/sock PGPORT=5432 PGUSER=postgres PGDATABASE=claimkit
	export PGHOST PGPORT PGUSER PGDATABASE PGBIN PGROOT
	unset PGPASSWORD PGSERVICE PGSERVICEFILE PGPASSFILE
	_pg_ctl_start || return 1
	command -v test_atexit >/dev/null 2>&1 && test_atexit pg_stop
	"$PGBIN/createdb" claimkit || return 1
}

_pg_ctl_start() {
	_pg_as "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w -t 60 start >/dev/null ||
	    { cat "$PGROOT/server.log" >&2; return 1; }
}

pg_stop() {
	[ -n "${PGROOT:-}" ] && [ -f "$PGROOT/data/postmaster.pid" ] &&
	    _pg_as "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null 2>&1
	return 0
}

# Kill the server without a shutdown (a crash as far as clients can tell).
pg_kill() {
	_pid=$(head -n 1 "$PGROOT/data/postmaster.pid" 2>/dev/null) || return 1
	kill -9 "$_pid"
	while kill -0 "$_pid" 2>/dev/null; do sleep 0.1; done
	# Children end when the postmaster dies; wait until the socket is free.
	sleep 0.5
	rm -f "$PGROOT/data/postmaster.pid"
}

pg_restart() {
	_pg_ctl_start
}

pg_install_schema() {
	psql -X -q -v ON_ERROR_STOP=1 -f "$SRC/sql/postgresql/install.sql" >/dev/null
}

# pg_password_role NAME PASSWORD: a login role that must give its password
# (scram-sha-256), for the wrong-password tests; every other role keeps the
# trust login of pg_start.  The role may use the claimkit database.
pg_password_role() {
	psql -X -q -v ON_ERROR_STOP=1 \
	    -c "CREATE ROLE \"$1\" LOGIN PASSWORD '$2'" \
	    -c "GRANT ALL ON DATABASE claimkit TO \"$1\"" >/dev/null || return 1
	_hba=$PGROOT/data/pg_hba.conf
	{ echo "local all $1 scram-sha-256"; cat "$_hba"; } >"$_hba.new" &&
	    cat "$_hba.new" >"$_hba" && rm -f "$_hba.new" || return 1
	_pg_as "$PGBIN/pg_ctl" -D "$PGROOT/data" reload >/dev/null
	# The reload is asynchronous: wait until the new rule applies.
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		PGPASSWORD=not-$2 psql -X -q -U "$1" -c 'SELECT 1' \
		    >/dev/null 2>&1 || return 0
		sleep 0.2
	done
	return 1
}
