import { db, type Tx } from '@/lib/core/db';
import type { Prisma } from '@/lib/generated/prisma/client';

type Client = Tx | ReturnType<typeof db>;

/** The clinic's directory of 紹介先医療機関 (ReferralInstitution). Every query is scoped by clinic. */
export const referralInstitutionRepository = {
  findById: (c: Client, clinicId: string, id: string) => c.referralInstitution.findUnique({ where: { clinicId_id: { clinicId, id } } }),

  findByCode: (c: Client, clinicId: string, code: string) => c.referralInstitution.findUnique({ where: { clinicId_code: { clinicId, code } } }),

  /** Search as you type: code prefix, name or reading containing the text; recently used first, then by name. */
  search: (c: Client, clinicId: string, query: string, limit: number) =>
    c.referralInstitution.findMany({
      where: {
        clinicId,
        ...(query
          ? { OR: [{ code: { startsWith: query } }, { name: { contains: query, mode: 'insensitive' } }, { nameKana: { contains: query, mode: 'insensitive' } }] }
          : {}),
      },
      orderBy: [{ lastUsedAt: { sort: 'desc', nulls: 'last' } }, { name: 'asc' }],
      take: limit,
    }),

  create: (tx: Tx, data: Prisma.ReferralInstitutionUncheckedCreateInput) => tx.referralInstitution.create({ data }),

  update: (tx: Tx, clinicId: string, id: string, data: Prisma.ReferralInstitutionUncheckedUpdateManyInput) =>
    tx.referralInstitution.updateMany({ where: { clinicId, id }, data }),

  touch: (tx: Tx, clinicId: string, id: string, at: Date) => tx.referralInstitution.updateMany({ where: { clinicId, id }, data: { lastUsedAt: at } }),
};
