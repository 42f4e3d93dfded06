#!/bin/sh
# The per-rule data-file cases of claims-validate (tests/cases/claims-validate,
# run by t0100) mean what their names say: every rule has a RULE-pass and a
# RULE-fail case, each RULE-fail* case reports RULE and no RULE-pass case
# does.  So a regenerated expectation (mkcases.sh) cannot quietly accept a
# rule that stopped firing.  (t0100 checks that each out is what the
# tool writes today.)
. "$(dirname "$0")/lib.sh"

C=$SRC/tests/cases/claims-validate
export CLAIMKIT_CONF=/dev/null

test_expect_success 'every rule has a pass case and a fail case' '
	claims-validate --list-rules | cut -f1 >rules &&
	test "$(test_lines rules)" -ge 70 &&
	while read -r r; do
		test -f "$C/$r-pass/in" || { echo "no case $r-pass"; exit 1; }
		test -f "$C/$r-fail/in" || { echo "no case $r-fail"; exit 1; }
	done <rules
'

for dir in "$C"/*-pass "$C"/*-fail*; do
	name=${dir##*/}
	rule=${name%-pass}
	rule=${rule%%-fail*}
	case $name in *-pass) want=absent ;; *) want=present ;; esac
	test_expect_success "$name: $rule $want" '
		jq -r ".validation.findings[]?.rule" "$dir/out" >found &&
		if [ $want = present ]; then
			grep -qx "$rule" found
		else
			! grep -qx "$rule" found
		fi
	'
done
test_done
