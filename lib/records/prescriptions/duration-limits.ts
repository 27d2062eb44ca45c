/**
 * 投与日数 limits (issue 9 item 4, docs/decisions/0044 and 0045): the legal limits of the 療担規則 for 麻薬, 向精神薬 and
 * 新医薬品, from the drug master's 麻毒区分 and 薬価基準収載年月日 plus the 告示's list of 30/90日 substances
 * (legal-duration-limits.constants.ts), and the maxima a clinic sets per drug. Pure functions: the editor runs the
 * item check as the doctor types, the service runs it again on save, 確定 and 承認. No clinical threshold is invented.
 */
import { ingredientLabel } from '@/lib/records/allergies/ingredient-label';
import { GENERAL_LIMIT_DAYS, LISTED_DURATION_LIMITS, NARCOTIC_CLASS, type LimitRoute } from './legal-duration-limits.constants';

export type LegalLimitRule = 'narcotic' | 'psychotropic' | 'stimulant_precursor' | 'new_drug';

/** The legal limit that applies to one drug: the number of days and the rule, named for the doctor. */
export type LegalDurationLimit = { days: number; rule: LegalLimitRule; label: string };

/** The clinic's maximum for one drug, in `unit` (ClinicDrugLimit). */
export type ClinicMaximum = { maxPerDay: number | null; maxPerPrescription: number | null; unit: string };

/** What the checks need to know about one drug; sent to the editor when the drug is added. */
export type DrugLimitInfo = { legal: LegalDurationLimit | null; clinic: ClinicMaximum | null };

export type LimitFinding = {
  itemIndex: number;
  drugName: string;
  /** exceeds: over a limit (a reason is needed to 確定); unchecked: a limit applies but this item cannot be compared */
  kind: 'exceeds' | 'unchecked';
  source: 'legal' | 'clinic';
  message: string;
};

/** The drug master fields the legal rules read (DrugSearchHit). */
export type LimitDrug = {
  name: string;
  genericName: string | null;
  yjCode: string | null;
  dosageForm: string | null;
  narcoticClass: string | null;
  isGeneric: boolean | null;
  /** 薬価基準収載年月日 YYYY-MM-DD, or null (the master leaves older listings at 0) */
  listedOn: string | null;
};

const ROUTES: Record<string, LimitRoute> = { '1': 'internal', '6': 'external', '4': 'injection' };
const ROUTE_LABELS: Record<LimitRoute, string> = { internal: '内服薬', external: '外用薬', injection: '注射薬' };

const nameKey = (s: string) => s.normalize('NFKC').replace(/[\s・]/g, '').replace(/水和物$/, '');

/** The 7-character 薬効分類 + 投与経路及び成分 prefix of a 薬価基準収載医薬品コード. */
export const ingredientPrefix = (yjCode: string | null | undefined) => (yjCode && yjCode.length >= 7 ? yjCode.slice(0, 7).toUpperCase() : null);

/** The last day (YYYY-MM-DD) a 新医薬品 listed on `listedOn` stays under the 14日 limit: one year from the 1st of the next month. */
export function newDrugLimitEnds(listedOn: string): string {
  const [y, m] = listedOn.split('-').map(Number) as [number, number];
  // the 1st of (month + 1) plus one year, minus one day = the last day of month + 12
  const end = new Date(Date.UTC(y + 1, m, 0));
  return end.toISOString().slice(0, 10);
}

function listedLimit(drug: LimitDrug): { days: number; substance: string; route: LimitRoute } | null {
  const route = ROUTES[drug.dosageForm ?? ''];
  if (!route) return null;
  const prefix = ingredientPrefix(drug.yjCode);
  const ingredient = nameKey(ingredientLabel(drug));
  const hit =
    LISTED_DURATION_LIMITS.find((l) => l.route === route && !!prefix && l.yjPrefixes.includes(prefix)) ??
    LISTED_DURATION_LIMITS.find((l) => l.route === route && nameKey(l.substance) === ingredient);
  return hit ? { days: hit.days, substance: hit.substance, route } : null;
}

/**
 * The legal 投与日数 limit of a drug on `asOf` (YYYY-MM-DD), or null. `hasOlderListing`: another product of the same
 * 薬効分類 + 成分 (first 7 of the YJ code) was listed before this one (or so long ago that the master shows no date):
 * then a recent 収載 is a new strength or form of a known ingredient, not a new ingredient, and the 新医薬品 rule is not
 * applied (see docs/decisions/0044 for what this can and cannot tell).
 */
