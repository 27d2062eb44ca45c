/**
 * リフィル処方箋 (docs/decisions/0063): which drugs may not be on one. The 療担規則 (第20条, as amended in 令和4年 when
 * リフィル処方箋 began) excludes 「投薬量に限度が定められている医薬品及び湿布薬」:
 *
 *  - 投薬量に限度が定められている医薬品 = the drugs with a legal 投与日数 limit: 麻薬, 向精神薬, the listed 覚醒剤原料 and
 *    新医薬品 within a year of their 薬価基準収載. These are exactly what legalDurationLimit() finds (duration-limits.ts,
 *    docs/decisions/0044), from the drug master's 麻毒区分 and 薬価基準収載年月日; its limits (a 新医薬品 is recognised by
 *    its 収載日 and no older product of the same ingredient) are the limits of this check.
 *  - 湿布薬 = 貼付剤 of the 薬効分類 「鎮痛，鎮痒，収斂，消炎剤」 except those used only for skin diseases (留意事項). The
 *    drug master has no 湿布薬 flag: a drug is taken as one when its YJ code's 薬効分類 is 264x but not 2646 (副腎皮質
 *    ホルモン外用, skin) and its 剤形 character (8th) is S (貼付剤: テープ・パップ). A free-text drug (no master code) cannot be
 *    checked, so a refill prescription refuses it too.
 *
 * Refills are for 院外処方箋 only.
 */
import { getDrugsByCodes, type DrugSearchHit } from '@/lib/masters/master-search.repository';
import type { LegalDurationLimit } from './duration-limits';
import { loadDrugLimitInfos } from './limit-check';

type Client = Parameters<typeof loadDrugLimitInfos>[0];

/** 湿布薬 by the YJ code: 薬効分類 264 (not 2646) and 剤形 S (貼付剤). */
export function isPoultice(drug: Pick<DrugSearchHit, 'yjCode' | 'dosageForm'>): boolean {
  const yj = drug.yjCode?.toUpperCase() ?? '';
  if (yj.length < 8 || drug.dosageForm === '1' || drug.dosageForm === '4') return false;
  return yj.startsWith('264') && !yj.startsWith('2646') && yj[7] === 'S';
}

/** Why one drug may not be on a リフィル処方箋, in Japanese; null when it may. */
export function refillRefusal(drug: Pick<DrugSearchHit, 'yjCode' | 'dosageForm'>, legal: LegalDurationLimit | null): string | null {
  if (legal) {
    const what = legal.rule === 'narcotic' ? '麻薬' : legal.rule === 'psychotropic' ? '向精神薬' : legal.rule === 'stimulant_precursor' ? '覚醒剤原料' : '新医薬品（薬価収載後1年以内）';
    return `${what}は投薬量に限度がある医薬品のため、リフィル処方箋にできません。`;
  }
  if (isPoultice(drug)) return '湿布薬はリフィル処方箋にできません。';
  return null;
}

export type RefillItem = { receiptCode: string | null; drugName: string };

/** Every item that may not be on a リフィル処方箋, as field errors (`items.<i>.refill`) and one message. */
export async function checkRefill(c: Client, clinicId: string, input: { outOfHouse: boolean; items: RefillItem[] }, asOf: string): Promise<Record<string, string>> {
  if (!input.outOfHouse) return { refillTimes: 'リフィル処方箋は院外処方に限ります。' };
  const codes = [...new Set(input.items.map((i) => i.receiptCode).filter((x): x is string => !!x))];
  const drugs = codes.length ? await getDrugsByCodes(codes, c) : [];
  const infos = await loadDrugLimitInfos(c, clinicId, drugs, asOf);
  const byCode = new Map(drugs.map((d) => [d.code, d]));
  const errors: Record<string, string> = {};
  const names: string[] = [];
  input.items.forEach((item, index) => {
    const drug = item.receiptCode ? byCode.get(item.receiptCode) : undefined;
    const reason = drug ? refillRefusal(drug, infos.get(drug.code)?.legal ?? null) : 'マスターにない薬品はリフィルできるか確認できないため、リフィル処方箋にできません。';
    if (reason) {
      errors[`items.${index}.refill`] = reason;
      names.push(`${item.drugName}：${reason}`);
    }
  });
  // the summary first: the action's message is the first field error
  return names.length ? { refillTimes: `リフィル処方箋にできない薬品があります。${names.join(' ')}`, ...errors } : {};
}
