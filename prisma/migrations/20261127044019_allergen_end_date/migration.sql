-- AlterTable
ALTER TABLE "AllergenMaster" ADD COLUMN     "endedOn" DATE,
ADD COLUMN     "movedTo" TEXT;

-- CreateIndex
CREATE INDEX "AllergenMaster_kana_trgm" ON "AllergenMaster" USING GIN ("kanaSearch" gin_trgm_ops);
