#!/bin/sh
# claims-predict / claims-train: the filters table from PostgreSQL
# (edi.filters rows of rule_type ML_LABEL) instead of a CSV file.
. "$(dirname "$0")/lib.sh"
. "$TESTS/pg.sh"

pg_start >pg.log 2>&1 && pg_install_schema >>pg.log 2>&1 ||
	{ cat pg.log; echo "Bail out! cannot start PostgreSQL"; exit 1; }

test_expect_success 'setup: ML_LABEL rows and a model on integer labels' '
	psql -X -q -v ON_ERROR_STOP=1 <<-\EOF &&
	INSERT INTO edi.filters (filter_id, filter_name, rule_type, filter_code,
	    class_index, action) VALUES
	    (11, '"'"'Clean claim'"'"', '"'"'ML_LABEL'"'"', '"'"'clean'"'"', 1, '"'"'release'"'"'),
	    (12, '"'"'Hold for authorization'"'"', '"'"'ML_LABEL'"'"', '"'"'hold_authorization'"'"', 2, '"'"'hold'"'"'),
	    (13, '"'"'Deny for eligibility'"'"', '"'"'ML_LABEL'"'"', '"'"'deny_eligibility'"'"', 3, '"'"'deny'"'"'),
	    (14, '"'"'Review for coding'"'"', '"'"'ML_LABEL'"'"', '"'"'review_coding'"'"', 4, '"'"'review'"'"'),
	    (15, '"'"'Duplicate claim'"'"', '"'"'ML_LABEL'"'"', '"'"'duplicate'"'"', 5, '"'"'reject'"'"');
	-- A rule row and a retired label are not classes.
	INSERT INTO edi.filters (filter_name, rule_definition, rule_type)
	    VALUES ('"'"'CORE_FAC_01'"'"', '"'"'facility(X)'"'"', '"'"'DATALOG'"'"');
	INSERT INTO edi.filters (filter_name, rule_type, filter_code, class_index,
	    action, is_active) VALUES ('"'"'Old'"'"', '"'"'ML_LABEL'"'"', '"'"'old'"'"', 9, '"'"'x'"'"', false);
	EOF
	test-mlgen -n 1000 -s 41 >train.ndjson &&
	claims-train -q -n 8 -l target_filter_id -o m.ubj <train.ndjson &&
	test-mlgen -u -n 50 -s 42 >in.ndjson
'

test_expect_success 'claims-predict --filters postgresql://' '
	claims-predict -m m.ubj -f postgresql:// in.ndjson >pg.out &&
	test "$(grep -c "\"prediction\":{\"filter\":[1-5],\"filter_id\":1[1-5],\"filter_code\":\"[a-z_]*\",\"filter_name\":\"[A-Za-z ]*\",\"action\":\"[a-z]*\",\"probability\":" pg.out)" = 50 &&
	grep -q "\"filter\":1,\"filter_id\":11,\"filter_code\":\"clean\",\"filter_name\":\"Clean claim\",\"action\":\"release\"" pg.out
'

test_expect_success 'the same rows from the CSV give the same classes' '
	printf "%s\n" filter_id,filter_code,filter_name,action,class_index \
	    "11,clean,Clean claim,release,1" \
	    "12,hold_authorization,Hold for authorization,hold,2" \
	    "13,deny_eligibility,Deny for eligibility,deny,3" \
	    "14,review_coding,Review for coding,review,4" \
	    "15,duplicate,Duplicate claim,reject,5" >f.csv &&
	claims-predict -m m.ubj -f f.csv in.ndjson >csv.out &&
	test_cmp csv.out pg.out
'

test_expect_success 'claims-train --filters postgresql:// embeds the rows' '
	claims-train -q -n 4 -f postgresql:// -o named.ubj <train.ndjson &&
	claims-predict --info -m named.ubj >info &&
	grep "{\"filter\":\"review_coding\",\"filter_id\":14,\"filter_code\":\"review_coding\",\"filter_name\":\"Review for coding\",\"action\":\"review\"}" info
'

test_expect_success 'no ML_LABEL rows: configuration error (78)' '
	psql -X -q -c "UPDATE edi.filters SET is_active = false WHERE rule_type = '"'"'ML_LABEL'"'"'" &&
	test_expect_code 78 claims-predict -m m.ubj -f postgresql:// in.ndjson >o 2>err &&
	test_cmp /dev/null o &&
	grep "edi.filters has no active ML_LABEL rows" err
'

test_expect_success 'an unreachable server is exit 69' '
	test_expect_code 69 claims-predict -m m.ubj -f "postgresql:///claimkit?host=$T/nosuchdir" in.ndjson >o 2>err &&
	test_cmp /dev/null o
'

test_done
