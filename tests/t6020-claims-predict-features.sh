#!/bin/sh
# claims-predict --features: the documented feature layout in LIBSVM
# text, missing values left out (NaN, not 0), labels, and models trained
# by xgboost(1) on that output.
. "$(dirname "$0")/lib.sh"

# Column of a categorical value: 18 + FNV-1a-32("ns=value") mod 2^14,
# as claims-predict(1) documents it (computed here independently).
col() {
	perl -e 'my $h = 2166136261;
		for my $c (unpack("C*", $ARGV[0])) {
			$h ^= $c; $h = ($h * 16777619) % 4294967296;
		}
		print 18 + ($h & 16383), "\n"' "$1"
}

test_expect_success 'setup: one hand-written claim' '
	cat >one.ndjson <<-\EOF &&
	{"claim_id":"c1","facility_id":"FAC001","financial_class_id":"FC_MCARE","source":{"transaction_date":"2025-03-20"},"billing_provider":{"taxonomy":"207Q00000X","address":{"state":"AL"}},"subscriber":{"claim_filing_indicator":"MB"},"payer":{"payer_id":"MCR01"},"patient":{"is_subscriber":true,"birth_date":"1950-03-15","gender":"F"},"claim":{"total_charge":250.50,"place_of_service":"11","frequency_code":"1","service_date_from":"2025-03-10","service_date_to":"2025-03-12","prior_authorization":"A1","attachments":[{"report_type":"09"}]},"diagnoses":[{"sequence":1,"code":"E119","is_primary":true},{"sequence":2,"code":"I10"}],"lines":[{"procedure_code":"99213","modifiers":["25"],"charge":100.50,"units":1,"service_date":"2025-03-10","emergency":"Y"},{"procedure_code":"93000","modifiers":["59","RT"],"charge":150.00,"units":2.5,"service_date":"2025-03-12"}],"other_payers":[{"payer":{"name":"X"}}],"providers":{"referring":{"npi":"1"},"rendering":{"taxonomy":"207R00000X"}}}
	EOF
	claims-predict --features one.ndjson >one.svm &&
	test "$(test_lines one.svm)" = 1
'

test_expect_success 'numeric columns 0-17 (documented order)' '
	tr " " "\n" <one.svm | sed -n "2,19p" >numeric &&
	cat >want <<-\EOF &&
	0:250.5
	1:74
	2:2
	3:2
	4:3.5
	5:10
	6:3
	7:2
	8:150
	9:2
	10:1
	11:1
	12:1
	13:1
	14:1
	15:71.57143
	16:1
	17:2
	EOF
	test_cmp want numeric
'

test_expect_success 'categorical columns: FNV-1a hashes of ns=value' '
	for v in facility=FAC001 financial_class=FC_MCARE filing=MB payer=MCR01 \
	    pos=11 procedure=99213 procedure=93000 procedure_group=992 \
	    procedure_group=930 diagnosis=E119 diagnosis=I10 dx_category=E11 \
	    dx_category=I10 dx_chapter=E dx_chapter=I primary_dx_category=E11 modifier=25 modifier=59 \
	    modifier=RT taxonomy=207Q00000X taxonomy=207R00000X frequency=1 \
	    gender=F state=AL
	do
		echo "$(col "$v"):1" || return 1
	done | sort -n -t: -k1,1 -u >want &&
	tr " " "\n" <one.svm | sed -n "20,\$p" >hashed &&
	test_cmp want hashed
'

test_expect_success 'label column: 0 without --label' '
	cut -d " " -f 1 one.svm >lab && echo 0 >want && test_cmp want lab
'

test_expect_success 'absent fields are missing (left out), never 0' '
	echo "{\"claim_id\":\"x\"}" | claims-predict --features >empty.svm &&
	echo "0 10:0 11:0 12:0 16:0" >want && test_cmp want empty.svm &&
	echo "{\"claim\":{\"total_charge\":0.00},\"lines\":[]}" |
	    claims-predict --features >zero.svm &&
	echo "0 0:0 3:0 6:0 7:0 10:0 11:0 12:0 13:0 16:0" >want &&
	test_cmp want zero.svm
