-- claimkit SQL Server production database: install or upgrade.
--
--	CREATE DATABASE smart_pro_claims;          -- once, by a DBA
--	tsql -S SERVER -U USER -D smart_pro_claims < sql/sqlserver/install.sql
--	sqlcmd -S SERVER -U USER -d smart_pro_claims -b -i sql/sqlserver/install.sql
--
-- Batches are separated by GO lines.  Every object is created only when it
-- is missing (IF OBJECT_ID(...) IS NULL / IF NOT EXISTS (... sys.indexes
-- ...)), so applying the file again changes nothing.  dbo.SchemaVersion
-- records the version; claims-load refuses a database without version 1.
--
-- Where the names come from (claims-load(1), "SQL SERVER"):
--   seed 004 (edi_claims_processor, its SQL Server database edi_production):
--     dbo PascalCase tables Claims (key ClaimId, ServiceDate),
--     Cms1500LineItems and Cms1500Diagnoses (keyed on ClaimId,
--     ClaimServiceDate), FailedClaimDetails, RvuData, Facilities,
--     Organizations, Regions, OrganizationRegions, StandardPayers,
--     HccTypes, FinancialClasses, ClinicalDepartments.
--   seeds 000/001 (smart_pro_claims): the database name, and
--     dbo.Providers (their `physicians` table, renamed to the seed-004
--     naming).
--
-- Departures from seed 004, and why:
--   * Widened columns (the seed's widths reject real data):
--     Claims.ProcessingStatus and ValidationStatus NVARCHAR(20) -> (30)
--       (the seed's own loader writes COMPLETED_EXPORTED_TO_PROD, 26
--       characters); FinancialClassId NVARCHAR(20) -> (50) everywhere
--       (the staging side uses 50); PatientId, PrimaryInsuranceId,
--       SecondaryInsuranceId, ProviderId, RenderingProviderNpi -> (80)
--       (837 NM109 holds up to 80 characters); TotalClaimCharges and
--       LineChargeAmount DECIMAL(10,2) -> (12,2) like TotalChargeAmount;
--       Cms1500LineItems.Units INT -> DECIMAL(15,3) (837 SV104 may be
--       1.5); CptCode NVARCHAR(10) -> (48) (SV101-2); DiagnosisPointers
--       (10) -> (20); RenderingProviderId (20) -> (80).
--   * Added columns (all NULL-able): on Claims ServiceDateTo,
--     PatientLastName, PatientFirstName, BillingProviderName,
--     ClaimFilingIndicator, PayerId, ClaimDataKeyId, ReimbursementAmount,
--     AllowedAmount, PricingStatus, PredictedFilter, PredictionConfidence,
--     StagingClaimId; on Cms1500LineItems ProcedureQualifier, UnitBasis,
--     NdcCode, ReimbursementAmount, AllowedAmount, PricingStatus; on Cms1500Diagnoses
--     DiagnosisQualifier; on FailedClaimDetails EncryptionKeyId.  The
--     seed keeps the reimbursement estimate in staging only; claimkit
--     brings pricing and prediction to production with the claim.
--   * Claims.TotalChargeAmount is the sum of the line charges and
--     TotalClaimCharges the CLM02 amount as sent (as in the staging
--     schema), so a mismatch stays visible.
--   * ClaimData (Claims) and ClaimDataSnapshot (FailedClaimDetails) hold
--     the whole NDJSON record encrypted with libsodium (XChaCha20-Poly1305,
--     a random nonce per row; format in claims-decrypt(1)); the seed
--     sketched Fernet.  The key id is stored with each row.
--   * FailedClaimDetails: Status is checked against the seed's vocabulary
--     'New', 'Pending Review', 'Resolved', and a Resolved row must carry
--     ResolvedTimestamp (the seed set it in application code).  One row per
--     OriginalClaimId (unique index): claims-load replays insert nothing
--     twice.  The seed's FailedClaimID / ResolverUserID are
--     FailedClaimDetailId / ResolvedBy.  PatientAccountNumber is stored
--     masked (all but the last four characters are '*'), as the seed did.
--     FailedClaimDetails.StagingClaimId keeps the seed's NVARCHAR(50) and
--     holds the staging id in decimal; the added Claims.StagingClaimId is
--     a BIGINT like staging.claims.id.
--   * Claims.PatientAccountNumber, PatientId and the insurance ids are
--     stored as sent by default, not masked as the seed's loader did:
--     operators match remittances and corrections on them, and a masked
--     copy cannot be joined to anything.  mssql.mask_ids = yes in
--     claimkit.conf(5) masks them as the seed did (the full record stays
--     in ClaimData, encrypted).
--   * Reference tables keep the ids of the staging database (INT keys
--     without IDENTITY) so that rows copied from PostgreSQL keep their
--     ids; the seed generated them.  Facilities.FacilityType and
--     CriticalAccess accept the staging vocabulary ('Unknown', 'U') too.
--     Unique codes that may be NULL (OrganizationCode, FacilityCode) get a
--     plain index: SQL Server allows one NULL in a UNIQUE constraint, and
--     a filtered index would oblige every client to run with
--     QUOTED_IDENTIFIER ON.
--   * RvuData is keyed on (CptCode, Modifier): CMS prices -26/-TC rows
--     apart.
--   * No partitioning, columnstore, compression, views or procedures (the
--     later seed revision's storage tuning is the DBA's choice).

-- Session settings a real server needs for the constraints and indexes
-- below; DB-Library and ct-lib logins start with several of them OFF.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
SET ANSI_PADDING ON;
SET ANSI_WARNINGS ON;
SET ARITHABORT ON;
SET CONCAT_NULL_YIELDS_NULL ON;
SET NUMERIC_ROUNDABORT OFF;
GO

IF OBJECT_ID(N'dbo.SchemaVersion', N'U') IS NULL
CREATE TABLE dbo.SchemaVersion (
	[Version] INT NOT NULL,
	Description NVARCHAR(200) NOT NULL,
	AppliedAt DATETIME2 NOT NULL
	    CONSTRAINT DF_SchemaVersion_AppliedAt DEFAULT (SYSUTCDATETIME()),
	CONSTRAINT PK_SchemaVersion PRIMARY KEY (Version)
);
GO

-- ------------------------------------------------------- reference data --

IF OBJECT_ID(N'dbo.Organizations', N'U') IS NULL
CREATE TABLE dbo.Organizations (
	OrganizationId INT NOT NULL,
	OrganizationName NVARCHAR(200) NOT NULL,
	OrganizationCode NVARCHAR(20) NULL,
	AddressLine1 NVARCHAR(255) NULL,
	AddressLine2 NVARCHAR(255) NULL,
	City NVARCHAR(100) NULL,
	StateCode CHAR(2) NULL,
	ZipCode NVARCHAR(10) NULL,
	CountryCode CHAR(3) NULL
	    CONSTRAINT DF_Organizations_CountryCode DEFAULT ('USA'),
	Phone NVARCHAR(20) NULL,
	Email NVARCHAR(255) NULL,
	Website NVARCHAR(255) NULL,
	TaxId NVARCHAR(20) NULL,
	Active BIT NOT NULL CONSTRAINT DF_Organizations_Active DEFAULT (1),
	CreatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_Organizations_CreatedDate DEFAULT (SYSUTCDATETIME()),
	UpdatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_Organizations_UpdatedDate DEFAULT (SYSUTCDATETIME()),
	CONSTRAINT PK_Organizations PRIMARY KEY (OrganizationId)
);
GO

IF OBJECT_ID(N'dbo.Regions', N'U') IS NULL
CREATE TABLE dbo.Regions (
	RegionId INT NOT NULL,
	RegionName NVARCHAR(200) NOT NULL,
	RegionCode NVARCHAR(20) NOT NULL,
	Description NVARCHAR(MAX) NULL,
	Active BIT NOT NULL CONSTRAINT DF_Regions_Active DEFAULT (1),
	CreatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_Regions_CreatedDate DEFAULT (SYSUTCDATETIME()),
	UpdatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_Regions_UpdatedDate DEFAULT (SYSUTCDATETIME()),
	CONSTRAINT PK_Regions PRIMARY KEY (RegionId),
	CONSTRAINT UQ_Regions_RegionCode UNIQUE (RegionCode)
);
GO

IF OBJECT_ID(N'dbo.OrganizationRegions', N'U') IS NULL
CREATE TABLE dbo.OrganizationRegions (
	OrganizationId INT NOT NULL,
	RegionId INT NOT NULL,
	IsPrimary BIT NOT NULL CONSTRAINT DF_OrganizationRegions_IsPrimary DEFAULT (0),
	EffectiveDate DATE NULL,
	EndDate DATE NULL,
	CreatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_OrganizationRegions_CreatedDate DEFAULT (SYSUTCDATETIME()),
	CONSTRAINT PK_OrganizationRegions PRIMARY KEY (OrganizationId, RegionId),
	CONSTRAINT FK_OrganizationRegions_Organizations FOREIGN KEY (OrganizationId)
	    REFERENCES dbo.Organizations (OrganizationId) ON DELETE CASCADE,
	CONSTRAINT FK_OrganizationRegions_Regions FOREIGN KEY (RegionId)
	    REFERENCES dbo.Regions (RegionId) ON DELETE CASCADE
);
GO

IF OBJECT_ID(N'dbo.Facilities', N'U') IS NULL
CREATE TABLE dbo.Facilities (
	FacilityId NVARCHAR(50) NOT NULL,
	FacilityName NVARCHAR(200) NOT NULL,
	FacilityCode NVARCHAR(20) NULL,
	OrganizationId INT NULL,
	RegionId INT NULL,
	City NVARCHAR(100) NULL,
	StateCode CHAR(2) NULL,
	ZipCode NVARCHAR(10) NULL,
	AddressLine1 NVARCHAR(255) NULL,
	AddressLine2 NVARCHAR(255) NULL,
	BedSize INT NULL,
	FiscalReportingMonth INT NULL,
	EmrSystem NVARCHAR(100) NULL,
	FacilityType NVARCHAR(20) NULL,
	CriticalAccess CHAR(1) NULL,
	Phone NVARCHAR(20) NULL,
	Fax NVARCHAR(20) NULL,
	Email NVARCHAR(255) NULL,
	NpiNumber NVARCHAR(10) NULL,
	TaxId NVARCHAR(20) NULL,
	LicenseNumber NVARCHAR(50) NULL,
	Active BIT NOT NULL CONSTRAINT DF_Facilities_Active DEFAULT (1),
	CreatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_Facilities_CreatedDate DEFAULT (SYSUTCDATETIME()),
	UpdatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_Facilities_UpdatedDate DEFAULT (SYSUTCDATETIME()),
	CONSTRAINT PK_Facilities PRIMARY KEY (FacilityId),
	CONSTRAINT FK_Facilities_Organizations FOREIGN KEY (OrganizationId)
	    REFERENCES dbo.Organizations (OrganizationId),
	CONSTRAINT FK_Facilities_Regions FOREIGN KEY (RegionId)
	    REFERENCES dbo.Regions (RegionId),
	CONSTRAINT CK_Facilities_BedSize CHECK (BedSize >= 0),
	CONSTRAINT CK_Facilities_FiscalReportingMonth
	    CHECK (FiscalReportingMonth BETWEEN 1 AND 12),
	CONSTRAINT CK_Facilities_FacilityType
	    CHECK (FacilityType IN (N'Teaching', N'Non-Teaching', N'Unknown')),
	CONSTRAINT CK_Facilities_CriticalAccess
	    CHECK (CriticalAccess IN ('Y', 'N', 'U'))
);
GO

IF OBJECT_ID(N'dbo.StandardPayers', N'U') IS NULL
CREATE TABLE dbo.StandardPayers (
	StandardPayerId INT NOT NULL,
	StandardPayerCode NVARCHAR(20) NOT NULL,
	StandardPayerName NVARCHAR(100) NOT NULL,
	PayerCategory NVARCHAR(50) NULL,
	Description NVARCHAR(MAX) NULL,
	Active BIT NOT NULL CONSTRAINT DF_StandardPayers_Active DEFAULT (1),
	CreatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_StandardPayers_CreatedDate DEFAULT (SYSUTCDATETIME()),
	CONSTRAINT PK_StandardPayers PRIMARY KEY (StandardPayerId),
	CONSTRAINT UQ_StandardPayers_Code UNIQUE (StandardPayerCode)
);
GO

IF OBJECT_ID(N'dbo.HccTypes', N'U') IS NULL
CREATE TABLE dbo.HccTypes (
	HccTypeId INT NOT NULL,
	HccCode NVARCHAR(10) NOT NULL,
	HccName NVARCHAR(100) NOT NULL,
	HccAgency NVARCHAR(10) NULL,
	Description NVARCHAR(MAX) NULL,
	Active BIT NOT NULL CONSTRAINT DF_HccTypes_Active DEFAULT (1),
	CreatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_HccTypes_CreatedDate DEFAULT (SYSUTCDATETIME()),
	CONSTRAINT PK_HccTypes PRIMARY KEY (HccTypeId),
	CONSTRAINT UQ_HccTypes_Code UNIQUE (HccCode),
	CONSTRAINT CK_HccTypes_Agency CHECK (HccAgency IN (N'CMS', N'HHS'))
);
GO

IF OBJECT_ID(N'dbo.FinancialClasses', N'U') IS NULL
CREATE TABLE dbo.FinancialClasses (
	FinancialClassId NVARCHAR(50) NOT NULL,
	FinancialClassDescription NVARCHAR(200) NOT NULL,
	StandardPayerId INT NULL,
	HccTypeId INT NULL,
	FacilityId NVARCHAR(50) NULL,
	PayerPriority INT NOT NULL CONSTRAINT DF_FinancialClasses_PayerPriority DEFAULT (1),
	RequiresAuthorization BIT NOT NULL
	    CONSTRAINT DF_FinancialClasses_RequiresAuthorization DEFAULT (0),
	AuthorizationRequiredServices NVARCHAR(MAX) NULL,
	CopayAmount DECIMAL(8,2) NULL,
	DeductibleAmount DECIMAL(10,2) NULL,
	ClaimSubmissionFormat NVARCHAR(20) NULL,
	DaysToFileClaim INT NOT NULL
	    CONSTRAINT DF_FinancialClasses_DaysToFileClaim DEFAULT (365),
	AcceptsElectronicClaims BIT NOT NULL
	    CONSTRAINT DF_FinancialClasses_AcceptsElectronicClaims DEFAULT (1),
	Active BIT NOT NULL CONSTRAINT DF_FinancialClasses_Active DEFAULT (1),
	EffectiveDate DATE NULL,
	EndDate DATE NULL,
	CreatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_FinancialClasses_CreatedDate DEFAULT (SYSUTCDATETIME()),
	UpdatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_FinancialClasses_UpdatedDate DEFAULT (SYSUTCDATETIME()),
	CONSTRAINT PK_FinancialClasses PRIMARY KEY (FinancialClassId),
	CONSTRAINT FK_FinancialClasses_StandardPayers FOREIGN KEY (StandardPayerId)
	    REFERENCES dbo.StandardPayers (StandardPayerId),
	CONSTRAINT FK_FinancialClasses_HccTypes FOREIGN KEY (HccTypeId)
	    REFERENCES dbo.HccTypes (HccTypeId),
	CONSTRAINT FK_FinancialClasses_Facilities FOREIGN KEY (FacilityId)
	    REFERENCES dbo.Facilities (FacilityId)
);
GO

IF OBJECT_ID(N'dbo.ClinicalDepartments', N'U') IS NULL
CREATE TABLE dbo.ClinicalDepartments (
	DepartmentId INT NOT NULL,
	ClinicalDepartmentCode NVARCHAR(20) NOT NULL,
	DepartmentDescription NVARCHAR(200) NOT NULL,
	FacilityId NVARCHAR(50) NULL,
	DepartmentType NVARCHAR(50) NULL,
	RevenueCode NVARCHAR(10) NULL,
	CostCenter NVARCHAR(20) NULL,
	SpecialtyCode NVARCHAR(10) NULL,
	IsSurgical BIT NOT NULL CONSTRAINT DF_ClinicalDepartments_IsSurgical DEFAULT (0),
	IsEmergency BIT NOT NULL CONSTRAINT DF_ClinicalDepartments_IsEmergency DEFAULT (0),
	IsCriticalCare BIT NOT NULL
	    CONSTRAINT DF_ClinicalDepartments_IsCriticalCare DEFAULT (0),
	RequiresPriorAuth BIT NOT NULL
	    CONSTRAINT DF_ClinicalDepartments_RequiresPriorAuth DEFAULT (0),
	DefaultPlaceOfService NVARCHAR(2) NULL,
	BillingProviderNpi NVARCHAR(10) NULL,
	DepartmentManager NVARCHAR(100) NULL,
	PhoneExtension NVARCHAR(10) NULL,
	Active BIT NOT NULL CONSTRAINT DF_ClinicalDepartments_Active DEFAULT (1),
	CreatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_ClinicalDepartments_CreatedDate DEFAULT (SYSUTCDATETIME()),
	UpdatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_ClinicalDepartments_UpdatedDate DEFAULT (SYSUTCDATETIME()),
	CONSTRAINT PK_ClinicalDepartments PRIMARY KEY (DepartmentId),
	CONSTRAINT UQ_ClinicalDepartments_Code UNIQUE (FacilityId, ClinicalDepartmentCode),
	CONSTRAINT FK_ClinicalDepartments_Facilities FOREIGN KEY (FacilityId)
	    REFERENCES dbo.Facilities (FacilityId)
);
GO

-- Rendering and billing providers (seeds 000/001 `physicians`).
IF OBJECT_ID(N'dbo.Providers', N'U') IS NULL
CREATE TABLE dbo.Providers (
	ProviderId NVARCHAR(80) NOT NULL,
	ProviderIdQualifier NVARCHAR(2) NOT NULL
	    CONSTRAINT DF_Providers_ProviderIdQualifier DEFAULT (N'XX'),
	EntityType CHAR(1) NULL,
	LastName NVARCHAR(60) NULL,
	FirstName NVARCHAR(35) NULL,
	OrganizationName NVARCHAR(60) NULL,
	Npi NVARCHAR(10) NULL,
	TaxonomyCode NVARCHAR(10) NULL,
	Active BIT NOT NULL CONSTRAINT DF_Providers_Active DEFAULT (1),
	CreatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_Providers_CreatedDate DEFAULT (SYSUTCDATETIME()),
	UpdatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_Providers_UpdatedDate DEFAULT (SYSUTCDATETIME()),
	CONSTRAINT PK_Providers PRIMARY KEY (ProviderId),
	CONSTRAINT CK_Providers_EntityType CHECK (EntityType IN ('1', '2'))
);
GO

IF OBJECT_ID(N'dbo.RvuData', N'U') IS NULL
CREATE TABLE dbo.RvuData (
	RvuDataId INT IDENTITY(1,1) NOT NULL,
	CptCode NVARCHAR(10) NOT NULL,
	Modifier NVARCHAR(2) NULL,
	Description NVARCHAR(MAX) NULL,
	RvuValue DECIMAL(10,2) NOT NULL,
	CreatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_RvuData_CreatedDate DEFAULT (SYSUTCDATETIME()),
	CONSTRAINT PK_RvuData PRIMARY KEY (RvuDataId),
	CONSTRAINT UQ_RvuData_CptCode UNIQUE (CptCode, Modifier)
);
GO

-- --------------------------------------------------------------- claims --

IF OBJECT_ID(N'dbo.Claims', N'U') IS NULL
CREATE TABLE dbo.Claims (
	ClaimId NVARCHAR(50) NOT NULL,
	ServiceDate DATE NOT NULL,
	ServiceDateTo DATE NULL,
	FacilityId NVARCHAR(50) NULL,
	DepartmentId INT NULL,
	FinancialClassId NVARCHAR(50) NULL,
	PatientId NVARCHAR(80) NULL,
	PatientLastName NVARCHAR(60) NULL,
	PatientFirstName NVARCHAR(35) NULL,
	PatientAge INT NULL,
	PatientDob DATE NULL,
	PatientSex CHAR(1) NULL,
	PatientAccountNumber NVARCHAR(50) NULL,
	ProviderId NVARCHAR(80) NULL,
	ProviderType NVARCHAR(100) NULL,
	BillingProviderName NVARCHAR(100) NULL,
	RenderingProviderNpi NVARCHAR(80) NULL,
	PlaceOfService NVARCHAR(10) NULL,
	TotalChargeAmount DECIMAL(12,2) NULL,
	TotalClaimCharges DECIMAL(12,2) NULL,
	ClaimFilingIndicator NVARCHAR(2) NULL,
	PayerName NVARCHAR(100) NULL,
	PayerId NVARCHAR(80) NULL,
	PrimaryInsuranceId NVARCHAR(80) NULL,
	SecondaryInsuranceId NVARCHAR(80) NULL,
	ProcessingStatus NVARCHAR(30) NOT NULL
	    CONSTRAINT DF_Claims_ProcessingStatus DEFAULT (N'PENDING'),
	ProcessedDate DATETIME2 NULL
	    CONSTRAINT DF_Claims_ProcessedDate DEFAULT (SYSUTCDATETIME()),
	ClaimData NVARCHAR(MAX) NULL,
	ClaimDataKeyId NVARCHAR(16) NULL,
	ValidationStatus NVARCHAR(30) NULL,
	ValidationResults NVARCHAR(MAX) NULL,
	ValidationDate DATETIME2 NULL,
	ReimbursementAmount DECIMAL(12,2) NULL,
	AllowedAmount DECIMAL(12,2) NULL,
	PricingStatus NVARCHAR(30) NULL,
	PredictedFilter NVARCHAR(50) NULL,
	PredictionConfidence DECIMAL(5,4) NULL,
	StagingClaimId BIGINT NULL,
	CreatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_Claims_CreatedDate DEFAULT (SYSUTCDATETIME()),
	UpdatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_Claims_UpdatedDate DEFAULT (SYSUTCDATETIME()),
	CreatedBy NVARCHAR(100) NULL,
	UpdatedBy NVARCHAR(100) NULL,
	CONSTRAINT PK_Claims PRIMARY KEY (ClaimId, ServiceDate),
	CONSTRAINT FK_Claims_Facilities FOREIGN KEY (FacilityId)
	    REFERENCES dbo.Facilities (FacilityId),
	CONSTRAINT FK_Claims_ClinicalDepartments FOREIGN KEY (DepartmentId)
	    REFERENCES dbo.ClinicalDepartments (DepartmentId),
	CONSTRAINT FK_Claims_FinancialClasses FOREIGN KEY (FinancialClassId)
	    REFERENCES dbo.FinancialClasses (FinancialClassId),
	CONSTRAINT CK_Claims_PatientSex CHECK (PatientSex IN ('M', 'F', 'U'))
);
GO

IF OBJECT_ID(N'dbo.Cms1500LineItems', N'U') IS NULL
CREATE TABLE dbo.Cms1500LineItems (
	LineItemId BIGINT IDENTITY(1,1) NOT NULL,
	ClaimId NVARCHAR(50) NOT NULL,
	ClaimServiceDate DATE NOT NULL,
	LineNumber INT NOT NULL,
	ServiceDateFrom DATE NOT NULL,
	ServiceDateTo DATE NULL,
	PlaceOfServiceCode NVARCHAR(2) NULL,
	EmergencyIndicator CHAR(1) NULL,
	ProcedureQualifier NVARCHAR(2) NULL,
	CptCode NVARCHAR(48) NOT NULL,
	Modifier1 NVARCHAR(2) NULL,
	Modifier2 NVARCHAR(2) NULL,
	Modifier3 NVARCHAR(2) NULL,
	Modifier4 NVARCHAR(2) NULL,
	DiagnosisPointers NVARCHAR(20) NULL,
	LineChargeAmount DECIMAL(12,2) NOT NULL,
	Units DECIMAL(15,3) NOT NULL CONSTRAINT DF_Cms1500LineItems_Units DEFAULT (1),
	UnitBasis NVARCHAR(2) NULL,
	EpsdtFamilyPlan CHAR(1) NULL,
	RenderingProviderIdQualifier NVARCHAR(2) NULL,
	RenderingProviderId NVARCHAR(80) NULL,
	NdcCode NVARCHAR(48) NULL,
	ReimbursementAmount DECIMAL(12,2) NULL,
	AllowedAmount DECIMAL(12,2) NULL,
	PricingStatus NVARCHAR(30) NULL,
	CreatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_Cms1500LineItems_CreatedDate DEFAULT (SYSUTCDATETIME()),
	UpdatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_Cms1500LineItems_UpdatedDate DEFAULT (SYSUTCDATETIME()),
	CONSTRAINT PK_Cms1500LineItems PRIMARY KEY (LineItemId),
	CONSTRAINT UQ_Cms1500LineItems_Line
	    UNIQUE (ClaimId, ClaimServiceDate, LineNumber),
	CONSTRAINT FK_Cms1500LineItems_Claims FOREIGN KEY (ClaimId, ClaimServiceDate)
	    REFERENCES dbo.Claims (ClaimId, ServiceDate) ON DELETE CASCADE,
	CONSTRAINT CK_Cms1500LineItems_LineNumber CHECK (LineNumber BETWEEN 1 AND 99)
);
GO

IF OBJECT_ID(N'dbo.Cms1500Diagnoses', N'U') IS NULL
CREATE TABLE dbo.Cms1500Diagnoses (
	DiagnosisEntryId BIGINT IDENTITY(1,1) NOT NULL,
	ClaimId NVARCHAR(50) NOT NULL,
	ClaimServiceDate DATE NOT NULL,
	DiagnosisSequence INT NOT NULL,
	DiagnosisQualifier NVARCHAR(3) NULL,
	IcdCode NVARCHAR(10) NOT NULL,
	IcdCodeType NVARCHAR(10) NOT NULL
	    CONSTRAINT DF_Cms1500Diagnoses_IcdCodeType DEFAULT (N'ICD10'),
	DiagnosisDescription NVARCHAR(MAX) NULL,
	IsPrimary BIT NOT NULL CONSTRAINT DF_Cms1500Diagnoses_IsPrimary DEFAULT (0),
	CreatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_Cms1500Diagnoses_CreatedDate DEFAULT (SYSUTCDATETIME()),
	CONSTRAINT PK_Cms1500Diagnoses PRIMARY KEY (DiagnosisEntryId),
	CONSTRAINT UQ_Cms1500Diagnoses_Sequence
	    UNIQUE (ClaimId, ClaimServiceDate, DiagnosisSequence),
	CONSTRAINT FK_Cms1500Diagnoses_Claims FOREIGN KEY (ClaimId, ClaimServiceDate)
	    REFERENCES dbo.Claims (ClaimId, ServiceDate) ON DELETE CASCADE,
	CONSTRAINT CK_Cms1500Diagnoses_Sequence CHECK (DiagnosisSequence BETWEEN 1 AND 12)
);
GO

IF OBJECT_ID(N'dbo.FailedClaimDetails', N'U') IS NULL
CREATE TABLE dbo.FailedClaimDetails (
	FailedClaimDetailId BIGINT IDENTITY(1,1) NOT NULL,
	OriginalClaimId NVARCHAR(50) NOT NULL,
	OriginalClaimServiceDate DATE NULL,
	StagingClaimId NVARCHAR(50) NULL,
	FacilityId NVARCHAR(50) NULL,
	PatientAccountNumber NVARCHAR(50) NULL,
	ServiceDate DATE NULL,
	FailureTimestamp DATETIME2 NOT NULL
	    CONSTRAINT DF_FailedClaimDetails_FailureTimestamp DEFAULT (SYSUTCDATETIME()),
	ProcessingStage NVARCHAR(100) NOT NULL,
	ErrorCodes NVARCHAR(MAX) NULL,
	ErrorMessages NVARCHAR(MAX) NOT NULL,
	ClaimDataSnapshot NVARCHAR(MAX) NOT NULL,
	EncryptionKeyId NVARCHAR(16) NOT NULL,
	Status NVARCHAR(50) NOT NULL
	    CONSTRAINT DF_FailedClaimDetails_Status DEFAULT (N'New'),
	ResolutionNotes NVARCHAR(MAX) NULL,
	ResolvedBy NVARCHAR(100) NULL,
	ResolvedTimestamp DATETIME2 NULL,
	CreatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_FailedClaimDetails_CreatedDate DEFAULT (SYSUTCDATETIME()),
	UpdatedDate DATETIME2 NOT NULL
	    CONSTRAINT DF_FailedClaimDetails_UpdatedDate DEFAULT (SYSUTCDATETIME()),
	CONSTRAINT PK_FailedClaimDetails PRIMARY KEY (FailedClaimDetailId),
	CONSTRAINT CK_FailedClaimDetails_Status
	    CHECK (Status IN (N'New', N'Pending Review', N'Resolved')),
	CONSTRAINT CK_FailedClaimDetails_Resolved
	    CHECK (Status <> N'Resolved' OR ResolvedTimestamp IS NOT NULL)
);
GO

-- -------------------------------------------------------------- indexes --

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Organizations_Code'
    AND object_id = OBJECT_ID(N'dbo.Organizations'))
