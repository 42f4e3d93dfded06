#!/bin/sh
# bench-70-mssql.sh BUILD: claims-load --to mssql:// into the project's TDS
# server (tests/tdsd), against freebcp loading the same rows in the same run.
#
# Data: N claims (default 20,000; BENCH_MSSQL_CLAIMS=N) made by edi-gen and
# run through edi-parse | claims-validate | rvu-price, kept in bench/out/.
# The server runs with --stats, which counts per connection the requests
# (SQL batches, bulk loads) and packets it received.
#
#   claims-load   default settings (batches of 1000, the encrypted record
#                 in ClaimData), then again with mssql.claim_data = no
#   freebcp       the rows claims-load wrote (dbo.Claims, Cms1500LineItems,
#                 Cms1500Diagnoses, FailedClaimDetails), copied out with
#                 freebcp and loaded again with freebcp -b 1000 into an
#                 empty database
#
# Printed: claims/s, requests and packets per 10,000 claims.  Ratio =
# freebcp time / claims-load time (above 1: claims-load is faster).  The
# target is at most 20 requests per 10,000 claims.  Times are the best of
# two runs: the machine is shared.
set -eu
BUILD=${1:?usage: bench-70-mssql.sh BUILD}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
cd "$(dirname "$0")/.."
SRC=$(pwd)
N=${BENCH_MSSQL_CLAIMS:-20000}
OUT=$SRC/bench/out
PATH=$BUILD/bin:$BUILD/tests:$PATH
export PATH SRC
mkdir -p "$OUT"

die() { echo "bench-70-mssql: $*" >&2; exit 1; }
for t in edi-gen edi-parse claims-validate rvu-price claims-load tdsd tsql freebcp; do
	command -v $t >/dev/null 2>&1 || die "$t not found (build, make deps)"
done

nd=$OUT/mssql70-$N.ndjson
ref=$OUT/mssql70-ref
if [ ! -s "$nd" ]; then
	echo "generating $N claims" >&2
	edi-gen -n "$N" -S 70 --defects 0.02 --write-ref "$ref" -o "$OUT/mssql70-$N.837"
	edi-parse "$OUT/mssql70-$N.837" >"$nd.p" 2>"$OUT/mssql70-parse.err" ||
	    [ $? -eq 1 ]
	claims-validate --ref "$ref" "$nd.p" >"$nd.v" || [ $? -eq 1 ]
	rvu-price --data "$SRC/examples/cms" "$nd.v" >"$nd.tmp" 2>/dev/null
	mv "$nd.tmp" "$nd"
	rm -f "$nd.p" "$nd.v"
fi
n=$(wc -l <"$nd")

W=$OUT/mssql70.tmp
rm -rf "$W" && mkdir -p "$W"
TDS_USER=bench
TDS_PASSWORD=bench-pw
TDS_DB=smart_pro_claims
printf '%s\n' "$TDS_PASSWORD" >"$W/pw"
(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$W/key" && echo >>"$W/key")
PID=

stop() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	PID=
	return 0
}
trap stop EXIT

# start DBFILE [reuse]: a server on a fresh port, schema and reference rows
# in place (reuse: the database already has them).
start() {
	stop
	: >"$W/out"
	tdsd --listen 127.0.0.1:0 --db "$1" --user "$TDS_USER" \
	    --password-file "$W/pw" --stats "$W/stats" >"$W/out" 2>"$W/log" &
	PID=$!
	i=0
	until grep -q '^listening on ' "$W/out"; do
		kill -0 "$PID" 2>/dev/null && [ $i -lt 100 ] || die "tdsd did not start"
		sleep 0.1
		i=$((i + 1))
	done
	SERVER=$(sed -n 's/^listening on //p' "$W/out")
	printf '[global]\n\ttds version = 7.4\n[tdsd]\n\thost = 127.0.0.1\n\tport = %s\n\tencryption = off\n' \
	    "${SERVER##*:}" >"$W/freetds.conf"
	FREETDSCONF=$W/freetds.conf
	export FREETDSCONF
	sql <"$SRC/sql/sqlserver/install.sql" >/dev/null
	[ "${2:-}" = reuse ] && return 0
	{ awk -F, -v q="'" 'FNR > 1 && $1 != "" { gsub(q, q q, $2);
		printf "INSERT INTO dbo.Facilities (FacilityId, FacilityName) VALUES (N%s%s%s, N%s%s%s);\n", q, $1, q, q, $2, q }' \
	    "$ref/facilities.csv"
	  awk -F, -v q="'" 'FNR > 1 && $1 != "" { gsub(q, q q, $2);
		fac = $3 == "" ? "NULL" : "N" q $3 q;
		printf "INSERT INTO dbo.FinancialClasses (FinancialClassId, FinancialClassDescription, FacilityId) VALUES (N%s%s%s, N%s%s%s, %s);\n", q, $1, q, q, $2, q, fac }' \
	    "$ref/financial_classes.csv"
	  echo go; } | sql >/dev/null
}

