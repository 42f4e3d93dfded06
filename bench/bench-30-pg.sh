#!/bin/sh
# bench-30-pg.sh BUILD: claims-load and claims-fetch against raw COPY.
#
# A private PostgreSQL (tests/pg.sh) under bench/out/pg30; N generated
# claims (default 1,000,000, about 2.5 M service lines; BENCH_PG_CLAIMS=N
# to change) as NDJSON, and the same rows as pre-made COPY text files.
#   load:  claims-load --to '' claims.ndjson   vs   psql \copy of the three
#          files into the same tables (same columns, same indexes)
#   fetch: claims-fetch >/dev/null   vs   COPY (SELECT the same columns of
#          the same rows, same order) TO STDOUT >/dev/null
# Ratio = raw time / claimkit time (1.0: as fast as raw COPY; target 0.7).
# Each side is timed twice and the faster run kept: the machine is shared.
# CPU seconds (client process, server processes) are printed too: on a
# busy machine they say more than the wall clock.  Needs perl and /proc.
set -eu
BUILD=${1:?usage: bench-30-pg.sh BUILD}
cd "$(dirname "$0")/.."
SRC=$(pwd)
N=${BENCH_PG_CLAIMS:-1000000}
OUT=$SRC/bench/out
PATH=$BUILD/bin:$BUILD/tests:$PATH
export PATH SRC
mkdir -p "$OUT"

if command -v edi-gen >/dev/null 2>&1 && command -v edi-parse >/dev/null 2>&1 &&
    [ -n "${BENCH_PG_EDI:-}" ]; then
	gen="edi-gen | edi-parse"
else
	gen=test-pggen
fi
nd=$OUT/pg30-$N.ndjson
if [ ! -s "$nd" ] || [ ! -s "$OUT/pg30-$N-claims.tsv" ]; then
	echo "generating $N claims ($gen)" >&2
	test-pggen -n "$N" -o 0 >"$nd.tmp" && mv "$nd.tmp" "$nd"
	test-pggen -n "$N" -o 0 -c "$OUT/pg30-$N"
fi

T=$OUT/pg30.tmp
rm -rf "$T" && mkdir -p "$T"
PGROOT=$T/pg
. "$SRC/tests/pg.sh"
pg_start >/dev/null
trap 'pg_stop; rm -rf "$T"' EXIT INT TERM
# A bench server with room for a large load: fewer checkpoints.
psql -X -q -c "ALTER SYSTEM SET max_wal_size = '8GB'" -c "ALTER SYSTEM SET checkpoint_timeout = '30min'" \
    -c "SELECT pg_reload_conf()" >/dev/null
pg_install_schema

CC="batch_id, claim_id, facility_id, department_id, financial_class_id, patient_id, patient_age, patient_dob, patient_sex, patient_account_number, provider_id, provider_type, rendering_provider_npi, place_of_service, service_date, service_date_to, total_charge_amount, total_claim_charges, claim_filing_indicator, payer_name, primary_insurance_id, secondary_insurance_id, created_by, claim_data"
LC="claim_id, line_number, service_date_from, service_date_to, place_of_service_code, emergency_indicator, procedure_qualifier, cpt_code, modifier_1, modifier_2, modifier_3, modifier_4, procedure_description, diagnosis_pointers, line_charge_amount, units, unit_basis, epsdt_family_plan, rendering_provider_id_qualifier, rendering_provider_id, ndc_code"
DC="claim_id, diagnosis_sequence, diagnosis_qualifier, icd_code, icd_code_type, is_primary"
FC="id, claim_id, processing_status, batch_id, lease_owner, to_char(lease_expires AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), facility_id, financial_class_id, department_id, claim_data"

