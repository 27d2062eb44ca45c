import { db, type Prisma, type Tx } from '@/lib/core/db';

type Client = Tx | ReturnType<typeof db>;
export type Scope = { clinicId: string };

/** Rows clinical screens show: the current version of results not entered in error. */
const current = { isLatest: true, status: 'final' as const };

export const labResultRepository = {
  create: (tx: Tx, data: Prisma.LabResultUncheckedCreateInput) => tx.labResult.create({ data }),
  createMany: (tx: Tx, data: Prisma.LabResultCreateManyInput[]) => tx.labResult.createMany({ data }),

  findById: (c: Client, scope: Scope & { id: string }) => c.labResult.findFirst({ where: { clinicId: scope.clinicId, id: scope.id } }),

  /** Every version of one result, newest first. */
  listVersions: (c: Client, scope: Scope & { lineageId: string }) =>
    c.labResult.findMany({ where: { clinicId: scope.clinicId, lineageId: scope.lineageId }, orderBy: { version: 'desc' } }),

  /** Marks the current version superseded; 0 when someone else did it first. Only isLatest/supersededAt change (trigger). */
  supersede: (tx: Tx, scope: Scope & { id: string }, at: Date) =>
    tx.labResult.updateMany({ where: { clinicId: scope.clinicId, id: scope.id, isLatest: true }, data: { isLatest: false, supersededAt: at } }),

  /**
   * The latest result per item (by collection time, then entry time) of one patient. DISTINCT ON in PostgreSQL picks
   * one id per item (Prisma's `distinct` would load every result of the patient and dedupe in JS); then the rows.
   * Index: LabResult(clinicId, patientId, isLatest, itemKey, collectedAt).
   */
  latestPerItem: async (c: Client, scope: Scope & { patientId: string }) => {
    const ids = await c.$queryRaw<{ id: string }[]>`
      SELECT DISTINCT ON ("itemKey") id FROM "LabResult"
      WHERE "clinicId" = ${scope.clinicId} AND "patientId" = ${scope.patientId} AND "isLatest" = true AND status = 'final'
      ORDER BY "itemKey" DESC, "collectedAt" DESC, "createdAt" DESC`;
    if (!ids.length) return [];
    return c.labResult.findMany({ where: { clinicId: scope.clinicId, id: { in: ids.map((r) => r.id) }, ...current }, orderBy: [{ itemKey: 'asc' }] });
  },

  /** Current results of the given items (all items when undefined), oldest first. */
  listForItems: (c: Client, scope: Scope & { patientId: string; itemKeys?: string[]; since?: Date }) =>
    c.labResult.findMany({
      where: {
        clinicId: scope.clinicId,
        patientId: scope.patientId,
        ...current,
        ...(scope.itemKeys ? { itemKey: { in: scope.itemKeys } } : {}),
        ...(scope.since ? { collectedAt: { gte: scope.since } } : {}),
      },
      orderBy: [{ collectedAt: 'asc' }, { createdAt: 'asc' }],
    }),

  /** Distinct collection instants of a patient's current results, newest first. */
  collectionTimes: async (c: Client, scope: Scope & { patientId: string; itemKeys?: string[] }) =>
    (
      await c.labResult.findMany({
        where: { clinicId: scope.clinicId, patientId: scope.patientId, ...current, ...(scope.itemKeys ? { itemKey: { in: scope.itemKeys } } : {}) },
        select: { collectedAt: true },
        distinct: ['collectedAt'],
        orderBy: { collectedAt: 'desc' },
        take: 500,
      })
    ).map((r) => r.collectedAt),

  /** Current results that an import would duplicate (same patient, item and collection time). */
  existingKeys: async (c: Client, scope: Scope & { patientIds: string[]; collectedAts: Date[] }) =>
    scope.patientIds.length === 0
      ? []
      : c.labResult.findMany({
          where: { clinicId: scope.clinicId, patientId: { in: scope.patientIds }, collectedAt: { in: scope.collectedAts }, ...current },
          select: { patientId: true, itemKey: true, collectedAt: true },
        }),

  /** Patients of the clinic by 患者番号 (a lab CSV names them so). Never looks outside the clinic. */
  patientsByNumber: (c: Client, scope: Scope & { numbers: number[] }) =>
    scope.numbers.length === 0
      ? Promise.resolve([])
      : c.patient.findMany({
          where: { clinicId: scope.clinicId, patientNumber: { in: scope.numbers }, deletedAt: null },
          select: { id: true, patientNumber: true, familyName: true, givenName: true, sex: true, birthDate: true },
        }),
};
