-- 予約変更 (issue 13): moving an appointment keeps the old one (status moved, its time) and books a new one that names it
ALTER TABLE "Appointment" ADD COLUMN "movedFromId" TEXT;
ALTER TABLE "Appointment" DROP CONSTRAINT "Appointment_status_check";
ALTER TABLE "Appointment" ADD CONSTRAINT "Appointment_status_check" CHECK ("status" IN ('booked', 'checked_in', 'cancelled', 'moved'));
CREATE UNIQUE INDEX "Appointment_clinicId_movedFromId_key" ON "Appointment"("clinicId", "movedFromId");
ALTER TABLE "Appointment" ADD CONSTRAINT "Appointment_clinicId_movedFromId_fkey" FOREIGN KEY ("clinicId", "movedFromId") REFERENCES "Appointment"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;
