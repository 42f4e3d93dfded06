#!/bin/sh
# Every claimkit.conf key the code reads is documented in claimkit.conf(5),
# and every CLAIMKIT_* variable it reads in claimkit.conf(5), claimkit(7)
# and the ENVIRONMENT section of each tool that reads it.  Keys are the
# quoted dotted names in conf_pick(), conf_get(), conf_int(), conf_bool()
# and rvu-price's pick() calls; variables are quoted "CLAIMKIT_..." strings.
. "$(dirname "$0")/lib.sh"

MAN=$SRC/man

# The tools that read the variables of a lib/ file (a cmd/ file is its tool).
readers() {
	case $1 in
	conf.c) grep -l 'claimkit/conf\.h' "$SRC"/cmd/*.c ;;
	date.c) echo claims-validate ;;
	load_mssql.c | mssql.c) echo claims-load ;;
	*) echo "UNKNOWN" ;;
	esac
}

# Words of the .It lines of a page, or of one of its sections: "page [sec]".
items() {
	awk -v sec="${2:-}" '
	/^\.Sh / { in_sec = (sec == "" || $0 == ".Sh " sec); next }
	in_sec && /^\.It / { for (i = 2; i <= NF; i++) print $i }' "$1"
}

for f in "$SRC"/cmd/*.c "$SRC"/lib/*.c; do
	tr '\n' ' ' <"$f" |
	grep -o -E '\<(conf_pick|conf_get|conf_int|conf_bool|pick)\([^;]*' |
	grep -o -E '"[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*"' | tr -d '"'
done | sort -u >keys

for f in "$SRC"/cmd/*.c "$SRC"/lib/*.c; do
	n=${f##*/}
	grep -o '"CLAIMKIT_[A-Z0-9_]*' "$f" | tr -d '"' | sort -u |
	while read -r v; do
		case $f in
		*/cmd/*) echo "$v ${n%.c}" ;;
		*) for t in $(readers "$n"); do echo "$v ${t##*/}"; done ;;
		esac
	done
done | sed 's/\.c$//' | sort -u >vars

test_expect_success 'keys and variables found in the sources' '
	grep -q "^pricing\.year\$" keys && grep -q "^mssql\.timeout\$" keys &&
	grep -q "^CLAIMKIT_CONF claims-load\$" vars &&
	grep -q "^CLAIMKIT_PRICING_YEAR rvu-price\$" vars
'

test_expect_success 'every key in claimkit.conf(5) KEYS' '
	items "$MAN/claimkit.conf.5" KEYS >doc && ok=1 &&
	while read -r k; do
		grep -q -x -F "$k" doc || { echo "key $k not in claimkit.conf.5"; ok=0; }
	done <keys &&
	test $ok = 1
'

test_expect_success 'every CLAIMKIT_* variable in claimkit.conf(5) and claimkit(7)' '
	items "$MAN/claimkit.conf.5" ENVIRONMENT >conf &&
	items "$MAN/claimkit.7" ENVIRONMENT >seven &&
	cut -d " " -f 1 vars | sort -u >names && ok=1 &&
	while read -r v; do
		grep -q -x -F "$v" conf || { echo "$v not in claimkit.conf.5"; ok=0; }
		grep -q -x -F "$v" seven || { echo "$v not in claimkit.7"; ok=0; }
	done <names &&
	test $ok = 1
'

test_expect_success 'every CLAIMKIT_* variable in the ENVIRONMENT of its tools' '
	ok=1 &&
	while read -r v t; do
		if [ ! -f "$MAN/$t.1" ]; then
			echo "$v: no page for reader $t (see readers() in t0040)"
			ok=0
		elif ! items "$MAN/$t.1" ENVIRONMENT | grep -q -x -F "$v"; then
			echo "$v not in ENVIRONMENT of $t.1"
			ok=0
		fi
	done <vars &&
	test $ok = 1
'
test_done
