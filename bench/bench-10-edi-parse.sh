#!/bin/sh
# bench-10-edi-parse BUILD: edi-parse throughput (MB/s, claims/s) and peak
# RSS on a synthetic 837P of at least 500 MB made by edi-gen, against the
# baseline npm x12-parser 1.3.0 (a streaming Node.js parser that emits one
# JSON object per segment) on the same data in the same run.
# Targets (issue acceptance): >= 50x the baseline's MB/s, RSS < 64 MB.
#
# Data: bench/out/bench-837p.837 (edi-gen -S 10 --size 520M, 545 MB),
# generated once and kept.  The baseline reads a prefix of it cut at an
# interchange boundary (BENCH_BASELINE_MB, default 50; the whole file when
# that is as large) because it needs minutes for the whole file; MB/s is
# comparable either way (x12-parser ran at 4.43 and 4.47 MB/s on the whole
# file, at 3.68 to 4.61 on the prefix, alternately, on the development
# machine).  Each side runs BENCH_RUNS times (default 7), alternating;
# medians are reported.
# An edi-parse run reads the whole file BENCH_PASSES times (default 5).
# MB = 10^6 bytes.
set -eu
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
cd "$(dirname "$0")/.."
OUT=bench/out
PATH=$BUILD/bin:$PATH
export PATH
mkdir -p "$OUT"
DATA=$OUT/bench-837p.837
PREFIX_MB=${BENCH_BASELINE_MB:-50}

die() { echo "bench-10-edi-parse: $*" >&2; exit 1; }
case $PREFIX_MB in
''|*[!0-9]*|0) die "BENCH_BASELINE_MB must be a positive number" ;;
esac
command -v edi-gen >/dev/null || die "edi-gen not built in $BUILD/bin"
command -v edi-parse >/dev/null || die "edi-parse not built in $BUILD/bin"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed"

# time_run OUTFILE cmd...: "elapsed user system maxrss_kb" into OUTFILE; the
# command may exit 0 or 1 (1: some claims rejected).
time_run() {
	_o=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$_o" "$@" || {
		_rc=$?
		[ $_rc -eq 1 ] || die "$* failed ($_rc)"
	}
}

if [ ! -s "$DATA" ]; then
	echo "generating $DATA (edi-gen -S 10 --size 520M) ..."
	time_run "$OUT/gen.time" edi-gen -S 10 --size 520M -o "$DATA.tmp"
	mv "$DATA.tmp" "$DATA"
	read -r s u y k <"$OUT/gen.time"
	awk -v b="$(wc -c <"$DATA")" -v s="$s" -v k="$k" 'BEGIN {
	    printf "edi-gen: %.1f MB/s (%.0f MB in %.1f s, peak RSS %.1f MB)\n",
	    b / 1e6 / s, b / 1e6, s, k / 1024 }'
fi
bytes=$(wc -c <"$DATA")
claims=$(grep -c '^CLM\*' "$DATA")
echo "data: $DATA, $(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }') MB, $claims claims"

# Baseline: x12-parser 1.3.0 from npm, installed under bench/out/node.
NODEDIR=$OUT/node
if [ ! -f "$NODEDIR/node_modules/x12-parser/package.json" ]; then
	command -v npm >/dev/null || die "npm is needed for the baseline"
	npm install --silent --no-audit --no-fund --prefix "$NODEDIR" \
	    x12-parser@1.3.0 >/dev/null || die "npm install x12-parser failed"
fi
# The baseline's input: the first PREFIX_MB MB, ending where an
# interchange begins so that it holds whole ones (kept under a name with
# its size), or the whole file when that is no more than PREFIX_MB MB.
if [ "$((PREFIX_MB * 1000000))" -ge "$bytes" ]; then
	PREFIX=$DATA
	pwhat="the whole file"
else
	PREFIX=$OUT/bench-837p-prefix-$PREFIX_MB.837
	if [ ! -s "$PREFIX" ]; then
		cut=$(head -c "$((PREFIX_MB * 1000000))" "$DATA" |
		    grep -a -b '^ISA' | tail -1 | cut -d: -f1)
		head -c "$cut" "$DATA" >"$PREFIX.tmp"
		mv "$PREFIX.tmp" "$PREFIX"
	fi
	pwhat="the first $(awk -v b="$(wc -c <"$PREFIX")" 'BEGIN {
	    printf "%.0f", b / 1e6 }') MB, cut at an ISA"
