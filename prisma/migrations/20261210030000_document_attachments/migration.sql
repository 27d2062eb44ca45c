-- 添付資料 of clinical documents (issue 11, docs/decisions/0085): the uploaded PDF / image bytes, under the clinic.
-- Clinic tables are distributed right after their CREATE TABLE (docs/decisions/0012).

-- A stored attachment never changes: document versions name it with its SHA-256 (a 確定 version's hash covers it).
-- The function comes first: on Citus a CREATE FUNCTION after DDL on a distributed table in the same transaction is
-- refused ("cannot run function command because there was a parallel operation on a distributed table").
CREATE FUNCTION karte_attachment_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'DocumentAttachment % cannot be changed or deleted (% rejected)', OLD.id, TG_OP;
END $$ LANGUAGE plpgsql;

-- CreateTable
CREATE TABLE "DocumentAttachment" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "data" BYTEA NOT NULL,
    "uploadedById" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DocumentAttachment_pkey" PRIMARY KEY ("clinicId","id")
);

SELECT karte_distribute_table('"DocumentAttachment"');

-- CreateIndex
CREATE INDEX "DocumentAttachment_clinicId_patientId_createdAt_idx" ON "DocumentAttachment"("clinicId", "patientId", "createdAt");

-- AddForeignKey
ALTER TABLE "DocumentAttachment" ADD CONSTRAINT "DocumentAttachment_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- Enumerated columns: TEXT + CHECK with the values of lib/records/documents/document.constants.ts (docs/decisions/0011).
ALTER TABLE "DocumentAttachment" ADD CONSTRAINT "DocumentAttachment_contentType_check" CHECK ("contentType" IN ('application/pdf', 'image/png', 'image/jpeg'));

SELECT set_config('citus.enable_unsafe_triggers', 'on', true);
CREATE TRIGGER document_attachment_immutable BEFORE UPDATE OR DELETE ON "DocumentAttachment" FOR EACH ROW EXECUTE FUNCTION karte_attachment_immutable();