sql() {
	LC_ALL=C.UTF-8 tsql -S tdsd -U "$TDS_USER" -P "$TDS_PASSWORD" \
	    -D "$TDS_DB" -o fhq
}

# counts APP: "requests packets" summed over the connections of APP.
counts() {
	awk -v app="$1" '{
		ok = 0; r = 0; p = 0
		for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == "app" && kv[2] == app) ok = 1
			if (kv[1] == "batches" || kv[1] == "bulk" || kv[1] == "rpc") r += kv[2]
			if (kv[1] == "packets_in") p += kv[2]
		}
		if (ok) { R += r; P += p }
	} END { printf "%d %d\n", R, P }' "$W/stats"
}

now() { date +%s.%N; }

# load_run LABEL CONF: time claims-load into a fresh database (best of 2).
best=
load_run() {
	best=
	for k in 1 2; do
		start "$W/db-$1-$k"
		: >"$W/stats"
		t0=$(now)
		CLAIMKIT_CONF=$2 CLAIMKIT_MSSQL_PASSWORD=$TDS_PASSWORD \
		    claims-load --key-file "$W/key" --to "mssql://$TDS_USER@$SERVER/$TDS_DB" \
		    "$nd" 2>"$W/load-$1.err" || [ $? -eq 1 ] ||
		    { cat "$W/load-$1.err" >&2; die "claims-load failed"; }
		t1=$(now)
		stop
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then
			best=$t
			counts claims-load >"$W/counts-$1"
		fi
	done
}

per10k() { echo "scale=1; $1 * 10000 / $n" | bc -l; }

: >"$W/empty.conf"
echo "mssql.claim_data = no" >"$W/nodata.conf"

load_run full "$W/empty.conf"
t_full=$best
read -r req_full pk_full <"$W/counts-full"
load_run nodata "$W/nodata.conf"
t_nodata=$best
read -r req_nodata pk_nodata <"$W/counts-nodata"

# freebcp: the same rows, out of the database claims-load filled, into an
# empty one.
start "$W/db-full-1" reuse
for t in Claims Cms1500LineItems Cms1500Diagnoses FailedClaimDetails; do
	freebcp "$TDS_DB.dbo.$t" out "$W/$t.bcp" -c -S tdsd -U "$TDS_USER" \
	    -P "$TDS_PASSWORD" >"$W/bcpout-$t.log" 2>&1 || { cat "$W/bcpout-$t.log" >&2; die "freebcp out $t failed"; }
done
best=
for k in 1 2; do
	start "$W/db-bcp-$k"
	: >"$W/stats"
	t0=$(now)
	for t in Claims Cms1500LineItems Cms1500Diagnoses FailedClaimDetails; do
		freebcp "$TDS_DB.dbo.$t" in "$W/$t.bcp" -c -b 1000 -S tdsd \
		    -U "$TDS_USER" -P "$TDS_PASSWORD" >"$W/bcpin-$t.log" 2>&1 ||
		    { cat "$W/bcpin-$t.log" >&2; die "freebcp in $t failed"; }
	done
	t1=$(now)
	stop
	t=$(echo "$t1 - $t0" | bc -l)
	if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then
		best=$t
		counts FreeBCP >"$W/counts-bcp"
	fi
done
t_bcp=$best
read -r req_bcp pk_bcp <"$W/counts-bcp"

printf 'mssql claims: %d (%s)\n' "$n" "$(basename "$nd")"
printf 'mssql claims-load: %.0f claims/s (%.2f x freebcp)\n' \
    "$(echo "$n / $t_full" | bc -l)" "$(echo "$t_bcp / $t_full" | bc -l)"
printf 'mssql claims-load requests: %s per 10000 claims (target 20; freebcp %s)\n' \
    "$(per10k "$req_full")" "$(per10k "$req_bcp")"
printf 'mssql claims-load packets: %s per 10000 claims (freebcp %s)\n' \
    "$(per10k "$pk_full")" "$(per10k "$pk_bcp")"
printf 'mssql claims-load without ClaimData: %.0f claims/s (%.2f x freebcp), %s requests, %s packets per 10000 claims\n' \
    "$(echo "$n / $t_nodata" | bc -l)" "$(echo "$t_bcp / $t_nodata" | bc -l)" \
    "$(per10k "$req_nodata")" "$(per10k "$pk_nodata")"
printf 'mssql freebcp: %.0f claims/s (4 tables, -b 1000)\n' "$(echo "$n / $t_bcp" | bc -l)"
