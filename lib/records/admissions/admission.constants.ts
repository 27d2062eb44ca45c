/** 入院 (docs/decisions/0087): the values of Admission.status (TEXT + CHECK) and their words. No imports (client-safe). */
export const ADMISSION_STATUSES = ['admitted', 'discharged', 'entered_in_error'] as const;
export type AdmissionStatus = (typeof ADMISSION_STATUSES)[number];

export const ADMISSION_STATUS_LABELS: Record<AdmissionStatus, string> = {
  admitted: '入院中',
  discharged: '退院済',
  entered_in_error: '取消',
};

/** Diagnoses one admission may name for 入院時 or 退院時. */
export const ADMISSION_MAX_DIAGNOSES = 20;
