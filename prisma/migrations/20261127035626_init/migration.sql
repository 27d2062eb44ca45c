-- Trigram search (patients, masters). PGlite must be started with the pg_trgm extension loaded.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateEnum
CREATE TYPE "StaffRole" AS ENUM ('doctor', 'nurse', 'receptionist', 'clinic_admin');

-- CreateEnum
CREATE TYPE "RecordStatus" AS ENUM ('draft', 'pending_approval', 'final', 'entered_in_error');

-- CreateEnum
CREATE TYPE "VisitStatus" AS ENUM ('received', 'waiting', 'in_consultation', 'billing', 'done', 'cancelled');

-- CreateEnum
CREATE TYPE "EligibilityResult" AS ENUM ('not_checked', 'valid', 'expired', 'unknown', 'unavailable');

-- CreateEnum
CREATE TYPE "DiagnosisOutcome" AS ENUM ('cured', 'died', 'discontinued', 'transferred');

-- CreateEnum
CREATE TYPE "AllergyCategory" AS ENUM ('medication', 'food', 'environment', 'other');

-- CreateEnum
CREATE TYPE "AllergySeverity" AS ENUM ('mild', 'moderate', 'severe');

-- CreateEnum
CREATE TYPE "AllergyClinicalStatus" AS ENUM ('active', 'inactive', 'resolved');

-- CreateEnum
CREATE TYPE "MedicationKind" AS ENUM ('internal', 'as_needed', 'external');

-- CreateEnum
CREATE TYPE "Sex" AS ENUM ('male', 'female', 'other', 'unknown');

-- CreateTable
CREATE TABLE "Clinic" (
    "id" TEXT NOT NULL,
    "institutionNumber" CHAR(10) NOT NULL,
    "name" TEXT NOT NULL,
    "nameKana" TEXT,
    "postalCode" TEXT,
    "address" TEXT,
    "phone" TEXT,
    "mfaRequired" BOOLEAN NOT NULL DEFAULT true,
    "idleTimeoutMinutes" INTEGER NOT NULL DEFAULT 30,
    "nextPatientNumber" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Clinic_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Department" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "code" VARCHAR(2) NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "Department_pkey" PRIMARY KEY ("clinicId","id")
);

-- CreateTable
CREATE TABLE "User" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "loginId" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "displayNameKana" TEXT,
    "role" "StaffRole" NOT NULL,
    "departmentId" TEXT,
    "licenseNumber" TEXT,
    "passwordHash" TEXT NOT NULL,
    "mustChangePassword" BOOLEAN NOT NULL DEFAULT false,
    "passwordChangedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "totpSecret" TEXT,
    "totpEnabledAt" TIMESTAMPTZ(3),
    "totpLastStep" BIGINT,
    "disabledAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("clinicId","id")
);

-- CreateTable
CREATE TABLE "LoginName" (
    "loginId" TEXT NOT NULL,
    "clinicId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,

    CONSTRAINT "LoginName_pkey" PRIMARY KEY ("loginId")
);

-- CreateTable
CREATE TABLE "UserSession" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "mfaVerified" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "revokedAt" TIMESTAMPTZ(3),
    "revokedReason" TEXT,
    "ip" TEXT,
    "userAgent" TEXT,

    CONSTRAINT "UserSession_pkey" PRIMARY KEY ("clinicId","id")
);

-- CreateTable
CREATE TABLE "LoginChallenge" (
    "tokenHash" TEXT NOT NULL,
    "clinicId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "passwordOk" BOOLEAN NOT NULL DEFAULT true,
    "pendingSecret" TEXT,
    "otpFailures" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "consumedAt" TIMESTAMPTZ(3),
    "ip" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoginChallenge_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateTable
CREATE TABLE "AuthFailure" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuthFailure_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "clinicId" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userId" TEXT,
    "userRole" TEXT,
    "loginId" TEXT,
    "patientId" TEXT,
    "action" TEXT NOT NULL,
    "resourceType" TEXT NOT NULL,
    "resourceId" TEXT,
    "outcome" TEXT NOT NULL,
    "detail" JSONB,
    "ip" TEXT,
    "requestId" TEXT,
    "prevHash" TEXT NOT NULL,
    "rowHash" TEXT NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("clinicId","seq")
);

