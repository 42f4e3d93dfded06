#!/bin/sh
# Operators look rule codes up in the man page: its RULES section must list
# exactly what `claims-validate --list-rules` prints (code, severity, field,
# description), in the same order.
. "$(dirname "$0")/lib.sh"

export CLAIMKIT_CONF=/dev/null
page=$SRC/man/claims-validate.1

test_expect_success 'RULES in claims-validate(1) = claims-validate --list-rules' '
	claims-validate --list-rules >listed &&
	awk "
	/^\.Sh / { inrules = (\$0 == \".Sh RULES\"); next }
	inrules && /^\.It Li / { code = \$3; sev = \$5; field = \$7; getline d;
	    printf \"%s\t%s\t%s\t%s\n\", code, sev, field, d }
	" "$page" >documented &&
	test "$(test_lines listed)" -gt 70 &&
	test_cmp documented listed
'

test_expect_success 'rule codes are unique and every line has four fields' '
	claims-validate --list-rules >listed &&
	cut -f1 listed | sort | uniq -d >dups && test_cmp /dev/null dups &&
	awk -F "\t" "NF != 4" listed >bad && test_cmp /dev/null bad
'

test_expect_success 'the seed-004 rule codes are all there' '
	claims-validate --list-rules | cut -f1 | grep "^CORE_" >core &&
	for c in CORE_FAC_01 CORE_FAC_02 CORE_PAT_01 CORE_DATE_01 CORE_DATE_02 \
	    CORE_FC_01 CORE_FC_02 CORE_FC_03 CORE_DOB_01 CORE_DOB_02 CORE_DOB_03 \
	    CORE_DOB_04 CORE_DOB_05 CORE_LINE_DATE_01 CORE_LINE_DATE_02 \
	    CORE_LINE_DATE_03 CORE_LINE_DATE_04; do
		grep -qx "$c" core || { echo "missing $c"; exit 1; }
	done
'
test_done
