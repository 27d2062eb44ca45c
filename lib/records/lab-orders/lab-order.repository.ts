import type { db, Prisma, Tx } from '@/lib/core/db';

type Client = Tx | ReturnType<typeof db>;
export type Scope = { clinicId: string };

/** 検査オーダー rows (docs/decisions/0070). Only the write path calls create and supersede (write-path.int.test.ts). */
export const labOrderRepository = {
  create: (tx: Tx, data: Prisma.LabOrderUncheckedCreateInput) => tx.labOrder.create({ data }),

  /** Marks the current version superseded; 0 when someone else did it first. Only isLatest/supersededAt change (trigger). */
  supersede: (tx: Tx, scope: Scope & { id: string }, at: Date) =>
    tx.labOrder.updateMany({ where: { clinicId: scope.clinicId, id: scope.id, isLatest: true }, data: { isLatest: false, supersededAt: at } }),

  findById: (c: Client, scope: Scope & { id: string }) => c.labOrder.findFirst({ where: { clinicId: scope.clinicId, id: scope.id } }),

  /** The current version of a patient's orders, newest first (cancelled ones included only when asked). */
  listLatestForPatient: (c: Client, scope: Scope & { patientId: string; take: number; includeCancelled?: boolean }) =>
    c.labOrder.findMany({
      where: { clinicId: scope.clinicId, patientId: scope.patientId, isLatest: true, ...(scope.includeCancelled ? {} : { status: { not: 'entered_in_error' } }) },
      orderBy: [{ orderedAt: 'desc' }, { createdAt: 'desc' }],
      take: scope.take,
    }),

  /** Orders still waiting for results (依頼済), oldest first: a result goes to the oldest order that asked for its item. */
  listOpenForPatient: (c: Client, scope: Scope & { patientId: string }) =>
    c.labOrder.findMany({
      where: { clinicId: scope.clinicId, patientId: scope.patientId, isLatest: true, status: 'ordered' },
      orderBy: [{ orderedAt: 'asc' }, { createdAt: 'asc' }],
    }),

  /** Every version of one order, newest first. */
  listVersions: (c: Client, scope: Scope & { lineageId: string }) =>
    c.labOrder.findMany({ where: { clinicId: scope.clinicId, lineageId: scope.lineageId }, orderBy: { version: 'desc' } }),
};
