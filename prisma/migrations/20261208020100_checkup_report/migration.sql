-- 健康診断結果報告書 (issue 11, docs/decisions/0066): a third kind of ClinicalDocument on the same table.
ALTER TABLE "ClinicalDocument" DROP CONSTRAINT "ClinicalDocument_kind_check";
ALTER TABLE "ClinicalDocument" ADD CONSTRAINT "ClinicalDocument_kind_check" CHECK ("kind" IN ('referral', 'discharge_summary', 'checkup_report'));