'

test_expect_success 'patient age from the first line date when the claim has none' '
	echo "{\"patient\":{\"birth_date\":\"2000-06-01\"},\"lines\":[{\"service_date\":\"2025-06-01\"},{\"service_date\":\"2025-05-31\"}]}" |
	    claims-predict --features >age.svm &&
	grep "^0 1:24 3:2 " age.svm &&
	grep " 9:1 " age.svm
'

test_expect_success 'bad values leave the feature missing' '
	echo "{\"claim\":{\"total_charge\":\"abc\",\"service_date_from\":\"2025-02-30\"},\"patient\":{\"birth_date\":\"1990-01-01\"}}" |
	    claims-predict --features >bad.svm &&
	echo "0 10:0 11:0 12:0 16:0" >want && test_cmp want bad.svm
'

test_expect_success 'labels: integers as they are, names through the filters table' '
	test-mlgen -n 20 -s 5 >lab.ndjson &&
	claims-predict --features -l target_filter_id lab.ndjson | cut -d " " -f 1 >ints &&
	sed "s/.*\"target_filter_id\":\([0-9]*\).*/\1/" lab.ndjson >want &&
	test_cmp want ints &&
	claims-predict --features -l filter -f "$SRC/examples/filters.csv" lab.ndjson |
	    cut -d " " -f 1 >names &&
	test_cmp want names
'

test_expect_success 'labels: unknown, absent or odd labels are rejected (exit 1)' '
	{ echo "{\"filter\":\"clean\"}"; echo "{\"filter\":\"nosuch\"}"; echo "{}";
	  echo "{\"filter\":[1]}"; } >odd.ndjson &&
	test_expect_code 1 claims-predict --features -l filter -f "$SRC/examples/filters.csv" \
	    --rejects rej odd.ndjson >o 2>err &&
	test "$(test_lines o)" = 1 && grep "^1 " o &&
	grep "\"code\":\"unknown_label\"" rej && grep "\"code\":\"no_label\"" rej &&
	grep "\"code\":\"bad_label\"" rej &&
	grep "odd.ndjson:2: error: label .nosuch. is not in the filters table" err &&
	test_expect_code 1 claims-predict --features -l filter odd.ndjson >o 2>/dev/null &&
	test_cmp /dev/null o
'

test_expect_success 'labels joined from a sidecar by claim_id' '
	sed "s/.*\"claim_id\":\"\([0-9a-f]*\)\".*\"target_filter_id\":\([0-9]*\).*/{\"claim_id\":\"\1\",\"target_filter_id\":\2}/" \
	    lab.ndjson >side.ndjson &&
	test-mlgen -u -n 20 -s 5 >unl.ndjson &&
	claims-predict --features -l target_filter_id -L side.ndjson unl.ndjson >s.svm &&
	claims-predict --features -l target_filter_id lab.ndjson >l.svm &&
	test_cmp l.svm s.svm
'

if ! command -v xgboost >/dev/null 2>&1; then
	test_skip 'xgboost(1) models' 'xgboost command-line tool not installed'
