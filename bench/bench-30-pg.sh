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
empty() {
	psql -X -q -c "TRUNCATE staging.claims, staging.cms1500_line_items, staging.cms1500_diagnoses, staging.processing_batches" \
	    -c "VACUUM" -c "CHECKPOINT" >/dev/null
}
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? a : b) }'; }

raw_load() {
	empty
	t0=$(now)
	psql -X -q -v ON_ERROR_STOP=1 \
	    -c "\\copy staging.claims ($CC) from '$OUT/pg30-$N-claims.tsv'" \
	    -c "\\copy staging.cms1500_line_items ($LC) from '$OUT/pg30-$N-lines.tsv'" \
	    -c "\\copy staging.cms1500_diagnoses ($DC) from '$OUT/pg30-$N-diags.tsv'"
	t1=$(now)
	echo "$t1 - $t0" | bc
}
ck_load() {
	empty
	t0=$(now)
	claims-load --to '' --batch-size "${BENCH_PG_BATCH:-5000}" "$nd" 2>"$T/load.err" ||
	    { cat "$T/load.err" >&2; exit 1; }
	t1=$(now)
	echo "$t1 - $t0" | bc
}
raw_fetch() {
	t0=$(now)
	psql -X -q -c "COPY (SELECT $FC FROM staging.claims ORDER BY id) TO STDOUT" >/dev/null
	t1=$(now)
	echo "$t1 - $t0" | bc
}
ck_fetch() {
	t0=$(now)
	claims-fetch --from '' >"$T/fetch.out"
	t1=$(now)
	n=$(wc -l <"$T/fetch.out")
	[ "$n" -eq "$N" ] || { echo "claims-fetch returned $n of $N claims" >&2; exit 1; }
	rm -f "$T/fetch.out"
	echo "$t1 - $t0" | bc
}

r1=$(raw_load); c1=$(ck_load); r2=$(raw_load); c2=$(ck_load)
raw=$(best "$r1" "$r2"); ck=$(best "$c1" "$c2")
lines=$(psql -X -Atc "SELECT count(*) FROM staging.cms1500_line_items")
claims=$(psql -X -Atc "SELECT count(*) FROM staging.claims")
[ "$claims" -eq "$N" ] || { echo "claims-load stored $claims of $N claims" >&2; exit 1; }
tail -n 1 "$T/load.err" >&2
awk -v n="$N" -v l="$lines" -v r="$raw" -v c="$ck" 'BEGIN {
	printf "pg-load-raw-copy: %.0f claims/s (%d claims, %d lines, %.2f s)\n", n / r, n, l, r
	printf "pg-load-claims-load: %.0f claims/s (%.2f s) (%.2f vs raw COPY)\n", n / c, c, r / c
}'

f0=$(ck_fetch)	# warm-up (and the count check)
r1=$(raw_fetch); c1=$(ck_fetch); r2=$(raw_fetch); c2=$(ck_fetch)
raw=$(best "$r1" "$r2"); ck=$(best "$c1" "$c2")
awk -v n="$N" -v r="$raw" -v c="$ck" 'BEGIN {
	printf "pg-fetch-raw-copy: %.0f claims/s (%.2f s)\n", n / r, r
	printf "pg-fetch-claims-fetch: %.0f claims/s (%.2f s) (%.2f vs raw COPY)\n", n / c, c, r / c
}'
