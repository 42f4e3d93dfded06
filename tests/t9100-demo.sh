#!/bin/sh
# make demo's script runs end to end against the build under test.
. "$(dirname "$0")/lib.sh"

test_expect_success 'examples/demo.sh: the whole pipeline into a private PostgreSQL' '
	sh "$SRC/examples/demo.sh" "$CLAIMKIT_BUILD" >out 2>err ||
	{ cat out err; exit 1; }
	cat out &&
	grep -q "^edi-parse: *2004 claims" out &&
	grep -q "^claims-load: .*2004 read, 2004 inserted" out &&
	grep -q "^PENDING  2004$" out
'
test_done