-- CreateTable
CREATE TABLE "Visit" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "visitDate" DATE NOT NULL,
    "receptionNumber" INTEGER NOT NULL,
    "arrivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "VisitStatus" NOT NULL DEFAULT 'received',
    "statusChangedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "departmentId" TEXT,
    "doctorId" TEXT,
    "encounterClass" TEXT NOT NULL DEFAULT 'AMB',
    "eligibilityResult" "EligibilityResult" NOT NULL DEFAULT 'not_checked',
    "eligibilityCheckedAt" TIMESTAMPTZ(3),
    "eligibilityDetail" JSONB,
    "memo" TEXT,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Visit_pkey" PRIMARY KEY ("clinicId","id")
);

-- CreateTable
CREATE TABLE "VisitStatusChange" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "visitId" TEXT NOT NULL,
    "fromStatus" "VisitStatus",
    "toStatus" "VisitStatus" NOT NULL,
    "changedById" TEXT NOT NULL,
    "changedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VisitStatusChange_pkey" PRIMARY KEY ("clinicId","id")
);

-- CreateTable
CREATE TABLE "ClinicalNote" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "lineageId" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "isLatest" BOOLEAN NOT NULL DEFAULT true,
    "patientId" TEXT NOT NULL,
    "visitId" TEXT,
    "status" "RecordStatus" NOT NULL DEFAULT 'draft',
    "subjective" TEXT NOT NULL DEFAULT '',
    "objective" TEXT NOT NULL DEFAULT '',
    "assessment" TEXT NOT NULL DEFAULT '',
    "plan" TEXT NOT NULL DEFAULT '',
    "heightCm" DECIMAL(5,1),
    "weightKg" DECIMAL(5,1),
    "systolicBp" INTEGER,
    "diastolicBp" INTEGER,
    "pulse" INTEGER,
    "bodyTempC" DECIMAL(3,1),
    "spo2" INTEGER,
    "authorId" TEXT NOT NULL,
    "entererId" TEXT NOT NULL,
    "approvedById" TEXT,
    "approvedAt" TIMESTAMPTZ(3),
    "confirmedById" TEXT,
    "confirmedAt" TIMESTAMPTZ(3),
    "contentHash" TEXT,
    "changeReason" TEXT,
    "supersedesId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "supersededAt" TIMESTAMPTZ(3),

    CONSTRAINT "ClinicalNote_pkey" PRIMARY KEY ("clinicId","id")
);

-- CreateTable
CREATE TABLE "Diagnosis" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "lineageId" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "isLatest" BOOLEAN NOT NULL DEFAULT true,
    "patientId" TEXT NOT NULL,
    "visitId" TEXT,
    "status" "RecordStatus" NOT NULL DEFAULT 'final',
    "diseaseCode" VARCHAR(7),
    "medisKeyNumber" TEXT,
    "exchangeCode" TEXT,
    "icd10" TEXT,
    "baseName" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "modifiers" JSONB NOT NULL DEFAULT '[]',
    "isPrimary" BOOLEAN NOT NULL DEFAULT false,
    "isSuspected" BOOLEAN NOT NULL DEFAULT false,
    "startDate" DATE NOT NULL,
    "outcome" "DiagnosisOutcome",
    "endDate" DATE,
    "longTermStorage" BOOLEAN NOT NULL DEFAULT false,
    "uninformed" BOOLEAN NOT NULL DEFAULT false,
    "flagsChangedAt" TIMESTAMPTZ(3),
    "flagsChangedById" TEXT,
    "departmentCode" TEXT,
    "note" TEXT,
    "recordedById" TEXT NOT NULL,
    "changeReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "supersededAt" TIMESTAMPTZ(3),

    CONSTRAINT "Diagnosis_pkey" PRIMARY KEY ("clinicId","id")
);

