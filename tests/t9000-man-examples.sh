#!/bin/sh
# Every .Dl command in the EXAMPLES section of every man page runs, from a
# scratch directory where examples/ is the repository's, and exits 0 or 1
# (1: the example shows records being rejected or failing rules), and so
# does every command of a pipeline (141, SIGPIPE, is allowed: `| head`).
# A page marks examples that need the private PostgreSQL with a comment
# line `.\" example-env: pg` anywhere before them in EXAMPLES; the runner
# then starts one (tests/pg.sh) with the schema installed.
# Also: every page is clean under mandoc -Tlint.
. "$(dirname "$0")/lib.sh"
. "$TESTS/pg.sh"

# Print "PAGE<TAB>ENV<TAB>COMMAND" for each example (ENV "-" for none:
# read would merge two tabs).
extract() {
	awk -v page="${1##*/}" '
	/^\.Sh / { inex = ($0 ~ /^\.Sh EXAMPLES/); env = "-"; next }
	inex && /^\.\\" example-env:/ { env = $3; next }
	inex && /^\.Dl / {
		cmd = substr($0, 5)
		gsub(/\\-/, "-", cmd); gsub(/\\\(aq/, "\047", cmd)
		gsub(/\\\(dq/, "\"", cmd); gsub(/\\&/, "", cmd)
		gsub(/\\e/, "\\", cmd); gsub(/\\\(ba/, "|", cmd)
		print page "\t" env "\t" cmd
	}' "$1"
}

for m in "$SRC"/man/*.[1-9]; do
	[ -f "$m" ] || continue
	test_expect_success "mandoc -Tlint ${m##*/}" '
		mandoc -Tlint -Wwarning "$m" >lint 2>&1; test_cmp /dev/null lint
	'
	extract "$m" >>"$T/examples.tsv"
done

# The server starts at top level, so that its variables reach the tests.
if grep -q "	pg	" "$T/examples.tsv"; then
	pg_start >"$T/pg.log" 2>&1 && pg_install_schema >>"$T/pg.log" 2>&1 ||
	    { cat "$T/pg.log"; echo "Bail out! cannot start PostgreSQL"; exit 1; }
fi

n=0
while IFS='	' read -r page env cmd; do
	n=$((n + 1))
	test_expect_success "$page example: $cmd" '
		rm -rf ex && mkdir ex && cd ex && ln -s "$SRC/examples" examples &&
		bash -c "$cmd"'"'"'; echo "${PIPESTATUS[*]}" >status'"'"' </dev/null >out 2>err;
		cat err && echo "exit status of each command: $(cat status)" &&
		for rc in $(cat status); do
			case $rc in 0|1|141) ;; *) exit 1 ;; esac
		done &&
		! grep -q -E "AddressSanitizer|runtime error|LeakSanitizer" err
	'
done <"$T/examples.tsv"
test_done
