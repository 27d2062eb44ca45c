/** Values shared by the prescription forms and schema; no zod here, so client components stay small. */
export const MEDICATION_KINDS = ['internal', 'as_needed', 'external'] as const;
export type MedicationKindValue = (typeof MEDICATION_KINDS)[number];
export const MEDICATION_KIND_LABELS: Record<MedicationKindValue, string> = { internal: '内服', as_needed: '頓服', external: '外用' };

/** per_day = 1日量, per_time = 1回量, total = 外用の全量 (e.g. 25 g, 2 本). */
export const DOSE_BASES = ['per_day', 'per_time', 'total'] as const;
export type DoseBasis = (typeof DOSE_BASES)[number];
export const DOSE_BASIS_LABELS: Record<DoseBasis, string> = { per_day: '1日量', per_time: '1回量', total: '全量' };

/**
 * Why a drug may not be changed to a 後発医薬品 (処方箋 様式第二号, 令和6年): medical = 「変更不可（医療上必要）」 (the doctor
 * signs), patient = 「患者希望」 (the patient asked for the 先発医薬品; 長期収載品の選定療養). Either one means 変更不可.
 */
export const SUBSTITUTION_REASONS = ['medical', 'patient'] as const;
export type SubstitutionReason = (typeof SUBSTITUTION_REASONS)[number];
export const SUBSTITUTION_REASON_LABELS: Record<SubstitutionReason, string> = { medical: '変更不可（医療上必要）', patient: '患者希望' };

/** リフィル処方箋: the 総使用回数 the doctor may allow (at most 3; 1 = an ordinary 処方箋, stored as null). */
export const REFILL_TIMES = [2, 3] as const;
export type RefillTimes = (typeof REFILL_TIMES)[number];

/**
 * MERIT-9 医薬品単位略号 for the free-text dose units whose code appears in the JP-CLINS 1.5.2 examples (TAB 錠, HON 本,
 * KO 個, BTL 瓶, ML mL). Other units get no code (the FHIR quantity then carries the text only): codes are never guessed.
 */
const MERIT9_UNIT_CODES: Record<string, string> = { 錠: 'TAB', 本: 'HON', 個: 'KO', 瓶: 'BTL', ml: 'ML' };

export function merit9UnitCode(doseUnit: string): string | null {
  return MERIT9_UNIT_CODES[doseUnit.normalize('NFKC').trim().toLowerCase()] ?? null;
}