-- CreateTable
CREATE TABLE "Allergy" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "lineageId" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "isLatest" BOOLEAN NOT NULL DEFAULT true,
    "patientId" TEXT NOT NULL,
    "status" "RecordStatus" NOT NULL DEFAULT 'final',
    "category" "AllergyCategory" NOT NULL,
    "codeSystem" TEXT,
    "code" TEXT,
    "substanceName" TEXT NOT NULL,
    "yjCode" TEXT,
    "reaction" TEXT,
    "severity" "AllergySeverity",
    "onsetDate" DATE,
    "clinicalStatus" "AllergyClinicalStatus" NOT NULL DEFAULT 'active',
    "verification" TEXT NOT NULL DEFAULT 'confirmed',
    "longTermStorage" BOOLEAN NOT NULL DEFAULT false,
    "note" TEXT,
    "recordedById" TEXT NOT NULL,
    "changeReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "supersededAt" TIMESTAMPTZ(3),

    CONSTRAINT "Allergy_pkey" PRIMARY KEY ("clinicId","id")
);

-- CreateTable
CREATE TABLE "LabResult" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "lineageId" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "isLatest" BOOLEAN NOT NULL DEFAULT true,
    "patientId" TEXT NOT NULL,
    "visitId" TEXT,
    "status" "RecordStatus" NOT NULL DEFAULT 'final',
    "itemKey" TEXT NOT NULL,
    "jlac10" VARCHAR(17),
    "localCode" TEXT NOT NULL,
    "itemName" TEXT NOT NULL,
    "valueNumber" DECIMAL(14,4),
    "valueText" TEXT,
    "unit" TEXT,
    "referenceLow" DECIMAL(14,4),
    "referenceHigh" DECIMAL(14,4),
    "referenceText" TEXT,
    "flag" TEXT,
    "specimen" TEXT NOT NULL,
    "specimenCode" TEXT,
    "collectedAt" TIMESTAMPTZ(3) NOT NULL,
    "reportedAt" TIMESTAMPTZ(3),
    "source" TEXT NOT NULL DEFAULT 'manual',
    "importBatchId" TEXT,
    "performer" TEXT,
    "recordedById" TEXT NOT NULL,
    "changeReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "supersededAt" TIMESTAMPTZ(3),

    CONSTRAINT "LabResult_pkey" PRIMARY KEY ("clinicId","id")
);

-- CreateTable
CREATE TABLE "Prescription" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "lineageId" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "isLatest" BOOLEAN NOT NULL DEFAULT true,
    "patientId" TEXT NOT NULL,
    "visitId" TEXT,
    "status" "RecordStatus" NOT NULL DEFAULT 'draft',
    "outOfHouse" BOOLEAN NOT NULL DEFAULT true,
    "issuedDate" DATE NOT NULL,
    "authorId" TEXT NOT NULL,
    "entererId" TEXT NOT NULL,
    "approvedById" TEXT,
    "approvedAt" TIMESTAMPTZ(3),
    "confirmedById" TEXT,
    "confirmedAt" TIMESTAMPTZ(3),
    "allergyOverrideReason" TEXT,
    "duplicateAcknowledged" BOOLEAN NOT NULL DEFAULT false,
    "note" TEXT,
    "contentHash" TEXT,
    "changeReason" TEXT,
    "supersedesId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "supersededAt" TIMESTAMPTZ(3),

    CONSTRAINT "Prescription_pkey" PRIMARY KEY ("clinicId","id")
);

