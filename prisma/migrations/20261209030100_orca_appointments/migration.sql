-- 予約 via ORCA (docs/orca.md): the clinic setting and ORCA's 予約 beside ours; a clinic table, distributed right after its CREATE TABLE (docs/decisions/0012).

-- AlterTable
ALTER TABLE "OrcaSettings" ADD COLUMN     "useOrcaAppointments" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "OrcaAppointmentLink" (
    "clinicId" TEXT NOT NULL,
    "appointmentId" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "orcaPatientId" TEXT,
    "orcaAppointmentId" VARCHAR(5),
    "appointmentDate" DATE,
    "appointmentTime" VARCHAR(8),
    "warnings" JSONB NOT NULL DEFAULT '[]',
    "message" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OrcaAppointmentLink_pkey" PRIMARY KEY ("clinicId","appointmentId")
);

SELECT karte_distribute_table('"OrcaAppointmentLink"');

-- AddForeignKey
ALTER TABLE "OrcaAppointmentLink" ADD CONSTRAINT "OrcaAppointmentLink_clinicId_appointmentId_fkey" FOREIGN KEY ("clinicId", "appointmentId") REFERENCES "Appointment"("clinicId", "id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- Enumerated column: TEXT + CHECK with the values of lib/orca/orca.constants.ts (docs/decisions/0011).
ALTER TABLE "OrcaAppointmentLink" ADD CONSTRAINT "OrcaAppointmentLink_state_check" CHECK ("state" IN ('queued', 'sending', 'sent', 'cancel_queued', 'cancelled', 'failed'));
