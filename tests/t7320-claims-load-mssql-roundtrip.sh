#!/bin/sh
# claims-load --to mssql:// against the project's TDS server, read back with
# tsql and compared value by value: accents and an apostrophe, a character
# outside the BMP, amounts to the cent (0.01 and the largest DECIMAL(12,2)),
# dates, NULLs; lines, diagnoses; failed claims with their codes, messages
# and encrypted payload; replays that write nothing twice.
. "$(dirname "$0")/lib.sh"
. "$TESTS/mssql.sh"

(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >key && echo >>key)
CLAIMKIT_MSSQL_KEY_FILE=$PWD/key
export CLAIMKIT_MSSQL_KEY_FILE
cp "$TESTS/data/mssql/claims.ndjson" in.ndjson

tds_start || { echo "Bail out! cannot start tdsd"; exit 1; }
tds_install_schema || { echo "Bail out! cannot install the schema"; exit 1; }

q() { tds_query "$1"; }

test_expect_success 'install.sql applied twice changes nothing' '
	tds_install_schema &&
	q "SELECT Version FROM dbo.SchemaVersion" >v && echo 1 >expect &&
	test_cmp expect v
'

test_expect_success 'reference rows for the facility of claim 1' '
	q "INSERT INTO dbo.Facilities (FacilityId, FacilityName) VALUES (N'"'"'FAC001'"'"', N'"'"'Springfield General Hospital'"'"')" &&
	q "INSERT INTO dbo.FinancialClasses (FinancialClassId, FinancialClassDescription, FacilityId) VALUES (N'"'"'FC_MCARE_SGH'"'"', N'"'"'Medicare'"'"', N'"'"'FAC001'"'"')" &&
	q "INSERT INTO dbo.ClinicalDepartments (DepartmentId, ClinicalDepartmentCode, DepartmentDescription, FacilityId) VALUES (10, N'"'"'CARD01'"'"', N'"'"'Cardiology'"'"', N'"'"'FAC001'"'"')" &&
	test "$(q "SELECT COUNT(*) FROM dbo.Facilities")" = 1
'

test_expect_success 'load: 3 inserted, 1 repeated, 5 rejected (exit 1)' '
	test_expect_code 1 claims-load --to "$TDS_TARGET" --rejects rj.ndjson \
	    in.ndjson 2>err &&
	grep -q "9 read, 3 inserted, 1 duplicate" err &&
	grep -q "5 rejected" err &&
	sed -n "s/^{\"reject\":{[^}]*\"code\":\"\([a-z_]*\)\".*/\1/p" rj.ndjson >codes &&
	printf "%s\n" validation_failed not_validated load_failed load_failed load_failed >expect &&
	test_cmp expect codes
'

test_expect_success 'messages name claims by position, never their content' '
	! grep -q -e Zo -e Brien -e Maximiliane -e PAT-0001 -e ACCT-987 err
'

