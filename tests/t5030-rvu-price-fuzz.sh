#!/bin/sh
# The libFuzzer corpora of the rvu-price loaders (tests/fuzz/corpus/rvu-index
# and rvu-csv, seeds and the inputs that once failed) through the fuzz
# targets' own checks, under whatever build runs the tests (make check: the
# sanitizer build): every input is loaded or refused, none crashes, what
# loads prices claims into valid JSON.  Plus mutations of a real index:
# every truncation and many single-byte changes are refused or harmless.
. "$(dirname "$0")/lib.sh"

for f in "$TESTS"/fuzz/corpus/rvu-index/*; do
	test_expect_success "rvu index corpus ${f##*/}" '
		test-rvu-fuzz index "$f" >out &&
		echo "$f: ok" >want &&
		test_cmp want out
	'
done
for f in "$TESTS"/fuzz/corpus/rvu-csv/*; do
	test_expect_success "rvu csv corpus ${f##*/}" '
		test-rvu-fuzz csv "$f" >out &&
		echo "$f: ok" >want &&
		test_cmp want out
	'
done

test_expect_success 'every truncation of an index is refused, never read past' '
	rvu-price --compile --data "$TESTS/data/rvu-synth" -o s.idx &&
	size=$(wc -c <s.idx) &&
	n=0 &&
	while [ $n -lt "$size" ]; do
		head -c $n s.idx >t.idx &&
		test_expect_code 78 rvu-price --index t.idx </dev/null 2>/dev/null ||
		    { echo "truncated at $n: not refused"; exit 1; }
		n=$((n + 97))
	done
'

test_expect_success 'single-byte changes: refused (checksum) or, unsealed, safe' '
	size=$(wc -c <s.idx) &&
	i=0 &&
	while [ $i -lt "$size" ]; do
		cp s.idx m.idx &&
		printf "\377" | dd of=m.idx bs=1 seek=$i conv=notrunc 2>/dev/null &&
		if cmp -s s.idx m.idx; then i=$((i + 53)); continue; fi &&
		test_expect_code 78 rvu-price --index m.idx </dev/null 2>/dev/null ||
		    { echo "byte $i changed: not refused"; exit 1; }
		test-rvu-fuzz index m.idx >/dev/null ||
		    { echo "byte $i changed: fuzz target failed"; exit 1; }
		i=$((i + 53))
	done
'
test_done
