-- Master imports (issue 9 items 18-20): the upload is kept in the database until its import finishes, checked against
-- what the sender declared (bytes, lines), runs record the tenant that started them, and a run with failed rows ends
-- as 'partial', not 'done'. National masters are imported by the operator role (docs/decisions/0031).

ALTER TABLE "MasterImport" ADD COLUMN     "clinicId" TEXT,
ADD COLUMN     "errorCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "fileBytes" BIGINT,
ADD COLUMN     "fileLines" INTEGER,
ADD COLUMN     "fileSha256" TEXT;

-- runs imported before this migration: the stored errors were all of them
UPDATE "MasterImport" SET "errorCount" = jsonb_array_length("errors");
UPDATE "MasterImport" SET "status" = 'partial' WHERE "status" = 'done' AND "errorCount" > 0;

ALTER TABLE "MasterImport"
  ADD CONSTRAINT "MasterImport_status_check" CHECK ("status" IN ('receiving', 'queued', 'running', 'done', 'partial', 'failed'));

CREATE TABLE "MasterImportChunk" (
    "importId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "MasterImportChunk_pkey" PRIMARY KEY ("importId","seq")
);
SELECT karte_reference_table('"MasterImportChunk"');

CREATE INDEX "MasterImport_clinicId_startedAt_idx" ON "MasterImport"("clinicId", "startedAt");

ALTER TABLE "MasterImportChunk" ADD CONSTRAINT "MasterImportChunk_importId_fkey" FOREIGN KEY ("importId") REFERENCES "MasterImport"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- 運用管理者: imports the national masters for every tenant; never granted by a clinic_admin (docs/decisions/0031)
ALTER TABLE "User" DROP CONSTRAINT "User_role_check";
ALTER TABLE "User" ADD CONSTRAINT "User_role_check" CHECK ("role" IN ('doctor', 'nurse', 'receptionist', 'clinic_admin', 'operator'));
