#!/bin/sh
# Data-file cases (curl's tests/data and mandoc's regress are the models):
# tests/cases/<tool>/<case>/ holds
#	cmd	one shell command line, run in a copy of the case directory
#	in	standard input (optional; /dev/null otherwise)
#	out	expected standard output (optional: not compared when absent)
#	err	expected standard error (optional: must be empty when absent)
#	rc	expected exit status (optional: 0 when absent)
. "$(dirname "$0")/lib.sh"

for dir in "$TESTS"/cases/*/*/; do
	[ -f "$dir/cmd" ] || continue
	name=${dir%/}
	name=${name#"$TESTS"/cases/}
	test_expect_success "$name" '
		rm -rf case && cp -R "$dir" case && cd case &&
		in=/dev/null && { [ ! -f in ] || in=in; } &&
		want=0 && { [ ! -f rc ] || want=$(cat rc); } &&
		{ sh -c "$(cat cmd)" <"$in" >actual.out 2>actual.err; echo $? >actual.rc; } &&
		echo "$want" >want.rc &&
		test_cmp want.rc actual.rc &&
		{ [ ! -f out ] || test_cmp out actual.out; } &&
		if [ -f err ]; then test_cmp err actual.err; else test_cmp /dev/null actual.err; fi
	'
done
test_done
