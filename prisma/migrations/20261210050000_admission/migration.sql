-- 入院 of a 有床診療所 (issue 11, docs/decisions/0087): Admission, a versioned clinic table, distributed right after its
-- CREATE TABLE (0012).

-- versions are never changed or removed: the only UPDATE is a new version taking over (isLatest true -> false, supersededAt).
-- The function comes first: on Citus a CREATE FUNCTION after DDL on a distributed table in the same transaction is
-- refused ("cannot run function command because there was a parallel operation on a distributed table").
CREATE FUNCTION karte_protect_admission() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'Admission versions cannot be deleted' USING ERRCODE = 'check_violation';
  END IF;
  IF (to_jsonb(NEW) - 'isLatest' - 'supersededAt') IS DISTINCT FROM (to_jsonb(OLD) - 'isLatest' - 'supersededAt') OR NOT (OLD."isLatest" AND NOT NEW."isLatest") THEN
    RAISE EXCEPTION 'Admission versions are append-only' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;

-- CreateTable
CREATE TABLE "Admission" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "lineageId" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "isLatest" BOOLEAN NOT NULL DEFAULT true,
    "patientId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'admitted',
    "admittedOn" DATE NOT NULL,
    "dischargedOn" DATE,
    "reason" VARCHAR(2000) NOT NULL,
    "admissionDiagnosisIds" TEXT[],
    "dischargeDiagnosisIds" TEXT[],
    "outcome" TEXT,
    "destination" VARCHAR(200),
    "attendingDoctorId" TEXT NOT NULL,
    "ward" VARCHAR(60),
    "recordedById" TEXT NOT NULL,
    "changeReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "supersededAt" TIMESTAMPTZ(3),

    CONSTRAINT "Admission_pkey" PRIMARY KEY ("clinicId","id")
);

SELECT karte_distribute_table('"Admission"');

-- CreateIndex
CREATE INDEX "Admission_clinicId_patientId_isLatest_status_idx" ON "Admission"("clinicId", "patientId", "isLatest", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Admission_clinicId_lineageId_version_key" ON "Admission"("clinicId", "lineageId", "version");

-- AddForeignKey
ALTER TABLE "Admission" ADD CONSTRAINT "Admission_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "Admission" ADD CONSTRAINT "Admission_clinicId_attendingDoctorId_fkey" FOREIGN KEY ("clinicId", "attendingDoctorId") REFERENCES "User"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- Enumerated columns: TEXT + CHECK with the values of lib/records/admissions/admission.constants.ts and
-- DISCHARGE_OUTCOMES of lib/records/documents/document.constants.ts (docs/decisions/0011).
ALTER TABLE "Admission" ADD CONSTRAINT "Admission_status_check" CHECK ("status" IN ('admitted', 'discharged', 'entered_in_error'));
ALTER TABLE "Admission" ADD CONSTRAINT "Admission_outcome_check" CHECK ("outcome" IS NULL OR "outcome" IN ('1', '3', '4', '5', '6', '7', '9'));
-- 退院日 ≥ 入院日; a 退院済 version has its 退院日 and 転帰
ALTER TABLE "Admission" ADD CONSTRAINT "Admission_stay_check" CHECK ("dischargedOn" IS NULL OR "dischargedOn" >= "admittedOn");
ALTER TABLE "Admission" ADD CONSTRAINT "Admission_discharged_check" CHECK ("status" <> 'discharged' OR ("dischargedOn" IS NOT NULL AND "outcome" IS NOT NULL));

SET LOCAL citus.enable_unsafe_triggers = on;
CREATE TRIGGER admission_protect BEFORE UPDATE OR DELETE ON "Admission" FOR EACH ROW EXECUTE FUNCTION karte_protect_admission();
