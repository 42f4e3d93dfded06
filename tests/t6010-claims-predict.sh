#!/bin/sh
# claims-predict: the prediction section, pass-through, batching,
# thresholds, explanations, filters, configuration and model errors.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a model and unlabelled records' '
	test-mlgen -n 1500 -s 21 >train.ndjson &&
	claims-train -q -n 15 -o m.ubj <train.ndjson &&
	claims-train -q -n 15 -o m.json <train.ndjson &&
	test-mlgen -u -n 400 -s 22 >in.ndjson &&
	test-mlgen -n 400 -s 22 >truth.ndjson
'

test_expect_success 'every record gets a prediction, in order' '
	claims-predict -m m.ubj in.ndjson >out &&
	test "$(test_lines out)" = 400 &&
	test "$(grep -c "\"prediction\":{\"filter\":\"[a-z_]*\",\"probability\":[01]\.[0-9]\{6\},\"probabilities\":{\"clean\":[01]\.[0-9]\{6\},\"deny_eligibility\":[01]\.[0-9]\{6\},\"duplicate\":[01]\.[0-9]\{6\},\"hold_authorization\":[01]\.[0-9]\{6\},\"review_coding\":[01]\.[0-9]\{6\}},\"model\":{\"id\":\"[0-9a-f]\{16\}\",\"version\":\"1\"}}}$" out)" = 400
'

test_expect_success 'everything else passes through byte for byte' '
	sed "s/,\"prediction\":{.*}}$/}/" out >stripped &&
	test_cmp in.ndjson stripped
'

test_expect_success 'probabilities sum to 1; filter is the most probable class' '
	sed -n "s/.*\"probability\":\([0-9.]*\),\"probabilities\":{\([^}]*\)}.*/\1 \2/p" out |
	sed "s/\"[a-z_]*\"://g; s/,/ /g" >probs &&
	test "$(test_lines probs)" = 400 &&
	awk "{ s = 0; m = 0; for (i = 2; i <= NF; i++) { s += \$i; if (\$i > m) m = \$i }
	     if (s < 0.99999 || s > 1.00001 || m != \$1) { print \"bad: \" \$0; exit 1 } }" probs
'

test_expect_success 'the model id is the SHA-256 prefix of the model file' '
	id=$(sha256sum m.ubj | cut -c1-16) &&
	grep -q "\"model\":{\"id\":\"$id\"" out
'

test_expect_success 'predictions agree with the hidden rules on unseen claims' '
	sed "s/.*\"prediction\":{\"filter\":\"\([a-z_]*\)\".*/\1/" out >pred &&
	sed "s/.*\"filter\":\"\([a-z_]*\)\".*/\1/" truth.ndjson >want &&
	paste -d " " pred want | awk "\$1 == \$2 { n++ } END { exit !(n / NR >= 0.85) }"
'

test_expect_success 'deterministic, and independent of the batch size' '
	claims-predict -m m.ubj in.ndjson >again &&
	test_cmp out again &&
	claims-predict -m m.ubj -b 1 in.ndjson >b1 &&
	test_cmp out b1 &&
	claims-predict -m m.ubj -b 7 <in.ndjson >b7 &&
	test_cmp out b7 &&
	claims-predict -m m.ubj --unbuffered <in.ndjson >ub &&
	test_cmp out ub
'

test_expect_success 'JSON and UBJSON forms of one model predict the same' '
	claims-predict -m m.json in.ndjson | sed "s/\"id\":\"[0-9a-f]*\"//" >j &&
	sed "s/\"id\":\"[0-9a-f]*\"//" out >u &&
	test_cmp u j
'

test_expect_success 'an existing prediction section is replaced, not repeated' '
	claims-predict -m m.ubj out >twice &&
	test_cmp out twice
'

test_expect_success 'several input files, read in turn' '
	head -n 10 in.ndjson >a.ndjson && sed -n 11,25p in.ndjson >b.ndjson &&
	claims-predict -m m.ubj a.ndjson b.ndjson >ab &&
	head -n 25 out >want && test_cmp want ab
'

test_expect_success '--threshold marks low-confidence predictions for review' '
	claims-predict -m m.ubj -t 0.9 in.ndjson >thr &&
	test "$(grep -c "\"review\":" thr)" = 400 &&
	awk "{ p = \$0; sub(/.*\"probability\":/, \"\", p); sub(/,.*/, \"\", p);
	       r = (\$0 ~ /\"review\":true/);
	       if (r != (p + 0 < 0.9)) { print \"bad: \" p \" \" r; exit 1 } }" thr &&
	grep -q "\"review\":false" thr &&
	claims-predict -m m.ubj -t 1 in.ndjson >all &&
	test "$(grep -c "\"review\":true" all)" = 400 &&
	test_expect_code 64 claims-predict -m m.ubj -t 1.5 </dev/null &&
	test_expect_code 64 claims-predict -m m.ubj -t x </dev/null
'

test_expect_success '--explain: the N largest contributions, readable names' '
	claims-predict -m m.ubj -e 3 in.ndjson >ex &&
	sed "s/,\"explain\":\[[^]]*\]}}$/}}/" ex >noex &&
	test_cmp out noex &&
	test "$(grep -c "\"explain\":\[{\"feature\":\"[^\"]*\",\"value\":[^,]*,\"contribution\":-\{0,1\}[0-9.]*},{[^}]*},{[^}]*}\]}}$" ex)" = 400 &&
	grep "\"prediction\":{\"filter\":\"duplicate\"" ex | head -n 1 >dup &&
	grep "\"explain\":\[{\"feature\":\"frequency=7\",\"value\":1,\"contribution\":[0-9.]*}" dup &&
	grep -q "\"feature\":\"procedure=[0-9]\{5\}\"" ex &&
	grep -q "\"feature\":\"patient_age\",\"value\":[0-9]*," ex
