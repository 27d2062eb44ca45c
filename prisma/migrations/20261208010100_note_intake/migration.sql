-- A nurse's 予診 (主訴・問診 and vitals) as her own 確定 record, shown to the doctor (docs/decisions/0064)
ALTER TABLE "ClinicalNote" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'soap';
ALTER TABLE "ClinicalNote" ADD CONSTRAINT "ClinicalNote_kind_check"
  CHECK ("kind" = 'soap' OR ("kind" = 'intake' AND "objective" = '' AND "assessment" = '' AND "plan" = ''));
