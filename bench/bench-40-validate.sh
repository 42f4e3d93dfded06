#!/bin/sh
# bench-40-validate BUILD: claims-validate throughput (MB/s, claims/s) on a
# million generated claims with every rule enabled (examples/ref with its
# code lists, duplicate-claim detection on), against `jq -c .` on the same
# file in the same run.  Target (issue acceptance): at least 5x jq's
# throughput.  Also prints the peak RSS (DUP_02 keeps ~24 bytes a claim).
# Both elapsed and CPU-time ratios are printed: both tools are single
# threaded, so on an idle machine they agree; on a shared one the
# elapsed ratio depends on what else runs.
#
# Data: bench/out/validate-claims.ndjson (edi-gen -S 40 -n N --defects 0.05
# | edi-parse; N = BENCH_VALIDATE_CLAIMS, default 1000000, about 3.7 GB),
# generated once and kept.  MB = 10^6 bytes.
set -eu
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
cd "$(dirname "$0")/.."
OUT=bench/out
PATH=$BUILD/bin:$PATH
CLAIMKIT_CONF=/dev/null
CLAIMKIT_TODAY=2025-12-31
export PATH CLAIMKIT_CONF CLAIMKIT_TODAY
mkdir -p "$OUT"
N=${BENCH_VALIDATE_CLAIMS:-1000000}
DATA=$OUT/validate-claims.ndjson
[ "$N" = 1000000 ] || DATA=$OUT/validate-claims-$N.ndjson

die() { echo "bench-40-validate: $*" >&2; exit 1; }
for t in edi-gen edi-parse claims-validate; do
	command -v $t >/dev/null || die "$t not built in $BUILD/bin"
done
command -v jq >/dev/null || die "jq is needed for the baseline"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed"

# time_run OUTFILE cmd...: "elapsed user system maxrss_kb" into OUTFILE;
# exit 1 (some claims failed rules) is a normal result.
time_run() {
	_o=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$_o" "$@" || {
		_rc=$?
		[ $_rc -eq 1 ] || die "$* failed ($_rc)"
	}
}

if [ ! -s "$DATA" ]; then
	echo "generating $DATA ($N claims: edi-gen | edi-parse) ..."
	# The defects make edi-parse warn; keep that out of the report.
	edi-gen -S 40 -n "$N" --defects 0.05 |
	    edi-parse 2>"$OUT/validate-gen.log" >"$DATA.tmp" ||
	    [ $? -eq 1 ] || die "generating the data failed"
	mv "$DATA.tmp" "$DATA"
fi
bytes=$(wc -c <"$DATA")
claims=$(wc -l <"$DATA")
echo "data: $DATA, $(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }') MB, $claims claims"
claims-validate --ref examples/ref --check-config | sed -n "s/^rules: /rules: /p"

# Warm the page cache so that neither side pays for the first read.
cat "$DATA" >/dev/null

# claims-validate before and after jq; the faster run counts (the machine
# may be shared, and load comes and goes).
vrun() {
	time_run "$OUT/validate.time" sh -c \
	    'claims-validate --ref examples/ref "$1" >/dev/null' sh "$DATA"
	tail -n 1 "$OUT/validate.time"
}
load0=$(cut -d" " -f1 /proc/loadavg 2>/dev/null || echo "?")
v1=$(vrun)
time_run "$OUT/jq.time" sh -c 'jq -c . "$1" >/dev/null' sh "$DATA"
j1=$(tail -n 1 "$OUT/jq.time")
v2=$(vrun)
load1=$(cut -d" " -f1 /proc/loadavg 2>/dev/null || echo "?")

echo "$v1 $v2 $j1" | awk -v b="$bytes" -v n="$claims" -v l0="$load0" \
    -v l1="$load1" '{
	if ($1 <= $5) { vs = $1; vu = $2; vy = $3; vk = $4 }
	else { vs = $5; vu = $6; vy = $7; vk = $8 }
	js = $9; ju = $10; jy = $11
	if (vs <= 0) vs = 0.01
	if (js <= 0) js = 0.01
	vc = vu + vy; jc = ju + jy
	if (vc <= 0) vc = 0.01
	printf "claims-validate: %.1f MB/s (%.1fx jq -c .)\n", b / 1e6 / vs, js / vs
	printf "claims-validate: %.0f claims/s (%.1fx jq -c .)\n", n / vs, js / vs
	printf "claims-validate: %.1f MB/s of CPU time (%.1fx jq -c .)\n", b / 1e6 / vc, jc / vc
	printf "claims-validate: %.1f s elapsed, %.1f s CPU, peak RSS %.1f MB\n", vs, vc, vk / 1024
	printf "jq -c .: %.1f MB/s, %.0f claims/s (baseline)\n", b / 1e6 / js, n / js
	printf "jq -c .: %.1f s elapsed, %.1f s CPU\n", js, jc
	printf "load average: %s at start, %s at end (2 cores: elapsed ratios depend on it)\n", l0, l1
	printf "target 5x jq: elapsed %s (%.1fx), CPU time %s (%.1fx)\n",
	    ((js / vs >= 5) ? "met" : "NOT met"), js / vs,
	    ((jc / vc >= 5) ? "met" : "NOT met"), jc / vc
}'
