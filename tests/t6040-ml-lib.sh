#!/bin/sh
# The lib pieces of claims-predict/claims-train through test-ml:
# jw_fixed (computed numbers), the feature hash, readable feature names.
. "$(dirname "$0")/lib.sh"

test_expect_success 'jw_fixed: fixed decimals, half away from zero' '
	test-ml fixed 6 0 1 0.5 0.1234565 0.99999949 0.9999995 123.456 >out &&
	printf "%s\n" 0.000000 1.000000 0.500000 0.123457 0.999999 1.000000 \
	    123.456000 >want &&
	test_cmp want out &&
	test-ml fixed 0 0.5 1.5 2.5 -0.5 -2.5 7 >out &&
	printf "%s\n" 1 2 3 -1 -3 7 >want &&
	test_cmp want out
'

test_expect_success 'jw_fixed: negatives, negative zero, NaN, huge values' '
	test-ml fixed 4 -1.23456 -0.00001 -0 nan inf -inf 1e12 -1e12 >out &&
	printf "%s\n" -1.2346 0.0000 0.0000 null null null \
	    1000000000000.0000 -1000000000000.0000 >want &&
	test_cmp want out &&
	test-ml fixed 12 0.5 >out && echo 0.500000000000 >want && test_cmp want out
'

test_expect_success 'feature hash: FNV-1a-32 of ns=value, 18 + low 14 bits' '
	test-ml column procedure 99213 99214 >out &&
	for v in procedure=99213 procedure=99214; do
		perl -e "my \$h = 2166136261;
			for my \$c (unpack(q(C*), \$ARGV[0])) {
				\$h ^= \$c; \$h = (\$h * 16777619) % 4294967296;
			}
			print 18 + (\$h & 16383), qq(\n)" "$v" || return 1
	done >want &&
	test_cmp want out
'

test_expect_success 'entry names: numeric names, ns=value, merged codes joined by |' '
	echo "{\"claim\":{\"total_charge\":10.00},\"lines\":[{\"procedure_code\":\"99213\",\"modifiers\":[\"25\",\"25\"]},{\"procedure_code\":\"99213\"}]}" |
	    test-ml names >out &&
	grep "^0 total_charge=10$" out &&
	grep "^3 line_count=2$" out &&
	grep "^6 modifier_count=2$" out &&
	grep "^7 procedure_count=1$" out &&
	test "$(grep -c "procedure=99213" out)" = 1 &&
	test "$(grep -c " modifier=25=1$" out)" = 1
'

test_expect_success 'two codes in one column: one indicator, both names' '
	test-ml column procedure 11060 11907 >cols &&
	test "$(sort -u cols | wc -l)" = 1 &&
	echo "{\"lines\":[{\"procedure_code\":\"11907\"},{\"procedure_code\":\"11060\"},{\"procedure_code\":\"11907\"}]}" |
	    test-ml names >out &&
	grep "^$(head -n 1 cols) procedure=11907|procedure=11060=1$" out
'

test_done
