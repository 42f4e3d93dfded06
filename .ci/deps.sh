#!/bin/sh
# .ci/deps.sh install|ensure|list: the Debian packages claimkit needs.
#   install  apt-get install all of them (idempotent; prints what it does)
#   ensure   install only when something is missing (make check/demo use it)
#   list     print the package names
# When not root, print the apt-get command instead of running it.
set -eu

BUILD_PKGS="build-essential pkg-config libyajl-dev libcsv-dev libpq-dev
freetds-dev libsodium-dev libxgboost-dev libsqlite3-dev"
# Tests: a private PostgreSQL, FreeTDS clients (tsql, freebcp) as independent
# peers of tdsd, clang + libFuzzer runtime, mandoc (man page lint), jq.
TEST_PKGS="postgresql freetds-bin python3-tds clang libclang-rt-14-dev
mandoc jq perl xgboost"
# Benchmarks only: hyperfine timing, Node.js for the x12-parser baseline.
BENCH_PKGS="hyperfine nodejs npm"

mode=${1:-ensure}
pkgs="$BUILD_PKGS $TEST_PKGS"
# A machine may have Node.js from elsewhere (nodesource's nodejs ships its
# own npm and conflicts with Debian's): a command already on PATH counts.
if [ "${CLAIMKIT_BENCH:-0}" = 1 ]; then
	for p in $BENCH_PKGS; do
		c=$p
		[ "$p" = nodejs ] && c=node
		command -v "$c" >/dev/null 2>&1 || pkgs="$pkgs $p"
	done
fi

missing=
for p in $pkgs; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $st in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done

case $mode in
list) echo $pkgs; exit 0 ;;
ensure) [ -z "$missing" ] && exit 0 ;;
install) ;;
*) echo "usage: $0 install|ensure|list" >&2; exit 64 ;;
esac

if [ -z "$missing" ]; then
	echo "deps: all $(echo $pkgs | wc -w) packages installed"
	exit 0
fi
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing:$missing" >&2
	echo "deps: run as root: apt-get update && $cmd" >&2
	exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
