-- 前回Do: the lineages of the running prescriptions a prescription continues (replaces); issue 13, docs/decisions/0053
ALTER TABLE "Prescription" ADD COLUMN "continuesLineageIds" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
