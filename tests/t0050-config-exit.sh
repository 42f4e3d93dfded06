#!/bin/sh
# A bad setting is a usage error (64) when it is a flag and a configuration
# error (78) when it comes from the environment or claimkit.conf(5), and
# the message names where it came from.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a claimkit.conf with bad values' '
	cat >bad.conf <<-\EOC
	load.batch_size = 0
	load.mark_done = BOGUS
	fetch.lease_time = soon
	predict.threshold = 2
	EOC
'

export CLAIMKIT_CONF=$T/bad.conf

test_expect_success 'load.batch_size from the file: 78, the key named' '
	test_expect_code 78 claims-load --to "" </dev/null 2>err &&
	grep "^claims-load: error: invalid load.batch_size in claimkit.conf (1 to 100000): .0.$" err
'

test_expect_success 'the flag wins over the file; a bad flag is 64' '
	test_expect_code 64 claims-load -b 0 --to "" </dev/null 2>err &&
	grep "invalid batch size (1 to 100000): .0.$" err
'

test_expect_success 'load.mark_done from the file: 78; --mark-done: 64' '
	test_expect_code 78 claims-load -b 5 --to "" </dev/null 2>err &&
	grep "unknown staging status in load.mark_done (see claimkit-schema(5)): .BOGUS.$" err &&
	test_expect_code 64 claims-load -b 5 --mark-done nope --to "" </dev/null 2>err &&
	grep "unknown staging status in --mark-done (see claimkit-schema(5)): .nope.$" err
'

test_expect_success 'fetch.lease_time from the file: 78' '
	test_expect_code 78 claims-fetch </dev/null 2>err &&
	grep "invalid fetch.lease_time in claimkit.conf (1 to 2678400): .soon.$" err &&
	test_expect_code 64 claims-fetch --lease-time 0 </dev/null 2>err &&
	grep "invalid --lease-time" err
'

test_expect_success 'predict.threshold from the file or CLAIMKIT_THRESHOLD: 78' '
	m=$SRC/examples/filter-model.ubj &&
	test_expect_code 78 claims-predict -m "$m" </dev/null 2>err &&
	grep "invalid threshold (CLAIMKIT_THRESHOLD or predict.threshold) (0 to 1): .2.$" err &&
	test_expect_code 78 env CLAIMKIT_CONF=/dev/null CLAIMKIT_THRESHOLD=-1 \
	    claims-predict -m "$m" </dev/null 2>err &&
	grep "invalid threshold (CLAIMKIT_THRESHOLD or predict.threshold) (0 to 1): .-1.$" err &&
	test_expect_code 64 env CLAIMKIT_CONF=/dev/null \
	    claims-predict -t 3 -m "$m" </dev/null
'

test_done
