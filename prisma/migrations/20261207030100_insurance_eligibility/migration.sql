-- 保険者名 and 負担割合 on the insurance, taken over from the オンライン資格確認 by reception (docs/decisions/0060).
-- AlterTable
ALTER TABLE "PatientInsurance" ADD COLUMN     "copaymentRate" INTEGER,
ADD COLUMN     "insurerName" TEXT;
-- 負担割合 in percent (docs/decisions/0060)
ALTER TABLE "PatientInsurance" ADD CONSTRAINT "PatientInsurance_copaymentRate_check" CHECK ("copaymentRate" IS NULL OR "copaymentRate" BETWEEN 0 AND 100);
