-- AlterTable
ALTER TABLE "Clinic" ADD COLUMN     "loginDomain" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Clinic_loginDomain_key" ON "Clinic"("loginDomain");
-- a domain: lower-case letters, digits, dots and hyphens
ALTER TABLE "Clinic" ADD CONSTRAINT "Clinic_loginDomain_check" CHECK ("loginDomain" IS NULL OR "loginDomain" ~ '^[a-z0-9][a-z0-9.-]{0,62}$');
