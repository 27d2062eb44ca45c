/** Prisma access for 定型文: every query is scoped by the clinic. */
import { db, type Tx } from '@/lib/core/db';

type Client = Tx | ReturnType<typeof db>;

export const phraseRepository = {
  /** The clinic-wide phrases and the user's own. */
  listForUser: (c: Client, scope: { clinicId: string; userId: string }) =>
    c.notePhrase.findMany({
      where: { clinicId: scope.clinicId, OR: [{ ownerId: null }, { ownerId: scope.userId }] },
      orderBy: [{ abbreviation: 'asc' }, { ownerId: 'asc' }],
    }),

  findById: (c: Client, scope: { clinicId: string; id: string }) => c.notePhrase.findUnique({ where: { clinicId_id: { clinicId: scope.clinicId, id: scope.id } } }),

  /** The phrase with this abbreviation of this owner (null: clinic-wide), if any. */
  findByAbbreviation: (c: Client, scope: { clinicId: string; ownerId: string | null; abbreviation: string }) =>
    c.notePhrase.findFirst({ where: { clinicId: scope.clinicId, ownerId: scope.ownerId, abbreviation: scope.abbreviation } }),

  create: (c: Client, clinicId: string, data: { ownerId: string | null; abbreviation: string; text: string; updatedById: string }) =>
    c.notePhrase.create({ data: { clinicId, ...data } }),

  update: (c: Client, scope: { clinicId: string; id: string }, data: { abbreviation: string; text: string; updatedById: string }) =>
    c.notePhrase.update({ where: { clinicId_id: { clinicId: scope.clinicId, id: scope.id } }, data }),

  remove: (c: Client, scope: { clinicId: string; id: string }) => c.notePhrase.delete({ where: { clinicId_id: { clinicId: scope.clinicId, id: scope.id } } }),
};
