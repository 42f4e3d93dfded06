#!/bin/sh
# The PostgreSQL staging schema: install, re-apply (changes nothing),
# version table, the tables and columns the other tools use.
. "$(dirname "$0")/lib.sh"
. "$TESTS/pg.sh"
pg_start || exit 1

test_must_be_empty() { if [ -s "$1" ]; then cat "$1"; return 1; fi; }
# pg_dump's \restrict key differs on every run: it is not schema.
schema_dump() { pg_dump -s | sed '/^.restrict /d; /^.unrestrict /d'; }

# SQL used below (kept out of the single-quoted test bodies).
cat >q.sql <<-\EOF
SELECT table_schema || '.' || table_name FROM information_schema.tables
WHERE table_schema IN ('edi', 'staging') ORDER BY 1;
EOF
cat >bad1.sql <<-\EOF
INSERT INTO edi.facilities (facility_id, facility_name, facility_type)
VALUES ('X', 'X', 'Hospital');
EOF
cat >bad2.sql <<-\EOF
INSERT INTO edi.facilities (facility_id, facility_name, critical_access)
VALUES ('X', 'X', 'Q');
EOF
cat >ok.sql <<-\EOF
INSERT INTO edi.filters (filter_name, rule_definition)
VALUES ('facility rule', 'valid(X) <= facility(X)');
INSERT INTO edi.filters (filter_name, rule_type, filter_code,
    class_index, action)
VALUES ('clean', 'ML_LABEL', 'ML_FILTER_0', 0, 'export');
EOF
cat >fbad1.sql <<-\EOF
INSERT INTO edi.filters (filter_name) VALUES ('no definition');
EOF
cat >fbad2.sql <<-\EOF
INSERT INTO edi.filters (filter_name, rule_type, filter_code,
    class_index)
VALUES ('other', 'ML_LABEL', 'ML_FILTER_0b', 0);
EOF
cat >bad.sql <<-\EOF
UPDATE staging.claims SET processing_status = 'DONE';
EOF

test_expect_success 'install.sql installs on an empty database' '
	psql -X -v ON_ERROR_STOP=1 -f "$SRC/sql/postgresql/install.sql" >out 2>err &&
	test_must_be_empty err &&
	psql -X -Atc "SELECT version FROM staging.schema_version" >actual &&
	echo 1 >expect &&
	test_cmp expect actual
'

test_expect_success 're-applying install.sql changes nothing' '
	schema_dump >before &&
	psql -X -v ON_ERROR_STOP=1 -f "$SRC/sql/postgresql/install.sql" >out 2>err &&
	test_must_be_empty err &&
	schema_dump >after &&
	test_cmp before after &&
	psql -X -Atc "SELECT count(*) FROM staging.schema_version" >actual &&
	echo 1 >expect &&
	test_cmp expect actual
'

test_expect_success 'make db runs the same install' '
	make -s -C "$SRC" db >out 2>err &&
	psql -X -Atc "SELECT count(*) FROM staging.schema_version" >actual &&
	echo 1 >expect &&
	test_cmp expect actual
'

test_expect_success 'two installs at once do not collide' '
	createdb twice &&
	{
		PGDATABASE=twice psql -X -q -v ON_ERROR_STOP=1 -f "$SRC/sql/postgresql/install.sql" >o1 2>&1 &
		p1=$!
		PGDATABASE=twice psql -X -q -v ON_ERROR_STOP=1 -f "$SRC/sql/postgresql/install.sql" >o2 2>&1 &
		p2=$!
		wait $p1 && wait $p2
	} &&
	PGDATABASE=twice psql -X -Atc "SELECT count(*) FROM staging.schema_version" >actual &&
	echo 1 >expect &&
	test_cmp expect actual &&
	test_must_be_empty o1 && test_must_be_empty o2
'

test_expect_success 'an older database is upgraded by the migrations it lacks' '
	createdb old &&
	PGDATABASE=old psql -X -q -v ON_ERROR_STOP=1 \
	    -c "CREATE SCHEMA staging" \
	    -c "CREATE TABLE staging.schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT current_user)" &&
	PGDATABASE=old psql -X -q -v ON_ERROR_STOP=1 -f "$SRC/sql/postgresql/install.sql" &&
	PGDATABASE=old psql -X -Atc "SELECT version FROM staging.schema_version" >actual &&
	echo 1 >expect &&
	test_cmp expect actual &&
	PGDATABASE=old psql -X -Atc "SELECT count(*) FROM staging.claims" >actual &&
	echo 0 >expect &&
	test_cmp expect actual
