-- 予約枠 (issue 13, docs/decisions/0060): AppointmentSlotRule, a clinic setting, distributed by clinicId (0012).

-- CreateTable
CREATE TABLE "AppointmentSlotRule" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "weekday" INTEGER NOT NULL,
    "doctorId" TEXT,
    "startTime" VARCHAR(5) NOT NULL,
    "endTime" VARCHAR(5) NOT NULL,
    "slotMinutes" INTEGER NOT NULL,
    "capacity" INTEGER NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AppointmentSlotRule_pkey" PRIMARY KEY ("clinicId","id")
);

SELECT karte_distribute_table('"AppointmentSlotRule"');

-- CreateIndex
CREATE INDEX "AppointmentSlotRule_clinicId_weekday_idx" ON "AppointmentSlotRule"("clinicId", "weekday");

-- AddForeignKey
ALTER TABLE "AppointmentSlotRule" ADD CONSTRAINT "AppointmentSlotRule_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- The values the service accepts (lib/reception/appointment-slot.schema.ts).
ALTER TABLE "AppointmentSlotRule" ADD CONSTRAINT "AppointmentSlotRule_weekday_check" CHECK ("weekday" BETWEEN 0 AND 6);
ALTER TABLE "AppointmentSlotRule" ADD CONSTRAINT "AppointmentSlotRule_times_check" CHECK ("startTime" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND "endTime" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND "startTime" < "endTime");
ALTER TABLE "AppointmentSlotRule" ADD CONSTRAINT "AppointmentSlotRule_slotMinutes_check" CHECK ("slotMinutes" BETWEEN 5 AND 240);
ALTER TABLE "AppointmentSlotRule" ADD CONSTRAINT "AppointmentSlotRule_capacity_check" CHECK ("capacity" BETWEEN 1 AND 50);
