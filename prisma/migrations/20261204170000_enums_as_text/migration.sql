-- PostgreSQL enums become text columns with CHECK constraints (docs/decisions/0011). On Citus, Prisma's
-- `RETURNING "col"::text` of an enum column is refused on distributed tables (enum output is not IMMUTABLE), so
-- every create/update of these models failed there. The value lists live in TypeScript (`as const` arrays, zod
-- enums); lib/core/enum-checks.int.test.ts checks that each list equals its CHECK constraint.
-- A new enumerated column follows the same pattern: TEXT + CHECK here, never CREATE TYPE ... AS ENUM.

ALTER TABLE "User"
  ALTER COLUMN "role" SET DATA TYPE TEXT USING "role"::text,
  ADD CONSTRAINT "User_role_check" CHECK ("role" IN ('doctor', 'nurse', 'receptionist', 'clinic_admin'));

ALTER TABLE "Patient"
  ALTER COLUMN "sex" SET DATA TYPE TEXT USING "sex"::text,
  ADD CONSTRAINT "Patient_sex_check" CHECK ("sex" IN ('male', 'female', 'other', 'unknown'));

ALTER TABLE "Visit"
  ALTER COLUMN "status" DROP DEFAULT,
  ALTER COLUMN "status" SET DATA TYPE TEXT USING "status"::text,
  ALTER COLUMN "status" SET DEFAULT 'received',
  ADD CONSTRAINT "Visit_status_check" CHECK ("status" IN ('received', 'waiting', 'in_consultation', 'billing', 'done', 'cancelled')),
  ALTER COLUMN "eligibilityResult" DROP DEFAULT,
  ALTER COLUMN "eligibilityResult" SET DATA TYPE TEXT USING "eligibilityResult"::text,
  ALTER COLUMN "eligibilityResult" SET DEFAULT 'not_checked',
  ADD CONSTRAINT "Visit_eligibilityResult_check" CHECK ("eligibilityResult" IN ('not_checked', 'valid', 'expired', 'unknown', 'unavailable'));

ALTER TABLE "VisitStatusChange"
  ALTER COLUMN "fromStatus" SET DATA TYPE TEXT USING "fromStatus"::text,
  ADD CONSTRAINT "VisitStatusChange_fromStatus_check" CHECK ("fromStatus" IN ('received', 'waiting', 'in_consultation', 'billing', 'done', 'cancelled')),
  ALTER COLUMN "toStatus" SET DATA TYPE TEXT USING "toStatus"::text,
  ADD CONSTRAINT "VisitStatusChange_toStatus_check" CHECK ("toStatus" IN ('received', 'waiting', 'in_consultation', 'billing', 'done', 'cancelled'));

ALTER TABLE "ClinicalNote"
  ALTER COLUMN "status" DROP DEFAULT,
  ALTER COLUMN "status" SET DATA TYPE TEXT USING "status"::text,
  ALTER COLUMN "status" SET DEFAULT 'draft',
  ADD CONSTRAINT "ClinicalNote_status_check" CHECK ("status" IN ('draft', 'pending_approval', 'final', 'entered_in_error'));

ALTER TABLE "Diagnosis"
  ALTER COLUMN "status" DROP DEFAULT,
  ALTER COLUMN "status" SET DATA TYPE TEXT USING "status"::text,
  ALTER COLUMN "status" SET DEFAULT 'final',
  ADD CONSTRAINT "Diagnosis_status_check" CHECK ("status" IN ('draft', 'pending_approval', 'final', 'entered_in_error')),
  ALTER COLUMN "outcome" SET DATA TYPE TEXT USING "outcome"::text,
  ADD CONSTRAINT "Diagnosis_outcome_check" CHECK ("outcome" IN ('cured', 'died', 'discontinued', 'transferred'));

ALTER TABLE "Allergy"
  ALTER COLUMN "status" DROP DEFAULT,
  ALTER COLUMN "status" SET DATA TYPE TEXT USING "status"::text,
  ALTER COLUMN "status" SET DEFAULT 'final',
  ADD CONSTRAINT "Allergy_status_check" CHECK ("status" IN ('draft', 'pending_approval', 'final', 'entered_in_error')),
  ALTER COLUMN "category" SET DATA TYPE TEXT USING "category"::text,
  ADD CONSTRAINT "Allergy_category_check" CHECK ("category" IN ('medication', 'food', 'environment', 'other')),
  ALTER COLUMN "severity" SET DATA TYPE TEXT USING "severity"::text,
  ADD CONSTRAINT "Allergy_severity_check" CHECK ("severity" IN ('mild', 'moderate', 'severe')),
  ALTER COLUMN "clinicalStatus" DROP DEFAULT,
  ALTER COLUMN "clinicalStatus" SET DATA TYPE TEXT USING "clinicalStatus"::text,
  ALTER COLUMN "clinicalStatus" SET DEFAULT 'active',
  ADD CONSTRAINT "Allergy_clinicalStatus_check" CHECK ("clinicalStatus" IN ('active', 'inactive', 'resolved'));

ALTER TABLE "LabResult"
  ALTER COLUMN "status" DROP DEFAULT,
  ALTER COLUMN "status" SET DATA TYPE TEXT USING "status"::text,
  ALTER COLUMN "status" SET DEFAULT 'final',
  ADD CONSTRAINT "LabResult_status_check" CHECK ("status" IN ('draft', 'pending_approval', 'final', 'entered_in_error'));

ALTER TABLE "Prescription"
  ALTER COLUMN "status" DROP DEFAULT,
  ALTER COLUMN "status" SET DATA TYPE TEXT USING "status"::text,
  ALTER COLUMN "status" SET DEFAULT 'draft',
  ADD CONSTRAINT "Prescription_status_check" CHECK ("status" IN ('draft', 'pending_approval', 'final', 'entered_in_error'));

ALTER TABLE "PrescriptionItem"
  ALTER COLUMN "kind" SET DATA TYPE TEXT USING "kind"::text,
  ADD CONSTRAINT "PrescriptionItem_kind_check" CHECK ("kind" IN ('internal', 'as_needed', 'external'));

DROP TYPE "AllergyCategory", "AllergyClinicalStatus", "AllergySeverity", "DiagnosisOutcome", "EligibilityResult", "MedicationKind", "RecordStatus", "Sex", "StaffRole", "VisitStatus";
