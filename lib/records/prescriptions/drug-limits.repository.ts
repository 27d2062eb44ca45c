/** Prisma access for the 投与日数 limits: the master's listings by ingredient, and the clinic's per-drug maxima. */
import { db, Prisma, type Tx } from '@/lib/core/db';

type Client = Tx | ReturnType<typeof db>;

export type IngredientListing = { prefix: string; hasUndated: boolean; firstListedOn: string | null };

export type ClinicDrugLimitData = {
  receiptCode: string; drugName: string; unit: string; maxPerDay: number | null; maxPerPrescription: number | null; note: string | null;
};

export const drugLimitsRepository = {
  /**
   * Per 薬効分類 + 成分 prefix (first 7 of the YJ code): whether the master holds a product of it without a 収載日
   * (listed long ago: the master fills the date only for recent listings) and its earliest 収載日. A global master read.
   */
  async listingsByIngredient(c: Pick<Client, '$queryRaw'>, prefixes: string[]): Promise<IngredientListing[]> {
    if (prefixes.length === 0) return [];
    return c.$queryRaw<IngredientListing[]>`
      SELECT LEFT("yjCode", 7) AS prefix, bool_or("listedOn" IS NULL) AS "hasUndated", MIN("listedOn")::text AS "firstListedOn"
      FROM "DrugMaster"
      WHERE "yjCode" IS NOT NULL AND LEFT("yjCode", 7) IN (${Prisma.join(prefixes)})
      GROUP BY 1`;
  },

  /** 1日回数 of the chosen 用法 codes (JAMI), for 1回量 × 回数 = 1日量. */
  async usageTimesPerDay(c: Pick<Client, '$queryRaw'>, codes: string[]): Promise<Map<string, number | null>> {
    if (codes.length === 0) return new Map();
    const rows = await c.$queryRaw<{ code: string; timesPerDay: number | null }[]>`
      SELECT "code", "timesPerDay" FROM "UsageMaster" WHERE "code" IN (${Prisma.join(codes)})`;
    return new Map(rows.map((r) => [r.code, r.timesPerDay]));
  },

  /** The clinic's maxima for these drugs (unique per clinic and 医薬品コード). */
  findForCodes: (c: Client, clinicId: string, receiptCodes: string[]) =>
    receiptCodes.length ? c.clinicDrugLimit.findMany({ where: { clinicId, receiptCode: { in: receiptCodes } } }) : Promise.resolve([]),

  listForClinic: (c: Client, clinicId: string) => c.clinicDrugLimit.findMany({ where: { clinicId }, orderBy: [{ drugName: 'asc' }] }),

  findByCode: (c: Client, clinicId: string, receiptCode: string) =>
    c.clinicDrugLimit.findUnique({ where: { clinicId_receiptCode: { clinicId, receiptCode } } }),

  upsert: (c: Client, clinicId: string, data: ClinicDrugLimitData, userId: string) =>
    c.clinicDrugLimit.upsert({
      where: { clinicId_receiptCode: { clinicId, receiptCode: data.receiptCode } },
      create: { clinicId, ...data, updatedById: userId },
      update: { drugName: data.drugName, unit: data.unit, maxPerDay: data.maxPerDay, maxPerPrescription: data.maxPerPrescription, note: data.note, updatedById: userId },
    }),

  remove: (c: Client, clinicId: string, receiptCode: string) => c.clinicDrugLimit.deleteMany({ where: { clinicId, receiptCode } }),
};
