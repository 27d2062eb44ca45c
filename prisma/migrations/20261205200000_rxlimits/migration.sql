-- 投与日数 limits and the clinic's per-drug maxima (issue 9 item 4, docs/decisions/0044 and 0045):
--  * DrugMaster carries the 麻毒区分 and the 薬価基準収載年月日 of the 支払基金 医薬品マスター;
--  * a prescription stores the reason given to exceed a limit (an acknowledgement given at 承認 like the others);
--  * ClinicDrugLimit: a clinic table, distributed right after its CREATE TABLE (docs/decisions/0012);
--  * PrescriptionItem(clinicId, receiptCode) for the clinic's last use of a drug.

-- Citus: the CREATE OR REPLACE FUNCTION below must not follow parallel DDL on distributed tables in this transaction.
SELECT set_config('citus.multi_shard_modify_mode', 'sequential', true);

-- AlterTable
ALTER TABLE "DrugMaster" ADD COLUMN     "listedOn" DATE,
ADD COLUMN     "narcoticClass" VARCHAR(1);

-- AlterTable
ALTER TABLE "Prescription" ADD COLUMN     "limitOverrideReason" TEXT;

-- CreateTable
CREATE TABLE "ClinicDrugLimit" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "receiptCode" VARCHAR(9) NOT NULL,
    "drugName" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "maxPerDay" DECIMAL(10,3),
    "maxPerPrescription" DECIMAL(10,3),
    "note" TEXT,
    "updatedById" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ClinicDrugLimit_pkey" PRIMARY KEY ("clinicId","id")
);

SELECT karte_distribute_table('"ClinicDrugLimit"');

-- CreateIndex
CREATE UNIQUE INDEX "ClinicDrugLimit_clinicId_receiptCode_key" ON "ClinicDrugLimit"("clinicId", "receiptCode");

-- CreateIndex
CREATE INDEX "PrescriptionItem_clinicId_receiptCode_idx" ON "PrescriptionItem"("clinicId", "receiptCode");

-- AddForeignKey
ALTER TABLE "ClinicDrugLimit" ADD CONSTRAINT "ClinicDrugLimit_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

ALTER TABLE "DrugMaster" ADD CONSTRAINT "DrugMaster_narcoticClass_check" CHECK ("narcoticClass" ~ '^[0-9]$');
ALTER TABLE "ClinicDrugLimit" ADD CONSTRAINT "ClinicDrugLimit_max_check"
  CHECK (("maxPerDay" IS NOT NULL OR "maxPerPrescription" IS NOT NULL) AND ("maxPerDay" IS NULL OR "maxPerDay" > 0)
         AND ("maxPerPrescription" IS NULL OR "maxPerPrescription" > 0));

-- The reason to exceed a limit may be given when the named doctor approves a 代行入力, like the other acknowledgements
-- (20261205110100_record_protection); everything else about a pending or final version stays protected.
CREATE OR REPLACE FUNCTION karte_protect_record_version() RETURNS trigger AS $$
DECLARE
  approval text[] := ARRAY['isLatest', 'supersededAt', 'status', 'approvedById', 'approvedAt', 'confirmedById', 'confirmedAt', 'contentHash',
                           'issuedDate', 'allergyOverrideReason', 'duplicateAcknowledged', 'limitOverrideReason'];
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status::text <> 'draft' THEN
      RAISE EXCEPTION '% % is not a draft and cannot be deleted', TG_TABLE_NAME, OLD.id;
    END IF;
    RETURN OLD;
  END IF;
  IF NOT OLD."isLatest" AND NEW."isLatest" THEN
    RAISE EXCEPTION '% % was superseded and cannot become the latest version again', TG_TABLE_NAME, OLD.id;
  END IF;
  IF OLD.status::text IN ('final', 'entered_in_error')
     AND (to_jsonb(NEW) - 'isLatest' - 'supersededAt') IS DISTINCT FROM (to_jsonb(OLD) - 'isLatest' - 'supersededAt') THEN
    RAISE EXCEPTION '% % is final (確定) and cannot be modified; create a new version', TG_TABLE_NAME, OLD.id;
  END IF;
  IF OLD.status::text = 'pending_approval'
     AND (NEW.status::text NOT IN ('pending_approval', 'final') OR (to_jsonb(NEW) - approval) IS DISTINCT FROM (to_jsonb(OLD) - approval)) THEN
    RAISE EXCEPTION '% % is awaiting approval (代行入力) and cannot be modified; create a new version', TG_TABLE_NAME, OLD.id;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
