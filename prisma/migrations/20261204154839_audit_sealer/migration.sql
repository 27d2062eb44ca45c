-- AlterTable
ALTER TABLE "AuditEvent" DROP CONSTRAINT "AuditEvent_pkey",
ADD COLUMN     "id" BIGSERIAL NOT NULL,
ALTER COLUMN "seq" DROP NOT NULL,
ALTER COLUMN "prevHash" DROP NOT NULL,
ALTER COLUMN "rowHash" DROP NOT NULL,
ADD CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("clinicId", "id");

-- CreateTable
CREATE TABLE "AuditSeal" (
    "clinicId" TEXT NOT NULL,
    "sealSeq" BIGINT NOT NULL,
    "fromSeq" BIGINT NOT NULL,
    "toSeq" BIGINT NOT NULL,
    "headHash" TEXT NOT NULL,
    "sealedAt" TIMESTAMPTZ(3) NOT NULL,
    "prevSealHash" TEXT NOT NULL,
    "sealHash" TEXT NOT NULL,

    CONSTRAINT "AuditSeal_pkey" PRIMARY KEY ("clinicId","sealSeq")
);

-- CreateIndex
CREATE INDEX "AuditEvent_seq_clinicId_idx" ON "AuditEvent"("seq", "clinicId");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_clinicId_seq_key" ON "AuditEvent"("clinicId", "seq");
-- アクセスログ without a shared lock (docs/decisions/0014): a row is inserted with seq/prevHash/rowHash NULL and the sealer
-- sets those three columns once. Every other UPDATE, and every DELETE and TRUNCATE, is still rejected, for the owner too.
CREATE OR REPLACE FUNCTION karte_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.seq IS NULL AND OLD."prevHash" IS NULL AND OLD."rowHash" IS NULL
       AND NEW.seq IS NOT NULL AND NEW."prevHash" IS NOT NULL AND NEW."rowHash" IS NOT NULL
       AND (to_jsonb(NEW) - 'seq' - 'prevHash' - 'rowHash') = (to_jsonb(OLD) - 'seq' - 'prevHash' - 'rowHash') THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION '% is append-only (% rejected)', TG_TABLE_NAME, TG_OP;
END $$ LANGUAGE plpgsql;

-- A row arrives unsealed: only the sealer places it in the chain (a row inserted with a chain position would also
-- block the sealer at that position).
CREATE FUNCTION karte_audit_insert_unsealed() RETURNS trigger AS $$
BEGIN
  IF NEW.seq IS NOT NULL OR NEW."prevHash" IS NOT NULL OR NEW."rowHash" IS NOT NULL THEN
    RAISE EXCEPTION 'AuditEvent rows are inserted unsealed (seq, prevHash and rowHash are set by the sealer)';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_insert_unsealed BEFORE INSERT ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION karte_audit_insert_unsealed();

-- The seals are append-only too.
CREATE FUNCTION karte_audit_seal_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'AuditSeal is append-only (% rejected)', TG_OP;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER audit_seal_no_update_delete BEFORE UPDATE OR DELETE ON "AuditSeal"
  FOR EACH ROW EXECUTE FUNCTION karte_audit_seal_append_only();
CREATE TRIGGER audit_seal_no_truncate BEFORE TRUNCATE ON "AuditSeal"
  FOR EACH STATEMENT EXECUTE FUNCTION karte_audit_seal_append_only();

-- karte_app (docs/decisions/0009): may set the three chain columns (the sealer runs as the app), nothing else of a row;
-- seals may be added and read, never changed or removed.
GRANT UPDATE ("seq", "prevHash", "rowHash") ON "AuditEvent" TO karte_app;
REVOKE UPDATE, DELETE ON "AuditSeal" FROM karte_app;
