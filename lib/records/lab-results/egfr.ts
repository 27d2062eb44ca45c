/**
 * eGFRcreat by the Japanese Society of Nephrology equation (日本腎臓学会, CKD診療ガイド; Matsuo et al., AJKD 2009):
 *   eGFR (mL/min/1.73m²) = 194 × Cr^−1.094 × 年齢^−0.287 (× 0.739 for women)
 * from serum creatinine (enzymatic, mg/dL), age at collection and sex. The equation is defined for adults (18 and over)
 * only; for children, another sex or a missing value there is no eGFR. Isomorphic: pure arithmetic.
 */
import { ageOn } from '@/lib/core/dates';

export const EGFR_UNIT = 'mL/min/1.73m²';
export const EGFR_METHOD = '日本腎臓学会の推算式（血清クレアチニン・年齢・性別）';

export function egfrCreatinineJsn(input: { creatinineMgDl: number | null; age: number; sex: string }): number | null {
  const { creatinineMgDl: cr, age, sex } = input;
  if (cr == null || !Number.isFinite(cr) || cr <= 0 || age < 18 || (sex !== 'male' && sex !== 'female')) return null;
  const egfr = 194 * cr ** -1.094 * age ** -0.287 * (sex === 'female' ? 0.739 : 1);
  return Math.round(egfr * 10) / 10;
}

/** The same, with the age taken on the day the specimen was collected (YYYY-MM-DD, JST). */
export function egfrOnCollection(input: { creatinineMgDl: number | null; birthDate: string; sex: string; collectedDate: string }): number | null {
  const age = ageOn(new Date(`${input.birthDate}T00:00:00Z`), input.collectedDate);
  return egfrCreatinineJsn({ creatinineMgDl: input.creatinineMgDl, age, sex: input.sex });
}
