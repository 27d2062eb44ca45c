-- btree_gin lets clinicId share the trigram GIN index, so a search reads only its clinic's entries.
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- DropIndex
DROP INDEX "Patient_kanaSearch_trgm";

-- DropIndex
DROP INDEX "Patient_nameSearch_trgm";

-- CreateIndex
CREATE INDEX "Patient_clinic_kanaSearch_trgm" ON "Patient" USING GIN ("clinicId" text_ops, "kanaSearch" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Patient_clinic_nameSearch_trgm" ON "Patient" USING GIN ("clinicId" text_ops, "nameSearch" gin_trgm_ops);
