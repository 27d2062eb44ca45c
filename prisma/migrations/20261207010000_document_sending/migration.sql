-- Clinical documents are delivered as sharing units of kind 'document' (issue 11, docs/decisions/0058): the unit's
-- key ("labReportId") is the document's lineage.
ALTER TABLE "SharingUnit" DROP CONSTRAINT "SharingUnit_kind_check";
ALTER TABLE "SharingUnit" ADD CONSTRAINT "SharingUnit_kind_check" CHECK ("kind" IN ('diagnoses', 'allergies', 'lab_report', 'document'));
