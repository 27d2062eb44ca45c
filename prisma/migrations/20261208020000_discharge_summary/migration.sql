-- 退院時サマリー (issue 11, docs/decisions/0065): a second kind of ClinicalDocument on the same table.
ALTER TABLE "ClinicalDocument" DROP CONSTRAINT "ClinicalDocument_kind_check";
ALTER TABLE "ClinicalDocument" ADD CONSTRAINT "ClinicalDocument_kind_check" CHECK ("kind" IN ('referral', 'discharge_summary'));
