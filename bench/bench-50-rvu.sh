#!/bin/sh
# bench-50-rvu BUILD: rvu-price
#  1. start-up plus pricing one claim with a compiled index, wall time over
#     many runs (hyperfine; farm-bench when hyperfine is missing).
#     Target: under 5 ms.
#  2. throughput on a million generated claims, next to `jq -c .` on the
#     same file in the same run.  Target: at least 5x jq.
#
# Reference data: ../shared/data/cms (the full CMS 2025 files) when present,
# else the trimmed copy in tests/data/cms.  Claims: edi-gen | edi-parse
# (1,000,000 claims, seed 50), or, when those tools are not built, an awk
# generator of records shaped like examples/rvu-claims.ndjson.  Both kept in
# bench/out/ between runs.  MB = 10^6 bytes.
set -eu
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
cd "$(dirname "$0")/.."
OUT=bench/out
PATH=$BUILD/bin:$PATH
export PATH
mkdir -p "$OUT"
N=${BENCH_RVU_CLAIMS:-1000000}

die() { echo "bench-50-rvu: $*" >&2; exit 1; }
command -v rvu-price >/dev/null || die "rvu-price not built in $BUILD/bin"
command -v jq >/dev/null || die "jq is needed for the baseline"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed"

if [ -f ../shared/data/cms/PPRRVU2025_Oct.csv ]; then
	CMS=../shared/data/cms
else
	CMS=tests/data/cms
fi
IDX=$OUT/rvu-pfs.idx

# time_run OUTFILE cmd...: "seconds maxrss_kb" of cmd into OUTFILE.
time_run() {
	_o=$1
	shift
	/usr/bin/time -f '%e %M' -o "$_o" "$@" || die "$* failed"
}

time_run "$OUT/rvu-compile.time" rvu-price --compile --data "$CMS" -o "$IDX"
read -r cs ck <"$OUT/rvu-compile.time"
echo "data: $CMS, index $(wc -c <"$IDX") bytes"
echo "rvu-price --compile: $cs s (peak RSS $((ck / 1024)) MB)"

# ---- the claims ----
DATA=$OUT/rvu-claims-$N.ndjson
if [ ! -s "$DATA" ]; then
	if command -v edi-gen >/dev/null && command -v edi-parse >/dev/null; then
		echo "generating $DATA (edi-gen -n $N -S 50 | edi-parse) ..."
		edi-gen -n "$N" -S 50 | edi-parse >"$DATA.tmp" ||
		    [ $? -eq 1 ] || die "edi-gen | edi-parse failed"
	else
		echo "generating $DATA (awk; edi-gen/edi-parse not built) ..."
		awk -v n="$N" 'BEGIN {
		split("99213 99214 99215 99203 99204 71046 70450 20610 " \
		    "11042 97110 97140 93000 36415 96523 27447 45380 " \
		    "45378 93306 92133 G0008", code, " ")
		split("35201 35203 36104 10001 98101 94103", zip, " ")
		srand(50)
		for (i = 1; i <= n; i++) {
			z = zip[int(rand() * 6) + 1]
			pos = rand() < 0.8 ? "11" : "22"
			printf "{\"record_version\":1,\"claim_id\":\"%032x\"," \
			    "\"billing_provider\":{\"entity_type\":\"2\"," \
			    "\"name\":\"BENCH CLINIC %d\",\"npi\":\"1234567893\"," \
			    "\"address\":{\"line1\":\"100 MAIN ST\",\"city\":" \
			    "\"CITY\",\"state\":\"AL\",\"zip\":\"%s\"}}," \
			    "\"subscriber\":{\"relationship\":\"18\"," \
			    "\"claim_filing_indicator\":\"MB\",\"last_name\":" \
			    "\"DOE\",\"first_name\":\"JANE\",\"member_id\":" \
			    "\"1EG4TE5MK72\"},\"claim\":{\"patient_account_number\":" \
			    "\"B%d\",\"total_charge\":500.00,\"place_of_service\":" \
			    "\"%s\",\"service_date_from\":\"2025-06-02\"}," \
			    "\"diagnoses\":[{\"sequence\":1,\"qualifier\":\"ABK\"," \
			    "\"code\":\"J449\",\"is_primary\":true}],\"lines\":[",
			    i, i % 97, z, i, pos
			nl = int(rand() * 4) + 1
			for (j = 1; j <= nl; j++)
				printf "%s{\"line_number\":%d,\"procedure_qualifier\":" \
				    "\"HC\",\"procedure_code\":\"%s\",\"charge\":" \
				    "%d.00,\"unit_basis\":\"UN\",\"units\":%d," \
				    "\"diagnosis_pointers\":[1],\"service_date\":" \
				    "\"2025-06-02\"}", j > 1 ? "," : "", j,
				    code[int(rand() * 20) + 1],
				    int(rand() * 400) + 20, int(rand() * 2) + 1
			printf "]}\n"
		}
		}' >"$DATA.tmp"
	fi
	mv "$DATA.tmp" "$DATA"
fi
bytes=$(wc -c <"$DATA")
claims=$(wc -l <"$DATA")
echo "claims: $DATA, $claims claims, $(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }') MB"

# ---- 1. start-up plus one claim ----
ONE=$OUT/rvu-one.ndjson
head -n 1 "$DATA" >"$ONE"
if command -v hyperfine >/dev/null; then
	hyperfine -N --warmup 50 --runs 1000 --export-json "$OUT/rvu-one.json" \
	    "rvu-price --index $IDX $ONE" >/dev/null 2>&1 ||
	    die "hyperfine failed"
	jq -r '.results[0] | "rvu-price start-up + 1 claim (index): \(.median * 1000 * 100 | round / 100) ms median, \(.mean * 1000 * 100 | round / 100) ms mean, \(.min * 1000 * 100 | round / 100) ms min over \(.times | length) runs (target < 5 ms)"' \
	    "$OUT/rvu-one.json"
	hyperfine -N --warmup 3 --runs 30 --export-json "$OUT/rvu-one-csv.json" \
	    "rvu-price --data $CMS $ONE" >/dev/null 2>&1 || die "hyperfine failed"
	jq -r '.results[0] | "rvu-price start-up + 1 claim (CSV files, for comparison): \(.median * 1000 * 100 | round / 100) ms median"' \
	    "$OUT/rvu-one-csv.json"
else
	farm-bench -n 100 --warmup 10 -- rvu-price --index "$IDX" "$ONE"
fi

# ---- 2. throughput, against jq -c . ----
time_run "$OUT/rvu-price.time" sh -c 'rvu-price --index "$1" "$2" >/dev/null' \
    sh "$IDX" "$DATA"
read -r rs rk <"$OUT/rvu-price.time"
time_run "$OUT/rvu-jq.time" sh -c 'jq -c . "$1" >/dev/null' sh "$DATA"
read -r js jk <"$OUT/rvu-jq.time"
awk -v b="$bytes" -v c="$claims" -v rs="$rs" -v rk="$rk" -v js="$js" \
    -v jk="$jk" 'BEGIN {
	if (rs <= 0) rs = 0.01
	if (js <= 0) js = 0.01
	printf "rvu-price throughput: %.0f claims/s, %.1f MB/s (%.1f s, peak RSS %.1f MB) (%.1fx jq -c .; target >= 5x)\n",
	    c / rs, b / 1e6 / rs, rs, rk / 1024, js / rs
	printf "jq -c . throughput: %.0f claims/s, %.1f MB/s (%.1f s, peak RSS %.1f MB) (baseline)\n",
	    c / js, b / 1e6 / js, js, jk / 1024
}'
