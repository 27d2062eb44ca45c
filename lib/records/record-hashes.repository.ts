/**
 * Pages of 確定 rows that carry a content hash, in (clinicId, id) order, for the 真正性 sweep (verify-record-hashes.ts).
 * The one cross-clinic read of clinical rows: an operator's maintenance job (`npm run records:verify`), optionally
 * narrowed to one clinic; nothing it reads is shown to a user.
 */
import { db, type Tx } from '@/lib/core/db';

type Client = Tx | ReturnType<typeof db>;

const finalHashed = (clinicId?: string) => ({ status: 'final' as const, contentHash: { not: null }, ...(clinicId ? { clinicId } : {}) });
const page = (skip: number, take: number) => ({ orderBy: [{ clinicId: 'asc' as const }, { id: 'asc' as const }], skip, take });

export const recordHashesRepository = {
  finalNotes: (c: Client, scope: { clinicId?: string }, skip: number, take: number) =>
    c.clinicalNote.findMany({ where: finalHashed(scope.clinicId), ...page(skip, take) }),

  finalPrescriptions: (c: Client, scope: { clinicId?: string }, skip: number, take: number) =>
    c.prescription.findMany({ where: finalHashed(scope.clinicId), include: { items: true }, ...page(skip, take) }),
};
