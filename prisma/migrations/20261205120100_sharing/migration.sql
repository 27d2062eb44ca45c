-- 電子カルテ情報共有サービス: units, the ledger of attempts, the patient's consent to read (docs/decisions/0029).
-- CreateTable
CREATE TABLE "SharingUnit" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "labReportId" TEXT NOT NULL DEFAULT '',
    "identifier" TEXT,
    "memberIdSent" TEXT,
    "lastSentHash" TEXT,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "removed" BOOLEAN NOT NULL DEFAULT false,
    "reason" TEXT,
    "issues" JSONB,
    "changedAt" TIMESTAMPTZ(3) NOT NULL,
    "dueBy" TIMESTAMPTZ(3),
    "lastAttemptAt" TIMESTAMPTZ(3),
    "sentAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SharingUnit_pkey" PRIMARY KEY ("clinicId","id"),
    CONSTRAINT "SharingUnit_kind_check" CHECK ("kind" IN ('diagnoses', 'allergies', 'lab_report')),
    CONSTRAINT "SharingUnit_state_check" CHECK ("state" IN ('pending', 'sending', 'sent', 'retry_wait', 'error'))
);
SELECT karte_distribute_table('"SharingUnit"');

-- CreateTable
CREATE TABLE "SharingAttempt" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "action" TEXT NOT NULL,
    "identifier" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "payloadHash" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "answer" JSONB,
    "settles" TEXT,

    CONSTRAINT "SharingAttempt_pkey" PRIMARY KEY ("clinicId","id"),
    CONSTRAINT "SharingAttempt_action_check" CHECK ("action" IN ('register', 'delete')),
    CONSTRAINT "SharingAttempt_outcome_check" CHECK ("outcome" IN ('pending', 'accepted', 'rejected', 'unavailable', 'reconciled'))
);
SELECT karte_distribute_table('"SharingAttempt"');

-- CreateTable
CREATE TABLE "SharingConsent" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "givenAt" TIMESTAMPTZ(3) NOT NULL,
    "scope" TEXT[],
    "recordedById" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "SharingConsent_pkey" PRIMARY KEY ("clinicId","id")
);
SELECT karte_distribute_table('"SharingConsent"');

-- CreateIndex
CREATE INDEX "SharingUnit_clinicId_state_idx" ON "SharingUnit"("clinicId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "SharingUnit_clinicId_patientId_kind_labReportId_key" ON "SharingUnit"("clinicId", "patientId", "kind", "labReportId");

-- CreateIndex
CREATE INDEX "SharingAttempt_clinicId_unitId_at_idx" ON "SharingAttempt"("clinicId", "unitId", "at");

-- CreateIndex
CREATE INDEX "SharingConsent_clinicId_patientId_givenAt_idx" ON "SharingConsent"("clinicId", "patientId", "givenAt");

-- AddForeignKey
ALTER TABLE "SharingUnit" ADD CONSTRAINT "SharingUnit_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "SharingAttempt" ADD CONSTRAINT "SharingAttempt_clinicId_unitId_fkey" FOREIGN KEY ("clinicId", "unitId") REFERENCES "SharingUnit"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "SharingConsent" ADD CONSTRAINT "SharingConsent_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- The ledger is append-only for the app (docs/decisions/0009).
REVOKE UPDATE, DELETE ON "SharingAttempt" FROM karte_app;
