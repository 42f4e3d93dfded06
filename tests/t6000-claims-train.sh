#!/bin/sh
# claims-train: labels (names, integers, sidecar join), metrics, metadata
# in the model, reproducibility, rejects and errors.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: labelled records from test-mlgen' '
	test-mlgen -n 1500 -s 11 >train.ndjson &&
	test "$(test_lines train.ndjson)" = 1500
'

test_expect_success 'train on names: report with metrics and baseline' '
	claims-train -n 15 -o m.ubj <train.ndjson >report &&
	test -s m.ubj &&
	grep "^records: 1500 read, 1500 labelled, 0 rejected" report &&
	grep "^classes: 5 (label .filter.), features: version 1, [0-9]* of 16402 columns" report &&
	grep "^evaluation: held-out 0.20: 1200 training rows, 300 test rows" report &&
	grep "^accuracy: " report &&
	grep "^baseline: .*majority class .clean." report &&
	grep "^log loss: " report &&
	for c in clean deny_eligibility duplicate hold_authorization review_coding
	do
		grep "^$c  *[01]\.[0-9]* *[01]\.[0-9]* *[01]\.[0-9]* *[0-9]*$" report ||
		return 1
	done
'

test_expect_success 'the model beats the majority baseline' '
	acc=$(sed -n "s/^accuracy: //p" report) &&
	base=$(sed -n "s/^baseline: \([0-9.]*\).*/\1/p" report) &&
	awk -v a="$acc" -v b="$base" "BEGIN { exit !(a >= 0.85 && a - b >= 0.2) }"
'

test_expect_success 'test split counts add up to the support column' '
	sum=$(awk "NF == 5 && \$5 ~ /^[0-9]+$/ { s += \$5 } END { print s }" report) &&
	test "$sum" = 300
'

test_expect_success 'metadata travels inside the model (--info)' '
	claims-predict --info -m m.ubj >info &&
	grep "\"features_version\":1" info &&
	width=$(sed "s/.*\"num_feature\":\([0-9]*\).*/\1/" info) &&
	test "$width" -gt 18 && test "$width" -lt 1000 &&
	grep "\"classes\":\[{\"filter\":\"clean\"},{\"filter\":\"deny_eligibility\"}" info &&
	grep "\"label\":\"filter\"" info &&
	grep "\"params\":{\"objective\":\"multi:softprob\",\"num_class\":5,\"tree_method\":\"hist\",\"rounds\":15,\"max_depth\":6,\"eta\":0.300000,\"seed\":1,\"min_count\":2,\"columns\":$width,\"test_fraction\":0.2000}" info &&
	grep "\"training\":{\"records\":1500,\"labelled\":1500,\"rejected\":0,\"training_rows\":1200," info &&
	grep "\"metrics\":{\"method\":\"held-out 0.20\",\"rows\":300,\"accuracy\":" info &&
	grep "\"baseline_accuracy\":" info &&
	grep "\"log_loss\":" info
'

test_expect_success 'same input and seed: the same model, byte for byte' '
	claims-train -q -n 15 -o again.ubj <train.ndjson &&
	cmp m.ubj again.ubj
'

test_expect_success 'another seed: another split, another model' '
	claims-train -n 15 -s 2 -o seed2.ubj <train.ndjson >report2 &&
	! cmp -s m.ubj seed2.ubj
'

test_expect_success 'JSON output for a .json name, same trees as UBJSON' '
	claims-train -q -n 15 -o m.json <train.ndjson &&
	head -c 1 m.json >first && printf "{" >want && test_cmp want first &&
	grep "\"claimkit_features_version\":\"1\"" m.json &&
	test-mlgen -u -n 50 -s 3 >p.ndjson &&
	claims-predict -m m.ubj p.ndjson | sed "s/\"id\":\"[0-9a-f]*\"//" >a &&
	claims-predict -m m.json p.ndjson | sed "s/\"id\":\"[0-9a-f]*\"//" >b &&
	test_cmp a b
'

test_expect_success 'integer labels (seed 004 target_filter_id)' '
	claims-train -n 10 -l target_filter_id -o int.ubj <train.ndjson >rep &&
	grep "^classes: 5 (label .target_filter_id.)" rep &&
	claims-predict --info -m int.ubj >info &&
	grep "\"classes\":\[{\"filter\":1},{\"filter\":2},{\"filter\":3},{\"filter\":4},{\"filter\":5}\]" info &&
	head -n 1 p.ndjson | claims-predict -m int.ubj >out &&
	grep -E "\"prediction\":\{\"filter\":[1-5],\"probability\":" out
'

test_expect_success 'filters table: classes carry filter id, name and action' '
	claims-train -q -n 10 -l target_filter_id -f "$SRC/examples/filters.csv" -o f.ubj <train.ndjson &&
	claims-predict --info -m f.ubj >info &&
	grep "{\"filter\":2,\"filter_id\":2,\"filter_code\":\"hold_authorization\",\"filter_name\":\"Hold for authorization\",\"action\":\"hold\"}" info &&
	claims-train -q -n 10 -f "$SRC/examples/filters.csv" -o g.ubj <train.ndjson &&
	claims-predict --info -m g.ubj >info &&
	grep "{\"filter\":\"duplicate\",\"filter_id\":5,\"filter_code\":\"duplicate\",\"filter_name\":\"Duplicate claim\",\"action\":\"reject\"}" info
