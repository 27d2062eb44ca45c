-- 受付 made at the ORCA counter (docs/orca.md): a clinic table, distributed right after its CREATE TABLE (docs/decisions/0012).

-- CreateTable
CREATE TABLE "OrcaCounterAcceptance" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "acceptanceDate" DATE NOT NULL,
    "acceptanceId" VARCHAR(5) NOT NULL,
    "acceptanceTime" VARCHAR(8) NOT NULL,
    "orcaPatientId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kana" TEXT NOT NULL,
    "birthDate" VARCHAR(10) NOT NULL,
    "sex" VARCHAR(1) NOT NULL,
    "departmentCode" VARCHAR(2),
    "physicianCode" VARCHAR(5),
    "insuranceCombinationNumber" VARCHAR(4),
    "state" TEXT NOT NULL DEFAULT 'open',
    "visitId" TEXT,
    "takenAt" TIMESTAMPTZ(3),
    "seenAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OrcaCounterAcceptance_pkey" PRIMARY KEY ("clinicId","id")
);

SELECT karte_distribute_table('"OrcaCounterAcceptance"');

-- CreateIndex
CREATE UNIQUE INDEX "OrcaCounterAcceptance_clinicId_acceptanceDate_acceptanceId_key" ON "OrcaCounterAcceptance"("clinicId", "acceptanceDate", "acceptanceId");

-- AddForeignKey
ALTER TABLE "OrcaCounterAcceptance" ADD CONSTRAINT "OrcaCounterAcceptance_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "OrcaCounterAcceptance" ADD CONSTRAINT "OrcaCounterAcceptance_clinicId_visitId_fkey" FOREIGN KEY ("clinicId", "visitId") REFERENCES "Visit"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- Enumerated column: TEXT + CHECK with the values of lib/orca/orca.constants.ts (docs/decisions/0011).
ALTER TABLE "OrcaCounterAcceptance" ADD CONSTRAINT "OrcaCounterAcceptance_state_check" CHECK ("state" IN ('open', 'taken', 'gone'));
