/** Prisma access for セット: every query is scoped by the clinic. */
import { db, Prisma, type Tx } from '@/lib/core/db';

type Client = Tx | ReturnType<typeof db>;
type Scope = { clinicId: string };

export type OrderSetRow = Prisma.OrderSetGetPayload<object>;

export const orderSetRepository = {
  /** The latest versions of the clinic-wide sets and the user's own that were not deleted. */
  listForUser: (c: Client, scope: Scope & { userId: string }) =>
    c.orderSet.findMany({
      where: { clinicId: scope.clinicId, isLatest: true, status: 'active', OR: [{ ownerId: null }, { ownerId: scope.userId }] },
      orderBy: [{ name: 'asc' }, { createdAt: 'asc' }],
    }),

  findById: (c: Client, scope: Scope & { id: string }) => c.orderSet.findUnique({ where: { clinicId_id: { clinicId: scope.clinicId, id: scope.id } } }),

  /** An active set with this name of this owner (null: clinic-wide), if any. */
  findActiveByName: (c: Client, scope: Scope & { ownerId: string | null; name: string }) =>
    c.orderSet.findFirst({ where: { clinicId: scope.clinicId, ownerId: scope.ownerId, name: scope.name, isLatest: true, status: 'active' } }),

  listVersions: (c: Client, scope: Scope & { lineageId: string }) =>
    c.orderSet.findMany({ where: { clinicId: scope.clinicId, lineageId: scope.lineageId }, orderBy: { version: 'desc' } }),

  create: (tx: Tx, data: Prisma.OrderSetUncheckedCreateInput) => tx.orderSet.create({ data }),

  /** The current version gives way to the next; 0 rows = someone else got there first (a concurrent edit). */
  supersede: (tx: Tx, scope: Scope & { id: string }) =>
    tx.orderSet.updateMany({ where: { clinicId: scope.clinicId, id: scope.id, isLatest: true }, data: { isLatest: false } }),
};
