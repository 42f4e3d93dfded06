-- claimkit staging schema, version 1.
--
-- Applied by install.sql (never directly): one transaction, recorded in
-- staging.schema_version.  Every statement is also written to be harmless
-- when the object already exists.
--
-- Where the names come from (see claimkit-schema(5)):
--   seed 004 (edi_claims_processor, database edi_staging): the schemas
--     `edi` (reference data) and `staging` (claims), staging.claims,
--     staging.cms1500_diagnoses, staging.cms1500_line_items,
--     staging.validation_results, staging.processing_batches,
--     edi.facilities, edi.financial_classes, edi.filters, the upper-case
--     processing_status vocabulary.
--   seed 000 (837p_claims_processor, database claims_staging):
--     validation_rules, rvu_data, the batch_metadata columns folded into
--     staging.processing_batches, claims.batch_id, retry_count; and its
--     rule "string references, no foreign keys to reference data".
--
-- Departures from the seeds, and why:
--   * Timestamps are timestamptz (the seeds use timestamp without time
--     zone): leases are compared across hosts and time zones.
--   * staging.claims keeps the seed-004 v1 key, claim_id alone (the later
--     revision keyed and partitioned by (claim_id, service_date)): loads
--     are idempotent by claim_id, which must therefore be unique on its
--     own.  No partitioning.  A bigint `id` is added as the compact
--     staging identity used by leases and staging_mark().
--   * staging.claims gets the work-queue columns lease_owner,
--     lease_expires, lease_count (claims-fetch --lease) and seed 000's
--     batch_id, retry_count, last_retry_at; plus service_date_to and
--     claim_filing_indicator.  claim_data holds the whole NDJSON record
--     (claimkit-record(5)) and is the authority claims-fetch returns; the
--     other columns, the line items and the diagnoses are projections of
--     it written by claims-load for SQL queries and indexes.
--   * Text columns the 837 does not bound are text or wider than the
--     seeds (total_claim_charges numeric(12,2) not (10,2), units
--     numeric(15,3) not integer: an 837 SV104 can be 1.5): staging must
--     accept a malformed claim so that claims-validate can report it.
--   * Line items and diagnoses have no foreign key to staging.claims (as
--     in seed 004's later revision): claims-load writes a claim and its
--     children in one transaction, and a statement-level trigger deletes
--     the children of deleted claims.  A per-row foreign-key check would
--     halve the speed of every COPY of line items.
--   * staging.cms1500_diagnoses gets diagnosis_qualifier (ABK, ABF, BK...)
--     and line items procedure_qualifier, unit_basis, ndc_code; line
--     charge and units keep the seed names.
--   * processing_status is varchar(30) with a check on the seed-004
--     vocabulary (the SQL Server side's varchar(20) is too short for
--     COMPLETED_EXPORTED_TO_PROD, 26 characters).
--   * staging.processing_batches is seed 004's table with seed 000's
--     batch_metadata columns folded in and one more count,
--     duplicate_claims; seed 004's claim_batches link table is replaced
--     by staging.claims.batch_id (a claim is loaded by exactly one batch).
--   * edi.facilities / edi.financial_classes carry the seed-004 columns
--     plus, on financial classes, claim_filing_indicator and payer_id
--     (the columns claims-validate reads from financial_classes.csv).
--     No foreign keys to or between reference tables (seed 000):
--     organizations, regions, standard payers and HCC types are kept as
--     plain ids.  The seed's staging.*_cache copies are not created:
--     claimkit reads edi.* directly or from CSV files.
--   * edi.filters: seed 004 defines it as a versioned RULE store; claimkit
--     keeps every seed column and stores the ML labels that
--     claims-predict assigns in the same table as rows of rule_type
--     'ML_LABEL', with filter_code (e.g. ML_FILTER_2), class_index (the
--     model's integer class, seed-004 target_filter_id) and action.  Only
--     ML_LABEL rows may leave rule_definition empty.
--   * edi.rvu_data is seed 000's rvu_data with a modifier in the key (CMS
--     prices 26/TC rows separately), conversion_factor with 4 decimals
--     (CMS 2025: 32.3465) and the CMS status and indicator codes.
--     edi.conversion_factors keeps the dated conversion factors.

BEGIN;

CREATE SCHEMA IF NOT EXISTS edi;
CREATE SCHEMA IF NOT EXISTS staging;

-- Keep updated_date current on UPDATE (seed 004's trigger).
CREATE OR REPLACE FUNCTION staging.touch_updated_date() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	NEW.updated_date := now();
	RETURN NEW;
END
$$;

-- ---------------------------------------------------------------- edi --

CREATE TABLE IF NOT EXISTS edi.facilities (
	facility_id		varchar(50) PRIMARY KEY,
	facility_name		varchar(200) NOT NULL,
	facility_code		varchar(20) UNIQUE,
	organization_id		integer,
	region_id		integer,
	address_line_1		varchar(255),
	address_line_2		varchar(255),
	city			varchar(100),
	state_code		char(2),
	zip_code		varchar(10),
	bed_size		integer CHECK (bed_size >= 0),
	fiscal_reporting_month	integer CHECK (fiscal_reporting_month BETWEEN 1 AND 12),
	emr_system		varchar(100),
	facility_type		varchar(20)
	    CHECK (facility_type IN ('Teaching', 'Non-Teaching', 'Unknown')),
	critical_access		char(1) CHECK (critical_access IN ('Y', 'N', 'U')),
	phone			varchar(20),
	fax			varchar(20),
	email			varchar(255),
	npi_number		varchar(10),
	tax_id			varchar(20),
	license_number		varchar(50),
	active			boolean NOT NULL DEFAULT true,
	created_date		timestamptz NOT NULL DEFAULT now(),
	updated_date		timestamptz NOT NULL DEFAULT now()
);
-- claims-load maps a claim's billing provider NPI to its facility.
CREATE INDEX IF NOT EXISTS facilities_npi_idx
    ON edi.facilities (npi_number) WHERE active;

CREATE TABLE IF NOT EXISTS edi.financial_classes (
	financial_class_id	varchar(50) PRIMARY KEY,
	financial_class_description varchar(200) NOT NULL,
	standard_payer_id	integer,
	hcc_type_id		integer,
	-- NULL: valid for every facility (seed 004 rule CORE_FC_03).
	facility_id		varchar(50),
	-- SBR09 and the payer id (NM109 of 2010BB) this class stands for.
	claim_filing_indicator	varchar(2),
	payer_id		varchar(80),
	payer_priority		integer DEFAULT 1,
	requires_authorization	boolean NOT NULL DEFAULT false,
	authorization_required_services text,
	copay_amount		numeric(8,2),
	deductible_amount	numeric(10,2),
	claim_submission_format	varchar(20),
	days_to_file_claim	integer DEFAULT 365,
	accepts_electronic_claims boolean NOT NULL DEFAULT true,
	active			boolean NOT NULL DEFAULT true,
	effective_date		date DEFAULT current_date,
	end_date		date,
	created_date		timestamptz NOT NULL DEFAULT now(),
	updated_date		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS financial_classes_facility_idx
    ON edi.financial_classes (facility_id, active);
CREATE INDEX IF NOT EXISTS financial_classes_payer_idx
    ON edi.financial_classes (payer_id, claim_filing_indicator) WHERE active;

CREATE TABLE IF NOT EXISTS edi.filters (
	filter_id		integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	filter_name		varchar(100) NOT NULL,
	version			integer NOT NULL DEFAULT 1,
	rule_definition		text,
	description		text,
	rule_type		varchar(50) NOT NULL DEFAULT 'DATALOG'
	    CHECK (rule_type IN ('DATALOG', 'PYTHON_VALIDATION',
	    'ML_POSTPROCESSING', 'OTHER', 'ML_LABEL')),
	parameters		jsonb,
	output_schema		jsonb,
	is_active		boolean NOT NULL DEFAULT true,
	is_latest_version	boolean NOT NULL DEFAULT true,
	-- ML labels (rule_type ML_LABEL): what claims-predict writes.
	filter_code		varchar(50),
	class_index		integer CHECK (class_index >= 0),
	action			varchar(50),
	created_by		varchar(100),
	updated_by		varchar(100),
	created_date		timestamptz NOT NULL DEFAULT now(),
	updated_date		timestamptz NOT NULL DEFAULT now(),
	UNIQUE (filter_name, version),
	CHECK (rule_type = 'ML_LABEL' OR rule_definition IS NOT NULL),
	CHECK (rule_type <> 'ML_LABEL' OR
	    (class_index IS NOT NULL AND filter_code IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS filters_lookup_idx
    ON edi.filters (filter_name, rule_type) WHERE is_active AND is_latest_version;
-- One current label per model class.
CREATE UNIQUE INDEX IF NOT EXISTS filters_ml_class_idx
    ON edi.filters (class_index)
    WHERE rule_type = 'ML_LABEL' AND is_active AND is_latest_version;

CREATE TABLE IF NOT EXISTS edi.rvu_data (
	procedure_code		varchar(10) NOT NULL,
	modifier		varchar(2) NOT NULL DEFAULT '',
	effective_date		date NOT NULL DEFAULT DATE '1900-01-01',
	end_date		date,
	description		varchar(500),
	category		varchar(50),
	subcategory		varchar(50),
	status_code		char(1),	-- CMS PFS status (A, R, T, ...)
	work_rvu		numeric(8,4),
	practice_expense_rvu	numeric(8,4),
	malpractice_rvu		numeric(8,4),
	total_rvu		numeric(8,4),
	non_facility_pe_rvu	numeric(8,4),
	facility_pe_rvu		numeric(8,4),
	non_facility_total_rvu	numeric(8,4),
	facility_total_rvu	numeric(8,4),
	conversion_factor	numeric(8,4),
	pctc_indicator		char(1),
	global_period		varchar(10),
	multiple_procedure	char(1),
	bilateral_indicator	char(1),
	assistant_surgery	char(1),
	co_surgery		char(1),
	team_surgery		char(1),
	professional_component	boolean NOT NULL DEFAULT false,
	technical_component	boolean NOT NULL DEFAULT false,
	bilateral_surgery	boolean NOT NULL DEFAULT false,
	status			varchar(20) NOT NULL DEFAULT 'Active',
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (procedure_code, modifier, effective_date)
);
CREATE INDEX IF NOT EXISTS rvu_data_status_idx
    ON edi.rvu_data (status, procedure_code);
CREATE INDEX IF NOT EXISTS rvu_data_category_idx
    ON edi.rvu_data (category, subcategory);

CREATE TABLE IF NOT EXISTS edi.conversion_factors (
	schedule		varchar(20) NOT NULL DEFAULT 'PFS', -- PFS, ANES
	variant			varchar(20) NOT NULL DEFAULT '',    -- '', QP, non-QP
	effective_date		date NOT NULL,
	end_date		date,
	amount			numeric(10,4) NOT NULL CHECK (amount > 0),
	source			text,
	PRIMARY KEY (schedule, variant, effective_date)
);

-- ------------------------------------------------------------ staging --

CREATE TABLE IF NOT EXISTS staging.processing_batches (
	batch_id		bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	batch_name		varchar(100),
	status			varchar(20) NOT NULL DEFAULT 'PENDING'
	    CHECK (status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED')),
	-- Counts: records read, decided (inserted + duplicate + failed),
	-- inserted, skipped because their claim_id was there, rejected.
	total_claims		integer NOT NULL DEFAULT 0,
	processed_claims	integer NOT NULL DEFAULT 0,
	successful_claims	integer NOT NULL DEFAULT 0,
	duplicate_claims	integer NOT NULL DEFAULT 0,
	failed_claims		integer NOT NULL DEFAULT 0,
	total_amount		numeric(14,2) NOT NULL DEFAULT 0,
	-- Who loaded what, from where (seed 000 batch_metadata).
	source_system		varchar(50),	-- the tool, e.g. claims-load
	file_name		text,		-- its inputs
	facility_id		varchar(50),
	submitted_by		varchar(100),
	client_host		varchar(255),
	client_pid		integer,
	start_time		timestamptz,
	end_time		timestamptz,
	processing_time_seconds	numeric(10,3),
	throughput_per_second	numeric(12,3),
	exported_to_production	boolean NOT NULL DEFAULT false,
	processing_stats	jsonb,
	error_summary		jsonb,
	created_date		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS processing_batches_status_idx
    ON staging.processing_batches (status, created_date);

CREATE TABLE IF NOT EXISTS staging.claims (
	claim_id		varchar(50) PRIMARY KEY,
	id			bigint GENERATED BY DEFAULT AS IDENTITY UNIQUE,
	batch_id		bigint,
	facility_id		varchar(50),
	department_id		integer,
	financial_class_id	varchar(50),
	patient_id		varchar(80),
	patient_age		integer,
	patient_dob		date,
	patient_sex		char(1),
	patient_account_number	varchar(50),
	provider_id		varchar(80),	-- billing provider NPI
	provider_type		varchar(100),	-- billing provider taxonomy
	rendering_provider_npi	varchar(80),
	place_of_service	varchar(10),
	service_date		date,		-- claim.service_date_from
	service_date_to		date,
	total_charge_amount	numeric(12,2),	-- sum of line charges
	total_claim_charges	numeric(12,2),	-- CLM02 as sent
	claim_filing_indicator	varchar(2),
	payer_name		text,
	primary_insurance_id	varchar(80),
	secondary_insurance_id	varchar(80),
	processing_status	varchar(30) NOT NULL DEFAULT 'PENDING'
	    CHECK (processing_status IN ('PENDING', 'PROCESSING', 'RETRY',
	    'VALIDATED', 'VALIDATION_PASSED', 'VALIDATION_FAILED',
	    'VALIDATION_FAILED_RULES', 'VALIDATION_PYTHON_FAILED',
	    'VALIDATION_DATALOG_FAILED', 'ML_PREDICTED',
	    'ML_LOW_CONFIDENCE_FALLBACK', 'ML_PREDICTION_ERROR',
	    'DATALOG_RULES_APPLIED', 'REIMBURSEMENT_CALCULATED',
	    'REIMBURSEMENT_CALC_ERROR', 'COMPLETED',
	    'COMPLETED_EXPORTED_TO_PROD', 'COMPLETED_FAILED_LOGGED', 'ERROR',
	    'ERROR_EXPORT_TO_PROD', 'ERROR_UNHANDLED_PROCESSOR')),
	processed_date		timestamptz,
	-- Work queue (claims-fetch --lease).
	lease_owner		varchar(100),
	lease_expires		timestamptz,
	lease_count		integer NOT NULL DEFAULT 0,
	retry_count		integer NOT NULL DEFAULT 0,
	last_retry_at		timestamptz,
	claim_data		jsonb NOT NULL,
	facility_validated	boolean NOT NULL DEFAULT false,
	department_validated	boolean NOT NULL DEFAULT false,
	financial_class_validated boolean NOT NULL DEFAULT false,
	-- Entries "RULE|field|message" (seed 004).
	validation_errors	text[],
	validation_warnings	text[],
	datalog_rule_outcomes	jsonb,
	created_by		varchar(100),
	created_date		timestamptz NOT NULL DEFAULT now(),
	updated_date		timestamptz NOT NULL DEFAULT now(),
	exported_to_production	boolean NOT NULL DEFAULT false,
	export_date		timestamptz,
	CHECK ((lease_owner IS NULL) = (lease_expires IS NULL))
);
-- The queue claims-fetch --lease takes from, oldest first.
CREATE INDEX IF NOT EXISTS claims_queue_idx ON staging.claims (id)
    WHERE processing_status IN ('PENDING', 'RETRY');
-- Leases that may have expired.
CREATE INDEX IF NOT EXISTS claims_lease_idx ON staging.claims (lease_expires)
    WHERE processing_status = 'PROCESSING';
CREATE INDEX IF NOT EXISTS claims_status_idx
    ON staging.claims (processing_status, id);
CREATE INDEX IF NOT EXISTS claims_batch_idx ON staging.claims (batch_id);
CREATE INDEX IF NOT EXISTS claims_facility_idx
    ON staging.claims (facility_id, service_date);
CREATE INDEX IF NOT EXISTS claims_service_date_idx
    ON staging.claims (service_date);
-- lz4 compresses claim_data several times faster than the default pglz;
-- servers built without lz4 keep pglz.
DO $$
BEGIN
	ALTER TABLE staging.claims ALTER COLUMN claim_data SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
	NULL;
END
$$;
DROP TRIGGER IF EXISTS claims_touch ON staging.claims;
CREATE TRIGGER claims_touch BEFORE UPDATE ON staging.claims
    FOR EACH ROW EXECUTE FUNCTION staging.touch_updated_date();

CREATE TABLE IF NOT EXISTS staging.cms1500_diagnoses (
	diagnosis_entry_id	bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	claim_id		varchar(50) NOT NULL,
	diagnosis_sequence	integer NOT NULL
	    CHECK (diagnosis_sequence BETWEEN 1 AND 12),
	diagnosis_qualifier	varchar(3),	-- ABK, ABF, BK, BF ...
	icd_code		varchar(10) NOT NULL,
	icd_code_type		varchar(10) NOT NULL DEFAULT 'ICD10',
	diagnosis_description	text,
	is_primary		boolean NOT NULL DEFAULT false,
	created_date		timestamptz NOT NULL DEFAULT now(),
	UNIQUE (claim_id, diagnosis_sequence)
);
CREATE INDEX IF NOT EXISTS cms1500_diagnoses_icd_idx
    ON staging.cms1500_diagnoses (icd_code) WHERE is_primary;

CREATE TABLE IF NOT EXISTS staging.cms1500_line_items (
	line_item_id		bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	claim_id		varchar(50) NOT NULL,
	line_number		integer NOT NULL CHECK (line_number BETWEEN 1 AND 99),
	service_date_from	date,		-- 24A
	service_date_to		date,
	place_of_service_code	varchar(2),	-- 24B
	emergency_indicator	char(1),	-- 24C
	procedure_qualifier	varchar(2),	-- SV101-1 (HC, ...)
	cpt_code		varchar(48) NOT NULL, -- 24D
	modifier_1		varchar(2),
	modifier_2		varchar(2),
	modifier_3		varchar(2),
	modifier_4		varchar(2),
	procedure_description	text,
	diagnosis_pointers	varchar(20),	-- 24E, "1,2"
	line_charge_amount	numeric(10,2) NOT NULL, -- 24F
	units			numeric(15,3),	-- 24G (NULL: not sent)
	unit_basis		varchar(2),	-- UN, MJ
	epsdt_family_plan	char(1),	-- 24H
	rendering_provider_id_qualifier varchar(2), -- 24I
	rendering_provider_id	varchar(80),	-- 24J
	ndc_code		varchar(48),
	estimated_reimbursement_amount numeric(10,2),
	reimbursement_calculation_status varchar(30),
	created_date		timestamptz NOT NULL DEFAULT now(),
	UNIQUE (claim_id, line_number)
);
CREATE INDEX IF NOT EXISTS cms1500_line_items_cpt_idx
    ON staging.cms1500_line_items (cpt_code);

-- Deleting claims deletes their lines and diagnoses: a statement trigger
-- does what ON DELETE CASCADE would, without the per-row foreign-key check
-- that would cost every COPY of line items half its speed.
CREATE OR REPLACE FUNCTION staging.delete_claim_children() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM staging.cms1500_line_items l
	    USING gone g WHERE l.claim_id = g.claim_id;
	DELETE FROM staging.cms1500_diagnoses d
	    USING gone g WHERE d.claim_id = g.claim_id;
	RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS claims_delete_children ON staging.claims;
CREATE TRIGGER claims_delete_children AFTER DELETE ON staging.claims
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION staging.delete_claim_children();

CREATE TABLE IF NOT EXISTS staging.validation_rules (
	id			integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	rule_name		varchar(100) NOT NULL UNIQUE, -- the rule code, e.g. CORE_FAC_01
	rule_type		varchar(50) NOT NULL,
	rule_condition		jsonb NOT NULL DEFAULT '{}',
	error_message		text NOT NULL,
	severity		varchar(20) NOT NULL DEFAULT 'error'
	    CHECK (severity IN ('error', 'warning', 'info')),
	description		text,
	is_active		boolean NOT NULL DEFAULT true,
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS staging.validation_results (
	result_id		bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	-- No foreign key: claims-validate also checks claims that were never
	-- loaded into staging (files, pipes).
	claim_id		varchar(50) NOT NULL,
	validation_type		varchar(50),
	validation_status	varchar(20) NOT NULL
	    CHECK (validation_status IN ('PENDING', 'PASSED', 'FAILED', 'WARNING')),
	validation_details	jsonb,
	predicted_filters	jsonb,
	ml_inference_time	numeric(10,6),
	rule_engine_time	numeric(10,6),
	processing_time		numeric(10,6),
	error_message		text,
	facility_validation_details jsonb,
	model_version		varchar(50),
	rule_version		varchar(50),
	created_date		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS validation_results_claim_idx
    ON staging.validation_results (claim_id, validation_type, validation_status);
CREATE INDEX IF NOT EXISTS validation_results_created_idx
    ON staging.validation_results (created_date);

INSERT INTO staging.schema_version (version, description)
VALUES (1, 'initial staging schema: claims, lines, diagnoses, batches, '
    'validation rules and results, facilities, financial classes, filters, '
    'RVU data, work-queue leases')
ON CONFLICT (version) DO NOTHING;

COMMIT;
