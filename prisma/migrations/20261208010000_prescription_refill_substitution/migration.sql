-- 処方箋 様式第二号 (令和6年): リフィル可 (総使用回数) on the prescription, 変更不可（医療上必要）/ 患者希望 per drug (docs/decisions/0063)
ALTER TABLE "Prescription" ADD COLUMN "refillTimes" INTEGER;
ALTER TABLE "Prescription" ADD CONSTRAINT "Prescription_refillTimes_check" CHECK ("refillTimes" IS NULL OR "refillTimes" BETWEEN 2 AND 3);

ALTER TABLE "PrescriptionItem" ADD COLUMN "substitutionReason" TEXT;
ALTER TABLE "PrescriptionItem" ADD CONSTRAINT "PrescriptionItem_substitutionReason_check"
  CHECK ("substitutionReason" IS NULL OR ("substitutionReason" IN ('medical', 'patient') AND "genericSubstitutionAllowed" = false));
