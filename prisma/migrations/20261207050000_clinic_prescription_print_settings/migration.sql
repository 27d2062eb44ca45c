-- AlterTable
ALTER TABLE "Clinic" ADD COLUMN     "autoPrintPrescription" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "prescribeByGenericDefault" BOOLEAN NOT NULL DEFAULT false;