now() { date +%s.%N; }
TCK=$(getconf CLK_TCK)
# CPU seconds of the server: the postmaster, its reaped children (ended
# sessions) and its live children (background processes, open sessions).
pgcpu() {
	pm=$(head -n 1 "$PGROOT/data/postmaster.pid")
	t=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pm/stat")
	for p in $(pgrep -P "$pm"); do
		t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo "$t"
}
# run CMD...: run it, print "wall client-cpu server-cpu" (seconds); the
# command's output goes to $T/run.out, its errors to $T/run.err.
run() {
	s0=$(pgcpu); t0=$(now)
	perl -e 'my ($o, $e, $c) = splice(@ARGV, 0, 3);
	    open(STDOUT, ">", $o) or die; open(STDERR, ">", $e) or die;
	    system(@ARGV) == 0 or exit 1; my @t = times;
	    open(my $f, ">", $c) or die; printf $f "%.2f\n", $t[2] + $t[3]' \
	    "$T/run.out" "$T/run.err" "$T/run.cpu" "$@" ||
	    { echo "bench: $* failed" >&2; cat "$T/run.err" >&2; exit 1; }
	c=$(cat "$T/run.cpu")
	t1=$(now); s1=$(pgcpu)
	echo "$t1 $t0 $c $s1 $s0 $TCK" | awk '{ printf "%.2f %.2f %.2f\n", $1 - $2, $3, ($4 - $5) / $6 }'
}
empty() {
	psql -X -q -c "TRUNCATE staging.claims, staging.cms1500_line_items, staging.cms1500_diagnoses, staging.processing_batches" \
	    -c "VACUUM" -c "CHECKPOINT" >/dev/null
}
# best A B: the run (of two "wall client server" lines) with less wall time.
best() { printf '%s\n%s\n' "$1" "$2" | sort -n | head -n 1; }

raw_load() {
	empty
	run psql -X -q -v ON_ERROR_STOP=1 \
	    -c "\\copy staging.claims ($CC) from '$OUT/pg30-$N-claims.tsv'" \
	    -c "\\copy staging.cms1500_line_items ($LC) from '$OUT/pg30-$N-lines.tsv'" \
	    -c "\\copy staging.cms1500_diagnoses ($DC) from '$OUT/pg30-$N-diags.tsv'"
}
ck_load() {
	empty
	run claims-load --to '' --batch-size "${BENCH_PG_BATCH:-1000}" "$nd"
	tail -n 1 "$T/run.err" >"$T/load.summary"
}
raw_fetch() {
	run psql -X -q -c "COPY (SELECT $FC FROM staging.claims ORDER BY id) TO STDOUT"
}
ck_fetch() {
	run claims-fetch --from ''
	n=$(wc -l <"$T/run.out")
	[ "$n" -eq "$N" ] || { echo "claims-fetch returned $n of $N claims" >&2; exit 1; }
}
report() {	# name raw ck
	echo "$2 $3" | awk -v n="$N" -v name="$1" '{
		printf "%s-raw-copy: %.0f claims/s (%.2f s; CPU %.2f s client + %.2f s server)\n",
		    name, n / $1, $1, $2, $3
		printf "%s-claimkit: %.0f claims/s (%.2f s; CPU %.2f s client + %.2f s server) (%.2f vs raw COPY; CPU %.2f)\n",
		    name, n / $4, $4, $5, $6, $1 / $4, ($2 + $3) / ($5 + $6)
	}'
}

r1=$(raw_load); c1=$(ck_load); r2=$(raw_load); c2=$(ck_load)
claims=$(psql -X -Atc "SELECT count(*) FROM staging.claims")
lines=$(psql -X -Atc "SELECT count(*) FROM staging.cms1500_line_items")
[ "$claims" -eq "$N" ] || { echo "claims-load stored $claims of $N claims" >&2; exit 1; }
cat "$T/load.summary" >&2
echo "pg-load: $N claims, $lines lines"
report pg-load "$(best "$r1" "$r2")" "$(best "$c1" "$c2")"

ck_fetch >/dev/null	# warm-up, and the count check
r1=$(raw_fetch); c1=$(ck_fetch); r2=$(raw_fetch); c2=$(ck_fetch)
report pg-fetch "$(best "$r1" "$r2")" "$(best "$c1" "$c2")"