fi
pbytes=$(wc -c <"$PREFIX")
pclaims=$(grep -c '^CLM\*' "$PREFIX")

# Each side runs BENCH_RUNS times (default 7), the two alternating so that
# both see the same load of a shared machine; the median of each is used.
# An edi-parse run reads the file BENCH_PASSES times (default 5; one
# process, the file named that many times), so that it lasts about as
# long as an x12-parser run (some 12 s): a shared machine's slow spells
# last seconds, and runs of 2.5 s against runs of 12 s do not sample them
# alike (the short runs' median is all slow or all fast, the long runs'
# a mix), which tilted the medians' ratio one way or the other with the
# share of slow time.
# One run alone can be 30% off either way on a busy machine: on the
# development machine, with one pass, 24 of 68 runs' own ratios were under
# 50x (35.7x to 76.3x) and the medians' ratio of each of 12 benches went
# from 46.6x to 61.4x; with five passes, the next day, 13 benches went
# from 51.7x to 58.2x.  7 runs a side make the medians steadier than 5,
# for some 30 seconds more.
RUNS=${BENCH_RUNS:-7}
case $RUNS in ''|*[!0-9]*|0) die "BENCH_RUNS must be a positive number" ;; esac
PASSES=${BENCH_PASSES:-5}
case $PASSES in ''|*[!0-9]*|0) die "BENCH_PASSES must be a positive number" ;; esac
# the bytes and claims of one edi-parse run
rbytes=$((bytes * PASSES))
rclaims=$((claims * PASSES))
set --
i=0
while [ "$i" -lt "$PASSES" ]; do
	i=$((i + 1))
	set -- "$@" "$DATA"
done
# Both inputs read once before timing: the runs measure the parsers, not
# the disk (the page cache may have dropped the big file since it was
# made, and the first edi-parse run then waited for reads).
cat "$DATA" >/dev/null
[ "$PREFIX" = "$DATA" ] || cat "$PREFIX" >/dev/null
: >"$OUT/edi-parse.runs"
: >"$OUT/x12-parser.runs"
: >"$OUT/ratio.runs"
i=0
while [ "$i" -lt "$RUNS" ]; do
	i=$((i + 1))
	# edi-parse on the whole file, PASSES times, output discarded.
	time_run "$OUT/edi-parse.time" sh -c 'edi-parse "$@" >/dev/null' sh \
	    "$@"
	cat "$OUT/edi-parse.time" >>"$OUT/edi-parse.runs"
	NODE_PATH=$NODEDIR/node_modules time_run "$OUT/x12-parser.time" \
	    node -e "
const {X12parser} = require('x12-parser');
process.stdin.pipe(new X12parser()).on('data', d => {
	process.stdout.write(JSON.stringify(d) + '\n');
});" <"$PREFIX" >/dev/null
	cat "$OUT/x12-parser.time" >>"$OUT/x12-parser.runs"
	awk -v b="$rbytes" -v pb="$pbytes" -v i="$i" -v n="$RUNS" \
	    -v rf="$OUT/ratio.runs" '
	    NR == FNR { e = $1 } NR != FNR { x = $1 }
	    END { if (e <= 0) e = 0.01; if (x <= 0) x = 0.01
		printf "run %d/%d: edi-parse %.1f MB/s, x12-parser %.1f MB/s, " \
		"%.1fx\n", i, n, b / 1e6 / e, pb / 1e6 / x,
		(b / e) / (pb / x)
		printf "%.1f\n", (b / e) / (pb / x) >>rf }' \
	    "$OUT/edi-parse.time" "$OUT/x12-parser.time"
