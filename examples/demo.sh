#!/bin/sh
# examples/demo.sh BUILD: what `make demo` runs.  The whole pipeline on the
# bundled example and on 2,000 generated claims (5% with known defects),
# loaded into a private PostgreSQL that lives in a temporary directory and
# is removed at the end.  Prints what each stage did.
set -eu
BUILD=${1:?usage: examples/demo.sh BUILD}
SRC=$(cd "$(dirname "$0")/.." && pwd)
PATH=$BUILD/bin:$PATH
LC_ALL=C TZ=UTC
export PATH LC_ALL TZ
T=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-demo.XXXXXX")
. "$SRC/tests/pg.sh"
trap 'pg_stop; rm -rf "$T"' EXIT
cd "$T"

# A stage may exit 1 (some records rejected or failing rules): that is the
# demo's point; anything else stops it.
stage() {
	"$@" && return 0
	rc=$?
	[ $rc -eq 1 ] && return 0
	echo "demo: $1 failed with exit status $rc" >&2
	exit $rc
}
count() { wc -l <"$1" | tr -d ' '; }

# The CMS fee-schedule files: the full 2025 set when ../shared is there,
# else the trimmed copy the tests use (fewer codes priced).
cms=$SRC/examples/cms
[ -f "$SRC/../shared/data/cms/PPRRVU2025_Oct.csv" ] && cms=$SRC/../shared/data/cms

echo "demo: private PostgreSQL in $T/pg"
pg_start >pg.log 2>&1 || { cat pg.log >&2; exit 69; }
pg_install_schema

stage edi-gen -n 2000 -S 42 --defects 0.05 -o generated.837
stage edi-parse -q --rejects parse.rej "$SRC/examples/claims.837" generated.837 >parsed.ndjson
stage claims-validate --ref "$SRC/examples/ref" --rejects validate.rej <parsed.ndjson >validated.ndjson
stage claims-predict --model "$SRC/examples/filter-model.ubj" \
    --filters "$SRC/examples/filters.csv" --rejects predict.rej <validated.ndjson >predicted.ndjson
stage rvu-price --compile --data "$cms" -o pfs.idx
stage rvu-price --index pfs.idx --rejects price.rej <predicted.ndjson >priced.ndjson
stage claims-load --to "" --batch-name demo --rejects load.rej <priced.ndjson 2>load.log

echo
echo "edi-parse:       $(count parsed.ndjson) claims, $(count parse.rej) transaction sets rejected"
echo "claims-validate: $(jq -r .validation.status validated.ndjson | sort | uniq -c | awk '{printf "%s %s  ", $1, $2}')"
echo "claims-predict:  $(jq -r .prediction.filter predicted.ndjson | sort | uniq -c | sort -rn | awk '{printf "%s %s  ", $1, $2}')"
echo "rvu-price:       $(jq -r '.pricing.status // "?"' priced.ndjson | sort | uniq -c | awk '{printf "%s %s  ", $1, $2}')"
echo "claims-load:     $(tail -n 1 load.log)"
echo
echo "staging.claims by status:"
psql -X -A -F '  ' -t -c "select processing_status, count(*) from staging.claims group by 1 order by 1"
echo
echo "One claim, as the pipeline left it (patient data synthetic):"
head -n 1 priced.ndjson | jq -c '{claim_id, account: .claim.patient_account_number, total: .claim.total_charge, validation: .validation.status, prediction: .prediction.filter, allowed: .pricing.allowed_amount}'
