-- Every 確定 record type carries a content hash (issue 9 item 11): diagnoses, allergies and lab results get theirs from
-- the database when a final (or entered-in-error) version is inserted: SHA-256 of the row's JSON without the pointer
-- columns. `npm run records:verify` recomputes it, so an edit made with the triggers off is found.
-- Times are rendered in UTC inside the function, so the hash does not depend on the session's TimeZone.
CREATE FUNCTION karte_record_content_hash(r anyelement) RETURNS text LANGUAGE plpgsql STABLE SET "TimeZone" = 'UTC' AS $$
BEGIN
  RETURN encode(sha256(convert_to((to_jsonb(r) - 'isLatest' - 'supersededAt' - 'contentHash')::text, 'UTF8')), 'hex');
END $$;

CREATE FUNCTION karte_set_record_content_hash() RETURNS trigger AS $$
BEGIN
  IF NEW.status::text IN ('final', 'entered_in_error') THEN
    NEW."contentHash" := karte_record_content_hash(NEW);
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

SELECT set_config('citus.enable_unsafe_triggers', 'on', true);

CREATE TRIGGER diagnosis_content_hash BEFORE INSERT ON "Diagnosis" FOR EACH ROW EXECUTE FUNCTION karte_set_record_content_hash();
CREATE TRIGGER allergy_content_hash BEFORE INSERT ON "Allergy" FOR EACH ROW EXECUTE FUNCTION karte_set_record_content_hash();
CREATE TRIGGER lab_result_content_hash BEFORE INSERT ON "LabResult" FOR EACH ROW EXECUTE FUNCTION karte_set_record_content_hash();
