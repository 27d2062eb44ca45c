import { db } from '@/lib/core/db';

export type LastUseRow = {
  kind: string; dose: string; doseUnit: string; doseBasis: string; usageCode: string | null; usageText: string;
  days: number | null; times: number | null;
};

export const drugCheckRepository = {
  /**
   * How this clinic last prescribed the drug (a 確定 or pending prescription, newest first): the starting point of a
   * new item instead of an invented dose. Router query (one clinic).
   */
  async lastUse(scope: { clinicId: string }, receiptCode: string): Promise<LastUseRow | null> {
    const rows = await db().$queryRaw<LastUseRow[]>`
      SELECT i.kind, i.dose::text AS dose, i."doseUnit", i."doseBasis", i."usageCode", i."usageText", i.days, i.times
      FROM "PrescriptionItem" i
      JOIN "Prescription" p ON p."clinicId" = i."clinicId" AND p.id = i."prescriptionId"
      WHERE i."clinicId" = ${scope.clinicId} AND p."clinicId" = ${scope.clinicId} AND i."receiptCode" = ${receiptCode}
        AND p.status IN ('final', 'pending_approval')
      ORDER BY p."createdAt" DESC
      LIMIT 1`;
    return rows[0] ?? null;
  },
};