'

test_expect_success 'tables of the seeds exist under their names' '
	psql -X -At -f q.sql >actual &&
	cat >expect <<-\EOF &&
	edi.conversion_factors
	edi.facilities
	edi.filters
	edi.financial_classes
	edi.rvu_data
	staging.claims
	staging.cms1500_diagnoses
	staging.cms1500_line_items
	staging.processing_batches
	staging.schema_version
	staging.validation_results
	staging.validation_rules
	EOF
	test_cmp expect actual
'

test_expect_success 'facilities.csv and financial_classes.csv load with \copy' '
	cat >facilities.csv <<-\EOF &&
	facility_id,facility_name,npi_number,tax_id,state_code,zip_code,facility_type,critical_access,active
	FAC001,General Hospital,1234567893,123456789,IL,62701,Teaching,N,true
	FAC002,Rural Clinic,1245319599,987654321,IA,50001,Non-Teaching,Y,false
	EOF
	cat >classes.csv <<-\EOF &&
	financial_class_id,financial_class_description,facility_id,claim_filing_indicator,payer_id,requires_authorization,days_to_file_claim,active
	FC_MCARE,Medicare Part B,,MB,,false,365,true
	FC_ACME_FAC001,Acme commercial,FAC001,CI,ACME1,true,90,true
	EOF
	psql -X -q -v ON_ERROR_STOP=1 \
	    -c "\\copy edi.facilities (facility_id,facility_name,npi_number,tax_id,state_code,zip_code,facility_type,critical_access,active) from facilities.csv csv header" \
	    -c "\\copy edi.financial_classes (financial_class_id,financial_class_description,facility_id,claim_filing_indicator,payer_id,requires_authorization,days_to_file_claim,active) from classes.csv csv header" &&
	psql -X -Atc "SELECT count(*) FROM edi.facilities WHERE active" >actual &&
	echo 1 >expect &&
	test_cmp expect actual &&
	psql -X -Atc "SELECT financial_class_id FROM edi.financial_classes WHERE facility_id IS NULL" >actual &&
	echo FC_MCARE >expect &&
	test_cmp expect actual
'

test_expect_success 'reference checks of the seed reject bad rows' '
	test_must_fail psql -X -q -v ON_ERROR_STOP=1 -f bad1.sql 2>err &&
	grep facilities_facility_type_check err &&
	test_must_fail psql -X -q -v ON_ERROR_STOP=1 -f bad2.sql 2>err &&
	grep facilities_critical_access_check err
'

test_expect_success 'edi.filters: seed rules and ML labels side by side' '
	psql -X -q -v ON_ERROR_STOP=1 -f ok.sql &&
	test_must_fail psql -X -q -v ON_ERROR_STOP=1 -f fbad1.sql 2>err &&
	grep check err &&
	test_must_fail psql -X -q -v ON_ERROR_STOP=1 -f fbad2.sql 2>err &&
	grep filters_ml_class_idx err
'

test_expect_success 'deleting claims deletes their lines and diagnoses' '
	test-pggen -n 3 >c.ndjson &&
	claims-load --to "" c.ndjson 2>err &&
	psql -X -q -c "DELETE FROM staging.claims WHERE id = (SELECT min(id) FROM staging.claims)" &&
	psql -X -Atc "SELECT count(*) FROM staging.cms1500_line_items l WHERE NOT EXISTS (SELECT 1 FROM staging.claims c WHERE c.claim_id = l.claim_id)" >actual &&
	psql -X -Atc "SELECT count(*) FROM staging.cms1500_diagnoses d WHERE NOT EXISTS (SELECT 1 FROM staging.claims c WHERE c.claim_id = d.claim_id)" >>actual &&
	printf "0\n0\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'the processing_status vocabulary is checked' '
	test_must_fail psql -X -q -v ON_ERROR_STOP=1 -f bad.sql 2>err &&
	grep claims_processing_status_check err
'

test_done
