/** Values shared by the prescription forms and schema; no zod here, so client components stay small. */
export const MEDICATION_KINDS = ['internal', 'as_needed', 'external'] as const;
export type MedicationKindValue = (typeof MEDICATION_KINDS)[number];
export const MEDICATION_KIND_LABELS: Record<MedicationKindValue, string> = { internal: '内服', as_needed: '頓服', external: '外用' };

/** per_day = 1日量, per_time = 1回量, total = 外用の全量 (e.g. 25 g, 2 本). */
export const DOSE_BASES = ['per_day', 'per_time', 'total'] as const;
export type DoseBasis = (typeof DOSE_BASES)[number];
export const DOSE_BASIS_LABELS: Record<DoseBasis, string> = { per_day: '1日量', per_time: '1回量', total: '全量' };

/**
 * MERIT-9 医薬品単位略号 for the free-text dose units whose code appears in the JP-CLINS 1.5.2 examples (TAB 錠, HON 本,
 * KO 個, BTL 瓶, ML mL). Other units get no code (the FHIR quantity then carries the text only): codes are never guessed.
 */
const MERIT9_UNIT_CODES: Record<string, string> = { 錠: 'TAB', 本: 'HON', 個: 'KO', 瓶: 'BTL', ml: 'ML' };

export function merit9UnitCode(doseUnit: string): string | null {
  return MERIT9_UNIT_CODES[doseUnit.normalize('NFKC').trim().toLowerCase()] ?? null;
}
