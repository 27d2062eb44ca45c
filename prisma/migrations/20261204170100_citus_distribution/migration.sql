-- Distribution on Citus is part of the migrations (docs/decisions/0012). On PostgreSQL and PGlite (no citus
-- extension) the two helper functions below do nothing, so the same migrations serve every database.
--
--   SELECT karte_distribute_table('"X"');  -- a clinic table: distributed by "clinicId", colocated with "Clinic"
--   SELECT karte_reference_table('"X"');   -- a global table (masters, directories): a copy on every node
--
-- A later migration that creates a table calls one of them right after its CREATE TABLE, before the foreign keys
-- Prisma adds at the end of the file (CONTRIBUTING.md). lib/core/citus-distribution.int.test.ts fails on Citus
-- for any table that is neither, and on every database for a CREATE TABLE in a migration without such a call.

-- 保険医療機関番号 stays unique through a small global directory: "Clinic" is distributed by its id, and a
-- distributed table's unique keys must contain the distribution column.
DROP INDEX "Clinic_institutionNumber_key";

CREATE TABLE "InstitutionNumber" (
    "institutionNumber" CHAR(10) NOT NULL,
    "clinicId" TEXT NOT NULL,

    CONSTRAINT "InstitutionNumber_pkey" PRIMARY KEY ("institutionNumber")
);

CREATE UNIQUE INDEX "InstitutionNumber_clinicId_key" ON "InstitutionNumber"("clinicId");

INSERT INTO "InstitutionNumber" ("institutionNumber", "clinicId") SELECT "institutionNumber", id FROM "Clinic";

-- The clinic's login domain (docs/decisions/0015) stays unique across clinics the same way.
DROP INDEX "Clinic_loginDomain_key";

CREATE TABLE "LoginDomain" (
    "loginDomain" TEXT NOT NULL,
    "clinicId" TEXT NOT NULL,

    CONSTRAINT "LoginDomain_pkey" PRIMARY KEY ("loginDomain")
);

CREATE UNIQUE INDEX "LoginDomain_clinicId_key" ON "LoginDomain"("clinicId");

INSERT INTO "LoginDomain" ("loginDomain", "clinicId") SELECT "loginDomain", id FROM "Clinic" WHERE "loginDomain" IS NOT NULL;

-- True on Citus for a table not yet distributed or made a reference table (so a call can be repeated safely).
CREATE FUNCTION karte_citus_unplaced(tbl regclass) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN false;
  END IF;
  RETURN NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = tbl);
END $$;

-- A clinic table: distributed by "clinicId" and colocated with "Clinic" (distributed by its own id), so every query
-- and transaction of one clinic runs on one shard. Triggers (真正性, append-only) are kept: ours touch only rows
-- of the same clinic, which live on the same node.
CREATE FUNCTION karte_distribute_table(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT karte_citus_unplaced(tbl) THEN
    RETURN;
  END IF;
  PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
  IF tbl = '"Clinic"'::regclass THEN
    PERFORM create_distributed_table(tbl, 'id');
  ELSE
    PERFORM create_distributed_table(tbl, 'clinicId', colocate_with => '"Clinic"');
  END IF;
END $$;

-- A global table without clinical data (masters, login directories, throttling): replicated to every node, so
-- clinic tables may reference it and join it on their own shard.
CREATE FUNCTION karte_reference_table(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT karte_citus_unplaced(tbl) THEN
    RETURN;
  END IF;
  PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
  PERFORM create_reference_table(tbl);
END $$;

-- The tables so far. "Clinic" first (the colocation anchor); a filled table's rows are copied to its shards.
SELECT karte_distribute_table('"Clinic"');

SELECT karte_reference_table('"InstitutionNumber"');
SELECT karte_reference_table('"LoginDomain"');
SELECT karte_reference_table('"LoginName"');
SELECT karte_reference_table('"LoginChallenge"');
SELECT karte_reference_table('"AuthFailure"');
SELECT karte_reference_table('"DiseaseMaster"');
SELECT karte_reference_table('"ModifierMaster"');
SELECT karte_reference_table('"DrugMaster"');
SELECT karte_reference_table('"AllergenMaster"');
SELECT karte_reference_table('"UsageMaster"');
SELECT karte_reference_table('"LabCodeMaster"');
SELECT karte_reference_table('"MasterImport"');

-- referenced tables before the tables that reference them
SELECT karte_distribute_table('"Department"');
SELECT karte_distribute_table('"User"');
SELECT karte_distribute_table('"UserSession"');
SELECT karte_distribute_table('"AuditEvent"');
SELECT karte_distribute_table('"AuditSeal"');
SELECT karte_distribute_table('"Patient"');
SELECT karte_distribute_table('"PatientInsurance"');
SELECT karte_distribute_table('"PublicExpense"');
SELECT karte_distribute_table('"PatientRevision"');
SELECT karte_distribute_table('"Visit"');
SELECT karte_distribute_table('"VisitStatusChange"');
SELECT karte_distribute_table('"ClinicalNote"');
SELECT karte_distribute_table('"Diagnosis"');
SELECT karte_distribute_table('"Allergy"');
SELECT karte_distribute_table('"LabResult"');
SELECT karte_distribute_table('"Prescription"');
SELECT karte_distribute_table('"PrescriptionItem"');

-- The helpers belong to the schema owner who runs migrations; the app role neither needs nor gets them.
REVOKE ALL ON FUNCTION karte_citus_unplaced(regclass), karte_distribute_table(regclass), karte_reference_table(regclass) FROM PUBLIC;
