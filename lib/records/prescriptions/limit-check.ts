/**
 * Server side of the 投与日数 limits (docs/decisions/0044, 0045): what the rules of duration-limits.ts need from the
 * database — the drug master rows, whether an ingredient was listed before, the clinic's maxima and the 用法's 1日回数 —
 * read on the caller's client (the transaction at save and 確定).
 */
import { getDrugsByCodes, type DrugSearchHit } from '@/lib/masters/master-search.repository';
import { checkItemLimits, ingredientPrefix, legalDurationLimit, type DrugLimitInfo, type LimitFinding, type LimitItem } from './duration-limits';
import { drugLimitsRepository } from './drug-limits.repository';

/** The caller's client: the transaction at save and 確定, db() at add time. */
type Client = Parameters<typeof drugLimitsRepository.findForCodes>[0];

/** The legal limit and the clinic's maximum of each drug, by 医薬品コード, on `asOf` (YYYY-MM-DD). */
export async function loadDrugLimitInfos(c: Client, clinicId: string, drugs: DrugSearchHit[], asOf: string): Promise<Map<string, DrugLimitInfo>> {
  const prefixes = [...new Set(drugs.filter((d) => d.listedOn).map((d) => ingredientPrefix(d.yjCode)).filter((p): p is string => !!p))];
  // one after the other: on a transaction's connection queries run in turn anyway
  const listings = await drugLimitsRepository.listingsByIngredient(c, prefixes);
  const maxima = await drugLimitsRepository.findForCodes(c, clinicId, drugs.map((d) => d.code));
  const byPrefix = new Map(listings.map((l) => [l.prefix, l]));
  const byCode = new Map(maxima.map((m) => [m.receiptCode, m]));
  return new Map(
    drugs.map((d) => {
      const listing = byPrefix.get(ingredientPrefix(d.yjCode) ?? '');
      // another product of the ingredient is older: undated (listed long ago) or listed earlier than this one
      const hasOlderListing = !!listing && (listing.hasUndated || (!!listing.firstListedOn && !!d.listedOn && listing.firstListedOn < d.listedOn));
      const m = byCode.get(d.code);
      const info: DrugLimitInfo = {
        legal: legalDurationLimit(d, asOf, hasOlderListing),
        clinic: m ? { maxPerDay: m.maxPerDay === null ? null : Number(m.maxPerDay), maxPerPrescription: m.maxPerPrescription === null ? null : Number(m.maxPerPrescription), unit: m.unit } : null,
      };
      return [d.code, info];
    }),
  );
}

export type LimitCheckedItem = Omit<LimitItem, 'timesPerDay' | 'dose'> & { dose: unknown; drugName: string; receiptCode: string | null; usageCode: string | null };

/** Every limit finding of a prescription's items (free-text items without a master code have none). */
export async function checkPrescriptionLimits(c: Client, clinicId: string, items: LimitCheckedItem[], asOf: string): Promise<LimitFinding[]> {
  const codes = [...new Set(items.map((i) => i.receiptCode).filter((x): x is string => !!x))];
  if (codes.length === 0) return [];
  const drugs = await getDrugsByCodes(codes, c);
  const timesPerDay = await drugLimitsRepository.usageTimesPerDay(c, [...new Set(items.map((i) => i.usageCode).filter((x): x is string => !!x))]);
  const infos = await loadDrugLimitInfos(c, clinicId, drugs, asOf);
  return items.flatMap((item, index) => {
    const info = item.receiptCode ? infos.get(item.receiptCode) : undefined;
    if (!info) return [];
    return checkItemLimits(index, item.drugName, { ...item, dose: Number(item.dose), timesPerDay: item.usageCode ? timesPerDay.get(item.usageCode) ?? null : null }, info);
  });
}
