-- 真正性 in the database (issue 9 items 10 and 11, docs/decisions/0005 and 0020):
--  * a 代行入力 awaiting approval (pending_approval) keeps its content: only its approval may change it (status to
--    final, who approved/確定d and when, the hash, the date of issue and the acknowledgements given at 承認);
--  * a version that stopped being the latest never becomes the latest again;
--  * an item cannot be added to a prescription that left draft, unless the prescription was written in the same
--    transaction (a new version is written with its items).
CREATE OR REPLACE FUNCTION karte_protect_record_version() RETURNS trigger AS $$
DECLARE
  approval text[] := ARRAY['isLatest', 'supersededAt', 'status', 'approvedById', 'approvedAt', 'confirmedById', 'confirmedAt', 'contentHash',
                           'issuedDate', 'allergyOverrideReason', 'duplicateAcknowledged'];
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

CREATE OR REPLACE FUNCTION karte_protect_prescription_item() RETURNS trigger AS $$
DECLARE
  parent_status text;
  parent_xmin xid;
  item record;
BEGIN
  IF TG_OP = 'INSERT' THEN item := NEW; ELSE item := OLD; END IF;
  SELECT status::text, xmin INTO parent_status, parent_xmin FROM "Prescription" WHERE "clinicId" = item."clinicId" AND id = item."prescriptionId";
  IF parent_status IS NOT NULL AND parent_status <> 'draft'
     AND NOT (TG_OP = 'INSERT' AND parent_xmin::text = (pg_current_xact_id()::xid)::text) THEN
    RAISE EXCEPTION 'items of prescription % cannot change after it left draft', item."prescriptionId";
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

SELECT set_config('citus.enable_unsafe_triggers', 'on', true);

CREATE TRIGGER prescription_item_protect_insert BEFORE INSERT ON "PrescriptionItem" FOR EACH ROW EXECUTE FUNCTION karte_protect_prescription_item();
