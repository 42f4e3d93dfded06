#!/bin/sh
# lib/ through the test-lib driver: money, dates, the JSON index and jpatch.
. "$(dirname "$0")/lib.sh"

test_expect_success 'money: exact cents from text, errors named' '
	test-lib money 123 123.4 123.40 0.01 -0.5 0 1.234 1e5 1E5 abc "" 1. .5 \
	    10000000000000.00 10000000000000.01 99999999999999999999 >actual &&
	cat >expect <<-\EOF &&
	123: 12300 123.00
	123.4: 12340 123.40
	123.40: 12340 123.40
	0.01: 1 0.01
	-0.5: -50 -0.50
	0: 0 0.00
	1.234: error: more than 2 decimal places
	1e5: error: exponent not allowed in an amount
	1E5: error: exponent not allowed in an amount
	abc: error: not a number
	: error: empty amount
	1.: error: no digits after the decimal point
	.5: error: not a number
	10000000000000.00: 1000000000000000 10000000000000.00
	10000000000000.01: error: amount too large
	99999999999999999999: error: amount too large
	EOF
	test_cmp expect actual
'

test_expect_success 'dates: ISO and D8, leap years, day numbers round trip' '
	test-lib date 2024-02-29 2023-02-29 2000-02-29 1900-02-29 20240131 \
	    1970-01-01 2025-13-01 2025-1-01 0000-01-01 9999-12-31 >actual &&
	cat >expect <<-\EOF &&
	2024-02-29: 2024-02-29 19782 2024-02-29
	2023-02-29: invalid
	2000-02-29: 2000-02-29 11016 2000-02-29
	1900-02-29: invalid
	20240131: 2024-01-31 19753 2024-01-31
	1970-01-01: 1970-01-01 0 1970-01-01
	2025-13-01: invalid
	2025-1-01: invalid
	0000-01-01: invalid
	9999-12-31: 9999-12-31 2932896 9999-12-31
	EOF
	test_cmp expect actual
'

test_expect_success 'json: paths, raw number text kept, unicode escapes' '
	printf "%s\n" "{\"a\":1,\"b\":{\"c\":\"x\\u00e9\"},\"lines\":[{\"n\":1},{\"n\":2}],\"m\":123.40,\"big\":123456789012345678901234567890}" >in &&
	test-lib json a b.c lines.1.n lines.2.n m big zz b >actual <in &&
	cat >expect <<-\EOF &&
	a: number 1
	b.c: string "x\u00e9"
	lines.1.n: number 2
	lines.2.n: absent
	m: number 123.40
	big: number 123456789012345678901234567890
	zz: absent
	b: object {"c":"x\u00e9"}
	EOF
	test_cmp expect actual
'

# Each line is one hostile or invalid record; every one must be rejected
# with its line number and the run must go on to the valid last line.
# (Inside a patched object, member separators are written compactly.)
test_expect_success 'json: invalid records rejected with line numbers, none lost' '
	cat >in <<-\EOF &&
	{"a":1,"a":2}
	nope
	{"s":"\ud800"}
	{"s":"\udc00x"}
	[1,2]
	{"x":NaN}
	{"x":Infinity}
	{"x":1}}
	{"x":01}
	{"x":"\xff"}
	{"x":1,}
	{'"'"'a'"'"':1}
	{"x":1} // comment

	{"ok":"\ud83d\ude00"}
	EOF
	test_expect_code 1 test-lib patch k 1 <in >out 2>err &&
	test "$(test_lines out)" = 1 &&
	grep -c "^test-lib: <stdin>:[0-9]*: error: " err >n &&
	echo 13 >expect && test_cmp expect n &&
	grep -q "<stdin>:1: error: duplicate key" err &&
	grep -q "<stdin>:3: error: invalid \\\\u escape (lone UTF-16 surrogate)" err &&
	grep -q "<stdin>:5: error: record is not a JSON object" err &&
	grep -q "<stdin>:6: error: invalid JSON" err &&
	echo "{\"ok\":\"\\ud83d\\ude00\",\"k\":1}" >expect && test_cmp expect out
'

test_expect_success 'json: invalid UTF-8 bytes rejected' '
	printf "{\"x\":\"\\377\"}\n{\"x\":\"\\300\\200\"}\n{\"x\":\"\\355\\240\\200\"}\n" >in &&
	test_expect_code 1 test-lib json x <in >out 2>err &&
	test "$(grep -c "invalid JSON" err)" = 3
'

test_expect_success 'json: nesting deeper than 64 rejected, 64 accepted' '
	deep() { i=0; s=""; e=""; while [ $i -lt $1 ]; do s="$s{\"a\":"; e="$e}"; i=$((i+1)); done; echo "${s}1$e"; } &&
	deep 63 >in && deep 64 >>in && deep 65 >>in && deep 5000 >>in &&
	test_expect_code 1 test-lib json a <in >out 2>err &&
	test "$(test_lines out)" = 2 &&
	grep -q "<stdin>:3: error: nesting deeper than 64 levels" err &&
	grep -q "<stdin>:4: error: nesting deeper than 64 levels" err
'

test_expect_success 'json: a line of 20 MB is read whole' '
	awk "BEGIN { printf \"{\\\"s\\\":\\\"\"; for (i = 0; i < 20000000; i++) printf \"x\"; print \"\\\"}\" }" >in &&
	test-lib patch k true <in >out &&
	test "$(wc -c <out)" -eq $((20000000 + 18))
'

test_expect_success 'jpatch: add, replace, nested, byte-exact pass-through' '
	printf "%s\n" "{\"a\" : 1.50 ,\"validation\":{\"old\":true},\"z\":[ 1, 2 ],\"u\":\"\\u00e9\"}" >in &&
	test-lib patch validation "{\"status\":\"pass\"}" <in >actual &&
	echo "{\"a\":1.50,\"z\":[ 1, 2 ],\"u\":\"\\u00e9\",\"validation\":{\"status\":\"pass\"}}" >expect &&
	test_cmp expect actual &&
	printf "%s\n" "{\"lines\":[{\"n\":1,\"pricing\":0},{\"n\":2}],\"x\":{}}" >in &&
	test-lib patch-lines pricing "{\"p\":1}" <in >actual &&
	echo "{\"lines\":[{\"n\":1,\"pricing\":{\"p\":1}},{\"n\":2,\"pricing\":{\"p\":1}}],\"x\":{}}" >expect &&
	test_cmp expect actual
'

test_expect_success 'jpatch: an unpatched record comes out byte for byte' '
	printf "%s\n" "{\"m\":123.40,\"s\":\"a\\/b\\u0041\",\"e\":[],\"o\":{},\"n\":null,\"t\":true,\"f\":false,\"d\":-0.5e-3}" >in &&
	test-lib patch-lines pricing 1 <in >actual &&
	test_cmp in actual
'

test_expect_success 'missing input file: exit 66, the other files still read' '
	echo "{\"a\":1}" >ok.ndjson &&
	test_expect_code 66 test-lib cat nonexistent ok.ndjson >out 2>err &&
	test_cmp ok.ndjson out &&
	grep -q "^test-lib: error: cannot open .nonexistent.: No such file" err
'
test_done