CREATE INDEX IX_Organizations_Code ON dbo.Organizations (OrganizationCode);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Facilities_Code'
    AND object_id = OBJECT_ID(N'dbo.Facilities'))
CREATE INDEX IX_Facilities_Code ON dbo.Facilities (FacilityCode);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Facilities_OrganizationId'
    AND object_id = OBJECT_ID(N'dbo.Facilities'))
CREATE INDEX IX_Facilities_OrganizationId ON dbo.Facilities (OrganizationId, Active);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_FinancialClasses_FacilityId'
    AND object_id = OBJECT_ID(N'dbo.FinancialClasses'))
CREATE INDEX IX_FinancialClasses_FacilityId ON dbo.FinancialClasses (FacilityId, Active);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Claims_FacilityId'
    AND object_id = OBJECT_ID(N'dbo.Claims'))
CREATE INDEX IX_Claims_FacilityId ON dbo.Claims (FacilityId);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Claims_DepartmentId'
    AND object_id = OBJECT_ID(N'dbo.Claims'))
CREATE INDEX IX_Claims_DepartmentId ON dbo.Claims (DepartmentId);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Claims_FinancialClassId'
    AND object_id = OBJECT_ID(N'dbo.Claims'))
CREATE INDEX IX_Claims_FinancialClassId ON dbo.Claims (FinancialClassId);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Claims_Status_Facility'
    AND object_id = OBJECT_ID(N'dbo.Claims'))
