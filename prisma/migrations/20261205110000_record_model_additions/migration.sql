-- The model additions of issue 10 §2 (what the JP-CLINS mapping needs) and the sharing outbox of the one write path
-- (lib/records/write-path.ts, docs/decisions/0020). Enumerated columns are TEXT + CHECK (docs/decisions/0011).

-- 診療科 codes of the JAMI SS-MIX2 table are 2 digits or longer sub-codes (081 循環器内科).
ALTER TABLE "Department" ALTER COLUMN "code" SET DATA TYPE VARCHAR(10);

-- The register a staff member's licence number belongs to (Practitioner.qualification).
-- (Citus takes ADD CONSTRAINT only as a statement of its own.)
ALTER TABLE "User" ADD COLUMN "licenseType" TEXT;
ALTER TABLE "User" ADD CONSTRAINT "User_licenseType_check" CHECK ("licenseType" IN ('medical_registration', 'dental_registration', 'narcotic_license', 'other'));

-- Structured parts of the patient's address (JP Core Address.state / city); "address" stays the whole text.
ALTER TABLE "Patient" ADD COLUMN "prefecture" TEXT,
  ADD COLUMN "city" TEXT;

-- 未提供 flag, department width, content hash (set on every 確定 version from now on).
ALTER TABLE "Diagnosis" ADD COLUMN "contentHash" TEXT,
  ADD COLUMN "undelivered" BOOLEAN NOT NULL DEFAULT false,
  ALTER COLUMN "departmentCode" SET DATA TYPE VARCHAR(10);

ALTER TABLE "Allergy" ADD COLUMN "contentHash" TEXT,
  ADD COLUMN "departmentCode" VARCHAR(10),
  ADD COLUMN "endDate" DATE;

ALTER TABLE "LabResult" ADD COLUMN "contentHash" TEXT,
  ADD COLUMN "departmentCode" VARCHAR(10),
  ADD COLUMN "orderingDoctorId" TEXT,
  ADD COLUMN "reportId" TEXT;

-- Existing results get a report id: one report per patient, import batch (or manual entry) and JST collection day.
-- Done as a column rewrite (ALTER TYPE ... USING), which fires no row trigger: 確定 rows are protected against UPDATE.
ALTER TABLE "LabResult" ALTER COLUMN "reportId" SET DATA TYPE TEXT
  USING md5("clinicId" || '|' || "patientId" || '|' || COALESCE("importBatchId", 'manual') || '|' || ("collectedAt" AT TIME ZONE 'Asia/Tokyo')::date::text)::uuid::text;
ALTER TABLE "LabResult" ALTER COLUMN "reportId" SET NOT NULL;

CREATE INDEX "LabResult_clinicId_reportId_idx" ON "LabResult"("clinicId", "reportId");

-- MERIT-9 unit code next to the free-text dose unit.
ALTER TABLE "PrescriptionItem" ADD COLUMN "doseUnitCode" VARCHAR(16);

-- The sharing outbox: one row per change of a JP-CLINS 報告単位, written in the transaction of the change.
CREATE TABLE "SharingOutbox" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "unitKind" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "labReportId" TEXT,
    "reason" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMPTZ(3),

    CONSTRAINT "SharingOutbox_pkey" PRIMARY KEY ("clinicId","id"),
    CONSTRAINT "SharingOutbox_unitKind_check" CHECK ("unitKind" IN ('diagnoses', 'allergies', 'lab_report')),
    CONSTRAINT "SharingOutbox_reason_check" CHECK ("reason" IN ('create', 'version', 'confirm', 'approve', 'cancel', 'flag', 'visit')),
    CONSTRAINT "SharingOutbox_labReport_check" CHECK (("unitKind" = 'lab_report') = ("labReportId" IS NOT NULL))
);

SELECT karte_distribute_table('"SharingOutbox"');

CREATE INDEX "SharingOutbox_clinicId_processedAt_createdAt_idx" ON "SharingOutbox"("clinicId", "processedAt", "createdAt");

CREATE INDEX "SharingOutbox_clinicId_patientId_unitKind_idx" ON "SharingOutbox"("clinicId", "patientId", "unitKind");

ALTER TABLE "SharingOutbox" ADD CONSTRAINT "SharingOutbox_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;
