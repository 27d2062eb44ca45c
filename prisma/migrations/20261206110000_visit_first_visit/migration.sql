-- AlterTable
ALTER TABLE "Visit" ADD COLUMN     "firstVisit" BOOLEAN;