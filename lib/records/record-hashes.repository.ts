/**
 * Pages of 確定 rows that carry a content hash, in (clinicId, id) order, for the 真正性 sweep (verify-record-hashes.ts).
 * The one cross-clinic read of clinical rows: an operator's maintenance job (`npm run records:verify`), optionally
 * narrowed to one clinic; nothing it reads is shown to a user.
 */
import { db, Prisma, type Tx } from '@/lib/core/db';

type Client = Tx | ReturnType<typeof db>;

const finalHashed = (clinicId?: string) => ({ status: 'final' as const, contentHash: { not: null }, ...(clinicId ? { clinicId } : {}) });
const page = (skip: number, take: number) => ({ orderBy: [{ clinicId: 'asc' as const }, { id: 'asc' as const }], skip, take });

export const recordHashesRepository = {
  finalNotes: (c: Client, scope: { clinicId?: string }, skip: number, take: number) =>
    c.clinicalNote.findMany({ where: finalHashed(scope.clinicId), ...page(skip, take) }),

  finalPrescriptions: (c: Client, scope: { clinicId?: string }, skip: number, take: number) =>
    c.prescription.findMany({ where: finalHashed(scope.clinicId), include: { items: true }, ...page(skip, take) }),

  finalDocuments: (c: Client, scope: { clinicId?: string }, skip: number, take: number) =>
    c.clinicalDocument.findMany({ where: finalHashed(scope.clinicId), ...page(skip, take) }),

  /**
   * Diagnoses, allergies and lab results whose stored hash (set by the database at insert, migration
   * 20261205110200) differs from the hash of the row as it is now; and how many hashed rows were checked.
   */
  hashedRowMismatches: async (c: Client, table: HashedTable, scope: { clinicId?: string }) => {
    const t = Prisma.raw(`"${table}"`);
    const clinic = scope.clinicId ? Prisma.sql`AND t."clinicId" = ${scope.clinicId}` : Prisma.empty;
    const [count] = await c.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM ${t} t WHERE t."contentHash" IS NOT NULL ${clinic}`;
    const rows = await c.$queryRaw<{ clinicId: string; id: string; lineageId: string; version: number }[]>`
      SELECT t."clinicId", t.id, t."lineageId", t.version FROM ${t} t
      WHERE t."contentHash" IS NOT NULL ${clinic} AND t."contentHash" <> karte_record_content_hash(t)
      ORDER BY t."clinicId", t.id`;
    return { checked: Number(count?.n ?? 0), rows };
  },

  /**
   * 添付資料 (0085) whose stored bytes no longer have the SHA-256 recorded at upload (and named by the document versions
   * that attach them), hashed by the database (no bytes travel); and how many attachments were checked.
   */
  attachmentMismatches: async (c: Client, scope: { clinicId?: string }) => {
    const clinic = scope.clinicId ? Prisma.sql`WHERE "clinicId" = ${scope.clinicId}` : Prisma.empty;
    const [count] = await c.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "DocumentAttachment" ${clinic}`;
    const rows = await c.$queryRaw<{ clinicId: string; id: string; patientId: string }[]>`
      SELECT "clinicId", id, "patientId" FROM "DocumentAttachment" ${clinic}
      ${scope.clinicId ? Prisma.sql`AND` : Prisma.sql`WHERE`} encode(sha256(data), 'hex') <> "sha256"
      ORDER BY "clinicId", id`;
    return { checked: Number(count?.n ?? 0), rows };
  },

  /** Lineages that do not have exactly one latest version, or whose latest is not the highest version. */
  brokenLineages: (c: Client, table: VersionedTable, scope: { clinicId?: string }) => {
    const t = Prisma.raw(`"${table}"`);
    const clinic = scope.clinicId ? Prisma.sql`WHERE "clinicId" = ${scope.clinicId}` : Prisma.empty;
    return c.$queryRaw<{ clinicId: string; lineageId: string; latestCount: number; maxVersion: number; latestVersion: number | null }[]>`
      SELECT "clinicId", "lineageId", count(*) FILTER (WHERE "isLatest")::int AS "latestCount", max(version)::int AS "maxVersion",
             max(version) FILTER (WHERE "isLatest")::int AS "latestVersion"
      FROM ${t} ${clinic}
      GROUP BY "clinicId", "lineageId"
      HAVING count(*) FILTER (WHERE "isLatest") <> 1 OR max(version) FILTER (WHERE "isLatest") IS DISTINCT FROM max(version)
      ORDER BY "clinicId", "lineageId"`;
  },
};

export const HASHED_TABLES = ['Diagnosis', 'Allergy', 'LabResult'] as const;
export type HashedTable = (typeof HASHED_TABLES)[number];
export const VERSIONED_TABLES = ['ClinicalNote', 'Diagnosis', 'Allergy', 'LabResult', 'Prescription', 'ClinicalDocument', 'LabOrder', 'Admission'] as const;
export type VersionedTable = (typeof VERSIONED_TABLES)[number];