test_expect_success 'dbo.Claims: the passed claim, value by value' '
	q "SELECT ClaimId, CONVERT(CHAR(10), ServiceDate, 23), CONVERT(CHAR(10), ServiceDateTo, 23), FacilityId, DepartmentId, FinancialClassId, PatientId, PatientLastName, PatientFirstName, PatientAge, CONVERT(CHAR(10), PatientDob, 23), PatientSex, PatientAccountNumber FROM dbo.Claims WHERE ClaimId = N'"'"'c0000000000000000000000000000001'"'"'" >a1 &&
	printf "c0000000000000000000000000000001\t2024-02-29\t2024-03-01\tFAC001\t10\tFC_MCARE_SGH\t1EG4TE5MK73\tO'"'"'Brien-Müller\tZoë\t73\t1950-03-01\tF\tPAT-0001-XYZ\n" >e1 &&
	test_cmp e1 a1 &&
	q "SELECT ProviderId, ProviderType, BillingProviderName, RenderingProviderNpi, PlaceOfService, TotalChargeAmount, TotalClaimCharges, ClaimFilingIndicator, PayerName, PayerId, PrimaryInsuranceId, SecondaryInsuranceId FROM dbo.Claims WHERE ClaimId = N'"'"'c0000000000000000000000000000001'"'"'" >a2 &&
	printf "1234567893\t207Q00000X\tClinique Sainte-Thérèse\t1679576722\t11\t350.75\t350.75\tMB\tMedicare Région Île-de-France\t00882\t1EG4TE5MK73\tNULL\n" >e2 &&
	test_cmp e2 a2 &&
	q "SELECT ProcessingStatus, ValidationStatus, ReimbursementAmount, AllowedAmount, PricingStatus, PredictedFilter, PredictionConfidence, StagingClaimId, ClaimDataKeyId FROM dbo.Claims WHERE ClaimId = N'"'"'c0000000000000000000000000000001'"'"'" >a3 &&
	printf "COMPLETED_EXPORTED_TO_PROD\tPASSED\t128.47\t128.47\tpartial\tML_FILTER_2\t0.8735\t501\t%s\n" "$(head -1 in.ndjson | test-mssql seal key | cut -d: -f2)" >e3 &&
	test_cmp e3 a3
'

test_expect_success 'dbo.Claims: a claim with nothing but the required values' '
	q "SELECT CONVERT(CHAR(10), ServiceDate, 23), CONVERT(CHAR(10), ServiceDateTo, 23), FacilityId, DepartmentId, PatientLastName, PatientAge, CONVERT(CHAR(10), PatientDob, 23), PatientSex, TotalChargeAmount, TotalClaimCharges, ValidationStatus, ReimbursementAmount, PredictionConfidence, StagingClaimId FROM dbo.Claims WHERE ClaimId = N'"'"'c0000000000000000000000000000002'"'"'" >a &&
	printf "2025-12-31\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\t0.01\t0.01\tWARNING\tNULL\tNULL\tNULL\n" >e &&
	test_cmp e a
'

test_expect_success 'dbo.Claims: the largest amount, and a character outside the BMP' '
	q "SELECT TotalChargeAmount, TotalClaimCharges, PatientLastName, PatientFirstName FROM dbo.Claims WHERE ClaimId = N'"'"'c0000000000000000000000000000007'"'"'" >a &&
	printf "9999999999.99\t9999999999.99\t😀 Smile\tŜ\n" >e &&
	test_cmp e a
'

test_expect_success 'dbo.Cms1500LineItems of claim 1' '
	q "SELECT LineNumber, CONVERT(CHAR(10), ClaimServiceDate, 23), CONVERT(CHAR(10), ServiceDateFrom, 23), CONVERT(CHAR(10), ServiceDateTo, 23), PlaceOfServiceCode, EmergencyIndicator, ProcedureQualifier, CptCode, Modifier1, Modifier2, Modifier3, DiagnosisPointers, LineChargeAmount, Units, UnitBasis, RenderingProviderIdQualifier, RenderingProviderId, NdcCode, ReimbursementAmount, AllowedAmount, PricingStatus FROM dbo.Cms1500LineItems WHERE ClaimId = N'"'"'c0000000000000000000000000000001'"'"' ORDER BY LineNumber" >a &&
	printf "1\t2024-02-29\t2024-02-29\t2024-02-29\tNULL\tY\tHC\t99214\t25\t59\tNULL\t1,2\t200.00\t1.000\tUN\tNULL\tNULL\tNULL\t128.47\t128.47\tpriced\n" >e &&
	printf "2\t2024-02-29\t2024-03-01\tNULL\t11\tNULL\tHC\t36415\tNULL\tNULL\tNULL\t3\t150.75\t2.500\tUN\tXX\t1679576722\t00002143380\tNULL\tNULL\tunpriced\n" >>e &&
	test_cmp e a
'