done
# median: the middle run by elapsed time (the lower middle for an even
# count); the whole line, so its CPU time is from the same run.  Peak RSS
# is the largest of all runs, not the median's.
median() {
	sort -n -k1,1 "$1" | awk -v n="$RUNS" 'NR == int((n + 1) / 2)'
}
set -- $(median "$OUT/edi-parse.runs")
ps=$1 pu=$2 py=$3 pk=$4
set -- $(median "$OUT/x12-parser.runs")
bs=$1 bu=$2 by=$3 bk=$4
pk=$(awk '$4 > m { m = $4 } END { print m + 0 }' "$OUT/edi-parse.runs")
bk=$(awk '$4 > m { m = $4 } END { print m + 0 }' "$OUT/x12-parser.runs")

# Medians.  Wall-clock MB/s is the headline; CPU MB/s (user + system) is
# printed too because the machine may be shared and wall time then says
# little.
awk -v b="$rbytes" -v c="$rclaims" -v s="$ps" -v k="$pk" -v cpu="$pu $py" \
    -v pb="$pbytes" -v pc="$pclaims" -v bs="$bs" -v bk="$bk" \
    -v bcpu="$bu $by" -v runs="$RUNS" -v passes="$PASSES" \
    -v pwhat="$pwhat" 'BEGIN {
	split(cpu, x, " "); pcpu = x[1] + x[2]
	split(bcpu, x, " "); bcpu = x[1] + x[2]
	if (s <= 0) s = 0.01
	if (bs <= 0) bs = 0.01
	if (pcpu <= 0) pcpu = 0.01
	if (bcpu <= 0) bcpu = 0.01
	mbs = b / 1e6 / s; bmbs = pb / 1e6 / bs
	cmbs = b / 1e6 / pcpu; bcmbs = pb / 1e6 / bcpu
	printf "edi-parse: %.1f MB/s (%.1fx x12-parser)\n", mbs, mbs / bmbs
	printf "edi-parse: %.0f claims/s (%.1fx x12-parser)\n", c / s, \
	    (c / s) / (pc / bs)
	printf "edi-parse: %.1f MB/s of CPU time (%.1fx x12-parser)\n", cmbs, \
	    cmbs / bcmbs
	printf "edi-parse: %.1f MB peak RSS (%.2fx x12-parser; target < 64)\n", \
	    k / 1024, k / bk
	printf "edi-parse: %.1f s (%.1f s CPU) for %.0f MB, %d claims " \
	    "(%d passes over the file; median of %d runs)\n", s, pcpu, \
	    b / 1e6, c, passes, runs
	printf "x12-parser 1.3.0: %.1f MB/s, %.1f MB/s of CPU, %.0f claims/s, " \
	    "%.1f MB peak RSS (on %s)\n", bmbs, bcmbs, pc / bs, bk / 1024, \
	    pwhat
	printf "ratio: %.1fx MB/s (target >= 50x, RSS < 64 MB): %s\n", \
	    mbs / bmbs, (mbs / bmbs >= 50 && k / 1024 < 64) ? "met" : "NOT met"
}'
# The spread of the runs' own ratios (each run's two sides one after the
# other): how far one run alone can be from the medians' ratio above.
sort -n "$OUT/ratio.runs" | awk '{ r[NR] = $1 } END {
	printf "ratio of single runs: min %.1fx, median %.1fx, max %.1fx " \
	    "(%d runs)\n", r[1], r[int((NR + 1) / 2)], r[NR], NR }'
# Each side's fastest run, for information (the verdict above is the
# medians'): a shared machine's slow spells lengthen runs, never shorten
# them, so the fastest run is the nearest to the side's speed with a core
# to itself.
es=$(sort -n -k1,1 "$OUT/edi-parse.runs" | awk 'NR == 1 { print $1 }')
xs=$(sort -n -k1,1 "$OUT/x12-parser.runs" | awk 'NR == 1 { print $1 }')
awk -v b="$rbytes" -v pb="$pbytes" -v e="$es" -v x="$xs" 'BEGIN {
	if (e <= 0) e = 0.01; if (x <= 0) x = 0.01
	printf "fastest runs: edi-parse %.1f MB/s, x12-parser %.1f MB/s, " \
	    "%.1fx\n", b / 1e6 / e, pb / 1e6 / x, (b / e) / (pb / x) }'