-- CreateTable
CREATE TABLE "PrescriptionItem" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "prescriptionId" TEXT NOT NULL,
    "rpNumber" INTEGER NOT NULL,
    "sortOrder" INTEGER NOT NULL,
    "kind" "MedicationKind" NOT NULL,
    "drugCodeSystem" TEXT NOT NULL,
    "drugCode" TEXT,
    "yjCode" TEXT,
    "receiptCode" TEXT,
    "drugName" TEXT NOT NULL,
    "dose" DECIMAL(10,3) NOT NULL,
    "doseUnit" TEXT NOT NULL,
    "doseBasis" TEXT NOT NULL DEFAULT 'per_day',
    "usageCode" TEXT,
    "usageText" TEXT NOT NULL,
    "days" INTEGER,
    "times" INTEGER,
    "genericSubstitutionAllowed" BOOLEAN NOT NULL DEFAULT true,
    "comment" TEXT,

    CONSTRAINT "PrescriptionItem_pkey" PRIMARY KEY ("clinicId","id")
);

-- CreateTable
CREATE TABLE "DiseaseMaster" (
    "code" VARCHAR(7) NOT NULL,
    "keyNumber" TEXT,
    "exchangeCode" TEXT,
    "name" TEXT NOT NULL,
    "kana" TEXT,
    "nameSearch" TEXT NOT NULL,
    "kanaSearch" TEXT NOT NULL,
    "icd10" TEXT,
    "icd10Sub" TEXT,
    "movedTo" TEXT,
    "abolishedOn" DATE,
    "changedOn" DATE,
    "source" TEXT NOT NULL,
    "importedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DiseaseMaster_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "ModifierMaster" (
    "code" VARCHAR(4) NOT NULL,
    "keyNumber" TEXT,
    "exchangeCode" TEXT,
    "name" TEXT NOT NULL,
    "kana" TEXT,
    "nameSearch" TEXT NOT NULL,
    "kanaSearch" TEXT NOT NULL,
    "position" TEXT NOT NULL,
    "kindCode" TEXT,
    "movedTo" TEXT,
    "abolishedOn" DATE,
    "changedOn" DATE,
    "source" TEXT NOT NULL,
    "importedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModifierMaster_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "DrugMaster" (
    "code" VARCHAR(9) NOT NULL,
    "yjCode" VARCHAR(12),
    "name" TEXT NOT NULL,
    "kana" TEXT,
    "nameSearch" TEXT NOT NULL,
    "kanaSearch" TEXT NOT NULL,
    "genericName" TEXT,
    "genericCode" TEXT,
    "unit" TEXT,
    "price" DECIMAL(12,2),
    "dosageForm" TEXT,
    "isGeneric" BOOLEAN,
    "movedTo" TEXT,
    "abolishedOn" DATE,
    "changedOn" DATE,
    "source" TEXT NOT NULL,
    "importedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DrugMaster_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "AllergenMaster" (
    "code" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kana" TEXT,
    "nameSearch" TEXT NOT NULL,
    "kanaSearch" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "importedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AllergenMaster_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "UsageMaster" (
    "code" VARCHAR(16) NOT NULL,
    "text" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "timesPerDay" INTEGER,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,
    "source" TEXT NOT NULL,

    CONSTRAINT "UsageMaster_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "LabCodeMaster" (
    "code" VARCHAR(17) NOT NULL,
    "name" TEXT NOT NULL,
    "specimen" TEXT,
    "unit" TEXT,
    "source" TEXT NOT NULL,
    "importedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LabCodeMaster_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "MasterImport" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "totalRows" INTEGER NOT NULL DEFAULT 0,
    "processedRows" INTEGER NOT NULL DEFAULT 0,
    "inserted" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "abolished" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "startedById" TEXT,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "MasterImport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Patient" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "patientNumber" INTEGER NOT NULL,
    "familyName" TEXT NOT NULL,
    "givenName" TEXT NOT NULL,
    "familyNameKana" TEXT NOT NULL,
    "givenNameKana" TEXT NOT NULL,
    "nameSearch" TEXT NOT NULL,
    "kanaSearch" TEXT NOT NULL,
    "sex" "Sex" NOT NULL,
    "birthDate" DATE NOT NULL,
    "postalCode" TEXT,
    "address" TEXT,
    "phone" TEXT,
    "phoneDigits" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedById" TEXT NOT NULL,
    "deletedAt" TIMESTAMPTZ(3),
    "deletedById" TEXT,

    CONSTRAINT "Patient_pkey" PRIMARY KEY ("clinicId","id")
);

