-- Vendor FHIR API (issue 12): Bulk Data $export requests and their NDJSON files (docs/decisions/0054).
-- Clinic tables are distributed right after their CREATE TABLE (docs/decisions/0012).

-- CreateTable
CREATE TABLE "BulkExport" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "types" TEXT[],
    "since" TIMESTAMPTZ(3),
    "requestUrl" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "progress" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "completedAt" TIMESTAMPTZ(3),
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "BulkExport_pkey" PRIMARY KEY ("clinicId","id")
);

SELECT karte_distribute_table('"BulkExport"');

-- CreateTable
CREATE TABLE "BulkExportFile" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "exportId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "ndjson" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BulkExportFile_pkey" PRIMARY KEY ("clinicId","id")
);

SELECT karte_distribute_table('"BulkExportFile"');

-- CreateIndex
CREATE INDEX "BulkExport_clinicId_clientId_status_idx" ON "BulkExport"("clinicId", "clientId", "status");

-- CreateIndex
CREATE INDEX "BulkExportFile_clinicId_exportId_idx" ON "BulkExportFile"("clinicId", "exportId");

-- AddForeignKey
ALTER TABLE "BulkExportFile" ADD CONSTRAINT "BulkExportFile_clinicId_exportId_fkey" FOREIGN KEY ("clinicId", "exportId") REFERENCES "BulkExport"("clinicId", "id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- Enumerated columns: TEXT + CHECK with the values of lib/vendor-api/bulk-export.constants.ts (docs/decisions/0011).
ALTER TABLE "BulkExport" ADD CONSTRAINT "BulkExport_status_check" CHECK ("status" IN ('queued', 'running', 'done', 'error', 'cancelled'));
ALTER TABLE "BulkExport" ADD CONSTRAINT "BulkExport_level_check" CHECK ("level" IN ('system', 'patient'));
