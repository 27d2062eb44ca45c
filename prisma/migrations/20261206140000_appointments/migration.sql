-- 次回予約 (issue 13, docs/decisions/0057): Appointment, distributed by clinicId right after its CREATE TABLE (0012).

-- CreateTable
CREATE TABLE "Appointment" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "purpose" TEXT NOT NULL,
    "doctorId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'booked',
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cancelledById" TEXT,
    "cancelledAt" TIMESTAMPTZ(3),
    "visitId" TEXT,
    "checkedInAt" TIMESTAMPTZ(3),

    CONSTRAINT "Appointment_pkey" PRIMARY KEY ("clinicId","id")
);

SELECT karte_distribute_table('"Appointment"');

-- CreateIndex
CREATE INDEX "Appointment_clinicId_startsAt_idx" ON "Appointment"("clinicId", "startsAt");

-- CreateIndex
CREATE INDEX "Appointment_clinicId_patientId_startsAt_idx" ON "Appointment"("clinicId", "patientId", "startsAt");

-- AddForeignKey
ALTER TABLE "Appointment" ADD CONSTRAINT "Appointment_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "Appointment" ADD CONSTRAINT "Appointment_clinicId_visitId_fkey" FOREIGN KEY ("clinicId", "visitId") REFERENCES "Visit"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- Enumerated columns: TEXT + CHECK with the values of lib/reception/appointment.constants.ts (docs/decisions/0011).
ALTER TABLE "Appointment" ADD CONSTRAINT "Appointment_status_check" CHECK ("status" IN ('booked', 'checked_in', 'cancelled'));
