-- AlterTable
ALTER TABLE "Clinic" ADD COLUMN     "hasBeds" BOOLEAN NOT NULL DEFAULT false;