'

test_expect_success 'a label missing from the filters table is a warning' '
	printf "filter_id,filter_code\n1,clean\n" >small.csv &&
	claims-train -q -n 2 -f small.csv -o w.ubj <train.ndjson 2>err &&
	grep "claims-train: warning: label .duplicate. is not in the filters table" err
'

test_expect_success 'sidecar labels joined by claim_id' '
	test-mlgen -u -n 1500 -s 11 >unlabelled.ndjson &&
	sed "s/.*\"claim_id\":\"\([0-9a-f]*\)\".*\"filter\":\"\([a-z_]*\)\".*/{\"claim_id\":\"\1\",\"filter\":\"\2\"}/" \
	    train.ndjson >side.ndjson &&
	head -n 1 side.ndjson | grep "^{\"claim_id\":\"[0-9a-f]\{32\}\",\"filter\":\"[a-z_]*\"}$" &&
	claims-train -q -n 15 -L side.ndjson -o side.ubj <unlabelled.ndjson &&
	cmp m.ubj side.ubj
'

test_expect_success 'k-fold cross validation scores every row once' '
	claims-train -n 5 -k 3 -o k.ubj <train.ndjson >krep &&
	grep "^evaluation: 3-fold cross validation: 1500 training rows, 1500 test rows" krep &&
	sum=$(awk "NF == 5 && \$5 ~ /^[0-9]+$/ { s += \$5 } END { print s }" krep) &&
	test "$sum" = 1500
'

test_expect_success 'records without a label are rejected, exit 1, model still written' '
	{ head -n 300 train.ndjson; echo "{\"claim\":{}}"; echo "not json";
	  echo "{\"filter\":1.5}"; } >mixed.ndjson &&
	test_expect_code 1 claims-train -n 3 -o r.ubj --rejects rej.ndjson <mixed.ndjson >rep 2>err &&
	grep "^records: 303 read, 300 labelled, 3 rejected" rep &&
	test "$(test_lines rej.ndjson)" = 3 &&
	grep "\"code\":\"no_label\"" rej.ndjson &&
	grep "\"code\":\"invalid_json\"" rej.ndjson &&
	grep "\"code\":\"bad_label\"" rej.ndjson &&
	grep "<stdin>:301: error: no label .filter." err &&
	test -s r.ubj
'

test_expect_success 'one class only: nothing to learn (65)' '
	grep "\"filter\":\"clean\"" train.ndjson >clean.ndjson &&
	test_expect_code 65 claims-train -o one.ubj <clean.ndjson 2>err &&
	grep "claims-train: error: all [0-9]* records have the same label .clean.: nothing to learn" err &&
	test_expect_code 65 claims-train -o none.ubj </dev/null 2>err &&
	grep "no labelled records" err &&
	test ! -e one.ubj && test ! -e none.ubj
'

test_expect_success 'usage errors (64)' '
	test_expect_code 64 claims-train <train.ndjson 2>err &&
	grep "no output" err &&
	test_expect_code 64 claims-train -o x.ubj -k 1 </dev/null &&
	test_expect_code 64 claims-train -o x.ubj -T 0.95 </dev/null &&
	test_expect_code 64 claims-train -o x.ubj -p nonsense </dev/null &&
	test_expect_code 64 claims-train -n 2 -o x.ubj -p max_depth=banana <train.ndjson 2>err &&
	grep "XGBoost parameters: .*max_depth" err &&
	claims-train -q -n 2 -o typo.ubj -p max_dept=3 <train.ndjson 2>err &&
	grep "^claims-train: warning: xgboost: Parameters: { \"max_dept\" } are not used\.$" err &&
	test_expect_code 64 claims-train --bogus 2>err &&
	claims-train --help >help && grep "^usage: claims-train" help &&
	claims-train --version >v && grep "^claims-train (claimkit) " v
'

test_expect_success 'bad filters or sidecar files' '
	printf "id,code\n1,x\n" >bad.csv &&
	test_expect_code 78 claims-train -o x.ubj -f bad.csv <train.ndjson 2>err &&
	grep "bad.csv:1: missing column .filter_id. in the header" err &&
	printf "filter_id,filter_code\n1,a\n1,b\n" >dup.csv &&
	test_expect_code 78 claims-train -o x.ubj -f dup.csv <train.ndjson 2>err &&
	grep "dup.csv:3: duplicate filter_id 1" err &&
	test_expect_code 66 claims-train -o x.ubj -L nosuch.ndjson <train.ndjson 2>err &&
	grep "cannot open .nosuch.ndjson." err &&
	printf "{\"claim_id\":\"a\",\"filter\":\"x\"}\n{\"claim_id\":\"a\",\"filter\":\"y\"}\n" >conflict.ndjson &&
	test_expect_code 66 claims-train -o x.ubj -L conflict.ndjson <train.ndjson 2>err &&
	grep "conflict.ndjson:2: claim_id a has two different labels" err &&
	test ! -e x.ubj
'

test_expect_success 'an unwritable output is an I/O error (74)' '
	test_expect_code 74 claims-train -q -n 2 -o nodir/m.ubj <train.ndjson 2>err &&
	grep "cannot create" err
'

test_done
