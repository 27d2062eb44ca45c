-- 受信した紹介状 (issue 11, docs/decisions/0058): letters received through the sharing service, one row per version.
-- CreateTable
CREATE TABLE "ReceivedDocument" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "identifier" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "serviceSeq" INTEGER NOT NULL,
    "senderInstitution" TEXT NOT NULL,
    "bundle" JSONB NOT NULL,
    "contentHash" TEXT NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL,
    "withdrawnAt" TIMESTAMPTZ(3),
    "patientId" TEXT,
    "linkedById" TEXT,
    "linkedAt" TIMESTAMPTZ(3),
    "importedEntries" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "ReceivedDocument_pkey" PRIMARY KEY ("clinicId","id")
);
SELECT karte_distribute_table('"ReceivedDocument"');

-- CreateIndex
CREATE INDEX "ReceivedDocument_clinicId_receivedAt_idx" ON "ReceivedDocument"("clinicId", "receivedAt");

-- CreateIndex
CREATE INDEX "ReceivedDocument_clinicId_serviceSeq_idx" ON "ReceivedDocument"("clinicId", "serviceSeq");

-- CreateIndex
CREATE UNIQUE INDEX "ReceivedDocument_clinicId_identifier_version_key" ON "ReceivedDocument"("clinicId", "identifier", "version");

-- AddForeignKey
ALTER TABLE "ReceivedDocument" ADD CONSTRAINT "ReceivedDocument_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;
