-- セット (issue 13, docs/decisions/0059): OrderSet, a clinic table, distributed right after its CREATE TABLE (0012).

-- versions are never changed or removed: the only UPDATE is a new version taking over isLatest (docs/decisions/0059)
CREATE FUNCTION karte_protect_order_set() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'OrderSet versions cannot be deleted' USING ERRCODE = 'check_violation';
  END IF;
  IF (to_jsonb(NEW) - 'isLatest') IS DISTINCT FROM (to_jsonb(OLD) - 'isLatest') OR NOT (OLD."isLatest" AND NOT NEW."isLatest") THEN
    RAISE EXCEPTION 'OrderSet versions are append-only' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
-- (the function comes first: on Citus a function command cannot follow the parallel shard DDL of the same transaction)

-- CreateTable
CREATE TABLE "OrderSet" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "lineageId" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "isLatest" BOOLEAN NOT NULL DEFAULT true,
    "ownerId" TEXT,
    "name" VARCHAR(60) NOT NULL,
    "content" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "changeReason" TEXT,
    "recordedById" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrderSet_pkey" PRIMARY KEY ("clinicId","id")
);

SELECT karte_distribute_table('"OrderSet"');

-- CreateIndex
CREATE INDEX "OrderSet_clinicId_isLatest_ownerId_idx" ON "OrderSet"("clinicId", "isLatest", "ownerId");

-- CreateIndex
CREATE UNIQUE INDEX "OrderSet_clinicId_lineageId_version_key" ON "OrderSet"("clinicId", "lineageId", "version");

-- AddForeignKey
ALTER TABLE "OrderSet" ADD CONSTRAINT "OrderSet_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

ALTER TABLE "OrderSet" ADD CONSTRAINT "OrderSet_status_check" CHECK ("status" IN ('active', 'deleted'));

SELECT set_config('citus.enable_unsafe_triggers', 'on', true);

CREATE TRIGGER order_set_protect BEFORE UPDATE OR DELETE ON "OrderSet" FOR EACH ROW EXECUTE FUNCTION karte_protect_order_set();