CREATE INDEX IX_Claims_Status_Facility ON dbo.Claims (ProcessingStatus, FacilityId);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Claims_ServiceDate_Facility'
    AND object_id = OBJECT_ID(N'dbo.Claims'))
CREATE INDEX IX_Claims_ServiceDate_Facility ON dbo.Claims (ServiceDate, FacilityId);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Claims_ValidationStatus'
    AND object_id = OBJECT_ID(N'dbo.Claims'))
CREATE INDEX IX_Claims_ValidationStatus ON dbo.Claims (ValidationStatus);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Cms1500LineItems_CptCode'
    AND object_id = OBJECT_ID(N'dbo.Cms1500LineItems'))
CREATE INDEX IX_Cms1500LineItems_CptCode ON dbo.Cms1500LineItems (CptCode);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Cms1500Diagnoses_IcdCode'
    AND object_id = OBJECT_ID(N'dbo.Cms1500Diagnoses'))
CREATE INDEX IX_Cms1500Diagnoses_IcdCode ON dbo.Cms1500Diagnoses (IcdCode);
GO
-- One failed-claims row per claim: what makes replays write nothing twice.
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'UX_FailedClaimDetails_OriginalClaimId'
    AND object_id = OBJECT_ID(N'dbo.FailedClaimDetails'))
CREATE UNIQUE INDEX UX_FailedClaimDetails_OriginalClaimId
    ON dbo.FailedClaimDetails (OriginalClaimId);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_FailedClaimDetails_Status_Stage'
    AND object_id = OBJECT_ID(N'dbo.FailedClaimDetails'))
CREATE INDEX IX_FailedClaimDetails_Status_Stage
    ON dbo.FailedClaimDetails (Status, ProcessingStage);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_FailedClaimDetails_FailureTimestamp'
    AND object_id = OBJECT_ID(N'dbo.FailedClaimDetails'))
CREATE INDEX IX_FailedClaimDetails_FailureTimestamp
    ON dbo.FailedClaimDetails (FailureTimestamp);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_FailedClaimDetails_Facility_Status'
    AND object_id = OBJECT_ID(N'dbo.FailedClaimDetails'))
CREATE INDEX IX_FailedClaimDetails_Facility_Status
    ON dbo.FailedClaimDetails (FacilityId, Status);
GO

IF NOT EXISTS (SELECT 1 FROM dbo.SchemaVersion WHERE Version = 1)
INSERT INTO dbo.SchemaVersion (Version, Description)
VALUES (1, N'claimkit production schema: claims, lines, diagnoses, failed claims, reference data');
GO
