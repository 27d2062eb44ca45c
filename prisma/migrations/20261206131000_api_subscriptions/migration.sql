-- Vendor FHIR API (issue 12): Subscriptions (rest-hook) and their delivery log (docs/decisions/0055).
-- Clinic tables are distributed right after their CREATE TABLE (docs/decisions/0012).

-- CreateTable
CREATE TABLE "ApiSubscription" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "criteria" TEXT NOT NULL,
    "resourceType" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "withPayload" BOOLEAN NOT NULL DEFAULT true,
    "secretSealed" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ApiSubscription_pkey" PRIMARY KEY ("clinicId","id")
);

SELECT karte_distribute_table('"ApiSubscription"');

-- CreateTable
CREATE TABLE "ApiSubscriptionDelivery" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "resourceType" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastStatus" INTEGER,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiSubscriptionDelivery_pkey" PRIMARY KEY ("clinicId","id")
);

SELECT karte_distribute_table('"ApiSubscriptionDelivery"');

-- CreateIndex
CREATE INDEX "ApiSubscription_clinicId_resourceType_status_idx" ON "ApiSubscription"("clinicId", "resourceType", "status");

-- CreateIndex
CREATE INDEX "ApiSubscriptionDelivery_clinicId_subscriptionId_createdAt_idx" ON "ApiSubscriptionDelivery"("clinicId", "subscriptionId", "createdAt");

-- CreateIndex
CREATE INDEX "ApiSubscriptionDelivery_clinicId_createdAt_idx" ON "ApiSubscriptionDelivery"("clinicId", "createdAt");

-- AddForeignKey
ALTER TABLE "ApiSubscriptionDelivery" ADD CONSTRAINT "ApiSubscriptionDelivery_clinicId_subscriptionId_fkey" FOREIGN KEY ("clinicId", "subscriptionId") REFERENCES "ApiSubscription"("clinicId", "id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- Enumerated columns: TEXT + CHECK with the values of lib/vendor-api/subscription.constants.ts (docs/decisions/0011).
ALTER TABLE "ApiSubscription" ADD CONSTRAINT "ApiSubscription_status_check" CHECK ("status" IN ('active', 'off'));
ALTER TABLE "ApiSubscriptionDelivery" ADD CONSTRAINT "ApiSubscriptionDelivery_status_check" CHECK ("status" IN ('pending', 'delivered', 'failed'));
