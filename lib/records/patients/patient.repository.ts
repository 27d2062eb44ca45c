import { db, Prisma, type Tx } from '@/lib/core/db';

type Client = Tx | ReturnType<typeof db>;
export type Scope = { clinicId: string };

const withCurrentCoverage = {
  insurances: { where: { endedAt: null }, orderBy: { createdAt: 'desc' as const }, take: 1 },
  publicExpenses: { where: { endedAt: null }, orderBy: { createdAt: 'desc' as const }, take: 1 },
};

export type PatientSearchCriteria =
  | { kind: 'text'; key: string }
  | { kind: 'number'; digits: string }
  | { kind: 'birthDate'; date: Date }
  | { kind: 'recent' };

/** The smallest digit string greater than every string starting with `digits` ('0319' -> '032'); null for '999…'. */
function nextDigitPrefix(digits: string): string | null {
  const trimmed = digits.replace(/9+$/, '');
  if (!trimmed) return null;
  return trimmed.slice(0, -1) + String(Number(trimmed.slice(-1)) + 1);
}

export const patientRepository = {
  /** Next 患者番号 of the clinic; the row lock serialises concurrent registrations. */
  async allocatePatientNumber(tx: Tx, scope: Scope): Promise<number> {
    const rows = await tx.$queryRaw<{ n: number }[]>`
      UPDATE "Clinic" SET "nextPatientNumber" = "nextPatientNumber" + 1
      WHERE id = ${scope.clinicId} RETURNING "nextPatientNumber" - 1 AS n`;
    if (!rows[0]) throw new Error('clinic not found');
    return Number(rows[0].n);
  },

  create: (tx: Tx, data: Prisma.PatientUncheckedCreateInput) => tx.patient.create({ data }),

  findById: (c: Client, scope: Scope & { patientId: string }) =>
    c.patient.findFirst({
      where: { clinicId: scope.clinicId, id: scope.patientId, deletedAt: null },
      include: withCurrentCoverage,
    }),

  /** For result lists: the current insurance only (one query fewer than the full record). */
  findManyForList: (c: Client, scope: Scope, ids: string[]) =>
    c.patient.findMany({ where: { clinicId: scope.clinicId, id: { in: ids }, deletedAt: null }, include: { insurances: withCurrentCoverage.insurances } }),

  findManyByIds: (c: Client, scope: Scope, ids: string[]) =>
    c.patient.findMany({ where: { clinicId: scope.clinicId, id: { in: ids }, deletedAt: null }, include: withCurrentCoverage }),

  /** Optimistic concurrency: only updates when the version is the one the editor saw. */
  updateIfVersion: (tx: Tx, scope: Scope & { patientId: string; expectedVersion: number }, data: Prisma.PatientUncheckedUpdateManyInput) =>
    tx.patient.updateMany({
      where: { clinicId: scope.clinicId, id: scope.patientId, version: scope.expectedVersion, deletedAt: null },
      data: { ...data, version: { increment: 1 } },
    }),

  endCurrentInsurance: (tx: Tx, scope: Scope & { patientId: string }) =>
    tx.patientInsurance.updateMany({ where: { clinicId: scope.clinicId, patientId: scope.patientId, endedAt: null }, data: { endedAt: new Date() } }),
  addInsurance: (tx: Tx, data: Prisma.PatientInsuranceUncheckedCreateInput) => tx.patientInsurance.create({ data }),
  endCurrentPublicExpense: (tx: Tx, scope: Scope & { patientId: string }) =>
    tx.publicExpense.updateMany({ where: { clinicId: scope.clinicId, patientId: scope.patientId, endedAt: null }, data: { endedAt: new Date() } }),
  addPublicExpense: (tx: Tx, data: Prisma.PublicExpenseUncheckedCreateInput) => tx.publicExpense.create({ data }),

  addRevision: (tx: Tx, data: Prisma.PatientRevisionUncheckedCreateInput) => tx.patientRevision.create({ data }),

  /** What ties a patient to the clinic's records: anything here means the registration can no longer be withdrawn. */
  countLinkedRecords: async (tx: Tx, scope: Scope & { patientId: string }) => {
    const where = { clinicId: scope.clinicId, patientId: scope.patientId };
    const [notes, diagnoses, allergies, labResults, prescriptions, visits] = await Promise.all([
      tx.clinicalNote.count({ where }),
      tx.diagnosis.count({ where }),
      tx.allergy.count({ where }),
      tx.labResult.count({ where }),
      tx.prescription.count({ where }),
      tx.visit.count({ where: { ...where, status: { not: 'cancelled' } } }),
    ]);
    return { clinical: notes + diagnoses + allergies + labResults + prescriptions, visits };
  },

  /** Soft delete, guarded by the version the user saw. */
  markDeletedIfVersion: (tx: Tx, scope: Scope & { patientId: string; expectedVersion: number }, deletedById: string) =>
    tx.patient.updateMany({
      where: { clinicId: scope.clinicId, id: scope.patientId, version: scope.expectedVersion, deletedAt: null },
      data: { deletedAt: new Date(), deletedById, version: { increment: 1 } },
    }),
  listRevisions: (c: Client, scope: Scope & { patientId: string }) =>
    c.patientRevision.findMany({ where: { clinicId: scope.clinicId, patientId: scope.patientId }, orderBy: { version: 'desc' } }),

  /**
   * Likely the same person: the same birth date and either the same kana name, the same kanji name or the same phone
   * number (registration warns before a second chart is opened for one patient). One clinic, served by the birth date.
   */
  findLikelyDuplicates: (c: Client, scope: Scope, key: { birthDate: Date; kanaSearch: string; nameSearch: string; phoneDigits: string | null }) =>
    c.patient.findMany({
      where: {
        clinicId: scope.clinicId,
        deletedAt: null,
        birthDate: key.birthDate,
        OR: [{ kanaSearch: key.kanaSearch }, { nameSearch: key.nameSearch }, ...(key.phoneDigits ? [{ phoneDigits: key.phoneDigits }] : [])],
      },
      include: { insurances: withCurrentCoverage.insurances },
      orderBy: { patientNumber: 'asc' },
      take: 10,
    }),

  /**
   * Ids in display order: prefix matches first, then (3+ characters, or 2 kanji) contains matches, each by kana and
   * 患者番号. Two statements instead of one OR: the prefix one is served by the trigram indexes (a prefix gives
   * trigrams even for 1–2 characters) and the contains scan runs only when prefixes do not fill the page.
   */
  async searchIds(c: Client, scope: Scope, criteria: PatientSearchCriteria, pageSize: number, offset = 0): Promise<string[]> {
    // a later page: the same ordered statements over offset + page, then the page (ids only; a clinic's list is short)
    const limit = offset + pageSize;
    let rows: { id: string }[];
    if (criteria.kind === 'text') {
      const prefix = `${criteria.key.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      const contains = `%${prefix}`;
      // trigrams need 3 characters; a 2-character kanji fragment (谷川 in 長谷川) is still worth a scan of one clinic
      const length = [...criteria.key].length;
      const useContains = length >= 3 || (length === 2 && /\p{Script=Han}/u.test(criteria.key));
      rows = await c.$queryRaw<{ id: string }[]>`
        SELECT id FROM "Patient"
        WHERE "clinicId" = ${scope.clinicId} AND "deletedAt" IS NULL
          AND ("kanaSearch" LIKE ${prefix} OR "nameSearch" LIKE ${prefix})
        ORDER BY "kanaSearch", "patientNumber"
        LIMIT ${limit}`;
      if (useContains && rows.length < limit) {
        const more = await c.$queryRaw<{ id: string }[]>`
          SELECT id FROM "Patient"
          WHERE "clinicId" = ${scope.clinicId} AND "deletedAt" IS NULL
            AND ("kanaSearch" LIKE ${contains} OR "nameSearch" LIKE ${contains})
            AND NOT ("kanaSearch" LIKE ${prefix} OR "nameSearch" LIKE ${prefix})
          ORDER BY "kanaSearch", "patientNumber"
          LIMIT ${limit - rows.length}`;
        rows = [...rows, ...more];
      }
    } else if (criteria.kind === 'number') {
      const n = criteria.digits.length <= 9 ? Number(criteria.digits) : -1;
      const exact = await c.$queryRaw<{ id: string }[]>`
        SELECT id FROM "Patient" WHERE "clinicId" = ${scope.clinicId} AND "deletedAt" IS NULL AND "patientNumber" = ${n}`;
      let phone: { id: string }[] = [];
      if (criteria.digits.length >= 4) {
        // a range the ("clinicId", "phoneDigits") btree serves in any collation (LIKE 'x%' needs the C collation)
        const upper = nextDigitPrefix(criteria.digits);
        phone = await c.$queryRaw<{ id: string }[]>`
          SELECT id FROM "Patient"
          WHERE "clinicId" = ${scope.clinicId} AND "deletedAt" IS NULL
            AND "phoneDigits" >= ${criteria.digits} ${upper ? Prisma.sql`AND "phoneDigits" < ${upper}` : Prisma.empty}
            AND "phoneDigits" LIKE ${`${criteria.digits}%`} AND "patientNumber" <> ${n}
          ORDER BY "patientNumber"
          LIMIT ${limit}`;
      }
      rows = [...exact, ...phone].slice(0, limit);
    } else if (criteria.kind === 'birthDate') {
      rows = await c.$queryRaw<{ id: string }[]>`
        SELECT id FROM "Patient"
        WHERE "clinicId" = ${scope.clinicId} AND "deletedAt" IS NULL AND "birthDate" = ${criteria.date}::date
        ORDER BY "kanaSearch" LIMIT ${limit}`;
    } else {
      rows = await c.$queryRaw<{ id: string }[]>`
        SELECT id FROM "Patient" WHERE "clinicId" = ${scope.clinicId} AND "deletedAt" IS NULL
        ORDER BY "updatedAt" DESC LIMIT ${limit}`;
    }
    return rows.slice(offset).map((r) => r.id);
  },
};