test_expect_success 'dbo.Cms1500Diagnoses of claim 1' '
	q "SELECT DiagnosisSequence, DiagnosisQualifier, IcdCode, IcdCodeType, IsPrimary FROM dbo.Cms1500Diagnoses WHERE ClaimId = N'"'"'c0000000000000000000000000000001'"'"' ORDER BY DiagnosisSequence" >a &&
	printf "1\tABK\tJ449\tICD10\t1\n2\tABF\tE119\tICD10\t0\n3\tABF\tI10\tICD10\t0\n" >e &&
	test_cmp e a
'

test_expect_success 'row counts: 3 claims, 4 lines, 4 diagnoses, 4 failed claims' '
	for t in Claims:3 Cms1500LineItems:4 Cms1500Diagnoses:4 FailedClaimDetails:4; do
		test "$(q "SELECT COUNT(*) FROM dbo.${t%:*}")" = "${t#*:}" ||
		    { echo "dbo.${t%:*} is not ${t#*:}"; exit 1; }
	done
'

test_expect_success 'dbo.FailedClaimDetails: stage, codes, messages, masked account' '
	q "SELECT OriginalClaimId, CONVERT(CHAR(10), OriginalClaimServiceDate, 23), StagingClaimId, FacilityId, PatientAccountNumber, CONVERT(CHAR(10), ServiceDate, 23), ProcessingStage, ErrorCodes, Status, ResolvedTimestamp FROM dbo.FailedClaimDetails ORDER BY OriginalClaimId" >a &&
	printf "c0000000000000000000000000000003\t2024-01-15\t503\tFAC404\t**********4321\t2024-01-15\tVALIDATION_FAILED_RULES\tCORE_FAC_01, CORE_DOB_02\tNew\tNULL\n" >e &&
	printf "c0000000000000000000000000000005\t2024-06-30\tNULL\tNULL\t**\t2024-06-30\tLOAD_FAILED\tLOAD_VALUE_TOO_LONG\tNew\tNULL\n" >>e &&
	printf "c0000000000000000000000000000006\t2024-05-05\tNULL\tFAC999\t**\t2024-05-05\tLOAD_FAILED\tLOAD_UNKNOWN_FACILITY\tNew\tNULL\n" >>e &&
	printf "c0000000000000000000000000000009\t2024-08-08\tNULL\tNULL\t**\t2024-08-08\tLOAD_FAILED\tMSSQL_2627\tNew\tNULL\n" >>e &&
	test_cmp e a &&
	q "SELECT ErrorMessages FROM dbo.FailedClaimDetails WHERE OriginalClaimId = N'"'"'c0000000000000000000000000000003'"'"'" >m &&
	printf "Comp: claims-validate, Field: facility_id - facility not in the reference data\nComp: claims-validate, Field: patient.birth_date - birth date after the service date\n" >e &&
	test_cmp e m &&
	q "SELECT ErrorMessages FROM dbo.FailedClaimDetails WHERE OriginalClaimId = N'"'"'c0000000000000000000000000000005'"'"'" >m &&
	grep -q "Claims.PatientFirstName - longer than 35 characters" m &&
	q "SELECT ErrorMessages FROM dbo.FailedClaimDetails WHERE OriginalClaimId = N'"'"'c0000000000000000000000000000006'"'"'" >m &&
	grep -q "Claims.FacilityId - not in dbo.Facilities" m &&
	q "SELECT ErrorMessages FROM dbo.FailedClaimDetails WHERE OriginalClaimId = N'"'"'c0000000000000000000000000000009'"'"'" >m &&
	grep -q "SQL Server error 2627" m && grep -q UQ_Cms1500LineItems_Line m &&
	! grep -q "duplicate key value is (c0" m
'

test_expect_success 'failed-claim payloads decrypt to the original records' '
	q "SELECT OriginalClaimId, ClaimDataSnapshot FROM dbo.FailedClaimDetails ORDER BY OriginalClaimId" >snap &&
	claims-decrypt -k key snap >out &&
	sed -n "3p;5p;6p;9p" in.ndjson >expect &&
	test_cmp expect out
'