'

test_expect_success '--explain: largest absolute contribution first' '
	awk "{ n = split(\$0, part, /\"contribution\":/); prev = -1
	       for (i = 2; i <= n; i++) {
		       v = part[i] + 0; if (v < 0) v = -v
		       if (prev >= 0 && v > prev + 1e-9) { print \"unsorted: \" NR; exit 1 }
		       prev = v; seen++
	       } } END { if (seen != 1200) { print \"seen \" seen; exit 1 } }" ex
'

test_expect_success '--filters: filter id, name and action of the class' '
	claims-predict -m m.ubj -f "$SRC/examples/filters.csv" in.ndjson >f &&
	grep -q "\"prediction\":{\"filter\":\"clean\",\"filter_id\":1,\"filter_code\":\"clean\",\"filter_name\":\"Clean claim\",\"action\":\"release\",\"probability\":" f &&
	sed "s/\"filter_id\":[0-9]*,\"filter_code\":\"[a-z_]*\",\"filter_name\":\"[A-Za-z ]*\",\"action\":\"[a-z]*\",//" f >nof &&
	test_cmp out nof
'

test_expect_success 'model and filters from the environment and claimkit.conf' '
	CLAIMKIT_MODEL=m.ubj claims-predict in.ndjson >env &&
	test_cmp out env &&
	printf "predict.model = m.ubj\npredict.filters = %s\npredict.threshold = 0.5\n" \
	    "$SRC/examples/filters.csv" >ck.conf &&
	CLAIMKIT_CONF=ck.conf claims-predict in.ndjson >conf &&
	grep -q "\"action\":\"release\"" conf &&
	grep -q "\"review\":false" conf &&
	CLAIMKIT_CONF=ck.conf CLAIMKIT_MODEL=nosuch.ubj test_expect_code 78 claims-predict in.ndjson &&
	CLAIMKIT_CONF=ck.conf CLAIMKIT_MODEL=nosuch.ubj claims-predict -m m.ubj in.ndjson >flag &&
	test_cmp conf flag
'

test_expect_success 'records missing fields are still predicted' '
	printf "%s\n" "{}" "{\"claim_id\":\"x\"}" "{\"claim\":{\"total_charge\":12.50}}" \
	    "{\"lines\":[],\"diagnoses\":[]}" >sparse.ndjson &&
	claims-predict -m m.ubj -e 2 sparse.ndjson >sp &&
	test "$(grep -c "\"prediction\":{\"filter\":" sp)" = 4 &&
	head -n 1 sp | grep "^{\"prediction\":{"
'

test_expect_success 'invalid records are rejected, the rest keep their order (exit 1)' '
	{ head -n 3 in.ndjson; echo "{broken"; echo "[1,2]"; sed -n 4,5p in.ndjson; } >mixed &&
	test_expect_code 1 claims-predict -m m.ubj -b 2 --rejects rej mixed >mo 2>err &&
	head -n 5 out >want && test_cmp want mo &&
	test "$(test_lines rej)" = 2 &&
	grep "\"code\":\"invalid_json\"" rej && grep "\"code\":\"not_an_object\"" rej &&
	grep "claims-predict: mixed:4: error: invalid JSON" err
'

test_expect_success 'an unopenable input file is exit 66, the others still go' '
	test_expect_code 66 claims-predict -m m.ubj nosuch.ndjson a.ndjson >o 2>err &&
	test "$(test_lines o)" = 10 &&
	grep "cannot open .nosuch.ndjson." err
'

test_expect_success 'no model at all is a usage error (64)' '
	test_expect_code 64 claims-predict <in.ndjson 2>err &&
	grep "claims-predict: error: no model: give --model FILE" err
'

test_expect_success 'a missing model file is exit 78 with the reason' '
	test_expect_code 78 claims-predict -m nosuch.ubj <in.ndjson >o 2>err &&
	test_cmp /dev/null o &&
	echo "claims-predict: error: cannot open model '"'"'nosuch.ubj'"'"': No such file or directory" >want &&
	test_cmp want err
'

test_expect_success 'corrupt models are exit 78 with a clear message' '
	: >empty.ubj &&
	test_expect_code 78 claims-predict -m empty.ubj <in.ndjson 2>err &&
	grep "claims-predict: error: model .empty.ubj. is empty" err &&
	head -c 5000 m.ubj >trunc.ubj &&
	test_expect_code 78 claims-predict -m trunc.ubj <in.ndjson 2>err &&
	grep "claims-predict: error: cannot load model .trunc.ubj.: not an XGBoost JSON or UBJSON model" err &&
	head -c 5000 m.json >trunc.json &&
	test_expect_code 78 claims-predict -m trunc.json <in.ndjson 2>err &&
	grep "cannot load model .trunc.json.: not an XGBoost JSON or UBJSON model" err &&
	echo "hello, world" >garbage.ubj &&
	test_expect_code 78 claims-predict -m garbage.ubj <in.ndjson 2>err &&
	grep "cannot load model .garbage.ubj." err &&
	test "$(wc -l <err)" -eq 1 &&
	test_expect_code 78 claims-predict -m . <in.ndjson 2>err &&
	grep "model .\.." err
'

test_expect_success 'a model of another feature version is exit 78' '
	sed "s/\"claimkit_features_version\":\"1\"/\"claimkit_features_version\":\"2\"/" m.json >v2.json &&
	! cmp -s m.json v2.json &&
	test_expect_code 78 claims-predict -m v2.json <in.ndjson >o 2>err &&
	test_cmp /dev/null o &&
	grep "claims-predict: error: model .v2.json. was trained on feature version 2; this build extracts version 1" err
'

test_expect_success 'a model wider than the feature vector is exit 78' '
	width=$(claims-predict --info -m m.json | sed "s/.*\"num_feature\":\([0-9]*\).*/\1/") &&
	sed "s/\"num_feature\":\"$width\"/\"num_feature\":\"20000\"/g" m.json |
	sed "s/\"claimkit_features_version\":\"1\",//; s/\"claimkit_columns\":\"[^\"]*\",//" >wide.json &&
	! cmp -s m.json wide.json &&
	test_expect_code 78 claims-predict -m wide.json <in.ndjson 2>err &&
	grep "model .wide.json. expects 20000 features; feature version 1 has 16402" err
'

test_expect_success 'a column map that does not fit the model is exit 78' '
	sed "s/\"claimkit_columns\":\"\[[0-9]*,/\"claimkit_columns\":\"[/" m.json >short.json &&
	! cmp -s m.json short.json &&
	test_expect_code 78 claims-predict -m short.json <in.ndjson 2>err &&
	grep "model .short.json.: attribute claimkit_columns does not fit the model.s [0-9]* columns and feature version 1" err &&
	sed "s/\"claimkit_columns\":\"\[[0-9]*,/\"claimkit_columns\":\"[99999,/" m.json >big.json &&
	test_expect_code 78 claims-predict -m big.json <in.ndjson 2>err &&
	grep "attribute claimkit_columns does not fit" err
'

test_expect_success 'a bad filters table is exit 78' '
	printf "filter_id,filter_code\nx,clean\n" >bad.csv &&
	test_expect_code 78 claims-predict -m m.ubj -f bad.csv <in.ndjson 2>err &&
	grep "bad.csv:2: filter_id is not an integer >= 0: .x." err &&
	test_expect_code 78 claims-predict -m m.ubj -f nosuch.csv <in.ndjson 2>err &&
	grep "cannot open .nosuch.csv." err
'

test_expect_success 'usage errors (64), --help and --version' '
	test_expect_code 64 claims-predict -m m.ubj -b 0 </dev/null &&
	test_expect_code 64 claims-predict -m m.ubj -e 0 </dev/null &&
	test_expect_code 64 claims-predict -m m.ubj --label filter </dev/null &&
	test_expect_code 64 claims-predict --features -L side.ndjson </dev/null &&
	test_expect_code 64 claims-predict --nonsense </dev/null &&
	claims-predict --help >h && grep "^usage: claims-predict" h &&
	claims-predict -V >v && grep "^claims-predict (claimkit) " v
'

test_expect_success 'a full disk is an I/O error (74)' '
	if [ -w /dev/full ]; then
		test_expect_code 74 claims-predict -m m.ubj in.ndjson >/dev/full 2>err &&
		grep "cannot write standard output" err
	fi
'

test_done
