-- ORCA link (docs/orca.md): clinic tables, each distributed right after its CREATE TABLE (docs/decisions/0012).

-- CreateTable
CREATE TABLE "OrcaSettings" (
    "clinicId" TEXT NOT NULL,
    "numberingMaster" TEXT NOT NULL DEFAULT 'orca',
    "medicalInformation" VARCHAR(2) NOT NULL DEFAULT '01',
    "physicianCodes" JSONB NOT NULL DEFAULT '{}',
    "defaultPhysicianCode" VARCHAR(5) NOT NULL DEFAULT '10001',
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OrcaSettings_pkey" PRIMARY KEY ("clinicId")
);

SELECT karte_distribute_table('"OrcaSettings"');

-- CreateTable
CREATE TABLE "OrcaPatientLink" (
    "clinicId" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "orcaPatientId" TEXT,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "message" TEXT,
    "insuranceCombinations" JSONB NOT NULL DEFAULT '[]',
    "linkedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OrcaPatientLink_pkey" PRIMARY KEY ("clinicId","patientId")
);

SELECT karte_distribute_table('"OrcaPatientLink"');

-- CreateTable
CREATE TABLE "OrcaVisitLink" (
    "clinicId" TEXT NOT NULL,
    "visitId" TEXT NOT NULL,
    "acceptanceState" TEXT NOT NULL DEFAULT 'queued',
    "acceptanceId" VARCHAR(5),
    "acceptanceDate" DATE,
    "acceptanceTime" VARCHAR(8),
    "departmentCode" VARCHAR(2),
    "physicianCode" VARCHAR(5),
    "insuranceCombinationNumber" VARCHAR(4),
    "medicalUid" TEXT,
    "medicalState" TEXT NOT NULL DEFAULT 'none',
    "medicalSentAt" TIMESTAMPTZ(3),
    "billingState" TEXT NOT NULL DEFAULT 'none',
    "invoiceNumber" TEXT,
    "totalPoints" INTEGER,
    "billedYen" INTEGER,
    "paidYen" INTEGER,
    "accountTime" VARCHAR(8),
    "message" TEXT,
    "warnings" JSONB NOT NULL DEFAULT '[]',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OrcaVisitLink_pkey" PRIMARY KEY ("clinicId","visitId")
);

SELECT karte_distribute_table('"OrcaVisitLink"');

-- CreateIndex
CREATE UNIQUE INDEX "OrcaPatientLink_clinicId_orcaPatientId_key" ON "OrcaPatientLink"("clinicId", "orcaPatientId");

-- CreateIndex
CREATE INDEX "OrcaVisitLink_clinicId_acceptanceDate_billingState_idx" ON "OrcaVisitLink"("clinicId", "acceptanceDate", "billingState");

-- AddForeignKey
ALTER TABLE "OrcaSettings" ADD CONSTRAINT "OrcaSettings_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "OrcaPatientLink" ADD CONSTRAINT "OrcaPatientLink_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "OrcaVisitLink" ADD CONSTRAINT "OrcaVisitLink_clinicId_visitId_fkey" FOREIGN KEY ("clinicId", "visitId") REFERENCES "Visit"("clinicId", "id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- Enumerated columns: TEXT + CHECK with the values of lib/orca/orca.constants.ts (docs/decisions/0011).
ALTER TABLE "OrcaSettings" ADD CONSTRAINT "OrcaSettings_numberingMaster_check" CHECK ("numberingMaster" IN ('orca', 'ehr'));
ALTER TABLE "OrcaPatientLink" ADD CONSTRAINT "OrcaPatientLink_state_check" CHECK ("state" IN ('pending', 'linked', 'needs_review', 'failed'));
ALTER TABLE "OrcaVisitLink" ADD CONSTRAINT "OrcaVisitLink_acceptanceState_check" CHECK ("acceptanceState" IN ('queued', 'sending', 'sent', 'cancel_queued', 'cancelled', 'failed'));
ALTER TABLE "OrcaVisitLink" ADD CONSTRAINT "OrcaVisitLink_medicalState_check" CHECK ("medicalState" IN ('none', 'queued', 'sending', 'sent', 'failed'));
ALTER TABLE "OrcaVisitLink" ADD CONSTRAINT "OrcaVisitLink_billingState_check" CHECK ("billingState" IN ('none', 'waiting', 'billed', 'paid'));