test_expect_success 'and stay unreadable without the key' '
	! grep -q -e "Dupré" -e ACCT-987654 -e CORE_DOB snap &&
	(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d " \n" >other && echo >>other) &&
	test_expect_code 1 claims-decrypt -k other snap >out 2>/dev/null &&
	test_cmp /dev/null out
'

test_expect_success 'dbo.Claims.ClaimData holds the loaded records, encrypted' '
	q "SELECT ClaimId, ClaimData FROM dbo.Claims ORDER BY ClaimId" >cd &&
	claims-decrypt -k key cd >out &&
	sed -n "1p;2p;7p" in.ndjson >expect &&
	test_cmp expect out
'

test_expect_success 'a replay writes nothing twice' '
	q "SELECT ClaimId, CreatedDate FROM dbo.Claims ORDER BY ClaimId" >before &&
	test_expect_code 1 claims-load --to "$TDS_TARGET" in.ndjson 2>err2 &&
	grep -q "9 read, 0 inserted, 4 duplicates" err2 &&
	grep -q "already there" err2 &&
	q "SELECT ClaimId, CreatedDate FROM dbo.Claims ORDER BY ClaimId" >after &&
	test_cmp before after &&
	for t in Claims:3 Cms1500LineItems:4 Cms1500Diagnoses:4 FailedClaimDetails:4; do
		test "$(q "SELECT COUNT(*) FROM dbo.${t%:*}")" = "${t#*:}" || exit 1
	done
'

test_expect_success 'batches of one claim give the same result' '
	test_expect_code 1 claims-load -b 1 --to "$TDS_TARGET" in.ndjson 2>err3 &&
	grep -q "9 read, 0 inserted, 4 duplicates" err3
'

test_expect_success '--dry-run commits nothing' '
	sed "s/c00000000000000000000000000000/d00000000000000000000000000000/" in.ndjson >dry.ndjson &&
	test_expect_code 1 claims-load -n --to "$TDS_TARGET" dry.ndjson 2>err4 &&
	test "$(q "SELECT COUNT(*) FROM dbo.Claims")" = 3 &&
	test "$(q "SELECT COUNT(*) FROM dbo.FailedClaimDetails")" = 4
'

test_expect_success 'mssql.claim_data = no leaves ClaimData NULL' '
	sed "s/c00000000000000000000000000000/e00000000000000000000000000000/" in.ndjson | sed -n 2p >nd.ndjson &&
	echo "mssql.claim_data = no" >nd.conf &&
	CLAIMKIT_CONF=$PWD/nd.conf claims-load --to "$TDS_TARGET" nd.ndjson 2>err5 &&
	q "SELECT ClaimData, ClaimDataKeyId FROM dbo.Claims WHERE ClaimId = N'"'"'e0000000000000000000000000000002'"'"'" >a &&
	printf "NULL\tNULL\n" >e && test_cmp e a
'

test_expect_success 'mssql.mask_ids = yes masks patient and member ids as the seed did' '
	sed -n 1p in.ndjson |
	    sed "s/c00000000000000000000000000000/f00000000000000000000000000000/" >mk.ndjson &&
	printf "mssql.mask_ids = yes\n" >mk.conf &&
	CLAIMKIT_CONF=$PWD/mk.conf claims-load --to "$TDS_TARGET" mk.ndjson 2>err6 &&
	q "SELECT PatientId, PatientAccountNumber, PrimaryInsuranceId, SecondaryInsuranceId, PatientLastName FROM dbo.Claims WHERE ClaimId = N'"'"'f0000000000000000000000000000001'"'"'" >a &&
	printf "*******MK73\t********-XYZ\t*******MK73\tNULL\tO'"'"'Brien-Müller\n" >e && test_cmp e a &&
	printf "mssql.mask_ids = perhaps\n" >bad.conf &&
	CLAIMKIT_CONF=$PWD/bad.conf test_expect_code 78 claims-load --to "$TDS_TARGET" mk.ndjson 2>err7 &&
	grep "mssql.mask_ids" err7
'

test_done
