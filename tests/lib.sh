# tests/lib.sh: TAP test library, sourced by every tests/tNNNN-*.sh
# (git's t/test-lib.sh is the model).
#
#	. "$(dirname "$0")/lib.sh"
#	test_expect_success 'what it checks' '
#		edi-parse x.837 >actual &&
#		test_cmp expect actual
#	'
#	test_done
#
# Every test runs in its own scratch directory $T (removed at exit) with
# the build under test first in PATH.  LC_ALL=C TZ=UTC and a fixed
# CLAIMKIT_TODAY make results independent of the machine and the day.

set -u
: "${CLAIMKIT_BUILD:?run the tests through make check (CLAIMKIT_BUILD unset)}"
SRC=${CLAIMKIT_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
TESTS=$SRC/tests
BIN=$CLAIMKIT_BUILD/bin
HELPERS=$CLAIMKIT_BUILD/tests
SHARED=${CLAIMKIT_SHARED:-$SRC/../shared}
PATH=$BIN:$HELPERS:$PATH
LC_ALL=C TZ=UTC LANG=C
CLAIMKIT_TODAY=${CLAIMKIT_TODAY:-2025-12-31}
export PATH LC_ALL TZ LANG CLAIMKIT_TODAY SRC SHARED
# Sanitizer reports must not pass for the tool's own exit status 1.
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:exitcode=86:detect_leaks=1
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-}:halt_on_error=1:exitcode=87:print_stacktrace=1

test_count=0
test_failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-test.XXXXXX")
_test_cleanup_hooks=
test_atexit() { _test_cleanup_hooks="$_test_cleanup_hooks
$1"; }
_test_exit() {
	eval "$_test_cleanup_hooks"
	cd / && rm -rf "$T"
}
trap _test_exit EXIT
trap 'exit 130' INT TERM
cd "$T" || exit 1

_say_fail() {
	printf 'not ok %d - %s\n' "$test_count" "$1"
	if [ -s "$T/.out" ]; then sed 's/^/#   /' "$T/.out"; fi
	test_failed=$((test_failed + 1))
}

# test_expect_success 'description' 'shell code'
test_expect_success() {
	test_count=$((test_count + 1))
	if (eval "$2") >"$T/.out" 2>&1; then
		printf 'ok %d - %s\n' "$test_count" "$1"
	else
		_say_fail "$1"
	fi
}

# test_expect_failure: a known bug, reported as TODO (never as passed).
test_expect_failure() {
	test_count=$((test_count + 1))
	if (eval "$2") >"$T/.out" 2>&1; then
		printf 'ok %d - %s # TODO known breakage vanished\n' "$test_count" "$1"
	else
		printf 'not ok %d - %s # TODO known breakage\n' "$test_count" "$1"
	fi
}

test_skip() {
	test_count=$((test_count + 1))
	printf 'ok %d # skip %s (%s)\n' "$test_count" "$1" "$2"
}

# test_must_fail cmd...: the command must fail, but not by a signal or a
# sanitizer report (a crash is never the expected failure).
test_must_fail() {
	"$@"
	_rc=$?
	if [ $_rc -eq 0 ]; then
		echo "test_must_fail: command succeeded: $*" >&2
		return 1
	elif [ $_rc -gt 128 ] || [ $_rc -eq 86 ] || [ $_rc -eq 87 ]; then
		echo "test_must_fail: command died ($_rc): $*" >&2
		return 1
	fi
	return 0
}

# test_expect_code N cmd...
test_expect_code() {
	_want=$1
	shift
	"$@"
	_rc=$?
	if [ $_rc -ne "$_want" ]; then
		echo "test_expect_code: exit $_rc, wanted $_want: $*" >&2
		return 1
	fi
	return 0
}

test_cmp() { diff -u "$1" "$2"; }

# Count lines of a file (0 for a missing file).
test_lines() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }

have_shared() { [ -d "$SHARED/corpus/x12" ]; }

test_done() {
	printf '1..%d\n' "$test_count"
	[ "$test_failed" -eq 0 ]
}
