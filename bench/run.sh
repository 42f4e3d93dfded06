#!/bin/sh
# bench/run.sh BUILD: run every bench/bench-*.sh in name order.
# Benchmarks are not tests: each script measures claimkit and its named
# baseline in the same run and prints "name: value unit (ratio)" lines.
# Large generated inputs go to bench/out/ (gitignored), kept between runs.
set -eu
BUILD=${1:?usage: bench/run.sh BUILD}
cd "$(dirname "$0")/.."
CLAIMKIT_BENCH=1 sh .ci/deps.sh ensure
PATH=$BUILD/bin:$BUILD/tests:$PATH
LC_ALL=C TZ=UTC
export PATH LC_ALL TZ BUILD
mkdir -p bench/out
status=0
for b in bench/bench-*.sh; do
	[ -f "$b" ] || continue
	echo "== $b"
	sh "$b" "$BUILD" || { echo "bench: $b failed" >&2; status=1; }
done
exit $status
