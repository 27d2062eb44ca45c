-- 検査オーダー (issue 13, docs/decisions/0070): LabOrder, a clinic table, distributed right after its CREATE TABLE (0012).

-- versions are never changed or removed: the only UPDATE is a new version taking over (isLatest true -> false, supersededAt)
CREATE FUNCTION karte_protect_lab_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'LabOrder versions cannot be deleted' USING ERRCODE = 'check_violation';
  END IF;
  IF (to_jsonb(NEW) - 'isLatest' - 'supersededAt') IS DISTINCT FROM (to_jsonb(OLD) - 'isLatest' - 'supersededAt') OR NOT (OLD."isLatest" AND NOT NEW."isLatest") THEN
    RAISE EXCEPTION 'LabOrder versions are append-only' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
-- (the function comes first: on Citus a function command cannot follow the parallel shard DDL of the same transaction)

-- CreateTable
CREATE TABLE "LabOrder" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "lineageId" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "isLatest" BOOLEAN NOT NULL DEFAULT true,
    "patientId" TEXT NOT NULL,
    "visitId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'ordered',
    "items" JSONB NOT NULL,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "comment" VARCHAR(200),
    "orderedById" TEXT NOT NULL,
    "orderedAt" TIMESTAMPTZ(3) NOT NULL,
    "recordedById" TEXT NOT NULL,
    "changeReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "supersededAt" TIMESTAMPTZ(3),

    CONSTRAINT "LabOrder_pkey" PRIMARY KEY ("clinicId","id")
);

SELECT karte_distribute_table('"LabOrder"');

-- CreateIndex
CREATE INDEX "LabOrder_clinicId_patientId_isLatest_status_idx" ON "LabOrder"("clinicId", "patientId", "isLatest", "status");

-- CreateIndex
CREATE UNIQUE INDEX "LabOrder_clinicId_lineageId_version_key" ON "LabOrder"("clinicId", "lineageId", "version");

-- AddForeignKey
ALTER TABLE "LabOrder" ADD CONSTRAINT "LabOrder_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

ALTER TABLE "LabOrder" ADD CONSTRAINT "LabOrder_status_check" CHECK ("status" IN ('ordered', 'resulted', 'entered_in_error'));

SELECT set_config('citus.enable_unsafe_triggers', 'on', true);

CREATE TRIGGER lab_order_protect BEFORE UPDATE OR DELETE ON "LabOrder" FOR EACH ROW EXECUTE FUNCTION karte_protect_lab_order();
