-- Clinical documents (issue 11, docs/decisions/0048): ClinicalDocument, a versioned record like the others (the same
-- protection trigger: a version that left draft never changes; 確定 stores a SHA-256 of the content, as for notes), and
-- ReferralInstitution, the clinic's directory of 紹介先. Both are clinic tables, distributed right after CREATE TABLE.

-- CreateTable
CREATE TABLE "ClinicalDocument" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "lineageId" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "isLatest" BOOLEAN NOT NULL DEFAULT true,
    "patientId" TEXT NOT NULL,
    "visitId" TEXT,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "institutionId" TEXT,
    "content" JSONB NOT NULL,
    "authorId" TEXT NOT NULL,
    "entererId" TEXT NOT NULL,
    "approvedById" TEXT,
    "approvedAt" TIMESTAMPTZ(3),
    "confirmedById" TEXT,
    "confirmedAt" TIMESTAMPTZ(3),
    "contentHash" TEXT,
    "changeReason" TEXT,
    "supersedesId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "supersededAt" TIMESTAMPTZ(3),

    CONSTRAINT "ClinicalDocument_pkey" PRIMARY KEY ("clinicId","id")
);

SELECT karte_distribute_table('"ClinicalDocument"');

-- CreateTable
CREATE TABLE "ReferralInstitution" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "code" CHAR(10) NOT NULL,
    "name" TEXT NOT NULL,
    "nameKana" TEXT,
    "address" TEXT,
    "phone" TEXT,
    "departments" TEXT[],
    "doctors" TEXT[],
    "lastUsedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ReferralInstitution_pkey" PRIMARY KEY ("clinicId","id")
);

SELECT karte_distribute_table('"ReferralInstitution"');

-- CreateIndex
CREATE INDEX "ClinicalDocument_clinicId_patientId_isLatest_createdAt_idx" ON "ClinicalDocument"("clinicId", "patientId", "isLatest", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ClinicalDocument_clinicId_lineageId_version_key" ON "ClinicalDocument"("clinicId", "lineageId", "version");

-- CreateIndex
CREATE INDEX "ReferralInstitution_clinicId_lastUsedAt_idx" ON "ReferralInstitution"("clinicId", "lastUsedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ReferralInstitution_clinicId_code_key" ON "ReferralInstitution"("clinicId", "code");

-- AddForeignKey
ALTER TABLE "ClinicalDocument" ADD CONSTRAINT "ClinicalDocument_clinicId_patientId_fkey" FOREIGN KEY ("clinicId", "patientId") REFERENCES "Patient"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "ReferralInstitution" ADD CONSTRAINT "ReferralInstitution_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

ALTER TABLE "ClinicalDocument" ADD CONSTRAINT "ClinicalDocument_kind_check" CHECK ("kind" IN ('referral'));
ALTER TABLE "ClinicalDocument" ADD CONSTRAINT "ClinicalDocument_status_check" CHECK ("status" IN ('draft', 'pending_approval', 'final', 'entered_in_error'));
ALTER TABLE "ReferralInstitution" ADD CONSTRAINT "ReferralInstitution_code_check" CHECK ("code" ~ '^[0-9]{10}$');

SELECT set_config('citus.enable_unsafe_triggers', 'on', true);

CREATE TRIGGER clinical_document_protect BEFORE UPDATE OR DELETE ON "ClinicalDocument" FOR EACH ROW EXECUTE FUNCTION karte_protect_record_version();
