-- Vendor FHIR API (issue 12): registered backend apps, the client_id directory, used assertion ids, idempotency keys.
-- Clinic tables are distributed right after their CREATE TABLE; the directory is a reference table (docs/decisions/0012).

-- CreateTable
CREATE TABLE "ApiClient" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "scopes" TEXT[],
    "jwks" JSONB,
    "jwksUrl" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT NOT NULL,
    "revokedAt" TIMESTAMPTZ(3),
    "revokedById" TEXT,
    "lastUsedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiClient_pkey" PRIMARY KEY ("clinicId","id")
);

SELECT karte_distribute_table('"ApiClient"');

-- CreateTable
CREATE TABLE "ApiClientDirectory" (
    "clientId" TEXT NOT NULL,
    "clinicId" TEXT NOT NULL,

    CONSTRAINT "ApiClientDirectory_pkey" PRIMARY KEY ("clientId")
);

SELECT karte_reference_table('"ApiClientDirectory"');

-- CreateTable
CREATE TABLE "ApiAssertionJti" (
    "clinicId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ApiAssertionJti_pkey" PRIMARY KEY ("clinicId","clientId","jti")
);

SELECT karte_distribute_table('"ApiAssertionJti"');

-- CreateTable
CREATE TABLE "ApiIdempotencyKey" (
    "clinicId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "resourceType" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiIdempotencyKey_pkey" PRIMARY KEY ("clinicId","clientId","key")
);

SELECT karte_distribute_table('"ApiIdempotencyKey"');

-- CreateIndex
CREATE INDEX "ApiAssertionJti_clinicId_expiresAt_idx" ON "ApiAssertionJti"("clinicId", "expiresAt");

-- AddForeignKey
ALTER TABLE "ApiClient" ADD CONSTRAINT "ApiClient_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- Enumerated columns: TEXT + CHECK with the values of lib/vendor-api/api-client.constants.ts (docs/decisions/0011).
ALTER TABLE "ApiClient" ADD CONSTRAINT "ApiClient_status_check" CHECK ("status" IN ('active', 'revoked'));
