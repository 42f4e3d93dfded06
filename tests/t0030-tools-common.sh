#!/bin/sh
# What every tool does the same way: --help on stdout with exit 0,
# --version, exit 64 on a bad option, every long option of --help
# documented in the tool's man page, and the whole shared EXIT STATUS
# table (claimkit(7)) in every page.
. "$(dirname "$0")/lib.sh"

for bin in "$BIN"/*; do
	[ -x "$bin" ] || continue
	t=${bin##*/}
	page=$SRC/man/$t.1
	test_expect_success "$t --help and --version" '
		"$t" --help >out 2>err &&
		test_cmp /dev/null err &&
		grep -q "^usage: $t" out &&
		"$t" --version >v &&
		grep -q "^$t (claimkit) [0-9]" v
	'
	test_expect_success "$t: a bad option is a usage error (64)" '
		test_expect_code 64 "$t" --no-such-option </dev/null >out 2>err &&
		grep -q "$t --help" err
	'
	test_expect_success "$t: man page with EXIT STATUS and every option" '
		test -f "$page" &&
		grep -q "^\.Sh EXIT STATUS" "$page" &&
		for c in 0 1 64 65 66 69 70 74 75 78; do
			grep -q "^\.It $c\$" "$page" || { echo "no exit status $c in $page"; exit 1; }
		done &&
		"$t" --help | grep -o -E -e "--[a-z][a-z0-9-]*" | sort -u >opts &&
		while read -r o; do
			n=${o#--}
			grep -q -e "Fl \\\\-$n\\>" "$page" || { echo "$o not in $page"; exit 1; }
		done <opts
	'
done
test_done