else
	test_expect_success 'a model trained by xgboost(1) on --features output' '
		test-mlgen -n 1500 -s 31 >train.ndjson &&
		claims-predict --features -l target_filter_id train.ndjson >train.svm &&
		cat >train.conf <<-\EOF &&
		objective = multi:softprob
		num_class = 6
		max_depth = 6
		eta = 0.3
		nthread = 1
		num_round = 15
		data = "train.svm?format=libsvm&indexing_mode=0"
		model_out = "cli.json"
		EOF
		xgboost train.conf >xgb.log 2>&1 &&
		test-mlgen -u -n 200 -s 32 >in.ndjson &&
		claims-predict -m cli.json -f "$SRC/examples/filters.csv" in.ndjson >out &&
		test "$(grep -c "\"prediction\":{\"filter\":[1-5],\"filter_id\":[1-5],\"filter_code\":\"[a-z_]*\"" out)" = 200 &&
		grep -q "\"probabilities\":{\"0\":[0-9.]*,\"1\":" out &&
		claims-predict --info -m cli.json >info &&
		! grep "features_version" info &&
		grep "\"num_feature\":" info
	'

	test_expect_success 'xgboost(1) scores our model on our vectors as claims-predict does' '
		claims-train -q -n 10 -o ours.json <train.ndjson &&
		claims-predict --features -m ours.json in.ndjson >in.svm &&
		width=$(claims-predict --info -m ours.json | sed "s/.*\"num_feature\":\([0-9]*\).*/\1/") &&
		test "$width" -lt 16402 &&
		tr " " "\n" <in.svm | grep : | cut -d: -f1 | sort -n -u | tail -n 1 >maxcol &&
		test "$(cat maxcol)" -lt "$width" &&
		cat >pred.conf <<-\EOF &&
		task = pred
		model_in = ours.json
		test_path = "in.svm?format=libsvm&indexing_mode=0"
		name_pred = pred.txt
		EOF
		xgboost pred.conf >xgb.log 2>&1 &&
		test "$(test_lines pred.txt)" = 1000 &&
		claims-predict -m ours.json in.ndjson |
		sed -n "s/.*\"probabilities\":{\([^}]*\)}.*/\1/p" |
		sed "s/\"[a-z_]*\"://g" | tr "," "\n" >ours.txt &&
		paste -d " " pred.txt ours.txt |
		awk "{ d = \$1 - \$2; if (d < 0) d = -d; if (d > 0.0000006) { print NR \": \" \$0; exit 1 } }"
	'

	test_expect_success 'multi:softmax models are scored with probabilities' '
		sed "s/multi:softprob/multi:softmax/; s/cli.json/softmax.json/" train.conf >softmax.conf &&
		xgboost softmax.conf >xgb.log 2>&1 &&
		claims-predict -m softmax.json in.ndjson | sed "s/\"id\":\"[0-9a-f]*\"//" >sm &&
		claims-predict -m cli.json in.ndjson | sed "s/\"id\":\"[0-9a-f]*\"//" >sp &&
		test_cmp sp sm
	'

	test_expect_success 'binary:logistic models: two classes, 0 and 1' '
		sed "s/^[2-5] /0 /; s/^1 /1 /" train.svm >bin.svm &&
		sed "s/multi:softprob/binary:logistic/; /num_class/d; s/train.svm/bin.svm/; s/cli.json/bin.json/" \
		    train.conf >bin.conf &&
		xgboost bin.conf >xgb.log 2>&1 &&
		claims-predict -m bin.json -e 2 in.ndjson >bo &&
		test "$(grep -c "\"prediction\":{\"filter\":[01],\"probability\":[01]\.[0-9]*,\"probabilities\":{\"0\":[01]\.[0-9]*,\"1\":[01]\.[0-9]*}" bo)" = 200 &&
		sed -n "s/.*\"probabilities\":{\"0\":\([0-9.]*\),\"1\":\([0-9.]*\)}.*/\1 \2/p" bo |
		awk "{ s = \$1 + \$2; if (s < 0.999999 || s > 1.000001) exit 1 }" &&
		grep -q "\"explain\":\[{\"feature\":" bo
	'

	test_expect_success 'a regression model is not a classifier (78)' '
		sed "s/objective = multi:softprob/objective = reg:squarederror/; /num_class/d; s/cli.json/reg.json/" \
		    train.conf >reg.conf &&
		xgboost reg.conf >xgb.log 2>&1 &&
		test_expect_code 78 claims-predict -m reg.json in.ndjson >o 2>err &&
		grep "objective .reg:squarederror. is not a classifier" err
	'
fi

test_done
