/** Values shared by the prescription forms and schema; no zod here, so client components stay small. */
export const MEDICATION_KINDS = ['internal', 'as_needed', 'external'] as const;
export type MedicationKindValue = (typeof MEDICATION_KINDS)[number];
export const MEDICATION_KIND_LABELS: Record<MedicationKindValue, string> = { internal: '内服', as_needed: '頓服', external: '外用' };

/** per_day = 1日量, per_time = 1回量, total = 外用の全量 (e.g. 25 g, 2 本). */
export const DOSE_BASES = ['per_day', 'per_time', 'total'] as const;
export type DoseBasis = (typeof DOSE_BASES)[number];
export const DOSE_BASIS_LABELS: Record<DoseBasis, string> = { per_day: '1日量', per_time: '1回量', total: '全量' };
