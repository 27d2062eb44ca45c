-- CreateTable
CREATE TABLE "ApiRevokedToken" (
    "clinicId" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "revokedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ApiRevokedToken_pkey" PRIMARY KEY ("clinicId","jti")
);
SELECT karte_distribute_table('"ApiRevokedToken"');

-- CreateIndex
CREATE INDEX "ApiRevokedToken_clinicId_expiresAt_idx" ON "ApiRevokedToken"("clinicId", "expiresAt");