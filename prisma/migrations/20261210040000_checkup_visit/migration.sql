-- 健診 (issue 11, docs/decisions/0086): a visit is 外来 or 健診, and a 健診 visit's 特定健診 items and 問診 answers are a
-- ClinicalNote of kind 'checkup' (a nurse's own 確定 record on the one write path; no S/O/A/P text).
ALTER TABLE "Visit" ADD COLUMN "visitType" TEXT NOT NULL DEFAULT 'outpatient';
ALTER TABLE "Visit" ADD CONSTRAINT "Visit_visitType_check" CHECK ("visitType" IN ('outpatient', 'checkup'));

ALTER TABLE "ClinicalNote" ADD COLUMN "checkup" JSONB;
ALTER TABLE "ClinicalNote" DROP CONSTRAINT "ClinicalNote_kind_check";
ALTER TABLE "ClinicalNote" ADD CONSTRAINT "ClinicalNote_kind_check" CHECK (
  ("kind" = 'soap' AND "checkup" IS NULL)
  OR ("kind" = 'intake' AND "objective" = '' AND "assessment" = '' AND "plan" = '' AND "checkup" IS NULL)
  OR ("kind" = 'checkup' AND "subjective" = '' AND "objective" = '' AND "assessment" = '' AND "plan" = '' AND "checkup" IS NOT NULL)
);