-- CreateTable
CREATE TABLE "PatientInsurance" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "insurerNumber" VARCHAR(8) NOT NULL,
    "symbol" TEXT,
    "number" TEXT NOT NULL,
    "branch" VARCHAR(2),
    "relationship" TEXT NOT NULL DEFAULT 'self',
    "validFrom" DATE,
    "validUntil" DATE,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMPTZ(3),

    CONSTRAINT "PatientInsurance_pkey" PRIMARY KEY ("clinicId","id")
);

-- CreateTable
CREATE TABLE "PublicExpense" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "payerNumber" VARCHAR(8) NOT NULL,
    "recipientNumber" VARCHAR(7),
    "validFrom" DATE,
    "validUntil" DATE,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMPTZ(3),

    CONSTRAINT "PublicExpense_pkey" PRIMARY KEY ("clinicId","id")
);

-- CreateTable
CREATE TABLE "PatientRevision" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "changeType" TEXT NOT NULL,
    "snapshot" JSONB NOT NULL,
    "changedById" TEXT NOT NULL,
    "changedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reason" TEXT,

    CONSTRAINT "PatientRevision_pkey" PRIMARY KEY ("clinicId","id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Clinic_institutionNumber_key" ON "Clinic"("institutionNumber");

-- CreateIndex
CREATE UNIQUE INDEX "Department_clinicId_code_key" ON "Department"("clinicId", "code");

-- CreateIndex
CREATE UNIQUE INDEX "User_clinicId_loginId_key" ON "User"("clinicId", "loginId");

-- CreateIndex
CREATE INDEX "UserSession_clinicId_userId_idx" ON "UserSession"("clinicId", "userId");

-- CreateIndex
CREATE INDEX "AuthFailure_key_at_idx" ON "AuthFailure"("key", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_clinicId_occurredAt_idx" ON "AuditEvent"("clinicId", "occurredAt");

-- CreateIndex
CREATE INDEX "AuditEvent_clinicId_patientId_occurredAt_idx" ON "AuditEvent"("clinicId", "patientId", "occurredAt");

-- CreateIndex
CREATE INDEX "AuditEvent_clinicId_userId_occurredAt_idx" ON "AuditEvent"("clinicId", "userId", "occurredAt");

-- CreateIndex
CREATE INDEX "Visit_clinicId_visitDate_status_idx" ON "Visit"("clinicId", "visitDate", "status");

-- CreateIndex
CREATE INDEX "Visit_clinicId_patientId_visitDate_idx" ON "Visit"("clinicId", "patientId", "visitDate");

-- CreateIndex
CREATE UNIQUE INDEX "Visit_clinicId_visitDate_receptionNumber_key" ON "Visit"("clinicId", "visitDate", "receptionNumber");

-- CreateIndex
CREATE INDEX "VisitStatusChange_clinicId_visitId_idx" ON "VisitStatusChange"("clinicId", "visitId");

-- CreateIndex
CREATE INDEX "ClinicalNote_clinicId_patientId_isLatest_createdAt_idx" ON "ClinicalNote"("clinicId", "patientId", "isLatest", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ClinicalNote_clinicId_lineageId_version_key" ON "ClinicalNote"("clinicId", "lineageId", "version");

-- CreateIndex
CREATE INDEX "Diagnosis_clinicId_patientId_isLatest_idx" ON "Diagnosis"("clinicId", "patientId", "isLatest");

-- CreateIndex
CREATE UNIQUE INDEX "Diagnosis_clinicId_lineageId_version_key" ON "Diagnosis"("clinicId", "lineageId", "version");

-- CreateIndex
CREATE INDEX "Allergy_clinicId_patientId_isLatest_idx" ON "Allergy"("clinicId", "patientId", "isLatest");

-- CreateIndex
CREATE UNIQUE INDEX "Allergy_clinicId_lineageId_version_key" ON "Allergy"("clinicId", "lineageId", "version");

-- CreateIndex
CREATE INDEX "LabResult_clinicId_patientId_isLatest_itemKey_collectedAt_idx" ON "LabResult"("clinicId", "patientId", "isLatest", "itemKey", "collectedAt");

-- CreateIndex
CREATE UNIQUE INDEX "LabResult_clinicId_lineageId_version_key" ON "LabResult"("clinicId", "lineageId", "version");

-- CreateIndex
CREATE INDEX "Prescription_clinicId_patientId_isLatest_issuedDate_idx" ON "Prescription"("clinicId", "patientId", "isLatest", "issuedDate");

-- CreateIndex
CREATE UNIQUE INDEX "Prescription_clinicId_lineageId_version_key" ON "Prescription"("clinicId", "lineageId", "version");

-- CreateIndex
CREATE INDEX "PrescriptionItem_clinicId_prescriptionId_idx" ON "PrescriptionItem"("clinicId", "prescriptionId");

-- CreateIndex
CREATE INDEX "DiseaseMaster_name_trgm" ON "DiseaseMaster" USING GIN ("nameSearch" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "DiseaseMaster_kana_trgm" ON "DiseaseMaster" USING GIN ("kanaSearch" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "DiseaseMaster_keyNumber_idx" ON "DiseaseMaster"("keyNumber");

-- CreateIndex
CREATE INDEX "ModifierMaster_name_trgm" ON "ModifierMaster" USING GIN ("nameSearch" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "ModifierMaster_kana_trgm" ON "ModifierMaster" USING GIN ("kanaSearch" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "DrugMaster_name_trgm" ON "DrugMaster" USING GIN ("nameSearch" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "DrugMaster_kana_trgm" ON "DrugMaster" USING GIN ("kanaSearch" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "DrugMaster_yjCode_idx" ON "DrugMaster"("yjCode");

-- CreateIndex
CREATE INDEX "DrugMaster_genericCode_idx" ON "DrugMaster"("genericCode");

-- CreateIndex
CREATE INDEX "AllergenMaster_name_trgm" ON "AllergenMaster" USING GIN ("nameSearch" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Patient_kanaSearch_trgm" ON "Patient" USING GIN ("kanaSearch" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Patient_nameSearch_trgm" ON "Patient" USING GIN ("nameSearch" gin_trgm_ops);

-- CreateIndex
-- CreateIndex
-- CreateIndex
CREATE INDEX "Patient_clinicId_birthDate_idx" ON "Patient"("clinicId", "birthDate");

-- CreateIndex
CREATE INDEX "Patient_clinicId_phoneDigits_idx" ON "Patient"("clinicId", "phoneDigits");

-- CreateIndex
CREATE UNIQUE INDEX "Patient_clinicId_patientNumber_key" ON "Patient"("clinicId", "patientNumber");

-- CreateIndex
CREATE INDEX "PatientInsurance_clinicId_patientId_idx" ON "PatientInsurance"("clinicId", "patientId");

-- CreateIndex
CREATE INDEX "PublicExpense_clinicId_patientId_idx" ON "PublicExpense"("clinicId", "patientId");

-- CreateIndex
CREATE UNIQUE INDEX "PatientRevision_clinicId_patientId_version_key" ON "PatientRevision"("clinicId", "patientId", "version");

-- AddForeignKey
ALTER TABLE "Department" ADD CONSTRAINT "Department_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_clinicId_departmentId_fkey" FOREIGN KEY ("clinicId", "departmentId") REFERENCES "Department"("clinicId", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "UserSession" ADD CONSTRAINT "UserSession_clinicId_userId_fkey" FOREIGN KEY ("clinicId", "userId") REFERENCES "User"("clinicId", "id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "Visit" ADD CONSTRAINT "Visit_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "VisitStatusChange" ADD CONSTRAINT "VisitStatusChange_clinicId_visitId_fkey" FOREIGN KEY ("clinicId", "visitId") REFERENCES "Visit"("clinicId", "id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "ClinicalNote" ADD CONSTRAINT "ClinicalNote_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "Diagnosis" ADD CONSTRAINT "Diagnosis_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "Allergy" ADD CONSTRAINT "Allergy_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "LabResult" ADD CONSTRAINT "LabResult_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "Prescription" ADD CONSTRAINT "Prescription_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "PrescriptionItem" ADD CONSTRAINT "PrescriptionItem_clinicId_prescriptionId_fkey" FOREIGN KEY ("clinicId", "prescriptionId") REFERENCES "Prescription"("clinicId", "id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "Patient" ADD CONSTRAINT "Patient_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "PatientInsurance" ADD CONSTRAINT "PatientInsurance_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "PublicExpense" ADD CONSTRAINT "PublicExpense_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "PatientRevision" ADD CONSTRAINT "PatientRevision_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- アクセスログ is append-only, even for the table owner (tampering is also detected by the hash chain).
CREATE FUNCTION karte_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'AuditEvent is append-only (% rejected)', TG_OP;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION karte_audit_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION karte_audit_append_only();

-- 真正性: a record that left draft is never changed or deleted; an edit is a new version.
-- Only the pointer columns isLatest/supersededAt may change on a superseded version.
CREATE FUNCTION karte_protect_record_version() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status::text <> 'draft' THEN
      RAISE EXCEPTION '% % is not a draft and cannot be deleted', TG_TABLE_NAME, OLD.id;
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status::text IN ('final', 'entered_in_error')
     AND (to_jsonb(NEW) - 'isLatest' - 'supersededAt') IS DISTINCT FROM (to_jsonb(OLD) - 'isLatest' - 'supersededAt') THEN
    RAISE EXCEPTION '% % is final (確定) and cannot be modified; create a new version', TG_TABLE_NAME, OLD.id;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER clinical_note_protect BEFORE UPDATE OR DELETE ON "ClinicalNote" FOR EACH ROW EXECUTE FUNCTION karte_protect_record_version();
CREATE TRIGGER diagnosis_protect BEFORE UPDATE OR DELETE ON "Diagnosis" FOR EACH ROW EXECUTE FUNCTION karte_protect_record_version();
CREATE TRIGGER allergy_protect BEFORE UPDATE OR DELETE ON "Allergy" FOR EACH ROW EXECUTE FUNCTION karte_protect_record_version();
CREATE TRIGGER lab_result_protect BEFORE UPDATE OR DELETE ON "LabResult" FOR EACH ROW EXECUTE FUNCTION karte_protect_record_version();
CREATE TRIGGER prescription_protect BEFORE UPDATE OR DELETE ON "Prescription" FOR EACH ROW EXECUTE FUNCTION karte_protect_record_version();

CREATE FUNCTION karte_protect_prescription_item() RETURNS trigger AS $$
DECLARE parent_status text;
BEGIN
  SELECT status::text INTO parent_status FROM "Prescription" WHERE "clinicId" = OLD."clinicId" AND id = OLD."prescriptionId";
  IF parent_status IS NOT NULL AND parent_status <> 'draft' THEN
    RAISE EXCEPTION 'items of prescription % cannot change after it left draft', OLD."prescriptionId";
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER prescription_item_protect BEFORE UPDATE OR DELETE ON "PrescriptionItem" FOR EACH ROW EXECUTE FUNCTION karte_protect_prescription_item();