export function legalDurationLimit(drug: LimitDrug, asOf: string, hasOlderListing: boolean): LegalDurationLimit | null {
  const found: LegalDurationLimit[] = [];
  const cls = drug.narcoticClass;
  if (cls === NARCOTIC_CLASS.narcotic || cls === NARCOTIC_CLASS.psychotropic || cls === NARCOTIC_CLASS.stimulantPrecursor) {
    const what = cls === NARCOTIC_CLASS.narcotic ? '麻薬' : cls === NARCOTIC_CLASS.psychotropic ? '向精神薬' : '覚醒剤原料';
    const rule: LegalLimitRule = cls === NARCOTIC_CLASS.narcotic ? 'narcotic' : cls === NARCOTIC_CLASS.psychotropic ? 'psychotropic' : 'stimulant_precursor';
    const listed = listedLimit(drug);
    if (listed) found.push({ days: listed.days, rule, label: `${what}（${listed.substance}を含有する${ROUTE_LABELS[listed.route]}）は${listed.days}日分が上限です` });
    // 覚醒剤原料 have no general limit: only the ones the 告示 lists
    else if (rule !== 'stimulant_precursor') found.push({ days: GENERAL_LIMIT_DAYS, rule, label: `${what}は${GENERAL_LIMIT_DAYS}日分が上限です` });
  }
  if (drug.listedOn && drug.isGeneric !== true && !hasOlderListing && asOf <= newDrugLimitEnds(drug.listedOn)) {
    found.push({
      days: GENERAL_LIMIT_DAYS,
      rule: 'new_drug',
      label: `新医薬品（薬価収載後1年以内：${drug.listedOn.replaceAll('-', '/')} 収載、${newDrugLimitEnds(drug.listedOn).replaceAll('-', '/')} まで）は${GENERAL_LIMIT_DAYS}日分が上限です`,
    });
  }
  return found.sort((a, b) => a.days - b.days)[0] ?? null;
}

/** The item fields the checks read (the editor's item or a saved one). `timesPerDay`: from the chosen 用法, if known. */
export type LimitItem = {
  kind: string;
  dose: number;
  doseBasis: string;
  doseUnit: string;
  days?: number | null;
  times?: number | null;
  timesPerDay?: number | null;
};

/** 1日量 in the item's unit, when the item says it (1日量, or 1回量 × the 用法's 1日回数); null for 頓服 and 全量. */
export function amountPerDay(item: LimitItem): number | null {
  if (item.kind === 'as_needed' || item.doseBasis === 'total') return null;
  if (item.doseBasis === 'per_day') return item.dose;
  return item.timesPerDay ? item.dose * item.timesPerDay : null;
}

/** The whole amount the prescription gives, in the item's unit, when it can be computed. */
export function amountPerPrescription(item: LimitItem): number | null {
  if (item.doseBasis === 'total') return item.dose;
  if (item.kind === 'as_needed' || (item.doseBasis === 'per_time' && item.times && !item.days)) return item.times ? item.dose * item.times : null;
  const perDay = amountPerDay(item);
  return perDay !== null && item.days ? perDay * item.days : null;
}

const sameUnit = (a: string, b: string) => a.normalize('NFKC').trim().toLowerCase() === b.normalize('NFKC').trim().toLowerCase();
const num = (n: number) => String(Math.round(n * 1000) / 1000);

/** Every finding for one item. The days compared with a legal limit are the item's 日数 (内服・外用 with 日数). */
export function checkItemLimits(itemIndex: number, drugName: string, item: LimitItem, info: DrugLimitInfo): LimitFinding[] {
  const out: LimitFinding[] = [];
  const push = (kind: LimitFinding['kind'], source: LimitFinding['source'], message: string) => out.push({ itemIndex, drugName, kind, source, message });
  if (info.legal) {
    if (item.kind !== 'as_needed' && item.days) {
      if (item.days > info.legal.days) push('exceeds', 'legal', `${info.legal.label}（${item.days}日分）。`);
    } else if (item.kind !== 'internal') {
      // 内服 always has 日数 (the schema asks for it); 頓服 counts 回数 and 外用 may be a 全量
      push('unchecked', 'legal', `${info.legal.label}。${item.kind === 'as_needed' ? '頓服の回数' : '日数のない全量'}は日数と比べられないため、上限を超えないことを確認してください。`);
    }
  }
  const clinic = info.clinic;
  if (clinic) {
    if (!sameUnit(clinic.unit, item.doseUnit)) {
      push('unchecked', 'clinic', `院内で設定された上限は${clinic.unit}単位のため、${item.doseUnit}で入力された量とは比べられません。`);
    } else {
      const perDay = amountPerDay(item);
      const total = amountPerPrescription(item);
      if (clinic.maxPerDay !== null) {
        if (perDay === null) push('unchecked', 'clinic', `院内の上限（1日${num(clinic.maxPerDay)}${clinic.unit}）がありますが、この入力では1日量がわかりません。`);
        else if (perDay > clinic.maxPerDay) push('exceeds', 'clinic', `院内で設定された上限（1日${num(clinic.maxPerDay)}${clinic.unit}）を超えています（1日${num(perDay)}${item.doseUnit}）。`);
      }
      if (clinic.maxPerPrescription !== null) {
        if (total === null) push('unchecked', 'clinic', `院内の上限（1処方${num(clinic.maxPerPrescription)}${clinic.unit}）がありますが、この入力では総量がわかりません。`);
        else if (total > clinic.maxPerPrescription) push('exceeds', 'clinic', `院内で設定された上限（1処方${num(clinic.maxPerPrescription)}${clinic.unit}）を超えています（総量${num(total)}${item.doseUnit}）。`);
      }
    }
  }
  return out;
}
