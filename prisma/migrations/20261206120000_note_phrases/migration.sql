-- 定型文 (issue 13, docs/decisions/0052): NotePhrase, a clinic table, distributed right after its CREATE TABLE (0012).

-- CreateTable
CREATE TABLE "NotePhrase" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "ownerId" TEXT,
    "abbreviation" VARCHAR(20) NOT NULL,
    "text" TEXT NOT NULL,
    "updatedById" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "NotePhrase_pkey" PRIMARY KEY ("clinicId","id")
);

SELECT karte_distribute_table('"NotePhrase"');

-- CreateIndex
CREATE UNIQUE INDEX "NotePhrase_clinicId_ownerId_abbreviation_key" ON "NotePhrase"("clinicId", "ownerId", "abbreviation");

-- AddForeignKey
ALTER TABLE "NotePhrase" ADD CONSTRAINT "NotePhrase_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

ALTER TABLE "NotePhrase" ADD CONSTRAINT "NotePhrase_abbreviation_check" CHECK ("abbreviation" ~ '^[a-z0-9_-]{1,20}$');
